"""Bad input gives a clear error and leaves a fitted estimator as it was."""

import copy

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from _helpers import FAST, estimator, outputs, target, to_multiindex
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from sklearn_rnn import RNNClassifier, RNNRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FITTED_ATTRIBUTES = [
    "n_features_in_",
    "n_iter_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
    "n_outputs_",
]


def _with(X, index, value):
    """A copy of the ragged list X with X[index] replaced."""
    X = list(X)
    X[index] = value
    return X


def _poke(X, value):
    """A copy of the ragged list X with one step set to value."""
    X = [x.copy() for x in X]
    X[3][1, 0] = value
    return X


# name -> function(X, y) -> (X_bad, y_bad), for both estimators
BAD_FIT_INPUT = {
    "nan_in_X": lambda X, y: (_poke(X, np.nan), y),
    "inf_in_X": lambda X, y: (_poke(X, np.inf), y),
    "neg_inf_in_X": lambda X, y: (_poke(X, -np.inf), y),
    "nan_in_3d_X": lambda X, y: (
        np.where(np.arange(5)[None, :, None] == 2, np.nan, np.ones((len(y), 5, 2))),
        y,
    ),
    "nan_in_multiindex_X": lambda X, y: (to_multiindex(_poke(X, np.nan)), y),
    "nan_in_y": lambda X, y: (X, np.where(np.arange(len(y)) == 4, np.nan, y)),
    "inf_in_y": lambda X, y: (X, np.where(np.arange(len(y)) == 4, np.inf, y)),
    "empty_sequence": lambda X, y: (_with(X, 5, np.empty((0, 2))), y),
    "empty_univariate_sequence": lambda X, y: (
        _with([x[:, 0] for x in X], 5, np.empty(0)),
        y,
    ),
    "empty_3d": lambda X, y: (np.empty((len(y), 0, 2)), y),
    "no_samples": lambda X, y: ([], y[:0]),
    "feature_counts_differ": lambda X, y: (_with(X, 7, np.ones((4, 3))), y),
    "feature_counts_differ_1d_and_2d": lambda X, y: (_with(X, 7, np.ones(4)), y),
    "X_longer_than_y": lambda X, y: (X, y[:-1]),
    "y_longer_than_X": lambda X, y: (X[:-1], y),
    "non_numeric_X": lambda X, y: (
        [np.array([["a", "b"]] * len(x)) for x in X],
        y,
    ),
    "non_numeric_3d_X": lambda X, y: (np.full((len(y), 4, 2), "x"), y),
    "non_numeric_frame": lambda X, y: (
        pd.DataFrame({"a": ["u"] * len(y), "b": ["v"] * len(y)}),
        y,
    ),
    "non_numeric_multiindex": lambda X, y: (
        to_multiindex(X).assign(f1="word"),
        y,
    ),
    "ragged_lists_of_strings": lambda X, y: (
        [["a"] * (i % 4 + 1) for i in range(len(y))],
        y,
    ),
    "4d_X": lambda X, y: (np.ones((len(y), 3, 2, 2)), y),
    "sparse_X": lambda X, y: (sp.csr_matrix(np.ones((len(y), 5))), y),
    "none_y": lambda X, y: (X, None),
}

#: the classifier only
BAD_CLASSIFIER_INPUT = {
    "one_class": lambda X, y: (X, np.zeros_like(y)),
    "continuous_y": lambda X, y: (X, np.linspace(0, 1, len(y))),
}

#: the regressor only
BAD_REGRESSOR_INPUT = {
    "string_y": lambda X, y: (X, np.array(["a"] * len(y))),
    "3d_y": lambda X, y: (X, np.ones((len(y), 2, 2))),
}

BAD_PARAMS = [
    {"cell": "foo"},
    {"solver": "lbfgs"},
    {"hidden_size": 0},
    {"num_layers": 0},
    {"dropout": 1.0},
    {"learning_rate_init": -1.0},
    {"batch_size": 0},
    {"max_iter": 0},
    {"validation_fraction": 1.0},
    {"n_iter_no_change": 0},
    {"clip_grad_norm": -1.0},
    {"device": "tpu"},
    {"device": 0},
    {"bidirectional": "yes"},
    {"callbacks": "not a list"},
    {"momentum": 2.0},
    {"tol": -1.0},
    {"alpha": -0.1},
]


