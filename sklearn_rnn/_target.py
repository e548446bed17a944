"""Target encoders: y -> what the network is trained on, and back.

Each estimator makes one encoder (``BaseRNN._make_target_encoder``) and keeps
it fitted as ``_target_encoder``. The encoder is the one place that knows
what a target is:

- ``fit(y)`` / ``transform(y)`` validate y and encode it for the loss;
  ``check_continuation`` says whether a fitted model may go on with a new y;
- ``output_transform`` maps raw network outputs to the units of predictions
  (logits -> probabilities, standardised -> original units), in torch, for
  prediction, validation scoring and attributions alike; ``decode`` turns
  those into predictions;
- the loss (``criterion``), the validation metric (``score``,
  ``score_name``), the labels to stratify a hold-out by, the loss of a
  constant prediction and the outputs an attribution may explain.
"""

from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
)
from torch import nn

_FLOAT32_MAX = float(np.finfo(np.float32).max)


def fitted_target(estimator):
    """The fitted target encoder of a fitted RNN estimator."""
    check_is_fitted(estimator)
    return estimator._target_encoder


class _PerSequence:
    """One target row per sequence: what the per-sequence encoders share."""

    per_step = False

    def rows(self, seqs):
        """Target rows of each sequence: one."""
        return np.ones(len(seqs), dtype=np.int64)

    def arrange(self, values, seqs, columns=None):
        """Predictions (one row per sequence) in the form X calls for: as
        they are."""
        return values

    def score_targets(self, y, seqs):
        """y as the metric of ``score`` reads it: as it is."""
        return y


class LabelTarget(_PerSequence, BaseEstimator):
    """Class labels -> indices for the cross-entropy loss; logits -> labels.

    Parameters
    ----------
    classes : array-like or None, default=None
        All classes (``partial_fit(..., classes=...)``); None takes those of
        the y that ``fit`` sees.
    """

    criterion = nn.CrossEntropyLoss
    score_name = "accuracy"
    #: The metric of ``score``, on labels.
    metric = staticmethod(accuracy_score)

    def __init__(self, classes=None):
        self.classes = classes

    def fit(self, y, seqs=None):
        """Learn the classes of y (or ``classes``); at least 2 are needed.
        ``seqs``: the sequences y is for (unused: any y of labels may fit)."""
        y = _labels(y)
        classes = y if self.classes is None else self._checked_classes()
        self._encoder = LabelEncoder().fit(classes)
        self.classes_ = self._encoder.classes_
        self.n_outputs_ = len(self.classes_)
        if self.n_outputs_ < 2:
            raise ValueError(
                f"RNNClassifier needs at least 2 classes in y; got 1 class: "
                f"{self.classes_.tolist()}."
            )
        return self

    def transform(self, y, seqs=None):
        """Class indices (int64) of the labels y, all of them known; one per
        sequence of ``seqs`` unless that is None."""
        y = _labels(y)
        if seqs is not None:
            check_consistent_length(seqs.lengths, y)
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y contains labels {unseen.tolist()} unknown to the model, "
                f"whose classes are {self.classes_.tolist()}. Pass every class "
                "with partial_fit(..., classes=...) on the first call."
            )
        return self._encoder.transform(y).astype(np.int64)

    def check_continuation(self, y, *, warm_start, classes=None):
        """As in MLPClassifier: ``classes`` of a later ``partial_fit`` call
        must be the fitted ones, and with ``warm_start`` every call needs
        every class in y."""
        if classes is not None:
            classes = np.unique(LabelTarget(classes)._checked_classes())
            if not np.array_equal(classes, self.classes_):
                raise ValueError(
                    f"classes={classes.tolist()} is not the same as on the "
                    f"first call to partial_fit, {self.classes_.tolist()}; "
                    "the classes of a model cannot change."
                )
        present = np.unique(_labels(y))
        if warm_start and not np.array_equal(present, self.classes_):
            raise ValueError(
                "warm_start can only be used where y has the same classes as "
                f"in the previous call to fit. Previously got "
                f"{self.classes_.tolist()}, y has {present.tolist()}."
            )

    def fitted_attributes(self):
        """The estimator's public fitted attributes this encoder defines."""
        return {"classes_": self.classes_, "n_outputs_": self.n_outputs_}

    def output_transform(self, raw):
        """Class probabilities from the network's logits (torch, any dtype)."""
        return torch.softmax(raw, dim=-1)

    def decode(self, outputs):
        """Predicted labels from :meth:`output_transform`'s outputs."""
        return self.classes_[np.asarray(outputs).argmax(axis=-1)]

    def score(self, y_encoded, outputs):
        """Validation accuracy of outputs against encoded targets."""
        return accuracy_score(y_encoded, np.asarray(outputs).argmax(axis=-1))

    def stratify_by(self, y_encoded):
        """The labels a hold-out set is stratified by."""
        return y_encoded

    def constant_loss(self, y_encoded, weights):
        """``(loss, what)``: the cross-entropy of predicting the class
        frequencies, at least that of chance."""
        weights = np.ones(len(y_encoded)) if weights is None else weights
        share = np.bincount(y_encoded, weights=weights) / weights.sum()
        cross_entropy = -np.mean(weights * np.log(share[y_encoded]))
        return max(cross_entropy, np.log(self.n_outputs_)), (
            "predicting the class frequencies"
        )

    def explained_outputs(self, target, n_samples):
        """Output index to explain per sequence, or None for the predicted
        class; ``target`` holds class labels (one, or one per sequence)."""
        if target is None:
            return None
        labels = np.asarray(target)
        if labels.ndim > 0 and labels.shape != (n_samples,):
            raise ValueError(
                f"target has shape {labels.shape}; pass one class label, or "
                f"one per sequence (shape ({n_samples},))."
            )
        unknown = sorted(set(labels.ravel().tolist()) - set(self.classes_.tolist()))
        if unknown:
            raise ValueError(
                f"target {unknown} is not a class of the estimator, whose "
                f"classes are {self.classes_.tolist()}; target takes class "
                "labels, not indices."
            )
        index = np.searchsorted(self.classes_, labels)
        return np.broadcast_to(index, (n_samples,)).astype(np.int64)

    def explained_targets(self, indices):
        """What was explained, by output index: the class labels."""
        return self.classes_[indices]

    def _checked_classes(self):
        classes = check_array(
            self.classes, ensure_2d=False, dtype=None, input_name="classes"
        )
        check_labels(classes, "classes")
        return classes


