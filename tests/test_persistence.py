"""pickle and joblib round trips give identical predictions."""

import copy
import pickle
import textwrap

import joblib
import numpy as np
import pytest
import torch
from _helpers import FAST, fit_quietly, outputs, run_without_cuda, target
from sklearn.pipeline import make_pipeline

from sklearn_rnn import RNNClassifier, SequenceScaler


def _pickle(est, tmp_path):
    return pickle.loads(pickle.dumps(est))


def _joblib(est, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    return joblib.load(path)


ROUND_TRIPS = [_pickle, _joblib]


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=["pickle", "joblib"])
def test_round_trip_ragged_fit(round_trip, fitted, ragged, equal, tmp_path):
    loaded = round_trip(fitted, tmp_path)
    X = ragged[0]
    np.testing.assert_array_equal(outputs(loaded, X), outputs(fitted, X))
    np.testing.assert_array_equal(loaded.predict(X), fitted.predict(X))
    np.testing.assert_array_equal(outputs(loaded, equal[0]), outputs(fitted, equal[0]))
    assert loaded.n_features_in_ == fitted.n_features_in_
    assert loaded.n_iter_ == fitted.n_iter_
    assert loaded.loss_curve_ == fitted.loss_curve_
    assert loaded.get_params() == fitted.get_params()
    if hasattr(fitted, "classes_"):
        np.testing.assert_array_equal(loaded.classes_, fitted.classes_)


@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=["pickle", "joblib"])
def test_round_trip_2d_fit(round_trip, fitted_clf_2d, equal, tmp_path):
    loaded = round_trip(fitted_clf_2d, tmp_path)
    X2 = equal[0][:, :, 0]
    np.testing.assert_array_equal(
        loaded.predict_proba(X2), fitted_clf_2d.predict_proba(X2)
    )
    # still asks for the fitted number of columns
    with pytest.raises(ValueError, match="features"):
        loaded.predict(X2[:, :-2])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_round_trip_pipeline_and_early_stopping(ragged, tmp_path):
    X, y, _ = ragged
    pipe = make_pipeline(
        SequenceScaler(),
        RNNClassifier(**FAST, early_stopping=True, validation_fraction=0.25),
    ).fit(X, y)
    loaded = _joblib(pipe, tmp_path)
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))
    est = loaded[-1]
    assert est.validation_scores_ == pipe[-1].validation_scores_


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_loaded_model_keeps_training(kind, fitted, ragged, tmp_path):
    """A loaded model continues like the original (partial_fit / warm_start)."""
    X, y = ragged[0], target(kind, ragged)
    original = copy.deepcopy(fitted)
    loaded = _pickle(fitted, tmp_path)
    original.partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_allclose(outputs(loaded, X), outputs(original, X), rtol=1e-5)
    assert loaded.n_iter_ == fitted.n_iter_ + 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="simulates a CPU-only load")
@pytest.mark.parametrize("round_trip", ROUND_TRIPS, ids=["pickle", "joblib"])
def test_model_marked_cuda_loads_on_cpu_only_machine(
    round_trip, fitted_clf, ragged, tmp_path
):
    """skorch maps a net pickled on "cuda" to the CPU when CUDA is missing.

    (Simulated: the net is only marked as a CUDA net before pickling.)
    """
    X = ragged[0]
    est = copy.deepcopy(fitted_clf)
    est.net_.device = "cuda"
    with pytest.warns(UserWarning, match=r"(?i)cuda"):
        loaded = round_trip(est, tmp_path)
    assert str(loaded.net_.device) == "cpu"
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted_clf.predict_proba(X))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_gpu_fitted_model_predicts_on_cpu_only_machine(ragged, tmp_path):
    """Fit on the GPU, load in a process that sees no GPU, predict there."""
    X, y, _ = ragged
    clf = fit_quietly(RNNClassifier(**{**FAST, "device": "cuda"}), X, y)
    assert str(clf.net_.device).startswith("cuda")
    path = tmp_path / "gpu.joblib"
    joblib.dump(clf, path)
    np.save(tmp_path / "expected.npy", clf.predict_proba(X))
    joblib.dump(X, tmp_path / "X.joblib")
    script = textwrap.dedent(
        f"""
        import warnings
        import joblib, numpy as np, torch
        assert not torch.cuda.is_available()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf = joblib.load({str(path)!r})
        X = joblib.load({str(tmp_path / "X.joblib")!r})
        expected = np.load({str(tmp_path / "expected.npy")!r})
        np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-5)
        print("ok", clf.net_.device)
        """
    )
    assert "ok cpu" in run_without_cuda(script)
