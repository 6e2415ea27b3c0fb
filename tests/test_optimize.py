"""npgrad's transforms and npgrad.optimize inside scipy.optimize, on problems with known solutions."""

import numpy as np
import pytest
import scipy.optimize as so

import npgrad
import npgrad.optimize as nopt


def rosen(x):
    """Rosenbrock written by hand with slicing (not scipy.optimize.rosen)."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)


X0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2])
TIGHT = {"Newton-CG": {"xtol": 1e-10}, "trust-ncg": {"gtol": 1e-10},
         "trust-krylov": {"gtol": 1e-10}, "trust-exact": {"gtol": 1e-10},
         "dogleg": {"gtol": 1e-10}}


def test_value_and_grad_types_for_jac_true():
    value, g = npgrad.value_and_grad(rosen)(np.array([1.5, -1.5]))
    assert isinstance(value, float) and value == pytest.approx(so.rosen([1.5, -1.5]))
    assert type(g) is np.ndarray and g.dtype == np.float64 and g.shape == (2,)
    np.testing.assert_allclose(g, [2251.0, -750.0], rtol=1e-13)


def test_hessian_and_hvp_reference_numbers():
    x = np.array([1.5, -1.5])
    np.testing.assert_allclose(npgrad.hessian(rosen)(x), [[3302, -600], [-600, 200]],
                               rtol=1e-13)
    np.testing.assert_allclose(npgrad.hvp(rosen)(x, np.array([1.0, 0.0])), [3302, -600],
                               rtol=1e-13)


@pytest.mark.parametrize("method", ["BFGS", "L-BFGS-B", "CG"])
def test_first_order_methods(method):
    res = so.minimize(npgrad.value_and_grad(rosen), X0, jac=True, method=method,
                      options={"gtol": 1e-8} if method != "L-BFGS-B" else {"gtol": 1e-10})
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-4)


def test_grad_as_jac():
    res = so.minimize(rosen, X0, jac=npgrad.grad(rosen), method="BFGS")
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-4)


@pytest.mark.parametrize("method", ["Newton-CG", "trust-ncg", "trust-krylov"])
def test_hessp_methods(method):
    res = so.minimize(rosen, X0, jac=npgrad.grad(rosen), hessp=npgrad.hvp(rosen),
                      method=method, options=TIGHT[method])
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-5)


@pytest.mark.parametrize("method", ["trust-exact", "dogleg", "Newton-CG"])
def test_hess_methods(method):
    x0 = X0 if method != "dogleg" else np.array([1.1, 1.1, 1.1, 1.1, 1.1])
    res = so.minimize(rosen, x0, jac=npgrad.grad(rosen), hess=npgrad.hessian(rosen),
                      method=method, options=TIGHT[method])
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-5)


def test_extra_args_pass_through():
    def f(x, a, b):
        return np.sum((x - a) ** 2) * b
    res = so.minimize(npgrad.value_and_grad(f), np.zeros(3), args=(np.arange(3.0), 2.0),
                      jac=True, method="BFGS")
    np.testing.assert_allclose(res.x, [0, 1, 2], atol=1e-6)
    hp = npgrad.hvp(f)(np.zeros(3), np.ones(3), np.arange(3.0), 2.0)
    np.testing.assert_allclose(hp, [4.0, 4.0, 4.0])


def test_slsqp_with_dict_constraints():
    # SciPy tutorial problem: the solution is (1.4, 1.7).
    fun = lambda x: (x[0] - 1) ** 2 + (x[1] - 2.5) ** 2  # noqa: E731
    cons = ({"type": "ineq", "fun": lambda x: x[0] - 2 * x[1] + 2},
            {"type": "ineq", "fun": lambda x: -x[0] - 2 * x[1] + 6},
            {"type": "ineq", "fun": lambda x: -x[0] + 2 * x[1] + 2})
    res = nopt.minimize(fun, np.array([2.0, 0.0]), method="SLSQP", constraints=cons,
                        bounds=((0, None), (0, None)))
    np.testing.assert_allclose(res.x, [1.4, 1.7], atol=1e-6)


def test_trust_constr_with_nonlinear_constraint_and_lagrangian_hessian():
    # minimise x + y on the unit disc: (-1/sqrt 2, -1/sqrt 2)
    con = so.NonlinearConstraint(lambda x: x[0] ** 2 + x[1] ** 2, -np.inf, 1.0)
    res = nopt.minimize(lambda x: x[0] + x[1], np.array([0.5, 0.0]), method="trust-constr",
                        constraints=con)
    np.testing.assert_allclose(res.x, [-2 ** -0.5, -2 ** -0.5], atol=1e-5)


def test_minimize_fills_hessp_for_newton_cg():
    res = nopt.minimize(rosen, X0, method="Newton-CG", options=TIGHT["Newton-CG"])
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-5)
    assert res.nhev > 0


def test_minimize_trust_exact_gets_dense_hessian():
    res = nopt.minimize(rosen, X0, method="trust-exact", options=TIGHT["trust-exact"])
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-6)


def test_minimize_pytree_parameters():
    data_x = np.linspace(0, 1, 20)
    data_y = 3.0 * data_x - 0.5

    def loss(p):
        return np.sum((p["slope"] * data_x + p["bias"][0] - data_y) ** 2)
    res = nopt.minimize(loss, {"slope": 0.0, "bias": np.zeros(1)}, method="L-BFGS-B")
    assert res.x["slope"] == pytest.approx(3.0, abs=1e-5)
    assert res.x["bias"].shape == (1,) and res.x["bias"][0] == pytest.approx(-0.5, abs=1e-5)
    assert res.x_flat.shape == (2,)


def test_minimize_progress_prints(capsys):
    nopt.minimize(rosen, X0, method="BFGS", progress=10)
    out = capsys.readouterr().out
    assert "iter    10" in out and "|g|" in out


def test_least_squares_with_jacobian():
    resid = lambda x: np.stack([10 * (x[1] - x[0] ** 2), 1 - x[0]])  # noqa: E731
    res = so.least_squares(resid, np.array([2.0, 2.0]), jac=npgrad.jacobian(resid))
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
    np.testing.assert_allclose(res.jac, [[-20.0, 10.0], [-1.0, 0.0]], atol=1e-6)
    res2 = nopt.least_squares(resid, np.array([2.0, 2.0]))
    np.testing.assert_allclose(res2.x, [1.0, 1.0], atol=1e-8)


def test_least_squares_exponential_fit_pytree():
    t = np.linspace(0, 2, 30)
    y = 2.5 * np.exp(-1.3 * t)
    res = nopt.least_squares(lambda p: p["a"] * np.exp(-p["k"] * t) - y,
                             {"a": 1.0, "k": 0.5})
    assert res.x["a"] == pytest.approx(2.5, rel=1e-7)
    assert res.x["k"] == pytest.approx(1.3, rel=1e-7)
