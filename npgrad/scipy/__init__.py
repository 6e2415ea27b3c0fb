"""Differentiable drop-ins for the SciPy functions that convert their input.

The ufuncs of ``scipy.special`` need nothing: they reach npgrad through
``__array_ufunc__`` (their rules are in ``npgrad/rules/scipy_special.py``).
Everything else in SciPy calls ``np.asarray`` on its input, which npgrad
refuses for a traced array.  This package mirrors SciPy's layout with
replacements that take the same arguments:

* ``npgrad.scipy.special``: logsumexp, softmax, log_softmax, polygamma, multigammaln
* ``npgrad.scipy.linalg``: solve, solve_triangular, cholesky, cho_factor, cho_solve,
  lu_factor, lu_solve, inv, det, expm, eigh, eigvalsh, svd, sqrtm, solve_sylvester
* ``npgrad.scipy.stats``: norm, t, gamma, beta, poisson, binom, multivariate_normal
* ``npgrad.scipy.spatial.distance``: cdist, pdist, squareform
* ``npgrad.scipy.signal``: convolve, fftconvolve, correlate

Called with no TracedArray among its arguments, a drop-in calls SciPy's
function and returns exactly its result, so it is safe to use everywhere.
With a TracedArray it computes the same value differentiably.

``DROP_INS`` is the list; importing this package (npgrad does) registers each
entry in ``npgrad._core.ALTERNATIVES``, so the TraceLostError raised by the
SciPy original on a traced array names its replacement.  The submodules are
imported on first use: ``import npgrad`` does not import scipy.stats.

Example
-------
>>> import numpy as np, npgrad
>>> from npgrad.scipy.special import logsumexp
>>> npgrad.grad(logsumexp)(np.log([1.0, 3.0]))
array([0.25, 0.75])
"""

import importlib

from .._core import ALTERNATIVES

_DISTRIBUTIONS = {
    "norm": ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"),
    "t": ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"),
    "gamma": ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"),
    "beta": ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"),
    "poisson": ("logpmf", "pmf", "cdf", "logcdf", "sf", "logsf"),
    "binom": ("logpmf", "pmf", "cdf", "logcdf", "sf", "logsf"),
    "multivariate_normal": ("logpdf", "pdf"),
}

DROP_INS = {
    "special": ("logsumexp", "softmax", "log_softmax", "polygamma", "multigammaln"),
    "linalg": ("solve", "solve_triangular", "cholesky", "cho_factor", "cho_solve",
               "lu_factor", "lu_solve", "inv", "det", "expm", "eigh", "eigvalsh", "svd",
               "sqrtm", "solve_sylvester"),
    "stats": tuple(f"{dist}.{method}" for dist, methods in _DISTRIBUTIONS.items()
                   for method in methods),
    "spatial.distance": ("cdist", "pdist", "squareform"),
    "signal": ("convolve", "fftconvolve", "correlate"),
}
"""SciPy namespace (after ``scipy.``) -> the names replaced in ``npgrad.scipy.<namespace>``."""

ALTERNATIVES.update({f"scipy.{ns}.{name}": f"npgrad.scipy.{ns}.{name}"
                     for ns, names in DROP_INS.items() for name in names})

_SUBMODULES = ("special", "linalg", "stats", "spatial", "signal")

__all__ = list(_SUBMODULES) + ["DROP_INS"]


def __getattr__(name):
    # the submodules import the SciPy modules they replace: only on first use
    if name in _SUBMODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
