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
        {"conv_layers": 2, "patch_size": 3, "batch_norm": True},
        {"conv_layers": 1, "patch_size": 4, "batch_norm": True, "hidden_size": 13},
    ],
)
def test_predictions_alone_equal_predictions_in_a_batch(params):
    X, y, _ = make_ragged(n_samples=23, min_len=2, max_len=17)
    model = fit_quietly(RNNClassifier(**{**FAST, **params}), X, y)
    assert model.conv_layers_ == params["conv_layers"]
    assert_alone_equals_batched(model, X)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_per_step_outputs_stay_causal(batch_norm):
    assert_per_step_regressor_causal(conv_layers=2, batch_norm=batch_norm)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_save_and_load_keep_the_front_end(tmp_path, batch_norm):
    X, y = _long()
    clf = RNNClassifier(
        hidden_size=8, max_iter=2, random_state=0, batch_norm=batch_norm
    )
    fit_quietly(clf, X, y)
    clf.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded.conv_layers_ == 2
    assert loaded.batch_norm is batch_norm
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("batch_norm", [False, True])
def test_the_widened_copy_computes_the_same_function(batch_norm):
    torch.manual_seed(0)
    module = RecurrentNetwork(
        3,
        4,
        hidden_size=13,
        patch_size=3,
        conv_layers=2,
        pooling="max",
        batch_norm=batch_norm,
    )
    X = torch.randn(9, 20, 3)
    lengths = torch.tensor([20, 19, 17, 12, 9, 5, 3, 2, 1])
    if batch_norm:  # running statistics far from 0 and 1
        with torch.no_grad():
            for _ in range(30):
                module(X * 4 + 3, lengths)
        assert (module.front.norms[0].running_mean.abs() > 0.1).any()
    module.eval()
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


def test_batch_statistics_are_those_of_the_valid_steps():
    # in training, padding a batch further (with any values) changes neither
    # the valid steps' outputs nor the running statistics
    torch.manual_seed(0)
    X = torch.randn(5, 14, 2)
    lengths = torch.tensor([14, 11, 6, 3, 1])
    X = X * (torch.arange(14)[None, :, None] < lengths[:, None, None])
    wide = torch.cat([X, torch.randn(5, 9, 2) * 100], dim=1)
    outputs, stats = [], []
    for batch in (X, wide):
        torch.manual_seed(1)
        front = ConvFrontEnd(2, 6, patch_size=3, n_layers=2, batch_norm=True)
        h, patch_lengths = front(batch, lengths)
        outputs.append([h[i, :n] for i, n in enumerate(patch_lengths.tolist())])
        stats.append([norm.running_var.clone() for norm in front.norms])
        assert patch_lengths.tolist() == [5, 4, 2, 1, 1]
    for a, b in zip(*outputs, strict=True):
        torch.testing.assert_close(a, b)
    for a, b in zip(*stats, strict=True):
        torch.testing.assert_close(a, b)


def test_a_batch_normalised_window_reads_every_step():
    front = ConvFrontEnd(1, 4, patch_size=3, n_layers=1, batch_norm=True).eval()
    assert front.kernels == (8,)
    with torch.no_grad():
        base, _ = front(torch.zeros(1, 12, 1), torch.tensor([12]))
        for step, first_moved in ((0, 0), (4, 1), (10, 3)):
            X = torch.zeros(1, 12, 1)
            X[0, step] = 1.0  # read by the windows of steps step to step + 7
            out, _ = front(X, torch.tensor([12]))
            moved = (out != base).any(dim=2)[0].tolist()
            last = min((step + 7) // 3, 3)
            assert moved == [first_moved <= p <= last for p in range(4)]


def test_auto_batch_norm_needs_a_classifier_front_end_and_enough_data():
    one = {"hidden_size": 4, "max_iter": 1, "random_state": 0}

    def resolved(estimator, X, y):
        fitted = fit_quietly(estimator, X, y)
        norms = (
            [] if fitted.net_.module_.front is None else fitted.net_.module_.front.norms
        )
        assert (
            any(isinstance(n, torch.nn.BatchNorm1d) for n in norms)
            is fitted.batch_norm_
        )
        return fitted.batch_norm_

    X, y = _long(n_samples=100)
    assert resolved(RNNClassifier(**one), X, y) is True
    assert resolved(RNNClassifier(**one), X[:99], y[:99]) is False  # too few
    many = np.arange(100) % 21  # fewer than 5 sequences a class
    assert resolved(RNNClassifier(**one), X, many) is False
    ragged = [x[: 60 + i % 20] for i, x in enumerate(X)]  # random batches pad
    assert resolved(RNNClassifier(**one), ragged, y) is False
    assert resolved(RNNClassifier(**one), X[:, :12], y) is False  # no front end
    reg = RNNRegressor(**one, conv_layers=2)
    assert resolved(reg, X, y.astype(float)) is False
    forced = RNNClassifier(**one, batch_norm=True)
    assert resolved(forced, X[:40], y[:40]) is True


def test_batch_norm_trains_on_a_batch_of_one_patch():
    X = [np.ones((2, 1), dtype=np.float32), np.zeros((3, 1), dtype=np.float32)]
    params = {**FAST, "conv_layers": 2, "patch_size": 4, "batch_size": 1}
    clf = RNNClassifier(**params, batch_norm=True)
    fit_quietly(clf, X, [0, 1])
    assert np.isfinite(clf.predict_proba(X)).all()


def test_batch_norm_without_a_front_end_changes_nothing():
    X, y = _long()
    X = X[:, :12]
    params = {**FAST, "conv_layers": 0, "patch_size": 1}
    plain = fit_quietly(RNNClassifier(**params), X, y)
    normed = fit_quietly(RNNClassifier(**params, batch_norm=True), X, y)
    np.testing.assert_array_equal(normed.predict_proba(X), plain.predict_proba(X))


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
