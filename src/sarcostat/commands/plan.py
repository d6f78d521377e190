"""``sarcostat plan``: write out or check an analysis plan."""

from __future__ import annotations

from sarcostat.commands import add_read_options

NAME = "plan"
HELP = "write the default analysis plan (--init) or check a plan file (--check)"
ORDER = 30
DESCRIPTION = (
    "Write the built-in default analysis plan (the seed study: AWGS 2019, covariates age, "
    "sex and BMI, Tables 1-3 and Figures 1-2) as a commented TOML file to edit, or check a "
    "plan file for unknown keys and options. Columns are checked against the cohort by "
    "'sarcostat analyze'. '--init FILE --template frailty' writes the packaged plan of the "
    "follow-up frailty study (sclerostin and frailty, osteosarcopenia) instead."
)


def add_arguments(parser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument(
        "--init",
        metavar="PLAN.toml",
        help="write the default plan with comments to this file ('-' = stdout)",
    )
    group.add_argument("--check", metavar="PLAN.toml", help="validate a plan file")
    parser.add_argument(
        "--template",
        choices=("seed", "frailty"),
        default="seed",
        help="which built-in plan --init writes: the founding study's (seed, default) or the "
        "frailty study's (frailty: Fried phenotype, frailty index, osteosarcopenia)",
    )
    parser.add_argument(
        "--force",
        "--overwrite",
        dest="force",
        action="store_true",
        help="replace an existing file with --init",
    )
    add_read_options(parser, table=False)


def run(args) -> int:
    from sarcostat.report.output import write_text
    from sarcostat.study.plan import Plan, load_plan

    if args.template != "seed" and not args.init:
        from sarcostat.exceptions import ParameterError

        raise ParameterError("--template is used with --init (it chooses the plan written).")
    if args.init:
        if args.template == "frailty":
            from sarcostat.study.plan import frailty_plan_path

            text = frailty_plan_path().read_text(encoding="utf-8")
        else:
            text = Plan().to_toml()
        if args.init == "-":
            print(text, end="")
            return 0
        path = write_text(
            args.init,
            text,
            command=NAME,
            overwrite=args.force,
            option="--init",
            overwrite_flag="--force",
        )
        which = "the frailty study's" if args.template == "frailty" else "the default"
        print(f"wrote {which} analysis plan to {path}")
        return 0
    plan = load_plan(args.check, encoding=args.encoding)
    changed = [
        f"[{s}] {k} = {v!r}"
        for s, keys in plan.to_dict().items()
        for k, v in keys.items()
        if Plan().to_dict()[s][k] != v
    ]
    print(
        f"{args.check}: valid plan"
        + (
            f"; differs from the default in: {'; '.join(changed)}"
            if changed
            else "; identical to the default"
        )
    )
    return 0
