"""The screen against R: lm()/glm() per biomarker on complete cases, p.adjust(BH),
and a hand-coded Firth iteration (tests/screen/r/make_screen_reference.R)."""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from sarcostat.stats.screen import screen

HERE = Path(__file__).parent
REF = HERE / "fixtures" / "screen_reference.json"
COVS = {"adjusted": ["age_yr", "sex_male", "bmi"], "unadjusted": []}


def _rows(kind):
    rows = json.loads(REF.read_text())["rows"]
    return [r for r in rows if (r["outcome"] == "sarcopenia") == (kind == "logistic")]


def _ours(fixture_data, adjustment, firth=False):
    cohort, bio = fixture_data
    return screen(
        cohort,
        bio,
        outcomes=["smi", "grip_kg", "sarcopenia"],
        covariates=COVS[adjustment],
        firth=firth,
        chunk_size=4,
    ).table


@pytest.mark.parametrize("adjustment", ["adjusted", "unadjusted"])
def test_linear_rows_match_r_lm(fixture_data, adjustment):
    t = _ours(fixture_data, adjustment)
    refs = [r for r in _rows("linear") if r["adjustment"] == adjustment]
    assert len(refs) == 12
    for ref in refs:
        row = t[(t.outcome == ref["outcome"]) & (t.biomarker == ref["biomarker"])].iloc[0]
        # R: summary(lm(y ~ x + covs))$coefficients["x", ]; confint(); p.adjust(p, "BH")
        assert row["n"] == ref["n"]
        for col in (
            "estimate",
            "se",
            "statistic",
            "p_value",
            "df",
            "ci_lower",
            "ci_upper",
            "std_beta",
            "q_value",
        ):
            np.testing.assert_allclose(
                row[col], ref[col], rtol=1e-6, err_msg=f"{ref['outcome']} {ref['biomarker']} {col}"
            )


@pytest.mark.parametrize("adjustment", ["adjusted", "unadjusted"])
def test_logistic_rows_match_r_glm(fixture_data, adjustment):
    t = _ours(fixture_data, adjustment)
    for ref in (r for r in _rows("logistic") if r["adjustment"] == adjustment):
        row = t[(t.outcome == "sarcopenia") & (t.biomarker == ref["biomarker"])].iloc[0]
        # R: glm(sarcopenia ~ scale(x) + covs, binomial) on complete cases; Wald CI
        assert row["n"] == ref["n"] and row["events"] == ref["events"]
        for col in (
            "estimate",
            "se",
            "statistic",
            "p_value",
            "odds_ratio",
            "or_ci_lower",
            "or_ci_upper",
            "q_value",
        ):
            np.testing.assert_allclose(
                row[col], ref[col], rtol=1e-6, err_msg=f"{ref['biomarker']} {col}"
            )


@pytest.mark.parametrize("adjustment", ["adjusted", "unadjusted"])
def test_firth_rows_match_r_firth_iteration(fixture_data, adjustment):
    t = _ours(fixture_data, adjustment, firth=True)
    for ref in (r for r in _rows("logistic") if r["adjustment"] == adjustment):
        row = t[(t.outcome == "sarcopenia") & (t.biomarker == ref["biomarker"])].iloc[0]
        np.testing.assert_allclose(
            [row["estimate"], row["se"], row["p_value"]],
            [ref["firth_estimate"], ref["firth_se"], ref["firth_p_value"]],
            rtol=1e-6,
        )


@pytest.mark.rcheck
def test_r_script_reproduces_committed_fixture(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    root = HERE.parents[1]
    before = json.loads(REF.read_text())
    out = tmp_path / "screen_reference.json"
    # Written to a temporary file: the committed fixture is only compared.
    subprocess.run(
        ["Rscript", str(HERE / "r" / "make_screen_reference.R"), str(out)],
        cwd=root,
        check=True,
        capture_output=True,
    )
    after = json.loads(out.read_text())
    assert len(after["rows"]) == len(before["rows"])
    for a, b in zip(after["rows"], before["rows"]):
        for k, v in b.items():
            if isinstance(v, float):
                np.testing.assert_allclose(a[k], v, rtol=1e-9)
            else:
                assert a[k] == v
