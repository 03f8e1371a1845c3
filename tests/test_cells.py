"""Tests for course_utils.layers.cells: every cell against Keras's built-in layer with copied
weights."""

import re

import numpy as np
import pytest
import keras
import tensorflow as tf

from course_utils.layers.cells import GRUCell, LSTMCell, SimpleRNNCell

BATCH, TIME, FEATURES, UNITS = 3, 6, 5, 4
TOLERANCE = 1e-5


def make_inputs(seed=0, shape=(BATCH, TIME, FEATURES)):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


class CellContract:
    """Checks shared by all cells; a subclass sets `make_cell(**kw)` and `make_keras(**kw)`."""

    def pair(self, **layer_kwargs):
        """Return (our RNN layer, Keras layer) with identical (random, non-zero) weights."""
        reference = self.make_keras(**layer_kwargs)
        reference(make_inputs())
        rng = np.random.default_rng(1)
        reference.set_weights(
            [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in reference.get_weights()]
        )
        ours = keras.layers.RNN(self.make_cell(), **layer_kwargs)
        ours(make_inputs())
        ours.set_weights(reference.get_weights())
        return ours, reference

    def test_weights_match_keras_names_and_shapes(self):
        ours, reference = self.pair()
        assert [(w.name, tuple(w.shape)) for w in ours.cell.weights] == [
            (w.name, tuple(w.shape)) for w in reference.cell.weights
        ]

    def test_default_arguments_mirror_keras(self):
        ours = self.make_cell().get_config()
        theirs = self.make_keras().cell.get_config()
        shared = (set(ours) & set(theirs)) - {"name", "trainable", "dtype"}
        assert len(shared) >= 14
        for key in shared:
            assert ours[key] == theirs[key], key

    def test_sequences_and_states_match_keras(self):
        ours, reference = self.pair(return_sequences=True, return_state=True)
        for mine, theirs in zip(ours(make_inputs(2)), reference(make_inputs(2))):
            np.testing.assert_allclose(mine, theirs, atol=TOLERANCE)

    def test_initial_state_matches_keras(self):
        ours, reference = self.pair()
        count = len(ours.state_size)
        states = [make_inputs(3 + i, (BATCH, UNITS)) for i in range(count)]
        np.testing.assert_allclose(
            ours(make_inputs(), initial_state=states),
            reference(make_inputs(), initial_state=states),
            atol=TOLERANCE,
        )

    def test_gradients_match_keras(self):
        ours, reference = self.pair(return_sequences=True)
        inputs = tf.constant(make_inputs(4))
        grads = []
        for layer in (ours, reference):
            with tf.GradientTape() as tape:
                tape.watch(inputs)
                loss = tf.reduce_sum(layer(inputs) ** 2)
            grads.append(tape.gradient(loss, [inputs] + layer.trainable_variables))
        for mine, theirs in zip(*grads):
            np.testing.assert_allclose(mine, theirs, atol=TOLERANCE, rtol=TOLERANCE)

    def test_masked_padding_matches_keras(self):
        ours, reference = self.pair()
        tokens = np.array([[3, 1, 4, 1, 0, 0], [5, 9, 0, 0, 0, 0], [2, 6, 5, 3, 5, 8]])
        embedding = keras.layers.Embedding(10, FEATURES, mask_zero=True)
        outputs = [layer(embedding(tokens)) for layer in (ours, reference)]
        np.testing.assert_allclose(outputs[0], outputs[1], atol=TOLERANCE)
        unpadded = ours(embedding(tokens[1:2, :2]))  # the padded steps changed nothing
        np.testing.assert_allclose(outputs[0][1:2], unpadded, atol=TOLERANCE)

    def test_dropout_only_in_training_and_seeded(self):
        inputs = make_inputs(5)
        plain = self.pair()[1]
        layers = []
        for _ in range(2):
            layer = keras.layers.RNN(self.make_cell(dropout=0.3, recurrent_dropout=0.3, seed=7))
            layer(inputs)
            layer.set_weights(plain.get_weights())
            layers.append(layer)
        for layer in layers:  # every call draws masks (as Keras does), so call both the same way
            np.testing.assert_allclose(layer(inputs, training=False), plain(inputs), atol=TOLERANCE)
        trained = [layer(inputs, training=True) for layer in layers]
        assert np.abs(trained[0] - plain(inputs)).max() > 1e-3
        np.testing.assert_array_equal(trained[0], trained[1])  # same seed, same masks

    def test_xla_compiled_model_equals_eager(self):
        ours, _ = self.pair(return_sequences=True)
        model = keras.Sequential([keras.Input((TIME, FEATURES)), ours, keras.layers.Dense(2)])
        compiled = tf.function(lambda x: model(x, training=False), jit_compile=True)
        np.testing.assert_allclose(compiled(make_inputs(6)), model(make_inputs(6)), atol=TOLERANCE)

    def test_keras_file_round_trip(self, tmp_path):
        ours, _ = self.pair(return_sequences=True)
        model = keras.Sequential([keras.Input((TIME, FEATURES)), ours])
        model.save(tmp_path / "model.keras")
        loaded = keras.saving.load_model(tmp_path / "model.keras")
        assert type(loaded.layers[0].cell) is type(ours.cell)
        assert loaded.layers[0].cell.get_config() == ours.cell.get_config()
        np.testing.assert_array_equal(loaded(make_inputs(7)), model(make_inputs(7)))

    def test_wrong_rank_input_raises(self):
        with pytest.raises(ValueError, match=r"3-D input \(batch, time, features\)"):
            keras.layers.RNN(self.make_cell())(np.zeros((BATCH, FEATURES), "float32"))

    def test_wrong_feature_size_raises(self):
        layer = keras.layers.RNN(self.make_cell())
        layer(make_inputs())
        with pytest.raises(ValueError, match=f"built for {FEATURES} input features but got .* 7"):
            layer(np.zeros((BATCH, TIME, 7), "float32"))

    @pytest.mark.parametrize("units", [0, -3, 2.5, True, "4"])
    def test_bad_units_raise(self, units):
        expected = rf"`units` must be an integer >= 1, got {re.escape(repr(units))}$"
        with pytest.raises(ValueError, match=expected):
            self.make_cell(units=units)

    @pytest.mark.parametrize("name", ["dropout", "recurrent_dropout"])
    @pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
    def test_bad_dropout_raises(self, name, rate):
        with pytest.raises(ValueError, match=rf"`{name}` must be a number in \[0, 1\), got {rate}"):
            self.make_cell(**{name: rate})

    def test_unknown_activation_raises(self):
        with pytest.raises(ValueError, match="unknown `activation` 'tanhh'"):
            self.make_cell(activation="tanhh")


