"""Proof that an assignment cannot be gamed: grade its catalogue of wrong submissions with nbgrader.

Each assignment has a catalogue, `assignments/catalogue/<assignment>.py`, listing plausible wrong
and shortcut submissions (finite differences instead of backpropagation, a library call where
the task is to write it, a hard-coded visible value, an untrained model, ...). An entry names
its task (the grade_id of the task's answer cell; the task's one graded test cell is
`test_<task>`) and the code a student would put in the answer cells. `grade_catalogue` hands in,
in a temporary copy of the course directory:

- the solution (every autograded point expected),
- the untouched student version (0 expected),
- submissions built from the release with the entries filled in, one entry per task per
  submission (the other tasks answered with the solution), so an assignment whose tasks have at
  most k entries needs k submissions, not one per entry,

grades them with nbgrader, and reports, per entry, the points its task kept (0 expected).

Variants per cohort: `make_variant` copies an assignment with its `COHORT = 0` cell set to
another number; sizes, seeds and hidden-test data follow from it, so answers published for
cohort 0 do not pass. `grade_catalogue(..., cohort=k)` grades a variant with the solution
(full marks expected) and the entries marked `numbers=True`, which hard-code cohort 0's answers
(each must lose its points).
"""

import re
import runpy
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

COHORT_LINE = re.compile(r"^COHORT = (\d+)(.*)$", re.MULTILINE)
KINDS = (
    "finite differences",
    "library call",
    "count_params",
    "visible value",
    "visible sizes only",
    "untrained",
    "off by one",
    "transposed",
    "wrong formula",
    "hang",
    "other",
)
SOLUTION_REGION = re.compile(
    r"^[ \t]*### BEGIN SOLUTION\n|^[ \t]*### END SOLUTION\n?", re.MULTILINE
)


@dataclass(frozen=True)
class Wrong:
    """One catalogue entry: a plausible wrong submission for one task."""

    task: str
    kind: str
    why: str
    cells: dict
    numbers: bool = False


def grading(cell):
    return cell.metadata.get("nbgrader", {})


def cells_by_id(notebook):
    return {
        grading(cell)["grade_id"]: cell for cell in notebook.cells if grading(cell).get("grade_id")
    }


def task_points(notebook):
    """{task: points} for every answer cell `task` whose graded test cell `test_<task>` exists."""
    cells = cells_by_id(notebook)
    return {
        grade_id: grading(cells[f"test_{grade_id}"]).get("points", 0)
        for grade_id, cell in cells.items()
        if cell.cell_type == "code"
        and grading(cell).get("solution")
        and f"test_{grade_id}" in cells
    }


def load_catalogue(catalogue_dir, assignment, source):
    """The entries of `<catalogue_dir>/<assignment>.py`, checked against the source notebook."""
    path = Path(catalogue_dir) / f"{base_name(assignment)}.py"
    if not path.is_file():
        raise ValueError(f"{assignment}: no catalogue of wrong submissions at {path}")
    entries = [Wrong(**entry) for entry in runpy.run_path(str(path))["WRONG"]]
    cells, tasks = cells_by_id(source), task_points(source)
    for entry in entries:
        if entry.task not in tasks:
            raise ValueError(f"{path.name}: task {entry.task!r} is not one of {sorted(tasks)}")
        if entry.kind not in KINDS:
            raise ValueError(f"{path.name}: kind {entry.kind!r} is not one of {KINDS}")
        for grade_id in entry.cells:
            if grade_id not in cells or not grading(cells[grade_id]).get("solution"):
                raise ValueError(f"{path.name}: {entry.task}: {grade_id!r} is not an answer cell")
    return entries


def base_name(assignment):
    """The assignment a variant was made from: `02_bptt_cohort3` -> `02_bptt`."""
    return re.sub(r"_cohort\d+$", "", assignment)


def solution_code(cell):
    """An answer cell's code as a student would hand it in: the solution without nbgrader's
    markers."""
    return SOLUTION_REGION.sub("", cell.source)


def submission(source, release, answers):
    """The release notebook with every answer cell filled in: `answers[grade_id]` where given,
    else the solution (written answers keep their stub)."""
    solutions = cells_by_id(source)
    notebook = nbformat.reads(nbformat.writes(release), as_version=4)
    for grade_id, cell in cells_by_id(notebook).items():
        if cell.cell_type == "code" and grading(cell).get("solution"):
            cell.source = answers.get(grade_id, solution_code(solutions[grade_id]))
    return notebook


