"""Figures for forecasting a real series (notebook 17): the series and its split, forecasts
against the truth over the test period, and the error by step ahead.

    plot_series_split(dates, values, (n_train, n_validation))
    plot_forecasts(dates, truth, {"GRU": forecast, "seasonal naive": baseline})
    plot_horizon_errors({"GRU": mae_per_step, "Holt-Winters": other})

All take NumPy arrays (dates as datetime64 or plain numbers) and return the matplotlib Figure.
"""

import matplotlib.pyplot as plt
import numpy as np

from course_utils import validation

__all__ = ["plot_forecasts", "plot_horizon_errors", "plot_series_split"]


def _line(value, name, length=None):
    values = np.asarray(value)
    if values.ndim != 1 or (length is not None and values.size != length):
        expected = "a 1-D array" + ("" if length is None else f" of length {length}")
        validation.fail(name, expected, values)
    return values


def plot_series_split(dates, values, sizes, unit="", title=None, ax=None):
    """The whole series, coloured by part: train, validation, test (in time order).

    Args:
        dates: (time,) time stamps. values: (time,) the series.
        sizes: (n_train, n_validation); the test part is the rest.
        unit: y-axis label. title: optional title. ax: optional Axes.
    """
    values = _line(values, "values").astype(float)
    dates = _line(dates, "dates", values.size)
    n_train = validation.integer(sizes[0], "sizes[0]", minimum=1)
    n_validation = validation.integer(sizes[1], "sizes[1]", minimum=0)
    if n_train + n_validation >= values.size:
        validation.fail("sizes", f"parts that leave a test part of {values.size} steps", sizes)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.2))
    cuts = [0, n_train, n_train + n_validation, values.size]
    for (low, high), label, color in zip(
        zip(cuts[:-1], cuts[1:]), ("train", "validation", "test"), ("C0", "C1", "C3")
    ):
        ax.plot(dates[low:high], values[low:high], color=color, lw=1.0,
                label=f"{label} ({high - low} steps)")
    ax.set_ylabel(unit)
    ax.legend(loc="upper left", frameon=False)
    ax.set_title(title or "The series, split in time")
    ax.figure.tight_layout()
    return ax.figure


def plot_forecasts(dates, truth, forecasts, title=None, unit="", ax=None):
    """Forecasts against the truth over the same steps.

    Args:
        dates: (steps,) time stamps of the forecast steps. truth: (steps,) the real values.
        forecasts: dict name -> (steps,) forecast for those steps (e.g. one-step forecasts, or
            the k-th step of multi-step forecasts).
    """
    truth = _line(truth, "truth").astype(float)
    dates = _line(dates, "dates", truth.size)
    if not isinstance(forecasts, dict) or not forecasts:
        validation.fail("forecasts", "a non-empty dict name -> forecast", forecasts)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 3.6))
    ax.plot(dates, truth, color="black", lw=2.0, label="truth")
    for index, (name, forecast) in enumerate(forecasts.items()):
        forecast = _line(forecast, f"forecasts[{name!r}]", truth.size).astype(float)
        ax.plot(dates, forecast, lw=1.2, ls=("-", "--", ":", "-.")[index % 4],
                color=f"C{index}", label=name)
    ax.set_ylabel(unit)
    ax.legend(loc="upper left", frameon=False, ncol=2)
    ax.set_title(title or "Forecasts on the test period")
    ax.figure.tight_layout()
    return ax.figure


def plot_horizon_errors(errors, title=None, ylabel="MAE", ax=None):
    """Error against steps ahead, one line per model.

    Args:
        errors: dict name -> (horizon,) error of the k-th step ahead (k = 1 .. horizon).
    """
    if not isinstance(errors, dict) or not errors:
        validation.fail("errors", "a non-empty dict name -> error per step ahead", errors)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.4))
    for index, (name, error) in enumerate(errors.items()):
        error = _line(error, f"errors[{name!r}]").astype(float)
        ax.plot(np.arange(1, error.size + 1), error, marker="o", ms=3, color=f"C{index}",
                label=name)
    ax.set_xlabel("steps ahead")
    ax.set_ylabel(ylabel)
    ax.legend(frameon=False)
    ax.set_title(title or "Error by forecast step")
    ax.figure.tight_layout()
    return ax.figure
