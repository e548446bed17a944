"""Safe persistence: one safetensors file that loads without unpickling.

The file is a plain `safetensors <https://huggingface.co/docs/safetensors>`_
file. Its tensors are the module's weights (``module.*``) and the
optimizer's state (``optimizer.*``); its string metadata hold a JSON
description of everything else (the estimator's class and parameters, its
fitted attributes, the network's architecture, optimizer settings and
training history, the versions that wrote it) with SHA-256 digests of the
JSON and of the tensors. Loading reads JSON and raw tensor bytes only and
rebuilds the objects from a fixed list of types, so a file can come from
anywhere.
"""

import contextlib
import errno
import hashlib
import json
import math
import os
import secrets
import stat
import warnings

import numpy as np
import sklearn
import skorch
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save as _serialize
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils.validation import check_is_fitted

from ._device import DEVICE, resolve_device
from ._step_targets import StepTarget
from ._target import LabelTarget, ScaledTarget
from ._warnings import user_stacklevel

#: What the ``format`` metadata entry of every file says.
FORMAT = "sklearn_rnn"

#: Bumped whenever a file of the new layout could not be read by an older
#: loader. Version 2 keeps the target encoder (``_target.py``) where
#: version 1 kept a LabelEncoder or StandardScaler.
FORMAT_VERSION = 2

#: The versions ``load`` reads: this one, and older ones it can translate.
READABLE_VERSIONS = (1, 2)

#: What the ``format`` metadata entry of a file written by
#: :func:`sklearn_rnn.save` for a pipeline (or another scikit-learn
#: estimator holding this package's estimators) says; its layout is
#: described in ``_pipeline_persistence.py``.
PIPELINE_FORMAT = "sklearn_rnn.pipeline"

#: Estimator classes ``load`` may build, by the name written in the file.
_ESTIMATORS = {}

#: Fitted scikit-learn helpers that may appear in the fitted state.
_HELPERS = {
    "LabelEncoder": LabelEncoder,
    "StandardScaler": StandardScaler,
    "LabelTarget": LabelTarget,
    "ScaledTarget": ScaledTarget,
    "StepTarget": StepTarget,
}

_TAGS = ("__float__", "__tuple__", "__dict__", "__ndarray__", "__sklearn__")
_TENSOR = "__tensor__"
#: Keys that mark an encoded value; a plain dict may not use them.
_RESERVED = (*_TAGS, _TENSOR)
_ARRAY_KINDS = "biufUO"


