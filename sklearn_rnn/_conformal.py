"""A thin adapter that hands a sequence regressor to MAPIE's split conformal.

MAPIE (1.x) passes X to the estimator untouched: it only counts samples
(``len``) and takes subsets of them (scikit-learn's ``_safe_indexing``), so
3-D arrays and ragged lists of sequences work as they are, and
``CrossConformalRegressor`` needs nothing. ``SplitConformalRegressor``
does one thing more: it always runs MAPIE's "prefit" back end, which checks
that the estimator is fitted by calling
``estimator.predict(np.zeros((1, estimator.n_features_in_)))``. That probe
is a 2-D array, which sklearn_rnn reads as one univariate sequence, so for
sequences with more than one feature per step it fails and MAPIE raises
``UserWarning("Estimator does not appear fitted ...")``.

:class:`MapieAdapter` only delegates ``fit`` and ``predict`` to the wrapped
estimator; it has no ``n_features_in_`` (so MAPIE skips the probe) and says
whether it is fitted through ``is_fitted``, the attribute of MAPIE's own
estimators that MAPIE's fitted check also looks for (since MAPIE 1.5;
1.3 and 1.4 probe the same way but only warn that they cannot tell). It
computes nothing: the conformal prediction is MAPIE's.
"""

from sklearn.base import BaseEstimator, MetaEstimatorMixin, RegressorMixin, clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__ = ["MapieAdapter"]


class MapieAdapter(MetaEstimatorMixin, RegressorMixin, BaseEstimator):
    """Wrap a sequence regressor for ``mapie.regression.SplitConformalRegressor``.

    Needed only for split conformal on sequences with more than one feature
    per time step (MAPIE's fitted check predicts on a 2-D array of that many
    columns); ``CrossConformalRegressor`` and univariate sequences take the
    regressor itself.

    Parameters
    ----------
    estimator : regressor
        An :class:`~sklearn_rnn.RNNRegressor`, or a pipeline ending in one.
        With ``SplitConformalRegressor(prefit=False)`` MAPIE fits a clone of
        the adapter; with ``prefit=True`` the estimator may be fitted already
        (the adapter then predicts with it as it is), or the adapter fitted.

    Attributes
    ----------
    estimator_ : regressor
        The clone of ``estimator`` fitted by :meth:`fit`; absent when the
        adapter predicts with an ``estimator`` fitted beforehand.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator``.

        Parameters
        ----------
        X : sequences
            Any form of X that ``estimator`` accepts.
        y : array-like of shape (n_samples,)
            The targets.
        **fit_params : dict
            Passed to ``estimator.fit``.

        Returns
        -------
        self : object
            The fitted adapter.
        """
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        return self

    def _fitted_estimator(self):
        if hasattr(self, "estimator_"):
            return self.estimator_
        check_is_fitted(self.estimator)
        return self.estimator

    def predict(self, X, **predict_params):
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : sequences
            Any form of X that ``estimator`` accepts.
        **predict_params : dict
            Passed to the fitted estimator's ``predict``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The predictions of ``estimator_``, or of ``estimator`` itself
            when it was fitted beforehand and the adapter was not.
        """
        return self._fitted_estimator().predict(X, **predict_params)

    @property
    def is_fitted(self):
        """Whether :meth:`predict` has a fitted estimator to use."""
        try:
            self._fitted_estimator()
        except NotFittedError:
            return False
        return True

    def __sklearn_is_fitted__(self):
        return self.is_fitted
