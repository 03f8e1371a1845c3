"""Memories whose recurrent weights are not learned by gradient descent.

- `EchoStateNetwork`: a fixed random reservoir (recurrent weights rescaled to a chosen spectral
  radius) read by a linear read-out fitted in closed form by ridge regression.
- `HopfieldNetwork`: an associative memory of +-1 patterns stored with the Hebbian rule and
  recalled by descending an energy function.

Example:
    esn = EchoStateNetwork(200, output_units=1, spectral_radius=0.9, seed=0)
    esn.fit(x_train, y_train)     # x (batch, time, features), y (batch, time, 1)
    esn.predict(x_test).shape     # (batch, time, 1)
"""

import keras
import numpy as np
from keras import ops

from course_utils.layers.cells import SimpleRNNCell
from course_utils.layers.memory import LeakyRNNCell
from course_utils.validation import integer, number, one_of, shape

__all__ = ["EchoStateNetwork", "HopfieldNetwork"]


@keras.saving.register_keras_serializable(package="course_utils")
class EchoStateNetwork(keras.layers.Layer):
    """Echo state network: fixed random reservoir + ridge-regression read-out.

        h_t = (1 - a) h_{t-1} + a tanh(x_t W_in + h_{t-1} W + b)     (reservoir, never trained)
        y_t = h_t W_out + b_out                                       (read-out, `fit`)

    W has `connectivity` of its entries non-zero, drawn uniformly and rescaled so that its
    largest |eigenvalue| is `spectral_radius`; W_in is uniform in [-input_scaling,
    input_scaling]; b uniform in [-bias_scaling, bias_scaling]. The reservoir is a
    `keras.layers.RNN` of `SimpleRNNCell` (a = 1) or `LeakyRNNCell` (alpha = 1 - a), frozen.

    Args:
        units: reservoir size.
        output_units: size of the read-out output.
        spectral_radius: > 0; below 1 is the usual choice for the echo state property.
        input_scaling: > 0, range of the input weights.
        leak_rate: a in (0, 1]; 1 means no leak.
        connectivity: fraction in (0, 1] of non-zero recurrent weights.
        bias_scaling: >= 0, range of the reservoir bias.
        ridge: >= 0, L2 penalty of the read-out (the read-out bias is not penalised).
        return_sequences: read out every step (True) or only the last one.
        washout: initial steps left out of `fit` when `return_sequences` (transient).
        seed: integer seed of the reservoir weights (NumPy generator).

    Call arguments:
        inputs: (batch, time, features).

    Returns:
        (batch, time, output_units) if `return_sequences`, else (batch, output_units).

    Reference: Jaeger, "The echo state approach to analysing and training recurrent neural
        networks", GMD Report 148 (2001); Lukosevicius, "A practical guide to applying echo
        state networks" (2012).
    """

    def __init__(
        self,
        units,
        output_units,
        spectral_radius=0.9,
        input_scaling=1.0,
        leak_rate=1.0,
        connectivity=1.0,
        bias_scaling=0.0,
        ridge=1e-6,
        return_sequences=True,
        washout=0,
        seed=0,
        **kwargs,
    ):
        units = integer(units, "units", minimum=1)
        output_units = integer(output_units, "output_units", minimum=1)
        spectral_radius = number(spectral_radius, "spectral_radius", minimum=0.0, minimum_open=True)
        input_scaling = number(input_scaling, "input_scaling", minimum=0.0, minimum_open=True)
        leak_rate = number(leak_rate, "leak_rate", 0.0, 1.0, minimum_open=True)
        connectivity = number(connectivity, "connectivity", 0.0, 1.0, minimum_open=True)
        bias_scaling = number(bias_scaling, "bias_scaling", minimum=0.0)
        ridge = number(ridge, "ridge", minimum=0.0)
        washout = integer(washout, "washout", minimum=0)
        seed = integer(seed, "seed", minimum=0)  # NumPy's generator takes no negative seed
        super().__init__(**kwargs)
        self.units, self.output_units = units, output_units
        self.spectral_radius, self.input_scaling = spectral_radius, input_scaling
        self.leak_rate, self.connectivity = leak_rate, connectivity
        self.bias_scaling, self.ridge = bias_scaling, ridge
        self.return_sequences, self.washout, self.seed = bool(return_sequences), washout, seed
        if leak_rate == 1.0:
            cell = SimpleRNNCell(units, name="reservoir_cell")
        else:
            cell = LeakyRNNCell(units, alpha=1.0 - leak_rate, name="reservoir_cell")
        self.reservoir = keras.layers.RNN(cell, return_sequences=True, name="reservoir")
        self.reservoir.trainable = False

    def build(self, input_shape):
        input_shape = shape(
            input_shape, "inputs", ("batch", "time", "features"), known=("features",)
        )
        self.reservoir.build(input_shape)
        cell = self.reservoir.cell
        rng = np.random.default_rng(self.seed)
        features, units = int(input_shape[-1]), self.units
        input_kernel = rng.uniform(-self.input_scaling, self.input_scaling, (features, units))
        recurrent = rng.uniform(-1.0, 1.0, (units, units))
        recurrent *= rng.random((units, units)) < self.connectivity
        radius = np.max(np.abs(np.linalg.eigvals(recurrent)))
        if radius < 1e-12:
            raise ValueError(
                f"the random reservoir has spectral radius 0 (units={units}, connectivity="
                f"{self.connectivity}); use more units or a larger connectivity"
            )
        cell.kernel.assign(input_kernel.astype("float32"))
        cell.recurrent_kernel.assign(
            (recurrent * (self.spectral_radius / radius)).astype("float32")
        )
        cell.bias.assign(
            rng.uniform(-self.bias_scaling, self.bias_scaling, units).astype("float32")
        )
        self.readout_kernel = self.add_weight(
            shape=(units, self.output_units),
            name="readout_kernel",
            initializer="zeros",
            trainable=False,
        )
        self.readout_bias = self.add_weight(
            shape=(self.output_units,), name="readout_bias", initializer="zeros", trainable=False
        )

    def call(self, inputs):
        states = self.reservoir(inputs)  # (batch, time, units)
        if not self.return_sequences:
            states = states[:, -1]
        return ops.matmul(states, self.readout_kernel) + self.readout_bias

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.output_units)
        return (input_shape[0], self.output_units)

    def _as_inputs(self, x):
        x = np.asarray(x, dtype="float32")
        shape(x.shape, "x", ("batch", "time", "features"))
        if not self.built:
            self.build(x.shape)
        return x

    def reservoir_states(self, x):
        """Return the reservoir states for `x` as a NumPy array (batch, time, units)."""
        return ops.convert_to_numpy(self.reservoir(self._as_inputs(x)))

    def fit(self, x, y):
        """Fit the read-out by ridge regression in closed form; return `self`.

        Args:
            x: (batch, time, features) inputs.
            y: targets, (batch, time, output_units) if `return_sequences` (the first `washout`
                steps are left out), else (batch, output_units).
        """
        x = self._as_inputs(x)
        y = np.asarray(y, dtype="float64")
        states = self.reservoir_states(x).astype("float64")
        if self.return_sequences:
            expected = x.shape[:2] + (self.output_units,)
            if y.shape != expected:
                raise ValueError(
                    f"y must have shape {expected} (batch, time, output_units), got {y.shape}"
                )
            if self.washout >= x.shape[1]:
                raise ValueError(
                    f"washout={self.washout} leaves no steps of the {x.shape[1]} given"
                )
            states = states[:, self.washout :].reshape(-1, self.units)
            y = y[:, self.washout :].reshape(-1, self.output_units)
        else:
            if y.shape != (x.shape[0], self.output_units):
                raise ValueError(
                    f"y must have shape {(x.shape[0], self.output_units)} "
                    f"(batch, output_units), got {y.shape}"
                )
            states = states[:, -1]
        design = np.concatenate([states, np.ones((len(states), 1))], axis=1)  # bias column
        if self.ridge > 0:
            penalty = self.ridge * np.diag(np.r_[np.ones(self.units), 0.0])
            solution = np.linalg.solve(design.T @ design + penalty, design.T @ y)
        else:
            solution = np.linalg.lstsq(design, y, rcond=None)[0]
        self.readout_kernel.assign(solution[:-1].astype("float32"))
        self.readout_bias.assign(solution[-1].astype("float32"))
        return self

    def predict(self, x):
        """Return the read-out for `x` as a NumPy array."""
        return ops.convert_to_numpy(self(self._as_inputs(x)))

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "output_units": self.output_units,
            "spectral_radius": self.spectral_radius,
            "input_scaling": self.input_scaling,
            "leak_rate": self.leak_rate,
            "connectivity": self.connectivity,
            "bias_scaling": self.bias_scaling,
            "ridge": self.ridge,
            "return_sequences": self.return_sequences,
            "washout": self.washout,
            "seed": self.seed,
        }


