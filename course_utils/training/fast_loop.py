"""`FastRNN`: `keras.layers.RNN` with a faster loop for the standard cells; same weights, results.

`keras.layers.RNN(cell)` runs `cell.call` once per time step, and automatic differentiation of
that loop does three matrix products per step: the forward `h U`, the backward `dz U^T`, and the
accumulation of the recurrent-kernel gradient `h^T dz`; the input product `x W` and its gradients
are also done step by step. For exactly the classes `SimpleRNNCell`, `LSTMCell` and `GRUCell` (the
course's or Keras's; `STANDARD_CELLS`) with their default activations, this module instead

1. projects the inputs of all time steps at once (`x W + b`: one big product before the loop),
2. runs only `h U` and the gate arithmetic inside the forward loop (`tf.scan`), and
3. uses a hand-written backward pass (`tf.custom_gradient`: BPTT written out) that keeps only
   `dz U^T` inside the backward loop and computes `dU = H^T dZ` (and `dW`, `db`) as big products
   after it, the way cuDNN does.

Anything else falls back to `keras.layers.RNN`'s own loop (`keras_private.keras_inner_loop`), so
results never change: another cell, *a subclass of a standard cell* (it may override `step` or
`call`, so the class is compared with `type(cell) in STANDARD_CELLS`, never `isinstance`), another
activation, a mask, `recurrent_dropout` while training, `unroll=True`, an unknown sequence length,
`GRUCell(reset_after=False)`, a `forget_gate_override`. `uses_fast_loop(layer, ...)` says which
loop a call takes. `FastRNN` is the layer; `fast_loops(model)` lends the same loop to the plain
`keras.layers.RNN` layers of a model for a while (`keras_private.replace_inner_loop`), which is
how `course_utils.train` uses it (`fast_rnn=True`). Everything compiles with XLA.
tests/test_fast_loop.py compares outputs and gradients with `keras.layers.RNN` on the same cell.

Example:
    layer = FastRNN(LSTMCell(64), return_sequences=True)
    outputs = layer(np.zeros((32, 50, 16), "float32"))  # (32, 50, 64), same as keras.layers.RNN

Reference: the backward pass is BPTT (Werbos 1990) with the weight gradients batched over time
as in cuDNN (Appleyard, Kocisky & Blunsom, "Optimizing performance of recurrent neural networks
on GPUs", 2016).
"""
import keras
import tensorflow as tf

from course_utils.keras_private import all_layers, keras_inner_loop, replace_inner_loop
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
        kernel_t = tf.transpose(recurrent_kernel)  # once: slower as a transposed operand
        slopes = 1.0 - hs * hs  # tanh' for all steps at once, outside the loop

        def back(carry, inputs):
            d_next, _ = carry
            d_h, slope = inputs
            delta = (d_h + d_next) * slope
            return tf.matmul(delta, kernel_t), delta

        d_h_prev, deltas = tf.scan(back, (d_hs, slopes), initializer=(
            _zeros_if_none(d_last, h0), tf.zeros_like(h0)), reverse=True)
        return deltas, _weight_gradient(_previous(h0, hs), deltas), d_h_prev[0]

    return (hs, hs[-1]), grad


@tf.custom_gradient
def lstm_sequence(projected, recurrent_kernel, h0, c0):
    """Keras-order LSTM (gates i, f, c, o) over projected inputs (time, batch, 4 units).

    Speed (the loops run small ops, so their number and their transcendentals cost most): the four
    gates take one tanh, sigmoid(z) = tanh(z / 2) / 2 + 1 / 2, and the forward loop also keeps the
    slopes of the gates for the backward loop, which then needs one fused multiply and one product
    per step and no pass over the saved sequences before it."""
    units = h0.shape[-1]
    scale = tf.concat([tf.fill((2 * units,), 0.5), tf.ones((units,)), tf.fill((units,), 0.5)], 0)
    offset = 1.0 - scale  # scale * tanh(scale * z) + offset: sigmoid, sigmoid, tanh, sigmoid

    def step(carry, x_t):
        h, c_prev = carry[:2]
        gates = scale * tf.tanh(scale * (x_t + tf.matmul(h, recurrent_kernel))) + offset
        i, f, g, o = (gates[:, k * units:(k + 1) * units] for k in range(4))
        c = f * c_prev + i * g
        tanh_c = tf.tanh(c)
        slopes = tf.concat([g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g * g),
                            tanh_c * o * (1.0 - o)], axis=-1)  # d gates_t / d z_t, by factor
        return o * tanh_c, c, slopes, o * (1.0 - tanh_c * tanh_c), f  # ..., d h_t / d c_t, f

    initial = (h0, c0, tf.zeros_like(projected[0]), h0, h0)
    hs, cs, slopes, c_from_h, forget = tf.scan(step, projected, initializer=initial)

    def grad(d_hs, d_h_last, d_c_last):
        d_hs = _zeros_if_none(d_hs, hs)
        kernel_t = tf.transpose(recurrent_kernel)  # once: slower as a transposed operand

        def back(carry, inputs):
            d_h_next, d_c_next = carry[:2]  # d_c_next: gradient reaching c_t from c_{t+1}
            d_h, slopes_t, c_from_h_t, f_t = inputs
            d_h = d_h + d_h_next
            d_c = d_c_next + d_h * c_from_h_t
            delta = tf.concat([d_c, d_c, d_c, d_h], axis=-1) * slopes_t  # d loss / d z_t
            return tf.matmul(delta, kernel_t), d_c * f_t, delta

        d_h_prev, d_c_prev, deltas = tf.scan(
            back, (d_hs, slopes, c_from_h, forget), reverse=True, initializer=(
                _zeros_if_none(d_h_last, h0), _zeros_if_none(d_c_last, c0), initial[2]))
        return deltas, _weight_gradient(_previous(h0, hs), deltas), d_h_prev[0], d_c_prev[0]

    return (hs, hs[-1], cs[-1]), grad


