"""Tests for course_utils.layers.deep: stacks against Keras built-ins, cells against their
equations."""

import numpy as np
import pytest

import keras

from course_utils.layers.deep import (
    DeepTransitionCell,
    LayerNormLSTMCell,
    LayerNormSimpleRNNCell,
    RNNStack,
)

BATCH, TIME, FEATURES, UNITS = 3, 4, 5, 6


def sequences(seed=0, features=FEATURES):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, features)).astype("float32")


def randomize(layer, seed=1, scale=0.5):
    """Give every weight random values (biases and LN gains included), so no term hides at zero."""
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=scale, size=w.shape).astype("float32") for w in layer.get_weights()]
    )


def tanh(a):
    return np.tanh(a)


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def layer_norm(a, gamma, beta, epsilon):
    mean = a.mean(-1, keepdims=True)
    variance = a.var(-1, keepdims=True)
    return gamma * (a - mean) / np.sqrt(variance + epsilon) + beta


def run_numpy(step, x, state_widths):
    """Loop a NumPy step function over time; returns the (batch, time, units) outputs."""
    states = [np.zeros((x.shape[0], width)) for width in state_widths]
    outputs = []
    for t in range(x.shape[1]):
        states = step(x[:, t].astype(np.float64), states)
        outputs.append(states[0])
    return np.stack(outputs, axis=1)


class TestRNNStack:
    def test_plain_stack_equals_keras_stacked_cells(self):
        cells = [keras.layers.GRUCell(UNITS) for _ in range(3)]
        reference = keras.layers.RNN(keras.layers.StackedRNNCells(cells), return_sequences=True)
        ours = RNNStack(keras.layers.GRUCell(UNITS), num_layers=3)
        x = sequences()
        reference(x)
        ours(x)
        ours.set_weights(reference.get_weights())
        np.testing.assert_allclose(ours(x), reference(x), atol=1e-6)

    def test_residual_adds_each_layers_input(self):
        ours = RNNStack(keras.layers.SimpleRNNCell(UNITS), num_layers=3, residual=True)
        x = sequences(1)
        ours(x)
        randomize(ours)
        layers = [keras.layers.SimpleRNN(UNITS, return_sequences=True) for _ in range(3)]
        for layer, width in zip(layers, [FEATURES, UNITS, UNITS]):
            layer.build((None, TIME, width))
        for layer, cell in zip(layers, ours.cells):
            layer.set_weights(cell.get_weights())
        y1 = layers[0](x)
        y2 = y1 + layers[1](y1)
        y3 = y2 + layers[2](y2)
        np.testing.assert_allclose(ours(x), y3, atol=1e-5)

    def test_layers_do_not_share_weights(self):
        ours = RNNStack(keras.layers.LSTMCell(UNITS), num_layers=4)
        ours(sequences())
        assert len(ours.trainable_weights) == 4 * 3
        kernels = [cell.recurrent_kernel.numpy() for cell in ours.cells]
        assert not np.allclose(kernels[1], kernels[2])

    def test_last_output_is_last_real_step_with_mask(self):
        ours = RNNStack(
            keras.layers.GRUCell(UNITS), num_layers=2, residual=True, return_sequences=False
        )
        full = RNNStack.from_config({**ours.get_config(), "return_sequences": True})
        x = sequences(2)
        lengths = np.array([4, 2, 1])
        mask = np.arange(TIME)[None, :] < lengths[:, None]
        ours(x)
        full(x)
        full.set_weights(ours.get_weights())
        last = ours(x, mask=mask)
        for b, length in enumerate(lengths):
            alone = full(x[b : b + 1, :length])
            np.testing.assert_allclose(last[b], alone[0, -1], atol=1e-6)

    def test_keras_round_trip(self, tmp_path):
        model = keras.Sequential(
            [
                keras.Input((TIME, FEATURES)),
                RNNStack(LayerNormLSTMCell(UNITS), num_layers=2, residual=True),
                keras.layers.Dense(2),
            ]
        )
        x = sequences(3)
        path = tmp_path / "stack.keras"
        model.save(path)
        loaded = keras.saving.load_model(path)
        np.testing.assert_allclose(loaded(x), model(x), atol=1e-6)
        assert loaded.layers[0].residual and loaded.layers[0].num_layers == 2

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="`num_layers` must be an integer >= 1, got 0$"):
            RNNStack(keras.layers.GRUCell(2), num_layers=0)
        with pytest.raises(
            TypeError, match="cell must be a recurrent cell instance with a `state_size`"
        ):
            RNNStack("lstm", num_layers=2)
        with pytest.raises(ValueError, match="`residual` must be True or False, got 'yes'$"):
            RNNStack(keras.layers.GRUCell(2), num_layers=2, residual="yes")
        with pytest.raises(ValueError, match="`return_sequences` must be True or False, got 1$"):
            RNNStack(keras.layers.GRUCell(2), num_layers=2, return_sequences=1)
        with pytest.raises(
            ValueError,
            match=r"`inputs` must be of shape \(batch, time, "
            r"features\), got \(2, 3\)$",
        ):
            RNNStack(keras.layers.GRUCell(2), num_layers=2)(np.zeros((2, 3), "float32"))


