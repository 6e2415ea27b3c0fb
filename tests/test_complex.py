"""Complex-gradient convention (tf_semantics §10, SPEC §5).

npgrad uses the TensorFlow/PyTorch convention for EVERY API, the JAX-style
transforms included: for a real loss L(z), z = x + iy, the gradient is
dL/dx + i dL/dy; for a holomorphic f with upstream 1 it is conj(f').
"""

import numpy as np
import pytest

import npgrad
import expect
from expect import RTOL


def assert_array(r, expected, dtype=np.complex128):
    """A top-level complex result (exact zeros allowed to round to 1e-15)."""
    expect.assert_array(r, expected, dtype, atol=1e-15)


def abs_sq(z):
    return np.abs(z) ** 2


def re_sq(z):
    return np.real(z * z)


def im_sq(z):
    return np.imag(z * z)


def absolute(z):
    return np.abs(z)


# (id, real-valued loss, point, TF-convention gradient) -- tf_semantics §10, TF row
REAL_LOSSES = [
    ("abs_squared", abs_sq, 1 + 2j, 2 + 4j),
    ("real_of_square", re_sq, 1 + 2j, 2 - 4j),
    ("imag_of_square", im_sq, 1 + 2j, 4 + 2j),
    ("abs", absolute, 3 + 4j, 0.6 + 0.8j),
]
IDS = [c[0] for c in REAL_LOSSES]


# ---------------------------------------------------------------------------
# real losses of a complex variable, every API
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_tape_real_loss(name, loss, z0, expected):
    z = npgrad.constant(z0)
    assert z.dtype == np.complex128
    with npgrad.GradientTape() as g:
        g.watch(z)
        y = loss(z)
    assert_array(g.gradient(y, z), expected)


@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_gradients_function_real_loss(name, loss, z0, expected):
    r = npgrad.gradients_function(loss)(z0)
    assert type(r) is list and len(r) == 1
    assert_array(r[0], expected)


@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_graph_gradients_real_loss(name, loss, z0, expected):
    @npgrad.function
    def example():
        z = npgrad.constant(z0)
        return npgrad.gradients(loss(z), [z])

    r = example()
    assert type(r) is list and len(r) == 1
    assert_array(r[0], expected)


@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_value_and_gradient_real_loss(name, loss, z0, expected):
    value, grad = npgrad.value_and_gradient(loss, z0)
    np.testing.assert_allclose(value, loss(np.complex128(z0)), rtol=RTOL)
    assert_array(grad, expected)


@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_jax_grad_real_loss_uses_tf_convention(name, loss, z0, expected):
    # SPEC §5: the JAX-style transforms use the TF convention too (JAX would conjugate)
    assert_array(npgrad.grad(loss)(z0), expected)


@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_jax_value_and_grad_real_loss(name, loss, z0, expected):
    value, grad = npgrad.value_and_grad(loss)(z0)
    assert float(value) == pytest.approx(float(loss(np.complex128(z0))), rel=1e-12)
    assert_array(grad, expected)


@pytest.mark.parametrize("name,loss,z0,expected", REAL_LOSSES, ids=IDS)
def test_jax_vjp_real_loss(name, loss, z0, expected):
    out, vjp_fn = npgrad.vjp(loss, z0)
    r = vjp_fn(1.0)
    assert type(r) is tuple and len(r) == 1
    assert_array(r[0], expected)


def test_implicit_gradients_complex_variable():
    v = npgrad.Variable(1 + 2j)
    pairs = npgrad.implicit_gradients(lambda: np.abs(v) ** 2)()
    assert len(pairs) == 1 and pairs[0][1] is v
    assert_array(pairs[0][0], 2 + 4j)


def test_jacobian_real_output_of_complex_vector():
    z = np.array([1 + 2j, 3 + 4j])
    r = npgrad.jacobian(lambda z: np.abs(z) ** 2)(z)
    assert_array(r, np.diag([2 + 4j, 6 + 8j]))


def test_tape_jacobian_real_output_of_complex_vector():
    z = npgrad.constant([1 + 2j, 3 + 4j])
    with npgrad.GradientTape() as g:
        g.watch(z)
        y = np.abs(z)
    assert_array(g.jacobian(y, z), np.diag([(1 + 2j) / np.sqrt(5.0), 0.6 + 0.8j]))


def test_vector_abs_squared_sum():
    z = np.array([1 + 2j, 3 + 4j])
    assert_array(npgrad.grad(lambda z: np.sum(np.abs(z) ** 2))(z), 2 * z)


# ---------------------------------------------------------------------------
# holomorphic z**2 with upstream 1 -> conj(f') = 2-4j
# ---------------------------------------------------------------------------

