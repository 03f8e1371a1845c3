"""Static checks on every committed notebook, and a run-twice reproducibility check.

nbval (in `course.py test`) compares each notebook's stored outputs with a fresh run; these tests
make sure that comparison means something: outputs come from one clean top-to-bottom run, only
cells with a stated reason are exempt, and the notebooks keep the course's skeleton.
"""
import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from notebooks import execute  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").rglob("*.ipynb"))
NOTEBOOKS = [path for path in NOTEBOOKS if ".ipynb_checkpoints" not in path.parts]
COURSE_NOTEBOOKS = [path for path in NOTEBOOKS if re.match(r"\d\d_", path.name) and path.parent.name == "notebooks"]
SKELETON = ["What you will learn", "Setup", "Configuration", "Check your understanding", "Summary"]
IGNORE_MARKER = re.compile(r"^\s*#\s*NBVAL_IGNORE_OUTPUT\s*$", re.MULTILINE)  # nbval needs the exact line
SUFFIXED_MARKER = re.compile(r"^\s*#\s*NBVAL_IGNORE_OUTPUT\W+\w", re.MULTILINE)  # not recognised by nbval
SANITIZE_FILE = ROOT / "tests" / "nbval_sanitize.cfg"
# A notebook run twice from fresh kernels: the welcome notebook and a training notebook.
RUN_TWICE = ["00_welcome_and_setup.ipynb", "04_vanishing_and_exploding_gradients.ipynb"]


def code_cells(notebook):
    return [cell for cell in notebook.cells if cell.cell_type == "code" and cell.source.strip()]


def is_ignored(cell):
    """True when nbval will not compare this cell's output (marker line or cell tag)."""
    return bool(IGNORE_MARKER.search(cell.source)) or "nbval-ignore-output" in cell.metadata.get("tags", [])


def ids(paths):
    return [str(path.relative_to(ROOT / "notebooks")) for path in paths]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids(NOTEBOOKS))
