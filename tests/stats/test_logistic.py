"""logistic_regression / or_per_sd against R 4 glm(binomial) (fixture from
tests/stats/r/ref_compare_regression_logistic.R); Firth against closed forms;
separation, EPV and bad-outcome handling."""

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import (
    DataError,
    LowEventsWarning,
    ModelError,
    ParameterError,
    SeparationWarning,
)
from sarcostat.stats import logistic_regression, or_per_sd
from sarcostat.stats.logistic import detect_separation, firth_logit

HERE = Path(__file__).parent
REF = json.loads((HERE / "fixtures" / "ref_compare_regression_logistic.json").read_text())
COHORT = pd.read_csv(HERE / "fixtures" / "sim_cohort.csv")
RTOL = 1e-6


@pytest.mark.parametrize(
    "case", REF["logistic"], ids=lambda c: f"{c['outcome']}+{len(c['covariates'])}-sd{c['per_sd']}"
)
def test_matches_r_glm(case):
    # R: glm(y ~ z + covs, binomial); exp(b + c(-1, 1) * qnorm(.975) * se)
    fn = or_per_sd if case["per_sd"] else logistic_regression
    kw = {"predictor" if case["per_sd"] else "predictors": case["predictor"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LowEventsWarning)
        if case["sample_covariates"] == case["covariates"]:
            res = fn(COHORT, outcome=case["outcome"], covariates=case["covariates"], **kw)
        else:
            # Unadjusted model on the adjusted model's complete cases.
            res = fn(
                COHORT,
                outcome=case["outcome"],
                covariates=case["sample_covariates"],
                unadjusted="same",
                **kw,
            ).unadjusted
    assert res.n == case["n"] and res.events == case["events"]
    table = res.table.set_index("term")
    assert list(table.index) == list(case["terms"])
    for term, ref in case["terms"].items():
        for col, value in ref.items():
            # Newton converges to ~1e-8 relative; 1e-6 is the project tolerance.
            assert table.loc[term, col] == pytest.approx(value, rel=RTOL), (term, col)
    ref = case["terms"][case["predictor"]]
    assert res.odds_ratio == pytest.approx(ref["odds_ratio"], rel=RTOL)
    assert res.or_ci_lower == pytest.approx(ref["or_ci_lower"], rel=RTOL)
    assert res.or_ci_upper == pytest.approx(ref["or_ci_upper"], rel=RTOL)
    assert res.coef == pytest.approx(ref["estimate"], rel=RTOL)
    assert res.se == pytest.approx(ref["se"], rel=RTOL)
    assert res.statistic == pytest.approx(ref["statistic"], rel=RTOL)
    assert res.p_value == pytest.approx(ref["p_value"], rel=RTOL)
    if case["per_sd"]:
        assert res.sd_predictor == pytest.approx(case["sd_predictor"], rel=1e-10)
    else:
        assert math.isnan(res.sd_predictor)
    k = 1 + len(case["covariates"])
    assert res.epv == pytest.approx(min(case["events"], case["n"] - case["events"]) / k)
    assert res.method == "ml" and res.separation is None and res.converged
    # R: as.numeric(logLik(fit)); z-scoring the predictor leaves it unchanged.
    assert res.loglik == pytest.approx(case["loglik"], rel=1e-10)


def test_unadjusted_and_adjusted_in_one_call():
    covs = ["age_yr", "sex_male", "bmi"]
    cases = {
        len(c["covariates"]): c
        for c in REF["logistic"]
        if c["outcome"] == "sarcopenia"
        and c["per_sd"]
        and c["sample_covariates"] == c["covariates"]
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LowEventsWarning)
        res = or_per_sd(
            COHORT, outcome="sarcopenia", predictor="biomarker", covariates=covs, unadjusted="own"
        )
    long = res.to_long_frame()
    assert long["model"].tolist() == ["unadjusted", "adjusted"]
    # R: glm(sarcopenia ~ z) and glm(sarcopenia ~ z + covs), each on its own complete cases
    for i, case in enumerate((cases[0], cases[3])):
        ref = case["terms"]["biomarker"]
        for col in ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value"):
            assert long[col].iloc[i] == pytest.approx(ref[col], rel=RTOL), col
        assert long["n"].iloc[i] == case["n"] and long["events"].iloc[i] == case["events"]
    # each model's OR is per SD of its own analysis sample
    assert res.unadjusted.sd_predictor == pytest.approx(cases[0]["sd_predictor"], rel=1e-10)
    assert res.sd_predictor == pytest.approx(cases[3]["sd_predictor"], rel=1e-10)
    assert res.unadjusted.sd_predictor != res.sd_predictor
    with pytest.raises(ParameterError, match="'unadjusted' parameter of logistic_regression"):
        logistic_regression(COHORT, outcome="sarcopenia", predictors="biomarker", unadjusted="both")


def test_per_sd_equals_raw_coefficient_times_sd():
    covs = ["age_yr", "sex_male", "bmi"]
    raw = logistic_regression(
        COHORT, outcome="low_strength", predictors="biomarker", covariates=covs
    )
    per = or_per_sd(COHORT, outcome="low_strength", predictor="biomarker", covariates=covs)
    assert per.coef == pytest.approx(raw.coef * per.sd_predictor, rel=1e-7)
    assert per.p_value == pytest.approx(raw.p_value, rel=1e-6)


def test_low_epv_warns():
    d = COHORT.head(40)
    with pytest.warns(LowEventsWarning, match="events per variable"):
        res = or_per_sd(
            d, outcome="sarcopenia", predictor="biomarker", covariates=["age_yr", "sex_male", "bmi"]
        )
    assert res.epv < 10
    assert any("Events per variable" in n for n in res.notes)


def _separated(quasi: bool):
    x = np.arange(20, dtype=float)
    y = (x >= 10).astype(int)
    if quasi:  # a tie at the boundary: quasi-complete separation
        x = np.r_[x, 9.0]
        y = np.r_[y, 1]
    return pd.DataFrame({"y": y, "x": x})


@pytest.mark.parametrize("quasi,kind", [(False, "complete"), (True, "quasi-complete")])
def test_separation_warns_and_returns_nan(quasi, kind):
    d = _separated(quasi)
    if quasi:
        d.loc[20, "x"] = 9.0
        d.loc[9, "y"] = 0  # x=9 has both outcomes; x>9 all 1, x<9 all 0
    with pytest.warns(SeparationWarning, match=f"{kind} separation of 'y' by x"):
        res = or_per_sd(d, outcome="y", predictor="x")
    assert res.separation == kind
    assert math.isnan(res.odds_ratio) and math.isnan(res.or_ci_upper)
    assert res.table["odds_ratio"].isna().all()
    assert math.isnan(res.loglik)
    assert any("firth=True" in n for n in res.notes)


@pytest.mark.filterwarnings("ignore::sarcostat.exceptions.LowEventsWarning")
def test_quasi_separation_by_categorical_covariate_cell():
    # All participants with sex_male = 1 and high x are events: zero cell.
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"x": rng.normal(size=60), "grp": np.repeat(["a", "b"], 30)})
    d["y"] = (rng.random(60) < 0.4).astype(int)
    d.loc[d["grp"] == "b", "y"] = 0
    with pytest.warns(SeparationWarning, match=r"grp\[b\]"):
        res = logistic_regression(d, outcome="y", predictors="x", covariates="grp")
    assert res.separation == "quasi-complete"
    firth = logistic_regression(d, outcome="y", predictors="x", covariates="grp", firth=True)
    assert np.isfinite(firth.table["estimate"]).all()
    assert firth.table.set_index("term").loc["grp[b]", "estimate"] < -2


