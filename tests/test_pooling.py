"""The read-out (pooling) of the hidden states never sees padding."""

import numpy as np
import pytest
import torch

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._batching import SequenceDataset
from sklearn_rnn._module import RecurrentNetwork
from sklearn_rnn._sequences import as_sequences

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.default_rng(0)
X = [rng.normal(size=(t, 3)).astype(np.float32) for t in rng.integers(2, 25, 30)]
y = np.array([int(x[:, 0].mean() > 0) for x in X])


def alone(module, x, pooling):
    """The pooled states of one unpadded sequence, computed by hand."""
    steps, _ = module.rnn(torch.from_numpy(x)[None])
    reduce = {"mean": steps.mean, "max": steps.amax}[pooling]
    return reduce(dim=1)[0]


@pytest.mark.parametrize("pooling", ["mean", "max"])
@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_pooling_over_valid_steps_only(pooling, cell, bidirectional):
    torch.manual_seed(0)
    module = RecurrentNetwork(
        3, 2, cell=cell, hidden_size=5, bidirectional=bidirectional, pooling=pooling
    )
    batch, _ = SequenceDataset(as_sequences(X))[np.arange(len(X))]
    with torch.no_grad():
        pooled = module.encode(batch["X"], batch["lengths"])
        expected = torch.stack([alone(module, x, pooling) for x in X])
    torch.testing.assert_close(pooled, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
def test_pooled_predictions_are_padding_invariant(pooling, Estimator):
    target = y if Estimator is RNNClassifier else y + rng.normal(size=len(y))
    est = Estimator(hidden_size=6, max_iter=3, pooling=pooling, random_state=0)
    est.fit(X, target)
    together = est.predict(X)
    one_by_one = np.concatenate([est.predict(X[i : i + 1]) for i in range(len(X))])
    np.testing.assert_allclose(together, one_by_one, rtol=1e-5, atol=1e-5)


def test_pooling_changes_the_model():
    fits = {
        p: RNNClassifier(hidden_size=6, max_iter=3, pooling=p, random_state=0)
        .fit(X, y)
        .predict_proba(X)
        for p in ("last", "mean", "max")
    }
    assert not np.allclose(fits["last"], fits["mean"])
    assert not np.allclose(fits["mean"], fits["max"])


def test_unknown_pooling_is_refused():
    with pytest.raises(ValueError, match="pooling"):
        RNNClassifier(pooling="attention").fit(X, y)
