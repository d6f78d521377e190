"""Every frailty / osteosarcopenia category against an independent R derivation.

The cohort (tests/assess/fixtures/frailty_cohort.csv) has missing sex,
height, BMI, items, T-score sites and frailty-index deficits (0 to 12 of 30
missing; 6 = exactly 20% is kept, 7 or more excluded).
R: tests/assess/r/ref_frailty.R -> tests/assess/fixtures/ref_frailty.json.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess.frailty import classify_frailty, frailty_cohort

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "assess" / "fixtures"
REF = json.loads((FIX / "ref_frailty.json").read_text())
DEFICITS = (
    [f"fi_{j:02d}" for j in (1, 2)]
    + [
        {"column": "fi_03", "levels": {"none": 0, "some": 0.5, "severe": 1}},
        {"column": "fi_04", "operator": ">", "value": 2.5},
    ]
    + [f"fi_{j:02d}" for j in range(5, 31)]
)


@pytest.fixture(scope="module")
def cohort():
    return pd.read_csv(FIX / "frailty_cohort.csv")


@pytest.mark.parametrize(
    "name", ["fried2001", "fried2001_asian", "frail_scale", "frailty_index", "osteosarcopenia"]
)
def test_every_category_matches_r(cohort, name):
    # R: count_cat()/fi_cat/osteo_cat in ref_frailty.R
    out = classify_frailty(cohort, name, deficits=DEFICITS)
    got = out["category"].tolist()
    bad = [(i, g, r) for i, g, r in zip(REF["id"], got, REF[name]) if g != r]
    assert not bad, bad[:5]
    # the cohort exercises every branch, indeterminate included
    assert "indeterminate" in got or name == "frailty_index"


def test_frailty_index_values_match_r(cohort):
    # R: rowSums(S, na.rm = TRUE) / rowSums(!is.na(S)); NA when > 20% missing
    out = classify_frailty(cohort, "frailty_index", deficits=DEFICITS)
    ref = np.array([np.nan if v is None else v for v in REF["frailty_index_value"]], float)
    np.testing.assert_allclose(out["frailty_index"].to_numpy(), ref, rtol=1e-12, equal_nan=True)
    n_miss = out["fi_n_missing"].to_numpy()
    assert (n_miss == 6).any() and (n_miss == 7).any()
    assert not out.loc[n_miss == 6, "fi_excluded"].any()
    assert out.loc[n_miss >= 7, "fi_excluded"].all()
    assert out.loc[n_miss == 7, "reason"].str.startswith("excluded: 7 of 30 deficits missing").all()


def test_cohort_summary_counts(cohort):
    res = frailty_cohort(cohort, "fried2001,frail_scale,osteosarcopenia")
    overall = res.prevalence[res.prevalence["group"] == "overall"].set_index("definition")
    for name in ("fried2001", "frail_scale"):
        cats = pd.Series(REF[name])
        assert overall.at[name, "n_frail"] == (cats == "frail").sum()
        assert overall.at[name, "n_robust"] == (cats == "robust").sum()
    assert len(res.agreement) == 3


@pytest.mark.rcheck
def test_regenerate_frailty_fixture_with_r(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "ref.json"
    subprocess.run(["Rscript", "tests/assess/r/ref_frailty.R", str(out)], cwd=ROOT, check=True)
    new = json.loads(out.read_text())
    for key in REF:
        if key != "r_version":
            assert new[key] == REF[key], key


def test_frailty_result_is_a_stat_result(cohort):
    from sarcostat.results import StatResult

    a = frailty_cohort(cohort, "fried2001,osteosarcopenia")
    b = frailty_cohort(cohort, "fried2001,osteosarcopenia")
    assert isinstance(a, StatResult)
    assert a == b  # equality by value, DataFrames included
    assert len(repr(a).splitlines()) <= 25
    assert a.to_frame().equals(a.table)
