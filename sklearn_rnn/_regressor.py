"""RNNRegressor: target shape and scaling."""

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_array
from torch import nn

from . import _docstrings
from ._base import BaseRNN

_FLOAT32_MAX = float(np.finfo(np.float32).max)

_PARAMETERS = _docstrings.PARAMETERS.format(
    stratified="",
    early_stopping="True",
    early_stopping_reason="""\
        On by default for the regressor, unlike MLPRegressor: a small
        regression set often carries little signal, and a network trained
        to the end of its loss then fits noise and predicts worse than the
        training mean, while the best validation epoch does not. On
        CardanoSentiment (74 sequences; ``python benchmarks/accuracy.py
        --sets CardanoSentiment --param early_stopping=False``) test RMSE
        is 0.400 without it and 0.296 with it, against 0.300 for the
        training mean; on Covid3Month 0.0427 without and 0.0424 with it,
        in an eighth of the time.
""",
    score="R^2",
    extra="",
    pooling="last",
    pooling_reason="""\
        The regressor reads the last state by default: regression targets
        often depend on where in the sequence a value occurs, which max
        pooling discards (scikit-learn's regression check, a target carried
        by one time step, fails with it). Test RMSE against
        ``pooling="max"`` (``bash benchmarks/why_defaults.sh``): 0.0424
        against 0.0431 on Covid3Month, 0.296 against 0.302 on
        CardanoSentiment.
""",
)


class RNNRegressor(RegressorMixin, BaseRNN):
    __doc__ = f"""Recurrent neural network regressor for sequences.

    An Elman RNN, LSTM or GRU reads each sequence; a linear layer on its last
    valid hidden state predicts the target(s), trained with the squared error
    through skorch. Targets are standardised internally (and predictions
    mapped back), so the defaults suit any scale of y. X may be 3-D, 2-D, a
    list of variable-length sequences or a (sample, time) MultiIndex
    DataFrame; padding never changes a prediction.

    Parameters
    ----------
{_PARAMETERS}
    Attributes
    ----------
{_docstrings.ATTRIBUTES}
    See Also
    --------
    RNNClassifier : The same network for classification.
    SequenceScaler : Standardise sequence features before the network.
    sklearn.neural_network.MLPRegressor : The feed-forward counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=(n, 3)) for n in rng.integers(5, 20, size=80)]
    >>> y = np.array([x[:, 0].mean() for x in X])
    >>> reg = RNNRegressor(hidden_size=16, max_iter=50, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """

    def __init__(
        self,
        *,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="last",
        patch_size="auto",
        solver="adam",
        learning_rate="adaptive",
        learning_rate_init=0.005,
        alpha=0.0001,
        momentum=0.9,
        batch_size=32,
        max_iter=200,
        shuffle=True,
        tol=0.0001,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        clip_grad_norm=1.0,
        device="auto",
        random_state=None,
        warm_start=False,
        verbose=False,
        callbacks=None,
    ):
        super().__init__(
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            pooling=pooling,
            patch_size=patch_size,
            solver=solver,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            alpha=alpha,
            momentum=momentum,
            batch_size=batch_size,
            max_iter=max_iter,
            shuffle=shuffle,
            tol=tol,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            clip_grad_norm=clip_grad_norm,
            device=device,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            callbacks=callbacks,
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on (X, y), continuing the current weights.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets. The first call fixes the target scaling.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predicted target(s) of each sequence.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions; 1-D when the model has a single output.
        """
        output = self._forward(X).astype(np.float64)
        y = self._y_scaler.inverse_transform(output)
        return y.ravel() if y.shape[1] == 1 else y

    # -- hooks ----------------------------------------------------------------

    def _criterion(self):
        return nn.MSELoss

    def _constant_loss(self, y_encoded, weights, n_outputs):
        y = y_encoded.astype(np.float64)
        weights = np.ones(len(y)) if weights is None else weights
        mean = np.average(y, axis=0, weights=weights)
        squared = np.mean((y - mean) ** 2, axis=1)
        # targets are standardised: an untrained network's loss is about 1
        return max(np.mean(weights * squared), 1.0), "predicting the mean target"

    def _encode_y(self, y, state, classes=None):
        try:
            y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
        except (TypeError, ValueError) as exc:
            if "y" in str(exc).split():  # scikit-learn's message names y
                raise
            raise ValueError(
                f"y must hold numbers for {type(self).__name__}: {exc}"
            ) from exc
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
        y2 = y.reshape(len(y), -1)
        if state is None:
            with np.errstate(over="ignore", invalid="ignore"):
                scaler = StandardScaler().fit(y2)
            state = {"scaler": scaler, "n_outputs": y2.shape[1]}
        elif y2.shape[1] != state["n_outputs"]:
            raise ValueError(
                f"y has {y2.shape[1]} output(s), but the model was fitted "
                f"with {state['n_outputs']}."
            )
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = state["scaler"].transform(y2)
        scale = state["scaler"].scale_
        if not (np.isfinite(scaled).all() and np.isfinite(scale).all()):
            raise ValueError(
                f"y holds values too large to standardise in float64 (largest "
                f"|y| = {np.abs(y2).max():.3g}): divide y by a constant "
                "(predictions can be multiplied back)."
            )
        if np.abs(scaled).max() > _FLOAT32_MAX:
            raise ValueError(
                "y, standardised by the target scaling of the first fit, "
                "exceeds float32 (the network computes in float32): its values "
                "are on another scale than the model was fitted on."
            )
        return scaled.astype(np.float32), state

    def _target_state(self):
        return {"scaler": self._y_scaler, "n_outputs": self.n_outputs_}

    def _set_target_state(self, state):
        self._y_scaler = state["scaler"]
        self.n_outputs_ = state["n_outputs"]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
