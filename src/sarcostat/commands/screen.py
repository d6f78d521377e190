"""``sarcostat screen``: every biomarker of a panel against every outcome."""

from __future__ import annotations

from sarcostat.commands import add_read_options, print_cohort_errors, read_options

NAME = "screen"
HELP = "screen a wide biomarker panel (Olink, NMR...) against muscle outcomes"
ORDER = 45
DESCRIPTION = (
    "Join a wide biomarker table (id + one column per biomarker; CSV or Parquet) to the "
    "cohort by id and fit, for every biomarker x outcome, the adjusted linear model (B, SE, "
    "standardized beta, t, p, n) or, for binary outcomes (sarcopenia, low_muscle_mass, "
    "low_strength, ... from the --definition), the logistic OR per SD (Wald CI, p, n, "
    "events). Each biomarker uses its own complete cases. Benjamini-Hochberg q values per "
    "outcome. Writes the results (Parquet or CSV by extension) and an HTML page with a "
    "ranked table and a volcano plot per outcome."
)

DEFAULT_OUTCOMES = ("smi", "grip_kg", "gait_speed_m_s", "sarcopenia")
#: Short covariate names accepted on the command line -> canonical columns.
ALIASES = {"age": "age_yr", "sex": "sex_male", "bmi": "bmi"}


