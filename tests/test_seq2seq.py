"""Tests for course_utils.layers.seq2seq: NumPy and Keras references for the encoder, decoder and
loss."""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import course_utils
from course_utils.layers.attention import BahdanauAttention, LuongAttention
from course_utils.layers.seq2seq import (
    END_ID,
    PAD_ID,
    START_ID,
    Decoder,
    Encoder,
    MaskedSequenceLoss,
    Seq2Seq,
    add_start_end,
    exact_match_accuracy,
    masked_sequence_loss,
    padding_mask,
    padding_weighted_loss,
    sampling_probability,
    sequence_matches,
    token_losses,
)

RNG = np.random.default_rng(0)
IN_VOCAB, OUT_VOCAB, EMBED, UNITS = 9, 8, 3, 5


def encoder_tokens():
    tokens = RNG.integers(1, IN_VOCAB, size=(3, 6)).astype("int32")
    tokens[0, 4:] = 0  # 4 real tokens
    tokens[1, 2:] = 0  # 2 real tokens
    return tokens


def decoder_arrays():
    return add_start_end([[3, 4, 5, 6], [7], [5, 5]])  # (3, 5) each


def simple_rnn(cell, x, h):
    kernel, recurrent, bias = [np.asarray(w, dtype=np.float64) for w in cell.get_weights()]
    return np.tanh(x @ kernel + h @ recurrent + bias)


def numpy_softmax(scores, mask):
    scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    return weights / weights.sum(-1, keepdims=True)


def numpy_decoder(decoder, inputs, state, outputs, mask):
    """Teacher-forced reference for a SimpleRNN-cell decoder: logits (batch, T_out, vocab)."""
    embedding = np.asarray(decoder.embedding.embeddings, dtype=np.float64)
    w_out, b_out = [np.asarray(w, dtype=np.float64) for w in decoder.output_layer.get_weights()]
    outputs, state = np.asarray(outputs, np.float64), np.asarray(state, np.float64)
    all_logits = []
    for j in range(inputs.shape[1]):
        embedded = embedding[inputs[:, j]]
        if decoder.style == "plain":
            context = outputs[np.arange(len(outputs)), mask.sum(1) - 1]
        elif decoder.style == "bahdanau":
            w_q, w_k, v = [np.asarray(w, np.float64) for w in decoder.attention.get_weights()]
            scores = np.tanh((state @ w_q)[:, None] + outputs @ w_k) @ v
            context = np.einsum("bt,btu->bu", numpy_softmax(scores, mask), outputs)
        if decoder.style == "luong":
            state = simple_rnn(decoder.cell, embedded, state)
            kernel = np.asarray(decoder.attention.kernel, np.float64)
            scores = np.einsum("bu,btu->bt", state @ kernel, outputs)
            context = np.einsum("bt,btu->bu", numpy_softmax(scores, mask), outputs)
        else:
            state = simple_rnn(decoder.cell, np.concatenate([embedded, context], -1), state)
        all_logits.append(np.concatenate([state, context], -1) @ w_out + b_out)
    return np.stack(all_logits, 1)


def small_model(attention=None, cell=keras.layers.SimpleRNNCell, **decoder_kwargs):
    model = Seq2Seq(
        Encoder(IN_VOCAB, EMBED, cell(UNITS)),
        Decoder(OUT_VOCAB, EMBED, cell(UNITS), attention=attention, **decoder_kwargs),
    )
    model((encoder_tokens(), decoder_arrays()[0]))
    return model


class TestTokensAndMasks:
    def test_add_start_end(self):
        inputs, targets = add_start_end([[5, 6, 7], [8]], max_length=5)
        np.testing.assert_array_equal(inputs, [[1, 5, 6, 7, 0], [1, 8, 0, 0, 0]])
        np.testing.assert_array_equal(targets, [[5, 6, 7, 2, 0], [8, 2, 0, 0, 0]])
        assert inputs.dtype == np.int32

    def test_inputs_and_targets_share_the_padding_mask(self):
        inputs, targets = decoder_arrays()
        np.testing.assert_array_equal(padding_mask(inputs), padding_mask(targets))

    def test_too_short_max_length(self):
        with pytest.raises(ValueError, match="max_length=3 is too short: .* needs 4"):
            add_start_end([[5, 6, 7]], max_length=3)


