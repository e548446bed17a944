"""The convolution front end that reads long sequences for the RNN, one
vector per patch of steps. Knows nothing of scikit-learn or skorch."""

import torch
from torch import nn

#: Steps of the first layer's window when it reads every step
#: (``batch_norm=True``), as the first block of the FCN of Wang et al. (2017).
STEP_KERNEL = 8


def front_kernels(patch_size, n_layers, batch_norm=False):
    """The window of each :class:`ConvFrontEnd` layer, in steps of its
    input: ``max(2 * patch_size, 8)`` steps a patch (8 steps at every step
    with ``batch_norm``), then 3 patches a layer."""
    first = STEP_KERNEL if batch_norm else max(2 * patch_size, 8)
    return (first,) + (3,) * (n_layers - 1)


class ConvFrontEnd(nn.Module):
    """Causal convolutions that read the time steps for the RNN.

    The first layer reads each patch of ``patch_size`` steps together with
    the steps before it, a window of ``max(2 * patch_size, 8)`` steps, and
    gives one vector per patch; each further layer reads three consecutive
    patches' vectors (the patch and the two before it). Every layer is a
    linear map of its window and a ReLU.

    With ``batch_norm`` the first layer instead reads a window of 8 steps
    ending at *every* step, and a patch's vector is the maximum of its
    valid steps' vectors; and each layer's linear map is followed by
    batch normalisation (statistics over the valid steps or patches of the
    training batch; in evaluation mode, their running averages), before the
    ReLU, as in the convolution blocks of FCN and LSTM-FCN.

    Causal and padding-invariant by construction: a patch's vector depends
    on its own and earlier steps only, and the windows before a sequence's
    first step read zeros, as the steps after its last one do (a batch is
    zero-padded), so a sequence gets the same vectors alone and in a batch.
    Each window is a matrix product over unfolded steps (as the RNN's own
    input is), not a convolution kernel, so the batch-invariance widening
    (:func:`~sklearn_rnn._module.batch_invariant`) applies to it too; it
    folds the normalisation into the linear maps (:func:`folded_layers`).

    Parameters
    ----------
    input_size : int
        Features per time step (after the embeddings).
    channels : int
        Output vector size of every layer.
    patch_size : int
        Steps per patch: the first layer's stride (without ``batch_norm``)
        or the width of its maximum (with it).
    n_layers : int
        Layers, at least 1.
    batch_norm : bool
        Read every step in the first layer and normalise each layer's
        output over the batch.
    """

    def __init__(self, input_size, channels, patch_size, n_layers, batch_norm=False):
        super().__init__()
        self.patch_size = int(patch_size)
        self.batch_norm = bool(batch_norm)
        self.kernels = front_kernels(self.patch_size, n_layers, self.batch_norm)
        self.linears = nn.ModuleList(
            nn.Linear(k * (input_size if i == 0 else channels), channels)
            for i, k in enumerate(self.kernels)
        )
        norm = nn.BatchNorm1d if self.batch_norm else nn.Identity
        self.norms = nn.ModuleList(norm(channels) for _ in self.kernels)

    def forward(self, X, lengths):
        """One vector per patch, ``(batch, patches, channels)``, and the
        lengths in patches."""
        size = self.patch_size
        patch_lengths = (lengths + size - 1) // size
        if self.batch_norm:
            h = self._every_step(X, lengths)
        else:
            h = self._layer(0, X, stride=size, right=-X.shape[1] % size)
        # batch statistics are the one use of the mask after the first layer
        masked = self.batch_norm and self.training
        for i in range(1, len(self.linears)):
            h = self._layer(i, h, valid=_valid(h, patch_lengths) if masked else None)
        return h, patch_lengths

    def _layer(self, i, h, stride=1, right=0, valid=None):
        """Layer ``i`` on ``h``: the linear map of each window, normalised,
        then the ReLU."""
        kernel = self.kernels[i]
        batch = h.shape[0]
        h = nn.functional.pad(h, (0, 0, kernel - stride, right))
        h = h.unfold(1, kernel, stride).transpose(2, 3)
        h = self.linears[i](h.reshape(batch, h.shape[1], -1))
        return torch.relu(self._normalised(i, h, valid))

    def _every_step(self, X, lengths):
        """The first layer at every step, its maximum over each patch's
        valid steps."""
        size = self.patch_size
        width = X.shape[1]
        fill = -width % size
        if int(lengths.min()) == width:  # no padding: no mask to apply
            h = self._layer(0, X)
            h = nn.functional.pad(h, (0, 0, 0, fill))
        else:
            valid = _valid(X, lengths, width + fill)
            h = self._layer(0, X, right=fill, valid=valid)
            h = h * valid[..., None]  # the steps past the end read no further
        batch, steps, channels = h.shape
        return h.reshape(batch, steps // size, size, channels).amax(dim=2)

    def _normalised(self, i, h, valid):
        """``h`` through layer ``i``'s batch normalisation: in training, by
        the statistics of the valid rows only, so that padding does not
        change them."""
        norm = self.norms[i]
        if isinstance(norm, nn.Identity):  # no normalisation, or folded in
            return h
        flat = h.reshape(-1, h.shape[2])
        if not self.training:
            return norm(flat).reshape(h.shape)
        rows = None if valid is None else valid.reshape(-1)
        if rows is None or bool(rows.all()):
            return _batch_normalised(norm, flat).reshape(h.shape)
        out = flat.new_zeros(flat.shape)
        out[rows] = _batch_normalised(norm, flat[rows])
        return out.reshape(h.shape)


def _batch_normalised(norm, rows):
    """``rows`` through ``norm`` in training mode; a single row has no batch
    statistics and is normalised by the running ones."""
    if len(rows) > 1:
        return norm(rows)
    return nn.functional.batch_norm(
        rows,
        norm.running_mean,
        norm.running_var,
        norm.weight,
        norm.bias,
        training=False,
        eps=norm.eps,
    )


def _valid(h, lengths, width=None):
    """Mask ``(batch, width)`` of the valid positions of padded ``h``."""
    width = h.shape[1] if width is None else width
    return (torch.arange(width) < lengths[:, None]).to(h.device)


def folded_layers(front):
    """Each layer's ``(weight, bias)`` with its batch normalisation in
    evaluation mode folded in: the linear map that computes the same
    function as the layer's linear map and normalisation together."""
    layers = []
    for linear, norm in zip(front.linears, front.norms, strict=True):
        weight, bias = linear.weight.detach(), linear.bias.detach()
        if isinstance(norm, nn.BatchNorm1d):
            scale = norm.weight.detach() / torch.sqrt(norm.running_var + norm.eps)
            bias = (bias - norm.running_mean) * scale + norm.bias.detach()
            weight = weight * scale[:, None]
        layers.append((weight, bias))
    return layers
