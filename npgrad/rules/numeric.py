"""Numerical routines: differences, quadrature, interpolation, polynomials, statistics, grids.

Most of these are linear in their array arguments (``diff``, ``gradient``,
``trapezoid`` in ``y``, ``convolve``, ``linspace``, ``meshgrid``, the
polynomial arithmetic), so their VJPs are transposes.  Transposes that
scatter or pad are built from ``np.concatenate`` with zeros and from
:func:`npgrad.rules.shape.scatter`, so every rule stays differentiable.

Declared limits: ``np.gradient`` and ``np.polyfit`` differentiate in their
array data and in the sample positions (spacing, ``x``, ``w``); the
``x``/``w`` gradients of ``np.polyfit`` assume a full-rank fit, and its
singular values and ``cov`` matrix are not differentiated (the rule raises
if they carry a cotangent).  ``np.interp``
is piecewise linear in ``x`` and ``xp``: its gradient is exact between
knots, and at a knot it takes the segment to the right (NumPy's choice of
segment).  ``np.roots`` assumes simple roots (the derivative is infinite at
a multiple root).  ``np.histogram`` is a constant (``rules/nondiff.py``).
"""

import numpy as np

from .._registry import defvjp, deflinear, defvjp_all
from ..errors import NotDifferentiableError
from .shape import scatter


def _zeros_along(v, axis, n):
    """Zeros shaped like ``v`` but of length ``n`` along ``axis``."""
    shape = list(np.shape(v))
    shape[axis] = n
    return np.zeros(shape, dtype=np.result_type(v))


def _pad(v, axis, before=0, after=0):
    """``v`` with ``before``/``after`` zeros along ``axis`` (a scatter into zeros)."""
    parts = [v]
    if before:
        parts.insert(0, _zeros_along(v, axis, before))
    if after:
        parts.append(_zeros_along(v, axis, after))
    return np.concatenate(parts, axis=axis) if len(parts) > 1 else v


def _slice(v, axis, start, stop=None):
    return v[(slice(None),) * (axis % np.ndim(v)) + (slice(start, stop),)]


def _diff_transpose(g, axis):
    """Transpose of one ``np.diff`` along ``axis``: length m - 1 back to m."""
    return -np.diff(g, axis=axis, prepend=0, append=0)


# ---- diff, ediff1d: differences of a concatenation ----
def _diff_parts(g, a, n, axis, prepend, append):
    """The cotangent of ``concatenate([prepend, a, append])`` and where ``a`` starts in it."""
    axis = axis % np.ndim(a)
    for _ in range(n):
        g = _diff_transpose(g, axis)
    before = 0 if prepend is None else 1 if np.ndim(prepend) == 0 else np.shape(prepend)[axis]
    return g, axis, before


def _diff_a(g, ans, a, n=1, axis=-1, prepend=None, append=None):
    if n == 0:
        return g
    g, axis, before = _diff_parts(g, a, n, axis, prepend, append)
    return _slice(g, axis, before, before + np.shape(a)[axis])


def _diff_prepend(g, ans, a, n=1, axis=-1, prepend=None, append=None):
    if n == 0:
        return None
    g, axis, before = _diff_parts(g, a, n, axis, prepend, append)
    return _slice(g, axis, 0, before)


def _diff_append(g, ans, a, n=1, axis=-1, prepend=None, append=None):
    if n == 0:
        return None
    g, axis, before = _diff_parts(g, a, n, axis, prepend, append)
    return _slice(g, axis, before + np.shape(a)[axis])


deflinear(np.diff, _diff_a, None, None, _diff_prepend, _diff_append)


def _ediff1d_ary(g, ans, ary, to_end=None, to_begin=None):
    if np.size(ary) == 0:
        return np.zeros(np.shape(ary))
    start = 0 if to_begin is None else np.size(to_begin)
    inner = g[start:start + np.size(ary) - 1]
    return np.reshape(_diff_transpose(inner, 0), np.shape(ary))


