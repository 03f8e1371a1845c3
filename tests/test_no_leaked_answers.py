"""No exercise's answer is on screen before it is asked.

For every exercise of the numbered notebooks, the expected answer is taken from its worked solution
(tests/exercise_solutions.py) and searched for in everything a student sees before answering: the
cells above the exercise (prose, code and stored outputs), the exercise cell itself (its blank and
the check's message for the blank) and the docstrings of the check module that grades it.

- A number, a shape or a dict of numbers is searched for as written (76288, 76,288, (16, 40, 64),
  "rnn": 50), as a whole token; a float to 3 and 4 significant digits.
- A function exercise leaks if a line of its solution appears above it (compared without spaces
  and without `np.` / `ops.` / `tf.` prefixes), or if the package function that computes the same
  thing is shown with `show_source` above it (`SOLVED_BY`).
- A small number can appear above for another reason (a notebook's number in the syllabus map, the
  size of an unrelated array); `ALLOWED` lists those appearances by the text around them, each with
  the reason. Everything else that matches fails the test.
"""

import ast
import importlib
import importlib.util
import json
import math
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

# (notebook, exercise) -> the package functions whose source, shown above, would be the answer.
SOLVED_BY = {
    ("11_sequence_to_sequence", 1): ["masked_sequence_loss"],
}

# (notebook, exercise) -> {text around an allowed appearance: why it is not the answer}.
ALLOWED = {
    ("00_welcome_and_setup", 1): {
        "| 13 |": "the exercise asks the student to look the number up in the syllabus map",
    },
}

PREFIX = re.compile(r"\b(?:keras\.ops|np|ops|tf|numpy|math)\.")
CHECK_CALL = re.compile(r"course_utils\.check\.(\w+)\(")


def expected_answer(source):
    """The value `answer` takes in a worked solution (the check call left out), or None."""
    lines = [line for line in source.splitlines() if not CHECK_CALL.search(line)]
    namespace = {"np": np, "math": math, "course_utils": course_utils}
    exec("\n".join(lines), namespace)  # the solutions are the project's own code
    return namespace.get("answer")


def number_patterns(value):
    """Regular expressions that find `value` written in a text."""
    token = r"(?<![\w.]){}(?![\w]|\.\d)"
    if isinstance(value, (bool, str, set, list)) or value is None:
        return []
    if isinstance(value, (int, np.integer)) or (
        isinstance(value, float) and abs(value - round(value)) < 1e-9
    ):
        number = int(round(value))
        patterns = [token.format(number)]
        if abs(number) >= 1000:
            patterns.append(token.format(f"{number:,}".replace(",", "[,_ \u2009]")))
        return patterns
    if isinstance(value, float):
        return [token.format(re.escape(f"{value:.{digits}g}")) for digits in (3, 4)]
    if isinstance(value, tuple) and all(isinstance(item, int) for item in value):
        return [r"\(\s*" + r",\s*".join(map(str, value)) + r"\s*\)"]
    if isinstance(value, dict) and all(
        isinstance(item, int) and not isinstance(item, bool) for item in value.values()
    ):
        return [rf"{re.escape(key)}\W{{0,6}}{item}(?![\w]|\.\d)" for key, item in value.items()]
    return []


def is_small_integer(value):
    """A number below 100 appears in many texts for other reasons (sizes, counts, dates)."""
    return (
        isinstance(value, (int, float, np.integer))
        and not isinstance(value, bool)
        and abs(value - round(value)) < 1e-9
        and abs(value) < 100
    )


def normalised(text):
    return re.sub(r"\s+", "", PREFIX.sub("", text))


def solution_lines(source):
    """The statements of the functions a solution defines (20 characters or more, normalised)."""
    tree = ast.parse(source)
    lines = []
    for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
        for statement in ast.walk(function):
            if isinstance(statement, (ast.Return, ast.Assign, ast.AugAssign)):
                line = normalised(ast.get_source_segment(source, statement))
                if len(line) >= 20:
                    lines.append(line)
    return lines


