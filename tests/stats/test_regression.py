"""linear_regression against R 4 lm() (fixture from
tests/stats/r/ref_compare_regression_logistic.R) and degenerate designs."""

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import DataError, ModelError, ParameterError, SchemaError
from sarcostat.stats import linear_regression

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
FIXTURE = HERE / "fixtures" / "ref_compare_regression_logistic.json"
REF = json.loads(FIXTURE.read_text())
COHORT = pd.read_csv(HERE / "fixtures" / "sim_cohort.csv")
RTOL = 1e-6


def _close(a, b):
    if b is None:
        return math.isnan(a)
    return a == pytest.approx(b, rel=RTOL, abs=1e-12)


@pytest.mark.parametrize(
    "case",
    REF["regression"],
    ids=lambda c: f"{c['outcome']}~{c['predictor']}+{len(c['covariates'])}",
)
def test_matches_r_lm(case):
    # R: fit <- lm(y ~ x + covs, complete cases); Beta = coef * sd(x) / sd(y)
    if case["sample_covariates"] == case["covariates"]:
        res = linear_regression(
            COHORT,
            outcome=case["outcome"],
            predictor=case["predictor"],
            covariates=case["covariates"],
        )
    else:
        # The unadjusted model on the adjusted model's complete cases.
        res = linear_regression(
            COHORT,
            outcome=case["outcome"],
            predictor=case["predictor"],
            covariates=case["sample_covariates"],
            unadjusted="same",
        ).unadjusted
    assert res.n == case["n"]
    if case["sample_covariates"] == case["covariates"]:
        assert res.n_excluded == case["n_excluded"]
    for field in ("r2", "adj_r2", "f_statistic", "f_df1", "f_df2", "f_p_value"):
        assert _close(getattr(res, field), case[field]), field
    table = res.table.set_index("term")
    assert list(table.index) == list(case["terms"])
    for term, ref in case["terms"].items():
        for col, value in ref.items():
            assert _close(table.loc[term, col], value), (term, col)
        assert table.loc[term, "df"] == case["df"]
        assert table.loc[term, "n"] == case["n"]
    row = res.predictor_row()
    assert row["term"] == case["predictor"]
    assert _close(row["std_beta"], case["terms"][case["predictor"]]["std_beta"])


def _r_case(outcome, covariates, sample_covariates=None):
    sample_covariates = covariates if sample_covariates is None else sample_covariates
    (case,) = [
        c
        for c in REF["regression"]
        if c["outcome"] == outcome
        and c["predictor"] == "biomarker"
        and c["covariates"] == covariates
        and c["sample_covariates"] == sample_covariates
    ]
    return case


def test_unadjusted_and_adjusted_in_one_call():
    covs = ["age_yr", "sex_male", "bmi"]
    both = linear_regression(
        COHORT, outcome="smi", predictor="biomarker", covariates=covs, unadjusted="own"
    )
    # R: lm(smi ~ biomarker) on its own complete cases; lm(smi ~ biomarker + covs)
    unadj, adj = _r_case("smi", []), _r_case("smi", covs)
    assert both.unadjusted.n == unadj["n"] > both.n == adj["n"]
    long = both.to_long_frame()
    assert long["model"].tolist() == ["unadjusted", "adjusted"]
    for col in ("estimate", "se", "std_beta", "p_value", "ci_lower", "ci_upper"):
        assert long[col].tolist() == pytest.approx(
            [unadj["terms"]["biomarker"][col], adj["terms"]["biomarker"][col]], rel=RTOL
        ), col
    assert long["n"].tolist() == [unadj["n"], adj["n"]]
    assert (
        linear_regression(COHORT, outcome="smi", predictor="biomarker", covariates=covs).unadjusted
        is None
    )  # default: one model
    only = linear_regression(COHORT, outcome="smi", predictor="biomarker", unadjusted="own")
    assert only.unadjusted is None and only.to_long_frame()["model"].tolist() == ["unadjusted"]
    with pytest.raises(ParameterError, match="'unadjusted' parameter of linear_regression"):
        linear_regression(COHORT, outcome="smi", predictor="biomarker", unadjusted="yes")


def test_outcome_direction_changes_adjusted_beta():
    # Adjusted Beta of smi-on-biomarker differs from biomarker-on-smi.
    a = linear_regression(
        COHORT, outcome="smi", predictor="biomarker", covariates=["age_yr", "sex_male", "bmi"]
    ).predictor_row()["std_beta"]
    b = linear_regression(
        COHORT, outcome="biomarker", predictor="smi", covariates=["age_yr", "sex_male", "bmi"]
    ).predictor_row()["std_beta"]
    assert abs(a - b) > 0.01


def test_unadjusted_beta_equals_pearson_r():
    cc = COHORT[["smi", "biomarker"]].dropna()
    res = linear_regression(COHORT, outcome="smi", predictor="biomarker")
    assert res.predictor_row()["std_beta"] == pytest.approx(cc.corr().iloc[0, 1], rel=1e-10)


