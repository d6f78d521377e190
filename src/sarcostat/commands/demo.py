"""``sarcostat demo``: the full report on the bundled synthetic demo cohort."""

from __future__ import annotations

from sarcostat.commands import REPORT_FLAGS, add_report_options, report_options, single_thread_blas

NAME = "demo"
HELP = "run 'analyze' on the bundled SYNTHETIC demo cohort and write the report"
ORDER = 90
DESCRIPTION = (
    "Run the default analysis plan (the seed study) on the bundled demo cohort: 129 "
    "simulated participants calibrated to the seed paper. The data are synthetic; the "
    "report says so on every page. Prints the path of report.html."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTDIR",
        default="demo_output",
        help="report folder (default: demo_output; an earlier 'demo' report there is replaced)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="write into a non-empty folder that is not an earlier output of this command "
        "(files sarcostat did not write are never replaced)",
    )
    parser.add_argument("--plan", metavar="PLAN.toml", help="analysis plan (default: built-in)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    add_report_options(parser)


def run(args) -> int:
    single_thread_blas()
    from sarcostat.commands._pipeline import command_line, run_to_directory
    from sarcostat.datasets import demo_cohort_path
    from sarcostat.report.output import check_output_folder

    opts = report_options(args)
    check_output_folder(args.output, command=NAME, inputs=[args.plan], overwrite=args.overwrite)
    print("Demo: the bundled cohort is SYNTHETIC (simulated participants), not real data.")
    return run_to_directory(
        demo_cohort_path(),
        plan=args.plan,
        outdir=args.output,
        quiet=args.quiet,
        synthetic=True,
        command=command_line(NAME, args, (), [("-o", "output"), ("--plan", "plan"), *REPORT_FLAGS]),
        output_command=NAME,
        overwrite=args.overwrite,
        inputs=[args.plan],
        report_options=opts,
    )
