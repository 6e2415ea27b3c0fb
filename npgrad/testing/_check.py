"""Gradient checks: VJPs against finite differences, linear maps against their transpose.

The reverse-mode check is JAX's ``check_grads`` inner-product test.  For a
random tangent ``t`` of one argument and a random cotangent ``c`` of the
output, the VJP is correct when ``Re<t, vjp(c)> == Re<jvp_fd(t), c>`` with
``<a, b> = sum(conj(a) * b)`` and ``jvp_fd`` the central difference
``(f(x + eps t) - f(x - eps t)) / (2 eps)``.  npgrad's VJPs follow the
TensorFlow complex convention, which makes the VJP the real adjoint of the
JVP, so the same identity holds for complex inputs and outputs.

Tolerances (why they are what they are).  Both inner products are sums of
many terms; a relative tolerance is taken against the sum of the terms'
magnitudes, not against the (possibly cancelling) result, so it neither
grows with the number of elements (JAX scales by ``size``) nor fails when
the terms cancel.  The finite difference's own rounding error,
``~ machine_eps * |f(x)| / eps`` per element, is added explicitly, so a
function with a large value and a small derivative does not fail falsely.
Its truncation error (``~ eps**2 * f'''``) has no cheap a-priori bound: a
check that fails is retried with the Richardson extrapolation of the
differences at ``eps`` and ``eps / 2`` (error ``~ eps**4``).  That removes
false failures near singularities and leaves real ones (a wrong rule).
Defaults per dtype are JAX's (float64/complex128 ``1e-5``, float32/complex64
``2e-3``); the tolerance of a check is that of the least precise dtype among
the argument and the outputs.  A float32 argument is differenced in float64
(the inputs are cast up and the function is evaluated on them) with
``eps=1e-3``; float64 uses ``eps=1e-6``.

No complex-step check.  The complex step ``Im f(x + i h t) / h`` is exact
only when ``f`` is the restriction of a holomorphic function evaluated with
complex arithmetic throughout.  That fails for exactly the functions worth
checking here (``abs``, ``maximum``, ``sort``, ``conj``, comparisons inside
``where``/``clip``, linalg routines that conjugate-transpose), and neither
the registry nor the spec format records which functions are analytic, so
the checker cannot tell when the step is valid.  Central differences in
float64 (error ~1e-10 relative) are far below the tolerances above.
"""

import functools

import numpy as np

from .. import _nest as nest

# ---- defaults ---------------------------------------------------------------

_TOL = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 2e-3,
        np.dtype(np.float64): 1e-5, np.dtype(np.complex64): 2e-3,
        np.dtype(np.complex128): 1e-5}
"""JAX's check_grads defaults, used for both rtol and atol."""

_LINEAR_RTOL = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-5,
                np.dtype(np.float64): 1e-10, np.dtype(np.complex64): 1e-5,
                np.dtype(np.complex128): 1e-10}
"""The adjoint test has no truncation error: only rounding in the sums."""

_EPS = {2: 1e-2, 4: 1e-3, 8: 1e-6}
"""Finite-difference step by bytes per real component."""

_FD_NOISE_ULPS = 16
"""Rounding error of one function value, in units of its dtype's eps."""

MAX_ELEMENTS = 512
"""Per-element finite differences (to name the worst element) stop after this many."""


def _real_bytes(dt):
    return dt.itemsize // 2 if dt.kind == "c" else dt.itemsize


def _lookup(tol, dtypes, table):
    """The tolerance of the least precise dtype; ``tol`` a number or a {dtype: tol} dict."""
    if tol is not None and not isinstance(tol, dict):
        return float(tol)
    merged = dict(table)
    if tol:
        merged.update({np.dtype(k): v for k, v in tol.items()})
    values = [merged.get(dt, merged[np.dtype(np.float64)]) for dt in dtypes]
    return max(values) if values else merged[np.dtype(np.float64)]


