"""Networks too large for this machine: refused before training, and torch's
out-of-memory failures turned into errors that name the sizes."""

import os
from contextlib import contextmanager

import torch

from ._conv_front import front_kernels
from ._step_inputs import columns_per_numeric

#: Recurrent weight matrices per unit, by cell.
_GATES = {"rnn": 1, "gru": 3, "lstm": 4}


def check_network_size(module):
    """A clear error, before anything is allocated, for a network whose
    weights, gradients and optimizer state would not fit in memory.

    ``module``: the module's parameters (``BaseRNN._module_params``).
    """
    directions = 2 if module["bidirectional"] else 1
    size, layers = module["hidden_size"], module["num_layers"]
    patch_size = module["patch_size"]
    per_layer = directions * _GATES[module["cell"]] * size  # units of every gate
    dims = module.get("embedding_dims", ())
    per_numeric = columns_per_numeric(
        module.get("differences", 0), module.get("standardize_sequences", False)
    )
    # the numeric features' columns, then the embedded codes
    width = (module["input_size"] - len(dims)) * per_numeric + sum(dims)
    tables = sum(
        (n + 2) * d for n, d in zip(module.get("n_categories", ()), dims, strict=True)
    )
    conv = module.get("conv_layers", 0)
    rnn_inputs = width * patch_size
    front = 0
    if conv:  # ConvFrontEnd: a linear map of each layer's window
        rnn_inputs = size
        first, *others = front_kernels(patch_size, conv, module.get("batch_norm"))
        front = size * (first * width + 1) + sum(size * (k * size + 1) for k in others)
    n_weights = (
        tables
        + front
        + module["output_size"] * (size * directions + 1)
        + per_layer * (rnn_inputs + size + 2)
        + (layers - 1) * per_layer * (size * directions + size + 2)
    )
    needed = 4 * 4 * n_weights  # float32 weights, gradients, 2 moments
    available = physical_memory()
    if available is not None and needed > available:
        raise ValueError(
            f"The network of hidden_size={size}, num_layers={layers}, "
            f"patch_size={patch_size} has {n_weights:.3g} weights, which with "
            "their gradients and optimizer state need "
            f"{needed / 2**30:.3g} GiB, more than this machine's "
            f"{available / 2**30:.3g} GiB of memory; lower hidden_size, "
            "num_layers or patch_size."
        )


@contextmanager
def memory_checked(estimator):
    """Run the block; torch's out-of-memory failures become a ValueError
    naming the estimator's sizes."""
    try:
        yield
    except (MemoryError, torch.OutOfMemoryError, RuntimeError) as exc:
        if not isinstance(exc, MemoryError) and "allocate" not in str(exc):
            raise
        raise ValueError(
            f"{type(estimator).__name__} ran out of memory with hidden_size="
            f"{estimator.hidden_size}, num_layers={estimator.num_layers}, "
            f"batch_size={estimator.batch_size} "
            f"({str(exc).splitlines()[0][:200]}); lower them, or pass shorter "
            "sequences."
        ) from exc


def physical_memory():
    """Bytes of memory of this machine, or None where it cannot be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None
