"""Tests for course_utils.plotting.gated_memory: the numbers behind the plots, what is drawn, bad
input."""

import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plotting  # noqa: E402
from course_utils.plotting import gated_memory as sweeps  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


class TestAccuracyByLag:
    def test_matches_a_brute_force_count(self):
        rng = np.random.default_rng(0)
        lags = rng.integers(1, 100, size=500)
        correct = rng.random(500) < lags / 100
        edges, accuracies = sweeps.accuracy_by_lag(correct, lags, bins=4)
        assert edges[0] == 0 and edges[-1] == lags.max() and len(accuracies) == 4
        for low, high, value in zip(edges[:-1], edges[1:], accuracies):
            inside = [c for c, lag in zip(correct, lags) if low < lag <= high]
            assert value == pytest.approx(sum(inside) / len(inside))

    def test_explicit_edges_and_empty_bin(self):
        edges, accuracies = sweeps.accuracy_by_lag(
            [True, False, True], [1, 2, 9], bins=[0, 2, 5, 10]
        )
        assert list(edges) == [0, 2, 5, 10]
        assert accuracies[0] == 0.5 and np.isnan(accuracies[1]) and accuracies[2] == 1.0

    @pytest.mark.parametrize(
        "correct, lags, bins",
        [
            ([True, False], [1], 4),  # lengths differ
            ([], [], 4),  # empty
            ([True], [1], 0),  # no bins
            ([True], [1], [3, 2]),  # decreasing edges
            ([True], [1], 2.5),  # not an integer
        ],
    )
    def test_bad_input(self, correct, lags, bins):
        with pytest.raises(ValueError):
            sweeps.accuracy_by_lag(correct, lags, bins)

    @pytest.mark.parametrize("bins", [0, 2.5, True, [3, 2], [4]])
    def test_bad_bins_are_named(self, bins):
        with pytest.raises(
            ValueError,
            match=r"`bins` must be an integer >= 1 or an increasing "
            r"sequence of at "
            rf"least 2 bin edges, got {re.escape(repr(bins))}$",
        ):
            sweeps.accuracy_by_lag([True], [1], bins)


class TestPlots:
    def test_accuracy_by_lag_draws_one_line_per_model_and_chance(self):
        lags = np.arange(1, 41)
        ax = plotting.plot_accuracy_by_lag(
            {"a": lags < 20, "b": np.ones(40, bool)}, lags, chance=0.25
        )
        assert len(ax.lines) == 3
        np.testing.assert_allclose(ax.lines[1].get_ydata(), 1.0)
        with pytest.raises(ValueError):
            plotting.plot_accuracy_by_lag({}, lags)

    def test_length_sweep(self):
        rows = [
            {
                "model": model,
                "length": length,
                "accuracy": accuracy,
                "parameters": params,
                "seconds_per_step": None if length == 10 else 0.001 * length,
            }
            for model, params in (("RNN", 10), ("GRU", 30))
            for length, accuracy in ((10, 1.0), (100, 0.25 if model == "RNN" else 1.0))
        ]
        figure = plotting.plot_length_sweep(rows, chance=0.25, title="sweep")
        left, right = figure.axes
        assert [list(line.get_ydata()) for line in left.lines[:2]] == [[1.0, 0.25], [1.0, 1.0]]
        assert len(right.lines) == 2 and list(right.lines[0].get_ydata()) == [
            100.0
        ]  # ms, None left out
        with pytest.raises(ValueError, match="lacks"):
            plotting.plot_length_sweep([{"model": "RNN", "length": 10}])
        with pytest.raises(ValueError):
            plotting.plot_length_sweep([])

    def test_remedy_comparison(self):
        scores = {"baseline": 0.25, "leaky": 0.9, "echo": 1.0}
        ax = plotting.plot_remedy_comparison(scores, baseline="baseline", chance=0.25)
        widths = sorted(patch.get_width() for patch in ax.patches)
        assert widths == [0.25, 0.9, 1.0]
        with pytest.raises(ValueError, match="baseline"):
            plotting.plot_remedy_comparison(scores, baseline="missing")
        with pytest.raises(ValueError):
            plotting.plot_remedy_comparison({})

    def test_binary_patterns(self):
        pattern = np.where(np.arange(12) % 2, 1, -1)
        figure = plotting.plot_binary_patterns(
            {"stored": pattern, "flipped": -pattern}, shape=(3, 4)
        )
        assert len(figure.axes) == 2
        np.testing.assert_array_equal(figure.axes[0].images[0].get_array(), pattern.reshape(3, 4))
        with pytest.raises(ValueError, match="shape"):
            plotting.plot_binary_patterns({"stored": pattern}, shape=(5, 5))
        with pytest.raises(ValueError):
            plotting.plot_binary_patterns({}, shape=(3, 4))