deflinear(np.ediff1d, _ediff1d_ary,
          lambda g, ans, ary, to_end=None, to_begin=None:
          np.reshape(g[np.shape(g)[0] - np.size(to_end):], np.shape(to_end)),
          lambda g, ans, ary, to_end=None, to_begin=None:
          np.reshape(g[:np.size(to_begin)], np.shape(to_begin)))


# ---- gradient: a three-point stencil along each axis ----
def _gradient_axes(f, axis):
    nd = np.ndim(f)
    if axis is None:
        return list(range(nd))
    return [ax % nd for ax in (axis if isinstance(axis, (tuple, list)) else (axis,))]


def _gradient_spacings(f, varargs, axes):
    """Per axis, the n - 1 sample distances (scalar spacings broadcast)."""
    if not varargs:
        varargs = (1.0,)
    if len(varargs) == 1 and np.ndim(varargs[0]) == 0:
        varargs = varargs * len(axes)
    return [h * np.ones(np.shape(f)[ax] - 1) if np.ndim(h) == 0 else np.diff(h)
            for h, ax in zip(varargs, axes)]


def _gradient_stencil(dx, edge_order):
    """Coefficients of f[i-1], f[i], f[i+1] in out[i], and of f[2] in out[0], f[-3] in out[-1]."""
    d1, d2 = dx[:-1], dx[1:]
    lo = -d2 / (d1 * (d1 + d2))
    mid = (d2 - d1) / (d1 * d2)
    hi = d1 / (d2 * (d1 + d2))
    if edge_order == 1:
        first = (-1 / dx[:1], 1 / dx[:1], 0.0)
        last = (0.0, -1 / dx[-1:], 1 / dx[-1:])
    else:
        a, b = dx[:1], dx[1:2]
        first = (-(2 * a + b) / (a * (a + b)), (a + b) / (a * b), -a / (b * (a + b)))
        a, b = dx[-2:-1], dx[-1:]
        last = (b / (a * (a + b)), -(a + b) / (a * b), (2 * b + a) / (b * (a + b)))
    lo = np.concatenate([[0.0], lo, last[1]])
    mid = np.concatenate([first[0], mid, last[2]])
    hi = np.concatenate([first[1], hi, [0.0]])
    return lo, mid, hi, first[2], last[0]


def _gradient_f(g, ans, f, *varargs, axis=None, edge_order=1):
    axes = _gradient_axes(f, axis)
    gs = g if isinstance(g, tuple) else (g,)
    total = 0
    for gk, ax, dx in zip(gs, axes, _gradient_spacings(f, varargs, axes)):
        lo, mid, hi, e0, e1 = _gradient_stencil(dx, edge_order)
        gm = np.moveaxis(gk, ax, -1)
        n = np.shape(gm)[-1]
        # out[i] = lo[i] f[i-1] + mid[i] f[i] + hi[i] f[i+1], transposed:
        t = mid * gm + _pad(_slice(hi * gm, -1, 0, -1), -1, before=1) \
            + _pad(_slice(lo * gm, -1, 1), -1, after=1)
        if edge_order == 2:
            t = t + _pad(e0 * gm[..., :1], -1, 2, n - 3) + _pad(e1 * gm[..., -1:], -1, n - 3, 2)
        total = total + np.moveaxis(t, -1, ax)
    return total


