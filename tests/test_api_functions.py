"""Acceptance tests for the function-style TF APIs (tf_semantics §1, §2, §3; SPEC §3).

gradients_function, value_and_gradients_function, make_vjp,
implicit_gradients, implicit_value_and_gradients.
"""

import functools

import numpy as np
import pytest

import npgrad
from expect import assert_array, assert_list


def f(x, y):
    # seed 000/003: f(x, y) = x^3 y - x y^2
    return x * x * x * y - x * y * y


# ---------------------------------------------------------------------------
# gradients_function: §2 examples
# ---------------------------------------------------------------------------

def test_gradients_function_first_order():
    # tf_semantics §2 ex.1: [27.0, -4.0] (list)
    assert_list(npgrad.gradients_function(f)(2.0, 3.0), [27.0, -4.0])


def test_gradients_function_second_order():
    # tf_semantics §2 ex.2: [36.0, 6.0]
    grad_fn = npgrad.gradients_function(f)
    gradgrad = npgrad.gradients_function(lambda x, y: grad_fn(x, y)[0])
    assert_list(gradgrad(2.0, 3.0), [36.0, 6.0])


def test_gradients_function_params_int():
    # tf_semantics §2 ex.3: params=[1] -> [-4.0]
    assert_list(npgrad.gradients_function(f, params=[1])(2.0, 3.0), [-4.0])


def test_gradients_function_params_name():
    # tf_semantics §2 ex.3: params=['y'] -> [-4.0]
    assert_list(npgrad.gradients_function(f, params=["y"])(2.0, 3.0), [-4.0])


def test_gradients_function_params_names_in_given_order():
    # tf_semantics §2 ex.3: params=['y','x'] -> [-4.0, 27.0]
    assert_list(npgrad.gradients_function(f, params=["y", "x"])(2.0, 3.0), [-4.0, 27.0])


def test_gradients_function_params_mixed_raises():
    # tf_semantics §2 ex.3 / SPEC §3: mixed -> ValueError (at creation or at call)
    with pytest.raises(ValueError, match="params must be all strings or all integers"):
        fn = npgrad.gradients_function(f, params=["y", 0])
        fn(2.0, 3.0)


def test_gradients_function_params_float_element_raises():
    # tf_semantics §2: any other element type (e.g. 1.0) -> same ValueError
    with pytest.raises(ValueError, match="params must be all strings or all integers"):
        fn = npgrad.gradients_function(f, params=[1.0])
        fn(2.0, 3.0)


def test_gradients_function_dy_ndarray():
    # tf_semantics §2 ex.4: dy=[1,0,2] (array) -> [[2,0,12]]
    r = npgrad.gradients_function(lambda x: x * x)(
        np.array([1.0, 2.0, 3.0]), dy=np.array([1.0, 0.0, 2.0]))
    assert_list(r, [[2.0, 0.0, 12.0]])


def test_gradients_function_dy_python_list_is_one_array():
    # SPEC §3: for a single target a list of numbers is ONE array (not TF's split)
    r = npgrad.gradients_function(lambda x: x * x)(
        np.array([1.0, 2.0, 3.0]), dy=[1.0, 0.0, 2.0])
    assert_list(r, [[2.0, 0.0, 12.0]])


def test_gradients_function_list_output_summed():
    # tf_semantics §2 ex.4: [x*x, 3*x] at [1,2,3] -> [[5,7,9]]
    r = npgrad.gradients_function(lambda x: [x * x, 3 * x])(np.array([1.0, 2.0, 3.0]))
    assert_list(r, [[5.0, 7.0, 9.0]])


def test_gradients_function_python_ints_give_none():
    # tf_semantics §2 ex.5: Python ints -> [None, None]
    assert_list(npgrad.gradients_function(f)(2, 3), [None, None])


def test_gradients_function_keyword_argument_raises():
    # tf_semantics §2 ex.5: grad_fn(2.0, y=3.0) -> ValueError
    with pytest.raises(ValueError, match="cannot receive keyword arguments"):
        npgrad.gradients_function(f)(2.0, y=3.0)


def test_gradients_function_third_order_of_fourth_power():
    # tf_semantics §2 ex.6: x**4 at 2: 32, 48, 48
    g1 = npgrad.gradients_function(lambda x: x ** 4)
    g2 = npgrad.gradients_function(lambda x: g1(x)[0])
    g3 = npgrad.gradients_function(lambda x: g2(x)[0])
    assert_list(g1(2.0), [32.0])
    assert_list(g2(2.0), [48.0])
    assert_list(g3(2.0), [48.0])


