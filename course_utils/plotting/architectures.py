"""Pictures of bidirectional and deep recurrent networks, and learning curves to compare models.

`plot_bidirectional` draws the unrolled bidirectional network: a forward chain of states running
left to right, a backward chain running right to left, both reading the same inputs, and an output
at every step that sees both. `plot_deep_variants` draws the ways of making an RNN deep side by
side (stacked layers, a deep transition, a deep transition with a shortcut, a residual stack) with
the shortest path from h_{t-1} to h_t highlighted. `plot_learning_curves` overlays the per-epoch
curves of several `TrainingHistory` objects.

Example:
    fig = plot_bidirectional(steps=4)
    fig = plot_learning_curves({"plain": history_a, "residual": history_b}, metric="loss")
"""
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator

__all__ = ["plot_bidirectional", "plot_deep_variants", "plot_learning_curves"]

COLORS = {"input": "#f8c8dc", "forward": "#b7e4c7", "backward": "#ffd6a5", "output": "#bde0fe",
          "hidden": "#e9ecef"}


def _box(ax, x, y, text, color, width=0.8, height=0.5):
    ax.add_patch(plt.Rectangle((x - width / 2, y - height / 2), width, height, facecolor=color,
                               edgecolor="black", lw=1.0, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=3)


def _arrow(ax, start, end, color="black", lw=1.1, rad=0.0):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, lw=lw, color=color,
                                 connectionstyle=f"arc3,rad={rad}", zorder=1))


def plot_bidirectional(steps=4, ax=None):
    """Unrolled bidirectional RNN: inputs x_t, forward states h→_t, backward states h←_t, outputs y_t.

    Args:
        steps: number of time steps drawn (2..8).
        ax: optional matplotlib axes.

    Returns:
        The matplotlib Figure.
    """
    if not isinstance(steps, int) or not 2 <= steps <= 8:
        raise ValueError(f"steps must be an int in 2..8, got {steps!r}")
    if ax is None:
        _, ax = plt.subplots(figsize=(1.6 * steps + 1.5, 3.6))
    rows = {"input": 0.0, "forward": 1.2, "backward": 2.4, "output": 3.6}
    for t in range(steps):
        x = 1.5 * t
        _box(ax, x, rows["input"], f"$x_{t + 1}$", COLORS["input"])
        _box(ax, x, rows["forward"], rf"$\overrightarrow{{h}}_{t + 1}$", COLORS["forward"])
        _box(ax, x, rows["backward"], rf"$\overleftarrow{{h}}_{t + 1}$", COLORS["backward"])
        _box(ax, x, rows["output"], f"$y_{t + 1}$", COLORS["output"])
        _arrow(ax, (x, rows["input"] + 0.25), (x, rows["forward"] - 0.25))
        _arrow(ax, (x - 0.3, rows["input"] + 0.25), (x - 0.3, rows["backward"] - 0.25), color="0.45", rad=0.25)
        _arrow(ax, (x + 0.3, rows["forward"] + 0.25), (x + 0.3, rows["output"] - 0.25), color="0.45", rad=-0.2)
        _arrow(ax, (x, rows["backward"] + 0.25), (x, rows["output"] - 0.25))
        if t + 1 < steps:
            _arrow(ax, (x + 0.4, rows["forward"]), (x + 1.1, rows["forward"]), color="#2d6a4f", lw=1.6)
            _arrow(ax, (x + 1.1, rows["backward"]), (x + 0.4, rows["backward"]), color="#bc6c25", lw=1.6)
    ax.text(-1.0, rows["forward"], "forward\npass", ha="right", va="center", fontsize=9, color="#2d6a4f")
    ax.text(-1.0, rows["backward"], "backward\npass", ha="right", va="center", fontsize=9, color="#bc6c25")
    ax.set_xlim(-2.2, 1.5 * (steps - 1) + 0.8)
    ax.set_ylim(-0.5, 4.1)
    ax.set_axis_off()
    ax.set_title(r"$y_t$ sees $x_1..x_t$ through $\overrightarrow{h}_t$ and $x_t..x_T$ through $\overleftarrow{h}_t$")
    return ax.figure


def _chain(ax, x0, rows, highlight_rows, label, skip=None):
    """Two time steps of one variant; rows: list of (y, text, color) from input to top state."""
    for column, t in enumerate(("t-1", "t")):
        x = x0 + 1.6 * column
        for y, text, color in rows:
            _box(ax, x, y, text.replace("@", t), color, width=0.9)
        for (y0, *_), (y1, *_) in zip(rows[:-1], rows[1:]):
            _arrow(ax, (x, y0 + 0.25), (x, y1 - 0.25))
    for y, *_ in rows[1:]:
        if y in highlight_rows:
            _arrow(ax, (x0 + 0.45, y), (x0 + 1.15, y), color="#c1121f", lw=2.0)
    if skip is not None:
        skip(ax, x0)
    ax.text(x0 + 0.8, -0.8, label, ha="center", va="top", fontsize=9)


def plot_deep_variants(ax=None):
    """Four ways to deepen an RNN, two time steps each; the recurrent (red) arrows show the path
    from step t-1 to step t and, with the labels, how many layers it crosses.

    Returns:
        The matplotlib Figure.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(11, 3.8))
    hidden, state = COLORS["hidden"], COLORS["forward"]
    _chain(ax, 0.0, [(0, "$x_{@}$", COLORS["input"]), (1.2, "$h^1_{@}$", state), (2.4, "$h^2_{@}$", state),
                     (3.6, "$h^3_{@}$", state)], {1.2, 2.4, 3.6}, "(a) stacked layers\nt-1 → t: 1 layer per level")

    def transition(ax, x0):  # the MLP sits between h_{t-1} and h_t
        _arrow(ax, (x0 + 0.45, 3.6), (x0 + 1.15, 1.2), color="#c1121f", lw=2.0)

    _chain(ax, 3.6, [(0, "$x_{@}$", COLORS["input"]), (1.2, "$z^1_{@}$", hidden), (2.4, "$z^2_{@}$", hidden),
                     (3.6, "$h_{@}$", state)], set(), "(b) deep transition (MLP)\nt-1 → t: 3 layers", transition)

    def shortcut(ax, x0):
        transition(ax, x0)
        _arrow(ax, (x0 + 0.45, 3.75), (x0 + 1.15, 3.75), color="#0077b6", lw=2.0)

    _chain(ax, 7.2, [(0, "$x_{@}$", COLORS["input"]), (1.2, "$z^1_{@}$", hidden), (2.4, "$z^2_{@}$", hidden),
                     (3.6, "$h_{@}$", state)], set(), "(c) deep transition + shortcut\nt-1 → t: 1 layer (blue)",
           shortcut)

    def residual(ax, x0):
        for x in (x0, x0 + 1.6):
            for low, high in ((1.2, 2.4), (2.4, 3.6)):  # y^l = y^{l-1} + RNN_l(y^{l-1})
                _arrow(ax, (x + 0.45, low + 0.1), (x + 0.45, high - 0.1), color="#0077b6", lw=1.6, rad=0.6)

    _chain(ax, 10.8, [(0, "$x_{@}$", COLORS["input"]), (1.2, "$h^1_{@}$", state), (2.4, "$h^2_{@}$", state),
                      (3.6, "$h^3_{@}$", state)], {1.2, 2.4, 3.6},
           "(d) stacked + residual\nidentity paths between layers (blue)", residual)
    ax.set_xlim(-0.7, 13.3)
    ax.set_ylim(-1.6, 4.1)
    ax.set_axis_off()
    return ax.figure


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
