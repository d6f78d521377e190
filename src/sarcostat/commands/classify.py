"""``sarcostat classify``: sarcopenia status by one or more consensus definitions."""

from __future__ import annotations

from typing import Any

from sarcostat.commands import add_read_options, print_cohort_errors, read_options

NAME = "classify"
HELP = "classify sarcopenia (AWGS 2019, EWGSOP2, ...) and print prevalence and agreement"
ORDER = 20
DESCRIPTION = (
    "Read and validate the cohort, classify every participant by the requested "
    "definitions, and print a short summary: the prevalence per definition with its "
    "denominator (participants classifiable) and Wilson 95% CI, or 'not classifiable "
    "(n=0)' with the reason; Cohen's kappa with 95% CI between definitions (the reason "
    "in words where kappa is undefined); one line per kind of note. With -o OUT.csv, "
    "write the per-participant table (ids, every flag, category and reason) there and "
    "beside it OUT_prevalence.csv (overall and by sex), OUT_agreement.csv, OUT_notes.csv "
    "and the chart OUT_prevalence.png; with -o OUT.xlsx, one workbook with a sheet each "
    "and the chart inside."
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
        metavar="OUT.csv|OUT.xlsx",
        help="OUT.csv: the per-participant table (with the ids) there, and beside it "
        "OUT_prevalence.csv, OUT_agreement.csv, OUT_notes.csv and OUT_prevalence.png; "
        "OUT.xlsx: one workbook (sheets participants, prevalence, agreement, notes, chart). "
        "Existing files are replaced only with --overwrite",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing output files (never an input file)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


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
    from sarcostat.exceptions import ParameterError
    from sarcostat.io.readers import parse_toml, read_text_file

    if path is None:
        raise ParameterError(
            "classify --definition frailty_index needs --deficits FI.toml (the deficit columns "
            "and how each is scored 0-1)."
        )
    text = read_text_file(path, what="deficits file", error=ParameterError)
    data = parse_toml(text, where=str(path), error=ParameterError)
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
    import numpy as np
    import pandas as pd

    from sarcostat.assess import classify_cohort
    from sarcostat.io import read_cohort
    from sarcostat.report import classify_outputs as out

    names = _names(args.definition)
    inputs = [args.file, args.mapping, args.deficits]
    if args.output is not None:
        out.check_classify_outputs(
            args.output, command=NAME, inputs=inputs, overwrite=args.overwrite
        )
    cohort = read_cohort(args.file, mapping=args.mapping, sheet=args.sheet, **read_options(args))
    if print_cohort_errors(
        cohort, command="classify", path=args.file, nothing="nothing classified"
    ):
        return 1
    sarc = [n for n in names if n in DEFINITIONS]
    frail = [n for n in names if n in FRAILTY]
    deficits, cutoffs = _read_deficits(args.deficits) if "frailty_index" in frail else (None, None)
    tables = []
    notes = []
    result = fres = None
    # A CSV's reasons are made a slice of rows at a time as it is written
    # (never a column of texts per definition for every participant: over
    # a gigabyte by every definition at 10^6 rows); a sheet takes them whole.
    # Without -o no reason is written, and none is made.
    stream = args.output is not None and "workbook" not in out.output_paths(args.output)
    deferred = {}
    if sarc:
        from sarcostat.assess.classification import prepare, reason_texts

        # the measures derived once, for the classification and the reasons' tests
        prep = prepare(cohort.data, NAME)
        whole = args.output is not None and not stream
        result = classify_cohort(cohort, sarc, reasons=whole, prepared=prep)
        table = result.table
        if stream:
            # a placeholder where each definition's reason column goes (last of its block)
            blank = np.zeros(len(table), dtype=bool)
            columns: dict[str, Any] = {}
            for c in table.columns:
                columns[c] = table[c]
                for n in sarc:
                    if c == f"{n}_missing_inputs":
                        columns[f"{n}_reason"] = blank
                        deferred[f"{n}_reason"] = reason_texts(cohort.data, n, prepared=prep)
            table = pd.DataFrame(columns, index=table.index, copy=False)
        del prep
        tables.append(table)
        notes.append(result.note_table())
    if frail:
        from sarcostat.assess.frailty import frailty_cohort

        # frailty vs sarcopenia in one agreement table
        extra = {n: r["sarcopenia"] for n, r in result.results.items()} if result else {}
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
        table = fres.table
        if tables and "id" in table.columns:
            table = table.drop(columns="id")
        tables.append(table)
        notes.append(fres.note_table())
    sex = cohort.data["sex"] if "sex" in cohort.data.columns else None
    prevalence = out.prevalence_table(result, fres, sex=sex)
    agreement = out.agreement_table(result, fres)
    note_table = pd.concat(notes, ignore_index=True)
    kinds = out.note_kinds(note_table)
    print(out.console_summary(prevalence, agreement, kinds))
    if args.output is not None:
        written = out.write_classify_outputs(
            args.output,
            {
                "participants": pd.concat(tables, axis=1),
                "prevalence": prevalence,
                "agreement": agreement,
                "notes": note_table,
            },
            out.prevalence_figure(prevalence),
            command=NAME,
            inputs=inputs,
            overwrite=args.overwrite,
            deferred=deferred,
        )
        print("\nWrote " + ", ".join(str(p) for p in written))
    return 0
