"""Testing tools for gradient rules: finite-difference and adjoint checks, hypothesis strategies.

* :func:`check_gradients` checks :func:`npgrad.vjp` (and :func:`npgrad.jvp`)
  against central finite differences along random directions.
* :func:`check_linear` checks a linear function against its VJP exactly.
* :mod:`npgrad.testing.strategies` holds hypothesis strategies for arrays,
  shapes, dtypes, matrices and registry cases.  It is imported on first
  use (``npgrad.testing.strategies``), so neither ``npgrad`` nor
  ``npgrad.testing`` needs hypothesis installed.
* :mod:`npgrad.testing.specs` holds the per-function test specs from which
  ``tests/test_rules.py`` is generated.

Example
-------
>>> import numpy as np
>>> from npgrad.testing import check_gradients
>>> check_gradients(np.tanh, (np.linspace(-1, 1, 5),), order=2)
"""

from ._check import MAX_ELEMENTS, check_gradients, check_linear, key_name

__all__ = ["check_gradients", "check_linear", "key_name", "MAX_ELEMENTS", "strategies",
           "specs"]


def __getattr__(name):
    # hypothesis is imported only when the strategies are asked for
    if name in ("strategies", "specs"):
        import importlib
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
