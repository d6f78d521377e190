"""Calibration targets of the demo cohort: the seed paper's published numbers.

Part of `sarcostat.datasets.simulate`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.datasets._sim_model import derive
from sarcostat.exceptions import ModelError


# ------------------------------------------------------- calibration targets
def seed_tables() -> dict[str, Any]:
    """The seed paper's published numbers (bundled ``seed_tables.json``)."""
    text = resources.files("sarcostat.datasets").joinpath("seed_tables.json").read_text("utf-8")
    return json.loads(text)


#: Table 1 key of the bundled JSON -> column of `derive`'s output.
_TABLE1_COLUMNS = {
    "age_yr": "age_yr",
    "weight_kg": "weight_kg",
    "height_cm": "height_cm",
    "bmi_kg_m2": "bmi",
    "asm_kg": "asm_kg",
    "smi_kg_m2": "smi",
    "grip_kg": "grip_kg",
    "gait_speed_m_s": "gait_speed_m_s",
    "chair_stand_s": "chair_stand_5x_s",
    "sppb_total": "sppb_total",
    "sps": "sps",
}
#: Table 2 key -> column.
_TABLE2_COLUMNS = {
    "asm": "asm_kg",
    "smi": "smi",
    "grip": "grip_kg",
    "gait_speed": "gait_speed_m_s",
    "chair_stand": "chair_stand_5x_s",
    "sppb": "sppb_total",
    "sps": "sps",
}
#: SPPB and SPS are integer scores: their SDs cannot always hit the printed
#: rounding window with the printed n, so they get the stated tolerance.
_INTEGER_SD_TOL = 0.05


def _half_digit(value: float, text: str | None = None) -> float:
    s = text if text is not None else repr(value)
    decimals = len(s.split(".")[1]) if "." in s else 0
    return 0.5 * 10.0 ** (-decimals)


def max_mean_asm(height_cm, smi, *, max_height_cm: float = 200.0) -> float:
    """Largest mean ASM (kg) a group can have given its printed height and SMI.

    Parameters
    ----------
    height_cm : [mean, sd]
        The group's printed mean and SD of height (cm).
    smi : [mean, sd]
        The group's printed mean and SD of SMI = ASM/height² (kg/m²).
    max_height_cm : float, default 200
        Tallest plausible participant (only bounds sd(height²)).

    Returns
    -------
    float
        An upper bound of mean(ASM) over every sample whose printed values
        round to those given, whatever the distributions.

    Notes
    -----
    With h in metres and ASM = SMI·h² for every participant,

    .. math::

        E[ASM] = E[SMI]\\,E[h^2] + \\mathrm{cov}(SMI, h^2)
               \\le E[SMI]\\,(\\mu_h^2 + \\sigma_h^2) + \\sigma_{SMI}\\,\\mathrm{sd}(h^2)

    (Cauchy-Schwarz: the bound is reached only by a perfect linear
    SMI-height² correlation). Since h² - μ² = (h - μ)(h + μ),
    sd(h²) <= (h_max + μ) σ_h for any distribution on [0, h_max]. Every
    printed value is taken at the top of its rounding window. For the seed
    paper's sarcopenia group (height 156.3 ± 5.3 cm, SMI 5.6 ± 0.8) the
    bound is 14.0 kg, while the paper prints ASM 18.4 kg: reaching it would
    need corr(SMI, h²) ≈ 32, impossible; the printed "ASM" cannot be the
    ASM behind the printed SMI (18.4 / E[h²] = 7.5 kg/m², above every AWGS
    low-muscle-mass cut-off, in a group where everyone has low muscle mass).
    """
    (mh, sh), (ms, ss) = height_cm, smi
    mh, sh = (
        (float(mh) + _half_digit(mh, str(mh))) / 100,
        (float(sh) + _half_digit(sh, str(sh))) / 100,
    )
    ms, ss = float(ms) + _half_digit(ms, str(ms)), float(ss) + _half_digit(ss, str(ss))
    sd_h2 = (max_height_cm / 100 + mh) * sh
    return ms * (mh**2 + sh**2) + ss * sd_h2


