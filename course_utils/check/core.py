"""Shared machinery for exercise checks: results, messages and calling student code safely."""

import contextlib
import io
import math
import threading

import numpy as np

from course_utils.validation import is_integer, is_number

TIME_LIMIT_SECONDS = 10.0
OUTPUT_LIMIT_CHARACTERS = 2000  # of what a student's function prints, the part shown


class CheckResult:
    """Outcome of one check; prints as a short message and is truthy when the answer is right."""

    def __init__(self, exercise, passed, message):
        self.exercise = exercise
        self.passed = bool(passed)
        self.message = message

    def __bool__(self):
        return self.passed

    def __repr__(self):
        mark = "correct" if self.passed else "not yet"
        return f"[{self.exercise}] {mark}: {self.message}"

    def _ipython_display_(self):
        """Already printed by `report`; show nothing more when a check ends a notebook cell."""


def report(exercise, passed, message):
    """Print and return a `CheckResult`."""
    result = CheckResult(exercise, passed, message)
    print(repr(result))
    return result


class StudentCodeError(Exception):
    """Raised by `call_with_time_limit` when the student's function fails or runs too long."""


class BoundedOutput(io.TextIOBase):
    """A text stream that keeps the first `limit` characters written to it and counts the rest."""

    def __init__(self, limit=OUTPUT_LIMIT_CHARACTERS):
        self.limit, self.kept, self.room, self.dropped = limit, [], limit, 0
        self.lock = threading.Lock()

    def writable(self):
        return True

    def write(self, text):
        with self.lock:
            if self.room:
                self.kept.append(text[: self.room])
            shown = min(len(text), self.room)
            self.room -= shown
            self.dropped += len(text) - shown
        return len(text)

    def replay(self):
        """Print what was kept, and how much was not."""
        text = "".join(self.kept)
        if text:
            print(text, end="" if text.endswith("\n") else "\n")
        if self.dropped:
            print(f"... ({self.dropped} more characters printed by your function not shown)")


def _what_it_did(error):
    """A sentence for an exception that escaped the student's function."""
    if isinstance(error, SystemExit):
        return (
            f"your function called exit() or sys.exit({error.code!r}); a function that a check "
            "calls must return its result instead"
        )
    if isinstance(error, KeyboardInterrupt):
        return "your function raised KeyboardInterrupt; the check stopped it and carried on"
    return f"your function raised {type(error).__name__}: {error}"


def call_with_time_limit(function, *args, time_limit=TIME_LIMIT_SECONDS):
    """Call `function(*args)` in a daemon thread; raise `StudentCodeError` on error or timeout.

    Nothing the function does breaks the check: an exception of any kind (also `exit()`,
    `KeyboardInterrupt`) becomes a `StudentCodeError` that says what happened; what it prints is
    shown up to `OUTPUT_LIMIT_CHARACTERS`. A thread cannot be killed, so a function stuck in an
    endless loop keeps running in the background; the check returns after `time_limit` seconds
    with a clear message.
    """
    if not callable(function):
        raise StudentCodeError(
            f"expected a function, got {type(function).__name__}: {function!r:.60}"
        )
    outcome = {}

    def target():
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # noqa: BLE001 - whatever the student's code does
            outcome["error"] = error

    printed = BoundedOutput()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        worker = threading.Thread(target=target, daemon=True)
        worker.start()
        worker.join(time_limit)
    printed.replay()
    if worker.is_alive():
        raise StudentCodeError(
            f"your function did not return within {time_limit:g} s (an endless loop?)"
        )
    if "error" in outcome:
        raise StudentCodeError(_what_it_did(outcome["error"]))
    return outcome["value"]


def integer_answer(exercise, answer):
    """None if `answer` is an integer (Python or NumPy, not a bool), else a failing CheckResult."""
    if is_integer(answer):
        return None
    return report(
        exercise, False, f"answer with an int, got {type(answer).__name__}: {answer!r:.40}"
    )


def number_answer(exercise, answer):
    """`(float(answer), None)` for a finite number (not a bool), else `(None, a failing result)`."""
    if not is_number(answer):
        return None, report(exercise, False, f"answer with a number, got {type(answer).__name__}.")
    if not math.isfinite(float(answer)):
        return None, report(exercise, False, f"answer with a finite number, got {answer!r}.")
    return float(answer), None


def as_array(value, name="answer"):
    """Convert a student's answer (list, NumPy or TensorFlow tensor) to a float64 NumPy array."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise StudentCodeError(
            f"{name} should be an array of numbers, got {type(value).__name__}"
        ) from error
    return array


def run_student_function(exercise, fn, *args):
    """Call the student's function safely; return (value, None) or (None, failing CheckResult)."""
    if callable(fn) and str(getattr(fn, "__module__", "")).startswith("course_utils"):
        return None, report(
            exercise, False, "pass the function you wrote, not one from course_utils."
        )
    try:
        return call_with_time_limit(fn, *args, time_limit=TIME_LIMIT_SECONDS), None
    except StudentCodeError as error:
        return None, report(exercise, False, str(error))


def student_array(exercise, value, shape, what="your function"):
    """The answer as a finite float array of `shape`, or (None, failing CheckResult)."""
    try:
        array = as_array(value, "the value returned")
    except StudentCodeError as error:
        return None, report(exercise, False, f"{what}: {error}")
    if array.shape != tuple(shape):
        return None, report(
            exercise, False, f"{what} returned shape {array.shape}; expected {tuple(shape)}."
        )
    if not np.all(np.isfinite(array)):
        return None, report(exercise, False, f"{what} returned NaN or inf values.")
    return array, None
