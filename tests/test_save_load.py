"""est.save(path) and sklearn_rnn.load(path): the safe, device-portable format."""

import copy
import json
import os
import pickle
import textwrap
import warnings
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from _helpers import (
    FAST,
    estimator,
    fit_quietly,
    forbid_unpickling,
    outputs,
    run_without_cuda,
    target,
)
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.exceptions import NotFittedError
from skorch.callbacks import EpochScoring

from sklearn_rnn import RNNClassifier, RNNRegressor, load
from sklearn_rnn._persistence import _sha256, _tensors_sha256

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FITTED = [
    "n_features_in_",
    "n_outputs_",
    "n_iter_",
    "loss_curve_",
    "best_loss_",
    "validation_scores_",
    "best_validation_score_",
]


def _round_trip(est, tmp_path, name="model.safetensors"):
    path = tmp_path / name
    est.save(path)
    return load(path)


def _assert_same_model(loaded, est, X):
    assert type(loaded) is type(est)
    assert loaded.get_params() == est.get_params()
    for name in FITTED:
        assert getattr(loaded, name) == getattr(est, name), name
    if hasattr(est, "classes_"):
        np.testing.assert_array_equal(loaded.classes_, est.classes_)
        assert loaded.classes_.dtype == est.classes_.dtype
    np.testing.assert_array_equal(outputs(loaded, X), outputs(est, X))
    np.testing.assert_array_equal(loaded.predict(X), est.predict(X))


def test_round_trip(kind, fitted, ragged, equal, tmp_path):
    loaded = _round_trip(fitted, tmp_path)
    _assert_same_model(loaded, fitted, ragged[0])
    np.testing.assert_array_equal(outputs(loaded, equal[0]), outputs(fitted, equal[0]))
    assert len(loaded.net_.history) == len(fitted.net_.history)


def test_file_is_plain_safetensors(fitted_clf, tmp_path):
    path = tmp_path / "model.safetensors"
    fitted_clf.save(path)
    with safe_open(path, framework="pt") as file:
        metadata = file.metadata()
        weights = {k: file.get_tensor(k) for k in file.keys() if "module." in k}  # noqa: SIM118
    description = json.loads(metadata["model"])
    assert metadata["format"] == "sklearn_rnn"
    assert metadata["format_version"] == "2"
    assert description["estimator"] == "RNNClassifier"
    assert description["params"]["hidden_size"] == FAST["hidden_size"]
    assert description["versions"]["torch"] == torch.__version__
    state = fitted_clf.net_.module_.state_dict()
    assert set(weights) == {f"module.{key}" for key in state}
    for key, value in state.items():
        torch.testing.assert_close(weights[f"module.{key}"], value, rtol=0, atol=0)


def test_2d_frame_fit_keeps_feature_names_and_columns(equal, tmp_path):
    X, y, _ = equal
    frame = pd.DataFrame(X[:, :, 0], columns=[f"t{i}" for i in range(X.shape[1])])
    clf = fit_quietly(RNNClassifier(**FAST), frame, y)
    loaded = _round_trip(clf, tmp_path)
    _assert_same_model(loaded, clf, frame)
    np.testing.assert_array_equal(loaded.feature_names_in_, clf.feature_names_in_)
    with pytest.raises(ValueError, match="missing:\n- t6"):
        loaded.predict(frame.iloc[:, :-2])


def test_string_labels_class_weight_and_early_stopping(ragged, tmp_path):
    X, y, _ = ragged
    labels = np.array(["cat", "dog"], dtype=object)[y]
    clf = RNNClassifier(
        **FAST,
        class_weight={"cat": 1.0, "dog": 2.0},
        early_stopping=True,
        validation_fraction=0.25,
    )
    clf = fit_quietly(clf, X, labels)
    loaded = _round_trip(clf, tmp_path)
    _assert_same_model(loaded, clf, X)
    assert loaded.predict(X[:3]).tolist() == clf.predict(X[:3]).tolist()


