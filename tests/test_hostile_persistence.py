"""save / load given bad paths and hostile files.

Every failure is a built-in ``OSError`` (of the errno's kind, naming the
path), ``TypeError`` or ``ValueError``, never an exception from inside
torch, skorch, numpy or safetensors; a failed save leaves both the fitted
model and the file already at the path as they were.
"""

import copy
import errno
import glob
import json
import os
import pickle
import re
import stat
import subprocess
import sys

import joblib
import numpy as np
import pytest
import torch
from _helpers import FAST, fit_quietly, make_ragged
from safetensors import safe_open
from safetensors.torch import save_file
from skorch.callbacks import EpochScoring

from sklearn_rnn import RNNClassifier, load
from sklearn_rnn._persistence import _sha256, _tensors_sha256

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X, _, _ = make_ragged(n_samples=12, seed=3)
NOT_PATHS = [3, 2.5, None, True, ["model.safetensors"], {"path": "x"}, object()]
NOT_PATH_IDS = ["int", "float", "None", "bool", "list", "dict", "object"]


def _names(path):
    """``pytest.raises(match=...)`` for a message that names ``path``."""
    return re.escape(os.fspath(path))


# -- the fitted model must not change --------------------------------------------


def _snapshot(est):
    net = est.net_
    outputs = est.predict_proba(X) if hasattr(est, "predict_proba") else None
    return {
        "outputs": outputs,
        "predict": est.predict(X),
        "attributes": joblib.hash({k: v for k, v in vars(est).items() if k != "net_"}),
        "params": est.get_params(deep=False),
        "weights": {k: v.clone() for k, v in net.module_.state_dict().items()},
        "optimizer": copy.deepcopy(net.optimizer_.state_dict()),
        "history": (len(net.history), joblib.hash(list(net.history))),
    }


def _assert_same_state(a, b, where="optimizer"):
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor), where
        assert torch.equal(a, b), where
    elif isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for key in a:
            _assert_same_state(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _assert_same_state(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def _assert_unchanged(est, before):
    after = _snapshot(est)
    if before["outputs"] is not None:
        np.testing.assert_array_equal(after["outputs"], before["outputs"])
    np.testing.assert_array_equal(after["predict"], before["predict"])
    assert after["attributes"] == before["attributes"]
    assert after["params"] == before["params"]
    assert after["weights"].keys() == before["weights"].keys()
    for key, value in before["weights"].items():
        assert torch.equal(after["weights"][key], value), key
    _assert_same_state(after["optimizer"], before["optimizer"])
    assert after["optimizer"]["state"], "the optimizer has no state to compare"
    assert after["history"] == before["history"]


@pytest.fixture(params=["classifier", "regressor"])
def model(request, fitted_clf, fitted_reg):
    """A private copy of a fitted model, and its state before the test."""
    est = copy.deepcopy(fitted_clf if request.param == "classifier" else fitted_reg)
    return est, _snapshot(est)


def test_the_unchanged_check_sees_changes(fitted_clf):
    """_assert_unchanged fails for a model that did change (not vacuous)."""
    X_fit, y, _ = make_ragged()
    est = copy.deepcopy(fitted_clf)
    before = _snapshot(est)
    _assert_unchanged(est, before)
    est.partial_fit(X_fit, y)
    with pytest.raises(AssertionError):
        _assert_unchanged(est, before)
    est = copy.deepcopy(fitted_clf)
    est.n_iter_ += 1
    with pytest.raises(AssertionError):
        _assert_unchanged(est, before)


IS_ROOT = getattr(os, "geteuid", lambda: -1)() == 0
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")


_UNBLOCK = """
import os, sys, time
time.sleep(10)
for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY | os.O_NONBLOCK):
    try:
        os.close(os.open(sys.argv[1], flags))
    except OSError:
        pass
"""


@pytest.fixture
def fifo(tmp_path):
    """A named pipe nobody uses; a regression that blocks on it fails instead.

    After 10 s, another process opens and closes either end once, which
    unblocks an ``open`` waiting on the pipe (safetensors waits holding the
    GIL, so a thread could not): the test then fails, it does not hang.
    """
    path = tmp_path / "pipe"
    os.mkfifo(path)
    helper = subprocess.Popen([sys.executable, "-c", _UNBLOCK, str(path)])
    yield path
    helper.kill()
    helper.wait()


def _listing(folder):
    return sorted(os.listdir(folder))


# -- save: paths that cannot be written ---------------------------------------


def _check_failed_save(est, before, path, error, folder=None):
    """Save to ``path`` fails with exactly ``error`` naming it, changing nothing."""
    listing = _listing(folder) if folder is not None else None
    with pytest.raises(error, match=_names(path)) as info:
        est.save(path)
    assert type(info.value) is error
    assert info.value.filename == os.fspath(path)
    _assert_unchanged(est, before)
    if folder is not None:
        assert _listing(folder) == listing  # no temporary file left behind
    return info.value


def test_save_to_missing_folder(model, tmp_path):
    est, before = model
    path = tmp_path / "missing" / "model.safetensors"
    exc = _check_failed_save(est, before, path, FileNotFoundError, tmp_path)
    assert exc.errno == errno.ENOENT
    assert "does not exist" in str(exc)
    assert not (tmp_path / "missing").exists()


def test_save_below_a_file(model, tmp_path):
    est, before = model
    (tmp_path / "file").write_text("x")
    path = tmp_path / "file" / "model.safetensors"
    _check_failed_save(est, before, path, NotADirectoryError, tmp_path)
    assert (tmp_path / "file").read_text() == "x"


@pytest.mark.parametrize("as_str", [False, True])
def test_save_to_a_folder(as_str, model, tmp_path):
    est, before = model
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "kept").write_text("x")
    path = str(folder) if as_str else folder
    exc = _check_failed_save(est, before, path, IsADirectoryError, folder)
    assert exc.errno == errno.EISDIR
    assert folder.is_dir()
    assert (folder / "kept").read_text() == "x"


def test_save_to_a_symlink_to_a_folder(model, tmp_path):
    est, before = model
    (tmp_path / "folder").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "folder")
    _check_failed_save(est, before, link, IsADirectoryError, tmp_path / "folder")


