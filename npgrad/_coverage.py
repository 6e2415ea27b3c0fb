"""``python -m npgrad coverage``: which NumPy functions npgrad can differentiate.

Lists every public callable of ``np``, ``np.linalg`` and ``np.fft``
(functions and ufuncs) with its status:

* ``differentiable``: it has a VJP rule (``npgrad._registry.VJPS``);
* ``constant``: its result is a constant (``NONDIFFERENTIABLE``: piecewise
  constant, integer-valued or metadata), returned untraced;
* ``not differentiable``: neither; calling it on a traced array raises
  ``npgrad.NotDifferentiableError``.

Left out: classes (``np.vectorize``, dtypes), modules, constants, deprecated
aliases (those that warn on access or are listed in ``DEPRECATED``) and the
utilities in ``UTILITIES`` that take no array data (printing, file I/O,
error-state and build configuration), which no one differentiates.

Options: ``--missing`` prints only the ``not differentiable`` rows;
``--format rst`` prints reStructuredText list-tables for the docs.
The per-namespace counts and the ``Total:`` line always end the output.
"""

import argparse
import sys
import types
import warnings

import numpy as np

NAMESPACES = (("np", np), ("np.linalg", np.linalg), ("np.fft", np.fft))

STATUSES = ("differentiable", "constant", "not differentiable")

DEPRECATED = frozenset({
    "row_stack", "trapz", "in1d", "msort", "product", "cumproduct", "sometrue",
    "alltrue", "round_", "asfarray", "find_common_type", "deprecate",
    "deprecate_with_doc", "safe_eval", "who", "lookfor", "byte_bounds", "disp",
    "recfromcsv", "recfromtxt", "set_string_function", "source", "issubsctype",
    "issubclass_", "maximum_sctype", "obj2sctype", "sctype2char", "fastCopyAndTranspose",
})
"""Deprecated aliases that do not warn on attribute access (they warn when called)."""

UTILITIES = frozenset({
    # printing and formatting
    "array2string", "array_repr", "array_str", "base_repr", "binary_repr",
    "format_float_positional", "format_float_scientific", "get_printoptions",
    "set_printoptions", "printoptions", "typename",
    # file I/O
    "load", "loadtxt", "save", "savetxt", "savez", "savez_compressed", "genfromtxt",
    "fromfile", "fromregex",
    # error state, buffers, build and runtime configuration, help
    "geterr", "seterr", "geterrcall", "seterrcall", "getbufsize", "setbufsize",
    "get_include", "show_config", "show_runtime", "info", "test",
})
"""Public callables that are not operations on array data."""


def public_callables(module):
    """``[(name, callable)]`` of a namespace, without classes, modules, constants,
    deprecated aliases and utilities.

    Example
    -------
    >>> import numpy as np
    >>> from npgrad._coverage import public_callables
    >>> names = dict(public_callables(np.linalg))
    >>> "solve" in names, "LinAlgError" in names
    (True, False)
    """
    out = []
    for name in sorted(dir(module)):
        if name.startswith("_") or name in DEPRECATED or name in UTILITIES:
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                obj = getattr(module, name)
            except AttributeError:
                continue
        if any(issubclass(w.category, DeprecationWarning) for w in caught):
            continue
        if isinstance(obj, (type, types.ModuleType)) or not callable(obj):
            continue
        out.append((name, obj))
    return out


def status(func):
    """``"differentiable"``, ``"constant"`` or ``"not differentiable"``.

    Example
    -------
    >>> import numpy as np
    >>> from npgrad._coverage import status
    >>> status(np.sin), status(np.floor)
    ('differentiable', 'constant')
    """
    import npgrad  # noqa: F401  (fills the table)
    from ._registry import NONDIFFERENTIABLE, VJPS
    try:
        if func in VJPS:
            return "differentiable"
        if func in NONDIFFERENTIABLE:
            return "constant"
    except TypeError:      # unhashable callable object
        pass
    return "not differentiable"


def table():
    """``[(namespace, name, status)]`` for every listed callable.

    Example
    -------
    >>> from npgrad._coverage import table
    >>> ("np", "sin", "differentiable") in table()
    True
    """
    return [(ns, name, status(obj)) for ns, module in NAMESPACES
            for name, obj in public_callables(module)]


def _counts(rows):
    counts = {ns: dict.fromkeys(STATUSES, 0) for ns, _ in NAMESPACES}
    for ns, _, st in rows:
        counts[ns][st] += 1
    return counts


def _total_line(rows):
    n = {s: sum(1 for r in rows if r[2] == s) for s in STATUSES}
    return (f"Total: {len(rows)} functions: {n['differentiable']} differentiable, "
            f"{n['constant']} constant, {n['not differentiable']} not differentiable")


def _format_text(rows, shown):
    width = max([len(f"{ns}.{name}") for ns, name, _ in shown] + [8]) + 2
    lines = []
    for ns, _ in NAMESPACES:
        mine = [r for r in shown if r[0] == ns]
        if not mine:
            continue
        lines += [f"{ns}", f"  {'function':<{width}}status"]
        lines += [f"  {f'{n}.{name}':<{width}}{st}" for n, name, st in mine]
        lines.append("")
    header = f"{'namespace':<12}" + "".join(f"{s:>20}" for s in STATUSES) + f"{'total':>8}"
    lines += [header, "-" * len(header)]
    for ns, c in _counts(rows).items():
        lines.append(f"{ns:<12}" + "".join(f"{c[s]:>20}" for s in STATUSES)
                     + f"{sum(c.values()):>8}")
    lines += ["", _total_line(rows)]
    return "\n".join(lines)


def _list_table(title, header, body, widths):
    lines = [f".. list-table:: {title}", "   :header-rows: 1",
             f"   :widths: {' '.join(str(w) for w in widths)}", ""]
    for row in [header] + body:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return lines + [""]


def _format_rst(rows, shown):
    versions = f"npgrad {_npgrad_version()}, NumPy {np.__version__}"
    lines = []
    for ns, _ in NAMESPACES:
        mine = [r for r in shown if r[0] == ns]
        if mine:
            lines += _list_table(f"``{ns}`` ({versions})", ("function", "status"),
                                 [(f"``{n}.{name}``", st) for n, name, st in mine], (50, 50))
    counts = [(f"``{ns}``",) + tuple(str(c[s]) for s in STATUSES) + (str(sum(c.values())),)
              for ns, c in _counts(rows).items()]
    lines += _list_table("Counts", ("namespace",) + STATUSES + ("total",), counts,
                         (20, 20, 20, 20, 20))
    lines.append(_total_line(rows) + ".")
    return "\n".join(lines)


def _npgrad_version():
    import npgrad
    return npgrad.__version__


def main(argv=None):
    """Print the coverage table; ``argv`` are the arguments after ``coverage``.

    Example
    -------
    >>> from npgrad._coverage import main
    >>> main(["--missing"])    # doctest: +ELLIPSIS
    np
    ...
    Total: ...
    0
    """
    parser = argparse.ArgumentParser(
        prog="python -m npgrad coverage",
        description="Which NumPy functions npgrad differentiates (np, np.linalg, np.fft).")
    parser.add_argument("--missing", action="store_true",
                        help="show only the functions that are not differentiable")
    parser.add_argument("--format", choices=("text", "rst"), default="text",
                        help="plain text (default) or reStructuredText list-tables")
    args = parser.parse_args(argv)
    rows = table()
    shown = [r for r in rows if r[2] == "not differentiable"] if args.missing else rows
    print(_format_rst(rows, shown) if args.format == "rst" else _format_text(rows, shown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
