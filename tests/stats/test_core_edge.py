"""The numerical core (stats.fitting), interaction terms, result objects and
the statistical edge cases of issue 14, against R (tests/stats/r/ref_core_edge.R)."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import ModelError, ParameterError, SeparationWarning
from sarcostat.stats import (
    crosstab_test,
    fisher_exact_2x2,
    linear_regression,
    logistic_regression,
    ls_means,
    mannwhitney_groups,
    or_per_sd,
    table1,
)
from sarcostat.stats.fitting import (
    FIRTH_MAX_ITER,
    least_squares,
    logistic_fit,
)
from sarcostat.stats.result import StatResult

HERE = Path(__file__).parent
FIX = HERE / "fixtures"
REF = json.loads((FIX / "ref_core_edge.json").read_text())
COHORT = pd.read_csv(FIX / "sim_cohort.csv")
REL = 1e-6


def _by_term(res, ref):
    est = res.table.set_index("term")
    for i, term in enumerate(ref["term"]):
        assert est.loc[term, "estimate"] == pytest.approx(ref["estimate"][i], rel=REL), term
        assert est.loc[term, "se"] == pytest.approx(ref["se"][i], rel=REL), term
        assert est.loc[term, "p_value"] == pytest.approx(ref["p_value"][i], rel=1e-5), term


# ----------------------------------------------------------------- interactions
def test_linear_regression_interaction_matches_lm():
    res = linear_regression(
        COHORT,
        outcome="smi",
        predictor="biomarker",
        covariates=["sex_male", "age_yr"],
        interactions="biomarker:sex_male",
    )
    _by_term(res, REF["lm_interaction"])
    assert res.meta["formula"].endswith("biomarker:sex_male")


def test_logistic_interaction_matches_glm():
    res = logistic_regression(
        COHORT,
        outcome="sarcopenia",
        predictor="biomarker",
        covariates=["sex_male", "age_yr"],
        interactions=[("biomarker", "sex_male")],
    )
    _by_term(res, REF["glm_interaction"])


def test_ls_means_with_interaction_and_at_match_emmeans():
    ref = REF["ancova_interaction_at"]
    res = ls_means(
        COHORT,
        outcome="biomarker",
        group="sarcopenia",
        covariates=["sex_male", "age_yr", "bmi"],
        interactions="sarcopenia:sex_male",
        at={"sex_male": 1},
    )
    np.testing.assert_allclose(res.means["estimate"], ref["estimate"], rtol=REL)
    np.testing.assert_allclose(res.means["se"], ref["se"], rtol=REL)
    np.testing.assert_allclose(res.means["ci_lower"], ref["ci_lower"], rtol=REL)
    anova = res.anova.set_index("source")
    for src, f in zip(ref["anova_source"], ref["anova_F"]):
        if src in ("(Intercept)", "Residuals"):
            continue
        assert anova.loc[src, "statistic"] == pytest.approx(f, rel=REL), src
    ref2 = REF["ancova_interaction_at2"]
    res2 = ls_means(
        COHORT,
        outcome="biomarker",
        group="sarcopenia",
        covariates=["sex_male", "age_yr", "bmi"],
        interactions="sarcopenia:sex_male",
        at={"age_yr": 75, "sex_male": 0},
    )
    np.testing.assert_allclose(res2.means["estimate"], ref2["estimate"], rtol=REL)
    np.testing.assert_allclose(res2.means["se"], ref2["se"], rtol=REL)


def test_interaction_needs_its_main_effects():
    with pytest.raises(ParameterError, match="not a main effect"):
        linear_regression(
            COHORT, outcome="smi", predictor="biomarker", interactions="biomarker:sex_male"
        )
    with pytest.raises(ParameterError, match="two or more"):
        linear_regression(
            COHORT, outcome="smi", predictor="biomarker", covariates="age_yr", interactions="age_yr"
        )


# ----------------------------------------------------------------- badly scaled
def test_glm_badly_scaled_matches_r():
    ref = REF["glm_badly_scaled"]
    d = pd.DataFrame({"y": ref["y"], "shifted": ref["shifted"], "age_yr": ref["age_yr"]})
    res = logistic_regression(d, outcome="y", predictor=["shifted", "age_yr"])
    assert res.separation is None and res.converged
    est = res.table.set_index("term")
    # The slope and its SE to 1e-6; the intercept (about 8.7e5) is a
    # difference of huge terms, so R's own value carries ~1e-7 noise.
    for i, term in enumerate(ref["term"]):
        tol = 1e-5 if term == "(Intercept)" else REL
        assert est.loc[term, "estimate"] == pytest.approx(ref["estimate"][i], rel=tol)
        assert est.loc[term, "se"] == pytest.approx(ref["se"][i], rel=tol)


@pytest.mark.parametrize("shift,sd", [(1e6, 1e-3), (1e9, 1.0), (-5e7, 0.5)])
def test_tiny_sd_relative_to_mean_is_not_separation(shift, sd):
    # A biomarker whose SD is tiny next to its mean (wrong unit, offset) must
    # give the same odds ratio per SD as the centred variable, not "separation"
    # nor a LinAlgError.
    d = COHORT[["sarcopenia", "biomarker", "age_yr"]].dropna().copy()
    z = (d["biomarker"] - d["biomarker"].mean()) / d["biomarker"].std()
    d["tiny"] = shift + sd * z
    with warnings.catch_warnings():
        warnings.simplefilter("error", SeparationWarning)
        a = or_per_sd(d, outcome="sarcopenia", predictor="tiny", covariates="age_yr")
        b = or_per_sd(d, outcome="sarcopenia", predictor="biomarker", covariates="age_yr")
    assert a.separation is None
    # Agreement limited only by the storage of shift + sd*z in float64.
    assert a.odds_ratio == pytest.approx(b.odds_ratio, rel=1e-5)
    r1 = linear_regression(d, outcome="age_yr", predictor="tiny")
    r2 = linear_regression(d, outcome="age_yr", predictor="biomarker")
    assert r1.predictor_row()["std_beta"] == pytest.approx(r2.predictor_row()["std_beta"], rel=1e-5)


def test_glm_rare_event_matches_r():
    ref = REF["glm_rare"]
    d = pd.DataFrame({"y": ref["y"], "biomarker": ref["biomarker"], "age_yr": ref["age_yr"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = logistic_regression(d, outcome="y", predictor=["biomarker", "age_yr"])
    _by_term(res, ref)


def test_quasi_separation_is_detected_where_glm_reports_convergence():
    ref = REF["glm_quasi"]
    assert ref["converged"] and ref["fitted_max"] > 50  # R's glm: absurd, "converged"
    d = pd.DataFrame({"x": ref["x"], "y": ref["y"]})
    with pytest.warns(SeparationWarning, match="quasi-complete"):
        res = logistic_regression(d, outcome="y", predictor="x")
    assert math.isnan(res.odds_ratio)
    firth = logistic_regression(d, outcome="y", predictor="x", firth=True)
    assert firth.converged and np.isfinite(firth.odds_ratio)


def test_firth_converges_where_many_iterations_are_needed():
    # Completely separated by x with several covariates: Firth's iteration
    # converges only linearly here. Reported converged with a zero modified score.
    rng = np.random.default_rng(3)
    n = 60
    x = np.sort(rng.normal(size=n))
    d = pd.DataFrame(
        {"x": x, "a": rng.normal(size=n), "b": rng.normal(size=n), "y": (x > 0.3).astype(int)}
    )
    res = logistic_regression(d, outcome="y", predictor=["x", "a", "b"], firth=True)
    assert res.converged and res.separation == "complete"
    X = np.column_stack([np.ones(n), d[["x", "a", "b"]].to_numpy()])
    fit = logistic_fit(X, d["y"].to_numpy(float), firth=True, check_separation=False)
    assert fit.converged and fit.iterations < FIRTH_MAX_ITER
    beta = fit.coef
    p = 1 / (1 + np.exp(-(X @ beta)))
    w = p * (1 - p)
    h = w * np.einsum("ij,jk,ik->i", X, np.linalg.inv(X.T @ (X * w[:, None])), X)
    score = X.T @ (d["y"].to_numpy() - p + h * (0.5 - p))
    assert np.max(np.abs(score)) < 1e-7


def test_least_squares_batch_equals_single_fits():
    rng = np.random.default_rng(1)
    X = np.concatenate([np.ones((4, 30, 1)), rng.normal(size=(4, 30, 2))], axis=2)
    y = rng.normal(size=(4, 30))
    w = np.ones((4, 30))
    w[1, :5] = 0
    batch = least_squares(X, y, weights=w)
    for s in range(4):
        keep = w[s] > 0
        one = least_squares(X[s][keep], y[s][keep])
        np.testing.assert_allclose(batch.coef[s], one.coef, rtol=1e-10)
        np.testing.assert_allclose(batch.xtx_inv[s], one.xtx_inv, rtol=1e-8)
    with pytest.raises(ModelError, match="collinear"):
        least_squares(np.column_stack([np.ones(5), np.arange(5.0), 2 * np.arange(5.0)]), np.ones(5))


# ----------------------------------------------------------------- Mann-Whitney
@pytest.mark.parametrize("case", range(3))
def test_exact_mann_whitney_under_ties_matches_coin(case):
    ref = REF["wilcox_exact_ties"][case]
    d = pd.DataFrame({"v": ref["x"] + ref["y"], "g": ["a"] * len(ref["x"]) + ["b"] * len(ref["y"])})
    for alt, key in (("two-sided", "p_two.sided"), ("less", "p_less"), ("greater", "p_greater")):
        res = mannwhitney_groups(d, outcome="v", group="g", method="exact", alternative=alt)
        assert res.table["p_value"].iloc[0] == pytest.approx(ref[key], rel=1e-9), alt
        assert "ties included" in res.notes[0]


def test_exact_mann_whitney_without_ties_is_the_classical_exact_test():
    from scipy import stats

    x, y = [1.0, 4, 6, 9], [2.0, 3, 5, 7, 8, 10]
    d = pd.DataFrame({"v": x + y, "g": [0] * 4 + [1] * 6})
    res = mannwhitney_groups(d, outcome="v", group="g", method="exact")
    want = stats.mannwhitneyu(x, y, method="exact").pvalue
    assert res.table["p_value"].iloc[0] == pytest.approx(want, rel=1e-12)


def test_asymptotic_mann_whitney_says_it_is_the_normal_approximation():
    d = pd.DataFrame({"v": [1.0, 2, 2, 3, 4, 4, 5], "g": [0, 0, 0, 1, 1, 1, 1]})
    res = mannwhitney_groups(d, outcome="v", group="g")
    assert "normal approximation with ties correction" in res.notes[0]


# ----------------------------------------------------------------- Fisher
@pytest.mark.parametrize("case", range(14))
def test_fisher_observed_is_spss_one_sided(case):
    ref = REF["fisher"][case]
    a, b, c, d = ref["table"]
    got = fisher_exact_2x2([[a, b], [c, d]], alternative="observed").table["p_value"].iloc[0]
    if a * d < b * c:
        assert got == pytest.approx(ref["less"], rel=1e-9)
    elif a * d > b * c:
        assert got == pytest.approx(ref["greater"], rel=1e-9)
    else:  # at independence: a tail (both equal the other by the turn of the table)
        assert got == pytest.approx(ref["less"], rel=1e-9) or got == pytest.approx(
            ref["greater"], rel=1e-9
        )


def test_fisher_observed_can_exceed_a_half_and_differs_from_the_smaller_tail():
    # [[7, 3], [3, 2]]: OR > 1, so SPSS gives the upper tail 0.566, not min(0.833, 0.566)...
    p = fisher_exact_2x2([[7, 3], [3, 2]], alternative="observed").table["p_value"].iloc[0]
    assert p == pytest.approx(0.566433566433566, rel=1e-9) and p > 0.5
    # ... and [[4, 4], [2, 6]] the lower-OR... OR > 1 again: upper tail 0.304, both orders.
    q = fisher_exact_2x2([[6, 2], [4, 4]], alternative="observed").table["p_value"].iloc[0]
    r = fisher_exact_2x2([[4, 4], [6, 2]], alternative="observed").table["p_value"].iloc[0]
    assert q == pytest.approx(r) == pytest.approx(0.304195804195804, rel=1e-9)


def test_seed_sex_p_and_old_option_name_still_work():
    t = [[8, 56], [12, 53]]
    new = fisher_exact_2x2(t, alternative="observed").table["p_value"].iloc[0]
    old = fisher_exact_2x2(t, alternative="one-sided-smaller").table["p_value"].iloc[0]
    assert round(new, 3) == 0.245 and new == old
    d = pd.DataFrame(
        {"sex": ["m"] * 8 + ["f"] * 12 + ["m"] * 56 + ["f"] * 53, "sarc": [1] * 20 + [0] * 109}
    )
    a = crosstab_test(d, row="sex", group="sarc", alternative="observed", test="fisher")
    b = crosstab_test(d, row="sex", group="sarc", sided="one-sided-smaller", test="fisher")
    assert a.p_value == b.p_value == pytest.approx(new)
    t1 = table1(
        d, group="sarc", categorical=["sex"], categorical_test="fisher", alternative="observed"
    )
    t2 = table1(
        d, group="sarc", categorical=["sex"], categorical_test="fisher", fisher_sided="observed"
    )
    assert t1.table["p_value"].iloc[0] == t2.table["p_value"].iloc[0] == pytest.approx(new)


# ----------------------------------------------------------------- result objects
def _all_results():
    d = COHORT
    covs = ["age_yr", "sex_male", "bmi"]
    return [
        ls_means(d, outcome="biomarker", group="sarcopenia", covariates=covs),
        or_per_sd(
            d, outcome="sarcopenia", predictor="biomarker", covariates=covs, unadjusted="own"
        ),
        linear_regression(d, outcome="smi", predictor="biomarker", covariates=covs),
        table1(d, group="sarcopenia", continuous=["age_yr"], categorical=["sex_male"]),
    ]


def test_results_share_repr_summary_dicts_and_equality():
    first, second = _all_results(), _all_results()
    for a, b in zip(first, second):
        assert isinstance(a, StatResult)
        assert a == b and not (a != b)
        text = repr(a)
        assert len(text.splitlines()) <= 20 and len(text) < 2500, type(a).__name__
        s = a.summary()
        assert type(a).__name__ in s and "Note:" in s
        json.dumps(a.to_dict())
        pd.testing.assert_frame_equal(a.to_frame(), a.table)
    assert first[0] != first[1]


def test_every_result_class_keeps_the_base_equality_and_repr():
    import importlib
    import pkgutil

    import sarcostat.stats as pkg

    for mod in pkgutil.iter_modules(pkg.__path__):
        importlib.import_module(f"sarcostat.stats.{mod.name}")
    seen = []

    def walk(cls):
        for sub in cls.__subclasses__():
            seen.append(sub)
            walk(sub)

    walk(StatResult)
    assert len(seen) >= 8
    for cls in seen:
        assert cls.__eq__ is StatResult.__eq__ or "__eq__" in vars(cls), cls
        assert cls.__repr__ is StatResult.__repr__ or "__repr__" in vars(cls), cls


# ----------------------------------------------------------------- the screen
def _screen_data():
    rng = np.random.default_rng(5)
    n = 120
    d = pd.DataFrame(
        {
            "id": [f"P{i}" for i in range(n)],
            "age_yr": rng.normal(70, 6, n),
            "sex_male": rng.integers(0, 2, n).astype(float),
            "bmi": rng.normal(25, 3, n),
        }
    )
    x = rng.normal(50, 10, n)
    d["y"] = (x > 55).astype(float)
    bm = pd.DataFrame(
        {"id": d["id"], "sep": x, "ok": rng.normal(size=n), "tiny": 1e6 + 1e-3 * rng.normal(size=n)}
    )
    return d, bm


@pytest.mark.parametrize("firth", [False, True])
def test_screen_matches_single_models_on_separation_and_tiny_sd(firth):
    from sarcostat.stats.screen import screen

    d, bm = _screen_data()
    covs = ["age_yr", "sex_male", "bmi"]
    res = screen(d, bm, outcomes=["y"], covariates=covs, firth=firth).table.set_index("biomarker")
    merged = d.merge(bm, on="id")
    for name in ("sep", "ok", "tiny"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            one = or_per_sd(merged, outcome="y", predictor=name, covariates=covs, firth=firth)
        if name == "sep" and not firth:
            assert one.separation == "complete" and math.isnan(res.loc[name, "estimate"])
            assert "separation" in res.loc[name, "message"]
            continue
        # The separating biomarker under Firth needs ~100 iterations (was NaN at 50).
        assert res.loc[name, "estimate"] == pytest.approx(one.coef, rel=1e-6), name
        assert res.loc[name, "se"] == pytest.approx(one.se, rel=1e-6), name


# ----------------------------------------------------------------- quartiles
@pytest.mark.parametrize("method", ["ntiles", "percentile"])
def test_quartiles_never_leave_a_group_silently_empty(method):
    from sarcostat.stats import quartiles

    # 60 of 100 values at the detection limit: ties share a group, so one
    # value takes the place of Q1 and Q2 (and Q3 for percentiles).
    x = pd.Series([0.5] * 60 + list(np.linspace(1, 10, 40)), name="il6")
    with pytest.raises(
        ModelError, match=r"Q\d.* of 'il6' would be empty.*60 of 100 values equal 0.5"
    ):
        quartiles(x, method=method)
    # Just enough distinct values: every group has members.
    ok = quartiles(pd.Series([0.5] * 20 + list(np.linspace(1, 10, 80))), method=method)
    assert min(ok.sizes) > 0


# ----------------------------------------------------------------- renamed parameters
def test_logistic_regression_takes_predictor_like_every_model():
    a = logistic_regression(COHORT, outcome="sarcopenia", predictor="biomarker")
    b = logistic_regression(COHORT, outcome="sarcopenia", predictors="biomarker")
    assert a == b
    with pytest.raises(ParameterError, match="not both"):
        logistic_regression(COHORT, outcome="sarcopenia", predictor="bmi", predictors="bmi")


# ----------------------------------------------------------------- Firth against R
def test_firth_on_separated_data_matches_penalised_likelihood_maximised_in_r():
    ref = REF["firth_separated"]
    assert ref["max_score"] < 1e-9
    d = pd.DataFrame({"x": ref["x"], "age": ref["age"], "y": ref["y"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = logistic_regression(d, outcome="y", predictor=["x", "age"], firth=True)
    assert res.separation == "complete" and res.converged
    np.testing.assert_allclose(res.table["estimate"], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(res.table["se"], ref["se"], rtol=1e-6)


def test_firth_on_rare_events_matches_r():
    ref, data = REF["firth_rare"], REF["glm_rare"]
    d = pd.DataFrame({"y": data["y"], "biomarker": data["biomarker"], "age_yr": data["age_yr"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = logistic_regression(d, outcome="y", predictor=["biomarker", "age_yr"], firth=True)
    np.testing.assert_allclose(res.table["estimate"], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(res.table["se"], ref["se"], rtol=1e-6)


def test_firth_that_needs_more_than_a_hundred_iterations_converges_to_r():
    # The former limit (100 iterations) reported converged=False here.
    ref = REF["firth_slow"]
    d = pd.read_csv(FIX / "firth_slow.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = logistic_regression(d, outcome="y", predictor=["x", "age", "male"], firth=True)
    assert res.converged
    X = np.column_stack([np.ones(len(d)), d[["x", "age", "male"]].to_numpy()])
    fit = logistic_fit(X, d["y"].to_numpy(float), firth=True, check_separation=False)
    assert fit.converged and 100 < fit.iterations < FIRTH_MAX_ITER
    np.testing.assert_allclose(res.table["estimate"], ref["estimate"], rtol=1e-6)
    np.testing.assert_allclose(res.table["se"], ref["se"], rtol=1e-6)
