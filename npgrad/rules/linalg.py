"""Linear algebra: contractions (matmul, dot, einsum, ...) and ``np.linalg``.

Conventions shared by every rule here:

* Complex numbers.  Holomorphic maps (matmul, dot, einsum, cross, solve, inv,
  det, matrix_power, eigvals, ...) return ``g * f'(x)`` with no conjugate.
  The others (vdot, vecdot and vecmat, which conjugate an argument; norms,
  cond, slogdet, cholesky, qr, pinv, lstsq, eigh and svd of complex
  matrices) follow the JAX/autograd VJP convention: the transpose of the JVP
  under ``Re(sum(a * b))``.  Several are derived in the Hermitian (PyTorch)
  form ``Abar`` and returned as ``conj(Abar)`` of ``conj(g)``; the comment
  says so where it happens.
* Hermitian inputs.  Functions that read one triangle of a Hermitian matrix
  (eigh, eigvalsh, cholesky, pinv and svd with ``hermitian=True``) use the
  symmetric-input convention: the gradient is the Hermitian part, the
  gradient of ``f((a + a^H) / 2)``.
* Eigenvector gauge.  Each eigenvector is fixed only up to a phase (and, for
  ``eig``, NumPy's unit 2-norm).  ``eigh`` and ``eig`` take
  ``v_k^H dv_k = 0``; ``svd`` splits the phase of each singular pair evenly
  between ``u_k`` and ``v_k``.  Gradients of functions invariant under these
  phases (``abs(v)``, ``v @ diag(f(w)) @ v^H``, ``u @ diag(s) @ vh``) do not
  depend on the choice; other functions of complex eigenvectors have no
  well-defined gradient.
* Degeneracies (guards).  Where two eigenvalues agree to ``n * eps * max|w|``
  the coupling ``1 / (w_j - w_i)`` is set to 0.  First derivatives are then
  exact for functions of the eigenvalues alone and for functions that see a
  tied group of eigenvectors only through its eigenspace (its projector, or
  eigenvectors of the other, simple eigenvalues); anything else, including
  second derivatives at the tie, is undefined there.  The SVD is written so
  that a tie meets only the term that vanishes for functions invariant under
  rotations of the tied singular pairs.  ``1 / s`` for a zero singular value
  is set to 0.  ``det`` is exact at singular matrices (the cofactor matrix
  through a contour average).  Spectral and max norms split the gradient
  evenly over tied extreme values, like ``max``; the nuclear norm of a
  rank-deficient matrix gets the minimal subgradient ``U_r V_r^H``; a norm at
  the zero vector, and p < 1 norms at zero entries, get 0.

Undefined and left so: inv, solve, slogdet and cond of singular matrices; qr
of a rank-deficient matrix; pinv and lstsq across a rank change (the rules
differentiate at constant rank, treating singular values below the cutoff as
exact zeros); the columns of complete ``qr`` and of ``svd(full_matrices=True)``
beyond ``min(m, n)``, which are arbitrary (a nonzero cotangent there raises;
their JVP is 0); ``qr(mode="raw")`` (raises).  ``matrix_rank`` is a constant.
"""

import string

import numpy as np

from .._registry import defvjp, deflinear, defvjp_all, nondifferentiable


# ---- helpers ----

def _T(x):
    return np.swapaxes(x, -1, -2)


def _H(x):
    return np.conj(np.swapaxes(x, -1, -2))


def _herm(x):
    return (x + _H(x)) / 2


def _diag(v):
    """Vectors (..., n) -> diagonal matrices (..., n, n)."""
    return v[..., None, :] * np.eye(np.shape(v)[-1])


def _diagonal(x):
    return np.linalg.diagonal(x)


def _tol(w):
    """The (batched) threshold below which spectral gaps and values count as zero."""
    n = max(np.shape(w)[-1], 1)
    return n * np.finfo(w.dtype).eps * np.max(np.abs(w), axis=-1, keepdims=True)


def _gap_reciprocal(w):
    """F[..., i, j] = 1 / (w_j - w_i) off the diagonal; 0 on it and for tied pairs."""
    d = w[..., None, :] - w[..., :, None]
    far = np.abs(d) > _tol(w)[..., None]
    return np.where(far, 1 / np.where(far, d, 1), 0)


def _safe_reciprocal(s):
    """1 / s for singular values, 0 where s is zero (to working precision)."""
    big = s > _tol(s)
    return np.where(big, 1 / np.where(big, s, 1), 0)


def _to_end(x, axes):
    k = len(axes)
    return np.moveaxis(x, axes, tuple(range(-k, 0))) if k else x


def _from_end(gx, axes, ndim):
    """Inverse of :func:`_to_end` for a cotangent that may carry extra batch axes."""
    k = len(axes)
    if not k:
        return gx
    return np.moveaxis(gx, tuple(range(-k, 0)), tuple(a % ndim - ndim for a in axes))


