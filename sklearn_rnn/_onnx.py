"""Export of a fitted RNN estimator (or scaler + estimator pipeline) to ONNX.

The fitted network is rebuilt as :class:`_ExportedNetwork`, which computes
the same function with operations an exporter can trace: no packed
sequences, no Python branches on the data. Each recurrent layer and
direction becomes its own unidirectional RNN over the padded batch (the
ONNX ``RNN``, ``GRU`` and ``LSTM`` operators); the backward direction reads
each sequence reversed *within its own length* (a gather), so that it starts
at the sequence's last valid step, as the packed bidirectional RNN does.
The graph is made by ``torch.onnx.export``'s TorchScript-based exporter
(``dynamo=False``): in torch 2.13 the ``torch.export``-based one decomposes
GRU and LSTM layers of dynamic length into loops and fails on some of them.
"""

import copy
import inspect
import json
import os
import warnings

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

from ._conv_front import folded_layers
from ._module import CELLS, RecurrentNetwork
from ._optional import require
from ._step_inputs import numeric_columns

__all__ = ["to_onnx"]


#: The ONNX opset of the graphs written.
OPSET = 17

#: Names of the graph's inputs.
INPUT_NAMES = ("X", "lengths")


def to_onnx(obj, path):
    """Export a fitted RNN estimator to an ONNX file.

    Parameters
    ----------
    obj : RNNClassifier, RNNRegressor or Pipeline
        A fitted estimator, or a fitted :class:`~sklearn.pipeline.Pipeline`
        of :class:`~sklearn_rnn.SequenceScaler` steps (folded into the
        graph: ``(x - mean_) / scale_``) followed by an RNN estimator.
    path : str or path-like
        The ``.onnx`` file to write (weights included, no external data).

    Returns
    -------
    path : str
        The file written.

    Notes
    -----
    The graph has two inputs:

    - ``X``, float32 of shape ``(batch, max_length, n_step_features)``: the
      sequences zero-padded to the longest (what is in the padded steps does
      not matter; categorical features hold their codes, as floats);
    - ``lengths``, int64 of shape ``(batch,)``: the valid steps of each
      sequence, from 1 to ``max_length``.

    Both ``batch`` and ``max_length`` may vary. The output, float64, is
    ``"probabilities"`` for a classifier (``predict_proba``'s columns, in the
    order of ``classes_``) and ``"predictions"`` for a regressor (in the
    units of y, shape ``(batch, n_outputs)`` even for a single output).
    With ``return_sequences=True`` it has one row per time step,
    ``(batch, max_length, n_outputs)``; the rows of padded steps are 0.
    The model's metadata holds ``classes`` (JSON) for a classifier.

    The graph is written by PyTorch's TorchScript-based exporter
    (``torch.onnx.export(..., dynamo=False)``, opset 17), which turns each
    recurrent layer into the ONNX ``RNN``, ``GRU`` or ``LSTM`` operator.
    Requires the ``onnx`` extra (``pip install "sklearn-rnn[onnx]"``: onnx,
    and onnxruntime to run the file).

    Examples
    --------
    >>> import numpy as np  # doctest: +SKIP
    >>> import onnxruntime  # doctest: +SKIP
    >>> from sklearn_rnn import RNNClassifier, to_onnx  # doctest: +SKIP
    >>> X = [np.ones((3, 2)), np.ones((5, 2))]  # doctest: +SKIP
    >>> clf = RNNClassifier(max_iter=5).fit(X, [0, 1])  # doctest: +SKIP
    >>> to_onnx(clf, "model.onnx")  # doctest: +SKIP
    'model.onnx'
    >>> padded = np.zeros((2, 5, 2), dtype=np.float32)  # doctest: +SKIP
    >>> padded[0, :3], padded[1, :5] = X[0], X[1]  # doctest: +SKIP
    >>> session = onnxruntime.InferenceSession("model.onnx")  # doctest: +SKIP
    >>> inputs = {"X": padded, "lengths": np.array([3, 5])}  # doctest: +SKIP
    >>> session.run(None, inputs)[0].shape  # doctest: +SKIP
    (2, 2)
    """
    onnx = require("onnx", "to_onnx", "onnx")
    estimator, scalers = _split(obj)
    network = _fitted_network(estimator)
    x_mean, x_scale = _folded_scaling(scalers, network.inputs.input_size)
    encoder = estimator._target_encoder
    inner = getattr(encoder, "inner", encoder)  # per-step encoders wrap one
    metadata = {}
    if hasattr(inner, "classes_"):  # LabelTarget: softmax of the logits
        output, y_scale, y_mean = "probabilities", None, None
        classes = np.asarray(inner.classes_).tolist()
        metadata["classes"] = json.dumps(classes, default=str)
    else:  # ScaledTarget: raw * scale_ + mean_, in the units of y
        output = "predictions"
        y_scale, y_mean = inner._scaler.scale_, inner._scaler.mean_
    exported = _ExportedNetwork(network, x_mean, x_scale, y_scale, y_mean).eval()
    metadata.update(
        estimator=type(estimator).__name__,
        n_step_features=str(network.inputs.input_size),
        return_sequences=str(bool(network.return_sequences)).lower(),
    )
    path = os.fspath(path)
    _export(exported, network.inputs.input_size, network.patch_size, path, output)
    model = onnx.load(path)
    for key, value in metadata.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def _split(obj):
    """The RNN estimator of ``obj`` and the fitted scalers before it."""
    from sklearn.pipeline import Pipeline

    from ._base import BaseRNN
    from .preprocessing import SequenceScaler

    if isinstance(obj, Pipeline):
        *steps, (_, estimator) = obj.steps
        if not isinstance(estimator, BaseRNN):
            raise TypeError(
                "to_onnx exports a Pipeline whose final step is an "
                f"RNNClassifier or RNNRegressor; got {type(estimator).__name__}."
            )
        scalers = []
        for name, step in steps:
            if step is None or (isinstance(step, str) and step == "passthrough"):
                continue
            if not isinstance(step, SequenceScaler):
                raise TypeError(
                    f"to_onnx exports a Pipeline of SequenceScaler steps and a "
                    f"final RNN estimator; step {name!r} is a "
                    f"{type(step).__name__}, which cannot be exported."
                )
            scalers.append(step)
        for scaler in scalers:
            check_is_fitted(scaler)
        return estimator, scalers
    if not isinstance(obj, BaseRNN):
        raise TypeError(
            "to_onnx exports a fitted RNNClassifier or RNNRegressor, or a "
            "Pipeline of SequenceScaler steps and one of them; got "
            f"{type(obj).__name__}."
        )
    return obj, []


