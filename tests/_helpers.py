"""Helpers shared by the behaviour tests: tiny data, the forms of X, fitting."""

import os
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.exceptions import ConvergenceWarning

from sklearn_rnn import RNNClassifier, RNNRegressor

N_FEATURES = 2


#: Fast, small settings shared by most fits. On the CPU, so that the same
#: random_state gives bit-identical results (the contract promises that on
#: the CPU only) even on a machine with a GPU; GPU tests name their device.
#: Step by step (patch_size=1), so that the tiny sequences here are not cut
#: into patches; tests/test_patching.py covers patches.
def state_width(model):
    """Width of a fitted model's hidden state: both directions side by side."""
    return model.hidden_size * (2 if model.bidirectional_ else 1)


FAST = dict(
    hidden_size=6,
    max_iter=5,
    batch_size=16,
    random_state=0,
    device="cpu",
    patch_size=1,
)

#: Devices to run device-sensitive checks on: the CPU, and CUDA if present.
DEVICES = ["cpu", *(["cuda"] if torch.cuda.is_available() else [])]


def make_ragged(n_samples=40, n_features=N_FEATURES, seed=0, min_len=3, max_len=15):
    """Variable-length sequences with a learnable binary and real target.

    Class 1 sequences are shifted up by 1, class 0 down by 1, so the mean
    of the first feature tells the class.
    """
    rng = np.random.default_rng(seed)
    lengths = rng.integers(min_len, max_len + 1, size=n_samples)
    y = np.arange(n_samples) % 2
    rng.shuffle(y)
    X = [
        (rng.normal(size=(n, n_features)) + (2 * label - 1)).astype(np.float32)
        for n, label in zip(lengths, y, strict=True)
    ]
    y_reg = np.array([x[:, 0].mean() + 0.5 * x[-1, -1] for x in X])
    return X, y, y_reg


def make_equal(n_samples=30, n_timesteps=8, n_features=N_FEATURES, seed=1):
    """Equal-length sequences as a 3-D array, with class and real targets."""
    X, y, y_reg = make_ragged(
        n_samples, n_features, seed, min_len=n_timesteps, max_len=n_timesteps
    )
    return np.stack(X), y, y_reg


def to_object_array(X):
    out = np.empty(len(X), dtype=object)
    for i, x in enumerate(X):
        out[i] = x
    return out


def to_multiindex(X, columns=None):
    """sktime's pd-multiindex layout: one row per (sample, time) step."""
    n_features = 1 if X[0].ndim == 1 else X[0].shape[1]
    columns = columns or [f"f{j}" for j in range(n_features)]
    frames = []
    for i, x in enumerate(X):
        x = np.asarray(x).reshape(len(x), -1)
        index = pd.MultiIndex.from_product(
            [[i], range(len(x))], names=["sample", "time"]
        )
        frames.append(pd.DataFrame(x, index=index, columns=columns))
    return pd.concat(frames)


def scramble_rows(df, seed=0):
    """The same frame with its rows in random order (not grouped, not sorted)."""
    rng = np.random.default_rng(seed)
    return df.iloc[rng.permutation(len(df))]


def fit_quietly(estimator, X, y, **kwargs):
    """Fit, ignoring the ConvergenceWarning of the short epoch budgets."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(X, y, **kwargs)


def target(kind, data):
    """The target of ``data`` (a make_* triple) for an estimator kind."""
    return data[1] if kind == "classifier" else data[2]


def estimator(kind, **params):
    cls = RNNClassifier if kind == "classifier" else RNNRegressor
    return cls(**{**FAST, **params})


def outputs(est, X):
    """Everything the model says about X: probabilities or predictions."""
    if hasattr(est, "predict_proba"):
        return est.predict_proba(X)
    return est.predict(X)


def assert_alone_equals_batched(model, X):
    """Each sequence's outputs alone equal its outputs in the batch X, to
    the bit."""
    together = outputs(model, X)
    alone = np.concatenate([outputs(model, X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(together, alone)


def assert_per_step_regressor_causal(**params):
    """A per-step ``RNNRegressor(**params)`` fitted on running sums of ragged
    sequences passes :func:`assert_per_step_outputs_causal` on the first
    of them (every step from the fifth on changed)."""
    X, _, _ = make_ragged(n_samples=20, min_len=6, max_len=12)
    y = [np.cumsum(x[:, 0]) for x in X]
    model = fit_quietly(
        RNNRegressor(**{**FAST, "return_sequences": True, **params}), X, y
    )
    assert_per_step_outputs_causal(model, X[0])


def assert_per_step_outputs_causal(model, sequence, first_changed=4):
    """Changing ``sequence`` from step ``first_changed`` on leaves the
    per-step outputs before it unchanged, to the bit, and moves the others."""
    before = np.ravel(model.predict([sequence]))
    changed = sequence.copy()
    changed[first_changed:] += 5.0
    after = np.ravel(model.predict([changed]))
    np.testing.assert_array_equal(after[:first_changed], before[:first_changed])
    assert not np.allclose(after[first_changed:], before[first_changed:])


def run_without_cuda(script):
    """Run ``script`` in a fresh Python that sees no GPU; return its stdout."""
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def forbid_unpickling(monkeypatch):
    """Make every unpickling entry point (pickle, torch.load, joblib.load)
    fail the test if it is called."""
    import pickle

    import joblib

    def forbidden(*args, **kwargs):
        raise AssertionError("load must not unpickle")

    for module, name in [
        (pickle, "load"),
        (pickle, "loads"),
        (pickle, "Unpickler"),
        (torch, "load"),
        (joblib, "load"),
    ]:
        monkeypatch.setattr(module, name, forbidden)
