"""Safe persistence of whole pipelines: :func:`save` and, through
:func:`sklearn_rnn.load`, loading them back, never unpickling.

The file is a plain safetensors file, like a single model's (see
``_persistence.py``), told apart by its ``format`` metadata entry:

``format``
    ``"sklearn_rnn.pipeline"`` (a single model's file says ``"sklearn_rnn"``).
``format_version``
    ``"1"``, the layout described here.
``components``
    A JSON list: one entry per object of this package in the pipeline,
    children before the objects that hold them. A fitted RNN estimator is
    ``{"kind": "fitted", "model": ...}`` with the very description its own
    ``save`` writes (``_persistence._describe``); its tensors are stored as
    ``components.<index>.<name>``. Any other object of this package (a
    ``SequenceScaler``, a ``TextSequencer``, a ``HiddenStateTransformer``,
    an unfitted RNN estimator) is ``{"kind": "object", "class": ...,
    "params": ..., "attributes": ...}`` in the same JSON encoding.
``marker``
    A random hex string. Wherever the pipeline held an object of this
    package, the file holds the string ``"sklearn_rnn-component:<marker>:
    <index>"`` instead: in the skeleton, and inside the components (a
    ``HiddenStateTransformer``'s ``estimator_``).
``components_sha256``, ``tensors_sha256``
    SHA-256 digests of the JSON text and of every tensor, skeleton included.
``versions``
    JSON: the versions of sklearn_rnn, scikit-learn, skops and torch that
    wrote the file (information only).

Besides the components' tensors, the tensor ``skeleton`` (1-D, uint8) holds
the bytes of a `skops <https://skops.readthedocs.io>`_ file of the pipeline
in which each object of this package has been replaced by its reference
string. Loading checks the digests, asks ``skops.io.get_untrusted_types``
about the skeleton and refuses the file if it names any type skops does not
trust by default, then loads it with ``skops.io.loads(data,
trusted=EXTRA_TRUSTED_TYPES)`` (which adds nothing to skops's defaults),
rebuilds the components from the fixed list of this package's classes and
puts them back in place of their references.
"""

import json
import re
import secrets

import sklearn
import torch
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from ._persistence import (
    _ESTIMATORS,
    PIPELINE_FORMAT,
    PersistenceMixin,
    _class_name,
    _decode,
    _describe,
    _encode,
    _package_version,
    _path_name,
    _rebuild,
    _sha256,
    _tensors_sha256,
    _with_attributes,
    check_digests,
    write_safetensors,
)

#: Bumped whenever a pipeline file of a new layout could not be read by an
#: older loader.
PIPELINE_FORMAT_VERSION = 1

#: Types trusted when loading the skeleton beyond those skops trusts by
#: default (scikit-learn's estimators, numpy and scipy types, builtins):
#: none. A file naming any other type is refused.
EXTRA_TRUSTED_TYPES = ()

#: How to install skops.
SKOPS_EXTRA = 'pip install "sklearn-rnn[skops]"'

#: The oldest skops whose ``trusted=None`` / list means "the defaults (and
#: the list)" and never "everything".
MIN_SKOPS_VERSION = "0.10"

_SKELETON = "skeleton"
_REF = "sklearn_rnn-component:{marker}:{index}"
_MARKER = re.compile(r"[0-9a-f]{16}")


