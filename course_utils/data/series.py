"""A real time series for forecasting (notebook 17): loading, checking, splitting in time, windows.

The series come from the data sets that statsmodels ships inside its package (offline, no
download): `statsmodels.api.datasets.co2` (weekly CO2 at Mauna Loa, 1958-2001, public domain)
and `statsmodels.api.datasets.sunspots` (yearly sunspot numbers, 1700-2008).

    series = load_series("co2")                  # monthly means, 526 points, period 12
    train, validation, test = time_split(series.values, 0.7, 0.15)
    scaler = Standardizer().fit(train)           # statistics of the training part only
    x, y = make_windows(scaler.transform(train), window=24, horizon=1)

Nothing here shuffles: every split keeps time order, and `make_windows` returns the windows in
the order of their last input step. A series with NaNs or with irregular time stamps is refused
by `check_series` (and so by `time_split` and `make_windows`) with the position of the first
problem: fill or resample it first.
"""

import dataclasses

import numpy as np

from course_utils import validation as checks

__all__ = [
    "SERIES",
    "Series",
    "Standardizer",
    "check_series",
    "load_series",
    "make_windows",
    "time_split",
    "window_count",
]

# name -> (statsmodels data set, period of the seasonality in steps, what the loader does)
SERIES = {
    "co2": ("co2", 12, "weekly values averaged per calendar month; empty months interpolated"),
    "co2_weekly": ("co2", 52, "the weekly values as shipped, gaps (NaN) included"),
    "sunspots": ("sunspots", 11, "yearly values as shipped (the cycle is about 11 years)"),
}


@dataclasses.dataclass(frozen=True)
class Series:
    """One loaded series.

    Attributes:
        values: float64 array (time,), in time order.
        dates: NumPy datetime64 array (time,), the time stamp of every value.
        name: the name given to `load_series`.
        period: season length in steps (12 for monthly CO2).
        unit: what the values measure.
        source: where the numbers come from and under which terms (from statsmodels' metadata).
        filled: how many steps the loader filled by interpolation (0 if none).
        note: what the loader did to the shipped data.
    """

    values: np.ndarray
    dates: np.ndarray
    name: str
    period: int
    unit: str
    source: str
    filled: int
    note: str

    def __len__(self):
        return len(self.values)


def load_series(name="co2"):
    """Load one of the real series of `SERIES` from the data statsmodels ships (offline).

    Args:
        name: "co2" (monthly means of the weekly Mauna Loa CO2 values, March 1958 to
            December 2001, 526 points, period 12; the 5 months without any weekly value are
            filled by linear interpolation and counted in `filled`), "co2_weekly" (the 2284
            weekly values as shipped, with 59 NaN gaps: `check_series` refuses it until it is
            filled), or "sunspots" (309 yearly values, 1700-2008).

    Returns:
        A `Series`.
    """
    checks.one_of(name, "name", tuple(SERIES))
    import statsmodels.api as sm  # imported here: statsmodels is slow to import

    dataset_name, period, note = SERIES[name]
    module = getattr(sm.datasets, dataset_name)
    frame = module.load_pandas().data
    source = " ".join(f"{module.SOURCE.strip()} Licence: {module.COPYRIGHT.strip()}".split())
    filled = 0
    if dataset_name == "co2":
        column = frame["co2"]
        unit = "CO2 mole fraction, ppm"
        if name == "co2":
            column = column.resample("MS").mean()
            filled = int(column.isna().sum())
            column = column.interpolate(method="time")
        values = column.to_numpy(dtype=np.float64)
        dates = column.index.to_numpy().astype("datetime64[D]")
    else:
        unit = "yearly mean sunspot number"
        values = frame["SUNACTIVITY"].to_numpy(dtype=np.float64)
        years = frame["YEAR"].to_numpy().astype(int)
        dates = np.array([f"{year:04d}-01-01" for year in years], dtype="datetime64[D]")
    return Series(values, dates, name, period, unit, source, filled, note)


def _values(series, name):
    values = checks.array(series, name, rank=1, dtype_kind="if").astype(np.float64)
    if values.size == 0:
        checks.fail(name, "a non-empty series", values)
    return values


