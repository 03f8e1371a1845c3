"""course_utils: the one source of every layer, loader, plot and check used by the course notebooks.

Importing the package imports TensorFlow with its start-up logging silenced;
`setup(seed=...)` at the top of each notebook then seeds everything and prints the environment.
The folders and what each may import are described in ARCHITECTURE.md at the repository root.
"""

from course_utils.environment import (
    environment_summary,
    import_tensorflow_quietly,
    require_tensorflow_backend,
    setup,
    xla_available,
)

require_tensorflow_backend()  # a clear ImportError at once for KERAS_BACKEND=jax and the like
import_tensorflow_quietly()  # before any module below imports TensorFlow; says how to install it

# ruff: noqa: E402 (the imports below need TensorFlow imported quietly first)
from course_utils import check, data, explore, plotting, quizzes  # noqa: F401
from course_utils.analysis import bptt, gradients, language_model, metrics, ngram  # noqa: F401
from course_utils.analysis.dependency_depth import matmul_chain_length
from course_utils.analysis.metrics import corpus_bleu
from course_utils.analysis.recording import record_gates
from course_utils.data import (
    Vocabulary,
    load_agreement,
    load_dates,
    load_number_words,
    load_python_docs,
    load_tagging,
    load_trees,
    make_adding_problem,
    make_copy_task,
    make_delayed_recall,
)
from course_utils.decoding import (
    beam_search,
    exhaustive_search,
    greedy_decode,
    sample_decode,
    seq2seq_step_fn,
    sequence_log_prob,
)
from course_utils.layers import (
    BahdanauAttention,
    Bidirectional,
    Decoder,
    DeepTransitionCell,
    EchoStateNetwork,
    Encoder,
    GRUCell,
    HopfieldNetwork,
    LayerNormLSTMCell,
    LayerNormSimpleRNNCell,
    LeakyRNNCell,
    LSTMCell,
    LuongAttention,
    MaskedSequenceLoss,
    PositionalEncoding,
    RNNStack,
    SelfAttention,
    Seq2Seq,
    SimpleRNNCell,
    SkipRNNCell,
    TransformerEncoderLayer,
    TreeLSTM,
    TreeRNN,
    add_start_end,
    batch_trees,
    compose_recursively,
    exact_match_accuracy,
    masked_sequence_loss,
    node_depths,
    padding_mask,
    reverse_padded_sequences,
    sampling_probability,
    sequence_matches,
    validate_tree,
)
from course_utils.source import show_source
from course_utils.training import FastRNN, TrainingHistory, evaluate, restart, train
