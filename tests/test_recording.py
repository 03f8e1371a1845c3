"""Tests for course_utils.analysis.recording.record_gates and course_utils.plotting.gated_memory."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import keras  # noqa: E402

from course_utils.layers.cells import GRUCell, LSTMCell, SimpleRNNCell  # noqa: E402
from course_utils.plotting.gated_memory import plot_gate_heatmap  # noqa: E402
from course_utils.analysis.recording import record_gates  # noqa: E402

BATCH, TIME, FEATURES, UNITS = 2, 5, 3, 4
TOLERANCE = 1e-5
CELLS = {
    "lstm": (
        lambda **kw: LSTMCell(UNITS, **kw),
        ["input", "forget", "candidate", "output", "cell", "hidden"],
    ),
    "gru": (lambda **kw: GRUCell(UNITS, **kw), ["update", "reset", "candidate", "hidden"]),
    "gru_reset_before": (
        lambda **kw: GRUCell(UNITS, reset_after=False, **kw),
        ["update", "reset", "candidate", "hidden"],
    ),
    "simple": (lambda **kw: SimpleRNNCell(UNITS, **kw), ["hidden"]),
}


def make_inputs(seed=0):
    return np.random.default_rng(seed).normal(size=(BATCH, TIME, FEATURES)).astype("float32")


def make_layer(kind, **layer_kwargs):
    layer = keras.layers.RNN(CELLS[kind][0](), return_sequences=True, **layer_kwargs)
    layer(make_inputs())
    return layer


class TestRecordGates:
    @pytest.mark.parametrize("kind", sorted(CELLS))
    def test_hidden_equals_rnn_sequence_output(self, kind):
        layer = make_layer(kind)
        gates = record_gates(layer, make_inputs(1))
        assert list(gates) == CELLS[kind][1]
        assert all(value.shape == (BATCH, TIME, UNITS) for value in gates.values())
        np.testing.assert_allclose(gates["hidden"], layer(make_inputs(1)), atol=TOLERANCE)

    def test_lstm_gates_satisfy_the_cell_equations(self):
        layer = make_layer("lstm", return_state=True)
        outputs, last_hidden, last_cell = layer(make_inputs(2))
        g = record_gates(layer.cell, make_inputs(2))  # a bare cell works too
        kernel, recurrent_kernel, bias = layer.get_weights()
        sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
        previous_hidden = np.concatenate([np.zeros((BATCH, 1, UNITS)), g["hidden"][:, :-1]], 1)
        z = make_inputs(2) @ kernel + previous_hidden @ recurrent_kernel + bias
        np.testing.assert_allclose(g["forget"], sigmoid(z[..., UNITS : 2 * UNITS]), atol=TOLERANCE)
        previous_cell = np.concatenate([np.zeros((BATCH, 1, UNITS)), g["cell"][:, :-1]], 1)
        np.testing.assert_allclose(
            g["cell"], g["forget"] * previous_cell + g["input"] * g["candidate"], atol=TOLERANCE
        )
        np.testing.assert_allclose(g["hidden"], g["output"] * np.tanh(g["cell"]), atol=TOLERANCE)
        np.testing.assert_allclose(g["cell"][:, -1], last_cell, atol=TOLERANCE)

    def test_gru_hidden_interpolates_with_update_gate(self):
        g = record_gates(make_layer("gru"), make_inputs(3))
        previous = np.concatenate([np.zeros((BATCH, 1, UNITS)), g["hidden"][:, :-1]], 1)
        np.testing.assert_allclose(
            g["hidden"], g["update"] * previous + (1 - g["update"]) * g["candidate"], atol=TOLERANCE
        )

    def test_initial_state_is_used(self):
        layer = make_layer("lstm")
        states = [np.full((BATCH, UNITS), 0.5, "float32"), np.ones((BATCH, UNITS), "float32")]
        gates = record_gates(layer, make_inputs(4), initial_state=states)
        expected = layer(make_inputs(4), initial_state=states)
        np.testing.assert_allclose(gates["hidden"], expected, atol=TOLERANCE)

    def test_go_backwards_is_aligned_with_input_positions(self):
        layer = make_layer("gru", go_backwards=True)
        gates = record_gates(layer, make_inputs(5))
        np.testing.assert_allclose(gates["hidden"][:, ::-1], layer(make_inputs(5)), atol=TOLERANCE)

    def test_mask_blanks_padding_and_keeps_states(self):
        layer = make_layer("lstm")
        mask = np.array([[True] * TIME, [True, True, True, False, False]])
        gates = record_gates(layer, make_inputs(6), mask=mask)
        assert np.isnan(gates["forget"][1, 3:]).all() and not np.isnan(gates["forget"][0]).any()
        expected = layer(make_inputs(6), mask=mask)
        np.testing.assert_allclose(
            gates["hidden"][mask], np.asarray(expected)[mask], atol=TOLERANCE
        )

    def test_forget_gate_override_is_recorded(self):
        layer = keras.layers.RNN(LSTMCell(UNITS, forget_gate_override=0.0), return_sequences=True)
        gates = record_gates(layer, make_inputs(7))
        np.testing.assert_array_equal(gates["forget"], 0.0)
        np.testing.assert_allclose(gates["cell"], gates["input"] * gates["candidate"], atol=1e-6)

    def test_training_applies_dropout_masks(self):
        layer = keras.layers.RNN(LSTMCell(UNITS, dropout=0.5, seed=3), return_sequences=True)
        inference = record_gates(layer, make_inputs(8))
        np.testing.assert_allclose(inference["hidden"], layer(make_inputs(8)), atol=TOLERANCE)
        training = record_gates(layer, make_inputs(8), training=True)
        assert np.abs(training["hidden"] - inference["hidden"]).max() > 1e-3
        assert layer.cell._dropout_mask is None  # masks are not left behind

    def test_keras_builtin_cell_is_rejected(self):
        with pytest.raises(TypeError, match="`step` method, got LSTM holding LSTMCell"):
            record_gates(keras.layers.LSTM(UNITS), make_inputs())

    def test_bad_inputs_raise(self):
        layer = make_layer("gru")
        with pytest.raises(
            ValueError,
            match=r"`inputs` must be of shape \(batch, time, "
            r"features\), got \(2, 3\)$",
        ):
            record_gates(layer, np.zeros((2, 3)))
        with pytest.raises(
            ValueError, match=r"shapes \[\(2, 4\)\] for GRUCell, got shapes \[\(2, 5\)\]"
        ):
            record_gates(layer, make_inputs(), initial_state=[np.zeros((2, 5))])
        with pytest.raises(ValueError, match=r"`mask` must be of shape \(2, 5\), got \(2, 4\)$"):
            record_gates(layer, make_inputs(), mask=np.ones((2, 4), bool))
        with pytest.raises(ValueError, match="built for 3 input features but got inputs with 6"):
            record_gates(layer, np.zeros((2, 5, 6)))


class TestPlotGateHeatmap:
    def gates(self):
        return record_gates(make_layer("lstm"), make_inputs(9))

    def test_panels_labels_and_colour_bars(self):
        tokens = ["Dan", "grew", "up", ".", "He"]
        fig, axes = plot_gate_heatmap(self.gates(), tokens, gate=["forget", "cell"], title="t")
        assert len(axes) == 2 and len(fig.axes) == 4  # two panels, two colour bars
        assert [label.get_text() for label in axes[-1].get_xticklabels()] == tokens
        assert axes[0].images[0].get_clim() == (0.0, 1.0)  # sigmoid gates on a fixed scale
        low, high = axes[1].images[0].get_clim()
        assert low == -high and high > 0  # signed quantities on a symmetric scale
        plt.close(fig)

    def test_chosen_units_and_single_array(self):
        fig, axes = plot_gate_heatmap(self.gates()["input"][0], list("ab cd"), units=[3, 1])
        assert axes[0].images[0].get_array().shape == (2, TIME)
        assert [t.get_text() for t in axes[0].get_yticklabels()] == ["unit 3", "unit 1"]
        assert axes[0].get_xticklabels()[2].get_text() == "\u2423"  # a space token stays visible
        plt.close(fig)

    def test_bad_arguments_raise(self):
        gates = self.gates()
        with pytest.raises(ValueError, match="got 3 tokens .* 5 time steps"):
            plot_gate_heatmap(gates, ["a", "b", "c"], gate="forget")
        with pytest.raises(ValueError, match=r"unknown gate\(s\) \['reset'\]"):
            plot_gate_heatmap(gates, list("abcde"), gate="reset")
        with pytest.raises(ValueError, match="name the gate"):
            plot_gate_heatmap(gates, list("abcde"))
        with pytest.raises(ValueError, match=r"units \[9\] out of range for 4 units"):
            plot_gate_heatmap(gates, list("abcde"), gate="forget", units=[0, 9])
        _, one_axes = plt.subplots()
        with pytest.raises(ValueError, match="`axes` must be one per gate panel: 2 axes, got 1$"):
            plot_gate_heatmap(gates, list("abcde"), gate=["forget", "cell"], axes=one_axes)
        plt.close("all")