class TestDeepTransitionCell:
    def test_depth_one_is_a_vanilla_rnn(self):
        reference = keras.layers.SimpleRNN(UNITS, return_sequences=True)
        ours = keras.layers.RNN(DeepTransitionCell(UNITS, depth=1), return_sequences=True)
        x = sequences(4)
        reference(x)
        ours(x)
        randomize(reference)
        ours.set_weights(reference.get_weights())
        np.testing.assert_allclose(ours(x), reference(x), atol=1e-6)

    @pytest.mark.parametrize("shortcut", [False, True])
    def test_against_equations(self, shortcut):
        cell = DeepTransitionCell(UNITS, depth=3, hidden_units=7, shortcut=shortcut)
        layer = keras.layers.RNN(cell, return_sequences=True)
        x = sequences(5)
        layer(x)
        randomize(layer)
        w = [v.numpy().astype(np.float64) for v in cell.weights]
        W, U, b1, V2, b2, V3, b3 = w[:7]

        def step(x_t, states):
            h = states[0]
            z1 = tanh(x_t @ W + h @ U + b1)
            z2 = tanh(z1 @ V2 + b2)
            a3 = z2 @ V3 + b3
            if shortcut:
                a3 = a3 + x_t @ w[7] + h @ w[8]
            return [tanh(a3)]

        np.testing.assert_allclose(layer(x), run_numpy(step, x, [UNITS]), atol=1e-5)
        assert cell.transition_path_length == (1 if shortcut else 3)

    def test_round_trip_and_bad_arguments(self, tmp_path):
        model = keras.Sequential(
            [
                keras.Input((TIME, FEATURES)),
                keras.layers.RNN(DeepTransitionCell(UNITS, depth=2, shortcut=True)),
            ]
        )
        x = sequences(6)
        model.save(tmp_path / "deep.keras")
        np.testing.assert_allclose(
            keras.saving.load_model(tmp_path / "deep.keras")(x), model(x), atol=1e-6
        )
        with pytest.raises(ValueError, match="`depth` must be an integer >= 1, got 0$"):
            DeepTransitionCell(UNITS, depth=0)
        with pytest.raises(
            ValueError, match="`hidden_units` must be None or an integer >= 1, got 0$"
        ):
            DeepTransitionCell(UNITS, hidden_units=0)
        with pytest.raises(ValueError, match="`shortcut` must be True or False, got 'no'$"):
            DeepTransitionCell(UNITS, shortcut="no")
        with pytest.raises(ValueError, match="shortcut=True needs depth >= 2"):
            DeepTransitionCell(UNITS, depth=1, shortcut=True)
        with pytest.raises(ValueError, match="unknown `activation` 'sideways'"):
            DeepTransitionCell(UNITS, activation="sideways")


