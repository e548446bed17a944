"""Speed of sklearn_rnn against hand-written PyTorch, in one process.

    python benchmarks/speed.py              # the full suite (~10 min on 2 cores)
    python benchmarks/speed.py --quick      # smaller sizes, for a smoke test
    python benchmarks/speed.py --device cuda

Each contender is timed ``--repeats`` times, the contenders alternating
within each repeat; the table gives medians and the ratio package /
reference (below 1 means the package is faster). ``--clock cpu`` times
this process's CPU time instead of the wall clock: on one thread it is the
same work without the waits of a shared machine, whose wall-clock ratios
move by more than the differences measured here. Every reference uses the
same architecture (LSTM, hidden 64, linear head on the last valid state),
optimizer (Adam), learning rate, batch size and number of epochs; the
package runs with clipping and stopping off so that it does the same work.
Training runs on one torch thread (``torch.set_num_threads(1)``), as the
grid-search workers do.

Cases:

- ``fit equal``: 4000 sequences of 30 steps x 8 features; the reference is
  the minimal loop (pre-made tensors, fused Adam as the package uses, no
  per-batch ``.item()``), the second reference is plain skorch
  (``NeuralNetClassifier``) with a user-written module.
- ``fit ragged``: lengths log-uniform over 8-400 steps; the reference pads
  and packs each random batch with ``pack_padded_sequence``.
- ``predict``: 4000 equal-length sequences against a minimal
  ``torch.inference_mode()`` loop over a pre-made tensor (softmax
  included, as ``predict_proba`` does); then 100 000 ragged sequences
  against a ``torch.no_grad()`` loop that pads each batch of the same size.
  Extra peak memory (resident set above the start of the call) is reported
  too.
- ``grid search``: ``GridSearchCV(n_jobs=1)`` vs ``n_jobs=2``.
- ``steps``: ``return_sequences=True`` (one output per step) against a
  minimal loop that runs each random batch unpacked and masks its
  per-step cross-entropy to the valid steps, equal-length (4000 x 30) and
  ragged (2000 sequences of 8-400 steps).
- ``pooling``: the package's own fit with ``pooling="mean"`` and ``"max"``
  against ``"last"`` (4000 x 30 x 8, batch 64): what each pooling costs.
"""

import argparse
import statistics
import threading
import time
import warnings

import numpy as np
import torch
from sklearn.model_selection import GridSearchCV
from skorch import NeuralNetClassifier
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

from sklearn_rnn import RNNClassifier

HIDDEN, FEATURES, CLASSES, LR = 64, 8, 3, 1e-3


