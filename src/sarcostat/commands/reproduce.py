"""``sarcostat reproduce``: the seed paper's numbers next to the reproduced ones."""

from __future__ import annotations

from sarcostat.commands import REPORT_FLAGS, add_report_options, report_options, single_thread_blas

NAME = "reproduce"
HELP = "run the default plan on the demo cohort and compare with the seed paper's numbers"
ORDER = 91
DESCRIPTION = (
    "Run the default plan (the seed study) on the bundled synthetic demo cohort, write the "
    "full report, and add reproduce.html and reproduce.csv: every published number of the "
    "seed paper, the reproduced value, the difference, and whether direction and "
    "significance at 0.05 agree. Ends with a summary line. The report-file options are "
    "those of 'analyze' (figure formats, dpi, width, greyscale, Word paper and font, P "
    "style); the cohort and the plan are fixed (the demo cohort, the seed plan), so "
    "analyze's input options do not apply. manifest.json records the command line, which "
    "run again writes the same files."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTDIR",
        default="reproduce_output",
        help="output folder (default: reproduce_output; an earlier 'reproduce' output there "
        "is replaced)",
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
    from sarcostat.commands._pipeline import Progress, command_line
    from sarcostat.datasets import demo_cohort_path
    from sarcostat.report.output import check_output_folder
    from sarcostat.report.reproduce import write_reproduce
    from sarcostat.report.study_report import analyze
    from sarcostat.study.plan import load_seed_plan
    from sarcostat.study.reproduce import compare_with_seed, summary_line

    opts = report_options(args)
    check_output_folder(args.output, command=NAME, overwrite=args.overwrite)
    progress = Progress(args.quiet)
    path = demo_cohort_path()
    # The seed study's packaged plan file (equal to the built-in default plan).
    result = analyze(path, load_seed_plan(), synthetic=True, progress=progress)
    progress("compare with the published numbers (seed_tables.json)")
    table = compare_with_seed(result)
    line = summary_line(table)
    out = result.write(
        args.output,
        command=command_line(NAME, args, (), [("-o", "output"), *REPORT_FLAGS]),
        input_path=path,
        progress=progress,
        extra=lambda out: write_reproduce(table, line, out, synthetic=result.synthetic),
        output_command=NAME,
        overwrite=args.overwrite,
        report_options=opts,
    )
    print(line)
    print(f"Side-by-side table: {(out / 'reproduce.html').resolve()}")
    return 0
