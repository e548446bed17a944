"""SequenceScaler: every form in, the same form out, stats over all steps."""

import numpy as np
import pandas as pd
import pytest
from _helpers import (
    FAST,
    make_equal,
    make_ragged,
    scramble_rows,
    to_multiindex,
    to_object_array,
)
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

# features on very different scales, so that scaling visibly does something
_RAGGED, _Y, _ = make_ragged(n_samples=20, seed=9, min_len=1, max_len=12)
SCALE = np.array([100.0, 0.01], dtype=np.float32)
OFFSET = np.array([50.0, 0.5], dtype=np.float32)
RAGGED = [x * SCALE + OFFSET for x in _RAGGED]
_EQUAL, _Y_EQUAL, _ = make_equal(n_samples=20, n_timesteps=6, seed=10)
EQUAL = _EQUAL * SCALE + OFFSET


def _forms():
    """name -> (X, the per-step values of X as (total_steps, n_features))."""
    multi = to_multiindex(RAGGED)
    scrambled = scramble_rows(multi, seed=2)
    flat = pd.DataFrame(
        EQUAL[:, :, 0], columns=[f"t{i}" for i in range(EQUAL.shape[1])]
    )
    return {
        "3d": (EQUAL, EQUAL.reshape(-1, 2)),
        "2d": (EQUAL[:, :, 0], EQUAL[:, :, 0].reshape(-1, 1)),
        "list_2d_items": (RAGGED, np.concatenate(RAGGED)),
        "list_1d_items": (
            [x[:, 0] for x in RAGGED],
            np.concatenate(RAGGED)[:, :1],
        ),
        "tuple": (tuple(RAGGED), np.concatenate(RAGGED)),
        "object_array": (to_object_array(RAGGED), np.concatenate(RAGGED)),
        "multiindex": (multi, multi.to_numpy()),
        "multiindex_scrambled": (scrambled, scrambled.to_numpy()),
        "flat_frame": (flat, flat.to_numpy().reshape(-1, 1)),
    }


FORMS = _forms()


def _steps(X):
    """The per-step values of a scaler output, in the layout of _forms."""
    if isinstance(X, pd.DataFrame):
        values = X.to_numpy()
        return values if isinstance(X.index, pd.MultiIndex) else values.reshape(-1, 1)
    if isinstance(X, np.ndarray) and X.dtype != object:
        return X.reshape(-1, X.shape[2]) if X.ndim == 3 else X.reshape(-1, 1)
    return np.concatenate([np.asarray(x).reshape(len(x), -1) for x in X])


def _assert_same_form(out, X):
    assert type(out) is type(X)
    if isinstance(X, pd.DataFrame):
        pd.testing.assert_index_equal(out.index, X.index)
        pd.testing.assert_index_equal(out.columns, X.columns)
    elif isinstance(X, np.ndarray) and X.dtype != object:
        assert out.shape == X.shape
    else:
        assert len(out) == len(X)
        for a, b in zip(out, X, strict=True):
            assert np.shape(a) == np.shape(b)


