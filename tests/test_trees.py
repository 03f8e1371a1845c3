"""Tests for course_utils.layers.trees: the batched loop equals a recursive evaluation; bad trees
are refused."""

import numpy as np
import pytest

import keras
import tensorflow as tf

from course_utils.data import load_trees
from course_utils.layers.trees import (
    TreeLSTM,
    TreeRNN,
    batch_trees,
    compose_recursively,
    node_depths,
    validate_tree,
)

FEATURES, UNITS = 3, 4

# ((a b) c) and (a (b (c d))) and a single leaf: different shapes and sizes in one batch.
TREES = [
    {"children": [[-1, -1], [-1, -1], [0, 1], [-1, -1], [2, 3]], "tokens": [1, 2, 0, 3, 0]},
    {
        "children": [[-1, -1], [-1, -1], [-1, -1], [-1, -1], [2, 3], [1, 4], [0, 5]],
        "tokens": [4, 5, 6, 7, 0, 0, 0],
    },
    {"children": [[-1, -1]], "tokens": [2]},
]


def sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def recursive_numpy(layer, children, x):
    """Independent reference: NumPy recursion over one tree with the layer's weights."""
    W, U, b = (
        v.numpy().astype(np.float64) for v in (layer.kernel, layer.recurrent_kernel, layer.bias)
    )
    n = layer.units
    states = {}

    def visit(node):
        left, right = children[node]
        zero = (np.zeros(n), np.zeros(n))
        (h_l, c_l), (h_r, c_r) = (
            (visit(left) if left >= 0 else zero),
            (visit(right) if right >= 0 else zero),
        )
        z = x[node] @ W + np.concatenate([h_l, h_r]) @ U + b
        if isinstance(layer, TreeLSTM):
            i, f_l, f_r, o, u = np.split(z, 5)
            c = sigmoid(i) * np.tanh(u) + sigmoid(f_l) * c_l + sigmoid(f_r) * c_r
            h = sigmoid(o) * np.tanh(c)
        else:
            h, c = np.tanh(z), np.zeros(n)
        states[node] = h
        return h, c

    visit(len(children) - 1)
    return np.stack([states[i] for i in range(len(children))])


def batched_inputs(seed=0):
    batch = batch_trees(TREES)
    x = (
        np.random.default_rng(seed)
        .normal(size=batch["tokens"].shape + (FEATURES,))
        .astype("float32")
    )
    return batch, x


def randomized(layer_class, batch, x, seed=1):
    layer = layer_class(UNITS, return_nodes=True)
    layer([x, batch["children"]])
    rng = np.random.default_rng(seed)
    layer.set_weights(
        [rng.normal(scale=0.6, size=w.shape).astype("float32") for w in layer.get_weights()]
    )
    return layer


class TestBatchedEqualsRecursive:
    @pytest.mark.parametrize("layer_class", [TreeRNN, TreeLSTM])
    def test_every_node_of_every_tree(self, layer_class):
        batch, x = batched_inputs()
        layer = randomized(layer_class, batch, x)
        nodes = np.asarray(layer([x, batch["children"]]))
        for b, tree in enumerate(TREES):
            offset = batch["offsets"][b]
            children = np.asarray(tree["children"])
            expected = recursive_numpy(layer, children, x[b, offset:].astype(np.float64))
            np.testing.assert_allclose(nodes[b, offset:], expected, atol=1e-5)
            by_compose = compose_recursively(layer, children, x[b, offset:])
            np.testing.assert_allclose(
                np.stack([by_compose[i] for i in range(len(children))]), expected, atol=1e-5
            )

    def test_root_output_and_compiled_call(self):
        batch, x = batched_inputs(2)
        layer = randomized(TreeLSTM, batch, x)
        root_layer = TreeLSTM(UNITS)
        root_layer([x, batch["children"]])
        root_layer.set_weights(layer.get_weights())
        compiled = tf.function(lambda a, c: root_layer([a, c]), jit_compile=True)
        roots = compiled(tf.constant(x), tf.constant(batch["children"]))
        np.testing.assert_allclose(
            roots, np.asarray(layer([x, batch["children"]]))[:, -1], atol=1e-5
        )

    def test_gradient_matches_finite_differences(self):
        batch, x = batched_inputs(3)
        layer = randomized(TreeRNN, batch, x)
        layer.kernel.assign(layer.kernel * 0.5)
        children = batch["children"]

        def loss():
            return tf.reduce_sum(tf.cast(layer([x, children]), tf.float64)[:, -1] ** 2)

        with tf.GradientTape() as tape:
            value = loss()
        gradient = tape.gradient(value, layer.recurrent_kernel).numpy()
        epsilon, (i, j) = 1e-2, (1, 2)
        original = layer.recurrent_kernel.numpy()
        shifted = []
        for sign in (1, -1):
            bumped = original.copy()
            bumped[i, j] += sign * epsilon
            layer.recurrent_kernel.assign(bumped)
            shifted.append(float(loss()))
        layer.recurrent_kernel.assign(original)
        numeric = (shifted[0] - shifted[1]) / (2 * epsilon)
        assert abs(gradient[i, j] - numeric) < 1e-3 * max(1.0, abs(numeric))

    @pytest.mark.slow  # compiles and trains under XLA
    def test_trains_in_a_model_under_xla(self):
        batch, _ = batched_inputs()
        tokens = keras.Input((batch["tokens"].shape[1],), dtype="int32")
        children = keras.Input((batch["tokens"].shape[1], 2), dtype="int32")
        root = TreeLSTM(UNITS)([keras.layers.Embedding(10, FEATURES)(tokens), children])
        model = keras.Model([tokens, children], keras.layers.Dense(2)(root))
        model.compile(
            "adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), jit_compile=True
        )
        history = model.fit(
            [batch["tokens"], batch["children"]], np.array([0, 1, 0]), epochs=2, verbose=0
        )
        assert np.isfinite(history.history["loss"]).all() and model.jit_compile


