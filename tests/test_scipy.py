"""SciPy support: transparent scipy.special ufuncs and the ``npgrad.scipy`` drop-ins.

The rules of the scipy.special ufuncs and of the primitives behind the
drop-ins are tested from their specs by ``test_rules.py``.  Here:

* every drop-in on plain arrays returns exactly SciPy's result, and on traced
  arrays SciPy's value;
* the SciPy original on a traced array raises a TraceLostError naming the drop-in;
* finite-difference checks of the drop-ins built from NumPy calls (solve,
  cholesky, the distributions, ...), with every option;
* end to end: a Poisson GLM and a gamma-shape MLE written with
  scipy.special, minimised with npgrad.optimize; a Gaussian-process marginal
  likelihood written with cholesky/cho_solve.
"""

import subprocess
import sys

import numpy as np
import pytest
import scipy
import scipy.linalg
import scipy.signal
import scipy.spatial.distance
import scipy.special as sc
import scipy.stats

import npgrad
import npgrad.optimize
from npgrad.scipy import DROP_INS, linalg, signal, special, stats
from npgrad.scipy.spatial import distance
from npgrad.testing import check_gradients

RNG = np.random.default_rng(20240611)
A = RNG.standard_normal((4, 4)) + 4 * np.eye(4)          # well conditioned
SPD = A @ A.T + np.eye(4)
B = RNG.standard_normal((4, 2))
V = RNG.standard_normal(4)
X = RNG.standard_normal((5, 3))
Y = RNG.standard_normal((4, 3)) + 0.5
U = RNG.uniform(0.1, 0.9, 5)
POS = RNG.uniform(0.3, 3.0, 5)
K = np.array([0.0, 1, 2, 4, 7])
LU = scipy.linalg.lu_factor(A)
CHO = scipy.linalg.cho_factor(SPD, lower=True)


def _sym(a):
    return (a + np.conj(np.swapaxes(a, -1, -2))) / 2


# ---- one call per drop-in: (args, kwargs); the traced variant traces the float arrays ----

CALLS = {
    "special.logsumexp": ((X,), {"axis": 1, "b": np.abs(X) + 0.1, "keepdims": True}),
    "special.softmax": ((X,), {"axis": 0}),
    "special.log_softmax": ((X,), {"axis": -1}),
    "special.polygamma": ((np.array([0, 1, 2]), POS[:3]), {}),
    "special.multigammaln": ((POS + 1.5, 3), {}),
    "linalg.solve": ((A, B), {"assume_a": "gen"}),
    "linalg.solve_triangular": ((np.tril(A), B), {"lower": True, "trans": 1}),
    "linalg.cholesky": ((SPD,), {"lower": True}),
    "linalg.cho_factor": ((SPD,), {}),
    "linalg.cho_solve": ((CHO, V), {}),
    "linalg.lu_factor": ((A,), {}),
    "linalg.lu_solve": ((LU, B), {"trans": 1}),
    "linalg.inv": ((A,), {}),
    "linalg.det": ((A,), {}),
    "linalg.expm": ((0.3 * A,), {}),
    "linalg.eigh": ((SPD,), {}),
    "linalg.eigvalsh": ((SPD,), {"lower": False}),
    "linalg.svd": ((A[:, :3],), {"full_matrices": False}),
    "linalg.sqrtm": ((SPD,), {}),
    "linalg.solve_sylvester": ((SPD, SPD[:2, :2] + np.eye(2), B), {}),
    "spatial.distance.cdist": ((X, Y), {}),
    "spatial.distance.pdist": ((X, "sqeuclidean"), {}),
    "spatial.distance.squareform": ((scipy.spatial.distance.pdist(X),), {}),
    "signal.convolve": ((X, Y[:2, :2]), {"mode": "same"}),
    "signal.fftconvolve": ((X[:, 0], V), {"mode": "valid"}),
    "signal.correlate": ((X, Y[:2]), {"mode": "full"}),
}
_STATS_ARGS = {
    "norm": ((U - 0.2, 0.3, 1.7), {}),
    "t": ((U - 0.2, 3.5), {"loc": 0.1, "scale": 1.3}),
    "gamma": ((POS, 2.5), {"scale": 1.3}),
    "beta": ((U, 2.5, 1.7), {}),
    "poisson": ((K, 2.5), {}),
    "binom": ((K, 9, 0.35), {}),
    "multivariate_normal": ((X, Y[0], SPD[:3, :3]), {}),
}
for _entry in DROP_INS["stats"]:
    _dist, _method = _entry.split(".")
    CALLS[f"stats.{_entry}"] = (((U,), {}) if _method == "ppf" else _STATS_ARGS[_dist])

