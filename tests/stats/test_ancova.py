"""ANCOVA LS means, Type III tests and pairwise comparisons against R and SAS.

Reference values: tests/stats/fixtures/ref_ancova_trend.json, written by
tests/stats/r/ref_ancova_trend.R (R 4.2, emmeans 1.8.4, car 3.1; see the script
for the exact calls). Public cases: the SAS PROC GLM ANCOVA example (DrugTest,
also on the PHUSE CAMIS ANCOVA page) and emmeans' weights on mtcars.
Tolerance 1e-6 relative unless stated.
"""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sarcostat.stats.ancova as ancova_module
from sarcostat.exceptions import ModelError, ParameterError, SchemaError
from sarcostat.stats.ancova import (
    fit_linear,
    ls_means,
    marginal_means,
    pairwise,
    reference_grid,
    type3_anova,
)

FIX = Path(__file__).parent / "fixtures"
REF = json.loads((FIX / "ref_ancova_trend.json").read_text())
RTOL = 1e-6
ADJ = ["age_yr", "bmi", "sex_male"]


@pytest.fixture(scope="module")
def sim():
    return pd.read_csv(FIX / "sim_cohort.csv")


@pytest.fixture(scope="module")
def grip_fit(sim):
    return fit_linear(sim, outcome="grip_kg", factors="group", covariates=ADJ)


def norm_label(text):
    return re.sub(r"[A-Za-z_]+(?=\d)", "", text).replace(" ", "")


def close(actual, expected, rtol=RTOL, atol=0.0):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol, atol=atol
    )


def check_means(table, ref):
    # R: summary(emmeans(...), infer = c(TRUE, FALSE))
    close(table["estimate"], ref["emmean"])
    close(table["se"], ref["SE"])
    close(table["df"], ref["df"])
    close(table["ci_lower"], ref["lower.CL"])
    close(table["ci_upper"], ref["upper.CL"])


def check_pairs(table, ref):
    # R: summary(pairs(emm, adjust = a), infer = c(TRUE, TRUE), adjust = a)
    # emmeans writes numeric levels with the factor name ("sarcopenia0 - sarcopenia1")
    labels = np.atleast_1d(ref["contrast"]).tolist()
    assert [norm_label(c) for c in table["contrast"]] == [norm_label(c) for c in labels]
    close(table["estimate"], ref["estimate"])
    close(table["se"], ref["SE"])
    close(table["statistic"], ref["t.ratio"])
    close(table["p_value"], ref["p.value"])
    close(table["ci_lower"], ref["lower.CL"])
    close(table["ci_upper"], ref["upper.CL"])


def check_anova(table, ref):
    # R: car::Anova(lm(..., contrasts = contr.sum), type = 3); rows matched by name
    names = {"(Intercept)": "Intercept", "Residuals": "Residual"}
    order = [names.get(s, s) for s in ref["source"]]
    assert sorted(table["source"]) == sorted(order)
    t = table.set_index("source").loc[order]
    close(t["ss"], ref["ss"])
    close(t["df"], ref["df"])
    close(t["statistic"].iloc[:-1], ref["f"][:-1])
    close(t["p_value"].iloc[:-1], ref["p"][:-1])
    assert np.isnan(t["statistic"].iloc[-1])


# ------------------------------------------------------------- the fit itself
def test_fit_matches_lm_with_contr_sum(grip_fit):
    ref = REF["ancova"]["grip_by_group"]
    assert grip_fit.n == ref["n"] == 146
    assert grip_fit.n_excluded == ref["n_excluded"]
    assert grip_fit.df_resid == ref["df_resid"]
    # R: coef(lm(grip_kg ~ group + age_yr + bmi + sex_male)) under contr.sum
    close(grip_fit.coef.to_numpy(), ref["coef"])
    assert list(grip_fit.coef.index) == ["Intercept", "group[A]", "group[B]", *ADJ]
    assert grip_fit.binary == ("sex_male",)


def test_type3_anova_matches_car(grip_fit):
    table = type3_anova(grip_fit)
    check_anova(table, REF["ancova"]["grip_by_group"]["anova"])
    assert table["source"].tolist() == ["Intercept", "group", *ADJ, "Residual"]
    # SPSS partial eta squared = SS / (SS + SS_error)
    ss = table.set_index("source")["ss"]
    close(
        table.set_index("source").loc["group", "partial_eta_sq"],
        ss["group"] / (ss["group"] + ss["Residual"]),
    )


