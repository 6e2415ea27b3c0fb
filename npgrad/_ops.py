"""Python operators and ndarray methods of TracedArray, generated from tables.

Operators call the engine directly (skipping NumPy's override search, which
is the slow part of ``np.add(t, 1)``); methods call the NumPy function, so
they go through ``__array_function__`` and use the same rules.
"""

import functools
import operator

import numpy as np

from ._registry import deflinear
from ._core import TracedArray, apply, apply_ufunc, _KNOWN, _SLOW

_EMPTY = {}

BINARY_OPERATORS = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "truediv": np.true_divide,
    "floordiv": np.floor_divide, "mod": np.remainder, "pow": np.power,
    "matmul": np.matmul, "and": np.bitwise_and, "or": np.bitwise_or,
    "xor": np.bitwise_xor, "lshift": np.left_shift, "rshift": np.right_shift,
}
"""Binary dunder name -> ufunc; each gives ``__x__``, ``__rx__`` and ``__ix__``."""

COMPARISONS = {"lt": np.less, "le": np.less_equal, "eq": np.equal,
               "ne": np.not_equal, "gt": np.greater, "ge": np.greater_equal}

UNARY_OPERATORS = {"neg": np.negative, "pos": np.positive, "abs": np.absolute,
                   "invert": np.invert}


SCALAR_MATH = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
               np.true_divide: operator.truediv, np.negative: operator.neg}
"""Ufuncs whose Python operator computes the same values (NumPy's scalar math on
NumPy scalars, the ufunc itself on arrays) for a tenth of a ufunc call on scalars."""


def _binary(ufunc):
    pyop = SCALAR_MATH.get(ufunc)

    def op(self, other):
        out = apply_ufunc(ufunc, (self, other), pyop)
        if out is not _SLOW:
            return out
        if not isinstance(other, _KNOWN):
            if getattr(type(other), "__array_ufunc__", False) is None:
                return NotImplemented
            return ufunc(self, other)
        return apply(ufunc, ufunc, (self, other), _EMPTY)
    return op


def _reflected(ufunc):
    pyop = SCALAR_MATH.get(ufunc)

    def op(self, other):
        # A Python complex on the left would run its own arithmetic on a
        # float64 (a float subclass) and return a Python complex; any other
        # plain left operand defers to NumPy's.
        out = apply_ufunc(ufunc, (other, self), None if type(other) is complex else pyop)
        if out is not _SLOW:
            return out
        if not isinstance(other, _KNOWN):
            if getattr(type(other), "__array_ufunc__", False) is None:
                return NotImplemented
            return ufunc(other, self)
        return apply(ufunc, ufunc, (other, self), _EMPTY)
    return op


def _unary(ufunc):
    pyop = SCALAR_MATH.get(ufunc)

    def op(self):
        out = apply_ufunc(ufunc, (self,), pyop)
        return apply(ufunc, ufunc, (self,), _EMPTY) if out is _SLOW else out
    return op


for _name, _ufunc in BINARY_OPERATORS.items():
    setattr(TracedArray, f"__{_name}__", _binary(_ufunc))
    setattr(TracedArray, f"__r{_name}__", _reflected(_ufunc))
    # Augmented assignment rebinds the name to a new traced array: NumPy's
    # in-place semantics (views seeing the update) come with in-place support.
    setattr(TracedArray, f"__i{_name}__", _binary(_ufunc))
for _name, _ufunc in COMPARISONS.items():
    setattr(TracedArray, f"__{_name}__", _binary(_ufunc))
for _name, _ufunc in UNARY_OPERATORS.items():
    setattr(TracedArray, f"__{_name}__", _unary(_ufunc))
TracedArray.__hash__ = lambda self: id(self)   # __eq__ above would clear it


def _divmod(self, other):
    return apply(np.divmod, np.divmod, (self, other), _EMPTY)


def _rdivmod(self, other):
    return apply(np.divmod, np.divmod, (other, self), _EMPTY)


TracedArray.__divmod__ = _divmod
TracedArray.__rdivmod__ = _rdivmod

METHODS = (
    "all", "any", "argmax", "argmin", "argpartition", "argsort", "choose", "clip",
    "compress", "conj", "conjugate", "cumprod", "cumsum", "diagonal", "dot", "max",
    "mean", "min", "nonzero", "prod", "ptp", "put", "repeat", "round",
    "searchsorted", "squeeze", "std", "sum", "swapaxes", "take", "trace", "var",
)
"""ndarray methods that are the NumPy function of the same name with ``self`` first."""


def _method(func):
    @functools.wraps(func)
    def method(self, *args, **kwargs):
        return func(self, *args, **kwargs)
    return method


for _name in METHODS:
    _func = getattr(np, _name, None)
    if _func is not None:
        setattr(TracedArray, _name, _method(_func))


def _shape_args(args):
    """``t.reshape(2, 3)`` and ``t.reshape((2, 3))`` mean the same."""
    if len(args) == 1 and (args[0] is None or isinstance(args[0], (tuple, list))):
        return args[0]
    return args


def reshape(self, *shape, order="C"):
    return np.reshape(self, _shape_args(shape), order=order)


def transpose(self, *axes):
    axes = _shape_args(axes) if axes else None
    return np.transpose(self, axes)


def ravel(self, order="C"):
    return np.ravel(self, order=order)


def flatten(self, order="C"):
    return np.ravel(self, order=order)


def copy(self, order="K"):
    return np.copy(self, order=order)


def _astype_raw(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    return np.asarray(x).astype(dtype, order=order, casting=casting, copy=copy)


def astype(x, dtype, order="K", casting="unsafe", subok=True, copy=True):
    """``x.astype(dtype)`` as a recorded operation (the gradient is cast back)."""
    if isinstance(x, TracedArray):
        return apply(astype, _astype_raw, (x, dtype), dict(
            order=order, casting=casting, copy=copy))
    return _astype_raw(x, dtype, order=order, casting=casting, copy=copy)


# The cast's transpose is the identity: the engine casts the cotangent back to
# the input's dtype (and stops at integer inputs).
deflinear(astype, lambda g, ans, x, dtype, **kwargs: g)


def sort(self, *args, **kwargs):
    raise TypeError("t.sort() sorts in place, which npgrad does not record; "
                    "use t = np.sort(t).")


def fill(self, value):
    raise TypeError("t.fill() writes in place, which npgrad does not record; "
                    "use np.full_like(t, value).")


for _f in (reshape, transpose, ravel, flatten, copy, astype, sort, fill):
    setattr(TracedArray, _f.__name__, _f)

getitem = operator.getitem
