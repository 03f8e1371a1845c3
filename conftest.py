"""pytest configuration shared by the unit tests and the nbval notebook run.

- nbval compares outputs under the course's rule (`tests/notebook_outputs.py`): exactly, except
  that a cell marked `# NBVAL_TOLERANCE rel=... abs=...` lets its numbers move within that
  tolerance; TensorFlow's stderr (log lines, warnings) is never compared.
- A notebook file that is not valid JSON stops the run with a message naming it.
- At the end: each notebook's wall time (sum of its cells), and how far its numbers moved from the
  stored outputs (the largest relative change in a cell compared with a tolerance).
"""
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# the kernels nbval starts inherit this: no live training display in a compared notebook (with
# it, notebook 02's trained losses moved by about 1 %: the display is for students, not for runs)
os.environ.setdefault("COURSE_UTILS_PROGRESS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
import notebook_outputs  # noqa: E402

_notebook_seconds = defaultdict(float)
_notebook_drift = defaultdict(float)

RECORD_HINT = ("The stored output above differs from a fresh run beyond the cell's rule. If you "
               "changed the notebook or course_utils on purpose, re-record it from a fresh kernel: "
               "`python3 course.py record {path}`. If you did not, this is a regression (or a "
               "stored output edited by hand). Numbers that legitimately move between machines get "
               "a `# NBVAL_TOLERANCE rel=... abs=...` line; see the README's contributing section.")


class UnreadableNotebook(pytest.File):
    """Stands in for a notebook file that is not valid JSON: one test that fails with the fix."""

    def collect(self):
        yield UnreadableNotebookItem.from_parent(self, name="unreadable")


class UnreadableNotebookItem(pytest.Item):
    def runtest(self):
        raise ValueError(self.parent.problem)

    def repr_failure(self, excinfo):
        return self.parent.problem

    def reportinfo(self):
        return self.path, None, self.name


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path, parent):
    collectors = yield
    if file_path.suffix != ".ipynb" or not parent.config.getoption("nbval", default=False):
        return collectors
    try:
        json.loads(file_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        file = UnreadableNotebook.from_parent(parent, path=file_path)
        file.problem = (f"{file_path} is not a readable notebook ({error}). It was probably "
                        f"corrupted by an edit or a merge: restore it with `git checkout -- "
                        f"{file_path}` and re-record it with `python3 course.py record "
                        f"{file_path}`.")
        return [file]
    return collectors


def pytest_configure(config):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    if getattr(IPyNbCell, "_course_rule", False):
        return
    import nbformat
    compare = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        path = self.fspath.relto(self.config.rootdir)
        try:
            tolerance = notebook_outputs.cell_tolerance(self.cell.source,
                                                        f"{path}, cell {self.cell_num}")
        except notebook_outputs.ToleranceMarkerError as error:
            self.comparison_traceback = [str(error)]
            return False
        snapped, moved = notebook_outputs.snap_outputs(ref, test, tolerance)
        _notebook_drift[path] = max(_notebook_drift[path], moved)
        same = compare(self, [nbformat.from_dict(out) for out in snapped],
                       [nbformat.from_dict(out) for out in notebook_outputs.without_stderr(ref)],
                       skip_compare)
        if not same:
            self.comparison_traceback.append(RECORD_HINT.format(path=path))
        return same

    IPyNbCell.compare_outputs = compare_outputs
    IPyNbCell._course_rule = True


def pytest_runtest_logreport(report):
    if ".ipynb::" in report.nodeid and report.when == "call":
        _notebook_seconds[report.nodeid.split("::")[0]] += report.duration


def pytest_terminal_summary(terminalreporter):
    if not _notebook_seconds:
        return
    terminalreporter.section("notebook wall times (sum of cell times, slowest first)")
    for path, seconds in sorted(_notebook_seconds.items(), key=lambda item: -item[1]):
        terminalreporter.write_line(f"{seconds:7.1f} s  {path}")
    terminalreporter.write_line(f"{sum(_notebook_seconds.values()):7.1f} s  total")
    terminalreporter.section("numbers moved from the stored outputs (largest relative change of a "
                             "number >= 0.001 in a cell with a tolerance)")
    for path in sorted(_notebook_seconds):
        terminalreporter.write_line(f"{_notebook_drift[path]:10.2e}  {path}")