def test_integer_class_weight_keys_and_multi_output(ragged, tmp_path):
    X, y, y_reg = ragged
    clf = fit_quietly(RNNClassifier(**FAST, class_weight={5: 1.0, 6: 3.0}), X, y + 5)
    loaded = _round_trip(clf, tmp_path)
    assert loaded.class_weight == {5: 1.0, 6: 3.0}
    _assert_same_model(loaded, clf, X)
    Y = np.c_[y_reg, -2 * y_reg]
    reg = fit_quietly(RNNRegressor(**FAST, cell="lstm", bidirectional=True), X, Y)
    loaded = _round_trip(reg, tmp_path, "reg.safetensors")
    _assert_same_model(loaded, reg, X)
    assert loaded.predict(X).shape == (len(X), 2)


def test_loaded_model_continues_like_the_original(kind, fitted, ragged, tmp_path):
    """partial_fit after load continues with the saved optimizer state."""
    X, y = ragged[0], target(kind, ragged)
    original = copy.deepcopy(fitted)
    loaded = _round_trip(fitted, tmp_path)
    original.partial_fit(X, y)
    loaded.partial_fit(X, y)
    np.testing.assert_array_equal(outputs(loaded, X), outputs(original, X))
    assert loaded.n_iter_ == fitted.n_iter_ + 1
    assert loaded.loss_curve_ == original.loss_curve_
    step = loaded.net_.optimizer_.state_dict()["state"][0]["step"]
    assert step == original.net_.optimizer_.state_dict()["state"][0]["step"]
    # warm_start fit also runs on the loaded model, for max_iter epochs (the
    # regressor's early_stopping="refit" would train the epochs a hold-out
    # chose, maybe fewer)
    loaded.set_params(warm_start=True, max_iter=2, early_stopping=False)
    fit_quietly(loaded, X, y)
    assert loaded.n_iter_ == fitted.n_iter_ + 3


def test_load_never_unpickles(fitted_clf, ragged, tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    fitted_clf.save(path)
    forbid_unpickling(monkeypatch)
    loaded = load(path)
    np.testing.assert_array_equal(
        loaded.predict_proba(ragged[0]), fitted_clf.predict_proba(ragged[0])
    )


def test_load_leaves_global_rng_alone(fitted_clf, tmp_path):
    path = tmp_path / "model.safetensors"
    fitted_clf.save(path)
    state = torch.get_rng_state()
    load(path)
    assert torch.equal(torch.get_rng_state(), state)


def test_save_refuses_unfitted_estimator(tmp_path):
    with pytest.raises(NotFittedError):
        RNNClassifier().save(tmp_path / "model.safetensors")


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("callbacks", [EpochScoring("accuracy", name="acc")]),
        ("random_state", np.random.RandomState(0)),
    ],
    ids=["callbacks", "RandomState"],
)
def test_save_refuses_params_json_cannot_hold(param, value, fitted_clf, tmp_path):
    est = copy.deepcopy(fitted_clf).set_params(**{param: value})
    path = tmp_path / "model.safetensors"
    with pytest.raises(ValueError, match=rf"parameter {param}=.*joblib\.dump"):
        est.save(path)
    assert not path.exists()


# -- refusing bad files ------------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory, ragged):
    """Path and bytes of a saved classifier."""
    X, y, _ = ragged
    clf = fit_quietly(RNNClassifier(**FAST), X, y)
    path = tmp_path_factory.mktemp("saved") / "model.safetensors"
    clf.save(path)
    return path, path.read_bytes()


def _write(tmp_path, data):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    return path


