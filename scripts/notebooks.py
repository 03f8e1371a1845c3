"""Shared helpers for the notebook scripts: which notebooks make up the course, and running one."""

import os
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
# the kernel of a scripted run: no live training display, no start-up warnings on the terminal
KERNEL_ENVIRONMENT = {"COURSE_UTILS_PROGRESS": "0", "TF_CPP_MIN_LOG_LEVEL": "3"}
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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


def execute(path, environment=None):
    """Run a notebook top to bottom in a fresh kernel, in its own folder.

    `environment` adds to (or overrides) `KERNEL_ENVIRONMENT` for the kernel.
    Returns (executed notebook, seconds, error message or None).
    """
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_SECONDS,
        kernel_name="python3",
        record_timing=False,
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    start = time.perf_counter()
    error = None
    try:
        client.execute(env={**os.environ, **KERNEL_ENVIRONMENT, **(environment or {})})
    except CellExecutionError as failure:
        error = f"{failure.ename}: {failure.evalue}".strip()
    drop_empty_displays(notebook)
    notebook.metadata.pop("widgets", None)  # a live explorer's state (random ids) is not kept
    return notebook, time.perf_counter() - start, error


def drop_empty_displays(notebook):
    """Keep from display outputs only what a stored notebook can show: remove the view of a live
    widget (its model, with a random id, dies with the kernel; the output's text stays) and the
    outputs left with no data, which an emptied live training display leaves in a cell."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            if output.output_type == "display_data":
                output.data.pop(WIDGET_VIEW, None)
        cell.outputs = [
            output
            for output in cell.outputs
            if output.output_type != "display_data" or output.get("data")
        ]
