"""Accuracy of the default pipeline on public data sets, published splits.

The data come from the ``.ts`` files that aeon ships; aeon is a
benchmark-only extra and is never imported (its dependencies are not
needed)::

    pip install --no-deps aeon==1.6.0
    python benchmarks/accuracy.py                 # all sets, 3 seeds
    python benchmarks/accuracy.py --sets GunPoint --seeds 0
    python benchmarks/accuracy.py --param pooling=max   # a non-default setting

For each set, ``make_pipeline(SequenceScaler(), RNNClassifier())`` (or
``RNNRegressor``) with every other parameter at its default is fitted on the
published training split with ``random_state`` = each seed and scored on
the test split (accuracy, or R^2 for regression: 0 is predicting the
training mean). Printed: mean and standard deviation over seeds, mean fit
time, and the 1-NN DTW accuracy used as the bar to clear (the values given
in the project's issue 4, from the UCR/UEA archive results).
"""

import argparse
import ast
import contextlib
import importlib.util
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.pipeline import make_pipeline
from ts_format import read_ts

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

#: name -> (task, 1-NN DTW test accuracy or None)
SETS = {
    "GunPoint": ("classification", 0.907),
    "ArrowHead": ("classification", 0.703),
    "OSULeaf": ("classification", 0.612),
    "BasicMotions": ("classification", None),
    "JapaneseVowels": ("classification", 0.949),
    "Covid3Month": ("regression", None),
}


def aeon_data_folder():
    spec = importlib.util.find_spec("aeon")
    if spec is None:
        raise SystemExit("aeon is not installed: pip install --no-deps aeon==1.6.0")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data"


def load(name, task):
    folder = aeon_data_folder() / name
    X_train, y_train = read_ts(folder / f"{name}_TRAIN.ts")
    X_test, y_test = read_ts(folder / f"{name}_TEST.ts")
    if task == "regression":
        y_train, y_test = y_train.astype(float), y_test.astype(float)
    return X_train, X_test, y_train, y_test


def run(name, task, seeds, params):
    X_train, X_test, y_train, y_test = load(name, task)
    Estimator = RNNClassifier if task == "classification" else RNNRegressor
    scores, times = [], []
    for seed in seeds:
        model = make_pipeline(SequenceScaler(), Estimator(random_state=seed, **params))
        start = time.perf_counter()
        model.fit(X_train, y_train)
        times.append(time.perf_counter() - start)
        scores.append(model.score(X_test, y_test))
    lengths = [len(x) for x in X_train]
    return {
        "shape": f"{len(X_train)}/{len(X_test)} x {min(lengths)}-{max(lengths)}"
        f" x {X_train[0].shape[1]}",
        "mean": np.mean(scores),
        "std": np.std(scores),
        "time": np.mean(times),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2])
    parser.add_argument(
        "--param",
        nargs="*",
        default=[],
        help="estimator parameters to change, as name=value (Python literals)",
    )
    args = parser.parse_args()
    params = dict(item.split("=", 1) for item in args.param)
    for key, value in params.items():
        with contextlib.suppress(ValueError, SyntaxError):  # else a string
            params[key] = ast.literal_eval(value)
    warnings.simplefilter("ignore")
    print(
        f"{'data set':<15} {'train/test x T x F':<24} {'score':>13} "
        f"{'fit (s)':>8} {'1-NN DTW':>9}"
    )
    for name in args.sets:
        task, dtw = SETS[name]
        r = run(name, task, args.seeds, params)
        metric = "acc" if task == "classification" else "R^2"
        print(
            f"{name:<15} {r['shape']:<24} {metric} {r['mean']:.3f} ({r['std']:.3f})"
            f" {r['time']:8.1f} {'' if dtw is None else f'{dtw:.3f}':>9}",
            flush=True,
        )


if __name__ == "__main__":
    main()
