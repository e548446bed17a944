"""Conformal prediction intervals from MAPIE (1.x) around RNNRegressor.

MAPIE passes X to the estimator as it is: it counts samples with ``len`` and
takes subsets with scikit-learn's ``_safe_indexing``, so 3-D arrays and
ragged lists of sequences work unchanged. One exception: the fitted check
of ``SplitConformalRegressor`` predicts on ``np.zeros((1, n_features_in_))``,
a 2-D array, read here as one univariate sequence. So split conformal takes
the regressor itself on univariate sequences, and ``MapieAdapter`` (no
``n_features_in_``, so no probe) on multivariate ones.
``CrossConformalRegressor`` takes the regressor itself on any sequences.

(A MultiIndex DataFrame is refused by MAPIE's length check, its rows being
time steps: cross-validate on a list of sequences, as for scikit-learn.)
"""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklearn_rnn import MapieAdapter, RNNRegressor, SequenceScaler

mapie_regression = pytest.importorskip("mapie.regression")
SplitConformalRegressor = mapie_regression.SplitConformalRegressor
CrossConformalRegressor = mapie_regression.CrossConformalRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# device="cpu": the same random_state then gives the same network (the
# refit comparison below relies on it) on a machine with a GPU too
PARAMS = dict(hidden_size=8, max_iter=20, random_state=0, device="cpu")
N_TRAIN, N_CONFORMALIZE, N_TEST = 200, 150, 300
CONFIDENCE = 0.9


def make_task(n_features, form, seed=0):
    """A simple noisy task: y = mean of feature 0 + 0.5 * last step of the
    last feature + N(0, 0.1^2). Split into train, conformalize and test."""
    rng = np.random.default_rng(seed)
    n = N_TRAIN + N_CONFORMALIZE + N_TEST
    lengths = rng.integers(5, 13, size=n) if form == "ragged" else np.full(n, 10)
    X = [rng.normal(size=(t, n_features)).astype(np.float32) for t in lengths]
    y = np.array([x[:, 0].mean() + 0.5 * x[-1, -1] for x in X])
    y += rng.normal(0, 0.1, size=n)
    if form == "equal":
        X = np.stack(X)
    cut = np.cumsum([N_TRAIN, N_CONFORMALIZE])
    if form == "equal":
        X_parts = np.split(X, cut)
    else:
        X_parts = [X[: cut[0]], X[cut[0] : cut[1]], X[cut[1] :]]
    return list(zip(X_parts, np.split(y, cut), strict=True))


def make_estimator(kind):
    if kind == "pipeline":
        return make_pipeline(SequenceScaler(), RNNRegressor(**PARAMS))
    return RNNRegressor(**PARAMS)


def check_intervals(points, intervals, y_test):
    assert points.shape == (len(y_test),)
    assert intervals.shape == (len(y_test), 2, 1)
    lower, upper = intervals[:, 0, 0], intervals[:, 1, 0]
    assert np.all(np.isfinite(intervals))
    assert np.all(lower <= points)
    assert np.all(points <= upper)
    coverage = np.mean((lower <= y_test) & (y_test <= upper))
    # 300 test sequences: the sampling error of the coverage is about 0.02
    assert coverage >= CONFIDENCE - 0.1, coverage
    assert coverage <= 0.99, coverage  # informative, not (-inf, inf)
    return coverage


@pytest.mark.parametrize(
    ("form", "n_features", "kind", "adapter"),
    [
        ("equal", 1, "regressor", False),
        ("ragged", 1, "regressor", False),
        ("ragged", 1, "pipeline", False),
        ("equal", 3, "regressor", True),
        ("ragged", 3, "regressor", True),
        ("ragged", 3, "pipeline", True),
    ],
)
def test_split_conformal(form, n_features, kind, adapter):
    (X_train, y_train), (X_conf, y_conf), (X_test, y_test) = make_task(n_features, form)
    estimator = make_estimator(kind)
    if adapter:
        estimator = MapieAdapter(estimator)
    mapie = SplitConformalRegressor(
        estimator, confidence_level=CONFIDENCE, prefit=False
    )
    mapie.fit(X_train, y_train).conformalize(X_conf, y_conf)
    points, intervals = mapie.predict_interval(X_test)
    check_intervals(points, intervals, y_test)
    # "absolute" conformity score: one half-width for every sequence
    widths = intervals[:, 1, 0] - intervals[:, 0, 0]
    np.testing.assert_allclose(widths, widths[0])
    np.testing.assert_allclose(points, mapie.predict(X_test))


