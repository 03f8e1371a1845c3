"""Lecturer commands for the graded assignments: thin wrappers around nbgrader, run offline.

    python scripts/assignments.py release  # student versions of every assignment
    python scripts/assignments.py collect 01_rnn_and_lstm_cells_by_hand ~/Downloads/a01/
    python scripts/assignments.py grade  # autograde every submission, write grades.csv
    python scripts/assignments.py grade 01_rnn_and_lstm_cells_by_hand
    python scripts/assignments.py handout ~/student_release.zip   # what students get, no solutions
    python scripts/assignments.py variant 02_bptt_and_vanishing_gradients 7   # cohort 7's version
    python scripts/assignments.py catalogue 02_bptt_and_vanishing_gradients   # can it be gamed?

Run it with the course's Python (`.venv/bin/python scripts/assignments.py ...`). Every command works
in the nbgrader course directory `assignments/` (or `--course-dir DIR`) and calls nbgrader with
this interpreter, with its `bin/` folder first on PATH (nbgrader runs the `alembic` program that
is installed next to it). The same steps with nbgrader's own commands are in
`assignments/README.md`.

`collect` is the offline stand-in for nbgrader's exchange: it copies the notebooks that students
handed in (one `<student_id>.ipynb` per student, or one folder `<student_id>/` holding the
notebook) into nbgrader's layout `submitted/<student_id>/<assignment>/<notebook>.ipynb`, under the
notebook name nbgrader expects, whatever the student called the file.

`grade` first checks every submission (scripts/assignment_intake.py: broken files, deleted or
moved cells, cells that refer to the grading files), keeps each original under `handed_in/`,
then autogrades with the source folder moved out of the course directory and a memory limit on
every kernel, and writes grades.csv; one bad submission costs only its own points.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import assignment_catalogue  # noqa: E402
import assignment_intake  # noqa: E402

COURSE_DIR = Path(__file__).resolve().parents[1] / "assignments"
CATALOGUE_DIR = COURSE_DIR / "catalogue"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# Made by grading, never committed (students' work) and never copied into a scratch course.
LOCAL_ONLY = (
    "gradebook.db",
    "gradebook.db-journal",
    "submitted",
    "autograded",
    "feedback",
    "downloaded",
    "handed_in",
    "grades.csv",
    ".nbgrader.log",
)
KERNEL_MEMORY = 12 * 2**30  # address space per grading process (bytes); TensorFlow reserves ~4 GB


def limit_memory():
    """Cap the address space of nbgrader and the kernels it starts (POSIX only): a submission
    that eats memory fails with MemoryError in its own cell instead of taking the machine."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (KERNEL_MEMORY, KERNEL_MEMORY))


def nbgrader(course_dir, *arguments, quiet=False, memory_limit=False):
    """Run `nbgrader <arguments>` in the course directory; raise CalledProcessError if it fails."""
    environment = dict(os.environ)
    environment["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), environment.get("PATH", "")]
    )
    environment.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments],
        cwd=course_dir,
        env=environment,
        check=True,
        stdout=output,
        stderr=output,
        preexec_fn=limit_memory if memory_limit and os.name == "posix" else None,
    )


def assignment_names(course_dir):
    """The assignments of the course: the folders under `source/`, in order."""
    return sorted(path.name for path in (Path(course_dir) / "source").iterdir() if path.is_dir())


def source_notebook(course_dir, assignment):
    """The one notebook of an assignment's source folder (every course assignment has exactly
    one)."""
    names = assignment_names(course_dir)
    if assignment not in names:
        raise ValueError(f"unknown assignment {assignment!r}; expected one of {names}")
    notebooks = sorted((Path(course_dir) / "source" / assignment).glob("*.ipynb"))
    if len(notebooks) != 1:
        raise ValueError(
            f"assignment {assignment!r} should have exactly one notebook, found {len(notebooks)}"
        )
    return notebooks[0]


