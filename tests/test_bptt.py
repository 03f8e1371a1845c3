"""Tests for course_utils.analysis.bptt: hand BPTT against tf.GradientTape, finite differences and a
segment-by-segment TensorFlow reference for truncated BPTT."""

import numpy as np
import pytest
import tensorflow as tf

from course_utils.analysis import bptt

BATCH, STEPS, INPUT_DIM, UNITS, CLASSES = 3, 7, 4, 5, 6


@pytest.fixture
def problem():
    rng = np.random.default_rng(1)
    params = bptt.init_params(INPUT_DIM, UNITS, CLASSES, seed=2, scale=1.5)
    params["bias"] = rng.normal(0, 0.3, UNITS)
    params["output_bias"] = rng.normal(0, 0.3, CLASSES)
    inputs = rng.normal(size=(BATCH, STEPS, INPUT_DIM))
    targets = rng.integers(0, CLASSES, size=(BATCH, STEPS))
    h0 = rng.normal(0, 0.5, size=(BATCH, UNITS))
    return params, inputs, targets, h0


def tf_loss(variables, inputs, targets, h0, cut_before=None, loss_steps=None):
    """Reference: the same model in TensorFlow; optionally the state is cut (stop_gradient) after
    `cut_before` steps and only the losses at `loss_steps` count."""
    h = tf.convert_to_tensor(h0)
    total = tf.constant(0.0, tf.float64)
    loss_steps = range(inputs.shape[1]) if loss_steps is None else loss_steps
    for t in range(inputs.shape[1]):
        if cut_before is not None and t == cut_before:
            h = tf.stop_gradient(h)
        h = tf.tanh(
            inputs[:, t] @ variables["kernel"]
            + h @ variables["recurrent_kernel"]
            + variables["bias"]
        )
        logits = h @ variables["output_kernel"] + variables["output_bias"]
        if t in loss_steps:
            total += tf.reduce_sum(
                tf.nn.sparse_softmax_cross_entropy_with_logits(targets[:, t], logits)
            )
    return total / inputs.shape[0]


def tf_gradients(params, inputs, targets, h0, **kwargs):
    variables = {name: tf.Variable(value) for name, value in params.items()}
    with tf.GradientTape() as tape:
        value = tf_loss(variables, tf.constant(inputs), tf.constant(targets), h0, **kwargs)
    grads = tape.gradient(value, variables)
    return float(value), {name: g.numpy() for name, g in grads.items()}


class TestForward:
    def test_matches_keras_simple_rnn_and_dense(self, problem):
        import keras

        params, inputs, _, _ = problem
        layer = keras.layers.SimpleRNN(UNITS, return_sequences=True, dtype="float64")
        dense = keras.layers.Dense(CLASSES, activation="softmax", dtype="float64")
        probabilities = dense(layer(inputs))
        layer.set_weights([params["kernel"], params["recurrent_kernel"], params["bias"]])
        dense.set_weights([params["output_kernel"], params["output_bias"]])
        expected_states = layer(inputs).numpy()
        probabilities = dense(expected_states).numpy()
        states, ours = bptt.rnn_forward(params, inputs)
        np.testing.assert_allclose(states[:, 1:], expected_states, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ours, probabilities, rtol=1e-10, atol=1e-12)

    def test_loss_matches_tensorflow(self, problem):
        params, inputs, targets, h0 = problem
        expected, _ = tf_gradients(params, inputs, targets, h0)
        assert bptt.loss(params, inputs, targets, h0) == pytest.approx(expected, rel=1e-12)