def _fitted_network(estimator):
    """The trained :class:`RecurrentNetwork` of a fitted estimator."""
    check_is_fitted(estimator)
    network = estimator.net_.module_
    if not isinstance(network, RecurrentNetwork):
        raise TypeError(
            f"to_onnx cannot export the network {type(network).__name__}: only "
            "the RecurrentNetwork of RNNClassifier and RNNRegressor is supported."
        )
    cell = type(network.rnn)
    if cell not in CELLS.values():
        raise TypeError(f"to_onnx cannot export the recurrent layer {cell.__name__}.")
    return network


def _folded_scaling(scalers, n_features):
    """One mean and scale (float64) doing what ``scalers`` do in turn, or
    ``(None, None)`` when there is none."""
    mean, scale = np.zeros(n_features), np.ones(n_features)
    for scaler in scalers:
        fitted = scaler.mean_ if scaler.mean_ is not None else scaler.scale_
        size = n_features if fitted is None else len(fitted)
        if size != n_features:
            raise ValueError(
                f"The pipeline's SequenceScaler has {size} step features, but "
                f"its RNN estimator reads {n_features}."
            )
        with_mean = scaler.with_mean and scaler.mean_ is not None
        m = scaler.mean_ if with_mean else np.zeros(n_features)
        s = np.ones(n_features) if scaler.scale_ is None else scaler.scale_
        # ((x - mean) / scale - m) / s = (x - (mean + m * scale)) / (scale * s)
        mean, scale = mean + m * scale, scale * s
    if not scalers:
        return None, None
    return mean.astype(np.float64), scale.astype(np.float64)