def _cases():
    for name, make in BAD_FIT_INPUT.items():
        for kind in ("classifier", "regressor"):
            yield pytest.param(kind, make, id=f"{kind}-{name}")
    for name, make in BAD_CLASSIFIER_INPUT.items():
        yield pytest.param("classifier", make, id=f"classifier-{name}")
    for name, make in BAD_REGRESSOR_INPUT.items():
        yield pytest.param("regressor", make, id=f"regressor-{name}")


def _snapshot(est, X):
    state = {a: copy.deepcopy(getattr(est, a)) for a in FITTED_ATTRIBUTES}
    if hasattr(est, "classes_"):
        state["classes_"] = est.classes_.copy()
    return outputs(est, X), state


def _assert_unchanged(est, X, snapshot):
    before, state = snapshot
    np.testing.assert_array_equal(outputs(est, X), before)
    for name, value in state.items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(est, name), value)
        else:
            assert getattr(est, name) == value, name


def _assert_refused(est, method, X, y):
    with pytest.raises((ValueError, TypeError)) as info:
        getattr(est, method)(X, y)
    # a clear error from validation, not a crash deep inside PyTorch
    assert "torch" not in type(info.value).__module__
    assert str(info.value)


@pytest.mark.parametrize(("kind", "make"), list(_cases()))
def test_bad_input_is_refused_by_a_fresh_estimator(kind, make, ragged):
    X_bad, y_bad = make(ragged[0], target(kind, ragged))
    est = estimator(kind)
    _assert_refused(est, "fit", X_bad, y_bad)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    _assert_refused(est, "partial_fit", X_bad, y_bad)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)


@pytest.mark.parametrize(("kind", "make"), list(_cases()))
def test_bad_input_leaves_fitted_estimator_unchanged(kind, make, fitted, ragged):
    X = ragged[0]
    X_bad, y_bad = make(X, target(kind, ragged))
    for warm_start in (False, True):
        est = copy.deepcopy(fitted).set_params(warm_start=warm_start)
        snapshot = _snapshot(est, X)
        _assert_refused(est, "fit", X_bad, y_bad)
        _assert_unchanged(est, X, snapshot)
    _assert_refused(est, "partial_fit", X_bad, y_bad)
    _assert_unchanged(est, X, snapshot)


