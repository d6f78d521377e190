"""Synthetic participant-level cohorts shaped like the seed study.

Every cohort this module makes is **synthetic**: no value comes from a real
person. The generative model (documented in `GenerativeModel` and in
``datasets/demo_cohort.md``) draws the raw measurements a clinic records:
sex, age, height, weight, appendicular skeletal muscle mass (BIA), two grip
trials, the three SPPB balance holds, the 4-m gait time, the five-times chair
stand time (occasionally 'unable') and serum sclerostin in pmol/L. Everything
else is derived, never drawn: BMI = weight/height², SMI = ASM/height², grip
= best trial, gait speed = 4 m / time, the SPPB from its components, and
sarcopenia from the AWGS 2019 definition (`sarcostat.assess.classify`).

Calibration
-----------
With the default seed and ``n=129`` (`simulate_cohort` with
``calibrate=None``) the cohort is additionally *calibrated* to the seed
paper: 20 participants are sarcopenic (8 men, 12 women), 64 are men, every
Table 1 mean and SD per group lies within the paper's rounding, sclerostin
by group is 30.7 ± 13.3 vs 46.6 ± 15.0 pmol/L, and the unadjusted
correlations of sclerostin with ASM, SMI, grip, gait speed, chair stand,
SPPB and SPS lie within ± 0.05 of Table 2's unadjusted betas. The steps:

1. draw a candidate pool of 40 × n participants from the generative model;
2. pick participants at random within strata (sarcopenia: sex x weak x
   slow; no sarcopenia: sex x SPS) so that the group sizes and the exact
   SPS distribution the paper's integer means imply are met (sarcopenia
   4/11/5 with SPS 1/2/3 = 41/20 = 2.05; no sarcopenia 54/47/8 with SPS
   0/1/2 = 63/109 = 0.578);
3. move balance-test scores by one point (never across the SPPB 9/10
   boundary where it decides the AWGS class) until the SPPB sums and SDs
   per group match the paper;
4. solve one bounded least-squares problem that moves the continuous
   measurements (age, height, BMI, SMI, best grip, gait and chair times,
   sclerostin) as little as possible while hitting every target; each
   value is boxed inside the interval that keeps its AWGS criterion, its
   SPPB component score and therefore every derived class unchanged;
5. round to recording precision, re-derive everything with the package's
   own AWGS 2019 and SPPB code and check every target; if any fails, the
   next candidate seed (``seed * 1000 + k``) is tried, deterministically.

Any other ``n`` or seed gives draws from the same generative model without
steps 2-5, so group sizes and moments vary as in a real sample.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The units of the simulator, re-exported: this module is the public face.
from sarcostat.datasets._sim_calibrate import DEFAULT_N, _calibrated_attempt

# public: study.power draws from the same model (draw_latent, latent_to_raw)
from sarcostat.datasets._sim_model import (  # noqa: F401
    RAW_COLUMNS,
    GenerativeModel,
    _flags,
    derive,
    draw_latent,
    latent_to_raw,
)
from sarcostat.datasets._sim_targets import (
    calibration_targets,
    check_calibration,
    max_mean_asm,
    seed_tables,
)
from sarcostat.exceptions import ModelError, ParameterError

__all__ = [
    "DEFAULT_N",
    "SIMULATE_BYTES_PER_PARTICIPANT",
    "available_memory",
    "check_memory",
    "max_participants",
    "DEFAULT_SEED",
    "RAW_COLUMNS",
    "GenerativeModel",
    "calibration_targets",
    "check_calibration",
    "derive",
    "max_mean_asm",
    "seed_tables",
    "simulate_cohort",
]

#: Seed of the bundled demo cohort.
DEFAULT_SEED = 2021

#: Peak memory of `simulate_cohort` plus writing its CSV, per participant
#: (bytes; measured 530 at 200,000 participants, rounded up).
SIMULATE_BYTES_PER_PARTICIPANT = 700
#: Share of the memory available when a command starts that one simulation may use.
MEMORY_SHARE = 0.8


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation now, or None when unknown.

    Linux: ``MemAvailable`` of ``/proc/meminfo``; other POSIX systems: free
    physical pages; elsewhere (Windows) None, and no size is refused."""
    import os

    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(needed: int, *, what: str, advice: str, available: int | None = None) -> None:
    """Raise ParameterError when ``needed`` bytes exceed the memory this computer
    has available (`MEMORY_SHARE` of it), before anything is allocated.

    ``what`` says what needs the memory ("simulate --n 100000000: the cohort"),
    ``advice`` what to do instead ("use --n up to 20,000,000")."""
    avail = available_memory() if available is None else available
    if avail is None or needed <= MEMORY_SHARE * avail:
        return
    raise ParameterError(
        f"{what} needs about {_gb(needed)} of memory; this computer has {_gb(avail)} "
        f"available. {advice}"
    )


