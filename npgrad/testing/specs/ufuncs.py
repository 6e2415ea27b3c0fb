"""Specs for ``npgrad/rules/ufuncs.py``: elementwise ufuncs, their methods, and
the elementwise array functions (``angle``, ``sinc``, ``where``, ``clip``, ...).

``complex=False`` marks functions with no complex loop or that NumPy does not
define holomorphically on complex input (ordering, rounding).  Functions with
kinks or jumps (abs, maximum, fmod, modf, clip, ...) get domains that keep
every finite-difference step away from them, so they keep the second-order
check: the domains say where the kinks are.
"""

import importlib.util

import numpy as np

from . import elementwise, spec

# ---- arithmetic ----
elementwise(np.add, linear=True)
elementwise(np.subtract, linear=True)
elementwise(np.negative, linear=True)
elementwise(np.positive, linear=True)
elementwise(np.multiply)
elementwise(np.true_divide, "real", "nonzero")
elementwise(np.reciprocal, "nonzero")
elementwise(np.square)
elementwise(np.sqrt, "positive")
elementwise(np.cbrt, "nonzero", complex=False)
elementwise(np.power, "positive", "real")
elementwise(np.float_power, "positive", "real")
elementwise(np.modf, "away_from_int", complex=False)
elementwise(np.ldexp, "real", "int", complex=False, linear=True)
elementwise(np.copysign, "nonzero", "nonzero", complex=False)
elementwise(np.nextafter, "real", "real", complex=False)


# fmod, remainder, divmod and frexp jump where x / y or the mantissa of x
# crosses an integer or a power of two.  No per-argument domain keeps a
# finite-difference step away from those points, so these draw their inputs
# with make() (their derived ``outer`` rules are then not generated tests).
def _quotient_args(d):
    """x = q * y with q at least 0.15 from an integer (either argument the larger one)."""
    sx, sy = d.shapes(2)
    if d.boolean():
        y = d.array(sy, "nonzero")
        return ((d.array(sx, "away_from_int", np.float64) * y).astype(d.dtype), y), {}
    x = d.array(sx, "nonzero")
    return (x, (x / d.array(sy, "away_from_int", np.float64)).astype(d.dtype)), {}


def _frexp_args(d):
    """x = +-m * 2**e with the mantissa m in (0.57, 0.93), away from 0.5 and 1."""
    shape = d.shape()
    m = 0.55 + 0.4 * d.array(shape, "prob", dtype=np.float64)
    sign = np.sign(d.array(shape, "nonzero", dtype=np.float64))
    return ((sign * m * 2.0 ** d.array(shape, "int")).astype(d.dtype),), {}


spec(np.fmod, _quotient_args)
spec(np.remainder, _quotient_args)
spec(np.divmod, _quotient_args)
spec(np.frexp, _frexp_args)

# ---- exponentials and logarithms ----
elementwise(np.exp)
elementwise(np.exp2)
elementwise(np.expm1)
elementwise(np.log, "positive")
elementwise(np.log2, "positive")
elementwise(np.log10, "positive")
elementwise(np.log1p, "positive")
elementwise(np.logaddexp, complex=False)
elementwise(np.logaddexp2, complex=False)

# ---- trigonometric and hyperbolic ----
elementwise(np.sin)
elementwise(np.cos)
elementwise(np.tan, "unit")
elementwise(np.arcsin, "unit")
elementwise(np.arccos, "unit")
elementwise(np.arctan)
elementwise(np.sinh)
elementwise(np.cosh)
elementwise(np.tanh)
elementwise(np.arcsinh)
elementwise(np.arccosh, "above1")
elementwise(np.arctanh, "unit")
elementwise(np.deg2rad, complex=False, linear=True)
elementwise(np.rad2deg, complex=False, linear=True)
elementwise(np.radians, complex=False, linear=True)
elementwise(np.degrees, complex=False, linear=True)
elementwise(np.hypot, complex=False)
# y away from 0: arctan2 jumps by 2 pi across y == 0 for x < 0
elementwise(np.arctan2, "nonzero", "real", complex=False)

