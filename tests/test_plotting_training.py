"""course_utils.plotting.training: per-epoch curves from histories (no training needed)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils.plotting.training import plot_history  # noqa: E402
from course_utils.training.engine import TrainingHistory  # noqa: E402

RECORDED = {
    "loss": [2.0, 1.5, 1.2],
    "accuracy": [0.3, 0.5, 0.6],
    "val_loss": [2.1, 1.7, 1.4],
    "val_accuracy": [0.25, 0.45, 0.55],
    "grad_norm": [3.0, 2.0, 1.0],
}


class TestPlotHistory:
    def teardown_method(self):
        plt.close("all")

    def test_one_panel_per_metric_with_validation_dashed(self):
        axes = plot_history(RECORDED)
        assert [ax.get_ylabel() for ax in axes] == ["loss", "accuracy (fraction correct)"]
        train_line, val_line = axes[0].get_lines()
        np.testing.assert_array_equal(train_line.get_ydata(), RECORDED["loss"])
        np.testing.assert_array_equal(val_line.get_ydata(), RECORDED["val_loss"])
        assert val_line.get_linestyle() == "--" and axes[0].get_xlabel() == "epoch"

    def test_overlay_and_divergence_marker(self):
        diverged = TrainingHistory()
        diverged.history = {"loss": [1.0, 5.0], "grad_norm": [1.0, 1e6]}
        diverged.diverged = "Training stopped at step 9 (epoch 2): ..."
        axes = plot_history(diverged, metrics=("loss", "grad_norm"), label="no clipping")
        plot_history(RECORDED, metrics=("loss", "grad_norm"), axes=axes, label="clip_norm=1.0")
        assert axes[1].get_yscale() == "log"
        labels = [line.get_label() for line in axes[0].get_lines()]
        assert "no clipping, training" in labels and "clip_norm=1.0, validation" in labels
        crosses = [line for line in axes[0].get_lines() if line.get_marker() == "x"]
        assert len(crosses) == 1 and crosses[0].get_ydata()[0] == 5.0

    def test_bad_input(self):
        with pytest.raises(ValueError, match="no recorded values for \\['perplexity'\\]"):
            plot_history(RECORDED, metrics=("perplexity",))
        with pytest.raises(ValueError, match="`axes` must be one per metric: 2 axes, got 1$"):
            plot_history(
                RECORDED, metrics=("loss", "accuracy"), axes=plot_history(RECORDED, "loss")
            )
        with pytest.raises(TypeError, match="history must be"):
            plot_history([1.0, 2.0])
