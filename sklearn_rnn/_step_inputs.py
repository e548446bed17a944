"""What the RNN reads at each time step: the numeric features (standardised
per sequence or not), their differences, and embeddings of the
categorical features. Knows nothing of scikit-learn or skorch."""

import torch
from torch import nn


def columns_per_numeric(differences, standardize):
    """The columns :class:`StepInputs` gives each numeric feature: itself,
    its level and scale when standardised per sequence, its differences."""
    return 1 + (2 if standardize else 0) + differences


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
        per_numeric = columns_per_numeric(self.differences, self.standardize)
        self.feature_of_column = numeric * per_numeric + [
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
            numeric = X.index_select(2, torch.tensor(self.numeric, device=X.device))
            parts.extend(numeric_columns(self, numeric, lengths, valid))
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


def numeric_columns(settings, numeric, lengths, valid):
    """The columns the RNN reads of the numeric features ``numeric``
    (``(batch, max_length, n)``): the features, standardised per sequence
    and with their levels if ``settings.standardize``, then their
    differences if ``settings.differences``. ``settings`` is a
    :class:`StepInputs`, or the ONNX exporter's copy of its settings (the
    attributes ``standardize``, ``log_scales``, ``differences`` and
    ``inverse_scales``)."""
    parts = [numeric]
    if settings.standardize:
        parts[0], levels = standardized(numeric, lengths, valid, settings.log_scales)
        parts.append(levels)
    if settings.differences:
        orders, scales = settings.differences, settings.inverse_scales
        parts.append(differenced(parts[0], valid, orders, scales))
    return parts


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
