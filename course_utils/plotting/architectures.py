"""Figures for the architectures part (notebooks 08-10): bidirectional and deep recurrent
networks, and binary trees with what a recursive network computed at each node.

`plot_bidirectional` draws the unrolled bidirectional network: a forward chain running left to
right, a backward chain running right to left, both reading the same inputs, and an output at every
step that sees both. `plot_deep_variants` draws the ways of making an RNN deep side by side (stacked
layers, a deep transition, a deep transition with a shortcut, a residual stack) with the shortest
path from h_{t-1} to h_t highlighted. `plot_tree` lays the leaves out left to right in reading
order, puts every parent above the middle of its children, colours each node by a scalar with a
short label inside, and can add a heat strip of the node's state vector above it.

Example:
    fig = plot_bidirectional(steps=4)
    fig = plot_tree(children, words=["not", "good"], node_values=p_positive,
                    node_labels=["-", "+", "-"], node_vectors=states)   # states (3, units)
"""

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch
import numpy as np

from course_utils.layers.trees import node_depths, validate_tree
from course_utils.validation import integer


__all__ = [
    "plot_bidirectional",
    "plot_deep_variants",
    "plot_tree",
    "tree_layout",
]


COLORS = {
    "input": "#f8c8dc",
    "forward": "#b7e4c7",
    "backward": "#ffd6a5",
    "output": "#bde0fe",
    "hidden": "#e9ecef",
}


def _box(ax, x, y, text, color, width=0.8, height=0.5):
    ax.add_patch(
        plt.Rectangle(
            (x - width / 2, y - height / 2),
            width,
            height,
            facecolor=color,
            edgecolor="black",
            lw=1.0,
            zorder=2,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=9, zorder=3)


def _arrow(ax, start, end, color="black", lw=1.1, rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=10,
            lw=lw,
            color=color,
            connectionstyle=f"arc3,rad={rad}",
            zorder=1,
        )
    )


def plot_bidirectional(steps=4, ax=None):
    """Unrolled bidirectional RNN: inputs x_t, forward states h→_t, backward states h←_t, outputs
    y_t.

    Args:
        steps: number of time steps drawn (2..8).
        ax: optional matplotlib axes.

    Returns:
        The matplotlib Figure.
    """
    steps = integer(steps, "steps", minimum=2, maximum=8)
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
        _arrow(
            ax,
            (x - 0.3, rows["input"] + 0.25),
            (x - 0.3, rows["backward"] - 0.25),
            color="0.45",
            rad=0.25,
        )
        _arrow(
            ax,
            (x + 0.3, rows["forward"] + 0.25),
            (x + 0.3, rows["output"] - 0.25),
            color="0.45",
            rad=-0.2,
        )
        _arrow(ax, (x, rows["backward"] + 0.25), (x, rows["output"] - 0.25))
        if t + 1 < steps:
            _arrow(
                ax, (x + 0.4, rows["forward"]), (x + 1.1, rows["forward"]), color="#2d6a4f", lw=1.6
            )
            _arrow(
                ax,
                (x + 1.1, rows["backward"]),
                (x + 0.4, rows["backward"]),
                color="#bc6c25",
                lw=1.6,
            )
    ax.text(
        -1.0, rows["forward"], "forward\npass", ha="right", va="center", fontsize=9, color="#2d6a4f"
    )
    ax.text(
        -1.0,
        rows["backward"],
        "backward\npass",
        ha="right",
        va="center",
        fontsize=9,
        color="#bc6c25",
    )
    ax.set_xlim(-2.2, 1.5 * (steps - 1) + 0.8)
    ax.set_ylim(-0.5, 4.1)
    ax.set_axis_off()
    ax.set_title(
        r"$y_t$ sees $x_1..x_t$ through $\overrightarrow{h}_t$ and $x_t..x_T$ through "
        r"$\overleftarrow{h}_t$"
    )
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
    _chain(
        ax,
        0.0,
        [
            (0, "$x_{@}$", COLORS["input"]),
            (1.2, "$h^1_{@}$", state),
            (2.4, "$h^2_{@}$", state),
            (3.6, "$h^3_{@}$", state),
        ],
        {1.2, 2.4, 3.6},
        "(a) stacked layers\nt-1 → t: 1 layer per level",
    )

    def transition(ax, x0):  # the MLP sits between h_{t-1} and h_t
        _arrow(ax, (x0 + 0.45, 3.6), (x0 + 1.15, 1.2), color="#c1121f", lw=2.0)

    _chain(
        ax,
        3.6,
        [
            (0, "$x_{@}$", COLORS["input"]),
            (1.2, "$z^1_{@}$", hidden),
            (2.4, "$z^2_{@}$", hidden),
            (3.6, "$h_{@}$", state),
        ],
        set(),
        "(b) deep transition (MLP)\nt-1 → t: 3 layers",
        transition,
    )

    def shortcut(ax, x0):
        transition(ax, x0)
        _arrow(ax, (x0 + 0.45, 3.75), (x0 + 1.15, 3.75), color="#0077b6", lw=2.0)

    _chain(
        ax,
        7.2,
        [
            (0, "$x_{@}$", COLORS["input"]),
            (1.2, "$z^1_{@}$", hidden),
            (2.4, "$z^2_{@}$", hidden),
            (3.6, "$h_{@}$", state),
        ],
        set(),
        "(c) deep transition + shortcut\nt-1 → t: 1 layer (blue)",
        shortcut,
    )

    def residual(ax, x0):
        for x in (x0, x0 + 1.6):
            for low, high in ((1.2, 2.4), (2.4, 3.6)):  # y^l = y^{l-1} + RNN_l(y^{l-1})
                _arrow(
                    ax,
                    (x + 0.45, low + 0.1),
                    (x + 0.45, high - 0.1),
                    color="#0077b6",
                    lw=1.6,
                    rad=0.6,
                )

    _chain(
        ax,
        10.8,
        [
            (0, "$x_{@}$", COLORS["input"]),
            (1.2, "$h^1_{@}$", state),
            (2.4, "$h^2_{@}$", state),
            (3.6, "$h^3_{@}$", state),
        ],
        {1.2, 2.4, 3.6},
        "(d) stacked + residual\nidentity paths between layers (blue)",
        residual,
    )
    ax.set_xlim(-0.7, 13.3)
    ax.set_ylim(-1.6, 4.1)
    ax.set_axis_off()
    return ax.figure


