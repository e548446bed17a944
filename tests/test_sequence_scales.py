"""Per-sequence standardisation (``standardize_sequences``): the columns the
RNN reads, the training statistics, resolution of "auto", padding
invariance, persistence, ONNX-free export pieces and bad combinations."""

import numpy as np
import pytest
import torch
from _helpers import FAST, assert_alone_equals_batched, fit_quietly, make_ragged
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler, load
from sklearn_rnn._module import RecurrentNetwork, batch_invariant
from sklearn_rnn._sequence_scales import (
    numeric_values,
    resolve_standardize,
    sequence_log_scales,
    standardized_values,
)
from sklearn_rnn._sequences import as_sequences
from sklearn_rnn._step_inputs import StepInputs


def _spread(n_sequences=60, seed=0, low=-3, high=3):
    """Sequences whose sizes span 10**low to 10**high; the class is the
    sign of the first feature's trend, the same at every size."""
    rng = np.random.default_rng(seed)
    X, y = [], []
    for _ in range(n_sequences):
        n = rng.integers(6, 30)
        label = rng.integers(2)
        trend = np.linspace(-1, 1, n) * (1 if label else -1)
        x = np.c_[trend + 0.3 * rng.normal(size=n), rng.normal(size=n)]
        X.append((x * 10 ** rng.uniform(low, high)).astype(np.float32))
        y.append(label)
    return X, np.array(y)


def test_columns_are_the_standardised_features_then_their_levels():
    log_scales = (0.5, -1.0)
    inputs = StepInputs(2, standardize_sequences=True, sequence_log_scales=log_scales)
    rng = np.random.default_rng(0)
    X = torch.zeros(2, 7, 2)
    X[0] = torch.from_numpy(rng.normal(3.0, 2.0, size=(7, 2)).astype(np.float32))
    X[1, :4] = torch.from_numpy(rng.normal(-1.0, 0.1, size=(4, 2)).astype(np.float32))
    lengths = torch.tensor([7, 4])
    with torch.no_grad():
        out = inputs(X, lengths).numpy()
    assert out.shape == (2, 7, 6)
    assert inputs.feature_of_column == [0, 1, 0, 1, 0, 1]
    for i, n in enumerate(lengths.tolist()):
        x = X[i, :n].numpy().astype(np.float64)
        mean, std = x.mean(axis=0), x.std(axis=0)
        np.testing.assert_allclose(out[i, :n, :2], (x - mean) / std, atol=1e-5)
        np.testing.assert_allclose(out[i, :n, 2:4], np.tile(mean, (n, 1)), atol=1e-5)
        want = np.tile(np.log(std) - log_scales, (n, 1))
        np.testing.assert_allclose(out[i, :n, 4:], want, atol=1e-5)
        assert not out[i, n:].any()  # padded steps read zeros


def test_a_constant_sequence_reads_zeros_not_nan():
    inputs = StepInputs(1, standardize_sequences=True, sequence_log_scales=(0.0,))
    with torch.no_grad():
        out = inputs(torch.full((1, 5, 1), 4.0), torch.tensor([5])).numpy()
    assert np.isfinite(out).all()
    np.testing.assert_array_equal(out[0, :, 0], 0.0)


def test_training_statistics_and_the_values_the_rnn_reads():
    X, _ = _spread(n_sequences=12)
    seqs = as_sequences(X)
    stds = np.array([np.asarray(x, np.float64).std(axis=0) for x in X])
    np.testing.assert_allclose(
        sequence_log_scales(seqs), np.log(stds).mean(axis=0), rtol=1e-10
    )
    values = standardized_values(seqs, sequence_log_scales(seqs))
    want = np.concatenate(
        [(x - x.mean(axis=0)) / x.std(axis=0) for x in (np.float64(x) for x in X)]
    )
    np.testing.assert_allclose(values, want, atol=1e-9)
    assert numeric_values(seqs)[0].shape == (sum(len(x) for x in X), 2)


def test_auto_turns_it_on_when_sizes_spread_over_a_factor_100():
    wide, _ = _spread(low=-3, high=3)
    narrow, _ = _spread(low=0, high=1.5)
    assert resolve_standardize("auto", as_sequences(wide))
    assert not resolve_standardize("auto", as_sequences(narrow))
    assert not resolve_standardize("auto", as_sequences(wide), step_outputs=True)


def test_the_classifier_reads_sequences_of_every_size():
    # the class is in the shape; the sizes span six orders of magnitude, so
    # a scaling shared by all sequences leaves the small ones near zero
    X, y = _spread(n_sequences=200)
    X_test, y_test = _spread(n_sequences=100, seed=1)
    params = {"hidden_size": 16, "max_iter": 40, "random_state": 0, "device": "cpu"}

    def score(**more):
        model = make_pipeline(SequenceScaler(), RNNClassifier(**params, **more))
        return fit_quietly(model, X, y).score(X_test, y_test)

    on, off = score(), score(standardize_sequences=False)
    assert on > 0.9
    assert on > off + 0.1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"bidirectional": True, "pooling": "mean", "differences": 1},
        {"conv_layers": 2, "patch_size": 3, "hidden_size": 13},
        {"cell": "lstm", "pooling": "max", "differences": 2},
    ],
)
def test_predictions_alone_equal_predictions_in_a_batch(params):
    X, y = _spread(n_sequences=23)
    model = fit_quietly(RNNClassifier(**{**FAST, **params}), X, y)
    assert model.standardize_sequences_
    assert_alone_equals_batched(model, X)


def test_the_widened_copy_computes_the_same_function():
    torch.manual_seed(0)
    module = RecurrentNetwork(
        2,
        3,
        hidden_size=13,
        differences=1,
        difference_scales=(1.0, 2.0),
        standardize_sequences=True,
        sequence_log_scales=(0.3, -0.2),
    ).eval()
    lengths = torch.randint(1, 21, (9,))
    X = torch.randn(9, 20, 2) * (torch.arange(20) < lengths[:, None])[..., None]
    with torch.inference_mode():
        np.testing.assert_allclose(
            batch_invariant(module)(X, lengths), module(X, lengths), atol=1e-6
        )


def test_save_and_load_keep_it(tmp_path):
    X, y = _spread(n_sequences=30)
    clf = fit_quietly(RNNClassifier(**FAST), X, y)
    clf.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded.standardize_sequences_
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_per_step_outputs_refuse_it_and_auto_leaves_it_off():
    X, _, _ = make_ragged(n_samples=20)
    y = [np.cumsum(x[:, 0]) for x in X]
    reg = RNNRegressor(**FAST, return_sequences=True, standardize_sequences=True)
    with pytest.raises(ValueError, match="standardize_sequences=True reads each"):
        reg.fit(X, y)
    assert not hasattr(reg, "net_")
    wide, _ = _spread(n_sequences=20)
    steps = fit_quietly(
        RNNRegressor(**FAST, return_sequences=True, standardize_sequences="auto"),
        wide,
        [np.cumsum(x[:, 0]) for x in wide],
    )
    assert not steps.standardize_sequences_


def test_the_regressor_leaves_it_off_by_default():
    X, y = _spread(n_sequences=20)
    reg = fit_quietly(RNNRegressor(**FAST), X, y.astype(float))
    assert not reg.standardize_sequences_
