"""ROC, restricted cubic splines, quartile ORs, log effects and descriptives
against R (pROC 1.18, rms 6.5, stats): fixture from
tests/stats/r/ref_supp_stats.R on the demo cohort and on a copy with missing
values (tests/stats/fixtures/make_supp_cohorts.py); every number to 1e-6."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import ModelError, ParameterError
from sarcostat.stats.describe import (
    clopper_pearson,
    describe_continuous,
    percentile_haverage,
)
from sarcostat.stats.dose_response import log_effects, quartile_odds_ratios
from sarcostat.stats.roc import roc_analysis
from sarcostat.stats.splines import rcs_basis, rcs_knots, spline_regression
from sarcostat.stats.trend import quartiles

HERE = Path(__file__).parent
REF = json.loads((HERE / "fixtures" / "ref_supp_stats.json").read_text())
COVS = ["age_yr", "sex_male", "bmi"]
BM = "sclerostin"
RTOL = 1e-6


def _cohort(name):
    return pd.read_csv(HERE / "fixtures" / f"supp_{name}.csv")


def close(actual, expected, what=""):
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=1e-12, err_msg=what)


COHORTS = ["demo", "missing"]


# --- ROC ----------------------------------------------------------------------
def _check_roc(res, ref, what):
    # R: r <- roc(y, x, direction = "auto"); auc(r); ci.auc(r, method = "delong")
    assert res.direction == ref["direction"], what
    assert (res.n_cases, res.n_controls) == (ref["n_cases"], ref["n_controls"]), what
    close(res.auc, ref["auc"], what)
    close([res.auc_ci_lower, res.auc_ci_upper], [ref["auc_ci_lower"], ref["auc_ci_upper"]], what)
    # R: coords(r, x = "best", best.method = "youden"): first row, all rows
    close(res.threshold, ref["threshold"], what)
    close([res.sensitivity, res.specificity], [ref["sensitivity"], ref["specificity"]], what)
    assert (res.tp, res.tn) == (ref["tp"], ref["tn"]), what
    close(list(res.tied_thresholds), ref["tied_thresholds"], what)
    # R: binom.test(tp, n_cases)$conf.int
    close([res.sensitivity_ci_lower, res.sensitivity_ci_upper], ref["sensitivity_ci"], what)
    close([res.specificity_ci_lower, res.specificity_ci_upper], ref["specificity_ci"], what)


@pytest.mark.parametrize("cohort", COHORTS)
def test_roc_matches_proc_overall_and_by_sex(cohort):
    d = _cohort(cohort)
    for ref in REF[cohort]["roc"]:
        sub = d
        if ref["stratum"] != "all":
            sub = d[d["sex_male"] == (1 if ref["stratum"] == "male" else 0)]
        res = roc_analysis(sub, outcome=ref["outcome"], marker=BM)
        _check_roc(res, ref, f"{cohort} {ref['outcome']} {ref['stratum']}")


@pytest.mark.parametrize("case", ["separating", "youden_ties", "youden_ties_sixths", "tied_values"])
def test_roc_boundaries_match_proc(case):
    ref = REF["boundary"][case]
    d = pd.DataFrame({"y": ref["y"], "x": ref["x"]})
    res = roc_analysis(d, outcome="y", marker="x")
    _check_roc(res, ref, case)


def test_roc_perfect_separation_and_ties_are_stated():
    ref = REF["boundary"]["separating"]
    res = roc_analysis(pd.DataFrame({"y": ref["y"], "x": ref["x"]}), outcome="y", marker="x")
    assert res.auc == 1.0 and res.auc_se == 0.0
    assert any("separates" in n for n in res.notes)
    ref = REF["boundary"]["youden_ties"]
    res = roc_analysis(pd.DataFrame({"y": ref["y"], "x": ref["x"]}), outcome="y", marker="x")
    assert len(res.tied_thresholds) == 2 and any("share the maximal" in n for n in res.notes)
    # the reported one is the most sensitive of the tied thresholds
    assert res.sensitivity == 0.75


def test_roc_direction_is_stated_and_can_be_forced():
    d = _cohort("demo")
    res = roc_analysis(d, outcome="sarcopenia", marker=BM)
    assert res.direction == ">" and "lower sclerostin indicates sarcopenia" in res.direction_text
    forced = roc_analysis(d, outcome="sarcopenia", marker=BM, direction="<")
    close(forced.auc, 1 - res.auc)


def test_roc_without_cases_is_a_model_error():
    d = pd.DataFrame({"y": [0, 0, 0], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(ModelError, match="0 case"):
        roc_analysis(d, outcome="y", marker="x")


# --- Splines --------------------------------------------------------------------
@pytest.mark.parametrize("cohort", COHORTS)
def test_spline_wald_tests_match_rms_anova(cohort):
    d = _cohort(cohort)
    knots_all, _ = rcs_knots(d[BM].dropna(), 4)
    for ref in REF[cohort]["spline"]:
        what = f"{cohort} {ref['outcome']}"
        # R: attr(rcspline.eval(d$sclerostin, nk = 4, inclx = TRUE), "knots")
        close(knots_all, ref["knots"], what)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = spline_regression(
                d,
                outcome=ref["outcome"],
                predictor=BM,
                covariates=COVS,
                kind=ref["kind"],
                knots=knots_all,
                reference=None,
            )
        assert res.estimable and res.n == ref["n"], what
        # R: anova(ols/lrm(y ~ rcs(sclerostin, 4) + age_yr + sex_male + bmi))
        tests = res.tests.set_index("test")
        for row in ("overall", "nonlinear"):
            close(tests.at[row, "statistic"], ref[row]["statistic"], what + row)
            close(tests.at[row, "p_value"], ref[row]["p_value"], what + row)
            assert tests.at[row, "df"] == ref[row]["df"]
        close(res.reference, ref["reference"], what)
        # R: contrast(fit, list(sclerostin = grid), list(sclerostin = median))
        d_ref = rcs_basis(ref["grid"], res.knots) - rcs_basis([res.reference], res.knots)
        b = res.table.set_index("term")["estimate"].iloc[1 : len(res.knots)].to_numpy()
        close(d_ref @ b, ref["curve"], what + " curve")


def test_spline_curve_band_matches_rms_contrast():
    d = _cohort("demo")
    ref = next(r for r in REF["demo"]["spline"] if r["outcome"] == "sarcopenia")
    knots, _ = rcs_knots(d[BM], 4)
    grid = np.asarray(ref["grid"])
    res = spline_regression(
        d[d[BM].between(grid.min(), grid.max())],
        outcome="sarcopenia",
        predictor=BM,
        covariates=COVS,
        knots=knots,
        grid=7,
    )
    close(res.curve["x"], grid)
    close(res.curve["estimate"], ref["curve"])
    close(res.curve["se"], ref["curve_se"])
    close(res.curve["ci_lower"], ref["curve_lower"])
    close(res.curve["ci_upper"], ref["curve_upper"])
    assert np.allclose(res.curve["odds_ratio"], np.exp(ref["curve"]))
    lin = next(r for r in REF["demo"]["spline"] if r["outcome"] == "smi")
    res = spline_regression(
        d, outcome="smi", predictor=BM, covariates=COVS, kind="linear", knots=knots, grid=7
    )
    close(res.curve["ci_lower"], lin["curve_lower"])
    close(res.curve["ci_upper"], lin["curve_upper"])


def test_spline_with_six_values_uses_interior_knots_as_rms():
    ref = REF["boundary"]["spline_six_values"]
    d = pd.DataFrame({"x": ref["x"], "y": ref["y"]})
    res = spline_regression(d, outcome="y", predictor="x", kind="linear")
    close(list(res.knots), ref["knots"])
    close(res.p_overall, ref["overall_p"])
    close(res.p_nonlinear, ref["nonlinear_p"])
    assert any("interior distinct values" in n for n in res.notes)


@pytest.mark.parametrize("values", [[1, 2, 3], [1, 2, 3, 4], [5, 5, 6, 7]])
def test_spline_with_few_distinct_values_is_a_note_not_a_crash(values):
    x = np.resize(values, 40).astype(float)
    d = pd.DataFrame({"x": x, "y": np.r_[np.zeros(20), np.ones(20)]})
    res = spline_regression(d, outcome="y", predictor="x")
    assert not res.estimable
    assert "not estimated" in res.notes[0] and "distinct" in res.notes[0]
    assert res.tests.empty and res.curve.empty


@pytest.mark.parametrize(
    ("kind", "rows"), [("logistic", 400), ("linear", 400), ("logistic", 120_000)]
)
def test_spline_with_collinear_covariates_is_a_note_naming_them(kind, rows):
    rng = np.random.default_rng(0)
    d = pd.DataFrame({"x": rng.normal(50, 10, rows), "age": rng.normal(70, 5, rows)})
    d["age_months"] = 12 * d["age"] + 6
    d["y"] = (rng.random(rows) < 0.4).astype(int)
    d["z"] = rng.normal(size=rows)
    outcome = "y" if kind == "logistic" else "z"
    res = spline_regression(
        d, outcome=outcome, predictor="x", covariates=["age", "age_months"], kind=kind
    )
    assert not res.estimable and res.tests.empty and res.curve.empty
    assert res.notes == (
        f"Spline of x for {outcome} not estimated: the design matrix is collinear "
        "(rank < 6 columns); involved: age, age_months. Remove one of them.",
    )


def test_spline_linear_exact_fit_is_a_note():
    x = np.linspace(0, 10, 60)
    d = pd.DataFrame({"x": x, "c": x**2, "y": 3 + 2 * x**2})
    res = spline_regression(d, outcome="y", predictor="x", covariates=["c"], kind="linear")
    assert not res.estimable
    assert "fits 'y' exactly" in res.notes[0]


def test_rcs_knots_below_100_use_fifth_values_and_options_checked():
    x = np.arange(1.0, 51.0)
    knots, _ = rcs_knots(x, 4)
    # R: quantile(x, c(.05,.35,.65,.95)) with the outer knots at x[5] and x[n-4]
    close(knots, [5.0, np.quantile(x, 0.35), np.quantile(x, 0.65), 46.0])
    with pytest.raises(ParameterError):
        rcs_knots(x, 9)
    with pytest.raises(ModelError):
        rcs_knots([1.0, 2.0, 3.0], 4)


# --- Quartile ORs, log effects --------------------------------------------------
@pytest.mark.parametrize("cohort", COHORTS)
def test_quartile_odds_ratios_match_glm(cohort):
    d = _cohort(cohort)
    grouping = quartiles(d[BM], method="ntiles")
    for ref in REF[cohort]["quartile_or"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = quartile_odds_ratios(
                d, outcome=ref["outcome"], biomarker=BM, covariates=COVS, groups=grouping
            )
        what = f"{cohort} {ref['outcome']}"
        assert res.n == ref["n"] and res.events == ref["events"], what
        t = res.table.set_index("quartile")
        assert t.at[1, "odds_ratio"] == 1.0 and np.isnan(t.at[1, "p_value"])
        for q in ref["quartiles"]:
            for col in ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value"):
                close(t.at[q["quartile"], col], q[col], f"{what} Q{q['quartile']} {col}")
        # R: glm(y ~ q + covariates, binomial) with q = 1..4
        close(res.p_trend, ref["p_trend"], what)


@pytest.mark.parametrize("cohort", COHORTS)
def test_log_effects_match_r(cohort):
    d = _cohort(cohort)
    for ref in REF[cohort]["log_effects"]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = log_effects(
                d, outcome=ref["outcome"], biomarker=BM, covariates=COVS, kind=ref["kind"]
            )
        t = res.table.set_index("scale")
        what = f"{cohort} {ref['outcome']}"
        close(res.meta["sd_log"], ref["sd_log"], what)
        for scale, key in (("per doubling", "per_doubling"), ("per SD of log", "per_sd_log")):
            close(t.loc[scale, ["estimate", "ci_lower", "ci_upper"]].astype(float), ref[key], what)
            close(t.at[scale, "p_value"], ref["p_value"], what)


def test_log_effects_reject_non_positive_values():
    from sarcostat.exceptions import DataError

    d = pd.DataFrame({"id": ["a", "b", "c", "d"], "y": [1.0, 2, 3, 4], "x": [1.0, 0.0, 2, 3]})
    with pytest.raises(DataError, match=r"id=b"):
        log_effects(d, outcome="y", biomarker="x", kind="linear")


# --- Descriptives -----------------------------------------------------------------
@pytest.mark.parametrize("cohort", COHORTS)
def test_describe_matches_r_type6_quantiles(cohort):
    from sarcostat.stats.compare import mannwhitney_groups

    d = _cohort(cohort)
    for ref in REF[cohort]["describe"]:
        v = ref["variable"]
        res = describe_continuous(d, variables=v, group="sarcopenia").table
        rows = {
            "overall": res[res["group"] == "overall"].iloc[0],
            "with": res[res["group"] == 1].iloc[0],
            "without": res[res["group"] == 0].iloc[0],
        }
        for part, row in rows.items():
            r = ref[part]
            assert row["n"] == r["n"] and row["missing"] == r["missing"], (v, part)
            for col in ("mean", "sd", "q1", "median", "q3", "skewness"):
                close(row[col], r[col], f"{cohort} {v} {part} {col}")
        # R: wilcox.test(x1, x0, exact = FALSE, correct = FALSE)
        mw = mannwhitney_groups(d, outcome=v, group="sarcopenia", levels=(1, 0)).table.iloc[0]
        close(mw["p_value"], ref["mannwhitney_p"], v)
        close(mw["statistic"], ref["mannwhitney_w"], v)


def test_percentiles_and_clopper_pearson_boundaries():
    for case in REF["boundary"]["percentiles"]:
        close(percentile_haverage(case["x"], [5, 25, 50, 75, 95]), case["q"])
    for case in REF["boundary"]["clopper_pearson"]:
        close(clopper_pearson(case["x"], case["n"]), case["ci"], str(case))
    with pytest.raises(ParameterError):
        clopper_pearson(11, 10)


def test_skewness_rule_flags_skewed_variable():
    d = pd.DataFrame({"x": [1.0, 1, 1, 2, 2, 3, 50], "z": [1.0, 2, 3, 4, 5, 6, 7]})
    t = describe_continuous(d, variables=["x", "z"]).table.set_index("variable")
    assert bool(t.at["x", "skewed"]) and not bool(t.at["z", "skewed"])