class LSTMNet(nn.Module):
    """What a user would write: LSTM -> Linear on the last valid state."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(FEATURES, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, CLASSES)

    def forward(self, X, lengths=None):
        if lengths is not None:
            X = pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.rnn(X)
        return self.head(h[-1])


def make_data(n, lengths, seed=0):
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(t, FEATURES)).astype(np.float32) for t in lengths]
    y = np.array([int(x[:, 0].mean() > 0) + int(x[-1, 1] > 1) for x in X])
    return X, y


def package(device, **params):
    return RNNClassifier(
        cell="lstm",
        hidden_size=HIDDEN,
        pooling="last",
        conv_layers=0,  # the references have no convolution front end
        bidirectional=False,  # and read forwards only
        learning_rate_init=LR,
        alpha=0.0,
        clip_grad_norm=None,
        tol=0.0,
        n_iter_no_change=10**6,
        device=device,
        random_state=0,
        **params,
    )


def hand_written_fit(X, y, lengths, batch_size, epochs, device, net=None):
    """The minimal loop: pre-made tensors, fused Adam, no per-batch
    ``.item()``; passes each batch's lengths when given (``LSTMNet`` packs
    the batch). ``net``: the module to train, ``LSTMNet`` if None."""
    torch.manual_seed(0)
    net = (LSTMNet() if net is None else net).to(device)
    # the strongest fair reference: the same fused Adam step as the package
    opt = torch.optim.Adam(net.parameters(), lr=LR, fused=True)
    X, y = X.to(device), torch.as_tensor(y).to(device)
    ragged = lengths is not None
    for _ in range(epochs):
        for idx in torch.randperm(len(y)).split(batch_size):
            opt.zero_grad()
            if ragged:
                batch_lengths = lengths[idx]
                out = net(X[idx, : int(batch_lengths.max())], batch_lengths)
            else:
                out = net(X[idx])
            loss = nn.functional.cross_entropy(out, y[idx])
            loss.backward()
            opt.step()
    return net


def padded(X):
    lengths = torch.tensor([len(x) for x in X])
    out = torch.zeros(len(X), int(lengths.max()), FEATURES)
    for i, x in enumerate(X):
        out[i, : len(x)] = torch.from_numpy(x)
    return out, lengths


class PeakRSS:
    """Peak resident memory above the level at entry, sampled every 1 ms."""

    def __enter__(self):
        self.base = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.extra_mb = (self.peak - self.base) / 2**20

    def _watch(self):
        while not self._stop.wait(0.001):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096


def timed(fn, clock=time.perf_counter):
    start = clock()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return clock() - start


def clock_of(args):
    """The clock ``--clock`` names: the wall clock, or this process's CPU
    time."""
    return time.process_time if args.clock == "cpu" else time.perf_counter


def race(contenders, repeats, clock=time.perf_counter):
    """Median seconds of each contender, alternating them in each repeat."""
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            times[name].append(timed(fn, clock))
    return {name: statistics.median(t) for name, t in times.items()}


def report(title, medians, reference):
    print(f"\n{title}")
    for name, seconds in medians.items():
        ratio = seconds / medians[reference]
        print(f"  {name:<34} {seconds:8.2f} s   ratio {ratio:5.2f}")


def bench_fit_equal(args):
    n = 1000 if args.quick else 4000
    configs = ((30, 64, args.epochs), (30, 16, max(1, args.epochs // 2)))
    for steps, batch_size, epochs in (*configs, (10, 128, args.epochs)):
        fit_equal_case(args, n, steps, batch_size, epochs)


def fit_equal_case(args, n, steps, batch_size, epochs):
    X, y = make_data(n, [steps] * n)
    X3 = np.stack(X)
    tensor = torch.from_numpy(X3)
    skorch_net = NeuralNetClassifier(
        LSTMNet,
        criterion=nn.CrossEntropyLoss,
        optimizer=torch.optim.Adam,
        lr=LR,
        max_epochs=epochs,
        batch_size=batch_size,
        train_split=None,
        iterator_train__shuffle=True,
        device=args.device,
        verbose=0,
    )
    est = package(args.device, batch_size=batch_size, max_iter=epochs)
    medians = race(
        {
            "hand-written loop (reference)": lambda: hand_written_fit(
                tensor, y, None, batch_size, epochs, args.device
            ),
            "sklearn_rnn": lambda: est.fit(X3, y),
            "plain skorch": lambda: skorch_net.fit(X3, y),
        },
        args.repeats,
        clock_of(args),
    )
    report(
        f"fit, equal length: {n} x {steps} steps x {FEATURES}, "
        f"batch {batch_size}, {epochs} epochs",
        medians,
        "hand-written loop (reference)",
    )


def bench_fit_ragged(args):
    n = 500 if args.quick else 2000
    rng = np.random.default_rng(1)
    lengths = np.exp(rng.uniform(np.log(8), np.log(400), size=n)).astype(int)
    X, y = make_data(n, lengths)
    tensor, lengths_t = padded(X)
    est = package(args.device, batch_size=64, max_iter=args.epochs)
    medians = race(
        {
            "hand-written packing loop (reference)": lambda: hand_written_fit(
                tensor, y, lengths_t, 64, args.epochs, args.device
            ),
            "sklearn_rnn": lambda: est.fit(X, y),
        },
        args.repeats,
        clock_of(args),
    )
    report(
        f"fit, ragged: {n} sequences of 8-400 steps (log-uniform), batch 64, "
        f"{args.epochs} epochs",
        medians,
        "hand-written packing loop (reference)",
    )


def bench_predict_equal(args):
    """Equal-length prediction against a minimal inference loop over a
    pre-made tensor, in the package's prediction batches."""
    n = 4000
    X, y = make_data(n, [30] * n)
    X3 = np.stack(X)
    est = package(args.device, batch_size=64, max_iter=1).fit(X3, y)
    module = est.net_.module_.eval()
    tensor = torch.from_numpy(X3).to(args.device)
    lengths = torch.full((1024,), 30)

    def reference():
        outputs = []
        with torch.inference_mode():
            for start in range(0, n, 1024):
                batch = tensor[start : start + 1024]
                logits = module(batch, lengths[: len(batch)])
                outputs.append(torch.softmax(logits.double(), dim=1).cpu())
        return torch.cat(outputs)

    medians = race(
        {
            "inference loop, batch 1024 (reference)": reference,
            "sklearn_rnn predict_proba": lambda: est.predict_proba(X3),
        },
        args.repeats,
        clock_of(args),
    )
    report(
        f"predict, equal length: {n} x 30 steps x {FEATURES}",
        medians,
        "inference loop, batch 1024 (reference)",
    )