class TestBatchTrees:
    def test_right_aligned_with_shifted_children(self):
        batch = batch_trees(TREES, max_nodes=8)
        assert batch["children"].shape == (3, 8, 2)
        np.testing.assert_array_equal(batch["num_nodes"], [5, 7, 1])
        np.testing.assert_array_equal(batch["offsets"], [3, 1, 7])
        np.testing.assert_array_equal(
            batch["children"][0, 3:], [[-1, -1], [-1, -1], [3, 4], [-1, -1], [5, 6]]
        )
        np.testing.assert_array_equal(batch["children"][2], -np.ones((8, 2)))
        np.testing.assert_array_equal(batch["tokens"][0], [0, 0, 0, 1, 2, 0, 3, 0])
        np.testing.assert_array_equal(batch["node_mask"].sum(1), [5, 7, 1])
        np.testing.assert_array_equal(batch["is_leaf"].sum(1), [3, 4, 1])

    def test_pairs_and_named_tuples_are_accepted(self):
        pairs = [(tree["children"], tree["tokens"]) for tree in TREES]
        np.testing.assert_array_equal(
            batch_trees(pairs)["children"], batch_trees(TREES)["children"]
        )
        loaded = load_trees("test").trees[
            :5
        ]  # the data set's own Tree objects, -1 at internal nodes
        batch = batch_trees(loaded)
        assert (batch["tokens"] >= 0).all() and batch["is_leaf"].sum() == sum(
            (t.tokens >= 0).sum() for t in loaded
        )

    def test_node_depths(self):
        np.testing.assert_array_equal(node_depths(TREES[1]["children"]), [0, 0, 0, 0, 1, 2, 3])


class TestMalformedTrees:
    @pytest.mark.parametrize(
        "children, tokens, message",
        [
            (
                [[-1, -1], [0, 1]],
                [1, 0],
                r"a cycle through nodes \[1, 1\]",
            ),  # node 1 is its own child
            (
                [[1, 2], [2, 0], [-1, -1]],
                [0, 0, 3],
                r"cycle through nodes \[0, 1, 0\];",
            ),  # 0 -> 1 -> 0
            (
                [[-1, -1], [2, 0], [-1, -1], [1, 2]],
                [1, 0, 2, 0],
                "later index",
            ),  # child after its parent
            ([[-1, -1], [-1, -1]], [1, 2], "no parent"),  # two roots
            ([[-1, -1], [-1, -1], [0, 1], [0, 2]], [1, 2, 0, 0], "2 parents"),
            ([[-1, -1], [-1, -1], [0, 1]], [1, -1, 0], "token id -1"),  # leaf without a token
            ([[-1, -1], [-1, -1], [0, 1]], [1, 99, 0], "outside the vocabulary"),
            ([[-1, -1], [0, -1]], [1, 0], "0 .a leaf. or 2 children"),
            ([[-1, -1], [0, 7]], [1, 0], "child index 7"),
            ([[-1, -1], [-1, -1], [0, 1]], [1, 2], "match children"),  # mismatched lengths
            ([[-1, -1, -1]], [1], r"\(num_nodes, 2\)"),
            ([[-1.0, -1.0]], [1], "integers"),
        ],
    )
    def test_clear_errors(self, children, tokens, message):
        with pytest.raises(ValueError, match=message):
            validate_tree(np.array(children), np.array(tokens), vocabulary_size=10)

    def test_batch_names_the_tree(self):
        bad = {"children": [[-1, -1], [0, 1]], "tokens": [1, 0]}
        with pytest.raises(ValueError, match="tree 1: .*cycle"):
            batch_trees([TREES[0], bad])
        with pytest.raises(ValueError, match="max_nodes=3"):
            batch_trees(TREES, max_nodes=3)
        with pytest.raises(ValueError, match="`max_nodes` must be an integer >= 1, got 2.5$"):
            batch_trees(TREES, max_nodes=2.5)
        with pytest.raises(ValueError, match="missing key"):
            batch_trees([{"children": [[-1, -1]]}])

    def test_layer_arguments(self):
        with pytest.raises(ValueError, match="`units` must be an integer >= 1, got 0$"):
            TreeRNN(0)
        with pytest.raises(ValueError, match="`return_nodes` must be True or False, got 1$"):
            TreeRNN(2, return_nodes=1)
        with pytest.raises(ValueError, match=r"\[node_inputs, children\]"):
            TreeRNN(2)(np.zeros((1, 3, 2), "float32"))
        with pytest.raises(
            ValueError,
            match=r"`node_inputs` must be of shape \(batch, max_nodes, "
            r"features\), got \(1, 3\)$",
        ):
            TreeRNN(2)([np.zeros((1, 3), "float32"), np.zeros((1, 3, 2), "int32")])
        with pytest.raises(
            ValueError,
            match=r"`children` must be of shape \(batch, 3, 2\), "
            r"got \(1, 4, 2\)$",
        ):
            TreeRNN(2)([np.zeros((1, 3, 2), "float32"), np.zeros((1, 4, 2), "int32")])


