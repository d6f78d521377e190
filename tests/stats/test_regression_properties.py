"""Invariance properties of linear_regression and or_per_sd (hypothesis):
standardized results do not depend on the predictor's unit."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sarcostat.exceptions import LowEventsWarning
from sarcostat.stats import linear_regression, or_per_sd

COHORT = pd.read_csv(__import__("pathlib").Path(__file__).parent / "fixtures" / "sim_cohort.csv")
COVS = ["age_yr", "sex_male", "bmi"]

scale = st.floats(min_value=1e-3, max_value=1e3).flatmap(lambda a: st.sampled_from([a, -a]))
shift = st.floats(min_value=-1e3, max_value=1e3)


@settings(max_examples=15, deadline=None)
@given(a=scale, b=shift)
def test_std_beta_and_p_invariant_to_affine_predictor_change(a, b):
    base = linear_regression(
        COHORT, outcome="grip_kg", predictor="biomarker", covariates=COVS
    ).predictor_row()
    d = COHORT.assign(biomarker=COHORT["biomarker"] * a + b)
    row = linear_regression(
        d, outcome="grip_kg", predictor="biomarker", covariates=COVS
    ).predictor_row()
    assert row["std_beta"] == pytest.approx(np.sign(a) * base["std_beta"], rel=1e-7)
    assert row["p_value"] == pytest.approx(base["p_value"], rel=1e-6)
    assert row["estimate"] == pytest.approx(base["estimate"] / a, rel=1e-7)


@settings(max_examples=10, deadline=None)
@given(a=scale, b=shift)
def test_or_per_sd_invariant_to_affine_predictor_change(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LowEventsWarning)
        base = or_per_sd(COHORT, outcome="sarcopenia", predictor="biomarker", covariates=COVS)
        res = or_per_sd(
            COHORT.assign(biomarker=COHORT["biomarker"] * a + b),
            outcome="sarcopenia",
            predictor="biomarker",
            covariates=COVS,
        )
    expected = base.odds_ratio if a > 0 else 1 / base.odds_ratio
    assert res.odds_ratio == pytest.approx(expected, rel=1e-6)
    assert res.p_value == pytest.approx(base.p_value, rel=1e-5)
    assert res.sd_predictor == pytest.approx(abs(a) * base.sd_predictor, rel=1e-9)
