"""Specs of npgrad's own primitives: the identity, ``astype`` and the scatter behind indexing."""

import numpy as np

from ..._ops import astype
from ..._tape import _identity
from ...rules.shape import scatter
from . import spec

spec(_identity, lambda d: ((d.array(),), {}), complex=True, linear=True)


def _astype_case(d):
    x = d.array()
    if d.dtype.kind == "c":
        # complex -> real would drop the imaginary part with a ComplexWarning
        targets = (np.complex128, np.complex64)
    else:
        targets = (np.float64, np.float32, np.complex128)
    return (x, d.choice(targets)), {}


spec(astype, _astype_case, complex=True, linear=True, argnums=(0,))


def _scatter_key(d, shape):
    """An index into ``shape``: basic (slices, ints), a mask, or integers that repeat."""
    n = shape[0]
    kind = d.choice(["slice", "int", "ellipsis", "mask", "repeated"])
    if kind == "slice":
        start = d.integers(0, n)
        return (slice(start, d.integers(start, n), d.integers(1, 2)),)
    if kind == "int":
        return (d.integers(-n, n - 1),)
    if kind == "ellipsis":
        return (Ellipsis, d.integers(0, shape[-1] - 1))
    if kind == "mask":
        return np.array([d.boolean() for _ in range(n)])
    picks = [d.integers(0, n - 1) for _ in range(d.integers(1, 4))]
    return (np.array(picks + picks[:1]),)        # at least one repeat: np.add.at's path


def _scatter_case(d):
    shape = d.shape(min_dims=1, min_side=1)
    key = _scatter_key(d, shape)
    g = d.array(np.zeros(shape)[key].shape)
    return (g, key, shape, d.dtype), {}


spec(scatter, _scatter_case, complex=True, linear=True, argnums=(0,))
