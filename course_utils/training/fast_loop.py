"""`FastRNN`: `keras.layers.RNN` with a faster loop for the standard cells; same weights, results.

`keras.layers.RNN(cell)` runs `cell.call` once per time step, and automatic differentiation of
that loop does three matrix products per step: the forward `h U`, the backward `dz U^T`, and the
accumulation of the recurrent-kernel gradient `h^T dz`; the input product `x W` and its gradients
are also done step by step. For `SimpleRNNCell`, `LSTMCell` and `GRUCell` (the course's or
Keras's) with their default activations, this module instead

1. projects the inputs of all time steps at once (`x W + b`: one big product before the loop),
2. runs only `h U` and the gate arithmetic inside the forward loop (`tf.scan`), and
3. uses a hand-written backward pass (`tf.custom_gradient`: BPTT written out) that keeps only
   `dz U^T` inside the backward loop and computes `dU = H^T dZ` (and `dW`, `db`) as big products
   after it, the way cuDNN does.

Anything else (another cell or activation, a mask, `recurrent_dropout` while training,
`unroll=True`, an unknown sequence length, `GRUCell(reset_after=False)`, a `forget_gate_override`)
falls back to `keras.layers.RNN`'s own loop, so results never change; `uses_fast_loop(layer, ...)`
says which loop a call takes. `FastRNN` is the layer; `fast_loops(model)` lends the same loop to
the plain `keras.layers.RNN` layers of a model for a while, which is how `course_utils.train`
uses it (`fast_rnn=True`). Everything compiles with XLA. tests/test_fast_rnn.py compares outputs
and gradients with `keras.layers.RNN` on the same cell.

Example:
    layer = FastRNN(LSTMCell(64), return_sequences=True)
    outputs = layer(np.zeros((32, 50, 16), "float32"))  # (32, 50, 64), same as keras.layers.RNN

Reference: the backward pass is BPTT (Werbos 1990) with the weight gradients batched over time
as in cuDNN (Appleyard, Kocisky & Blunsom, "Optimizing performance of recurrent neural networks
on GPUs", 2016).
"""
import contextlib
import functools

import keras
import tensorflow as tf

from course_utils.layers import cells as course_cells


def _matmul_time(x, w):
    """(time, batch, features) @ (features, out) -> (time, batch, out) as one product."""
    time, batch = tf.shape(x)[0], tf.shape(x)[1]
    flat = tf.matmul(tf.reshape(x, (-1, x.shape[-1])), w)
    return tf.reshape(flat, (time, batch, w.shape[-1]))


def _weight_gradient(inputs, deltas):
    """sum_t inputs_t^T deltas_t over (time, batch, ...) as one product."""
    return tf.matmul(tf.reshape(inputs, (-1, inputs.shape[-1])),
                     tf.reshape(deltas, (-1, deltas.shape[-1])), transpose_a=True)


def _zeros_if_none(gradient, like):
    return tf.zeros_like(like) if gradient is None else gradient


def _previous(initial, sequence):
    """(h_0, h_1, ..., h_{T-1}) from h_0 and (h_1, ..., h_T): the states each step started from."""
    return tf.concat([initial[None], sequence[:-1]], axis=0)


@tf.custom_gradient
def simple_rnn_sequence(projected, recurrent_kernel, h0):
    """h_t = tanh(projected_t + h_{t-1} U) for all t; projected (time, batch, units), time-major."""
    def step(h, x_t):
        return tf.tanh(x_t + tf.matmul(h, recurrent_kernel))

    hs = tf.scan(step, projected, initializer=h0)  # (time, batch, units)

    def grad(d_hs, d_last):
        d_hs = _zeros_if_none(d_hs, hs)
        d_last = _zeros_if_none(d_last, h0)

        def back(carry, inputs):
            d_next, _ = carry
            d_h, h = inputs
            delta = (d_h + d_next) * (1.0 - h * h)  # through tanh
            return tf.matmul(delta, recurrent_kernel, transpose_b=True), delta

        d_h_prev, deltas = tf.scan(back, (d_hs, hs), initializer=(d_last, tf.zeros_like(h0)),
                                   reverse=True)
        return deltas, _weight_gradient(_previous(h0, hs), deltas), d_h_prev[0]

    return (hs, hs[-1]), grad


