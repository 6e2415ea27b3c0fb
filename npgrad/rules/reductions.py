"""Reductions and scans: sum, mean, prod, max/min, var/std, cumsum."""

import numpy as np

from .._registry import defvjp, deflinear


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axis = axis if isinstance(axis, tuple) else (axis,)
    return tuple(sorted(a % ndim for a in axis))


def unreduce(g, a, axis=None, keepdims=False):
    """``g`` with the reduced axes of ``a`` restored as size 1 (the engine broadcasts)."""
    if keepdims or np.ndim(a) == 0:
        return g
    return np.reshape(g, tuple(1 if i in _axes(axis, np.ndim(a)) else n
                               for i, n in enumerate(np.shape(a))))


def _count(a, axis):
    shape = np.shape(a)
    return int(np.prod([shape[i] for i in _axes(axis, len(shape))]))


def _sum_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False,
             initial=None, where=True):
    g = unreduce(g, a, axis, keepdims)
    return g if where is True else np.where(where, g, 0)


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
    axes = _axes(axis, np.ndim(a))
    moved = np.moveaxis(a, axes, tuple(range(-len(axes), 0)))
    lead = np.shape(moved)[:np.ndim(moved) - len(axes)]
    x = np.reshape(moved, lead + (-1,))
    ones = np.ones(lead + (1,), dtype=np.result_type(a))
    left = np.cumprod(np.concatenate([ones, x[..., :-1]], axis=-1), axis=-1)
    right = np.flip(np.cumprod(np.flip(np.concatenate([x[..., 1:], ones], axis=-1),
                                       axis=-1), axis=-1), axis=-1)
    others = np.reshape(left * right, np.shape(moved))
    return np.moveaxis(others, tuple(range(-len(axes), 0)), axes)


def _prod_vjp(g, ans, a, axis=None, dtype=None, out=None, keepdims=False,
              initial=None, where=True):
    if np.ndim(a) == 0:
        return g
    return unreduce(g, a, axis, keepdims) * _others_product(a, axis)


defvjp(np.prod, _prod_vjp)
defvjp((np.multiply, "reduce"), lambda g, ans, a, axis=0, dtype=None, out=None,
       keepdims=False, **kw: _prod_vjp(g, ans, a, axis, keepdims=keepdims))


def _extreme_vjp(g, ans, a, axis=None, out=None, keepdims=False, initial=None, where=True):
    # Ties share the gradient equally (the mean of the subgradients).
    hit = a == unreduce(ans, a, axis, keepdims)
    return unreduce(g, a, axis, keepdims) * hit / np.sum(hit, axis=axis, keepdims=True)


defvjp(np.max, _extreme_vjp)
defvjp(np.min, _extreme_vjp)
if getattr(np, "amax", np.max) is not np.max:
    defvjp(np.amax, _extreme_vjp)
    defvjp(np.amin, _extreme_vjp)
for _u in (np.maximum, np.minimum):
    defvjp((_u, "reduce"), lambda g, ans, a, axis=0, dtype=None, out=None,
           keepdims=False, **kw: _extreme_vjp(g, ans, a, axis, keepdims=keepdims))


def _var_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False,
             where=True, mean=None, correction=None):
    ddof = correction if correction is not None else ddof
    centred = a - np.mean(a, axis=axis, keepdims=True)
    return unreduce(g, a, axis, keepdims) * 2 * np.conj(centred) / (_count(a, axis) - ddof)


def _std_vjp(g, ans, a, axis=None, dtype=None, out=None, ddof=0, keepdims=False,
             where=True, mean=None, correction=None):
    ddof = correction if correction is not None else ddof
    centred = a - np.mean(a, axis=axis, keepdims=True)
    scale = unreduce(g / ans, a, axis, keepdims) / (_count(a, axis) - ddof)
    return scale * np.conj(centred)


defvjp(np.var, _var_vjp)
defvjp(np.std, _std_vjp)


def _cumsum_vjp(g, ans, a, axis=None, dtype=None, out=None):
    if axis is None:
        return np.reshape(np.flip(np.cumsum(np.flip(g))), np.shape(a))
    return np.flip(np.cumsum(np.flip(g, axis), axis), axis)


deflinear(np.cumsum, _cumsum_vjp)
deflinear((np.add, "accumulate"), lambda g, ans, a, axis=0, dtype=None, out=None:
          _cumsum_vjp(g, ans, a, axis))


def _cumprod_vjp(g, ans, a, axis=None, dtype=None, out=None):
    """Exact with zeros: only the first zero of a run needs its own formula."""
    ax = -1 if axis is None else axis
    x = np.moveaxis(np.ravel(a) if axis is None else a, ax, -1)
    gm = np.moveaxis(g, ax, -1)
    p = np.moveaxis(ans, ax, -1)
    zero = x == 0
    first = zero & (np.cumsum(zero, axis=-1) == 1)
    regular = _revcumsum(gm * p) / np.where(zero, 1, x)
    # d ans_j / d x_z for the first zero z: the cumprod with x_z taken as 1
    at_zero = _revcumsum(gm * np.cumprod(np.where(first, 1, x), axis=-1))
    gx = np.moveaxis(np.where(first, at_zero, regular), -1, ax)
    return np.reshape(gx, np.shape(a)) if axis is None else gx


def _revcumsum(x):
    return np.flip(np.cumsum(np.flip(x, -1), axis=-1), -1)


defvjp(np.cumprod, _cumprod_vjp)
defvjp((np.multiply, "accumulate"), lambda g, ans, a, axis=0, dtype=None, out=None:
       _cumprod_vjp(g, ans, a, axis))
