"""Acceptance tests for npgrad.GradientTape (tf_semantics §1, §5, §6, §7 numbers; SPEC §1-§3).

Also covers the pieces of §6 that are exercised through a tape:
UnconnectedGradients, stop_gradient and custom_gradient.
"""

import math

import numpy as np
import pytest

import npgrad
from expect import RTOL, assert_array, plain


# ---------------------------------------------------------------------------
# §1.1 implicit sum over targets
# ---------------------------------------------------------------------------

def test_vector_target_is_summed():
    # tf_semantics §1.1: y = x*x at [1,2,3] -> [2,4,6]
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x), [2.0, 4.0, 6.0])


def test_list_of_targets_is_summed():
    # tf_semantics §1.1: targets [x*x, sum(3x)] -> [5,7,9]
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        targets = [x * x, np.sum(3 * x)]
    assert_array(g.gradient(targets, x), [5.0, 7.0, 9.0])


def test_tuple_of_targets_is_summed():
    # tf_semantics §1.1 (a tuple is a container like a list)
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        targets = (x * x, np.sum(3 * x))
    assert_array(g.gradient(targets, x), [5.0, 7.0, 9.0])


def test_dict_of_targets_is_summed():
    # tf_semantics §1.1: a dict of targets behaves the same
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        targets = {"a": x * x, "b": np.sum(3 * x)}
    assert_array(g.gradient(targets, x), [5.0, 7.0, 9.0])


# ---------------------------------------------------------------------------
# §1.2 / §5 ex.5 upstream gradients (output_gradients)
# ---------------------------------------------------------------------------

def test_output_gradients_python_list_is_one_array():
    # tf_semantics §5 ex.5; SPEC §3: for a single target a list of numbers is ONE array
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x, output_gradients=[1.0, 0.0, 2.0]), [2.0, 0.0, 12.0])


def test_output_gradients_ndarray():
    # tf_semantics §5 ex.5
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    og = np.array([1.0, 0.0, 2.0])
    assert_array(g.gradient(y, x, output_gradients=og), [2.0, 0.0, 12.0])


def test_output_gradients_scalar_broadcasts():
    # tf_semantics §5 ex.5: scalar output_gradients=2.0 -> [4,8,12]
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x, output_gradients=2.0), [4.0, 8.0, 12.0])


def test_output_gradients_row_broadcasts_to_matrix_target():
    # SPEC §3: upstream gradients must broadcast to their target (TF gave a wrong (2,) result)
    x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    r = g.gradient(y, x, output_gradients=np.array([1.0, 2.0]))
    assert_array(r, [[2.0, 8.0], [6.0, 16.0]])


def test_output_gradients_wrong_length_raises_value_error():
    # SPEC §2: shape mismatch of output_gradients -> ValueError
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(ValueError):
        g.gradient(y, x, output_gradients=np.array([1.0, 2.0]))


def test_output_gradients_larger_than_target_raises_value_error():
    # SPEC §2: og must broadcast *to* the target; (3,2) does not fit (2,)
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(ValueError):
        g.gradient(y, x, output_gradients=np.ones((3, 2)))


def test_output_gradients_matched_positionally_to_list_targets():
    # tf_semantics §1.2: og entries matched to flattened targets
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        targets = [x * x, 3 * x]
    og = [np.array([1.0, 0.0, 2.0]), np.array([1.0, 1.0, 1.0])]
    assert_array(g.gradient(targets, x, output_gradients=og), [5.0, 3.0, 15.0])


def test_output_gradients_missing_trailing_entries_mean_ones():
    # SPEC §3: missing trailing entries mean ones for the tape
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        targets = [x * x, 3 * x]
    og = [np.array([1.0, 0.0, 2.0])]
    assert_array(g.gradient(targets, x, output_gradients=og), [5.0, 3.0, 15.0])


def test_output_gradients_second_entry_weights_second_target():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        targets = [x * x, x]
    # 2*(2x) + 10*1 = 22
    assert_array(g.gradient(targets, x, output_gradients=[2.0, 10.0]), 22.0)


# ---------------------------------------------------------------------------
# §1.3 result structure follows sources
# ---------------------------------------------------------------------------

def test_result_structure_single_list_tuple():
    # tf_semantics §5 ex.1: gradient(y,x)=6.0, [x] -> [6.0], (x,) -> (6.0,)
    x = npgrad.constant(3.0)
    with npgrad.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
    r = g.gradient(y, x)
    assert_array(r, 6.0)
    r = g.gradient(y, [x])
    assert type(r) is list and len(r) == 1
    assert_array(r[0], 6.0)
    r = g.gradient(y, (x,))
    assert type(r) is tuple and len(r) == 1
    assert_array(r[0], 6.0)


def test_result_structure_nested_dict():
    # tf_semantics §1.3: {'a': x, 'b': [x, x]} gives the same dict
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    r = g.gradient(y, {"a": x, "b": [x, x]})
    assert type(r) is dict and sorted(r) == ["a", "b"]
    assert_array(r["a"], [2.0, 4.0, 6.0])
    assert type(r["b"]) is list and len(r["b"]) == 2
    assert_array(r["b"][0], [2.0, 4.0, 6.0])
    assert_array(r["b"][1], [2.0, 4.0, 6.0])


