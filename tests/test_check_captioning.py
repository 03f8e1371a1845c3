"""Tests of the exercise checks of notebook 18: the solutions pass, plausible wrong answers fail
with a hint that does not give the value away."""

import pytest

from course_utils.check import captioning as check


def test_caption_ids(capsys):
    assert check.caption_ids([8, 3, 6, 2])
    for wrong in ([1, 8, 3, 6, 2], [8, 3, 6], [5, 0, 3, 2], [8, 3, 6, 0], None, "eight", [2.5]):
        assert not check.caption_ids(wrong)
    out = capsys.readouterr().out
    assert "[8, 3, 6" not in out.split("correct")[-1]


def test_attention_weight_count(capsys):
    assert check.attention_weight_count(288)
    capsys.readouterr()
    for wrong in (240, 72, 1152, 144, 0):
        assert not check.attention_weight_count(wrong)
    assert "288" not in capsys.readouterr().out  # the hints never give the value
    assert not check.attention_weight_count(288.5)
    assert not check.attention_weight_count("288")


@pytest.mark.parametrize("wrong", [{8, 9}, {24, 25, 26, 27, 28, 29, 30, 31}, {6}, {3}, set(), "6"])
def test_attended_columns_wrong(wrong, capsys):
    assert not check.attended_columns(wrong)
    out = capsys.readouterr().out
    assert "{6, 7}" not in out and "6" not in out.replace("[attended_columns]", "")


def test_attended_columns_right():
    assert check.attended_columns({6, 7}) and check.attended_columns([7, 6])
