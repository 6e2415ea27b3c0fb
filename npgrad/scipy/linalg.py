"""Drop-ins for ``scipy.linalg``.

Three kinds of function live here:

* compositions of ``np.linalg`` calls that npgrad already differentiates
  (``solve``, ``inv``, ``det``, ``cholesky``, ``cho_factor``);
* primitives with a rule of their own: ``solve_triangular`` (on which
  ``cho_solve`` and ``lu_solve`` are built), ``lu_factor``, ``expm`` (the
  Fréchet derivative from the block matrix ``[[A^T, G], [0, A^T]]``),
  ``solve_sylvester`` and ``sqrtm`` (whose VJP is a Sylvester equation, so it
  is differentiable to any order);
* ``eigh`` and ``svd``, primitives that run SciPy's LAPACK driver (so the
  eigenvectors' signs are SciPy's) and reuse the np.linalg rules.

Functions that read one triangle of a symmetric or Hermitian input
(``cholesky``, ``cho_factor``, ``eigh``, ``solve(assume_a="sym"/"her"/"pos")``)
compute SciPy's value from that triangle and give the gradient of the
Hermitian part, as npgrad does for np.linalg.cholesky and eigh.

Example
-------
>>> import numpy as np, npgrad
>>> from npgrad.scipy import linalg
>>> a = np.array([[4.0, 1.0], [1.0, 3.0]])
>>> def f(a):                        # 1^T a^-1 1, whose gradient is -x x^T with x = a^-1 1
...     return np.sum(linalg.cho_solve(linalg.cho_factor(a), np.ones(2)))
>>> (npgrad.grad(f)(a) * 121).round(10)
array([[-4., -6.],
       [-6., -9.]])
"""

import numpy as np
import scipy.linalg as sl

from .._registry import defvjp, defvjp_all
from ._util import H, T, named_primitive, numpy_rule, plain_ints, traced, triangle_view

__all__ = ["solve", "solve_triangular", "cholesky", "cho_factor", "cho_solve", "lu_factor",
           "lu_solve", "inv", "det", "expm", "eigh", "eigvalsh", "svd", "sqrtm",
           "solve_sylvester"]

_TRANS = {0: 0, 1: 1, 2: 2, "N": 0, "T": 1, "C": 2, "n": 0, "t": 1, "c": 2}


def _not_traceable(name, what):
    return NotImplementedError(
        f"npgrad.scipy.linalg.{name}: {what} is not differentiable yet; call "
        f"scipy.linalg.{name} on constants (t.numpy()), or register a rule with "
        "npgrad.primitive + npgrad.defvjp.")


# ---- triangular solves: the primitive that cho_solve and lu_solve build on ----

_solve_triangular = named_primitive(sl.solve_triangular, __name__, "_solve_triangular")


@defvjp_all(_solve_triangular)
def _solve_triangular_vjp(g, ans, a, b, trans=0, lower=False, unit_diagonal=False, **_):
    vector = np.ndim(b) == 1
    x, g = (ans[..., None], g[..., None]) if vector else (ans, g)
    opts = {"lower": lower, "unit_diagonal": unit_diagonal}
    t = _TRANS[trans]
    if t == 0:          # a x = b
        gb = _solve_triangular(a, g, trans=1, **opts)
        ga = -gb @ T(x)
    elif t == 1:        # a^T x = b
        gb = _solve_triangular(a, g, **opts)
        ga = -x @ T(gb)
    else:               # a^H x = b: x = conj(a)^-T b, holomorphic in conj(a)
        gb = np.conj(_solve_triangular(a, np.conj(g), **opts))
        ga = -np.conj(x @ T(gb))
    # only the triangle that was read (without the diagonal if it is taken as 1)
    k = 1 if unit_diagonal else 0
    ga = np.tril(ga, -k) if lower else np.triu(ga, k)
    return ga, gb[..., 0] if vector else gb


def solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False,
                     check_finite=True):
    """``scipy.linalg.solve_triangular``, differentiable in ``a`` (its triangle) and ``b``."""
    if not traced(a, b):
        return sl.solve_triangular(a, b, trans=trans, lower=lower,
                                   unit_diagonal=unit_diagonal, overwrite_b=overwrite_b,
                                   check_finite=check_finite)
    return _solve_triangular(a, b, trans=trans, lower=lower, unit_diagonal=unit_diagonal,
                             check_finite=check_finite)


# ---- general and structured solves, inverses, determinants ----