class TestMaskedSequenceLoss:
    def setup_method(self):
        self.targets = decoder_arrays()[1]
        self.logits = RNG.normal(size=self.targets.shape + (OUT_VOCAB,)).astype("float32")

    def numpy_loss(self, targets, logits):
        logits = logits.astype(np.float64)
        log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        picked = np.take_along_axis(log_probs, targets[..., None], -1)[..., 0]
        real = targets != 0
        return -(picked * real).sum() / real.sum()

    def test_matches_numpy(self):
        expected = self.numpy_loss(self.targets, self.logits)
        assert float(masked_sequence_loss(self.targets, self.logits)) == pytest.approx(
            expected, rel=1e-5
        )
        assert float(MaskedSequenceLoss()(self.targets, self.logits)) == pytest.approx(
            expected, rel=1e-5
        )

    def test_padding_changes_nothing_but_the_naive_mean_does(self):
        extra = 4
        targets = np.pad(self.targets, ((0, 0), (0, extra)))
        logits = np.concatenate([self.logits, RNG.normal(size=(3, extra, OUT_VOCAB))], 1).astype(
            "float32"
        )
        masked = [
            float(masked_sequence_loss(t, logit))
            for t, logit in ((self.targets, self.logits), (targets, logits))
        ]
        assert masked[0] == pytest.approx(masked[1], rel=1e-6)
        naive = [
            float(np.mean(token_losses(t, logit)))
            for t, logit in ((self.targets, self.logits), (targets, logits))
        ]
        assert abs(naive[0] - naive[1]) > 0.01

    def test_padding_weight_zero_is_masked_and_one_is_the_naive_mean(self):
        masked = padding_weighted_loss(self.targets, self.logits, 0.0)
        assert float(masked) == pytest.approx(self.numpy_loss(self.targets, self.logits), rel=1e-5)
        naive = padding_weighted_loss(self.targets, self.logits, keras.Variable(1.0))
        expected = float(np.mean(token_losses(self.targets, self.logits)))
        assert float(naive) == pytest.approx(expected, rel=1e-5)

    def test_unreduced_values_are_zero_at_padding(self):
        values = np.asarray(MaskedSequenceLoss(reduction=None)(self.targets, self.logits))
        assert values.shape == self.targets.shape and np.all(values[self.targets == 0] == 0)

    def test_config_round_trip(self):
        loss = MaskedSequenceLoss(pad_id=3)
        assert MaskedSequenceLoss.from_config(loss.get_config()).pad_id == 3


class TestExactMatch:
    def test_cases(self):
        targets = [[5, 6, 2, 0], [5, 6, 2, 0], [5, 6, 2, 0], [5, 6, 2, 0], [7, 0, 0, 0]]
        predicted = [
            [5, 6, 2, 9],  # junk after <end>: ignored
            [5, 6, 6, 2],  # one token too many
            [5, 6, 0, 0],  # never ends
            [5, 7, 2, 0],  # wrong token
            [7, 0, 0, 0],
        ]  # no <end> on either side
        np.testing.assert_array_equal(
            sequence_matches(targets, predicted), [True, False, False, False, True]
        )
        assert exact_match_accuracy(targets, predicted) == pytest.approx(0.4)

    def test_bad_shapes(self):
        with pytest.raises(ValueError, match=r"shapes \(2, 3\) and \(3, 3\)"):
            sequence_matches(np.zeros((2, 3)), np.zeros((3, 3)))


