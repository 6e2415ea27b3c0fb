"""``scipy.optimize`` with derivatives supplied by npgrad.

:func:`minimize` and :func:`least_squares` take the same arguments as SciPy's,
fill in ``jac`` (and ``hess``/``hessp`` for the methods that use them, and the
constraint Jacobians and Lagrangian Hessians), and accept parameters given as
a pytree (a dict, list or tuple of arrays), which they flatten for SciPy and
unflatten for the objective and the result.

The transforms also drop into SciPy directly: ``value_and_grad(f)`` into
``minimize(f, x0, jac=True)``, ``grad(f)`` into ``jac=``, ``hessian(f)`` into
``hess=``, ``hvp(f)`` into ``hessp=`` and ``jacobian(f)`` into
``least_squares(jac=)``.
"""

import numpy as np
import scipy.optimize as so

from . import _nest as nest
from .api import value_and_grad, grad, jacobian, hessian, hvp

# Methods that use a Hessian-vector product / a dense Hessian.
HESSP_METHODS = frozenset({"newton-cg", "trust-ncg", "trust-krylov", "trust-constr"})
HESS_METHODS = frozenset({"dogleg", "trust-exact"})
GRADIENT_METHODS = frozenset({"cg", "bfgs", "newton-cg", "l-bfgs-b", "tnc", "slsqp",
                              "dogleg", "trust-ncg", "trust-krylov", "trust-exact",
                              "trust-constr"})


class _Packing:
    """Flatten a pytree of arrays to one float64 vector and back."""

    def __init__(self, tree):
        self.tree = tree
        leaves = [np.asarray(leaf, dtype=float) for leaf in nest.flatten(tree)]
        self.plain = not nest.is_container(tree) and np.ndim(tree) == 1
        self.shapes = [leaf.shape for leaf in leaves]
        self.sizes = [leaf.size for leaf in leaves]
        self.x0 = np.concatenate([leaf.ravel() for leaf in leaves]) if leaves else \
            np.zeros(0)

    def unflatten(self, x):
        if self.plain:
            return x
        ends = np.cumsum(self.sizes)
        leaves = [np.reshape(x[end - size:end], shape)
                  for end, size, shape in zip(ends, self.sizes, self.shapes)]
        if not nest.is_container(self.tree):
            return leaves[0]
        return nest.pack(self.tree, leaves)

    def flatten(self, tree):
        if self.plain:
            return tree
        return np.concatenate([np.ravel(leaf) for leaf in nest.flatten(tree)])


def _on_flat(f, packing):
    """``f`` of the pytree as a function of the flat vector (traceable)."""
    if packing.plain:
        return f
    return lambda x, *args: f(packing.unflatten(x), *args)


def _flat_jacobian_rows(f, packing):
    jac = jacobian(_on_flat(f, packing))

    def j(x, *args, **kwargs):
        out = np.asarray(jac(x, *args, **kwargs), dtype=float)
        return np.reshape(out, (-1, x.size))
    return j


def _constraint(con, packing, method):
    """A constraint with ``jac`` (and ``hess`` for trust-constr) filled in."""
    if isinstance(con, dict):
        con = dict(con)
        fun = con["fun"]
        flat_fun = _on_flat(fun, packing)
        con["fun"] = lambda x, *args: np.asarray(flat_fun(x, *args), dtype=float)
        if con.get("jac") is None:
            con["jac"] = _flat_jacobian_rows(fun, packing)
        return con
    if isinstance(con, so.NonlinearConstraint):
        flat_fun = _on_flat(con.fun, packing)
        jac = con.jac if callable(con.jac) else _flat_jacobian_rows(con.fun, packing)
        hess = con.hess
        if hess is None and method == "trust-constr":
            def hess(x, v):
                return hessian(lambda y: np.sum(np.asarray(v) * flat_fun(y)))(x)
        return so.NonlinearConstraint(
            lambda x: np.asarray(flat_fun(x), dtype=float), con.lb, con.ub, jac=jac,
            hess=hess, keep_feasible=con.keep_feasible,
            finite_diff_rel_step=con.finite_diff_rel_step,
            finite_diff_jac_sparsity=con.finite_diff_jac_sparsity)
    return con


