"""Tests for course_utils.analysis.gradients (against closed forms and hand-written NumPy BPTT) and
smoke
tests for the figures of course_utils.plotting.foundations / graphs."""

import keras
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

from course_utils.analysis import gradients  # noqa: E402
from course_utils.plotting import foundations as gradient_plots  # noqa: E402
from course_utils.plotting import foundations as graphs  # noqa: E402

UNITS, FEATURES, STEPS, BATCH = 6, 3, 12, 2


@pytest.fixture
def inputs():
    return np.random.default_rng(0).normal(size=(BATCH, STEPS, FEATURES)).astype("float32")


def simple_cell(activation, recurrent):
    cell = keras.layers.SimpleRNNCell(UNITS, activation=activation, dtype="float64")
    cell.build((None, FEATURES))
    cell.recurrent_kernel.assign(recurrent)
    return cell


def numpy_state_gradients(cell, inputs, activation):
    """Hand BPTT for L = Σ h_T: dL/dh_T = 1, dL/dh_{t-1} = (dL/dh_t ⊙ f'(a_t)) W_hᵀ."""
    kernel, recurrent, bias = (w.numpy() for w in (cell.kernel, cell.recurrent_kernel, cell.bias))
    h = np.zeros((inputs.shape[0], UNITS))
    states = []
    for t in range(inputs.shape[1]):
        a = inputs[:, t] @ kernel + h @ recurrent + bias
        h = np.tanh(a) if activation == "tanh" else a
        states.append(h)
    grad = np.ones_like(h)
    grads = [grad]
    for t in range(inputs.shape[1] - 1, 0, -1):
        local = grad * (1 - states[t] ** 2) if activation == "tanh" else grad
        grad = local @ recurrent.T
        grads.append(grad)
    grads = np.stack(grads[::-1], axis=1)  # (batch, T, units)
    return np.sqrt(np.mean(np.sum(grads**2, axis=-1), axis=0))


class TestSpectralTools:
    def test_spectral_radius_by_eigenvalues(self):
        matrix = np.diag([0.5, -2.0, 1.0])
        assert gradients.spectral_radius(matrix) == pytest.approx(2.0)

    def test_scaling(self):
        matrix = np.random.default_rng(0).normal(size=(5, 5))
        scaled = gradients.scale_to_spectral_radius(matrix, 0.7)
        assert np.max(np.abs(np.linalg.eigvals(scaled))) == pytest.approx(0.7)

    def test_orthogonal(self):
        q = gradients.orthogonal_matrix(7, seed=3)
        np.testing.assert_allclose(q.T @ q, np.eye(7), atol=1e-12)
        with pytest.raises(ValueError, match="`size` must be an integer >= 1, got 0$"):
            gradients.orthogonal_matrix(0)

    def test_set_on_cell_and_rnn_layer(self):
        layer = keras.layers.RNN(keras.layers.SimpleRNNCell(4))
        layer.build((None, 5, 2))
        gradients.set_recurrent_spectral_radius(layer, 1.3)
        assert gradients.spectral_radius(layer.cell.recurrent_kernel.numpy()) == pytest.approx(
            1.3, rel=1e-5
        )

    @pytest.mark.parametrize("bad", [np.zeros((2, 3)), np.zeros(3)])
    def test_not_square(self, bad):
        with pytest.raises(ValueError, match="square"):
            gradients.spectral_radius(bad)

    def test_zero_matrix_and_bad_radius(self):
        with pytest.raises(ValueError, match="spectral radius 0"):
            gradients.scale_to_spectral_radius(np.zeros((3, 3)), 1.0)
        with pytest.raises(ValueError, match="`radius` must be a finite number >= 0, got -1.0$"):
            gradients.scale_to_spectral_radius(np.eye(3), -1.0)
        with pytest.raises(ValueError, match="`radius` must be a finite number >= 0, got nan$"):
            gradients.scale_to_spectral_radius(np.eye(3), float("nan"))

    def test_unbuilt_cell(self):
        with pytest.raises(ValueError, match="built"):
            gradients.set_recurrent_spectral_radius(keras.layers.SimpleRNNCell(3), 1.0)


