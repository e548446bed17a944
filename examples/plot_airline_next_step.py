"""
=======================================================
Next-step prediction: every month forecasts the next
=======================================================

With ``return_sequences=True`` and ``bidirectional=False`` the output at
step t depends on steps 0 to t only, so a network trained with the target
of step t being the value at step t + 1 is a one-step-ahead forecaster at
*every* step: one pass over a series gives a forecast for each month.
This is how a language model reads text, on the airline passenger series
(:func:`~sklearn_rnn.datasets.load_airline`, monthly, 1949 to 1960).

The example :ref:`sphx_glr_auto_examples_plot_airline_regression.py`
solves the same forecasting problem the other way: one 24-month window per
target, one output per window. Here every 36-month window of the training
years gives 36 targets, one per month, and the test years are forecast by
one pass over the whole series.
"""

# %%
# The data
# --------
# The network reads month-to-month changes of log passengers (the seasonal
# swing grows with the series, its log does not) and the month of the year,
# and predicts the next change.
import matplotlib.pyplot as plt
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.metrics import mean_absolute_percentage_error

from sklearn_rnn import RNNRegressor
from sklearn_rnn.datasets import load_airline

data = load_airline()
log_passengers = np.log(data.passengers)
change = np.diff(log_passengers)  # change[t]: from month t to month t + 1
month = data.months[1:].astype("datetime64[M]").astype(int) % 12
steps = np.column_stack(
    [change, np.sin(2 * np.pi * month / 12), np.cos(2 * np.pi * month / 12)]
)
X_all, y_all = steps[:-1], change[1:]  # step t's target: the next change
target_months = data.months[2:]
test = target_months >= np.datetime64("1959-01")
n_train = int(np.argmax(test))

window = 36
X_train = sliding_window_view(X_all[:n_train], (window, 3))[:, 0]
y_train = sliding_window_view(y_all[:n_train], window)
print(f"{len(X_train)} training windows of {window} months, {window} targets each")

# %%
# Fit, and forecast every month in one pass
# -----------------------------------------
# y is a 2-D array, one target per step of each window (the first months of
# a window are forecast from little history, so the windows are longer
# than the windowed example's 24 months); ``early_stopping``
# holds out a quarter of the windows to pick the epoch. For the forecasts the
# network reads the whole series at once: the output at each month of 1959
# and 1960 is its forecast of the next month, made from the months before.
model = RNNRegressor(return_sequences=True, early_stopping=True, random_state=0)
model.fit(X_train, y_train)
forecast_change = model.predict(X_all[np.newaxis])[0][test]
print(f"trained {model.n_iter_} epochs")

# %%
# Compare
# -------
# As in the windowed example, the errors are mean absolute percentage
# errors of the one-month-ahead forecasts of 1959 and 1960, beside the
# seasonal naive forecast (this year's change is last year's).
last_observed = log_passengers[1:-1][test]
actual = data.passengers[2:][test]
seasonal_naive = change[:-12][-len(actual) :]
forecasts = {
    "seasonal naive": np.exp(last_observed + seasonal_naive),
    "RNN, one output per step": np.exp(last_observed + forecast_change),
}
for name, forecast in forecasts.items():
    print(f"{name:>26}: MAPE {mean_absolute_percentage_error(actual, forecast):.3f}")

# %%
# Compare with the MAPE of the windowed example's network, printed on its
# page. On this one short series neither way of training is reliably
# better than the other or than the seasonal naive forecast (the printed
# errors move with ``random_state``). What one output
# per step changes is the shape of the work: each window trains 36
# forecasts instead of one, and a single pass over a series forecasts every
# month of it, which is how a language model is trained and run.
fig, ax = plt.subplots(figsize=(9, 4))
ax.plot(data.months.astype("O"), data.passengers, color="black", label="observed")
for name, forecast in forecasts.items():
    ax.plot(target_months[test].astype("O"), forecast, marker=".", label=name)
ax.axvline(np.datetime64("1959-01").astype("O"), color="grey", linestyle=":")
ax.set(ylabel="passengers (thousands)", title="One-month-ahead forecasts")
ax.legend()
fig.tight_layout()
plt.show()
