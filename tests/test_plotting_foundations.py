"""Tests for course_utils.plotting.foundations (the figures of notebooks 01-04 not covered by
tests/test_gradients.py): the lines carry the data."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.foundations import plot_loss_by_context  # noqa: E402


def test_one_line_per_model_with_the_given_values():
    lengths = (1, 2, 4, 8)
    losses = {"RNN": [3.0, 2.5, 2.2, 2.1], "4-gram": [2.9, 2.3, 2.2, 2.2]}
    ax = plot_loss_by_context(lengths, losses, title="context")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["RNN", "4-gram"]
    for line, values in zip(lines, losses.values()):
        np.testing.assert_array_equal(line.get_xdata(), lengths)
        np.testing.assert_array_equal(line.get_ydata(), values)
    assert ax.get_xscale() == "log" and ax.get_title() == "context"
    plt.close(ax.figure)


def test_mismatched_lengths_name_the_model():
    with pytest.raises(ValueError, match="'RNN'"):
        plot_loss_by_context((1, 2), {"RNN": [1.0, 2.0, 3.0]})
