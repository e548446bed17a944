"""The PyTorch recurrent core. Knows nothing of scikit-learn or skorch."""

import inspect
import weakref
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pad_packed_sequence,
)

from ._bidirectional import padded_bidirectional
from ._conv_front import ConvFrontEnd, folded_layers
from ._step_inputs import StepInputs

#: Recurrent layers by the name of their cell.
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


#: How the hidden states of a sequence become one vector for the head.
POOLINGS = ("last", "mean", "max")

#: The parameters of :class:`RecurrentNetwork` besides its input and output
#: sizes: the architecture, which a trained network cannot change.
ARCHITECTURE = (
    "cell",
    "hidden_size",
    "num_layers",
    "bidirectional",
    "dropout",
    "pooling",
    "patch_size",
    "conv_layers",
    "batch_norm",
    "differences",
    "standardize_sequences",
    "return_sequences",
)

#: Fewest sequences an evaluation batch is run with, and the multiple that
#: :func:`batch_invariant` rounds the hidden and output sizes up to. CPU
#: matrix kernels take other code paths, with other float32 rounding, for a
#: handful of rows, and for sizes that are not a multiple of the vector
#: width they round a row by its position in the batch; so a sequence alone
#: would differ from the same sequence in a batch in the last bits. With
#: both, measured bit-identical for every batch size and position
#: (RNN, GRU and LSTM cells, 1 and 2 layers, every pooling, hidden sizes 1
#: to 64), with 1 and 2 threads, under AVX-512, AVX2 and SSE4.2 kernels:
#: ``python benchmarks/batch_invariance.py``.
MIN_EVAL_ROWS = 8
EVAL_SIZE_MULTIPLE = 16