def test_duplicate_sources_each_get_full_gradient():
    # tf_semantics §5: duplicates allowed, each gets the full gradient
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    r = g.gradient(y, [x, x])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 6.0)
    assert_array(r[1], 6.0)


def test_empty_source_list_gives_empty_list():
    # tf_semantics §5: an empty list of sources gives []
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    r = g.gradient(y, [])
    assert type(r) is list and r == []


# ---------------------------------------------------------------------------
# §1.4 / §5 ex.4 unconnected sources
# ---------------------------------------------------------------------------

def test_unwatched_source_gives_none():
    # tf_semantics §5 ex.4: unwatched x -> None
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        y = x * x
    assert g.gradient(y, x) is None


def test_unconnected_zero_string_gives_zeros():
    # tf_semantics §5 ex.4: 'zero' with x=[1,2,3] -> [0,0,0]
    x = npgrad.constant([1.0, 2.0, 3.0])
    u = npgrad.constant(1.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        g.watch(u)
        y = u * 2.0
    assert_array(g.gradient(y, x, unconnected_gradients="zero"), [0.0, 0.0, 0.0])


def test_unconnected_zero_enum_gives_zeros_of_source_shape():
    # tf_semantics §1.4: zeros of the source's shape and dtype
    x = npgrad.constant(np.zeros((2, 3)))
    u = npgrad.constant(1.0)
    with npgrad.GradientTape() as g:
        g.watch(u)
        y = u * 2.0
    r = g.gradient(y, x, unconnected_gradients=npgrad.UnconnectedGradients.ZERO)
    assert_array(r, np.zeros((2, 3)))


def test_unconnected_zero_keeps_float32():
    x = npgrad.constant(np.array([1.0, 2.0], dtype=np.float32))
    u = npgrad.constant(1.0)
    with npgrad.GradientTape() as g:
        g.watch(u)
        y = u * 2.0
    r = g.gradient(y, x, unconnected_gradients="zero")
    assert_array(r, [0.0, 0.0], dtype=np.float32)


def test_unconnected_none_enum_gives_none():
    x = npgrad.constant(1.0)
    u = npgrad.constant(1.0)
    with npgrad.GradientTape() as g:
        g.watch(u)
        y = u * 2.0
    assert g.gradient(y, x, unconnected_gradients=npgrad.UnconnectedGradients.NONE) is None
    # the string form, on a fresh tape
    with npgrad.GradientTape() as g:
        g.watch(u)
        y = u * 2.0
    assert g.gradient(y, x, unconnected_gradients="none") is None


def test_unconnected_mixed_with_connected_sources():
    x = npgrad.constant(3.0)
    u = npgrad.constant(1.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        g.watch(u)
        y = x * x
    r = g.gradient(y, [x, u])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 6.0)
    assert r[1] is None


def test_unknown_unconnected_gradients_raises_even_when_connected():
    # tf_semantics §5: ValueError("Unknown value for unconnected_gradients: 'bogus'")
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(ValueError, match="Unknown value for unconnected_gradients"):
        g.gradient(y, x, unconnected_gradients="bogus")


# ---------------------------------------------------------------------------
# §1.5 integer sources are constants
# ---------------------------------------------------------------------------

def test_integer_source_gives_none():
    # tf_semantics §1.5 / §4 ex.5 via the tape
    x = npgrad.constant(3)
    assert x.dtype.kind == "i"
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert g.gradient(y, x) is None


def test_integer_source_zero_gives_int_zeros():
    # tf_semantics §1.4: an *int* zero for an int source under 'zero'
    x = npgrad.constant(3)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    r = g.gradient(y, x, unconnected_gradients="zero")
    assert_array(r, 0, dtype=x.dtype)


def test_cast_to_int_path_contributes_nothing():
    # tf_semantics §1.5: y = float(int(x))*2 + x -> gradient 1 (written with astype,
    # because float()/int() on a traced array raise TraceLostError, see below)
    x = npgrad.constant(3.7)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x.astype(np.int64).astype(np.float64) * 2 + x
    assert_array(g.gradient(y, x), 1.0)


def test_float_of_traced_array_raises_trace_lost():
    # SPEC §1: float()/int() on a traced array raise TraceLostError (a TypeError)
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        with pytest.raises(npgrad.TraceLostError):
            float(y)
        with pytest.raises(npgrad.TraceLostError):
            int(y)
        with pytest.raises(TypeError):
            np.asarray(y)
        with pytest.raises(npgrad.TraceLostError):
            math.exp(y)
    assert issubclass(npgrad.TraceLostError, TypeError)


def test_conversions_of_untraced_array_work():
    # SPEC §1: on an untraced TracedArray conversions work as on an ndarray
    x = npgrad.constant(3.0)
    assert float(x) == 3.0
    assert int(npgrad.constant(3)) == 3
    a = np.asarray(npgrad.constant([1.0, 2.0]))
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_gradient_is_never_silently_dropped_by_assignment_into_ndarray():
    # SPEC §1: a[0] = t with traced t fails (ValueError whose cause is TraceLostError)
    x = npgrad.constant(3.0)
    a = np.zeros(2)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        with pytest.raises((ValueError, TypeError)) as info:
            a[0] = y
    err = info.value
    assert isinstance(err, npgrad.TraceLostError) or isinstance(
        err.__cause__, npgrad.TraceLostError)
    assert a[0] == 0.0


# ---------------------------------------------------------------------------
# §1.6 identity, not value; §1.7 target is source
# ---------------------------------------------------------------------------

def test_ops_before_watch_are_constant():
    # tf_semantics §1.6: y=x*x first, then watch(x), z=x*y -> dz/dx = y = 9 at x=3
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        y = x * x
        g.watch(x)
        z = x * y
    assert_array(g.gradient(z, x), 9.0)


def test_ops_after_exit_are_not_recorded():
    # tf_semantics §1.6: work done after the context has exited is constant
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    z = y * x
    assert g.gradient(z, x) is None


def test_target_is_source_gives_ones_even_unwatched():
    # tf_semantics §1.7: gradient(x, x) -> ones_like(x), even if x was never watched
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        pass
    assert_array(g.gradient(x, x), [1.0, 1.0, 1.0])


def test_target_is_watched_source_scalar():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
    assert_array(g.gradient(x, x), 1.0)


# ---------------------------------------------------------------------------
# dtypes (SPEC §1)
# ---------------------------------------------------------------------------

def test_python_float_gradient_is_float64():
    x = npgrad.constant(3.0)
    assert x.dtype == np.float64
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x), 6.0, dtype=np.float64)


