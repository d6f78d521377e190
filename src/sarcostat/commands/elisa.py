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
    "OUTDIR/samples.csv (every sample with flags), OUTDIR/qc.csv (one row per plate) and "
    "OUTDIR/qc_report.html. A plate that cannot be processed is reported and skipped; the "
    "exit code is then 1."
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
    add_read_options(parser, table=False)


def run(args) -> int:
    from pathlib import Path

    from sarcostat.assay import quantify, read_plates
    from sarcostat.assay.units import convert_units
    from sarcostat.exceptions import ParameterError
    from sarcostat.io.readers import check_encoding
    from sarcostat.report.output import OutputFolder, check_output_folder, withhold_ids
    from sarcostat.report.qc_report import render_qc_report

    check_encoding(args.encoding, function="elisa")
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
    inputs = [*args.plates, *layouts]
    # Checked before reading, so the user hears about a bad -o first.
    check_output_folder(args.outdir, command=NAME, inputs=inputs, overwrite=args.overwrite)
    plates = read_plates(
        args.plates,
        layout=layouts if len(layouts) > 1 else layouts[0],
        wavelength=args.wavelength,
        reference=args.reference,
        encoding=args.encoding,
    )
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
    cohort = res.to_cohort_frame(args.analyte, censor=args.censor, to_unit=args.to_unit, mw=args.mw)
    with OutputFolder(
        args.outdir,
        command=NAME,
        inputs=inputs,
        overwrite=args.overwrite,
        manifest={"inputs": [str(Path(p)) for p in inputs]},
    ) as folder:
        folder.write_csv("concentrations.csv", cohort)
        folder.write_csv("samples.csv", res.samples_in(args.to_unit, mw=args.mw))
        folder.write_csv("qc.csv", _private_qc(res.qc, args.include_ids))
        folder.write_text(
            "qc_report.html",
            render_qc_report(res, analyte=args.analyte, include_ids=args.include_ids),
        )
    out = folder.path
    print(res.summary(include_ids=args.include_ids))
    n_ok = int((res.qc["status"] == "ok").sum())
    print(
        f"{len(cohort)} sample(s) written to {out / 'concentrations.csv'} ({args.analyte}, {unit}); "
        f"{n_ok}/{len(res.qc)} plate(s) processed; QC in {out / 'qc.csv'} and "
        f"{out / 'qc_report.html'}."
    )
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


def _private_qc(qc, include_ids: bool):
    """qc.csv is one row per plate, not per sample: a failed plate's message
    names its sample through the id marker, withheld unless --include-ids."""
    from sarcostat.report.output import withhold_ids

    if include_ids or "message" not in qc.columns:
        return qc
    qc = qc.copy()
    qc["message"] = qc["message"].map(withhold_ids, na_action="ignore")
    return qc