def save(obj, path):
    """Save a fitted estimator or a whole fitted pipeline, safely.

    An estimator of this package (`RNNClassifier`, `RNNRegressor`) is
    written exactly as by its ``save`` method. A fitted scikit-learn
    `~sklearn.pipeline.Pipeline` (or another scikit-learn estimator) whose
    steps are this package's estimators and transformers
    (`SequenceScaler`, `~sklearn_rnn.preprocessing.TextSequencer`,
    `~sklearn_rnn.inspection.HiddenStateTransformer`) and scikit-learn's own
    estimators (``StandardScaler``, ``TfidfVectorizer``,
    ``LogisticRegression``, ...) is written to one safetensors file: this
    package's objects in their own safe format, the rest with skops
    (``pip install "sklearn-rnn[skops]"``). :func:`sklearn_rnn.load` reads
    both kinds of file back without unpickling anything.

    Only objects of types that skops trusts by default can be saved: a
    ``FunctionTransformer`` of a numpy ufunc (``np.log1p``) is fine, one of
    another function (a lambda, your own function, ``np.asarray``) is
    refused, since loading it would mean running code named by the file.

    Parameters
    ----------
    obj : RNNClassifier, RNNRegressor, Pipeline or other estimator
        The fitted estimator or pipeline.
    path : str or path-like
        File to write (conventionally ``*.safetensors``), replaced as a
        whole as by ``RNNClassifier.save``.

    Raises
    ------
    NotFittedError
        If ``obj`` is not fitted.
    TypeError
        If ``obj`` is not an estimator, or ``path`` is not a file name.
    ValueError
        If a step cannot be saved safely: the message names the step and
        the types skops does not trust, or this package's object that
        cannot be written as JSON.
    ImportError
        If ``obj`` is not an estimator of this package and skops is not
        installed.
    OSError
        If the file cannot be written, as for ``RNNClassifier.save``.

    See Also
    --------
    sklearn_rnn.load : Read the file back.
    RNNClassifier.save : Save a single estimator.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn_rnn import RNNClassifier, SequenceScaler, load, save
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 6, 2)).astype("float32")
    >>> y = np.arange(20) % 2
    >>> pipe = make_pipeline(
    ...     SequenceScaler(), RNNClassifier(hidden_size=4, max_iter=2, random_state=0)
    ... ).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "pipeline.safetensors")
    ...     save(pipe, path)
    ...     loaded = load(path)
    >>> loaded
    Pipeline(steps=[('sequencescaler', SequenceScaler()),
                    ('rnnclassifier',
                     RNNClassifier(hidden_size=4, max_iter=2, random_state=0))])
    >>> bool(np.array_equal(loaded.predict_proba(X), pipe.predict_proba(X)))
    True
    """
    if isinstance(obj, PersistenceMixin):
        obj.save(path)
        return
    where = "sklearn_rnn.save"
    if not isinstance(obj, BaseEstimator):
        raise TypeError(
            f"{where}: expected a fitted estimator of sklearn_rnn or a fitted "
            f"scikit-learn Pipeline, not a {type(obj).__name__}."
        )
    check_is_fitted(obj)
    name = _path_name(path, where)
    sio = _import_skops(where)
    saver = _Saver()
    skeleton = saver.substitute(obj, type(obj).__name__)
    data = _dump_skeleton(sio, skeleton, where)
    untrusted = sio.get_untrusted_types(data=data)
    if untrusted:
        raise ValueError(_untrusted_message(sio, skeleton, untrusted, where))
    tensors = {
        key: value.detach().to("cpu").clone(memory_format=torch.contiguous_format)
        for key, value in saver.tensors.items()
    }
    tensors[_SKELETON] = torch.frombuffer(bytearray(data), dtype=torch.uint8)
    text = json.dumps(saver.components, allow_nan=False)
    versions = {
        "sklearn_rnn": _package_version(),
        "scikit-learn": sklearn.__version__,
        "skops": _skops_version(),
        "torch": torch.__version__,
    }
    metadata = {
        "format": PIPELINE_FORMAT,
        "format_version": str(PIPELINE_FORMAT_VERSION),
        "components": text,
        "components_sha256": _sha256(text.encode("utf-8")),
        "marker": saver.marker,
        "tensors_sha256": _tensors_sha256(tensors),
        "versions": json.dumps(versions),
    }
    write_safetensors(name, tensors, metadata, f"{where}: the pipeline")


# -- saving ----------------------------------------------------------------------


def _is_ours(value):
    """Whether ``value`` is an object of this package (saved as a component)."""
    return isinstance(value, PersistenceMixin) or (
        isinstance(value, BaseEstimator)
        and type(value).__module__.split(".")[0] == "sklearn_rnn"
    )


