"""Elementwise rules: ``rule(g, ans, x[, y])`` returns ``g * df/dx``.

Every NumPy ufunc with a floating or complex loop has a rule here or is
declared constant in ``nondiff.py`` (the gufuncs ``matmul``, ``vecdot``, ...
are contractions and live in ``linalg.py``).  Also here: the elementwise
array functions built on ufuncs (``angle``, ``sinc``, ``i0``, ``nan_to_num``,
``where``, ``clip``, ...) and the ufunc methods ``reduce``, ``accumulate``
and ``reduceat`` that ``reductions.py`` does not cover; ``outer`` is derived
from the elementwise rule by the engine.

Broadcasting, dtype and the real part for real inputs are the engine's job.
A multi-output ufunc (``modf``, ``frexp``, ``divmod``) gets ``g`` and ``ans``
as tuples, one entry per output.
"""

import importlib.util

import numpy as np

from .._registry import defvjp, deflinear
from .reductions import unreduce
from .shape import scatter


def _zero(g, ans, *args, **kwargs):
    """An argument the result is piecewise constant in: zero almost everywhere."""
    return np.zeros_like(g)


# ---- arithmetic ----
deflinear(np.add, lambda g, ans, x, y: g, lambda g, ans, x, y: g)
deflinear(np.subtract, lambda g, ans, x, y: g, lambda g, ans, x, y: -g)
deflinear(np.negative, lambda g, ans, x: -g)
deflinear(np.positive, lambda g, ans, x: g)
defvjp(np.multiply, lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x)
defvjp(np.true_divide, lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * ans / y)
defvjp(np.reciprocal, lambda g, ans, x: -g * ans * ans)
defvjp(np.square, lambda g, ans, x: 2 * g * x)
defvjp(np.sqrt, lambda g, ans, x: g * 0.5 / ans)
defvjp(np.cbrt, lambda g, ans, x: g / (3 * ans * ans))


def _power_base(g, ans, x, y):
    if isinstance(y, (int, float, np.generic)):
        # a constant exponent (the common x**2): no guard array, one pass less
        if y == 2:
            return g * 2 * x
        return g * y * x ** (y - 1) if y != 0 else g * 0 * x
    # x ** (y - 1) is inf at x == 0 for y == 0; the derivative there is 0.
    return g * y * x ** np.where(y == 0, 1, y - 1)


def _power_exponent(g, ans, x, y):
    # d/dy x**y = log(x) x**y; at x == 0 the product is 0 (for y > 0).
    return g * ans * np.log(np.where(x == 0, 1, x))


def _float_power_base(g, ans, x, y):
    # As _power_base, in float_power's float64/complex128 arithmetic.
    return g * y * np.float_power(x, np.where(y == 0, 1, y - 1))


defvjp(np.power, _power_base, _power_exponent)
defvjp(np.float_power, _float_power_base, _power_exponent)

# x - y * trunc(x / y) and x - y * floor(x / y): the quotient is piecewise constant.
defvjp(np.fmod, lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.trunc(x / y))
defvjp(np.remainder, lambda g, ans, x, y: g,
       lambda g, ans, x, y: -g * np.floor_divide(x, y))
# divmod: (floor_divide, remainder); only the remainder carries a gradient.
defvjp(np.divmod, lambda g, ans, x, y: g[1],
       lambda g, ans, x, y: -g[1] * np.floor_divide(x, y))
# modf: (fractional part, integral part) = (x - trunc(x), trunc(x)).
defvjp(np.modf, lambda g, ans, x: g[0])


def _frexp_vjp(g, ans, x):
    # frexp: (mantissa, exponent), x = mantissa * 2**exponent with an integer
    # exponent.  d mantissa / dx = 2**-exponent = mantissa / x exactly (1 at 0);
    # the ratio keeps the traced integer exponent out of the backward pass.
    return g[0] * np.where(x == 0, 1, ans[0] / np.where(x == 0, 1, x))


defvjp(np.frexp, _frexp_vjp)
deflinear(np.ldexp, lambda g, ans, x, e: np.ldexp(g, e), None)
# |x| with the sign bit of y: the sign flips only where the sign bits differ.
defvjp(np.copysign, lambda g, ans, x, y: np.where(np.signbit(x) == np.signbit(y), g, -g),
       _zero)
