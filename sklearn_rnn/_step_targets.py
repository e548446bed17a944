"""One target per time step (``return_sequences=True``): y's forms, and
predictions in the form X calls for.

:class:`StepTarget` wraps a per-sequence encoder (``LabelTarget``,
``ScaledTarget``) and gives it every valid step as a row: y is read into
one flat array, sequence after sequence and step after step (the order of
``Sequences.values``), and predictions are put back into X's form.

=====================================  ======================================
X                                      y, and what ``predict`` returns
=====================================  ======================================
a list of ``(T_i, F)``/``(T_i,)``      a list of ``(T_i,)`` arrays (or
arrays                                 ``(T_i, n_outputs)``)
a 3-D ``(n, T, F)`` or 2-D ``(n, T)``  a 2-D ``(n, T)`` array (regressor
array                                  also ``(n, T, n_outputs)``), or a list
a DataFrame with a (sample, time)      a Series (several outputs: a
MultiIndex                             DataFrame) with X's index
=====================================  ======================================
"""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator


def per_step(encoder, step_outputs):
    """``encoder``, or with ``step_outputs`` its :class:`StepTarget`."""
    return StepTarget(encoder) if step_outputs else encoder


class StepTarget(BaseEstimator):
    """Per-step targets, encoded by the per-sequence encoder ``inner``.

    Parameters
    ----------
    inner : LabelTarget or ScaledTarget
        The encoder of one step's target.
    """

    per_step = True

    def __init__(self, inner=None):
        self.inner = inner

    # -- what the per-sequence encoder knows ----------------------------

    @property
    def criterion(self):
        return self.inner.criterion

    @property
    def score_name(self):
        return self.inner.score_name

    @property
    def metric(self):
        return self.inner.metric

    @property
    def classes_(self):
        return self.inner.classes_

    @property
    def n_outputs_(self):
        return self.inner.n_outputs_

    def fit(self, y, seqs):
        """Fit the step encoder on every step's target."""
        self.inner.fit(step_values(y, seqs))
        return self

    def transform(self, y, seqs):
        """Every step's encoded target, one row per valid step."""
        return self.inner.transform(step_values(y, seqs))

    def check_continuation(self, y, *, warm_start, **target_params):
        """The step encoder's rule, on every step's target."""
        self.inner.check_continuation(
            all_values(y), warm_start=warm_start, **target_params
        )

    def fitted_attributes(self):
        return self.inner.fitted_attributes()

    def output_transform(self, raw):
        return self.inner.output_transform(raw)

    def decode(self, outputs):
        return self.inner.decode(outputs)

    def score(self, y_encoded, outputs):
        """Validation score over all held-out steps pooled."""
        return self.inner.score(y_encoded, outputs)

    def constant_loss(self, y_encoded, weights):
        return self.inner.constant_loss(y_encoded, weights)

    # -- what one target per step changes --------------------------------

    def rows(self, seqs):
        """Target rows of each sequence: one per valid step."""
        return seqs.lengths

    def stratify_by(self, y_encoded):
        """None: the hold-out is drawn by sequence, not stratified."""
        return None

    def score_targets(self, y, seqs):
        """Every step's target as given (labels the model never saw count
        as errors of ``score``)."""
        return step_values(y, seqs)

    def arrange(self, values, seqs, columns=None):
        """Per-step ``values`` (one row per valid step) in the form X calls
        for; ``columns`` name a DataFrame's columns."""
        return arrange(values, seqs, columns)

    def explained_outputs(self, target, n_samples):
        raise ValueError(
            "attribute explains one output per sequence, but this model has "
            "return_sequences=True (one output per time step); explain its "
            "hidden states instead (hidden_states(..., all_steps=True))."
        )