class PersistenceMixin:
    """``save`` for the estimators; the file is read back by :func:`load`."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _ESTIMATORS[_class_name(cls)] = cls

    def save(self, path):
        """Save the fitted model to one safetensors file, readable by `load`.

        The file holds the weights as safetensors and, in its metadata, a
        JSON description of the rest: the parameters, the fitted attributes
        (``classes_``, ``n_features_in_``, ``loss_curve_``, ...), the
        optimizer's state, the training history, the versions of
        sklearn_rnn and torch that wrote it and SHA-256 digests that
        :func:`sklearn_rnn.load` checks. Unlike a pickle, loading it runs no
        code from the file, and it loads on a CPU-only machine whatever
        device the model was trained on.

        Parameters
        ----------
        path : str or path-like
            File to write (conventionally ``*.safetensors``); it is
            overwritten if it exists. The file is written whole to a
            temporary file in the same folder, which then replaces ``path``:
            a save that fails leaves ``path`` as it was (unless the folder
            is read-only and the file is not: it is then overwritten in
            place).

        Raises
        ------
        ValueError
            If a parameter or fitted attribute cannot be written as JSON,
            e.g. custom ``callbacks`` or a ``RandomState`` instance as
            ``random_state``. Such a model can be saved with
            ``joblib.dump`` (a pickle: load it only from a trusted source).
            Also if ``path`` contains a null byte.
        TypeError
            If ``path`` is not a str, bytes or path-like object.
        OSError
            If the file cannot be written; its ``filename`` is ``path``:
            `FileNotFoundError` if the folder does not exist,
            `IsADirectoryError` if ``path`` is a folder,
            `PermissionError` without permission to write there,
            `NotADirectoryError` if a parent of ``path`` is a file, a plain
            `OSError` for a full disk or a read-only file system.
        NotFittedError
            If the estimator is not fitted.

        See Also
        --------
        sklearn_rnn.load : Read the file back.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from sklearn_rnn import RNNClassifier, load
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(20, 6, 2)).astype("float32")
        >>> y = np.arange(20) % 2
        >>> clf = RNNClassifier(hidden_size=4, max_iter=3, random_state=0)
        >>> clf = clf.fit(X, y)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     path = os.path.join(tmp, "model.safetensors")
        ...     clf.save(path)
        ...     loaded = load(path)
        >>> bool(np.array_equal(loaded.predict_proba(X), clf.predict_proba(X)))
        True
        """
        check_is_fitted(self)
        name = _path_name(path, f"{type(self).__name__}.save")
        where = f"{type(self).__name__}.save"
        description, tensors = _describe(self, where)
        # Copies: the file never shares memory with the fitted model.
        tensors = {
            key: value.detach().to("cpu").clone(memory_format=torch.contiguous_format)
            for key, value in tensors.items()
        }
        text = json.dumps(description, allow_nan=False)
        metadata = {
            "format": FORMAT,
            "format_version": str(FORMAT_VERSION),
            "model": text,
            "model_sha256": _sha256(text.encode("utf-8")),
            "tensors_sha256": _tensors_sha256(tensors),
        }
        write_safetensors(name, tensors, metadata, f"{where}: the model")


def write_safetensors(name, tensors, metadata, what):
    """Write ``tensors`` and ``metadata`` to the file ``name`` atomically;
    a ValueError starting with ``what`` (e.g. "save(...): the model") when
    they cannot be serialised."""
    try:
        data = _serialize(tensors, metadata=metadata)
    except (SafetensorError, RuntimeError, ValueError, TypeError) as exc:
        raise ValueError(
            f"{what} cannot be written as safetensors: {type(exc).__name__}: {exc}"
        ) from exc
    _write_atomically(name, data)


def _describe(estimator, where):
    """The JSON description of a fitted estimator, and its tensors (the
    module's weights, the optimizer's state) by name."""
    net = estimator.net_
    params = estimator.get_params(deep=False)
    tensors = {
        f"module.{key}": value for key, value in net.module_.state_dict().items()
    }
    optimizer = _with_tensor_refs(net.optimizer_.state_dict(), tensors)
    description = {
        "estimator": _class_name(type(estimator)),
        "params": {
            name: _encode(value, f"{where}: parameter {name}={value!r}")
            for name, value in params.items()
        },
        "attributes": {
            name: _encode(value, f"{where}: fitted attribute {name}")
            for name, value in vars(estimator).items()
            if name not in params and name != "net_"
        },
        "net": {
            "device": str(net.device),
            "module": _encode(net.get_params_for("module"), f"{where}: module"),
            "optimizer": _encode(optimizer, f"{where}: optimizer state"),
            "history": _encode(list(net.history), f"{where}: net_.history"),
        },
        "versions": {
            "sklearn_rnn": _package_version(),
            "torch": torch.__version__,
            "skorch": skorch.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    return description, tensors


def load(path):
    """Load a model or pipeline written by ``save``, without unpickling anything.

    Reads both kinds of file: one written by an estimator's ``save`` method
    (or by :func:`sklearn_rnn.save` of a single estimator), and one written
    by :func:`sklearn_rnn.save` of a fitted pipeline, whose scikit-learn
    steps are read with skops (``pip install "sklearn-rnn[skops]"``) and
    only if they are of types skops trusts by default.

    The estimator is rebuilt with the saved parameters and fitted state, and
    its weights are put on the device its ``device`` parameter resolves to
    here: with ``device="auto"``, a GPU if this machine has one, else the
    CPU. A model saved with ``device="cuda"`` loads on the CPU of a machine
    without CUDA, with a warning; set ``device="auto"`` or ``"cpu"`` before
    training it further there. Predictions are those of the saved model.
    ``partial_fit`` and ``warm_start`` continue from the loaded weights,
    and ``partial_fit`` also from the saved optimizer state (Adam's moments,
    a lowered learning rate), as it would have in the saving process.

    Parameters
    ----------
    path : str or path-like
        A file written by the ``save`` method of an estimator or by
        :func:`sklearn_rnn.save`.

    Returns
    -------
    estimator : RNNClassifier, RNNRegressor or Pipeline
        The fitted estimator, or the fitted pipeline (or other scikit-learn
        estimator) that :func:`sklearn_rnn.save` wrote.

    Raises
    ------
    ValueError
        If the file is not a safetensors file (empty, truncated, corrupted,
        a pickle or other foreign file, not a regular file), was not written
        by sklearn_rnn, comes from an incompatible format version, fails its
        SHA-256 check (modified after it was written) or describes a model
        that cannot be rebuilt. The checksums detect corruption and edits,
        not a forger, who can recompute them; safety from code execution
        comes from the format, which holds no code. Also if ``path``
        contains a null byte, or if a pipeline's file names a type that
        skops does not trust.
    TypeError
        If ``path`` is not a str, bytes or path-like object.
    ImportError
        If the file holds a pipeline and skops is not installed.
    OSError
        If the file cannot be read; its ``filename`` is ``path``:
        `FileNotFoundError` if it does not exist, `IsADirectoryError` if
        ``path`` is a folder, `PermissionError` without permission to read
        it, `NotADirectoryError` if a parent of ``path`` is a file.

    See Also
    --------
    RNNClassifier.save : Write the file.
    sklearn_rnn.save : Write the file of a model or of a whole pipeline.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn_rnn import RNNRegressor, load
    >>> rng = np.random.default_rng(0)
    >>> X = [rng.normal(size=(n, 2)) for n in (4, 7, 5, 9, 6, 8)]
    >>> y = np.array([x[:, 0].mean() for x in X])
    >>> reg = RNNRegressor(hidden_size=4, max_iter=3, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "model.safetensors")
    ...     reg.save(path)
    ...     loaded = load(path)
    >>> bool(np.array_equal(loaded.predict(X), reg.predict(X)))
    True
    >>> loaded.n_iter_ == reg.n_iter_
    True
    """
    name = _path_name(path, "load")
    metadata, tensors = _read_safetensors(name)
    if metadata.get("format") == PIPELINE_FORMAT:
        from ._pipeline_persistence import _load_pipeline

        return _load_pipeline(name, metadata, tensors)
    text, tensors, version = _check_model(name, metadata, tensors)
    try:
        description = json.loads(text)
        if version == 1:
            description = _from_version_1(description)
        return _rebuild(description, tensors)
    except Warning:  # e.g. the CPU fallback's warning, under -W error
        raise
    except Exception as exc:  # whatever a forged file provokes
        raise ValueError(
            f"{name!r} passed its checksums but its model description "
            f"cannot be read by sklearn_rnn {_package_version()}: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


# -- reading -------------------------------------------------------------------


def _read(name):
    """The model description and the tensors of a checked sklearn_rnn file."""
    metadata, tensors = _read_safetensors(name)
    return _check_model(name, metadata, tensors)


def _read_safetensors(name):
    """The metadata and the tensors of a safetensors file written by
    sklearn_rnn (a single model's or a pipeline's); nothing checked yet."""
    _check_readable(name)
    try:
        with safe_open(name, framework="pt", device="cpu") as file:
            metadata = file.metadata() or {}
            tensors = {key: file.get_tensor(key) for key in file.keys()}  # noqa: SIM118
    except OSError as exc:
        raise _os_error(exc, "Cannot load a model", name) from exc
    except Exception as exc:  # SafetensorError and the like
        raise ValueError(
            f"{name!r} is not a model file written by sklearn_rnn's save: it "
            f"cannot be read as safetensors ({type(exc).__name__}: {exc}). The "
            "file is truncated or corrupted, or it is another kind of file (a "
            "pickle or joblib file must be read with joblib.load, and only "
            "from a trusted source)."
        ) from exc
    if metadata.get("format") not in (FORMAT, PIPELINE_FORMAT):
        raise ValueError(
            f"{name!r} is a safetensors file, but it was not written by "
            "sklearn_rnn's save: its metadata has no "
            f"'format': {FORMAT!r} entry."
        )
    return metadata, tensors


def _check_model(name, metadata, tensors):
    """The checked model description and format version of a single model's
    file."""
    version = _check_version(name, metadata.get("format_version"))
    text = check_digests(
        name, metadata, tensors, "model", "its model description", "its weights"
    )
    return text, tensors, version


def check_digests(name, metadata, tensors, key, described, weights):
    """``metadata[key]``, the JSON text, once it and the tensors match the
    SHA-256 digests written with them (``<key>_sha256``,
    ``tensors_sha256``); else a ValueError naming what does not
    (``described``: the text, ``weights``: the tensors)."""
    kind = "model" if key == "model" else "pipeline"
    text = metadata.get(key, "")
    if metadata.get(f"{key}_sha256") != _sha256(text.encode("utf-8")):
        raise ValueError(
            f"{name!r} has been modified or corrupted: {described} does not "
            "match the SHA-256 digest written with it."
        )
    try:
        digest = _tensors_sha256(tensors)
    except Exception as exc:  # tensors of an unusual dtype
        raise ValueError(
            f"{name!r} is not a {kind} file written by sklearn_rnn's save: its "
            f"tensors cannot be checked ({type(exc).__name__}: {exc})."
        ) from exc
    if metadata.get("tensors_sha256") != digest:
        raise ValueError(
            f"{name!r} has been modified or corrupted: {weights} do not match "
            "the SHA-256 digest written with them."
        )
    return text


def _check_version(name, version):
    """The file's format version as an int, or a ValueError naming it."""
    if version in [str(v) for v in READABLE_VERSIONS]:
        return int(version)
    newer = version is not None and version.isdigit() and int(version) > FORMAT_VERSION
    readable = " and ".join(str(v) for v in READABLE_VERSIONS)
    raise ValueError(
        f"{name!r} was written in sklearn_rnn file format version "
        f"{version}, but sklearn_rnn {_package_version()} reads format "
        f"versions {readable} only."
        + (" Upgrade sklearn_rnn to load it." if newer else "")
    )


