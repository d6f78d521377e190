"""Speed of the vectorised engine on a biobank-sized table (``make bench``-style, not run by default)."""

import time

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify_many

pytestmark = pytest.mark.bench


def _cohort(n, seed=0):
    r = np.random.default_rng(seed)

    def miss(x, p=0.1):
        x = x.astype(float)
        x[r.random(n) < p] = np.nan
        return x

    return pd.DataFrame(
        {
            "sex": r.choice(["male", "female", None], n, p=[0.48, 0.48, 0.04]),
            "muscle_mass_method": r.choice(["bia", "dxa", None], n, p=[0.5, 0.46, 0.04]),
            "height_cm": r.normal(162, 9, n),
            "weight_kg": r.normal(63, 11, n),
            "asm_kg": miss(r.normal(17, 4, n)),
            "grip_kg": miss(r.normal(25, 8, n)),
            "gait_speed_m_s": miss(r.normal(1.0, 0.25, n)),
            "chair_stand_5x_s": miss(r.normal(12, 3, n)),
            "chair_stand_unable": r.random(n) < 0.03,
            "tug_s": miss(r.normal(11, 4, n)),
            "sppb_total": miss(r.integers(3, 13, n).astype(float), 0.5),
            "calf_circumference_cm": miss(r.normal(33.5, 3, n)),
            "sarc_f_total": miss(r.integers(0, 8, n)),
        }
    )


def test_100k_participants_all_definitions_in_seconds():
    df = _cohort(100_000)
    start = time.process_time()
    out = classify_many(df, "all")
    cpu = time.process_time() - start
    assert len(out) == 7 and all(len(t) == len(df) for t in out.values())
    # ~3 s of CPU before issue 20 (~0.6 s since); the row-by-row engine took ~80 s
    assert cpu < 15, cpu


def test_100k_participants_statuses_only_and_with_reasons():
    """Issue 20: the texts are built per distinct value, and ``reasons=False``
    (what ``analyze`` uses) skips them: ~0.3 s and ~0.6 s of CPU on the
    development machine (2 cores, loaded); the row-by-row texts took ~3 s."""
    df = _cohort(100_000)
    start = time.process_time()
    fast = classify_many(df, "all", reasons=False)
    cpu_fast = time.process_time() - start
    start = time.process_time()
    full = classify_many(df, "all")
    cpu_full = time.process_time() - start
    assert all("reason" not in t.columns for t in fast.values())
    assert all(full[n]["reason"].notna().all() for n in full)
    assert cpu_fast < 3, cpu_fast
    assert cpu_full < 6, cpu_full
