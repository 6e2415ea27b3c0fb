"""Drop-ins for ``scipy.stats`` distributions, differentiable in ``x`` and the parameters.

``norm``, ``t``, ``gamma``, ``beta``, ``poisson``, ``binom`` and
``multivariate_normal`` are objects with SciPy's methods and arguments:
``norm.logpdf(x, loc=0, scale=1)``, ``t.cdf(x, df, loc=0, scale=1)``,
``binom.logpmf(k, n, p)``, ``multivariate_normal.logpdf(x, mean, cov)``.
Calling one freezes its parameters, as in SciPy: ``norm(loc, scale).logpdf(x)``.

With no traced argument a method calls SciPy's own.  With one, it evaluates
the closed form below (NumPy and scipy.special ufuncs, which npgrad
differentiates).  Every float parameter is differentiable in ``logpdf``,
``logpmf``, ``pdf`` and ``pmf``; the cdfs are differentiable in ``x``,
``loc``, ``scale``, ``mu`` and ``p``, but not in the shape parameters ``df``,
``a`` and ``b``, whose incomplete-gamma and incomplete-beta derivatives have
no closed form (a traced shape parameter there raises NotDifferentiableError).
Other methods (``rvs``, ``mean``, ...) are SciPy's, for constant arguments.

Example
-------
>>> import numpy as np, npgrad
>>> from npgrad.scipy.stats import norm
>>> npgrad.grad(lambda mu: np.sum(norm.logpdf(np.array([1.0, 3.0]), loc=mu)))(0.0)
array(4.)
"""

import numpy as np
import scipy.special as sc
from scipy import stats as _stats

from ..errors import NotDifferentiableError
from . import _DISTRIBUTIONS
from ._util import T, traced, triangle_view
from .linalg import _solve_triangular

__all__ = list(_DISTRIBUTIONS)

_LOG_SQRT_2PI = 0.5 * np.log(2 * np.pi)


class _Distribution:
    """A scipy.stats distribution: SciPy's methods on constants, formulas on traced arrays.

    The public methods are those listed for ``name`` in ``npgrad.scipy._DISTRIBUTIONS``;
    each calls the formula ``_<method>`` on traced input.
    """

    name = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:      # the _Continuous / _Discrete bases
            return
        for method in _DISTRIBUTIONS[cls.name]:
            setattr(cls, method, _public_method(cls.name, method))

    def __call__(self, *args, **kwargs):
        return _Frozen(self, args, kwargs)

    def __getattr__(self, method):
        # SciPy's other methods (rvs, mean, interval, ...), for constant arguments
        if method.startswith("_"):
            raise AttributeError(method)
        original = getattr(getattr(_stats, self.name), method)
        if not callable(original):
            return original

        def constant_only(*args, **kwargs):
            if traced(*args, *kwargs.values()):
                raise NotDifferentiableError(
                    f"npgrad.scipy.stats.{self.name}.{method} is not differentiable; pass "
                    "constants (t.numpy()) or use one of "
                    f"{', '.join(_DISTRIBUTIONS[self.name])}.")
            return original(*args, **kwargs)
        return constant_only

    def __repr__(self):
        return f"<npgrad.scipy.stats.{self.name}>"

    def _logcdf(self, *args, **kwargs):
        with np.errstate(divide="ignore"):      # log(0) = -inf, silently as in SciPy
            return np.log(self._cdf(*args, **kwargs))

    def _logsf(self, *args, **kwargs):
        with np.errstate(divide="ignore"):
            return np.log(self._sf(*args, **kwargs))

def _public_method(name, method):
    def public(self, *args, **kwargs):
        if not traced(*args, *kwargs.values()):
            return getattr(getattr(_stats, name), method)(*args, **kwargs)
        return getattr(self, "_" + method)(*args, **kwargs)
    public.__name__ = public.__qualname__ = method
    public.__doc__ = (f"``scipy.stats.{name}.{method}``, differentiable on traced input "
                      "(see :mod:`npgrad.scipy.stats`).")
    return public


class _Frozen:
    """A distribution with its parameters bound: ``norm(loc, scale).logpdf(x)``."""

    def __init__(self, dist, args, kwargs):
        self.dist, self.args, self.kwargs = dist, args, kwargs

    def __getattr__(self, method):
        bound = getattr(self.dist, method)
        return lambda x, *args, **kwargs: bound(x, *self.args, *args,
                                                **{**self.kwargs, **kwargs})


class _Continuous(_Distribution):
    def _pdf(self, *args, **kwargs):
        return np.exp(self._logpdf(*args, **kwargs))


class _Discrete(_Distribution):
    def _pmf(self, *args, **kwargs):
        return np.exp(self._logpmf(*args, **kwargs))


class norm_gen(_Continuous):
    name = "norm"

    def _logpdf(self, x, loc=0, scale=1):
        z = (x - loc) / scale
        return -z * z / 2 - np.log(scale) - _LOG_SQRT_2PI

    def _cdf(self, x, loc=0, scale=1):
        return sc.ndtr((x - loc) / scale)

    def _logcdf(self, x, loc=0, scale=1):
        return sc.log_ndtr((x - loc) / scale)

    def _sf(self, x, loc=0, scale=1):
        return sc.ndtr((loc - x) / scale)

    def _logsf(self, x, loc=0, scale=1):
        return sc.log_ndtr((loc - x) / scale)

    def _ppf(self, q, loc=0, scale=1):
        return loc + scale * sc.ndtri(q)


class t_gen(_Continuous):
    name = "t"

    def _logpdf(self, x, df, loc=0, scale=1):
        z = (x - loc) / scale
        return (sc.gammaln((df + 1) / 2) - sc.gammaln(df / 2) - np.log(df * np.pi) / 2
                - (df + 1) / 2 * np.log1p(z * z / df) - np.log(scale))

    def _cdf(self, x, df, loc=0, scale=1):
        return sc.stdtr(df, (x - loc) / scale)

    def _sf(self, x, df, loc=0, scale=1):
        return sc.stdtr(df, (loc - x) / scale)


class gamma_gen(_Continuous):
    name = "gamma"

    def _logpdf(self, x, a, loc=0, scale=1):
        z = (x - loc) / scale
        inside = z >= 0
        z = np.where(inside, z, 1)
        return np.where(inside, sc.xlogy(a - 1, z) - z - sc.gammaln(a) - np.log(scale),
                        -np.inf)

    def _cdf(self, x, a, loc=0, scale=1):
        z = (x - loc) / scale
        inside = z > 0
        return np.where(inside, sc.gammainc(a, np.where(inside, z, 1)), 0)

    def _sf(self, x, a, loc=0, scale=1):
        z = (x - loc) / scale
        inside = z > 0
        return np.where(inside, sc.gammaincc(a, np.where(inside, z, 1)), 1)


class beta_gen(_Continuous):
    name = "beta"

    def _logpdf(self, x, a, b, loc=0, scale=1):
        z = (x - loc) / scale
        inside = (z >= 0) & (z <= 1)
        z = np.where(inside, z, 0.5)
        return np.where(inside, sc.xlogy(a - 1, z) + sc.xlog1py(b - 1, -z) - sc.betaln(a, b)
                        - np.log(scale), -np.inf)

    def _cdf(self, x, a, b, loc=0, scale=1):
        z = (x - loc) / scale
        inside = (z > 0) & (z < 1)
        inner = sc.betainc(a, b, np.where(inside, z, 0.5))
        return np.where(inside, inner, np.where(z <= 0, 0, 1))

    def _sf(self, x, a, b, loc=0, scale=1):
        z = (x - loc) / scale
        inside = (z > 0) & (z < 1)
        inner = sc.betainc(b, a, 1 - np.where(inside, z, 0.5))
        return np.where(inside, inner, np.where(z <= 0, 1, 0))


class poisson_gen(_Discrete):
    name = "poisson"

    def _logpmf(self, k, mu, loc=0):
        k = k - loc
        valid = (k >= 0) & (k == np.floor(k))
        k = np.where(valid, k, 0)
        return np.where(valid, sc.xlogy(k, mu) - sc.gammaln(k + 1) - mu, -np.inf)

    def _cdf(self, k, mu, loc=0):
        k = np.floor(k - loc)
        valid = k >= 0
        return np.where(valid, sc.gammaincc(np.where(valid, k, 0) + 1, mu), 0)

    def _sf(self, k, mu, loc=0):
        k = np.floor(k - loc)
        valid = k >= 0
        return np.where(valid, sc.gammainc(np.where(valid, k, 0) + 1, mu), 1)


class binom_gen(_Discrete):
    name = "binom"

    def _logpmf(self, k, n, p, loc=0):
        k = k - loc
        valid = (k >= 0) & (k <= n) & (k == np.floor(k))
        k = np.where(valid, k, 0)
        combiln = sc.gammaln(n + 1) - sc.gammaln(k + 1) - sc.gammaln(n - k + 1)
        return np.where(valid, combiln + sc.xlogy(k, p) + sc.xlog1py(n - k, -p), -np.inf)

    def _tails(self, k, n, loc):
        k = np.floor(k - loc)
        below, above = k < 0, k >= n
        return np.where(below | above, 0, k), below, above

    def _cdf(self, k, n, p, loc=0):
        k, below, above = self._tails(k, n, loc)
        return np.where(below, 0, np.where(above, 1, sc.betainc(n - k, k + 1, 1 - p)))

    def _sf(self, k, n, p, loc=0):
        k, below, above = self._tails(k, n, loc)
        return np.where(below, 1, np.where(above, 0, sc.betainc(k + 1, n - k, p)))


class multivariate_normal_gen(_Distribution):
    name = "multivariate_normal"

    def _logpdf(self, x, mean=None, cov=1, allow_singular=False):
        # SciPy reads the lower triangle of cov; the gradient is symmetric (see
        # npgrad.scipy.linalg).  The traced path needs a positive definite cov.
        mean, cov, dim = _mvn_parameters(mean, cov)
        x = _mvn_quantiles(x, dim)
        low = np.linalg.cholesky(triangle_view(cov, lower=True))
        dev = np.reshape(x - mean, (-1, dim))
        z = _solve_triangular(low, T(dev), lower=True)
        logdet = 2 * np.sum(np.log(np.diagonal(low)))
        out = -0.5 * (np.sum(z * z, axis=0) + logdet) - dim * _LOG_SQRT_2PI
        return np.squeeze(np.reshape(out, np.shape(x)[:-1]))

    def _pdf(self, *args, **kwargs):
        return np.exp(self._logpdf(*args, **kwargs))


def _mvn_parameters(mean, cov):
    """``(mean, cov, dim)`` as SciPy reads them: cov a scalar, a diagonal or a matrix."""
    if mean is None:
        dim = 1 if np.ndim(cov) == 0 else np.shape(cov)[0]
        mean = np.zeros(dim)
    else:
        dim = int(np.size(mean))
        mean = np.reshape(mean, (dim,))
    if np.ndim(cov) == 0:
        cov = cov * np.eye(dim)
    elif np.ndim(cov) == 1:
        cov = np.diag(cov)
    return mean, cov, dim


def _mvn_quantiles(x, dim):
    """``x`` with the points along its last axis, as SciPy reads it."""
    if np.ndim(x) == 0:
        return np.reshape(x, (1,))
    if np.ndim(x) == 1:
        return np.reshape(x, (-1, 1) if dim == 1 else (1, -1))
    return x


norm = norm_gen()
t = t_gen()
gamma = gamma_gen()
beta = beta_gen()
poisson = poisson_gen()
binom = binom_gen()
multivariate_normal = multivariate_normal_gen()
