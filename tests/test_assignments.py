"""The graded assignments: structure, the nbgrader round trip, the catalogue of wrong submissions,
cohort variants, the student handout and broken hand-ins, run in temporary copies of the course.

For every assignment under `assignments/source/`:
- the committed student version (`assignments/release/`) equals a freshly generated one, and no
  line of a solution, a hidden test or a marking guide appears in it or in the handout archive;
- the solution, handed in as a student's submission, gets every autograded point; the untouched
  student version gets zero without crashing the grader;
- every entry of its catalogue (`assignments/catalogue/<assignment>.py`: finite differences
  instead of backpropagation, library calls, hard-coded visible values, untrained models, ...)
  loses its task's points;
- its cohort-1 variant grades the solution at full marks, while cohort 0's hard-coded numbers fail;
- broken hand-ins (not JSON, deleted or moved cells, a missing module, megabytes of output, a
  cell that reads the grading files) cost only their own points and grades.csv is written.

The round trips run nbgrader itself (the lecturer's commands in scripts/assignments.py), two
assignments at a time; nbgrader executes every submission in a kernel, so they take minutes.
"""

import csv
import importlib.util
import shutil
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
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
REQUIRED_KINDS = {  # the shortcuts the catalogue must cover, across the course
    "finite differences",
    "library call",
    "count_params",
    "visible value",
    "visible sizes only",
    "untrained",
    "off by one",
    "transposed",
}


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


def secret_lines(notebook):
    """The solution and hidden-test lines that the public cells do not also show (a prompt may
    repeat, say, the tuple a solution returns)."""
    secret, public = split_secret_lines(notebook)
    public_text = "\n".join(public)
    return {line for line in secret if line not in public_text}


def points(notebook, kind):
    """Autograded ('code') or hand-graded ('written') points of a source notebook, from its cell
    metadata."""
    cell_type = "code" if kind == "code" else "markdown"
    return sum(
        grading(cell).get("points", 0)
        for cell in notebook.cells
        if grading(cell).get("grade") and cell.cell_type == cell_type
    )


SCRIPT_MODULE = load_script()
catalogue_tools = SCRIPT_MODULE.assignment_catalogue
intake = SCRIPT_MODULE.assignment_intake


def released(assignment):
    (path,) = sorted((COURSE / "release" / assignment).glob("*.ipynb"))
    return nbformat.read(path, as_version=4)


def entries(assignment):
    source = nbformat.read(source_notebook(assignment), as_version=4)
    return catalogue_tools.load_catalogue(COURSE / "catalogue", assignment, source)


class TestSourcesAndRelease:
    def test_course_has_six_assignments_each_with_one_notebook_and_a_release(self):
        assert len(ASSIGNMENTS) >= 6, ASSIGNMENTS
        for assignment in ASSIGNMENTS:
            name = source_notebook(assignment).name
            assert (COURSE / "release" / assignment / name).is_file(), (
                f"{assignment}: release missing"
            )

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_autograded_points_are_the_majority_and_written_answers_have_a_guide(self, assignment):
        notebook = nbformat.read(source_notebook(assignment), as_version=4)
        code, written = points(notebook, "code"), points(notebook, "written")
        assert code >= 8 and code > 2 * written, (
            f"{assignment}: {code} autograded vs {written} written points"
        )
        answers = [
            cell
            for cell in notebook.cells
            if cell.cell_type == "markdown" and grading(cell).get("grade")
        ]
        assert len(answers) >= 2, f"{assignment}: fewer than two written questions"
        for cell in answers:
            assert "Marking guide" in cell.source, f"{assignment}: {grading(cell)['grade_id']}"

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_every_task_has_one_graded_test_cell_and_a_cohort_cell(self, assignment):
        notebook = nbformat.read(source_notebook(assignment), as_version=4)
        cells = catalogue_tools.cells_by_id(notebook)
        assert catalogue_tools.COHORT_LINE.search(cells["cohort"].source), (
            f"{assignment}: the cohort cell must hold `COHORT = 0`"
        )
        tasks = catalogue_tools.task_points(notebook)
        graded_code = [
            grade_id
            for grade_id, cell in cells.items()
            if cell.cell_type == "code" and grading(cell).get("grade")
        ]
        assert sorted(graded_code) == sorted(f"test_{task}" for task in tasks), (
            f"{assignment}: every graded test cell is `test_<task>` of one answer cell"
        )
        assert sum(tasks.values()) == points(notebook, "code")

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_release_contains_no_solution_and_no_hidden_test(self, assignment):
        source = nbformat.read(source_notebook(assignment), as_version=4)
        secret = secret_lines(source)
        assert len(secret) > 20, (
            f"{assignment}: suspiciously few solution / hidden-test lines ({len(secret)})"
        )
        release_files = [
            path for path in (COURSE / "release" / assignment).rglob("*") if path.is_file()
        ]
        release_text = "\n".join(path.read_text() for path in release_files)
        release_lines = {
            line.strip() for cell in released(assignment).cells for line in cell.source.splitlines()
        }
        for marker in (
            "BEGIN SOLUTION",
            "END SOLUTION",
            "BEGIN HIDDEN TESTS",
            "END HIDDEN TESTS",
            "Marking guide",
        ):
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
        answers = [cell for cell in released(assignment).cells if grading(cell).get("solution")]
        assert answers, f"{assignment}: no answer cells"
        for cell in answers:
            stub = "raise NotImplementedError()" if cell.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in cell.source, f"{assignment}, cell {grading(cell)['grade_id']}: no stub"
            assert not cell.get("outputs"), "release cells carry no outputs"