class TestSerialization:
    @pytest.mark.parametrize("layer_class", [TreeRNN, TreeLSTM])
    def test_keras_round_trip(self, tmp_path, layer_class):
        batch, x = batched_inputs(4)
        inputs = keras.Input(x.shape[1:]), keras.Input(batch["children"].shape[1:], dtype="int32")
        model = keras.Model(inputs, layer_class(UNITS, return_nodes=True)(list(inputs)))
        model.save(tmp_path / "tree.keras")
        loaded = keras.saving.load_model(tmp_path / "tree.keras")
        np.testing.assert_allclose(
            loaded([x, batch["children"]]), model([x, batch["children"]]), atol=1e-6
        )
        assert loaded.layers[-1].return_nodes


class TestPlotTree:
    def test_layout_and_errors(self):
        import matplotlib

        matplotlib.use("Agg")
        from course_utils.plotting.architectures import plot_tree, tree_layout

        children = np.array(TREES[1]["children"])  # (a (b (c d))): leaves 0..3 in reading order
        x, y = tree_layout(children)
        np.testing.assert_array_equal(x[:4], [0, 1, 2, 3])
        np.testing.assert_array_equal(x[4:], [2.5, 1.75, 0.875])
        np.testing.assert_array_equal(y, node_depths(children))
        figure = plot_tree(
            children,
            words=list("abcd"),
            node_values=np.linspace(0, 1, 7),
            node_labels=list("-0+-0+-"),
            node_vectors=np.ones((7, 3)),
        )
        assert figure.axes
        with pytest.raises(ValueError, match="node_values has 3 entries"):
            plot_tree(children, node_values=[0, 1, 2])
        with pytest.raises(ValueError, match="2 words for 4 leaves"):
            plot_tree(children, words=["a", "b"])


class TestExerciseChecks:
    """The notebook 10 checks accept the right answer and reject typical wrong ones."""

    def test_linearize(self):
        from course_utils import check

        def linearize(tree):
            children, words = [], []

            def visit(node):
                if isinstance(node, str):
                    children.append([-1, -1])
                    words.append(node)
                else:
                    left, right = visit(node[0]), visit(node[1])
                    children.append([left, right])
                    words.append(None)
                return len(words) - 1

            visit(tree)
            return children, words

        def swapped(tree):
            children, words = linearize(tree)
            return [[right, left] for left, right in children], words

        assert check.linearize_tree(linearize)
        assert not check.linearize_tree(swapped)
        assert not check.linearize_tree(lambda tree: None)

    def test_parameter_count_against_the_layer(self):
        from course_utils import check

        question = check.TREE_LSTM_QUESTION
        layer = TreeLSTM(question["units"])
        layer.build([(None, 5, question["features"]), (None, 5, 2)])
        assert check.tree_lstm_parameter_count(layer.count_params())
        assert not check.tree_lstm_parameter_count(layer.count_params() * 4 // 5)

    def test_tree_labels_against_the_data_set_rules(self):
        from course_utils import check
        from course_utils.data import parse_sexpression

        vocabulary = load_trees("test").vocabulary
        names = ("negative", "neutral", "positive")

        def label(phrase):  # the data set's own rules, on the parsed tree
            # turn "(a b)" into the data set's "(label a b)" form with dummy labels, then relabel
            # bottom-up
            sexpression = phrase.replace("(", "(1 ")
            for word in vocabulary.tokens[3:]:
                sexpression = sexpression.replace(f" {word})", f" (1 {word}))").replace(
                    f" {word} ", f" (1 {word}) "
                )
            tree = parse_sexpression(sexpression, vocabulary)
            polarity = {"good": 2, "clever": 2, "dull": 0, "bad": 0, "awful": 0}
            labels = []
            for node, (left, right) in enumerate(tree.children):
                if left < 0:
                    labels.append(polarity.get(vocabulary.id_to_token(int(tree.tokens[node])), 1))
                elif tree.tokens[left] == vocabulary.token_to_id("not"):
                    labels.append(2 - labels[right])
                else:
                    labels.append(labels[left] if labels[right] == 1 else labels[right])
            return names[labels[-1]]

        answers = {phrase: label(phrase) for phrase in check.TREE_LABEL_PHRASES}
        assert check.tree_labels(answers)
        assert not check.tree_labels({phrase: "positive" for phrase in check.TREE_LABEL_PHRASES})
