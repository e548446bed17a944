"""TextSequencer: texts to sequences of token ids, one test per contract line."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError, SkipTestWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import estimator_checks
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

# the lead exports it as sklearn_rnn.preprocessing.TextSequencer
from sklearn_rnn.preprocessing import TextSequencer

CORPUS = [
    "The cat sat on the mat.",
    "The dog sat on the log!",
    "A cat and a dog, and a bird.",
    "Birds sing; cats sleep.\nDogs bark.",
    "the the the end",
]


def _ids(sequences):
    return [s.tolist() for s in sequences]


# ---------------------------------------------------------------- the ids


def test_ids_by_total_count_then_first_appearance():
    # aa: 2, cc: 2 (tie: aa appears first), bb: 1, dd: 1 (bb first)
    seq = TextSequencer().fit(["bb aa", "cc cc aa dd"])
    assert seq.vocabulary_ == {"aa": 1, "cc": 2, "bb": 3, "dd": 4}


def test_ties_follow_corpus_order_not_alphabet():
    seq = TextSequencer().fit(["zeta alpha", "alpha zeta beta beta"])
    assert list(seq.vocabulary_) == ["zeta", "alpha", "beta"]


def test_count_is_total_not_document_count():
    # "xx" is in one text only but three times: it outranks "yy" (two texts)
    seq = TextSequencer().fit(["xx xx xx yy", "yy"])
    assert seq.vocabulary_ == {"xx": 1, "yy": 2}


def test_vocabulary_and_tokens_agree():
    seq = TextSequencer().fit(CORPUS)
    assert sorted(seq.vocabulary_.values()) == list(range(1, len(seq.vocabulary_) + 1))
    assert seq.tokens_[0] is None
    assert seq.tokens_.dtype == object
    assert len(seq.tokens_) == len(seq.vocabulary_) + 1
    assert all(seq.tokens_[i] == token for token, i in seq.vocabulary_.items())


def test_word_tokens_are_count_vectorizers():
    seq = TextSequencer().fit(CORPUS)
    assert set(seq.vocabulary_) == set(CountVectorizer().fit(CORPUS).vocabulary_)


def test_unknown_token_is_zero():
    seq = TextSequencer().fit(["red green", "red blue"])
    assert _ids(seq.transform(["red yellow blue purple"])) == [[1, 0, 3, 0]]


def test_transform_output_is_list_of_int64_vectors():
    out = TextSequencer().fit(CORPUS).transform(CORPUS)
    assert isinstance(out, list)
    assert len(out) == len(CORPUS)
    for text, ids in zip(CORPUS, out, strict=True):
        assert isinstance(ids, np.ndarray)
        assert ids.dtype == np.int64
        assert ids.shape == (len(CountVectorizer().build_analyzer()(text)),)


# ---------------------------------------------------- max_tokens, min_df


def test_max_tokens_caps_vocabulary_without_id_zero():
    seq = TextSequencer(max_tokens=2).fit(["aa aa aa bb bb cc", "dd"])
    assert seq.vocabulary_ == {"aa": 1, "bb": 2}
    assert len(seq.tokens_) == 3
    assert _ids(seq.transform(["cc bb aa dd"])) == [[0, 2, 1, 0]]


def test_max_tokens_larger_than_vocabulary_keeps_all():
    seq = TextSequencer(max_tokens=1000).fit(CORPUS)
    assert seq.vocabulary_ == TextSequencer().fit(CORPUS).vocabulary_


@pytest.mark.parametrize("min_df", [1, 2, 3, 5, 0.0, 0.2, 0.4, 0.5, 1.0])
def test_min_df_filters_as_count_vectorizer(min_df):
    texts = [  # document counts: zz 5, apple 4, banana 3, others 1
        "apple banana cherry zz",
        "apple banana zz",
        "zz apple durian",
        "banana elder fig fig fig zz",
        "apple zz",
    ]
    seq = TextSequencer(min_df=min_df).fit(texts)
    expected = CountVectorizer(min_df=min_df).fit(texts).vocabulary_
    assert set(seq.vocabulary_) == set(expected)


@pytest.mark.parametrize("min_df", [1, 2, 0.5])
def test_min_df_char_as_count_vectorizer(min_df):
    # single spaces only: CountVectorizer's whitespace normalising is moot
    texts = ["abc ab", "bcd", "a a a", "xyz b"]
    seq = TextSequencer(analyzer="char", min_df=min_df).fit(texts)
    vectorizer = CountVectorizer(analyzer="char", min_df=min_df).fit(texts)
    assert set(seq.vocabulary_) == set(vectorizer.vocabulary_)


def test_min_df_applies_before_max_tokens():
    # "xx" is the most frequent token but in one text only
    texts = ["xx xx xx xx aa", "aa bb", "bb cc", "cc aa"]
    seq = TextSequencer(min_df=2, max_tokens=2).fit(texts)
    assert seq.vocabulary_ == {"aa": 1, "bb": 2}


def test_min_df_keeping_nothing_raises():
    with pytest.raises(ValueError, match=r"no token remains.*lower min_df"):
        TextSequencer(min_df=3).fit(["aa bb", "cc dd"])


@pytest.mark.parametrize("texts", [["", "!", "a b c"], []])
def test_empty_vocabulary_raises(texts):
    with pytest.raises(ValueError, match="Empty vocabulary"):
        TextSequencer().fit(texts)


# ----------------------------------------------------------- empty texts


@pytest.mark.parametrize("text", ["", "   ", "!?", "a b c"])
def test_text_without_token_is_one_step_zero(text):
    seq = TextSequencer().fit(CORPUS)
    (ids,) = seq.transform([text])
    assert ids.tolist() == [0]
    assert ids.dtype == np.int64


def test_empty_text_is_zero_with_char_analyzer():
    seq = TextSequencer(analyzer="char").fit(["ab"])
    assert _ids(seq.transform(["", "ba"])) == [[0], [2, 1]]


def test_text_with_only_unknown_tokens_keeps_its_length():
    seq = TextSequencer().fit(CORPUS)
    assert _ids(seq.transform(["zebra yak"])) == [[0, 0]]


# -------------------------------------------------------------- analyzers


def test_char_keeps_every_character_whitespace_included():
    text = "Ab  c\n\td\r\n e"
    seq = TextSequencer(analyzer="char", lowercase=False).fit([text])
    assert set(seq.vocabulary_) == set(text)
    (ids,) = seq.transform([text])
    assert len(ids) == len(text)
    assert "".join(seq.inverse_transform([ids])[0]) == text


def test_char_lowercase():
    seq = TextSequencer(analyzer="char").fit(["Aa\nB"])
    assert set(seq.vocabulary_) == {"a", "\n", "b"}
    assert seq.inverse_transform(seq.transform(["BA\n"])) == [["b", "a", "\n"]]


def test_char_without_lowercase_keeps_case():
    seq = TextSequencer(analyzer="char", lowercase=False).fit(["Aa"])
    assert seq.vocabulary_ == {"A": 1, "a": 2}


def test_char_ignores_token_pattern():
    texts = ["ab, c"]
    plain = TextSequencer(analyzer="char").fit(texts)
    other = TextSequencer(analyzer="char", token_pattern=r"\d+").fit(texts)
    assert plain.vocabulary_ == other.vocabulary_


def test_word_lowercase():
    assert TextSequencer().fit(["The the"]).vocabulary_ == {"the": 1}
    seq = TextSequencer(lowercase=False).fit(["The the"])
    assert seq.vocabulary_ == {"The": 1, "the": 2}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\S+", {"a": 1, "b,": 2, "c!": 3}),
        (r"(\w)\w*", {"a": 1, "b": 2, "c": 3}),  # one group: the group
    ],
)
def test_token_pattern(pattern, expected):
    assert TextSequencer(token_pattern=pattern).fit(["a b, c!"]).vocabulary_ == (
        expected
    )


# -------------------------------------------------------- inverse_transform


def test_inverse_transform_gives_tokens_and_none_for_zero():
    seq = TextSequencer().fit(["red green", "red blue"])
    ids = seq.transform(["red yellow blue", "", "green"])
    assert seq.inverse_transform(ids) == [["red", None, "blue"], [None], ["green"]]


def test_inverse_transform_accepts_lists_and_int32():
    seq = TextSequencer().fit(["red green"])
    got = seq.inverse_transform([[2, 1], np.array([0], dtype=np.int32), []])
    assert got == [["green", "red"], [None], []]


@pytest.mark.parametrize("bad", [[[3]], [[-1]], [[0.0, 1.0]], [[[1]]], [1]])
def test_inverse_transform_rejects_bad_ids(bad):
    seq = TextSequencer().fit(["red green"])
    with pytest.raises(ValueError, match="ids"):
        seq.inverse_transform(bad)


# ------------------------------------------------------------ X validation


@pytest.mark.parametrize(
    ("item", "type_name"),
    [(3, "int"), (None, "NoneType"), (float("nan"), "float"), (b"aa", "bytes")],
)
@pytest.mark.parametrize("method", ["fit", "fit_transform", "transform"])
def test_non_string_item_raises_type_error(item, type_name, method):
    seq = TextSequencer().fit(CORPUS) if method == "transform" else TextSequencer()
    with pytest.raises(TypeError, match=rf"item 2 of X is {type_name}\b"):
        getattr(seq, method)(["aa bb", "cc", item])


def test_non_string_in_series_raises_type_error():
    X = pd.Series(["aa bb", np.nan], index=[10, 20])
    with pytest.raises(TypeError, match="item 1 of X is float"):
        TextSequencer().fit(X)


@pytest.mark.parametrize("method", ["fit", "fit_transform", "transform"])
def test_single_string_raises(method):
    seq = TextSequencer().fit(CORPUS) if method == "transform" else TextSequencer()
    with pytest.raises(ValueError, match="Iterable over raw text documents"):
        getattr(seq, method)("the cat sat")


@pytest.mark.parametrize(
    "X",
    [np.array([["aa", "bb"]], dtype=object), pd.DataFrame({"text": ["aa", "bb"]})],
)
def test_two_dimensional_input_raises(X):
    with pytest.raises(ValueError, match="1-D"):
        TextSequencer().fit(X)


def test_non_iterable_raises_type_error():
    with pytest.raises(TypeError, match="iterable of strings"):
        TextSequencer().fit(42)


@pytest.mark.parametrize(
    "form",
    [
        tuple,
        lambda t: np.array(t, dtype=object),
        np.array,  # dtype <U: items are np.str_
        lambda t: pd.Series(t, index=range(100, 100 + len(t))),
        lambda t: pd.Series(t, dtype="string"),
        lambda t: (text for text in t),
    ],
    ids=["tuple", "object_array", "str_array", "series", "string_series", "gen"],
)
def test_input_forms_give_the_same_result(form):
    expected = TextSequencer().fit(CORPUS)
    seq = TextSequencer().fit(form(CORPUS))
    assert seq.vocabulary_ == expected.vocabulary_
    assert _ids(seq.transform(form(CORPUS))) == _ids(expected.transform(CORPUS))


# ----------------------------------------------------- estimator behaviour


@pytest.mark.parametrize(
    "params",
    [{}, {"analyzer": "char"}, {"max_tokens": 3, "min_df": 2}, {"min_df": 0.5}],
)
def test_fit_transform_equals_fit_then_transform(params):
    via_fit = TextSequencer(**params).fit(CORPUS)
    seq = TextSequencer(**params)
    out = seq.fit_transform(CORPUS)
    assert seq.vocabulary_ == via_fit.vocabulary_
    assert _ids(out) == _ids(via_fit.transform(CORPUS))
    assert all(ids.dtype == np.int64 for ids in out)


def test_fit_is_idempotent_and_returns_self():
    seq = TextSequencer(max_tokens=4)
    assert seq.fit(["zz yy"]) is seq
    assert (
        seq.fit(CORPUS).vocabulary_
        == TextSequencer(max_tokens=4).fit(CORPUS).vocabulary_
    )


def test_transform_is_per_text():
    """Order and subsets of X do not change a text's ids."""
    seq = TextSequencer().fit(CORPUS)
    full = _ids(seq.transform(CORPUS))
    assert _ids(seq.transform(CORPUS[::-1])) == full[::-1]
    assert _ids(seq.transform(CORPUS[1:2])) == full[1:2]


