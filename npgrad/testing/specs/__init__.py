"""Test specs for the VJP table: how to draw valid inputs for each registry entry.

Every key of ``npgrad._registry.VJPS`` needs a spec; ``tests/test_rules.py``
fails for an entry without one.  Specs are data, declared next to their
family in ``npgrad/testing/specs/<family>.py`` with the two helpers below.

``elementwise(key, *domains, complex=True, order=2)``
    An elementwise function (a ufunc or a ufunc-like array function).  One
    domain per positional argument (default ``"real"`` for each of
    ``key.nin`` arguments).  Inputs get mutually broadcastable shapes (0-d,
    empty and size-1 axes included) and are tested in float64, float32,
    complex128 (when ``complex=True``) and as non-contiguous views.

``spec(key, make, *, complex=False, order=2, linear=False, argnums=None, dtypes=None)``
    Anything else.  ``make(d)`` returns ``(args, kwargs)`` for one call,
    drawing with ``d``, a :class:`Draw`:

    * ``d.array(shape=None, domain="real", dtype=None)``: an ndarray (shape
      drawn when None; dtype the case's dtype when None).
    * ``d.shape(min_dims=0, max_dims=3, min_side=0, max_side=4)``: a shape.
    * ``d.shapes(n, signature=None)``: n mutually broadcastable shapes.
    * ``d.axis(ndim, none=True, tuple=True)``: an axis argument for a reduction.
    * ``d.integers(lo, hi)``, ``d.choice(seq)``, ``d.boolean()``.
    * ``d.matrix(n, kind="general", batch=())``: kinds ``"general"``,
      ``"wellcond"`` (cond < 100), ``"spd"``, ``"triangular"``, ``"orthogonal"``.
    * ``d.dtype``: the case's dtype (float64, float32 or complex128).

    ``argnums``: the positions to differentiate (default: every float
    ndarray argument).  ``linear=True`` adds an exact adjoint test.
    ``order=2`` also checks the gradient of the gradient (use 1 for
    non-smooth functions).  ``complex=True`` adds complex128 cases.
    ``dtypes`` restricts the dtypes tried.

Domains: ``"real"``, ``"positive"``, ``"nonzero"``, ``"unit"`` (|x| < 0.9),
``"above1"`` (x > 1.1), ``"small"`` (|x| < 3), ``"int"`` (an integer
constant array, not differentiated), ``"away_from_int"`` (for piecewise
functions: distance > 0.1 from any integer), ``"distinct"`` (elements
differ by > 0.1: for sort/max), ``"prob"`` (0.05 < x < 0.95).
``"bool"`` (a boolean constant array, not differentiated) is accepted too.
Complex dtypes add an imaginary part ``0.5 * randn`` to every domain but
``"int"``/``"bool"``.  The value ranges are in ``npgrad.testing.strategies``.

Notes on ``Draw`` (implemented in ``npgrad.testing.strategies``):
``d.integers(lo, hi)`` includes both ends (as ``hypothesis.strategies.integers``);
``d.matrix(..., kind="triangular")`` is lower triangular; ``d.axis`` may
return negative ints and the empty tuple; ``d.draw(strategy)`` draws from any
hypothesis strategy.  Tests call ``key(*args, **kwargs)``, or
``getattr(ufunc, method)(*args, **kwargs)`` for a ``(ufunc, method)`` key.

Example (``npgrad/testing/specs/ufuncs.py``)::

    elementwise(np.sin)
    elementwise(np.log, "positive")
    elementwise(np.power, "positive", "real")
    spec(np.sum, lambda d: ((d.array(),), {"axis": d.axis(...)}), linear=True)
"""

SPECS = {}
"""key -> Spec."""


class Spec:
    __slots__ = ("key", "make", "domains", "complex", "order", "linear", "argnums",
                 "dtypes", "elementwise")

    def __init__(self, key, make=None, domains=None, complex=False, order=2,
                 linear=False, argnums=None, dtypes=None, elementwise=False):
        self.key = key
        self.make = make
        self.domains = domains
        self.complex = complex
        self.order = order
        self.linear = linear
        self.argnums = argnums
        self.dtypes = dtypes
        self.elementwise = elementwise

    def __repr__(self):
        return f"Spec({self.key!r})"


def elementwise(key, *domains, complex=True, order=2, linear=False, dtypes=None):
    """Declare the spec of an elementwise function (see the module docstring)."""
    if key is None:
        return None
    nin = getattr(key, "nin", None) or len(domains) or 1
    SPECS[key] = Spec(key, domains=domains or ("real",) * nin, complex=complex,
                      order=order, linear=linear, dtypes=dtypes, elementwise=True)
    return SPECS[key]


def spec(key, make, *, complex=False, order=2, linear=False, argnums=None, dtypes=None):
    """Declare the spec of a non-elementwise function (see the module docstring)."""
    if key is None:
        return None
    SPECS[key] = Spec(key, make=make, complex=complex, order=order, linear=linear,
                      argnums=argnums, dtypes=dtypes)
    return SPECS[key]


LOAD_ERRORS = {}
"""Module name -> the traceback text of a spec module that failed to import
(filled by ``load_all(errors="collect")``)."""


def modules():
    """The names of the spec modules in this package.

    Example
    -------
    >>> from npgrad.testing import specs
    >>> "engine" in specs.modules()
    True
    """
    import pkgutil
    return sorted(mod.name for mod in pkgutil.iter_modules(__path__))


def load_all(errors="raise"):
    """Import every family's spec module and return SPECS.

    ``errors="collect"`` keeps going past a module that fails to import and
    records its traceback in ``LOAD_ERRORS`` (so one broken module fails only
    its own test; its keys then show as missing).

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing.specs import load_all
    >>> from npgrad._ops import astype
    >>> astype in load_all()
    True
    """
    import importlib
    import traceback
    for name in modules():
        try:
            importlib.import_module(f"{__name__}.{name}")
        except Exception:
            if errors != "collect":
                raise
            LOAD_ERRORS[name] = traceback.format_exc()
        else:
            LOAD_ERRORS.pop(name, None)
    return SPECS
