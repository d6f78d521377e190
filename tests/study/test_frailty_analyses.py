"""The frailty analyses of the packaged frailty plan against an R oracle (1e-6).

Cohort: tests/study/fixtures/frailty_cohort.csv (SYNTHETIC,
``simulate_cohort(244, seed=2024, frailty=True)``). R:
tests/study/r/ref_frailty_analyses.R (lm + car::Anova + emmeans, glm)
-> tests/study/fixtures/ref_frailty_analyses.json.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sarcostat
from sarcostat.study.frailty import FRAILTY_COLUMNS
from sarcostat.study.plan import frailty_plan_path, load_plan

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "study" / "fixtures"
REF = json.loads((FIX / "ref_frailty_analyses.json").read_text())
MAP = ROOT / "src" / "sarcostat" / "datasets" / "demo_cohort.toml"
TOL = 1e-6


@pytest.fixture(scope="module")
def res():
    plan = load_plan(frailty_plan_path())
    return sarcostat.analyze(FIX / "frailty_cohort.csv", plan=plan, mapping=MAP)


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, float), np.asarray(b, float), rtol=TOL, atol=1e-12)


def test_derived_columns_are_the_committed_ones(res):
    # the R oracle reads these; a change in the classification shows here first
    der = pd.read_csv(FIX / "frailty_derived.csv")
    cols = [c for c in FRAILTY_COLUMNS if c in der.columns]
    got = res.data[["id", *cols]].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, der[["id", *cols]], check_dtype=False, rtol=1e-12)


@pytest.mark.parametrize("model", ["unadjusted", "adjusted"])
def test_ls_means_by_three_level_status(res, model):
    # R: emmeans(lm(sclerostin ~ factor(status) [+ age_yr + sex_male + bmi]), cov.keep = "1")
    ref = REF["means"][model]
    f = res.frames["frailty_means"]
    f = f[f["model"] == model].sort_values("code")
    assert f["code"].tolist() == ref["level"] == [0, 1, 2]
    assert f["level"].tolist() == ["robust", "pre-frail", "frail"]
    for col in ("estimate", "se", "ci_lower", "ci_upper"):
        close(f[col], ref[col])
    # R: car::Anova(type = 3) F test of the status; lm(sclerostin ~ status (0/1/2) + ...)
    close(f["p_value"].iloc[0], ref["p_value"])
    close(f["p_trend"].iloc[0], ref["p_trend"])
    close(f["trend_estimate"].iloc[0], ref["trend_estimate"])


@pytest.mark.parametrize("model", ["unadjusted", "adjusted"])
def test_beta_for_frailty_index(res, model):
    # R: lm(frailty_index ~ sclerostin [+ covariates]); std beta = B sd(x) / sd(y)
    ref = REF["beta"][model]
    t2 = res.frames["table2"].set_index(["outcome", "model"]).loc[("frailty_index", model)]
    for col in ("estimate", "se", "p_value", "std_beta"):
        close(t2[col], ref[col])
    assert int(t2["n"]) == ref["n"]


@pytest.mark.parametrize("outcome", ["frail", "prefrail_or_frail", "osteosarcopenia"])
@pytest.mark.parametrize("model", ["unadjusted", "adjusted"])
def test_or_per_sd(res, outcome, model):
    # R: glm(y ~ sclerostin [+ covariates], binomial); OR = exp(B * sd(sclerostin))
    ref = REF["or_per_sd"][f"{outcome} {model}"]
    t3 = res.frames["table3"].set_index(["outcome", "model"]).loc[(outcome, model)]
    for col in ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value"):
        close(t3[col], ref[col])
    assert int(t3["n"]) == ref["n"] and int(t3["events"]) == ref["events"]


@pytest.mark.parametrize("model", ["unadjusted", "adjusted"])
def test_or_by_quartile(res, model):
    # R: glm(frail ~ factor(q) [+ covariates]) and glm(frail ~ q [+ ...]); q = SPSS NTILES(4)
    ref = REF["quartiles"][model]
    f = res.frames["frailty_quartiles"]
    f = f[(f["outcome"] == "frail") & (f["model"] == model)].sort_values("quartile")
    assert f["n"].tolist() == ref["n"]
    q = f[f["quartile"] > 1]
    for col in ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value"):
        close(q[col], ref[col])
    close(f["p_trend"].iloc[0], ref["p_trend"])


def test_frailty_step_skipped_without_inputs():
    # the demo cohort has no frailty inputs: the step is skipped with a note, nothing fails
    from sarcostat.datasets import demo_cohort_path

    res = sarcostat.analyze(
        demo_cohort_path(), plan={"study": {"steps": ["table1", "frailty_means"]}}
    )
    assert res.frames["frailty_means"].empty
    assert any("frailty_status" in w for w in res.warnings)


@pytest.mark.rcheck
def test_regenerate_frailty_analyses_with_r(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "ref.json"
    subprocess.run(
        ["Rscript", "tests/study/r/ref_frailty_analyses.R", str(out)], cwd=ROOT, check=True
    )
    new = json.loads(out.read_text())
    for key in ("means", "beta", "or_per_sd", "quartiles"):
        assert new[key] == REF[key], key
