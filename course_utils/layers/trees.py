"""Recursive (tree-structured) networks: one composition function applied bottom-up over a tree.

A tree is two arrays: `children` (num_nodes, 2), the left and right child of every node with -1
where there is none (leaves have both -1), and `tokens` (num_nodes,), the word id of each leaf.
Nodes are numbered children-before-parent and the root is the last node, so visiting the nodes in
index order always finds the children's states ready: node i needs only nodes < i.

The composition is *binary*: every internal node has exactly two children, and the parent's
state is computed from (input at the node, left child's state, right child's state). Leaves use
the same function with both child states zero, so one loop serves every node.

Batching trees of different shapes (the trick that lets training compile with XLA):
`batch_trees` right-aligns every tree in a (batch, max_nodes) grid -- the padding nodes come
first, so every root sits in the last slot, like left-padding for a many-to-one RNN -- and shifts
the child indices accordingly. The layer then loops
over the node slots i = 0..max_nodes-1 (a `tf.while_loop`); at each step it gathers the two
children's states of
slot i for every tree at once, applies the composition, and writes the result into slot i. There
is no Python recursion in the training step; padding slots compute a harmless leaf state nobody
reads.

Example:
    batch = batch_trees([tree_a, tree_b])                  # dicts with "children", "tokens"
    x = keras.layers.Embedding(vocabulary, 16)(batch["tokens"])        # (2, max_nodes, 16)
    root = TreeLSTM(32)([x, batch["children"]])                         # (2, 32)

References: Socher et al., "Recursive deep models for semantic compositionality over a sentiment
treebank", EMNLP 2013; Tai, Socher & Manning, "Improved semantic representations from
tree-structured long short-term memory networks", ACL 2015 (the binary / N-ary Tree-LSTM).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from course_utils.validation import flag, integer, shape

__all__ = [
    "TreeRNN",
    "TreeLSTM",
    "batch_trees",
    "validate_tree",
    "compose_recursively",
    "node_depths",
]


def _tree_arrays(tree, index=None):
    where = "" if index is None else f"tree {index}: "
    if isinstance(tree, dict):
        missing = [key for key in ("children", "tokens") if key not in tree]
        if missing:
            raise ValueError(
                f"{where}missing key(s) {missing}; expected a dict with 'children' and 'tokens'"
            )
        return np.asarray(tree["children"]), np.asarray(tree["tokens"])
    if hasattr(tree, "children") and hasattr(tree, "tokens"):  # e.g. course_utils.data.Tree
        return np.asarray(tree.children), np.asarray(tree.tokens)
    if isinstance(tree, (tuple, list)) and len(tree) == 2:
        return np.asarray(tree[0]), np.asarray(tree[1])
    raise TypeError(
        f"{where}expected a dict or object with 'children' and 'tokens', or a pair (children, "
        f"tokens), got {type(tree).__name__}"
    )


def validate_tree(children, tokens, vocabulary_size=None):
    """Check that (children, tokens) is a well-formed binary tree; raise ValueError if not.

    Checks, in order: array shapes and integer types, child indices in range, no cycles, every
    child before its parent, every node but the root with exactly one parent and the root last,
    0 or 2 children per node, and a token id in [0, vocabulary_size) at every leaf.

    Args:
        children: int array (num_nodes, 2), -1 for a missing child.
        tokens: int array (num_nodes,), the word id of each leaf (ignored at internal nodes).
        vocabulary_size: optional upper bound (exclusive) for leaf token ids.

    Returns:
        (children, tokens) as int64 NumPy arrays.
    """
    children, tokens = np.asarray(children), np.asarray(tokens)
    if children.ndim != 2 or children.shape[1] != 2:
        raise ValueError(f"children must have shape (num_nodes, 2), got {children.shape}")
    if tokens.ndim != 1 or len(tokens) != len(children):
        raise ValueError(
            f"tokens must have shape (num_nodes,) = ({len(children)},) to match children, "
            f"got {tokens.shape}"
        )
    if len(children) == 0:
        raise ValueError("a tree needs at least one node, got 0")
    for name, array in (("children", children), ("tokens", tokens)):
        if not np.issubdtype(array.dtype, np.integer):
            raise ValueError(f"{name} must hold integers, got dtype {array.dtype}")
    num_nodes = len(children)
    bad = np.argwhere((children < -1) | (children >= num_nodes))
    if len(bad):
        node, side = bad[0]
        raise ValueError(
            f"node {node} has child index {children[node, side]}, expected -1 or 0..{num_nodes - 1}"
        )
    cycle = _find_cycle(children)
    if cycle is not None:
        raise ValueError(
            f"the tree has a cycle through nodes {cycle}; a tree must not contain cycles"
        )
    parents, nodes = np.nonzero(children >= 0)[0], children[children >= 0]
    late = nodes >= parents
    if late.any():
        raise ValueError(
            f"node {parents[late][0]} has child {nodes[late][0]} at a later index; nodes must be "
            "ordered children-before-parent (sort them in post-order)"
        )
    counts = np.bincount(nodes, minlength=num_nodes)
    if (counts > 1).any():
        raise ValueError(
            f"node {int(np.argmax(counts > 1))} has {counts.max()} parents, expected exactly one"
        )
    roots = np.flatnonzero(counts == 0)
    if len(roots) != 1 or roots[0] != num_nodes - 1:
        raise ValueError(
            f"nodes {roots.tolist()} have no parent; expected one root, the last node "
            f"({num_nodes - 1})"
        )
    has_child = children >= 0
    half = np.flatnonzero(has_child[:, 0] != has_child[:, 1])
    if len(half):
        raise ValueError(
            f"node {half[0]} has children {children[half[0]].tolist()}; expected 0 (a leaf) or "
            "2 children (binary composition)"
        )
    leaves = ~has_child[:, 0]
    leaf_tokens = tokens[leaves]
    if (leaf_tokens < 0).any():
        node = np.flatnonzero(leaves)[np.argmax(leaf_tokens < 0)]
        raise ValueError(
            f"leaf {node} has token id {tokens[node]}; every leaf needs a token id >= 0"
        )
    if vocabulary_size is not None and (leaf_tokens >= vocabulary_size).any():
        node = np.flatnonzero(leaves)[np.argmax(leaf_tokens >= vocabulary_size)]
        raise ValueError(
            f"leaf {node} has token id {tokens[node]}, outside the vocabulary "
            f"0..{vocabulary_size - 1}"
        )
    return children.astype(np.int64), tokens.astype(np.int64)


def _find_cycle(children):
    """Return the nodes of one cycle in the child graph, or None (iterative depth-first search)."""
    state = np.zeros(len(children), np.int8)  # 0 unseen, 1 on the current path, 2 done
    for start in range(len(children)):
        if state[start]:
            continue
        path, stack = [], [(start, 0)]
        while stack:
            node, side = stack.pop()
            if side == 0:
                state[node] = 1
                path.append(node)
            if side < 2:
                stack.append((node, side + 1))
                child = int(children[node, side])
                if child >= 0:
                    if state[child] == 1:
                        return path[path.index(child) :] + [child]
                    if state[child] == 0:
                        stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return None


def batch_trees(trees, max_nodes=None, vocabulary_size=None, pad_token=0):
    """Validate trees and pack them into right-aligned arrays for `TreeRNN` / `TreeLSTM`.

    Tree b with n nodes occupies slots max_nodes-n .. max_nodes-1 (its root in the last slot);
    child indices are shifted by the same offset.

    Args:
        trees: list of trees: `course_utils.data.Tree`s, dicts with "children" (n, 2) and
            "tokens" (n,), or (children, tokens) pairs.
        max_nodes: slots per tree (default: the largest tree); a larger tree raises ValueError.
        vocabulary_size: optional bound checked for every leaf token.
        pad_token: token id written at internal nodes and padding slots.

    Returns:
        dict of NumPy arrays: "tokens" (batch, max_nodes) int32, "children" (batch, max_nodes, 2)
        int32 (-1 = none), "node_mask" (batch, max_nodes) bool (True at real nodes), "is_leaf"
        (batch, max_nodes) bool, "num_nodes" (batch,) int32 and "offsets" (batch,) int32 (slot
        of each tree's node 0).

    Example:
        leaf, pair = ([[-1, -1]], [4]), ([[-1, -1], [-1, -1], [0, 1]], [2, 3, 0])
        batch_trees([leaf, pair])["children"][0]  # [[-1, -1], [-1, -1], [-1, -1]]
    """
    if isinstance(trees, dict) or not len(trees):
        raise ValueError("trees must be a non-empty list of trees")
    arrays = []
    for index, tree in enumerate(trees):
        children, tokens = _tree_arrays(tree, index)
        try:
            arrays.append(validate_tree(children, tokens, vocabulary_size))
        except ValueError as error:
            raise ValueError(f"tree {index}: {error}") from None
    sizes = np.array([len(tokens) for _, tokens in arrays], np.int32)
    if max_nodes is None:
        max_nodes = int(sizes.max())
    max_nodes = integer(max_nodes, "max_nodes", minimum=1)
    if sizes.max() > max_nodes:
        raise ValueError(
            f"tree {int(np.argmax(sizes))} has {sizes.max()} nodes, more than max_nodes={max_nodes}"
        )
    batch = len(arrays)
    out = {
        "tokens": np.full((batch, max_nodes), pad_token, np.int32),
        "children": np.full((batch, max_nodes, 2), -1, np.int32),
        "node_mask": np.zeros((batch, max_nodes), bool),
        "is_leaf": np.zeros((batch, max_nodes), bool),
        "num_nodes": sizes,
        "offsets": (max_nodes - sizes).astype(np.int32),
    }
    for b, ((children, tokens), offset) in enumerate(zip(arrays, out["offsets"])):
        leaf = children[:, 0] < 0
        out["tokens"][b, offset:] = np.where(leaf, tokens, pad_token)
        out["children"][b, offset:] = np.where(children >= 0, children + offset, -1)
        out["node_mask"][b, offset:] = True
        out["is_leaf"][b, offset:] = leaf
    return out


def node_depths(children):
    """Height of every node above its lowest leaf descendant (leaves 0, root = tree height)."""
    children = np.asarray(children)
    height = np.zeros(len(children), np.int64)
    for node, (left, right) in enumerate(children):  # children come first, so one pass suffices
        if left >= 0:
            height[node] = 1 + max(height[left], height[right])
    return height


class _TreeLayer(keras.layers.Layer):
    """Shared loop of the tree layers; a subclass defines `gate_count`, `states` and `compose`."""

    gate_count = 1
    num_states = 1

    def __init__(self, units, return_nodes=False, **kwargs):
        super().__init__(**kwargs)
        self.units = integer(units, "units", minimum=1)
        self.return_nodes = flag(return_nodes, "return_nodes")

    def build(self, input_shapes):
        if not isinstance(input_shapes, (list, tuple)) or len(input_shapes) != 2:
            raise ValueError(
                "a tree layer is called on [node_inputs, children], got one input of shape "
                f"{input_shapes}"
            )
        inputs_shape = shape(input_shapes[0], "node_inputs", ("batch", "max_nodes", "features"))
        max_nodes = "max_nodes" if inputs_shape[1] is None else inputs_shape[1]
        shape(input_shapes[1], "children", ("batch", max_nodes, 2))
        width = self.gate_count * self.units
        self.kernel = self.add_weight(
            shape=(inputs_shape[-1], width), initializer="glorot_uniform", name="kernel"
        )
        self.recurrent_kernel = self.add_weight(
            shape=(2 * self.units, width), initializer="glorot_uniform", name="recurrent_kernel"
        )
        self.bias = self.add_weight(
            shape=(width,), initializer=self.bias_initializer(), name="bias"
        )

    def bias_initializer(self):
        return "zeros"

    def compose(self, projected_input, left, right):
        """One node: `projected_input` = x W + b (batch, gate_count*units); `left`, `right`: lists
        of the children's states. Returns the node's list of states (the first is its output)."""
        raise NotImplementedError

    def call(self, inputs):
        node_inputs, children = inputs
        children = ops.cast(children, "int32")
        max_nodes = node_inputs.shape[1]
        projected = (
            ops.matmul(node_inputs, self.kernel) + self.bias
        )  # (batch, nodes, gates*units): all at once
        # Slot `max_nodes` of each buffer is always zero: "no child" (-1) points there.
        children = ops.where(children < 0, max_nodes, children)
        batch = ops.shape(node_inputs)[0]
        buffers = tuple(
            ops.zeros((batch, max_nodes + 1, self.units), dtype=projected.dtype)
            for _ in range(self.num_states)
        )
        slots = ops.arange(max_nodes + 1, dtype="int32")

        def visit(i, buffers):
            index = tf.gather(children, i, axis=1)  # (batch, 2): this slot's children
            gathered = [
                tf.gather(buffer, index, batch_dims=1) for buffer in buffers
            ]  # (batch, 2, units)
            states = self.compose(
                tf.gather(projected, i, axis=1),
                [g[:, 0] for g in gathered],
                [g[:, 1] for g in gathered],
            )
            write = ops.cast(slots == i, projected.dtype)[
                None, :, None
            ]  # one-hot slot i; it was zero
            return tuple(
                buffer + write * state[:, None, :] for buffer, state in zip(buffers, states)
            )

        # A tf.while_loop with a fixed trip count: XLA needs `maximum_iterations` to compile its
        # gradient.
        _, buffers = tf.while_loop(
            lambda i, _: i < max_nodes,
            lambda i, b: (i + 1, visit(i, b)),
            (ops.convert_to_tensor(0, "int32"), buffers),
            maximum_iterations=max_nodes,
        )
        nodes = buffers[0][:, :max_nodes]  # (batch, max_nodes, units)
        return nodes if self.return_nodes else nodes[:, -1]  # the root is in the last slot

    def compute_output_shape(self, input_shapes):
        inputs_shape = input_shapes[0]
        if self.return_nodes:
            return (inputs_shape[0], inputs_shape[1], self.units)
        return (inputs_shape[0], self.units)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "return_nodes": self.return_nodes})
        return config


@keras.saving.register_keras_serializable(package="course_utils")
class TreeRNN(_TreeLayer):
    """A recursive network over binary trees: h = tanh(W x + U_l h_left + U_r h_right + b).

    The same W, U = [U_l; U_r] and b compose every node (parameter sharing across the tree, as
    an RNN shares them across time). At a leaf both child states are zero, so h = tanh(W x + b).

    Args:
        units: width of the node states.
        return_nodes: return every node's state (batch, max_nodes, units) instead of the root's.
        **kwargs: passed to `keras.layers.Layer`.

    Call arguments:
        inputs: [node_inputs, children] as from `batch_trees`: node_inputs (batch, max_nodes,
            features) (e.g. embedded tokens), children (batch, max_nodes, 2) int, -1 = none.

    Returns:
        (batch, units) root states, or (batch, max_nodes, units) node states (padding slots
        hold values nobody should read; use `node_mask`).

    Example:
        root = TreeRNN(16)([np.zeros((2, 5, 3), "float32"), batch["children"]])  # (2, 16)

    Reference: Socher et al., EMNLP 2013 (without the tensor term).
    """

    def compose(self, projected_input, left, right):
        children = ops.concatenate([left[0], right[0]], axis=-1)  # (batch, 2*units)
        return [ops.tanh(projected_input + ops.matmul(children, self.recurrent_kernel))]


@keras.saving.register_keras_serializable(package="course_utils")
class TreeLSTM(_TreeLayer):
    """A binary Tree-LSTM (Tai et al. 2015, N-ary with N = 2): one forget gate per child.

        [i, f_l, f_r, o, u] = W x + U [h_l; h_r] + b
        c = σ(i) ⊙ tanh(u) + σ(f_l) ⊙ c_l + σ(f_r) ⊙ c_r
        h = σ(o) ⊙ tanh(c)

    Separate forget gates let a parent keep one child's memory and drop the other's. The forget
    biases start at 1. `kernel` is (features, 5·units), `recurrent_kernel` (2·units, 5·units).

    Args, call arguments and returns: as `TreeRNN` (the states returned are the h's).

    Example:
        root = TreeLSTM(16)([np.zeros((2, 5, 3), "float32"), batch["children"]])  # (2, 16)

    Reference: Tai, Socher & Manning, ACL 2015.
    """

    gate_count = 5
    num_states = 2

    def bias_initializer(self):
        units = self.units

        def initializer(shape, dtype=None):  # zeros except 1 for the two forget gates
            return ops.concatenate(
                [ops.zeros((units,)), ops.ones((2 * units,)), ops.zeros((2 * units,))]
            )

        return initializer

    def compose(self, projected_input, left, right):
        (h_left, c_left), (h_right, c_right) = left, right
        z = projected_input + ops.matmul(
            ops.concatenate([h_left, h_right], axis=-1), self.recurrent_kernel
        )
        i, f_left, f_right, o, u = ops.split(z, 5, axis=-1)
        c = (
            ops.sigmoid(i) * ops.tanh(u)
            + ops.sigmoid(f_left) * c_left
            + ops.sigmoid(f_right) * c_right
        )
        return [ops.sigmoid(o) * ops.tanh(c), c]


def compose_recursively(layer, children, node_inputs, node=None):
    """The textbook definition, for comparison: evaluate one tree by plain Python recursion.

    Calls `layer.compose` once per node, recursing into the children first. Slow (one small
    TensorFlow call per node, Python recursion) and not compilable, which is why training uses
    the batched loop; the results are the same.

    Args:
        layer: a built `TreeRNN` or `TreeLSTM`.
        children: (num_nodes, 2) int array of one tree (-1 = none).
        node_inputs: (num_nodes, features) array of that tree.
        node: the node to evaluate (default: the root, the last node).

    Returns:
        dict node -> state vector (units,) for every node under `node` (inclusive).
    """
    children = np.asarray(children)
    node_inputs = np.asarray(node_inputs, np.float32)
    states = {}

    def visit(index):
        left, right = children[index]
        zero = [np.zeros((1, layer.units), np.float32)] * layer.num_states
        left_states = visit(left) if left >= 0 else zero
        right_states = visit(right) if right >= 0 else zero
        projected = ops.matmul(node_inputs[index : index + 1], layer.kernel) + layer.bias
        result = layer.compose(projected, left_states, right_states)
        states[int(index)] = np.asarray(result[0])[0]
        return result

    visit(len(children) - 1 if node is None else node)
    return states