def calibration_targets() -> pd.DataFrame:
    """Every calibration target with its tolerance.

    Returns
    -------
    pandas.DataFrame
        One row per target: ``target`` (readable name), ``kind``
        (``"count"``, ``"mean"``, ``"sd"``, ``"correlation"``), ``column``,
        ``group`` (``"sarc"``, ``"nosarc"`` or ``"all"``), ``value`` (the
        published number), ``tolerance`` (half the last printed digit;
        ± 0.05 for correlations against Table 2's unadjusted betas; see
        Notes), ``source``, ``reachable`` (False for the printed ASM mean
        and SD, which contradict the printed SMI and height) and ``note``.

    Notes
    -----
    The mean age of all 129 (69.6, Results) is a target as well; it is met
    only by group means in the upper half of their rounding windows
    (20·72.4 + 109·69.0 = 8969 < 129·69.55 = 8972), which the calibration
    therefore aims at.

    The printed ASM means cannot be met by any cohort with SMI =
    ASM/height² (`max_mean_asm`): the identity
    E[ASM] = E[SMI]·E[h²] + cov(SMI, h²) with |cov| <= sd(SMI)·sd(h²)
    caps the sarcopenia group's mean ASM at 14.0 kg (printed 18.4) and the
    other group's at 19.3 kg (printed 23.9), even with every printed number
    at the edge of its rounding and a perfect SMI-height correlation.
    Those rows get ``reachable=False``.
    """
    t = seed_tables()
    rows = []
    groups = t["table1"]["groups"]
    rows.append(("n sarcopenia", "count", "sarcopenia", "sarc", groups["sarc"], 0.0, "Table 1"))
    rows.append(
        ("n no sarcopenia", "count", "sarcopenia", "nosarc", groups["nosarc"], 0.0, "Table 1")
    )
    rows.append(("n men", "count", "sex", "all", t["men"]["n"], 0.0, "Results"))
    sex = t["table1"]["categorical"]["sex"]
    rows.append(
        ("men with sarcopenia", "count", "sex", "sarc", sex["sarc"]["men"][0], 0.0, "Table 1")
    )
    rows.append(
        (
            "mean age, all",
            "mean",
            "age_yr",
            "all",
            t["mean_age"],
            _half_digit(t["mean_age"]),
            "Results",
        )
    )
    for key, col in _TABLE1_COLUMNS.items():
        spec = t["table1"]["continuous"][key]
        for g in ("sarc", "nosarc"):
            mean, sd = spec[g]
            rows.append((f"{key} mean, {g}", "mean", col, g, mean, _half_digit(mean), "Table 1"))
            tol = _half_digit(sd)
            if col in ("sppb_total", "sps"):
                tol = max(tol, _INTEGER_SD_TOL)
            rows.append((f"{key} SD, {g}", "sd", col, g, sd, tol, "Table 1"))
    fig = t["figure1_unadjusted_sclerostin_by_sarcopenia"]
    for g in ("sarc", "nosarc"):
        mean, sd = fig[g]
        rows.append(
            (f"sclerostin mean, {g}", "mean", "sclerostin", g, mean, _half_digit(mean), "Results")
        )
        rows.append((f"sclerostin SD, {g}", "sd", "sclerostin", g, sd, _half_digit(sd), "Results"))
    for key, col in _TABLE2_COLUMNS.items():
        beta = t["table2_standardized_beta"][key]["unadj"][0]
        rows.append((f"r(sclerostin, {key})", "correlation", col, "all", beta, 0.05, "Table 2"))
    out = pd.DataFrame(
        rows, columns=["target", "kind", "column", "group", "value", "tolerance", "source"]
    )
    # A printed ASM mean above what SMI = ASM/height² allows with the printed
    # SMI and height cannot be met by a coherent cohort: the ASM moments are
    # reported but not targeted (its correlation with sclerostin is).
    t1 = t["table1"]["continuous"]
    cap = {g: max_mean_asm(t1["height_cm"][g], t1["smi_kg_m2"][g]) for g in ("sarc", "nosarc")}
    unreachable = (
        (out["column"] == "asm_kg")
        & out["kind"].isin(["mean", "sd"])
        & out["group"].map(lambda g: t1["asm_kg"][g][0] > cap[g] if g in cap else False)
    )
    out["reachable"] = ~unreachable
    out["note"] = [
        (
            f"printed mean ASM {t1['asm_kg'][g][0]} kg exceeds the {cap[g]:.1f} kg that the printed "
            "SMI and height allow (ASM = SMI x height²)"
            + ("; so the printed SD is not of ASM/height² either" if k == "sd" else "")
        )
        if u
        else ""
        for u, g, k in zip(unreachable, out["group"], out["kind"])
    ]
    return out


def check_calibration(cohort: pd.DataFrame) -> pd.DataFrame:
    """Compare a cohort with every calibration target.

    Parameters
    ----------
    cohort : pandas.DataFrame
        A raw simulated cohort (`RAW_COLUMNS`) or its `derive`
        output.

    Returns
    -------
    pandas.DataFrame
        `calibration_targets` plus ``observed`` (full precision),
        ``difference`` (observed - value) and ``ok`` (|difference| within
        tolerance; means and SDs are also accepted when they *round* to the
        printed value). Rows with ``reachable`` False are reported, not
        required.

    Notes
    -----
    Means and SDs are over non-missing values (so chair stand excludes
    'unable'); SDs use n - 1; correlations are Pearson over pairwise
    complete cases, which for one predictor equals the standardized β of
    ``lm(scale(y) ~ scale(sclerostin))``.
    """
    d = cohort if "sarcopenia" in cohort else derive(cohort)
    sarc = d["sarcopenia"].astype("boolean")
    if sarc.isna().any():
        raise ModelError(
            "Calibration needs every participant classified; "
            f"{int(sarc.isna().sum())} have an indeterminate AWGS class."
        )
    sarc = sarc.astype(bool).to_numpy()
    tg = calibration_targets()
    obs = []
    for r in tg.itertuples():
        if r.kind == "count":
            if r.column == "sarcopenia":
                obs.append(float(sarc.sum() if r.group == "sarc" else (~sarc).sum()))
            elif r.group == "all":
                obs.append(float((d["sex"] == "male").sum()))
            else:
                obs.append(float(((d["sex"] == "male") & sarc).sum()))
            continue
        x = pd.to_numeric(d[r.column], errors="coerce").astype(float)
        if r.group == "sarc":
            x = x[sarc]
        elif r.group == "nosarc":
            x = x[~sarc]
        if r.kind == "mean":
            obs.append(float(x.mean()))
        elif r.kind == "sd":
            obs.append(float(x.std(ddof=1)))
        else:
            s = d["sclerostin"].astype(float)
            ok = x.notna() & s.notna()
            obs.append(float(np.corrcoef(s[ok], x[ok])[0, 1]))
    tg["observed"] = obs
    tg["difference"] = tg["observed"] - tg["value"]
    # Strictly inside: a mean of exactly x.x5 would print either way.
    within = tg["difference"].abs() < tg["tolerance"] - 1e-9
    within |= (tg["tolerance"] == 0) & (tg["difference"] == 0)
    tg["ok"] = within
    return tg
