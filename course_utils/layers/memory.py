"""Cells for long-term memory without gates: leaky units and skip connections through time.

- `LeakyRNNCell`: h_t = alpha * h_{t-1} + (1 - alpha) * tanh(x_t W + h_{t-1} U + b), a linear
  self-connection with time constant tau = 1 / (1 - alpha); alpha fixed (scalar or one per unit,
  i.e. several time scales) or learned per unit through a sigmoid.
- `SkipRNNCell`: h_t = tanh(x_t W + h_{t-1} U + h_{t-d} V + b), a connection from d steps back,
  so a gradient crosses T steps in about T / d multiplications.

Both are Keras cells built on `course_utils.layers.cells.RecurrentCell` (Keras weight names,
dropout,
`step` for `course_utils.analysis.recording.record_gates`) and run inside `keras.layers.RNN`, with
XLA.
The echo state network and the Hopfield network live in `course_utils.layers.memory_networks`.

Example:
    rnn = keras.layers.RNN(LeakyRNNCell(32, alpha=[0.5] * 16 + [0.95] * 16))
    rnn(np.zeros((8, 100, 1), "float32")).shape  # (8, 32)
"""

import keras
import numpy as np
from keras import ops

from course_utils.layers.cells import RecurrentCell
from course_utils.validation import fraction, integer

__all__ = ["LeakyRNNCell", "SkipRNNCell"]


@keras.saving.register_keras_serializable(package="course_utils")
class LeakyRNNCell(RecurrentCell):
    """Leaky-integrator RNN cell: each unit keeps a fraction alpha of its previous value.

        h_t = alpha * h_{t-1} + (1 - alpha) * activation(x_t W + h_{t-1} U + b)

    alpha near 1 gives a slow unit (time constant tau = 1 / (1 - alpha) steps), near 0 a plain
    RNN unit. Weights `kernel`, `recurrent_kernel`, `bias` as in `SimpleRNNCell`; with
    `learn_alpha=True` also `alpha_logit` (units,), alpha = sigmoid(alpha_logit).

    Args:
        units: positive integer, size of the hidden state.
        alpha: number in (0, 1), or a list of `units` numbers (multiple time scales). With
            `learn_alpha=True` it is the initial value. Default 0.5.
        learn_alpha: learn one alpha per unit by gradient descent (default False).
        **kwargs: as `course_utils.layers.cells.RecurrentCell` (activation, initializers, dropout,
        ...).

    Call arguments:
        inputs: (batch, features); states: [h_{t-1}] (batch, units); training: dropout on/off.

    Returns:
        `(h_t, [h_t])`; `step` also returns gates `{"candidate": ..., "hidden": h_t}`.

    Example:
        cell = LeakyRNNCell(16, alpha=0.9, learn_alpha=True)
        keras.layers.RNN(cell)(np.zeros((4, 30, 2), "float32")).shape  # (4, 16)
        cell.alpha_values().shape  # (16,)

    Reference: Jaeger et al., "Optimization and applications of echo state networks with
        leaky-integrator neurons", Neural Networks 20 (2007); Goodfellow, Bengio & Courville,
        Deep Learning (2016), section 10.9.2.
    """

    def __init__(self, units, alpha=0.5, learn_alpha=False, **kwargs):
        units = integer(units, "units", minimum=1)
        if isinstance(alpha, (list, tuple, np.ndarray)):  # one alpha per unit
            alpha = [fraction(value, f"alpha[{i}]") for i, value in enumerate(alpha)]
            if len(alpha) != units:
                raise ValueError(
                    f"`alpha` has {len(alpha)} values but the cell has units={units}; "
                    "give one value per unit or a single number"
                )
        else:
            alpha = fraction(alpha, "alpha")
        super().__init__(units, **kwargs)
        self.alpha = alpha
        self.learn_alpha = bool(learn_alpha)
        self._alpha_constant = np.broadcast_to(
            np.asarray(alpha, dtype="float32"), (self.units,)
        ).copy()

    def build(self, input_shape):
        super().build(input_shape)
        self.alpha_logit = None
        if self.learn_alpha:
            logit = np.log(self._alpha_constant) - np.log1p(-self._alpha_constant)
            self.alpha_logit = self.add_weight(
                shape=(self.units,),
                name="alpha_logit",
                initializer=keras.initializers.Constant(logit),
            )

    def current_alpha(self, dtype):
        if self.learn_alpha:
            return ops.sigmoid(ops.cast(self.alpha_logit, dtype))
        return ops.convert_to_tensor(self._alpha_constant, dtype=dtype)

    def alpha_values(self):
        """Return the alpha of every unit now (learned or fixed) as a NumPy array (units,)."""
        if self.learn_alpha and self.built:
            return ops.convert_to_numpy(self.current_alpha("float32"))
        return self._alpha_constant.copy()

    def step(self, inputs, states, training=False):
        previous = states[0] if isinstance(states, (list, tuple)) else states  # (batch, units)
        inputs, recurrent_input = self.prepare(inputs, previous, training)
        pre_activation = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            pre_activation = pre_activation + self.bias
        candidate = self.activation(
            pre_activation + ops.matmul(recurrent_input, self.recurrent_kernel)
        )
        alpha = self.current_alpha(previous.dtype)  # (units,)
        hidden = alpha * previous + (1.0 - alpha) * candidate
        return hidden, [hidden], {"candidate": candidate, "hidden": hidden}

    def get_config(self):
        alpha = self.alpha if isinstance(self.alpha, float) else [float(a) for a in self.alpha]
        return {**super().get_config(), "alpha": alpha, "learn_alpha": self.learn_alpha}


