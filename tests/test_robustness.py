"""A catalogue of bad inputs across the public API of course_utils, and a save/load round trip of
every public layer.

Each bad input must raise a clear error (ValueError or TypeError) whose message names the bad
value or what was expected, quickly: no hang, no deep TensorFlow trace, no silent garbage. Module
test files cover each API in depth; this file is the one place that shows the whole surface.
"""

import math
import re
import shutil
import threading

import keras
import numpy as np
import pytest

import course_utils
from course_utils import decoding
from course_utils.analysis import metrics
from course_utils.layers import (
    attention,
    bidirectional,
    deep,
    memory,
    memory_networks,
    seq2seq,
    transformer,
    trees,
)
from course_utils.check.core import StudentCodeError, call_with_time_limit

SECONDS_LIMIT = 60.0
rng = np.random.default_rng(0)
X3 = rng.normal(size=(2, 5, 3)).astype("float32")  # (batch, time, features)


def rnn(cell, x):
    return keras.layers.RNN(cell)(x)


def built_rnn(cell):
    layer = keras.layers.RNN(cell)
    layer(X3)
    return layer


def table_step(log_probs):
    """A decoder step with fixed next-token log-probabilities, for decoding with a known model."""
    import tensorflow as tf

    table = tf.constant(np.log(log_probs), tf.float32)

    def step(tokens, state):
        return tf.gather(table, tokens), state

    return step


TABLE = table_step(np.full((4, 4), 0.25))
STATE = np.zeros((1, 1), "float32")
CYCLE = {"children": [[1, -1], [0, -1]], "tokens": [0, 0]}
CHILD_AFTER_PARENT = {"children": [[1, 2], [-1, -1], [-1, -1]], "tokens": [-1, 1, 2]}
LEAF_WITHOUT_TOKEN = {"children": [[-1, -1], [-1, -1], [0, 1]], "tokens": [-1, 3, -1]}
GOOD_TREE = {"children": [[-1, -1], [-1, -1], [0, 1]], "tokens": [1, 2, -1]}

