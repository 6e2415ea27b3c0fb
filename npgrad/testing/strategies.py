"""Hypothesis strategies for gradient tests, and the :class:`Draw` object that specs use.

Shapes, axes, choices and dtypes are drawn by hypothesis (so they shrink);
array values are drawn by ``np.random.RandomState`` from a seed that
hypothesis draws.  Finite differences need well-behaved points in the
interior of a domain, not hypothesis' edge values (0, 1e308, subnormals),
and generating values with NumPy keeps a drawn case cheap.

Domains (the real part; complex dtypes add ``0.5j * randn``):

===================  =================================================
``"real"``           standard normal
``"positive"``       uniform in (0.3, 3)
``"nonzero"``        random sign times uniform in (0.3, 3)
``"unit"``           uniform in (-0.9, 0.9)
``"above1"``         uniform in (1.1, 4)
``"small"``          uniform in (-3, 3)
``"prob"``           uniform in (0.05, 0.95)
``"away_from_int"``  an integer in [-3, 3) plus uniform in (0.15, 0.85)
``"distinct"``       elements at least 0.2 apart (a shuffled grid, jittered)
``"int"``            integers in [-3, 3] (int64; never differentiated)
``"bool"``           booleans (never differentiated)
===================  =================================================
"""

import numpy as np
import hypothesis
import hypothesis.strategies as st
from hypothesis.extra import numpy as hnp

from ._check import key_name

DTYPES = (np.dtype(np.float64), np.dtype(np.float32), np.dtype(np.complex128))
"""The dtypes the registry tests run in."""

MAX_SIDE = 4
MAX_DIMS = 3


# ---- values ---------------------------------------------------------------------

def _grid(rng, shape):
    n = int(np.prod(shape, dtype=np.int64))
    values = (rng.permutation(n) - (n - 1) / 2) * 0.3 + rng.uniform(-0.05, 0.05, n)
    return values.reshape(shape)


_DOMAINS = {
    "real": lambda rng, shape: rng.standard_normal(shape),
    "positive": lambda rng, shape: rng.uniform(0.3, 3.0, shape),
    "nonzero": lambda rng, shape: rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 3.0, shape),
    "unit": lambda rng, shape: rng.uniform(-0.9, 0.9, shape),
    "above1": lambda rng, shape: rng.uniform(1.1, 4.0, shape),
    "small": lambda rng, shape: rng.uniform(-3.0, 3.0, shape),
    "prob": lambda rng, shape: rng.uniform(0.05, 0.95, shape),
    "away_from_int": lambda rng, shape: rng.randint(-3, 3, shape) + rng.uniform(0.15, 0.85, shape),
    "distinct": _grid,
}
DOMAINS = tuple(_DOMAINS) + ("int", "bool")
"""The domain names accepted by :func:`arrays` and ``Draw.array``."""


def values(rng, shape, domain="real", dtype=np.float64):
    """An array of ``shape`` with values in ``domain`` drawn from ``rng`` (no hypothesis).

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing.strategies import values
    >>> x = values(np.random.RandomState(0), (2, 3), "positive", np.float32)
    >>> x.dtype, bool((x > 0).all())
    (dtype('float32'), True)
    """
    shape = tuple(shape)
    if domain == "int":
        return rng.randint(-3, 4, shape).astype(np.int64)
    if domain == "bool":
        return rng.randint(0, 2, shape).astype(bool)
    if domain not in _DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; use one of {DOMAINS}")
    v = _DOMAINS[domain](rng, shape)
    dtype = np.dtype(dtype)
    if dtype.kind == "c":
        v = v + 0.5j * rng.standard_normal(shape)
    return np.asarray(v, dtype=dtype)


def _unitary(rng, shape, complex_):
    a = rng.standard_normal(shape)
    if complex_:
        a = a + 1j * rng.standard_normal(shape)
    q, r = np.linalg.qr(a)
    d = np.diagonal(r, axis1=-2, axis2=-1)
    phase = np.where(d == 0, 1, d / np.where(d == 0, 1, np.abs(d)))
    return q * phase[..., None, :]


def _conj_t(a):
    return np.conj(np.swapaxes(a, -1, -2))


KINDS = ("general", "wellcond", "spd", "triangular", "orthogonal")
"""Matrix kinds for :func:`matrices` and ``Draw.matrix``."""


