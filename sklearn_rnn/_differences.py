"""The differences of the numeric step features the RNN reads: how many
orders (``differences="auto"`` resolved) and what scales them."""

import numpy as np


def resolve_differences(differences, patch_size):
    """The orders of differences to build the module with. ``"auto"``: the
    first differences when the RNN reads patches (long sequences, one
    output per sequence), none when it reads step by step: there each step
    reaches the RNN as it is, and a target carried by one step's value
    (scikit-learn's regression check) is read worse beside its
    differences."""
    if differences != "auto":
        return int(differences)
    return 1 if patch_size > 1 else 0


def difference_scales(values, seqs, differences):
    """Root mean square of each order's differences of each column of
    ``values`` (the numeric features of ``seqs``' valid steps, as the RNN
    reads them) over the steps where that order is defined (order k: from
    a sequence's step k on), order after order; 1 where there is no such
    step or every difference is 0."""
    if not differences or not values.shape[1]:
        return ()
    # the position of each row within its sequence
    position = np.arange(len(values)) - np.repeat(seqs.offsets[:-1], seqs.lengths)
    scales, d = [], values
    for k in range(1, differences + 1):
        d = np.diff(d, axis=0, prepend=d[:1])
        defined = position >= k
        d[~defined] = 0.0
        rms = np.sqrt(np.mean(d[defined] ** 2, axis=0)) if defined.any() else None
        if rms is None:
            rms = np.ones(values.shape[1])
        scales.extend(float(s) if np.isfinite(s) and s > 0 else 1.0 for s in rms)
    return tuple(scales)
