"""Deep recurrent networks: stacked layers with optional residual connections, a deep-transition
cell (an MLP inside the recurrence) and layer-normalised cells.

The three ways to make an RNN deep (Pascanu et al. 2014; Goodfellow et al. 2016, section 10.5):

1. stack recurrent layers, each reading the sequence of states of the layer below: `RNNStack`;
2. make the input-to-hidden, hidden-to-hidden or hidden-to-output map an MLP:
   `DeepTransitionCell` puts an MLP of `depth` layers between h_{t-1} and h_t (deep input and
   output maps are ordinary `Dense` layers before and after the recurrent layer);
3. add skip connections so that depth does not lengthen every path: residual connections
   between stacked layers (`RNNStack(residual=True)`, Wu et al. 2016) and a shortcut from
   (x_t, h_{t-1}) to the last layer of the transition MLP (`DeepTransitionCell(shortcut=True)`).

Normalisation inside the recurrence uses *layer* normalisation (Ba et al. 2016), which normalises
each example's pre-activations on its own at every step; batch normalisation would need
statistics per time step across the batch, which breaks for variable lengths and for generation.

Example:
    stack = RNNStack(keras.layers.GRUCell(32), num_layers=4, residual=True)
    y = stack(np.zeros((8, 20, 5), "float32"))  # (8, 20, 32)
"""

import json

import keras
from keras import ops

from course_utils.layers.cells import get_activation
from course_utils.validation import flag, integer, number, optional, shape

__all__ = [
    "RNNStack",
    "ResidualStackedCells",
    "DeepTransitionCell",
    "LayerNormSimpleRNNCell",
    "LayerNormLSTMCell",
]


def plain_copy(config):
    """A deep copy of a layer config as plain dicts and lists. Keras wraps a config kept on a layer
    in a tracked dict, and `copy.deepcopy` of that copies (and pickles) the whole layer."""
    return json.loads(json.dumps(config))


def _output_width(cell):
    size = getattr(cell, "output_size", None) or cell.state_size
    return size[0] if isinstance(size, (list, tuple)) else size


@keras.saving.register_keras_serializable(package="course_utils")
class ResidualStackedCells(keras.layers.StackedRNNCells):
    """`keras.layers.StackedRNNCells` with optional residual connections: one time step of a stack.

    Cell l reads the output of cell l-1 at the same time step; with `residual=True` cells 2..L add
    their input to their output. Running all layers inside one time loop gives exactly the same
    numbers as running the layers one after the other over the whole sequence (each layer at step
    t needs only the layer below at step t and itself at step t-1), with one loop to compile.

    Args:
        cells: list of cell instances.
        residual: add residual connections around cells 2..L.
        **kwargs: passed to `keras.layers.Layer`.
    """

    def __init__(self, cells, residual=False, **kwargs):
        super().__init__(cells, **kwargs)
        self.residual = bool(residual)

    def call(self, inputs, states, training=False):
        new_states = []
        for index, (cell, cell_states) in enumerate(zip(self.cells, states)):
            nested = isinstance(cell_states, (list, tuple))
            outputs, cell_states = cell(
                inputs, list(cell_states) if nested else [cell_states], training=training
            )
            inputs = inputs + outputs if (self.residual and index > 0) else outputs
            new_states.append(list(cell_states) if nested else cell_states[0])
        return inputs, new_states

    def get_config(self):
        return {**super().get_config(), "residual": self.residual}


