"""Reductions, statistics, scans and sorting.

sum/mean/prod, max/min/ptp, var/std, average, median/percentile/quantile,
the nan* family, cumsum/cumprod and their cumulative_* and nan* variants,
trace, sort/partition, and the ufunc methods ``reduce`` and ``accumulate``.
Order statistics (max, sort, median, ...) are piecewise linear: their VJP
routes ``g`` to the selected (or interpolated) elements through an
``argsort`` permutation computed on the values, which is a constant.
"""

import numpy as np

from .._registry import defvjp, deflinear
from .shape import scatter


# ---- axis helpers ----

def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axis = axis if isinstance(axis, tuple) else (axis,)
    return tuple(sorted(a % ndim for a in axis))


def unreduce(g, a, axis=None, keepdims=False):
    """``g`` with the reduced axes of ``a`` restored as size 1 (the engine broadcasts)."""
    shape = np.shape(a)
    if keepdims or not shape:
        return g
    axes = _axes(axis, len(shape))
    return np.reshape(g, tuple(1 if i in axes else n for i, n in enumerate(shape)))


def _count(a, axis):
    shape = np.shape(a)
    return int(np.prod([shape[i] for i in _axes(axis, len(shape))]))


def _to_last(a, axis):
    """``a`` with the reduced axes moved to the end and merged into one."""
    axes = _axes(axis, np.ndim(a))
    moved = np.moveaxis(a, axes, tuple(range(-len(axes), 0)))
    lead = np.shape(moved)[:np.ndim(moved) - len(axes)]
    return np.reshape(moved, lead + (_count(a, axis),))


def _from_last(x, a, axis):
    """The inverse of :func:`_to_last`: ``x`` shaped like ``a``."""
    axes = _axes(axis, np.ndim(a))
    shape = np.shape(a)
    moved = tuple(n for i, n in enumerate(shape) if i not in axes) + tuple(shape[i] for i in axes)
    return np.moveaxis(np.reshape(x, moved), tuple(range(-len(axes), 0)), axes)


def _reverse(x, axis):
    """``np.flip(x, axis)`` as a basic slice (a view, recorded as indexing)."""
    key = [slice(None)] * np.ndim(x)
    key[axis] = slice(None, None, -1)
    return x[tuple(key)]


def _revcumsum(x, axis=-1):
    return _reverse(np.cumsum(_reverse(x, axis), axis=axis), axis)


def _take_along(x, idx, axis):
    """``np.take_along_axis(x, idx, axis)`` written as indexing, which the engine records."""
    key = list(np.indices(np.shape(idx), sparse=True))
    key[axis] = idx
    return x[tuple(key)]


def _masked(g, where):
    return g if where is True else np.where(where, g, 0)


def _share(g, hit, axis):
    """``g`` split evenly over the True elements of ``hit`` along ``axis`` (ties share)."""
    return g / np.maximum(np.sum(hit, axis=axis, keepdims=True), 1) * hit


def _conj(x):
    return np.conj(x) if np.iscomplexobj(x) else x


# ---- sum, mean, prod ----

def _sum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False,
             initial=None, where=True):
    return _masked(unreduce(g, a, axis, keepdims), where)


def _mean_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, where=True):
    if where is not True:
        n = np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=True)
        return np.where(where, unreduce(g, a, axis, keepdims) / n, 0)
    return unreduce(g, a, axis, keepdims) / _count(a, axis)


deflinear(np.sum, _sum_vjp)
deflinear(np.mean, _mean_vjp)
deflinear((np.add, "reduce"), lambda g, ans, a, axis=0, dtype=None, out=None,
          keepdims=False, initial=None, where=True: _sum_vjp(
              g, ans, a, axis, keepdims=keepdims, where=where))


def _others_product(a, axis):
    """Product of all elements but one along ``axis``, exact when ``a`` has zeros."""
    x = _to_last(a, axis)
    ones = np.ones(np.shape(x)[:-1] + (1,), dtype=np.result_type(a))
    left = np.cumprod(np.concatenate([ones, x], axis=-1), axis=-1)[..., :-1]
    right = _reverse(np.cumprod(_reverse(np.concatenate([x, ones], axis=-1), -1),
                                axis=-1), -1)[..., 1:]
    return _from_last(left * right, a, axis)