class _ExportedNetwork(nn.Module):
    """A trained :class:`RecurrentNetwork`, with its input scaling and
    output transform, as traceable operations.

    Parameters
    ----------
    network : RecurrentNetwork
        The trained network (not changed: its weights are copied to CPU).
    x_mean, x_scale : ndarray or None
        Scaling of the step features, applied first.
    y_scale, y_mean : ndarray or None
        Map from the network's outputs to the units of y (a regressor);
        None for class probabilities (softmax).
    """

    def __init__(self, network, x_mean=None, x_scale=None, y_scale=None, y_mean=None):
        super().__init__()
        network = copy.deepcopy(network).cpu().float().eval()
        inputs = network.inputs
        rnn = network.rnn
        self.pooling = network.pooling
        self.patch_size = int(network.patch_size)
        self.return_sequences = bool(network.return_sequences)
        self.bidirectional = bool(rnn.bidirectional)
        self.categorical = tuple(
            zip(inputs.categorical, inputs.n_categories, strict=True)
        )
        self.register_buffer(
            "numeric", torch.tensor(inputs.numeric, dtype=torch.long), persistent=False
        )
        self.has_numeric = bool(inputs.numeric)
        self.differences = inputs.differences
        if self.differences:
            self.register_buffer("inverse_scales", inputs.inverse_scales.clone())
        self.standardize = inputs.standardize
        if self.standardize:
            self.register_buffer("log_scales", inputs.log_scales.clone())
        for k, table in enumerate(inputs.embeddings):
            weight = table.weight.detach().clone()
            self.register_buffer(f"table{k}", weight)
            self.register_buffer(f"average{k}", weight[1:].mean(dim=0))
        self.scaled = x_mean is not None
        if self.scaled:
            self.register_buffer("x_mean", torch.as_tensor(x_mean, dtype=torch.float64))
            self.register_buffer(
                "x_scale", torch.as_tensor(x_scale, dtype=torch.float64)
            )
        self.regression = y_scale is not None
        if self.regression:
            self.register_buffer(
                "y_scale", torch.as_tensor(y_scale, dtype=torch.float64)
            )
            self.register_buffer("y_mean", torch.as_tensor(y_mean, dtype=torch.float64))
        self.layers = nn.ModuleList(
            nn.ModuleList(
                _one_direction(rnn, layer, suffix)
                for suffix in (("", "_reverse") if self.bidirectional else ("",))
            )
            for layer in range(rnn.num_layers)
        )
        self.head = network.head
        front = network.front
        self.front = None if front is None else _ExportedFront(front)

    def forward(self, X, lengths):
        width = X.shape[1]
        steps = torch.arange(width, device=X.device)
        valid = steps[None, :] < lengths[:, None]  # (batch, width)
        if self.scaled:
            X = ((X.to(torch.float64) - self.x_mean) / self.x_scale).to(torch.float32)
        X = torch.where(valid[..., None], X, torch.zeros_like(X))
        X = self._step_inputs(X, lengths, valid)
        X, patch_lengths = self._patches(X, lengths)
        states = self._top_states(X, patch_lengths)  # (batch, patches, H * dirs)
        if self.return_sequences:
            # every step of a patch gets the state after that patch
            batch, patches, size = states.shape
            states = states[:, :, None, :].expand(batch, patches, self.patch_size, size)
            states = states.reshape(batch, patches * self.patch_size, size)[:, :width]
            outputs = self._transform(self.head(states))
            return torch.where(valid[..., None], outputs, torch.zeros_like(outputs))
        return self._transform(self.head(self._pooled(states, patch_lengths)))

    def _transform(self, raw):
        raw = raw.to(torch.float64)
        if self.regression:
            return raw * self.y_scale + self.y_mean
        return torch.softmax(raw, dim=-1)

    def _step_inputs(self, X, lengths, valid):
        """As :class:`~sklearn_rnn._step_inputs.StepInputs`: the numeric features,
        their differences, then each categorical feature's embedding."""
        if not (self.categorical or self.differences or self.standardize):
            return X
        parts = []
        if self.has_numeric:
            numeric = X.index_select(2, self.numeric)
            parts.extend(numeric_columns(self, numeric, lengths, valid))
        for k, (j, n) in enumerate(self.categorical):
            codes = X[..., j]
            table = getattr(self, f"table{k}")
            # clamped in float first: a huge code must not overflow the cast
            rows = codes.clamp(min=-1.0, max=float(n - 1)).to(torch.long) + 1
            known = valid & (codes >= 0)
            rows = torch.where(known, rows, torch.zeros_like(rows))
            vectors = nn.functional.embedding(rows, table)
            unknown = (codes >= n) & valid
            vectors = torch.where(
                unknown[..., None], getattr(self, f"average{k}"), vectors
            )
            parts.append(vectors)
        return parts[0] if len(parts) == 1 else torch.cat(parts, dim=2)

    def _patches(self, X, lengths):
        """Patches of ``patch_size`` steps, the last completed with zeros
        (or the convolution front end's vector of each patch), and the
        lengths in patches."""
        size = self.patch_size
        if self.front is not None:
            return self.front(X, lengths), (lengths + size - 1) // size
        if size == 1:
            return X, lengths
        batch, width, features = X.shape
        patches = (width + size - 1) // size
        X = nn.functional.pad(X, (0, 0, 0, size - 1))[:, : patches * size]
        X = X.reshape(batch, patches, size * features)
        return X, (lengths + size - 1) // size

    def _top_states(self, X, lengths):
        """The top layer's states at every step (meaningless at padded
        steps), both directions side by side."""
        if self.bidirectional:
            steps = torch.arange(X.shape[1], device=X.device)[None, :]
            last = (lengths - 1)[:, None]
            # each sequence reversed within its length (an involution)
            index = torch.where(steps <= last, last - steps, steps)
        for directions in self.layers:
            outputs = [directions[0](X)[0]]
            if self.bidirectional:
                backward = directions[1](_gather_steps(X, index))[0]
                outputs.append(_gather_steps(backward, index))
            X = outputs[0] if len(outputs) == 1 else torch.cat(outputs, dim=2)
        return X

    def _pooled(self, states, lengths):
        """As :meth:`RecurrentNetwork.encode`: one vector per sequence."""
        batch = states.shape[0]
        rows = torch.arange(batch, device=states.device)
        last = lengths - 1
        if self.pooling == "last":
            forward = states[rows, last]
            if not self.bidirectional:
                return forward
            half = states.shape[2] // 2
            # forward direction after the last step, backward after the first
            return torch.cat([forward[:, :half], states[:, 0, half:]], dim=1)
        if self.pooling == "mean":
            total = states.cumsum(dim=1)[rows, last]
            return total / lengths.to(states.dtype)[:, None]
        steps = torch.arange(states.shape[1], device=states.device)
        valid = steps[None, :, None] < lengths[:, None, None]
        return states.masked_fill(~valid, float("-inf")).amax(dim=1)