class TestHiddenStateGradientNorms:
    @pytest.mark.parametrize("radius", [0.7, 1.0, 1.3])
    def test_linear_orthogonal_is_exact_power(self, inputs, radius):
        recurrent = radius * gradients.orthogonal_matrix(UNITS, seed=1)
        norms = gradients.hidden_state_gradient_norms(simple_cell(None, recurrent), inputs)
        expected = np.sqrt(UNITS) * radius ** (STEPS - np.arange(1, STEPS + 1))
        np.testing.assert_allclose(norms, expected, rtol=1e-9)
        assert gradients.per_step_factor(norms) == pytest.approx(radius, rel=1e-9)

    @pytest.mark.parametrize("activation", [None, "tanh"])
    def test_matches_numpy_bptt_for_generic_weights(self, inputs, activation):
        recurrent = np.random.default_rng(2).normal(0, 0.6, size=(UNITS, UNITS))
        cell = simple_cell(activation, recurrent)
        norms = gradients.hidden_state_gradient_norms(cell, inputs)
        expected = numpy_state_gradients(
            cell, inputs.astype(np.float64), "tanh" if activation else None
        )
        np.testing.assert_allclose(norms, expected, rtol=1e-9)

    def test_lstm_against_additive_perturbation(self, inputs):
        """Reference: dL/d(ε_k) for a zero perturbation ε_k added to both states after step k."""
        cell = keras.layers.LSTMCell(4)
        norms = gradients.hidden_state_gradient_norms(cell, inputs)
        k = 4
        perturb = [tf.Variable(tf.zeros((BATCH, 4))), tf.Variable(tf.zeros((BATCH, 4)))]
        with tf.GradientTape() as tape:
            states = [tf.zeros((BATCH, 4)), tf.zeros((BATCH, 4))]
            for t in range(STEPS):
                output, states = cell(inputs[:, t], states)
                if t == k - 1:
                    states = [states[0] + perturb[0], states[1] + perturb[1]]
            loss = tf.reduce_sum(output)
        g = tape.gradient(loss, perturb)
        expected = np.sqrt(np.mean(np.sum(g[0].numpy() ** 2 + g[1].numpy() ** 2, axis=-1)))
        assert norms.shape == (STEPS,)
        assert norms[k - 1] == pytest.approx(expected, rel=1e-5)

    def test_custom_loss(self, inputs):
        recurrent = 0.5 * gradients.orthogonal_matrix(UNITS, seed=1)
        norms = gradients.hidden_state_gradient_norms(
            simple_cell(None, recurrent), inputs, loss_fn=lambda out: tf.reduce_sum(out[:, 0])
        )
        assert norms[0] == pytest.approx(np.sqrt(UNITS)) and np.all(norms[1:] == 0)

    def test_bad_inputs(self):
        with pytest.raises(ValueError, match="batch, time, features"):
            gradients.hidden_state_gradient_norms(keras.layers.SimpleRNNCell(3), np.zeros((4, 2)))
        with pytest.raises(TypeError, match="recurrent cell"):
            gradients.hidden_state_gradient_norms(keras.layers.Dense(3), np.zeros((1, 4, 2)))


class TestJacobians:
    def test_tanh_jacobians_by_formula(self, inputs):
        recurrent = np.random.default_rng(4).normal(0, 0.5, size=(UNITS, UNITS))
        cell = simple_cell("tanh", recurrent)
        jacobians = gradients.state_jacobians(cell, inputs[0])
        kernel, bias = cell.kernel.numpy(), cell.bias.numpy()
        h = np.zeros(UNITS)
        for t in range(STEPS):
            h = np.tanh(inputs[0, t] @ kernel + h @ recurrent + bias)
            np.testing.assert_allclose(jacobians[t], np.diag(1 - h**2) @ recurrent.T, atol=1e-12)

    def test_product_norms_by_matrix_power(self):
        matrix = np.random.default_rng(5).normal(size=(4, 4))
        norms = gradients.jacobian_product_norms(np.stack([matrix] * 5))
        for k in range(6):
            assert norms[k] == pytest.approx(
                np.linalg.norm(np.linalg.matrix_power(matrix, 5 - k), 2)
            )

    def test_batch_rejected(self, inputs):
        with pytest.raises(ValueError, match="one sequence"):
            gradients.state_jacobians(keras.layers.SimpleRNNCell(3), inputs)