def _prod_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False,
              initial=None, where=True):
    x = a if where is True else np.where(where, a, 1)
    if np.all(x != 0) and np.all(np.isfinite(ans) & (ans != 0)):
        # no zero (and no under/overflow): dividing is exact near x, to every order
        return _masked(unreduce(g * ans, a, axis, keepdims) / x, where)
    others = _others_product(x, axis)
    if initial is not None:
        others = others * initial
    return _masked(unreduce(g, a, axis, keepdims) * others, where)


defvjp(np.prod, _prod_vjp)
defvjp((np.multiply, "reduce"), lambda g, ans, a, axis=0, dtype=None, out=None,
       keepdims=False, initial=None, where=True: _prod_vjp(
           g, ans, a, axis, keepdims=keepdims, initial=initial, where=where))


# ---- max, min, ptp ----

def _extreme_vjp(g, ans, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    # Ties share the gradient equally (the mean of the subgradients); a result
    # that is ``initial`` (or nan in nanmax) selects no element.
    hit = a == unreduce(ans, a, axis, keepdims)
    if where is not True:
        hit = hit & where
    return _share(unreduce(g, a, axis, keepdims), hit, axis)


defvjp([np.max, np.min, np.amax, np.amin, np.nanmax, np.nanmin], _extreme_vjp)
for _u in (np.maximum, np.minimum):
    defvjp((_u, "reduce"), lambda g, ans, a, axis=0, dtype=None, out=None,
           keepdims=False, initial=None, where=True: _extreme_vjp(
               g, ans, a, axis, keepdims=keepdims, initial=initial, where=where))


def _ptp_vjp(g, ans, a, axis=None, out=None, keepdims=False):
    g = unreduce(g, a, axis, keepdims)
    return (_share(g, a == np.max(a, axis=axis, keepdims=True), axis)
            - _share(g, a == np.min(a, axis=axis, keepdims=True), axis))


defvjp(np.ptp, _ptp_vjp)


# ---- var, std, average ----

def _centred(a, axis, ddof, where, mean, correction):
    """``(a - mean, n - ddof)`` over the elements ``where`` selects (0 elsewhere)."""
    ddof = correction if correction is not None else ddof
    if mean is None:
        mean = np.mean(a, axis=axis, keepdims=True, where=where)
    if where is True:
        return a - mean, _count(a, axis) - ddof
    # an empty slice (all nan in nanvar) has the gradient 0, not 0 / 0
    n = np.maximum(np.sum(np.broadcast_to(where, np.shape(a)), axis=axis, keepdims=True), 1)
    return np.where(where, a - mean, 0), n - ddof


def _var_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False,
             where=True, mean=None, correction=None):
    centred, n = _centred(a, axis, ddof, where, mean, correction)
    return _masked(unreduce(g, a, axis, keepdims) * (2 / n) * _conj(centred), where)


def _std_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False,
             where=True, mean=None, correction=None):
    # At std == 0 every centred value is 0 too: the subgradient 0 (as for abs).
    centred, n = _centred(a, axis, ddof, where, mean, correction)
    scale = unreduce(g / np.where(ans == 0, 1, ans), a, axis, keepdims) / n
    return _masked(scale * _conj(centred), where)


defvjp(np.var, _var_vjp)
defvjp(np.std, _std_vjp)


def _weights_like(weights, a, axis):
    """``weights`` broadcastable against ``a`` (NumPy accepts the shape of ``a``'s axes)."""
    if np.shape(weights) == np.shape(a):
        return weights
    axes = tuple(ax % np.ndim(a) for ax in (axis if isinstance(axis, tuple) else (axis,)))
    return np.reshape(np.transpose(weights, np.argsort(axes)),
                      tuple(n if i in axes else 1 for i, n in enumerate(np.shape(a))))


def _average_a(g, ans, a, axis=None, weights=None, returned=False, *, keepdims=False):
    g = g[0] if returned else g
    if weights is None:
        return _mean_vjp(g, None, a, axis, keepdims=keepdims)
    w = _weights_like(weights, a, axis)
    return unreduce(g, a, axis, keepdims) * w / np.sum(w, axis=axis, keepdims=True)


