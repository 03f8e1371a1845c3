"""Checks for forecasting a real series (notebook 17): counting windows, writing MASE, spotting
the leaks of a forecasting pipeline.

    window_count(answer, length=100, window=24, horizon=12)
    mase(my_mase)                         # my_mase(y_true, y_pred, train, period) -> float
    leaky_steps(answer)                   # a set of letters of LEAKY_STEPS

A function exercise is called on hidden random series (several lengths and periods) and compared
with a reference computed here; a wrong answer gets a hint about what is off, never the value.
"""

import math

import numpy as np

from course_utils.check.core import integer_answer, report
from course_utils.check.core import run_student_function as _run, student_array as _array

__all__ = ["LEAKY_STEPS", "leaky_steps", "mase", "window_count"]

LEAKY_STEPS = {
    "A": "Fit the Standardizer on the whole series, then split it into train/validation/test.",
    "B": "Fit the Standardizer on the training part and apply it to all three parts.",
    "C": "Cut windows from the whole series, shuffle them, and take a random 15% as the test set.",
    "D": "Shuffle the order of the training windows in every epoch.",
    "E": "Train for as many epochs as give the lowest error on the test period.",
    "F": "Let the first test windows take their inputs from the last steps of the validation part.",
}
_LEAK_HINTS = {
    "A": "does any number computed here depend on values from the test period?",
    "B": "which values were used to compute the mean and the spread?",
    "C": "a test window and a training window can overlap: could a test target be a training "
    "input?",
    "D": "every window shuffled here lies inside the training part; what crosses the split?",
    "E": "which data chose this setting, and is that data then still unseen?",
    "F": "at forecast time, are those past values known? Are any future values used?",
}
_LEAKY = frozenset({"A", "C", "E"})


def window_count(answer, length=100, window=24, horizon=12):
    """How many (input, target) pairs of `window` inputs and the next `horizon` targets fit,
    whole, in a series of `length` steps (a new window starting at every step)?"""
    exercise = "window_count"
    failure = integer_answer(exercise, answer)
    if failure is not None:
        return failure
    expected = max(length - window - horizon + 1, 0)
    if answer == expected:
        return report(exercise, True, "every start from the first until the target hits the end.")
    if answer == length - window + 1:
        hint = "that counts the input windows; the target of the last ones runs past the end."
    elif answer == length - window - horizon:
        hint = "one short: the first window starts at index 0, count both ends."
    elif answer == length - window:
        hint = "that fits one-step targets; the horizon needs more room at the end."
    elif answer == length // (window + horizon):
        hint = "windows overlap here: a new one starts at every step, not after the last ended."
    elif answer > expected:
        hint = "too many: the last window's target must end at the last step of the series."
    else:
        hint = "too few: write the first and the last start index, then count."
    return report(exercise, False, hint)


def _reference(y_true, y_pred, train, period):
    scale = np.mean(np.abs(train[period:] - train[:-period]))
    return np.mean(np.abs(y_true - y_pred)) / scale


def mase(fn):
    """`fn(y_true, y_pred, train, period)` must return the MASE: the test MAE divided by the mean
    absolute error of the seasonal naive forecast in sample on the training part."""
    exercise = "mase"
    rng = np.random.default_rng(1701)
    for size, test, period in ((60, 12, 12), (40, 7, 4), (30, 5, 1)):
        steps = np.arange(size + test)
        series = np.sin(2 * np.pi * steps / max(period, 2)) * 3 + 0.05 * steps
        series = series + rng.normal(0.0, 0.5, size=steps.size)
        train, y_true = series[:size], series[size:]
        y_pred = y_true + rng.normal(0.0, 0.7, size=test)
        value, failed = _run(exercise, fn, y_true.copy(), y_pred.copy(), train.copy(), period)
        if failed is not None:
            return failed
        result, failed = _array(exercise, value, ())
        if failed is not None:
            return failed
        expected = _reference(y_true, y_pred, train, period)
        if math.isclose(float(result), expected, rel_tol=1e-6):
            continue
        both = np.concatenate([train, y_true])
        tail = np.concatenate([train[-period:], y_true])
        hints = [
            (np.mean(np.abs(y_true - y_pred)), "that is the MAE; divide it by the training scale."),
            (
                np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(np.diff(train))),
                "you scaled by the one-step (persistence) error: use the lag `period`.",
            ),
            (
                np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(tail[period:] - tail[:-period])),
                "you scaled by the naive error on the test period: the scale must come from "
                "the training part only.",
            ),
            (
                np.mean(np.abs(y_true - y_pred)) / np.mean(np.abs(both[period:] - both[:-period])),
                "your scale uses the test values too: compute it on the training part only.",
            ),
            (
                np.sqrt(np.mean((y_true - y_pred) ** 2))
                / np.mean(np.abs(train[period:] - train[:-period])),
                "the numerator is an RMSE; MASE scales the mean *absolute* error.",
            ),
            (1.0 / expected, "the ratio is upside down."),
        ]
        message = next(
            (text for ref, text in hints if math.isclose(float(result), ref, rel_tol=1e-6)),
            "the value differs from the MAE over the training seasonal-naive error.",
        )
        return report(exercise, False, message)
    return report(exercise, True, "MASE < 1 now means: better than the seasonal naive yardstick.")


def leaky_steps(answer):
    """Which steps of `LEAKY_STEPS` let information from the test period into the model or into
    its choice? Answer with a set of letters."""
    exercise = "leaky_steps"
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return report(
            exercise, False,
            f"answer with a set of letters such as {{'A', 'B'}}, got {answer!r:.40}",
        )
    chosen = {str(letter).strip().upper() for letter in answer}
    unknown = sorted(chosen - set(LEAKY_STEPS))
    if unknown:
        return report(
            exercise, False, f"{unknown} are not steps; choose from {sorted(LEAKY_STEPS)}"
        )
    if chosen == _LEAKY:
        return report(exercise, True, "exactly the leaky steps.")
    # The same message for every wrong set, so that trying sets does not reveal the key.
    questions = "\n".join(f"  {letter}: {_LEAK_HINTS[letter]}" for letter in sorted(LEAKY_STEPS))
    return report(exercise, False, f"some steps are misjudged. Ask of each one:\n{questions}")