@keras.saving.register_keras_serializable(package="course_utils")
class SkipRNNCell(RecurrentCell):
    """RNN cell with a skip connection through time from d steps back.

        h_t = activation(x_t W + h_{t-1} U + h_{t-d} V + b)      (h_{t-d} = 0 for t < d)

    The state tuple holds the last `delay` hidden states [h_{t-1}, ..., h_{t-d}], so the cell
    runs inside `keras.layers.RNN` (and under XLA) unchanged; `return_state=True` returns all d.
    Weights: `kernel`, `recurrent_kernel`, `bias` as in `SimpleRNNCell`, plus `skip_kernel`
    (units, units) for V.

    Args:
        units: positive integer, size of the hidden state.
        delay: integer d >= 1, how many steps back the skip connection reaches.
        skip_initializer: initializer of `skip_kernel` (default "orthogonal").
        **kwargs: as `course_utils.layers.cells.RecurrentCell` (activation, initializers, dropout,
        ...);
            recurrent dropout applies to h_{t-1}.

    Call arguments:
        inputs: (batch, features); states: list of `delay` arrays (batch, units), newest first;
        training: dropout on/off.

    Returns:
        `(h_t, [h_t, h_{t-1}, ..., h_{t-d+1}])`; `step` also returns gates `{"hidden": h_t}`.

    Example:
        rnn = keras.layers.RNN(SkipRNNCell(32, delay=5), return_sequences=True)
        rnn(np.zeros((8, 60, 3), "float32")).shape  # (8, 60, 32)

    Reference: Lin, Horne, Tino & Giles, "Learning long-term dependencies in NARX recurrent
        neural networks", IEEE Trans. Neural Networks 7 (1996); Goodfellow et al. (2016),
        section 10.9.1.
    """

    def __init__(self, units, delay=2, skip_initializer="orthogonal", **kwargs):
        delay = integer(delay, "delay", minimum=1)
        super().__init__(units, **kwargs)
        self.delay = delay
        self.skip_initializer = keras.initializers.get(skip_initializer)
        self.state_size = [self.units] * self.delay

    def build(self, input_shape):
        super().build(input_shape)
        self.skip_kernel = self.add_weight(
            shape=(self.units, self.units),
            name="skip_kernel",
            initializer=self.skip_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )

    def step(self, inputs, states, training=False):
        states = list(states) if isinstance(states, (list, tuple)) else [states]
        if len(states) != self.delay:
            raise ValueError(
                f"SkipRNNCell with delay={self.delay} needs {self.delay} states "
                f"[h_(t-1), ..., h_(t-{self.delay})], got {len(states)}"
            )
        previous, delayed = states[0], states[-1]  # (batch, units) each
        inputs, recurrent_input = self.prepare(inputs, previous, training)
        pre_activation = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            pre_activation = pre_activation + self.bias
        hidden = self.activation(
            pre_activation
            + ops.matmul(recurrent_input, self.recurrent_kernel)
            + ops.matmul(delayed, self.skip_kernel)
        )
        return hidden, [hidden] + states[:-1], {"hidden": hidden}

    def get_config(self):
        return {
            **super().get_config(),
            "delay": self.delay,
            "skip_initializer": keras.saving.serialize_keras_object(self.skip_initializer),
        }
