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
#: Frailty and bone definitions reported beside sarcopenia (named explicitly;
#: 'all' stays the sarcopenia definitions).
FRAILTY = ("fried2001", "fried2001_asian", "frail_scale", "frailty_index", "osteosarcopenia")


def add_arguments(parser) -> None:
    parser.add_argument("file", metavar="FILE", help="cohort file (CSV, XLSX, SAV, DTA, Parquet)")
    parser.add_argument(
        "--definition",
        default="awgs2019",
        metavar="NAMES",
        help="comma-separated definitions or 'all' (default: awgs2019); "
        "one of " + ", ".join(DEFINITIONS) + "; frailty and bone: " + ", ".join(FRAILTY),
    )
    parser.add_argument(
        "--deficits",
        metavar="FI.toml",
        help="frailty-index deficits (needed by frailty_index): a TOML file with "
        "'deficits = [...]' as in a plan's [frailty] section, and optionally 'cutoffs = [a, b]'",
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
    bad = [n for n in names if n not in DEFINITIONS + FRAILTY]
    if bad or not names:
        raise ParameterError(
            f"The '--definition' option of classify must be 'all' or a comma-separated list of "
            f"{{{', '.join(DEFINITIONS + FRAILTY)}}}. Got {text!r} instead."
        )
    return names


def _read_deficits(path: str | None) -> tuple:
    """(deficits, cutoffs) from a --deficits TOML file."""
    import tomllib
    from pathlib import Path

    from sarcostat.exceptions import ParameterError

    if path is None:
        raise ParameterError(
            "classify --definition frailty_index needs --deficits FI.toml (the deficit columns "
            "and how each is scored 0-1)."
        )
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{path}: deficits file not found.") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ParameterError(f"{path}: cannot read the deficits file ({exc}).") from None
    unknown = sorted(set(data) - {"deficits", "cutoffs"})
    if unknown or "deficits" not in data:
        raise ParameterError(
            f"{path}: a deficits file holds 'deficits = [...]' and optionally 'cutoffs = [a, b]'"
            + (f"; unknown key {unknown[0]!r}." if unknown else "; 'deficits' is missing.")
        )
    from sarcostat.assess.definitions.frailty_index import (
        DEFAULT_CUTOFFS,
        check_cutoffs,
        parse_deficits,
    )

    deficits = parse_deficits(data["deficits"], where=f"{path}: deficits")
    cutoffs = check_cutoffs(data.get("cutoffs", DEFAULT_CUTOFFS), where=f"{path}: cutoffs")
    return deficits, cutoffs


def run(args) -> int:
    from sarcostat.assess import classify_cohort
    from sarcostat.io import read_cohort
    from sarcostat.report.output import check_output_file, write_csv

    names = _names(args.definition)
    inputs = [args.file, args.mapping, args.deficits]
    if args.output is not None:
        check_output_file(args.output, command=NAME, inputs=inputs, overwrite=args.overwrite)
    cohort = read_cohort(args.file, mapping=args.mapping, sheet=args.sheet, **read_options(args))
    if print_cohort_errors(
        cohort, command="classify", path=args.file, nothing="nothing classified"
    ):
        return 1
    sarc = [n for n in names if n in DEFINITIONS]
    frail = [n for n in names if n in FRAILTY]
    deficits, cutoffs = _read_deficits(args.deficits) if "frailty_index" in frail else (None, None)
    tables = []
    statuses = {}
    if sarc:
        result = classify_cohort(cohort, sarc)
        print(result.summary())
        tables.append(result.table)
        statuses = {n: r["sarcopenia"] for n, r in result.results.items()}
    if frail:
        from sarcostat.assess.frailty import frailty_cohort

        extra = dict(statuses)  # frailty vs sarcopenia in one agreement table
        kwargs = {"deficits": deficits} if deficits is not None else {}
        if cutoffs is not None:
            kwargs["cutoffs"] = cutoffs
        fres = frailty_cohort(
            cohort.data,
            frail,
            sarcopenia=sarc[0] if sarc else "awgs2019",
            extra_statuses=extra,
            **kwargs,
        )
        if sarc:
            print()
        print(fres.summary())
        table = fres.table
        if tables and "id" in table.columns:
            table = table.drop(columns="id")
        tables.append(table)
    if args.output is not None:
        import pandas as pd

        out = write_csv(
            args.output,
            pd.concat(tables, axis=1),
            command=NAME,
            inputs=inputs,
            overwrite=args.overwrite,
        )
        print(f"\nWrote {out}")
    return 0