def _zero(g):
    """Whether a cotangent is a constant zero (the engine's filler for an unused output).

    A traced cotangent is never treated as zero, even when its value is: the
    backward pass is then being differentiated with respect to it (jvp's
    transpose trick seeds zeros).
    """
    return isinstance(g, np.ndarray) and not g.any()


# ---- gufuncs (matmul, vecdot, matvec, vecmat): axes=/axis=/keepdims= ----

def _core_axes(kwargs, ncore):
    """One tuple of core axes per operand and the output, or None if they are last."""
    axes, axis = kwargs.get("axes"), kwargs.get("axis")
    keepdims = kwargs.get("keepdims", False)
    if axes is None and axis is None and not keepdims:
        return None
    if axes is None:
        ax = -1 if axis is None else axis
        axes = [(ax,) * n for n in ncore[:-1]]
    axes = [tuple(a) if isinstance(a, (tuple, list)) else (a,) for a in axes]
    if len(axes) < len(ncore):
        # an output without core dims may be omitted; keepdims puts it where
        # the first operand's core axis was
        axes.append(axes[0] if keepdims else ())
    return axes, keepdims


def _gufunc_rule(canonical, i, ncore):
    """The rule for argument ``i`` of a gufunc from ``canonical(g, *args)``.

    ``canonical`` sees the core dimensions last; ``ncore(*args)`` gives the
    number of core dimensions of each operand and of the output.
    """
    def rule(g, ans, *args, **kwargs):
        if not kwargs:
            return canonical(g, *args)
        spec = _core_axes(kwargs, ncore(*args))
        if spec is None:
            return canonical(g, *args)
        axes, keepdims = spec
        moved = [_to_end(x, ax) for x, ax in zip(args, axes)]
        gm = _to_end(g, axes[-1])
        if keepdims:
            gm = gm[..., 0]
        return _from_end(canonical(gm, *moved), axes[i], np.ndim(args[i]))
    return rule


# ---- matmul: vectors are promoted to matrices, then the axes removed again ----

def _promoted(g, a, b):
    """g, a and b as matrices: 1-D operands promoted as matmul does."""
    if np.ndim(b) == 1:
        b, g = b[:, None], g[..., None]
    if np.ndim(a) == 1:
        a, g = a[None, :], g[..., None, :]
    return g, a, b


def _matmul_a(g, a, b):
    g2, a2, b2 = _promoted(g, a, b)
    ga = g2 @ _T(b2)
    return ga[..., 0, :] if np.ndim(a) == 1 else ga


def _matmul_b(g, a, b):
    g2, a2, b2 = _promoted(g, a, b)
    gb = _T(a2) @ g2
    return gb[..., 0] if np.ndim(b) == 1 else gb


def _matmul_ncore(a, b):
    na, nb = min(np.ndim(a), 2), min(np.ndim(b), 2)
    return na, nb, (na == 2) + (nb == 2)


defvjp([np.matmul, np.linalg.matmul], _gufunc_rule(_matmul_a, 0, _matmul_ncore),
       _gufunc_rule(_matmul_b, 1, _matmul_ncore))


# ---- vecdot (conjugates x1), matvec, vecmat (conjugates the vector) ----

def _vecdot_x1(g, x1, x2):
    return np.conj(g[..., None] * x2)


def _vecdot_x2(g, x1, x2):
    return g[..., None] * np.conj(x1)


def _vecdot_ncore(x1, x2):
    return 1, 1, 0


defvjp([getattr(np, "vecdot", None), np.linalg.vecdot],
       _gufunc_rule(_vecdot_x1, 0, _vecdot_ncore), _gufunc_rule(_vecdot_x2, 1, _vecdot_ncore))

if hasattr(np, "matvec"):
    defvjp(np.matvec,
           _gufunc_rule(lambda g, a, x: g[..., :, None] * x[..., None, :], 0,
                        lambda a, x: (2, 1, 1)),
           _gufunc_rule(lambda g, a, x: np.matvec(_T(a), g), 1, lambda a, x: (2, 1, 1)))
    defvjp(np.vecmat,
           _gufunc_rule(lambda g, v, a: np.conj(np.matvec(a, g)), 0, lambda v, a: (1, 2, 1)),
           _gufunc_rule(lambda g, v, a: np.conj(v)[..., :, None] * g[..., None, :], 1,
                        lambda v, a: (1, 2, 1)))


# ---- dot, inner, outer, vdot, kron ----

def _dot_a(g, ans, a, b, out=None):
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return g * b
    if nb == 1:
        return np.multiply.outer(g, b) if na > 1 else g * b
    # b: (..., k, n); g: a_free + b_batch + (n,)
    b_axes = list(range(nb - 2)) + [nb - 1]
    g_axes = list(range(na - 1, na - 1 + nb - 2)) + [na - 1 + nb - 2]
    return np.tensordot(g, b, axes=(g_axes, b_axes))


def _dot_b(g, ans, a, b, out=None):
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return g * a
    lead = list(range(na - 1))
    gb = np.tensordot(a, g, axes=(lead, lead))      # (k,) + b_batch + (n,)
    return np.moveaxis(gb, 0, -2) if nb > 1 else gb


