"""Training curves: loss, metrics and gradient norm per epoch from one or several training runs
(`plot_history` for one run in detail, `plot_learning_curves` to overlay several).

Works with what `course_utils.train` returns (`TrainingHistory`), with a `keras.callbacks.History`
and with a plain dict name -> list of per-epoch values. Training and validation values of the same
metric share one panel (solid and dashed); a run that stopped on NaN/Inf gets a red cross at its
last recorded epoch. Pass the returned axes back in, with a `label`, to overlay another run.

Example:
    axes = plot_history(diverging, metrics=("loss", "grad_norm"), label="no clipping")
    plot_history(clipped, metrics=("loss", "grad_norm"), axes=axes, label="clip_norm=1")
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from course_utils.validation import fail_described

__all__ = ["plot_history", "plot_learning_curves"]


def panel_axes(axes, count, what, **subplots):
    """`(figure, list of count axes)`: new ones from `plt.subplots(**subplots)` if `axes` is None,
    else the given axes, which must be exactly one per `what` (e.g. "metric")."""
    if axes is None:
        figure, grid = plt.subplots(squeeze=False, **subplots)
        return figure, list(grid.ravel())
    axes = list(np.ravel(axes))
    if len(axes) != count:
        fail_described("axes", f"one per {what}: {count} axes", f"{len(axes)}")
    return axes[0].figure, axes


Y_LABELS = {
    "loss": "loss",
    "accuracy": "accuracy (fraction correct)",
    "grad_norm": "gradient norm (before clipping)",
    "perplexity": "perplexity",
}
LOG_SCALE = {"grad_norm"}


def _history_dict(history):
    values = getattr(history, "history", history)
    if not isinstance(values, dict):
        raise TypeError(
            "history must be a TrainingHistory, a keras History or a dict of lists, "
            f"got {type(history).__name__}"
        )
    return values


def plot_history(history, metrics=None, *, axes=None, label=None, title=None, log_scale=None):
    """Plot per-epoch curves, one panel per metric, validation dashed beside training.

    Args:
        history: `TrainingHistory`, `keras.callbacks.History` or dict name -> list of floats.
        metrics: names to plot (without the `val_` prefix); default: every recorded name except
            `grad_norm` and the `val_` copies.
        axes: axes from an earlier call, to overlay this run (one per metric).
        label: name of this run in the legend (e.g. "clip_norm=1.0").
        title: optional figure title.
        log_scale: names drawn on a log y axis (default: `grad_norm`).

    Returns:
        A list of matplotlib Axes, one per metric.

    Example:
        axes = plot_history(history, metrics=("loss", "accuracy"))  # two panels
    """
    values = _history_dict(history)
    if metrics is None:
        metrics = [name for name in values if not name.startswith("val_") and name != "grad_norm"]
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    missing = [name for name in metrics if name not in values and f"val_{name}" not in values]
    if missing or not metrics:
        raise ValueError(
            f"no recorded values for {missing or metrics!r}; the history has {sorted(values)}"
        )
    log_scale = LOG_SCALE if log_scale is None else set(log_scale)
    fig, axes = panel_axes(
        axes,
        len(metrics),
        "metric",
        nrows=1,
        ncols=len(metrics),
        figsize=(3.6 * len(metrics) + 0.6, 3.2),
    )
    diverged = getattr(history, "diverged", None)
    for ax, name in zip(axes, metrics):
        color = None
        for key, style, suffix in ((name, "-", "training"), (f"val_{name}", "--", "validation")):
            if key not in values or not len(values[key]):
                continue
            curve = np.asarray(values[key], dtype=float)
            epochs = np.arange(1, len(curve) + 1)
            text = f"{label}, {suffix}" if label else suffix
            (line,) = ax.plot(
                epochs, curve, style, color=color, marker="o", markersize=3, label=text
            )
            color = line.get_color()
            if diverged and key == name:
                ax.plot(epochs[-1], curve[-1], "x", color="red", markersize=10, mew=2)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(Y_LABELS.get(name, name))
        if name in log_scale:
            ax.set_yscale("log")
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return axes


def plot_learning_curves(histories, metric="loss", ax=None, ylabel=None, log_scale=False):
    """Overlay one per-epoch metric of several training runs.

    Args:
        histories: dict name -> `TrainingHistory` (or anything with a `.history` dict, or a dict
            of lists itself).
        metric: key in each history, e.g. "loss", "val_accuracy".
        ax: optional matplotlib axes.
        ylabel: y-axis label (default: the metric's name).
        log_scale: logarithmic y axis.

    Returns:
        The matplotlib Figure.
    """
    if not histories:
        raise ValueError("histories is empty; expected a dict name -> history")
    if ax is None:
        _, ax = plt.subplots()
    for name, history in histories.items():
        values = getattr(history, "history", history)
        if metric not in values:
            raise ValueError(f"run {name!r} has no metric {metric!r}; it has {sorted(values)}")
        ax.plot(range(1, len(values[metric]) + 1), values[metric], marker=".", label=name)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel or metric)
    if log_scale:
        ax.set_yscale("log")
    ax.legend()
    return ax.figure
