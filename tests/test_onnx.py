"""to_onnx: the exported graph, run by onnxruntime on ragged batches, gives
what predict_proba / predict give."""

import json
import sys

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_rnn import RNNClassifier, RNNRegressor, SequenceScaler
from sklearn_rnn._onnx import to_onnx

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ATOL = 1e-5
FAST = {"hidden_size": 4, "max_iter": 2, "random_state": 0, "device": "cpu"}

rng = np.random.default_rng(0)
LENGTHS = rng.integers(1, 12, size=14)
X = [rng.normal(size=(n, 3)).astype(np.float32) for n in LENGTHS]
LABELS = np.arange(len(X)) % 3


def _padded(X, fill=0.0):
    """X zero-padded (or ``fill``-padded) to its longest, and its lengths."""
    width = max(len(x) for x in X)
    out = np.full((len(X), width, X[0].shape[1]), fill, dtype=np.float32)
    for i, x in enumerate(X):
        out[i, : len(x)] = x
    return out, np.array([len(x) for x in X], dtype=np.int64)


def _session(path):
    options = ort.SessionOptions()
    options.log_severity_level = 3  # no shape-merge chatter
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _run(session, X, fill=0.0):
    padded, lengths = _padded(X, fill)
    return session.run(None, {"X": padded, "lengths": lengths})[0]


#: Ragged batches: all, one sequence, a middle slice, all of length 1, and
#: only long ones (the ONNX batch and length axes vary).
def _batches(X):
    return [
        X,
        X[:1],
        X[3:9],
        [x[:1] for x in X[:2]],
        [x for x in X if len(x) > 5][:3],
    ]


def _exported(tmp_path, model):
    path = to_onnx(model, tmp_path / "model.onnx")
    return _session(path)


# every cell x direction; every pooling with both directions; patches of 1
# and 3; two layers, both directions
CONFIGS = [
    ("rnn", False, "last", 1, 1),
    ("rnn", True, "mean", 3, 1),
    ("rnn", False, "max", 1, 1),
    ("gru", False, "max", 3, 2),
    ("gru", True, "last", 3, 2),
    ("gru", True, "mean", 1, 1),
    ("lstm", False, "mean", 1, 1),
    ("lstm", True, "max", 1, 2),
    ("lstm", True, "last", 3, 1),
]


@pytest.mark.parametrize(
    ("cell", "bidirectional", "pooling", "patch_size", "num_layers"), CONFIGS
)
def test_classifier_matches_predict_proba(
    tmp_path, cell, bidirectional, pooling, patch_size, num_layers
):
    clf = RNNClassifier(
        cell=cell,
        bidirectional=bidirectional,
        pooling=pooling,
        patch_size=patch_size,
        num_layers=num_layers,
        **FAST,
    ).fit(X, LABELS)
    assert clf.patch_size_ == patch_size
    before = clf.predict_proba(X)
    state = torch.random.get_rng_state()
    session = _exported(tmp_path, clf)
    assert torch.equal(torch.random.get_rng_state(), state)  # RNG untouched
    np.testing.assert_array_equal(clf.predict_proba(X), before)  # model too
    for batch in _batches(X):
        proba = _run(session, batch)
        assert proba.shape == (len(batch), 3)
        np.testing.assert_allclose(proba, clf.predict_proba(batch), rtol=0, atol=ATOL)


def test_padding_values_do_not_matter(tmp_path):
    clf = RNNClassifier(cell="gru", bidirectional=True, pooling="max", **FAST)
    clf.fit(X, LABELS)
    session = _exported(tmp_path, clf)
    expected = clf.predict_proba(X)
    for fill in (7.0, np.nan):
        np.testing.assert_allclose(
            _run(session, X, fill=fill), expected, rtol=0, atol=ATOL
        )


def test_string_classes_in_order_and_metadata(tmp_path):
    labels = np.array(["spam", "eggs", "ham"])[LABELS]
    clf = RNNClassifier(**FAST).fit(X, labels)
    path = to_onnx(clf, tmp_path / "model.onnx")
    metadata = {p.key: p.value for p in onnx.load(path).metadata_props}
    assert json.loads(metadata["classes"]) == clf.classes_.tolist()
    assert metadata["estimator"] == "RNNClassifier"
    session = _session(path)
    assert [o.name for o in session.get_outputs()] == ["probabilities"]
    np.testing.assert_allclose(
        _run(session, X), clf.predict_proba(X), rtol=0, atol=ATOL
    )


