"""Padding never changes a result: predict(X)[i] == predict(X[i:i+1])[0]."""

import numpy as np
import pytest
from _helpers import DEVICES, estimator, fit_quietly, make_ragged, outputs, target

# lengths 1..20 so that batches mix very short and long sequences
DATA = make_ragged(n_samples=30, seed=7, min_len=1, max_len=20)

CONFIGS = {
    "lstm": dict(cell="lstm"),
    "gru": dict(cell="gru"),
    "rnn": dict(cell="rnn"),
    "bidirectional_gru": dict(cell="gru", bidirectional=True),
    "bidirectional_lstm": dict(cell="lstm", bidirectional=True),
    "two_layers_lstm": dict(cell="lstm", num_layers=2),
    "two_layers_bidirectional_rnn_dropout": dict(
        cell="rnn", num_layers=2, bidirectional=True, dropout=0.3
    ),
}

TOL = dict(rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("config", list(CONFIGS))
def test_prediction_does_not_depend_on_the_batch(config, kind, device):
    X, _, _ = DATA
    # batch_size 8: prediction runs in several padded batches as well
    est = fit_quietly(
        estimator(kind, max_iter=3, batch_size=8, device=device, **CONFIGS[config]),
        X,
        target(kind, DATA),
    )
    full = outputs(est, X)
    single = np.concatenate([outputs(est, X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_allclose(full, single, **TOL)
    if kind == "classifier":
        np.testing.assert_array_equal(
            est.predict(X),
            np.concatenate([est.predict(X[i : i + 1]) for i in range(len(X))]),
        )

    # other company in the batch: reversed order, and next to a much
    # longer sequence
    np.testing.assert_allclose(outputs(est, X[::-1])[::-1], full, **TOL)
    long = np.full((60, X[0].shape[1]), 3.0, dtype=np.float32)
    with_long = outputs(est, [long, *X[:5]])
    np.testing.assert_allclose(with_long[1:], full[:5], **TOL)


def test_equal_length_batch_matches_ragged_batch(fitted_clf, ragged):
    """A sequence gives the same result in a 3-D array as in a ragged list."""
    X, _, _ = ragged
    x = X[0][:5]
    same_length = np.stack([x, X[1][:5], X[2][:5]])
    np.testing.assert_allclose(
        fitted_clf.predict_proba(same_length)[0],
        fitted_clf.predict_proba([x, X[3], X[4]])[0],
        **TOL,
    )
