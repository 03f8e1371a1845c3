"""Checks for notebooks 08-10: bidirectional, deep and recursive networks.

    check.bidirectional_output_shape(answer, input_shape=(16, 40, 8), units=32)       # notebook 08
    check.bidirectional_parameter_count(answer)                                     # notebook 08
    check.bidirectional_use_cases(answer)                                           # notebook 08
    check.transition_path_length(answer)                                            # notebook 09
    check.residual_stack(my_residual_stack)                                         # notebook 09
    check.layer_norm(my_layer_norm)                                                 # notebook 09
    check.linearize_tree(my_linearize)                                              # notebook 10
    check.tree_lstm_parameter_count(answer)                                         # notebook 10
    check.tree_labels(answer)                                                       # notebook 10

Function exercises run on hidden random inputs and are compared with a reference computed
beforehand; a wrong answer gets a hint about what is off, never the expected numbers.
"""

import numpy as np

from course_utils.check.core import integer_answer, report
from course_utils.validation import is_flag
from course_utils.check.core import run_student_function as _run, student_array

__all__ = [
    "bidirectional_output_shape",
    "bidirectional_parameter_count",
    "bidirectional_use_cases",
    "transition_path_length",
    "residual_stack",
    "layer_norm",
    "linearize_tree",
    "tree_lstm_parameter_count",
    "tree_labels",
    "BIDIRECTIONAL_QUESTION",
    "BIDIRECTIONAL_TASKS",
    "PATH_LENGTH_QUESTION",
    "TREE_LSTM_QUESTION",
    "TREE_LABEL_PHRASES",
]

BIDIRECTIONAL_QUESTION = {"input_dim": 10, "units": 32}  # a bidirectional LSTM, concat merge
BIDIRECTIONAL_TASKS = (
    "tag the parts of speech of a finished sentence",
    "predict the next word while the user is typing",
    "classify the sentiment of a complete review",
    "live captions that must appear as the speaker talks",
    "named-entity recognition on stored documents",
)
_BIDIRECTIONAL_ANSWERS = dict(zip(BIDIRECTIONAL_TASKS, (True, False, True, False, True)))
PATH_LENGTH_QUESTION = {"depth": 3, "steps_back": 4}  # deep transition, no shortcut, then with one
TREE_LSTM_QUESTION = {"features": 12, "units": 24}  # not notebook 10's model: no subtraction
# The data set's rules: (not X) flips X; (X Y) is Y's label unless Y is neutral, then X's.
TREE_LABEL_PHRASES = (
    "((not good) dull)",
    "(not (good dull))",
    "(bad (the film))",
    "((not (not good)) the)",
    "(not ((awful film) clever))",
)
_TREE_ANSWERS = dict(
    zip(TREE_LABEL_PHRASES, ("negative", "positive", "negative", "positive", "negative"))
)
_LABELS = ("negative", "neutral", "positive")


# -- notebook 08 -------------------------------------------------------------------------------
def bidirectional_output_shape(
    answer, input_shape=(16, 40, 8), units=32, merge_mode="concat", return_sequences=True
):
    """Check the output shape of Bidirectional(RNN(units, return_sequences)) with `merge_mode`."""
    exercise = "bidirectional_output_shape"
    batch, time = input_shape[0], input_shape[1]
    width = 2 * units if merge_mode == "concat" else units
    single = (batch, time, width) if return_sequences else (batch, width)
    expected = [single, single] if merge_mode is None else single
    try:
        given = (
            [tuple(int(d) for d in a) for a in answer]
            if merge_mode is None
            else tuple(int(d) for d in answer)
        )
    except (TypeError, ValueError):
        return report(
            exercise,
            False,
            f"answer with a tuple of ints (a list of two for merge_mode=None), got {answer!r:.60}",
        )
    if given == expected:
        return report(exercise, True, f"merge_mode={merge_mode!r} gives that shape.")
    flat = given if merge_mode is not None else (given[0] if given else ())
    if merge_mode is not None and len(flat) == len(single) and flat[-1] != width:
        hint = (
            "the last axis is off: does this merge mode keep both directions side by side or "
            "combine them?"
        )
    elif merge_mode is not None and len(flat) != len(single):
        hint = "the number of axes is off: is there still a time axis with this return_sequences?"
    else:
        hint = (
            "not yet; write down what each direction returns, then what the merge does with "
            "the two."
        )
    return report(exercise, False, hint)


