"""The estimator shared by RNNClassifier and RNNRegressor.

Parameters, validation, fit / partial_fit and the fitted history live here.
The subclasses differ by one hook, ``_make_target_encoder`` (the object of
``_target.py`` that encodes y, decodes outputs and names the loss and the
validation metric), and by ``_loss_weights`` (the classifier's
``class_weight``).

A fit runs in three steps: ``_prepare`` validates and encodes everything and
changes nothing on ``self``; ``_train`` builds (or rebuilds) the net and
trains it; ``_commit`` sets the fitted state. A fit that fails before the
commit leaves the estimator exactly as it was.
"""

import copy
import dataclasses
import warnings
from abc import ABCMeta, abstractmethod
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
)
from skorch.callbacks import (
    Callback,
    EpochScoring,
    GradientNormClipping,
    ProgressBar,
)
from skorch.helper import predefined_split
from skorch.history import History

from ._auto import (
    numeric_inputs,
    resolve_batch_norm,
    resolve_bidirectional,
    resolve_conv_layers,
    resolve_patch_size,
    resolve_pooling,
)
from ._batching import BatchIterator, SequenceDataset, length_ordered_batches
from ._callbacks import (
    FiniteLoss,
    KeepBest,
    RewindOnInterrupt,
    StoppingRule,
    ValidationScore,
)
from ._categorical import (
    categorical_mask,
    embedding_dims,
    n_categories,
    unseen_codes,
)
from ._device import resolve_device
from ._memory import check_network_size, memory_checked
from ._module import (
    ARCHITECTURE,
    CELLS,
    MODULE_DEFAULTS,
    POOLINGS,
    RecurrentNetwork,
    batch_invariant,
    full_precision,
    seeded,
)
from ._net import FUSED_SOLVERS, SOLVERS, SequenceNet
from ._persistence import PersistenceMixin
from ._progress import EpochLog
from ._progress import prediction_progress as _progress
from ._threads import cpu_threads
from ._validation import record_fit, validate_sequences
from ._warnings import user_stacklevel
from .exceptions import DivergenceError


def _no_print(*args, **kwargs):
    """Sink for skorch messages when ``verbose=False``."""


@dataclass
class _FitPlan:
    """What ``_prepare`` found: everything a fit needs, nothing committed."""

    seqs: object
    encoder: object
    y_encoded: np.ndarray
    weights: object
    dataset: SequenceDataset
    valid: object
    device: str
    seed: int
    epochs: int
    incremental: bool
    continuing: bool
    module: dict
    n_before: int  # epochs in the history before this fit
    everything: SequenceDataset = None  # training and hold-out together


