"""The course's Keras layers, one module per lesson; every recurrent unit is a cell for
`keras.layers.RNN`, serializable under the package name "course_utils".

    cells.py             SimpleRNNCell, LSTMCell, GRUCell                      notebooks 02-06
    memory.py            LeakyRNNCell, SkipRNNCell                             notebook 07
    memory_networks.py   EchoStateNetwork, HopfieldNetwork                     notebook 07
    bidirectional.py     Bidirectional                                         notebook 08
    deep.py              RNNStack, DeepTransitionCell, layer-normalised cells  notebook 09
    trees.py             TreeRNN, TreeLSTM and the tree helpers                notebook 10
    seq2seq.py           Encoder, Decoder, Seq2Seq                             notebooks 11-13
    seq2seq_targets.py   start/end tokens, masked loss, exact match            notebooks 11-13
    attention.py         BahdanauAttention, LuongAttention                     notebook 12
    self_attention.py    SelfAttention (from its equations)                    notebook 14
    transformer.py       PositionalEncoding, TransformerEncoderLayer           notebook 14
    speech.py            LogMelSpectrogram, CTCLoss, ctc_forward_loss          notebook 16
    captioning.py        ImageEncoder, ImageCaptioner (show, attend and tell)  notebook 18

Layers use `keras.ops` (and `tf.signal` for the log-mel features of speech.py): no
`tf.function`, no `GradientTape` (the engine in `training/` does the compiling and the
differentiating).
"""

from course_utils.layers.attention import BahdanauAttention, LuongAttention  # noqa: F401
from course_utils.layers.bidirectional import Bidirectional, reverse_padded_sequences  # noqa: F401
from course_utils.layers.captioning import (  # noqa: F401
    ImageCaptioner,
    ImageEncoder,
    show_and_tell,
    show_attend_and_tell,
)
from course_utils.layers.cells import GRUCell, LSTMCell, SimpleRNNCell  # noqa: F401
from course_utils.layers.deep import (
    DeepTransitionCell,
    LayerNormLSTMCell,  # noqa: F401
    LayerNormSimpleRNNCell,
    RNNStack,
)
from course_utils.layers.memory import LeakyRNNCell, SkipRNNCell  # noqa: F401
from course_utils.layers.memory_networks import EchoStateNetwork, HopfieldNetwork  # noqa: F401
from course_utils.layers.seq2seq import Decoder, Encoder, Seq2Seq  # noqa: F401
from course_utils.layers.seq2seq_targets import (
    MaskedSequenceLoss,
    add_start_end,  # noqa: F401
    exact_match_accuracy,
    masked_sequence_loss,
    padding_mask,
    sampling_probability,
    sequence_matches,
)
from course_utils.layers.self_attention import SelfAttention  # noqa: F401
from course_utils.layers.transformer import PositionalEncoding, TransformerEncoderLayer  # noqa: F401
from course_utils.layers.speech import CTCLoss, LogMelSpectrogram, ctc_forward_loss  # noqa: F401
from course_utils.layers.trees import (
    TreeLSTM,
    TreeRNN,
    batch_trees,  # noqa: F401
    compose_recursively,
    node_depths,
    validate_tree,
)
