"""Lazy imports of optional dependencies, with an error naming the extra."""

import importlib


def require(module, caller, extra):
    """Import ``module`` (e.g. ``"matplotlib.pyplot"``) or explain ``extra``.

    Parameters
    ----------
    module : str
        Dotted name of the module to import.
    caller : str
        What needs it, for the error message.
    extra : str
        The package's extra that installs it (``"inspection"``, ``"onnx"``).

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    ImportError
        When the module's package is not installed; the message names the
        extra that provides it.
    """
    package = module.split(".")[0]
    try:
        # the package first: a cached submodule must not hide a missing parent
        importlib.import_module(package)
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires {package}, which is not installed. Install "
            f"the optional {extra} dependencies with "
            f"`pip install sklearn-rnn[{extra}]` (or `pip install {package}`)."
        ) from exc
