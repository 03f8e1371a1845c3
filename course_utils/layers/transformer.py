"""A minimal Transformer encoder: sinusoidal positional encoding and one encoder layer.

Self-attention lets every position read every other position in one step, so the path between
two positions is 1 layer long (a recurrent network needs |i - j| steps) and all positions are
computed at once instead of one after another. What it does *not* do by itself is keep gradients
healthy through a deep stack: like the deep RNNs of notebook 09, each sub-layer is wrapped in a
residual connection and a layer normalisation:

    post-norm (Vaswani et al.):  x = LayerNorm(x + Attention(x));   x = LayerNorm(x + FFN(x))
    pre-norm (norm_first=True):  x = x + Attention(LayerNorm(x));   x = x + FFN(LayerNorm(x))
    FFN(x) = Dense(units)(activation(Dense(feed_forward_units)(x)))

Attention(x) is `keras.layers.MultiHeadAttention` by default, or with `attention="self_attention"`
the course's `SelfAttention` (layers/self_attention.py), written out from the equations (same
weight shapes and order, same outputs).

Self-attention alone is permutation-equivariant (shuffling the positions shuffles the outputs in
the same way): the order of the sequence only enters through the positional encoding

    PE[p, 2i] = sin(p / max_wavelength^(2i/d)),   PE[p, 2i+1] = cos(p / max_wavelength^(2i/d)).

Example:
    tokens = keras.Input((None,), dtype="int32")                         # (batch, T)
    x = keras.layers.Embedding(100, 32, mask_zero=True)(tokens)          # (batch, T, 32)
    x = PositionalEncoding()(x)                                          # (batch, T, 32)
    x = TransformerEncoderLayer(units=32, num_heads=4, feed_forward_units=64)(x)  # (batch, T, 32)

Reference: Vaswani et al. (2017), "Attention is all you need"; pre-norm: Xiong et al. (2020),
"On layer normalization in the Transformer architecture".
"""

import keras
import numpy as np
from keras import ops

from course_utils.layers.self_attention import SelfAttention
from course_utils.validation import fail, integer, number, one_of, rate, shape

__all__ = [
    "PositionalEncoding",
    "TransformerEncoderLayer",
    "computation_graph",
    "graph_path_lengths",
    "sinusoidal_positions",
]
GRAPH_KINDS = ("rnn", "self_attention", "causal_self_attention")
ATTENTION_KINDS = ("multi_head", "self_attention")


def sinusoidal_positions(length, depth, max_wavelength=10000.0):
    """The sinusoidal encoding as a NumPy array (length, depth): even columns sin, odd columns
    cos."""
    if integer(depth, "depth", minimum=2) % 2:
        fail("depth", "an even integer >= 2", depth)
    positions = np.arange(length, dtype=np.float64)[:, None]  # (length, 1)
    frequencies = max_wavelength ** (
        -np.arange(0, depth, 2, dtype=np.float64) / depth
    )  # (depth/2,)
    encoding = np.zeros((length, int(depth)))
    encoding[:, 0::2] = np.sin(positions * frequencies)
    encoding[:, 1::2] = np.cos(positions * frequencies)
    return encoding.astype(np.float32)


@keras.saving.register_keras_serializable(package="course_utils")
class PositionalEncoding(keras.layers.Layer):
    """Adds the sinusoidal positional encoding of Vaswani et al. (2017) to a sequence of vectors.

    No weights; works for any sequence length. A Keras mask passes through unchanged.

    Args:
        max_wavelength: the longest wavelength (10000 in the paper), > 0.

    Call arguments:
        inputs: float (batch, T, depth) with an even depth.

    Returns:
        inputs + PE[:T], shape (batch, T, depth).
    """

    def __init__(self, max_wavelength=10000.0, **kwargs):
        super().__init__(**kwargs)
        self.max_wavelength = number(
            max_wavelength, "max_wavelength", minimum=0.0, minimum_open=True
        )
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[-1] is None or input_shape[-1] % 2:
            fail("inputs", "of shape (batch, T, depth) with a known even depth", tuple(input_shape))
        super().build(input_shape)

    def call(self, inputs):
        length, depth = ops.shape(inputs)[1], inputs.shape[-1]
        positions = ops.cast(ops.arange(length), "float32")[:, None]  # (T, 1)
        exponents = ops.cast(ops.arange(0, depth, 2), "float32") / depth  # (depth/2,)
        angles = positions * ops.power(self.max_wavelength, -exponents)  # (T, depth/2)
        # interleave: column 2i is sin, column 2i+1 is cos
        encoding = ops.reshape(
            ops.stack([ops.sin(angles), ops.cos(angles)], axis=-1), (length, depth)
        )
        return inputs + ops.cast(encoding, inputs.dtype)[None]

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_wavelength": self.max_wavelength}


