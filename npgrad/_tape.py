"""GradientTape, Variable, graph mode (``npgrad.function`` + ``gradients``).

The sweep itself is :func:`npgrad._core.backward`; this module turns the
public arguments (targets, sources, upstream gradients, unconnected policy)
into seeds for it and the results back into the caller's structures.
"""

import contextlib
import enum
import functools
import itertools

import numpy as np

from . import _nest as nest
from ._core import (TracedArray, _state, apply, backward, raw, is_traced)

# --------------------------------------------------------------------------
# Unconnected gradients


class UnconnectedGradients(enum.Enum):
    """What a gradient is when the target does not depend on the source.

    ``NONE`` (``'none'``) gives None; ``ZERO`` (``'zero'``) gives zeros of the
    source's shape and dtype.

    Example
    -------
    >>> import npgrad
    >>> npgrad.UnconnectedGradients("zero") is npgrad.UnconnectedGradients.ZERO
    True
    """
    NONE = "none"
    ZERO = "zero"


def unconnected_policy(value):
    try:
        return UnconnectedGradients(value)
    except ValueError:
        raise ValueError(f"Unknown value for unconnected_gradients: {value!r}") from None


# --------------------------------------------------------------------------
# Results


def exit_values(struct):
    """Top-level results are plain ndarrays; under a recording tape they stay traced."""
    if _state.recording:
        return struct
    return nest.map_structure(
        lambda v: np.asarray(v._value) if isinstance(v, TracedArray) else v, struct)


def _finish(g, source, unconnected):
    if g is not None and source.dtype.kind not in "fc":
        g = None            # integer and boolean sources are constants
    if g is None:
        if unconnected is UnconnectedGradients.ZERO:
            z = np.zeros(source.shape, source.dtype)
            return TracedArray(z) if _state.recording else z
        return None
    if _state.recording:
        return g if isinstance(g, TracedArray) else TracedArray(g)
    g = np.asarray(g)
    if not g.flags.writeable:
        g = g.copy()
    return g


def _seed(target, og):
    """The upstream gradient of one target: ones, or ``og`` broadcast to the target."""
    shape, dtype = target.shape, target.dtype
    if og is None:
        return np.ones(shape, dtype)
    if not isinstance(og, TracedArray):
        og = np.array(og)
    if og.dtype.kind == "c" and dtype.kind != "c":
        raise ValueError(
            f"output gradient of dtype {og.dtype} given for a real target of dtype {dtype}")
    try:
        full = np.broadcast_shapes(og.shape, shape)
    except ValueError:
        full = None
    if full != shape:
        raise ValueError(
            f"output gradient of shape {og.shape} does not broadcast to its target's "
            f"shape {shape}")
    if og.shape != shape:
        og = np.broadcast_to(og, shape)
    if og.dtype != dtype and dtype.kind in "fc":
        og = og.astype(dtype)
    return og


def match_upstream(target, og):
    """Upstream gradients matched to the flattened targets; None means ones.

    A single-array target takes ``og`` whole (a list of numbers is one
    array); containers are matched element by element, missing trailing
    entries meaning ones.
    """
    out = []
    _match(target, og, out)
    return out


def _match(t, o, out):
    if not nest.is_container(t):
        out.append(o)
    elif o is None:
        out.extend([None] * len(nest.flatten(t)))
    elif isinstance(t, dict):
        for k in sorted(t):
            _match(t[k], o.get(k) if isinstance(o, dict) else None, out)
    else:
        items = list(o) if isinstance(o, (list, tuple)) else [o]
        for j, tj in enumerate(t):
            _match(tj, items[j] if j < len(items) else None, out)