def test_tape_holomorphic_square():
    # tf_semantics §10: the eager tape seeds a complex target with ones
    z = npgrad.constant(1 + 2j)
    with npgrad.GradientTape() as g:
        g.watch(z)
        y = z * z
    assert_array(g.gradient(y, z), 2 - 4j)


def test_tape_holomorphic_square_with_power():
    z = npgrad.constant(1 + 2j)
    with npgrad.GradientTape() as g:
        g.watch(z)
        y = z ** 2
    assert_array(g.gradient(y, z), 2 - 4j)


def test_tape_holomorphic_with_imaginary_upstream():
    # conj(f') * c with c = 1j -> (2-4j)*1j = 4+2j
    z = npgrad.constant(1 + 2j)
    with npgrad.GradientTape() as g:
        g.watch(z)
        y = z * z
    assert_array(g.gradient(y, z, output_gradients=1j), 4 + 2j)


def test_gradients_function_holomorphic_square():
    r = npgrad.gradients_function(lambda z: z * z)(1 + 2j)
    assert type(r) is list and len(r) == 1
    assert_array(r[0], 2 - 4j)


def test_gradients_function_python_complex_is_complex128():
    # tf_semantics §2: a Python complex becomes complex128
    r = npgrad.gradients_function(lambda z: z * 3.0)(1 + 2j)
    assert_array(r[0], 3 + 0j)


def test_value_and_gradient_holomorphic_square():
    value, grad = npgrad.value_and_gradient(lambda z: z * z, 1 + 2j)
    assert_array(value, -3 + 4j)
    assert_array(grad, 2 - 4j)


def test_graph_gradients_holomorphic_with_grad_ys():
    @npgrad.function
    def example():
        z = npgrad.constant(1 + 2j)
        return npgrad.gradients(z * z, [z], grad_ys=[np.complex128(1.0)])

    r = example()
    assert type(r) is list and len(r) == 1
    assert_array(r[0], 2 - 4j)


def test_graph_gradients_complex_y_without_grad_ys_raises_type_error():
    # tf_semantics §4, §10, §13.8: complex ys without grad_ys -> TypeError
    @npgrad.function
    def example():
        z = npgrad.constant(1 + 2j)
        return npgrad.gradients(z * z, [z])

    with pytest.raises(TypeError, match="grad_ys"):
        example()


def test_jax_vjp_holomorphic_square_uses_tf_convention():
    # SPEC §5: vjp with ct=1 gives conj(f') = 2-4j (JAX itself would give 2+4j)
    out, vjp_fn = npgrad.vjp(lambda z: z * z, 1 + 2j)
    assert_array(out, -3 + 4j)
    r = vjp_fn(1.0 + 0j)
    assert type(r) is tuple and len(r) == 1
    assert_array(r[0], 2 - 4j)


def test_jax_vjp_holomorphic_imaginary_cotangent():
    out, vjp_fn = npgrad.vjp(lambda z: z * z, 1 + 2j)
    assert_array(vjp_fn(1j)[0], 4 + 2j)


def test_holomorphic_exp():
    z0 = 0.5 - 0.25j
    r = npgrad.gradients_function(lambda z: np.exp(z))(z0)
    assert_array(r[0], np.conj(np.exp(z0)))


# ---------------------------------------------------------------------------
# real inputs through complex intermediates: real gradients (real-part projection)
# ---------------------------------------------------------------------------

def test_real_input_complex_intermediate_tape():
    x = npgrad.constant(0.5)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = np.real(np.exp(1j * x))  # cos x
    assert_array(g.gradient(y, x), -np.sin(0.5), dtype=np.float64)


def test_real_input_complex_intermediate_grad():
    r = npgrad.grad(lambda x: np.real(np.exp(1j * x)))(0.5)
    assert_array(r, -np.sin(0.5), dtype=np.float64)


def test_real_input_complex_abs_squared():
    # |x + 2i|^2 = x^2 + 4 -> 2x
    r = npgrad.grad(lambda x: np.abs(x + 2j) ** 2)(1.5)
    assert_array(r, 3.0, dtype=np.float64)


def test_second_order_real_loss_complex_input():
    # d/dz of the TF gradient of |z|^2 (= 2z): Re part of 2z is 2x -> for loss Re(grad) the
    # gradient is 2 (d(2x)/dx + i d(2x)/dy = 2)
    g1 = npgrad.grad(lambda z: np.abs(z) ** 2)
    r = npgrad.grad(lambda z: np.real(g1(z)))(1 + 2j)
    assert_array(r, 2 + 0j)
