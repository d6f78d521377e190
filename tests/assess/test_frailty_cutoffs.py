"""Boundary tests on both sides of every frailty and bone threshold, for each sex.

The cases are generated from each definition's threshold rows so no row
escapes; hand-written cases pin the Fried numbers independently of the rows.
"""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess.definitions import awgs2019, frail_scale, fried2001, fried2001_asian
from sarcostat.assess.definitions import osteosarcopenia as osteo
from sarcostat.assess.frailty import PHENOTYPES, classify_frailty, osteosarcopenia

_EPS = {"grip_kg": 0.1, "walk_15ft_s": 0.01, "gait_speed_m_s": 0.01}


def _stratum_value(t):
    if t.stratum is None:
        return {}
    if t.upper is not None:
        return {t.stratum: t.upper}  # the inclusive upper edge belongs to the stratum
    return {t.stratum: t.lower + 0.1}


def _cases():
    for d in PHENOTYPES.values():
        for t in d.thresholds:
            for sex in ["male", "female"] if t.sex == "any" else [t.sex]:
                eps = _EPS.get(t.measure, 0.001)
                inside = t.value - eps if t.operator in ("<", "<=") else t.value + eps
                outside = t.value + eps if t.operator in ("<", "<=") else t.value - eps
                at = t.operator in ("<=", ">=")
                yield pytest.param(
                    d.name,
                    t,
                    sex,
                    t.value,
                    at,
                    id=f"{d.name}-{t.measure}-{sex}-{t.value:g}-{t.stratum}{t.upper}-at",
                )
                yield pytest.param(
                    d.name,
                    t,
                    sex,
                    inside,
                    True,
                    id=f"{d.name}-{t.measure}-{sex}-{t.value:g}-{t.stratum}{t.upper}-in",
                )
                yield pytest.param(
                    d.name,
                    t,
                    sex,
                    outside,
                    False,
                    id=f"{d.name}-{t.measure}-{sex}-{t.value:g}-{t.stratum}{t.upper}-out",
                )


@pytest.mark.parametrize(("name", "t", "sex", "value", "expected"), list(_cases()))
def test_every_threshold_both_sides(name, t, sex, value, expected):
    row = {"sex": sex, t.measure: value, **_stratum_value(t)}
    # the other measure of a two-item criterion (CES-D) sits on the normal side
    for other in PHENOTYPES[name].thresholds:
        if other.criterion == t.criterion and other.measure != t.measure:
            row[other.measure] = 0.0
    out = classify_frailty(pd.DataFrame([row]), name)
    flag = out.loc[0, t.criterion]
    assert flag is not pd.NA
    assert bool(flag) is expected, out.loc[0, "reason"]


def test_fried_numbers_by_hand():
    # Fried 2001 Table 1 (via reproductions): grip <= 29/30/30/32 kg men by BMI,
    # <= 17/17.3/18/21 kg women; walk >= 7 s (<= 173 / 159 cm) or >= 6 s.
    rows = [
        ("male", 24.0, 29.0, True),
        ("male", 24.0, 29.1, False),
        ("male", 24.05, 29.1, True),  # 24 < BMI <= 26 -> 30 kg
        ("male", 27.0, 30.0, True),
        ("male", 28.5, 32.0, True),
        ("male", 28.5, 32.1, False),
        ("female", 23.0, 17.0, True),
        ("female", 23.5, 17.3, True),
        ("female", 23.5, 17.4, False),
        ("female", 27.0, 18.0, True),
        ("female", 30.0, 21.0, True),
        ("female", 30.0, 21.1, False),
    ]
    df = pd.DataFrame([{"sex": s, "bmi": b, "grip_kg": g} for s, b, g, _ in rows])
    out = classify_frailty(df, "fried2001")
    assert out["weakness"].tolist() == [r[3] for r in rows]
    walk = pd.DataFrame(
        {
            "sex": ["male", "male", "male", "female", "female", "female"],
            "height_cm": [173.0, 173.1, 173.1, 159.0, 159.1, 159.1],
            "walk_15ft_s": [7.0, 6.0, 5.99, 6.99, 6.0, 5.99],
        }
    )
    assert classify_frailty(walk, "fried2001")["slowness"].tolist() == [
        True,
        True,
        False,
        False,
        True,
        False,
    ]


def test_asian_variant_takes_awgs_values():
    grip = {c.sex: c.value for c in awgs2019.CUTOFFS if c.measure == "grip_kg"}
    assert (
        {t.sex: t.value for t in fried2001_asian.WEAKNESS} == grip == {"male": 28.0, "female": 18.0}
    )
    assert [t.value for t in fried2001_asian.SLOWNESS] == [1.0]
    assert (
        fried2001_asian.DEFINITION.thresholds[:5]
        == fried2001.WEIGHT_LOSS + fried2001.EXHAUSTION + fried2001.LOW_ACTIVITY
    )


def test_fried_weight_loss_ten_pounds():
    df = pd.DataFrame({"weight_loss_kg": [4.5359237, 4.54]})
    assert classify_frailty(df, "fried2001")["weight_loss"].tolist() == [False, True]


def test_frail_scale_boundaries():
    df = pd.DataFrame({"illness_count": [4, 5], "weight_loss_pct": [5.0, 5.01]})
    out = classify_frailty(df, "frail_scale")
    assert out["illnesses"].tolist() == [False, True]
    assert out["loss_of_weight"].tolist() == [False, True]
    assert len(frail_scale.THRESHOLDS) == 5


@pytest.mark.parametrize("sex", ["male", "female"])
@pytest.mark.parametrize("site", osteo.SITES)
def test_bone_boundaries_each_site_each_sex(site, sex):
    others = [s for s in osteo.SITES if s != site]
    vals = [-2.5, -2.49, -1.0, -0.99]
    df = pd.DataFrame({"sex": sex, site: vals, **{o: 0.0 for o in others}})
    out = osteosarcopenia(df)
    assert out["osteoporosis"].tolist() == [True, False, False, False]
    assert out["low_bone_mass"].tolist() == [True, True, True, False]
    assert out["osteopenia"].tolist() == [False, True, True, False]


def test_missing_site_never_normal():
    df = pd.DataFrame(
        {
            "t_score_lumbar": [-0.5, -2.6],
            "t_score_femoral_neck": [np.nan, np.nan],
            "t_score_total_hip": [0.0, 0.0],
        }
    )
    out = osteosarcopenia(df)
    assert out["osteoporosis"].isna().tolist() == [True, False]
    assert bool(out.loc[1, "osteoporosis"]) is True


def test_docs_tables_match_the_thresholds():
    from pathlib import Path

    from sarcostat.assess.frailty import frailty_cutoffs_markdown

    doc = (Path(__file__).parents[2] / "docs" / "definitions.md").read_text(encoding="utf-8")
    start = doc.index("\n", doc.index("<!-- BEGIN FRAILTY CUTOFFS")) + 1
    end = doc.index("<!-- END FRAILTY CUTOFFS")
    assert doc[start:end] == frailty_cutoffs_markdown(), "regenerate the frailty tables"