def release(course_dir, assignments=(), quiet=False):
    """Generate the student versions into `release/` (overwriting them) and register them in the
    gradebook."""
    for assignment in assignments or ["*"]:
        nbgrader(course_dir, "generate_assignment", assignment, "--force", quiet=quiet)


def collect(course_dir, assignment, folder):
    """Copy handed-in notebooks from `folder` into `submitted/<student>/<assignment>/`; returns the
    student ids."""
    notebook_name = source_notebook(course_dir, assignment).name
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"{str(folder)!r} is not a folder of handed-in notebooks")
    found = {}
    for path in sorted(folder.iterdir()):
        if path.is_dir():
            inside = sorted(path.glob("*.ipynb"))
            if len(inside) != 1:
                raise ValueError(
                    f"{str(path)!r} should hold exactly one notebook, found {len(inside)}"
                )
            found[path.name] = inside[0]
        elif path.suffix == ".ipynb":
            found[path.stem] = path
    if not found:
        raise ValueError(
            f"no notebooks in {str(folder)!r}: expected <student_id>.ipynb files or "
            "<student_id>/ folders"
        )
    for student, path in found.items():
        if not STUDENT_ID.match(student):
            raise ValueError(
                f"{student!r} is not usable as a student id: use letters, digits, '_', '-' or '.'"
            )
        target = Path(course_dir) / "submitted" / student / assignment / notebook_name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return sorted(found)


def release_notebook(course_dir, assignment):
    """The student version of an assignment, generated by `release`."""
    path = Path(course_dir) / "release" / assignment / source_notebook(course_dir, assignment).name
    if not path.is_file():
        raise ValueError(f"{assignment}: no student version at {path}: run `release` first")
    return nbformat.read(path, as_version=4)


def check_submissions(course_dir, assignment):
    """Run the intake checks on every collected submission of an assignment (the original is
    kept under handed_in/); returns {student: messages} for those with something to report."""
    course_dir = Path(course_dir)
    release_copy = release_notebook(course_dir, assignment)
    report = {}
    for path in sorted((course_dir / "submitted").glob(f"*/{assignment}/*.ipynb")):
        student = path.parent.parent.name
        original = course_dir / "handed_in" / student / assignment / path.name
        if not original.exists():
            original.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, original)
        notebook, messages = assignment_intake.prepare(original, release_copy)
        nbformat.write(notebook, path)
        if messages:
            report[student] = messages
    return report


@contextmanager
def source_moved_aside(course_dir):
    """Move `source/` (solutions, hidden tests) out of the course directory while kernels run."""
    source = Path(course_dir) / "source"
    aside = Path(course_dir).parent / f".{Path(course_dir).name}-source-while-grading"
    source.rename(aside)
    try:
        yield
    finally:
        aside.rename(source)


def grade(course_dir, assignments=(), quiet=False):
    """Check and autograde every collected submission (of the given assignments), then export
    all grades to grades.csv; prints what the checks found."""
    names = list(assignments) or assignment_names(course_dir)
    for assignment in names:
        for student, messages in check_submissions(course_dir, assignment).items():
            for message in messages:
                print(f"{student} / {assignment}: {message}")
    with source_moved_aside(course_dir):
        for assignment in names:
            nbgrader(course_dir, "autograde", assignment, "--force", quiet=quiet, memory_limit=True)
    nbgrader(course_dir, "export", "--to", "grades.csv", quiet=quiet)
    return Path(course_dir) / "grades.csv"


def handout(course_dir, archive):
    """Write the student release (the student versions and a read-me, nothing else) as a zip
    archive outside the course; returns the files it holds."""
    course_dir, archive = Path(course_dir), Path(archive).resolve()
    if archive.suffix != ".zip":
        raise ValueError(f"the handout is a .zip archive, got {str(archive)!r}")
    if Path(course_dir).resolve() in archive.parents:
        raise ValueError("write the handout outside the course directory, not into it")
    names = []
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        for assignment in assignment_names(course_dir):
            notebook = release_notebook(course_dir, assignment)
            name = f"{assignment}/{source_notebook(course_dir, assignment).name}"
            handle.writestr(name, nbformat.writes(notebook))
            names.append(name)
        handle.writestr("README.md", HANDOUT_README)
    return names + ["README.md"]


