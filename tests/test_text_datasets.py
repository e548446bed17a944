"""The bundled text data sets: the surnames and *Alice in Wonderland*."""

import re
from collections import Counter

import numpy as np
import pytest
from sklearn.utils import Bunch

from sklearn_rnn.datasets import load_alice, load_surnames

LABELS = [
    "Croatian",
    "Czech",
    "Dutch",
    "English",
    "Finnish",
    "French",
    "German",
    "Italian",
    "Spanish",
    "Swedish",
]
# (train, test) per label, in the order of LABELS
COUNTS = [
    (557, 238),
    (138, 59),
    (456, 196),
    (327, 140),
    (260, 112),
    (235, 101),
    (263, 113),
    (809, 346),
    (733, 314),
    (319, 136),
]


@pytest.fixture(scope="module")
def surnames():
    return load_surnames()


@pytest.fixture(scope="module")
def alice():
    return load_alice()


def test_surnames_bunch(surnames):
    assert isinstance(surnames, Bunch)
    assert len(surnames.X_train) == len(surnames.y_train) == 4097
    assert len(surnames.X_test) == len(surnames.y_test) == 1755
    assert surnames.target_names.tolist() == LABELS
    assert surnames.target_locales.tolist() == [
        "hr_HR",
        "cs_CZ",
        "nl_NL",
        "en_GB",
        "fi_FI",
        "fr_FR",
        "de_DE",
        "it_IT",
        "es_ES",
        "sv_SE",
    ]
    assert isinstance(surnames.DESCR, str)
    assert "Faker 40.63.0" in surnames.DESCR
    assert "MIT" in surnames.DESCR


def test_surnames_names(surnames):
    names = surnames.X_train + surnames.X_test
    for X in (surnames.X_train, surnames.X_test):
        assert isinstance(X, list)
        assert all(type(name) is str for name in X)
    assert all(re.fullmatch(r"[^\W\d_]+(?:['-][^\W\d_]+)*", name) for name in names)
    assert all(name[0].isupper() and not name.isupper() for name in names)
    # one label per name: no name twice, case aside, across both splits
    assert len({name.casefold() for name in names}) == len(names) == 5852
    assert min(map(len, names)) == 2
    assert max(map(len, names)) == 14
    assert len(set("".join(names))) == 94
    assert {"O'Neill", "Virtanen", "Müller"} - set(names) == {"Müller"}


def test_surnames_labels(surnames):
    for part, column in (("train", 0), ("test", 1)):
        y = surnames[f"y_{part}"]
        assert isinstance(y, np.ndarray)
        assert y.dtype.kind == "U"
        counts = Counter(y.tolist())
        assert [counts[label] for label in LABELS] == [c[column] for c in COUNTS]
    # stratified: 30 % of each class (rounded) in the test set
    for train, test in COUNTS:
        assert test == round(0.3 * (train + test))
    # the splits are shuffled, not sorted by class
    assert len(set(surnames.y_train[:50].tolist())) > 5


def test_surnames_return_X_y(surnames):
    X_train, X_test, y_train, y_test = load_surnames(return_X_y=True)
    assert X_train == surnames.X_train
    assert X_test == surnames.X_test
    np.testing.assert_array_equal(y_train, surnames.y_train)
    np.testing.assert_array_equal(y_test, surnames.y_test)


def test_surnames_loads_are_independent():
    first = load_surnames()
    first.X_train[0] = "changed"
    first.y_train[0] = "changed"
    second = load_surnames()
    assert second.X_train[0] == "Fabre"
    assert second.y_train[0] == "French"


def test_alice_text(alice):
    assert isinstance(alice, Bunch)
    for text in (alice.text, alice.text_train, alice.text_test):
        assert type(text) is str
        assert "\n" in text
        assert "\r" not in text
    assert len(alice.text) == 148476
    assert alice.text.count("\n") == 3604
    assert alice.text.isascii()
    assert len(set(alice.text)) == 72
    assert alice.text.splitlines()[0].strip() == "ALICE'S ADVENTURES IN WONDERLAND"
    assert alice.text.endswith("THE END\n")
    assert alice.text.count("CHAPTER") == 12
    assert "Down the Rabbit-Hole" in alice.text


def test_alice_split(alice):
    assert alice.text_train + alice.text_test == alice.text
    assert (len(alice.text_train), len(alice.text_test)) == (133642, 14834)
    # the test part is the last 10 % (at most), from the start of a line
    assert alice.text_train.endswith("\n")
    assert 0.09 < len(alice.text_test) / len(alice.text) <= 0.1


def test_alice_no_boilerplate(alice):
    pattern = r"\b(gutenberg|e-?texts?|e-?books?|licen[cs]e|copyright|https?:|www\.)"
    assert re.search(pattern, alice.text, flags=re.IGNORECASE) is None
    assert "\x1a" not in alice.text
    assert "public domain" in alice.DESCR
    assert "Brotli 1.2.1" in alice.DESCR
