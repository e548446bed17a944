"""Cost of an embedded categorical feature against feeding its one-hot
encoding, in one process.

    python benchmarks/embedding_speed.py              # ~4 min on 2 cores
    python benchmarks/embedding_speed.py --repeats 3 --quick

The same fit (GRU, hidden 64, 2000 sequences of 50 steps, one categorical
feature and one number per step, batch 64, 3 epochs, stopping and
clipping off) with the codes embedded (``categorical_features=[0]``, the
"auto" embedding size) and with the codes one-hot encoded into ``n``
float features, for ``n`` categories. Fits alternate within each repeat;
the table gives medians and the ratio embedded / one-hot (below 1: the
embedding is cheaper). One torch thread, as the package trains by default.
"""

import argparse
import statistics
import time
import warnings

import numpy as np

from sklearn_rnn import RNNClassifier
from sklearn_rnn._categorical import auto_embedding_dim


def data(n_categories, n=2000, length=50, seed=0):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, n_categories, size=(n, length))
    numbers = rng.normal(size=(n, length))
    y = (codes[:, -1] % 2 == 0).astype(int) ^ (numbers[:, -1] > 1)
    embedded = np.stack([codes, numbers], axis=2).astype(np.float32)
    one_hot = np.concatenate(
        [np.eye(n_categories, dtype=np.float32)[codes], numbers[..., None]], axis=2
    ).astype(np.float32)
    return embedded, one_hot, y


def fit_time(X, y, **params):
    clf = RNNClassifier(
        bidirectional=False,  # as measured in docs/performance.rst
        max_iter=3,
        batch_size=64,
        n_iter_no_change=10**6,
        clip_grad_norm=None,
        learning_rate="constant",
        random_state=0,
        **params,
    )
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller data")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()
    sizes = args.sizes
    n = 500 if args.quick else 2000
    embedded, one_hot, y = data(10, n=200)
    fit_time(embedded, y, categorical_features=[0])  # warm up: first-call costs
    fit_time(one_hot, y)
    print(f"{'categories':>10} {'dim':>4} {'embedded':>9} {'one-hot':>9} {'ratio':>6}")
    for n_categories in sizes:
        embedded, one_hot, y = data(n_categories, n=n)
        times = {"embedded": [], "one-hot": []}
        for _ in range(args.repeats):
            times["embedded"].append(fit_time(embedded, y, categorical_features=[0]))
            times["one-hot"].append(fit_time(one_hot, y))
        e, o = (statistics.median(times[k]) for k in ("embedded", "one-hot"))
        dim = auto_embedding_dim(n_categories)
        print(f"{n_categories:>10} {dim:>4} {e:>8.2f}s {o:>8.2f}s {e / o:>6.2f}")


if __name__ == "__main__":
    main()
