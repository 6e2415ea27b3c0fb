"""npgrad's benchmark suite: gradients of plain NumPy code against hand-written ones.

Run ``python benchmarks/run.py`` (``--quick`` for fewer samples, ``--markdown``
for a table the docs can include).  BLAS threads are pinned to 1 before NumPy
is imported, every ratio is measured within this one process with the two
sides interleaved, and each figure is the median of repeated samples.  Peers
(autograd, mygrad, jax, torch) get a column when they are installed.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import importlib  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess_prod  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import npgrad  # noqa: E402


# ---------------------------------------------------------------------------
# The workloads, written as a user would: plain NumPy.

def chain_in(sin):
    """W1 written with a library's sin (NumPy, autograd.numpy, jax.numpy, torch)."""
    def chain(x):
        """W1: 1000 elementwise ops on a 0-d input."""
        for i in range(1000):
            r = i % 3
            if r == 0:
                x = sin(x)
            elif r == 1:
                x = x * 1.0001
            else:
                x = x + 0.1
        return x
    return chain


chain = chain_in(np.sin)


def chain_hand(x):
    """The chain and its derivative, by the chain rule, in NumPy."""
    d = 1.0
    for i in range(1000):
        r = i % 3
        if r == 0:
            d = d * np.cos(x)
            x = np.sin(x)
        elif r == 1:
            x = x * 1.0001
            d = d * 1.0001
        else:
            x = x + 0.1
    return x, d


def mlp_loss(params, X, Y):
    """W2/W3: one tanh hidden layer, softmax cross-entropy."""
    W1, b1, W2, b2 = params
    h = np.tanh(X @ W1 + b1)
    z = h @ W2 + b2
    z = z - np.max(z, axis=1, keepdims=True)
    logp = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.sum(logp * Y) / X.shape[0]


def mlp_hand(params, X, Y):
    W1, b1, W2, b2 = params
    n = X.shape[0]
    a = X @ W1 + b1
    h = np.tanh(a)
    z = h @ W2 + b2
    z = z - np.max(z, axis=1, keepdims=True)
    e = np.exp(z)
    s = np.sum(e, axis=1, keepdims=True)
    logp = z - np.log(s)
    loss = -np.sum(logp * Y) / n
    dz = (e / s - Y) / n
    dW2 = h.T @ dz
    db2 = dz.sum(axis=0)
    da = (dz @ W2.T) * (1 - h * h)
    return loss, [X.T @ da, da.sum(axis=0), dW2, db2]


def logreg_nll(w, X, y):
    """W4: logistic-regression negative log-likelihood."""
    z = X @ w
    return np.sum(np.logaddexp(0.0, z) - y * z)


def logreg_hand(w, X, y):
    z = X @ w
    p = 0.5 * (1 + np.tanh(0.5 * z))          # a stable sigmoid
    return np.sum(np.logaddexp(0.0, z) - y * z), X.T @ (p - y)


