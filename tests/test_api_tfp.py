"""Acceptance tests for npgrad.value_and_gradient (TFP; tf_semantics §8, seed 002; SPEC §3)."""

import numpy as np
import pytest

import npgrad
from expect import assert_array, assert_seq, plain

LOG2 = np.log(2.0)
LOG3 = np.log(3.0)


vg = npgrad.value_and_gradient


# ---------------------------------------------------------------------------
# the three calling rules (§8 examples 1-3)
# ---------------------------------------------------------------------------

def test_case1_argless_f_closes_over_tensor():
    # tf_semantics §8 ex.1: (log 2, 0.5)
    x = npgrad.constant(2.0)
    r = vg(lambda: np.log(x), x)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], LOG2)
    assert_array(r[1], 0.5)


def test_case1_argless_f_with_fresh_float_gives_none():
    # tf_semantics §8: a Python float passed there is a fresh tensor -> gradient None
    xc = npgrad.constant(2.0)
    r = vg(lambda: np.log(xc), 2.0)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], LOG2)
    assert r[1] is None


def test_case2_packed_list_gives_list():
    # tf_semantics §8 ex.2: (2.197225, [1.098612, 0.666667]), a list
    r = vg(lambda x, y: x * np.log(y), [2.0, 3.0])
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 2.0 * LOG3)
    assert_seq(r[1], list, [LOG3, 2.0 / 3.0])


def test_case2_packed_tuple_gives_tuple():
    # tf_semantics §8 ex.2: with (2., 3.) the gradient is a tuple
    r = vg(lambda x, y: x * np.log(y), (2.0, 3.0))
    assert_array(r[0], 2.0 * LOG3)
    assert_seq(r[1], tuple, [LOG3, 2.0 / 3.0])


def test_separate_args_give_tuple():
    # tf_semantics §8 ex.2: args passed separately -> tuple
    r = vg(lambda x, y: x * np.log(y), 2.0, 3.0)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 2.0 * LOG3)
    assert_seq(r[1], tuple, [LOG3, 2.0 / 3.0])


def test_case3_no_unpack_list_is_one_structured_arg():
    # tf_semantics §8 ex.3: f receives a list of 3 scalars; gradient is a list of 3 scalars.
    # (np.log of a Python list of traced scalars cannot dispatch in NumPy, so f stacks them.)
    def f(xs):
        assert type(xs) is list and len(xs) == 3
        return np.log(np.stack(xs))

    r = vg(f, [1.0, 2.0, 3.0], auto_unpack_single_arg=False)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], [0.0, LOG2, LOG3])
    assert_seq(r[1], list, [1.0, 0.5, 1.0 / 3.0])


def test_case3_list_valued_f():
    def f(xs):
        return [np.log(t) for t in xs]

    r = vg(f, [1.0, 2.0, 3.0], auto_unpack_single_arg=False)
    assert_seq(r[0], list, [0.0, LOG2, LOG3])
    assert_seq(r[1], list, [1.0, 0.5, 1.0 / 3.0])


def test_single_dict_arg_gradient_keeps_structure():
    # tf_semantics §8: exactly one positional arg, not unpacked -> its gradient, same structure
    r = vg(lambda d: d["a"] * d["b"], {"a": 2.0, "b": 3.0})
    assert_array(r[0], 6.0)
    assert type(r[1]) is dict and sorted(r[1]) == ["a", "b"]
    assert_array(r[1]["a"], 3.0)
    assert_array(r[1]["b"], 2.0)


def test_single_array_arg_gradient_is_bare():
    r = vg(lambda x: np.sum(x * x), np.array([1.0, 2.0]))
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 5.0)
    assert_array(r[1], [2.0, 4.0])


# ---------------------------------------------------------------------------
# kwargs (§8 ex.4)
# ---------------------------------------------------------------------------

def test_kwargs_only():
    # tf_semantics §8 ex.4: (6., {'x': 3., 'y': 2.})
    r = vg(lambda x, y: x * y, x=2.0, y=3.0)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 6.0)
    assert type(r[1]) is dict and sorted(r[1]) == ["x", "y"]
    assert_array(r[1]["x"], 3.0)
    assert_array(r[1]["y"], 2.0)


def test_arg_and_kwarg_gives_three_tuple():
    # tf_semantics §8 ex.4: (6., 3., {'y': 2.})
    r = vg(lambda x, y: x * y, 2.0, y=3.0)
    assert type(r) is tuple and len(r) == 3
    assert_array(r[0], 6.0)
    assert_array(r[1], 3.0)
    assert type(r[2]) is dict and list(r[2]) == ["y"]
    assert_array(r[2]["y"], 2.0)


def test_packed_list_plus_kwarg_not_unpacked():
    # tf_semantics §8 ex.4: (30., [15., 6.], {'y': 10.})
    r = vg(lambda a, y: a[0] * a[1] * y, [2.0, 5.0], y=3.0)
    assert type(r) is tuple and len(r) == 3
    assert_array(r[0], 30.0)
    assert_seq(r[1], list, [15.0, 6.0])
    assert type(r[2]) is dict and list(r[2]) == ["y"]
    assert_array(r[2]["y"], 10.0)


