"""Run the ``.. doctest::`` blocks of docs/*.rst.

This uses the same rules as ``sphinx.ext.doctest`` with its defaults:

- The blocks of one page share a namespace, in page order.
- ``import numpy as np`` and ``import npgrad`` are done first
  (``doctest_global_setup`` in docs/conf.py).
- The flags are ELLIPSIS, IGNORE_EXCEPTION_DETAIL and DONT_ACCEPT_TRUE_FOR_1.

Running the blocks here means the test suite does not need Sphinx.
"""

import doctest
import pathlib
import re
import textwrap

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
FLAGS = doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL | doctest.DONT_ACCEPT_TRUE_FOR_1
DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\. doctest::")
OPTION = re.compile(r"^\s+:[\w-]+:")


def doctest_blocks(text):
    """Yield ``(line_number, source)`` for each ``.. doctest::`` block of an rst text."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        match = DIRECTIVE.match(lines[i])
        if not match:
            i += 1
            continue
        indent = len(match.group("indent"))
        j = i + 1
        while j < len(lines) and OPTION.match(lines[j]):
            j += 1
        start = j
        while j < len(lines) and (not lines[j].strip()
                                  or len(lines[j]) - len(lines[j].lstrip()) > indent):
            j += 1
        yield start + 1, textwrap.dedent("\n".join(lines[start:j]))
        i = j


PAGES = sorted(p for p in DOCS.glob("*.rst")
               if any(True for _ in doctest_blocks(p.read_text(encoding="utf-8"))))


def test_docs_have_doctests():
    assert PAGES, f"no '.. doctest::' blocks found under {DOCS}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_doctest_blocks(page):
    globs = {"__name__": "__doctest__"}
    exec("import numpy as np\nimport npgrad", globs)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    for lineno, source in doctest_blocks(page.read_text(encoding="utf-8")):
        test = parser.get_doctest(source, globs, f"{page.name}:{lineno}", str(page),
                                  lineno - 1)
        runner.run(test, out=report.append, clear_globs=False)
        globs = test.globs      # DocTest copies its globals: carry them to the next block
    assert runner.failures == 0, "".join(report)
    assert runner.tries > 0