def matrix_values(rng, n, kind="general", dtype=np.float64, batch=()):
    """A ``batch + (n, n)`` matrix of ``kind`` drawn from ``rng`` (no hypothesis).

    ``"general"``: Gaussian entries.  ``"wellcond"``: ``U diag(s) V^H`` with
    singular values in [1, 4] (condition number < 4).  ``"spd"``: symmetric
    (Hermitian) positive definite with eigenvalues in [0.5, 4].
    ``"triangular"``: lower triangular with diagonal magnitudes in [1, 2].
    ``"orthogonal"``: orthogonal (unitary for complex dtypes).

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing.strategies import matrix_values
    >>> a = matrix_values(np.random.RandomState(0), 3, "spd")
    >>> bool(np.allclose(a, a.T)), bool((np.linalg.eigvalsh(a) > 0).all())
    (True, True)
    """
    dtype = np.dtype(dtype)
    cplx = dtype.kind == "c"
    shape = tuple(batch) + (n, n)
    if kind == "general":
        a = rng.standard_normal(shape)
        if cplx:
            a = a + 1j * rng.standard_normal(shape)
    elif kind == "wellcond":
        s = rng.uniform(1.0, 4.0, tuple(batch) + (n,))
        a = (_unitary(rng, shape, cplx) * s[..., None, :]) @ _conj_t(_unitary(rng, shape, cplx))
    elif kind == "spd":
        q = _unitary(rng, shape, cplx)
        a = (q * rng.uniform(0.5, 4.0, tuple(batch) + (n,))[..., None, :]) @ _conj_t(q)
        a = (a + _conj_t(a)) / 2
    elif kind == "triangular":
        a = np.tril(0.5 * rng.standard_normal(shape), -1)
        if cplx:
            a = a + np.tril(0.5j * rng.standard_normal(shape), -1)
        diag = rng.uniform(1.0, 2.0, tuple(batch) + (n,))
        diag = diag * (np.exp(2j * np.pi * rng.uniform(size=diag.shape)) if cplx
                       else rng.choice([-1.0, 1.0], diag.shape))
        a = a + diag[..., None] * np.eye(n)
    elif kind == "orthogonal":
        a = _unitary(rng, shape, cplx)
    else:
        raise ValueError(f"unknown matrix kind {kind!r}; use one of {KINDS}")
    return np.asarray(a, dtype=dtype)


# ---- the Draw object ---------------------------------------------------------------

class Draw:
    """What a spec's ``make(d)`` draws with: shapes, axes, arrays and matrices.

    ``draw`` is hypothesis' ``data.draw`` (from ``st.data()``), a
    ``st.composite`` draw function, or a ``DataObject``.  ``dtype`` is the
    case's dtype: the default dtype of arrays and matrices.  Integer ranges
    are inclusive at both ends, as in ``hypothesis.strategies.integers``.

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given, strategies as st
    >>> from npgrad.testing.strategies import Draw
    >>> @given(st.data())
    ... def test(data):
    ...     d = Draw(data, np.float32)
    ...     x = d.array(d.shape(min_dims=1), "positive")
    ...     axis = d.axis(x.ndim)
    ...     assert x.dtype == np.float32 and (x > 0).all()
    ...     np.sum(x, axis=axis)
    >>> test()
    """

    def __init__(self, draw, dtype=np.float64, max_side=MAX_SIDE, max_dims=MAX_DIMS):
        self._draw = draw.draw if hasattr(draw, "draw") else draw
        self.dtype = np.dtype(dtype)
        self.max_side = max_side
        self.max_dims = max_dims

    def draw(self, strategy):
        """Draw from any hypothesis strategy."""
        return self._draw(strategy)

    def _rng(self):
        return np.random.RandomState(self._draw(st.integers(0, 2 ** 32 - 1)))

    def shape(self, min_dims=0, max_dims=None, min_side=0, max_side=None):
        """A shape (``max_dims`` default 3, ``max_side`` default 4)."""
        max_dims = self.max_dims if max_dims is None else max_dims
        max_side = self.max_side if max_side is None else max_side
        return self._draw(hnp.array_shapes(min_dims=min_dims, max_dims=max(max_dims, min_dims),
                                           min_side=min_side,
                                           max_side=max(max_side, min_side)))

    def shapes(self, n, signature=None, min_dims=0, max_dims=None, min_side=0,
               max_side=None):
        """``n`` mutually broadcastable shapes (a tuple); with a gufunc ``signature``,
        the core dimensions follow it (``"(m,n),(n,p)->(m,p)"``)."""
        max_dims = self.max_dims if max_dims is None else max_dims
        max_side = self.max_side if max_side is None else max_side
        if signature is not None:
            strategy = hnp.mutually_broadcastable_shapes(
                signature=signature, min_dims=min_dims, max_dims=max_dims,
                min_side=min_side, max_side=max_side)
        else:
            strategy = hnp.mutually_broadcastable_shapes(
                num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
                max_side=max_side)
        return tuple(self._draw(strategy).input_shapes)

    def array(self, shape=None, domain="real", dtype=None):
        """An ndarray of ``shape`` (drawn when None) with values in ``domain``."""
        if shape is None:
            shape = self.shape()
        elif isinstance(shape, (int, np.integer)):
            shape = (int(shape),)
        return values(self._rng(), shape, domain, self.dtype if dtype is None else dtype)

    def axis(self, ndim, none=True, tuple=True):
        """An axis for a reduction over an ``ndim``-d array: None, an int (maybe
        negative) or a tuple of distinct axes (maybe empty).  Rejects the example
        when no option is valid (a 0-d array with ``none=False, tuple=False``)."""
        options = []
        if none:
            options.append(st.none())
        if ndim > 0:
            options.append(st.integers(-ndim, ndim - 1))
        if tuple:
            options.append(st.lists(st.integers(0, max(ndim - 1, 0)), unique=True,
                                    max_size=ndim)
                           .flatmap(lambda axes: st.tuples(*[
                               st.sampled_from([a, a - ndim]) for a in axes])))
        if not options:
            hypothesis.reject()
        return self._draw(st.one_of(options))

    def integers(self, lo, hi):
        """An int in ``[lo, hi]`` (both ends included)."""
        return self._draw(st.integers(lo, hi))

    def choice(self, seq):
        """An element of ``seq``."""
        return self._draw(st.sampled_from(list(seq)))

    def boolean(self):
        return self._draw(st.booleans())

    def matrix(self, n, kind="general", batch=(), dtype=None):
        """A ``batch + (n, n)`` matrix of ``kind`` (see :func:`matrix_values`)."""
        return matrix_values(self._rng(), n, kind, self.dtype if dtype is None else dtype,
                             tuple(batch))


