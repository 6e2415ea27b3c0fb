"""Elementwise ufunc rules: ``rule(g, ans, x[, y])`` returns ``g * df/dx``.

Broadcasting, dtype and the real part for real inputs are the engine's job.
"""

import numpy as np

from .._registry import defvjp, deflinear

# ---- arithmetic ----
deflinear(np.add, lambda g, ans, x, y: g, lambda g, ans, x, y: g)
deflinear(np.subtract, lambda g, ans, x, y: g, lambda g, ans, x, y: -g)
deflinear(np.negative, lambda g, ans, x: -g)
deflinear(np.positive, lambda g, ans, x: g)
defvjp(np.multiply, lambda g, ans, x, y: g * y, lambda g, ans, x, y: g * x)
defvjp(np.true_divide, lambda g, ans, x, y: g / y, lambda g, ans, x, y: -g * ans / y)
defvjp(np.reciprocal, lambda g, ans, x: -g * ans * ans)
defvjp(np.square, lambda g, ans, x: 2 * g * x)
defvjp(np.sqrt, lambda g, ans, x: g * 0.5 / ans)


def _power_base(g, ans, x, y):
    # x ** (y - 1) is inf at x == 0 for y == 0; the derivative there is 0.
    return g * y * x ** np.where(y == 0, 1, y - 1)


def _power_exponent(g, ans, x, y):
    # d/dy x**y = log(x) x**y; at x == 0 the product is 0 (for y > 0).
    return g * ans * np.log(np.where(x == 0, 1, x))


defvjp(np.power, _power_base, _power_exponent)

# ---- exponentials and logarithms ----
defvjp(np.exp, lambda g, ans, x: g * ans)
defvjp(np.exp2, lambda g, ans, x: g * ans * np.log(2.0))
defvjp(np.expm1, lambda g, ans, x: g * (ans + 1))
defvjp(np.log, lambda g, ans, x: g / x)
defvjp(np.log2, lambda g, ans, x: g / (x * np.log(2.0)))
defvjp(np.log10, lambda g, ans, x: g / (x * np.log(10.0)))
defvjp(np.log1p, lambda g, ans, x: g / (1 + x))
defvjp(np.logaddexp, lambda g, ans, x, y: g * np.exp(x - ans),
       lambda g, ans, x, y: g * np.exp(y - ans))

# ---- trigonometric and hyperbolic ----
defvjp(np.sin, lambda g, ans, x: g * np.cos(x))
defvjp(np.cos, lambda g, ans, x: -g * np.sin(x))
defvjp(np.tan, lambda g, ans, x: g * (1 + ans * ans))
defvjp(np.arcsin, lambda g, ans, x: g / np.sqrt(1 - x * x))
defvjp(np.arccos, lambda g, ans, x: -g / np.sqrt(1 - x * x))
defvjp(np.arctan, lambda g, ans, x: g / (1 + x * x))
defvjp(np.sinh, lambda g, ans, x: g * np.cosh(x))
defvjp(np.cosh, lambda g, ans, x: g * np.sinh(x))
defvjp(np.tanh, lambda g, ans, x: g * (1 - ans * ans))
defvjp(np.arcsinh, lambda g, ans, x: g / np.sqrt(x * x + 1))
defvjp(np.arccosh, lambda g, ans, x: g / np.sqrt(x * x - 1))
defvjp(np.arctanh, lambda g, ans, x: g / (1 - x * x))
defvjp(np.arctan2, lambda g, ans, y, x: g * x / (x * x + y * y),
       lambda g, ans, y, x: -g * y / (x * x + y * y))
defvjp(np.hypot, lambda g, ans, x, y: g * x / ans, lambda g, ans, x, y: g * y / ans)


# ---- absolute value and complex parts ----
def _abs_vjp(g, ans, x):
    if x.dtype.kind == "c":
        # d|z| in the g * f' convention is conj(z) / |z| (0 at z == 0).
        return g * np.conj(x) / np.where(ans == 0, 1, ans)
    return g * np.sign(x)


defvjp(np.absolute, _abs_vjp)
deflinear(np.conjugate, lambda g, ans, x: np.conj(g))
deflinear(np.real, lambda g, ans, val: g)
deflinear(np.imag, lambda g, ans, val: -1j * g)


# ---- maximum / minimum: ties split the gradient evenly ----
def _select(g, ans, x, y):
    return g * (x == ans) / (1.0 + (x == y))


defvjp(np.maximum, _select, lambda g, ans, x, y: _select(g, ans, y, x))
defvjp(np.minimum, _select, lambda g, ans, x, y: _select(g, ans, y, x))

# ---- selection ----
deflinear(np.where, None, lambda g, ans, c, x=None, y=None: np.where(c, g, 0),
          lambda g, ans, c, x=None, y=None: np.where(c, 0, g))


def _clip_bounds(a_min, a_max, kwargs):
    lo = a_min if a_min is not None else kwargs.get("min")
    hi = a_max if a_max is not None else kwargs.get("max")
    return lo, hi


def _clip_a(g, ans, a, a_min=None, a_max=None, **kwargs):
    return g * (ans == a)


def _clip_min(g, ans, a, a_min=None, a_max=None, **kwargs):
    lo, hi = _clip_bounds(a_min, a_max, kwargs)
    return g * ((a < lo) & (ans == lo))


def _clip_max(g, ans, a, a_min=None, a_max=None, **kwargs):
    lo, hi = _clip_bounds(a_min, a_max, kwargs)
    return g * ((a > hi) & (ans == hi))


defvjp(np.clip, _clip_a, _clip_min, _clip_max)
