"""Gradient rules, tested from the VJP table: one generated test per registry key.

Every key of ``npgrad._registry.VJPS`` needs a spec in
``npgrad/testing/specs/<family>.py``; ``test_every_registry_key_has_a_spec``
lists the keys without one.  For each key with a spec:

* ``test_rule[key]`` draws inputs from the spec with hypothesis and runs
  ``check_gradients`` at the spec's order, for every dtype of the spec
  (float64, float32, and complex128 when ``spec.complex``) and on
  non-contiguous views of the float64 case;
* ``test_elementwise_edge_shapes[key]`` (elementwise specs) runs fixed 0-d,
  empty and size-1-broadcasting shapes;
* ``test_linear[key]`` (``spec.linear``, or a key tagged linear with
  ``deflinear``) runs the exact adjoint test ``check_linear``.

Each key is its own test, so a broken spec or rule fails only that key; a
spec module that fails to import fails ``test_spec_module_imports[module]``
and its keys show as missing.  Functions in ``NONDIFFERENTIABLE`` are called
once each on traced inputs and must return untraced results.
"""

import functools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import npgrad
from npgrad._core import TracedArray
from npgrad._registry import LINEAR, NONDIFFERENTIABLE, VJPS
from npgrad.testing import check_gradients, check_linear, key_name
from npgrad.testing import specs as spec_package
from npgrad.testing.specs import LOAD_ERRORS, SPECS, load_all
from npgrad.testing.strategies import Draw, key_callable, make_case, spec_dtypes, values

load_all(errors="collect")

# Per-key tests draw few examples, each of which runs every dtype variant:
# hundreds of keys must stay well inside the CI budget.  The profile
# (tests/conftest.py) sets the number of examples.
_SETTINGS = settings(deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])

_LIBRARIES = ("numpy", "scipy", "npgrad", "operator", "_operator", "builtins")


def _is_library_key(key):
    """Keys registered by npgrad's rule modules (not by user code or other tests)."""
    f = key[0] if isinstance(key, tuple) else key
    if isinstance(f, np.ufunc):
        return True
    return (getattr(f, "__module__", None) or "").split(".")[0] in _LIBRARIES


def _is_derived(key):
    # (ufunc, "outer") rules are built on demand from the ufunc's own rule
    return isinstance(key, tuple) and key[1] == "outer"


def _registry_keys():
    return sorted((k for k in list(VJPS) if _is_library_key(k) and not _is_derived(k)),
                  key=key_name)


def _ids(keys):
    seen = {}
    out = []
    for k in keys:
        name = key_name(k)
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def _params(keys, select=None):
    """One param per key; keys without a spec are skipped in test_rule and left out of the
    tests that ``select`` a kind of spec."""
    params = []
    for key, name in zip(keys, _ids(keys)):
        spec = SPECS.get(key)
        if spec is None and select is None:
            params.append(pytest.param(key, id=name, marks=pytest.mark.skip(
                reason="no spec (listed by test_every_registry_key_has_a_spec)")))
        elif spec is not None and (select is None or select(spec)):
            params.append(pytest.param(key, id=name))
    return params


KEYS = _registry_keys()


# ---- helpers ------------------------------------------------------------------------

def _noncontiguous(a):
    """A non-contiguous view with ``a``'s values (every second element of a doubled array,
    or a Fortran-ordered copy when that view would still be contiguous)."""
    if isinstance(a, np.ndarray) and a.ndim and a.size > 1:
        v = np.repeat(a, 2, axis=-1)[..., ::2]
        if v.flags.c_contiguous and a.ndim > 1:
            v = np.asfortranarray(a)
        return v
    if type(a) in (list, tuple):
        return type(a)(_noncontiguous(x) for x in a)
    return a


def _float_arrays(args):
    """Default argnums of a spec: float/complex ndarrays, or (nested) lists of them."""
    def leaves(a):
        if type(a) in (list, tuple):
            return [leaf for x in a for leaf in leaves(x)]
        return [a]

    def floating(a):
        found = leaves(a)
        return bool(found) and all(isinstance(x, (np.ndarray, np.generic))
                                   and x.dtype.kind in "fc" for x in found)
    return tuple(i for i, a in enumerate(args) if floating(a))


def _bound(key, kwargs, spec=None):
    f = key_callable(key)
    f = functools.partial(f, **kwargs) if kwargs else f
    # a spec may check the function through a wrapper: a symmetrised input
    # for functions that read one triangle, gauge-invariant outputs for
    # eigenvectors (see npgrad/testing/specs/linalg.py)
    wrap = getattr(spec, "wrap", None)
    return wrap(f, kwargs) if wrap is not None else f


