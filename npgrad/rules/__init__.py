"""Gradient rules, one module per family; importing npgrad fills the table."""
from . import ufuncs, reductions, shape, linalg, nondiff, fft, numeric, scipy_special  # noqa: F401
