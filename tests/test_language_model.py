"""Tests for course_utils.analysis.language_model against closed forms, counting and hand-made
models."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

import course_utils
from course_utils import decoding
from course_utils.analysis import language_model as lm

VOCABULARY = "abcd"


def bigram_model(logit_table, softmax=True):
    """A model whose next-token distribution depends only on the current token:
    p(next | current = i) = softmax(logit_table[i])."""
    size = logit_table.shape[0]
    tokens = keras.Input((None,), dtype="int32")
    logits = keras.layers.Embedding(
        size, size, embeddings_initializer=keras.initializers.Constant(logit_table)
    )(tokens)
    outputs = keras.layers.Softmax()(logits) if softmax else logits
    return keras.Model(tokens, outputs)


@pytest.fixture(scope="module")
def table():
    return np.random.default_rng(0).normal(0, 2, size=(4, 4)).astype("float32")


def rnn_model(vocabulary_size=6, seed=0):
    """A small random recurrent model returning logits: its output depends on the whole window."""
    keras.utils.set_random_seed(seed)
    tokens = keras.Input((None,), dtype="int32")
    vectors = keras.layers.Embedding(vocabulary_size, 4)(tokens)
    states = keras.layers.RNN(course_utils.SimpleRNNCell(8), return_sequences=True)(vectors)
    initializer = keras.initializers.RandomNormal(stddev=1.0)
    dense = keras.layers.Dense(vocabulary_size, kernel_initializer=initializer)
    return keras.Model(tokens, dense(states))


def numpy_generate(model, prompt, length, temperature, greedy, seed, context_length, from_logits):
    """The reference loop: the model on the window, probabilities in float64, NumPy's sampler."""
    ids, rng = list(prompt), np.random.default_rng(seed)
    for _ in range(length):
        window = ids[-context_length:] if context_length else ids
        last = np.asarray(model(np.array([window], "int32")))[0, -1].astype(np.float64)
        p = softmax(last) if from_logits else last / last.sum()
        if greedy:
            ids.append(int(np.argmax(p)))
        else:
            p = lm.apply_temperature(p, temperature)
            ids.append(int(rng.choice(p.size, p=p)))
    return ids


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


class TestMeasures:
    def test_uniform_distribution(self):
        nll = math.log(27)
        assert lm.perplexity(nll) == pytest.approx(27)
        assert lm.bits_per_character(nll) == pytest.approx(math.log2(27))

    def test_perfect_model(self):
        assert lm.perplexity(0.0) == 1.0 and lm.bits_per_character(0.0) == 0.0

    @pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
    def test_bad_nll(self, bad):
        with pytest.raises(ValueError, match="mean_nll"):
            lm.perplexity(bad)


class TestUnigram:
    def test_counts_by_hand(self):
        probabilities = lm.unigram_probabilities([0, 0, 1, 3], 4, smoothing=1.0)
        np.testing.assert_allclose(probabilities, np.array([3, 2, 1, 2]) / 8)

    def test_cross_entropy_by_brute_force(self):
        train, test = [0, 0, 1, 2, 0], [0, 1, 3]
        p = (np.bincount(train, minlength=4) + 0.5) / (len(train) + 2.0)
        expected = -np.mean([np.log(p[i]) for i in test])
        assert lm.unigram_cross_entropy(train, test, 4, smoothing=0.5) == pytest.approx(expected)

    def test_uniform_text_gives_vocabulary_perplexity(self):
        ids = np.tile(np.arange(5), 20)
        assert lm.perplexity(lm.unigram_cross_entropy(ids, ids, 5, smoothing=0)) == pytest.approx(5)

    def test_bad_ids(self):
        with pytest.raises(ValueError, match=r"\[0, 4\)"):
            lm.unigram_probabilities([0, 4], 4)
        with pytest.raises(ValueError, match="vocabulary_size"):
            lm.unigram_probabilities([0], 0)


class TestModelLikelihood:
    @pytest.mark.parametrize("from_logits", [False, True])
    def test_matches_hand_computation(self, table, from_logits):
        model = bigram_model(table, softmax=not from_logits)
        rng = np.random.default_rng(1)
        inputs = rng.integers(0, 4, size=(5, 6))
        targets = rng.integers(0, 4, size=(5, 6))
        p = softmax(table.astype(np.float64))
        expected = -np.mean(np.log(p[inputs, targets]))
        got = lm.mean_negative_log_likelihood(
            model, inputs, targets, batch_size=2, from_logits=from_logits
        )
        assert got == pytest.approx(expected, rel=1e-5)

    def test_per_position_log_probabilities_match_hand_computation(self, table):
        model = bigram_model(table, softmax=False)
        rng = np.random.default_rng(2)
        inputs = rng.integers(0, 4, size=(5, 6))
        targets = rng.integers(0, 4, size=(5, 6))
        expected = np.log(softmax(table.astype(np.float64))[inputs, targets])
        got = lm.log_probabilities(model, inputs, targets, batch_size=2, from_logits=True)
        assert got.shape == (5, 6) and got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-5)
        mean = lm.mean_negative_log_likelihood(model, inputs, targets, from_logits=True)
        assert mean == pytest.approx(-got.mean(), rel=1e-12)

    def test_shape_mismatch(self, table):
        with pytest.raises(ValueError, match=r"\(n, time\)"):
            lm.mean_negative_log_likelihood(
                bigram_model(table), np.zeros((2, 3), int), np.zeros((2, 4), int)
            )


