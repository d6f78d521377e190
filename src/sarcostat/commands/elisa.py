"""``sarcostat elisa``: ELISA plate readings to cohort-ready concentrations."""

from __future__ import annotations

import sys

from sarcostat.commands import add_read_options

NAME = "elisa"
HELP = "turn ELISA plate readings into concentrations (4PL/5PL), QC table and HTML QC report"
ORDER = 40
DESCRIPTION = (
    "Read one or more plate-reader exports (8 x 12 grid or long CSV) and a plate layout, "
    "fit a 4PL or 5PL standard curve per plate (direction inferred from the standards: "
    "falling = competitive, rising = sandwich), back-calculate controls and samples with "
    "<LOD/<LLOQ/>ULOQ/no_inverse/high_cv flags, and write OUTDIR/concentrations.csv "
    "(columns id and the analyte, censored values as '<3.2', ready for the cohort), "
    "OUTDIR/samples.csv (every sample with flags), OUTDIR/qc.csv (one row per plate), "
    "OUTDIR/qc_report.html (verdict per plate with its rules, heat map, standard curve with "
    "residuals, flagged wells; its figures also as qc_*.png/.svg) and OUTDIR/results.json "
    "(everything at full precision; the CSV and HTML tables show concentrations to 3 "
    "significant digits, concentrations.csv keeps full precision). --merge COHORT adds the "
    "analyte to a copy of the cohort, by participant id, in OUTDIR (same file format). "
    "A plate that cannot be processed is reported and skipped; the exit code is then 1."
)


def add_arguments(parser) -> None:
    parser.add_argument("plates", nargs="+", metavar="PLATE_FILE", help="plate reading file(s)")
    parser.add_argument(
        "--layout",
        required=True,
        action="append",
        metavar="LAYOUT",
        help="plate layout (grid or long CSV); give once for all plates or once per plate file",
    )
    parser.add_argument(
        "-o",
        "--outdir",
        required=True,
        metavar="OUTDIR",
        help="output folder (created; an earlier 'elisa' output there is replaced file by file; "
        "any other non-empty folder is refused)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="write into a non-empty folder that is not an earlier output of elisa "
        "(files sarcostat did not write are never replaced)",
    )
    parser.add_argument(
        "--include-ids",
        action="store_true",
        help="show sample ids in qc_report.html (concentrations.csv and samples.csv always "
        "have them)",
    )
    parser.add_argument(
        "--model", default="4pl", choices=("4pl", "5pl"), help="standard curve model (default: 4pl)"
    )
    parser.add_argument(
        "--weights",
        default="none",
        choices=("none", "1/y2", "1/yhat2", "1/y"),
        help="curve weights (default: none)",
    )
    parser.add_argument(
        "--fit-to",
        default="means",
        choices=("means", "replicates"),
        help="fit standard level means (default, as SoftMax Pro) or every well",
    )
    parser.add_argument(
        "--analyte", default="sclerostin", help="analyte column name (default: sclerostin)"
    )
    parser.add_argument("--unit", default="pmol/L", help="unit of the standards (default: pmol/L)")
    parser.add_argument(
        "--lod",
        type=float,
        default=None,
        help="declared kit LOD in --unit (default: from blanks, mean +/- 3 SD)",
    )
    parser.add_argument(
        "--acceptance",
        default="research",
        choices=("research", "kit", "ich-m10"),
        help="acceptance preset (default: research)",
    )
    parser.add_argument(
        "--cv-limit", type=float, default=20.0, help="replicate CV%% flag threshold (default: 20)"
    )
    parser.add_argument(
        "--censor",
        default="lod",
        choices=("lod", "lloq"),
        help="write values below this limit as '<limit' (default: lod)",
    )
    parser.add_argument(
        "--wavelength", default=None, help="primary reading column / block label, e.g. 450"
    )
    parser.add_argument(
        "--reference",
        default=None,
        help="reference wavelength to subtract, e.g. 620 (OD450 - OD620)",
    )
    parser.add_argument(
        "--mw",
        type=float,
        default=None,
        help="molecular weight in g/mol, for --to-unit between molar and mass",
    )
    parser.add_argument(
        "--to-unit", default=None, help="report concentrations in this unit, e.g. ng/mL"
    )
    merge = parser.add_argument_group("merge into the cohort")
    merge.add_argument(
        "--merge",
        metavar="COHORT",
        default=None,
        help="cohort file (CSV/TSV/TXT, XLSX, SAV, DTA or Parquet) to add the concentrations "
        "to, matched by participant id: OUTDIR/<cohort>_with_<analyte>.<same suffix> is written "
        "(the input is never changed) with OUTDIR/merge_unmatched.csv listing the ids found "
        "on one side only",
    )
    merge.add_argument(
        "--map",
        metavar="MAP.toml",
        default=None,
        help="column map of the --merge cohort, to find its id column (as in analyze)",
    )
    merge.add_argument(
        "--sheet", default=None, help="Excel sheet of the --merge cohort (default: the first)"
    )
    merge.add_argument(
        "--merge-replace",
        action="store_true",
        help="replace a column of the cohort named like --analyte in the merged copy "
        "(default: such a clash is an error)",
    )
    parser.add_argument(
        "--figure-format",
        metavar="LIST",
        default=None,
        help="files of the QC report's figures, any comma-separated list of png, svg, pdf, "
        "tiff, eps (default: png,svg); the page itself embeds them",
    )
    parser.add_argument(
        "--dpi",
        metavar="N",
        default=None,
        help="resolution of PNG/TIFF figure files (default 150, 72-1200)",
    )
    add_read_options(parser, table=True)
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def _merge(args, concentrations, **extra):
    """``--merge``: the concentrations merged into the cohort file, read with
    the command's reading options (also the check before any plate is read,
    with an empty table)."""
    from sarcostat.report.cohort_merge import merge_concentrations

    return merge_concentrations(
        args.merge,
        concentrations,
        analyte=args.analyte,
        mapping=args.map,
        sheet=args.sheet,
        encoding=args.encoding,
        sep=args.sep,
        decimal=args.decimal,
        replace=args.merge_replace,
        **extra,
    )


