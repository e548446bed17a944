"""return_sequences=True: one output per time step (the README's "One
output per time step")."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.class_weight import compute_sample_weight

from sklearn_rnn import RNNClassifier, RNNRegressor, load

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.default_rng(0)
LENGTHS = rng.integers(4, 13, size=60)
X = [rng.normal(size=(n, 2)).astype(np.float32) for n in LENGTHS]
# tagging: the label of a step is the sign of its first feature
TAGS = [(x[:, 0] > 0).astype(int) for x in X]
# next-step style: the label of a step is the sign of the previous step's
LAGGED = [np.concatenate([[0], (x[:-1, 0] > 0).astype(int)]) for x in X]
VALUES = [np.c_[x[:, 0] + x[:, 1], np.cumsum(x[:, 0])] for x in X]

FAST = {"hidden_size": 16, "max_iter": 60, "random_state": 0, "device": "cpu"}


def clf(**params):
    return RNNClassifier(return_sequences=True, **{**FAST, **params})


def reg(**params):
    return RNNRegressor(return_sequences=True, **{**FAST, **params})


@pytest.fixture(scope="module")
def tagger():
    return clf().fit(X, TAGS)


# -- forms of y and of what predict returns -----------------------------------


def test_ragged_list_gives_lists(tagger):
    labels = tagger.predict(X)
    proba = tagger.predict_proba(X)
    assert isinstance(labels, list)
    assert isinstance(proba, list)
    assert [len(p) for p in labels] == list(LENGTHS)
    assert all(p.shape == (n, 2) for p, n in zip(proba, LENGTHS, strict=True))
    np.testing.assert_allclose(np.concatenate(proba).sum(axis=1), 1.0)
    np.testing.assert_array_equal(tagger.classes_, [0, 1])


def test_tagging_is_learned(tagger):
    assert tagger.score(X, TAGS) > 0.95


def test_next_step_needs_memory_and_is_learned():
    model = clf(max_iter=100).fit(X, LAGGED)
    assert model.score(X, LAGGED) > 0.9


def test_array_x_gives_arrays():
    X3 = np.stack([x[:4] for x in X])
    y2 = (X3[:, :, 0] > 0).astype(int)
    model = clf(max_iter=5).fit(X3, y2)
    assert model.predict(X3).shape == (60, 4)
    assert model.predict_proba(X3).shape == (60, 4, 2)
    # a list X, even of equal-length sequences, gives a list
    as_list = model.predict(list(X3))
    assert isinstance(as_list, list)
    assert as_list[0].shape == (4,)
    np.testing.assert_array_equal(np.stack(as_list), model.predict(X3))
    # y may also be a list for array X
    model.fit(X3, list(y2))


def test_multiindex_x_gives_series_with_its_index():
    frames = {
        f"s{i}": pd.DataFrame(x, index=pd.Index(range(len(x)), name="t"))
        for i, x in enumerate(X[:20])
    }
    frame = pd.concat(frames, names=["sample", "t"])
    frame = frame.sample(frac=1.0, random_state=0)  # rows in any order
    tags = pd.Series((frame[0] > 0).astype(int).to_numpy(), index=frame.index)
    model = clf(max_iter=5).fit(frame, tags)
    labels = model.predict(frame)
    assert isinstance(labels, pd.Series)
    assert labels.index.equals(frame.index)
    proba = model.predict_proba(frame)
    assert isinstance(proba, pd.DataFrame)
    assert proba.index.equals(frame.index)
    assert list(proba.columns) == [0, 1]
    # the same model on the same sequences as a list: the same outputs
    ordered = [frames[f"s{i}"].to_numpy() for i in range(20)]
    by_list = np.concatenate(model.predict_proba(ordered))
    back = proba.loc[[(f"s{i}", t) for i in range(20) for t in range(LENGTHS[i])]]
    np.testing.assert_allclose(back.to_numpy(), by_list, atol=1e-7)


def test_regressor_forms_and_several_outputs():
    model = reg(max_iter=20).fit(X, VALUES)
    out = model.predict(X)
    assert isinstance(out, list)
    assert out[3].shape == (LENGTHS[3], 2)
    single = reg(max_iter=5).fit(X, [v[:, 0] for v in VALUES])
    assert single.predict(X)[0].shape == (LENGTHS[0],)
    X3 = np.stack([x[:4] for x in X])
    y3 = np.stack([v[:4] for v in VALUES])
    assert reg(max_iter=5).fit(X3, y3).predict(X3).shape == (60, 4, 2)
    flat_true, flat_pred = np.concatenate(VALUES), np.concatenate(out)
    assert model.score(X, VALUES) == pytest.approx(r2_score(flat_true, flat_pred))


# -- what is refused ----------------------------------------------------------


def test_step_counts_that_differ_are_named():
    bad = [t.copy() for t in TAGS]
    bad[7] = bad[7][:-1]
    with pytest.raises(ValueError, match=r"sample 7 has \d+ target\(s\).*time step"):
        clf().fit(X, bad)


def test_one_target_per_sequence_is_refused():
    with pytest.raises(ValueError, match="one target per time step"):
        clf().fit(X, np.arange(60) % 2)


def test_patches_are_refused_and_auto_reads_step_by_step():
    long = [rng.normal(size=(200, 1)) for _ in range(6)]
    tags = [(x[:, 0] > 0).astype(int) for x in long]
    with pytest.raises(ValueError, match="patch_size"):
        clf(patch_size=4).fit(long, tags)
    assert clf(max_iter=1).fit(long, tags).patch_size_ == 1


# -- causality and padding ----------------------------------------------------


LONGEST = int(np.argmax(LENGTHS))


def test_unidirectional_output_is_causal(tagger):
    x = X[LONGEST].copy()
    before = tagger.predict_proba([x])[0]
    x[6:] += 10.0  # change the future
    after = tagger.predict_proba([x])[0]
    np.testing.assert_array_equal(after[:6], before[:6])
    assert not np.allclose(after[6:], before[6:])


def test_auto_reads_forwards_for_steps_and_both_ways_for_sequences(tmp_path):
    """The classifier's default: causal per-step outputs, bidirectional
    whole-sequence ones; the regressor reads forwards unless told."""
    assert RNNClassifier().bidirectional == "auto"
    tagger = clf(max_iter=2).fit(X, TAGS)
    assert tagger.bidirectional_ is False
    assert not tagger.net_.module_.rnn.bidirectional
    labels = [int(t[-1]) for t in TAGS]
    whole = RNNClassifier(**{**FAST, "max_iter": 2}).fit(X, labels)
    assert whole.bidirectional_ is True
    assert whole.net_.module_.rnn.bidirectional
    assert (
        RNNRegressor(**{**FAST, "max_iter": 2}).fit(X, labels).bidirectional_ is False
    )
    both = RNNRegressor(**{**FAST, "max_iter": 2}, bidirectional="auto")
    assert both.fit(X, np.array(labels, float)).bidirectional_ is True
    whole.save(tmp_path / "model")
    assert load(tmp_path / "model").bidirectional_ is True


def test_bidirectional_reads_the_future():
    model = clf(bidirectional=True, max_iter=5).fit(X, TAGS)
    x = X[LONGEST].copy()
    before = model.predict_proba([x])[0]
    x[6:] += 10.0
    assert not np.allclose(model.predict_proba([x])[0][:6], before[:6])


def test_padding_never_changes_a_result(tagger):
    together = tagger.predict_proba(X)
    for i in (0, 17, 59):
        np.testing.assert_array_equal(tagger.predict_proba([X[i]])[0], together[i])


# -- scores and weights -------------------------------------------------------


def test_score_pools_every_step_and_counts_unseen_labels_as_errors(tagger):
    pred = np.concatenate(tagger.predict(X))
    true = np.concatenate(TAGS)
    assert tagger.score(X, TAGS) == pytest.approx(accuracy_score(true, pred))
    unseen = [np.where(t == 1, 7, t) for t in TAGS]  # 7: never seen
    assert tagger.score(X, unseen) == pytest.approx(
        accuracy_score(np.concatenate(unseen), pred)
    )
    weights = np.arange(60, dtype=float)
    assert tagger.score(X, TAGS, sample_weight=weights) == pytest.approx(
        accuracy_score(true, pred, sample_weight=np.repeat(weights, LENGTHS))
    )


def test_balanced_class_weight_counts_steps():
    model = clf(class_weight="balanced")
    seqs_model = model.fit(X, TAGS)  # fits
    encoder = seqs_model._target_encoder
    from sklearn_rnn._sequences import as_sequences

    seqs = as_sequences(X)
    y_encoded = encoder.transform(TAGS, seqs)
    weights = model._loss_weights(y_encoded, None, encoder, seqs)
    expected = compute_sample_weight("balanced", np.concatenate(TAGS))
    np.testing.assert_allclose(weights, expected)


def test_early_stopping_holds_out_sequences():
    model = clf(early_stopping=True, validation_fraction=0.2).fit(X, TAGS)
    assert 0.5 < model.best_validation_score_ <= 1.0
    assert len(model.validation_scores_) == model.n_iter_


# -- continuing and persistence -----------------------------------------------


def test_partial_fit_warm_start_pickle_save_load(tagger, tmp_path):
    proba = tagger.predict_proba(X)
    again = pickle.loads(pickle.dumps(tagger))
    np.testing.assert_array_equal(
        np.concatenate(again.predict_proba(X)), np.concatenate(proba)
    )
    tagger.save(tmp_path / "tagger.safetensors")
    loaded = load(tmp_path / "tagger.safetensors")
    assert loaded.return_sequences
    np.testing.assert_array_equal(
        np.concatenate(loaded.predict_proba(X)), np.concatenate(proba)
    )
    loaded.partial_fit(X, TAGS)
    assert loaded.n_iter_ == tagger.n_iter_ + 1
    warm = pickle.loads(pickle.dumps(tagger)).set_params(warm_start=True, max_iter=2)
    warm.fit(X, TAGS)
    assert warm.n_iter_ == tagger.n_iter_ + 2
    with pytest.raises(ValueError, match="architecture cannot change"):
        warm.set_params(return_sequences=False).fit(X, TAGS)


def test_attribute_refuses_a_per_step_model(tagger):
    pytest.importorskip("captum")
    from sklearn_rnn.inspection import attribute

    with pytest.raises(ValueError, match="return_sequences=True"):
        attribute(tagger, X[:3])


# -- labels and model selection -----------------------------------------------


def test_string_labels():
    words = [np.where(t == 1, "up", "down") for t in TAGS]
    model = clf(max_iter=30).fit(X, words)
    np.testing.assert_array_equal(model.classes_, ["down", "up"])
    predicted = model.predict(X)
    assert predicted[0].dtype.kind == "U"
    assert model.score(X, words) > 0.9


def test_cross_validation_and_grid_search_on_lists():
    from sklearn.model_selection import GridSearchCV, cross_val_score

    scores = cross_val_score(clf(max_iter=20), X, TAGS, cv=3)
    assert scores.shape == (3,)
    assert (scores > 0.7).all()
    search = GridSearchCV(clf(max_iter=10), {"hidden_size": [4, 16]}, cv=2)
    search.fit(X, TAGS)
    assert search.best_params_["hidden_size"] in (4, 16)
    assert isinstance(search.predict(X[:2]), list)
