"""Specs for ``npgrad/rules/numeric.py``: differences, quadrature, interpolation,
polynomials, statistics and sample grids.

Arguments meant to be differentiated are passed positionally (keyword
arguments are never traced).  Piecewise functions draw their points away
from the kinks: ``interp`` queries sit inside a segment (at least 5% of its
width from a knot), ``unwrap`` adds whole turns to phases whose steps stay
far from the ``pi`` threshold.  Sample positions (``gradient`` spacing,
``interp`` and ``polyfit`` x) are real even in the complex128 cases.
"""

import numpy as np

from . import spec


def _real(d):
    """The real dtype of the case (positions are real even when values are complex)."""
    return d.dtype if d.dtype.kind == "f" else np.dtype(np.float64)


def _coordinates(d, n):
    """``n`` increasing sample positions, steps in (0.3, 3)."""
    return np.cumsum(d.array((n,), "positive", dtype=_real(d)))


def _axis(d, ndim):
    return d.integers(-ndim, ndim - 1)


# ---- differences ----

def _diff(d):
    a = d.array(d.shape(min_dims=1))
    n, axis = d.integers(0, 3), _axis(d, a.ndim)
    ends = []
    for _ in range(d.integers(0, 2)):
        length = d.choice([None, 1, 2])
        ends.append(d.array(() if length is None else
                            a.shape[:axis % a.ndim] + (length,) + a.shape[axis % a.ndim + 1:]))
    return (a, n, axis, *ends), {}


def _ediff1d(d):
    ary = d.array(d.shape(min_dims=1))
    ends = [d.choice([None, d.array(d.shape(max_dims=1))]) for _ in range(2)]
    return (ary, *ends), {}


spec(np.diff, _diff, complex=True, linear=True)
spec(np.ediff1d, _ediff1d, complex=True, linear=True)


def _gradient(d):
    edge_order = d.integers(1, 2)
    f = d.array(d.shape(min_dims=1, min_side=edge_order + 1))
    axis = d.choice([None, _axis(d, f.ndim), "tuple"])
    if axis == "tuple":
        axis = tuple(sorted(set(d.integers(0, f.ndim - 1) for _ in range(f.ndim))))
    axes = range(f.ndim) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    kind = d.choice(["none", "scalar", "each"])
    if kind == "none":
        varargs = ()
    elif kind == "scalar":
        varargs = (d.array((), "positive", dtype=_real(d)),)
    else:
        varargs = tuple(d.array((), "positive", dtype=_real(d)) if d.boolean()
                        else _coordinates(d, f.shape[ax]) for ax in axes)
    return (f, *varargs), {"axis": axis, "edge_order": edge_order}


spec(np.gradient, _gradient, complex=True)


# ---- quadrature ----

def _trapezoid(d):
    y = d.array(d.shape(min_dims=1, min_side=1))
    axis = _axis(d, y.ndim)
    kind = d.choice(["dx", "x1", "xn"])
    if kind == "dx":
        return (y, None, d.array((), "positive")), {"axis": axis}
    x = d.array((y.shape[axis],)) if kind == "x1" else d.array(y.shape)
    return (y, x), {"axis": axis}


for _key in (getattr(np, "trapezoid", None), getattr(np, "trapz", None)):
    spec(_key, _trapezoid, complex=True)


# ---- interpolation ----

def _interp(d):
    k = d.integers(1, 5)
    xp = np.sort(d.array((k,), "distinct", dtype=_real(d)))
    fp = d.array((k,))
    shape = d.shape()
    # segment -1 is left of xp[0], k - 1 right of xp[-1]; 5%..95% of the way along
    seg = d.array(shape, "int") % (k + 1) - 1
    u = d.array(shape, "prob", dtype=_real(d))
    lo = np.where(seg < 0, xp[0] - 1, xp[np.clip(seg, 0, k - 1)])
    width = np.where((seg < 0) | (seg >= k - 1), 1.0, xp[np.clip(seg + 1, 0, k - 1)] - lo)
    x = np.asarray(lo + u * width, dtype=_real(d))
    if d.integers(0, 2) == 0:
        period = float(xp[-1] - xp[0]) + 1.0 + d.choice([0.0, 0.5])
        x = np.asarray(x + period * d.array(shape, "int"), dtype=_real(d))
        return (x, xp, fp), {"period": period}
    # NumPy's complex interp refuses a complex 0-d array for left/right
    ends = [d.array((), dtype=_real(d)) for _ in range(d.integers(0, 2))]
    return (x, xp, fp, *ends), {}


spec(np.interp, _interp, complex=True)


# ---- polynomials ----

def _coefficients(d, min_size=1, max_size=5):
    return d.array((d.integers(min_size, max_size),))


def _polyval(d):
    return (_coefficients(d), d.array(d.shape())), {}


def _polyint(d):
    p, m = _coefficients(d), d.integers(0, 3)
    k = d.choice([None, d.array(()), d.array((m,))]) if m else None
    return ((p, m) if k is None else (p, m, k)), {}


def _roots(d):
    # well separated simple roots (spacing >= 0.6), so that their order is stable;
    # a real polynomial gets a complex-conjugate pair now and then
    r = 3 * d.array((d.integers(1, 4),), "distinct")
    if d.dtype.kind == "f" and d.boolean():
        pair = d.array((), "real") + 1j * d.array((), "positive")
        r = np.concatenate([r, [pair, np.conj(pair)]])
    return (np.asarray(d.array((), "nonzero") * np.poly(r), dtype=d.dtype),), {}


