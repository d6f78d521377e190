"""Analysis-sample selection and design checks shared by the stats layer.

Every model uses complete cases over exactly the columns it needs (SPSS
listwise deletion), and reports how many rows it dropped. Degenerate designs
raise `ModelError` with a message that names the
column, instead of letting a linear-algebra routine fail obscurely.

The parameter and value helpers below (confidence check, column-name lists,
levels, numeric checks, factor coding, the unadjusted companion sample) are
the single copy used by compare, regression, logistic, ancova and trend.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ModelError, ParameterError, SchemaError
from sarcostat.io.privacy import mention_ids


def require_columns(data: pd.DataFrame, columns: Sequence[str], *, function: str) -> None:
    """Raise SchemaError naming every requested column absent from ``data``."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise SchemaError(
            f"{function}: column(s) {', '.join(repr(c) for c in missing)} not found; "
            f"available: {', '.join(map(str, data.columns))}"
        )


def complete_cases(
    data: pd.DataFrame, columns: Sequence[str], *, function: str
) -> tuple[pd.DataFrame, int]:
    """Rows of ``data`` with no missing value in ``columns`` (listwise).

    Returns the analysis sample (columns in the given order, original index
    kept; a frame of its own) and the number of rows excluded.
    """
    sample, excluded, _rows = complete_case_rows(data, columns, function=function)
    return sample, excluded


def complete_case_rows(
    data: pd.DataFrame, columns: Sequence[str], *, function: str
) -> tuple[pd.DataFrame, int, np.ndarray | None]:
    """`complete_cases`, and the positions in ``data`` of the rows kept
    (None when every row is kept)."""
    cols = list(dict.fromkeys(columns))
    require_columns(data, cols, function=function)
    keep = np.ones(len(data), dtype=bool)
    for c in cols:
        col = data[c]
        if col.ndim == 1 and col.dtype == np.float64:  # NaN is its only missing value
            keep &= ~np.isnan(col.to_numpy())
            continue
        isna = col.isna()
        keep &= ~(isna.to_numpy() if isna.ndim == 1 else isna.to_numpy().any(axis=1))
    excluded = int(len(keep) - keep.sum())
    rows = np.flatnonzero(keep) if excluded else None
    if not cols or data.columns.has_duplicates:
        sample = data.loc[keep, cols].copy()
    elif rows is not None:
        # One take per column (a boolean .loc over a wide frame costs twice as much).
        # The taken arrays are the frame's own (copy=False: not copied again
        # into one 2-D block, 17 ms per model at 10**6 x 8).
        sample = pd.DataFrame(
            {c: data[c].array.take(rows) for c in cols}, index=data.index[rows], copy=False
        )
    else:
        # Every row kept: the columns themselves (pandas 3 copies on write).
        sample = pd.concat([data[c] for c in cols], axis=1)
    # An object column of True/False with blanks (a DataFrame built by hand)
    # is a three-valued flag, read as such: blank is missing, the rest 0/1.
    flags = [c for c in cols if data[c].dtype == object and _is_flag_column(data[c])]
    if flags:
        sample = sample.astype({c: "boolean" for c in flags})
    return sample, excluded, rows


def _is_flag_column(series: pd.Series) -> bool:
    from sarcostat.io.flags import is_boolean_column

    values = series.to_numpy(dtype=object)
    return all(v is None or isinstance(v, (bool, np.bool_)) or v != v for v in values) and (
        is_boolean_column(values)
    )


#: Rows per block of `stack_columns` (the block of the matrix stays in cache).
_STACK_ROWS = 1 << 13


def stack_columns(columns: Sequence[np.ndarray], *, columns_first: bool = False) -> np.ndarray:
    """``np.column_stack`` of 1-D numeric columns as a float design matrix,
    filled one cache-sized block of rows at a time (the same values; writing
    each whole column down the matrix in turn, as column_stack does, makes
    every row's cache line come from memory once per column: 1.7x slower at
    10**6 x 9). Anything else goes to ``np.column_stack``.

    ``columns_first``: the same values in column order (an F-ordered (n, p)
    array, each column copied in one contiguous run: at 10**6 x 6, 5 ms
    against 15 ms for rows), the layout in which the model functions hand
    a design to the numerical core (`sarcostat.stats.fitting`, which reads
    either)."""
    cols = [np.asarray(c) for c in columns]
    n = len(cols[0]) if cols else 0
    plain = all(
        c.ndim == 1 and len(c) == n and (c.dtype.kind in "biu" or c.dtype == np.float64)
        for c in cols
    )
    if not (plain and any(c.dtype == np.float64 for c in cols)):  # not a float64 result
        return np.column_stack(cols)
    if columns_first:
        XT = np.empty((len(cols), n))
        for j, c in enumerate(cols):
            XT[j] = c
        return XT.T
    X = np.empty((n, len(cols)))
    for a in range(0, n, _STACK_ROWS):
        block = X[a : a + _STACK_ROWS]
        for j, c in enumerate(cols):
            block[:, j] = c[a : a + _STACK_ROWS]
    return X