def _argnums(spec, args):
    argnums = spec.argnums if spec.argnums is not None else _float_arrays(args)
    if isinstance(argnums, int):
        argnums = (argnums,)
    assert argnums, (f"the spec of {key_name(spec.key)} drew no float array argument to "
                     f"differentiate (args {args!r:.200}); set argnums or draw arrays")
    return tuple(argnums)


def _run(check, label, key, spec, args, kwargs, **options):
    note(f"[{label}] args={args!r}, kwargs={kwargs!r}")
    try:
        check(_bound(key, kwargs, spec), args, argnums=_argnums(spec, args), **options)
    except AssertionError as e:
        raise AssertionError(f"[{label}] {e}") from None


def _check_rule(key, spec, data):
    dtypes = spec_dtypes(spec)
    for dtype in dtypes:
        args, kwargs = make_case(spec, Draw(data, dtype))
        _run(check_gradients, dtype.name, key, spec, args, kwargs, order=spec.order)
        if dtype == dtypes[0]:
            _run(check_gradients, f"{dtype.name}, non-contiguous", key, spec,
                 tuple(_noncontiguous(a) for a in args), kwargs, order=spec.order)


# ---- the table is complete ------------------------------------------------------------

def test_every_registry_key_has_a_spec():
    missing = []
    for k in _registry_keys():
        if k in SPECS:
            continue
        missing.append(key_name(k))
    for k in list(VJPS):
        if _is_derived(k) and _is_library_key(k) and not getattr(SPECS.get(k[0]), "elementwise",
                                                                  False):
            missing.append(key_name(k))
    assert not missing, (
        f"{len(missing)} registry key(s) have no test spec; declare them with "
        "elementwise(...) or spec(...) in npgrad/testing/specs/<family>.py:\n  "
        + "\n  ".join(sorted(missing)))


def test_every_spec_has_a_registry_key():
    stale = sorted(key_name(k) for k in SPECS if k not in VJPS)
    assert not stale, ("spec(s) for functions with no gradient rule (a typo, a rule "
                       "module not imported by npgrad.rules, or a function that is "
                       "NONDIFFERENTIABLE):\n  " + "\n  ".join(stale))


@pytest.mark.parametrize("module", spec_package.modules())
def test_spec_module_imports(module):
    if module in LOAD_ERRORS:
        pytest.fail(f"npgrad.testing.specs.{module} failed to import:\n{LOAD_ERRORS[module]}",
                    pytrace=False)


# ---- one test per registry key ----------------------------------------------------------

@pytest.mark.parametrize("key", _params(KEYS))
@_SETTINGS
@given(data=st.data())
def test_rule(key, data):
    _check_rule(key, SPECS[key], data)


def _is_linear(spec):
    return spec.linear or spec.key in LINEAR


@pytest.mark.parametrize("key", _params(KEYS, _is_linear))
@_SETTINGS
@given(data=st.data())
def test_linear(key, data):
    spec = SPECS[key]
    for dtype in spec_dtypes(spec):
        if dtype.kind == "f" and dtype.itemsize < 8:
            continue
        args, kwargs = make_case(spec, Draw(data, dtype))
        _run(check_linear, dtype.name, key, spec, args, kwargs)


def edge_shapes(n):
    """Fixed shapes for an n-ary elementwise function: 0-d, empty, size-1 broadcasting."""
    rest = ((),) * (n - 1)
    cases = [((),) * n, ((0,),) + rest, ((2, 0),) + ((1, 1),) * (n - 1)]
    if n == 1:
        cases += [((1,),), ((1, 1),)]
    else:
        cases += [((3, 1), (1, 2)) + rest, ((1,), (2, 3)) + ((2, 1),) * (n - 2)]
    return cases


@pytest.mark.parametrize("key", _params(KEYS, lambda spec: spec.elementwise))
def test_elementwise_edge_shapes(key):
    spec = SPECS[key]
    dtype = spec_dtypes(spec)[0]
    rng = np.random.RandomState(0)
    for shapes in edge_shapes(len(spec.domains)):
        args = tuple(values(rng, s, dom, dtype) for s, dom in zip(shapes, spec.domains))
        try:
            check_gradients(key_callable(key), args, order=spec.order,
                            argnums=_argnums(spec, args))
        except AssertionError as e:
            raise AssertionError(f"[shapes {shapes}] {e}") from None


