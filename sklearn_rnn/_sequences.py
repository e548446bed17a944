"""Every accepted form of X -> one :class:`Sequences` object.

The estimators never see padding: they hand X to :func:`as_sequences` and
get back flat time steps plus lengths (batching and padding are
``_batching.py``'s). Every check that fitting could fail later (column
names) is made while reading, so that bad input is refused before any
training starts.
"""

from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.utils.validation import _get_feature_names, check_array

from ._values import (
    ACCEPTED_FORMS,
    ITEM_FORM,
    show,
    step_locator,
    tensor_to_numpy,
    to_float32,
    to_numpy,
)


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
    categorical : ndarray of shape (n_step_features,), bool, or None
        Which step features hold category codes; set by
        :func:`~sklearn_rnn._validation.validate_sequences`.
    categories : dict
        Column -> categories of the ``category`` columns read by their codes.
    """

    values: np.ndarray
    lengths: np.ndarray
    form: str
    proxy: object
    meta: dict = field(default_factory=dict)
    categorical: np.ndarray = None
    categories: dict = field(default_factory=dict)

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

    def replace_values(self, values, coded=()):
        """The same sequences with other ``values`` (same shape); ``coded``:
        the category columns of a DataFrame X whose values are now their
        codes, which :meth:`with_values` gives back as categories."""
        meta = {**self.meta, "coded": set(coded)} if coded else self.meta
        return replace(self, values=values, meta=meta)

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
            for j in self.meta.get("coded", ()):
                dtype = self.meta["category_columns"][j].dtype
                codes = np.nan_to_num(values[:, j], nan=-1).astype(np.int64)
                frame.isetitem(j, pd.Categorical.from_codes(codes, dtype=dtype))
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
        X = tensor_to_numpy(X, "X")
    if isinstance(X, pd.Series):
        return _from_series(X)
    if isinstance(X, pd.DataFrame):
        _check_columns(X)
        if isinstance(X.index, pd.MultiIndex):
            return _from_multiindex(X)
        return _from_array(to_numpy(X, "X"), frame=X)
    if isinstance(X, (list, tuple)):
        return _from_list(X, type(X))
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1:
        return _from_list(X, np.ndarray)
    return _from_array(to_numpy(X, "X"))


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
    return _from_array(to_numpy(X, "X"))  # 1-D: scikit-learn's 1-D error


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
        seqs = _from_array(np.stack(items))
        seqs.meta["list_container"] = container  # per-step outputs: a list
        return seqs
    odd = [i for i, x in enumerate(items) if x.ndim not in (1, 2)]
    if odd:
        shape = items[odd[0]].shape
        what = " (a single number, not a sequence)" if shape == () else ""
        raise ValueError(
            "X is read as a list of sequences of different shapes, but "
            f"item {odd[0]} has shape {shape}{what}: each sequence must be "
            f"{ITEM_FORM}."
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
            f"(it is None): each sequence must be {ITEM_FORM}."
        )
    if isinstance(x, (str, bytes)):
        raise ValueError(
            f"{where} is a string ({x!r:.40}), not a sequence of numbers: "
            f"expected {ITEM_FORM}. Encode text as numbers (token ids) first."
        )
    return to_numpy(x, where)


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
        values = to_float32(array.reshape(n * t, f), step_locator(lengths))
        return Sequences(values, lengths, "3d", values)
    n, t = array.shape
    lengths = np.full(n, t, dtype=np.int64)
    if frame is None:
        locate = step_locator(lengths)
    else:

        def locate(row, _):
            label, column = frame.index[row // t], frame.columns[row % t]
            return f"row {show(label)}, column {show(column)}"

    values = to_float32(array.reshape(n * t, 1), locate)
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
    values = to_float32(np.concatenate(steps), step_locator(lengths, "sequence"))
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
    category_columns = {
        j: X.iloc[:, j]
        for j, dtype in enumerate(X.dtypes)
        if isinstance(dtype, pd.CategoricalDtype)
    }
    raw = check_array(
        to_numpy(_with_codes(X, category_columns), "X"),
        dtype=None,
        ensure_all_finite=False,
        input_name="X",
    )
    columns = X.columns

    def locate(row, column):
        return f"row {show(index[row])}, column {show(columns[column])}"

    values = to_float32(raw, locate)

    order, lengths = _row_order(index)
    identity = bool((order == np.arange(len(order))).all())
    if not identity:
        values = values[order]
    meta = {"order": None if identity else order}
    if category_columns:  # see _categorical.encode_categories
        meta["category_columns"] = category_columns
    return Sequences(values, lengths, "multiindex", X, meta)


def _with_codes(X, category_columns):
    """X with its category columns of non-numeric categories as their codes
    (NaN where missing), to be declared categorical or refused later
    (:func:`~sklearn_rnn._categorical.encode_categories`)."""
    coded = {
        j: column.cat.codes.where(column.notna()).astype(float)
        for j, column in category_columns.items()
        if column.dtype.categories.dtype.kind not in "biuf"
    }
    if not coded:
        return X
    X = X.copy(deep=False)
    for j, codes in coded.items():
        X.isetitem(j, codes)
    return X


def _row_order(index):
    """The order of X's rows by (sample in order of first appearance, time
    value), and each sample's number of rows; repeated pairs are refused."""
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
            f"({int(repeated.sum())} repeated row(s)): sample {show(sample)} has "
            f"time {show(step)} more than once. Each time step of a sample must "
            "be one row."
        )
    return order, lengths[by_appearance].astype(np.int64)


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
