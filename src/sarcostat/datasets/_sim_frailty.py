"""Synthetic frailty, frailty-index and bone inputs beside a simulated cohort.

Part of `sarcostat.datasets.simulate` (``simulate_cohort(frailty=True)``,
``sarcostat simulate --frailty``). Every value is synthetic.

A latent frailty score per participant,

.. math::

    F = \\gamma_S z(\\log S) + \\gamma_A z(\\mathrm{age}) + \\gamma_W z(-\\mathrm{grip/sex})
        + \\varepsilon,

drives the self-reported Fried items (weight loss, exhaustion, low
activity), the FRAIL items, the illness count and the 36 frailty-index
deficits; grip and gait come from the base cohort, so Fried's weakness and
slowness follow the base model. Sclerostin enters positively, as in the
2024 frailty study (Baek JY et al., Endocrinol Metab 2025;40(1):73-81,
doi:10.3803/EnM.2024.2100: higher sclerostin in frail participants, OR per
SD 1.87). That abstract publishes no prevalence, so the calibration is
loose: the default parameters give about 10-20% frail and 45-55% pre-frail
by Fried 2001 in the base model's older adults, and an adjusted OR per SD
of sclerostin for Fried frailty between about 1.5 and 2.5 across seeds
(tests check broad ranges, not exact values).

The draws use their own random stream (seeded from the cohort's seed), so
adding them leaves every base column unchanged. The values that sit on a
cut-off's side are placed relative to the thresholds of
`sarcostat.assess.definitions.fried2001` (no number is restated).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sarcostat.assess.definitions import fried2001
from sarcostat.io.variables import require_variable

#: Columns added by `add_frailty_inputs` (before the deficits).
FRAILTY_COLUMNS = (
    "weight_loss_kg",
    "weight_loss_pct",
    "cesd_effort",
    "cesd_going",
    "activity_kcal_wk",
    "frail_fatigue",
    "frail_resistance",
    "frail_ambulation",
    "illness_count",
    "t_score_lumbar",
    "t_score_femoral_neck",
    "t_score_total_hip",
)
#: Number of frailty-index deficits drawn (columns ``fi_01`` ... ``fi_36``).
N_DEFICITS = 36
DEFICIT_COLUMNS = tuple(f"fi_{j:02d}" for j in range(1, N_DEFICITS + 1))


@dataclass(frozen=True)
class FrailtyModel:
    """Parameters of the synthetic frailty inputs (see the module docstring)."""

    sclerostin_load: float = 0.75
    age_load: float = 0.55
    weakness_load: float = 0.35
    #: Intercepts (logit) of the three self-reported Fried items.
    weight_loss_logit: float = -1.9
    exhaustion_logit: float = -1.4
    low_activity_logit: float = -1.3
    #: FRAIL items (fatigue, resistance, ambulation) and five-plus illnesses.
    frail_item_logit: float = -1.5
    illness_mean: float = 2.4
    #: Frailty-index deficits: base prevalence range and loading.
    deficit_logit_low: float = -3.2
    deficit_logit_high: float = -0.8
    deficit_load: float = 0.9
    #: Share of participants with many deficits missing (some beyond 20%).
    p_sparse: float = 0.04
    #: Missing share of each item at random.
    p_missing: float = 0.01
    #: T-scores: mean (women / men), SD, loss per year over 70, per BMI unit.
    t_mean_female: float = -1.6
    t_mean_male: float = -0.8
    t_sd: float = 1.0
    t_per_age: float = -0.03
    t_per_bmi: float = 0.08


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _z(x: np.ndarray) -> np.ndarray:
    return (x - np.nanmean(x)) / np.nanstd(x)


def _cut(rows: tuple, sex: str) -> float:
    return float([t.value for t in rows if t.sex in (sex, "any")][0])


def add_frailty_inputs(
    raw: pd.DataFrame, seed: int, model: FrailtyModel | None = None
) -> pd.DataFrame:
    """``raw`` plus `FRAILTY_COLUMNS` and `DEFICIT_COLUMNS` (synthetic).

    Parameters
    ----------
    raw : pandas.DataFrame
        A raw simulated cohort (``sex``, ``age_yr``, ``height_cm``,
        ``weight_kg``, ``grip_1_kg``, ``grip_2_kg``, ``sclerostin``).
    seed : int
        The cohort's seed; the frailty stream is ``default_rng([seed, 21])``.
    model : FrailtyModel, optional
    """
    m = model or FrailtyModel()
    rng = np.random.default_rng([int(seed), 21])
    n = len(raw)
    male = (raw["sex"] == "male").to_numpy()
    age = raw["age_yr"].to_numpy(dtype=float)
    weight = raw["weight_kg"].to_numpy(dtype=float)
    bmi = weight / (raw["height_cm"].to_numpy(dtype=float) / 100) ** 2
    grip = raw[["grip_1_kg", "grip_2_kg"]].max(axis=1).to_numpy(dtype=float)
    grip_z = np.where(male, _z(np.where(male, grip, np.nan)), _z(np.where(male, np.nan, grip)))
    f = (
        m.sclerostin_load * _z(np.log(raw["sclerostin"].to_numpy(dtype=float)))
        + m.age_load * _z(age)
        - m.weakness_load * grip_z
        + rng.standard_normal(n)
    )
    out = raw.copy()

    def item(logit: float) -> np.ndarray:
        return rng.random(n) < _logistic(logit + f)

    # Fried's self-reported criteria, placed relative to his thresholds.
    ten_lb = float(fried2001.WEIGHT_LOSS[0].value)
    lost = item(m.weight_loss_logit)
    kg = np.where(lost, ten_lb + rng.uniform(0.2, 5.0, n), rng.uniform(0, ten_lb - 0.2, n))
    kg = np.where(~lost & (rng.random(n) < 0.55), 0.0, kg)
    out["weight_loss_kg"] = np.round(kg, 1)
    out["weight_loss_pct"] = np.round(100 * kg / (weight + kg), 1)
    exhausted = item(m.exhaustion_logit)
    high = rng.integers(2, 4, n)
    low = rng.integers(0, 2, (2, n))
    first = rng.random(n) < 0.5
    out["cesd_effort"] = np.where(exhausted & first, high, low[0]).astype(float)
    out["cesd_going"] = np.where(exhausted & ~first, high, low[1]).astype(float)
    inactive = item(m.low_activity_logit)
    cut = np.where(
        male, _cut(fried2001.LOW_ACTIVITY, "male"), _cut(fried2001.LOW_ACTIVITY, "female")
    )
    kcal = np.where(inactive, cut * rng.uniform(0.05, 0.95, n), cut * rng.uniform(1.05, 4.0, n))
    out["activity_kcal_wk"] = np.round(kcal)
    for col in ("frail_fatigue", "frail_resistance", "frail_ambulation"):
        out[col] = item(m.frail_item_logit).astype(float)
    lam = np.exp(math.log(m.illness_mean) + 0.35 * f)
    out["illness_count"] = np.minimum(rng.poisson(lam), 11).astype(float)
    # Bone: lower with female sex, age and low BMI; the three sites correlate.
    base = (
        np.where(male, m.t_mean_male, m.t_mean_female)
        + m.t_per_age * (age - 70)
        + m.t_per_bmi * (bmi - 24)
        + 0.8 * m.t_sd * rng.standard_normal(n)
    )
    for col, shift in (
        ("t_score_lumbar", 0.1),
        ("t_score_femoral_neck", -0.2),
        ("t_score_total_hip", 0.1),
    ):
        t = np.round(base + shift + 0.6 * m.t_sd * rng.standard_normal(n), 1)
        # Within the range sarcostat validates (a normal tail reaches past it
        # in about one of 10**6 draws), so a simulated cohort of any size reads.
        var = require_variable(col)
        out[col] = np.clip(t, var.low, var.high)
    # Frailty-index deficits: 0/1, a few graded 0/0.5/1.
    a = np.linspace(m.deficit_logit_low, m.deficit_logit_high, N_DEFICITS)
    for j, col in enumerate(DEFICIT_COLUMNS):
        p = _logistic(a[j] + m.deficit_load * f)
        u = rng.random(n)
        val = (u < p).astype(float)
        if j % 6 == 5:  # graded deficits (e.g. 'some difficulty' = 0.5)
            val = np.where(u < p / 2, 1.0, np.where(u < p, 0.5, 0.0))
        out[col] = val
    # missing values: a few items at random, and a few participants with many
    cols = list(FRAILTY_COLUMNS[:9]) + list(DEFICIT_COLUMNS)
    for col in cols:
        gone = rng.random(n) < m.p_missing
        out.loc[gone, col] = np.nan
    sparse = np.flatnonzero(rng.random(n) < m.p_sparse)
    # The draws are made participant by participant (the same stream as
    # always, so a seed gives the same cohort); the cells are blanked column
    # by column afterwards (one pandas assignment per cell took most of a
    # 10**6-row simulation).
    blank = np.zeros((n, len(DEFICIT_COLUMNS)), dtype=bool)
    position = {c: j for j, c in enumerate(DEFICIT_COLUMNS)}
    for i in sparse.tolist():
        k = int(rng.integers(6, 12))  # 6-11 of 36: some at or under 20%, most beyond
        for col in rng.choice(DEFICIT_COLUMNS, k, replace=False):
            blank[i, position[col]] = True
    for j, col in enumerate(DEFICIT_COLUMNS):
        if blank[:, j].any():
            out.loc[blank[:, j], col] = np.nan
    return out
