"""Every accepted form of X -> one `Sequences` object, and batches of it.

The estimators never see padding: they hand X to :func:`as_sequences`, get
back flat time steps plus lengths, and give the result to
:class:`SequenceDataset`, which pads each mini-batch only to the longest
sequence *in that batch*.

Reading X is done once, here, for every estimator and transformer: every
container is turned into numbers by one converter (:func:`_to_numpy`, used
for X itself and for each item of a list X), cast to float32 (the network's
precision) with one finiteness check (:func:`_float32`), and every check that
fitting could fail later (column names) is made while reading, so that bad
input is refused before any training starts.
"""

import copy
import numbers
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.utils.validation import _get_feature_names, check_array, validate_data

#: The forms of X, named in errors about a container that is none of them.
ACCEPTED_FORMS = (
    "a 3-D array-like (n_samples, n_timesteps, n_features), a 2-D array-like "
    "(n_samples, n_timesteps), a list (or tuple, 1-D object array, pandas "
    "Series) of per-sample array-likes of shape (T_i, n_features) or (T_i,), "
    "or a pandas DataFrame (flat, or with a (sample, time) MultiIndex); "
    "numpy arrays, torch tensors and nested lists are all array-likes"
)

_ITEM_FORM = "an array-like of shape (T_i, n_features) or (T_i,)"


@dataclass
class Sequences:
    """Sequences as flat time steps plus per-sample lengths.

    Attributes
    ----------
    values : ndarray of shape (total_steps, n_step_features), float32
        All time steps of all samples, sample after sample.
    lengths : ndarray of shape (n_samples,), int64
        Number of time steps of each sample.
    form : str
        The form X came in: ``"3d"``, ``"2d"``, ``"ragged"``,
        ``"multiindex"`` or ``"frame"`` (a flat DataFrame).
    proxy : ndarray or DataFrame
        The 2-D object whose columns scikit-learn counts as features
        (``n_features_in_``, ``feature_names_in_``): X itself for 2-D
        input and frames, the flat time steps otherwise.
    meta : dict
        What :meth:`with_values` needs to rebuild X's form.
    """

    values: np.ndarray
    lengths: np.ndarray
    form: str
    proxy: object
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.offsets = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.offsets[1:])
        self.max_length = int(self.lengths.max()) if len(self.lengths) else 0
        self.equal_length = bool(len(self.lengths)) and bool(
            (self.lengths == self.max_length).all()
        )

    def __len__(self):
        return len(self.lengths)

    @property
    def n_step_features(self):
        return self.values.shape[1]

    def with_values(self, values):
        """X's own form again, with new per-step ``values`` (same shape)."""
        n_features = values.shape[1]
        if self.form == "3d":
            return values.reshape(len(self), self.max_length, n_features)
        if self.form == "2d":
            return values.reshape(len(self), self.max_length)
        if self.form == "frame":
            return pd.DataFrame(
                values.reshape(len(self), self.max_length),
                index=self.proxy.index,
                columns=self.proxy.columns,
            )
        if self.form == "multiindex":
            order = self.meta["order"]
            if order is not None:  # back to X's own row order
                values = values[np.argsort(order)]
            frame = pd.DataFrame(
                values, index=self.proxy.index, columns=self.proxy.columns
            )
            if "series_name" in self.meta:  # X was a Series with a MultiIndex
                return frame.iloc[:, 0].rename(self.meta["series_name"])
            return frame
        parts = np.split(values, self.offsets[1:-1])
        univariate = self.meta["univariate"]
        parts = [
            p[:, 0] if uni else p for p, uni in zip(parts, univariate, strict=True)
        ]
        container = self.meta.get("container", list)
        if container is tuple:
            return tuple(parts)
        if container is np.ndarray or container is pd.Series:
            out = np.empty(len(parts), dtype=object)
            for i, part in enumerate(parts):
                out[i] = part
            if container is pd.Series:
                return pd.Series(out, index=self.meta["index"], name=self.meta["name"])
            return out
        return parts


