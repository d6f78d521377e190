"""concentrations.csv from `sarcostat elisa` joins the cohort through sarcostat.io."""

import numpy as np
import pandas as pd
import pytest
from simulate import write_plate

from sarcostat.cli import main
from sarcostat.io import read_cohort


def test_concentrations_join_the_cohort_with_censored_values(tmp_path):
    # two plates measure the same samples: S001 is blank serum (below the kit LOD 3.2 on
    # both), S002-S004 in range, S005 far above the ULOQ (left empty: re-assay diluted)
    truths = [0.0, 15.0, 40.0, 90.0, 5000.0]
    p1 = write_plate(tmp_path, "run1", "competitive", truths, seed=11)
    p2 = write_plate(tmp_path, "run2", "competitive", truths, seed=12)
    out = tmp_path / "elisa"
    assert (
        main(
            [
                "elisa",
                str(p1[0]),
                str(p2[0]),
                "--layout",
                str(p1[1]),
                "-o",
                str(out),
                "--lod",
                "3.2",
                "--acceptance",
                "kit",
            ]
        )
        == 0
    )
    conc = pd.read_csv(out / "concentrations.csv", dtype=str, keep_default_na=False)
    assert conc.set_index("id").loc["S001", "sclerostin"] == "<3.2"

    clinic = pd.DataFrame(
        {
            "id": ["S001", "S002", "S003", "S004", "S005", "S006"],
            "sex": ["male", "female", "female", "male", "male", "female"],
            "age_yr": [70.0, 66.0, 81.0, 74.0, 69.0, 77.0],
            "height_cm": [170.0, 155.0, 150.0, 168.0, 172.0, 158.0],
            "weight_kg": [72.0, 55.0, 49.0, 66.0, 80.0, 52.0],
        }
    )
    merged = clinic.merge(conc, on="id", how="left")  # S006 was not assayed
    path = tmp_path / "cohort.csv"
    merged.to_csv(path, index=False)

    cohort = read_cohort(path, biomarkers={"sclerostin": "pmol/L"})
    assert not cohort.has_errors, cohort.summary()
    d = cohort.data.set_index("id")
    assert cohort.units["sclerostin"] == "pmol/L"
    # censored: value NaN, limit kept in sclerostin_lod
    assert np.isnan(d.loc["S001", "sclerostin"]) and d.loc["S001", "sclerostin_lod"] == 3.2
    assert any(f.rule == "censored" and f.severity == "info" for f in cohort.issues)
    # in range: the mean over both plates, as written, read back as numbers
    written = conc.set_index("id")["sclerostin"]
    for sid, truth in (("S002", 15.0), ("S003", 40.0), ("S004", 90.0)):
        assert d.loc[sid, "sclerostin"] == pytest.approx(float(written[sid]), rel=1e-12)
        assert d.loc[sid, "sclerostin"] == pytest.approx(truth, rel=0.25)
        assert np.isnan(d.loc[sid, "sclerostin_lod"])
    # above the ULOQ and not assayed: missing, not censored
    for sid in ("S005", "S006"):
        assert np.isnan(d.loc[sid, "sclerostin"]) and np.isnan(d.loc[sid, "sclerostin_lod"])


def test_dilution_scaled_limit_and_mass_units_join_the_cohort(tmp_path):
    # a 1:2 diluted blank sample is censored at 2 x LOD; ng/mL via the molecular weight
    p = write_plate(
        tmp_path, "d", "competitive", [0.0, 0.0, 30.0], seed=3, cv=0, sd0=0, dilutions={"S002": 2.0}
    )
    out = tmp_path / "o"
    assert (
        main(
            [
                "elisa",
                str(p[0]),
                "--layout",
                str(p[1]),
                "-o",
                str(out),
                "--lod",
                "3.2",
                "--mw",
                "22500",
                "--to-unit",
                "ng/mL",
            ]
        )
        == 0
    )
    conc = pd.read_csv(out / "concentrations.csv", dtype=str)
    conc.insert(1, "sex", "female")
    conc.to_csv(tmp_path / "c.csv", index=False)
    d = read_cohort(tmp_path / "c.csv", biomarkers={"sclerostin": "ng/mL"}).data.set_index("id")
    assert d.loc["S001", "sclerostin_lod"] == pytest.approx(3.2 * 0.0225)
    assert d.loc["S002", "sclerostin_lod"] == pytest.approx(2 * 3.2 * 0.0225)
    assert d.loc["S003", "sclerostin"] == pytest.approx(30 * 0.0225, rel=1e-3)
