"""Shared helpers for the notebook scripts: which notebooks make up the course, and running one."""

import re
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
CELL_TIMEOUT_SECONDS = 600
ASSERT_LINE = re.compile(r"^\s*assert\b", re.MULTILINE)


def course_notebooks(paths=()):
    """The numbered notebooks `notebooks/NN_*.ipynb` (or the given paths), in course order."""
    if paths:
        return [Path(path).resolve() for path in paths]
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def count_asserts(notebook):
    """Number of `assert` statements in the notebook's code cells: its asserted claims and
    checks."""
    return sum(
        len(ASSERT_LINE.findall(cell.source)) for cell in notebook.cells if cell.cell_type == "code"
    )


def execute(path):
    """Run a notebook top to bottom in a fresh kernel, in its own folder.

    Returns (executed notebook, seconds, error message or None).
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}".strip()
    return notebook, time.perf_counter() - start, error