def _default_eps(dtypes):
    return max((_EPS.get(_real_bytes(dt), 1e-6) for dt in dtypes), default=1e-6)


# ---- leaves -----------------------------------------------------------------

def _is_inexact(v):
    if isinstance(v, bool):
        return False
    if isinstance(v, (float, complex)):
        return True
    return isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind in "fc"


def _dtype(v):
    return np.asarray(v).dtype


def _leaf_dtype(v):
    """The dtype of a leaf that may be a TracedArray (no conversion)."""
    return v.dtype if hasattr(v, "dtype") else np.asarray(v).dtype


def _up(v):
    """``v`` as float64/complex128 (exact for lower precisions)."""
    a = np.asarray(v)
    if a.dtype.kind == "c":
        return a.astype(np.complex128)
    if a.dtype.kind == "f":
        return a.astype(np.float64)
    return a


def _up_leaf(v):
    # Python floats are already double precision and may need to stay Python scalars
    if isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind in "fc":
        return _up(v)
    return v


def _up_arg(a):
    """Cast every float32/complex64 array leaf of an argument up; other leaves are left alone."""
    if not nest.is_container(a):
        return _up_leaf(a)
    return nest.map_structure(_up_leaf, a)


def _pack(struct, leaves):
    return nest.pack(struct, leaves) if nest.is_container(struct) else leaves[0]


def _out_leaves(out):
    return [np.asarray(o) for o in nest.flatten(out)]


def _gaussian(rng, shape, complex_):
    v = rng.standard_normal(shape)
    if complex_:
        v = v + 1j * rng.standard_normal(shape)
    return v


def _cotangents(rng, out_leaves):
    """A random cotangent per output leaf, in the leaf's dtype (zeros for integer leaves)."""
    cs = []
    for o in out_leaves:
        if o.dtype.kind in "fc":
            cs.append(np.asarray(_gaussian(rng, o.shape, o.dtype.kind == "c"), o.dtype))
        else:
            cs.append(np.zeros(o.shape))
    return cs


def _inner(a_leaves, b_leaves, mask=None):
    """``(Re sum conj(a) b, sum |conj(a) b|)`` over paired leaves, in float64."""
    total, scale = 0.0, 0.0
    for k, (a, b) in enumerate(zip(a_leaves, b_leaves)):
        if mask is not None and not mask[k]:
            continue
        prod = np.conj(_up(a)) * _up(b)
        total += float(np.sum(np.real(prod)))
        scale += float(np.sum(np.abs(prod)))
    return total, scale


# ---- names ------------------------------------------------------------------

_PUBLIC_MODULES = (("np.linalg", np.linalg), ("np.fft", np.fft), ("np", np))


def key_name(f):
    """A readable name for a NumPy callable or registry key.

    Example
    -------
    >>> import operator, numpy as np
    >>> from npgrad.testing import key_name
    >>> key_name(np.sin), key_name((np.add, "reduce")), key_name(np.linalg.solve)
    ('np.sin', 'np.add.reduce', 'np.linalg.solve')
    >>> key_name(operator.getitem)
    'operator.getitem'
    """
    if isinstance(f, tuple) and len(f) == 2 and isinstance(f[1], str):
        return f"{key_name(f[0])}.{f[1]}"
    if isinstance(f, functools.partial):
        inner = key_name(f.func)
        kw = ", ".join(f"{k}={v!r}" for k, v in f.keywords.items())
        return f"{inner}(..., {kw})" if kw else inner
    owner = getattr(f, "__self__", None)
    if isinstance(owner, np.ufunc):          # a bound ufunc method: np.add.reduce
        return f"{key_name(owner)}.{f.__name__}"
    name = getattr(f, "__name__", None)
    if name is None:
        return repr(f)
    for public, module in _PUBLIC_MODULES:
        if getattr(module, name, None) is f:
            return f"{public}.{name}"
    if isinstance(f, np.ufunc):
        try:
            import scipy.special as sc
            if getattr(sc, name, None) is f:
                return f"scipy.special.{name}"
        except ImportError:  # pragma: no cover
            pass
        return name
    module = getattr(f, "__module__", None) or ""
    if module == "_operator":
        module = "operator"
    qual = getattr(f, "__qualname__", name)
    if module.startswith("numpy"):
        return f"np.{qual}"
    return f"{module}.{qual}" if module not in ("", "builtins", "__main__") else qual


