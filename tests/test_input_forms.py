"""Every form of X in the contract, for fit / predict / predict_proba / score,
and what ``n_features_in_`` means for each form."""

import numpy as np
import pandas as pd
import pytest
from _helpers import (
    FAST,
    estimator,
    fit_quietly,
    make_equal,
    make_ragged,
    outputs,
    scramble_rows,
    target,
    to_multiindex,
    to_object_array,
)

from sklearn_rnn import RNNClassifier, RNNRegressor

RAGGED = make_ragged(n_samples=24, seed=3)
EQUAL = make_equal(n_samples=24, n_timesteps=6, seed=4)
N_STEPS = EQUAL[0].shape[1]


def _frame(X2):
    return pd.DataFrame(X2, columns=[f"t{i}" for i in range(X2.shape[1])])


def _interleave_reversed(df):
    """Rows interleaved across samples, time descending within each sample.

    Each sample's last step comes first, so samples still first appear in
    the order 0, 1, 2, ...
    """
    d = df.reset_index()
    d["from_end"] = d.groupby("sample")["time"].transform("max") - d["time"]
    d = d.sort_values(["from_end", "sample"]).drop(columns="from_end")
    return d.set_index(["sample", "time"])


#: name -> (X, data triple for y, expected n_features_in_)
FORMS = {
    "3d": (EQUAL[0], EQUAL, 2),
    "2d": (EQUAL[0][:, :, 0], EQUAL, N_STEPS),
    "ragged_2d_items": (RAGGED[0], RAGGED, 2),
    "ragged_1d_items": ([x[:, 0] for x in RAGGED[0]], RAGGED, 1),
    "tuple": (tuple(RAGGED[0]), RAGGED, 2),
    "object_array": (to_object_array(RAGGED[0]), RAGGED, 2),
    "multiindex": (to_multiindex(RAGGED[0]), RAGGED, 2),
    "multiindex_not_grouped_not_sorted": (
        # rows interleaved across samples and time reversed within each
        # sample, while samples still first appear in the order 0, 1, 2, ...
        _interleave_reversed(to_multiindex(RAGGED[0])),
        RAGGED,
        2,
    ),
    "flat_frame": (_frame(EQUAL[0][:, :, 0]), EQUAL, N_STEPS),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_fit_predict_score_every_form(form, kind):
    X, data, n_features_in = FORMS[form]
    y = target(kind, data)
    est = fit_quietly(estimator(kind, max_iter=2), X, y)

    assert est.n_features_in_ == n_features_in
    pred = est.predict(X)
    assert pred.shape == (len(y),)
    score = est.score(X, y)
    assert np.isfinite(score)
    if kind == "classifier":
        assert set(pred) <= {0, 1}
        assert 0 <= score <= 1
        proba = est.predict_proba(X)
        assert proba.shape == (len(y), 2)
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
        assert ((proba >= 0) & (proba <= 1)).all()
    else:
        assert np.isfinite(pred).all()


def test_multiindex_time_order_is_sorted_within_samples():
    """Rows in shuffled time order read as the sorted sequence."""
    X, _, _ = RAGGED
    grouped = FORMS["multiindex"][0]
    shuffled = FORMS["multiindex_not_grouped_not_sorted"][0]
    # the test frame really is interleaved and not sorted by time
    assert not shuffled.index.get_level_values("sample").is_monotonic_increasing
    assert not shuffled.loc[0].index.is_monotonic_increasing
    assert list(shuffled.index.get_level_values("sample").unique()) == list(
        range(len(X))
    )
    clf = fit_quietly(RNNClassifier(**FAST), grouped, RAGGED[1])
    np.testing.assert_array_equal(
        clf.predict_proba(grouped), clf.predict_proba(shuffled)
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_multiindex_same_predictions_as_list(kind):
    X, _, _ = RAGGED
    y = target(kind, RAGGED)
    df = to_multiindex(X)
    from_list = estimator(kind).fit(X, y)
    from_frame = estimator(kind).fit(df, y)
    expected = outputs(from_list, X)
    np.testing.assert_array_equal(outputs(from_frame, df), expected)
    assert from_frame.n_features_in_ == 2
    np.testing.assert_array_equal(from_frame.feature_names_in_, ["f0", "f1"])

    # rows fully scrambled: samples come in the order of first appearance
    scrambled = scramble_rows(df, seed=1)
    order = scrambled.index.get_level_values("sample").unique().to_numpy()
    assert not (order == np.arange(len(X))).all()
    np.testing.assert_allclose(
        outputs(from_frame, scrambled), expected[order], rtol=1e-5, atol=1e-6
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_multiindex_with_string_sample_labels():
    X, y, _ = RAGGED
    df = to_multiindex(X)
    labelled = df.copy()
    labelled.index = labelled.index.set_levels(
        [f"s{i:03d}" for i in range(len(X))], level="sample"
    )
    a = RNNClassifier(**{**FAST, "max_iter": 2}).fit(df, y)
    b = RNNClassifier(**{**FAST, "max_iter": 2}).fit(labelled, y)
    np.testing.assert_array_equal(b.predict_proba(labelled), a.predict_proba(df))


def test_sequence_forms_give_same_predictions(fitted, ragged):
    X, _, _ = ragged
    expected = outputs(fitted, X)
    np.testing.assert_array_equal(outputs(fitted, tuple(X)), expected)
    np.testing.assert_array_equal(outputs(fitted, to_object_array(X)), expected)
    # nested Python lists of numbers are array-likes too
    np.testing.assert_allclose(
        outputs(fitted, [x.tolist() for x in X]), expected, rtol=1e-6
    )


def test_equal_length_list_is_the_stacked_array(equal):
    """A list of equal (T, F) arrays is 3-D input; of equal (T,) arrays, 2-D."""
    X3, y, _ = equal
    a = fit_quietly(RNNClassifier(**FAST), X3, y)
    b = fit_quietly(RNNClassifier(**FAST), X3.tolist(), y)
    c = fit_quietly(RNNClassifier(**FAST), list(X3), y)
    assert a.n_features_in_ == b.n_features_in_ == c.n_features_in_ == 2
    expected = a.predict_proba(X3)
    np.testing.assert_array_equal(b.predict_proba(X3.tolist()), expected)
    np.testing.assert_array_equal(c.predict_proba(list(X3)), expected)
    np.testing.assert_array_equal(a.predict_proba(X3.tolist()), expected)

    X2 = X3[:, :, 0]
    d = fit_quietly(RNNClassifier(**FAST), X2, y)
    e = fit_quietly(RNNClassifier(**FAST), X2.tolist(), y)
    f = fit_quietly(RNNClassifier(**FAST), list(X2), y)
    assert d.n_features_in_ == e.n_features_in_ == f.n_features_in_ == X2.shape[1]
    np.testing.assert_array_equal(e.predict_proba(X2.tolist()), d.predict_proba(X2))
    np.testing.assert_array_equal(f.predict_proba(list(X2)), d.predict_proba(X2))


def test_flat_frame_same_as_array_and_sets_feature_names(equal):
    X3, y, _ = equal
    X2 = X3[:, :, 0]
    df = _frame(X2)
    from_array = fit_quietly(RNNClassifier(**FAST), X2, y)
    from_frame = fit_quietly(RNNClassifier(**FAST), df, y)
    np.testing.assert_array_equal(
        from_frame.predict_proba(df), from_array.predict_proba(X2)
    )
    np.testing.assert_array_equal(from_frame.feature_names_in_, df.columns)
    assert from_frame.n_features_in_ == X2.shape[1]
    assert not hasattr(from_array, "feature_names_in_")
    # other column names at predict time are refused, as in scikit-learn
    with pytest.raises(ValueError, match="feature names"):
        from_frame.predict(df.rename(columns={"t0": "other"}))


# -- n_features_in_ ---------------------------------------------------------


def test_n_features_in_is_features_per_step_for_sequences(fitted_clf, fitted_reg):
    assert fitted_clf.n_features_in_ == 2
    assert fitted_reg.n_features_in_ == 2


def test_n_features_in_is_columns_for_2d(fitted_clf_2d, equal):
    assert fitted_clf_2d.n_features_in_ == equal[0].shape[1]


@pytest.mark.filterwarnings("ignore:X has feature names:UserWarning")
def test_2d_model_asks_for_the_same_number_of_columns(fitted_clf_2d, equal):
    X2 = equal[0][:, :, 0]
    with pytest.raises(ValueError, match="features"):
        fitted_clf_2d.predict(X2[:, :-1])
    with pytest.raises(ValueError, match="features"):
        fitted_clf_2d.predict(np.hstack([X2, X2]))
    with pytest.raises(ValueError, match="features"):
        fitted_clf_2d.predict_proba(_frame(X2[:, :-1]))


def test_2d_model_takes_univariate_sequences_of_other_forms(fitted_clf_2d, equal):
    """Ragged (or 3-D univariate) input is the form for other lengths."""
    X2 = equal[0][:, :, 0]
    expected = fitted_clf_2d.predict_proba(X2)
    np.testing.assert_array_equal(fitted_clf_2d.predict_proba(X2[:, :, None]), expected)
    ragged = [X2[0], X2[1, :3], X2[2, :5]]
    proba = fitted_clf_2d.predict_proba(ragged)
    assert proba.shape == (3, 2)
    np.testing.assert_allclose(proba[0], expected[0], rtol=1e-5)
    # multivariate steps do not fit a univariate model
    with pytest.raises(ValueError, match="features per time step"):
        fitted_clf_2d.predict(equal[0])


def test_sequence_model_checks_features_per_step(fitted_clf, ragged, equal):
    X, _, _ = ragged
    # 3-D input of any length with the right feature count is fine
    assert fitted_clf.predict(equal[0]).shape == (len(equal[0]),)
    assert fitted_clf.predict(equal[0][:, :3]).shape == (len(equal[0]),)
    with pytest.raises(ValueError, match="features"):
        fitted_clf.predict([np.hstack([x, x[:, :1]]) for x in X])
    with pytest.raises(ValueError, match="features"):
        fitted_clf.predict(np.zeros((3, 5, 3)))
    with pytest.raises(ValueError, match="features"):
        fitted_clf.predict(np.zeros((3, 5)))  # 2-D: univariate steps


def test_univariate_sequence_model_takes_2d_of_any_width(ragged):
    X, y, _ = ragged
    clf = fit_quietly(RNNClassifier(**FAST), [x[:, 0] for x in X], y)
    assert clf.n_features_in_ == 1
    for width in (2, 9, 20):
        assert clf.predict(np.ones((4, width))).shape == (4,)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.filterwarnings("ignore:X has feature names:UserWarning")
def test_regressor_multi_output_every_form():
    X, _, y = RAGGED
    Y = np.column_stack([y, -2 * y])
    reg = RNNRegressor(**{**FAST, "max_iter": 2}).fit(X, Y)
    assert reg.predict(X).shape == (len(X), 2)
    assert reg.predict(to_multiindex(X)).shape == (len(X), 2)