@pytest.mark.parametrize("params", BAD_PARAMS, ids=lambda p: "-".join(map(str, p)))
def test_bad_hyperparameter_is_refused_at_fit(params, kind, fitted, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = estimator(kind, **params)
    # stored unchanged by __init__ and set_params ...
    for name, value in params.items():
        assert getattr(est, name) is value
    # ... and refused at fit, with the estimator left unfitted
    with pytest.raises(ValueError, match=next(iter(params))):
        est.fit(X, y)
    with pytest.raises(NotFittedError):
        check_is_fitted(est)

    # a fitted estimator given the bad value keeps its model
    est = copy.deepcopy(fitted)
    snapshot = _snapshot(est, X)
    est.set_params(**params)
    with pytest.raises(ValueError, match=next(iter(params))):
        est.fit(X, y)
    _assert_unchanged(est, X, snapshot)


def test_bad_class_weight_is_refused(ragged, fitted_clf):
    X, y, _ = ragged
    with pytest.raises(ValueError, match="class_weight"):
        RNNClassifier(**FAST, class_weight="foo").fit(X, y)
    est = copy.deepcopy(fitted_clf)
    snapshot = _snapshot(est, X)
    est.set_params(class_weight="heavy")
    with pytest.raises(ValueError, match="class_weight"):
        est.fit(X, y)
    _assert_unchanged(est, X, snapshot)


@pytest.mark.parametrize(
    "weights",
    [
        pytest.param(lambda n: np.ones(n - 1), id="wrong_length"),
        pytest.param(lambda n: -np.ones(n), id="negative"),
        pytest.param(lambda n: np.zeros(n), id="all_zero"),
        pytest.param(lambda n: np.where(np.arange(n) == 0, np.nan, 1.0), id="nan"),
    ],
)
def test_bad_sample_weight_is_refused(weights, kind, fitted, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = copy.deepcopy(fitted)
    snapshot = _snapshot(est, X)
    with pytest.raises(ValueError, match=r"(?i)sample.weight"):
        est.fit(X, y, sample_weight=weights(len(y)))
    _assert_unchanged(est, X, snapshot)


def test_sample_weight_leaving_one_class_is_refused(ragged, fitted_clf):
    X, y, _ = ragged
    est = copy.deepcopy(fitted_clf)
    snapshot = _snapshot(est, X)
    with pytest.raises(ValueError, match="one class"):
        est.fit(X, y, sample_weight=(y == 1).astype(float))
    _assert_unchanged(est, X, snapshot)


def test_warm_start_with_other_features_per_step_is_refused(fitted, kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = copy.deepcopy(fitted).set_params(warm_start=True)
    snapshot = _snapshot(est, X)
    wider = [np.hstack([x, x]) for x in X]
    with pytest.raises(ValueError, match="features"):
        est.fit(wider, y)
    _assert_unchanged(est, X, snapshot)
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(wider, y)
    _assert_unchanged(est, X, snapshot)
    # without warm_start, a new fit may change the number of features
    est.set_params(warm_start=False).fit(wider, y)
    assert est.n_features_in_ == 4


def test_regressor_partial_fit_with_other_number_of_outputs(fitted_reg, ragged):
    X, _, y = ragged
    est = copy.deepcopy(fitted_reg)
    snapshot = _snapshot(est, X)
    with pytest.raises(ValueError, match="output"):
        est.partial_fit(X, np.column_stack([y, y]))
    _assert_unchanged(est, X, snapshot)


# -- predict ------------------------------------------------------------------

BAD_PREDICT_INPUT = {
    "more_features_per_step": lambda X: [np.hstack([x, x]) for x in X],
    "fewer_features_per_step": lambda X: [x[:, :1] for x in X],
    "2d_for_a_multivariate_model": lambda X: np.ones((3, 5)),
    "3d_wrong_features": lambda X: np.ones((3, 5, 3)),
    "nan_in_X": lambda X: _poke(X, np.nan),
    "inf_in_X": lambda X: _poke(X, np.inf),
    "empty_sequence": lambda X: _with(X, 2, np.empty((0, 2))),
    "feature_counts_differ": lambda X: _with(X, 2, np.ones((3, 5))),
    "non_numeric": lambda X: [np.array([["a", "b"]] * 3)] * 2,
    "no_samples": lambda X: [],
}


@pytest.mark.parametrize("make", BAD_PREDICT_INPUT.values(), ids=BAD_PREDICT_INPUT)
def test_bad_input_at_predict_time(make, kind, fitted, ragged):
    X = ragged[0]
    X_bad = make(X)
    methods = ["predict", "predict_proba"] if kind == "classifier" else ["predict"]
    for method in methods:
        with pytest.raises((ValueError, TypeError)) as info:
            getattr(fitted, method)(X_bad)
        assert "torch" not in type(info.value).__module__
    with pytest.raises((ValueError, TypeError)):
        fitted.score(X_bad, target(kind, ragged)[: len(X_bad)])


def test_different_n_features_in_at_predict_time_names_both(fitted_clf):
    with pytest.raises(ValueError, match=r"3 .*2|2 .*3"):
        fitted_clf.predict(np.ones((4, 6, 3)))


@pytest.mark.parametrize("cls", [RNNClassifier, RNNRegressor])
def test_predict_before_fit(cls, ragged):
    X, y, _ = ragged
    est = cls(**FAST)
    methods = ["predict", "predict_proba"] if cls is RNNClassifier else ["predict"]
    for method in methods:
        with pytest.raises(NotFittedError):
            getattr(est, method)(X)
    with pytest.raises(NotFittedError):
        est.score(X, y)


@pytest.mark.parametrize("dtype", [float, object])
def test_nan_among_classes_is_refused(dtype, ragged):
    X, y, _ = ragged
    est = RNNClassifier(**FAST)
    with pytest.raises(ValueError, match="contains NaN"):
        est.partial_fit(X, y, classes=np.array([0, np.nan, 1], dtype=dtype))
    assert not hasattr(est, "classes_")


def test_early_stopping_on_too_few_sequences_is_refused():
    """The hold-out has at least 2 sequences (an R^2 needs them), and the
    regressor's default early stopping says so on tiny data."""
    X, y = np.zeros((2, 4, 1)), np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="none to train on with n_samples=2"):
        RNNRegressor(**FAST).fit(X, y)
    RNNRegressor(**FAST, early_stopping=False).fit(X, y)