def gradients_on(tape, targets, upstream, sources, unconnected,
                 stop=(), release=False, prune=True):
    """Cotangents of flat ``sources`` for flat ``targets`` seeded by ``upstream``."""
    seeds = {}
    for t, og in zip(targets, upstream):
        if not isinstance(t, TracedArray):
            continue
        g = _seed(t, og)
        key = id(t)
        if key in seeds:
            g = seeds[key][1] + g
        seeds[key] = (t, g)
    grads = backward(tape, seeds, sources, stop=stop, release=release, prune=prune)
    return [_finish(g, s, unconnected) for g, s in zip(grads, sources)]


def jacobian_blocks(tape, target, sources, unconnected, zeros_if_unconnected=False):
    """Per source, the Jacobian ``target.shape + source.shape`` (None if unconnected)."""
    if not isinstance(target, TracedArray):
        rows = [[None] * len(sources)]
        n = 0
    else:
        n = target.size
        rows = []
        for j in range(n):
            seed = np.zeros(n, target.dtype)
            seed[j] = 1
            seeds = {id(target): (target, seed.reshape(target.shape))}
            rows.append(backward(tape, seeds, sources))
    shape = target.shape if isinstance(target, TracedArray) else np.shape(target)
    out = []
    for k, s in enumerate(sources):
        col = [r[k] for r in rows] if n else []
        if all(c is None for c in col):
            if zeros_if_unconnected or unconnected is UnconnectedGradients.ZERO:
                z = np.zeros(tuple(shape) + s.shape, s.dtype)
                out.append(TracedArray(z) if _state.recording else z)
            else:
                out.append(None)
            continue
        col = [_finish(c, s, UnconnectedGradients.ZERO) for c in col]
        block = np.reshape(np.stack(col), tuple(shape) + s.shape)
        out.append(block)
    return out


# --------------------------------------------------------------------------
# GradientTape


