"""What the drop-ins share: the traced-argument test, named primitives, matrix views."""

import numpy as np

from .._core import TracedArray
from .._registry import VJPS
from ..api import primitive, stop_gradient


def traced(*args):
    """Whether any argument is a TracedArray (or a list/tuple holding one).

    A drop-in with no traced argument calls SciPy's own function.
    """
    for a in args:
        if isinstance(a, TracedArray):
            return True
        if type(a) in (list, tuple) and any(isinstance(e, TracedArray) for e in a):
            return True
    return False


def named_primitive(func, module, name):
    """:func:`npgrad.primitive` of ``func``, named ``module.name`` in error messages and tests."""
    p = primitive(func)
    p.__module__ = module
    p.__name__ = p.__qualname__ = name
    # not SciPy's docstring, whose examples would run as npgrad's doctests
    p.__doc__ = (f"``{func.__module__}.{func.__name__}`` as a recorded operation (on plain "
                 "arrays it is that function).")
    return p


def numpy_rule(func):
    """The gradient rule npgrad registers for ``func`` (first argument), looked up per call.

    For primitives that compute what a NumPy function computes (scipy.linalg.eigh
    is np.linalg.eigh with another LAPACK driver): one rule, in one place.
    """
    def rule(g, ans, *args, **kwargs):
        entry = VJPS[func]
        if entry.all is not None:
            return entry.all(g, ans, *args, **kwargs)[0]
        return entry.per_arg[0](g, ans, *args, **kwargs)
    return rule


def T(x):
    return np.swapaxes(x, -1, -2)


def H(x):
    return np.conj(np.swapaxes(x, -1, -2))


def triangle_view(a, lower, conjugate=True):
    """The symmetric (``conjugate``: Hermitian) matrix that one triangle of ``a`` defines.

    This is what SciPy's symmetric and Hermitian routines read (LAPACK uses the
    real part of a Hermitian diagonal).  Its value is that matrix; its gradient
    is the one of ``(a + a^H) / 2``, npgrad's convention for functions that
    read one triangle (as for np.linalg.eigh and cholesky), so ``a`` gets a
    symmetric gradient whichever triangle is read.  For a symmetric input the
    value is ``a`` itself, exactly.
    """
    n = np.shape(a)[-1]
    flip = H if conjugate else T
    part = np.tril(a, -1) if lower else np.triu(a, 1)
    diag = np.where(np.eye(n, dtype=bool), np.real(a) if conjugate else a, 0)
    full = part + flip(part) + diag
    sym = (a + flip(a)) / 2
    return sym + stop_gradient(full - sym)


def plain_ints(x):
    """Integer pivots and indices as a plain ndarray (integers carry no gradient)."""
    return x.numpy() if isinstance(x, TracedArray) else np.asarray(x)
