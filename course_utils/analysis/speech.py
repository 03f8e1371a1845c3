"""Word error rate of transcripts with `jiwer`.

    word_error_rate(["four two seven"], ["four seven"])     # 1 deletion / 3 words = 0.333...

WER = (substitutions + deletions + insertions) / words in the references, over the whole corpus
(not a mean of per-utterance rates), from the minimum edit distance between word sequences.
"""

import jiwer

from course_utils.validation import fail

__all__ = ["word_error_rate"]


def _strings(values, name):
    if isinstance(values, str) or not hasattr(values, "__len__"):
        fail(name, "a list of transcripts (strings)", values)
    values = list(values)
    for value in values:
        if not isinstance(value, str):
            fail(f"{name}[...]", "a string (a transcript such as 'four two')", value)
    return values


def word_error_rate(references, hypotheses):
    """Corpus WER of `hypotheses` against `references` (equal-length lists of strings; every
    reference must contain at least one word)."""
    references = _strings(references, "references")
    hypotheses = _strings(hypotheses, "hypotheses")
    if len(references) != len(hypotheses):
        fail("hypotheses", f"as many transcripts as references ({len(references)})",
             f"{len(hypotheses)} transcripts")
    if not references:
        fail("references", "a non-empty list of transcripts", references)
    for reference in references:
        if not reference.split():
            fail("references[...]", "a transcript with at least one word", reference)
    # jiwer refuses empty hypotheses in some versions: an empty hypothesis is all deletions
    output = jiwer.process_words(references, [h if h.split() else "" for h in hypotheses])
    return float(output.wer)
