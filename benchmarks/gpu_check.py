"""Checks that need a CUDA GPU; run by hand on a machine that has one.

    python benchmarks/gpu_check.py

1. ``device="auto"`` trains on CUDA; ragged batches give the same
   predictions alone and together (padding invariance on the GPU).
2. Packed sequences take cuDNN's RNN kernels (``aten::_cudnn_rnn``).
3. A model fitted on CUDA and saved with joblib loads and predicts in a
   process that sees no GPU (``CUDA_VISIBLE_DEVICES=""``).
4. Fit time of the default pipeline on Japanese Vowels, CUDA vs CPU.
"""

import os
import subprocess
import sys
import tempfile
import time
import warnings

import joblib
import numpy as np
import torch
from sklearn.pipeline import make_pipeline
from torch.profiler import ProfilerActivity, profile

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn._batching import SequenceDataset
from sklearn_rnn._sequences import as_sequences
from sklearn_rnn.datasets import load_japanese_vowels

LOAD_ON_CPU = """
import sys, joblib, numpy as np, torch
assert not torch.cuda.is_available()
model, X = joblib.load(sys.argv[1]), joblib.load(sys.argv[2])
np.save(sys.argv[3], model.predict_proba(X))
print("loaded on", model[-1].net_.device)
"""


def main():
    warnings.simplefilter("ignore")
    assert torch.cuda.is_available(), "no CUDA device"
    print("torch", torch.__version__, "on", torch.cuda.get_device_name(0))
    X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)

    for cell in ("gru", "lstm", "rnn"):
        clf = RNNClassifier(cell=cell, bidirectional=True, max_iter=20, random_state=0)
        model = make_pipeline(SequenceScaler(), clf).fit(X_train, y_train)
        assert str(clf.net_.device).startswith("cuda"), clf.net_.device
        assert next(clf.net_.module_.parameters()).is_cuda
        together = model.predict_proba(X_test[:64])
        alone = np.vstack([model.predict_proba(X_test[i : i + 1]) for i in range(64)])
        print(
            f"{cell}: trained on {clf.net_.device}; max |alone - batched| "
            f"proba = {np.abs(together - alone).max():.2e}"
        )
        assert np.allclose(together, alone, atol=1e-5)

    module = clf.net_.module_.eval()
    seqs = as_sequences(model[0].transform(X_test[:64]))
    batch, _ = SequenceDataset(seqs)[np.arange(64)]
    activities = [ProfilerActivity.CPU, ProfilerActivity.CUDA]
    with profile(activities=activities) as prof, torch.no_grad():
        module(batch["X"].cuda(), batch["lengths"])
    ops = {event.key for event in prof.key_averages()}
    print("cuDNN RNN kernel on packed input:", "aten::_cudnn_rnn" in ops)

    with tempfile.TemporaryDirectory() as tmp:
        gru = make_pipeline(
            SequenceScaler(), RNNClassifier(max_iter=20, random_state=0)
        )
        gru.fit(X_train, y_train)
        paths = [os.path.join(tmp, n) for n in ("model.joblib", "X.joblib", "p.npy")]
        joblib.dump(gru, paths[0])
        joblib.dump(X_test, paths[1])
        env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
        run = subprocess.run(
            [sys.executable, "-c", LOAD_ON_CPU, *paths],
            env=env,
            capture_output=True,
            text=True,
        )
        print(run.stdout.strip(), run.stderr.strip()[-300:])
        on_cpu = np.load(paths[2])
        on_gpu = gru.predict_proba(X_test)
        print(
            f"CUDA-fitted model on a CPU-only process: max |diff| = "
            f"{np.abs(on_cpu - on_gpu).max():.2e}"
        )
        assert (on_cpu.argmax(1) == on_gpu.argmax(1)).mean() > 0.99

    for device in ("cuda", "cpu"):
        start = time.perf_counter()
        model = make_pipeline(
            SequenceScaler(), RNNClassifier(device=device, random_state=0)
        ).fit(X_train, y_train)
        print(
            f"default pipeline on {device}: {time.perf_counter() - start:.1f} s, "
            f"{model[-1].n_iter_} epochs, test accuracy "
            f"{model.score(X_test, y_test):.3f}"
        )
    print("GPU CHECK PASSED")


if __name__ == "__main__":
    main()