def _fmt(v):
    v = complex(v) if np.iscomplexobj(v) else float(v)
    if isinstance(v, complex):
        return f"{v.real:.9g}{v.imag:+.9g}j"
    return f"{v:.9g}"


def _where(label, leaf, n_leaves, index):
    item = f", item {leaf}" if n_leaves > 1 else ""
    return f"argument {label}{item}, element {index}"


# ---- argument handling --------------------------------------------------------

def _as_args(args, fname):
    if not isinstance(args, (tuple, list)):
        raise TypeError(f"{fname}: args must be a tuple or list of positional arguments, "
                        f"got {type(args).__name__} (write (x,) for one argument)")
    return tuple(args)


def _argnums(args, argnums):
    if argnums is None:
        return tuple(i for i, a in enumerate(args)
                     if nest.flatten(a) and all(_is_inexact(v) for v in nest.flatten(a)))
    if isinstance(argnums, (int, np.integer)):
        argnums = (argnums,)
    return tuple(int(i) % len(args) for i in argnums)


def _bind(f, args, argnums):
    """``f`` as a function of the arguments in ``argnums`` only."""
    def bound(*diff):
        full = list(args)
        for i, d in zip(argnums, diff):
            full[i] = d
        return f(*full)
    return bound


def _replace(args, i, value):
    full = list(args)
    full[i] = value
    return tuple(full)


def _perturbed(args, i, t_leaves, step):
    """Arguments cast up, with argument ``i`` moved by ``step * t``."""
    up = [_up_arg(a) for a in args]
    leaves = nest.flatten(up[i])
    up[i] = _pack(up[i], [x + step * t for x, t in zip(leaves, t_leaves)])
    return up


def _central(f, args, i, t_leaves, eps):
    """Central-difference JVP leaves and the function-value magnitudes (for rounding)."""
    plus = _out_leaves(f(*_perturbed(args, i, t_leaves, eps)))
    minus = _out_leaves(f(*_perturbed(args, i, t_leaves, -eps)))
    jvp = [(_up(p) - _up(m)) / (2 * eps) for p, m in zip(plus, minus)]
    noise = [_FD_NOISE_ULPS * np.finfo(p.dtype).eps * np.maximum(np.abs(_up(p)), np.abs(_up(m)))
             / eps if p.dtype.kind in "fc" else np.zeros(p.shape)
             for p, m in zip(plus, minus)]
    return jvp, noise


def _check_primal(name, out_leaves, traced_out):
    traced = _out_leaves(traced_out)
    if len(traced) != len(out_leaves):
        raise AssertionError(f"{name}: the traced call returned {len(traced)} outputs, the "
                             f"plain call {len(out_leaves)}")
    for k, (a, b) in enumerate(zip(traced, out_leaves)):
        if a.shape != b.shape or a.dtype != b.dtype:
            raise AssertionError(
                f"{name}: output {k} of the traced call is {a.dtype}{list(a.shape)}, of the "
                f"plain call {b.dtype}{list(b.shape)}")
        if b.dtype.kind in "fc" and not np.allclose(a, b, rtol=1e-6, atol=0, equal_nan=True):
            raise AssertionError(f"{name}: output {k} of the traced call differs from the "
                                 "plain call's")


