"""RNNClassifier: class labels, class weights and class probabilities."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_sample_weight

from . import _docstrings
from ._base import BaseRNN
from ._step_targets import per_step
from ._target import LabelTarget

_PARAMETERS = _docstrings.PARAMETERS.format(
    cell_reason="""\
        GRU is the default because it read the public sets better: with
        ``cell="lstm"`` instead (``bash benchmarks/why_defaults.sh``; 3
        seeds, both measured on one machine) test accuracy fell on 9 of 12
        sets, ArrowHead from 0.785 to 0.747, ACSF1 from 0.920 to 0.883,
        PigCVP from 0.489 to 0.402, and was level on Trace, Coffee and
        BasicMotions, for about three quarters of the fit time (183 s
        against 249 s for the twelve sets).
""",
    stratified=", stratified by class",
    early_stopping="False",
    early_stopping_reason="",
    score="accuracy",
    learning_rate_init="0.005",
    learning_rate_init_reason="""\
        Step size of the optimizer. Five times Adam's usual 0.001: small data
        sets (tens to hundreds of sequences) then reach a good model within
        the epoch budget, and gradient clipping keeps the larger steps
        stable. Test accuracy at 0.001 and at 0.005 (``bash
        benchmarks/why_defaults.sh``; 3 seeds; classifier with
        ``conv_layers=0`` and ``pooling="max"``): GunPoint 0.967 and 0.978,
        Japanese Vowels 0.974 and 0.977.
""",
    validation_fraction="0.1",
    validation_fraction_reason="",
    pooling='"auto"',
    conv_layers='"auto"',
    differences="0",
    differences_reason="""\
        None by default for the classifier, whose convolution front end
        reads the shape of long series itself: with ``differences=1``
        (``bash benchmarks/why_defaults.sh``; 3 seeds) test accuracy falls
        from 0.785 to 0.684 on ArrowHead and from 0.828 to 0.802 on
        OSULeaf, and is level on ItalyPowerDemand (0.965 against 0.968).
""",
    standardize='"auto"',
    standardize_reason="""\
        Against ``standardize_sequences=False`` (``bash
        benchmarks/why_defaults.sh``; 3 seeds), test accuracy on PLAID
        (current signatures of 11 appliances, 100 to 1344 steps, whose
        sizes span five orders of magnitude) rises from 0.517 to 0.867,
        and a fit takes 71.8 s instead of 83.5 s. ``"auto"`` turns it on
        there only, of the classification sets of
        ``benchmarks/accuracy.py``. Forced on where every series has the
        same size already, it reads worse: ArrowHead 0.730 (0.785),
        OSULeaf 0.815 (0.828), ACSF1 0.807 (0.823), BasicMotions 0.975
        (0.992); PickupGestureWiimoteZ 0.847 (0.840).
""",
    time_warp_reason="""\
        Against 0, on the classification sets of ``benchmarks/accuracy.py``
        with under 100 training series (``bash benchmarks/why_defaults.sh``;
        3 seeds), ``time_warp=4`` lifts test accuracy on ArrowHead from
        0.785 to 0.813 (0.844 with ``batch_norm=True``),
        PickupGestureWiimoteZ from 0.840 to 0.887, Japanese Vowels from
        0.979 to 0.985 and BasicMotions from 0.992 to 1.000, but reads
        Coffee (spectra, whose peaks it moves) at 0.988 instead of 1.000,
        GunPoint at 0.987 (0.991) and ItalyPowerDemand at 0.958 (0.968),
        for 2 to 4 times the fit time; on the larger sets ``time_warp=2``
        lifts OSULeaf from 0.887 to 0.909 but reads ACSF1 at 0.813 instead
        of 0.900.
""",
    batch_norm_reason="""\
        Where ``"auto"`` normalises, against ``batch_norm=False`` (``bash
        benchmarks/why_defaults.sh``; 3 seeds), test accuracy rises on
        OSULeaf (200 training series of 427 steps) from 0.828 to 0.887 and
        on ACSF1 (100 of 1460 steps, 10 a class) from 0.823 to 0.900, in
        about the same fit time; Trace stays at 1.000. Forced on where
        ``"auto"`` leaves it off, it reads the sets of 50 or fewer training
        series worse (GunPoint 0.991 to 0.962, ArrowHead 0.785 to 0.714,
        PickupGestureWiimoteZ 0.840 to 0.800) and PigCVP (104 series, 2 a
        class) worse (0.471 to 0.439); it lifts BasicMotions (40 series)
        from 0.992 to 1.000 and PLAID (537 series of 100-1344 steps) from
        0.867 to 0.908, there in twice the fit time (114.9 s against
        58.7 s), as its random batches pad to longer sequences. Compare
        both by cross-validation on long ragged series.
""",
    conv_layers_reason="""\
        Against ``conv_layers=0`` (``bash benchmarks/why_defaults.sh``; 3
        seeds), test accuracy on the sets read in patches: GunPoint 0.991
        against 0.978, ArrowHead 0.785 against 0.697, OSULeaf 0.828
        against 0.771, PickupGestureWiimoteZ 0.840 against 0.760, ACSF1
        0.823 against 0.753, Trace 1.000 both, BasicMotions 0.992 against
        1.000. One layer reads four of these seven sets worse than two,
        three layers three (ArrowHead, PickupGestureWiimoteZ and ACSF1, by
        0.04-0.05, for OSULeaf 0.839); both are worse on average. On the
        short numeric sets, read step by step, two layers
        read no better than none (ItalyPowerDemand 0.967 against 0.968,
        Japanese Vowels 0.965 against 0.979) for more fit time, so
        ``"auto"`` puts none there.
