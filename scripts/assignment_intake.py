"""Checks on a handed-in notebook before nbgrader grades it, so that one broken submission costs
only its own points and never stops the grading of the others.

`prepare(path, release)` reads a submission and returns the notebook to grade with a list of
messages for the lecturer (and the student):

- not JSON, or not a notebook: graded as the untouched release (0 points), with the reason;
- an answer or test cell deleted: put back from the release, empty (that task gets 0);
- graded cells moved: put back in the release's order, each with the student's own cells that
  followed it, so every test runs after the answer it tests;
- a code cell that names the grading files (the source folder, the gradebook, other students'
  submissions): replaced by a cell that raises, so its task gets 0;
- stored outputs: dropped (grading runs every cell again; megabytes of output are not kept).

This is a deterrent, not a sandbox: a kernel runs with the grader's rights, so a determined
student could still find the gradebook by other means. Grading on a machine that holds only this
course's gradebook, as nbgrader's documentation advises, limits what could be found.
"""

import json
import re

import nbformat

GRADING_FILES = re.compile(
    r"gradebook|nbgrader|autograded|submitted[/\\]|source[/\\]|release[/\\]|\.db\b|sqlite",
    re.IGNORECASE,
)
READS_GRADING_FILES = (
    "raise RuntimeError(\"removed by the grader: this cell refers to the course's grading files "
    '(source, gradebook or submissions)")'
)


def grade_id(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def _read(path):
    """The notebook at `path`, or (None, reason) when it cannot be graded at all."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, f"cannot be read as UTF-8 text ({error.__class__.__name__})"
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return (
            None,
            f"is not JSON (line {error.lineno}: {error.msg}); is it really the .ipynb file?",
        )
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several unrelated types for a malformed file
        return None, f"is JSON but not a Jupyter notebook ({str(error).splitlines()[0][:120]})"
    return notebook, None


def prepare(path, release):
    """(notebook to grade, messages) for the submission at `path` of the assignment whose
    student version is `release`."""
    notebook, reason = _read(path)
    if notebook is None:
        return nbformat.reads(nbformat.writes(release), as_version=4), [
            f"{path.name} {reason}: graded as an empty submission (0 points)"
        ]
    messages = []
    expected = [grade_id(cell) for cell in release.cells if grade_id(cell)]
    released = {grade_id(cell): cell for cell in release.cells if grade_id(cell)}
    groups, extra = {}, []  # graded cell -> it and the student's cells after it
    for cell in notebook.cells:
        if grade_id(cell) in released and grade_id(cell) not in groups:
            groups[grade_id(cell)] = [cell]
        elif groups:
            list(groups.values())[-1].append(cell)
        else:
            extra.append(cell)
    missing = [name for name in expected if name not in groups]
    if missing:
        messages.append(f"cells deleted: {', '.join(missing)}; put back empty (their tasks get 0)")
    if list(groups) != [name for name in expected if name in groups]:  # graded cells moved
        messages.append("graded cells were moved; put back in the assignment's order")
    cells = list(extra)
    for name in expected:
        cells.extend(
            groups.get(name) or [nbformat.from_dict(json.loads(json.dumps(released[name])))]
        )
    for cell in cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if GRADING_FILES.search(cell.source) and not cell.metadata.get("nbgrader", {}).get(
                "locked"
            ):
                messages.append(
                    f"cell {grade_id(cell) or '(ungraded)'} refers to the grading files and "
                    "was not run"
                )
                cell.source = READS_GRADING_FILES
    notebook.cells = cells
    return notebook, messages
