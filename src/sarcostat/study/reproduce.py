"""Side by side: the seed paper's published numbers and the reproduced ones.

:func:`compare_with_seed` lines up every number of ``seed_tables.json``
(shipped with the package) with the same quantity computed by
:func:`~sarcostat.study.run.analyze` and judges, per number, whether it is
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
"""

from __future__ import annotations

import json
import math
from importlib import resources

import pandas as pd

ALPHA = 0.05

_T1 = {"age_yr": "age_yr", "weight_kg": "weight_kg", "height_cm": "height_cm",
       "bmi_kg_m2": "bmi", "asm_kg": "asm_kg", "smi_kg_m2": "smi", "grip_kg": "grip_kg",
       "gait_speed_m_s": "gait_speed_m_s", "chair_stand_s": "chair_stand_5x_s",
       "sppb_total": "sppb_total", "sps": "sps"}
_T2 = {"asm": "asm_kg", "smi": "smi", "grip": "grip_kg", "gait_speed": "gait_speed_m_s",
       "chair_stand": "chair_stand_5x_s", "sppb": "sppb_total", "sps": "sps"}
_T3 = {"sarcopenia": "sarcopenia", "low_muscle_mass": "low_muscle_mass",
       "weak_muscle_strength": "low_strength", "poor_physical_performance": "low_performance"}
_MODEL = {"unadj": "unadjusted", "adj": "adjusted", "unadjusted": "unadjusted",
          "adjusted": "adjusted"}

COLUMNS = ["item", "kind", "published", "published_value", "reproduced", "difference",
           "within_tolerance", "direction_agrees", "significance_agrees"]


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
        self.rows.append({"item": item, "kind": kind, "published": text, "published_value": value,
                          "reproduced": rep, "difference": rep - value, "within_tolerance": within,
                          "direction_agrees": direction, "significance_agrees": significance})


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
        Published numbers (default: :func:`load_seed_tables`).

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
            out.add(f"table1/sex/{word}/{grp}/n", "count", count,
                    row[f"count_{col}"].iloc[0] if len(row) else None)
            out.add(f"table1/sex/{word}/{grp}/pct", "pct", pct,
                    row[f"pct_{col}"].iloc[0] if len(row) else None)
    row = t1[t1["variable"] == "sex"]
    out.add("table1/sex/p", "p", sex["p"], row["p_value"].iloc[0] if len(row) else None)
    for key, var in _T1.items():
        pub = seed["table1"]["continuous"][key]
        row = t1[(t1["variable"] == var)]
        r = row.iloc[0] if len(row) else None
        rep_diff = None if r is None else r["mean_with"] - r["mean_without"]
        direction = _same_sign(pub["sarc"][0] - pub["nosarc"][0], rep_diff)
        for grp, col in (("sarc", "with"), ("nosarc", "without")):
            out.add(f"table1/{var}/{grp}/mean", "mean", pub[grp][0],
                    None if r is None else r[f"mean_{col}"], direction=direction)
            out.add(f"table1/{var}/{grp}/sd", "sd", pub[grp][1],
                    None if r is None else r[f"sd_{col}"])
        out.add(f"table1/{var}/p", "p", pub["p"], None if r is None else r["p_value"])

    f1 = result.frames["fig1"]
    pub = seed["figure1_unadjusted_sclerostin_by_sarcopenia"]
    sub = f1[(f1["status"] == "sarcopenia") & (f1["model"] == "unadjusted")].set_index("level")
    sub_adj = f1[(f1["status"] == "sarcopenia") & (f1["model"] == "adjusted")]
    ok = {"with", "without"} <= set(sub.index)
    direction = _same_sign(pub["sarc"][0] - pub["nosarc"][0],
                           sub.at["with", "mean"] - sub.at["without", "mean"] if ok else None)
    for grp, lvl in (("sarc", "with"), ("nosarc", "without")):
        out.add(f"fig1/sarcopenia/{grp}/mean", "mean", pub[grp][0],
                sub.at[lvl, "mean"] if ok else None, direction=direction)
        out.add(f"fig1/sarcopenia/{grp}/sd", "sd", pub[grp][1], sub.at[lvl, "sd"] if ok else None)
    out.add("fig1/sarcopenia/unadjusted/p", "p", pub["p"],
            sub["p_value"].iloc[0] if len(sub) else None)
    out.add("fig1/sarcopenia/adjusted/p", "p", pub["adjusted_p"],
            sub_adj["p_value"].iloc[0] if len(sub_adj) else None)

    t2 = result.frames["table2"]
    for key, var in _T2.items():
        for mkey in ("unadj", "adj"):
            beta, p = seed["table2_standardized_beta"][key][mkey]
            row = t2[(t2["outcome"] == var) & (t2["model"] == _MODEL[mkey])]
            rb = row["std_beta"].iloc[0] if len(row) else None
            rp = row["p_value"].iloc[0] if len(row) else None
            sig = None if rp is None or math.isnan(rp) else _sig(p) == (rp < ALPHA)
            out.add(f"table2/{var}/{_MODEL[mkey]}/beta", "beta", beta, rb,
                    direction=_same_sign(beta, rb), significance=sig)
            out.add(f"table2/{var}/{_MODEL[mkey]}/p", "p", p, rp)

    f2 = result.frames["fig2"]
    for mkey, items in seed["figure2_p_for_trend"].items():
        if mkey not in _MODEL:
            continue
        for key, p in items.items():
            var = _T2.get(key, key)
            row = f2[(f2["outcome"] == var) & (f2["model"] == _MODEL[mkey])]
            out.add(f"fig2/{var}/{_MODEL[mkey]}/p_trend", "p", p,
                    row["p_trend"].iloc[0] if len(row) else None)

    t3 = result.frames["table3"]
    for key, var in _T3.items():
        for mkey in ("unadj", "adj"):
            odds, lo, hi, p = seed["table3_or_per_sd"][key][mkey]
            row = t3[(t3["outcome"] == var) & (t3["model"] == _MODEL[mkey])]
            r = row.iloc[0] if len(row) else None
            pub_sig = lo > 1 or hi < 1
            rep_sig = None if r is None or math.isnan(r["or_ci_lower"]) else \
                bool(r["or_ci_lower"] > 1 or r["or_ci_upper"] < 1)
            direction = None if r is None else _same_sign(math.log(odds), math.log(r["odds_ratio"]))
            base = f"table3/{var}/{_MODEL[mkey]}"
            out.add(f"{base}/or", "or", odds, None if r is None else r["odds_ratio"],
                    direction=direction,
                    significance=None if rep_sig is None else pub_sig == rep_sig)
            out.add(f"{base}/ci_lower", "or", lo, None if r is None else r["or_ci_lower"])
            out.add(f"{base}/ci_upper", "or", hi, None if r is None else r["or_ci_upper"])
            out.add(f"{base}/p", "p", p, None if r is None else r["p_value"])
    df = pd.DataFrame(out.rows, columns=COLUMNS)
    for col in ("direction_agrees", "significance_agrees"):
        df[col] = df[col].astype("boolean")
    return df


def summary_line(table: pd.DataFrame) -> str:
    """"41 of 46 numbers reproduced within tolerance; ..." for the terminal and the page."""
    n = len(table)
    k = int(table["within_tolerance"].sum())
    d = table["direction_agrees"].dropna()
    s = table["significance_agrees"].dropna()
    return (f"{k} of {n} numbers reproduced within tolerance; direction agrees for "
            f"{int(d.sum())} of {len(d)}, significance at 0.05 for {int(s.sum())} of {len(s)}.")
