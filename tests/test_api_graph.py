"""Acceptance tests for npgrad.function + npgrad.gradients (tf_semantics §4; SPEC §3).

Inside ``@npgrad.function`` (the analogue of tf.function) every operation on a
TracedArray is recorded, and ``npgrad.gradients`` walks that history.
"""

import numpy as np
import pytest

import npgrad
from expect import assert_array, assert_list, plain


# ---------------------------------------------------------------------------
# §4 ex.1: stop_gradients (seed 001)
# ---------------------------------------------------------------------------

def test_stop_gradients_gives_partial_derivatives():
    # tf_semantics §4 ex.1: [1.0, 1.0]
    @npgrad.function
    def example():
        a = npgrad.constant(0.0)
        b = 2 * a
        return npgrad.gradients(a + b, [a, b], stop_gradients=[a, b])

    assert_list(example(), [1.0, 1.0])


def test_total_derivatives_without_stop_gradients():
    # tf_semantics §4 ex.1: [3.0, 1.0]
    @npgrad.function
    def example():
        a = npgrad.constant(0.0)
        b = 2 * a
        return npgrad.gradients(a + b, [a, b])

    assert_list(example(), [3.0, 1.0])


def test_stop_gradient_ops_equivalent_to_stop_gradients():
    # tf_semantics §4 ex.1: a=stop_gradient(0.), b=stop_gradient(2*a) -> [1.0, 1.0]
    @npgrad.function
    def example():
        a = npgrad.stop_gradient(npgrad.constant(0.0))
        b = npgrad.stop_gradient(2 * a)
        return npgrad.gradients(a + b, [a, b])

    assert_list(example(), [1.0, 1.0])


def test_stop_gradients_single_tensor_argument():
    # stop_gradients may be a single tensor
    @npgrad.function
    def example():
        a = npgrad.constant(0.0)
        b = 2 * a
        return npgrad.gradients(a + b, [a, b], stop_gradients=b)

    assert_list(example(), [1.0, 1.0])


def test_seed_ws_bs_example_returns_tuple():
    # seed 001: dCost_dW, dCost_db = (3.0, 1.0)
    @npgrad.function
    def example():
        Ws = npgrad.constant(0.0)
        bs = 2 * Ws
        cost = Ws + bs
        g = npgrad.gradients(cost, [Ws, bs])
        dCost_dW, dCost_db = g
        return dCost_dW, dCost_db

    r = example()
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 3.0)
    assert_array(r[1], 1.0)


# ---------------------------------------------------------------------------
# §4 ex.2: unconnected_gradients
# ---------------------------------------------------------------------------

def test_unconnected_gives_none():
    # tf_semantics §4 ex.2: gradients([b],[a]) -> [None]
    @npgrad.function
    def example():
        a = npgrad.constant(np.ones((1, 2)))
        b = npgrad.constant(np.ones((3, 1)))
        return npgrad.gradients([b], [a])

    assert_list(example(), [None])


def test_unconnected_zero_gives_zeros():
    # tf_semantics §4 ex.2: 'zero' -> [zeros((1,2))]
    @npgrad.function
    def example():
        a = npgrad.constant(np.ones((1, 2)))
        b = npgrad.constant(np.ones((3, 1)))
        return npgrad.gradients([b], [a], unconnected_gradients="zero")

    assert_list(example(), [np.zeros((1, 2))])


def test_unconnected_zero_enum():
    @npgrad.function
    def example():
        a = npgrad.constant(np.ones((1, 2)))
        b = npgrad.constant(np.ones((3, 1)))
        return npgrad.gradients([b], [a], unconnected_gradients=npgrad.UnconnectedGradients.ZERO)

    assert_list(example(), [np.zeros((1, 2))])


def test_unknown_unconnected_value_raises_even_when_connected():
    # tf_semantics §4: ValueError("Unknown value for unconnected_gradients: 'bogus'")
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(x * x, [x], unconnected_gradients="bogus")

    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients"):
        example()


# ---------------------------------------------------------------------------
# §4 ex.3: vector x, grad_ys
# ---------------------------------------------------------------------------

