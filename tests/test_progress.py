"""What a fit shows: one plain line per epoch with verbose=1, progress bars
with verbose=2, nothing with verbose=0."""

import re
import warnings

import numpy as np
import pytest

import sklearn_rnn._progress as progress
from sklearn_rnn import RNNClassifier, RNNRegressor

LINE = re.compile(
    r"^epoch (\d+)/(\d+) · loss [0-9.e+-]+( · valid [0-9.e+-]+( \*)?)? · "
    r"lr ([0-9.e+-]+)( \(lowered\))? · [0-9.]+ s$"
)


def _data(n=60):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 8, 2))
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(int)


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X, y)


def test_one_plain_line_per_epoch(capsys):
    X, y = _data()
    est = _fit(
        RNNClassifier(hidden_size=4, max_iter=5, verbose=1, random_state=0), X, y
    )
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) == est.n_iter_ == 5
    assert "\x1b" not in out  # no colour codes
    for number, line in enumerate(lines, start=1):
        match = LINE.match(line)
        assert match, line
        assert match.group(1, 2) == (str(number), "5")


def test_a_lowered_learning_rate_shows_on_the_epoch_it_applies_to(capsys):
    X, y = _data()
    # every epoch misses by tol: the adaptive rule lowers the rate each epoch
    est = RNNRegressor(
        hidden_size=4,
        max_iter=4,
        tol=100.0,
        n_iter_no_change=1,
        early_stopping=False,
        verbose=1,
        random_state=0,
    )
    _fit(est, X, y.astype(float))
    lines = capsys.readouterr().out.splitlines()
    epochs = [LINE.match(line) for line in lines if line.startswith("epoch")]
    history = est.net_.history
    for match, row in zip(epochs, history, strict=True):
        assert float(match.group(5)) == pytest.approx(row["lr"], rel=1e-2)
    rates = [row["lr"] for row in history]
    lowered = [i > 0 and rate < rates[i - 1] for i, rate in enumerate(rates)]
    assert any(lowered)
    assert [m.group(6) == " (lowered)" for m in epochs] == lowered


def test_early_stopping_lines_show_the_validation_score(capsys):
    X, y = _data(80)
    est = RNNClassifier(
        hidden_size=4, max_iter=3, early_stopping=True, verbose=True, random_state=0
    )
    _fit(est, X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "epoch" in line]
    assert all(" · valid " in line for line in lines[:3])
    assert lines[0].split(" · ")[2].endswith("*")  # the first is the best so far


def test_silent_by_default(capsys):
    X, y = _data()
    _fit(RNNClassifier(hidden_size=4, max_iter=2, random_state=0), X, y)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_verbose_2_draws_progress_bars(capsys, monkeypatch):
    X, y = _data()
    est = _fit(
        RNNClassifier(hidden_size=4, max_iter=2, verbose=2, random_state=0), X, y
    )
    captured = capsys.readouterr()
    assert len([line for line in captured.out.splitlines() if LINE.match(line)]) == 2
    assert "it/s" in captured.err or "s/it" in captured.err  # tqdm, on stderr
    monkeypatch.setattr(progress, "LONG_PREDICTION", 0)
    est.predict(X)
    assert "predict" in capsys.readouterr().err
