"""X checked against what an estimator was fitted on.

scikit-learn's ``validate_data`` for sequences: the flat 2-D view of X
(``Sequences.proxy``) gives ``n_features_in_`` and ``feature_names_in_``;
the features per time step are checked across forms of X.
"""

import numpy as np
from sklearn.utils.validation import validate_data

from ._categorical import (
    categorical_mask,
    encode_categories,
    read_unseen_as_unknown,
)
from ._sequences import as_sequences


def validate_sequences(estimator, X, *, reset, by_fitted_categories=True):
    """X read as sequences and, unless ``reset``, checked against the fit.

    Nothing on ``estimator`` changes: a fit records what it was fitted on
    with :func:`record_fit` once training has succeeded, so that a failed
    fit leaves the estimator as it was.

    Parameters
    ----------
    estimator : estimator
        The estimator X is for; with ``reset=False`` it must be fitted.
    X : object
        Any accepted form of X (see :func:`~sklearn_rnn._sequences.as_sequences`).
    reset : bool
        True for a fresh fit (X is only read), False to check X's features
        against those of the fit.
    by_fitted_categories : bool, default=True
        With ``reset=False``, code the categorical ``category``-dtype columns
        of a DataFrame X by the categories seen in fit (values the fit did
        not see are unknown); False keeps X's own codes.

    Returns
    -------
    Sequences
    """
    seqs = as_sequences(X)
    owner = type(estimator).__name__
    if reset:
        mask = categorical_mask(
            getattr(estimator, "categorical_features", None), seqs, owner
        )
        fitted_categories = None
    else:
        check_against_fit(estimator, seqs)
        mask = fitted_categorical(estimator)
        fitted_categories = None
        if by_fitted_categories:
            fitted_categories = getattr(estimator, "_categories", None)
    seqs, categories = encode_categories(seqs, mask, owner, fitted_categories)
    unseen = getattr(estimator, "_unseen_codes", None)
    if not reset and unseen:
        seqs = read_unseen_as_unknown(seqs, unseen, estimator.n_categories_)
    seqs.categorical = mask
    seqs.categories = categories
    return seqs


def fitted_categorical(estimator):
    """The fitted mask of the categorical step features (none for a model
    saved before they existed)."""
    mask = getattr(estimator, "is_categorical_", None)
    if mask is None:
        return np.zeros(estimator._n_step_features, dtype=bool)
    return mask


def record_fit(estimator, seqs):
    """Set ``n_features_in_`` (and ``feature_names_in_``), ``is_categorical_``
    and the categories of category-dtype columns from fitted X."""
    validate_data(estimator, seqs.proxy, skip_check_array=True, reset=True)
    estimator._n_step_features = seqs.n_step_features
    estimator._columns_are_steps = seqs.form in ("2d", "frame")
    estimator.is_categorical_ = seqs.categorical
    estimator._categories = seqs.categories


def check_against_fit(estimator, seqs):
    """Check X's features against those seen in fit; change nothing.

    2-D input (and flat frames) must have the fitted number of columns when
    the model was fitted on 2-D input; across forms, the number of features
    per time step must match. A list of equal-length ``(T,)`` sequences is
    read as 2-D input, but a model predicts such a list whatever its T (a
    language model's prompt, say): only its features per step must match.
    """
    columns_are_steps = seqs.form in ("2d", "frame")
    sequence_list = seqs.form == "2d" and "list_container" in seqs.meta
    if columns_are_steps == estimator._columns_are_steps and not sequence_list:
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


def step_feature_names(estimator):
    """The names of the features of each time step, or None.

    ``feature_names_in_`` names them, unless the estimator was fitted on 2-D
    X (a flat DataFrame), whose columns are time steps.
    """
    if estimator._columns_are_steps:
        return None
    return getattr(estimator, "feature_names_in_", None)
