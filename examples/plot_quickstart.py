"""
==========================================
Quickstart: speaker recognition from audio
==========================================

Fit a recurrent network to the Japanese Vowels data set shipped with the
package: 640 utterances of the vowels /ae/ by nine speakers, each a sequence
of 7 to 29 frames of 12 LPC cepstrum coefficients. The task is to tell the
speaker. The sequences have different lengths, and are given as a plain
list of arrays: no padding, no tensors, no training loop.
"""

# %%
# Load the data
# -------------
# :func:`~sklearn_rnn.datasets.load_japanese_vowels` returns the published
# train/test split. ``X_train`` is a list of 270 arrays of shape
# ``(T_i, 12)``.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)
lengths = [len(x) for x in X_train]
print(f"{len(X_train)} training and {len(X_test)} test sequences")
print(f"lengths {min(lengths)}-{max(lengths)} steps, {X_train[0].shape[1]} features")
print(f"speakers: {np.unique(y_train)}")

# %%
# Fit a pipeline
# --------------
# :class:`~sklearn_rnn.SequenceScaler` standardises each of the 12 features
# over all time steps; :class:`~sklearn_rnn.RNNClassifier` is a GRU with 64
# units by default, reading each sequence both ways. Training stops when the
# training loss stops improving.
model = make_pipeline(SequenceScaler(), RNNClassifier(random_state=0))
model.fit(X_train, y_train)
clf = model[-1]
print(f"trained {clf.n_iter_} epochs")
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# The classic baseline on this split, 1-nearest-neighbour with dynamic time
# warping, scores 0.949 (Bagnall et al., 2018).
#
# Look at the mistakes
# --------------------
# The confusion matrix of the test set, and the training loss per epoch
# (``loss_curve_``).
fig, (ax_loss, ax_cm) = plt.subplots(1, 2, figsize=(10, 4.2))
ax_loss.plot(np.arange(1, clf.n_iter_ + 1), clf.loss_curve_)
ax_loss.set(xlabel="epoch", ylabel="training loss (cross-entropy)", yscale="log")
ax_loss.set_title("loss_curve_")
ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, ax=ax_cm, colorbar=False)
ax_cm.set_title("test set")
fig.tight_layout()
plt.show()

# %%
# Predict new sequences
# ---------------------
# ``predict`` and ``predict_proba`` take sequences of any length, in any
# form the model accepts; padding never changes a prediction.
proba = model.predict_proba(X_test[:3])
print("predicted speakers:", model.predict(X_test[:3]))
print("true speakers:     ", y_test[:3])
print("probability of the predicted speaker:", proba.max(axis=1).round(3))
