"""Specs of npgrad's own primitives: the identity and ``astype``.

The scatter behind indexing is specified with the shape rules (specs/shape.py).
"""

import numpy as np

from ..._ops import astype
from ..._tape import _identity
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