def test_regressor_two_outputs_in_units_of_y(tmp_path):
    y = np.c_[100 + 10 * LABELS, -0.01 * LENGTHS]
    reg = RNNRegressor(cell="lstm", bidirectional=True, pooling="mean", **FAST)
    reg.fit(X, y)
    session = _exported(tmp_path, reg)
    assert [o.name for o in session.get_outputs()] == ["predictions"]
    for batch in _batches(X):
        np.testing.assert_allclose(
            _run(session, batch), reg.predict(batch), rtol=0, atol=ATOL
        )


def test_regressor_one_output_is_a_column(tmp_path):
    reg = RNNRegressor(patch_size=3, **FAST).fit(X, LENGTHS * 1.5)
    predictions = _run(_exported(tmp_path, reg), X)
    assert predictions.shape == (len(X), 1)
    np.testing.assert_allclose(predictions[:, 0], reg.predict(X), rtol=0, atol=ATOL)


def test_regressor_differences_beside_codes(tmp_path):
    coded = [np.c_[x[:, :2], np.arange(len(x)) % 3].astype(np.float32) for x in X]
    reg = RNNRegressor(differences=2, categorical_features=[2], patch_size=2, **FAST)
    reg.fit(coded, LENGTHS * 1.5)
    assert reg.differences_ == 2
    session = _exported(tmp_path, reg)
    for batch in _batches(coded):
        np.testing.assert_allclose(
            _run(session, batch)[:, 0], reg.predict(batch), rtol=0, atol=ATOL
        )


@pytest.mark.parametrize("conv_layers", [0, 2])
def test_classifier_standardizing_each_sequence(tmp_path, conv_layers):
    sized = [(x * 10.0 ** (i % 7 - 3)).astype(np.float32) for i, x in enumerate(X)]
    clf = RNNClassifier(
        standardize_sequences=True, differences=1, conv_layers=conv_layers, **FAST
    ).fit(sized, LABELS)
    assert clf.standardize_sequences_
    session = _exported(tmp_path, clf)
    for batch in _batches(sized):
        np.testing.assert_allclose(
            _run(session, batch), clf.predict_proba(batch), rtol=0, atol=ATOL
        )


@pytest.mark.parametrize("bidirectional", [False, True])
def test_batch_normalised_front_end(tmp_path, bidirectional):
    clf = RNNClassifier(
        conv_layers=2,
        batch_norm=True,
        patch_size=3,
        bidirectional=bidirectional,
        **{**FAST, "max_iter": 5},
    ).fit(X, LABELS)
    for norm in clf.net_.module_.front.norms:  # trained statistics, not 0 and 1
        assert norm.running_mean.abs().max() > 0
    session = _exported(tmp_path, clf)
    for batch in _batches(X):
        np.testing.assert_allclose(
            _run(session, batch), clf.predict_proba(batch), rtol=0, atol=ATOL
        )


def test_pipeline_scaler_folded_in(tmp_path):
    shifted = [x * [1.0, 50.0, 0.1] + [3.0, -200.0, 1.0] for x in X]
    shifted = [x.astype(np.float32) for x in shifted]
    pipe = make_pipeline(
        SequenceScaler(), RNNRegressor(cell="gru", bidirectional=True, **FAST)
    ).fit(shifted, LENGTHS.astype(float))
    session = _exported(tmp_path, pipe)
    for batch in _batches(shifted):
        np.testing.assert_allclose(
            _run(session, batch)[:, 0], pipe.predict(batch), rtol=0, atol=ATOL
        )


def _with_codes(X, n_codes, unknown=None):
    """X with feature 1 replaced by codes 0 to n_codes - 1 (one step of the
    first sequence set to ``unknown``)."""
    coded = []
    for i, x in enumerate(X):
        x = x.copy()
        x[:, 1] = (np.arange(len(x)) + i) % n_codes
        coded.append(x)
    if unknown is not None:
        coded[0][-1, 1] = unknown
    return coded


