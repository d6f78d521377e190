"""At biobank scale the study's numbers are a direct statsmodels fit's.

One simulated cohort of 10**6 participants (``sarcostat simulate``), the
seed study's Table 2 (adjusted B and standardized beta), Table 3 (adjusted
OR per SD) and Figure 1 (adjusted ANCOVA LS means) from ``sarcostat.analyze``,
each compared with statsmodels OLS / Logit fitted here on the same complete
cases. Slow (about a minute on one core): ``make test-all``.
"""

import numpy as np
import pytest
import statsmodels.api as sm

import sarcostat
from sarcostat.cli import main

pytestmark = pytest.mark.slow

N = 10**6
COVARIATES = ["age_yr", "sex_male", "bmi"]
RTOL = 1e-6


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    folder = tmp_path_factory.mktemp("large")
    csv = folder / "cohort.csv"
    assert main(["simulate", "--n", str(N), "--seed", "5", "-o", str(csv), "-q"]) == 0
    plan = {"study": {"steps": ["table2", "table3", "fig1"]}}
    return sarcostat.analyze(csv, plan=plan, mapping=csv.with_suffix(".toml"))


def _sample(res, outcome):
    cols = [outcome, res.biomarker, *COVARIATES]
    return res.data[cols].astype(float).dropna()


def test_cohort_is_biobank_sized(result):
    assert result.cohort["n"] == N
    assert result.cohort["n_biomarker"] > 0.99 * N


def test_table2_adjusted_equals_statsmodels_ols(result):
    t2 = result.frames["table2"].set_index(["outcome", "model"])
    checked = 0
    for outcome in result.plan.outcomes.continuous:
        d = _sample(result, outcome)
        fit = sm.OLS(d[outcome], sm.add_constant(d[[result.biomarker, *COVARIATES]])).fit()
        row = t2.loc[(outcome, "adjusted")]
        b = fit.params[result.biomarker]
        assert row["n"] == len(d) > 0.9 * N
        np.testing.assert_allclose(row["estimate"], b, rtol=RTOL)
        np.testing.assert_allclose(row["se"], fit.bse[result.biomarker], rtol=RTOL)
        std = b * d[result.biomarker].std() / d[outcome].std()
        np.testing.assert_allclose(row["std_beta"], std, rtol=RTOL)
        checked += 1
    assert checked == len(result.plan.outcomes.continuous) >= 5


def test_table3_adjusted_equals_statsmodels_logit(result):
    t3 = result.frames["table3"].set_index(["outcome", "model"])
    for status in result.plan.outcomes.binary:
        d = _sample(result, status)
        fit = sm.Logit(d[status], sm.add_constant(d[[result.biomarker, *COVARIATES]])).fit(
            disp=0, tol=1e-12, maxiter=100
        )
        row = t3.loc[(status, "adjusted")]
        sd = d[result.biomarker].std()
        assert row["n"] == len(d) and row["events"] == int(d[status].sum())
        np.testing.assert_allclose(row["sd"], sd, rtol=1e-12)
        np.testing.assert_allclose(row["estimate"], fit.params[result.biomarker] * sd, rtol=RTOL)
        np.testing.assert_allclose(row["se"], fit.bse[result.biomarker] * sd, rtol=RTOL)
        np.testing.assert_allclose(
            row["odds_ratio"], np.exp(fit.params[result.biomarker] * sd), rtol=RTOL
        )


def test_figure1_adjusted_ls_means_equal_statsmodels_ancova(result):
    f1 = result.frames["fig1"]
    bm = result.biomarker
    for status in result.plan.figure1.statuses:
        d = result.data[[bm, status, *COVARIATES]].astype(float).dropna()
        X = sm.add_constant(d[[status, *COVARIATES]])
        fit = sm.OLS(d[bm], X).fit()
        # LS means: covariates at their sample means (sex as the proportion of men).
        at = X.mean()
        for level, value in (("with", 1.0), ("without", 0.0)):
            at[status] = value
            cov = fit.cov_params().to_numpy()
            est = float(at.to_numpy() @ fit.params.to_numpy())
            se = float(np.sqrt(at.to_numpy() @ cov @ at.to_numpy()))
            row = f1[
                (f1["status"] == status) & (f1["level"] == level) & (f1["model"] == "adjusted")
            ]
            assert len(row) == 1
            np.testing.assert_allclose(row["estimate"].iloc[0], est, rtol=RTOL)
            np.testing.assert_allclose(row["se"].iloc[0], se, rtol=RTOL)
        np.testing.assert_allclose(
            row["p_value"].iloc[0], max(fit.pvalues[status], 1e-300), rtol=1e-4, atol=1e-300
        )