class TestCatalogue:
    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_every_task_has_at_least_two_wrong_submissions(self, assignment):
        source = nbformat.read(source_notebook(assignment), as_version=4)
        counts = {task: 0 for task in catalogue_tools.task_points(source)}
        for entry in entries(assignment):
            counts[entry.task] += 1
        assert min(counts.values()) >= 2, f"{assignment}: entries per task {counts}"

    def test_the_catalogue_covers_every_kind_of_shortcut(self):
        kinds = {entry.kind for assignment in ASSIGNMENTS for entry in entries(assignment)}
        assert REQUIRED_KINDS <= kinds, f"missing kinds: {sorted(REQUIRED_KINDS - kinds)}"

    def test_each_assignment_with_numbers_has_an_entry_that_hard_codes_them(self):
        with_numbers = [a for a in ASSIGNMENTS if any(e.numbers for e in entries(a))]
        assert len(with_numbers) >= 4, with_numbers

    def test_submissions_hold_each_entry_once_and_solutions_elsewhere(self):
        assignment = ASSIGNMENTS[0]
        source = nbformat.read(source_notebook(assignment), as_version=4)
        wrong = entries(assignment)
        built = catalogue_tools.catalogue_submissions(source, released(assignment), wrong)
        placed = [entry for _, _, chosen in built for entry in chosen]
        assert sorted(map(id, placed)) == sorted(map(id, wrong))
        for _, notebook, chosen in built:
            cells = catalogue_tools.cells_by_id(notebook)
            replaced = {grade_id for entry in chosen for grade_id in entry.cells}
            for grade_id, cell in cells.items():
                if grading(cell).get("solution") and cell.cell_type == "code":
                    assert "NotImplementedError" not in cell.source, grade_id
                    assert "BEGIN SOLUTION" not in cell.source
                    if grade_id not in replaced:
                        solution = catalogue_tools.cells_by_id(source)[grade_id]
                        assert cell.source == catalogue_tools.solution_code(solution)

    def test_a_variant_changes_only_the_cohort(self, tmp_path):
        course = tmp_path / "assignments"
        shutil.copytree(COURSE / "source", course / "source")
        assignment = ASSIGNMENTS[1]
        name = catalogue_tools.make_variant(course, assignment, 3)
        assert name == f"{assignment}_cohort3"
        (path,) = (course / "source" / name).glob("*.ipynb")
        variant = nbformat.read(path, as_version=4)
        original = nbformat.read(source_notebook(assignment), as_version=4)
        changed = [
            grading(new).get("grade_id")
            for new, old in zip(variant.cells, original.cells)
            if new.source != old.source
        ]
        assert (
            changed == ["cohort"]
            and "COHORT = 3"
            in variant.cells[
                [grading(c).get("grade_id") for c in variant.cells].index("cohort")
            ].source
        )
        with pytest.raises(ValueError, match="positive integer"):
            catalogue_tools.make_variant(course, assignment, 0)


