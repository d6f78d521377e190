"""The supplementary analyses of `sarcostat analyze` against R.

tests/study/r/ref_supplementary.R recomputes every supplementary number
(lm/glm, pROC, rms, wilcox.test, quantile type 6) from the analysed data
sarcostat derives for the demo cohort and for a copy with missing values and
values below the detection limit (tests/stats/fixtures/make_supp_cohorts.py);
each number here is compared to 1e-6.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sarcostat
from sarcostat.datasets import demo_cohort_path, demo_mapping_path

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
FIX = ROOT / "tests" / "stats" / "fixtures"
REF = json.loads((HERE / "fixtures" / "ref_supplementary.json").read_text())


def close(actual, expected, what=""):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=1e-6, err_msg=what
    )


@pytest.fixture(scope="module")
def results():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "demo": sarcostat.analyze(demo_cohort_path()),
            "missing": sarcostat.analyze(FIX / "supp_raw_missing.csv", mapping=demo_mapping_path()),
        }


COHORTS = ["demo", "missing"]


def _row(frame, **keys):
    sub = frame
    for k, v in keys.items():
        sub = sub[sub[k] == v]
    assert len(sub) == 1, keys
    return sub.iloc[0]


@pytest.mark.parametrize("cohort", COHORTS)
def test_table2_b_and_beta_cis(results, cohort):
    f = results[cohort].frames["table2_ci"]
    for ref in REF[cohort]["table2_ci"]:
        for model in ("unadjusted", "adjusted"):
            r, e = _row(f, outcome=ref["outcome"], model=model), ref[model]
            what = f"{cohort} {ref['outcome']} {model}"
            # R: confint(lm(y ~ x + covs)); confint(lm(scale(y) ~ scale(x) + covs))
            for col in (
                "estimate",
                "ci_lower",
                "ci_upper",
                "std_beta",
                "std_beta_ci_lower",
                "std_beta_ci_upper",
                "p_value",
            ):
                close(r[col], e[col], f"{what} {col}")
            assert r["n"] == e["n"], what


@pytest.mark.parametrize("cohort", COHORTS)
def test_three_models(results, cohort):
    f = results[cohort].frames["model_sets"]
    for ref in REF[cohort]["model_sets"]:
        for k, e in enumerate(ref["models"]):
            r = _row(f, outcome=ref["outcome"], model=f"Model {k + 1}")
            what = f"{cohort} {ref['outcome']} Model {k + 1}"
            cols = (
                ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value")
                if "odds_ratio" in e
                else (
                    "estimate",
                    "ci_lower",
                    "ci_upper",
                    "std_beta",
                    "std_beta_ci_lower",
                    "std_beta_ci_upper",
                    "p_value",
                )
            )
            for col in cols:
                close(r[col], e[col], f"{what} {col}")
            assert r["n"] == e["n"], what


@pytest.mark.parametrize("cohort", COHORTS)
def test_sex_interaction_and_strata(results, cohort):
    f = results[cohort].frames["sex_interaction"]
    for ref in REF[cohort]["sex"]:
        what = f"{cohort} {ref['outcome']}"
        inter = _row(f, outcome=ref["outcome"], stratum="interaction")
        # R: coef(summary(lm/glm(y ~ x + covs + x:sex_male)))[, 4]; anova(f0, f1, test = "LRT")
        close(inter["p_interaction_wald"], ref["p_wald"], what)
        if "p_lr" in ref:
            close(inter["p_interaction_lr"], ref["p_lr"], what)
        for stratum in ("male", "female"):
            r, e = _row(f, outcome=ref["outcome"], stratum=stratum), ref[stratum]
            cols = (
                ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value")
                if "odds_ratio" in e
                else ("estimate", "ci_lower", "ci_upper", "std_beta", "p_value")
            )
            for col in cols:
                close(r[col], e[col], f"{what} {stratum} {col}")
            assert r["n"] == e["n"]


@pytest.mark.parametrize("cohort", COHORTS)
def test_roc_overall_and_by_sex(results, cohort):
    f = results[cohort].frames["roc"]
    for ref in REF[cohort]["roc"]:
        for stratum in ("all", "male", "female"):
            r, e = _row(f, outcome=ref["outcome"], stratum=stratum), ref[stratum]
            what = f"{cohort} {ref['outcome']} {stratum}"
            assert r["direction"] == e["direction"], what
            for col in (
                "auc",
                "auc_ci_lower",
                "auc_ci_upper",
                "threshold",
                "sensitivity",
                "specificity",
            ):
                close(r[col], e[col], f"{what} {col}")
            close([r["sensitivity_ci_lower"], r["sensitivity_ci_upper"]], e["sensitivity_ci"])
            close([r["specificity_ci_lower"], r["specificity_ci_upper"]], e["specificity_ci"])


@pytest.mark.parametrize("cohort", COHORTS)
def test_spline_p_values(results, cohort):
    f = results[cohort].frames["spline"]
    for ref in REF[cohort]["spline"]:
        r = _row(f, outcome=ref["outcome"])
        # R: anova(ols/lrm(y ~ rcs(x, 4) + covs, data = d))
        close(r["p_overall"], ref["p_overall"], f"{cohort} {ref['outcome']}")
        close(r["p_nonlinear"], ref["p_nonlinear"], f"{cohort} {ref['outcome']}")


@pytest.mark.parametrize("cohort", COHORTS)
def test_quartile_odds_ratios(results, cohort):
    f = results[cohort].frames["quartile_or"]
    for ref in REF[cohort]["quartile_or"]:
        for j in (2, 3, 4):
            r = _row(f, outcome=ref["outcome"], quartile=j)
            what = f"{cohort} {ref['outcome']} Q{j}"
            close(r["odds_ratio"], ref["or"][j - 2], what)
            close(r["or_ci_lower"], ref["lower"][j - 2], what)
            close(r["or_ci_upper"], ref["upper"][j - 2], what)
            close(r["p_value"], ref["p"][j - 2], what)
            close(r["p_trend"], ref["p_trend"], what)
        assert _row(f, outcome=ref["outcome"], quartile=1)["odds_ratio"] == 1.0


@pytest.mark.parametrize("cohort", COHORTS)
def test_table1_medians_iqr_and_missing(results, cohort):
    f = results[cohort].frames["table1_full"]
    for ref in REF[cohort]["table1"]:
        r = _row(f, variable=ref["variable"], level="")
        for part in ("overall", "with", "without"):
            e = ref[part]
            what = f"{cohort} {ref['variable']} {part}"
            assert (r[f"n_{part}"], r[f"missing_{part}"]) == (e["n"], e["missing"]), what
            for col in ("mean", "sd", "median", "q1", "q3"):
                close(r[f"{col}_{part}"], e[col], f"{what} {col}")
        close(r["p_mannwhitney"], ref["p_mannwhitney"], ref["variable"])


@pytest.mark.parametrize("cohort", COHORTS)
def test_ewgsop2_sensitivity_row(results, cohort):
    r = _row(results[cohort].frames["definitions"], definition="ewgsop2")
    e = REF[cohort]["ewgsop2"]
    assert (r["n_classified"], r["n_sarcopenia"]) == (e["n_classified"], e["n_sarcopenia"])
    close(r["prevalence"], e["prevalence"])
    for col in ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value"):
        close(r[col], e[col], col)
    # the cohort has no TUG column: EWGSOP2 is decided without it
    assert "tug_s" not in r["tests_used"] and r["n_indeterminate"] < 10


@pytest.mark.parametrize("cohort", COHORTS)
def test_log_biomarker_per_doubling(results, cohort):
    f = results[cohort].frames["log_biomarker"]
    for ref in REF[cohort]["log_biomarker"]:
        r = _row(f, outcome=ref["outcome"], model="adjusted", scale="per doubling")
        close(
            r[["estimate", "ci_lower", "ci_upper"]].astype(float),
            ref["per_doubling"],
            ref["outcome"],
        )


def test_results_json_and_csv_carry_the_supplementary_numbers(results, tmp_path):
    res = results["missing"]
    out = res.write(tmp_path / "report")
    data = json.loads((out / "results.json").read_text())
    assert data["roc"]["sarcopenia"]["all"]["auc"] == pytest.approx(
        _row(res.frames["roc"], outcome="sarcopenia", stratum="all")["auc"]
    )
    assert data["table2_ci"]["smi"]["adjusted"]["std_beta_ci_lower"] is not None
    assert set(data["model_sets"]["Table 3"]["sarcopenia"]) == {"Model 1", "Model 2", "Model 3"}
    csv = pd.read_csv(out / "quartile_or.csv")
    assert len(csv) == 16
    html = (out / "report.html").read_text()
    for heading in ("Table S1", "Table S6", "Table S7", "Figure S1"):
        assert heading in html
    for png in ("roc.png", "spline.png", "quartile_or.png", "flow.png"):
        assert (out / png).stat().st_size > 1000
    methods = data["methods"]
    assert "DeLong" in methods and "restricted cubic spline" in methods and "STROBE" in methods


def test_flow_counts(results):
    f = results["missing"].frames["flow"]
    # 5 without a biomarker value; <LOD values are substituted (LOD/sqrt 2), not excluded
    assert _row(f, stage="excluded", item="no biomarker value")["n"] == 5
    assert _row(f, stage="note", item="below the detection limit, value substituted")["n"] == 2
    read = _row(f, stage="read")["n"]
    excluded = f[f["stage"] == "excluded"]["n"].sum()
    assert _row(f, stage="analysed", item="main adjusted analysis")["n"] == read - excluded


@pytest.mark.rcheck
@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed")
def test_fixture_is_reproduced_by_r(tmp_path):
    proc = subprocess.run(
        ["Rscript", str(HERE / "r" / "ref_supplementary.R"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    if proc.returncode != 0 and "there is no package called" in proc.stderr:
        pytest.skip("R packages pROC/rms/jsonlite not installed")
    assert proc.returncode == 0, proc.stderr
    new = json.loads((tmp_path / "ref_supplementary.json").read_text())
    new.pop("meta"), REF.copy().pop("meta")
    old = {k: v for k, v in REF.items() if k != "meta"}
    assert json.dumps(new, sort_keys=True) == json.dumps(old, sort_keys=True) or _close_tree(
        new, old
    )


def _close_tree(a, b):
    if isinstance(b, dict):
        return set(a) == set(b) and all(_close_tree(a[k], b[k]) for k in b)
    if isinstance(b, list):
        return len(a) == len(b) and all(_close_tree(x, y) for x, y in zip(a, b))
    if isinstance(b, float) or isinstance(a, float):
        return bool(np.isclose(a, b, rtol=1e-9))
    return a == b
