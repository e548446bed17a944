"""
=====================================================
Choosing hidden_size and num_layers by grid search
=====================================================

The size of the network is a hyperparameter like any other: choose it by
cross-validation. Here :class:`~sklearn.model_selection.GridSearchCV`
tries three hidden sizes and one or two stacked layers on the Japanese
Vowels training set, with 3-fold cross-validation, and we plot the mean CV
accuracy and the mean time per fit of each candidate.

To keep the example to about a minute, the search runs on two processes
(``n_jobs=2``) and each fit is capped at 60 epochs (``max_iter=60``; the
default cap is 200).
"""

# %%
# The search
# ----------
# The estimator is a pipeline, so its parameters are addressed as
# ``<step>__<parameter>``; the estimator itself takes ``hidden_size`` and
# ``num_layers`` as plain keyword arguments.
import warnings

import matplotlib.pyplot as plt
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)

pipeline = make_pipeline(SequenceScaler(), RNNClassifier(max_iter=60, random_state=0))
param_grid = {
    "rnnclassifier__hidden_size": [4, 16, 64],
    "rnnclassifier__num_layers": [1, 2],
}
search = GridSearchCV(pipeline, param_grid, cv=3, n_jobs=2)
with warnings.catch_warnings():
    # a fit that reaches the 60-epoch cap warns; the cap is intended here
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)

results = pd.DataFrame(search.cv_results_).rename(
    columns=lambda name: name.replace("param_rnnclassifier__", "")
)
columns = ["hidden_size", "num_layers", "mean_test_score", "std_test_score"]
print(results[[*columns, "mean_fit_time"]].to_string(index=False, float_format="%.3f"))
print(f"\nbest: {search.best_params_}")
print(f"test accuracy of the refitted best model: {search.score(X_test, y_test):.3f}")

# %%
# Accuracy and cost
# -----------------
# Four units are too few to tell nine speakers apart: they score lowest,
# with one layer or two. From 16 units on, the candidates' mean scores lie
# within about one standard deviation (across the folds) of each other,
# while the cost per fit keeps growing: a second layer doubles the
# recurrent work, for a gain that on 180 sequences per fold depends on the
# size and the fold.
# The time per fit also depends on how many epochs the stopping rule runs,
# so it need not grow smoothly with the size.
fig, (ax_score, ax_time) = plt.subplots(1, 2, figsize=(11, 4))
for num_layers, group in results.groupby("num_layers"):
    hidden = group["hidden_size"].astype(int)
    ax_score.errorbar(
        hidden,
        group["mean_test_score"],
        yerr=group["std_test_score"],
        marker="o",
        capsize=3,
        label=f"num_layers={num_layers}",
    )
    ax_time.plot(hidden, group["mean_fit_time"], marker="o", label=f"{num_layers}")
ax_score.set(
    xscale="log",
    xlabel="hidden_size",
    ylabel="mean CV accuracy (3 folds)",
    title="Cross-validated accuracy",
)
ax_time.set(
    xscale="log", xlabel="hidden_size", ylabel="seconds", title="Mean time per fit"
)
for ax in (ax_score, ax_time):
    ax.set_xticks(param_grid["rnnclassifier__hidden_size"], ["4", "16", "64"])
    ax.minorticks_off()
ax_score.legend()
ax_time.legend(title="num_layers")
fig.tight_layout()
plt.show()

# %%
# Beyond a grid
# -------------
# Every hyperparameter is a plain keyword argument, so any scikit-learn
# search works: :class:`~sklearn.model_selection.RandomizedSearchCV` with
# ``scipy.stats.loguniform`` for ``learning_rate_init``, or
# :func:`~sklearn.model_selection.cross_val_score` for a single candidate.
# Cross-validate on a list of sequences (or a 2-D/3-D array): scikit-learn
# splits X by rows, and a MultiIndex frame's rows are time steps.