def test_save_to_a_name_ending_in_a_separator(model, tmp_path):
    est, before = model
    path = str(tmp_path / "model.safetensors") + os.sep
    _check_failed_save(est, before, path, IsADirectoryError, tmp_path)


def test_save_to_empty_path(model):
    est, before = model
    with pytest.raises(FileNotFoundError, match="path is empty") as info:
        est.save("")
    assert type(info.value) is FileNotFoundError
    assert info.value.filename == ""
    _assert_unchanged(est, before)


def _unwritable_folder(tmp_path):
    """A folder in which this process really cannot create a file."""
    if not IS_ROOT:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o500)
        return folder
    # root may write anywhere on a normal file system, but not into /sys.
    probe = "/sys/sklearn_rnn-probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except PermissionError:
        return "/sys"
    except OSError as exc:
        pytest.skip(f"/sys is not a place root cannot write here: {exc}")
    os.unlink(probe)
    pytest.skip("/sys is writable here")


def test_save_where_writing_is_not_permitted(model, tmp_path):
    est, before = model
    folder = _unwritable_folder(tmp_path)
    path = os.path.join(folder, "model.safetensors")
    exc = _check_failed_save(est, before, path, PermissionError, folder)
    assert exc.errno in (errno.EACCES, errno.EPERM)


def _refuse_new_files(folder, monkeypatch):
    """A file system on which no file can be created in ``folder``."""
    real_open = os.open

    def refusing_create(name, flags, *args, **kwargs):
        if flags & os.O_CREAT and os.fspath(name).startswith(str(folder)):
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_create)


def test_save_permission_denied_simulated(model, tmp_path, monkeypatch):
    """The same, by a file system that refuses to create any file."""
    est, before = model
    _refuse_new_files(tmp_path, monkeypatch)
    path = tmp_path / "model.safetensors"
    _check_failed_save(est, before, path, PermissionError, tmp_path)
    assert not path.exists()


def test_save_over_a_file_in_a_read_only_folder(model, tmp_path, monkeypatch):
    """No new file may be created there, but the file itself may be written."""
    est, before = model
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"old contents")
    _refuse_new_files(tmp_path, monkeypatch)
    est.save(path)
    monkeypatch.undo()
    _assert_unchanged(est, before)
    assert _listing(tmp_path) == ["model.safetensors"]
    np.testing.assert_array_equal(load(path).predict(X), est.predict(X))