def _rewrite(source, tmp_path, edit):
    """A copy of ``source`` whose metadata and tensors ``edit`` changed."""
    with safe_open(source, framework="pt") as file:
        metadata = file.metadata()
        tensors = {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118
    edit(metadata, tensors)
    path = tmp_path / "edited.safetensors"
    save_file(tensors, path, metadata=metadata)
    return path


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.99])
def test_truncated_file(keep, saved, tmp_path):
    _, data = saved
    path = _write(tmp_path, data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load(path)


def test_tampered_weights(saved, tmp_path):
    _, data = saved
    data = bytearray(data)
    data[-5] ^= 0xFF  # a byte of the last tensor
    with pytest.raises(ValueError, match="modified or corrupted: its weights"):
        load(_write(tmp_path, bytes(data)))


def test_tampered_description(saved, tmp_path):
    _, data = saved
    old = b'\\"max_iter\\": 5'
    assert data.count(old) == 1
    data = data.replace(old, b'\\"max_iter\\": 7')
    with pytest.raises(ValueError, match="modified or corrupted: its model"):
        load(_write(tmp_path, data))


def test_extra_bytes(saved, tmp_path):
    _, data = saved
    with pytest.raises(ValueError, match="cannot be read as safetensors"):
        load(_write(tmp_path, data + b"\0" * 16))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda: pickle.dumps({"weights": [1, 2, 3]}), id="pickle"),
        pytest.param(lambda: os.urandom(1000), id="random"),
        pytest.param(lambda: b"", id="empty"),
        pytest.param(lambda: b'{"not": "safetensors"}', id="json"),
    ],
)
def test_foreign_file(content, tmp_path):
    with pytest.raises(ValueError, match="not a model file written by sklearn_rnn"):
        load(_write(tmp_path, content()))


def test_joblib_file_is_refused(fitted_clf, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted_clf, path)
    with pytest.raises(ValueError, match=r"joblib\.load"):
        load(path)


@pytest.mark.parametrize("metadata", [None, {"author": "someone"}])
def test_foreign_safetensors_file(metadata, tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"weight": torch.zeros(3, 2)}, path, metadata=metadata)
    with pytest.raises(ValueError, match="not written by sklearn_rnn"):
        load(path)


@pytest.mark.parametrize("version", ["3", "0", "1.0"])
def test_incompatible_format_version(version, saved, tmp_path):
    def edit(metadata, tensors):
        metadata["format_version"] = version

    path = _rewrite(saved[0], tmp_path, edit)
    with pytest.raises(ValueError, match=f"format version {version}, ") as error:
        load(path)
    assert ("Upgrade sklearn_rnn" in str(error.value)) == (version == "3")


def _forge(field, value):
    """An edit that changes the JSON and recomputes its checksum."""

    def edit(metadata, tensors):
        description = json.loads(metadata["model"])
        description[field] = value(description[field])
        metadata["model"] = json.dumps(description)
        metadata["model_sha256"] = _sha256(metadata["model"].encode())

    return edit


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_forge("estimator", lambda _: "os.system"), "not an estimator class"),
        (_forge("params", lambda p: {**p, "evil": 1}), "no parameter"),
        (
            _forge("attributes", lambda a: {**a, "predict": 1}),
            "cannot be an attribute of a RNNClassifier",
        ),
        (
            _forge(
                "attributes",
                lambda a: {**a, "x_": {"__sklearn__": {"class": "Popen", "state": {}}}},
            ),
            "KeyError",
        ),
        (
            _forge(
                "attributes",
                lambda a: {
                    **a,
                    "_label_encoder": {
                        "__sklearn__": {
                            "class": "LabelEncoder",
                            "state": {"transform": "not a method"},
                        }
                    },
                },
            ),
            "cannot be an attribute of a LabelEncoder",
        ),
    ],
    ids=["class", "param", "attribute", "helper", "helper-attribute"],
)
def test_forged_description_builds_nothing_unexpected(edit, message, saved, tmp_path):
    """A file whose checksums were recomputed still builds only known types."""
    with pytest.raises(ValueError, match=message):
        load(_rewrite(saved[0], tmp_path, edit))


def test_forged_weights_of_the_wrong_shape(saved, tmp_path):
    def edit(metadata, tensors):
        tensors["module.head.bias"] = torch.zeros(7)
        metadata["tensors_sha256"] = _tensors_sha256(tensors)

    with pytest.raises(ValueError, match="size mismatch"):
        load(_rewrite(saved[0], tmp_path, edit))


# -- device portability ------------------------------------------------------


