"""Per-time-step attributions of a fitted RNN's outputs, through captum."""

from numbers import Integral

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from .._batching import STEPS_PER_BATCH
from .._module import full_precision, reading_inputs
from .._target import fitted_target
from .._threads import cpu_threads
from ._common import equal_length_batches, evaluating, per_sequence, rnn_sequences
from ._optional import require

#: Attribution methods by name, with the label the Displays use.
METHODS = {
    "integrated_gradients": "integrated gradients",
    "occlusion": "occlusion",
}


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like"],
        "method": [StrOptions(set(METHODS))],
        "target": "no_validation",
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "window": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def attribute(
    estimator, X, *, method="integrated_gradients", target=None, n_steps=50, window=1
):
    """How much each time step and feature of each sequence drove an output.

    For a classifier, the output explained is the predicted probability of
    the predicted class (or of ``target``); for a regressor, the predicted
    target in the units of y. Attributions are computed with captum on each
    sequence's own valid steps (sequences are grouped by length, never
    padded), so a sequence gets the same attributions alone and in any
    batch.

    - ``"integrated_gradients"``
      (:class:`captum.attr.IntegratedGradients`): gradients integrated along
      the straight path from an all-zero baseline sequence to the sequence.
      The attributions of a sequence add up (to the accuracy of ``n_steps``)
      to its output minus the output of the baseline.
    - ``"occlusion"`` (:class:`captum.attr.Occlusion`): the drop in the
      output when a window of ``window`` consecutive steps of one feature is
      set to zero, averaged over the windows that cover each step.

    Parameters
    ----------
    estimator : RNNClassifier, RNNRegressor or Pipeline
        A fitted RNN estimator, or a fitted pipeline whose final step is one;
        the pipeline's other steps transform X first.
    X : array-like, list of array-likes or DataFrame
        Sequences in any form the estimator accepts.
    method : {"integrated_gradients", "occlusion"}, default="integrated_gradients"
        The attribution method.
    target : class label, array-like of labels, int or None, default=None
        What to explain. For a classifier, a class label (not an index) or
        one label per sequence; None explains each sequence's predicted
        class. For a regressor, the index of the output; None is allowed
        for a single output.
    n_steps : int, default=50
        Integration steps of integrated gradients.
    window : int, default=1
        Time steps occluded at once by occlusion (shortened for shorter
        sequences); wider windows catch evidence spread over several steps.

    Returns
    -------
    attributions : ndarray or list of ndarray
        An array of shape ``(n_samples, n_timesteps, n_features)`` when all
        sequences have the same length, else a list of ``(T_i,
        n_features)`` arrays in the order of X (2-D input is univariate:
        ``n_features`` is 1). float32. Positive values pushed the output up.

    Raises
    ------
    ImportError
        When captum is not installed (``pip install sklearn-rnn[inspection]``).

    See Also
    --------
    AttributionDisplay : Draw one sequence's attributions as a heatmap.
    hidden_states : The network's hidden states.

    Notes
    -----
    The zero baseline (and occluding value) is the mean of each feature
    when X is standardised, e.g. by a :class:`~sklearn_rnn.SequenceScaler`
    in front of the network; put one there to make "zero" mean "average".
    For a pipeline, the attributions are of the network's input, i.e. of X
    after the pipeline's transformers (scaled values), in the network's
    feature order.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> from sklearn_rnn.inspection import attribute
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 8, 2))
    >>> y = (X[:, 2:4, 0].sum(axis=1) > 0).astype(int)
    >>> clf = RNNClassifier(hidden_size=8, max_iter=5, random_state=0).fit(X, y)
    >>> attribute(clf, X[:3]).shape
    (3, 8, 2)
    >>> ragged = [X[0, :5], X[1]]
    >>> [a.shape for a in attribute(clf, ragged, method="occlusion", target=1)]
    [(5, 2), (8, 2)]
    """
    attributions, _ = explain(estimator, X, method, target, n_steps, window)
    return attributions


