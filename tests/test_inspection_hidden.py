"""sklearn_rnn.inspection.hidden_states: shapes, forms of X, padding."""

import numpy as np
import pandas as pd
import pytest
from _helpers import (
    DEVICES,
    FAST,
    estimator,
    fit_quietly,
    make_ragged,
    scramble_rows,
    state_width,
    to_multiindex,
)
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.inspection import hidden_states

# lengths 1..20: batches mix very short and long sequences
DATA = make_ragged(n_samples=30, seed=7, min_len=1, max_len=20)

CONFIGS = {
    "gru": dict(cell="gru"),
    "lstm": dict(cell="lstm"),
    "bidirectional_lstm": dict(cell="lstm", bidirectional=True),
    "two_layers_bidirectional_rnn": dict(cell="rnn", num_layers=2, bidirectional=True),
}

TOL = dict(rtol=1e-4, atol=1e-5)


@pytest.fixture(scope="module", params=list(CONFIGS))
def config_model(request):
    X, y, _ = DATA
    # batch_size 8: hidden states are computed in several padded batches too
    est = estimator("classifier", max_iter=1, batch_size=8, **CONFIGS[request.param])
    return fit_quietly(est, X, y)


def test_a_sequence_has_the_same_states_alone_and_in_a_ragged_batch(config_model):
    X, _, _ = DATA
    est = config_model
    last = hidden_states(est, X)
    steps = hidden_states(est, X, all_steps=True)
    assert last.shape == (len(X), state_width(est))
    assert last.dtype == np.float32
    assert isinstance(steps, list)
    for i, x in enumerate(X):
        assert steps[i].shape == (len(x), state_width(est))
        np.testing.assert_allclose(hidden_states(est, [x])[0], last[i], **TOL)
        alone = hidden_states(est, [x], all_steps=True)[0]
        np.testing.assert_allclose(alone, steps[i], **TOL)


def test_longer_neighbours_do_not_change_the_states(config_model):
    X, _, _ = DATA
    rng = np.random.default_rng(0)
    long = [rng.normal(size=(60, 2)).astype(np.float32) * 5 for _ in range(3)]
    est = config_model
    mixed = hidden_states(est, [*long, *X, *long])[3:-3]
    np.testing.assert_allclose(mixed, hidden_states(est, X), **TOL)


def test_last_step_state_is_the_last_state_when_unidirectional(ragged):
    X, y, _ = ragged
    forwards = fit_quietly(RNNClassifier(**FAST, bidirectional=False), X, y)
    steps = hidden_states(forwards, X, all_steps=True)
    last = hidden_states(forwards, X)
    np.testing.assert_allclose(np.stack([s[-1] for s in steps]), last, **TOL)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_bidirectional_last_state_holds_both_directions_ends(cell):
    X, y, _ = DATA
    est = estimator("classifier", max_iter=1, cell=cell, bidirectional=True)
    est = fit_quietly(est, X, y)
    h = est.hidden_size
    for x in X[:5]:
        steps = hidden_states(est, [x], all_steps=True)[0]
        last = hidden_states(est, [x])[0]
        # forward half after the last step, backward half after the first
        np.testing.assert_allclose(last[:h], steps[-1, :h], **TOL)
        np.testing.assert_allclose(last[h:], steps[0, h:], **TOL)


def test_equal_length_input_gives_arrays(fitted_clf, equal):
    X, _, _ = equal
    n, t, _ = X.shape
    steps = hidden_states(fitted_clf, X, all_steps=True)
    assert isinstance(steps, np.ndarray)
    assert steps.shape == (n, t, state_width(fitted_clf))
    last = hidden_states(fitted_clf, X)
    assert last.shape == (n, state_width(fitted_clf))
    # the same sequences as a list of arrays: the same states
    np.testing.assert_allclose(hidden_states(fitted_clf, list(X)), last, **TOL)
    listed = hidden_states(fitted_clf, list(X), all_steps=True)
    np.testing.assert_allclose(np.stack(listed), steps, **TOL)


def test_two_dimensional_input(fitted_clf_2d, equal):
    X = equal[0][:, :, 0]
    steps = hidden_states(fitted_clf_2d, X, all_steps=True)
    width = state_width(fitted_clf_2d)
    assert steps.shape == (*X.shape, width)
    assert hidden_states(fitted_clf_2d, X).shape == (len(X), width)


@pytest.mark.filterwarnings("ignore:X has feature names")
def test_multiindex_frame_gives_the_states_of_the_list(fitted_clf, ragged):
    X, _, _ = ragged
    frame = scramble_rows(to_multiindex(X))
    # samples come in order of first appearance, each sorted by time
    X = [X[i] for i in pd.unique(frame.index.get_level_values(0))]
    expected = hidden_states(fitted_clf, X, all_steps=True)
    steps = hidden_states(fitted_clf, frame, all_steps=True)
    assert len(steps) == len(X)
    for got, want in zip(steps, expected, strict=True):
        np.testing.assert_allclose(got, want, **TOL)
    np.testing.assert_allclose(
        hidden_states(fitted_clf, frame), hidden_states(fitted_clf, X), **TOL
    )


def test_regressor(fitted_reg, ragged):
    X, _, _ = ragged
    assert hidden_states(fitted_reg, X).shape == (len(X), fitted_reg.hidden_size)


@pytest.mark.parametrize("device", DEVICES)
def test_model_mode_and_predictions_are_left_alone(ragged, device):
    X, y, _ = ragged
    # two layers: dropout between them reaches the states in train mode
    est = estimator("classifier", num_layers=2, dropout=0.5, device=device)
    est = fit_quietly(est, X, y)
    module = est.net_.module_
    before = est.predict_proba(X)
    module.train()
    in_train_mode = hidden_states(est, X)
    assert module.training
    module.eval()
    again = hidden_states(est, X)
    assert not module.training
    np.testing.assert_allclose(hidden_states(est, X), again)
    np.testing.assert_allclose(in_train_mode, again)  # computed without dropout
    np.testing.assert_allclose(est.predict_proba(X), before)


def test_pipeline_applies_its_transformers_first(ragged):
    X, y, _ = ragged
    X = [x * 10 + 3 for x in X]
    pipe = fit_quietly(make_pipeline(SequenceScaler(), estimator("classifier")), X, y)
    scaled = pipe[0].transform(X)
    np.testing.assert_allclose(
        hidden_states(pipe, X), hidden_states(pipe[-1], scaled), **TOL
    )


def test_unfitted_estimator_raises_not_fitted(ragged):
    with pytest.raises(NotFittedError):
        hidden_states(RNNClassifier(), ragged[0])


def test_wrong_feature_count_raises(fitted_clf):
    X = [np.zeros((4, 3)), np.zeros((5, 3))]
    with pytest.raises(ValueError, match="expecting 2 features"):
        hidden_states(fitted_clf, X)


def test_not_an_rnn_raises(ragged, equal):
    X, y, _ = equal
    flat = LogisticRegression().fit(X[:, :, 0], y)
    with pytest.raises(TypeError, match=r"RNNClassifier or RNNRegressor.*got Log"):
        hidden_states(flat, X[:, :, 0])
    pipe = make_pipeline(LogisticRegression()).fit(X[:, :, 0], y)
    with pytest.raises(TypeError, match="Pipeline ending in LogisticRegression"):
        hidden_states(pipe, X[:, :, 0])


def test_bad_all_steps_raises(fitted_clf, ragged):
    with pytest.raises(InvalidParameterError, match="all_steps"):
        hidden_states(fitted_clf, ragged[0], all_steps="yes")
