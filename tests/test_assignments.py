"""The graded assignments: the nbgrader round trip, run in a temporary copy of the course directory.

For every assignment under `assignments/source/`:
- the committed student version (`assignments/release/`) equals a freshly generated one;
- no line of a solution or of a hidden test appears anywhere in the release;
- the solution notebook, handed in as a student's submission, gets every autograded point;
- the untouched student version gets zero points, and autograding it does not crash;
- autograded points are the majority of each assignment's points.

The round trip runs nbgrader itself (`scripts/assignments.py release`, `collect`, `grade`: the
lecturer's commands), so it takes a minute or so: nbgrader executes every submission in a kernel.
"""

import csv
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "assignments"
SCRIPT = ROOT / "scripts" / "assignments.py"
ASSIGNMENTS = sorted(path.name for path in (COURSE / "source").iterdir() if path.is_dir())
REGIONS = {
    "### BEGIN SOLUTION": "### END SOLUTION",
    "### BEGIN HIDDEN TESTS": "### END HIDDEN TESTS",
}
LOCAL_ONLY = (
    "gradebook.db",
    "submitted",
    "autograded",
    "feedback",
    "downloaded",
    "grades.csv",
    ".nbgrader.log",
)


def load_script():
    spec = importlib.util.spec_from_file_location("assignments_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def source_notebook(assignment):
    (path,) = sorted((COURSE / "source" / assignment).glob("*.ipynb"))
    return path


def grading(cell):
    return cell.metadata.get("nbgrader", {})


def split_secret_lines(notebook):
    """(secret, public): stripped lines inside solution / hidden-test regions or written answers,
    and all others."""
    secret, public = set(), set()
    for cell in notebook.cells:
        meta = grading(cell)
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret.update(line.strip() for line in cell.source.splitlines())
            continue
        end = None
        for line in cell.source.splitlines():
            stripped = line.strip()
            if end is None and stripped in REGIONS:
                end = REGIONS[stripped]
            elif end is not None and stripped == end:
                end = None
            elif end is not None:
                secret.add(stripped)
            else:
                public.add(stripped)
    secret.discard("")
    return secret - public, public


def points(notebook, kind):
    """Autograded ('code') or hand-graded ('written') points of a source notebook, from its cell
    metadata."""
    cell_type = "code" if kind == "code" else "markdown"
    return sum(
        grading(cell).get("points", 0)
        for cell in notebook.cells
        if grading(cell).get("grade") and cell.cell_type == cell_type
    )


class TestSourcesAndRelease:
    def test_course_has_at_least_four_assignments_each_with_one_notebook_and_a_release(self):
        assert len(ASSIGNMENTS) >= 4, ASSIGNMENTS
        for assignment in ASSIGNMENTS:
            name = source_notebook(assignment).name
            assert (COURSE / "release" / assignment / name).is_file(), (
                f"{assignment}: release missing"
            )

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_autograded_points_are_the_majority(self, assignment):
        notebook = nbformat.read(source_notebook(assignment), as_version=4)
        code, written = points(notebook, "code"), points(notebook, "written")
        assert code >= 8 and code > 2 * written, (
            f"{assignment}: {code} autograded vs {written} written points"
        )

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_release_contains_no_solution_and_no_hidden_test(self, assignment):
        source = nbformat.read(source_notebook(assignment), as_version=4)
        secret, _ = split_secret_lines(source)
        assert len(secret) > 20, (
            f"{assignment}: suspiciously few solution / hidden-test lines ({len(secret)})"
        )
        release_files = [
            path for path in (COURSE / "release" / assignment).rglob("*") if path.is_file()
        ]
        release_text = "\n".join(path.read_text() for path in release_files)
        release_cells = [
            cell
            for path in release_files
            if path.suffix == ".ipynb"
            for cell in nbformat.read(path, as_version=4).cells
        ]
        release_lines = {
            line.strip() for cell in release_cells for line in cell.source.splitlines()
        }
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
            assert marker not in release_text, (
                f"{assignment}: marker {marker!r} left in the release"
            )
        leaked = sorted(
            line
            for line in secret
            if line in release_lines or (len(line) >= 20 and line in release_text)
        )
        assert not leaked, (
            f"{assignment}: solution or hidden-test lines in the release: {leaked[:5]}"
        )

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_every_answer_cell_of_the_release_is_a_stub(self, assignment):
        (path,) = sorted((COURSE / "release" / assignment).glob("*.ipynb"))
        answers = [
            cell
            for cell in nbformat.read(path, as_version=4).cells
            if grading(cell).get("solution")
        ]
        assert answers, f"{assignment}: no answer cells"
        for cell in answers:
            stub = "raise NotImplementedError()" if cell.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in cell.source, f"{assignment}, cell {grading(cell)['grade_id']}: no stub"
            assert not cell.get("outputs"), "release cells carry no outputs"


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """Regenerate the release, hand in the solution and the untouched release, autograde, export
    grades."""
    course = tmp_path_factory.mktemp("course") / "assignments"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(*LOCAL_ONLY))
    committed_release = course.parent / "committed_release"
    shutil.move(course / "release", committed_release)

    def run(*arguments):
        subprocess.run(
            [sys.executable, str(SCRIPT), "--course-dir", str(course), *arguments],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    run("release")
    for assignment in ASSIGNMENTS:
        incoming = course.parent / "incoming" / assignment
        incoming.mkdir(parents=True)
        shutil.copyfile(source_notebook(assignment), incoming / "solution.ipynb")
        (released,) = sorted((committed_release / assignment).glob("*.ipynb"))
        (incoming / "untouched").mkdir()
        shutil.copyfile(released, incoming / "untouched" / "renamed_by_student.ipynb")
        run("collect", assignment, str(incoming))
    run("grade")
    with open(course / "grades.csv", newline="") as handle:
        scores = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    return course, committed_release, scores


@pytest.mark.slow  # nbgrader executes every submission in a kernel
class TestRoundTrip:
    def test_committed_release_equals_a_fresh_one(self, round_trip):
        course, committed_release, _ = round_trip
        fresh = sorted(
            path.relative_to(course / "release")
            for path in (course / "release").rglob("*")
            if path.is_file()
        )
        committed = sorted(
            path.relative_to(committed_release)
            for path in committed_release.rglob("*")
            if path.is_file()
        )
        assert fresh == committed, (
            "the release folder's files differ: run `python scripts/assignments.py release`"
        )
        for relative in fresh:
            assert (course / "release" / relative).read_bytes() == (
                committed_release / relative
            ).read_bytes(), (
                f"release/{relative} is stale: run `.venv/bin/python scripts/assignments.py "
                f"release` and commit it"
            )

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_solution_gets_every_autograded_point(self, round_trip, assignment):
        _, _, scores = round_trip
        expected = points(nbformat.read(source_notebook(assignment), as_version=4), "code")
        row = scores[(assignment, "solution")]
        assert float(row["score"]) == expected, (
            f"{assignment}: solution scored {row['score']} of {expected} autograded"
        )

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_untouched_release_scores_zero_without_crashing(self, round_trip, assignment):
        course, _, scores = round_trip
        row = scores[(assignment, "untouched")]
        assert float(row["score"]) == 0.0, (
            f"{assignment}: the untouched release scored {row['score']}"
        )
        (graded,) = sorted((course / "autograded" / "untouched" / assignment).glob("*.ipynb"))
        errors = [
            output
            for cell in nbformat.read(graded, as_version=4).cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
            if output.get("output_type") == "error"
        ]
        assert errors, "the untouched release was executed: its tests must fail with errors"

    def test_grades_csv_has_a_row_per_submission_with_the_maximum(self, round_trip):
        _, _, scores = round_trip
        assert len(scores) == 2 * len(ASSIGNMENTS)
        for (assignment, _), row in scores.items():
            notebook = nbformat.read(source_notebook(assignment), as_version=4)
            assert float(row["max_score"]) == points(notebook, "code") + points(notebook, "written")


class TestCollect:
    def test_copies_files_and_folders_under_the_expected_notebook_name(self, tmp_path):
        script = load_script()
        course = tmp_path / "course"
        shutil.copytree(COURSE / "source", course / "source")
        incoming = tmp_path / "incoming"
        (incoming / "bob").mkdir(parents=True)
        (incoming / "alice.ipynb").write_text("{}")
        (incoming / "bob" / "my_copy.ipynb").write_text("{}")
        (incoming / "notes.txt").write_text("ignored")
        assignment = ASSIGNMENTS[0]
        assert script.collect(course, assignment, incoming) == ["alice", "bob"]
        name = source_notebook(assignment).name
        for student in ("alice", "bob"):
            assert (course / "submitted" / student / assignment / name).is_file()

    def test_bad_inputs_raise_clear_errors(self, tmp_path):
        script = load_script()
        course = tmp_path / "course"
        shutil.copytree(COURSE / "source", course / "source")
        with pytest.raises(ValueError, match="unknown assignment 'no_such_assignment'"):
            script.collect(course, "no_such_assignment", tmp_path)
        with pytest.raises(ValueError, match="not a folder"):
            script.collect(course, ASSIGNMENTS[0], tmp_path / "missing")
        (tmp_path / "empty").mkdir()
        with pytest.raises(ValueError, match="no notebooks"):
            script.collect(course, ASSIGNMENTS[0], tmp_path / "empty")
        (tmp_path / "odd").mkdir()
        (tmp_path / "odd" / "a student.ipynb").write_text("{}")
        with pytest.raises(ValueError, match="not usable as a student id"):
            script.collect(course, ASSIGNMENTS[0], tmp_path / "odd")