def _gradient_dx(gm, fm, dx, edge_order):
    """Cotangent of the distances ``dx`` along the last axis (the other axes not summed)."""
    s = np.diff(fm, axis=-1) / dx
    s1, s2, d1, d2 = s[..., :-1], s[..., 1:], dx[:-1], dx[1:]
    D = d1 + d2
    # interior: out = (d1 s2 + d2 s1) / D with s1 = df1 / d1, s2 = df2 / d2
    out = (d1 * s2 + d2 * s1) / D
    gi = gm[..., 1:-1]
    gdx = _pad(gi * (s2 - d2 * s1 / d1 - out) / D, -1, after=1) \
        + _pad(gi * (s1 - d1 * s2 / d2 - out) / D, -1, before=1)
    n = np.shape(gm)[-1]
    g0, g1 = gm[..., :1], gm[..., -1:]
    if edge_order == 1:
        # out[0] = s[0], out[-1] = s[-1]
        return gdx + _pad(-g0 * s[..., :1] / dx[:1], -1, after=n - 2) \
            + _pad(-g1 * s[..., -1:] / dx[-1:], -1, before=n - 2)
    # out[0] = s1 - d1 (s2 - s1) / D; out[-1] = s2 + d2 (s2 - s1) / D (quadratic fits)
    s1, s2, d1, d2 = s[..., :1], s[..., 1:2], dx[:1], dx[1:2]
    D = d1 + d2
    start = np.concatenate([-s1 * (2 * d1 + d2) / (d1 * D) + (s1 - s2) * d2 / D ** 2,
                            d1 * (s2 - s1) / D ** 2 + d1 * s2 / (d2 * D)], axis=-1)
    s1, s2, d1, d2 = s[..., -2:-1], s[..., -1:], dx[-2:-1], dx[-1:]
    D = d1 + d2
    end = np.concatenate([d2 * (s1 - s2) / D ** 2 + s1 * d2 / (d1 * D),
                          -s2 * (d1 + 2 * d2) / (d2 * D) + (s2 - s1) * d1 / D ** 2], axis=-1)
    return gdx + _pad(g0 * start, -1, after=n - 3) + _pad(g1 * end, -1, before=n - 3)


def _gradient_spacing(i):
    """The rule for ``varargs[i]``: a scalar spacing or the coordinates along one axis."""
    def rule(g, ans, f, *varargs, axis=None, edge_order=1):
        axes = _gradient_axes(f, axis)
        gs = g if isinstance(g, tuple) else (g,)
        spacings = _gradient_spacings(f, varargs, axes)
        shared = len(varargs) == 1 and len(axes) > 1
        total = 0
        for k in (range(len(axes)) if shared else (i,)):
            gdx = _gradient_dx(np.moveaxis(gs[k], axes[k], -1),
                               np.moveaxis(f, axes[k], -1), spacings[k], edge_order)
            if np.ndim(varargs[i]) == 0:
                total = total + np.sum(gdx)
            else:
                total = _diff_transpose(gdx, -1)
        return total
    return rule


# np.gradient(f, *varargs): one rule per spacing position (NPY_MAXDIMS of them).
defvjp(np.gradient, _gradient_f, *(_gradient_spacing(i) for i in range(64)))


# ---- trapezoid ----
def _trapezoid_widths(y, x, dx, axis):
    """The interval widths, broadcastable against ``y``, and ``axis`` counted from the end."""
    nd = np.ndim(y)
    axis = axis % nd - nd
    if x is None:
        d = dx * np.ones((np.shape(y)[axis] - 1,) + (1,) * (-axis - 1))
    elif np.ndim(x) == 1:
        d = np.reshape(np.diff(x), (-1,) + (1,) * (-axis - 1))
    else:
        d = np.diff(x, axis=axis)
    return d, axis


def _trapezoid_y(g, ans, y, x=None, dx=1.0, axis=-1):
    d, axis = _trapezoid_widths(y, x, dx, axis)
    return np.expand_dims(g, axis) * (_pad(d, axis, before=1) + _pad(d, axis, after=1)) / 2


def _midpoints(y, axis):
    y = np.moveaxis(y, axis, -1)      # (also makes an array of a list)
    return np.moveaxis((y[..., 1:] + y[..., :-1]) / 2, -1, axis)


def _trapezoid_x(g, ans, y, x=None, dx=1.0, axis=-1):
    axis = axis % np.ndim(y) - np.ndim(y)
    gx = _diff_transpose(np.expand_dims(g, axis) * _midpoints(y, axis), axis)
    # a 1-D x holds the positions along `axis` for every other index of y
    return np.moveaxis(gx, axis, -1) if np.ndim(x) == 1 else gx


