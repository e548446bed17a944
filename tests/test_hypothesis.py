"""Property-based tests: padding invariance, and no crash on any input.

For random ragged batches, each sequence's prediction is the same alone as
in the batch. For random shapes, dtypes and values of X (and y), ``fit``,
``partial_fit`` and ``predict`` either give a result or one of the
contract's clear errors (``ValueError`` / ``TypeError`` with a message),
never another exception, and a failed fit leaves the model as it was.
"""

import copy
import warnings

import numpy as np
import pandas as pd
import pytest
from _helpers import FAST, fit_quietly, make_ragged, outputs

from sklearn_rnn import RNNClassifier, RNNRegressor

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

SETTINGS = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

N_FEATURES = 2
TOL = dict(rtol=1e-4, atol=1e-5)

#: Padding-sensitive configurations: pooling over steps, backward reading.
CONFIGS = {
    "gru_max_classifier": (RNNClassifier, dict(cell="gru", pooling="max")),
    "bilstm_mean_regressor": (
        RNNRegressor,
        dict(cell="lstm", bidirectional=True, pooling="mean"),
    ),
    "rnn_last_two_layers_classifier": (
        RNNClassifier,
        dict(cell="rnn", num_layers=2, pooling="last"),
    ),
    "gru_patches_of_3_mean_regressor": (
        RNNRegressor,
        dict(cell="gru", patch_size=3, pooling="mean"),
    ),
}


@pytest.fixture(scope="module")
def models():
    X, y, y_reg = make_ragged(n_samples=24, seed=3, min_len=1, max_len=12)
    fitted = {}
    for name, (cls, params) in CONFIGS.items():
        target = y if cls is RNNClassifier else y_reg
        fitted[name] = fit_quietly(cls(**{**FAST, "max_iter": 2, **params}), X, target)
    return fitted


finite = st.floats(-1e4, 1e4, allow_nan=False, width=32)
sequence = st.integers(1, 25).flatmap(
    lambda n: hnp.arrays(np.float32, (n, N_FEATURES), elements=finite)
)


@pytest.mark.parametrize("name", list(CONFIGS))
@SETTINGS
@given(batch=st.lists(sequence, min_size=1, max_size=8))
def test_random_ragged_batches_keep_padding_invariance(name, models, batch):
    est = models[name]
    together = outputs(est, batch)
    alone = np.concatenate([outputs(est, [x]) for x in batch])
    np.testing.assert_allclose(together, alone, **TOL)


# -- any input: a result or a clear error --------------------------------------

DTYPES = [
    np.float16,
    np.float32,
    np.float64,
    np.int8,
    np.int64,
    np.uint8,
    np.bool_,
    np.complex64,
    np.complex128,
    np.dtype("U3"),
    np.dtype(object),
]

#: Any float, NaN and infinities included, and values beyond float32.
any_float = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(
    [0.0, 1.0, -1.0, 1e30, -1e38, 3.5e38, 1e300, np.nan, np.inf]
)
scalar = (
    any_float
    | st.integers(-(2**70), 2**70)
    | st.booleans()
    | st.text(max_size=3)
    | st.none()
    | st.complex_numbers(max_magnitude=1e6)
)


def _elements(dtype):
    dtype = np.dtype(dtype)
    if dtype.kind == "O":
        return scalar | st.lists(st.integers(), max_size=2)
    if dtype.kind == "U":
        return st.text(max_size=3) | st.sampled_from(["1.5", "nan", "inf", "-2"])
    return hnp.from_dtype(dtype)


@st.composite
def arrays(draw, min_dims=0, max_dims=4):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(
        hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=0, max_side=5)
    )
    return draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))


@st.composite
def frames(draw):
    values = draw(arrays(min_dims=2, max_dims=2))
    frame = pd.DataFrame(values)
    if draw(st.booleans()) and len(frame):
        label = st.integers(0, 3) | st.sampled_from([None, np.nan])
        ids = draw(st.lists(label, min_size=len(frame)))
        steps = draw(st.lists(st.integers(0, 5) | st.none(), min_size=len(frame)))
        index = pd.MultiIndex.from_arrays([ids[: len(frame)], steps[: len(frame)]])
        frame.index = index
    return frame


def _object_array(items):
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out


@st.composite
def sequences(draw):
    """Nearly valid X: 3-D or 2-D arrays, or lists of (T_i, F) / (T_i,)
    arrays, of any dtype and values, with 0-3 features and 0-5 steps."""
    dtype = draw(st.sampled_from(DTYPES))
    n = draw(st.integers(1, 5))
    features = draw(st.integers(0, 3))
    steps = st.integers(0, 5)
    if draw(st.booleans()):  # an array
        shape = (n, draw(steps), features)[: draw(st.sampled_from([2, 3]))]
        return draw(hnp.arrays(dtype, shape, elements=_elements(dtype)))
    items = []
    for _ in range(n):
        item_dtype = draw(st.sampled_from([dtype, dtype, *DTYPES]))
        shape = (draw(steps), features)[: draw(st.sampled_from([1, 2, 2, 2]))]
        items.append(
            draw(hnp.arrays(item_dtype, shape, elements=_elements(item_dtype)))
        )
    container = draw(st.sampled_from([list, tuple, _object_array]))
    return container(items)


