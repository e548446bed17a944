"""
==========================================================
Solvers, learning rates and early stopping
==========================================================

How the choice of optimizer (``solver``) and of its step size
(``learning_rate_init``) changes training, on the Japanese Vowels speaker
data set, and what ``early_stopping=True`` does. The update rules of the
three solvers are in :ref:`training`.

To keep the example to about half a minute, each of the nine solver and
learning-rate pairs trains for a fixed 40 epochs at a constant rate.
"""

# %%
# Nine trainings
# --------------
# SGD with momentum 0.9, RMSprop and Adam, each at the learning rates 0.001,
# 0.01 and 0.1, with every other setting at its default (a GRU with 64
# units reading both ways). ``learning_rate="constant"`` and
# ``n_iter_no_change=40`` switch the schedule and the stopping rule off, so
# that all curves have 40 epochs.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)

solvers = ("sgd", "rmsprop", "adam")
learning_rates = (0.001, 0.01, 0.1)
curves = {}
print("test accuracy after 40 epochs")
print("solver    " + "".join(f"{lr:>8}" for lr in learning_rates))
for solver in solvers:
    scores = []
    for learning_rate in learning_rates:
        clf = RNNClassifier(
            solver=solver,
            learning_rate_init=learning_rate,
            learning_rate="constant",
            max_iter=40,
            n_iter_no_change=40,
            random_state=0,
        )
        model = make_pipeline(SequenceScaler(), clf)
        with warnings.catch_warnings():
            # 40 epochs is the intended budget, not a failure to converge
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        curves[solver, learning_rate] = clf.loss_curve_
        scores.append(model.score(X_test, y_test))
    print(f"{solver:<10}" + "".join(f"{s:8.3f}" for s in scores))

# %%
# The learning curves
# -------------------
# SGD's step is the gradient times the learning rate, so at 0.001 it
# moves slowly: its loss about halves in 40 epochs, where at 0.1 it falls a
# thousandfold. RMSprop and Adam divide each step by a running
# estimate of the gradient's size, so their step is close to the learning
# rate whatever the gradient: 0.001 is slow but steady, and 0.1 is too
# large for them, the loss jumping about (RMSprop's first epochs overshoot
# by far). The package's default is Adam at 0.005.
fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), sharey=True)
for ax, solver in zip(axes, solvers, strict=True):
    for learning_rate in learning_rates:
        curve = curves[solver, learning_rate]
        ax.plot(np.arange(1, len(curve) + 1), curve, label=f"{learning_rate}")
    ax.set(title=f'solver="{solver}"', xlabel="epoch", yscale="log")
    ax.legend(title="learning_rate_init")
axes[0].set_ylabel("training loss (cross-entropy)")
fig.tight_layout()
plt.show()

# %%
# Early stopping
# --------------
# With ``early_stopping=True`` the estimator holds out
# ``validation_fraction`` (10 %) of the training sequences, stratified by
# class, scores them after every epoch (accuracy; R^2 for the regressor)
# and keeps the weights of the best epoch. Training ends by the stopping
# rule on that score instead of the training loss: no improvement by
# ``tol`` for ``n_iter_no_change`` epochs (with the default
# ``learning_rate="adaptive"``, each such stall first divides the learning
# rate by 5, and training stops at the third stall).
clf = RNNClassifier(early_stopping=True, random_state=0)
model = make_pipeline(SequenceScaler(), clf).fit(X_train, y_train)
best_epoch = int(np.argmax(clf.validation_scores_)) + 1
print(
    f"{clf.n_iter_} epochs, best validation accuracy {clf.best_validation_score_:.3f}"
)
test_accuracy = model.score(X_test, y_test)
print(f"first reached in epoch {best_epoch}; test accuracy {test_accuracy:.3f}")

fig, ax = plt.subplots(figsize=(7, 3.8))
epochs = np.arange(1, clf.n_iter_ + 1)
ax.plot(epochs, clf.loss_curve_, color="C0")
ax.set(xlabel="epoch", ylabel="training loss", yscale="log")
ax2 = ax.twinx()
ax2.plot(epochs, clf.validation_scores_, color="C1")
ax2.set_ylabel("validation accuracy (validation_scores_)", color="C1")
ax2.axvline(best_epoch, color="grey", linestyle=":")
ax.set_title("early_stopping=True")
fig.tight_layout()
plt.show()