def _object_classes():
    """The classes a component of kind "object" may be, by file name."""
    from .inspection import HiddenStateTransformer
    from .preprocessing import SequenceScaler, TextSequencer

    classes = {
        _class_name(cls): cls
        for cls in (SequenceScaler, TextSequencer, HiddenStateTransformer)
    }
    return {**_ESTIMATORS, **classes}


class _Saver:
    """Replaces this package's objects by references, collecting their
    descriptions (``components``) and tensors."""

    def __init__(self):
        self.marker = secrets.token_hex(8)
        self.components = []
        self.tensors = {}
        self._refs = {}  # id of an object of ours -> its reference
        self._copies = {}  # id of a scikit-learn object -> its substituted copy
        self._keep = []  # the objects whose ids are keys above
        self._busy = set()

    def substitute(self, value, where):
        """``value`` with each object of ours replaced by its reference;
        containers and scikit-learn objects holding one are copied
        (shallowly), never changed."""
        if _is_ours(value):
            return self._component(value, where)
        if type(value) in (list, tuple):
            items = [
                self.substitute(item, _label(where, value, index))
                for index, item in enumerate(value)
            ]
            if all(new is old for new, old in zip(items, value, strict=True)):
                return value
            return type(value)(items)
        if type(value) is dict:
            items = {k: self.substitute(v, f"{where}[{k!r}]") for k, v in value.items()}
            if all(items[k] is value[k] for k in value):
                return value
            return items
        if isinstance(value, BaseEstimator):
            key = id(value)
            if key in self._copies:
                return self._copies[key]
            if key in self._busy:
                return value
            self._busy.add(key)
            try:
                state = vars(value)
                new = {k: self.substitute(v, f"{where}.{k}") for k, v in state.items()}
            finally:
                self._busy.discard(key)
            if all(new[k] is state[k] for k in state):
                copy = value
            else:
                copy = object.__new__(type(value))
                copy.__dict__.update(new)
            self._copies[key] = copy
            self._keep.append(value)
            return copy
        return value

    def _component(self, obj, where):
        key = id(obj)
        if key in self._refs:
            return self._refs[key]
        if key in self._busy:
            raise ValueError(f"{where}: the {type(obj).__name__} holds itself.")
        self._busy.add(key)
        try:
            if isinstance(obj, PersistenceMixin) and hasattr(obj, "net_"):
                entry, tensors = self._fitted(obj, where)
            else:
                entry, tensors = self._object(obj, where), {}
        finally:
            self._busy.discard(key)
        index = len(self.components)
        self.components.append(entry)
        for name, tensor in tensors.items():
            self.tensors[f"components.{index}.{name}"] = tensor
        ref = _REF.format(marker=self.marker, index=index)
        self._refs[key] = ref
        self._keep.append(obj)
        return ref

    def _fitted(self, estimator, where):
        description, tensors = _describe(estimator, f"{where} ({_name(estimator)})")
        return {"kind": "fitted", "model": description}, tensors

    def _object(self, obj, where):
        cls = type(obj)
        name = _class_name(cls)
        if _object_classes().get(name) is not cls:
            raise ValueError(
                f"{where}: a {cls.__qualname__} cannot be saved safely; the "
                "objects of sklearn_rnn that sklearn_rnn.save writes are "
                f"{sorted(_object_classes())}."
            )
        params = obj.get_params(deep=False)
        label = f"{where} ({cls.__name__})"
        return {
            "kind": "object",
            "class": name,
            "params": {
                key: _encode(
                    self.substitute(value, f"{where}.{key}"),
                    f"{label}: parameter {key}={value!r}",
                )
                for key, value in params.items()
            },
            "attributes": {
                key: _encode(
                    self.substitute(value, f"{where}.{key}"),
                    f"{label}: fitted attribute {key}",
                )
                for key, value in vars(obj).items()
                if key not in params
            },
        }


def _label(where, container, index):
    """Where ``container[index]`` is: ``steps['name']`` for the parts of a
    ``(name, estimator, ...)`` step, else ``where[index]``."""
    if _is_named_step(container):
        return f"{where}[{container[0]!r}]"
    if _is_named_step(container[index]):
        return where
    return f"{where}[{index}]"


