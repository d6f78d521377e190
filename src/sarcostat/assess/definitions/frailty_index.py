"""The frailty index (deficit accumulation), built as Searle et al. 2008 describe.

Searle SD, Mitnitski A, Gahbauer EA, Gill TM, Rockwood K. A standard
procedure for creating a frailty index. BMC Geriatr 2008;8:24.
doi:10.1186/1471-2318-8-24

The user declares the deficits (columns of the cohort) and how each maps to
0 (absent) ... 1 (fully expressed): already scored 0-1, a table of levels,
or a threshold (sex-specific if needed). The index of a participant is the
sum of the deficit scores divided by the number of deficits measured in that
participant. Rules:

- at least `MIN_DEFICITS` (30) deficits must be declared (Searle: "at
  least 30-40 deficits");
- a participant missing more than `MAX_MISSING` (20%) of the declared
  deficits is excluded, with a reason (exactly 20% missing is kept);
- categories by stated, configurable cut-offs: `DEFAULT_CUTOFFS`
  (0.08, 0.25) give robust FI <= 0.08, pre-frail 0.08 < FI < 0.25, frail
  FI >= 0.25 (Song X, Mitnitski A, Rockwood K. Prevalence and 10-year
  outcomes of frailty in older adults in relation to deficit accumulation.
  J Am Geriatr Soc 2010;58(4):681-687. doi:10.1111/j.1532-5415.2010.02764.x;
  not verified against its text here).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sarcostat.exceptions import ParameterError

CITATION = (
    "Searle SD, Mitnitski A, Gahbauer EA, Gill TM, Rockwood K. A standard procedure for "
    "creating a frailty index. BMC Geriatr 2008;8:24. doi:10.1186/1471-2318-8-24"
)
CUTOFF_CITATION = (
    "Song X, Mitnitski A, Rockwood K. J Am Geriatr Soc 2010;58(4):681-687. "
    "doi:10.1111/j.1532-5415.2010.02764.x"
)
#: Fewest deficits a frailty index may be built from (Searle 2008).
MIN_DEFICITS = 30
#: Largest share of declared deficits a participant may miss (more is excluded).
MAX_MISSING = 0.2
#: Default category cut-offs (robust <= 0.08 < pre-frail < 0.25 <= frail),
#: Song 2010; verified=False (primary text not read).
DEFAULT_CUTOFFS = (0.08, 0.25)
CUTOFFS_VERIFIED = False

_OPS = ("<", "<=", ">", ">=")


@dataclass(frozen=True)
class Deficit:
    """One declared deficit and how it is scored 0-1.

    Exactly one scoring: ``levels`` (value -> score, values compared as text
    after lower-casing; numbers written without trailing zeros, so 1.0 is
    "1"), or ``operator`` with ``value`` (or ``male`` and ``female``) giving
    1 on the abnormal side and 0 otherwise, or neither (the column is
    already scored 0-1).
    """

    column: str
    label: str = ""
    levels: tuple[tuple[str, float], ...] = ()
    operator: str | None = None
    value: float | None = None
    male: float | None = None
    female: float | None = None

    @property
    def scoring(self) -> str:
        if self.levels:
            return "levels"
        if self.operator:
            return "threshold"
        return "as_is"

    def describe(self) -> str:
        if self.scoring == "levels":
            return ", ".join(f"{k} = {v:g}" for k, v in self.levels)
        if self.scoring == "threshold":
            if self.value is not None:
                return f"1 if {self.operator} {self.value:g}, else 0"
            return f"1 if {self.operator} {self.male:g} (men) / {self.female:g} (women), else 0"
        return "scored 0-1 as recorded"


def _number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise ParameterError(f"{where} must be a number, got {x!r}.")
    return float(x)


def level_key(value: Any) -> str:
    """How a cell or a declared level is compared: lower-case text, numbers as ``%g``."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return f"{float(value):g}"
    return str(value).strip().lower()


