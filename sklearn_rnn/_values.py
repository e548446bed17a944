"""Containers and values of X -> float32 numbers, with errors that say where.

One converter (:func:`to_numpy`) reads X itself and each item of a list X,
so every container (numpy, pandas, torch, nested lists, masked arrays) is
read the same way wherever it appears; :func:`to_float32` casts to the
network's precision with one finiteness check.
"""

import numbers

import numpy as np
import pandas as pd
import torch

#: The forms of X, named in errors about a container that is none of them.
ACCEPTED_FORMS = (
    "a 3-D array-like (n_samples, n_timesteps, n_features), a 2-D array-like "
    "(n_samples, n_timesteps), a list (or tuple, 1-D object array, pandas "
    "Series) of per-sample array-likes of shape (T_i, n_features) or (T_i,), "
    "or a pandas DataFrame (flat, or with a (sample, time) MultiIndex); "
    "numpy arrays, torch tensors and nested lists are all array-likes"
)

ITEM_FORM = "an array-like of shape (T_i, n_features) or (T_i,)"


def to_numpy(x, where):
    """``x`` as an ndarray of real numbers (bool, int or float of any size).

    Used for X itself and for each item of a list X, so every container is
    read the same way wherever it appears. Missing values (None, pd.NA,
    masked entries) become NaN, for :func:`to_float32` to report; anything
    that is not a real number is refused with an error naming ``where``.
    """
    if isinstance(x, torch.Tensor):
        return tensor_to_numpy(x, where)
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
        form = ACCEPTED_FORMS if where == "X" else ITEM_FORM
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
        return tensor_to_numpy(x, where)
    if isinstance(x, (list, tuple)):
        return [_tensors_to_numpy(v, where) for v in x]
    return x


def tensor_to_numpy(x, where):
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
        form = ACCEPTED_FORMS if where == "X" else ITEM_FORM
        raise TypeError(
            f"{where} ({show(value):.40}, of type {type(value).__name__}) is not a "
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
            f"{where} holds non-numeric values: {show(value):.40} (of type "
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


def to_float32(raw, locate):
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


def show(label):
    """A label as the user wrote it: ``3``, not ``np.int64(3)``."""
    if isinstance(label, tuple):
        return "(" + ", ".join(show(v) for v in label) + ")"
    return repr(label.item() if isinstance(label, np.generic) else label)


def _first(mask):
    row, column = np.unravel_index(int(np.argmax(mask)), mask.shape)
    return int(row), int(column)


def step_locator(lengths, label="sample"):
    """``locate(row, feature)`` for flat steps of sequences of ``lengths``."""
    offsets = np.concatenate([[0], np.cumsum(lengths)])

    def locate(row, feature):
        sample = int(np.searchsorted(offsets, row, side="right")) - 1
        return (
            f"{label} {sample}, time step {row - int(offsets[sample])}, "
            f"feature {feature}"
        )

    return locate