def test_float32_source_keeps_float32():
    x = npgrad.constant(np.array([1.0, 2.0], dtype=np.float32))
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x * 0.5
    assert_array(g.gradient(y, x), [1.0, 2.0], dtype=np.float32)


def test_gradient_has_source_dtype_after_promotion():
    # SPEC §1: a gradient has its source's dtype (float32 source, float64 path)
    x = npgrad.constant(np.array([1.0, 2.0], dtype=np.float32))
    w = np.array([3.0, 4.0], dtype=np.float64)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = np.sum(x * w)
    assert_array(g.gradient(y, x), [3.0, 4.0], dtype=np.float32)


# ---------------------------------------------------------------------------
# watch (SPEC §1 decisions)
# ---------------------------------------------------------------------------

def test_watch_float_returns_traced_array():
    # SPEC §1: x = tape.watch(3.0) returns the watched TracedArray
    with npgrad.GradientTape() as g:
        x = g.watch(3.0)
        assert isinstance(x, npgrad.TracedArray)
        y = x * x
    assert_array(g.gradient(y, x), 6.0)


def test_watch_ndarray_returns_traced_array():
    # SPEC §1: x = tape.watch(np.array(3.0))
    with npgrad.GradientTape() as g:
        x = g.watch(np.array(3.0))
        assert isinstance(x, npgrad.TracedArray)
        y = x * x * x
    assert_array(g.gradient(y, x), 27.0)


def test_watch_float32_ndarray_keeps_dtype():
    with npgrad.GradientTape() as g:
        x = g.watch(np.array([1.0, 3.0], dtype=np.float32))
        y = x * x
    assert_array(g.gradient(y, x), [2.0, 6.0], dtype=np.float32)


def test_watch_nested_structure_of_arrays():
    # tf_semantics §5: watch takes any nested structure
    a = npgrad.constant(2.0)
    b = npgrad.constant(5.0)
    with npgrad.GradientTape() as g:
        g.watch([a, {"b": b}])
        y = a * b
    r = g.gradient(y, [a, b])
    assert_array(r[0], 5.0)
    assert_array(r[1], 2.0)


def test_watching_twice_is_harmless():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x), 6.0)


def test_plain_ndarray_source_raises_type_error():
    # SPEC §1: a plain ndarray passed as a source raises TypeError naming `watch`
    xs = np.array(3.0)
    with npgrad.GradientTape() as g:
        x = g.watch(xs)
        y = x * x
    with pytest.raises(TypeError, match="watch"):
        g.gradient(y, xs)


def test_python_float_source_raises_type_error():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises(TypeError):
        g.gradient(y, 3.0)


def test_plain_ndarray_among_sources_raises_type_error():
    xs = np.array(3.0)
    with npgrad.GradientTape() as g:
        x = g.watch(xs)
        y = x * x
    with pytest.raises(TypeError, match="watch"):
        g.gradient(y, [x, xs])


def test_watch_before_entering_raises():
    # tf_semantics §13.7(f): a clear RuntimeError/ValueError, not AttributeError
    g = npgrad.GradientTape()
    with pytest.raises((RuntimeError, ValueError)):
        g.watch(npgrad.constant(3.0))


def test_watch_marks_enclosing_recording_tape():
    # SPEC §1: watch on the inner tape also marks the array on the recording outer tape
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as outer:
        with npgrad.GradientTape() as inner:
            inner.watch(x)
            y = x * x
    assert_array(outer.gradient(y, x), 6.0)
    assert_array(inner.gradient(y, x), 6.0)


