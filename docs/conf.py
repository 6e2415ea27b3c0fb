"""Sphinx configuration for the npgrad documentation."""

import os
import sys

# Build from a source checkout without installing: the package sits one
# directory up.  (CI installs it anyway; autodoc needs it importable.)
sys.path.insert(0, os.path.abspath(".."))

project = "npgrad"
author = "the npgrad developers"
copyright = "the npgrad developers"
release = version = "0.1.0"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
]

html_theme = "alabaster"
nitpicky = False
exclude_patterns = ["_build"]
root_doc = "index"

autodoc_member_order = "bysource"
autodoc_typehints = "none"
napoleon_google_docstring = False
napoleon_numpy_docstring = True

# ``python -m sphinx -b doctest docs docs/_build/doctest`` runs the
# ``.. doctest::`` blocks; tests/test_docs.py runs the same blocks under pytest.
doctest_global_setup = "import numpy as np\nimport npgrad"


# The coverage table is generated from the registry at build time, so the
# docs never disagree with the code (docs/coverage.rst includes it).
exclude_patterns += ["_generated", "_benchmarks_latest.rst"]


def _write_coverage(app):
    import contextlib
    import io

    from npgrad._coverage import main as coverage

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        coverage(["--format", "rst"])
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_generated")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "coverage_table.rst"), "w") as f:
        f.write(out.getvalue())


def setup(app):
    app.connect("builder-inited", _write_coverage)
