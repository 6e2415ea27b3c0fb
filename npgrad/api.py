"""The function APIs: TensorFlow's eager function transforms, TFP's
``value_and_gradient`` and the JAX-style ``grad`` family.

All of them are thin wrappers over :class:`GradientTape`: convert the
arguments to differentiate, watch them on a private tape, call ``f``, and
run one sweep.  Argument selection and result packing are written once here.
"""

import functools
import inspect

import numpy as np

from . import _nest as nest
from ._core import TracedArray, apply, raw, record_custom, _state
from ._registry import Rule, VJPS, LINEAR
from ._tape import (GradientTape, UnconnectedGradients, Variable, exit_values,
                    gradients_on, jacobian_blocks, _identity, _identity_raw)

# --------------------------------------------------------------------------
# Arrays


def constant(value, dtype=None):
    """A TracedArray holding a copy of ``value`` (an existing TracedArray is returned as is).

    Python floats become float64; float32 stays float32.

    Example
    -------
    >>> import npgrad
    >>> npgrad.constant([1.0, 2.0]).dtype
    dtype('float64')
    """
    if isinstance(value, TracedArray) and (dtype is None or value.dtype == dtype):
        return value
    return TracedArray(np.array(raw(value), dtype=dtype))


def convert_to_tensor(value, dtype=None, dtype_hint=None):
    """``value`` as a TracedArray without copying (identity for a TracedArray).

    Example
    -------
    >>> import npgrad
    >>> x = npgrad.constant(1.0)
    >>> npgrad.convert_to_tensor(x) is x
    True
    """
    if isinstance(value, TracedArray):
        if dtype is None or value.dtype == dtype:
            return value
        return value.astype(dtype)
    if dtype is None and dtype_hint is not None:
        probe = np.asarray(value)
        if probe.dtype.kind in "iub":
            return TracedArray(probe.astype(dtype_hint))
        return TracedArray(probe)
    return TracedArray(np.asarray(value, dtype=dtype))


def stop_gradient(x):
    """The value of ``x`` as a constant: no gradient flows through it.

    Example
    -------
    >>> import npgrad
    >>> x = npgrad.constant(3.0)
    >>> with npgrad.GradientTape() as tape:
    ...     x = tape.watch(x)
    ...     y = npgrad.stop_gradient(x * x) + x
    >>> tape.gradient(y, x)
    array(1.)
    """
    return nest.map_structure(
        lambda t: TracedArray(raw(t) if isinstance(t, TracedArray) else np.asarray(t)), x)


def primitive(f):
    """Make ``f`` (written on plain ndarrays) a recorded operation.

    Register its gradient with :func:`npgrad.defvjp`.  Called with plain
    arrays it runs unchanged.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> @npgrad.primitive
    ... def logsumexp(x):
    ...     m = np.max(x)
    ...     return m + np.log(np.sum(np.exp(x - m)))
    >>> npgrad.defvjp(logsumexp, lambda g, ans, x: g * np.exp(x - ans))
    >>> npgrad.grad(logsumexp)(np.zeros(2))
    array([0.5, 0.5])
    """
    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        for a in args:
            if isinstance(a, TracedArray) or (
                    type(a) in (list, tuple) and any(isinstance(e, TracedArray) for e in a)):
                return apply(wrapped, f, args, kwargs)
        return f(*args, **kwargs)
    return wrapped


# The identity op: used to give each differentiated argument its own object
# (so the same array passed twice gets two gradients) while keeping it
# connected to enclosing tapes.
LINEAR.add(_identity)
VJPS[_identity] = Rule(_identity, per_arg=(lambda g, ans, x: g,))


def _fresh(a):
    if isinstance(a, TracedArray):
        return apply(_identity, _identity_raw, (a,), {})
    return TracedArray(np.asarray(a))


# --------------------------------------------------------------------------
# TF eager function transforms


def _positional_names(f):
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return []
    return [p.name for p in sig.parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]