class TestStoredOutputs:
    def test_outputs_come_from_one_clean_run(self, path):
        counts = [cell.execution_count for cell in code_cells(nbformat.read(path, as_version=4))]
        assert counts == list(range(1, len(counts) + 1)), (
            f"{path.name}: execution counts {counts} are not 1..N; re-record with `python3.11 course.py record {path}`")

    def test_no_stored_errors(self, path):
        notebook = nbformat.read(path, as_version=4)
        errors = [out.ename for cell in code_cells(notebook) for out in cell.outputs if out.output_type == "error"]
        assert not errors, f"{path.name} has stored errors: {errors}"

    def test_no_log_lines_stored(self, path):
        """TensorFlow's start-up lines (stderr) would greet every student in a red box."""
        for cell in code_cells(nbformat.read(path, as_version=4)):
            streams = [out.text for out in cell.outputs if out.get("name") == "stderr"]
            assert not streams, f"{path.name} stores stderr output: {streams[0][:200]!r}"

    def test_every_exemption_from_comparison_says_why(self, path):
        """Form: a line `# NBVAL_IGNORE_OUTPUT` (exactly: nbval ignores anything longer) and a comment
        line right after it giving the reason."""
        notebook = nbformat.read(path, as_version=4)
        for cell in code_cells(notebook):
            assert "NBVAL_SKIP" not in cell.source, f"{path.name}: NBVAL_SKIP hides a cell from the test run"
            if SUFFIXED_MARKER.search(cell.source) and not is_ignored(cell):
                pytest.fail(f"{path.name}: nbval only honours the exact line '# NBVAL_IGNORE_OUTPUT'")
            if is_ignored(cell):
                lines = [line.strip() for line in cell.source.splitlines()]
                reasons = [lines[i + 1] for i, line in enumerate(lines[:-1]) if IGNORE_MARKER.match(line)]
                reasons += [line for line in lines if SUFFIXED_MARKER.match(line)]
                assert any(len(reason.lstrip("# ")) >= 5 for reason in reasons), (
                    f"{path.name}: say why the output is ignored, in a comment under the marker")
        ignored = sum(is_ignored(cell) for cell in code_cells(notebook))
        assert ignored <= max(2, len(code_cells(notebook)) // 5), f"{path.name}: {ignored} cells exempt from comparison"

    def test_no_asserts_in_exempt_cells(self, path):
        for cell in code_cells(nbformat.read(path, as_version=4)):
            if is_ignored(cell):
                code = [line for line in cell.source.splitlines() if not line.strip().startswith("#")]
                assert not any(re.match(r"\s*assert\b", line) for line in code), (
                    f"{path.name}: a claim is asserted in a cell whose output is ignored")


@pytest.mark.parametrize("path", COURSE_NOTEBOOKS, ids=ids(COURSE_NOTEBOOKS))
class TestSkeleton:
    def test_follows_the_template(self, path):
        notebook = nbformat.read(path, as_version=4)
        headings = [line.lstrip("#").strip() for cell in notebook.cells if cell.cell_type == "markdown"
                    for line in cell.source.splitlines() if line.startswith("#")]
        assert re.match(r"\d\d ", headings[0]), f"{path.name}: first heading should be 'NN Title'"
        positions = []
        for section in SKELETON:
            found = [i for i, heading in enumerate(headings) if heading.startswith(section)]
            assert found, f"{path.name}: missing section '{section}'"
            positions.append(found[0])
        assert positions == sorted(positions), f"{path.name}: sections out of order {SKELETON}"

    def test_starts_with_setup(self, path):
        first = code_cells(nbformat.read(path, as_version=4))[0].source
        assert "course_utils.setup(seed=" in first, f"{path.name}: first code cell must call course_utils.setup(seed=...)"

    def test_imports_course_utils_before_tensorflow(self, path):
        """Only the first import of TensorFlow can be silenced; course_utils does it."""
        lines = [line.split("#")[0].strip() for line in code_cells(nbformat.read(path, as_version=4))[0].source.splitlines()]
        imports = [line for line in lines if line.startswith(("import ", "from "))]
        assert imports and imports[0] == "import course_utils", (
            f"{path.name}: the first import must be `import course_utils`, got {imports[:1]}")

    def test_defines_no_classes(self, path):
        """course_utils is the single source: notebooks import layers, they never define them."""
        for cell in code_cells(nbformat.read(path, as_version=4)):
            tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))))
            classes = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
            assert not classes, f"{path.name} defines {classes}; put them in course_utils"

    def test_training_notebooks_report_xla(self, path):
        source = "\n".join(cell.source for cell in code_cells(nbformat.read(path, as_version=4)))
        if "course_utils.train(" in source or re.search(r"\btrain\(", source):
            assert "xla_used" in source, f"{path.name} trains but never prints whether XLA was used"

    def test_no_progress_bars(self, path):
        source = "\n".join(cell.source for cell in code_cells(nbformat.read(path, as_version=4)))
        assert not re.search(r"verbose\s*=\s*[12]", source), f"{path.name}: progress output carries timings"


def comparable_outputs(notebook):
    """Outputs as nbval compares them: streams coalesced, no stderr, no images, sanitized, ignored cells left out."""
    patterns = re.findall(r"^regex: (.*)$\n^replace: (.*)$", SANITIZE_FILE.read_text(), flags=re.MULTILINE)
    result = []
    for cell in code_cells(notebook):
        if is_ignored(cell):
            continue
        texts = []
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                continue
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            for regex, replacement in patterns:
                text = re.sub(regex, replacement, text)
            texts.append(text)
        result.append("".join(texts))  # a stream may arrive in one message or several: compare the text
    return result


@pytest.mark.parametrize("name", RUN_TWICE)
def test_two_fresh_runs_give_identical_checked_outputs(name):
    path = ROOT / "notebooks" / name
    assert path.exists(), f"{name} is missing"
    first, _, error = execute(path)
    assert error is None, error
    second, _, error = execute(path)
    assert error is None, error
    assert comparable_outputs(first) == comparable_outputs(second)
    assert comparable_outputs(second) == comparable_outputs(nbformat.read(path, as_version=4)), "differs from the committed outputs"