defvjp(np.dot, _dot_a, _dot_b)


def _inner_a(g, ans, a, b):
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return g * b
    return np.tensordot(g, b, axes=(list(range(na - 1, na + nb - 2)), list(range(nb - 1))))


def _inner_b(g, ans, a, b):
    na, nb = np.ndim(a), np.ndim(b)
    if na == 0 or nb == 0:
        return g * a
    lead = list(range(na - 1))
    return np.moveaxis(np.tensordot(a, g, axes=(lead, lead)), 0, -1)


defvjp(np.inner, _inner_a, _inner_b)

defvjp([np.outer, np.linalg.outer],
       lambda g, ans, a, b, out=None: np.reshape(g @ np.ravel(b), np.shape(a)),
       lambda g, ans, a, b, out=None: np.reshape(np.ravel(a) @ g, np.shape(b)))

defvjp(np.vdot,
       lambda g, ans, a, b: np.reshape(np.conj(g * b), np.shape(a)),
       lambda g, ans, a, b: np.reshape(g * np.conj(a), np.shape(b)))


def _kron_blocks(g, a, b):
    """g reshaped to (a0, b0, a1, b1, ...) and the padded shapes of a and b."""
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    return np.reshape(g, tuple(n for pair in zip(sa, sb) for n in pair)), sa, sb, nd


def _kron_a(g, ans, a, b):
    g2, sa, sb, nd = _kron_blocks(g, a, b)
    ga = np.tensordot(g2, np.reshape(b, sb), axes=(list(range(1, 2 * nd, 2)), list(range(nd))))
    return np.reshape(ga, np.shape(a))


def _kron_b(g, ans, a, b):
    g2, sa, sb, nd = _kron_blocks(g, a, b)
    gb = np.tensordot(np.reshape(a, sa), g2, axes=(list(range(nd)), list(range(0, 2 * nd, 2))))
    return np.reshape(gb, np.shape(b))


defvjp(np.kron, _kron_a, _kron_b)


# ---- tensordot ----

def _tensordot_axes(axes, na, nb):
    if isinstance(axes, (int, np.integer)):
        return list(range(na - axes, na)), list(range(axes))
    a_axes, b_axes = axes
    a_axes = [a_axes] if isinstance(a_axes, (int, np.integer)) else list(a_axes)
    b_axes = [b_axes] if isinstance(b_axes, (int, np.integer)) else list(b_axes)
    return [x % na for x in a_axes], [x % nb for x in b_axes]


def _tensordot_a(g, ans, a, b, axes=2):
    na, nb = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, na, nb)
    a_free = [i for i in range(na) if i not in a_axes]
    b_free = [i for i in range(nb) if i not in b_axes]
    ga = np.tensordot(g, b, axes=(list(range(len(a_free), np.ndim(g))), b_free))
    # b's contracted axes come out in b's order; map them to a's
    return np.transpose(ga, np.argsort(a_free + [a_axes[j] for j in np.argsort(b_axes)]))


def _tensordot_b(g, ans, a, b, axes=2):
    na, nb = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, na, nb)
    a_free = [i for i in range(na) if i not in a_axes]
    b_free = [i for i in range(nb) if i not in b_axes]
    gb = np.tensordot(a, g, axes=(a_free, list(range(len(a_free)))))
    return np.transpose(gb, np.argsort([b_axes[j] for j in np.argsort(a_axes)] + b_free))


defvjp([np.tensordot, np.linalg.tensordot], _tensordot_a, _tensordot_b)


# ---- einsum ----

def _label(s):
    # NumPy's sublist labels: 0-25 are 'A'-'Z', 26-51 are 'a'-'z'
    return "..." if s is Ellipsis else string.ascii_letters[(int(s) + 26) % 52]


def _einsum_parse(args):
    """(subscripts per operand, output subscripts, operands), '...' expanded to letters.

    Ellipsis dimensions get fresh letters, right-aligned across operands
    (they broadcast like NumPy's, size-1 axes included).  The implicit output
    is the ellipsis followed by the letters used once, in sorted order.
    """
    if isinstance(args[0], str):
        spec, operands = args[0].replace(" ", ""), list(args[1:])
    else:                                   # interleaved: op, sublist, op, sublist, [out]
        operands, subs = list(args[0:-1:2] if len(args) % 2 else args[0::2]), args[1::2]
        spec = ",".join("".join(map(_label, s)) for s in subs)
        if len(args) % 2:
            spec += "->" + "".join(map(_label, args[-1]))
    ins, arrow, out = spec.partition("->")
    ins = ins.split(",")
    free = [c for c in string.ascii_letters if c not in spec]
    extra = [np.ndim(op) - len(s) + 3 if "..." in s else 0 for s, op in zip(ins, operands)]
    nell = max(extra, default=0)
    ell = "".join(free[:nell])
    ins = [s.replace("...", ell[nell - k:]) for s, k in zip(ins, extra)]
    if arrow:
        out = out.replace("...", ell)
    else:
        letters = "".join(ins)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1
                                   and c not in ell))
    return ins, out, operands