def bidirectional_parameter_count(answer):
    """Check the parameters of a bidirectional LSTM layer (`BIDIRECTIONAL_QUESTION`, no output
    layer)."""
    exercise = "bidirectional_parameter_count"
    wrong_type = integer_answer(exercise, answer)
    if wrong_type is not None:
        return wrong_type
    m, n = BIDIRECTIONAL_QUESTION["input_dim"], BIDIRECTIONAL_QUESTION["units"]
    one = 4 * (m * n + n * n + n)
    if answer == 2 * one:
        return report(exercise, True, "two LSTMs with their own weights, four gate blocks each.")
    if answer == one:
        return report(
            exercise, False, "that is one direction; the backward LSTM has its own weights."
        )
    if answer in (2 * (m * n + n * n + n), m * n + n * n + n):
        return report(
            exercise, False, "an LSTM has more than one block of weights: count the gates."
        )
    if answer == 2 * 4 * (m * n + n * n):
        return report(exercise, False, "almost: do not forget the biases.")
    return report(
        exercise,
        False,
        f"{answer} is off; count kernel, recurrent kernel and bias per gate and direction.",
    )


def bidirectional_use_cases(answer):
    """Check a dict task -> True/False: can the task use a bidirectional RNN?"""
    exercise = "bidirectional_use_cases"
    if not isinstance(answer, dict) or set(answer) != set(_BIDIRECTIONAL_ANSWERS):
        return report(
            exercise,
            False,
            f"answer with a dict mapping each of the {len(BIDIRECTIONAL_TASKS)} tasks in "
            "check.BIDIRECTIONAL_TASKS to True or False.",
        )
    if not all(is_flag(v) for v in answer.values()):
        return report(exercise, False, "every value should be True or False.")
    wrong = [task for task in BIDIRECTIONAL_TASKS if answer[task] != _BIDIRECTIONAL_ANSWERS[task]]
    if not wrong:
        return report(
            exercise, True, "a bidirectional layer needs the whole input before its first output."
        )
    return report(
        exercise,
        False,
        f"{len(wrong)} task(s) wrong, e.g. {wrong[0]!r}: is the whole input there "
        "before the first output is needed?",
    )


# -- notebook 09 -------------------------------------------------------------------------------
def transition_path_length(answer):
    """Check a pair (without shortcut, with shortcut): non-linear layers on the shortest path from
    h_{t-k} to h_t in a deep-transition RNN (`PATH_LENGTH_QUESTION`: depth, steps_back k)."""
    exercise = "transition_path_length"
    if (
        not isinstance(answer, (tuple, list))
        or len(answer) != 2
        or any(integer_answer(exercise, a) for a in answer)
    ):
        return report(
            exercise, False, "answer with a pair of ints: (without shortcut, with shortcut)."
        )
    depth, steps = PATH_LENGTH_QUESTION["depth"], PATH_LENGTH_QUESTION["steps_back"]
    without, with_shortcut = answer
    if (without, with_shortcut) == (depth * steps, steps):
        return report(
            exercise, True, "every step crosses the whole MLP, unless the shortcut skips it."
        )
    if without != depth * steps:
        return report(
            exercise,
            False,
            "the first number is off: how many layers does one step cross, and how many steps?",
        )
    return report(
        exercise,
        False,
        "the second number is off: with the shortcut, how many layers does one step cross?",
    )


def residual_stack(function):
    """Check `function(x, layers)`: apply the layers in order, with a residual connection around
    every layer except the first (y = f_1(x), then y = y + f_l(y))."""
    exercise = "residual_stack"
    rng = np.random.default_rng(11)
    for trial in range(3):
        width = 3 + trial
        matrices = [rng.normal(size=(5, width))] + [
            rng.normal(size=(width, width)) for _ in range(2 + trial)
        ]
        layers = [lambda y, m=m: np.tanh(y @ m) for m in matrices]
        x = rng.normal(size=(4, 5))
        expected = layers[0](x)
        for layer in layers[1:]:
            expected = expected + layer(expected)
        value, failed = _run(exercise, function, x.copy(), list(layers))
        if failed is None:
            value, failed = student_array(exercise, value, expected.shape)
        if failed is not None:
            return failed
        if not np.allclose(value, expected):
            plain = layers[0](x)
            for layer in layers[1:]:
                plain = layer(plain)
            if np.allclose(value, plain):
                return report(
                    exercise, False, "that is the plain stack: where is the residual connection?"
                )
            return report(
                exercise,
                False,
                "not yet: the first layer has no residual (its input has another width); "
                "each later layer adds its own input to its output.",
            )
    return report(exercise, True, "y = y + f(y) for every layer after the first.")