def test_no_false_separation_on_cohort():
    X = np.column_stack([np.ones(len(COHORT)), COHORT["biomarker"].fillna(40)])
    assert detect_separation(X, COHORT["sarcopenia"].to_numpy(float))[0] is None


@pytest.mark.filterwarnings("ignore::sarcostat.exceptions.LowEventsWarning")
def test_firth_equals_haldane_corrected_log_odds_ratio():
    # Closed form (Firth 1993; Heinze & Schemper 2002): with one binary
    # covariate the Firth estimate of the log OR is the log OR of the 2x2
    # table with 0.5 added to every cell, and the intercept is the
    # corrected log odds in the reference group.
    a, b, c, e = 9, 3, 4, 11  # x=1: 9 events, 3 non; x=0: 4 events, 11 non
    d = pd.DataFrame(
        {"x": [1] * (a + b) + [0] * (c + e), "y": [1] * a + [0] * b + [1] * c + [0] * e}
    )
    res = logistic_regression(d, outcome="y", predictors="x", firth=True)
    t = res.table.set_index("term")
    assert t.loc["x", "estimate"] == pytest.approx(
        math.log((a + 0.5) * (e + 0.5) / ((b + 0.5) * (c + 0.5))), rel=1e-9
    )
    assert t.loc["(Intercept)", "estimate"] == pytest.approx(
        math.log((c + 0.5) / (e + 0.5)), rel=1e-9
    )
    assert res.method == "firth" and res.converged
    # Separated 2x2 (zero cell): still finite and still the closed form.
    d0 = pd.DataFrame({"x": [1] * 8 + [0] * 10, "y": [1] * 8 + [1] * 3 + [0] * 7})
    r0 = logistic_regression(d0, outcome="y", predictors="x", firth=True)
    assert r0.separation == "quasi-complete"
    assert r0.coef == pytest.approx(math.log(8.5 * 7.5 / (0.5 * 3.5)), rel=1e-9)


