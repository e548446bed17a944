"""sklearn_rnn.save / load of whole pipelines: round trips, no unpickling,
refusal of untrusted steps and of tampered files."""

import copy
import io
import json
import sys
import zipfile

import numpy as np
import pytest
import torch
from _helpers import forbid_unpickling, make_ragged, outputs
from safetensors import safe_open
from safetensors.torch import save_file
from sklearn.exceptions import NotFittedError
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler, load
from sklearn_rnn._persistence import _sha256, _tensors_sha256
from sklearn_rnn._pipeline_persistence import EXTRA_TRUSTED_TYPES, save
from sklearn_rnn.inspection import HiddenStateTransformer
from sklearn_rnn.preprocessing import TextSequencer

sio = pytest.importorskip("skops.io")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

TINY = dict(hidden_size=4, max_iter=2, batch_size=16, random_state=0, device="cpu")
TEXTS = ["hello", "help", "yellow", "mellow", "jelly", "hell", "bell", "yell"]
TEXT_Y = [0, 0, 1, 1, 1, 0, 0, 1]


@pytest.fixture(scope="module")
def data():
    return make_ragged(n_samples=16, max_len=6)


@pytest.fixture(scope="module")
def clf_pipe(data):
    X, y, _ = data
    return make_pipeline(SequenceScaler(), RNNClassifier(**TINY)).fit(X, y)


def _text_pipe():
    return make_pipeline(
        TextSequencer(analyzer="char"), RNNClassifier(categorical_features=[0], **TINY)
    ).fit(TEXTS, TEXT_Y)


def _regressor_pipe(data):
    X, _, y = data
    return make_pipeline(SequenceScaler(), RNNRegressor(**TINY)).fit(X, y)


def _hidden_pipe(data):
    X, y, _ = data
    return make_pipeline(
        HiddenStateTransformer(RNNClassifier(**TINY)),
        StandardScaler(),
        LogisticRegression(),
    ).fit(X, y)


def _round_trip(obj, tmp_path, name="pipe.safetensors"):
    path = tmp_path / name
    save(obj, path)
    return load(path)


def _assert_same_pipeline(loaded, pipe, X):
    assert type(loaded) is type(pipe)
    assert [name for name, _ in loaded.steps] == [name for name, _ in pipe.steps]
    for (_, new), (_, old) in zip(loaded.steps, pipe.steps, strict=True):
        assert type(new) is type(old)
        assert new is not old
    assert repr(loaded) == repr(pipe)
    np.testing.assert_array_equal(outputs(loaded, X), outputs(pipe, X))
    np.testing.assert_array_equal(loaded.predict(X), pipe.predict(X))


def test_round_trip_scaler_and_classifier(clf_pipe, data, tmp_path):
    loaded = _round_trip(clf_pipe, tmp_path)
    _assert_same_pipeline(loaded, clf_pipe, data[0])
    np.testing.assert_array_equal(loaded[0].mean_, clf_pipe[0].mean_)
    np.testing.assert_array_equal(loaded[-1].classes_, clf_pipe[-1].classes_)
    assert loaded[-1].loss_curve_ == clf_pipe[-1].loss_curve_


def test_round_trip_text_sequencer_and_classifier(tmp_path):
    pipe = _text_pipe()
    loaded = _round_trip(pipe, tmp_path)
    _assert_same_pipeline(loaded, pipe, TEXTS)
    assert loaded[0].vocabulary_ == pipe[0].vocabulary_
    np.testing.assert_array_equal(loaded[0].tokens_, pipe[0].tokens_)


def test_round_trip_regressor(data, tmp_path):
    pipe = _regressor_pipe(data)
    loaded = _round_trip(pipe, tmp_path)
    _assert_same_pipeline(loaded, pipe, data[0])


def test_round_trip_hidden_states_and_sklearn_steps(data, tmp_path):
    pipe = _hidden_pipe(data)
    loaded = _round_trip(pipe, tmp_path)
    _assert_same_pipeline(loaded, pipe, data[0])
    hidden = loaded[0]
    assert not hasattr(hidden.estimator, "net_")  # the unfitted parameter
    np.testing.assert_array_equal(hidden.transform(data[0]), pipe[0].transform(data[0]))
    np.testing.assert_array_equal(loaded[-1].coef_, pipe[-1].coef_)