@keras.saving.register_keras_serializable(package="course_utils")
class RNNStack(keras.layers.Layer):
    """`num_layers` recurrent layers on top of each other, optionally with residual connections.

    Layer l reads the output sequence of layer l-1 (hierarchical states, way 1). With
    `residual=True` every layer after the first adds its input to its output,
    y^l_t = y^{l-1}_t + RNN_l(y^{l-1})_t, so the gradient reaches the lower layers through an
    identity path instead of through every layer above (Wu et al. 2016). The first layer has no
    residual connection because its input width is generally not the cell's width. The layers
    run inside one time loop (`ResidualStackedCells`), which compiles and runs faster than one
    loop per layer and gives the same numbers.

    Args:
        cell: a recurrent cell instance (e.g. `course_utils.LSTMCell(64)`), used as a template:
            each layer gets a fresh copy built from its config, so no weights are shared.
        num_layers: number of stacked recurrent layers (>= 1).
        residual: add residual connections around layers 2..num_layers.
        return_sequences: return the top layer's whole sequence (batch, time, units), or only
            its output at the last real step (batch, units).
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        sequences: (batch, time, features) tensor.
        mask: optional boolean (batch, time) mask (masked steps keep every layer's state).
        training: passed to every cell (dropout).

    Returns:
        (batch, time, units) or (batch, units).

    Example:
        stack = RNNStack(keras.layers.SimpleRNNCell(16), num_layers=3)
        stack(np.zeros((2, 7, 4), "float32")).shape  # (2, 7, 16)

    Reference: Wu et al., "Google's neural machine translation system", arXiv:1609.08144, 2016.
    """

    def __init__(self, cell, num_layers, residual=False, return_sequences=True, **kwargs):
        if isinstance(cell, dict):
            cell = keras.layers.deserialize(cell)
        if not isinstance(cell, keras.layers.Layer) or not hasattr(cell, "state_size"):
            raise TypeError(
                f"cell must be a recurrent cell instance with a `state_size`, got {cell!r:.80}"
            )
        residual = flag(residual, "residual")
        return_sequences = flag(return_sequences, "return_sequences")
        super().__init__(**kwargs)
        self.cell_config = keras.layers.serialize(
            cell
        )  # the template, kept as config (never built)
        self.num_layers = integer(num_layers, "num_layers", minimum=1)
        self.residual = residual
        self.return_sequences = return_sequences
        self.units = _output_width(cell)
        self.supports_masking = True
        cells = [
            keras.layers.deserialize(plain_copy(self.cell_config))
            for _ in range(self.num_layers)
        ]
        self.rnn = keras.layers.RNN(
            ResidualStackedCells(cells, residual=residual),
            return_sequences=return_sequences,
            name="stack",
        )

    @property
    def cells(self):
        """The cells of the layers, bottom first."""
        return self.rnn.cell.cells

    def build(self, sequences_shape):
        self.rnn.build(shape(sequences_shape, "inputs", ("batch", "time", "features")))

    def call(self, sequences, mask=None, training=None):
        return self.rnn(sequences, mask=mask, training=training)

    def compute_output_shape(self, sequences_shape):
        if self.return_sequences:
            return tuple(sequences_shape[:2]) + (self.units,)
        return (sequences_shape[0], self.units)

    def compute_mask(self, sequences, mask=None):
        return mask if self.return_sequences else None

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "cell": plain_copy(self.cell_config),
                "num_layers": self.num_layers,
                "residual": self.residual,
                "return_sequences": self.return_sequences,
            }
        )
        return config