def _average_weights(g, ans, a, axis=None, weights=None, returned=False, *, keepdims=False):
    (g, g_scl), (avg, _) = (g, ans) if returned else ((g, None), (ans, None))
    w = _weights_like(weights, a, axis)
    gw = (unreduce(g, a, axis, keepdims) * (a - unreduce(avg, a, axis, keepdims))
          / np.sum(w, axis=axis, keepdims=True))
    if returned:
        gw = gw + unreduce(g_scl, a, axis, keepdims)
    if np.shape(weights) == np.shape(a):
        return gw
    # weights hold only the reduced axes: sum the others, undo _weights_like's transpose
    axes = tuple(ax % np.ndim(a) for ax in (axis if isinstance(axis, tuple) else (axis,)))
    others = tuple(i for i in range(np.ndim(a)) if i not in axes)
    gw = np.sum(gw, axis=others)
    return np.transpose(gw, np.argsort(np.argsort(axes)))


defvjp(np.average, _average_a, None, _average_weights)


# ---- nan-ignoring reductions: the gradient is 0 at nans ----

def _valid(a, where):
    valid = ~np.isnan(a)
    return valid if where is True else valid & where


def _nansum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False,
                initial=None, where=True):
    return np.where(_valid(a, where), unreduce(g, a, axis, keepdims), 0)


def _nanmean_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False, where=True):
    valid = _valid(a, where)
    n = np.maximum(np.sum(valid, axis=axis, keepdims=True), 1)
    return np.where(valid, unreduce(g, a, axis, keepdims) / n, 0)


def _nanprod_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False,
                 initial=None, where=True):
    valid = _valid(a, where)
    return _prod_vjp(g, ans, np.where(valid, a, 1), axis, keepdims=keepdims,
                     initial=initial, where=valid)


def _nanvar_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False,
                where=True, mean=None, correction=None):
    return _var_vjp(g, ans, a, axis, ddof=ddof, keepdims=keepdims, where=_valid(a, where),
                    mean=mean, correction=correction)


def _nanstd_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False,
                where=True, mean=None, correction=None):
    return _std_vjp(g, ans, a, axis, ddof=ddof, keepdims=keepdims, where=_valid(a, where),
                    mean=mean, correction=correction)


# not tagged linear: at a nan the function ignores its input, so the JVP is not nansum(t)
defvjp(np.nansum, _nansum_vjp)
defvjp(np.nanmean, _nanmean_vjp)
defvjp(np.nanprod, _nanprod_vjp)
defvjp(np.nanvar, _nanvar_vjp)
defvjp(np.nanstd, _nanstd_vjp)


# ---- median, percentile, quantile ----

_CONTINUOUS = {
    "linear": (1, 1), "interpolated_inverted_cdf": (0, 1), "hazen": (0.5, 0.5),
    "weibull": (0, 0), "median_unbiased": (1 / 3, 1 / 3), "normal_unbiased": (3 / 8, 3 / 8),
}
"""(alpha, beta) of the continuous methods: virtual index n q + alpha + q (1 - alpha - beta) - 1.

The other methods are piecewise constant in q.
"""


def _order_stats(func, a, q, axis, method, weights, kwargs):
    """Where the quantile sits in each slice of ``a``.

    Returns ``x`` (``a`` with the reduced axes merged last), the keys of the
    lower and upper order statistics in ``x`` and the weight ``t`` of the
    upper one (the result is ``(1 - t) x[lo] + t x[hi]``; shapes ``q.shape +
    lead``), and ``m``, the non-nan count per slice.  The virtual index comes
    from NumPy itself: the same quantile of the sorted positions ``0 .. m-1``
    is ``lo + t``, for every method.
    """
    x = _to_last(a, axis)
    perm = np.argsort(x, axis=-1)
    lead, n = np.shape(x)[:-1], np.shape(x)[-1]
    pos = np.arange(n, dtype=float)
    m = n
    if func is np.nanquantile or func is np.nanpercentile:
        # nans sort last; an all-nan slice gets ordinary positions (its gradient is 0)
        m = np.sum(~np.isnan(x), axis=-1)
        mk = np.reshape(m, lead + (1,))
        pos = np.where((pos < mk) | (mk == 0), pos, np.nan)
    if weights is not None:
        w = np.broadcast_to(_weights_like(weights, a, axis), np.shape(a))
        kwargs = dict(kwargs, weights=np.take_along_axis(_to_last(w, axis), perm, axis=-1))
        pos = np.broadcast_to(pos, np.shape(x))
    v = func(pos, q, axis=-1, method=method, **kwargs)
    if np.ndim(pos) == 1:
        v = np.reshape(v, np.shape(q) + (1,) * len(lead))
    lo = np.floor(v)
    hi = np.minimum(lo + 1, np.maximum(m, 1) - 1)
    grid = tuple(np.indices(lead, sparse=True))
    lo_key = grid + (perm[grid + (lo.astype(np.intp),)],)
    hi_key = grid + (perm[grid + (hi.astype(np.intp),)],)
    return x, lo_key, hi_key, v - lo, m