@tf.custom_gradient
def gru_sequence(projected, recurrent_kernel, recurrent_bias, h0):
    """Keras GRU, reset_after=True (gates z, r, h), over projected inputs (time, batch, 3 units).

    As in `lstm_sequence`: the two sigmoid gates take one tanh, sigmoid(z) = tanh(z / 2) / 2 + 1/2,
    and the backward loop multiplies by the transposed kernel made once before it."""
    units = h0.shape[-1]

    def step(carry, x_t):
        h, _ = carry
        recurrent = tf.matmul(h, recurrent_kernel) + recurrent_bias
        z_r = 0.5 * tf.tanh(0.5 * (x_t[:, :2 * units] + recurrent[:, :2 * units])) + 0.5
        z, r, r_h = z_r[:, :units], z_r[:, units:], recurrent[:, 2 * units:]
        candidate = tf.tanh(x_t[:, 2 * units:] + r * r_h)
        return z * h + (1.0 - z) * candidate, tf.concat([z, r, candidate, r_h], axis=-1)

    saved0 = tf.zeros_like(tf.concat([h0] * 4, axis=-1))
    hs, saved = tf.scan(step, projected, initializer=(h0, saved0))

    def grad(d_hs, d_last):
        d_hs = _zeros_if_none(d_hs, hs)
        kernel_t = tf.transpose(recurrent_kernel)  # once: slower as a transposed operand

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
            d_h_prev = d_h * z + tf.matmul(d_recurrent, kernel_t)
            return d_h_prev, d_input, d_recurrent

        zeros3 = tf.zeros_like(projected[0])
        d_h_prev, d_inputs, d_recurrents = tf.scan(
            back, (d_hs, saved, _previous(h0, hs)), reverse=True,
            initializer=(_zeros_if_none(d_last, h0), zeros3, zeros3))
        return (d_inputs, _weight_gradient(_previous(h0, hs), d_recurrents),
                tf.reduce_sum(d_recurrents, axis=[0, 1]), d_h_prev[0])

    return (hs, hs[-1]), grad


STANDARD_CELLS = {  # exactly these classes take the fast loop; a subclass may change the step
    course_cells.SimpleRNNCell: "simple", keras.layers.SimpleRNNCell: "simple",
    course_cells.LSTMCell: "lstm", keras.layers.LSTMCell: "lstm",
    course_cells.GRUCell: "gru", keras.layers.GRUCell: "gru",
}


def _kind(cell):
    """'simple', 'lstm', 'gru' or None (no fast loop) for a cell's exact class and settings."""
    kind = STANDARD_CELLS.get(type(cell))
    tanh, sigmoid = keras.activations.tanh, keras.activations.sigmoid
    if kind is None or getattr(cell, "activation", None) is not tanh:
        return None
    if kind != "simple" and getattr(cell, "recurrent_activation", None) is not sigmoid:
        return None
    if kind == "lstm" and getattr(cell, "forget_gate_override", None) is not None:
        return None
    if kind == "gru" and not cell.reset_after:
        return None
    return kind


def uses_fast_loop(layer, sequences_shape=(None, None), mask=None, training=False):
    """True when `layer` (an `RNN`) called with this input shape, mask and training flag can take
    the fast loop: a standard cell with default activations, no mask, no `unroll`, a known length
    and no recurrent dropout while training."""
    recurrent_dropout = getattr(layer.cell, "recurrent_dropout", 0.0)
    return (_kind(layer.cell) is not None and mask is None and not layer.unroll
            and sequences_shape[1] is not None and not (training and recurrent_dropout))


def fast_inner_loop(layer, sequences, initial_state, mask, training=False):
    """The RNN's inner loop: the fast loop when possible, else `keras.layers.RNN`'s own loop."""
    if isinstance(mask, (list, tuple)):
        mask = mask[0]
    if not uses_fast_loop(layer, tuple(sequences.shape), mask, training):
        return keras_inner_loop(layer, sequences, initial_state, mask, training=training)
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


def fast_loops(model):
    """A context within which every plain `keras.layers.RNN` inside `model` (Bidirectional halves
    included) with a standard cell runs `fast_inner_loop`; the training path traces its step
    inside it. It yields the layers it changed."""
    layers = [layer for layer in all_layers(model)
              if type(layer) is keras.layers.RNN and _kind(layer.cell) is not None]
    return replace_inner_loop(layers, fast_inner_loop)


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

    def call(self, sequences, initial_state=None, mask=None, training=False):
        with replace_inner_loop([self], fast_inner_loop):
            return super().call(sequences, initial_state=initial_state, mask=mask,
                                training=training)