""",
    bidirectional='"auto"',
    bidirectional_reason="""\
        Reading both ways, against ``bidirectional=False`` (``bash
        benchmarks/why_defaults.sh``; 3 seeds), test accuracy:
        PickupGestureWiimoteZ 0.840 against 0.740, OSULeaf 0.828 against
        0.826, Japanese Vowels 0.979 against 0.978, ArrowHead 0.785
        against 0.792, BasicMotions 0.992 against 1.000, ItalyPowerDemand
        0.968 against 0.969, GunPoint, Trace and ACSF1 equal; a fit
        takes about 1.7 times as long. The backward direction's last state
        is the one after the first step, so the head also sees how a
        sequence began: on a synthetic task whose label is in steps 2-6 of
        20 (``python benchmarks/pooling_window.py``) the last state reads
        0.854 both ways and 0.812 forwards only. Both ways is not better on
        every task; compare the two by cross-validation
        (``GridSearchCV(clf, {"bidirectional": [True, False]})``).
""",
    pooling_reason="""\
        ``"auto"`` is ``"max"`` when the RNN reads patches or categorical
        features, ``"last"`` on numeric sequences read step by step; the
        fitted value is ``pooling_``. The maximum keeps what happened
        anywhere in a long sequence, which the last state forgets; on short
        ones the last state read better. Test accuracy of the default
        pipeline (``bash benchmarks/why_defaults.sh``; 3 seeds) with
        ``pooling="last"`` instead of the maximum, both without the
        convolution front end: ArrowHead 0.615 against 0.697, BasicMotions
        0.967 against 1.000, GunPoint 0.978 both; with
        ``pooling="max"`` instead of the last state on the short sets:
        ItalyPowerDemand 0.934 against 0.968, Japanese Vowels 0.977 against
        0.979. On a synthetic task whose label is in 5 of 20 steps
        (``python benchmarks/pooling_window.py``) the maximum reads
        0.869-0.906 and the last state 0.849-0.886, wherever the window
        is; set ``pooling="max"`` for such data.
""",
    extra="""\
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the loss, as in scikit-learn's linear
        models; multiplied with ``sample_weight``.
""",
)


class RNNClassifier(ClassifierMixin, BaseRNN):
    __doc__ = f"""Recurrent neural network classifier for sequences.

    An Elman RNN, LSTM or GRU reads each sequence; a linear layer on its
    hidden states pooled over the valid steps (their maximum by default, see
    ``pooling``) gives the class scores, trained with the cross-entropy
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

    def __init__(
        self,
        *,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        bidirectional="auto",
        dropout=0.0,
        pooling="auto",
        patch_size="auto",
        conv_layers="auto",
        batch_norm="auto",
        differences=0,
        standardize_sequences="auto",
        time_warp=0,
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
        return_sequences=False,
        categorical_features=None,
        embedding_dim="auto",
    ):
        super().__init__(
            cell=cell,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            pooling=pooling,
            patch_size=patch_size,
            conv_layers=conv_layers,
            batch_norm=batch_norm,
            differences=differences,
            standardize_sequences=standardize_sequences,
            time_warp=time_warp,
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
            return_sequences=return_sequences,
            categorical_features=categorical_features,
            embedding_dim=embedding_dim,
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
            Probabilities in the order of ``classes_``. With
            ``return_sequences=True``, one row per time step: a list of
            ``(T_i, n_classes)`` arrays for a list X, an ``(n_samples,
            n_timesteps, n_classes)`` array for array X, a DataFrame with
            X's index and a column per class for a MultiIndex X.
        """
        seqs, outputs = self._forward(X)
        return self._target_encoder.arrange(outputs, seqs, columns=self.classes_)

    def predict(self, X):
        """Most probable class of each sequence.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels; with ``return_sequences=True``, one per
            time step in the form X calls for (a list of ``(T_i,)`` arrays,
            an ``(n_samples, n_timesteps)`` array or a Series with X's
            MultiIndex).
        """
        return self._predict(X)

    def score(self, X, y, sample_weight=None):
        """Accuracy of the predictions, as ``accuracy_score``.

        With ``return_sequences=True``, over every valid time step pooled,
        each step counting once (weighted by its sequence's weight);
        labels the model never saw count as errors.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences, in any form accepted by :meth:`fit`.
        y : array-like or list of array-likes
            True labels, of shape (n_samples,), or per-step targets with
            ``return_sequences=True``.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the sequences.

        Returns
        -------
        score : float
            The accuracy.
        """
        return self._score(X, y, sample_weight)

    # -- hooks ----------------------------------------------------------------

    def _make_target_encoder(self, classes=None):
        return per_step(LabelTarget(classes=classes), self.return_sequences)

    def _loss_weights(self, y_encoded, sample_weight, encoder, seqs):
        weights = super()._loss_weights(y_encoded, sample_weight, encoder, seqs)
        if self.class_weight is not None:
            labels = encoder.classes_[y_encoded]
            _check_class_weight(self.class_weight, encoder.classes_)
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
