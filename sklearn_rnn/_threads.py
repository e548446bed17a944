"""How many CPU threads torch computes with while the estimators work.

By default ``fit``, ``partial_fit``, prediction and the inspection tools run
torch on one intra-op thread, and give the caller's setting back afterwards.
Measured on a 2-core machine (``python benchmarks/threads.py``): a default
fit is faster on one thread than on two (the network's matrices are small),
and when another process keeps one core busy, two threads make the same fit
3-4 times slower while one thread loses under 10 % (OpenMP threads wait
for a core that is not free). Larger networks gain up to 1.9 times from two
threads on an idle machine.

A thread count the user chose is kept: one set with
``torch.set_num_threads`` after sklearn_rnn was imported, a limit of
``threadpoolctl.threadpool_limits``, or the environment variables
``OMP_NUM_THREADS``, ``MKL_NUM_THREADS`` or ``TORCH_NUM_THREADS`` (which
joblib sets in its worker processes, e.g. for ``GridSearchCV(n_jobs=2)``).
"""

import os
from contextlib import contextmanager

import torch

#: Environment variables that set torch's thread count.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TORCH_NUM_THREADS")

#: torch's intra-op thread count when sklearn_rnn was imported: its default,
#: unless the user had set it before.
_AT_IMPORT = torch.get_num_threads()


def chosen_threads():
    """The intra-op threads to compute with: the user's count if they chose
    one (see the module docstring), else 1."""
    current = torch.get_num_threads()
    chosen = current != _AT_IMPORT or any(
        os.environ.get(name) for name in THREAD_VARIABLES
    )
    return current if chosen else 1


@contextmanager
def cpu_threads(device):
    """Run the block with :func:`chosen_threads` intra-op threads when
    ``device`` is the CPU, restoring the caller's count afterwards."""
    previous = torch.get_num_threads()
    wanted = chosen_threads() if torch.device(device).type == "cpu" else previous
    if wanted == previous:
        yield
        return
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
