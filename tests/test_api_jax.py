"""Acceptance tests for the JAX/autograd-style transforms (tf_semantics §9, §11; SPEC §4).

grad, value_and_grad, jacobian, hessian, hvp, vjp, and their use with
scipy.optimize.
"""

import numpy as np
import pytest
import scipy.optimize

import npgrad
from expect import assert_array, assert_tuple


def f(x, y):
    # tf_semantics §9: f = x^3 y - x y^2
    return x * x * x * y - x * y * y


# ---------------------------------------------------------------------------
# grad: argnums (§9)
# ---------------------------------------------------------------------------

def test_grad_default_argnum():
    # tf_semantics §9: grad(f)(2.,3.) -> 27
    assert_array(npgrad.grad(f)(2.0, 3.0), 27.0)


def test_grad_argnums_int():
    # tf_semantics §9: argnums=1 -> -4
    assert_array(npgrad.grad(f, argnums=1)(2.0, 3.0), -4.0)


def test_grad_argnums_tuple():
    # tf_semantics §9: argnums=(0,1) -> (27, -4)
    assert_tuple(npgrad.grad(f, argnums=(0, 1))(2.0, 3.0), [27.0, -4.0])


def test_grad_argnums_length_one_tuple():
    # tf_semantics §9: argnums=(1,) -> (-4,)
    assert_tuple(npgrad.grad(f, argnums=(1,))(2.0, 3.0), [-4.0])


def test_grad_argnums_list_gives_tuple():
    # SPEC: a sequence argnums gives a tuple
    assert_tuple(npgrad.grad(f, argnums=[0, 1])(2.0, 3.0), [27.0, -4.0])


def test_grad_argnums_order_followed():
    # tf_semantics §9: (1,0) gives (d/dy, d/dx)
    assert_tuple(npgrad.grad(f, argnums=(1, 0))(2.0, 3.0), [-4.0, 27.0])


def test_grad_negative_argnum():
    # tf_semantics §9: argnums=-1 -> -4
    assert_array(npgrad.grad(f, argnums=-1)(2.0, 3.0), -4.0)


def test_grad_of_grad():
    # tf_semantics §9: grad(grad(f))(2.,3.) -> 36
    assert_array(npgrad.grad(npgrad.grad(f))(2.0, 3.0), 36.0)


def test_grad_third_order():
    g3 = npgrad.grad(npgrad.grad(npgrad.grad(lambda x: x ** 4)))
    assert_array(g3(2.0), 48.0)


def test_grad_unconnected_gives_zeros():
    # tf_semantics §9: grad(lambda x,y: 2x, argnums=(0,1))(2.,3.) -> (2., 0.)
    assert_tuple(npgrad.grad(lambda x, y: 2 * x, argnums=(0, 1))(2.0, 3.0), [2.0, 0.0])


def test_grad_unconnected_array_gives_zeros_of_shape():
    r = npgrad.grad(lambda x, y: np.sum(2 * x), argnums=1)(np.ones(2), np.ones((2, 3)))
    assert_array(r, np.zeros((2, 3)))


def test_grad_argnums_out_of_range_raises_type_error():
    # tf_semantics §9: max(argnums) >= len(args) -> TypeError
    with pytest.raises(TypeError, match="argnums"):
        npgrad.grad(f, argnums=5)(2.0, 3.0)


def test_grad_argnums_string_raises_type_error():
    with pytest.raises(TypeError):
        npgrad.grad(f, argnums="x")(2.0, 3.0)


# ---------------------------------------------------------------------------
# grad: pytrees, kwargs, dtypes, output checks
# ---------------------------------------------------------------------------

def test_grad_dict_pytree():
    # tf_semantics §9: {'a':2.,'b':(3.,4.)} -> {'a':12.,'b':(8.,6.)}
    r = npgrad.grad(lambda d: d["a"] * d["b"][0] * d["b"][1])({"a": 2.0, "b": (3.0, 4.0)})
    assert type(r) is dict and sorted(r) == ["a", "b"]
    assert_array(r["a"], 12.0)
    assert_tuple(r["b"], [8.0, 6.0])


