"""Shape, joining, padding and indexing rules.

Almost everything here is linear, so each VJP is the transpose of the
forward map, declared with ``deflinear``.  Transposes that NumPy has no
function for are small primitives defined here, each with its own
transpose, so that rules stay differentiable to any order:

* ``scatter`` (transpose of indexing): ``g`` written into zeros at ``key``,
* ``segment_sum`` (transpose of ``np.repeat`` with per-element repeats),
* ``unpad`` (transpose of the linear ``np.pad`` modes).

Not registered, on purpose:

* ``np.put_along_axis``, ``np.put``, ``np.place``, ``np.putmask``,
  ``np.copyto`` write in place, which the tape cannot record; on a traced
  array they raise :class:`npgrad.NotDifferentiableError` (build the result
  with ``np.where`` or indexing instead).
* ``np.asarray``, ``np.asanyarray``, ``np.ascontiguousarray``,
  ``np.asfortranarray``, ``np.array``, ``np.require`` and
  ``np.asarray_chkfinite`` do not dispatch through ``__array_function__``;
  they convert and raise :class:`npgrad.TraceLostError`.
* ``np.row_stack`` (deprecated) calls ``np.vstack``, whose rule applies.
* ``np.where``, ``np.real`` and ``np.imag`` live in ``ufuncs.py``.
"""

import math
import operator

import numpy as np

from .._core import TracedArray, IndexedSlices, apply
from .._registry import deflinear, defvjp, defvjp_all
from ..api import primitive


def _axis_key(axis, index):
    """An index applying ``index`` along ``axis`` (non-negative)."""
    return (slice(None),) * axis + (index,)


def _is_sequence(arrays):
    return type(arrays) is list or type(arrays) is tuple


# ---- reshaping ----

def _unravel(g, a, order):
    """``g`` laid back into ``a``'s shape: the inverse of reading ``a`` in ``order``."""
    shape = np.shape(a)
    if order in ("A", "a", "K", "k"):
        # 'A' and 'K' follow a's memory layout; empty_like with the same
        # order reproduces that layout in a plain array (metadata only).
        layout = np.empty_like(a, dtype=bool, order=order)
        if order in "Kk":
            perm = sorted(range(len(shape)), key=lambda i: -layout.strides[i])
            g = np.reshape(g, tuple(shape[i] for i in perm))
            return np.transpose(g, np.argsort(perm))
        order = "F" if layout.flags.f_contiguous and not layout.flags.c_contiguous else "C"
    return np.reshape(g, shape, order=order)


def _reshape_vjp(g, ans, a, shape=None, order="C", *, newshape=None, copy=None):
    return _unravel(g, a, order)


deflinear(np.reshape, _reshape_vjp)
deflinear(np.ravel, lambda g, ans, a, order="C": _unravel(g, a, order))
deflinear(np.squeeze, lambda g, ans, a, axis=None: np.reshape(g, np.shape(a)))
deflinear(np.expand_dims, lambda g, ans, a, axis: np.reshape(g, np.shape(a)))
deflinear(np.copy, lambda g, ans, a, order="K", subok=False: g)
deflinear(np.broadcast_to, lambda g, ans, array, shape, subok=False: g)


@defvjp_all(np.broadcast_arrays, linear=True)
def _broadcast_arrays_vjp(g, ans, *args, subok=False):
    return tuple(g)    # the engine sums each back to its argument's shape


@defvjp_all([np.atleast_1d, np.atleast_2d, np.atleast_3d], linear=True)
def _atleast_vjp(g, ans, *arys):
    if len(arys) == 1:      # one argument: one array out, not a tuple
        return (np.reshape(g, np.shape(arys[0])),)
    return tuple(np.reshape(gi, np.shape(x)) for gi, x in zip(g, arys))


# ---- axis permutations ----

def _transpose_vjp(g, ans, a, axes=None):
    if axes is None:
        return np.transpose(g)
    return np.transpose(g, np.argsort([ax % np.ndim(a) for ax in axes]))


def _rollaxis_vjp(g, ans, a, axis, start=0):
    # rollaxis is moveaxis to start - 1 when the axis sits before start.
    n = np.ndim(a)
    axis = axis % n
    start = start + n if start < 0 else start
    return np.moveaxis(g, start - 1 if axis < start else start, axis)