def parse_deficits(spec: Any, *, where: str = "deficits") -> tuple[Deficit, ...]:
    """Declared deficits from plain data (a plan's TOML, a dict or Deficit objects).

    ``spec`` is a sequence whose items are a column name (scored 0-1 as
    recorded), a `Deficit`, or a mapping with ``column`` and at most
    one scoring: ``levels = {"no" = 0, "some" = 0.5, "yes" = 1}``, or
    ``operator`` ("<", "<=", ">", ">=") with ``value`` or with ``male`` and
    ``female``; ``label`` is optional.

    Raises
    ------
    ParameterError
        A malformed item (the message names its position and key), a column
        declared twice, or fewer than `MIN_DEFICITS` deficits.
    """
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence):
        raise ParameterError(f"{where} must be a list of deficits, got {type(spec).__name__}.")
    out: list[Deficit] = []
    for i, item in enumerate(spec, start=1):
        at = f"{where}[{i}]"
        if isinstance(item, Deficit):
            out.append(item)
            continue
        if isinstance(item, str):
            out.append(Deficit(item))
            continue
        if not isinstance(item, Mapping):
            raise ParameterError(f"{at} must be a column name or a table, got {item!r}.")
        allowed = {"column", "label", "levels", "operator", "value", "male", "female"}
        extra = sorted(set(item) - allowed)
        if extra:
            raise ParameterError(
                f"{at}: unknown key {extra[0]!r}; allowed keys: {', '.join(sorted(allowed))}."
            )
        col = item.get("column")
        if not isinstance(col, str) or not col.strip():
            raise ParameterError(f"{at} needs a 'column' (the cohort column of the deficit).")
        label = item.get("label", "")
        if not isinstance(label, str):
            raise ParameterError(f"{at}.label must be text, got {label!r}.")
        levels: tuple[tuple[str, float], ...] = ()
        op = item.get("operator")
        if "levels" in item:
            raw = item["levels"]
            if not isinstance(raw, Mapping) or not raw:
                raise ParameterError(f"{at}.levels must be a non-empty table value -> score.")
            levels = tuple(
                (level_key(k), _number(v, f"{at}.levels[{k!r}]")) for k, v in raw.items()
            )
            bad = [k for k, v in levels if not 0 <= v <= 1]
            if bad:
                raise ParameterError(f"{at}.levels[{bad[0]!r}] must be a score between 0 and 1.")
            if op is not None:
                raise ParameterError(f"{at}: give either 'levels' or 'operator', not both.")
        value = male = female = None
        if op is not None:
            if op not in _OPS:
                raise ParameterError(f"{at}.operator must be one of {', '.join(_OPS)}; got {op!r}.")
            if "value" in item:
                value = _number(item["value"], f"{at}.value")
                if "male" in item or "female" in item:
                    raise ParameterError(f"{at}: give 'value' or 'male'/'female', not both.")
            elif "male" in item and "female" in item:
                male = _number(item["male"], f"{at}.male")
                female = _number(item["female"], f"{at}.female")
            else:
                raise ParameterError(f"{at}: 'operator' needs 'value' (or 'male' and 'female').")
        elif any(k in item for k in ("value", "male", "female")):
            raise ParameterError(f"{at}: 'value', 'male' and 'female' need an 'operator'.")
        out.append(Deficit(col.strip(), label, levels, op, value, male, female))
    cols = [d.column for d in out]
    dup = [c for c in dict.fromkeys(cols) if cols.count(c) > 1]
    if dup:
        raise ParameterError(f"{where} declares column {dup[0]!r} twice.")
    if len(out) < MIN_DEFICITS:
        raise ParameterError(
            f"{where}: a frailty index needs at least {MIN_DEFICITS} deficits (Searle 2008); "
            f"{len(out)} declared."
        )
    return tuple(out)


def check_cutoffs(cutoffs: Any, *, where: str = "cutoffs") -> tuple[float, float]:
    """``(robust_max, frail_min)`` with 0 < robust_max < frail_min <= 1."""
    if isinstance(cutoffs, (str, bytes)) or not isinstance(cutoffs, Sequence) or len(cutoffs) != 2:
        raise ParameterError(
            f"{where} must be two numbers [robust_max, frail_min]; got {cutoffs!r}."
        )
    a, b = (_number(x, where) for x in cutoffs)
    if not 0 < a < b <= 1:
        raise ParameterError(
            f"{where} must satisfy 0 < robust_max < frail_min <= 1; got {list(cutoffs)!r}."
        )
    return a, b
