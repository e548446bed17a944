"""Warnings the test run expects, and only where it expects them.

Every ConvergenceWarning is an error (``pyproject.toml``), except in the
doctests of the docstrings and of the user guide, which fit small models in
a few epochs on purpose, and in scikit-learn's estimator checks
(``tests/test_common.py``).
"""

import pytest
from _pytest.doctest import DoctestItem

_SHORT_FITS = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


def pytest_collection_modifyitems(items):
    for item in items:
        if isinstance(item, DoctestItem):
            item.add_marker(_SHORT_FITS)
