"""Contractions: dot, matmul, tensordot, einsum."""

import string

import numpy as np

from .._registry import defvjp, defvjp_all


# ---- matmul: vectors are promoted to matrices, then the axes removed again ----
def _matmul_a(g, ans, a, b, **kwargs):
    if np.ndim(b) == 1:
        g = np.expand_dims(g, -1)
        b = np.reshape(b, (1, -1))
    else:
        b = np.swapaxes(b, -1, -2)
        if np.ndim(a) == 1:
            g = np.expand_dims(g, -2)
    ga = np.matmul(g, b)
    return np.reshape(ga, np.shape(ga)[:-2] + (-1,)) if np.ndim(a) == 1 else ga


def _matmul_b(g, ans, a, b, **kwargs):
    if np.ndim(a) == 1:
        g = np.expand_dims(g, -2)
        a = np.reshape(a, (-1, 1))
    else:
        a = np.swapaxes(a, -1, -2)
        if np.ndim(b) == 1:
            g = np.expand_dims(g, -1)
    gb = np.matmul(a, g)
    return np.reshape(gb, np.shape(gb)[:-2] + (-1,)) if np.ndim(b) == 1 else gb


defvjp(np.matmul, _matmul_a, _matmul_b)


# ---- dot ----
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
    return np.transpose(ga, np.argsort(a_free + a_axes))


def _tensordot_b(g, ans, a, b, axes=2):
    na, nb = np.ndim(a), np.ndim(b)
    a_axes, b_axes = _tensordot_axes(axes, na, nb)
    a_free = [i for i in range(na) if i not in a_axes]
    b_free = [i for i in range(nb) if i not in b_axes]
    gb = np.tensordot(a, g, axes=(a_free, list(range(len(a_free)))))
    return np.transpose(gb, np.argsort(b_axes + b_free))


defvjp(np.tensordot, _tensordot_a, _tensordot_b)


# ---- einsum ----
def _einsum_parse(args):
    """(input subscripts per operand, output subscripts, operands) with '...' expanded."""
    if isinstance(args[0], str):
        spec, operands = args[0].replace(" ", ""), list(args[1:])
    else:                                   # interleaved: op, sublist, op, sublist, [out]
        operands = list(args[0::2][:len(args) // 2])
        subs = list(args[1::2][:len(args) // 2])
        out = args[-1] if len(args) % 2 else None

        def letters(sub):
            return "".join("..." if s is Ellipsis else string.ascii_letters[s] for s in sub)
        spec = ",".join(letters(s) for s in subs)
        if out is not None:
            spec += "->" + letters(out)
    ins, arrow, out = spec.partition("->")
    ins = ins.split(",")
    used = set(spec) - set(".,->")
    free = [c for c in string.ascii_letters if c not in used]
    nell = max((np.ndim(op) - len(s.replace("...", "")) for s, op in zip(ins, operands)
                if "..." in s), default=0)
    ell = "".join(free[:nell])
    ins = [s.replace("...", ell[nell - (np.ndim(op) - len(s.replace("...", ""))):])
           for s, op in zip(ins, operands)]
    if not arrow:
        counts = {c: "".join(ins).count(c) for c in set("".join(ins))}
        out = ell + "".join(sorted(c for c, k in counts.items()
                                   if k == 1 and c not in ell))
    else:
        out = out.replace("...", ell)
    return ins, out, operands


@defvjp_all(np.einsum)
def _einsum_vjp(g, ans, *args, **kwargs):
    ins, out, operands = _einsum_parse(args)
    optimize = kwargs.get("optimize", False)
    grads = []
    for i, (sub, x) in enumerate(zip(ins, operands)):
        others = [s for j, s in enumerate(ins) if j != i]
        available = set(out).union(*others)
        unique = "".join(dict.fromkeys(sub))
        # letters summed inside operand i alone: the gradient is constant along them
        target = "".join(c for c in unique if c in available)
        spec = ",".join([out] + others) + "->" + target
        gi = np.einsum(spec, g, *[op for j, op in enumerate(operands) if j != i],
                       optimize=optimize)
        sizes = dict(zip(sub, np.shape(x)))
        gi = np.reshape(gi, tuple(sizes[c] if c in target else 1 for c in unique))
        gi = np.broadcast_to(gi, tuple(sizes[c] for c in unique))
        if len(unique) != len(sub):
            # repeated letters (a diagonal): spread onto it with identity matrices
            spec_parts, eyes, full = [unique], [], ""
            seen = set()
            spare = iter(c for c in string.ascii_letters
                         if c not in set("".join(ins)) | set(out))
            for c in sub:
                if c in seen:
                    d = next(spare)
                    eyes.append(np.eye(sizes[c]))
                    spec_parts.append(c + d)
                    full += d
                else:
                    seen.add(c)
                    full += c
            gi = np.einsum(",".join(spec_parts) + "->" + full, gi, *eyes)
        grads.append(gi)
    if isinstance(args[0], str):
        return (None,) + tuple(grads)
    result = [None] * len(args)
    for k, gi in enumerate(grads):
        result[2 * k] = gi
    return tuple(result)
