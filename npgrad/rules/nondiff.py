"""Functions whose results are constants: piecewise-constant, integer-valued or metadata.

See ``npgrad._registry.NONDIFFERENTIABLE`` for the policy.  Listed by name
and looked up with ``getattr`` so names missing from an older NumPy are skipped.

Decisions for the borderline ufuncs: ``sign`` is constant (for complex input
NumPy's ``sign`` is z/|z|, which is not; differentiate ``z / np.abs(z)``
instead).  ``heaviside`` is a step.  ``spacing`` (the ulp of x) is constant
on each binade, so it is piecewise constant.  ``nextafter`` is *not* here: it
is x moved by one ulp, so ``ufuncs.py`` gives it d/dx = 1 and d/dy = 0.
"""

import numpy as np

from .._registry import nondifferentiable

PIECEWISE_CONSTANT_UFUNCS = (
    "floor", "ceil", "trunc", "rint", "sign", "signbit", "floor_divide",
    "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not",
    "isnan", "isinf", "isfinite", "isnat", "bitwise_and", "bitwise_or",
    "bitwise_xor", "invert", "left_shift", "right_shift", "gcd", "lcm",
    "bitwise_count", "heaviside", "spacing",
)

CONSTANT_FUNCTIONS = (
    # integer / boolean valued
    "argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero",
    "flatnonzero", "searchsorted", "digitize", "count_nonzero",
    "nanargmax", "nanargmin", "isclose", "allclose", "array_equal", "array_equiv",
    "all", "any", "isreal", "iscomplex", "isrealobj", "iscomplexobj", "isscalar",
    "isneginf", "isposinf", "in1d", "isin", "round", "around", "fix",
    "lexsort", "packbits", "unpackbits", "ravel_multi_index", "unravel_index",
    "diag_indices_from", "tril_indices_from", "triu_indices_from", "einsum_path",
    "is_busday", "busday_count", "busday_offset", "datetime_as_string", "datetime_data",
    # unique (its values move with the input, like sort's) and full_like
    # (differentiable in fill_value) are not here.
    # bincount (weights) and the histogram family (bin edges follow the data)
    # are not here: they are differentiable in some argument.
    # metadata
    "shape", "ndim", "size", "result_type", "can_cast", "min_scalar_type",
    "may_share_memory", "shares_memory", "iterable", "broadcast_shapes",
    "isdtype", "issubdtype", "isfortran", "promote_types", "mintypecode", "common_type",
    # fresh constants shaped like the input
    "zeros_like", "ones_like", "empty_like",
)

CREATION_FUNCTIONS = (
    "zeros", "ones", "empty", "eye", "identity", "tri", "arange", "indices", "ix_",
    "diag_indices", "tril_indices", "triu_indices", "mask_indices",
    "bartlett", "blackman", "hamming", "hanning", "kaiser",
)
"""Arrays built from shapes and integers.  NumPy dispatches them on ``like=``
only, so they never see a traced array (a traced float among their arguments
is converted, which raises TraceLostError); listed for the coverage table."""

nondifferentiable(*(getattr(np, n, None) for n in PIECEWISE_CONSTANT_UFUNCS))
nondifferentiable(*(getattr(np, n, None) for n in CONSTANT_FUNCTIONS))
nondifferentiable(*(getattr(np, n, None) for n in CREATION_FUNCTIONS))
nondifferentiable(getattr(np.fft, "fftfreq", None), getattr(np.fft, "rfftfreq", None))
