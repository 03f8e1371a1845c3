"""Recurrent cells written from their equations: `SimpleRNNCell`, `LSTMCell` and `GRUCell`.

A cell does one time step; `keras.layers.RNN(cell)` runs it over a sequence (masking,
`return_sequences`, `return_state`, initial states, `go_backwards` all come from `RNN`).
The weights use Keras's names, shapes and gate packing -- `kernel` (features, g*units),
`recurrent_kernel` (units, g*units), `bias` -- with the gates in Keras's order (LSTM i, f, c, o;
GRU z, r, h), so `ours.set_weights(keras_cell.get_weights())` reproduces `keras.layers.SimpleRNN`,
`LSTM` and `GRU` outputs and gradients (tests/test_cells.py checks both).

One implementation serves training and plots: every cell has
`step(inputs, states, training) -> (output, new_states, gates)`; `call()` keeps the first two and
`course_utils.analysis.recording.record_gates` keeps the gates dict.

Example:
    rnn = keras.layers.RNN(LSTMCell(64), return_sequences=True)
    outputs = rnn(np.zeros((32, 50, 8), "float32"))  # (32, 50, 64)
"""

import keras
from keras import ops

# `keras.layers.RNN` draws one dropout mask per sequence (and clears it afterwards) only for cells
# that are instances of this small mixin; it holds mask caching only, no cell maths.
from course_utils.keras_private import DropoutRNNCell
from course_utils.validation import integer, number, optional, rate

__all__ = ["RecurrentCell", "SimpleRNNCell", "LSTMCell", "GRUCell"]


def get_activation(identifier, name):
    """Resolve an activation with `keras.activations.get`, raising a ValueError that names it."""
    try:
        return keras.activations.get(identifier)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"unknown `{name}` {identifier!r}: expected a Keras activation name such as "
            "'tanh', 'sigmoid' or 'relu', a callable, or None (linear)"
        ) from error