def _check_cotangent_structure(name, label, grad, arg):
    g_leaves, x_leaves = nest.flatten(grad), nest.flatten(arg)
    if len(g_leaves) != len(x_leaves):
        raise AssertionError(f"{name}: the VJP for argument {label} has {len(g_leaves)} "
                             f"leaves, the argument {len(x_leaves)}")
    for k, (g, x) in enumerate(zip(g_leaves, x_leaves)):
        if g is None:
            raise AssertionError(f"{name}: the VJP for argument {label} is None")
        gs, xs = np.shape(g), np.shape(x)
        gd, xd = _dtype(g), _dtype(x)
        if gs != xs or gd != xd:
            item = f" item {k}" if len(x_leaves) > 1 else ""
            raise AssertionError(
                f"{name}: the VJP for argument {label}{item} is {gd}{list(gs)}; a "
                f"gradient must have its argument's shape and dtype, {xd}{list(xs)}")
    return g_leaves


# ---- per-element gradients (failure reports) ------------------------------------

def _fd_gradient(f, args, i, c_leaves, mask, eps, exact=False):
    """Per element of argument ``i``: d Re<f(x), c> / d x_k by central differences.

    Complex elements get ``d/d Re + 1j d/d Im`` (the TensorFlow convention).
    With ``exact`` (linear ``f``) the other arguments must already be zero and
    ``Re<f(e_k), c>`` is evaluated directly.  Returns a list of flat arrays,
    one per leaf, or None when the argument has more than MAX_ELEMENTS elements.
    """
    leaves = [_up(v) for v in nest.flatten(args[i])]
    if sum(v.size for v in leaves) > MAX_ELEMENTS:
        return None
    up_args = [_up_arg(a) for a in args]

    def value(leaf, k, direction, step):
        moved = []
        for m, v in enumerate(leaves):
            if m == leaf:
                v = (np.zeros_like(v) if exact else v.copy()).ravel()
                v[k] = v[k] + step * direction
                v = v.reshape(leaves[m].shape)
            elif exact:
                v = np.zeros_like(v)
            moved.append(v)
        out = _out_leaves(f(*_replace(up_args, i, _pack(args[i], moved))))
        return _inner(out, c_leaves, mask)[0]

    grads = []
    for m, v in enumerate(leaves):
        g = np.zeros(v.size, dtype=v.dtype)
        for k in range(v.size):
            directions = (1.0, 1j) if v.dtype.kind == "c" else (1.0,)
            for d in directions:
                if exact:
                    deriv = value(m, k, d, 1.0)
                else:
                    deriv = (value(m, k, d, eps) - value(m, k, d, -eps)) / (2 * eps)
                g[k] += deriv if d == 1.0 else 1j * deriv
        grads.append(g)
    return grads


def _worst(expected, actual_leaves, shapes):
    best = None
    for m, (e, a) in enumerate(zip(expected, actual_leaves)):
        a = _up(a).ravel()
        if a.size == 0:
            continue
        err = np.abs(e - a)
        k = int(np.argmax(err))
        if best is None or err[k] > best[0]:
            best = (err[k], m, np.unravel_index(k, shapes[m]) if shapes[m] else (), e[k], a[k])
    return best


def _element_report(name, label, f, args, i, c_leaves, mask, g_leaves, eps, exact=False):
    shapes = [np.shape(v) for v in nest.flatten(args[i])]
    expected = _fd_gradient(f, args, i, c_leaves, mask, eps, exact)
    how = "exact transpose" if exact else "finite differences"
    if expected is None:
        return (f"  (argument {label} has more than {MAX_ELEMENTS} elements: no "
                "per-element report)")
    worst = _worst(expected, g_leaves, shapes)
    if worst is None:
        return ""
    _, m, index, e, a = worst
    index = tuple(int(j) for j in index)
    return (f"  worst element: {_where(label, m, len(shapes), index)}: expected "
            f"{_fmt(e)} ({how}), got {_fmt(a)} (VJP) in {name}")


# ---- the checks -----------------------------------------------------------------

