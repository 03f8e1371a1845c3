"""Fixtures shared by the tests of the exercise checks, the clean-up of student code that never
returns, and the rule that browser tests are slow."""
import ctypes
import os
import threading
import warnings

import pytest

from course_utils.check import core

# the kernels that nbval starts inherit this: no live training display in compared notebooks
os.environ.setdefault("COURSE_UTILS_PROGRESS", "0")


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


def student_code_threads():
    """Threads running student code for an exercise check (started in `course_utils.check`)."""
    def module(thread):
        return getattr(getattr(thread, "_target", None), "__module__", None) or ""

    return [thread for thread in threading.enumerate()
            if thread.is_alive() and module(thread).startswith("course_utils.check")]


class StudentCodeStopped(BaseException):
    """Raised inside a thread of student code that outlived its test."""


@pytest.fixture(autouse=True)
def stop_student_code_that_never_returns():
    """A check gives up on a student function after its time limit, but the function goes on in its
    daemon thread (Python cannot kill a thread). Tests share worker processes, so an endless loop
    left running would slow down, and fill the memory of, every later test: after each test, stop
    such threads by raising an exception inside them."""
    yield
    report = threading.excepthook

    def quiet(arguments):  # the stop is no error of the test
        if not issubclass(arguments.exc_type, StudentCodeStopped):
            report(arguments)

    for thread in student_code_threads():
        thread.join(0.05)
        if thread.is_alive():
            threading.excepthook = quiet
            try:
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident),
                                                           ctypes.py_object(StudentCodeStopped))
                thread.join(5.0)
            finally:
                threading.excepthook = report
            if thread.is_alive():  # blocked inside a C call, where no exception can reach it
                warnings.warn(f"student code in {thread.name} still runs after its test",
                              RuntimeWarning)


def pytest_collection_modifyitems(items):
    """A test that drives JupyterLab in a browser is also `slow`: `course.py unit` leaves it out."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
