"""Hostile X: every container a user may have at hand either gives the
result of the same data in a canonical form, or a clear error naming the
problem, raised while X is read, before any fitted state changes."""

import copy
import datetime

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import torch
from _helpers import FAST, fit_quietly, make_ragged, to_multiindex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore:X has feature names:UserWarning"),
    pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors:UserWarning"),
    # a read-only array handed to torch would warn: X's values must be copied
    pytest.mark.filterwarnings("error:The given NumPy array is not writable"),
]

#: 8 sequences of 3-9 steps, 2 features (what fitted_clf / fitted_reg read)
SEQS = make_ragged(n_samples=8, seed=11, min_len=3, max_len=9)[0]
#: 6 equal-length sequences, as a 3-D float32 array
ARRAY = np.stack(make_ragged(n_samples=6, seed=12, min_len=5, max_len=5)[0])


def _assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


# -- 1. MultiIndex: time order is the order of the time *values* ----------------


def _frame_from_labels(seqs, times):
    """A frame whose rows of sequence i are labelled ("s<i>", times[i][j])."""
    tuples, rows = [], []
    for i, (x, t) in enumerate(zip(seqs, times, strict=True)):
        tuples += [(f"s{i}", label) for label in t]
        rows.append(x)
    index = pd.MultiIndex.from_tuples(tuples, names=["sample", "time"])
    return pd.DataFrame(np.concatenate(rows), index=index, columns=["f0", "f1"])


def test_unsorted_time_level_from_concat_is_read_in_time_order(fitted_clf):
    x = SEQS[0][:3]
    df = pd.DataFrame(x, index=[10, 2, 3], columns=["f0", "f1"])
    X = pd.concat({"A": df})
    # the level is stored out of order: codes 0, 1, 2 are times 10, 2, 3
    assert list(X.index.levels[1]) == [10, 2, 3]
    in_time_order = x[[1, 2, 0]]
    expected = fitted_clf.predict_proba([in_time_order])
    # the test can fail: storage order gives another prediction
    assert not np.allclose(fitted_clf.predict_proba([x]), expected)
    _assert_close(fitted_clf.predict_proba(X), expected)
    # the same rows from a sorted index give the same prediction
    _assert_close(fitted_clf.predict_proba(X.sort_index()), expected)


TIME_LABELS = {
    "int": lambda v: int(v),
    "float": lambda v: v / 4.0,
    "datetime": lambda v: pd.Timestamp("2021-03-01") + pd.Timedelta(hours=int(v)),
    "timedelta": lambda v: pd.Timedelta(seconds=int(v)),
    "string": lambda v: f"t{v:05d}",  # zero-padded: string order is time order
    "date": lambda v: datetime.date(2020, 1, 1) + datetime.timedelta(days=int(v)),
}


def _random_multiindex(seed, kind, shuffle_levels, shuffle_rows):
    """SEQS as a MultiIndex frame whose time labels are increasing values of
    ``kind``, optionally with levels stored in random order and rows in
    random order. Returns (frame, sample positions in order of appearance)."""
    rng = np.random.default_rng(seed)
    samples = [f"id{v}" for v in rng.permutation(100)[: len(SEQS)]]
    sample_codes, time_values = [], []
    for i, x in enumerate(SEQS):
        steps = np.sort(rng.choice(60, size=len(x), replace=False))
        sample_codes += [i] * len(x)
        time_values += [TIME_LABELS[kind](v) for v in steps]
    time_level = pd.Index(sorted(set(time_values)))
    sample_level = pd.Index(samples)
    if shuffle_levels:
        time_level = time_level.take(rng.permutation(len(time_level)))
        sample_level = sample_level.take(rng.permutation(len(sample_level)))
    index = pd.MultiIndex(
        levels=[sample_level, time_level],
        codes=[
            sample_level.get_indexer([samples[i] for i in sample_codes]),
            time_level.get_indexer(time_values),
        ],
        names=["sample", "time"],
    )
    X = pd.DataFrame(np.concatenate(SEQS), index=index, columns=["f0", "f1"])
    if shuffle_rows:
        X = X.iloc[rng.permutation(len(X))]
    appearance = X.index.get_level_values("sample").unique()
    return X, [samples.index(label) for label in appearance]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    kind=st.sampled_from(list(TIME_LABELS)),
    shuffle_levels=st.booleans(),
    shuffle_rows=st.booleans(),
)
def test_multiindex_any_storage_and_row_order(
    fitted_clf, seed, kind, shuffle_levels, shuffle_rows
):
    X, order = _random_multiindex(seed, kind, shuffle_levels, shuffle_rows)
    expected = fitted_clf.predict_proba(SEQS)[order]
    _assert_close(fitted_clf.predict_proba(X), expected)

    # SequenceScaler gives back X's own rows, in X's own order
    scaler = SequenceScaler().fit(SEQS)
    out = scaler.transform(X)
    assert out.index.equals(X.index)
    assert list(out.columns) == list(X.columns)
    _assert_close(out.to_numpy(), (X.to_numpy() - scaler.mean_) / scaler.scale_)
    _assert_close(scaler.inverse_transform(out).to_numpy(), X.to_numpy())