def test_watch_does_not_mark_exited_tape():
    # SPEC §1: only enclosing tapes that are recording are marked
    x = npgrad.constant(3.0)
    g = npgrad.GradientTape()
    with g:
        pass
    with npgrad.GradientTape() as inner:
        inner.watch(x)
        y = x * x
    assert_array(inner.gradient(y, x), 6.0)
    assert g.gradient(y, x) is None


def test_watch_does_not_mark_tape_inside_its_stop_recording():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as outer:
        with outer.stop_recording():
            with npgrad.GradientTape() as inner:
                inner.watch(x)
                y = x * x
    assert_array(inner.gradient(y, x), 6.0)
    assert outer.gradient(y, x) is None


# ---------------------------------------------------------------------------
# target argument
# ---------------------------------------------------------------------------

def test_none_target_raises_type_error():
    # tf_semantics §5 ex.7: gradient(None, x) -> TypeError
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
    with pytest.raises(TypeError):
        g.gradient(None, x)


def test_empty_target_list_gives_none():
    # tf_semantics §5: target [] -> None
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        x * x
    assert g.gradient([], x) is None


# ---------------------------------------------------------------------------
# context protocol, persistence, misuse (§5)
# ---------------------------------------------------------------------------

def test_reentering_active_tape_raises_value_error():
    # tf_semantics §5 ex.7
    g = npgrad.GradientTape()
    with g:
        with pytest.raises(ValueError, match="Tape is still recording"):
            with g:
                pass


def test_reentering_exited_tape_continues_recording():
    # tf_semantics §5: y=x*x in one block, z=y*x in a second block -> 27 at 3
    x = npgrad.constant(3.0)
    g = npgrad.GradientTape()
    with g:
        g.watch(x)
        y = x * x
    with g:
        z = y * x
    assert_array(g.gradient(z, x), 27.0)


def test_reentering_exited_persistent_tape_continues_recording():
    x = npgrad.constant(3.0)
    g = npgrad.GradientTape(persistent=True)
    with g:
        g.watch(x)
        y = x * x
    with g:
        z = y * x
    assert_array(g.gradient(z, x), 27.0)
    assert_array(g.gradient(y, x), 6.0)


def test_second_gradient_on_non_persistent_tape_raises():
    # tf_semantics §5 ex.4
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.gradient(y, x), 6.0)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used"):
        g.gradient(y, x)


def test_gradient_on_never_entered_tape_raises():
    # tf_semantics §5: gradient() on a tape that was never entered -> same RuntimeError
    x = npgrad.constant(3.0)
    g = npgrad.GradientTape()
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used"):
        g.gradient(x * x, x)


def test_jacobian_consumes_non_persistent_tape():
    # tf_semantics §5: jacobian counts as the tape's one use
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    g.jacobian(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape"):
        g.gradient(y, x)


def test_persistent_tape_allows_many_gradients():
    # tf_semantics §5 ex.3 (seed erratum corrected: z -> 108, y -> 6)
    x = npgrad.constant(3.0)
    with npgrad.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        z = y * y
    assert_array(g.gradient(z, x), 108.0)
    assert_array(g.gradient(y, x), 6.0)
    r = g.gradient(z, [x, y])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], 108.0)
    assert_array(r[1], 18.0)


def test_gradient_inside_own_non_persistent_context_computes():
    # SPEC §3 / tf_semantics §13.7(a): stops recording and computes, no error
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        dy = g.gradient(y, x)
        z = y * x  # not recorded; exiting afterwards is fine
    assert_array(dy, 6.0)
    assert plain(z) == 27.0


def test_gradient_inside_own_persistent_context_records_backward_pass():
    # tf_semantics §5 / §13.7(b): y=x*x, a=g.gradient(y,x) inside, then g.gradient(a,x) -> 2.0
    x = npgrad.constant(3.0)
    with npgrad.GradientTape(persistent=True) as g:
        g.watch(x)
        y = x * x
        a = g.gradient(y, x)
    assert plain(a) == 6.0
    assert_array(g.gradient(a, x), 2.0)


# ---------------------------------------------------------------------------
# nesting / higher order (§1.8, §5)
# ---------------------------------------------------------------------------

def test_nested_tapes_second_derivative_of_cube():
    # tf_semantics §5: x=3, y=x^3: inner -> 27, outer -> 18
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as outer:
        outer.watch(x)
        with npgrad.GradientTape() as inner:
            inner.watch(x)
            y = x ** 3
        dy = inner.gradient(y, x)
        assert isinstance(dy, npgrad.TracedArray)
        np.testing.assert_allclose(dy.numpy(), 27.0, rtol=RTOL)
    assert_array(outer.gradient(dy, x), 18.0)


def test_inner_result_is_plain_when_no_outer_tape():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x ** 3
    assert_array(g.gradient(y, x), 27.0)


