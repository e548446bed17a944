"""Training behaviour: reproducibility, partial_fit, warm_start, early
stopping, class and sample weights, divergence."""

import copy
import warnings

import numpy as np
import pytest
import torch
from _helpers import FAST, estimator, fit_quietly, make_ragged, outputs, target
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from sklearn_rnn import RNNClassifier, RNNRegressor
from sklearn_rnn._module import ARCHITECTURE

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

EASY = make_ragged(n_samples=60, seed=5)


def _noise(n_samples=48, minority=0.25, seed=11):
    """Uninformative sequences with imbalanced labels (class 1 is rare)."""
    rng = np.random.default_rng(seed)
    X = [rng.normal(size=(int(n), 2)) for n in rng.integers(3, 10, size=n_samples)]
    y = (rng.random(n_samples) < minority).astype(int)
    y[:2] = [0, 1]
    return X, y


# -- reproducibility --------------------------------------------------------


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_same_random_state_same_predictions(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    params = dict(dropout=0.2, num_layers=2, shuffle=True)
    a = estimator(kind, random_state=3, **params).fit(X, y)
    b = estimator(kind, random_state=3, **params).fit(X, y)
    np.testing.assert_array_equal(outputs(a, X), outputs(b, X))
    assert a.loss_curve_ == b.loss_curve_
    # ... and the seed matters, so the comparison above means something
    c = estimator(kind, random_state=4, **params).fit(X, y)
    assert not np.array_equal(outputs(a, X), outputs(c, X))


@pytest.mark.parametrize("random_state", [0, None])
def test_fit_leaves_torch_global_rng_alone(random_state, ragged):
    X, y, _ = ragged
    torch.manual_seed(1234)
    before = torch.random.get_rng_state()
    est = RNNClassifier(
        **{**FAST, "random_state": random_state, "dropout": 0.3, "num_layers": 2}
    )
    est.fit(X, y)
    est.partial_fit(X, y)
    est.predict(X)
    assert torch.equal(torch.random.get_rng_state(), before)


# -- partial_fit and warm_start -----------------------------------------------


def test_partial_fit_classes_and_continued_training():
    X, y, _ = EASY
    y3 = y.copy()
    y3[30:40] = 2  # class 2 appears only in the second chunk
    clf = RNNClassifier(**FAST)
    clf.partial_fit(X[:30], y3[:30], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.n_iter_ == 1
    assert len(clf.loss_curve_) == 1
    assert clf.predict_proba(X).shape == (len(X), 3)
    first_loss = clf.loss_curve_[0]
    proba_1 = clf.predict_proba(X)

    clf.partial_fit(X[30:], y3[30:])
    assert clf.n_iter_ == 2
    assert len(clf.loss_curve_) == 2
    assert clf.loss_curve_[0] == first_loss
    assert not np.array_equal(clf.predict_proba(X), proba_1)

    # a label outside ``classes`` is refused, and nothing changes
    proba_2 = clf.predict_proba(X)
    y_bad = y3[:10].copy()
    y_bad[0] = 7
    with pytest.raises(ValueError, match="7"):
        clf.partial_fit(X[:10], y_bad)
    assert clf.n_iter_ == 2
    np.testing.assert_array_equal(clf.predict_proba(X), proba_2)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


def test_partial_fit_without_classes_uses_first_y():
    X, y, _ = EASY
    clf = RNNClassifier(**FAST).partial_fit(X, y)
    np.testing.assert_array_equal(clf.classes_, [0, 1])
    with pytest.raises(ValueError, match="unknown"):
        clf.partial_fit(X[:3], np.array([0, 1, 2]))


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_partial_fit_keeps_learning(kind):
    """Repeated one-epoch calls continue from the current weights."""
    X, y = EASY[0], target(kind, EASY)
    est = estimator(kind, learning_rate_init=0.02)
    for _ in range(8):
        est.partial_fit(X, y)
    assert est.n_iter_ == 8
    assert len(est.loss_curve_) == 8
    assert est.loss_curve_[-1] < 0.7 * est.loss_curve_[0]


def test_partial_fit_on_a_fitted_model_continues_it(fitted_reg, ragged):
    X, _, y = ragged
    reg = copy.deepcopy(fitted_reg)
    curve = list(reg.loss_curve_)
    reg.partial_fit(X, y)
    assert reg.n_iter_ == len(curve) + 1
    assert reg.loss_curve_[:-1] == curve


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_continues(kind):
    X, y = EASY[0], target(kind, EASY)
    params = dict(max_iter=3, n_iter_no_change=50, learning_rate_init=0.02)
    est = estimator(kind, warm_start=True, **params).fit(X, y)
    first_curve = list(est.loss_curve_)
    est.fit(X, y)
    assert est.n_iter_ == 6
    assert est.loss_curve_[:3] == first_curve
    # the second fit starts where the first stopped, not from scratch
    assert est.loss_curve_[3] < first_curve[0]

    cold = estimator(kind, warm_start=False, **params).fit(X, y)
    cold.fit(X, y)
    assert cold.n_iter_ == 3
    assert cold.loss_curve_ == first_curve


def test_warm_start_needs_the_same_classes(fitted_clf, ragged):
    """As in MLPClassifier: warm_start fit refuses y with other classes,
    while partial_fit takes chunks holding a subset of the classes."""
    X, _, _ = ragged
    est = copy.deepcopy(fitted_clf).set_params(warm_start=True)
    before = est.predict_proba(X)
    with pytest.raises(ValueError, match="same classes"):
        est.fit(X[:10], np.zeros(10, dtype=int))
    np.testing.assert_array_equal(est.predict_proba(X), before)

    streaming = copy.deepcopy(fitted_clf)
    streaming.partial_fit(X[:10], np.zeros(10, dtype=int))
    assert streaming.n_iter_ == fitted_clf.n_iter_ + 1
    np.testing.assert_array_equal(streaming.classes_, [0, 1])


# -- early stopping and the stopping rule ------------------------------------


class RecordValidation(Callback):
    """Keeps the hold-out set that skorch validates on."""

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        self.dataset_valid = dataset_valid


def _validation_score(est):
    """Score of the fitted weights on the early-stopping hold-out set."""
    recorders = [
        cb for _, cb in est.net_.callbacks_ if isinstance(cb, RecordValidation)
    ]
    (recorder,) = recorders
    valid = recorder.dataset_valid
    _, y_valid = valid[np.arange(len(valid))]
    output = est.net_.forward(valid).numpy()
    y_valid = y_valid.numpy()
    if isinstance(est, RNNClassifier):
        return accuracy_score(y_valid, output.argmax(axis=1))
    return r2_score(y_valid.reshape(output.shape), output)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_early_stopping_attributes(kind):
    X, y = EASY[0], target(kind, EASY)
    est = estimator(
        kind,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=3,
        max_iter=40,
        learning_rate_init=0.02,
        learning_rate="constant",
    ).fit(X, y)
    assert est.best_loss_ is None
    assert len(est.validation_scores_) == est.n_iter_ == len(est.loss_curve_)
    assert est.best_validation_score_ == max(est.validation_scores_)
    scores = est.net_.history[:, "valid_score"]
    np.testing.assert_allclose(est.validation_scores_, scores)
    # the stopping rule ends training well before max_iter on this problem
    assert est.n_iter_ < 40


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_no_early_stopping_attributes(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    est = fit_quietly(estimator(kind, early_stopping=False), X, y)
    assert est.validation_scores_ is None
    assert est.best_validation_score_ is None
    assert isinstance(est.best_loss_, float)
    assert est.best_loss_ == min(est.loss_curve_)
    assert len(est.loss_curve_) == est.n_iter_
    np.testing.assert_allclose(est.loss_curve_, est.net_.history[:, "train_loss"])


@pytest.mark.parametrize("tol", [0.0, 1e-4, 0.05])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_early_stopping_restores_best_weights(kind, tol):
    """After fit, the model scores best_validation_score_ on the hold-out."""
    X, y = EASY[0], target(kind, EASY)
    est = estimator(
        kind,
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=4,
        tol=tol,
        max_iter=200,
        learning_rate_init=0.02,
        random_state=0,
        callbacks=[RecordValidation()],
    ).fit(X, y)
    assert est.best_validation_score_ == max(est.validation_scores_)
    np.testing.assert_allclose(
        _validation_score(est), est.best_validation_score_, rtol=1e-5, atol=1e-6
    )
    if kind == "regressor" and tol == 0.0:
        # the final epoch is not the best one, so weights were really restored
        assert est.validation_scores_[-1] < est.best_validation_score_


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_that_never_improves_keeps_the_best_weights(kind):
    """As in MLPClassifier across warm starts: a second fit whose epochs
    never beat the weights it started from keeps those weights, and
    best_validation_score_ is what they score on the hold-out."""
    X, y = EASY[0], target(kind, EASY)
    params = dict(
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=4,
        max_iter=60,
        learning_rate_init=0.02,
        random_state=0,
        warm_start=True,
        callbacks=[RecordValidation()],
    )
    est = estimator(kind, **params).fit(X, y)
    first_best = est.best_validation_score_
    first_epoch = est.net_.history[-1, "best_epoch"]
    before = outputs(est, X)
    n_first = est.n_iter_
    # a learning rate far too high: every epoch of the second fit is worse
    est.set_params(solver="sgd", learning_rate_init=50.0, max_iter=3)
    est.set_params(learning_rate="constant", clip_grad_norm=1.0)
    est.fit(X, y)
    second = est.validation_scores_[n_first:]
    assert len(second) == 3
    assert max(second) <= first_best  # the premise: no epoch improved
    np.testing.assert_array_equal(outputs(est, X), before)
    assert est.best_validation_score_ == pytest.approx(first_best, abs=1e-12)
    np.testing.assert_allclose(
        _validation_score(est), est.best_validation_score_, rtol=1e-5, atol=1e-6
    )
    # and the history says which epoch the weights are from
    assert est.net_.history[-1, "best_epoch"] <= n_first
    assert est.net_.history[-1, "best_epoch"] == first_epoch


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_warm_start_that_improves_keeps_its_own_best(kind):
    X, y = EASY[0], target(kind, EASY)
    params = dict(
        early_stopping=True,
        validation_fraction=0.25,
        n_iter_no_change=50,
        max_iter=1,
        learning_rate_init=1e-4,
        random_state=0,
        warm_start=True,
        callbacks=[RecordValidation()],
    )
    est = estimator(kind, **params).fit(X, y)
    first_best = est.best_validation_score_
    assert first_best < 0.9  # the premise: room to improve
    est.set_params(max_iter=30, learning_rate_init=0.02).fit(X, y)
    assert est.best_validation_score_ > first_best
    assert est.best_validation_score_ == max(est.validation_scores_[1:])
    np.testing.assert_allclose(
        _validation_score(est), est.best_validation_score_, rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_stopping_rule_on_training_loss(kind, ragged):
    """With a constant learning rate, training stops once the loss stops
    improving by tol for n_iter_no_change epochs, without a
    ConvergenceWarning. (The first epoch always improves on nothing.)"""
    X, y = ragged[0], target(kind, ragged)
    est = estimator(
        kind, max_iter=50, tol=1e6, n_iter_no_change=2, learning_rate="constant"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.n_iter_ == 1 + 2
    assert est.net_.history[:, "lr"] == [est.learning_rate_init] * 3


@pytest.mark.parametrize("early_stopping", [False, True])
def test_adaptive_learning_rate_gives_more_steps(ragged, early_stopping):
    """The adaptive rate divides the learning rate by 5 at the first two
    plateaus and stops at the third: a tiny data set whose loss stalls
    early gets two more rounds of n_iter_no_change epochs, each at a fifth
    of the previous rate."""
    X, y, _ = ragged
    est = RNNClassifier(
        **{**FAST, "max_iter": 100},
        tol=1e6,
        n_iter_no_change=2,
        learning_rate_init=0.005,
        early_stopping=early_stopping,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.learning_rate == "adaptive"  # the default
    lrs = est.net_.history[:, "lr"]
    assert est.n_iter_ == len(lrs) == 1 + 2 * 3
    expected = [0.005] + [0.005 / 5**k for k in range(3) for _ in range(2)]
    np.testing.assert_allclose(lrs, expected)


def test_adaptive_rate_stops_at_the_floor_first(ragged):
    """Below 1e-6 the rate is not divided, however few divisions so far:
    from 4e-6 one division leaves 8e-7, so training stops at the first
    plateau, as MLP's adaptive rate does."""
    X, y, _ = ragged
    est = RNNClassifier(
        **{**FAST, "max_iter": 100},
        tol=1e6,
        n_iter_no_change=2,
        learning_rate_init=4e-6,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.net_.history[:, "lr"] == [4e-6] * 3


def test_max_iter_reached_warns(ragged):
    X, y, _ = ragged
    est = RNNClassifier(**{**FAST, "max_iter": 2, "n_iter_no_change": 10})
    with pytest.warns(ConvergenceWarning, match="Maximum iterations"):
        est.fit(X, y)
    assert est.n_iter_ == 2


def test_easy_problem_stops_before_max_iter():
    X, y, _ = EASY
    clf = RNNClassifier(
        hidden_size=6,
        batch_size=16,
        learning_rate_init=0.05,
        max_iter=200,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X, y)
    assert clf.n_iter_ < 200
    assert clf.score(X, y) > 0.9


# -- class_weight and sample_weight -------------------------------------------


def _share_of_ones(clf, X):
    return float(np.mean(clf.predict(X) == 1))


def test_class_weight_dict_shifts_predictions():
    X, y = _noise(minority=0.5)
    params = dict(**FAST, learning_rate_init=0.03)
    params["max_iter"] = 10
    toward_1 = RNNClassifier(class_weight={0: 1, 1: 30}, **params).fit(X, y)
    toward_0 = RNNClassifier(class_weight={0: 30, 1: 1}, **params).fit(X, y)
    assert _share_of_ones(toward_1, X) > 0.8
    assert _share_of_ones(toward_0, X) < 0.2


def test_class_weight_balanced_favours_the_rare_class():
    X, y = _noise(minority=0.2)
    assert y.mean() < 0.3
    params = dict(**FAST, learning_rate_init=0.03)
    params["max_iter"] = 10
    plain = RNNClassifier(**params).fit(X, y)
    balanced = RNNClassifier(class_weight="balanced", **params).fit(X, y)
    assert _share_of_ones(balanced, X) > _share_of_ones(plain, X) + 0.2
    # "balanced" is the dict of inverse class frequencies
    counts = np.bincount(y)
    as_dict = {c: len(y) / (2 * counts[c]) for c in (0, 1)}
    explicit = RNNClassifier(class_weight=as_dict, **params).fit(X, y)
    np.testing.assert_allclose(
        explicit.predict_proba(X), balanced.predict_proba(X), rtol=1e-4, atol=1e-5
    )


def test_sample_weight_shifts_predictions():
    X, y = _noise(minority=0.5)
    params = dict(**FAST, learning_rate_init=0.03)
    params["max_iter"] = 10
    plain = RNNClassifier(**params).fit(X, y)
    weights = np.where(y == 1, 30.0, 1.0)
    heavy = RNNClassifier(**params).fit(X, y, sample_weight=weights)
    assert _share_of_ones(heavy, X) > 0.8
    assert _share_of_ones(heavy, X) > _share_of_ones(plain, X)


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_unit_sample_weight_equals_no_weight(kind, ragged):
    X, y = ragged[0], target(kind, ragged)
    plain = estimator(kind).fit(X, y)
    ones = estimator(kind).fit(X, y, sample_weight=np.ones(len(y)))
    twos = estimator(kind).fit(X, y, sample_weight=np.full(len(y), 2.0))
    np.testing.assert_array_equal(outputs(ones, X), outputs(plain, X))
    np.testing.assert_array_equal(outputs(twos, X), outputs(plain, X))


def test_regressor_sample_weight_changes_the_model(ragged):
    X, _, y = ragged
    plain = RNNRegressor(**FAST).fit(X, y)
    w = np.where(np.arange(len(y)) < 10, 20.0, 1.0)
    weighted = RNNRegressor(**FAST).fit(X, y, sample_weight=w)
    assert not np.allclose(weighted.predict(X), plain.predict(X))


def test_zero_weights_drop_samples():
    """Samples of weight 0 do not count: adding them changes nothing."""
    X, y, _ = EASY
    base = RNNClassifier(**{**FAST, "shuffle": False, "batch_size": 64})
    w = np.r_[np.ones(40), np.zeros(20)]
    with_zero = copy.deepcopy(base).fit(X, y, sample_weight=w)
    # the zero-weight samples carry labels flipped: a model that used them
    # would look different from one that ignores them
    y_flipped = y.copy()
    y_flipped[40:] = 1 - y_flipped[40:]
    with_flipped = copy.deepcopy(base).fit(X, y_flipped, sample_weight=w)
    np.testing.assert_allclose(
        with_zero.predict_proba(X), with_flipped.predict_proba(X), rtol=1e-5
    )


# -- divergence -----------------------------------------------------------------

DIVERGE = dict(solver="sgd", learning_rate_init=1e20, clip_grad_norm=None, max_iter=10)


@pytest.mark.parametrize("cell", ["gru", "lstm", "rnn"])
@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_divergence_raises_clear_error(kind, cell, ragged):
    X, y = ragged[0], target(kind, ragged)
    huge = [x * 1e6 for x in X]
    est = estimator(kind, cell=cell, **DIVERGE)
    with pytest.raises(ValueError, match="learning_rate_init") as info:
        est.fit(huge, y)
    message = str(info.value)
    assert "clip_grad_norm" in message
    assert "diverged" in message
    # nothing fitted: no model that predicts garbage
    with pytest.raises(Exception, match="not fitted"):
        check_is_fitted(est)


def test_divergence_leaves_fitted_estimator_unchanged(kind, fitted, ragged):
    X, y = ragged[0], target(kind, ragged)
    huge = [x * 1e6 for x in X]
    est = copy.deepcopy(fitted)
    before = outputs(est, X)
    n_iter, curve = est.n_iter_, list(est.loss_curve_)
    est.set_params(**DIVERGE)
    with pytest.raises(ValueError, match="clip_grad_norm"):
        est.fit(huge, y)
    np.testing.assert_array_equal(outputs(est, X), before)
    assert est.n_iter_ == n_iter
    assert est.loss_curve_ == curve
    assert est.n_features_in_ == fitted.n_features_in_


def test_divergence_when_continuing_leaves_estimator_unchanged(ragged):
    """warm_start and partial_fit continue the fitted optimizer (its learning
    rate included), so train first with the huge rate held in check by a
    tiny clip_grad_norm, then turn clipping off. (A regressor: without weight
    decay, the cross-entropy's bounded gradients never overflow.)"""
    X, _, y = ragged
    huge = [x * 1e6 for x in X]
    # alpha=0: weight decay bypasses the clipping
    est = RNNRegressor(**{**FAST, **DIVERGE, "clip_grad_norm": 1e-25, "alpha": 0.0})
    est.fit(X, y)
    before = outputs(est, X)
    assert np.isfinite(before).all()
    n_iter = est.n_iter_
    est.set_params(clip_grad_norm=None, warm_start=True)
    with pytest.raises(ValueError, match="learning_rate_init"):
        est.fit(huge, y)
    np.testing.assert_array_equal(outputs(est, X), before)
    assert est.n_iter_ == n_iter

    # partial_fit: the epoch that diverges changes nothing
    message = None
    for _ in range(10):
        snapshot, n_iter = outputs(est, X), est.n_iter_
        try:
            est.partial_fit(huge, y)
        except ValueError as error:
            message = str(error)
            break
    assert message is not None, "partial_fit never diverged"
    assert "clip_grad_norm" in message
    np.testing.assert_array_equal(outputs(est, X), snapshot)
    assert est.n_iter_ == n_iter


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_warm_start_fit_uses_current_solver_settings():
    """As in MLPClassifier, a warm-start fit builds its optimizer afresh."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    est = RNNClassifier(
        hidden_size=4, max_iter=2, warm_start=True, solver="sgd", random_state=0
    ).fit(X, y)
    assert isinstance(est.net_.optimizer_, torch.optim.SGD)
    est.set_params(solver="adam", learning_rate_init=0.02).fit(X, y)
    assert isinstance(est.net_.optimizer_, torch.optim.Adam)
    assert est.net_.optimizer_.param_groups[0]["lr"] == 0.02
    assert est.n_iter_ == 4


#: A changed value of every architecture parameter (fitted: hidden_size=4,
#: the defaults otherwise, patch_size resolved to 1).
CHANGES = {
    "cell": "lstm",
    "hidden_size": 8,
    "num_layers": 2,
    "bidirectional": False,  # the classifier's "auto" reads both ways
    "dropout": 0.5,
    "pooling": "mean",
    "patch_size": 2,
    "conv_layers": 1,
    "batch_norm": True,
    "differences": 2,
    "standardize_sequences": True,
    "return_sequences": True,
}


def test_every_architecture_parameter_is_checked_and_documented():
    """The registry, the check and the docstring name the same parameters."""
    assert set(CHANGES) == set(ARCHITECTURE)
    for cls in (RNNClassifier, RNNRegressor):
        doc = cls.__doc__.split("warm_start :")[1].split("verbose :")[0]
        doc = " ".join(doc.split())
        for name in ARCHITECTURE:
            assert f"``{name}``" in doc, (cls.__name__, name)


@pytest.mark.parametrize("change", [{name: v} for name, v in CHANGES.items()])
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_continuing_refuses_a_new_architecture(change):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4, 2))
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)
    est = RNNClassifier(hidden_size=4, max_iter=2, warm_start=True, random_state=0)
    est.fit(X, y)
    before = est.predict_proba(X)
    est.set_params(**change)
    name = next(iter(change))
    with pytest.raises(ValueError, match=f"architecture cannot change: {name}"):
        est.fit(X, y)
    with pytest.raises(ValueError, match="architecture cannot change"):
        est.partial_fit(X, y)
    np.testing.assert_array_equal(est.predict_proba(X), before)


def test_regressor_default_does_not_fit_noise_worse_than_the_mean():
    """On a target that X does not predict, the regressor's default early
    stopping keeps it about as good as predicting the training mean, where
    training to the end of the loss fits the noise and does worse."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 10, 2)).astype(np.float32)
    y = rng.normal(size=160)
    baseline = np.mean((y[80:] - y[:80].mean()) ** 2)

    def relative_error(**params):
        est = RNNRegressor(hidden_size=16, max_iter=100, random_state=0, **params)
        est.set_params(device="cpu")
        fit_quietly(est, X[:80], y[:80])
        return np.mean((y[80:] - est.predict(X[80:])) ** 2) / baseline

    assert relative_error() < 1.1  # early_stopping=True by default
    assert relative_error(early_stopping=False) > 1.2