def test_firth_penalised_score_is_zero_and_differs_from_ml():
    cc = COHORT[["sarcopenia", "biomarker", "age_yr"]].dropna()
    X = np.column_stack([np.ones(len(cc)), cc["biomarker"], cc["age_yr"]])
    y = cc["sarcopenia"].to_numpy(float)
    beta, cov, converged, _ = firth_logit(X, y)
    p = 1 / (1 + np.exp(-X @ beta))
    w = p * (1 - p)
    info = X.T @ (X * w[:, None])
    h = w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(info), X)
    score = X.T @ (y - p + h * (0.5 - p))
    assert converged
    assert np.max(np.abs(score)) < 1e-8
    np.testing.assert_allclose(cov, np.linalg.inv(info), rtol=1e-8)
    ml = logistic_regression(cc, outcome="sarcopenia", predictors=["biomarker", "age_yr"])
    # Firth shrinks towards zero: |coef| smaller than ML.
    assert abs(beta[1]) < abs(ml.coef)
    # Its result's log likelihood is the penalised one (logistf's loglik):
    # the likelihood at the Firth estimate plus log|I|/2.
    firth = logistic_regression(
        cc, outcome="sarcopenia", predictors=["biomarker", "age_yr"], firth=True
    )
    plain = float(np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)))
    penalty = 0.5 * np.linalg.slogdet(info)[1]
    assert firth.loglik == pytest.approx(plain + penalty, rel=1e-9)
    assert ml.loglik > plain  # the ML estimate maximises the plain likelihood


@pytest.mark.parametrize("bad", [[0, 1, 2, 1, 0, 1], ["yes", "no", "yes", "no", "no", "yes"]])
def test_non_binary_outcome_is_data_error(bad):
    d = pd.DataFrame({"y": bad, "x": [1.0, 2, 3, 4, 5, 6]})
    with pytest.raises(DataError, match="must be coded 0/1 or True/False"):
        or_per_sd(d, outcome="y", predictor="x")


def test_bad_outcome_message_names_participant():
    d = COHORT.copy()
    d.loc[3, "sarcopenia"] = 2
    with pytest.raises(DataError, match=r"row index 3 \(id=P004\) has 2"):
        or_per_sd(d, outcome="sarcopenia", predictor="biomarker")
    d = COHORT.copy()
    d.loc[7, "biomarker"] = -np.inf
    with pytest.raises(DataError, match=r"non-finite.*\(id=P008\)"):
        or_per_sd(d, outcome="sarcopenia", predictor="biomarker")


