"""The callbacks parameter: user skorch callbacks run, and are not mutated."""

import copy

import pytest
from _helpers import estimator, target
from sklearn.base import clone
from skorch.callbacks import Callback

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


class EpochCounter(Callback):
    def __init__(self, start=0):
        self.start = start

    def initialize(self):
        self.epochs_ = self.start
        self.trained_ = False
        return self

    def on_epoch_end(self, net, **kwargs):
        self.epochs_ += 1

    def on_train_end(self, net, **kwargs):
        self.trained_ = True


def _counters(est):
    return [cb for _, cb in est.net_.callbacks_ if isinstance(cb, EpochCounter)]


@pytest.mark.parametrize("named", [False, True])
def test_user_callback_runs_every_epoch(named, kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    counter = EpochCounter()
    callbacks = [("counter", counter)] if named else [counter]
    est = estimator(kind, callbacks=callbacks, max_iter=4).fit(X, y)
    (used,) = _counters(est)
    assert used.trained_
    assert used.epochs_ == est.n_iter_ == 4
    # the object the user passed is not the one that ran, and is untouched
    assert used is not counter
    assert not hasattr(counter, "epochs_")
    assert est.callbacks == callbacks
    assert est.get_params()["callbacks"][-1] is callbacks[-1]


def test_user_callback_sees_the_final_epoch_when_training_stops(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = estimator(
        kind, callbacks=[EpochCounter()], max_iter=50, tol=1e6, n_iter_no_change=2
    ).fit(X, y)
    assert est.n_iter_ < 50
    (used,) = _counters(est)
    assert used.epochs_ == est.n_iter_


def test_user_callback_with_early_stopping(ragged):
    X, y, _ = ragged
    est = estimator(
        "classifier",
        callbacks=[EpochCounter()],
        early_stopping=True,
        validation_fraction=0.25,
        max_iter=6,
    ).fit(X, y)
    (used,) = _counters(est)
    assert used.epochs_ == est.n_iter_


def test_user_callback_runs_in_partial_fit_and_warm_start(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    counter = EpochCounter()
    # every fit runs max_iter epochs: the regressor's default "refit" would
    # train its final network for the epochs the hold-out chose, maybe fewer
    stopping = {"early_stopping": True} if kind == "regressor" else {}
    est = estimator(kind, callbacks=[counter], max_iter=2, warm_start=True, **stopping)
    est.partial_fit(X, y)
    assert _counters(est)[0].epochs_ == 1
    est.partial_fit(X, y)
    # a fresh copy of the user's callback runs in each call
    assert _counters(est)[0].epochs_ == 1
    est.fit(X, y)
    (used,) = _counters(est)
    assert used.epochs_ == 2
    assert est.n_iter_ == 4
    # a changed callback is used when continuing
    est.set_params(callbacks=[EpochCounter(start=100)])
    est.fit(X, y)
    assert _counters(est)[0].epochs_ == 102
    assert not hasattr(counter, "epochs_")


def test_clone_and_deepcopy_with_callbacks(fitted, ragged):
    counter = EpochCounter()
    est = copy.deepcopy(fitted).set_params(callbacks=[counter])
    twin = clone(est)
    assert twin.callbacks is not est.callbacks
    assert isinstance(twin.callbacks[0], EpochCounter)
    assert twin.callbacks[0] is not counter
    assert not hasattr(twin, "net_")
    assert est.callbacks[0] is counter
