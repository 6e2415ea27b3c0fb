"""Every example of the seed documents (shared/seeds/*.txt), as npgrad code.

The seeds' errata (tf_semantics §12) are corrected, and ``.numpy()`` calls on
results are dropped: top-level results are plain ndarrays.
"""

import numpy as np
import pytest

import npgrad
from expect import RTOL, assert_array, plain


# ---------------------------------------------------------------------------
# seeds 000 and 003: tf.contrib.eager.gradients_function
# ---------------------------------------------------------------------------

def f(x, y):
    return x * x * x * y - x * y * y


def test_seed_gradients_function_first_order():
    grad_fn = npgrad.gradients_function(f)
    x = 2.0
    y = 3.0
    result = grad_fn(x, y)
    # erratum §12.4: it returns only the gradient list, not (value, gradient)
    assert type(result) is list and len(result) == 2
    x_grad, y_grad = result
    assert_array(x_grad, 3 * (2 ** 2) * 3 - 3 ** 2)
    assert_array(y_grad, (2 ** 3) - 2 * 2 * 3)
    assert x_grad == 27.0 and y_grad == -4.0


def test_seed_gradients_function_second_order():
    grad_fn = npgrad.gradients_function(f)
    gradgrad_fn = npgrad.gradients_function(lambda x, y: grad_fn(x, y)[0])
    x_gradgrad = gradgrad_fn(2.0, 3.0)[0]
    assert_array(x_gradgrad, 6 * 2 * 3)


def test_seed_gradients_function_params_subset():
    ygrad_fn = npgrad.gradients_function(f, params=[1])
    result = ygrad_fn(2.0, 3.0)
    assert type(result) is list and len(result) == 1
    (y_grad,) = result
    assert_array(y_grad, (2 ** 3) - 2 * 2 * 3)


def test_seed_gradients_function_params_names():
    # seed Args: "list of parameter names of f or list of integers"
    (y_grad,) = npgrad.gradients_function(f, params=["y"])(2.0, 3.0)
    assert_array(y_grad, -4.0)


def test_seed_gradients_function_mixed_params_raise():
    # seed Raises: ValueError if the params are not all strings or all integers
    with pytest.raises(ValueError, match="params must be all strings or all integers"):
        npgrad.gradients_function(f, params=[0, "y"])(2.0, 3.0)


def test_seed_gradients_function_sums_list_of_outputs():
    # seed Args: "If f returns a ... list of tensors, ... adding all their values"
    r = npgrad.gradients_function(lambda x: [x * x, x * x * x])(2.0)
    assert_array(r[0], 4.0 + 12.0)


def test_seed_gradients_function_dy_vector_jacobian_product():
    # seed Returns: "The function takes an extra optional keyword argument dy"
    r = npgrad.gradients_function(lambda x: x * x)(np.array([1.0, 2.0, 3.0]),
                                                   dy=np.array([1.0, 0.0, 2.0]))
    assert_array(r[0], [2.0, 0.0, 12.0])


def test_seed_value_comes_from_value_and_gradients_function():
    # erratum §12.4: the value comes from value_and_gradients_function
    value, grads = npgrad.value_and_gradients_function(f)(2.0, 3.0)
    assert_array(value, 6.0)
    assert type(grads) is list
    assert_array(grads[0], 27.0)
    assert_array(grads[1], -4.0)


# ---------------------------------------------------------------------------
# seed 001: tf.gradients (code lines rebuilt, erratum §12.5)
# ---------------------------------------------------------------------------

def test_seed_gradients_stop_gradients_partial():
    @npgrad.function
    def example():
        a = npgrad.constant(0.0)
        b = 2 * a
        return npgrad.gradients(a + b, [a, b], stop_gradients=[a, b])

    r = example()
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 1.0)
    assert_array(r[1], 1.0)


