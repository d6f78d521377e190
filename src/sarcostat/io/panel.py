"""Wide biomarker tables (id + one column per biomarker) read with the cohort's rules.

A panel in a text file goes through the same reader as a cohort (strict
quoting, every row the header's width, ``encoding``/``sep`` as given or
detected) and the same cell rules (``decimal``, missing-value words); ids
stay text exactly as written (`sarcostat.io.ids`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sarcostat.exceptions import SchemaError
from sarcostat.io.cells import MISSING, OK, _Builder
from sarcostat.io.ids import id_text
from sarcostat.io.readers import TEXT_SUFFIXES, read_table

__all__ = ["read_wide_table", "is_text_table"]


def is_text_table(path: str | Path) -> bool:
    """True for a .csv/.tsv/.txt path."""
    return Path(path).suffix.lower() in TEXT_SUFFIXES


def read_wide_table(
    path: str | Path,
    *,
    id_column: str = "id",
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> pd.DataFrame:
    """A text panel as a DataFrame: ``id_column`` as text, numeric columns as float.

    A column with any cell that is not a number (or a missing-value word) is
    kept as text, so the screen reports it by name instead of guessing.

    Raises
    ------
    ReadError
        The file cannot be read (see `sarcostat.io.readers.read_table`).
    SchemaError
        The file has no column ``id_column``.
    """
    from sarcostat.exceptions import check_option

    check_option(decimal, (None, ".", ","), parameter="decimal", function="read_wide_table")
    raw = read_table(path, encoding=encoding, sep=sep)
    if id_column not in raw.headers:
        shown = ", ".join(repr(h) for h in raw.headers[:10])
        raise SchemaError(
            f"{raw.name}: no id column {id_column!r} to join on; its columns are {shown}"
            f"{' ...' if len(raw.headers) > 10 else ''}. Name it with --id-column (id_column=...)."
        )
    b = _Builder(raw, decimal or ".")
    data: dict[str, object] = {}
    for h in raw.headers:
        cells = raw.columns[h]
        if h == id_column:
            data[h] = pd.array([id_text(c) for c in cells], dtype="string")
            continue
        kinds, values = b.parse(h)
        if np.isin(kinds, (OK, MISSING)).all():
            data[h] = np.where(kinds == OK, values, np.nan).astype(float)
        else:
            data[h] = pd.array([None if c is None else str(c) for c in cells], dtype="string")
    return pd.DataFrame(data)
