"""One module per CLI subcommand; discovered by `sarcostat.cli.build_parser`.

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
    from sarcostat.io.findings import count_findings

    print(
        f"sarcostat {command}: {count_findings(errors)} error(s) in {path}; {nothing}.",
        file=sys.stderr,
    )
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
    """The reading keywords of `sarcostat.io.read_cohort` from parsed arguments."""
    return {
        k: getattr(args, k)
        for k in ("encoding", "sep", "decimal")
        if getattr(args, k, None) is not None
    }


def add_report_options(parser) -> None:
    """Options of the written report's files (``analyze``, ``demo``)."""
    group = parser.add_argument_group("report files")
    group.add_argument(
        "--figure-format",
        metavar="LIST",
        default=None,
        help="figure files to write, any comma-separated list of png, svg, pdf, tiff, eps "
        "(default: png,svg); TIFF is LZW-compressed, PDF/EPS embed their fonts, SVG keeps text",
    )
    group.add_argument(
        "--dpi",
        metavar="N",
        default=None,
        help="resolution of PNG/TIFF figures, stored in the file (default 300, 72-1200)",
    )
    group.add_argument(
        "--figure-width",
        metavar="WIDTH",
        default=None,
        help="figure width: single (85 mm), double (180 mm) or millimetres, e.g. 120 "
        "(default: as drawn); the height scales with it",
    )
    group.add_argument(
        "--greyscale",
        "--grayscale",
        action="store_true",
        help="figures in shades of grey (default: colour-blind-safe Okabe-Ito colours)",
    )
    group.add_argument(
        "--paper",
        choices=["a4", "letter"],
        default=None,
        help="page size of tables.docx (default a4); wide tables get landscape pages",
    )
    group.add_argument(
        "--font",
        metavar="FAMILY",
        default=None,
        help="font family of tables.docx and of the figures' text (default Arial)",
    )
    group.add_argument(
        "--p-style",
        choices=["seed", "apa", "nejm", "exact"],
        default=None,
        help="how P values are printed: seed (0.026, <0.001; the default), apa (.026, <.001), "
        "nejm (0.03, 0.004, <0.001), exact (3 significant digits); results.json keeps "
        "full precision",
    )


#: (flag, attribute) of the report options, for the recorded command line.
REPORT_FLAGS = [
    ("--figure-format", "figure_format"),
    ("--dpi", "dpi"),
    ("--figure-width", "figure_width"),
    ("--greyscale", "greyscale"),
    ("--paper", "paper"),
    ("--font", "font"),
    ("--p-style", "p_style"),
]


def report_options(args):
    """A `sarcostat.report.options.ReportOptions` from parsed arguments
    (a ParameterError naming the option on a bad value). Defaults are None in
    the parser, so the recorded command line holds only the options given."""
    from sarcostat.report import options as o

    d = o.DEFAULT_OPTIONS
    font = str(args.font if args.font is not None else d.font).strip()
    if not font or any(ord(ch) < 32 for ch in font):
        from sarcostat.exceptions import ParameterError

        raise ParameterError(f"--font: {args.font!r} is not a font family name.")
    return o.ReportOptions(
        figure_formats=(
            d.figure_formats
            if args.figure_format is None
            else o.parse_figure_formats(args.figure_format)
        ),
        dpi=d.dpi if args.dpi is None else o.parse_dpi(args.dpi),
        figure_width_mm=o.parse_figure_width(args.figure_width),
        greyscale=bool(args.greyscale),
        paper=args.paper or d.paper,
        font=font,
        p_style=None if args.p_style in (None, "seed") else args.p_style,
    )
