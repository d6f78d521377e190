"""Prevalence on the hand-worked cohort against R (tests/assess/r/ref_prevalence.R).

R works from the hand-classified statuses, so this checks classification,
counting of indeterminate participants and the Wilson interval together.
"""

import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from sarcostat.assess import prevalence

ROOT = Path(__file__).parents[2]
FIX = Path(__file__).parent / "fixtures"
REF = json.loads((FIX / "ref_prevalence.json").read_text())


def test_prevalence_matches_r_on_hand_worked_cohort():
    df = pd.read_csv(
        FIX / "hand_worked.csv",
        dtype={"id": "string", "sex": "string", "muscle_mass_method": "string"},
    )
    for col in ("gait_unable", "chair_stand_unable"):
        df[col] = df[col].astype(bool)
    got = prevalence(df, ["awgs2019", "ewgsop2"]).set_index(["definition", "group"])
    assert len(got) == len(REF["rows"])
    for ref in REF["rows"]:
        row = got.loc[(ref["definition"], ref["group"])]
        for key in ("n", "n_classified", "n_indeterminate", "n_sarcopenia"):
            assert row[key] == ref[key], (ref["definition"], ref["group"], key)
        for key in ("prevalence", "ci_lower", "ci_upper"):
            assert row[key] == pytest.approx(ref[key], rel=1e-6), (
                ref["definition"],
                ref["group"],
                key,
            )


@pytest.mark.rcheck
def test_regenerate_prevalence_fixture_with_r(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not available")
    out = tmp_path / "ref.json"
    subprocess.run(["Rscript", "tests/assess/r/ref_prevalence.R", str(out)], cwd=ROOT, check=True)
    assert json.loads(out.read_text())["rows"] == REF["rows"]