def _trapezoid_dx(g, ans, y, x=None, dx=1.0, axis=-1):
    if x is not None:
        return None
    return g * np.sum(_midpoints(y, axis), axis=axis)


# bilinear in y and (x or dx), so not declared linear
defvjp([getattr(np, "trapezoid", None), getattr(np, "trapz", None)],
       _trapezoid_y, _trapezoid_x, _trapezoid_dx)


# ---- interp: piecewise linear in x, fp and xp ----
def _modulo(v, period):
    # v % period as differentiable ops (floor is a constant); v may be a list
    return np.subtract(v, period * np.floor(np.divide(v, period)))


def _interp_segments(x, xp, period):
    """Per query point: the fp indices of its segment's two knots, its position t
    along the segment, the segment's width, and whether it lies within the knots."""
    src = np.arange(np.shape(xp)[0])
    if period is not None:
        # NumPy's periodic interp: knots sorted modulo the period, one more at each end
        period = abs(period)
        xp = _modulo(xp, period)
        x = _modulo(x, period)
        order = np.argsort(xp)
        src = np.concatenate([order[-1:], order, order[:1]])
        xp = np.concatenate([xp[order[-1:]] - period, xp[order], xp[order[:1]] + period])
        inside = np.ones(np.shape(x), bool)
    else:
        inside = np.greater_equal(x, xp[0]) & np.less_equal(x, xp[-1])
    k = np.shape(xp)[0]
    if k == 1:
        first = np.zeros(np.shape(x), int)
        return src[first], src[first], np.zeros(np.shape(x)), 1.0, inside
    # np.take, not xp[j]: xp and fp are often lists
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, k - 2)
    h = np.take(xp, j + 1) - np.take(xp, j)
    return src[j], src[j + 1], np.subtract(x, np.take(xp, j)) / h, h, inside


def _interp_slope(g, x, xp, fp, period):
    i0, i1, t, h, inside = _interp_segments(x, xp, period)
    return g * (np.take(fp, i1) - np.take(fp, i0)) / h * inside, i0, i1, t


def _interp_x(g, ans, x, xp, fp, left=None, right=None, period=None):
    return _interp_slope(g, x, xp, fp, period)[0]


def _interp_xp(g, ans, x, xp, fp, left=None, right=None, period=None):
    # moving the segment's left (right) knot moves the value by slope * (t - 1) (-slope * t)
    gs, i0, i1, t = _interp_slope(g, x, xp, fp, period)
    n = (np.shape(xp)[0],)
    return scatter(gs * (t - 1), (i0,), n, gs.dtype) - scatter(gs * t, (i1,), n, gs.dtype)


def _interp_fp(g, ans, x, xp, fp, left=None, right=None, period=None):
    i0, i1, t, _, _ = _interp_segments(x, xp, period)
    # outside the knots the value is fp[0] / fp[-1] (t clipped) unless left / right replace it
    if period is None and left is not None:
        g = g * np.greater_equal(x, xp[0])
    if period is None and right is not None:
        g = g * np.less_equal(x, xp[-1])
    t = np.clip(t, 0, 1)
    n = (np.shape(fp)[0],)
    dtype = np.result_type(g, t)
    return scatter(g * (1 - t), (i0,), n, dtype) + scatter(g * t, (i1,), n, dtype)


def _interp_left(g, ans, x, xp, fp, left=None, right=None, period=None):
    return None if period is not None else g * np.less(x, xp[0])


def _interp_right(g, ans, x, xp, fp, left=None, right=None, period=None):
    return None if period is not None else g * np.greater(x, xp[-1])


# period: not differentiated (the None also makes a traced period raise at the call)
defvjp(np.interp, _interp_x, _interp_xp, _interp_fp, _interp_left, _interp_right, None)


# ---- polynomials (coefficients highest power first) ----
def _polyval_p(g, ans, p, x):
    n = np.shape(p)[0]
    if n == 0:
        return None
    terms = [g]
    for _ in range(n - 1):
        terms.append(terms[-1] * x)
    gp = np.stack(terms[::-1])
    # p[k] broadcasts against x: sum the axes x adds in front of p[k]
    extra = np.ndim(gp) - np.ndim(p)
    return np.sum(gp, axis=tuple(range(1, 1 + extra))) if extra > 0 else gp