# nextafter(x, y) is x moved by one ulp: d/dx = 1 almost everywhere (the ulp is
# piecewise constant), and y only picks the direction.
defvjp(np.nextafter, lambda g, ans, x, y: g, _zero)

# ---- exponentials and logarithms ----
defvjp(np.exp, lambda g, ans, x: g * ans)
defvjp(np.exp2, lambda g, ans, x: g * ans * np.log(2.0))
defvjp(np.expm1, lambda g, ans, x: g * (ans + 1))
defvjp(np.log, lambda g, ans, x: g / x)
defvjp(np.log2, lambda g, ans, x: g / (x * np.log(2.0)))
defvjp(np.log10, lambda g, ans, x: g / (x * np.log(10.0)))
defvjp(np.log1p, lambda g, ans, x: g / (1 + x))
defvjp(np.logaddexp, lambda g, ans, x, y: g * np.exp(x - ans),
       lambda g, ans, x, y: g * np.exp(y - ans))
defvjp(np.logaddexp2, lambda g, ans, x, y: g * np.exp2(x - ans),
       lambda g, ans, x, y: g * np.exp2(y - ans))

# ---- trigonometric and hyperbolic ----
defvjp(np.sin, lambda g, ans, x: g * np.cos(x))
defvjp(np.cos, lambda g, ans, x: -g * np.sin(x))
defvjp(np.tan, lambda g, ans, x: g * (1 + ans * ans))
defvjp(np.arcsin, lambda g, ans, x: g / np.sqrt(1 - x * x))
defvjp(np.arccos, lambda g, ans, x: -g / np.sqrt(1 - x * x))
defvjp(np.arctan, lambda g, ans, x: g / (1 + x * x))
defvjp(np.sinh, lambda g, ans, x: g * np.cosh(x))
defvjp(np.cosh, lambda g, ans, x: g * np.sinh(x))
defvjp(np.tanh, lambda g, ans, x: g * (1 - ans * ans))
defvjp(np.arcsinh, lambda g, ans, x: g / np.sqrt(x * x + 1))
# sqrt(x - 1) sqrt(x + 1), not sqrt(x*x - 1): the principal branch for complex x.
defvjp(np.arccosh, lambda g, ans, x: g / (np.sqrt(x - 1) * np.sqrt(x + 1)))
defvjp(np.arctanh, lambda g, ans, x: g / (1 - x * x))
deflinear([np.deg2rad, np.radians], lambda g, ans, x: g * (np.pi / 180))
deflinear([np.rad2deg, np.degrees], lambda g, ans, x: g * (180 / np.pi))


def _hypot_leg(g, ans, x, y):
    # 0 at x == y == 0, the kink (as for abs).
    return g * x / np.where(ans == 0, 1, ans)


def _arctan2_y(g, ans, y, x):
    # x / (x*x + y*y), through hypot so that tiny inputs do not underflow; 0 at
    # the origin, where the angle is not differentiable.
    r = np.hypot(x, y)
    r = np.where(r == 0, 1, r)
    return g * (x / r) / r


defvjp(np.hypot, _hypot_leg, lambda g, ans, x, y: _hypot_leg(g, ans, y, x))
defvjp(np.arctan2, _arctan2_y, lambda g, ans, y, x: -_arctan2_y(g, ans, x, y))


# ---- absolute value and complex parts (non-holomorphic: the JAX convention) ----
def _abs_vjp(g, ans, x):
    if x.dtype.kind == "c":
        # d|z| in the g * f' convention is conj(z) / |z| (0 at z == 0).
        return g * np.conj(x) / np.where(ans == 0, 1, ans)
    return g * np.sign(x)


defvjp(np.absolute, _abs_vjp)
defvjp(np.fabs, lambda g, ans, x: g * np.sign(x))
deflinear(np.conjugate, lambda g, ans, x: np.conj(g))
deflinear(np.real, lambda g, ans, val: g)
deflinear(np.imag, lambda g, ans, val: -1j * g)
# Either the real part or the identity: the VJP is g in both cases.
defvjp(np.real_if_close, lambda g, ans, a, tol=100: g)