def test_single_xs_returns_list():
    # tf_semantics §4 ex.3: gradients(x*x, x) -> [[2,4,6]]
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients(x * x, x)

    assert_list(example(), [[2.0, 4.0, 6.0]])


def test_grad_ys_with_none_entry():
    # tf_semantics §4 ex.3: grad_ys=[[1,0,2], None] -> [[5,3,15]]
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients([x * x, 3 * x], x, grad_ys=[[1.0, 0.0, 2.0], None])

    assert_list(example(), [[5.0, 3.0, 15.0]])


def test_grad_ys_arrays():
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients([x * x, 3 * x], x,
                                grad_ys=[np.array([1.0, 0.0, 2.0]), np.array([2.0, 2.0, 2.0])])

    assert_list(example(), [[8.0, 6.0, 18.0]])


def test_grad_ys_length_mismatch_raises():
    # tf_semantics §4 ex.3: ValueError("Length mismatch. Passed 1 grad_ys for 2 ys")
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients([x * x, 3 * x], x, grad_ys=[[1.0, 0.0, 2.0]])

    with pytest.raises(ValueError, match="Length mismatch"):
        example()


def test_grad_ys_scalar_broadcasts():
    # SPEC §3: grad_ys broadcast to their target
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients(x * x, x, grad_ys=2.0)

    assert_list(example(), [[4.0, 8.0, 12.0]])


def test_grad_ys_shape_mismatch_raises_value_error():
    # SPEC §2: shape mismatch of grad_ys -> ValueError
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0, 3.0])
        return npgrad.gradients(x * x, x, grad_ys=[np.array([1.0, 2.0])])

    with pytest.raises(ValueError):
        example()


def test_grad_ys_complex_for_real_y_raises_value_error():
    # SPEC §2: dtype mismatch of grad_ys -> ValueError
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(x * x, x, grad_ys=[np.array(1.0 + 1.0j)])

    with pytest.raises(ValueError):
        example()


# ---------------------------------------------------------------------------
# §4 ex.4: stop_gradients on an intermediate, second order
# ---------------------------------------------------------------------------

def test_stop_gradients_on_intermediate():
    # tf_semantics §4 ex.4: y=x*x, z=y*x, stop_gradients=[y] -> [9.0]
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        y = x * x
        z = y * x
        return npgrad.gradients(z, [x], stop_gradients=[y])

    assert_list(example(), [9.0])


def test_second_order_gradients():
    # tf_semantics §4 ex.4: gradients(gradients(x*x, x)[0], x) -> [2.0]
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(npgrad.gradients(x * x, x)[0], x)

    assert_list(example(), [2.0])


def test_first_order_value_inside_graph():
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        g = npgrad.gradients(x * x * x, x)[0]
        return g, npgrad.gradients(g, x)[0]

    g1, g2 = example()
    assert_array(g1, 27.0)
    assert_array(g2, 18.0)


# ---------------------------------------------------------------------------
# §4 ex.5: integer x
# ---------------------------------------------------------------------------

def test_integer_x_gives_none():
    # tf_semantics §4 ex.5: [None]
    @npgrad.function
    def example():
        x = npgrad.constant(3)
        return npgrad.gradients(x * x, x)

    assert_list(example(), [None])


def test_integer_x_zero_gives_int_zero():
    # tf_semantics §4 ex.5: 'zero' -> [0] with the int dtype
    @npgrad.function
    def example():
        x = npgrad.constant(3)
        return npgrad.gradients(x * x, x, unconnected_gradients="zero")

    r = example()
    assert type(r) is list and len(r) == 1
    assert type(r[0]) is np.ndarray
    assert r[0].dtype.kind == "i"
    assert r[0].shape == ()
    assert r[0] == 0


# ---------------------------------------------------------------------------
# §4 ex.6: eager call
# ---------------------------------------------------------------------------

def test_gradients_outside_function_raises_runtime_error():
    # tf_semantics §4 ex.6 / SPEC §3: RuntimeError telling the user to use GradientTape
    x = npgrad.constant(3.0)
    y = x * x
    with pytest.raises(RuntimeError, match="GradientTape"):
        npgrad.gradients(y, x)


