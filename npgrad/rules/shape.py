"""Shape, joining and indexing rules (linear: each VJP is the transpose)."""

import operator

import numpy as np

from .._core import TracedArray, apply
from .._registry import deflinear, defvjp_all


deflinear(np.reshape, lambda g, ans, a, *args, **kwargs: np.reshape(g, np.shape(a)))
deflinear(np.ravel, lambda g, ans, a, order="C": np.reshape(g, np.shape(a)))
deflinear(np.squeeze, lambda g, ans, a, axis=None: np.reshape(g, np.shape(a)))
deflinear(np.expand_dims, lambda g, ans, a, axis: np.reshape(g, np.shape(a)))
deflinear(np.copy, lambda g, ans, a, *args, **kwargs: g)
deflinear(np.broadcast_to, lambda g, ans, array, shape, subok=False: g)
deflinear(np.swapaxes, lambda g, ans, a, axis1, axis2: np.swapaxes(g, axis1, axis2))
deflinear(np.moveaxis, lambda g, ans, a, source, destination:
          np.moveaxis(g, destination, source))


def _transpose_vjp(g, ans, a, axes=None):
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort([ax % np.ndim(a) for ax in axes]))


deflinear(np.transpose, _transpose_vjp)


def _split_like(g, arrays, axis):
    """Pieces of ``g`` along ``axis`` sized like ``arrays``."""
    sizes = [np.shape(x)[axis] if np.ndim(x) else 1 for x in arrays]
    return np.split(g, np.cumsum(sizes)[:-1], axis=axis)


@defvjp_all(np.concatenate, linear=True)
def _concatenate_vjp(g, ans, arrays, axis=0, out=None, dtype=None, casting=None):
    if axis is None:
        pieces = _split_like(g, [np.ravel(x) for x in arrays], 0)
        return ([np.reshape(p, np.shape(x)) for p, x in zip(pieces, arrays)],)
    return (_split_like(g, arrays, axis % np.ndim(ans)),)


@defvjp_all(np.stack, linear=True)
def _stack_vjp(g, ans, arrays, axis=0, out=None, dtype=None, casting=None):
    axis = axis % np.ndim(ans)
    return ([np.take(g, i, axis=axis) for i in range(len(arrays))],)


deflinear(np.take, lambda g, ans, a, indices, axis=None, out=None, mode="raise":
          _untake(g, a, indices, axis), None)


# ---- indexing ----

def _is_basic(key):
    """Indices that never select an element twice: basic ones and boolean masks.

    Only those may be written with a plain assignment; integer arrays can
    repeat, so they need ``np.add.at``.
    """
    keys = key if type(key) is tuple else (key,)
    return all(k is None or k is Ellipsis or isinstance(k, (slice, int, np.integer))
               or (isinstance(k, np.ndarray) and k.dtype == bool) for k in keys)


def _scatter_raw(g, key, shape, dtype):
    out = np.zeros(shape, dtype)
    if _is_basic(key):
        out[key] = g
    else:
        np.add.at(out, key, g)
    return out


def scatter(g, key, shape, dtype):
    """The transpose of ``x[key]``: ``g`` added into zeros of ``shape`` at ``key``."""
    if isinstance(g, TracedArray):
        return apply(scatter, _scatter_raw, (g, key, shape, dtype), {})
    return _scatter_raw(g, key, shape, dtype)


def _untake(g, a, indices, axis):
    if axis is None:
        return np.reshape(scatter(g, (np.ravel(indices),), (np.size(a),), g.dtype),
                          np.shape(a))
    key = (slice(None),) * (axis % np.ndim(a)) + (indices,)
    return scatter(g, key, np.shape(a), g.dtype)


deflinear(operator.getitem, lambda g, ans, x, key: scatter(g, key, np.shape(x), g.dtype),
          None)
deflinear(scatter, lambda g, ans, h, key, shape, dtype: g[key], None, None, None)