def test_save_over_a_read_only_file(model, tmp_path, monkeypatch):
    est, before = model
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"old contents")
    path.chmod(0o444)
    if IS_ROOT:  # root may write any file: say this one may not
        real_access = os.access
        monkeypatch.setattr(
            os,
            "access",
            lambda p, mode, **kw: (
                False if os.fspath(p) == str(path) else real_access(p, mode, **kw)
            ),
        )
    _check_failed_save(est, before, path, PermissionError, tmp_path)
    assert path.read_bytes() == b"old contents"


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), OSError),
        (OSError(errno.EIO, "Input/output error"), OSError),
        (KeyboardInterrupt(), KeyboardInterrupt),
    ],
    ids=["disk-full", "io-error", "interrupt"],
)
def test_failed_write_keeps_the_old_file(
    failure, error, model, fitted_clf, tmp_path, monkeypatch
):
    """A save that fails midway leaves the good file there, and no other."""
    est, before = model
    path = tmp_path / "model.safetensors"
    fitted_clf.save(path)
    good = path.read_bytes()

    def failing_fsync(fd):
        raise failure

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(error) as info:
        est.save(path)
    assert type(info.value) is error
    if error is OSError:
        assert info.value.errno == failure.errno
        assert info.value.filename == str(path)
        assert str(path) in str(info.value)
    assert _listing(tmp_path) == ["model.safetensors"]
    assert path.read_bytes() == good
    _assert_unchanged(est, before)
    monkeypatch.undo()
    est.save(path)  # and the model still saves
    np.testing.assert_array_equal(load(path).predict(X), est.predict(X))


@needs_fifo
def test_save_to_a_pipe_without_reader_does_not_block(model, fifo):
    est, before = model
    path = fifo
    with pytest.raises(OSError, match=_names(path)) as info:
        est.save(path)
    assert info.value.errno == errno.ENXIO
    assert info.value.filename == str(path)
    assert stat.S_ISFIFO(os.stat(path).st_mode)  # not replaced by a file
    _assert_unchanged(est, before)


@pytest.mark.parametrize("path", NOT_PATHS, ids=NOT_PATH_IDS)
def test_save_path_of_wrong_type(path, model):
    est, before = model
    with pytest.raises(TypeError, match=r"save: path must be a file name") as info:
        est.save(path)
    assert type(info.value) is TypeError
    _assert_unchanged(est, before)


def test_save_path_with_null_byte(model, tmp_path):
    est, before = model
    path = str(tmp_path / "mo\0del.safetensors")
    with pytest.raises(ValueError, match="null byte"):
        est.save(path)
    _assert_unchanged(est, before)
    assert _listing(tmp_path) == []


def test_save_refused_for_json_keeps_the_old_file(fitted_clf, tmp_path):
    path = tmp_path / "model.safetensors"
    path.write_bytes(b"old contents")
    est = copy.deepcopy(fitted_clf).set_params(
        callbacks=[EpochScoring("accuracy", name="acc")]
    )
    before = _snapshot(est)
    with pytest.raises(ValueError, match="joblib"):
        est.save(path)
    assert path.read_bytes() == b"old contents"
    assert _listing(tmp_path) == ["model.safetensors"]
    _assert_unchanged(est, before)


# -- save: paths that can be written ------------------------------------------


@pytest.mark.parametrize(
    "form", [str, os.fsencode, lambda p: p], ids=["str", "bytes", "Path"]
)
def test_save_accepts_str_bytes_and_path_like(form, model, tmp_path):
    est, before = model
    path = tmp_path / "model.safetensors"
    est.save(form(path))
    _assert_unchanged(est, before)
    assert _listing(tmp_path) == ["model.safetensors"]
    np.testing.assert_array_equal(load(form(path)).predict(X), est.predict(X))


def test_save_replaces_a_file_and_keeps_its_mode(fitted_clf, fitted_reg, tmp_path):
    path = tmp_path / "model.safetensors"
    fitted_reg.save(path)
    path.chmod(0o640)
    fitted_clf.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert type(load(path)) is RNNClassifier
    assert _listing(tmp_path) == ["model.safetensors"]


