"""One module per CLI subcommand; discovered by :func:`sarcostat.cli.build_parser`.

Each module defines ``NAME``, ``HELP``, ``ORDER`` (position in ``--help``),
``add_arguments(parser)`` and ``run(args) -> int``; it imports heavy libraries
inside ``run`` only.
"""


def single_thread_blas() -> None:
    """Ask OpenBLAS for one thread unless the user chose otherwise.

    The study models are small (hundreds of rows, a handful of columns): a
    second BLAS thread only adds start-up and contention, which on a busy
    2-core machine made ``analyze`` markedly slower (benchmarks/README.md).
    Must run before numpy is imported, so command modules call it first
    thing in ``run``.
    """
    import os

    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def print_cohort_errors(cohort, *, command: str, path, nothing: str) -> bool:
    """Print the error findings of a read cohort and a one-line summary to
    stderr, e.g. ``sarcostat classify: 2 error(s) in c.csv; nothing
    classified.``; True when there were any (the command then returns 1).
    """
    import sys

    errors = cohort.errors
    if not errors:
        return False
    for f in errors:
        print(f.message, file=sys.stderr)
    print(f"sarcostat {command}: {len(errors)} error(s) in {path}; {nothing}.", file=sys.stderr)
    return True
