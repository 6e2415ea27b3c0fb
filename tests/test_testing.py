"""The checker is tested too: planted wrong rules must fail, correct ones must pass."""

import doctest
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import npgrad
from npgrad._registry import LINEAR, NONDIFFERENTIABLE, VJPS
from npgrad.testing import check_gradients, check_linear, key_name
from npgrad.testing import strategies as S


@pytest.fixture
def planted():
    """Register rules on fresh primitives; restore the registry afterwards."""
    saved = dict(VJPS), set(LINEAR), set(NONDIFFERENTIABLE)
    yield
    for table, before in zip((VJPS, LINEAR, NONDIFFERENTIABLE), saved):
        table.clear()
        table.update(before)


def cube_with(rule):
    def cube(x):
        return x ** 3
    cube = npgrad.primitive(cube)
    npgrad.defvjp(cube, rule)
    return cube


X = np.array([[1.0, 2.0, -0.5], [0.5, 3.0, 1.5]])


# ---- check_gradients: wrong rules fail, right ones pass ----------------------------------

def test_correct_rule_passes(planted):
    cube = cube_with(lambda g, ans, x: 3 * g * x ** 2)
    check_gradients(cube, (X,), order=2, modes=("rev", "fwd"))


def test_rule_off_by_ten_percent_names_argument_and_worst_element(planted):
    cube = cube_with(lambda g, ans, x: 1.1 * 3 * g * x ** 2)
    with pytest.raises(AssertionError) as info:
        check_gradients(cube, (X,))
    msg = str(info.value)
    assert "cube" in msg and "argument 0" in msg
    # the largest error is where the derivative is largest: x = 3.0 at (1, 1)
    assert "element (1, 1)" in msg
    expected, actual = map(float, re.search(
        r"expected (\S+) \(finite differences\), got (\S+) \(VJP\)", msg).groups())
    assert actual == pytest.approx(1.1 * expected, rel=1e-6)


def test_wrong_element_is_located_in_the_right_argument(planted):
    def f(x, y):
        return x * y

    def wrong_y(g, ans, x, y):
        bump = np.zeros(np.shape(y))
        bump[0, 2] = 0.5
        return g * x + bump

    f = npgrad.primitive(f)
    npgrad.defvjp(f, lambda g, ans, x, y: g * y, wrong_y)
    with pytest.raises(AssertionError) as info:
        check_gradients(f, (X, X + 1))
    msg = str(info.value)
    assert "argument 1" in msg and "argument 0" not in msg
    assert "element (0, 2)" in msg
    expected, actual = map(float, re.search(r"expected (\S+) .*got (\S+) \(VJP\)", msg).groups())
    assert actual == pytest.approx(expected + 0.5, abs=1e-6)


def test_fwd_mode_catches_the_planted_rule(planted):
    cube = cube_with(lambda g, ans, x: 1.1 * 3 * g * x ** 2)
    with pytest.raises(AssertionError, match=r"(?s)JVP along argument 0.*output element \(1, 1\)"):
        check_gradients(cube, (X,), modes=("fwd",))


def test_tolerance_can_be_loosened(planted):
    cube = cube_with(lambda g, ans, x: 1.1 * 3 * g * x ** 2)
    check_gradients(cube, (X,), rtol=1.0, atol=1.0)
    check_gradients(cube, (X,), rtol={np.float64: 1.0})


def test_order_2_catches_a_wrong_second_derivative(planted):
    def dcube(x):
        return 3 * x ** 2
    dcube = npgrad.primitive(dcube)
    npgrad.defvjp(dcube, lambda g, ans, x: g * 7 * x)          # should be 6 x
    cube = cube_with(lambda g, ans, x: g * dcube(x))
    check_gradients(cube, (X,), order=1)                        # first order is right
    with pytest.raises(AssertionError, match=r"(?s)gradient map .*argument 0.*worst element"):
        check_gradients(cube, (X,), order=2)
    with pytest.raises(AssertionError, match=r"tangent map"):
        check_gradients(cube, (X,), order=2, modes=("fwd",))


def test_wrong_shape_or_dtype_of_a_gradient_is_reported(planted):
    def total(x):
        return np.sum(x)
    total = npgrad.primitive(total)
    npgrad.defvjp(total, lambda g, ans, x: g * np.ones(7))     # engine cannot fit (7,) to (2, 3)
    with pytest.raises(AssertionError, match=r"returned shape \(7,\)"):
        check_gradients(total, (X,))


# ---- dtypes and structures -----------------------------------------------------------------

