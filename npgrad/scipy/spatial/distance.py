"""Drop-ins for ``scipy.spatial.distance``: ``cdist``, ``pdist`` and ``squareform``.

``cdist`` and ``pdist`` are differentiable for the metrics ``"euclidean"``
and ``"sqeuclidean"``.  The Euclidean distance is not differentiable where it
is zero (a point and itself); the gradient takes 0 there, the minimum-norm
subgradient, instead of NumPy's ``0 / 0``.  ``squareform`` is linear.

Example
-------
>>> import numpy as np, npgrad
>>> from npgrad.scipy.spatial.distance import cdist
>>> npgrad.grad(lambda x: np.sum(cdist(x, np.zeros((1, 2)))))(np.array([[3.0, 4.0]]))
array([[0.6, 0.8]])
"""

import numpy as np
import scipy.spatial.distance as sd

from ..._registry import defvjp, defvjp_all, deflinear
from ...errors import NotDifferentiableError
from .._util import T, named_primitive, traced

__all__ = ["cdist", "pdist", "squareform"]

METRICS = ("euclidean", "sqeuclidean")
"""The metrics with a gradient rule."""


def _check_metric(name, metric, kwargs):
    if metric not in METRICS or kwargs:
        raise NotDifferentiableError(
            f"npgrad.scipy.spatial.distance.{name}: metric={metric!r}"
            f"{' with ' + ', '.join(kwargs) if kwargs else ''} has no gradient rule; "
            f"differentiable metrics: {', '.join(METRICS)}.  Write the distance in NumPy, "
            "or pass constants (t.numpy()).")


def _pair_weights(g, ans, metric):
    """d/dd of the metric as weights on (x_i - y_j): g / d for euclidean (0 where d == 0),
    2 g for sqeuclidean."""
    if metric == "sqeuclidean":
        return 2 * g
    zero = ans == 0
    return np.where(zero, 0, g / np.where(zero, 1, ans))


# ---- squareform: linear, vector <-> symmetric matrix with a zero diagonal ----

_squareform = named_primitive(sd.squareform, __name__, "_squareform")


def _squareform_vjp(g, ans, X, force="no", checks=True):
    if np.ndim(X) == 1:     # vector -> matrix: each entry lands at (i, j) and (j, i)
        return _squareform(g + T(g), force="tovector", checks=False)
    # matrix -> vector: the entries above the diagonal
    return np.triu(_squareform(g, force="tomatrix", checks=False), 1)


deflinear(_squareform, _squareform_vjp)


def squareform(X, force="no", checks=True):
    """``scipy.spatial.distance.squareform`` (linear, so differentiable)."""
    if not traced(X):
        return sd.squareform(X, force=force, checks=checks)
    return _squareform(X, force=force, checks=checks)


# ---- cdist ----

def _cdist_value(XA, XB, metric="euclidean"):
    return sd.cdist(XA, XB, metric)


_cdist = named_primitive(_cdist_value, __name__, "_cdist")


@defvjp_all(_cdist)
def _cdist_vjp(g, ans, XA, XB, metric="euclidean"):
    # d_ij depends on x_i - y_j: sum_j w_ij (x_i - y_j) and sum_i w_ij (y_j - x_i)
    w = _pair_weights(g, ans, metric)
    return (np.sum(w, axis=1)[:, None] * XA - w @ XB,
            np.sum(w, axis=0)[:, None] * XB - T(w) @ XA)


def cdist(XA, XB, metric="euclidean", *, out=None, **kwargs):
    """``scipy.spatial.distance.cdist``, differentiable for euclidean and sqeuclidean."""
    if not traced(XA, XB):
        return sd.cdist(XA, XB, metric, out=out, **kwargs)
    _check_metric("cdist", metric, kwargs)
    if out is not None:
        raise TypeError("npgrad.scipy.spatial.distance.cdist(..., out=...) writes in place, "
                        "which npgrad does not record; assign the result instead.")
    return _cdist(XA, XB, metric=metric)


# ---- pdist ----

def _pdist_value(X, metric="euclidean"):
    return sd.pdist(X, metric)


_pdist = named_primitive(_pdist_value, __name__, "_pdist")


def _pdist_vjp(g, ans, X, metric="euclidean"):
    # the condensed pairs as a symmetric matrix: row i holds every pair with point i
    w = _pair_weights(_squareform(g, checks=False), _squareform(ans, checks=False), metric)
    return np.sum(w, axis=1)[:, None] * X - w @ X


defvjp(_pdist, _pdist_vjp)


def pdist(X, metric="euclidean", *, out=None, **kwargs):
    """``scipy.spatial.distance.pdist``, differentiable for euclidean and sqeuclidean."""
    if not traced(X):
        return sd.pdist(X, metric, out=out, **kwargs)
    _check_metric("pdist", metric, kwargs)
    if out is not None:
        raise TypeError("npgrad.scipy.spatial.distance.pdist(..., out=...) writes in place, "
                        "which npgrad does not record; assign the result instead.")
    return _pdist(X, metric=metric)
