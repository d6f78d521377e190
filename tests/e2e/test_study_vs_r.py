"""The whole default plan against R (emmeans + car + glm) on a committed cohort.

R reference: ``benchmarks/analyze_ref.R`` run by
``tests/e2e/fixtures/make_study_reference.py`` on ``study_analysis.csv`` (the
analysis dataset sarcostat derived from ``study_cohort.csv``); its output is
``study_ref_r.json``. R does the statistics only, so this checks the study
layer's wiring (which sample, covariate coding, quartiles formed once, which
test per row) end to end. Tolerance 1e-6 relative.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from sarcostat.study.run import analyze

FIX = Path(__file__).resolve().parent / "fixtures"
ROOT = FIX.parents[2]
R_COLUMNS = [
    "sclerostin",
    "age_yr",
    "sex",
    "sex_male",
    "bmi",
    "weight_kg",
    "height_cm",
    "asm_kg",
    "smi",
    "grip_kg",
    "gait_speed_m_s",
    "chair_stand_5x_s",
    "sppb_total",
    "sps",
    "sarcopenia",
    "low_muscle_mass",
    "low_strength",
    "low_performance",
]
REL = 1e-6


@pytest.fixture(scope="module")
def study():
    return analyze(FIX / "study_cohort.csv")


@pytest.fixture(scope="module")
def ref():
    return json.loads((FIX / "study_ref_r.json").read_text(encoding="utf-8"))


def test_analysis_dataset_is_the_one_r_received(study):
    # Guards the fixture: if the derivation changes, regenerate the reference.
    expected = pd.read_csv(FIX / "study_analysis.csv")
    got = study.data[R_COLUMNS].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False, rtol=1e-12)


def test_table1_p_values_equal_r(study, ref):
    # R: t.test(var.equal = leveneTest(center = mean) p >= 0.05); chisq.test(correct = FALSE)
    t1 = study.table1.drop_duplicates("variable").set_index("variable")
    for var, p in ref["table1"].items():
        assert t1.at[var, "p_value"] == pytest.approx(p, rel=REL), var


def test_figure1_equals_r(study, ref):
    # R: emmeans(lm(bm ~ factor(status) [+ age_yr + sex_male + bmi]), cov.keep = "1");
    #    car::Anova(type = 3)
    f1 = study.fig1
    for status, models in ref["fig1"].items():
        for model, r in models.items():
            sub = f1[(f1["status"] == status) & (f1["model"] == model)].set_index("level")
            # R's levels are "0", "1": without, with.
            assert sub.at["without", "estimate"] == pytest.approx(r["estimate"][0], rel=REL)
            assert sub.at["with", "estimate"] == pytest.approx(r["estimate"][1], rel=REL)
            assert sub["p_value"].iloc[0] == pytest.approx(r["p"], rel=REL)


def test_table2_equals_r(study, ref):
    # R: coef(lm(y ~ bm [+ covs]))["bm"] * sd(bm) / sd(y) on the complete cases
    t2 = study.table2.set_index(["outcome", "model"])
    for outcome, models in ref["table2"].items():
        for model, r in models.items():
            assert t2.at[(outcome, model), "std_beta"] == pytest.approx(r["std_beta"], rel=REL)
            assert t2.at[(outcome, model), "p_value"] == pytest.approx(r["p"], rel=REL)


def test_figure2_equals_r(study, ref):
    # R: SPSS NTILES(4) quartiles once; emmeans(lm(y ~ factor(q) + covs), cov.keep = "1");
    #    P for trend = P of q in lm(y ~ q + covs)
    f2 = study.fig2
    for outcome, models in ref["fig2"].items():
        for model, r in models.items():
            sub = f2[(f2["outcome"] == outcome) & (f2["model"] == model)].sort_values("quartile")
            assert sub["estimate"].tolist() == pytest.approx(r["estimate"], rel=REL)
            assert sub["p_trend"].iloc[0] == pytest.approx(r["p_trend"], rel=REL)


def test_table3_equals_r(study, ref):
    # R: glm(status ~ z(bm) [+ covs], binomial); exp(coef +/- qnorm(.975) * se)
    t3 = study.table3.set_index(["outcome", "model"])
    for outcome, models in ref["table3"].items():
        for model, r in models.items():
            row = t3.loc[(outcome, model)]
            assert row["odds_ratio"] == pytest.approx(r["odds_ratio"], rel=REL)
            assert row["or_ci_lower"] == pytest.approx(r["ci"][0], rel=REL)
            assert row["or_ci_upper"] == pytest.approx(r["ci"][1], rel=REL)
            assert row["p_value"] == pytest.approx(r["p"], rel=REL)


@pytest.mark.rcheck
def test_r_reference_regenerates(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed; the committed R reference was not regenerated")
    out = tmp_path / "ref.json"
    proc = subprocess.run(
        [
            "Rscript",
            str(ROOT / "benchmarks" / "analyze_ref.R"),
            str(FIX / "study_analysis.csv"),
            "sclerostin",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 and "there is no package" in proc.stderr:
        pytest.skip(f"R packages missing: {proc.stderr.strip()[-200:]}")
    assert proc.returncode == 0, proc.stderr
    new = json.loads(out.read_text())
    old = json.loads((FIX / "study_ref_r.json").read_text())

    def flat(x, prefix=""):
        if isinstance(x, dict):
            for k, v in x.items():
                yield from flat(v, f"{prefix}/{k}")
        elif isinstance(x, list):
            for i, v in enumerate(x):
                yield from flat(v, f"{prefix}/{i}")
        else:
            yield prefix, x

    a, b = dict(flat(new)), dict(flat(old))
    assert a.keys() == b.keys()
    for k in a:
        assert a[k] == pytest.approx(b[k], rel=1e-9), k