def _polyder_coefficients(p):
    n = np.shape(p)[0]
    return p[:-1] * np.reshape(np.arange(n - 1, 0, -1), (-1,) + (1,) * (np.ndim(p) - 1))


defvjp(np.polyval, _polyval_p,
       lambda g, ans, p, x: g * np.polyval(_polyder_coefficients(p), x))


def _polyder_p(g, ans, p, m=1):
    # the steps map k coefficients to k - 1 (y[i] = p[i] (k - 1 - i)), k = n, n - 1, ...;
    # transposed last step first
    n = np.shape(p)[0]
    for k in range(max(n - m, 0) + 1, n + 1):
        g = _pad(g * np.arange(k - 1, 0, -1), 0, after=1)
    return g


def _polyint_steps(g, p, m):
    """Cotangents of p and of the constants k[0..m-1] through m integration steps."""
    n = np.size(p)
    gk = []
    for i in reversed(range(m)):
        gk.append(g[-1])
        g = g[:-1] / np.arange(n + i, 0, -1)
    return g, gk[::-1]


def _polyint_p(g, ans, p, m=1, k=None):
    return np.reshape(_polyint_steps(g, p, m)[0], np.shape(p)) if m else g


def _polyint_k(g, ans, p, m=1, k=None):
    if m == 0:
        return None
    # a scalar k is used for every step; extra entries of k are unused
    gk = np.stack(_polyint_steps(g, p, m)[1])
    return _pad(gk, 0, after=max(np.size(k) - m, 0)) if np.size(k) > 1 else gk


deflinear(np.polyder, _polyder_p)
deflinear(np.polyint, _polyint_p, None, _polyint_k)


def _tail(g, a):
    """The last ``len(a)`` entries of ``g`` (polyadd aligns coefficients at the end)."""
    n = max(np.size(a), 1)
    return np.reshape(g[np.shape(g)[0] - n:], np.shape(a))


deflinear(np.polyadd, lambda g, ans, a1, a2: _tail(g, a1), lambda g, ans, a1, a2: _tail(g, a2))
deflinear(np.polysub, lambda g, ans, a1, a2: _tail(g, a1), lambda g, ans, a1, a2: -_tail(g, a2))
defvjp(np.polymul,
       lambda g, ans, a1, a2: np.reshape(
           np.convolve(g, np.ravel(a2)[::-1], "valid"), np.shape(a1)),
       lambda g, ans, a1, a2: np.reshape(
           np.convolve(g, np.ravel(a1)[::-1], "valid"), np.shape(a2)))


def _roots_p(g, ans, p):
    n = np.shape(p)[0]
    # a simple root r moves by -dp(r) / p'(r) when p moves by dp
    return -np.matmul(g / np.polyval(_polyder_coefficients(p), ans), np.vander(ans, n))


defvjp(np.roots, _roots_p)


def _polyfit_cotangents(g, ans, full, cov):
    """The coefficients, their cotangent, and the residuals' cotangent (None if absent)."""
    if not (full or cov):
        return ans, g, None
    if any(np.any(gi != 0) for gi in g[2 if full else 1:]):
        raise NotDifferentiableError(
            "np.polyfit: npgrad differentiates the coefficients and residuals only, "
            "not rank, singular values or cov; wrap those in npgrad.stop_gradient(...).")
    return ans[0], g[0], (g[1] if full and np.size(g[1]) else None)


