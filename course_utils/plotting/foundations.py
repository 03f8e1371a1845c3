"""Figures for the foundations part (notebooks 01-04): computational graphs, backpropagation
through time and vanishing / exploding gradients.

    plot_unfolding          the rolled graph of s(t) = f(s(t-1), x(t); θ) (one state node with a
    loop
                            through a one-step delay, the black square) next to the unrolled graph,
                            where the single θ is connected to every copy of f
    plot_design_patterns    one-to-one, one-to-many, many-to-one, many-to-many synced and unsynced
    plot_gradient_norms     ‖∂L/∂h_k‖ against the step k on a log scale, one curve per setting,
                            optionally with the straight line a per-step factor predicts
    plot_runs_against_baseline  per-epoch losses of several runs: log scale, and a linear zoom
                            around a baseline's loss (drawn dashed)
    plot_cost_vs_length     memory or time of full vs truncated BPTT against the length T, with fits
    plot_truncation_error   how far the truncated gradient is from the full one, against k2

Example:
    fig = plot_unfolding(steps=3)          # two panels: rolled | unrolled for 3 steps
    plot_gradient_norms({"ρ = 0.9": norms_a, "ρ = 1.1": norms_b},
                        predicted={"ρ = 0.9": 0.9, "ρ = 1.1": 1.1});
"""

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle
from matplotlib.path import Path
import numpy as np

from course_utils.validation import integer


STATE_COLOR, INPUT_COLOR, OUTPUT_COLOR, PARAM_COLOR = "#b7e4c7", "#f8c8dc", "#bde0fe", "#ffe8a3"
RADIUS = 0.32


def _node(ax, x, y, label, color, radius=RADIUS, square=False):
    if square:
        patch = FancyBboxPatch(
            (x - radius, y - radius * 0.8),
            2 * radius,
            1.6 * radius,
            boxstyle="round,pad=0.02",
            facecolor=color,
            edgecolor="black",
            lw=1.2,
        )
    else:
        patch = Circle((x, y), radius, facecolor=color, edgecolor="black", lw=1.2)
    ax.add_patch(patch)
    ax.text(x, y, label, ha="center", va="center", fontsize=11)


def _arrow(
    ax,
    start,
    end,
    label=None,
    style="-|>",
    shrink=RADIUS,
    connection="arc3",
    dashed=False,
    color="black",
    label_offset=(0.0, 0.15),
):
    arrow = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=12,
        lw=1.2,
        color=color,
        shrinkA=0,
        shrinkB=0,
        connectionstyle=connection,
        linestyle="--" if dashed else "-",
    )
    # shorten the arrow so it starts and ends on the circles' edges
    (x0, y0), (x1, y1) = start, end
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    if length > 2 * shrink and connection == "arc3":
        dx, dy = (x1 - x0) / length * shrink, (y1 - y0) / length * shrink
        arrow.set_positions((x0 + dx, y0 + dy), (x1 - dx, y1 - dy))
    ax.add_patch(arrow)
    if label:
        ax.text(
            (x0 + x1) / 2 + label_offset[0],
            (y0 + y1) / 2 + label_offset[1],
            label,
            ha="center",
            va="bottom",
            fontsize=10,
        )


def _finish(ax, title, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11)


def draw_rolled_graph(ax, with_input=True, state="s", inputs="x"):
    """Draw the rolled (recurrent) graph: s(t) feeding itself through a one-step delay."""
    _node(ax, 0, 0, rf"${state}^{{(t)}}$", STATE_COLOR)
    corners = [(RADIUS, 0), (0.8, 0), (0.8, 0.95), (0, 0.95), (0, RADIUS)]  # out, up, over, in
    loop = FancyArrowPatch(
        path=Path(corners, [Path.MOVETO] + [Path.LINETO] * 4),
        arrowstyle="-|>",
        mutation_scale=12,
        lw=1.2,
        color="black",
    )
    ax.add_patch(loop)
    ax.add_patch(Rectangle((0.33, 0.88), 0.14, 0.14, color="black", zorder=3))  # the one-step delay
    ax.text(0.9, 0.45, "$f$", fontsize=11, va="center")
    # θ parametrises f (the map from s(t-1) to s(t)), not the delay
    _node(ax, 1.75, 0.45, r"$\theta$", PARAM_COLOR, radius=0.22, square=True)
    _arrow(ax, (1.53, 0.45), (1.12, 0.45), dashed=True, shrink=0, color="0.35")
    if with_input:
        _node(ax, 0, -1.3, rf"${inputs}^{{(t)}}$", INPUT_COLOR)
        _arrow(ax, (0, -1.3), (0, 0))
    _finish(ax, "rolled", (-0.8, 2.1), (-1.8 if with_input else -0.6, 1.3))