def test_transform_leaves_the_estimator_unchanged():
    seq = TextSequencer().fit(CORPUS)
    before = pickle.dumps(seq)
    seq.transform(["new words here"])
    seq.inverse_transform([[1, 0]])
    assert pickle.dumps(seq) == before


@pytest.mark.parametrize("method", ["transform", "inverse_transform"])
def test_unfitted_raises(method):
    with pytest.raises(NotFittedError):
        getattr(TextSequencer(), method)([[1]] if method[0] == "i" else ["aa"])


@pytest.mark.parametrize(
    "params",
    [
        {"analyzer": "bigram"},
        {"lowercase": "yes"},
        {"token_pattern": None},
        {"max_tokens": 0},
        {"max_tokens": 2.5},
        {"min_df": 0},
        {"min_df": 1.5},
        {"min_df": -0.1},
        {"min_df": "2"},
    ],
)
def test_parameter_validation(params):
    with pytest.raises(InvalidParameterError, match=next(iter(params))):
        TextSequencer(**params).fit(CORPUS)


def test_pickle_and_clone():
    seq = TextSequencer(analyzer="char", max_tokens=5).fit(CORPUS)
    restored = pickle.loads(pickle.dumps(seq))
    assert restored.vocabulary_ == seq.vocabulary_
    assert _ids(restored.transform(CORPUS)) == _ids(seq.transform(CORPUS))
    assert restored.inverse_transform([[1, 0]]) == seq.inverse_transform([[1, 0]])
    fresh = clone(seq)
    assert fresh.get_params() == seq.get_params()
    assert not hasattr(fresh, "vocabulary_")


