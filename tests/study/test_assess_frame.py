"""The assessment step of ``analyze`` (`sarcostat.study.run._assess`): the
cohort's columns are not copied, and the SPS reuses the AWGS 2019 flags."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify
from sarcostat.assess.sps import sarcopenia_phenotype_score, sps_from_flags
from sarcostat.datasets import demo_cohort_path, demo_mapping_path
from sarcostat.io import read_cohort
from sarcostat.study.plan import Plan
from sarcostat.study.registry import StepLog
from sarcostat.study.run import _assess


@pytest.fixture(scope="module")
def cohort():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_cohort(demo_cohort_path(), demo_mapping_path()).data


def test_assessment_adds_columns_without_copying_the_cohort(cohort):
    before = cohort.copy()
    out, _, _ = _assess(cohort, Plan(), StepLog())
    assert np.shares_memory(out["age_yr"].to_numpy(), cohort["age_yr"].to_numpy())
    assert {"sex_male", "sarcopenia", "sps", "sppb_total"} <= set(out.columns)
    assert list(out.columns[: len(cohort.columns)]) == list(cohort.columns)
    pd.testing.assert_frame_equal(cohort, before)  # the cohort is unchanged


@pytest.mark.parametrize("definition", ["awgs2019", "ewgsop2"])
def test_sps_is_the_same_from_the_classification_flags(cohort, definition):
    plan = Plan().replace(assessment={"definition": definition})
    out, _, _ = _assess(cohort, plan, StepLog())
    direct = sarcopenia_phenotype_score(out)
    pd.testing.assert_series_equal(
        out["sps"], pd.to_numeric(direct, errors="coerce").astype(float), check_names=False
    )
    flags = classify(out, "awgs2019")
    pd.testing.assert_series_equal(sps_from_flags(flags), direct)
    assert direct.notna().sum() > 100 and set(direct.dropna()) == {0, 1, 2, 3}


@pytest.mark.parametrize(
    ("where", "missing"),
    [(None, True), (0, False), (1023, False), (1024, False), (2999, False)],
)
def test_a_needed_column_counts_as_missing_only_when_it_has_no_value(cohort, where, missing):
    from sarcostat.study.run import _missing_columns

    out, _, _ = _assess(cohort, Plan(), StepLog())
    big = out.iloc[np.arange(3000) % len(out)].reset_index(drop=True)
    grip = np.full(len(big), np.nan)
    if where is not None:
        grip[where] = 30.0  # one value, before or after the first 1,024 rows
    big["grip_kg"] = grip
    bm = Plan().biomarker.column
    found = _missing_columns(big, Plan(), bm)
    assert ("grip_kg" in found) == missing
    assert len(found) == len(set(found))  # each column listed once
    assert "smi" not in found


def test_an_unmeasured_alternative_test_is_noted_and_left_out(cohort):
    # A cohort without any chair-stand time (UK Biobank measured grip and gait
    # speed only): AWGS 2019 low performance by gait speed alone, with a note;
    # the SPPB cannot be scored without its chair-stand part either.
    chair = [c for c in cohort.columns if c.startswith("chair_stand")]
    log = StepLog()
    out, indeterminate, left = _assess(cohort.drop(columns=chair), Plan(), log)
    assert left == ("chair_stand_5x_s", "sppb_total")
    notes = [t for t in log.items if "not measured in this cohort" in t]
    assert notes == [
        "Classification: AWGS 2019: 5× chair stand and SPPB not measured in this cohort (no "
        "participant has a value); AWGS 2019 accepts any one of its listed tests, so the "
        "criteria that list them are decided by the tests that were done."
    ]
    speed = out["gait_speed_m_s"].to_numpy()
    measured = ~np.isnan(speed)
    low = out["low_performance"].to_numpy(dtype=float, na_value=np.nan)
    assert np.array_equal(low[measured], (speed[measured] < 1.0).astype(float))
    assert indeterminate["low_performance"] == int((~measured).sum())
    # the full cohort: nothing left out, no note
    log = StepLog()
    assert _assess(cohort, Plan(), log)[2] == ()
    assert not [t for t in log.items if "not measured" in t]