def _is_named_step(value):
    return type(value) is tuple and len(value) >= 2 and isinstance(value[0], str)


def _name(obj):
    return type(obj).__name__


def _dump_skeleton(sio, skeleton, where):
    try:
        return sio.dumps(skeleton)
    except Exception as exc:  # an object skops cannot describe at all
        raise ValueError(
            f"{where}: the pipeline cannot be saved safely: skops cannot "
            f"write it ({type(exc).__name__}: {exc}). Save it with "
            "joblib.dump instead (a pickle: load it only from a source you "
            "trust)."
        ) from exc


def _untrusted_message(sio, skeleton, untrusted, where):
    """The error for a pipeline holding types skops does not trust, naming
    the steps that hold them."""
    culprits = []
    for attr in ("steps", "transformer_list"):
        for step in getattr(skeleton, attr, None) or []:
            if not (isinstance(step, tuple) and len(step) >= 2):
                continue
            try:
                found = sio.get_untrusted_types(data=sio.dumps(step[1]))
            except Exception:  # named by the overall list below anyway
                continue
            if found:
                culprits.append(f"step {step[0]!r} ({_name(step[1])}): {found}")
    where_found = "; ".join(culprits) or f"the {_name(skeleton)}: {untrusted}"
    hint = ""
    if any(str(t).startswith("sklearn_rnn.") for t in untrusted):
        hint = (
            " (sklearn_rnn's own objects are saved where they are steps of a "
            "pipeline or parameters and fitted attributes of scikit-learn "
            "estimators, not inside other objects such as a search's scorer: "
            "save a search's best_estimator_ instead)"
        )
    return (
        f"{where}: the pipeline cannot be saved safely, because it holds "
        f"types that skops does not trust: {where_found}{hint}. sklearn_rnn.load "
        "would refuse the file: it loads only the types skops trusts by "
        "default (scikit-learn's estimators, numpy and scipy types) and this "
        "package's estimators, never code named by the file. Replace the "
        "step (e.g. a FunctionTransformer of a numpy ufunc such as np.log1p "
        "instead of another function), or save the pipeline with joblib.dump "
        "(a pickle: load it only from a source you trust)."
    )


# -- loading ---------------------------------------------------------------------


def _load_pipeline(name, metadata, tensors):
    """The pipeline of a file whose ``format`` is PIPELINE_FORMAT."""
    _check_pipeline_version(name, metadata.get("format_version"))
    text = check_digests(
        name,
        metadata,
        tensors,
        "components",
        "its description of the pipeline's components",
        "its weights or its skeleton",
    )
    skeleton = tensors.get(_SKELETON)
    marker = metadata.get("marker", "")
    if (
        skeleton is None
        or skeleton.dtype != torch.uint8
        or skeleton.dim() != 1
        or not _MARKER.fullmatch(marker)
    ):
        raise ValueError(
            f"{name!r} is not a pipeline file written by sklearn_rnn's save: "
            "it has no skeleton or no marker."
        )
    data = skeleton.numpy().tobytes()
    sio = _import_skops("sklearn_rnn.load")
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:
        raise ValueError(
            f"{name!r} passed its checksums but its pipeline skeleton cannot "
            f"be read by skops {_skops_version()}: {type(exc).__name__}: {exc}"
        ) from exc
    if untrusted:
        raise ValueError(
            f"{name!r} is refused: its pipeline names types that skops does "
            f"not trust: {untrusted}. sklearn_rnn.load loads only the types "
            "skops trusts by default and this package's estimators, never "
            "code named by a file."
        )
    try:
        components = _build_components(json.loads(text), tensors, marker)
        obj = sio.loads(data, trusted=list(EXTRA_TRUSTED_TYPES))
        return _Resolver(components, marker).resolve(obj)
    except Warning:  # e.g. the CPU fallback's warning, under -W error
        raise
    except Exception as exc:  # whatever a forged file provokes
        raise ValueError(
            f"{name!r} passed its checksums but its pipeline cannot be read "
            f"by sklearn_rnn {_package_version()}: {type(exc).__name__}: {exc}"
        ) from exc