def run(args) -> int:
    from pathlib import Path

    from sarcostat.assay import quantify, read_plates
    from sarcostat.assay.units import convert_units
    from sarcostat.exceptions import ParameterError
    from sarcostat.io.readers import check_encoding
    from sarcostat.progress import progress_bar
    from sarcostat.report.options import parse_dpi, parse_figure_formats
    from sarcostat.report.output import OutputFolder, check_output_folder, withhold_ids
    from sarcostat.report.qc_report import render_qc_report

    check_encoding(args.encoding, function="elisa")
    _check_analyte_name(args.analyte)
    formats = (
        ("png", "svg") if args.figure_format is None else parse_figure_formats(args.figure_format)
    )
    dpi = 150 if args.dpi is None else parse_dpi(args.dpi)
    if args.to_unit is not None:
        convert_units(1.0, args.unit, args.to_unit, mw=args.mw)  # fail early on a bad unit/mw
    if args.lod is not None and not args.lod > 0:
        raise ParameterError(
            f"The '--lod' option of elisa must be a positive number. Got {args.lod!r} instead."
        )
    layouts = args.layout
    if len(layouts) not in (1, len(args.plates)):
        raise ParameterError(
            f"The '--layout' option of elisa must be given once or once per plate "
            f"file ({len(args.plates)}). Got {len(layouts)} instead."
        )
    inputs = [*args.plates, *layouts, *([args.merge] if args.merge else [])]
    if args.merge is None and (args.map or args.sheet or args.merge_replace):
        raise ParameterError(
            "The '--map', '--sheet' and '--merge-replace' options of elisa apply to the "
            "--merge cohort; give --merge COHORT too."
        )
    # Checked before reading, so the user hears about a bad -o first.
    check_output_folder(args.outdir, command=NAME, inputs=inputs, overwrite=args.overwrite)
    if args.merge is not None:
        import pandas as pd

        # the cohort, its id column and a name clash are checked before any plate is read
        _merge(args, pd.DataFrame({"id": [], args.analyte: []}))
    # Reading, curve fitting and the QC report (figures) take seconds for a
    # few plates: a bar on a terminal, none with -q (sarcostat.progress).
    with progress_bar(total=3, desc="elisa", unit="step") as bar:
        plates = read_plates(
            args.plates,
            layout=layouts if len(layouts) > 1 else layouts[0],
            wavelength=args.wavelength,
            reference=args.reference,
            encoding=args.encoding,
        )
        bar.update(1)
        res = quantify(
            plates,
            model=args.model,
            weights=args.weights,
            fit_to=args.fit_to,
            acceptance=args.acceptance,
            lod=args.lod,
            cv_limit=args.cv_limit,
            unit=args.unit,
        )
        unit = args.to_unit or args.unit
        cohort = res.to_cohort_frame(
            args.analyte, censor=args.censor, to_unit=args.to_unit, mw=args.mw
        )
        merged = None
        if args.merge is not None:
            merged = _merge(args, cohort, unit=unit)
        bar.update(1)
        samples = res.samples_in(args.to_unit, mw=args.mw)
        figures: dict = {}
        html = render_qc_report(
            res,
            analyte=args.analyte,
            include_ids=args.include_ids,
            figure_files=figures,
            figure_formats=formats,
            dpi=dpi,
        )
        bar.update(1)
    with OutputFolder(
        args.outdir,
        command=NAME,
        inputs=inputs,
        overwrite=args.overwrite,
        # file names only: no path of the user's machine in any output
        manifest={"inputs": [Path(p).name for p in inputs]},
    ) as folder:
        folder.write_csv("concentrations.csv", cohort)
        folder.write_csv("samples.csv", _for_reading(samples))
        folder.write_csv("qc.csv", _for_reading(_file_names(_private_qc(res.qc, args.include_ids))))
        folder.write_text("qc_report.html", html)
        for name, data in figures.items():
            folder.write_bytes(name, data)
        folder.write_text("results.json", _results_json(res, samples, cohort, args, unit, merged))
        if merged is not None:
            import pandas as pd

            folder.write(merged.name, merged.write)
            folder.write_csv(
                "merge_unmatched.csv",
                pd.DataFrame(
                    {
                        "id": [*merged.cohort_only, *merged.plates_only],
                        "found_in": ["cohort only"] * len(merged.cohort_only)
                        + ["plates only"] * len(merged.plates_only),
                    }
                ),
            )
    out = folder.path
    print(res.summary(include_ids=args.include_ids))
    n_ok = int((res.qc["status"] == "ok").sum())
    print(
        f"{len(cohort)} sample(s) written to {out / 'concentrations.csv'} ({args.analyte}, {unit}); "
        f"{n_ok}/{len(res.qc)} plate(s) processed; QC in {out / 'qc.csv'} and "
        f"{out / 'qc_report.html'}."
    )
    if merged is not None:
        _print_merge(merged, args, out)
    failed_qc = res.qc[(res.qc["status"] == "ok") & ~res.qc["qc_pass"].astype(bool)]
    if len(failed_qc):
        print(
            f"sarcostat elisa: plate(s) {', '.join(failed_qc['plate'])} failed QC; their samples "
            "are left out of concentrations.csv (see samples.csv).",
            file=sys.stderr,
        )
    if res.failed:
        for r in res.qc[res.qc["status"] == "failed"].itertuples(index=False):
            message = r.message if args.include_ids else withhold_ids(str(r.message))
            print(f"sarcostat elisa: plate {r.plate} not processed: {message}", file=sys.stderr)
        return 1
    return 0


