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
                self.inputs.output_size, hidden_size, patch_size, conv_layers
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


class StepInputs(nn.Module):
    """Each time step's features as the RNN reads them: the numeric features
    (as they are, or standardised per sequence), then their differences (if
    asked for), then a learned embedding of each categorical feature.

    With ``standardize_sequences``, each numeric feature of a sequence is
    centred and scaled by that sequence's own mean and standard deviation
    over its valid steps, and the RNN reads two more inputs per feature,
    the same at every valid step: the mean, and the log of the standard
    deviation less ``sequence_log_scales`` (the training sequences' mean
    log standard deviation). A sequence's shape then reaches the RNN at
    the same size whether its values are thousands or thousandths, and
    its level and scale are still read. This reads the whole sequence
    before its first step, so it is for one output per sequence.

    With ``differences`` k, the RNN also reads the first to k-th
    differences of each numeric feature, ``x_t - x_{t-1}`` and so on, each
    divided by its root mean square over the training data
    (``difference_scales``), so that a small change between neighbouring
    steps gets an input of the size the levels have. They are zero at the
    first k steps of a sequence (for order k) and at padded steps, and step
    t's depend on steps up to t only: padding invariance and causality
    stay.

    A categorical feature holds codes 0 to ``n - 1`` (floats of integer
    value, as X is float). Its embedding table has ``n + 1`` rows: row 0 is
    padding (a zero vector, never trained: the padded steps of a batch,
    and a negative code, which the estimators never pass, so that an
    attribution baseline can mean "no category"), rows 1 to n the codes.
    A code at or above ``n`` is unknown and reads the mean of the codes'
    rows, the average category (``python benchmarks/unknown_codes.py``
    compares it with a zero vector and with a row of its own trained on
    randomly replaced codes).

    Parameters
    ----------
    input_size : int
        Features per time step.
    categorical_features : tuple of int
        Positions of the categorical features.
    n_categories : tuple of int
        Known codes of each.
    embedding_dims : tuple of int
        Embedding size of each.
    differences : int
        Orders of differences of the numeric features read beside them.
    difference_scales : tuple of float
        What divides each difference column: ``differences`` times the
        number of numeric features, order after order.
    standardize_sequences : bool
        Standardise each sequence's numeric features (see above).
    sequence_log_scales : tuple of float
        One per numeric feature with ``standardize_sequences``.
    """

    def __init__(
        self,
        input_size,
        categorical_features=(),
        n_categories=(),
        embedding_dims=(),
        differences=0,
        difference_scales=(),
        standardize_sequences=False,
        sequence_log_scales=(),
    ):
        super().__init__()
        self.categorical = tuple(int(j) for j in categorical_features)
        self.n_categories = tuple(int(n) for n in n_categories)
        self.input_size = int(input_size)
        numeric = [j for j in range(input_size) if j not in self.categorical]
        self.numeric = tuple(numeric)
        self.differences = int(differences) if numeric else 0
        self.difference_scales = tuple(float(v) for v in difference_scales)
        scales = torch.as_tensor(self.difference_scales, dtype=torch.float64)
        if len(scales) != self.differences * len(numeric):
            raise ValueError(
                f"difference_scales holds {len(scales)} values; "
                f"{self.differences} orders of {len(numeric)} numeric "
                f"features need {self.differences * len(numeric)}."
            )
        if self.differences:  # a state_dict entry only where there are any
            self.register_buffer("inverse_scales", (1.0 / scales).to(torch.float32))
        self.standardize = bool(standardize_sequences) and bool(numeric)
        self.sequence_log_scales = tuple(float(v) for v in sequence_log_scales)
        if self.standardize:
            if len(self.sequence_log_scales) != len(numeric):
                raise ValueError(
                    f"sequence_log_scales holds {len(self.sequence_log_scales)} "
                    f"values for {len(numeric)} numeric features."
                )
            self.register_buffer("log_scales", torch.tensor(self.sequence_log_scales))
        #: whether forward changes X (else the RNN reads X as it is)
        self.transforms = bool(self.categorical or self.differences or self.standardize)
        self.embeddings = nn.ModuleList(
            nn.Embedding(n + 1, int(dim), padding_idx=0)
            for n, dim in zip(self.n_categories, embedding_dims, strict=True)
        )
        #: the step feature each output column comes from
        levels = 2 if self.standardize else 0
        self.feature_of_column = numeric * (1 + levels + self.differences) + [
            j
            for j, dim in zip(self.categorical, embedding_dims, strict=True)
            for _ in range(int(dim))
        ]
        self.output_size = len(self.feature_of_column)

    #: Set by :func:`reading_inputs`: X is already what this module outputs.
    passthrough = False

    def forward(self, X, lengths):
        """``(batch, max_length, output_size)`` from padded X."""
        if self.passthrough:
            return X
        valid = (torch.arange(X.shape[1]) < lengths.cpu()[:, None]).to(X.device)
        parts = []
        if self.numeric:
            numeric = torch.tensor(self.numeric, device=X.device)
            parts.append(X.index_select(2, numeric))
        if self.standardize:
            parts[0], levels = standardized(parts[0], lengths, valid, self.log_scales)
            parts.append(levels)
        if self.differences:
            parts.append(
                differenced(parts[0], valid, self.differences, self.inverse_scales)
            )
        for j, n, table in zip(
            self.categorical, self.n_categories, self.embeddings, strict=True
        ):
            parts.append(self.embed(table, X[..., j], n, valid))
        return parts[0] if len(parts) == 1 else torch.cat(parts, dim=2)

    def embed(self, table, codes, n, valid):
        """The vectors of ``codes`` (``(batch, max_length)``) by ``table``."""
        rows = codes.long().clamp(max=n - 1) + 1
        rows = rows.masked_fill((codes < 0) | ~valid, 0)
        vectors = table(rows)
        unknown = (codes >= n) & valid
        if unknown.any():
            average = table.weight[1:].mean(dim=0)
            vectors = torch.where(unknown[..., None], average, vectors)
        return vectors