class TestHandout:
    def test_the_handout_holds_the_student_versions_and_no_solution_text(self, tmp_path):
        archive = tmp_path / "release.zip"
        files = SCRIPT_MODULE.handout(COURSE, archive)
        with zipfile.ZipFile(archive) as handle:
            names = handle.namelist()
            text = "\n".join(handle.read(name).decode() for name in names)
        assert sorted(names) == sorted(files) and "README.md" in names
        assert len([name for name in names if name.endswith(".ipynb")]) == len(ASSIGNMENTS)
        assert not any(part in name for name in names for part in ("source", "catalogue", ".db"))
        for assignment in ASSIGNMENTS:
            secret = secret_lines(nbformat.read(source_notebook(assignment), as_version=4))
            with zipfile.ZipFile(archive) as handle:
                own = nbformat.reads(
                    handle.read(f"{assignment}/{source_notebook(assignment).name}").decode(), 4
                )
            own = "\n".join(cell.source for cell in own.cells)
            leaked = [line for line in secret if len(line) >= 20 and line in own]
            assert not leaked, f"{assignment}: {leaked[:3]}"
        for word in ("BEGIN SOLUTION", "HIDDEN TESTS", "Marking guide"):
            assert word not in text

    def test_the_handout_refuses_a_path_inside_the_course(self, tmp_path):
        with pytest.raises(ValueError, match="outside the course"):
            SCRIPT_MODULE.handout(COURSE, COURSE / "release.zip")
        with pytest.raises(ValueError, match=r"\.zip"):
            SCRIPT_MODULE.handout(COURSE, tmp_path / "release.tar")


class TestIntake:
    """A broken hand-in gets a clear message and costs only its own points."""

    assignment = ASSIGNMENTS[0]

    def hand_in(self, tmp_path, notebook_or_text):
        path = tmp_path / "alice.ipynb"
        if isinstance(notebook_or_text, str):
            path.write_text(notebook_or_text)
        else:
            nbformat.write(notebook_or_text, path)
        return intake.prepare(path, released(self.assignment))

    def filled(self):
        source = nbformat.read(source_notebook(self.assignment), as_version=4)
        return catalogue_tools.submission(source, released(self.assignment), {})

    @pytest.mark.parametrize(
        "text, reason",
        [
            ("not a notebook at all", "is not JSON"),
            ('{"cells": 3}', "not a Jupyter notebook"),
        ],
    )
    def test_a_file_that_is_not_a_notebook_is_graded_as_empty(self, tmp_path, text, reason):
        notebook, messages = self.hand_in(tmp_path, text)
        assert len(messages) == 1 and reason in messages[0] and "0 points" in messages[0]
        assert notebook.cells == released(self.assignment).cells

    def test_deleted_cells_are_put_back_empty(self, tmp_path):
        notebook = self.filled()
        task = next(iter(catalogue_tools.task_points(notebook)))
        notebook.cells = [
            cell
            for cell in notebook.cells
            if grading(cell).get("grade_id") not in (task, f"test_{task}")
        ]
        graded, messages = self.hand_in(tmp_path, notebook)
        assert messages == [
            f"cells deleted: {task}, test_{task}; put back empty (their tasks get 0)"
        ]
        ids = [
            grading(cell).get("grade_id") for cell in graded.cells if grading(cell).get("grade_id")
        ]
        expected = [
            grading(c).get("grade_id")
            for c in released(self.assignment).cells
            if grading(c).get("grade_id")
        ]
        assert ids == expected
        restored = catalogue_tools.cells_by_id(graded)[task]
        assert "NotImplementedError" in restored.source

    def test_moved_cells_go_back_in_order_with_the_students_own_cells(self, tmp_path):
        notebook = self.filled()
        notebook.cells.append(nbformat.v4.new_code_cell("scratch = 1  # my own cell"))
        notebook.cells = notebook.cells[::-1]
        graded, messages = self.hand_in(tmp_path, notebook)
        assert messages == ["graded cells were moved; put back in the assignment's order"]
        ids = [
            grading(cell).get("grade_id") for cell in graded.cells if grading(cell).get("grade_id")
        ]
        assert ids == [
            grading(c).get("grade_id")
            for c in released(self.assignment).cells
            if grading(c).get("grade_id")
        ]
        assert any("my own cell" in cell.source for cell in graded.cells)

    def test_a_cell_that_reads_the_grading_files_is_not_run_and_outputs_are_dropped(self, tmp_path):
        notebook = self.filled()
        task = next(iter(catalogue_tools.task_points(notebook)))
        cell = catalogue_tools.cells_by_id(notebook)[task]
        cell.source = (
            "import json\nanswers = open('../../../source/x/x.ipynb').read()\n" + cell.source
        )
        cell.outputs = [nbformat.v4.new_output("stream", text="x" * 10_000)]
        graded, messages = self.hand_in(tmp_path, notebook)
        assert messages == [f"cell {task} refers to the grading files and was not run"]
        assert catalogue_tools.cells_by_id(graded)[task].source == intake.READS_GRADING_FILES
        assert all(not c.get("outputs") for c in graded.cells if c.cell_type == "code")


