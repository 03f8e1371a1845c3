"""Tests for course_utils.layers.memory: leaky and skip cells against NumPy loops of their
equations."""

import numpy as np
import pytest
import keras
import tensorflow as tf

from course_utils.layers.memory import LeakyRNNCell, SkipRNNCell
from course_utils.analysis.recording import record_gates

BATCH, TIME, FEATURES, UNITS = 3, 9, 2, 4
TOLERANCE = 1e-5


def make_inputs(seed=0):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, FEATURES)).astype("float32")


def numpy_leaky(inputs, kernel, recurrent_kernel, bias, alpha):
    hidden = np.zeros((inputs.shape[0], recurrent_kernel.shape[0]))
    outputs = []
    for t in range(inputs.shape[1]):
        candidate = np.tanh(inputs[:, t] @ kernel + hidden @ recurrent_kernel + bias)
        hidden = alpha * hidden + (1 - alpha) * candidate
        outputs.append(hidden)
    return np.stack(outputs, axis=1)


def numpy_skip(inputs, kernel, recurrent_kernel, bias, skip_kernel, delay):
    history = [np.zeros((inputs.shape[0], recurrent_kernel.shape[0]))] * delay  # newest first
    outputs = []
    for t in range(inputs.shape[1]):
        hidden = np.tanh(
            inputs[:, t] @ kernel
            + history[0] @ recurrent_kernel
            + history[delay - 1] @ skip_kernel
            + bias
        )
        history = [hidden] + history[:-1]
        outputs.append(hidden)
    return np.stack(outputs, axis=1)


def randomise(layer, seed=1):
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.6, size=w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer.get_weights()


def round_trip(layer, tmp_path):
    model = keras.Sequential([keras.Input((TIME, FEATURES)), layer])
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded(make_inputs(5)), model(make_inputs(5)))
    return loaded


class TestLeakyRNNCell:
    @pytest.mark.parametrize("alpha", [0.3, [0.1, 0.5, 0.9, 0.99]])
    def test_fixed_alpha_follows_the_equation(self, alpha):
        layer = keras.layers.RNN(LeakyRNNCell(UNITS, alpha=alpha), return_sequences=True)
        layer(make_inputs())
        weights = randomise(layer)
        expected = numpy_leaky(make_inputs(1).astype("float64"), *weights, np.asarray(alpha))
        np.testing.assert_allclose(layer(make_inputs(1)), expected, atol=TOLERANCE)
        assert len(layer.trainable_weights) == 3  # alpha is a constant

    def test_learned_alpha_is_a_sigmoid_weight_and_trains(self):
        cell = LeakyRNNCell(UNITS, alpha=[0.2, 0.4, 0.6, 0.8], learn_alpha=True)
        layer = keras.layers.RNN(cell, return_sequences=True)
        layer(make_inputs())
        np.testing.assert_allclose(cell.alpha_values(), [0.2, 0.4, 0.6, 0.8], atol=1e-6)
        weights = randomise(layer)
        alpha = 1 / (1 + np.exp(-weights[3]))
        expected = numpy_leaky(make_inputs(2).astype("float64"), *weights[:3], alpha)
        np.testing.assert_allclose(layer(make_inputs(2)), expected, atol=TOLERANCE)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(make_inputs(2)) ** 2)
        assert np.abs(tape.gradient(loss, cell.alpha_logit)).min() > 0

    def test_recorded_hidden_matches_layer_and_xla(self):
        layer = keras.layers.RNN(LeakyRNNCell(UNITS, alpha=0.7), return_sequences=True)
        outputs = layer(make_inputs(3))
        gates = record_gates(layer, make_inputs(3))
        assert list(gates) == ["candidate", "hidden"]
        np.testing.assert_allclose(gates["hidden"], outputs, atol=TOLERANCE)
        compiled = tf.function(lambda x: layer(x), jit_compile=True)
        np.testing.assert_allclose(compiled(make_inputs(3)), outputs, atol=TOLERANCE)

    def test_keras_file_round_trip(self, tmp_path):
        cell = LeakyRNNCell(UNITS, alpha=[0.1, 0.5, 0.9, 0.99], learn_alpha=True)
        layer = keras.layers.RNN(cell)
        layer(make_inputs())
        randomise(layer)
        loaded = round_trip(layer, tmp_path)
        assert loaded.layers[0].cell.get_config() == cell.get_config()

    @pytest.mark.parametrize(
        "alpha, message",
        [
            (0.0, r"`alpha` must be a number in \(0, 1\), got 0.0$"),
            (1.0, r"`alpha` must be a number in \(0, 1\), got 1.0$"),
            (-0.5, r"`alpha` must be a number in \(0, 1\), got -0.5$"),
            (1.2, r"`alpha` must be a number in \(0, 1\), got 1.2$"),
            ("0.5", r"`alpha` must be a number in \(0, 1\), got '0.5'$"),
            (
                [0.5, 1.0, 0.5, 0.5],
                r"`alpha\[1\]` must be a number in \(0, 1\), got 1.0$",
            ),  # the unit
        ],
    )
    def test_alpha_outside_open_interval_raises(self, alpha, message):
        with pytest.raises(ValueError, match=message):
            LeakyRNNCell(UNITS, alpha=alpha)

    def test_alpha_list_of_wrong_length_raises(self):
        with pytest.raises(ValueError, match="`alpha` has 3 values but the cell has units=4"):
            LeakyRNNCell(UNITS, alpha=[0.5, 0.5, 0.5])

    def test_wrong_rank_input_raises(self):
        with pytest.raises(ValueError, match=r"3-D input \(batch, time, features\)"):
            keras.layers.RNN(LeakyRNNCell(UNITS))(np.zeros((BATCH, FEATURES), "float32"))