# NumPy (2.4 at least) lays out nanquantile/nanpercentile wrongly for a q of
# 2 or more dims and a tuple of axes other than one axis or all of them: the q
# axes are rotated (numpy.lib._nanfunctions_impl moves axes "axis + i" with
# axis == -1).
_NANQUANTILE_ROTATES_Q = np.nanquantile(np.zeros((1, 1, 1)), np.zeros((2, 1)),
                                        axis=(1, 2)).shape == (1, 1, 2)


def _documented_layout(g, func, a, q, axis, weights):
    """``g`` (shaped like the result) as ``q.shape + kept axes``, as NumPy documents it."""
    nq, axes = np.ndim(q), _axes(axis, np.ndim(a))
    kept = tuple(n for i, n in enumerate(np.shape(a)) if i not in axes)
    if not (_NANQUANTILE_ROTATES_Q and func in (np.nanquantile, np.nanpercentile)
            and weights is None and isinstance(axis, tuple) and nq >= 2
            and len(axes) != 1 and kept):
        return np.reshape(g, np.shape(q) + kept)
    # undo NumPy's moveaxis(r, [-1, 0, ..., nq - 2], range(nq)) of r = kept + q axes
    rotated = (-1,) + tuple(range(nq - 1))
    r_shape = kept + np.shape(q)
    shape = np.shape(np.moveaxis(np.broadcast_to(False, r_shape), rotated, range(nq)))
    r = np.moveaxis(np.reshape(g, shape), range(nq), rotated)
    return np.moveaxis(r, range(len(kept), len(kept) + nq), range(nq))


def _quantile_a(g, ans, a, q, axis=None, out=None, overwrite_input=False,
                method="linear", keepdims=False, *, weights=None, _func=np.quantile,
                **kwargs):
    method = kwargs.pop("interpolation", None) or method   # the deprecated name
    x, lo_key, hi_key, t, m = _order_stats(_func, a, q, axis, method, weights, kwargs)
    g = _documented_layout(g, _func, a, q, axis, weights) * (m > 0)
    # several q may pick the same element: scatter adds
    lower, upper = g * (1 - t), g * t
    gx = (scatter(lower, lo_key, np.shape(x), lower.dtype)
          + scatter(upper, hi_key, np.shape(x), upper.dtype))
    return _from_last(gx, a, axis)


def _quantile_q(g, ans, a, q, axis=None, out=None, overwrite_input=False,
                method="linear", keepdims=False, *, weights=None, _func=np.quantile,
                **kwargs):
    method = kwargs.pop("interpolation", None) or method
    if method not in _CONTINUOUS or weights is not None:
        return np.zeros(np.shape(q))
    x, lo_key, hi_key, t, m = _order_stats(_func, a, q, axis, method, weights, kwargs)
    alpha, beta = _CONTINUOUS[method]
    scale = 100 if _func in (np.percentile, np.nanpercentile) else 1
    qb = np.reshape(q, np.shape(q) + (1,) * (np.ndim(x) - 1)) / scale
    # d(virtual index)/dq, 0 where NumPy clips the index to [0, m - 1]
    raw = m * qb + alpha + qb * (1 - alpha - beta) - 1
    dv = np.where((raw >= 0) & (raw <= m - 1), m + 1 - alpha - beta, 0) / scale
    g = _documented_layout(g, _func, a, q, axis, weights)
    gap = np.where(m > 0, x[hi_key] - x[lo_key], 0)
    return np.sum(g * gap * dv, axis=tuple(range(np.ndim(q), np.ndim(g))))


