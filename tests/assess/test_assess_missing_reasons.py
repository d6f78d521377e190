"""The reason given for an undecided criterion is the true one (issue 17 point 4).

A missing sex or muscle-mass method is named only where knowing it could
decide the flag; where no value of it would help (a BIA row under a
DXA-only definition), the definition's missing cut-off is the reason.
"""

import numpy as np
import pandas as pd

from sarcostat.assess import classify


def _one(sex, method, smi, definition):
    df = pd.DataFrame(
        {
            "id": ["P1"],
            "sex": pd.array([sex], dtype="string"),
            "muscle_mass_method": pd.array([method], dtype="string"),
            "smi": [smi],
            "grip_kg": [12.0],
            "gait_speed_m_s": [0.6],
        }
    )
    return classify(df, definition).iloc[0]


def test_sex_missing_on_bia_under_dxa_only_definition_blames_the_device_not_the_sex():
    # EWGSOP1 and IWGS 2011 have DXA cut-offs only: knowing the sex would not help
    for definition, title in (("ewgsop1", "EWGSOP1"), ("iwgs2011", "IWGS 2011")):
        row = _one(None, "bia", 5.0, definition)
        assert row["low_muscle_mass"] is pd.NA
        assert row["missing_inputs"] == f"smi ({title} has no BIA cut-off)"
        assert f"SMI: {title} has no cut-off for BIA" in row["reason"]
        assert "sex missing" not in row["reason"].split(";")[0]


def test_woman_with_method_missing_names_the_method_and_why():
    # a woman with SMI 5.0 would be low by EWGSOP1's DXA cut-off (5.5); BIA has none
    row = _one("female", None, 5.0, "ewgsop1")
    assert row["missing_inputs"] == "muscle_mass_method"
    assert (
        "SMI 5.00 kg/m² but muscle_mass_method missing (EWGSOP1 has no SMI cut-off for BIA)"
        in row["reason"]
    )
    # AWGS 2019 women: BIA < 5.7, DXA < 5.4, so 5.55 is decided by the method alone
    row = _one("female", None, 5.55, "awgs2019")
    assert row["low_muscle_mass"] is pd.NA
    assert "muscle_mass_method missing (the cut-offs disagree)" in row["reason"]
    assert "sex" not in row["missing_inputs"].split(", ")


def test_both_missing_names_only_the_one_that_decides():
    # AWGS 2019 men: 7.0 by BIA and DXA; women 5.7 / 5.4: SMI 6.5 is low for a man
    # and normal for a woman whatever the device, so only the sex is missing
    row = _one(None, None, 6.5, "awgs2019")
    assert "SMI 6.50 kg/m² but sex missing (the cut-offs disagree)" in row["reason"]
    names = row["missing_inputs"].split(", ")
    assert "sex" in names and "muscle_mass_method" not in names
    # EWGSOP1, SMI 5.0: low by DXA for either sex, no BIA cut-off: only the method
    row = _one(None, None, 5.0, "ewgsop1")
    assert row["missing_inputs"] == "muscle_mass_method"
    # EWGSOP1, SMI 7.1: DXA men < 7.26 low, women < 5.5 normal: both are needed
    row = _one(None, None, 7.1, "ewgsop1")
    assert row["missing_inputs"] == "muscle_mass_method, sex"
    assert (
        "but sex and muscle_mass_method missing (EWGSOP1 has no SMI cut-off for BIA)"
        in (row["reason"])
    )


def test_decided_rows_are_unchanged():
    row = _one(None, "dxa", 5.0, "ewgsop1")  # below 7.26 and 5.5: low for either sex
    assert bool(row["low_muscle_mass"]) is True
    row = _one("female", "bia", 5.5, "awgs2019")
    assert bool(row["low_muscle_mass"]) is True


def test_an_input_that_could_not_change_the_outcome_is_not_a_reason():
    # slow gait already makes performance low: the chair stand and SPPB that were
    # not done change nothing; only the missing SMI leaves the category open
    row = _one("female", "bia", np.nan, "awgs2019")
    assert row["category"] == "indeterminate"
    assert row["missing_inputs"] == "smi"