@keras.saving.register_keras_serializable(package="course_utils")
class TransformerEncoderLayer(keras.layers.Layer):
    """One Transformer encoder layer: multi-head self-attention and a feed-forward block.

    Both blocks sit inside a residual connection with layer normalisation (after the addition,
    as in Vaswani et al. 2017, or before the block with `norm_first=True`). Padded positions
    (mask False) receive exactly zero attention from every query.

    Args:
        units: size of the vectors in and out (d_model); the input's last axis must equal it.
        num_heads: attention heads; each has key_dim = units // num_heads (must divide units).
        feed_forward_units: hidden size of the feed-forward block (4 * units in the paper).
        dropout: dropout rate on attention weights and on each block's output, in [0, 1).
        norm_first: pre-norm instead of post-norm.
        activation: activation of the feed-forward hidden layer.
        attention: "multi_head" (`keras.layers.MultiHeadAttention`, the default) or
            "self_attention" (the course's `SelfAttention`, written out from the equations; same
            weight shapes, same outputs).

    Call arguments:
        inputs: float (batch, T, units).
        mask: optional bool (batch, T), True for real tokens (taken from a Keras mask too).
        training: enables dropout.
        return_attention_scores: also return the weights (batch, num_heads, T, T).

    Returns:
        (batch, T, units), and the attention weights if asked for.
    """

    def __init__(
        self,
        units,
        num_heads,
        feed_forward_units,
        dropout=0.0,
        norm_first=False,
        activation="relu",
        attention="multi_head",
        **kwargs,
    ):
        super().__init__(**kwargs)
        units = integer(units, "units", minimum=1)
        num_heads = integer(num_heads, "num_heads", minimum=1)
        if units % num_heads:
            raise ValueError(
                f"units={units} must be divisible by num_heads={num_heads} (key_dim = units // "
                f"num_heads)"
            )
        self.units, self.num_heads = units, num_heads
        self.feed_forward_units = integer(feed_forward_units, "feed_forward_units", minimum=1)
        self.dropout = rate(dropout, "dropout")
        self.norm_first, self.activation = bool(norm_first), keras.activations.get(activation)
        self.supports_masking = True
        self.attention_kind = one_of(attention, "attention", ATTENTION_KINDS)
        if self.attention_kind == "multi_head":
            self.attention = keras.layers.MultiHeadAttention(
                num_heads=self.num_heads,
                key_dim=self.units // self.num_heads,
                dropout=self.dropout,
                name="attention",
            )
        else:
            self.attention = SelfAttention(
                self.num_heads, self.units // self.num_heads, dropout=self.dropout, name="attention"
            )
        self.attention_norm = keras.layers.LayerNormalization(epsilon=1e-6, name="attention_norm")
        self.feed_forward_hidden = keras.layers.Dense(
            self.feed_forward_units, activation=self.activation, name="feed_forward_hidden"
        )
        self.feed_forward_output = keras.layers.Dense(self.units, name="feed_forward_output")
        self.feed_forward_norm = keras.layers.LayerNormalization(
            epsilon=1e-6, name="feed_forward_norm"
        )
        self.output_dropout = keras.layers.Dropout(self.dropout)

    def build(self, input_shape):
        input_shape = shape(input_shape, "inputs", ("batch", "T", self.units))
        if self.attention_kind == "multi_head":
            self.attention.build(input_shape, input_shape)
        else:
            self.attention.build(input_shape)
        self.attention_norm.build(input_shape)
        self.feed_forward_hidden.build(input_shape)
        self.feed_forward_output.build(tuple(input_shape[:-1]) + (self.feed_forward_units,))
        self.feed_forward_norm.build(input_shape)
        super().build(input_shape)

    def call(self, inputs, mask=None, training=False, return_attention_scores=False):
        attention_mask = None
        if mask is not None:
            keys = ops.cast(mask, "bool")[:, None, :]  # (batch, 1, T): which positions may be read
            length = ops.shape(inputs)[1]
            attention_mask = ops.logical_and(
                keys, ops.ones((1, length, 1), dtype="bool")
            )  # (batch, T, T)

        x = self.attention_norm(inputs) if self.norm_first else inputs
        attention_inputs = (x,) if self.attention_kind == "self_attention" else (x, x)
        attended, scores = self.attention(
            *attention_inputs,
            attention_mask=attention_mask,
            training=training,
            return_attention_scores=True,
        )  # (batch, T, units), (batch, heads, T, T)
        x = inputs + self.output_dropout(attended, training=training)  # residual
        x = x if self.norm_first else self.attention_norm(x)

        y = self.feed_forward_norm(x) if self.norm_first else x
        y = self.feed_forward_output(self.feed_forward_hidden(y))  # (batch, T, units)
        x = x + self.output_dropout(y, training=training)  # residual
        outputs = x if self.norm_first else self.feed_forward_norm(x)
        return (outputs, scores) if return_attention_scores else outputs

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "num_heads": self.num_heads,
            "feed_forward_units": self.feed_forward_units,
            "dropout": self.dropout,
            "norm_first": self.norm_first,
            "activation": keras.activations.serialize(self.activation),
            "attention": self.attention_kind,
        }