def _param_indices(f, params, nargs):
    if params is None:
        return list(range(nargs))
    params = list(params)
    if all(isinstance(p, (int, np.integer)) for p in params):
        out = []
        for p in params:
            q = p + nargs if p < 0 else p
            if not 0 <= q < nargs:
                raise IndexError(f"params index {p} is out of range for a call with "
                                 f"{nargs} positional argument(s)")
            out.append(int(q))
        return out
    if all(isinstance(p, str) for p in params):
        names = _positional_names(f)
        out = []
        for p in params:
            if p not in names:
                raise ValueError(f"{p!r} is not in list")
            q = names.index(p)
            if q >= nargs:
                raise IndexError(f"parameter {p!r} (position {q}) was not passed "
                                 "positionally")
            out.append(q)
        return out
    raise ValueError(f"params must be all strings or all integers; got {params}.")


def _none_error(f):
    name = getattr(f, "__name__", repr(f))
    return ValueError(f"Cannot differentiate a function that returns None; did you forget "
                      f"to return a value from {name}?")


def _trace_params(f, params, args, persistent):
    indices = _param_indices(f, params, len(args))
    args = list(args)
    tape = GradientTape(persistent=persistent, watch_accessed_variables=False)
    with tape:
        fresh = {}
        for i in indices:
            if i not in fresh:
                fresh[i] = args[i] = _fresh(args[i])
                tape._watch_one(args[i])
        sources = [fresh[i] for i in indices]
        value = f(*args)
    if value is None:
        raise _none_error(f)
    return tape, value, sources


def value_and_gradients_function(f, params=None):
    """Like :func:`gradients_function`, returning ``(value, gradients)``.

    Example
    -------
    >>> import npgrad
    >>> vg = npgrad.value_and_gradients_function(lambda x, y: x * x * y)
    >>> vg(2.0, 3.0)
    (array(12.), [array(12.), array(4.)])
    """
    def decorated(*args, dy=None, **kwargs):
        if kwargs:
            raise ValueError("Functions to be differentiated cannot receive keyword "
                             "arguments.")
        tape, value, sources = _trace_params(f, params, args, persistent=False)
        grads = tape.gradient(value, sources, output_gradients=dy)
        return exit_values(value), grads
    return decorated


def gradients_function(f, params=None):
    """A function returning the gradients of ``f`` with respect to ``params`` (a list).

    ``params`` are positions or parameter names (default: every positional
    argument passed).  ``f``'s outputs are summed; the keyword ``dy`` weights
    them (a vector-Jacobian product).

    Example
    -------
    >>> import npgrad
    >>> def f(x, y):
    ...     return x * x * x * y - x * y * y
    >>> npgrad.gradients_function(f)(2.0, 3.0)
    [array(27.), array(-4.)]
    >>> npgrad.gradients_function(f, params=["y"])(2.0, 3.0)
    [array(-4.)]
    """
    vg = value_and_gradients_function(f, params)

    def decorated(*args, dy=None, **kwargs):
        return vg(*args, dy=dy, **kwargs)[1]
    return decorated


def make_vjp(f, params=None, persistent=True):
    """A function returning ``(value, vjp)``; ``vjp(dy=None)`` can be called repeatedly.

    Example
    -------
    >>> import npgrad
    >>> value, vjp = npgrad.make_vjp(lambda x: x * x)(3.0)
    >>> value, vjp(), vjp(dy=2.0)
    (array(9.), [array(6.)], [array(12.)])
    """
    def decorated(*args, **kwargs):
        if kwargs:
            raise ValueError("Functions to be differentiated cannot receive keyword "
                             "arguments.")
        tape, value, sources = _trace_params(f, params, args, persistent=persistent)

        def vjp(dy=None):
            return tape.gradient(value, sources, output_gradients=dy)
        return exit_values(value), vjp
    return decorated


