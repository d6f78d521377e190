"""Seed reproduction table: mapping of every published number and the verdicts."""

import copy
import math

import pandas as pd
import pytest

from sarcostat.study.censor import CensoringSummary
from sarcostat.study.plan import Plan
from sarcostat.study.reproduce import compare_with_seed, load_seed_tables, summary_line
from sarcostat.study.result import StudyResult

T1 = {
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
T2 = {
    "asm": "asm_kg",
    "smi": "smi",
    "grip": "grip_kg",
    "gait_speed": "gait_speed_m_s",
    "chair_stand": "chair_stand_5x_s",
    "sppb": "sppb_total",
    "sps": "sps",
}
T3 = {
    "sarcopenia": "sarcopenia",
    "low_muscle_mass": "low_muscle_mass",
    "weak_muscle_strength": "low_strength",
    "poor_physical_performance": "low_performance",
}


def _p(v):
    # "<0.001" published -> a reproduced value just below it.
    return 0.0004 if isinstance(v, str) else v


def result_from(seed):
    """A StudyResult whose numbers are exactly the published ones."""
    t1 = []
    sex = seed["table1"]["categorical"]["sex"]
    for level, word in (("male", "men"), ("female", "women")):
        t1.append(
            dict(
                variable="sex",
                level=level,
                kind="categorical",
                count_with=sex["sarc"][word][0],
                pct_with=sex["sarc"][word][1],
                count_without=sex["nosarc"][word][0],
                pct_without=sex["nosarc"][word][1],
                p_value=sex["p"],
            )
        )
    for key, var in T1.items():
        v = seed["table1"]["continuous"][key]
        t1.append(
            dict(
                variable=var,
                level="",
                kind="continuous",
                mean_with=v["sarc"][0],
                sd_with=v["sarc"][1],
                mean_without=v["nosarc"][0],
                sd_without=v["nosarc"][1],
                p_value=_p(v["p"]),
            )
        )
    f = seed["figure1_unadjusted_sclerostin_by_sarcopenia"]
    fig1 = [
        dict(
            status="sarcopenia",
            level=lvl,
            model=m,
            mean=f[g][0],
            sd=f[g][1],
            estimate=f[g][0],
            p_value=_p(f["p"]) if m == "unadjusted" else f["adjusted_p"],
        )
        for m in ("unadjusted", "adjusted")
        for lvl, g in (("with", "sarc"), ("without", "nosarc"))
    ]
    t2 = [
        dict(
            outcome=var,
            model=m,
            std_beta=seed["table2_standardized_beta"][k][mk][0],
            p_value=_p(seed["table2_standardized_beta"][k][mk][1]),
        )
        for k, var in T2.items()
        for m, mk in (("unadjusted", "unadj"), ("adjusted", "adj"))
    ]
    fig2 = []
    for m in ("unadjusted", "adjusted"):
        for k, p in seed["figure2_p_for_trend"][m].items():
            fig2.append(dict(outcome=T2[k], model=m, quartile=1, p_trend=_p(p)))
    t3 = []
    for k, var in T3.items():
        for m, mk in (("unadjusted", "unadj"), ("adjusted", "adj")):
            o, lo, hi, p = seed["table3_or_per_sd"][k][mk]
            t3.append(
                dict(
                    outcome=var,
                    model=m,
                    odds_ratio=o,
                    or_ci_lower=lo,
                    or_ci_upper=hi,
                    p_value=_p(p),
                )
            )
    cohort = {
        "n": seed["n_total"],
        "n_group": seed["n_sarcopenia"],
        "age_mean": seed["mean_age"],
        "n_male": seed["men"]["n"],
        "pct_male": seed["men"]["pct"],
    }
    return StudyResult(
        plan=Plan(),
        biomarker="sclerostin",
        biomarker_label="sclerostin",
        biomarker_unit="pmol/L",
        frames={
            "table1": pd.DataFrame(t1),
            "fig1": pd.DataFrame(fig1),
            "table2": pd.DataFrame(t2),
            "fig2": pd.DataFrame(fig2),
            "table3": pd.DataFrame(t3),
        },
        analyses={},
        cohort=cohort,
        censoring=CensoringSummary("sclerostin", "lod_sqrt2", 0, 0, ()),
    )


@pytest.fixture(scope="module")
def seed():
    return load_seed_tables()


def test_every_published_number_is_listed_once(seed):
    table = compare_with_seed(result_from(seed), seed)
    assert table["item"].is_unique
    # 5 cohort + sex (8 counts/percentages + P) + 11 x 5 continuous rows
    # + Fig. 1 (4 + 2 P) + Table 2 (7 x 2 x 2) + Fig. 2 (6 P) + Table 3 (4 x 2 x 4).
    assert len(table) == 5 + 9 + 55 + 6 + 28 + 6 + 32
    assert set(table["kind"]) == {"count", "mean", "sd", "pct", "beta", "or", "p"}


def test_the_published_numbers_reproduce_themselves(seed):
    table = compare_with_seed(result_from(seed), seed)
    assert table["within_tolerance"].all(), table[~table["within_tolerance"]]
    assert table["direction_agrees"].dropna().all()
    assert table["significance_agrees"].dropna().all()
    n = len(table)
    assert summary_line(table).startswith(f"{n} of {n} numbers reproduced within tolerance")


def test_a_wrong_number_is_flagged_with_direction_and_significance(seed):
    changed = copy.deepcopy(seed)
    res = result_from(changed)
    t2 = res.frames["table2"]
    row = (t2["outcome"] == "smi") & (t2["model"] == "adjusted")
    t2.loc[row, ["std_beta", "p_value"]] = [-0.05, 0.40]  # published 0.198, P=0.003
    table = compare_with_seed(res, seed).set_index("item")
    beta = table.loc["table2/smi/adjusted/beta"]
    assert not beta["within_tolerance"]
    assert beta["difference"] == pytest.approx(-0.05 - 0.198)
    assert not bool(beta["direction_agrees"])
    # Significance is judged once, on the P row.
    assert pd.isna(beta["significance_agrees"])
    p = table.loc["table2/smi/adjusted/p"]
    assert not p["within_tolerance"] and not bool(p["significance_agrees"])
    line = summary_line(table.reset_index())
    assert line.startswith(f"{len(table) - 2} of {len(table)} numbers")


@pytest.mark.parametrize(
    "kind_item, value, ok",
    [
        ("table1/age_yr/sarc/mean", 72.449, True),  # rounds to 72.4
        ("table1/age_yr/sarc/mean", 72.46, False),  # rounds to 72.5
        ("table3/sarcopenia/adjusted/or", 0.28 * 1.09, True),
        ("table3/sarcopenia/adjusted/or", 0.28 * 1.12, False),
        ("table3/sarcopenia/unadjusted/p", 0.0009, True),  # published "<0.001"
        ("table3/sarcopenia/unadjusted/p", 0.0011, False),
    ],
)
def test_tolerance_rules(seed, kind_item, value, ok):
    res = result_from(seed)
    if kind_item.startswith("table1"):
        res.frames["table1"].loc[res.frames["table1"]["variable"] == "age_yr", "mean_with"] = value
    else:
        t3 = res.frames["table3"]
        model = kind_item.split("/")[2]
        col = "odds_ratio" if kind_item.endswith("/or") else "p_value"
        t3.loc[(t3["outcome"] == "sarcopenia") & (t3["model"] == model), col] = value
    table = compare_with_seed(res, seed).set_index("item")
    assert bool(table.at[kind_item, "within_tolerance"]) is ok


def test_missing_analysis_counts_as_not_reproduced(seed):
    res = result_from(seed)
    t3 = res.frames["table3"]
    res.frames["table3"] = t3[t3["outcome"] != "low_strength"]
    table = compare_with_seed(res, seed).set_index("item")
    row = table.loc["table3/low_strength/adjusted/or"]
    assert not row["within_tolerance"] and math.isnan(row["reproduced"])


def test_each_comparison_is_judged_once(seed):
    table = compare_with_seed(result_from(seed), seed)
    # Direction: 11 Table 1 variables + Fig. 1 + 14 Table 2 betas + 8 Table 3 ORs.
    assert table["direction_agrees"].notna().sum() == 11 + 1 + 14 + 8
    # Significance: every P row, nothing else.
    assert (table["significance_agrees"].notna() == (table["kind"] == "p")).all()


def test_numbers_the_paper_rules_out_are_labelled_with_the_reason(seed):
    table = compare_with_seed(result_from(seed), seed).set_index("item")
    ruled = table[table["target"] == "ruled out by the paper"]
    assert sorted(ruled.index) == sorted(
        f"table1/asm_kg/{g}/{k}" for g in ("sarc", "nosarc") for k in ("mean", "sd")
    )
    assert "SMI and height" in ruled.at["table1/asm_kg/sarc/mean", "note"]
    # The sex P is recomputed from the printed counts (check-table): only a
    # one-sided Fisher's exact test gives 0.245; chi-square gives 0.350.
    note = table.at["table1/sex/p", "note"]
    assert "fits only a one-sided test" in note and "Fisher exact (less) 0.2449" in note
    assert "Pearson chi-square 0.3496" in note
    assert table.at["table1/smi/sarc/mean", "target"] == "calibrated"
    assert table.at["table2/smi/unadjusted/beta", "target"] == "calibrated"
    assert table.at["table2/smi/adjusted/beta", "target"] == "not calibrated"
    assert table.at["table3/sarcopenia/adjusted/or", "target"] == "not calibrated"
    line = summary_line(table.reset_index())
    assert "4 of 4 printed numbers that the paper's other numbers rule out" in line


def test_a_printed_p_that_no_test_gives_is_ruled_out(seed):
    changed = copy.deepcopy(seed)
    changed["table1"]["categorical"]["sex"]["p"] = 0.700  # no test of 8/12 vs 56/53 gives it
    table = compare_with_seed(result_from(changed), changed).set_index("item")
    assert table.at["table1/sex/p", "target"] == "ruled out by the paper"
    assert "fits no test" in table.at["table1/sex/p", "note"]


def test_a_sex_p_the_counts_give_is_not_ruled_out(seed):
    changed = copy.deepcopy(seed)
    changed["table1"]["categorical"]["sex"]["p"] = 0.350  # chi-square of 8/12 vs 56/53
    table = compare_with_seed(result_from(changed), changed).set_index("item")
    assert table.at["table1/sex/p", "target"] != "ruled out by the paper"
    assert table.at["table1/sex/p", "note"] == ""
