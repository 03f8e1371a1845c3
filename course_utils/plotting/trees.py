"""Draw a binary tree with what a recursive network computed at each node.

`plot_tree` lays the leaves out left to right in reading order with their words underneath, puts
every parent above the middle of its children (height = distance to its lowest leaf), colours each
node by a scalar (e.g. the predicted probability of the positive class) with a short text label
inside, and can add a small heat strip of the node's state vector above it.

Example:
    fig = plot_tree(children, words=["not", "good"], node_values=p_positive,
                    node_labels=["-", "+", "-"], node_vectors=states)   # states (3, units)
"""
import matplotlib.pyplot as plt
import numpy as np

from course_utils.trees import node_depths, validate_tree

__all__ = ["plot_tree", "tree_layout"]


def tree_layout(children):
    """(x, y) of every node: leaves at y=0 spaced 1 apart in reading order, parents centred above."""
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


def plot_tree(children, words=None, node_values=None, node_labels=None, node_vectors=None, ax=None,
              title=None, value_label="value", cmap="RdBu", value_range=(0.0, 1.0)):
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
    for name, array in (("node_values", node_values), ("node_labels", node_labels), ("node_vectors", node_vectors)):
        if array is not None and len(array) != num_nodes:
            raise ValueError(f"{name} has {len(array)} entries, expected one per node ({num_nodes})")
    x, y = tree_layout(children)
    leaves = np.flatnonzero(children[:, 0] < 0)
    leaves_in_order = leaves[np.argsort(x[leaves])]
    if words is not None:
        words = list(words)
        if len(words) == num_nodes:
            words = [words[leaf] for leaf in leaves_in_order]
        if len(words) != len(leaves):
            raise ValueError(f"got {len(words)} words for {len(leaves)} leaves (or {num_nodes} nodes)")
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(4.0, 0.9 * len(leaves) + 1.5), 0.8 * (y.max() + 2) + 0.6))
    fig = ax.figure
    for node, (left, right) in enumerate(children):
        for child in (left, right):
            if child >= 0:
                ax.plot([x[node], x[child]], [y[node], y[child]], color="0.5", lw=1.2, zorder=1)
    norm = plt.Normalize(*value_range)
    colours = plt.get_cmap(cmap)(norm(np.asarray(node_values, float))) if node_values is not None else None
    ax.scatter(x, y, s=420, c=colours if colours is not None else "white", edgecolors="black", zorder=2)
    if node_labels is not None:
        for node in range(num_nodes):
            dark = node_values is not None and abs(norm(node_values[node]) - 0.5) > 0.3
            ax.text(x[node], y[node], str(node_labels[node]), ha="center", va="center", fontsize=9, zorder=3,
                    color="white" if dark else "black")
    if words is not None:
        for leaf, word in zip(leaves_in_order, words):
            ax.text(x[leaf], y[leaf] - 0.45, word, ha="center", va="top", fontsize=10, fontweight="bold")
    if node_vectors is not None:
        vectors = np.asarray(node_vectors, float)
        scale = np.abs(vectors).max() or 1.0
        for node in range(num_nodes):
            ax.imshow(vectors[node][None, :], cmap="PuOr", vmin=-scale, vmax=scale, aspect="auto", zorder=2,
                      extent=(x[node] - 0.4, x[node] + 0.4, y[node] + 0.25, y[node] + 0.4))
    if node_values is not None:
        fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, fraction=0.03, pad=0.02, label=value_label)
    ax.set_xlim(x.min() - 0.7, x.max() + 0.7)
    ax.set_ylim(-1.1, y.max() + 0.7)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return fig