def _angle_vjp(g, ans, z, deg=False):
    # d angle(z) = Im(dz / z): -1j * g / z, which is 0 for real z once the engine
    # drops the imaginary part.  Not differentiable at z == 0: 0 there.
    dz = np.where(z == 0, 0, -1j * g / np.where(z == 0, 1, z))
    return dz * (180 / np.pi) if deg else dz


defvjp(np.angle, _angle_vjp)


def _nan_to_num_vjp(g, ans, x, copy=True, nan=0.0, posinf=None, neginf=None):
    if x.dtype.kind == "c":
        # The real and imaginary parts are replaced independently.
        return (np.where(np.isfinite(np.real(x)), np.real(g), 0)
                + 1j * np.where(np.isfinite(np.imag(x)), np.imag(g), 0))
    return np.where(np.isfinite(x), g, 0)


defvjp(np.nan_to_num, _nan_to_num_vjp)


# ---- special functions that NumPy writes in Python ----
def _sinc_vjp(g, ans, x):
    # (cos(pi x) - sinc(x)) / x cancels near 0; use its Taylor series there,
    # which also keeps the second derivative right at x == 0.
    small = np.abs(x) < 1e-2
    xs = x * x
    series = x * (-np.pi ** 2 / 3 + xs * (np.pi ** 4 / 30 - xs * np.pi ** 6 / 840))
    full = (np.cos(np.pi * x) - ans) / np.where(small, 1, x)
    return g * np.where(small, series, full)


defvjp(np.sinc, _sinc_vjp)


def _i0_vjp(g, ans, x):
    from scipy.special import i1    # imported on first use, not with npgrad
    return g * i1(x)


if importlib.util.find_spec("scipy") is not None:
    defvjp(np.i0, _i0_vjp)


# ---- maximum / minimum: ties split the gradient evenly ----
def _select(g, ans, x, y):
    # nan never equals ans, so for fmax/fmin the gradient goes to the
    # non-nan argument, and for maximum/minimum a nan result gets none.
    return g * (x == ans) / (1.0 + (x == y))


for _u in (np.maximum, np.minimum, np.fmax, np.fmin):
    defvjp(_u, _select, lambda g, ans, x, y: _select(g, ans, y, x))

# ---- selection ----
deflinear(np.where, None, lambda g, ans, c, x=None, y=None: np.where(c, g, 0),
          lambda g, ans, c, x=None, y=None: np.where(c, 0, g))


def _clip_bounds(a_min, a_max, kwargs):
    lo = a_min if a_min is not None else kwargs.get("min")
    hi = a_max if a_max is not None else kwargs.get("max")
    return lo, hi


def _clip_a(g, ans, a, a_min=None, a_max=None, **kwargs):
    return g * (ans == a)


def _clip_min(g, ans, a, a_min=None, a_max=None, **kwargs):
    lo, hi = _clip_bounds(a_min, a_max, kwargs)
    return g * ((a < lo) & (ans == lo))


def _clip_max(g, ans, a, a_min=None, a_max=None, **kwargs):
    lo, hi = _clip_bounds(a_min, a_max, kwargs)
    return g * ((a > hi) & (ans == hi))


defvjp(np.clip, _clip_a, _clip_min, _clip_max)


# ---- ufunc methods (reductions.py has {add,multiply,maximum,minimum}.reduce
# and {add,multiply}.accumulate) ----
def _reduce_rule(partial):
    """The ``reduce`` rule of a ufunc whose d ans / d a_i is ``partial(a_i, ans)``."""
    def rule(g, ans, a, axis=0, dtype=None, out=None, keepdims=False, initial=None,
             where=True):
        d = partial(a, unreduce(ans, a, axis, keepdims)) * unreduce(g, a, axis, keepdims)
        return d if where is True else np.where(where, d, 0)
    return rule


defvjp((np.logaddexp, "reduce"), _reduce_rule(lambda a, ans: np.exp(a - ans)))
defvjp((np.logaddexp2, "reduce"), _reduce_rule(lambda a, ans: np.exp2(a - ans)))
# 0 for an all-zero slice, the kink (as for abs)
defvjp((np.hypot, "reduce"), _reduce_rule(lambda a, ans: a / np.where(ans == 0, 1, ans)))


