"""Tests of the exercise checks of notebook 17: right answers pass, wrong ones get a hint."""

import numpy as np
import pytest

from course_utils.check import forecasting as check
from course_utils.data.series import make_windows


def test_window_count_matches_make_windows(capsys):
    for length, window, horizon in ((100, 24, 12), (50, 10, 1), (30, 5, 7)):
        count = len(make_windows(np.arange(float(length)), window, horizon)[0])
        assert check.window_count(count, length=length, window=window, horizon=horizon)
    capsys.readouterr()


@pytest.mark.parametrize(
    "wrong, hint",
    [(77, "target of the last ones"), (64, "one short"), (76, "horizon needs more room"),
     (2, "windows overlap"), (90, "too many"), (10, "too few"), ("65x", "answer with an int")],
)
def test_window_count_wrong_answers(capsys, wrong, hint):
    assert not check.window_count(wrong)
    out = capsys.readouterr().out
    assert hint in out and "65" not in out.replace("65x", "")


def solution_mase(y_true, y_pred, train, period):
    scale = np.mean(np.abs(train[period:] - train[:-period]))
    return np.mean(np.abs(np.asarray(y_true) - y_pred)) / scale


def test_mase_solution_passes(capsys):
    assert check.mase(solution_mase)
    capsys.readouterr()


@pytest.mark.parametrize(
    "wrong, hint",
    [
        (lambda t, p, tr, m: np.mean(np.abs(t - p)), "that is the MAE"),
        (lambda t, p, tr, m: np.mean(np.abs(t - p)) / np.mean(np.abs(np.diff(tr))), "lag `period`"),
        (lambda t, p, tr, m: np.sqrt(np.mean((t - p) ** 2)) / np.mean(np.abs(tr[m:] - tr[:-m])),
         "RMSE"),
        (lambda t, p, tr, m: 1 / solution_mase(t, p, tr, m), "upside down"),
        (lambda t, p, tr, m: np.concatenate([tr, t]).size, "differs"),
        (lambda t, p, tr, m: np.ones(3), "returned shape"),
        (lambda t, p, tr, m: 1 / 0, "ZeroDivisionError"),
        (lambda t, p, tr, m: (lambda both: np.mean(np.abs(t - p))
                              / np.mean(np.abs(both[m:] - both[:-m])))(np.concatenate([tr, t])),
         "test values too"),
    ],
)
def test_mase_wrong_answers(capsys, wrong, hint):
    assert not check.mase(wrong)
    assert hint in capsys.readouterr().out


def test_mase_refuses_the_library_function(capsys):
    from course_utils.analysis.forecasting import mase

    assert not check.mase(mase)
    assert "not one from course_utils" in capsys.readouterr().out


def test_leaky_steps(capsys):
    assert check.leaky_steps({"A", "C", "E"}) and check.leaky_steps(["a", "c", "e"])
    messages = set()
    for wrong in (set(), {"A"}, {"A", "C"}, {"A", "C", "E", "F"}, {"B", "D", "F"}):
        capsys.readouterr()
        assert not check.leaky_steps(wrong)
        messages.add(capsys.readouterr().out.replace(str(wrong), ""))
    assert len(messages) == 1  # the same hint for every wrong set: trying does not reveal the key
    assert not check.leaky_steps("ACE") and not check.leaky_steps({"Z"})