class TestSamplingProbability:
    @pytest.mark.parametrize("step", [0, 10, 250])
    def test_formulas(self, step):
        assert sampling_probability(step, "linear", slope=0.002) == pytest.approx(
            min(1, 0.002 * step)
        )
        assert sampling_probability(step, "exponential", k=0.99) == pytest.approx(1 - 0.99**step)
        assert sampling_probability(step, "inverse_sigmoid", k=50.0) == pytest.approx(
            1 - 50 / (50 + np.exp(step / 50)), rel=1e-5
        )

    def test_floor_caps_the_probability_and_tensors_work(self):
        assert sampling_probability(10_000, "linear", floor=0.25) == pytest.approx(0.75)
        tensor = sampling_probability(tf.constant(100.0), "inverse_sigmoid", k=50.0)
        assert float(tensor) == pytest.approx(sampling_probability(100, "inverse_sigmoid", k=50.0))

    def test_bad_arguments(self):
        with pytest.raises(
            ValueError,
            match="`schedule` must be one of 'linear', 'exponential', "
            "'inverse_sigmoid', got 'cosine'$",
        ):
            sampling_probability(3, "cosine")
        with pytest.raises(ValueError, match=r"`floor` must be a number in \[0, 1\], got 1.5$"):
            sampling_probability(3, floor=1.5)


class TestEncoder:
    def test_matches_keras_rnn_on_each_unpadded_sequence(self):
        tokens = encoder_tokens()
        encoder = Encoder(IN_VOCAB, EMBED, keras.layers.LSTMCell(UNITS))
        outputs, (h, c), mask = encoder(tokens)
        reference = keras.layers.RNN(
            keras.layers.LSTMCell(UNITS), return_sequences=True, return_state=True
        )
        reference.build((None, None, EMBED))
        reference.set_weights(encoder.rnn.get_weights())
        embeddings = np.asarray(encoder.embedding.embeddings)
        np.testing.assert_array_equal(mask, tokens != 0)
        for row, length in enumerate((tokens != 0).sum(1)):
            out, ref_h, ref_c = reference(embeddings[tokens[row : row + 1, :length]])
            np.testing.assert_allclose(outputs[row, :length], out[0], atol=1e-5)
            np.testing.assert_allclose(h[row], ref_h[0], atol=1e-5)
            np.testing.assert_allclose(c[row], ref_c[0], atol=1e-5)

    def test_course_cell_equals_keras_cell(self):
        tokens = encoder_tokens()
        ours = Encoder(IN_VOCAB, EMBED, lambda: course_utils.GRUCell(UNITS))  # a factory
        theirs = Encoder(IN_VOCAB, EMBED, keras.layers.GRUCell(UNITS))
        ours(tokens), theirs(tokens)
        theirs.set_weights(ours.get_weights())
        np.testing.assert_allclose(ours(tokens)[0], theirs(tokens)[0], atol=1e-5)

    def test_bad_cell_and_sizes(self):
        with pytest.raises(ValueError, match="recurrent cell .* got 'lstm'"):
            Encoder(IN_VOCAB, EMBED, "lstm")
        with pytest.raises(ValueError, match="`vocabulary_size` must be an integer >= 1, got 0$"):
            Encoder(0, EMBED, keras.layers.GRUCell(UNITS))
        with pytest.raises(ValueError, match="`embedding_dim` must be an integer >= 1, got 2.0$"):
            Encoder(IN_VOCAB, 2.0, keras.layers.GRUCell(UNITS))
        with pytest.raises(
            ValueError,
            match=r"`tokens` must be of shape \(batch, T_in\), "
            r"got \(3, 6, 1\)$",
        ):
            Encoder(IN_VOCAB, EMBED, keras.layers.GRUCell(UNITS))(encoder_tokens()[..., None])


