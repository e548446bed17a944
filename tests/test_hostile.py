"""Hostile use of the estimators: odd labels, weights, targets, absurd
hyperparameters, devices and callbacks.

Each case gives a correct result, or the exact exception type with a
message naming the problem, and a fitted model that a failed call leaves
exactly as it was (predictions, fitted attributes, weights, optimizer
state, history). Reading X is covered in test_hostile_data.py, files in
test_hostile_persistence.py.
"""

import copy
import warnings

import numpy as np
import pytest
import torch
from _helpers import FAST, estimator, fit_quietly, make_ragged, outputs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback, EpochTimer

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn.exceptions import DivergenceError

X, Y_CLASS, Y_REAL = make_ragged(n_samples=30)


def snapshot(est):
    """Everything a failed call must leave unchanged."""
    params = est.get_params(deep=False)
    state = {
        k: copy.deepcopy(v)
        for k, v in vars(est).items()
        if k != "net_" and k not in params
    }
    net = est.net_
    return {
        "outputs": outputs(est, X),
        "attributes": state,
        "weights": {k: v.clone() for k, v in net.module_.state_dict().items()},
        "optimizer": copy.deepcopy(net.optimizer_.state_dict()),
        "history": copy.deepcopy(list(net.history)),
    }


def assert_unchanged(est, before):
    after = snapshot(est)
    np.testing.assert_array_equal(after["outputs"], before["outputs"])
    assert after["attributes"].keys() == before["attributes"].keys()
    for name, value in before["attributes"].items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(after["attributes"][name], value)
        elif not hasattr(value, "get_params"):  # fitted encoders: by identity
            assert after["attributes"][name] == value, name
    for name, value in before["weights"].items():
        assert torch.equal(after["weights"][name], value), name
    assert repr(after["optimizer"]) == repr(before["optimizer"])
    assert after["history"] == before["history"]


@pytest.fixture
def fitted_pair(fitted_clf, fitted_reg):
    return {"classifier": fitted_clf, "regressor": fitted_reg}


