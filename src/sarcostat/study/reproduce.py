"""Side by side: the seed paper's published numbers and the reproduced ones.

`compare_with_seed` lines up every number of ``seed_tables.json``
(shipped with the package) with the same quantity computed by
`analyze` and judges, per number, whether it is
reproduced within tolerance and whether direction and significance at 0.05
agree.

Tolerances (stated in the output):

- counts: exact;
- means, SDs, percentages: the reproduced value rounds to the printed one
  (within half a unit of the last printed decimal, plus 1e-9);
- standardized β: ±0.05 (the calibration target of the demo cohort);
- odds ratios and CI limits: within 10% (|log ratio| ≤ 0.1);
- P values: "<0.001" is met by any P < 0.001; otherwise
  |difference| ≤ max(0.005, 25% of the published P).

The first two rules are "within rounding of the printed value"; the last
three are stated tolerances, because β, OR and P of a re-simulated cohort
cannot be expected to round to the printed digits.

Each number is also labelled by ``target``:

- ``calibrated``: the demo cohort was built to match it
  (`sarcostat.datasets.simulate.calibration_targets`: group sizes,
  sex counts, Table 1 means and SDs, sclerostin by group, unadjusted β);
- ``not calibrated``: it follows from the synthetic data (adjusted
  estimates, P values, P for trend, odds ratios), so a miss says the
  synthetic cohort differs from the real one, not that a method is wrong;
- ``ruled out by the paper``: the paper's own other numbers make the
  printed value impossible (the ASM means and SDs, which exceed what the
  printed SMI and height allow; any printed P that no candidate test gives
  from the printed inputs); ``note`` says why.

``note`` also carries the verdict of ``sarcostat check-table`` on printed P
values that fit only some tests (the sex P of 0.245 fits only a one-sided
Fisher's exact test; the chair-stand and SPPB P values fit only Welch's t
test), which explains misses the default plan cannot avoid.

Direction and significance are judged once per comparison: direction on
the P row of each Table 1 variable and of Fig. 1, on the β row of Table 2
and the OR row of Table 3; significance on each P row.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import pandas as pd

ALPHA = 0.05

_T1 = {
    "age_yr": "age_yr",
    "weight_kg": "weight_kg",
    "height_cm": "height_cm",
    "bmi_kg_m2": "bmi",
    "asm_kg": "asm_kg",
    "smi_kg_m2": "smi",
    "grip_kg": "grip_kg",
    "gait_speed_m_s": "gait_speed_m_s",
    "chair_stand_s": "chair_stand_5x_s",
    "sppb_total": "sppb_total",
    "sps": "sps",
}
_T2 = {
    "asm": "asm_kg",
    "smi": "smi",
    "grip": "grip_kg",
    "gait_speed": "gait_speed_m_s",
    "chair_stand": "chair_stand_5x_s",
    "sppb": "sppb_total",
    "sps": "sps",
}
_T3 = {
    "sarcopenia": "sarcopenia",
    "low_muscle_mass": "low_muscle_mass",
    "weak_muscle_strength": "low_strength",
    "poor_physical_performance": "low_performance",
}
_MODEL = {
    "unadj": "unadjusted",
    "adj": "adjusted",
    "unadjusted": "unadjusted",
    "adjusted": "adjusted",
}

COLUMNS = [
    "item",
    "kind",
    "published",
    "published_value",
    "reproduced",
    "difference",
    "within_tolerance",
    "direction_agrees",
    "significance_agrees",
    "target",
    "note",
]

CALIBRATED, NOT_CALIBRATED, RULED_OUT = "calibrated", "not calibrated", "ruled out by the paper"


def load_seed_tables() -> dict:
    """The seed paper's numbers as shipped in ``sarcostat/datasets/seed_tables.json``."""
    text = resources.files("sarcostat.datasets").joinpath("seed_tables.json").read_text("utf-8")
    return json.loads(text)


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _num(published) -> tuple[float, str]:
    """(value, printed text) of a published number; "<0.001" -> (0.001, "<0.001")."""
    if isinstance(published, str):
        return float(published.lstrip("<>")), published
    return float(published), repr(published) if isinstance(published, float) else str(published)


def _p_within(pub, rep) -> bool:
    value, text = _num(pub)
    if text.startswith("<"):
        return rep < value
    return abs(rep - value) <= max(0.005, 0.25 * value)