deflinear([np.transpose, getattr(np, "permute_dims", None)], _transpose_vjp)
deflinear(getattr(np, "matrix_transpose", None), lambda g, ans, x: np.matrix_transpose(g))
deflinear(getattr(np.linalg, "matrix_transpose", None),
          lambda g, ans, x: np.linalg.matrix_transpose(g))
deflinear(np.swapaxes, lambda g, ans, a, axis1, axis2: np.swapaxes(g, axis1, axis2))
deflinear(np.moveaxis, lambda g, ans, a, source, destination:
          np.moveaxis(g, destination, source))
deflinear(np.rollaxis, _rollaxis_vjp)


# ---- joining ----

def _item_shapes(arrays):
    """Shapes of the entries of a sequence argument (an array is the sequence of its rows)."""
    if _is_sequence(arrays):
        return [np.shape(x) for x in arrays]
    shape = np.shape(arrays)
    return [shape[1:]] * shape[0]


def _pieces(g, sizes, axis):
    """Consecutive slices of ``g`` along ``axis`` with the given sizes."""
    out, start = [], 0
    for size in sizes:
        out.append(g[_axis_key(axis, slice(start, start + size))])
        start += size
    return out


def _unjoin(g, arrays, sizes, axis):
    """The cotangent of a joined sequence: ``g`` cut along ``axis``, each piece
    shaped like its entry; a list for a list, stacked rows for an array."""
    grads = [np.reshape(p, s) for p, s in zip(_pieces(g, sizes, axis), _item_shapes(arrays))]
    return grads if _is_sequence(arrays) else np.stack(grads)


