"""Attention for encoder-decoder models: additive (Bahdanau) and multiplicative (Luong) scores.

Both layers take a decoder state (the *query*) and the encoder outputs (the *values*) and return
the context vector c_j = sum_i alpha_ij h_i together with the weights alpha_ij, so that a notebook
can draw them as a heat map:

    scores     e_ij = score(s_j, h_i)                          # (batch, T_query, T_in)
    weights    alpha_ij = softmax_i(e_ij), 0 where h_i is padding
    context    c_j = sum_i alpha_ij h_i                        # (batch, T_query, units_in)

The score functions:

- `BahdanauAttention(units)` (additive): e_ij = v^T tanh(W_q s_j + W_k h_i).
- `LuongAttention(score="dot")`: e_ij = s_j^T h_i (query and values need the same size).
- `LuongAttention(score="general")`: e_ij = s_j^T W h_i.

A query of rank 2 (batch, units_q) is one decoder step (what `course_utils.layers.seq2seq.Decoder`
passes); the outputs then drop the T_query axis. Padded encoder positions are excluded with
`mask` (batch, T_in), True for real tokens: their weight is exactly 0 and the weights over the
real positions sum to 1.

References: Bahdanau, Cho & Bengio (2015), "Neural machine translation by jointly learning to
align and translate"; Luong, Pham & Manning (2015), "Effective approaches to attention-based
neural machine translation".
"""

import keras
from keras import ops

from course_utils.validation import fail, integer, one_of, shape

_MASKED_SCORE = -1e9  # added to padded positions before the softmax; exp() underflows to 0


def _query_and_values_shapes(query_shape, values_shape):
    """The two shapes as tuples, if they are one step or a sequence of queries and a sequence of
    values, each with a known feature size."""
    query_layouts = [("batch", "units_q"), ("batch", "T_query", "units_q")]
    return (
        shape(query_shape, "query", query_layouts, known=("units_q",)),
        shape(values_shape, "values", ("batch", "T_in", "units_v"), known=("units_v",)),
    )


def _check_mask(layer, mask, values):
    """Raise ValueError unless `mask` is (batch, T_in) like `values[..., 0]`. (`layer` is unused;
    the call stays as notebook 12 shows it.)"""
    expected = tuple(values.shape[:2])
    got = tuple(mask.shape)
    compatible = len(got) == 2 and all(
        a is None or b is None or a == b for a, b in zip(got, expected)
    )
    if not compatible:
        fail("mask", f"of shape (batch, T_in) = {expected} like the values", got)