def test_third_order_with_three_tapes():
    # x**4 at 2: 32, 48, 48
    x = npgrad.constant(2.0)
    with npgrad.GradientTape() as g3:
        g3.watch(x)
        with npgrad.GradientTape() as g2:
            g2.watch(x)
            with npgrad.GradientTape() as g1:
                g1.watch(x)
                y = x ** 4
            d1 = g1.gradient(y, x)
        d2 = g2.gradient(d1, x)
    d3 = g3.gradient(d2, x)
    np.testing.assert_allclose(plain(d1), 32.0, rtol=RTOL)
    np.testing.assert_allclose(plain(d2), 48.0, rtol=RTOL)
    assert_array(d3, 48.0)


def test_nested_tapes_with_sin():
    x = npgrad.constant(0.5)
    with npgrad.GradientTape() as outer:
        outer.watch(x)
        with npgrad.GradientTape() as inner:
            inner.watch(x)
            y = np.sin(x) * x
        dy = inner.gradient(y, x)
    # d/dx (cos x * x + sin x) = -x sin x + 2 cos x
    assert_array(outer.gradient(dy, x), -0.5 * np.sin(0.5) + 2 * np.cos(0.5))


# ---------------------------------------------------------------------------
# §7 numbers, computed through reverse mode (ForwardAccumulator is not in npgrad)
# ---------------------------------------------------------------------------

def test_s7_jvp_of_sum_cubes_via_gradient():
    # tf_semantics §7: v=[1,2], tangent [1,0], y=sum(v**3) -> 3.0; gradient [3,12]
    v = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(v)
        y = np.sum(v ** 3)
    grad = g.gradient(y, v)
    assert_array(grad, [3.0, 12.0])
    assert float(np.dot(grad, [1.0, 0.0])) == 3.0


def test_s7_x_squared_y_directional_derivative():
    # tf_semantics §7: x=2, y=3, tangents (1,0), z=x*x*y -> 12.0
    x = npgrad.constant(2.0)
    y = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch([x, y])
        z = x * x * y
    gx, gy = g.gradient(z, [x, y])
    assert_array(gx, 12.0)
    assert_array(gy, 4.0)


def test_s7_hessian_vector_product_with_nested_tapes():
    # tf_semantics §7: backward=[3,12], HVP along [1,0] -> [6,0]
    v = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as outer:
        outer.watch(v)
        with npgrad.GradientTape() as inner:
            inner.watch(v)
            y = np.sum(v ** 3.0)
        backward = inner.gradient(y, v)
    np.testing.assert_allclose(plain(backward), [3.0, 12.0], rtol=RTOL)
    hvp = outer.gradient(backward, v, output_gradients=np.array([1.0, 0.0]))
    assert_array(hvp, [6.0, 0.0])


def test_s7_nested_power_three_and_a_half():
    # tf_semantics §7: primal 1.1, primal**3.5: 4.441705, then 10.094785
    x = npgrad.constant(1.1)
    with npgrad.GradientTape() as outer:
        outer.watch(x)
        with npgrad.GradientTape() as inner:
            inner.watch(x)
            y = x ** 3.5
        d1 = inner.gradient(y, x)
    d2 = outer.gradient(d1, x)
    np.testing.assert_allclose(plain(d1), 3.5 * 1.1 ** 2.5, rtol=RTOL)
    assert abs(float(plain(d1)) - 4.441705) < 5e-7
    assert_array(d2, 3.5 * 2.5 * 1.1 ** 1.5)
    assert abs(float(d2) - 10.094785) < 5e-7


# ---------------------------------------------------------------------------
# jacobian (§5)
# ---------------------------------------------------------------------------

def test_jacobian_of_elementwise_square():
    # tf_semantics §5: y=x*x, x=[1,2] -> [[2,0],[0,4]]
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    assert_array(g.jacobian(y, x), [[2.0, 0.0], [0.0, 4.0]])


def test_jacobian_scalar_target_with_list_sources():
    # tf_semantics §5: y=sum(x*x)*s, sources [x,s], x=[1,2], s=2 -> [[4,8], 5]
    x = npgrad.constant([1.0, 2.0])
    s = npgrad.constant(2.0)
    with npgrad.GradientTape() as g:
        g.watch([x, s])
        y = np.sum(x * x) * s
    r = g.jacobian(y, [x, s])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], [4.0, 8.0])
    assert_array(r[1], 5.0)


def test_jacobian_of_row_sum():
    # tf_semantics §5: y=sum(m, axis=1), m=[[1,2],[3,4]] -> (2,2,2)
    m = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    with npgrad.GradientTape() as g:
        g.watch(m)
        y = np.sum(m, axis=1)
    r = g.jacobian(y, m)
    assert_array(r, [[[1.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 1.0]]])


def test_jacobian_unconnected_none_and_zero():
    # tf_semantics §5: y=2x, sources [x, u(3,)] -> [[[2,0],[0,2]], None]; 'zero' -> zeros((2,3))
    x = npgrad.constant([1.0, 2.0])
    u = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape(persistent=True) as g:
        g.watch([x, u])
        y = 2 * x
    r = g.jacobian(y, [x, u])
    assert type(r) is list and len(r) == 2
    assert_array(r[0], [[2.0, 0.0], [0.0, 2.0]])
    assert r[1] is None
    r = g.jacobian(y, [x, u], unconnected_gradients="zero")
    assert_array(r[0], [[2.0, 0.0], [0.0, 2.0]])
    assert_array(r[1], np.zeros((2, 3)))


