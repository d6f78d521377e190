"""Deriving: measures computed from others (grip best-of, gait speed, BMI, SMI, ASM, SARC-F total).

A derived value fills a gap; where the file gives the value too, the two
are compared and a disagreement is reported, never silently replaced.
"""

from __future__ import annotations

import numpy as np

from sarcostat.io.cells import _Builder, _fmt, _is_none
from sarcostat.io.findings import plural
from sarcostat.io.variables import GRIP_TRIAL

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


def _derive(b: _Builder, out: dict, units: dict, protocol: dict, n: int) -> None:
    def have(c):
        return c in out

    # grip: best of the available trials (EWGSOP2/AWGS use the maximum).
    trials = [c for c in out if GRIP_TRIAL.match(c)]
    if trials:
        best = np.full(n, np.nan)
        mat = np.column_stack([out[c] for c in trials])
        ok = ~np.isnan(mat).all(axis=1)
        best[ok] = np.nanmax(mat[ok], axis=1)
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

    # gait: distance per row, else protocol, else 4 m.
    if have("gait_time_4m_s") or have("gait_speed_m_s"):
        default_d = float(protocol.get("gait_distance_m", DEFAULT_GAIT_DISTANCE_M))
        protocol.setdefault("gait_distance_m", default_d)
        if have("gait_distance_m"):
            dist = np.where(np.isnan(out["gait_distance_m"]), default_d, out["gait_distance_m"])
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

    h_m = out["height_cm"] / 100 if have("height_cm") else None
    if h_m is not None:
        plausible_h = (out["height_cm"] >= 100) & (out["height_cm"] <= 220)
        with np.errstate(divide="ignore", invalid="ignore"):
            if have("weight_kg"):
                bmi = np.where(plausible_h, out["weight_kg"] / h_m**2, np.nan)
                _given_or_derived(
                    b,
                    out,
                    units,
                    "bmi",
                    bmi,
                    unit="kg/m²",
                    tol=BMI_TOLERANCE,
                    explain=_disagrees("weight_kg / (height_cm/100)²", BMI_TOLERANCE),
                )
            if have("asm_kg"):
                smi = np.where(plausible_h, out["asm_kg"] / h_m**2, np.nan)
                _given_or_derived(
                    b,
                    out,
                    units,
                    "smi",
                    smi,
                    unit="kg/m²",
                    tol=SMI_TOLERANCE,
                    explain=_disagrees("asm_kg / (height_cm/100)²", SMI_TOLERANCE),
                )

    # muscle-mass device: per row, else the protocol; never guessed.
    if have("asm_kg") or have("smi") or have("muscle_mass_method"):
        method = protocol.get("muscle_mass_method")
        col = out.get("muscle_mass_method")
        if col is None:
            col = np.full(n, method, dtype=object)
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
    out: dict,
    units: dict,
    name: str,
    computed: np.ndarray,
    *,
    unit: str,
    tol: float,
    explain,
    severity: str = "error",
    rule: str | None = None,
):
    """Use the file's ``name`` where given, ``computed`` elsewhere; report given values off by more than ``tol``."""
    if name in out:
        given = out[name]
        b.derived[name] = np.isnan(given) & ~np.isnan(computed)
        for i in np.flatnonzero(
            ~np.isnan(given) & ~np.isnan(computed) & (np.abs(given - computed) > tol)
        ):
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


def _disagrees(formula: str, tol: float):
    return lambda g, c: (
        f"{_fmt(g)} disagrees with {formula} = {c:.2f} (allowed difference {tol:g})."
    )