@keras.saving.register_keras_serializable(package="course_utils")
class DeepTransitionCell(keras.layers.Layer):
    """A recurrent cell whose transition is an MLP: h_t = MLP([x_t, h_{t-1}]) (way 2).

        z_1 = φ(W x_t + U h_{t-1} + b_1),  z_k = φ(V_k z_{k-1} + b_k),  h_t = z_depth

    Hidden layers have `hidden_units`, the last has `units`. With `depth=1` this is exactly a
    vanilla RNN cell (same `kernel`, `recurrent_kernel`, `bias` as `keras.layers.SimpleRNNCell`).
    The shortest path from h_{t-1} to h_t now crosses `depth` non-linear layers, so a gradient
    travelling k steps back crosses k·depth of them. `shortcut=True` also feeds
    [x_t, h_{t-1}] straight into the last layer (Pascanu et al.'s DT(S)-RNN), which brings that
    path back to one layer.

    Args:
        units: width of the state h_t.
        depth: number of layers in the transition MLP (>= 1).
        hidden_units: width of the inner layers (default: `units`).
        activation: φ, default "tanh".
        shortcut: add the direct connection from [x_t, h_{t-1}] to the last layer.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        inputs: (batch, features); states: [h_{t-1}] with h of shape (batch, units).

    Returns:
        (h_t, [h_t]).

    Example:
        layer = keras.layers.RNN(DeepTransitionCell(32, depth=3), return_sequences=True)
        layer(np.zeros((4, 10, 5), "float32")).shape  # (4, 10, 32)

    Reference: Pascanu, Gulcehre, Cho & Bengio, "How to construct deep recurrent neural
    networks", ICLR 2014.
    """

    def __init__(
        self, units, depth=2, hidden_units=None, activation="tanh", shortcut=False, **kwargs
    ):
        super().__init__(**kwargs)
        self.units = integer(units, "units", minimum=1)
        self.depth = integer(depth, "depth", minimum=1)
        self.hidden_units = optional(integer, hidden_units, "hidden_units", minimum=1) or self.units
        self.activation = get_activation(activation, "activation")
        shortcut = flag(shortcut, "shortcut")
        if shortcut and self.depth == 1:
            raise ValueError(
                "shortcut=True needs depth >= 2 (with depth=1 the transition is already one layer)"
            )
        self.shortcut = shortcut
        self.state_size = self.units
        self.output_size = self.units

    @property
    def transition_path_length(self):
        """Non-linear layers on the shortest path from h_{t-1} to h_t."""
        return 1 if self.shortcut else self.depth

    def build(self, input_shape):
        features = input_shape[-1]
        first = self.units if self.depth == 1 else self.hidden_units
        self.kernel = self.add_weight(
            shape=(features, first), initializer="glorot_uniform", name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, first), initializer="orthogonal", name="recurrent_kernel"
        )
        self.bias = self.add_weight(shape=(first,), initializer="zeros", name="bias")
        self.transition_kernels, self.transition_biases = [], []
        for layer in range(2, self.depth + 1):
            width = self.units if layer == self.depth else self.hidden_units
            self.transition_kernels.append(
                self.add_weight(
                    shape=(self.hidden_units, width),
                    initializer="glorot_uniform",
                    name=f"kernel_{layer}",
                )
            )
            self.transition_biases.append(
                self.add_weight(shape=(width,), initializer="zeros", name=f"bias_{layer}")
            )
        if self.shortcut:
            self.shortcut_kernel = self.add_weight(
                shape=(features, self.units), initializer="glorot_uniform", name="shortcut_kernel"
            )
            self.shortcut_recurrent_kernel = self.add_weight(
                shape=(self.units, self.units),
                initializer="orthogonal",
                name="shortcut_recurrent_kernel",
            )

    def call(self, inputs, states, training=False):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        z = (
            ops.matmul(inputs, self.kernel)
            + ops.matmul(previous, self.recurrent_kernel)
            + self.bias
        )
        for index, (kernel, bias) in enumerate(
            zip(self.transition_kernels, self.transition_biases)
        ):
            z = ops.matmul(self.activation(z), kernel) + bias
            if self.shortcut and index == self.depth - 2:  # the last layer also sees x_t, h_{t-1}
                z = (
                    z
                    + ops.matmul(inputs, self.shortcut_kernel)
                    + ops.matmul(previous, self.shortcut_recurrent_kernel)
                )
        h = self.activation(z)
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "units": self.units,
                "depth": self.depth,
                "hidden_units": self.hidden_units,
                "activation": keras.activations.serialize(self.activation),
                "shortcut": self.shortcut,
            }
        )
        return config


class _LayerNormCell(keras.layers.Layer):
    """Shared parts of the layer-normalised cells: arguments, config and the normalisation
    layers."""

    gate_count = 1
    norms = ("kernel_norm",)

    def __init__(self, units, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.units = integer(units, "units", minimum=1)
        self.epsilon = number(epsilon, "epsilon", minimum=0.0, minimum_open=True)
        for name in self.norms:  # sublayers in __init__, built in build()
            setattr(self, name, keras.layers.LayerNormalization(epsilon=self.epsilon, name=name))

    def build(self, input_shape):
        width = self.gate_count * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width), initializer="glorot_uniform", name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), initializer="orthogonal", name="recurrent_kernel"
        )
        for name in self.norms:
            getattr(self, name).build((None, self.units if name == "state_norm" else width))

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "epsilon": self.epsilon})
        return config


