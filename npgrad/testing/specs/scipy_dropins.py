"""Specs for the primitives behind the ``npgrad.scipy`` drop-ins.

The drop-ins built from NumPy calls (``solve``, ``cholesky``, the
distributions of ``stats``, ...) have no registry entry of their own and are
tested in ``tests/test_scipy.py``.  Eigenvectors and singular vectors are
checked through functions invariant under their signs and phases, which
LAPACK may flip between two nearby inputs (as in ``specs/linalg.py``).
"""

import numpy as np

from ...scipy import linalg, signal, special
from ...scipy.spatial import distance
from . import spec
from .linalg import wrapped_spec


def _n(d, lo=1, hi=4):
    return d.integers(lo, hi)


# ---- special ----

def _logsumexp(d):
    a = d.array(d.shape(min_dims=1, min_side=1))
    kwargs = {"axis": d.axis(a.ndim)}
    if d.boolean():
        kwargs["keepdims"] = True
    b = None
    if d.boolean():
        # a weight of either sign needs return_sign (the sum may be negative)
        signed = d.boolean()
        shape = tuple(1 if d.boolean() else n for n in a.shape)[d.integers(0, a.ndim):]
        b = d.array(shape, "nonzero" if signed else "positive")
        if signed:
            kwargs["return_sign"] = True
    return (a, b), kwargs


def _polygamma(d):
    s_n, s_x = d.shapes(2)
    return (np.abs(d.array(s_n, "int")), d.array(s_x, "positive")), {}


spec(special._logsumexp, _logsumexp)
spec(special._polygamma, _polygamma)


# ---- linalg ----

def _batch(d):
    return d.choice([(), (2,)])


def _solve_triangular(d):
    n, batch = _n(d), _batch(d)
    lower = d.boolean()
    a = d.matrix(n, "triangular", batch)
    if not lower:
        a = np.swapaxes(a, -1, -2).copy()
    # b is a vector only when it is 1-D (a batch of vectors is a matrix to SciPy)
    b = d.array((n,) if not batch and d.boolean() else batch + (n, _n(d)))
    trans = d.choice([0, 1, 2, "N", "T", "C"])
    return (a, b), {"trans": trans, "lower": lower, "unit_diagonal": d.boolean()}


def _spaced(d, shape):
    """Values at least 0.3 apart in [0.5, 2], descending along the last axis."""
    return 0.5 + 0.4 * np.arange(shape[-1])[::-1] + 0.1 * d.array(shape, "prob",
                                                                  dtype=np.float64)


def _eigh(d):
    n, batch = _n(d), _batch(d)
    q = d.matrix(n, "orthogonal", batch)
    w = _spaced(d, batch + (n,)) * d.choice([1.0, -1.0])
    a = (q * w[..., None, :]) @ np.conj(np.swapaxes(q, -1, -2))
    return (((a + np.conj(np.swapaxes(a, -1, -2))) / 2).astype(d.dtype),), {
        "eigvals_only": d.boolean()}


def _eigh_invariants(f, kwargs):
    if kwargs.get("eigvals_only"):
        return f

    def invariants(a):
        w, v = f(a)
        return w, np.abs(v) ** 2, v * np.conj(v[..., :1, :])
    return invariants


def _svd(d):
    m, n = _n(d), _n(d)
    k = min(m, n)
    u = d.matrix(m, "orthogonal")[:, :k]
    vh = d.matrix(n, "orthogonal")[:k, :]
    a = ((u * _spaced(d, (k,))) @ vh).astype(d.dtype)
    kwargs = {"full_matrices": m == n and d.boolean()}
    if d.boolean():
        kwargs["compute_uv"] = False
    return (a,), kwargs


def _svd_invariants(f, kwargs):
    if not kwargs.get("compute_uv", True):
        return f

    def invariants(a):
        u, s, vh = f(a)
        return u * vh[..., :, :1].T, s, vh * u[..., :1, :].T
    return invariants


def _sylvester(d):
    n, m = _n(d), _n(d)
    # spectra of a and -b apart: a unique, well-conditioned solution
    return (d.matrix(n, "spd"), d.matrix(m, "spd"), d.array((n, m))), {}


spec(linalg._solve_triangular, _solve_triangular, complex=True)
spec(linalg._lu_factor, lambda d: ((d.matrix(_n(d), "wellcond", _batch(d)),), {}),
     complex=True)
spec(linalg._expm, lambda d: ((0.5 * d.matrix(_n(d), "general", _batch(d)),), {}),
     complex=True)
spec(linalg._solve_sylvester, _sylvester, complex=True)
spec(linalg._sqrtm, lambda d: ((d.matrix(_n(d), "spd"),), {}), complex=True)
wrapped_spec(linalg._eigh, _eigh, _eigh_invariants, complex=True)
wrapped_spec(linalg._svd, _svd, _svd_invariants, complex=True)


# ---- spatial.distance ----

def _points(d, m):
    return d.array((m, _n(d)))


def _cdist(d):
    a = _points(d, _n(d))
    # shifted, so that no point of b is drawn equal to one of a (the kink at 0)
    b = d.array((_n(d), a.shape[1])) + 0.5
    return (a, b), {"metric": d.choice(distance.METRICS)}


def _pdist(d):
    return (_points(d, _n(d, 2, 4)),), {"metric": d.choice(distance.METRICS)}


def _squareform(d):
    m = _n(d, 1, 4)
    if d.boolean():
        return (d.array((m * (m - 1) // 2,)),), {}
    # a matrix: the differences make it asymmetric, so no symmetry checks
    x = np.triu(d.array((m, m)), 1)
    return (x + x.T,), {"checks": False}


spec(distance._cdist, _cdist, dtypes=(np.float64,))
spec(distance._pdist, _pdist, dtypes=(np.float64,))
spec(distance._squareform, _squareform, linear=True)


# ---- signal ----

def _conv_operands(d, mode):
    ndim = d.integers(1, 2)
    big = tuple(d.integers(1, 4) for _ in range(ndim))
    small = tuple(d.integers(1, s) for s in big)
    if mode != "valid" and d.boolean():
        small = tuple(d.integers(1, 4) for _ in range(ndim))
    shapes = (big, small) if d.boolean() else (small, big)
    return d.array(shapes[0]), d.array(shapes[1])


def _conv(d):
    mode = d.choice(["full", "same", "valid"])
    return _conv_operands(d, mode), {"mode": mode, "method": d.choice(["auto", "direct", "fft"])}


def _fftconv(d):
    mode = d.choice(["full", "same", "valid"])
    x, k = _conv_operands(d, mode)
    kwargs = {"mode": mode}
    if x.ndim == 1 and d.boolean():
        # a batch axis in front that is not convolved (broadcast against size 1)
        x, k = np.stack([x, 2 * x]), k[None]
        kwargs["axes"] = d.choice([1, -1, [1]])
    return (x, k), kwargs


spec(signal._convolve, _conv, complex=True)
spec(signal._correlate, _conv, complex=True)
spec(signal._fftconvolve, _fftconv, complex=True)
