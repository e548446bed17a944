"""Random time warping of padded training batches (data augmentation).

Each sequence is resampled along a random, smooth, monotone map of its own
steps onto themselves: it is played faster in some stretches and slower in
others, and keeps its length, its first and its last step. Only a
sequence's valid steps are read and written, so padding stays zero and a
ragged batch warps each sequence within its own length. Numeric features
are interpolated between the two steps around a warped position;
categorical codes are taken from the nearer of the two.
"""

import torch

#: Points along each sequence at which a random speed is drawn; the speed
#: between them is interpolated linearly.
KNOTS = 4

#: Standard deviation of the log of those speeds: a stretch of a sequence
#: is typically played up to about a fifth faster or slower.
STRENGTH = 0.2


def time_warp(X, lengths, strength=STRENGTH, codes=()):
    """``X`` ``(batch, steps, features)``, its sequences warped in time.

    Parameters
    ----------
    X : torch.Tensor of shape (batch, steps, features)
        Padded sequences; steps at and after a sequence's length are padding.
    lengths : torch.Tensor of shape (batch,)
        Each sequence's number of valid steps, on any device.
    strength : float
        Standard deviation of the log of the speeds drawn at the knots (0:
        no warping). The speeds come from torch's global random number
        generator, on the host, so a seeded fit warps the same way on every
        device; the rest is computed on ``X``'s device.
    codes : tuple of int, default=()
        Positions of the features that hold categorical codes, which are
        not interpolated.

    Returns
    -------
    torch.Tensor
        A new tensor of the same shape; ``X`` is not modified.
    """
    batch, steps = X.shape[:2]
    speeds = torch.exp(strength * torch.randn(batch, KNOTS, dtype=X.dtype))
    speeds, lengths = speeds.to(X.device), lengths.to(X.device)
    last = (lengths - 1).clamp(min=1).to(X.dtype)
    t = torch.arange(steps, dtype=X.dtype, device=X.device)
    valid = t < lengths[:, None]
    # each step's place along its own sequence, in knot units
    where = (t / last[:, None]).clamp(max=1) * (KNOTS - 1)
    left = where.floor().long().clamp(max=KNOTS - 2)
    frac = where - left
    speed = speeds.gather(1, left) * (1 - frac) + speeds.gather(1, left + 1) * frac
    # time elapsed before each step, rescaled to end at the last valid step
    elapsed = torch.cumsum(speed * valid, 1) - speed[:, :1]
    end = elapsed.gather(1, (lengths - 1).clamp(min=0)[:, None])
    position = elapsed / end.clamp(min=1e-12) * last[:, None]
    position = torch.where(valid, position.clamp(min=0), 0)
    position = torch.minimum(position, last[:, None])
    return _resample(X, position, valid, codes)


def _resample(X, position, valid, codes):
    """``X`` read at fractional ``position`` ``(batch, steps)`` by linear
    interpolation between the two steps around it (the nearer step for the
    features ``codes``); zero where not ``valid``."""
    below = position.floor().long()
    above = torch.minimum(below + 1, position.ceil().long())
    weight = (position - below)[..., None]
    features = X.shape[2]
    if codes:
        nearest = torch.zeros(features, dtype=torch.bool, device=X.device)
        nearest[list(codes)] = True
        weight = torch.where(nearest, weight.round(), weight)
    low = X.gather(1, below[..., None].expand(-1, -1, features))
    high = X.gather(1, above[..., None].expand(-1, -1, features))
    return (low + (high - low) * weight) * valid[..., None]