def _sig(pub) -> bool:
    value, text = _num(pub)
    return value < ALPHA if not text.startswith("<") else True


class _Rows:
    def __init__(self):
        self.rows: list[dict] = []

    def add(self, item, kind, pub, rep, *, direction=None, significance=None):
        value, text = _num(pub)
        rep = float(rep) if rep is not None else math.nan
        if math.isnan(rep):
            within = False
        elif kind == "count":
            within = round(rep) == value
        elif kind in ("mean", "sd", "pct"):
            within = abs(rep - value) <= 0.5 * 10 ** -_decimals(text) + 1e-9
        elif kind == "beta":
            within = abs(rep - value) <= 0.05
        elif kind == "or":
            within = rep > 0 and abs(math.log(rep / value)) <= 0.1
        elif kind == "p":
            within = _p_within(pub, rep)
        else:  # pragma: no cover - programming error
            raise ValueError(kind)
        if kind == "p" and significance is None and not math.isnan(rep):
            significance = _sig(pub) == (rep < ALPHA)
        self.rows.append(
            {
                "item": item,
                "kind": kind,
                "published": text,
                "published_value": value,
                "reproduced": rep,
                "difference": rep - value,
                "within_tolerance": within,
                "direction_agrees": direction,
                "significance_agrees": significance,
            }
        )


def _same_sign(a, b) -> bool | None:
    if a is None or b is None or any(math.isnan(float(x)) for x in (a, b)):
        return None
    return (a > 0) == (b > 0)


