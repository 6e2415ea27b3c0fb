"""``python -m npgrad`` runs, converges, and prints the right numbers.

The reference fit below uses only NumPy and SciPy (finite-difference BFGS),
so it checks the demo's output independently of npgrad.
"""

import pathlib
import re
import subprocess
import sys

import numpy as np
import pytest
import scipy.optimize

ROOT = pathlib.Path(__file__).resolve().parents[1]
DATA = ROOT / "npgrad" / "data"


@pytest.fixture(scope="module")
def demo_output():
    proc = subprocess.run([sys.executable, "-m", "npgrad"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def number(pattern, text):
    match = re.search(pattern + r"\s*(-?[0-9.]+(?:e[-+]?[0-9]+)?)", text)
    assert match, f"{pattern!r} not found in the demo output:\n{text}"
    return float(match.group(1))


@pytest.fixture(scope="module")
def reference_fit():
    """Logistic regression by finite-difference BFGS; (b0, b1) in deg F units."""
    table = np.genfromtxt(DATA / "challenger.csv", delimiter=",", names=True,
                          dtype=None, encoding="utf-8")
    temp = table["temperature_F"].astype(float)
    y = (table["o_rings_distressed"] > 0).astype(float)
    assert temp.size == 23 and y.sum() == 7
    mean, sd = temp.mean(), temp.std()
    s = (temp - mean) / sd

    def nll(c):
        z = c[0] + c[1] * s
        return np.sum(np.logaddexp(0.0, z) - y * z)

    # central differences: forward ones stall above BFGS's default tolerance
    res = scipy.optimize.minimize(nll, np.zeros(2), method="BFGS", jac="3-point")
    assert res.success, res.message
    c0, c1 = res.x
    return np.array([c0 - c1 * mean / sd, c1 / sd])


def test_demo_runs_and_converges(demo_output):
    assert "Optimization terminated successfully" in demo_output
    assert number(r"final gradient norm =", demo_output) < 1e-5
    # one progress line per iteration: iteration, loss, gradient norm
    rows = re.findall(r"^\s+(\d+)\s+(-?[0-9.]+)\s+([0-9.]+e[-+][0-9]+)\s*$", demo_output,
                      flags=re.M)
    assert len(rows) >= 3
    assert [int(r[0]) for r in rows] == list(range(len(rows)))
    losses = [float(r[1]) for r in rows]
    assert losses[-1] < losses[0]


def test_demo_coefficients_match_reference(demo_output, reference_fit):
    b0 = number(r"intercept b0 =", demo_output)
    b1 = number(r"slope\s+b1 =", demo_output)
    assert b1 < 0
    np.testing.assert_allclose([b0, b1], reference_fit, rtol=1e-4)
    # the textbook values (e.g. Agresti, Categorical Data Analysis): 15.043, -0.2322
    np.testing.assert_allclose([b0, b1], [15.0429, -0.232163], rtol=1e-4)


def test_demo_failure_probability_at_31F(demo_output, reference_fit):
    p31 = number(r"at 31 F \(the forecast for the Challenger launch\):", demo_output)
    assert p31 > 0.9
    b0, b1 = reference_fit
    assert p31 == pytest.approx(1 / (1 + np.exp(-(b0 + 31 * b1))), abs=1e-4)


def test_demo_gradient_checks(demo_output):
    assert number(r"scipy.optimize.check_grad \(forward differences\) =", demo_output) < 1e-5
    assert number(r"max \|npgrad - central differences\| =", demo_output) < 1e-6
    assert number(r"relative error =", demo_output) < 1e-6


def test_demo_puromycin(demo_output):
    # Bates & Watts (1988): treated Vm = 212.7, K = 0.06412; untreated 160.3, 0.04771
    treated = re.search(r"treated\s+Vm =\s*([0-9.]+)\s+K = ([0-9.]+)", demo_output)
    untreated = re.search(r"untreated\s+Vm =\s*([0-9.]+)\s+K = ([0-9.]+)", demo_output)
    assert treated and untreated, demo_output
    np.testing.assert_allclose([float(g) for g in treated.groups()], [212.68, 0.06412],
                               rtol=1e-3)
    np.testing.assert_allclose([float(g) for g in untreated.groups()], [160.28, 0.04771],
                               rtol=1e-3)


@pytest.mark.parametrize("argv, code", [(["bogus"], 2), (["--help"], 0)])
def test_main_subcommands(argv, code):
    proc = subprocess.run([sys.executable, "-m", "npgrad", *argv], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == code
    assert "usage: python -m npgrad" in proc.stdout + proc.stderr
