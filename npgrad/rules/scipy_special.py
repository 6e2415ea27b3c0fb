"""Rules for the ufuncs of ``scipy.special``: ``rule(g, ans, *args)`` returns ``g * df/dx``.

scipy.special's functions are NumPy ufuncs, so a traced array reaches them
through ``__array_ufunc__`` exactly as it reaches ``np.sin``: unmodified code
calling ``scipy.special.gammaln(x)`` is recorded.  The keys are SciPy's ufunc
objects (``sc.expm1``, ``sc.log1p``, ``sc.exp2``, ``sc.cbrt`` and ``sc.i0`` are
SciPy's own ufuncs, distinct from NumPy's; ``sc.psi is sc.digamma``).

Derivatives are written with scipy.special itself (d/dx iv(v, x) =
(iv(v-1, x) + iv(v+1, x)) / 2, trigamma = zeta(2, x)), so the backward pass
is recorded too and higher derivatives work.  Arguments without a closed-form
derivative have a ``None`` rule, and a traced array passed there raises
NotDifferentiableError at the call: the order ``v`` or ``n`` of the Bessel,
exponential-integral and polygamma functions, ``a`` of ``gammainc``, ``a``
and ``b`` of ``betainc`` and ``df`` of ``stdtr``.  The exponent of ``zeta``
is differentiable through an Euler-Maclaurin series (``zeta_dx``).

Not here: SciPy's Python functions, which convert their input
(``logsumexp``, ``softmax``, ``log_softmax``, ``polygamma``,
``multigammaln``); their drop-ins live in :mod:`npgrad.scipy.special`.
``softplus`` is ``np.logaddexp(0, x)`` and needs no rule.
"""

import numpy as np
import scipy.special as sc

from .._registry import defvjp, nondifferentiable
from ..api import primitive
# Importing npgrad.scipy (its __init__ only, which imports no SciPy) fills
# npgrad._core.ALTERNATIVES, so that the TraceLostError of an unmodified call
# of scipy.special.logsumexp & co. names the drop-in even before the user
# imports npgrad.scipy.
from .. import scipy as _dropins  # noqa: F401

_SQRT_PI = np.sqrt(np.pi)
_SQRT_2PI = np.sqrt(2 * np.pi)
_DEG = np.pi / 180

# ---- gamma and beta ----
defvjp(sc.gammaln, lambda g, ans, x: g * sc.digamma(x))
defvjp(sc.loggamma, lambda g, ans, x: g * sc.digamma(x))
defvjp(sc.gamma, lambda g, ans, x: g * ans * sc.digamma(x))
defvjp(sc.rgamma, lambda g, ans, x: -g * ans * sc.digamma(x))
# trigamma as the Hurwitz zeta(2, x): a ufunc with a rule in x (polygamma is not a ufunc)
defvjp([sc.digamma, sc.psi], lambda g, ans, x: g * sc.zeta(2.0, x))
defvjp(sc.beta, lambda g, ans, a, b: g * ans * (sc.digamma(a) - sc.digamma(a + b)),
       lambda g, ans, a, b: g * ans * (sc.digamma(b) - sc.digamma(a + b)))
defvjp(sc.betaln, lambda g, ans, a, b: g * (sc.digamma(a) - sc.digamma(a + b)),
       lambda g, ans, a, b: g * (sc.digamma(b) - sc.digamma(a + b)))
defvjp(sc.poch, lambda g, ans, z, m: g * ans * (sc.digamma(z + m) - sc.digamma(z)),
       lambda g, ans, z, m: g * ans * sc.digamma(z + m))
