"""A sequence's prediction is the same to the bit alone and in any batch.

scikit-learn's ``check_methods_subset_invariance`` allows 1e-7 on float64
output, less than float32 rounding, so the network must not round a
sequence differently by batch size; see ``MIN_EVAL_ROWS`` in _module.py.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from _helpers import FAST, estimator, fit_quietly, make_ragged, outputs

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "batch_invariance.py"

#: Kernel choices a CI machine may make by itself (AVX-512 or AVX2 CPUs).
KERNELS = {
    "default": {},
    "aten-avx2": {"ATEN_CPU_CAPABILITY": "avx2"},
    "aten-default": {"ATEN_CPU_CAPABILITY": "default"},
    "mkl-dnnl-avx2": {"MKL_ENABLE_INSTRUCTIONS": "AVX2", "DNNL_MAX_CPU_ISA": "AVX2"},
}


@pytest.mark.parametrize("kernels", KERNELS)
@pytest.mark.parametrize("threads", [1, 2])
def test_module_output_does_not_depend_on_batch(kernels, threads):
    env = {**os.environ, **KERNELS[kernels]}
    args = ["--threads", str(threads), "--max-batch", "20"]
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"cell": "lstm", "num_layers": 2, "pooling": "mean"},
        {"cell": "rnn", "pooling": "max", "patch_size": 3},
    ],
)
@pytest.mark.parametrize("form", ["ragged", "3d", "2d"])
def test_predictions_alone_equal_predictions_in_batch(kind, params, form):
    X, y_class, y_real = make_ragged(n_samples=23, min_len=4, max_len=11)
    if form != "ragged":
        X = np.stack([x[:4] for x in X])
        X = X[:, :, 0] if form == "2d" else X
    y = y_class if kind == "classifier" else y_real
    model = fit_quietly(estimator(kind, **{**FAST, **params}), X, y)
    together = outputs(model, X)
    alone = np.concatenate([outputs(model, X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_array_equal(together, alone)
    reversed_order = outputs(model, X[::-1])
    np.testing.assert_array_equal(together, reversed_order[::-1])
