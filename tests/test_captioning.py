"""Tests of the captioning data, layers and decoding: digit strips and captions, disjoint pools,
argument errors, the encoder against a NumPy reference, `.keras` round trips, attention weights,
one training step, and beam search of width 1 against greedy search."""

import keras
import numpy as np
import pytest

from course_utils.data.captions import (
    DIGIT_WORDS,
    digit_pool,
    join_digit_images,
    make_digit_strips,
)
from course_utils.decoding import beam_search, greedy_decode
from course_utils.decoding.captioning import caption_greedy_decode, caption_step_fn, check_images
from course_utils.layers.captioning import ImageEncoder, show_and_tell, show_attend_and_tell
from course_utils.layers.seq2seq import MaskedSequenceLoss


@pytest.fixture(scope="module")
def strips():
    return make_digit_strips("train", 40, seed=3)


# ----- data ------------------------------------------------------------------------------------
class TestDigitStrips:
    def test_shapes_and_captions(self, strips):
        assert strips.images.shape == (40, 8, 48) and strips.images.dtype == np.float32
        assert strips.images.min() >= 0 and strips.images.max() <= 1
        assert strips.decoder_inputs.shape == strips.decoder_targets.shape == (40, 7)
        assert set(strips.lengths) <= set(range(1, 7))
        vocabulary = strips.vocabulary
        for i in range(40):
            n = strips.lengths[i]
            assert strips.captions[i] == [DIGIT_WORDS[d] for d in strips.digits[i, :n]]
            assert np.all(strips.digits[i, n:] == -1)
            assert vocabulary.decode(strips.decoder_targets[i]) == strips.captions[i]
            assert strips.decoder_inputs[i, 0] == vocabulary.start_id
            assert strips.decoder_targets[i, n] == vocabulary.end_id
            np.testing.assert_array_equal(
                strips.decoder_inputs[i, 1 : n + 1], strips.decoder_targets[i, :n]
            )
            assert np.all(strips.images[i, :, 8 * n :] == 0)  # blank right of the last digit

    def test_pixels_are_the_real_digits(self, strips):
        from sklearn.datasets import load_digits

        digits = load_digits()
        i = 5
        for k in range(strips.lengths[i]):
            index = strips.pool_indices[i, k]
            np.testing.assert_allclose(
                strips.images[i, :, 8 * k : 8 * k + 8], digits.images[index] / 16.0, atol=1e-6
            )
            assert digits.target[index] == strips.digits[i, k]

    def test_train_and_test_pools_are_disjoint(self):
        train, test = digit_pool("train")[2], digit_pool("test")[2]
        assert len(np.intersect1d(train, test)) == 0 and len(train) + len(test) == 1797
        test_strips = make_digit_strips("test", 200, seed=0)
        used = test_strips.pool_indices[test_strips.pool_indices >= 0]
        assert set(used) <= set(test) and not set(used) & set(train)

    def test_deterministic_and_lengths(self):
        a = make_digit_strips("test", 30, min_digits=2, max_digits=3, seed=7)
        b = make_digit_strips("test", 30, min_digits=2, max_digits=3, seed=7)
        np.testing.assert_array_equal(a.images, b.images)
        assert a.images.shape == (30, 8, 24) and set(a.lengths) <= {2, 3}

    @pytest.mark.parametrize(
        "kwargs, text",
        [
            ({"min_digits": 0}, "min_digits"),
            ({"min_digits": 4, "max_digits": 3}, "min_digits"),
            ({"max_digits": 13}, "max_digits"),
            ({"num_strips": 0}, "num_strips"),
            ({"split": "valid"}, "split"),
        ],
    )
    def test_bad_arguments(self, kwargs, text):
        arguments = {"split": "train", "num_strips": 5, **kwargs}
        with pytest.raises(ValueError, match=text):
            make_digit_strips(**arguments)

    def test_join_digit_images_checks_shape_and_dtype(self):
        with pytest.raises(ValueError, match=r"shape \(3, 8, 7\)"):
            join_digit_images(np.zeros((3, 8, 7), np.float32))
        with pytest.raises(ValueError, match="dtype int64"):
            join_digit_images(np.zeros((3, 8, 8), np.int64))
        with pytest.raises(ValueError, match="at most max_digits=2"):
            join_digit_images(np.zeros((3, 8, 8), np.float32), max_digits=2)
        strip = join_digit_images(np.ones((2, 8, 8), np.float32), max_digits=3)
        assert strip.shape == (8, 24) and strip[:, :16].all() and not strip[:, 16:].any()

    def test_strip_checks(self):
        with pytest.raises(ValueError, match=r"shape \(2, 7, 48\)"):
            check_images(np.zeros((2, 7, 48), np.float32))
        with pytest.raises(ValueError, match="dtype uint8"):
            check_images(np.zeros((2, 8, 48), np.uint8))
        with pytest.raises(ValueError, match=r"shape \(0, 8, 48\)"):
            check_images(np.zeros((0, 8, 48), np.float32))
        with pytest.raises(ValueError, match=r"shape \(8, 48\)"):
            check_images(np.zeros((8, 48), np.float32))
        with pytest.raises(ValueError, match="dtype int32"):
            check_images(np.zeros((2, 8, 48), np.int32))