# ---- strategies ---------------------------------------------------------------------

def arrays(shape, domain="real", dtype=np.float64):
    """Arrays of ``shape`` (a tuple, an int or a strategy of shapes) with values in ``domain``.

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> from npgrad.testing.strategies import arrays
    >>> @given(arrays((2, 3), domain="positive"))
    ... def test(x):
    ...     assert x.shape == (2, 3) and (x > 0).all()
    >>> test()
    """
    shapes = shape if isinstance(shape, st.SearchStrategy) else st.just(
        (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape))
    return st.builds(lambda s, seed: values(np.random.RandomState(seed), s, domain, dtype),
                     shapes, st.integers(0, 2 ** 32 - 1))


def broadcastable_shapes(n=2, signature=None, min_dims=0, max_dims=MAX_DIMS, min_side=0,
                         max_side=MAX_SIDE):
    """Tuples of ``n`` mutually broadcastable shapes (0-d, empty and size-1 axes included).

    With a gufunc ``signature`` the shapes have its core dimensions (``n`` is
    then the signature's number of inputs).

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> from npgrad.testing.strategies import broadcastable_shapes
    >>> @given(broadcastable_shapes(signature="(m,n),(n,p)->(m,p)"))
    ... def test(shapes):
    ...     a, b = shapes
    ...     assert a[-1] == b[-2]
    >>> test()
    """
    if signature is not None:
        strategy = hnp.mutually_broadcastable_shapes(
            signature=signature, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
            max_side=max_side)
    else:
        strategy = hnp.mutually_broadcastable_shapes(
            num_shapes=n, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
            max_side=max_side)
    return strategy.map(lambda s: tuple(s.input_shapes))


def dtypes():
    """float64, float32 or complex128.

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> from npgrad.testing.strategies import dtypes
    >>> @given(dtypes())
    ... def test(dtype):
    ...     assert dtype.kind in "fc"
    >>> test()
    """
    return st.sampled_from(DTYPES)


def matrices(n=None, kind="general", dtype=np.float64, batch=()):
    """``batch + (n, n)`` matrices of ``kind`` (``n`` drawn from 1..4 when None).

    Kinds: ``"general"``, ``"wellcond"``, ``"spd"``, ``"triangular"``,
    ``"orthogonal"`` (see :func:`matrix_values`).

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> from npgrad.testing.strategies import matrices
    >>> @given(matrices(3, "orthogonal"))
    ... def test(q):
    ...     assert np.allclose(q @ q.T, np.eye(3))
    >>> test()
    """
    if kind not in KINDS:
        raise ValueError(f"unknown matrix kind {kind!r}; use one of {KINDS}")
    sizes = st.integers(1, MAX_SIDE) if n is None else st.just(n)
    return st.builds(lambda k, seed: matrix_values(np.random.RandomState(seed), k, kind,
                                                   dtype, tuple(batch)),
                     sizes, st.integers(0, 2 ** 32 - 1))


# ---- specs -> cases -----------------------------------------------------------------

