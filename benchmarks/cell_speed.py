"""One training step of each recurrent cell's layer on the CPU.

    python benchmarks/cell_speed.py            # about a minute

One forward and backward pass of a ``nn.GRU``, ``nn.LSTM`` and ``nn.RNN``
layer (hidden 64, 64 inputs, batch first, one torch thread) over a batch
of 32 sequences, at the shapes the classifier's GRU reads after its
convolution front end (64 to 128 patches), forwards only and both ways.
Medians of ``--repeats`` steps, the cells alternating; the ratio is each
cell's time over the GRU's. On the CPU torch runs an LSTM layer as one
oneDNN kernel (``aten::mkldnn_rnn_layer``, forwards and backwards), and a
GRU or Elman layer as a loop of matrix products and elementwise kernels
over the steps, which the backward pass walks again.
"""

import argparse
import statistics
import time

import torch
from torch import nn

CELLS = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}


def step_time(rnn, X):
    began = time.perf_counter()
    outputs, _ = rnn(X)
    outputs.square().sum().backward()
    return time.perf_counter() - began


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print("steps  directions  cell  ms a step  ratio to GRU")
    for steps in (64, 128):
        for bidirectional in (False, True):
            X = torch.randn(32, steps, 64)
            rnns = {
                name: cell(64, 64, batch_first=True, bidirectional=bidirectional)
                for name, cell in CELLS.items()
            }
            times = {name: [] for name in rnns}
            for _ in range(args.repeats):
                for name, rnn in rnns.items():
                    times[name].append(step_time(rnn, X))
            medians = {name: statistics.median(t) for name, t in times.items()}
            for name, seconds in medians.items():
                ratio = seconds / medians["gru"]
                directions = 2 if bidirectional else 1
                print(
                    f"{steps:5d}  {directions:10d}  {name:4s}  {1e3 * seconds:9.1f}"
                    f"  {ratio:12.2f}"
                )


if __name__ == "__main__":
    main()