class ScaledTarget(_PerSequence, BaseEstimator):
    """Real targets -> standardised float32 for the squared error; back."""

    criterion = nn.MSELoss
    score_name = "R²"
    #: The metric of ``score``, in the units of y.
    metric = staticmethod(r2_score)

    def fit(self, y, seqs=None):
        """Learn the mean and scale of each output of y (``seqs`` unused)."""
        y = _real_targets(y)
        with np.errstate(over="ignore", invalid="ignore"):
            self._scaler = StandardScaler().fit(y)
        self.n_outputs_ = y.shape[1]
        return self

    def transform(self, y, seqs=None):
        """y standardised by the fitted scaling, float32, shape (n, n_outputs);
        one row per sequence of ``seqs`` unless that is None."""
        y = _real_targets(y)
        if seqs is not None:
            check_consistent_length(seqs.lengths, y)
        if y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} output(s), but the model was fitted "
                f"with {self.n_outputs_}."
            )
        with np.errstate(over="ignore", invalid="ignore"):
            scaled = self._scaler.transform(y)
        if not (np.isfinite(scaled).all() and np.isfinite(self._scaler.scale_).all()):
            raise ValueError(
                f"y holds values too large to standardise in float64 (largest "
                f"|y| = {np.abs(y).max():.3g}): divide y by a constant "
                "(predictions can be multiplied back)."
            )
        if np.abs(scaled).max() > _FLOAT32_MAX:
            raise ValueError(
                "y, standardised by the target scaling of the first fit, "
                "exceeds float32 (the network computes in float32): its values "
                "are on another scale than the model was fitted on."
            )
        return scaled.astype(np.float32)

    def check_continuation(self, y, *, warm_start):
        """Any real y may continue a fit (``transform`` checks its outputs)."""

    def fitted_attributes(self):
        """The estimator's public fitted attributes this encoder defines."""
        return {"n_outputs_": self.n_outputs_}

    def output_transform(self, raw):
        """Predictions in the units of y from the network's standardised
        outputs (torch, in ``raw``'s dtype)."""
        scale = torch.as_tensor(self._scaler.scale_, dtype=raw.dtype, device=raw.device)
        mean = torch.as_tensor(self._scaler.mean_, dtype=raw.dtype, device=raw.device)
        return raw * scale + mean

    def decode(self, outputs):
        """Predictions: 1-D for a single output."""
        outputs = np.asarray(outputs)
        return outputs[..., 0] if self.n_outputs_ == 1 else outputs

    def score(self, y_encoded, outputs):
        """Validation R² (averaged over outputs) in the units of y."""
        y = np.asarray(y_encoded, dtype=np.float64).reshape(len(y_encoded), -1)
        y = y * self._scaler.scale_ + self._scaler.mean_
        return r2_score(y, np.asarray(outputs, dtype=np.float64).reshape(y.shape))

    def stratify_by(self, y_encoded):
        """None: a regression hold-out is not stratified."""
        return None

    def constant_loss(self, y_encoded, weights):
        """``(loss, what)``: the squared error of predicting the mean, at
        least 1 (an untrained network's loss on standardised targets)."""
        y = y_encoded.astype(np.float64)
        weights = np.ones(len(y)) if weights is None else weights
        mean = np.average(y, axis=0, weights=weights)
        squared = np.mean((y - mean) ** 2, axis=1)
        return max(np.mean(weights * squared), 1.0), "predicting the mean target"

    def explained_outputs(self, target, n_samples):
        """The output index ``target`` for every sequence (None: the only
        output)."""
        n_outputs = self.n_outputs_
        if target is None:
            if n_outputs > 1:
                raise ValueError(
                    f"The regressor has {n_outputs} outputs; pass target= the "
                    f"index of the output to explain (0 to {n_outputs - 1})."
                )
            target = 0
        if not isinstance(target, Integral) or not 0 <= target < n_outputs:
            raise ValueError(
                f"target={target!r} is not an output index of the regressor; "
                f"pass an int from 0 to {n_outputs - 1}."
            )
        return np.full(n_samples, int(target), dtype=np.int64)

    def explained_targets(self, indices):
        """What was explained, by output index: the output indices."""
        return indices


def _labels(y):
    """y as a 1-D array of class labels, checked as scikit-learn does."""
    check_labels(y, "y")
    y = check_array(y, ensure_2d=False, dtype=None, input_name="y")
    check_classification_targets(y)
    return column_or_1d(y, warn=True)


def _real_targets(y):
    """y as a 2-D float64 array (n_samples, n_outputs)."""
    try:
        y = check_array(y, ensure_2d=False, dtype=np.float64, input_name="y")
    except (TypeError, ValueError) as exc:
        if "y" in str(exc).split():  # scikit-learn's message names y
            raise
        raise ValueError(f"y must hold numbers for RNNRegressor: {exc}") from exc
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
    return y.reshape(len(y), -1)


def check_labels(labels, name):
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
