"""Fit time on an idle and on a busy machine, by torch thread count.

    python benchmarks/threads.py               # ~6 min on 2 cores
    python benchmarks/threads.py --repeats 1   # ~2 min

Each fit runs in a fresh process: ``RNNClassifier(random_state=0)`` with
its defaults on ``make_classification(300, 20, random_state=0)`` (300
univariate sequences of 20 steps), as a new user would run it. Contenders:

- ``package's choice``: nothing set; the package computes on one thread;
- ``2 threads``: ``OMP_NUM_THREADS=2``, torch's default on 2 cores (what
  the package did before it chose);
- ``1 thread, denormals flushed``: ``torch.set_flush_denormal(True)``, to
  see whether denormal floats slow training down.

"Busy" runs one CPU-bound process (a Python busy loop) beside the fit.
The table gives medians of ``--repeats`` fits, each contender's busy/idle
ratio and its ``n_iter_`` (the same for all: the thread count does not
change the result). A second table times larger networks (2 epochs on
2000 x 40 x 8) with 1 and 2 threads on the idle machine.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

FIT = """
import json, sys, time, warnings
import torch
from sklearn.datasets import make_classification
from sklearn_rnn import RNNClassifier
warnings.simplefilter("ignore")
if {flush}:
    torch.set_flush_denormal(True)
X, y = make_classification(300, 20, random_state=0)
start = time.perf_counter()
est = RNNClassifier(random_state=0).fit(X, y)
print(json.dumps({{"seconds": time.perf_counter() - start, "n_iter": est.n_iter_}}))
"""

LARGE = """
import json, time, warnings
import numpy as np, torch
from sklearn_rnn import RNNClassifier
warnings.simplefilter("ignore")
rng = np.random.default_rng(0)
X = rng.normal(size=(2000, 40, 8)).astype(np.float32)
y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
RNNClassifier(hidden_size=8, max_iter=1).fit(X[:100], y[:100])  # warm-up
start = time.perf_counter()
RNNClassifier(hidden_size={hidden}, batch_size={batch}, max_iter=2,
              random_state=0).fit(X, y)
print(json.dumps({{"seconds": time.perf_counter() - start}}))
"""

CONTENDERS = {
    "package's choice": ({}, False),
    "2 threads": ({"OMP_NUM_THREADS": "2"}, False),
    "1 thread, denormals flushed": ({"OMP_NUM_THREADS": "1"}, True),
}


def run(code, env):
    clean = {k: v for k, v in os.environ.items() if not k.endswith("NUM_THREADS")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def busy_loop():
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def default_fits(repeats):
    print("\nDefault fit, make_classification(300, 20), medians of", repeats)
    print(f"  {'':<30} {'idle':>8} {'busy':>8} {'busy/idle':>10} {'n_iter_':>8}")
    for name, (env, flush) in CONTENDERS.items():
        times = {"idle": [], "busy": []}
        iters = set()
        for _ in range(repeats):
            for state in ("idle", "busy"):
                loop = busy_loop() if state == "busy" else None
                time.sleep(0.2 if loop else 0)
                try:
                    out = run(FIT.format(flush=flush), env)
                finally:
                    if loop is not None:
                        loop.kill()
                        loop.wait()
                times[state].append(out["seconds"])
                iters.add(out["n_iter"])
        idle, busy = (statistics.median(times[s]) for s in ("idle", "busy"))
        print(
            f"  {name:<30} {idle:7.2f}s {busy:7.2f}s {busy / idle:9.2f}x "
            f"{'/'.join(map(str, sorted(iters))):>8}"
        )


def large_fits(repeats):
    print("\nLarger networks, idle, 2 epochs on 2000 x 40 x 8, medians of", repeats)
    for hidden, batch in ((64, 32), (256, 128), (512, 256)):
        medians = {}
        for threads in ("1", "2"):
            code = LARGE.format(hidden=hidden, batch=batch)
            runs = [run(code, {"OMP_NUM_THREADS": threads}) for _ in range(repeats)]
            medians[threads] = statistics.median(r["seconds"] for r in runs)
        print(
            f"  hidden_size={hidden:<4} batch_size={batch:<4} 1 thread "
            f"{medians['1']:6.2f}s  2 threads {medians['2']:6.2f}s  "
            f"(1 thread / 2 threads: {medians['1'] / medians['2']:.2f})"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=["default", "large"])
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs")
    if "default" in args.only:
        default_fits(args.repeats)
    if "large" in args.only:
        large_fits(args.repeats)


if __name__ == "__main__":
    main()