def test_seed_gradients_total_derivatives():
    @npgrad.function
    def example():
        a = npgrad.constant(0.0)
        b = 2 * a
        return npgrad.gradients(a + b, [a, b])

    r = example()
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 3.0)
    assert_array(r[1], 1.0)


def test_seed_gradients_equivalent_stop_gradient_ops():
    @npgrad.function
    def example():
        a = npgrad.stop_gradient(npgrad.constant(0.0))
        b = npgrad.stop_gradient(2 * a)
        return npgrad.gradients(a + b, [a, b])

    r = example()
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 1.0)
    assert_array(r[1], 1.0)


def test_seed_gradients_unconnected_options():
    @npgrad.function
    def example(use_zero):
        a = npgrad.constant(np.ones((1, 2)))
        b = npgrad.constant(np.ones((3, 1)))
        if use_zero:
            return npgrad.gradients([b], [a], unconnected_gradients="zero")
        else:
            return npgrad.gradients([b], [a], unconnected_gradients="none")

    r = example(False)
    assert type(r) is list and r == [None]
    r = example(True)
    assert type(r) is list and len(r) == 1
    assert_array(r[0], [[0.0, 0.0]])


def test_seed_gradients_weights_and_biases():
    @npgrad.function
    def example():
        Ws = npgrad.constant(0.0)
        bs = 2 * Ws
        cost = Ws + bs  # This is just an example. Please ignore the formulas.
        g = npgrad.gradients(cost, [Ws, bs])
        dCost_dW, dCost_db = g
        return dCost_dW, dCost_db

    r = example()
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 3.0)
    assert_array(r[1], 1.0)


def test_seed_gradients_eager_raises_runtime_error():
    # seed Raises: RuntimeError if called in Eager mode
    a = npgrad.constant(0.0)
    with pytest.raises(RuntimeError, match="GradientTape"):
        npgrad.gradients(2 * a, [a])


def test_seed_gradients_grad_ys_same_length_as_ys():
    # seed: "grad_ys ... The list must be the same length as ys"
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients([x * x, 3 * x], x, grad_ys=[np.array([1.0, 0.0, 2.0])])

    with pytest.raises(ValueError, match="Length mismatch"):
        example()


def test_seed_gradients_integer_tensors_are_constant():
    # seed: "All integer tensors are considered constant with respect to all xs"
    @npgrad.function
    def example():
        n = npgrad.constant(3)
        return npgrad.gradients(n * n, [n])

    assert example() == [None]


def test_seed_gradients_lookup_error_class():
    # seed Raises: LookupError if an op has no registered gradient
    assert issubclass(npgrad.NotDifferentiableError, LookupError)


# ---------------------------------------------------------------------------
# seed 002: tfp value_and_gradient (erratum §12.6: outer result is a tuple)
# ---------------------------------------------------------------------------

def test_seed_tfp_case1_argless():
    x = npgrad.constant(2.0)
    r = npgrad.value_and_gradient(lambda: np.log(x), x)
    # ==> [log(2.), 0.5]
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], np.log(2.0))
    assert_array(r[1], 0.5)


def test_seed_tfp_case2_packed():
    r = npgrad.value_and_gradient(lambda x, y: x * np.log(y), [2.0, 3.0])
    # ==> [2. * np.log(3.), (np.log(3.), 2. / 3)]; a packed list gives a list
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 2.0 * np.log(3.0))
    assert type(r[1]) is list and len(r[1]) == 2
    assert_array(r[1][0], np.log(3.0))
    assert_array(r[1][1], 2.0 / 3)


def test_seed_tfp_case3_default():
    # tf.math.log on a list packs it; NumPy needs np.stack for a list of traced scalars
    r = npgrad.value_and_gradient(lambda xs: np.log(np.stack(xs)), [1.0, 2.0, 3.0],
                                  auto_unpack_single_arg=False)
    # ==> [(log(1.), log(2.), log(3.)), (1., 0.5, 0.333)]; the gradient is a list
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], np.log([1.0, 2.0, 3.0]))
    assert type(r[1]) is list and len(r[1]) == 3
    assert_array(r[1][0], 1.0)
    assert_array(r[1][1], 0.5)
    assert_array(r[1][2], 1.0 / 3.0)