def check_series(series, dates=None, name="series"):
    """`series` as a float64 array, if it has no NaN/inf and (with `dates`) regular time stamps.

    Raises:
        ValueError naming `name` and the position (and date) of the first missing value, or of
        the first step whose spacing differs from the others (a gap): fill or resample first.
    """
    values = _values(series, name)
    bad = np.flatnonzero(~np.isfinite(values))
    where = ""
    if bad.size:
        if dates is not None and len(dates) == len(values):
            where = f" (date {np.asarray(dates)[bad[0]]})"
        raise checks.ArgumentError(
            f"`{name}` must have no missing values, got {bad.size} NaN/inf, the first at index "
            f"{bad[0]}{where}: fill them (e.g. interpolate) or resample the series first"
        )
    if dates is None:
        return values
    stamps = np.asarray(dates)
    if stamps.shape != values.shape:
        checks.fail("dates", f"one time stamp per value ({values.size})", stamps)
    if stamps.dtype.kind != "M":
        checks.fail("dates", "an array of datetime64 time stamps", stamps)
    if stamps.size > 2:
        monthly = stamps.astype("datetime64[M]")
        if np.all(stamps == monthly.astype(stamps.dtype)):  # first of the month: count months
            steps = np.diff(monthly.astype(np.int64))
        else:
            steps = np.diff(stamps.astype("datetime64[D]").astype(np.int64))
        spacings, counts = np.unique(steps, return_counts=True)
        usual = spacings[np.argmax(counts)]  # the most common spacing (the smallest on a tie)
        irregular = np.flatnonzero(steps != usual)
        if irregular.size:
            index = irregular[0] + 1
            raise checks.ArgumentError(
                f"`{name}` must have regular time stamps, got a gap of {steps[index - 1]} "
                f"instead of {usual} before index {index} (date {stamps[index]}): "
                "resample the series to a regular grid and fill the gaps first"
            )
    return values


def time_split(values, train, validation):
    """Cut a series into (train, validation, test) in time order, without shuffling.

    Args:
        values: the series, shape (time,), no NaNs.
        train: share of the steps for training, in (0, 1).
        validation: share for validation, in [0, 1); the test part gets the rest, which
            must be at least one step.

    Returns:
        (train, validation, test) arrays; their concatenation is `values`.
    """
    values = check_series(values, name="values")
    train = checks.fraction(train, "train")
    validation = checks.rate(validation, "validation")
    if train + validation >= 1.0:
        checks.fail(
            "validation", f"less than 1 - train = {1 - train:g} so that a test part is left",
            validation,
        )
    n_train = int(round(train * values.size))
    n_validation = int(round(validation * values.size))
    if n_train < 1 or n_train + n_validation >= values.size:
        checks.fail("values", "long enough for a train and a test part", values)
    return (
        values[:n_train],
        values[n_train:n_train + n_validation],
        values[n_train + n_validation:],
    )


def window_count(length, window, horizon=1):
    """How many (input, target) pairs `make_windows` cuts from a series of `length` steps."""
    length = checks.integer(length, "length", minimum=1)
    window = checks.integer(window, "window", minimum=1)
    horizon = checks.integer(horizon, "horizon", minimum=1)
    return max(length - window - horizon + 1, 0)


def make_windows(series, window, horizon=1, start=0):
    """Cut overlapping (input, target) windows from a series, in time order.

    Window i holds `series[i : i + window]` as input and the next `horizon` values
    `series[i + window : i + window + horizon]` as target, for every i with the whole target
    inside the series: `length - window - horizon + 1` windows.

    Args:
        series: shape (time,), no NaNs.
        window: input steps, >= 1 and shorter than the series.
        horizon: steps ahead to predict (1: one-step; > 1: multi-step targets), >= 1.
        start: keep only windows whose first target step is at index >= start (to forecast a
            test part with inputs that reach back into the steps before it).

    Returns:
        (inputs, targets): float32 arrays of shape (windows, window, 1) and (windows, horizon).
    """
    values = check_series(series, name="series")
    window = checks.integer(window, "window", minimum=1)
    horizon = checks.integer(horizon, "horizon", minimum=1)
    start = checks.integer(start, "start", minimum=0)
    if window + horizon > values.size:
        checks.fail(
            "window",
            f"at most len(series) - horizon = {values.size - horizon} "
            f"(the series has {values.size} steps, horizon {horizon})",
            window,
        )
    count = values.size - window - horizon + 1
    index = np.arange(window + horizon)[None, :] + np.arange(count)[:, None]
    pieces = values[index]
    first_target = np.arange(count) + window
    keep = first_target >= start
    inputs = pieces[keep, :window, None].astype(np.float32)
    targets = pieces[keep, window:].astype(np.float32)
    return inputs, targets


class Standardizer:
    """Subtract a mean and divide by a standard deviation, both measured by `fit`.

    Fit it on the training part only: statistics of the whole series carry information about
    the test period (its level, here the rise of CO2) into the model's inputs.
    """

    def __init__(self):
        self.mean = None
        self.std = None

    def fit(self, values):
        values = check_series(values, name="values")
        if values.size < 2:
            checks.fail("values", "at least 2 values to measure a spread", values)
        std = float(np.std(values))
        if std == 0.0:
            checks.fail("values", "values that are not all equal (std 0)", values)
        self.mean, self.std = float(np.mean(values)), std
        return self

    def _fitted(self):
        if self.mean is None:
            raise checks.ArgumentError("`Standardizer` must be fitted first: call fit(train)")

    def transform(self, values):
        self._fitted()
        return (np.asarray(values, dtype=np.float64) - self.mean) / self.std

    def inverse_transform(self, values):
        self._fitted()
        return np.asarray(values, dtype=np.float64) * self.std + self.mean

    def __repr__(self):
        if self.mean is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(mean={self.mean:.4g}, std={self.std:.4g})"