def _tolerances(dtypes, eps, rtol, atol):
    e = _default_eps(dtypes) if eps is None else eps
    return e, _lookup(rtol, dtypes, _TOL), _lookup(atol, dtypes, _TOL)


def _check_rev(f, args, argnums, labels, eps, rtol, atol, rng, name):
    import npgrad
    out = f(*args)
    out_leaves = _out_leaves(out)
    mask = [o.dtype.kind in "fc" for o in out_leaves]
    c_leaves = _cotangents(rng, out_leaves)
    diff = [args[i] for i in argnums]
    traced_out, vjp_fn = npgrad.vjp(_bind(f, args, argnums), *diff)
    _check_primal(name, out_leaves, traced_out)
    grads = vjp_fn(_pack(out, c_leaves))
    out_dtypes = [o.dtype for o in out_leaves if o.dtype.kind in "fc"]
    for j, i in enumerate(argnums):
        label = labels[j]
        g_leaves = _check_cotangent_structure(name, label, grads[j], args[i])
        x_leaves = nest.flatten(args[i])
        e, rt, at = _tolerances([_dtype(x) for x in x_leaves] + out_dtypes, eps, rtol, atol)
        t_leaves = [_gaussian(rng, np.shape(x), _dtype(x).kind == "c") for x in x_leaves]
        jvp_fd, noise = _central(f, args, i, t_leaves, e)
        lhs, lscale = _inner(t_leaves, g_leaves)
        rhs, rscale = _inner(jvp_fd, c_leaves, mask)
        rounding = sum(float(np.sum(n * np.abs(_up(c))))
                       for n, c, keep in zip(noise, c_leaves, mask) if keep)
        tol = at + rt * max(lscale, rscale) + rounding
        if abs(lhs - rhs) <= tol:
            continue
        # Near a singularity the difference's truncation error (~eps^2) can exceed the
        # tolerance, most of all with float32's eps: before failing, extrapolate from
        # eps and eps/2 (Richardson, error ~eps^4; rounding grows about 3x).
        half, _ = _central(f, args, i, t_leaves, e / 2)
        rhs_half = _inner(half, c_leaves, mask)[0]
        extrapolated = (4 * rhs_half - rhs) / 3
        if abs(lhs - extrapolated) <= tol + 2 * rounding:
            continue
        raise AssertionError(
            f"{name}: the VJP for argument {label} disagrees with finite differences "
            f"(eps={e:g}).\n"
            + _element_report(name, label, f, args, i, c_leaves, mask, g_leaves, e)
            + "\n  (values are d Re<f(x), c> / dx for the random cotangent c)"
            + f"\n  <t, vjp(c)> = {lhs:.10g}, <jvp_fd(t), c> = {rhs:.10g} "
            f"({extrapolated:.10g} extrapolated from eps/2), |difference| = "
            f"{abs(lhs - extrapolated):.3g} > tolerance {tol + 2 * rounding:.3g}")