def implicit_value_and_gradients(f):
    """Differentiate ``f`` with respect to the trainable Variables it reads.

    Returns a function giving ``(value, [(gradient, variable), ...])`` with
    the variables in creation order.

    Example
    -------
    >>> import npgrad
    >>> v = npgrad.Variable(2.0)
    >>> value, pairs = npgrad.implicit_value_and_gradients(lambda x: v * v * x)(5.0)
    >>> value, pairs[0][0]
    (array(20.), array(20.))
    """
    def decorated(*args, **kwargs):
        with GradientTape(watch_accessed_variables=True) as tape:
            value = f(*args, **kwargs)
        if value is None:
            raise _none_error(f)
        variables = [v for v in tape.watched_variables() if v.trainable]
        if not variables:
            raise ValueError("No trainable variables were accessed while the function "
                             "was being computed.")
        grads = tape.gradient(value, variables)
        return exit_values(value), list(zip(grads, variables))
    return decorated


def implicit_gradients(f):
    """Like :func:`implicit_value_and_gradients`, returning only the pairs.

    Example
    -------
    >>> import npgrad
    >>> w = npgrad.Variable(3.0)
    >>> npgrad.implicit_gradients(lambda x: w * x)(5.0)[0][0]
    array(5.)
    """
    vg = implicit_value_and_gradients(f)

    def decorated(*args, **kwargs):
        return vg(*args, **kwargs)[1]
    return decorated


# --------------------------------------------------------------------------
# TFP value_and_gradient


def _takes_no_params(f):
    try:
        return len(inspect.signature(f).parameters) == 0
    except (TypeError, ValueError):
        return False


def value_and_gradient(f, *args, output_gradients=None, use_gradient_tape=False,
                       auto_unpack_single_arg=True, has_aux=False, name=None, **kwargs):
    """``f(*args, **kwargs)`` and its gradients with respect to ``args`` and ``kwargs`` (TFP).

    ``f`` is called as ``f()`` if it takes no parameters, as ``f(*args[0])``
    when a single list/tuple is passed (``auto_unpack_single_arg``), and as
    ``f(*args, **kwargs)`` otherwise.  Returns ``(value, dydx_args)``,
    ``(value, dydx_kwargs)`` or ``(value, dydx_args, dydx_kwargs)``.  Integer
    inputs are converted to float64.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> y, (dx, dy) = npgrad.value_and_gradient(lambda x, y: x * np.log(y), (2.0, 3.0))
    >>> float(y), float(dx), float(dy)
    (2.1972245773362196, 1.0986122886681098, 0.6666666666666666)
    """
    if not args and not kwargs:
        raise ValueError("Gradient is not defined unless at least one of `arg` or `kwarg` "
                         "is specified.")
    unpacked = (auto_unpack_single_arg and len(args) == 1 and not kwargs
                and isinstance(args[0], (list, tuple)))
    if unpacked:
        args = args[0]
    tape = GradientTape(watch_accessed_variables=False)

    def watch(leaf):
        if isinstance(leaf, TracedArray):
            t = leaf
        else:
            a = np.asarray(leaf)
            t = TracedArray(a.astype(np.float64) if a.dtype.kind in "iub" else a)
        tape._watch_one(t)
        return t

    with tape:
        args_t = nest.map_structure(watch, args)
        if not isinstance(args_t, (list, tuple)):
            args_t = tuple(args_t)
        kwargs_t = {k: nest.map_structure(watch, v) for k, v in kwargs.items()}
        if _takes_no_params(f):
            y = f()
        else:
            call_args = args_t
            if isinstance(f, np.ufunc):
                # A ufunc coerces a list argument to one array: do it on the trace.
                call_args = [np.stack(a) if isinstance(a, (list, tuple)) else a
                             for a in args_t]
            y = f(*call_args, **kwargs_t)
    aux = None
    if has_aux:
        if not (isinstance(y, (tuple, list)) and len(y) == 2):
            raise TypeError("value_and_gradient(has_aux=True): f must return a pair "
                            "(value, aux).")
        y, aux = y
    if y is None:
        raise TypeError("Argument `target` should be a list or nested structure of arrays "
                        "or Variables to be differentiated, but received None.")
    grads = tape.gradient(y, [args_t, kwargs_t], output_gradients=output_gradients)
    dargs, dkwargs = grads
    if not unpacked and len(args) == 1:
        dargs = dargs[0]
    elif not unpacked:
        dargs = tuple(dargs)
    value = exit_values(y)
    if has_aux:
        value = (value, exit_values(aux))
    result = (value,)
    if args:
        result += (dargs,)
    if kwargs:
        result += (dkwargs,)
    return result


