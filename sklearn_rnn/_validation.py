"""X checked against what an estimator was fitted on.

scikit-learn's ``validate_data`` for sequences: the flat 2-D view of X
(``Sequences.proxy``) gives ``n_features_in_`` and ``feature_names_in_``;
the features per time step are checked across forms of X.
"""

from sklearn.utils.validation import validate_data

from ._sequences import as_sequences


def validate_sequences(estimator, X, *, reset):
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

    Returns
    -------
    Sequences
    """
    seqs = as_sequences(X)
    if not reset:
        check_against_fit(estimator, seqs)
    return seqs


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


def step_feature_names(estimator):
    """The names of the features of each time step, or None.

    ``feature_names_in_`` names them, unless the estimator was fitted on 2-D
    X (a flat DataFrame), whose columns are time steps.
    """
    if estimator._columns_are_steps:
        return None
    return getattr(estimator, "feature_names_in_", None)
