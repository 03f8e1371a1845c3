"""Multi-head self-attention written out from its equations (notebook 14).

For inputs X of shape (batch, T, d), every head h has its own projections and the layer computes

    Q_h = X W_q[h] + b_q[h],   K_h = X W_k[h] + b_k[h],   V_h = X W_v[h] + b_v[h]   (T, key_dim)
    A_h = softmax(Q_h K_hᵀ / √key_dim + M)                                            (T, T)
    Y   = concat_h(A_h V_h) W_o + b_o                                                  (T, d_out)

where M is 0 where a query may read a key and a large negative number (-1e9) where it may not,
so a masked key gets exactly zero weight. The weights have the shapes of
`keras.layers.MultiHeadAttention` (query/key/value kernels (d, heads, key_dim), biases
(heads, key_dim), output kernel (heads, key_dim, d_out)) and are created in the same order, so
`layer.set_weights(multi_head_attention.get_weights())` copies a Keras layer's weights, and the
two give the same outputs (tests/test_self_attention.py checks it).

Example:
    attention = SelfAttention(num_heads=2, key_dim=8)
    y = attention(x)                                            # x (batch, T, 16) -> (batch, T, 16)
    y, weights = attention(x, mask=mask, return_attention_scores=True)  # weights (batch, 2, T, T)

Reference: Vaswani et al. (2017), "Attention is all you need", section 3.2.
"""

import math

import keras
from keras import ops

from course_utils.validation import fail, integer, rate

__all__ = ["SelfAttention"]
LARGE_NEGATIVE = -1e9  # added to the scores of keys a query may not read (as Keras does)


@keras.saving.register_keras_serializable(package="course_utils")
class SelfAttention(keras.layers.Layer):
    """Multi-head scaled dot-product self-attention, from the equations in the module docstring.

    Args:
        num_heads: number of heads (>= 1).
        key_dim: size of each head's queries, keys and values (>= 1).
        output_dim: size of the output vectors; None: the size of the inputs.
        dropout: dropout rate on the attention weights (training only), in [0, 1).

    Call arguments:
        inputs: float (batch, T, d).
        mask: optional bool (batch, T), True for real tokens: padded positions get zero weight
            as keys (taken from a Keras mask too).
        attention_mask: optional bool (batch, T, T), True where query i may read key j
            (combined with `mask` by logical and).
        training: enables dropout.
        return_attention_scores: also return the weights A (batch, num_heads, T, T).

    Returns:
        (batch, T, output_dim), and the attention weights if asked for.
    """

    def __init__(self, num_heads, key_dim, output_dim=None, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = integer(num_heads, "num_heads", minimum=1)
        self.key_dim = integer(key_dim, "key_dim", minimum=1)
        self.output_dim = (
            None if output_dim is None else integer(output_dim, "output_dim", minimum=1)
        )
        self.dropout = rate(dropout, "dropout")
        self.weight_dropout = keras.layers.Dropout(self.dropout)
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None:
            fail("inputs", "of shape (batch, T, d) with a known d", tuple(input_shape))
        depth = int(input_shape[-1])
        heads = (self.num_heads, self.key_dim)
        out = self.output_dim or depth
        # the order of MultiHeadAttention.get_weights(): query, key, value, output (kernel, bias)
        for name in ("query", "key", "value"):
            setattr(
                self,
                f"{name}_kernel",
                self.add_weight(
                    shape=(depth, *heads), initializer="glorot_uniform", name=f"{name}_kernel"
                ),
            )
            setattr(
                self,
                f"{name}_bias",
                self.add_weight(shape=heads, initializer="zeros", name=f"{name}_bias"),
            )
        self.output_kernel = self.add_weight(
            shape=(*heads, out), initializer="glorot_uniform", name="output_kernel"
        )
        self.output_bias = self.add_weight(shape=(out,), initializer="zeros", name="output_bias")
        super().build(input_shape)

    def call(
        self, inputs, mask=None, attention_mask=None, training=False, return_attention_scores=False
    ):
        x = inputs  # (batch, T, d)
        queries = ops.einsum("btd,dhk->bthk", x, self.query_kernel) + self.query_bias
        keys = ops.einsum("btd,dhk->bthk", x, self.key_kernel) + self.key_bias
        values = ops.einsum("btd,dhk->bthk", x, self.value_kernel) + self.value_bias
        # scores[b, h, i, j] = q_i . k_j / sqrt(key_dim): every pair of positions in one product
        scores = ops.einsum("bihk,bjhk->bhij", queries, keys) / math.sqrt(self.key_dim)
        allowed = None
        if mask is not None:
            allowed = ops.cast(mask, "bool")[:, None, None, :]  # (batch, 1, 1, T): keys
        if attention_mask is not None:
            pairs = ops.cast(attention_mask, "bool")[:, None]  # (batch, 1, T, T)
            allowed = pairs if allowed is None else ops.logical_and(allowed, pairs)
        if allowed is not None:
            scores = scores + ops.where(allowed, 0.0, LARGE_NEGATIVE)  # + M
        weights = ops.softmax(scores, axis=-1)  # (batch, heads, T, T), rows sum to 1
        dropped = self.weight_dropout(weights, training=training)
        heads = ops.einsum("bhij,bjhk->bihk", dropped, values)  # (batch, T, heads, key_dim)
        outputs = ops.einsum("bihk,hko->bio", heads, self.output_kernel) + self.output_bias
        return (outputs, weights) if return_attention_scores else outputs

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.output_dim or input_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "output_dim": self.output_dim,
            "dropout": self.dropout,
        }