def test_value_and_gradients_function():
    # tf_semantics §2 ex.6: (6.0, [27.0, -4.0])
    r = npgrad.value_and_gradients_function(f)(2.0, 3.0)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 6.0)
    assert_list(r[1], [27.0, -4.0])


def test_value_and_gradients_function_keeps_value_structure():
    # tf_semantics §2: value has f's own structure
    value, grads = npgrad.value_and_gradients_function(lambda x: [x * x, 3 * x])(2.0)
    assert type(value) is list and len(value) == 2
    assert_array(value[0], 4.0)
    assert_array(value[1], 6.0)
    assert_list(grads, [7.0])


def test_value_and_gradients_function_params():
    value, grads = npgrad.value_and_gradients_function(f, params=["y"])(2.0, 3.0)
    assert_array(value, 6.0)
    assert_list(grads, [-4.0])


def test_make_vjp_value_and_repeated_calls():
    # tf_semantics §2 ex.6: value 9; vjp() -> [6.0]; vjp(dy=2.0) -> [12.0]
    value, vjp = npgrad.make_vjp(lambda x: x * x)(3.0)
    assert_array(value, 9.0)
    assert_list(vjp(), [6.0])
    assert_list(vjp(dy=2.0), [12.0])
    assert_list(vjp(), [6.0])


def test_make_vjp_with_params():
    value, vjp = npgrad.make_vjp(f, params=[1])(2.0, 3.0)
    assert_array(value, 6.0)
    assert_list(vjp(), [-4.0])
    assert_list(vjp(dy=0.5), [-2.0])


# ---------------------------------------------------------------------------
# gradients_function: argument rules (§2, SPEC §3)
# ---------------------------------------------------------------------------

def test_params_ints_in_given_order():
    assert_list(npgrad.gradients_function(f, params=[1, 0])(2.0, 3.0), [-4.0, 27.0])


def test_params_duplicate_ints():
    # tf_semantics §2: [0,0] gives the same gradient twice
    assert_list(npgrad.gradients_function(f, params=[0, 0])(2.0, 3.0), [27.0, 27.0])


def test_params_empty_list():
    # tf_semantics §2: params=[] gives []
    assert_list(npgrad.gradients_function(f, params=[])(2.0, 3.0), [])


def test_params_unknown_name_raises_value_error():
    # tf_semantics §2: ValueError("'z' is not in list")
    with pytest.raises(ValueError, match="'z'"):
        fn = npgrad.gradients_function(f, params=["z"])
        fn(2.0, 3.0)


def test_params_out_of_range_raises():
    # tf_semantics §13.13: IndexError/ValueError, not a crash
    with pytest.raises((IndexError, ValueError)):
        fn = npgrad.gradients_function(f, params=[5])
        fn(2.0, 3.0)


def test_params_none_differentiates_passed_args_only():
    # SPEC §3: all positional arguments actually passed (no IndexError for defaults)
    def g(x, y=3.0):
        return x * x * x * y - x * y * y

    assert_list(npgrad.gradients_function(g)(2.0), [27.0])


def test_params_none_includes_star_args():
    # SPEC §3: def f(x, *rest) called with 2 args differentiates both
    def g(x, *rest):
        return x * rest[0]

    assert_list(npgrad.gradients_function(g)(2.0, 5.0), [5.0, 2.0])


def test_params_none_only_star_args():
    def g(*args):
        return args[0] * args[1]

    assert_list(npgrad.gradients_function(g)(2.0, 5.0), [5.0, 2.0])


class Model:
    def f(self, x, y):
        return x * x * x * y - x * y * y

    def __call__(self, x, y):
        return self.f(x, y)


def test_bound_method_params_none_excludes_self():
    assert_list(npgrad.gradients_function(Model().f)(2.0, 3.0), [27.0, -4.0])


def test_bound_method_params_by_name():
    # SPEC §3: names resolved with inspect.signature (self excluded; fixes TF's off-by-one)
    assert_list(npgrad.gradients_function(Model().f, params=["y"])(2.0, 3.0), [-4.0])


def test_bound_method_params_by_int():
    assert_list(npgrad.gradients_function(Model().f, params=[0])(2.0, 3.0), [27.0])


def test_callable_object_params_by_name():
    assert_list(npgrad.gradients_function(Model(), params=["y"])(2.0, 3.0), [-4.0])