def compare_with_seed(result, seed: dict | None = None) -> pd.DataFrame:
    """One row per published number, with the reproduced value and the verdicts.

    Parameters
    ----------
    result : StudyResult
        The default plan run on the demo cohort (any cohort works; the
        comparison is then merely descriptive).
    seed : dict, optional
        Published numbers (default: `load_seed_tables`).

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` (e.g. ``table2/smi/adjusted/beta``), ``kind``
        (count, mean, sd, pct, beta, or, p), ``published`` (as printed),
        ``published_value``, ``reproduced``, ``difference``,
        ``within_tolerance``, ``direction_agrees`` and ``significance_agrees``
        (None where not applicable).
    """
    seed = load_seed_tables() if seed is None else seed
    out = _Rows()
    c = result.cohort
    out.add("cohort/n_total", "count", seed["n_total"], c["n"])
    out.add("cohort/n_sarcopenia", "count", seed["n_sarcopenia"], c["n_group"])
    out.add("cohort/mean_age", "mean", seed["mean_age"], c["age_mean"])
    out.add("cohort/men/n", "count", seed["men"]["n"], c["n_male"])
    out.add("cohort/men/pct", "pct", seed["men"]["pct"], c["pct_male"])

    t1 = result.frames["table1"]
    sex = seed["table1"]["categorical"]["sex"]
    for level, word in (("male", "men"), ("female", "women")):
        row = t1[(t1["variable"] == "sex") & (t1["level"] == level)]
        for grp, col in (("sarc", "with"), ("nosarc", "without")):
            count, pct = sex[grp][word]
            out.add(
                f"table1/sex/{word}/{grp}/n",
                "count",
                count,
                row[f"count_{col}"].iloc[0] if len(row) else None,
            )
            out.add(
                f"table1/sex/{word}/{grp}/pct",
                "pct",
                pct,
                row[f"pct_{col}"].iloc[0] if len(row) else None,
            )
    row = t1[t1["variable"] == "sex"]
    out.add("table1/sex/p", "p", sex["p"], row["p_value"].iloc[0] if len(row) else None)
    for key, var in _T1.items():
        pub = seed["table1"]["continuous"][key]
        row = t1[(t1["variable"] == var)]
        r = row.iloc[0] if len(row) else None
        rep_diff = None if r is None else r["mean_with"] - r["mean_without"]
        direction = _same_sign(pub["sarc"][0] - pub["nosarc"][0], rep_diff)
        for grp, col in (("sarc", "with"), ("nosarc", "without")):
            out.add(
                f"table1/{var}/{grp}/mean",
                "mean",
                pub[grp][0],
                None if r is None else r[f"mean_{col}"],
            )
            out.add(
                f"table1/{var}/{grp}/sd", "sd", pub[grp][1], None if r is None else r[f"sd_{col}"]
            )
        out.add(
            f"table1/{var}/p",
            "p",
            pub["p"],
            None if r is None else r["p_value"],
            direction=direction,
        )

    f1 = result.frames["fig1"]
    pub = seed["figure1_unadjusted_sclerostin_by_sarcopenia"]
    sub = f1[(f1["status"] == "sarcopenia") & (f1["model"] == "unadjusted")].set_index("level")
    sub_adj = f1[(f1["status"] == "sarcopenia") & (f1["model"] == "adjusted")]
    ok = {"with", "without"} <= set(sub.index)
    direction = _same_sign(
        pub["sarc"][0] - pub["nosarc"][0],
        sub.at["with", "mean"] - sub.at["without", "mean"] if ok else None,
    )
    for grp, lvl in (("sarc", "with"), ("nosarc", "without")):
        out.add(
            f"fig1/sarcopenia/{grp}/mean", "mean", pub[grp][0], sub.at[lvl, "mean"] if ok else None
        )
        out.add(f"fig1/sarcopenia/{grp}/sd", "sd", pub[grp][1], sub.at[lvl, "sd"] if ok else None)
    out.add(
        "fig1/sarcopenia/unadjusted/p",
        "p",
        pub["p"],
        sub["p_value"].iloc[0] if len(sub) else None,
        direction=direction,
    )
    out.add(
        "fig1/sarcopenia/adjusted/p",
        "p",
        pub["adjusted_p"],
        sub_adj["p_value"].iloc[0] if len(sub_adj) else None,
    )

    t2 = result.frames["table2"]
    for key, var in _T2.items():
        for mkey in ("unadj", "adj"):
            beta, p = seed["table2_standardized_beta"][key][mkey]
            row = t2[(t2["outcome"] == var) & (t2["model"] == _MODEL[mkey])]
            rb = row["std_beta"].iloc[0] if len(row) else None
            rp = row["p_value"].iloc[0] if len(row) else None
            out.add(
                f"table2/{var}/{_MODEL[mkey]}/beta",
                "beta",
                beta,
                rb,
                direction=_same_sign(beta, rb),
            )
            out.add(f"table2/{var}/{_MODEL[mkey]}/p", "p", p, rp)

    f2 = result.frames["fig2"]
    for mkey, items in seed["figure2_p_for_trend"].items():
        if mkey not in _MODEL:
            continue
        for key, p in items.items():
            var = _T2.get(key, key)
            row = f2[(f2["outcome"] == var) & (f2["model"] == _MODEL[mkey])]
            out.add(
                f"fig2/{var}/{_MODEL[mkey]}/p_trend",
                "p",
                p,
                row["p_trend"].iloc[0] if len(row) else None,
            )

    t3 = result.frames["table3"]
    for key, var in _T3.items():
        for mkey in ("unadj", "adj"):
            odds, lo, hi, p = seed["table3_or_per_sd"][key][mkey]
            row = t3[(t3["outcome"] == var) & (t3["model"] == _MODEL[mkey])]
            r = row.iloc[0] if len(row) else None
            direction = None if r is None else _same_sign(math.log(odds), math.log(r["odds_ratio"]))
            base = f"table3/{var}/{_MODEL[mkey]}"
            # Significance is judged on the P row (Wald P and CI agree).
            out.add(
                f"{base}/or",
                "or",
                odds,
                None if r is None else r["odds_ratio"],
                direction=direction,
            )
            out.add(f"{base}/ci_lower", "or", lo, None if r is None else r["or_ci_lower"])
            out.add(f"{base}/ci_upper", "or", hi, None if r is None else r["or_ci_upper"])
            out.add(f"{base}/p", "p", p, None if r is None else r["p_value"])
    df = pd.DataFrame(out.rows, columns=COLUMNS[:-2])
    for col in ("direction_agrees", "significance_agrees"):
        df[col] = df[col].astype("boolean")
    calibrated = _calibrated_items()
    ruled_p, remarks = _printed_value_checks(seed)
    ruled_out = {**_asm_ruled_out(), **ruled_p}
    df["target"] = [
        RULED_OUT
        if i in ruled_out
        else CALIBRATED
        if i in calibrated or k in ("count", "pct")
        else NOT_CALIBRATED
        for i, k in zip(df["item"], df["kind"])
    ]
    df["note"] = [ruled_out.get(i) or remarks.get(i, "") for i in df["item"]]
    return df


