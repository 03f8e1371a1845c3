"""How a fresh run's outputs are compared with a notebook's stored ones (nbval, and the run-twice
test).

The rule (the README's contributing section states it for authors):

- Every output is compared exactly, after the sanitizers of `nbval_sanitize.cfg` (addresses,
  wall-clock times, the device name). stderr and images are never compared.
- A cell that prints numbers from training or float reductions declares how far they may move on
  another machine with a line in its source:

      # NBVAL_TOLERANCE rel=0.02 abs=0.005

  Each number of its text output may then differ from the stored one by at most
  `abs + rel * max(|stored|, |fresh|)`; the words around the numbers, and how many numbers there
  are, must still be identical.
- A cell whose numbers are chaotic (where a diverging run blows up, the loss it reaches) starts with
  `# NBVAL_IGNORE_OUTPUT` and a comment giving the reason; its claim is asserted in a compared cell.
"""

import math
import re
from dataclasses import dataclass
from pathlib import Path

SANITIZE_FILE = Path(__file__).resolve().parent / "nbval_sanitize.cfg"
IGNORE_MARKER = re.compile(
    r"^\s*#\s*NBVAL_IGNORE_OUTPUT\s*$", re.MULTILINE
)  # nbval needs the exact line
TOLERANCE_LINE = re.compile(r"^\s*#\s*NBVAL_TOLERANCE\b(.*)$", re.MULTILINE)
TOLERANCE_SETTING = re.compile(r"(rel|abs)=(\S+)")
# A number standing on its own: not part of a name such as `lstm_1` or a version such as `3.11.7`.
NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?(?![\w]|\.\d)")
MAX_TOLERANCE = {"rel": 0.5, "abs": 1e6}
DRIFT_FLOOR = 1e-3  # the reported relative change leaves out rounding-sized numbers (1e-7 vs 2e-7)


class ToleranceMarkerError(ValueError):
    """A `# NBVAL_TOLERANCE` line that cannot be read."""


@dataclass(frozen=True)
class Tolerance:
    rel: float = 0.0
    abs: float = 0.0

    def allows(self, stored, fresh):
        if math.isnan(stored) or math.isnan(fresh):
            return math.isnan(stored) and math.isnan(fresh)
        return abs(stored - fresh) <= self.abs + self.rel * max(abs(stored), abs(fresh))


def cell_tolerance(source, where="this cell"):
    """The tolerance a cell declares, or None when its outputs are compared exactly."""
    lines = TOLERANCE_LINE.findall(source)
    if not lines:
        return None
    fix = "Write it as `# NBVAL_TOLERANCE rel=0.02 abs=0.005` (either may be left out; both >= 0)."
    if len(lines) > 1:
        raise ToleranceMarkerError(
            f"{where} has {len(lines)} NBVAL_TOLERANCE lines; keep one. {fix}"
        )
    text = lines[0].strip()
    settings = dict(TOLERANCE_SETTING.findall(text))
    leftover = TOLERANCE_SETTING.sub("", text).strip()
    if leftover or not settings:
        raise ToleranceMarkerError(
            f"{where}: cannot read the tolerance {text!r} (unexpected {leftover or 'nothing'!r}). "
            f"{fix}"
        )
    values = {}
    for name, value in settings.items():
        try:
            values[name] = float(value)
        except ValueError:
            raise ToleranceMarkerError(
                f"{where}: {name}={value!r} is not a number. {fix}"
            ) from None
        if not 0 <= values[name] <= MAX_TOLERANCE[name]:
            raise ToleranceMarkerError(
                f"{where}: {name}={value} is outside [0, {MAX_TOLERANCE[name]:g}]; a tolerance "
                f"that wide compares nothing: mark the cell `# NBVAL_IGNORE_OUTPUT` with a reason "
                f"instead. {fix}"
            )
    return Tolerance(**values)


def is_ignored(cell):
    """True when nbval will not compare this cell's output (marker line or cell tag)."""
    return bool(IGNORE_MARKER.search(cell.source)) or "nbval-ignore-output" in cell.metadata.get(
        "tags", []
    )