class BaseRNN(PersistenceMixin, BaseEstimator, metaclass=ABCMeta):
    """Shared logic of the recurrent estimators; not for direct use."""

    _parameter_constraints: dict = {
        "cell": [StrOptions(set(CELLS))],
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "bidirectional": ["boolean", StrOptions({"auto"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "pooling": [StrOptions(set(POOLINGS) | {"auto"})],
        "patch_size": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "conv_layers": [
            Interval(Integral, 0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "batch_norm": ["boolean", StrOptions({"auto"})],
        "differences": [
            Interval(Integral, 0, None, closed="left"),
            StrOptions({"auto"}),
        ],
        "standardize_sequences": ["boolean", StrOptions({"auto"})],
        "time_warp": [Interval(Integral, 0, None, closed="left")],
        "solver": [StrOptions(set(SOLVERS))],
        "learning_rate": [StrOptions({"constant", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"refit"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "device": [str],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "callbacks": [list, None],
        "return_sequences": ["boolean"],
        "categorical_features": ["array-like", StrOptions({"from_dtype"}), None],
        "embedding_dim": [
            Interval(Integral, 1, None, closed="left"),
            StrOptions({"auto"}),
        ],
    }

    @abstractmethod
    def __init__(
        self,
        *,
        cell,
        hidden_size,
        num_layers,
        bidirectional,
        dropout,
        pooling,
        patch_size,
        conv_layers,
        batch_norm,
        differences,
        standardize_sequences,
        time_warp,
        solver,
        learning_rate,
        learning_rate_init,
        alpha,
        momentum,
        batch_size,
        max_iter,
        shuffle,
        tol,
        early_stopping,
        validation_fraction,
        n_iter_no_change,
        clip_grad_norm,
        device,
        random_state,
        warm_start,
        verbose,
        callbacks,
        return_sequences,
        categorical_features,
        embedding_dim,
    ):
        self.cell = cell
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.pooling = pooling
        self.patch_size = patch_size
        self.conv_layers = conv_layers
        self.batch_norm = batch_norm
        self.differences = differences
        self.standardize_sequences = standardize_sequences
        self.time_warp = time_warp
        self.solver = solver
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.alpha = alpha
        self.momentum = momentum
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.tol = tol
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.callbacks = callbacks
        self.return_sequences = return_sequences
        self.categorical_features = categorical_features
        self.embedding_dim = embedding_dim

    # -- hooks of the subclasses ------------------------------------------

    @abstractmethod
    def _make_target_encoder(self, **target_params):
        """A new, unfitted target encoder (see ``_target.py``).

        ``target_params`` are those of ``partial_fit`` (the classifier's
        ``classes``).
        """

    def _loss_weights(self, y_encoded, sample_weight, encoder, seqs):
        """Validated loss weights, one per target row (a sequence's weight
        on each of its rows), or None (all equal)."""
        return _row_weights(sample_weight, seqs, encoder)

    # -- fitting ----------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to sequences X and targets y.

        Parameters
        ----------
        X : array-like, list of array-likes or DataFrame
            Sequences in any of the forms of the table "What X may be":
            ``(n_samples, n_timesteps, n_features)``, ``(n_samples,
            n_timesteps)``, a list of ``(T_i, n_features)`` or ``(T_i,)``
            arrays, or a DataFrame indexed by (sample, time).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets; with ``return_sequences=True``, one per time step (a
            list of ``(T_i,)`` or ``(T_i, n_outputs)`` arrays, a 2-D or 3-D
            array, or a Series with X's MultiIndex).
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples (sequences) in the loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, *, incremental, **target_params):
        """Prepare, train, commit: only a successful fit changes ``self``.

        ``incremental`` (partial_fit): one epoch, no stopping rule, no
        hold-out. Otherwise ``max_iter`` epochs with the stopping rule.
        """
        plan = self._prepare(X, y, sample_weight, incremental, target_params)
        net = self._train(plan)
        selection = None
        # a user's interrupt ends the whole fit: the choosing run is kept
        chosen = not dict(net.callbacks_)["rewind"].interrupted_
        if self.early_stopping == "refit" and plan.valid is not None and chosen:
            selection, net = net, self._refit(plan, net)
        self._commit(plan, net, selection)
        return self

    def _refit(self, plan, selection):
        """A new network trained on all the data (training and hold-out) for
        the epochs ``selection``, the net trained with the hold-out, kept
        (``early_stopping="refit"``); a continued fit trains on from the
        fitted network, as ``selection`` did."""
        best = int(selection.history[-1]["best_epoch"]) - plan.n_before
        if best < 1:  # the weights the fit started from were the best
            return selection
        everything = dataclasses.replace(
            plan, dataset=plan.everything, valid=None, epochs=best
        )
        return self._train(everything)

    def _prepare(self, X, y, sample_weight, incremental, target_params):
        """Validate and encode everything for a fit; change nothing."""
        continuing = hasattr(self, "net_") and (incremental or self.warm_start)
        device = self._resolve_device()
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the "
                "target y is None."
            )
        if self.time_warp and self.return_sequences:
            raise ValueError(
                f"time_warp={self.time_warp} warps the training sequences "
                "but not their per-step targets: it needs one output per "
                "sequence (return_sequences=False)."
            )
        seqs = validate_sequences(self, X, reset=not continuing)
        encoder = self._target_encoder_for(y, seqs, continuing, target_params)
        y_encoded = encoder.transform(y, seqs)
        weights = self._loss_weights(y_encoded, sample_weight, encoder, seqs)
        weights = None if weights is None else _normalise(weights)
        seed, split_seed = self._seeds(continuing)
        dataset = SequenceDataset(
            seqs, y_encoded, weights, device=device, per_step=encoder.per_step
        )
        valid, everything = None, dataset
        if self.early_stopping and not incremental:
            labels = encoder.stratify_by(y_encoded)
            dataset, valid = self._split(dataset, labels, split_seed)
        if continuing:
            self._check_architecture(seqs)
            module = self.net_.get_params_for("module")
        else:
            module = self._module_params(seqs, encoder)
            check_network_size(module)
        return _FitPlan(
            seqs=seqs,
            encoder=encoder,
            y_encoded=y_encoded,
            weights=weights,
            dataset=dataset,
            valid=valid,
            device=device,
            seed=seed,
            epochs=1 if incremental else self.max_iter,
            incremental=incremental,
            continuing=continuing,
            module=module,
            n_before=self.n_iter_ if continuing else 0,
            everything=everything,
        )

    def _target_encoder_for(self, y, seqs, continuing, target_params):
        """The fitted encoder, checked against y, or a new one fitted on y."""
        if not continuing:
            return self._make_target_encoder(**target_params).fit(y, seqs)
        encoder = self._target_encoder
        encoder.check_continuation(y, warm_start=self.warm_start, **target_params)
        return encoder

    def _seeds(self, continuing):
        """The seed of this fit's training, and that of its hold-out split.

        A continued fit draws other batches (the seed moves on with
        ``n_iter_``) but, as in MLPClassifier, the same hold-out of the same
        data, so that its validation scores compare with the last fit's.
        """
        rng = check_random_state(self.random_state)
        seed = int(rng.randint(np.iinfo(np.int32).max))
        split_seed = seed
        if continuing:
            seed = (seed + self.n_iter_) % np.iinfo(np.int32).max
        return seed, split_seed

    def _module_params(self, seqs, encoder):
        """The module's parameters for a new network on ``seqs``."""
        architecture = {name: getattr(self, name) for name in ARCHITECTURE}
        counts = n_categories(seqs, seqs.categorical)
        patch_size = resolve_patch_size(
            self.patch_size, seqs.lengths, self.return_sequences
        )
        categorical = tuple(int(j) for j in np.flatnonzero(seqs.categorical))
        conv_layers = resolve_conv_layers(self.conv_layers, patch_size)
        return {
            **architecture,
            "categorical_features": categorical,
            "n_categories": tuple(int(n) for n in counts),
            "embedding_dims": embedding_dims(counts, self.embedding_dim),
            "input_size": seqs.n_step_features,
            "output_size": encoder.n_outputs_,
            "patch_size": patch_size,
            "conv_layers": conv_layers,
            "batch_norm": resolve_batch_norm(
                self.batch_norm, conv_layers, seqs, encoder
            ),
            **numeric_inputs(
                seqs,
                self.differences,
                self.standardize_sequences,
                self.return_sequences,
                patch_size,
            ),
            "pooling": resolve_pooling(
                self.pooling, patch_size, codes=bool(categorical)
            ),
            "bidirectional": resolve_bidirectional(
                self.bidirectional, self.return_sequences
            ),
        }

    def _train(self, plan):
        """A trained net: a new one, or the fitted one rebuilt and trained on.

        Raises DivergenceError when training diverged.
        """
        validate = plan.valid is not None
        net_params = {
            "callbacks": self._build_callbacks(
                plan.encoder,
                epochs=plan.epochs,
                stop=not plan.incremental,
                validate=validate,
                score_start=plan.continuing,
            ),
            "train_split": predefined_split(plan.valid) if validate else None,
        }
        if plan.continuing:
            parts = self._saved_parts(optimizer=plan.incremental)
            net = self._rebuild_net(
                plan.device, plan.module, plan.encoder, **parts, **net_params
            )
        else:
            net = self._build_net(plan.device, plan.module, plan.encoder, **net_params)
        with (
            seeded(plan.seed, plan.device),
            full_precision(),
            memory_checked(self),
            cpu_threads(plan.device),
        ):
            if not plan.continuing:
                net.initialize()
            net.partial_fit(plan.dataset, epochs=plan.epochs)
            self._check_not_diverged(net, plan)
        net.train_split = None  # do not keep the hold-out in the model
        return net

    def _commit(self, plan, net, selection=None):
        """Set the fitted state from a successful fit (``selection``: the net
        trained with the hold-out, when ``net`` was refitted on all data)."""
        if not plan.continuing:
            record_fit(self, plan.seqs)
        self._target_encoder = plan.encoder
        for name, value in plan.encoder.fitted_attributes().items():
            setattr(self, name, value)
        self._set_net(net)
        scored = None  # the run that scored the hold-out, if any
        if plan.valid is not None:
            scored = net if selection is None else selection
        self._set_history(net.history, None if scored is None else scored.history)
        if not plan.continuing:  # codes the first fit has no embedding for
            self._unseen_codes = unseen_codes(plan.seqs, plan.seqs.categorical)
        epochs = len(net.history) - plan.n_before
        if dict(net.callbacks_)["rewind"].interrupted_:
            warnings.warn(
                f"Training was interrupted (KeyboardInterrupt) after {epochs} "
                "finished epoch(s) of this call; the model keeps the weights of "
                "the last finished epoch.",
                UserWarning,
                stacklevel=user_stacklevel(),
            )
        elif not plan.incremental and epochs == plan.epochs:
            warnings.warn(
                f"Maximum iterations ({plan.epochs}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=user_stacklevel(),
            )

    def _set_net(self, net):
        """``net_``, and the fitted attributes that are its module's
        parameters (``"auto"`` resolved); a file saved before a parameter
        existed has the module's default."""
        self.net_ = net
        module = {**MODULE_DEFAULTS, **net.get_params_for("module")}
        self.patch_size_ = module["patch_size"]
        self.conv_layers_ = module["conv_layers"]
        self.batch_norm_ = module["batch_norm"]
        self.differences_ = module["differences"]
        self.standardize_sequences_ = module["standardize_sequences"]
        self.pooling_ = module["pooling"]
        self.bidirectional_ = module["bidirectional"]
        self.n_categories_ = np.array(module["n_categories"], dtype=np.int64)

    def _split(self, dataset, labels, seed):
        """Training and hold-out parts of ``dataset``, stratified by
        ``labels`` unless None."""
        n_samples = len(dataset)
        n_valid = max(2, int(np.ceil(self.validation_fraction * n_samples)))
        if n_valid >= n_samples:
            raise ValueError(
                f"early_stopping=True holds out {n_valid} sequences for "
                f"validation, which leaves none to train on with "
                f"n_samples={n_samples}; set early_stopping=False."
            )
        if labels is not None:
            _check_stratified_split(labels, n_valid, n_samples)
        train, valid = train_test_split(
            np.arange(n_samples),
            test_size=n_valid,
            random_state=seed,
            stratify=labels,
        )
        return dataset.subset(np.sort(train)), dataset.subset(np.sort(valid))

    def _build_net(self, device, module, encoder, callbacks=(), train_split=None):
        """An unfitted net for a module of parameters ``module`` (see
        ``_module_params``), with the loss of the target ``encoder``."""
        return SequenceNet(
            module=RecurrentNetwork,
            **{f"module__{name}": value for name, value in module.items()},
            criterion=encoder.criterion,
            **self._optimizer_params(device),
            max_epochs=self.max_iter,
            batch_size=self.batch_size,
            iterator_train=BatchIterator,
            iterator_train__shuffle=self.shuffle,
            iterator_train__time_warp=self.time_warp,
            iterator_train__codes=module.get("categorical_features", ()),
            # batch statistics need batches drawn at random, not by length
            iterator_train__length_buckets=not (
                module.get("batch_norm") and module.get("conv_layers")
            ),
            iterator_valid=BatchIterator,
            callbacks=list(callbacks),
            train_split=train_split,
            predict_nonlinearity=None,
            device=device,
            # the package's own epoch lines (EpochLog) replace skorch's table
            callbacks__print_log=None,
            verbose=0,
        )

    def _rebuild_net(
        self, device, module, encoder, weights, history, optimizer_state=None, **kw
    ):
        """A net with saved parts put back: the one way a trained net is
        rebuilt (warm start, partial_fit, load).

        The module gets ``weights`` and the net ``history``; the optimizer,
        built from the current solver settings, gets ``optimizer_state``
        (its moments, steps and learning rate) unless that is None, as for
        a warm-start fit (a fresh optimizer, as in MLPClassifier).
        """
        net = self._build_net(device, module, encoder, **kw)
        with seeded(0, device):  # the initial weights are overwritten
            net.initialize()
        net.module_.load_state_dict(weights)
        if optimizer_state is not None:
            net.optimizer_.load_state_dict(optimizer_state)
        net.history = History(history)
        return net

    def _saved_parts(self, optimizer):
        """Copies of the fitted net's parts for :meth:`_rebuild_net`
        (with the optimizer's state if ``optimizer``)."""
        net = self.net_
        parts = {
            "weights": net.module_.state_dict(),  # copied in by load_state_dict
            "history": copy.deepcopy(list(net.history)),
        }
        if optimizer:
            parts["optimizer_state"] = copy.deepcopy(net.optimizer_.state_dict())
        return parts

    def _optimizer_params(self, device):
        params = {
            "optimizer": SOLVERS[self.solver],
            "lr": self.learning_rate_init,
            "optimizer__weight_decay": self.alpha,
        }
        if self.solver == "sgd":
            params["optimizer__momentum"] = self.momentum
        if self.solver in FUSED_SOLVERS and str(device).split(":")[0] in (
            "cpu",
            "cuda",
        ):
            params["optimizer__fused"] = True
        return params

    def _check_architecture(self, seqs):
        """Refuse to continue the fitted network with another architecture."""
        # a file saved before a parameter existed has the module's default
        fitted = {**MODULE_DEFAULTS, **self.net_.get_params_for("module")}
        wanted = {name: getattr(self, name) for name in ARCHITECTURE}
        for name, value in wanted.items():
            if isinstance(value, str) and value == "auto":  # the fitted value
                wanted[name] = fitted[name]
        mask = categorical_mask(self.categorical_features, seqs, type(self).__name__)
        fitted["categorical_features"] = tuple(fitted["categorical_features"])
        wanted["categorical_features"] = tuple(int(j) for j in np.flatnonzero(mask))
        if mask.all():  # no numeric feature: nothing was differenced
            wanted["differences"] = 0
            wanted["standardize_sequences"] = False
        dims = tuple(fitted["embedding_dims"])
        fitted["embedding_dim"] = dims
        wanted["embedding_dim"] = embedding_dims(
            fitted["n_categories"], self.embedding_dim
        )
        changed = [
            f"{name} ({fitted[name]!r} -> {value!r})"
            for name, value in wanted.items()
            if fitted[name] != value
        ]
        if changed:
            raise ValueError(
                "warm_start and partial_fit continue training the fitted "
                f"network, whose architecture cannot change: {', '.join(changed)}. "
                "Set warm_start=False to train a new network."
            )

    def _build_callbacks(self, encoder, epochs, stop, validate, score_start):
        """The callbacks of one fit, in the order they must run."""
        sink = print if self.verbose else _no_print
        # first: rewinds before the others' on_train_end (restoring the best)
        callbacks = [("rewind", RewindOnInterrupt()), ("finite_loss", FiniteLoss())]
        if self.verbose >= 2:  # tqdm's bar over each epoch's batches
            callbacks.append(("progress_bar", ProgressBar()))
        if self.clip_grad_norm is not None:
            clip = GradientNormClipping(gradient_clip_value=self.clip_grad_norm)
            callbacks.append(("clip_grad_norm", clip))
        if validate:
            scoring = ValidationScore(encoder)
            score = EpochScoring(scoring, lower_is_better=False, name="valid_score")
            callbacks.append(("valid_score", score))
            # As in MLPClassifier, keep the weights of the epoch with the
            # highest validation score (any improvement, not only one by more
            # than tol) and restore them; this one never stops training.
            best = KeepBest(scoring, score_start=score_start, sink=sink)
            callbacks.append(("best_weights", best))
        callbacks += copy.deepcopy(self._checked_callbacks())
        if self.verbose:  # after every score of the epoch, before the stop
            callbacks.append(("epoch_log", EpochLog(epochs, sink=sink)))
        if stop:
            # Last: the stopping rule ends the epoch (KeyboardInterrupt), so
            # every callback before it sees the final epoch too.
            monitor = "valid_score" if validate else "train_loss"
            stopping = StoppingRule(
                monitor=monitor,
                patience=self.n_iter_no_change,
                tol=self.tol,
                lower_is_better=not validate,
                adaptive=self.learning_rate == "adaptive",
                sink=sink,
            )
            callbacks.append(("stopping", stopping))
        return callbacks

    def _check_not_diverged(self, net, plan):
        """Raise DivergenceError when the weights kept have a training loss
        far above a constant prediction's: a finite blow-up, which
        FiniteLoss does not see.

        The loss recorded for the kept epoch is the mean over that epoch's
        batches, taken while the weights moved; when it is above the bar,
        the kept weights' own loss on the training data decides (the first
        epoch's mean, from random weights, can be high for weights that
        end it well).
        """
        history = net.history[plan.n_before :]
        if not history:
            return
        kept = history[-1]
        if "best_epoch" in kept:  # the best epoch's weights were restored
            rows = [row for row in history if row["epoch"] == kept["best_epoch"]]
            if not rows:  # the weights this fit started from: checked before
                return
            kept = rows[0]
        constant, what = plan.encoder.constant_loss(plan.y_encoded, plan.weights)
        loss = float(kept["train_loss"])
        if loss <= DIVERGENCE_FACTOR * constant:
            return
        loss = _loss_on(net, plan.dataset)
        if loss <= DIVERGENCE_FACTOR * constant:
            return
        raise DivergenceError(
            f"Training diverged: the training loss ended at {loss:.4g}, more "
            f"than {DIVERGENCE_FACTOR:g} times the {constant:.4g} of "
            f"{what}, so the model would predict worse than a constant. The "
            "fit was stopped and the estimator left as it was before it. "
            f"Lower learning_rate_init (now {self.learning_rate_init:g}; try "
            "a tenth), set clip_grad_norm (now "
            f"{self.clip_grad_norm!r}; e.g. 1.0), or scale X (SequenceScaler)."
        )

    def _checked_callbacks(self):
        """The user's ``callbacks``, each a skorch callback instance or a
        ``(name, instance)`` pair whose name the package does not use."""
        checked = []
        for index, item in enumerate(self.callbacks or []):
            name, callback = item if _is_named_pair(item) else (None, item)
            if isinstance(callback, type) and issubclass(callback, Callback):
                raise TypeError(
                    f"callbacks[{index}] is the class {callback.__name__}, not "
                    f"an instance: pass {callback.__name__}(...)."
                )
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"callbacks[{index}] is of type {type(callback).__name__}, "
                    "not a skorch callback: each item must be an instance of "
                    "skorch.callbacks.Callback or a (name, callback) pair."
                )
            if name in _RESERVED_CALLBACKS:
                raise ValueError(
                    f"callbacks[{index}] is named {name!r}, a name sklearn_rnn "
                    f"uses for its own callbacks ({sorted(_RESERVED_CALLBACKS)}); "
                    "choose another name."
                )
            checked.append(item)
        return checked

    def _set_history(self, history, scored=None):
        """The history attributes of the net trained, ``history``, with the
        hold-out scores of ``scored`` (that same history with early
        stopping, a refit's choosing run's, or None without a hold-out)."""
        self.n_iter_ = len(history)
        self.loss_curve_ = [float(row["train_loss"]) for row in history]
        self.validation_scores_ = self.best_validation_score_ = None
        if scored is not None:
            self.validation_scores_ = [
                float(row["valid_score"]) for row in scored if "valid_score" in row
            ]
            # the score of the weights kept, as KeepBest recorded it
            self.best_validation_score_ = float(scored[-1]["best_valid_score"])
        # as in MLP, no best training loss where the hold-out chose the weights
        self.best_loss_ = None if scored is history else min(self.loss_curve_)

    def _resolve_device(self):
        return resolve_device(self.device)

    # -- prediction -------------------------------------------------------

    def _checked_sequences(self, X):
        """X read as sequences, checked against the fitted model."""
        check_is_fitted(self)
        return validate_sequences(self, X, reset=False)

    def _forward(self, X):
        """X read, and :meth:`_outputs` of its sequences."""
        seqs = self._checked_sequences(X)
        return seqs, self._outputs(seqs)

    def _outputs(self, seqs):
        """The outputs predictions are made of, float64, one row per target
        row (per sequence, or per valid step): the network's, through the
        target encoder's output transform (probabilities, or targets in the
        units of y)."""
        encoder = self._target_encoder
        offsets = np.concatenate([[0], np.cumsum(encoder.rows(seqs))])
        result = np.empty((offsets[-1], self.n_outputs_), dtype=np.float64)
        module = batch_invariant(self.net_.module_)
        with (
            full_precision(),
            torch.inference_mode(),
            memory_checked(self),
            cpu_threads(self.net_.device),
        ):
            batches = length_ordered_batches(seqs, self.batch_size)
            for rows, (batch, _) in _progress(batches, self.verbose, seqs):
                X = batch["X"].to(self.net_.device)
                raw = module(X, batch["lengths"]).to(torch.float64)
                outputs = encoder.output_transform(raw).cpu().numpy()
                result[_positions(offsets, rows)] = outputs
        return result

    def _predict(self, X):
        """Predictions for X in the form X calls for."""
        seqs, outputs = self._forward(X)
        encoder = self._target_encoder
        return encoder.arrange(encoder.decode(outputs), seqs)

    def _score(self, X, y, sample_weight):
        """The estimator's metric (accuracy, R^2) over every target row: per
        sequence, or pooled over all valid steps."""
        seqs, outputs = self._forward(X)
        encoder = self._target_encoder
        weights = _row_weights(sample_weight, seqs, encoder)
        y_pred = encoder.decode(outputs)
        return encoder.metric(
            encoder.score_targets(y, seqs), y_pred, sample_weight=weights
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.non_deterministic = False
        return tags


#: A fit whose kept weights have a training loss above this many times the
#: loss of a constant prediction (or of chance, whichever is larger) has
#: diverged.
DIVERGENCE_FACTOR = 2.0

#: Names of the callbacks the package adds, and skorch's defaults.
_RESERVED_CALLBACKS = {
    "rewind",
    "progress_bar",
    "epoch_log",
    "finite_loss",
    "clip_grad_norm",
    "valid_score",
    "best_weights",
    "stopping",
    "epoch_timer",
    "train_loss",
    "valid_loss",
    "print_log",
}


def _check_stratified_split(y_encoded, n_valid, n_samples):
    """A clear error where a hold-out of ``n_valid`` sequences cannot hold
    every class, or the rest cannot."""
    counts = np.bincount(y_encoded)
    n_classes = int((counts > 0).sum())
    cure = "raise validation_fraction, pass more sequences or set early_stopping=False"
    if n_valid < n_classes or n_samples - n_valid < n_classes:
        raise ValueError(
            f"early_stopping=True holds out {n_valid} of {n_samples} "
            "sequences for validation, stratified by class, but each part "
            f"must hold all {n_classes} classes; {cure}."
        )
    rare = np.flatnonzero((counts > 0) & (counts < 2))
    if rare.size:
        raise ValueError(
            "early_stopping=True draws a validation set stratified by class, "
            f"which needs at least 2 sequences of each class; {rare.size} "
            f"class(es) have only 1; {cure}."
        )


def _is_named_pair(item):
    return isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)


def _sequence_weights(sample_weight, seqs):
    """``sample_weight`` checked: one finite, non-negative number per
    sequence."""
    try:
        return _check_sample_weight(
            sample_weight, seqs.lengths, ensure_non_negative=True
        )
    except (TypeError, ValueError) as exc:
        if "sample" in str(exc).lower():
            raise
        raise type(exc)(f"sample_weight must hold numbers: {exc}") from exc


def _row_weights(sample_weight, seqs, encoder):
    """Each sequence's checked weight on each of its target rows, or None."""
    if sample_weight is None:
        return None
    return np.repeat(_sequence_weights(sample_weight, seqs), encoder.rows(seqs))


def _positions(offsets, rows):
    """The result rows of the target rows of sequences ``rows``, in order:
    ``offsets[r]`` to ``offsets[r + 1]`` for each r."""
    starts, ends = offsets[rows], offsets[rows + 1]
    counts = ends - starts
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + within


def _loss_on(net, dataset):
    """Loss of the net's current weights on ``dataset``: each batch's loss,
    weighted by its sequences."""
    total, count = 0.0, 0
    for batch in net.get_iterator(dataset, training=False):
        n = len(batch[1])
        total += float(net.validation_step(batch)["loss"]) * n
        count += n
    return total / count


def _normalise(weights):
    """Scale weights to mean 1; None when they are all equal and positive.

    Divided by their largest value first, so that weights whose sum
    overflows (or underflows) float64 keep their ratios.
    """
    largest = weights.max()
    if largest <= 0:
        raise ValueError(
            "The sample weights (sample_weight, times class_weight) are all "
            "zero: at least one sample needs a positive weight."
        )
    if np.all(weights == weights[0]):
        return None
    weights = weights / largest
    return (weights * (len(weights) / weights.sum())).astype(np.float32)