def test_save_writes_through_a_symlink(fitted_clf, tmp_path):
    target = tmp_path / "target.safetensors"
    target.write_bytes(b"old")
    link = tmp_path / "link.safetensors"
    link.symlink_to(target)
    fitted_clf.save(link)
    assert link.is_symlink()
    np.testing.assert_array_equal(load(target).predict(X), fitted_clf.predict(X))


# -- load: paths that cannot be read --------------------------------------------


def _check_failed_load(path, error):
    with pytest.raises(error, match=_names(path)) as info:
        load(path)
    assert type(info.value) is error
    if issubclass(error, OSError):
        assert info.value.filename == os.fspath(path)
    return info.value


def test_load_missing_file(tmp_path):
    _check_failed_load(tmp_path / "missing.safetensors", FileNotFoundError)
    _check_failed_load(str(tmp_path / "missing" / "m.safetensors"), FileNotFoundError)


def test_load_below_a_file(tmp_path):
    (tmp_path / "file").write_text("x")
    _check_failed_load(tmp_path / "file" / "model.safetensors", NotADirectoryError)


def test_load_a_folder(tmp_path):
    exc = _check_failed_load(tmp_path, IsADirectoryError)
    assert exc.errno == errno.EISDIR
    _check_failed_load(str(tmp_path) + os.sep, IsADirectoryError)


def test_load_empty_path():
    with pytest.raises(FileNotFoundError, match="path is empty"):
        load("")


def _unreadable_file(tmp_path):
    if not IS_ROOT:
        path = tmp_path / "unreadable.safetensors"
        path.write_bytes(b"x")
        path.chmod(0)
        return path
    # Write-only sysfs attributes are regular files that even root cannot
    # open for reading (load only ever opens them for reading).
    for candidate in ["/sys/bus/pci/rescan", *glob.glob("/sys/kernel/mm/*/*/demote")]:
        try:
            os.close(os.open(candidate, os.O_RDONLY))
        except PermissionError:
            return candidate
        except OSError:
            continue
    pytest.skip("no file here that root cannot read")


def test_load_unreadable_file(tmp_path):
    _check_failed_load(_unreadable_file(tmp_path), PermissionError)


def test_load_unreadable_file_simulated(fitted_clf, tmp_path, monkeypatch):
    path = tmp_path / "model.safetensors"
    fitted_clf.save(path)
    real_open = os.open

    def refusing_open(name, flags, *args, **kwargs):
        if os.fspath(name) == str(path):
            raise PermissionError(errno.EACCES, "Permission denied", name)
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    _check_failed_load(path, PermissionError)


@needs_fifo
def test_load_a_pipe_does_not_block(fifo):
    _check_failed_load(fifo, ValueError)


@pytest.mark.parametrize("path", NOT_PATHS, ids=NOT_PATH_IDS)
def test_load_path_of_wrong_type(path):
    with pytest.raises(TypeError, match=r"load: path must be a file name") as info:
        load(path)
    assert type(info.value) is TypeError


def test_load_path_with_null_byte(tmp_path):
    with pytest.raises(ValueError, match="null byte"):
        load(str(tmp_path / "mo\0del.safetensors"))


# -- load: files that are not sklearn_rnn models ---------------------------------


@pytest.fixture(scope="module")
def saved(fitted_clf, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "model.safetensors"
    fitted_clf.save(path)
    return path


def _write(tmp_path, data):
    path = tmp_path / "bad file.safetensors"
    path.write_bytes(data)
    return path


def test_the_saved_file_loads(saved, fitted_clf):
    """The files below are broken versions of one that loads."""
    np.testing.assert_array_equal(
        load(saved).predict_proba(X), fitted_clf.predict_proba(X)
    )


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: data[:4], id="truncated-in-size"),
        pytest.param(lambda data: data[:40], id="truncated-in-header"),
        pytest.param(lambda data: data[: len(data) // 2], id="truncated-half"),
        pytest.param(lambda data: data[:-1], id="truncated-by-one"),
        pytest.param(lambda data: data + b"\0" * 8, id="extra-bytes"),
        pytest.param(lambda data: np.random.default_rng(0).bytes(2000), id="random"),
        pytest.param(lambda data: b"\xff" * 8 + data[8:], id="huge-header-size"),
        pytest.param(lambda data: pickle.dumps({"w": [1.0, 2.0]}), id="pickle"),
        pytest.param(lambda data: b'{"format": "sklearn_rnn"}', id="json"),
        pytest.param(lambda data: "é".encode("latin-1") * 100, id="text"),
    ],
)
def test_load_foreign_bytes(content, saved, tmp_path):
    path = _write(tmp_path, content(saved.read_bytes()))
    _check_failed_load(path, ValueError)


