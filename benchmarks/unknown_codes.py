"""How an embedded categorical feature should read codes unseen in fit.

    python benchmarks/unknown_codes.py            # 3 seeds (~4 min on 2 cores)
    python benchmarks/unknown_codes.py --seeds 5

A code at or above ``n_categories_`` is "unknown". The package reads it
through the mean of the known codes' embedding rows, the average category
(``StepInputs.embed``). Two other rules are measured beside it, patched in
here: a zero vector (the padding vector, "no category"), and a row of its
own trained by reading 2 % of the training steps' codes as unknown, drawn
at random (word dropout, as often done for words).

The task: sessions of product ids (50 products seen in training; ids 0-9
"good", 10-19 "bad", the rest neutral), labelled by whether good products
outnumber bad ones. At test time a share of the neutral products are
replaced by products never seen in fit (ids 50-99). The table gives test
accuracy (mean over seeds) for 0 %, 30 % and 60 % of the neutral products
unseen.
"""

import argparse
import statistics
import warnings
from contextlib import contextmanager

import numpy as np
import torch
from torch import nn

import sklearn_rnn._module as core
from sklearn_rnn import RNNClassifier

N_SEEN = 50


class ZeroUnknown(core.StepInputs):
    """Unknown codes read the zero (padding) vector."""

    def embed(self, table, codes, n, valid):
        unknown = (codes >= n) & valid
        return super().embed(table, codes.masked_fill(unknown, -1), n, valid)


class TrainedUnknown(core.StepInputs):
    """Unknown codes read a row of their own (row n + 1), trained by reading
    2 % of the valid training steps as unknown."""

    rate = 0.02

    def __init__(self, input_size, categorical_features=(), n_categories=(), dims=()):
        super().__init__(input_size, categorical_features, n_categories, dims)
        self.embeddings = nn.ModuleList(
            nn.Embedding(n + 2, int(d), padding_idx=0)
            for n, d in zip(self.n_categories, dims, strict=True)
        )

    def embed(self, table, codes, n, valid):
        rows = codes.long().clamp(max=n) + 1
        if self.training:
            dropped = torch.rand(rows.shape, device=rows.device) < self.rate
            rows = rows.masked_fill(dropped, n + 1)
        return table(rows.masked_fill((codes < 0) | ~valid, 0))


RULES = {
    "mean of the codes' rows (package)": core.StepInputs,
    "zero vector": ZeroUnknown,
    "own row, 2 % replaced in training": TrainedUnknown,
}


@contextmanager
def rule(inputs):
    original = core.StepInputs
    core.StepInputs = inputs
    try:
        yield
    finally:
        core.StepInputs = original


def sessions(n, rng, unseen_share=0.0):
    X, y = [], []
    for length in rng.integers(5, 30, size=n):
        ids = rng.integers(0, N_SEEN, size=length)
        good, bad = (ids < 10).sum(), ((ids >= 10) & (ids < 20)).sum()
        neutral = ids >= 20
        new = neutral & (rng.random(length) < unseen_share)
        ids[new] = rng.integers(N_SEEN, 2 * N_SEEN, size=new.sum())
        X.append(ids.reshape(-1, 1))
        y.append(int(good > bad))
    return X, np.array(y)


def accuracy(inputs, seed, shares):
    rng = np.random.default_rng(seed)
    X, y = sessions(1500, rng)
    clf = RNNClassifier(
        categorical_features=[0],
        pooling="mean",
        bidirectional=False,  # as measured in docs/performance.rst
        max_iter=40,
        random_state=seed,
    )
    with rule(inputs), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
        test_rng = np.random.default_rng(seed + 1000)
        return [clf.score(*sessions(1000, test_rng, share)) for share in shares]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    shares = (0.0, 0.3, 0.6)
    print(f"test accuracy, mean of {args.seeds} seeds")
    print(f"{'unknown codes read':<35}" + "".join(f"{s:>6.0%} unseen" for s in shares))
    for name, inputs in RULES.items():
        runs = [accuracy(inputs, seed, shares) for seed in range(args.seeds)]
        means = [statistics.mean(r[i] for r in runs) for i in range(len(shares))]
        print(f"{name:<35}" + "".join(f"{m:>13.3f}" for m in means))


if __name__ == "__main__":
    main()
