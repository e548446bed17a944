"""Incremental training: partial_fit on chunks, and dask arrays of sequences."""

import copy

import numpy as np
import pytest
from _helpers import FAST, make_equal

from sklearn_rnn import RNNClassifier, RNNRegressor

da = pytest.importorskip("dask.array")


def _adam_steps(est):
    return int(est.net_.optimizer_.state_dict()["state"][0]["step"])


@pytest.fixture(scope="module")
def chunks():
    """Three chunks of (X, y): 3-D arrays of 12 sequences each."""
    X, y, y_reg = make_equal(n_samples=36)
    return [(X[i : i + 12], y[i : i + 12], y_reg[i : i + 12]) for i in (0, 12, 24)]


@pytest.mark.parametrize("cls", [RNNClassifier, RNNRegressor])
def test_partial_fit_on_chunks_trains_one_model(cls, chunks):
    """Each chunk is one more epoch of the same network and optimizer."""
    est = cls(**{**FAST, "batch_size": 5})
    steps, curves = [], []
    for X, y, y_reg in chunks:
        est.partial_fit(X, y if cls is RNNClassifier else y_reg)
        steps.append(_adam_steps(est))
        curves.append(list(est.loss_curve_))
    # Adam's step count carries over: 3 batches of <= 5 per chunk of 12
    assert steps == [3, 6, 9]
    assert est.n_iter_ == 3
    assert [len(c) for c in curves] == [1, 2, 3]
    assert curves[2][:2] == curves[1]
    assert curves[1][:1] == curves[0]


def test_partial_fit_keeps_the_optimizer_state_not_a_fresh_one(chunks):
    """Continuing with Adam's moments differs from restarting them."""
    (X0, y0, _), (X1, y1, _), _ = chunks
    est = RNNClassifier(**FAST).partial_fit(X0, y0)
    fresh = copy.deepcopy(est)
    fresh.net_.initialize_optimizer()  # forget the moments
    est.partial_fit(X1, y1)
    fresh.partial_fit(X1, y1)
    assert _adam_steps(est) == 2 * _adam_steps(fresh)
    assert not np.allclose(est.predict_proba(X1), fresh.predict_proba(X1))


@pytest.fixture(scope="module")
def univariate():
    """2-D univariate sequences (36, 8) and labels 0/1/2, chunked by 12 rows."""
    X2, y3 = make_equal(n_samples=36)[0][:, :, 0], np.arange(36) % 3
    return X2, y3, da.from_array(X2, chunks=(12, -1)), da.from_array(y3, chunks=12)


def test_dask_ml_incremental_on_2d_sequences(univariate):
    """dask-ml's Incremental calls partial_fit on each block of rows."""
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y, X_dask, y_dask = univariate
    incremental = wrappers.Incremental(RNNClassifier(**FAST), shuffle_blocks=False)
    incremental.fit(X_dask, y_dask, classes=[0, 1, 2])
    model = incremental.estimator_
    assert model.n_iter_ == X_dask.numblocks[0] == 3
    np.testing.assert_array_equal(model.classes_, [0, 1, 2])
    # the same as partial_fit over the blocks by hand
    by_hand = RNNClassifier(**FAST)
    for start in (0, 12, 24):
        by_hand.partial_fit(X[start : start + 12], y[start : start + 12], [0, 1, 2])
    np.testing.assert_array_equal(model.predict_proba(X), by_hand.predict_proba(X))
    predicted = incremental.predict(X_dask)
    assert isinstance(predicted, da.Array)
    np.testing.assert_array_equal(predicted.compute(), by_hand.predict(X))


def test_partial_fit_over_blocks_of_a_3d_dask_array(chunks):
    """3-D sequences on dask: walk the blocks of rows and partial_fit each."""
    X = np.concatenate([c[0] for c in chunks])
    y = np.concatenate([c[1] for c in chunks])
    X_dask = da.from_array(X, chunks=(12, -1, -1))
    y_dask = da.from_array(y, chunks=12)
    est = RNNClassifier(**FAST)
    for X_block, y_block in zip(X_dask.blocks, y_dask.blocks, strict=True):
        est.partial_fit(X_block.compute(), y_block.compute(), classes=[0, 1])
    assert est.n_iter_ == X_dask.numblocks[0] == 3
    assert est.n_features_in_ == X.shape[2]
    by_hand = RNNClassifier(**FAST)
    for X_chunk, y_chunk, _ in chunks:
        by_hand.partial_fit(X_chunk, y_chunk, classes=[0, 1])
    np.testing.assert_array_equal(est.predict_proba(X), by_hand.predict_proba(X))