def max_participants(bytes_per_participant: int, available: int | None = None) -> int | None:
    """Most participants whose simulation fits in the available memory (None: unknown)."""
    avail = available_memory() if available is None else available
    return None if avail is None else int(MEMORY_SHARE * avail // bytes_per_participant)


def _gb(nbytes: float) -> str:
    return f"{nbytes / 1e9:,.1f} GB" if nbytes >= 1e8 else f"{nbytes / 1e6:,.0f} MB"


# -------------------------------------------------------------- public API
def simulate_cohort(
    n: int = DEFAULT_N,
    *,
    seed: int = DEFAULT_SEED,
    calibrate: bool | None = None,
    model: GenerativeModel | None = None,
    frailty: bool = False,
) -> pd.DataFrame:
    """Simulate a synthetic participant-level cohort (raw measurements).

    Parameters
    ----------
    n : int, default 129
        Number of participants.
    seed : int, default `DEFAULT_SEED`
        Seed of `numpy.random.default_rng`; the same ``n``, ``seed``
        and ``model`` always give the same table.
    calibrate : bool or None, default None
        Run the calibration to the seed paper (module docstring). ``None``
        means: only for ``n=129`` with the default seed, which is the
        bundled demo cohort. Calibration needs ``n=129``.
    model : GenerativeModel, optional
        Parameters of the generative model; default ``GenerativeModel()``.
    frailty : bool, default False
        Also draw the inputs of the frailty and bone definitions (Fried
        items, FRAIL items, illness count, three T-scores) and 36
        frailty-index deficits ``fi_01`` ... ``fi_36``
        (`sarcostat.datasets._sim_frailty`), from their own random
        stream: the base columns are the same with or without them.

    Returns
    -------
    pandas.DataFrame
        Columns `RAW_COLUMNS`: ``id``, ``sex`` ("male"/"female"),
        ``age_yr``, ``height_cm``, ``weight_kg``, ``asm_kg`` (BIA),
        ``muscle_mass_method`` ("bia"), ``grip_1_kg``, ``grip_2_kg``,
        ``gait_time_4m_s``, ``chair_stand_5x_s`` (text: seconds or
        "unable"), ``side_by_side_s``, ``semi_tandem_s``, ``tandem_s``,
        ``sclerostin`` (pmol/L). Derived quantities are not stored; see
        `derive`.

    Raises
    ------
    ParameterError
        ``n`` below 8, or ``calibrate=True`` with ``n`` other than 129.
    ModelError
        Calibration failed for 25 candidate seeds (the default seed
        succeeds at its first candidate).

    Notes
    -----
    Every value is synthetic. The generative model and the calibration
    steps are described in the module docstring and in
    ``datasets/demo_cohort.md``.

    Examples
    --------
    >>> from sarcostat.datasets.simulate import simulate_cohort
    >>> df = simulate_cohort(200, seed=1)
    >>> df.shape
    (200, 15)
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 8:
        raise ParameterError(
            f"The 'n' parameter of simulate_cohort must be an integer >= 8. Got {n!r} instead."
        )
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise ParameterError(
            f"The 'seed' parameter of simulate_cohort must be a non-negative integer. Got {seed!r} instead."
        )
    model = model or GenerativeModel()
    if calibrate is None:
        calibrate = n == DEFAULT_N and seed == DEFAULT_SEED
    if not calibrate:
        rng = np.random.default_rng(seed)
        w = draw_latent(int(n), rng, model)
        return _with_frailty(latent_to_raw(w, rng), seed, frailty)
    if n != DEFAULT_N:
        raise ParameterError(
            f"The 'calibrate' option of simulate_cohort needs n={DEFAULT_N} "
            f"(the seed study). Got n={n!r}."
        )
    errors = []
    for k in range(25):
        rng = np.random.default_rng([seed, k])
        try:
            raw = _calibrated_attempt(rng, model)
        except ModelError as exc:
            errors.append(f"attempt {k}: {exc}")
            continue
        report = check_calibration(raw)
        missed = report["reachable"] & ~report["ok"]
        if not missed.any():
            return _with_frailty(raw, seed, frailty)
        bad = report.loc[missed, "target"].tolist()
        errors.append(f"attempt {k}: missed {bad}")
    raise ModelError("calibration failed: " + "; ".join(errors[-3:]))


def _with_frailty(raw: pd.DataFrame, seed: int, frailty: bool) -> pd.DataFrame:
    if not frailty:
        return raw
    from sarcostat.datasets._sim_frailty import add_frailty_inputs

    return add_frailty_inputs(raw, seed)