def test_functools_partial_params_by_name():
    # SPEC §3: functools.partial works
    g = functools.partial(f, 2.0)
    assert_list(npgrad.gradients_function(g, params=["y"])(3.0), [-4.0])


def test_functools_partial_with_bound_keyword():
    g = functools.partial(f, y=3.0)
    assert_list(npgrad.gradients_function(g)(2.0), [27.0])


def test_non_differentiated_positions_passed_untouched():
    # tf_semantics §2: other positions are passed through (an int stays a Python int)
    seen = {}

    def g(x, n):
        seen["n"] = n
        return x ** n

    assert_list(npgrad.gradients_function(g, params=[0])(2.0, 3), [12.0])
    assert type(seen["n"]) is int


def test_non_differentiated_string_argument():
    def g(x, s):
        return x * len(s)

    assert_list(npgrad.gradients_function(g, params=[0])(2.0, "abc"), [3.0])


def test_float32_argument_keeps_dtype():
    r = npgrad.gradients_function(lambda x: x * x)(np.array([1.0, 2.0], dtype=np.float32))
    assert_list(r, [[2.0, 4.0]], dtype=np.float32)


def test_gradient_entries_have_param_shapes():
    r = npgrad.gradients_function(lambda x, y: np.sum(x) * y)(np.array([1.0, 2.0]), 3.0)
    assert_list(r, [[3.0, 3.0], 3.0])


def test_dy_missing_trailing_entries_mean_ones():
    # tf_semantics §2: [x*x, x] with dy=[2.0] at 3 -> 13
    r = npgrad.gradients_function(lambda x: [x * x, x])(3.0, dy=[2.0])
    assert_list(r, [13.0])


def test_dy_full_list_for_list_output():
    r = npgrad.gradients_function(lambda x: [x * x, x])(3.0, dy=[2.0, 10.0])
    assert_list(r, [22.0])


def test_dy_scalar_broadcasts():
    r = npgrad.gradients_function(lambda x: x * x)(np.array([1.0, 2.0, 3.0]), dy=2.0)
    assert_list(r, [[4.0, 8.0, 12.0]])


def test_dy_shape_mismatch_raises_value_error():
    # SPEC §3: dy must broadcast to its target
    with pytest.raises(ValueError):
        npgrad.gradients_function(lambda x: x * x)(
            np.array([1.0, 2.0, 3.0]), dy=np.array([1.0, 2.0]))


def test_f_returning_none_raises_value_error():
    # tf_semantics §2: "Cannot differentiate a function that returns None; ..."
    def forgot(x):
        x * x

    with pytest.raises(ValueError, match="Cannot differentiate a function that returns None"):
        npgrad.gradients_function(forgot)(3.0)


def test_exception_inside_f_propagates_unchanged():
    class Boom(Exception):
        pass

    def g(x):
        raise Boom("inside f")

    with pytest.raises(Boom, match="inside f"):
        npgrad.gradients_function(g)(3.0)


def test_f_returning_constant_gives_none():
    # tf_semantics §2: f returns a non-tensor constant (3.0) -> [None]
    assert_list(npgrad.gradients_function(lambda x: 3.0)(2.0), [None])


def test_called_with_no_arguments_gives_empty_list():
    # tf_semantics §2: called with no arguments -> []
    assert_list(npgrad.gradients_function(lambda: npgrad.constant(3.0))(), [])


def test_same_tensor_passed_twice_gets_separate_gradients():
    # tf_semantics §1.9: gradients_function(lambda x,y: x*y)(one, one) -> [1., 1.]
    one = npgrad.constant(1.0)
    assert_list(npgrad.gradients_function(lambda x, y: x * y)(one, one), [1.0, 1.0])


def test_same_tensor_passed_twice_different_roles():
    t = npgrad.constant(2.0)
    assert_list(npgrad.gradients_function(lambda x, y: x * x * y)(t, t), [8.0, 4.0])


def test_uninspectable_callable_differentiates_all_positional_args():
    # tf_semantics §2: a callable that cannot be inspected (a ufunc) -> all positional args
    assert_list(npgrad.gradients_function(np.multiply)(2.0, 5.0), [5.0, 2.0])
    assert_list(npgrad.gradients_function(np.sin)(0.5), [np.cos(0.5)])


def test_int_float_promotion_inside_f():
    # tf_semantics §2: mixing int and float inside f is plain NumPy promotion
    r = npgrad.gradients_function(lambda x: np.sum(x * np.arange(3)))(2.0)
    assert_list(r, [3.0])