# ---- absolute value, complex parts ----
elementwise(np.absolute, "nonzero")
elementwise(np.fabs, "nonzero", complex=False)
elementwise(np.conjugate, linear=True)
spec(np.real, lambda d: ((d.array(),), {}), complex=True, linear=True)
spec(np.imag, lambda d: ((d.array(),), {}), complex=True, linear=True)
spec(np.real_if_close, lambda d: ((d.array(),), {}), complex=True)
spec(np.angle, lambda d: ((d.array(domain="nonzero"),), {"deg": d.boolean()}), complex=True)


def _with_nonfinite(d):
    a = d.array()
    shape = np.shape(a)
    a = np.where(d.array(shape, dtype=np.float64) > 1.0, np.inf, a)
    a = np.where(d.array(shape, dtype=np.float64) < -1.0, np.nan, a)
    return ((a,), d.choice([{}, {"nan": 0.5, "posinf": 2.0, "neginf": -2.0}]))


spec(np.nan_to_num, _with_nonfinite, complex=True)


# ---- special functions written in Python ----
def _with_zeros(d):
    a = d.array()
    return ((np.where(d.array(np.shape(a), dtype=np.float64) > 1.0, 0, a),), {})


spec(np.sinc, _with_zeros, complex=True)
if importlib.util.find_spec("scipy") is not None:
    spec(np.i0, lambda d: ((d.array(domain="small"),), {}))

# ---- maximum / minimum ----
# One argument an integer constant and the other at least 0.15 from any
# integer: no finite-difference step straddles the kink x == y, and either
# argument wins somewhere.  The rules of the two arguments are one function
# with the arguments swapped; maximum/fmax test it as argument 0,
# minimum/fmin as argument 1.
elementwise(np.maximum, "away_from_int", "int", complex=False)
elementwise(np.minimum, "int", "away_from_int", complex=False)
elementwise(np.fmax, "away_from_int", "int", complex=False)
elementwise(np.fmin, "int", "away_from_int", complex=False)


# ---- selection ----
def _where_args(d):
    sc, sx, sy = d.shapes(3)
    return ((d.array(sc, "bool"), d.array(sx), d.array(sy)), {})


def _clip_args(d):
    # integral bounds lo <= -1 < 1 <= hi, values at least 0.15 away from them
    sa, slo, shi = d.shapes(3)
    lo = -1 - np.abs(d.array(slo, "int")).astype(d.dtype)
    hi = 1 + np.abs(d.array(shi, "int")).astype(d.dtype)
    return ((d.array(sa, "away_from_int"), lo, hi), {})


spec(np.where, _where_args, complex=True, linear=True)
spec(np.clip, _clip_args)


# ---- ufunc methods ----
def _reduce_args(domain="real"):
    def make(d):
        a = d.array(d.shape(min_side=1), domain)
        return ((a,), {"axis": d.axis(np.ndim(a)), "keepdims": d.boolean()})
    return make


def _accumulate_args(domain="real"):
    def make(d):
        a = d.array(d.shape(min_dims=1), domain)
        return ((a,), {"axis": d.choice(range(-np.ndim(a), np.ndim(a)))})
    return make


def _reduceat_args(d):
    a = d.array(d.shape(min_dims=1, min_side=1))
    axis = d.choice(range(np.ndim(a)))
    n = np.shape(a)[axis]
    indices = [d.choice(range(n)) for _ in range(d.choice([1, 2, 3, 4]))]
    return ((a, indices), {"axis": axis})


spec((np.logaddexp, "reduce"), _reduce_args())
spec((np.logaddexp2, "reduce"), _reduce_args())
spec((np.hypot, "reduce"), _reduce_args("nonzero"))
spec((np.fmax, "reduce"), _reduce_args("distinct"))
spec((np.fmin, "reduce"), _reduce_args("distinct"))
spec((np.maximum, "accumulate"), _accumulate_args("distinct"))
spec((np.minimum, "accumulate"), _accumulate_args("distinct"))
spec((np.logaddexp, "accumulate"), _accumulate_args())
spec((np.add, "reduceat"), _reduceat_args, complex=True, linear=True)
