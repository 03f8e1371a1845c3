"""CTC from scratch against keras.ops.ctc_loss, LogMelSpectrogram, CTC decoding and WER."""

import itertools

import keras
import numpy as np
import pytest
import tensorflow as tf

from course_utils import train
from course_utils.analysis.speech import word_error_rate
from course_utils.decoding.ctc import ctc_decode, decode_digits
from course_utils.layers.speech import CTCLoss, LogMelSpectrogram, ctc_forward_loss


def random_case(seed, batch=5, frames=20, classes=6, max_labels=6):
    rng = np.random.default_rng(seed)
    logits = rng.normal(scale=2.0, size=(batch, frames, classes)).astype("float32")
    logit_lengths = rng.integers(frames // 2, frames + 1, size=batch).astype("int32")
    label_lengths = rng.integers(1, max_labels + 1, size=batch).astype("int32")
    labels = rng.integers(1, classes, size=(batch, max_labels)).astype("int32")
    labels[0, :3] = labels[0, 0]  # a repeated label needs a blank between its copies
    label_lengths[0] = max(label_lengths[0], 3)
    label_lengths = np.minimum(label_lengths, (logit_lengths - 1) // 2)  # always feasible
    return labels, logits, label_lengths, logit_lengths


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_forward_loss_matches_keras_values_and_gradients(seed):
    labels, logits, label_lengths, logit_lengths = random_case(seed)
    x = tf.constant(logits)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        ours = ctc_forward_loss(labels, x, label_lengths, logit_lengths)
        reference = keras.ops.ctc_loss(labels, x, label_lengths, logit_lengths, mask_index=0)
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(tape.gradient(ours, x), tape.gradient(reference, x), atol=1e-5)


def test_another_blank_index_matches_keras():
    labels, logits, label_lengths, logit_lengths = random_case(3, classes=5)
    labels = labels - 1  # labels 0..3, blank 4
    ours = ctc_forward_loss(labels, logits, label_lengths, logit_lengths, blank_index=4)
    reference = keras.ops.ctc_loss(labels, logits, label_lengths, logit_lengths, mask_index=4)
    np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-4)


def test_forward_loss_equals_the_sum_over_every_path():
    rng = np.random.default_rng(5)
    logits = rng.normal(size=(1, 5, 3)).astype("float32")
    probabilities = np.exp(logits[0]) / np.exp(logits[0]).sum(-1, keepdims=True)

    def collapse(path):
        merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
        return tuple(c for c in merged if c)

    for label in [(1,), (1, 2), (2, 2), (1, 2, 1)]:
        total = sum(np.prod(probabilities[np.arange(5), list(path)])
                    for path in itertools.product(range(3), repeat=5) if collapse(path) == label)
        loss = ctc_forward_loss([list(label)], logits, [len(label)], [5])[0]
        np.testing.assert_allclose(np.exp(-float(loss)), total, rtol=1e-5)


def test_log_mel_shape_values_and_round_trip(tmp_path):
    layer = LogMelSpectrogram(frame_length=256, frame_step=128, fft_length=256, num_mel_bins=20)
    waveforms = np.random.default_rng(0).uniform(-0.5, 0.5, (2, 4000)).astype("float32")
    features = np.asarray(layer(waveforms))
    assert features.shape == (2, 1 + (4000 - 256) // 128, 20) == (2, layer.frames(4000), 20)
    silence = np.asarray(layer(np.zeros((1, 1000), "float32")))
    np.testing.assert_allclose(silence, np.log(1e-6), rtol=1e-6)
    tone = np.sin(2 * np.pi * 1000 * np.arange(4000) / 8000).astype("float32")
    peak = np.asarray(layer(tone[None]))[0].mean(0).argmax()
    low = np.asarray(layer(np.sin(2 * np.pi * 200 * np.arange(4000) / 8000)[None]))[0]
    assert low.mean(0).argmax() < peak  # a lower tone lands in a lower mel bin
    inputs = keras.Input((4000,))
    model = keras.Model(inputs, keras.layers.Dense(3)(layer(inputs)))
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(loaded(waveforms), model(waveforms), rtol=1e-5, atol=1e-5)
    assert loaded.layers[1].get_config()["num_mel_bins"] == 20
    with pytest.raises(ValueError, match="upper_edge_hertz"):
        LogMelSpectrogram(upper_edge_hertz=5000.0)


@pytest.mark.slow
@pytest.mark.parametrize("implementation", ["keras", "forward"])
def test_ctc_loss_trains_through_course_train(implementation):
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 24, 8)).astype("float32")
    y = np.full((64, 3), -1, "int32")
    for row in y:
        count = rng.integers(1, 4)
        row[:count] = rng.integers(1, 5, size=count)
    inputs = keras.Input((24, 8))
    model = keras.Model(inputs, keras.layers.Dense(5)(keras.layers.GRU(8, return_sequences=True)(
        inputs)))
    history = train(model, x, y, loss=CTCLoss(implementation=implementation), metrics=(),
                    epochs=3, batch_size=16, learning_rate=1e-2)
    assert history.xla_used and history.history["loss"][-1] < history.history["loss"][0]
    restored = keras.losses.deserialize(keras.losses.serialize(CTCLoss(implementation="forward")))
    assert restored.implementation == "forward" and restored.labels == "sparse"


