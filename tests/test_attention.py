"""Tests for course_utils.layers.attention: Keras built-ins and NumPy as references, masks, saving,
bad input."""

import re

import keras
import numpy as np
import pytest

from course_utils.layers.attention import BahdanauAttention, LuongAttention

RNG = np.random.default_rng(0)
BATCH, T_QUERY, T_IN = 3, 4, 5


def random(*shape):
    return RNG.normal(size=shape).astype("float32")


def mask_with_padding():
    mask = np.ones((BATCH, T_IN), dtype=bool)
    mask[0, 3:] = False  # 3 real positions
    mask[1, 1:] = False  # 1 real position
    return mask


def numpy_attention(scores, values, mask):
    """Reference: softmax over the real positions only, then the weighted sum of the values."""
    scores = np.where(mask[:, None, :], scores, -np.inf)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return weights @ values, weights


def save_and_load(layer, query, values, mask, tmp_path):
    q = keras.Input(query.shape[1:])
    v = keras.Input(values.shape[1:])
    m = keras.Input(mask.shape[1:], dtype="bool")
    model = keras.Model([q, v, m], layer(q, v, mask=m))
    path = tmp_path / "attention.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    before = model([query, values, mask])
    after = loaded([query, values, mask])
    for a, b in zip(before, after):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-6)


class TestBahdanauAttention:
    def test_matches_keras_additive_attention_with_identity_projections(self):
        # Keras: score = sum(scale * tanh(q + k)); ours with W_q = W_k = I and v = scale.
        dim = 6
        query, values, mask = (
            random(BATCH, T_QUERY, dim),
            random(BATCH, T_IN, dim),
            mask_with_padding(),
        )
        keras_layer = keras.layers.AdditiveAttention(use_scale=True)
        expected, expected_weights = keras_layer(
            [query, values], mask=[None, mask], return_attention_scores=True
        )
        ours = BahdanauAttention(dim)
        ours.build(query.shape, values.shape)
        ours.set_weights([np.eye(dim), np.eye(dim), keras_layer.get_weights()[0]])
        context, weights = ours(query, values, mask=mask)
        np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
        np.testing.assert_allclose(context, expected, atol=1e-5)

    def test_matches_numpy_with_learned_projections(self):
        query, values, mask = random(BATCH, T_QUERY, 7), random(BATCH, T_IN, 4), mask_with_padding()
        layer = BahdanauAttention(3)
        context, weights = layer(query, values, mask=mask)
        w_q, w_k, v = [np.asarray(w) for w in layer.get_weights()]
        hidden = np.tanh((query @ w_q)[:, :, None, :] + (values @ w_k)[:, None, :, :])
        expected, expected_weights = numpy_attention(hidden @ v, values, mask)
        np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
        np.testing.assert_allclose(context, expected, atol=1e-5)

    def test_one_query_step_drops_the_query_axis(self):
        query, values = random(BATCH, 7), random(BATCH, T_IN, 4)
        layer = BahdanauAttention(3)
        context, weights = layer(query, values)
        full_context, full_weights = layer(query[:, None], values)
        assert context.shape == (BATCH, 4) and weights.shape == (BATCH, T_IN)
        np.testing.assert_allclose(context, full_context[:, 0], atol=1e-6)
        np.testing.assert_allclose(weights, full_weights[:, 0], atol=1e-6)

    def test_weights_sum_to_one_over_real_positions_and_padding_gets_zero(self):
        mask = mask_with_padding()
        _, weights = BahdanauAttention(5)(
            random(BATCH, T_QUERY, 4), random(BATCH, T_IN, 4), mask=mask
        )
        weights = np.asarray(weights)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
        assert np.all(weights[np.broadcast_to(~mask[:, None, :], weights.shape)] == 0.0)

    def test_padded_values_do_not_change_the_context(self):
        query, values, mask = random(BATCH, 4), random(BATCH, T_IN, 4), mask_with_padding()
        layer = BahdanauAttention(5)
        context, _ = layer(query, values, mask=mask)
        changed = values.copy()
        changed[~mask] = 100.0
        np.testing.assert_allclose(layer(query, changed, mask=mask)[0], context, atol=1e-6)

    def test_keras_round_trip(self, tmp_path):
        save_and_load(
            BahdanauAttention(3),
            random(BATCH, 6),
            random(BATCH, T_IN, 4),
            mask_with_padding(),
            tmp_path,
        )

    def test_config_round_trip(self):
        layer = BahdanauAttention(7, name="att")
        assert BahdanauAttention.from_config(layer.get_config()).units == 7

    @pytest.mark.parametrize("units", [0, -3, 2.5, True, "8"])
    def test_bad_units(self, units):
        with pytest.raises(
            ValueError,
            match=rf"`units` must be an integer >= 1, got "
            rf"{re.escape(repr(units))}$",
        ):
            BahdanauAttention(units)

    def test_bad_ranks(self):
        with pytest.raises(
            ValueError,
            match=r"`query` must be of shape \(batch, units_q\) or "
            r"\(batch, T_query, units_q\) with units_q known, "
            r"got \(3, 2, 4, 5\)$",
        ):
            BahdanauAttention(3)(random(3, 2, 4, 5), random(3, T_IN, 4))
        with pytest.raises(
            ValueError,
            match=r"`values` must be of shape \(batch, T_in, units_v\) "
            r"with units_v known, got \(3, 4\)$",
        ):
            BahdanauAttention(3)(random(3, 4), random(3, 4))

    def test_bad_mask_shape(self):
        with pytest.raises(
            ValueError,
            match=r"`mask` must be of shape \(batch, T_in\) = \(3, 5\) "
            r"like the values, "
            r"got \(3, 4\)",  # Keras adds the call's arguments after this
        ):
            BahdanauAttention(3)(random(3, 4), random(3, T_IN, 4), mask=np.ones((3, 4), bool))