def _rebuild(description, tensors):
    """The fitted estimator that ``description`` and ``tensors`` describe."""
    name = description["estimator"]
    if name not in _ESTIMATORS:
        raise ValueError(
            f"the file holds a {name!r}, which is not an estimator class known "
            f"to sklearn_rnn (known: {sorted(_ESTIMATORS)}); import the module "
            "that defines it first."
        )
    cls = _ESTIMATORS[name]
    params = _decode(description["params"])
    unknown = sorted(set(params) - set(cls._get_param_names()))
    if unknown:
        raise ValueError(f"{cls.__name__} has no parameter(s) {unknown}.")
    attributes = _decode(description["attributes"])
    if "conv_layers" not in params:  # saved before the front end existed
        params["conv_layers"] = 0
    estimator = _with_attributes(cls(**params), attributes)

    saved = description["net"]
    weights = {
        key.removeprefix("module."): value
        for key, value in tensors.items()
        if key.startswith("module.")
    }
    net = estimator._rebuild_net(
        _device_here(estimator, saved["device"]),
        _decode(saved["module"]),
        estimator._target_encoder,
        weights,
        _decode(saved["history"]),
        _decode(saved["optimizer"], tensors),
    )
    _check_optimizer_state(net.optimizer_)
    estimator._set_net(net)  # with the attributes its module's parameters are
    return estimator