def key_callable(key):
    """The function a registry key stands for (``(np.add, "reduce")`` -> ``np.add.reduce``).

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing.strategies import key_callable
    >>> key_callable((np.add, "reduce"))(np.arange(4))
    np.int64(6)
    """
    if isinstance(key, tuple) and len(key) == 2 and isinstance(key[1], str):
        return getattr(key[0], key[1])
    return key


def spec_dtypes(spec):
    """The dtypes a spec is tested in: its ``dtypes``, else float64, float32 and
    complex128 when ``spec.complex``.

    Example
    -------
    >>> import numpy as np
    >>> from npgrad.testing.specs import Spec
    >>> from npgrad.testing.strategies import spec_dtypes
    >>> [d.name for d in spec_dtypes(Spec(np.sin, domains=("real",), complex=True))]
    ['float64', 'float32', 'complex128']
    """
    if spec.dtypes is not None:
        return tuple(np.dtype(d) for d in spec.dtypes)
    return DTYPES if spec.complex else DTYPES[:2]


def make_case(spec, d):
    """``(args, kwargs)`` for one call of ``spec``'s function, drawn with the Draw ``d``.

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given, strategies as st
    >>> from npgrad.testing.specs import Spec
    >>> from npgrad.testing.strategies import Draw, make_case
    >>> s = Spec(np.log, domains=("positive",), elementwise=True)
    >>> @given(st.data())
    ... def test(data):
    ...     (x,), kwargs = make_case(s, Draw(data))
    ...     assert (x > 0).all() and kwargs == {}
    >>> test()
    """
    if spec.elementwise:
        shapes = d.shapes(len(spec.domains))
        return tuple(d.array(s, dom) for s, dom in zip(shapes, spec.domains)), {}
    made = spec.make(d)
    if not (isinstance(made, tuple) and len(made) == 2 and isinstance(made[0], (tuple, list))
            and isinstance(made[1], dict)):
        raise TypeError(f"the spec of {key_name(spec.key)}: make(d) must return "
                        f"(args, kwargs), a tuple and a dict; got {made!r:.200}")
    return tuple(made[0]), dict(made[1])


@st.composite
def cases(draw, spec, dtype=np.float64):
    """A strategy of ``(args, kwargs)`` for ``spec`` in ``dtype``.

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given
    >>> from npgrad.testing.specs import Spec
    >>> from npgrad.testing.strategies import cases
    >>> @given(cases(Spec(np.sum, make=lambda d: ((d.array(),), {})), np.float32))
    ... def test(case):
    ...     (x,), kwargs = case
    ...     assert x.dtype == np.float32
    >>> test()
    """
    return make_case(spec, Draw(draw, dtype))


@st.composite
def registry_cases(draw, keys=None, dtypes=None, specs=None):
    """``(key, args, kwargs)``: a registry key with a spec, and one drawn call of it.

    ``keys`` restricts the keys (default: every key of ``npgrad._registry.VJPS``
    that has a spec); ``dtypes`` restricts the dtypes; ``specs`` replaces the
    spec table (default: ``npgrad.testing.specs.SPECS`` after ``load_all()``).
    Call ``key_callable(key)(*args, **kwargs)`` to run the case.

    Example
    -------
    >>> import numpy as np
    >>> from hypothesis import given, settings
    >>> from npgrad.testing.specs import Spec
    >>> from npgrad.testing.strategies import registry_cases, key_callable
    >>> table = {np.sin: Spec(np.sin, domains=("real",), elementwise=True)}
    >>> @settings(max_examples=5)
    ... @given(registry_cases(specs=table))
    ... def test(case):
    ...     key, args, kwargs = case
    ...     assert key is np.sin and key_callable(key)(*args, **kwargs).shape == args[0].shape
    >>> test()
    """
    import npgrad  # noqa: F401  (fills the table)
    from .._registry import VJPS
    if specs is None:
        from .specs import SPECS, load_all
        load_all(errors="collect")
        specs = SPECS
    pool = [k for k in (VJPS if keys is None else keys) if k in specs and k in VJPS]
    if not pool:
        raise ValueError("registry_cases: no registry key with a spec to draw from")
    pool.sort(key=key_name)
    key = draw(st.sampled_from(pool))
    spec = specs[key]
    allowed = spec_dtypes(spec)
    if dtypes is not None:
        allowed = tuple(dt for dt in allowed if dt in {np.dtype(x) for x in dtypes}) or allowed
    dtype = draw(st.sampled_from(allowed))
    args, kwargs = make_case(spec, Draw(draw, dtype))
    return key, args, kwargs


__all__ = ["Draw", "arrays", "broadcastable_shapes", "dtypes", "matrices",
           "registry_cases", "cases", "make_case", "spec_dtypes", "key_callable",
           "values", "matrix_values", "DOMAINS", "KINDS", "DTYPES"]