# ----- layers ----------------------------------------------------------------------------------
def reference_encoder(encoder, images):
    """The encoder in NumPy: 1-D 'same' convolutions along the width, max-pooling, dense."""
    k1, b1, k2, b2, kc, bc, kv, bv = [w for w in encoder.get_weights()]

    def conv(x, kernel, bias):  # x (batch, W, channels), kernel (3, in, out)
        padded = np.pad(x, ((0, 0), (1, 1), (0, 0)))
        out = sum(padded[:, j : j + x.shape[1]] @ kernel[j] for j in range(3)) + bias
        return np.maximum(out, 0)

    def pool(x, size):
        batch, width, channels = x.shape
        return x.reshape(batch, width // size, size, channels).max(2)

    x = np.transpose(images, (0, 2, 1))
    x = pool(conv(x, k1, b1), 2)
    x = pool(conv(x, k2, b2), encoder.column_group // 2)
    features = np.tanh(x @ kc + bc)
    vector = np.tanh(features.reshape(len(images), -1) @ kv + bv)
    return features, vector


class TestImageEncoder:
    def test_against_numpy(self, strips):
        encoder = ImageEncoder(12, filters=5, column_group=4)
        features, vector = encoder(strips.images[:6])
        assert features.shape == (6, 12, 12) and vector.shape == (6, 12)
        expected_features, expected_vector = reference_encoder(encoder, strips.images[:6])
        np.testing.assert_allclose(features, expected_features, atol=1e-5)
        np.testing.assert_allclose(vector, expected_vector, atol=1e-5)

    def test_bad_inputs(self, strips):
        with pytest.raises(ValueError, match="column_group"):
            ImageEncoder(8, column_group=3)
        with pytest.raises(ValueError, match="images"):
            ImageEncoder(8)(np.zeros((2, 7, 48), np.float32))
        with pytest.raises(ValueError, match="width 46"):
            ImageEncoder(8)(np.zeros((2, 8, 46), np.float32))
        with pytest.raises(ValueError, match="dtype int32"):
            ImageEncoder(8)(np.zeros((2, 8, 48), np.int32))

    def test_config(self):
        encoder = ImageEncoder(10, filters=3, column_group=8)
        clone = ImageEncoder.from_config(encoder.get_config())
        assert (clone.units, clone.filters, clone.column_group) == (10, 3, 8)


def build(factory, strips, **kwargs):
    keras.utils.set_random_seed(0)
    model = factory(len(strips.vocabulary), units=16, embedding_dim=8, filters=4, **kwargs)
    model((strips.images[:2], strips.decoder_inputs[:2]))
    return model


@pytest.mark.parametrize("factory", [show_and_tell, show_attend_and_tell])
class TestCaptioners:
    def test_shapes_and_weights(self, factory, strips):
        model = build(factory, strips)
        logits = model((strips.images[:5], strips.decoder_inputs[:5]))
        assert logits.shape == (5, 7, len(strips.vocabulary))
        weights = model.attention_weights(strips.images[:5], strips.decoder_inputs[:5])
        columns = 1 if factory is show_and_tell else 12
        assert weights.shape == (5, 7, columns)
        assert np.all(weights >= 0)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)

    def test_keras_round_trip(self, factory, strips, tmp_path):
        model = build(factory, strips)
        inputs = (strips.images[:4], strips.decoder_inputs[:4])
        path = tmp_path / "captioner.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(loaded(inputs), model(inputs), atol=1e-6)
        tokens, _ = loaded.greedy_decode(strips.images[:4], max_length=7)[0], None
        np.testing.assert_array_equal(
            tokens.tokens, model.greedy_decode(strips.images[:4], max_length=7)[0].tokens
        )

    @pytest.mark.slow
    def test_one_training_step_lowers_the_loss(self, factory, strips):
        import course_utils

        model = build(factory, strips)
        inputs = (strips.images, strips.decoder_inputs)
        loss = MaskedSequenceLoss()
        before = float(loss(strips.decoder_targets, model(inputs)))
        history = course_utils.train(
            model,
            inputs,
            strips.decoder_targets,
            loss=loss,
            metrics=(),
            epochs=3,
            batch_size=40,
            learning_rate=1e-2,
        )
        assert history.xla_used
        assert float(loss(strips.decoder_targets, model(inputs))) < before

    def test_beam_width_one_is_greedy(self, factory, strips):
        model = build(factory, strips)
        images = strips.images[:8]
        step_fn, state = caption_step_fn(model, images)
        greedy = greedy_decode(step_fn, state, start_id=1, end_id=2, max_length=7)
        beam = beam_search(step_fn, state, start_id=1, end_id=2, max_length=7, beam_width=1)
        np.testing.assert_array_equal(beam.best_tokens, greedy.tokens)
        np.testing.assert_allclose(beam.best_log_probs, greedy.log_probs, atol=1e-4)
        result, weights = caption_greedy_decode(model, images, max_length=7)
        np.testing.assert_array_equal(result.tokens, greedy.tokens)  # the same greedy search
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)

    def test_decoding_checks_images(self, factory, strips):
        model = build(factory, strips)
        with pytest.raises(ValueError, match="dtype int64"):
            caption_step_fn(model, strips.images.astype(np.int64))
        with pytest.raises(ValueError, match="model"):
            caption_step_fn("not a model", strips.images)


