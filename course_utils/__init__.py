"""course_utils: the one source of every layer, loader, plot and check used by the course notebooks.

Importing the package imports TensorFlow with its start-up logging silenced;
`setup(seed=...)` at the top of each notebook then seeds everything and prints the environment.
"""
from course_utils.environment import (environment_summary, import_tensorflow_quietly,
                                     require_tensorflow_backend, setup, xla_available)

require_tensorflow_backend()  # a clear ImportError at once for KERAS_BACKEND=jax and the like
import_tensorflow_quietly()  # before any module below imports TensorFlow; says how to install it

from course_utils.source import show_source  # noqa: E402
from course_utils import check, plotting  # noqa: E402,F401
from course_utils.cells import GRUCell, LSTMCell, SimpleRNNCell  # noqa: E402
from course_utils.training import TrainingHistory, evaluate, train  # noqa: E402
from course_utils.recording import record_gates  # noqa: E402
from course_utils.bidirectional import Bidirectional, reverse_padded_sequences  # noqa: E402
from course_utils.deep import DeepTransitionCell, LayerNormLSTMCell, LayerNormSimpleRNNCell, RNNStack  # noqa: E402
from course_utils.trees import TreeLSTM, TreeRNN, batch_trees, compose_recursively, node_depths, validate_tree  # noqa: E402
from course_utils.memory import LeakyRNNCell, SkipRNNCell  # noqa: E402
from course_utils.memory_networks import EchoStateNetwork, HopfieldNetwork  # noqa: E402
from course_utils import bptt, gradients, language_model  # noqa: E402,F401
from course_utils.fast_rnn import FastRNN  # noqa: E402
from course_utils import quiz  # noqa: E402,F401
from course_utils.vocabulary import Vocabulary  # noqa: E402
from course_utils.datasets import load_agreement, load_dates, load_number_words, load_python_docs, load_tagging, load_trees, make_adding_problem, make_copy_task, make_delayed_recall  # noqa: E402
from course_utils.decoding import beam_search, exhaustive_search, greedy_decode, sample_decode, seq2seq_step_fn, sequence_log_prob  # noqa: E402
from course_utils.metrics import corpus_bleu  # noqa: E402
from course_utils.transformer import PositionalEncoding, TransformerEncoderLayer  # noqa: E402
from course_utils.attention import BahdanauAttention, LuongAttention  # noqa: E402
from course_utils.seq2seq import Decoder, Encoder, MaskedSequenceLoss, Seq2Seq, add_start_end, exact_match_accuracy, masked_sequence_loss, padding_mask, sampling_probability, sequence_matches  # noqa: E402