def _from_version_1(description):
    """A version-1 description in version 2's layout: the LabelEncoder or
    StandardScaler of the fitted state becomes the target encoder."""
    attributes = dict(description["attributes"])
    n_outputs = attributes["n_outputs_"]
    if "_label_encoder" in attributes:
        encoder = attributes.pop("_label_encoder")
        state = {"classes": None, "_encoder": encoder}
        state["classes_"] = encoder["__sklearn__"]["state"]["classes_"]
        kind = "LabelTarget"
    else:
        state = {"_scaler": attributes.pop("_y_scaler")}
        kind = "ScaledTarget"
    state["n_outputs_"] = n_outputs
    attributes["_target_encoder"] = {"__sklearn__": {"class": kind, "state": state}}
    return {**description, "attributes": attributes}


def _check_optimizer_state(optimizer):
    """Each state entry is None, a scalar or a tensor of its parameter's shape.

    That holds for every solver's state (steps, moments, momentum buffers);
    torch does not check it, and a wrong shape would fail only later, in
    the middle of ``partial_fit``.
    """
    for group in optimizer.param_groups:
        for param in group["params"]:
            for key, value in optimizer.state.get(param, {}).items():
                if value is None or (
                    isinstance(value, torch.Tensor)
                    and (value.dim() == 0 or value.shape == param.shape)
                ):
                    continue
                shape = (
                    list(value.shape)
                    if isinstance(value, torch.Tensor)
                    else type(value).__name__
                )
                raise ValueError(
                    f"the optimizer state {key!r} of a parameter of shape "
                    f"{list(param.shape)} is {shape}."
                )


