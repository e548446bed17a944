"""What each of sklearn_rnn's departures from skorch's defaults saves.

    python benchmarks/skorch_overrides.py              # ~10 min on 2 cores
    python benchmarks/skorch_overrides.py --quick

Every variant puts skorch's (or torch's) default back in-process and
restores the package's afterwards; variants alternate with the unmodified
code in every repeat, and the table gives medians and the ratio
without / with (above 1: the departure pays). One torch thread, the
cases of ``speed.py`` (LSTM, hidden 64, Adam).

- ``(4) DataLoader of batches``: a ``torch.utils.data.DataLoader`` over the
  same batch-returning dataset and the same batches, instead of
  ``BatchIterator``;
- ``(4+5) DataLoader per-sample+pad``: one item per sequence and a padding
  collate function, instead of whole-batch items of ``SequenceDataset``;
- ``(6) no fused Adam``: the default (for-each) Adam step;
- ``(7) skorch's _set_training``: ``Module.train`` on every module before
  every batch, instead of only on modules not already in that mode;
- ``(8) numpy batch indices``: each batch's positions as a numpy array
  (mapped to rows and converted to a tensor per batch), instead of the
  int64 tensors ``torch.randperm(n).split`` gives;
- ``(x) skorch default DL, no bucket``: skorch's default iteration, without
  the length-bucketed batches of ``LengthBucketSampler``.

(An earlier override of skorch's ``notify`` measured under 1 % of a fit
and was removed; ``_set_training``'s, removed with it, is back as (7).)
"""

import argparse
import contextlib
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from skorch import NeuralNet
from torch.nn.utils.rnn import pad_sequence
from torch.utils.data import DataLoader

sys.path.insert(0, str(Path(__file__).parent))
import speed

import sklearn_rnn._base as base
from sklearn_rnn._batching import BatchIterator, SequenceDataset
from sklearn_rnn._net import SequenceNet


@contextlib.contextmanager
def nothing():
    yield


@contextlib.contextmanager
def patched(module, name, value):
    old = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, old)


class _Batches(torch.utils.data.Sampler):
    """The same index batches BatchIterator draws (same RNG use)."""

    def __init__(self, dataset, batch_size, shuffle):
        self.it = BatchIterator(dataset, batch_size, shuffle)

    def __len__(self):
        return len(self.it)

    def __iter__(self):
        yield from self.it._batches()


def loader_of_batches(dataset, batch_size, shuffle=False):
    """(4) removed: a torch DataLoader around the batch-returning dataset."""
    return DataLoader(
        dataset, sampler=_Batches(dataset, batch_size, shuffle), batch_size=None
    )


class PerSample(torch.utils.data.Dataset):
    """(5) removed: one sequence per item (a view of the flat steps)."""

    def __init__(self, dataset):
        data = dataset._data
        self.values = data.values  # the steps of all sequences, end to end
        self.offsets = data.offsets.tolist()
        self.lengths = data.lengths.tolist()
        self.y = data.y
        self.indices = dataset.indices.tolist()

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, i):
        j = self.indices[i]
        o, n = self.offsets[j], self.lengths[j]
        return self.values[o : o + n], n, self.y[j]


def pad_collate(items):
    xs, lengths, ys = zip(*items, strict=False)
    X = {"X": pad_sequence(xs, batch_first=True), "lengths": torch.tensor(lengths)}
    return X, torch.stack(ys)


def loader_of_samples(dataset, batch_size, shuffle=False):
    """(4)+(5) removed: DataLoader over per-sample items, a padding collate,
    the same (length-bucketed) batches as BatchIterator."""
    return DataLoader(
        PerSample(dataset),
        batch_sampler=_Batches(dataset, batch_size, shuffle),
        collate_fn=pad_collate,
    )


_tensor_batches = BatchIterator._batches


