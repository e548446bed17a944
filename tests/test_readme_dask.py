"""The README's dask snippet runs as a script (with small data)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

DATA = """\
import numpy as np
rng = np.random.default_rng(0)
X_train = rng.normal(size=(24, 5, 2))
y_train = (X_train[:, :, 0].sum(axis=1) > 0).astype(int)
"""


def _dask_snippet():
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    (snippet,) = [b for b in blocks if 'parallel_backend("dask")' in b]
    return snippet


def test_readme_dask_snippet_runs_as_a_script(tmp_path):
    pytest.importorskip("dask.distributed")
    script = tmp_path / "search.py"
    snippet = _dask_snippet().replace(
        "search.fit(X_train, y_train)",
        "search.fit(X_train, y_train)\n        print(search.best_params_)",
    )
    # the README's data (Japanese Vowels) replaced by a small set, for speed
    load = "X_train, X_test, y_train, y_test = load_japanese_vowels(return_X_y=True)"
    assert load in snippet
    script.write_text(snippet.replace(load, DATA))
    result = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "hidden_size" in result.stdout
