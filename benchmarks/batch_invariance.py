"""Is a sequence's output the same, to the bit, alone and in any batch?

For each architecture, the output of one sequence is computed (by the
evaluation copy that ``predict`` runs, ``_module.batch_invariant``) in
batches of 2 to ``--max-batch`` sequences (the others random, of other
lengths) and its bytes compared with its output alone. Run it under several
kernel choices, as ``tests/test_batch_invariance.py`` does::

    python benchmarks/batch_invariance.py
    ATEN_CPU_CAPABILITY=avx2 python benchmarks/batch_invariance.py
    ATEN_CPU_CAPABILITY=default python benchmarks/batch_invariance.py
    MKL_ENABLE_INSTRUCTIONS=AVX2 DNNL_MAX_CPU_ISA=AVX2 \\
        python benchmarks/batch_invariance.py --threads 2

Prints one line per architecture that is not invariant and exits 1 if
there is one. Bidirectional networks included: on the CPU their backward
direction reads each sequence reversed within its own length
(``_bidirectional.padded_bidirectional``), not packed.
"""

import argparse
import sys

import torch

from sklearn_rnn._module import RecurrentNetwork, batch_invariant

#: (cell, hidden_size, input_size, num_layers, bidirectional, ragged, pooling);
#: pooling "steps" is return_sequences=True (one output per valid step)
ARCHITECTURES = [
    (cell, hidden, inputs, layers, False, ragged, pooling)
    for cell in ("gru", "lstm", "rnn")
    for hidden, inputs, layers in (
        (16, 3, 1),
        (64, 12, 2),
        (5, 1, 1),
        (6, 2, 2),
        (9, 7, 1),
    )
    for ragged in (False, True)
    for pooling in ("last", "mean", "max", "steps")
] + [
    (cell, hidden, inputs, layers, True, ragged, pooling)
    for cell in ("gru", "lstm", "rnn")
    for hidden, inputs, layers in ((16, 3, 1), (6, 2, 2))
    for ragged in (False, True)
    for pooling in ("last", "max", "steps")
]

#: With the convolution front end: (..., patch_size, conv_layers).
CONVOLVED = [
    (cell, hidden, inputs, 1, False, ragged, pooling, patch, conv)
    for cell in ("gru", "lstm")
    for hidden, inputs in ((16, 3), (5, 1), (9, 2))
    for ragged in (False, True)
    for pooling, patch, conv in (("max", 3, 2), ("last", 1, 1), ("steps", 1, 3))
]

#: With the batch-normalised front end, its statistics drawn at random:
#: (..., patch_size, conv_layers, 0, False, batch_norm).
NORMALISED = [
    (cell, hidden, inputs, 1, bidirectional, ragged, "max", patch, conv, 0, False, True)
    for cell in ("gru", "lstm")
    for hidden, inputs in ((16, 3), (9, 2))
    for bidirectional in (False, True)
    for ragged in (False, True)
    for patch, conv in ((3, 2), (4, 1))
]

#: Reading differences and sequences standardised by their own moments:
#: (..., patch_size, conv_layers, differences, standardize_sequences).
TRANSFORMED = [
    (cell, hidden, inputs, 1, bidirectional, ragged, pooling, *inputs_read)
    for cell in ("gru", "lstm")
    for hidden, inputs in ((16, 3), (5, 1))
    for bidirectional in (False, True)
    for ragged in (False, True)
    for pooling, *inputs_read in (
        ("last", 1, 0, 1, True),
        ("max", 3, 2, 2, True),
        ("mean", 1, 0, 1, False),
        ("steps", 1, 0, 2, False),
    )
]


def batch_sizes_that_differ(architecture, max_batch, width=25):
    """Batch sizes at which sequence 0's output differs from its output
    alone (padded to its own length only)."""
    cell, hidden, inputs, layers, bidirectional, ragged, pooling, *front = architecture
    # patch_size, conv_layers, differences, standardize, batch_norm
    defaults = (1, 0, 0, False, False)
    patch_size, conv_layers, differences, standardize, batch_norm = (
        *front,
        *defaults[len(front) :],
    )
    module = RecurrentNetwork(
        inputs,
        3,
        cell=cell,
        hidden_size=hidden,
        num_layers=layers,
        bidirectional=bidirectional,
        pooling="last" if pooling == "steps" else pooling,
        return_sequences=pooling == "steps",
        patch_size=patch_size,
        conv_layers=conv_layers,
        differences=differences,
        difference_scales=(0.5,) * (inputs * differences),
        standardize_sequences=standardize,
        sequence_log_scales=(0.1,) * inputs if standardize else (),
        batch_norm=batch_norm,
    )
    if batch_norm:
        _draw_statistics(module.front.norms)
    module = batch_invariant(module.eval())  # what predict runs
    X = torch.randn(max_batch, width, inputs)
    if ragged:
        lengths = torch.randint(3, width + 1, (max_batch,))
        lengths[0] = width // 2
    else:
        lengths = torch.full((max_batch,), width)
    X = X * (torch.arange(width)[None, :, None] < lengths[:, None, None])
    changes = []
    rows = int(lengths[0]) if pooling == "steps" else 1  # sequence 0's outputs
    with torch.inference_mode():
        alone = module(X[:1, : lengths[0]], lengths[:1]).numpy().tobytes()
        for size in range(2, max_batch + 1):
            longest = int(lengths[:size].max())
            out = module(X[:size, :longest], lengths[:size])[:rows].numpy().tobytes()
            if out != alone:
                changes.append(size)
    return changes


def _draw_statistics(norms):
    """Running statistics and scales far from the identity, as training
    leaves them."""
    with torch.no_grad():
        for norm in norms:
            norm.running_mean.uniform_(-2, 2)
            norm.running_var.uniform_(0.1, 5)
            norm.weight.uniform_(0.5, 2)
            norm.bias.uniform_(-1, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-batch", type=int, default=40)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    failed = 0
    for architecture in ARCHITECTURES + CONVOLVED + NORMALISED + TRANSFORMED:
        changes = batch_sizes_that_differ(architecture, args.max_batch)
        if changes:
            failed += 1
            print(f"{architecture}: output changes at batch sizes {changes}")
    capability = torch.backends.cpu.get_cpu_capability()
    print(
        f"{len(ARCHITECTURES + CONVOLVED + NORMALISED + TRANSFORMED)} architectures, "
        f"batches of 1 to "
        f"{args.max_batch}, {args.threads} thread(s), {capability} kernels: "
        f"{failed} not invariant"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