# --------------------------------------------------------------------------
# custom_gradient


def _conj_if_complex(x):
    if x is not None and getattr(x, "dtype", np.dtype(float)).kind == "c":
        return np.conj(x)
    return x


def custom_gradient(f):
    """Decorator: give ``f`` its own gradient (``tf.custom_gradient``).

    ``f(*x)`` returns ``(y, grad_fn)``; ``grad_fn(*upstream)`` receives one
    upstream gradient per flattened output of ``y`` (zeros for unused
    outputs) and returns one gradient per flattened positional input (None
    for none).  If ``f`` reads Variables that are not inputs, ``grad_fn``
    must take a ``variables=`` keyword and return ``(input_grads,
    variable_grads)``.  The forward body of ``f`` is not recorded; the ops in
    ``grad_fn`` are, so higher order works through it.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> @npgrad.custom_gradient
    ... def log1pexp(x):
    ...     e = np.exp(x)
    ...     return np.log(1 + e), lambda dy: dy * (1 - 1 / (1 + e))
    >>> npgrad.grad(log1pexp)(100.0)
    array(1.)
    """
    @functools.wraps(f)
    def decorated(*args, **kwargs):
        saved, saved_reads = _state.recording, _state.variable_reads
        _state.recording, _state.variable_reads = (), []
        try:
            y, grad_fn = f(*args, **kwargs)
        finally:
            reads = _state.variable_reads
            _state.recording, _state.variable_reads = saved, saved_reads
        inputs = nest.flatten(list(args))
        variables = []
        for v in reads:
            if not any(v is a for a in inputs) and not any(v is w for w in variables):
                variables.append(v)
                v._read()       # the read counts as an access on the recording tapes
        if variables:
            try:
                params = inspect.signature(grad_fn).parameters
                accepts = "variables" in params or any(
                    p.kind == p.VAR_KEYWORD for p in params.values())
            except (TypeError, ValueError):
                accepts = True
            if not accepts:
                raise TypeError("@npgrad.custom_gradient grad_fn must accept keyword "
                                "argument 'variables', since function uses variables: "
                                f"{variables}")
        leaves = nest.flatten(y)
        n_in = len(inputs)

        def rule(g, ans, *xs):
            upstream = [_conj_if_complex(u) for u in (g if len(leaves) > 1 else (g,))]
            if variables:
                res = grad_fn(*upstream, variables=variables)
                input_grads, var_grads = res
                var_grads = list(var_grads)
                if len(var_grads) != len(variables):
                    raise ValueError("Must return gradient for each variable from "
                                     "@custom_gradient grad_fn.")
            else:
                input_grads, var_grads = grad_fn(*upstream), []
            if not isinstance(input_grads, (list, tuple)):
                input_grads = [input_grads]
            if len(input_grads) != n_in:
                raise ValueError(f"custom_gradient function expected to return {n_in} "
                                 f"gradients, but returned {len(input_grads)} instead.")
            return tuple(_conj_if_complex(gi) for gi in list(input_grads) + var_grads)

        values = [raw(leaf) if isinstance(leaf, TracedArray) else np.asarray(leaf)
                  for leaf in leaves]
        ans = tuple(values) if len(values) > 1 else values[0]
        out = record_custom(Rule(f, all=rule), ans, inputs + variables)
        return nest.pack(y, list(out) if len(values) > 1 else [out])
    return decorated


