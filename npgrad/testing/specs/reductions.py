"""Specs for ``npgrad/rules/reductions.py``: reductions, statistics, scans, sorting.

Order statistics (max, ptp, median, quantile, sort, partition) draw from the
``"distinct"`` domain so that a finite difference never straddles a tie, and
are checked to first order (they are piecewise linear).  The nan* functions
get nans at random places, but never a whole reduced slice of them.
"""

import numpy as np

from . import spec


def _reduced_axes(ndim, axis):
    if axis is None:
        return tuple(range(ndim))
    return tuple(ax % ndim for ax in (axis if isinstance(axis, tuple) else (axis,)))


def _count(shape, axis):
    return int(np.prod([shape[i] for i in _reduced_axes(len(shape), axis)]))


def _mask(d, shape, axis, keep=1):
    """A random boolean mask keeping at least ``keep`` elements of each reduced slice."""
    mask = d.array(shape, dtype=np.float64) > 0
    index = np.indices(shape)
    offset = sum((index[i] for i in _reduced_axes(len(shape), axis)), np.zeros(shape, int))
    return mask | (offset < keep)


def _with_nans(d, a, axis, keep=1):
    return np.where(_mask(d, a.shape, axis, keep), a, np.nan)


def _with_zeros(d, a):
    """``a`` with about a sixth of its elements exactly zero (exactness of prod/cumprod)."""
    return np.where(d.array(a.shape, dtype=np.float64) > 1.0, 0, a)


def _reduction(d, domain="real", min_side=0, min_dims=0):
    a = d.array(d.shape(min_dims=min_dims, min_side=min_side), domain=domain)
    return a, d.axis(a.ndim)


def _scan(d, domain="real", none=True, min_side=0):
    a = d.array(d.shape(min_dims=1, min_side=min_side), domain=domain)
    return a, d.axis(a.ndim, none=none, tuple=False)


# ---- sum, mean, prod ----

def _sum(d):
    a, axis = _reduction(d)
    kwargs = {"axis": axis, "keepdims": d.boolean()}
    if d.boolean():
        kwargs["where"] = _mask(d, a.shape, axis, keep=0)
    return (a,), kwargs


def _add_reduce(d):
    a, axis = _reduction(d, min_dims=1)
    return (a,), {"axis": axis, "keepdims": d.boolean()}


def _mean(d):
    a, axis = _reduction(d, min_side=1)
    kwargs = {"axis": axis, "keepdims": d.boolean()}
    if d.boolean():
        kwargs["where"] = _mask(d, a.shape, axis)
    return (a,), kwargs


def _prod(d):
    a, axis = _reduction(d)
    a = _with_zeros(d, a)
    kwargs = {"axis": axis, "keepdims": d.boolean()}
    if d.boolean():
        kwargs["where"] = _mask(d, a.shape, axis, keep=0)
    if d.boolean():
        kwargs["initial"] = d.choice([0.5, 2.0])
    return (a,), kwargs


def _multiply_reduce(d):
    a, axis = _reduction(d, min_dims=1)
    return (_with_zeros(d, a),), {"axis": axis, "keepdims": d.boolean()}


spec(np.sum, _sum, complex=True, linear=True)
spec((np.add, "reduce"), _add_reduce, complex=True, linear=True)
spec(np.mean, _mean, complex=True, linear=True)
spec(np.prod, _prod, complex=True)
spec((np.multiply, "reduce"), _multiply_reduce, complex=True)


# ---- max, min, ptp ----

def _extreme(sign, nan=False):
    def make(d):
        a, axis = _reduction(d, domain="distinct", min_side=1)
        kwargs = {"axis": axis, "keepdims": d.boolean()}
        if nan:
            a = _with_nans(d, a, axis)
        if d.boolean():
            kwargs["where"] = _mask(d, a.shape, axis)
            kwargs["initial"] = sign * 1e6
        return (a,), kwargs
    return make


def _extreme_reduce(sign):
    def make(d):
        a, axis = _reduction(d, domain="distinct", min_side=1, min_dims=1)
        return (a,), {"axis": axis, "keepdims": d.boolean()}
    return make


for _f in (np.max, np.amax):
    spec(_f, _extreme(-1), order=1)
for _f in (np.min, np.amin):
    spec(_f, _extreme(1), order=1)
spec(np.nanmax, _extreme(-1, nan=True), order=1)
spec(np.nanmin, _extreme(1, nan=True), order=1)
spec((np.maximum, "reduce"), _extreme_reduce(-1), order=1)
spec((np.minimum, "reduce"), _extreme_reduce(1), order=1)


def _ptp(d):
    a, axis = _reduction(d, domain="distinct", min_side=1)
    return (a,), {"axis": axis, "keepdims": d.boolean()}


spec(np.ptp, _ptp, order=1)


# ---- var, std, average ----

def _spread(nan=False):
    def make(d):
        a, axis = _reduction(d, min_side=1)
        kwargs = {"axis": axis, "keepdims": d.boolean()}
        keep = _count(a.shape, axis)
        if nan:
            a = _with_nans(d, a, axis, keep=2)
            keep = int(np.min(np.sum(~np.isnan(a), axis=axis), initial=keep))
        elif d.boolean():
            kwargs["where"] = _mask(d, a.shape, axis, keep=2)
            keep = int(np.min(np.sum(kwargs["where"], axis=axis), initial=keep))
        ddof = d.choice([0, 1]) if keep > 1 else 0
        kwargs[d.choice(["ddof", "correction"])] = ddof
        if not nan and d.boolean():
            # a given mean is a constant: var = sum |a - mean|^2 / (n - ddof)
            kwargs["mean"] = np.mean(a, axis=axis, keepdims=True,
                                     where=kwargs.get("where", True)) + 0.25
        return (a,), kwargs
    return make


