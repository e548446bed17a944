"""The wheel a user installs: the licence inside, no links that break."""

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    setuptools = pytest.importorskip("setuptools")
    if int(setuptools.__version__.split(".")[0]) < 68:
        pytest.skip("the build needs setuptools>=68 in this environment")
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps"]
    command += ["--no-build-isolation", "-q", str(ROOT), "-w", str(out)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    (path,) = out.glob("*.whl")
    return zipfile.ZipFile(path)


def test_wheel_holds_the_licence(wheel):
    names = wheel.namelist()
    licence = [n for n in names if n.endswith("/LICENSE")]
    assert licence
    assert b"BSD" in wheel.read(licence[0])


def test_wheel_metadata_has_no_relative_links(wheel):
    (metadata,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    text = wheel.read(metadata).decode()
    assert "License-Expression: BSD-3-Clause" in text
    # markdown links to files of the repository break once on PyPI
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert [link for link in links if "://" not in link] == []


def test_wheel_ships_the_data_sets(wheel):
    names = set(wheel.namelist())
    for name in ("japanese_vowels", "airline", "surnames", "alice"):
        assert f"sklearn_rnn/datasets/data/{name}.npz" in names
        assert f"sklearn_rnn/datasets/descr/{name}.rst" in names