CASES = [
    # --- environment ---
    (
        "setup: negative seed",
        lambda: course_utils.setup(seed=-1),
        r"`seed` must be an integer >= 0, got -1$",
    ),
    (
        "setup: cpu_devices 0",
        lambda: course_utils.setup(seed=0, cpu_devices=0),
        r"`cpu_devices` must be an integer >= 1, got 0$",
    ),
    # --- cells ---
    (
        "SimpleRNNCell: units 0",
        lambda: course_utils.SimpleRNNCell(0),
        r"`units` must be an integer >= 1, got 0$",
    ),
    (
        "LSTMCell: units -3",
        lambda: course_utils.LSTMCell(-3),
        r"`units` must be an integer >= 1, got -3$",
    ),
    (
        "GRUCell: units 2.5",
        lambda: course_utils.GRUCell(2.5),
        r"`units` must be an integer >= 1, got 2\.5$",
    ),
    (
        "LSTMCell: unknown activation",
        lambda: course_utils.LSTMCell(4, activation="tanhh"),
        r"unknown `activation` 'tanhh': expected a Keras activation name",
    ),
    (
        "GRUCell: dropout 1.0",
        lambda: course_utils.GRUCell(4, dropout=1.0),
        r"`dropout` must be a number in \[0, 1\), got 1\.0$",
    ),
    (
        "LSTMCell: forget override 2",
        lambda: course_utils.LSTMCell(4, forget_gate_override=2.0),
        r"`forget_gate_override` must be None or a number in \[0, 1\], got 2\.0$",
    ),
    (
        "RNN(LSTMCell): rank-2 input",
        lambda: rnn(course_utils.LSTMCell(4), X3[:, 0]),
        r"got a step input of shape \(2,\), i\.e\. a 2-D sequence; "
        r"expected a 3-D input \(batch, time, features\)",
    ),
    (
        "RNN(GRUCell): wrong feature size",
        lambda: built_rnn(course_utils.GRUCell(4))(X3[..., :2]),
        r"was built for 3 input features but got inputs with 2",
    ),
    # --- memory layers ---
    (
        "LeakyRNNCell: alpha 1.5",
        lambda: memory.LeakyRNNCell(4, alpha=1.5),
        r"`alpha` must be a number in \(0, 1\), got 1\.5$",
    ),
    (
        "SkipRNNCell: delay 0",
        lambda: memory.SkipRNNCell(4, delay=0),
        r"`delay` must be an integer >= 1, got 0$",
    ),
    (
        "EchoStateNetwork: radius 0",
        lambda: memory_networks.EchoStateNetwork(8, 1, spectral_radius=0.0),
        r"`spectral_radius` must be a finite number > 0, got 0\.0$",
    ),
    (
        "HopfieldNetwork: pattern size",
        lambda: memory_networks.HopfieldNetwork(4).store(np.ones((1, 5))),
        r"patterns must have shape \(4,\) or \(count, 4\) for a network of size 4, "
        r"got shape \(1, 5\)$",
    ),
    (
        "HopfieldNetwork: non +-1 values",
        lambda: memory_networks.HopfieldNetwork(3).store(np.array([[1, 0, 1]])),
        r"patterns must contain only -1 and \+1, got values \[0\]$",
    ),
    # --- wrappers and deep blocks ---
    (
        "Bidirectional: merge mode",
        lambda: bidirectional.Bidirectional(
            keras.layers.RNN(course_utils.GRUCell(4), return_sequences=True), merge_mode="max"
        ),
        r"`merge_mode` must be one of 'concat', 'sum', 'mul', 'ave', None, got 'max'$",
    ),
    (
        "Bidirectional: not a layer",
        lambda: bidirectional.Bidirectional("lstm"),
        r"layer must be a Keras recurrent layer instance, got str: 'lstm'$",
    ),
    (
        "RNNStack: zero layers",
        lambda: deep.RNNStack(course_utils.GRUCell(4), num_layers=0),
        r"`num_layers` must be an integer >= 1, got 0$",
    ),
    (
        "DeepTransitionCell: depth 0",
        lambda: deep.DeepTransitionCell(4, depth=0),
        r"`depth` must be an integer >= 1, got 0$",
    ),
    # --- attention ---
    (
        "LuongAttention: unknown score",
        lambda: attention.LuongAttention(score="cosine"),
        r"`score` must be one of 'dot', 'general', got 'cosine'$",
    ),
    (
        "BahdanauAttention: units 0",
        lambda: attention.BahdanauAttention(0),
        r"`units` must be an integer >= 1, got 0$",
    ),
    (
        "LuongAttention: rank-2 values",
        lambda: attention.LuongAttention("dot")(X3, X3[:, 0]),
        r"`values` must be of shape \(batch, T_in, units_v\) with units_v known, got \(2, 3\)$",
    ),
    (
        "LuongAttention dot: feature mismatch",
        lambda: attention.LuongAttention("dot")(X3, X3[..., :2]),
        r"score='dot' needs query and values of the same size, got query size 3 and values size 2",
    ),
    # --- sequence to sequence ---
    (
        "masked loss: shape mismatch",
        lambda: seq2seq.masked_sequence_loss(
            np.ones((2, 4), "int32"), np.zeros((2, 5, 3), "float32")
        ),
        r"`target` and `output` must have the same shape up until the last dimension: "
        r"target\.shape=\(2, 4\), output\.shape=\(2, 5, 3\)",
    ),
    (
        "sampling schedule: unknown",
        lambda: seq2seq.sampling_probability(1, schedule="cosine"),
        r"`schedule` must be one of 'linear', 'exponential', 'inverse_sigmoid', got 'cosine'$",
    ),
    (
        "Encoder: vocabulary 0",
        lambda: seq2seq.Encoder(0, 8, course_utils.GRUCell(4)),
        r"`vocabulary_size` must be an integer >= 1, got 0$",
    ),
    # --- decoding ---
    (
        "beam search: width 0",
        lambda: decoding.beam_search(TABLE, STATE, 1, 2, 4, beam_width=0),
        r"`beam_width` must be an integer >= 1, got 0$",
    ),
    (
        "beam search: max length 0",
        lambda: decoding.beam_search(TABLE, STATE, 1, 2, 0, beam_width=2),
        r"`max_length` must be an integer >= 1, got 0$",
    ),
    (
        "greedy: start id unknown",
        lambda: decoding.greedy_decode(TABLE, STATE, 9, 2, 4),
        r"`start_id` must be an integer in \[0, 3\], got 9$",
    ),
    (
        "sampling: temperature 0",
        lambda: decoding.sample_decode(TABLE, STATE, 1, 2, 4, temperature=0.0),
        r"`temperature` must be a finite number > 0, got 0\.0$",
    ),
    (
        "BLEU: empty corpus",
        lambda: metrics.corpus_bleu([], []),
        r"need at least one hypothesis, got an empty list$",
    ),
    # --- trees ---
    (
        "tree: cycle",
        lambda: trees.validate_tree(CYCLE["children"], CYCLE["tokens"]),
        r"the tree has a cycle through nodes \[0, 1, 0\]; a tree must not contain cycles$",
    ),
    (
        "tree: child after parent",
        lambda: trees.validate_tree(CHILD_AFTER_PARENT["children"], CHILD_AFTER_PARENT["tokens"]),
        r"node 0 has child 1 at a later index; nodes must be ordered children-before-parent",
    ),
    (
        "tree: leaf without token",
        lambda: trees.validate_tree(LEAF_WITHOUT_TOKEN["children"], LEAF_WITHOUT_TOKEN["tokens"]),
        r"leaf 0 has token id -1; every leaf needs a token id >= 0$",
    ),
    (
        "tree: token out of range",
        lambda: trees.batch_trees([GOOD_TREE], vocabulary_size=2),
        r"tree 0: leaf 1 has token id 2, outside the vocabulary 0\.\.1$",
    ),
    ("TreeLSTM: units 0", lambda: trees.TreeLSTM(0), r"`units` must be an integer >= 1, got 0$"),
    # --- transformer ---
    (
        "Transformer: units not divisible by heads",
        lambda: transformer.TransformerEncoderLayer(10, 3, 16),
        r"units=10 must be divisible by num_heads=3",
    ),
    # --- vocabulary and data ---
    (
        "Vocabulary: unknown token",
        lambda: course_utils.Vocabulary(["a", "b"]).encode(["a", "z"]),
        r"token 'z' is not in the vocabulary \(3 tokens, no '<unk>'\)",
    ),
    (
        "Vocabulary: id out of range",
        lambda: course_utils.Vocabulary(["a", "b"]).decode([7]),
        r"`ids` must hold integer ids in \[0, 3\), got 7 at index 0$",
    ),
    (
        "Vocabulary: sequence too long",
        lambda: course_utils.Vocabulary(["a"]).pad([[1, 1, 1]], max_length=2),
        r"a sequence has 3 tokens, more than max_length=2$",
    ),
    (
        "load_dates: unknown split",
        lambda: course_utils.load_dates(split="valid"),
        r"`split` must be one of 'train', 'test', got 'valid'$",
    ),
    (
        "load_number_words: unknown language",
        lambda: course_utils.load_number_words(source="french"),
        r"`source` must be one of 'digits', 'english', 'german', got 'french'$",
    ),
    (
        "delayed recall: length 0",
        lambda: course_utils.make_delayed_recall(8, 0),
        r"`length` must be an integer >= 2, got 0$",
    ),
    (
        "adding problem: 0 samples",
        lambda: course_utils.make_adding_problem(0, 10),
        r"`num_samples` must be an integer >= 1, got 0$",
    ),
    # --- training ---
    (
        "train: epochs 0",
        lambda: course_utils.train(
            keras.Sequential([keras.layers.Dense(1)]), X3[:, 0], X3[:, 0, :1], loss="mse", epochs=0
        ),
        r"`epochs` must be an integer >= 1, got 0$",
    ),
    (
        "train: x/y length mismatch",
        lambda: course_utils.train(
            keras.Sequential([keras.layers.Dense(1)]), X3[:, 0], np.zeros((3, 1)), loss="mse"
        ),
        r"`y` must be 2 examples long, as many as `x` .* got 3 examples$",
    ),
    (
        "train: clip_norm negative",
        lambda: course_utils.train(
            keras.Sequential([keras.layers.Dense(1)]),
            X3[:, 0],
            X3[:, 0, :1],
            loss="mse",
            clip_norm=-1.0,
        ),
        r"`clip_norm` must be None or a finite number > 0, got -1\.0$",
    ),
    (
        "train: NaN in inputs",
        lambda: course_utils.train(
            keras.Sequential([keras.layers.Dense(1)]),
            np.full((4, 3), np.nan),
            np.zeros((4, 1)),
            loss="mse",
        ),
        r"`x` must be finite everywhere .* got 12 NaN or Inf value\(s\)$",
    ),
    (
        "train: unknown optimizer",
        lambda: course_utils.train(
            keras.Sequential([keras.layers.Dense(1)]),
            X3[:, 0],
            X3[:, 0, :1],
            loss="mse",
            optimizer="adamm",
        ),
        r"`optimizer` must be a Keras optimizer name such as 'adam' or 'sgd', "
        r"or a keras\.optimizers\.Optimizer, got 'adamm'$",
    ),
    # --- exercise checks ---
    (
        "check: student function is not callable",
        lambda: call_with_time_limit(42),
        r"expected a function, got int: 42$",
    ),
    (
        "check: student function never returns",
        lambda: call_with_time_limit(lambda: [i for i in iter(int, 1)], time_limit=0.5),
        r"your function did not return within 0\.5 s \(an endless loop\?\)$",
    ),
    (
        "quiz: unknown part",
        lambda: course_utils.quizzes.check("optics", {}),
        r"`quiz` must be one of 'foundations', 'gated_memory', 'architectures', "
        r"'sequence_to_sequence', 'applications', got 'optics'$",
    ),
    (
        "quiz: unknown option",
        lambda: course_utils.quizzes.check("foundations", {1: {"zz"}}),
        r"question 1 has options a, b, c, d; got 'zz'$",
    ),
    # --- ids and shapes named by position ---
    (
        "Vocabulary: float id",
        lambda: course_utils.Vocabulary(["a", "b"]).decode([1.5]),
        r"`ids` must be an array of integers, got an array of shape \(1,\) and dtype float64$",
    ),
    (
        "Vocabulary: ragged batch",
        lambda: course_utils.Vocabulary(["a", "b"]).decode_batch([[1, 2], [1]]),
        r"`ids` must be a rectangular array of numbers \(every row the same length\), "
        r"got \[\[1, 2\], \[1\]\]$",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_bad_input_gets_a_clear_error(case):
    _, call, named = case  # `named`: a regex of what the message must say (name and expectation)
    outcome = {}

    def run():
        try:
            call()
            outcome["result"] = "returned without an error"
        except (ValueError, TypeError, StudentCodeError) as error:
            outcome["error"] = error
        except Exception as error:  # the wrong kind of error: a deep trace from inside TensorFlow
            outcome["result"] = (
                f"raised {type(error).__name__} instead of ValueError/TypeError: {error}"
            )

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(SECONDS_LIMIT)
    assert not worker.is_alive(), f"hung for more than {SECONDS_LIMIT} s"
    assert "error" in outcome, outcome.get("result")
    message = str(outcome["error"])
    assert re.search(named, message), f"message does not say {named!r}: {message}"
    assert len(message) < 600 and "Traceback" not in message, (
        f"message is not short and clear: {message[:300]}"
    )


def test_catalogue_size():
    """The catalogue is reported in the issue's closing note; keep it from shrinking unnoticed."""
    assert len(CASES) >= 50


# --- every public layer round-trips through .keras with identical outputs -------------------


def cell_model(cell):
    inputs = keras.Input((5, 3))
    return keras.Model(inputs, keras.layers.RNN(cell, return_sequences=True)(inputs)), X3


def layer_model(layer, shape, data):
    inputs = keras.Input(shape)
    return keras.Model(inputs, layer(inputs)), data


def tree_model(layer_class):
    batch = trees.batch_trees([GOOD_TREE, GOOD_TREE], vocabulary_size=3)
    tokens, children = (
        keras.Input(batch["tokens"].shape[1:], dtype="int32"),
        keras.Input(batch["children"].shape[1:], dtype="int32"),
    )
    embedded = keras.layers.Embedding(3, 4)(tokens)
    model = keras.Model([tokens, children], layer_class(6)([embedded, children]))
    return model, [batch["tokens"], batch["children"]]


def attention_model(layer):
    query, values = keras.Input((5, 3)), keras.Input((5, 3))
    return keras.Model([query, values], layer(query, values)), [X3, X3[:, ::-1]]


LAYERS = {
    "SimpleRNNCell": lambda: cell_model(course_utils.SimpleRNNCell(4)),
    "LSTMCell": lambda: cell_model(course_utils.LSTMCell(4, forget_gate_override=0.0)),
    "GRUCell": lambda: cell_model(course_utils.GRUCell(4, reset_after=False)),
    "LeakyRNNCell": lambda: cell_model(memory.LeakyRNNCell(4, alpha=0.7)),
    "SkipRNNCell": lambda: cell_model(memory.SkipRNNCell(4, delay=2)),
    "DeepTransitionCell": lambda: cell_model(deep.DeepTransitionCell(4, depth=2)),
    "LayerNormSimpleRNNCell": lambda: cell_model(deep.LayerNormSimpleRNNCell(4)),
    "LayerNormLSTMCell": lambda: cell_model(deep.LayerNormLSTMCell(4)),
    "Bidirectional": lambda: layer_model(
        bidirectional.Bidirectional(
            keras.layers.RNN(course_utils.GRUCell(4), return_sequences=True), merge_mode="sum"
        ),
        (5, 3),
        X3,
    ),
    "RNNStack": lambda: layer_model(
        deep.RNNStack(course_utils.GRUCell(3), num_layers=2, residual=True), (5, 3), X3
    ),
    "BahdanauAttention": lambda: attention_model(attention.BahdanauAttention(4)),
    "LuongAttention": lambda: attention_model(attention.LuongAttention("general")),
    "TransformerEncoderLayer": lambda: layer_model(
        transformer.TransformerEncoderLayer(4, 2, 8),
        (5, 4),
        rng.normal(size=(2, 5, 4)).astype("float32"),
    ),
    "PositionalEncoding": lambda: layer_model(
        transformer.PositionalEncoding(), (5, 4), rng.normal(size=(2, 5, 4)).astype("float32")
    ),
    "TreeRNN": lambda: tree_model(trees.TreeRNN),
    "TreeLSTM": lambda: tree_model(trees.TreeLSTM),
}


def first_output(outputs):
    while isinstance(outputs, (list, tuple)):
        outputs = outputs[0]
    return keras.ops.convert_to_numpy(outputs)


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_every_public_layer_round_trips_through_keras_file(name, tmp_path):
    model, data = LAYERS[name]()
    path = tmp_path / f"{name}.keras"
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_array_equal(first_output(model(data)), first_output(restored(data)))
    assert not math.isnan(float(np.sum(first_output(model(data)))))
    shutil.rmtree(tmp_path, ignore_errors=True)
