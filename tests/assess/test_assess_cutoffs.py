"""Boundary tests on both sides of every cut-off, for each sex and device.

The rows are generated from each definition's CUTOFFS table so that no
threshold escapes a test; hand-written cases below pin the AWGS 2019 numbers
independently of the table.
"""

import math

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify, cutoff_table, list_definitions
from sarcostat.assess.definitions import REGISTRY

_COLUMN = {
    "gait_speed_m_s": "gait_speed_m_s",
    "smi": "smi",
    "asm_kg": "asm_kg",
    "grip_kg": "grip_kg",
    "chair_stand_5x_s": "chair_stand_5x_s",
    "sppb_total": "sppb_total",
    "tug_s": "tug_s",
    "calf_circumference_cm": "calf_circumference_cm",
    "sarc_f_total": "sarc_f_total",
}


def _normal(cut):
    # a value on the normal side of every cut-off of that measure
    return 1e3 if cut.operator in ("<", "<=") else 0.0


def _row(defn, cut, value, sex, device):
    row = {"sex": sex, "muscle_mass_method": device}
    # other measures of the same criterion sit on the normal side so the
    # criterion flag is decided by the measure under test alone
    for other in defn.cutoffs:
        if other.criterion == cut.criterion and other.measure != cut.measure:
            if other.measure == "alm_bmi":
                row["asm_kg"], row["bmi"] = _normal(other), 1.0
            else:
                row[_COLUMN[other.measure]] = _normal(other)
    if cut.measure == "alm_bmi":
        row["asm_kg"], row["bmi"] = value, 1.0
    elif cut.measure == "sarc_calf":
        # SARC-CalF = SARC-F + 10 with a calf low for both sexes
        row["sarc_f_total"], row["calf_circumference_cm"] = value - 10.0, 20.0
    else:
        row[_COLUMN[cut.measure]] = value
    return row


def _cases():
    for defn in REGISTRY.values():
        for cut in defn.cutoffs:
            sexes = ["male", "female"] if cut.sex == "any" else [cut.sex]
            devices = ["bia", "dxa"] if cut.device == "any" else [cut.device]
            for sex in sexes:
                for device in devices:
                    yield pytest.param(
                        defn,
                        cut,
                        sex,
                        device,
                        id=f"{defn.name}-{cut.criterion}-{cut.measure}-{sex}-{device}",
                    )


@pytest.mark.parametrize("defn,cut,sex,device", list(_cases()))
def test_both_sides_of_every_cutoff(defn, cut, sex, device):
    # scores are whole points; measured quantities are recorded to 0.01 (0.001 for ALM/BMI)
    eps = 1.0 if cut.unit == "points" else 0.001 if cut.value < 2 else 0.01
    below, at, above = cut.value - eps, cut.value, cut.value + eps
    rows = [_row(defn, cut, v, sex, device) for v in (below, at, above)]
    flags = classify(pd.DataFrame(rows), defn.name)[cut.criterion].tolist()
    expect = {
        "<": [True, False, False],
        "<=": [True, True, False],
        ">": [False, False, True],
        ">=": [False, True, True],
    }[cut.operator]
    assert flags == expect


def test_awgs2019_numbers_pinned():
    # Chen 2020: BIA <7.0/<5.7, DXA <7.0/<5.4, grip <28/<18, gait <1.0, chair >=12, SPPB <=9
    df = pd.DataFrame(
        {
            "sex": ["female", "female", "female", "female", "male", "male"],
            "muscle_mass_method": ["bia", "bia", "dxa", "dxa", "bia", "dxa"],
            "smi": [5.69, 5.70, 5.39, 5.40, 6.99, 7.00],
            "grip_kg": [17.9, 18.0, 17.9, 18.0, 27.9, 28.0],
            "gait_speed_m_s": [0.99, 1.0, 0.99, 1.0, 0.99, 1.0],
            "chair_stand_5x_s": [12.0, 11.99, 12.0, 11.99, 12.0, 11.99],
            "sppb_total": [9, 10, 9, 10, 9, 10],
        }
    )
    out = classify(df, "awgs2019")
    pattern = [True, False, True, False, True, False]
    for col in ("low_muscle_mass", "low_strength", "slow_gait", "slow_chair_stand", "low_sppb"):
        assert out[col].tolist() == pattern, col