def test_jacobian_source_structure_tuple():
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x * x
    r = g.jacobian(y, (x,))
    assert type(r) is tuple and len(r) == 1
    assert_array(r[0], [[3.0, 0.0], [0.0, 12.0]])


def test_jacobian_matrix_product_shape():
    # result shape target.shape + source.shape
    W = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    x = npgrad.constant([[1.0, 2.0]])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x @ W
    r = g.jacobian(y, x)
    expected = np.zeros((1, 3, 1, 2))
    expected[0, :, 0, :] = W.T
    assert_array(r, expected)


def test_jacobian_list_target_raises_clear_error():
    # tf_semantics §5: target must be a single array ("use a clear error")
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    with pytest.raises((TypeError, ValueError)):
        g.jacobian([y, y], x)


# ---------------------------------------------------------------------------
# batch_jacobian (§5)
# ---------------------------------------------------------------------------

def test_batch_jacobian_elementwise_square():
    # tf_semantics §5: x=[[1,2],[3,4]], y=x*x -> [[[2,0],[0,4]],[[6,0],[0,8]]]
    x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
    r = g.batch_jacobian(y, x)
    assert_array(r, [[[2.0, 0.0], [0.0, 4.0]], [[6.0, 0.0], [0.0, 8.0]]])


def test_batch_jacobian_matmul():
    # tf_semantics §5: y = x @ W, W=[[1,2,3],[0,1,-1]] -> each batch [[1,0],[2,1],[3,-1]]
    W = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, -1.0]])
    x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x @ W
    r = g.batch_jacobian(y, x)
    block = [[1.0, 0.0], [2.0, 1.0], [3.0, -1.0]]
    assert_array(r, [block, block])


def test_batch_jacobian_unconnected_gives_zeros_even_under_none():
    # tf_semantics §5 / brief: batch_jacobian gives zeros for unconnected sources
    x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    u = npgrad.constant(np.ones((2, 3)))
    with npgrad.GradientTape() as g:
        g.watch([x, u])
        y = x * x
    r = g.batch_jacobian(y, u)
    assert_array(r, np.zeros((2, 2, 3)))


def test_batch_jacobian_rank1_target_raises():
    # tf_semantics §5: ValueError("Shape (2,) must have rank at least 2")
    x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = np.sum(x, axis=1)
    with pytest.raises(ValueError, match="rank at least 2"):
        g.batch_jacobian(y, x)


def test_batch_jacobian_first_dimension_mismatch_raises():
    # tf_semantics §5: ValueError("Need first dimension of target shape ...")
    x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = np.sum(x, axis=0, keepdims=True) @ np.ones((2, 3))  # shape (1, 3)
    with pytest.raises(ValueError, match="Need first dimension"):
        g.batch_jacobian(y, x)


# ---------------------------------------------------------------------------
# stop_recording (§5)
# ---------------------------------------------------------------------------

def test_stop_recording_makes_ops_constant():
    # tf_semantics §5: y = x**2 inside stop_recording -> gradient None
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        with g.stop_recording():
            y = x ** 2
    assert g.gradient(y, x) is None


def test_recording_resumes_after_stop_recording():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        with g.stop_recording():
            a = x * x
        b = x * a
    # a is a constant 9
    assert_array(g.gradient(b, x), 9.0)


def test_stop_recording_on_never_entered_tape_raises_runtime_error():
    # tf_semantics §5
    g = npgrad.GradientTape()
    with pytest.raises(RuntimeError, match="Trying to stop recording a tape which is not recording"):
        with g.stop_recording():
            pass


def test_stop_recording_on_exited_tape_raises_value_error():
    # tf_semantics §5
    g = npgrad.GradientTape()
    with g:
        pass
    with pytest.raises(ValueError, match="Tape is not recording"):
        with g.stop_recording():
            pass


# ---------------------------------------------------------------------------
# reset (§5)
# ---------------------------------------------------------------------------

def test_reset_discards_history():
    # tf_semantics §5: y=x*x, reset, watch(x), z=y+2x -> 2
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * x
        g.reset()
        g.watch(x)
        z = y + 2 * x
    assert_array(g.gradient(z, x), 2.0)


def test_reset_forgets_watches():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        g.reset()
        z = 2 * x
    assert g.gradient(z, x) is None


def test_reset_outside_context_raises_value_error():
    g = npgrad.GradientTape()
    with g:
        pass
    with pytest.raises(ValueError, match="Tape is not recording"):
        g.reset()


# ---------------------------------------------------------------------------
# §6 UnconnectedGradients
# ---------------------------------------------------------------------------

def test_unconnected_gradients_enum_values():
    UG = npgrad.UnconnectedGradients
    assert UG.NONE.value == "none"
    assert UG.ZERO.value == "zero"
    assert UG("zero") is UG.ZERO
    assert UG("none") is UG.NONE


def test_unconnected_gradients_enum_rejects_bad_string():
    with pytest.raises(ValueError):
        npgrad.UnconnectedGradients("bogus")