def test_unsorted_levels_really_are_unsorted():
    """The random frames above do exercise unsorted storage orders."""
    X, order = _random_multiindex(3, "int", True, True)
    assert not X.index.levels[1].is_monotonic_increasing
    assert not X.index.levels[0].equals(X.index.levels[0].sort_values())
    assert order != list(range(len(SEQS)))


def test_samples_come_in_order_of_first_appearance(fitted_clf):
    """Sample labels need not be sorted, nor even comparable."""
    X = to_multiindex(SEQS[:4])
    X.index = X.index.set_levels(["z", 3, "a", 1.5], level="sample")
    order = [2, 0, 3, 1]
    X = pd.concat([X.loc[[label]] for label in X.index.levels[0][order]])
    assert list(X.index.get_level_values(0).unique()) == ["a", "z", 1.5, 3]
    expected = fitted_clf.predict_proba(SEQS[:4])[order]
    _assert_close(fitted_clf.predict_proba(X), expected)


def test_unorderable_time_level_is_a_type_error_naming_it(fitted_clf):
    X = _frame_from_labels([x[:3] for x in SEQS[:2]], [[0, "x", 2], [1, 2, 3]])
    with pytest.raises(TypeError, match=r"time level of X's MultiIndex \('time'\)"):
        fitted_clf.predict_proba(X)


def test_repeated_sample_time_pairs_name_the_first(fitted_clf):
    x = np.ones((5, 2))
    index = pd.MultiIndex.from_tuples(
        [("a", 0), ("b", 2), ("b", 2), ("a", 5), ("a", 5)], names=["s", "t"]
    )
    X = pd.DataFrame(x, index=index, columns=["f0", "f1"])
    with pytest.raises(ValueError, match=r"sample 'a' has time 5 more than once"):
        fitted_clf.predict_proba(X)
    with pytest.raises(ValueError, match=r"sample 'b' has time 2 more than once"):
        fitted_clf.predict_proba(X.iloc[:3])


# -- 2. containers ------------------------------------------------------------

TENSOR_DTYPES = [
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
    torch.int32,
    torch.int64,
    torch.uint8,
    torch.bool,
]


def _values_for(dtype, x):
    """Data that the dtype can hold: small integers for ints, signs for bool."""
    if dtype == torch.bool:
        return x > 0
    if not dtype.is_floating_point:
        return np.abs(np.round(3 * x))
    return x