def rosenbrock_in(total):
    """W5-W7 written with a library's sum."""
    def rosenbrock(x):
        """W5-W7: Rosenbrock with slicing, as written by hand."""
        return total(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    return rosenbrock


rosenbrock = rosenbrock_in(np.sum)


# ---------------------------------------------------------------------------
# Timing


def interleaved(fns, repeat, number=1):
    """Median seconds per call of each fn, sampled in turn (so drift hits all alike)."""
    samples = [[] for _ in fns]
    for f in fns:
        f()
    for _ in range(repeat):
        for k, f in enumerate(fns):
            t = time.perf_counter()
            for _ in range(number):
                f()
            samples[k].append((time.perf_counter() - t) / number)
    return [float(np.median(s)) for s in samples]


def peak_memory(f):
    f()
    tracemalloc.start()
    tracemalloc.reset_peak()
    f()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


# ---------------------------------------------------------------------------
# Peers (optional columns)


def _peer(name):
    try:
        return importlib.import_module(name)
    except Exception:
        return None


def _params(first, wrap):
    """The differentiated argument (an array or a list of arrays) as peer tensors.

    Returns (leaves, argument): the tensors to take gradients of, and what to
    pass to the workload function.
    """
    if isinstance(first, list):
        leaves = [wrap(p) for p in first]
        return leaves, leaves
    leaf = wrap(first)
    return [leaf], leaf


def peer_fns(workload, data):
    """{peer: callable} computing the same gradient with each installed peer."""
    out = {}
    ag = _peer("autograd")
    if ag is not None:
        import autograd.numpy as anp

        a_chain = chain_in(anp.sin)

        def a_mlp(p, X, Y):
            W1, b1, W2, b2 = p
            h = anp.tanh(X @ W1 + b1)
            z = h @ W2 + b2
            z = z - anp.max(z, axis=1, keepdims=True)
            return -anp.sum((z - anp.log(anp.sum(anp.exp(z), axis=1, keepdims=True))) * Y) \
                / X.shape[0]

        def a_logreg(w, X, y):
            z = X @ w
            return anp.sum(anp.logaddexp(0.0, z) - y * z)

        a_rosen = rosenbrock_in(anp.sum)

        f = {"W1": a_chain, "W2": a_mlp, "W3": a_mlp, "W4": a_logreg, "W5": a_rosen}.get(
            workload)
        if f is not None:
            out["autograd"] = (lambda g=ag.value_and_grad(f): g(*data))
        elif workload == "W6":
            out["autograd"] = (lambda h=ag.hessian_vector_product(a_rosen): h(*data))
        elif workload == "W7":
            out["autograd"] = _solve(ag.value_and_grad(a_rosen), data)
    mg = _peer("mygrad")
    if mg is not None:
        # MyGrad intercepts NumPy calls too, so the plain workload functions run as is
        f = {"W1": chain, "W2": mlp_loss, "W3": mlp_loss, "W4": logreg_nll,
             "W5": rosenbrock}.get(workload)
        if f is not None:
            def mg_run(f=f):
                leaves, first = _params(data[0], mg.Tensor)
                f(first, *data[1:]).backward()
                return [p.grad for p in leaves]
            out["mygrad"] = mg_run
        elif workload == "W7":
            def mg_vg(z):
                t = mg.Tensor(z)
                y = rosenbrock(t)
                y.backward()
                return float(y.data), np.asarray(t.grad)
            out["mygrad"] = _solve(mg_vg, data)
        # W6: MyGrad has no higher-order derivatives, so no column
    jax = _peer("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp

        j_chain = chain_in(jnp.sin)

        def j_mlp(p, X, Y):
            W1, b1, W2, b2 = p
            z = jnp.tanh(X @ W1 + b1) @ W2 + b2
            return -jnp.sum(jax.nn.log_softmax(z, axis=1) * Y) / X.shape[0]

        def j_logreg(w, X, y):
            z = X @ w
            return jnp.sum(jnp.logaddexp(0.0, z) - y * z)

        j_rosen = rosenbrock_in(jnp.sum)

        f = {"W1": j_chain, "W2": j_mlp, "W3": j_mlp, "W4": j_logreg, "W5": j_rosen}.get(
            workload)
        if f is not None:
            jdata = [jnp.asarray(d) if isinstance(d, np.ndarray) else
                     [jnp.asarray(p) for p in d] for d in data]
            jitted = jax.jit(jax.value_and_grad(f))
            out["jax-jit"] = lambda: jax.block_until_ready(jitted(*jdata))
        elif workload == "W6":
            # forward over reverse, jitted: JAX's recommended HVP
            jhvp = jax.jit(lambda x, v: jax.jvp(jax.grad(j_rosen), (x,), (v,))[1])
            jdata = [jnp.asarray(d) for d in data]
            out["jax-jit"] = lambda: jax.block_until_ready(jhvp(*jdata))
        elif workload == "W7":
            jvg = jax.jit(jax.value_and_grad(j_rosen))

            def j_vg(z):
                val, g = jvg(z)
                return float(val), np.asarray(g)
            out["jax-jit"] = _solve(j_vg, data)
    torch = _peer("torch")
    if torch is not None:
        tdata = [torch.tensor(d) if isinstance(d, np.ndarray) else
                 [torch.tensor(p) for p in d] if isinstance(d, list) else d for d in data]

        def t_grad(f):
            def run():
                leaves, first = _params(tdata[0], lambda p: p.detach().requires_grad_())
                y = f(first, *tdata[1:])
                return torch.autograd.grad(y, leaves)
            return run

        t_chain = chain_in(torch.sin)

        def t_mlp(p, X, Y):
            W1, b1, W2, b2 = p
            z = torch.tanh(X @ W1 + b1) @ W2 + b2
            return -(torch.log_softmax(z, 1) * Y).sum() / X.shape[0]

        def t_logreg(w, X, y):
            z = X @ w
            return (torch.logaddexp(torch.zeros_like(z), z) - y * z).sum()

        t_rosen = rosenbrock_in(torch.sum)

        f = {"W1": t_chain, "W2": t_mlp, "W3": t_mlp, "W4": t_logreg, "W5": t_rosen}.get(
            workload)
        if f is not None:
            out["torch"] = t_grad(f)
        elif workload == "W6":
            def t_hvp():
                xt = tdata[0].detach().requires_grad_()
                g, = torch.autograd.grad(t_rosen(xt), xt, create_graph=True)
                # H is symmetric, so the VJP of the gradient with v is H v
                return torch.autograd.grad(g, xt, grad_outputs=tdata[1])
            out["torch"] = t_hvp
        elif workload == "W7":
            def t_vg(z):
                zt = torch.from_numpy(z).requires_grad_()
                y = t_rosen(zt)
                g, = torch.autograd.grad(y, zt)
                return float(y.detach()), g.numpy()
            out["torch"] = _solve(t_vg, data)
    return out


def _solve(value_and_grad, data):
    """W7 with a peer: the same L-BFGS-B solve from data[0] with the peer's gradient."""
    return lambda: minimize(value_and_grad, data[0], jac=True, method="L-BFGS-B")


# ---------------------------------------------------------------------------
# The suite

TARGETS = {"W1": 4.0, "W2": 3.0, "W3": 1.05, "W4": 1.05, "W5": 1.2, "W6": 3.0,
           "W7": 1.8, "W3-mem": 1.3}


def run(quick=False):
    rng = np.random.default_rng(0)
    reps = 5 if quick else 15
    rows = []

    def add(name, desc, hand, ours, peers=(), unit="x"):
        times = interleaved([hand, ours] + [f for _, f in peers], reps)
        ratio = times[1] / times[0]
        peer_cols = {p: t / times[0] for (p, _), t in zip(peers, times[2:])}
        rows.append(dict(name=name, desc=desc, hand=times[0], ours=times[1], ratio=ratio,
                         peers=peer_cols, unit=unit))
        return times

    # W1: report microseconds per op, value_and_grad and the traced forward alone
    x0 = np.array(0.5)
    vg = npgrad.value_and_grad(chain)
    t0 = npgrad.constant(0.5)
    times = interleaved([lambda: chain(x0), lambda: vg(x0), lambda: chain(t0),
                         lambda: chain_hand(x0)], reps)
    peers = peer_fns("W1", [x0])
    ptimes = interleaved(list(peers.values()), reps) if peers else []
    rows.append(dict(name="W1", desc="1000-op scalar chain, µs/op of value_and_grad",
                     hand=times[3], ours=times[1], ratio=times[1] / 1000 * 1e6,
                     peers={p: t / 1000 * 1e6 for p, t in zip(peers, ptimes)}, unit="µs/op",
                     extra=f"traced forward alone {times[2] / 1000 * 1e6:.2f} µs/op; plain "
                           f"NumPy {times[0] / 1000 * 1e6:.2f} µs/op; value_and_grad "
                           f"{times[1] / times[3]:.1f}x the hand-written chain rule"))

    for name, (batch, n_in, n_hid, n_out) in (("W2", (32, 64, 128, 10)),
                                              ("W3", (512, 784, 1024, 10))):
        X = rng.standard_normal((batch, n_in))
        Y = np.eye(n_out)[rng.integers(0, n_out, batch)]
        params = [rng.standard_normal((n_in, n_hid)) * 0.1, np.zeros(n_hid),
                  rng.standard_normal((n_hid, n_out)) * 0.1, np.zeros(n_out)]
        vg = npgrad.value_and_grad(mlp_loss)
        add(name, f"MLP batch {batch}, {n_in}-{n_hid}-{n_out}",
            lambda: mlp_hand(params, X, Y), lambda: vg(params, X, Y),
            list(peer_fns(name, [params, X, Y]).items()))
        if name == "W3":
            hand_mem = peak_memory(lambda: mlp_hand(params, X, Y))
            ours_mem = peak_memory(lambda: vg(params, X, Y))
            rows.append(dict(name="W3-mem", desc="peak memory of W3's gradient",
                             hand=hand_mem, ours=ours_mem, ratio=ours_mem / hand_mem,
                             peers={}, unit="bytes"))

    X = rng.standard_normal((100_000, 50))
    w = rng.standard_normal(50) * 0.1
    y = (rng.random(100_000) < 0.5).astype(float)
    vg = npgrad.value_and_grad(logreg_nll)
    add("W4", "logistic regression NLL, X 100000x50", lambda: logreg_hand(w, X, y),
        lambda: vg(w, X, y), list(peer_fns("W4", [w, X, y]).items()))

    x = rng.standard_normal(1_000_000)
    vg = npgrad.value_and_grad(rosenbrock)
    add("W5", "Rosenbrock with slicing, N = 1,000,000",
        lambda: (rosen(x), rosen_der(x)), lambda: vg(x),
        list(peer_fns("W5", [x]).items()))

    x = rng.standard_normal(100_000)
    v = rng.standard_normal(100_000)
    hvp = npgrad.hvp(rosenbrock)
    add("W6", "Hessian-vector product of W5, N = 100,000",
        lambda: rosen_hess_prod(x, v), lambda: hvp(x, v),
        list(peer_fns("W6", [x, v]).items()))

    x0 = np.full(1000, -1.2)
    x0[1::2] = 1.0
    vg = npgrad.value_and_grad(rosenbrock)
    solve_hand = lambda: minimize(  # noqa: E731
        lambda z: (rosen(z), rosen_der(z)), x0, jac=True, method="L-BFGS-B")
    solve_ours = lambda: minimize(vg, x0, jac=True, method="L-BFGS-B")  # noqa: E731
    a, b = solve_hand(), solve_ours()
    # Rounding differs between rosen() and the NumPy code, so the paths may
    # differ by an iteration or two; the evaluation counts are shown.
    assert np.allclose(a.x, 1, atol=1e-4) and np.allclose(b.x, 1, atol=1e-4)
    add("W7", f"L-BFGS-B solve of W5, N = 1000 ({a.nfev} vs {b.nfev} evaluations)",
        solve_hand, solve_ours, list(peer_fns("W7", [x0]).items()))
    return rows


def format_table(rows, markdown=False):
    peers = sorted({p for r in rows for p in r["peers"]})
    head = ["workload", "what", "npgrad", "target"] + peers
    lines = []
    for r in rows:
        if r["unit"] == "µs/op":
            ours = f"{r['ratio']:.2f} µs/op"
            target = f"≤ {TARGETS[r['name']]:g} µs/op"
            cols = [f"{r['peers'].get(p):.2f} µs/op" if p in r["peers"] else "—"
                    for p in peers]
        else:
            ours = f"{r['ratio']:.2f}x"
            target = f"≤ {TARGETS[r['name']]:g}x"
            cols = [f"{r['peers'].get(p):.2f}x" if p in r["peers"] else "—" for p in peers]
        met = "" if r["ratio"] <= TARGETS[r["name"]] else " (missed)"
        lines.append([r["name"], r["desc"], ours + met, target] + cols)
    if markdown == "rst":
        out = [".. list-table::", "   :header-rows: 1", ""]
        for row in [head] + lines:
            out += [f"   * - {row[0]}"] + [f"     - {cell}" for cell in row[1:]]
        out.append("")
    elif markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(line) + " |" for line in lines]
    else:
        widths = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
        out = ["  ".join(str(x).ljust(w) for x, w in zip(head, widths))]
        out += ["  ".join(str(x).ljust(w) for x, w in zip(line, widths)) for line in lines]
    notes = [f"{r['name']}: {r['extra']}" for r in rows if r.get("extra")]
    return "\n".join(out + [""] + notes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    parser.add_argument("--rst", action="store_true",
                        help="print a reStructuredText table (docs/_benchmarks_latest.rst)")
    args = parser.parse_args(argv)
    rows = run(quick=args.quick)
    print(format_table(rows, markdown="rst" if args.rst else args.markdown))


if __name__ == "__main__":
    main()
