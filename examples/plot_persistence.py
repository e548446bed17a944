"""
=========================================
Saving a fitted pipeline and loading it
=========================================

A fitted model is only useful if it can be stored and used elsewhere. Two
ways:

- :mod:`joblib` (or :mod:`pickle`) stores any scikit-learn object, here a
  whole pipeline. Loading a pickle can run arbitrary code, so load such
  files only from sources you trust.
- ``est.save(path)`` and :func:`sklearn_rnn.load` store one estimator of
  this package as a `safetensors <https://huggingface.co/docs/safetensors>`_
  file: the weights plus a JSON description of the rest. Loading it runs no
  code from the file, so it is safe for files from anywhere.

Either way, a model fitted on a GPU loads and predicts on a machine with
only a CPU.
"""

# %%
# Fit a pipeline
# --------------
import os
import shutil
import tempfile

import joblib
import numpy as np
from sklearn.pipeline import make_pipeline

import sklearn_rnn
from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)
model = make_pipeline(SequenceScaler(), RNNClassifier(random_state=0))
model.fit(X_train, y_train)
proba = model.predict_proba(X_test)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

folder = tempfile.mkdtemp()

# %%
# The whole pipeline with joblib
# ------------------------------
path = os.path.join(folder, "pipeline.joblib")
joblib.dump(model, path)
print(f"{os.path.getsize(path) / 1e3:.0f} kB written")

restored = joblib.load(path)
same = np.array_equal(restored.predict_proba(X_test), proba)
print("identical probabilities after joblib.load:", same)

# %%
# The network in the safe format
# ------------------------------
# ``save`` writes a single estimator. Here it is the pipeline's last step;
# the scaler, two arrays of statistics, is kept with the data preparation
# (or with joblib). The loaded network predicts exactly as the original.
rnn_path = os.path.join(folder, "rnn.safetensors")
model[-1].save(rnn_path)
print(f"{os.path.getsize(rnn_path) / 1e3:.0f} kB written")

rnn = sklearn_rnn.load(rnn_path)
X_test_scaled = model[0].transform(X_test)
same = np.array_equal(rnn.predict_proba(X_test_scaled), proba)
print("identical probabilities after sklearn_rnn.load:", same)
print("loaded:", type(rnn).__name__, "trained for", rnn.n_iter_, "epochs")

# %%
# A loaded estimator is a fitted estimator like any other: its parameters,
# its fitted attributes (``classes_``, ``loss_curve_``, ...) and its
# optimizer's state come back, so ``partial_fit`` continues training where
# the saved model stopped.
rnn.partial_fit(model[0].transform(X_train), y_train)
print("after one more epoch:", rnn.n_iter_, "epochs")

# %%
# A file that was changed or damaged after it was written is refused with a
# ``ValueError``, and so is a pickle passed to :func:`sklearn_rnn.load`.
try:
    sklearn_rnn.load(path)  # the joblib file
except ValueError as error:
    print("refused:", error)

shutil.rmtree(folder)