# --------------------------------------------------------------- grids, modes
def test_proportion_mode_grid_and_means(grip_fit):
    ref = REF["ancova"]["grip_by_group"]
    grid = reference_grid(grip_fit)  # SPSS: sex_male at its proportion
    # R: ref_grid(fit, cov.keep = "1")@grid
    for c in ADJ:
        close(grid.grid[c], ref["grid_proportion"][c])
    close(grid.grid[".wgt."], ref["grid_proportion"][".wgt."])
    mm = marginal_means(grid, "group")
    assert mm.table["level"].tolist() == ["A", "B", "C"]
    check_means(mm.table, ref["proportion"])
    assert mm.table["n"].tolist() == [74, 50, 22]
    # weights are irrelevant when nothing is averaged over
    for w in ("proportional", "outer", "cells", "flat"):
        check_means(marginal_means(grid, "group", weights=w).table, ref["proportion"])


@pytest.mark.parametrize("weights", ["equal", "proportional", "outer", "cells", "flat"])
def test_factor_mode_weights(grip_fit, weights):
    ref = REF["ancova"]["grip_by_group"]
    grid = reference_grid(grip_fit, binary_covariates="factor")  # emmeans default
    assert grid.dims == ("group", "sex_male")
    assert sorted(grid.grid[".wgt."]) == sorted(ref["grid_factor"][".wgt."])
    # R: emmeans(ref_grid(fit), "group", weights = <weights>)
    mm = marginal_means(grid, "group", weights=weights)
    check_means(mm.table, ref[f"factor_{weights}"])
    assert any("Averaged with" in n and "sex_male" in n for n in mm.notes)


def test_modes_differ_and_equal_factor_is_sex_at_half(grip_fit):
    ref = REF["ancova"]["grip_by_group"]
    a = np.array(ref["proportion"]["emmean"])
    b = np.array(ref["factor_equal"]["emmean"])
    assert np.all(np.abs(a - b) > 0.05)  # the two modes are really different
    at_half = marginal_means(reference_grid(grip_fit, at={"sex_male": 0.5}), "group")
    close(at_half.table["estimate"], b)


@pytest.mark.parametrize("adjust", ["none", "bonferroni", "sidak"])
def test_pairwise_adjusted_p_and_ci(grip_fit, adjust):
    ref = REF["ancova"]["grip_by_group"][f"pairs_proportion_{adjust}"]
    mm = marginal_means(reference_grid(grip_fit), "group")
    res = pairwise(mm, adjust="lsd" if adjust == "none" else adjust)
    check_pairs(res.table, ref)
    assert res.n_comparisons == 3
    close(
        res.table["p_unadjusted"],
        REF["ancova"]["grip_by_group"]["pairs_proportion_none"]["p.value"],
    )


@pytest.mark.parametrize("weights", ["equal", "proportional"])
def test_pairwise_factor_mode_bonferroni(grip_fit, weights):
    ref = REF["ancova"]["grip_by_group"][f"pairs_factor_{weights}_bonferroni"]
    grid = reference_grid(grip_fit, binary_covariates="factor")
    res = pairwise(grid, specs="group", weights=weights, adjust="bonferroni")
    check_pairs(res.table, ref)


def test_confidence_level_90(sim):
    ref = REF["ancova"]["grip_by_group_90"]
    res = ls_means(
        sim, outcome="grip_kg", group="group", covariates=ADJ, confidence=0.90, adjust="sidak"
    )
    check_means(res.means, ref["proportion"])
    check_pairs(res.contrasts, ref["pairs_proportion_sidak"])


def test_one_way_without_covariates(sim):
    ref = REF["ancova"]["grip_by_group_unadjusted"]
    res = ls_means(sim, outcome="grip_kg", group="group", adjust="bonferroni")
    assert res.fit.n == ref["n"]
    check_means(res.means, ref["proportion"])
    check_pairs(res.contrasts, ref["pairs_proportion_bonferroni"])
    check_anova(res.anova, ref["anova"])
    assert res.unadjusted is None


