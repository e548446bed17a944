"""Every accepted form of X -> one `Sequences` object, and batches of it.

The estimators never see padding: they hand X to :func:`as_sequences`, get
back flat time steps plus lengths, and give the result to
:class:`SequenceDataset`, which pads each mini-batch only to the longest
sequence *in that batch*.
"""

import copy
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
import torch
from sklearn.utils.validation import check_array, validate_data


@dataclass
class Sequences:
    """Sequences as flat time steps plus per-sample lengths.

    Attributes
    ----------
    values : ndarray of shape (total_steps, n_step_features), float32
        All time steps of all samples, sample after sample.
    lengths : ndarray of shape (n_samples,), int64
        Number of time steps of each sample.
    form : str
        The form X came in: ``"3d"``, ``"2d"``, ``"ragged"``,
        ``"multiindex"`` or ``"frame"`` (a flat DataFrame).
    proxy : ndarray or DataFrame
        The 2-D object whose columns scikit-learn counts as features
        (``n_features_in_``, ``feature_names_in_``): X itself for 2-D
        input and frames, the flat time steps otherwise.
    meta : dict
        What :meth:`with_values` needs to rebuild X's form.
    """

    values: np.ndarray
    lengths: np.ndarray
    form: str
    proxy: object
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        self.offsets = np.zeros(len(self.lengths) + 1, dtype=np.int64)
        np.cumsum(self.lengths, out=self.offsets[1:])
        self.max_length = int(self.lengths.max()) if len(self.lengths) else 0
        self.equal_length = bool(len(self.lengths)) and bool(
            (self.lengths == self.max_length).all()
        )

    def __len__(self):
        return len(self.lengths)

    @property
    def n_step_features(self):
        return self.values.shape[1]

    def with_values(self, values):
        """X's own form again, with new per-step ``values`` (same shape)."""
        n_features = values.shape[1]
        if self.form == "3d":
            return values.reshape(len(self), self.max_length, n_features)
        if self.form == "2d":
            return values.reshape(len(self), self.max_length)
        if self.form == "frame":
            return pd.DataFrame(
                values.reshape(len(self), self.max_length),
                index=self.proxy.index,
                columns=self.proxy.columns,
            )
        if self.form == "multiindex":
            order = self.meta["order"]
            if order is not None:
                values = values[np.argsort(order)]
            return pd.DataFrame(
                values, index=self.proxy.index, columns=self.proxy.columns
            )
        parts = np.split(values, self.offsets[1:-1])
        univariate = self.meta["univariate"]
        parts = [
            p[:, 0] if uni else p for p, uni in zip(parts, univariate, strict=True)
        ]
        container = self.meta.get("container", list)
        if container is tuple:
            return tuple(parts)
        if container is np.ndarray:  # a 1-D object array of sequences
            out = np.empty(len(parts), dtype=object)
            for i, part in enumerate(parts):
                out[i] = part
            return out
        return parts


def as_sequences(X):
    """Read any accepted form of X; raise a clear error for anything else.

    Parameters
    ----------
    X : array-like, list of array-likes or DataFrame
        See the table "What X may be" in the README.

    Returns
    -------
    Sequences
    """
    if sp.issparse(X):
        raise TypeError(
            "Sparse input is not supported: sequences must be dense. "
            "Convert X with X.toarray()."
        )
    if isinstance(X, pd.DataFrame):
        if X.shape[1] == 0:
            raise ValueError(
                "The DataFrame has no columns: at least 1 feature is needed."
            )
        if isinstance(X.index, pd.MultiIndex):
            return _from_multiindex(X)
        return _from_array(X, form="frame")
    if isinstance(X, (list, tuple)) or (
        isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1
    ):
        if len(X) == 0:
            raise ValueError(
                "Found array with 0 sample(s) (shape=(0,)) while a minimum "
                "of 1 is required: X holds no sequence."
            )
        items = [_as_item(x, i) for i, x in enumerate(X)]
        shapes = {x.shape for x in items}
        odd = [i for i, x in enumerate(items) if x.ndim not in (1, 2)]
        if len(shapes) > 1 and odd:
            raise ValueError(
                "X is read as a list of sequences of different shapes, but "
                f"item {odd[0]} has shape {items[odd[0]].shape}: each sequence "
                "must be an array-like of shape (T_i, n_features) or (T_i,)."
            )
        if len(shapes) > 1:
            seqs = _from_ragged(items)
            # with_values gives back the same container: list, tuple, array
            container = list
            if isinstance(X, (tuple, np.ndarray)):
                container = tuple if isinstance(X, tuple) else np.ndarray
            seqs.meta["container"] = container
            return seqs
        if len(shapes) == 1 and items[0].ndim in (1, 2) and items[0].dtype != object:
            return _from_array(np.stack(items))
    return _from_array(X)


