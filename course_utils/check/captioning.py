"""Checks for notebook 18 (image captioning): the caption's token ids, the number of attention
weights a decode produces, and which column groups a word should attend to.

    caption_ids(answer)                   # the decoder targets of CAPTION_QUESTION's strip
    attention_weight_count(answer)        # weights of one greedy decode (ATTENTION_COUNT_QUESTION)
    attended_columns(answer)              # column groups under one digit (COLUMNS_QUESTION)

A wrong answer gets a hint about what is off (the end token, the reserved ids, the end step),
never the expected value.
"""

import numpy as np

from course_utils.check.core import integer_answer, report

__all__ = [
    "ATTENTION_COUNT_QUESTION",
    "CAPTION_QUESTION",
    "COLUMNS_QUESTION",
    "attended_columns",
    "attention_weight_count",
    "caption_ids",
]

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_VOCABULARY = ("<pad>", "<start>", "<end>") + _WORDS

CAPTION_QUESTION = {
    "digits in the strip, left to right": [5, 0, 3],
    "vocabulary (token ids in order)": list(_VOCABULARY),
    "asked for": "the decoder targets: the ids the decoder is trained to output, as a list",
}
ATTENTION_COUNT_QUESTION = {
    "strips decoded": 4,
    "words generated per strip (the <end> token not counted)": 5,
    "strip width in pixels": 48,
    "pixel columns per column group": 4,
}
COLUMNS_QUESTION = {
    "strip width in pixels": 48,
    "pixels per digit": 8,
    "pixel columns per column group": 4,
    "word": 4,  # the 4th word of the caption (counting from 1)
}


def caption_ids(answer):
    """The decoder targets (a list of ints) of the strip of `CAPTION_QUESTION`."""
    name = "caption_ids"
    digits = CAPTION_QUESTION["digits in the strip, left to right"]
    try:
        ids = [int(x) for x in np.asarray(answer).reshape(-1)] if answer is not None else None
        whole = answer is not None and np.all(np.asarray(answer) == np.round(answer))
    except (TypeError, ValueError):
        ids, whole = None, False
    if ids is None or not whole or not ids:
        return report(name, False, "answer with a list of integer token ids.")
    words = [_VOCABULARY.index(_WORDS[d]) for d in digits]
    end = _VOCABULARY.index("<end>")
    start = _VOCABULARY.index("<start>")
    if ids == words + [end]:
        return report(name, True, "the caption's word ids, then <end>; no <start>.")
    if ids == [start] + words + [end] or ids == [start] + words:
        return report(name, False, "<start> belongs to the decoder *inputs*, not its targets.")
    if ids == words:
        return report(name, False, "the decoder must also learn when to stop.")
    if ids == list(digits) + [end] or ids == list(digits):
        return report(name, False, "a digit's token id is not the digit: look the word up.")
    return report(name, False, "look each word up in the vocabulary, in the strip's order.")


def attention_weight_count(answer):
    """Attention weights in one greedy decode of `ATTENTION_COUNT_QUESTION` (stopping at <end>)."""
    name = "attention_weight_count"
    failed = integer_answer(name, answer)
    if failed is not None:
        return failed
    q = ATTENTION_COUNT_QUESTION
    batch = q["strips decoded"]
    steps = q["words generated per strip (the <end> token not counted)"] + 1
    groups = q["strip width in pixels"] // q["pixel columns per column group"]
    expected = batch * steps * groups
    hints = {
        batch * (steps - 1) * groups: "the step that writes <end> attends too.",
        steps * groups: "every strip of the batch has its own weights.",
        batch * steps * q["strip width in pixels"]: "the decoder attends over column groups, "
        "not pixel columns.",
        batch * steps * 6: "the features are per column group, not per digit.",
    }
    if int(answer) == expected:
        return report(name, True, "one weight per strip, step and column group.")
    return report(name, False, hints.get(int(answer), "count strips x steps x column groups."))


def attended_columns(answer):
    """The 0-based column groups (a set of ints) under the digit of the word asked for in
    `COLUMNS_QUESTION`."""
    name = "attended_columns"
    try:
        groups = {int(g) for g in answer}
        valid = all(float(g) == int(g) for g in answer)
    except (TypeError, ValueError):
        groups, valid = None, False
    if not valid or not groups:
        return report(name, False, "answer with a set of integer column-group indices, e.g. {0}.")
    q = COLUMNS_QUESTION
    per_digit = q["pixels per digit"] // q["pixel columns per column group"]
    first = (q["word"] - 1) * per_digit
    expected = set(range(first, first + per_digit))
    if groups == expected:
        return report(name, True, "the groups that cover that digit's pixel columns.")
    if groups == {g + per_digit for g in expected}:
        return report(name, False, "count the groups from 0 and the words from 1.")
    if groups == set(
        range((q["word"] - 1) * q["pixels per digit"], q["word"] * q["pixels per digit"])
    ):
        return report(name, False, "those are pixel columns: divide by the group width.")
    if len(groups) != per_digit:
        return report(name, False, "a digit spans more than one group: how many?")
    return report(name, False, "the digits sit left-aligned, one every 8 pixel columns.")