def as_sequences(X):
    """Read any accepted form of X; raise a clear error for anything else.

    Parameters
    ----------
    X : array-like, list of array-likes, Series or DataFrame
        See the table "What X may be" in the README. Torch tensors (any
        dtype, on any device, with or without gradients) are array-likes;
        a nested (jagged) tensor is a list of sequences; a pandas Series is
        a list of sequences when its items are array-likes (a Series of
        numbers is 1-D input, which is refused), and a one-column frame when
        it has a (sample, time) MultiIndex.

    Returns
    -------
    Sequences

    Raises
    ------
    TypeError
        For a container that is none of the accepted forms (a string, a
        dict, a generator, sparse data, ...), values that are not numbers,
        dates, column names of mixed types or a time level whose labels
        cannot be ordered.
    ValueError
        For anything else that cannot be read: wrong dimensions, no samples,
        empty sequences, differing feature counts, NaN (also None or pd.NA),
        infinity, values that overflow float32, complex numbers, repeated
        (sample, time) pairs.
    """
    _check_container(X)
    if isinstance(X, torch.Tensor):
        if X.is_nested:  # a jagged tensor: one sequence per component
            return _from_list(list(X.unbind()), list)
        X = _tensor_to_numpy(X, "X")
    if isinstance(X, pd.Series):
        return _from_series(X)
    if isinstance(X, pd.DataFrame):
        _check_columns(X)
        if isinstance(X.index, pd.MultiIndex):
            return _from_multiindex(X)
        return _from_array(_to_numpy(X, "X"), frame=X)
    if isinstance(X, (list, tuple)):
        return _from_list(X, type(X))
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1:
        return _from_list(X, np.ndarray)
    return _from_array(_to_numpy(X, "X"))


# -- containers ----------------------------------------------------------------


def _check_container(X):
    """Refuse, by its type, an X that cannot be any accepted form."""
    if sp.issparse(X) or (
        isinstance(X, torch.Tensor) and X.layout != torch.strided and not X.is_nested
    ):
        raise TypeError(
            "Sparse input is not supported: sequences must be dense. "
            "Convert X with X.toarray() (a scipy matrix) or X.to_dense() "
            "(a torch tensor)."
        )
    if isinstance(X, (str, bytes)):
        raise TypeError(
            f"X is a {type(X).__name__} ({X!r:.40}), not one of the accepted "
            f"forms of X: {ACCEPTED_FORMS}. Encode text as numbers (token ids) "
            "first."
        )
    if X is None or isinstance(X, (Mapping, Set, Iterator)):
        hint = ""
        if isinstance(X, Iterator):
            hint = " To pass the sequences an iterator yields, use list(X)."
        what = "None" if X is None else f"a {type(X).__name__}"
        raise TypeError(
            f"X is {what}, not one of the accepted forms of X: {ACCEPTED_FORMS}.{hint}"
        )


def _from_series(X):
    """A Series: a list of sequences, a one-column frame, or 1-D input."""
    if isinstance(X.index, pd.MultiIndex):
        seqs = as_sequences(X.to_frame())
        seqs.meta["series_name"] = X.name
        return seqs
    if X.dtype == object and any(_is_sequence_like(v) for v in X):
        seqs = _from_list(X.tolist(), pd.Series)
        seqs.meta.update(index=X.index, name=X.name)
        return seqs
    return _from_array(_to_numpy(X, "X"))  # 1-D: scikit-learn's 1-D error


def _is_sequence_like(v):
    return not isinstance(v, (str, bytes)) and (
        isinstance(v, (list, tuple)) or getattr(v, "ndim", 0) > 0
    )


def _check_columns(X):
    """The checks on X's columns that recording the fit would make."""
    if X.shape[1] == 0:
        raise ValueError("The DataFrame has no columns: at least 1 feature is needed.")
    names = pd.Series(X.columns)
    repeated = names[names.duplicated()]
    if len(repeated):
        first = repeated.iloc[0]
        raise ValueError(
            f"X's columns must have unique names (each one a feature), but "
            f"{first!r} names {int((names == first).sum())} columns."
        )
    try:
        _get_feature_names(X)
    except TypeError as exc:
        raise TypeError(f"X's column names cannot be feature names: {exc}") from exc