def _with_attributes(obj, attributes):
    """``obj`` with its saved attributes; none may hide a class attribute."""
    for name, value in attributes.items():
        if not name.isidentifier() or hasattr(type(obj), name):
            raise ValueError(
                f"{name!r} cannot be an attribute of a {type(obj).__name__}."
            )
        setattr(obj, name, value)
    return obj


def _device_here(estimator, saved_device):
    """The device to load on: the estimator's, or the CPU where this machine
    cannot serve it (no CUDA, no such CUDA device, no MPS)."""
    requested = estimator.device
    if not isinstance(requested, str) or not DEVICE.match(requested):
        raise ValueError(f"the saved device={requested!r} is not a valid device.")
    try:
        return resolve_device(requested)
    except ValueError as exc:
        reason = str(exc).partition(" but ")[2].split(";")[0].rstrip(".")
        if requested.startswith("cuda") and not torch.cuda.is_available():
            reason = "CUDA is not available here"
        warnings.warn(
            f"The model was saved with device={requested!r} (its weights were "
            f"on {saved_device!r}), but {reason or exc}: it is loaded on the "
            "CPU. Set device='auto' or 'cpu' before training it further.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
        return "cpu"


# -- JSON encoding of the fitted state -----------------------------------------


class _TensorRef:
    """Stands for a tensor stored under ``name`` among the file's tensors."""

    def __init__(self, name):
        self.name = name


def _with_tensor_refs(optimizer_state, tensors):
    """The optimizer's state dict with each tensor moved into ``tensors``."""
    state = {}
    for index, entries in optimizer_state["state"].items():
        state[index] = {}
        for key, value in entries.items():
            if isinstance(value, torch.Tensor):
                tensors[f"optimizer.{index}.{key}"] = value
                value = _TensorRef(f"optimizer.{index}.{key}")
            state[index][key] = value
    return {"state": state, "param_groups": optimizer_state["param_groups"]}


def _encode(value, where):
    """``value`` as JSON data; types JSON lacks become one-key tagged dicts."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, list):
        return [_encode(item, where) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item, where) for item in value]}
    if isinstance(value, dict):
        if all(isinstance(key, str) and key not in _RESERVED for key in value):
            return {key: _encode(item, where) for key, item in value.items()}
        items = [[_encode(k, where), _encode(v, where)] for k, v in value.items()]
        return {"__dict__": items}
    if isinstance(value, np.ndarray) and value.dtype.kind in _ARRAY_KINDS:
        return {
            "__ndarray__": {
                "dtype": value.dtype.str,
                "shape": list(value.shape),
                "values": _encode(value.ravel().tolist(), where),
            }
        }
    if type(value) in _HELPERS.values():
        return {
            "__sklearn__": {
                "class": type(value).__name__,
                "state": _encode(vars(value), where),
            }
        }
    if isinstance(value, _TensorRef):
        return {_TENSOR: value.name}
    raise ValueError(
        f"{where} cannot be written as JSON ({type(value).__name__} object), "
        "so the model cannot be saved in the safe format. Save it with "
        "joblib.dump(estimator, path) instead (a pickle: load it only from a "
        "source you trust), or set the parameter to a plain value."
    )


def _decode(data, tensors=None):
    """Inverse of :func:`_encode`; builds only the types listed there."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [_decode(item, tensors) for item in data]
    if not isinstance(data, dict):
        raise TypeError(f"unexpected JSON value {data!r}")
    if len(data) != 1 or next(iter(data)) not in _RESERVED:
        return {key: _decode(item, tensors) for key, item in data.items()}
    ((tag, body),) = data.items()
    if tag == "__float__":
        if body not in ("nan", "inf", "-inf"):
            raise ValueError(f"unexpected float {body!r}")
        return float(body)
    if tag == "__tuple__":
        return tuple(_decode(body, tensors))
    if tag == "__dict__":
        return {_decode(k, tensors): _decode(v, tensors) for k, v in body}
    if tag == "__ndarray__":
        return _decode_array(body)
    if tag == "__sklearn__":
        return _with_attributes(_HELPERS[body["class"]](), _decode(body["state"]))
    return tensors[body]


def _decode_array(body):
    dtype = np.dtype(body["dtype"])
    if dtype.kind not in _ARRAY_KINDS:
        raise ValueError(f"unexpected array dtype {dtype}")
    values = _decode(body["values"])
    if dtype.kind == "O":
        array = np.empty(len(values), dtype=object)
        array[:] = values
    else:
        array = np.array(values, dtype=dtype)
    return array.reshape(body["shape"])


# -- the file system -------------------------------------------------------------


def _path_name(path, where):
    """``path`` as a str file name, or TypeError / ValueError naming ``path``."""
    try:
        name = os.fspath(path)
    except TypeError:
        raise TypeError(
            f"{where}: path must be a file name (str, bytes or os.PathLike), "
            f"not {type(path).__name__}."
        ) from None
    if isinstance(name, bytes):
        name = os.fsdecode(name)
    if "\0" in name:
        raise ValueError(f"{where}: path {name!r} contains a null byte.")
    return name


def _os_error(exc, action, name, reason=None):
    """An OSError of ``exc``'s kind (errno) whose ``filename`` is ``name``."""
    code = exc.errno if exc.errno is not None else errno.EIO
    if reason is None:
        reason = exc.strerror or os.strerror(code)
    return OSError(code, f"{action}: {reason}", name)


def _is_a_folder(action, name, hint=""):
    return OSError(errno.EISDIR, f"{action}: the path is a folder{hint}", name)


def _check_readable(name):
    """Raise OSError naming ``name`` unless it is a readable regular file.

    safetensors reports a missing permission as a missing file, and a
    folder with neither the path nor a clear reason.
    """
    action = "Cannot load a model"
    if not name:
        raise OSError(errno.ENOENT, f"{action}: the path is empty", name)
    try:
        mode = os.stat(name).st_mode
    except OSError as exc:
        raise _os_error(exc, action, name) from None
    if stat.S_ISDIR(mode):
        raise _is_a_folder(action, name, ", not a file written by save")
    if not stat.S_ISREG(mode):
        raise ValueError(
            f"{name!r} is not a model file written by sklearn_rnn's save: it is "
            "not a regular file (a device, pipe or socket)."
        )
    try:
        os.close(os.open(name, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)))
    except OSError as exc:
        raise _os_error(exc, action, name) from None


