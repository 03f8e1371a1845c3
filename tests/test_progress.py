"""The live training display: when it shows, what it draws, and that stored outputs stay as they
were."""

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from course_utils.training import progress as live

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from notebooks import KERNEL_ARGUMENTS, drop_empty_displays  # noqa: E402


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_wanted_only_in_a_kernel_unless_switched(monkeypatch):
    monkeypatch.delenv(live.ENVIRONMENT_SWITCH, raising=False)
    assert not live.live_display_wanted()  # pytest is not a Jupyter kernel
    monkeypatch.setenv(live.ENVIRONMENT_SWITCH, "1")
    assert live.live_display_wanted()
    monkeypatch.setenv(live.ENVIRONMENT_SWITCH, "0")
    assert not live.live_display_wanted()


def test_draws_after_the_first_second_at_most_twice_a_second(monkeypatch):
    clock, shown = FakeClock(), []
    progress = live.TrainingProgress(epochs=3, enabled=True, clock=clock)
    monkeypatch.setattr(progress, "_show", shown.append)
    for step, now in enumerate([0.2, 0.9, 1.1, 1.3, 1.7, 3.5], start=1):
        clock.now = now
        progress.update(epoch=0, step=step, loss=1.0 / step)
    # nothing before 1 s; then 1.1, (1.3 too soon), 1.7, 3.5
    assert len(shown) == 3
    assert all(png.startswith(b"\x89PNG") for png in shown)
    height = [int.from_bytes(png[20:24], "big") for png in shown]
    assert height[2] > 2 * height[0]  # after 3 s the image holds the loss curve, not only a line
    assert progress.steps == [1, 2, 3, 4, 5, 6]  # every point is kept for the curve


def test_disabled_or_short_training_shows_nothing(monkeypatch):
    clock, shown = FakeClock(), []
    for enabled, times in ((False, [5.0, 9.0]), (True, [0.1, 0.5, 0.9])):
        progress = live.TrainingProgress(epochs=1, enabled=enabled, clock=clock)
        monkeypatch.setattr(progress, "_show", shown.append)
        for now in times:
            clock.now = now
            progress.update(epoch=0, step=1, loss=0.5)
        progress.close()
    assert shown == []


TRAINING_CELL = """
import numpy as np, keras, course_utils
course_utils.setup(seed=0)
x = np.random.default_rng(0).normal(size=(640, 12, 3)).astype("float32")
y = x.sum(axis=(1, 2))[:, None]
model = keras.Sequential([keras.Input((12, 3)), keras.layers.SimpleRNN(8), keras.layers.Dense(1)])
history = course_utils.train(model, x, y, loss="mse", metrics=(), epochs=40, steps_per_call=2,
                             log_every=20)
"""


class RecordingClient(NotebookClient):
    """nbclient, noting every display message the kernel sends."""

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] in ("stream", "display_data", "update_display_data"):
            self.messages.append((msg["msg_type"], sorted(msg["content"].get("data", {}))))
        return super().process_message(msg, cell, cell_index)


def run_training_cell(switch):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TRAINING_CELL)])
    client = RecordingClient(
        notebook, timeout=300, kernel_name="python3", extra_arguments=KERNEL_ARGUMENTS
    )
    client.messages = []
    client.execute(env={**os.environ, live.ENVIRONMENT_SWITCH: switch, "TF_CPP_MIN_LOG_LEVEL": "3"})
    return notebook, client.messages


@pytest.mark.slow  # two kernels that train for a few seconds
def test_stored_outputs_are_the_same_with_and_without_the_live_display():
    shown, messages = run_training_cell("1")
    quiet, quiet_messages = run_training_cell("0")
    # the live display really ran: a PNG, then updates, the last one emptying it
    assert ("display_data", ["image/png"]) in messages
    assert ("update_display_data", ["image/png"]) in messages
    assert [m for m in messages if m[0] == "update_display_data"][-1] == ("update_display_data", [])
    assert not [m for m in quiet_messages if m[0] != "stream"]
    # what is left of it is one output without data, which JupyterLab and nbval ignore
    outputs = shown.cells[0].outputs
    assert [o for o in outputs if o.output_type == "display_data"] == [
        {"output_type": "display_data", "data": {}, "metadata": {}}
    ]
    drop_empty_displays(shown)  # as scripts/notebooks.py does for every executed notebook
    assert shown.cells[0].outputs == quiet.cells[0].outputs
    assert [o.text for o in quiet.cells[0].outputs][-1].startswith("epoch 40/40 | loss ")
