"""Specs for ``npgrad/rules/linalg.py``: contractions and ``np.linalg``.

Inputs are built so that a finite difference is meaningful: well-conditioned
matrices for solves and inverses, eigenvalues and singular values at least
0.2 apart, entries away from the kinks of the norms.

Some functions are checked through a wrapper (:class:`WrappedSpec`): a
spec may carry ``wrap(f, kwargs)``, which returns the function the harness
checks in place of the bound callable ``f`` (same positional arguments).
Two reasons need one:

* Hermitian inputs (eigh, eigvalsh, cholesky, ``hermitian=True``).  NumPy
  reads one triangle; npgrad's gradient is the Hermitian part (the
  symmetric-input convention), which is the gradient of ``f((a + a^H) / 2)``.
  The wrapper symmetrises its input so that finite differences see the same
  function.
* Eigenvector and singular-vector gauge.  Each eigenvector (singular pair)
  is defined up to a phase, and LAPACK's phase convention is not npgrad's,
  so the wrapper returns gauge-invariant functions of the vectors:
  ``abs(v)**2`` and ``v * conj(v[0])`` (each column times the conjugate of
  its first entry); for the SVD, ``u * vh[:, 0]`` and ``vh * u[0]``.
* Order.  ``eig`` and ``eigvals`` do not sort, and a perturbation can swap
  two eigenvalues, so their wrappers return power sums ``sum_k w_k^j`` and
  the eigenvector invariants summed over the pairs with weights ``w_k^j``.

A harness honours a wrapper with::

    f = functools.partial(key, **kwargs)
    wrap = getattr(spec, "wrap", None)
    if wrap is not None:
        f = wrap(f, kwargs)
"""

import itertools

import numpy as np

from . import SPECS, Spec, spec


class WrappedSpec(Spec):
    """A spec checked through ``wrap(f, kwargs)`` (see the module docstring)."""

    __slots__ = ("wrap",)


def wrapped_spec(key, make, wrap, **options):
    """:func:`spec` with a wrapper: ``wrap(f, kwargs)`` returns the function to check."""
    if key is None:
        return None
    base = spec(key, make, **options)
    wrapped = WrappedSpec(key, make=make, complex=base.complex, order=base.order,
                          linear=base.linear, argnums=base.argnums, dtypes=base.dtypes)
    wrapped.wrap = wrap
    SPECS[key] = wrapped
    return wrapped


# ---- helpers ----