def _write_atomically(name, data):
    """Write ``data`` to the file ``name``, whole or not at all.

    The bytes go to a new file in the same folder, which then replaces
    ``name``; a failure removes it and leaves ``name`` as it was. (Where
    only the file, not its folder, may be written, it is overwritten in
    place.) Every failure is an OSError of the matching kind whose
    ``filename`` is ``name``.
    """
    action = "Cannot save the model"
    if not name:
        raise OSError(errno.ENOENT, f"{action}: the path is empty", name)
    if name.endswith(os.sep) or (os.altsep and name.endswith(os.altsep)):
        raise _is_a_folder(action, name, " name (it ends with a separator)")
    target = os.path.realpath(name)  # write where a symbolic link points
    folder = os.path.dirname(target)
    try:
        existing = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise _os_error(exc, action, name) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise _is_a_folder(
            action,
            name,
            f"; give a file in it, e.g. {os.path.join(name, 'model.safetensors')!r}",
        )
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        _write_in_place(name, data)  # /dev/null and the like: not replaced
        return
    if existing is not None and not os.access(target, os.W_OK):
        raise OSError(errno.EACCES, f"{action}: the file exists and is read-only", name)
    try:
        temporary, fd = _create_temporary(folder)
    except PermissionError as exc:
        if existing is None:
            reason = f"no permission to create a file in {folder!r}"
            raise _os_error(exc, action, name, reason) from None
        _write_in_place(name, data, truncate=True)
        return
    except OSError as exc:
        reason = None
        if exc.errno == errno.ENOENT and not os.path.isdir(folder):
            reason = f"its folder {folder!r} does not exist"
        raise _os_error(exc, action, name, reason) from None
    _fill_and_replace(temporary, fd, target, existing, data, name)


