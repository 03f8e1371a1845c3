"""Tests of course_utils.layers.self_attention: the layer written from the equations against a
NumPy version of the same equations and against `keras.layers.MultiHeadAttention` with the same
(copied) weights."""

import math

import keras
import numpy as np
import pytest

from course_utils.layers.self_attention import SelfAttention
from course_utils.layers.transformer import TransformerEncoderLayer

BATCH, TIME, DEPTH, HEADS, KEY_DIM = 2, 5, 8, 2, 3


def inputs(seed=0):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, DEPTH)).astype(np.float32)


def randomise(layer, seed=1):
    """Random values for every weight (biases too), so that all of them matter."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    )


def numpy_self_attention(weights, x, allowed=None):
    """softmax(Q Kᵀ / √d_k + M) V per head, heads concatenated, output projection (float64)."""
    wq, bq, wk, bk, wv, bv, wo, bo = (np.asarray(w, np.float64) for w in weights)
    x = np.asarray(x, np.float64)
    q, k, v = (
        np.einsum("btd,dhk->bhtk", x, w) + b[:, None] for w, b in ((wq, bq), (wk, bk), (wv, bv))
    )
    scores = np.einsum("bhik,bhjk->bhij", q, k) / math.sqrt(q.shape[-1])
    if allowed is not None:
        scores = np.where(allowed[:, None], scores, -np.inf)
    a = np.exp(scores - scores.max(-1, keepdims=True))
    a /= a.sum(-1, keepdims=True)
    heads = np.einsum("bhij,bhjk->bihk", a, v)  # (batch, T, heads, key_dim): concatenated below
    return heads.reshape(*heads.shape[:2], -1) @ wo.reshape(-1, wo.shape[-1]) + bo, a


def test_matches_numpy_equations_with_a_padding_mask():
    layer = SelfAttention(HEADS, KEY_DIM, output_dim=6)
    layer.build((None, TIME, DEPTH))
    randomise(layer)
    x = inputs()
    mask = np.array([[True] * TIME, [True] * 3 + [False] * 2])
    outputs, weights = layer(x, mask=mask, return_attention_scores=True)
    expected, expected_weights = numpy_self_attention(
        layer.get_weights(), x, np.broadcast_to(mask[:, None, :], (BATCH, TIME, TIME))
    )
    assert outputs.shape == (BATCH, TIME, 6) and weights.shape == (BATCH, HEADS, TIME, TIME)
    np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
    np.testing.assert_allclose(outputs, expected, atol=1e-5)
    assert np.all(np.asarray(weights)[1, :, :, 3:] == 0)  # padded keys: exactly zero weight


@pytest.mark.parametrize("with_mask", [False, True])
def test_matches_keras_multi_head_attention_with_copied_weights(with_mask):
    reference = keras.layers.MultiHeadAttention(num_heads=HEADS, key_dim=KEY_DIM)
    x = inputs()
    attention_mask = None
    if with_mask:  # a causal mask combined with padding of the second sequence
        causal = np.tril(np.ones((TIME, TIME), bool))
        attention_mask = np.stack([causal, causal & (np.arange(TIME) < 4)[None, :]])
    reference(x, x, attention_mask=attention_mask)  # builds it
    randomise(reference)
    layer = SelfAttention(HEADS, KEY_DIM)
    layer.build(x.shape)
    assert [w.shape for w in layer.get_weights()] == [w.shape for w in reference.get_weights()]
    layer.set_weights(reference.get_weights())
    expected, expected_weights = reference(
        x, x, attention_mask=attention_mask, return_attention_scores=True
    )
    outputs, weights = layer(x, attention_mask=attention_mask, return_attention_scores=True)
    np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
    np.testing.assert_allclose(outputs, expected, atol=1e-5)


def test_encoder_layer_with_it_matches_the_default_encoder_layer():
    x = inputs()
    mask = np.array([[True] * TIME, [True] * 4 + [False]])
    default = TransformerEncoderLayer(DEPTH, HEADS, 16)
    written = TransformerEncoderLayer(DEPTH, HEADS, 16, attention="self_attention")
    default.build(x.shape)
    written.build(x.shape)
    randomise(default)
    written.set_weights(default.get_weights())
    np.testing.assert_allclose(written(x, mask=mask), default(x, mask=mask), atol=1e-5)
    assert written.get_config()["attention"] == "self_attention"
    assert default.get_config()["attention"] == "multi_head"


def test_save_load_round_trip(tmp_path):
    model_input = keras.Input((None, DEPTH))
    layer = SelfAttention(HEADS, KEY_DIM, output_dim=4, dropout=0.1)
    encoder = TransformerEncoderLayer(DEPTH, HEADS, 16, attention="self_attention")
    model = keras.Model(model_input, layer(encoder(model_input)))
    randomise(layer)
    model.save(tmp_path / "self_attention.keras")
    loaded = keras.models.load_model(tmp_path / "self_attention.keras")
    np.testing.assert_allclose(loaded(inputs()), model(inputs()), atol=1e-6)
    config = loaded.layers[-1].get_config()
    assert (config["num_heads"], config["key_dim"], config["output_dim"], config["dropout"]) == (
        HEADS,
        KEY_DIM,
        4,
        0.1,
    )
    assert loaded.layers[-2].get_config()["attention"] == "self_attention"


def test_bad_arguments():
    with pytest.raises(ValueError, match="`num_heads` must be an integer >= 1, got 0$"):
        SelfAttention(0, 4)
    with pytest.raises(ValueError, match=r"`dropout` must be a number in \[0, 1\), got 1$"):
        SelfAttention(2, 4, dropout=1)
    with pytest.raises(ValueError, match=r"`inputs` must be of shape \(batch, T, d\)"):
        SelfAttention(2, 4)(np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match="`attention` must be one of 'multi_head', "):
        TransformerEncoderLayer(8, 2, 16, attention="linear")
