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


def add_read_options(parser, *, table: bool = True) -> None:
    """``--encoding`` (every command that reads text) and, with ``table``,
    ``--sep`` and ``--decimal`` (every command that reads a cohort table)."""
    parser.add_argument(
        "--encoding",
        metavar="NAME",
        default=None,
        help="text encoding of the input files, e.g. utf-8, cp949 (Korean Windows), euc-kr, "
        "latin-1, cp1252 (default: detected; UTF-8 with or without BOM)",
    )
    if table:
        parser.add_argument(
            "--sep",
            metavar="CHAR",
            default=None,
            help="field separator of a text file: ',', ';', '|' or 'tab' (default: detected)",
        )
        parser.add_argument(
            "--decimal",
            choices=[".", ","],
            default=None,
            help="decimal separator of a text file (default: '.'); ',' reads 160,5 as 160.5",
        )


def read_options(args) -> dict:
    """The reading keywords of :func:`sarcostat.io.read_cohort` from parsed arguments."""
    return {
        k: getattr(args, k)
        for k in ("encoding", "sep", "decimal")
        if getattr(args, k, None) is not None
    }
