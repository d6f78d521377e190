"""The public base class of every result object (stats and assess layers).

It sits below every layer (beside ``exceptions``), so the assess layer's
results share it; ``sarcostat.stats.result`` re-exports it.

Results hold full-precision tables; formatting and rounding happen only in
``report/``. Extra outputs are dataclass fields, never ad-hoc DataFrame
attributes (those are lost on copy or slice).

Every result shares one small interface:

- ``repr(result)``: at most about 20 lines (class, scalar fields, the head of
  the table), so a result printed at the prompt stays readable;
- ``summary()``: a plain-text report in the manner of statsmodels' summaries
  (title, scalar fields, the table, notes);
- ``to_frame()``: the main table at full precision;
- ``to_dict()``: JSON-ready scalars, notes, meta and the table as records;
- ``==``: field by field, DataFrames and arrays compared by value (NaN equal
  to NaN), so two runs of the same analysis compare equal.

Subclasses keep this equality and repr whatever their ``@dataclass``
decorator says (a generated ``__eq__`` would compare DataFrames with ``==``
and raise; a generated repr prints every table in full).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["StatResult", "values_equal"]

#: Fields left out of the scalar block of repr/summary/to_dict (shown otherwise).
_SKIP = frozenset({"table", "notes", "meta"})


def values_equal(a: Any, b: Any) -> bool:
    """Equality that works for DataFrames, Series, arrays, NaN and nested results."""
    if a is b:
        return True
    if isinstance(a, (pd.DataFrame, pd.Series)) or isinstance(b, (pd.DataFrame, pd.Series)):
        return type(a) is type(b) and a.equals(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return bool(np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True))
        except TypeError:
            return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(values_equal, a, b))
    if dataclasses.is_dataclass(a) and dataclasses.is_dataclass(b):
        if type(a) is not type(b):
            return False
        return all(
            values_equal(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a)
        )
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str, np.generic))


def _scalar_text(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return f"{value:.6g}"
    return repr(value) if isinstance(value, str) else str(value)


def _jsonable(value: Any) -> Any:
    """Plain Python for JSON: numpy scalars unwrapped, NaN -> None, nested kept."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, StatResult):
        return value.to_dict()
    if isinstance(value, pd.DataFrame):
        return [
            {str(k): _jsonable(v) for k, v in rec.items()}
            for rec in value.to_dict(orient="records")
        ]
    if isinstance(value, pd.Series):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return repr(value)


@dataclass(frozen=True, eq=False)
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

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # The dataclass decorator adds __eq__ and __repr__ only where the class
        # body has none: putting the base's into the subclass first keeps the
        # working equality and the short repr for every result, whatever its
        # decorator says.
        super().__init_subclass__(**kwargs)
        for name in ("__eq__", "__repr__"):
            if name not in cls.__dict__:
                setattr(cls, name, getattr(StatResult, name))

    # ------------------------------------------------------------ accessors
    def to_frame(self) -> pd.DataFrame:
        """Return a copy of the main table at full precision."""
        return self.table.copy()

    def scalars(self) -> dict[str, Any]:
        """The result's scalar fields (n, p_value, odds_ratio...) by name."""
        out = {}
        for f in dataclasses.fields(self):
            if f.name in _SKIP:
                continue
            value = getattr(self, f.name)
            if _is_scalar(value) or (
                isinstance(value, tuple) and all(isinstance(v, str) for v in value)
            ):
                out[f.name] = value
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content: scalar fields, ``table`` (records), ``notes``,
        ``meta``, and nested results (e.g. ``unadjusted``) as dicts.

        NaN becomes None; DataFrame fields become lists of records."""
        out: dict[str, Any] = {"type": type(self).__name__}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if (
                f.name in _SKIP
                or _is_scalar(value)
                or isinstance(value, (tuple, list, dict, pd.DataFrame, pd.Series, StatResult))
            ):
                out[f.name] = _jsonable(value)
        return out

    # ----------------------------------------------------------- equality
    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(
            values_equal(getattr(self, f.name), getattr(other, f.name))
            for f in dataclasses.fields(self)
        )

    __hash__ = None  # type: ignore[assignment]  # DataFrame fields: unhashable

    # ------------------------------------------------------------- display
    def summary(self, digits: int = 4) -> str:
        """Plain-text report: title, scalar fields, the table, then notes."""
        title = type(self).__name__
        rule = "=" * 78
        lines = [rule, title.center(78), rule]
        scal = [(k, _scalar_text(v)) for k, v in self.scalars().items() if v not in ("", ())]
        # Two columns of "name: value", as statsmodels' header block.
        half = (len(scal) + 1) // 2
        left, right = scal[:half], scal[half:]
        for i in range(half):
            a = f"{left[i][0] + ':':<16}{left[i][1]:>20}"
            b = f"{right[i][0] + ':':<16}{right[i][1]:>20}" if i < len(right) else ""
            lines.append(f"{a}   {b}".rstrip())
        lines.append("-" * 78)
        with pd.option_context("display.width", 120, "display.max_columns", 50):
            lines.append(
                self.table.to_string(
                    float_format=lambda v: f"{v:.{digits}g}", index=False, max_rows=60
                )
            )
        lines.append(rule)
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        scal = [f"{k}={_scalar_text(v)}" for k, v in self.scalars().items() if v not in ("", ())]
        head = f"<{type(self).__name__}"
        body: list[str] = []
        line = ""
        for item in scal:
            if len(line) + len(item) > 90 and line:
                body.append(line)
                line = ""
            line = f"{line}, {item}" if line else item
        if line:
            body.append(line)
        body = body[:5]
        rows, cols = self.table.shape
        with pd.option_context("display.width", 100, "display.max_columns", 8):
            shown = self.table.head(8).to_string(
                float_format=lambda v: f"{v:.4g}", index=False, max_colwidth=18
            )
        table_lines = shown.splitlines()[:9]
        more = f" (first {min(rows, 8)} shown)" if rows > 8 else ""
        text = [head, *("  " + b for b in body), f"  table: {rows} x {cols}{more}"]
        text += ["    " + t[:100] for t in table_lines]
        if self.notes:
            text.append(f"  notes: {len(self.notes)}; .summary() prints them>")
        else:
            text[-1] += ">"
        return "\n".join(text)

    def __str__(self) -> str:
        return self.summary()