_STRUCTURE = {None: "general", "gen": "general", "general": "general", "banded": "general",
              "diagonal": "diagonal", "tridiagonal": "tridiagonal",
              "upper triangular": "upper", "lower triangular": "lower",
              "sym": "sym", "symmetric": "sym", "her": "her", "hermitian": "her",
              "pos": "her", "positive definite": "her"}
"""``assume_a`` -> the part of ``a`` SciPy's solver reads ("banded" detects its band from
the nonzeros of ``a``, so it reads all of them)."""


def _structured(a, assume_a, lower):
    """The matrix that SciPy's solver for ``assume_a`` reads from ``a``."""
    if assume_a not in _STRUCTURE:
        raise ValueError(f"{assume_a!r} is not a recognized matrix structure")
    kind = _STRUCTURE[assume_a]
    n = np.shape(a)[-1]
    if kind == "diagonal":
        return np.where(np.eye(n, dtype=bool), a, 0)
    if kind == "tridiagonal":
        return a * (np.abs(np.arange(n)[:, None] - np.arange(n)) <= 1)
    if kind == "upper":
        return np.triu(a)
    if kind == "lower":
        return np.tril(a)
    if kind in ("sym", "her"):
        return triangle_view(a, lower, conjugate=kind == "her")
    return a


def _given(**kwargs):
    """The keyword arguments that differ from None (older SciPy lacks some keywords)."""
    return {k: v for k, v in kwargs.items() if v is not None}


def solve(a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True,
          assume_a=None, transposed=False):
    """``scipy.linalg.solve``: ``np.linalg.solve`` on the part of ``a`` that ``assume_a`` reads."""
    if not traced(a, b):
        return sl.solve(a, b, lower=lower, overwrite_a=overwrite_a, overwrite_b=overwrite_b,
                        check_finite=check_finite, transposed=transposed,
                        **_given(assume_a=assume_a))
    if transposed and np.iscomplexobj(a):
        raise NotImplementedError("scipy.linalg.solve can currently not solve a^T x = b "
                                  "or a^H x = b for complex matrices.")
    m = _structured(a, assume_a, lower)
    return np.linalg.solve(T(m) if transposed else m, b)


