"""Corpus BLEU of generated token sequences, computed by sacrebleu (not written by hand).

BLEU (Papineni et al., 2002) is not written by hand here: `corpus_bleu` calls sacrebleu (Post,
2018, "A call for clarity in reporting BLEU scores"), the reference implementation that papers
report. Tokenisation choice: our outputs are already sequences of tokens (words, digits), so
each sequence is joined with single spaces and sacrebleu is told `tokenize="none"`, i.e. it
splits on whitespace only and counts n-grams of *our* tokens; its default ("13a") would also
split punctuation inside tokens, which would change the n-grams of e.g. "twenty-one" or
"2024-05-01". Plain strings are accepted too and are then split on whitespace the same way.

Corpus BLEU pools the n-gram counts of all sentences before taking the geometric mean of the
1..4-gram precisions and multiplying by the brevity penalty; it is *not* the mean of sentence
BLEUs. Scores are on sacrebleu's 0-100 scale. With the default smoothing ("exp") a corpus with no
*matching* 4-gram still gets a small positive score; but a corpus with no 4-gram *at all* (every
hypothesis shorter than 4 tokens) scores 0, so for very short outputs lower `max_ngram_order`.

Sequence-level exact match lives beside the seq2seq model, as
`course_utils.layers.seq2seq.exact_match_accuracy(y_true, y_pred)` on padded id arrays.

Example:
    words = ["sieben", "und", "zwanzig", "tausend"]
    corpus_bleu([words], [words])  # 100.0
    corpus_bleu(["3 4 5 6 7"], ["3 4 5 6 8"])  # 66.87
"""

import numpy as np
import sacrebleu

from course_utils.validation import integer, one_of

__all__ = ["corpus_bleu", "join_tokens"]


def join_tokens(sequence, name="sequence"):
    """One sequence as a string of space-separated tokens (a string is returned as it is).

    Args:
        sequence: a string, or a list/array of tokens (strings or integer ids).
    """
    if isinstance(sequence, str):
        return sequence
    if isinstance(sequence, (list, tuple, np.ndarray)):
        tokens = [str(token) for token in np.asarray(sequence, dtype=object).reshape(-1)]
        bad = [token for token in tokens if not token or any(c.isspace() for c in token)]
        if bad:
            raise ValueError(
                f"{name} has tokens that are empty or contain whitespace: {bad[:3]!r}; "
                "BLEU splits on whitespace, so a token must be one word"
            )
        return " ".join(tokens)
    raise TypeError(
        f"{name} must be a string or a list of tokens, got {type(sequence).__name__}: "
        f"{sequence!r:.60}"
    )


def _as_corpus(hypotheses, references):
    if isinstance(hypotheses, str) or isinstance(references, str):
        raise TypeError(
            "hypotheses and references must be lists with one sequence per example, got a single "
            "string"
        )
    hypotheses, references = list(hypotheses), list(references)
    if len(hypotheses) != len(references):
        raise ValueError(
            f"got {len(hypotheses)} hypotheses but {len(references)} references: "
            "expected one reference per hypothesis"
        )
    if not hypotheses:
        raise ValueError("need at least one hypothesis, got an empty list")
    return hypotheses, references


def corpus_bleu(hypotheses, references, smooth_method="exp", max_ngram_order=4):
    """Corpus BLEU of token sequences against one reference each, computed by sacrebleu.

    Args:
        hypotheses: list of outputs, each a list of tokens (or a whitespace-tokenised string).
        references: list of the same length, one reference per hypothesis.
        smooth_method: sacrebleu's smoothing: "exp" (default), "floor", "add-k" or "none".
        max_ngram_order: longest n-gram counted (4 is standard BLEU-4).

    Returns:
        A float in [0, 100].
    """
    one_of(smooth_method, "smooth_method", ("exp", "floor", "add-k", "none"))
    max_ngram_order = integer(max_ngram_order, "max_ngram_order", minimum=1)
    hypotheses, references = _as_corpus(hypotheses, references)
    hypothesis_text = [join_tokens(h, "hypothesis") for h in hypotheses]
    reference_text = [join_tokens(r, "reference") for r in references]
    bleu = sacrebleu.metrics.BLEU(
        tokenize="none", smooth_method=smooth_method, max_ngram_order=max_ngram_order
    )
    return float(bleu.corpus_score(hypothesis_text, [reference_text]).score)
