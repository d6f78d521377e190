"""'Unable' at every gait/chair-stand cut-off; protocol notes; SPPB disagreement named."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify, classify_cohort, prevalence, protocol_notes
from sarcostat.assess._cutoffs import SHOWN
from sarcostat.assess.definitions import REGISTRY

_UNABLE = {"gait_speed_m_s": "gait_unable", "chair_stand_5x_s": "chair_stand_unable"}


def _timed_cases():
    for defn in REGISTRY.values():
        for cut in defn.cutoffs:
            if cut.measure in _UNABLE:
                for sex in ("male", "female"):
                    yield pytest.param(
                        defn, cut, sex, id=f"{defn.name}-{cut.criterion}-{cut.measure}-{sex}"
                    )


@pytest.mark.parametrize("defn,cut,sex", list(_timed_cases()))
def test_unable_is_abnormal_and_not_done_is_unknown(defn, cut, sex):
    flag = _UNABLE[cut.measure]
    df = pd.DataFrame({"sex": [sex, sex], cut.measure: [np.nan, np.nan], flag: [True, False]})
    out = classify(df, defn.name)
    assert bool(out[cut.criterion].iloc[0]) is True
    # 'not done' decides nothing unless another measure of the criterion does
    others = [c for c in defn.cutoffs if c.criterion == cut.criterion and c.measure != cut.measure]
    if not others:
        assert out[cut.criterion].iloc[1] is pd.NA
    assert (
        f"unable (counts as {SHOWN[cut.operator]} {cut.value:g} {cut.unit})"
        in out["reason"].iloc[0]
    )


def test_unable_chair_stand_is_never_a_number():
    # AWGS 2019 (>= 12 s) and EWGSOP2 (> 15 s) both count it abnormal; the SPPB
    # scores it 0; the time itself stays missing in the data
    df = pd.DataFrame(
        {"sex": ["female"], "chair_stand_5x_s": [np.nan], "chair_stand_unable": [True]}
    )
    assert bool(classify(df, "awgs2019")["slow_chair_stand"].iloc[0])
    assert bool(classify(df, "ewgsop2")["low_strength"].iloc[0])
    assert np.isnan(df["chair_stand_5x_s"].iloc[0])
    assert "chair_stand_5x_s" not in classify(df, "awgs2019").columns


def test_protocol_notes_say_what_was_measured():
    df = pd.DataFrame(
        {
            "gait_distance_m": [4.0, 3.0],
            "grip_1_kg": [20.0, 22.0],
            "grip_2_kg": [21.0, 20.0],
            "muscle_mass_method": ["bia", "dxa"],
        }
    )
    notes = protocol_notes(df, {"gait_start": "static", "grip_best_of": 2, "grip_device": "Jamar"})
    assert "Gait speed measured over 3, 4 m, static start." in notes
    assert "Grip strength: best of 2 trial(s)." in notes
    assert "Protocol grip_device: Jamar." in notes
    assert "Muscle mass by BIA (n=1), DXA (n=1)." in notes
    inferred = protocol_notes(df, {})
    assert "Grip strength: maximum of the recorded trials (grip_1_kg, grip_2_kg)." in inferred


def test_classify_cohort_carries_protocol_and_names_sppb_disagreement():
    df = pd.DataFrame(
        {
            "id": ["A1", "A2"],
            "sex": ["male", "male"],
            "side_by_side_s": [10, 10],
            "semi_tandem_s": [10, 10],
            "tandem_s": [10, 10],
            "gait_time_4m_s": [4.0, 4.0],
            "chair_stand_5x_s": [10.0, 10.0],
            "sppb_total": [8, 12],
        }
    )
    res = classify_cohort(df, "awgs2019", protocol={"gait_start": "dynamic"})
    assert res.meta["protocol"] == {"gait_start": "dynamic"}
    assert any("dynamic start" in n for n in res.notes)
    sppb = [n for n in res.notes if n.startswith("SPPB")]
    assert sppb and "1 participant(s): A1 (given 8, scored 12)" in sppb[0]


def test_per_participant_table_keeps_the_gait_course():
    df = pd.DataFrame(
        {
            "id": ["A1", "A2"],
            "sex": ["male", "female"],
            "gait_distance_m": [4.0, 3.0],
            "gait_time_4m_s": [4.0, 4.0],
        }
    )
    table = classify_cohort(df, "awgs2019").table
    assert list(table.columns[:2]) == ["id", "gait_distance_m"]
    assert table["gait_distance_m"].tolist() == [4.0, 3.0]
    # 4 m in 4 s = 1.0 m/s (not slow); 3 m in 4 s = 0.75 m/s (slow)
    assert table["awgs2019_slow_gait"].tolist() == [False, True]


def test_prevalence_has_no_severe_count_without_a_severity_grade():
    df = pd.DataFrame(
        {"sex": ["male", "female"], "grip_kg": [20.0, 10.0], "gait_speed_m_s": [0.5, 0.5]}
    )
    tab = prevalence(df, ["sdoc2020", "awgs2019"], by=None).set_index("definition")
    assert tab.loc["sdoc2020", "n_severe"] is pd.NA
    assert tab.loc["sdoc2020", "n_sarcopenia"] == 2
    assert tab.loc["awgs2019", "n_severe"] == 0