def test_round_trip_pure_sklearn_pipeline(tmp_path):
    texts = ["red apple", "green apple", "red car", "blue car"] * 3
    pipe = make_pipeline(TfidfVectorizer(), LogisticRegression())
    pipe.fit(texts, [0, 0, 1, 1] * 3)
    loaded = _round_trip(pipe, tmp_path)
    _assert_same_pipeline(loaded, pipe, texts)


def test_saving_leaves_the_pipeline_alone(clf_pipe, tmp_path):
    steps = list(clf_pipe.steps)
    before = repr(clf_pipe)
    save(clf_pipe, tmp_path / "pipe.safetensors")
    assert clf_pipe.steps == steps
    assert all(new is old for new, old in zip(clf_pipe.steps, steps, strict=True))
    assert repr(clf_pipe) == before


def _contents(path):
    with safe_open(path, framework="pt") as file:
        return file.metadata(), {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118


def test_single_estimator_is_saved_as_by_its_save(clf_pipe, data, tmp_path):
    est = clf_pipe[-1]
    save(est, tmp_path / "a.safetensors")
    est.save(tmp_path / "b.safetensors")
    # the same metadata and tensors (safetensors may order the header's keys
    # differently from one write to the next)
    a, b = (_contents(tmp_path / f"{n}.safetensors") for n in "ab")
    assert a[0] == b[0]
    assert a[1].keys() == b[1].keys()
    assert all(torch.equal(a[1][key], b[1][key]) for key in a[1])
    loaded = load(tmp_path / "a.safetensors")
    assert type(loaded) is RNNClassifier
    Xt = clf_pipe[0].transform(data[0])
    np.testing.assert_array_equal(loaded.predict_proba(Xt), est.predict_proba(Xt))


def test_load_never_unpickles_and_trusts_only_skops_defaults(
    clf_pipe, data, tmp_path, monkeypatch
):
    path = tmp_path / "pipe.safetensors"
    save(clf_pipe, path)
    forbid_unpickling(monkeypatch)
    calls = []
    real_loads = sio.loads

    def spy(data, trusted=None):
        calls.append(trusted)
        return real_loads(data, trusted=trusted)

    monkeypatch.setattr(sio, "loads", spy)
    loaded = load(path)
    assert calls == [list(EXTRA_TRUSTED_TYPES)]
    assert EXTRA_TRUSTED_TYPES == ()
    np.testing.assert_array_equal(
        loaded.predict_proba(data[0]), clf_pipe.predict_proba(data[0])
    )
    # the skeleton is a skops file: JSON and .npy only
    with safe_open(path, framework="pt") as file:
        skeleton = file.get_tensor("skeleton").numpy().tobytes()
    names = zipfile.ZipFile(io.BytesIO(skeleton)).namelist()
    assert all(n == "schema.json" or n.endswith(".npy") for n in names), names


def _lambda(x):
    return x


class _MyScaler(StandardScaler):
    pass


@pytest.mark.parametrize(
    ("step", "named"),
    [
        (FunctionTransformer(lambda x: x), "<lambda>"),
        (FunctionTransformer(_lambda), "_lambda"),
        (_MyScaler(), "_MyScaler"),
    ],
    ids=["lambda", "function", "subclass"],
)
def test_save_refuses_an_untrusted_step(step, named, clf_pipe, tmp_path):
    pipe = make_pipeline(step, clf_pipe[-1])
    step.fit(np.zeros((3, 2)))
    path = tmp_path / "pipe.safetensors"
    with pytest.raises(ValueError, match="cannot be saved safely") as info:
        save(pipe, path)
    message = str(info.value)
    assert f"step {pipe.steps[0][0]!r}" in message
    assert named in message
    assert not path.exists()


def _edit(path, tmp_path, edit):
    """A copy of the file at ``path`` after ``edit(metadata, tensors)``."""
    with safe_open(path, framework="pt") as file:
        metadata = file.metadata()
        tensors = {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118
    edit(metadata, tensors)
    out = tmp_path / "edited.safetensors"
    save_file(tensors, out, metadata=metadata)
    return out


@pytest.fixture
def saved(clf_pipe, tmp_path):
    path = tmp_path / "pipe.safetensors"
    save(clf_pipe, path)
    return path


def test_load_refuses_a_file_naming_an_untrusted_type(saved, tmp_path):
    def edit(metadata, tensors):
        evil = make_pipeline(FunctionTransformer(_lambda), StandardScaler())
        data = sio.dumps(evil)
        tensors["skeleton"] = torch.frombuffer(bytearray(data), dtype=torch.uint8)
        metadata["tensors_sha256"] = _tensors_sha256(tensors)

    with pytest.raises(ValueError, match=r"not trust.*_lambda"):
        load(_edit(saved, tmp_path, edit))


def test_tampered_skeleton(saved, tmp_path):
    def edit(metadata, tensors):
        skeleton = tensors["skeleton"].clone()
        skeleton[len(skeleton) // 2] ^= 0xFF
        tensors["skeleton"] = skeleton

    with pytest.raises(ValueError, match="modified or corrupted"):
        load(_edit(saved, tmp_path, edit))


def test_tampered_weights(saved, tmp_path):
    data = bytearray(saved.read_bytes())
    data[-5] ^= 0xFF
    saved.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="modified or corrupted"):
        load(saved)


def test_tampered_components(saved, tmp_path):
    def edit(metadata, tensors):
        metadata["components"] = metadata["components"].replace(
            '"with_mean": true', '"with_mean": false'
        )

    with pytest.raises(ValueError, match="modified or corrupted: its description"):
        load(_edit(saved, tmp_path, edit))


def test_truncated_file(saved):
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load(saved)


def test_forged_component_class_builds_nothing(saved, tmp_path):
    def edit(metadata, tensors):
        components = json.loads(metadata["components"])
        components[0]["class"] = "os.system"
        metadata["components"] = json.dumps(components)
        metadata["components_sha256"] = _sha256(metadata["components"].encode())

    with pytest.raises(ValueError, match=r"'os\.system', which is not a class"):
        load(_edit(saved, tmp_path, edit))


@pytest.mark.parametrize("version", ["2", "0"])
def test_incompatible_pipeline_format_version(version, saved, tmp_path):
    def edit(metadata, tensors):
        metadata["format_version"] = version

    with pytest.raises(ValueError, match=f"format version {version}, ") as info:
        load(_edit(saved, tmp_path, edit))
    assert ("Upgrade sklearn_rnn" in str(info.value)) == (version == "2")


def test_save_refuses_an_unfitted_pipeline(tmp_path):
    with pytest.raises(NotFittedError):
        save(make_pipeline(SequenceScaler(), RNNClassifier()), tmp_path / "p")


def test_save_refuses_a_non_estimator(tmp_path):
    with pytest.raises(TypeError, match="not a dict"):
        save({"a": 1}, tmp_path / "p")


def test_missing_skops_names_the_extra(saved, clf_pipe, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(ImportError, match=r"sklearn-rnn\[skops\]"):
        save(clf_pipe, tmp_path / "other.safetensors")
    with pytest.raises(ImportError, match=r"sklearn-rnn\[skops\]"):
        load(saved)
    # a single estimator needs no skops
    save(clf_pipe[-1], tmp_path / "single.safetensors")
    assert type(load(tmp_path / "single.safetensors")) is RNNClassifier


def test_round_trip_lone_transformer(data, tmp_path):
    scaler = SequenceScaler().fit(data[0])
    loaded = _round_trip(scaler, tmp_path)
    assert type(loaded) is SequenceScaler
    for new, old in zip(
        loaded.transform(data[0]), scaler.transform(data[0]), strict=True
    ):
        np.testing.assert_array_equal(new, old)


def test_round_trip_nested_pipeline(clf_pipe, data, tmp_path):
    pipe = make_pipeline("passthrough", clf_pipe)
    loaded = _round_trip(pipe, tmp_path)
    assert loaded.steps[0][1] == "passthrough"
    assert type(loaded[-1][-1]) is RNNClassifier
    X = data[0]
    np.testing.assert_array_equal(loaded.predict_proba(X), pipe.predict_proba(X))


def test_save_refuses_a_non_ufunc_function_transformer(clf_pipe, tmp_path):
    pipe = make_pipeline(FunctionTransformer(np.asarray), clf_pipe[-1])
    pipe[0].fit(np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"'functiontransformer'.*numpy\.asarray"):
        save(pipe, tmp_path / "pipe.safetensors")


def test_save_names_the_step_whose_parameter_json_cannot_hold(clf_pipe, tmp_path):
    pipe = copy.deepcopy(clf_pipe)
    pipe[-1].set_params(random_state=np.random.RandomState(0))
    with pytest.raises(ValueError, match=r"steps\['rnnclassifier'\].*random_state"):
        save(pipe, tmp_path / "pipe.safetensors")