@pytest.mark.parametrize(
    ("dtype", "requires_grad"),
    [(dtype, False) for dtype in TENSOR_DTYPES]
    + [(dtype, True) for dtype in TENSOR_DTYPES if dtype.is_floating_point],
    ids=str,
)
def test_tensors_of_any_dtype_read_as_their_float32_values(
    fitted_clf, dtype, requires_grad
):
    def tensor(x):
        t = torch.as_tensor(_values_for(dtype, x)).to(dtype)
        return t.requires_grad_(requires_grad)

    def canonical(t):
        return t.detach().to(torch.float32).numpy()

    # X itself: a 3-D tensor
    t = tensor(ARRAY)
    expected = fitted_clf.predict_proba(canonical(t))
    np.testing.assert_array_equal(fitted_clf.predict_proba(t), expected)
    # a list of equal-length tensors is the stacked tensor
    np.testing.assert_array_equal(fitted_clf.predict_proba(list(t)), expected)
    # a list of tensors of different lengths
    items = [tensor(x) for x in SEQS]
    expected = fitted_clf.predict_proba([canonical(t) for t in items])
    np.testing.assert_array_equal(fitted_clf.predict_proba(items), expected)
    # nested lists holding tensors
    nested = [[tensor(step) for step in x] for x in SEQS]
    np.testing.assert_array_equal(fitted_clf.predict_proba(nested), expected)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_fit_on_low_precision_tensors_is_fit_on_their_values(dtype):
    y = np.arange(len(SEQS)) % 2
    items = [torch.from_numpy(x).to(dtype).requires_grad_() for x in SEQS]
    canonical = [t.detach().float().numpy() for t in items]
    a = fit_quietly(RNNClassifier(**FAST), items, y)
    b = fit_quietly(RNNClassifier(**FAST), canonical, y)
    np.testing.assert_array_equal(a.predict_proba(items), b.predict_proba(canonical))
    scaler = SequenceScaler().fit(items)
    np.testing.assert_array_equal(scaler.mean_, SequenceScaler().fit(canonical).mean_)


def test_nested_tensor_is_a_list_of_sequences(fitted_clf):
    t = torch.nested.nested_tensor([torch.from_numpy(x) for x in SEQS])
    np.testing.assert_array_equal(
        fitted_clf.predict_proba(t), fitted_clf.predict_proba(SEQS)
    )


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_tensor_on_a_gpu_is_read(fitted_clf):
    t = torch.from_numpy(ARRAY).to("cuda", torch.bfloat16).requires_grad_()
    np.testing.assert_array_equal(
        fitted_clf.predict_proba(t),
        fitted_clf.predict_proba(t.detach().float().cpu().numpy()),
    )


def test_series_of_arrays_is_a_list_of_sequences(fitted_clf):
    index = [f"id{i}" for i in range(len(SEQS))]
    series = pd.Series(SEQS, index=index, name="walks")
    assert series.dtype == object
    np.testing.assert_array_equal(
        fitted_clf.predict_proba(series), fitted_clf.predict_proba(SEQS)
    )
    # equal-length items: the stacked array
    np.testing.assert_array_equal(
        fitted_clf.predict_proba(pd.Series(list(ARRAY))),
        fitted_clf.predict_proba(ARRAY),
    )
    # SequenceScaler gives back a Series with the same index and name
    scaler = SequenceScaler().fit(SEQS)
    out = scaler.transform(series)
    assert isinstance(out, pd.Series)
    assert out.index.equals(series.index)
    assert out.name == "walks"
    for got, want in zip(out, scaler.transform(SEQS), strict=True):
        np.testing.assert_array_equal(got, want)


def test_series_with_multiindex_is_a_one_column_frame(fitted_clf_2d):
    univariate = [x[:, 0] for x in SEQS]
    series = to_multiindex(univariate)["f0"]
    _assert_close(
        fitted_clf_2d.predict_proba(series), fitted_clf_2d.predict_proba(univariate)
    )
    scaler = SequenceScaler().fit(univariate)
    out = scaler.transform(series.iloc[::-1])
    assert isinstance(out, pd.Series)
    assert out.name == "f0"
    assert out.index.equals(series.index[::-1])
    _assert_close(
        out.to_numpy(), (series.iloc[::-1].to_numpy() - scaler.mean_) / scaler.scale_
    )


