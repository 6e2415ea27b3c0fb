"""Specs for ``npgrad/rules/shape.py``: shapes, joining, padding and indexing.

Everything here is complex-linear (``linear=True, complex=True``) except
``np.pad``, which is affine (constant and end values) and, in its
max/min/median modes, piecewise linear, and ``np.trim_zeros``, whose cut
depends on where the data are zero.
"""

import operator

import numpy as np

from . import spec
from ...rules import shape as rules


def _linear(key, make):
    return spec(key, make, complex=True, linear=True)


def _array(d, min_dims=0, max_dims=3, min_side=0, max_side=4):
    return d.array(d.shape(min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                           max_side=max_side))


def _with_axis(shape, axis, n):
    """``shape`` with length ``n`` along ``axis``."""
    return shape[:axis] + (n,) + shape[axis + 1:]


def _indices(d, n, k=None, lo=None):
    """``k`` integer indices into a length-``n`` axis, repeats likely, negatives too."""
    k = d.integers(0, 5) if k is None else k
    lo = -n if lo is None else lo
    return np.array([d.integers(lo, n - 1) for _ in range(k)], dtype=np.intp)


# ---- reshaping ----

def _reshape(d):
    x = _array(d)
    shape = np.shape(x)
    new = d.choice([(-1,), shape[::-1], (1,) + shape, shape + (1,), (x.size,)])
    return (x, new), {"order": d.choice("CFA")}


def _squeeze(d):
    shape = list(d.shape(max_dims=2, min_side=2))
    for _ in range(d.integers(0, 2)):
        shape.insert(d.integers(0, len(shape)), 1)
    ones = [i for i, s in enumerate(shape) if s == 1]
    axis = d.choice([None] + [tuple(ones)] + [i - len(shape) for i in ones])
    return (d.array(tuple(shape)),), ({} if axis is None else {"axis": axis})


def _expand_dims(d):
    x = _array(d)
    n = np.ndim(x)
    return (x, d.integers(-n - 1, n)), {}


def _broadcast_to(d):
    shape = d.shape(max_side=3)
    x = d.array(tuple(1 if d.boolean() else s for s in shape))
    return (x, (d.integers(1, 3),) * d.integers(0, 1) + shape), {}


def _broadcast_arrays(d):
    return tuple(d.array(s) for s in d.shapes(d.integers(1, 3))), {}


def _atleast(d):
    return tuple(_array(d) for _ in range(d.integers(1, 3))), {}


_linear(np.reshape, _reshape)
_linear(np.ravel, lambda d: ((_array(d),), {"order": d.choice("CFAK")}))
_linear(np.squeeze, _squeeze)
_linear(np.expand_dims, _expand_dims)
_linear(np.copy, lambda d: ((_array(d),), {}))
_linear(np.broadcast_to, _broadcast_to)
_linear(np.broadcast_arrays, _broadcast_arrays)
_linear(np.atleast_1d, _atleast)
_linear(np.atleast_2d, _atleast)
_linear(np.atleast_3d, _atleast)


# ---- axis permutations ----

def _transpose(d):
    x = _array(d)
    n = np.ndim(x)
    if d.boolean():
        return (x,), {}
    perm = sorted(range(n), key=lambda i: d.integers(0, 100))
    return (x, [p - n if d.boolean() else p for p in perm]), {}


def _two_axes(d, min_dims=1):
    x = _array(d, min_dims=min_dims)
    n = np.ndim(x)
    return x, d.integers(-n, n - 1), d.integers(-n, n - 1)


