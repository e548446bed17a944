"""RNNClassifier: label encoding and class probabilities."""

from numbers import Real

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, column_or_1d
from torch import nn

from . import _docstrings
from ._base import BaseRNN

_PARAMETERS = _docstrings.PARAMETERS.format(
    stratified=", stratified by class",
    early_stopping="False",
    early_stopping_reason="",
    score="accuracy",
    pooling="max",
    pooling_reason="""\
        Max pooling is the classifier's default because it keeps what
        happened anywhere in a long sequence, which the last state forgets.
        Test accuracy of the default pipeline against ``pooling="last"``
        (``bash benchmarks/why_defaults.sh``; 3 seeds): ArrowHead 0.710
        against 0.566, BasicMotions 1.000 against 0.992, GunPoint 0.949
        against 0.953; on the short ItalyPowerDemand the last state is
        better (0.968 against 0.923).
""",
    extra="""\
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's linear
        models; multiplied with ``sample_weight``.
""",
)


class RNNClassifier(ClassifierMixin, BaseRNN):
    __doc__ = f"""Recurrent neural network classifier for sequences.

    An Elman RNN, LSTM or GRU reads each sequence; a linear layer on its last
    valid hidden state gives the class scores, trained with the cross-entropy
    loss through skorch. X may be 3-D, 2-D, a list of variable-length
    sequences or a (sample, time) MultiIndex DataFrame; padding never changes
    a prediction.

    Parameters
    ----------
{_PARAMETERS}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.
{_docstrings.ATTRIBUTES}
    See Also
    --------
    RNNRegressor : The same network for regression.
    SequenceScaler : Standardise sequence features before the network.
    sklearn.neural_network.MLPClassifier : The feed-forward counterpart.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(60, 12, 2)).astype("float32")
    >>> y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=16, max_iter=30, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.predict_proba(X[:3]).round(2).sum(axis=1)
    array([1., 1., 1.])
    >>> ragged = [rng.normal(size=(n, 2)) for n in (5, 9, 14)]
    >>> clf.predict(ragged).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **BaseRNN._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _stratify_validation = True

    def __init__(
        self,
        *,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="max",
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
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        clip_grad_norm=1.0,
        class_weight=None,
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
        self.class_weight = class_weight

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Train for one epoch on (X, y), continuing the current weights.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.
        y : array-like of shape (n_samples,)
            Class labels.
        classes : array-like of shape (n_classes,), default=None
            All classes over all calls. Needed on the first call when a
            chunk may not contain every class; by default the classes of
            the first ``y``. Later labels outside them raise an error.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples in the loss.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Class probabilities of each sequence.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``.
        """
        return softmax(self._forward(X).astype(np.float64), axis=1)

    def predict(self, X):
        """Most probable class of each sequence.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        scores = self._forward(X)
        return self.classes_[scores.argmax(axis=1)]

    # -- hooks ----------------------------------------------------------------

    def _criterion(self):
        return nn.CrossEntropyLoss

    def _constant_loss(self, y_encoded, weights, n_outputs):
        weights = np.ones(len(y_encoded)) if weights is None else weights
        share = np.bincount(y_encoded, weights=weights) / weights.sum()
        cross_entropy = -np.mean(weights * np.log(share[y_encoded]))
        chance = np.log(n_outputs)
        return max(cross_entropy, chance), "predicting the class frequencies"

    def _encode_y(self, y, state, classes=None):
        _check_labels(y, "y")
        y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
        check_classification_targets(y)
        y = column_or_1d(y, warn=True)
        if classes is not None:
            classes = check_array(
                classes, ensure_2d=False, dtype=None, input_name="classes"
            )
            _check_labels(classes, "classes")
        continuing = state is not None
        if continuing and classes is not None:
            known = state["encoder"].classes_
            if not np.array_equal(np.unique(classes), known):
                # as in MLPClassifier
                raise ValueError(
                    f"classes={np.unique(classes).tolist()} is not the same as "
                    f"on the first call to partial_fit, {known.tolist()}; "
                    "the classes of a model cannot change."
                )
        if state is None:
            encoder = LabelEncoder().fit(y if classes is None else classes)
            if len(encoder.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes in y; "
                    f"got 1 class: {encoder.classes_.tolist()}."
                )
            state = {"encoder": encoder, "n_outputs": len(encoder.classes_)}
        known = state["encoder"].classes_
        if continuing and self.warm_start and not np.array_equal(np.unique(y), known):
            # as in MLPClassifier: continuing needs every class in y
            raise ValueError(
                "warm_start can only be used where y has the same classes as "
                f"in the previous call to fit. Previously got {known.tolist()}, "
                f"y has {np.unique(y).tolist()}."
            )
        unseen = np.setdiff1d(y, state["encoder"].classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} unknown to the model, "
                f"whose classes are {state['encoder'].classes_.tolist()}. "
                "Pass every class with partial_fit(..., classes=...) on the "
                "first call."
            )
        return state["encoder"].transform(y).astype(np.int64), state

    def _target_state(self):
        return {"encoder": self._label_encoder, "n_outputs": self.n_outputs_}

    def _set_target_state(self, state):
        self._label_encoder = state["encoder"]
        self.classes_ = state["encoder"].classes_
        self.n_outputs_ = state["n_outputs"]

    def _loss_weights(self, y_encoded, sample_weight, state):
        weights = super()._loss_weights(y_encoded, sample_weight, state)
        if self.class_weight is not None:
            labels = state["encoder"].classes_[y_encoded]
            _check_class_weight(self.class_weight, state["encoder"].classes_)
            class_weights = compute_sample_weight(self.class_weight, labels)
            weights = class_weights if weights is None else weights * class_weights
        if weights is None:
            return None
        positive = np.unique(y_encoded[weights > 0])
        if len(positive) < 2:
            given = (
                "sample_weight"
                if self.class_weight is None
                else (
                    "class_weight"
                    if sample_weight is None
                    else "sample_weight times class_weight"
                )
            )
            raise ValueError(
                f"The weights ({given}) leave only "
                f"{'one class' if len(positive) else 'no class'} with positive "
                "weight; at least 2 classes need weight to fit a classifier."
            )
        return weights


def _check_class_weight(class_weight, classes):
    """A dict ``class_weight`` holds finite, non-negative numbers for labels
    of y; scikit-learn checks the rest."""
    if not isinstance(class_weight, dict):
        return
    for label, weight in class_weight.items():
        if isinstance(weight, bool) or not isinstance(weight, Real):
            raise TypeError(
                f"class_weight[{label!r}] is {weight!r}: class weights must be numbers."
            )
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(
                f"class_weight[{label!r}] is {weight!r}: class weights must be "
                "finite and non-negative (0 ignores a class)."
            )
    unknown = [label for label in class_weight if label not in set(classes.tolist())]
    if unknown:
        raise ValueError(
            f"class_weight has labels {unknown} that are not classes of y "
            f"({classes.tolist()})."
        )


def _check_labels(labels, name):
    """Object labels are all strings or all numbers, none missing."""
    dtype = getattr(labels, "dtype", None)
    if dtype is not None and dtype != np.dtype(object):
        return
    try:  # a list keeps each label's own type (numpy would make all strings)
        values = np.asarray(labels, dtype=object).ravel().tolist()
    except ValueError:
        return  # a ragged y: scikit-learn's checks say what is wrong
    missing = [v for v in values if v is None or (isinstance(v, float) and v != v)]
    if missing:
        raise ValueError(
            f"{name} holds {len(missing)} missing label(s) (None or NaN); every "
            "sequence needs a class label."
        )
    strings = [isinstance(v, str) for v in values]
    if any(strings) and not all(strings):
        first = values[strings.index(True)]
        other = values[strings.index(False)]
        raise TypeError(
            f"{name} mixes string and non-string labels (e.g. {first!r} and "
            f"{other!r}); labels must be all strings or all numbers."
        )
