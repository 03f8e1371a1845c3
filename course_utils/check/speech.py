"""Checks for notebook 16 (speech recognition with CTC). NumPy only.

    ctc_path_count(answer)           # frame paths of length 5 that collapse to "one two"
    stft_frames(answer)              # frames of a 0.5 s clip with a 256-sample window, hop 128
    greedy_collapse(my_collapse)     # best-path decoding of a frame sequence

A wrong answer gets a hint about what is off, never the expected value.
"""

import itertools

import numpy as np

from course_utils.check.core import integer_answer, report, run_student_function

__all__ = ["ctc_path_count", "greedy_collapse", "stft_frames"]

BLANK = 0


def _collapse(path, blank=BLANK):
    out, previous = [], None
    for c in path:
        if c != previous and c != blank:
            out.append(int(c))
        previous = c
    return tuple(out)


def _count_paths(labels, frames):
    """Brute force: paths over {blank} + labels of `frames` frames that collapse to `labels`."""
    alphabet = sorted({BLANK, *labels})
    return sum(_collapse(p) == tuple(labels) for p in itertools.product(alphabet, repeat=frames))


def ctc_path_count(answer, labels=(1, 2), frames=5):
    """How many frame-level paths of `frames` frames collapse to `labels` (blank 0)?"""
    exercise = "ctc_path_count"
    failed = integer_answer(exercise, answer)
    if failed is not None:
        return failed
    expected = _count_paths(labels, frames)
    if int(answer) == expected:
        return report(exercise, True, "right: every one of them adds to p(labels | x), which "
                      "the forward recursion sums without listing them.")
    if int(answer) < expected:
        hint = ("too few: paths may start or end with blanks, repeat a label over several "
                "frames, and put blanks between the labels")
    else:
        hint = ("too many: a path that shows a label twice with no blank between collapses "
                "to one label, and a path may contain only blanks and the labels, in order")
    return report(exercise, False, hint + ". Try listing the paths for 3 frames first.")


def stft_frames(answer, samples=4000, frame_length=256, frame_step=128):
    """How many frames does tf.signal.stft (no padding) give for a clip of `samples` samples?"""
    exercise = "stft_frames"
    failed = integer_answer(exercise, answer)
    if failed is not None:
        return failed
    expected = 1 + (samples - frame_length) // frame_step
    if int(answer) == expected:
        return report(exercise, True, "right: a full window fits that many times; the last "
                      "few samples that do not fill a window are dropped.")
    if int(answer) == samples // frame_step or int(answer) == -(-samples // frame_step):
        hint = "that counts hops of the whole clip, but the last window must fit inside it"
    elif int(answer) == expected - 1:
        hint = "off by one: the first window starts at sample 0 and counts too"
    else:
        hint = "count the start positions 0, hop, 2*hop, ... whose window ends inside the clip"
    return report(exercise, False, hint + ".")


def greedy_collapse(fn):
    """`fn(frames)`: a list of per-frame class ids (blank 0) -> tuple of labels after merging
    repeats and then removing blanks."""
    exercise = "greedy_collapse"
    rng = np.random.default_rng(16)
    cases = [[1, 1, 0, 1, 2, 2, 0], [0, 0, 0], [3, 0, 3, 3, 0, 0, 3], [2]]
    cases += [[int(c) for c in rng.integers(0, 4, size=rng.integers(1, 12))] for _ in range(30)]
    for case in cases:
        value, failed = run_student_function(exercise, fn, list(case))
        if failed is not None:
            return failed
        try:
            value = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            return report(exercise, False, f"return a tuple or list of ints, got "
                          f"{type(value).__name__}.")
        expected = _collapse(case)
        if value != expected:
            no_merge = tuple(int(c) for c in case if c != BLANK)
            if value == no_merge:
                hint = "repeats must be merged first: a label held over several frames is one"
            elif value == _collapse([c for c in case if c != BLANK]):
                hint = ("blanks were removed before merging: a blank between two equal labels "
                        "keeps both")
            else:
                hint = "merge runs of equal frames, then drop the blanks"
            return report(exercise, False, f"wrong for frames {case}: {hint}.")
    return report(exercise, True, f"right on {len(cases)} frame sequences.")