def test_categorical_covariate_dummy_coded_first_level_reference():
    d = COHORT.copy()
    d["sex"] = np.where(d["sex_male"] == 1, "male", "female")
    d.loc[d["sex_male"].isna(), "sex"] = None
    num = linear_regression(
        d, outcome="smi", predictor="biomarker", covariates=["age_yr", "sex_male", "bmi"]
    )
    cat = linear_regression(
        d, outcome="smi", predictor="biomarker", covariates=["age_yr", "sex", "bmi"]
    )
    assert list(cat.table["term"]) == ["(Intercept)", "biomarker", "age_yr", "sex[male]", "bmi"]
    np.testing.assert_allclose(cat.table["estimate"], num.table["estimate"], rtol=1e-10)
    np.testing.assert_allclose(
        cat.table["std_beta"].iloc[1:], num.table["std_beta"].iloc[1:], rtol=1e-10
    )


def test_constant_covariate_message():
    d = COHORT.assign(site=1.0)
    with pytest.raises(
        ModelError,
        match=r"covariate 'site' is constant \(1\) in the analysis "
        r"sample \(n=\d+\); it cannot be estimated",
    ):
        linear_regression(d, outcome="smi", predictor="biomarker", covariates=["site"])
    with pytest.raises(ModelError, match="the outcome 'smi' is constant.*nothing to model"):
        linear_regression(COHORT.assign(smi=5.0), outcome="smi", predictor="biomarker")


def test_collinear_covariates_message():
    d = COHORT.assign(bmi2=COHORT["bmi"] * 2)
    with pytest.raises(ModelError, match="collinear.*bmi.*bmi2"):
        linear_regression(d, outcome="smi", predictor="biomarker", covariates=["bmi", "bmi2"])


def test_too_few_rows():
    d = COHORT.head(3)
    with pytest.raises(ModelError, match="at least 5"):
        linear_regression(d, outcome="smi", predictor="biomarker", covariates=["age_yr", "bmi"])


def test_missing_column_and_bad_options():
    with pytest.raises(SchemaError, match="'nope'"):
        linear_regression(COHORT, outcome="smi", predictor="nope")
    with pytest.raises(ParameterError, match="'confidence' parameter of linear_regression"):
        linear_regression(COHORT, outcome="smi", predictor="biomarker", confidence=95)
    with pytest.raises(ParameterError, match="appears twice"):
        linear_regression(COHORT, outcome="smi", predictor="biomarker", covariates=["smi"])
    with pytest.raises(DataError, match="must be numeric"):
        linear_regression(COHORT, outcome="smi", predictor="group")


def test_non_numeric_value_named_with_participant():
    d = COHORT.astype({"bmi": object})
    d.loc[10, "bmi"] = "23,4"
    with pytest.raises(
        DataError, match=r"'bmi' must be numeric; row index 10 \(id=P011\) has '23,4'"
    ):
        linear_regression(d, outcome="smi", predictor="biomarker", covariates=["bmi"])


def test_confidence_level_changes_interval():
    r90 = linear_regression(COHORT, outcome="smi", predictor="biomarker", confidence=0.90)
    r95 = linear_regression(COHORT, outcome="smi", predictor="biomarker")
    w90 = r90.predictor_row()["ci_upper"] - r90.predictor_row()["ci_lower"]
    w95 = r95.predictor_row()["ci_upper"] - r95.predictor_row()["ci_lower"]
    from scipy import stats

    df = r95.predictor_row()["df"]
    assert w90 / w95 == pytest.approx(stats.t.ppf(0.95, df) / stats.t.ppf(0.975, df), rel=1e-10)


def test_input_not_modified():
    before = COHORT.copy()
    linear_regression(COHORT, outcome="smi", predictor="biomarker", covariates=["sex_male"])
    pd.testing.assert_frame_equal(COHORT, before)


def _assert_same(new, old, where="fixture"):
    if isinstance(old, dict):
        assert set(new) == set(old), where
        for k in old:
            _assert_same(new[k], old[k], f"{where}.{k}")
    elif isinstance(old, list):
        assert len(new) == len(old), where
        for i, (a, b) in enumerate(zip(new, old)):
            _assert_same(a, b, f"{where}[{i}]")
    elif isinstance(old, float):
        assert new == pytest.approx(old, rel=1e-9, abs=1e-300), where
    else:
        assert new == old, where


@pytest.mark.rcheck
def test_regenerate_fixture_with_r(tmp_path):
    """Rerun the R script and check the committed fixture is what R gives."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "ref.json"
    subprocess.run(
        ["Rscript", "tests/stats/r/ref_compare_regression_logistic.R", str(out)],
        cwd=ROOT,
        check=True,
    )
    new, old = json.loads(out.read_text()), dict(REF)
    new.pop("r_version"), old.pop("r_version")
    _assert_same(new, old)
