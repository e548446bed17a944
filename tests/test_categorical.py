"""Categorical step features (the README's "Categorical and token steps"):
codes read through a learned embedding, by identity; unseen codes read as
unknown; invalid codes refused; with every other feature of the package."""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from _helpers import state_width
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler, load
from sklearn_rnn._categorical import auto_embedding_dim
from sklearn_rnn.inspection import attribute, hidden_states

#: codes whose presence makes the label: not an interval of codes, so a
#: model reading codes as magnitudes cannot separate them with one cut
CHOSEN = (1, 4, 6)


def _data(n=240, seed=0, n_codes=8):
    """Ragged sequences of (number, code); y: the last step's code is one
    of CHOSEN."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for length in rng.integers(3, 12, size=n):
        codes = rng.integers(0, n_codes, size=length)
        X.append(np.column_stack([rng.normal(size=length), codes]))
        y.append(int(codes[-1] in CHOSEN))
    return X, np.array(y)


def _clf(**params):
    # the label is at the last step: the "last" pooling reads it
    defaults = {"hidden_size": 16, "max_iter": 40, "random_state": 0, "pooling": "last"}
    return RNNClassifier(**{**defaults, **params})


@pytest.fixture(scope="module")
def fitted():
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return _clf(categorical_features=[1]).fit(X, y)


def _fit_quietly(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


def test_codes_are_read_by_identity(fitted):
    X, y = _data(seed=1)
    assert fitted.score(X, y) > 0.95
    # the same data read as magnitudes does much worse
    raw = _fit_quietly(_clf(), *_data())
    assert raw.score(X, y) < fitted.score(X, y) - 0.1


def test_fitted_attributes(fitted):
    np.testing.assert_array_equal(fitted.is_categorical_, [False, True])
    np.testing.assert_array_equal(fitted.n_categories_, [8])
    table = fitted.net_.module_.inputs.embeddings[0]
    # padding and 8 codes; the "auto" size for 8 categories
    assert table.num_embeddings == 9
    assert table.embedding_dim == auto_embedding_dim(8)


@pytest.mark.parametrize("spec", [[1], np.array([1]), [False, True], (1,)])
def test_indices_and_boolean_masks_name_the_same_feature(spec):
    X, y = _data(n=60)
    est = _fit_quietly(_clf(categorical_features=spec, max_iter=2), X, y)
    np.testing.assert_array_equal(est.is_categorical_, [False, True])


def test_no_categorical_features_by_default():
    X, y = _data(n=40)
    est = _fit_quietly(_clf(max_iter=2), X, y)
    np.testing.assert_array_equal(est.is_categorical_, [False, False])
    assert est.n_categories_.shape == (0,)


def test_embedding_dim_int():
    X, y = _data(n=40)
    est = _fit_quietly(
        _clf(categorical_features=[1], embedding_dim=3, max_iter=2), X, y
    )
    assert est.net_.module_.inputs.embeddings[0].embedding_dim == 3


@pytest.mark.parametrize(
    ("n", "size"), [(2, 2), (7, 5), (80, 19), (1000, 50), (10**6, 50)]
)
def test_auto_embedding_dim_rule(n, size):
    assert auto_embedding_dim(n) == size


def test_unseen_codes_are_unknown_never_an_index_error(fitted):
    X, _ = _data(n=20, seed=2)
    big, bigger = copy.deepcopy(X), copy.deepcopy(X)
    for a, b in zip(big, bigger, strict=True):
        a[-1, 1], b[-1, 1] = 8, 10**6  # 8 = n_categories_: the first unseen
    # every unseen code is the same "unknown"
    np.testing.assert_array_equal(
        fitted.predict_proba(big), fitted.predict_proba(bigger)
    )
    assert not np.allclose(fitted.predict_proba(big), fitted.predict_proba(X))


@pytest.mark.parametrize(
    ("value", "shown"),
    [(-1.0, "-1.0"), (2.5, "2.5"), (np.nan, "NaN"), (np.inf, "inf"), (2.0**24, "")],
)
def test_invalid_codes_raise_naming_the_feature(fitted, value, shown):
    X, y = _data(n=20, seed=3)
    X[4][1, 1] = value
    before = fitted.predict_proba(X[:4])
    with pytest.raises(ValueError, match=r"feature 1") as info:
        fitted.predict(X)
    assert shown in str(info.value)
    refit = copy.deepcopy(fitted)
    with pytest.raises(ValueError, match=r"feature 1"):
        refit.fit(X, y)
    np.testing.assert_array_equal(refit.predict_proba(X[:4]), before)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ([2], r"holds the index 2, but X has 2 features per time step"),
        ([-1], r"holds the index -1"),
        ([True], r"boolean mask of 1 values, but X has 2 features"),
        ([0.5], r"1-D array-like of step-feature indices"),
    ],
)
def test_bad_categorical_features(spec, message):
    X, y = _data(n=20)
    with pytest.raises(ValueError, match=message):
        _clf(categorical_features=spec, max_iter=1).fit(X, y)


def test_padding_invariance(fitted):
    X, _ = _data(n=12, seed=4)
    together = fitted.predict_proba(X)
    alone = np.vstack([fitted.predict_proba([x]) for x in X])
    np.testing.assert_array_equal(together, alone)


def test_one_output_per_step_is_causal():
    X, _ = _data(n=80, seed=5)
    y = [np.isin(x[:, 1], CHOSEN).astype(int) for x in X]
    tagger = _clf(categorical_features=[1], return_sequences=True, max_iter=30)
    _fit_quietly(tagger, X, y)
    assert tagger.score(X, y) > 0.95
    x = X[0]
    changed = x.copy()
    changed[-1, 1] = (x[-1, 1] + 1) % 8
    before, after = tagger.predict_proba([x])[0], tagger.predict_proba([changed])[0]
    np.testing.assert_array_equal(before[:-1], after[:-1])


def test_scaler_leaves_codes_alone():
    X, _ = _data(n=30)
    scaler = SequenceScaler(categorical_features=[1]).fit(X)
    out = scaler.transform(X)
    np.testing.assert_array_equal(
        np.concatenate(out)[:, 1], np.concatenate(X)[:, 1].astype(np.float32)
    )
    assert abs(np.concatenate(out)[:, 0].mean()) < 1e-5
    assert scaler.mean_[1] == 0
    assert scaler.scale_[1] == 1
    np.testing.assert_array_equal(scaler.is_categorical_, [False, True])


def _frame(X, letters="abcdefgh"):
    rows = [
        (i, t, v, letters[int(c)])
        for i, x in enumerate(X)
        for t, (v, c) in enumerate(x)
    ]
    frame = pd.DataFrame(rows, columns=["sample", "time", "value", "code"])
    frame = frame.set_index(["sample", "time"])
    frame["code"] = frame["code"].astype(pd.CategoricalDtype(list(letters)))
    return frame


def test_from_dtype_in_a_default_pipeline():
    X, y = _data()
    frame = _frame(X)
    pipe = make_pipeline(
        SequenceScaler(categorical_features="from_dtype"),
        _clf(categorical_features="from_dtype"),
    )
    _fit_quietly(pipe, frame, y)
    np.testing.assert_array_equal(pipe[-1].is_categorical_, [False, True])
    assert isinstance(pipe[0].transform(frame)["code"].dtype, pd.CategoricalDtype)
    Xt, yt = _data(seed=1)
    assert pipe.score(_frame(Xt), yt) > 0.95
    # "from_dtype" on a form without dtypes: no categorical feature
    est = _fit_quietly(_clf(categorical_features="from_dtype", max_iter=1), X, y)
    assert not est.is_categorical_.any()


def test_from_dtype_reads_by_the_categories_of_the_fit():
    X, y = _data()
    est = _fit_quietly(_clf(categorical_features="from_dtype"), _frame(X), y)
    Xt, _ = _data(n=30, seed=6)
    frame = _frame(Xt)
    # the same values under categories in another order: the same codes
    reordered = frame.copy()
    reordered["code"] = reordered["code"].cat.reorder_categories(list("hgfedcba"))
    np.testing.assert_array_equal(
        est.predict_proba(frame), est.predict_proba(reordered)
    )
    # a category the fit never saw is unknown, like an unseen code
    renamed = frame.copy()
    renamed["code"] = renamed["code"].cat.rename_categories({"h": "zz"})
    coded = copy.deepcopy(Xt)
    for x in coded:
        x[x[:, 1] == 7, 1] = 99
    np.testing.assert_array_equal(
        est.predict_proba(renamed), est.predict_proba(_frame_as_codes(coded))
    )


def _frame_as_codes(X):
    rows = [(i, t, v, c) for i, x in enumerate(X) for t, (v, c) in enumerate(x)]
    frame = pd.DataFrame(rows, columns=["sample", "time", "value", "code"])
    return frame.set_index(["sample", "time"])


def test_undeclared_string_categories_are_refused():
    X, y = _data(n=20)
    with pytest.raises(ValueError, match=r"column 'code' of X is categorical"):
        _clf(max_iter=1).fit(_frame(X), y)


def test_missing_category_is_refused():
    X, y = _data(n=20)
    frame = _frame(X)
    frame.iloc[3, 1] = np.nan
    with pytest.raises(
        ValueError, match=r"contains NaN, at row \(0, 3\), column 'code'"
    ):
        _clf(categorical_features="from_dtype", max_iter=1).fit(frame, y)


def test_partial_fit_reads_new_codes_as_unknown(fitted):
    est = copy.deepcopy(fitted)
    X, y = _data(n=30, seed=7, n_codes=12)  # codes 8 to 11 are new
    est.partial_fit(X, y)
    np.testing.assert_array_equal(est.n_categories_, [8])


def test_warm_start_cannot_change_the_categorical_features(fitted):
    est = copy.deepcopy(fitted).set_params(warm_start=True, categorical_features=None)
    X, y = _data(n=30)
    with pytest.raises(ValueError, match=r"categorical_features"):
        est.fit(X, y)
    est.set_params(categorical_features=[1], embedding_dim=7)
    with pytest.raises(ValueError, match=r"embedding_dim"):
        est.fit(X, y)
    est.set_params(embedding_dim="auto", max_iter=2)
    _fit_quietly(est, X, y)
    assert est.n_iter_ == fitted.n_iter_ + 2


def test_save_and_load(fitted, tmp_path):
    path = tmp_path / "model.safetensors"
    fitted.save(path)
    loaded = load(path)
    X, _ = _data(n=20, seed=8)
    X[0][0, 1] = 50  # unknown
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    np.testing.assert_array_equal(loaded.n_categories_, fitted.n_categories_)


def test_save_and_load_from_dtype(tmp_path):
    X, y = _data(n=60)
    est = _fit_quietly(
        _clf(categorical_features="from_dtype", max_iter=3), _frame(X), y
    )
    est.save(tmp_path / "m.safetensors")
    loaded = load(tmp_path / "m.safetensors")
    frame = _frame(X)
    frame["code"] = frame["code"].cat.reorder_categories(list("hgfedcba"))
    np.testing.assert_array_equal(loaded.predict_proba(frame), est.predict_proba(frame))


def test_hidden_states_and_attributions(fitted):
    pytest.importorskip("captum")
    X, _ = _data(n=6, seed=9)
    states = hidden_states(fitted, X, all_steps=True)
    assert [s.shape for s in states] == [(len(x), state_width(fitted)) for x in X]
    for method in ("integrated_gradients", "occlusion"):
        attributions = attribute(fitted, X, method=method)
        assert [a.shape for a in attributions] == [x.shape for x in X]
    # integrated gradients: the code of the step that decides carries most
    attributions = attribute(fitted, X)
    top = [np.abs(a).sum(axis=1).argmax() for a in attributions]
    assert np.mean([t == len(x) - 1 for t, x in zip(top, X, strict=True)]) >= 0.5
    assert all(np.abs(a[:, 1]).sum() > np.abs(a[:, 0]).sum() for a in attributions)


def test_regressor_embeds_codes():
    rng = np.random.default_rng(0)
    X = [rng.integers(0, 5, size=(length, 1)) for length in rng.integers(3, 9, 200)]
    effect = np.array([0.0, 3.0, -1.0, 2.0, -2.0])
    y = np.array([effect[x[:, 0]].sum() for x in X])
    reg = RNNRegressor(
        categorical_features=[0], hidden_size=16, max_iter=60, random_state=0
    )
    _fit_quietly(reg, X, y)
    assert reg.score(X, y) > 0.9


TEXTS = [
    "the cat sat on the mat",
    "a dog ran in the park",
    "the cat ate the fish",
    "my dog likes the park",
    "cat naps all day long",
    "dog barks at the mailman",
] * 6
LABELS = np.array(["cat", "dog", "cat", "dog", "cat", "dog"] * 6)


def _text_pipeline(**params):
    from sklearn_rnn.preprocessing import TextSequencer

    return make_pipeline(
        TextSequencer(), _clf(categorical_features=[0], max_iter=25, **params)
    )


def test_text_pipeline_fits_strings():
    pipe = _fit_quietly(_text_pipeline(), TEXTS, LABELS)
    assert pipe.score(TEXTS, LABELS) == 1.0
    # a word never seen in fit is id 0 (out of vocabulary), never an error
    assert pipe.predict(["an unseen cat sentence"]).shape == (1,)


def _random_texts(n=48, seed=0):
    """Texts of cat or dog words with "the" (the most frequent token) at
    random places in both: with max_tokens=1 only "the" is left."""
    rng = np.random.default_rng(seed)
    words = {"cat": ["cat", "purr", "mouse"], "dog": ["dog", "bark", "bone"]}
    texts, labels = [], []
    for i in range(n):
        label = ("cat", "dog")[i % 2]
        tokens = list(rng.choice(words[label], size=rng.integers(2, 5)))
        for _ in range(6):
            tokens.insert(int(rng.integers(0, len(tokens) + 1)), "the")
        texts.append(" ".join(tokens))
        labels.append(label)
    return texts, np.array(labels)


def test_text_pipeline_in_model_selection():
    from sklearn.model_selection import GridSearchCV, cross_val_score

    texts, labels = _random_texts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        search = GridSearchCV(
            _text_pipeline(), {"textsequencer__max_tokens": [1, 20]}, cv=2
        ).fit(texts, labels)
        scores = cross_val_score(_text_pipeline(), TEXTS, LABELS, cv=3)
    assert search.best_params_ == {"textsequencer__max_tokens": 20}
    only_the, all_words = search.cv_results_["mean_test_score"]
    assert only_the < 0.8 < all_words
    assert scores.shape == (3,)
    assert scores.mean() > 0.9


def test_character_language_model_learns_the_next_character():
    from sklearn_rnn.preprocessing import TextSequencer

    text = "abcabdabcabd\n" * 40
    sequencer = TextSequencer(analyzer="char").fit([text])
    ids = sequencer.transform([text])[0]
    starts = np.random.default_rng(0).integers(0, len(ids) - 27, size=60)
    chunks = [ids[i : i + 27] for i in starts]
    X = [c[:-1] for c in chunks]
    y = [c[1:] for c in chunks]
    model = _clf(categorical_features=[0], return_sequences=True, max_iter=100)
    _fit_quietly(model, X, y)
    # after "ab", "c" and "d" alternate: read by identity and by context;
    # only the first steps of a chunk can be ambiguous
    assert model.score(X, y) > 0.9
    proba = model.predict_proba([sequencer.transform(["abcab"])[0]])[0]
    assert model.classes_[proba[-1].argmax()] == sequencer.vocabulary_["d"]


def test_a_code_below_n_categories_never_seen_is_unknown_too():
    # code 0 never appears in fit (TextSequencer's id 0 when every training
    # token is in the vocabulary): it has no trained embedding of its own
    X = [np.array([1, 2, 3]), np.array([2, 3, 1])] * 10
    y = [0, 1] * 10
    model = _fit_quietly(
        _clf(categorical_features=[0], hidden_size=4, max_iter=20), X, y
    )
    np.testing.assert_array_equal(model.n_categories_, [4])
    np.testing.assert_array_equal(
        model.predict_proba([np.array([2, 0])]),
        model.predict_proba([np.array([2, 7])]),
    )
    assert not np.allclose(
        model.predict_proba([np.array([2, 1])]),
        model.predict_proba([np.array([2, 7])]),
    )