def layer_norm(function):
    """Check `function(a, epsilon)`: normalise each row of `a` (batch, units) over its units, no
    gain/bias."""
    exercise = "layer_norm"
    rng = np.random.default_rng(12)
    for shape in ((4, 6), (1, 5), (7, 3)):
        a = rng.normal(loc=2.0, scale=3.0, size=shape)
        expected = (a - a.mean(-1, keepdims=True)) / np.sqrt(a.var(-1, keepdims=True) + 1e-5)
        value, failed = _run(exercise, function, a.copy(), 1e-5)
        if failed is None:
            value, failed = student_array(exercise, value, a.shape)
        if failed is not None:
            return failed
        if not np.allclose(value, expected, atol=1e-6):
            batch_norm = (a - a.mean(0)) / np.sqrt(a.var(0) + 1e-5)
            if shape[0] > 1 and np.allclose(value, batch_norm, atol=1e-6):
                return report(
                    exercise,
                    False,
                    "you normalised over the batch axis (batch norm); layer norm "
                    "normalises each example over its units.",
                )
            return report(
                exercise,
                False,
                "not yet: subtract each row's mean, divide by sqrt(variance + epsilon).",
            )
    return report(exercise, True, "each example is normalised on its own, no batch statistics.")


# -- notebook 10 -------------------------------------------------------------------------------
_NESTED_TREES = [
    ("not", "good"),
    (("not", "good"), "dull"),
    ("not", ("good", "dull")),
    ((("a", "b"), "c"), ("d", ("e", "f"))),
    "alone",
]


def _leaves_in_order(tree):
    return (
        [tree] if isinstance(tree, str) else _leaves_in_order(tree[0]) + _leaves_in_order(tree[1])
    )


def linearize_tree(function):
    """Check `function(tree)` -> (children, words): a nested tuple tree as children-before-parent
    arrays, root last; `children` (num_nodes, 2) with -1 for leaves, `words` one entry per node
    (the word at a leaf, None at internal nodes)."""
    from course_utils.layers.trees import validate_tree

    exercise = "linearize_tree"
    for tree in _NESTED_TREES:
        value, failed = _run(exercise, function, tree)
        if failed is not None:
            return failed
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return report(exercise, False, "return a pair (children, words).")
        children, words = np.asarray(value[0]), list(value[1])
        leaves = _leaves_in_order(tree)
        expected_nodes = 2 * len(leaves) - 1
        if (
            children.ndim != 2
            or children.shape != (expected_nodes, 2)
            or len(words) != expected_nodes
        ):
            return report(
                exercise,
                False,
                f"for {tree!r}: expected {expected_nodes} nodes, children of shape "
                f"(num_nodes, 2) and one word entry per node.",
            )
        tokens = np.array([0 if w is not None else -1 for w in words])
        try:
            validate_tree(children.astype(np.int64), tokens)
        except ValueError as error:
            return report(exercise, False, f"for {tree!r}: {error}")
        except TypeError:
            return report(exercise, False, "children must be integers.")

        def rebuild(node):
            left, right = children[node]
            return words[node] if left < 0 else (rebuild(left), rebuild(right))

        if rebuild(expected_nodes - 1) != tree:
            return report(
                exercise,
                False,
                f"for {tree!r}: the arrays describe another tree; check left/right order.",
            )
    return report(exercise, True, "children before parents, root last: ready for batch_trees.")


def tree_lstm_parameter_count(answer):
    """Check the parameters of a binary TreeLSTM (`TREE_LSTM_QUESTION`: features, units)."""
    exercise = "tree_lstm_parameter_count"
    wrong_type = integer_answer(exercise, answer)
    if wrong_type is not None:
        return wrong_type
    f, n = TREE_LSTM_QUESTION["features"], TREE_LSTM_QUESTION["units"]
    if answer == 5 * (f * n + 2 * n * n + n):
        return report(
            exercise,
            True,
            "five blocks (i, f_left, f_right, o, u), each seeing x and both children.",
        )
    if answer == 4 * (f * n + 2 * n * n + n):
        return report(
            exercise,
            False,
            "a binary Tree-LSTM has one forget gate per child: how many blocks is that?",
        )
    if answer == 5 * (f * n + n * n + n):
        return report(
            exercise,
            False,
            "each gate reads both children's states: how wide is [h_left; h_right]?",
        )
    return report(
        exercise, False, f"{answer} is off; count kernel, recurrent kernel and bias per block."
    )


def tree_labels(answer):
    """Check a dict phrase -> "negative"/"neutral"/"positive" for `TREE_LABEL_PHRASES`."""
    exercise = "tree_labels"
    if not isinstance(answer, dict) or set(answer) != set(_TREE_ANSWERS):
        return report(
            exercise,
            False,
            f"answer with a dict mapping each of the {len(_TREE_ANSWERS)} phrases in "
            "check.TREE_LABEL_PHRASES to a label.",
        )
    if not all(value in _LABELS for value in answer.values()):
        return report(exercise, False, f"every label should be one of {_LABELS}.")
    wrong = [phrase for phrase in _TREE_ANSWERS if answer[phrase] != _TREE_ANSWERS[phrase]]
    if not wrong:
        return report(exercise, True, "the brackets, not the words, decided each label.")
    return report(
        exercise,
        False,
        f"{len(wrong)} wrong, e.g. {wrong[0]!r}: label the innermost brackets first.",
    )
