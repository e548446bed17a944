"""Sequences -> padded mini-batches: the torch dataset, its iterators, and
the length-ordered batches of prediction.

Each mini-batch is padded only to the longest sequence *in that batch*.
"""

import copy

import numpy as np
import torch

from ._augmentation import time_warp


class SequenceDataset(torch.utils.data.Dataset):
    """A torch dataset whose items are whole mini-batches.

    ``dataset[idx]`` with an array of indices returns
    ``({"X": padded, "lengths": lengths[, "sample_weight": w]}, y)``, ready
    for the module: the batch is gathered in one vectorised step and padded
    only to its own longest sequence, so no per-sample Python work is done
    while training. Against one item per sequence padded by a collate
    function, equal-length fits take 10-13 % less time (4000 x 30 x 8 and
    4000 x 10 x 8 LSTM, one thread; ``python benchmarks/skorch_overrides.py``).

    With ``per_step``, ``y`` and ``sample_weight`` hold one row per valid
    step (sequence after sequence), and a batch's targets and weights are
    those of its sequences' valid steps, in the order the module outputs
    them: padded steps never reach the loss.

    With a CUDA ``device`` the data are copied to the GPU once (when they
    take at most a quarter of its free memory) and each batch is gathered
    there, instead of being copied from the host batch after batch.
    """

    def __init__(
        self,
        sequences,
        y=None,
        sample_weight=None,
        indices=None,
        device="cpu",
        per_step=False,
    ):
        self.sequences = sequences
        self._data = _TensorData(
            sequences, y, sample_weight, _staging(sequences, device), per_step
        )
        self._set_indices(np.arange(len(sequences)) if indices is None else indices)

    def _set_indices(self, indices):
        self.indices = np.asarray(indices)
        # None when the dataset is all sequences in order: a batch's
        # positions are then its rows, with no gather to map them
        everything = np.array_equal(self.indices, np.arange(len(self.sequences)))
        self._rows = None if everything else torch.from_numpy(self.indices)

    def __len__(self):
        return len(self.indices)

    def subset(self, idx):
        subset = copy.copy(self)
        subset._set_indices(self.indices[idx])
        return subset

    def __getitem__(self, idx):
        """The batch of positions ``idx``: an array or int64 tensor, or a
        slice (a batch of consecutive rows is then a view, not a copy)."""
        if not isinstance(idx, slice):
            idx = torch.as_tensor(idx)
        return self._data.batch(idx if self._rows is None else self._rows[idx])


def _staging(sequences, device):
    """The device to hold the data on: a CUDA device if they fit, else CPU."""
    device = torch.device(device)
    if device.type != "cuda":
        return torch.device("cpu")
    free, _ = torch.cuda.mem_get_info(device)
    return device if sequences.values.nbytes <= free // 4 else torch.device("cpu")


class _TensorData:
    """Sequences, targets and weights as tensors on one device.

    On the CPU the tensors share memory with the numpy arrays.
    """

    def __init__(self, sequences, y, sample_weight, device, per_step=False):
        def put(array):
            return None if array is None else torch.from_numpy(array).to(device)

        self.equal_length = sequences.equal_length
        self.shape = (len(sequences), sequences.max_length, sequences.n_step_features)
        self.values = put(sequences.values)
        # equal lengths: (sequences, steps, features), a batch is a gather
        self.grid = self.values.view(self.shape) if self.equal_length else None
        self.offsets = put(sequences.offsets[:-1])
        self.lengths = torch.from_numpy(sequences.lengths)  # host: for packing
        self.y, self.sample_weight = put(y), put(sample_weight)
        self.device = device
        self.per_step = per_step

    def batch(self, rows):
        """Pad the samples ``rows`` (an int64 tensor on the host, or a
        slice) to the longest of them."""
        index = (
            rows if isinstance(rows, slice) else rows.to(self.device, non_blocking=True)
        )
        lengths = self.lengths[rows]
        if self.equal_length:
            padded = self.grid[index]
        else:
            source, valid = self._steps(index, lengths)
            padded = self.values[source] * valid[..., None]
        X = {"X": padded, "lengths": lengths}
        if not self.per_step:
            if self.sample_weight is not None:
                X["sample_weight"] = self.sample_weight[index]
            return X, None if self.y is None else self.y[index]
        # the target rows: every valid step of each sequence, in order;
        # weights padded to (batch, steps), one row per sequence as skorch
        # counts a batch, read at the valid steps by the loss
        source, valid = self._steps(index, lengths)
        if self.sample_weight is not None:
            X["sample_weight"] = self.sample_weight[source] * valid
        return X, None if self.y is None else self.y[source[valid]]

    def _steps(self, index, lengths):
        """``(source, valid)``, both ``(batch, longest)``: the flat position
        of each step of sequences ``index`` (0 where padded) and which steps
        are valid."""
        steps = torch.arange(int(lengths.max()), device=self.device)
        valid = steps < lengths.to(self.device)[:, None]
        return torch.where(valid, self.offsets[index][:, None] + steps, 0), valid


