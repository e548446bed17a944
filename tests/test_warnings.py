"""Warnings point at the user's line, not at a library's."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 6, 2))
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(int)


@pytest.mark.parametrize("in_pipeline", [False, True])
def test_convergence_warning_points_at_the_callers_line(in_pipeline):
    X, y = _data()
    est = RNNClassifier(hidden_size=4, max_iter=2, random_state=0)
    if in_pipeline:
        est = make_pipeline(SequenceScaler(), est)
    with pytest.warns(ConvergenceWarning) as record:
        est.fit(X, y)
    assert [w.filename for w in record] == [__file__]


def test_warnings_inside_scikit_learn_helpers_point_at_the_callers_line():
    X, y = _data()
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always", ConvergenceWarning)
        cross_val_score(RNNClassifier(hidden_size=4, max_iter=1), X, y, cv=2)
    assert record
    assert {w.filename for w in record} == {__file__}