def shown_texts(cell):
    """What a student sees of a cell: its source and its stored text outputs."""
    yield "".join(cell["source"])
    for output in cell.get("outputs", []):
        if "text" in output:
            yield "".join(output["text"])
        for kind, data in output.get("data", {}).items():
            if kind.startswith("text/"):
                yield "".join(data)


def check_docstrings(check_name):
    """Every docstring of the check module that defines `course_utils.check.<check_name>`."""
    module = importlib.import_module(getattr(course_utils.check, check_name).__module__)
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    nodes = [tree] + [
        node
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
    ]
    return [ast.get_docstring(node) or "" for node in nodes]


def notebook_cells(notebook):
    return json.loads((ROOT / "notebooks" / f"{notebook}.ipynb").read_text(encoding="utf-8"))[
        "cells"
    ]


def earlier_notebooks(notebook):
    """What a student read in the notebooks before this one."""
    stems = sorted(path.stem for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    return [
        text
        for stem in stems[: stems.index(notebook)]
        for cell in notebook_cells(stem)
        for text in shown_texts(cell)
    ]


def seen_before(notebook, number):
    """The texts shown up to and including exercise `number`'s cell, and that cell's check name."""
    texts = []
    for cell in notebook_cells(notebook):
        texts.extend(shown_texts(cell))
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and re.match(rf"# Exercise {number}\b", source):
            called = CHECK_CALL.search(source)
            return texts, called.group(1) if called else None
    raise AssertionError(f"{notebook} has no cell starting with '# Exercise {number}'")


def leaks(texts, patterns, allowed):
    found = []
    for text in texts:
        for pattern in patterns:
            for match in re.finditer(pattern, text):
                around = text[max(0, match.start() - 40) : match.end() + 40]
                if not any(fragment in around for fragment in allowed):
                    found.append(around.replace("\n", "⏎"))
    return found


@pytest.mark.parametrize(
    "key", sorted(solutions.SOLUTIONS), ids=lambda key: f"{key[0][:2]}-exercise-{key[1]}"
)
def test_no_answer_before_its_question(key):
    notebook, number = key
    source = solutions.SOLUTIONS[key]
    texts, check_name = seen_before(notebook, number)
    allowed = ALLOWED.get(key, {})
    answer = expected_answer(source)
    patterns = number_patterns(answer)
    found = leaks(texts, patterns, allowed)
    if patterns and not is_small_integer(answer):  # a small number is too common to look further
        found += [
            f"an earlier notebook: {text}"
            for text in leaks(earlier_notebooks(notebook), patterns, allowed)
        ]
        if check_name:
            docstrings = check_docstrings(check_name)
            found += [f"check docstring: {text}" for text in leaks(docstrings, patterns, allowed)]
    shown = [normalised(text) for text in texts]
    found += [
        f"solution line {line}"
        for line in solution_lines(source)
        if any(line in text for text in shown)
    ]
    for name in SOLVED_BY.get(key, []):
        if any(f"show_source({name})" in text for text in texts):
            found.append(f"show_source({name}) above the exercise")
    assert not found, (
        f"{notebook} exercise {number}: the answer is on screen before it is asked:\n"
        + "\n".join(found)
    )


def test_the_scan_finds_a_planted_answer():
    """The scan is not vacuous: the answer printed above the question is found."""
    patterns = number_patterns(4 * (128 * 20 + 128 * 128 + 128))
    assert leaks(["count_params() = 76288"], patterns, {})
    assert leaks(["LSTM: 76,288 parameters"], patterns, {})
    assert not leaks(["762880 and 176288 are other numbers"], patterns, {})
    assert leaks(["time constant 20 steps"], number_patterns(1 / (1 - 0.95)), {})
    assert leaks(["shape (16, 40, 64)"], number_patterns((16, 40, 64)), {})
    assert leaks(['{"rnn": 50}'], number_patterns({"rnn": 50}), {})
    assert leaks(["decay 0.1074"], number_patterns(0.8**10), {})
    assert not leaks(["| 13 | beam"], number_patterns(13), {"| 13 |": "the map"})