def _as_item(x, index):
    """One item of a list X as an array, or a clear error."""
    try:
        return np.asarray(x)
    except ValueError as exc:  # e.g. nested lists of different lengths
        raise ValueError(
            f"Item {index} of X cannot be read as an array of shape "
            f"(T_i, n_features) or (T_i,): {exc}"
        ) from exc


def _from_array(X, form=None):
    array = check_array(
        X, dtype=np.float32, allow_nd=True, ensure_2d=True, input_name="X"
    )
    if array.ndim > 3:
        raise ValueError(
            f"X has {array.ndim} dimensions; expected 2 (n_samples, "
            "n_timesteps) or 3 (n_samples, n_timesteps, n_features)."
        )
    if array.ndim == 3:
        n, t, f = array.shape
        if t == 0:
            raise ValueError("X holds empty sequences (0 time steps).")
        if f == 0:
            raise ValueError(
                f"Found array with 0 feature(s) (shape={array.shape}) while "
                "a minimum of 1 is required."
            )
        values = np.ascontiguousarray(array).reshape(n * t, f)
        return Sequences(values, np.full(n, t, dtype=np.int64), "3d", values)
    n, t = array.shape
    values = np.ascontiguousarray(array).reshape(n * t, 1)
    proxy = X if form == "frame" else array
    return Sequences(values, np.full(n, t, dtype=np.int64), form or "2d", proxy)


def _from_ragged(items):
    lengths = np.array([len(x) for x in items], dtype=np.int64)
    empty = np.flatnonzero(lengths == 0)
    if empty.size:
        raise ValueError(
            f"X holds {empty.size} empty sequence(s) (0 time steps), the "
            f"first at index {empty[0]}; every sequence needs at least one step."
        )
    univariate = [x.ndim == 1 for x in items]
    steps = [
        x.reshape(-1, 1) if uni else x for x, uni in zip(items, univariate, strict=True)
    ]
    widths = np.array([s.shape[1] for s in steps])
    if (widths != widths[0]).any():
        bad = int(np.flatnonzero(widths != widths[0])[0])
        raise ValueError(
            "All sequences must have the same number of features per time "
            f"step: sequence 0 has {widths[0]}, sequence {bad} has {widths[bad]}."
        )
    if widths[0] == 0:
        raise ValueError("Found sequences with 0 feature(s); at least 1 is required.")
    values = check_array(
        np.concatenate(steps), dtype=np.float32, input_name="X", order="C"
    )
    return Sequences(values, lengths, "ragged", values, {"univariate": univariate})


def _from_multiindex(X):
    if X.index.nlevels != 2:
        raise ValueError(
            "A DataFrame with a MultiIndex must have exactly 2 levels "
            f"(sample, time); this one has {X.index.nlevels}."
        )
    samples, time = X.index.codes
    levels = zip(X.index.codes, ("sample", "time"), X.index.names, strict=True)
    for codes, level, name in levels:
        if (codes < 0).any():
            raise ValueError(
                f"The {level} level of X's MultiIndex"
                + (f" ({name!r})" if name is not None else "")
                + f" has {int((codes < 0).sum())} missing label(s) (NaN or "
                "None); every row needs a sample and a time label."
            )
    values = check_array(X, dtype=np.float32, input_name="X")
    _, first, inverse, lengths = np.unique(
        samples, return_index=True, return_inverse=True, return_counts=True
    )
    # samples in order of first appearance, each one's rows in time order
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    order = np.lexsort((time, rank[inverse]))
    identity = bool((order == np.arange(len(order))).all())
    values = np.ascontiguousarray(values if identity else values[order])
    lengths = lengths[np.argsort(first, kind="stable")].astype(np.int64)
    meta = {"order": None if identity else order}
    return Sequences(values, lengths, "multiindex", X, meta)