# -- values: one converter for X and for each item of a list X -----------------


def _to_numpy(x, where):
    """``x`` as an ndarray of real numbers (bool, int or float of any size).

    Used for X itself and for each item of a list X, so every container is
    read the same way wherever it appears. Missing values (None, pd.NA,
    masked entries) become NaN, for :func:`_float32` to report; anything
    that is not a real number is refused with an error naming ``where``.
    """
    if isinstance(x, torch.Tensor):
        return _tensor_to_numpy(x, where)
    if isinstance(x, pd.DataFrame):
        if x.shape[1] and not all(
            isinstance(dtype, np.dtype) and dtype.kind in "biuf" for dtype in x.dtypes
        ):
            return np.column_stack(
                [
                    _column_to_numpy(x.iloc[:, j], f"column {name!r} of {where}")
                    for j, name in enumerate(x.columns)
                ]
            )
        return x.to_numpy()
    if isinstance(x, pd.Series):
        return _column_to_numpy(x, where)
    if isinstance(x, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(x)
        x = _numeric(np.asarray(x.data), where)
        if mask.any():
            x = x.astype(np.float64)
            x[mask] = np.nan
        return x
    if not isinstance(x, np.ndarray):
        x = _asarray(x, where)
    return _numeric(x, where)


def _asarray(x, where):
    try:
        return np.asarray(x)
    except (ValueError, TypeError, RuntimeError) as exc:
        # nested lists holding tensors numpy cannot read (bfloat16, on a
        # GPU, requiring grad): convert those tensors, then try again
        if isinstance(x, (list, tuple)) and _holds_tensor(x):
            return _asarray(_tensors_to_numpy(x, where), where)
        form = ACCEPTED_FORMS if where == "X" else _ITEM_FORM
        error = TypeError if isinstance(exc, TypeError) else ValueError
        raise error(
            f"{where[0].upper()}{where[1:]} cannot be read as an array: "
            f"{str(exc).rstrip('.')}. Expected {form}."
        ) from exc


def _holds_tensor(x):
    if isinstance(x, torch.Tensor):
        return True
    return isinstance(x, (list, tuple)) and any(_holds_tensor(v) for v in x)


def _tensors_to_numpy(x, where):
    if isinstance(x, torch.Tensor):
        return _tensor_to_numpy(x, where)
    if isinstance(x, (list, tuple)):
        return [_tensors_to_numpy(v, where) for v in x]
    return x


def _tensor_to_numpy(x, where):
    """A dense tensor of any dtype, device and grad state as an ndarray."""
    if x.is_nested:
        raise TypeError(
            f"{where} is a nested tensor: pass its components as a list of "
            "sequences (list(t.unbind())) instead."
        )
    if x.layout != torch.strided:
        raise TypeError(
            f"{where} is a {x.layout} tensor: sequences must be dense; "
            "convert it with .to_dense()."
        )
    if x.device.type == "meta":
        raise ValueError(
            f"{where} is a tensor on the 'meta' device, which holds no values."
        )
    if x.is_complex():
        raise ValueError(
            f"Complex data not supported: {where} is a tensor of dtype "
            f"{x.dtype}. Pass real numbers, e.g. the real and imaginary parts "
            "as two features."
        )
    if x.is_quantized:
        x = x.dequantize()
    # float64 stays float64 so that values overflowing float32 are reported
    # as such; every other dtype (float16, bfloat16, ints, bool) is exact or
    # as exact as the network's float32 in float32
    if x.dtype != torch.float64:
        x = x.to(torch.float32)
    return x.numpy(force=True)  # detached, on the CPU


def _column_to_numpy(column, where):
    """One pandas column (or Series) as a 1-D ndarray of real numbers."""
    dtype = column.dtype
    if isinstance(dtype, np.dtype):
        return _numeric(column.to_numpy(), where)
    if getattr(dtype, "kind", "O") in "mM" or isinstance(dtype, pd.PeriodDtype):
        _refuse_dates(dtype, where)
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        if not (
            pd.api.types.is_numeric_dtype(categories.dtype)
            and not pd.api.types.is_complex_dtype(categories.dtype)
        ):
            raise ValueError(
                f"{where} is categorical with non-numeric categories (e.g. "
                f"{categories[0]!r}): the network reads numbers. Pass the "
                "category codes (.cat.codes) or another numeric encoding."
            )
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_complex_dtype(dtype):
        _numeric(np.empty(0, dtype=complex), where)  # raises
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        # nullable (Int64, Float64, boolean), Arrow or sparse: pd.NA -> NaN
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    return _numeric(column.to_numpy(dtype=object, na_value=np.nan), where)


def _refuse_dates(dtype, where):
    raise TypeError(
        f"{where} holds dates or durations (dtype {dtype}), which are not "
        "numbers the network can read. Convert them to numbers first, e.g. "
        "seconds since a reference time."
    )


def _numeric(x, where):
    """An ndarray of real numbers, or a clear error naming ``where``."""
    kind = x.dtype.kind
    if kind in "biuf":
        return x
    if kind == "c":
        raise ValueError(
            f"Complex data not supported: {where} has dtype {x.dtype}. Pass "
            "real numbers, e.g. the real and imaginary parts as two features."
        )
    if kind in "mM":
        _refuse_dates(x.dtype, where)
    if kind == "V":
        if x.dtype.names is None:  # an extension float (ml_dtypes' bfloat16)?
            try:
                return x.astype(np.float64)
            except (TypeError, ValueError):
                pass
        raise TypeError(
            f"{where} has the structured dtype {x.dtype}; expected an array of numbers."
        )
    if x.ndim == 0 and kind == "O" and not _is_number(x.item()):
        value = x.item()
        form = ACCEPTED_FORMS if where == "X" else _ITEM_FORM
        raise TypeError(
            f"{where} ({_show(value):.40}, of type {type(value).__name__}) is not a "
            f"number nor an array of numbers. Expected {form}."
        )
    if kind == "O":  # None, pd.NA and NaN are missing values
        missing = pd.isna(x)
        if missing.any():
            x = x.copy()
            x[missing] = np.nan
    try:
        return x.astype(np.float64)
    except (TypeError, ValueError) as exc:
        index, value = _first_non_number(x)
        error = TypeError if isinstance(exc, TypeError) else ValueError
        raise error(
            f"{where} holds non-numeric values: {_show(value):.40} (of type "
            f"{type(value).__name__}) at index {index} is not a real number "
            f"({str(exc).rstrip('.')}). Sequences must hold numbers only."
        ) from exc


def _is_number(value):
    """A real number, or a missing value (None, pd.NA, NaN)."""
    if value is None or value is pd.NA or isinstance(value, numbers.Real):
        return True
    if isinstance(value, (str, bytes)):
        return False
    try:
        float(value)  # Decimal, Fraction, numpy scalars, 0-d tensors
    except (TypeError, ValueError):
        return False
    return True


def _first_non_number(x):
    for index, value in np.ndenumerate(x):
        try:
            float(value)
        except (TypeError, ValueError):
            return (index[0] if len(index) == 1 else index), value
    return (), x.flat[0] if x.size else None


def _float32(raw, locate):
    """``raw`` (2-D, real numbers) as C-ordered float32, all finite.

    ``locate(row, column)`` names a position of ``raw`` for the error.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.ascontiguousarray(raw, dtype=np.float32)
        total = values.sum()
    if not values.flags.writeable:  # a read-only view of X (pandas, say)
        values = values.copy()
    if np.isfinite(total):
        return values
    bad = ~np.isfinite(values)
    if not bad.any():  # only the sum overflowed
        return values
    with np.errstate(invalid="ignore"):
        nan = np.isnan(raw) if raw.dtype.kind == "f" else np.zeros_like(bad)
        inf = np.isinf(raw) if raw.dtype.kind == "f" else np.zeros_like(bad)
    if nan.any():
        raise ValueError(
            f"Input X contains NaN, at {locate(*_first(nan))}: missing values "
            "(NaN, None, pd.NA, masked entries) are not supported. Fill or drop "
            "them first."
        )
    if inf.any():
        raise ValueError(f"Input X contains infinity, at {locate(*_first(inf))}.")
    row, column = _first(bad)
    raise ValueError(
        f"Input X holds values that overflow float32, e.g. "
        f"{float(raw[row, column]):.3g} at {locate(row, column)}: the network "
        f"computes in float32, whose largest value is about "
        f"{np.finfo(np.float32).max:.3g}, so they would become infinite. "
        "Rescale X first (e.g. divide it by a constant or take a logarithm)."
    )


def _show(label):
    """A label as the user wrote it: ``3``, not ``np.int64(3)``."""
    if isinstance(label, tuple):
        return "(" + ", ".join(_show(v) for v in label) + ")"
    return repr(label.item() if isinstance(label, np.generic) else label)


def _first(mask):
    row, column = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return int(row), int(column)


def _step_locator(lengths, label="sample"):
    """``locate(row, feature)`` for flat steps of sequences of ``lengths``."""
    offsets = np.concatenate([[0], np.cumsum(lengths)])

    def locate(row, feature):
        sample = int(np.searchsorted(offsets, row, side="right")) - 1
        return (
            f"{label} {sample}, time step {row - int(offsets[sample])}, "
            f"feature {feature}"
        )

    return locate


# -- forms ---------------------------------------------------------------------


def _from_list(X, container):
    """A list (tuple, 1-D object array, Series) of per-sample array-likes."""
    if len(X) == 0:
        raise ValueError(
            "Found array with 0 sample(s) (shape=(0,)) while a minimum "
            "of 1 is required: X holds no sequence."
        )
    items = [_item(x, i) for i, x in enumerate(X)]
    shapes = {x.shape for x in items}
    if len(shapes) == 1:
        # one shape: the stacked array (scikit-learn's checks pass X.tolist());
        # items that are numbers make it 1-D, which is refused as such
        return _from_array(np.stack(items))
    odd = [i for i, x in enumerate(items) if x.ndim not in (1, 2)]
    if odd:
        shape = items[odd[0]].shape
        what = " (a single number, not a sequence)" if shape == () else ""
        raise ValueError(
            "X is read as a list of sequences of different shapes, but "
            f"item {odd[0]} has shape {shape}{what}: each sequence must be "
            f"{_ITEM_FORM}."
        )
    seqs = _from_ragged(items)
    seqs.meta["container"] = container  # with_values gives back the same
    return seqs


def _item(x, index):
    """One item of a list X as an ndarray of numbers, or a clear error."""
    where = f"item {index} of X"
    if x is None:
        raise ValueError(
            f"X is read as a list of sequences, but item {index} has shape () "
            f"(it is None): each sequence must be {_ITEM_FORM}."
        )
    if isinstance(x, (str, bytes)):
        raise ValueError(
            f"{where} is a string ({x!r:.40}), not a sequence of numbers: "
            f"expected {_ITEM_FORM}. Encode text as numbers (token ids) first."
        )
    return _to_numpy(x, where)


def _from_array(array, frame=None):
    """X as an array of real numbers; ``frame``: the flat DataFrame it was."""
    if array.ndim == 0:
        raise ValueError(
            "Expected 2D array, got scalar array instead: X is a single "
            f"number ({array.item()!r}), not a set of sequences. Expected "
            f"{ACCEPTED_FORMS}."
        )
    array = check_array(
        array,
        dtype=None,
        allow_nd=True,
        ensure_2d=True,
        ensure_all_finite=False,
        input_name="X",
    )
    if array.ndim > 3:
        raise ValueError(
            f"X has {array.ndim} dimensions; expected 2 (n_samples, "
            "n_timesteps) or 3 (n_samples, n_timesteps, n_features)."
        )
    if array.ndim == 3:
        n, t, f = array.shape
        if t == 0:
            raise ValueError("X holds empty sequences (0 time steps).")
        if f == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={array.shape}) while "
                "a minimum of 1 is required."
            )
        lengths = np.full(n, t, dtype=np.int64)
        values = _float32(array.reshape(n * t, f), _step_locator(lengths))
        return Sequences(values, lengths, "3d", values)
    n, t = array.shape
    lengths = np.full(n, t, dtype=np.int64)
    if frame is None:
        locate = _step_locator(lengths)
    else:

        def locate(row, _):
            label, column = frame.index[row // t], frame.columns[row % t]
            return f"row {_show(label)}, column {_show(column)}"

    values = _float32(array.reshape(n * t, 1), locate)
    if frame is None:
        return Sequences(values, lengths, "2d", values.reshape(n, t))
    return Sequences(values, lengths, "frame", frame)


def _from_ragged(items):
    lengths = np.array([len(x) for x in items], dtype=np.int64)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"X holds {empty.size} empty sequence(s) (0 time steps), the "
            f"first at index {empty[0]}; every sequence needs at least one step."
        )
    univariate = [x.ndim == 1 for x in items]
    steps = [
        x.reshape(-1, 1) if uni else x for x, uni in zip(items, univariate, strict=True)
    ]
    widths = np.array([s.shape[1] for s in steps])
    if (widths != widths[0]).any():
        bad = int(np.flatnonzero(widths != widths[0])[0])
        hint = ""
        if univariate[0] or univariate[bad]:
            hint = " (a 1-D item is one univariate sequence: shape (T_i,) is (T_i, 1))"
        raise ValueError(
            "All sequences must have the same number of features per time "
            f"step: sequence 0 has {widths[0]}, sequence {bad} has "
            f"{widths[bad]}{hint}."
        )
    if widths[0] == 0:
        raise ValueError("Found sequences with 0 feature(s); at least 1 is required.")
    values = _float32(np.concatenate(steps), _step_locator(lengths, "sequence"))
    return Sequences(values, lengths, "ragged", values, {"univariate": univariate})


def _from_multiindex(X):
    """sktime's pd-multiindex: samples in order of first appearance, each
    one's rows sorted by the *values* of its time labels."""
    index = X.index
    if index.nlevels != 2:
        raise ValueError(
            "A DataFrame with a MultiIndex must have exactly 2 levels "
            f"(sample, time); this one has {index.nlevels}."
        )
    levels = zip(index.codes, ("sample", "time"), index.names, strict=True)
    for codes, level, name in levels:
        if (codes < 0).any():
            raise ValueError(
                f"The {level} level of X's MultiIndex"
                + (f" ({name!r})" if name is not None else "")
                + f" has {int((codes < 0).sum())} missing label(s) (NaN or "
                "None); every row needs a sample and a time label."
            )
    raw = check_array(
        _to_numpy(X, "X"), dtype=None, ensure_all_finite=False, input_name="X"
    )
    columns = X.columns

    def locate(row, column):
        return f"row {_show(index[row])}, column {_show(columns[column])}"

    values = _float32(raw, locate)

    samples = index.codes[0]
    time = _time_ranks(index)
    _, first, inverse, lengths = np.unique(
        samples, return_index=True, return_inverse=True, return_counts=True
    )
    by_appearance = np.argsort(first, kind="stable")
    rank = np.empty_like(first)
    rank[by_appearance] = np.arange(len(first))
    sample_rank = rank[inverse.reshape(-1)]
    order = np.lexsort((time, sample_rank))
    s, t = sample_rank[order], time[order]
    repeated = (s[1:] == s[:-1]) & (t[1:] == t[:-1])
    if repeated.any():
        sample, step = index[order[int(np.argmax(repeated)) + 1]]
        raise ValueError(
            f"X's MultiIndex repeats (sample, time) pairs "
            f"({int(repeated.sum())} repeated row(s)): sample {_show(sample)} has "
            f"time {_show(step)} more than once. Each time step of a sample must "
            "be one row."
        )
    identity = bool((order == np.arange(len(order))).all())
    if not identity:
        values = values[order]
    lengths = lengths[by_appearance].astype(np.int64)
    meta = {"order": None if identity else order}
    return Sequences(values, lengths, "multiindex", X, meta)


def _time_ranks(index):
    """Each row's rank of its time label among the time level's *values*.

    The codes follow the level's storage order, which is not time order when
    the level was built unsorted (``pd.concat({"A": df})`` of a frame
    indexed ``[10, 2, 3]``, say).
    """
    level, codes = index.levels[1], index.codes[1]
    try:
        by_value = np.asarray(level.argsort(), dtype=np.int64)
    except TypeError as exc:
        name = f" ({index.names[1]!r})" if index.names[1] is not None else ""
        kinds = sorted({type(v).__name__ for v in level})
        raise TypeError(
            f"The time level of X's MultiIndex{name} holds labels that cannot "
            f"be ordered ({exc}; label types: {', '.join(kinds)}): each "
            "sample's rows are read in the order of their time labels, so they "
            "must be comparable, e.g. all numbers, all datetimes or all strings."
        ) from exc
    rank = np.empty(len(level), dtype=np.int64)
    rank[by_value] = np.arange(len(level))
    return rank[codes]


def record_fit(estimator, seqs):
    """Set ``n_features_in_`` (and ``feature_names_in_``) from fitted X."""
    validate_data(estimator, seqs.proxy, skip_check_array=True, reset=True)
    estimator._n_step_features = seqs.n_step_features
    estimator._columns_are_steps = seqs.form in ("2d", "frame")


def check_against_fit(estimator, seqs):
    """Check X's features against those seen in fit; change nothing.

    2-D input (and flat frames) must have the fitted number of columns when
    the model was fitted on 2-D input; across forms, the number of features
    per time step must match.
    """
    columns_are_steps = seqs.form in ("2d", "frame")
    if columns_are_steps == estimator._columns_are_steps:
        validate_data(estimator, seqs.proxy, skip_check_array=True, reset=False)
    elif seqs.n_step_features != estimator._n_step_features:
        hint = ""
        if columns_are_steps:
            hint = (
                " A 2-D X is read as univariate sequences; to pass one "
                "multivariate sequence x of shape (T, n_features), use [x] "
                "or x[None]."
            )
        raise ValueError(
            f"X has {seqs.n_step_features} features per time step, but "
            f"{type(estimator).__name__} is expecting "
            f"{estimator._n_step_features} features per time step as input." + hint
        )


class SequenceDataset(torch.utils.data.Dataset):
    """A torch dataset whose items are whole mini-batches.

    ``dataset[idx]`` with an array of indices returns
    ``({"X": padded, "lengths": lengths[, "sample_weight": w]}, y)``, ready
    for the module: the batch is gathered in one vectorised step and padded
    only to its own longest sequence, so no per-sample Python work is done
    while training.

    With a CUDA ``device`` the data are copied to the GPU once (when they
    take at most a quarter of its free memory) and each batch is gathered
    there, instead of being copied from the host batch after batch.
    """

    def __init__(
        self, sequences, y=None, sample_weight=None, indices=None, device="cpu"
    ):
        self.sequences = sequences
        self.indices = np.arange(len(sequences)) if indices is None else indices
        self._data = _TensorData(
            sequences, y, sample_weight, _staging(sequences, device)
        )

    def __len__(self):
        return len(self.indices)

    def subset(self, idx):
        subset = copy.copy(self)
        subset.indices = self.indices[idx]
        return subset

    def __getitem__(self, idx):
        return self._data.batch(self.indices[np.asarray(idx)])


def _staging(sequences, device):
    """The device to hold the data on: a CUDA device if they fit, else CPU."""
    device = torch.device(device)
    if device.type != "cuda":
        return torch.device("cpu")
    free, _ = torch.cuda.mem_get_info(device)
    return device if sequences.values.nbytes <= free // 4 else torch.device("cpu")


class _TensorData:
    """Sequences, targets and weights as tensors on one device.

    On the CPU the tensors share memory with the numpy arrays.
    """

    def __init__(self, sequences, y, sample_weight, device):
        def put(array):
            return None if array is None else torch.from_numpy(array).to(device)

        self.equal_length = sequences.equal_length
        self.shape = (len(sequences), sequences.max_length, sequences.n_step_features)
        self.values = put(sequences.values)
        self.offsets = put(sequences.offsets[:-1])
        self.lengths = torch.from_numpy(sequences.lengths)  # host: for packing
        self.y, self.sample_weight = put(y), put(sample_weight)
        self.device = device

    def batch(self, rows):
        """Pad the samples ``rows`` to the longest of them."""
        rows = torch.from_numpy(rows)
        index = rows.to(self.device, non_blocking=True)
        lengths = self.lengths[rows]
        if self.equal_length:
            padded = self.values.view(self.shape)[index]
        else:
            steps = torch.arange(int(lengths.max()), device=self.device)
            valid = steps < lengths.to(self.device)[:, None]
            source = torch.where(valid, self.offsets[index][:, None] + steps, 0)
            padded = self.values[source] * valid[..., None]
        X = {"X": padded, "lengths": lengths}
        if self.sample_weight is not None:
            X["sample_weight"] = self.sample_weight[index]
        return X, None if self.y is None else self.y[index]


class LengthBucketSampler:
    """Random mini-batches of sequences of similar length.

    Each epoch the samples are shuffled, cut into chunks of
    ``batch_size * bucket_batches`` samples, each chunk is sorted by length
    and cut into batches, and the batches are yielded in random order. Every
    sample is seen exactly once per epoch and batches are still drawn at
    random, but a batch is padded only to lengths close to its own, so
    ragged data waste little time on padding.
    """

    def __init__(self, lengths, batch_size, bucket_batches=50):
        self.lengths = lengths
        self.batch_size = batch_size
        self.bucket_batches = bucket_batches

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self):
        size = self.batch_size
        perm = torch.randperm(len(self.lengths)).numpy()
        chunk = size * self.bucket_batches
        batches = []
        for start in range(0, len(perm), chunk):
            part = perm[start : start + chunk]
            part = part[np.argsort(self.lengths[part], kind="stable")]
            batches.extend(part[i : i + size] for i in range(0, len(part), size))
        for i in torch.randperm(len(batches)).tolist():
            yield batches[i]