class GradientTape:
    """Record operations for automatic differentiation (``tf.GradientTape``).

    Operations are recorded when they run inside the ``with`` block and an
    input is watched (by :meth:`watch`, by reading a trainable
    :class:`Variable`, or by being computed from a watched array).

    Example
    -------
    >>> import npgrad
    >>> x = npgrad.constant(3.0)
    >>> with npgrad.GradientTape() as g:
    ...     x = g.watch(x)
    ...     y = x * x
    >>> g.gradient(y, x)
    array(6.)

    Nested tapes give higher derivatives:

    >>> with npgrad.GradientTape() as g:
    ...     with npgrad.GradientTape() as gg:
    ...         x = gg.watch(x)
    ...         y = x * x
    ...     dy_dx = gg.gradient(y, x)
    >>> g.gradient(dy_dx, x)
    array(2.)
    """

    _all = False    # record every operation on any TracedArray (graph mode)

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._token = None
        self._entries = []
        self._watched = {}
        self._variables = {}
        self._recording = False
        self._used = False

    # ---- context ----
    def __enter__(self):
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to "
                             "re-enter an already-active tape.")
        if self._token is None:
            self._new_token()
        self._push()
        return self

    def __exit__(self, typ, value, traceback):
        if self._recording:
            self._pop()
        return False

    def _new_token(self):
        # The token marks arrays connected to this tape; (token,) is cached
        # because every array recorded on this tape alone carries it.
        self._token = object()
        self._toks = (self._token,)

    def _push(self):
        self._recording = True
        _state.recording = _state.recording + (self,)

    def _pop(self):
        self._recording = False
        _state.recording = tuple(t for t in _state.recording if t is not self)

    def __del__(self):
        try:
            self._release()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass

    def _release(self):
        """Drop the record and the marks this tape left on watched arrays."""
        tok = self._token
        for t in self._watched.values():
            if tok in t._tapes:
                t._tapes = tuple(k for k in t._tapes if k is not tok)
        self._watched = {}
        self._entries = []

    # ---- watching ----
    def _watch_one(self, t):
        tok = self._token
        if tok not in t._tapes:
            t._tapes = t._tapes + (tok,)
        self._watched[id(t)] = t
        if isinstance(t, Variable):
            self._variables[t] = None

    def watch(self, tensor):
        """Watch ``tensor`` (an array, Variable or nested structure of them).

        Returns the watched structure: a TracedArray or Variable is watched in
        place and returned as is; a plain ndarray or number is converted to a
        new TracedArray, which is returned and must be used from then on.
        The array is also watched on every enclosing tape that is recording.

        Example
        -------
        >>> import numpy as np, npgrad
        >>> with npgrad.GradientTape() as tape:
        ...     x = tape.watch(np.array(3.0))
        ...     y = x ** 2
        >>> tape.gradient(y, x)
        array(6.)
        """
        if self._token is None:
            raise RuntimeError("GradientTape.watch was called before the tape was "
                               "entered; call it inside `with GradientTape() as tape:`.")
        rec = _state.recording
        tapes = [self]
        if self._recording:
            k = next(i for i, t in enumerate(rec) if t is self)
            tapes += [t for t in rec[:k] if not t._all]

        def one(leaf):
            if isinstance(leaf, TracedArray):
                t = leaf
            elif isinstance(leaf, (np.ndarray, np.generic, float, int, complex)):
                t = TracedArray(np.asarray(leaf))
            else:
                raise ValueError(f"Passed in object {leaf!r} of type "
                                 f"{type(leaf).__name__!r}, not an array or npgrad.Variable.")
            for tape in tapes:
                tape._watch_one(t)
            return t
        return nest.map_structure(one, tensor)

    def watched_variables(self):
        """The Variables this tape watched, in creation order (a tuple)."""
        return tuple(sorted(self._variables, key=lambda v: v._index))

    # ---- recording control ----
    @contextlib.contextmanager
    def stop_recording(self):
        """A context in which operations are not recorded on this tape.

        Example
        -------
        >>> import npgrad
        >>> x = npgrad.constant(3.0)
        >>> with npgrad.GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     with tape.stop_recording():
        ...         y = x ** 2
        >>> tape.gradient(y, x) is None
        True
        """
        if self._token is None:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        if not self._recording:
            raise ValueError("Tape is not recording.")
        saved = _state.recording
        self._pop()
        try:
            yield
        finally:
            self._recording = True
            _state.recording = saved

    def reset(self):
        """Forget everything recorded and watched, and keep recording.

        Example
        -------
        >>> import npgrad
        >>> x = npgrad.constant(3.0)
        >>> with npgrad.GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     y = x * x
        ...     tape.reset()
        ...     x = tape.watch(x)
        ...     z = y + 2 * x
        >>> tape.gradient(z, x)
        array(2.)
        """
        if not self._recording:
            raise ValueError("Tape is not recording.")
        self._release()
        self._variables = {}
        self._new_token()
        self._used = False

    # ---- gradients ----
    def _begin_use(self):
        if self._token is None or (self._used and not self._persistent):
            raise RuntimeError("A non-persistent GradientTape can only be used to compute "
                               "one set of gradients (or jacobians)")
        if not self._persistent:
            self._used = True
            if self._recording:
                self._pop()

    def _end_use(self):
        if not self._persistent:
            self._release()

    def _sources(self, sources):
        flat = nest.flatten(sources)
        for s in flat:
            if not isinstance(s, TracedArray):
                raise TypeError(
                    f"a source of type {type(s).__name__} is not a traced array: "
                    "GradientTape.watch returns the array to use (x = tape.watch(x)); "
                    "differentiate with respect to that.")
        return flat

    def _prune(self, flat_sources):
        ids = {id(s) for s in flat_sources}
        return any(k not in ids for k in self._watched)

    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """Gradient of ``target`` (summed over its elements) with respect to ``sources``.

        Parameters
        ----------
        target : array or nested structure of arrays, each summed.
        sources : array or nested structure; the result has the same structure.
        output_gradients : upstream gradients, one per flattened target, each
            broadcastable to its target (None entries and missing trailing
            entries mean ones).
        unconnected_gradients : ``'none'`` (default) or ``'zero'``.

        Example
        -------
        >>> import npgrad
        >>> x = npgrad.constant([1.0, 2.0, 3.0])
        >>> with npgrad.GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     y = x * x
        >>> tape.gradient(y, [x], output_gradients=[1.0, 0.0, 2.0])
        [array([ 2.,  0., 12.])]
        """
        unconnected = unconnected_policy(unconnected_gradients)
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of "
                            "arrays or Variables to be differentiated, but received None.")
        self._begin_use()
        flat_sources = self._sources(sources)
        targets = nest.flatten(target)
        upstream = match_upstream(target, output_gradients)
        try:
            grads = gradients_on(self, targets, upstream, flat_sources, unconnected,
                                 release=not self._persistent,
                                 prune=self._prune(flat_sources))
        finally:
            self._end_use()
        return nest.pack(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Jacobian of a single array ``target``: shape ``target.shape + source.shape``.

        Example
        -------
        >>> import npgrad
        >>> x = npgrad.constant([1.0, 2.0])
        >>> with npgrad.GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     y = x * x
        >>> tape.jacobian(y, x)
        array([[2., 0.],
               [0., 4.]])
        """
        unconnected = unconnected_policy(unconnected_gradients)
        if nest.is_container(target):
            raise TypeError("GradientTape.jacobian takes a single target array, not a "
                            f"{type(target).__name__}; call it once per target.")
        if not self._persistent and not experimental_use_pfor:
            raise RuntimeError("GradientTape must be created with persistent=True to compute "
                               "the jacobian with eager execution enabled and with "
                               "experimental_use_pfor set to False.")
        self._begin_use()
        flat_sources = self._sources(sources)
        try:
            blocks = jacobian_blocks(self, target, flat_sources, unconnected)
        finally:
            self._end_use()
        return nest.pack(sources, blocks)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobians: ``result[i]`` is d target[i] / d source[i].

        Shape ``(b,) + target.shape[1:] + source.shape[1:]``.  Dependence across
        the batch is assumed absent (not checked).  An unconnected source gives
        zeros, as in TensorFlow.

        Example
        -------
        >>> import numpy as np, npgrad
        >>> x = npgrad.constant([[1.0, 2.0], [3.0, 4.0]])
        >>> with npgrad.GradientTape() as tape:
        ...     x = tape.watch(x)
        ...     y = x * x
        >>> tape.batch_jacobian(y, x)[1]
        array([[6., 0.],
               [0., 8.]])
        """
        unconnected_policy(unconnected_gradients)
        if nest.is_container(source):
            raise TypeError("GradientTape.batch_jacobian takes a single source array.")
        tshape, sshape = np.shape(target), np.shape(source)
        for shape in (tshape, sshape):
            if len(shape) < 2:
                raise ValueError(f"Shape {shape} must have rank at least 2")
        if tshape[0] != sshape[0]:
            raise ValueError(f"Need first dimension of target shape ({tshape}) and source "
                             f"shape ({sshape}) to match.")
        if not self._persistent and not experimental_use_pfor:
            raise RuntimeError("GradientTape must be created with persistent=True to compute "
                               "the batch_jacobian with eager execution enabled and with "
                               "experimental_use_pfor set to False.")
        self._begin_use()
        (src,) = self._sources([source])
        try:
            b = tshape[0]
            m = int(np.prod(tshape[1:]))
            cols = []
            for j in range(m):
                seed = np.zeros((b, m), target.dtype if isinstance(target, TracedArray)
                                else np.float64)
                seed[:, j] = 1
                if isinstance(target, TracedArray):
                    seeds = {id(target): (target, seed.reshape(tshape))}
                    (g,) = backward(self, seeds, [src])
                else:
                    g = None
                cols.append(_finish(g, src, UnconnectedGradients.ZERO))
            out = np.reshape(np.stack(cols, axis=1), tshape + sshape[1:])
        finally:
            self._end_use()
        return out


# --------------------------------------------------------------------------
# Variable

_variable_index = itertools.count()


class Variable(TracedArray):
    """A mutable array whose reads are watched automatically (``tf.Variable``).

    Inside a :class:`GradientTape` with ``watch_accessed_variables=True``,
    any use of a trainable Variable in an operation watches it.  ``assign``
    replaces the value; the gradient is then taken at the new value.

    Example
    -------
    >>> import npgrad
    >>> v = npgrad.Variable(2.0)
    >>> with npgrad.GradientTape() as tape:
    ...     y = v * v
    >>> tape.gradient(y, v)
    array(4.)
    """

    __slots__ = ("trainable", "name", "_index")

    def __init__(self, initial_value, trainable=True, dtype=None, name=None):
        if callable(initial_value):
            initial_value = initial_value()
        value = np.array(raw(initial_value), dtype=dtype)
        if value.dtype.kind in "iu" and dtype is None and isinstance(initial_value, float):
            value = value.astype(np.float64)
        super().__init__(value)
        self.trainable = bool(trainable)
        self._index = next(_variable_index)
        self.name = name if name is not None else f"Variable:{self._index}"

    def _read(self):
        reads = _state.variable_reads
        if reads is not None:
            reads.append(self)
        if self.trainable:
            for tape in _state.recording:
                if tape._watch_accessed and tape._token not in self._tapes:
                    tape._watch_one(self)
        return self._value

    def read_value(self):
        """The current value as a new TracedArray (recorded as a read)."""
        return apply(_identity, _identity_raw, (self,), {})

    def value(self):
        return self.read_value()

    def numpy(self):
        """The current value as a plain ndarray (a copy)."""
        self._read()
        return np.array(self._value)

    def assign(self, value):
        """Replace the value (same shape and dtype); returns the Variable.

        Example
        -------
        >>> import npgrad
        >>> npgrad.Variable(1.0).assign(5.0).numpy()
        array(5.)
        """
        new = np.asarray(raw(value), dtype=self._value.dtype)
        if new.shape != self._value.shape:
            raise ValueError(f"Cannot assign a value of shape {new.shape} to a Variable of "
                             f"shape {self._value.shape}.")
        self._value = np.array(new)
        return self

    def assign_add(self, delta):
        """Add ``delta`` to the value in place; returns the Variable."""
        return self.assign(self._value + raw(delta))

    def assign_sub(self, delta):
        """Subtract ``delta`` from the value in place; returns the Variable."""
        return self.assign(self._value - raw(delta))

    def __repr__(self):
        return (f"<npgrad.Variable {self.name!r} shape={self.shape} dtype={self.dtype}, "
                f"numpy={np.asarray(self._value)!r}>")

    __str__ = __repr__


def _identity_raw(x):
    return x


def _identity(x):
    """Identity as a recorded operation: a new array object with the same value."""
    if isinstance(x, TracedArray):
        return apply(_identity, _identity_raw, (x,), {})
    return x


# --------------------------------------------------------------------------
# Graph mode: npgrad.function + npgrad.gradients


class _GraphTape(GradientTape):
    _all = True

    def __init__(self):
        super().__init__(persistent=True, watch_accessed_variables=False)
        self._new_token()


def current_graph():
    for tape in reversed(_state.recording):
        if tape._all:
            return tape
    return None


class function:
    """Graph mode, the analogue of ``tf.function``: a decorator and a context manager.

    Inside it every operation on a TracedArray is recorded, so
    :func:`gradients` can differentiate anything computed there.  Array
    arguments of a decorated function are converted to TracedArrays;
    results at the top level are plain ndarrays.

    Example
    -------
    >>> import npgrad
    >>> @npgrad.function
    ... def example():
    ...     a = npgrad.constant(0.)
    ...     b = 2 * a
    ...     return npgrad.gradients(a + b, [a, b], stop_gradients=[a, b])
    >>> example()
    [array(1.), array(1.)]
    """

    def __init__(self, func=None, **options):
        self._func = func
        self._graph = None
        if func is not None:
            functools.update_wrapper(self, func)

    def __call__(self, *args, **kwargs):
        if self._func is None:
            if len(args) == 1 and callable(args[0]) and not kwargs:
                return function(args[0])
            raise TypeError("npgrad.function() used as a context manager is not callable")
        args = nest.map_structure(
            lambda a: TracedArray(a) if isinstance(a, np.ndarray) else a, list(args))
        with function():
            out = self._func(*args, **kwargs)
        return exit_values(out)

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        return functools.partial(self.__call__, obj)

    def __enter__(self):
        self._graph = _GraphTape()
        self._graph._push()
        return self

    def __exit__(self, typ, value, traceback):
        self._graph._pop()
        self._graph = None
        return False


_AGGREGATION_METHODS = (None, 0, 1, 2, "add_n", "experimental_tree",
                        "experimental_accumulate_n")


def gradients(ys, xs, grad_ys=None, name="gradients", gate_gradients=False,
              aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """Symbolic derivatives of ``sum(ys)`` with respect to each of ``xs`` (``tf.gradients``).

    Valid only inside :class:`function` (graph mode).  Returns a list with
    one entry per ``x``.  ``grad_ys`` must have exactly one entry per ``y``
    (None entries mean ones).  ``stop_gradients`` are treated as constants.

    Example
    -------
    >>> import npgrad
    >>> @npgrad.function
    ... def total():
    ...     a = npgrad.constant(0.)
    ...     b = 2 * a
    ...     return npgrad.gradients(a + b, [a, b])
    >>> total()
    [array(3.), array(1.)]
    """
    graph = current_graph()
    if graph is None:
        raise RuntimeError("npgrad.gradients is not supported when eager execution is "
                           "enabled (outside npgrad.function). Use npgrad.GradientTape "
                           "instead.")
    unconnected = unconnected_policy(unconnected_gradients)
    if aggregation_method not in _AGGREGATION_METHODS:
        raise ValueError(f"Invalid aggregation_method specified {aggregation_method}.")
    single_y = not isinstance(ys, (list, tuple))
    ys = [ys] if single_y else list(ys)
    xs = list(xs) if isinstance(xs, (list, tuple)) else [xs]
    if grad_ys is None:
        grad_ys = [None] * len(ys)
    elif single_y:
        # one target: a one-element list is its gradient, any other list is one array
        one = isinstance(grad_ys, (list, tuple)) and len(grad_ys) == 1
        grad_ys = [grad_ys[0] if one else grad_ys]
    else:
        grad_ys = list(grad_ys) if isinstance(grad_ys, (list, tuple)) else [grad_ys]
        if len(grad_ys) != len(ys):
            raise ValueError(f"Length mismatch. Passed {len(grad_ys)} grad_ys for "
                             f"{len(ys)} ys")
    for y, gy in zip(ys, grad_ys):
        if gy is None and isinstance(y, TracedArray) and y.dtype.kind == "c":
            raise TypeError(f"Gradients of complex tensors ({y!r}) must set grad_ys "
                            f"(y.dtype = {y.dtype})")
    stop = [s for s in nest.flatten(stop_gradients) if isinstance(s, TracedArray)] \
        if stop_gradients is not None else []
    for x in xs:
        if not isinstance(x, TracedArray):
            raise TypeError(
                f"a source of type {type(x).__name__} is not a traced array: convert it "
                "with npgrad.constant (or npgrad.convert_to_tensor) and use the returned "
                "array in the computation, then differentiate with respect to that.")
    return gradients_on(graph, ys, grad_ys, xs, unconnected, stop=stop)


__all__ = ["GradientTape", "Variable", "UnconnectedGradients", "function", "gradients",
           "is_traced"]
