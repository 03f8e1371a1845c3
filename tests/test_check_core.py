"""Nothing a student's function does breaks a check: exit(), KeyboardInterrupt, huge output, an
endless loop each become a message, and the check goes on."""

import sys

import numpy as np
import pytest

import course_utils
from course_utils.check import core
from course_utils.check.core import StudentCodeError, call_with_time_limit


def calls_exit(*args):
    exit()


def calls_sys_exit(*args):
    sys.exit(3)


def interrupts(*args):
    raise KeyboardInterrupt


def prints_a_lot(*args):
    for _ in range(10_000):
        print("x" * 99)
    return 42


@pytest.mark.parametrize(
    "function, expected",
    [
        (calls_exit, r"called exit\(\) or sys.exit\(None\)"),
        (calls_sys_exit, r"sys.exit\(3\)"),
        (interrupts, "raised KeyboardInterrupt; the check stopped it and carried on"),
        (lambda: 1 / 0, "raised ZeroDivisionError: division by zero"),
    ],
)
def test_every_escape_becomes_a_message(function, expected):
    with pytest.raises(StudentCodeError, match=expected):
        call_with_time_limit(function, time_limit=5)


def test_huge_output_is_cut_and_the_value_still_returned(capsys):
    assert call_with_time_limit(prints_a_lot, time_limit=10) == 42
    shown = capsys.readouterr().out
    assert shown.startswith("x" * 99 + "\n")
    assert f"... ({10_000 * 100 - core.OUTPUT_LIMIT_CHARACTERS} more characters" in shown
    assert len(shown) < core.OUTPUT_LIMIT_CHARACTERS + 200


def test_a_little_output_is_shown_whole(capsys):
    def chatty():
        print("step 1")
        return 7

    assert call_with_time_limit(chatty, time_limit=5) == 7
    assert capsys.readouterr().out == "step 1\n"


@pytest.mark.parametrize("function", [calls_exit, calls_sys_exit, interrupts, prints_a_lot])
def test_a_real_check_reports_and_recovers(function, capsys):
    result = course_utils.check.clip_by_global_norm(function)
    assert not result

    # the same check still passes a right answer afterwards
    def right(gradients, max_norm):
        total = np.sqrt(sum(np.sum(np.square(g)) for g in gradients))
        scale = min(1.0, max_norm / total) if total > 0 else 1.0
        return [np.asarray(g) * scale for g in gradients]

    assert course_utils.check.clip_by_global_norm(right)


def test_endless_loop_is_reported(short_time_limit, endless):
    result = course_utils.check.clip_by_global_norm(endless)
    assert not result and "did not return within 0.3 s" in result.message