def catalogue_submissions(source, release, entries):
    """[(name, notebook, [(entry, ...)])]: the fewest submissions that hold every entry once."""
    by_task = {}
    for entry in entries:
        by_task.setdefault(entry.task, []).append(entry)
    rounds = max((len(group) for group in by_task.values()), default=0)
    built = []
    for index in range(rounds):
        chosen = [group[index] for group in by_task.values() if index < len(group)]
        answers = {grade_id: code for entry in chosen for grade_id, code in entry.cells.items()}
        built.append((f"catalogue{index + 1:02d}", submission(source, release, answers), chosen))
    return built


def make_variant(course_dir, assignment, cohort):
    """Copy `source/<assignment>/` to `source/<assignment>_cohort<k>/` with `COHORT = k`; returns
    the variant's name."""
    course_dir = Path(course_dir)
    if not isinstance(cohort, int) or cohort < 1:
        raise ValueError(
            f"cohort must be a positive integer (0 is the published one), got {cohort!r}"
        )
    (notebook_path,) = sorted((course_dir / "source" / assignment).glob("*.ipynb"))
    notebook = nbformat.read(notebook_path, as_version=4)
    cohort_cell = cells_by_id(notebook).get("cohort")
    if cohort_cell is None or not COHORT_LINE.search(cohort_cell.source):
        raise ValueError(f"{assignment}: no locked `cohort` cell holding `COHORT = 0`")
    cohort_cell.source = COHORT_LINE.sub(
        lambda match: f"COHORT = {cohort}{match.group(2)}", cohort_cell.source, count=1
    )
    variant = f"{assignment}_cohort{cohort}"
    target = course_dir / "source" / variant
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(
        notebook_path.parent, target, ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints")
    )
    nbformat.write(notebook, target / f"{variant}.ipynb")
    return variant


def task_scores(course_dir, assignment, student, notebook_name, tasks):
    """{task: autograded points} of one graded submission, read from nbgrader's gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{Path(course_dir) / 'gradebook.db'}") as gradebook:
        return {
            task: gradebook.find_grade(f"test_{task}", notebook_name, assignment, student).score
            for task in tasks
        }


def grade_catalogue(course_dir, catalogue_dir, assignment, tools, cohort=0):
    """Grade the solution, the untouched release and the catalogue (or, for cohort > 0, a
    variant with the solution and the `numbers=True` entries) in a temporary copy of the course.

    `tools` gives the lecturer commands (`release`, `collect`, `grade`) of scripts/assignments.py.
    Returns (rows, problems): rows are (submission, task, kept points, expected points, entry)
    and problems the rows that broke the rule, as sentences.
    """
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch) / "assignments"
        shutil.copytree(
            course_dir,
            course,
            ignore=shutil.ignore_patterns(*tools.LOCAL_ONLY, "release", ".ipynb_checkpoints"),
        )
        name = make_variant(course, assignment, cohort) if cohort else assignment
        source_path = tools.source_notebook(course, name)
        source = nbformat.read(source_path, as_version=4)
        entries = load_catalogue(catalogue_dir, assignment, source)
        tasks = task_points(source)
        tools.release(course, [name], quiet=True)
        release = nbformat.read(course / "release" / name / source_path.name, as_version=4)
        handed_in = [("solution", submission(source, release, {}), [])]
        if cohort:
            handed_in += [
                (f"numbers{index:02d}", submission(source, release, entry.cells), [entry])
                for index, entry in enumerate((e for e in entries if e.numbers), start=1)
            ]
        else:
            handed_in.append(("untouched", release, []))
            handed_in += catalogue_submissions(source, release, entries)
        incoming = Path(scratch) / "incoming"
        incoming.mkdir()
        for student, notebook, _ in handed_in:
            nbformat.write(notebook, incoming / f"{student}.ipynb")
        tools.collect(course, name, incoming)
        tools.grade(course, [name], quiet=True)
        rows, problems = [], []
        for student, _, chosen in handed_in:
            scores = task_scores(course, name, student, source_path.stem, tasks)
            wrong = {entry.task: entry for entry in chosen}
            for task, full in tasks.items():
                kept = scores[task] or 0.0
                entry = wrong.get(task)
                expected = 0.0 if (entry or student == "untouched") else full
                if entry is None and student.startswith("catalogue"):
                    expected = None  # a task answered with the solution next to a wrong one
                rows.append((student, task, kept, expected, entry))
                if expected is not None and kept != expected:
                    what = f"entry {entry.kind!r} ({entry.why})" if entry else student
                    problems.append(
                        f"{name}: {what}: task {task} kept {kept:g} of {full} points, "
                        f"expected {expected:g}"
                    )
        return rows, problems