def _einsum_operand(g, i, ins, out, operands, optimize):
    """The cotangent of operand i: one einsum of g with the other operands.

    Letters summed inside operand i alone come back through a ones vector,
    repeated letters (traces, diagonals) through identity matrices.
    """
    sub, x = ins[i], operands[i]
    sizes = dict(zip(sub, np.shape(x)))
    used = set("".join(ins) + out)
    spare = iter(c for c in string.ascii_letters if c not in used)
    others = [s for j, s in enumerate(ins) if j != i]
    available = set(out).union(*others)
    specs = [out] + others
    ops = [g] + [op for j, op in enumerate(operands) if j != i]
    full, seen = "", set()
    for c in sub:
        if c in seen:
            d = next(spare)
            specs.append(c + d)
            ops.append(np.eye(sizes[c]))
            full += d
            continue
        seen.add(c)
        full += c
        if c not in available:
            specs.append(c)
            ops.append(np.ones(sizes[c]))
    return np.einsum(",".join(specs) + "->" + full, *ops, optimize=optimize)


@defvjp_all(np.einsum)
def _einsum_vjp(g, ans, *args, out=None, optimize=False, **kwargs):
    if not isinstance(optimize, (bool, str)):
        optimize = True             # an explicit path fits the forward operands only
    ins, out_sub, operands = _einsum_parse(args)
    grads = [_einsum_operand(g, i, ins, out_sub, operands, optimize)
             for i in range(len(operands))]
    if isinstance(args[0], str):
        return (None,) + tuple(grads)
    result = [None] * len(args)
    result[0:2 * len(grads):2] = grads
    return tuple(result)


# ---- cross ----