def _quantile_rules(func):
    def rule_a(g, ans, a, q, *args, **kwargs):
        return _quantile_a(g, ans, a, q, *args, _func=func, **kwargs)

    def rule_q(g, ans, a, q, *args, **kwargs):
        return _quantile_q(g, ans, a, q, *args, _func=func, **kwargs)
    return rule_a, rule_q


for _f in (np.quantile, np.percentile, np.nanquantile, np.nanpercentile):
    defvjp(_f, *_quantile_rules(_f))
defvjp(np.median, lambda g, ans, a, axis=None, out=None, overwrite_input=False,
       keepdims=False: _quantile_a(g, ans, a, 0.5, axis, keepdims=keepdims))
defvjp(np.nanmedian, lambda g, ans, a, axis=None, out=None, overwrite_input=False,
       keepdims=False: _quantile_a(g, ans, a, 0.5, axis, keepdims=keepdims,
                                   _func=np.nanquantile))


# ---- scans ----

def _cumsum_vjp(g, ans, a, axis=None, dtype=None, out=None):
    if axis is None:
        return np.reshape(_revcumsum(g), np.shape(a))
    return _revcumsum(g, axis)


deflinear(np.cumsum, _cumsum_vjp)
deflinear((np.add, "accumulate"), lambda g, ans, a, axis=0, dtype=None, out=None:
          _cumsum_vjp(g, ans, a, axis))


def _cumprod_vjp(g, ans, a, axis=None, dtype=None, out=None):
    """Exact with zeros, also in higher orders (the gradient is itself differentiated).

    The formula is chosen on the values so that it holds in a neighbourhood
    of ``a``: division only by nonzero entries.
    """
    ax = -1 if axis is None else axis
    x = np.moveaxis(np.ravel(a) if axis is None else a, ax, -1)
    gm = np.moveaxis(g, ax, -1)
    zero = x == 0
    zeros = np.sum(zero, axis=-1)
    if not np.any(zeros):
        gx = _revcumsum(gm * np.moveaxis(ans, ax, -1)) / x
    elif np.any(zeros > 1):
        gx = _cumprod_vjp_scan(gm, x)
    else:
        # With one zero per slice, dividing by the nonzero x stays valid near
        # x; the zero itself gets the cumprod with that entry taken as 1.
        regular = _revcumsum(gm * np.moveaxis(ans, ax, -1)) / np.where(zero, 1, x)
        at_zero = _revcumsum(gm * np.cumprod(np.where(zero, 1, x), axis=-1))
        gx = np.where(zero, at_zero, regular)
    gx = np.moveaxis(gx, -1, ax)
    return np.reshape(gx, np.shape(a)) if axis is None else gx


def _cumprod_vjp_scan(g, x):
    """``sum_{j>=i} g_j prod_{k<=j, k!=i} x_k`` along the last axis, without division.

    It is ``prod_{k<i} x_k`` times ``s_i = g_i + x_{i+1} s_{i+1}``, a linear
    recurrence solved by a log-depth (Hillis-Steele) scan: O(n log n), used
    only when a slice holds several zeros, where division is no longer exact.
    """
    shape = np.shape(x)
    before = np.cumprod(np.concatenate([np.ones(shape[:-1] + (1,)), x[..., :-1]], axis=-1),
                        axis=-1)
    coef = _reverse(np.concatenate([x[..., 1:], np.zeros(shape[:-1] + (1,))], axis=-1), -1)
    acc = _reverse(g, -1)
    d = 1
    while d < shape[-1]:
        acc = acc + coef * np.concatenate([np.zeros(shape[:-1] + (d,)), acc[..., :-d]], -1)
        coef = coef * np.concatenate([np.ones(shape[:-1] + (d,)), coef[..., :-d]], -1)
        d *= 2
    return before * _reverse(acc, -1)


defvjp(np.cumprod, _cumprod_vjp)
defvjp((np.multiply, "accumulate"), lambda g, ans, a, axis=0, dtype=None, out=None:
       _cumprod_vjp(g, ans, a, axis))