def add_arguments(parser) -> None:
    parser.add_argument(
        "cohort", metavar="COHORT", help="cohort file (CSV, XLSX, SAV, DTA, Parquet)"
    )
    parser.add_argument(
        "biomarkers",
        metavar="BIOMARKERS",
        help="wide biomarker table: id + one column per biomarker (.parquet or .csv)",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="RESULTS",
        help="results file, .parquet or .csv (one row per biomarker x outcome)",
    )
    parser.add_argument(
        "--outcomes",
        metavar="NAMES",
        help="comma-separated outcomes (default: those of "
        f"{','.join(DEFAULT_OUTCOMES)} the cohort has); binary criteria "
        "of the definition (sarcopenia, low_muscle_mass, low_strength, "
        "low_performance, ...) are derived",
    )
    parser.add_argument(
        "--covariates",
        default="age,sex,bmi",
        metavar="NAMES",
        help="comma-separated adjustment columns; 'age', 'sex' (as 0/1 "
        "sex_male) and 'bmi' or canonical names; 'none' for unadjusted "
        "(default: age,sex,bmi)",
    )
    parser.add_argument(
        "--definition",
        default="awgs2019",
        metavar="NAME",
        help="sarcopenia definition for binary outcomes (default: awgs2019)",
    )
    parser.add_argument(
        "--id-column",
        default="id",
        metavar="NAME",
        help="id column of the biomarker table only; the cohort's id column is found as "
        "'validate' finds it, or mapped with --map (default: id)",
    )
    parser.add_argument(
        "--map", metavar="MAP.toml", dest="mapping", help="column mapping file for the cohort"
    )
    add_read_options(parser)
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=128,
        metavar="N",
        help="biomarkers per batch; bounds memory (default: 128)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="N",
        help="batches computed at once on worker threads (default: the "
        "number of usable cores); results do not depend on it",
    )
    parser.add_argument(
        "--firth",
        action="store_true",
        help="Firth-penalized logistic models (separation, rare outcomes)",
    )
    parser.add_argument(
        "--prescreen",
        type=float,
        metavar="P",
        help="score-test pre-screen for binary outcomes: fit the logistic "
        "model only where the score-test p <= P",
    )
    parser.add_argument(
        "--bonferroni", action="store_true", help="add Bonferroni-adjusted p values (p_bonferroni)"
    )
    parser.add_argument(
        "--html", metavar="REPORT.html", help="HTML report path (default: RESULTS with .html)"
    )
    parser.add_argument(
        "--top",
        type=int,
        default=100,
        metavar="N",
        help="rows per outcome in the HTML table (default: 100)",
    )
    parser.add_argument(
        "--dask",
        action="store_true",
        help="run the chunks as Dask tasks on a local cluster (needs the [dask] extra)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="Dask scheduler address (implies --dask); workers must see the "
        "biomarker file at the same path",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing results/HTML files (never an input file)",
    )
    parser.add_argument(
        "--include-ids",
        action="store_true",
        help="name example participant ids in the notes (unmatched ids); off by default",
    )
    parser.add_argument(
        "--labels",
        metavar="LABELS.csv",
        help="labels for the page and the volcano plot: a CSV with columns 'column' "
        "(a panel biomarker, an outcome or a covariate) and 'label'; outcomes and "
        "covariates otherwise get sarcostat's variable labels, and cohort biomarkers "
        "declared in the --map file 'name (unit)'",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _labels(args, cohort) -> dict:
    """Column name -> label for the page: the cohort map's declared
    biomarkers (cohort columns, 'name (unit)'), then the --labels file (panel
    biomarkers, outcomes, covariates). Outcomes and covariates without one
    get the study's variable labels in the report."""
    from pathlib import Path

    from sarcostat.exceptions import SchemaError

    labels: dict = {}
    if args.mapping:
        from sarcostat.io.mapping import load_mapping

        for spec in load_mapping(args.mapping).biomarkers.values():
            text = f"{spec.name} ({spec.unit})"
            labels[spec.name] = text
            if spec.column:
                labels[spec.column] = text
    if args.labels:
        from sarcostat.io.panel import read_wide_table

        path = Path(args.labels)
        try:
            table = read_wide_table(path, id_column="column", encoding=args.encoding)
        except SchemaError:
            table = None
        if table is None or "label" not in table.columns:
            raise SchemaError(
                f"{path.name}: a labels file needs the columns 'column' and 'label'; "
                "the first row names them."
            )
        for col, lab in zip(table["column"], table["label"]):
            if isinstance(col, str) and isinstance(lab, str) and lab.strip():
                labels[col.strip()] = lab.strip()
    # Cohort columns under the user's own header map to canonical names.
    for header, canon in (getattr(cohort, "mapping", None) or {}).items():
        if header in labels and canon not in labels:
            labels[canon] = labels[header]
    return labels


def _is_synthetic(args, cohort) -> bool:
    """Simulated data, as the analyze report decides it: the map's
    [protocol] synthetic = true (written by 'sarcostat simulate' and the
    examples), or the bundled demo cohort itself."""
    from pathlib import Path

    from sarcostat.datasets import demo_cohort_path

    if (getattr(cohort, "protocol", None) or {}).get("synthetic"):
        return True
    try:
        return Path(args.cohort).resolve() == demo_cohort_path().resolve()
    except OSError:
        return False


def _split(text):
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _panel_source(args, cohort_ids):
    """The biomarker table, read with the cohort's reading options and joined on ids.

    A text panel goes through sarcostat's own reader (strict quoting, every
    row checked, --encoding/--sep/--decimal); Parquet is read a chunk of
    columns at a time. No id in common is an error (exit 1), not an empty
    result.
    """
    from pathlib import Path

    from sarcostat.exceptions import DataError, ReadError
    from sarcostat.io.panel import is_text_table, read_wide_table
    from sarcostat.stats.screen_source import open_source

    path = Path(args.biomarkers)
    if not path.exists():
        raise ReadError(f"No such file: '{args.biomarkers}'.")
    if path.is_dir():
        raise ReadError(f"'{args.biomarkers}' is a directory, not a biomarker table.")
    if is_text_table(path):
        panel = read_wide_table(
            path,
            id_column=args.id_column,
            encoding=args.encoding,
            sep=args.sep,
            decimal=args.decimal,
        )
        source = open_source(panel, cohort_ids, id_column=args.id_column)
    elif path.suffix.lower() in (".parquet", ".pq"):
        try:
            source = open_source(path, cohort_ids, id_column=args.id_column)
        except (OSError, ValueError) as exc:
            if isinstance(exc, DataError):
                raise
            raise ReadError(
                f"{path.name}: cannot be read as Parquet ({type(exc).__name__}: {exc})."
            ) from None
    else:
        raise ReadError(
            f"{path.name}: the biomarker table must be .csv, .tsv, .txt or .parquet "
            f"(got '{path.suffix or 'no suffix'}')."
        )
    if not source.names:
        raise DataError(
            f"{args.biomarkers}: the panel has no biomarker column besides the id column "
            f"{args.id_column!r}; nothing screened."
        )
    if source.info["n_biomarker_rows"] == 0:
        raise DataError(f"{args.biomarkers}: the panel has no data rows; nothing screened.")
    if source.info["n_matched"] == 0:
        coh = ", ".join(repr(v) for v in list(cohort_ids.dropna())[:3])
        bio = ", ".join(repr(v) for v in source.info["biomarker_ids_not_in_cohort"][:3])
        raise DataError(
            f"{path.name}: no id in column {args.id_column!r} matches a cohort id (cohort ids "
            f"look like {coh or 'nothing'}; biomarker ids like {bio or 'nothing'}). Check "
            "--id-column and that both files hold the same ids; '1.0' matches '1', but '007' "
            "does not match '7'."
        )
    return source


def run(args) -> int:
    from pathlib import Path

    import numpy as np
    import pandas as pd

    from sarcostat.exceptions import DataError, ParameterError
    from sarcostat.io import read_cohort

    out = Path(args.output)
    if out.suffix.lower() not in (".parquet", ".csv"):
        raise ParameterError(
            f"The '-o' option of screen must end in .parquet or .csv. Got {args.output!r} instead."
        )
    from sarcostat.report.output import check_output_file, write_csv, write_file, write_text

    inputs = [args.cohort, args.biomarkers, args.mapping, args.labels]
    html = Path(args.html) if args.html else out.with_suffix(".html")
    out_opts = dict(command=NAME, inputs=inputs, overwrite=args.overwrite)
    check_output_file(out, **out_opts)
    check_output_file(html, **out_opts, option="--html")
    if html.suffix.lower() in (".csv", ".parquet"):
        raise ParameterError(
            f"The '--html' option of screen must not end in .csv or .parquet. "
            f"Got {str(html)!r} instead."
        )
    if Path(html).absolute() == out.absolute():
        raise ParameterError("The '--html' option of screen must differ from '-o'.")
    if args.chunk_size < 1:
        raise ParameterError(
            f"The '--chunk-size' option of screen must be a positive "
            f"integer. Got {args.chunk_size} instead."
        )
    if args.threads is not None and args.threads < 1:
        raise ParameterError(
            f"The '--threads' option of screen must be a positive "
            f"integer. Got {args.threads} instead."
        )

    cohort = read_cohort(args.cohort, mapping=args.mapping, **read_options(args))
    if print_cohort_errors(cohort, command="screen", path=args.cohort, nothing="nothing screened"):
        return 1
    data = cohort.data.copy()

    def canonical(name: str) -> str:
        # The user's own header ('HGS') names the same column as its canonical name.
        if name not in data.columns and name in cohort.mapping:
            return cohort.mapping[name]
        return ALIASES.get(name, name)

    covariates = []
    for c in _split(args.covariates):
        if c.lower() == "none":
            continue
        canon = canonical(c)
        if canon == "sex_male" and "sex_male" not in data.columns:
            if "sex" not in data.columns:
                raise ParameterError("screen: covariate 'sex' needs a sex column in the cohort.")
            sex = data["sex"].astype("string").str.lower()
            data["sex_male"] = np.where(sex.isna(), np.nan, (sex == "male").astype(float))
        covariates.append(canon)

    requested = _split(args.outcomes)
    classified = None

    def _classified():
        nonlocal classified
        if classified is None:
            from sarcostat.assess import classify

            classified = classify(data, args.definition)
        return classified

    outcomes, skipped = [], []
    for o in requested or DEFAULT_OUTCOMES:
        o = canonical(o) if o not in ALIASES else o
        if o in data.columns:
            outcomes.append(o)
            continue
        table = _classified()
        if o in table.columns and (pd.api.types.is_bool_dtype(table[o])):
            data[o] = table[o].astype("Float64").astype(float)
            outcomes.append(o)
        elif requested:
            flags = [c for c in table.columns if pd.api.types.is_bool_dtype(table[c])]
            raise ParameterError(
                f"screen: outcome {o!r} is neither a cohort column nor a criterion of "
                f"{args.definition}; cohort columns: {', '.join(map(str, cohort.data.columns))}; "
                f"criteria: {', '.join(flags)}."
            )
        else:
            skipped.append(o)
    if not outcomes:
        raise ParameterError(
            f"screen: the cohort has none of the default outcomes "
            f"{', '.join(DEFAULT_OUTCOMES)}; name them with --outcomes."
        )
    missing_cov = [c for c in covariates if c not in data.columns]
    if missing_cov:
        raise ParameterError(
            f"screen: covariate(s) {', '.join(missing_cov)} not in the cohort; "
            f"columns: {', '.join(map(str, data.columns))}."
        )

    from sarcostat.progress import progress_bar
    from sarcostat.report.screen_report import render_screen_html
    from sarcostat.stats.screen import screen

    labels = _labels(args, cohort)
    source = _panel_source(args, data["id"])
    with progress_bar(total=len(source.names), desc="screen", unit="biomarkers") as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        result = screen(
            data,
            source,
            outcomes=outcomes,
            covariates=covariates,
            id_column=args.id_column,
            cohort_id_column="id",
            firth=args.firth,
            prescreen=args.prescreen,
            bonferroni=args.bonferroni,
            chunk_size=args.chunk_size,
            threads=args.threads,
            dask=bool(args.dask or args.scheduler),
            scheduler=args.scheduler,
            progress=progress,
        )
    if not result.n_biomarkers:
        raise DataError(
            f"{args.biomarkers}: the panel has no biomarker column besides the id column "
            f"{args.id_column!r}; nothing screened."
        )
    if not result.meta.get("join", {}).get("n_matched", 1):
        raise DataError(
            f"{args.biomarkers}: no id in its {args.id_column!r} column matches a participant id "
            f"of {args.cohort}; check the id column and format. Nothing written."
        )
    table = result.table
    if not args.include_ids and "message" in table.columns:
        # A row's message may name the participant whose value is bad; the
        # table is a summary per biomarker, so the id stays out of the file.
        from sarcostat.io.privacy import strip_id_mentions

        table = table.assign(message=[strip_id_mentions(m) for m in table["message"]])
    if out.suffix.lower() == ".parquet":
        write_file(out, lambda p: table.to_parquet(p, index=False), **out_opts)
    else:
        write_csv(out, table, **out_opts)
    write_text(
        html,
        render_screen_html(
            result,
            top=args.top,
            include_ids=args.include_ids,
            labels=labels,
            synthetic=_is_synthetic(args, cohort),
        ),
        **out_opts,
        option="--html",
    )

    if skipped:
        print(f"Outcomes not in the cohort, skipped: {', '.join(skipped)}")
    for f in result.families.itertuples():
        t = table[table["outcome"] == f.outcome]
        hits = int((t["q_value"] < 0.05).sum())
        failed = int((t["message"] != "").sum())
        print(
            f"{f.outcome} ({f.model}): {f.n_tests} tests, {hits} with q < 0.05"
            + (f", {failed} without estimate (see 'message')" if failed else "")
        )
    from sarcostat.report.screen_report import screen_notes

    for n in screen_notes(result, include_ids=args.include_ids):
        print(f"Note: {n}")
    print(f"Wrote {out} and {html}")
    return 0