def test_float32_passes_and_fails_correctly(planted):
    x = X.astype(np.float32)
    check_gradients(lambda a: np.sum(np.tanh(a) * a), (x,), order=2)
    check_gradients(np.exp, (x,), modes=("rev", "fwd"))
    cube = cube_with(lambda g, ans, a: 1.1 * 3 * g * a ** 2)
    with pytest.raises(AssertionError, match="argument 0"):
        check_gradients(cube, (x,))


def test_float32_gradient_must_be_float32():
    # the engine casts gradients to the source's dtype; the check verifies it
    check_gradients(lambda a, b: a * b, (X.astype(np.float32), X))


def test_complex_inputs(planted):
    z = X + 1j * X[::-1]
    check_gradients(np.exp, (z,), order=2, modes=("rev", "fwd"))
    check_gradients(np.abs, (z,), order=2)
    check_gradients(lambda a: np.real(a * np.conj(a)), (z,), order=2)
    check_gradients(lambda a, b: a * b, (z, X))                  # complex times real
    check_gradients(np.exp, (z.astype(np.complex64),))

    def square(a):
        return a * a
    square = npgrad.primitive(square)
    # the derivative is 2 z; conjugating it in the rule is the classic complex mistake
    npgrad.defvjp(square, lambda g, ans, a: g * 2 * np.conj(a))
    check_gradients(square, (X,))                                # real inputs cannot tell
    with pytest.raises(AssertionError, match="argument 0"):
        check_gradients(square, (z,))


def test_nested_arguments_and_tuple_outputs():
    check_gradients(lambda xs: np.concatenate(xs), ([X[0], X[1, :2]],))
    check_gradients(lambda x: (np.sin(x), np.sum(x)), (X,), order=2)


def test_python_scalars_and_empty_arrays():
    check_gradients(lambda x, y: np.sin(x) * y, (0.5, 2.0), order=2, modes=("rev", "fwd"))
    check_gradients(np.sin, (np.zeros((0, 3)),), order=2)


def test_integer_arguments_are_not_differentiated():
    check_gradients(lambda x, n: x ** n, (X, 3))
    check_gradients(lambda x, i: x[i], (X, np.array([1, 0, 1])))


def test_argument_errors():
    with pytest.raises(TypeError, match="tuple or list"):
        check_gradients(np.sin, 1.5)
    with pytest.raises(ValueError, match="mode"):
        check_gradients(np.sin, (1.5,), modes=("lin",))
    with pytest.raises(ValueError, match="order"):
        check_gradients(np.sin, (1.5,), order=0)


def test_large_arguments_skip_the_element_report(planted):
    cube = cube_with(lambda g, ans, x: 1.1 * 3 * g * x ** 2)
    with pytest.raises(AssertionError, match="no per-element report"):
        check_gradients(cube, (np.linspace(0.5, 2, 2000),))


# ---- check_linear ---------------------------------------------------------------------------

A = np.array([[1.0, 2.0, 0.0], [0.5, -1.0, 3.0], [0.0, 4.0, 1.0]])


def test_check_linear_passes_for_linear_maps():
    check_linear(np.transpose, (X,))
    check_linear(lambda a, b: a - 2 * b, (X, X))
    check_linear(np.real, (X + 1j,))
    check_linear(np.imag, (X + 1j,))
    check_linear(np.conj, (X + 1j,))
    check_linear(lambda a: np.sum(a, axis=0), (X.astype(np.float32),))


def test_check_linear_catches_a_non_adjoint_pair(planted):
    def apply_a(x):
        return A @ x
    apply_a = npgrad.primitive(apply_a)
    npgrad.deflinear(apply_a, lambda g, ans, x: A @ g)          # should be A.T @ g
    with pytest.raises(AssertionError) as info:
        check_linear(apply_a, (np.ones(3),))
    msg = str(info.value)
    assert "argument 0" in msg and "transpose" in msg and "worst element" in msg


def test_check_linear_catches_bilinear_functions():
    with pytest.raises(AssertionError, match="not jointly linear"):
        check_linear(lambda a, b: a * b, (X, X))


def test_check_linear_catches_affine_functions():
    with pytest.raises(AssertionError, match="argument 0"):
        check_linear(lambda a: a + 1.0, (X,))


# ---- strategies ----------------------------------------------------------------------------