class HopfieldNetwork:
    """Hopfield associative memory of +-1 patterns (NumPy; no training loop, no Keras).

    Storage (Hebbian): W = (1/N) sum_p x_p x_p^T with zero diagonal. Recall repeats
    s_i <- sign(sum_j W_ij s_j) (a unit whose field is exactly 0 keeps its value), all units at
    once ("synchronous", may end in a 2-cycle) or one at a time in random order
    ("asynchronous", never raises the energy E(s) = -1/2 s^T W s, so it reaches a fixed point).

    Args:
        size: number of units N.

    Example:
        net = HopfieldNetwork(64).store(patterns)   # patterns (P, 64) of +-1
        net.recall(noisy_pattern)                    # (64,) of +-1
        net.energy(patterns)                         # (P,)

    Reference: Hopfield, "Neural networks and physical systems with emergent collective
        computational abilities", PNAS 79 (1982).
    """

    MODES = ("asynchronous", "synchronous")

    def __init__(self, size):
        self.size = integer(size, "size", minimum=1)
        self.weights = np.zeros((self.size, self.size))
        self.pattern_count = 0

    def _check(self, values, name):
        array = np.asarray(values)
        if array.ndim not in (1, 2) or array.shape[-1] != self.size:
            raise ValueError(
                f"{name} must have shape ({self.size},) or (count, {self.size}) for a network of "
                f"size {self.size}, got shape {array.shape}"
            )
        bad = np.setdiff1d(np.unique(array), [-1, 1])
        if bad.size:
            raise ValueError(f"{name} must contain only -1 and +1, got values {bad[:5].tolist()}")
        return array.astype("float64")

    def store(self, patterns):
        """Add patterns (P, N) or (N,) of +-1 with the Hebbian rule; return `self`."""
        patterns = np.atleast_2d(self._check(patterns, "patterns"))
        self.weights += patterns.T @ patterns / self.size
        np.fill_diagonal(self.weights, 0.0)
        self.pattern_count += len(patterns)
        return self

    def energy(self, state):
        """Return E(s) = -1/2 s^T W s for one state (N,) or a batch (count, N)."""
        state = self._check(state, "state")
        return -0.5 * np.einsum("...i,ij,...j->...", state, self.weights, state)

    def recall(self, state, mode="asynchronous", max_sweeps=100, seed=0):
        """Run the update rule from `state` until nothing changes (or `max_sweeps`).

        Args:
            state: (N,) or (count, N) of +-1, e.g. a corrupted stored pattern.
            mode: "asynchronous" (one unit at a time, random order per sweep) or "synchronous".
            max_sweeps: positive integer, the most passes over all units.
            seed: seed of the asynchronous update order.

        Returns:
            Array of +-1 integers with the shape of `state`.
        """
        one_of(mode, "mode", self.MODES)
        max_sweeps = integer(max_sweeps, "max_sweeps", minimum=1)
        state = self._check(state, "state").copy()
        rng = np.random.default_rng(seed)
        for _ in range(max_sweeps):
            if mode == "synchronous":
                field = state @ self.weights  # W is symmetric
                new = np.where(field > 0, 1.0, np.where(field < 0, -1.0, state))
                changed = not np.array_equal(new, state)
                state = new
            else:
                changed = False
                for unit in rng.permutation(self.size):
                    field = state @ self.weights[:, unit]
                    new = np.where(field > 0, 1.0, np.where(field < 0, -1.0, state[..., unit]))
                    changed = changed or not np.array_equal(new, state[..., unit])
                    state[..., unit] = new
            if not changed:
                break
        return state.astype(int)
