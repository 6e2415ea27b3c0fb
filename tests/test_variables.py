"""Variables and array creation (tf_semantics §5 Variables, §6 Variable; SPEC §1)."""

import numpy as np
import pytest

import npgrad
from expect import RTOL, assert_array, plain


def same_objects(got, expected):
    assert type(got) is tuple, type(got)
    assert len(got) == len(expected), (len(got), len(expected))
    for a, b in zip(got, expected):
        assert a is b


# ---------------------------------------------------------------------------
# constant / convert_to_tensor / TracedArray
# ---------------------------------------------------------------------------

def test_constant_makes_traced_array_float64():
    t = npgrad.constant(3.0)
    assert isinstance(t, npgrad.TracedArray)
    assert t.dtype == np.float64
    assert t.shape == ()


def test_constant_keeps_float32():
    t = npgrad.constant(np.array([1.0, 2.0], dtype=np.float32))
    assert t.dtype == np.float32
    assert t.shape == (2,)


def test_constant_dtype_argument():
    t = npgrad.constant([1, 2, 3], dtype=np.float64)
    assert t.dtype == np.float64
    assert_array(t.numpy(), [1.0, 2.0, 3.0])


def test_constant_of_python_int_is_integer():
    assert npgrad.constant(3).dtype.kind == "i"


def test_convert_to_tensor_is_identity_preserving():
    # SPEC §1
    t = npgrad.constant([1.0, 2.0])
    assert npgrad.convert_to_tensor(t) is t
    assert npgrad.constant(t) is t


def test_convert_to_tensor_of_ndarray():
    t = npgrad.convert_to_tensor(np.array([1.0, 2.0]))
    assert isinstance(t, npgrad.TracedArray)
    assert_array(t.numpy(), [1.0, 2.0])


def test_numpy_returns_plain_ndarray():
    t = npgrad.constant([[1.0, 2.0]])
    a = t.numpy()
    assert_array(a, [[1.0, 2.0]])


def test_numpy_works_on_traced_array():
    # SPEC §1: .numpy() is an explicit exit, allowed while traced
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        assert_array(y.numpy(), 9.0)
    assert_array(g.gradient(y, x), 6.0)


