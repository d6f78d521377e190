"""Each screen row equals the single-biomarker model on that biomarker's
complete cases (SPSS listwise), to 1e-8 relative in float64.

Independent references: statsmodels OLS/Logit fitted per biomarker, and the
package's own single-biomarker functions ``linear_regression`` /
``or_per_sd`` (required by the screening issue: the engine must equal them).
"""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sarcostat.stats.screen import screen

RTOL = 1e-8
COVS = ["age_yr", "sex_male", "bmi"]


def _sample(cohort, bio, outcome, x, covs):
    d = cohort.merge(bio, on="id")
    return d[[outcome, x, *covs]].dropna()


def _row(res, outcome, x):
    t = res.table
    return t[(t["outcome"] == outcome) & (t["biomarker"] == x)].iloc[0]


@pytest.mark.parametrize("covs", [COVS, []], ids=["adjusted", "unadjusted"])
@pytest.mark.parametrize("outcome", ["smi", "grip_kg"])
def test_linear_equals_statsmodels_ols(data, covs, outcome):
    cohort, bio = data
    res = screen(cohort, bio, outcomes=outcome, covariates=covs, chunk_size=5)
    for x in bio.columns[1:]:
        s = _sample(cohort, bio, outcome, x, covs)
        X = sm.add_constant(s[[x, *covs]].to_numpy(), has_constant="add")
        fit = sm.OLS(s[outcome].to_numpy(), X).fit()
        r = _row(res, outcome, x)
        assert r["n"] == len(s)
        np.testing.assert_allclose(
            [r["estimate"], r["se"], r["statistic"], r["p_value"], r["df"]],
            [fit.params[1], fit.bse[1], fit.tvalues[1], fit.pvalues[1], fit.df_resid],
            rtol=RTOL,
        )
        ci = fit.conf_int()[1]
        np.testing.assert_allclose([r["ci_lower"], r["ci_upper"]], ci, rtol=RTOL)
        sb = fit.params[1] * s[x].std(ddof=1) / s[outcome].std(ddof=1)
        np.testing.assert_allclose(r["std_beta"], sb, rtol=RTOL)


@pytest.mark.parametrize("covs", [COVS, []], ids=["adjusted", "unadjusted"])
def test_logistic_equals_statsmodels_logit(data, covs):
    cohort, bio = data
    res = screen(cohort, bio, outcomes="sarcopenia", covariates=covs, chunk_size=5)
    for x in bio.columns[1:]:
        s = _sample(cohort, bio, "sarcopenia", x, covs)
        sd = s[x].std(ddof=1)
        z = (s[x] - s[x].mean()) / sd
        X = sm.add_constant(np.column_stack([z, s[covs].to_numpy()]), has_constant="add")
        fit = sm.Logit(s["sarcopenia"].to_numpy(), X).fit(
            disp=0, method="newton", tol=1e-14, maxiter=100
        )
        r = _row(res, "sarcopenia", x)
        assert r["n"] == len(s) and r["events"] == s["sarcopenia"].sum()
        ci = fit.conf_int()[1]
        np.testing.assert_allclose(
            [
                r["estimate"],
                r["se"],
                r["statistic"],
                r["p_value"],
                r["odds_ratio"],
                r["or_ci_lower"],
                r["or_ci_upper"],
                r["sd_biomarker"],
            ],
            [
                fit.params[1],
                fit.bse[1],
                fit.tvalues[1],
                fit.pvalues[1],
                np.exp(fit.params[1]),
                np.exp(ci[0]),
                np.exp(ci[1]),
                sd,
            ],
            rtol=RTOL,
        )


regression = pytest.importorskip("sarcostat.stats.regression")


@pytest.mark.parametrize("covs", [COVS, []], ids=["adjusted", "unadjusted"])
def test_linear_equals_linear_regression(data, covs):
    cohort, bio = data
    d = cohort.merge(bio, on="id")
    res = screen(cohort, bio, outcomes=["smi", "grip_kg"], covariates=covs, chunk_size=4)
    for outcome in ("smi", "grip_kg"):
        for x in bio.columns[1:]:
            ref = regression.linear_regression(d, outcome=outcome, predictor=x, covariates=covs)
            want = ref.predictor_row()
            r = _row(res, outcome, x)
            assert r["n"] == ref.n
            for col in (
                "estimate",
                "se",
                "std_beta",
                "statistic",
                "df",
                "p_value",
                "ci_lower",
                "ci_upper",
            ):
                np.testing.assert_allclose(r[col], want[col], rtol=RTOL, err_msg=f"{x} {col}")


