"""The convolution front end (``conv_layers``): resolution of "auto",
padding invariance, causality, persistence and the batch-invariant copy."""

import numpy as np
import pytest
import torch
from _helpers import (
    FAST,
    assert_alone_equals_batched,
    assert_per_step_regressor_causal,
    fit_quietly,
    make_ragged,
)

from sklearn_rnn import RNNClassifier, RNNRegressor, load
from sklearn_rnn._module import ConvFrontEnd, RecurrentNetwork, batch_invariant


def _long(n_samples=30, length=80, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, length, 2)).astype(np.float32)
    return X, (X[:, 20:40, 0].sum(axis=1) > 0).astype(int)


def test_auto_convolves_only_what_is_read_in_patches():
    X, y = _long()
    clf = fit_quietly(RNNClassifier(hidden_size=8, max_iter=2, random_state=0), X, y)
    assert clf.patch_size_ > 1
    assert clf.conv_layers_ == 2
    assert isinstance(clf.net_.module_.front, ConvFrontEnd)
    assert clf.pooling_ == "max"
    short = fit_quietly(RNNClassifier(**FAST), X[:, :10], y)
    assert short.patch_size_ == 1
    assert short.conv_layers_ == 0
    assert short.net_.module_.front is None
    assert short.pooling_ == "last"  # numeric, read step by step
    codes = np.round(np.abs(X[:, :10, :1]) * 3)
    coded = fit_quietly(RNNClassifier(**FAST, categorical_features=[0]), codes, y)
    assert coded.conv_layers_ == 0
    assert coded.pooling_ == "max"  # tokens and codes keep the maximum
    steps = fit_quietly(
        RNNClassifier(hidden_size=8, max_iter=2, return_sequences=True),
        list(X),
        [np.repeat(label, len(x)) for x, label in zip(X, y, strict=True)],
    )
    assert steps.patch_size_ == 1
    assert steps.conv_layers_ == 0
    reg = fit_quietly(RNNRegressor(hidden_size=8, max_iter=2), X, y.astype(float))
    assert reg.conv_layers_ == 0  # the regressor's defaults
    assert reg.pooling_ == "last"


def test_the_front_end_learns_a_window_of_steps():
    # the sign of a sum over 20 of 80 noisy steps, from 200 sequences:
    # measured 0.71 test accuracy forwards only (0.54 reading both ways, the
    # classifier's default, with these 30 epochs); chance is 0.5
    X, y = _long(n_samples=200)
    X_test, y_test = _long(n_samples=100, seed=1)
    clf = RNNClassifier(
        conv_layers=2, hidden_size=16, max_iter=30, random_state=0, bidirectional=False
    )
    assert fit_quietly(clf, X, y).score(X_test, y_test) > 0.65


@pytest.mark.parametrize(
    "params",
    [
        {"conv_layers": 1, "patch_size": 1},
        {"conv_layers": 2, "patch_size": 3, "hidden_size": 13},
        {"conv_layers": 3, "patch_size": 2, "bidirectional": True},
        {"conv_layers": 2, "patch_size": 4, "pooling": "mean", "cell": "lstm"},
    ],
)
def test_predictions_alone_equal_predictions_in_a_batch(params):
    X, y, _ = make_ragged(n_samples=23, min_len=2, max_len=17)
    model = fit_quietly(RNNClassifier(**{**FAST, **params}), X, y)
    assert model.conv_layers_ == params["conv_layers"]
    assert_alone_equals_batched(model, X)


def test_per_step_outputs_stay_causal():
    assert_per_step_regressor_causal(conv_layers=2)


def test_save_and_load_keep_the_front_end(tmp_path):
    X, y = _long()
    clf = fit_quietly(RNNClassifier(hidden_size=8, max_iter=2, random_state=0), X, y)
    clf.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded.conv_layers_ == 2
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_the_widened_copy_computes_the_same_function():
    torch.manual_seed(0)
    module = RecurrentNetwork(
        3, 4, hidden_size=13, patch_size=3, conv_layers=2, pooling="max"
    ).eval()
    X = torch.randn(9, 20, 3)
    lengths = torch.full((9,), 20)
    with torch.inference_mode():
        np.testing.assert_allclose(
            batch_invariant(module)(X, lengths), module(X, lengths), atol=1e-6
        )


def test_a_window_reads_the_steps_before_its_patch():
    front = ConvFrontEnd(1, 4, patch_size=3, n_layers=1)
    assert front.kernels == (8,)
    X = torch.zeros(1, 9, 1)
    X[0, 0] = 1.0  # read by patches 0 and 1 (windows of 8 steps, stride 3)
    with torch.no_grad():
        base, _ = front(torch.zeros(1, 9, 1), torch.tensor([9]))
        out, lengths = front(X, torch.tensor([9]))
    assert lengths.tolist() == [3]
    moved = (out != base).any(dim=2)[0].tolist()
    assert moved == [True, True, False]


def test_attributions_flow_through_the_front_end():
    pytest.importorskip("captum")
    from sklearn_rnn.inspection import attribute

    X, y = _long()
    clf = fit_quietly(RNNClassifier(hidden_size=8, max_iter=3, random_state=0), X, y)
    assert clf.conv_layers_ == 2
    X = X[:4]
    columns = np.searchsorted(clf.classes_, clf.predict(X))
    change = clf.predict_proba(X) - clf.predict_proba(np.zeros_like(X))
    attributions = attribute(clf, X)
    assert attributions.shape == X.shape
    for i, a in enumerate(attributions):  # integrated gradients add up
        np.testing.assert_allclose(a.sum(), change[i, columns[i]], atol=2e-3)
    occluded = attribute(clf, X[:1], method="occlusion")
    assert occluded.shape == (1, *X.shape[1:])
