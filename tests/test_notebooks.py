"""Static checks on every committed notebook, a run-twice reproducibility check, and proof that the
comparison catches regressions.

nbval (in `course.py test`) compares each notebook's stored outputs with a fresh run under the rule
of `notebook_outputs.py`; these tests make sure that comparison means something: outputs come from
one clean top-to-bottom run, only cells with a stated reason are exempt, every tolerance is
readable, a number moved beyond its tolerance (or a broken notebook) fails the run, and the
notebooks keep the course's skeleton.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from notebooks import execute  # noqa: E402
from notebook_outputs import (  # noqa: E402
    IGNORE_MARKER,
    ToleranceMarkerError,
    cell_tolerance,
    differing_cells,  # noqa: E402
    is_ignored,
)

NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [path for path in NOTEBOOKS if ".ipynb_checkpoints" not in path.parts]
COURSE_NOTEBOOKS = [
    path for path in NOTEBOOKS if re.match(r"\d\d_", path.name) and path.parent.name == "notebooks"
]
SKELETON = ["What you will learn", "Setup", "Configuration", "Check your understanding", "Summary"]
SUFFIXED_MARKER = re.compile(
    r"^\s*#\s*NBVAL_IGNORE_OUTPUT\W+\w", re.MULTILINE
)  # not recognised by nbval
# A notebook run twice from fresh kernels: the welcome notebook and a training notebook.
RUN_TWICE = ["00_welcome_and_setup.ipynb", "04_vanishing_and_exploding_gradients.ipynb"]


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def ids(paths):
    return [str(path.relative_to(ROOT / "notebooks")) for path in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
class TestStoredOutputs:
    def test_outputs_come_from_one_clean_run(self, path):
        counts = [cell.execution_count for cell in code_cells(nbformat.read(path, as_version=4))]
        assert counts == list(range(1, len(counts) + 1)), (
            f"{path.name}: execution counts {counts} are not 1..N; re-record with `python3 "
            f"course.py record {path}`"
        )

    def test_no_stored_errors(self, path):
        notebook = nbformat.read(path, as_version=4)
        errors = [
            out.ename
            for cell in code_cells(notebook)
            for out in cell.outputs
            if out.output_type == "error"
        ]
        assert not errors, f"{path.name} has stored errors: {errors}"

    def test_no_log_lines_stored(self, path):
        """TensorFlow's start-up lines (stderr) would greet every student in a red box."""
        for cell in code_cells(nbformat.read(path, as_version=4)):
            streams = [out.text for out in cell.outputs if out.get("name") == "stderr"]
            assert not streams, f"{path.name} stores stderr output: {streams[0][:200]!r}"

    def test_every_exemption_from_comparison_says_why(self, path):
        """Form: a line `# NBVAL_IGNORE_OUTPUT` (exactly: nbval ignores anything longer) and a
        comment
        line right after it giving the reason."""
        notebook = nbformat.read(path, as_version=4)
        for cell in code_cells(notebook):
            assert "NBVAL_SKIP" not in cell.source, (
                f"{path.name}: NBVAL_SKIP hides a cell from the test run"
            )
            if SUFFIXED_MARKER.search(cell.source) and not is_ignored(cell):
                pytest.fail(
                    f"{path.name}: nbval only honours the exact line '# NBVAL_IGNORE_OUTPUT'"
                )
            if is_ignored(cell):
                lines = [line.strip() for line in cell.source.splitlines()]
                reasons = [
                    lines[i + 1] for i, line in enumerate(lines[:-1]) if IGNORE_MARKER.match(line)
                ]
                reasons += [line for line in lines if SUFFIXED_MARKER.match(line)]
                assert any(len(reason.lstrip("# ")) >= 5 for reason in reasons), (
                    f"{path.name}: say why the output is ignored, in a comment under the marker"
                )
        ignored = sum(is_ignored(cell) for cell in code_cells(notebook))
        assert ignored <= max(2, len(code_cells(notebook)) // 4), (
            f"{path.name}: {ignored} cells exempt from comparison"
        )

    def test_every_tolerance_is_readable_and_not_on_an_ignored_cell(self, path):
        for index, cell in enumerate(code_cells(nbformat.read(path, as_version=4))):
            tolerance = cell_tolerance(
                cell.source, f"{path.name}, code cell {index}"
            )  # raises with the fix
            assert not (tolerance and is_ignored(cell)), (
                f"{path.name}, code cell {index}: ignored and toleranced"
            )

    def test_no_asserts_in_exempt_cells(self, path):
        for cell in code_cells(nbformat.read(path, as_version=4)):
            if is_ignored(cell):
                code = [
                    line for line in cell.source.splitlines() if not line.strip().startswith("#")
                ]
                assert not any(re.match(r"\s*assert\b", line) for line in code), (
                    f"{path.name}: a claim is asserted in a cell whose output is ignored"
                )


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=ids(COURSE_NOTEBOOKS))
class TestSkeleton:
    def test_follows_the_template(self, path):
        notebook = nbformat.read(path, as_version=4)
        headings = [
            line.lstrip("#").strip()
            for cell in notebook.cells
            if cell.cell_type == "markdown"
            for line in cell.source.splitlines()
            if line.startswith("#")
        ]
        assert re.match(r"\d\d ", headings[0]), f"{path.name}: first heading should be 'NN Title'"
        positions = []
        for section in SKELETON:
            found = [i for i, heading in enumerate(headings) if heading.startswith(section)]
            assert found, f"{path.name}: missing section '{section}'"
            positions.append(found[0])
        assert positions == sorted(positions), f"{path.name}: sections out of order {SKELETON}"

    def test_starts_with_setup(self, path):
        first = code_cells(nbformat.read(path, as_version=4))[0].source
        assert "course_utils.setup(seed=" in first, (
            f"{path.name}: first code cell must call course_utils.setup(seed=...)"
        )

    def test_imports_course_utils_before_tensorflow(self, path):
        """Only the first import of TensorFlow can be silenced; course_utils does it."""
        lines = [
            line.split("#")[0].strip()
            for line in code_cells(nbformat.read(path, as_version=4))[0].source.splitlines()
        ]
        imports = [line for line in lines if line.startswith(("import ", "from "))]
        assert imports and imports[0] == "import course_utils", (
            f"{path.name}: the first import must be `import course_utils`, got {imports[:1]}"
        )

    def test_defines_no_classes(self, path):
        """course_utils is the single source: notebooks import layers, they never define them."""
        for cell in code_cells(nbformat.read(path, as_version=4)):
            tree = ast.parse(
                "\n".join(
                    line
                    for line in cell.source.splitlines()
                    if not line.lstrip().startswith(("%", "!"))
                )
            )
            classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
            assert not classes, f"{path.name} defines {classes}; put them in course_utils"

    def test_training_notebooks_report_xla(self, path):
        source = "\n".join(cell.source for cell in code_cells(nbformat.read(path, as_version=4)))
        if "course_utils.train(" in source or re.search(r"\btrain\(", source):
            assert "xla_used" in source, f"{path.name} trains but never prints whether XLA was used"

    def test_no_progress_bars(self, path):
        source = "\n".join(cell.source for cell in code_cells(nbformat.read(path, as_version=4)))
        assert not re.search(r"verbose\s*=\s*[12]", source), (
            f"{path.name}: progress output carries timings"
        )