# ------------------------------------------------------------ ls_means bundle
def test_ls_means_fig1_bundle(sim):
    """Fig. 1: biomarker by sarcopenia (numeric 0/1 factor), adjusted and not."""
    ref = REF["ancova"]["biomarker_by_sarcopenia"]
    ref_u = REF["ancova"]["biomarker_by_sarcopenia_unadjusted"]
    res = ls_means(sim, outcome="biomarker", group="sarcopenia", covariates=ADJ)
    assert res.means["level"].tolist() == [0, 1]
    check_means(res.means, ref["proportion"])
    check_pairs(res.contrasts, ref["pairs_proportion_none"])
    check_anova(res.anova, ref["anova"])
    close(res.p_value, ref["anova"]["p"][1])
    close(res.statistic, ref["anova"]["f"][1])
    assert res.fit.n == ref["n"] and res.meta["n_excluded"] == ref["n_excluded"]
    # unadjusted model on its own complete cases
    u = res.unadjusted
    assert u.fit.n == ref_u["n"] > res.fit.n
    check_means(u.means, ref_u["proportion"])
    close(u.p_value, ref_u["anova"]["p"][1])
    long = res.to_long_frame()
    assert long["model"].tolist() == ["unadjusted", "unadjusted", "adjusted", "adjusted"]
    close(long["estimate"], [*ref_u["proportion"]["emmean"], *ref["proportion"]["emmean"]])
    text = " ".join(res.notes)
    assert "sex_male = 0.469 (proportion)" in text
    assert f"n = {ref['n']} complete cases" in text
    assert "biomarker (6)" in text


def test_ls_means_factor_mode_matches_emmeans_default(sim):
    ref = REF["ancova"]["grip_by_group"]
    res = ls_means(
        sim,
        outcome="grip_kg",
        group="group",
        covariates=ADJ,
        binary_covariates="factor",
        weights="proportional",
        adjust="bonferroni",
    )
    check_means(res.means, ref["factor_proportional"])
    check_pairs(res.contrasts, ref["pairs_factor_proportional_bonferroni"])


def test_unadjusted_same_sample(sim):
    res = ls_means(sim, outcome="grip_kg", group="group", covariates=ADJ, unadjusted="same")
    assert res.unadjusted.fit.n == res.fit.n
    assert res.unadjusted.fit.data.index.equals(res.fit.data.index)
    assert (
        ls_means(
            sim, outcome="grip_kg", group="group", covariates=ADJ, unadjusted="none"
        ).unadjusted
        is None
    )


def test_string_sex_same_as_numeric(sim):
    d = sim.assign(sex=np.where(sim["sex_male"] == 1, "male", "female"))
    a = ls_means(d, outcome="grip_kg", group="group", covariates=["age_yr", "bmi", "sex"])
    b = ls_means(sim, outcome="grip_kg", group="group", covariates=ADJ)
    close(a.means["estimate"], b.means["estimate"])
    close(a.contrasts["p_value"], b.contrasts["p_value"])
    assert "sex = 0.4795 (proportion 'male')" in " ".join(a.notes)


def test_categorical_levels_order_and_input_untouched(sim):
    d = sim.copy()
    d["group"] = pd.Categorical(d["group"], categories=["C", "A", "B"])
    before = d.copy()
    res = ls_means(d, outcome="grip_kg", group="group", covariates=ADJ)
    pd.testing.assert_frame_equal(d, before)
    assert res.means["level"].tolist() == ["C", "A", "B"]
    ref = REF["ancova"]["grip_by_group"]["proportion"]
    close(res.means["estimate"], np.array(ref["emmean"])[[2, 0, 1]])


def test_at_covariate_value_is_linear_shift(grip_fit):
    base = marginal_means(reference_grid(grip_fit), "group").table["estimate"]
    at = marginal_means(reference_grid(grip_fit, at={"age_yr": 75}), "group").table["estimate"]
    shift = grip_fit.coef["age_yr"] * (75 - grip_fit.covariate_means["age_yr"])
    close(at - base, np.full(3, shift), atol=1e-9)


# ------------------------------------------------------------ public examples
def test_camis_sas_drug_example():
    """SAS/STAT PROC GLM Example 'Analysis of Covariance' (DrugTest), as on the
    PHUSE CAMIS ANCOVA page: LS means, their SEs and the Type III SS of Drug."""
    drug = pd.read_csv(FIX / "camis_drug.csv")
    res = ls_means(drug, outcome="post", group="drug", covariates="pre")
    # SAS: lsmeans Drug / stderr  ->  6.7149635 6.8239348 10.1611017
    close(res.means["estimate"], [6.714963, 6.823935, 10.161102])
    close(res.means["se"], [1.288494, 1.272469, 1.315923])
    anova = res.anova.set_index("source")
    close(anova.loc["drug", "ss"], 68.55371)  # SAS Type III SS Drug
    close(anova.loc["pre", "ss"], 577.89740)  # SAS Type III SS PreTreatment
    close(anova.loc["Residual", "ss"], 417.202597)  # SAS Error SS
    ref = REF["drug"]
    check_means(res.means, ref["means"])
    check_pairs(res.contrasts, ref["pairs_none"])
    check_anova(res.anova, ref["anova"])