def draw_unrolled_graph(ax, steps=3, with_input=True, state="s", inputs="x"):
    """Draw the graph unrolled for `steps` steps: s(0) → s(1) → ... → s(steps), one shared θ."""
    spacing = 1.6
    for t in range(steps + 1):
        _node(ax, t * spacing, 0, rf"${state}^{{({t})}}$", STATE_COLOR)
        if t == 0:
            continue
        _arrow(ax, ((t - 1) * spacing, 0), (t * spacing, 0), label="$f$", label_offset=(0, 0.05))
        if with_input:
            _node(ax, t * spacing, -1.3, rf"${inputs}^{{({t})}}$", INPUT_COLOR)
            _arrow(ax, (t * spacing, -1.3), (t * spacing, 0))
    theta_x = steps * spacing / 2
    _node(ax, theta_x, 1.5, r"$\theta$", PARAM_COLOR, radius=0.25, square=True)
    for t in range(1, steps + 1):
        middle = ((t - 0.5) * spacing, 0.3)
        _arrow(ax, (theta_x, 1.3), middle, dashed=True, shrink=0, color="0.35")
    _finish(
        ax,
        f"unrolled for {steps} steps (one θ, shared)",
        (-0.6, steps * spacing + 0.6),
        (-1.8 if with_input else -0.6, 1.9),
    )


def plot_unfolding(steps=3, with_input=True, state="s", inputs="x"):
    """Rolled graph (left) and the same graph unrolled for `steps` steps (right).

    Args:
        steps: number of time steps to unroll (1..8).
        with_input: draw the external input x(t) (s(t) = f(s(t-1), x(t); θ)) or not
            (the autonomous system s(t) = f(s(t-1); θ)).
        state, inputs: letters used for the state and the input.

    Returns:
        The matplotlib Figure.
    """
    steps = integer(steps, "steps", minimum=1, maximum=8)
    figure, (left, right) = plt.subplots(
        1,
        2,
        figsize=(2.6 + 1.35 * (steps + 1), 3.0),
        gridspec_kw={"width_ratios": [2.8, 1.6 * steps + 1.2]},
    )
    draw_rolled_graph(left, with_input, state, inputs)
    draw_unrolled_graph(right, steps, with_input, state, inputs)
    figure.tight_layout()
    gap_middle = (left.get_position().x1 + right.get_position().x0) / 2
    figure.text(gap_middle, 0.5, "unfold\n→", fontsize=11, ha="center", va="center")
    return figure


_PATTERNS = {
    # name: (number of columns, columns with an input, columns with an output)
    "one-to-one": (1, [0], [0]),
    "one-to-many": (4, [0], [0, 1, 2, 3]),
    "many-to-one": (4, [0, 1, 2, 3], [3]),
    "many-to-many (synced)": (4, [0, 1, 2, 3], [0, 1, 2, 3]),
    "many-to-many (unsynced)": (6, [0, 1, 2], [3, 4, 5]),
}


