"""``sarcostat classify``: sarcopenia status by one or more consensus definitions."""

from __future__ import annotations

from sarcostat.commands import add_read_options, print_cohort_errors, read_options

NAME = "classify"
HELP = "classify sarcopenia (AWGS 2019, EWGSOP2, ...) and print prevalence and agreement"
ORDER = 20
DESCRIPTION = (
    "Read and validate the cohort, classify every participant by the requested "
    "definitions, and print a prevalence table per definition (overall and by sex, "
    "with the number indeterminate because of missing data) and, for several "
    "definitions, pairwise agreement (Cohen's kappa with 95% CI). With -o, write a "
    "CSV with the id and every per-definition column (flags, category, reason)."
)
DEFINITIONS = ("awgs2019", "ewgsop2", "ewgsop1", "awgs2014", "fnih2014", "sdoc2020", "iwgs2011")


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="cohort file (CSV, XLSX, SAV, DTA, Parquet)")
    parser.add_argument(
        "--definition",
        default="awgs2019",
        metavar="NAMES",
        help="comma-separated definitions or 'all' (default: awgs2019); "
        "one of " + ", ".join(DEFINITIONS),
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
        default=None,
        help="Excel sheet name or 0-based index (default: the first sheet)",
    )
    add_read_options(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.csv",
        help="write the per-participant classification here (CSV, with the ids; "
        "an existing file is replaced only with --overwrite)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing output file (never an input file)",
    )


def _names(text: str) -> list[str]:
    from sarcostat.exceptions import ParameterError

    if text.strip() == "all":
        return list(DEFINITIONS)
    names = [t.strip() for t in text.split(",") if t.strip()]
    bad = [n for n in names if n not in DEFINITIONS]
    if bad or not names:
        raise ParameterError(
            f"The '--definition' option of classify must be 'all' or a comma-separated list of "
            f"{{{', '.join(DEFINITIONS)}}}. Got {text!r} instead."
        )
    return names


def run(args) -> int:
    from sarcostat.assess import classify_cohort
    from sarcostat.io import read_cohort
    from sarcostat.report.output import check_output_file, write_csv

    names = _names(args.definition)
    inputs = [args.file, args.mapping]
    if args.output is not None:
        check_output_file(args.output, command=NAME, inputs=inputs, overwrite=args.overwrite)
    cohort = read_cohort(args.file, mapping=args.mapping, sheet=args.sheet, **read_options(args))
    if print_cohort_errors(
        cohort, command="classify", path=args.file, nothing="nothing classified"
    ):
        return 1
    result = classify_cohort(cohort, names)
    print(result.summary())
    if args.output is not None:
        out = write_csv(
            args.output, result.table, command=NAME, inputs=inputs, overwrite=args.overwrite
        )
        print(f"\nWrote {out}")
    return 0