def _zeta_dx_raw(x, q):
    """d/dx of the Hurwitz zeta(x, q) by Euler-Maclaurin summation.

    zeta(x, q) = sum_{k<N} (k+q)^-x + a^(1-x)/(x-1) + a^-x/2
                 + B2/2! x a^(-x-1) + B4/4! x(x+1)(x+2) a^(-x-3) + ...,  a = N + q,
    differentiated term by term.  The formula is the analytic continuation,
    so it holds for x < 1 too; with N = 100 the truncation error is below
    1e-13 relative for -2 < x < 30 and q > 0.
    """
    x, q = np.broadcast_arrays(np.asarray(x, dtype=float), np.asarray(q, dtype=float))
    k = np.arange(100.0).reshape((-1,) + (1,) * x.ndim)
    kq = k + q
    head = -np.sum(np.log(kq) * kq ** -x, axis=0)
    a = 100.0 + q
    L = np.log(a)
    tail = (a ** (1 - x) * (-L / (x - 1) - 1 / (x - 1) ** 2)
            - L * a ** -x / 2
            + (1 / 12) * a ** (-x - 1) * (1 - x * L)
            - (1 / 720) * a ** (-x - 3) * ((3 * x * x + 6 * x + 2)
                                           - x * (x + 1) * (x + 2) * L))
    return head + tail


zeta_dx = primitive(_zeta_dx_raw)
"""d/dx zeta(x, q) as a recorded operation (its own derivative has no rule: a
second derivative in the exponent raises NotDifferentiableError)."""

# zeta(x, q) with q given is this ufunc, zeta(x) alone is _riemann_zeta (q = 1).
# d/dq = -x zeta(x + 1, q); d/dx is the series above.
defvjp(getattr(getattr(sc, "_ufuncs", None), "_zeta", None),
       lambda g, ans, x, q: g * zeta_dx(x, q),
       lambda g, ans, x, q: -g * x * sc.zeta(x + 1, q))
defvjp(getattr(getattr(sc, "_ufuncs", None), "_riemann_zeta", None),
       lambda g, ans, x: g * zeta_dx(x, 1.0))


# ---- incomplete gamma and beta: differentiable in x only ----
def _gamma_density(a, x):
    """``x**(a-1) exp(-x) / gamma(a)``: d gammainc(a, x) / dx."""
    return np.exp(sc.xlogy(a - 1, x) - x - sc.gammaln(a))


def _beta_density(a, b, x):
    """``x**(a-1) (1-x)**(b-1) / beta(a, b)``: d betainc(a, b, x) / dx."""
    return np.exp(sc.xlogy(a - 1, x) + sc.xlog1py(b - 1, -x) - sc.betaln(a, b))


defvjp(sc.gammainc, None, lambda g, ans, a, x: g * _gamma_density(a, x))
defvjp(sc.gammaincc, None, lambda g, ans, a, x: -g * _gamma_density(a, x))
defvjp(sc.gammaincinv, None, lambda g, ans, a, y: g / _gamma_density(a, ans))
defvjp(sc.gammainccinv, None, lambda g, ans, a, y: -g / _gamma_density(a, ans))
defvjp(sc.betainc, None, None, lambda g, ans, a, b, x: g * _beta_density(a, b, x))
defvjp(getattr(sc, "betaincc", None), None, None,
       lambda g, ans, a, b, x: -g * _beta_density(a, b, x))
defvjp(sc.betaincinv, None, None, lambda g, ans, a, b, y: g / _beta_density(a, b, ans))
defvjp(getattr(sc, "betainccinv", None), None, None,
       lambda g, ans, a, b, y: -g / _beta_density(a, b, ans))
# Student's t cdf: its density in t; df has no closed form
defvjp(sc.stdtr, None, lambda g, ans, df, t: g * np.exp(
    sc.gammaln((df + 1) / 2) - sc.gammaln(df / 2) - np.log(df * np.pi) / 2
    - (df + 1) / 2 * np.log1p(t * t / df)))