def test_gradients_inside_gradient_tape_is_still_eager():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        with pytest.raises(RuntimeError, match="GradientTape"):
            npgrad.gradients(y, x)


# ---------------------------------------------------------------------------
# other §4 argument rules
# ---------------------------------------------------------------------------

def test_xs_may_contain_intermediates():
    # tf_semantics §4: y = x*x, gradients(y, [x, y]) -> [6, 1]
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        y = x * x
        return npgrad.gradients(y, [x, y])

    assert_list(example(), [6.0, 1.0])


def test_duplicate_xs_each_get_full_gradient():
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(x * x, [x, x])

    assert_list(example(), [6.0, 6.0])


def test_duplicate_ys_are_summed():
    # tf_semantics §4: [y, y] with y=x^2 at 3 -> 12
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        y = x * x
        return npgrad.gradients([y, y], [x])

    assert_list(example(), [12.0])


def test_empty_ys_gives_none():
    # tf_semantics §4: gradients([], [x]) -> [None]
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients([], [x])

    assert_list(example(), [None])


def test_empty_xs_gives_empty_list():
    # tf_semantics §4: gradients(y, []) -> []
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(x * x, [])

    assert_list(example(), [])


def test_tuple_xs_still_returns_list():
    # tf_semantics §1.3: tf.gradients always returns a list
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        y = npgrad.constant(2.0)
        return npgrad.gradients(x * y, (x, y))

    assert_list(example(), [2.0, 3.0])


def test_python_float_in_xs_raises_type_error():
    # SPEC §1: a plain number passed as a source to gradients raises TypeError
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(x * x, [x, 5.0])

    with pytest.raises(TypeError):
        example()


def test_plain_ndarray_in_xs_raises_type_error():
    @npgrad.function
    def example():
        x = npgrad.constant(3.0)
        return npgrad.gradients(x * x, [np.array(3.0)])

    with pytest.raises(TypeError):
        example()


def test_all_operations_recorded_without_watch():
    # SPEC §3: inside npgrad.function every op on a TracedArray is recorded
    @npgrad.function
    def example():
        x = npgrad.constant([0.5, 1.0])
        y = np.sum(np.sin(x) * np.exp(x))
        return npgrad.gradients(y, x)

    x = np.array([0.5, 1.0])
    assert_list(example(), [np.cos(x) * np.exp(x) + np.sin(x) * np.exp(x)])


def test_traced_argument_of_decorated_function():
    @npgrad.function
    def example(x):
        return npgrad.gradients(np.sum(x * x), x)

    assert_list(example(npgrad.constant([1.0, 2.0])), [[2.0, 4.0]])


def test_function_as_context_manager():
    # SPEC §3: npgrad.function is also a context manager
    with npgrad.function():
        a = npgrad.constant(0.0)
        b = 2 * a
        g = npgrad.gradients(a + b, [a, b])
    assert type(g) is list and len(g) == 2
    assert plain(g[0]) == 3.0
    assert plain(g[1]) == 1.0


def test_function_return_values_are_plain_ndarrays():
    @npgrad.function
    def example():
        x = npgrad.constant([1.0, 2.0])
        return x * x

    assert_array(example(), [1.0, 4.0])


def test_integer_intermediate_acts_as_stop():
    # tf_semantics §4: integer tensors always act as if they were in stop_gradients
    @npgrad.function
    def example():
        x = npgrad.constant(2.5)
        n = x.astype(np.int64)
        return npgrad.gradients(n * x, [x])

    assert_list(example(), [2.0])


def my_unregistered_op(a):
    return a * 2.0


# a genuine NumPy ufunc created here, so no VJP can ever be registered for it
MY_UFUNC = np.frompyfunc(my_unregistered_op, 1, 1)


def test_no_registered_gradient_raises_lookup_error():
    # tf_semantics §4 / SPEC §2: NotDifferentiableError (a LookupError)
    @npgrad.function
    def example():
        x = npgrad.constant([0.0, 7.0, 1.0])
        return npgrad.gradients(np.sum(MY_UFUNC(x)), x)

    with pytest.raises(LookupError) as info:
        example()
    assert isinstance(info.value, npgrad.NotDifferentiableError)