def test_ops_on_traced_array_return_traced_array():
    # SPEC §1: differentiable ops on a TracedArray return TracedArrays;
    # non-differentiable results (comparisons) come back as plain ndarrays
    x = npgrad.constant([1.0, -2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        assert isinstance(np.sin(x), npgrad.TracedArray)
        assert isinstance(x.sum(), npgrad.TracedArray)
        assert isinstance(x.T, npgrad.TracedArray)
        assert isinstance(x.reshape(2, 1), npgrad.TracedArray)
        c = x > 0
        assert type(c) is np.ndarray
        np.testing.assert_array_equal(c, [True, False])


# ---------------------------------------------------------------------------
# Variable basics
# ---------------------------------------------------------------------------

def test_variable_attributes():
    v = npgrad.Variable(2.0)
    assert v.trainable is True
    assert v.dtype == np.float64
    assert v.shape == ()
    assert_array(v.numpy(), 2.0)


def test_variable_name():
    v = npgrad.Variable(2.0, name="weights")
    assert v.name.startswith("weights")


def test_variable_non_trainable():
    assert npgrad.Variable(2.0, trainable=False).trainable is False


def test_variable_dtype_argument():
    v = npgrad.Variable([1, 2], dtype=np.float32)
    assert v.dtype == np.float32
    assert v.shape == (2,)
    assert_array(v.numpy(), [1.0, 2.0], dtype=np.float32)


def test_variable_keeps_float32():
    v = npgrad.Variable(np.array([1.0, 2.0], dtype=np.float32))
    assert v.dtype == np.float32


def test_variable_assign_family():
    v = npgrad.Variable(2.0)
    v.assign(5.0)
    assert_array(v.numpy(), 5.0)
    v.assign_add(1.5)
    assert_array(v.numpy(), 6.5)
    v.assign_sub(2.0)
    assert_array(v.numpy(), 4.5)
    assert plain(v.read_value()) == 4.5


def test_variable_assign_visible_to_later_ops():
    v = npgrad.Variable(np.array([1.0, 2.0]))
    v.assign(np.array([3.0, 4.0]))
    assert_array(plain(v * 2.0), [6.0, 8.0])


# ---------------------------------------------------------------------------
# gradients with respect to Variables (§5, §6)
# ---------------------------------------------------------------------------

def test_trainable_and_non_trainable_variables():
    # tf_semantics §5 ex.6: gradient(y,[v,w]) = [4.0, None], watched_variables() == (v,)
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(5.0, trainable=False)
    with npgrad.GradientTape() as g:
        y = v * v + w * w
    r = g.gradient(y, [v, w])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 4.0)
    assert r[1] is None
    same_objects(g.watched_variables(), (v,))


def test_non_trainable_variable_explicit_watch():
    # tf_semantics §5: non-trainable variables are only watched explicitly
    w = npgrad.Variable(5.0, trainable=False)
    with npgrad.GradientTape() as g:
        g.watch(w)
        y = w * w
    assert_array(g.gradient(y, w), 10.0)


def test_watch_accessed_variables_false():
    # tf_semantics §5: only explicit watches count
    v = npgrad.Variable(2.0)
    with npgrad.GradientTape(watch_accessed_variables=False) as g:
        y = v * v
    assert g.gradient(y, v) is None


def test_watch_accessed_variables_false_with_explicit_watch():
    v = npgrad.Variable(2.0)
    u = npgrad.Variable(3.0)
    with npgrad.GradientTape(watch_accessed_variables=False) as g:
        g.watch(v)
        y = v * v * u
    r = g.gradient(y, [v, u])
    assert_array(r[0], 12.0)
    assert r[1] is None
    same_objects(g.watched_variables(), (v,))


def test_assign_inside_tape_breaks_chain():
    # tf_semantics §5: v=2, v.assign(3v), y=v*v -> 12
    v = npgrad.Variable(2.0)
    with npgrad.GradientTape() as g:
        v.assign(3 * v)
        y = v * v
    assert_array(g.gradient(y, v), 12.0)


def test_assign_add_inside_tape_uses_new_value():
    v = npgrad.Variable(2.0)
    with npgrad.GradientTape() as g:
        v.assign_add(1.0)
        y = v * v
    assert_array(g.gradient(y, v), 6.0)


def test_read_value_copy_unused_gives_none():
    # tf_semantics §5: gradient wrt an unused read_value() copy is None
    v = npgrad.Variable(2.0)
    with npgrad.GradientTape() as g:
        r = v.read_value()
        y = v * v
    grads = g.gradient(y, [v, r])
    assert_array(grads[0], 4.0)
    assert grads[1] is None


def test_gradient_has_variable_shape_and_dtype():
    # tf_semantics §6: a gradient wrt a Variable has the Variable's shape and dtype
    v = npgrad.Variable(np.array([1.0, 2.0], dtype=np.float32))
    with npgrad.GradientTape() as g:
        y = np.sum(v * v)
    assert_array(g.gradient(y, v), [2.0, 4.0], dtype=np.float32)


def test_variable_matrix_gradient():
    W = npgrad.Variable(np.array([[1.0, 2.0], [3.0, 4.0]]))
    x = np.array([1.0, -1.0])
    with npgrad.GradientTape() as g:
        y = np.sum(np.tanh(x @ W))
    t = np.tanh(x @ W.numpy())
    assert_array(g.gradient(y, W), np.outer(x, 1 - t ** 2))


def test_variable_in_numpy_functions():
    v = npgrad.Variable(0.5)
    with npgrad.GradientTape() as g:
        y = np.sin(v) * np.exp(v)
    assert_array(g.gradient(y, v), np.cos(0.5) * np.exp(0.5) + np.sin(0.5) * np.exp(0.5))


def test_variable_target_is_read():
    # tf_semantics §5: a Variable target is read; target is source -> ones
    v = npgrad.Variable([1.0, 2.0])
    with npgrad.GradientTape() as g:
        pass
    assert_array(g.gradient(v, v), [1.0, 1.0])


def test_int_variable_is_watched_but_has_no_gradient():
    # tf_semantics §6: an int Variable is auto-watched but its gradient is None
    n = npgrad.Variable(3)
    with npgrad.GradientTape() as g:
        y = n * n
    same_objects(g.watched_variables(), (n,))
    assert g.gradient(y, n) is None


def test_ops_on_variable_before_tape_are_constant():
    # tf_semantics §1.6: only work done while the tape records counts
    v = npgrad.Variable(3.0)
    y0 = v * v
    with npgrad.GradientTape() as g:
        y = y0 * 1.0
    assert g.gradient(y, v) is None


def test_variables_auto_watched_on_all_tapes_for_higher_order():
    # tf_semantics §5: variable auto-watching goes to all tapes; v=3, y=v^3: 27, 18
    v = npgrad.Variable(3.0)
    with npgrad.GradientTape() as outer:
        with npgrad.GradientTape() as inner:
            y = v ** 3
        dy = inner.gradient(y, v)
        np.testing.assert_allclose(plain(dy), 27.0, rtol=RTOL)
    assert_array(outer.gradient(dy, v), 18.0)


def test_variable_persistent_tape_multiple_gradients():
    v = npgrad.Variable(2.0)
    w = npgrad.Variable(3.0)
    with npgrad.GradientTape(persistent=True) as g:
        y = v * w
        z = y * y
    assert_array(g.gradient(y, v), 3.0)
    assert_array(g.gradient(z, w), 2 * 6.0 * 2.0)


# ---------------------------------------------------------------------------
# watched_variables (§5)
# ---------------------------------------------------------------------------

def test_watched_variables_empty_before_use():
    g = npgrad.GradientTape()
    assert g.watched_variables() == ()
    with g:
        assert g.watched_variables() == ()


def test_watched_variables_in_creation_order():
    # tf_semantics §5: a tuple in creation order, not order of use
    a = npgrad.Variable(1.0)
    b = npgrad.Variable(2.0)
    c = npgrad.Variable(3.0)
    with npgrad.GradientTape() as g:
        y = c * b * a
    same_objects(g.watched_variables(), (a, b, c))


def test_watched_variables_available_after_gradient():
    # tf_semantics §5: still available after a non-persistent tape has been used
    a = npgrad.Variable(1.0)
    b = npgrad.Variable(2.0)
    with npgrad.GradientTape() as g:
        y = b * a
    r = g.gradient(y, [a, b])
    assert_array(r[0], 2.0)
    assert_array(r[1], 1.0)
    same_objects(g.watched_variables(), (a, b))


def test_watched_variables_include_explicit_watch():
    a = npgrad.Variable(1.0)
    b = npgrad.Variable(2.0, trainable=False)
    with npgrad.GradientTape() as g:
        g.watch(b)
        y = a * b
    same_objects(g.watched_variables(), (a, b))


def test_read_value_counts_as_access():
    # tf_semantics §13.12: read_value() counts as an access
    v = npgrad.Variable(2.0)
    with npgrad.GradientTape() as g:
        v.read_value()
    same_objects(g.watched_variables(), (v,))


def test_watched_variables_excludes_plain_tensors():
    v = npgrad.Variable(2.0)
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = v * x
    same_objects(g.watched_variables(), (v,))