# ---- error function and normal distribution ----
defvjp(sc.erf, lambda g, ans, x: g * (2 / _SQRT_PI) * np.exp(-x * x))
defvjp(sc.erfc, lambda g, ans, x: -g * (2 / _SQRT_PI) * np.exp(-x * x))
defvjp(sc.erfcx, lambda g, ans, x: g * (2 * x * ans - 2 / _SQRT_PI))
defvjp(sc.erfi, lambda g, ans, x: g * (2 / _SQRT_PI) * np.exp(x * x))
defvjp(sc.erfinv, lambda g, ans, x: g * (_SQRT_PI / 2) * np.exp(ans * ans))
defvjp(sc.erfcinv, lambda g, ans, x: -g * (_SQRT_PI / 2) * np.exp(ans * ans))
defvjp(sc.dawsn, lambda g, ans, x: g * (1 - 2 * x * ans))
defvjp(sc.wofz, lambda g, ans, z: g * (2j / _SQRT_PI - 2 * z * ans))
defvjp(sc.ndtr, lambda g, ans, x: g * np.exp(-x * x / 2) / _SQRT_2PI)
# phi(x) / ndtr(x) taken in logs, so it stays finite far in the left tail
defvjp(sc.log_ndtr, lambda g, ans, x: g * np.exp(-x * x / 2 - ans) / _SQRT_2PI)
defvjp(sc.ndtri, lambda g, ans, y: g * _SQRT_2PI * np.exp(ans * ans / 2))
defvjp(sc.ndtri_exp, lambda g, ans, y: g * _SQRT_2PI * np.exp(y + ans * ans / 2))


def _owens_t_h(g, ans, h, a):
    return -g * np.exp(-h * h / 2) * sc.erf(a * h / np.sqrt(2.0)) / (2 * _SQRT_2PI)


defvjp(sc.owens_t, _owens_t_h,
       lambda g, ans, h, a: g * np.exp(-h * h * (1 + a * a) / 2) / (2 * np.pi * (1 + a * a)))

# ---- logistic ----
defvjp(sc.expit, lambda g, ans, x: g * ans * (1 - ans))
defvjp(sc.logit, lambda g, ans, x: g / (x * (1 - x)))
defvjp(sc.log_expit, lambda g, ans, x: g * sc.expit(-x))


# ---- x log y and the entropies (0 log 0 = 0) ----
def _ratio(x, y):
    """``x / y``, and 0 where x == 0 (where the functions are 0 whatever y is)."""
    return x / np.where(x == 0, 1, y)


defvjp(sc.xlogy, lambda g, ans, x, y: g * np.log(y), lambda g, ans, x, y: g * _ratio(x, y))
defvjp(sc.xlog1py, lambda g, ans, x, y: g * np.log1p(y),
       lambda g, ans, x, y: g * _ratio(x, 1 + y))
defvjp(sc.entr, lambda g, ans, x: -g * (np.log(x) + 1))
defvjp(sc.rel_entr, lambda g, ans, x, y: g * (np.log(x / y) + 1),
       lambda g, ans, x, y: -g * _ratio(x, y))
defvjp(sc.kl_div, lambda g, ans, x, y: g * np.log(x / y),
       lambda g, ans, x, y: g * (1 - _ratio(x, y)))
# huber: r**2 / 2 inside |r| <= delta, delta (|r| - delta / 2) outside
defvjp(sc.huber, lambda g, ans, delta, r: g * np.where(np.abs(r) <= delta, 0, np.abs(r) - delta),
       lambda g, ans, delta, r: g * np.clip(r, -delta, delta))


def _pseudo_huber_delta(g, ans, delta, r):
    # 2 delta (s - 1) - r**2 / (delta s) with s = sqrt(1 + (r / delta)**2),
    # rewritten without the cancellation at small r / delta
    s = np.sqrt(1 + (r / delta) ** 2)
    return g * r ** 4 / (delta ** 3 * s * (s + 1) ** 2)


defvjp(sc.pseudo_huber, _pseudo_huber_delta,
       lambda g, ans, delta, r: g * r / np.sqrt(1 + (r / delta) ** 2))

# ---- Bessel functions: differentiable in x; the order v is a constant ----
defvjp(sc.iv, None, lambda g, ans, v, x: g * (sc.iv(v - 1, x) + sc.iv(v + 1, x)) / 2)
# ive = iv exp(-|x|)
defvjp(sc.ive, None, lambda g, ans, v, x: g * (
    (sc.ive(v - 1, x) + sc.ive(v + 1, x)) / 2 - np.sign(x) * ans))
