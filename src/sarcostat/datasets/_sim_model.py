"""The generative model of the synthetic cohorts: draw, round, derive.

Part of `sarcostat.datasets.simulate` (see its docstring for the
model and the calibration). The AWGS 2019 cut-offs used to stratify the
candidate pool and to box the calibration are read from the AWGS 2019
definition's own table, and the SPPB bins from `sarcostat.assess.sppb`:
no clinical number is restated here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sarcostat.assess.definitions import awgs2019
from sarcostat.assess.sppb import CHAIR_BINS, GAIT_BINS

#: Columns of a simulated cohort, in file order (canonical names of io/).
RAW_COLUMNS = (
    "id",
    "sex",
    "age_yr",
    "height_cm",
    "weight_kg",
    "asm_kg",
    "muscle_mass_method",
    "grip_1_kg",
    "grip_2_kg",
    "gait_time_4m_s",
    "chair_stand_5x_s",
    "side_by_side_s",
    "semi_tandem_s",
    "tandem_s",
    "sclerostin",
)


def _awgs(measure: str, sex: str = "any", device: str = "any", operator: str = "<") -> float:
    """The AWGS 2019 cut-off of ``measure`` (Chen 2020, doi:10.1016/j.jamda.2019.12.012)."""
    (row,) = [
        c
        for c in awgs2019.CUTOFFS
        if c.measure == measure and c.sex == sex and c.device in (device, "any")
    ]
    if row.operator != operator:  # the comparisons below are written for this operator
        raise ValueError(f"AWGS 2019 {measure} operator changed to {row.operator!r}")
    return row.value


# AWGS 2019 cut-offs, used only to *stratify* the candidate pool and to box
# the moment-matching step; the cohort's classes are always re-derived by
# sarcostat.assess.
_SMI_CUT = {True: _awgs("smi", "male", "bia"), False: _awgs("smi", "female", "bia")}  # kg/m²
_GRIP_CUT = {True: _awgs("grip_kg", "male"), False: _awgs("grip_kg", "female")}  # kg
_GAIT_CUT = _awgs("gait_speed_m_s")  # m/s, slow when below
_CHAIR_CUT = _awgs("chair_stand_5x_s", operator=">=")  # s, poor when at or above
_SPPB_CUT = int(_awgs("sppb_total", operator="<="))  # poor performance when <= this


def _half_open(upper: float) -> float:
    """An inclusive upper bin edge (6.20 s) as the exclusive edge at 0.01-s precision (6.21)."""
    return round(upper + 0.01, 2)


# SPPB component bins of the 4-m course as half-open [lo, hi) intervals over
# unrounded working values (the NIA bins of sarcostat.assess.sppb, whose
# upper edges are inclusive at the 0.01 s recording precision).
_G = GAIT_BINS[4.0]
_GAIT_BINS = (
    (4, 0.0, _G[0]),
    (3, _G[0], _half_open(_G[1])),
    (2, _half_open(_G[1]), _half_open(_G[2])),
    (1, _half_open(_G[2]), math.inf),
)
_C = CHAIR_BINS
_CHAIR_BINS = (
    (4, 0.0, _half_open(_C[0])),
    (3, _half_open(_C[0]), _half_open(_C[1])),
    (2, _half_open(_C[1]), _half_open(_C[2])),
    (1, _half_open(_C[2]), _C[3]),
)


@dataclass(frozen=True)
class GenerativeModel:
    """Parameters of the generative model (one participant at a time).

    Each participant has a sex, an age and a latent muscle factor
    ``L ~ N(0, 1)`` (within sex) that raises BMI, SMI, grip and, weakly, gait
    speed and the balance score. Serum sclerostin is log-normal and follows
    the *whole-body* muscle index ``M`` (``L`` plus the male-female
    difference, standardised):

    .. math::

        \\log S = \\mu_S + \\sigma_S\\,(\\theta M + \\sqrt{1-\\theta^2}\\,\\varepsilon)

    so ``theta`` is the only link between sclerostin and the muscle
    measurements: ``theta = 0`` makes sclerostin independent of every
    other variable (the null of every test of the plan).
    """

    p_male: float = 0.496
    age_min: float = 60.0
    age_shape: float = 2.4
    age_scale: float = 4.0
    height_male: float = 166.0
    height_female: float = 153.5
    height_sd_male: float = 5.8
    height_sd_female: float = 5.0
    height_per_age: float = -0.12
    bmi_mean: float = 25.6
    bmi_sd: float = 3.1
    bmi_load: float = 0.45
    smi_male: float = 7.55
    smi_female: float = 6.15
    smi_sd_male: float = 0.80
    smi_sd_female: float = 0.70
    smi_load: float = 0.70
    smi_per_age: float = -0.015
    grip_male: float = 34.0
    grip_female: float = 21.5
    grip_sd_male: float = 6.5
    grip_sd_female: float = 4.5
    grip_load: float = 0.50
    grip_per_age: float = -0.30
    grip_trial_sd: float = 1.2
    gait_speed: float = 1.05
    gait_sd: float = 0.36
    gait_load: float = 0.30
    gait_per_age: float = -0.015
    chair_median: float = 10.0
    chair_log_sd: float = 0.40
    chair_load: float = -0.05
    chair_per_age: float = 0.02
    p_chair_unable: float = 0.012
    balance_mean: float = 3.3
    balance_sd: float = 1.0
    balance_load: float = 0.25
    balance_per_age: float = -0.07
    #: Strength of the sclerostin-muscle link (correlation of log S with M).
    theta: float = 0.55
    sclerostin_log_mean: float = 3.72
    sclerostin_log_sd: float = 0.36
    #: Detection limit of the seed's ELISA (Biomedica BI-20492), pmol/L.
    sclerostin_lod: float = 3.2
    #: Male-female gap of the muscle factor in within-sex SD units.
    sex_gap: float = 1.9

    def describe(self) -> pd.DataFrame:
        """The parameters as a two-column table (for the data dictionary)."""
        return pd.DataFrame(
            {
                "parameter": list(self.__dataclass_fields__),
                "value": [getattr(self, k) for k in self.__dataclass_fields__],
            }
        )


# ---------------------------------------------------------------- drawing
def _balance_holds(score: np.ndarray, rng: np.random.Generator):
    """Hold times (side-by-side, semi-tandem, tandem) that score ``score``.

    Guralnik 1994: side-by-side 10 s = 1, semi-tandem 10 s = 1, tandem 10 s
    = 2, 3-9.99 s = 1, < 3 s = 0; a failed stance ends the balance test.
    """
    n = score.size
    sbs = np.full(n, 10.0)
    semi = np.full(n, 10.0)
    tandem = np.full(n, 10.0)
    part = np.round(rng.uniform(0.5, 9.5, n), 1)
    short = np.round(rng.uniform(0.0, 2.8, n), 1)
    mid = np.round(rng.uniform(3.2, 9.7, n), 1)
    tandem = np.where(score == 3, mid, tandem)
    tandem = np.where(score == 2, short, tandem)
    semi = np.where(score == 1, part, semi)
    tandem = np.where(score <= 1, 0.0, tandem)
    sbs = np.where(score == 0, part, sbs)
    semi = np.where(score == 0, 0.0, semi)
    return sbs, semi, tandem


def draw_latent(n: int, rng: np.random.Generator, model: GenerativeModel) -> pd.DataFrame:
    """Draw ``n`` participants (unrounded working frame with latent columns)."""
    m = model
    male = rng.random(n) < m.p_male
    age = np.minimum(m.age_min + rng.gamma(m.age_shape, m.age_scale, n), 95.0)
    da = age - 70.0
    lat = rng.standard_normal(n)
    e = rng.standard_normal((8, n))

    def mix(load, k):
        return load * lat + math.sqrt(1 - load**2) * e[k]

    height = (
        np.where(male, m.height_male, m.height_female)
        + np.where(male, m.height_sd_male, m.height_sd_female) * e[0]
        + m.height_per_age * da
    )
    bmi = m.bmi_mean + m.bmi_sd * mix(m.bmi_load, 1)
    smi = (
        np.where(male, m.smi_male, m.smi_female)
        + np.where(male, m.smi_sd_male, m.smi_sd_female) * mix(m.smi_load, 2)
        + m.smi_per_age * da
    )
    smi = np.maximum(smi, 3.5)
    grip = (
        np.where(male, m.grip_male, m.grip_female)
        + np.where(male, m.grip_sd_male, m.grip_sd_female) * mix(m.grip_load, 3)
        + m.grip_per_age * da
    )
    grip = np.maximum(grip, 4.0)
    speed = np.clip(m.gait_speed + m.gait_sd * mix(m.gait_load, 4) + m.gait_per_age * da, 0.25, 1.9)
    chair = np.clip(
        np.exp(
            np.log(m.chair_median)
            + m.chair_per_age * da
            + m.chair_log_sd * (m.chair_load * lat + e[5])
        ),
        5.0,
        58.0,
    )
    unable = rng.random(n) < m.p_chair_unable
    balance = np.clip(
        np.round(
            m.balance_mean + m.balance_per_age * da + m.balance_sd * (m.balance_load * lat + e[6])
        ),
        0,
        4,
    ).astype(int)
    whole = (lat + m.sex_gap * (male - m.p_male)) / math.sqrt(
        1 + m.sex_gap**2 * m.p_male * (1 - m.p_male)
    )
    th = m.theta
    scl = np.exp(
        m.sclerostin_log_mean
        + m.sclerostin_log_sd * (th * whole + math.sqrt(max(1 - th**2, 0.0)) * e[7])
    )
    scl = np.maximum(scl, m.sclerostin_lod + 0.1)
    # Best-of-two grip: the best trial is the drawn grip, the other is lower
    # by a test-retest difference.
    grip_gap = np.abs(rng.normal(0.0, m.grip_trial_sd * math.sqrt(2), n))
    first_best = rng.random(n) < 0.5
    return pd.DataFrame(
        {
            "male": male,
            "age_yr": age,
            "height_cm": height,
            "bmi": bmi,
            "smi": smi,
            "grip_kg": grip,
            "grip_gap": grip_gap,
            "first_best": first_best,
            "gait_time_4m_s": 4.0 / speed,
            "chair_stand_5x_s": np.where(unable, np.nan, chair),
            "chair_unable": unable,
            "balance": balance,
            "sclerostin": scl,
            # Latent parts of sclerostin, kept so that power simulations can
            # re-draw it for another theta on the same participants.
            "muscle_index": whole,
            "sclerostin_noise": e[7],
        }
    )


# ------------------------------------------------------- internal scoring
def _bin_score(values, bins, nan_score=0):
    out = np.full(values.shape, nan_score, dtype=int)
    for score, lo, hi in bins:
        out = np.where((values >= lo) & (values < hi), score, out)
    return out


def _flags(w: pd.DataFrame) -> pd.DataFrame:
    """Stratification flags (AWGS 2019 + SPPB) of a working frame."""
    male = w["male"].to_numpy()
    low_mass = w["smi"].to_numpy() < np.where(male, _SMI_CUT[True], _SMI_CUT[False])
    weak = w["grip_kg"].to_numpy() < np.where(male, _GRIP_CUT[True], _GRIP_CUT[False])
    gait_t = w["gait_time_4m_s"].to_numpy()
    slow = 4.0 / gait_t < _GAIT_CUT
    chair = w["chair_stand_5x_s"].to_numpy()
    gait_score = _bin_score(gait_t, _GAIT_BINS)
    chair_score = _bin_score(np.nan_to_num(chair, nan=np.inf), _CHAIR_BINS)
    sppb = w["balance"].to_numpy() + gait_score + chair_score
    chair_poor = np.isnan(chair) | (chair >= _CHAIR_CUT)
    poor = slow | chair_poor | (sppb <= _SPPB_CUT)
    return pd.DataFrame(
        {
            "low_mass": low_mass,
            "weak": weak,
            "slow": slow,
            "chair_poor": chair_poor,
            "gait_score": gait_score,
            "chair_score": chair_score,
            "sppb": sppb,
            "poor": poor,
            "sarc": low_mass & (weak | poor),
            "sps": low_mass.astype(int) + weak.astype(int) + slow.astype(int),
        },
        index=w.index,
    )


# ------------------------------------------------------ to the raw table
def latent_to_raw(w: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Round a working frame to recording precision in the canonical columns."""
    n = len(w)
    h = np.round(w["height_cm"].to_numpy(), 1)
    hm2 = (h / 100) ** 2
    weight = np.round(w["bmi"].to_numpy() * hm2, 1)
    asm = np.round(w["smi"].to_numpy() * hm2, 1)
    best = np.round(w["grip_kg"].to_numpy(), 1)
    other = np.round(np.maximum(best - w["grip_gap"].to_numpy(), 1.0), 1)
    first_best = w["first_best"].to_numpy()
    sbs, semi, tandem = _balance_holds(w["balance"].to_numpy(), rng)
    chair = np.round(w["chair_stand_5x_s"].to_numpy(), 2)
    raw = pd.DataFrame(
        {
            "id": [f"D{i:03d}" for i in range(1, n + 1)],
            "sex": np.where(w["male"].to_numpy(), "male", "female"),
            "age_yr": np.round(w["age_yr"].to_numpy(), 1),
            "height_cm": h,
            "weight_kg": weight,
            "asm_kg": asm,
            "muscle_mass_method": "bia",
            "grip_1_kg": np.where(first_best, best, other),
            "grip_2_kg": np.where(first_best, other, best),
            "gait_time_4m_s": np.round(w["gait_time_4m_s"].to_numpy(), 2),
            "chair_stand_5x_s": pd.array(chair, dtype="Float64"),
            "side_by_side_s": sbs,
            "semi_tandem_s": semi,
            "tandem_s": tandem,
            "sclerostin": np.round(w["sclerostin"].to_numpy(), 1),
        }
    )
    # 'unable' is what a clinic writes; the CSV keeps it as text.
    raw["chair_stand_5x_s"] = [
        ("unable" if u else f"{c:.2f}") for u, c in zip(w["chair_unable"].to_numpy(), chair)
    ]
    return raw