@defvjp_all(np.concatenate, linear=True)    # np.concat is the same function
def _concatenate_vjp(g, ans, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    shapes = _item_shapes(arrays)
    if axis is None:
        return (_unjoin(g, arrays, [math.prod(s) for s in shapes], 0),)
    axis = axis % np.ndim(ans)
    return (_unjoin(g, arrays, [s[axis] for s in shapes], axis),)


@defvjp_all(np.stack, linear=True)
def _stack_vjp(g, ans, arrays, axis=0, out=None, dtype=None, casting="same_kind"):
    axis = axis % np.ndim(ans)
    grads = [g[_axis_key(axis, i)] for i in range(len(_item_shapes(arrays)))]
    return (grads if _is_sequence(arrays) else np.stack(grads),)


def _atleast(shape, ndim):
    """The shape ``np.atleast_{ndim}d`` gives an array of ``shape``."""
    if len(shape) >= ndim:
        return shape
    if ndim == 3 and len(shape) == 2:
        return shape + (1,)
    if ndim == 3 and len(shape) == 1:
        return (1,) + shape + (1,)
    return (1,) * (ndim - len(shape)) + shape


@defvjp_all(np.hstack, linear=True)
def _hstack_vjp(g, ans, tup, *, dtype=None, casting="same_kind"):
    shapes = [_atleast(s, 1) for s in _item_shapes(tup)]
    axis = 0 if len(shapes[0]) == 1 else 1
    return (_unjoin(g, tup, [s[axis] for s in shapes], axis),)


@defvjp_all(np.vstack, linear=True)
def _vstack_vjp(g, ans, tup, *, dtype=None, casting="same_kind"):
    return (_unjoin(g, tup, [_atleast(s, 2)[0] for s in _item_shapes(tup)], 0),)


@defvjp_all(np.dstack, linear=True)
def _dstack_vjp(g, ans, tup):
    return (_unjoin(g, tup, [_atleast(s, 3)[2] for s in _item_shapes(tup)], 2),)


@defvjp_all(np.column_stack, linear=True)
def _column_stack_vjp(g, ans, tup):
    # 0-d and 1-d entries become columns
    return (_unjoin(g, tup, [s[1] if len(s) >= 2 else 1 for s in _item_shapes(tup)], 1),)


def _block_shape(x, level, depth, ndim):
    if type(x) is not list:
        s = np.shape(x)
        return (1,) * (ndim - len(s)) + s
    shapes = [_block_shape(e, level + 1, depth, ndim) for e in x]
    axis = ndim - (depth - level)
    return shapes[0][:axis] + (sum(s[axis] for s in shapes),) + shapes[0][axis + 1:]


def _unblock(g, x, level, depth, ndim):
    if type(x) is not list:
        return np.reshape(g, np.shape(x))
    # the innermost lists join along the last axis, their parents along the one before ...
    axis = ndim - (depth - level)
    sizes = [_block_shape(e, level + 1, depth, ndim)[axis] for e in x]
    return [_unblock(p, e, level + 1, depth, ndim)
            for p, e in zip(_pieces(g, sizes, axis), x)]


@defvjp_all(np.block, linear=True)
def _block_vjp(g, ans, arrays):
    depth, x = 0, arrays
    while type(x) is list:
        depth, x = depth + 1, x[0]
    return (_unblock(g, arrays, 0, depth, np.ndim(ans)),)


def _append_part(g, ans, x, axis, first):
    """The cotangent of ``arr`` (``first``) or of ``values`` in ``np.append``."""
    if axis is None:       # both raveled
        n = np.size(x)
        return np.reshape(g[:n] if first else g[np.size(g) - n:], np.shape(x))
    axis = axis % np.ndim(ans)
    n = np.shape(x)[axis]
    return g[_axis_key(axis, slice(0, n) if first else slice(np.shape(g)[axis] - n, None))]


deflinear(np.append,
          lambda g, ans, arr, values, axis=None: _append_part(g, ans, arr, axis, True),
          lambda g, ans, arr, values, axis=None: _append_part(g, ans, values, axis, False))


# ---- splitting (several outputs: g is a sequence, zeros for unused outputs) ----

def _split_bounds(n, indices_or_sections):
    """(start, stop) of each piece along the axis, as np.array_split cuts them."""
    if np.ndim(indices_or_sections) == 0:
        each, extras = divmod(n, int(indices_or_sections))
        points = np.cumsum([0] + extras * [each + 1] + (int(indices_or_sections) - extras) * [each])
    else:
        points = [0] + list(indices_or_sections) + [n]
    return [slice(int(st), int(en)).indices(n)[:2] for st, en in zip(points[:-1], points[1:])]


def _unsplit(g, ary, indices_or_sections, axis):
    axis = axis % np.ndim(ary)
    n = np.shape(ary)[axis]
    bounds = _split_bounds(n, indices_or_sections)
    filled = [(st, en) for st, en in bounds if en > st]
    if all(a[1] == b[0] for a, b in zip([(0, 0)] + filled, filled + [(n, n)])):
        return np.concatenate(g, axis=axis)     # the pieces tile the axis in order
    # unordered or overlapping indices: add each piece back where it came from
    shape = np.shape(ary)
    total = 0
    for gi, (st, en) in zip(g, bounds):
        total = total + scatter(gi, _axis_key(axis, slice(st, max(st, en))), shape, gi.dtype)
    return total


deflinear([np.split, np.array_split],
          lambda g, ans, ary, indices_or_sections, axis=0:
          _unsplit(g, ary, indices_or_sections, axis))
deflinear(np.hsplit, lambda g, ans, ary, indices_or_sections:
          _unsplit(g, ary, indices_or_sections, 1 if np.ndim(ary) > 1 else 0))
deflinear(np.vsplit, lambda g, ans, ary, indices_or_sections:
          _unsplit(g, ary, indices_or_sections, 0))
deflinear(np.dsplit, lambda g, ans, ary, indices_or_sections:
          _unsplit(g, ary, indices_or_sections, 2))
deflinear(getattr(np, "unstack", None), lambda g, ans, x, *, axis=0: np.stack(g, axis=axis))


# ---- repetition ----

def _tile_vjp(g, ans, A, reps):
    reps = tuple(reps) if np.ndim(reps) else (int(reps),)
    shape = np.shape(A)
    d = max(len(shape), len(reps))
    shape = (1,) * (d - len(shape)) + shape
    reps = (1,) * (d - len(reps)) + reps
    # the output index along each axis is copy * size + element
    g = np.reshape(g, [n for pair in zip(reps, shape) for n in pair])
    return np.reshape(np.sum(g, axis=tuple(range(0, 2 * d, 2))), np.shape(A))


def _segment_sum_raw(x, repeats, axis):
    repeats = np.asarray(repeats)
    ends = np.cumsum(repeats)
    filled = repeats > 0
    out = np.zeros(x.shape[:axis] + (len(repeats),) + x.shape[axis + 1:], x.dtype)
    if filled.any():
        # reduceat returns an element, not 0, for an empty segment: skip those
        out[_axis_key(axis, filled)] = np.add.reduceat(x, (ends - repeats)[filled], axis=axis)
    return out


@primitive
def segment_sum(x, repeats, axis):
    """Sums of consecutive runs of ``repeats[i]`` entries of ``x`` along ``axis``.

    The transpose of ``np.repeat(a, repeats, axis)`` for per-element repeats.

    Example
    -------
    >>> segment_sum(np.arange(6.0), [2, 0, 4], 0)
    array([ 1.,  0., 14.])
    """
    return _segment_sum_raw(x, repeats, axis)


def _repeat_vjp(g, ans, a, repeats, axis=None):
    shape = np.shape(a) if axis is not None else (np.size(a),)
    axis = 0 if axis is None else axis % len(shape)
    if np.size(repeats) == 1:
        # each element's copies are adjacent: reshape and sum
        r = int(np.reshape(repeats, -1)[0])
        g = np.sum(np.reshape(g, shape[:axis] + (shape[axis], r) + shape[axis + 1:]),
                   axis=axis + 1)
    else:
        g = segment_sum(g, repeats, axis)
    return np.reshape(g, np.shape(a))


def _resize_vjp(g, ans, a, new_shape):
    # the output is a's elements repeated cyclically, the last copy cut short
    n = np.size(a)
    g = np.ravel(g)
    if n == 0:
        return np.reshape(g[:0], np.shape(a))
    copies = -(-np.size(g) // n)
    g = np.concatenate([g, np.zeros(copies * n - np.size(g), g.dtype)])
    return np.reshape(np.sum(np.reshape(g, (copies, n)), axis=0), np.shape(a))


deflinear(np.tile, _tile_vjp, None)
deflinear(np.repeat, _repeat_vjp, None)
deflinear(segment_sum, lambda g, ans, x, repeats, axis: np.repeat(g, repeats, axis),
          None, None)
deflinear(np.resize, _resize_vjp, None)


# ---- padding ----

LINEAR_PAD_MODES = ("constant", "empty", "edge", "wrap", "reflect", "symmetric",
                    "linear_ramp", "mean")
"""np.pad modes that are affine in the array; their VJP is ``unpad``.

``constant_values`` and ``end_values`` are keyword-only, so they are never
differentiated (a traced one raises with the fix in the message).
"""

SELECTING_PAD_MODES = ("maximum", "minimum", "median")
"""np.pad modes that copy (median: average) window elements chosen by value.

The gradient goes to the chosen elements; ties share it evenly (max/min).
"""


def _pairs(x, ndim):
    """``x`` broadcast to one (before, after) pair per axis, as np.pad reads it."""
    if x is None:
        return ((None, None),) * ndim
    if isinstance(x, dict):
        pairs = [(0, 0)] * ndim
        for axis, w in x.items():
            pairs[axis] = (w, w) if np.ndim(w) == 0 else tuple(w)
        x = pairs
    return tuple(map(tuple, np.broadcast_to(np.array(x, dtype=np.intp), (ndim, 2)).tolist()))


def _reflect_steps(N, b, a, n, odd, include_edge):
    """The copies np.pad makes along one axis for 'reflect'/'symmetric'.

    Mirrors ``numpy.lib._arraypad_impl._set_reflect_both``: each step writes
    ``dst`` from the reversed ``src`` (``2 * edge - src`` when ``odd``),
    growing the pad area from the data outwards.
    """
    steps = []
    while b > 0 or a > 0:
        old = N - a - b
        if include_edge:
            old, offset = old // n * n, 1
        else:
            old, offset = (old - 1) // (n - 1) * (n - 1), 0
        if b > 0:
            chunk = min(old, b)
            stop = b - offset
            steps.append((slice(b - chunk, b), slice(stop + chunk, stop, -1),
                          slice(b, b + 1) if odd else None))
            b -= chunk
        if a > 0:
            chunk = min(old, a)
            start = -a + offset - 2
            steps.append((slice(N - a, N - a + chunk), slice(start, start - chunk, -1),
                          slice(-a - 1, -a) if odd else None))
            a -= chunk
    return steps


def _wrap_steps(N, b, a, n):
    """The copies np.pad makes along one axis for 'wrap' (``_set_wrap_both``)."""
    steps = []
    while b > 0 or a > 0:
        period = (N - a - b) // n * n
        new_b = new_a = 0
        if b > 0:
            end = b + period
            src = slice(end - min(period, b), end)
            if b > period:
                steps.append((slice(b - period, b), src, None))
                new_b = b - period
            else:
                steps.append((slice(None, b), src, None))
        if a > 0:
            start = -a - period
            src = slice(start, start + min(period, a))
            if a > period:
                steps.append((slice(-a, -a + period), src, None))
                new_a = a - period
            else:
                steps.append((slice(-a, None), src, None))
        b, a = new_b, new_a
    return steps


def _unpad_axis(v, b, a, mode, odd, stat_length):
    """Transpose of padding axis 0 of ``v`` in place; returns the center."""
    N = v.shape[0]
    n = N - b - a
    if mode in ("reflect", "symmetric") and n == 1:
        mode = "edge"      # NumPy pads a length-1 axis with its edge
    if mode == "edge":
        v[b] += v[:b].sum(0)
        v[N - a - 1] += v[N - a:].sum(0)
    elif mode == "linear_ramp":
        # pad value j of a ramp of width w is edge * j / w (+ a constant)
        v[b] += np.tensordot(np.arange(b) / max(b, 1), v[:b], axes=(0, 0))
        v[N - a - 1] += np.tensordot(np.arange(a)[::-1] / max(a, 1), v[N - a:], axes=(0, 0))
    elif mode == "mean":
        lb, la = (n if s is None else min(s, n) for s in stat_length)
        v[b:b + lb] += v[:b].sum(0) / max(lb, 1)
        v[N - a - la:N - a] += v[N - a:].sum(0) / max(la, 1)
    elif mode in ("reflect", "symmetric", "wrap"):
        steps = (_wrap_steps(N, b, a, n) if mode == "wrap" else
                 _reflect_steps(N, b, a, n, odd, mode == "symmetric"))
        for dst, src, edge in reversed(steps):
            gd = v[dst]
            if edge is None:
                v[src] += gd
            else:
                v[src] -= gd
                v[edge] += 2 * gd.sum(0, keepdims=True)
    return v[b:N - a]


def _unpad_raw(g, pad_width, mode, reflect_type, stat_length):
    shape = tuple(s - b - a for s, (b, a) in zip(np.shape(g), pad_width))
    if 0 in shape or mode in ("constant", "empty"):
        return g[tuple(slice(b, b + n) for (b, a), n in zip(pad_width, shape))]
    G = np.array(g)             # a private copy, transposed in place
    stat_length = stat_length or ((None, None),) * G.ndim
    for axis in reversed(range(G.ndim)):
        b, a = pad_width[axis]
        if b or a:
            v = _unpad_axis(np.moveaxis(G, axis, 0), b, a, mode, reflect_type == "odd",
                            stat_length[axis])
            G = np.moveaxis(v, 0, axis)
    return G


@primitive
def unpad(g, pad_width, mode, reflect_type="even", stat_length=None):
    """Transpose of ``np.pad`` for the modes in ``LINEAR_PAD_MODES``.

    ``pad_width`` and ``stat_length`` are per-axis pairs.  Pad entries are
    added back onto the entries they were copied (or computed) from.

    Example
    -------
    >>> unpad(np.arange(6.0), ((1, 2),), "edge")      # pads 0 | 1 2 3 | 4 5
    array([ 1.,  2., 12.])
    """
    return _unpad_raw(g, pad_width, mode, reflect_type, stat_length)


def _repad(g, ans, h, pad_width, mode, reflect_type="even", stat_length=None):
    # the linear part of np.pad: zero constants and end values
    if not pad_width:       # a 0-d array: nothing was padded
        return g
    if mode in ("constant", "empty"):
        return np.pad(g, pad_width)
    if mode in ("reflect", "symmetric"):
        return np.pad(g, pad_width, mode, reflect_type=reflect_type)
    if mode == "mean":
        return np.pad(g, pad_width, mode, stat_length=stat_length)
    return np.pad(g, pad_width, mode)


def _stat_weights(window, axis, mode):
    """Weights of the window entries in the pad value (constants)."""
    if mode == "median":
        n = np.shape(window)[axis]
        rank = np.argsort(np.argsort(window, axis=axis, kind="stable"), axis=axis)
        return ((rank == (n - 1) // 2) * 0.5) + ((rank == n // 2) * 0.5)
    stat = np.max if mode == "maximum" else np.min
    hit = window == stat(window, axis=axis, keepdims=True)
    return hit / np.sum(hit, axis=axis, keepdims=True)


def _unpad_selected(g, ans, pads, mode, stat_length):
    ndim = len(pads)
    for axis in reversed(range(ndim)):
        b, a = pads[axis]
        N = np.shape(g)[axis]
        n = N - b - a
        lb, la = (min(s, n) for s in stat_length[axis])
        # the values np.pad saw for this axis: later axes not padded yet
        roi = ans[tuple(slice(pb, np.shape(ans)[k] - pa) if k > axis else slice(None)
                        for k, (pb, pa) in enumerate(pads))]
        center = g[_axis_key(axis, slice(b, N - a))]
        for pad, window, side in (
                (slice(0, b), slice(b, b + lb), (0, n - lb)),
                (slice(N - a, N), slice(N - a - la, N - a), (n - la, 0))):
            if pad.stop > pad.start:
                w = _stat_weights(roi[_axis_key(axis, window)], axis, mode)
                spread = w * np.sum(g[_axis_key(axis, pad)], axis=axis, keepdims=True)
                widths = [(0, 0)] * axis + [side] + [(0, 0)] * (ndim - axis - 1)
                center = center + np.pad(spread, widths)
        g = center
    return g


def _pad_vjp(g, ans, array, pad_width, mode="constant", **kwargs):
    ndim = np.ndim(array)
    pads = _pairs(pad_width, ndim)
    # a missing stat_length means the whole axis
    stat_length = tuple((n if lb is None else lb, n if la is None else la) for n, (lb, la)
                        in zip(np.shape(array), _pairs(kwargs.get("stat_length"), ndim)))
    if mode in SELECTING_PAD_MODES:
        return _unpad_selected(g, ans, pads, mode, stat_length)
    if mode not in LINEAR_PAD_MODES:
        raise NotImplementedError(
            f"npgrad has no gradient for np.pad(mode={mode!r}); use one of "
            f"{LINEAR_PAD_MODES + SELECTING_PAD_MODES}, or build the padding with "
            "np.concatenate.")
    return unpad(g, pads, mode, kwargs.get("reflect_type", "even"), stat_length)


defvjp(np.pad, _pad_vjp, None)      # affine, not linear: constant_values / end_values
deflinear(unpad, _repad, None, None, None, None)


# ---- reordering ----

deflinear(np.flip, lambda g, ans, m, axis=None: np.flip(g, axis))
deflinear(np.fliplr, lambda g, ans, m: np.fliplr(g))
deflinear(np.flipud, lambda g, ans, m: np.flipud(g))
deflinear(np.roll, lambda g, ans, a, shift, axis=None: np.roll(g, np.negative(shift), axis),
          None)
deflinear(np.rot90, lambda g, ans, m, k=1, axes=(0, 1): np.rot90(g, -k, axes))


# ---- diagonals and triangles ----

def _undiagonal(g, shape, offset, axis1, axis2):
    """Zeros of ``shape`` with ``g`` on the diagonal that ``np.diagonal`` reads."""
    ndim = len(shape)
    axis1, axis2 = axis1 % ndim, axis2 % ndim
    m, n = shape[axis1], shape[axis2]
    rest = tuple(s for i, s in enumerate(shape) if i not in (axis1, axis2))
    length = np.shape(g)[-1]
    # the diagonal of an (m, n) block is a strided slice of its flattening:
    # a basic index, so scatter writes it without np.add.at
    start = max(-offset, 0) * n + max(offset, 0)
    diag = slice(start, start + (length - 1) * (n + 1) + 1, n + 1) if length else slice(0, 0)
    flat = scatter(g, (Ellipsis, diag), rest + (m * n,), g.dtype)
    return np.moveaxis(np.reshape(flat, rest + (m, n)), (-2, -1), (axis1, axis2))


def _diag_vjp(g, ans, v, k=0):
    if np.ndim(v) == 1:
        return np.diagonal(g, k)
    return _undiagonal(g, np.shape(v), k, 0, 1)


deflinear(np.diag, _diag_vjp)
deflinear(np.diagflat, lambda g, ans, v, k=0: np.reshape(np.diagonal(g, k), np.shape(v)))
deflinear(np.diagonal, lambda g, ans, a, offset=0, axis1=0, axis2=1:
          _undiagonal(g, np.shape(a), offset, axis1, axis2))
deflinear(np.tril, lambda g, ans, m, k=0: np.tril(g, k))
deflinear(np.triu, lambda g, ans, m, k=0: np.triu(g, k))


# ---- selection ----

def _wrapped(indices, n, mode):
    """Indices as ``mode`` ('raise', 'wrap' or 'clip') resolves them."""
    if mode == "wrap":
        return np.mod(indices, n)
    if mode == "clip":
        return np.clip(indices, 0, n - 1)
    return indices


def _take_vjp(g, ans, a, indices, axis=None, out=None, mode="raise"):
    if axis is None:
        n = np.size(a)
        key = (np.ravel(_wrapped(indices, n, mode)),)
        return np.reshape(scatter(np.ravel(g), key, (n,), g.dtype), np.shape(a))
    axis = axis % np.ndim(a)
    key = _axis_key(axis, _wrapped(indices, np.shape(a)[axis], mode))
    return scatter(g, key, np.shape(a), g.dtype)


def _take_along_axis_vjp(g, ans, arr, indices, axis=-1):
    if axis is None:
        n = np.size(arr)
        return np.reshape(scatter(g, (indices,), (n,), g.dtype), np.shape(arr))
    shape = np.shape(arr)
    ndim = len(shape)
    axis = axis % ndim
    key = tuple(indices if i == axis else
                np.reshape(np.arange(shape[i]), (1,) * i + (-1,) + (1,) * (ndim - i - 1))
                for i in range(ndim))
    return scatter(g, key, shape, g.dtype)


@defvjp_all(np.choose, linear=True)
def _choose_vjp(g, ans, a, choices, out=None, mode="raise"):
    n = len(choices) if _is_sequence(choices) else np.shape(choices)[0]
    a = _wrapped(a, n, mode)
    grads = [np.where(np.equal(a, j), g, 0) for j in range(n)]
    if _is_sequence(choices):
        return None, grads
    # an array of choices: axis 0 lists them, the rest broadcast against `a`;
    # sum the axes broadcasting added in front of each choice.
    extra = np.ndim(g) - (np.ndim(choices) - 1)
    return None, np.sum(np.stack(grads), axis=tuple(range(1, 1 + extra)))


@defvjp_all(np.select, linear=True)
def _select_vjp(g, ans, condlist, choicelist, default=0):
    # the first true condition wins; default takes what no condition claims
    grads, free = [], True
    for c in condlist:
        grads.append(np.where(np.logical_and(free, c), g, 0))
        free = np.logical_and(free, np.logical_not(c))
    return None, grads, np.where(free, g, 0)


def _mask(positions, n):
    """A boolean mask of length ``n`` that is True at ``positions``."""
    mask = np.zeros(n, dtype=bool)
    mask[positions] = True
    return mask


def _unselect(g, a, axis, positions):
    """Zeros like ``a`` with ``g`` at the (distinct, sorted) ``positions`` along ``axis``.

    A boolean mask keeps the scatter a plain assignment.
    """
    if axis is None:
        n = np.size(a)
        return np.reshape(scatter(g, (_mask(positions, n),), (n,), g.dtype), np.shape(a))
    axis = axis % np.ndim(a)
    mask = _mask(positions, np.shape(a)[axis])
    return scatter(g, _axis_key(axis, mask), np.shape(a), g.dtype)


def _kept(a, obj, axis):
    n = np.size(a) if axis is None else np.shape(a)[axis % np.ndim(a)]
    return np.delete(np.arange(n), obj)


deflinear(np.compress, None, lambda g, ans, condition, a, axis=None, out=None:
          _unselect(g, a, axis, np.flatnonzero(condition)))
deflinear(np.extract, None, lambda g, ans, condition, arr:
          _unselect(g, arr, None, np.flatnonzero(condition)))
deflinear(np.delete, lambda g, ans, arr, obj, axis=None:
          _unselect(g, arr, axis, _kept(arr, obj, axis)), None)


# np.insert reshapes and broadcasts `values` in ways not worth repeating here:
# inserting labels instead of data shows where every entry went.

def _insert_arr_vjp(g, ans, arr, obj, values, axis=None):
    labels = np.insert(np.reshape(np.arange(np.size(arr)), np.shape(arr)), obj,
                       np.full(np.shape(values), -1), axis)
    return np.reshape(g[labels >= 0], np.shape(arr))


def _insert_values_vjp(g, ans, arr, obj, values, axis=None):
    labels = np.insert(np.full(np.shape(arr), -1), obj,
                       np.reshape(np.arange(np.size(values)), np.shape(values)), axis)
    hit = labels >= 0
    # a value broadcast into several slots collects from all of them
    return np.reshape(scatter(g[hit], (labels[hit],), (np.size(values),), g.dtype),
                      np.shape(values))


deflinear(np.insert, _insert_arr_vjp, None, _insert_values_vjp)


def _trim_zeros_vjp(g, ans, filt, trim="fb", axis=None):
    """``g`` on the block np.trim_zeros kept (which depends on where ``filt`` is 0).

    Example
    -------
    >>> import npgrad
    >>> npgrad.grad(lambda x: np.sum(2 * np.trim_zeros(x)))(np.array([0, 1.0, 0, 3, 0]))
    array([0., 2., 2., 2., 0.])
    """
    ndim = np.ndim(filt)
    axes = range(ndim) if axis is None else [
        ax % ndim for ax in ((axis,) if np.ndim(axis) == 0 else axis)]
    nonzero = np.argwhere(filt)
    if nonzero.size == 0:
        start = stop = [0] * ndim
    else:
        start = np.min(nonzero, axis=0) if "f" in trim.lower() else [None] * ndim
        stop = np.max(nonzero, axis=0) + 1 if "b" in trim.lower() else [None] * ndim
    key = tuple(slice(start[i], stop[i]) if i in axes else slice(None) for i in range(ndim))
    return scatter(g, key, np.shape(filt), g.dtype)


deflinear(np.take, _take_vjp, None)
deflinear(np.take_along_axis, _take_along_axis_vjp, None)
defvjp(np.trim_zeros, _trim_zeros_vjp)


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
    """The transpose of ``x[key]``: ``g`` added into zeros of ``shape`` at ``key``.

    Basic indices and boolean masks are written with one assignment, which
    costs the same as doing it by hand; only integer-array indices, which
    can repeat, go through ``np.add.at``.

    Example
    -------
    >>> scatter(np.ones(3), ([0, 0, 2],), (4,), float)
    array([2., 0., 1., 0.])
    """
    if isinstance(g, TracedArray):
        return apply(scatter, _scatter_raw, (g, key, shape, dtype), {})
    return _scatter_raw(g, key, shape, dtype)


def _index_vjp(g, ans, x, key):
    # On plain arrays, an index that cannot repeat gives an unmaterialised
    # cotangent that the sweep adds into its buffer in place; traced ones
    # (higher order) need the recorded scatter.
    if not isinstance(g, TracedArray) and _is_basic(key):
        return IndexedSlices(key, g)
    return scatter(g, key, np.shape(x), g.dtype)


deflinear(operator.getitem, _index_vjp, None)
deflinear(scatter, lambda g, ans, h, key, shape, dtype: g[key], None, None, None)


# np.astype (NumPy 2.1+) is the ndarray method as a function: the transpose of
# a cast is the identity, the engine casts back.
deflinear(getattr(np, "astype", None), lambda g, ans, x, dtype, **kwargs: g)

# full_like: a's values do not matter (a rule returning None is an exact zero),
# the fill value receives every element's cotangent.
defvjp(np.full_like, lambda g, ans, a, *args, **kwargs: None,
       lambda g, ans, a, fill_value, *args, **kwargs: g)
