"""The adaptive rate's two divisions against MLP's "until 1e-6", per set.

``learning_rate="adaptive"`` divides the learning rate by 5 at each stall
of the stopping rule, at most twice, and stops at the third stall;
scikit-learn's MLP goes on dividing until the rate would fall below 1e-6.
This fits the default pipelines of ``benchmarks/accuracy.py`` (same sets,
splits and seeds) under both rules and prints each set's test score and
mean fit time side by side, and the total fit time per seed::

    python benchmarks/stopping_rule.py --threads 1
    python benchmarks/stopping_rule.py --sets GunPoint ArrowHead
"""

import argparse
import math
import warnings
from unittest import mock

import torch
from accuracy import DEFAULT_SEEDS, SETS, run

from sklearn_rnn._callbacks import StoppingRule

_on_train_begin = StoppingRule.on_train_begin


def _until_the_floor(self, net, **kwargs):
    _on_train_begin(self, net, **kwargs)
    self.max_reductions = math.inf  # only min_lr (1e-6) stops the divisions


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--threads", type=int, help="torch threads")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")
    print(f"{'data set':<22} {'two divisions':>22} {'until 1e-6':>22}")
    totals = [0.0, 0.0]
    for name in args.sets:
        task, _ = SETS[name]
        seeds = DEFAULT_SEEDS[task]
        ours = run(name, task, seeds, {})
        with mock.patch.object(StoppingRule, "on_train_begin", _until_the_floor):
            mlp = run(name, task, seeds, {})
        cells = []
        for i, r in enumerate((ours, mlp)):
            totals[i] += r["time"]
            score = r["rmse"] if task == "regression" else r["mean"]
            label = "RMSE" if task == "regression" else "acc"
            cells.append(f"{label} {score:.4f} {r['time']:6.1f} s")
        print(f"{name:<22} {cells[0]:>22} {cells[1]:>22}", flush=True)
    print(f"{'total fit time':<22} {totals[0]:>20.1f} s {totals[1]:>20.1f} s")


if __name__ == "__main__":
    main()