# --------------------------------------------------------------------------
# JAX-style transforms


def _argnums(argnums, nargs):
    if type(argnums) is int and 0 <= argnums < nargs:
        return (argnums,), True             # the common case, without the checks below
    single = isinstance(argnums, (int, np.integer)) and not isinstance(argnums, bool)
    nums = (argnums,) if single else argnums
    if isinstance(nums, str) or not all(
            isinstance(a, (int, np.integer)) for a in (nums if isinstance(
                nums, (list, tuple)) else [nums])):
        raise TypeError(f"argnums must be an int or a sequence of ints, got {argnums!r}")
    nums = tuple(int(a) for a in nums)
    for a in nums:
        if a >= nargs or a < -nargs:
            raise TypeError(f"differentiating with respect to argnums={argnums} requires at "
                            f"least {max(a, -a - 1) + 1} positional arguments to be passed "
                            f"by the caller, but got only {nargs} positional arguments.")
    nums = tuple(a % nargs for a in nums)
    if len(set(nums)) != len(nums):
        raise ValueError(f"argnums {argnums} contains duplicates")
    return nums, single


def _check_input(leaf, fname):
    dtype = leaf.dtype if hasattr(leaf, "dtype") else np.asarray(leaf).dtype
    if dtype.kind not in "fc":
        raise TypeError(f"{fname} requires real- or complex-valued inputs (input dtype that "
                        f"is a sub-dtype of np.inexact), but got {dtype}. If you want to "
                        "use integer-valued inputs, convert them to float first.")


def _trace_argnums(f, args, kwargs, argnums, fname, persistent=False):
    nums, single = _argnums(argnums, len(args))
    args = list(args)
    tape = GradientTape(persistent=persistent, watch_accessed_variables=False)

    def watch(leaf):
        if leaf is None:
            return None
        _check_input(leaf, fname)
        t = _fresh(leaf)
        tape._watch_one(t)
        return t

    with tape:
        for i in nums:
            a = args[i]
            args[i] = nest.map_structure(watch, a) if nest.is_container(a) else watch(a)
        out = f(*args, **kwargs)
    return tape, out, [args[i] for i in nums], single


def _split_aux(out, has_aux):
    if not has_aux:
        return out, None
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        raise TypeError("expected function with aux output to return a two-element tuple, "
                        f"but got {type(out).__name__}")
    return out[0], out[1]


def _sources_struct(srcs):
    return [s for s in nest.flatten(srcs) if s is not None]


def _pack_grads(srcs, flat, single):
    it = iter(flat)
    packed = [nest.map_structure(lambda s: None if s is None else next(it), s) for s in srcs]
    return packed[0] if single else tuple(packed)


def value_and_grad(f, argnums=0, has_aux=False):
    """``f`` and its gradient with respect to the arguments in ``argnums``.

    ``f`` must return a real scalar.  Returns ``(value, grad)``, or
    ``((value, aux), grad)`` with ``has_aux``.  Drops into
    ``scipy.optimize.minimize(..., jac=True)``; extra positional arguments
    pass through.  Complex inputs follow the TensorFlow convention.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> from scipy.optimize import minimize
    >>> def f(x):
    ...     return np.sum((x - 3.0) ** 2)
    >>> minimize(npgrad.value_and_grad(f), np.zeros(2), jac=True).x.round(6)
    array([3., 3.])
    """
    def vg(*args, **kwargs):
        tape, out, srcs, single = _trace_argnums(f, args, kwargs, argnums, "grad")
        out, aux = _split_aux(out, has_aux)
        value = raw(out)
        shape = getattr(value, "shape", None)
        if shape is None and isinstance(value, (float, int)):
            value = np.float64(value) if isinstance(value, float) else np.int64(value)
            shape = ()
        if shape != ():
            shape = shape if shape is not None else type(out).__name__
            raise TypeError(f"Gradient only defined for scalar-output functions. Output "
                            f"had shape: {shape}.")
        if value.dtype.kind != "f":
            raise TypeError(f"grad requires a real floating scalar output, got dtype "
                            f"{value.dtype}; for complex outputs use npgrad.vjp or "
                            "GradientTape.")
        flat = srcs if single and not nest.is_container(srcs[0]) else _sources_struct(srcs)
        try:
            grads = gradients_on(tape, [out], [None], flat, UnconnectedGradients.ZERO,
                                 release=True, prune=False)
        finally:
            tape._release()
        g = grads[0] if flat is srcs else _pack_grads(srcs, grads, single)
        if _state.recording:
            value = out
        elif type(value) is np.ndarray:
            value = value[()]
        if has_aux:
            value = (value, exit_values(aux))
        return value, g
    return vg