def bench_predict(args):
    n = 20_000 if args.quick else 100_000
    rng = np.random.default_rng(2)
    lengths = rng.integers(10, 60, size=n)
    X_train, y_train = make_data(200, lengths[:200])
    est = package(args.device, batch_size=64, max_iter=1).fit(X_train, y_train)
    X, _ = make_data(n, lengths, seed=3)
    module = est.net_.module_.eval()
    batch_size = 1024

    def reference():
        outputs = []
        with torch.no_grad():
            for start in range(0, n, batch_size):
                batch, lens = padded(X[start : start + batch_size])
                outputs.append(module(batch.to(args.device), lens).argmax(1).cpu())
        return torch.cat(outputs)

    memory = {}

    def measured(name, fn):
        def run():
            with PeakRSS() as peak:
                fn()
            memory[name] = peak.extra_mb

        return run

    medians = race(
        {
            "no_grad loop, batch 1024 (reference)": measured("reference", reference),
            "sklearn_rnn predict": measured("package", lambda: est.predict(X)),
        },
        args.repeats,
        clock_of(args),
    )
    report(
        f"predict: {n} sequences of 10-59 steps "
        f"(extra peak memory: reference {memory['reference']:.0f} MB, "
        f"package {memory['package']:.0f} MB)",
        medians,
        "no_grad loop, batch 1024 (reference)",
    )


def bench_pooling(args):
    """What each pooling costs in training, against ``pooling="last"``."""
    n = 1000 if args.quick else 4000
    X, y = make_data(n, [30] * n)
    X3 = np.stack(X)
    contenders = {}
    for pooling in ("last", "mean", "max"):
        est = package(args.device, batch_size=64, max_iter=args.epochs)
        est.set_params(pooling=pooling)
        name = f'pooling="{pooling}"' + (" (reference)" if pooling == "last" else "")
        contenders[name] = lambda est=est: est.fit(X3, y)
    medians = race(contenders, args.repeats, clock_of(args))
    report(
        f"fit by pooling: {n} x 30 steps x {FEATURES}, batch 64, {args.epochs} epochs",
        medians,
        'pooling="last" (reference)',
    )


class StepLSTM(nn.Module):
    """What a user would write for one output per step: LSTM -> Linear on
    every step's state."""

    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(FEATURES, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, CLASSES)

    def forward(self, X):
        steps, _ = self.rnn(X)
        return self.head(steps)


def hand_written_step_fit(X, y, lengths, batch_size, epochs):
    """The minimal per-step loop: a padded tensor of all sequences and of
    their per-step labels; each random batch is cut to its longest
    sequence, run unpacked (causal: padding only follows the valid steps)
    and its cross-entropy masked to the valid steps."""
    torch.manual_seed(0)
    net = StepLSTM()
    opt = torch.optim.Adam(net.parameters(), lr=LR, fused=True)
    steps = torch.arange(X.shape[1])
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(batch_size):
            width = int(lengths[idx].max())
            valid = steps[:width] < lengths[idx, None]
            opt.zero_grad()
            logits = net(X[idx, :width])
            loss = nn.functional.cross_entropy(logits[valid], y[idx, :width][valid])
            loss.backward()
            opt.step()
    return net


