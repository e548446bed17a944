"""Default pipeline vs a careful hand-written GRU on Japanese Vowels.

The reference is plain PyTorch: GRU(hidden 64) -> Linear on the last valid
state (packed sequences), Adam at lr 1e-3, batch 32, features standardised,
trained for a fixed number of epochs; it is reported at several epoch
counts, so the best of them is a reference tuned on the test set itself
(an upper bound for a hand-tuned loop). The package runs with its defaults:
``make_pipeline(SequenceScaler(), RNNClassifier(random_state=seed))``.

Run from the repository root (about 5 minutes on 2 cores)::

    python benchmarks/defaults_vs_hand_written.py
"""

import time
import warnings

import numpy as np
import torch
from sklearn.pipeline import make_pipeline
from torch import nn
from torch.nn.utils.rnn import pack_sequence

from sklearn_rnn import RNNClassifier, SequenceScaler
from sklearn_rnn.datasets import load_japanese_vowels

SEEDS = (0, 1, 2)
EPOCHS = (50, 100, 200)


class GRUNet(nn.Module):
    def __init__(self, n_features, n_classes, hidden=64):
        super().__init__()
        self.gru = nn.GRU(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_classes)

    def forward(self, sequences):
        _, h = self.gru(pack_sequence(sequences, enforce_sorted=False))
        return self.head(h[-1])


def hand_written(X_train, y_train, X_test, y_test, seed, epoch_marks):
    """Accuracy after each number of epochs in ``epoch_marks``."""
    steps = np.concatenate(X_train)
    mean, std = steps.mean(axis=0), steps.std(axis=0)
    train = [torch.from_numpy((x - mean) / std) for x in X_train]
    test = [torch.from_numpy((x - mean) / std) for x in X_test]
    classes = np.unique(y_train)
    target = torch.from_numpy(np.searchsorted(classes, y_train))
    torch.manual_seed(seed)
    net = GRUNet(steps.shape[1], len(classes))
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    scores = {}
    for epoch in range(1, max(epoch_marks) + 1):
        net.train()
        for batch in torch.randperm(len(train)).split(32):
            optimizer.zero_grad()
            out = net([train[i] for i in batch])
            nn.functional.cross_entropy(out, target[batch]).backward()
            optimizer.step()
        if epoch in epoch_marks:
            net.eval()
            with torch.no_grad():
                pred = classes[net(test).argmax(dim=1).numpy()]
            scores[epoch] = float(np.mean(pred == y_test))
    return scores


def main():
    warnings.simplefilter("ignore")
    X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)
    package, reference = [], {e: [] for e in EPOCHS}
    for seed in SEEDS:
        start = time.perf_counter()
        model = make_pipeline(SequenceScaler(), RNNClassifier(random_state=seed))
        model.fit(X_train, y_train)
        package.append(model.score(X_test, y_test))
        print(
            f"seed {seed}: package {package[-1]:.3f} "
            f"({model[-1].n_iter_} epochs, {time.perf_counter() - start:.0f} s)",
            flush=True,
        )
        for epochs, score in hand_written(
            X_train, y_train, X_test, y_test, seed, EPOCHS
        ).items():
            reference[epochs].append(score)
    print("\nJapanese Vowels, test accuracy, mean (std) over seeds", SEEDS)
    print(
        f"  sklearn_rnn defaults        {np.mean(package):.3f} ({np.std(package):.3f})"
    )
    for epochs, scores in reference.items():
        print(
            f"  hand-written GRU, {epochs:3d} ep  "
            f"{np.mean(scores):.3f} ({np.std(scores):.3f})"
        )


if __name__ == "__main__":
    main()
