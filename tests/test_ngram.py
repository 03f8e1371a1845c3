"""Tests for course_utils.analysis.ngram against brute-force counting on tiny texts."""

import itertools
import math

import numpy as np
import pytest

from course_utils.analysis.ngram import NGramModel, select_ngram
from course_utils.validation import ArgumentError

V = 4


def brute_force(text, order, k, context, token):
    """(count(context, token) + k) / (count(context) + k V), counting rows by hand."""
    context = list(context)[-(order - 1) :] if order > 1 else []
    joint = total = 0
    for row in text:
        row = list(row)
        for t in range(len(context), len(row)):
            if row[t - len(context) : t] == context:
                total += 1
                joint += row[t] == token
    return (joint + k) / (total + k * V)


@pytest.fixture
def text():
    return np.random.default_rng(0).integers(0, V, size=(3, 40))


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("k", [0.1, 1.0])
def test_probabilities_match_brute_force_and_sum_to_one(text, order, k):
    model = NGramModel(order, V, k).fit(text)
    for context in itertools.product(range(V), repeat=order - 1):
        p = model.probabilities(context)
        assert p.sum() == pytest.approx(1.0, abs=1e-12)
        expected = [brute_force(text, order, k, context, c) for c in range(V)]
        np.testing.assert_allclose(p, expected, rtol=1e-12)


def test_unseen_context_is_uniform():
    model = NGramModel(3, V, k=0.5).fit(np.array([0, 1, 0, 1, 0, 1]))
    np.testing.assert_allclose(model.probabilities([3, 3]), np.full(V, 1 / V))
    assert model.probabilities([0, 1]).sum() == pytest.approx(1.0)


def test_log_probabilities_use_the_longest_available_context(text):
    model = NGramModel(3, V, k=0.2).fit(text)
    inputs, targets = text[:, :-1], text[:, 1:]
    got = model.log_probabilities(inputs, targets)
    assert got.shape == inputs.shape
    for i, t in [(0, 0), (1, 0), (2, 1), (0, 5), (2, 38)]:
        context = inputs[i, max(0, t - 1) : t + 1]  # at most order - 1 = 2 inputs
        expected = brute_force(text, len(context) + 1, 0.2, context, targets[i, t])
        assert got[i, t] == pytest.approx(math.log(expected), rel=1e-12)
    assert model.mean_negative_log_likelihood(inputs, targets) == pytest.approx(-got.mean())


def test_a_one_dimensional_text_is_one_row():
    ids = np.random.default_rng(1).integers(0, V, size=50)
    one = NGramModel(2, V).fit(ids)
    rows = NGramModel(2, V).fit(ids[None, :])
    np.testing.assert_array_equal(one.probabilities([2]), rows.probabilities([2]))


def test_select_picks_the_lowest_validation_loss():
    # a deterministic cycle 0 1 2 3 0 1 ...: a bigram predicts it perfectly, small k wins
    train = np.tile(np.arange(V), 30)
    valid = np.tile(np.arange(V), 5)[None, :]
    best, table = select_ngram(train, valid[:, :-1], valid[:, 1:], V, (1, 2), (0.01, 1.0))
    assert (best.order, best.k) == (2, 0.01)
    assert set(table) == {(1, 0.01), (1, 1.0), (2, 0.01), (2, 1.0)}
    assert table[(2, 0.01)] == min(table.values())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(order=0, vocabulary_size=V), "`order` must be"),
        (dict(order=2, vocabulary_size=V, k=0), "`k` must be"),
        (dict(order=40, vocabulary_size=104), "`order` must be"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ArgumentError, match=message):
        NGramModel(**kwargs)


def test_unfitted_model_and_out_of_range_ids():
    with pytest.raises(RuntimeError, match="fit"):
        NGramModel(2, V).probabilities([0])
    with pytest.raises(ArgumentError, match="`sequences`"):
        NGramModel(2, V).fit(np.array([0, 1, 7]))