class TestSimpleRNNCell(CellContract):
    def make_cell(self, units=UNITS, **kwargs):
        return SimpleRNNCell(units, **kwargs)

    def make_keras(self, **kwargs):
        return keras.layers.SimpleRNN(UNITS, **kwargs)


class TestGRUCellResetAfter(CellContract):
    def make_cell(self, units=UNITS, **kwargs):
        return GRUCell(units, **kwargs)

    def make_keras(self, **kwargs):
        return keras.layers.GRU(UNITS, **kwargs)

    def test_bias_has_input_and_recurrent_rows(self):
        cell = GRUCell(UNITS)
        cell.build((None, FEATURES))
        assert tuple(cell.bias.shape) == (2, 3 * UNITS)

    def test_unknown_recurrent_activation_raises(self):
        with pytest.raises(ValueError, match="unknown `recurrent_activation` 'sigmod'"):
            GRUCell(UNITS, recurrent_activation="sigmod")


class TestGRUCellResetBefore(CellContract):
    def make_cell(self, units=UNITS, **kwargs):
        return GRUCell(units, reset_after=False, **kwargs)

    def make_keras(self, **kwargs):
        return keras.layers.GRU(UNITS, reset_after=False, **kwargs)


def numpy_lstm(inputs, kernel, recurrent_kernel, bias, forget=None):
    """The LSTM equations in NumPy; `forget` fixes the forget gate when given."""
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    hidden = cell = np.zeros((inputs.shape[0], recurrent_kernel.shape[0]))
    for t in range(inputs.shape[1]):
        z = inputs[:, t] @ kernel + hidden @ recurrent_kernel + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        f = sigmoid(f) if forget is None else forget
        cell = f * cell + sigmoid(i) * np.tanh(g)
        hidden = sigmoid(o) * np.tanh(cell)
    return hidden


class TestLSTMCell(CellContract):
    def make_cell(self, units=UNITS, **kwargs):
        return LSTMCell(units, **kwargs)

    def make_keras(self, **kwargs):
        return keras.layers.LSTM(UNITS, **kwargs)

    def test_unit_forget_bias_initialises_forget_block_to_one(self):
        cell = LSTMCell(UNITS)
        cell.build((None, FEATURES))
        expected = np.r_[np.zeros(UNITS), np.ones(UNITS), np.zeros(2 * UNITS)]
        np.testing.assert_array_equal(cell.bias.numpy(), expected)

    @pytest.mark.parametrize("forget", [None, 0.0, 1.0])
    def test_forget_gate_override_follows_equations(self, forget):
        layer = keras.layers.RNN(LSTMCell(UNITS, forget_gate_override=forget))
        inputs = make_inputs(8)
        layer(inputs)
        weights = [w * 3 for w in layer.get_weights()]  # larger weights: f matters visibly
        layer.set_weights(weights)
        expected = numpy_lstm(inputs.astype("float64"), *weights, forget=forget)
        np.testing.assert_allclose(layer(inputs), expected, atol=TOLERANCE)

    def test_forget_gate_override_is_saved(self):
        config = LSTMCell(UNITS, forget_gate_override=0).get_config()
        assert config["forget_gate_override"] == 0.0
        assert LSTMCell.from_config(config).forget_gate_override == 0.0

    @pytest.mark.parametrize("value", [1.5, -0.2, "0", True])
    def test_bad_forget_gate_override_raises(self, value):
        with pytest.raises(
            ValueError,
            match=rf"`forget_gate_override` must be None or a number in "
            rf"\[0, 1\], got {re.escape(repr(value))}$",
        ):
            LSTMCell(UNITS, forget_gate_override=value)