@pytest.fixture(scope="module")
def mtcars():
    return pd.read_csv(FIX / "mtcars.csv")


@pytest.mark.parametrize("weights", ["equal", "proportional", "outer", "cells", "flat"])
def test_mtcars_emmeans_weights(mtcars, weights):
    # R: emmeans(lm(mpg ~ hp + factor(cyl) + factor(gear) + factor(am)), "cyl", weights = w)
    fit = fit_linear(mtcars, outcome="mpg", factors=["cyl", "gear", "am"], covariates="hp")
    mm = marginal_means(reference_grid(fit), "cyl", weights=weights)
    assert mm.table["level"].tolist() == [4, 6, 8]
    check_means(mm.table, REF["mtcars"][weights])
    check_anova(type3_anova(fit), REF["mtcars"]["anova"])


def test_mtcars_published_values(mtcars):
    # emmeans documentation / ggeffects tests, printed to 4 decimals.
    fit = fit_linear(mtcars, outcome="mpg", factors=["cyl", "gear", "am"], covariates="hp")
    grid = reference_grid(fit)
    close(
        marginal_means(grid, "cyl").table["estimate"],
        [22.6461, 19.0232, 20.2174],
        rtol=0,
        atol=5e-5,
    )
    close(
        marginal_means(grid, "cyl", weights="proportional").table["estimate"],
        [21.9457, 18.3228, 19.517],
        rtol=0,
        atol=5e-5,
    )
    close(
        marginal_means(grid, "cyl", weights="flat").table["estimate"],
        [22.4982, 18.8754, 20.5131],
        rtol=0,
        atol=5e-5,
    )


def test_mtcars_am_as_binary_covariate_factor_mode(mtcars):
    """A 0/1 covariate in 'factor' mode equals the same column as a factor."""
    a = fit_linear(mtcars, outcome="mpg", factors=["cyl", "gear"], covariates=["hp", "am"])
    for w in ("equal", "proportional", "cells"):
        mm = marginal_means(reference_grid(a, binary_covariates="factor"), "cyl", weights=w)
        check_means(mm.table, REF["mtcars"][w])


def test_categorical_covariate_with_three_levels_is_averaged(mtcars):
    d = mtcars.assign(gear=mtcars["gear"].map({3: "three", 4: "four", 5: "five"}))
    res = ls_means(
        d, outcome="mpg", group="cyl", covariates=["hp", "gear", "am"], binary_covariates="factor"
    )
    check_means(res.means, REF["mtcars"]["equal"])
    assert any("gear" in n and "equal weights" in n for n in res.notes)


# ------------------------------------------------------------------- errors
def test_group_with_one_member(sim):
    d = sim.copy()
    d.loc[d.index[0], "group"] = "D"
    with pytest.raises(ModelError, match=r"level 'D' of 'group' has 1 participant"):
        ls_means(d, outcome="grip_kg", group="group", covariates=ADJ)


def test_level_emptied_by_missing_values(sim):
    d = sim.copy()
    d.loc[d["group"] == "C", "grip_kg"] = np.nan
    with pytest.raises(ModelError, match=r"level 'C' of 'group' has 0 participant"):
        ls_means(d, outcome="grip_kg", group="group")


def test_constant_covariate(sim):
    with pytest.raises(ModelError, match=r"covariate 'k' is constant"):
        ls_means(sim.assign(k=1.0), outcome="grip_kg", group="group", covariates=["age_yr", "k"])
    # a text covariate with one value is named with that value, not its 0/1 code
    with pytest.raises(ModelError, match=r"covariate 'sex' is constant \('male'\)"):
        ls_means(sim.assign(sex="male"), outcome="grip_kg", group="group", covariates=["sex"])


def test_collinear_covariates(sim):
    d = sim.assign(age_months=sim["age_yr"] * 12)
    with pytest.raises(ModelError, match=r"collinear.*age_yr.*age_months"):
        ls_means(d, outcome="grip_kg", group="group", covariates=["age_yr", "age_months"])


def test_too_few_cases():
    d = pd.DataFrame(
        {"y": [1.0, 2, 3, 4], "g": list("aabb"), "x": [1.0, 2, 4, 3], "z": [0.0, 1, 1, 2]}
    )
    with pytest.raises(ModelError, match="no residual degrees of freedom"):
        fit_linear(d, outcome="y", factors="g", covariates=["x", "z"])


