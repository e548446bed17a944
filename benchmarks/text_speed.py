"""TextSequencer.transform against CountVectorizer.transform on short texts.

    python benchmarks/text_speed.py                 # ~1 min on 2 cores
    python benchmarks/text_speed.py --n-texts 10000 --repeats 5

The texts are synthetic and short: 3 to 20 words each (about 11 on average,
some capitalised, some followed by punctuation), drawn from 20 000 made-up
words with Zipf-like frequencies (a vocabulary of some 18 000 words).
Both transformers are fitted on the first half of the texts and transform
all of them (the share of tokens unseen in the first half is printed). The
two ``transform`` calls alternate, so that both see the same load of the
machine; the table gives the median of ``--repeats`` timings of each and
the ratio TextSequencer / CountVectorizer (the target is at most 2.0), for
the word analyzer (both by their defaults) and the char analyzer
(``CountVectorizer(analyzer="char")``).
"""

import argparse
import statistics
import time

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer

from sklearn_rnn._text import TextSequencer

LETTERS = np.array(list("abcdefghijklmnopqrstuvwxyz"))
PUNCTUATION = ["", "", "", "", ",", ".", "!", "?", ";"]


def make_texts(n_texts, n_words=20_000, seed=0):
    """``n_texts`` short random texts (see the module docstring)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 10, size=n_words)
    words = ["".join(rng.choice(LETTERS, size=n)) for n in lengths]
    p = 1.0 / np.arange(1, n_words + 1)
    n_per_text = rng.integers(3, 21, size=n_texts)
    picks = rng.choice(n_words, size=n_per_text.sum(), p=p / p.sum()).tolist()
    capital = (rng.random(len(picks)) < 0.1).tolist()
    marks = rng.choice(PUNCTUATION, size=len(picks)).tolist()
    tokens = [
        (words[i].capitalize() if up else words[i]) + mark
        for i, up, mark in zip(picks, capital, marks, strict=True)
    ]
    ends = np.cumsum(n_per_text).tolist()
    return [" ".join(tokens[a:b]) for a, b in zip([0, *ends[:-1]], ends, strict=True)]


def seconds(func):
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def compare(texts, analyzer, repeats):
    """Median seconds of each transform, and the share of unseen tokens."""
    train = texts[: len(texts) // 2]
    sequencer = TextSequencer(analyzer=analyzer).fit(train)
    vectorizer = CountVectorizer(analyzer=analyzer).fit(train)
    ids = np.concatenate(sequencer.transform(texts))
    ours, theirs = [], []
    for _ in range(repeats):
        ours.append(seconds(lambda: sequencer.transform(texts)))
        theirs.append(seconds(lambda: vectorizer.transform(texts)))
    return statistics.median(ours), statistics.median(theirs), np.mean(ids == 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-texts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    texts = make_texts(args.n_texts)
    mean_chars = sum(map(len, texts)) / len(texts)
    print(f"{len(texts)} texts, {mean_chars:.0f} characters on average")
    print(f"median of {args.repeats} transforms of all texts")
    print(
        f"{'analyzer':<10}{'TextSequencer':>15}{'CountVectorizer':>17}"
        f"{'ratio':>8}{'unseen':>9}"
    )
    for analyzer in ("word", "char"):
        ours, theirs, unseen = compare(texts, analyzer, args.repeats)
        print(
            f"{analyzer:<10}{ours:>14.3f}s{theirs:>16.3f}s{ours / theirs:>8.2f}"
            f"{unseen:>9.2%}"
        )


if __name__ == "__main__":
    main()
