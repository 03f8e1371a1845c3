"""Targets of a sequence-to-sequence model: start/end tokens, padding masks, the masked loss,
exact match, and the schedules of scheduled sampling.

Token conventions are those of `course_utils.data.vocabulary.Vocabulary`: `<pad>` = 0, `<start>` =
1,
`<end>` = 2. A target sequence y_1..y_n becomes the decoder input `<start> y_1 .. y_n` and the
decoder target `y_1 .. y_n <end>` (`add_start_end`), both padded after the end with 0. The loss
averages over real tokens only (`masked_sequence_loss`); `exact_match_accuracy` counts outputs
equal to the target up to its end token. `course_utils.layers.seq2seq` re-exports all of them.

Example:
    decoder_inputs, targets = add_start_end([[5, 6], [7]])   # [[1 5 6] [1 7 0]], [[5 6 2] [7 2 0]]
    loss = masked_sequence_loss(targets, logits)             # logits (2, 3, vocabulary)
"""

import keras
import numpy as np
from keras import ops

from course_utils.validation import number, one_of

PAD_ID, START_ID, END_ID = 0, 1, 2  # as in course_utils.data.vocabulary.Vocabulary(start_end=True)


# ----- tokens, masks, losses, accuracy --------------------------------------------------------
def padding_mask(tokens, pad_id=PAD_ID):
    """Bool mask (batch, time), True at real tokens and False at `pad_id`."""
    return ops.not_equal(tokens, pad_id)


def add_start_end(sequences, start_id=START_ID, end_id=END_ID, pad_id=PAD_ID, max_length=None):
    """Turn id sequences y_1..y_n into decoder inputs `<start> y` and targets `y <end>`.

    Args:
        sequences: iterable of 1-D integer id sequences (without start/end tokens).
        start_id, end_id, pad_id: the reserved ids.
        max_length: width of both arrays (default: longest sequence + 1).

    Returns:
        `(decoder_inputs, decoder_targets)`, int32 arrays (batch, max_length), padded with `pad_id`.
    """
    sequences = [np.asarray(s, dtype=np.int32).reshape(-1) for s in sequences]
    longest = max((len(s) for s in sequences), default=0) + 1
    width = longest if max_length is None else max_length
    if width < longest:
        raise ValueError(
            f"max_length={max_length} is too short: the longest sequence needs "
            f"{longest} positions with its start/end token"
        )
    inputs = np.full((len(sequences), width), pad_id, dtype=np.int32)
    targets = np.full((len(sequences), width), pad_id, dtype=np.int32)
    for row, sequence in enumerate(sequences):
        inputs[row, : len(sequence) + 1] = np.concatenate([[start_id], sequence])
        targets[row, : len(sequence) + 1] = np.concatenate([sequence, [end_id]])
    return inputs, targets


def token_losses(y_true, logits):
    """Cross-entropy of every position, (batch, time); padded positions are *not* removed."""
    return keras.losses.sparse_categorical_crossentropy(y_true, logits, from_logits=True)


def masked_sequence_loss(y_true, logits, pad_id=PAD_ID):
    """Mean token cross-entropy over the real tokens: sum over y_true != pad_id / their number.

    Averaging over every position instead (`ops.mean(token_losses(...))`) is a classic bug: the
    value then depends on how much padding the batch happens to have.
    """
    real = ops.cast(padding_mask(y_true, pad_id), logits.dtype)
    total = ops.sum(token_losses(y_true, logits) * real)
    return total / ops.maximum(ops.sum(real), 1.0)


def padding_weighted_loss(y_true, logits, padding_weight, pad_id=PAD_ID):
    """Token cross-entropy averaged with weight 1 on real tokens and `padding_weight` on padding.

    `padding_weight` = 0 is `masked_sequence_loss`; 1 is the naive mean over every position,
    `ops.mean(token_losses(...))`. It may be a `keras.Variable`, so one compiled training step
    trains with either loss (notebook 11 compares the two without compiling twice).
    """
    real = ops.cast(padding_mask(y_true, pad_id), logits.dtype)
    weights = real + ops.cast(padding_weight, logits.dtype) * (1.0 - real)
    return ops.sum(token_losses(y_true, logits) * weights) / ops.maximum(ops.sum(weights), 1.0)


