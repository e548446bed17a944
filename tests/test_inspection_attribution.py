"""sklearn_rnn.inspection.attribute: ground truth, definitions, padding, errors."""

import sys

import numpy as np
import pytest
from _helpers import FAST, estimator, fit_quietly, make_ragged, to_multiindex
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler
from sklearn_rnn.inspection import attribute

pytest.importorskip("captum")

METHODS = ["integrated_gradients", "occlusion"]
TOL = dict(rtol=1e-4, atol=1e-5)

# The label is the sign of feature 1 summed over steps 5-9; nothing else matters.
N_STEPS, N_FEATURES, WINDOW, FEATURE = 20, 3, slice(5, 10), 1


def _window_task(n_samples, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, N_STEPS, N_FEATURES)).astype(np.float32)
    return X, (X[:, WINDOW, FEATURE].sum(axis=1) > 0).astype(int)


@pytest.fixture(scope="module")
def window_model():
    X, y = _window_task(1000, seed=0)
    # max pooling: the last state (the "auto" pooling of short numeric
    # sequences) forgets this early window (0.575 test accuracy here)
    clf = RNNClassifier(
        hidden_size=8,
        max_iter=15,
        learning_rate_init=0.01,
        pooling="max",
        random_state=0,
    )
    clf.set_params(device="cpu")
    return fit_quietly(clf, X, y)


@pytest.mark.parametrize("method", METHODS)
def test_attribution_mass_lies_in_the_relevant_window(window_model, method):
    X, y = _window_task(40, seed=1)
    assert window_model.score(X, y) > 0.75  # the model has learnt the task
    mass = np.abs(attribute(window_model, X, method=method))
    assert mass.shape == X.shape
    relevant = mass[:, WINDOW, FEATURE].sum() / mass.sum()
    # 5 of the 60 (step, feature) cells carry most of the mass
    assert relevant > 0.5
    # and the relevant feature dominates the others, step by step in the window
    by_feature = mass[:, WINDOW].sum(axis=(0, 1))
    assert by_feature.argmax() == FEATURE
    assert by_feature[FEATURE] > 2 * np.delete(by_feature, FEATURE).max()


def test_integrated_gradients_add_up_to_the_change_from_the_zero_baseline(
    fitted_clf, ragged
):
    X, _, _ = ragged
    X = X[:8]
    predicted = fitted_clf.predict(X)
    columns = np.searchsorted(fitted_clf.classes_, predicted)
    proba = fitted_clf.predict_proba(X)
    baseline = fitted_clf.predict_proba([np.zeros_like(x) for x in X])
    attributions = attribute(fitted_clf, X)
    for i, a in enumerate(attributions):
        expected = proba[i, columns[i]] - baseline[i, columns[i]]
        np.testing.assert_allclose(a.sum(), expected, atol=2e-3)


def test_integrated_gradients_of_a_regressor_are_in_the_units_of_y(ragged):
    X, _, y = ragged
    reg = fit_quietly(estimator("regressor"), X, 100 * y + 7)
    X = X[:6]
    change = reg.predict(X) - reg.predict([np.zeros_like(x) for x in X])
    totals = [a.sum() for a in attribute(reg, X)]
    np.testing.assert_allclose(totals, change, rtol=1e-2, atol=1e-2)


def test_occlusion_is_the_drop_when_a_step_is_zeroed(fitted_clf, ragged):
    x = ragged[0][0]
    column = np.searchsorted(fitted_clf.classes_, fitted_clf.predict([x]))[0]
    occluded = []
    for t in range(len(x)):
        for f in range(x.shape[1]):
            z = x.copy()
            z[t, f] = 0.0
            occluded.append(z)
    drops = fitted_clf.predict_proba([x])[0, column] - fitted_clf.predict_proba(
        occluded
    )[:, column].reshape(x.shape)
    got = attribute(fitted_clf, [x], method="occlusion")[0]
    np.testing.assert_allclose(got, drops, atol=1e-5)


def test_occlusion_window_spreads_over_neighbouring_steps(fitted_clf, ragged):
    x = ragged[0][0]
    narrow = attribute(fitted_clf, [x], method="occlusion")[0]
    wide = attribute(fitted_clf, [x], method="occlusion", window=3)[0]
    assert wide.shape == narrow.shape
    assert not np.allclose(wide, narrow)
    # a window longer than a sequence occludes the whole sequence
    short = x[:2]
    whole = attribute(fitted_clf, [short], method="occlusion", window=10)[0]
    np.testing.assert_allclose(whole, whole[0:1].repeat(2, axis=0))


@pytest.mark.parametrize("method", METHODS)
def test_a_sequence_has_the_same_attributions_alone_and_in_a_batch(method, fitted_clf):
    X, _, _ = make_ragged(n_samples=12, seed=5, min_len=1, max_len=12)
    rng = np.random.default_rng(0)
    long = [rng.normal(size=(30, 2)).astype(np.float32) for _ in range(2)]
    batch = attribute(fitted_clf, [*long, *X], method=method)[2:]
    assert isinstance(batch, list)
    for x, a in zip(X, batch, strict=True):
        assert a.shape == x.shape
        alone = attribute(fitted_clf, [x], method=method)[0]
        np.testing.assert_allclose(a, alone, **TOL)


