"""
=======================================================
Prediction intervals: conformal forecasts with MAPIE
=======================================================

A point forecast does not say how far off it may be. Conformal prediction
turns any regressor into one that gives an interval, from the errors the
fitted model makes on data it was not trained on: with a confidence level
of 90 %, about 90 % of new targets fall in their intervals, whatever the
model, provided the new errors are like the measured ones.
`MAPIE <https://mapie.readthedocs.io>`_ implements it for any
scikit-learn regressor, and :class:`~sklearn_rnn.RNNRegressor` is one:
MAPIE passes the sequences to the regressor as they are.

As in :ref:`sphx_glr_auto_examples_plot_airline_regression.py`, the task
is to forecast each month of the airline passenger series
(:func:`~sklearn_rnn.datasets.load_airline`) from the 24 months before it;
here each forecast of 1959 and 1960 comes with a 90 % interval. MAPIE is
an optional dependency: ``pip install mapie``.
"""

# %%
# The data
# --------
# The network reads windows of 24 month-to-month changes of log passengers
# (the seasonal swing grows with the series, its log does not) and predicts
# the next change. The windows with targets up to 1958 are for development,
# 1959 and 1960 are the test years.
import matplotlib.pyplot as plt
import numpy as np
from mapie.regression import CrossConformalRegressor, SplitConformalRegressor
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.metrics import mean_absolute_percentage_error
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNRegressor, SequenceScaler
from sklearn_rnn.datasets import load_airline

data = load_airline()
log_passengers = np.log(data.passengers)
change = np.diff(log_passengers)  # change[t]: from month t to month t + 1

window = 24
X = sliding_window_view(change[:-1], window)[:, :, np.newaxis]  # (119, 24, 1)
y = change[window:]  # the change that follows each window
target_months = data.months[window + 1 :]

test = target_months >= np.datetime64("1959-01")
conformalize = ~test & (target_months >= np.datetime64("1957-01"))
train = ~test & ~conformalize
print(
    f"{train.sum()} training windows, {conformalize.sum()} to conformalize "
    f"(1957-1958), {test.sum()} test windows (1959-1960)"
)


def make_model():
    return make_pipeline(
        SequenceScaler(),
        RNNRegressor(early_stopping=True, random_state=0),
    )


# %%
# Split conformal
# ---------------
# :class:`mapie.regression.SplitConformalRegressor` fits the model on the
# windows up to 1956, measures its absolute errors on 1957 and 1958 (the
# conformalization set), and widens every forecast by the error that 90 %
# of those stay under. The conformalization years come after the training
# years and just before the test years: the errors it measures are those of
# forecasting ahead, the case of the test years.
split = SplitConformalRegressor(make_model(), confidence_level=0.9, prefit=False)
split.fit(X[train], y[train])
split.conformalize(X[conformalize], y[conformalize])
split_forecast, split_intervals = split.predict_interval(X[test])

# %%
# Cross conformal
# ---------------
# Split conformal trains on fewer years and rests its quantile on the
# errors of 24 months. :class:`mapie.regression.CrossConformalRegressor`
# uses every development window for both: 4 models, each trained without
# one block of two years (``KFold`` without shuffling keeps each block
# contiguous), give every window an error from a model that did not see it,
# and the "plus" method combines these errors with the 4 models' forecasts
# (the point forecast is their mean).
cross = CrossConformalRegressor(
    make_model(), confidence_level=0.9, cv=KFold(n_splits=4), random_state=0
)
cross.fit_conformalize(X[~test], y[~test])
cross_forecast, cross_intervals = cross.predict_interval(X[test])


# %%
# Coverage and width on the test years
# ------------------------------------
# The forecasts and interval bounds are log changes from the last observed
# month; the exponential turns them into passengers (it is increasing, so a
# month is in its interval on either scale). Over 24 test months the
# measured coverage moves in steps of about 4 points, and a series is not
# the exchangeable data of conformal prediction's guarantee (the errors of
# 1959 need not be like those of earlier years): the test years are a
# check, not a proof.
def to_passengers(predicted_change):
    return np.exp(log_passengers[window:-1][test] + predicted_change)


actual = data.passengers[window + 1 :][test]
results = {
    "split conformal": (split_forecast, split_intervals[:, :, 0]),
    "cross conformal (CV+)": (cross_forecast, cross_intervals[:, :, 0]),
}
bands = {}
for name, (forecast, intervals) in results.items():
    low, high = to_passengers(intervals[:, 0]), to_passengers(intervals[:, 1])
    bands[name] = to_passengers(forecast), low, high
    inside = (low <= actual) & (actual <= high)
    mape = mean_absolute_percentage_error(actual, bands[name][0])
    print(
        f"{name:>21}: coverage {inside.mean():.2f} ({inside.sum()} of "
        f"{len(actual)} months), mean width {np.mean(high - low):.1f} "
        f"thousand passengers, forecast MAPE {mape:.3f}"
    )

# %%
# An interval is as wide as the errors that were measured were large:
# split conformal measures one model's errors on the two years just before
# the test years, cross conformal those of 4 models on blocks they did not
# see, earlier years included; compare the widths above with the MAPEs of
# the forecasts. Split conformal's intervals all have the same half-width
# on the log scale; in passengers they grow with the series, a log change
# of the same size being more passengers in a busier month.
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
recent = data.months >= np.datetime64("1956-01")
months = target_months[test].astype("O")
for ax, (name, (forecast, low, high)) in zip(axes, bands.items(), strict=True):
    ax.plot(
        data.months[recent].astype("O"),
        data.passengers[recent],
        color="black",
        label="observed",
    )
    ax.fill_between(months, low, high, alpha=0.3, label="90 % interval")
    ax.plot(months, forecast, marker=".", label="forecast")
    ax.axvline(np.datetime64("1959-01").astype("O"), color="grey", linestyle=":")
    ax.set(title=name)
    ax.tick_params(axis="x", labelrotation=30)
axes[0].set(ylabel="passengers (thousands)")
axes[0].legend(loc="upper left")
fig.suptitle("One-month-ahead forecasts with conformal intervals")
fig.tight_layout()
plt.show()
