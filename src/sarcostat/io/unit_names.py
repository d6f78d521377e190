"""Unit spellings: the canonical spelling of a unit written in a header or a units row.

Kept apart from `sarcostat.io.mapping` so that the readers (which recognise a
units row under the header) and the mapping (which reads maps through the readers)
do not import each other.
"""

from __future__ import annotations

import re
from typing import Any

from sarcostat.io.variables import normalize_header

__all__ = ["UNIT_SPELLINGS", "normalize_unit", "concentration_unit"]

#: Unit spellings (normalised with normalize_header) -> canonical spelling.
UNIT_SPELLINGS = {
    "cm": "cm",
    "centimetre": "cm",
    "centimetres": "cm",
    "centimeter": "cm",
    "centimeters": "cm",
    "m": "m",
    "metre": "m",
    "metres": "m",
    "meter": "m",
    "meters": "m",
    "mm": "mm",
    "in": "in",
    "inch": "in",
    "inches": "in",
    "ft": "ft",
    "feet": "ft",
    "kg": "kg",
    "kgs": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "kgf": "kg",
    "g": "g",
    "gram": "g",
    "grams": "g",
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "s": "s",
    "sec": "s",
    "secs": "s",
    "second": "s",
    "seconds": "s",
    "ms": "ms",
    "m_s": "m/s",
    "mps": "m/s",
    "m_sec": "m/s",
    "m_s_1": "m/s",
    "cm_s": "cm/s",
    "yr": "yr",
    "yrs": "yr",
    "year": "yr",
    "years": "yr",
    "y": "yr",
    "kg_m2": "kg/m²",
    "kg_m_2": "kg/m²",
    "points": "",
    "point": "",
    "pts": "",
    "score": "",
}
_CONC = re.compile(r"^(?P<pre>f|p|n|u|m)?(?P<q>g|mol|iu|u)_(?P<den>d|m|u)?l$")
_PRE = {"f": "f", "p": "p", "n": "n", "u": "µ", "m": "m", None: ""}
_Q = {"g": "g", "mol": "mol", "iu": "IU", "u": "U"}


def normalize_unit(text: Any) -> str | None:
    """Return the canonical spelling of a unit ('' for unitless), or None if unknown."""
    key = normalize_header(text)
    if key in UNIT_SPELLINGS:
        return UNIT_SPELLINGS[key]
    return concentration_unit(text)


def concentration_unit(text: Any) -> str | None:
    """'pg/mL', 'pmol_L', 'ng per ml' ... -> 'pg/mL' etc.; None when not a concentration."""
    key = normalize_header(text).replace("_per_", "_")
    m = _CONC.match(key)
    if not m:
        return None
    return f"{_PRE[m['pre']]}{_Q[m['q']]}/{_PRE.get(m['den'], '')}L"