def test_dxa_cutoff_never_applied_to_bia():
    # 5.5 kg/m² in a woman: low by BIA (<5.7), not low by DXA (<5.4)
    df = pd.DataFrame(
        {"sex": ["female", "female"], "muscle_mass_method": ["bia", "dxa"], "smi": [5.5, 5.5]}
    )
    assert classify(df, "awgs2019")["low_muscle_mass"].tolist() == [True, False]


def test_definition_without_device_cutoff_is_undecided():
    # IWGS and FNIH lean-mass cut-offs are DXA only; a BIA row stays <NA>
    df = pd.DataFrame(
        {
            "sex": ["male"],
            "muscle_mass_method": ["bia"],
            "smi": [5.0],
            "asm_kg": [10.0],
            "bmi": [30.0],
        }
    )
    assert classify(df, "iwgs2011")["low_muscle_mass"].iloc[0] is pd.NA
    assert classify(df, "fnih2014")["low_muscle_mass"].iloc[0] is pd.NA
    assert "has no BIA cut-off" in classify(df, "iwgs2011")["missing_inputs"].iloc[0]


def test_every_cutoff_row_names_source_and_device():
    tab = cutoff_table("all")
    assert (tab["source"].str.len() > 10).all()
    assert set(tab["device"]) <= {"any", "bia", "dxa"}
    assert set(tab["definition"]) == set(REGISTRY)


def test_unverified_cutoffs_are_listed():
    defs = list_definitions().set_index("definition")
    assert defs.loc["awgs2019", "n_unverified"] == 0
    assert defs.loc["awgs2014", "n_unverified"] == len(REGISTRY["awgs2014"].cutoffs)
    assert defs.loc["ewgsop1", "n_unverified"] == len(REGISTRY["ewgsop1"].cutoffs)


def test_citations_carry_doi():
    for d in REGISTRY.values():
        assert "doi:10." in d.citation


def test_unable_counts_as_abnormal_but_not_as_a_number():
    df = pd.DataFrame(
        {
            "sex": ["male"],
            "chair_stand_5x_s": [np.nan],
            "chair_stand_unable": [True],
            "gait_speed_m_s": [np.nan],
            "gait_unable": [True],
        }
    )
    aw = classify(df, "awgs2019")
    ew = classify(df, "ewgsop2")
    assert bool(aw["slow_chair_stand"].iloc[0]) and bool(aw["slow_gait"].iloc[0])
    assert bool(ew["low_strength"].iloc[0]) and bool(ew["low_performance"].iloc[0])
    assert math.isnan(df["chair_stand_5x_s"].iloc[0])  # input untouched


def test_bad_sex_value_is_a_data_error():
    from sarcostat.exceptions import DataError

    df = pd.DataFrame({"id": ["S1"], "sex": ["M"], "smi": [6.0]})
    with pytest.raises(DataError, match="S1.*'sex'.*'M'"):
        classify(df, "awgs2019")


def test_unknown_definition_is_a_parameter_error():
    from sarcostat.exceptions import ParameterError

    with pytest.raises(ParameterError, match="'definition' parameter of classify"):
        classify(pd.DataFrame({"sex": ["male"]}), "awgs2025")


def test_docs_cutoff_tables_are_in_sync():
    from pathlib import Path

    from sarcostat.assess import cutoffs_markdown as _cutoffs_markdown

    doc = (Path(__file__).parents[2] / "docs" / "definitions.md").read_text(encoding="utf-8")
    start = doc.index("-->", doc.index("BEGIN CUTOFFS")) + 4
    end = doc.index("<!-- END CUTOFFS -->")
    assert doc[start:end] == _cutoffs_markdown(), "regenerate the tables in docs/definitions.md"