def tree_layout(children):
    """(x, y) of every node: leaves at y=0 spaced 1 apart in reading order, parents centred
    above."""
    children = np.asarray(children)
    x = np.zeros(len(children))
    order = []
    stack = [len(children) - 1]
    while stack:  # depth-first from the root, left child first: the leaves in reading order
        node = stack.pop()
        left, right = children[node]
        if left < 0:
            order.append(node)
        else:
            stack.extend([right, left])
    x[order] = np.arange(len(order))
    for node, (left, right) in enumerate(children):  # children come before parents
        if left >= 0:
            x[node] = (x[left] + x[right]) / 2
    return x, node_depths(children).astype(float)


def plot_tree(
    children,
    words=None,
    node_values=None,
    node_labels=None,
    node_vectors=None,
    ax=None,
    title=None,
    value_label="value",
    cmap="RdBu",
    value_range=(0.0, 1.0),
):
    """Draw one tree and, optionally, per-node values, labels and state vectors.

    Args:
        children: (num_nodes, 2) int array, -1 = no child, children before parents, root last.
        words: optional list of strings, one per *leaf* in reading order (or one per node; then
            the leaves' entries are used).
        node_values: optional (num_nodes,) floats that colour the node circles.
        node_labels: optional (num_nodes,) short strings written inside the circles.
        node_vectors: optional (num_nodes, d) array drawn as a strip of d cells above each node
            (one shared symmetric colour scale).
        ax: matplotlib axes to draw on (default: a new figure).
        title: optional axes title.
        value_label: colour-bar label for `node_values`.
        cmap: colour map of `node_values`.
        value_range: (vmin, vmax) of the colour scale of `node_values`.

    Returns:
        The matplotlib Figure.
    """
    children, _ = validate_tree(children, np.zeros(len(np.asarray(children)), np.int64))
    num_nodes = len(children)
    for name, array in (
        ("node_values", node_values),
        ("node_labels", node_labels),
        ("node_vectors", node_vectors),
    ):
        if array is not None and len(array) != num_nodes:
            raise ValueError(
                f"{name} has {len(array)} entries, expected one per node ({num_nodes})"
            )
    x, y = tree_layout(children)
    leaves = np.flatnonzero(children[:, 0] < 0)
    leaves_in_order = leaves[np.argsort(x[leaves])]
    if words is not None:
        words = list(words)
        if len(words) == num_nodes:
            words = [words[leaf] for leaf in leaves_in_order]
        if len(words) != len(leaves):
            raise ValueError(
                f"got {len(words)} words for {len(leaves)} leaves (or {num_nodes} nodes)"
            )
    if ax is None:
        fig, ax = plt.subplots(
            figsize=(max(4.0, 0.9 * len(leaves) + 1.5), 0.8 * (y.max() + 2) + 0.6)
        )
    fig = ax.figure
    for node, (left, right) in enumerate(children):
        for child in (left, right):
            if child >= 0:
                ax.plot([x[node], x[child]], [y[node], y[child]], color="0.5", lw=1.2, zorder=1)
    norm = plt.Normalize(*value_range)
    colours = (
        plt.get_cmap(cmap)(norm(np.asarray(node_values, float)))
        if node_values is not None
        else None
    )
    ax.scatter(
        x, y, s=420, c=colours if colours is not None else "white", edgecolors="black", zorder=2
    )
    if node_labels is not None:
        for node in range(num_nodes):
            dark = node_values is not None and abs(norm(node_values[node]) - 0.5) > 0.3
            ax.text(
                x[node],
                y[node],
                str(node_labels[node]),
                ha="center",
                va="center",
                fontsize=9,
                zorder=3,
                color="white" if dark else "black",
            )
    if words is not None:
        for leaf, word in zip(leaves_in_order, words):
            ax.text(
                x[leaf], y[leaf] - 0.45, word, ha="center", va="top", fontsize=10, fontweight="bold"
            )
    if node_vectors is not None:
        vectors = np.asarray(node_vectors, float)
        scale = np.abs(vectors).max() or 1.0
        for node in range(num_nodes):
            ax.imshow(
                vectors[node][None, :],
                cmap="PuOr",
                vmin=-scale,
                vmax=scale,
                aspect="auto",
                zorder=2,
                extent=(x[node] - 0.4, x[node] + 0.4, y[node] + 0.25, y[node] + 0.4),
            )
    if node_values is not None:
        fig.colorbar(
            plt.cm.ScalarMappable(norm=norm, cmap=cmap),
            ax=ax,
            fraction=0.03,
            pad=0.02,
            label=value_label,
        )
    ax.set_xlim(x.min() - 0.7, x.max() + 0.7)
    ax.set_ylim(-1.1, y.max() + 0.7)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig
