"""Specs for ``npgrad/rules/scipy_special.py``: the ufuncs of scipy.special.

``complex=True`` only where SciPy has a complex loop and the rule is
holomorphic there (the gamma family's second derivative needs the Hurwitz
zeta, which is real only).  Arguments with a ``None`` rule (Bessel orders,
the ``a`` of gammainc, ...) are drawn as constants: integer orders through the
``"int"`` domain, float shape parameters excluded with :func:`_only`.
"""

import numpy as np
import scipy.special as sc

from . import elementwise, spec


def _only(argnums, s):
    """Differentiate only ``argnums``: the other float arguments have None rules."""
    if s is not None:           # None: a function missing from this SciPy
        s.argnums = argnums
    return s


def _negative(d):
    return (-d.array(domain="positive"),), {}


def _order_and_x(d):
    # expn: a non-negative integer order, a positive x
    s_n, s_x = d.shapes(2)
    return (np.abs(d.array(s_n, "int")), d.array(s_x, "positive")), {}


# ---- gamma and beta ----
elementwise(sc.gammaln, "away_from_int", complex=False)
elementwise(sc.loggamma, "positive", complex=False)
elementwise(sc.gamma, "away_from_int", complex=False)
elementwise(sc.rgamma, "away_from_int", complex=False)
elementwise(sc.digamma, "away_from_int", complex=False)
elementwise(sc.beta, "positive", "positive", complex=False)
elementwise(sc.betaln, "positive", "positive", complex=False)
elementwise(sc.poch, "positive", "positive", complex=False)
# the exponent's derivative is a series without a rule of its own: first order
elementwise(getattr(getattr(sc, "_ufuncs", None), "_zeta", None), "above1", "positive",
            complex=False, order=1)
elementwise(getattr(getattr(sc, "_ufuncs", None), "_riemann_zeta", None), "above1",
            complex=False, order=1)

# ---- incomplete gamma and beta, Student's t ----
_only((1,), elementwise(sc.gammainc, "positive", "positive", complex=False))
_only((1,), elementwise(sc.gammaincc, "positive", "positive", complex=False))
_only((1,), elementwise(sc.gammaincinv, "positive", "prob", complex=False))
_only((1,), elementwise(sc.gammainccinv, "positive", "prob", complex=False))
_only((2,), elementwise(sc.betainc, "positive", "positive", "prob", complex=False))
_only((2,), elementwise(getattr(sc, "betaincc", None), "positive", "positive", "prob",
                        complex=False))
_only((2,), elementwise(sc.betaincinv, "positive", "positive", "prob", complex=False))
_only((2,), elementwise(getattr(sc, "betainccinv", None), "positive", "positive", "prob",
                        complex=False))
_only((1,), elementwise(sc.stdtr, "positive", "real", complex=False))

# ---- error function, normal distribution ----
elementwise(sc.erf)
elementwise(sc.erfc)
elementwise(sc.erfcx)
elementwise(sc.erfi)
elementwise(sc.erfinv, "unit", complex=False)
elementwise(sc.erfcinv, "prob", complex=False)
elementwise(sc.dawsn)
elementwise(sc.wofz, dtypes=(np.complex128,))
elementwise(sc.ndtr)
elementwise(sc.log_ndtr)
elementwise(sc.ndtri, "prob", complex=False)
spec(sc.ndtri_exp, _negative)
elementwise(sc.owens_t, complex=False)

# ---- logistic, x log y, entropies, Huber ----
elementwise(sc.expit, complex=False)
elementwise(sc.logit, "prob", complex=False)
elementwise(sc.log_expit, complex=False)
elementwise(sc.xlogy, "real", "positive")
elementwise(sc.xlog1py, "real", "positive")
elementwise(sc.entr, "positive", complex=False)
elementwise(sc.rel_entr, "positive", "positive", complex=False)
elementwise(sc.kl_div, "positive", "positive", complex=False)
elementwise(sc.huber, "positive", "real", complex=False, order=1)
elementwise(sc.pseudo_huber, "positive", "real", complex=False)

# ---- Bessel functions ----
elementwise(sc.iv, "int", "real")
elementwise(sc.ive, "int", "nonzero", complex=False)
elementwise(sc.kv, "int", "positive")
elementwise(sc.kve, "int", "positive")
elementwise(sc.jv, "int", "real")
elementwise(sc.yv, "int", "positive")
elementwise(sc.i0, complex=False)
elementwise(sc.i0e, "nonzero", complex=False)
elementwise(sc.i1, complex=False)
elementwise(sc.i1e, "nonzero", complex=False)
elementwise(sc.j0, complex=False)
elementwise(sc.j1, complex=False)
elementwise(sc.y0, "positive", complex=False)
elementwise(sc.y1, "positive", complex=False)
elementwise(sc.k0, "positive", complex=False)
elementwise(sc.k1, "positive", complex=False)
elementwise(sc.k0e, "positive", complex=False)
elementwise(sc.k1e, "positive", complex=False)

# ---- exponential and trigonometric integrals, dilogarithm ----
elementwise(sc.expi, "positive")
elementwise(sc.exp1, "positive")
spec(sc.expn, _order_and_x)
elementwise(sc.sici, "positive")
elementwise(sc.shichi, "positive")
elementwise(sc.spence, "positive")

# ---- elliptic integrals ----
elementwise(sc.ellipk, "prob", complex=False)
elementwise(sc.ellipe, "prob", complex=False)
_only((0,), elementwise(sc.ellipkinc, "real", "prob", complex=False))
_only((0,), elementwise(sc.ellipeinc, "real", "prob", complex=False))

# ---- elementary functions, degrees, Box-Cox ----
elementwise(sc.expm1)
elementwise(sc.log1p, "positive")
elementwise(sc.cosm1, complex=False)
elementwise(sc.exp2, complex=False)
elementwise(sc.exp10, complex=False)
elementwise(sc.cbrt, "nonzero", complex=False)
elementwise(sc.exprel, complex=False)
elementwise(sc.sindg, complex=False)
elementwise(sc.cosdg, complex=False)
elementwise(sc.tandg, complex=False)
elementwise(sc.cotdg, "nonzero", complex=False)
elementwise(sc.boxcox, "positive", "real", complex=False)
elementwise(sc.boxcox1p, "positive", "real", complex=False)
elementwise(sc.inv_boxcox, "unit", "unit", complex=False)
elementwise(sc.inv_boxcox1p, "unit", "unit", complex=False)