def test_bad_options_and_columns(sim, grip_fit):
    with pytest.raises(
        ParameterError,
        match=r"The 'weights' parameter of ls_means must be "
        r"one of .*Got 'equl' instead",
    ):
        ls_means(sim, outcome="grip_kg", group="group", weights="equl")
    with pytest.raises(ParameterError, match="'adjust' parameter of pairwise"):
        pairwise(reference_grid(grip_fit), adjust="tukey")
    with pytest.raises(ParameterError, match=r"'confidence' parameter of ls_means .*Got 95"):
        ls_means(sim, outcome="grip_kg", group="group", confidence=95)
    with pytest.raises(ParameterError, match="'binary_covariates'"):
        reference_grid(grip_fit, binary_covariates="dummy")
    with pytest.raises(ParameterError, match="not a dimension"):
        marginal_means(reference_grid(grip_fit), "age_yr")
    with pytest.raises(ParameterError, match="name one in 'specs'"):
        pairwise(reference_grid(grip_fit, binary_covariates="factor"))
    with pytest.raises(ParameterError, match="'at' names 'height'"):
        reference_grid(grip_fit, at={"height": 170})
    with pytest.raises(ParameterError, match=r"level\(s\) \['Z'\]"):
        reference_grid(grip_fit, at={"group": ["A", "Z"]})
    with pytest.raises(SchemaError, match="'weight_kg'"):
        ls_means(sim, outcome="grip_kg", group="group", covariates=["weight_kg"])
    with pytest.raises(SchemaError, match="must be numeric"):
        ls_means(sim, outcome="group", group="sex_male")
    with pytest.raises(ParameterError, match="both 'group' and a covariate"):
        ls_means(sim, outcome="grip_kg", group="group", covariates=["group"])
    with pytest.raises(ParameterError, match="pass it in 'factors'"):
        fit_linear(sim, outcome="grip_kg", covariates=["group"])


def test_docstring_examples():
    failures, attempted = doctest.testmod(ancova_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted > 10 and failures == 0


def test_constant_outcome_and_exact_fit(sim):
    with pytest.raises(ModelError, match=r"^ls_means: the dependent variable 'y' is constant"):
        ls_means(sim.assign(y=5.0), outcome="y", group="group")
    d = sim.assign(y=2 * sim["age_yr"] + 1)
    with pytest.raises(ModelError, match="fits 'y' exactly"):
        ls_means(d, outcome="y", group="group", covariates=["age_yr"])


def test_numpy_confidence_accepted(sim):
    a = ls_means(sim, outcome="grip_kg", group="group", confidence=np.float64(0.9))
    ref = REF["ancova"]["grip_by_group_unadjusted"]["proportion"]
    close(a.means["estimate"], ref["emmean"])
    assert a.meta["confidence"] == 0.9


def test_treatment_coding_same_means_and_group_test(sim):
    a = fit_linear(sim, outcome="grip_kg", factors="group", covariates=ADJ)
    b = fit_linear(sim, outcome="grip_kg", factors="group", covariates=ADJ, contrasts="treatment")
    assert list(b.coef.index[:3]) == ["Intercept", "group[B]", "group[C]"]
    close(
        marginal_means(reference_grid(b), "group").table["estimate"],
        REF["ancova"]["grip_by_group"]["proportion"]["emmean"],
    )
    ta, tb = type3_anova(a).set_index("source"), type3_anova(b).set_index("source")
    close(tb.loc["group", "p_value"], ta.loc["group", "p_value"])
    # the intercept hypothesis depends on the coding (SPSS/car need sum-to-zero)
    assert abs(tb.loc["Intercept", "ss"] - ta.loc["Intercept", "ss"]) > 1


def test_cov_reduce_median(grip_fit):
    base = marginal_means(reference_grid(grip_fit), "group").table["estimate"]
    med = reference_grid(grip_fit, cov_reduce="median")
    shift = sum(
        grip_fit.coef[c] * (grip_fit.data[c].median() - grip_fit.data[c].mean())
        for c in ("age_yr", "bmi")
    )
    close(marginal_means(med, "group").table["estimate"] - base, np.full(3, shift), atol=1e-9)
    # a 0/1 covariate stays at its proportion
    assert med.fixed["sex_male"] == pytest.approx(grip_fit.data["sex_male"].mean())


def test_unadjusted_same_sample_with_duplicate_index(sim):
    d = sim.set_axis(np.arange(len(sim)) // 2)
    res = ls_means(d, outcome="grip_kg", group="group", covariates=ADJ, unadjusted="same")
    assert res.unadjusted.fit.n == res.fit.n == REF["ancova"]["grip_by_group"]["n"]
