"""The engine: TracedArray, dispatch of NumPy calls onto the tapes, the reverse sweep.

Everything on the per-operation hot path lives in this one module so that the
path is a handful of local lookups: unwrap the arguments, run NumPy on raw
values, find the tapes that watch an input, append one entry per tape.

Design in brief
---------------
* A tape is identified on tensors by a *token* (``tape._token``).  A
  TracedArray carries the tuple of tokens of the tapes it is connected to
  (``_tapes``).  An operation is recorded on a recording tape when one of its
  inputs carries that tape's token; the output then carries it too.  Resetting
  a tape gives it a new token, which disconnects everything recorded before.
* A tape is a list of entries ``(out, rule, args, vals, kwargs, positions)``
  in creation order, so the reverse sweep needs no topological sort: it walks
  the list backwards, keeping one cotangent per live tensor (keyed by
  ``id``; the tape holds the tensors, so the ids stay unique) and freeing it
  as soon as the producing entry is processed.
* Rules are called on raw ndarrays (``vals``, ``out._value``) when no tape is
  recording, which is the fast path; when a tape is recording they are
  called on the TracedArrays themselves (``args``, ``out``), so the backward
  pass is recorded and can be differentiated again (higher order).
* The engine, not the rules, fits each cotangent to its argument: broadcast
  axes are summed, reduced ones broadcast back, the dtype cast, the imaginary
  part dropped for real arguments (:func:`fit_to`).
* Rules compute ``g * f'(x)`` (no conjugate).  The public results follow the
  TensorFlow convention ``dL/dx + i dL/dy``, which is ``conj`` of that
  composition applied to ``conj`` of the seed; :func:`backward` does the two
  conjugations once per call, only for complex arrays.
"""

import math
import operator
import threading

import numpy as np

from ._registry import VJPS, NONDIFFERENTIABLE, Rule
from .errors import NotDifferentiableError, TraceLostError


class _State(threading.local):
    def __init__(self):
        # Tapes currently recording, outermost first.  A tuple, replaced (never
        # mutated) when a tape enters or leaves, so the hot path reads it once.
        self.recording = ()
        # While a custom_gradient forward body runs: the Variables it reads.
        self.variable_reads = None


_state = _State()


def recording_tapes():
    return _state.recording


def set_recording(tapes):
    _state.recording = tapes


# --------------------------------------------------------------------------
# TracedArray