class _Progress:
    """A callback printing the iteration, objective and gradient norm every ``every`` steps."""

    def __init__(self, fun, every, user_callback, stream=None):
        self.fun, self.every, self.user = fun, every, user_callback
        self.k = 0
        self.stream = stream

    def __call__(self, *args, **kwargs):
        self.k += 1
        res = kwargs.get("intermediate_result")
        x = res.x if res is not None else args[0]
        if self.k % self.every == 0:
            value, g = self.fun(x)
            print(f"iter {self.k:5d}  f = {float(value):.10g}  |g| = "
                  f"{float(np.linalg.norm(g)):.3e}", file=self.stream, flush=True)
        if self.user is not None:
            return self.user(*args, **kwargs)


def minimize(fun, x0, args=(), method=None, jac=None, hess=None, hessp=None,
             bounds=None, constraints=(), tol=None, callback=None, options=None,
             progress=False):
    """``scipy.optimize.minimize`` with npgrad's derivatives filled in.

    ``jac`` defaults to the exact gradient (one trace per point, through
    ``jac=True``); for Newton-CG, trust-ncg, trust-krylov and trust-constr a
    Hessian-vector product is supplied, for dogleg and trust-exact the dense
    Hessian.  Constraints (dict form or ``NonlinearConstraint``) get their
    Jacobians, and for trust-constr the Lagrangian Hessian ``hess(x, v)``.
    ``x0`` may be a pytree; ``result.x`` then has the same structure (the
    flat vector is ``result.x_flat``).  ``progress=k`` prints every k
    iterations.

    Example
    -------
    >>> import numpy as np, npgrad.optimize
    >>> def rosen(p):
    ...     x, y = p["x"], p["y"]
    ...     return (1 - x) ** 2 + 100 * (y - x ** 2) ** 2
    >>> res = npgrad.optimize.minimize(rosen, {"x": 0.0, "y": 0.0}, method="BFGS")
    >>> round(float(res.x["x"]), 5), round(float(res.x["y"]), 5)
    (1.0, 1.0)
    """
    packing = _Packing(x0)
    m = (method or ("SLSQP" if constraints else "L-BFGS-B" if bounds is not None
                    else "BFGS")).lower()
    flat = _on_flat(fun, packing)
    kwargs = {}
    if jac is None or jac is True:
        vg = value_and_grad(flat)

        def fg(x, *a):
            value, g = vg(x, *a)
            return float(value), g
        objective, kwargs["jac"] = fg, True
    else:
        objective, kwargs["jac"] = flat, jac
    if m in HESSP_METHODS and hess is None and hessp is None:
        kwargs["hessp"] = hvp(flat)
    elif hessp is not None:
        kwargs["hessp"] = hessp
    if m in HESS_METHODS and hess is None:
        kwargs["hess"] = hessian(flat)
    elif hess is not None:
        kwargs["hess"] = hess
    if isinstance(constraints, (dict, so.NonlinearConstraint, so.LinearConstraint)):
        constraints = [constraints]
    constraints = [_constraint(c, packing, m) for c in constraints]
    if progress:
        every = int(progress) if not isinstance(progress, bool) else 1
        vg_progress = value_and_grad(flat)
        callback = _Progress(lambda x: vg_progress(x, *args), every, callback)
    res = so.minimize(objective, packing.x0, args=args, method=method, bounds=bounds,
                      constraints=constraints, tol=tol, callback=callback,
                      options=options, **kwargs)
    res.x_flat = res.x
    res.x = packing.unflatten(res.x)
    return res


def least_squares(fun, x0, jac=None, *args_, args=(), kwargs=None, **options):
    """``scipy.optimize.least_squares`` with the exact Jacobian of the residuals.

    ``x0`` may be a pytree (``result.x`` has its structure).  Other options
    pass through to SciPy.

    Example
    -------
    >>> import numpy as np, npgrad.optimize
    >>> res = npgrad.optimize.least_squares(
    ...     lambda x: np.stack([10 * (x[1] - x[0] ** 2), 1 - x[0]]), np.array([2.0, 2.0]))
    >>> res.x.round(6)
    array([1., 1.])
    """
    if args_:
        raise TypeError("least_squares: pass extra arguments as args=(...)")
    packing = _Packing(x0)
    flat = _on_flat(fun, packing)
    kwargs = kwargs or {}
    if jac is None:
        jac = _flat_jacobian_rows(fun, packing)
    res = so.least_squares(lambda x, *a, **k: np.asarray(flat(x, *a, **k), dtype=float),
                           packing.x0, jac=jac, args=args, kwargs=kwargs, **options)
    res.x_flat = res.x
    res.x = packing.unflatten(res.x)
    return res


__all__ = ["minimize", "least_squares", "value_and_grad", "grad", "jacobian", "hessian",
           "hvp"]
