"""The bundled data sets: Japanese Vowels and the airline series."""

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_rnn.datasets import load_airline, load_japanese_vowels


@pytest.fixture(scope="module")
def data():
    return load_japanese_vowels()


def test_bunch_contents(data):
    assert isinstance(data, Bunch)
    assert len(data.X_train) == 270
    assert len(data.X_test) == 370
    assert len(data.y_train) == 270
    assert len(data.y_test) == 370
    assert len(data.feature_names) == 12
    assert isinstance(data.DESCR, str)
    assert "Japanese" in data.DESCR
    np.testing.assert_array_equal(data.target_names, np.arange(1, 10))


def test_sequences(data):
    for X in (data.X_train, data.X_test):
        assert isinstance(X, list)
        for x in X:
            assert x.ndim == 2
            assert x.shape[1] == 12
            assert x.dtype == np.float32
            assert np.isfinite(x).all()
    lengths = [len(x) for x in data.X_train + data.X_test]
    assert min(lengths) == 7
    assert max(lengths) == 29
    # variable length: the ragged form is needed
    assert len(set(lengths)) > 10


def test_labels(data):
    np.testing.assert_array_equal(np.unique(data.y_train), np.arange(1, 10))
    np.testing.assert_array_equal(np.unique(data.y_test), np.arange(1, 10))
    # 30 training utterances per speaker, 24 to 88 test utterances each
    np.testing.assert_array_equal(np.bincount(data.y_train)[1:], 30)
    test_counts = np.bincount(data.y_test)[1:]
    assert test_counts.min() == 24
    assert test_counts.max() == 88
    assert np.issubdtype(data.y_train.dtype, np.integer)


def test_return_X_y(data):
    result = load_japanese_vowels(return_X_y=True)
    assert isinstance(result, tuple)
    assert len(result) == 4
    X_train, X_test, y_train, y_test = result
    assert (len(X_train), len(X_test), len(y_train), len(y_test)) == (
        270,
        370,
        270,
        370,
    )
    np.testing.assert_array_equal(X_train[5], data.X_train[5])
    np.testing.assert_array_equal(y_test, data.y_test)


def test_loads_are_independent():
    """Changing one loaded copy does not change the next load."""
    first = load_japanese_vowels()
    first.X_train[0][:] = 0
    second = load_japanese_vowels()
    assert np.abs(second.X_train[0]).sum() > 0


def test_airline():
    data = load_airline()
    assert isinstance(data, Bunch)
    assert data.passengers.shape == (144,)
    assert data.passengers.dtype == np.float64
    assert data.months.dtype == np.dtype("datetime64[M]")
    # 144 consecutive months, January 1949 to December 1960
    assert str(data.months[0]) == "1949-01"
    assert str(data.months[-1]) == "1960-12"
    np.testing.assert_array_equal(np.diff(data.months).astype(int), 1)
    # the published series: its first and last years, and its total
    np.testing.assert_array_equal(data.passengers[:3], [112, 118, 132])
    np.testing.assert_array_equal(data.passengers[-3:], [461, 390, 432])
    assert data.passengers.sum() == 40363
    assert "Box" in data.DESCR


def test_airline_loads_are_independent():
    first = load_airline()
    first.passengers[:] = 0
    first.months[:] = np.datetime64("2000-01")
    second = load_airline()
    assert second.passengers[0] == 112
    assert str(second.months[0]) == "1949-01"