class TestDecoder:
    @pytest.mark.parametrize("attention", [None, "bahdanau", LuongAttention("general")])
    def test_teacher_forcing_matches_numpy(self, attention):
        model = small_model(attention)
        tokens, (inputs, _) = encoder_tokens(), decoder_arrays()
        outputs, states, mask = model.encoder(tokens)
        expected = numpy_decoder(model.decoder, inputs, states[0], outputs, np.asarray(mask))
        np.testing.assert_allclose(model((tokens, inputs)), expected, atol=1e-4)

    @pytest.mark.parametrize("attention", [None, "bahdanau", "luong_dot"])
    def test_step_shapes_and_weights(self, attention):
        model = small_model(attention, cell=course_utils.LSTMCell)
        outputs, states, mask = model.encoder(encoder_tokens())
        logits, new_states, weights = model.decoder.step(
            tf.constant([1, 1, 1]), states, outputs, mask
        )
        assert logits.shape == (3, OUT_VOCAB) and weights.shape == (3, 6)
        assert [tuple(s.shape) for s in new_states] == [(3, UNITS), (3, UNITS)]
        np.testing.assert_allclose(np.asarray(weights).sum(-1), 1.0, atol=1e-6)
        assert np.all(np.asarray(weights)[~np.asarray(mask)] == 0)

    def test_decoder_padding_changes_no_real_position(self):
        model = small_model("bahdanau")
        tokens, (inputs, _) = encoder_tokens(), decoder_arrays()
        longer = np.pad(inputs, ((0, 0), (0, 3)))
        np.testing.assert_allclose(
            model((tokens, longer))[:, : inputs.shape[1]], model((tokens, inputs)), atol=1e-6
        )

    def test_sampling_probability_one_is_free_running(self):
        model = small_model("bahdanau", seed=3)
        tokens, (inputs, _) = encoder_tokens(), decoder_arrays()
        model.decoder.sampling_probability.assign(1.0)
        sampled = model((tokens, inputs), training=True)
        other = np.where(inputs > 0, 3, 0)
        other[:, 0] = 1  # same <start>, different later tokens: must not matter
        np.testing.assert_allclose(model((tokens, other), training=True), sampled, atol=1e-6)
        outputs, states, mask = model.encoder(tokens)
        token, greedy = tf.constant(inputs[:, 0]), []
        for _ in range(inputs.shape[1]):  # reference: step by step, feeding the argmax
            logits, states, _ = model.decoder.step(token, states, outputs, mask)
            greedy.append(logits)
            token = tf.cast(tf.argmax(logits, -1), tf.int32)
        np.testing.assert_allclose(sampled, np.stack(greedy, 1), atol=1e-5)

    def test_sampling_probability_zero_is_teacher_forcing(self):
        model = small_model("bahdanau")
        tokens, (inputs, _) = encoder_tokens(), decoder_arrays()
        np.testing.assert_allclose(
            model((tokens, inputs), training=True), model((tokens, inputs)), atol=1e-6
        )

    def test_schedule_advances_once_per_training_call(self):
        schedule = {"schedule": "linear", "slope": 0.25}
        model = small_model(sampling_schedule=schedule)
        for _ in range(3):
            model((encoder_tokens(), decoder_arrays()[0]), training=True)
        model((encoder_tokens(), decoder_arrays()[0]), training=False)
        assert float(model.decoder.sampling_step) == 3.0
        assert float(model.decoder.sampling_probability) == pytest.approx(
            sampling_probability(2, **schedule)
        )

    def test_compiles_with_xla_and_has_gradients(self):
        model = small_model("luong_general", sampling_schedule={"k": 10.0})
        tokens, (inputs, targets) = encoder_tokens(), decoder_arrays()

        @tf.function(jit_compile=True)
        def gradients():
            with tf.GradientTape() as tape:
                loss = masked_sequence_loss(targets, model((tokens, inputs), training=True))
            return tape.gradient(loss, model.trainable_variables)

        grads = gradients()
        assert all(g is not None and np.all(np.isfinite(tf.convert_to_tensor(g))) for g in grads)

    def test_bad_arguments(self):
        cell = keras.layers.GRUCell(UNITS)
        expected = (
            "`attention` must be None, 'bahdanau', 'luong_dot', 'luong_general' or a "
            "BahdanauAttention/LuongAttention layer, got "
        )
        with pytest.raises(ValueError, match=re.escape(expected) + "'additive'$"):
            Decoder(OUT_VOCAB, EMBED, cell, attention="additive")
        with pytest.raises(ValueError, match=re.escape(expected) + "<Dense"):
            Decoder(OUT_VOCAB, EMBED, cell, attention=keras.layers.Dense(3))
        with pytest.raises(
            ValueError,
            match="`sampling_schedule` must be None or a dict of "
            "sampling_probability arguments, got 0.5$",
        ):
            Decoder(OUT_VOCAB, EMBED, cell, sampling_schedule=0.5)
        with pytest.raises(
            ValueError,
            match="`schedule` must be one of 'linear', 'exponential', "
            "'inverse_sigmoid', got 'cosine'$",
        ):
            Decoder(OUT_VOCAB, EMBED, cell, sampling_schedule={"schedule": "cosine"})
        with pytest.raises(
            ValueError, match="`vocabulary_size` must be an integer >= 1, got True$"
        ):
            Decoder(True, EMBED, cell)
        with pytest.raises(ValueError, match=r"state sizes \[5, 5\] differ .* \[5\]"):
            Seq2Seq(
                Encoder(IN_VOCAB, EMBED, keras.layers.LSTMCell(UNITS)),
                Decoder(OUT_VOCAB, EMBED, cell),
            )