class RecurrentNetwork(nn.Module):
    """A stacked (bi)directional RNN, LSTM or GRU with a linear read-out.

    The read-out sees one vector per sequence, pooled from the top layer's
    hidden states at the sequence's *valid* steps only, so padding never
    reaches the output: by default the state after the last valid step
    (for the backward direction: after reading the sequence back to its
    first step), or the mean or maximum over the valid steps.

    With ``patch_size`` w > 1 the RNN reads w consecutive time steps at a
    time, as one input vector of ``w * input_size`` values: a sequence of
    T steps becomes ceil(T / w) patches, the last one completed with zeros.
    That zero fill depends only on the sequence's own length, so a
    sequence's output still does not depend on its batch.

    Parameters
    ----------
    input_size : int
        Features per time step.
    output_size : int
        Outputs of the linear head (classes, or regression targets).
    cell : {"rnn", "lstm", "gru"}
        ``"rnn"`` is the Elman network
        ``h_t = tanh(W_hh h_{t-1} + W_xh x_t + b)``.
    hidden_size : int
        Units per recurrent layer (and per direction).
    num_layers : int
        Stacked recurrent layers.
    bidirectional : bool
        Also read each sequence backwards.
    dropout : float
        Dropout between stacked layers and before the head.
    pooling : {"last", "mean", "max"}
        Read-out of the top layer's states over the valid steps.
    patch_size : int
        Consecutive time steps read as one RNN input.
    conv_layers : int
        Causal convolution layers in front of the RNN (:class:`ConvFrontEnd`),
        with ``hidden_size`` channels; 0 reads each patch as one linear input.
    batch_norm : bool
        The front end reads every step and normalises its layers over the
        batch (see :class:`ConvFrontEnd`).
    differences : int
        Orders of differences of the numeric step features read beside them
        (see :class:`StepInputs`).
    difference_scales : tuple of float
        Root mean square of each order's differences of each numeric
        feature in the training data (order after order), which divides
        them; empty for ``differences=0``.
    standardize_sequences : bool
        Standardise each sequence's numeric features by its own mean and
        standard deviation (see :class:`StepInputs`).
    sequence_log_scales : tuple of float
        Mean log standard deviation of the training sequences, per numeric
        feature; empty unless ``standardize_sequences``.
    return_sequences : bool
        Put the head on the top layer's state at every valid step instead of
        on one pooled vector: the output is then one row per valid step,
        sequence after sequence (``pooling`` is not used).
    categorical_features : tuple of int
        Step features that hold category codes (see :class:`StepInputs`).
    n_categories : tuple of int
        Known codes of each categorical feature (0 to n - 1).
    embedding_dims : tuple of int
        Embedding size of each categorical feature.
    """

    def __init__(
        self,
        input_size,
        output_size,
        cell="gru",
        hidden_size=64,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        pooling="last",
        patch_size=1,
        conv_layers=0,
        batch_norm=False,
        differences=0,
        difference_scales=(),
        standardize_sequences=False,
        sequence_log_scales=(),
        return_sequences=False,
        categorical_features=(),
        n_categories=(),
        embedding_dims=(),
    ):
        super().__init__()
        self.patch_size = patch_size
        self.return_sequences = return_sequences
        self.inputs = StepInputs(
            input_size,
            categorical_features,
            n_categories,
            embedding_dims,
            differences,
            difference_scales,
            standardize_sequences,
            sequence_log_scales,
        )
        self.front = None
        rnn_inputs = self.inputs.output_size * patch_size
        if conv_layers:
            self.front = ConvFrontEnd(
                self.inputs.output_size,
                hidden_size,
                patch_size,
                conv_layers,
                batch_norm,
            )
            rnn_inputs = hidden_size
        self.rnn = CELLS[cell](
            rnn_inputs,
            hidden_size,
            num_layers=num_layers,
            batch_first=True,
            bidirectional=bidirectional,
            dropout=dropout if num_layers > 1 else 0.0,
        )
        self.pooling = pooling
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * (2 if bidirectional else 1), output_size)

    def encode(self, X, lengths):
        """Pooled top-layer states of each sequence, ``(batch, H * directions)``.

        Parameters
        ----------
        X : Tensor of shape (batch, max_length, input_size)
            Zero-padded sequences.
        lengths : Tensor of shape (batch,)
            Valid steps of each sequence.

        Notes
        -----
        Sequences of different lengths are packed
        (:func:`~torch.nn.utils.rnn.pack_padded_sequence`) on CUDA, where
        cuDNN runs packed batches fast. On the CPU the RNN instead runs
        over the padded batch and reads each sequence's states at its valid
        steps: the same numbers, since padding only follows the valid
        steps, and several times faster, as the CPU backward pass through a
        packed batch of many distinct lengths is slow. A bidirectional
        RNN's backward direction there reads each sequence reversed within
        its own length (:func:`padded_bidirectional`).
        """
        X, lengths = self._patches(X, lengths.cpu())
        steps, last = self._states(X, lengths)
        if self.pooling == "last":
            return last
        if self.pooling == "mean":
            # a running sum read at the last valid step: the same additions
            # in the same order whatever the batch's width and size (a
            # sum over the padded axis is vectorised by shape)
            last = (lengths - 1).to(X.device)
            total = steps.cumsum(dim=1)[torch.arange(len(last)), last]
            return total / lengths.to(X.device, X.dtype)[:, None]
        if int(lengths.min()) < X.shape[1]:  # padded steps must not win
            steps = steps.masked_fill(~_valid_steps(X, lengths), float("-inf"))
        return steps.amax(dim=1)

    def _patches(self, X, lengths):
        """X as the RNN reads it (embedded codes, patches of ``patch_size``
        steps), and lengths in patches."""
        if self.inputs.transforms:
            X = self.inputs(X, lengths)
        if self.front is not None:
            return self.front(X, lengths)
        size = self.patch_size
        if size == 1:
            return X, lengths
        batch, width, features = X.shape
        fill = -width % size
        if fill:
            X = nn.functional.pad(X, (0, 0, 0, fill))
        X = X.reshape(batch, (width + fill) // size, size * features)
        return X, (lengths + size - 1) // size

    def _states(self, X, lengths):
        """Top-layer states at every step (or None) and at the last valid one.

        The step states are computed only when the pooling needs them; at
        padded steps they are meaningless and must be masked.
        """
        batch, width = X.shape[0], X.shape[1]
        equal = int(lengths.min()) == width
        if not equal and not X.is_cuda:
            if self.rnn.bidirectional:
                return padded_bidirectional(self.rnn, X, lengths)
            steps, _ = self.rnn(X)
            return steps, steps[torch.arange(batch), lengths - 1]
        if equal:
            steps, hidden = self.rnn(X)
        else:
            packed = pack_padded_sequence(
                X, lengths, batch_first=True, enforce_sorted=False
            )
            steps, hidden = self.rnn(packed)
            if self.pooling != "last":
                steps, _ = pad_packed_sequence(
                    steps, batch_first=True, total_length=width
                )
        if isinstance(hidden, tuple):  # LSTM: (h_n, c_n)
            hidden = hidden[0]
        if not self.rnn.bidirectional:
            return steps, hidden[-1]
        top = hidden[-2:]  # (directions, batch, hidden_size)
        return steps, top.transpose(0, 1).reshape(batch, -1)

    def last_state(self, X, lengths):
        """The top-layer state the ``"last"`` pooling reads, whatever the
        module's pooling: ``(batch, H * directions)``."""
        n = X.shape[0]
        X, lengths = self._eval_rows(X, lengths.cpu())
        return self._states(*self._patches(X, lengths))[1][:n]

    def step_states(self, X, lengths):
        """Top-layer states at every step and after the last valid step.

        Parameters
        ----------
        X : Tensor of shape (batch, max_length, input_size)
            Zero-padded sequences.
        lengths : Tensor of shape (batch,)
            Valid steps of each sequence.

        Returns
        -------
        steps : Tensor of shape (batch, max_length, H * directions)
            The top layer's output at each step (both directions side by
            side), zero at padded steps. With patches, every step of a
            patch gets the state after that patch.
        last : Tensor of shape (batch, H * directions)
            The state the ``"last"`` pooling reads: forward direction after
            the last valid step, backward direction after the first.
        """
        n = X.shape[0]
        X, lengths = self._eval_rows(X, lengths.cpu())
        steps, last = self._padded_steps(X, lengths)
        return (steps * _valid_steps(X, lengths))[:n], last[:n]

    def _padded_steps(self, X, lengths):
        """Top-layer states at every step of padded X (meaningless at padded
        steps) and at the last valid one."""
        patches, patch_lengths = self._patches(X, lengths)
        steps, last = self._states(patches, patch_lengths)
        if isinstance(steps, PackedSequence):
            steps, _ = pad_packed_sequence(
                steps, batch_first=True, total_length=patches.shape[1]
            )
        return steps.repeat_interleave(self.patch_size, dim=1)[:, : X.shape[1]], last

    def forward(self, X, lengths):
        """Raw outputs (logits or scaled regression targets): one row per
        sequence, or with ``return_sequences`` one row per valid step,
        sequence after sequence."""
        n = X.shape[0]
        lengths = lengths.cpu()
        if self.return_sequences:
            # the head runs on every row of the evaluation batch (at least
            # MIN_EVAL_ROWS sequences), as the pooled head does
            padded, all_lengths = self._eval_rows(X, lengths)
            steps, _ = self._padded_steps(padded, all_lengths)
            outputs = self.head(self._dropout(steps))[:n]  # then the valid ones
            return outputs[_valid_steps(X, lengths)[..., 0]]
        X, lengths = self._eval_rows(X, lengths)
        outputs = self.head(self._dropout(self.encode(X, lengths)))
        return outputs if len(outputs) == n else outputs[:n]

    def _dropout(self, x):
        # no dropout node in the autograd graph when there is no dropout
        return self.dropout(x) if self.dropout.p else x

    def _eval_rows(self, X, lengths):
        """In evaluation mode, X and lengths with at least
        :data:`MIN_EVAL_ROWS` sequences (zero sequences of full width added),
        so that a sequence's output does not depend on its batch."""
        missing = MIN_EVAL_ROWS - X.shape[0]
        if self.training or missing <= 0:
            return X, lengths
        X = torch.cat([X, X.new_zeros((missing, *X.shape[1:]))])
        lengths = torch.cat([lengths, lengths.new_full((missing,), X.shape[1])])
        return X, lengths


#: The defaults of :class:`RecurrentNetwork`'s parameters.
MODULE_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(RecurrentNetwork).parameters.items()
    if parameter.default is not inspect.Parameter.empty
}