def test_object_arrays_of_numbers(fitted_clf, fitted_clf_2d):
    np.testing.assert_array_equal(
        fitted_clf.predict_proba(ARRAY.astype(object)),
        fitted_clf.predict_proba(ARRAY),
    )
    X2 = np.stack([x[:8, 0] for x in make_ragged(4, seed=2, min_len=8)[0]])
    np.testing.assert_array_equal(
        fitted_clf_2d.predict_proba(X2.astype(object)), fitted_clf_2d.predict_proba(X2)
    )
    items = np.empty(len(SEQS), dtype=object)
    for i, x in enumerate(SEQS):
        items[i] = x.astype(object)
    np.testing.assert_array_equal(
        fitted_clf.predict_proba(items), fitted_clf.predict_proba(SEQS)
    )


def test_list_mixing_1d_and_2d_items_of_one_feature(fitted_clf_2d):
    x = make_ragged(2, seed=4, min_len=8, max_len=8)[0]
    a, b = x[0][:, 0], x[1][:, :1]
    _assert_close(
        fitted_clf_2d.predict_proba([a, b]),
        fitted_clf_2d.predict_proba(np.stack([a, b[:, 0]])),
    )


def _frame_with(column):
    """A flat frame: ``column`` as "f0", random numbers as "f1"."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({"f0": column, "f1": rng.normal(size=len(column))})


def test_nullable_and_category_columns_read_as_numbers(fitted_clf):
    def as_multiindex(frame):
        frame = frame.copy()
        frame.index = pd.MultiIndex.from_product([[0, 1], range(len(frame) // 2)])
        return frame

    ints = [1, 0, 3, 2, 5, 4]
    cases = {
        "Int64": pd.array(ints, dtype="Int64"),
        "Float64": pd.array([v / 2 for v in ints], dtype="Float64"),
        "boolean": pd.array([v > 2 for v in ints], dtype="boolean"),
        # values, not codes (the codes would be 1, 0, 3, ...)
        "category": pd.Categorical([10 * v for v in ints]),
        "pyarrow": pd.array([float(v) for v in ints], dtype="float64[pyarrow]"),
    }
    for name, column in cases.items():
        frame = _frame_with(column)
        plain = frame.astype({"f0": float})
        np.testing.assert_array_equal(
            fitted_clf.predict_proba(as_multiindex(frame)),
            fitted_clf.predict_proba(as_multiindex(plain)),
            err_msg=name,
        )


#: name -> (X, exception type, message)
BAD_X = {
    "complex_array": (
        ARRAY.astype(np.complex64),
        ValueError,
        r"Complex data not supported: X has dtype complex64",
    ),
    "complex_tensor": (
        torch.from_numpy(ARRAY).to(torch.complex64),
        ValueError,
        r"Complex data not supported: X is a tensor",
    ),
    "complex_item": (
        [x.astype(complex) for x in SEQS],
        ValueError,
        r"Complex data not supported: item 0 of X",
    ),
    "meta_tensor": (torch.ones(3, 4, 2, device="meta"), ValueError, r"'meta' device"),
    "sparse_tensor": (torch.ones(3, 4).to_sparse(), TypeError, r"Sparse input"),
    "sparse_matrix": (sp.csr_matrix(np.ones((3, 4))), TypeError, r"Sparse input"),
    "string": ("abc", TypeError, r"X is a str .*accepted forms of X"),
    "bytes": (b"abc", TypeError, r"X is a bytes .*accepted forms of X"),
    "none": (None, TypeError, r"X is None, not one of the accepted forms"),
    "dict": ({"a": SEQS[0]}, TypeError, r"X is a dict, not one of the accepted"),
    "set": ({1.0, 2.0}, TypeError, r"X is a set, not one of the accepted"),
    "generator": (
        lambda: (x for x in SEQS),
        TypeError,
        r"X is a generator, .*use list\(X\)",
    ),
    "scalar": (3.0, ValueError, r"got scalar array instead: X is a single number"),
    "0d_array": (np.array(3.0), ValueError, r"X is a single number \(3.0\)"),
    "0d_tensor": (torch.tensor(2.0), ValueError, r"X is a single number \(2.0\)"),
    "object_values": (object(), TypeError, r"X \(<object.*is not a number"),
    "series_of_scalars": (
        pd.Series([1.0, 2.0, 3.0]),
        ValueError,
        r"Expected 2D array, got 1D array",
    ),
    "object_array_of_strings": (
        np.array([["1", "a"], ["2", "3"]], dtype=object),
        ValueError,
        r"X holds non-numeric values: 'a' .*at index \(0, 1\)",
    ),
    "object_array_of_dicts": (
        np.array([[1.0, {"k": 1}], [2.0, 3.0]], dtype=object),
        TypeError,
        r"X holds non-numeric values: \{'k': 1\}.*argument must be a string.* number",
    ),
    "object_array_with_none": (
        np.array([[1.0, None], [2.0, 3.0]], dtype=object),
        ValueError,
        r"Input X contains NaN, at sample 0, time step 1",
    ),
    "list_of_strings": (["abc", "de"], ValueError, r"item 0 of X is a string"),
    "list_of_string_sequences": (
        [["a", "b"], ["c"]],
        ValueError,
        r"item 0 of X holds non-numeric values: 'a'",
    ),
    "list_with_dict": (
        [SEQS[0], {"k": 1}],
        TypeError,
        r"item 1 of X \(\{'k': 1\}, of type dict\) is not a number",
    ),
    "list_with_none": (
        [SEQS[0], None],
        ValueError,
        r"item 1 has shape \(\) \(it is None\)",
    ),
    "list_with_generator": (
        lambda: [SEQS[0], (v for v in SEQS[1])],
        TypeError,
        r"item 1 of X .*of type generator",
    ),
    "ragged_depth_inside_an_item": (
        [SEQS[0], [[1.0, 2.0], [3.0, [4.0, 5.0]]]],
        ValueError,
        r"Item 1 of X cannot be read as an array",
    ),
    "ragged_depth_across_items": (
        [SEQS[0], [1.0, 2.0, 3.0]],
        ValueError,
        r"same number of features per time step: sequence 0 has 2, sequence 1 "
        r"has 1 \(a 1-D item is one univariate sequence",
    ),
    "0d_item": (
        [SEQS[0], np.float32(1.0), SEQS[1]],
        ValueError,
        r"item 1 has shape \(\) \(a single number, not a sequence\)",
    ),
    "all_items_0d": (
        [np.array(1.0), np.array(2.0)],
        ValueError,
        r"Expected 2D array, got 1D array",
    ),
    "datetime_column": (
        _frame_with(pd.date_range("2020", periods=4)),
        TypeError,
        r"column 'f0' of X holds dates or durations \(dtype datetime64",
    ),
    "timedelta_array": (
        np.ones((3, 4), dtype="timedelta64[s]"),
        TypeError,
        r"X holds dates or durations \(dtype timedelta64",
    ),
    "string_category_column": (
        _frame_with(pd.Categorical(list("abab"))),
        ValueError,
        r"column 'f0' of X is categorical with non-numeric categories",
    ),
    "Int64_with_NA": (
        to_multiindex(SEQS).assign(
            f0=pd.array([pd.NA] + [1] * (sum(map(len, SEQS)) - 1), dtype="Int64")
        ),
        ValueError,
        r"Input X contains NaN, at row \(0, 0\), column 'f0'",
    ),
    "boolean_with_NA": (
        _frame_with(pd.array([True, None, False], dtype="boolean")),
        ValueError,
        r"Input X contains NaN, at row 1, column 'f0'",
    ),
    "float16_nan_tensor": (
        torch.tensor([[[0.0, float("nan")]] * 3] * 2, dtype=torch.float16),
        ValueError,
        r"Input X contains NaN, at sample 0, time step 0, feature 1",
    ),
    "empty_tensor_item": (
        [torch.ones(3, 2), torch.ones(0, 2)],
        ValueError,
        r"empty sequence",
    ),
    "masked_entry": (
        np.ma.masked_array(ARRAY, mask=ARRAY > 2),
        ValueError,
        r"Input X contains NaN.*masked entries",
    ),
    "overflow_array": (
        ARRAY.astype(np.float64) * 1e200,
        ValueError,
        r"Input X holds values that overflow float32",
    ),
    "overflow_item": (
        [SEQS[0], np.full((len(SEQS[0]) + 1, 2), -1e200)],
        ValueError,
        r"overflow float32, e.g. -1e\+200 at sequence 1, time step 0, feature 0",
    ),
    "overflow_tensor": (
        torch.full((2, 3, 2), 1e39, dtype=torch.float64),
        ValueError,
        r"overflow float32, e.g. 1e\+39 at sample 0",
    ),
    "overflow_frame": (
        to_multiindex(SEQS).assign(f1=1e300),
        ValueError,
        r"overflow float32, e.g. 1e\+300 at row \(0, 0\), column 'f1'",
    ),
    "mixed_column_names": (
        pd.DataFrame(ARRAY[:, :, 0], columns=["a", 1, "b", 2, "c"]),
        TypeError,
        r"X's column names .*\['int', 'str'\]",
    ),
    "duplicate_column_names": (
        to_multiindex(SEQS).set_axis(["f", "f"], axis=1),
        ValueError,
        r"X's columns must have unique names.*'f' names 2 columns",
    ),
    "repeated_sample_time": (
        to_multiindex(SEQS).iloc[[0, 1, 1, 2]],
        ValueError,
        r"sample 0 has time 1 more than once",
    ),
    "unorderable_time_level": (
        pd.DataFrame(
            np.ones((3, 2)),
            index=pd.MultiIndex.from_tuples([(0, 1), (0, "b"), (1, 0)]),
        ),
        TypeError,
        r"time level of X's MultiIndex holds labels that cannot be ordered",
    ),
}


def _bad(name):
    """A fresh copy of the bad X (callables make one-shot ones, generators)."""
    X, error, match = BAD_X[name]
    return (X() if callable(X) else copy.deepcopy(X)), error, match


def test_the_cases_are_what_they_say():
    """Each bad X is built as named (so its error is the one under test)."""
    assert BAD_X["Int64_with_NA"][0]["f0"].dtype == "Int64"
    assert BAD_X["boolean_with_NA"][0]["f0"].dtype == "boolean"
    assert np.isfinite(BAD_X["overflow_array"][0]).all()
    assert torch.isfinite(BAD_X["overflow_tensor"][0]).all()
    assert np.isfinite(BAD_X["overflow_frame"][0].to_numpy()).all()
    assert BAD_X["masked_entry"][0].mask.any()


@pytest.mark.parametrize("name", list(BAD_X))
def test_bad_x_is_refused_everywhere_with_a_clear_error(name, fitted_clf):
    # the classifier and regressor, fresh and fitted, and the scaler
    for est in (RNNClassifier(**FAST), RNNRegressor(**FAST), SequenceScaler()):
        X, error, match = _bad(name)
        with pytest.raises(error, match=match):
            est.fit(X, np.arange(4) % 2)
        with pytest.raises(NotFittedError):
            check_is_fitted(est)
    X, error, match = _bad(name)
    with pytest.raises(error, match=match):
        fitted_clf.predict_proba(X)
    X, error, match = _bad(name)
    with pytest.raises(error, match=match):
        SequenceScaler().fit(SEQS).transform(X)


def test_nan_inf_and_overflow_are_told_apart():
    est = SequenceScaler()
    big = [SEQS[0].astype(np.float64), np.full((2, 2), 1e200)]
    with pytest.raises(ValueError, match="overflow float32") as info:
        est.fit(big)
    assert "infinity" not in str(info.value)
    big[1][0, 0] = np.inf
    with pytest.raises(ValueError, match="contains infinity, at sequence 1"):
        est.fit(big)
    big[1][1, 1] = np.nan
    with pytest.raises(ValueError, match="contains NaN, at sequence 1, time step 1"):
        est.fit(big)
    # the largest float32 is not an overflow
    edge = [np.full((2, 2), np.finfo(np.float32).max, dtype=np.float64)]
    assert np.isfinite(est.fit(edge).transform(edge)[0]).all()


# -- 3. column names are checked while reading X, before any epoch -------------

EPOCHS = []


class _CountEpochs(Callback):
    def on_epoch_begin(self, net, **kwargs):
        EPOCHS.append(1)


@pytest.mark.parametrize("name", ["mixed_column_names", "duplicate_column_names"])
def test_column_names_are_refused_before_the_first_epoch(name, fitted_clf):
    X, error, match = _bad(name)
    y = np.arange(X.index.get_level_values(0).nunique()) % 2
    EPOCHS.clear()
    est = RNNClassifier(**FAST, callbacks=[_CountEpochs()])
    with pytest.raises(error, match=match):
        est.fit(X, y)
    assert EPOCHS == []
    # the counter does count epochs
    fit_quietly(est, X.set_axis([f"c{i}" for i in range(X.shape[1])], axis=1), y)
    assert len(EPOCHS) == FAST["max_iter"]

    # a fitted model, refitted from scratch: no epoch either
    EPOCHS.clear()
    est = copy.deepcopy(fitted_clf).set_params(callbacks=[_CountEpochs()])
    with pytest.raises(error, match=match):
        est.fit(X, y)
    assert EPOCHS == []


# -- a failed fit or predict leaves a fitted model as it was -------------------


def _same(a, b, path="vars"):
    """Structural equality of fitted state (arrays, containers, objects)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        np.testing.assert_array_equal(a, b, err_msg=path)
    elif isinstance(a, torch.Tensor):
        assert torch.equal(a, b), path
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), path
        for key in a:
            _same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert type(a) is type(b), path
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b, strict=True)):
            _same(u, v, f"{path}[{i}]")
    elif hasattr(a, "__dict__") and not isinstance(a, type):
        assert type(a) is type(b), path
        _same(vars(a), vars(b), f"{path}.{type(a).__name__}")
    else:
        assert a == b or (a != a and b != b), path


