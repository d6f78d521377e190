"""Participant ids: text exactly as written, and the one rule for matching them.

An id is text. It is never parsed as a number, so leading zeros (``007``)
and long numeric ids (an 18-digit hospital number) keep every character.
Only cells that a file already stores as numbers (Excel, SPSS, Stata,
Parquet, a DataFrame) are turned into text here: an integer-valued number
is written without a decimal part (SPSS stores 101 as 101.0), and an
integer is written exactly, however long.

Matching rule (used wherever two tables are joined on ids: cohort and
biomarker panel, ELISA plates and the cohort): two ids are the same when
their texts are equal after removing surrounding spaces, with one
equivalence: an id written as a whole number followed by a decimal point
and zeros (``1.0``, ``101.00``, what a spreadsheet or pandas writes for a
number stored as a float) is the same id as that whole number (``1``,
``101``). Nothing else is equated: ``007`` is not ``7``, ``A1`` is not
``a1``, ``1.5`` is not ``1``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from typing import Any

import numpy as np

__all__ = ["id_text", "id_key", "id_keys", "text_ids", "MAX_EXACT_FLOAT_ID"]

#: Integers above this cannot all be stored exactly in a float64 (2**53).
MAX_EXACT_FLOAT_ID = 2**53

_WHOLE_WITH_ZEROS = re.compile(r"^(-?(?:0|[1-9]\d*))\.0+$")
_NA_TEXT = {"", "na", "n/a", "nan", "none", "null", "missing", ".", "<na>", "#n/a"}


def id_text(cell: Any) -> str | None:
    """One id cell as text (None when blank or a missing-value word).

    Text is kept as written (surrounding spaces removed); integers exactly;
    integer-valued floats without '.0'; other floats as Python prints them.
    """
    if cell is None:
        return None
    if isinstance(cell, np.generic):
        cell = cell.item()
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, float):
        if math.isnan(cell):
            return None
        if cell.is_integer():
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, str):
        text = cell.strip()
        return None if text.lower() in _NA_TEXT else text
    try:
        if cell != cell:  # NaT and other NaN-likes
            return None
    except (TypeError, ValueError):  # pd.NA
        return None
    return str(cell).strip() or None


def id_key(cell: Any) -> str | None:
    """The key two ids are matched on (see the module docstring for the rule)."""
    text = id_text(cell)
    if text is None:
        return None
    m = _WHOLE_WITH_ZEROS.match(text)
    return m.group(1) if m else text


def text_ids(cells: Sequence[str] | np.ndarray) -> tuple[list[str | None], list[str | None]]:
    """`id_text` and `id_key` of many text cells at once (same rules).

    The per-cell work runs in C (``map`` over string methods), so a column of
    a million ids takes a fraction of a second.
    """
    stripped = list(map(str.strip, cells))
    missing = list(map(_NA_TEXT.__contains__, map(str.lower, stripped)))
    dotted = map(str.__contains__, stripped, repeat("."))  # only these can be '1.0'
    texts: list[str | None] = list(stripped)
    keys: list[str | None] = list(stripped)
    for i in compress(range(len(texts)), missing):
        texts[i] = keys[i] = None
    for i in compress(range(len(texts)), dotted):
        m = _WHOLE_WITH_ZEROS.match(stripped[i])
        if m:
            keys[i] = m.group(1)
    return texts, keys


def id_keys(cells: Iterable[Any]) -> list[str | None]:
    """`id_key` of every cell."""
    return [id_key(c) for c in cells]


def imprecise_float_id(cell: Any) -> bool:
    """True for an id stored as a float too large to hold every digit exactly."""
    if isinstance(cell, np.generic):
        cell = cell.item()
    return isinstance(cell, float) and math.isfinite(cell) and abs(cell) > MAX_EXACT_FLOAT_ID