class TestFullBPTT:
    def test_matches_gradient_tape(self, problem):
        params, inputs, targets, h0 = problem
        expected_loss, expected = tf_gradients(params, inputs, targets, h0)
        loss, grads = bptt.bptt(params, inputs, targets, h0)
        assert loss == pytest.approx(expected_loss, rel=1e-12)
        for name in bptt.PARAMETER_NAMES:
            assert bptt.relative_error(grads[name], expected[name]) < 1e-12, name

    def test_matches_finite_differences(self, problem):
        params, inputs, targets, h0 = problem
        errors = bptt.gradient_check(params, inputs, targets, initial_state=h0)
        assert set(errors) == set(bptt.PARAMETER_NAMES)
        assert max(errors.values()) < 1e-7

    def test_state_gradients_are_total_derivatives(self, problem):
        params, inputs, targets, h0 = problem
        _, _, state_grads = bptt.bptt(params, inputs, targets, h0, return_state_gradients=True)
        # dL/dh_0 via the chain rule from dL/dh_1 must match autodiff with respect to h_0
        h0_var = tf.Variable(h0)
        variables = {name: tf.constant(value) for name, value in params.items()}
        with tf.GradientTape() as tape:
            value = tf_loss(variables, tf.constant(inputs), tf.constant(targets), h0_var)
        expected_h0 = tape.gradient(value, h0_var).numpy()
        h1 = bptt.rnn_forward(params, inputs, h0)[0][:, 1]
        ours_h0 = (state_grads[:, 0] * (1 - h1**2)) @ params["recurrent_kernel"].T
        np.testing.assert_allclose(ours_h0, expected_h0, rtol=1e-10, atol=1e-14)


class TestTruncatedBPTT:
    def reference(self, params, inputs, targets, h0, k1, k2):
        """Sum over windows of autodiff gradients with the state cut k2 steps before each end."""
        total = {name: np.zeros_like(value) for name, value in params.items()}
        ends = list(range(k1, STEPS, k1)) + [STEPS]
        start = 0
        for end in ends:
            _, grads = tf_gradients(
                params,
                inputs,
                targets,
                h0,
                cut_before=max(0, end - k2),
                loss_steps=range(start, end),
            )
            for name in total:
                total[name] += grads[name]
            start = end
        return total

    @pytest.mark.parametrize("k1,k2", [(1, 1), (2, 3), (3, 3), (2, 5), (3, 4)])
    def test_matches_windowed_autodiff(self, problem, k1, k2):
        params, inputs, targets, h0 = problem
        expected = self.reference(params, inputs, targets, h0, k1, k2)
        loss, grads = bptt.truncated_bptt(params, inputs, targets, k1, k2, h0)
        assert loss == pytest.approx(bptt.loss(params, inputs, targets, h0), rel=1e-12)
        for name in bptt.PARAMETER_NAMES:
            assert bptt.relative_error(grads[name], expected[name]) < 1e-12, (name, k1, k2)

    @pytest.mark.parametrize("k1", [1, 3, STEPS])
    def test_long_enough_window_is_full_bptt(self, problem, k1):
        params, inputs, targets, h0 = problem
        _, full = bptt.bptt(params, inputs, targets, h0)
        _, truncated = bptt.truncated_bptt(params, inputs, targets, k1, STEPS, h0)
        for name in bptt.PARAMETER_NAMES:
            assert bptt.relative_error(truncated[name], full[name]) < 1e-12

    def test_truncation_changes_the_recurrent_gradient(self, problem):
        params, inputs, targets, h0 = problem
        _, full = bptt.bptt(params, inputs, targets, h0)
        _, truncated = bptt.truncated_bptt(params, inputs, targets, 2, 2, h0)
        assert bptt.relative_error(truncated["recurrent_kernel"], full["recurrent_kernel"]) > 1e-3
        # the output layer sees every loss exactly once either way
        assert bptt.relative_error(truncated["output_kernel"], full["output_kernel"]) < 1e-12

    def test_memory_grows_with_length_only_for_full_bptt(self):
        params = bptt.init_params(4, 32, 6, seed=0)
        rng = np.random.default_rng(0)
        memory = {}
        for steps in (50, 100, 200):
            inputs = rng.normal(size=(8, steps, 4))
            targets = rng.integers(0, 6, size=(8, steps))
            memory[steps] = (
                bptt.peak_memory_bytes(bptt.bptt, params, inputs, targets),
                bptt.peak_memory_bytes(bptt.truncated_bptt, params, inputs, targets, 10, 10),
            )
        full_slope_low = (memory[100][0] - memory[50][0]) / 50
        full_slope_high = (memory[200][0] - memory[100][0]) / 100
        assert full_slope_low > 0 and full_slope_high == pytest.approx(
            full_slope_low, rel=0.1
        )  # linear
        assert memory[200][0] > 3 * memory[50][0]
        assert memory[200][1] < 1.2 * memory[50][1]  # truncated: bounded by k2
        assert memory[200][1] < memory[200][0] / 5