def _check_fwd(f, args, argnums, labels, eps, rtol, atol, rng, name):
    import npgrad
    out = f(*args)
    out_leaves = _out_leaves(out)
    diff = [args[i] for i in argnums]
    out_dtypes = [o.dtype for o in out_leaves if o.dtype.kind in "fc"]
    for j, i in enumerate(argnums):
        label = labels[j]
        x_leaves = nest.flatten(args[i])
        e, rt, at = _tolerances([_dtype(x) for x in x_leaves] + out_dtypes, eps, rtol, atol)
        # the tangent in the argument's dtype; the difference uses the same values cast up
        t_leaves = [np.asarray(_gaussian(rng, np.shape(x), _dtype(x).kind == "c"), _dtype(x))
                    for x in x_leaves]
        tangents = [nest.map_structure(lambda v: np.zeros_like(np.asarray(v)), d)
                    for d in diff]
        tangents[j] = _pack(args[i], t_leaves)
        primal, tangent = npgrad.jvp(_bind(f, args, argnums), tuple(diff), tuple(tangents))
        _check_primal(name, out_leaves, primal)
        ad = _out_leaves(tangent)
        jvp_fd, noise = _central(f, args, i, [_up(t) for t in t_leaves], e)
        for k, (a, fd, n, o) in enumerate(zip(ad, jvp_fd, noise, out_leaves)):
            if o.dtype.kind not in "fc":
                continue
            if a.shape != o.shape or a.dtype != o.dtype:
                raise AssertionError(
                    f"{name}: the JVP along argument {label} has tangent output {k} of "
                    f"{a.dtype}{list(a.shape)}; expected the output's {o.dtype}{list(o.shape)}")
            if a.size == 0:
                continue
            err = np.abs(_up(a) - fd)
            scale = max(float(np.max(np.abs(fd))), float(np.max(np.abs(_up(a)))))
            tol = at + rt * scale + n
            bad = err > tol
            if np.any(bad):
                # retry with Richardson extrapolation (see _check_rev)
                fd_half = _central(f, args, i, [_up(t) for t in t_leaves], e / 2)[0][k]
                fd = (4 * fd_half - fd) / 3
                tol = tol + 2 * n
                err = np.abs(_up(a) - fd)
                bad = err > tol
            if np.any(bad):
                w = int(np.argmax(np.where(bad, err - tol, -np.inf)))
                index = tuple(int(q) for q in np.unravel_index(w, a.shape)) if a.ndim else ()
                where = f"output {k}, " if len(ad) > 1 else ""
                raise AssertionError(
                    f"{name}: the JVP along argument {label} disagrees with finite "
                    f"differences (eps={e:g}).\n  worst element: {where}output element {index}: "
                    f"expected {_fmt(fd.ravel()[w])} (finite differences), got "
                    f"{_fmt(_up(a).ravel()[w])} (JVP) in {name}; tolerance "
                    f"{float(np.ravel(tol)[w] if np.ndim(tol) else tol):.3g}")


def _gradient_map(f, args, argnums, rng):
    """``x -> vjp(f, x)[1](c)`` for a fixed random ``c`` (a tuple, one per argument)."""
    import npgrad
    c_leaves = _cotangents(rng, _out_leaves(f(*args)))
    bound = _bind(f, args, argnums)

    def gradient(*xs):
        out, vjp_fn = npgrad.vjp(bound, *xs)
        leaves = nest.flatten(out)
        ct = [np.asarray(c, dtype=o.dtype) if np.dtype(o.dtype).kind in "fc" else c
              for c, o in zip(c_leaves, leaves)]
        return vjp_fn(_pack(out, ct))
    return gradient


def _tangent_map(f, args, argnums, rng):
    """``x -> jvp(f, x, t)[1]`` for a fixed random tangent ``t``."""
    import npgrad
    diff = [args[i] for i in argnums]
    tangents = [nest.map_structure(
        lambda v: np.asarray(_gaussian(rng, np.shape(v), _dtype(v).kind == "c"), _dtype(v)),
        d) for d in diff]
    bound = _bind(f, args, argnums)

    def tangent(*xs):
        # the tangents in the dtypes of the point (cast up during differencing)
        ts = [_pack(t, [np.asarray(v, dtype=_leaf_dtype(x))
                        for v, x in zip(nest.flatten(t), nest.flatten(xd))])
              for t, xd in zip(tangents, xs)]
        return npgrad.jvp(bound, tuple(xs), tuple(ts))[1]
    return tangent