def test_ctc_loss_reads_label_lengths_from_padding():
    labels, logits, label_lengths, logit_lengths = random_case(4, frames=20)
    full = np.full(len(logits), 20, "int32")
    padded = np.where(np.arange(labels.shape[1]) < label_lengths[:, None], labels, -1)
    for implementation in ("keras", "forward"):
        ours = CTCLoss(implementation=implementation).call(padded, logits)
        reference = keras.ops.ctc_loss(labels, logits, label_lengths, full)
        np.testing.assert_allclose(ours, reference, rtol=1e-5, atol=1e-4)


def test_decoding_greedy_and_beam():
    frames = [0, 3, 3, 0, 3, 1, 1, 0, 0, 2]  # -> 3 3 1 2
    logits = np.full((2, len(frames), 5), -5.0, "float32")
    logits[0, np.arange(len(frames)), frames] = 5.0
    logits[1, :, 0] = 5.0  # all blank -> empty
    for strategy in ("greedy", "beam_search"):
        assert ctc_decode(logits, strategy, beam_width=4) == [(3, 3, 1, 2), ()]
        assert decode_digits(logits, strategy) == [(2, 2, 0, 1), ()]
    assert ctc_decode(logits, lengths=[3, 10]) == [(3,), ()]
    # beam search sums paths: "1" over two frames wins as a labelling, greedy picks the blank path
    probabilities = np.array([[[0.4, 0.3, 0.3], [0.4, 0.3, 0.3]]])
    assert ctc_decode(np.log(probabilities), "greedy") == [()]
    assert ctc_decode(np.log(probabilities), "beam_search", beam_width=4) in ([(1,)], [(2,)])
    with pytest.raises(ValueError, match="beam_width"):
        ctc_decode(logits, "beam_search", beam_width=0)
    with pytest.raises(ValueError, match="strategy"):
        ctc_decode(logits, "sampling")
    with pytest.raises(ValueError, match="lengths"):
        ctc_decode(logits, lengths=[3])


def test_word_error_rate():
    assert word_error_rate(["four two seven"], ["four seven"]) == pytest.approx(1 / 3)
    assert word_error_rate(["one two", "three"], ["one two", "three"]) == 0.0
    assert word_error_rate(["one"], [""]) == 1.0
    assert word_error_rate(["one"], ["one one one"]) == 2.0
    with pytest.raises(ValueError, match="as many transcripts"):
        word_error_rate(["one", "two"], ["one"])
    with pytest.raises(ValueError, match="string"):
        word_error_rate(["one"], [1])
    with pytest.raises(ValueError, match="list of transcripts"):
        word_error_rate("one", "one")