class LengthBucketSampler:
    """Random mini-batches of sequences of similar length.

    Each epoch the samples are shuffled, cut into chunks of
    ``batch_size * bucket_batches`` samples, each chunk is sorted by length
    and cut into batches, and the batches are yielded in random order. Every
    sample is seen exactly once per epoch and batches are still drawn at
    random, but a batch is padded only to lengths close to its own, so
    ragged data waste little time on padding.
    """

    def __init__(self, lengths, batch_size, bucket_batches=50):
        self.lengths = lengths
        self.batch_size = batch_size
        self.bucket_batches = bucket_batches

    def __len__(self):
        return -(-len(self.lengths) // self.batch_size)

    def __iter__(self):
        size = self.batch_size
        perm = torch.randperm(len(self.lengths)).numpy()
        chunk = size * self.bucket_batches
        batches = []
        for start in range(0, len(perm), chunk):
            part = perm[start : start + chunk]
            part = part[np.argsort(self.lengths[part], kind="stable")]
            batches.extend(part[i : i + size] for i in range(0, len(part), size))
        for i in torch.randperm(len(batches)).tolist():
            yield batches[i]


class BatchIterator:
    """skorch iterator over a :class:`SequenceDataset`, one whole batch a step.

    A plain iterable instead of a ``DataLoader``: the dataset already returns
    ready batches. What it is kept for is not speed (a ``DataLoader`` over
    the same batches is 1-2 % slower) but what it draws: shuffled epochs
    draw from torch's global RNG (seeded by the estimator) and group
    sequences of different lengths with :class:`LengthBucketSampler` (a
    ragged fit without it pads 3.8 times as much time away;
    ``python benchmarks/skorch_overrides.py``); unshuffled iteration draws
    nothing, so predicting never advances the global RNG (a ``DataLoader``
    draws a seed every epoch).

    ``length_buckets=False`` draws shuffled batches at random whatever the
    lengths: batch normalisation needs batches whose statistics are those
    of the data, not of one length bucket.

    ``time_warp=k`` (shuffled iteration only) makes an epoch ``k`` shuffled
    passes over the data, each batch randomly warped in time
    (:func:`~sklearn_rnn._augmentation.time_warp`; ``codes`` are the
    positions of categorical features, which are not interpolated).
    """

    def __init__(
        self,
        dataset,
        batch_size,
        shuffle=False,
        length_buckets=True,
        time_warp=0,
        codes=(),
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.length_buckets = length_buckets
        self.time_warp = time_warp
        self.codes = codes

    def _warps(self):
        return bool(self.shuffle and self.time_warp)

    def _passes(self):
        return self.time_warp if self._warps() else 1

    def __len__(self):
        return self._passes() * -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        warp = self._warps()
        for _ in range(self._passes()):
            for idx in self._batches():
                X, y = self.dataset[idx]
                if warp:
                    X = {**X, "X": time_warp(X["X"], X["lengths"], codes=self.codes)}
                yield X, y

    def _batches(self):
        n, size = len(self.dataset), self.batch_size
        if not self.shuffle:  # consecutive rows: views of the data
            return (slice(i, min(i + size, n)) for i in range(0, n, size))
        lengths = self.dataset.sequences.lengths[self.dataset.indices]
        if self.length_buckets and (lengths != lengths[0]).any():
            return iter(LengthBucketSampler(lengths, size))
        return iter(torch.randperm(n).split(size))


#: Time steps (sequences x padded length) in one prediction batch.
STEPS_PER_BATCH = 2**18


def length_ordered_batches(sequences, batch_size):
    """Yield ``(rows, batch)`` for prediction, shortest sequences first.

    ``batch`` is skorch's ``(X, None)``, padded only to its own longest
    sequence, with up to 1024 sequences (at least ``batch_size``; fewer when
    long, about :data:`STEPS_PER_BATCH` time steps); ``rows`` are its
    sequences' positions in the input order.
    """
    order = np.argsort(sequences.lengths, kind="stable")
    longest = max(sequences.max_length, 1)
    size = max(batch_size, min(1024, STEPS_PER_BATCH // longest))
    batches = BatchIterator(SequenceDataset(sequences, indices=order), size)
    for start, batch in zip(range(0, len(order), size), batches, strict=True):
        yield order[start : start + size], batch
