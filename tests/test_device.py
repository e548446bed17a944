"""The device parameter."""

import copy

import numpy as np
import pytest
import torch
from _helpers import FAST, estimator, fit_quietly, outputs, target

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def test_cpu(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = fit_quietly(estimator(kind, device="cpu"), X, y)
    assert str(est.net_.device) == "cpu"
    assert all(p.device.type == "cpu" for p in est.net_.module_.parameters())
    assert est.predict(X).shape == (len(X),)


def test_auto(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = fit_quietly(estimator(kind, device="auto"), X, y)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert str(est.net_.device) == expected
    # the parameter itself is stored unchanged
    assert est.device == "auto"
    assert est.get_params()["device"] == "auto"


def test_auto_equals_cpu_on_cpu_only_machine(ragged):
    if torch.cuda.is_available():
        pytest.skip("CUDA is available: auto trains on the GPU")
    X, y, _ = ragged
    auto = fit_quietly(estimator("classifier", device="auto"), X, y)
    cpu = fit_quietly(estimator("classifier", device="cpu"), X, y)
    np.testing.assert_array_equal(auto.predict_proba(X), cpu.predict_proba(X))


@pytest.mark.parametrize("device", ["tpu", "gpu", "cuda:x", "CPU", ""])
def test_invalid_device(device, kind, fitted, ragged):
    X, y = ragged[0], target(kind, ragged)
    with pytest.raises(ValueError, match="device"):
        estimator(kind, device=device).fit(X, y)
    est = copy.deepcopy(fitted).set_params(device=device)
    before = outputs(est, X)
    with pytest.raises(ValueError, match="device"):
        est.fit(X, y)
    np.testing.assert_array_equal(outputs(est, X), before)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available")
@pytest.mark.parametrize("device", ["cuda", "cuda:0", "cuda:1"])
def test_cuda_without_cuda(device, kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    with pytest.raises(ValueError, match="CUDA is not available"):
        estimator(kind, device=device).fit(X, y)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_padding_invariance_and_cpu_agreement(ragged):
    X, y, _ = ragged
    gpu = fit_quietly(estimator("classifier", device="cuda"), X, y)
    assert str(gpu.net_.device).startswith("cuda")
    full = gpu.predict_proba(X)
    single = np.concatenate([gpu.predict_proba(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_allclose(full, single, rtol=1e-4, atol=1e-5)
    # same int random_state gives the same predictions on the GPU
    again = fit_quietly(estimator("classifier", device="cuda"), X, y)
    np.testing.assert_allclose(again.predict_proba(X), full, rtol=1e-5, atol=1e-6)
    assert FAST["random_state"] == 0