def _H(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _batch(d, max_dims=2):
    return d.shape(max_dims=max_dims, min_side=1, max_side=3)


def _n(d, lo=1, hi=4):
    return d.integers(lo, hi)


def _real(d, shape, domain="real"):
    return d.array(shape, domain, dtype=np.float64)


def _spaced(d, shape):
    """Positive values, sorted descending along the last axis, at least 0.3 apart."""
    k = shape[-1]
    return 0.5 + 0.4 * np.arange(k)[::-1] + 0.1 * _real(d, shape, "prob")


def _hermitian(d, n, batch, w=None):
    """A Hermitian matrix with eigenvalues ``w`` (default: at least 0.2 apart)."""
    q = d.matrix(n, "orthogonal", batch)
    if w is None:
        w = _real(d, tuple(batch) + (n,), "distinct")
    a = (q * w[..., None, :]) @ _H(q)
    return ((a + _H(a)) / 2).astype(d.dtype)


def _herm_input(f):
    def hermitian_input(a, *args):
        return f((a + _H(a)) / 2, *args)
    return hermitian_input


def _eig_invariants(w, v):
    """Eigenvalues and phase-invariant functions of the eigenvectors."""
    return w, np.abs(v) ** 2, v * np.conj(v[..., :1, :])


def _svd_invariants(u, s, vh):
    """Singular values and functions of the singular pairs invariant under their phases."""
    k = np.shape(s)[-1]
    u, vh = u[..., :, :k], vh[..., :k, :]
    return u * vh[..., :, 0][..., None, :], s, vh * u[..., 0, :][..., :, None]


# ---- matmul, vecdot, matvec, vecmat (gufuncs) ----

def _gufunc_operands(d, signature):
    return tuple(d.array(s) for s in d.shapes(2, signature=signature, min_side=1))


def _matmul(d):
    a, b = _gufunc_operands(d, "(m?,n),(n,p?)->(m?,p?)")
    if a.ndim >= 2 and b.ndim >= 2 and d.boolean():
        # axes=: the core axes at the front (b's in swapped order), the output's too
        a, b = np.moveaxis(a, (-2, -1), (0, 1)), np.moveaxis(b, (-2, -1), (1, 0))
        return (a, b), {"axes": [(0, 1), (1, 0), (0, 1)]}
    return (a, b), {}


def _linalg_matmul(d):
    return _gufunc_operands(d, "(m?,n),(n,p?)->(m?,p?)"), {}


def _vecdot(d, keywords=True):
    x1, x2 = _gufunc_operands(d, "(n),(n)->()")
    kwargs = {}
    depth = min(x1.ndim, x2.ndim)
    if depth > 1 and d.boolean():
        axis = d.integers(-depth, -2)
        x1, x2 = np.moveaxis(x1, -1, axis), np.moveaxis(x2, -1, axis)
        kwargs["axis"] = axis
    if keywords and d.boolean():
        kwargs["keepdims"] = True
    return (x1, x2), kwargs


spec(np.matmul, _matmul, complex=True)
spec(np.linalg.matmul, _linalg_matmul, complex=True)
spec(getattr(np, "vecdot", None), _vecdot, complex=True)
spec(np.linalg.vecdot, lambda d: _vecdot(d, keywords=False), complex=True)
spec(getattr(np, "matvec", None), lambda d: (_gufunc_operands(d, "(m,n),(n)->(m)"), {}),
     complex=True)
spec(getattr(np, "vecmat", None), lambda d: (_gufunc_operands(d, "(n),(n,m)->(m)"), {}),
     complex=True)


# ---- dot, inner, outer, vdot, kron ----

def _dot(d):
    na, nb = d.integers(0, 3), d.integers(0, 3)
    k = _n(d, 1, 3)
    a = d.shape(min_dims=na, max_dims=na, min_side=1, max_side=3)
    b = d.shape(min_dims=nb, max_dims=nb, min_side=1, max_side=3)
    if na and nb:
        a = a[:-1] + (k,)
        b = b[:-2] + (k,) + b[-1:] if nb > 1 else (k,)
    return (d.array(a), d.array(b)), {}


def _inner(d):
    na, nb = d.integers(0, 3), d.integers(0, 3)
    k = _n(d, 1, 3)
    a = d.shape(min_dims=na, max_dims=na, min_side=1, max_side=3)
    b = d.shape(min_dims=nb, max_dims=nb, min_side=1, max_side=3)
    if na and nb:
        a, b = a[:-1] + (k,), b[:-1] + (k,)
    return (d.array(a), d.array(b)), {}


def _vdot(d):
    a = d.array(d.shape(max_side=3))
    shape = d.choice([a.shape, (a.size,), a.shape[::-1]])
    return (a, d.array(shape)), {}


spec(np.dot, _dot, complex=True)
spec(np.inner, _inner, complex=True)
spec(np.outer, lambda d: ((d.array(d.shape(max_dims=2)), d.array(d.shape(max_dims=2))), {}),
     complex=True)
spec(np.linalg.outer, lambda d: ((d.array((_n(d),)), d.array((_n(d),))), {}), complex=True)
spec(np.vdot, _vdot, complex=True)
spec(np.kron, lambda d: ((d.array(d.shape(max_dims=3, max_side=3)),
                          d.array(d.shape(max_dims=2, max_side=3))), {}), complex=True)


# ---- tensordot ----

def _tensordot(d):
    a_shape = d.shape(max_dims=3, min_side=1, max_side=3)
    na = len(a_shape)
    k = d.integers(0, na)
    form = d.choice(["int", "pairs"]) if k else "int"
    b_free = d.shape(max_dims=3 - k, min_side=1, max_side=3)
    if form == "int":
        b_shape = a_shape[na - k:] + b_free
        axes = k
    else:
        # contract a's axes a_axes (any order) with b's axes b_axes (any positions)
        a_axes = list(d.choice(list(itertools.permutations(range(na), k))))
        nb = k + len(b_free)
        b_axes = list(d.choice(list(itertools.permutations(range(nb), k))))
        free = iter(b_free)
        b_shape = tuple(a_shape[a_axes[b_axes.index(i)]] if i in b_axes else next(free)
                        for i in range(nb))
        a_axes = [x - na * d.boolean() for x in a_axes]
        axes = (a_axes, b_axes)
        if k == 1 and d.boolean():
            axes = (a_axes[0], b_axes[0])
    return (d.array(a_shape), d.array(b_shape)), {"axes": axes}


spec(np.tensordot, _tensordot, complex=True)
spec(np.linalg.tensordot, _tensordot, complex=True)


# ---- einsum ----

EINSUM_SUBSCRIPTS = (
    "ij,jk->ik", "ij,jk", "ii->i", "ii", "ii->", "ij->", "ij->j", "ji", "i,i", "i,i->i",
    "...ij,...jk->...ik", "...ij,...jk", "...ij,jk->...ik", "i...,i...->...", "...",
    "...i->...", "a...,...->a...", "ij,ij,ij->i", "iij->ij", "iii->i", "ij,k->ijk",
    "Ab,bc", "ij,jk,kl->il", "ijk,ik->j", "ii,ij->j", "bij,bjk->bik",
)
"""Matrix products, implicit outputs, ellipses, traces, diagonals, letters summed
inside one operand, upper-case letters."""


def _label_number(c):
    # NumPy's sublist labels: 0-25 are 'A'-'Z', 26-51 are 'a'-'z'
    return ord(c) - ord("A") if c.isupper() else ord(c) - ord("a") + 26


def _sublist(s):
    out, rest = [], s
    while rest:
        if rest.startswith("..."):
            out.append(Ellipsis)
            rest = rest[3:]
        else:
            out.append(_label_number(rest[0]))
            rest = rest[1:]
    return out


def _einsum(d):
    subscripts = d.choice(EINSUM_SUBSCRIPTS)
    ins = subscripts.split("->")[0].split(",")
    size = {c: _n(d, 1, 3) for c in sorted(set(subscripts) - set(".,->"))}
    ell = iter(d.shapes(sum("..." in s for s in ins), max_dims=2, max_side=3)
               if "..." in subscripts else ())
    shared = {c for c in size if sum(c in s for s in ins) > 1}
    operands = []
    for s in ins:
        shape = ()
        parts = s.split("...")
        for i, part in enumerate(parts):
            if i:
                shape += next(ell)
            # a letter shared with another operand may have size 1 here (broadcast)
            shape += tuple(1 if c in shared and s.count(c) == 1 and d.integers(0, 5) == 0
                           else size[c] for c in part)
        operands.append(d.array(shape))
    kwargs = {}
    if len(operands) > 1 and d.boolean():
        kwargs["optimize"] = d.choice([True, "greedy", "optimal"])
    if d.boolean():
        args = [x for op, s in zip(operands, ins) for x in (op, _sublist(s))]
        if "->" in subscripts:
            args.append(_sublist(subscripts.split("->")[1]))
        return tuple(args), kwargs
    return (subscripts,) + tuple(operands), kwargs


spec(np.einsum, _einsum, complex=True)


# ---- cross ----

def _insert(shape, pos, n):
    return shape[:pos] + (n,) + shape[pos:]


def _cross(d, linalg=False):
    na = 3 if linalg else d.choice([2, 3])
    nb = 3 if linalg else d.choice([2, 3])
    ba, bb = d.shapes(2, max_dims=2, min_side=1, max_side=3)
    if linalg or d.boolean():
        # one axis= for a, b and the result: the same position from the end
        depth = min(len(ba), len(bb))
        axis = d.integers(-depth - 1, -1)
        a = d.array(_insert(ba, len(ba) + 1 + axis, na))
        b = d.array(_insert(bb, len(bb) + 1 + axis, nb))
        return (a, b), ({} if axis == -1 and d.boolean() else {"axis": axis})
    pa, pb = d.integers(0, len(ba)), d.integers(0, len(bb))
    a, b = d.array(_insert(ba, pa, na)), d.array(_insert(bb, pb, nb))
    out_ndim = max(len(ba), len(bb)) + 1
    kwargs = {"axisa": pa - d.boolean() * (len(ba) + 1),
              "axisb": pb - d.boolean() * (len(bb) + 1)}
    if not na == nb == 2:
        kwargs["axisc"] = d.integers(-out_ndim, out_ndim - 1)
    return (a, b), kwargs


spec(np.cross, _cross, complex=True)
spec(np.linalg.cross, lambda d: _cross(d, linalg=True), complex=True)


# ---- multi_dot, trace, diagonal ----

def _multi_dot(d):
    count = d.integers(2, 4)
    sizes = [_n(d, 1, 3) for _ in range(count + 1)]
    arrays = [d.array((sizes[i], sizes[i + 1])) for i in range(count)]
    if d.boolean():
        arrays[0] = d.array((sizes[1],))
    if d.boolean():
        arrays[-1] = d.array((sizes[-2],))
    return (arrays,), {}


def _matrix_offset(d):
    n, m = _n(d), _n(d)
    x = d.array(_batch(d) + (n, m))
    return (x,), {"offset": d.integers(-n + 1, m - 1)}


spec(np.linalg.multi_dot, _multi_dot, complex=True)
spec(np.linalg.trace, _matrix_offset, complex=True, linear=True)
spec(np.linalg.diagonal, _matrix_offset, complex=True, linear=True)


# ---- inverses and solves ----

def _solve(d):
    n, batch = _n(d), _batch(d)
    a = d.matrix(n, "wellcond", batch)
    if d.boolean():
        b = d.array((n,))                      # NumPy 2: only a 1-D b is a vector
    else:
        bb = batch[d.integers(0, len(batch)):]
        b = d.array(tuple(1 if d.integers(0, 3) == 0 else s for s in bb) + (n, _n(d, 1, 3)))
    return (a, b), {}


def _pinv(d):
    m, n, batch = _n(d), _n(d), _batch(d)
    if m == n and d.boolean():
        signs = np.sign(d.array(batch + (n,), "nonzero", dtype=np.float64))
        return (_hermitian(d, n, batch, signs * _spaced(d, batch + (n,))),), {"hermitian": True}
    k = min(m, n)
    u = d.matrix(m, "orthogonal", batch)[..., :, :k]
    vh = d.matrix(n, "orthogonal", batch)[..., :k, :]
    a = (u * _spaced(d, batch + (k,))[..., None, :]) @ vh
    return (a.astype(d.dtype),), d.choice([{}, {"rcond": 1e-10}])


def _hermitian_if_asked(f, kwargs):
    return _herm_input(f) if kwargs.get("hermitian") else f


def _lstsq(d):
    m, n = _n(d), _n(d)
    k = min(m, n)
    u = d.matrix(m, "orthogonal")[:, :k]
    vh = d.matrix(n, "orthogonal")[:k, :]
    a = ((u * _spaced(d, (k,))) @ vh).astype(d.dtype)
    b = d.array((m,) if d.boolean() else (m, _n(d, 1, 3)))
    return (a, b), {"rcond": d.choice([None, 1e-10])}


_TENSOR_SHAPES = (((2,), (2,)), ((2, 3), (6,)), ((6,), (2, 3)), ((2, 2), (2, 2)),
                  ((3,), (3,)), ((2, 3), (3, 2)), ((1,), (1,)))


def _tensorsolve(d):
    bshape, xshape = d.choice(_TENSOR_SHAPES)
    n = int(np.prod(bshape))
    a = np.reshape(d.matrix(n, "wellcond"), bshape + xshape)
    kwargs = {}
    if d.boolean():
        # axes: the axes of a that tensorsolve moves to the end before solving
        nd = a.ndim
        axes = list(d.choice(list(itertools.permutations(range(nd), d.integers(1, nd)))))
        order = [i for i in range(nd) if i not in axes] + axes
        a = np.transpose(a, np.argsort(order))
        kwargs["axes"] = axes
    return (a, d.array(bshape)), kwargs


def _tensorinv(d):
    lead, rest = d.choice(_TENSOR_SHAPES)
    n = int(np.prod(lead))
    return (np.reshape(d.matrix(n, "wellcond"), lead + rest),), {"ind": len(lead)}


spec(np.linalg.inv, lambda d: ((d.matrix(_n(d), "wellcond", _batch(d)),), {}), complex=True)
spec(np.linalg.solve, _solve, complex=True)
wrapped_spec(np.linalg.pinv, _pinv, _hermitian_if_asked, complex=True)
spec(np.linalg.lstsq, _lstsq, complex=True)
spec(np.linalg.tensorsolve, _tensorsolve, complex=True)
spec(np.linalg.tensorinv, _tensorinv, complex=True)
spec(np.linalg.matrix_power,
     lambda d: ((d.matrix(_n(d), "wellcond", _batch(d)) * 0.5, d.integers(-3, 4)), {}),
     complex=True)


# ---- determinants ----

def _det(d):
    a = d.matrix(_n(d), "wellcond", _batch(d))
    if d.integers(0, 3) == 0:
        a = np.where(np.arange(a.shape[-2])[:, None] == 0, 0, a)   # singular: a zero row
    return (a,), {}


spec(np.linalg.det, _det, complex=True)
spec(np.linalg.slogdet, lambda d: ((d.matrix(_n(d), "wellcond", _batch(d)),), {}),
     complex=True)


# ---- cholesky, qr ----

def _cholesky(d):
    return (d.matrix(_n(d), "spd", _batch(d)),), d.choice([{}, {"upper": True}])


def _qr(d):
    m, n = _n(d), _n(d)
    a = d.array(_batch(d) + (m, n))
    # complete Q has arbitrary columns beyond n when m > n: no gradient there
    modes = ["reduced", "r"] + (["complete"] if m <= n else [])
    mode = d.choice(modes)
    return (a,), ({} if mode == "reduced" and d.boolean() else {"mode": mode})


wrapped_spec(np.linalg.cholesky, _cholesky, lambda f, kwargs: _herm_input(f), complex=True)
spec(np.linalg.qr, _qr, complex=True)


# ---- eigenproblems ----

def _eigh_input(d):
    return (_hermitian(d, _n(d), _batch(d)),), d.choice([{}, {"UPLO": "U"}, {"UPLO": "L"}])


def _eigh_wrap(f, kwargs):
    def invariants(a):
        return _eig_invariants(*_herm_input(f)(a))
    return invariants


def _eig_input(d):
    n, batch = _n(d), _batch(d)
    p = d.matrix(n, "wellcond", batch)
    w = d.array(batch + (n,), "distinct")
    if d.dtype.kind == "f" and n >= 2 and d.boolean():
        # a complex-conjugate pair: a 2x2 rotation block
        re, im = w[..., 0], 0.3 + np.abs(w[..., 1])
        block = np.zeros(batch + (n, n), d.dtype)
        block[..., 0, 0] = block[..., 1, 1] = re
        block[..., 0, 1], block[..., 1, 0] = -im, im
        for i in range(2, n):
            block[..., i, i] = w[..., i]
        core = block
    else:
        core = w[..., None, :] * np.eye(n, dtype=d.dtype)
    return (p @ core @ np.linalg.inv(p),), {}


def _power_sums(w):
    """sum_k w_k^j for j = 1..n: the eigenvalues up to their order (eig does not sort)."""
    n = np.shape(w)[-1]
    return np.sum(w[..., None, :] ** np.arange(1, n + 1)[:, None], axis=-1)


def _eig_wrap(f, kwargs):
    def invariants(a):
        # phase-invariant functions of each eigenpair, summed over the pairs
        # with the weights w_k^j, so that the order of the pairs does not matter
        w, v = f(a)
        n = np.shape(w)[-1]
        powers = np.swapaxes(w[..., None, :] ** np.arange(n)[:, None], -1, -2)
        return (_power_sums(w), (np.abs(v) ** 2) @ powers,
                (v * np.conj(v[..., :1, :])) @ powers)
    return invariants


def _eigvals_wrap(f, kwargs):
    return lambda a: _power_sums(f(a))


wrapped_spec(np.linalg.eigh, _eigh_input, _eigh_wrap, complex=True)
wrapped_spec(np.linalg.eigvalsh, _eigh_input, lambda f, kwargs: _herm_input(f), complex=True)
wrapped_spec(np.linalg.eig, _eig_input, _eig_wrap, complex=True)
wrapped_spec(np.linalg.eigvals, _eig_input, _eigvals_wrap, complex=True)


# ---- singular values ----

def _svd_input(d):
    m, n, batch = _n(d), _n(d), _batch(d)
    kwargs = {}
    if d.boolean():
        kwargs["full_matrices"] = d.boolean()
    if d.integers(0, 3) == 0:
        kwargs["compute_uv"] = False
    if m == n and d.integers(0, 3) == 0:
        # hermitian=True: eigenvalues of distinct magnitude, either sign
        signs = np.sign(d.array(batch + (n,), "nonzero", dtype=np.float64))
        kwargs["hermitian"] = True
        return (_hermitian(d, n, batch, signs * _spaced(d, batch + (n,))),), kwargs
    k = min(m, n)
    u = d.matrix(m, "orthogonal", batch)[..., :, :k]
    vh = d.matrix(n, "orthogonal", batch)[..., :k, :]
    return (((u * _spaced(d, batch + (k,))[..., None, :]) @ vh).astype(d.dtype),), kwargs


def _svd_wrap(f, kwargs):
    g = _herm_input(f) if kwargs.get("hermitian") else f
    if not kwargs.get("compute_uv", True):
        return g

    def invariants(a):
        return _svd_invariants(*g(a))
    return invariants


wrapped_spec(np.linalg.svd, _svd_input, _svd_wrap, complex=True)
spec(getattr(np.linalg, "svdvals", None),
     lambda d: ((d.array(_batch(d) + (_n(d), _n(d))),), {}), complex=True)


# ---- norms ----

VECTOR_ORDS = (None, 2, 1, -1, np.inf, -np.inf, 0, 3, 0.5, -2)
MATRIX_ORDS = (None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2)


def _entries(d, shape):
    """Entries of distinct magnitude (no ties for inf norms), away from 0 (the kink of |x|)."""
    mags = np.exp(0.5 * _real(d, shape, "distinct"))
    if d.dtype.kind == "c":
        return (mags * np.exp(1j * _real(d, shape, "small"))).astype(d.dtype)
    return (np.sign(_real(d, shape, "nonzero")) * mags).astype(d.dtype)


def _matrix_entries(d, shape):
    """Matrices whose row sums and column sums of |x| are all at least 0.15 n apart.

    |x_ij| = a_i + b_j (plus a little jitter) with the a_i and the b_j each
    at least 0.2 apart, so the max/min row and column sums of the 1 and inf
    norms have no near-ties that a float32 step could cross.
    """
    a = _real(d, shape[:-1] + (1,), "distinct")
    b = _real(d, shape[:-2] + (1, shape[-1]), "distinct")
    mags = a + b
    mags = mags - np.min(mags, axis=(-2, -1), keepdims=True) + 0.5
    mags = mags + 0.05 * _real(d, shape, "prob")
    if d.dtype.kind == "c":
        return (mags * np.exp(1j * _real(d, shape, "small"))).astype(d.dtype)
    return (np.sign(_real(d, shape, "nonzero")) * mags).astype(d.dtype)


def _norm(d):
    kind = d.choice(["all", "vector", "matrix"])
    keepdims = d.boolean()
    if kind == "all":
        return (_entries(d, d.shape(max_side=3)),), ({"keepdims": True} if keepdims else {})
    if kind == "vector":
        shape = d.shape(min_dims=1, max_dims=3, min_side=1, max_side=4)
        ord_ = d.choice(VECTOR_ORDS)
        axis = None if len(shape) == 1 and d.boolean() else d.integers(-len(shape),
                                                                        len(shape) - 1)
    else:
        shape = d.shape(min_dims=2, max_dims=3, min_side=1, max_side=3)
        ord_ = d.choice(MATRIX_ORDS)
        if len(shape) == 2 and d.boolean():
            axis = None
        else:
            axes = d.choice(list(itertools.permutations(range(len(shape)), 2)))
            axis = tuple(a - len(shape) * d.boolean() for a in axes)
    kwargs = {"ord": ord_, "axis": axis}
    if keepdims:
        kwargs["keepdims"] = True
    if kind == "matrix":
        rows, cols = (0, 1) if axis is None else (axis[0] % len(shape), axis[1] % len(shape))
        x = np.moveaxis(_matrix_entries(d, _without(shape, rows, cols) + (shape[rows],
                                                                      shape[cols])),
                        (-2, -1), (rows, cols))
        return (x,), kwargs
    return (_entries(d, shape),), kwargs


def _without(shape, *axes):
    return tuple(n for i, n in enumerate(shape) if i not in axes)


def _vector_norm(d):
    shape = d.shape(max_dims=3, min_side=1, max_side=3)
    kwargs = {"ord": d.choice([o for o in VECTOR_ORDS if o is not None])}
    if d.boolean():
        kwargs["axis"] = d.axis(len(shape), none=True, tuple=True) if shape else None
        if kwargs["axis"] == ():
            kwargs["axis"] = None
    if d.boolean():
        kwargs["keepdims"] = True
    return (_entries(d, shape),), kwargs


def _matrix_norm(d):
    x = _matrix_entries(d, _batch(d) + (_n(d), _n(d)))
    kwargs = {"ord": d.choice([o for o in MATRIX_ORDS if o is not None])}
    if d.boolean():
        kwargs["keepdims"] = True
    return (x,), kwargs


def _cond(d):
    p = d.choice([None, 2, -2, "fro", "nuc", 1, -1, np.inf, -np.inf])
    batch = _batch(d)
    if p in (None, 2, -2) and d.boolean():
        m, n = _n(d, 1, 4), _n(d, 1, 4)
        k = min(m, n)
        u = d.matrix(m, "orthogonal", batch)[..., :, :k]
        vh = d.matrix(n, "orthogonal", batch)[..., :k, :]
        x = ((u * _spaced(d, batch + (k,))[..., None, :]) @ vh).astype(d.dtype)
    else:
        x = d.matrix(_n(d), "wellcond", batch)
        if p in (1, -1, np.inf, -np.inf):
            x = x + _entries(d, x.shape) * 0.1     # no ties between row/column sums
    return (x,), ({} if p is None else {"p": p})


spec(np.linalg.norm, _norm, complex=True)
spec(getattr(np.linalg, "vector_norm", None), _vector_norm, complex=True)
spec(getattr(np.linalg, "matrix_norm", None), _matrix_norm, complex=True)
# 64-bit only: for p = 1 or inf, cond also takes |inv(x)|, whose entries a float32
# step (1e-3) can carry across zero (a kink) with a few percent probability
spec(np.linalg.cond, _cond, complex=True, dtypes=(np.float64, np.complex128))