class _Attention(keras.layers.Layer):
    """Shared call(): scores -> masked softmax -> weighted sum. Subclasses define `_scores`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True  # `mask` is consumed here: no warning, no mask passed on

    def compute_mask(self, inputs, mask=None):
        return None

    def call(self, query, values, mask=None):
        single_step = len(query.shape) == 2
        if single_step:
            query = ops.expand_dims(query, 1)  # (batch, 1, units_q)
        scores = self._scores(query, values)  # (batch, T_query, T_in)
        if mask is not None:
            _check_mask(self, mask, values)
            real = ops.expand_dims(ops.cast(mask, "bool"), 1)  # (batch, 1, T_in)
            scores = ops.where(real, scores, ops.cast(_MASKED_SCORE, scores.dtype))
            weights = ops.softmax(scores, axis=-1) * ops.cast(real, scores.dtype)
        else:
            weights = ops.softmax(scores, axis=-1)
        context = ops.matmul(weights, values)  # (batch, T_query, units_v)
        if single_step:
            return context[:, 0], weights[:, 0]
        return context, weights

    def compute_output_shape(self, query_shape, values_shape):
        query_shape, values_shape = tuple(query_shape), tuple(values_shape)
        if len(query_shape) == 2:
            return (query_shape[0], values_shape[-1]), (query_shape[0], values_shape[1])
        return (
            (query_shape[0], query_shape[1], values_shape[-1]),
            (query_shape[0], query_shape[1], values_shape[1]),
        )


@keras.saving.register_keras_serializable(package="course_utils")
class BahdanauAttention(_Attention):
    """Additive attention: e_ij = v^T tanh(W_q s_j + W_k h_i) (Bahdanau et al., 2015).

    A one-hidden-layer network scores every (decoder state, encoder output) pair; query and
    values may have different sizes because both are projected to `units` first.

    Args:
        units: size of the hidden layer of the scoring network.
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).

    Call arguments:
        query: decoder state(s), (batch, units_q) or (batch, T_query, units_q).
        values: encoder outputs, (batch, T_in, units_v).
        mask: optional bool (batch, T_in), True for real tokens, False for padding.

    Returns:
        `(context, weights)`: context (batch, [T_query,] units_v) and weights
        (batch, [T_query,] T_in), each row summing to 1 over the real positions.

    Example:
        attention = BahdanauAttention(16)
        context, weights = attention(state, encoder_outputs, mask=mask)
        # state (32, 64), encoder_outputs (32, 10, 48) -> context (32, 48), weights (32, 10)
    """

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = integer(units, "units", minimum=1)

    def build(self, query_shape, values_shape):
        query_shape, values_shape = _query_and_values_shapes(query_shape, values_shape)
        self.query_kernel = self.add_weight(
            name="query_kernel", shape=(query_shape[-1], self.units), initializer="glorot_uniform"
        )
        self.key_kernel = self.add_weight(
            name="key_kernel", shape=(values_shape[-1], self.units), initializer="glorot_uniform"
        )
        self.score_vector = self.add_weight(
            name="score_vector", shape=(self.units,), initializer="glorot_uniform"
        )

    def _scores(self, query, values):
        projected_query = ops.matmul(query, self.query_kernel)  # (batch, T_query, units)
        projected_keys = ops.matmul(values, self.key_kernel)  # (batch, T_in, units)
        hidden = ops.tanh(ops.expand_dims(projected_query, 2) + ops.expand_dims(projected_keys, 1))
        return ops.sum(hidden * self.score_vector, axis=-1)  # (batch, T_query, T_in)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


@keras.saving.register_keras_serializable(package="course_utils")
class LuongAttention(_Attention):
    """Multiplicative attention: e_ij = s_j^T h_i ('dot') or s_j^T W h_i ('general').

    Luong et al. (2015). 'dot' has no weights and needs query and values of the same size;
    'general' learns W (units_q, units_v), so the sizes may differ.

    Args:
        score: 'dot' or 'general'.
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`).

    Call arguments:
        query: decoder state(s), (batch, units_q) or (batch, T_query, units_q).
        values: encoder outputs, (batch, T_in, units_v).
        mask: optional bool (batch, T_in), True for real tokens, False for padding.

    Returns:
        `(context, weights)` as for `BahdanauAttention`.

    Example:
        attention = LuongAttention(score="general")
        context, weights = attention(state, encoder_outputs, mask=mask)
        # state (32, 64), encoder_outputs (32, 10, 48) -> context (32, 48), weights (32, 10)
    """

    SCORES = ("dot", "general")

    def __init__(self, score="general", **kwargs):
        super().__init__(**kwargs)
        self.score = one_of(score, "score", self.SCORES)

    def build(self, query_shape, values_shape):
        query_shape, values_shape = _query_and_values_shapes(query_shape, values_shape)
        if self.score == "dot" and query_shape[-1] != values_shape[-1]:
            raise ValueError(
                f"{self.name}: score='dot' needs query and values of the same size, got query "
                f"size {query_shape[-1]} and values size {values_shape[-1]} (use score='general')"
            )
        if self.score == "general":
            self.kernel = self.add_weight(
                name="kernel",
                shape=(query_shape[-1], values_shape[-1]),
                initializer="glorot_uniform",
            )

    def _scores(self, query, values):
        if self.score == "general":
            query = ops.matmul(query, self.kernel)  # (batch, T_query, units_v)
        return ops.matmul(query, ops.transpose(values, (0, 2, 1)))  # (batch, T_query, T_in)

    def get_config(self):
        return {**super().get_config(), "score": self.score}