def _nancumsum_vjp(g, ans, a, axis=None, dtype=None, out=None):
    return np.where(np.isnan(a), 0, _cumsum_vjp(g, ans, a, axis))


def _nancumprod_vjp(g, ans, a, axis=None, dtype=None, out=None):
    nan = np.isnan(a)
    return np.where(nan, 0, _cumprod_vjp(g, ans, np.where(nan, 1, a), axis))


defvjp(np.nancumsum, _nancumsum_vjp)
defvjp(np.nancumprod, _nancumprod_vjp)


def _without_initial(g, axis, include_initial):
    """The part of a cumulative_* result (or its cotangent) after the leading initial value."""
    if not include_initial:
        return g
    key = [slice(None)] * np.ndim(g)
    key[0 if axis is None else axis] = slice(1, None)
    return g[tuple(key)]


def _cumulative_sum_vjp(g, ans, x, *, axis=None, dtype=None, out=None,
                        include_initial=False):
    # axis=None is allowed for 0-d and 1-d x only; the result is 1-d
    g = _without_initial(g, axis, include_initial)
    return np.reshape(_revcumsum(g, 0 if axis is None else axis), np.shape(x))


def _cumulative_prod_vjp(g, ans, x, *, axis=None, dtype=None, out=None,
                         include_initial=False):
    g = _without_initial(g, axis, include_initial)
    ans = _without_initial(ans, axis, include_initial)
    if axis is not None:
        return _cumprod_vjp(g, ans, x, axis)
    return np.reshape(_cumprod_vjp(g, ans, np.reshape(x, np.shape(g)), 0), np.shape(x))


deflinear(getattr(np, "cumulative_sum", None), _cumulative_sum_vjp)
defvjp(getattr(np, "cumulative_prod", None), _cumulative_prod_vjp)


# ---- trace ----

def _trace_vjp(g, ans, a, offset=0, axis1=0, axis2=1, dtype=None, out=None):
    ax1, ax2 = axis1 % np.ndim(a), axis2 % np.ndim(a)
    diag = np.eye(np.shape(a)[ax1], np.shape(a)[ax2], k=offset, dtype=bool)
    return np.moveaxis(np.reshape(g, np.shape(g) + (1, 1)) * diag, (-2, -1), (ax1, ax2))


deflinear(np.trace, _trace_vjp)


# ---- sorting ----

def _permutation_vjp(g, a, ans, axis, partition=False):
    """``g`` routed back through the permutation that took ``a`` to ``ans``.

    ``g`` is put in sorted order (already so for a sort; a partition is
    ordered by ``argsort(ans)``) and scattered to ``argsort(a)``.  The indices
    never repeat, but scatter's ``np.add.at`` is still several times cheaper
    than inverting the permutation with a second argsort.  Ties get distinct
    places, a valid subgradient.  Not tagged linear: the JVP permutes the
    tangent by the order of ``a``, not by its own.
    """
    ax = -1 if axis is None else axis
    if partition:
        g = _take_along(g, np.argsort(ans, axis=ax), ax)
    order = np.argsort(a, axis=axis)
    key = list(np.indices(np.shape(order), sparse=True))
    key[ax] = order
    return np.reshape(scatter(g, tuple(key), np.shape(order), g.dtype), np.shape(a))


defvjp(np.sort, lambda g, ans, a, axis=-1, kind=None, order=None, *, stable=None:
       _permutation_vjp(g, a, ans, axis))
defvjp(np.partition, lambda g, ans, a, kth, axis=-1, kind="introselect", order=None:
       _permutation_vjp(g, a, ans, axis, partition=True), None)
defvjp(getattr(np, "msort", None), lambda g, ans, a: _permutation_vjp(g, a, ans, 0))
# sort_complex: the same permutation; for real a the engine drops the imaginary part
defvjp(np.sort_complex, lambda g, ans, a: _permutation_vjp(g, a, ans, -1))

# bincount sums the weights into bins: the weights' gradient is g read back at
# each element's bin (x is an integer index array, never differentiable).
deflinear(np.bincount, None, lambda g, ans, x, weights=None, minlength=0: g[x])