def _cross_vectors(g, a, b, axisa, axisb, axisc, axis):
    """a, b and g with the vector axis last, 2-vectors padded to 3 (z = 0)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    av, bv = np.moveaxis(a, axisa, -1), np.moveaxis(b, axisb, -1)
    na, nb = np.shape(av)[-1], np.shape(bv)[-1]
    pad = np.eye(2, 3)
    if na == nb == 2:
        gv = g[..., None] * np.array([0.0, 0.0, 1.0])
    else:
        gv = np.moveaxis(g, axisc, -1)
    return (gv, av if na == 3 else av @ pad, bv if nb == 3 else bv @ pad,
            axisa % np.ndim(a) - np.ndim(a), axisb % np.ndim(b) - np.ndim(b), na, nb)


def _cross_a(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    gv, a3, b3, pa, pb, na, nb = _cross_vectors(g, a, b, axisa, axisb, axisc, axis)
    return np.moveaxis(np.cross(b3, gv)[..., :na], -1, pa)   # g.(a x b) = a.(b x g)


def _cross_b(g, ans, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    gv, a3, b3, pa, pb, na, nb = _cross_vectors(g, a, b, axisa, axisb, axisc, axis)
    return np.moveaxis(np.cross(gv, a3)[..., :nb], -1, pb)   # g.(a x b) = b.(g x a)


defvjp(np.cross, _cross_a, _cross_b)
defvjp(np.linalg.cross,
       lambda g, ans, x1, x2, axis=-1: _cross_a(g, ans, x1, x2, axis=axis),
       lambda g, ans, x1, x2, axis=-1: _cross_b(g, ans, x1, x2, axis=axis))


# ---- multi_dot ----

@defvjp_all(np.linalg.multi_dot)
def _multi_dot_vjp(g, ans, arrays, out=None):
    mats = list(arrays)
    first, last = np.ndim(mats[0]) == 1, np.ndim(mats[-1]) == 1
    if last:
        mats[-1], g = mats[-1][:, None], g[..., None]
    if first:
        mats[0], g = mats[0][None, :], g[None, ...]
    n = len(mats)
    left, acc = [None] * n, None
    for i in range(n - 1):
        acc = mats[i] if acc is None else acc @ mats[i]
        left[i + 1] = acc
    right, acc = [None] * n, None
    for i in range(n - 1, 0, -1):
        acc = mats[i] if acc is None else mats[i] @ acc
        right[i - 1] = acc
    grads = []
    for x, lft, rgt in zip(arrays, left, right):
        gi = g if lft is None else _T(lft) @ g
        gi = gi if rgt is None else gi @ _T(rgt)
        grads.append(np.reshape(gi, np.shape(x)))
    return (grads,)


# ---- linear maps of one matrix: trace, diagonal ----

deflinear(np.linalg.trace, lambda g, ans, x, offset=0, dtype=None:
          np.expand_dims(g, (-2, -1)) * np.eye(*np.shape(x)[-2:], k=offset))


def _diagonal_vjp(g, ans, x, offset=0):
    n, m = np.shape(x)[-2:]
    size = np.shape(g)[-1]
    rows = np.eye(n, size, k=-max(0, -offset))  # rows[i, t] = 1 where i = t + row offset
    cols = np.eye(size, m, k=max(0, offset))    # cols[t, j] = 1 where j = t + col offset
    return (g[..., None, :] * rows) @ cols


deflinear(np.linalg.diagonal, _diagonal_vjp)
# np.linalg.matrix_transpose lives with the other transposes in shape.py


# ---- inverses and solves ----

defvjp(np.linalg.inv, lambda g, ans, a: -_T(ans) @ g @ _T(ans))


@defvjp_all(np.linalg.solve)
def _solve_vjp(g, ans, a, b):
    vector = np.ndim(b) == 1        # NumPy 2: only a 1-D b is a vector
    if vector:
        g, ans = g[..., None], ans[..., None]
    gb = np.linalg.solve(_T(a), g)
    ga = -gb @ _T(ans)
    return ga, gb[..., 0] if vector else gb


def _pinv_rule(g, p, a):
    """Cotangent of ``a`` given the cotangent ``g`` of ``p = pinv(a)`` (constant rank).

    dP = -P dA P + P P^H dA^H (I - A P) + (I - P A) dA^H P^H P (Golub & Pereyra),
    transposed under Re(sum(a * b)).
    """
    c = np.conj
    pt = _T(p)
    gh = _H(g)
    x2 = gh @ c(p) @ pt                 # (I - conj(A P)) g^H conj(P) P^T
    x3 = pt @ c(p) @ gh                 # P^T conj(P) g^H (I - conj(P A))
    return -pt @ g @ pt + (x2 - c(a) @ (c(p) @ x2)) + (x3 - (x3 @ c(p)) @ c(a))


def _pinv_vjp(g, ans, a, rcond=None, hermitian=False, **kwargs):
    ga = _pinv_rule(g, ans, a)
    return _herm(ga) if hermitian else ga


defvjp(np.linalg.pinv, _pinv_vjp)


@defvjp_all(np.linalg.lstsq)
def _lstsq_vjp(g, ans, a, b, rcond=None):
    # x = pinv(a) @ b: the pinv rule for a, pinv(a)^T g for b (constant rank);
    # the residuals |b - a x|^2 have zero derivative through x (x is optimal).
    gx, gres, _, gs = g
    x, res = ans[0], ans[1]
    vector = np.ndim(b) == 1
    if vector:
        b, x, gx = b[:, None], x[:, None], gx[:, None]
    if rcond is None:
        p = np.linalg.pinv(a, rtol=None)     # lstsq's default cutoff: eps * max(M, N)
    else:
        p = np.linalg.pinv(a, rcond=max(rcond, float(np.finfo(a.dtype).eps)))
    c = np.conj
    r = b - a @ x
    pt = _T(p)
    xg = c(x) @ _H(gx)
    ga = -pt @ gx @ _T(x) + c(r) @ (_H(gx) @ c(p) @ pt) + pt @ (xg - (xg @ c(p)) @ c(a))
    gb = pt @ gx
    if np.size(res) and not _zero(gres):
        wr = 2 * c(r) * gres
        ga = ga - wr @ _T(x)
        gb = gb + wr
    if not _zero(gs):
        ga = ga + _svdvals_rule(gs, a)
    return ga, gb[:, 0] if vector else gb


def _tensorsolve_vjp_all(g, ans, a, b, axes=None):
    an = np.ndim(a)
    perm = list(range(an))
    if axes is not None:
        for k in axes:
            perm.remove(k)
            perm.insert(an, k)
    am = np.transpose(a, perm)
    n = np.size(b)
    a2 = np.reshape(am, (n, -1))
    gb = np.linalg.solve(_T(a2), np.reshape(g, (-1, 1)))
    ga = -gb @ np.reshape(ans, (1, -1))
    return (np.transpose(np.reshape(ga, np.shape(am)), np.argsort(perm)),
            np.reshape(gb, np.shape(b)))


defvjp_all(np.linalg.tensorsolve)(_tensorsolve_vjp_all)


def _tensorinv_vjp(g, ans, a, ind=2):
    shape = np.shape(a)
    n = int(np.prod(shape[:ind]))
    inv2 = np.reshape(ans, (-1, n))
    g2 = np.reshape(g, (-1, n))
    return np.reshape(-_T(inv2) @ g2 @ _T(inv2), shape)


defvjp(np.linalg.tensorinv, _tensorinv_vjp)


def _power_rule(g, a, n):
    """Cotangent of a for a^n, n >= 1: sum_k (a^T)^k g (a^T)^(n-1-k)."""
    at = _T(a)
    total, power = g, None
    for _ in range(n - 1):
        power = at if power is None else power @ at
        total = at @ total + g @ power
    return total


def _matrix_power_vjp(g, ans, a, n):
    if n == 0:
        return np.zeros_like(a)
    if n > 0:
        return _power_rule(g, a, n)
    b = np.linalg.inv(a)
    bt = _T(b)
    return -bt @ _power_rule(g, b, -n) @ bt


defvjp(np.linalg.matrix_power, _matrix_power_vjp)


# ---- determinants ----

def _cofactor(a, det):
    """det(a) * inv(a)^T, also where det(a) == 0.

    The cofactor matrix is a polynomial of degree n - 1 in a, so at a singular
    a it is the mean of its values on the circle a + r w^k I (w^k the n-th
    roots of unity), with r above the spectral radius: smooth at every rank.
    """
    if np.all(det != 0):
        return det[..., None, None] * _T(np.linalg.inv(a))
    n = np.shape(a)[-1]
    r = 1 + n * np.max(np.abs(a), axis=(-2, -1), keepdims=True)
    total = 0
    for k in range(n):
        b = a + r * np.exp(2j * np.pi * k / n) * np.eye(n)
        total = total + np.linalg.det(b)[..., None, None] * _T(np.linalg.inv(b))
    return total / n


defvjp(np.linalg.det, lambda g, ans, a: np.expand_dims(g, (-2, -1)) * _cofactor(a, ans))


def _slogdet_vjp(g, ans, a):
    # d logabsdet = Re tr(a^-1 da); d sign = i sign Im tr(a^-1 da) (complex only)
    gsign, glog = g
    sign = ans[0]
    coef = glog
    if np.iscomplexobj(sign):
        coef = coef + 1j * np.imag(gsign * sign)
    return np.expand_dims(coef, (-2, -1)) * _T(np.linalg.inv(a))


defvjp(np.linalg.slogdet, _slogdet_vjp)


# ---- cholesky and qr ----

def _cholesky_vjp(g, ans, a, upper=False):
    # Hermitian form (Murray 2016): Abar = herm(L^-H Phi(L^H Lbar) L^-1), Phi = lower
    # triangle with the diagonal halved; returned as conj(Abar) of conj(g).
    lbar = _T(g) if upper else np.conj(g)
    low = _H(ans) if upper else ans
    n = np.shape(low)[-1]
    phi = (_H(low) @ lbar) * (np.tri(n, k=-1) + 0.5 * np.eye(n))
    y = np.linalg.solve(_H(low), phi)            # L^-H Phi
    abar = _H(np.linalg.solve(_H(low), _H(y)))   # L^-H Phi L^-1
    return np.conj(_herm(abar))


defvjp(np.linalg.cholesky, _cholesky_vjp)


def _copyltu(m):
    """tril(m, -1) + tril(m, -1)^H + Re(diag(m)): the Hermitian matrix with m's lower half."""
    n = np.shape(m)[-1]
    low = m * np.tri(n, k=-1)
    return low + _H(low) + np.real(m) * np.eye(n)


