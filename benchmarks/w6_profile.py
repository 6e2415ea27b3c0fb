"""Where W6's time goes: the Hessian-vector product of Rosenbrock at N = 100,000.

Run ``python benchmarks/w6_profile.py``.  It prints, for the process's
default allocator and again (in a child process) for a malloc that keeps its
memory (``MALLOC_MMAP_THRESHOLD_``/``MALLOC_TRIM_THRESHOLD_``/``MALLOC_TOP_PAD_``
set high), the median time and the peak memory of

* ``hand``: ``scipy.optimize.rosen_hess_prod``, the analytic HVP;
* ``npgrad.hvp``: what npgrad does, reverse over reverse;
* ``fwd-over-rev, eager``: forward over reverse written out in plain NumPy with
  no tracing overhead at all: every primal and tangent a forward-mode tracer
  would compute, in the order it would compute them.  The floor for a
  forward-mode implementation of ``hvp``;
* ``fwd-over-rev, only needed``: the same with every operation the result
  does not depend on removed (the tangents of the loss, of its terms and of
  the gradient's primal): what a graph compiler with dead-code elimination
  would run;
* ``npgrad.grad``, ``rosen_der`` and one multiply, for scale;

then the profile of one ``npgrad.hvp`` call and the cost of a multiply into
fresh memory against one into a reused buffer.
"""

import os

for _var in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ[_var] = "1"

import cProfile  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import pstats  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402

import numpy as np  # noqa: E402
from scipy.optimize import rosen_der, rosen_hess_prod  # noqa: E402

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(_HERE, ".."), _HERE]
import npgrad  # noqa: E402
from run import rosenbrock  # noqa: E402  (the W5/W6 workload itself)

N = 100_000
WARM_MALLOC = {"MALLOC_MMAP_THRESHOLD_": "100000000", "MALLOC_TRIM_THRESHOLD_": "1000000000",
               "MALLOC_TOP_PAD_": "100000000"}


def fwd_over_rev_eager(x, v):
    """Every primal and tangent a forward-mode tracer computes for grad(rosenbrock)."""
    a, da = x[:-1], v[:-1]
    b, db = x[1:], v[1:]
    s = a ** 2
    ds = da * (2 * a)
    d = b - s
    dd = db - ds
    d2 = d ** 2
    dd2 = dd * (2 * d)
    t1 = 100.0 * d2
    dt1 = 100.0 * dd2
    u = 1 - a
    du = -da
    u2 = u ** 2
    du2 = du * (2 * u)
    t = t1 + u2
    dt = dt1 + du2
    np.add.reduce(t), np.add.reduce(dt)
    # the reverse sweep on dual cotangents; the seed's tangent is zero
    g = np.broadcast_to(1.0, t.shape)
    g_d2 = 100.0 * g
    g_d, dg_d = g_d2 * 2 * d, g_d2 * 2 * dd
    g_s, dg_s = -g_d, -dg_d
    g_a1, dg_a1 = g_s * 2 * a, dg_s * 2 * a + g_s * 2 * da
    g_u, dg_u = g * 2 * u, g * 2 * du
    g_a2, dg_a2 = -g_u, -dg_u
    gx = np.zeros(N)
    gx[1:] += g_d
    gx[:-1] += g_a1
    gx[:-1] += g_a2
    hv = np.zeros(N)
    hv[1:] += dg_d
    hv[:-1] += dg_a1
    hv[:-1] += dg_a2
    return hv


def fwd_over_rev_needed(x, v):
    """Only the operations H v depends on (dead code removed, zero tangents folded)."""
    a, da = x[:-1], v[:-1]
    db = v[1:]
    s = a ** 2
    ds = da * (2 * a)
    d = x[1:] - s
    dd = db - ds
    dg_d = 200.0 * dd
    g_s = -200.0 * d
    dg_a1 = -dg_d * 2 * a + g_s * 2 * da
    hv = np.zeros(N)
    hv[1:] += dg_d
    hv[:-1] += dg_a1
    hv[:-1] += 2 * da
    return hv


def measure():
    rng = np.random.default_rng(0)
    x, v = rng.standard_normal(N), rng.standard_normal(N)
    hvp, grad = npgrad.hvp(rosenbrock), npgrad.grad(rosenbrock)
    expected = rosen_hess_prod(x, v)
    for f in (hvp, fwd_over_rev_eager, fwd_over_rev_needed):
        assert np.allclose(f(x, v), expected)
    fns = {
        "hand (rosen_hess_prod)": lambda: rosen_hess_prod(x, v),
        "npgrad.hvp (reverse over reverse)": lambda: hvp(x, v),
        "fwd-over-rev, eager, plain NumPy": lambda: fwd_over_rev_eager(x, v),
        "fwd-over-rev, only needed ops, plain NumPy": lambda: fwd_over_rev_needed(x, v),
        "npgrad.grad": lambda: grad(x),
        "rosen_der": lambda: rosen_der(x),
        "one multiply x * v": lambda: x * v,
    }
    samples = {k: [] for k in fns}
    for f in fns.values():
        f()
    for _ in range(40):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            samples[k].append(time.perf_counter() - t)
    result = {}
    for k, f in fns.items():
        tracemalloc.start()
        f()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        result[k] = (float(np.median(samples[k])), peak)
    buf = np.empty(N)
    fresh, reused = [], []
    keep = []
    for _ in range(40):
        t = time.perf_counter()
        keep.append(x * v)              # fresh memory: the previous results stay alive
        fresh.append(time.perf_counter() - t)
        t = time.perf_counter()
        np.multiply(x, v, out=buf)
        reused.append(time.perf_counter() - t)
    del keep
    result["_multiply"] = (float(np.median(fresh)), float(np.median(reused)))
    return result


def profile():
    rng = np.random.default_rng(0)
    x, v = rng.standard_normal(N), rng.standard_normal(N)
    hvp = npgrad.hvp(rosenbrock)
    hvp(x, v)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(20):
        hvp(x, v)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(8)
    return out.getvalue()


def main():
    if "--child" in sys.argv:
        print(json.dumps(measure()))
        return
    default = measure()
    child = subprocess.run([sys.executable, __file__, "--child"], capture_output=True,
                           text=True, check=True, env={**os.environ, **WARM_MALLOC})
    warm = json.loads(child.stdout)
    hand_d, hand_w = default["hand (rosen_hess_prod)"][0], warm["hand (rosen_hess_prod)"][0]
    print(f"N = {N:,}; times are medians of 40 interleaved calls; x hand = ratio to "
          "rosen_hess_prod in the same process\n")
    print(f"{'':45s} {'default malloc':>24s} {'malloc keeping memory':>24s} {'peak MB':>8s}")
    for k in default:
        if k.startswith("_"):
            continue
        (td, peak), (tw, _) = default[k], warm[k]
        print(f"{k:45s} {td * 1e3:8.2f} ms {td / hand_d:6.2f}x hand "
              f"{tw * 1e3:8.2f} ms {tw / hand_w:6.2f}x hand {peak / 2**20:8.1f}")
    fd, rd = default["_multiply"]
    fw, rw = warm["_multiply"]
    print(f"\nx * v into fresh memory: {fd * 1e6:.0f} µs (default malloc), {fw * 1e6:.0f} µs "
          f"(keeping); into a reused buffer: {rd * 1e6:.0f} µs, {rw * 1e6:.0f} µs")
    print("\nProfile of npgrad.hvp (20 calls, default malloc):")
    print(profile())


if __name__ == "__main__":
    main()