def test_tags():
    tags = TextSequencer().__sklearn_tags__()
    assert tags.input_tags.string
    assert not tags.input_tags.two_d_array
    assert tags.requires_fit


def test_no_feature_names_out():
    """The output is sequences, not columns (see the class Notes)."""
    assert not hasattr(TextSequencer(), "get_feature_names_out")


# ------------------------------------------------- scikit-learn's checks

# As for CountVectorizer, the tags (string input, no 2-D array) make
# scikit-learn skip every check that feeds numeric arrays: only
# check_estimator_cloneable is yielded, with a SkipTestWarning (silenced here).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", SkipTestWarning)
    _CHECKS = parametrize_with_checks([TextSequencer()])


@_CHECKS
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


# The checks of the estimator API that read no data, run by hand; the others
# (fit returns self, idempotent fit, unchanged params and __dict__, pickling,
# sample order and subset invariance, not fitted errors) are covered above
# with text.
_DATA_FREE_CHECKS = [
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_mixin_order",
    "check_parameters_default_constructible",
    "check_get_params_invariance",
    "check_set_params",
    "check_param_validation",  # bad parameters fail before X is read
]


@pytest.mark.parametrize("check_name", _DATA_FREE_CHECKS)
def test_sklearn_data_free_checks(check_name):
    getattr(estimator_checks, check_name)("TextSequencer", TextSequencer())