class TestGeneration:
    def test_greedy_follows_argmax_chain(self, table):
        model = bigram_model(table)
        expected = [2]
        for _ in range(8):
            expected.append(int(np.argmax(table[expected[-1]])))
        np.testing.assert_array_equal(lm.generate(model, [2], 8, greedy=True), expected)

    def test_text_round_trip_and_reproducible(self, table):
        model = bigram_model(table)
        first = lm.generate_text(model, "ab", 20, VOCABULARY, temperature=1.0, seed=3)
        assert first.startswith("ab") and len(first) == 22 and set(first) <= set(VOCABULARY)
        assert lm.generate_text(model, "ab", 20, VOCABULARY, temperature=1.0, seed=3) == first

    @pytest.mark.parametrize("temperature", [1.0, 0.5])
    @pytest.mark.slow  # thousands of samples
    def test_sample_frequencies_follow_tempered_distribution(self, temperature):
        p = np.array([0.5, 0.25, 0.15, 0.1])
        model = bigram_model(np.tile(np.log(p), (4, 1)).astype("float32"))
        ids = lm.generate(model, [0], 1000, temperature=temperature, seed=0, context_length=1)[1:]
        expected = p ** (1 / temperature) / np.sum(p ** (1 / temperature))
        observed = np.bincount(ids, minlength=4) / ids.size
        np.testing.assert_allclose(observed, expected, atol=0.05)

    def test_low_temperature_approaches_greedy(self, table):
        model = bigram_model(table)
        greedy = lm.generate(model, [1], 10, greedy=True)
        cold = lm.generate(model, [1], 10, temperature=0.01, seed=5)
        np.testing.assert_array_equal(greedy, cold)

    @pytest.mark.parametrize("context_length", [None, 3])
    def test_matches_the_numpy_loop_seed_for_seed(self, context_length):
        model = rnn_model()
        runs = [(True, 1.0, 0), (False, 1.0, 0), (False, 0.6, 7), (False, 1.8, 2)]
        for greedy, temperature, seed in runs:
            expected = numpy_generate(
                model, [1, 4], 12, temperature, greedy, seed, context_length, from_logits=True
            )
            got = lm.generate(
                model,
                [1, 4],
                12,
                temperature=temperature,
                greedy=greedy,
                seed=seed,
                context_length=context_length,
                from_logits=True,
            )
            assert got.tolist() == expected, (greedy, temperature, seed)

    def test_is_decodings_loop_compiled_or_eager(self, table):
        """With a one-token window the step's state keeps its shape, so decoding may compile it."""
        model = bigram_model(table)
        step, window = lm.LanguageModelStep(model, context_length=1), tf.constant([[3]])
        greedy = decoding.greedy_decode(step, window, start_id=2, end_id=None, max_length=9)
        generated = lm.generate(model, [3, 2], 9, greedy=True, context_length=1)
        assert generated.tolist() == [3, 2, *greedy.tokens[0]]
        for seed in (0, 1):
            sampled = decoding.sample_decode(step, window, 2, None, 9, temperature=0.8, seed=seed)
            eager = decoding.sample_decode(
                step, window, 2, None, 9, temperature=0.8, seed=seed, eager=True
            )
            np.testing.assert_array_equal(sampled.tokens, eager.tokens)
            generated = lm.generate(model, [3, 2], 9, temperature=0.8, seed=seed, context_length=1)
            assert generated.tolist() == [3, 2, *sampled.tokens[0]]
        assert lm.generate(model, [3, 2], 0).tolist() == [3, 2]

    def test_apply_temperature(self):
        p = np.array([0.6, 0.3, 0.1])
        np.testing.assert_allclose(lm.apply_temperature(p, 1.0), p)
        np.testing.assert_allclose(lm.apply_temperature(p, 0.5), p**2 / np.sum(p**2))

    @pytest.mark.parametrize(
        "kwargs,match",
        [
            ({"temperature": 0.0}, "temperature"),
            ({"temperature": -1.0}, "temperature"),
            ({"context_length": 0}, "context_length"),
        ],
    )
    def test_bad_arguments(self, table, kwargs, match):
        with pytest.raises(ValueError, match=match):
            lm.generate(bigram_model(table), [0], 3, **kwargs)

    def test_empty_prompt_and_unknown_characters(self, table):
        model = bigram_model(table)
        with pytest.raises(ValueError, match="at least one"):
            lm.generate(model, [], 3)
        with pytest.raises(ValueError, match="`prompt` must be text whose every token is in the"):
            lm.generate_text(model, "xyz", 3, VOCABULARY)