def grad(f, argnums=0, has_aux=False):
    """The gradient of a real scalar function (JAX/autograd style).

    ``argnums`` an int gives the bare gradient; a sequence gives a tuple.
    Arguments may be nested lists, tuples and dicts of arrays; the gradient
    keeps the structure.  Keyword arguments pass through undifferentiated.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> npgrad.grad(lambda x: np.sin(x) * x)(0.0)
    array(0.)
    >>> npgrad.grad(lambda x, y: x * y, argnums=(0, 1))(2.0, 3.0)
    (array(3.), array(2.))
    """
    vg = value_and_grad(f, argnums, has_aux)

    def g(*args, **kwargs):
        value, gr = vg(*args, **kwargs)
        return (gr, value[1]) if has_aux else gr
    return g


def jacobian(f, argnums=0, has_aux=False):
    """The Jacobian of ``f``: for each output leaf, shape ``out.shape + in.shape``.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> npgrad.jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """
    def jac(*args, **kwargs):
        tape, out, srcs, single = _trace_argnums(f, args, kwargs, argnums, "jacobian",
                                                 persistent=True)
        out, aux = _split_aux(out, has_aux)
        flat = _sources_struct(srcs)
        try:
            per_out = []
            for leaf in nest.flatten(out):
                if not isinstance(leaf, TracedArray):
                    leaf = TracedArray(np.asarray(leaf))
                blocks = jacobian_blocks(tape, leaf, flat, UnconnectedGradients.ZERO)
                per_out.append(_pack_grads(srcs, blocks, single))
        finally:
            tape._release()
        result = nest.pack(out, per_out)
        return (result, exit_values(aux)) if has_aux else result
    return jac


def hessian(f, argnums=0, has_aux=False):
    """The Hessian of a scalar ``f``: shape ``in.shape + in.shape`` (a tree product for pytrees).

    Example
    -------
    >>> import numpy as np, npgrad
    >>> npgrad.hessian(lambda x: x[0] ** 3 - 2 * x[0] * x[1] - x[1] ** 6)(np.array([1.0, 2.0]))
    array([[   6.,   -2.],
           [  -2., -480.]])
    """
    return jacobian(jacobian(f, argnums, has_aux), argnums, has_aux)


def _inner(a, b):
    """Re <a, b>: the real inner product that makes the VJP the adjoint of the JVP."""
    if np.iscomplexobj(raw(a)) or np.iscomplexobj(raw(b)):
        return np.real(np.sum(np.conj(a) * b))
    return np.sum(a * b)


def hvp(f):
    """Hessian-vector product: ``hvp(f)(x, v, *args)`` is ``H(x) @ v`` for scalar ``f``.

    The signature matches ``scipy.optimize.minimize(hessp=...)``.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> npgrad.hvp(lambda x: np.sum(x ** 3))(np.array([1.0, 2.0]), np.array([1.0, 1.0]))
    array([ 6., 12.])
    """
    def hv(x, v, *args, **kwargs):
        g = grad(f)
        return grad(lambda y: _inner(g(y, *args, **kwargs), v))(x)
    return hv