def test_attention_weights_follow_a_teacher_forced_decode(strips):
    """The weights the greedy loop records are those of the teacher-forced call on its output."""
    model = build(show_attend_and_tell, strips)
    images = strips.images[:6]
    result, weights = caption_greedy_decode(model, images, max_length=7)
    inputs = np.concatenate([np.ones((6, 1), np.int32), result.tokens[:, :-1]], axis=1)
    # after <end> the loop feeds its own argmax while tokens are padding: compare up to <end>
    forced = model.attention_weights(images, inputs)
    for row, n in enumerate(result.lengths):
        np.testing.assert_allclose(weights[row, :n], forced[row, :n], atol=1e-5)


# ----- plotting --------------------------------------------------------------------------------
def test_plots(strips):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_utils.plotting.captioning import (
        plot_caption_attention,
        plot_scores_by_length,
        plot_strips,
    )

    figure = plot_strips(strips.images[:3], strips.captions[:3])
    assert [ax.get_title() for ax in figure.axes[:3]] == [" ".join(c) for c in strips.captions[:3]]
    weights = np.full((7, 6), 1 / 6)
    figure = plot_caption_attention(strips.images[0], ["one", "<end>"], weights)
    assert len(figure.axes) == 2
    ax = plot_scores_by_length([1, 2], {"a": [0.5, 0.4]}, {"a": [0.1, 0.1]})
    assert ax.get_xlabel() == "digits in the strip"
    with pytest.raises(ValueError, match="column groups"):
        plot_caption_attention(strips.images[0], ["one"], np.ones((2, 5)))
    with pytest.raises(ValueError, match="captions"):
        plot_strips(strips.images[:3], strips.captions[:2])
    plt.close("all")