@pytest.mark.skipif(torch.cuda.is_available(), reason="simulates a CPU-only load")
def test_model_saved_on_cuda_loads_on_cpu_only_machine(fitted_clf, ragged, tmp_path):
    """With device="auto" a CUDA model loads on the CPU without a word.

    (Simulated: the net is only marked as a CUDA net before saving.)
    """
    est = copy.deepcopy(fitted_clf).set_params(device="auto")
    est.net_.device = "cuda"
    path = tmp_path / "model.safetensors"
    est.save(path)
    assert json.loads(_metadata(path)["model"])["net"]["device"] == "cuda"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = load(path)
    assert str(loaded.net_.device) == "cpu"
    assert all(p.device.type == "cpu" for p in loaded.net_.module_.parameters())
    X = ragged[0]
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted_clf.predict_proba(X))


@pytest.mark.skipif(torch.cuda.is_available(), reason="simulates a CPU-only load")
def test_model_saved_with_device_cuda_loads_on_cpu_with_warning(
    fitted_reg, ragged, tmp_path
):
    est = copy.deepcopy(fitted_reg).set_params(device="cuda")
    est.net_.device = "cuda"
    path = tmp_path / "model.safetensors"
    est.save(path)
    with pytest.warns(UserWarning, match="CUDA is not available here"):
        loaded = load(path)
    assert str(loaded.net_.device) == "cpu"
    assert loaded.device == "cuda"  # the parameter is kept as saved
    np.testing.assert_array_equal(
        loaded.predict(ragged[0]), fitted_reg.predict(ragged[0])
    )
    with pytest.raises(ValueError, match="CUDA is not available"):
        loaded.partial_fit(ragged[0], ragged[2])


def _metadata(path):
    with safe_open(path, framework="pt") as file:
        return file.metadata()


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_gpu_saved_model_loads_in_cpu_only_process(ragged, tmp_path):
    """Save on the GPU, load in a process that sees no GPU, predict there."""
    X, y, _ = ragged
    clf = fit_quietly(estimator("classifier", device="cuda"), X, y)
    path = tmp_path / "gpu.safetensors"
    clf.save(path)
    np.save(tmp_path / "expected.npy", clf.predict_proba(X))
    np.savez(tmp_path / "X.npz", *X)
    script = textwrap.dedent(
        f"""
        import numpy as np, torch, warnings
        from sklearn_rnn import load
        assert not torch.cuda.is_available()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            clf = load({str(path)!r})
        assert any("CUDA is not available" in str(w.message) for w in caught)
        data = np.load({str(tmp_path / "X.npz")!r})
        X = [data[f"arr_{{i}}"] for i in range(len(data.files))]
        expected = np.load({str(tmp_path / "expected.npy")!r})
        np.testing.assert_allclose(clf.predict_proba(X), expected, atol=1e-5)
        print("ok", clf.net_.device)
        """
    )
    assert "ok cpu" in run_without_cuda(script)


# -- files of earlier format versions ----------------------------------------

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("kind", ["classifier", "regressor"])
def test_format_version_1_files_load(kind):
    """Files written by sklearn_rnn before the target encoder (format 1,
    commit f78b906) load, predict as they did and train on."""
    expected = np.load(DATA / "format_v1_expected.npz")
    with safe_open(DATA / f"format_v1_{kind}.safetensors", framework="pt") as file:
        assert file.metadata()["format_version"] == "1"
    est = load(DATA / f"format_v1_{kind}.safetensors")
    # saved before the convolution front end: trained and continued without
    assert est.conv_layers == 0
    assert est.conv_layers_ == 0
    # and before pooling="auto": the pooling they were trained with
    assert est.pooling == est.pooling_ == est.net_.module_.pooling
    assert est.pooling_ == ("max" if kind == "classifier" else "last")
    X = expected["X"]
    if kind == "classifier":
        np.testing.assert_array_equal(est.classes_, ["a", "b", "c"])
        np.testing.assert_allclose(est.predict_proba(X), expected["proba"], atol=1e-5)
        y = est.predict(X)
    else:
        np.testing.assert_allclose(
            est.predict(X), expected["reg"], rtol=1e-4, atol=1e-4
        )
        y = est.predict(X)
    est.set_params(device="cpu").partial_fit(X, y)
    assert est.n_iter_ == 4