def explain(estimator, X, method, target, n_steps, window):
    """:func:`attribute`'s work; also returns the explained targets.

    Returns
    -------
    attributions : ndarray or list of ndarray
        As :func:`attribute`.
    targets : ndarray of shape (n_samples,)
        The class label or output index explained for each sequence.
    """
    captum_attr = require("captum.attr", "attribute")
    rnn, seqs = rnn_sequences(estimator, X, "attribute")
    net = rnn.net_
    module = net.module_
    encoder = fitted_target(rnn)
    output = _output_function(module, encoder)
    chosen = encoder.explained_outputs(target, len(seqs))
    attributions = [None] * len(seqs)
    indices = np.zeros(len(seqs), dtype=np.int64)
    # cuDNN computes an RNN's backward pass only in train mode; without it,
    # the network stays in eval mode (no dropout) on the GPU too
    with (
        evaluating(module),
        torch.backends.cudnn.flags(enabled=False),
        full_precision(),
        cpu_threads(net.device),
    ):
        for rows, batch in equal_length_batches(seqs, rnn.batch_size):
            inputs = batch.to(net.device)
            if chosen is None:
                with torch.no_grad():
                    index = output(inputs).argmax(dim=1)
            else:
                index = torch.as_tensor(chosen[rows], device=inputs.device)
            result = _attribution(
                captum_attr, method, module, output, inputs, index, n_steps, window
            )
            indices[rows] = index.cpu().numpy()
            result = result.detach().cpu().numpy().astype(np.float32, copy=False)
            for row, values in zip(rows, result, strict=True):
                attributions[row] = values
    return per_sequence(attributions, seqs), encoder.explained_targets(indices)


def _attribution(captum_attr, method, module, output, inputs, index, n_steps, window):
    """Attributions to each step and feature of ``inputs``.

    An embedded categorical feature's attribution at a step is the sum of
    its embedding values' attributions there: integrated gradients runs on
    the network's inputs after the embeddings, from the all-zero input (0
    for the numbers, the zero padding embedding for the codes). Occlusion
    replaces a code with -1, which the network reads as that padding.
    """
    step_inputs = module.inputs
    if not step_inputs.categorical:
        return _run(captum_attr, method, output, inputs, index, n_steps, window)
    if method == "occlusion":
        baseline = torch.zeros_like(inputs)
        baseline[..., list(step_inputs.categorical)] = -1.0
        return _run(
            captum_attr, method, output, inputs, index, n_steps, window, baseline
        )
    lengths = torch.full((inputs.shape[0],), inputs.shape[1], dtype=torch.int64)
    with torch.no_grad():
        embedded = step_inputs(inputs, lengths)
    with reading_inputs(module):
        result = _run(captum_attr, method, output, embedded, index, n_steps, window)
    columns = torch.as_tensor(step_inputs.feature_of_column, device=result.device)
    folded = result.new_zeros(inputs.shape)
    return folded.index_add_(2, columns, result)


def _run(captum_attr, method, output, inputs, index, n_steps, window, baseline=None):
    # as in prediction, one forward pass holds about STEPS_PER_BATCH steps
    n_sequences = max(len(inputs), STEPS_PER_BATCH // inputs.shape[1])
    if method == "integrated_gradients":
        explainer = captum_attr.IntegratedGradients(output)
        return explainer.attribute(
            inputs,
            baselines=torch.zeros_like(inputs),
            target=index,
            n_steps=n_steps,
            internal_batch_size=n_sequences,
        )
    explainer = captum_attr.Occlusion(output)
    return explainer.attribute(
        inputs,
        sliding_window_shapes=(min(window, inputs.shape[1]), 1),
        strides=(1, 1),
        baselines=0.0 if baseline is None else baseline,
        target=index,
        perturbations_per_eval=max(1, n_sequences // len(inputs)),
    )


def _output_function(module, encoder):
    """The explained outputs of equal-length sequences, as a torch function:
    the network's outputs through the estimator's output transform (class
    probabilities, or predictions in the units of y)."""

    def outputs(inputs):
        lengths = torch.full((inputs.shape[0],), inputs.shape[1], dtype=torch.int64)
        return encoder.output_transform(module(inputs, lengths))

    return outputs