class RecurrentCell(keras.layers.Layer, DropoutRNNCell):
    """Base of the course's cells: argument checks, Keras-named weights, dropout masks, `step`.

    A subclass sets `gate_count` (blocks of `units` columns in `kernel`), implements `step`, and
    may override `bias_shape`, `make_bias_initializer` and `state_size`. Dropout follows
    Gal & Ghahramani (2016): one input mask and one recurrent mask per sequence, shared by all
    gates, so a step stays one fused matrix product.

    Args:
        units: positive integer, size of the hidden state.
        activation: activation of the candidate / hidden state (default "tanh").
        use_bias: whether to add a bias (default True).
        kernel_initializer, recurrent_initializer, bias_initializer: Keras initializers
            (defaults "glorot_uniform", "orthogonal", "zeros", as in Keras).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: Keras regularizers or None.
        kernel_constraint, recurrent_constraint, bias_constraint: Keras constraints or None.
        dropout: fraction in [0, 1) of input features dropped (training only).
        recurrent_dropout: fraction in [0, 1) of h_{t-1} dropped in the recurrent product.
        seed: integer seed of the dropout masks, or None.
        **kwargs: passed to `keras.layers.Layer` (name, dtype, ...).
    """

    gate_count = 1

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        units = integer(units, "units", minimum=1)
        activation = get_activation(activation, "activation")
        dropout = rate(dropout, "dropout")
        recurrent_dropout = rate(recurrent_dropout, "recurrent_dropout")
        seed = optional(integer, seed, "seed")
        super().__init__(**kwargs)
        self.units = units
        self.activation = activation
        self.use_bias = bool(use_bias)
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = keras.regularizers.get(recurrent_regularizer)
        self.bias_regularizer = keras.regularizers.get(bias_regularizer)
        self.kernel_constraint = keras.constraints.get(kernel_constraint)
        self.recurrent_constraint = keras.constraints.get(recurrent_constraint)
        self.bias_constraint = keras.constraints.get(bias_constraint)
        self.dropout = dropout
        self.recurrent_dropout = recurrent_dropout
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(self.seed)
        self.state_size = units
        self.output_size = units

    # ----- weights -------------------------------------------------------------------------
    def bias_shape(self):
        return (self.gate_count * self.units,)

    def make_bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                f"{type(self).__name__} got a step input of shape {input_shape}, i.e. a "
                f"{len(input_shape) + 1}-D sequence; expected a 3-D input (batch, time, features) "
                "to keras.layers.RNN with a known number of features"
            )
        super().build(input_shape)
        width = self.gate_count * self.units
        self.kernel = self.add_weight(
            shape=(int(input_shape[-1]), width),
            name="kernel",
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            name="recurrent_kernel",
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self.bias_shape(),
                name="bias",
                initializer=self.make_bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )

    # ----- one step --------------------------------------------------------------------------
    def prepare(self, inputs, previous_hidden, training):
        """Check the feature size, then apply the (per-sequence) dropout masks when training."""
        features = inputs.shape[-1]
        if features is not None and features != self.kernel.shape[0]:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' was built for {self.kernel.shape[0]} input "
                f"features but got inputs with {features} (step shape {tuple(inputs.shape)})"
            )
        if training and self.dropout > 0.0:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and self.recurrent_dropout > 0.0:
            previous_hidden = previous_hidden * self.get_recurrent_dropout_mask(previous_hidden)
        return inputs, previous_hidden

    def step(self, inputs, states, training=False):
        """One time step: return `(output, new_states, gates)`, gates a dict of (batch, units)."""
        raise NotImplementedError

    def call(self, inputs, states, training=False):
        output, new_states, _ = self.step(inputs, states, training=training)
        return output, new_states

    def get_initial_state(self, batch_size=None):
        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [ops.zeros((batch_size, size), dtype=self.compute_dtype) for size in sizes]

    def get_config(self):
        serialize = keras.saving.serialize_keras_object
        config = {
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": serialize(self.kernel_initializer),
            "recurrent_initializer": serialize(self.recurrent_initializer),
            "bias_initializer": serialize(self.bias_initializer),
            "kernel_regularizer": serialize(self.kernel_regularizer),
            "recurrent_regularizer": serialize(self.recurrent_regularizer),
            "bias_regularizer": serialize(self.bias_regularizer),
            "kernel_constraint": serialize(self.kernel_constraint),
            "recurrent_constraint": serialize(self.recurrent_constraint),
            "bias_constraint": serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


def _as_list(states):
    return list(states) if isinstance(states, (list, tuple)) else [states]


@keras.saving.register_keras_serializable(package="course_utils")
class SimpleRNNCell(RecurrentCell):
    """Elman cell: h_t = tanh(x_t W + h_{t-1} U + b), weight-compatible with keras SimpleRNNCell.

    Args: as `RecurrentCell` (units, activation, use_bias, initializers, regularizers,
        constraints, dropout, recurrent_dropout, seed).

    Call arguments:
        inputs: (batch, features) input at one step.
        states: [h_{t-1}] with h of shape (batch, units).
        training: apply dropout when True.

    Returns:
        `(h_t, [h_t])`; `step` also returns gates `{"hidden": h_t}`.

    Example:
        rnn = keras.layers.RNN(SimpleRNNCell(128), return_sequences=True)
        rnn(np.zeros((4, 10, 20), "float32")).shape  # (4, 10, 128)

    Reference: Elman, "Finding structure in time", Cognitive Science 14 (1990).
    """

    def step(self, inputs, states, training=False):
        previous = _as_list(states)[0]  # (batch, units)
        inputs, recurrent_input = self.prepare(inputs, previous, training)
        pre_activation = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            pre_activation = pre_activation + self.bias
        hidden = self.activation(
            pre_activation + ops.matmul(recurrent_input, self.recurrent_kernel)
        )
        return hidden, [hidden], {"hidden": hidden}


@keras.saving.register_keras_serializable(package="course_utils")
class LSTMCell(RecurrentCell):
    """Long short-term memory cell, weight-compatible with `keras.layers.LSTMCell`.

        i, f, o = sigmoid(x W_{i,f,o} + h_{t-1} U_{i,f,o} + b_{i,f,o})   (input, forget, output)
        c~ = tanh(x W_c + h_{t-1} U_c + b_c)                               (candidate)
        c_t = f * c_{t-1} + i * c~,   h_t = o * tanh(c_t)

    Args:
        units, activation, use_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: as `RecurrentCell`; defaults mirror Keras.
        recurrent_activation: activation of the gates (default "sigmoid").
        unit_forget_bias: initialise the forget-gate bias to 1 (Jozefowicz et al. 2015).
        forget_gate_override: None (learned gate, the default) or a number in [0, 1] used as the
            forget gate at every step and unit, e.g. 0.0 to make the cell forget c_{t-1} at once.
            The weights keep their shapes; it is saved in the config.

    Call arguments:
        inputs: (batch, features); states: [h_{t-1}, c_{t-1}], each (batch, units);
        training: apply dropout when True.

    Returns:
        `(h_t, [h_t, c_t])`; `step` also returns gates with keys input, forget, candidate,
        output, cell, hidden, each (batch, units).

    Example:
        rnn = keras.layers.RNN(LSTMCell(64), return_state=True)
        h, h_last, c_last = rnn(np.zeros((32, 50, 8), "float32"))  # (32, 64) each

    Reference: Hochreiter & Schmidhuber, "Long short-term memory", Neural Computation 9 (1997);
        forget gate: Gers, Schmidhuber & Cummins (2000).
    """

    gate_count = 4

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        forget_gate_override=None,
        **kwargs,
    ):
        forget_gate_override = optional(
            number, forget_gate_override, "forget_gate_override", 0.0, 1.0
        )
        recurrent_activation = get_activation(recurrent_activation, "recurrent_activation")
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.unit_forget_bias = bool(unit_forget_bias)
        self.forget_gate_override = forget_gate_override
        self.state_size = [self.units, self.units]

    def make_bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer

        def bias_initializer(shape, dtype=None):  # (4*units,): zeros except 1 for the forget gate
            units = self.units
            return ops.concatenate(
                [
                    self.bias_initializer((units,), dtype=dtype),
                    ops.ones((units,), dtype=dtype),
                    self.bias_initializer((2 * units,), dtype=dtype),
                ]
            )

        return bias_initializer

    def step(self, inputs, states, training=False):
        previous_hidden, previous_cell = states[0], states[1]  # (batch, units) each
        inputs, recurrent_input = self.prepare(inputs, previous_hidden, training)
        z = ops.matmul(inputs, self.kernel) + ops.matmul(recurrent_input, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias  # (batch, 4*units)
        z_input, z_forget, z_candidate, z_output = ops.split(z, 4, axis=-1)
        input_gate = self.recurrent_activation(z_input)
        if self.forget_gate_override is None:
            forget_gate = self.recurrent_activation(z_forget)
        else:
            forget_gate = ops.full_like(previous_cell, self.forget_gate_override)
        candidate = self.activation(z_candidate)
        output_gate = self.recurrent_activation(z_output)
        cell = forget_gate * previous_cell + input_gate * candidate
        hidden = output_gate * self.activation(cell)
        gates = {
            "input": input_gate,
            "forget": forget_gate,
            "candidate": candidate,
            "output": output_gate,
            "cell": cell,
            "hidden": hidden,
        }
        return hidden, [hidden, cell], gates

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
            "forget_gate_override": self.forget_gate_override,
        }


