"""Lecturer commands for the graded assignments: thin wrappers around nbgrader, run offline.

    python scripts/assignments.py release  # student versions of every assignment
    python scripts/assignments.py collect 01_parameters_and_unrolling ~/Downloads/a01/
    python scripts/assignments.py grade  # autograde every submission, write grades.csv
    python scripts/assignments.py grade 01_parameters_and_unrolling

Run it with the course's Python (`.venv/bin/python scripts/assignments.py ...`). Every command works
in the nbgrader course directory `assignments/` (or `--course-dir DIR`) and calls nbgrader with
this interpreter, with its `bin/` folder first on PATH (nbgrader runs the `alembic` program that
is installed next to it). The same steps with nbgrader's own commands are in
`assignments/README.md`.

`collect` is the offline stand-in for nbgrader's exchange: it copies the notebooks that students
handed in (one `<student_id>.ipynb` per student, or one folder `<student_id>/` holding the
notebook) into nbgrader's layout `submitted/<student_id>/<assignment>/<notebook>.ipynb`, under the
notebook name nbgrader expects, whatever the student called the file.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

COURSE_DIR = Path(__file__).resolve().parents[1] / "assignments"
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def nbgrader(course_dir, *arguments):
    """Run `nbgrader <arguments>` in the course directory; raise CalledProcessError if it fails."""
    environment = dict(os.environ)
    environment["PATH"] = os.pathsep.join(
        [str(Path(sys.executable).parent), environment.get("PATH", "")]
    )
    subprocess.run(
        [sys.executable, "-m", "nbgrader", *arguments], cwd=course_dir, env=environment, check=True
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


def release(course_dir, assignments=()):
    """Generate the student versions into `release/` (overwriting them) and register them in the
    gradebook."""
    for assignment in assignments or ["*"]:
        nbgrader(course_dir, "generate_assignment", assignment, "--force")


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


def grade(course_dir, assignments=()):
    """Autograde every collected submission (of the given assignments), then export all grades to
    grades.csv."""
    for assignment in assignments or ["*"]:
        nbgrader(course_dir, "autograde", assignment, "--force")
    nbgrader(course_dir, "export", "--to", "grades.csv")
    return Path(course_dir) / "grades.csv"


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
        else:
            print(f"grades written to {grade(course_dir, arguments.assignments)}")
    except ValueError as error:
        parser.exit(2, f"error: {error}\n")
    except subprocess.CalledProcessError as error:
        parser.exit(
            1, f"error: nbgrader failed (exit status {error.returncode}); see its messages above\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