class TestPerStepFactor:
    def test_geometric_sequence(self):
        assert gradients.per_step_factor(0.8 ** np.arange(20)[::-1]) == pytest.approx(0.8)

    def test_skip_last(self):
        norms = np.concatenate([1.5 ** np.arange(10)[::-1] * 100, [7.0, 1.0]])
        assert gradients.per_step_factor(norms, skip_last=2) == pytest.approx(1.5)

    @pytest.mark.parametrize("bad", [[1.0], [1.0, 0.0], [1.0, np.nan]])
    def test_bad(self, bad):
        with pytest.raises(ValueError):
            gradients.per_step_factor(bad)


class TestFigures:
    def teardown_method(self):
        plt.close("all")

    def test_gradient_norms(self):
        ax = gradient_plots.plot_gradient_norms(
            {"a": 0.9 ** np.arange(10)[::-1], "b": np.ones(10)}, predicted={"a": 0.9}
        )
        assert ax.get_yscale() == "log" and len(ax.lines) == 4
        with pytest.raises(ValueError, match="empty"):
            gradient_plots.plot_gradient_norms({})

    def test_runs_against_baseline(self):
        axes = gradient_plots.plot_runs_against_baseline(
            {"blows up": [1.0, 1e8, np.inf], "flat": [0.3, 0.2, 0.17]}, baseline=1 / 6
        )
        assert axes[0].get_yscale() == "log" and axes[1].get_yscale() == "linear"
        assert axes[1].get_ylim() == pytest.approx((0.0, 4 / 6))
        assert len(axes[0].lines[0].get_xdata()) == 2  # the non-finite loss is left out
        assert axes[1].lines[-1].get_ydata()[0] == pytest.approx(1 / 6)  # the baseline
        with pytest.raises(ValueError, match="empty"):
            gradient_plots.plot_runs_against_baseline({}, 0.1)
        with pytest.raises(ValueError, match="baseline"):
            gradient_plots.plot_runs_against_baseline({"a": [1.0]}, 0.0)

    def test_cost_and_truncation(self):
        ax = gradient_plots.plot_cost_vs_length(
            [10, 20, 40], {"full": [1, 2, 4], "truncated": [1, 1, 1]}, "MiB"
        )
        assert len(ax.lines) == 4
        with pytest.raises(ValueError, match="lengths"):
            gradient_plots.plot_cost_vs_length([10, 20], {"x": [1]}, "s")
        ax = gradient_plots.plot_truncation_error([1, 2, 4], [0.5, 0.1, 0.0])
        assert ax.get_yscale() == "log"

    @pytest.mark.parametrize("steps", [1, 3, 6])
    def test_unfolding(self, steps):
        figure = graphs.plot_unfolding(steps)
        assert len(figure.axes) == 2
        labels = [text.get_text() for text in figure.axes[1].texts]
        assert f"$s^{{({steps})}}$" in labels and labels.count(r"$\theta$") == 1

    def test_bad_figure_arguments(self):
        with pytest.raises(ValueError, match=r"`steps` must be an integer in \[1, 8\], got 0$"):
            graphs.plot_unfolding(0)
        with pytest.raises(ValueError, match=r"`steps` must be an integer in \[1, 8\], got 2.0$"):
            graphs.plot_unfolding(2.0)
        with pytest.raises(ValueError, match="unknown patterns"):
            graphs.plot_design_patterns(["two-to-two"])
        assert len(graphs.plot_design_patterns().axes) == 5