@keras.saving.register_keras_serializable(package="course_utils")
class MaskedSequenceLoss(keras.losses.Loss):
    """`masked_sequence_loss` as a Keras loss: per-token cross-entropy, 0 at padding.

    `call` returns the (batch, time) token losses with padded positions set to 0; the
    reduction then divides their sum by the number of **real** tokens (not by batch x time).
    With `course_utils.train`, the `Seq2Seq` model's output mask gives the same division.

    Args:
        pad_id: id of the padding token in the targets.
    """

    def __init__(self, pad_id=PAD_ID, name="masked_sequence_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.pad_id = pad_id

    def call(self, y_true, y_pred):
        real = ops.cast(padding_mask(y_true, self.pad_id), y_pred.dtype)
        return token_losses(y_true, y_pred) * real

    def __call__(self, y_true, y_pred, sample_weight=None):
        if sample_weight is not None:
            raise ValueError(
                "MaskedSequenceLoss weights tokens by the padding mask of y_true; "
                f"sample_weight is not supported, got {type(sample_weight).__name__}"
            )
        if self.reduction in (None, "none"):
            return self.call(y_true, y_pred)
        return masked_sequence_loss(y_true, y_pred, self.pad_id)

    def get_config(self):
        return {**super().get_config(), "pad_id": self.pad_id}


def _cut_at_end(row, end_id, pad_id):
    """Tokens of one sequence up to and including the first `end_id` (padding dropped)."""
    row = [int(t) for t in row]
    if end_id in row:
        return tuple(row[: row.index(end_id) + 1])
    return tuple(t for t in row if t != pad_id)


def sequence_matches(y_true, y_pred, end_id=END_ID, pad_id=PAD_ID):
    """Per sequence: True when the prediction equals the target up to and including `<end>`.

    Anything after the first `<end>` (padding or leftover tokens) is ignored; a prediction
    that never emits `<end>` only matches a target without one.

    Returns:
        bool array (batch,).
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 2 or y_pred.ndim != 2 or len(y_true) != len(y_pred):
        raise ValueError(
            f"y_true and y_pred must be (batch, time) with the same batch, got "
            f"shapes {y_true.shape} and {y_pred.shape}"
        )
    return np.array(
        [
            _cut_at_end(t, end_id, pad_id) == _cut_at_end(p, end_id, pad_id)
            for t, p in zip(y_true, y_pred)
        ],
        dtype=bool,
    )


def exact_match_accuracy(y_true, y_pred, end_id=END_ID, pad_id=PAD_ID):
    """Fraction of sequences predicted exactly (see `sequence_matches`)."""
    return float(np.mean(sequence_matches(y_true, y_pred, end_id, pad_id)))


# ----- scheduled sampling --------------------------------------------------------------------
SCHEDULES = ("linear", "exponential", "inverse_sigmoid")


def sampling_probability(step, schedule="inverse_sigmoid", k=100.0, slope=0.001, floor=0.0):
    """Probability of feeding the model's own prediction after `step` training steps.

    Bengio et al. (2015) decay the probability eps_i of feeding the *true* token at step i;
    this returns 1 - eps_i, with eps_i never below `floor`:
    'linear': eps = 1 - slope * i; 'exponential': eps = k ** i (k < 1);
    'inverse_sigmoid': eps = k / (k + exp(i / k)) (k >= 1). Works on numbers and on tensors.

    Example:
        sampling_probability(0, k=100.0)     # 0.0099  (teacher forcing almost always)
        sampling_probability(500, k=100.0)   # 0.597
    """
    one_of(schedule, "schedule", SCHEDULES)
    floor = number(floor, "floor", 0.0, 1.0)  # the least teacher-forcing probability
    i = ops.cast(step, "float32")
    if schedule == "linear":
        teacher = 1.0 - slope * i
    elif schedule == "exponential":
        teacher = ops.power(ops.cast(k, "float32"), i)
    else:
        teacher = k / (k + ops.exp(ops.minimum(i / k, 80.0)))
    probability = 1.0 - ops.clip(teacher, floor, 1.0)
    return float(probability) if isinstance(step, (int, float, np.number)) else probability