def _for_reading(frame):
    """Concentration columns rounded to 3 significant digits (results.json keeps them all)."""
    from sarcostat.report.format import round_significant
    from sarcostat.report.qc_report import CONCENTRATION_COLUMNS

    out = frame.copy()
    for c in CONCENTRATION_COLUMNS:
        if c in out.columns:
            out[c] = [round_significant(v) for v in out[c]]
    return out


def _records(frame):
    import math

    def cell(v):
        if v is None:
            return None
        if hasattr(v, "item"):
            v = v.item()
        if isinstance(v, float):
            return None if not math.isfinite(v) else v
        if isinstance(v, (bool, int, str)):
            return v
        try:
            import pandas as pd

            if pd.isna(v):
                return None
        except (TypeError, ValueError):
            pass
        return str(v)

    return [{str(k): cell(v) for k, v in rec.items()} for rec in frame.to_dict("records")]


def _results_json(res, samples, cohort, args, unit, merged) -> str:
    """Every number of the run at full precision (the tables round concentrations)."""
    import json

    from sarcostat._version import __version__

    meta = {k: (None if isinstance(v, float) and v != v else v) for k, v in res.meta.items()}
    doc = {
        "sarcostat_version": __version__,
        "command": "elisa",
        "analyte": args.analyte,
        "unit": unit,
        "meta": meta,
        "qc": _records(_file_names(_private_qc(res.qc, args.include_ids))),
        "verdicts": _records(res.verdicts),
        "standards": _records(res.standards),
        "controls": _records(res.controls),
        # results.json is a results file, not a per-participant one: sample ids
        # are withheld unless --include-ids (samples.csv and concentrations.csv
        # keep them; the rows here are in the same order).
        "samples": _records(_no_ids(samples, args.include_ids)),
        "flagged_wells": _records(_no_ids(res.flagged_wells(), args.include_ids, "sample")),
        "inter_assay": _records(res.inter_assay),
        "concentrations": _records(_no_ids(cohort, args.include_ids)),
        "notes": list(res.notes) if args.include_ids else _stripped(res.notes),
        "merge": None if merged is None else merged.summary(),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _no_ids(frame, include_ids: bool, only_type: str | None = None):
    """``frame`` with its participant-id columns withheld: ``id``/``sample_id``
    replaced by the row's place in the table ("sample 3", the same row of
    samples.csv / concentrations.csv), and id mentions removed from text
    columns. With ``only_type``, only the ids of rows of that ``type`` are
    withheld ("(id withheld)"; flagged standards and controls keep their names)."""
    from sarcostat.report.output import withhold_ids

    if include_ids:
        return frame
    out = frame.copy()
    rows = (
        (out["type"] == only_type).to_numpy()
        if only_type is not None and "type" in out.columns
        else None
    )
    for col in ("id", "sample_id"):
        if col in out.columns:
            if rows is None:
                out[col] = [f"sample {k + 1}" for k in range(len(out))]
            else:
                out[col] = out[col].where(~rows, "(id withheld)")
    for col in out.columns:
        if out[col].dtype == object and col not in ("id", "sample_id"):
            out[col] = out[col].map(lambda v: withhold_ids(v) if isinstance(v, str) else v)
    return out


def _stripped(notes):
    from sarcostat.io.privacy import strip_id_mentions

    return [strip_id_mentions(n) for n in notes]


def _print_merge(merged, args, out) -> None:
    from sarcostat.io.privacy import mention_ids

    col = merged.columns[0]
    print(
        f"Merged {col} into {out / merged.name}"
        + (" (the existing column replaced)" if merged.replaced else "")
        + f": {merged.n_values} of {merged.n_rows} cohort rows got a value"
        + (f" ({merged.n_censored} censored below the limit)" if merged.n_censored else "")
        + "."
    )
    ids = args.include_ids
    a, b = len(merged.cohort_only), len(merged.plates_only)
    print(
        f"Unmatched ids: {a} in the cohort but not on the plates"
        + (f" {mention_ids(merged.cohort_only)}" if ids and a else "")
        + f"; {b} on the plates but not in the cohort"
        + (f" {mention_ids(merged.plates_only)}" if ids and b else "")
        + (f" (listed in {out / 'merge_unmatched.csv'})." if a or b else ".")
    )
    if merged.n_no_id:
        print(f"{merged.n_no_id} cohort row(s) without an id were left empty.")


def _file_names(qc):
    """``source`` as the plate file's name (no folder of the user's machine)."""
    from pathlib import Path

    out = qc.copy()
    out["source"] = [s if not isinstance(s, str) else Path(s).name for s in out["source"]]
    return out


def _private_qc(qc, include_ids: bool):
    """qc.csv is one row per plate, not per sample: a failed plate's message
    names its sample through the id marker, withheld unless --include-ids."""
    from sarcostat.report.output import withhold_ids

    if include_ids or "message" not in qc.columns:
        return qc
    qc = qc.copy()
    qc["message"] = qc["message"].map(withhold_ids, na_action="ignore")
    return qc


def _check_analyte_name(name: str) -> None:
    """The analyte names a column of every output and part of a file name, so it
    must be a plain name: a letter first, then letters, digits, '_', '.' or '-'
    (IL-6, sost_pg.ml). That also keeps a formula ('=cmd|...') out of CSV/XLSX headers."""
    import re

    from sarcostat.exceptions import ParameterError

    if not re.fullmatch(r"[^\W\d_][\w.\-]{0,63}", name or ""):
        raise ParameterError(
            f"--analyte {name!r} is not a column name: use a letter first, then letters, "
            "digits, '_', '.' or '-' (at most 64 characters), e.g. --analyte il6 or IL-6."
        )
