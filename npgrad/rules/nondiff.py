"""Functions whose results are constants: piecewise-constant, integer-valued or metadata.

See ``npgrad._registry.NONDIFFERENTIABLE`` for the policy.  Listed by name
and looked up with ``getattr`` so names missing from an older NumPy are skipped.
"""

import numpy as np

from .._registry import nondifferentiable

PIECEWISE_CONSTANT_UFUNCS = (
    "floor", "ceil", "trunc", "rint", "sign", "signbit", "floor_divide",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not",
    "isnan", "isinf", "isfinite", "isnat", "bitwise_and", "bitwise_or",
    "bitwise_xor", "invert", "left_shift", "right_shift", "gcd", "lcm",
    "bitwise_count",
)

CONSTANT_FUNCTIONS = (
    # integer / boolean valued
    "argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero",
    "flatnonzero", "searchsorted", "digitize", "bincount", "count_nonzero",
    "nanargmax", "nanargmin", "isclose", "allclose", "array_equal", "array_equiv",
    "all", "any", "isreal", "iscomplex", "isrealobj", "iscomplexobj", "isscalar",
    "isneginf", "isposinf", "in1d", "isin", "unique", "round", "around", "fix",
    "histogram", "histogram2d", "histogramdd", "histogram_bin_edges",
    # metadata
    "shape", "ndim", "size", "result_type", "can_cast", "min_scalar_type",
    "may_share_memory", "shares_memory", "iterable", "broadcast_shapes",
    # fresh constants shaped like the input
    "zeros_like", "ones_like", "empty_like", "full_like",
)

nondifferentiable(*(getattr(np, n, None) for n in PIECEWISE_CONSTANT_UFUNCS))
nondifferentiable(*(getattr(np, n, None) for n in CONSTANT_FUNCTIONS))