def test_boolean_outcome_accepted():
    d = COHORT[["sarcopenia", "biomarker"]].dropna()
    b = d.assign(sarcopenia=d["sarcopenia"].astype(bool))
    assert or_per_sd(b, outcome="sarcopenia", predictor="biomarker").odds_ratio == pytest.approx(
        or_per_sd(d, outcome="sarcopenia", predictor="biomarker").odds_ratio
    )


def test_degenerate_designs():
    with pytest.raises(ModelError, match="'site' is constant"):
        or_per_sd(
            COHORT.assign(site=2.0),
            outcome="sarcopenia",
            predictor="biomarker",
            covariates=["site"],
        )
    with pytest.raises(ModelError, match="'y' is constant"):
        or_per_sd(pd.DataFrame({"y": [0] * 5, "x": [1.0, 2, 3, 4, 5]}), outcome="y", predictor="x")
    with pytest.raises(ModelError, match="collinear"):
        or_per_sd(
            COHORT.assign(b2=COHORT["bmi"] + 1),
            outcome="sarcopenia",
            predictor="biomarker",
            covariates=["bmi", "b2"],
        )
    with pytest.raises(ParameterError, match="'firth' parameter"):
        or_per_sd(COHORT, outcome="sarcopenia", predictor="biomarker", firth="yes")
    with pytest.raises(DataError, match="must be numeric"):
        or_per_sd(COHORT, outcome="sarcopenia", predictor="group")


def test_firth_matches_published_endometrial_example():
    # Heinze & Schemper 2002 (doi:10.1002/sim.1047), R logistf(HG ~ NV + PI + EH):
    # NV 2.929, PI -0.035, EH -2.604, intercept 3.775 (8 digits in the fixture).
    # logistf stops at its own convergence tolerance, hence rel 1e-6 is ample.
    ref = json.loads((HERE / "fixtures" / "ref_firth_endometrial.json").read_text())
    d = pd.DataFrame(ref["data"])
    with pytest.warns(SeparationWarning, match="quasi-complete separation of 'HG' by NV"):
        ml = logistic_regression(d, outcome="HG", predictors=["NV", "PI", "EH"])
    assert ml.separation == "quasi-complete" and math.isnan(ml.odds_ratio)
    res = logistic_regression(d, outcome="HG", predictors=["NV", "PI", "EH"], firth=True)
    est = res.table.set_index("term")["estimate"]
    for term, value in ref["logistf"].items():
        assert est[term] == pytest.approx(value, rel=1e-6), term
    assert res.separation == "quasi-complete" and res.meta["separation_terms"] == ["NV"]
    assert any("Firth" in n for n in res.notes)


@pytest.mark.parametrize("events,warns", [(10, False), (9, True)])
def test_epv_boundary(events, warns):
    # Rule (Peduzzi et al. 1996): warn when events per variable < 10; exactly 10 is fine.
    x = np.arange(40, dtype=float)
    y = np.zeros(40, int)
    y[np.linspace(1, 38, events).astype(int)] = 1  # spread out: no separation
    d = pd.DataFrame({"y": y, "x": x})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = or_per_sd(d, outcome="y", predictor="x")
    got = any(issubclass(w.category, LowEventsWarning) for w in caught)
    assert res.events == events and res.epv == events
    assert got is warns


@pytest.mark.filterwarnings("ignore::sarcostat.exceptions.LowEventsWarning")
@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_wald_interval_uses_the_normal_quantile(confidence):
    # SPSS "95% C.I. for EXP(B)" = exp(B +- 1.959964 SE): z, not t, even for small n.
    from scipy import stats

    d = COHORT.head(25)
    res = or_per_sd(d, outcome="sarcopenia", predictor="biomarker", confidence=confidence)
    row = res.predictor_row()
    z = stats.norm.ppf(0.5 + confidence / 2)
    assert (row["ci_upper"] - row["estimate"]) / row["se"] == pytest.approx(z, rel=1e-12)
    assert row["or_ci_lower"] == pytest.approx(math.exp(row["estimate"] - z * row["se"]))
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(row["estimate"] / row["se"])))
