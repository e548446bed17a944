"""HiddenStateTransformer: a fitted RNN's hidden states as features."""

import numpy as np
import pandas as pd
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    TransformerMixin,
    _fit_context,
    clone,
)
from sklearn.utils import get_tags
from sklearn.utils._set_output import _get_output_config
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted

from .._base import BaseRNN
from ._hidden import hidden_states


class HiddenStateTransformer(MetaEstimatorMixin, TransformerMixin, BaseEstimator):
    """Hidden states of a recurrent network as features for any model.

    A meta-transformer in the spirit of
    :class:`~sklearn.feature_selection.SelectFromModel`: :meth:`fit` trains a
    clone of ``estimator`` on (X, y), and :meth:`transform` returns the last
    hidden state of each sequence (:func:`hidden_states`), one row of
    ``hidden_size * directions`` features per sequence. The network turns
    sequences of any length into fixed-width vectors that a linear model,
    a gradient-boosting model or a clustering can use.

    Parameters
    ----------
    estimator : RNNClassifier or RNNRegressor
        The network to train; it is cloned in :meth:`fit`. Its parameters
        are reachable for grid searches as ``estimator__<name>``.

    Attributes
    ----------
    estimator_ : RNNClassifier or RNNRegressor
        The fitted clone of ``estimator``.
    n_features_in_ : int
        Features per time step (for 2-D input, its number of columns), as
        in ``estimator_``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of the features seen in :meth:`fit`, when X was a DataFrame
        with string column names.

    See Also
    --------
    hidden_states : The same features from an already fitted network.
    sklearn.feature_selection.SelectFromModel : A meta-transformer that
        likewise fits the model it wraps.

    Notes
    -----
    The states are those after each sequence's last valid step, whatever
    the network's ``pooling``; use ``pooling="last"`` so that the network
    is trained to put what it knows there.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import RNNClassifier, SequenceScaler
    >>> from sklearn_rnn.inspection import HiddenStateTransformer
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 10, 2))
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    >>> rnn = RNNClassifier(
    ...     hidden_size=4, pooling="last", max_iter=5, random_state=0
    ... )
    >>> model = make_pipeline(
    ...     SequenceScaler(), HiddenStateTransformer(rnn), LogisticRegression()
    ... )
    >>> model.fit(X, y).predict(X[:3]).shape
    (3,)
    >>> model[1].get_feature_names_out()  # 4 units in each direction
    array(['hidden0', 'hidden1', 'hidden2', 'hidden3', 'hidden4', 'hidden5',
           'hidden6', 'hidden7'], dtype=object)
    """

    _parameter_constraints: dict = {"estimator": [BaseRNN]}

    def __init__(self, estimator):
        self.estimator = estimator

    # the wrapped estimator validates its own parameters
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit a clone of the network on sequences X and targets y.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences in any form the network accepts.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets of the network.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the network's loss.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        estimator = clone(self.estimator).fit(X, y, sample_weight=sample_weight)
        self.estimator_ = estimator
        self.n_features_in_ = estimator.n_features_in_
        if hasattr(estimator, "feature_names_in_"):
            self.feature_names_in_ = estimator.feature_names_in_
        return self

    def transform(self, X):
        """The last hidden state of each sequence.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences in any form the network accepts.

        Returns
        -------
        X_new : ndarray of shape (n_samples, hidden_size * directions)
            The top layer's state after each sequence's last valid step
            (float32). With ``set_output(transform="pandas")``, a DataFrame;
            for a (sample, time) MultiIndex X its rows are indexed by
            sample, in order of first appearance.
        """
        check_is_fitted(self)
        states = hidden_states(self.estimator_, X)
        if _is_multiindex(X) and _get_output_config("transform", self)["dense"] == (
            "pandas"
        ):
            # one row per sample, not per time step: index the rows by sample
            samples = X.index.get_level_values(0)
            index = pd.Index(pd.unique(samples), name=samples.name)
            return pd.DataFrame(states, index=index)
        return states

    def get_feature_names_out(self, input_features=None):
        """Get the output feature names: ``hidden0``, ``hidden1``, ...

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against ``feature_names_in_``; the outputs are
            hidden units, not input features.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per hidden unit (and direction).
        """
        check_is_fitted(self)
        _check_feature_names_in(self, input_features, generate_names=False)
        width = self.estimator_.net_.module_.head.in_features
        return np.asarray([f"hidden{i}" for i in range(width)], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        tags.non_deterministic = inner.non_deterministic
        tags.transformer_tags.preserves_dtype = ["float32"]
        return tags


def _is_multiindex(X):
    return isinstance(X, pd.DataFrame) and isinstance(X.index, pd.MultiIndex)
