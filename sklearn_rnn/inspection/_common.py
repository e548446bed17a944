"""What the inspection tools share: the fitted RNN behind an estimator, X
read as its sequences, and batches of sequences of one length."""

from contextlib import contextmanager

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .._base import BaseRNN
from .._batching import SequenceDataset
from .._validation import validate_sequences


def fitted_rnn(estimator, caller):
    """The fitted RNN estimator behind ``estimator`` and what comes before it.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor or Pipeline
        A fitted RNN estimator, or a fitted pipeline whose final step is one.
    caller : str
        What asks, for the error message.

    Returns
    -------
    rnn : RNNClassifier or RNNRegressor
        The fitted RNN estimator.
    head : Pipeline or None
        The pipeline's steps before the RNN, or None.
    """
    head = None
    rnn = estimator
    if isinstance(estimator, Pipeline):
        rnn = estimator.steps[-1][1]
        if len(estimator.steps) > 1:
            head = estimator[:-1]
    if not isinstance(rnn, BaseRNN):
        raise TypeError(
            f"{caller} needs an RNNClassifier or RNNRegressor, or a Pipeline "
            f"ending in one; got {type(estimator).__name__}"
            + (f" ending in {type(rnn).__name__}." if rnn is not estimator else ".")
        )
    check_is_fitted(rnn)
    return rnn, head


def rnn_sequences(estimator, X, caller):
    """The fitted RNN and X as the sequences it reads (checked against fit).

    A pipeline's steps before the RNN transform X first.
    """
    rnn, head = fitted_rnn(estimator, caller)
    if head is not None:
        X = head.transform(X)
    return rnn, validate_sequences(rnn, X, reset=False)


def equal_length_batches(seqs, size):
    """Yield ``(rows, X)`` batches of sequences that all have one length.

    No padding at all: each batch holds sequences of a single length.
    """
    dataset = SequenceDataset(seqs)
    for length in np.unique(seqs.lengths):
        rows = np.flatnonzero(seqs.lengths == length)
        for start in range(0, len(rows), size):
            part = rows[start : start + size]
            yield part, dataset[part][0]["X"]


def per_sequence(parts, seqs):
    """One array ``(n, T, k)`` for equal lengths, else the list of parts."""
    return np.stack(parts) if seqs.equal_length else parts


@contextmanager
def evaluating(module):
    """Run the block with ``module`` in eval mode, restoring its mode after."""
    training = module.training
    module.eval()
    try:
        yield module
    finally:
        module.train(training)
