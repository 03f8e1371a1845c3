"""Every exercise of the numbered notebooks has a worked solution in tests/exercise_solutions.py
that
its check accepts, and the notebooks ship the blank: a student never finds the answer in the
cell."""

import contextlib
import importlib.util
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

import course_utils

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location(
    "exercise_solutions", Path(__file__).with_name("exercise_solutions.py")
)
solutions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(solutions)
SOLUTIONS = solutions.SOLUTIONS


def exercise_cells():
    """(notebook stem, exercise number) -> the notebook's code cell (source and stored outputs)."""
    cells = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            found = re.match(r"# Exercise (\d+)", source)
            if cell["cell_type"] == "code" and found:
                cells[(path.stem, int(found.group(1)))] = cell
    return cells


CELLS = exercise_cells()


def run(source):
    """Run a cell's code as the notebook would (NumPy and course_utils imported) and return its
    output."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(source, "<exercise>", "exec"), {"np": np, "course_utils": course_utils})
    return output.getvalue()


def question(source):
    """The comment lines that state the exercise."""
    return [line for line in source.splitlines() if line.startswith("#")][:3]


def test_every_exercise_has_a_solution_and_no_solution_is_orphaned():
    assert len(CELLS) >= 40
    assert set(CELLS) == set(SOLUTIONS)


@pytest.mark.parametrize(
    "key", sorted(SOLUTIONS), ids=[f"{stem[:2]}-{n}" for stem, n in sorted(SOLUTIONS)]
)
def test_solution_passes_its_check(key):
    source = "".join(CELLS[key]["source"])
    assert question(SOLUTIONS[key]) == question(source), "the solution belongs to another question"
    output = run(SOLUTIONS[key])
    assert "] correct:" in output and "not yet" not in output, output


@pytest.mark.parametrize("key", sorted(CELLS), ids=[f"{stem[:2]}-{n}" for stem, n in sorted(CELLS)])
def test_notebook_ships_the_blank(key):
    """The stored output is the check's reply to the untouched cell: "not yet", never "correct"."""
    stored = "".join("".join(out.get("text", "")) for out in CELLS[key]["outputs"])
    assert "] not yet:" in stored and "] correct:" not in stored, stored