def plot_design_patterns(patterns=None):
    """Input/output patterns of recurrent models: inputs (pink, bottom), states (green, middle),
    outputs (blue, top); horizontal arrows carry the state from step to step.

    Args:
        patterns: names to draw, from "one-to-one", "one-to-many", "many-to-one",
            "many-to-many (synced)", "many-to-many (unsynced)"; all by default.

    Returns:
        The matplotlib Figure.
    """
    names = list(_PATTERNS) if patterns is None else list(patterns)
    unknown = [name for name in names if name not in _PATTERNS]
    if unknown or not names:
        raise ValueError(f"unknown patterns {unknown}; choose from {list(_PATTERNS)}")
    widths = [_PATTERNS[name][0] for name in names]
    figure, axes = plt.subplots(
        1,
        len(names),
        figsize=(0.62 * sum(widths) + 0.35 * len(names), 2.3),
        gridspec_kw={"width_ratios": [w + 0.4 for w in widths]},
    )
    axes = [axes] if len(names) == 1 else list(axes)
    for ax, name in zip(axes, names):
        columns, with_input, with_output = _PATTERNS[name]
        for c in range(columns):
            _node(ax, c, 0, "h", STATE_COLOR, radius=0.27)
            if c:
                _arrow(ax, (c - 1, 0), (c, 0), shrink=0.27)
            if c in with_input:
                _node(ax, c, -1.1, "x", INPUT_COLOR, radius=0.22, square=True)
                _arrow(ax, (c, -1.1), (c, 0), shrink=0.25)
            if c in with_output:
                _node(ax, c, 1.1, "y", OUTPUT_COLOR, radius=0.22, square=True)
                _arrow(ax, (c, 0), (c, 1.1), shrink=0.25)
        _finish(ax, name, (-0.55, columns - 0.45), (-1.5, 1.5))
    figure.tight_layout()
    return figure