def bench_steps(args):
    """return_sequences=True against the minimal masked per-step loop."""
    cases = [("equal", 1000 if args.quick else 4000, None)]
    n = 500 if args.quick else 2000
    rng = np.random.default_rng(1)
    lengths = np.exp(rng.uniform(np.log(8), np.log(400), size=n)).astype(int)
    cases.append(("ragged", n, lengths))
    for kind, n, lengths in cases:
        steps_case(args, kind, n, np.full(n, 30) if lengths is None else lengths)


def steps_case(args, kind, n, lengths):
    X, _ = make_data(n, lengths)
    tags = [(x[:, 0] > 0).astype(int) + (x[:, 1] > 1).astype(int) for x in X]
    tensor, lengths_t = padded(X)
    y_padded = torch.zeros(tensor.shape[:2], dtype=torch.int64)
    for i, t in enumerate(tags):
        y_padded[i, : len(t)] = torch.from_numpy(t)
    est = package(args.device, batch_size=64, max_iter=args.epochs)
    est.set_params(return_sequences=True)
    data = np.stack(X) if kind == "equal" else X
    labels = np.stack(tags) if kind == "equal" else tags
    medians = race(
        {
            "masked per-step loop (reference)": lambda: hand_written_step_fit(
                tensor, y_padded, lengths_t, 64, args.epochs
            ),
            "sklearn_rnn return_sequences=True": lambda: est.fit(data, labels),
        },
        args.repeats,
        clock_of(args),
    )
    report(
        f"fit, one output per step, {kind}: {n} sequences "
        f"({'30 steps' if kind == 'equal' else '8-400 steps'}), batch 64, "
        f"{args.epochs} epochs",
        medians,
        "masked per-step loop (reference)",
    )


def bench_grid_search(args):
    n = 300 if args.quick else 600
    rng = np.random.default_rng(4)
    X, y = make_data(n, rng.integers(10, 40, size=n))
    grid = {"hidden_size": [16, 32], "cell": ["gru", "lstm"]}
    est = RNNClassifier(max_iter=10, tol=0.0, n_iter_no_change=10**6, random_state=0)
    torch.set_num_threads(args.threads)

    def search(n_jobs):
        return GridSearchCV(est, grid, cv=3, n_jobs=n_jobs).fit(X, y)

    medians = race(  # the wall clock: the workers' time is not this process's
        {"n_jobs=1": lambda: search(1), "n_jobs=2": lambda: search(2)},
        args.repeats,
    )
    torch.set_num_threads(1)
    speedup = medians["n_jobs=1"] / medians["n_jobs=2"]
    report(
        f"GridSearchCV, 4 candidates x 3 folds, {n} sequences "
        f"(speed-up of n_jobs=2: {speedup:.2f}x)",
        medians,
        "n_jobs=1",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=torch.get_num_threads(),
        help="torch threads of the n_jobs=1 grid search (default: all)",
    )
    parser.add_argument(
        "--clock",
        choices=["wall", "cpu"],
        default="wall",
        help="wall time, or this process's CPU time: on one thread, the same "
        "work without the waits a shared machine adds (the grid search's "
        "workers are timed by the wall clock either way; CUDA needs wall)",
    )
    parser.add_argument(
        "--only",
        nargs="*",
        default=["equal", "ragged", "predict", "grid", "pooling", "steps"],
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    if args.clock == "cpu" and args.device != "cpu":
        parser.error("--clock cpu times the CPU only; use --clock wall")
    print(
        f"torch {torch.__version__}, device {args.device}, 1 thread for fits, "
        f"{args.clock} clock"
    )
    if "equal" in args.only:
        bench_fit_equal(args)
    if "ragged" in args.only:
        bench_fit_ragged(args)
    if "predict" in args.only:
        bench_predict_equal(args)
        bench_predict(args)
    if "grid" in args.only:
        bench_grid_search(args)
    if "pooling" in args.only:
        bench_pooling(args)
    if "steps" in args.only:
        bench_steps(args)


if __name__ == "__main__":
    main()