def test_grad_list_pytree():
    r = npgrad.grad(lambda l: l[0] * l[1])([2.0, 3.0])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 3.0)
    assert_array(r[1], 2.0)


def test_grad_nested_list_of_arrays():
    params = [np.array([1.0, 2.0]), (np.array(3.0), np.array([[1.0]]))]

    def loss(p):
        w, (b, m) = p
        return np.sum(w * w) * b + np.sum(m)

    r = npgrad.grad(loss)(params)
    assert type(r) is list and len(r) == 2
    assert_array(r[0], [6.0, 12.0])
    assert type(r[1]) is tuple and len(r[1]) == 2
    assert_array(r[1][0], 5.0)
    assert_array(r[1][1], [[1.0]])


def test_grad_keyword_arguments_passed_through():
    # SPEC §4: keyword arguments are passed through and never differentiated
    assert_array(npgrad.grad(f)(2.0, y=3.0), 27.0)


def test_grad_keyword_argument_with_argnums_tuple():
    g = npgrad.grad(lambda x, scale=1.0: scale * x * x, argnums=(0,))
    assert_tuple(g(3.0, scale=2.0), [12.0])


def test_grad_nonscalar_output_raises_type_error():
    # tf_semantics §9: grad(lambda x: x*x)(array([1.,2.])) -> TypeError
    with pytest.raises(TypeError, match="scalar"):
        npgrad.grad(lambda x: x * x)(np.array([1.0, 2.0]))


def test_grad_shape_one_output_raises_type_error():
    # tf_semantics §9: shape (1,) output -> TypeError
    with pytest.raises(TypeError):
        npgrad.grad(lambda x: x * np.ones(1))(2.0)


def test_grad_none_output_raises_type_error():
    def g(x):
        x * x

    with pytest.raises(TypeError):
        npgrad.grad(g)(2.0)


def test_grad_int_input_raises_type_error():
    # tf_semantics §9 / SPEC §4: grad(lambda x: x*x)(3) -> TypeError
    with pytest.raises(TypeError):
        npgrad.grad(lambda x: x * x)(3)


def test_grad_int_array_input_raises_type_error():
    with pytest.raises(TypeError):
        npgrad.grad(lambda x: np.sum(x * x))(np.array([1, 2]))


def test_grad_int_in_second_differentiated_position_raises():
    with pytest.raises(TypeError):
        npgrad.grad(lambda x, n: x ** n, argnums=(0, 1))(2.0, 3)


def test_grad_int_in_non_differentiated_position_is_fine():
    # tf_semantics §9: grad(lambda x,n: x**n)(2., 3) -> 12
    assert_array(npgrad.grad(lambda x, n: x ** n)(2.0, 3), 12.0)


def test_grad_float32_input_keeps_dtype():
    r = npgrad.grad(lambda x: np.sum(x * x))(np.array([1.0, 2.0], dtype=np.float32))
    assert_array(r, [2.0, 4.0], dtype=np.float32)


def test_grad_has_aux():
    # tf_semantics §9: grad with has_aux -> (g, aux)
    r = npgrad.grad(lambda x: (x * x, "aux-data"), has_aux=True)(3.0)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 6.0)
    assert r[1] == "aux-data"


def test_grad_has_aux_array_aux():
    g, aux = npgrad.grad(lambda x: (x * x, x + 1.0), has_aux=True)(3.0)
    assert_array(g, 6.0)
    assert_array(aux, 4.0)


def test_grad_has_aux_requires_two_tuple():
    # tf_semantics §9: "expected function with aux output to return a two-element tuple"
    with pytest.raises(TypeError, match="two-element tuple"):
        npgrad.grad(lambda x: x * x, has_aux=True)(3.0)


def test_grad_with_numpy_reductions_and_matmul():
    W = np.array([[1.0, 2.0], [3.0, 4.0]])

    def loss(x):
        return np.mean(np.tanh(x @ W) ** 2)

    x = np.array([0.1, -0.2])
    t = np.tanh(x @ W)
    expected = W @ (2 * t * (1 - t ** 2) / 2)
    assert_array(npgrad.grad(loss)(x), expected)


