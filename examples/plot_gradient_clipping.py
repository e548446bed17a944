"""
==========================================
Exploding gradients and gradient clipping
==========================================

Backpropagation through time multiplies one Jacobian per time step, so the
gradient of a recurrent network can grow exponentially with the length of
the sequence: an *exploding gradient*. One such gradient, times the
learning rate, throws the weights far away, and the loss jumps up or
overflows. ``clip_grad_norm`` (1.0 by default) rescales the gradient
whenever its global L2 norm exceeds that value:

.. math::

   g \\leftarrow g \\cdot \\min\\left(1, \\frac{c}{\\lVert g \\rVert_2}\\right)

which keeps its direction and bounds the step. This example trains the
model most exposed to it, an Elman RNN with plain SGD (momentum 0.9), with
and without clipping, at three learning rates, on the airline passenger
series (the windows of :ref:`sphx_glr_auto_examples_plot_airline_regression.py`:
24 months in, the next month's log change out).
"""

# %%
# The data
# --------
import warnings

import matplotlib.pyplot as plt
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNRegressor, SequenceScaler
from sklearn_rnn.datasets import load_airline

log_passengers = np.log(load_airline().passengers)
windows = sliding_window_view(log_passengers[:-1], 24)
X = (windows - windows[:, -1:])[:, :, np.newaxis]
y = log_passengers[24:] - windows[:, -1]
X_train, X_test, y_train, y_test = X[:-24], X[-24:], y[:-24], y[-24:]


# %%
# Train with and without clipping
# -------------------------------
# Each fit runs 60 epochs at a constant learning rate (the stopping rule and
# early stopping are off, so that the curves compare), reading the 24
# months one step at a time (``patch_size=1``). A loss that becomes NaN or
# infinite stops the fit with a ``ValueError`` (a ``DivergenceError``) that
# names the cure, and leaves the estimator as it was; we catch it and
# record where it happened.
def fit(learning_rate, clip):
    model = make_pipeline(
        SequenceScaler(),
        RNNRegressor(
            cell="rnn",
            solver="sgd",
            momentum=0.9,
            learning_rate_init=learning_rate,
            clip_grad_norm=clip,
            patch_size=1,
            max_iter=60,
            n_iter_no_change=60,
            learning_rate="constant",
            early_stopping=False,
            random_state=0,
        ),
    )
    with warnings.catch_warnings():
        # 60 epochs is the intended budget, not a failure to converge
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model


results = {}
for learning_rate in (0.01, 0.03, 0.1):
    for clip in (None, 1.0):
        try:
            model = fit(learning_rate, clip)
        except ValueError as error:
            results[learning_rate, clip] = error
            print(f"lr={learning_rate}, clip_grad_norm={clip}: {error}\n")
        else:
            results[learning_rate, clip] = model
            print(
                f"lr={learning_rate}, clip_grad_norm={clip}: test R^2 "
                f"{model.score(X_test, y_test):.3f}"
            )

# %%
# Learning curves
# ---------------
# Without clipping the training loss jumps up whenever a gradient explodes,
# and the larger the learning rate, the larger the jumps, until the loss
# overflows. With ``clip_grad_norm=1.0`` the same learning rates give a
# steadily falling loss. (A diverged fit leaves no model; its curve is
# missing from the plot.)
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
for ax, learning_rate in zip(axes, (0.01, 0.03, 0.1), strict=True):
    for clip, style in ((None, "-"), (1.0, "--")):
        result = results[learning_rate, clip]
        if isinstance(result, ValueError):
            continue
        curve = result[-1].loss_curve_
        ax.plot(np.arange(1, len(curve) + 1), curve, style, label=f"clip={clip}")
    ax.set(title=f"learning_rate_init={learning_rate}", xlabel="epoch", yscale="log")
    ax.legend()
axes[0].set_ylabel("training loss (MSE, standardised)")
fig.tight_layout()
plt.show()

# %%
# In practice
# -----------
# - Keep the default ``clip_grad_norm=1.0``; it costs one norm per batch and
#   changes nothing while gradients are small.
# - If a fit still raises the divergence error, lower
#   ``learning_rate_init``, scale the inputs (:class:`~sklearn_rnn.SequenceScaler`),
#   or switch to a gated cell and an adaptive solver (the default GRU and
#   Adam).
# - Clipping treats exploding gradients only; vanishing ones need gated
#   cells (see :ref:`sphx_glr_auto_examples_plot_cell_comparison.py`).