def batch_invariant(module):
    """An evaluation copy of ``module`` whose output for a sequence does not
    depend on the other sequences of its batch, to the bit.

    The hidden units and outputs are completed with zero weights up to a
    multiple of :data:`EVAL_SIZE_MULTIPLE` (units that stay exactly zero,
    so the function computed is the same) and the outputs of those extra
    units are cut off again.

    Parameters
    ----------
    module : RecurrentNetwork
        A trained network; it is not changed.

    Returns
    -------
    nn.Module
        In evaluation mode, on the module's device, called as
        ``copy(X, lengths)`` like ``module``.
    """
    state = _weights_state(module)
    cached = _INVARIANT_COPIES.get(module)
    if cached is not None and cached[0] == state:
        return cached[1]
    copy = _widened(module)
    _INVARIANT_COPIES[module] = (state, copy)
    return copy


#: The copies :func:`batch_invariant` made, by network; a copy is made again
#: once the network's weights change (training, ``load_state_dict``,
#: ``.to(device)``), and goes with the network.
_INVARIANT_COPIES = weakref.WeakKeyDictionary()


def _weights_state(module):
    """What identifies the values of a module's weights: each tensor's
    storage, device and in-place version counter."""
    return tuple(
        (p.data_ptr(), p.device, p._version)
        for p in (*module.parameters(), *module.buffers())
    )