# ---------------------------------------------------------------------------
# §6 stop_gradient
# ---------------------------------------------------------------------------

def test_stop_gradient_plus_x():
    # tf_semantics §6: stop_gradient(x*x) + x at 3 -> 1.0
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = npgrad.stop_gradient(x * x) + x
    assert_array(g.gradient(y, x), 1.0)


def test_stop_gradient_alone_is_unconnected():
    # tf_semantics §6: stop_gradient(x*x) alone -> None
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = npgrad.stop_gradient(x * x)
    assert g.gradient(y, x) is None


def test_stop_gradient_keeps_value():
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        s = npgrad.stop_gradient(x * 3.0)
        y = np.sum(s * x)
    np.testing.assert_array_equal(plain(s), [3.0, 6.0])
    assert_array(g.gradient(y, x), [3.0, 6.0])


def test_stop_gradient_blocks_higher_order():
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as outer:
        outer.watch(x)
        with npgrad.GradientTape() as inner:
            inner.watch(x)
            y = x * npgrad.stop_gradient(x)  # d/dx = stop(x) = 3 (constant)
        dy = inner.gradient(y, x)
    np.testing.assert_allclose(plain(dy), 3.0, rtol=RTOL)
    assert outer.gradient(dy, x) is None


# ---------------------------------------------------------------------------
# §6 custom_gradient
# ---------------------------------------------------------------------------

@npgrad.custom_gradient
def log1pexp(x):
    e = np.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return np.log(1 + e), grad