@pytest.mark.parametrize(
    ("bidirectional", "pooling", "patch_size"),
    [(False, "last", 1), (True, "mean", 3)],
)
def test_categorical_features_with_unknown_code(
    tmp_path, bidirectional, pooling, patch_size
):
    train = _with_codes(X, 4)
    clf = RNNClassifier(
        categorical_features=[1],
        bidirectional=bidirectional,
        pooling=pooling,
        patch_size=patch_size,
        **FAST,
    ).fit(train, LABELS)
    test = _with_codes(X, 4, unknown=9)
    session = _exported(tmp_path, clf)
    for batch in _batches(test):
        np.testing.assert_allclose(
            _run(session, batch), clf.predict_proba(batch), rtol=0, atol=ATOL
        )


def test_pipeline_with_categorical_only_feature(tmp_path):
    codes = [x[:, 1:2] for x in _with_codes(X, 3)]
    pipe = make_pipeline(
        SequenceScaler(categorical_features=[0]),
        RNNClassifier(categorical_features=[0], cell="lstm", **FAST),
    ).fit(codes, LABELS)
    session = _exported(tmp_path, pipe)
    for batch in _batches(codes):
        np.testing.assert_allclose(
            _run(session, batch), pipe.predict_proba(batch), rtol=0, atol=ATOL
        )


def test_pipeline_scaler_and_categorical(tmp_path):
    train = [x * [2.0, 1.0, 5.0] + [1.0, 0.0, -3.0] for x in _with_codes(X, 4)]
    train = [x.astype(np.float32) for x in train]
    pipe = make_pipeline(
        SequenceScaler(categorical_features=[1]),
        RNNClassifier(categorical_features=[1], bidirectional=True, **FAST),
    ).fit(train, LABELS)
    session = _exported(tmp_path, pipe)
    np.testing.assert_allclose(
        _run(session, train), pipe.predict_proba(train), rtol=0, atol=ATOL
    )


@pytest.mark.parametrize("bidirectional", [False, True])
def test_return_sequences_classifier(tmp_path, bidirectional):
    tags = [(x[:, 0] > 0).astype(int) for x in X]
    clf = RNNClassifier(return_sequences=True, bidirectional=bidirectional, **FAST)
    clf.fit(X, tags)
    session = _exported(tmp_path, clf)
    for batch in _batches(X):
        proba = _run(session, batch)
        width = max(len(x) for x in batch)
        assert proba.shape == (len(batch), width, 2)
        for row, expected in zip(proba, clf.predict_proba(batch), strict=True):
            np.testing.assert_allclose(
                row[: len(expected)], expected, rtol=0, atol=ATOL
            )
            assert not row[len(expected) :].any()  # padded steps: zeros


def test_return_sequences_regressor(tmp_path):
    values = [np.c_[x[:, 0] + x[:, 1], 10 * np.cumsum(x[:, 2])] for x in X]
    reg = RNNRegressor(return_sequences=True, cell="lstm", num_layers=2, **FAST)
    reg.fit(X, values)
    predictions = _run(_exported(tmp_path, reg), X)
    for row, expected in zip(predictions, reg.predict(X), strict=True):
        np.testing.assert_allclose(row[: len(expected)], expected, rtol=0, atol=ATOL)


def test_unfitted_estimator_is_refused(tmp_path):
    with pytest.raises(NotFittedError):
        to_onnx(RNNClassifier(), tmp_path / "model.onnx")
    with pytest.raises(NotFittedError):
        to_onnx(make_pipeline(SequenceScaler(), RNNClassifier()), tmp_path / "m.onnx")


def test_other_objects_are_refused(tmp_path):
    with pytest.raises(TypeError, match="StandardScaler"):
        to_onnx(StandardScaler(), tmp_path / "model.onnx")
    pipe = make_pipeline(StandardScaler(), RNNClassifier(**FAST))
    with pytest.raises(TypeError, match="step 'standardscaler' is a StandardScaler"):
        to_onnx(pipe, tmp_path / "model.onnx")
    pipe = make_pipeline(SequenceScaler(), StandardScaler())
    with pytest.raises(TypeError, match="final step"):
        to_onnx(pipe, tmp_path / "model.onnx")


def test_missing_onnx_names_the_extra(tmp_path, monkeypatch):
    clf = RNNClassifier(**FAST).fit(X, LABELS)
    monkeypatch.setitem(sys.modules, "onnx", None)  # import onnx: ImportError
    with pytest.raises(ImportError, match=r"sklearn-rnn\[onnx\]"):
        to_onnx(clf, tmp_path / "model.onnx")
