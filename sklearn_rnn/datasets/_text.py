"""Text loaders in the style of ``sklearn.datasets.load_*``: sequences of
characters (surnames to classify, a book to model)."""

import numpy as np
from sklearn.utils import Bunch

from ._base import _descr, _load_npz


def load_surnames(*, return_X_y=False):
    """Load the surnames data set (which language a surname is from).

    5,852 distinct surnames from the per-locale surname lists of the Faker
    package, labelled with the language of their locale: Croatian, Czech,
    Dutch, English, Finnish, French, German, Italian, Spanish and Swedish.
    Each name is a short sequence of characters (2 to 14, Latin script with
    diacritics); a name that is on more than one of the lists is left out.
    The train/test split is a fixed stratified one of this copy: 30 % of each
    class in the test set.

    =================   ==========================
    Classes                                     10
    Samples (train)                          4,097
    Samples (test)                           1,755
    Samples per class                 197 to 1,155
    Name lengths                           2 to 14
    Characters                                  94
    =================   ==========================

    Read more in ``sklearn_rnn/datasets/descr/surnames.rst``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X_train, X_test, y_train, y_test)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``X_train``, ``X_test``: lists of str (the surnames);
        ``y_train``, ``y_test``: str arrays of language labels;
        ``target_names``: the 10 labels, sorted; ``target_locales``: the Faker
        locale of each of ``target_names``; ``DESCR``.
    (X_train, X_test, y_train, y_test) : tuple
        When ``return_X_y=True``.

    Examples
    --------
    >>> from sklearn_rnn.datasets import load_surnames
    >>> data = load_surnames()
    >>> len(data.X_train), len(data.X_test)
    (4097, 1755)
    >>> data.X_train[:3], data.y_train[:3].tolist()
    (['Fabre', 'Almeida', 'Timmerman'], ['French', 'Spanish', 'Dutch'])
    >>> data.target_names.tolist()[:4]
    ['Croatian', 'Czech', 'Dutch', 'English']
    """
    arrays = _load_npz("surnames")
    target_names = arrays["target_names"]
    split = {}
    for part in ("train", "test"):
        split[f"X_{part}"] = arrays[f"{part}_names"].tolist()
        split[f"y_{part}"] = target_names[arrays[f"{part}_target"].astype(np.intp)]
    if return_X_y:
        return split["X_train"], split["X_test"], split["y_train"], split["y_test"]
    return Bunch(
        **split,
        target_names=target_names,
        target_locales=arrays["target_locales"],
        DESCR=_descr("surnames"),
    )


def load_alice():
    """Load *Alice's Adventures in Wonderland*, one text for a language model.

    Lewis Carroll's book (1865, public domain) as plain ASCII text, line
    breaks kept: the title, twelve chapters, and "THE END". It suits a
    character-level language model (predict the next character). The held-out
    part ``text_test`` is the tail of the book: the lines after the first line
    break at or after 90 % of the characters; ``text_train`` is the rest, so
    ``text_train + text_test == text``.

    ====================   ==========================
    Characters                                148,476
    Characters (train)                        133,642
    Characters (test)                          14,834
    Lines                                       3,604
    Character set                72, newline included
    ====================   ==========================

    Read more in ``sklearn_rnn/datasets/descr/alice.rst``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``text``: str, the whole book; ``text_train``, ``text_test``: str,
        its first ~90 % and the rest, cut at a line break; ``DESCR``.

    Examples
    --------
    >>> from sklearn_rnn.datasets import load_alice
    >>> data = load_alice()
    >>> len(data.text), len(data.text_train), len(data.text_test)
    (148476, 133642, 14834)
    >>> data.text.splitlines()[0].strip()
    "ALICE'S ADVENTURES IN WONDERLAND"
    >>> len(set(data.text))
    72
    """
    text = _load_npz("alice")["text"].tobytes().decode("utf-8")
    cut = text.index("\n", int(0.9 * len(text))) + 1
    return Bunch(
        text=text, text_train=text[:cut], text_test=text[cut:], DESCR=_descr("alice")
    )