def test_load_joblib_file(fitted_clf, tmp_path):
    path = tmp_path / "model.joblib"
    joblib.dump(fitted_clf, path)
    exc = _check_failed_load(path, ValueError)
    assert "joblib.load" in str(exc)


@pytest.mark.parametrize("metadata", [None, {"format": "other"}])
def test_load_foreign_safetensors_file(metadata, tmp_path):
    path = tmp_path / "other.safetensors"
    save_file({"weight": torch.zeros(3, 2)}, path, metadata=metadata)
    _check_failed_load(path, ValueError)


# -- load: descriptions forged with their checksums recomputed -------------------


def _forge(saved, tmp_path, edit):
    """A copy of ``saved`` that ``edit(description, tensors)`` changed.

    ``edit`` returns the new description (any JSON value) or a string that
    replaces the JSON text; both checksums are recomputed.
    """
    with safe_open(saved, framework="pt") as file:
        metadata = file.metadata()
        tensors = {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118
    description = edit(json.loads(metadata["model"]), tensors)
    text = description if isinstance(description, str) else json.dumps(description)
    metadata["model"] = text
    metadata["model_sha256"] = _sha256(text.encode("utf-8"))
    metadata["tensors_sha256"] = _tensors_sha256(tensors)
    path = tmp_path / "forged.safetensors"
    save_file(tensors, path, metadata=metadata)
    return path


def _set(keys, value):
    def edit(description, tensors):
        node = description
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
        return description

    return edit


def _delete(keys):
    def edit(description, tensors):
        node = description
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]
        return description

    return edit


def _tensor(name, value):
    def edit(description, tensors):
        if value is None:
            del tensors[name]
        else:
            tensors[name] = value
        return description

    return edit


FORGERIES = {
    "not-json": lambda d, t: "{not json",
    "empty-text": lambda d, t: "",
    "list": lambda d, t: [d],
    "string": lambda d, t: json.dumps("x"),
    "number": lambda d, t: 1,
    "null": lambda d, t: None,
    "deeply-nested": lambda d, t: "[" * 100_000 + "]" * 100_000,
    "unknown-estimator": _set(["estimator"], "os.system"),
    "estimator-not-str": _set(["estimator"], ["RNNClassifier"]),
    "no-estimator": _delete(["estimator"]),
    "no-params": _delete(["params"]),
    "no-attributes": _delete(["attributes"]),
    "no-net": _delete(["net"]),
    "no-module": _delete(["net", "module"]),
    "no-optimizer": _delete(["net", "optimizer"]),
    "params-a-list": _set(["params"], [1, 2]),
    "unknown-param": _set(["params", "evil"], 1),
    "attribute-hides-method": _set(["attributes", "predict"], 1),
    "attribute-dunder": _set(["attributes", "__class__"], 1),
    "unknown-helper": _set(
        ["attributes", "x_"], {"__sklearn__": {"class": "Popen", "state": {}}}
    ),
    "bad-tag-body": _set(["attributes", "x_"], {"__tuple__": 5}),
    "bad-dict-items": _set(["attributes", "x_"], {"__dict__": [[1]]}),
    "bad-float": _set(["attributes", "x_"], {"__float__": "1e999999"}),
    "bad-dtype": _set(
        ["attributes", "x_"],
        {"__ndarray__": {"dtype": "nonsense", "shape": [1], "values": [1]}},
    ),
    "object-dtype-void": _set(
        ["attributes", "x_"],
        {"__ndarray__": {"dtype": "|V8", "shape": [1], "values": [1]}},
    ),
    "int-overflow": _set(
        ["attributes", "x_"],
        {"__ndarray__": {"dtype": "|i1", "shape": [1], "values": [1000]}},
    ),
    "bad-shape": _set(
        ["attributes", "x_"],
        {"__ndarray__": {"dtype": "<f8", "shape": [5, 7], "values": [1.0]}},
    ),
    "missing-tensor-ref": _set(
        ["net", "optimizer", "state"],
        {"__dict__": [[0, {"step": {"__tensor__": "optimizer.99.step"}}]]},
    ),
    "hidden-size-text": _set(["net", "module", "hidden_size"], "six"),
    "hidden-size-negative": _set(["net", "module", "hidden_size"], -3),
    "unknown-cell": _set(["net", "module", "cell"], "quantum"),
    "unknown-module-arg": _set(["net", "module", "evil"], 1),
    "device-not-str": _set(["params", "device"], 7),
    "unknown-device": _set(["params", "device"], "quantum"),
    "history-not-list": _set(["net", "history"], 3),
    "weights-wrong-shape": _tensor("module.head.bias", torch.zeros(7)),
    "weights-missing": _tensor("module.head.bias", None),
    "weights-extra": _tensor("module.extra", torch.zeros(2)),
    "optimizer-state-wrong-shape": _tensor("optimizer.0.exp_avg", torch.zeros(3)),
    "optimizer-state-not-tensor": _set(
        ["net", "optimizer", "state"],
        {
            "__dict__": [
                [
                    0,
                    {
                        "step": {"__tensor__": "optimizer.0.step"},
                        "exp_avg": 3.0,
                        "exp_avg_sq": {"__tensor__": "optimizer.0.exp_avg_sq"},
                    },
                ]
            ]
        },
    ),
}