class _ExportedFront(nn.Module):
    """A trained :class:`~sklearn_rnn._conv_front.ConvFrontEnd` as ONNX
    convolutions: each layer's linear map of its window of steps (its batch
    normalisation folded in) is a ``Conv1d`` of that kernel and stride, then
    the ReLU; with ``batch_norm`` the first layer runs at every step and
    each patch takes the maximum over its valid steps."""

    def __init__(self, front):
        super().__init__()
        self.patch_size = front.patch_size
        self.kernels = front.kernels
        self.every_step = front.batch_norm
        for i, ((weight, bias), kernel) in enumerate(
            zip(folded_layers(front), front.kernels, strict=True)
        ):
            # the window is laid out step after step: column t * F + f
            weight = weight.reshape(weight.shape[0], kernel, -1)
            self.register_buffer(f"weight{i}", weight.permute(0, 2, 1).contiguous())
            self.register_buffer(f"bias{i}", bias.clone())

    def forward(self, X, lengths):
        size = self.patch_size
        width = X.shape[1]
        patches = (width + size - 1) // size
        stride = 1 if self.every_step else size
        # the zeros before the first step, and those completing the last patch
        first = self.kernels[0] - stride
        h = nn.functional.pad(X, (0, 0, first, size - 1))
        h = h[:, : first + patches * size].transpose(1, 2)
        for i, kernel in enumerate(self.kernels):
            if i:
                h = nn.functional.pad(h, (kernel - 1, 0))
            weight, bias = getattr(self, f"weight{i}"), getattr(self, f"bias{i}")
            h = torch.relu(
                nn.functional.conv1d(h, weight, bias, stride=stride if i == 0 else 1)
            )
            if i == 0 and self.every_step:
                h = self._patch_maxima(h, lengths, patches)
        return h.transpose(1, 2)

    def _patch_maxima(self, h, lengths, patches):
        """``(batch, channels, patches * size)`` -> each patch's maximum
        over its valid steps, ``(batch, channels, patches)``."""
        size = self.patch_size
        steps = torch.arange(patches * size, device=h.device)
        valid = steps[None, None, :] < lengths[:, None, None]
        h = torch.where(valid, h, torch.zeros_like(h))
        batch, channels = h.shape[0], h.shape[1]
        return h.reshape(batch, channels, patches, size).amax(dim=3)


