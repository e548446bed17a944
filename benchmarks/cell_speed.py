"""One training step of each recurrent cell's layer on the CPU.

    python benchmarks/cell_speed.py            # about 15 seconds

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

import torch
from speed import race
from torch import nn

CELLS = {"gru": nn.GRU, "lstm": nn.LSTM, "rnn": nn.RNN}


def step(rnn, X):
    """One forward and backward pass of ``rnn`` over X."""
    outputs, _ = rnn(X)
    outputs.square().sum().backward()


def medians(X, bidirectional, repeats):
    """Median seconds of a training step of each cell's layer over X, the
    cells alternating."""
    rnns = {
        name: cell(64, 64, batch_first=True, bidirectional=bidirectional)
        for name, cell in CELLS.items()
    }
    return race(
        {name: lambda rnn=rnn: step(rnn, X) for name, rnn in rnns.items()}, repeats
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=31)
    repeats = parser.parse_args().repeats
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print("steps  directions  cell  ms a step  ratio to GRU")
    for steps, directions in ((64, 1), (64, 2), (128, 1), (128, 2)):
        X = torch.randn(32, steps, 64)
        times = medians(X, directions == 2, repeats)
        for name, seconds in times.items():
            ratio = seconds / times["gru"]
            ms = 1e3 * seconds
            print(f"{steps:5d}  {directions:10d}  {name:4s}  {ms:9.1f}  {ratio:12.2f}")


if __name__ == "__main__":
    main()
