"""Tests of course_utils.analysis.metrics: BLEU against the formula of Papineni et al. written out
here."""

import collections
import math

import numpy as np
import pytest

from course_utils.analysis.metrics import corpus_bleu, join_tokens


def reference_bleu(hypotheses, references, max_order=4):
    """Corpus BLEU by the paper's definition: clipped n-gram precisions pooled over the corpus,
    geometric mean, brevity penalty exp(1 - r/c) when c < r. No smoothing (all counts > 0 here)."""
    matches, totals = [0] * max_order, [0] * max_order
    hypothesis_length = reference_length = 0
    for hypothesis, reference in zip(hypotheses, references):
        hypothesis_length += len(hypothesis)
        reference_length += len(reference)
        for n in range(1, max_order + 1):
            hyp = collections.Counter(
                tuple(hypothesis[i : i + n]) for i in range(len(hypothesis) - n + 1)
            )
            ref = collections.Counter(
                tuple(reference[i : i + n]) for i in range(len(reference) - n + 1)
            )
            matches[n - 1] += sum(min(count, ref[gram]) for gram, count in hyp.items())
            totals[n - 1] += sum(hyp.values())
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_order
    brevity = (
        1.0
        if hypothesis_length >= reference_length
        else math.exp(1 - reference_length / hypothesis_length)
    )
    return 100 * brevity * math.exp(log_precision)


HYPOTHESES = [
    ["drei", "hundert", "ein", "und", "zwanzig"],
    ["sieben", "und", "vierzig"],
    ["neun", "hundert", "zwei", "und", "achtzig", "tausend"],
    ["fünf", "und", "dreißig"],
]
REFERENCES = [
    ["drei", "hundert", "ein", "und", "zwanzig"],
    ["sieben", "und", "dreißig"],
    ["neun", "hundert", "zwei", "und", "achtzig"],
    ["fünf", "und", "dreißig", "tausend"],
]


class TestCorpusBleu:
    def test_matches_the_formula(self):
        expected = reference_bleu(HYPOTHESES, REFERENCES)
        assert 0 < expected < 100
        assert corpus_bleu(HYPOTHESES, REFERENCES) == pytest.approx(expected, abs=1e-9)

    def test_brevity_penalty(self):
        short = [h[:-1] for h in REFERENCES]  # every hypothesis one token short
        expected = reference_bleu(short, REFERENCES)
        assert corpus_bleu(short, REFERENCES) == pytest.approx(expected, abs=1e-9)
        assert expected < 100

    def test_identical_is_100_and_integer_ids_work(self):
        assert corpus_bleu(REFERENCES, REFERENCES) == pytest.approx(100.0)
        ids = [[3, 4, 5, 6], [7, 8, 9, 10, 11]]
        assert corpus_bleu(ids, ids) == pytest.approx(100.0)
        assert corpus_bleu([np.array(x) for x in ids], ids) == pytest.approx(100.0)

    def test_tokens_are_not_split_further(self):
        # sacrebleu's default "13a" would split "twenty-one" into "twenty - one" and change the
        # counts
        hypotheses = [["twenty-one", "thousand", "and", "five"]]
        references = [["twenty-two", "thousand", "and", "five"]]
        expected = reference_bleu(hypotheses, references, max_order=3)  # 3/4, 2/3, 1/2
        assert corpus_bleu(hypotheses, references, max_ngram_order=3) == pytest.approx(
            expected, abs=1e-9
        )
        assert corpus_bleu(["a b c d"], ["a b c d"]) == pytest.approx(
            100.0
        )  # strings: split on spaces

    def test_bad_input(self):
        with pytest.raises(ValueError, match="got 2 hypotheses but 1 references"):
            corpus_bleu([["a"], ["b"]], [["a"]])
        with pytest.raises(ValueError, match="at least one hypothesis"):
            corpus_bleu([], [])
        with pytest.raises(ValueError, match="contain whitespace"):
            corpus_bleu([["twenty one"]], [["twenty"]])
        with pytest.raises(TypeError, match="single string"):
            corpus_bleu("a b", "a b")
        with pytest.raises(TypeError, match="must be a string or a list of tokens"):
            corpus_bleu([3], [[3]])
        with pytest.raises(ValueError, match="`max_ngram_order` must be an integer >= 1, got 0$"):
            corpus_bleu([["a"]], [["a"]], max_ngram_order=0)
        with pytest.raises(
            ValueError,
            match="`smooth_method` must be one of 'exp', 'floor', 'add-k', 'none', got 'add-one'$",
        ):
            corpus_bleu([["a"]], [["a"]], smooth_method="add-one")


class TestJoinTokens:
    def test_join_tokens(self):
        assert join_tokens(["a", 3, "b"]) == "a 3 b"
        assert join_tokens(np.array([4, 5])) == "4 5"
        assert join_tokens("a b") == "a b"
