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

    Adds per-sample weights to the loss: a batch carrying
    ``X["sample_weight"]`` is scored per sample (the criterion with
    ``reduction="none"``) and weighted by it; other batches take the
    criterion's own mean, one kernel and one backward node fewer. Training,
    callbacks and ``partial_fit`` are skorch's, except that the training
    mode is set only on modules not already in it (see ``_set_training``).
    """

    def _set_training(self, training=True):
        # skorch sets the mode before every batch, and Module.train walks
        # every submodule each time (``python benchmarks/skorch_overrides.py``
        # times skorch's version, variant (7)). Only skorch and the package
        # change the modes, always for a whole module, so a module in the
        # right mode at the top is in it throughout.
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    def infer(self, x, **fit_params):
        # Not for speed: skorch would pass every key of the batch dict to
        # the module (sample_weight is the loss's) and move the lengths to
        # the device, while packing needs them on the host.
        X = to_tensor(x["X"], device=self.device)
        return self.module_(X, x["lengths"], **fit_params)

    def initialize_criterion(self):
        super().initialize_criterion()
        # the same loss, per sample: for batches with sample weights
        self.per_sample_criterion_ = type(self.criterion_)(reduction="none")
        return self

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = y_true.to(y_pred.device)
        if X is None or "sample_weight" not in X:
            return self.criterion_(y_pred, y_true)  # mean over samples (and outputs)
        losses = self.per_sample_criterion_(y_pred, y_true)
        if losses.ndim > 1:  # one column per regression target
            losses = losses.mean(dim=1)
        weights = X["sample_weight"].to(losses.device)
        if weights.ndim == 2:  # per step, padded: those of the valid steps
            steps = torch.arange(weights.shape[1])
            weights = weights[(steps < X["lengths"][:, None]).to(weights.device)]
        return (losses * weights).mean()
