"""Deriving: measures computed from others (grip best-of, gait speed, BMI, SMI, ASM, SARC-F total).

A derived value fills a gap; where the file gives the value too, the two
are compared and a disagreement is reported, never silently replaced.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from sarcostat.io.cells import _Builder, _fmt, _is_none
from sarcostat.io.findings import plural
from sarcostat.io.variables import GRIP_TRIAL, require_variable

#: Message for a given value that disagrees with its derived one: (given, derived) -> text.
Explain = Callable[[float, float], str]

DEFAULT_GAIT_DISTANCE_M = 4.0
BMI_TOLERANCE = 0.5
SMI_TOLERANCE = 0.2
GRIP_TOLERANCE = 0.05
GAIT_SPEED_TOLERANCE = 0.05

SARC_F_ITEMS = (
    "sarc_f_strength",
    "sarc_f_walking",
    "sarc_f_chair",
    "sarc_f_stairs",
    "sarc_f_falls",
)


def _height_range() -> tuple[float, float]:
    var = require_variable("height_cm")
    return float(var.low or 0.0), float(var.high or math.inf)


def height_m(height_cm: ArrayLike) -> np.ndarray:
    """Height in metres where it can be used to derive body measures, else NaN.

    The height rule: a height is used only inside the plausible range of
    ``height_cm`` (100-220 cm, `sarcostat.io.variables.VARIABLES`).
    A height typed in metres (1.62) or millimetres would otherwise give a
    BMI of 200 000 or 0.002; such rows get no derived value (and the reader
    reports the height itself).
    """
    h = np.asarray(height_cm, dtype=float)
    low, high = _height_range()
    with np.errstate(invalid="ignore"):
        return np.where((h >= low) & (h <= high), h / 100.0, np.nan)


def bmi_from(weight_kg: ArrayLike, height_cm: ArrayLike) -> np.ndarray:
    """BMI = weight (kg) / height (m)², by the height rule of `height_m`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(weight_kg, dtype=float) / height_m(height_cm) ** 2