class TestSkipRNNCell:
    @pytest.mark.parametrize("delay", [1, 3])
    def test_follows_the_equation(self, delay):
        layer = keras.layers.RNN(
            SkipRNNCell(UNITS, delay=delay), return_sequences=True, return_state=True
        )
        layer(make_inputs())
        kernel, recurrent_kernel, bias, skip_kernel = randomise(layer)
        outputs, *states = layer(make_inputs(1))
        expected = numpy_skip(
            make_inputs(1).astype("float64"), kernel, recurrent_kernel, bias, skip_kernel, delay
        )
        np.testing.assert_allclose(outputs, expected, atol=TOLERANCE)
        assert len(states) == delay  # the last d hidden states, newest first
        for lag, state in enumerate(states):
            np.testing.assert_allclose(state, expected[:, TIME - 1 - lag], atol=TOLERANCE)

    def test_skip_path_carries_information_d_steps(self):
        cell = SkipRNNCell(UNITS, delay=4, recurrent_initializer="zeros", kernel_initializer="ones")
        layer = keras.layers.RNN(cell, return_sequences=True)
        pulse = np.zeros((1, TIME, FEATURES), "float32")
        pulse[0, 0] = 1.0
        outputs = np.asarray(layer(pulse))[0]
        active = np.abs(outputs).sum(axis=1) > 1e-6
        assert active.tolist() == [t % 4 == 0 for t in range(TIME)]  # only via h_{t-4}

    def test_xla_compiled_model_equals_eager(self):
        layer = keras.layers.RNN(SkipRNNCell(UNITS, delay=3), return_sequences=True)
        model = keras.Sequential([keras.Input((TIME, FEATURES)), layer, keras.layers.Dense(1)])
        compiled = tf.function(lambda x: model(x), jit_compile=True)
        np.testing.assert_allclose(compiled(make_inputs(2)), model(make_inputs(2)), atol=TOLERANCE)
        gates = record_gates(layer, make_inputs(2))
        np.testing.assert_allclose(gates["hidden"], layer(make_inputs(2)), atol=TOLERANCE)

    def test_keras_file_round_trip(self, tmp_path):
        layer = keras.layers.RNN(SkipRNNCell(UNITS, delay=2), return_sequences=True)
        layer(make_inputs())
        randomise(layer)
        assert round_trip(layer, tmp_path).layers[0].cell.delay == 2

    @pytest.mark.parametrize("delay", [0, -2, 1.5, True])
    def test_bad_delay_raises(self, delay):
        with pytest.raises(ValueError, match=f"`delay` must be an integer >= 1, got {delay!r}"):
            SkipRNNCell(UNITS, delay=delay)

    def test_wrong_number_of_states_raises(self):
        layer = keras.layers.RNN(SkipRNNCell(UNITS, delay=3))
        with pytest.raises(ValueError, match="needs 3 states"):
            layer(make_inputs(), initial_state=[np.zeros((BATCH, UNITS), "float32")])
