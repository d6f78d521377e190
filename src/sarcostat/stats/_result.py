"""Base class shared by every result object of the stats layer.

Results hold full-precision tables; formatting and rounding happen only in
``report/``. Extra outputs are dataclass fields, never ad-hoc DataFrame
attributes (those are lost on copy or slice).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd


@dataclass(frozen=True)
class StatResult:
    """A computed analysis: a main table plus the notes needed to report it.

    Attributes
    ----------
    table : pandas.DataFrame
        The main result at full precision (shared column names: ``estimate``,
        ``se``, ``df``, ``statistic``, ``p_value``, ``ci_lower``, ``ci_upper``,
        ``n``).
    notes : tuple of str
        Sentences a reader needs: method used, averaging, exclusions.
    meta : dict
        Machine-readable context: n used, n excluded and why, model formula,
        method options, reference software reproduced.
    """

    table: pd.DataFrame
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the main table at full precision."""
        return self.table.copy()

    def summary(self, digits: int = 4) -> str:
        """Plain-text rendering of the table followed by the notes."""
        with pd.option_context("display.width", 120, "display.max_columns", 50):
            text = self.table.to_string(float_format=lambda v: f"{v:.{digits}g}")
        if self.notes:
            text += "\n" + "\n".join(f"Note: {n}" for n in self.notes)
        return text

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.summary()