def _moveaxis(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    k = d.integers(1, n)
    src = sorted(range(n), key=lambda i: d.integers(0, 100))[:k]
    dst = sorted(range(n), key=lambda i: d.integers(0, 100))[:k]
    if k == 1 and d.boolean():
        return (x, src[0], dst[0] - n), {}
    return (x, src, dst), {}


def _rollaxis(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    return (x, d.integers(-n, n - 1), d.integers(-n, n)), {}


_linear(np.transpose, _transpose)
_linear(getattr(np, "permute_dims", None), _transpose)
_linear(getattr(np, "matrix_transpose", None), lambda d: ((_array(d, min_dims=2),), {}))
_linear(getattr(np.linalg, "matrix_transpose", None),
        lambda d: ((_array(d, min_dims=2),), {}))
_linear(np.swapaxes, lambda d: (_two_axes(d), {}))
_linear(np.moveaxis, _moveaxis)
_linear(np.rollaxis, _rollaxis)


# ---- joining ----

def _concatenate(d):
    if d.integers(0, 3) == 0:       # axis=None ravels entries of any shape
        return ([_array(d) for _ in range(d.integers(1, 3))],), {"axis": None}
    shape = d.shape(min_dims=1)
    n = len(shape)
    axis = d.integers(-n, n - 1)
    arrays = [d.array(_with_axis(shape, axis % n, d.integers(0, 3)))
              for _ in range(d.integers(1, 3))]
    if d.integers(0, 3) == 0:       # an array is the sequence of its rows
        return (d.array((d.integers(1, 3),) + shape),), {"axis": axis}
    return (arrays,), {"axis": axis}


def _stack(d):
    shape = d.shape()
    n = len(shape)
    arrays = [d.array(shape) for _ in range(d.integers(1, 3))]
    axis = d.integers(-n - 1, n)
    if d.integers(0, 3) == 0:
        return (d.array((d.integers(1, 3),) + shape), axis), {}
    return (arrays, axis), {}


def _hstack(d):
    rest = d.shape(max_dims=2)
    if d.boolean():
        return ([d.array((d.integers(0, 3),)) for _ in range(d.integers(1, 3))],), {}
    rows = d.integers(1, 3)
    return ([d.array((rows, d.integers(0, 3)) + rest) for _ in range(d.integers(1, 3))],), {}


def _vstack(d):
    cols = d.integers(1, 3)
    arrays = [d.array((cols,)) if d.boolean() else d.array((d.integers(0, 3), cols))
              for _ in range(d.integers(1, 3))]
    return (arrays,), {}


def _dstack(d):
    m, n = d.integers(1, 3), d.integers(1, 3)
    arrays = [d.choice([d.array((m, n)), d.array((m, n, d.integers(0, 2)))])
              for _ in range(d.integers(1, 3))]
    if m == 1 and d.boolean():
        arrays = [d.array((n,)) for _ in arrays]
    return (arrays,), {}


def _column_stack(d):
    rows = d.integers(1, 3)
    arrays = [d.array((rows,)) if d.boolean() else d.array((rows, d.integers(0, 2)))
              for _ in range(d.integers(1, 3))]
    return (arrays,), {}


def _block(d):
    # Depth 2 (a grid of blocks) needs the engine to unwrap nested lists.
    if d.boolean():
        return ([d.array((2, d.integers(0, 2))) for _ in range(d.integers(1, 3))],), {}
    col = [d.integers(1, 2) for _ in range(2)]
    row = [d.integers(1, 2) for _ in range(2)]
    return ([[d.array((r, c)) for c in col] for r in row],), {}


def _append(d):
    if d.boolean():
        return (_array(d), _array(d)), {}
    shape = d.shape(min_dims=1)
    n = len(shape)
    axis = d.integers(-n, n - 1)
    return (d.array(shape), d.array(_with_axis(shape, axis % n, d.integers(0, 2)))), \
        {"axis": axis}


_linear(np.concatenate, _concatenate)
_linear(np.stack, _stack)
_linear(np.hstack, _hstack)
_linear(np.vstack, _vstack)
_linear(np.dstack, _dstack)
_linear(np.column_stack, _column_stack)
_linear(np.block, _block)
_linear(np.append, _append)


# ---- splitting ----

def _cuts(d, n):
    """Sections dividing ``n``, or indices (sorted or not, repeated, negative, past the end)."""
    if d.boolean():
        return d.choice([k for k in range(1, n + 1) if n % k == 0] or [1])
    return [d.integers(-n - 1, n + 1) for _ in range(d.integers(0, 3))]


def _split(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    axis = d.integers(-n, n - 1)
    return (x, _cuts(d, np.shape(x)[axis % n])), {"axis": axis}


def _array_split(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    axis = d.integers(-n, n - 1)
    return (x, d.choice([d.integers(1, 4), _cuts(d, np.shape(x)[axis % n])])), {"axis": axis}


def _split_along(axis, min_dims):
    def make(d):
        x = _array(d, min_dims=min_dims)
        return (x, _cuts(d, np.shape(x)[axis if np.ndim(x) > 1 else 0])), {}
    return make


def _unstack(d):
    x = _array(d, min_dims=1, min_side=1)
    n = np.ndim(x)
    return (x,), {"axis": d.integers(-n, n - 1)}


_linear(np.split, _split)
_linear(np.array_split, _array_split)
_linear(np.hsplit, _split_along(1, 1))
_linear(np.vsplit, _split_along(0, 2))
_linear(np.dsplit, _split_along(2, 3))
_linear(getattr(np, "unstack", None), _unstack)


# ---- repetition ----

def _tile(d):
    x = _array(d)
    reps = d.choice([d.integers(0, 3), tuple(d.integers(0, 3) for _ in range(d.integers(0, 4)))])
    return (x, reps), {}


def _repeat(d):
    x = _array(d)
    n = np.ndim(x)
    axis = d.choice([None] + list(range(-n, n)))
    length = np.size(x) if axis is None else np.shape(x)[axis]
    if d.boolean():
        repeats = d.integers(0, 3)
    else:
        repeats = np.array([d.integers(0, 3) for _ in range(length)], dtype=np.intp)
    return (x, repeats), ({} if axis is None else {"axis": axis})


def _segment_sum(d):
    shape = d.shape(min_dims=1)
    axis = d.integers(0, len(shape) - 1)
    repeats = np.array([d.integers(0, 3) for _ in range(d.integers(1, 4))], dtype=np.intp)
    return (d.array(_with_axis(shape, axis, int(repeats.sum()))), repeats, axis), {}


def _resize(d):
    x = _array(d, min_side=1)
    return (x, d.choice([d.integers(0, 9), d.shape(max_dims=2)])), {}


_linear(np.tile, _tile)
_linear(np.repeat, _repeat)
_linear(rules.segment_sum, _segment_sum)
_linear(np.resize, _resize)


# ---- padding ----

def _pad_width(d, shape):
    return d.choice([
        d.integers(0, 3),
        (d.integers(0, 3), d.integers(0, 3)),
    ] + [[(d.integers(0, 6), d.integers(0, 6)) for _ in shape]] * bool(shape))


def _pad(d):
    mode = d.choice(["constant", "edge", "wrap", "reflect", "symmetric", "linear_ramp",
                     "mean", "maximum", "minimum", "median"])
    selecting = mode in ("maximum", "minimum", "median")
    shape = d.shape(min_side=1, max_side=3)
    x = d.array(shape, domain="distinct" if selecting else "real")
    kwargs = {}
    if mode == "constant" and d.boolean():
        kwargs["constant_values"] = (1.5, -2.0)
    if mode == "linear_ramp" and d.boolean():
        kwargs["end_values"] = 0.5
    if mode in ("reflect", "symmetric"):
        kwargs["reflect_type"] = d.choice(["even", "odd"])
    if mode in ("mean", "maximum", "minimum", "median") and d.boolean():
        kwargs["stat_length"] = d.integers(1, 3)
    return (x, _pad_width(d, shape), mode), kwargs


def _unpad(d):
    mode = d.choice(rules.LINEAR_PAD_MODES)
    shape = d.shape(min_side=1, max_side=3)
    pads = tuple((d.integers(0, 5), d.integers(0, 5)) for _ in shape)
    stat = tuple((d.integers(1, 4), d.integers(1, 4)) for _ in shape)
    padded = tuple(n + b + a for n, (b, a) in zip(shape, pads))
    return (d.array(padded), pads, mode, d.choice(["even", "odd"]), stat), {}


spec(np.pad, _pad, complex=True)
_linear(rules.unpad, _unpad)


# ---- reordering ----

def _flip(d):
    x = _array(d)
    n = np.ndim(x)
    axis = d.choice([None, tuple(range(n))] + ([d.integers(-n, n - 1)] if n else []))
    return (x,), ({} if axis is None else {"axis": axis})


def _roll(d):
    x = _array(d)
    n = np.ndim(x)
    if n == 0 or d.boolean():
        return (x, d.integers(-5, 5)), {}
    axes = tuple(d.integers(-n, n - 1) for _ in range(d.integers(1, 2)))
    shift = tuple(d.integers(-5, 5) for _ in axes)
    return (x, shift if d.boolean() else shift[0], axes), {}


def _rot90(d):
    x = _array(d, min_dims=2)
    n = np.ndim(x)
    a1 = d.integers(0, n - 1)
    a2 = d.choice([i for i in range(n) if i != a1])
    return (x, d.integers(-3, 5), (a1, a2 - n)), {}


_linear(np.flip, _flip)
_linear(np.fliplr, lambda d: ((_array(d, min_dims=2),), {}))
_linear(np.flipud, lambda d: ((_array(d, min_dims=1),), {}))
_linear(np.roll, _roll)
_linear(np.rot90, _rot90)


# ---- diagonals and triangles ----

def _diag(d):
    x = _array(d, min_dims=1, max_dims=2)
    return (x, d.integers(-3, 3)), {}


def _diagonal(d):
    x = _array(d, min_dims=2)
    n = np.ndim(x)
    a1 = d.integers(-n, n - 1)
    a2 = d.choice([i for i in range(n) if i != a1 % n])
    return (x, d.integers(-3, 3), a1, a2), {}


_linear(np.diag, _diag)
_linear(np.diagflat, lambda d: ((_array(d), d.integers(-2, 2)), {}))
_linear(np.diagonal, _diagonal)
_linear(np.tril, lambda d: ((_array(d, min_dims=1), d.integers(-2, 2)), {}))
_linear(np.triu, lambda d: ((_array(d, min_dims=1), d.integers(-2, 2)), {}))


# ---- selection ----

def _take(d):
    x = _array(d, min_side=1)
    n = np.ndim(x)
    axis = d.choice([None] + list(range(-n, n)))
    length = np.size(x) if axis is None else np.shape(x)[axis]
    mode = d.choice(["raise", "wrap", "clip"])
    if mode == "raise":
        idx = _indices(d, length)
    else:
        idx = _indices(d, length + 3, lo=-length - 3)
    if d.boolean():
        idx = idx.reshape(-1, 1) if idx.size else idx
    elif idx.size and d.boolean():
        idx = idx[0]
    return (x, idx), {"axis": axis, "mode": mode}


def _take_along_axis(d):
    x = _array(d, min_dims=1, min_side=1)
    n = np.ndim(x)
    if n == 1 and d.boolean():
        return (x, _indices(d, x.size)), {"axis": None}
    axis = d.integers(-n, n - 1)
    shape = tuple(1 if d.boolean() else s for s in np.shape(x))
    shape = _with_axis(shape, axis % n, d.integers(0, 4))
    idx = np.array([d.integers(-x.shape[axis], x.shape[axis] - 1)
                    for _ in range(int(np.prod(shape)))], dtype=np.intp).reshape(shape)
    return (x, idx), {"axis": axis}


def _choose(d):
    k = d.integers(1, 3)
    shapes = d.shapes(k + 1)
    mode = d.choice(["raise", "wrap", "clip"])
    lo, hi = (0, k - 1) if mode == "raise" else (-2, k + 1)
    a = np.array([d.integers(lo, hi) for _ in range(int(np.prod(shapes[0])))],
                 dtype=np.intp).reshape(shapes[0])
    if d.boolean():
        choices = d.array((k,) + shapes[1])
    else:
        choices = [d.array(s) for s in shapes[1:]]
    return (a, choices), {"mode": mode}


def _select(d):
    k = d.integers(1, 3)
    shapes = d.shapes(2 * k + 1)
    conds = [np.array([d.boolean() for _ in range(int(np.prod(s)))], dtype=bool).reshape(s)
             for s in shapes[:k]]
    choices = [d.array(s) for s in shapes[k:2 * k]]
    return (conds, choices, d.array(shapes[-1])), {}


def _compress(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    axis = d.choice([None] + list(range(-n, n)))
    length = np.size(x) if axis is None else np.shape(x)[axis]
    cond = [d.boolean() for _ in range(d.integers(0, length))]
    return (cond, x), ({} if axis is None else {"axis": axis})


def _extract(d):
    x = _array(d)
    cond = np.array([d.boolean() for _ in range(x.size)], dtype=bool).reshape(x.shape)
    return (cond, x), {}


def _delete(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    axis = d.choice([None] + list(range(-n, n)))
    length = np.size(x) if axis is None else np.shape(x)[axis]
    if length == 0:
        obj = []
    else:
        obj = d.choice([
            d.integers(-length, length - 1),
            slice(d.integers(-length, length), d.integers(-length, length), d.choice([1, 2, -1])),
            _indices(d, length),
            np.array([d.boolean() for _ in range(length)], dtype=bool),
        ])
    return (x, obj), ({} if axis is None else {"axis": axis})


def _insert(d):
    x = _array(d, min_dims=1)
    n = np.ndim(x)
    axis = d.choice([None] + list(range(-n, n)))
    length = np.size(x) if axis is None else np.shape(x)[axis]
    if d.boolean():
        # a scalar obj inserts one slice; values lack the inserted axis
        obj = d.integers(-length, length)
        values = d.array(d.shape(max_dims=1) if axis is None else
                         tuple(1 if d.boolean() else s
                               for i, s in enumerate(x.shape) if i != axis % n))
    else:
        obj = np.array([d.integers(-length, length) for _ in range(d.integers(1, 3))],
                       dtype=np.intp)
        values = d.array(() if d.boolean() else
                         ((len(obj),) if axis is None else _with_axis(
                             tuple(1 if d.boolean() else s for s in x.shape), axis % n, len(obj))))
    return (x, obj, values), ({} if axis is None else {"axis": axis})


def _trim_zeros(d):
    # Nonzero data: perturbing a zero at the edge would change the output's
    # shape, which no finite difference survives.  The cut is checked by the
    # docstring example of the rule (npgrad.rules.shape._trim_zeros_vjp).
    x = d.array(d.shape(min_dims=1), domain="nonzero")
    return (x,), {"trim": d.choice(["fb", "f", "b"])}


_linear(np.take, _take)
_linear(np.take_along_axis, _take_along_axis)
_linear(np.choose, _choose)
_linear(np.select, _select)
_linear(np.compress, _compress)
_linear(np.extract, _extract)
_linear(np.delete, _delete)
_linear(np.insert, _insert)
spec(np.trim_zeros, _trim_zeros, complex=True)


# ---- indexing ----

def _index_part(d, n):
    """One entry of an index for an axis of length ``n``."""
    kind = d.choice(["slice", "int", "array", "mask"] if n else ["slice"])
    if kind == "slice":
        return slice(d.choice([None, d.integers(-n - 1, n + 1)]),
                     d.choice([None, d.integers(-n - 1, n + 1)]),
                     d.choice([None, 1, 2, -1, -2]))
    if kind == "int":
        return d.integers(-n, n - 1)
    if kind == "array":
        return _indices(d, n, k=d.integers(1, 4))     # repeats likely: np.add.at
    return np.array([d.boolean() for _ in range(n)], dtype=bool)


def _key(d, shape):
    parts = []
    for n in shape:
        if d.integers(0, 4) == 0:
            parts.append(None)
        parts.append(_index_part(d, n))
    cut = d.integers(0, len(parts))
    if d.boolean():     # an Ellipsis stands for the trailing axes
        parts = parts[:cut] + [Ellipsis]
    else:
        parts = parts[:cut]
    arrays = [p for p in parts if isinstance(p, np.ndarray) and p.dtype != bool]
    masks = [p for p in parts if isinstance(p, np.ndarray) and p.dtype == bool]
    if len(arrays) + len(masks) > 1:
        # several advanced indices broadcast together: keep one mask at most
        # (as a full slice otherwise) and give the integer arrays one length
        keep = masks[0] if masks and not arrays else None
        k = len(arrays[0]) if arrays else 0
        parts = [np.resize(p, k) if isinstance(p, np.ndarray) and p.dtype != bool else
                 p if p is keep or not isinstance(p, np.ndarray) else slice(None)
                 for p in parts]
    return tuple(parts) if d.boolean() or len(parts) != 1 else parts[0]


def _getitem(d):
    x = _array(d, min_dims=1)
    if d.integers(0, 5) == 0:       # a mask over every axis
        return (x, np.array([d.boolean() for _ in range(x.size)], dtype=bool).reshape(x.shape)), {}
    return (x, _key(d, x.shape)), {}


def _scatter(d):
    x = _array(d, min_dims=1)
    key = _key(d, x.shape)
    h = d.array(np.shape(x[key]))
    return (h, key, x.shape, h.dtype), {}


_linear(operator.getitem, _getitem)
spec(rules.scatter, _scatter, complex=True, linear=True, argnums=(0,))


spec(getattr(np, "astype", None),
     lambda d: ((d.array(), d.choice((np.float64, np.float32))), {}),
     linear=True, argnums=(0,), dtypes=(np.float64, np.float32))
spec(np.full_like, lambda d: ((d.array(), d.array(())), {}), argnums=(0, 1), complex=True)