#: Values `_at_most_one_value` looks at first.
_HEAD = 1024


def _at_most_one_value(series: pd.Series) -> bool:
    """True when the non-missing values of ``series`` are all equal (or absent):
    ``nunique(dropna=True) < 2``, from the minimum and maximum for numbers and
    booleans (two passes, no hashing of a million values)."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind in "biuf":
        values = series.to_numpy()
        if values.size == 0:
            return True
        if values.dtype.kind == "b":
            return bool(values.all() or not values.any())
        # Two different values among the first few settle it (nearly every
        # column of a model): no pass over a million rows.
        head = values[:_HEAD]
        lo, hi = np.fmin.reduce(head), np.fmax.reduce(head)
        if lo == lo and lo != hi:
            return False
        lo, hi = np.fmin.reduce(values), np.fmax.reduce(values)
        return bool(lo != lo or lo == hi)  # lo is NaN only when every value is
    return bool(series.nunique(dropna=True) < 2)


def check_not_constant(
    sample: pd.DataFrame,
    columns: Sequence[str],
    *,
    function: str,
    roles: dict[str, str] | None = None,
    outcome: str | None = None,
) -> None:
    """Raise ModelError if a column has a single distinct value in the sample.

    ``roles`` maps a column to the word put before its name ("covariate");
    ``outcome`` names the dependent variable, whose message says there is
    nothing to model rather than asking to remove it.
    """
    roles = roles or {}
    for c in columns:
        if _at_most_one_value(sample[c]):
            role = roles.get(c, "")
            what = f"{role} {c!r}" if role else repr(c)
            value = f" ({plain(sample[c].iloc[0])!r})" if len(sample) else ""
            tail = (
                "there is nothing to model."
                if c == outcome
                else "it cannot be estimated. Remove it from the model."
            )
            raise ModelError(
                f"{function}: {what} is constant{value} in the analysis sample "
                f"(n={len(sample):,}); {tail}"
            )


# --------------------------------------------------------------------------
# Parameter and value helpers shared by compare, regression, logistic, ancova
# and trend (one definition each, so messages read the same everywhere).
# --------------------------------------------------------------------------
def check_confidence(confidence: Any, function: str) -> float:
    """``confidence`` as a float in (0, 1), else ParameterError (sklearn template)."""
    ok = isinstance(confidence, (int, float, np.integer, np.floating)) and not isinstance(
        confidence, (bool, np.bool_)
    )
    if not ok or not 0 < float(confidence) < 1:
        raise ParameterError(
            f"The 'confidence' parameter of {function} must be a float in the range (0, 1). "
            f"Got {confidence!r} instead."
        )
    return float(confidence)


def as_names(value: object, parameter: str, function: str) -> list[str]:
    """One column name or a sequence of names as a list; None gives []."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (Sequence, pd.Index, np.ndarray)) and all(
        isinstance(v, str) for v in value
    ):
        return list(value)
    raise ParameterError(
        f"The {parameter!r} parameter of {function} must be a column name or a list of "
        f"column names. Got {value!r} instead."
    )


