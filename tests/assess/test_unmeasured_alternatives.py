"""A test the cohort never measured is left out where the definition accepts
any one of several (AWGS 2019 physical performance, possible sarcopenia and
case finding; EWGSOP2 one test per criterion), never read as normal.

Chen 2020 (AWGS 2019), abstract and Figure 1: low physical performance by the
6-m walk < 1.0 m/s, the 5-time chair stand >= 12 s or the SPPB <= 9;
possible sarcopenia by low handgrip or the chair stand.
"""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify, classify_cohort
from sarcostat.assess.classification import unmeasured_note, unmeasured_tests
from sarcostat.assess.definitions import REGISTRY, awgs2019


def _cohort(**extra):
    """Two women measured by BIA: low SMI with normal grip and gait; normal
    SMI with low grip and normal gait (AWGS 2019: 5.7 kg/m², 18 kg, 1.0 m/s)."""
    data = {
        "sex": ["female", "female"],
        "muscle_mass_method": ["bia", "bia"],
        "smi": [5.5, 6.5],
        "grip_kg": [20.0, 15.0],
        "gait_speed_m_s": [1.2, 1.2],
    }
    data.update(extra)
    return pd.DataFrame(data)


def test_a_chair_stand_the_cohort_never_measured_is_left_out():
    out = classify(_cohort(), "awgs2019")
    # gait speed alone decides low performance; the chair-stand and SPPB
    # flags stay unknown (not measured), never normal
    assert out["low_performance"].tolist() == [False, False]
    assert out["slow_chair_stand"].isna().all() and out["low_sppb"].isna().all()
    assert out["sarcopenia"].tolist() == [False, False]
    # possible sarcopenia by low grip alone (no chair stand to look at)
    assert out["category"].tolist() == ["no sarcopenia", "possible sarcopenia"]
    assert out["missing_inputs"].tolist() == ["", ""]
    assert unmeasured_tests(_cohort(), "awgs2019") == ("chair_stand_5x_s", "sppb_total")


def test_the_left_out_test_cannot_hide_an_abnormal_measured_one():
    # slow gait (< 1.0 m/s) still makes performance low
    out = classify(_cohort(gait_speed_m_s=[0.99, 1.0]), "awgs2019")
    assert out["low_performance"].tolist() == [True, False]
    assert out["category"].tolist() == ["sarcopenia", "possible sarcopenia"]


def test_a_participants_own_missing_value_in_a_measured_test_stays_unknown():
    # the cohort measured the chair stand (second woman, 10 s): the first
    # woman's blank stays a missing value, so her performance is undecided
    data = _cohort(chair_stand_5x_s=[np.nan, 10.0], sppb_total=[np.nan, 12.0])
    out = classify(data, "awgs2019")
    assert pd.isna(out.loc[0, "low_performance"]) and pd.isna(out.loc[0, "sarcopenia"])
    assert out.loc[0, "category"] == "indeterminate"
    assert out.loc[0, "missing_inputs"] == "chair_stand_5x_s, sppb_total"
    assert out.loc[1, "category"] == "possible sarcopenia"
    assert unmeasured_tests(data, "awgs2019") == ()


def test_unable_counts_as_measured():
    # an 'unable' chair stand is a result (abnormal), so the test was done
    data = _cohort(chair_stand_5x_s=[np.nan, np.nan], chair_stand_unable=[False, True])
    out = classify(data, "awgs2019")
    assert pd.isna(out.loc[0, "low_performance"])  # not done by her: unknown
    assert out.loc[1, "slow_chair_stand"] and out.loc[1, "low_performance"]
    assert unmeasured_tests(data, "awgs2019") == ("sppb_total",)