@pytest.mark.parametrize("form", list(FORMS))
def test_same_form_out_and_standardised(form):
    X, steps = FORMS[form]
    scaler = SequenceScaler().fit(X)
    out = scaler.transform(X)
    _assert_same_form(out, X)
    scaled = _steps(out)
    # mean 0 and std 1 per feature over all valid steps (padding excluded)
    np.testing.assert_allclose(scaled.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(scaled.std(axis=0), 1, rtol=1e-4)
    # each step is scaled by the statistics of all steps
    expected = (steps - steps.mean(axis=0)) / steps.std(axis=0)
    np.testing.assert_allclose(scaled, expected, rtol=1e-4, atol=1e-4)
    # fit_transform is fit then transform
    _assert_same_form(SequenceScaler().fit_transform(X), X)


@pytest.mark.parametrize("form", list(FORMS))
def test_inverse_transform_round_trip(form):
    X, steps = FORMS[form]
    scaler = SequenceScaler().fit(X)
    back = scaler.inverse_transform(scaler.transform(X))
    _assert_same_form(back, X)
    np.testing.assert_allclose(_steps(back), steps, rtol=1e-5, atol=1e-3)


def test_statistics_exclude_padding():
    """The mean and scale are those of the concatenated valid steps."""
    scaler = SequenceScaler().fit(RAGGED)
    steps = np.concatenate(RAGGED).astype(np.float64)
    np.testing.assert_allclose(scaler.mean_, steps.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(scaler.scale_, steps.std(axis=0), rtol=1e-4)
    # padding to the longest sequence with zeros would give other numbers
    padded = np.zeros((len(RAGGED), max(map(len, RAGGED)), 2))
    for i, x in enumerate(RAGGED):
        padded[i, : len(x)] = x
    assert not np.allclose(scaler.mean_, padded.reshape(-1, 2).mean(axis=0))
    assert scaler.n_features_in_ == 2


def test_multiindex_rows_keep_their_values():
    """Scrambled rows: each output row is its own input row, scaled."""
    X, _ = FORMS["multiindex_scrambled"]
    out = SequenceScaler().fit_transform(X)
    mean, std = X.mean(axis=0), X.std(axis=0, ddof=0)
    pd.testing.assert_frame_equal(
        out, ((X - mean) / std).astype(np.float32), rtol=1e-4, atol=1e-4
    )


def test_with_mean_off_does_not_centre():
    steps = np.concatenate(SequenceScaler(with_mean=False).fit_transform(RAGGED))
    np.testing.assert_allclose(steps.std(axis=0), 1, rtol=1e-4)
    expected = np.concatenate(RAGGED) / np.concatenate(RAGGED).std(axis=0)
    np.testing.assert_allclose(steps, expected, rtol=1e-4)


def test_with_std_off_only_centres():
    steps = np.concatenate(SequenceScaler(with_std=False).fit_transform(RAGGED))
    np.testing.assert_allclose(steps.mean(axis=0), 0, atol=1e-3)
    original = np.concatenate(RAGGED)
    np.testing.assert_allclose(steps, original - original.mean(axis=0), atol=1e-3)


def test_constant_feature_is_left_unscaled():
    X = [np.column_stack([np.full(n, 3.0), np.arange(n)]) for n in (2, 5, 7)]
    out = SequenceScaler().fit_transform(X)
    steps = np.concatenate(out)
    assert np.isfinite(steps).all()
    np.testing.assert_allclose(steps[:, 0], 0)


def test_n_features_in_and_feature_names():
    assert SequenceScaler().fit(RAGGED).n_features_in_ == 2
    assert SequenceScaler().fit(EQUAL).n_features_in_ == 2
    assert SequenceScaler().fit(EQUAL[:, :, 0]).n_features_in_ == EQUAL.shape[1]
    multi = to_multiindex(RAGGED, columns=["pitch", "volume"])
    scaler = SequenceScaler().fit(multi)
    np.testing.assert_array_equal(scaler.feature_names_in_, ["pitch", "volume"])
    np.testing.assert_array_equal(scaler.get_feature_names_out(), ["pitch", "volume"])


def test_bad_input():
    scaler = SequenceScaler()
    with pytest.raises(NotFittedError):
        scaler.transform(RAGGED)
    scaler.fit(RAGGED)
    mean = scaler.mean_.copy()
    with pytest.raises(ValueError, match="features"):
        scaler.transform([np.ones((3, 3)), np.ones((4, 3))])
    bad = [x.copy() for x in RAGGED]
    bad[1][0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        scaler.fit(bad)
    with pytest.raises(ValueError, match="empty"):
        scaler.fit([*RAGGED, np.empty((0, 2))])
    np.testing.assert_array_equal(scaler.mean_, mean)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("form", ["3d", "2d", "list_2d_items", "multiindex"])
def test_in_a_pipeline(form):
    X, _ = FORMS[form]
    y = _Y_EQUAL if form in ("3d", "2d") else _Y
    params = {**FAST, "max_iter": 3}
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**params)).fit(X, y)
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(y), 2)
    assert 0 <= pipe.score(X, y) <= 1
    # the pipeline is the scaler's output fed to the network
    scaler = SequenceScaler().fit(X)
    clf = RNNClassifier(**params).fit(scaler.transform(X), y)
    np.testing.assert_allclose(proba, clf.predict_proba(scaler.transform(X)), rtol=1e-6)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_regressor_pipeline_on_ragged():
    X, y = RAGGED, np.array([x[:, 0].mean() for x in RAGGED])
    pipe = make_pipeline(SequenceScaler(), RNNRegressor(**FAST)).fit(X, y)
    assert pipe.predict(X).shape == (len(X),)