def derive(raw: pd.DataFrame) -> pd.DataFrame:
    """Add the derived columns to a raw simulated cohort.

    BMI, SMI, best grip, gait speed, chair-stand 'unable' flag, SPPB
    (`sarcostat.assess.sppb.score_sppb`), SPS and the AWGS 2019
    classification (`sarcostat.assess.classify`) are computed by the
    package's own assessment layer, never stored with the data.

    Parameters
    ----------
    raw : pandas.DataFrame
        Columns `RAW_COLUMNS` (as written by `simulate_cohort`).

    Returns
    -------
    pandas.DataFrame
        ``raw`` plus ``bmi``, ``smi``, ``grip_kg``, ``gait_distance_m``,
        ``gait_speed_m_s``, ``chair_stand_unable``, ``sppb_balance``,
        ``sppb_gait``, ``sppb_chair``, ``sppb_total``, ``low_muscle_mass``,
        ``low_strength``, ``low_performance``, ``sarcopenia`` (bool) and
        ``sps`` (0-3).
    """
    from sarcostat.assess import classify
    from sarcostat.assess.sppb import score_sppb
    from sarcostat.assess.sps import sarcopenia_phenotype_score

    d = raw.copy()
    chair_text = d["chair_stand_5x_s"].astype(str).str.strip().str.lower()
    d["chair_stand_unable"] = chair_text.eq("unable")
    d["chair_stand_5x_s"] = pd.to_numeric(
        d["chair_stand_5x_s"].where(~d["chair_stand_unable"]), errors="coerce"
    ).astype(float)
    d["gait_unable"] = False
    hm2 = (d["height_cm"] / 100) ** 2
    d["bmi"] = d["weight_kg"] / hm2
    d["smi"] = d["asm_kg"] / hm2
    d["grip_kg"] = d[["grip_1_kg", "grip_2_kg"]].max(axis=1)
    d["gait_distance_m"] = 4.0
    d["gait_speed_m_s"] = d["gait_distance_m"] / d["gait_time_4m_s"]
    sp = score_sppb(d)
    for col in ("sppb_balance", "sppb_gait", "sppb_chair", "sppb_total"):
        d[col] = sp[col]
    cl = classify(d, definition="awgs2019")
    for col in ("low_muscle_mass", "low_strength", "low_performance", "sarcopenia"):
        d[col] = cl[col]
    d["sps"] = sarcopenia_phenotype_score(d)
    return d
