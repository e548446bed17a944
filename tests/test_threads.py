"""The thread policy: one intra-op thread unless the user chose a count, the
caller's setting given back, and results that do not depend on the count."""

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor, _threads

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.default_rng(0)
X = rng.normal(size=(60, 12, 3)).astype(np.float32)
y = (X[:, :, 0].sum(axis=1) > 0).astype(int)


class RecordThreads(Callback):
    """Records torch's intra-op thread count during training."""

    def on_batch_begin(self, net, **kwargs):
        self.threads_ = torch.get_num_threads()


@pytest.fixture
def threads(monkeypatch):
    """Sets torch's thread count and what counts as its default; restores
    both afterwards."""
    before = torch.get_num_threads()
    for name in _threads.THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)

    def set_threads(n, default):
        torch.set_num_threads(n)
        monkeypatch.setattr(_threads, "_AT_IMPORT", default)

    yield set_threads
    torch.set_num_threads(before)


def fit(**params):
    """A fitted classifier and the RecordThreads instance it trained with."""
    est = RNNClassifier(
        hidden_size=8, max_iter=3, random_state=0, callbacks=[RecordThreads()]
    )
    est.fit(X, y, **params)
    (record,) = [cb for _, cb in est.net_.callbacks_ if isinstance(cb, RecordThreads)]
    return est, record


def test_default_is_one_thread_and_the_callers_count_comes_back(threads):
    threads(3, default=3)  # torch's default, untouched by the user
    _, record = fit()
    assert record.threads_ == 1
    assert torch.get_num_threads() == 3


def test_a_count_the_user_set_is_kept(threads):
    threads(3, default=2)  # set with torch.set_num_threads after import
    est, record = fit()
    assert record.threads_ == 3
    est.predict(X)
    assert torch.get_num_threads() == 3


def test_a_count_from_the_environment_is_kept(threads, monkeypatch):
    threads(2, default=2)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # as joblib sets in workers
    _, record = fit()
    assert record.threads_ == 2


class FailInTraining(Callback):
    def on_batch_begin(self, net, **kwargs):
        raise RuntimeError("failed in training")


def test_thread_count_is_restored_when_a_fit_fails(threads):
    threads(3, default=3)
    est = RNNClassifier(hidden_size=4, callbacks=[FailInTraining()])
    with pytest.raises(RuntimeError, match="failed in training"):
        est.fit(X, y)
    assert torch.get_num_threads() == 3


@pytest.mark.parametrize("cls", [RNNClassifier, RNNRegressor])
def test_same_random_state_same_model_with_1_2_and_4_threads(cls, threads):
    """With the count the user chose (1, 2 or 4 threads), the same
    random_state gives the same n_iter_ and predictions."""
    target = y if cls is RNNClassifier else X[:, :, 1].mean(axis=1)
    results = []
    for n in (1, 2, 4):
        threads(n, default=99)
        est = cls(hidden_size=32, max_iter=40, random_state=0, tol=1e-3)
        est.fit(X, target)
        outputs = est.predict_proba(X) if cls is RNNClassifier else est.predict(X)
        results.append((est.n_iter_, est.loss_curve_, outputs))
    for n_iter, curve, outputs in results[1:]:
        assert n_iter == results[0][0]
        np.testing.assert_allclose(curve, results[0][1], rtol=1e-5)
        np.testing.assert_allclose(outputs, results[0][2], rtol=1e-5, atol=1e-6)


def test_the_convolution_front_end_gives_the_same_model_with_1_2_and_4_threads(
    threads,
):
    """Long sequences go through conv_layers="auto"'s two layers."""
    long = rng.normal(size=(60, 96, 3)).astype(np.float32)
    labels = (long[:, 30:50, 0].sum(axis=1) > 0).astype(int)
    results = []
    for n in (1, 2, 4):
        threads(n, default=99)
        est = RNNClassifier(hidden_size=32, max_iter=20, random_state=0, tol=1e-3)
        with pytest.warns(ConvergenceWarning):
            est.fit(long, labels)
        assert est.conv_layers_ == 2
        results.append((est.loss_curve_, est.predict_proba(long)))
    for curve, outputs in results[1:]:
        np.testing.assert_allclose(curve, results[0][0], rtol=1e-5)
        np.testing.assert_allclose(outputs, results[0][1], rtol=1e-5, atol=1e-6)
