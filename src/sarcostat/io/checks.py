"""Checks of converted values: plausible ranges, units, whole-number scores, derived ranges."""

from __future__ import annotations

import numpy as np

from sarcostat.io.cells import _Builder, _factor, _fmt
from sarcostat.io.variables import Variable, require_variable

_SCORES = (
    "sppb_total",
    "sarc_f_strength",
    "sarc_f_walking",
    "sarc_f_chair",
    "sarc_f_stairs",
    "sarc_f_falls",
    "sarc_f_total",
)

_UNIT_WORDS = {
    "m": "metres",
    "in": "inches",
    "mm": "millimetres",
    "lb": "pounds",
    "cm/s": "centimetres per second",
}


def _check_numbers(b: _Builder, out: dict, converted: dict, declared: set) -> None:
    for target, (vals, unit) in converted.items():
        var = require_variable(target)
        header = b.headers[target]
        factor = _factor(var.unit, unit)
        present = ~np.isnan(vals)
        if _unit_hint(b, target, var, vals[present], unit, declared):
            continue  # the whole column is in another unit: one finding, not one per row
        is_height = target == "height_cm"
        metres = (
            present & (vals <= 3) if is_height and unit in (None, "cm") else np.zeros_like(present)
        )
        centimetres = (
            present & (vals > 300) & ~metres
            if is_height and unit == "m"
            else np.zeros_like(present)
        )
        rest = present & ~metres & ~centimetres
        below = rest & (vals < var.low) if var.low is not None else np.zeros_like(present)
        above = rest & (vals > var.high) if var.high is not None else np.zeros_like(present)
        fraction = (
            rest & ~below & ~above & (vals % 1 != 0)
            if target in _SCORES
            else np.zeros_like(present)
        )
        shown_unit = var.unit or "points"
        listed = np.union1d(
            b.limit(np.flatnonzero(metres | centimetres), "error", "unit", target),
            b.limit(np.flatnonzero(below | above | fraction), "error", "range", target),
        )
        for i in listed:
            x = vals[i]
            orig = b.cell(header, i)  # reported as written in the file
            if metres[i]:
                b.add(
                    "error",
                    "unit",
                    f"{_fmt(x)} looks like metres, not cm; correct it, or declare "
                    "unit = 'm' if the whole column is in metres.",
                    i=i,
                    column=target,
                    value=orig,
                )
                continue
            if centimetres[i]:
                b.add(
                    "error",
                    "unit",
                    f"{_fmt(x / factor)} m looks like centimetres; the map declares unit = 'm'.",
                    i=i,
                    column=target,
                    value=orig,
                )
                continue
            if fraction[i]:
                b.add(
                    "error",
                    "range",
                    f"{_fmt(x)} is not a whole number of points.",
                    i=i,
                    column=target,
                    value=orig,
                )
                continue
            shown = _fmt(x) + (
                f" {var.unit} (from {_fmt(x / factor)} {unit})" if unit and factor != 1 else ""
            )
            if below[i]:
                b.add(
                    "error",
                    "range",
                    f"{shown} is below the allowed minimum {var.low:g} {shown_unit}.",
                    i=i,
                    column=target,
                    value=orig,
                )
            else:
                b.add(
                    "error",
                    "range",
                    f"{shown} is above the allowed maximum {var.high:g} {shown_unit}.",
                    i=i,
                    column=target,
                    value=orig,
                )


def _unit_hint(
    b: _Builder,
    target: str,
    var: Variable,
    present: np.ndarray,
    unit: str | None,
    declared: set[str],
) -> bool:
    """Report a column that is mostly in another unit (Variable.unit_hints); True if reported.

    A unit written in the map is taken as the user's word; a unit read from
    a header ("Weight (kg)") is not, because the values may still be pounds.
    """
    if target in declared or unit not in (None, var.unit) or not present.size:
        return False
    for low, high, likely in var.unit_hints:
        inside = int(((present >= low) & (present <= high)).sum())
        if inside * 2 <= present.size:
            continue
        header = _header(b, target)
        word = _UNIT_WORDS.get(likely, likely)
        b.add(
            "error",
            "unit",
            f"{inside} of {present.size} values (median {np.median(present):g}) lie between {low:g} "
            f"and {high:g}, which looks like {word}, not {var.unit}; declare unit = '{likely}' for this "
            f'column in a map ([columns] "{header}" = {{name = "{target}", unit = "{likely}"}}), '
            f"or unit = '{var.unit}' if the values really are in {var.unit}.",
            column=target,
        )
        return True
    return False


def _header(b: _Builder, target: str) -> str:
    return b.headers.get(target, target)


def _check_consistency(b: _Builder, out: dict) -> None:
    # Ranges of derived columns (bmi/smi/gait speed computed from plausible
    # parts can still be implausible, e.g. weight 20 kg at 2 m).
    for name in ("bmi", "smi", "asm_kg", "gait_speed_m_s"):
        if name not in out:
            continue
        var = require_variable(name)
        vals = np.asarray(out[name], dtype=float)
        # Given values were range-checked as read; only computed ones are left.
        derived = b.derived.get(name, np.zeros(len(vals), dtype=bool))
        wrong = np.flatnonzero(derived & ((vals < var.low) | (vals > var.high)))
        for i in b.limit(wrong, "error", "range", name):
            side = "below the allowed minimum" if vals[i] < var.low else "above the allowed maximum"
            lim = var.low if vals[i] < var.low else var.high
            b.add(
                "error",
                "range",
                f"{vals[i]:.2f} (derived) is {side} {lim:g} {var.unit}.",
                i=i,
                column=name,
            )
