"""Lazy imports of the optional ``inspection`` dependencies."""

from .._optional import require as _require


def require(module, caller):
    """Import ``module`` or explain the ``inspection`` extra that provides
    it (see :func:`sklearn_rnn._optional.require`)."""
    return _require(module, caller, "inspection")