class TracedArray:
    """An array whose NumPy operations are recorded for differentiation.

    Made by :func:`npgrad.constant`, :func:`npgrad.convert_to_tensor`,
    ``GradientTape.watch`` and the function transforms.  Every NumPy
    operation on it (operators, ufuncs and their methods, array functions,
    indexing, ndarray methods) returns a TracedArray and is recorded on each
    recording tape that watches one of its inputs.  ``t.numpy()`` returns
    the value as a plain ndarray.

    Example
    -------
    >>> import numpy as np, npgrad
    >>> x = npgrad.constant([1.0, 2.0])
    >>> with npgrad.GradientTape() as tape:
    ...     x = tape.watch(x)
    ...     y = np.sum(np.sin(x) * x)
    >>> tape.gradient(y, x).round(4)
    array([1.3818, 0.077 ])
    """

    __slots__ = ("_value", "_tapes", "__weakref__")
    __array_priority__ = 100.0

    def __init__(self, value, tapes=()):
        self._value = value
        self._tapes = tapes

    # ---- NumPy protocols ----
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs:
            out = apply_ufunc(ufunc, inputs)
            if out is not _SLOW:
                return out
        for a in inputs:
            if not isinstance(a, _KNOWN) and hasattr(type(a), "__array_ufunc__"):
                return NotImplemented
        if method == "__call__":
            return apply(ufunc, ufunc, inputs, kwargs)
        if method == "at":
            raise TypeError(
                f"np.{ufunc.__name__}.at writes in place, which npgrad does not "
                "record; build the result functionally instead (e.g. with "
                "np.where or np.bincount).")
        return apply((ufunc, method), getattr(ufunc, method), inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        for t in types:
            if not issubclass(t, _KNOWN):
                return NotImplemented
        return apply(func, func, args, kwargs)

    def __array__(self, dtype=None, copy=None):
        if is_traced(self):
            raise TraceLostError(_lost_message("np.asarray / np.array"))
        value = np.asarray(self._value, dtype=dtype)
        return value.copy() if copy else value

    # ---- conversions that would drop the gradient ----
    def _plain(self, what):
        if is_traced(self) and self.dtype.kind in "fc":
            raise TraceLostError(_lost_message(what))
        return self._value

    def __float__(self):
        return float(self._plain("float()"))

    def __int__(self):
        return int(self._plain("int()"))

    def __complex__(self):
        return complex(self._plain("complex()"))

    def __index__(self):
        return operator.index(self._plain("an index"))

    def tolist(self):
        """The value as nested Python lists (refused while traced)."""
        return np.asarray(self._plain(".tolist()")).tolist()

    def item(self, *args):
        """The value of one element as a Python scalar (refused while traced)."""
        return np.asarray(self._plain(".item()")).item(*args)

    def numpy(self):
        """The value as a plain ndarray: an explicit exit from the trace.

        Example
        -------
        >>> import npgrad
        >>> npgrad.constant([1.0, 2.0]).numpy()
        array([1., 2.])
        """
        return np.asarray(self._value)

    def __bool__(self):
        return bool(self._value)

    def __len__(self):
        return len(self._value)

    def __iter__(self):
        for i in range(len(self._value)):
            yield self[i]

    def __hash__(self):
        return id(self)

    def __repr__(self):
        return f"{type(self).__name__}({np.asarray(self._value)!r})"

    __str__ = __repr__

    def __format__(self, spec):
        return format(np.asarray(self._value), spec)

    # ---- metadata (never differentiable) ----
    shape = property(lambda self: np.shape(self._value))
    ndim = property(lambda self: np.ndim(self._value))
    size = property(lambda self: np.size(self._value))
    dtype = property(lambda self: np.asarray(self._value).dtype
                     if not hasattr(self._value, "dtype") else self._value.dtype)
    nbytes = property(lambda self: np.asarray(self._value).nbytes)
    itemsize = property(lambda self: self.dtype.itemsize)
    flags = property(lambda self: np.asarray(self._value).flags)
    T = property(lambda self: np.transpose(self))
    mT = property(lambda self: np.swapaxes(self, -1, -2))
    real = property(lambda self: np.real(self))
    imag = property(lambda self: np.imag(self))

    # ---- indexing ----
    def __getitem__(self, key):
        return apply(operator.getitem, operator.getitem, (self, _raw_index(key)), {})

    def __setitem__(self, key, value):
        if is_traced(self) or (isinstance(value, TracedArray) and is_traced(value)):
            raise TypeError(
                "npgrad does not record item assignment into a traced array yet; "
                "build the array functionally instead, e.g. "
                "y = np.where(mask, value, x) or np.concatenate([...]).")
        new = np.array(self._value)
        new[_raw_index(key)] = value._value if isinstance(value, TracedArray) else value
        self._value = new


_KNOWN = (TracedArray, np.ndarray, np.generic, int, float, complex, bool,
          list, tuple, type(None))


ALTERNATIVES = {}
"""Public name of a function that coerces its input -> the traceable alternative.

Filled by the modules that provide drop-ins (``npgrad.scipy``); read only when
a TraceLostError is raised.
"""

_SCIPY_NAMESPACES = ("scipy.special", "scipy.linalg", "scipy.stats", "scipy.optimize",
                     "scipy.signal", "scipy.spatial.distance", "scipy.integrate",
                     "scipy.interpolate", "scipy.ndimage", "scipy.fft", "scipy.sparse")


def _coercing_caller():
    """The public name of the SciPy function on the stack that converted the array.

    Called only while raising TraceLostError, so the stack walk costs nothing
    on the hot path.
    """
    import sys
    # The run of SciPy frames nearest the conversion (past NumPy's and ours).
    # User code in between (an objective called by scipy.optimize) ends it.
    frame, run = sys._getframe(2), []
    while frame is not None:
        top = frame.f_globals.get("__name__", "").split(".")[0]
        if top == "scipy":
            run.append(frame)
        elif run or top not in ("numpy", "npgrad"):
            break
        frame = frame.f_back
    # Outermost first: the function the user called, unless it is a generic
    # decorator wrapper or a frozen distribution, which resolve further in.
    for found in reversed(run):
        name = _public_scipy_name(found)
        if name is not None:
            return name
    if run:
        found = run[-1]
        return f"{found.f_globals.get('__name__')}.{found.f_code.co_name}"
    return None


def _public_scipy_name(frame):
    import importlib
    import sys
    code, name = frame.f_code, frame.f_code.co_name
    owner = frame.f_locals.get("self")
    if owner is not None and type(owner).__module__.startswith("scipy.stats"):
        # a distribution object: scipy.stats.norm.logpdf, multivariate_normal.pdf
        import scipy.stats
        dist = getattr(owner, "name", None) or next(
            (n for n in dir(scipy.stats) if getattr(scipy.stats, n, None) is owner), None)
        return f"scipy.stats.{dist}.{name}" if dist is not None else None
    for ns in _SCIPY_NAMESPACES:
        mod = sys.modules.get(ns) or importlib.import_module(ns)
        func = getattr(mod, name, None)
        if getattr(func, "__code__", None) is code or getattr(
                getattr(func, "__wrapped__", None), "__code__", None) is code:
            return f"{ns}.{name}"
    # a generic decorator's wrapper (SciPy's batching wrapper converts before
    # calling): the function it wraps is among its locals
    for value in frame.f_locals.values():
        wrapped = getattr(value, "__name__", None)
        if not callable(value) or wrapped is None:
            continue
        for ns in _SCIPY_NAMESPACES:
            func = getattr(sys.modules.get(ns), wrapped, None)
            if func is value or getattr(func, "__wrapped__", None) is value:
                return f"{ns}.{wrapped}"
    return None


def _lost_message(what):
    caller = _coercing_caller()
    if caller is not None:
        fix = ALTERNATIVES.get(caller)
        fix = (f" Use {fix} instead, which is differentiable." if fix else
               " Write that step in NumPy, register the function with "
               "npgrad.primitive + npgrad.defvjp, or pass a constant "
               "(t.numpy() / npgrad.stop_gradient(t)).")
        return (f"{caller} converted a traced array to a plain one ({what}), which would "
                f"drop its gradient.{fix}")
    return (f"{what} was applied to a traced array; the conversion would drop its "
            "gradient. Keep the computation in NumPy functions on the array, or "
            "take the value explicitly with t.numpy() / npgrad.stop_gradient(t) "
            "if a constant is meant.")


def is_traced(t):
    """Whether ``t`` is watched by a recording tape or computed from such an array."""
    toks = t._tapes
    for tape in _state.recording:
        if tape._all or tape._token in toks:
            return True
    return False


def _raw_index(key):
    if type(key) is tuple:
        return tuple(k._value if isinstance(k, TracedArray) else k for k in key)
    if isinstance(key, TracedArray):
        return key._value
    return key


def raw(x):
    """The value under a TracedArray (no trace check: for npgrad internals)."""
    return x._value if isinstance(x, TracedArray) else x


# --------------------------------------------------------------------------
# Dispatch


def _value_of(a):
    """The raw value of an argument leaf or (nested) sequence of leaves.

    Reading a Variable counts as an access.
    """
    t = type(a)
    if t is TracedArray:
        return a._value
    if isinstance(a, TracedArray):
        return a._read()
    if t is list or t is tuple:
        return t(_value_of(e) for e in a)
    return a


def _has_tensor(seq):
    """Whether a (nested) list/tuple holds a TracedArray."""
    for e in seq:
        if isinstance(e, TracedArray):
            return True
        if (type(e) is list or type(e) is tuple) and _has_tensor(e):
            return True
    return False


def _leaves(a):
    """The TracedArrays in an argument: itself, or those in a nested sequence."""
    if isinstance(a, TracedArray):
        yield a
    elif type(a) is list or type(a) is tuple:
        for e in a:
            yield from _leaves(e)


_FORWARD_ONLY = frozenset({"dtype", "casting", "order", "subok", "signature", "where"})
"""Ufunc call keywords that only shape the forward computation."""

_SLOW = object()
_EMPTY = {}
_PLAIN = frozenset([float, int, complex, bool, np.ndarray]
                   + [t for t in set(np.sctypeDict.values()) if issubclass(t, np.generic)])
_P0, _P1, _P01 = (0,), (1,), (0, 1)


def apply_ufunc(ufunc, args, op=None):
    """The hot path: a ufunc on one or two plain/TracedArray arguments, no keywords.

    ``op``, given by the Python operators of the arithmetic ufuncs, is the
    matching ``operator`` function: on NumPy scalars (0-d results) it runs
    NumPy's scalar math, the same arithmetic as the ufunc at a tenth of the
    call cost, and on arrays it calls the ufunc itself.  Returns ``_SLOW``
    for anything else (Variables, foreign types, no rule), which the caller
    sends through :func:`apply`.
    """
    n = len(args)
    if ufunc.nout != 1:           # modf, frexp, divmod: several outputs
        return _SLOW
    if n == 2:
        a, b = args
        ta, tb = type(a), type(b)
        if ta is TracedArray:
            av = a._value
            if tb is TracedArray:
                bv = b._value
            elif tb in _PLAIN:
                bv = b
            else:
                return _SLOW
        elif tb is TracedArray and ta in _PLAIN:
            av, bv = a, b._value
        else:
            return _SLOW
        rule = VJPS.get(ufunc)
        if rule is None:
            return _SLOW
        ans = ufunc(av, bv) if op is None else op(av, bv)
        rec = _state.recording
        if not rec:
            return TracedArray(ans)
        if len(rec) == 1 and not rec[0]._all:
            tape = rec[0]
            tok = tape._token
            c0 = ta is TracedArray and tok in a._tapes
            c1 = tb is TracedArray and tok in b._tapes
            if not (c0 or c1):
                return TracedArray(ans)
            positions = _P01 if c0 and c1 else _P0 if c0 else _P1
            if not rule.complete:
                positions = _check_positions(rule, positions, args)
                if not positions:
                    return TracedArray(ans)
            out = TracedArray(ans, tape._toks)
            tape._entries.append((out, rule, args, (av, bv), _EMPTY, positions))
            return out
        return _record(rule, ans, args, (av, bv), _EMPTY, rec)
    if n == 1:
        a = args[0]
        if type(a) is not TracedArray:
            return _SLOW
        rule = VJPS.get(ufunc)
        if rule is None:
            return _SLOW
        av = a._value
        ans = ufunc(av) if op is None else op(av)
        rec = _state.recording
        if not rec:
            return TracedArray(ans)
        if len(rec) == 1 and not rec[0]._all:
            tape = rec[0]
            if tape._token not in a._tapes:
                return TracedArray(ans)
            out = TracedArray(ans, tape._toks)
            tape._entries.append((out, rule, args, (av,), _EMPTY, _P0))
            return out
        return _record(rule, ans, args, (av,), _EMPTY, rec)
    return _SLOW


def apply(key, fn, args, kwargs):
    """Run ``fn`` on raw values and record it on the tapes that watch an input.

    The single entry point for every NumPy call on a TracedArray.
    """
    if kwargs and not isinstance(key, np.ufunc):
        for v in kwargs.values():
            if isinstance(v, TracedArray):
                args, kwargs = _as_positional(fn, args, kwargs)
                break
    vals = list(args)
    nested = False
    for i, a in enumerate(args):
        t = type(a)
        if t is TracedArray:
            vals[i] = a._value
        elif (t is list or t is tuple) and _has_tensor(a):
            vals[i] = _value_of(a)
            nested = True
        elif isinstance(a, TracedArray):
            vals[i] = a._read()
    rule_kwargs = kwargs = _unwrap_kwargs(key, args, kwargs) if kwargs else kwargs
    if kwargs and isinstance(key, np.ufunc):
        if kwargs.get("where", True) is not True:
            raise TypeError(
                f"{public_name(key)}(..., where=...) without out= leaves the masked "
                "elements undefined; compute np.where(mask, f(x), fill) instead.")
        # dtype=, casting=, order=, subok=, signature= shape the forward call
        # only (the engine casts the gradient back); a gufunc's axes=, axis=
        # and keepdims= reach its rule.
        rule_kwargs = {k: v for k, v in kwargs.items() if k not in _FORWARD_ONLY}
    rule = VJPS.get(key)
    if rule is None:
        if key in NONDIFFERENTIABLE:
            return fn(*vals, **kwargs)
        rule = derived_rule(key)
        if rule is None:
            if _any_connected(args):
                raise NotDifferentiableError(_missing_message(key))
            return _wrap(fn(*vals, **kwargs))
    ans = fn(*vals, **kwargs)
    rec = _state.recording
    if not rec:
        return _wrap(ans)
    return _record(rule, ans, args, vals, rule_kwargs, rec, nested)


_PLAIN_DEFAULTS = (type(None), bool, int, float, str)
_SIGNATURES = {}


def _positional_params(fn):
    """(name, default) of fn's positional parameters, or None; cached per function."""
    try:
        return _SIGNATURES[fn]
    except (KeyError, TypeError):
        pass
    import inspect
    try:
        params = [(p.name, p.default) for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = None
    try:
        _SIGNATURES[fn] = params
    except TypeError:
        pass
    return params


def _as_positional(fn, args, kwargs):
    """Move traced keyword arguments into their positions (rules are per position).

    ``np.trapezoid(y, x=x)`` becomes ``np.trapezoid(y, x)``.  Skipped positions
    are filled with their defaults only when those are plain values (None,
    numbers, strings), which equal leaving them out; otherwise, and for
    keyword-only parameters, the call is left as it is (a traced keyword is
    then refused with a fix-it message).
    """
    params = _positional_params(fn)
    if not params:
        return args, kwargs
    names = [name for name, _ in params]
    traced = [k for k, v in kwargs.items() if isinstance(v, TracedArray)]
    if any(k not in names for k in traced):
        return args, kwargs
    last = max(names.index(k) for k in traced)
    if last < len(args):
        return args, kwargs
    new_args, rest = list(args), dict(kwargs)
    for name, default in params[len(args):last + 1]:
        if name in rest:
            new_args.append(rest.pop(name))
        elif isinstance(default, _PLAIN_DEFAULTS):
            new_args.append(default)
        else:
            return args, kwargs
    return tuple(new_args), rest


def _unwrap_kwargs(key, args, kwargs):
    if kwargs.get("out") is not None:
        raise TypeError(
            f"{public_name(key)}(..., out=...) writes in place, which npgrad does "
            "not record; assign the result instead (y = f(...)).")
    kwargs = dict(kwargs)
    kwargs.pop("out", None)
    # NumPy may permute an input it is allowed to overwrite, and the tape
    # holds that array: keep the hint from reaching it.
    kwargs.pop("overwrite_input", None)
    for k, v in kwargs.items():
        if isinstance(v, TracedArray):
            if v.dtype.kind in "fc" and _connected_to_any(v):
                raise NotDifferentiableError(
                    f"{public_name(key)}: the keyword argument {k}= is traced, but "
                    "npgrad differentiates only positional arguments. Pass it "
                    "positionally if the function allows, or as a constant with "
                    f"npgrad.stop_gradient({k}) if its gradient is not wanted.")
            kwargs[k] = v._value
    return kwargs


def _wrap(ans):
    if isinstance(ans, (tuple, list)):
        items = [TracedArray(a) if isinstance(a, (np.ndarray, np.generic)) else a
                 for a in ans]
        if hasattr(ans, "_fields"):
            return type(ans)(*items)
        return items if isinstance(ans, list) else tuple(items)
    if isinstance(ans, (np.ndarray, np.generic)):
        return TracedArray(ans)
    return ans


def _connected(a, tok):
    for e in _leaves(a):
        if tok in e._tapes:
            return True
    return False


def _is_tensor(a):
    for _ in _leaves(a):
        return True
    return False


def _connected_to_any(a):
    for tape in _state.recording:
        if (tape._all and _is_tensor(a)) or _connected(a, tape._token):
            return True
    return False


def _any_connected(args):
    for a in args:
        if _connected_to_any(a):
            return True
    return False


def _record(rule, ans, args, vals, kwargs, rec, nested=False):
    # Several outputs: a tuple (or namedtuple) or a list of arrays (np.split)
    multi = isinstance(ans, (tuple, list))
    if multi:
        items = tuple(TracedArray(a) for a in ans)
        out = type(ans)(*items) if hasattr(ans, "_fields") else \
            list(items) if isinstance(ans, list) else items
    else:
        out = TracedArray(ans)
    toks = ()
    for tape in rec:
        tok = tape._token
        if tape._all:
            positions = tuple(i for i, a in enumerate(args) if _is_tensor(a))
        elif not nested and len(args) <= 2:
            # the operator / unary-ufunc case, unrolled
            a = args[0]
            c0 = isinstance(a, TracedArray) and tok in a._tapes
            if len(args) == 2:
                b = args[1]
                c1 = isinstance(b, TracedArray) and tok in b._tapes
                positions = (0, 1) if c0 and c1 else (0,) if c0 else (1,) if c1 else ()
            else:
                positions = (0,) if c0 else ()
        else:
            positions = tuple(i for i, a in enumerate(args) if _connected(a, tok))
        if positions and (not rule.complete or positions[-1] >= rule.nmax):
            positions = _check_positions(rule, positions, args)
        if positions:
            tape._entries.append((out, rule, args, vals, kwargs, positions))
            toks += (tok,)
    if toks:
        if multi:
            for o in out:
                o._tapes = toks
        else:
            out._tapes = toks
    return out


def _check_positions(rule, positions, args):
    """The positions that carry a gradient; raise for a float one without a rule.

    A connected integer or boolean argument in a position without a rule is a
    constant (an index, an exponent): it is dropped, not an error.
    """
    kept = []
    for i in positions:
        if rule.has_rule(i):
            kept.append(i)
            continue
        if any(e.dtype.kind in "fc" for e in _leaves(args[i])):
            raise NotDifferentiableError(_missing_message(rule.key, i))
    return tuple(kept)


def record_custom(rule, ans, inputs):
    """Record an operation computed outside dispatch (custom_gradient, Variable reads)."""
    rec = _state.recording
    if not rec:
        return _wrap(ans)
    return _record(rule, ans, tuple(inputs), tuple(raw(a) for a in inputs), {}, rec,
                   nested=True)


# --------------------------------------------------------------------------
# Names and messages (error paths only)


def public_name(key):
    if isinstance(key, tuple):
        return f"{public_name(key[0])}.{key[1]}"
    if key is operator.getitem:
        return "indexing (x[...])"
    name = getattr(key, "__name__", repr(key))
    if isinstance(key, np.ufunc):
        if getattr(np, name, None) is key:
            return f"np.{name}"
        try:
            import scipy.special as sc
            if getattr(sc, name, None) is key:
                return f"scipy.special.{name}"
        except ImportError:  # pragma: no cover
            pass
        return name
    module = getattr(key, "__module__", "") or ""
    for public, mod in (("np.linalg", np.linalg), ("np.fft", np.fft), ("np", np)):
        if getattr(mod, name, None) is key:
            return f"{public}.{name}"
    if module.startswith("numpy"):
        return f"np.{name}"
    return f"{module}.{name}" if module else name


def _missing_message(key, i=None):
    name = public_name(key)
    where = f" in argument {i}" if i is not None else ""
    return (f"npgrad has no gradient rule for {name}{where}. Register one with "
            f"npgrad.defvjp({name}, rule, ...), or treat the input as a constant "
            f"with npgrad.stop_gradient(x).")


# --------------------------------------------------------------------------
# Derived rules: ufunc methods built from the elementwise rule


def derived_rule(key):
    """A rule for ``(ufunc, 'outer')`` from the ufunc's own rule; cached in VJPS."""
    if not (isinstance(key, tuple) and key[1] == "outer"):
        return None
    base = VJPS.get(key[0])
    if base is None or base.all is not None:
        return None

    def lift(r, i):
        if r is None:
            return None

        def outer_rule(g, ans, x, y, **kwargs):
            xe = np.reshape(x, np.shape(x) + (1,) * np.ndim(y))
            gi = r(g, ans, xe, y, **kwargs)
            if i == 0:
                return np.reshape(sum_to(gi, np.shape(xe)), np.shape(x))
            return gi
        return outer_rule

    rule = Rule(key, per_arg=[lift(r, i) for i, r in enumerate(base.per_arg)])
    VJPS[key] = rule
    return rule


# --------------------------------------------------------------------------
# Fitting a cotangent to its argument (the one place that does it)


def sum_to(g, shape):
    """Sum ``g`` over the axes that broadcasting added to reach its shape from ``shape``."""
    # .shape, not np.shape: the latter is a dispatched function, a few µs per call
    gshape = g.shape if hasattr(g, "shape") else np.shape(g)
    if gshape == shape:
        return g
    # np.add.reduce rather than np.sum: the same reduction without np.sum's
    # Python wrapper, which is most of the cost for small arrays
    lead = len(gshape) - len(shape)
    if lead > 0:
        g = np.add.reduce(g, axis=tuple(range(lead)))
        gshape = gshape[lead:]
    axes = tuple(i for i, (n, m) in enumerate(zip(shape, gshape)) if n == 1 and m != 1)
    if axes:
        g = np.add.reduce(g, axis=axes, keepdims=True)
    return g


def fit_to(g, x):
    """Make cotangent ``g`` fit argument ``x``: shape, then dtype.

    Sums broadcast axes, broadcasts a reduced gradient back up, casts to the
    argument's floating dtype and drops the imaginary part for a real
    argument.  Returns None for integer and boolean arguments (constants).
    """
    xshape = x.shape
    if g.shape != xshape:
        g = _fit_shape(g, xshape)
    xd = x.dtype
    if g.dtype != xd:
        kind = xd.kind
        if kind == "f":
            if g.dtype.kind == "c":
                g = np.real(g)
            g = g.astype(xd)
        elif kind == "c":
            g = g.astype(xd)
        else:
            return None
    return g


class IndexedSlices:
    """A cotangent that is zero except at ``x[key]``, where it is ``values``.

    The transpose of indexing returns one on plain arrays when ``key`` cannot
    select an element twice, so the sweep adds ``values`` into the gradient
    buffer at ``key`` in place instead of materialising zeros and adding
    them (the name is TensorFlow's; npgrad always hands out dense results).
    """
    __slots__ = ("key", "values")

    def __init__(self, key, values):
        self.key, self.values = key, values


def _add_slices(grads, owned, key, x, gi):
    values = gi.values
    if x.dtype.kind != "c" and np.iscomplexobj(values):
        values = np.real(values)
    prev = grads.get(key)
    if prev is None or owned is None or owned.get(key) is not prev:
        buf = np.zeros(x.shape, x.dtype) if prev is None else np.array(prev)
        grads[key] = buf
        if owned is not None:
            owned[key] = buf
        prev = buf
    prev[gi.key] += values


_VIEW_SIZE = 1 << 16
"""Broadcast reduced gradients of at least this many elements as read-only views;
smaller ones are materialised, which is cheaper than np.broadcast_to's setup."""


def _fit_shape(g, shape):
    g = sum_to(g, shape)
    gshape = g.shape
    if gshape != shape:
        # g must broadcast to shape as it is (a reduced gradient's kept axes)
        if len(gshape) > len(shape) or any(
                n != 1 and n != m for n, m in zip(gshape[::-1], shape[::-1])):
            raise _RuleShapeError(gshape, shape)
        if type(g) is np.ndarray and g.size and math.prod(shape) < _VIEW_SIZE:
            out = np.empty(shape, g.dtype)
            out[...] = g
            return out
        g = np.broadcast_to(g, shape)
    return g


class _RuleShapeError(ValueError):
    pass


def _as_array(g):
    return g if hasattr(g, "shape") else np.asarray(g)


# --------------------------------------------------------------------------
# The reverse sweep


def _conj_if_complex(x):
    if x.dtype.kind == "c":
        return np.conj(x)
    return x


def backward(tape, seeds, sources, stop=(), release=False, prune=True):
    """Cotangents of ``sources`` on ``tape`` given ``seeds`` {id: (tensor, g)}.

    Returns a list with one entry per source: the accumulated cotangent in
    the TensorFlow convention, or None where the source is unconnected.
    ``release`` frees each entry as soon as it is processed (non-persistent
    tapes).  ``prune`` skips entries that do not depend on a source.
    """
    entries = tape._entries
    traced = bool(_state.recording)
    grads = {}
    for key, (t, g) in seeds.items():
        grads[key] = _conj_if_complex(g)
    source_ids = {id(s) for s in sources}
    results = {}
    stop_ids = {id(s) for s in stop}
    live = _reach(entries, source_ids) if prune else None
    # owned[key] is the cotangent array this sweep allocated for key, which
    # further contributions may be added to in place; anything else (a rule's
    # output, possibly shared) is never written to.
    owned = {} if not traced else None
    pop = grads.pop
    # Entries are popped from the end (the reverse sweep order).  Releasing
    # tapes pop their own list, so the values an entry holds are freed as the
    # sweep goes; persistent tapes pop from a copy and keep theirs.
    todo = entries if release else list(entries)
    next_entry = todo.pop
    while todo:
        entry = next_entry()
        if entry is None:
            continue
        out = entry[0]
        if type(out) is TracedArray:
            oid = id(out)
            g = pop(oid, None)
            if g is None:
                continue
            if owned:
                owned.pop(oid, None)
            if oid in source_ids:
                results[oid] = g
                if oid in stop_ids:
                    continue
            elif stop_ids and oid in stop_ids:
                continue
            ans = out if traced else out._value
        else:
            gs = [pop(id(o), None) for o in out]
            if all(g is None for g in gs):
                continue
            for o, g in zip(out, gs):
                if g is not None and id(o) in source_ids:
                    results[id(o)] = g
            if stop_ids and all(id(o) in stop_ids for o in out):
                continue
            g = tuple(np.zeros_like(o._value) if g is None else g
                      for o, g in zip(out, gs))
            ans = out if traced else tuple(o._value for o in out)
        _, rule, args, vals, kwargs, positions = entry
        if live is not None:
            positions = [i for i in positions if live(args[i])]
            if not positions:
                continue
        A = args if traced else vals
        if rule.all is not None:
            gall = rule.all(g, ans, *A, **kwargs)
            for i in positions:
                _accumulate(grads, owned, rule, i, args[i], A[i], gall[i])
            continue
        per_arg = rule.per_arg
        for i in positions:
            gi = per_arg[i](g, ans, *A, **kwargs) if kwargs else per_arg[i](g, ans, *A)
            arg = args[i]
            if gi is None or not isinstance(arg, TracedArray):
                _accumulate(grads, owned, rule, i, arg, A[i], gi)
                continue
            # inline of _accumulate for the common case: an array argument
            # whose cotangent already fits
            x = A[i]
            tg = type(gi)
            # NumPy scalars of one type share shape and dtype; arrays are compared
            if tg is not type(x) or (tg is np.ndarray and (
                    gi.shape != x.shape or gi.dtype != x.dtype)) or tg is TracedArray:
                _accumulate(grads, owned, rule, i, arg, x, gi)
                continue
            key = id(arg)
            prev = grads.get(key)
            if prev is None:
                grads[key] = gi
            else:
                _add_into(grads, owned, key, prev, gi)
    out = []
    for s in sources:
        sid = id(s)
        g = results.get(sid)
        if g is None:
            g = grads.get(sid)
        out.append(None if g is None else _conj_if_complex(_as_array(g)))
    return out


def _accumulate(grads, owned, rule, i, arg, x, gi):
    if gi is None:
        return
    if type(arg) is list or type(arg) is tuple:
        for e, xe, ge in zip(arg, x, gi):
            if ge is not None:
                _accumulate(grads, owned, rule, i, e, xe, ge)
        return
    if not isinstance(arg, TracedArray):
        return
    if type(gi) is IndexedSlices:
        if x.dtype.kind in "fc":
            _add_slices(grads, owned, id(arg), x, gi)
        return
    try:
        gi = fit_to(_as_array(gi), x)
    except _RuleShapeError as e:
        gshape, xshape = e.args
        raise AssertionError(
            f"VJP for {public_name(rule.key)}, argument {i}: returned shape "
            f"{gshape} for input of shape {xshape}") from None
    if gi is None:
        return
    key = id(arg)
    prev = grads.get(key)
    if prev is None:
        grads[key] = gi
    else:
        _add_into(grads, owned, key, prev, gi)


def _add_into(grads, owned, key, prev, gi):
    """Accumulate a second contribution: in place when this sweep owns the buffer."""
    if owned is None:                      # recorded sweep: stay functional
        grads[key] = prev + gi
    elif owned.get(key) is prev:
        prev += gi
    else:
        total = prev + gi
        grads[key] = total
        if type(total) is np.ndarray:
            owned[key] = total


def _reach(entries, source_ids):
    """A predicate: does this argument depend on a source? (forward pass over the tape)"""
    reached = set(source_ids)
    for entry in entries:
        if entry is None:
            continue
        out, _, args, _, _, positions = entry
        for i in positions:
            if any(id(e) in reached for e in _leaves(args[i])):
                if type(out) is TracedArray:
                    reached.add(id(out))
                else:
                    reached.update(id(o) for o in out)
                break

    def live(a):
        return any(id(e) in reached for e in _leaves(a))
    return live