spec(np.polyval, _polyval, complex=True)
spec(np.polyder, lambda d: ((_coefficients(d), d.integers(0, 5)), {}), complex=True,
     linear=True)
spec(np.polyint, _polyint, complex=True, linear=True)
spec(np.polyadd, lambda d: ((_coefficients(d), _coefficients(d)), {}), complex=True,
     linear=True)
spec(np.polysub, lambda d: ((_coefficients(d), _coefficients(d)), {}), complex=True,
     linear=True)
spec(np.polymul, lambda d: ((_coefficients(d), _coefficients(d)), {}), complex=True)
spec(np.roots, _roots, complex=True, dtypes=(np.float64, np.complex128))


def _polyfit(d):
    deg = d.integers(0, 3)
    m = deg + d.integers(2, 4)
    x = d.array((m,), "distinct", dtype=_real(d))
    y = d.array((m,) if d.boolean() else (m, d.integers(1, 3)))
    if d.boolean():
        return (x, y, deg, None, False, d.array((m,), "positive", dtype=_real(d))), {}
    return (x, y, deg), {}


spec(np.polyfit, _polyfit, complex=True)
spec(np.vander, lambda d: ((d.array(d.shape(min_dims=1, max_dims=1)),
                            d.choice([None, d.integers(0, 5)]), d.boolean()), {}),
     complex=True)


# ---- convolution ----

def _convolve(d):
    a, v = (d.array(d.shape(min_dims=1, max_dims=1, min_side=1, max_side=6)) for _ in "av")
    return (a, v, d.choice(["full", "same", "valid"])), {}


spec(np.convolve, _convolve, complex=True)
spec(np.correlate, _convolve, complex=True)


# ---- statistics ----

def _observations(d, variables, n, rowvar):
    shape = (n,) if variables == 0 else (variables, n)
    a = d.array(shape)
    return a if rowvar else a.T


def _cov(d):
    rowvar = d.boolean()
    n = d.integers(4, 6)
    args = [_observations(d, d.integers(0, 3), n, rowvar)]
    if d.boolean():
        args.append(_observations(d, d.integers(0, 2), n, rowvar))
    kwargs = {"rowvar": rowvar, "bias": d.boolean(), "ddof": d.choice([None, 0, 1, 2])}
    if d.boolean():
        kwargs["fweights"] = d.array((n,), "int") % 3 + 1
    if d.boolean():
        kwargs["aweights"] = d.array((n,), "positive", dtype=_real(d))
    return tuple(args), kwargs


def _corrcoef(d):
    rowvar = d.boolean()
    n = d.integers(3, 6)
    args = [_observations(d, d.integers(2, 3), n, rowvar)]
    if d.boolean():
        args.append(_observations(d, d.integers(0, 2), n, rowvar))
    return tuple(args), {"rowvar": rowvar}


spec(np.cov, _cov, complex=True)
spec(np.corrcoef, _corrcoef, complex=True)


def _unwrap(d):
    p = d.array(d.shape(min_dims=1), "unit")
    turns = 2 * np.pi * d.array(p.shape, "int")
    return (np.asarray(p + turns, dtype=p.dtype),), {"axis": _axis(d, p.ndim)}


spec(np.unwrap, _unwrap)


# ---- sample grids ----

def _bounds(d, domain="real"):
    start_shape, stop_shape = d.shapes(2, max_dims=2)
    return d.array(start_shape, domain), d.array(stop_shape, domain)


def _grid_kwargs(d, start, stop):
    ndim = 1 + np.broadcast(start, stop).ndim
    return {"axis": _axis(d, ndim)}


def _linspace(d):
    start, stop = _bounds(d)
    num, endpoint = d.integers(0, 5), d.boolean()
    kwargs = _grid_kwargs(d, start, stop)
    if (num - 1 if endpoint else num) > 0:      # else the step is nan
        kwargs["retstep"] = d.boolean()
    return (start, stop, num, endpoint), kwargs


def _logspace(d):
    start_shape, stop_shape, base_shape = d.shapes(3, max_dims=2)
    start, stop = d.array(start_shape), d.array(stop_shape)
    args = (start, stop, d.integers(0, 5), d.boolean())
    if d.boolean():
        # an array base is broadcast with start and stop before the sample axis goes in
        base = d.array(base_shape, "positive")
        return args + (base,), {"axis": _axis(d, 1 + np.broadcast(start, stop, base).ndim)}
    return args, _grid_kwargs(d, start, stop)


def _geomspace(d):
    start, stop = _bounds(d, "positive")
    if d.boolean():
        start, stop = -start, -stop
    return (start, stop, d.integers(0, 5), d.boolean()), _grid_kwargs(d, start, stop)


spec(np.linspace, _linspace, complex=True, linear=True)
spec(np.logspace, _logspace, complex=True)
spec(np.geomspace, _geomspace, complex=True)
spec(np.meshgrid, lambda d: (tuple(d.array(d.shape(min_dims=1, max_dims=1))
                                   for _ in range(d.integers(1, 3))),
                             {"indexing": d.choice(["xy", "ij"]), "sparse": d.boolean()}),
     complex=True, linear=True)