def _fill_and_replace(temporary, fd, target, existing, data, name):
    """Write ``data`` to the new file ``temporary`` (open as ``fd``), with
    the mode of the ``existing`` file, and move it over ``target``; remove
    it on failure."""
    try:
        if existing is not None:
            with contextlib.suppress(OSError):  # else it keeps the default mode
                os.chmod(fd, stat.S_IMODE(existing.st_mode))
        with open(fd, "wb", closefd=True) as file:
            fd = None
            file.write(data)
            file.flush()
            try:
                os.fsync(file.fileno())
            except OSError as exc:
                if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        raise _os_error(exc, "Cannot save the model", name) from None
    finally:
        if fd is not None:
            os.close(fd)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _create_temporary(folder):
    """A new, empty file in ``folder``: its name and an open descriptor."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        name = os.path.join(folder, f".sklearn_rnn-{secrets.token_hex(8)}.tmp")
        try:
            return name, os.open(name, flags, 0o666)  # the umask applies
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", folder)


def _write_in_place(name, data, truncate=False):
    """Write ``data`` into the existing file ``name``, not atomically.

    Not blocking while opening: a pipe without a reader fails at once
    instead of waiting for one.
    """
    nonblocking = getattr(os, "O_NONBLOCK", 0)
    flags = os.O_WRONLY | nonblocking | getattr(os, "O_CLOEXEC", 0)
    if truncate:
        flags |= os.O_TRUNC
    try:
        with open(os.open(name, flags), "wb", closefd=True) as file:
            if nonblocking:
                os.set_blocking(file.fileno(), True)
            file.write(data)
    except OSError as exc:
        raise _os_error(exc, "Cannot save the model", name) from None


# -- small helpers ---------------------------------------------------------------


def _class_name(cls):
    """The name a file uses for an estimator class."""
    if cls.__module__.split(".")[0] == "sklearn_rnn":
        return cls.__name__
    return f"{cls.__module__}.{cls.__qualname__}"


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _tensors_sha256(tensors):
    """One digest over every tensor's name, dtype, shape and bytes."""
    digest = hashlib.sha256()
    for name in sorted(tensors):
        tensor = tensors[name].contiguous()
        header = f"{name}|{tensor.dtype}|{list(tensor.shape)}|"
        digest.update(header.encode("utf-8"))
        digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes())
    return digest.hexdigest()


def _package_version():
    from . import __version__

    return __version__
