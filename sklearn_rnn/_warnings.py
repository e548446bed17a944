"""Warnings that point at the user's line, not at a library's."""

import sys

#: Packages whose frames lie between a user's call and a warning: the
#: warning is attributed to the first frame outside them (a user's
#: ``pipe.fit(X, y)``, not ``sklearn/pipeline.py``).
_LIBRARIES = ("sklearn_rnn", "sklearn", "skorch", "joblib", "contextlib", "dask")


def user_stacklevel():
    """The ``stacklevel`` that makes ``warnings.warn``, called by the
    function calling this one, point at the first frame outside the
    libraries."""
    frame = sys._getframe(1)
    level = 1
    while frame is not None and _in_library(frame):
        frame = frame.f_back
        level += 1
    return level


def _in_library(frame):
    module = frame.f_globals.get("__name__", "")
    return module.split(".")[0] in _LIBRARIES or module.startswith("dask_ml")