def _gather_steps(X, index):
    """``X[b, index[b, t]]`` for every sequence b and step t."""
    return torch.gather(X, 1, index[..., None].expand(-1, -1, X.shape[2]))


def _one_direction(rnn, layer, suffix):
    """Layer ``layer`` of ``rnn``, one direction (``suffix`` ``""`` or
    ``"_reverse"``), as a unidirectional one-layer RNN of the same kind."""
    kind = type(rnn)
    size = rnn.hidden_size * (2 if rnn.bidirectional else 1)
    options = {"nonlinearity": rnn.nonlinearity} if kind is nn.RNN else {}
    with torch.device("meta"):  # no initial weights drawn: the RNG is untouched
        single = kind(
            rnn.input_size if layer == 0 else size,
            rnn.hidden_size,
            batch_first=True,
            bias=rnn.bias,
            **options,
        )
    single = single.to_empty(device="cpu")
    names = ["weight_ih", "weight_hh"] + (["bias_ih", "bias_hh"] if rnn.bias else [])
    with torch.no_grad():
        for name in names:
            source = getattr(rnn, f"{name}_l{layer}{suffix}")
            getattr(single, f"{name}_l0").copy_(source)
    return single.eval()


def _export(module, n_features, patch_size, path, output):
    """Write ``module`` as ONNX to ``path``, batch and length dynamic."""
    width = 2 * patch_size + 3  # not a multiple of the patch size
    X = torch.zeros(3, width, n_features)
    lengths = torch.tensor([width, 2, 1], dtype=torch.long)
    # the TorchScript-based exporter: the default before torch 2.9; torch
    # before 2.5 has no ``dynamo`` parameter
    parameters = inspect.signature(torch.onnx.export).parameters
    torchscript = {"dynamo": False} if "dynamo" in parameters else {}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (X, lengths),
            path,
            input_names=list(INPUT_NAMES),
            output_names=[output],
            **torchscript,
            dynamic_axes={
                "X": {0: "batch", 1: "max_length"},
                "lengths": {0: "batch"},
                output: {0: "batch", 1: "max_length"}
                if module.return_sequences
                else {0: "batch"},
            },
            opset_version=OPSET,
        )
