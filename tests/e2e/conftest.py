"""One generated cohort and one `sarcostat analyze` run shared by the e2e tests."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.cli import main

BIOMARKER_HEADER = "Sclerostin (pmol/L)"


def generate_cohort(n: int, seed: int) -> pd.DataFrame:
    """A clinic-style export of ``n`` synthetic participants (raw measurements only).

    Test input, not calibrated to anything: muscle measures rise with the
    biomarker so the analyses have something to find, and every derived
    quantity (BMI, SMI, gait speed, SPPB, SPS, sarcopenia) is left to sarcostat.
    """
    rng = np.random.default_rng(seed)
    male = rng.random(n) < 0.5
    z = rng.normal(0, 1, n)
    height = np.where(male, 166, 153) + rng.normal(0, 6, n)
    weight = (np.where(male, 24.5, 24.0) + rng.normal(0, 3, n)) * (height / 100) ** 2
    smi = np.where(male, 7.3, 5.9) + 0.35 * z + rng.normal(0, 0.6, n)
    grip = np.where(male, 31, 20) + 2.5 * z + rng.normal(0, 5, n)
    age = rng.normal(70, 6, n)
    return pd.DataFrame(
        {
            "id": [f"E{i:03d}" for i in range(1, n + 1)],
            "sex": np.where(male, "male", "female"),
            "age_yr": age.round(1),
            "height_cm": height.round(1),
            "weight_kg": weight.round(1),
            "asm_kg": (smi * (height / 100) ** 2).round(1),
            "muscle_mass_method": "bia",
            "grip_1_kg": (grip - np.abs(rng.normal(0, 1, n))).clip(5).round(1),
            "grip_2_kg": (grip - np.abs(rng.normal(0, 1, n))).clip(5).round(1),
            "gait_time_4m_s": (
                4 / (1.05 + 0.05 * z - 0.01 * (age - 70) + rng.normal(0, 0.2, n)).clip(0.3)
            ).round(2),
            "chair_stand_5x_s": (11 + 0.15 * (age - 70) - 0.5 * z + rng.gamma(2, 1.3, n) - 2.6)
            .clip(5)
            .round(2),
            "side_by_side_s": 10.0,
            "semi_tandem_s": np.where(rng.random(n) < 0.9, 10.0, 6.0),
            "tandem_s": rng.choice([10.0, 6.5, 2.0], n, p=[0.6, 0.3, 0.1]),
            BIOMARKER_HEADER: np.exp(3.7 + 0.35 * z).round(1).astype(object),
        }
    )


@pytest.fixture(scope="session")
def cohort_csv(tmp_path_factory):
    """150 generated participants as a clinic export: the biomarker header
    carries its unit, three values are '<3.2' (below the detection limit),
    one grip trial pair and one height are missing."""
    d = generate_cohort(150, seed=11)
    d.loc[[4, 17, 60], BIOMARKER_HEADER] = "<3.2"
    d.loc[7, ["grip_1_kg", "grip_2_kg"]] = np.nan
    d.loc[9, "height_cm"] = np.nan
    path = tmp_path_factory.mktemp("cohort") / "cohort.csv"
    d.to_csv(path, index=False)
    return path


@pytest.fixture(scope="session")
def analyzed(cohort_csv, tmp_path_factory):
    """(exit code, stdout, stderr, OUTDIR) of `sarcostat analyze cohort.csv -o OUTDIR`."""
    import contextlib
    import io

    out = tmp_path_factory.mktemp("run") / "report"
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(["analyze", str(cohort_csv), "-o", str(out)])
    return code, so.getvalue(), se.getvalue(), out
