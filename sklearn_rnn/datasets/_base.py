"""Loaders in the style of ``sklearn.datasets.load_*``."""

from importlib import resources

import numpy as np
from sklearn.utils import Bunch


def _load_npz(name):
    """The arrays of ``data/<name>.npz``, by name (no pickle allowed)."""
    with (
        (resources.files(__package__) / "data" / f"{name}.npz").open("rb") as f,
        np.load(f, allow_pickle=False) as npz,
    ):
        return {key: npz[key] for key in npz.files}


def _descr(name):
    """The text of ``descr/<name>.rst``."""
    path = resources.files(__package__) / "descr" / f"{name}.rst"
    return path.read_text(encoding="utf-8")


def load_japanese_vowels(*, return_X_y=False):
    """Load the Japanese Vowels speaker data set (variable-length, 12 features).

    Nine male speakers each uttered the Japanese vowels /ae/; every utterance
    is a sequence of 7 to 29 frames of 12 LPC cepstrum coefficients. The task
    is to tell the speaker (classes ``1`` to ``9``). The train/test split is
    the published one: 270 training utterances (30 per speaker) and 370 test
    utterances (24 to 88 per speaker).

    =================   ==========================
    Classes                                      9
    Samples (train)                            270
    Samples (test)                             370
    Sequence lengths                       7 to 29
    Features per step                           12
    =================   ==========================

    Read more in ``sklearn_rnn/datasets/descr/japanese_vowels.rst``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X_train, X_test, y_train, y_test)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X_train``, ``X_test``: lists of float32 arrays of shape
        ``(T_i, 12)``; ``y_train``, ``y_test``: int arrays of speaker labels;
        ``feature_names``, ``target_names`` and ``DESCR``.
    (X_train, X_test, y_train, y_test) : tuple
        When ``return_X_y=True``.

    Examples
    --------
    >>> from sklearn_rnn.datasets import load_japanese_vowels
    >>> data = load_japanese_vowels()
    >>> len(data.X_train), len(data.X_test), data.X_train[0].shape
    (270, 370, (20, 12))
    >>> sorted(set(data.y_train.tolist()))[:3]
    [1, 2, 3]
    """
    arrays = _load_npz("japanese_vowels")
    split = {}
    for part in ("train", "test"):
        lengths = arrays[f"{part}_lengths"].astype(np.int64)
        values = arrays[f"{part}_values"]
        split[f"X_{part}"] = np.split(values, np.cumsum(lengths)[:-1])
        split[f"y_{part}"] = arrays[f"{part}_target"].astype(np.int64)
    if return_X_y:
        return split["X_train"], split["X_test"], split["y_train"], split["y_test"]
    descr = _descr("japanese_vowels")
    return Bunch(
        **split,
        feature_names=[f"lpc_{i}" for i in range(1, 13)],
        target_names=np.arange(1, 10),
        DESCR=descr,
    )


def load_airline():
    """Load the monthly airline passenger totals, 1949 to 1960 (one series).

    Box and Jenkins' "Series G": international airline passengers per month,
    in thousands, with a trend and a yearly season. It is a single series;
    windows cut from it make a sequence-to-value regression problem (see the
    gallery example on regression).

    =================   ==========================
    Values                                     144
    Months                     1949-01 to 1960-12
    Range                               104 to 622
    =================   ==========================

    Read more in ``sklearn_rnn/datasets/descr/airline.rst``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``passengers``: float64 array of shape ``(144,)``, thousands of
        passengers per month; ``months``: ``datetime64[M]`` array of shape
        ``(144,)``; ``DESCR``.

    Examples
    --------
    >>> from sklearn_rnn.datasets import load_airline
    >>> data = load_airline()
    >>> data.passengers.shape, str(data.months[0]), str(data.months[-1])
    ((144,), '1949-01', '1960-12')
    >>> data.passengers[:3]
    array([112., 118., 132.])
    """
    arrays = _load_npz("airline")
    passengers = arrays["passengers"].astype(np.float64)
    months = arrays["months"]
    descr = _descr("airline")
    return Bunch(passengers=passengers, months=months, DESCR=descr)