def record_fit(estimator, seqs):
    """Set ``n_features_in_`` (and ``feature_names_in_``) from fitted X."""
    validate_data(estimator, seqs.proxy, skip_check_array=True, reset=True)
    estimator._n_step_features = seqs.n_step_features
    estimator._columns_are_steps = seqs.form in ("2d", "frame")


def check_against_fit(estimator, seqs):
    """Check X's features against those seen in fit; change nothing.

    2-D input (and flat frames) must have the fitted number of columns when
    the model was fitted on 2-D input; across forms, the number of features
    per time step must match.
    """
    columns_are_steps = seqs.form in ("2d", "frame")
    if columns_are_steps == estimator._columns_are_steps:
        validate_data(estimator, seqs.proxy, skip_check_array=True, reset=False)
    elif seqs.n_step_features != estimator._n_step_features:
        hint = ""
        if columns_are_steps:
            hint = (
                " A 2-D X is read as univariate sequences; to pass one "
                "multivariate sequence x of shape (T, n_features), use [x] "
                "or x[None]."
            )
        raise ValueError(
            f"X has {seqs.n_step_features} features per time step, but "
            f"{type(estimator).__name__} is expecting "
            f"{estimator._n_step_features} features per time step as input." + hint
        )


class SequenceDataset(torch.utils.data.Dataset):
    """A torch dataset whose items are whole mini-batches.

    ``dataset[idx]`` with an array of indices returns
    ``({"X": padded, "lengths": lengths[, "sample_weight": w]}, y)``, ready
    for the module: the batch is gathered in one vectorised step and padded
    only to its own longest sequence, so no per-sample Python work is done
    while training.

    With a CUDA ``device`` the data are copied to the GPU once (when they
    take at most a quarter of its free memory) and each batch is gathered
    there, instead of being copied from the host batch after batch.
    """

    def __init__(
        self, sequences, y=None, sample_weight=None, indices=None, device="cpu"
    ):
        self.sequences = sequences
        self.indices = np.arange(len(sequences)) if indices is None else indices
        self._data = _TensorData(
            sequences, y, sample_weight, _staging(sequences, device)
        )

    def __len__(self):
        return len(self.indices)

    def subset(self, idx):
        subset = copy.copy(self)
        subset.indices = self.indices[idx]
        return subset

    def __getitem__(self, idx):
        return self._data.batch(self.indices[np.asarray(idx)])


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

    def __init__(self, sequences, y, sample_weight, device):
        def put(array):
            return None if array is None else torch.from_numpy(array).to(device)

        self.equal_length = sequences.equal_length
        self.shape = (len(sequences), sequences.max_length, sequences.n_step_features)
        self.values = put(sequences.values)
        self.offsets = put(sequences.offsets[:-1])
        self.lengths = torch.from_numpy(sequences.lengths)  # host: for packing
        self.y, self.sample_weight = put(y), put(sample_weight)
        self.device = device

    def batch(self, rows):
        """Pad the samples ``rows`` to the longest of them."""
        rows = torch.from_numpy(rows)
        index = rows.to(self.device, non_blocking=True)
        lengths = self.lengths[rows]
        if self.equal_length:
            padded = self.values.view(self.shape)[index]
        else:
            steps = torch.arange(int(lengths.max()), device=self.device)
            valid = steps < lengths.to(self.device)[:, None]
            source = torch.where(valid, self.offsets[index][:, None] + steps, 0)
            padded = self.values[source] * valid[..., None]
        X = {"X": padded, "lengths": lengths}
        if self.sample_weight is not None:
            X["sample_weight"] = self.sample_weight[index]
        return X, None if self.y is None else self.y[index]


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
    ready batches, so the loader's per-batch machinery is pure overhead.
    Shuffled epochs draw from torch's global RNG (seeded by the estimator);
    sequences of different lengths are grouped by
    :class:`LengthBucketSampler`. Unshuffled iteration draws nothing, so
    predicting never advances the global RNG.
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        for idx in self._batches():
            yield self.dataset[idx]

    def _batches(self):
        n, size = len(self.dataset), self.batch_size
        if not self.shuffle:
            return (np.arange(i, min(i + size, n)) for i in range(0, n, size))
        lengths = self.dataset.sequences.lengths[self.dataset.indices]
        if (lengths != lengths[0]).any():
            return iter(LengthBucketSampler(lengths, size))
        return (idx.numpy() for idx in torch.randperm(n).split(size))


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
