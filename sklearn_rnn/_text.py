"""Text to sequences of token ids, for recurrent networks over text."""

from collections import Counter
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import check_is_fitted

_STRING_RECEIVED = "Iterable over raw text documents expected, string object received."


class TextSequencer(TransformerMixin, BaseEstimator):
    """Turn texts into sequences of token ids.

    Each text becomes a 1-D int64 array of token ids, one id per word (or per
    character), in the order of the text: the input a recurrent network with
    an embedding of its categorical feature reads, such as
    ``make_pipeline(TextSequencer(), RNNClassifier(categorical_features=[0]))``.

    Words are read by scikit-learn's own
    :class:`~sklearn.feature_extraction.text.CountVectorizer` analyzer
    (its ``lowercase`` and ``token_pattern``). Characters are read as they
    are, whitespace and line breaks included (unlike ``CountVectorizer``'s
    ``analyzer="char"``, which normalises whitespace), so that a model can
    learn where lines end.

    Ids start at 1, the most frequent token first (total count over the
    training texts; ties in order of first appearance); id 0 stands for
    every token outside the vocabulary. A text without any token becomes the
    one-step sequence ``[0]``.

    Parameters
    ----------
    analyzer : {"word", "char"}, default="word"
        Read words (by ``token_pattern``) or single characters.
    lowercase : bool, default=True
        Convert the texts to lowercase before reading them.
    token_pattern : str, default=r"(?u)\\b\\w\\w+\\b"
        Regular expression for a word, as in ``CountVectorizer`` (if it has
        one capturing group, the group is the token). Only read when
        ``analyzer="word"``.
    max_tokens : int or None, default=None
        Keep at most this many tokens in the vocabulary, the most frequent
        ones (id 0 is not counted). None keeps all.
    min_df : int or float, default=1
        Keep only the tokens found in at least this many training texts
        (int), or in at least this fraction of them (float in [0.0, 1.0]),
        as in ``CountVectorizer``. Applied before ``max_tokens``.

    Attributes
    ----------
    vocabulary_ : dict
        Token to id, ids from 1 to ``n_tokens = len(vocabulary_)``, in id
        order.
    tokens_ : ndarray of shape (n_tokens + 1,), dtype=object
        Id to token: ``tokens_[i]`` is the token of id ``i``, and
        ``tokens_[0]`` is None (out of the vocabulary). Used by
        :meth:`inverse_transform`.

    See Also
    --------
    sklearn.feature_extraction.text.CountVectorizer : Texts to token counts,
        one column per token (the order of the tokens is lost).

    Notes
    -----
    There is no ``get_feature_names_out`` (nor ``set_output``): the output is
    not a table with one column per feature but one variable-length sequence
    of ids per text; :attr:`tokens_` names the ids.

    Examples
    --------
    >>> from sklearn_rnn.preprocessing import TextSequencer
    >>> texts = ["the cat sat", "the dog sat down", "a bird"]
    >>> seq = TextSequencer().fit(texts)
    >>> seq.vocabulary_
    {'the': 1, 'sat': 2, 'cat': 3, 'dog': 4, 'down': 5, 'bird': 6}
    >>> seq.transform(["The bird sat on the mat", "!"])
    [array([1, 6, 2, 0, 1, 0]), array([0])]
    >>> seq.inverse_transform([[1, 0, 2]])
    [['the', None, 'sat']]
    >>> chars = TextSequencer(analyzer="char").fit(["ab\\nba"])
    >>> chars.vocabulary_
    {'a': 1, 'b': 2, '\\n': 3}
    >>> chars.transform(["ab\\n"])
    [array([1, 2, 3])]
    """

    _parameter_constraints: dict = {
        "analyzer": [StrOptions({"word", "char"})],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "max_tokens": [None, Interval(Integral, 1, None, closed="left")],
        "min_df": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="both"),
        ],
    }

    def __init__(
        self,
        analyzer="word",
        lowercase=True,
        token_pattern=r"(?u)\b\w\w+\b",
        max_tokens=None,
        min_df=1,
    ):
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.max_tokens = max_tokens
        self.min_df = min_df

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the vocabulary of the texts.

        Parameters
        ----------
        X : iterable of str
            The texts: a list, tuple, 1-D array or Series of strings.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted sequencer.
        """
        self._fit(self._tokenize_all(X))
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Learn the vocabulary and return the texts as token ids.

        The same as ``fit(X).transform(X)``, reading each text once.

        Parameters
        ----------
        X : iterable of str
            The texts: a list, tuple, 1-D array or Series of strings.
        y : None
            Ignored.

        Returns
        -------
        sequences : list of ndarray of shape (T_i,), dtype=int64
            The token ids of each text.
        """
        token_lists = self._tokenize_all(X)
        self._fit(token_lists)
        return self._to_ids(token_lists)

    def transform(self, X):
        """Turn each text into its sequence of token ids.

        Parameters
        ----------
        X : iterable of str
            The texts: a list, tuple, 1-D array or Series of strings.

        Returns
        -------
        sequences : list of ndarray of shape (T_i,), dtype=int64
            The token ids of each text, 0 for a token outside the vocabulary;
            ``[0]`` for a text without any token.
        """
        check_is_fitted(self)
        return self._to_ids(map(self._build_analyzer(), _check_texts(X)))

    def inverse_transform(self, X):
        """Turn sequences of token ids back into lists of tokens.

        Parameters
        ----------
        X : iterable of array-like of int
            Sequences of ids, such as the output of :meth:`transform`.

        Returns
        -------
        tokens : list of list
            The tokens of each sequence, None for id 0.
        """
        check_is_fitted(self)
        return [self.tokens_[self._check_ids(ids)].tolist() for ids in X]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _build_analyzer(self):
        """One text to its list of tokens, by scikit-learn's preprocessing."""
        vectorizer = CountVectorizer(
            lowercase=self.lowercase, token_pattern=self.token_pattern
        )
        if self.analyzer == "word":
            return vectorizer.build_analyzer()
        preprocess = vectorizer.build_preprocessor()
        return lambda text: list(preprocess(text))

    def _tokenize_all(self, X):
        return list(map(self._build_analyzer(), _check_texts(X)))

    def _fit(self, token_lists):
        counts = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        if not counts:
            raise ValueError(
                "Empty vocabulary: no text has a token. Check analyzer and "
                "token_pattern."
            )
        kept = self._prune(counts, token_lists)
        # sorted is stable: tokens of equal count keep their first appearance
        ranked = sorted(kept, key=lambda token: -counts[token])[: self.max_tokens]
        self.vocabulary_ = {token: i for i, token in enumerate(ranked, start=1)}
        self.tokens_ = np.array([None, *ranked], dtype=object)

    def _prune(self, counts, token_lists):
        """The tokens of ``counts`` found in at least ``min_df`` texts."""
        min_count = (
            self.min_df
            if isinstance(self.min_df, Integral)
            else self.min_df * len(token_lists)
        )
        if min_count <= 1:
            return list(counts)  # every counted token is in one text at least
        document_counts = Counter()
        for tokens in token_lists:
            document_counts.update(set(tokens))
        kept = [token for token in counts if document_counts[token] >= min_count]
        if not kept:
            raise ValueError(
                f"After pruning, no token remains: none is in {min_count:g} "
                "texts or more. Try a lower min_df."
            )
        return kept

    def _to_ids(self, token_lists):
        get = self.vocabulary_.get
        int64 = np.int64
        return [
            np.array([get(token, 0) for token in tokens] or [0], dtype=int64)
            for tokens in token_lists
        ]

    def _check_ids(self, ids):
        ids = np.asarray(ids)
        if ids.ndim != 1 or (ids.size and ids.dtype.kind not in "iu"):
            raise ValueError(
                "inverse_transform expects 1-D sequences of integer ids; got "
                f"an array of shape {ids.shape} and dtype {ids.dtype}."
            )
        ids = ids.astype(np.intp, copy=False)
        if ids.size and (ids.min() < 0 or ids.max() >= len(self.tokens_)):
            raise ValueError(
                f"Token ids must lie in [0, {len(self.tokens_) - 1}]; got ids "
                f"from {ids.min()} to {ids.max()}."
            )
        return ids


def _check_texts(X):
    """X as a list of str, or a clear error."""
    if isinstance(X, (str, bytes)):
        raise ValueError(_STRING_RECEIVED)
    if getattr(X, "ndim", 1) != 1:
        raise ValueError(
            "TextSequencer expects a 1-D list, array or Series of strings; got "
            f"{type(X).__name__} of shape {X.shape}."
        )
    try:
        texts = X.tolist() if isinstance(X, np.ndarray) else list(X)
    except TypeError:
        raise TypeError(
            f"TextSequencer expects an iterable of strings; got {type(X).__name__}."
        ) from None
    if not all(issubclass(kind, str) for kind in set(map(type, texts))):
        _raise_for_non_string(texts)
    return texts


def _raise_for_non_string(texts):
    for i, text in enumerate(texts):
        if not isinstance(text, str):
            raise TypeError(
                f"TextSequencer reads strings only: item {i} of X is "
                f"{type(text).__name__} ({text!r:.40})."
            )
