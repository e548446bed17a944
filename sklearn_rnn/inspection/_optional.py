"""Lazy imports of the optional ``inspection`` dependencies."""

import importlib

#: The command that installs every optional dependency of this module.
INSTALL = "pip install sklearn-rnn[inspection]"


def require(module, caller):
    """Import ``module`` (e.g. ``"matplotlib.pyplot"``) or explain the extra.

    Parameters
    ----------
    module : str
        Dotted name of the module to import.
    caller : str
        What needs it, for the error message.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    ImportError
        When the module's package is not installed; the message names the
        ``inspection`` extra that provides it.
    """
    package = module.split(".")[0]
    try:
        # the package first: a cached submodule must not hide a missing parent
        importlib.import_module(package)
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"{caller} requires {package}, which is not installed. Install "
            f"the optional inspection dependencies with `{INSTALL}` (or "
            f"`pip install {package}`)."
        ) from exc
