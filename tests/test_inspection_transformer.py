"""HiddenStateTransformer: fit, transform, pipelines, clone, grid search."""

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, fit_quietly, make_ragged, state_width, to_multiindex
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler
from sklearn_rnn.inspection import HiddenStateTransformer, hidden_states

DATA = make_ragged(n_samples=40, seed=3)


def _pipeline(**params):
    rnn = RNNClassifier(**{**FAST, "pooling": "last", **params})
    return make_pipeline(
        SequenceScaler(), HiddenStateTransformer(rnn), LogisticRegression()
    )


def test_pipeline_with_logistic_regression_learns_the_task():
    X, y, _ = DATA
    pipe = fit_quietly(_pipeline(max_iter=10), X, y)
    assert pipe.predict(X).shape == (len(X),)
    # the classes are shifted by +-1: the hidden states separate them
    assert pipe.score(X, y) > 0.9
    features = pipe[:-1].transform(X)
    assert features.shape == (len(X), state_width(pipe[1].estimator_))
    assert features.shape[1] == 2 * FAST["hidden_size"]  # both directions
    assert features.dtype == np.float32


def test_transform_is_hidden_states_of_the_fitted_clone():
    X, y, _ = DATA
    rnn = RNNClassifier(**FAST)
    transformer = fit_quietly(HiddenStateTransformer(rnn), X, y)
    assert transformer.estimator_ is not rnn
    assert not hasattr(rnn, "net_")  # the given estimator is left unfitted
    np.testing.assert_array_equal(
        transformer.transform(X), hidden_states(transformer.estimator_, X)
    )
    # the clone is fitted exactly as the estimator alone would be
    alone = fit_quietly(clone(rnn), X, y)
    np.testing.assert_allclose(transformer.transform(X), hidden_states(alone, X))
    assert transformer.n_features_in_ == alone.n_features_in_


def test_sample_weight_reaches_the_network():
    X, y, _ = DATA
    weight = np.where(np.arange(len(X)) < 10, 0.0, 1.0)
    transformer = HiddenStateTransformer(RNNClassifier(**FAST))
    weighted = fit_quietly(transformer, X, y, sample_weight=weight)
    direct = fit_quietly(RNNClassifier(**FAST), X, y, sample_weight=weight)
    np.testing.assert_allclose(weighted.transform(X), hidden_states(direct, X))


def test_regressor_inside():
    X, _, y = DATA
    pipe = make_pipeline(
        HiddenStateTransformer(RNNRegressor(**FAST)), LinearRegression()
    )
    assert fit_quietly(pipe, X, y).predict(X).shape == (len(X),)


def test_clone_and_parameters():
    pipe = _pipeline(hidden_size=4)
    params = pipe.get_params()
    assert params["hiddenstatetransformer__estimator__hidden_size"] == 4
    cloned = clone(pipe)
    assert cloned.get_params()["hiddenstatetransformer__estimator__hidden_size"] == 4
    assert cloned[1].estimator is not pipe[1].estimator


def test_grid_search_over_the_network_parameters():
    X, y, _ = DATA
    search = GridSearchCV(
        _pipeline(), {"hiddenstatetransformer__estimator__hidden_size": [2, 5]}, cv=2
    )
    fit_quietly(search, X, y)
    assert len(search.cv_results_["params"]) == 2
    best = search.best_params_["hiddenstatetransformer__estimator__hidden_size"]
    width = search.best_estimator_[:-1].transform(X).shape[1]
    assert width == 2 * best  # both directions (the classifier's "auto")


def test_feature_names_out():
    X, y, _ = DATA
    rnn = RNNClassifier(**{**FAST, "hidden_size": 3, "bidirectional": True})
    transformer = fit_quietly(HiddenStateTransformer(rnn), X, y)
    names = transformer.get_feature_names_out()
    assert names.tolist() == [f"hidden{i}" for i in range(6)]
    assert transformer.transform(X).shape == (len(X), 6)


def test_pandas_output_on_a_multiindex_frame_is_indexed_by_sample():
    X, y, _ = DATA
    frame = to_multiindex(X, columns=["a", "b"])
    transformer = HiddenStateTransformer(RNNClassifier(**FAST))
    transformer.set_output(transform="pandas")
    out = fit_quietly(transformer, frame, y).transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.index.tolist() == list(range(len(X)))
    assert out.index.name == "sample"
    width = state_width(transformer.estimator_)
    assert out.columns.tolist() == [f"hidden{i}" for i in range(width)]
    assert transformer.feature_names_in_.tolist() == ["a", "b"]
    # the input features are checked against those seen in fit
    transformer.get_feature_names_out(["a", "b"])
    with pytest.raises(ValueError, match="input_features is not equal"):
        transformer.get_feature_names_out(["a", "c"])


def test_estimator_must_be_an_rnn():
    X, y, _ = DATA
    with pytest.raises(InvalidParameterError, match="'estimator' parameter"):
        HiddenStateTransformer(LogisticRegression()).fit(X, y)


def test_needs_y():
    X, _, _ = DATA
    with pytest.raises(ValueError, match="requires y"):
        HiddenStateTransformer(RNNClassifier(**FAST)).fit(X, None)
