"""Tests of course_utils.layers.transformer against a NumPy Transformer layer written out here."""

import math

import keras
import numpy as np
import pytest

from course_utils.layers.transformer import (
    PositionalEncoding,
    TransformerEncoderLayer,
    computation_graph,
    graph_path_lengths,
    sinusoidal_positions,
)

BATCH, TIME, UNITS, HEADS, HIDDEN = 2, 6, 8, 2, 16


def inputs(seed=0):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, UNITS)).astype(np.float32)


def randomise(layer, seed=1):
    """Give every weight (also biases, LayerNorm gamma/beta) random values so all of them matter."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    )


def numpy_layer(layer, x, mask=None):
    """The same layer in float64 NumPy, reading the weights by name."""
    w = {v.path.split("/", 1)[1]: np.asarray(v, np.float64) for v in layer.weights}

    def norm(y, name):
        mean, var = y.mean(-1, keepdims=True), y.var(-1, keepdims=True)
        return (y - mean) / np.sqrt(var + 1e-6) * w[f"{name}/gamma"] + w[f"{name}/beta"]

    def attention(y):
        q, k, v = (
            np.einsum("btd,dhk->bhtk", y, w[f"attention/{n}/kernel"])
            + w[f"attention/{n}/bias"][:, None]
            for n in ("query", "key", "value")
        )
        scores = np.einsum("bhtk,bhsk->bhts", q, k) / math.sqrt(q.shape[-1])
        if mask is not None:
            scores = np.where(mask[:, None, None, :], scores, -np.inf)
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        heads = np.einsum("bhts,bhsk->bhtk", weights, v)
        return np.einsum("bhtk,hkd->btd", heads, w["attention/attention_output/kernel"]) + w[
            "attention/attention_output/bias"
        ], weights

    def feed_forward(y):
        hidden = np.maximum(0, y @ w["feed_forward_hidden/kernel"] + w["feed_forward_hidden/bias"])
        return hidden @ w["feed_forward_output/kernel"] + w["feed_forward_output/bias"]

    x = np.asarray(x, np.float64)
    if layer.norm_first:
        attended, weights = attention(norm(x, "attention_norm"))
        x = x + attended
        return x + feed_forward(norm(x, "feed_forward_norm")), weights
    attended, weights = attention(x)
    x = norm(x + attended, "attention_norm")
    return norm(x + feed_forward(x), "feed_forward_norm"), weights


class TestPositionalEncoding:
    def test_matches_the_formula(self):
        expected = np.array(
            [
                [
                    math.sin(p / 10000 ** (i / 8))
                    if i % 2 == 0
                    else math.cos(p / 10000 ** ((i - 1) / 8))
                    for i in range(8)
                ]
                for p in range(TIME)
            ]
        )
        np.testing.assert_allclose(sinusoidal_positions(TIME, 8), expected, atol=1e-6)
        x = inputs()
        np.testing.assert_allclose(PositionalEncoding()(x), x + expected[None], atol=1e-5)

    def test_any_length_and_mask_passes_through(self):
        layer = PositionalEncoding()
        assert layer(np.zeros((1, 50, 4), np.float32)).shape == (1, 50, 4)
        mask = np.array([[True, False]])
        assert np.array_equal(layer.compute_mask(np.zeros((1, 2, 4)), mask), mask)

    def test_bad_input(self):
        with pytest.raises(
            ValueError,
            match=r"`inputs` must be of shape \(batch, T, depth\) with "
            r"a known even depth, got \(1, 3, 5\)$",
        ):
            PositionalEncoding()(np.zeros((1, 3, 5), np.float32))
        with pytest.raises(
            ValueError, match="`max_wavelength` must be a finite number > 0, got 0$"
        ):
            PositionalEncoding(max_wavelength=0)
        with pytest.raises(ValueError, match="`depth` must be an even integer >= 2, got 5$"):
            sinusoidal_positions(3, 5)
        with pytest.raises(ValueError, match="`depth` must be an integer >= 2, got 4.5$"):
            sinusoidal_positions(3, 4.5)

    def test_save_load(self, tmp_path):
        tokens = keras.Input((None, 4))
        model = keras.Model(tokens, PositionalEncoding(max_wavelength=100.0)(tokens))
        model.save(tmp_path / "pe.keras")
        loaded = keras.models.load_model(tmp_path / "pe.keras")
        x = inputs()[..., :4]
        np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)
        assert loaded.layers[-1].max_wavelength == 100.0


class TestTransformerEncoderLayer:
    @pytest.mark.parametrize("norm_first", [False, True])
    def test_matches_numpy_reference(self, norm_first):
        layer = TransformerEncoderLayer(UNITS, HEADS, HIDDEN, norm_first=norm_first)
        layer.build((None, TIME, UNITS))
        randomise(layer)
        x = inputs()
        mask = np.array([[True] * TIME, [True] * 4 + [False] * 2])
        outputs, weights = layer(x, mask=mask, return_attention_scores=True)
        expected, expected_weights = numpy_layer(layer, x, mask)
        assert outputs.shape == (BATCH, TIME, UNITS) and weights.shape == (BATCH, HEADS, TIME, TIME)
        np.testing.assert_allclose(weights, expected_weights, atol=1e-5)
        np.testing.assert_allclose(outputs, expected, atol=1e-4)

    def test_padded_keys_get_zero_attention(self):
        layer = TransformerEncoderLayer(UNITS, HEADS, HIDDEN)
        mask = np.array([[True] * 3 + [False] * 3, [True] * 5 + [False]])
        x = inputs()
        outputs, weights = layer(x, mask=mask, return_attention_scores=True)
        weights = np.asarray(weights)
        assert np.all(weights[0, :, :, 3:] == 0) and np.all(weights[1, :, :, 5:] == 0)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
        # changing what sits at padded positions changes nothing at the real ones
        noisy = x.copy()
        noisy[0, 3:] += 100.0
        np.testing.assert_allclose(
            np.asarray(layer(noisy, mask=mask))[0, :3], np.asarray(outputs)[0, :3], atol=1e-5
        )

    def test_keras_mask_from_embedding(self):
        tokens = np.array([[4, 5, 6, 0, 0]])
        embedding = keras.layers.Embedding(10, UNITS, mask_zero=True)
        layer = TransformerEncoderLayer(UNITS, HEADS, HIDDEN)
        model_input = keras.Input((None,), dtype="int32")
        model = keras.Model(model_input, layer(PositionalEncoding()(embedding(model_input))))
        changed = np.array([[4, 5, 6, 7, 8]])  # the same real tokens, different "padding"
        explicit = layer(PositionalEncoding()(embedding(changed)), mask=tokens != 0)
        np.testing.assert_allclose(
            np.asarray(model(tokens))[0, :3], np.asarray(explicit)[0, :3], atol=1e-5
        )

    def test_permutation_equivariant_without_positions(self):
        layer = TransformerEncoderLayer(UNITS, HEADS, HIDDEN)
        x = inputs()
        permutation = np.random.default_rng(2).permutation(TIME)
        np.testing.assert_allclose(
            np.asarray(layer(x[:, permutation])), np.asarray(layer(x))[:, permutation], atol=1e-5
        )
        with_positions = lambda y: layer(PositionalEncoding()(y))  # noqa: E731
        difference = np.abs(
            np.asarray(with_positions(x[:, permutation]))
            - np.asarray(with_positions(x))[:, permutation]
        ).max()
        assert difference > 1e-2  # positions break the symmetry: order now matters

    def test_gradients_reach_every_weight(self):
        import tensorflow as tf

        layer = TransformerEncoderLayer(UNITS, HEADS, HIDDEN)
        x = tf.constant(inputs())
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x) ** 2 * tf.range(UNITS, dtype=tf.float32))
        gradients = tape.gradient(loss, layer.trainable_variables)
        assert len(gradients) == 16 and all(
            g is not None and float(tf.norm(g)) > 0 for g in gradients
        )

    def test_save_load(self, tmp_path):
        model_input = keras.Input((None, UNITS))
        layer = TransformerEncoderLayer(
            UNITS, HEADS, HIDDEN, dropout=0.1, norm_first=True, activation="gelu"
        )
        model = keras.Model(model_input, layer(model_input))
        randomise(layer)
        model.save(tmp_path / "encoder.keras")
        loaded = keras.models.load_model(tmp_path / "encoder.keras")
        np.testing.assert_allclose(loaded(inputs()), model(inputs()), atol=1e-6)
        config = loaded.layers[-1].get_config()
        assert (
            config["units"],
            config["num_heads"],
            config["feed_forward_units"],
            config["dropout"],
            config["norm_first"],
            config["activation"],
        ) == (UNITS, HEADS, HIDDEN, 0.1, True, "gelu")

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="units=10 must be divisible by num_heads=4"):
            TransformerEncoderLayer(10, 4, 16)
        with pytest.raises(ValueError, match="`num_heads` must be an integer >= 1, got 0$"):
            TransformerEncoderLayer(8, 0, 16)
        with pytest.raises(
            ValueError, match="`feed_forward_units` must be an integer >= 1, got True$"
        ):
            TransformerEncoderLayer(8, 2, True)
        with pytest.raises(ValueError, match=r"`dropout` must be a number in \[0, 1\), got 1.5$"):
            TransformerEncoderLayer(8, 2, 16, dropout=1.5)
        with pytest.raises(
            ValueError,
            match=r"`inputs` must be of shape \(batch, T, 8\), "
            r"got \(2, 6, 4\)$",
        ):
            TransformerEncoderLayer(8, 2, 16)(np.zeros((2, 6, 4), np.float32))


class TestPathLengths:
    def test_rnn_paths_grow_with_distance(self):
        shortest, critical = graph_path_lengths(computation_graph("rnn", 7))
        expected = np.array([[j - i + 1 if j >= i else np.inf for j in range(7)] for i in range(7)])
        np.testing.assert_array_equal(shortest, expected)
        assert critical == 7  # x_1 -> h_1 -> h_2 -> ... -> h_7

    def test_self_attention_paths_are_one_step(self):
        shortest, critical = graph_path_lengths(computation_graph("self_attention", 7))
        assert np.all(shortest == 1) and critical == 1
        causal, _ = graph_path_lengths(computation_graph("causal_self_attention", 7))
        np.testing.assert_array_equal(np.isinf(causal), np.tril(np.ones((7, 7)), -1) > 0)

    def test_bad_arguments(self):
        with pytest.raises(
            ValueError,
            match="`kind` must be one of 'rnn', 'self_attention', "
            "'causal_self_attention', got 'lstm'$",
        ):
            computation_graph("lstm", 4)
        with pytest.raises(ValueError, match="`sequence_length` must be an integer >= 1, got 0$"):
            computation_graph("rnn", 0)
