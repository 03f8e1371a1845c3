"""Forecast errors and the baselines a practitioner tries first (notebook 17).

Every forecaster here answers the same question as the recurrent models of the notebook: for
each *origin* o (the index of the first step to predict) it sees `series[:o]` only and predicts
`series[o : o + horizon]`, so its forecasts are an array (origins, horizon) compared with
`forecast_targets(series, origins, horizon)`.

- `persistence_forecast`: the last value seen, repeated.
- `seasonal_naive_forecast`: the value one season (`period` steps) earlier.
- `holt_winters_forecast`: additive Holt-Winters (level, trend, season) fitted by statsmodels'
  `ExponentialSmoothing` on `series[:fit_end]` only; its smoothing recursion then runs on through
  the later steps with the fitted parameters frozen (no refitting on test data, like
  statsmodels' `append(refit=False)`), and at every origin it forecasts `horizon` steps from the
  state reached there: fixed parameters, rolling origins.

Metrics: `mae`, `rmse` and `mase`. MASE divides the MAE by the mean absolute error that the
seasonal naive forecast makes *in sample on the training part*, mean |y[t] - y[t - period]| over
the training steps: MASE < 1 beats that yardstick, and the scale is the same for every model and
horizon (Hyndman & Koehler, 2006).
"""

import numpy as np

from course_utils import validation

__all__ = [
    "forecast_targets",
    "holt_winters_forecast",
    "mae",
    "mase",
    "mase_scale",
    "persistence_forecast",
    "rmse",
    "seasonal_naive_forecast",
]


def _finite(value, name):
    values = validation.array(value, name, dtype_kind="if").astype(np.float64)
    if values.size == 0:
        validation.fail(name, "a non-empty array", values)
    if not np.all(np.isfinite(values)):
        index = np.argwhere(~np.isfinite(values))[0]
        where = int(index[0]) if index.size == 1 else tuple(int(i) for i in index)
        raise validation.ArgumentError(
            f"`{name}` must hold finite numbers, got {values[tuple(index)]} at index {where}"
        )
    return values


def _pair(y_true, y_pred):
    truth, prediction = _finite(y_true, "y_true"), _finite(y_pred, "y_pred")
    if truth.shape != prediction.shape:
        validation.fail("y_pred", f"of the shape of y_true {truth.shape}", prediction)
    return truth, prediction


def mae(y_true, y_pred):
    """Mean absolute error over all entries (arrays of the same shape)."""
    truth, prediction = _pair(y_true, y_pred)
    return float(np.mean(np.abs(truth - prediction)))


def rmse(y_true, y_pred):
    """Root mean squared error over all entries (arrays of the same shape)."""
    truth, prediction = _pair(y_true, y_pred)
    return float(np.sqrt(np.mean((truth - prediction) ** 2)))


def mase_scale(train, period):
    """Mean |train[t] - train[t - period]| over the training part: the in-sample seasonal-naive
    error that MASE divides by (period 1 gives the persistence error)."""
    values = _finite(train, "train")
    if values.ndim != 1:
        validation.fail("train", "a 1-D series", values)
    period = validation.integer(period, "period", minimum=1)
    if values.size <= period:
        validation.fail("train", f"longer than period = {period}", values)
    scale = float(np.mean(np.abs(values[period:] - values[:-period])))
    if scale == 0.0:
        validation.fail("train", "a series that changes over a period (scale 0)", values)
    return scale


def mase(y_true, y_pred, train, period):
    """Mean absolute scaled error: `mae(y_true, y_pred) / mase_scale(train, period)`."""
    return mae(y_true, y_pred) / mase_scale(train, period)


def _origins(series, origins, horizon, first):
    values = _finite(series, "series")
    if values.ndim != 1:
        validation.fail("series", "a 1-D series", values)
    horizon = validation.integer(horizon, "horizon", minimum=1)
    starts = validation.array(origins, "origins", rank=1, dtype_kind="i").astype(np.int64)
    if starts.size == 0:
        validation.fail("origins", "at least one origin", starts)
    low, high = first, values.size - horizon
    outside = (starts < low) | (starts > high)
    if np.any(outside):
        bad = int(starts[np.argmax(outside)])
        validation.fail(
            "origins", f"indices in [{low}, {high}] (history before, horizon inside)", bad
        )
    return values, starts, horizon


