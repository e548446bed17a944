"""The ONNX export of realistic models: agreement with predict_proba /
predict, and onnxruntime's speed beside the estimator's.

    python benchmarks/onnx_check.py              # ~15 s on 2 cores
    python benchmarks/onnx_check.py --n 4000 --hidden 64

For each cell (RNN, GRU, LSTM), uni- and bidirectional, a classifier of two
layers is fitted on ragged random sequences (lengths 5 to 200) and exported
with ``sklearn_rnn.to_onnx``; the table gives the largest absolute
difference between the exported graph (onnxruntime, CPU) and
``predict_proba`` on all the sequences, zero-padded in batches of 256, and
the time each takes. Needs the ``onnx`` extra.
"""

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort

from sklearn_rnn import RNNClassifier
from sklearn_rnn._onnx import to_onnx


def padded_batches(X, size):
    """``(padded, lengths)`` batches of X, in order."""
    for start in range(0, len(X), size):
        batch = X[start : start + size]
        width = max(len(x) for x in batch)
        padded = np.zeros((len(batch), width, batch[0].shape[1]), np.float32)
        for i, x in enumerate(batch):
            padded[i, : len(x)] = x
        yield padded, np.array([len(x) for x in batch], dtype=np.int64)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="sequences")
    parser.add_argument("--hidden", type=int, default=32, help="hidden_size")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    lengths = rng.integers(5, 200, size=args.n)
    X = [rng.normal(size=(n, 4)).astype(np.float32) for n in lengths]
    y = np.array([int(x[:, 0].sum() > 0) for x in X])
    print(f"{'cell':<6}{'bidir':<7}{'max |diff|':>12}{'predict_proba':>15}{'onnx':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for cell in ("rnn", "gru", "lstm"):
            for bidirectional in (False, True):
                clf = RNNClassifier(
                    cell=cell,
                    bidirectional=bidirectional,
                    num_layers=2,
                    hidden_size=args.hidden,
                    max_iter=2,
                    random_state=0,
                )
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    clf.fit(X, y)
                path = to_onnx(clf, Path(folder) / "model.onnx")
                session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
                start = time.perf_counter()
                expected = clf.predict_proba(X)
                estimator_time = time.perf_counter() - start
                start = time.perf_counter()
                got = np.concatenate(
                    [
                        session.run(None, {"X": padded, "lengths": lengths})[0]
                        for padded, lengths in padded_batches(X, 256)
                    ]
                )
                onnx_time = time.perf_counter() - start
                diff = np.abs(got - expected).max()
                print(
                    f"{cell:<6}{bidirectional!s:<7}{diff:>12.2e}"
                    f"{estimator_time:>14.2f}s{onnx_time:>8.2f}s"
                )


if __name__ == "__main__":
    main()