# ---------------------------------------------------------------------------
# value_and_grad
# ---------------------------------------------------------------------------

def test_value_and_grad():
    # tf_semantics §9: value_and_grad returns (value, g); SPEC §4
    r = npgrad.value_and_grad(f)(2.0, 3.0)
    assert type(r) is tuple and len(r) == 2
    assert float(r[0]) == 6.0
    assert_array(r[1], 27.0)


def test_value_and_grad_argnums_tuple():
    value, g = npgrad.value_and_grad(f, argnums=(0, 1))(2.0, 3.0)
    assert float(value) == 6.0
    assert_tuple(g, [27.0, -4.0])


def test_value_and_grad_has_aux():
    # tf_semantics §9: value_and_grad with has_aux -> ((value, aux), g)
    r = npgrad.value_and_grad(lambda x: (x * x, "aux"), has_aux=True)(3.0)
    assert type(r) is tuple and len(r) == 2
    (value, aux), g = r
    assert float(value) == 9.0
    assert aux == "aux"
    assert_array(g, 6.0)


def test_value_and_grad_vector_input():
    value, g = npgrad.value_and_grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0, 3.0]))
    assert float(value) == 14.0
    assert_array(g, [2.0, 4.0, 6.0])


# ---------------------------------------------------------------------------
# jacobian (§9)
# ---------------------------------------------------------------------------

def test_jacobian_docs_example():
    # tf_semantics §9: f(x)=[x0, 5x2, 4x1^2-2x2, x2 sin x0] at [1,2,3]
    def fn(x):
        return np.stack([x[0], 5 * x[2], 4 * x[1] ** 2 - 2 * x[2], x[2] * np.sin(x[0])])

    r = npgrad.jacobian(fn)(np.array([1.0, 2.0, 3.0]))
    expected = [[1.0, 0.0, 0.0],
                [0.0, 0.0, 5.0],
                [0.0, 16.0, -2.0],
                [3.0 * np.cos(1.0), 0.0, np.sin(1.0)]]
    assert_array(r, expected)
    assert abs(r[3, 0] - 1.6209069) < 5e-8 and abs(r[3, 2] - 0.8414710) < 5e-8


def test_jacobian_shape_out_plus_in():
    # tf_semantics §9: jacobian(lambda m: m @ ones((2,3)))(ones((4,2))).shape -> (4,3,4,2)
    r = npgrad.jacobian(lambda m: m @ np.ones((2, 3)))(np.ones((4, 2)))
    expected = np.einsum("ik,jl->ijkl", np.eye(4), np.ones((3, 2)))
    assert_array(r, expected)


def test_jacobian_argnums_tuple():
    # tf_semantics §9: argnums=(0,1) at [1,2],[3,4] -> (diag(3,4), diag(1,2))
    r = npgrad.jacobian(lambda x, y: x * y, argnums=(0, 1))(np.array([1.0, 2.0]),
                                                            np.array([3.0, 4.0]))
    assert_tuple(r, [np.diag([3.0, 4.0]), np.diag([1.0, 2.0])])


def test_jacobian_scalar_output_equals_grad():
    r = npgrad.jacobian(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]))
    assert_array(r, [3.0, 12.0])


def test_jacobian_unconnected_gives_zeros():
    r = npgrad.jacobian(lambda x, y: 2 * x, argnums=1)(np.array([1.0, 2.0]), np.ones(3))
    assert_array(r, np.zeros((2, 3)))


def test_jacobian_of_elementwise_square():
    assert_array(npgrad.jacobian(lambda x: x * x)(np.array([1.0, 2.0])),
                 [[2.0, 0.0], [0.0, 4.0]])


# ---------------------------------------------------------------------------
# hessian, hvp (§9, §7 HVP numbers)
# ---------------------------------------------------------------------------

def g2(x):
    # tf_semantics §9: g = x0^3 - 2 x0 x1 - x1^6
    return x[0] ** 3 - 2 * x[0] * x[1] - x[1] ** 6


def test_hessian_polynomial():
    # tf_semantics §9: at [1,2] -> [[6,-2],[-2,-480]]
    assert_array(npgrad.hessian(g2)(np.array([1.0, 2.0])), [[6.0, -2.0], [-2.0, -480.0]])


