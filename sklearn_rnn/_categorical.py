"""Categorical step features: which features hold category codes, the codes
checked, and the embedding size of each.

A categorical feature holds codes, non-negative integers (floats of integer
value too, as X is read as float32), which the network reads through a
learned embedding (:class:`~sklearn_rnn._step_inputs.StepInputs`). The columns of
a (sample, time) DataFrame with a ``category`` dtype are read by their
codes when they are categorical features, and by their category values
(which must then be numbers) when they are not.
"""

import math
from numbers import Integral

import numpy as np

#: Largest code float32 holds exactly (every integer up to 2**24).
MAX_CODE = 2**24


def categorical_mask(categorical_features, seqs, owner):
    """The boolean mask over the step features of those that are categorical.

    Parameters
    ----------
    categorical_features : None, "from_dtype", array-like of int or bool
        The estimator's parameter.
    seqs : Sequences
        X, read.
    owner : str
        The estimator's name, for errors.

    Returns
    -------
    ndarray of shape (n_step_features,), bool
    """
    n = seqs.n_step_features
    spec = categorical_features
    if spec is None:
        return np.zeros(n, dtype=bool)
    if isinstance(spec, str):  # "from_dtype"; the parameter check allows no other
        mask = np.zeros(n, dtype=bool)
        mask[list(seqs.meta.get("category_columns", {}))] = True
        return mask
    spec = np.asarray(spec)
    if spec.ndim != 1 or not (spec.dtype.kind in "biu" or spec.size == 0):
        raise ValueError(
            f"{owner}'s categorical_features must be None, 'from_dtype', a 1-D "
            "array-like of step-feature indices or a boolean mask over the "
            f"step features; got {categorical_features!r}."
        )
    if spec.dtype.kind == "b":
        if spec.size != n:
            raise ValueError(
                f"{owner}'s categorical_features is a boolean mask of {spec.size} "
                f"values, but X has {n} features per time step."
            )
        return spec.astype(bool)
    outside = spec[(spec < 0) | (spec >= n)]
    if outside.size:
        raise ValueError(
            f"{owner}'s categorical_features holds the index {int(outside[0])}, "
            f"but X has {n} features per time step (indices 0 to {n - 1})."
        )
    mask = np.zeros(n, dtype=bool)
    mask[spec.astype(np.int64)] = True
    return mask


def encode_categories(seqs, mask, owner, fitted_categories=None):
    """``seqs`` with its categorical features as checked codes.

    Category-dtype columns of a DataFrame that are categorical become their
    codes; on a fitted estimator, by the categories seen in fit
    (``fitted_categories``: column -> list of categories), so that a value
    the fit did not see gets a code at or above every fitted one (unknown).
    Category-dtype columns that are not categorical keep their values, which
    must be numbers.

    Returns
    -------
    seqs : Sequences
        A copy when any value changed.
    categories : dict
        Column -> list of categories of the category-dtype columns coded.
    """
    columns = seqs.meta.get("category_columns", {})
    categories = {}
    values = seqs.values
    for j, column in columns.items():
        if not mask[j]:
            _check_numeric_categories(column, seqs, j)
            continue
        known = None if fitted_categories is None else fitted_categories.get(j)
        codes = _codes(column, known)
        if values is seqs.values:
            values = values.copy()
        order = seqs.meta["order"]
        values[:, j] = codes if order is None else codes[order]
        categories[j] = list(column.dtype.categories) if known is None else known
    if values is not seqs.values:
        seqs = seqs.replace_values(values, coded=set(categories))
    check_codes(seqs, mask, owner)
    return seqs, categories


def _codes(column, known):
    """A category column's codes as float32 (NaN where missing), by the
    categories ``known`` when given (other values: ``len(known)``)."""
    missing = column.isna().to_numpy()
    if known is not None and list(column.dtype.categories) != known:
        position = {value: code for code, value in enumerate(known)}
        codes = np.array(
            [position.get(v, len(known)) for v in column.astype(object)],
            dtype=np.float32,
        )
    else:
        codes = column.cat.codes.to_numpy().astype(np.float32)
    codes[missing] = np.nan
    return codes


def _check_numeric_categories(column, seqs, j):
    categories = column.dtype.categories
    if categories.dtype.kind not in "biuf":
        name = seqs.proxy.columns[j]
        raise ValueError(
            f"column {name!r} of X is categorical with non-numeric categories "
            f"(e.g. {categories[0]!r}): the network reads numbers. Declare it "
            "with categorical_features (e.g. 'from_dtype') to embed its "
            "categories, or pass its codes (.cat.codes) or another numeric "
            "encoding."
        )


def check_codes(seqs, mask, owner):
    """A ValueError naming the feature for a categorical value that is not a
    code: negative, fractional, NaN, infinite, or too large for float32."""
    for j in np.flatnonzero(mask):
        codes = seqs.values[:, j]
        bad = ~np.isfinite(codes) | (codes < 0) | (codes != np.floor(codes))
        bad |= codes >= MAX_CODE
        if not bad.any():
            continue
        row = int(np.argmax(bad))
        sample = int(np.searchsorted(seqs.offsets, row, side="right")) - 1
        value = float(codes[row])
        raise ValueError(
            f"{owner} reads step feature {_feature_name(seqs, j)} as a "
            f"categorical feature, whose values must be category codes "
            f"(integers from 0 to {MAX_CODE - 1}), but it holds {value!r} at "
            f"sample {sample}, time step {row - int(seqs.offsets[sample])}."
        )


def _feature_name(seqs, j):
    names = getattr(seqs.proxy, "columns", None)
    if seqs.form == "multiindex" and names is not None:
        return f"{j} ({names[j]!r})"
    return str(j)


def unseen_codes(seqs, mask):
    """For each categorical feature (by position), the codes below its
    largest one that the sequences never hold: int64 arrays."""
    unseen = {}
    for j in np.flatnonzero(mask):
        codes = seqs.values[:, j].astype(np.int64)
        seen = np.bincount(codes) > 0
        unseen[int(j)] = np.flatnonzero(~seen).astype(np.int64)
    return unseen


def read_unseen_as_unknown(seqs, unseen, counts):
    """``seqs`` with every code the first fit never saw (``unseen``, below
    ``counts``) set to the first unknown code, ``counts``: a gap in the
    codes has no trained embedding, so it is read as unknown too."""
    values = None
    for (j, codes), n in zip(unseen.items(), counts, strict=True):
        if not len(codes):
            continue
        column = seqs.values[:, j]
        hit = np.isin(column, codes)
        if hit.any():
            values = seqs.values.copy() if values is None else values
            values[hit, j] = n
    return seqs if values is None else seqs.replace_values(values)


def n_categories(seqs, mask):
    """Largest code of each categorical feature plus one, int64."""
    if not len(seqs) or not mask.any():
        return np.zeros(int(mask.sum()), dtype=np.int64)
    return seqs.values[:, mask].max(axis=0).astype(np.int64) + 1


def embedding_dims(n_categories, embedding_dim):
    """The embedding size of each categorical feature.

    ``"auto"``: ``min(50, round(1.6 * n ** 0.56))`` for ``n`` categories,
    fastai's rule of thumb (``emb_sz_rule``) capped at 50, and at least 2.
    """
    if isinstance(embedding_dim, Integral):
        return tuple(int(embedding_dim) for _ in n_categories)
    return tuple(auto_embedding_dim(int(n)) for n in n_categories)


def auto_embedding_dim(n):
    """The size ``embedding_dim="auto"`` gives a feature of ``n`` categories."""
    return max(2, min(50, round(1.6 * math.pow(n, 0.56))))