def _axes(ax, figsize=(7.0, 3.5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_gradient_norms(
    norms_by_label, predicted=None, ax=None, title=None, ylabel=r"$\|\partial L / \partial h_k\|$"
):
    """Gradient norm against time step k = 1..T on a log scale.

    Args:
        norms_by_label: dict label -> (T,) array of norms (e.g. from
            `course_utils.analysis.gradients.hidden_state_gradient_norms`).
        predicted: optional dict label -> per-step factor r; draws the dashed line
            norm_T · r^(T - k) next to the measured curve.
        ax: axes to draw on (a new figure by default).

    Returns:
        The axes.
    """
    if not norms_by_label:
        raise ValueError("norms_by_label is empty: give at least one curve")
    ax = _axes(ax)
    for index, (label, norms) in enumerate(norms_by_label.items()):
        norms = np.asarray(norms, np.float64)
        if norms.ndim != 1:
            raise ValueError(
                f"norms for {label!r} must be one-dimensional, got shape {norms.shape}"
            )
        steps = np.arange(1, norms.size + 1)
        color = f"C{index}"
        ax.plot(steps, norms, color=color, lw=2, label=label)
        if predicted and label in predicted:
            line = norms[-1] * float(predicted[label]) ** (norms.size - steps)
            ax.plot(steps, line, color=color, lw=1, ls="--")
    if predicted:
        ax.plot([], [], color="0.4", lw=1, ls="--", label="predicted: factor$^{T-k}$")
    ax.set_yscale("log")
    ax.set_xlabel("time step k (the loss is at the last step)")
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=8, loc="best")
    if title:
        ax.set_title(title)
    return ax


def plot_runs_against_baseline(losses_by_label, baseline, zoom=4.0, title=None):
    """Per-epoch losses of several runs in two panels: all of them on a log scale (where a run
    that blows up is visible) and a linear zoom on `[0, zoom · baseline]` with the baseline drawn
    as a dashed line (where a run that ends above or below the baseline is visible).

    Args:
        losses_by_label: dict label -> (epochs,) losses (a run that stopped early may be shorter;
            non-finite values are left out).
        baseline: the loss of the baseline predictor, e.g. the MSE of a constant.
        zoom: upper end of the second panel, in units of `baseline`.

    Returns:
        The two axes.
    """
    if not losses_by_label:
        raise ValueError("losses_by_label is empty: give at least one run")
    baseline = float(baseline)
    if not np.isfinite(baseline) or baseline <= 0:
        raise ValueError(f"`baseline` must be a positive number, got {baseline}")
    figure, axes = plt.subplots(1, 2, figsize=(9.0, 3.3))
    for index, (label, losses) in enumerate(losses_by_label.items()):
        losses = np.asarray(losses, np.float64)
        if losses.ndim != 1:
            raise ValueError(f"losses for {label!r} must be one-dimensional, got {losses.shape}")
        epochs, finite = np.arange(1, losses.size + 1), np.isfinite(losses)
        for ax in axes:
            ax.plot(
                epochs[finite], losses[finite], color=f"C{index}", marker="o", ms=3, label=label
            )
    for ax in axes:
        ax.axhline(baseline, color="0.3", lw=1, ls="--", label="baseline")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
    axes[0].set_yscale("log")
    axes[0].set_title("all runs (log scale)")
    axes[1].set_ylim(0, zoom * baseline)
    axes[1].set_title("around the baseline (linear)")
    axes[1].legend(fontsize=8)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return axes


def plot_cost_vs_length(lengths, values_by_label, ylabel, ax=None, title=None, fit=True):
    """A cost (bytes, seconds) against sequence length T for several methods, with least-squares
    straight lines when `fit` is True.

    Args:
        lengths: (n,) sequence lengths T.
        values_by_label: dict label -> (n,) measured costs.
        ylabel: what was measured, with its unit, e.g. "peak memory (MiB)".

    Returns:
        The axes.
    """
    lengths = np.asarray(lengths, np.float64)
    ax = _axes(ax, figsize=(5.0, 3.3))
    for index, label, values in _series_over(lengths, values_by_label, "values"):
        ax.plot(lengths, values, "o", color=f"C{index}", label=label)
        if fit and lengths.size >= 2:
            slope, intercept = np.polyfit(lengths, values, 1)
            ax.plot(lengths, slope * lengths + intercept, color=f"C{index}", lw=1, ls="--")
    ax.set_xlabel("sequence length T (steps)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def _series_over(lengths, values_by_label, what):
    """(index, label, values as floats) for each line, each checked to have one value per length."""
    for index, (label, values) in enumerate(values_by_label.items()):
        values = np.asarray(values, np.float64)
        if values.shape != lengths.shape:
            raise ValueError(f"{label!r} has {values.shape} {what} for {lengths.shape} lengths")
        yield index, label, values


def plot_truncation_error(k2_values, errors, ax=None, title=None, label=None):
    """Relative error of the truncated-BPTT gradient against the full one, for each k2 (log y)."""
    k2_values, errors = np.asarray(k2_values), np.asarray(errors, np.float64)
    if k2_values.shape != errors.shape:
        raise ValueError(f"k2_values {k2_values.shape} and errors {errors.shape} must match")
    ax = _axes(ax, figsize=(5.0, 3.3))
    ax.plot(k2_values, np.maximum(errors, 1e-17), "o-", label=label)
    ax.set_yscale("log")
    ax.set_xlabel("k2 (steps each backward pass goes back)")
    ax.set_ylabel("relative error vs full BPTT")
    if label:
        ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax


def plot_loss_by_context(context_lengths, losses_by_label, ax=None, title=None):
    """Mean loss on the same characters against how many characters of context the model was
    given, one line per model (a flat line: the model uses no more context than that).

    Args:
        context_lengths: (n,) context lengths c (characters before the scored one), log x axis.
        losses_by_label: dict label -> (n,) mean losses in nats per character.

    Returns:
        The axes.
    """
    lengths = np.asarray(context_lengths, np.float64)
    ax = _axes(ax, figsize=(5.0, 3.3))
    for index, label, losses in _series_over(lengths, losses_by_label, "losses"):
        ax.plot(lengths, losses, "o-", color=f"C{index}", ms=4, label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths, [f"{int(c)}" for c in lengths])
    ax.set_xlabel("characters of context c")
    ax.set_ylabel("loss (nats per character)")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return ax
