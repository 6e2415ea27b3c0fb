"""The ``python -m npgrad`` demo: two classic fits on real public-domain data.

1. Logistic regression of O-ring thermal distress on launch temperature for
   the 23 Space Shuttle launches before Challenger (NASA data, as tabulated by
   Dalal, Fowlkes & Hoadley, JASA 84, 1989), minimised with
   ``scipy.optimize.minimize(method="BFGS", jac=True)`` and
   ``npgrad.value_and_grad``; standard errors from ``npgrad.hessian``.
2. Michaelis-Menten fit to the Puromycin enzyme-kinetics data (Treloar 1974,
   the R ``datasets::Puromycin`` table) with ``scipy.optimize.least_squares``
   and ``npgrad.jacobian``.

The models are ordinary NumPy code: nothing in them knows about npgrad.
The data files live in ``npgrad/data/`` (see ``npgrad/data/README.md``).
"""

import csv
import importlib.resources
import io

import numpy as np
import scipy.optimize

import npgrad

LAUNCH_TEMPERATURE_F = 31.0   # forecast for the Challenger launch, 28 January 1986


def load_csv(name):
    """A table shipped in ``npgrad/data/`` as a dict of column name -> ndarray.

    Numeric columns become float64 arrays, the others arrays of str.
    """
    text = (importlib.resources.files("npgrad") / "data" / name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    table = {}
    for column in rows[0]:
        values = [row[column] for row in rows]
        try:
            table[column] = np.array([float(v) for v in values])
        except ValueError:
            table[column] = np.array(values)
    return table


# --------------------------------------------------------------------------
# The models: plain NumPy, written without any reference to npgrad.


def logistic_nll(beta, X, y):
    """Negative log-likelihood of a logistic regression, sum_i log(1 + e^z_i) - y_i z_i."""
    z = X @ beta
    return np.sum(np.logaddexp(0.0, z) - y * z)


def michaelis_menten_residuals(theta, conc, rate):
    """Residuals of the Michaelis-Menten model rate = Vm * conc / (K + conc)."""
    vm, k = theta[0], theta[1]
    return vm * conc / (k + conc) - rate


# --------------------------------------------------------------------------
# Helpers


class _Evaluations:
    """Wrap ``fun -> (value, grad)`` and remember what it returned, for the progress log."""

    def __init__(self, value_and_grad):
        self._value_and_grad = value_and_grad
        self._seen = {}
        self.count = 0

    def __call__(self, x, *args):
        value, grad = self._value_and_grad(x, *args)
        self.count += 1
        self._seen[np.asarray(x).tobytes()] = (float(value), np.array(grad))
        return value, grad

    def at(self, x, *args):
        key = np.asarray(x).tobytes()
        if key not in self._seen:
            self(x, *args)
        return self._seen[key]


def central_difference_gradient(f, x, h=1e-6):
    """The gradient of a scalar ``f`` at ``x`` by central differences."""
    x = np.asarray(x, dtype=float)
    grad = np.empty_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def _heading(text):
    print(text)
    print("=" * len(text))


# --------------------------------------------------------------------------
# Part 1: Challenger


def challenger():
    """Fit the logistic regression; return the fitted (intercept, slope) in deg F units."""
    data = load_csv("challenger.csv")
    temp = data["temperature_F"]
    distress = (data["o_rings_distressed"] > 0).astype(float)

    _heading("1. Challenger O-rings: logistic regression with npgrad.value_and_grad")
    print(f"{temp.size} shuttle launches 1981-1986 (NASA; Dalal, Fowlkes & Hoadley 1989), "
          f"{int(distress.sum())} with O-ring thermal distress.")
    print("Model: P(distress) = 1 / (1 + exp(-(b0 + b1 * temperature_F))).")
    print("Minimising the negative log-likelihood (plain NumPy: @, np.logaddexp) with")
    print('scipy.optimize.minimize(npgrad.value_and_grad(nll), x0, jac=True, method="BFGS"),')
    print("temperature standardised so that BFGS is well conditioned.")
    print()

    # Standardise the temperature: the optimiser works on (c0, c1) with
    # z = c0 + c1 * (t - mean) / sd, which is well conditioned.
    mean, sd = temp.mean(), temp.std()
    X = np.column_stack([np.ones_like(temp), (temp - mean) / sd])
    args = (X, distress)

    fun = _Evaluations(npgrad.value_and_grad(logistic_nll))
    x0 = np.zeros(2)
    print(f"{'iteration':>9}  {'loss':>18}  {'|gradient|':>10}")
    value, grad = fun.at(x0, *args)
    print(f"{0:>9}  {value:>18.12f}  {np.linalg.norm(grad):>10.3e}")
    iteration = [0]

    def progress(xk):
        iteration[0] += 1
        value, grad = fun.at(xk, *args)
        print(f"{iteration[0]:>9}  {value:>18.12f}  {np.linalg.norm(grad):>10.3e}")

    result = scipy.optimize.minimize(fun, x0, args=args, jac=True, method="BFGS",
                                     callback=progress, options={"gtol": 1e-8})
    final_value, final_grad = fun.at(result.x, *args)
    print(f"BFGS: {result.message} ({result.nit} iterations, "
          f"{fun.count} calls of value_and_grad)")
    print()

    # Back to deg F: b1 = c1 / sd, b0 = c0 - c1 * mean / sd.
    c0, c1 = result.x
    beta = np.array([c0 - c1 * mean / sd, c1 / sd])

    # Standard errors from the observed information, the Hessian of the
    # negative log-likelihood at the optimum, taken in deg F units directly.
    X_raw = np.column_stack([np.ones_like(temp), temp])
    hess = npgrad.hessian(logistic_nll)(beta, X_raw, distress)
    stderr = np.sqrt(np.diag(np.linalg.inv(hess)))

    print("Fitted coefficients (temperature in deg F; std. errors from npgrad.hessian):")
    print(f"  intercept b0 = {beta[0]:.6f}  (std. error {stderr[0]:.4f})")
    print(f"  slope     b1 = {beta[1]:.6f}  (std. error {stderr[1]:.4f})")
    print(f"  negative log-likelihood at the optimum = {final_value:.10f}")
    print(f"  final gradient norm = {np.linalg.norm(final_grad):.3e}")
    p31 = 1.0 / (1.0 + np.exp(-(beta[0] + beta[1] * LAUNCH_TEMPERATURE_F)))
    print(f"Predicted probability of O-ring distress at {LAUNCH_TEMPERATURE_F:.0f} F "
          f"(the forecast for the Challenger launch): {p31:.5f}")
    print("  (31 F is 22 F colder than any earlier launch: this is an extrapolation.)")
    print()

    # Gradient check: npgrad against finite differences of the same NumPy code.
    def loss(c):
        return logistic_nll(c, X, distress)

    def gradient(c):
        return fun.at(c, *args)[1]

    print("Gradient check, npgrad against finite differences of the same NumPy function:")
    err_fd = scipy.optimize.check_grad(loss, gradient, result.x)
    print(f"  at the optimum: scipy.optimize.check_grad (forward differences) = {err_fd:.2e}")
    central = central_difference_gradient(loss, result.x)
    print(f"  at the optimum: max |npgrad - central differences| = "
          f"{np.max(np.abs(gradient(result.x) - central)):.2e}")
    start = gradient(x0)
    rel = np.max(np.abs(start - central_difference_gradient(loss, x0))) / np.max(np.abs(start))
    print(f"  at the start, where the gradient is large: relative error = {rel:.2e}")
    print()
    return beta


# --------------------------------------------------------------------------
# Part 2: Puromycin


def puromycin():
    """Fit Vm and K for each state; return {state: (Vm, K)}."""
    data = load_csv("puromycin.csv")
    _heading("2. Puromycin: Michaelis-Menten least squares with npgrad.jacobian")
    print("Enzyme velocity against substrate concentration (Treloar 1974; R's Puromycin).")
    print("Model: rate = Vm * conc / (K + conc), fitted with")
    print("scipy.optimize.least_squares(residuals, x0, jac=npgrad.jacobian(residuals)).")
    print()
    jac = npgrad.jacobian(michaelis_menten_residuals)
    fits = {}
    for state in ("treated", "untreated"):
        rows = data["state"] == state
        args = (data["conc_ppm"][rows], data["rate_counts_per_min2"][rows])
        result = scipy.optimize.least_squares(michaelis_menten_residuals, [200.0, 0.1],
                                              jac=jac, args=args, method="lm")
        vm, k = result.x
        fd = scipy.optimize.approx_fprime(result.x, michaelis_menten_residuals, 1e-7, *args)
        jac_err = np.max(np.abs(jac(result.x, *args) - fd) / (1.0 + np.abs(fd)))
        fits[state] = (vm, k)
        print(f"  {state:<9}  Vm = {vm:8.3f}  K = {k:.5f}  residual sum of squares = "
              f"{2 * result.cost:7.1f}  ({result.nfev} evaluations; Jacobian vs finite "
              f"differences: {jac_err:.1e})")
    print()
    return fits


def main(argv=None):
    """Run the demo and return the exit status (0)."""
    np.set_printoptions(precision=6, suppress=True)
    challenger()
    puromycin()
    print("Done. The model code is plain NumPy; npgrad supplied every derivative.")
    return 0