def test_seed_tfp_rule3_args_and_kwargs():
    # seed rule 3: otherwise f(*args, **kwargs); gradients wrt args and kwargs
    r = npgrad.value_and_gradient(lambda x, y: x * y, 2.0, y=3.0)
    assert type(r) is tuple and len(r) == 3
    assert_array(r[0], 6.0)
    assert_array(r[1], 3.0)
    assert type(r[2]) is dict
    assert_array(r[2]["y"], 2.0)


def test_seed_tfp_output_gradients_weight_the_sum():
    # seed: "the sum can be weighted by output_gradients"
    r = npgrad.value_and_gradient(lambda x: [x * x, 3 * x], 2.0, output_gradients=[1.0, 10.0])
    assert_array(r[1], 34.0)


# ---------------------------------------------------------------------------
# seed 004: tf.GradientTape (errata §12.1-§12.3)
# ---------------------------------------------------------------------------

def test_seed_tape_basic():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    grad = g.gradient(y, [x])[0]  # Will compute to 6.0
    assert_array(grad, 6.0)


def test_seed_tape_nested():
    # erratum §12.3: relies on "watch marks all active tapes" (SPEC §1 keeps it) -> 2.0
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        with npgrad.GradientTape() as gg:
            gg.watch(x)
            y = x * x
        dy_dx = gg.gradient(y, [x])[0]  # Will compute to 6.0
        np.testing.assert_allclose(plain(dy_dx), 6.0, rtol=RTOL)
    d2y_dx2 = g.gradient(dy_dx, [x])[0]  # Will compute to 2.0
    assert_array(d2y_dx2, 2.0)


def test_seed_tape_persistent():
    # erratum §12.1: g.gradient(z,[x]) is 108 and g.gradient(y,[x]) is 6
    x = npgrad.constant(3.0)
    with npgrad.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    dz_dx = g.gradient(z, [x])[0]  # 108.0 (4*x^3 at x = 3)
    dy_dx = g.gradient(y, [x])[0]  # 6.0
    assert_array(dz_dx, 108.0)
    assert_array(dy_dx, 6.0)
    del g


def test_seed_tape_non_persistent_second_call_raises():
    # seed Raises: RuntimeError if called more than once on a non-persistent tape
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, [x])[0], 6.0)
    with pytest.raises(RuntimeError):
        g.gradient(y, [x])


def test_seed_tape_gradient_inside_context_does_not_raise():
    # erratum §12.2: gradient() inside the context does not raise (TF >= 1.10, SPEC §3)
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        grad = g.gradient(y, [x])
    assert type(grad) is list
    assert_array(grad[0], 6.0)


def test_seed_tape_trainable_variables_watched_automatically():
    # seed: "Trainable variables ... are automatically watched"
    v = npgrad.Variable(3.0)
    with npgrad.GradientTape() as g:
        y = v * v
    assert_array(g.gradient(y, [v])[0], 6.0)


def test_seed_tape_output_gradients():
    # seed: "output_gradients: a list of gradients, one for each element of target"
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x, output_gradients=[1.0, 0.0, 2.0]), [2.0, 0.0, 12.0])


def test_seed_tape_nested_structure_of_sources():
    # seed: "Returned structure is the same as the structure of sources"
    x = npgrad.constant(3.0)
    u = npgrad.constant(2.0)
    with npgrad.GradientTape() as g:
        g.watch([x, u])
        y = x * x * u
    r = g.gradient(y, {"x": x, "rest": (u,)})
    assert type(r) is dict
    assert_array(r["x"], 12.0)
    assert type(r["rest"]) is tuple
    assert_array(r["rest"][0], 9.0)