# --------------------------------------------------- model selection


def _bag_of_ids(sequences, width=64):
    return np.stack([np.bincount(ids, minlength=width)[:width] for ids in sequences])


def _labelled_texts(n=60, seed=0):
    rng = np.random.default_rng(seed)
    topics = [["rain", "cloud", "storm", "wind"], ["sun", "beach", "heat", "sand"]]
    noise = ["the", "and", "today", "very", "quite", "maybe"]
    y = np.arange(n) % 2
    texts = [" ".join(rng.choice(topics[label] + noise * 2, size=8)) for label in y]
    return texts, y


def _pipeline():
    return make_pipeline(
        TextSequencer(),
        FunctionTransformer(_bag_of_ids),
        LogisticRegression(),
    )


def test_grid_search_over_max_tokens():
    texts, y = _labelled_texts()
    search = GridSearchCV(
        _pipeline(), {"textsequencer__max_tokens": [1, 2, None]}, cv=3
    ).fit(texts, y)
    scores = search.cv_results_["mean_test_score"]
    assert scores[2] >= 0.9  # every word: the topics are plain
    assert scores[2] > scores[0]
    fitted = search.best_estimator_.named_steps["textsequencer"]
    assert search.best_params_ == {"textsequencer__max_tokens": None}
    assert len(fitted.vocabulary_) == 14


def test_cross_val_score_on_a_series():
    texts, y = _labelled_texts()
    scores = cross_val_score(_pipeline(), pd.Series(texts), y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() >= 0.8
