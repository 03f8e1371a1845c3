"""Tests for course_utils.layers.memory_networks: echo state network and Hopfield network."""

import itertools

import numpy as np
import pytest
import keras

from course_utils.layers.memory_networks import EchoStateNetwork, HopfieldNetwork

BATCH, TIME, FEATURES, UNITS = 4, 30, 2, 20


def make_data(seed=0, outputs=1):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (BATCH, TIME, FEATURES)).astype("float32")
    y = np.cumsum(x[..., :outputs], axis=1) * 0.1 + np.roll(x[..., -1:], 3, axis=1)
    return x, y


def reference_readout(states, targets, ridge):
    """Ridge regression with an unpenalised bias, as an augmented least-squares problem."""
    design = np.c_[states, np.ones(len(states))]
    penalty_rows = np.c_[np.sqrt(ridge) * np.eye(states.shape[1]), np.zeros(states.shape[1])]
    augmented = np.r_[design, penalty_rows]
    padded = np.r_[targets, np.zeros((states.shape[1], targets.shape[1]))]
    return np.linalg.lstsq(augmented, padded, rcond=None)[0]


class TestEchoStateNetwork:
    @pytest.mark.parametrize("radius", [0.5, 0.95, 1.3])
    def test_measured_spectral_radius(self, radius):
        esn = EchoStateNetwork(UNITS, 1, spectral_radius=radius, connectivity=0.5, seed=3)
        esn.build((None, TIME, FEATURES))
        recurrent = esn.reservoir.cell.recurrent_kernel.numpy().astype("float64")
        assert abs(np.max(np.abs(np.linalg.eigvals(recurrent))) - radius) < 1e-5
        assert 0.3 < np.mean(recurrent != 0) < 0.7
        assert np.abs(esn.reservoir.cell.kernel.numpy()).max() <= 1.0  # input_scaling=1

    def test_reservoir_is_frozen_and_follows_the_leaky_equation(self):
        esn = EchoStateNetwork(UNITS, 1, leak_rate=0.3, bias_scaling=0.2, seed=1)
        x, _ = make_data()
        states = esn.reservoir_states(x)
        assert esn.trainable_weights == []
        cell = esn.reservoir.cell
        w_in, w, b = (
            v.numpy().astype("float64") for v in (cell.kernel, cell.recurrent_kernel, cell.bias)
        )
        hidden = np.zeros((BATCH, UNITS))
        for t in range(TIME):
            hidden = 0.7 * hidden + 0.3 * np.tanh(x[:, t] @ w_in + hidden @ w + b)
        np.testing.assert_allclose(states[:, -1], hidden, atol=1e-5)

    @pytest.mark.parametrize("ridge", [0.0, 1e-2])
    def test_readout_equals_numpy_least_squares(self, ridge):
        esn = EchoStateNetwork(UNITS, 2, ridge=ridge, washout=5, seed=0)
        x, y = make_data(outputs=2)
        esn.fit(x, y)
        states = esn.reservoir_states(x)[:, 5:].reshape(-1, UNITS).astype("float64")
        solution = reference_readout(states, y[:, 5:].reshape(-1, 2), ridge)
        np.testing.assert_allclose(esn.readout_kernel.numpy(), solution[:-1], atol=2e-4)
        np.testing.assert_allclose(esn.readout_bias.numpy(), solution[-1], atol=2e-4)
        prediction = esn.predict(x)
        assert prediction.shape == (BATCH, TIME, 2)
        np.testing.assert_allclose(
            prediction, esn.reservoir_states(x) @ solution[:-1] + solution[-1], atol=2e-4
        )

    def test_last_step_readout(self):
        esn = EchoStateNetwork(UNITS, 1, return_sequences=False, ridge=1e-3, seed=2)
        x, y = make_data()
        esn.fit(x, y[:, -1])
        solution = reference_readout(
            esn.reservoir_states(x)[:, -1].astype("float64"), y[:, -1], 1e-3
        )
        np.testing.assert_allclose(
            esn.predict(x), esn.reservoir_states(x)[:, -1] @ solution[:-1] + solution[-1], atol=2e-4
        )

    def test_keras_file_round_trip(self, tmp_path):
        esn = EchoStateNetwork(UNITS, 1, leak_rate=0.5, seed=4)
        x, y = make_data()
        esn.fit(x, y)
        model = keras.Sequential([keras.Input((TIME, FEATURES)), esn])
        model.save(tmp_path / "esn.keras")
        loaded = keras.saving.load_model(tmp_path / "esn.keras")
        np.testing.assert_array_equal(loaded(x), model(x))

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"spectral_radius": 0.0}, r"`spectral_radius` must be a finite number > 0, got 0.0$"),
            ({"spectral_radius": -1}, r"`spectral_radius` must be a finite number > 0, got -1$"),
            ({"leak_rate": 0.0}, r"`leak_rate` must be a number in \(0, 1\], got 0.0$"),
            ({"connectivity": 1.5}, r"`connectivity` must be a number in \(0, 1\], got 1.5$"),
            ({"ridge": -1e-3}, r"`ridge` must be a finite number >= 0, got -0.001$"),
            ({"washout": -1}, r"`washout` must be an integer >= 0, got -1$"),
            ({"units": 0}, r"`units` must be an integer >= 1, got 0$"),
            ({"seed": 1.5}, r"`seed` must be an integer >= 0, got 1.5$"),
        ],
    )
    def test_bad_arguments_raise(self, kwargs, message):
        arguments = {"units": UNITS, "output_units": 1, **kwargs}
        with pytest.raises(ValueError, match=message):
            EchoStateNetwork(**arguments)

    def test_bad_shapes_raise(self):
        esn = EchoStateNetwork(UNITS, 1)
        x, y = make_data()
        with pytest.raises(ValueError, match=r"y must have shape \(4, 30, 1\) .* got \(4, 30\)"):
            esn.fit(x, y[..., 0])
        with pytest.raises(
            ValueError,
            match=r"`x` must be of shape \(batch, time, features\), "
            r"got \(4, 30\)$",
        ):
            esn.fit(x[..., 0], y)
        with pytest.raises(ValueError, match="washout=40 leaves no steps of the 30 given"):
            EchoStateNetwork(UNITS, 1, washout=40).fit(x, y)