def test_custom_gradient_log1pexp_at_100():
    # tf_semantics §6: at x=100 the gradient is 1.0 (float64 value 100.0)
    x = npgrad.constant(100.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = log1pexp(x)
    np.testing.assert_allclose(plain(y), 100.0, rtol=RTOL)
    assert_array(g.gradient(y, x), 1.0)


def test_custom_gradient_log1pexp_with_output_gradients():
    # tf_semantics §6: output gradients [2,3] at x=[0,100] -> [1.0, 3.0]
    x = npgrad.constant([0.0, 100.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = log1pexp(x)
    assert_array(g.gradient(y, x, output_gradients=np.array([2.0, 3.0])), [1.0, 3.0])


def test_custom_gradient_two_inputs():
    # tf_semantics §6: x*y with grad (dz*10, dz*100) -> [10, 100]
    @npgrad.custom_gradient
    def mul(x, y):
        def grad(dz):
            return dz * 10.0, dz * 100.0
        return x * y, grad

    x = npgrad.constant(2.0)
    y = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch([x, y])
        z = mul(x, y)
    np.testing.assert_allclose(plain(z), 6.0, rtol=RTOL)
    r = g.gradient(z, [x, y])
    assert_array(r[0], 10.0)
    assert_array(r[1], 100.0)


@npgrad.custom_gradient
def two_outputs(x):
    def grad(d1, d2):
        return d1 * 10.0 + d2 * 100.0
    return (2 * x, 3 * x), grad


def test_custom_gradient_two_outputs_summed():
    # tf_semantics §6: outputs (2x, 3x), grad d1*10 + d2*100, summed -> 110
    x = npgrad.constant(1.5)
    with npgrad.GradientTape() as g:
        g.watch(x)
        a, b = two_outputs(x)
        y = a + b
    assert_array(g.gradient(y, x), 110.0)


def test_custom_gradient_unused_output_gets_zero_upstream():
    # tf_semantics §6: using only the first output -> 10
    x = npgrad.constant(1.5)
    with npgrad.GradientTape() as g:
        g.watch(x)
        a, b = two_outputs(x)
    assert_array(g.gradient(a, x), 10.0)


def test_custom_gradient_forward_body_is_not_differentiated():
    # tf_semantics §6: ops inside f's forward body are never used for the gradient
    @npgrad.custom_gradient
    def fake_sin(x):
        def grad(dy):
            return dy * 7.0
        return np.sin(x), grad

    x = npgrad.constant(0.3)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = fake_sin(x)
    np.testing.assert_allclose(plain(y), np.sin(0.3), rtol=RTOL)
    assert_array(g.gradient(y, x), 7.0)


def test_custom_gradient_wrong_count_raises():
    # tf_semantics §6: "custom_gradient function expected to return 2 gradients, but returned 1"
    @npgrad.custom_gradient
    def mul(x, y):
        def grad(dz):
            return [dz * 10.0]
        return x * y, grad

    x = npgrad.constant(2.0)
    y = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch([x, y])
        z = mul(x, y)
    with pytest.raises(ValueError, match="2 gradients"):
        g.gradient(z, [x, y])


def test_custom_gradient_none_entry_means_no_gradient():
    @npgrad.custom_gradient
    def mul(x, y):
        def grad(dz):
            return dz * y, None
        return x * y, grad

    x = npgrad.constant(2.0)
    y = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch([x, y])
        z = mul(x, y)
    r = g.gradient(z, [x, y])
    assert_array(r[0], 3.0)
    assert r[1] is None


def test_custom_gradient_keyword_arguments_not_differentiated():
    # tf_semantics §6: keyword arguments of f are not differentiated
    @npgrad.custom_gradient
    def scale(x, factor=1.0):
        def grad(dy):
            return dy * factor
        return x * factor, grad

    x = npgrad.constant(2.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = scale(x, factor=3.0)
    np.testing.assert_allclose(plain(y), 6.0, rtol=RTOL)
    assert_array(g.gradient(y, x), 3.0)


def test_custom_gradient_second_order_through_grad_fn():
    # tf_semantics §6: sq(x) with grad dy*2x; second derivative at 3 -> 2.0
    @npgrad.custom_gradient
    def sq(x):
        def grad(dy):
            return dy * 2 * x
        return x * x, grad

    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as outer:
        outer.watch(x)
        with npgrad.GradientTape() as inner:
            inner.watch(x)
            y = sq(x)
        dy = inner.gradient(y, x)
    np.testing.assert_allclose(plain(dy), 6.0, rtol=RTOL)
    assert_array(outer.gradient(dy, x), 2.0)


def test_custom_gradient_with_variables_keyword():
    # tf_semantics §6: f reads a Variable -> grad_fn(*upstream, variables=[...])
    # returns (input_grads, variable_grads)
    v = npgrad.Variable(2.0)
    seen = {}

    @npgrad.custom_gradient
    def f(x):
        def grad(dy, variables=None):
            seen["variables"] = variables
            return dy * 2.0, [dy * 3.0]
        return x * v, grad

    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = f(x)
    r = g.gradient(y, [x, v])
    assert_array(r[0], 2.0)
    assert_array(r[1], 3.0)
    assert len(seen["variables"]) == 1 and seen["variables"][0] is v


def test_custom_gradient_reading_variable_without_keyword_raises_type_error():
    # tf_semantics §6: grad_fn must accept keyword argument 'variables'
    v = npgrad.Variable(2.0)

    @npgrad.custom_gradient
    def f(x):
        def grad(dy):
            return dy * 2.0
        return x * v, grad

    x = npgrad.constant(3.0)
    with pytest.raises(TypeError, match="variables"):
        with npgrad.GradientTape() as g:
            g.watch(x)
            y = f(x)
        g.gradient(y, [x, v])


# ---------------------------------------------------------------------------
# NotDifferentiableError (SPEC §2)
# ---------------------------------------------------------------------------

def test_not_differentiable_error_is_lookup_error():
    assert issubclass(npgrad.NotDifferentiableError, LookupError)


def my_unregistered_op(a):
    return a * 2.0


# a genuine NumPy ufunc created here, so no VJP can ever be registered for it
MY_UFUNC = np.frompyfunc(my_unregistered_op, 1, 1)


def test_function_without_rule_raises_at_call_site():
    # SPEC §2: raised at the call site, naming the function and both fixes
    x = npgrad.constant([0.0, 7.0, 1.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        with pytest.raises(npgrad.NotDifferentiableError) as info:
            MY_UFUNC(x)
    msg = str(info.value)
    assert "my_unregistered_op" in msg
    assert "defvjp" in msg
    assert "stop_gradient" in msg


# ---------------------------------------------------------------------------
# Python protocols on traced arrays (SPEC §1)
# ---------------------------------------------------------------------------

def test_unpacking_gives_traced_elements():
    x = npgrad.constant([2.0, 5.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        assert len(x) == 2
        a, b = x
        y = a * b
    assert_array(g.gradient(y, x), [5.0, 2.0])


def test_iteration_gives_traced_elements():
    x = npgrad.constant([1.0, 2.0, 3.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = 0.0
        for t in x:
            y = y + t * t
    assert_array(g.gradient(y, x), [2.0, 4.0, 6.0])


def test_control_flow_on_values():
    # SPEC §1: bool(t) and comparisons read values
    def f(x):
        if x > 0:
            return x * x
        return -x

    for x0, expected in [(3.0, 6.0), (-2.0, -1.0)]:
        x = npgrad.constant(x0)
        with npgrad.GradientTape() as g:
            g.watch(x)
            y = f(x)
        assert_array(g.gradient(y, x), expected)


def test_augmented_assignment_rebinds():
    # SPEC §1: t += u rebinds the name to a new traced array
    x = npgrad.constant(3.0)
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x
        y += x * x
        y /= 2
    assert plain(x) == 3.0
    assert_array(g.gradient(y, x), (1.0 + 6.0) / 2)


def test_item_assignment_is_recorded_or_refused():
    # SPEC §1: t[idx] = v is a recorded functional update or a clear error, never silent
    x = npgrad.constant([1.0, 2.0])
    with npgrad.GradientTape() as g:
        g.watch(x)
        y = x * 3.0
        try:
            y[0] = 5.0
        except (TypeError, ValueError, NotImplementedError):
            refused = True
        else:
            refused = False
        z = np.sum(y * y)
    if not refused:
        # y = [5, 3*x1]: dz/dx = [0, 18*x1]
        assert_array(g.gradient(z, x), [0.0, 36.0])
    else:
        assert_array(g.gradient(z, x), [18.0, 36.0])