def _nan_extreme_reduce(g, ans, a, axis=0, dtype=None, out=None, keepdims=False,
                        initial=None, where=True):
    # Ties share the gradient; nans (skipped by fmax/fmin) and all-nan slices get none.
    hit = (a == unreduce(ans, a, axis, keepdims)) & where
    share = hit / np.maximum(np.sum(hit, axis=axis, keepdims=True), 1)
    return unreduce(g, a, axis, keepdims) * share


defvjp((np.fmax, "reduce"), _nan_extreme_reduce)
defvjp((np.fmin, "reduce"), _nan_extreme_reduce)


def _along(axis, key):
    """An index applying ``key`` along (non-negative) ``axis``."""
    return (slice(None),) * axis + (key,)


def _running_extreme(g, ans, a, axis=0, dtype=None, out=None):
    # ans_j is the first element of its run of equal running extremes (ties
    # go to the first occurrence): scatter each g_j to that element.
    shape, ax = np.shape(a), axis % np.ndim(a)
    changed = ans[_along(ax, slice(1, None))] != ans[_along(ax, slice(-1))]
    first = np.ones(shape[:ax] + (min(shape[ax], 1),) + shape[ax + 1:], dtype=bool)
    new = np.concatenate([first, changed], axis=ax)
    key = list(np.indices(shape, sparse=True))
    key[ax] = np.maximum.accumulate(np.where(new, key[ax], 0), axis=ax)
    return scatter(g, tuple(key), shape, g.dtype)


defvjp((np.maximum, "accumulate"), _running_extreme)
defvjp((np.minimum, "accumulate"), _running_extreme)


def _affine_revscan(b, r):
    """``s`` with ``s[i] = b[i] + r[i] * s[i+1]`` along the last axis (``s[n] = 0``).

    A log-depth (Hillis-Steele) scan: each step doubles the span of the
    pairs ``s[i] = b[i] + r[i] * s[i + d]``.
    """
    n = np.shape(b)[-1]
    d = 1
    while d < n:
        b = np.concatenate([b[..., :-d] + r[..., :-d] * b[..., d:], b[..., -d:]], axis=-1)
        r = np.concatenate([r[..., :-d] * r[..., d:], r[..., -d:]], axis=-1)
        d *= 2
    return b


def _logaddexp_accumulate(g, ans, a, axis=0, dtype=None, out=None):
    # d ans_j / d a_i = exp(a_i - ans_j) for i <= j.  Summed over j as
    # exp(a_i - ans_i) * s_i with s_i = g_i + exp(ans_i - ans_{i+1}) s_{i+1},
    # every factor is <= 1, so nothing overflows.
    a, ans, g = (np.moveaxis(t, axis, -1) for t in (a, ans, g))
    # an all -inf prefix would give exp(-inf + inf); 0 is its limit
    safe = np.where(ans == -np.inf, 0, ans)
    r = np.exp(ans - np.concatenate([safe[..., 1:], safe[..., -1:]], axis=-1))
    return np.moveaxis(np.exp(a - safe) * _affine_revscan(g, r), -1, axis)


defvjp((np.logaddexp, "accumulate"), _logaddexp_accumulate)


def _add_reduceat(g, ans, a, indices, axis=0, dtype=None, out=None):
    # Output i sums a[start_i:end_i] (a single element when the indices do not
    # increase); send g_i back to each of those elements.  The indices are
    # integer constants, never traced.
    start = np.asarray(indices)
    n = np.shape(a)[axis]
    nxt = np.append(start[1:], n)
    length = np.where(start < nxt, nxt, start + 1) - start
    seg = np.repeat(np.arange(len(start)), length)
    pos = np.arange(len(seg)) - np.repeat(np.cumsum(length) - length, length) + start[seg]
    return scatter(np.take(g, seg, axis=axis), _along(axis % np.ndim(a), pos),
                   np.shape(a), g.dtype)


defvjp((np.add, "reduceat"), _add_reduceat, None)