def _polyfit_vjp(g, ans, x, y, deg, rcond, full, w, cov):
    """Cotangents of np.polyfit's weighted matrix A = w V(x) and right-hand side b = w y.

    c = A⁺b with A of full column rank: dc = A⁺(db - dA c) + (AᴴA)⁻¹ dAᴴ r with
    r = b - A c, and the residuals |r|² move by 2 Re(rᴴ (db - dA c)).
    """
    c, gc, gres = _polyfit_cotangents(g, ans, full, cov)
    v = np.vander(x, deg + 1)
    a, b = v, y
    if w is not None:
        wc = np.reshape(w, (-1, 1))
        a, b = wc * v, (wc * y if np.ndim(y) == 2 else np.multiply(w, y))
    if rcond is None:
        rcond = np.shape(x)[0] * np.finfo(np.result_type(v, 0.0)).eps
    # NumPy solves with unit-norm columns; the pseudo-inverse is scaled back
    scale = np.sqrt(np.sum(np.real(a * np.conj(a)), axis=0))
    pinv = np.linalg.pinv(a / scale, rcond) / scale[:, None]
    vector = np.ndim(y) == 1
    if vector:
        c, gc, b = c[:, None], gc[:, None], b[:, None]
    r = b - a @ c
    gb = pinv.T @ gc
    ga = np.conj(r @ (np.conj(pinv) @ gb).T)
    if gres is not None:
        gb = gb + 2 * np.conj(r) * gres
    ga = ga - gb @ c.T
    return v, ga, gb[:, 0] if vector else gb


def _polyfit_x(g, ans, x, y, deg, rcond=None, full=False, w=None, cov=False):
    v, ga, gb = _polyfit_vjp(g, ans, x, y, deg, rcond, full, w, cov)
    return _vander_x(ga if w is None else np.reshape(w, (-1, 1)) * ga, None, x, deg + 1)


def _polyfit_y(g, ans, x, y, deg, rcond=None, full=False, w=None, cov=False):
    gb = _polyfit_vjp(g, ans, x, y, deg, rcond, full, w, cov)[2]
    return gb if w is None else (np.reshape(w, (-1, 1)) if np.ndim(y) == 2 else w) * gb


def _polyfit_w(g, ans, x, y, deg, rcond=None, full=False, w=None, cov=False):
    v, ga, gb = _polyfit_vjp(g, ans, x, y, deg, rcond, full, w, cov)
    gy = gb * y
    return np.sum(ga * v, axis=1) + (np.sum(gy, axis=1) if np.ndim(y) == 2 else gy)


# ---- vander ----
def _vander_x(g, ans, x, N=None, increasing=False):
    n = np.shape(x)[0] if N is None else N
    if n < 2:
        return None
    k = np.arange(1, n)
    if increasing:
        return np.sum(g[:, 1:] * k * np.vander(x, n - 1, True), axis=1)
    return np.sum(g[:, :-1] * k[::-1] * np.vander(x, n - 1), axis=1)


defvjp(np.vander, _vander_x)
defvjp(np.polyfit, _polyfit_x, _polyfit_y, None, None, None, _polyfit_w)


# ---- convolve, correlate: a slice of the full convolution ----
def _full_offset(a, v, mode, correlate=False):
    s = min(np.size(a), np.size(v))
    if mode == "full":
        return 0
    if mode == "valid":
        return s - 1
    # "same": correlate centres the other way when v is the longer one
    return s // 2 if correlate and np.size(a) < np.size(v) else (s - 1) // 2


def _full_cotangent(g, ans, a, v, mode, correlate=False):
    """``g`` placed into the cotangent of the full convolution."""
    off = _full_offset(a, v, mode, correlate)
    total = np.size(a) + np.size(v) - 1
    return _pad(np.ravel(g), 0, off, total - off - np.size(ans))


def _convolve_a(g, ans, a, v, mode="full"):
    gf = _full_cotangent(g, ans, a, v, mode)
    return np.reshape(np.convolve(gf, np.ravel(v)[::-1], "valid"), np.shape(a))


def _convolve_v(g, ans, a, v, mode="full"):
    return _convolve_a(g, ans, v, a, mode)


def _correlate_a(g, ans, a, v, mode="valid"):
    # correlate(a, v) = convolve(a, conj(v)[::-1]) up to the "same" offset
    gf = _full_cotangent(g, ans, a, v, mode, correlate=True)
    return np.reshape(np.convolve(gf, np.conj(np.ravel(v)), "valid"), np.shape(a))