@pytest.mark.parametrize("covs", [COVS, []], ids=["adjusted", "unadjusted"])
@pytest.mark.parametrize("firth", [False, True], ids=["ml", "firth"])
def test_logistic_equals_or_per_sd(data, covs, firth):
    logistic = pytest.importorskip("sarcostat.stats.logistic")
    cohort, bio = data
    d = cohort.merge(bio, on="id")
    res = screen(cohort, bio, outcomes="sarcopenia", covariates=covs, firth=firth, chunk_size=7)
    for x in bio.columns[1:]:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref = logistic.or_per_sd(
                d, outcome="sarcopenia", predictor=x, covariates=covs, firth=firth
            )
        r = _row(res, "sarcopenia", x)
        assert r["n"] == ref.n and r["events"] == ref.events
        assert r["model"] == ("logistic-firth" if firth else "logistic")
        np.testing.assert_allclose(
            [r["estimate"], r["se"], r["p_value"], r["odds_ratio"], r["sd_biomarker"]],
            [ref.coef, ref.se, ref.p_value, ref.odds_ratio, ref.sd_predictor],
            rtol=RTOL,
            err_msg=x,
        )
        if not firth:  # or_per_sd's Firth CI is profile-likelihood, ours Wald
            np.testing.assert_allclose(
                [r["or_ci_lower"], r["or_ci_upper"]], [ref.or_ci_lower, ref.or_ci_upper], rtol=RTOL
            )


def test_missing_covariate_and_outcome_rows_are_dropped_per_outcome(data):
    # smi and sarcopenia have different missing rows: n differs per outcome.
    cohort, bio = data
    res = screen(cohort, bio, outcomes=["smi", "grip_kg", "sarcopenia"], covariates=COVS)
    d = cohort.merge(bio, on="id")
    for outcome in ("smi", "grip_kg", "sarcopenia"):
        want = d[[outcome, "x3", *COVS]].dropna().shape[0]
        assert _row(res, outcome, "x3")["n"] == want
    ns = {o: _row(res, o, "x3")["n"] for o in ("smi", "grip_kg", "sarcopenia")}
    assert len(set(ns.values())) == 3


def test_score_prescreen_equals_rao_score_test_without_missing_values():
    from screen_testdata import make_data

    cohort, bio = make_data(n=250, p=6, seed=3, missing=0.0)
    cohort = cohort.dropna(subset=["sarcopenia", "bmi"]).reset_index(drop=True)
    res = screen(cohort, bio, outcomes="sarcopenia", covariates=COVS, prescreen=1e-300)
    d = cohort.merge(bio, on="id")
    y = d["sarcopenia"].to_numpy()
    Z = sm.add_constant(d[COVS].to_numpy())
    null = sm.Logit(y, Z).fit(disp=0, tol=1e-14, method="newton")
    for x in bio.columns[1:]:
        X = np.column_stack([Z, d[x].to_numpy()])
        mod = sm.Logit(y, X)
        theta = np.r_[null.params, 0.0]
        u = mod.score(theta)
        stat = u @ np.linalg.solve(-mod.hessian(theta), u)
        r = _row(res, "sarcopenia", x)
        assert r["model"] == "score"
        np.testing.assert_allclose(r["statistic"], stat, rtol=RTOL)


def test_prescreen_fits_only_promising_biomarkers(data):
    cohort, bio = data
    full = screen(cohort, bio, outcomes="sarcopenia", covariates=COVS)
    pre = screen(cohort, bio, outcomes="sarcopenia", covariates=COVS, prescreen=0.01)
    fitted = pre.table[pre.table["model"] == "logistic"]
    assert "x0" in set(fitted["biomarker"])  # the simulated signal passes
    assert (pre.table["model"] == "score").any()
    merged = fitted.merge(full.table, on="biomarker", suffixes=("", "_full"))
    np.testing.assert_allclose(merged["odds_ratio"], merged["odds_ratio_full"], rtol=1e-12)