HANDOUT_README = """# RNN course: graded assignments (student version)

Each folder holds one assignment notebook. Open it in JupyterLab in the course's environment
(`python3 course.py lab` from the course repository), fill in every cell marked
`# YOUR CODE HERE` or *YOUR ANSWER HERE*, run the visible tests under each task, and hand in the
notebook file. Do not rename the notebook or delete or move its cells. Grading also runs hidden
tests (other sizes and data), so passing the visible tests is necessary, not sufficient.
"""


def catalogue(course_dir, assignment, cohort=0):
    """Grade an assignment's catalogue of wrong submissions (or a variant) in a scratch copy;
    prints a table and returns the broken rules."""
    rows, problems = assignment_catalogue.grade_catalogue(
        course_dir, Path(course_dir) / "catalogue", assignment, sys.modules[__name__], cohort
    )
    for student, task, kept, expected, entry in rows:
        if expected is None:
            continue
        label = f"{entry.kind}: {entry.why}" if entry else ""
        print(f"{student:12} {task:28} {kept:5g} (expected {expected:g})  {label[:70]}")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--course-dir", type=Path, default=COURSE_DIR, help="nbgrader course directory"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    command = commands.add_parser(
        "release", help="generate the student versions (nbgrader generate_assignment)"
    )
    command.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    command = commands.add_parser("collect", help="copy handed-in notebooks into submitted/")
    command.add_argument("assignment")
    command.add_argument(
        "folder", type=Path, help="folder of <student_id>.ipynb files or <student_id>/ folders"
    )
    command = commands.add_parser("grade", help="nbgrader autograde + export to grades.csv")
    command.add_argument("assignments", nargs="*", help="assignment names (default: all)")
    command = commands.add_parser("handout", help="the student release as a zip, no solutions")
    command.add_argument("archive", type=Path, help="the .zip to write, outside the course")
    command = commands.add_parser("variant", help="a cohort's variant of an assignment")
    command.add_argument("assignment")
    command.add_argument("cohort", type=int, help="variant number (a positive integer)")
    command = commands.add_parser("catalogue", help="grade the catalogue of wrong submissions")
    command.add_argument("assignment")
    command.add_argument("--cohort", type=int, default=0, help="grade this variant instead")
    arguments = parser.parse_args(argv)
    course_dir = arguments.course_dir.resolve()
    try:
        if arguments.command == "release":
            release(course_dir, arguments.assignments)
        elif arguments.command == "collect":
            students = collect(course_dir, arguments.assignment, arguments.folder)
            print(
                f"collected {len(students)} submissions of {arguments.assignment}: "
                f"{', '.join(students)}"
            )
        elif arguments.command == "grade":
            print(f"grades written to {grade(course_dir, arguments.assignments)}")
        elif arguments.command == "handout":
            files = handout(course_dir, arguments.archive)
            print(f"wrote {arguments.archive}: {len(files)} files, no solutions or hidden tests")
        elif arguments.command == "variant":
            name = assignment_catalogue.make_variant(
                course_dir, arguments.assignment, arguments.cohort
            )
            print(f"wrote source/{name}/; release it with `release {name}`")
        else:
            problems = catalogue(course_dir, arguments.assignment, arguments.cohort)
            for problem in problems:
                print("PROBLEM:", problem)
            if problems:
                return 1
            print("every catalogue entry lost its points; the solution kept all of them")
    except ValueError as error:
        parser.exit(2, f"error: {error}\n")
    except subprocess.CalledProcessError as error:
        parser.exit(
            1, f"error: nbgrader failed (exit status {error.returncode}); see its messages above\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