def step_values(y, seqs):
    """y read as one row per valid step of ``seqs``, in their order.

    Raises ValueError naming the first sample whose number of targets
    differs from its number of steps.
    """
    if y is None or isinstance(y, (str, bytes)):
        raise ValueError(_FORMS_NEEDED + f" Got {type(y).__name__}.")
    if isinstance(y, (pd.Series, pd.DataFrame)):
        return _from_frame(y, seqs)
    if _is_per_sequence(y):
        return _from_items(list(y), seqs)
    array = np.asarray(y)
    if array.ndim < 2:
        raise ValueError(
            _FORMS_NEEDED + f" Got an array of shape {array.shape} (one target "
            "per sequence: set return_sequences=False for that)."
        )
    _check_count(array.shape[0], seqs)
    for index, length in enumerate(seqs.lengths):
        if length != array.shape[1]:
            _mismatch(index, array.shape[1], length)
    return array.reshape(-1, *array.shape[2:])


def all_values(y):
    """Every target in y, in any order (for the set of classes)."""
    if isinstance(y, (pd.Series, pd.DataFrame)):
        return y.to_numpy()
    if _is_per_sequence(y):
        items = [np.asarray(item) for item in y]
        return np.concatenate([item.reshape(len(item), -1) for item in items])[:, 0]
    array = np.asarray(y)
    return array.reshape(-1, *array.shape[2:])


def arrange(values, seqs, columns=None):
    """Per-step rows in X's form (see the module's table)."""
    values = np.asarray(values)
    tail = values.shape[1:]
    if seqs.form == "multiindex":
        order = seqs.meta["order"]
        if order is not None:  # back to X's own row order
            values = values[np.argsort(order)]
        index = seqs.proxy.index
        if values.ndim == 1:
            return pd.Series(values, index=index)
        return pd.DataFrame(values, index=index, columns=columns)
    if seqs.form in ("3d", "2d", "frame") and "list_container" not in seqs.meta:
        return values.reshape(len(seqs), seqs.max_length, *tail)
    return np.split(values, seqs.offsets[1:-1])


_FORMS_NEEDED = (
    "With return_sequences=True, y holds one target per time step of X: a "
    "list of (T_i,) or (T_i, n_outputs) arrays, a 2-D (n_samples, "
    "n_timesteps) or 3-D (n_samples, n_timesteps, n_outputs) array, or a "
    "Series (or DataFrame) with X's (sample, time) MultiIndex."
)


def _is_per_sequence(y):
    """y is a list (tuple, 1-D object array) of per-sequence targets."""
    return isinstance(y, (list, tuple)) or (
        isinstance(y, np.ndarray) and y.dtype == object and y.ndim == 1
    )


def _from_items(items, seqs):
    _check_count(len(items), seqs)
    arrays = []
    for index, (item, length) in enumerate(zip(items, seqs.lengths, strict=True)):
        item = np.asarray(item)
        if item.ndim == 0 or item.shape[0] != length:
            _mismatch(index, 1 if item.ndim == 0 else item.shape[0], length)
        arrays.append(item)
    return np.concatenate(arrays)


def _from_frame(y, seqs):
    """A Series or DataFrame indexed like a MultiIndex X."""
    if seqs.form != "multiindex":
        raise ValueError(
            "y is a pandas object, which return_sequences=True reads by X's "
            "(sample, time) MultiIndex, but X has no MultiIndex; pass y as a "
            "list of per-sequence arrays instead."
        )
    index = seqs.proxy.index
    if len(y) != len(index) or not y.index.equals(index):
        if len(y) == len(index) and set(y.index) == set(index):
            y = y.reindex(index)
        else:
            raise ValueError(
                f"y's index must be X's (sample, time) MultiIndex, one target "
                f"per row of X: y has {len(y)} rows, X {len(index)}, and their "
                "labels differ."
            )
    values = y.to_numpy()
    order = seqs.meta["order"]
    return values if order is None else values[order]


def _check_count(n_targets, seqs):
    if n_targets != len(seqs):
        raise ValueError(
            f"y holds targets for {n_targets} sequences, but X holds {len(seqs)}."
        )


def _mismatch(index, n_targets, n_steps):
    raise ValueError(
        f"With return_sequences=True, y needs one target per time step, but "
        f"sample {index} has {n_targets} target(s) in y and {n_steps} time "
        "step(s) in X."
    )
