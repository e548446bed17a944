"""A bidirectional RNN's training step on a ragged batch: packed or padded.

    python benchmarks/bidirectional_speed.py          # about a minute

One forward and backward pass of a bidirectional GRU (hidden 64, 8
features) over batches of 64 sequences of 8-400 steps (uniform, then
log-uniform lengths), on
the CPU with one thread: through
:func:`~torch.nn.utils.rnn.pack_padded_sequence`, and through
``padded_bidirectional``, which the package runs on the CPU (the backward
direction over each sequence reversed within its length). Medians of
``--repeats`` batches, the two alternating; the largest difference of the
last states is printed too.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

sys.path.insert(0, str(Path(__file__).parents[1]))
from sklearn_rnn._bidirectional import padded_bidirectional


def packed_last(rnn, X, lengths):
    packed = pack_padded_sequence(X, lengths, batch_first=True, enforce_sorted=False)
    _, hidden = rnn(packed)
    return hidden[-2:].transpose(0, 1).reshape(len(lengths), -1)


def padded_last(rnn, X, lengths):
    return padded_bidirectional(rnn, X, lengths)[1]


def step_time(run, rnn, X, lengths):
    began = time.perf_counter()
    last = run(rnn, X, lengths)
    last.square().sum().backward()
    return time.perf_counter() - began, last.detach()


def draw_lengths(rng, spread):
    if spread == "uniform":
        return torch.from_numpy(rng.integers(8, 401, 64))
    return torch.from_numpy(np.exp(rng.uniform(np.log(8), np.log(400), 64))).long()


def compare(rnn, rng, spread, repeats):
    """Median seconds a batch, packed and padded, and the largest difference
    of their last states."""
    times = {"packed": [], "padded": []}
    worst = 0.0
    for _ in range(repeats):
        lengths = draw_lengths(rng, spread)
        width = int(lengths.max())
        X = (
            torch.randn(64, width, 8)
            * (torch.arange(width) < lengths[:, None])[..., None]
        )
        seconds, packed = step_time(packed_last, rnn, X, lengths)
        times["packed"].append(seconds)
        seconds, padded = step_time(padded_last, rnn, X, lengths)
        times["padded"].append(seconds)
        worst = max(worst, float((packed - padded).abs().max()))
    return statistics.median(times["packed"]), statistics.median(times["padded"]), worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    rnn = nn.GRU(8, 64, batch_first=True, bidirectional=True)
    print("lengths       packed (s)  padded (s)  ratio  largest difference")
    for spread in ("uniform", "log-uniform"):
        packed, padded, worst = compare(rnn, rng, spread, args.repeats)
        print(
            f"{spread:<13} {packed:10.3f}  {padded:10.3f}  {padded / packed:5.2f}"
            f"  {worst:.1e}"
        )


if __name__ == "__main__":
    main()
