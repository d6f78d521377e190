"""Validation findings: one record per problem found in a cohort file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Finding",
    "findings_to_frame",
    "sort_findings",
    "count_findings",
    "plural",
    "SEVERITIES",
]

#: Severities, most serious first. Errors stop later analyses; warnings and
#: infos are reported and the analysis goes on.
SEVERITIES = ("error", "warning", "info")

FINDING_COLUMNS = ("severity", "rule", "row", "participant_id", "column", "value", "message")


@dataclass(frozen=True)
class Finding:
    """One problem (or note) about the data.

    Attributes
    ----------
    severity : {"error", "warning", "info"}
    rule : str
        Short rule name (``range``, ``non_numeric``, ``duplicate_id``...), listed
        in ``docs/variables.md``.
    message : str
        The full sentence, location first:
        ``cohort.csv, row 58 (id=S0123), column 'grip_kg': -3.0 is below the allowed minimum 0 kg.``
    row : int or None
        Spreadsheet row number (header = row 1) for text and Excel files, case
        number for SPSS/Stata/Parquet; None when the finding is about a column
        or the file.
    participant_id : str or None
    column : str or None
        Canonical column name when known, else the user's header.
    value : object
        The offending value as written in the file (None when not about a value).
    detail : str
        The message without its location prefix (for tables that show the
        location in their own columns).
    count : int
        How many problems the finding stands for: 1, or for the summary of
        the rows not listed one by one (``MAX_ROWS_PER_PROBLEM`` per kind of
        problem), their number.
    """

    severity: str
    rule: str
    message: str
    row: int | None = None
    participant_id: str | None = None
    column: str | None = None
    value: Any = None
    detail: str = ""
    count: int = 1

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def plural(n: int, word: str) -> str:
    """'1 error', '3 errors'."""
    return f"{n} {word}{'s' * (n != 1)}"


def count_findings(findings: Iterable[Finding]) -> int:
    """How many problems the findings stand for (a summary of unlisted rows counts each row)."""
    return sum(f.count for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Errors, then warnings, then notes; by row within each, file-level findings last."""
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(
        findings, key=lambda f: (order.get(f.severity, len(order)), f.row is None, f.row or 0)
    )


def findings_to_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Return findings as a DataFrame: errors, then warnings, then notes; by row within each.

    Returns
    -------
    pandas.DataFrame
        Columns ``severity``, ``rule``, ``row`` (nullable Int64),
        ``participant_id``, ``column``, ``value`` (as text), ``message``.
    """
    import pandas as pd

    items = sort_findings(findings)
    frame = pd.DataFrame(
        {
            "severity": [f.severity for f in items],
            "rule": [f.rule for f in items],
            "row": pd.array([f.row for f in items], dtype="Int64"),
            "participant_id": [f.participant_id for f in items],
            "column": [f.column for f in items],
            "value": [None if f.value is None else str(f.value) for f in items],
            "message": [f.message for f in items],
        },
        columns=list(FINDING_COLUMNS),
    )
    return frame
