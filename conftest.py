"""pytest configuration shared by the unit tests and the nbval notebook run.

- TensorFlow's stderr (timestamped log lines, warnings) is not compared by nbval: it is noise that
  changes between runs and machines. stdout, results and HTML are still compared strictly.
- Each notebook's wall time is summed from its cells and the slowest notebooks are printed at the end.
"""
import os
from collections import defaultdict

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_notebook_seconds = defaultdict(float)


def _without_stderr(outputs):
    return [out for out in outputs if not (out.get("output_type") == "stream" and out.get("name") == "stderr")]


def pytest_configure(config):
    try:
        from nbval.plugin import IPyNbCell
    except ImportError:
        return
    if getattr(IPyNbCell, "_course_skips_stderr", False):
        return
    compare = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        return compare(self, _without_stderr(test), _without_stderr(ref), skip_compare)

    IPyNbCell.compare_outputs = compare_outputs
    IPyNbCell._course_skips_stderr = True


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