class TestNumericalHelpers:
    def test_numerical_gradient_of_a_quadratic(self):
        params = {"w": np.array([[1.0, -2.0], [0.5, 3.0]])}
        grads = bptt.numerical_gradients(lambda p: float((p["w"] ** 2).sum()), params)
        np.testing.assert_allclose(grads["w"], 2 * params["w"], rtol=1e-8)

    def test_relative_error(self):
        a = np.array([1.0, 2.0])
        assert bptt.relative_error(a, a) == 0.0
        assert bptt.relative_error(a, -a) == pytest.approx(1.0)
        assert bptt.relative_error(np.zeros(2), np.zeros(2)) == 0.0

    def test_best_times_orders_and_validates(self):
        import time

        short, long = bptt.best_times(
            [lambda: time.sleep(0.002), lambda: time.sleep(0.02)], repeats=2
        )
        assert 0.002 <= short < long and long >= 0.02
        with pytest.raises(ValueError, match="`repeats` must be an integer >= 1, got 0$"):
            bptt.best_times([print], repeats=0)

    def test_statements_executed_counts_work_per_step(self):
        params = bptt.init_params(2, 3, 4, seed=0)
        rng = np.random.default_rng(0)
        counts = {}
        for steps in (5, 10, 20):
            inputs = rng.normal(size=(1, steps, 2))
            targets = rng.integers(0, 4, size=(1, steps))
            counts[steps] = (
                bptt.statements_executed(bptt.bptt, params, inputs, targets),
                bptt.statements_executed(bptt.truncated_bptt, params, inputs, targets, 1, steps),
            )
        # full BPTT: a fixed number of lines per step, so equal increments for equal steps of T
        assert counts[10][0] - counts[5][0] == (counts[20][0] - counts[10][0]) / 2
        # k1 = 1, k2 = T: every step goes back over the whole past, so the increments grow
        assert counts[20][1] - counts[10][1] > 2.5 * (counts[10][1] - counts[5][1])
        # the previous tracer (a debugger, coverage) is back afterwards, even when the call fails
        import sys

        before = sys.gettrace()
        with pytest.raises(ValueError):
            bptt.statements_executed(bptt.bptt, params, np.zeros((1, 3)), np.zeros((1, 3), int))
        assert sys.gettrace() is before

    def test_growth_fit_tells_linear_from_quadratic(self):
        lengths = np.array([200, 400, 600, 800, 1000])
        linear = bptt.growth_fit(lengths, 3.0 * lengths)
        assert linear["exponent"] == pytest.approx(1.0, abs=1e-9)
        assert abs(linear["quadratic_share"]) < 1e-9
        overhead = bptt.growth_fit(lengths, 500.0 + 3.0 * lengths)
        assert 0.7 < overhead["exponent"] < 1.0 and abs(overhead["quadratic_share"]) < 1e-9
        square = bptt.growth_fit(lengths, 1e-3 * lengths**2.0)
        assert square["exponent"] == pytest.approx(2.0, abs=1e-9)
        assert square["quadratic_share"] == pytest.approx(1.0, abs=1e-9)
        # the reference by hand: a + b T + c T^2 with a = 1, b = 2, c = 0.5
        mixed = bptt.growth_fit(lengths, 1 + 2 * lengths + 0.5 * lengths**2.0)
        assert mixed["quadratic_share"] == pytest.approx(0.5e6 / (1 + 2e3 + 0.5e6), rel=1e-6)
        slope = np.polyfit(np.log(lengths), np.log(1 + 2 * lengths + 0.5 * lengths**2.0), 1)[0]
        assert mixed["exponent"] == pytest.approx(slope)
        with pytest.raises(ValueError, match="`lengths`"):
            bptt.growth_fit([1, 1, 2], [1, 2, 3])
        with pytest.raises(ValueError, match="`costs`"):
            bptt.growth_fit([1, 2, 3], [1, 0, 3])

    def test_peak_memory_counts_numpy_arrays(self):
        measured = bptt.peak_memory_bytes(lambda: np.ones(100_000))
        assert 800_000 <= measured < 900_000