any_X = st.one_of(
    sequences(),
    sequences(),
    sequences(),
    arrays(),
    st.lists(arrays(max_dims=3), max_size=6),
    st.lists(st.lists(scalar, max_size=4), max_size=5),
    frames(),
    scalar,
)


@st.composite
def X_and_y(draw):
    X = draw(any_X)
    try:
        n = len(X)
    except TypeError:
        n = draw(st.integers(0, 5))
    n = draw(st.sampled_from([n, n, n, max(n - 1, 0), n + 1]))
    y = draw(
        st.lists(st.integers(0, 2), min_size=n, max_size=n).map(np.array)
        | st.sampled_from(DTYPES).flatmap(
            lambda dtype: hnp.arrays(dtype, n, elements=_elements(dtype))
        )
    )
    return X, y


def _n_samples(X):
    if isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex):
        return X.index.get_level_values(0).nunique()
    return len(X)


def _assert_result_or_clear_error(call):
    """Run ``call``; only a result or a ValueError/TypeError with a message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call(), None
        except (ValueError, TypeError) as error:
            caught = error
    assert str(caught), f"{type(caught).__name__} without a message"
    return None, caught


@pytest.fixture(scope="module")
def tiny():
    """A fitted classifier and regressor of 3 hidden units, on 2 features."""
    X, y, y_reg = make_ragged(n_samples=12, seed=5, min_len=2, max_len=6)
    params = {**FAST, "hidden_size": 3, "max_iter": 1, "batch_size": 8}
    return X, {
        "classifier": fit_quietly(RNNClassifier(**params), X, y),
        "regressor": fit_quietly(RNNRegressor(**params), X, y_reg),
    }


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@SETTINGS
@given(X=any_X)
def test_predict_gives_a_result_or_a_clear_error(kind, tiny, X):
    est = tiny[1][kind]
    result, error = _assert_result_or_clear_error(lambda: outputs(est, X))
    if error is None:
        assert result.shape[0] == _n_samples(X)
        if kind == "classifier":
            np.testing.assert_allclose(result.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
@pytest.mark.parametrize("method", ["fit", "partial_fit"])
@SETTINGS
@given(data=X_and_y())
def test_fit_gives_a_result_or_a_clear_error(kind, method, tiny, data):
    X_ref, fitted = tiny
    X, y = data
    est = copy.deepcopy(fitted[kind])
    before = outputs(est, X_ref)
    _, error = _assert_result_or_clear_error(lambda: getattr(est, method)(X, y))
    if error is not None:  # a failed fit leaves the model as it was
        np.testing.assert_array_equal(outputs(est, X_ref), before)
    fresh = type(est)(**est.get_params())
    _assert_result_or_clear_error(lambda: getattr(fresh, method)(X, y))


# -- bugs the properties above found, fixed in _data.py --------------------------


def _multiindex(sample_ids, times):
    index = pd.MultiIndex.from_arrays([sample_ids, times], names=["sample", "time"])
    return pd.DataFrame({"f0": 1.0, "f1": 2.0}, index=index)


@pytest.mark.parametrize(
    ("X", "message"),
    [
        # a missing sample label made the NaN rows one extra, silent sample
        (
            _multiindex([0, 0, np.nan, 1, 1, 1], [0, 1, 0, 0, 1, 2]),
            "sample level of X's MultiIndex .'sample'. has 1 missing",
        ),
        # a missing time label silently sorted the row first
        (
            _multiindex([0, 0, 0, 1, 1, 1], [0, None, 2, 0, 1, 2]),
            "time level of X's MultiIndex .'time'. has 1 missing",
        ),
        # numpy's "at least one array or dtype is required"
        (pd.DataFrame(index=range(6)), "DataFrame has no columns"),
        # numpy's "inhomogeneous shape" for items that are not sequences
        ([None, np.ones((3, 2)), np.ones((4, 2))], r"item 0 has shape \(\)"),
        ([np.ones((2, 3, 2)), np.ones((3, 3, 2))], r"item 0 has shape \(2, 3, 2\)"),
        ([[[1.0, 2.0], [3.0]], np.ones((2, 2))], "Item 0 of X cannot be read"),
    ],
    ids=["nan-sample", "nan-time", "no-columns", "none-item", "3d-items", "jagged"],
)
def test_found_inputs_give_clear_errors(X, message, tiny):
    est = tiny[1]["classifier"]
    with pytest.raises(ValueError, match=message):
        est.predict(X)
    with pytest.raises(ValueError, match=message):
        RNNClassifier(**FAST).fit(X, np.arange(6) % 2)
