"""What a fit shows while it runs: one line per epoch (``verbose=1``), and
progress bars over the batches (``verbose=2``).

Plain text, no colour codes, so a log redirected to a file reads as it
did on screen; the bars are tqdm's (through skorch's ``ProgressBar``),
which draws in terminals and Jupyter alike.
"""

from skorch.callbacks import Callback
from tqdm.auto import tqdm

#: Predictions over at least this many steps get a bar with ``verbose=2``.
LONG_PREDICTION = 1_000_000


class EpochLog(Callback):
    """One line per epoch: ``epoch 12/200 · loss 0.412 · valid 0.930 · lr
    0.001 · 0.8 s``.

    The learning rate is the one the epoch trained with; when it differs
    from the previous epoch's, the line says so ("lowered"), on the epoch it
    applies to. The best validation score so far is marked with ``*``.

    Parameters
    ----------
    epochs : int
        Epochs this fit may run (``max_iter``; 1 for ``partial_fit``).
    sink : callable, default=print
        Where lines go.
    """

    def __init__(self, epochs, sink=print):
        self.epochs = epochs
        self.sink = sink

    def on_train_begin(self, net, **kwargs):
        self.first_ = len(net.history)  # epochs before this fit
        self.lr_ = None
        self.best_ = None

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        lr = net.optimizer_.param_groups[0]["lr"]
        parts = [
            f"epoch {len(net.history) - self.first_}/{self.epochs}",
            f"loss {row['train_loss']:.4g}",
        ]
        if "valid_score" in row:
            score = row["valid_score"]
            best = self.best_ is None or score > self.best_
            self.best_ = score if best else self.best_
            parts.append(f"valid {score:.4g}" + (" *" if best else ""))
        changed = self.lr_ is not None and lr != self.lr_
        if changed:
            word = "lowered" if lr < self.lr_ else "raised"
            parts.append(f"lr {lr:.3g} ({word})")
        else:
            parts.append(f"lr {lr:.3g}")
        self.lr_ = lr
        parts.append(f"{row['dur']:.2f} s")
        self.sink(" · ".join(parts))


def prediction_progress(batches, verbose, seqs):
    """``batches`` of a prediction, behind a progress bar of the sequences
    done when ``verbose >= 2`` and the prediction is long."""
    if verbose < 2 or seqs.values.shape[0] < LONG_PREDICTION:
        yield from batches
        return
    with tqdm(total=len(seqs), unit="seq", desc="predict", leave=False) as bar:
        for rows, batch in batches:
            yield rows, batch
            bar.update(len(rows))
