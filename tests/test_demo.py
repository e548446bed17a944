"""The README's demo runs as a new user runs it, and warns of nothing."""

import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo.py"


def test_demo_runs_without_a_warning():
    result = subprocess.run(
        [sys.executable, str(DEMO)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    assert "Test accuracy of the refitted model" in result.stdout
    assert "Warning" not in result.stderr, result.stderr