class TestBadInput:
    def test_wrong_input_width(self, problem):
        params, inputs, targets, _ = problem
        with pytest.raises(
            ValueError,
            match=r"`inputs` must be of shape \(batch, time, 4\), "
            r"got \(3, 7, 2\)$",
        ):
            bptt.bptt(params, inputs[..., :2], targets)

    def test_targets_out_of_range(self, problem):
        params, inputs, targets, _ = problem
        with pytest.raises(
            ValueError,
            match=r"`targets` must hold integer ids in \[0, 6\), "
            r"got \d+ at index \(0, 0\)$",
        ):
            bptt.bptt(params, inputs, targets + CLASSES)
        with pytest.raises(ValueError, match=r"`targets` must be of shape \(3, 7\), got \(3, 6\)$"):
            bptt.bptt(params, inputs, targets[:, 1:])

    def test_float_targets(self, problem):
        params, inputs, targets, _ = problem
        with pytest.raises(
            ValueError,
            match=r"`targets` must be an array of integers, "
            r"got an array of shape \(3, 7\) and dtype float64$",
        ):
            bptt.bptt(params, inputs, targets.astype(float))

    def test_missing_parameter(self, problem):
        params, inputs, targets, _ = problem
        del params["bias"]
        with pytest.raises(ValueError, match=r"params is missing \['bias'\]"):
            bptt.bptt(params, inputs, targets)

    def test_wrong_recurrent_shape(self, problem):
        params, inputs, targets, _ = problem
        params["recurrent_kernel"] = params["recurrent_kernel"][:, :3]
        with pytest.raises(
            ValueError,
            match=r"`params\['recurrent_kernel'\]` must be of shape "
            r"\(5, 5\), got \(5, 3\)$",
        ):
            bptt.bptt(params, inputs, targets)

    @pytest.mark.parametrize(
        "k1,k2,message",
        [
            (0, 3, "`k1` must be an integer >= 1, got 0$"),
            (
                3,
                2,
                "k2 must be >= k1 so every loss is back-propagated at least once, got k1=3, k2=2$",
            ),
            (2.5, 3, "`k1` must be an integer >= 1, got 2.5$"),
            (True, 2, "`k1` must be an integer >= 1, got True$"),
            (2, np.int64(0), r"`k2` must be an integer >= 1, got np.int64\(0\)$"),
        ],
    )
    def test_bad_truncation(self, problem, k1, k2, message):
        params, inputs, targets, _ = problem
        with pytest.raises(ValueError, match=message):
            bptt.truncated_bptt(params, inputs, targets, k1, k2)

    def test_bad_initial_state(self, problem):
        params, inputs, targets, _ = problem
        with pytest.raises(
            ValueError,
            match=r"`initial_state` must be of shape \(3, 5\), "
            r"got \(3, 6\)$",
        ):
            bptt.bptt(params, inputs, targets, np.zeros((BATCH, UNITS + 1)))

    def test_params_from_weights_count(self):
        with pytest.raises(ValueError, match="expected 5 arrays"):
            bptt.params_from_weights([np.zeros((2, 2))])