defvjp(sc.kv, None, lambda g, ans, v, x: -g * (sc.kv(v - 1, x) + sc.kv(v + 1, x)) / 2)
# kve = kv exp(x)
defvjp(sc.kve, None, lambda g, ans, v, x: g * (ans - (sc.kve(v - 1, x) + sc.kve(v + 1, x)) / 2))
defvjp(sc.jv, None, lambda g, ans, v, x: g * (sc.jv(v - 1, x) - sc.jv(v + 1, x)) / 2)
defvjp(sc.yv, None, lambda g, ans, v, x: g * (sc.yv(v - 1, x) - sc.yv(v + 1, x)) / 2)
defvjp(sc.i0, lambda g, ans, x: g * sc.i1(x))
defvjp(sc.i0e, lambda g, ans, x: g * (sc.i1e(x) - np.sign(x) * ans))
defvjp(sc.i1, lambda g, ans, x: g * (sc.i0(x) + sc.iv(2, x)) / 2)
defvjp(sc.i1e, lambda g, ans, x: g * ((sc.i0e(x) + sc.ive(2, x)) / 2 - np.sign(x) * ans))
defvjp(sc.j0, lambda g, ans, x: -g * sc.j1(x))
defvjp(sc.j1, lambda g, ans, x: g * (sc.j0(x) - sc.jv(2, x)) / 2)
defvjp(sc.y0, lambda g, ans, x: -g * sc.y1(x))
defvjp(sc.y1, lambda g, ans, x: g * (sc.y0(x) - sc.yv(2, x)) / 2)
defvjp(sc.k0, lambda g, ans, x: -g * sc.k1(x))
defvjp(sc.k1, lambda g, ans, x: -g * (sc.k0(x) + sc.kv(2, x)) / 2)
defvjp(sc.k0e, lambda g, ans, x: g * (ans - sc.k1e(x)))
defvjp(sc.k1e, lambda g, ans, x: g * (ans - (sc.k0e(x) + sc.kve(2, x)) / 2))

# ---- exponential and trigonometric integrals ----
defvjp(sc.expi, lambda g, ans, x: g * np.exp(x) / x)
defvjp(sc.exp1, lambda g, ans, x: -g * np.exp(-x) / x)
# d/dx E_n = -E_{n-1}; E_0(x) = exp(-x) / x is not an expn of SciPy's (n >= 0 only)
defvjp(sc.expn, None, lambda g, ans, n, x: -g * np.where(
    n == 0, ans * (1 + 1 / x), sc.expn(np.maximum(n - 1, 0), x)))
# sici: (Si, Ci) with derivatives sin(x) / x and cos(x) / x; shichi likewise
defvjp(sc.sici, lambda g, ans, x: g[0] * np.sinc(x / np.pi) + g[1] * np.cos(x) / x)
defvjp(sc.shichi, lambda g, ans, x: (g[0] * np.sinh(x) + g[1] * np.cosh(x)) / x)
# spence(z) = integral from 1 to z of log(t) / (1 - t); the integrand is -1 at t = 1
defvjp(sc.spence, lambda g, ans, z: g * np.where(
    z == 1, -1, np.log(z) / (1 - np.where(z == 1, 0, z))))

# ---- elliptic integrals (parameter m) ----
defvjp(sc.ellipk, lambda g, ans, m: g * (sc.ellipe(m) - (1 - m) * ans) / (2 * m * (1 - m)))
defvjp(sc.ellipe, lambda g, ans, m: g * (ans - sc.ellipk(m)) / (2 * m))
defvjp(sc.ellipkinc, lambda g, ans, phi, m: g / np.sqrt(1 - m * np.sin(phi) ** 2), None)
defvjp(sc.ellipeinc, lambda g, ans, phi, m: g * np.sqrt(1 - m * np.sin(phi) ** 2), None)