def test_array_arguments_with_numpy_code():
    W = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])

    def loss(x, W):
        return np.sum(np.sin(x @ W))

    x = np.array([0.1, 0.2, 0.3])
    gx, gW = npgrad.gradients_function(loss)(x, W)
    c = np.cos(x @ W)
    assert_array(gx, W @ c)
    assert_array(gW, np.outer(x, c))


def test_inner_result_is_traced_when_outer_active():
    # tf_semantics §2 edge cases: an inner result is live when an outer differentiation is active
    seen = {}
    grad_fn = npgrad.gradients_function(f)

    def inner(x, y):
        r = grad_fn(x, y)[0]
        seen["type"] = type(r)
        return r

    npgrad.gradients_function(inner)(2.0, 3.0)
    assert issubclass(seen["type"], npgrad.TracedArray)


# ---------------------------------------------------------------------------
# implicit_gradients / implicit_value_and_gradients (§3)
# ---------------------------------------------------------------------------

def assert_pairs(pairs, expected):
    """expected: list of (gradient value or None, variable)."""
    assert type(pairs) is list, type(pairs)
    assert len(pairs) == len(expected)
    for pair, (g, v) in zip(pairs, expected):
        assert type(pair) is tuple and len(pair) == 2
        assert pair[1] is v
        if g is None:
            assert pair[0] is None
        else:
            assert_array(pair[0], g)


def test_implicit_value_and_gradients():
    # tf_semantics §3: value 35.0, pairs [(20.0, v), (5.0, w)]
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(3.0)

    def loss(x):
        return v * v * x + w * x

    value, pairs = npgrad.implicit_value_and_gradients(loss)(5.0)
    assert_array(value, 35.0)
    assert_pairs(pairs, [(20.0, v), (5.0, w)])


def test_implicit_gradients():
    # tf_semantics §3
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(3.0)

    def loss(x):
        return v * v * x + w * x

    assert_pairs(npgrad.implicit_gradients(loss)(5.0), [(20.0, v), (5.0, w)])


def test_implicit_gradients_skip_non_trainable():
    # tf_semantics §3: w non-trainable, loss=v*w*x -> [(15.0, v)]
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(3.0, trainable=False)
    assert_pairs(npgrad.implicit_gradients(lambda x: v * w * x)(5.0), [(15.0, v)])


def test_implicit_gradients_no_variables_raises():
    # tf_semantics §3: f = lambda x: x*x -> ValueError
    with pytest.raises(ValueError, match="No trainable variables were accessed"):
        npgrad.implicit_gradients(lambda x: x * x)(5.0)


def test_implicit_gradients_creation_order_not_use_order():
    # tf_semantics §3: variables in creation order
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(3.0)
    assert_pairs(npgrad.implicit_gradients(lambda x: w * x + v * v * x)(5.0),
                 [(20.0, v), (5.0, w)])


def test_implicit_gradients_read_but_unused_variable_gives_none():
    # tf_semantics §3: a variable read but not contributing gives (None, v)
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(3.0)

    def loss(x):
        w * 2.0
        return v * x

    assert_pairs(npgrad.implicit_gradients(loss)(5.0), [(5.0, v), (None, w)])


def test_implicit_gradients_kwargs_passed_through():
    # tf_semantics §3: kwargs are allowed and passed on
    v = npgrad.Variable(2.0)

    def loss(x, scale=1.0):
        return v * x * scale

    assert_pairs(npgrad.implicit_gradients(loss)(5.0, scale=2.0), [(10.0, v)])


def test_implicit_gradients_list_output_is_summed():
    # tf_semantics §3: the output is summed like §1.1
    v = npgrad.Variable(2.0)
    assert_pairs(npgrad.implicit_gradients(lambda x: [v * x, v])(5.0), [(6.0, v)])


def test_implicit_gradients_f_returning_none_raises():
    v = npgrad.Variable(2.0)

    def loss(x):
        v * x

    with pytest.raises(ValueError, match="returns None"):
        npgrad.implicit_gradients(loss)(5.0)


def test_implicit_gradients_vector_variable():
    v = npgrad.Variable(np.array([1.0, 2.0, 3.0]))

    def loss(x):
        return np.sum(v * v) * x

    assert_pairs(npgrad.implicit_gradients(loss)(2.0), [([4.0, 8.0, 12.0], v)])