def _qr_square_or_tall(q, r, qbar, rbar):
    """Hermitian-form cotangent of a = q r for m >= n (Walter & Lehmann; PyTorch)."""
    m = r @ _H(rbar) - _H(qbar) @ q
    b = qbar + q @ _copyltu(m)
    return _H(np.linalg.solve(r, _H(b)))           # b r^-H


def _qr_vjp(g, ans, a, mode="reduced"):
    if mode == "r":
        q, r, gr = np.linalg.qr(a)[0], ans, g
        gq = np.zeros_like(q)
    elif mode in ("reduced", "complete"):
        (q, r), (gq, gr) = ans, g
    else:
        raise ValueError(f"np.linalg.qr(mode={mode!r}) has no gradient; use mode='reduced'.")
    m, n = np.shape(a)[-2:]
    if mode == "complete" and m > n:
        if np.any(gq[..., :, n:]):      # by value: jvp's traced zero seeds pass
            raise ValueError(
                "np.linalg.qr(mode='complete') with m > n: the last m - n columns of Q "
                "are arbitrary, so they have no gradient; use mode='reduced'.")
        q, gq, r, gr = q[..., :, :n], gq[..., :, :n], r[..., :n, :], gr[..., :n, :]
    qbar, rbar = np.conj(gq), np.conj(gr)
    if m >= n:
        return np.conj(_qr_square_or_tall(q, r, qbar, rbar))
    # wide: a = [u | v] = q [x | y] with u = q x square and y = q^H v
    ybar = rbar[..., :, m:]
    ubar = _qr_square_or_tall(q, r[..., :, :m], qbar + a[..., :, m:] @ _H(ybar),
                              rbar[..., :, :m])
    return np.conj(np.concatenate([ubar, q @ ybar], axis=-1))


defvjp(np.linalg.qr, _qr_vjp)


# ---- Hermitian eigenproblems ----

def _eigh_vjp(g, ans, a, UPLO="L"):
    # Hermitian form: Abar = V (diag(wbar) + F o (V^H Vbar)) V^H, symmetrised
    gw, gv = g
    w, v = ans
    inner = _diag(gw)
    if not _zero(gv):
        inner = inner + _gap_reciprocal(w) * (_H(v) @ np.conj(gv))
    return np.conj(_herm(v @ inner @ _H(v)))


defvjp(np.linalg.eigh, _eigh_vjp)