def smi_from(asm_kg: ArrayLike, height_cm: ArrayLike) -> np.ndarray:
    """SMI = ASM (kg) / height (m)² (the AWGS/EWGSOP appendicular index)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(asm_kg, dtype=float) / height_m(height_cm) ** 2


def asm_from(smi: ArrayLike, height_cm: ArrayLike) -> np.ndarray:
    """ASM = SMI × height (m)², for cohorts that record only the index."""
    return np.asarray(smi, dtype=float) * height_m(height_cm) ** 2


def body_measures(
    *,
    height_cm: ArrayLike | None,
    weight_kg: ArrayLike | None = None,
    asm_kg: ArrayLike | None = None,
    smi: ArrayLike | None = None,
    bmi: ArrayLike | None = None,
) -> dict[str, np.ndarray]:
    """BMI, SMI and ASM: each as given where given, derived where not (the one derivation).

    Only the measures that are given or derivable are returned. SMI is
    derived from ASM first, then ASM from SMI for rows that give only the
    index; a given value is never replaced.
    """
    out: dict[str, np.ndarray] = {}

    def fill(given: ArrayLike | None, derived: np.ndarray | None) -> np.ndarray | None:
        if given is None:
            return derived
        g = np.asarray(given, dtype=float)
        if derived is None or not (np.isnan(g) & ~np.isnan(derived)).any():
            return g  # nothing to fill: the given column itself, not a copy of it
        return np.where(np.isnan(g), derived, g)

    h = height_cm
    b = fill(bmi, bmi_from(weight_kg, h) if h is not None and weight_kg is not None else None)
    s = fill(smi, smi_from(asm_kg, h) if h is not None and asm_kg is not None else None)
    a = fill(asm_kg, asm_from(s, h) if h is not None and s is not None else None)
    for name, v in (("bmi", b), ("smi", s), ("asm_kg", a)):
        if v is not None:
            out[name] = v
    return out


def _derive(
    b: _Builder, out: dict[str, Any], units: dict[str, str], protocol: dict[str, Any], n: int
) -> None:
    def have(c: str) -> bool:
        return c in out

    # grip: best of the available trials (EWGSOP2/AWGS use the maximum).
    trials = [c for c in out if GRIP_TRIAL.match(c)]
    if trials:
        # fmax skips a missing trial: the largest trial given, NaN when none is
        best = functools.reduce(np.fmax, (out[c] for c in trials[1:]), out[trials[0]])
        best = np.array(best, dtype=float)  # never the trial's own array
        _given_or_derived(
            b,
            out,
            units,
            "grip_kg",
            best,
            unit="kg",
            tol=GRIP_TOLERANCE,
            severity="warning",
            rule="grip",
            explain=lambda g, c: (
                f"{_fmt(g)} is not the best of the trials ({_fmt(c)}); the given grip_kg is kept."
            ),
        )
        protocol.setdefault("grip_trials", len(trials))

    # gait: distance per row, else protocol, else 4 m. A speed given without
    # a walk time says nothing of the course: no distance is made up for it
    # (it would be reported as "measured over 4 m").
    told = have("gait_distance_m") or "gait_distance_m" in protocol
    if have("gait_time_4m_s") or have("gait_speed_m_s"):
        if have("gait_time_4m_s") or told:
            default_d = float(protocol.get("gait_distance_m", DEFAULT_GAIT_DISTANCE_M))
            protocol.setdefault("gait_distance_m", default_d)
            if have("gait_distance_m"):
                gd = out["gait_distance_m"]
                dist = np.where(np.isnan(gd), default_d, gd)
            else:
                dist = np.full(n, default_d)
            out["gait_distance_m"] = dist
            units["gait_distance_m"] = "m"
        if have("gait_time_4m_s"):
            t = out["gait_time_4m_s"]
            with np.errstate(divide="ignore", invalid="ignore"):
                speed = np.where(t > 0, dist / t, np.nan)
            _given_or_derived(
                b,
                out,
                units,
                "gait_speed_m_s",
                speed,
                unit="m/s",
                tol=GAIT_SPEED_TOLERANCE,
                severity="warning",
                rule="gait",
                explain=lambda g, c: (
                    f"{_fmt(g)} m/s disagrees with gait_distance_m / "
                    f"gait_time_4m_s = {c:.2f} m/s; the given speed is kept."
                ),
            )
        out.setdefault("gait_unable", np.zeros(n, dtype=bool))

    if have("height_cm"):
        # The one derivation of BMI, SMI and ASM (body_measures' functions),
        # here with each given value checked against its derived one.
        height = out["height_cm"]
        if have("weight_kg"):
            _given_or_derived(
                b,
                out,
                units,
                "bmi",
                bmi_from(out["weight_kg"], height),
                unit="kg/m²",
                tol=BMI_TOLERANCE,
                explain=_disagrees("weight_kg / (height_cm/100)²", BMI_TOLERANCE),
            )
        if have("asm_kg"):
            _given_or_derived(
                b,
                out,
                units,
                "smi",
                smi_from(out["asm_kg"], height),
                unit="kg/m²",
                tol=SMI_TOLERANCE,
                explain=_disagrees("asm_kg / (height_cm/100)²", SMI_TOLERANCE),
            )
        if have("smi"):
            # Rows that give only the index get ASM = SMI × height²; where both
            # are given, the SMI check above already compared them.
            _given_or_derived(
                b,
                out,
                units,
                "asm_kg",
                asm_from(out["smi"], height),
                unit="kg",
                tol=math.inf,
                explain=_disagrees("smi × (height_cm/100)²", math.inf),
            )

    # muscle-mass device: per row, else the protocol; never guessed.
    if have("asm_kg") or have("smi") or have("muscle_mass_method"):
        method = protocol.get("muscle_mass_method")
        col = out.get("muscle_mass_method")
        if col is None:
            # fill, not np.full: np.full makes a new str object per row from a
            # non-empty text (50 MB at 10**6 rows); fill shares the one object.
            col = np.empty(n, dtype=object)
            col.fill(method)
        elif method is not None:
            col = np.where(_is_none(col), method, col)
        out["muscle_mass_method"] = col
        mass = np.zeros(n, dtype=bool)
        for c in ("asm_kg", "smi"):
            if have(c):
                mass |= ~np.isnan(out[c])
        unknown = int((_is_none(col) & mass).sum())
        if unknown:
            b.add(
                "warning",
                "method",
                f"the muscle-mass device (bia or dxa) is unknown for "
                f"{plural(unknown, 'participant')} with ASM; declare it in a map "
                '([protocol] muscle_mass_method = "bia" or "dxa") or add a muscle_mass_method '
                "column. Classification needs it: the cut-offs differ by device.",
                column="muscle_mass_method",
            )

    if all(have(c) for c in SARC_F_ITEMS):
        total = np.sum([out[c] for c in SARC_F_ITEMS], axis=0)  # NaN when any item is missing
        _given_or_derived(
            b,
            out,
            units,
            "sarc_f_total",
            total,
            unit="",
            tol=0,
            explain=lambda g, c: f"{_fmt(g)} is not the sum of the five SARC-F items ({_fmt(c)}).",
        )


def _given_or_derived(
    b: _Builder,
    out: dict[str, Any],
    units: dict[str, str],
    name: str,
    computed: np.ndarray,
    *,
    unit: str,
    tol: float,
    explain: Explain,
    severity: str = "error",
    rule: str | None = None,
) -> None:
    """Use the file's ``name`` where given, ``computed`` elsewhere; report given values off by more than ``tol``."""
    if name in out:
        given = out[name]
        b.derived[name] = np.isnan(given) & ~np.isnan(computed)
        off = np.flatnonzero(
            ~np.isnan(given) & ~np.isnan(computed) & (np.abs(given - computed) > tol)
        )
        for i in b.limit(off, severity, rule or name, name):
            b.add(
                severity,
                rule or name,
                explain(given[i], computed[i]),
                i=i,
                column=name,
                value=b.cell(b.headers[name], i),
            )
        out[name] = np.where(np.isnan(given), computed, given)
    else:
        out[name] = computed
        b.derived[name] = ~np.isnan(computed)
    units[name] = unit


def _disagrees(formula: str, tol: float) -> Explain:
    return lambda g, c: (
        f"{_fmt(g)} disagrees with {formula} = {c:.2f} (allowed difference {tol:g})."
    )