# ----------------------------------------------------------- paths through the computation
def computation_graph(kind, sequence_length):
    """The unrolled dependency graph of one layer over T positions, as {node: [successors]}.

    Nodes are ("x", i) for input i and ("y", i) for output i (for the RNN the output is h_i).
    "rnn": x_i -> h_i and h_{i-1} -> h_i; "self_attention": x_i -> y_j for every i, j;
    "causal_self_attention": x_i -> y_j for i <= j (a decoder that must not see the future).
    """
    one_of(kind, "kind", GRAPH_KINDS)
    T = integer(sequence_length, "sequence_length", minimum=1)
    graph = {("x", i): [] for i in range(T)} | {("y", i): [] for i in range(T)}
    for i in range(T):
        if kind == "rnn":
            graph[("x", i)].append(("y", i))
            if i + 1 < T:
                graph[("y", i)].append(("y", i + 1))
        else:
            graph[("x", i)].extend(("y", j) for j in range(T) if kind == "self_attention" or i <= j)
    return graph


def graph_path_lengths(graph):
    """Shortest and longest paths (in edges) from inputs to outputs of a `computation_graph`.

    Returns:
        `(shortest, critical)`: `shortest` is a (T, T) float array, the fewest steps information
        needs from input i to output j (inf where output j cannot depend on input i); `critical`
        is the longest path in the graph: the number of steps that must run one after another
        however many processors there are.
    """
    inputs = sorted(node for node in graph if node[0] == "x")
    shortest = np.full((len(inputs), len(inputs)), np.inf)
    for source in inputs:  # breadth-first search from every input
        distance, frontier = {source: 0}, [source]
        while frontier:
            next_frontier = []
            for node in frontier:
                for successor in graph[node]:
                    if successor not in distance:
                        distance[successor] = distance[node] + 1
                        next_frontier.append(successor)
            frontier = next_frontier
        for (kind, j), steps in distance.items():
            if kind == "y":
                shortest[source[1], j] = steps
    # longest path: relax the edges in topological order (Kahn's algorithm; the graph is acyclic)
    incoming = {node: 0 for node in graph}
    for successors in graph.values():
        for successor in successors:
            incoming[successor] += 1
    ready = [node for node, count in incoming.items() if count == 0]
    longest = dict.fromkeys(graph, 0)
    while ready:
        node = ready.pop()
        for successor in graph[node]:
            longest[successor] = max(longest[successor], longest[node] + 1)
            incoming[successor] -= 1
            if incoming[successor] == 0:
                ready.append(successor)
    return shortest, max(longest.values())