def forecast_targets(series, origins, horizon):
    """The truth for each origin: `series[o : o + horizon]`, shape (origins, horizon)."""
    values, starts, horizon = _origins(series, origins, horizon, 0)
    return values[starts[:, None] + np.arange(horizon)[None, :]]


def persistence_forecast(series, origins, horizon=1):
    """The last value seen, `series[o - 1]`, for every step ahead: shape (origins, horizon)."""
    values, starts, horizon = _origins(series, origins, horizon, 1)
    return np.repeat(values[starts - 1][:, None], horizon, axis=1)


def seasonal_naive_forecast(series, origins, horizon, period):
    """The value of the same season in the last period seen: step k ahead (k = 0, 1, ...) from
    origin o is `series[o - period + k % period]`; shape (origins, horizon)."""
    period = validation.integer(period, "period", minimum=1)
    values, starts, horizon = _origins(series, origins, horizon, period)
    steps = np.arange(horizon) % period
    return values[starts[:, None] - period + steps[None, :]]


def holt_winters_forecast(series, fit_end, origins, horizon, period, return_model=False):
    """Additive Holt-Winters fitted on `series[:fit_end]`, forecasting from every origin.

    The parameters (smoothing weights and initial states) are estimated by statsmodels'
    `ExponentialSmoothing(trend="add", seasonal="add", seasonal_periods=period)` on the first
    `fit_end` steps only. The same recursion then filters the later steps with those parameters
    frozen, so the forecast from origin o uses `series[:o]` and no refitting::

        level_t  = a (y_t - season_{t-m}) + (1 - a)(level_{t-1} + trend_{t-1})
        trend_t  = b (level_t - level_{t-1}) + (1 - b) trend_{t-1}
        season_t = g (y_t - level_{t-1} - trend_{t-1}) + (1 - g) season_{t-m}
        forecast of y_{o+k} = level_{o-1} + (k + 1) trend_{o-1} + season_{o-1+k+1-m(j+1)}

    (k = 0, 1, ...; j = k // m). From origin `fit_end` it equals statsmodels' own `forecast`.

    Args:
        series: the whole series (time,), no NaNs.
        fit_end: steps used to fit, at least two periods.
        origins: first predicted index of each forecast, each >= fit_end... or earlier (in-sample).
        horizon: steps per forecast.
        period: season length m.
        return_model: also return the statsmodels results object.

    Returns:
        forecasts (origins, horizon), and the fitted results when `return_model`.
    """
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    period = validation.integer(period, "period", minimum=2)
    values, starts, horizon = _origins(series, origins, horizon, 1)
    fit_end = validation.integer(fit_end, "fit_end", minimum=2 * period, maximum=values.size)
    model = ExponentialSmoothing(
        values[:fit_end], trend="add", seasonal="add", seasonal_periods=period,
        initialization_method="estimated",
    )
    fitted = model.fit()
    params = fitted.params
    alpha, beta = params["smoothing_level"], params["smoothing_trend"]
    gamma = params["smoothing_seasonal"]
    level, trend = params["initial_level"], params["initial_trend"]
    seasons = list(np.asarray(params["initial_seasons"], dtype=np.float64))  # s_{-m} .. s_{-1}
    states = []  # (level, trend, last m seasons) after observing y_0 .. y_t
    for y in values[: int(starts.max())]:
        previous_level, previous_trend, season = level, trend, seasons[-period]
        level = alpha * (y - season) + (1 - alpha) * (previous_level + previous_trend)
        trend = beta * (level - previous_level) + (1 - beta) * previous_trend
        seasons.append(gamma * (y - previous_level - previous_trend) + (1 - gamma) * season)
        seasons = seasons[-period:]
        states.append((level, trend, np.array(seasons)))
    steps = np.arange(horizon)
    forecasts = np.empty((starts.size, horizon))
    for row, origin in enumerate(starts):
        level, trend, seasons = states[origin - 1]
        forecasts[row] = level + (steps + 1) * trend + seasons[steps % period]
    return (forecasts, fitted) if return_model else forecasts
