"""
=========================================
Saving a fitted pipeline and loading it
=========================================

A fitted model is only useful if it can be stored and used elsewhere. Two
ways:

- :mod:`joblib` (or :mod:`pickle`) stores any scikit-learn object, here a
  whole pipeline. Loading a pickle can run arbitrary code, so load such
  files only from sources you trust.
- :func:`sklearn_rnn.save` and :func:`sklearn_rnn.load` store an estimator
  of this package, or a whole pipeline, as a `safetensors
  <https://huggingface.co/docs/safetensors>`_ file: the weights plus a JSON
  description of the rest, and scikit-learn's steps through skops. Loading
  it runs no code from the file, so it is safe for files from anywhere.

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
# The whole pipeline in the safe format
# -------------------------------------
# :func:`sklearn_rnn.save` writes the pipeline to one file: the network in
# the package's format, the scaler as it is (with ``pip install
# "sklearn-rnn[skops]"``, scikit-learn's own steps go through skops). The
# loaded pipeline predicts exactly as the original.
pipeline_path = os.path.join(folder, "pipeline.safetensors")
sklearn_rnn.save(model, pipeline_path)
print(f"{os.path.getsize(pipeline_path) / 1e3:.0f} kB written")
loaded = sklearn_rnn.load(pipeline_path)
same = np.array_equal(loaded.predict_proba(X_test), proba)
print("identical probabilities after sklearn_rnn.load:", same)

# %%
# One estimator saves the same way, with ``est.save(path)`` too: here the
# pipeline's network alone, which then reads scaled sequences.
rnn_path = os.path.join(folder, "rnn.safetensors")
model[-1].save(rnn_path)
rnn = sklearn_rnn.load(rnn_path)
X_test_scaled = model[0].transform(X_test)
same = np.array_equal(rnn.predict_proba(X_test_scaled), proba)
print("the network alone, identical probabilities:", same)
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
