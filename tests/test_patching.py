"""patch_size: the RNN reads consecutive time steps as one input vector."""

import copy

import numpy as np
import pytest
import torch
from _helpers import FAST, fit_quietly

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._batching import SequenceDataset
from sklearn_rnn._module import RecurrentNetwork
from sklearn_rnn._sequences import as_sequences

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.default_rng(0)
X = [rng.normal(size=(t, 2)).astype(np.float32) for t in rng.integers(1, 20, 30)]
y = np.array([int(x[:, 0].mean() > 0) for x in X])


def by_hand(x, size):
    """x cut into patches of ``size`` steps, the last one zero-filled."""
    n = -(-len(x) // size)
    filled = np.zeros((n * size, x.shape[1]), dtype=np.float32)
    filled[: len(x)] = x
    return filled.reshape(n, size * x.shape[1])


@pytest.mark.parametrize("pooling", ["last", "mean", "max"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_patches_are_consecutive_steps_side_by_side(pooling, bidirectional):
    """A patched module equals a plain one fed the patches by hand."""
    torch.manual_seed(0)
    kwargs = dict(hidden_size=4, bidirectional=bidirectional, pooling=pooling)
    patched = RecurrentNetwork(2, 3, patch_size=3, **kwargs)
    plain = RecurrentNetwork(6, 3, **kwargs)
    plain.load_state_dict(patched.state_dict())
    batch, _ = SequenceDataset(as_sequences(X))[np.arange(len(X))]
    with torch.no_grad():
        got = patched(batch["X"], batch["lengths"])
        expected = torch.cat(
            [
                plain(
                    torch.from_numpy(by_hand(x, 3))[None],
                    torch.tensor([-(-len(x) // 3)]),
                )
                for x in X
            ]
        )
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("Estimator", [RNNClassifier, RNNRegressor])
@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_patched_prediction_does_not_depend_on_the_batch(Estimator, cell):
    target = y if Estimator is RNNClassifier else y.astype(float)
    est = fit_quietly(Estimator(**{**FAST, "patch_size": 4}, cell=cell), X, target)
    batched = est.predict(X)
    alone = np.concatenate([est.predict([x]) for x in X])
    np.testing.assert_allclose(batched, alone, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("lengths", "expected"),
    [
        ((1, 2, 40), 1),
        ((24,), 1),
        ((63, 63, 200), 1),
        ((64,), 4),
        ((40, 100, 160), 5),
        ((251,), 8),
    ],
)
def test_auto_patch_size_from_the_median_length(lengths, expected):
    X_len = [np.zeros((n, 1), dtype=np.float32) for n in lengths]
    est = fit_quietly(
        RNNRegressor(
            **{**FAST, "max_iter": 1, "patch_size": "auto"}, early_stopping=False
        ),
        X_len,
        np.arange(len(X_len)),
    )
    assert est.patch_size == "auto"
    assert est.patch_size_ == expected
    # a patch's steps, each with its first difference when read in patches
    # (differences="auto")
    assert est.differences_ == (1 if expected > 1 else 0)
    assert est.net_.module_.rnn.input_size == expected * (1 + est.differences_)


def test_warm_start_keeps_or_refuses_a_new_patch_size():
    est = fit_quietly(RNNClassifier(**{**FAST, "patch_size": 2}, warm_start=True), X, y)
    before = copy.deepcopy(est.net_.module_.state_dict())
    est.set_params(patch_size=3)
    with pytest.raises(ValueError, match=r"patch_size \(2 -> 3\)"):
        est.fit(X, y)
    for name, tensor in est.net_.module_.state_dict().items():
        torch.testing.assert_close(tensor, before[name])
    est.set_params(patch_size="auto")  # "auto" continues with the fitted value
    fit_quietly(est, X, y)
    assert est.patch_size_ == 2