def _check(f, args, argnums, labels, order, modes, eps, rtol, atol, rng, name):
    if not argnums:
        return
    for mode in modes:
        check = _check_rev if mode == "rev" else _check_fwd
        check(f, args, argnums, labels, eps, rtol, atol, rng, name)
    if order > 1:
        diff = tuple(args[i] for i in argnums)
        inner = tuple(range(len(diff)))
        if "rev" in modes:
            _check(_gradient_map(f, args, argnums, rng), diff, inner, labels, order - 1,
                   modes, eps, rtol, atol, rng, f"the gradient map x -> vjp({name}, x)[1](c)")
        if "fwd" in modes:
            _check(_tangent_map(f, args, argnums, rng), diff, inner, labels, order - 1,
                   modes, eps, rtol, atol, rng, f"the tangent map x -> jvp({name}, x, t)[1]")


def check_gradients(f, args, order=1, modes=("rev",), eps=None, rtol=None, atol=None,
                    seed=0, *, argnums=None):
    """Check ``npgrad.vjp(f, *args)`` (and ``npgrad.jvp``) against finite differences.

    For each differentiated argument separately, a random tangent ``t``
    (standard normal; ``randn + 1j randn`` for complex) and a random
    cotangent ``c`` on the output (drawn from ``np.random.RandomState(seed)``)
    must satisfy ``Re<t, vjp(c)> == Re<jvp_fd(t), c>``, where
    ``jvp_fd(t) = (f(x + eps t) - f(x - eps t)) / (2 eps)`` and
    ``<a, b> = sum(conj(a) * b)``.  The gradient must also have its
    argument's shape and dtype, and the traced call must return what the
    plain call returns.

    Parameters
    ----------
    f : callable
        Takes ``*args``; returns an array or a nested tuple/list/dict of arrays.
    args : tuple or list
        The positional arguments.  An argument may be a list of arrays
        (``np.concatenate``'s ``arrays``).
    order : int
        ``2`` also checks the gradient map ``x -> vjp(f, x)[1](c)`` (and, with
        ``"fwd"``, the tangent map ``x -> jvp(f, x, t)[1]``) the same way.
    modes : tuple of {"rev", "fwd"}
        ``"rev"`` checks :func:`npgrad.vjp` with the inner-product test;
        ``"fwd"`` checks :func:`npgrad.jvp` element by element.
    eps : float, optional
        The step; default ``1e-6`` for float64/complex128 and ``1e-3`` when
        the argument or an output is float32/complex64 (the difference is then
        computed on inputs cast up to float64).
    rtol, atol : float or dict {dtype: tol}, optional
        Default per dtype: ``1e-5`` for float64/complex128, ``2e-3`` for
        float32/complex64 (JAX's); a dict is merged over the defaults.  The
        relative tolerance applies to the sum of the magnitudes of the terms
        of the inner products; the finite difference's rounding error is
        added (see the module docstring).
    seed : int
        Seed of the ``RandomState`` that draws tangents and cotangents.
    argnums : int or tuple of int, optional
        The arguments to differentiate; default every argument whose leaves
        are all floating or complex (arrays, NumPy scalars, Python floats).

    Raises
    ------
    AssertionError
        Naming the function, the argument, and (for arguments of at most
        ``MAX_ELEMENTS`` elements) the worst element, with the expected
        (finite-difference) and actual values.

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing import check_gradients
    >>> check_gradients(lambda x, y: np.sin(x) * y, (np.array([0.5, 1.0]), 2.0), order=2)
    >>> check_gradients(np.exp, (np.array([1 + 2j]),), modes=("rev", "fwd"))
    """
    args = _as_args(args, "check_gradients")
    if isinstance(modes, str):
        modes = (modes,)
    unknown = [m for m in modes if m not in ("rev", "fwd")]
    if unknown:
        raise ValueError(f"check_gradients: unknown mode(s) {unknown}; use 'rev' and/or "
                         "'fwd'")
    if int(order) < 1:
        raise ValueError(f"check_gradients: order must be >= 1, got {order}")
    argnums = _argnums(args, argnums)
    _check(f, args, argnums, argnums, int(order), tuple(modes), eps, rtol, atol,
           np.random.RandomState(seed), key_name(f))