@keras.saving.register_keras_serializable(package="course_utils")
class GRUCell(RecurrentCell):
    """Gated recurrent unit, weight-compatible with `keras.layers.GRUCell` (both `reset_after`).

        z, r = sigmoid(x W_{z,r} + h_{t-1} U_{z,r} + b_{z,r})          (update, reset)
        reset_after=True (Keras and cuDNN default; bias (2, 3*units): input and recurrent rows):
            h~ = tanh(x W_h + b_h + r * (h_{t-1} U_h + b'_h))
        reset_after=False (Cho et al. 2014; bias (3*units,)):
            h~ = tanh(x W_h + (r * h_{t-1}) U_h + b_h)
        h_t = z * h_{t-1} + (1 - z) * h~

    Keras's z is the fraction of the old state kept; texts that write
    h_t = (1 - z) h_{t-1} + z h~ use 1 - z for the same gate.

    Args:
        units, activation, use_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: as `RecurrentCell`; defaults mirror Keras.
        recurrent_activation: activation of the gates (default "sigmoid").
        reset_after: apply the reset gate after the recurrent product (default True).

    Call arguments:
        inputs: (batch, features); states: [h_{t-1}] (batch, units); training: dropout on/off.

    Returns:
        `(h_t, [h_t])`; `step` also returns gates update, reset, candidate, hidden.

    Example:
        rnn = keras.layers.RNN(GRUCell(32, reset_after=False), return_sequences=True)
        rnn(np.zeros((8, 20, 5), "float32")).shape  # (8, 20, 32)

    Reference: Cho et al., "Learning phrase representations using RNN encoder-decoder for
        statistical machine translation", EMNLP 2014.
    """

    gate_count = 3

    def __init__(
        self, units, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kwargs
    ):
        recurrent_activation = get_activation(recurrent_activation, "recurrent_activation")
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = recurrent_activation
        self.reset_after = bool(reset_after)

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def step(self, inputs, states, training=False):
        previous = _as_list(states)[0]  # (batch, units)
        inputs, recurrent_input = self.prepare(inputs, previous, training)
        units = self.units
        input_part = ops.matmul(inputs, self.kernel)  # (batch, 3*units)
        if self.use_bias:
            input_part = input_part + (self.bias[0] if self.reset_after else self.bias)
        x_update, x_reset, x_candidate = ops.split(input_part, 3, axis=-1)
        if self.reset_after:
            recurrent_part = ops.matmul(recurrent_input, self.recurrent_kernel)
            if self.use_bias:
                recurrent_part = recurrent_part + self.bias[1]
            h_update, h_reset, h_candidate = ops.split(recurrent_part, 3, axis=-1)
            update = self.recurrent_activation(x_update + h_update)
            reset = self.recurrent_activation(x_reset + h_reset)
            candidate = self.activation(x_candidate + reset * h_candidate)
        else:
            recurrent_part = ops.matmul(recurrent_input, self.recurrent_kernel[:, : 2 * units])
            h_update, h_reset = ops.split(recurrent_part, 2, axis=-1)
            update = self.recurrent_activation(x_update + h_update)
            reset = self.recurrent_activation(x_reset + h_reset)
            candidate = self.activation(
                x_candidate
                + ops.matmul(reset * recurrent_input, self.recurrent_kernel[:, 2 * units :])
            )
        hidden = update * previous + (1.0 - update) * candidate
        gates = {"update": update, "reset": reset, "candidate": candidate, "hidden": hidden}
        return hidden, [hidden], gates

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
