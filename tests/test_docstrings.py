"""Every docstring example in the npgrad package runs and prints what it shows."""

import doctest
import importlib
import pkgutil

import pytest

import npgrad
from npgrad import _registry

MODULES = sorted(m.name for m in pkgutil.walk_packages(npgrad.__path__, "npgrad.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    # examples register toy rules (npgrad.defvjp on a primitive): keep them
    # out of the registry the rule tests check
    saved = (dict(_registry.VJPS), set(_registry.NONDIFFERENTIABLE), set(_registry.LINEAR))
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS
                                 | doctest.NORMALIZE_WHITESPACE)
    finally:
        for table, old in zip((_registry.VJPS, _registry.NONDIFFERENTIABLE,
                               _registry.LINEAR), saved):
            table.clear()
            table.update(old)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