def check_linear(f, args, rtol=None, atol=None, seed=0, *, argnums=None):
    """Exact adjoint test for a function linear in its differentiated arguments.

    With ``x`` the differentiated arguments and a random cotangent ``y``,
    ``Re<f(x), y>`` must equal ``sum_i Re<x_i, vjp(y)_i>`` to ``rtol``
    (default ``1e-10`` for float64/complex128, ``1e-5`` for float32) of the
    summed term magnitudes.  No finite differences are involved.  The test
    is joint, so it also catches a bilinear function tagged linear.  On
    failure each argument is tested alone (the others set to zero) to name
    it, and the worst element is found from the exact transpose
    ``Re<f(e_k), y>``.

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing import check_linear
    >>> check_linear(np.transpose, (np.arange(6.0).reshape(2, 3),))
    >>> check_linear(lambda a, b: a - 2 * b, (np.ones(3), np.ones(3)))
    """
    import npgrad
    args = _as_args(args, "check_linear")
    argnums = _argnums(args, argnums)
    if not argnums:
        return
    name = key_name(f)
    rng = np.random.RandomState(seed)
    out = f(*args)
    out_leaves = _out_leaves(out)
    mask = [o.dtype.kind in "fc" for o in out_leaves]
    c_leaves = _cotangents(rng, out_leaves)
    diff_leaves = [x for i in argnums for x in nest.flatten(args[i])]
    dtypes = [_dtype(x) for x in diff_leaves] + [o.dtype for o in out_leaves
                                                 if o.dtype.kind in "fc"]
    rt = _lookup(rtol, dtypes, _LINEAR_RTOL)
    at = 0.0 if atol is None else _lookup(atol, dtypes, {k: 0.0 for k in _LINEAR_RTOL})

    def adjoint_gap(call_args):
        o = f(*call_args)
        ol = _out_leaves(o)
        _, vjp_fn = npgrad.vjp(_bind(f, call_args, argnums),
                               *[call_args[i] for i in argnums])
        grads = vjp_fn(_pack(o, c_leaves))
        g_all = [_check_cotangent_structure(name, i, grads[j], call_args[i])
                 for j, i in enumerate(argnums)]
        lhs, lscale = _inner(ol, c_leaves, mask)
        rhs, rscale = 0.0, 0.0
        for j, i in enumerate(argnums):
            r, s = _inner(nest.flatten(call_args[i]), g_all[j])
            rhs, rscale = rhs + r, rscale + s
        tol = at + rt * max(lscale, rscale)
        return lhs, rhs, tol, g_all

    lhs, rhs, tol, _ = adjoint_gap(args)
    if abs(lhs - rhs) <= tol:
        return
    for j, i in enumerate(argnums):
        alone = list(args)
        for k in argnums:
            if k != i:
                alone[k] = nest.map_structure(lambda v: np.zeros_like(np.asarray(v)), args[k])
        alone = tuple(alone)
        l1, r1, t1, g_all = adjoint_gap(alone)
        if abs(l1 - r1) > t1:
            raise AssertionError(
                f"{name}: the VJP for argument {i} is not the transpose of the map "
                f"(<f(x), y> = {l1:.12g}, <x, vjp(y)> = {r1:.12g}, |difference| = "
                f"{abs(l1 - r1):.3g} > tolerance {t1:.3g}).\n"
                + _element_report(name, i, f, alone, i, c_leaves, mask, g_all[j], 1.0,
                                  exact=True))
    raise AssertionError(
        f"{name} is not jointly linear in arguments {list(argnums)}: <f(x), y> = "
        f"{lhs:.12g}, sum_i <x_i, vjp(y)_i> = {rhs:.12g} (each argument alone passes; a "
        "bilinear or affine function must not be tagged linear)")


__all__ = ["check_gradients", "check_linear", "key_name", "MAX_ELEMENTS"]