def snap_numbers(stored, fresh, tolerance):
    """`fresh` with each number that is within `tolerance` of the stored one replaced by it.

    Returns (text, largest relative change among the numbers of magnitude >= DRIFT_FLOOR). When the
    words around the numbers,
    or their count, differ, `fresh` comes back unchanged and the exact comparison reports the
    difference.
    """
    stored_numbers, fresh_numbers = NUMBER.findall(stored), NUMBER.findall(fresh)
    if NUMBER.split(stored) != NUMBER.split(fresh) or len(stored_numbers) != len(fresh_numbers):
        return fresh, 0.0
    largest = 0.0
    pieces = NUMBER.split(fresh)
    for i, (old, new) in enumerate(zip(stored_numbers, fresh_numbers)):
        a, b = float(old), float(new)
        if old != new and max(abs(a), abs(b)) >= DRIFT_FLOOR:  # NaN compares False: left out
            largest = max(largest, abs(a - b) / max(abs(a), abs(b)))
        if tolerance.allows(a, b):
            fresh_numbers[i] = old
    text = pieces[0]
    for number, piece in zip(fresh_numbers, pieces[1:]):
        text += number + piece
    return text, largest


def coalesce_streams(outputs):
    """Consecutive stream outputs of one name joined into one (a kernel may split a print)."""
    merged = []
    for out in outputs:
        if (
            out.get("output_type") == "stream"
            and merged
            and merged[-1].get("output_type") == "stream"
            and merged[-1].get("name") == out.get("name")
        ):
            merged[-1] = {**merged[-1], "text": merged[-1]["text"] + out["text"]}
        else:
            merged.append(dict(out))
    return merged


def without_stderr(outputs):
    return [
        out
        for out in outputs
        if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
    ]


def snap_outputs(stored_outputs, fresh_outputs, tolerance):
    """Fresh outputs with in-tolerance numbers replaced by the stored ones, and the largest relative
    change."""
    stored_outputs = coalesce_streams(without_stderr(stored_outputs))
    fresh_outputs = coalesce_streams(without_stderr(fresh_outputs))
    if tolerance is None or len(stored_outputs) != len(fresh_outputs):
        return fresh_outputs, 0.0
    snapped, largest = [], 0.0
    for stored, fresh in zip(stored_outputs, fresh_outputs):
        fresh = dict(fresh)
        if fresh.get("output_type") == "stream" and stored.get("output_type") == "stream":
            fresh["text"], moved = snap_numbers(stored["text"], fresh["text"], tolerance)
            largest = max(largest, moved)
        elif "data" in fresh and "data" in stored:
            data = dict(fresh["data"])
            for mime in ("text/plain", "text/html", "text/markdown"):
                if isinstance(data.get(mime), str) and isinstance(stored["data"].get(mime), str):
                    data[mime], moved = snap_numbers(stored["data"][mime], data[mime], tolerance)
                    largest = max(largest, moved)
            fresh["data"] = data
        snapped.append(fresh)
    return snapped, largest


def sanitizers():
    return re.findall(
        r"^regex: (.*)$\n^replace: (.*)$", SANITIZE_FILE.read_text(), flags=re.MULTILINE
    )


def comparable_text(outputs, patterns):
    """The text nbval compares for one cell: streams coalesced, no stderr, no images, sanitized."""
    texts = []
    for out in coalesce_streams(without_stderr(outputs)):
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        for regex, replacement in patterns:
            text = re.sub(regex, replacement, text)
        texts.append(text)
    return "".join(texts)


def differing_cells(stored_notebook, fresh_notebook, use_tolerance=True):
    """Indices (among code cells) of the compared cells whose outputs differ, under the rule
    above."""
    patterns = sanitizers()
    stored_cells = [cell for cell in stored_notebook.cells if cell.cell_type == "code"]
    fresh_cells = [cell for cell in fresh_notebook.cells if cell.cell_type == "code"]
    differing = []
    for index, (stored, fresh) in enumerate(zip(stored_cells, fresh_cells, strict=True)):
        if is_ignored(stored) or not stored.source.strip():
            continue
        tolerance = cell_tolerance(stored.source, f"code cell {index}") if use_tolerance else None
        snapped, _ = snap_outputs(stored.outputs, fresh.outputs, tolerance)
        if comparable_text(snapped, patterns) != comparable_text(stored.outputs, patterns):
            differing.append(index)
    return differing