@settings(max_examples=20, deadline=None)
@given(st.data())
def test_draw_domains(data):
    d = S.Draw(data, data.draw(S.dtypes()))
    shape = d.shape()
    checks = {"positive": lambda v: v > 0.29, "unit": lambda v: np.abs(v) < 0.9,
              "above1": lambda v: v > 1.1, "prob": lambda v: (v > 0.05) & (v < 0.95),
              "nonzero": lambda v: np.abs(v) > 0.29, "small": lambda v: np.abs(v) < 3,
              "away_from_int": lambda v: np.abs(v - np.round(v)) > 0.1}
    for domain, ok in checks.items():
        x = d.array(shape, domain)
        assert x.shape == shape and x.dtype == d.dtype
        assert np.all(ok(np.real(x))), domain
    x = np.real(d.array((5,), "distinct"))
    assert np.min(np.diff(np.sort(x))) > 0.1
    assert d.array(shape, "int").dtype.kind == "i"
    assert d.array(shape, "bool").dtype == bool


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_draw_axes_integers_and_shapes(data):
    d = S.Draw(data)
    x = d.array(d.shape(min_dims=1))
    np.sum(x, axis=d.axis(x.ndim))                      # always a valid axis
    assert 2 <= d.integers(2, 3) <= 3
    a, b = d.shapes(2)
    np.broadcast_shapes(a, b)
    a, b = d.shapes(2, signature="(m,n),(n,p)->(m,p)")
    assert a[-1] == b[-2]


@settings(max_examples=10, deadline=None)
@given(S.dtypes(), st.sampled_from(S.KINDS), st.integers(1, 4), st.integers(0, 2 ** 31))
def test_matrix_kinds(dtype, kind, n, seed):
    a = S.matrix_values(np.random.RandomState(seed), n, kind, dtype, batch=(2,))
    assert a.shape == (2, n, n) and a.dtype == dtype
    tol = 1e-4 if dtype == np.float32 else 1e-10
    ah = np.conj(np.swapaxes(a, -1, -2))
    if kind == "wellcond":
        assert np.all(np.linalg.cond(a) < 100)
    if kind == "spd":
        assert np.allclose(a, ah, atol=tol) and np.all(np.linalg.eigvalsh(a) > 0)
    if kind == "triangular":
        assert np.all(np.triu(a, 1) == 0)
    if kind == "orthogonal":
        assert np.allclose(a @ ah, np.eye(n), atol=tol * 10)


@settings(max_examples=10, deadline=None)
@given(S.registry_cases(keys=[np.sin, np.multiply]))
def test_registry_cases(case):
    key, args, kwargs = case
    assert key in (np.sin, np.multiply)
    S.key_callable(key)(*args, **kwargs)


def test_key_names():
    assert key_name(np.sin) == "np.sin"
    assert key_name(np.linalg.det) == "np.linalg.det"
    assert key_name((np.maximum, "reduce")) == "np.maximum.reduce"
    assert key_name(np.fft.fft) == "np.fft.fft"


def test_strategies_are_lazy():
    import subprocess
    import sys
    code = ("import sys, npgrad, npgrad.testing; "
            "assert 'hypothesis' not in sys.modules, 'hypothesis imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- the docstring examples run ------------------------------------------------------------

@pytest.mark.parametrize("module", ["npgrad.testing", "npgrad.testing._check",
                                    "npgrad.testing.strategies", "npgrad.testing.specs"])
def test_docstring_examples(module):
    import importlib
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_float32_near_a_singularity_is_not_a_false_failure():
    # |(x, y)| ~ 0.07: the float32 step (1e-3) has a large truncation error at second
    # order; the Richardson retry removes it
    y = np.array([0.05056171, 0.49995133], dtype=np.float32)
    x = np.array([[0.05056171, 0.49995133], [-0.9959089, 0.6935985]], dtype=np.float32)
    check_gradients(np.arctan2, (y, x), order=2, modes=("rev", "fwd"))


def test_a_broken_spec_module_is_collected_not_raised(tmp_path, monkeypatch):
    from npgrad.testing import specs
    (tmp_path / "zz_broken_for_test.py").write_text("raise RuntimeError('broken spec module')\n")
    monkeypatch.setattr(specs, "__path__", list(specs.__path__) + [str(tmp_path)])
    try:
        assert "zz_broken_for_test" in specs.modules()
        with pytest.raises(RuntimeError, match="broken spec module"):
            specs.load_all()
        specs.load_all(errors="collect")
        assert "broken spec module" in specs.LOAD_ERRORS["zz_broken_for_test"]
        assert np.sin in specs.SPECS or len(specs.SPECS) > 0    # the others still loaded
    finally:
        specs.LOAD_ERRORS.pop("zz_broken_for_test", None)
