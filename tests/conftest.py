"""Small shared data and fitted models for the behaviour tests.

Every data set here is tiny (tens of short sequences) so that the whole
suite stays fast on two CPU cores. Fitted models are session-scoped: a test
that re-fits or mutates one works on ``copy.deepcopy`` of it.
"""

import pytest
import torch
from _helpers import FAST, fit_quietly, make_equal, make_ragged

from sklearn_rnn import RNNClassifier, RNNRegressor


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """Train on one thread: the networks here are tiny, and two torch threads
    competing with any other process on a two-core machine are many times
    slower than one."""
    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n_threads)


@pytest.fixture(scope="session")
def ragged():
    """(X, y_class, y_real): 40 sequences of 3-15 steps, 2 features."""
    return make_ragged()


@pytest.fixture(scope="session")
def equal():
    """(X, y_class, y_real): 3-D array (30, 8, 2)."""
    return make_equal()


@pytest.fixture(scope="session")
def fitted_clf(ragged):
    X, y, _ = ragged
    return fit_quietly(RNNClassifier(**FAST), X, y)


@pytest.fixture(scope="session")
def fitted_reg(ragged):
    X, _, y = ragged
    return fit_quietly(RNNRegressor(**FAST), X, y)


@pytest.fixture(scope="session")
def fitted_clf_2d(equal):
    """A classifier fitted on 2-D (univariate, 8 time steps) input."""
    X, y, _ = equal
    return fit_quietly(RNNClassifier(**FAST), X[:, :, 0], y)


@pytest.fixture(params=["classifier", "regressor"])
def kind(request):
    return request.param


@pytest.fixture
def fitted(kind, fitted_clf, fitted_reg):
    """A fitted classifier or regressor (session object: do not mutate)."""
    return fitted_clf if kind == "classifier" else fitted_reg