def _check_pipeline_version(name, version):
    if version == str(PIPELINE_FORMAT_VERSION):
        return
    newer = (
        isinstance(version, str)
        and version.isdigit()
        and int(version) > PIPELINE_FORMAT_VERSION
    )
    raise ValueError(
        f"{name!r} was written in sklearn_rnn pipeline format version "
        f"{version}, but sklearn_rnn {_package_version()} reads pipeline "
        f"format version {PIPELINE_FORMAT_VERSION} only."
        + (" Upgrade sklearn_rnn to load it." if newer else "")
    )


def _build_components(entries, tensors, marker):
    """The objects the ``components`` entries describe, in order; each may
    refer only to those before it."""
    if not isinstance(entries, list):
        raise TypeError("the components are not a list")
    classes = _object_classes()
    built = []
    for index, entry in enumerate(entries):
        resolver = _Resolver(built, marker)
        kind = entry["kind"]
        if kind == "fitted":
            prefix = f"components.{index}."
            own = {
                key.removeprefix(prefix): value
                for key, value in tensors.items()
                if key.startswith(prefix)
            }
            built.append(_rebuild(entry["model"], own))
        elif kind == "object":
            if entry["class"] not in classes:
                raise ValueError(
                    f"the file holds a {entry['class']!r}, which is not a class "
                    f"sklearn_rnn.load builds (known: {sorted(classes)})."
                )
            cls = classes[entry["class"]]
            params = resolver.resolve(_decode(entry["params"]))
            unknown = sorted(set(params) - set(cls._get_param_names()))
            if unknown:
                raise ValueError(f"{cls.__name__} has no parameter(s) {unknown}.")
            attributes = resolver.resolve(_decode(entry["attributes"]))
            built.append(_with_attributes(cls(**params), attributes))
        else:
            raise ValueError(f"unknown component kind {kind!r}")
    return built


class _Resolver:
    """Puts the built components back in place of their references."""

    def __init__(self, components, marker):
        self.components = components
        self.pattern = re.compile(
            re.escape(_REF.format(marker=marker, index="")) + r"(\d+)"
        )
        self._ours = {id(obj) for obj in components}
        self._seen = set()

    def resolve(self, value):
        if isinstance(value, str):
            match = self.pattern.fullmatch(value)
            if match is None:
                return value
            index = int(match.group(1))
            if index >= len(self.components):
                raise ValueError(f"a reference to a missing component {index}")
            return self.components[index]
        if type(value) in (list, tuple):
            items = [self.resolve(item) for item in value]
            if type(value) is tuple:
                return tuple(items)
            value[:] = items
            return value
        if type(value) is dict:
            for key, item in value.items():
                value[key] = self.resolve(item)
            return value
        if isinstance(value, BaseEstimator) and id(value) not in self._ours:
            if id(value) in self._seen:
                return value
            self._seen.add(id(value))
            for key, item in vars(value).items():
                new = self.resolve(item)
                if new is not item:
                    setattr(value, key, new)
        return value


# -- skops -----------------------------------------------------------------------


def _import_skops(where):
    """``skops.io``, or an ImportError naming the extra to install."""
    try:
        import skops
        import skops.io as sio
    except ImportError as exc:
        raise ImportError(
            f"{where}: saving or loading a pipeline needs skops, which is not "
            f"installed: {SKOPS_EXTRA} (or pip install skops)."
        ) from exc
    if _version_tuple(skops.__version__) < _version_tuple(MIN_SKOPS_VERSION):
        raise ImportError(
            f"{where}: saving or loading a pipeline needs skops >= "
            f"{MIN_SKOPS_VERSION}, but skops {skops.__version__} is installed: "
            f"{SKOPS_EXTRA}."
        )
    return sio


def _skops_version():
    import skops

    return skops.__version__


def _version_tuple(version):
    numbers = []
    for part in version.split(".")[:2]:
        digits = re.match(r"\d*", part).group()
        numbers.append(int(digits or 0))
    return tuple(numbers)