def numpy_batches(self):
    """(8) removed: the positions of each batch as a numpy array..."""
    n = len(self.dataset)
    for idx in _tensor_batches(self):
        if isinstance(idx, slice):
            idx = np.arange(n)[idx]
        yield idx.numpy() if isinstance(idx, torch.Tensor) else idx


def numpy_getitem(self, idx):
    """...mapped to rows through the index array, then made a tensor."""
    return self._data.batch(torch.from_numpy(self.indices[np.asarray(idx)]))


@contextlib.contextmanager
def numpy_indices():
    with (
        patched(BatchIterator, "_batches", numpy_batches),
        patched(SequenceDataset, "__getitem__", numpy_getitem),
    ):
        yield


def loader_default(dataset, batch_size, shuffle=False):
    """skorch's default iteration: DataLoader(shuffle) + padding collate,
    no length bucketing (extra, not one of the overrides)."""
    return DataLoader(
        PerSample(dataset),
        batch_size=batch_size,
        shuffle=shuffle,
        collate_fn=pad_collate,
    )


VARIANTS = {
    "unmodified": nothing,
    "(4) DataLoader of batches": lambda: patched(
        base, "BatchIterator", loader_of_batches
    ),
    "(4+5) DataLoader per-sample+pad": lambda: patched(
        base, "BatchIterator", loader_of_samples
    ),
    "(6) no fused Adam": lambda: patched(base, "FUSED_SOLVERS", set()),
    "(7) skorch's _set_training": lambda: patched(
        SequenceNet, "_set_training", NeuralNet._set_training
    ),
    "(8) numpy batch indices": numpy_indices,
    "(x) skorch default DL, no bucket": lambda: patched(
        base, "BatchIterator", loader_default
    ),
}


def cases(quick, epochs):
    out = {}
    n = 1000 if quick else 4000
    for steps, bs, ep in (
        (30, 64, epochs),
        (30, 16, max(1, epochs // 2)),
        (10, 128, epochs),
    ):
        X, y = speed.make_data(n, [steps] * n)
        out[f"fit equal {n}x{steps} b{bs} e{ep}"] = (np.stack(X), y, bs, ep)
    n = 500 if quick else 2000
    rng = np.random.default_rng(1)
    lengths = np.exp(rng.uniform(np.log(8), np.log(400), size=n)).astype(int)
    X, y = speed.make_data(n, lengths)
    out[f"fit ragged {n} b64 e{epochs}"] = (X, y, 64, epochs)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--only", nargs="*", default=list(VARIANTS))
    args = p.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    variants = {
        k: v for k, v in VARIANTS.items() if k == "unmodified" or k in args.only
    }
    for title, (X, y, bs, ep) in cases(args.quick, args.epochs).items():
        est = speed.package("cpu", batch_size=bs, max_iter=ep)
        times = {k: [] for k in variants}
        cpu = {k: [] for k in variants}
        losses = {}
        for rep in range(args.repeats + 1):  # repeat 0: warm-up, not timed
            for name, variant in variants.items():
                with variant():
                    t, c = time.perf_counter(), time.process_time()
                    est.fit(X, y)
                    dt, dc = time.perf_counter() - t, time.process_time() - c
                if rep:
                    times[name].append(dt)
                    cpu[name].append(dc)
                losses[name] = est.loss_curve_[-1]
        base_t = statistics.median(times["unmodified"])
        base_c = statistics.median(cpu["unmodified"])
        print(f"\n{title}  (median of {args.repeats}, 1 thread)")
        for name, t in times.items():
            m = statistics.median(t)
            print(
                f"  {name:<34} {m:7.3f} s  without/with {m / base_t:5.3f}"
                f"  [min {min(t):.3f} max {max(t):.3f}]"
                f"  cpu {statistics.median(cpu[name]):7.3f} s ratio"
                f" {statistics.median(cpu[name]) / base_c:5.3f}"
                f"  last loss {losses[name]:.6f}"
            )
        sys.stdout.flush()


if __name__ == "__main__":
    main()