def inv(a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    """``scipy.linalg.inv``: ``np.linalg.inv`` on the part of ``a`` that ``assume_a`` reads."""
    if not traced(a):
        extra = _given(assume_a=assume_a, lower=lower if assume_a is not None else None)
        return sl.inv(a, overwrite_a=overwrite_a, check_finite=check_finite, **extra)
    return np.linalg.inv(_structured(a, assume_a, lower))


def det(a, overwrite_a=False, check_finite=True):
    """``scipy.linalg.det``: ``np.linalg.det``."""
    if not traced(a):
        return sl.det(a, overwrite_a=overwrite_a, check_finite=check_finite)
    return np.linalg.det(a)


# ---- Cholesky ----

def cholesky(a, lower=False, overwrite_a=False, check_finite=True):
    """``scipy.linalg.cholesky`` of the Hermitian matrix that one triangle of ``a`` defines."""
    if not traced(a):
        return sl.cholesky(a, lower=lower, overwrite_a=overwrite_a, check_finite=check_finite)
    low = np.linalg.cholesky(triangle_view(a, lower))
    return low if lower else H(low)


def cho_factor(a, lower=False, overwrite_a=False, check_finite=True):
    """``scipy.linalg.cho_factor``: ``(c, lower)``, the factor in one triangle of ``c``.

    As in SciPy, the other triangle of ``c`` holds the entries of ``a``.
    """
    if not traced(a):
        return sl.cho_factor(a, lower=lower, overwrite_a=overwrite_a,
                             check_finite=check_finite)
    rest = np.triu(a, 1) if lower else np.tril(a, -1)
    return cholesky(a, lower=lower) + rest, lower


def cho_solve(c_and_lower, b, overwrite_b=False, check_finite=True):
    """``scipy.linalg.cho_solve``: two triangular solves with the factor in ``c``."""
    c, lower = c_and_lower
    if not traced(c, b):
        return sl.cho_solve((c, lower), b, overwrite_b=overwrite_b,
                            check_finite=check_finite)
    if lower:           # a = l l^H
        y = _solve_triangular(c, b, lower=True, check_finite=check_finite)
        return _solve_triangular(c, y, trans=2, lower=True, check_finite=check_finite)
    y = _solve_triangular(c, b, trans=2, check_finite=check_finite)   # a = u^H u
    return _solve_triangular(c, y, check_finite=check_finite)


# ---- LU ----

def _lu_factor_value(a, **kwargs):
    # a tuple, also for a batch (for which SciPy returns a list)
    return tuple(sl.lu_factor(a, **kwargs))


_lu_factor = named_primitive(_lu_factor_value, __name__, "_lu_factor")


def _row_order(piv):
    """``order`` with ``a[..., order, :] = l @ u``, from LAPACK's row interchanges ``piv``."""
    piv = plain_ints(piv)
    n = np.shape(piv)[-1]
    order = np.array(np.broadcast_to(np.arange(n), np.shape(piv)))
    for i in range(n):
        j = piv[..., i:i + 1]
        here = order[..., i:i + 1].copy()
        order[..., i:i + 1] = np.take_along_axis(order, j, axis=-1)
        np.put_along_axis(order, j, here, axis=-1)
    return order


def _take_rows(x, order, vector):
    """``x`` with its rows (its entries if ``vector``) in ``order`` (batched like ``x``)."""
    if np.ndim(order) == 1:
        return x[..., order] if vector else x[..., order, :]
    core = 1 if vector else 2
    index = order if vector else order[..., :, None]
    batch = np.broadcast_shapes(np.shape(x)[:-core], np.shape(order)[:-1])
    x = np.broadcast_to(x, batch + np.shape(x)[-core:])
    index = np.broadcast_to(index, batch + np.shape(index)[-core:])
    return np.take_along_axis(x, index, axis=-core)


def _lu_factor_vjp(g, ans, a, **_):
    # P a = L U; the cotangent G of the packed lu = tril(L, -1) + U gives
    # abar = P^T L^-T (tril(L^T G, -1) + triu(G U^T)) U^-T
    lu, piv = ans
    glu = g[0]
    m = (np.tril(T(np.tril(lu, -1)) @ glu + glu, -1) + np.triu(glu @ T(np.triu(lu))))
    y = _solve_triangular(lu, m, trans=1, lower=True, unit_diagonal=True)
    z = T(_solve_triangular(lu, T(y)))
    return _take_rows(z, np.argsort(_row_order(piv), axis=-1), vector=False)


defvjp(_lu_factor, _lu_factor_vjp)


def lu_factor(a, overwrite_a=False, check_finite=True):
    """``scipy.linalg.lu_factor``: ``(lu, piv)``, differentiable in ``a`` (square)."""
    if not traced(a):
        return sl.lu_factor(a, overwrite_a=overwrite_a, check_finite=check_finite)
    if np.shape(a)[-1] != np.shape(a)[-2]:
        raise _not_traceable("lu_factor", "the LU factorization of a non-square matrix")
    return _lu_factor(a, check_finite=check_finite)


def lu_solve(lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    """``scipy.linalg.lu_solve``: a row permutation and two triangular solves."""
    lu, piv = lu_and_piv
    if not traced(lu, b):
        return sl.lu_solve((lu, piv), b, trans=trans, overwrite_b=overwrite_b,
                           check_finite=check_finite)
    order = _row_order(piv)
    vector = np.ndim(b) == 1
    t = _TRANS[trans]
    if t == 0:          # a = P^T L U: x = U^-1 L^-1 (P b)
        y = _solve_triangular(lu, _take_rows(b, order, vector), lower=True,
                              unit_diagonal=True, check_finite=check_finite)
        return _solve_triangular(lu, y, check_finite=check_finite)
    y = _solve_triangular(lu, b, trans=t, check_finite=check_finite)
    z = _solve_triangular(lu, y, trans=t, lower=True, unit_diagonal=True,
                          check_finite=check_finite)
    return _take_rows(z, np.argsort(order, axis=-1), vector)


# ---- matrix functions: expm, sqrtm, and the Sylvester solver behind sqrtm's rule ----

_expm = named_primitive(sl.expm, __name__, "_expm")


def _expm_vjp(g, ans, A):
    # abar = L(A^T, g), the Frechet derivative at A^T in direction g: the top
    # right block of expm([[A^T, g], [0, A^T]])
    n = np.shape(A)[-1]
    at = T(A)
    block = np.concatenate([np.concatenate([at, g], axis=-1),
                            np.concatenate([np.zeros_like(g), at], axis=-1)], axis=-2)
    return _expm(block)[..., :n, n:]


defvjp(_expm, _expm_vjp)


def expm(A):
    """``scipy.linalg.expm``, differentiable to any order (Fréchet derivative by blocks)."""
    if not traced(A):
        return sl.expm(A)
    return _expm(A)


_solve_sylvester = named_primitive(sl.solve_sylvester, __name__, "_solve_sylvester")


@defvjp_all(_solve_sylvester)
def _solve_sylvester_vjp(g, ans, a, b, q):
    # a x + x b = q: the adjoint equation a^T y + y b^T = g gives qbar = y,
    # abar = -y x^T, bbar = -x^T y
    y = _solve_sylvester(T(a), T(b), g)
    return -y @ T(ans), -T(ans) @ y, y


def solve_sylvester(a, b, q):
    """``scipy.linalg.solve_sylvester`` (``a x + x b = q``), differentiable in all three."""
    if not traced(a, b, q):
        return sl.solve_sylvester(a, b, q)
    return _solve_sylvester(a, b, q)


_sqrtm = named_primitive(sl.sqrtm, __name__, "_sqrtm")
# x x = A, so x dx + dx x = dA: the VJP solves x^T abar + abar x^T = g
defvjp(_sqrtm, lambda g, ans, A: _solve_sylvester(T(ans), T(ans), g))


def sqrtm(A, *args, **kwargs):
    """``scipy.linalg.sqrtm`` (principal square root), differentiable to any order."""
    if not traced(A):
        return sl.sqrtm(A, *args, **kwargs)
    return _sqrtm(A)


# ---- Hermitian eigenproblem and SVD: SciPy's drivers, np.linalg's rules ----

def _eigh_of_hermitian_part(a, **kwargs):
    """``scipy.linalg.eigh`` of ``(a + a^H) / 2``: the function np.linalg.eigh's rule is the
    gradient of (``a`` itself when it is Hermitian, as ``triangle_view`` makes it)."""
    return sl.eigh((a + H(a)) / 2, **kwargs)


_eigh = named_primitive(_eigh_of_hermitian_part, __name__, "_eigh")
defvjp(_eigh, lambda g, ans, a, eigvals_only=False, **_: numpy_rule(
    np.linalg.eigvalsh if eigvals_only else np.linalg.eigh)(g, ans, (a + H(a)) / 2))


def eigh(a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False,
         type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """``scipy.linalg.eigh`` of a standard Hermitian problem, differentiable in ``a``.

    The generalized problem (``b``) and subsets of the spectrum are not
    differentiable yet.
    """
    if not traced(a, b):
        return sl.eigh(a, b, lower=lower, eigvals_only=eigvals_only, overwrite_a=overwrite_a,
                       overwrite_b=overwrite_b, type=type, check_finite=check_finite,
                       subset_by_index=subset_by_index, subset_by_value=subset_by_value,
                       driver=driver)
    if b is not None:
        raise _not_traceable("eigh", "the generalized eigenproblem (b=...)")
    if subset_by_index is not None or subset_by_value is not None:
        raise _not_traceable("eigh", "a subset of the spectrum (subset_by_...)")
    return _eigh(triangle_view(a, lower), eigvals_only=eigvals_only, driver=driver,
                 check_finite=check_finite)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1,
             check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    """``scipy.linalg.eigvalsh``: :func:`eigh` with ``eigvals_only=True``."""
    return eigh(a, b, lower=lower, eigvals_only=True, overwrite_a=overwrite_a,
                overwrite_b=overwrite_b, type=type, check_finite=check_finite,
                subset_by_index=subset_by_index, subset_by_value=subset_by_value,
                driver=driver)


_svd = named_primitive(sl.svd, __name__, "_svd")
defvjp(_svd, lambda g, ans, a, full_matrices=True, compute_uv=True, **_: numpy_rule(
    np.linalg.svd)(g, ans, a, full_matrices=full_matrices, compute_uv=compute_uv))


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver="gesdd"):
    """``scipy.linalg.svd``, differentiable in ``a`` (with np.linalg.svd's rule)."""
    if not traced(a):
        return sl.svd(a, full_matrices=full_matrices, compute_uv=compute_uv,
                      overwrite_a=overwrite_a, check_finite=check_finite,
                      lapack_driver=lapack_driver)
    return _svd(a, full_matrices=full_matrices, compute_uv=compute_uv,
                check_finite=check_finite, lapack_driver=lapack_driver)