@pytest.mark.slow
@pytest.mark.parametrize("name", RUN_TWICE)
def test_two_fresh_runs_are_identical_and_within_tolerance_of_the_stored_outputs(name):
    path = ROOT / "notebooks" / name
    assert path.exists(), f"{name} is missing"
    first, _, error = execute(path)
    assert error is None, error
    second, _, error = execute(path)
    assert error is None, error
    assert differing_cells(first, second, use_tolerance=False) == [], (
        "two runs on one machine differ"
    )
    assert differing_cells(nbformat.read(path, as_version=4), second) == [], (
        "differs from the committed outputs"
    )


@pytest.mark.parametrize(
    "source, message",
    [
        ("# NBVAL_TOLERANCE rel=abc", "is not a number"),
        ("# NBVAL_TOLERANCE rel=-0.1", "outside"),
        ("# NBVAL_TOLERANCE rel=0.9", "compares nothing"),
        ("# NBVAL_TOLERANCE", "cannot read"),
        ("# NBVAL_TOLERANCE rel=0.1 typo=3", "unexpected"),
        ("# NBVAL_TOLERANCE rel=0.1\n# NBVAL_TOLERANCE abs=1", "keep one"),
    ],
)
def test_bad_tolerance_marker_names_the_problem_and_the_form(source, message):
    with pytest.raises(ToleranceMarkerError, match=message) as caught:
        cell_tolerance(source, "cell 3")
    assert "cell 3" in str(caught.value) and "NBVAL_TOLERANCE rel=0.02 abs=0.005" in str(
        caught.value
    )


