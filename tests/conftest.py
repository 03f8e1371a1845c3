"""Fixtures shared by the tests of the exercise checks."""
import threading

import pytest

from course_utils.check import core


@pytest.fixture
def short_time_limit(monkeypatch):
    """Student functions get 0.3 s instead of the notebook limit, so time-outs test quickly."""
    monkeypatch.setattr(core, "TIME_LIMIT_SECONDS", 0.3)


@pytest.fixture
def endless():
    """A function that loops until the test ends (so no thread keeps burning CPU afterwards)."""
    stop = threading.Event()

    def loop(*args):
        while not stop.is_set():
            stop.wait(0.01)

    yield loop
    stop.set()
