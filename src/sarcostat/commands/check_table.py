"""``sarcostat check-table``: recompute every printed P of a published table."""

from __future__ import annotations

from sarcostat.commands import add_read_options

NAME = "check-table"
HELP = "recompute a paper's printed P values from its printed numbers (consistency check)"
ORDER = 85
DESCRIPTION = (
    "Read a published-tables JSON (format of the bundled seed_tables.json, used when FILE is "
    "omitted) and recompute each printed P with every candidate test: Student and Welch t from "
    "means/SDs/n, Pearson, Yates and Fisher (two- and one-sided) from counts, Wald P from "
    "odds ratios and CIs, the t test of unadjusted standardized betas; GRIM check of means of "
    "integer scores. Flags printed values that fit no test or only a one-sided test. "
    "Exit code 0 whatever the verdicts (they are findings about the paper, not errors)."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "file",
        metavar="FILE",
        nargs="?",
        help="published-tables JSON (default: the seed study's, bundled)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.csv|OUT.json",
        help="also write every candidate test (CSV) or everything (JSON); an existing file "
        "is replaced only with --overwrite",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing output file (never an input file)",
    )
    parser.add_argument(
        "--all", action="store_true", help="print every candidate test, not only the verdicts"
    )
    add_read_options(parser, table=False)


def run(args) -> int:
    import json
    import textwrap
    from pathlib import Path

    import pandas as pd

    from sarcostat.datasets import seed_tables_path
    from sarcostat.exceptions import ParameterError
    from sarcostat.report.output import check_output_file, write_csv, write_text
    from sarcostat.study.check_table import check_published_tables

    src = Path(args.file) if args.file else seed_tables_path()
    out_opts = dict(command=NAME, inputs=[src], overwrite=args.overwrite)
    if args.output is not None:
        if Path(args.output).suffix.lower() not in (".csv", ".json"):
            raise ParameterError(
                f"The '-o' option of check-table must end in .csv or .json. "
                f"Got {args.output!r} instead."
            )
        check_output_file(args.output, **out_opts)
    res = check_published_tables(src, encoding=args.encoding)
    print(f"Consistency check of {src}")
    if args.all:
        with pd.option_context(
            "display.width", 200, "display.max_rows", 1000, "display.max_colwidth", 60
        ):
            print(res.table.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    for section, rows in res.summary.groupby("section", sort=False):
        print(f"\n{section}")
        for r in rows.itertuples():
            print(
                f"  {r.item}: P = {r.printed} {r.verdict}."
                if section != "GRIM"
                else f"  {r.item}: mean {r.printed} {'is' if r.verdict == 'fits' else 'is NOT'} GRIM-consistent."
            )
            print(
                textwrap.fill(
                    r.explanation, width=100, initial_indent="      ", subsequent_indent="      "
                )
            )
    flags = res.flags()
    print()
    if flags.empty:
        print("No printed value is flagged.")
    else:
        print(f"{len(flags)} printed value(s) flagged:")
        for r in flags.itertuples():
            print(
                f"  {r.section}, {r.item}: P = {r.printed} {r.verdict}"
                + (f" ({r.fits})" if r.fits else "")
            )
    welch = res.summary[res.summary["verdict"].str.startswith("fits Welch")]
    if not welch.empty:
        print("Fit Welch's t test, not Student's: " + ", ".join(welch["item"]))
    for note in res.notes:
        print(f"Note: {note}")
    if args.output is not None:
        out = Path(args.output)
        if out.suffix.lower() == ".csv":
            write_csv(out, res.table, **out_opts)
        else:
            payload = {
                "source": str(src),
                "candidates": res.table.to_dict(orient="records"),
                "summary": res.summary.to_dict(orient="records"),
                "grim": json.loads(res.grim.to_json(orient="records")),
                "notes": list(res.notes),
            }
            write_text(out, json.dumps(payload, indent=2, default=str), **out_opts)
        print(f"wrote {out}")
    return 0