def _calibration_item(row) -> str | None:
    """The comparison item of one row of ``calibration_targets()``."""
    if row.kind == "correlation":
        return f"table2/{row.column}/unadjusted/beta"
    if row.kind in ("mean", "sd") and row.group in ("sarc", "nosarc"):
        if row.column == "sclerostin":
            return f"fig1/sarcopenia/{row.group}/{row.kind}"
        return f"table1/{row.column}/{row.group}/{row.kind}"
    if row.kind == "mean" and row.column == "age_yr":
        return "cohort/mean_age"
    return None  # counts: every count and percentage is calibrated (see compare_with_seed)


def _calibration_targets():
    from sarcostat.datasets.simulate import calibration_targets

    return calibration_targets()


def _calibrated_items() -> set[str]:
    return {
        item
        for row in _calibration_targets().itertuples()
        if (item := _calibration_item(row)) is not None
    }


def _asm_ruled_out() -> dict[str, str]:
    """Printed ASM moments that the printed SMI and height make impossible.

    The bound is computed by the simulator from the paper's numbers
    (`sarcostat.datasets.simulate.max_mean_asm`); see
    ``datasets/demo_cohort.md``.
    """
    tg = _calibration_targets()
    return {
        _calibration_item(row): row.note
        for row in tg[~tg["reachable"]].itertuples()
        if _calibration_item(row) is not None
    }


def _printed_value_checks(seed: dict) -> tuple[dict[str, str], dict[str, str]]:
    """(ruled out, remarks): verdicts of ``sarcostat check-table`` on the paper's numbers.

    Each printed P is recomputed from the printed inputs with every test the
    paper could have used (`check_published_tables`).
    A P that fits no test (or a mean of an integer score that fails GRIM)
    is ruled out; one that fits only a one-sided test, only Welch's, or only
    with fewer participants gets a remark, since the default plan cannot
    reproduce what another test gave.
    """
    from sarcostat.exceptions import SarcostatError
    from sarcostat.study.check_table import check_published_tables

    try:
        summary = check_published_tables(seed).summary
    except SarcostatError:
        # A seed dictionary without the sections the checker needs: no verdicts.
        return {}, {}
    ruled, remarks = {}, {}
    for r in summary.itertuples():
        if r.verdict == "fits":
            continue
        item = _check_table_item(r.section, r.item)
        if item is None:
            continue
        text = f"printed value {r.verdict}: {r.explanation}"
        (ruled if r.verdict in ("fits no test", "GRIM inconsistent") else remarks)[item] = text
    return ruled, remarks


def _check_table_item(section: str, item: str) -> str | None:
    """The comparison item of one row of the check-table summary."""
    if section == "Table 1":
        return f"table1/{'sex' if item == 'sex' else _T1.get(item, item)}/p"
    if section == "Figure 1":
        return "fig1/sarcopenia/unadjusted/p"
    if section.startswith("Table 2") and item in _T2:
        return f"table2/{_T2[item]}/unadjusted/p"
    if section.startswith("Table 3") and item in _T3:
        model = "adjusted" if "(adjusted)" in section else "unadjusted"
        return f"table3/{_T3[item]}/{model}/p"
    if section == "GRIM" and " (" in item:
        var, grp = item[:-1].split(" (")
        return f"table1/{_T1.get(var, var)}/{grp}/mean"
    return None


def summary_line(table: pd.DataFrame) -> str:
    """ "113 of 141 numbers reproduced within tolerance (...); ..." for the terminal and page.

    The count is split by ``target`` when the table has that column, so a
    reader sees at once that misses among non-calibrated numbers and among
    numbers the paper rules out mean something different.
    """
    n = len(table)
    k = int(table["within_tolerance"].sum())
    d = table["direction_agrees"].dropna()
    s = table["significance_agrees"].dropna()
    parts = []
    if "target" in table:
        for label, what in (
            (CALIBRATED, "calibration targets of the demo cohort"),
            (NOT_CALIBRATED, "numbers not calibrated"),
            (RULED_OUT, "printed numbers that the paper's other numbers rule out"),
        ):
            sub = table[table["target"] == label]
            if len(sub):
                parts.append(f"{int(sub['within_tolerance'].sum())} of {len(sub)} {what}")
    split = f" ({'; '.join(parts)})" if parts else ""
    return (
        f"{k} of {n} numbers reproduced within tolerance{split}; direction agrees for "
        f"{int(d.sum())} of {len(d)} comparisons, significance at 0.05 for "
        f"{int(s.sum())} of {len(s)} P values."
    )
