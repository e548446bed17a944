"""Preprocessing for sequences in any accepted form of X, and for text."""

import numpy as np
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import check_is_fitted

from ._text import TextSequencer
from ._validation import record_fit, validate_sequences

__all__ = ["SequenceScaler", "TextSequencer"]


class SequenceScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each feature over all samples and time steps.

    The mean and standard deviation of each feature are taken over every
    valid time step of every sequence (there is no padding to exclude: X is
    read as flat time steps). Every form of X is accepted and the same form
    is returned, so ``make_pipeline(SequenceScaler(), RNNClassifier())``
    works on 3-D arrays, 2-D arrays (univariate: one mean and scale for all
    columns), ragged lists and MultiIndex DataFrames alike.

    Parameters
    ----------
    with_mean : bool, default=True
        Centre each feature.
    with_std : bool, default=True
        Scale each feature to unit variance (constant features are left
        unscaled).
    categorical_features : array-like of int or bool, "from_dtype" or None, \
default=None
        Step features holding category codes, which are left as they are
        (their ``mean_`` is 0 and ``scale_`` 1): the same values as the
        RNN estimators' parameter, so that
        ``make_pipeline(SequenceScaler(categorical_features=[0]),
        RNNClassifier(categorical_features=[0]))`` scales only the numbers.
        ``category``-dtype columns of a DataFrame come back with their
        dtype.

    Attributes
    ----------
    mean_ : ndarray of shape (n_step_features,) or None
        Mean of each per-step feature (computed, but not subtracted, when
        ``with_mean=False``).
    scale_ : ndarray of shape (n_step_features,) or None
        Standard deviation of each per-step feature.
    is_categorical_ : ndarray of shape (n_step_features,), bool
        Which step features are category codes, left unscaled.
    n_features_in_ : int
        Features per time step; for 2-D input, its number of columns.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Column names, when X was a DataFrame with string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same per column of a table.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import SequenceScaler
    >>> X = [np.array([[0.0, 10.0], [2.0, 30.0]]), np.array([[4.0, 20.0]])]
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_
    array([ 2., 20.])
    >>> [x.shape for x in scaler.transform(X)]
    [(2, 2), (1, 2)]
    """

    _parameter_constraints: dict = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "categorical_features": ["array-like", StrOptions({"from_dtype"}), None],
    }

    def __init__(self, *, with_mean=True, with_std=True, categorical_features=None):
        self.with_mean = with_mean
        self.with_std = with_std
        self.categorical_features = categorical_features

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Compute the per-feature mean and scale over all time steps.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences in any accepted form.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        seqs = validate_sequences(self, X, reset=True)
        scaler = StandardScaler(with_mean=self.with_mean, with_std=self.with_std)
        scaler.fit(seqs.values)
        record_fit(self, seqs)
        self.mean_ = scaler.mean_
        self.scale_ = scaler.scale_
        if seqs.categorical.any():  # category codes pass through unchanged
            if self.mean_ is not None:
                self.mean_[seqs.categorical] = 0.0
            if self.scale_ is not None:
                self.scale_[seqs.categorical] = 1.0
        return self

    def transform(self, X):
        """Standardise X, returned in the form it came in.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences in any accepted form.

        Returns
        -------
        X_scaled : same form as X
            Standardised sequences (float32).
        """
        return self._apply(X, inverse=False)

    def inverse_transform(self, X):
        """Undo :meth:`transform`.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Standardised sequences in any accepted form.

        Returns
        -------
        X_original : same form as X
            Sequences on their original scale.
        """
        return self._apply(X, inverse=True)

    def _apply(self, X, inverse):
        check_is_fitted(self)
        # category columns keep their own codes, given back as categories
        seqs = validate_sequences(self, X, reset=False, by_fitted_categories=False)
        mean = self.mean_ if self.with_mean else np.float32(0)
        scale = np.float32(1) if self.scale_ is None else self.scale_
        values = seqs.values * scale + mean if inverse else (seqs.values - mean) / scale
        return seqs.with_values(values.astype(np.float32, copy=False))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags
