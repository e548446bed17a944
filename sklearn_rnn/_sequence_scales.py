"""Per-sequence standardisation of the numeric step features
(``standardize_sequences``): when ``"auto"`` turns it on, and the training
statistics the module keeps."""

import numpy as np

from ._step_inputs import MIN_RELATIVE_SCALE

#: With ``standardize_sequences="auto"``, sequences are standardised when
#: the 90th percentile of their standard deviations is more than this many
#: times the 10th, for some numeric feature.
AUTO_SCALE_SPREAD = 100.0


def numeric_positions(seqs):
    """The positions of the numeric features among the step features."""
    numeric = np.arange(seqs.n_step_features)
    if seqs.categorical is not None:
        numeric = numeric[~np.asarray(seqs.categorical, dtype=bool)]
    return numeric


def numeric_values(seqs):
    """The numeric step features of every valid step, ``(total_steps, n)``
    float64, and their positions among the step features."""
    numeric = numeric_positions(seqs)
    return np.asarray(seqs.values[:, numeric], dtype=np.float64), numeric


def sequence_moments(values, seqs):
    """Each sequence's mean and standard deviation of ``values`` (rows of
    its valid steps, sequence after sequence): two ``(n_sequences, n)``."""
    starts = seqs.offsets[:-1]
    count = seqs.lengths[:, None].astype(np.float64)
    mean = np.add.reduceat(values, starts, axis=0) / count
    centred = values - np.repeat(mean, seqs.lengths, axis=0)
    std = np.sqrt(np.add.reduceat(centred**2, starts, axis=0) / count)
    return mean, std


def resolve_standardize(standardize, seqs, step_outputs=False):
    """Whether to standardise each sequence. ``"auto"``: for one output per
    sequence, when the training sequences' standard deviations spread over
    more than :data:`AUTO_SCALE_SPREAD` (90th to 10th percentile) for
    some numeric feature: a scaling shared by all sequences then leaves
    the small ones near zero."""
    if step_outputs:
        if standardize is True:
            raise ValueError(
                "standardize_sequences=True reads each whole sequence before "
                "its first step, so it cannot give causal per-step outputs "
                "(return_sequences=True). Set standardize_sequences=False."
            )
        return False
    if standardize != "auto":
        return bool(standardize)
    numeric = numeric_positions(seqs)
    if not len(numeric) or not len(seqs.values):
        return False
    std = _rough_stds(seqs, numeric)
    low, high = np.percentile(std, [10, 90], axis=0)
    return bool(np.any(high > AUTO_SCALE_SPREAD * low))


def _rough_stds(seqs, numeric):
    """Each sequence's standard deviation of the numeric features, from
    sums of the values and their squares: one pass, no copy of the data
    (close enough to tell a factor of 100; :func:`sequence_moments`
    gives the statistics the module keeps)."""
    values = (
        seqs.values
        if len(numeric) == seqs.n_step_features
        else (seqs.values[:, numeric])
    )
    starts = seqs.offsets[:-1]
    count = seqs.lengths[:, None].astype(np.float64)
    mean = np.add.reduceat(values, starts, axis=0, dtype=np.float64) / count
    square = np.add.reduceat(np.square(values), starts, axis=0, dtype=np.float64)
    return np.sqrt(np.maximum(square / count - mean**2, 0.0))


def sequence_log_scales(seqs):
    """Per numeric feature, the mean log standard deviation of the
    training sequences (each at least :data:`MIN_RELATIVE_SCALE` times the
    median one, so a constant sequence does not dominate)."""
    values, _ = numeric_values(seqs)
    _, std = sequence_moments(values, seqs)
    median = np.median(std, axis=0)
    least = np.where(median > 0, MIN_RELATIVE_SCALE * median, 1.0)
    return tuple(float(v) for v in np.mean(np.log(np.maximum(std, least)), axis=0))


def standardized_values(seqs, log_scales):
    """The numeric values as :func:`~sklearn_rnn._step_inputs.standardized`
    gives them to the RNN: each sequence centred and scaled by its own
    moments."""
    values, _ = numeric_values(seqs)
    mean, std = sequence_moments(values, seqs)
    least = MIN_RELATIVE_SCALE * np.exp(np.asarray(log_scales))
    scale = np.maximum(std, least)
    return (values - np.repeat(mean, seqs.lengths, axis=0)) / np.repeat(
        scale, seqs.lengths, axis=0
    )
