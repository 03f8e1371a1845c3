"""Tests of notebook 17's forecasting code: the series loader and its checks, time splits,
windows, the Standardizer, the metrics against hand computations, and the baselines."""

import numpy as np
import pytest

from course_utils.analysis import forecasting as fc
from course_utils.data import series as sr


def seasonal_series(length=240, period=12, seed=0):
    rng = np.random.default_rng(seed)
    steps = np.arange(length)
    return 10 + 0.05 * steps + 3 * np.sin(2 * np.pi * steps / period) + rng.normal(0, 0.2, length)


# -- data ---------------------------------------------------------------------------------------
def test_load_co2_monthly_is_regular_and_complete():
    series = sr.load_series("co2")
    assert len(series) == 526 and series.period == 12 and series.filled == 5
    assert series.dates[0] == np.datetime64("1958-03-01") and np.all(np.isfinite(series.values))
    assert "public domain" in series.source
    sr.check_series(series.values, series.dates)  # no error


def test_weekly_co2_with_gaps_is_refused_with_its_position():
    weekly = sr.load_series("co2_weekly")
    with pytest.raises(ValueError, match=r"`weekly` must have no missing values.*index 6.*fill"):
        sr.check_series(weekly.values, weekly.dates, name="weekly")


def test_irregular_time_stamps_are_refused():
    series = sr.load_series("co2")
    values, dates = np.delete(series.values, 10), np.delete(series.dates, 10)
    with pytest.raises(ValueError, match=r"regular time stamps.*index 10.*resample"):
        sr.check_series(values, dates)
    days = np.array(["2000-01-01", "2000-01-08", "2000-01-22", "2000-01-29"], dtype="datetime64[D]")
    with pytest.raises(ValueError, match="gap of 14 instead of 7 before index 2 .date 2000-01-22"):
        sr.check_series(np.ones(4), days)


def test_sunspots_and_unknown_name():
    assert len(sr.load_series("sunspots")) == 309
    with pytest.raises(ValueError, match="`name` must be one of"):
        sr.load_series("airline")


def test_time_split_keeps_order_and_sizes():
    values = np.arange(100.0)
    train, validation, test = sr.time_split(values, 0.7, 0.15)
    assert (len(train), len(validation), len(test)) == (70, 15, 15)
    np.testing.assert_array_equal(np.concatenate([train, validation, test]), values)


@pytest.mark.parametrize(
    "train, validation, match",
    [(0.0, 0.1, "`train`"), (1.2, 0.1, "`train`"), (0.7, -0.1, "`validation`"),
     (0.7, 0.3, "`validation` must be less than")],
)
def test_time_split_bad_fractions(train, validation, match):
    with pytest.raises(ValueError, match=match):
        sr.time_split(np.arange(100.0), train, validation)


def test_time_split_refuses_nan():
    values = np.arange(20.0)
    values[7] = np.nan
    with pytest.raises(ValueError, match="`values` must have no missing values.*index 7"):
        sr.time_split(values, 0.5, 0.2)


def test_make_windows_one_step_and_multi_step():
    values = np.arange(10.0)
    x, y = sr.make_windows(values, window=3, horizon=1)
    assert x.shape == (7, 3, 1) and y.shape == (7, 1)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(y[:, 0], np.arange(3, 10))
    x, y = sr.make_windows(values, window=3, horizon=4)
    assert x.shape == (4, 3, 1) and len(x) == sr.window_count(10, 3, 4)
    np.testing.assert_array_equal(y[-1], [6, 7, 8, 9])
    x, y = sr.make_windows(values, window=3, horizon=2, start=7)  # first target at index >= 7
    np.testing.assert_array_equal(y, [[7, 8], [8, 9]])


@pytest.mark.parametrize(
    "window, horizon, match",
    [(0, 1, "`window` must be an integer >= 1, got 0"), (3, 0, "`horizon` must be an integer >= 1"),
     (-2, 1, "got -2"), (10, 1, "`window` must be at most len\\(series\\) - horizon = 9"),
     (8, 3, "got 8")],
)
def test_make_windows_bad_sizes(window, horizon, match):
    with pytest.raises(ValueError, match=match):
        sr.make_windows(np.arange(10.0), window, horizon)


def test_make_windows_refuses_nan():
    values = np.arange(10.0)
    values[4] = np.nan
    with pytest.raises(ValueError, match="`series` must have no missing values.*index 4"):
        sr.make_windows(values, 3, 1)


def test_standardizer_uses_the_training_part_only():
    values = np.concatenate([np.arange(10.0), 100 + np.arange(5.0)])
    train = values[:10]
    scaler = sr.Standardizer().fit(train)
    assert scaler.mean == pytest.approx(4.5) and scaler.std == pytest.approx(np.std(train))
    scaled = scaler.transform(values)
    assert scaled[:10].mean() == pytest.approx(0.0) and scaled[:10].std() == pytest.approx(1.0)
    assert scaled[10:].min() > 10  # the test part keeps its distance from the training part
    np.testing.assert_allclose(scaler.inverse_transform(scaled), values)
    with pytest.raises(ValueError, match="fitted first"):
        sr.Standardizer().transform(values)
    with pytest.raises(ValueError, match="std 0"):
        sr.Standardizer().fit(np.ones(5))


