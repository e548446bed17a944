"""Last state against maximum on short sequences, by where the signal is.

    python benchmarks/pooling_window.py      # about 3 minutes on 2 cores
    python benchmarks/pooling_window.py --param bidirectional=False

A synthetic task: 20 steps x 3 standard normal features; the label is the
sign of feature 1 summed over 5 consecutive steps starting at step 2, 8 or
14, nothing else matters. The default pipeline,
``make_pipeline(SequenceScaler(), RNNClassifier(random_state=seed))``
(short sequences: read step by step, no front end), is fitted on 500
sequences with ``pooling="last"`` (the classifier's ``"auto"`` here) and
with ``pooling="max"``, seeds 0, 1 and 2, and scored on 1000 others. Where
only the first steps hold the label, the last state has forgotten part of
it; the real short sets of ``benchmarks/accuracy.py`` read better by the
last state.
"""

import argparse
import time
import warnings

import numpy as np
import torch
from accuracy import parse_params
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler

N_STEPS, WIDTH = 20, 5


def window_task(n_samples, seed, start):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, N_STEPS, 3)).astype(np.float32)
    return X, (X[:, start : start + WIDTH, 1].sum(axis=1) > 0).astype(int)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, nargs="*", default=[2, 8, 14])
    parser.add_argument("--seeds", type=int, nargs="*", default=[0, 1, 2])
    parser.add_argument("--param", nargs="*", default=[], help="name=value")
    args = parser.parse_args()
    params = parse_params(args.param)
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    print("signal in steps   pooling  test accuracy, mean (per seed)   fit (s)")
    for start in args.starts:
        X, y = window_task(500, 0, start)
        X_test, y_test = window_task(1000, 1, start)
        for pooling in ("last", "max"):
            scores, began = [], time.perf_counter()
            for seed in args.seeds:
                clf = RNNClassifier(pooling=pooling, random_state=seed, **params)
                model = make_pipeline(SequenceScaler(), clf).fit(X, y)
                scores.append(model.score(X_test, y_test))
            seconds = (time.perf_counter() - began) / len(args.seeds)
            steps = f"{start}-{start + WIDTH - 1} of {N_STEPS}"
            per_seed = " ".join(f"{s:.3f}" for s in scores)
            print(
                f"{steps:<17} {pooling:<8} {np.mean(scores):.3f} ({per_seed})"
                f"{seconds:12.1f}"
            )


if __name__ == "__main__":
    main()
