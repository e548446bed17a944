"""HistoryDisplay and AttributionDisplay draw what they say; optional imports."""

import copy
import importlib
import sys

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, estimator, fit_quietly, state_width, to_multiindex
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import sklearn_rnn
from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.inspection import (
    AttributionDisplay,
    HistoryDisplay,
    attribute,
    hidden_states,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")
Line2D = pytest.importorskip("matplotlib.lines").Line2D


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def early_stopped(ragged):
    X, y, _ = ragged
    clf = RNNClassifier(**{**FAST, "max_iter": 8, "early_stopping": True})
    clf.set_params(validation_fraction=0.25, n_iter_no_change=20)
    return fit_quietly(clf, X, y)


def _lines(ax):
    return [line for line in ax.get_lines() if isinstance(line, Line2D)]


# -- HistoryDisplay -------------------------------------------------------


def test_history_without_early_stopping(fitted_clf):
    display = HistoryDisplay.from_estimator(fitted_clf)
    ax = display.ax_
    assert display.figure_ is ax.figure
    assert len(display.figure_.axes) == 1
    assert display.validation_ax_ is None
    assert display.validation_line_ is None
    # one curve and the best-epoch marker
    assert _lines(ax) == [display.loss_line_, display.best_epoch_line_]
    epochs, loss = display.loss_line_.get_data()
    np.testing.assert_array_equal(epochs, np.arange(1, fitted_clf.n_iter_ + 1))
    np.testing.assert_allclose(loss, fitted_clf.loss_curve_)
    best = int(np.argmin(fitted_clf.loss_curve_)) + 1
    assert display.best_epoch == best
    assert display.best_epoch_line_.get_xdata()[0] == best
    assert ax.get_xlabel() == "epoch"
    assert ax.get_ylabel() == "training loss"
    assert ax.get_title() == "RNNClassifier"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["training loss", f"best epoch ({best}, lowest loss)"]


def test_history_with_early_stopping_marks_the_restored_epoch(early_stopped):
    display = HistoryDisplay.from_estimator(early_stopped)
    assert len(display.figure_.axes) == 2
    assert _lines(display.validation_ax_) == [display.validation_line_]
    assert _lines(display.ax_) == [display.loss_line_, display.best_epoch_line_]
    _, scores = display.validation_line_.get_data()
    np.testing.assert_allclose(scores, early_stopped.validation_scores_)
    best = int(np.argmax(early_stopped.validation_scores_)) + 1
    assert display.best_epoch == best
    assert display.best_epoch_line_.get_xdata()[0] == best
    assert display.validation_ax_.get_ylabel() == "validation accuracy"
    # one legend, for both curves, drawn on the twin axes (above every line)
    assert display.ax_.get_legend() is None
    assert display.validation_ax_.get_legend() is display.legend_
    legend = [t.get_text() for t in display.legend_.get_texts()]
    assert legend == [
        "training loss",
        "validation accuracy",
        f"best epoch ({best}, restored)",
    ]


def test_history_of_a_warm_started_fit_aligns_the_scores(ragged):
    X, y, _ = ragged
    clf = fit_quietly(RNNClassifier(**{**FAST, "max_iter": 3}), X, y)
    clf.set_params(warm_start=True, early_stopping=True, max_iter=4)
    fit_quietly(clf, X, y)
    display = HistoryDisplay.from_estimator(clf)
    epochs, scores = display.validation_line_.get_data()
    assert len(epochs) == len(clf.loss_curve_) == 7
    assert np.isnan(scores[:3]).all()
    np.testing.assert_allclose(scores[3:], clf.validation_scores_)


def test_history_regressor_pipeline_and_given_axes(ragged):
    X, _, y = ragged
    reg = estimator("regressor", early_stopping=True, max_iter=4)
    pipe = fit_quietly(make_pipeline(SequenceScaler(), reg), X, y)
    _, ax = plt.subplots()
    display = HistoryDisplay.from_estimator(pipe, ax=ax, name="my model")
    assert display.ax_ is ax
    assert ax.get_title() == "my model"
    assert display.validation_ax_.get_ylabel() == "validation R²"
    np.testing.assert_allclose(display.loss_line_.get_ydata(), pipe[-1].loss_curve_)


def test_history_from_curves():
    display = HistoryDisplay(loss_curve=[3.0, 2.0, 2.5]).plot()
    assert _lines(display.ax_) == [display.loss_line_]
    assert display.best_epoch_line_ is None
    display = HistoryDisplay(
        loss_curve=[3.0, 2.0], validation_scores=[0.5, 0.7], best_epoch=2
    ).plot()
    assert display.validation_ax_.get_ylabel() == "validation score"


def test_history_bad_estimators(ragged):
    with pytest.raises(NotFittedError):
        HistoryDisplay.from_estimator(RNNClassifier())
    with pytest.raises(TypeError, match="RNNClassifier or RNNRegressor"):
        HistoryDisplay.from_estimator(LogisticRegression())


# -- AttributionDisplay ---------------------------------------------------


@pytest.mark.parametrize("method", ["integrated_gradients", "occlusion"])
def test_attribution_heatmap_of_one_sequence(fitted_clf, ragged, method):
    x = ragged[0][3]
    display = AttributionDisplay.from_estimator(fitted_clf, x, method=method)
    expected = attribute(fitted_clf, [x], method=method)[0]
    np.testing.assert_allclose(display.attributions, expected)
    ax = display.ax_
    assert list(ax.images) == [display.im_]
    # features on the vertical axis, time steps along the horizontal one
    np.testing.assert_allclose(display.im_.get_array(), expected.T, rtol=1e-6)
    low, high = display.im_.get_clim()
    assert low == -high == -np.abs(expected).max()
    assert ax.get_xlabel() == "time step"
    assert ax.get_ylabel() == "feature"
    assert display.colorbar_ is not None
    assert display.colorbar_.ax.get_ylabel() == "attribution"
    assert len(display.figure_.axes) == 2  # heatmap and colour bar
    predicted = fitted_clf.predict([x])[0]
    assert display.target == predicted
    assert str(predicted) in ax.get_title()


def test_attribution_feature_names_from_a_frame(ragged):
    X, y, _ = ragged
    frame = to_multiindex(X, columns=["speed", "angle"])
    clf = fit_quietly(RNNClassifier(**FAST), frame, y)
    sample = frame.loc[[5]]
    display = AttributionDisplay.from_estimator(clf, sample, target=1)
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert labels == ["speed", "angle"]
    assert display.target == 1
    # a plain frame of one sequence: its columns name the features
    plain = pd.DataFrame(X[5], columns=["speed", "angle"])
    again = AttributionDisplay.from_estimator(clf, plain, target=1)
    np.testing.assert_allclose(again.attributions, display.attributions, rtol=1e-5)
    with pytest.raises(ValueError, match="holds 2 samples"):
        AttributionDisplay.from_estimator(clf, frame.loc[[1, 2]])


def test_attribution_from_a_pipeline_and_univariate(fitted_clf_2d, equal, ragged):
    X, y, _ = ragged
    pipe = fit_quietly(make_pipeline(SequenceScaler(), RNNClassifier(**FAST)), X, y)
    _, ax = plt.subplots()
    display = AttributionDisplay.from_estimator(pipe, X[0], ax=ax, colorbar=False)
    assert display.ax_ is ax
    assert display.colorbar_ is None
    scaled = pipe[0].transform([X[0]])
    np.testing.assert_allclose(
        display.attributions, attribute(pipe[-1], scaled)[0], rtol=1e-5
    )
    x = equal[0][0, :, 0]  # one univariate sequence of a model fitted on 2-D X
    display = AttributionDisplay.from_estimator(fitted_clf_2d, x)
    assert display.im_.get_array().shape == (1, len(x))


def test_attribution_display_from_values():
    values = np.arange(12.0).reshape(6, 2) - 5
    display = AttributionDisplay(
        values, feature_names=["a", "b"], target="yes", method="occlusion"
    ).plot(cmap="viridis")
    assert display.ax_.get_title() == "Occlusion attributions (target yes)"
    assert display.im_.get_cmap().name == "viridis"
    with pytest.raises(ValueError, match="3 feature names for 2 features"):
        AttributionDisplay(values, feature_names=["a", "b", "c"]).plot()
    with pytest.raises(ValueError, match="one sequence"):
        AttributionDisplay(np.zeros((2, 3, 4))).plot()


def test_attribution_display_bad_input(fitted_clf, ragged):
    X = ragged[0]
    with pytest.raises(ValueError, match=r"one sequence.*X\[i\]"):
        AttributionDisplay.from_estimator(fitted_clf, np.zeros((2, 5, 2)))
    with pytest.raises(ValueError, match="expecting 2 features"):
        AttributionDisplay.from_estimator(fitted_clf, np.zeros((5, 3)))
    with pytest.raises(NotFittedError):
        AttributionDisplay.from_estimator(RNNClassifier(), X[0])


# -- optional dependencies -------------------------------------------------


def _hide(monkeypatch, package):
    """Make ``import package`` (and its submodules) fail."""
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, package, None)


