"""Model search on a dask.distributed cluster through joblib's dask backend.

A real two-process cluster on the loopback interface; the search must give
the same scores and best parameters as the same search run locally.
"""

import joblib
import numpy as np
import pytest
from _helpers import FAST, fit_quietly
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV

from sklearn_rnn import RNNClassifier, RNNRegressor

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def _on_cluster(client, search, X, y):
    """Fit ``search`` through the dask backend; check tasks ran on workers."""
    with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
        fit_quietly(search, X, y)
    assert len(tasks.data) >= search.n_splits_ * len(search.cv_results_["params"])
    return search


def _assert_same_search(remote, local):
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    for key in local.cv_results_:
        if "test_score" in key:
            np.testing.assert_array_equal(
                remote.cv_results_[key], local.cv_results_[key], err_msg=key
            )
    assert remote.best_params_ == local.best_params_
    assert remote.best_index_ == local.best_index_


def test_grid_search_on_cluster_matches_local_run(client, ragged):
    X, y, _ = ragged

    def search():
        grid = {"hidden_size": [3, 6], "cell": ["gru", "rnn"]}
        return GridSearchCV(RNNClassifier(**FAST), grid, cv=2, n_jobs=-1)

    remote = _on_cluster(client, search(), X, y)
    local = fit_quietly(search().set_params(n_jobs=1), X, y)
    _assert_same_search(remote, local)
    np.testing.assert_array_equal(
        remote.best_estimator_.predict_proba(X), local.best_estimator_.predict_proba(X)
    )


def test_randomized_search_on_cluster_matches_local_run(client, ragged):
    X, _, y = ragged

    def search():
        space = {"hidden_size": [2, 4, 6, 8], "learning_rate_init": [0.001, 0.01]}
        return RandomizedSearchCV(
            RNNRegressor(**FAST), space, n_iter=3, cv=2, random_state=0, n_jobs=-1
        )

    remote = _on_cluster(client, search(), X, y)
    local = fit_quietly(search().set_params(n_jobs=1), X, y)
    _assert_same_search(remote, local)


def test_each_worker_trains_on_its_share_of_threads(client):
    """dask's nanny starts workers with OMP_NUM_THREADS=1, which torch reads:
    with one thread per worker, each task trains on one thread (no
    oversubscription), so the package sets no thread count itself."""

    def threads():
        import torch

        return torch.get_num_threads()

    assert set(client.run(threads).values()) == {1}
