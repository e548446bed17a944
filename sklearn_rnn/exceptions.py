"""The exceptions and warnings the package raises beyond Python's own."""

__all__ = ["DivergenceError"]


class DivergenceError(ValueError):
    """Raised when training diverges; the estimator is left as it was.

    Either the training loss became NaN or infinite, or the weights kept at
    the end trained to a loss more than twice that of a constant prediction
    (a blow-up that stayed finite). The message names the cure: a lower
    ``learning_rate_init``, ``clip_grad_norm``, scaled inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_rnn import RNNClassifier
    >>> from sklearn_rnn.exceptions import DivergenceError
    >>> X = np.random.default_rng(0).normal(size=(30, 6, 2))
    >>> y = np.arange(30) % 2
    >>> clf = RNNClassifier(learning_rate_init=1e4, max_iter=10, random_state=0)
    >>> try:
    ...     clf.fit(X, y)
    ... except DivergenceError as exc:
    ...     print(str(exc)[:34])
    Training diverged: the training lo
    """
