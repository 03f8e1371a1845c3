"""`course.py run` prints one line per notebook, then the table, and nothing else (no kernel
warnings, no TensorFlow start-up lines)."""

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import run_course  # noqa: E402


def test_run_prints_one_line_per_notebook_and_the_table(tmp_path, monkeypatch, capfd):
    # the course notebooks import TensorFlow through course_utils, which silences its start-up lines
    cells = [
        "import course_utils\nimport tensorflow as tf\nprint(int(tf.constant(2) + 1))",
        "assert 1 + 1 == 2",
    ]
    paths = []
    for name in ("01_first.ipynb", "02_second.ipynb"):
        notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
        nbformat.write(notebook, tmp_path / name)
        paths.append(tmp_path / name)
    monkeypatch.setattr(run_course, "BUILD", tmp_path / "build")
    assert run_course.main(paths) == 0
    out, err = capfd.readouterr()
    lines = [line for line in out.splitlines() if line.strip()]
    assert lines[0].startswith("01_first.ipynb: ") and lines[0].endswith("claims held (1 asserts)")
    assert lines[1].startswith("02_second.ipynb: ")
    assert lines[2].split() == ["notebook", "seconds", "claims"]
    assert [line.split()[0] for line in lines[3:]] == [
        "01_first.ipynb",
        "02_second.ipynb",
        "total",
        "HTML:",
    ]
    assert err == "", err
    assert (tmp_path / "build" / "html" / "02_second.html").exists()