@pytest.mark.parametrize("speed, low", [(0.99, True), (1.0, False)])
def test_chair_stand_alone_decides_when_gait_and_sppb_were_not_measured(speed, low):
    # the same rule the other way round: a chair-stand-only cohort; the
    # cut-off is >= 12 s (12.0 low, 11.99 normal)
    data = _cohort(chair_stand_5x_s=[12.0, 11.99]).drop(columns="gait_speed_m_s")
    out = classify(data, "awgs2019")
    assert out["low_performance"].tolist() == [True, False]
    assert unmeasured_tests(data, "awgs2019") == ("gait_speed_m_s", "sppb_total")
    # and with gait speed measured too, each test counts (OR)
    both = classify(_cohort(chair_stand_5x_s=[11.0, 11.0], gait_speed_m_s=[speed, 1.2]))
    assert bool(both.loc[0, "low_performance"]) is low


def test_no_performance_test_at_all_leaves_the_criterion_undecided():
    data = _cohort().drop(columns="gait_speed_m_s")
    out = classify(data, "awgs2019")
    assert out["low_performance"].isna().all()
    # low mass with normal grip: sarcopenia hinges on performance
    assert pd.isna(out.loc[0, "sarcopenia"]) and out.loc[0, "category"] == "indeterminate"
    assert "gait_speed_m_s" in out.loc[0, "missing_inputs"]
    assert unmeasured_tests(data, "awgs2019") == ()


def test_case_finding_by_calf_circumference_alone():
    # AWGS 2019 calf cut-off for women: < 33 cm; no SARC-F in the cohort
    out = classify(_cohort(calf_circumference_cm=[32.9, 33.0]), "awgs2019")
    assert out["case_finding"].tolist() == [True, False]
    assert out["sarc_f_positive"].isna().all()


def test_tests_used_and_the_note():
    from sarcostat.assess.classification import prepare

    prep = prepare(_cohort())
    used = awgs2019.tests_used(REGISTRY["awgs2019"], prep.measures)
    assert used == {"low_performance": ("gait_speed_m_s",), "possible sarcopenia": ("grip_kg",)}
    note = unmeasured_note("awgs2019", unmeasured_tests(_cohort(), "awgs2019", prepared=prep))
    assert note.startswith("AWGS 2019: 5× chair stand and SPPB not measured in this cohort")
    assert unmeasured_note("awgs2019", ()) == ""


def test_definitions_without_alternatives_leave_nothing_out():
    data = _cohort()
    for name in ("awgs2014", "ewgsop1", "sdoc2020", "iwgs2011", "fnih2014"):
        assert unmeasured_tests(data, name) == ()
    # EWGSOP2: chair stand (strength), ASM (mass: SMI without a height gives
    # no ASM), SPPB and TUG (performance) never measured
    assert unmeasured_tests(data, "ewgsop2") == (
        "chair_stand_5x_s",
        "asm_kg",
        "sppb_total",
        "tug_s",
    )


def test_classify_cohort_states_what_was_left_out():
    res = classify_cohort(_cohort(), ["awgs2019", "sdoc2020"])
    left = [n for n in res.notes if "not measured in this cohort" in n]
    assert left == [
        "AWGS 2019: 5× chair stand and SPPB not measured in this cohort (no participant has a "
        "value); AWGS 2019 accepts any one of its listed tests, so the criteria that list them "
        "are decided by the tests that were done."
    ]
    # with every test measured, no such note
    full = _cohort(chair_stand_5x_s=[10.0, 10.0], sppb_total=[12.0, 12.0])
    assert not [n for n in classify_cohort(full).notes if "not measured" in n]


def test_reasons_leave_out_the_unmeasured_test_but_name_a_blank_one():
    out = classify(_cohort(), "awgs2019")
    assert out.loc[0, "reason"] == (
        "no sarcopenia: SMI 5.50 < 5.7 kg/m² (woman, BIA); grip 20.0 ≥ 18 kg (woman); "
        "gait speed 1.20 ≥ 1 m/s"
    )
    # measured by the cohort, blank for her: said
    data = _cohort(chair_stand_5x_s=[np.nan, 10.0])
    assert "5× chair stand missing" in classify(data, "awgs2019").loc[0, "reason"]