@tf.custom_gradient
def lstm_sequence(projected, recurrent_kernel, h0, c0):
    """Keras-order LSTM (gates i, f, c, o) over projected inputs (time, batch, 4 units)."""
    def step(carry, x_t):
        h, c, _ = carry
        z_i, z_f, z_c, z_o = tf.split(x_t + tf.matmul(h, recurrent_kernel), 4, axis=-1)
        i, f, g, o = tf.sigmoid(z_i), tf.sigmoid(z_f), tf.tanh(z_c), tf.sigmoid(z_o)
        c = f * c + i * g
        return o * tf.tanh(c), c, tf.concat([i, f, g, o], axis=-1)

    gates0 = tf.zeros_like(projected[0])
    hs, cs, gates = tf.scan(step, projected, initializer=(h0, c0, gates0))

    def grad(d_hs, d_h_last, d_c_last):
        d_hs = _zeros_if_none(d_hs, hs)

        def back(carry, inputs):
            d_h_next, d_c_next, _ = carry
            d_h, gate, c, c_prev = inputs
            i, f, g, o = tf.split(gate, 4, axis=-1)
            d_h = d_h + d_h_next
            tanh_c = tf.tanh(c)
            d_c = d_c_next + d_h * o * (1.0 - tanh_c * tanh_c)
            delta = tf.concat([d_c * g * i * (1.0 - i), d_c * c_prev * f * (1.0 - f),
                               d_c * i * (1.0 - g * g), d_h * tanh_c * o * (1.0 - o)], axis=-1)
            return tf.matmul(delta, recurrent_kernel, transpose_b=True), d_c * f, delta

        d_h0, d_c0, deltas = tf.scan(
            back, (d_hs, gates, cs, _previous(c0, cs)), reverse=True,
            initializer=(_zeros_if_none(d_h_last, h0), _zeros_if_none(d_c_last, c0), gates0))
        return deltas, _weight_gradient(_previous(h0, hs), deltas), d_h0[0], d_c0[0]

    return (hs, hs[-1], cs[-1]), grad


@tf.custom_gradient
def gru_sequence(projected, recurrent_kernel, recurrent_bias, h0):
    """Keras GRU, reset_after=True (gates z, r, h), over projected inputs (time, batch, 3 units)."""
    def step(carry, x_t):
        h, _ = carry
        x_z, x_r, x_h = tf.split(x_t, 3, axis=-1)
        r_z, r_r, r_h = tf.split(tf.matmul(h, recurrent_kernel) + recurrent_bias, 3, axis=-1)
        z, r = tf.sigmoid(x_z + r_z), tf.sigmoid(x_r + r_r)
        candidate = tf.tanh(x_h + r * r_h)
        return z * h + (1.0 - z) * candidate, tf.concat([z, r, candidate, r_h], axis=-1)

    saved0 = tf.zeros_like(tf.concat([h0] * 4, axis=-1))
    hs, saved = tf.scan(step, projected, initializer=(h0, saved0))

    def grad(d_hs, d_last):
        d_hs = _zeros_if_none(d_hs, hs)

        def back(carry, inputs):
            d_h_next, _, _ = carry
            d_h, values, h_prev = inputs
            z, r, candidate, r_h = tf.split(values, 4, axis=-1)
            d_h = d_h + d_h_next
            d_z = d_h * (h_prev - candidate) * z * (1.0 - z)
            d_candidate = d_h * (1.0 - z) * (1.0 - candidate * candidate)
            d_r = d_candidate * r_h * r * (1.0 - r)
            d_input = tf.concat([d_z, d_r, d_candidate], axis=-1)
            d_recurrent = tf.concat([d_z, d_r, d_candidate * r], axis=-1)
            d_h_prev = d_h * z + tf.matmul(d_recurrent, recurrent_kernel, transpose_b=True)
            return d_h_prev, d_input, d_recurrent

        zeros3 = tf.zeros_like(projected[0])
        d_h_prev, d_inputs, d_recurrents = tf.scan(
            back, (d_hs, saved, _previous(h0, hs)), reverse=True,
            initializer=(_zeros_if_none(d_last, h0), zeros3, zeros3))
        return (d_inputs, _weight_gradient(_previous(h0, hs), d_recurrents),
                tf.reduce_sum(d_recurrents, axis=[0, 1]), d_h_prev[0])

    return (hs, hs[-1]), grad