ENTRIES = [f"{ns}.{name}" for ns, names in DROP_INS.items() for name in names]


def _resolve(root, dotted):
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def _ours(entry):
    return _resolve(npgrad.scipy, entry)


def _theirs(entry):
    return _resolve(scipy, entry)


def _traced(x, tape=None):
    """The float arrays in ``x`` as TracedArrays (watched by ``tape`` if given)."""
    if isinstance(x, np.ndarray) and x.dtype.kind in "fc":
        t = npgrad.constant(x)
        if tape is not None:
            tape.watch(t)
        return t
    if isinstance(x, (tuple, list)):
        return type(x)(_traced(e, tape) for e in x)
    return x


def _plain(x):
    if isinstance(x, npgrad.TracedArray):
        return x.numpy()
    if isinstance(x, (tuple, list)):
        return type(x)(_plain(e) for e in x)
    return x


def _assert_same(ours, theirs):
    """Exactly equal: type, dtype, shape and values (nan where SciPy has nan)."""
    if isinstance(theirs, (tuple, list)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _assert_same(o, t)
        return
    assert type(ours) is type(theirs), (type(ours), type(theirs))
    if isinstance(theirs, (np.ndarray, np.generic)):
        assert ours.dtype == theirs.dtype and np.shape(ours) == np.shape(theirs)
        np.testing.assert_array_equal(ours, theirs)
    else:
        assert ours == theirs


def _assert_close(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        for o, t in zip(ours, theirs):
            _assert_close(o, t)
        return
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-9, atol=1e-12)


def test_every_drop_in_has_a_call():
    assert sorted(CALLS) == sorted(ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES)
def test_plain_arrays_give_scipys_result_exactly(entry):
    args, kwargs = CALLS[entry]
    _assert_same(_ours(entry)(*args, **kwargs), _theirs(entry)(*args, **kwargs))


@pytest.mark.parametrize("entry", ENTRIES)
def test_traced_arrays_give_scipys_value(entry):
    args, kwargs = CALLS[entry]
    theirs = _theirs(entry)(*args, **kwargs)
    ours = _plain(_ours(entry)(*_traced(args), **kwargs))
    _assert_close(ours, theirs)


# ---- the SciPy originals name their replacement ----

def _original_call(entry):
    args, kwargs = CALLS[entry]
    if entry.startswith(("stats.poisson", "stats.binom")):
        # trace the probability parameter; the counts are integers
        return args[:-1] + (np.asarray(args[-1], dtype=float),), kwargs
    return args, kwargs


@pytest.mark.parametrize("entry", ENTRIES)
def test_scipy_original_on_traced_input_names_the_drop_in(entry):
    args, kwargs = _original_call(entry)
    with npgrad.GradientTape() as tape:
        with pytest.raises(npgrad.TraceLostError) as info:
            _theirs(entry)(*_traced(args, tape), **kwargs)
    assert f"Use npgrad.scipy.{entry} instead" in str(info.value)


def test_scipy_special_logsumexp_raises_naming_the_drop_in():
    with pytest.raises(npgrad.TraceLostError, match=r"npgrad\.scipy\.special\.logsumexp"):
        npgrad.grad(lambda x: sc.logsumexp(x))(np.zeros(3))


def test_alternatives_are_registered_by_importing_npgrad_alone():
    code = ("import sys, npgrad; from npgrad._core import ALTERNATIVES; "
            "assert ALTERNATIVES['scipy.stats.norm.logpdf'] == 'npgrad.scipy.stats.norm.logpdf'; "
            "assert 'scipy.stats' not in sys.modules and 'scipy.signal' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- transparent scipy.special ufuncs ----

def test_special_ufuncs_are_recorded_without_a_wrapper():
    def f(x):
        return np.sum(sc.gammaln(x) + sc.xlogy(x, x) + sc.expit(x) + sc.iv(1.5, x))
    x = np.array([0.5, 1.5, 3.0])
    expected = sc.digamma(x) + np.log(x) + 1 + sc.expit(x) * (1 - sc.expit(x)) + (
        sc.iv(0.5, x) + sc.iv(2.5, x)) / 2
    np.testing.assert_allclose(npgrad.grad(f)(x), expected, rtol=1e-12)


def test_softplus_is_transparent_through_logaddexp():
    check_gradients(sc.softplus, (RNG.standard_normal(4),), order=2)


def test_polygamma_derivatives_match_scipy():
    x = np.array([0.7, 2.0])
    for n in range(3):
        g = npgrad.grad(lambda x: np.sum(special.polygamma(n, x)))(x)
        np.testing.assert_allclose(g, sc.polygamma(n + 1, x), rtol=1e-12)


def test_hessian_of_gammaln_uses_the_trigamma_rule():
    h = npgrad.hessian(lambda x: np.sum(sc.gammaln(x)))(np.array([0.5, 2.0]))
    np.testing.assert_allclose(h, np.diag(sc.polygamma(1, [0.5, 2.0])), rtol=1e-12)


@pytest.mark.parametrize("call", [
    lambda t: sc.jv(t, 1.0),              # the order of a Bessel function
    lambda t: sc.gammainc(t, 1.0),        # the shape of the incomplete gamma
    lambda t: sc.betainc(t, 2.0, 0.5),
], ids=["jv order", "gammainc a", "betainc a"])
def test_arguments_without_a_closed_form_raise_at_the_call(call):
    with pytest.raises(npgrad.NotDifferentiableError, match="argument 0"):
        npgrad.grad(call)(1.5)


def test_zeta_in_its_exponent():
    # zeta'(2) = -0.93754825431584375 (OEIS A073002); Hurwitz and Riemann forms
    assert npgrad.grad(lambda s: sc.zeta(s))(2.0) == pytest.approx(-0.9375482543158437,
                                                                    rel=1e-13)
    assert npgrad.grad(lambda s: sc.zeta(s, 1.0))(2.0) == pytest.approx(
        -0.9375482543158437, rel=1e-13)
    # the analytic continuation: zeta'(0) = -log(2 pi) / 2
    assert npgrad.grad(lambda s: sc.zeta(s))(0.0) == pytest.approx(
        -np.log(2 * np.pi) / 2, rel=1e-10)
    # a second derivative in the exponent is refused, never silently zero
    with pytest.raises(npgrad.NotDifferentiableError, match="zeta_dx"):
        npgrad.grad(npgrad.grad(lambda s: sc.zeta(s)))(2.0)


def test_round_is_a_constant():
    with npgrad.GradientTape() as tape:
        x = npgrad.constant([0.4, 1.6])
        tape.watch(x)
        assert type(sc.round(x)) is np.ndarray


# ---- drop-ins built from NumPy calls: finite differences ----

def _invariants(w, v):
    """Eigenvalues and functions of the eigenvectors invariant under their phases."""
    return w, np.abs(v) ** 2, v * np.conj(v[..., :1, :])


def _svd_invariants(u, s, vh):
    k = s.shape[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    return u * vh[..., :, :1].T, s, vh * u[..., :1, :].T


CPLX = A + 1j * RNG.standard_normal((4, 4))
HPD = CPLX @ np.conj(CPLX.T) + np.eye(4)
BATCH = np.stack([A, A.T + np.eye(4)])

GRADIENT_CASES = {
    # special
    "logsumexp b signed": (lambda a, b: special.logsumexp(a, 0, b, return_sign=True),
                           (X, RNG.standard_normal(3))),
    "softmax axis": (lambda x: special.softmax(x, axis=1), (X,)),
    "log_softmax": (special.log_softmax, (X,)),
    "multigammaln": (lambda a: special.multigammaln(a, 3), (POS + 1.5,)),
    # linalg: solve with each structure
    **{f"solve {s}": (lambda a, b, s=s: linalg.solve(a, b, assume_a=s), (A, B))
       for s in (None, "gen", "diagonal", "tridiagonal", "banded", "upper triangular",
                 "lower triangular")},
    **{f"solve {s} lower={lo}": (lambda a, b, s=s, lo=lo: linalg.solve(
        _sym(a), b, assume_a=s, lower=lo), (SPD, V))
       for s in ("sym", "her", "pos") for lo in (False, True)},
    "solve her complex": (lambda a, b: linalg.solve(_sym(a), b, assume_a="her"),
                          (HPD, B + 0j)),
    "solve transposed": (lambda a, b: linalg.solve(a, b, transposed=True), (A, B)),
    "solve batch": (linalg.solve, (BATCH, B)),
    "inv pos": (lambda a: linalg.inv(_sym(a), assume_a="pos", lower=True), (SPD,)),
    "inv": (linalg.inv, (BATCH,)),
    "det": (linalg.det, (BATCH,)),
    "cholesky": (lambda a: linalg.cholesky(_sym(a)), (SPD,)),
    "cholesky lower complex": (lambda a: linalg.cholesky(_sym(a), lower=True), (HPD,)),
    "cho_factor": (lambda a: linalg.cho_factor(_sym(a))[0], (SPD,)),
    "cho_solve lower": (lambda a, b: linalg.cho_solve(linalg.cho_factor(_sym(a), True), b),
                        (SPD, B)),
    "cho_solve upper complex": (lambda a, b: linalg.cho_solve(linalg.cho_factor(_sym(a)), b),
                                (HPD, V + 1j * V)),
    **{f"lu_solve trans={t}": (lambda a, b, t=t: linalg.lu_solve(linalg.lu_factor(a), b,
                                                               trans=t), (CPLX, B))
       for t in (0, 1, 2)},
    "lu_solve vector": (lambda a, b: linalg.lu_solve(linalg.lu_factor(a), b), (A, V)),
    "lu_solve batch": (lambda a, b: linalg.lu_solve(linalg.lu_factor(a), b, trans=1),
                       (BATCH, B)),
    "eigh": (lambda a: _invariants(*linalg.eigh(_sym(a))), (SPD,)),
    "eigh upper complex": (lambda a: _invariants(*linalg.eigh(_sym(a), lower=False)), (HPD,)),
    "eigvalsh": (lambda a: linalg.eigvalsh(_sym(a), driver="evd"), (SPD,)),
    "svd complex": (lambda a: _svd_invariants(*linalg.svd(a, full_matrices=False)),
                    (CPLX[:, :3],)),
    "expm batch": (linalg.expm, (0.3 * BATCH,)),
    "sqrtm complex": (linalg.sqrtm, (HPD,)),
    # spatial, signal
    "cdist sqeuclidean": (lambda a, b: distance.cdist(a, b, "sqeuclidean"), (X, Y)),
    "pdist": (distance.pdist, (X,)),
    "squareform pdist": (lambda x: distance.squareform(distance.pdist(x)), (X,)),
    "correlate 2d same": (lambda a, b: signal.correlate(a, b, "same"), (X, Y[:2, :2])),
    "fftconvolve axes": (lambda a, b: signal.fftconvolve(a, b, "same", axes=0), (X, Y[:2])),
    # stats: frozen distributions
    "norm frozen": (lambda x, m, s: stats.norm(m, s).logpdf(x), (U, 0.2, 1.3)),
    "mvn frozen pdf": (lambda x, m, c: stats.multivariate_normal(m, _sym(c)).pdf(x),
                       (X, Y[0], SPD[:3, :3])),
}


@pytest.mark.parametrize("case", list(GRADIENT_CASES))
def test_drop_in_gradients_match_finite_differences(case):
    f, args = GRADIENT_CASES[case]
    check_gradients(f, args, order=2)


# stats: every method in x and in every float parameter the method is differentiable in
_SHAPE_CDF = {"t": (1,), "gamma": (1,), "beta": (1, 2)}


def _stats_cases():
    for entry in DROP_INS["stats"]:
        dist, method = entry.split(".")
        args, kwargs = CALLS[f"stats.{entry}"]
        if dist in ("poisson", "binom"):
            argnums = (len(args) - 1,)                       # mu, p (counts are integers)
        elif dist == "multivariate_normal":
            argnums = (0, 1)                                  # cov: see "mvn cov" below
        elif method in ("logpdf", "pdf", "ppf"):
            argnums = tuple(range(len(args)))
        else:
            argnums = tuple(i for i in range(len(args)) if i not in _SHAPE_CDF.get(dist, ()))
        yield pytest.param(entry, args, kwargs, argnums, id=entry)


@pytest.mark.parametrize("entry, args, kwargs, argnums", list(_stats_cases()))
def test_distribution_gradients_match_finite_differences(entry, args, kwargs, argnums):
    method = _ours(f"stats.{entry}")
    args = tuple(np.asarray(a, dtype=float) if isinstance(a, (float, np.ndarray)) else a
                 for a in args)
    check_gradients(lambda *a: method(*a, **kwargs), args, order=2, argnums=argnums)


def test_distribution_loc_and_scale_are_differentiable():
    for dist, extra in (("norm", ()), ("t", (3.5,)), ("gamma", (2.5,)), ("beta", (2.5, 1.7))):
        for method in ("logpdf", "cdf", "sf"):
            f = getattr(getattr(stats, dist), method)
            x = U if dist == "beta" else POS
            check_gradients(lambda x, loc, scale: f(x, *extra, loc=loc, scale=scale),
                            (x, np.array(-0.1), np.array(1.2)), order=2)


def test_multivariate_normal_cov_gradient_is_the_symmetric_textbook_one():
    x, mean, cov = X[0], Y[0], SPD[:3, :3]
    g = npgrad.grad(lambda c: stats.multivariate_normal.logpdf(x, mean, c))(cov)
    inv, r = np.linalg.inv(cov), x - mean
    np.testing.assert_allclose(g, -0.5 * (inv - inv @ np.outer(r, r) @ inv), rtol=1e-10)
    check_gradients(lambda c: stats.multivariate_normal.logpdf(X, mean, _sym(c)), (cov,),
                    order=2)


def test_cholesky_gradient_is_symmetric_and_value_reads_one_triangle():
    a = SPD + np.triu(RNG.standard_normal((4, 4)), 1)      # garbage above the diagonal
    value = linalg.cholesky(npgrad.constant(a), lower=True).numpy()
    np.testing.assert_allclose(value, scipy.linalg.cholesky(a, lower=True), rtol=1e-12)
    g = npgrad.grad(lambda a: np.sum(linalg.cholesky(a, lower=True)))(SPD)
    np.testing.assert_allclose(g, g.T, rtol=1e-12)
    np.testing.assert_allclose(g, npgrad.grad(lambda a: np.sum(np.linalg.cholesky(a)))(SPD),
                               rtol=1e-12)


def test_euclidean_distance_gradient_is_zero_at_zero_distance():
    g = npgrad.grad(lambda x: np.sum(distance.pdist(x)))(np.vstack([X, X[:1]]))
    assert np.all(np.isfinite(g))
    g = npgrad.grad(lambda x: np.sum(distance.cdist(x, x)))(X)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, 2 * npgrad.grad(lambda x: np.sum(distance.pdist(x)))(X),
                               rtol=1e-12)


def test_logsumexp_hessian_is_the_softmax_jacobian():
    x = RNG.standard_normal(4)
    p = sc.softmax(x)
    np.testing.assert_allclose(npgrad.hessian(special.logsumexp)(x),
                               np.diag(p) - np.outer(p, p), atol=1e-14)


def test_unsupported_options_raise_with_the_remedy():
    t = npgrad.constant(SPD)
    with pytest.raises(npgrad.NotDifferentiableError, match="sqeuclidean"):
        distance.cdist(t, t, "cityblock")
    with pytest.raises(NotImplementedError, match="generalized"):
        linalg.eigh(t, np.eye(4))
    with pytest.raises(NotImplementedError, match="subset"):
        linalg.eigh(t, subset_by_index=[0, 1])
    with pytest.raises(npgrad.NotDifferentiableError, match="rvs"):
        stats.norm.rvs(loc=t)
    with pytest.raises(ValueError, match="not met"):
        special.multigammaln(npgrad.constant(0.5), 3)


# ---- end to end ----

# Dobson (1990), p. 93: a randomized controlled trial (R's ?glm example).  Each
# treatment totals 50 counts, so the MLE is in closed form: the treatment
# effects are 0 and exp(intercept + outcome_k) is the mean count of outcome k.
COUNTS = np.array([18.0, 17, 15, 20, 10, 20, 25, 13, 12])
OUTCOME = np.tile([0, 1, 2], 3)
TREATMENT = np.repeat([0, 1, 2], 3)
DESIGN = np.column_stack([np.ones(9), OUTCOME == 1, OUTCOME == 2, TREATMENT == 1,
                          TREATMENT == 2]).astype(float)


def poisson_nll(beta):
    # written with scipy.special, as a user would
    eta = DESIGN @ beta
    return np.sum(np.exp(eta) - sc.xlogy(COUNTS, np.exp(eta)) + sc.gammaln(COUNTS + 1))


@pytest.mark.parametrize("method", ["BFGS", "trust-exact", "Newton-CG"])
def test_poisson_glm_recovers_the_known_mle(method):
    res = npgrad.optimize.minimize(poisson_nll, np.zeros(5), method=method)
    expected = [np.log(21.0), np.log(40 / 63), np.log(47 / 63), 0.0, 0.0]
    np.testing.assert_allclose(res.x, expected, atol=1e-5)
    # R reports a residual deviance of 5.1291 on 4 degrees of freedom
    mu = np.exp(DESIGN @ res.x)
    deviance = 2 * np.sum(sc.xlogy(COUNTS, COUNTS / mu) - (COUNTS - mu))
    assert abs(deviance - 5.129141) < 1e-5


def test_gamma_shape_mle_with_gammaln_matches_scipy_fit():
    x = scipy.stats.gamma.rvs(2.7, scale=1.5, size=200, random_state=1)

    def nll(theta):
        a, rate = np.exp(theta[0]), np.exp(theta[1])
        return -np.sum(sc.xlogy(a - 1, x) + sc.xlogy(a, rate) - rate * x - sc.gammaln(a))

    res = npgrad.optimize.minimize(nll, np.zeros(2), method="trust-exact")
    a, _, scale = scipy.stats.gamma.fit(x, floc=0)
    np.testing.assert_allclose(np.exp(res.x), [a, 1 / scale], rtol=1e-5)
    res_stats = npgrad.optimize.minimize(
        lambda th: -np.sum(stats.gamma.logpdf(x, np.exp(th[0]), scale=np.exp(-th[1]))),
        np.zeros(2), method="BFGS")
    np.testing.assert_allclose(res_stats.x, res.x, atol=1e-4)


GP_X = np.linspace(0.0, 5.0, 12)[:, None]
GP_Y = np.sin(GP_X[:, 0]) + 0.1 * np.random.default_rng(3).standard_normal(12)


def gp_nll(theta, x=GP_X, y=GP_Y):
    """Negative log marginal likelihood of a squared-exponential GP (log parameters)."""
    ell, sf, sn = np.exp(theta[0]), np.exp(theta[1]), np.exp(theta[2])
    d2 = distance.cdist(x, x, "sqeuclidean")
    k = sf ** 2 * np.exp(-0.5 * d2 / ell ** 2) + sn ** 2 * np.eye(len(y))
    c, lower = linalg.cho_factor(k, lower=True)
    alpha = linalg.cho_solve((c, lower), y)
    return (0.5 * np.dot(y, alpha) + np.sum(np.log(np.diagonal(c)))
            + 0.5 * len(y) * np.log(2 * np.pi))


def test_gaussian_process_marginal_likelihood():
    theta = np.array([0.1, -0.2, np.log(0.3)])
    ell, sf, sn = np.exp(theta)
    d2 = scipy.spatial.distance.cdist(GP_X, GP_X, "sqeuclidean")
    cov = sf ** 2 * np.exp(-0.5 * d2 / ell ** 2) + sn ** 2 * np.eye(12)
    assert abs(gp_nll(theta) + scipy.stats.multivariate_normal.logpdf(GP_Y, cov=cov)) < 1e-10
    check_gradients(gp_nll, (theta,), order=2)
    # the inputs are differentiable too (through cdist)
    check_gradients(lambda x: gp_nll(theta, x), (GP_X,))
    res = npgrad.optimize.minimize(gp_nll, theta, method="L-BFGS-B")
    assert res.success and np.linalg.norm(npgrad.grad(gp_nll)(res.x)) < 1e-4
