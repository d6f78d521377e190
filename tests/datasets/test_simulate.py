"""The cohort simulator: determinism, validation, coherence, the theta=0 null."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.cli import main
from sarcostat.datasets import demo_cohort_path
from sarcostat.datasets.simulate import RAW_COLUMNS, GenerativeModel, derive, simulate_cohort
from sarcostat.exceptions import ParameterError


def test_same_seed_same_cohort_other_seed_other_cohort():
    a = simulate_cohort(150, seed=7)
    b = simulate_cohort(150, seed=7)
    c = simulate_cohort(150, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["sclerostin"].equals(c["sclerostin"])
    assert tuple(a.columns) == RAW_COLUMNS


def test_uncalibrated_draw_is_coherent_and_classified_by_awgs():
    d = derive(simulate_cohort(400, seed=11))
    assert d["sarcopenia"].notna().all()
    prev = d["sarcopenia"].astype(bool).mean()
    assert 0.05 < prev < 0.35
    men, women = d[d["sex"] == "male"], d[d["sex"] == "female"]
    assert men["grip_kg"].mean() > women["grip_kg"].mean() + 5
    assert men["height_cm"].mean() > women["height_cm"].mean() + 7
    assert ((d["side_by_side_s"] >= 0) & (d["tandem_s"] <= 10)).all()


def test_theta_zero_makes_sclerostin_independent():
    d = derive(simulate_cohort(4000, seed=3, model=GenerativeModel(theta=0.0)))
    r = np.corrcoef(d["sclerostin"], d["smi"])[0, 1]
    # |r| < 4 / sqrt(n) is far beyond Monte Carlo noise (SE 0.016) yet far below the seed's 0.457.
    assert abs(r) < 0.063
    d1 = derive(simulate_cohort(4000, seed=3))
    assert np.corrcoef(d1["sclerostin"], d1["smi"])[0, 1] > 0.3


@pytest.mark.parametrize(
    "kwargs", [{"n": 5}, {"n": 10.5}, {"n": 100, "seed": -1}, {"n": 100, "calibrate": True}]
)
def test_bad_options_are_parameter_errors(kwargs):
    with pytest.raises(ParameterError):
        simulate_cohort(**kwargs)


def test_cli_writes_csv_and_column_map_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "c.csv"
    assert main(["simulate", "--n", "40", "--seed", "2", "-o", str(out)]) == 0
    df = pd.read_csv(out)
    assert len(df) == 40 and tuple(df.columns) == RAW_COLUMNS
    toml = out.with_suffix(".toml").read_text()
    assert "pmol/L" in toml and "synthetic = true" in toml and "n=40, seed 2" in toml
    printed = capsys.readouterr().out
    assert "SYNTHETIC" in printed and f"--map {out.with_suffix('.toml')}" in printed
    # Read back with its map: sclerostin in pmol/L and flagged synthetic (reports say so).
    from sarcostat.io import read_cohort

    c = read_cohort(out, mapping=out.with_suffix(".toml"))
    assert c.units["sclerostin"] == "pmol/L" and c.protocol["synthetic"] is True
    assert main(["simulate", "--n", "40", "-o", str(out)]) == 2
    assert main(["simulate", "--n", "40", "-o", str(tmp_path / "c.txt")]) == 2


@pytest.mark.slow
def test_default_call_regenerates_the_bundled_demo_cohort():
    # About a minute: the calibration solves a bounded least-squares problem.
    raw = simulate_cohort()
    bundled = pd.read_csv(demo_cohort_path(), dtype={"chair_stand_5x_s": str})
    fresh = pd.read_csv(
        __import__("io").StringIO(raw.to_csv(index=False)), dtype={"chair_stand_5x_s": str}
    )
    pd.testing.assert_frame_equal(fresh, bundled)
