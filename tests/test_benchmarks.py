"""The benchmark suite compares like with like: each hand-written gradient is right.

A hand-written side that computed less (or something else) would make every
ratio in docs/benchmarks.rst meaningless, so each is checked against npgrad
and, where SciPy has it, against SciPy.
"""

import importlib.util
import os

import numpy as np
import pytest
from scipy.optimize import rosen_der, rosen_hess_prod

import npgrad

_DIR = os.path.join(os.path.dirname(__file__), "..", "benchmarks")


def _load(name):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}",
                                                  os.path.join(_DIR, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def run():
    return _load("run")


def test_chain_rule_by_hand_matches(run):
    x = np.array(0.3)
    value, grad = npgrad.value_and_grad(run.chain)(x)
    hand_value, hand_grad = run.chain_hand(x)
    np.testing.assert_allclose(value, hand_value, rtol=1e-12)
    np.testing.assert_allclose(grad, hand_grad, rtol=1e-10)


def test_mlp_gradient_by_hand_matches(run):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((8, 5))
    Y = np.eye(3)[rng.integers(0, 3, 8)]
    params = [rng.standard_normal((5, 4)), rng.standard_normal(4),
              rng.standard_normal((4, 3)), rng.standard_normal(3)]
    value, grads = npgrad.value_and_grad(run.mlp_loss)(params, X, Y)
    hand_value, hand_grads = run.mlp_hand(params, X, Y)
    np.testing.assert_allclose(value, hand_value, rtol=1e-12)
    for g, h in zip(grads, hand_grads):
        np.testing.assert_allclose(g, h, rtol=1e-10, atol=1e-14)


def test_logistic_regression_by_hand_matches(run):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((50, 4))
    w = rng.standard_normal(4)
    y = (rng.random(50) < 0.5).astype(float)
    value, grad = npgrad.value_and_grad(run.logreg_nll)(w, X, y)
    hand_value, hand_grad = run.logreg_hand(w, X, y)
    np.testing.assert_allclose(value, hand_value, rtol=1e-12)
    np.testing.assert_allclose(grad, hand_grad, rtol=1e-10)


def test_rosenbrock_workload_is_scipys(run):
    x = np.random.default_rng(3).standard_normal(20)
    v = np.random.default_rng(4).standard_normal(20)
    np.testing.assert_allclose(npgrad.grad(run.rosenbrock)(x), rosen_der(x), rtol=1e-12)
    np.testing.assert_allclose(npgrad.hvp(run.rosenbrock)(x, v), rosen_hess_prod(x, v),
                               rtol=1e-12)


def test_w6_profile_variants_compute_the_hvp():
    w6 = _load("w6_profile")
    rng = np.random.default_rng(5)
    x, v = rng.standard_normal(w6.N), rng.standard_normal(w6.N)
    expected = rosen_hess_prod(x, v)
    np.testing.assert_allclose(w6.fwd_over_rev_eager(x, v), expected, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(w6.fwd_over_rev_needed(x, v), expected, rtol=1e-10, atol=1e-9)