class TestSeq2Seq:
    def test_output_carries_the_target_mask(self):
        model = small_model()
        inputs = decoder_arrays()[0]
        logits = model((encoder_tokens(), inputs))
        np.testing.assert_array_equal(logits._keras_mask, inputs != 0)

    def test_greedy_decode_pads_after_end(self):
        model = small_model("bahdanau")
        model.decoder.output_layer.bias.assign(np.eye(OUT_VOCAB)[2] * 50.0)  # always <end>
        tokens, weights = model.greedy_decode(encoder_tokens(), max_length=4)
        np.testing.assert_array_equal(tokens, [[2, 0, 0, 0]] * 3)
        assert weights.shape == (3, 4, 6)

    @pytest.mark.parametrize("attention", [None, "bahdanau", "luong_dot", "luong_general"])
    def test_greedy_decode_is_decodings_greedy_search(self, attention):
        """The same tokens as `decoding.greedy_decode` on the seq2seq step function, and the tokens
        and weights of the decoder's own free-running loop (`Decoder.unroll` feeding its argmax)."""
        keras.utils.set_random_seed(5)
        model = Seq2Seq(
            Encoder(IN_VOCAB, 8, course_utils.GRUCell(16)),
            Decoder(OUT_VOCAB, 8, course_utils.GRUCell(16), attention=attention),
        )
        sources = np.random.default_rng(1).integers(1, IN_VOCAB, size=(40, 6)).astype("int32")
        sources[::4, 3:] = 0
        model((sources[:2], np.ones((2, 3), "int32")))
        for layer in (model.encoder.embedding, model.decoder.embedding):  # varied outputs, some
            layer.embeddings.assign(layer.embeddings * 40.0)  # ending early, some never
        model.decoder.output_layer.kernel.assign(model.decoder.output_layer.kernel * 3.0)
        tokens, weights = model.greedy_decode(sources, max_length=7, batch_size=16)
        step_fn, state = course_utils.decoding.seq2seq_step_fn(model, sources)
        searched = course_utils.decoding.greedy_decode(step_fn, state, START_ID, END_ID, 7)
        np.testing.assert_array_equal(tokens, searched.tokens)
        ended = (tokens == END_ID).any(axis=1)
        assert 0 < ended.mean() < 1  # both kinds of rows are checked
        outputs, states, mask = model.encoder(sources)
        starts = np.full((40, 7), START_ID, "int32")
        feed_own_argmax = np.ones((40, 7), bool)
        logits, free_weights = model.decoder.unroll(starts, states, outputs, mask, feed_own_argmax)
        free_tokens = np.argmax(np.asarray(logits), axis=-1)
        after_end = np.cumsum(free_tokens == END_ID, axis=1) - (free_tokens == END_ID) > 0
        np.testing.assert_array_equal(tokens, np.where(after_end, PAD_ID, free_tokens))
        np.testing.assert_allclose(weights, free_weights, atol=1e-6)

    @pytest.mark.parametrize("attention", [None, BahdanauAttention(4), "luong_dot"])
    def test_keras_round_trip(self, attention, tmp_path):
        model = small_model(attention, cell=course_utils.LSTMCell, sampling_schedule={"k": 5.0})
        path = tmp_path / "seq2seq.keras"
        model.save(path)
        loaded = keras.models.load_model(path)
        data = (encoder_tokens(), decoder_arrays()[0])
        np.testing.assert_allclose(loaded(data), model(data), atol=1e-6)
        assert loaded.decoder.sampling_schedule == {"k": 5.0}

    @pytest.mark.slow  # trains to convergence
    def test_learns_to_copy_with_the_course_training_path(self):
        keras.utils.set_random_seed(0)
        sources = RNG.integers(3, 7, size=(512, 3)).astype("int32")
        inputs, targets = add_start_end(list(sources))
        model = Seq2Seq(
            Encoder(8, 8, keras.layers.GRUCell(32)),
            Decoder(8, 8, keras.layers.GRUCell(32), attention="luong_dot"),
        )
        history = course_utils.train(
            model,
            (sources, inputs),
            targets,
            loss=MaskedSequenceLoss(),
            metrics=(),
            epochs=12,
            batch_size=32,
            learning_rate=1e-2,
        )
        assert history.xla_used
        predicted, _ = model.greedy_decode(sources[:64], max_length=4)
        assert exact_match_accuracy(targets[:64], predicted) > 0.9