@pytest.mark.filterwarnings("ignore:X has feature names")
def test_shapes_for_every_form(fitted_clf, fitted_clf_2d, equal, ragged):
    X3, _, _ = equal
    assert attribute(fitted_clf, X3).shape == X3.shape
    np.testing.assert_allclose(
        attribute(fitted_clf, list(X3)), attribute(fitted_clf, X3), **TOL
    )
    X2 = X3[:, :, 0]
    assert attribute(fitted_clf_2d, X2).shape == (*X2.shape, 1)
    X, _, _ = ragged
    by_frame = attribute(fitted_clf, to_multiindex(X), method="occlusion")
    assert [a.shape for a in by_frame] == [x.shape for x in X]
    by_list = attribute(fitted_clf, X, method="occlusion")
    for a, b in zip(by_frame, by_list, strict=True):
        np.testing.assert_allclose(a, b, **TOL)


@pytest.mark.parametrize("config", [dict(cell="lstm"), dict(bidirectional=True)])
def test_lstm_and_bidirectional(config, ragged):
    X, y, _ = ragged
    clf = fit_quietly(RNNClassifier(**{**FAST, "max_iter": 2, **config}), X, y)
    attributions = attribute(clf, X[:5])
    assert [a.shape for a in attributions] == [x.shape for x in X[:5]]
    proba = clf.predict_proba(X[:5]).max(axis=1)
    baseline = clf.predict_proba([np.zeros_like(x) for x in X[:5]])
    columns = clf.predict_proba(X[:5]).argmax(axis=1)
    totals = [a.sum() for a in attributions]
    np.testing.assert_allclose(
        totals, proba - baseline[np.arange(5), columns], atol=2e-3
    )


def test_target_is_a_class_label(ragged):
    X, y, _ = ragged
    labels = np.array(["no", "yes"])[y]
    clf = fit_quietly(RNNClassifier(**FAST), X, labels)
    x = X[:3]
    gain = clf.predict_proba(x) - clf.predict_proba([np.zeros_like(s) for s in x])
    for label, column in (("no", 0), ("yes", 1)):
        totals = [a.sum() for a in attribute(clf, x, target=label)]
        np.testing.assert_allclose(totals, gain[:, column], atol=2e-3)
    per_sequence = attribute(clf, x, target=["yes", "no", "yes"])
    totals = [a.sum() for a in per_sequence]
    np.testing.assert_allclose(totals, gain[[0, 1, 2], [1, 0, 1]], atol=2e-3)
    with pytest.raises(ValueError, match=r"target \[1\] is not a class.*labels"):
        attribute(clf, x, target=1)
    with pytest.raises(ValueError, match="one per sequence"):
        attribute(clf, x, target=["yes", "no"])


def test_multi_output_regression_needs_an_output_index(ragged):
    X, _, y = ragged
    reg = fit_quietly(RNNRegressor(**FAST), X, np.column_stack([y, -3 * y]))
    with pytest.raises(ValueError, match="2 outputs; pass target="):
        attribute(reg, X[:2])
    x = X[:3]
    change = reg.predict(x) - reg.predict([np.zeros_like(s) for s in x])
    for output in (0, 1):
        totals = [a.sum() for a in attribute(reg, x, target=output)]
        np.testing.assert_allclose(totals, change[:, output], rtol=1e-2, atol=1e-2)
    with pytest.raises(ValueError, match="not an output index"):
        attribute(reg, x, target=2)


def test_pipeline_attributes_the_scaled_input(ragged):
    X, y, _ = ragged
    X = [x * 10 + 3 for x in X]
    pipe = fit_quietly(make_pipeline(SequenceScaler(), RNNClassifier(**FAST)), X, y)
    scaled = pipe[0].transform(X[:4])
    for a, b in zip(attribute(pipe, X[:4]), attribute(pipe[-1], scaled), strict=True):
        np.testing.assert_allclose(a, b, **TOL)


def test_model_is_left_in_its_mode(ragged):
    """Attributions are computed in eval mode (no dropout) and the module's
    mode is restored."""
    X, y, _ = ragged
    # two layers: dropout between them changes the outputs in train mode
    clf = fit_quietly(RNNClassifier(**FAST, num_layers=2, dropout=0.5), X, y)
    module = clf.net_.module_
    before = clf.predict_proba(X)
    result = {}
    for training in (True, False):  # ends in eval mode, as fit left it
        module.train(training)
        result[training] = attribute(clf, X[:3])
        assert module.training == training
    for a, b in zip(result[True], result[False], strict=True):
        np.testing.assert_allclose(a, b, **TOL)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_bad_input(fitted_clf, ragged):
    X = ragged[0]
    with pytest.raises(NotFittedError):
        attribute(RNNClassifier(), X)
    with pytest.raises(ValueError, match="expecting 2 features"):
        attribute(fitted_clf, [np.zeros((4, 3))])
    with pytest.raises(InvalidParameterError, match="'method' parameter"):
        attribute(fitted_clf, X, method="saliency")
    with pytest.raises(InvalidParameterError, match="'window' parameter"):
        attribute(fitted_clf, X, method="occlusion", window=0)


def test_missing_captum_names_the_extra(monkeypatch, fitted_clf, ragged):
    monkeypatch.setitem(sys.modules, "captum", None)
    monkeypatch.setitem(sys.modules, "captum.attr", None)
    with pytest.raises(ImportError, match=r"pip install sklearn-rnn\[inspection\]"):
        attribute(fitted_clf, ragged[0])