def test_large_offset_biomarker_keeps_full_precision(data):
    # A biomarker measured far from zero (mean 1e6, SD ~1): normal equations on
    # the raw values would lose ~12 digits; centring keeps the 1e-8 agreement.
    cohort, bio = data
    rng = np.random.default_rng(5)
    big = bio[["id"]].assign(big=1e6 + rng.normal(size=len(bio)) + 0.01 * cohort["smi"].fillna(7))
    big.loc[::9, "big"] = np.nan
    res = screen(cohort, big, outcomes=["smi", "sarcopenia"], covariates=COVS)
    s = _sample(cohort, big, "smi", "big", COVS)
    X = sm.add_constant(s[["big", *COVS]].to_numpy() - [1e6, 0, 0, 0], has_constant="add")
    fit = sm.OLS(s["smi"].to_numpy(), X).fit()
    r = _row(res, "smi", "big")
    np.testing.assert_allclose(
        [r["estimate"], r["se"], r["p_value"]],
        [fit.params[1], fit.bse[1], fit.pvalues[1]],
        rtol=RTOL,
    )


@pytest.mark.parametrize("missing", [0.0, 0.4], ids=["complete", "many-missing"])
def test_linear_equals_ols_without_and_with_many_missing_values(missing):
    from screen_testdata import make_data

    cohort, bio = make_data(n=200, p=5, seed=9, missing=missing, binary=False)
    res = screen(cohort, bio, outcomes="smi", covariates=COVS)
    for x in bio.columns[1:]:
        s = _sample(cohort, bio, "smi", x, COVS)
        fit = sm.OLS(
            s["smi"].to_numpy(), sm.add_constant(s[[x, *COVS]].to_numpy(), has_constant="add")
        ).fit()
        r = _row(res, "smi", x)
        assert r["n"] == len(s)
        np.testing.assert_allclose(
            [r["estimate"], r["se"], r["p_value"]],
            [fit.params[1], fit.bse[1], fit.pvalues[1]],
            rtol=RTOL,
        )


def test_logistic_heavy_tailed_biomarkers_with_strong_effects():
    """Heavy tails (t with 3 df) and large odds ratios: the Newton passes'
    moved information and Halley-corrected steps still give statsmodels'
    estimate, SE and p to 1e-8 (a looser step tolerance missed the SE of
    such a biomarker by 1.6e-9)."""
    rng = np.random.default_rng(11)
    n, p = 4000, 12
    cohort = pd.DataFrame(
        {
            "id": [f"P{i}" for i in range(n)],
            "age_yr": rng.normal(70, 6, n),
            "sex_male": rng.integers(0, 2, n),
            "bmi": rng.normal(24, 3, n),
        }
    )
    X = rng.standard_t(3, (n, p)) * rng.uniform(0.5, 30, p) + rng.uniform(-50, 500, p)
    X[rng.random((n, p)) < 0.08] = np.nan
    lin = -0.8 + sum(
        b * np.clip(np.nan_to_num((X[:, j] - np.nanmean(X[:, j])) / np.nanstd(X[:, j])), -4, 4)
        for j, b in ((0, 1.2), (1, -0.9), (2, 0.5))
    )
    cohort["sarcopenia"] = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(float)
    bio = pd.DataFrame(X, columns=[f"t{j}" for j in range(p)])
    bio.insert(0, "id", cohort["id"])
    res = screen(cohort, bio, outcomes="sarcopenia", covariates=COVS, chunk_size=8)
    for x in bio.columns[1:]:
        s = _sample(cohort, bio, "sarcopenia", x, COVS)
        z = (s[x] - s[x].mean()) / s[x].std(ddof=1)
        D = sm.add_constant(np.column_stack([z, s[COVS].to_numpy()]), has_constant="add")
        fit = sm.Logit(s["sarcopenia"].to_numpy(), D).fit(
            disp=0, method="newton", tol=1e-14, maxiter=100
        )
        r = _row(res, "sarcopenia", x)
        np.testing.assert_allclose(
            [r["estimate"], r["se"], r["p_value"]],
            [fit.params[1], fit.bse[1], fit.pvalues[1]],
            rtol=RTOL,
        )