def differenced(numeric, valid, orders, inverse_scales):
    """The first to ``orders``-th differences of ``numeric`` (``(batch,
    max_length, n)``) along the steps, order after order, times
    ``inverse_scales``: order k is zero before step k and where ``valid``
    (``(batch, max_length)``) is False."""
    steps = torch.arange(numeric.shape[1], device=numeric.device)
    columns, d = [], numeric
    for k in range(1, orders + 1):
        d = nn.functional.pad(d[:, 1:] - d[:, :-1], (0, 0, 1, 0))
        d = d * (valid & (steps >= k))[..., None].to(d.dtype)
        columns.append(d)
    return torch.cat(columns, dim=2) * inverse_scales


#: The least standard deviation a sequence is divided by, as a fraction of
#: the training sequences' typical one: a constant sequence reads zeros.
MIN_RELATIVE_SCALE = 1e-6


def standardized(numeric, lengths, valid, log_scales):
    """Each sequence of ``numeric`` (``(batch, max_length, n)``, zero-padded)
    centred and scaled by its own mean and standard deviation over its
    valid steps, and ``(batch, max_length, 2 * n)`` level columns: the means,
    then the log standard deviations less ``log_scales``, at every valid
    step (zero where padded).

    The sums are running sums read at the last valid step, the same
    additions in the same order whatever the batch's width and size.
    """
    batch = numeric.shape[0]
    last = (lengths.cpu() - 1).to(numeric.device)
    rows = torch.arange(batch, device=numeric.device)
    count = lengths.to(numeric.device, numeric.dtype)[:, None]
    mask = valid[..., None].to(numeric.dtype)
    mean = numeric.cumsum(dim=1)[rows, last] / count
    centred = (numeric - mean[:, None]) * mask
    variance = (centred * centred).cumsum(dim=1)[rows, last] / count
    least = MIN_RELATIVE_SCALE * torch.exp(log_scales)
    scale = torch.maximum(variance.sqrt(), least)
    levels = torch.cat([mean, torch.log(scale) - log_scales], dim=1)
    return centred / scale[:, None], levels[:, None] * mask


def front_kernels(patch_size, n_layers):
    """The window of each :class:`ConvFrontEnd` layer, in steps of its
    input: ``max(2 * patch_size, 8)`` steps, then 3 patches a layer."""
    return (max(2 * patch_size, 8),) + (3,) * (n_layers - 1)


class ConvFrontEnd(nn.Module):
    """Causal convolutions that read the time steps for the RNN.

    The first layer reads each patch of ``patch_size`` steps together with
    the steps before it, a window of ``max(2 * patch_size, 8)`` steps, and
    gives one vector per patch; each further layer reads three consecutive
    patches' vectors (the patch and the two before it). Every layer is a
    linear map of its window and a ReLU.

    Causal and padding-invariant by construction: a patch's vector depends
    on its own and earlier steps only, and the windows before a sequence's
    first step read zeros, as the steps after its last one do (a batch is
    zero-padded), so a sequence gets the same vectors alone and in a batch.
    Each window is a matrix product over unfolded steps (as the RNN's own
    input is), not a convolution kernel, so the batch-invariance widening
    (:func:`batch_invariant`) applies to it too.

    Parameters
    ----------
    input_size : int
        Features per time step (after the embeddings).
    channels : int
        Output vector size of every layer.
    patch_size : int
        Steps per patch: the first layer's stride.
    n_layers : int
        Layers, at least 1.
    """

    def __init__(self, input_size, channels, patch_size, n_layers):
        super().__init__()
        self.patch_size = int(patch_size)
        self.kernels = front_kernels(self.patch_size, n_layers)
        self.linears = nn.ModuleList(
            nn.Linear(k * (input_size if i == 0 else channels), channels)
            for i, k in enumerate(self.kernels)
        )

    def forward(self, X, lengths):
        """One vector per patch, ``(batch, patches, channels)``, and the
        lengths in patches."""
        size = self.patch_size
        batch, width = X.shape[0], X.shape[1]
        patches = -(-width // size)
        h = X
        for i, (linear, kernel) in enumerate(
            zip(self.linears, self.kernels, strict=True)
        ):
            stride = size if i == 0 else 1
            right = patches * size - width if i == 0 else 0
            h = nn.functional.pad(h, (0, 0, kernel - stride, right))
            h = h.unfold(1, kernel, stride).transpose(2, 3)
            h = torch.relu(linear(h.reshape(batch, patches, -1)))
        return h, (lengths + size - 1) // size


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
            return_sequences=module.return_sequences,
        )
    weights = {f"inputs.{name}": value for name, value in inputs.state_dict().items()}
    if module.front is not None:  # its channels are the hidden size
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
    with ``wide``: the extra channels have zero weights, so they stay
    exactly zero."""
    weights = {}
    for i, linear in enumerate(front.linears):
        weight = _widen(linear.weight, 0, size, wide)
        if i:  # the window's blocks of the layer below's channels
            weight = _widen(weight, 1, size, wide)
        weights[f"front.linears.{i}.weight"] = weight
        weights[f"front.linears.{i}.bias"] = _widen(linear.bias, 0, size, wide)
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
