"""Tests for course_utils.check.scaling: right, wrong and malformed answers for every check."""

import numpy as np
import pytest

from course_utils.check import core
from course_utils.check import scaling as check


class TestReplicaBatch:
    def test_right_answer_passes(self):
        assert check.replica_batch((16, 157))

    @pytest.mark.parametrize(
        "answer, hint",
        [
            ((64, 157), "splits it between the replicas"),
            ((16, 156), "partial batch is one more step"),
            ((16, 625), "consumes one whole global batch"),
            ((8, 157), "first number is off"),
        ],
    )
    def test_typical_mistakes_get_a_hint(self, answer, hint, capsys):
        assert not check.replica_batch(answer)
        assert hint in capsys.readouterr().out

    @pytest.mark.parametrize("answer", [16, (16,), ("16", 157), (16.0, 157), (True, 157), None])
    def test_malformed_answer_says_what_is_expected(self, answer, capsys):
        assert not check.replica_batch(answer)
        assert "pair of ints" in capsys.readouterr().out


class TestGlobalMeanLoss:
    @staticmethod
    def weighted(means, weights):
        return np.sum(np.where(weights > 0, means, 0.0) * weights) / weights.sum()

    def test_right_answers_pass(self):
        assert check.global_mean_loss(self.weighted)
        assert check.global_mean_loss(
            lambda means, weights: np.nansum(means * weights) / weights.sum()
        )

    def test_mean_of_replica_means_is_named(self, capsys):
        assert not check.global_mean_loss(lambda means, weights: np.nanmean(means))
        assert "averages the replicas' own means" in capsys.readouterr().out

    def test_a_nan_from_the_all_padding_replica_is_explained(self, capsys):
        assert not check.global_mean_loss(
            lambda means, weights: (means * weights).sum() / weights.sum()
        )
        assert "a replica with no real tokens reports a NaN mean" in capsys.readouterr().out

    def test_other_wrong_answer(self, capsys):
        assert not check.global_mean_loss(lambda means, weights: np.nansum(means * weights))
        assert "total loss over the total" in capsys.readouterr().out

    @pytest.mark.parametrize(
        "function, message",
        [
            (lambda sums, weights: 1 / 0, "raised ZeroDivisionError"),
            (lambda sums, weights: "a", "array of numbers"),
            (lambda sums, weights: weights, "(one number) returned shape (2,)"),
            (lambda sums, weights: np.nan, "NaN or inf"),
        ],
    )
    def test_broken_functions_get_a_clear_message(self, function, message, capsys):
        assert not check.global_mean_loss(function)
        assert message in capsys.readouterr().out

    def test_rejects_a_function_from_course_utils(self, capsys):
        assert not check.global_mean_loss(core.as_array)
        assert "not one from course_utils" in capsys.readouterr().out
