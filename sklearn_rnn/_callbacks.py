"""The callbacks the estimators train with, on top of skorch's."""

import copy
import math

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping

from .exceptions import DivergenceError


class StoppingRule(Callback):
    """MLP's stopping rule, with its adaptive learning rate.

    An epoch counts as a miss when the monitored value did not beat the best
    so far by more than ``tol``. After ``patience`` misses in a row training
    stops, unless ``adaptive``: then the learning rate is divided by
    ``factor`` and the count starts again, and training stops at the stall
    after ``max_reductions`` divisions, or once the learning rate would
    fall below ``min_lr``. The learning rate of each epoch is recorded in
    the history as ``"lr"``.
    """

    def __init__(
        self,
        monitor="train_loss",
        patience=10,
        tol=1e-4,
        lower_is_better=True,
        adaptive=False,
        factor=5.0,
        max_reductions=2,
        min_lr=1e-6,
        sink=print,
    ):
        self.monitor = monitor
        self.patience = patience
        self.tol = tol
        self.lower_is_better = lower_is_better
        self.adaptive = adaptive
        self.factor = factor
        self.max_reductions = max_reductions
        self.min_lr = min_lr
        self.sink = sink

    def on_train_begin(self, net, **kwargs):
        self.stopped_ = False
        self.misses_ = 0
        self.reductions_ = 0
        self.best_ = math.inf

    def on_epoch_end(self, net, **kwargs):
        groups = net.optimizer_.param_groups
        net.history.record("lr", groups[0]["lr"])
        value = net.history[-1, self.monitor]
        value = value if self.lower_is_better else -value
        self.misses_ = self.misses_ + 1 if value > self.best_ - self.tol else 0
        self.best_ = min(self.best_, value)
        if self.misses_ < self.patience:
            return
        self.misses_ = 0
        lr = groups[0]["lr"] / self.factor
        reduce = self.reductions_ < self.max_reductions and lr >= self.min_lr
        if self.adaptive and reduce:
            # the next epoch's line says so (EpochLog), the epoch it applies to
            for group in groups:
                group["lr"] /= self.factor
            self.reductions_ += 1
            return
        self.stopped_ = True
        self.sink(
            f"Stopping: no improvement of {self.monitor} for {self.patience} epochs."
        )
        raise KeyboardInterrupt


class FiniteLoss(Callback):
    """Stop training at the first batch whose loss is NaN or infinite."""

    def on_batch_end(self, net, training=False, loss=None, **kwargs):
        if not training or loss is None:
            return
        loss = loss.item()
        if not math.isfinite(loss):
            epoch = len(net.history)
            raise DivergenceError(
                f"Training diverged: the loss became {loss} in epoch {epoch}, "
                "so the weights are no longer usable and the fit was stopped "
                "(the estimator is left as it was before this fit). "
                "Lower learning_rate_init, set clip_grad_norm (e.g. 1.0) to "
                "clip exploding gradients, or scale X and y (SequenceScaler)."
            )


class ValidationScore:
    """The estimator's validation metric on skorch's cached outputs.

    The outputs go through the target encoder's ``output_transform`` (in
    float64) and are scored by its ``score``: accuracy for a classifier, R²
    in the units of y for a regressor, as in MLP.
    """

    def __init__(self, encoder):
        self.encoder = encoder

    def __call__(self, net, X, y):
        raw = torch.as_tensor(net.forward(X), dtype=torch.float64)
        outputs = self.encoder.output_transform(raw).numpy()
        return self.encoder.score(y, outputs)


class RewindOnInterrupt(Callback):
    """A user's KeyboardInterrupt rewinds to the last finished epoch.

    skorch ends training quietly on a KeyboardInterrupt (its stopping
    callbacks raise one too). An interrupt raised while an epoch is under
    way (not by a callback's ``on_epoch_end``) is the user's: the weights
    and history of the last finished epoch are restored and
    ``interrupted_`` is set; with no finished epoch in this call the
    interrupt propagates. Must be the first callback, so that it rewinds
    before the others' ``on_train_end`` (e.g. restoring the best weights).
    """

    def on_train_begin(self, net, **kwargs):
        self.interrupted_ = False
        self.in_epoch_ = False
        self.start_ = len(net.history)
        self.last_ = None

    def on_epoch_begin(self, net, **kwargs):
        # net.on_epoch_begin has added this epoch's row: the ones before it
        # are finished, and the weights are those of the last of them
        finished = len(net.history) - 1
        if finished > self.start_:
            self.last_ = (finished, copy.deepcopy(net.module_.state_dict()))
        self.in_epoch_ = True

    def on_epoch_end(self, net, **kwargs):
        self.in_epoch_ = False

    def on_train_end(self, net, **kwargs):
        if not self.in_epoch_:
            return
        if self.last_ is None:  # no finished epoch in this call
            raise KeyboardInterrupt
        epochs, weights = self.last_
        net.module_.load_state_dict(weights)
        del net.history[epochs:]
        self.interrupted_ = True


class KeepBest(EarlyStopping):
    """Keep the weights of the best validation epoch and restore them.

    skorch's ``EarlyStopping(load_best=True)`` on the validation score,
    counting any improvement and never stopping (the stopping rule is
    :class:`StoppingRule`'s). As in MLPClassifier across warm starts, the
    weights a continued fit starts from compete too (``score_start``): they
    are scored on this fit's hold-out before training and kept when no
    epoch beats them. The last history row records the kept epoch
    (``best_epoch``) and its score (``best_valid_score``), so that the two
    always describe the same weights.
    """

    def __init__(self, scoring, score_start=False, sink=print):
        super().__init__(
            monitor="valid_score",
            patience=math.inf,
            threshold=0.0,
            threshold_mode="abs",
            lower_is_better=False,
            sink=sink,
            load_best=True,
        )
        self.scoring = scoring
        self.score_start = score_start

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        super().on_train_begin(net)
        self.best_score_ = -math.inf
        if self.score_start and len(net.history):
            _, valid = net.get_split_datasets(X, y)
            _, y_valid = valid[np.arange(len(valid))]
            self.best_score_ = self.scoring(net, valid, y_valid)
            self.dynamic_threshold_ = self.best_score_
            # the weights are those of the epoch the last fit kept
            self.best_epoch_ = net.history[-1].get("best_epoch", len(net.history))
            self.best_model_weights_ = copy.deepcopy(net.module_.state_dict())

    def on_epoch_end(self, net, **kwargs):
        super().on_epoch_end(net, **kwargs)
        if self.best_epoch_ == net.history[-1, "epoch"]:
            self.best_score_ = net.history[-1, self.monitor]

    def on_train_end(self, net, **kwargs):
        super().on_train_end(net, **kwargs)
        net.history.record("best_epoch", self.best_epoch_)
        net.history.record("best_valid_score", self.best_score_)
