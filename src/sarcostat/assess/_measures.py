"""Measures the cut-offs compare, derived once from the canonical cohort table.

Each measure is a float array (NaN = not measured) plus an ``unable`` mask:
a participant who could not do a test is at the abnormal extreme (AWGS 2019
and EWGSOP2 count an 'unable' chair stand as >= 12 s / > 15 s), but is never
given an invented number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, SchemaError
from sarcostat.io.privacy import mention_ids


@dataclass(frozen=True)
class MeasureInfo:
    label: str
    unit: str
    digits: int
    inputs: str  # canonical columns it comes from (for missing_inputs)


MEASURES = {
    "smi": MeasureInfo("SMI", "kg/m²", 2, "smi"),
    "asm_kg": MeasureInfo("ASM", "kg", 1, "asm_kg"),
    "alm_bmi": MeasureInfo("ALM/BMI", "m²", 3, "alm_bmi"),
    "grip_kg": MeasureInfo("grip", "kg", 1, "grip_kg"),
    "gait_speed_m_s": MeasureInfo("gait speed", "m/s", 2, "gait_speed_m_s"),
    "chair_stand_5x_s": MeasureInfo("5× chair stand", "s", 2, "chair_stand_5x_s"),
    "sppb_total": MeasureInfo("SPPB", "points", 0, "sppb_total"),
    "tug_s": MeasureInfo("TUG", "s", 1, "tug_s"),
    "calf_circumference_cm": MeasureInfo("calf circumference", "cm", 1, "calf_circumference_cm"),
    "sarc_f_total": MeasureInfo("SARC-F", "points", 0, "sarc_f_total"),
    "sarc_calf": MeasureInfo("SARC-CalF", "points", 0, "sarc_f_total, calf_circumference_cm"),
}

#: Calf circumference below which SARC-CalF adds 10 points (cm): the AWGS 2019
#: calf cut-offs (Chen 2020, abstract: < 34 cm men, < 33 cm women).
SARC_CALF_CALF_CM = {"male": 34.0, "female": 33.0}

SARC_F_ITEMS = (
    "sarc_f_strength",
    "sarc_f_walking",
    "sarc_f_chair",
    "sarc_f_stairs",
    "sarc_f_falls",
)


#: The canonical values of the categorical columns the assess layer reads, in
#: code order (`coded` gives 0 for the first, 1 for the second, -1 for missing).
CODED = {"sex": ("male", "female"), "muscle_mass_method": ("bia", "dxa")}


def check_frame(data: Any, function: str) -> pd.DataFrame:
    """Validate the categorical columns the assess layer relies on."""
    return coded_frame(data, function)[0]


def coded_frame(data: Any, function: str) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """`check_frame` and the codes (`coded`) of ``sex`` and ``muscle_mass_method``."""
    if not isinstance(data, pd.DataFrame) and isinstance(getattr(data, "data", None), pd.DataFrame):
        data = data.data  # a sarcostat.io.Cohort
    if not isinstance(data, pd.DataFrame):
        raise SchemaError(
            f"{function} needs a pandas DataFrame of the canonical cohort table; "
            f"got {type(data).__name__}."
        )
    return data, {col: coded(data, col) for col in CODED}


def coded(data: pd.DataFrame, col: str) -> np.ndarray:
    """``col`` (sex or muscle_mass_method) as int8 codes in `CODED` order, -1 where missing.

    Each distinct value is read once (case-insensitive); a value outside the
    canonical set raises DataError naming the first row that holds one.
    """
    ok = CODED[col]
    if col not in data.columns:
        return np.full(len(data), -1, dtype=np.int8)
    vals = data[col]
    codes, uniques = pd.factorize(vals, use_na_sentinel=True)
    # the words as pandas' string dtype lower-cases them (missing stays missing)
    words = pd.Series(uniques, dtype=object).astype("string").str.lower().tolist()
    lookup = np.array([ok.index(w) if w in ok else -2 for w in words] + [-1], dtype=np.int8)
    out = lookup[codes]  # code -1 (missing) takes the last entry, -1
    if (out == -2).any():
        where = int(np.flatnonzero(out == -2)[0])
        pid = data["id"].iloc[where] if "id" in data.columns else data.index[where]
        raise DataError(
            f"participant {mention_ids(pid)} (row index {data.index[where]!r}), column {col!r}: "
            f"{vals.iloc[where]!r} is not one of {sorted(ok)} (missing is allowed)."
        )
    return out


def _num(data: pd.DataFrame, col: str) -> np.ndarray:
    if col not in data.columns:
        return np.full(len(data), np.nan)
    return pd.to_numeric(data[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _flag(data: pd.DataFrame, col: str) -> np.ndarray:
    """A True/False column read by word (the text 'False' is False); unknown is not True."""
    from sarcostat.io.flags import read_flags

    if col not in data.columns:
        return np.zeros(len(data), dtype=bool)
    column = data[col]
    if column.dtype == bool:  # Cohort.data: True/False, or nullable "boolean" (NA unknown)
        return column.to_numpy(dtype=bool)
    if str(column.dtype) == "boolean":
        return column.fillna(False).to_numpy(dtype=bool)
    values, bad = read_flags(column.to_numpy(dtype=object))
    if bad:
        i = bad[0]
        pid = data["id"].iloc[i] if "id" in data.columns else data.index[i]
        raise DataError(
            f"participant {mention_ids(pid)} (row index {data.index[i]!r}), column {col!r}: "
            f"{data[col].iloc[i]!r} is not True or False (blank is allowed)."
        )
    return np.array([v is True for v in values], dtype=bool)


def _text(data: pd.DataFrame, col: str) -> np.ndarray:
    if col not in data.columns:
        return np.full(len(data), None, dtype=object)
    s = data[col].astype("string").str.lower()
    # (pandas-stubs lack the na_value=None overload)
    return s.to_numpy(dtype=object, na_value=None)  # type: ignore[call-overload]


def grip_kg(data: pd.DataFrame) -> np.ndarray:
    """``grip_kg`` as given, else the maximum of the available ``grip_<n>_kg`` trials."""
    out = _num(data, "grip_kg")
    trials = [
        c
        for c in data.columns
        if c.startswith("grip_") and c.endswith("_kg") and c != "grip_kg" and c[5:-3].isdigit()
    ]
    if trials:
        arr = np.column_stack([_num(data, c) for c in trials])
        with np.errstate(all="ignore"):
            best = np.where(
                np.isnan(arr).all(axis=1),
                np.nan,
                np.nanmax(np.where(np.isnan(arr), -np.inf, arr), axis=1),
            )
        out = np.where(np.isnan(out), best, out)
    return out


def gait_distance(data: pd.DataFrame) -> np.ndarray:
    d = _num(data, "gait_distance_m")
    return np.where(np.isnan(d), 4.0, d)


def gait_speed(data: pd.DataFrame) -> np.ndarray:
    """``gait_speed_m_s`` as given, else distance / time."""
    v = _num(data, "gait_speed_m_s")
    t = _num(data, "gait_time_4m_s")
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = np.where(t > 0, gait_distance(data) / t, np.nan)
    return np.where(np.isnan(v), derived, v)


def body_measures_of(data: pd.DataFrame) -> dict[str, np.ndarray]:
    """BMI, SMI and ASM as given, else derived: `sarcostat.io.derive.body_measures`
    (the one derivation, with its height rule), so assess and io never disagree."""
    from sarcostat.io.derive import body_measures

    def col(name: str) -> np.ndarray | None:
        return _num(data, name) if name in data.columns else None

    return body_measures(
        height_cm=col("height_cm"),
        weight_kg=col("weight_kg"),
        asm_kg=col("asm_kg"),
        smi=col("smi"),
        bmi=col("bmi"),
    )


def _body_measure(data: pd.DataFrame, name: str) -> np.ndarray:
    return body_measures_of(data).get(name, np.full(len(data), np.nan))


def smi(data: pd.DataFrame) -> np.ndarray:
    return _body_measure(data, "smi")


def bmi(data: pd.DataFrame) -> np.ndarray:
    return _body_measure(data, "bmi")


def asm_kg(data: pd.DataFrame) -> np.ndarray:
    return _body_measure(data, "asm_kg")


def sarc_f_total(data: pd.DataFrame) -> np.ndarray:
    v = _num(data, "sarc_f_total")
    if all(c in data.columns for c in SARC_F_ITEMS):
        items = np.column_stack([_num(data, c) for c in SARC_F_ITEMS])
        v = np.where(np.isnan(v), items.sum(axis=1), v)  # NaN if any item missing
    return v


def sarc_calf(data: pd.DataFrame, sex: np.ndarray | None = None) -> np.ndarray:
    """SARC-CalF = SARC-F total + 10 when calf circumference is low (NaN if either is missing).

    Low calf circumference is < 34 cm in men and < 33 cm in women (the AWGS
    2019 cut-offs). With sex missing the score is still known when the calf
    is low or normal for both sexes (< 33 or >= 34 cm), otherwise NaN.
    Barbosa-Silva TG et al. J Am Med Dir Assoc 2016;17(12):1136-1141.
    doi:10.1016/j.jamda.2016.08.004
    """
    total = sarc_f_total(data)
    calf = _num(data, "calf_circumference_cm")
    if sex is None:  # codes of `coded` (0 male, 1 female, -1 missing)
        sex = coded(data, "sex")
    cuts = np.array([SARC_CALF_CALF_CM[s] for s in CODED["sex"]] + [np.nan])
    cut = cuts[sex]
    lo, hi = min(SARC_CALF_CALF_CM.values()), max(SARC_CALF_CALF_CM.values())
    with np.errstate(invalid="ignore"):
        low = np.where(
            np.isnan(cut),
            np.where(calf < lo, 1.0, np.where(calf >= hi, 0.0, np.nan)),
            (calf < cut).astype(float),
        )
    low[np.isnan(calf)] = np.nan
    return total + 10.0 * low
