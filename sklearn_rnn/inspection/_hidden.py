"""Hidden states of a fitted RNN, per sequence or per step."""

import numpy as np
import torch
from sklearn.utils._param_validation import validate_params

from .._batching import length_ordered_batches
from .._module import full_precision
from .._threads import cpu_threads
from ._common import evaluating, per_sequence, rnn_sequences


@validate_params(
    {"estimator": "no_validation", "X": ["array-like"], "all_steps": ["boolean"]},
    prefer_skip_nested_validation=True,
)
def hidden_states(estimator, X, *, all_steps=False):
    """Hidden states of a fitted RNN for each sequence of X.

    By default the top recurrent layer's state after each sequence's last
    valid step: what the ``pooling="last"`` read-out sees, with both
    directions side by side for a bidirectional network (the backward
    direction after reading the sequence back to its first step). With
    ``all_steps=True``, the top layer's state at every valid step. Padding
    never leaks in: a sequence gets the same states alone and in any batch.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor or Pipeline
        A fitted RNN estimator, or a fitted pipeline whose final step is one;
        the pipeline's other steps transform X first (e.g. a
        :class:`~sklearn_rnn.SequenceScaler`).
    X : array-like, list of array-likes or DataFrame
        Sequences in any form the estimator accepts.
    all_steps : bool, default=False
        Return the state at every valid step instead of the last one.

    Returns
    -------
    states : ndarray or list of ndarray
        With ``all_steps=False``, an array of shape ``(n_samples,
        hidden_size * directions)``. With ``all_steps=True``, an array of
        shape ``(n_samples, n_timesteps, hidden_size * directions)`` when all
        sequences have the same length, else a list of ``(T_i, hidden_size *
        directions)`` arrays in the order of X. float32.

    See Also
    --------
    HiddenStateTransformer : The same as a scikit-learn transformer.
    attribute : Which time steps and features drove each output.

    Notes
    -----
    The last state is returned whatever the estimator's ``pooling``: an
    estimator with ``pooling="max"`` or ``"mean"`` feeds its read-out the
    maximum or mean of the ``all_steps=True`` states instead. For a
    bidirectional network the step states hold each direction's state at
    that step, so the last step's backward half is not the backward part of
    the last state. When the network reads patches of several steps
    (``patch_size_ > 1``), every step of a patch gets the state after that
    patch.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> from sklearn_rnn.inspection import hidden_states
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=(n, 2)) for n in (4, 7, 5, 6)]
    >>> clf = RNNClassifier(hidden_size=3, max_iter=2, random_state=0)
    >>> clf = clf.fit(X, [0, 1, 0, 1])
    >>> clf.bidirectional_  # "auto": both ways, 3 units each
    True
    >>> hidden_states(clf, X).shape
    (4, 6)
    >>> [s.shape for s in hidden_states(clf, X, all_steps=True)]
    [(4, 6), (7, 6), (5, 6), (6, 6)]
    """
    rnn, seqs = rnn_sequences(estimator, X, "hidden_states")
    net = rnn.net_
    module = net.module_
    last = np.empty((len(seqs), module.head.in_features), dtype=np.float32)
    steps = [None] * len(seqs)
    with evaluating(module), torch.no_grad(), full_precision(), cpu_threads(net.device):
        for rows, (batch, _) in length_ordered_batches(seqs, rnn.batch_size):
            X_batch, lengths = batch["X"].to(net.device), batch["lengths"]
            if not all_steps:
                last[rows] = module.last_state(X_batch, lengths).cpu().numpy()
                continue
            batch_steps, _ = module.step_states(X_batch, lengths)
            for row, states, n in zip(
                rows, batch_steps.cpu().numpy(), lengths.tolist(), strict=True
            ):
                steps[row] = states[:n]
    return per_sequence(steps, seqs) if all_steps else last
