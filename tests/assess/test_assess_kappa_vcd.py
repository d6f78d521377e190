"""Cohen's kappa, SE and CI against R's vcd::Kappa (fixture from tests/assess/r/ref_kappa.R).

Input tables are in fixtures/kappa_tables.json: literature-style 2x2..5x5
tables, ``hand_worked_expected_awgs2019_ewgsop2`` (built from the
hand-classified statuses of fixtures/hand_worked.csv) and, for every pair of
definitions, ``hand_worked_<a>_<b>`` as sarcostat classified the hand-worked
cohort when the fixture was made (a regression lock on those counts; rerun
the R script after regenerating them if a definition changes).
"""

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import agreement
from sarcostat.assess.agreement import kappa_table

ROOT = Path(__file__).parents[2]
FIX = Path(__file__).parent / "fixtures"
REF = json.loads((FIX / "ref_kappa_vcd.json").read_text())
CASES = REF["cases"]


def _degenerate(table):
    t = np.asarray(table, dtype=float)
    return (t.sum(axis=0) == 0).any() or (t.sum(axis=1) == 0).any()


@pytest.mark.parametrize("name", sorted(CASES))
def test_kappa_se_ci_match_vcd(name):
    ref = CASES[name]
    got = kappa_table(ref["table"])
    assert got["n"] == ref["n"]
    if ref["kappa"] in (None, "NaN"):  # vcd: NaN when both raters are constant
        assert np.isnan(got["kappa"])
        return
    assert got["kappa"] == pytest.approx(ref["kappa"], rel=1e-6, abs=1e-12)
    if _degenerate(ref["table"]):
        # vcd reports ASE 0 and a zero-width CI; we report no interval on purpose
        assert ref["ase"] == pytest.approx(0.0, abs=1e-12)
        assert np.isnan(got["se"]) and np.isnan(got["ci_lower"]) and np.isnan(got["ci_upper"])
        return
    assert got["se"] == pytest.approx(ref["ase"], rel=1e-6)
    assert [got["ci_lower"], got["ci_upper"]] == pytest.approx(
        ref["confint_95"], rel=1e-6, abs=1e-12
    )
    g90 = kappa_table(ref["table"], confidence=0.90)
    assert [g90["ci_lower"], g90["ci_upper"]] == pytest.approx(
        ref["confint_90"], rel=1e-6, abs=1e-12
    )


def test_fixture_covers_2x2_and_kxk_and_clipping():
    shapes = {len(c["table"]) for c in CASES.values()}
    assert {2, 3, 4, 5} <= shapes
    # at least one case where the unclipped Wald limit leaves [-1, 1]
    assert any(c["wald_95"][1] > 1 for c in CASES.values() if isinstance(c["wald_95"][1], float))


@pytest.fixture(scope="module")
def hand_worked():
    df = pd.read_csv(
        FIX / "hand_worked.csv",
        dtype={"id": "string", "sex": "string", "muscle_mass_method": "string"},
    )
    for col in ("gait_unable", "chair_stand_unable"):
        df[col] = df[col].astype(bool)
    return df


def test_hand_worked_awgs_ewgsop2_table_from_expected_statuses(hand_worked):
    # the hand classification alone fixes this 2x2 table; agreement() must build it
    ag = agreement(hand_worked, ["awgs2019", "ewgsop2"]).iloc[0]
    ref = CASES["hand_worked_expected_awgs2019_ewgsop2"]
    assert [[ag["n_both"], ag["n_a_only"]], [ag["n_b_only"], ag["n_neither"]]] == ref["table"]
    assert ag["kappa"] == pytest.approx(ref["kappa"], rel=1e-6)
    assert ag["se"] == pytest.approx(ref["ase"], rel=1e-6)
    assert [ag["ci_lower"], ag["ci_upper"]] == pytest.approx(ref["confint_95"], rel=1e-6)


def test_hand_worked_all_pairs_match_vcd(hand_worked):
    ag = agreement(hand_worked, "all")
    assert len(ag) == 21
    for row in ag.itertuples():
        ref = CASES[f"hand_worked_{row.definition_a}_{row.definition_b}"]
        assert [[row.n_both, row.n_a_only], [row.n_b_only, row.n_neither]] == ref["table"], row
        if ref["kappa"] in (None, "NaN"):
            assert np.isnan(row.kappa)
        else:
            assert row.kappa == pytest.approx(ref["kappa"], rel=1e-6, abs=1e-12)
        if not _degenerate(ref["table"]) and ref["kappa"] not in (None, "NaN"):
            assert row.se == pytest.approx(ref["ase"], rel=1e-6)


@pytest.mark.rcheck
def test_regenerate_fixture_with_r(tmp_path):
    """Rerun the R script and check the committed fixture is what vcd gives."""
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "ref.json"
    subprocess.run(["Rscript", "tests/assess/r/ref_kappa.R", str(out)], cwd=ROOT, check=True)
    new = json.loads(out.read_text())
    assert new["cases"].keys() == CASES.keys()
    for name, case in new["cases"].items():
        for key in ("kappa", "ase"):
            a, b = case[key], CASES[name][key]
            assert a == b or a == pytest.approx(b, rel=1e-12), (name, key)
