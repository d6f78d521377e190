"""Random cohorts with missing values for the screen tests (imported by name)."""

import numpy as np
import pandas as pd


def make_data(n=300, p=12, *, seed=0, missing=0.08, binary=True):
    rng = np.random.default_rng(seed)
    ids = [f"P{i:04d}" for i in range(n)]
    age = rng.normal(70, 6, n)
    sex = rng.integers(0, 2, n).astype(float)
    bmi = rng.normal(24, 3, n)
    B = rng.normal(size=(n, p)) * rng.uniform(0.1, 50, p) + rng.uniform(-5, 500, p)
    B[:, 1] += 3 * (age - 70)  # a biomarker tied to a covariate
    B[rng.random((n, p)) < missing] = np.nan
    z0 = np.nan_to_num((B[:, 0] - np.nanmean(B[:, 0])) / np.nanstd(B[:, 0]))
    cohort = pd.DataFrame(
        {
            "id": ids,
            "age_yr": age,
            "sex_male": sex,
            "bmi": bmi,
            "smi": 7 + 0.8 * sex - 0.03 * (age - 70) + 0.4 * z0 + rng.normal(0, 0.8, n),
            "grip_kg": 28 + 9 * sex - 0.4 * (age - 70) + rng.normal(0, 5, n),
        }
    )
    if binary:
        lin = -1 + 0.9 * z0 + 0.04 * (age - 70)
        cohort["sarcopenia"] = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(float)
        cohort.loc[rng.random(n) < 0.05, "sarcopenia"] = np.nan
    cohort.loc[rng.random(n) < 0.05, "smi"] = np.nan
    cohort.loc[rng.random(n) < 0.03, "bmi"] = np.nan
    bio = pd.DataFrame(B, columns=[f"x{j}" for j in range(p)])
    bio.insert(0, "id", ids)
    return cohort, bio
