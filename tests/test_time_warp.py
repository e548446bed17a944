"""Random time warping of the training batches (``time_warp``)."""

import numpy as np
import pytest
import torch
from _helpers import FAST, fit_quietly, make_equal, make_ragged
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._augmentation import time_warp
from sklearn_rnn._batching import BatchIterator, SequenceDataset
from sklearn_rnn._sequences import as_sequences


def _ramps(lengths, longest):
    """A padded batch whose sequence i counts 1, 2, ... up to its length."""
    X = torch.zeros(len(lengths), longest, 1)
    for i, n in enumerate(lengths):
        X[i, :n, 0] = torch.arange(1, n + 1)
    return X, torch.tensor(lengths)


def test_no_strength_is_no_warp():
    X, lengths = _ramps([9, 5, 1], 9)
    torch.testing.assert_close(time_warp(X, lengths, strength=0.0), X)


def test_a_warp_is_monotone_keeps_the_ends_and_the_padding():
    X, lengths = _ramps([30, 12, 2, 1], 30)
    torch.manual_seed(0)
    warped = time_warp(X, lengths, strength=0.5)[..., 0]
    assert not torch.allclose(warped, X[..., 0])
    for row, n in zip(warped, lengths.tolist(), strict=True):
        assert row[0] == 1  # first step kept
        assert row[n - 1] == n  # last step kept
        assert (row[:n].diff() >= 0).all()  # a ramp stays a ramp
        assert (row[n:] == 0).all()  # padding stays zero
    assert X[0, 1, 0] == 2  # the input is not modified


def test_a_sequence_warps_the_same_however_far_it_is_padded():
    X, lengths = _ramps([7, 4], 7)
    longer = torch.cat([X, torch.zeros(2, 13, 1)], dim=1)
    torch.manual_seed(3)
    short = time_warp(X, lengths)
    torch.manual_seed(3)
    padded = time_warp(longer, lengths)
    torch.testing.assert_close(padded[:, :7], short)
    assert (padded[:, 7:] == 0).all()


def test_codes_are_taken_from_a_step_not_interpolated():
    X, lengths = _ramps([40, 25], 40)
    X = torch.cat([X, X % 3], dim=2)  # feature 1 holds codes 0, 1, 2
    torch.manual_seed(0)
    warped = time_warp(X, lengths, strength=0.5, codes=(1,))
    codes = warped[..., 1]
    assert set(codes.unique().tolist()) <= {0.0, 1.0, 2.0}
    assert not torch.equal(warped[..., 0], warped[..., 0].round())  # numeric


def _epoch(time_warp, shuffle=True):
    X, y, _ = make_ragged(n_samples=20)
    data = SequenceDataset(as_sequences(X), y.astype(np.int64))
    iterator = BatchIterator(data, 8, shuffle=shuffle, time_warp=time_warp)
    return len(iterator), list(iterator), data


@pytest.mark.parametrize("copies", [1, 3])
def test_an_epoch_reads_each_sequence_once_a_copy(copies):
    n_batches, batches, data = _epoch(copies)
    assert n_batches == len(batches) == 3 * copies
    seen = torch.cat([batch[0]["lengths"] for batch in batches])
    assert len(seen) == 20 * copies
    # each pass holds every sequence, warped (the lengths are kept)
    counts = np.bincount(seen.numpy())
    np.testing.assert_array_equal(counts, copies * np.bincount(data.sequences.lengths))


def test_unshuffled_iteration_is_never_warped():
    n_batches, batches, data = _epoch(3, shuffle=False)
    assert n_batches == 3
    torch.testing.assert_close(batches[0][0]["X"], data[slice(0, 8)][0]["X"])


def test_a_warped_fit_is_seeded_and_reads_k_passes_an_epoch():
    X, y, _ = make_ragged(n_samples=40)
    params = dict(FAST, time_warp=3, max_iter=2)
    first = fit_quietly(RNNClassifier(**params), X, y)
    again = fit_quietly(RNNClassifier(**params), X, y)
    plain = fit_quietly(RNNClassifier(**dict(params, time_warp=0)), X, y)
    np.testing.assert_array_equal(first.predict_proba(X), again.predict_proba(X))
    assert not np.allclose(first.predict_proba(X), plain.predict_proba(X))
    assert len(first.net_.history[0, "batches"]) == 3 * 3  # 3 passes of 40/16
    # prediction is not warped: the same input gives the same output
    np.testing.assert_array_equal(first.predict_proba(X), first.predict_proba(X))


def test_a_warped_fit_learns():
    X, y, y_reg = make_equal(n_samples=60, n_timesteps=20)
    clf = fit_quietly(RNNClassifier(**dict(FAST, max_iter=20), time_warp=2), X, y)
    assert clf.score(X, y) > 0.9
    reg = fit_quietly(RNNRegressor(**dict(FAST, max_iter=20), time_warp=2), X, y_reg)
    assert reg.score(X, y_reg) > 0.5


def test_per_step_targets_refuse_time_warp_and_keep_the_fitted_model():
    X, y, _ = make_equal()
    steps = np.repeat(y[:, None], X.shape[1], axis=1)
    model = fit_quietly(RNNClassifier(**FAST, return_sequences=True), X, steps)
    before = model.predict_proba(X)
    model.set_params(time_warp=2)
    with pytest.raises(ValueError, match=r"time_warp=2 .* per-step targets"):
        model.fit(X, steps)
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_time_warp_must_be_a_count():
    X, y, _ = make_equal()
    with pytest.raises(InvalidParameterError, match="time_warp"):
        RNNClassifier(**FAST, time_warp=-1).fit(X, y)
    with pytest.raises(InvalidParameterError, match="time_warp"):
        RNNClassifier(**FAST, time_warp=0.2).fit(X, y)
