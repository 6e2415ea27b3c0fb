"""The VJP table: one entry per NumPy callable, plus the policy sets.

Keys are the callables themselves (``np.sin``, ``np.linalg.solve``,
``scipy.special.gammaln``), ``(ufunc, "reduce")``-style pairs for ufunc
methods, and ``operator.getitem`` for indexing.

A rule has the signature ``rule(g, ans, *args, **kwargs)``: ``g`` is the
cotangent of the output, ``ans`` the forward result, then the NumPy arguments
under NumPy's own parameter names and defaults (NEP 18 passes only the
keywords the caller used).  Rules hold only the math, written in public NumPy
so they are differentiable themselves.  They return ``g * f'(x)`` for a
holomorphic ``f`` (no conjugate: the engine converts to the TensorFlow
convention once per gradient call).  They may return a gradient with
broadcast or reduced axes and any dtype: the engine sums or broadcasts it to
the argument's shape, casts it to the argument's dtype and drops the
imaginary part for real arguments.
"""

VJPS = {}
"""key -> Rule."""

NONDIFFERENTIABLE = set()
"""Functions whose results are constants with respect to their inputs.

Two kinds share this set: piecewise-constant functions (``floor``, ``sign``,
``round``, comparisons, ``argmax``) whose derivative is zero almost
everywhere, and functions that return integers, booleans or metadata
(``shape``, ``isfinite``, ``nonzero``).  Either way the result is returned
as a plain ndarray, so a zero gradient is exact, never a lost one.
"""

LINEAR = set()
"""Functions linear in every differentiable argument (their VJP is their transpose).

``npgrad.testing`` checks these with an exact adjoint test, and forward mode
uses the function itself as its JVP.
"""


class Rule:
    """The gradient rules of one function."""

    __slots__ = ("key", "per_arg", "all", "complete", "nmax")

    def __init__(self, key, per_arg=(), all=None):
        self.key = key
        self.per_arg = tuple(per_arg)
        self.all = all
        # complete: every declared positional argument has a rule, so the hot
        # path needs no per-argument check up to position nmax - 1.
        self.complete = all is not None or (
            len(per_arg) > 0 and None not in per_arg)
        self.nmax = float("inf") if all is not None else len(self.per_arg)

    def has_rule(self, i):
        if self.all is not None:
            return True
        return i < len(self.per_arg) and self.per_arg[i] is not None


def _keys(func):
    # A list registers one rule under several keys; a tuple is one key
    # (``(np.add, "reduce")``).
    # None (a function missing from this NumPy version) registers nothing.
    keys = func if isinstance(func, (list, set, frozenset)) else (func,)
    return [k for k in keys if k is not None]


def defvjp(func, *rules):
    """Register gradient rules for ``func``, one per positional argument.

    Each rule is ``rule(g, ans, *args, **kwargs)`` and returns the cotangent
    of its argument; ``None`` in place of a rule means that argument is not
    differentiable (passing a traced array there raises
    :class:`npgrad.NotDifferentiableError`).

    Example
    -------
    >>> import numpy as np, npgrad
    >>> def cube(x):
    ...     return x ** 3
    >>> cube = npgrad.primitive(cube)
    >>> npgrad.defvjp(cube, lambda g, ans, x: 3 * g * x ** 2)
    >>> float(npgrad.grad(cube)(2.0))
    12.0
    """
    for key in _keys(func):
        VJPS[key] = Rule(key, per_arg=rules)
        NONDIFFERENTIABLE.discard(key)


def deflinear(func, *rules):
    """:func:`defvjp` for a function linear in its differentiable arguments."""
    defvjp(func, *rules)
    for key in _keys(func):
        LINEAR.add(key)


def defvjp_all(func, linear=False):
    """Decorator: register one rule returning the gradients of all arguments.

    The rule returns a tuple mirroring the positional arguments (a list of
    gradients for an argument that is a sequence of arrays); ``None`` entries
    mean no gradient.  Use it when the gradients share work (``solve``) or
    an argument is a sequence (``concatenate``, ``einsum`` operands).
    """
    def register(rule):
        for key in _keys(func):
            VJPS[key] = Rule(key, all=rule)
            NONDIFFERENTIABLE.discard(key)
            if linear:
                LINEAR.add(key)
        return rule
    return register


def nondifferentiable(*funcs):
    """Declare functions whose results are constants (see ``NONDIFFERENTIABLE``)."""
    for func in funcs:
        if func is not None:
            NONDIFFERENTIABLE.add(func)
            VJPS.pop(func, None)