def _widened(module):
    """:func:`batch_invariant`'s copy, made afresh."""
    rnn, head = module.rnn, module.head
    size, outputs = rnn.hidden_size, head.out_features
    wide, wide_outputs = _round_up(size), _round_up(outputs)
    cell = next(name for name, kind in CELLS.items() if isinstance(rnn, kind))
    inputs = module.inputs
    with torch.device("meta"):  # no initial weights drawn: the RNG is untouched
        padded = RecurrentNetwork(
            inputs.input_size,
            wide_outputs,
            categorical_features=inputs.categorical,
            n_categories=inputs.n_categories,
            embedding_dims=[table.embedding_dim for table in inputs.embeddings],
            differences=inputs.differences,
            difference_scales=inputs.difference_scales,
            standardize_sequences=inputs.standardize,
            sequence_log_scales=inputs.sequence_log_scales,
            cell=cell,
            hidden_size=wide,
            num_layers=rnn.num_layers,
            bidirectional=rnn.bidirectional,
            pooling=module.pooling,
            patch_size=module.patch_size,
            conv_layers=0 if module.front is None else len(module.front.kernels),
            batch_norm=module.front is not None and module.front.batch_norm,
            return_sequences=module.return_sequences,
        )
    weights = {f"inputs.{name}": value for name, value in inputs.state_dict().items()}
    if module.front is not None:  # its channels are the hidden size
        # its normalisation is folded into its weights
        padded.front.norms = nn.ModuleList(nn.Identity() for _ in padded.front.norms)
        weights.update(_widened_front(module.front, size, wide))
    for name, value in rnn.named_parameters():
        value = _widen(value, 0, size, wide)  # every gate's block of units
        if name.startswith("weight_hh"):
            value = _widen(value, 1, size, wide)
        elif name.startswith("weight_ih") and (
            module.front is not None or not name.startswith("weight_ih_l0")
        ):
            value = _widen(value, 1, size, wide)  # the layer below's units
        weights[f"rnn.{name}"] = value
    weights["head.weight"] = _widen(
        _widen(head.weight, 1, size, wide), 0, outputs, wide_outputs
    )
    weights["head.bias"] = _widen(head.bias, 0, outputs, wide_outputs)
    padded = padded.to_empty(device=head.weight.device)
    padded.load_state_dict(weights)
    return _FirstOutputs(padded, outputs).eval()


def _widened_front(front, size, wide):
    """The weights of a :class:`ConvFrontEnd` with ``size`` channels as one
    with ``wide`` and no normalisation (folded into the weights): the extra
    channels have zero weights, so they stay exactly zero."""
    weights = {}
    for i, (weight, bias) in enumerate(folded_layers(front)):
        weight = _widen(weight, 0, size, wide)
        if i:  # the window's blocks of the layer below's channels
            weight = _widen(weight, 1, size, wide)
        weights[f"front.linears.{i}.weight"] = weight
        weights[f"front.linears.{i}.bias"] = _widen(bias, 0, size, wide)
    return weights


class _FirstOutputs(nn.Module):
    """A network's first ``n`` outputs."""

    def __init__(self, network, n):
        super().__init__()
        self.network = network
        self.n = n

    def forward(self, X, lengths):
        return self.network(X, lengths)[:, : self.n]


def _round_up(size):
    return -(-size // EVAL_SIZE_MULTIPLE) * EVAL_SIZE_MULTIPLE


def _widen(weight, dim, size, wide):
    """``weight`` with each block of ``size`` entries along ``dim`` completed
    with zeros to ``wide`` entries."""
    blocks = weight.detach().split(size, dim=dim)
    shape = list(weight.shape)
    shape[dim] = wide - size
    zeros = weight.new_zeros(shape)
    return torch.cat([part for block in blocks for part in (block, zeros)], dim=dim)


def _valid_steps(X, lengths):
    """Mask ``(batch, max_length, 1)`` of the valid steps of padded X."""
    valid = torch.arange(X.shape[1]) < lengths[:, None]
    return valid.to(X.device)[..., None]


@contextmanager
def reading_inputs(module):
    """Run the block with ``module`` taking X as its :class:`StepInputs`
    would give it (numeric features, then the embeddings): for gradients
    with respect to the embedded codes."""
    module.inputs.passthrough = True
    try:
        yield module
    finally:
        module.inputs.passthrough = False


@contextmanager
def seeded(seed, device):
    """Run the block with torch's RNG seeded, restoring the RNG afterwards.

    Only the CPU generator and, on CUDA, the generator of the device in use
    are forked and seeded, so the caller's global RNG state is untouched.
    """
    device = torch.device(device)
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices, device_type="cuda"):
        torch.default_generator.manual_seed(seed)
        for index in devices:
            torch.cuda.default_generators[index].manual_seed(seed)
        yield


@contextmanager
def full_precision():
    """Run the block with cuDNN's TF32 off, restoring the setting afterwards.

    cuDNN computes RNNs in TF32 by default on Ampere and newer GPUs, which
    makes a sequence's output depend on its batch at the 1e-4 level; float32
    keeps ``predict(X)[i] == predict(X[i:i+1])[0]`` to float tolerance.
    """
    previous = torch.backends.cudnn.allow_tf32
    torch.backends.cudnn.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32 = previous
