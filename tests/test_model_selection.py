"""GridSearchCV and cross_val_score on ragged sequences, in parallel.

scikit-learn's splitters index X with arrays of sample indices: a plain list
of per-sample arrays works (``_safe_indexing`` takes items of a list), and
so does a 1-D object array; a MultiIndex DataFrame does not (its rows are
time steps, not samples), so use the list form for cross-validation.
"""

import numpy as np
import pytest
from _helpers import FAST, make_ragged, to_object_array
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, Y, Y_REG = make_ragged(n_samples=36, seed=12)
PARAMS = {**FAST, "max_iter": 3}


def test_get_set_params_and_clone():
    clf = RNNClassifier(**PARAMS)
    params = clf.get_params()
    assert params["hidden_size"] == PARAMS["hidden_size"]
    # flat hyperparameters: no double-underscore routing needed
    assert not any("__" in name for name in params)
    clf.set_params(hidden_size=3, cell="lstm")
    assert clf.hidden_size == 3
    assert clf.cell == "lstm"
    twin = clone(clf)
    assert twin.get_params() == clf.get_params()
    assert not hasattr(twin, "net_")


@pytest.mark.parametrize("form", ["list", "object_array"])
def test_grid_search_on_ragged_sequences(form):
    X_cv = X if form == "list" else to_object_array(X)
    search = GridSearchCV(
        RNNClassifier(**PARAMS),
        param_grid={"hidden_size": [3, 6]},
        cv=3,
        n_jobs=2,
        error_score="raise",
    ).fit(X_cv, Y)
    assert search.best_params_["hidden_size"] in (3, 6)
    scores = search.cv_results_["mean_test_score"]
    assert scores.shape == (2,)
    assert np.isfinite(scores).all()
    best = search.best_estimator_
    assert best.hidden_size == search.best_params_["hidden_size"]
    assert best.net_.module_.rnn.hidden_size == best.hidden_size
    assert search.predict(X_cv).shape == (len(Y),)


def test_cross_val_score_pipeline_on_ragged_sequences():
    pipe = make_pipeline(SequenceScaler(), RNNClassifier(**PARAMS))
    scores = cross_val_score(pipe, X, Y, cv=3, n_jobs=2, error_score="raise")
    assert scores.shape == (3,)
    assert ((scores >= 0) & (scores <= 1)).all()
    # the same folds on one core give the same scores: fits are seeded
    serial = cross_val_score(pipe, X, Y, cv=3, n_jobs=1, error_score="raise")
    np.testing.assert_allclose(scores, serial)


def test_grid_search_pipeline_regressor():
    pipe = make_pipeline(SequenceScaler(), RNNRegressor(**PARAMS))
    search = GridSearchCV(
        pipe,
        {"rnnregressor__hidden_size": [3, 5], "rnnregressor__cell": ["gru", "rnn"]},
        cv=2,
        n_jobs=2,
        error_score="raise",
    ).fit(X, Y_REG)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