@pytest.fixture(scope="module")
def gradings():
    """grade_catalogue of every assignment (cohort 0) and of its cohort-1 variant, two gradings
    at a time: {(assignment, cohort): (rows, problems)}."""
    jobs = [(assignment, cohort) for cohort in (0, 1) for assignment in ASSIGNMENTS]

    def grade(job):
        assignment, cohort = job
        return catalogue_tools.grade_catalogue(
            COURSE, COURSE / "catalogue", assignment, SCRIPT_MODULE, cohort
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(jobs, pool.map(grade, jobs)))


@pytest.mark.slow  # nbgrader executes every submission in a kernel
class TestGradedCatalogue:
    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_solution_full_marks_untouched_zero_every_entry_loses_its_points(
        self, gradings, assignment
    ):
        rows, problems = gradings[(assignment, 0)]
        assert not problems, "\n".join(problems)
        graded = {(student, task) for student, task, _, expected, _ in rows if expected is not None}
        assert any(student == "solution" for student, _ in graded)
        assert any(student == "untouched" for student, _ in graded)
        assert sum(1 for _, _, _, _, entry in rows if entry) == len(entries(assignment))

    @pytest.mark.parametrize("assignment", ASSIGNMENTS)
    def test_a_variant_grades_the_solution_and_fails_cohort_0s_numbers(self, gradings, assignment):
        rows, problems = gradings[(assignment, 1)]
        assert not problems, "\n".join(problems)
        assert any(student == "solution" for student, *_ in rows)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """With the lecturer's commands: regenerate every release; hand in one assignment's solution,
    its untouched release under another name and broken notebooks; autograde; export grades.
    (Every assignment's solution and untouched release are graded with its catalogue.)"""
    course = tmp_path_factory.mktemp("course") / "assignments"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(*SCRIPT_MODULE.LOCAL_ONLY))
    committed_release = course.parent / "committed_release"
    shutil.move(course / "release", committed_release)

    def run(*arguments):
        return subprocess.run(
            [sys.executable, str(SCRIPT), "--course-dir", str(course), *arguments],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    run("release")
    assignment = BROKEN_ASSIGNMENT
    incoming = course.parent / "incoming"
    (incoming / "untouched").mkdir(parents=True)
    source = nbformat.read(source_notebook(assignment), as_version=4)
    nbformat.write(
        catalogue_tools.submission(source, released(assignment), {}), incoming / "solution.ipynb"
    )
    shutil.copyfile(
        COURSE / "release" / assignment / source_notebook(assignment).name,
        incoming / "untouched" / "renamed_by_student.ipynb",
    )
    for student, notebook in broken_hand_ins(source, released(assignment)).items():
        path = incoming / f"{student}.ipynb"
        if isinstance(notebook, str):
            path.write_text(notebook)
        else:
            nbformat.write(notebook, path)
    run("collect", assignment, str(incoming))
    report = run("grade", assignment)
    with open(course / "grades.csv", newline="") as handle:
        scores = {(row["assignment"], row["student_id"]): row for row in csv.DictReader(handle)}
    return course, committed_release, scores, report


BROKEN_ASSIGNMENT = "02_bptt_and_vanishing_gradients"  # quick to grade
BROKEN_STUDENTS = (
    "not_json",
    "deleted_cell",
    "moved_cells",
    "missing_module",
    "megabytes",
    "reads_source",
    "eats_memory",
)


def broken_hand_ins(source, release):
    """Hand-ins that break the rules in the ways the issue lists: student id -> notebook or text."""
    tasks = list(catalogue_tools.task_points(source))
    last = tasks[-1]  # no later task builds on it, so breaking it costs its points only

    def filled():
        return catalogue_tools.submission(source, release, {})

    def edit(notebook, grade_id, before="", after=""):
        cell = catalogue_tools.cells_by_id(notebook)[grade_id]
        cell.source = before + cell.source + after
        return notebook

    deleted = filled()
    deleted.cells = [c for c in deleted.cells if grading(c).get("grade_id") != last]
    moved = filled()
    moved.cells = moved.cells[::-1]
    return {
        "not_json": "{ this is not json",
        "deleted_cell": deleted,
        "moved_cells": moved,
        "missing_module": edit(filled(), last, before="import no_such_module_here\n"),
        "megabytes": edit(
            filled(), last, after="\nfor line in range(100_000):\n    print('x' * 50)\n"
        ),
        "reads_source": edit(filled(), last, before="print(open('../../../source/x').read())\n"),
        "eats_memory": edit(filled(), last, before="hoard = bytearray(64 * 2**30)\n"),
    }


@pytest.mark.slow  # nbgrader executes every submission in a kernel
class TestRoundTrip:
    def test_committed_release_equals_a_fresh_one(self, round_trip):
        course, committed_release, _, _ = round_trip
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

    def test_solution_full_marks_and_a_renamed_untouched_release_zero(self, round_trip):
        _, _, scores, _ = round_trip
        source = nbformat.read(source_notebook(BROKEN_ASSIGNMENT), as_version=4)
        assert float(scores[(BROKEN_ASSIGNMENT, "solution")]["score"]) == points(source, "code")
        assert float(scores[(BROKEN_ASSIGNMENT, "untouched")]["score"]) == 0.0

    def test_broken_hand_ins_cost_only_their_own_points(self, round_trip):
        course, _, scores, report = round_trip
        source = nbformat.read(source_notebook(BROKEN_ASSIGNMENT), as_version=4)
        tasks = catalogue_tools.task_points(source)
        full, last = sum(tasks.values()), list(tasks)[-1]
        score = {
            student: float(scores[(BROKEN_ASSIGNMENT, student)]["score"])
            for student in broken_hand_ins(source, released(BROKEN_ASSIGNMENT))
        }
        assert score["not_json"] == 0.0
        assert score["moved_cells"] == full  # put back in order, nothing lost
        assert score["megabytes"] == full
        for student in ("deleted_cell", "missing_module", "reads_source", "eats_memory"):
            assert score[student] == full - tasks[last], (student, score[student])
        assert "not_json / " in report and "is not JSON" in report
        assert "deleted_cell / " in report and "cells deleted" in report
        assert "reads_source / " in report and "refers to the grading files" in report
        graded = course / "autograded" / "megabytes" / BROKEN_ASSIGNMENT
        assert sum(p.stat().st_size for p in graded.rglob("*.ipynb")) < 2_000_000
        assert (course / "source").is_dir(), "grading puts the source folder back"

    def test_grades_csv_has_a_row_per_submission_with_the_maximum(self, round_trip):
        _, _, scores, _ = round_trip
        assert {student for _, student in scores} == {"solution", "untouched", *BROKEN_STUDENTS}
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
