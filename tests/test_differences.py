"""Differences of the numeric step features (``differences``): the columns
the RNN reads, their scales, resolution of "auto", padding invariance,
causality, persistence and warm start."""

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
from sklearn_rnn._differences import difference_scales as _scales
from sklearn_rnn._module import RecurrentNetwork, batch_invariant
from sklearn_rnn._sequence_scales import numeric_values
from sklearn_rnn._sequences import as_sequences as to_sequences
from sklearn_rnn._step_inputs import StepInputs


def difference_scales(seqs, differences):
    """The scales of the differences of ``seqs``' numeric features as read."""
    return _scales(numeric_values(seqs)[0], seqs, differences)


def _scaled_differences(x, order, scale):
    """Order ``order`` differences of one sequence (T, n), zero before step
    ``order``, divided by ``scale``."""
    d = x.astype(np.float64)
    for _ in range(order):
        d = np.diff(d, axis=0, prepend=d[:1])
    d[:order] = 0.0
    return d / scale


def test_columns_are_the_features_then_their_scaled_differences():
    rng = np.random.default_rng(0)
    scales = (2.0, 4.0, 0.5, 8.0)  # order 1 of features 0, 2; order 2 of both
    inputs = StepInputs(3, (1,), (4,), (2,), differences=2, difference_scales=scales)
    X = torch.zeros(2, 6, 3)
    X[..., [0, 2]] = torch.from_numpy(rng.normal(size=(2, 6, 2)).astype(np.float32))
    X[..., 1] = torch.tensor([[0, 1, 2, 3, 0, 1], [3, 2, 1, 0, 0, 0]])
    lengths = torch.tensor([6, 4])
    X[1, 4:] = 0.0  # padding
    with torch.no_grad():
        out = inputs(X, lengths).numpy()
    assert out.shape == (2, 6, 2 + 4 + 2)
    assert inputs.feature_of_column == [0, 2, 0, 2, 0, 2, 1, 1]
    for i, n in enumerate(lengths.tolist()):
        x = X[i, :n][:, [0, 2]].numpy()
        np.testing.assert_array_equal(out[i, :n, :2], x)
        for order in (1, 2):
            scale = np.array(scales[2 * order - 2 : 2 * order])
            want = _scaled_differences(x, order, scale)
            got = out[i, :n, 2 * order : 2 * order + 2]
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
        assert not out[i, n:, :6].any()  # padded steps read zero differences


def test_scales_are_the_root_mean_square_within_sequences():
    rng = np.random.default_rng(1)
    X = [
        (rng.normal(size=(n, 2)) * [1.0, 10.0] + 100.0 * i).astype(np.float32)
        for i, n in enumerate([5, 1, 9])
    ]
    seqs = to_sequences(X)
    X = [x.astype(np.float64) for x in X]
    scales = difference_scales(seqs, 2)
    first = np.concatenate([np.diff(x, axis=0) for x in X])  # never across sequences
    second = np.concatenate([np.diff(x, 2, axis=0) for x in X])
    want = [*np.sqrt((first**2).mean(axis=0)), *np.sqrt((second**2).mean(axis=0))]
    np.testing.assert_allclose(scales, want)


def test_constant_features_keep_a_unit_scale():
    seqs = to_sequences([np.ones((4, 1)), np.ones((1, 1))])
    assert difference_scales(seqs, 1) == (1.0,)
    assert difference_scales(to_sequences([np.ones((1, 1))]), 1) == (1.0,)


def test_auto_differences_sequences_read_in_patches_only():
    X, y, y_real = make_ragged(n_samples=20, min_len=60, max_len=90)
    reg = fit_quietly(RNNRegressor(**{**FAST, "patch_size": "auto"}), X, y_real)
    assert reg.patch_size_ > 1
    assert reg.differences_ == 1
    assert reg.net_.module_.inputs.output_size == 2 * X[0].shape[1]
    short = fit_quietly(RNNRegressor(**FAST), [x[:10] for x in X], y_real)
    assert short.differences_ == 0  # read step by step
    clf = fit_quietly(RNNClassifier(**{**FAST, "patch_size": "auto"}), X, y)
    assert clf.differences_ == 0  # the classifier's default
    steps = fit_quietly(
        RNNRegressor(**{**FAST, "return_sequences": True, "patch_size": "auto"}),
        X,
        [np.cumsum(x[:, 0]) for x in X],
    )
    assert steps.differences_ == 0  # per-step outputs read step by step
    codes = [np.round(np.abs(x[:, :1]) * 3) for x in X]
    coded = fit_quietly(
        RNNRegressor(**FAST, categorical_features=[0], differences=1), codes, y_real
    )
    assert coded.differences_ == 0  # no numeric feature to difference


