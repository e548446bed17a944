"""Sphinx configuration of the sklearn_rnn documentation.

Build from the repository root (warnings are errors; every gallery example
runs)::

    .venv/bin/python -m sphinx -W --keep-going -b html docs docs/_build/html

Nothing here reaches the network: there is no intersphinx, and the gallery
uses only data shipped with the package or generated in the examples.
"""

import os

import sklearn_rnn

# Examples run in this process: matplotlib draws off-screen.
os.environ.setdefault("MPLBACKEND", "Agg")

project = "sklearn_rnn"
author = "the sklearn_rnn developers"
copyright = "the sklearn_rnn developers, BSD-3-Clause"
version = release = sklearn_rnn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
default_role = "literal"
nitpicky = False

# -- API reference ---------------------------------------------------------

autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False
# Every public docstring is validated while the docs build (with -W, a
# failure fails the build): all of numpydoc's checks but those that
# scikit-learn does not hold its own methods to (an extended summary, See
# Also and Examples on every method; RT02 misreads "self : object").
numpydoc_validation_checks = {"all", "ES01", "SA01", "EX01", "RT02"}
numpydoc_validation_exclude = {r"\.__version__$"}

# -- Gallery ---------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # only plot_*.py run and enter the gallery; examples/demo.py is the
    # README's command-line demo
    "filename_pattern": r"plot_",
    "ignore_pattern": r"demo\.py",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "show_memory": False,
    "min_reported_time": 0,
    # "Examples using X" under each name of the API reference
    "doc_module": ("sklearn_rnn",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"sklearn_rnn": None},
}

# -- HTML ------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"sklearn_rnn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_static_path = []
html_show_sourcelink = False