@keras.saving.register_keras_serializable(package="course_utils")
class LayerNormSimpleRNNCell(_LayerNormCell):
    """A vanilla RNN cell with layer normalisation: h_t = tanh(LN(W x_t + U h_{t-1})).

    LN(a) = γ ⊙ (a − mean(a)) / sqrt(var(a) + ε) + β, with the mean and variance taken over the
    `units` pre-activations of each example at each step (no batch statistics). β replaces the
    usual bias. The pre-activation keeps a fixed scale however large W and U grow, so tanh does
    not saturate and the step-to-step Jacobian stays better conditioned.

    Args:
        units: width of h_t.
        epsilon: ε of the normalisation.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        inputs: (batch, features); states: [h_{t-1}].

    Returns:
        (h_t, [h_t]), h_t of shape (batch, units).

    Example:
        layer = keras.layers.RNN(LayerNormSimpleRNNCell(16))
        layer(np.zeros((2, 5, 3), "float32")).shape  # (2, 16)

    Reference: Ba, Kiros & Hinton, "Layer normalization", arXiv:1607.06450, 2016.
    """

    def __init__(self, units, epsilon=1e-5, **kwargs):
        super().__init__(units, epsilon=epsilon, **kwargs)
        self.state_size = self.units
        self.output_size = self.units

    def call(self, inputs, states, training=False):
        previous = states[0] if isinstance(states, (list, tuple)) else states
        h = ops.tanh(
            self.kernel_norm(
                ops.matmul(inputs, self.kernel) + ops.matmul(previous, self.recurrent_kernel)
            )
        )
        return h, [h]


@keras.saving.register_keras_serializable(package="course_utils")
class LayerNormLSTMCell(_LayerNormCell):
    """An LSTM cell with layer normalisation as in Ba et al. (2016).

        (i, f, g, o) = LN_x(W x_t) + LN_h(U h_{t-1}) + b       gates in Keras's order i, f, c, o
        c_t = σ(f) ⊙ c_{t-1} + σ(i) ⊙ tanh(g)
        h_t = σ(o) ⊙ tanh(LN_c(c_t))

    The input and recurrent contributions are normalised separately (each over all 4·units
    pre-activations), and the cell state is normalised only on its way to the output, so the
    additive update of c_t is untouched. The forget-gate bias starts at 1 (Jozefowicz et al. 2015).

    Args:
        units: width of h_t and c_t.
        epsilon: ε of the normalisations.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        inputs: (batch, features); states: [h_{t-1}, c_{t-1}].

    Returns:
        (h_t, [h_t, c_t]).

    Example:
        keras.layers.RNN(LayerNormLSTMCell(16))(np.zeros((2, 5, 3), "float32")).shape  # (2, 16)

    Reference: Ba, Kiros & Hinton, "Layer normalization", arXiv:1607.06450, 2016.
    """

    gate_count = 4
    norms = ("kernel_norm", "recurrent_norm", "state_norm")

    def __init__(self, units, epsilon=1e-5, **kwargs):
        super().__init__(units, epsilon=epsilon, **kwargs)
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        super().build(input_shape)
        units = self.units

        def forget_bias_one(shape, dtype=None):
            return ops.concatenate(
                [ops.zeros((units,)), ops.ones((units,)), ops.zeros((2 * units,))]
            )

        self.bias = self.add_weight(shape=(4 * units,), initializer=forget_bias_one, name="bias")

    def call(self, inputs, states, training=False):
        h_previous, c_previous = states
        z = (
            self.kernel_norm(ops.matmul(inputs, self.kernel))
            + self.recurrent_norm(ops.matmul(h_previous, self.recurrent_kernel))
            + self.bias
        )
        i, f, g, o = ops.split(z, 4, axis=-1)
        c = ops.sigmoid(f) * c_previous + ops.sigmoid(i) * ops.tanh(g)
        h = ops.sigmoid(o) * ops.tanh(self.state_norm(c))
        return h, [h, c]