@pytest.mark.parametrize("edit", FORGERIES.values(), ids=FORGERIES.keys())
def test_forged_description_gives_value_error(edit, saved, tmp_path):
    path = _forge(saved, tmp_path, edit)
    exc = _check_failed_load(path, ValueError)
    assert "sklearn_rnn" in str(exc)


@pytest.mark.parametrize("solver", ["adam", "adamw", "sgd", "rmsprop"])
def test_every_solver_state_passes_the_checks(solver, tmp_path):
    """The optimizer-state check refuses no solver's real state."""
    X_fit, y, _ = make_ragged(n_samples=16, seed=5)
    params = {**FAST, "max_iter": 2, "solver": solver, "momentum": 0.9}
    est = fit_quietly(RNNClassifier(**params), X_fit, y)
    path = tmp_path / "model.safetensors"
    est.save(path)
    loaded = load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    loaded.partial_fit(X_fit, y)
    est.partial_fit(X_fit, y)
    np.testing.assert_allclose(loaded.predict_proba(X), est.predict_proba(X))


def test_forging_without_change_loads(saved, fitted_clf, tmp_path):
    """The forgery helper itself writes files that load (not vacuous)."""
    path = _forge(saved, tmp_path, lambda description, tensors: description)
    np.testing.assert_array_equal(
        load(path).predict_proba(X), fitted_clf.predict_proba(X)
    )


def test_missing_model_entry_with_matching_checksum(saved, tmp_path):
    with safe_open(saved, framework="pt") as file:
        metadata = file.metadata()
        tensors = {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118
    del metadata["model"]
    metadata["model_sha256"] = _sha256(b"")
    path = tmp_path / "forged.safetensors"
    save_file(tensors, path, metadata=metadata)
    _check_failed_load(path, ValueError)


def test_unfitted_like_estimator_still_needs_a_fit(tmp_path):
    """A fresh estimator that never fitted refuses to save, whatever the path."""
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        RNNClassifier(**FAST).save(tmp_path / "missing" / "m.safetensors")
    assert _listing(tmp_path) == []


def test_model_fitted_here_saves_after_failed_saves(tmp_path):
    """A model fitted here (not the session fixture) round-trips after errors."""
    X_fit, y, _ = make_ragged(n_samples=16, seed=5)
    est = fit_quietly(RNNClassifier(**{**FAST, "max_iter": 2}), X_fit, y)
    before = _snapshot(est)
    for bad in (tmp_path, tmp_path / "no" / "m.safetensors", None):
        with pytest.raises((OSError, TypeError)):
            est.save(bad)
    _assert_unchanged(est, before)
    est.save(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(
        load(tmp_path / "m.safetensors").predict_proba(X), est.predict_proba(X)
    )
