"""``python -m npgrad coverage``: the table of NumPy functions and their gradient status."""

import re
import subprocess
import sys

import pytest


def run(*args):
    result = subprocess.run([sys.executable, "-m", "npgrad", "coverage", *args],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def text():
    return run()


def test_totals_line(text):
    total = re.search(r"^Total: (\d+) functions: (\d+) differentiable, (\d+) constant, "
                      r"(\d+) not differentiable$", text, re.M)
    assert total, text[-500:]
    n, d, c, x = map(int, total.groups())
    assert n == d + c + x and d > 0 and c > 0


def test_statuses(text):
    assert re.search(r"^ +np\.sin\s+differentiable$", text, re.M)
    assert re.search(r"^ +np\.floor\s+constant$", text, re.M)


def test_namespaces_and_counts(text):
    for ns in ("np", "np.linalg", "np.fft"):
        assert re.search(rf"^{re.escape(ns)}\s+\d+\s+\d+\s+\d+\s+\d+$", text, re.M), ns
    assert re.search(r"^ +np\.linalg\.\w+\s", text, re.M)
    assert re.search(r"^ +np\.fft\.\w+\s", text, re.M)


def test_classes_modules_and_constants_are_left_out(text):
    names = set(re.findall(r"^ +(np\.[\w.]+)\s+(?:differentiable|constant|not differentiable)$",
                           text, re.M))
    for skipped in ("np.float64", "np.ndarray", "np.vectorize", "np.linalg", "np.pi",
                    "np.newaxis", "np.linalg.LinAlgError", "np.set_printoptions"):
        assert skipped not in names


def test_missing_shows_only_not_differentiable():
    out = run("--missing")
    rows = re.findall(r"^ +np\.[\w.]+\s+(.+)$", out, re.M)
    assert rows and set(rows) == {"not differentiable"}
    assert "Total:" in out


def test_rst_format():
    out = run("--format", "rst")
    assert ".. list-table::" in out
    assert "   * - ``np.sin``\n     - differentiable" in out
    assert re.search(r"^Total: \d+ functions", out, re.M)


def test_main_in_process(capsys):
    from npgrad._coverage import main
    assert main(["--missing"]) == 0
    assert "Total:" in capsys.readouterr().out


def test_docstring_examples():
    import doctest
    import npgrad._coverage
    result = doctest.testmod(npgrad._coverage, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
