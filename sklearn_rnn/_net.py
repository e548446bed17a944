"""The skorch net that trains the module, and the optimizers by solver name."""

import torch
from skorch import NeuralNet
from skorch.utils import to_tensor

#: Optimizers by the name of their solver.
SOLVERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}

#: Solvers with a fused (single-kernel) step on CPU and CUDA: same updates,
#: a third of the time per step on the CPU (60-85 against 190-210 us). A fit
#: is 5 % faster at batch_size 64 and 11 % at 16 (4000 x 30 x 8 LSTM, one
#: thread; ``python benchmarks/skorch_overrides.py``).
FUSED_SOLVERS = {"adam", "adamw", "sgd"}


class SequenceNet(NeuralNet):
    """skorch net over :class:`~sklearn_rnn._batching.SequenceDataset` batches.

    Adds per-sample weights to the loss: the criterion is built with
    ``reduction="none"`` and a batch carrying ``X["sample_weight"]`` is
    weighted by it. Training, callbacks and ``partial_fit`` are skorch's.
    (skorch's ``notify`` and ``_set_training`` were once overridden for
    speed; they cost under 1 % of a fit, so skorch's own run.)
    """

    def infer(self, x, **fit_params):
        # Not for speed: skorch would pass every key of the batch dict to
        # the module (sample_weight is the loss's) and move the lengths to
        # the device, while packing needs them on the host.
        X = to_tensor(x["X"], device=self.device)
        return self.module_(X, x["lengths"], **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        losses = self.criterion_(y_pred, y_true.to(y_pred.device))
        if losses.ndim > 1:  # one column per regression target
            losses = losses.mean(dim=1)
        if X is not None and "sample_weight" in X:
            weights = X["sample_weight"].to(losses.device)
            if weights.ndim == 2:  # per step, padded: those of the valid steps
                steps = torch.arange(weights.shape[1])
                weights = weights[(steps < X["lengths"][:, None]).to(weights.device)]
            losses = losses * weights
        return losses.mean()