@pytest.mark.parametrize(
    ("form", "kind"),
    [("equal", "regressor"), ("ragged", "regressor"), ("ragged", "pipeline")],
)
def test_cross_conformal_on_multivariate_sequences(form, kind):
    (X_train, y_train), (X_conf, y_conf), (X_test, y_test) = make_task(3, form)
    if form == "equal":
        X_dev = np.concatenate([X_train, X_conf])
    else:
        X_dev = X_train + X_conf
    y_dev = np.concatenate([y_train, y_conf])
    mapie = CrossConformalRegressor(
        make_estimator(kind), confidence_level=CONFIDENCE, cv=3, random_state=0
    )
    mapie.fit_conformalize(X_dev, y_dev)
    points, intervals = mapie.predict_interval(X_test)
    check_intervals(points, intervals, y_test)


@pytest.mark.parametrize("n_features", [1, 3])
def test_prefit_split_points_are_the_regressors_predictions(n_features):
    """SplitConformalRegressor "predicts points (using the base regressor)":
    with prefit=True, the very regressor that was fitted beforehand."""
    (X_train, y_train), (X_conf, y_conf), (X_test, y_test) = make_task(
        n_features, "ragged", seed=1
    )
    reg = RNNRegressor(**PARAMS).fit(X_train, y_train)
    expected = reg.predict(X_test)
    estimator = MapieAdapter(reg) if n_features > 1 else reg
    mapie = SplitConformalRegressor(estimator, confidence_level=CONFIDENCE, prefit=True)
    mapie.conformalize(X_conf, y_conf)
    points, intervals = mapie.predict_interval(X_test)
    np.testing.assert_array_equal(mapie.predict(X_test), expected)
    np.testing.assert_array_equal(points, expected)
    check_intervals(points, intervals, y_test)
    if n_features > 1:
        assert not hasattr(estimator, "estimator_")  # the adapter did not refit


def test_cross_points_without_aggregation_are_the_full_fit():
    """With aggregate_point_predictions=None, CrossConformalRegressor's point
    is "predicted using the regressor trained on the entire data"."""
    (X_train, y_train), _, (X_test, _) = make_task(3, "ragged", seed=2)
    mapie = CrossConformalRegressor(
        RNNRegressor(**PARAMS), confidence_level=CONFIDENCE, cv=2, random_state=0
    )
    mapie.fit_conformalize(X_train, y_train)
    points, _ = mapie.predict_interval(X_test, aggregate_point_predictions=None)
    full_fit = RNNRegressor(**PARAMS).fit(X_train, y_train)
    np.testing.assert_allclose(points, full_fit.predict(X_test), rtol=1e-6)
    np.testing.assert_allclose(
        mapie.predict(X_test, aggregate_point_predictions=None), points
    )


def test_split_conformal_multivariate_without_adapter_is_refused_by_mapie():
    """Why MapieAdapter exists: MAPIE's fitted check predicts on a 2-D array
    of n_features_in_ columns, which this package reads as a univariate
    sequence. Once MAPIE accepts sequences, this test fails and the
    adapter can go."""
    (X_train, y_train), (X_conf, y_conf), _ = make_task(2, "equal")
    reg = RNNRegressor(**{**PARAMS, "max_iter": 1}).fit(X_train, y_train)
    with pytest.raises(UserWarning, match="does not appear fitted"):
        SplitConformalRegressor(reg, prefit=True).conformalize(X_conf, y_conf)


def test_adapter_delegates_and_hides_n_features_in():
    (X_train, y_train), _, (X_test, _) = make_task(2, "ragged")
    adapter = MapieAdapter(RNNRegressor(**{**PARAMS, "max_iter": 2}))
    assert not adapter.is_fitted
    with pytest.raises(NotFittedError):
        adapter.predict(X_test)
    adapter.fit(X_train, y_train)
    assert adapter.is_fitted
    assert not hasattr(adapter, "n_features_in_")
    assert adapter.estimator_ is not adapter.estimator
    assert adapter.estimator_.n_features_in_ == 2
    np.testing.assert_array_equal(
        adapter.predict(X_test), adapter.estimator_.predict(X_test)
    )
    twin = clone(adapter)
    assert not twin.is_fitted
    assert twin.get_params()["estimator"].get_params() == (
        adapter.estimator.get_params()
    )
