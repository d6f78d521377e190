"""SPPB scoring (Guralnik 1994 / NIA protocol): every bin boundary, both sides."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess.sppb import score_sppb

NaN = np.nan


def _one(**kw):
    return score_sppb(pd.DataFrame({k: [v] for k, v in kw.items()})).iloc[0]


@pytest.mark.parametrize(
    "side,semi,tandem,expect",
    [
        (10, 10, 10, 4),
        (10, 10, 9.99, 3),
        (10, 10, 3.0, 3),
        (10, 10, 2.99, 2),
        (10, 10, 0, 2),
        (10, 9.99, NaN, 1),
        (10, 9.99, 10, 1),  # failed semi-tandem: tandem scores 0 whatever recorded
        (9.99, NaN, NaN, 0),
        (0, 10, 10, 0),  # failed side-by-side: later stances 0
        (NaN, 10, 10, None),
        (10, NaN, 10, None),
        (10, 10, NaN, None),  # not done stays missing
    ],
)
def test_balance(side, semi, tandem, expect):
    got = _one(side_by_side_s=side, semi_tandem_s=semi, tandem_s=tandem)["sppb_balance"]
    assert (got is pd.NA) if expect is None else got == expect


@pytest.mark.parametrize(
    "t,expect", [(4.81, 4), (4.82, 3), (6.20, 3), (6.21, 2), (8.70, 2), (8.71, 1), (30, 1)]
)
def test_gait_4m(t, expect):
    assert _one(gait_time_4m_s=t)["sppb_gait"] == expect


@pytest.mark.parametrize(
    "t,expect", [(3.61, 4), (3.62, 3), (4.65, 3), (4.66, 2), (6.52, 2), (6.53, 1)]
)
def test_gait_3m(t, expect):
    assert _one(gait_time_4m_s=t, gait_distance_m=3.0)["sppb_gait"] == expect


def test_gait_time_from_speed_when_time_missing():
    # 4 m at 0.8 m/s = 5.0 s -> 3 points
    assert _one(gait_time_4m_s=NaN, gait_speed_m_s=0.8)["sppb_gait"] == 3


def test_gait_unable_scores_zero_and_other_courses_are_missing():
    assert _one(gait_time_4m_s=NaN, gait_unable=True)["sppb_gait"] == 0
    assert _one(gait_time_4m_s=NaN, gait_unable=False)["sppb_gait"] is pd.NA
    assert _one(gait_time_4m_s=5.0, gait_distance_m=6.0)["sppb_gait"] is pd.NA


@pytest.mark.parametrize(
    "t,expect",
    [(11.19, 4), (11.20, 3), (13.69, 3), (13.70, 2), (16.69, 2), (16.70, 1), (60.0, 1), (60.01, 0)],
)
def test_chair(t, expect):
    assert _one(chair_stand_5x_s=t)["sppb_chair"] == expect


def test_chair_unable_scores_zero_not_done_missing():
    assert _one(chair_stand_5x_s=NaN, chair_stand_unable=True)["sppb_chair"] == 0
    assert _one(chair_stand_5x_s=NaN, chair_stand_unable=False)["sppb_chair"] is pd.NA


def test_total_and_cross_check():
    df = pd.DataFrame(
        {
            "side_by_side_s": [10, 10, 10, NaN],
            "semi_tandem_s": [10, 10, 10, NaN],
            "tandem_s": [10, 5, 10, NaN],
            "gait_time_4m_s": [4.0, 7.0, 4.0, NaN],
            "chair_stand_5x_s": [10.0, 14.0, 10.0, NaN],
            "sppb_total": [12, 9, 10, 7],
        }
    )
    out = score_sppb(df)
    # row 1: balance 3 + gait 2 + chair 2 = 7, given 9 -> disagreement
    assert out["sppb_total"].tolist() == [12, 7, 12, 7]
    assert out["sppb_source"].tolist() == ["components", "components", "components", "given"]
    assert out["sppb_check"].tolist() == [False, True, True, pd.NA]


def test_classify_uses_component_total_and_reports_disagreement():
    from sarcostat.assess import classify_cohort

    df = pd.DataFrame(
        {
            "id": ["a"],
            "sex": ["male"],
            "side_by_side_s": [10],
            "semi_tandem_s": [10],
            "tandem_s": [10],
            "gait_time_4m_s": [4.0],
            "chair_stand_5x_s": [10.0],
            "sppb_total": [8],
        }
    )
    res = classify_cohort(df, "awgs2019")
    assert res.table["awgs2019_low_sppb"].tolist() == [False]
    assert any("disagrees" in n for n in res.notes)
