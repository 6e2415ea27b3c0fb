"""Drop-ins for the Python functions of ``scipy.special``.

The ufuncs of scipy.special (gammaln, erf, iv, xlogy, ...) need no drop-in:
they are differentiated where they are, see ``npgrad/rules/scipy_special.py``.
The functions here are Python code that converts its input with ``np.asarray``.

Example
-------
>>> import numpy as np, npgrad
>>> from npgrad.scipy.special import logsumexp, polygamma
>>> npgrad.grad(lambda x: logsumexp(x, b=np.array([1.0, 3.0])))(np.zeros(2))
array([0.25, 0.75])
>>> float(npgrad.grad(lambda x: polygamma(1, x))(1.0))   # polygamma(2, 1) = -2 zeta(3)
-2.404113806319188
"""

import numpy as np
import scipy.special as sc

from .._registry import defvjp
from ._util import named_primitive, traced

__all__ = ["logsumexp", "softmax", "log_softmax", "polygamma", "multigammaln"]


def _expand(x, shape, axis, keepdims):
    """A result reduced over ``axis`` of ``shape``, with those axes back as size 1."""
    if keepdims or axis is None:
        return x
    axes = {a % len(shape) for a in (tuple(axis) if np.iterable(axis) else (axis,))}
    return np.reshape(x, tuple(1 if i in axes else n for i, n in enumerate(shape)))


# ---- logsumexp: a primitive (the composition would need the max shift twice) ----

def _logsumexp_value(a, b, axis=None, keepdims=False, return_sign=False):
    return sc.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)


_logsumexp = named_primitive(_logsumexp_value, __name__, "_logsumexp")


def _logsumexp_exp_share(g, ans, a, b, axis=None, keepdims=False, return_sign=False):
    """``g * sign * exp(a - ans)``: g times d ans / d(b exp(a)) times exp(a), per element."""
    if return_sign:
        (g, _), (value, sign) = g, ans      # the sign is piecewise constant
        g = g * sign
    else:
        value = ans
    shape = np.broadcast_shapes(np.shape(a), np.shape(b))
    value = _expand(value, shape, axis, keepdims)
    # ans = -inf (every weight zero): exp(a - 0) times the zero weights
    safe = np.where(value == -np.inf, 0, value)
    return _expand(g, shape, axis, keepdims) * np.exp(a - safe)


defvjp(_logsumexp,
       lambda g, ans, a, b, **kw: _logsumexp_exp_share(g, ans, a, b, **kw) * (
           1 if b is None else b),
       _logsumexp_exp_share)


def logsumexp(a, axis=None, b=None, keepdims=False, return_sign=False):
    """``scipy.special.logsumexp``, differentiable in ``a`` and ``b``.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> from npgrad.scipy.special import logsumexp
    >>> npgrad.grad(logsumexp)(np.zeros(4))
    array([0.25, 0.25, 0.25, 0.25])
    """
    if not traced(a, b):
        return sc.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    return _logsumexp(a, b, axis=axis, keepdims=keepdims, return_sign=return_sign)


def log_softmax(x, axis=None):
    """``scipy.special.log_softmax``: ``x - logsumexp(x, axis, keepdims=True)``.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> from npgrad.scipy.special import log_softmax
    >>> npgrad.grad(lambda x: log_softmax(x)[0])(np.zeros(2))
    array([ 0.5, -0.5])
    """
    if not traced(x):
        return sc.log_softmax(x, axis=axis)
    return x - _logsumexp(x, None, axis=axis, keepdims=True)


def softmax(x, axis=None):
    """``scipy.special.softmax``: ``exp(log_softmax(x, axis))``.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> from npgrad.scipy.special import softmax
    >>> npgrad.grad(lambda x: softmax(x)[0])(np.zeros(2))
    array([ 0.25, -0.25])
    """
    if not traced(x):
        return sc.softmax(x, axis=axis)
    return np.exp(log_softmax(x, axis=axis))


# ---- polygamma: n is an integer order, differentiable in x ----

_polygamma = named_primitive(sc.polygamma, __name__, "_polygamma")
defvjp(_polygamma, None, lambda g, ans, n, x: g * _polygamma(n + 1, x))


def polygamma(n, x):
    """``scipy.special.polygamma``, differentiable in ``x`` (``n`` is an integer order).

    Example
    -------
    >>> import npgrad
    >>> from npgrad.scipy.special import polygamma
    >>> round(float(npgrad.grad(lambda x: polygamma(0, x))(1.0)), 12)   # pi**2 / 6
    1.644934066848
    """
    if not traced(n, x):
        return sc.polygamma(n, x)
    return _polygamma(n, x)


def multigammaln(a, d):
    """``scipy.special.multigammaln``: ``d(d-1)/4 log(pi) + sum_j gammaln(a - j/2)``.

    Example
    -------
    >>> import npgrad, scipy.special as sc
    >>> from npgrad.scipy.special import multigammaln
    >>> g = npgrad.grad(lambda a: multigammaln(a, 2))(3.0)
    >>> bool(abs(g - (sc.digamma(3.0) + sc.digamma(2.5))) < 1e-12)
    True
    """
    if not traced(a):
        return sc.multigammaln(a, d)
    d = int(d)
    if np.any(a <= 0.5 * (d - 1)):
        raise ValueError(f"condition a ({a}) > 0.5 * (d-1) ({0.5 * (d - 1)}) not met")
    terms = np.stack([a - j / 2 for j in range(d)])
    return d * (d - 1) * 0.25 * np.log(np.pi) + np.sum(sc.gammaln(terms), axis=0)