def test_missing_matplotlib_names_the_extra(monkeypatch, fitted_clf, ragged):
    display = HistoryDisplay(loss_curve=[1.0, 0.5])
    _hide(monkeypatch, "matplotlib")
    extra = r"pip install sklearn-rnn\[inspection\]"
    with pytest.raises(
        ImportError, match=f"HistoryDisplay requires matplotlib.*{extra}"
    ):
        HistoryDisplay.from_estimator(fitted_clf)
    with pytest.raises(ImportError, match=extra):
        display.plot()
    with pytest.raises(ImportError, match=f"AttributionDisplay requires.*{extra}"):
        AttributionDisplay.from_estimator(fitted_clf, ragged[0][0])


def test_inspection_imports_and_works_without_matplotlib_and_captum(
    monkeypatch, fitted_clf, ragged
):
    _hide(monkeypatch, "matplotlib")
    _hide(monkeypatch, "captum")
    # a fresh import; the package attribute and sys.modules are restored after
    monkeypatch.setattr(sklearn_rnn, "inspection", sklearn_rnn.inspection)
    for name in list(sys.modules):
        if name.startswith("sklearn_rnn.inspection"):
            monkeypatch.delitem(sys.modules, name)
    inspection = importlib.import_module("sklearn_rnn.inspection")
    assert set(inspection.__all__) == {
        "HistoryDisplay",
        "AttributionDisplay",
        "hidden_states",
        "HiddenStateTransformer",
        "attribute",
    }
    X = ragged[0]
    np.testing.assert_array_equal(
        inspection.hidden_states(fitted_clf, X), hidden_states(fitted_clf, X)
    )
    with pytest.raises(ImportError, match="attribute requires captum"):
        inspection.attribute(fitted_clf, X)
    transformer = inspection.HiddenStateTransformer(copy.deepcopy(fitted_clf))
    assert fit_quietly(transformer, X, ragged[1]).transform(X).shape == (
        len(X),
        state_width(fitted_clf),
    )