class BatchIterator:
    """skorch iterator over a :class:`SequenceDataset`, one whole batch a step.

    A plain iterable instead of a ``DataLoader``: the dataset already returns
    ready batches, so the loader's per-batch machinery is pure overhead.
    Shuffled epochs draw from torch's global RNG (seeded by the estimator);
    sequences of different lengths are grouped by
    :class:`LengthBucketSampler`. Unshuffled iteration draws nothing, so
    predicting never advances the global RNG.
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        for idx in self._batches():
            yield self.dataset[idx]

    def _batches(self):
        n, size = len(self.dataset), self.batch_size
        if not self.shuffle:
            return (np.arange(i, min(i + size, n)) for i in range(0, n, size))
        lengths = self.dataset.sequences.lengths[self.dataset.indices]
        if (lengths != lengths[0]).any():
            return iter(LengthBucketSampler(lengths, size))
        return (idx.numpy() for idx in torch.randperm(n).split(size))


#: Time steps (sequences x padded length) in one prediction batch.
STEPS_PER_BATCH = 2**18


def length_ordered_batches(sequences, batch_size):
    """Yield ``(rows, batch)`` for prediction, shortest sequences first.

    ``batch`` is skorch's ``(X, None)``, padded only to its own longest
    sequence, with up to 1024 sequences (at least ``batch_size``; fewer when
    long, about :data:`STEPS_PER_BATCH` time steps); ``rows`` are its
    sequences' positions in the input order.
    """
    order = np.argsort(sequences.lengths, kind="stable")
    longest = max(sequences.max_length, 1)
    size = max(batch_size, min(1024, STEPS_PER_BATCH // longest))
    batches = BatchIterator(SequenceDataset(sequences, indices=order), size)
    for start, batch in zip(range(0, len(order), size), batches, strict=True):
        yield order[start : start + size], batch