def _snapshot(est):
    return {
        "proba": est.predict_proba(SEQS),
        "vars": copy.deepcopy({k: v for k, v in vars(est).items() if k != "net_"}),
        "weights": copy.deepcopy(est.net_.module_.state_dict()),
        "epochs": len(est.net_.history),
    }


def _assert_unchanged(est, snapshot):
    np.testing.assert_array_equal(est.predict_proba(SEQS), snapshot["proba"])
    _same({k: v for k, v in vars(est).items() if k != "net_"}, snapshot["vars"])
    _same(est.net_.module_.state_dict(), snapshot["weights"], "state_dict")
    assert len(est.net_.history) == snapshot["epochs"]


@pytest.mark.parametrize("name", list(BAD_X))
def test_failed_fit_and_predict_leave_the_model_unchanged(name, fitted_clf):
    y = np.arange(len(SEQS)) % 2
    for warm_start in (False, True):
        est = copy.deepcopy(fitted_clf).set_params(warm_start=warm_start)
        snapshot = _snapshot(est)
        X, error, match = _bad(name)
        with pytest.raises(error, match=match):
            est.fit(X, y)
        _assert_unchanged(est, snapshot)
        X, error, match = _bad(name)
        with pytest.raises(error, match=match):
            est.partial_fit(X, y)
        _assert_unchanged(est, snapshot)
        X, error, match = _bad(name)
        with pytest.raises(error, match=match):
            est.predict(X)
        _assert_unchanged(est, snapshot)


def test_the_snapshot_sees_a_change(fitted_clf):
    """The comparison above can fail: one more epoch changes the state."""
    est = copy.deepcopy(fitted_clf)
    snapshot = _snapshot(est)
    est.partial_fit(SEQS, np.arange(len(SEQS)) % 2)
    with pytest.raises(AssertionError):
        _assert_unchanged(est, snapshot)