def _eigvalsh_vjp(g, ans, a, UPLO="L"):
    v = np.linalg.eigh(a, UPLO=UPLO)[1]
    return (np.conj(v) * g[..., None, :]) @ _T(v)


defvjp(np.linalg.eigvalsh, _eigvalsh_vjp)


# ---- general eigenproblem (holomorphic; unit-norm eigenvectors, v^H dv = 0) ----

def _eig_vjp(g, ans, a):
    # a = V W V^-1, dV = V C with C = F o (V^-1 da V) off the diagonal and the
    # diagonal fixed by v_k^H dv_k = 0; transposed: V^-T (diag(gw) + F o K) V^T
    gw, gv = g
    w, v = ans
    vt = _T(v)
    inner = _diag(gw)
    if not _zero(gv):
        vtg = vt @ gv
        k = vtg - (vt @ np.conj(v)) * _diagonal(vtg)[..., None, :]
        inner = inner + _gap_reciprocal(w) * k
    return np.linalg.solve(vt, inner @ vt)


defvjp(np.linalg.eig, _eig_vjp)


def _eigvals_vjp(g, ans, a):
    vt = _T(np.linalg.eig(a)[1])
    return np.linalg.solve(vt, g[..., :, None] * vt)


defvjp(np.linalg.eigvals, _eigvals_vjp)


# ---- singular value decomposition ----

def _pair_reciprocal(s):
    """P[..., i, j] = 1 / (s_i + s_j), 0 where both singular values are zero."""
    t = s[..., None, :] + s[..., :, None]
    big = t > _tol(s)[..., None]
    return np.where(big, 1 / np.where(big, t, 1), 0)


def _svd_hermitian_form(a, u, s, vh, ubar, sbar, vbar):
    """Abar for the reduced SVD a = u diag(s) vh (Hermitian form; ubar, vbar may be None).

    With A = U^H Ubar - (U^H Ubar)^H and B = V^H Vbar - (V^H Vbar)^H,
    Abar = U [diag(sbar) + ((A + B) / (s_j - s_i) + (A - B) / (s_i + s_j)) / 2] V^H
           + (I - U U^H) Ubar S^-1 V^H + U S^-1 Vbar^H (I - V V^H).
    This is the usual F_ij = 1 / (s_j^2 - s_i^2) form split so that a tie
    s_i = s_j only meets the A + B term, which vanishes for functions
    invariant under the rotations of tied singular pairs (the guard sets it to
    0); the A - B term stays finite.  Its diagonal, (A - B)_kk / 4 s_k,
    splits the phase gauge evenly between u_k and v_k.
    """
    m, n = np.shape(a)[-2:]
    inner = _diag(sbar)
    if ubar is None and vbar is None:
        return u @ inner @ vh
    sinv = _safe_reciprocal(s)
    v = _H(vh)
    skew_u = skew_v = 0
    if ubar is not None:
        ju = _H(u) @ ubar
        skew_u = ju - _H(ju)
    if vbar is not None:
        jv = vh @ vbar
        skew_v = jv - _H(jv)
    inner = inner + ((skew_u + skew_v) * _gap_reciprocal(s)
                     + (skew_u - skew_v) * _pair_reciprocal(s)) / 2
    abar = u @ inner @ vh
    if ubar is not None and m > n:
        abar = abar + ((ubar - u @ (_H(u) @ ubar)) * sinv[..., None, :]) @ vh
    if vbar is not None and n > m:
        abar = abar + (u * sinv[..., None, :]) @ _H(vbar - v @ (vh @ vbar))
    return abar