class TestLayerNormCells:
    def test_simple_rnn_against_equations(self):
        cell = LayerNormSimpleRNNCell(UNITS)
        layer = keras.layers.RNN(cell, return_sequences=True)
        x = sequences(7)
        layer(x)
        randomize(layer)
        W, U = cell.kernel.numpy(), cell.recurrent_kernel.numpy()
        gamma, beta = (v.numpy() for v in cell.kernel_norm.weights)

        def step(x_t, states):
            return [tanh(layer_norm(x_t @ W + states[0] @ U, gamma, beta, 1e-5))]

        np.testing.assert_allclose(layer(x), run_numpy(step, x, [UNITS]), atol=1e-5)

    def test_lstm_against_equations(self):
        cell = LayerNormLSTMCell(UNITS)
        layer = keras.layers.RNN(cell, return_sequences=True)
        x = sequences(8)
        layer(x)
        randomize(layer)
        W, U, b = cell.kernel.numpy(), cell.recurrent_kernel.numpy(), cell.bias.numpy()
        norms = [
            [v.numpy() for v in n.weights]
            for n in (cell.kernel_norm, cell.recurrent_norm, cell.state_norm)
        ]

        def step(x_t, states):
            h, c = states
            z = layer_norm(x_t @ W, *norms[0], 1e-5) + layer_norm(h @ U, *norms[1], 1e-5) + b
            i, f, g, o = np.split(z, 4, axis=-1)
            c = sigmoid(f) * c + sigmoid(i) * tanh(g)
            return [sigmoid(o) * tanh(layer_norm(c, *norms[2], 1e-5)), c]

        np.testing.assert_allclose(layer(x), run_numpy(step, x, [UNITS, UNITS]), atol=1e-5)

    def test_no_batch_statistics(self):
        """Layer norm treats each example alone: a batch of one gives the same output."""
        layer = keras.layers.RNN(LayerNormLSTMCell(UNITS), return_sequences=True)
        x = sequences(9)
        np.testing.assert_allclose(layer(x)[1:2], layer(x[1:2]), atol=1e-6)

    def test_forget_bias_starts_at_one(self):
        cell = LayerNormLSTMCell(3)
        cell.build((None, 2))
        np.testing.assert_array_equal(cell.bias.numpy(), [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="`units` must be an integer >= 1, got -1$"):
            LayerNormLSTMCell(-1)
        with pytest.raises(ValueError, match="`epsilon` must be a finite number > 0, got 0$"):
            LayerNormSimpleRNNCell(4, epsilon=0)

    @pytest.mark.slow  # compiles and trains under XLA
    def test_xla_training_step(self):
        model = keras.Sequential(
            [
                keras.Input((TIME, FEATURES)),
                RNNStack(
                    LayerNormSimpleRNNCell(UNITS),
                    num_layers=2,
                    residual=True,
                    return_sequences=False,
                ),
                keras.layers.Dense(1),
            ]
        )
        model.compile("adam", "mse", jit_compile=True)
        history = model.fit(sequences(10), np.zeros((BATCH, 1)), epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"][0]) and model.jit_compile


class TestExerciseChecks:
    """The notebook 09 checks accept the right answer and reject typical wrong ones."""

    def test_path_length_against_the_cell(self):
        from course_utils import check

        question = check.PATH_LENGTH_QUESTION
        steps = question["steps_back"]
        lengths = [
            steps
            * DeepTransitionCell(4, depth=question["depth"], shortcut=s).transition_path_length
            for s in (False, True)
        ]
        assert check.transition_path_length(tuple(lengths))
        assert not check.transition_path_length((steps, steps))
        assert not check.transition_path_length(12)

    def test_residual_stack(self):
        from course_utils import check

        def residual(x, layers):
            y = layers[0](x)
            for layer in layers[1:]:
                y = y + layer(y)
            return y

        def plain(x, layers):
            for layer in layers:
                x = layer(x)
            return x

        def broken(x, layers):
            raise RuntimeError("oops")

        assert check.residual_stack(residual)
        assert not check.residual_stack(plain)
        assert not check.residual_stack(broken)

    def test_layer_norm(self):
        from course_utils import check

        def layer(a, epsilon):
            return (a - a.mean(-1, keepdims=True)) / np.sqrt(a.var(-1, keepdims=True) + epsilon)

        def batch(a, epsilon):
            return (a - a.mean(0)) / np.sqrt(a.var(0) + epsilon)

        assert check.layer_norm(layer)
        assert not check.layer_norm(batch)
        assert not check.layer_norm(lambda a, epsilon: a)