class TestLuongAttention:
    def test_dot_matches_keras_attention(self):
        query, values, mask = random(BATCH, T_QUERY, 6), random(BATCH, T_IN, 6), mask_with_padding()
        expected, expected_weights = keras.layers.Attention(use_scale=False, score_mode="dot")(
            [query, values], mask=[None, mask], return_attention_scores=True
        )
        context, weights = LuongAttention("dot")(query, values, mask=mask)
        np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
        np.testing.assert_allclose(context, expected, atol=1e-5)

    def test_general_matches_keras_attention_on_the_projected_query(self):
        query, values, mask = random(BATCH, T_QUERY, 3), random(BATCH, T_IN, 6), mask_with_padding()
        layer = LuongAttention("general")
        context, weights = layer(query, values, mask=mask)
        projected = query @ np.asarray(layer.kernel)  # s^T W h = (W^T s)^T h
        expected, expected_weights = keras.layers.Attention(use_scale=False)(
            [projected, values], mask=[None, mask], return_attention_scores=True
        )
        np.testing.assert_allclose(weights, expected_weights, atol=1e-6)
        np.testing.assert_allclose(context, expected, atol=1e-5)

    def test_dot_matches_numpy(self):
        query, values, mask = random(BATCH, 6), random(BATCH, T_IN, 6), mask_with_padding()
        context, weights = LuongAttention("dot")(query, values, mask=mask)
        expected, expected_weights = numpy_attention(
            (query[:, None] @ values.transpose(0, 2, 1)), values, mask
        )
        np.testing.assert_allclose(weights, expected_weights[:, 0], atol=1e-6)
        np.testing.assert_allclose(context, expected[:, 0], atol=1e-5)

    @pytest.mark.parametrize("score", ["dot", "general"])
    def test_weights_sum_to_one_over_real_positions_and_padding_gets_zero(self, score):
        mask = mask_with_padding()
        _, weights = LuongAttention(score)(random(BATCH, 4), random(BATCH, T_IN, 4), mask=mask)
        weights = np.asarray(weights)
        np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-6)
        assert np.all(weights[~mask] == 0.0)

    def test_dot_has_no_weights_general_has_one_matrix(self):
        dot, general = LuongAttention("dot"), LuongAttention("general")
        dot(random(2, 4), random(2, 3, 4))
        general(random(2, 5), random(2, 3, 4))
        assert dot.weights == [] and [tuple(w.shape) for w in general.weights] == [(5, 4)]

    @pytest.mark.parametrize("score", ["dot", "general"])
    def test_keras_round_trip(self, score, tmp_path):
        save_and_load(
            LuongAttention(score),
            random(BATCH, 4),
            random(BATCH, T_IN, 4),
            mask_with_padding(),
            tmp_path,
        )

    def test_bad_score(self):
        with pytest.raises(
            ValueError,
            match=r"`score` must be one of 'dot', 'general', "
            r"got 'concat'$",
        ):
            LuongAttention("concat")

    def test_dot_with_mismatched_sizes(self):
        with pytest.raises(ValueError, match=r"query size 3 and values size 4"):
            LuongAttention("dot")(random(2, 3), random(2, T_IN, 4))

    def test_bad_mask_shape(self):
        with pytest.raises(
            ValueError,
            match=r"`mask` must be of shape \(batch, T_in\) = \(2, 5\) "
            r"like the values, got \(2, 5, 1\)",
        ):
            LuongAttention("dot")(random(2, 4), random(2, T_IN, 4), mask=np.ones((2, 5, 1), bool))


def test_attention_plot_takes_one_example():
    from course_utils.plotting.sequence_to_sequence import plot_attention

    with pytest.raises(
        ValueError,
        match=r"`weights` must be of shape \(T_out, T_in\), "
        r"got \(1, 2, 3\)$",
    ):
        plot_attention(np.zeros((1, 2, 3)), ["a", "b", "c"], ["x", "y"])