def plain(value: Any) -> Any:
    """numpy scalar -> Python scalar and integral float -> int (0.0 -> 0), so
    levels and messages read ``1`` rather than ``np.float64(1.0)``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _distinct(values: Any) -> tuple[np.ndarray, list]:
    """(code of each value, distinct values in order of first appearance).

    Object values with a missing one (``None`` and NaN would merge) are kept
    one per value, as a per-value loop would see them."""
    arr = values.to_numpy() if isinstance(values, (pd.Series, pd.Index)) else np.asarray(values)
    if arr.dtype == object and pd.isna(arr).any():
        items = list(arr)
        return np.arange(len(items)), items
    codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    return np.asarray(codes), list(uniques)


def plain_values(series: pd.Series) -> pd.Series:
    """``series.map(plain)``, computed once per distinct value for numbers
    and booleans (a 10**6-row cohort has two or four distinct levels)."""
    if series.dtype == object or isinstance(series.dtype, pd.CategoricalDtype):
        return series.map(plain)
    codes, uniques = pd.factorize(series.to_numpy(), use_na_sentinel=False)
    mapped = pd.Series(uniques).map(plain)
    return pd.Series(mapped.to_numpy()[codes], index=series.index, name=series.name)


def levels(series: pd.Series) -> tuple:
    """Observed levels: category order for a pandas ``category``, else sorted
    (by text when the values cannot be compared)."""
    s = series.dropna()
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.unique())
        return tuple(plain(c) for c in s.cat.categories if c in present)
    vals = [plain(v) for v in pd.unique(s)]
    try:
        return tuple(sorted(vals))
    except TypeError:
        return tuple(sorted(vals, key=str))


def factor_codes(series: pd.Series) -> tuple[tuple, np.ndarray]:
    """``levels(series)`` and, for each value, the position of its level in
    them (-1 where missing), from one pass of hashing: the same levels and
    the same coding as `levels` and `factor_columns` give one by one (a
    model of a 10**6-row cohort would otherwise hash its factor once for
    the levels, once for their counts and once more for every use)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        cat = series.cat.codes.to_numpy()
        seen = np.bincount(cat[cat >= 0], minlength=len(series.cat.categories)) > 0
        levs = tuple(plain(c) for c, present in zip(series.cat.categories, seen) if present)
        index = np.cumsum(seen) - 1
    else:
        raw, uniques = pd.factorize(series, use_na_sentinel=True)
        cat = np.asarray(raw)
        vals = [plain(v) for v in uniques]
        try:
            levs = tuple(sorted(vals))
        except TypeError:
            levs = tuple(sorted(vals, key=str))
        # dict: a value that two distinct raw values share takes its last
        # place, as factor_columns' lookup does.
        at = {lv: i for i, lv in enumerate(levs)}
        index = np.array([at[v] for v in vals], dtype=np.intp)
    dtype = np.int8 if len(levs) < 127 else np.int32
    codes = np.full(len(cat), -1, dtype=dtype)
    known = cat >= 0
    codes[known] = index[cat[known]]
    return levs, codes


def is_numeric(series: pd.Series) -> bool:
    """Numbers or booleans (a pandas ``category`` is not numeric)."""
    return (
        pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)
    ) and not isinstance(series.dtype, pd.CategoricalDtype)


def locate(label: Any, ids: pd.Series | None) -> str:
    """'row index 12 (id=P013)': where a bad value sits, for messages."""
    where = f"row index {plain(label)!r}"
    if ids is not None and label in ids.index:
        where += f" {mention_ids(ids.loc[label])}"
    return where


