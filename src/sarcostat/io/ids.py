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

__all__ = ["id_text", "id_key", "id_keys", "text_ids", "arrow_ids", "MAX_EXACT_FLOAT_ID"]

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


def arrow_ids(
    cells: Any,
    texts: np.ndarray | None = None,
    *,
    stripped: bool = False,
    as_arrow: bool = False,
) -> tuple[Any, np.ndarray]:
    """`id_text` of many text cells, and each row's first row with the same `id_key`.

    ``cells`` is a pyarrow string array (or chunked array) without nulls;
    ``texts``, when given, the same cells already stripped, as an object
    array of str; ``stripped``: ``cells`` are stripped already (the block
    reader's). Returns ``(ids, first)``: ``ids`` an object array of texts
    (None for a missing id), or with ``as_arrow`` the same texts as an
    Arrow string array (null for a missing id; no Python string per id on
    the usual path below), ``first`` the 0-based row where the row's key
    first occurs (-1 for a missing id).

    The rules are those of `text_ids`. Stripping, the missing-word test and
    the search for '1.0'-like ids run in Arrow's string kernels; Arrow strips
    exactly the characters ``str.strip`` strips (a test checks every code
    point), but its lower-casing and ``\\d`` differ from Python's for some
    non-ASCII text, so non-ASCII ids take the Python rules. When no id holds
    a '.' or a non-ASCII character, every key is its text and Arrow's hash
    table finds the repeats. Otherwise repeated keys are found by sorting
    their 64-bit hashes (a hash table of a million Python strings takes
    three times longer), and every repeat is confirmed on the texts
    themselves: a hash collision between different keys sends the column to
    an exact table.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from sarcostat.io import _arrow

    if isinstance(cells, pa.ChunkedArray):
        cells = cells.combine_chunks() if cells.num_chunks != 1 else cells.chunk(0)
    if not (stripped or texts is not None):
        cells = pc.utf8_trim_whitespace(cells)
    words = _arrow.strings(sorted(_NA_TEXT))
    gone = _arrow.bools(pc.is_in(pc.ascii_lower(cells), value_set=words)).copy()
    dotted = pc.match_substring(cells, ".")
    odd = pc.invert(pc.string_is_ascii(cells))
    special = np.flatnonzero(_arrow.bools(pc.or_(dotted, odd)))
    n = len(cells)

    def texts_of() -> np.ndarray:
        return (texts if texts is not None else _arrow.texts(cells)).copy()

    def arrow_of() -> Any:
        # the stripped cells, null where the id is missing: the ids' texts
        return _arrow.null_where(cells, gone)

    if not special.size:
        # Every key is its text: Arrow's hash table finds the repeats
        # (byte equality of UTF-8 is str equality), no Python hash per id.
        if as_arrow:
            ids: Any = arrow_of()
        else:
            ids = texts_of()
            ids[gone] = None
        coded = pc.dictionary_encode(cells)
        codes = _arrow.ints(coded.indices)
        if len(coded.dictionary) == n:
            first = np.arange(n)
        else:
            at = np.full(len(coded.dictionary), n, dtype=np.intp)
            np.minimum.at(at, codes, np.arange(n))
            first = at[codes]
        first[gone] = -1
        return ids, first
    ids = texts_of()
    keys = ids.copy()
    for i in special:
        keys[i] = key = id_key(ids[i])
        gone[i] = key is None
    ids[gone] = None
    keys[gone] = None
    present = np.flatnonzero(~gone)
    hashes = np.fromiter(map(_hash, keys[present]), dtype=np.int64, count=present.size)
    first = np.full(n, -1, dtype=np.intp)
    first[present] = present[_first_equal(hashes)]
    again = np.flatnonzero(first != np.arange(n))
    again = again[~gone[again]]
    if (keys[again] != keys[first[again]]).any():  # two keys share a hash
        first = first_rows(keys)
    return (arrow_of() if as_arrow else ids), first


def first_rows(keys: Any) -> np.ndarray:
    """For each key, the row where it first occurs (-1 for None), by a dict."""
    seen: dict[Any, int] = {}
    return np.fromiter(
        (-1 if k is None else seen.setdefault(k, i) for i, k in enumerate(keys)),
        dtype=np.intp,
        count=len(keys),
    )


def _first_equal(values: np.ndarray) -> np.ndarray:
    """For each position, the first position holding the same value (a sort, no hash table)."""
    n = len(values)
    if n < 2 or (np.diff(np.sort(values)) != 0).all():
        return np.arange(n)  # all distinct: the usual case, one sort
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    # stable order: a run of equal values starts at its smallest position
    firsts = order[np.flatnonzero(starts)][np.cumsum(starts) - 1]
    out = np.empty(n, dtype=np.intp)
    out[order] = firsts
    return out


_hash = hash  # a name tests can replace to force collisions


def id_keys(cells: Iterable[Any]) -> list[str | None]:
    """`id_key` of every cell."""
    return [id_key(c) for c in cells]


def imprecise_float_id(cell: Any) -> bool:
    """True for an id stored as a float too large to hold every digit exactly."""
    if isinstance(cell, np.generic):
        cell = cell.item()
    return isinstance(cell, float) and math.isfinite(cell) and abs(cell) > MAX_EXACT_FLOAT_ID
