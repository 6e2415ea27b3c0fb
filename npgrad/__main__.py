"""``python -m npgrad [subcommand] [args...]``.

Each subcommand is a module with ``main(argv)``: ``argv`` is the list of
arguments after the subcommand name, and the return value is the exit status
(``None`` means 0).  A ``main`` that takes no parameters is called without
arguments.  Add a subcommand by adding a line to ``SUBCOMMANDS``.
"""

import importlib
import inspect
import sys

SUBCOMMANDS = {
    "demo": ("npgrad._demo", "fit two models to real data with npgrad and scipy.optimize "
                             "(the default)"),
    "coverage": ("npgrad._coverage", "report which NumPy/SciPy functions have gradient "
                                     "rules"),
}


def usage():
    lines = ["usage: python -m npgrad [subcommand] [args...]", "", "subcommands:"]
    lines += [f"  {name:<10} {text}" for name, (_, text) in SUBCOMMANDS.items()]
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv if argv is None else argv
    command = argv[1] if len(argv) > 1 else "demo"
    if command in ("-h", "--help", "help"):
        print(usage())
        return 0
    if command not in SUBCOMMANDS:
        print(f"python -m npgrad: unknown subcommand {command!r}\n\n{usage()}",
              file=sys.stderr)
        return 2
    module_name = SUBCOMMANDS[command][0]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        print(f"python -m npgrad: the {command!r} subcommand is not available in this "
              f"version of npgrad ({module_name} is missing)", file=sys.stderr)
        return 2
    run = module.main
    rest = argv[2:]
    try:
        takes_args = bool(inspect.signature(run).parameters)
    except (TypeError, ValueError):
        takes_args = True
    status = run(rest) if takes_args else run()
    return 0 if status is None else status


if __name__ == "__main__":
    sys.exit(main())
