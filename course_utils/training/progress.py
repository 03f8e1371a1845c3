"""The live progress display of `train` in a notebook, which leaves no trace in stored outputs.

While `train` runs in a Jupyter kernel, one output of the cell shows the epoch, the optimizer step
and the running loss, with a loss curve once training has run for `CURVE_AFTER_SECONDS`. It is an
IPython display handle, updated in place at most every `UPDATE_SECONDS`, and its content is one
PNG image (a matplotlib `Figure`, never pyplot, so the notebook's own figures are untouched).
When training ends the display is emptied, and `train` prints its summary line as it always does.

Why nothing changes in a stored or compared notebook:
- a training that ends within `FIRST_SHOWN_AFTER_SECONDS` displays nothing at all;
- otherwise the cell keeps one output with no data (JupyterLab draws nothing for it, and nbval and
  `tests/notebook_outputs.py` compare no key of it); `scripts/notebooks.py` drops such outputs;
- `course.py` runs, records and tests notebooks with `COURSE_UTILS_PROGRESS=0`, and outside a
  kernel (a script, a test) the display never starts.

Set `COURSE_UTILS_PROGRESS=0` in the environment to switch it off, `1` to force it on.
"""

import base64
import io
import os
import time

ENVIRONMENT_SWITCH = "COURSE_UTILS_PROGRESS"
FIRST_SHOWN_AFTER_SECONDS = 1.0  # shorter trainings show nothing
CURVE_AFTER_SECONDS = 3.0  # the loss curve appears once training takes longer than this
UPDATE_SECONDS = 0.5  # at most two redraws a second


def live_display_wanted():
    """True in a Jupyter kernel unless `COURSE_UTILS_PROGRESS=0`; `=1` forces it anywhere."""
    switch = os.environ.get(ENVIRONMENT_SWITCH, "").strip()
    if switch in ("0", "1"):
        return switch == "1"
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class TrainingProgress:
    """Receives `train`'s running numbers; draws them only when a live display is wanted.

    Example (what `train` does):
        progress = TrainingProgress(epochs=5)
        progress.update(epoch=0, step=50, loss=0.7)   # after every compiled call
        progress.close()                             # always, also when training fails
    """

    def __init__(self, epochs, enabled=None, clock=time.monotonic):
        self.epochs = epochs
        self.enabled = live_display_wanted() if enabled is None else enabled
        self.clock = clock
        self.started = clock()
        self.last_drawn = None
        self.handle = None
        self.steps, self.losses = [], []

    def update(self, epoch, step, loss):
        """Record the running loss after optimizer step `step` of epoch `epoch` (0-based)."""
        if not self.enabled:
            return
        self.steps.append(step)
        self.losses.append(loss)
        now = self.clock()
        if now - self.started < FIRST_SHOWN_AFTER_SECONDS:
            return
        if self.last_drawn is not None and now - self.last_drawn < UPDATE_SECONDS:
            return
        self.last_drawn = now
        self._show(self._image(epoch, step, loss, curve=now - self.started >= CURVE_AFTER_SECONDS))

    def close(self):
        """Empty the display (if one was shown): the cell is left as if it had never been there."""
        if self.handle is not None:
            self.handle.update({}, raw=True)
            self.handle = None

    def _show(self, png):
        from IPython.display import display

        bundle = {"image/png": base64.b64encode(png).decode("ascii")}
        if self.handle is None:
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)

    def _image(self, epoch, step, loss, curve):
        """A small PNG: the status line, and the running loss against the step when `curve`."""
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        status = f"training: epoch {epoch + 1}/{self.epochs}, step {step}, loss {loss:.4g}"
        figure = Figure(figsize=(5.0, 2.2 if curve else 0.4), dpi=80)
        FigureCanvasAgg(figure)
        if curve:
            axes = figure.add_subplot()
            axes.plot(self.steps, self.losses, color="tab:blue")
            axes.set_xlabel("optimizer step")
            axes.set_ylabel("running loss")
            axes.set_title(status, fontsize=10)
            figure.tight_layout()
        else:
            figure.text(0.01, 0.5, status, va="center", fontsize=10)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