# ---------------------------------------------------------------------------
# has_aux, output_gradients (§8 ex.5)
# ---------------------------------------------------------------------------

def test_has_aux():
    # tf_semantics §8 ex.5: ((9., {'aux': 4.}), 6.)
    r = vg(lambda x: (x * x, {"aux": x + 1}), 3.0, has_aux=True)
    assert type(r) is tuple and len(r) == 2
    value, grad = r
    assert type(value) is tuple and len(value) == 2
    assert_array(value[0], 9.0)
    assert type(value[1]) is dict and list(value[1]) == ["aux"]
    assert float(plain(value[1]["aux"])) == 4.0
    assert_array(grad, 6.0)


def test_output_gradients_python_list_for_single_target():
    # tf_semantics §8 ex.5: x=[1,2], output_gradients=[3,5] -> ([1,4], [6,20])
    x = npgrad.constant([1.0, 2.0])
    r = vg(lambda x: x * x, x, output_gradients=[3.0, 5.0])
    assert_array(r[0], [1.0, 4.0])
    assert_array(r[1], [6.0, 20.0])


def test_list_output_is_summed():
    # tf_semantics §8 ex.5: [x*x, 3x] at 2 -> value [4, 6], gradient 7
    r = vg(lambda x: [x * x, 3 * x], 2.0)
    assert type(r) is tuple and len(r) == 2
    assert_seq(r[0], list, [4.0, 6.0])
    assert_array(r[1], 7.0)


def test_list_output_with_output_gradients():
    # tf_semantics §8 ex.5: output_gradients=[1., 10.] -> 34
    r = vg(lambda x: [x * x, 3 * x], 2.0, output_gradients=[1.0, 10.0])
    assert_seq(r[0], list, [4.0, 6.0])
    assert_array(r[1], 34.0)


def test_output_gradients_shape_mismatch_raises():
    # SPEC §2: output_gradients must broadcast to the target
    with pytest.raises(ValueError):
        vg(lambda x: x * x, np.array([1.0, 2.0]), output_gradients=np.array([1.0, 2.0, 3.0]))


# ---------------------------------------------------------------------------
# ints, errors, unconnected (§8 ex.6)
# ---------------------------------------------------------------------------

def test_int_input_converted_to_float64():
    # tf_semantics §8 ex.6 / SPEC §3: (9., 6.), ints become float64
    r = vg(lambda x: x * x, 3)
    assert type(r) is tuple and len(r) == 2
    assert_array(r[0], 9.0)
    assert_array(r[1], 6.0)


def test_int_array_input_converted_to_float64():
    r = vg(lambda x: np.sum(x * x), np.array([1, 2]))
    assert_array(r[0], 5.0)
    assert_array(r[1], [2.0, 4.0])


def test_no_args_raises_value_error():
    # tf_semantics §8 rule 0
    with pytest.raises(ValueError, match="Gradient is not defined unless at least one of"):
        vg(lambda: npgrad.constant(1.0))


def test_unconnected_arg_gives_none():
    # tf_semantics §8 ex.6: (lambda x,y: 2x, 2., 3.) -> (4., (2., None))
    r = vg(lambda x, y: 2 * x, 2.0, 3.0)
    assert_array(r[0], 4.0)
    assert_seq(r[1], tuple, [2.0, None])


def test_f_returning_none_raises_type_error():
    # tf_semantics §8 / SPEC §2: f returning None -> TypeError (as TFP)
    def f(x):
        x * x

    with pytest.raises(TypeError):
        vg(f, 3.0)


def test_empty_packed_list_gives_one_tuple():
    # tf_semantics §8: value_and_gradient(g, []) -> (y,)
    r = vg(lambda: npgrad.constant(5.0), [])
    assert type(r) is tuple and len(r) == 1
    assert_array(r[0], 5.0)


# ---------------------------------------------------------------------------
# dtypes and Variables
# ---------------------------------------------------------------------------

def test_python_float_is_float64_not_float32():
    # SPEC §1: no TFP float32 dtype_hint
    r = vg(lambda x: x * x / 3.0, 0.1)
    assert_array(r[0], 0.1 * 0.1 / 3.0)
    assert_array(r[1], 2 * 0.1 / 3.0)


def test_float32_input_stays_float32():
    r = vg(lambda x: x * x, np.array([1.0, 2.0], dtype=np.float32))
    assert_array(r[0], [1.0, 4.0], dtype=np.float32)
    assert_array(r[1], [2.0, 4.0], dtype=np.float32)


def test_variable_passes_through():
    # tf_semantics §8: Variables pass through
    v = npgrad.Variable(3.0)
    r = vg(lambda v: v * v, v)
    assert_array(r[0], 9.0)
    assert_array(r[1], 6.0)


def test_tensor_argument_identity_preserved():
    # tf_semantics §13.1: convert_to_tensor is identity-preserving, so f sees x itself
    x = npgrad.constant(2.0)
    seen = {}

    def f(t):
        seen["t"] = t
        return t * t

    r = vg(f, x)
    assert seen["t"] is x
    assert_array(r[1], 4.0)
