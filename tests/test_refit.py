"""early_stopping="refit": the hold-out chooses the epochs, then a new
network is trained on all the data for them."""

import numpy as np
import pytest
from _helpers import fit_quietly

from sklearn_rnn import RNNClassifier, RNNRegressor, load

PARAMS = {"hidden_size": 8, "max_iter": 60, "random_state": 0, "device": "cpu"}


def _data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 12, 2)).astype(np.float32)
    y = X[:, 3, 0] + 0.1 * rng.normal(size=n)
    return X, y


def test_the_refit_is_a_fit_on_all_data_for_the_chosen_epochs():
    X, y = _data()
    chosen = fit_quietly(RNNRegressor(**PARAMS, early_stopping=True), X, y)
    best = int(chosen.net_.history[-1]["best_epoch"])
    refit = fit_quietly(RNNRegressor(**PARAMS, early_stopping="refit"), X, y)
    plain = fit_quietly(
        RNNRegressor(**{**PARAMS, "max_iter": best}, early_stopping=False), X, y
    )
    np.testing.assert_array_equal(refit.predict(X), plain.predict(X))
    assert refit.n_iter_ == plain.n_iter_ <= best
    assert refit.loss_curve_ == plain.loss_curve_
    assert refit.best_loss_ == min(refit.loss_curve_)
    # the hold-out scores are those of the run that chose the epochs
    assert refit.validation_scores_ == chosen.validation_scores_
    assert refit.best_validation_score_ == chosen.best_validation_score_


def test_the_regressor_refits_by_default():
    X, y = _data()
    default = fit_quietly(RNNRegressor(**PARAMS), X, y)
    refit = fit_quietly(RNNRegressor(**PARAMS, early_stopping="refit"), X, y)
    np.testing.assert_array_equal(default.predict(X), refit.predict(X))
    assert RNNClassifier().early_stopping is False


def test_a_classifier_refits_after_a_stratified_choice():
    X, y = _data()
    labels = (y > 0).astype(int)
    chosen = fit_quietly(RNNClassifier(**PARAMS, early_stopping=True), X, labels)
    best = int(chosen.net_.history[-1]["best_epoch"])
    refit = fit_quietly(RNNClassifier(**PARAMS, early_stopping="refit"), X, labels)
    plain = fit_quietly(
        RNNClassifier(**{**PARAMS, "max_iter": best}, early_stopping=False),
        X,
        labels,
    )
    np.testing.assert_array_equal(refit.predict_proba(X), plain.predict_proba(X))
    assert refit.validation_scores_ == chosen.validation_scores_


def test_a_continued_fit_refits_from_the_fitted_network():
    X, y = _data()
    reg = RNNRegressor(
        **{**PARAMS, "max_iter": 2}, early_stopping="refit", warm_start=True
    )
    fit_quietly(reg, X, y)
    first, before = reg.n_iter_, reg.predict(X)
    fit_quietly(reg.set_params(max_iter=60), X, y)
    assert reg.n_iter_ > first  # trained on from the fitted network
    assert not np.array_equal(reg.predict(X), before)
    assert len(reg.validation_scores_) > 2


def test_save_and_load_keep_the_refit_and_its_scores(tmp_path):
    X, y = _data()
    reg = fit_quietly(RNNRegressor(**PARAMS), X, y)
    reg.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded.early_stopping == "refit"
    assert loaded.validation_scores_ == reg.validation_scores_
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


def test_the_history_display_draws_the_refit_loss_alone():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    from sklearn_rnn.inspection import HistoryDisplay

    X, y = _data()
    reg = fit_quietly(RNNRegressor(**PARAMS), X, y)
    display = HistoryDisplay.from_estimator(reg)
    assert display.validation_scores is None
    assert display.best_epoch == int(np.argmin(reg.loss_curve_)) + 1
