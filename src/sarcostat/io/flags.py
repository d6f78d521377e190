"""True/False columns: one reading of flag cells for every layer, three-valued.

A flag cell is True, False or unknown (blank, NA). Text is read by word,
never by Python truthiness: the text "False" is False (``bool("False")`` is
True). Used by `sarcostat.io.canonical` for the canonical flags
(``gait_unable``, ``chair_stand_unable``) and for unrecognised columns that
hold only True/False, and by `sarcostat.assess` for DataFrames handed
to it directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

__all__ = ["FLAG_WORDS", "BAD_FLAG", "flag_value", "read_flags", "is_boolean_column"]

#: Written values of a flag, lower-cased.
FLAG_WORDS: dict[str, bool] = {
    "true": True,
    "yes": True,
    "1": True,
    "1.0": True,
    "false": False,
    "no": False,
    "0": False,
    "0.0": False,
}
#: Returned by `flag_value` for a cell that is not a flag value.
BAD_FLAG = "\x00bad flag"

_NA_TEXT = {"", "na", "n/a", "nan", "none", "null", "missing", ".", "<na>", "#n/a"}


def _blank(cell: Any) -> bool:
    if cell is None:
        return True
    if isinstance(cell, str):
        return cell.strip().lower() in _NA_TEXT
    try:
        return bool(cell != cell)  # NaN, NaT
    except (TypeError, ValueError):  # pd.NA refuses bool()
        return True


def flag_value(cell: Any) -> bool | None | str:
    """True / False, None when unknown, `BAD_FLAG` when not a flag value."""
    if isinstance(cell, (bool, np.bool_)):
        return bool(cell)
    if _blank(cell):
        return None
    if isinstance(cell, (int, float, np.integer, np.floating)) and float(cell) in (0.0, 1.0):
        return bool(cell)
    return FLAG_WORDS.get(str(cell).strip().lower(), BAD_FLAG)


def read_flags(cells: Iterable[Any]) -> tuple[np.ndarray, list[int]]:
    """Object array of True/False/None, and the positions of cells that are not flags."""
    values = [flag_value(c) for c in cells]
    bad = [i for i, v in enumerate(values) if v is BAD_FLAG]
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v is BAD_FLAG else v for v in values]
    return out, bad


def is_boolean_column(cells: Iterable[Any]) -> bool:
    """True when every filled cell is a Python/NumPy bool or the text true/false.

    0/1 numbers and yes/no text are left alone here: an unrecognised column
    of them may be a count or a category, so it keeps its own type.
    """
    seen = False
    for c in cells:
        if isinstance(c, (bool, np.bool_)):
            seen = True
        elif isinstance(c, str) and c.strip().lower() in ("true", "false"):
            seen = True
        elif not _blank(c):
            return False
    return seen
