"""SARC-CalF (Barbosa-Silva 2016) with the AWGS 2019 calf cut-offs, both sides, each sex."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify, sarc_calf


@pytest.mark.parametrize(
    "sex,calf,expect",
    [
        ("male", 33.9, 13.0),
        ("male", 34.0, 3.0),
        ("female", 32.9, 13.0),
        ("female", 33.0, 3.0),
        (None, 32.9, 13.0),
        (None, 34.0, 3.0),
        (None, 33.5, np.nan),  # low for women only
        ("male", np.nan, np.nan),
    ],
)
def test_score_adds_ten_below_the_calf_cutoff(sex, calf, expect):
    got = sarc_calf(
        pd.DataFrame({"sex": [sex], "sarc_f_total": [3.0], "calf_circumference_cm": [calf]})
    )
    assert got.iloc[0] == pytest.approx(expect, nan_ok=True)


def test_missing_sarc_f_is_missing_and_items_are_summed():
    df = pd.DataFrame(
        {
            "sex": ["male", "male"],
            "sarc_f_total": [np.nan, np.nan],
            "calf_circumference_cm": [30.0, 30.0],
            "sarc_f_strength": [1, np.nan],
            "sarc_f_walking": [0, 0],
            "sarc_f_chair": [0, 0],
            "sarc_f_stairs": [0, 0],
            "sarc_f_falls": [0, 0],
        }
    )
    out = sarc_calf(df)
    assert out.iloc[0] == 11.0 and np.isnan(out.iloc[1])


def test_awgs2019_case_finding_flags():
    df = pd.DataFrame(
        {
            "sex": ["female", "female", "male", "male"],
            "sarc_f_total": [1.0, 0.0, 4.0, np.nan],
            "calf_circumference_cm": [32.0, 32.0, 40.0, 40.0],
        }
    )
    out = classify(df, "awgs2019")
    assert out["sarc_calf_positive"].tolist() == [True, False, False, pd.NA]
    assert out["sarc_f_positive"].tolist() == [False, False, True, pd.NA]
    assert out["low_calf"].tolist() == [True, True, False, False]
    # Kleene OR: a low calf decides case finding even with SARC-F missing
    assert out["case_finding"].tolist() == [True, True, True, pd.NA]
    assert "SARC-CalF 11 ≥ 11 points" in out["reason"].iloc[0]