# ---- elementary functions in SciPy's own ufuncs ----
defvjp(sc.expm1, lambda g, ans, x: g * (ans + 1))
defvjp(sc.log1p, lambda g, ans, x: g / (1 + x))
defvjp(sc.cosm1, lambda g, ans, x: -g * np.sin(x))
defvjp(sc.exp2, lambda g, ans, x: g * ans * np.log(2.0))
defvjp(sc.exp10, lambda g, ans, x: g * ans * np.log(10.0))
defvjp(sc.cbrt, lambda g, ans, x: g / (3 * ans * ans))


def _exprel_vjp(g, ans, x):
    # (exp(x) - exprel(x)) / x cancels near 0: its Taylor series there
    small = np.abs(x) < 1e-3
    series = 0.5 + x * (1 / 3 + x * (1 / 8 + x / 30))
    return g * np.where(small, series, (np.exp(x) - ans) / np.where(small, 1, x))


defvjp(sc.exprel, _exprel_vjp)
defvjp(sc.sindg, lambda g, ans, x: g * _DEG * sc.cosdg(x))
defvjp(sc.cosdg, lambda g, ans, x: -g * _DEG * sc.sindg(x))
defvjp(sc.tandg, lambda g, ans, x: g * _DEG * (1 + ans * ans))
defvjp(sc.cotdg, lambda g, ans, x: -g * _DEG * (1 + ans * ans))


# ---- Box-Cox: (x**lmbda - 1) / lmbda, log(x) at lmbda == 0 ----
def _boxcox_lmbda(log):
    """The lmbda rule of boxcox (``log=np.log``) or boxcox1p (``log=np.log1p``)."""
    def rule(g, ans, x, lmbda):
        # (L x**lmbda - ans) / lmbda with L = log(x) cancels at small lmbda L:
        # its series L**2 (1/2 + t/3 + t**2/8) in t = lmbda L there
        L = log(x)
        t = lmbda * L
        small = np.abs(t) < 1e-3
        series = L * L * (0.5 + t * (1 / 3 + t / 8))
        return g * np.where(small, series, (L * np.exp(t) - ans) / np.where(small, 1, lmbda))
    return rule


def _inv_boxcox_lmbda(shift):
    """The lmbda rule of inv_boxcox (``shift=0``) or inv_boxcox1p (``shift=1``)."""
    def rule(g, ans, y, lmbda):
        # x = exp(log1p(u) / lmbda) with u = lmbda y, so
        # dx/dlmbda = x (u / (1 + u) - log1p(u)) / lmbda**2, which cancels at
        # small u: its series x y**2 (-1/2 + 2u/3 - 3u**2/4) there
        u = lmbda * y
        small = np.abs(u) < 1e-3
        series = y * y * (-0.5 + u * (2 / 3 - 0.75 * u))
        safe = np.where(small, 1, lmbda)
        full = (u / (1 + u) - np.log1p(u)) / (safe * safe)
        return g * (ans + shift) * np.where(small, series, full)
    return rule


defvjp(sc.boxcox, lambda g, ans, x, lmbda: g * np.exp((lmbda - 1) * np.log(x)),
       _boxcox_lmbda(np.log))
defvjp(sc.boxcox1p, lambda g, ans, x, lmbda: g * np.exp((lmbda - 1) * np.log1p(x)),
       _boxcox_lmbda(np.log1p))
defvjp(sc.inv_boxcox, lambda g, ans, y, lmbda: g * ans / (1 + lmbda * y),
       _inv_boxcox_lmbda(0))
defvjp(sc.inv_boxcox1p, lambda g, ans, y, lmbda: g * (ans + 1) / (1 + lmbda * y),
       _inv_boxcox_lmbda(1))

# ---- constants: round to the nearest integer, the sign of gamma ----
NONDIFFERENTIABLE_UFUNCS = ("round", "gammasgn")
nondifferentiable(*(getattr(sc, n, None) for n in NONDIFFERENTIABLE_UFUNCS))
