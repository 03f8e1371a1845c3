"""Decoding CTC outputs with `keras.ops.ctc_decode`: greedy (best path) and beam search.

The class convention is Keras's (`mask_index`): class `blank_index` (default 0) is the blank.
For spoken digits the classes are blank = 0 and digit d = d + 1 (`DIGIT_OFFSET`), so
`decode_digits` returns digit tuples directly.

    digits = decode_digits(logits)                                   # greedy
    digits = decode_digits(logits, strategy="beam_search", beam_width=8)

Greedy takes the most probable class at every frame, merges repeats and drops blanks. Beam
search keeps the `beam_width` most probable label prefixes, summing over the paths that collapse
to the same prefix, so it can find a labelling whose total probability beats the best path's.
"""

import numpy as np
from keras import ops

from course_utils.validation import array, fail, integer, one_of

__all__ = ["DIGIT_OFFSET", "STRATEGIES", "ctc_decode", "decode_digits"]

STRATEGIES = ("greedy", "beam_search")
DIGIT_OFFSET = 1  # class of digit d is d + 1; class 0 is the blank


def ctc_decode(logits, strategy="greedy", beam_width=10, lengths=None, blank_index=0):
    """The best labelling of each example as a tuple of class ids (blanks removed).

    Args:
        logits: float (batch, time, classes), unnormalized.
        strategy: "greedy" or "beam_search".
        beam_width: beams kept by "beam_search" (an integer >= 1; unused by greedy).
        lengths: int (batch,) frames to read of each example (default: all).
        blank_index: the blank class (Keras's `mask_index`).
    """
    logits = array(logits, "logits", rank=3, dtype_kind="f").astype(np.float32)
    one_of(strategy, "strategy", STRATEGIES)
    beam_width = integer(beam_width, "beam_width", minimum=1)
    blank_index = integer(blank_index, "blank_index", minimum=0, maximum=logits.shape[2] - 1)
    if lengths is None:
        lengths = np.full(len(logits), logits.shape[1], np.int32)
    lengths = array(lengths, "lengths", rank=1, dtype_kind="i").astype(np.int32)
    if len(lengths) != len(logits) or lengths.min(initial=1) < 1 \
            or lengths.max(initial=0) > logits.shape[1]:
        fail("lengths", f"{len(logits)} integers in 1..{logits.shape[1]}", lengths)
    decoded, _ = ops.ctc_decode(logits, lengths, strategy=strategy, beam_width=beam_width,
                                top_paths=1, mask_index=blank_index)
    rows = np.asarray(decoded)[0]
    return [tuple(int(c) for c in row if c >= 0) for row in rows]


def decode_digits(logits, strategy="greedy", beam_width=10, lengths=None):
    """`ctc_decode` for the digit classes (blank 0, digit d = d + 1): tuples of digits."""
    return [tuple(c - DIGIT_OFFSET for c in row)
            for row in ctc_decode(logits, strategy, beam_width, lengths, blank_index=0)]