def numeric_values(
    series: pd.Series, *, role: str, function: str, ids: pd.Series | None = None
) -> np.ndarray:
    """Finite float64 values, or a DataError naming the column, row and value."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    if not pd.api.types.is_numeric_dtype(series) or isinstance(series.dtype, pd.CategoricalDtype):
        bad = pd.to_numeric(series.astype(object), errors="coerce").isna()
        label = series.index[bad.to_numpy()][0] if bad.any() else series.index[0]
        raise DataError(
            f"{function}: the {role} {series.name!r} must be numeric; "
            f"{locate(label, ids)} has {plain(series.loc[label])!r}."
        )
    values = series.astype(float).to_numpy()
    finite = np.isfinite(values)
    if not finite.all():
        label = series.index[~finite][0]
        raise DataError(
            f"{function}: the {role} {series.name!r} has a non-finite value: "
            f"{locate(label, ids)} has {plain(series.loc[label])!r}."
        )
    return values


def factor_columns(
    values: pd.Series,
    levs: Sequence,
    *,
    contrasts: str,
    name: str,
    codes: np.ndarray | None = None,
) -> tuple[list[np.ndarray], list[str]]:
    """Code a factor for a design matrix; columns named ``name[level]``.

    ``"treatment"``: one 0/1 column per level after the first (the first is the
    reference; R ``contr.treatment``, SPSS ``REGRESSION`` with hand-made
    dummies). ``"sum"``: one column per level but the last, 1 for that level,
    -1 for the last level, 0 otherwise (R ``contr.sum``, the coding SPSS GLM
    Type III tests assume). Values not in ``levs`` raise ModelError.
    ``codes``: each value's position in ``levs``, when known (`factor_codes`).
    """
    if codes is None:
        index = {lv: i for i, lv in enumerate(levs)}
        # Each distinct value is looked up once (in order of first appearance,
        # so the first unknown value is the one named), then spread by its code.
        seen, distinct = _distinct(values)
        try:
            lookup = np.array([index[plain(v)] for v in distinct], dtype=int)
        except KeyError as exc:
            raise ModelError(
                f"{name!r} has the value {exc.args[0]!r}, which is not one of its "
                f"levels {list(levs)!r}."
            ) from None
        codes = lookup[seen] if len(lookup) else np.zeros(len(seen), dtype=int)
    k = len(levs)
    cols, names = [], []
    if contrasts == "sum":
        last = (codes == k - 1).astype(float)
        for j in range(k - 1):
            cols.append((codes == j).astype(float) - last)
            names.append(f"{name}[{plain(levs[j])}]")
    else:
        for j in range(1, k):
            cols.append((codes == j).astype(float))
            names.append(f"{name}[{plain(levs[j])}]")
    return cols, names


#: Values of the ``unadjusted`` option shared by ls_means, quartile_trend,
#: linear_regression, logistic_regression and or_per_sd.
UNADJUSTED = ("own", "same", "none")


def unadjusted_source(
    data: pd.DataFrame, adjusted_columns: Sequence[str], mode: str
) -> pd.DataFrame:
    """Rows on which the unadjusted companion model is fitted.

    ``"own"``: every row (the unadjusted model takes its own complete cases,
    as a separate SPSS run would); ``"same"``: the adjusted model's complete
    cases over ``adjusted_columns``, so both models describe the same people.
    A boolean mask, not index labels, so a duplicated index cannot add rows;
    only the adjusted model's columns (and ``id``, which messages name) are
    taken, not every column of a wide cohort.
    """
    if mode == "same":
        cols = list(dict.fromkeys(adjusted_columns))
        keep = data.loc[:, cols].notna().all(axis=1)
        if "id" in data.columns and "id" not in cols:
            cols.append("id")
        return data.loc[keep, cols]
    return data


def as_interactions(value: object, terms: Sequence[str], *, function: str) -> list[tuple[str, ...]]:
    """Interaction terms as tuples of model terms.

    Accepts ``"a:b"`` (R's notation), ``("a", "b")`` or a list of either; each
    component must be a main-effect term of the model (``terms``): the model
    stays hierarchical, as R's ``a * b`` and SPSS ``/DESIGN = a b a*b``.
    """
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        return []
    single_tuple = isinstance(value, tuple) and all(
        isinstance(v, str) and ":" not in v for v in value
    )
    items: list[Any] = [value] if isinstance(value, str) or single_tuple else list(value)  # type: ignore[call-overload]
    out: list[tuple[str, ...]] = []
    for item in items:
        if isinstance(item, str):
            parts = tuple(p.strip() for p in item.split(":"))
        elif isinstance(item, (tuple, list)) and all(isinstance(p, str) for p in item):
            parts = tuple(item)
        else:
            raise ParameterError(
                f"The 'interactions' parameter of {function} takes terms such as "
                f"'biomarker:sex' or ('biomarker', 'sex'). Got {item!r} instead."
            )
        if len(parts) < 2 or len(set(parts)) != len(parts):
            raise ParameterError(
                f"{function}: interaction {item!r} needs two or more different columns."
            )
        missing = [p for p in parts if p not in terms]
        if missing:
            raise ParameterError(
                f"{function}: interaction {':'.join(parts)!r} uses {', '.join(map(repr, missing))}, "
                f"which is not a main effect of the model ({', '.join(terms)}); add it to the "
                "model as well (interactions need their main effects)."
            )
        if parts in out:
            raise ParameterError(f"{function}: interaction {':'.join(parts)!r} given twice.")
        out.append(parts)
    return out


def interaction_columns(
    blocks: dict[str, tuple[list[np.ndarray], list[str]]], parts: Sequence[str]
) -> tuple[list[np.ndarray], list[str]]:
    """Columns of an interaction: every product of one column of each part,
    named ``a:b`` (``g[x]:age``), in R's order (first part varies fastest)."""
    cols: list[np.ndarray] = [np.ones(len(blocks[parts[0]][0][0]))]
    names: list[str] = [""]
    for part in parts:
        pc, pn = blocks[part]
        cols = [c * q for q in pc for c in cols]
        names = [f"{n}:{m}" if n else m for m in pn for n in names]
    return cols, names