def _outer_params():
    keys = [k for k in KEYS if isinstance(k, np.ufunc) and k.nin == 2 and k in SPECS
            and SPECS[k].elementwise and VJPS[k].all is None]
    return [pytest.param(k, id=f"{key_name(k)}.outer") for k in keys]


@pytest.mark.parametrize("ufunc", _outer_params())
def test_derived_outer(ufunc):
    """``ufunc.outer``'s rule is derived from the elementwise rule (one check per ufunc)."""
    spec = SPECS[ufunc]
    dtype = spec_dtypes(spec)[0]
    rng = np.random.RandomState(0)
    for shapes in [((2,), (3,)), ((), (2,)), ((2, 1), (3,))]:
        args = tuple(values(rng, s, dom, dtype) for s, dom in zip(shapes, spec.domains))
        check_gradients(ufunc.outer, args, argnums=_argnums(spec, args))


# ---- constants -----------------------------------------------------------------------------

def _nondiff_calls(func, watch):
    """Candidate calls of a NONDIFFERENTIABLE function on traced inputs, most specific first."""
    x = watch(np.array([0.5, 1.5, 2.5]))
    i = watch(np.array([1, 2, 3]))
    b = watch(np.array([True, False, True]))
    m = watch(np.array([[0.5, 1.5], [2.5, 0.2]]))
    dates = np.array(["2020-01-01", "2020-01-06"], "M8[D]")
    special = {
        "broadcast_shapes": [((2, 1), (1, 3))],
        "can_cast": [(x, np.float32)],
        "isnat": [(watch(np.array(["2020-01-01", "NaT"], "M8[D]")),)],
        "full_like": [(x, 0.0)],
        "bincount": [(i,)],
        "histogramdd": [(m,)],
        "kaiser": [(3, 2.0)],
        "ix_": [(i, i)],
        "mask_indices": [(3, np.triu)],
        "lexsort": [((x, x),)],
        "unpackbits": [(watch(np.array([3], np.uint8)),)],
        "ravel_multi_index": [((i, i), (4, 4))],
        "unravel_index": [(i, (4, 4))],
        "einsum_path": [("ij,jk", m, m)],
        "isdtype": [(np.float64, "real floating")],
        "issubdtype": [(np.float64, np.floating)],
        "promote_types": [(np.float32, np.float64)],
        "mintypecode": [("fd",)],
        "datetime_data": [(np.dtype("M8[D]"),)],
        "busday_count": [(dates, dates)],
        "busday_offset": [(dates, 0)],
    }
    for name in ("is_busday", "datetime_as_string"):
        special[name] = [(dates,)]
    # arrays built from shapes and integers (see nondiff.CREATION_FUNCTIONS)
    special["indices"] = [((3,),)]
    for name in ("zeros", "ones", "empty", "eye", "identity", "tri", "arange",
                 "diag_indices", "tril_indices", "triu_indices", "bartlett", "blackman",
                 "hamming", "hanning", "fftfreq", "rfftfreq"):
        special[name] = [(3,)]
    name = getattr(func[0] if isinstance(func, tuple) else func, "__name__", "")
    return special.get(name, []) + [(x,), (x, x), (x, 1), (i,), (i, i), (b,), (b, b), (m,)]


def _leaves(result):
    if isinstance(result, (tuple, list)):
        return [leaf for r in result for leaf in _leaves(r)]
    return [result]


CONSTANTS = sorted((f for f in NONDIFFERENTIABLE if _is_library_key(f)), key=key_name)


@pytest.mark.parametrize("func", CONSTANTS, ids=_ids(CONSTANTS))
def test_nondifferentiable_returns_constants(func):
    f = key_callable(func)
    errors = []
    with npgrad.GradientTape() as tape:
        for args in _nondiff_calls(func, tape.watch):
            try:
                result = f(*args)
            except (npgrad.TraceLostError, npgrad.NotDifferentiableError):
                raise
            except Exception as e:          # wrong kind of input: try the next candidate
                errors.append(f"{type(e).__name__}: {e}")
                continue
            traced = [type(r).__name__ for r in _leaves(result) if isinstance(r, TracedArray)]
            assert not traced, (f"{key_name(func)} is NONDIFFERENTIABLE but returned a "
                                f"TracedArray for traced inputs ({args!r:.200})")
            return
    pytest.fail(f"no candidate input worked for {key_name(func)}; add one to "
                f"_nondiff_calls:\n  " + "\n  ".join(errors))