def vjp(f, *primals, has_aux=False):
    """``(out, vjp_fn)``: ``vjp_fn(ct)`` returns one cotangent per primal (a tuple).

    ``ct`` must have ``out``'s structure, shapes and dtypes.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> out, vjp_fn = npgrad.vjp(lambda x: x * x, 3.0)
    >>> vjp_fn(1.0)
    (array(6.),)
    """
    tape, out, srcs, _ = _trace_argnums(f, primals, {}, tuple(range(len(primals))),
                                        "vjp", persistent=True)
    out, aux = _split_aux(out, has_aux)
    flat = _sources_struct(srcs)
    out_leaves = nest.flatten(out)

    def vjp_fn(ct):
        ct_leaves = nest.flatten(ct)
        if len(ct_leaves) != len(out_leaves):
            raise ValueError(f"vjp_fn expected a cotangent with {len(out_leaves)} leaves "
                             f"(the structure of the output), got {len(ct_leaves)}")
        for o, c in zip(out_leaves, ct_leaves):
            os, cs = np.shape(raw(o)), np.shape(raw(c))
            od, cd = np.asarray(raw(o)).dtype, np.asarray(raw(c)).dtype
            if os != cs or (od.kind == "c") != (cd.kind == "c"):
                raise ValueError(f"unexpected type for argument to VJP function: got "
                                 f"{cd}{list(cs)}, but expected {od}{list(os)} (the "
                                 "output's shape and dtype)")
        grads = gradients_on(tape, out_leaves, ct_leaves, flat, UnconnectedGradients.ZERO,
                             prune=False)
        return tuple(nest.map_structure(lambda s: None if s is None else s, p)
                     for p in _pack_grads(srcs, grads, False))

    result = (exit_values(out), vjp_fn)
    return result + (exit_values(aux),) if has_aux else result


def jvp(f, primals, tangents, has_aux=False):
    """Jacobian-vector product: ``(f(*primals), J @ tangents)``.

    Computed as the transpose of the VJP (reverse over reverse) until forward
    mode lands.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> print(npgrad.jvp(np.sin, (0.1,), (0.2,))[1].round(7))
    0.1990008
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise TypeError("primal and tangent arguments to npgrad.jvp must be tuples or lists; "
                        f"found {type(primals).__name__} and {type(tangents).__name__}.")
    p_leaves, t_leaves = nest.flatten(list(primals)), nest.flatten(list(tangents))
    if len(p_leaves) != len(t_leaves):
        raise TypeError("primal and tangent arguments to npgrad.jvp must have the same "
                        "tree structure")
    for p, t in zip(p_leaves, t_leaves):
        if np.shape(raw(p)) != np.shape(raw(t)):
            raise ValueError("jvp called with different primal and tangent shapes; got "
                             f"{np.shape(raw(p))} and {np.shape(raw(t))}")
    outer = GradientTape(watch_accessed_variables=False)
    with outer:
        tape, out, srcs, _ = _trace_argnums(f, tuple(primals), {},
                                            tuple(range(len(primals))), "jvp")
        out, aux = _split_aux(out, has_aux)
        out_leaves = [o if isinstance(o, TracedArray) else TracedArray(np.asarray(o))
                      for o in nest.flatten(out)]
        us = [TracedArray(np.zeros_like(raw(o))) for o in out_leaves]
        for u in us:
            outer._watch_one(u)
        grads = gradients_on(tape, out_leaves, us, _sources_struct(srcs),
                             UnconnectedGradients.ZERO, release=True, prune=False)
        s = 0.0
        for g, t in zip(grads, t_leaves):
            s = s + _inner(g, np.asarray(raw(t)))
    tan = outer.gradient(s, us, unconnected_gradients=UnconnectedGradients.ZERO)
    result = (exit_values(out), nest.pack(out, tan) if nest.is_container(out) else tan[0])
    return result + (exit_values(aux),) if has_aux else result