def _svdvals_rule(g, a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return (np.conj(u) * g[..., None, :]) @ np.conj(vh)


def _svd_vjp(g, ans, a, full_matrices=True, compute_uv=True, hermitian=False):
    if not compute_uv:
        ga = _svdvals_rule(g, a)
    else:
        (u, s, vh), (gu, gs, gvh) = ans, g
        m, n = np.shape(a)[-2:]
        k = min(m, n)
        if full_matrices and m != n:
            extra = gu[..., :, k:] if m > n else gvh[..., k:, :]
            if np.any(extra):             # by value: jvp's traced zero seeds pass
                raise ValueError(
                    "np.linalg.svd(full_matrices=True): the singular vectors beyond "
                    "min(m, n) are arbitrary, so they have no gradient; use "
                    "full_matrices=False.")
            u, gu, vh, gvh = u[..., :, :k], gu[..., :, :k], vh[..., :k, :], gvh[..., :k, :]
        ubar = None if _zero(gu) else np.conj(gu)
        vbar = None if _zero(gvh) else _T(gvh)
        ga = np.conj(_svd_hermitian_form(a, u, s, vh, ubar, gs, vbar))
    return _herm(ga) if hermitian else ga


defvjp(np.linalg.svd, _svd_vjp)
defvjp(getattr(np.linalg, "svdvals", None), lambda g, ans, x: _svdvals_rule(g, x))


# ---- norms ----

def _unit(x):
    """conj(x) / |x| (0 at 0): the cotangent factor of |x|."""
    ax = np.abs(x)
    nz = ax != 0
    return np.where(nz, np.conj(x) / np.where(nz, ax, 1), 0)


def _vector_norm_rule(g, ans, x, p, axes):
    """g and ans broadcast against x; axes: the reduced axes (for ties of inf norms)."""
    if p == 0:
        return np.zeros_like(x)                 # counts nonzeros: a constant
    if p in (np.inf, -np.inf):
        hit = np.abs(x) == ans                  # ties share the gradient evenly
        return g * _unit(x) * (hit / np.sum(hit, axis=axes, keepdims=True))
    if p == 1:
        return g * _unit(x)
    safe = np.where(ans == 0, 1, ans)          # the zero vector: subgradient 0
    if p == 2:
        return g * np.conj(x) / safe
    ax = np.abs(x)
    # d|x|_p = |x|_p^(1-p) |x|^(p-2) conj(x); zero entries contribute 0
    return g * safe ** (1 - p) * np.where(ax == 0, 1, ax) ** (p - 2) * np.conj(x)


def _extreme_weights(s, largest):
    """Weights on the largest (smallest) singular values, ties split evenly."""
    target = s[..., :1] if largest else s[..., -1:]
    hit = np.abs(s - target) <= _tol(s)
    return hit / np.sum(hit, axis=-1, keepdims=True)


def _matrix_norm_rule(g, ans, x, ord, row, col):
    """g and ans broadcast against x with size-1 axes at row and col."""
    if ord in (None, "fro"):
        return _vector_norm_rule(g, ans, x, 2, (row, col))
    if ord in (1, -1, np.inf, -np.inf):
        # max/min over one axis of the absolute sums over the other
        over, along = (row, col) if ord in (1, -1) else (col, row)
        sums = np.sum(np.abs(x), axis=over, keepdims=True)
        hit = sums == ans
        return g * _unit(x) * (hit / np.sum(hit, axis=along, keepdims=True))
    if ord in ("nuc", 2, -2):
        xm = _to_end(x, (row, col))
        u, s, vh = np.linalg.svd(xm, full_matrices=False)
        if ord == "nuc":
            w = s > _tol(s)                     # rank-deficient: minimal-norm subgradient
        else:
            w = _extreme_weights(s, ord == 2)
        gm = _to_end(g, (row, col))
        return _from_end(gm * np.conj((u * w[..., None, :]) @ vh), (row, col), np.ndim(x))
    raise ValueError(f"Invalid norm order {ord!r} for matrices.")


def _norm_axes(x, axis):
    nd = np.ndim(x)
    if axis is None:
        return tuple(range(nd))
    return tuple(a % nd for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))


def _unreduced(g, ans, x, axis, keepdims):
    if keepdims:
        return g, ans
    axes = _norm_axes(x, axis)
    return np.expand_dims(g, axes), np.expand_dims(ans, axes)


def _norm_vjp(g, ans, x, ord=None, axis=None, keepdims=False):
    axes = _norm_axes(x, axis)
    g, ans = _unreduced(g, ans, x, axis, keepdims)
    if (axis is None and ord is None) or len(axes) == 1:
        return _vector_norm_rule(g, ans, x, 2 if ord is None else ord, axes)
    return _matrix_norm_rule(g, ans, x, ord, *axes)


defvjp(np.linalg.norm, _norm_vjp)
defvjp(getattr(np.linalg, "vector_norm", None),
       lambda g, ans, x, axis=None, keepdims=False, ord=2:
       _vector_norm_rule(*_unreduced(g, ans, x, axis, keepdims), x, ord,
                         _norm_axes(x, axis)))
defvjp(getattr(np.linalg, "matrix_norm", None),
       lambda g, ans, x, keepdims=False, ord="fro":
       _norm_vjp(g, ans, x, ord=ord, axis=(-2, -1), keepdims=keepdims))


def _cond_vjp(g, ans, x, p=None):
    if p in (None, 2, -2):
        # s_max / s_min (p = -2: s_min / s_max), through one SVD
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        top, bottom = _extreme_weights(s, True), _extreme_weights(s, False)
        hi, lo = s[..., :1], s[..., -1:]
        if p == -2:
            ds = bottom / hi - top * lo / hi ** 2
        else:
            ds = top / lo - bottom * hi / lo ** 2
        return np.conj((u * (g[..., None] * ds)[..., None, :]) @ vh)
    # norm(x, p) * norm(inv(x), p)
    b = np.linalg.inv(x)
    na = np.linalg.norm(x, p, axis=(-2, -1), keepdims=True)
    nb = np.linalg.norm(b, p, axis=(-2, -1), keepdims=True)
    gk = np.expand_dims(g, (-2, -1))
    gb = _matrix_norm_rule(gk * na, nb, b, p, -2, -1)
    return _matrix_norm_rule(gk * nb, na, x, p, -2, -1) - _T(b) @ gb @ _T(b)


defvjp(np.linalg.cond, _cond_vjp)

nondifferentiable(np.linalg.matrix_rank)