def _kind(cell):
    """'simple', 'lstm', 'gru' or None (no fast loop) for a cell's class and activations."""
    tanh, sigmoid = keras.activations.tanh, keras.activations.sigmoid
    if getattr(cell, "activation", None) is not tanh:
        return None
    if isinstance(cell, (course_cells.SimpleRNNCell, keras.layers.SimpleRNNCell)):
        return "simple"
    if getattr(cell, "recurrent_activation", None) is not sigmoid:
        return None
    if isinstance(cell, (course_cells.LSTMCell, keras.layers.LSTMCell)):
        return "lstm" if getattr(cell, "forget_gate_override", None) is None else None
    if isinstance(cell, (course_cells.GRUCell, keras.layers.GRUCell)):
        return "gru" if cell.reset_after else None
    return None


def uses_fast_loop(layer, sequences_shape=(None, None), mask=None, training=False):
    """True when `layer` (an `RNN`) called with this input shape, mask and training flag can take
    the fast loop: a standard cell with default activations, no mask, no `unroll`, a known length
    and no recurrent dropout while training."""
    recurrent_dropout = getattr(layer.cell, "recurrent_dropout", 0.0)
    return (_kind(layer.cell) is not None and mask is None and not layer.unroll
            and sequences_shape[1] is not None and not (training and recurrent_dropout))


def fast_inner_loop(layer, sequences, initial_state, mask, training=False):
    """`RNN.inner_loop` with the fast loop when possible, else `keras.layers.RNN`'s own loop."""
    if isinstance(mask, (list, tuple)):
        mask = mask[0]
    if not uses_fast_loop(layer, tuple(sequences.shape), mask, training):
        return type(layer).inner_loop(layer, sequences, initial_state, mask, training=training)
    cell, kind = layer.cell, _kind(layer.cell)
    if training and getattr(cell, "dropout", 0.0):  # one input mask per sequence, as the cell does
        sequences = sequences * cell.get_dropout_mask(sequences[:, 0, :])[:, None, :]
    time_major = tf.transpose(sequences, [1, 0, 2])  # (time, batch, features)
    if layer.go_backwards:
        time_major = tf.reverse(time_major, [0])
    kernel = tf.convert_to_tensor(cell.kernel)
    recurrent_kernel = tf.convert_to_tensor(cell.recurrent_kernel)
    bias = tf.convert_to_tensor(cell.bias) if cell.use_bias else None
    if kind == "gru":
        input_bias = bias[0] if bias is not None else 0.0
        recurrent_bias = bias[1] if bias is not None else tf.zeros((3 * cell.units,))
    else:
        input_bias = bias if bias is not None else 0.0
    projected = _matmul_time(time_major, kernel) + input_bias  # (time, batch, gates * units)
    if kind == "simple":
        hs, h = simple_rnn_sequence(projected, recurrent_kernel, initial_state[0])
        states = [h]
    elif kind == "lstm":
        hs, h, c = lstm_sequence(projected, recurrent_kernel, initial_state[0], initial_state[1])
        states = [h, c]
    else:
        hs, h = gru_sequence(projected, recurrent_kernel, recurrent_bias, initial_state[0])
        states = [h]
    outputs = tf.transpose(hs, [1, 0, 2]) if layer.return_sequences else h[:, None, :]
    return h, outputs, states  # (batch, units), (batch, time, units), states


@contextlib.contextmanager
def fast_loops(model):
    """Within this context every plain `keras.layers.RNN` inside `model` (Bidirectional halves
    included) runs `fast_inner_loop`; the training path traces its step inside it."""
    layers = [layer for layer in model._flatten_layers(include_self=True)
              if type(layer) is keras.layers.RNN and _kind(layer.cell) is not None]
    for layer in layers:
        layer.inner_loop = functools.partial(fast_inner_loop, layer)
    try:
        yield layers
    finally:
        for layer in layers:
            del layer.inner_loop


@keras.saving.register_keras_serializable(package="course_utils")
class FastRNN(keras.layers.RNN):
    """`keras.layers.RNN` with the batched-BPTT loop for the standard cells (module docstring).

    Args: exactly those of `keras.layers.RNN` (cell, return_sequences, return_state,
        go_backwards, stateful, unroll, zero_output_for_mask, **kwargs).

    Call arguments: as `keras.layers.RNN` (sequences (batch, time, features), initial_state,
        mask, training).

    Returns: as `keras.layers.RNN`.

    Example:
        layer = FastRNN(GRUCell(32), return_state=True)
        last, h = layer(np.zeros((8, 20, 5), "float32"))  # (8, 32), (8, 32)
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        if not uses_fast_loop(self, tuple(sequences.shape), mask, training):
            return super().inner_loop(sequences, initial_state, mask, training=training)
        return fast_inner_loop(self, sequences, initial_state, mask, training=training)
