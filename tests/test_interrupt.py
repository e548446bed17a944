"""A user's KeyboardInterrupt during fit keeps the last finished epoch."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier

rng = np.random.default_rng(0)
X = [rng.normal(size=(t, 2)).astype(np.float32) for t in rng.integers(3, 12, 40)]
y = np.array([int(x[:, 0].sum() > 0) for x in X])


class InterruptAt(Callback):
    """Raise KeyboardInterrupt in the middle of epoch ``epoch``."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == self.epoch:
            raise KeyboardInterrupt


def params(**extra):
    return {"hidden_size": 5, "batch_size": 8, "max_iter": 6, "random_state": 0} | extra


def test_interrupt_keeps_last_finished_epoch_and_warns():
    with pytest.warns(UserWarning, match="interrupted"):
        est = RNNClassifier(**params(callbacks=[InterruptAt(4)])).fit(X, y)
    assert est.n_iter_ == 3
    assert len(est.loss_curve_) == 3
    with pytest.warns(ConvergenceWarning):
        reference = RNNClassifier(**params(max_iter=3)).fit(X, y)
    np.testing.assert_allclose(est.predict_proba(X), reference.predict_proba(X))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_interrupt_in_first_epoch_propagates_and_changes_nothing():
    est = RNNClassifier(**params()).fit(X, y)
    before = est.predict_proba(X)
    est.set_params(callbacks=[InterruptAt(1)])
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    np.testing.assert_array_equal(est.predict_proba(X), before)
    assert est.n_iter_ == len(est.loss_curve_)


def test_stopping_rule_is_not_an_interrupt():
    est = RNNClassifier(
        **params(max_iter=50, tol=1e6, n_iter_no_change=2, learning_rate="constant")
    )
    est.fit(X, y)  # stops by the rule: no "interrupted" warning
    assert est.n_iter_ == 3  # the first epoch, then 2 without improvement
    assert not dict(est.net_.callbacks_)["rewind"].interrupted_


def test_interrupt_before_a_refit_keeps_the_choosing_run():
    est = RNNClassifier(
        **params(callbacks=[InterruptAt(4)], early_stopping="refit", max_iter=20)
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X, y)
    assert est.n_iter_ == len(est.validation_scores_) == 3  # no refit after it