def test_hessian_scalar():
    # tf_semantics §9: hessian(x**4)(2.) -> 48
    assert_array(npgrad.hessian(lambda x: x ** 4)(2.0), 48.0)


def test_hessian_vector_output_shape():
    # tf_semantics §9: hessian(x**3) on a vector of shape (2,) -> shape (2,2,2)
    r = npgrad.hessian(lambda x: x ** 3)(np.array([1.0, 2.0]))
    expected = np.zeros((2, 2, 2))
    expected[0, 0, 0] = 6.0
    expected[1, 1, 1] = 12.0
    assert_array(r, expected)


def test_hessian_argnums_tuple_is_tree_product():
    # tf_semantics §9: hessian(lambda x,y: x*x*y, argnums=(0,1))(2.,3.) -> ((6,4),(4,0))
    r = npgrad.hessian(lambda x, y: x * x * y, argnums=(0, 1))(2.0, 3.0)
    assert type(r) is tuple and len(r) == 2
    assert_tuple(r[0], [6.0, 4.0])
    assert_tuple(r[1], [4.0, 0.0])


def test_hvp_polynomial():
    r = npgrad.hvp(g2)(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    assert_array(r, [6.0, -2.0])
    r = npgrad.hvp(g2)(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    assert_array(r, [-2.0, -480.0])


def test_hvp_sum_of_cubes():
    # tf_semantics §7: y=sum(v**3), v=[1,2], direction [1,0] -> [6,0]
    r = npgrad.hvp(lambda v: np.sum(v ** 3))(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    assert_array(r, [6.0, 0.0])


# ---------------------------------------------------------------------------
# vjp (§9)
# ---------------------------------------------------------------------------

def test_vjp_two_primals_two_outputs():
    # tf_semantics §9: vjp_fn((-0.7, 0.3)) -> (-0.6143078, -0.2524413)
    out, vjp_fn = npgrad.vjp(lambda x, y: (np.sin(x), np.cos(y)), 0.5, 1.0)
    assert type(out) is tuple and len(out) == 2
    assert_array(out[0], np.sin(0.5))
    assert_array(out[1], np.cos(1.0))
    r = vjp_fn((-0.7, 0.3))
    assert_tuple(r, [-0.7 * np.cos(0.5), -0.3 * np.sin(1.0)])
    assert abs(float(r[0]) + 0.6143078) < 5e-8
    assert abs(float(r[1]) + 0.2524413) < 5e-8


def test_vjp_single_primal_gives_one_tuple():
    # tf_semantics §9: vjp(lambda x: x*x, 3.) then vjp_fn(1.) -> (6.,)
    out, vjp_fn = npgrad.vjp(lambda x: x * x, 3.0)
    assert_array(out, 9.0)
    assert_tuple(vjp_fn(1.0), [6.0])
    assert_tuple(vjp_fn(2.0), [12.0])


def test_vjp_vector():
    out, vjp_fn = npgrad.vjp(lambda x: x * x, np.array([1.0, 2.0, 3.0]))
    assert_array(out, [1.0, 4.0, 9.0])
    assert_tuple(vjp_fn(np.array([1.0, 0.0, 2.0])), [[2.0, 0.0, 12.0]])


def test_vjp_cotangent_shape_mismatch_raises_value_error():
    # tf_semantics §9 / SPEC §2: mismatched cotangent -> ValueError
    out, vjp_fn = npgrad.vjp(lambda x: x * x, np.array([1.0, 2.0]))
    with pytest.raises(ValueError):
        vjp_fn(np.ones(3))


def test_vjp_has_aux():
    # tf_semantics §9: (out, vjp_fn, aux)
    r = npgrad.vjp(lambda x: (x * x, "aux"), 3.0, has_aux=True)
    assert type(r) is tuple and len(r) == 3
    out, vjp_fn, aux = r
    assert_array(out, 9.0)
    assert aux == "aux"
    assert_tuple(vjp_fn(1.0), [6.0])


def test_vjp_unconnected_primal_gives_zeros():
    out, vjp_fn = npgrad.vjp(lambda x, y: 2 * x, 1.0, np.ones(2))
    assert_tuple(vjp_fn(1.0), [2.0, np.zeros(2)])


# ---------------------------------------------------------------------------
# scipy.optimize interop (§11, SPEC §4)
# ---------------------------------------------------------------------------

def rosen(x):
    """Hand-written NumPy Rosenbrock (not scipy.optimize.rosen)."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


X0 = np.array([1.3, 0.7, 0.8, 1.9, 1.2])


def test_rosen_gradient_reference_numbers():
    # tf_semantics §11: rosen_der([1.5,-1.5]) = [2251, -750]
    assert_array(npgrad.grad(rosen)(np.array([1.5, -1.5])), [2251.0, -750.0])


def test_rosen_gradient_matches_scipy_rosen_der():
    assert_array(npgrad.grad(rosen)(X0), scipy.optimize.rosen_der(X0))


def test_rosen_hessian_reference_numbers():
    # tf_semantics §11: rosen_hess = [[3302,-600],[-600,200]]
    assert_array(npgrad.hessian(rosen)(np.array([1.5, -1.5])),
                 [[3302.0, -600.0], [-600.0, 200.0]])


def test_rosen_hvp_reference_numbers():
    # tf_semantics §11: rosen_hess_prod(x, [1,0]) = [3302,-600]
    assert_array(npgrad.hvp(rosen)(np.array([1.5, -1.5]), np.array([1.0, 0.0])),
                 [3302.0, -600.0])


def test_value_and_grad_result_shape_for_scipy():
    # SPEC §4: (float-able value, ndarray)
    r = npgrad.value_and_grad(rosen)(X0)
    assert type(r) is tuple and len(r) == 2
    assert float(r[0]) == pytest.approx(float(rosen(X0)), rel=1e-12)
    assert_array(r[1], scipy.optimize.rosen_der(X0))


def test_minimize_bfgs_with_value_and_grad_jac_true():
    # SPEC §4: value_and_grad drops into scipy.optimize.minimize(jac=True)
    res = scipy.optimize.minimize(npgrad.value_and_grad(rosen), X0, jac=True, method="BFGS")
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-4)
    assert res.fun < 1e-9


def test_minimize_with_grad_as_jac():
    res = scipy.optimize.minimize(rosen, X0, jac=npgrad.grad(rosen), method="L-BFGS-B")
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-3)


def test_minimize_newton_cg_with_hvp():
    res = scipy.optimize.minimize(rosen, X0, jac=npgrad.grad(rosen),
                                  hessp=lambda x, p: npgrad.hvp(rosen)(x, p),
                                  method="Newton-CG", options={"xtol": 1e-10})
    assert res.success, res.message
    # scipy's own rosen_der/rosen_hess_prod follow the same path
    ref = scipy.optimize.minimize(scipy.optimize.rosen, X0, jac=scipy.optimize.rosen_der,
                                  hessp=scipy.optimize.rosen_hess_prod,
                                  method="Newton-CG", options={"xtol": 1e-10})
    np.testing.assert_allclose(res.x, ref.x, rtol=1e-8)
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-6)


def test_minimize_trust_exact_with_hessian():
    res = scipy.optimize.minimize(rosen, X0, jac=npgrad.grad(rosen),
                                  hess=npgrad.hessian(rosen), method="trust-exact")
    assert res.success, res.message
    np.testing.assert_allclose(res.x, np.ones(5), atol=1e-5)


def test_minimize_passes_extra_args():
    # tf_semantics §13.15: extra *args after x are passed to fun and jac
    def shifted(x, c):
        return np.sum((x - c) ** 2)

    c = np.array([1.0, -2.0])
    res = scipy.optimize.minimize(shifted, np.zeros(2), args=(c,), jac=npgrad.grad(shifted),
                                  method="BFGS")
    np.testing.assert_allclose(res.x, c, atol=1e-6)


def test_least_squares_with_jacobian():
    # tf_semantics §11: residuals [10(x1-x0^2), 1-x0] from [2,2] -> x=[1,1], jac=[[-20,10],[-1,0]]
    def residuals(x):
        return np.stack([10.0 * (x[1] - x[0] ** 2), 1.0 - x[0]])

    res = scipy.optimize.least_squares(residuals, np.array([2.0, 2.0]),
                                       jac=npgrad.jacobian(residuals))
    np.testing.assert_allclose(res.x, [1.0, 1.0], atol=1e-8)
    assert_array(npgrad.jacobian(residuals)(np.array([1.0, 1.0])),
                 [[-20.0, 10.0], [-1.0, 0.0]])


def test_check_grad_with_npgrad_gradient():
    # tf_semantics §11: check_grad of a correct gradient is ~1.5e-5 at [1.5,-1.5]
    err = scipy.optimize.check_grad(rosen, npgrad.grad(rosen), np.array([1.5, -1.5]))
    assert err < 1e-4


# ---------------------------------------------------------------------------
# unmodified NumPy code with the core ops
# ---------------------------------------------------------------------------

def test_softmax_cross_entropy():
    def loss(z):
        z = z - np.max(z)
        return -(z[1] - np.log(np.sum(np.exp(z))))

    z = np.array([0.5, 1.5, -1.0])
    p = np.exp(z) / np.sum(np.exp(z))
    assert_array(npgrad.grad(loss)(z), p - np.array([0.0, 1.0, 0.0]))


def test_where_clip_maximum():
    def f(x):
        return np.sum(np.where(x > 0, x ** 2, 0.5 * x) + np.clip(x, -1.0, 1.0) * 3
                      + np.maximum(x, 0.25))

    x = np.array([-2.0, -0.5, 0.1, 2.0])
    expected = (np.where(x > 0, 2 * x, 0.5) + np.where(np.abs(x) < 1.0, 3.0, 0.0)
                + np.where(x > 0.25, 1.0, 0.0))
    assert_array(npgrad.grad(f)(x), expected)


def test_indexing_concatenate_stack_transpose():
    def f(x):
        a = np.concatenate([x[:2], x[::-1]])          # (5,)
        m = np.stack([a, 2 * a]).T                    # (5, 2)
        return np.sum(m.reshape(10) * np.arange(10.0))

    x = np.array([1.0, 2.0, 3.0])
    # m[i, j] = (j+1) * a[i], weight at flat index 2i+j
    w = np.arange(10.0).reshape(5, 2)
    da = w[:, 0] + 2 * w[:, 1]
    expected = np.zeros(3)
    expected[:2] += da[:2]
    expected[::-1] += da[2:]
    assert_array(npgrad.grad(f)(x), expected)


def test_einsum_dot_matmul():
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

    def f(x, B):
        return np.einsum("i,ij,jk->", x, A, B) + np.dot(x, A @ B[:, 0])

    x = np.array([1.0, -1.0, 2.0])
    B = np.array([[1.0, 0.5], [-1.0, 2.0]])
    gx, gB = npgrad.grad(f, argnums=(0, 1))(x, B)
    assert_array(gx, A @ B.sum(axis=1) + A @ B[:, 0])
    e0 = np.zeros_like(B)
    e0[:, 0] = A.T @ x
    assert_array(gB, np.outer(A.T @ x, np.ones(2)) + e0)


def test_prod_mean_min_sqrt():
    def f(x):
        return np.prod(x) + np.mean(np.sqrt(x)) + np.min(x)

    x = np.array([1.0, 4.0, 9.0])
    expected = np.prod(x) / x + 0.5 / np.sqrt(x) / 3 + np.array([1.0, 0.0, 0.0])
    assert_array(npgrad.grad(f)(x), expected)


def test_trig_exp_log_power():
    def f(x):
        return np.sin(x) * np.cos(x) + np.exp(-x) * np.log(x) + x ** 2.5 - np.tan(x) / x

    x = 0.7
    expected = (np.cos(2 * x) + np.exp(-x) * (1 / x - np.log(x)) + 2.5 * x ** 1.5
                - (x / np.cos(x) ** 2 - np.tan(x)) / x ** 2)
    assert_array(npgrad.grad(f)(x), expected)
