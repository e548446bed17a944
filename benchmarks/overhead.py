"""Where a fit's time beyond the minimal hand-written loop goes.

    python benchmarks/overhead.py               # about 2 minutes
    python benchmarks/overhead.py --repeats 21

``benchmarks/speed.py`` gives the package's fit time against the minimal
loop. This splits it, for the same equal-length cases (4000 sequences x 8
features, LSTM, hidden 64, ``pooling="last"``, 2 epochs, one thread, this
process's CPU time, medians of ``--repeats`` with the contenders
alternating):

- ``minimal loop``: speed.py's reference (its own two-layer module);
- ``package module, minimal loop``: the package's module trained by the
  same minimal loop, which tells what the module costs;
- ``package fit``: ``RNNClassifier.fit``, which adds skorch's loop,
  validation, encoding and set-up.

For the last two it also gives the time inside the module's forward
calls and inside ``loss.backward()``; "rest" is the remainder (data,
optimizer, loop). The fixed cost of a fit, measured first (one batch of
128 sequences of 10 steps, the package against the minimal loop), is
taken out of the package's extra rest to give its cost a batch.
"""

import argparse
import contextlib
import copy
import statistics
import time
import warnings

import numpy as np
import torch
from speed import hand_written_fit, make_data, package, race

from sklearn_rnn._module import RecurrentNetwork

CLOCK = time.thread_time


@contextlib.contextmanager
def timed_calls():
    """Seconds spent in RecurrentNetwork.forward and Tensor.backward."""
    spent = {"forward": 0.0, "backward": 0.0}
    forward, backward = RecurrentNetwork.forward, torch.Tensor.backward

    def timing(method, key):
        def wrapper(*args, **kwargs):
            start = CLOCK()
            try:
                return method(*args, **kwargs)
            finally:
                spent[key] += CLOCK() - start

        return wrapper

    RecurrentNetwork.forward = timing(forward, "forward")
    torch.Tensor.backward = timing(backward, "backward")
    try:
        yield spent
    finally:
        RecurrentNetwork.forward, torch.Tensor.backward = forward, backward


def split_case(steps, batch_size, repeats, n=4000, epochs=2):
    """Medians of total, forward, backward and rest seconds per contender."""
    X, y = make_data(n, [steps] * n)
    X3 = np.stack(X)
    tensor, lengths = torch.from_numpy(X3), torch.full((n,), steps)
    est = package("cpu", batch_size=batch_size, max_iter=epochs).fit(X3, y)
    module = est.net_.module_
    contenders = {
        "minimal loop": lambda: hand_written_fit(
            tensor, y, None, batch_size, epochs, "cpu"
        ),
        # the same loop around a copy of the package's module, which reads
        # each batch's lengths
        "package module, minimal loop": lambda: hand_written_fit(
            tensor, y, lengths, batch_size, epochs, "cpu", copy.deepcopy(module)
        ),
        "package fit": lambda: est.fit(X3, y),
    }
    runs = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            with timed_calls() as spent:
                start = CLOCK()
                fn()
                total = CLOCK() - start
            inside = spent["forward"] + spent["backward"]
            runs[name].append(
                (total, spent["forward"], spent["backward"], total - inside)
            )
    return {
        name: [statistics.median(r[i] for r in rows) for i in range(4)]
        for name, rows in runs.items()
    }


def report_split(steps, batch_size, medians, fixed, n=4000, epochs=2):
    batches = epochs * -(-n // batch_size)
    print(f"\n{n} x {steps} steps x 8, batch {batch_size}, {epochs} epochs")
    print(
        f"  {'':<30} {'total':>8} {'ratio':>6} {'forward':>8} {'backward':>9} "
        f"{'rest':>8}"
    )
    reference = medians["minimal loop"][0]
    for name, (total, fwd, bwd, rest) in medians.items():
        parts = f"{fwd:8.3f} {bwd:9.3f} {rest:8.3f}" if name != "minimal loop" else ""
        print(f"  {name:<30} {total:8.3f} {total / reference:6.3f} {parts}")
    extra = medians["package fit"][3] - medians["package module, minimal loop"][3]
    per_batch = (extra - fixed) / batches
    print(
        f"  rest, package fit less minimal loop: {extra * 1e3:.1f} ms; less "
        f"the fixed cost, {per_batch * 1e6:.0f} us a batch over {batches} batches"
    )


def fixed_cost(repeats):
    """Seconds a fit costs the package beyond the minimal loop whatever its
    length: the medians of a one-batch fit (128 sequences of 10 steps)."""
    X, y = make_data(128, [10] * 128)
    X3 = np.stack(X)
    tensor = torch.from_numpy(X3)
    est = package("cpu", batch_size=128, max_iter=1)
    medians = race(
        {
            "minimal loop": lambda: hand_written_fit(tensor, y, None, 128, 1, "cpu"),
            "package fit": lambda: est.fit(X3, y),
        },
        repeats,
        CLOCK,
    )
    print("one batch of 128 x 10 steps x 8 (a fit's fixed cost)")
    for name, seconds in medians.items():
        print(f"  {name:<30} {seconds * 1e3:8.2f} ms")
    return medians["package fit"] - medians["minimal loop"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=11)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, CPU time of this thread\n")
    fixed = fixed_cost(5 * args.repeats)
    for steps, batch_size in ((30, 64), (10, 128)):
        medians = split_case(steps, batch_size, args.repeats)
        report_split(steps, batch_size, medians, fixed)


if __name__ == "__main__":
    main()