def _correlate_v(g, ans, a, v, mode="valid"):
    gf = _full_cotangent(g, ans, a, v, mode, correlate=True)
    gu = np.convolve(gf, np.ravel(a)[::-1], "valid")
    return np.reshape(np.conj(gu[::-1]), np.shape(v))


defvjp(np.convolve, _convolve_a, _convolve_v)
defvjp(np.correlate, _correlate_a, _correlate_v)


# ---- cov, corrcoef ----
def _as_rows(m, rowvar):
    """``m`` as a (variables, observations) matrix, as np.cov reads it."""
    x = np.reshape(m, (1, -1)) if np.ndim(m) < 2 else m
    return x if rowvar or np.shape(x)[0] == 1 else np.swapaxes(x, 0, 1)


def _from_rows(gx, m, rowvar):
    x_rows = np.shape(m)[0] if np.ndim(m) == 2 else 1
    transposed = not rowvar and np.ndim(m) == 2 and x_rows != 1
    return np.reshape(np.swapaxes(gx, 0, 1) if transposed else gx, np.shape(m))


def _cov_centred(m, y, rowvar, bias, ddof, fweights, aweights):
    """The centred observations, the observation weights and the normalisation."""
    x = _as_rows(m, rowvar)
    if y is not None:
        x = np.concatenate([x, _as_rows(y, rowvar)], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        return x - np.mean(x, axis=1, keepdims=True), 1, np.shape(x)[1] - ddof
    w_sum = np.sum(w)
    if ddof == 0:
        fact = w_sum
    elif aweights is None:
        fact = w_sum - ddof
    else:
        fact = w_sum - ddof * np.sum(w * aweights) / w_sum
    return x - np.sum(x * w, axis=1, keepdims=True) / w_sum, w, fact


def _cov_rows(g, m, y, rowvar, bias, ddof, fweights, aweights):
    xc, w, fact = _cov_centred(m, y, rowvar, bias, ddof, fweights, aweights)
    p = np.shape(xc)[0]
    g = np.reshape(g, (p, p))
    # C = Xc W Xc^H / fact; the centring's own transpose vanishes because the
    # weighted rows of conj(Xc) sum to zero.
    return np.matmul(g + np.conj(np.swapaxes(g, 0, 1)), np.conj(xc)) * w / fact


def _cov_m(g, ans, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
           aweights=None, dtype=None):
    gx = _cov_rows(g, m, y, rowvar, bias, ddof, fweights, aweights)
    return _from_rows(gx[:np.shape(_as_rows(m, rowvar))[0]], m, rowvar)


def _cov_y(g, ans, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None,
           aweights=None, dtype=None):
    gx = _cov_rows(g, m, y, rowvar, bias, ddof, fweights, aweights)
    return _from_rows(gx[np.shape(_as_rows(m, rowvar))[0]:], y, rowvar)


defvjp(np.cov, _cov_m, _cov_y, None, None, None, None, None)


def _corrcoef_cov_cotangent(g, ans, x, y, rowvar):
    """Cotangent of the covariance, from R = C / (s sᵀ), s = sqrt(Re diag C)."""
    xc, _, fact = _cov_centred(x, y, rowvar, False, None, None, None)
    s = np.sqrt(np.real(np.sum(xc * np.conj(xc), axis=1)) / fact)
    gs = -(np.sum(g * ans, axis=1) + np.sum(g * ans, axis=0)) / s
    # s is real: only the real part of its cotangent flows into diag C
    gd = np.real(gs) / (2 * s)
    return g / (s[:, None] * s[None, :]) + gd[:, None] * np.eye(np.shape(s)[0])


def _corrcoef_x(g, ans, x, y=None, rowvar=True, dtype=None):
    if np.ndim(ans) == 0:
        return None   # a single variable: R = C / C = 1
    return _cov_m(_corrcoef_cov_cotangent(g, ans, x, y, rowvar), None, x, y, rowvar)


def _corrcoef_y(g, ans, x, y=None, rowvar=True, dtype=None):
    if np.ndim(ans) == 0:
        return None
    return _cov_y(_corrcoef_cov_cotangent(g, ans, x, y, rowvar), None, x, y, rowvar)


defvjp(np.corrcoef, _corrcoef_x, _corrcoef_y)

# ---- unwrap: adds piecewise-constant multiples of the period ----
defvjp(np.unwrap, lambda g, ans, p, discont=None, axis=-1, period=2 * np.pi: g,
       lambda g, ans, p, discont=None, axis=-1, period=2 * np.pi: None)


# ---- sample grids: linspace, logspace, geomspace, meshgrid ----
def _fractions(ans, num, endpoint, axis):
    """t[k] = k / div along the sample axis, shaped to broadcast against the samples."""
    div = num - 1 if endpoint else num
    t = np.arange(num) / div if div > 0 else np.zeros(num)
    axis = axis % np.ndim(ans)
    return np.reshape(t, (-1,) + (1,) * (np.ndim(ans) - 1 - axis)), axis, div


def _linspace_rule(at_stop):
    def rule(g, ans, start, stop, num=50, endpoint=True, retstep=False, dtype=None,
             axis=0, device=None):
        if retstep:
            (g, gstep), ans = g, ans[0]
        t, axis, div = _fractions(ans, num, endpoint, axis)
        gs = np.sum(g * (t if at_stop else 1 - t), axis=axis)
        if retstep and div > 0:
            gs = gs + (gstep if at_stop else -gstep) / div
        return gs
    return rule


deflinear(np.linspace, _linspace_rule(False), _linspace_rule(True))


def _logspace_broadcast(start, stop, base, axis):
    """``start``, ``stop`` and ``base`` as np.logspace broadcasts an array base."""
    if not np.ndim(base):
        return start, stop, base
    nd = max(np.ndim(start), np.ndim(stop), np.ndim(base))
    start, stop, base = (np.reshape(v, (1,) * (nd - np.ndim(v)) + np.shape(v))
                         for v in (start, stop, base))
    return start, stop, np.expand_dims(base, axis)


def _logspace_bound(at_stop):
    def rule(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
        base = _logspace_broadcast(start, stop, base, axis)[2]
        return _linspace_rule(at_stop)(g * ans * np.log(base), ans, start, stop, num,
                                       endpoint, axis=axis)
    return rule


def _logspace_base(g, ans, start, stop, num=50, endpoint=True, base=10.0, dtype=None, axis=0):
    start, stop, base = _logspace_broadcast(start, stop, base, axis)
    y = np.linspace(start, stop, num, endpoint, axis=axis)
    return np.sum(g * ans * y / base, axis=axis % np.ndim(ans))


defvjp(np.logspace, _logspace_bound(False), _logspace_bound(True), None, None, _logspace_base)


def _geomspace_bound(at_stop):
    # out[k] = start^(1 - t[k]) stop^t[k] (with NumPy's sign and branch)
    def rule(g, ans, start, stop, num=50, endpoint=True, dtype=None, axis=0):
        t, axis, _ = _fractions(ans, num, endpoint, axis)
        bound = stop if at_stop else start
        return np.sum(g * ans * (t if at_stop else 1 - t), axis=axis) / bound
    return rule


defvjp(np.geomspace, _geomspace_bound(False), _geomspace_bound(True))


@defvjp_all(np.meshgrid, linear=True)
def _meshgrid_vjp(g, ans, *xi, copy=True, sparse=False, indexing="xy"):
    nd = len(xi)
    grads = []
    for k, x in enumerate(xi):
        # "xy" indexing swaps the first two output axes
        ax = (1, 0)[k] if indexing == "xy" and nd > 1 and k < 2 else k
        gk = np.sum(g[k], axis=tuple(i for i in range(nd) if i != ax))
        grads.append(np.reshape(gk, np.shape(x)))
    return tuple(grads)