# -- metrics ------------------------------------------------------------------------------------
def test_metrics_against_hand_computation():
    y_true, y_pred = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert fc.mae(y_true, y_pred) == pytest.approx(4 / 3)
    assert fc.rmse(y_true, y_pred) == pytest.approx(np.sqrt(10 / 3))
    train = np.array([0.0, 1.0, 3.0, 2.0, 5.0])  # lag-2 differences 3, 1, 2: scale 2
    assert fc.mase_scale(train, 2) == pytest.approx(2.0)
    assert fc.mase(y_true, y_pred, train, 2) == pytest.approx((4 / 3) / 2)
    assert fc.mase_scale(train, 1) == pytest.approx((1 + 2 + 1 + 3) / 4)


@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [([1.0, 2.0], [1.0], "`y_pred` must be of the shape of y_true"),
     ([], [], "`y_true` must be a non-empty array"),
     ([1.0, np.nan], [1.0, 2.0], "`y_true` must hold finite numbers, got nan at index 1"),
     ([1.0, 2.0], [np.inf, 2.0], "`y_pred` must hold finite numbers, got inf at index 0")],
)
def test_metrics_bad_inputs(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        fc.mae(y_true, y_pred)


def test_mase_scale_bad_inputs():
    with pytest.raises(ValueError, match="`train` must be longer than period = 12"):
        fc.mase_scale(np.arange(5.0), 12)
    with pytest.raises(ValueError, match="`period` must be an integer >= 1"):
        fc.mase_scale(np.arange(5.0), 0)
    with pytest.raises(ValueError, match="scale 0"):
        fc.mase_scale(np.ones(5), 1)


# -- forecasters --------------------------------------------------------------------------------
def test_naive_forecasts_by_hand():
    values = np.arange(20.0) ** 2
    origins = np.array([12, 15])
    np.testing.assert_array_equal(
        fc.persistence_forecast(values, origins, 3), [[121] * 3, [196] * 3]
    )
    np.testing.assert_array_equal(
        fc.seasonal_naive_forecast(values, origins, 3, period=4), [[64, 81, 100], [121, 144, 169]]
    )
    # beyond one period the season repeats: step 4 of period 3 is the value 3 steps before origin
    np.testing.assert_array_equal(
        fc.seasonal_naive_forecast(values, [10], 4, 3)[0], [49, 64, 81, 49]
    )
    np.testing.assert_array_equal(fc.forecast_targets(values, origins, 2), [[144, 169], [225, 256]])


def test_forecast_origins_must_leave_history_and_horizon():
    values = np.arange(20.0)
    with pytest.raises(ValueError, match="`origins` must be indices in \\[4, 17\\].*got 18"):
        fc.seasonal_naive_forecast(values, [10, 18], 3, period=4)
    with pytest.raises(ValueError, match="`origins` must be indices in \\[1, 19\\].*got 0"):
        fc.persistence_forecast(values, [0], 1)
    with pytest.raises(ValueError, match="`origins` must be at least one origin"):
        fc.persistence_forecast(values, np.array([], dtype=int), 1)


def test_holt_winters_matches_statsmodels_and_beats_persistence():
    values = seasonal_series()
    fit_end, period, horizon = 180, 12, 12
    origins = np.arange(fit_end, len(values) - horizon + 1)
    forecasts, fitted = fc.holt_winters_forecast(
        values, fit_end, origins, horizon, period, return_model=True
    )
    assert forecasts.shape == (len(origins), horizon)
    np.testing.assert_allclose(forecasts[0], fitted.forecast(horizon), rtol=1e-9, atol=1e-9)
    in_sample = fc.holt_winters_forecast(values, fit_end, np.arange(1, fit_end), 1, period)
    np.testing.assert_allclose(in_sample[:, 0], fitted.fittedvalues[1:], rtol=1e-9, atol=1e-9)
    truth = fc.forecast_targets(values, origins, horizon)
    train = values[:fit_end]
    hw = fc.mase(truth, forecasts, train, period)
    persistence = fc.mase(truth, fc.persistence_forecast(values, origins, horizon), train, period)
    seasonal = fc.mase(
        truth, fc.seasonal_naive_forecast(values, origins, horizon, period), train, period
    )
    assert hw < 0.5 * persistence and hw < seasonal


def test_holt_winters_does_not_look_at_the_future():
    values = seasonal_series()
    changed = values.copy()
    changed[200:] += 50.0  # a change after the origin must not move the forecast from it
    a = fc.holt_winters_forecast(values, 180, [200], 6, 12)
    b = fc.holt_winters_forecast(changed, 180, [200], 6, 12)
    np.testing.assert_allclose(a, b)


def test_holt_winters_bad_fit_end():
    with pytest.raises(ValueError, match="`fit_end` must be an integer in \\[24, 240\\]"):
        fc.holt_winters_forecast(seasonal_series(), 10, [100], 1, 12)


# -- figures ------------------------------------------------------------------------------------
def test_figures_draw_and_check_their_inputs():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from course_utils.plotting import forecasting as plots

    values = seasonal_series(60)
    steps = np.arange(60)
    figure = plots.plot_series_split(steps, values, (40, 10))
    assert len(figure.axes[0].lines) == 3
    figure = plots.plot_forecasts(steps[50:], values[50:], {"naive": values[49:59]})
    assert len(figure.axes[0].lines) == 2
    figure = plots.plot_horizon_errors({"a": np.arange(1.0, 4.0), "b": np.ones(3)})
    assert len(figure.axes[0].lines) == 2
    plt.close("all")
    with pytest.raises(ValueError, match="`sizes` must be parts that leave a test part"):
        plots.plot_series_split(steps, values, (50, 10))
    with pytest.raises(ValueError, match="must be a 1-D array of length 10"):
        plots.plot_forecasts(steps[50:], values[50:], {"naive": values[:5]})
