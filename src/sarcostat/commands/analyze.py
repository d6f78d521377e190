"""``sarcostat analyze``: the whole study, from a cohort file to a report directory."""

from __future__ import annotations

from sarcostat.commands import (
    REPORT_FLAGS,
    add_read_options,
    add_report_options,
    read_options,
    report_options,
    single_thread_blas,
)

NAME = "analyze"
HELP = "run the analysis plan on a cohort and write the report (HTML, DOCX, CSV, JSON, figures)"
ORDER = 40
DESCRIPTION = (
    "Read and validate the cohort, classify sarcopenia, run every analysis of the plan "
    "(Table 1, Figure 1 LS means, Table 2 standardized betas, Figure 2 quartile trends, "
    "Table 3 odds ratios per SD) and write OUTDIR with report.html, tables.docx (every "
    "table and figure), results.json, one CSV per table/figure, every figure in each "
    "--figure-format (default PNG and SVG), and manifest.json. "
    "Nothing is written when the plan or the data are invalid. "
    "From 100,000 rows on, analyses that do not depend on each other run two at a time "
    "on two threads, and on Linux with two or more cores the figures are drawn by two "
    "processes (same results either way); the environment variable SARCOSTAT_THREADS=1 "
    "runs everything one after another."
)


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="cohort file (CSV, XLSX, SAV, DTA, Parquet)")
    parser.add_argument(
        "--plan",
        metavar="PLAN.toml",
        help="analysis plan (default: the built-in seed-study plan; see 'sarcostat plan --init')",
    )
    parser.add_argument(
        "--biomarker",
        metavar="COL",
        help="biomarker column, by your header or its canonical name (overrides the plan)",
    )
    parser.add_argument(
        "--map",
        metavar="MAP.toml",
        dest="mapping",
        help="column mapping file (your headers -> canonical names)",
    )
    parser.add_argument(
        "--sheet",
        metavar="NAME",
        help="Excel sheet name or 0-based number (default: the first sheet)",
    )
    add_read_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTDIR",
        required=True,
        help="report folder (created; an earlier 'analyze' report there is replaced file by "
        "file; any other non-empty folder is refused)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="write into a non-empty folder that is not an earlier output of this command "
        "(files sarcostat did not write are never replaced)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_report_options(parser)


def run(args) -> int:
    single_thread_blas()
    from sarcostat.commands._pipeline import command_line, run_to_directory

    command = command_line(
        NAME,
        args,
        ["file"],
        [
            ("--plan", "plan"),
            ("--biomarker", "biomarker"),
            ("--map", "mapping"),
            ("--sheet", "sheet"),
            ("--encoding", "encoding"),
            ("--sep", "sep"),
            ("--decimal", "decimal"),
            ("-o", "output"),
            ("-q", "quiet"),
            *REPORT_FLAGS,
        ],
    )
    opts = report_options(args)
    from sarcostat.report.output import check_output_folder

    inputs = [args.file, args.plan, args.mapping]
    # Checked before the analysis, so a long run never ends in a refusal.
    check_output_folder(args.output, command=NAME, inputs=inputs, overwrite=args.overwrite)
    sheet = int(args.sheet) if args.sheet is not None and args.sheet.isdigit() else args.sheet
    return run_to_directory(
        args.file,
        plan=args.plan,
        biomarker=args.biomarker,
        mapping=args.mapping,
        sheet=sheet,
        outdir=args.output,
        quiet=args.quiet,
        command=command,
        output_command=NAME,
        overwrite=args.overwrite,
        inputs=inputs,
        read=read_options(args),
        report_options=opts,
    )