def random_patterns(count, size, seed):
    return np.random.default_rng(seed).choice([-1, 1], size=(count, size))


class TestHopfieldNetwork:
    def test_hebbian_weights_by_brute_force(self):
        patterns = random_patterns(3, 6, seed=0)
        net = HopfieldNetwork(6).store(patterns[:2]).store(patterns[2])
        for i, j in itertools.product(range(6), repeat=2):
            expected = 0.0 if i == j else sum(p[i] * p[j] for p in patterns) / 6
            assert net.weights[i, j] == pytest.approx(expected)
        state = patterns[0]
        brute = -0.5 * sum(
            net.weights[i, j] * state[i] * state[j]
            for i, j in itertools.product(range(6), repeat=2)
        )
        assert net.energy(state) == pytest.approx(brute)

    @pytest.mark.parametrize("mode", ["asynchronous", "synchronous"])
    def test_stored_patterns_are_fixed_points(self, mode):
        patterns = random_patterns(4, 100, seed=1)
        net = HopfieldNetwork(100).store(patterns)
        np.testing.assert_array_equal(net.recall(patterns, mode=mode, max_sweeps=1), patterns)

    @pytest.mark.parametrize("mode", ["asynchronous", "synchronous"])
    def test_corrupted_pattern_is_recalled_and_energy_drops(self, mode):
        patterns = random_patterns(4, 100, seed=2)
        net = HopfieldNetwork(100).store(patterns)
        noisy = patterns[1].copy()
        noisy[np.random.default_rng(0).choice(100, 15, replace=False)] *= -1
        recalled = net.recall(noisy, mode=mode)
        np.testing.assert_array_equal(recalled, patterns[1])
        assert net.energy(recalled) < net.energy(noisy)

    def test_energy_never_rises_asynchronously(self):
        net = HopfieldNetwork(30).store(random_patterns(3, 30, seed=3))
        state = random_patterns(1, 30, seed=4)[0]
        energies = [net.energy(state)]
        for sweep in range(5):
            state = net.recall(state, max_sweeps=1, seed=sweep)
            energies.append(net.energy(state))
        assert all(b <= a + 1e-12 for a, b in zip(energies, energies[1:]))

    def test_bad_patterns_raise(self):
        net = HopfieldNetwork(8)
        with pytest.raises(ValueError, match=r"shape \(8,\) or \(count, 8\) .* got shape \(2, 5\)"):
            net.store(np.ones((2, 5)))
        with pytest.raises(ValueError, match=r"only -1 and \+1, got values \[0\]"):
            net.store(np.array([1, 0, 1, -1, 1, 1, -1, 1]))
        with pytest.raises(ValueError, match="got shape \\(7,\\)"):
            net.recall(np.ones(7))
        with pytest.raises(
            ValueError, match="`mode` must be one of 'asynchronous', 'synchronous', got 'parallel'$"
        ):
            net.recall(np.ones(8), mode="parallel")
        with pytest.raises(ValueError, match="`max_sweeps` must be an integer >= 1, got 0$"):
            net.recall(np.ones(8), max_sweeps=0)
        with pytest.raises(ValueError, match="`size` must be an integer >= 1, got 0$"):
            HopfieldNetwork(0)
