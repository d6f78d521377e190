"""``sarcostat simulate``: write a synthetic participant-level cohort (CSV)."""

from __future__ import annotations

NAME = "simulate"
HELP = "write a SYNTHETIC cohort like the seed study (calibrated at n=129, default seed)"
ORDER = 80
DESCRIPTION = (
    "Simulate participant-level raw measurements (sex, age, height, weight, ASM by BIA, two "
    "grip trials, SPPB balance holds, 4-m gait time, 5x chair stand time or 'unable', serum "
    "sclerostin in pmol/L) from the generative model of sarcostat.datasets.simulate. With the "
    "default --n 129 and --seed 2021 the cohort is calibrated to the seed paper's Tables 1-2 "
    "and equals the bundled demo cohort; other values give uncalibrated draws from the same "
    "model. With --frailty the Fried and FRAIL items, an illness count, three DXA T-scores and "
    "36 frailty-index deficits (fi_01..fi_36) are added (synthetic, loosely calibrated to the "
    "2024 frailty study). Every value is synthetic. A column map (.toml) declaring sclerostin's unit is "
    "written beside the CSV."
)


def add_arguments(parser) -> None:
    parser.add_argument(
        "--n", type=int, default=129, metavar="N", help="participants (default 129)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        metavar="S",
        help="random seed (default 2021, the demo cohort's)",
    )
    parser.add_argument(
        "--no-calibrate",
        action="store_true",
        help="skip the calibration step even at n=129 with the default seed",
    )
    parser.add_argument(
        "--frailty",
        action="store_true",
        help="also simulate frailty, frailty-index (fi_01..fi_36) and bone (T-score) inputs",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="COHORT.csv",
        required=True,
        help="CSV file to write (refused if it exists, unless --force)",
    )
    parser.add_argument(
        "--force",
        "--overwrite",
        dest="force",
        action="store_true",
        help="replace an existing CSV and map (never an input file)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines")


def run(args) -> int:
    import sys
    from pathlib import Path

    from sarcostat.datasets import demo_mapping_path
    from sarcostat.datasets.simulate import DEFAULT_SEED, simulate_cohort
    from sarcostat.exceptions import ParameterError
    from sarcostat.progress import progress_bar
    from sarcostat.report.output import check_output_file, write_csv, write_text

    out = Path(args.output)
    if out.suffix.lower() != ".csv":
        raise ParameterError(
            f"The '-o' option of simulate must name a .csv file. Got {str(out)!r} instead."
        )
    mapping = out.with_suffix(".toml")
    out_opts = dict(command=NAME, overwrite=args.force, overwrite_flag="--force")
    for p in (out, mapping):
        check_output_file(p, **out_opts)
    from sarcostat.datasets.simulate import (
        SIMULATE_BYTES_PER_PARTICIPANT,
        check_memory,
        max_participants,
    )

    # The whole cohort is drawn at once (one random stream, so a seed always
    # gives the same table): refuse a size that cannot fit before drawing it.
    most = max_participants(SIMULATE_BYTES_PER_PARTICIPANT)
    check_memory(
        args.n * SIMULATE_BYTES_PER_PARTICIPANT,
        what=f"simulate --n {args.n}: drawing and writing {args.n:,} participants",
        advice=f"Use --n up to about {most:,}." if most else "Use a smaller --n.",
    )
    seed = DEFAULT_SEED if args.seed is None else args.seed
    calibrate = None if not args.no_calibrate else False
    if calibrate is None and args.n == 129 and seed == DEFAULT_SEED and not args.quiet:
        print("calibrating to the seed paper (about a minute)...", file=sys.stderr)
    # A bar over the two long steps (drawing, writing the CSV), on a terminal
    # only and not with -q (sarcostat.progress).
    with progress_bar(total=2, desc="simulate", unit="step") as bar:
        df = simulate_cohort(args.n, seed=seed, calibrate=calibrate, frailty=args.frailty)
        bar.update(1)
        write_csv(out, df, **out_opts)
        bar.update(1)
    # The demo map's settings, under a header that names this file: read with
    # --map so that sclerostin gets its unit and every report says SYNTHETIC.
    body = demo_mapping_path().read_text(encoding="utf-8")
    body = body[body.index("[biomarkers]") :]
    calibrated = calibrate is None and args.n == 129 and seed == DEFAULT_SEED
    write_text(
        mapping,
        f"# Column map of {out.name}, written by 'sarcostat simulate' (n={args.n}, seed {seed}"
        f"{', calibrated to the seed paper' if calibrated else ''}).\n"
        "# SYNTHETIC DATA: every value in the CSV was simulated; 'synthetic = true' makes every\n"
        "# report built from it say so.\n\n" + body,
        **out_opts,
    )
    print(f"wrote {out} ({len(df)} SYNTHETIC participants, seed {seed}) and column map {mapping}")
    print(f"analyze it with: sarcostat analyze {out} --map {mapping}")
    return 0