spec(np.var, _spread(), complex=True)
spec(np.std, _spread(), complex=True)
spec(np.nanvar, _spread(nan=True))
spec(np.nanstd, _spread(nan=True))


def _average(d):
    a, axis = _reduction(d, min_side=1)
    weights = None
    if d.boolean():
        if axis is None or d.boolean():
            weights = d.array(a.shape, domain="positive")
        else:   # the shape of a's reduced axes, in the order axis names them
            axes = axis if isinstance(axis, tuple) else (axis,)
            weights = d.array(tuple(a.shape[ax] for ax in axes), domain="positive")
    return (a, axis, weights, d.boolean()), {"keepdims": d.boolean()}


spec(np.average, _average, complex=True)


# ---- nan-ignoring sums ----

def _nan_reduction(initial=False):
    def make(d):
        a, axis = _reduction(d, min_side=1)
        a = _with_nans(d, a, axis)
        kwargs = {"axis": axis, "keepdims": d.boolean()}
        if initial and d.boolean():
            kwargs["initial"] = 2.0
        return (a,), kwargs
    return make


spec(np.nansum, _nan_reduction())
spec(np.nanmean, _nan_reduction())
spec(np.nanprod, _nan_reduction(initial=True))


# ---- median, percentile, quantile ----

METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
           "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
           "normal_unbiased", "lower", "higher", "midpoint", "nearest")


def _median(nan=False):
    def make(d):
        a, axis = _reduction(d, domain="distinct", min_side=1)
        if nan:
            a = _with_nans(d, a, axis)
        return (a,), {"axis": axis, "keepdims": d.boolean()}
    return make


def _quantile(scale, nan=False):
    def make(d):
        a, axis = _reduction(d, domain="distinct", min_side=1)
        if nan:
            a = _with_nans(d, a, axis)
        q = d.array(d.shape(max_dims=2, min_side=1), domain="prob") * scale
        kwargs = {"axis": axis, "keepdims": d.boolean(), "method": d.choice(METHODS)}
        if kwargs["method"] == "inverted_cdf" and d.boolean():
            kwargs["weights"] = d.array(a.shape, domain="positive", dtype=np.float64)
        return (a, q), kwargs
    return make


# float64 only: a float32 step (1e-3) in q could cross a jump of a discontinuous method
spec(np.median, _median(), order=1)
spec(np.nanmedian, _median(nan=True), order=1)
spec(np.quantile, _quantile(1), order=1, dtypes=(np.float64,))
spec(np.percentile, _quantile(100), order=1, dtypes=(np.float64,))
spec(np.nanquantile, _quantile(1, nan=True), order=1, dtypes=(np.float64,))
spec(np.nanpercentile, _quantile(100, nan=True), order=1, dtypes=(np.float64,))


# ---- scans ----

def _cumsum(d):
    a, axis = _scan(d)
    return (a,), {"axis": axis}


def _accumulate(zeros=False):
    def make(d):
        a, axis = _scan(d, none=False)
        return ((_with_zeros(d, a) if zeros else a),), {"axis": axis}
    return make


def _cumprod(d):
    a, axis = _scan(d)
    return (_with_zeros(d, a),), {"axis": axis}


def _nan_scan(d):
    a, axis = _scan(d)
    return (_with_nans(d, a, axis, keep=0),), {"axis": axis}


def _cumulative(d):
    if d.boolean():
        a, axis = d.array(d.shape(min_dims=0, max_dims=1)), None
    else:
        a, axis = _scan(d, none=False)
    return (_with_zeros(d, a),), {"axis": axis, "include_initial": d.boolean()}


spec(np.cumsum, _cumsum, complex=True, linear=True)
spec((np.add, "accumulate"), _accumulate(), complex=True, linear=True)
spec(np.cumprod, _cumprod, complex=True)
spec((np.multiply, "accumulate"), _accumulate(zeros=True), complex=True)
spec(np.nancumsum, _nan_scan)
spec(np.nancumprod, _nan_scan)
spec(getattr(np, "cumulative_sum", None), _cumulative, complex=True, linear=True)
spec(getattr(np, "cumulative_prod", None), _cumulative, complex=True)


# ---- trace ----

def _trace(d):
    a = d.array(d.shape(min_dims=2))
    axis1, axis2 = d.choice([(0, 1), (1, 0), (-1, 0), (0, -1), (-2, -1), (-1, -2)])
    return (a, d.integers(-3, 3), axis1, axis2), {}


spec(np.trace, _trace, complex=True, linear=True)


# ---- sorting ----

def _sort(d):
    if d.boolean():
        return (d.array(domain="distinct"),), {"axis": None}
    a, axis = _scan(d, domain="distinct", none=False)
    return (a,), {"axis": axis}


def _partition(d):
    a, axis = _scan(d, domain="distinct", min_side=1)
    n = a.size if axis is None else a.shape[axis]
    kth = d.integers(-n, n - 1)
    if d.boolean():
        kth = (kth, d.integers(0, n - 1))
    return (a, kth), {"axis": axis}


def _one_axis_sort(d):
    return (d.array(d.shape(min_dims=1), domain="distinct"),), {}


spec(np.sort, _sort, order=1, complex=True)
spec(np.partition, _partition, order=1, complex=True)
spec(getattr(np, "msort", None), _one_axis_sort, order=1, complex=True)
spec(np.sort_complex, _one_axis_sort, order=1, complex=True)


def _bincount(d):
    n = d.integers(0, 6)
    x = np.array([d.integers(0, 4) for _ in range(n)], dtype=np.intp)
    return (x, d.array((n,))), {"minlength": d.integers(0, 6)}


spec(np.bincount, _bincount, linear=True, argnums=(1,), dtypes=(np.float64, np.float32))