@pytest.mark.parametrize(
    "params",
    [
        {"differences": 1},
        {"differences": 2, "bidirectional": True, "pooling": "mean"},
        {"differences": 1, "conv_layers": 2, "patch_size": 3, "hidden_size": 13},
        {"differences": 2, "patch_size": 4, "cell": "lstm", "pooling": "max"},
    ],
)
def test_predictions_alone_equal_predictions_in_a_batch(params):
    X, _, y = make_ragged(n_samples=23, min_len=1, max_len=17)
    model = fit_quietly(RNNRegressor(**{**FAST, **params}), X, y)
    assert model.differences_ == params["differences"]
    assert_alone_equals_batched(model, X)


def test_per_step_outputs_stay_causal():
    assert_per_step_regressor_causal(differences=2)


def test_the_widened_copy_computes_the_same_function():
    torch.manual_seed(0)
    module = RecurrentNetwork(
        2, 3, hidden_size=13, differences=2, difference_scales=(1.0, 2.0, 3.0, 4.0)
    ).eval()
    X = torch.randn(9, 20, 2)
    lengths = torch.randint(1, 21, (9,))
    X = X * (torch.arange(20) < lengths[:, None])[..., None]
    with torch.inference_mode():
        np.testing.assert_allclose(
            batch_invariant(module)(X, lengths), module(X, lengths), atol=1e-6
        )


def test_save_and_load_keep_the_differences(tmp_path):
    X, _, y = make_ragged(n_samples=20)
    reg = fit_quietly(RNNRegressor(**{**FAST, "differences": 2}), X, y)
    reg.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded.differences_ == 2
    np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))


def test_warm_start_keeps_the_fitted_scales_and_refuses_another_order():
    X, _, y = make_ragged(n_samples=20)
    params = {**FAST, "warm_start": True, "differences": 1}
    reg = fit_quietly(RNNRegressor(**params), X, y)
    scales = reg.net_.module_.inputs.difference_scales
    fit_quietly(reg, [x * 3.0 for x in X], y)  # other data, the same network
    assert reg.net_.module_.inputs.difference_scales == scales
    reg.set_params(differences=2)
    with pytest.raises(ValueError, match=r"differences \(1 -> 2\)"):
        reg.fit(X, y)


def test_differences_read_a_slope_under_a_large_offset():
    # the target is a sequence's mean slope, under offsets 20 times the
    # size of the change between steps: the levels alone hide it
    rng = np.random.default_rng(0)

    def make(n):
        slope = rng.uniform(-1, 1, size=n)
        steps = np.arange(30)
        X = slope[:, None] * steps * 0.05 + rng.normal(0, 20, size=(n, 1))
        return X[..., None] + rng.normal(0, 0.01, size=(n, 30, 1)), slope

    X, y = make(300)
    X_test, y_test = make(100)
    params = {"hidden_size": 16, "max_iter": 40, "random_state": 0, "device": "cpu"}
    scores = {
        d: fit_quietly(RNNRegressor(**params, differences=d), X, y).score(
            X_test, y_test
        )
        for d in (0, 1)
    }
    assert scores[1] > 0.9
    assert scores[1] > scores[0] + 0.2


def test_warm_start_on_codes_only_accepts_a_set_order():
    # nothing numeric to difference: differences_ is 0 whatever was asked
    X, _, y = make_ragged(n_samples=20)
    codes = [np.round(np.abs(x[:, :1]) * 3) for x in X]
    params = {**FAST, "categorical_features": [0], "differences": 1}
    reg = fit_quietly(RNNRegressor(**params, warm_start=True), codes, y)
    assert reg.differences_ == 0
    n_iter = reg.n_iter_
    fit_quietly(reg, codes, y)
    assert reg.n_iter_ > n_iter
