"""
=======================================
Looking inside a fitted network
=======================================

:mod:`sklearn_rnn.inspection` answers three questions about a fitted
network, here on the Japanese Vowels speaker data set:

- *How did training go?* :class:`~sklearn_rnn.inspection.HistoryDisplay`
  draws the loss per epoch, the validation score and the epoch kept.
- *Which time steps and features drove a prediction?*
  :func:`~sklearn_rnn.inspection.attribute` computes attributions with
  captum (integrated gradients or occlusion), and
  :class:`~sklearn_rnn.inspection.AttributionDisplay` draws them for one
  sequence.
- *What does the network know about a sequence?*
  :func:`~sklearn_rnn.inspection.hidden_states` returns its hidden states,
  and :class:`~sklearn_rnn.inspection.HiddenStateTransformer` turns them
  into features for any scikit-learn model.

The Displays need matplotlib and ``attribute`` needs captum
(``pip install "sklearn-rnn[inspection]"``).
"""

# %%
# A network trained with early stopping
# -------------------------------------
# ``pooling="last"`` makes the network read each utterance from its state
# after the last frame, so that this state is what it learned to use.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels
from sklearn_rnn.inspection import (
    AttributionDisplay,
    HiddenStateTransformer,
    HistoryDisplay,
    attribute,
    hidden_states,
)

data = load_japanese_vowels()
X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)
model = make_pipeline(
    SequenceScaler(),
    RNNClassifier(pooling="last", early_stopping=True, random_state=0),
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# The training history
# --------------------
# The training loss falls; the validation accuracy, on the 10 % held out,
# rises and levels off; the vertical line marks the epoch whose weights
# the model kept.
display = HistoryDisplay.from_estimator(model)
plt.show()

# %%
# Attributions of one utterance
# -----------------------------
# Integrated gradients split the predicted probability of the predicted
# speaker (minus that of an all-zero, that is average, utterance) among
# the frames and the 12 coefficients: red cells raised it, blue ones
# lowered it.
x = X_test[0]
print(f"utterance of {len(x)} frames, speaker {y_test[0]}")
display = AttributionDisplay.from_estimator(model, x)
display.ax_.set_yticks(range(12), data.feature_names)
plt.show()

# %%
# Over many utterances, the mean absolute attribution of each coefficient
# says which ones the network relies on. ``attribute`` returns one array
# per utterance (their lengths differ).
attributions = attribute(model, X_test[:60])
importance = np.mean([np.abs(a).mean(axis=0) for a in attributions], axis=0)
fig, ax = plt.subplots(figsize=(7, 3))
ax.bar(data.feature_names, importance)
ax.set(ylabel="mean |attribution|", title="60 test utterances")
ax.tick_params(axis="x", rotation=45)
fig.tight_layout()
plt.show()

# %%
# Hidden states
# -------------
# The state after the last frame, 64 numbers per utterance, projected on
# its two first principal components: the network has sorted the
# utterances by speaker.
states = hidden_states(model, X_test)
projected = PCA(n_components=2).fit_transform(states)
fig, ax = plt.subplots(figsize=(6, 5))
scatter = ax.scatter(*projected.T, c=y_test, cmap="tab10", s=12)
ax.legend(*scatter.legend_elements(), title="speaker", fontsize="small")
ax.set(xlabel="PC 1", ylabel="PC 2", title=f"hidden_states: {states.shape}")
fig.tight_layout()
plt.show()

# %%
# Hidden states as features
# -------------------------
# :class:`~sklearn_rnn.inspection.HiddenStateTransformer` trains a network
# inside a pipeline and hands its last states to the next step, here a
# logistic regression: sequences of any length become fixed-width rows.
features = make_pipeline(
    SequenceScaler(),
    HiddenStateTransformer(RNNClassifier(pooling="last", random_state=0)),
    LogisticRegression(max_iter=1000),
)
features.fit(X_train, y_train)
print(f"logistic regression on the hidden states: {features.score(X_test, y_test):.3f}")