def refused(est, call, error, match):
    """``call(est)`` raises ``error`` matching ``match``; ``est`` unchanged."""
    before = snapshot(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(error, match=match):
            call(est)
    assert_unchanged(est, before)


# -- labels ---------------------------------------------------------------------


def test_partial_fit_refuses_other_classes_later(fitted_clf):
    est = copy.deepcopy(fitted_clf)
    refused(
        est,
        lambda e: e.partial_fit(X, Y_CLASS, classes=[0, 1, 2]),
        ValueError,
        r"classes=\[0, 1, 2\] is not the same as on the first call",
    )
    est.partial_fit(X, Y_CLASS, classes=[1, 0])  # the same classes: fine
    assert est.n_iter_ == fitted_clf.n_iter_ + 1


@pytest.mark.parametrize(
    ("y", "error", "match"),
    [
        (np.array([1, "a"] * 15, dtype=object), TypeError, "mixes string and non"),
        (np.array([None, "a"] * 15, dtype=object), ValueError, "missing label"),
        (np.array([np.nan, "a"] * 15, dtype=object), ValueError, "missing label"),
        (np.zeros(30), ValueError, "at least 2 classes"),
        (np.c_[Y_CLASS, Y_CLASS], ValueError, "1d array"),
        (Y_CLASS + 0.5, ValueError, "Unknown label type: continuous"),
    ],
    ids=["mixed", "none", "nan", "one-class", "2d", "continuous"],
)
def test_odd_labels_are_refused(fitted_clf, y, error, match):
    est = copy.deepcopy(fitted_clf)
    refused(est, lambda e: e.fit(X, y), error, match)
    with pytest.raises(error, match=match):
        RNNClassifier(**FAST).fit(X, y)


def test_bool_and_huge_integer_labels_round_trip():
    for y in (Y_CLASS.astype(bool), Y_CLASS.astype(np.int64) * 2**62):
        est = fit_quietly(RNNClassifier(**FAST), X, y)
        np.testing.assert_array_equal(est.classes_, np.unique(y))
        assert set(est.predict(X)) <= set(np.unique(y))


# -- class and sample weights -----------------------------------------------------


@pytest.mark.parametrize(
    ("class_weight", "error", "match"),
    [
        ({0: -1.0, 1: 1.0}, ValueError, r"class_weight\[0\] is -1.0.*non-negative"),
        ({0: np.nan, 1: 1.0}, ValueError, r"class_weight\[0\] is nan"),
        ({0: np.inf, 1: 1.0}, ValueError, r"class_weight\[0\] is inf"),
        ({0: "a", 1: 1.0}, TypeError, r"class_weight\[0\] is 'a'"),
        ({0: 1.0, 5: 1.0}, ValueError, r"class_weight has labels \[5\]"),
        ({0: 0.0, 1: 1.0}, ValueError, r"weights \(class_weight\) leave only one"),
    ],
    ids=["negative", "nan", "inf", "string", "unknown", "zero"],
)
def test_bad_class_weight_is_refused(fitted_clf, class_weight, error, match):
    est = copy.deepcopy(fitted_clf).set_params(class_weight=class_weight)
    refused(est, lambda e: e.fit(X, Y_CLASS), error, match)


def test_zero_sample_weights_for_a_class_name_sample_weight():
    weights = (Y_CLASS == 1).astype(float)
    with pytest.raises(ValueError, match=r"weights \(sample_weight\) leave only one"):
        RNNClassifier(**FAST).fit(X, Y_CLASS, sample_weight=weights)


@pytest.mark.parametrize(
    ("weights", "error", "match"),
    [
        (
            np.r_[-1.0, np.ones(29)],
            ValueError,
            "Negative values in data passed to .sample_weight",
        ),
        (np.r_[np.nan, np.ones(29)], ValueError, "sample_weight contains NaN"),
        (np.r_[np.inf, np.ones(29)], ValueError, "sample_weight contains infinity"),
        (np.zeros(30), ValueError, "at least one non-zero"),
        (["a"] * 30, ValueError, "sample_weight must hold numbers"),
        (np.ones(29), ValueError, r"sample_weight.shape == \(29,\)"),
        (np.ones((30, 1)), ValueError, "Sample weights must be 1D"),
    ],
    ids=["negative", "nan", "inf", "zero", "strings", "length", "2d"],
)
def test_bad_sample_weight_is_refused(fitted, kind, weights, error, match):
    est = copy.deepcopy(fitted)
    y = Y_CLASS if kind == "classifier" else Y_REAL
    refused(est, lambda e: e.fit(X, y, sample_weight=weights), error, match)


@given(exponent=st.sampled_from([307.5, 300, -300, -310]))
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
def test_extreme_sample_weights_keep_their_ratios(exponent):
    """Weights whose sum overflows (or whose values underflow) float64
    train the same model as the same ratios at ordinary scale."""
    ratios = np.where(Y_CLASS == 1, 3.0, 1.0)
    reference = fit_quietly(RNNClassifier(**FAST), X, Y_CLASS, sample_weight=ratios)
    scaled = ratios * 10.0**exponent
    assert np.isfinite(scaled).all()
    assert (scaled > 0).all()
    est = fit_quietly(RNNClassifier(**FAST), X, Y_CLASS, sample_weight=scaled)
    assert est.loss_curve_[0] > 0
    np.testing.assert_allclose(
        est.predict_proba(X), reference.predict_proba(X), rtol=1e-5
    )


# -- targets --------------------------------------------------------------------


def test_targets_too_large_to_standardise_are_refused(fitted_reg):
    est = copy.deepcopy(fitted_reg)
    y = np.linspace(0, 1e200, 30)
    refused(est, lambda e: e.fit(X, y), ValueError, "too large to standardise")


def test_large_finite_targets_are_learned_in_their_own_units():
    y = Y_REAL.astype(np.float64) * 1e150
    est = fit_quietly(RNNRegressor(**{**FAST, "max_iter": 30}), X, y)
    assert est.score(X, y) > 0.3


def test_non_numeric_regression_target_names_y():
    with pytest.raises(ValueError, match="y must hold numbers for RNNRegressor"):
        RNNRegressor(**FAST).fit(X, np.array(["a"] * 30))


# -- divergence -----------------------------------------------------------------


@pytest.mark.parametrize("warm", [False, True])
def test_finite_blow_up_is_a_divergence_error(fitted, kind, warm):
    """Adam at learning_rate_init=1e4 ends far above a constant prediction
    while every loss stays finite: refused, the model left as it was."""
    est = copy.deepcopy(fitted).set_params(
        learning_rate_init=1e4, max_iter=10, warm_start=warm, early_stopping=False
    )
    y = Y_CLASS if kind == "classifier" else Y_REAL
    refused(
        est,
        lambda e: e.fit(X, y),
        DivergenceError,
        r"training loss ended at .* Lower learning_rate_init \(now 10000",
    )
    assert issubclass(DivergenceError, ValueError)


class _HighFirstEpochLoss(Callback):
    """Records the first epoch's mean training loss as 100: what a first
    epoch from random weights can average while ending at good weights."""

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 1:
            net.history.record("train_loss", 100.0)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_a_high_mean_loss_of_the_kept_epoch_is_not_a_divergence(kind, early_stopping):
    """The kept weights' own training loss decides, not the mean over the
    batches of the epoch that produced them (CardanoSentiment, seed 2,
    ``conv_layers=2``, kept its first epoch, averaged at twice a constant's
    loss)."""
    y = Y_CLASS if kind == "classifier" else Y_REAL
    est = estimator(
        kind,
        max_iter=1,
        early_stopping=early_stopping,
        callbacks=[("high_first_loss", _HighFirstEpochLoss())],
    )
    fit_quietly(est, X, y)
    assert est.net_.history[0, "train_loss"] == 100.0
    assert est.n_iter_ == 1


def test_ordinary_short_fits_are_not_called_divergent(kind):
    """The bar is far above where a barely trained network ends."""
    y = Y_CLASS if kind == "classifier" else Y_REAL
    for max_iter in (1, 3):
        fit_quietly(estimator(kind, max_iter=max_iter), X, y)
    est = estimator(kind, max_iter=1)
    if kind == "classifier":  # a chunk of one class, as streams have
        est.partial_fit(X[:5], np.zeros(5, int), classes=[0, 1])
    else:
        est.partial_fit(X[:5], y[:5])
    assert est.n_iter_ == 1


# -- hyperparameters, devices, callbacks ----------------------------------------


@pytest.mark.parametrize(
    "params",
    [{"hidden_size": 10**9}, {"hidden_size": 300_000}, {"num_layers": 10**9}],
    ids=["hidden-1e9", "hidden-3e5", "layers-1e9"],
)
def test_networks_too_large_for_memory_are_refused_before_allocating(params):
    with pytest.raises(ValueError, match=r"more than this machine's .* memory"):
        RNNClassifier(**{**FAST, **params}).fit(X, Y_CLASS)


def test_absurd_but_valid_sizes_still_fit():
    for params in ({"batch_size": 10**12}, {"patch_size": 10**4}):
        est = fit_quietly(RNNClassifier(**{**FAST, **params}), X, Y_CLASS)
        assert est.predict(X).shape == (30,)


@pytest.mark.parametrize(
    ("device", "match"),
    [
        ("mps", "MPS backend is not available"),
        ("cuda:7", "cuda:7"),
        ("cpu:0", "not a valid device"),
        ("tpu", "not a valid device"),
    ],
)
def test_devices_this_machine_cannot_serve_are_refused(fitted_clf, device, match):
    if device.startswith("cuda") and torch.cuda.device_count() > 7:
        pytest.skip("this machine has a cuda:7")
    est = copy.deepcopy(fitted_clf).set_params(device=device)
    refused(est, lambda e: e.fit(X, Y_CLASS), ValueError, match)
    with pytest.raises(ValueError, match=match):
        RNNClassifier(**{**FAST, "device": device}).fit(X, Y_CLASS)


class _Counter(Callback):
    def on_epoch_end(self, net, **kwargs):
        self.epochs_ = getattr(self, "epochs_", 0) + 1


@pytest.mark.parametrize(
    ("callbacks", "error", "match"),
    [
        (["print"], TypeError, r"callbacks\[0\] is of type str, not a skorch callback"),
        ([EpochTimer], TypeError, r"callbacks\[0\] is the class EpochTimer"),
        ([("stopping", EpochTimer())], ValueError, "name sklearn_rnn uses"),
        ([_Counter(), ("a", 1)], TypeError, r"callbacks\[1\] is of type int"),
        ([lambda net: None], TypeError, r"callbacks\[0\] is of type function"),
    ],
    ids=["string", "class", "reserved-name", "bad-pair", "function"],
)
def test_bad_callbacks_are_refused_before_training(fitted_clf, callbacks, error, match):
    est = copy.deepcopy(fitted_clf).set_params(callbacks=callbacks)
    refused(est, lambda e: e.fit(X, Y_CLASS), error, match)


def test_named_and_unnamed_callbacks_run():
    counter, named = _Counter(), _Counter()
    est = fit_quietly(
        RNNClassifier(**{**FAST, "callbacks": [counter, ("mine", named)]}), X, Y_CLASS
    )
    trained = dict(est.net_.callbacks_)
    assert trained["mine"].epochs_ == est.n_iter_
    assert counter not in trained.values()  # the estimator's own are copies


# -- early stopping hold-out ------------------------------------------------------


@pytest.mark.parametrize(
    ("n_samples", "y", "fraction", "match"),
    [
        (20, np.arange(20) % 3, 0.1, r"holds out 2 of 20 .* all 3 classes"),
        (20, np.r_[np.arange(19) % 2, 2], 0.3, "only 1"),
        (2, np.arange(2) % 2, 0.1, "leaves none to train on"),
    ],
    ids=["fewer-than-classes", "singleton-class", "too-few"],
)
def test_hold_out_that_cannot_be_drawn_names_early_stopping(
    n_samples, y, fraction, match
):
    est = RNNClassifier(**{**FAST, "early_stopping": True}).set_params(
        validation_fraction=fraction
    )
    with pytest.raises(ValueError, match=match) as info:
        est.fit(X[:n_samples], y)
    assert "early_stopping" in str(info.value)
    assert "test_size" not in str(info.value)


@pytest.mark.parametrize("device", ["mps", "cuda:7"])
def test_a_model_saved_for_a_device_missing_here_loads_on_the_cpu(
    fitted_clf, tmp_path, device
):
    if device.startswith("cuda") and torch.cuda.device_count() > 7:
        pytest.skip("this machine has a cuda:7")
    from sklearn_rnn import load

    est = copy.deepcopy(fitted_clf).set_params(device=device)
    path = tmp_path / "model.safetensors"
    est.save(path)
    with pytest.warns(UserWarning, match="it is loaded on the CPU"):
        loaded = load(path)
    assert str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
