"""The kappa and prevalence tables of `sarcostat classify -o` against R.

Fixture from tests/assess/r/ref_classify_outputs.R (vcd::Kappa, prop.test,
binom.test) on the 2×2 tables and proportions of `classify --definition all`
on the bundled clinic example (inputs in fixtures/classify_outputs_inputs.json,
a regression lock on those counts), plus edge cases.
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from sarcostat.assess import classify_cohort
from sarcostat.assess.agreement import kappa_note, kappa_table, wilson_interval

ROOT = Path(__file__).parents[2]
FIX = Path(__file__).parent / "fixtures"
INPUTS = json.loads((FIX / "classify_outputs_inputs.json").read_text())
REF = json.loads((FIX / "ref_classify_outputs.json").read_text())
EXAMPLES = ROOT / "src" / "sarcostat" / "datasets" / "examples"


@pytest.fixture(scope="module")
def clinic():
    from sarcostat.io import read_cohort

    cohort = read_cohort(EXAMPLES / "clinic_baseline.xlsx", mapping=EXAMPLES / "clinic_map.toml")
    return classify_cohort(cohort, "all")


def test_clinic_tables_are_the_fixture_inputs(clinic):
    for row in clinic.agreement.itertuples():
        name = f"clinic_{row.definition_a}_{row.definition_b}"
        table = [[row.n_both, row.n_a_only], [row.n_b_only, row.n_neither]]
        assert table == INPUTS["kappa_tables"][name], name
    for row in clinic.prevalence.itertuples():
        name = f"clinic_{row.definition}_{row.group}"
        if row.n_classified:
            assert [row.n_sarcopenia, row.n_classified] == INPUTS["proportions"][name]
        else:
            assert name not in INPUTS["proportions"]


@pytest.mark.parametrize("name", sorted(REF["kappa"]))
def test_kappa_and_ci_match_vcd(name):
    ref = REF["kappa"][name]
    got = kappa_table(ref["table"])
    assert got["n"] == ref["n"]
    if ref["kappa"] is None:  # vcd: NaN when both definitions are constant
        assert np.isnan(got["kappa"])
        assert "0/0" in kappa_note(ref["table"], "A", "B")
        return
    assert got["kappa"] == pytest.approx(ref["kappa"], rel=1e-6, abs=1e-12)
    t = np.asarray(ref["table"])
    if (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any():
        # a constant definition: vcd gives ASE 0 (up to the square root of rounding
        # noise, ~1e-8); we give no interval, and words
        assert ref["ase"] == pytest.approx(0.0, abs=1e-7)
        assert np.isnan(got["ci_lower"])
        assert kappa_note(ref["table"], "A", "B").startswith("undefined: ")
        return
    assert kappa_note(ref["table"], "A", "B") == ""
    assert got["se"] == pytest.approx(ref["ase"], rel=1e-6)
    assert [got["ci_lower"], got["ci_upper"]] == pytest.approx(ref["confint_95"], rel=1e-6)


def test_clinic_agreement_matches_vcd(clinic):
    checked = 0
    for row in clinic.agreement.itertuples():
        ref = REF["kappa"][f"clinic_{row.definition_a}_{row.definition_b}"]
        if row.note:
            continue
        assert row.kappa == pytest.approx(ref["kappa"], rel=1e-6)
        assert [row.ci_lower, row.ci_upper] == pytest.approx(ref["confint_95"], rel=1e-6)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("name", sorted(REF["proportions"]))
def test_wilson_matches_prop_test_and_clopper_pearson_binom_test(name):
    from sarcostat.stats.describe import clopper_pearson

    ref = REF["proportions"][name]
    k, n = int(ref["k"]), int(ref["n"])
    assert list(wilson_interval(k, n, 0.95)) == pytest.approx(ref["wilson_95"], rel=1e-6, abs=1e-12)
    assert list(clopper_pearson(k, n, confidence=0.95)) == pytest.approx(
        ref["clopper_pearson_95"], rel=1e-6, abs=1e-12
    )


def test_clinic_prevalence_cis_match_r(clinic):
    for row in clinic.prevalence.itertuples():
        ref = REF["proportions"].get(f"clinic_{row.definition}_{row.group}")
        if ref is None:
            assert not row.classifiable and np.isnan(row.prevalence)
            continue
        assert [row.ci_lower, row.ci_upper] == pytest.approx(ref["wilson_95"], rel=1e-6, abs=1e-12)


@pytest.mark.rcheck
def test_regenerate_fixture_with_r(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "ref.json"
    subprocess.run(
        ["Rscript", "tests/assess/r/ref_classify_outputs.R", str(out)], cwd=ROOT, check=True
    )
    new = json.loads(out.read_text())
    assert new["kappa"].keys() == REF["kappa"].keys()
    assert new["proportions"].keys() == REF["proportions"].keys()
