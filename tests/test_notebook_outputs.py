"""The comparison rule of notebook_outputs.py on small outputs: exact words, numbers within
tolerance."""

import math

import nbformat
import pytest

from notebook_outputs import (
    NUMBER,
    Tolerance,
    ToleranceMarkerError,
    cell_tolerance,
    differing_cells,
    snap_numbers,
    snap_outputs,
)

LOOSE = Tolerance(rel=0.02, abs=0.001)


def stream(text):
    return nbformat.v4.new_output("stream", name="stdout", text=text)


def notebook(source, *texts):
    cell = nbformat.v4.new_code_cell(source, outputs=[stream(text) for text in texts])
    return nbformat.v4.new_notebook(cells=[cell])


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("loss 2.186 | accuracy 0.25", ["2.186", "0.25"]),
        ("gradient 3.32e+35, ratio 5.7e-17.", ["3.32e+35", "5.7e-17"]),
        ("layer lstm_1 of Python 3.11.7", []),  # names and versions are words, compared exactly
        ("shape (32, 100, 64) and -0.5", ["32", "100", "64", "-0.5"]),
    ],
)
def test_what_counts_as_a_number(text, numbers):
    assert NUMBER.findall(text) == numbers


def test_numbers_within_tolerance_snap_to_the_stored_ones():
    text, moved = snap_numbers(
        "loss 2.186 | perplexity 12.321", "loss 2.188 | perplexity 12.225", LOOSE
    )
    assert text == "loss 2.186 | perplexity 12.321"
    assert moved == pytest.approx((12.321 - 12.225) / 12.321)


def test_a_number_beyond_tolerance_stays_and_so_the_texts_differ():
    text, _ = snap_numbers("ratio 0.387", "ratio 0.420", LOOSE)
    assert text == "ratio 0.420"


@pytest.mark.parametrize(
    "fresh", ["perplexity 12.3 (worse)", "perplexity 12.3 12.3", "Perplexity 12.3"]
)
def test_other_words_or_another_count_of_numbers_are_not_snapped(fresh):
    assert snap_numbers("perplexity 12.3", fresh, Tolerance(rel=0.5))[0] == fresh


def test_nan_matches_only_nan():
    assert Tolerance(rel=0.1).allows(math.nan, math.nan)
    assert not Tolerance(rel=0.1, abs=1e6).allows(math.nan, 1.0)


def test_absolute_tolerance_for_numbers_near_zero():
    assert Tolerance(abs=1e-5).allows(0.0, 0.000001) and not Tolerance(rel=0.5).allows(
        0.0, 0.000001
    )


def test_streams_split_differently_compare_as_one_text():
    stored = [stream("epoch 1 | loss 2.186\nepoch 2 | loss 1.5\n")]
    fresh = [stream("epoch 1 | loss 2.187\n"), stream("epoch 2 | loss 1.5\n")]
    snapped, _ = snap_outputs(stored, fresh, LOOSE)
    assert [out["text"] for out in snapped] == [stored[0]["text"]]


def test_cells_without_a_marker_are_compared_exactly():
    stored = notebook("print(loss)", "loss 2.186\n")
    assert differing_cells(stored, notebook("print(loss)", "loss 2.187\n")) == [0]
    marked = notebook("# NBVAL_TOLERANCE rel=0.01\nprint(loss)", "loss 2.186\n")
    assert differing_cells(marked, notebook("print(loss)", "loss 2.187\n")) == []
    assert differing_cells(marked, notebook("print(loss)", "loss 2.5\n")) == [0]
    assert differing_cells(
        marked, notebook("print(loss)", "loss 2.187\n"), use_tolerance=False
    ) == [0]


def test_ignored_cells_are_not_compared():
    stored = notebook(
        "# NBVAL_IGNORE_OUTPUT\n# chaotic: where a run diverges\nprint(step)", "step 87\n"
    )
    assert differing_cells(stored, notebook("print(step)", "step 73\n")) == []


def test_marker_forms():
    assert cell_tolerance("x = 1") is None
    assert cell_tolerance("# NBVAL_TOLERANCE rel=0.02 abs=0.005\nx = 1") == Tolerance(0.02, 0.005)
    assert cell_tolerance("#NBVAL_TOLERANCE abs=1e-5") == Tolerance(0.0, 1e-5)
    with pytest.raises(ToleranceMarkerError, match="rel=2"):
        cell_tolerance("# NBVAL_TOLERANCE rel=2")