class TestNumberWordsInMemory:
    """course_utils.data.seq2seq.make_number_words: the file's spelling, extended to millions."""

    def test_every_number_of_the_file_is_spelled_as_in_the_file(self):
        from course_utils.data.common import read_table
        from course_utils.data.seq2seq import number_in_words

        table = read_table("number_words/number_words.tsv", None)
        for digits, english, german in zip(table["digits"], table["english"], table["german"]):
            assert number_in_words(int(digits), "english") == english
            assert number_in_words(int(digits), "german") == german

    def test_millions(self):
        from course_utils.data.seq2seq import number_in_words

        assert number_in_words(2_000_042, "english") == "two million and forty-two"
        assert number_in_words(2_000_042, "german") == "zwei millionen zwei und vierzig"
        assert number_in_words(1_001_000, "german") == "eine million ein tausend"
        assert number_in_words(999_999_999, "digits") == "999999999"
        with pytest.raises(ValueError, match="`n` must be"):
            number_in_words(10**9, "english")

    def test_splits_share_vocabularies_and_never_overlap(self):
        from course_utils.data.seq2seq import make_number_words

        train = make_number_words("english", "german", "train", max_digits=7)
        test = make_number_words("english", "german", "test", max_digits=7)
        assert train.source_vocabulary == test.source_vocabulary
        assert train.encoder_inputs.shape[1] == test.encoder_inputs.shape[1]
        assert len(train.sources) == 100 + 5 * 400 and len(test.sources) == 5 * 50
        assert not set(train.sources) & set(test.sources)
        assert sorted(set(test.groups)) == ["3", "4", "5", "6", "7"]
        again = make_number_words("english", "german", "test", max_digits=7)
        assert again.sources == test.sources  # deterministic for the seed
        with pytest.raises(ValueError, match="at most 900"):
            make_number_words(train_per_digit_count=880, test_per_digit_count=50)
