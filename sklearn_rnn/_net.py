"""The skorch side: the net that trains the module, and its callbacks."""

import copy
import math

import torch
from sklearn.metrics import accuracy_score, r2_score
from skorch import NeuralNet
from skorch.callbacks import Callback
from skorch.utils import to_tensor

from .exceptions import DivergenceError

#: Optimizers by the name of their solver.
SOLVERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}

#: Solvers with a fused (single-kernel) step on CPU and CUDA: same updates,
#: a third of the time per step of the default implementation on the CPU.
FUSED_SOLVERS = {"adam", "adamw", "sgd"}


class SequenceNet(NeuralNet):
    """skorch net over :class:`~sklearn_rnn._batching.SequenceDataset` batches.

    Adds per-sample weights to the loss: the criterion is built with
    ``reduction="none"`` and a batch carrying ``X["sample_weight"]`` is
    weighted by it.
    """

    def infer(self, x, **fit_params):
        # lengths stay on the host, where packing needs them
        X = to_tensor(x["X"], device=self.device)
        return self.module_(X, x["lengths"], **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        """skorch's, but a user's KeyboardInterrupt rewinds to the last epoch.

        The stopping rule also ends training by raising KeyboardInterrupt
        (skorch's convention); only an interrupt it did not raise counts as
        the user's. Then the weights and history of the last finished epoch
        are restored and ``interrupted_`` is set; with no finished epoch the
        interrupt propagates.
        """
        if not self.initialized_:
            self.initialize()
        self.interrupted_ = False
        self.notify("on_train_begin", X=X, y=y)
        try:
            self.fit_loop(X, y, **fit_params)
        except KeyboardInterrupt:
            stopped = any(getattr(cb, "stopped_", False) for _, cb in self.callbacks_)
            if not stopped:
                self._rewind()
        finally:
            self.__dict__.pop("_last_epoch", None)
        self.notify("on_train_end", X=X, y=y)
        return self

    def on_epoch_end(self, net, **kwargs):
        super().on_epoch_end(net, **kwargs)
        self.__dict__["_last_epoch"] = (
            len(self.history),
            copy.deepcopy(self.module_.state_dict()),
        )

    def _rewind(self):
        if "_last_epoch" not in self.__dict__:
            raise KeyboardInterrupt
        epochs, weights = self.__dict__["_last_epoch"]
        self.module_.load_state_dict(weights)
        del self.history[epochs:]
        self.interrupted_ = True

    def notify(self, method_name, **cb_kwargs):
        # As skorch's, but calls only the callbacks that override the hook:
        # most hooks are no-ops, and this runs three times per batch.
        getattr(self, method_name)(self, **cb_kwargs)
        callbacks = self.callbacks_
        cache = self.__dict__.get("_listeners")
        if cache is None or cache[0] is not callbacks:
            cache = self.__dict__["_listeners"] = (callbacks, {})
        listeners = cache[1].get(method_name)
        if listeners is None:
            base = getattr(Callback, method_name)
            listeners = cache[1][method_name] = [
                cb for _, cb in callbacks if getattr(type(cb), method_name) is not base
            ]
        for cb in listeners:
            getattr(cb, method_name)(self, **cb_kwargs)

    def _set_training(self, training=True):
        # skorch sets the mode of every submodule on every batch; skip it
        # when the mode is already right.
        if self.module_.training != training:
            super()._set_training(training)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        losses = self.criterion_(y_pred, y_true.to(y_pred.device))
        if losses.ndim > 1:  # one column per regression target
            losses = losses.mean(dim=1)
        if X is not None and "sample_weight" in X:
            losses = losses * X["sample_weight"].to(losses.device)
        return losses.mean()


class StoppingRule(Callback):
    """MLP's stopping rule, with its adaptive learning rate.

    An epoch counts as a miss when the monitored value did not beat the best
    so far by more than ``tol``. After ``patience`` misses in a row training
    stops, unless ``adaptive``: then the learning rate is divided by
    ``factor`` and the count starts again, and training stops only once the
    learning rate would fall below ``min_lr``. The learning rate of each
    epoch is recorded in the history as ``"lr"``.
    """

    def __init__(
        self,
        monitor="train_loss",
        patience=10,
        tol=1e-4,
        lower_is_better=True,
        adaptive=False,
        factor=5.0,
        min_lr=1e-6,
        sink=print,
    ):
        self.monitor = monitor
        self.patience = patience
        self.tol = tol
        self.lower_is_better = lower_is_better
        self.adaptive = adaptive
        self.factor = factor
        self.min_lr = min_lr
        self.sink = sink

    def on_train_begin(self, net, **kwargs):
        self.stopped_ = False
        self.misses_ = 0
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
        if self.adaptive and lr >= self.min_lr:
            for group in groups:
                group["lr"] /= self.factor
            self.sink(
                f"No improvement of {self.monitor} for {self.patience} "
                f"epochs: learning rate lowered to {lr:.3g}."
            )
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
    """Validation score from cached outputs: accuracy or R^2, as in MLP."""

    def __init__(self, kind):
        self.kind = kind

    def __call__(self, net, X, y):
        output = net.forward(X).numpy()
        if self.kind == "accuracy":
            return accuracy_score(y, output.argmax(axis=1))
        return r2_score(y.reshape(output.shape), output)