# The regression checks run notebook 02 (a trained language model, ~1 min) under nbval as CI does.
REGRESSION_NOTEBOOK = "02_recurrent_language_model.ipynb"


def run_nbval(notebook_path):
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(notebook_path),
        "--nbval",
        "-q",
        "--nbval-sanitize-with",
        str(ROOT / "tests" / "nbval_sanitize.cfg"),
        "--nbval-current-env",
    ]
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )


def edited_copy(tmp_path, edit):
    """A copy of the regression notebook beside the originals, changed by `edit(code_cells)`."""
    notebook = nbformat.read(ROOT / "notebooks" / REGRESSION_NOTEBOOK, as_version=4)
    edit(code_cells(notebook))
    copy = ROOT / "notebooks" / f"_regression_{tmp_path.name}.ipynb"
    nbformat.write(notebook, copy)
    return copy


def scale_stored_number(cell, label, factor):
    """Multiply the number printed after `label` in the cell's stored output; returns the new
    text."""
    text = cell.outputs[0]["text"]
    match = re.search(re.escape(label) + r"\s*(\d+\.\d+)", text)
    assert match, (label, text)
    digits = len(match.group(1).split(".")[1])
    new = f"{float(match.group(1)) * factor:.{digits}f}"
    cell.outputs[0]["text"] = text[: match.start(1)] + new + text[match.end(1) :]
    return new


@pytest.fixture
def copies():
    made = []
    yield made
    for path in made:
        path.unlink(missing_ok=True)


@pytest.mark.slow
def test_numbers_within_tolerance_pass_and_beyond_it_fail(tmp_path, copies):
    moved = {}

    def edit(cells):
        assert (
            "NBVAL_TOLERANCE rel=0.25" in cells[7].source
            and "NBVAL_TOLERANCE rel=0.01" in cells[8].source
        )
        scale_stored_number(
            cells[7], "trained RNN       perplexity", 1.002
        )  # 0.2 %: within rel=0.25
        moved["ratio"] = scale_stored_number(
            cells[8], "unigram =", 1.085
        )  # 8.5 %: beyond rel=0.01 abs=0.01

    copies.append(edited_copy(tmp_path, edit))
    result = run_nbval(copies[-1])
    failed = re.findall(r"FAILED \S+::Cell (\d+)", result.stdout)
    assert result.returncode == 1 and failed == ["8"], result.stdout[-3000:]
    assert moved["ratio"] in result.stdout and "course.py record" in result.stdout


@pytest.mark.slow
def test_a_broken_notebook_fails_the_comparison(tmp_path, copies):
    """Doubling the learning rate is a plausible slip; the trained numbers move beyond tolerance."""

    trained = []

    def edit(cells):
        cells[1].source = cells[1].source.replace("LEARNING_RATE = 1e-2", "LEARNING_RATE = 2e-2")
        assert "2e-2" in cells[1].source
        trained.append(
            next(i for i, cell in enumerate(cells) if "course_utils.train(" in cell.source)
        )

    copies.append(edited_copy(tmp_path, edit))
    result = run_nbval(copies[-1])
    failed = [int(cell) for cell in re.findall(r"FAILED \S+::Cell (\d+)", result.stdout)]
    assert result.returncode == 1 and failed and min(failed) >= trained[0], result.stdout[-3000:]


@pytest.mark.slow  # a pytest process
def test_corrupted_notebook_stops_the_run_with_the_fix(copies):
    copy = ROOT / "notebooks" / "_regression_corrupted.ipynb"
    copy.write_text('{"cells": [ <<<<<<< HEAD', encoding="utf-8")
    copies.append(copy)
    result = run_nbval(copy)
    assert result.returncode != 0
    assert (
        "is not a readable notebook" in result.stderr + result.stdout
        and "git checkout" in result.stderr + result.stdout
    )
