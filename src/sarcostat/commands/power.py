"""``sarcostat power``: simulated power of the plan's main tests."""

from __future__ import annotations

NAME = "power"
HELP = "simulated power of the main tests of the plan, and the n for 80%% power"
ORDER = 86
DESCRIPTION = (
    "Simulate studies of N participants from the cohort simulator's generative model (the "
    "model calibrated to the seed study) with the given effect, derive sarcopenia by AWGS "
    "2019, and report for each main test of the default plan (unadjusted t test by sarcopenia; adjusted "
    "ANCOVA and OR per SD for the four statuses; adjusted beta and P for trend for the "
    "seven outcomes) the share of studies with P < alpha, its Monte Carlo SE and the n "
    "for 80% power with its Monte Carlo interval. --or 1 or --beta 0 is the null. "
    "Seeded and reproducible; the progress bar (stderr) is silenced by -q."
)


def add_arguments(parser) -> None:
    parser.add_argument("--n", type=int, required=True, metavar="N", help="participants per study")
    effect = parser.add_mutually_exclusive_group()
    effect.add_argument(
        "--or",
        type=float,
        dest="odds_ratio",
        metavar="OR",
        help="adjusted OR per SD of sclerostin for sarcopenia (1 = null)",
    )
    effect.add_argument(
        "--beta",
        type=float,
        metavar="BETA",
        help="adjusted standardized beta of sclerostin for SMI (0 = null)",
    )
    parser.add_argument(
        "--sims", type=int, default=1000, metavar="K", help="simulated studies per n (default 1000)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    parser.add_argument("--alpha", type=float, default=0.05, help="two-sided alpha (default 0.05)")
    parser.add_argument(
        "--no-search", action="store_true", help="skip the search for the n for 80%% power"
    )
    parser.add_argument(
        "--tests",
        metavar="NAMES",
        help="comma-separated tests (default: all); e.g. ttest,beta:smi,or:sarcopenia, "
        "or a family: ancova, beta, trend, or",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.csv|OUT.json",
        help="also write the results (an existing file is replaced only with --overwrite)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing output file (never an input file)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def run(args) -> int:
    import json
    import math
    from pathlib import Path

    from sarcostat.exceptions import ParameterError
    from sarcostat.report.output import check_output_file, write_csv, write_text
    from sarcostat.study.power import simulate_power

    if args.output is not None and Path(args.output).suffix.lower() not in (".csv", ".json"):
        raise ParameterError(
            f"The '-o' option of power must end in .csv or .json. Got {args.output!r} instead."
        )
    out_opts = dict(command=NAME, overwrite=args.overwrite)
    if args.output is not None:
        check_output_file(args.output, **out_opts)
    from sarcostat.study.power import TESTS

    tests = TESTS
    if args.tests:
        tests = []
        for name in (t.strip() for t in args.tests.split(",") if t.strip()):
            family = [t for t in TESTS if t.split(":")[0] == name]
            tests += family if family and name != "ttest" else [name]
    res = simulate_power(
        args.n,
        odds_ratio=args.odds_ratio,
        beta=args.beta,
        sims=args.sims,
        seed=args.seed,
        alpha=args.alpha,
        search=not args.no_search,
        progress=not args.quiet,
        tests=tuple(dict.fromkeys(tests)),
    )
    print(
        f"Simulated power at n = {args.n} ({args.sims} studies, seed {args.seed}; SYNTHETIC data)"
    )
    print(f"{'test':<56} {'power':>7} {'MC SE':>7} {'n for 80% (95% MC interval)':>28}")
    for r in res.table.itertuples():

        def num(x):
            return "?" if math.isnan(x) else f"{int(x)}"

        if not math.isnan(r.n_80):
            n80 = (
                f"{int(r.n_80)}{'*' if r.n_80_extrapolated else ''} "
                f"({num(r.n_80_lower)}-{num(r.n_80_upper)})"
            )
        elif math.isnan(r.n_80_upper) and not math.isnan(r.n_80_lower):
            n80 = f"> {int(r.n_80_lower)} (not reached)"
        elif not (math.isnan(r.n_80_lower) and math.isnan(r.n_80_upper)):
            n80 = f"between {num(r.n_80_lower)} and {num(r.n_80_upper)}"
        else:
            n80 = "-"
        print(f"{r.label:<56} {r.power:7.3f} {r.mc_se:7.3f} {n80:>28}")
    if res.table["n_80_extrapolated"].any():
        print(
            "* extrapolated beyond the simulated n; rerun with --n near it for a direct estimate."
        )
    for note in res.notes:
        print(f"Note: {note}")
    if args.output is not None:
        out = Path(args.output)
        if out.suffix.lower() == ".csv":
            write_csv(out, res.table, **out_opts)
        else:
            write_text(
                out,
                json.dumps(
                    {
                        "power": res.table.to_dict(orient="records"),
                        "curve": res.curve.to_dict(orient="records"),
                        "notes": list(res.notes),
                        "meta": res.meta,
                    },
                    indent=2,
                    default=float,
                ),
                **out_opts,
            )
        print(f"wrote {out}")
    return 0
