"""What each ``"auto"`` parameter of the estimators becomes, from the
training data: the rules, and the thresholds the benchmarks chose
(``bash benchmarks/why_defaults.sh``). Each function takes the parameter
as the user set it and returns the module's value."""

import numpy as np

from ._differences import difference_scales, resolve_differences
from ._sequence_scales import (
    numeric_positions,
    numeric_values,
    resolve_standardize,
    sequence_log_scales,
    standardized_values,
)

#: With ``patch_size="auto"``, sequences of at least this median length are
#: read in patches.
_AUTO_PATCH_FROM = 64


def resolve_patch_size(patch_size, lengths, step_outputs=False):
    """The patch size to build the module with. ``"auto"``: step by step
    for short sequences and for one output per step (``step_outputs``); for
    long ones, half the square root of the median length, so that the RNN
    runs about four times as many steps as each patch holds."""
    if step_outputs:
        if patch_size not in ("auto", 1):
            raise ValueError(
                f"return_sequences=True reads step by step, for one output per "
                f"step; patch_size={patch_size} would give one per patch. Set "
                "patch_size='auto' or 1."
            )
        return 1
    if patch_size != "auto":
        return patch_size
    median = float(np.median(lengths))
    return 1 if median < _AUTO_PATCH_FROM else round(median**0.5 / 2)


#: Convolution layers ``conv_layers="auto"`` puts in front of an RNN that
#: reads patches.
_AUTO_CONV_LAYERS = 2


def resolve_conv_layers(conv_layers, patch_size):
    """The convolution layers to build the module with. ``"auto"``: two
    when the RNN reads patches (long sequences), none when it reads step by
    step, so that short sequences, tokens and per-step outputs keep one RNN
    input per step."""
    if conv_layers != "auto":
        return conv_layers
    return _AUTO_CONV_LAYERS if patch_size > 1 else 0


#: ``batch_norm="auto"`` normalises a classifier's front end from this many
#: training sequences, and this many per class on average.
_AUTO_BATCH_NORM_FROM = 100
_AUTO_BATCH_NORM_PER_CLASS = 5


def resolve_batch_norm(batch_norm, conv_layers, seqs, encoder):
    """Whether the module's front end is batch-normalised. ``"auto"``: for
    a classifier's front end on sequences of one length, from 100 training
    sequences and 5 per class on average; never for a regressor, nor
    without a front end."""
    if batch_norm != "auto":
        return batch_norm
    classes = getattr(encoder, "classes_", None)
    if not conv_layers or classes is None or not seqs.equal_length:
        return False
    n = len(seqs)
    return n >= _AUTO_BATCH_NORM_FROM and n >= _AUTO_BATCH_NORM_PER_CLASS * len(classes)


def resolve_pooling(pooling, patch_size, codes=False):
    """The pooling to build the module with. ``"auto"``: the last state on
    numeric sequences read step by step (short ones), the maximum over the
    steps on sequences read in patches and with categorical features."""
    if pooling != "auto":
        return pooling
    return "last" if patch_size == 1 and not codes else "max"


def resolve_bidirectional(bidirectional, step_outputs=False):
    """Whether the module reads both ways. ``"auto"``: both ways for one
    output per sequence, forwards only for one output per step
    (``step_outputs``), so that step t's output depends on steps 0 to t."""
    if bidirectional != "auto":
        return bidirectional
    return not step_outputs


def numeric_inputs(seqs, differences, standardize, step_outputs, patch_size):
    """The module's parameters for how it reads the numeric step features:
    standardised per sequence or not, and with how many orders of
    differences (``"auto"`` resolved), with the training statistics each
    needs."""
    if not len(numeric_positions(seqs)):
        return {"differences": 0, "standardize_sequences": False}
    standardize = resolve_standardize(standardize, seqs, step_outputs)
    log_scales = sequence_log_scales(seqs) if standardize else ()
    differences = resolve_differences(differences, patch_size)
    scales = ()
    if differences:  # of what the RNN reads
        values = (
            standardized_values(seqs, log_scales)
            if standardize
            else numeric_values(seqs)[0]
        )
        scales = difference_scales(values, seqs, differences)
    return {
        "differences": differences,
        "difference_scales": scales,
        "standardize_sequences": standardize,
        "sequence_log_scales": log_scales,
    }
