"""Cells as read -> kinds and numbers: the one place where a cell's text is interpreted.

Every format's cells go through `_Builder` (text from delimited
files, typed scalars from Excel, SPSS, Stata, Parquet and DataFrames), so
'NA', 'unable', '<3.2', decimal commas and non-finite numbers get the same
rules and the same messages whatever the file type.
"""

from __future__ import annotations

import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import repeat
from typing import Any

import numpy as np

from sarcostat.io.findings import Finding, plural
from sarcostat.io.privacy import mention_ids
from sarcostat.io.readers import RawTable, is_blank
from sarcostat.io.variables import UNIT_FACTORS

_NA_WORDS = {
    "",
    "na",
    "n/a",
    "n.a.",
    "nan",
    "none",
    "null",
    "missing",
    ".",
    "-",
    "--",
    "not done",
    "not measured",
    "#n/a",
}
_UNABLE_WORDS = {
    "unable",
    "unable to perform",
    "unable to do",
    "not able",
    "could not",
    "cannot",
    "can't",
}
_ND_WORDS = {
    "nd",
    "n.d.",
    "not detected",
    "undetectable",
    "<lod",
    "< lod",
    "below lod",
    "bld",
    "<lloq",
    "< lloq",
    "blq",
    "bql",
    "<dl",
    "below detection limit",
}
_NUM_DOT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_NUM_COMMA = re.compile(r"^[+-]?(\d+(,\d*)?|,\d+)([eE][+-]?\d+)?$")
_CENSORED = re.compile(r"^<\s*=?\s*(?P<num>\S+)$")

MISSING, OK, UNABLE, ND, LT, BAD = range(6)

#: Row-level findings listed one by one for each kind of problem (severity,
#: rule, column); the rows beyond are counted in one summary finding, so a
#: column wrong in a million rows gives a page of messages, not a million.
MAX_ROWS_PER_PROBLEM = 20

#: Columns with at least this many distinct cells are parsed by Arrow (`_Builder._parse_many`).
_ARROW_PARSE_MIN = 2000
#: Cells that are not plain numbers, from this many on, are sorted into
#: missing-value words and the like by Arrow's kernels (`_Builder._classify_words`).
_WORDS_MIN = 64

#: Columns at least this long are factorized by pandas (in C) rather than a dict.
_FACTORIZE_MIN = 50_000


class _Builder:
    """Turns one RawTable into canonical columns, collecting findings."""

    def __init__(self, raw: RawTable, decimal: str):
        self.raw = raw
        self.decimal = decimal
        self.findings: list[Finding] = list(raw.findings)
        # each row's id for messages (a list, or ids kept in Arrow read one by one)
        self.ids: Any = [None] * raw.n_rows
        self.headers: dict[str, str] = {}
        self._parsed: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._distinct: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._pending: dict[str, Any] = {}  # header -> Future of its parse_distinct (prefetch)
        self._text_head: dict[str, bool] = {}  # header -> surely_text
        self.derived: dict[str, np.ndarray] = {}  # column -> rows computed, not given
        self._listed: Counter[tuple[str, str, str | None]] = Counter()
        self._hidden: Counter[tuple[str, str, str | None]] = Counter()

    # -- messages -----------------------------------------------------------
    def where(self, i: int | np.integer | None) -> str:
        if i is None:
            return self.raw.name
        pid = self.ids[i]
        who = f" {mention_ids(pid)}" if pid is not None else ""
        return f"{self.raw.name}, {self.raw.row_word} {self.raw.row_numbers[i]}{who}"

    def add(
        self,
        severity: str,
        rule: str,
        detail: str,
        *,
        i: int | np.integer | None = None,
        column: str | None = None,
        value: Any = None,
    ) -> None:
        if i is not None:
            kind = (severity, rule, column)
            if self._listed[kind] >= MAX_ROWS_PER_PROBLEM:
                self._hidden[kind] += 1
                return
            self._listed[kind] += 1
        loc = self.where(i)
        if column is not None:
            loc += f", column '{column}'"
        self.findings.append(
            Finding(
                severity,
                rule,
                f"{loc}: {detail}",
                row=None if i is None else int(self.raw.row_numbers[i]),
                participant_id=None if i is None else self.ids[i],
                column=column,
                value=value,
                detail=detail,
            )
        )

    def limit(self, rows: np.ndarray, severity: str, rule: str, column: str | None) -> np.ndarray:
        """The first of ``rows`` still to be listed for this kind of problem; the rest are counted.

        Loops that report one finding per row go over ``limit(...)`` only, so
        a million bad rows cost no more than twenty.
        """
        kind = (severity, rule, column)
        room = max(0, MAX_ROWS_PER_PROBLEM - self._listed[kind])
        if rows.size > room:
            self._hidden[kind] += int(rows.size - room)
            return rows[:room]
        return rows

    def summarize(self) -> None:
        """One finding per kind of problem with rows not listed: how many, and how many in all."""
        for (severity, rule, column), hidden in self._hidden.items():
            listed = self._listed[(severity, rule, column)]
            detail = (
                f"{plural(hidden, 'more row')} with this problem ({rule}) "
                f"{'is' if hidden == 1 else 'are'} not listed; {listed + hidden} in all, the "
                f"first {listed} listed one by one."
            )
            loc = self.raw.name + (f", column '{column}'" if column is not None else "")
            self.findings.append(
                Finding(
                    severity, rule, f"{loc}: {detail}", column=column, detail=detail, count=hidden
                )
            )
        self._hidden.clear()

    def cell(self, header: str, i: int | np.integer) -> Any:
        """The cell as written in the file (a Python scalar, for messages)."""
        if header in self.raw.factorized:  # no need to spread the whole column out
            codes, uniques = self.raw.factorized[header]
            c = uniques[codes[i]]
        else:
            c = self.raw.columns[header][i]
        return c.item() if isinstance(c, np.generic) else c

    # -- cells ----------------------------------------------------------------
    def parse_number(self, cell: Any) -> tuple[int, float]:
        """Classify one cell: (OK, x) | (MISSING,) | (UNABLE,) | (BAD,) | (LT, limit) | (ND,)."""
        if cell is None:
            return MISSING, math.nan
        if isinstance(cell, (bool, np.bool_)):
            return BAD, math.nan
        if isinstance(cell, (int, float, np.integer, np.floating)):
            x = float(cell)
            if math.isnan(x):
                return MISSING, math.nan
            return (OK, x) if math.isfinite(x) else (BAD, math.nan)
        if not isinstance(cell, str):
            return (MISSING, math.nan) if is_blank(cell) else (BAD, math.nan)
        t = cell.strip()
        low = t.lower()
        if low in _NA_WORDS:
            return MISSING, math.nan
        if low in _UNABLE_WORDS:
            return UNABLE, math.nan
        if low in _ND_WORDS:
            return ND, math.nan
        num = self._to_float(t)
        if num is not None:
            return (OK, num) if math.isfinite(num) else (BAD, math.nan)
        m = _CENSORED.match(t)
        if m:
            lim = self._to_float(m["num"])
            # A detection limit is a finite positive concentration: '<0',
            # '<-1', '<inf' and '<nan' are typing errors, not limits.
            if lim is not None and math.isfinite(lim) and lim > 0:
                return LT, lim
        return BAD, math.nan

    def parse(self, header: str) -> tuple[np.ndarray, np.ndarray]:
        """Classify every cell of a column: (kinds, values), cached per header.

        Cohort columns repeat few distinct values (heights to 0.1 cm, codes,
        'unable'), so each distinct cell is classified once by
        `parse_number` and the result spread back with NumPy; a typed
        float column needs no classification at all. A 50,000-row column
        takes milliseconds instead of a fifth of a second, with the same
        per-cell rules.
        """
        if header in self._parsed:
            return self._parsed[header]
        distinct = self.parse_distinct(header)
        if distinct is not None:
            codes, kinds_u, values_u = distinct
            self._parsed[header] = (kinds_u[codes], values_u[codes])
            return self._parsed[header]
        cells = self.raw.columns[header]
        if cells.dtype.kind == "f":
            kinds = np.where(np.isnan(cells), MISSING, np.where(np.isfinite(cells), OK, BAD))
            values = np.where(kinds == OK, cells, np.nan)
        else:
            kinds, values = self._map_distinct(
                cells,
                self.parse_number,
                (MISSING, math.nan),
                self.raw.factorized.get(header),
                dtypes=(np.int8, float),
            )
            kinds = kinds.astype(np.int8, copy=False)
            values = values.astype(float, copy=False)
        self._parsed[header] = (kinds, values)
        return kinds, values

    def parse_distinct(self, header: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """``(codes, kinds, values)`` of each distinct cell of a column read in
        blocks (``kinds[codes]`` is what `parse` gives per row), else None.

        Steps that only need a few numbers per distinct cell (the canonical
        value, whether any cell is bad) work on these and spread the result
        back with one take, instead of several passes over every row.
        """
        if header not in self.raw.factorized:
            return None
        if header not in self._distinct:
            pending = self._pending.pop(header, None)
            self._distinct[header] = (
                pending.result() if pending is not None else self._parsed_distinct(header)
            )
        return self._distinct[header]

    def _parsed_distinct(self, header: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        table: Any = self.raw.factorized
        arrow = self.plain_arrow(header)
        if arrow is not None:  # a plain column read in blocks: straight from Arrow
            kinds_u, values_u = self._parse_many(None, arrow)
            return table.codes(header), kinds_u, values_u
        codes, uniques = table[header]
        if len(uniques) >= _ARROW_PARSE_MIN:
            kinds_u, values_u = self._parse_many(uniques)
        else:
            parsed = [self.parse_number(u) for u in uniques] or [(MISSING, math.nan)]
            kinds_u = np.array([t[0] for t in parsed], dtype=np.int8)
            values_u = np.array([t[1] for t in parsed], dtype=float)
        return codes, kinds_u, values_u

    def plain_arrow(self, header: str) -> Any:
        """The column's Arrow cells when it was read in blocks as plain text, else None."""
        table: Any = self.raw.factorized
        if header not in table or not hasattr(table, "arrow"):
            return None
        return table.arrow(header)

    def surely_text(self, header: str, head: int = 2000) -> bool:
        """True for a plain column one of whose first ``head`` cells is
        neither a number nor a missing-value word: it cannot be read as
        numbers, so its million cells need not all be parsed to know it
        (decided once per column)."""
        if header not in self._text_head:
            arrow = self.plain_arrow(header)
            text = False
            if arrow is not None:
                kinds, _values = self._parse_many(None, arrow.slice(0, head))
                text = not bool(((kinds == OK) | (kinds == MISSING)).all())
            self._text_head[header] = text
        return self._text_head[header]

    def prefetch(self, headers: Iterable[str]) -> None:
        """Start `parse_distinct` of the plain columns among ``headers`` on a second thread.

        Measurements written to full precision are plain columns (about one
        distinct cell per row) whose numbers Arrow's cast reads, releasing
        the GIL: they are parsed while this thread checks the ids. Other
        columns have few distinct cells and are parsed when asked for.
        """
        plain = [
            h for h in dict.fromkeys(headers) if h not in self._distinct and self.plain_arrow(h)
        ]
        if not plain:
            return
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sarcostat-parse")
        for h in plain:
            self._pending.setdefault(h, pool.submit(self._parsed_distinct, h))
        pool.shutdown(wait=False)  # the submitted parses still run

    def _parse_many(
        self, cells: np.ndarray | None, arrow: Any = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """`parse_number` of many distinct cells: (kinds, values).

        ``cells`` is an object array; or None with ``arrow``, the same cells
        as a pyarrow string array without nulls, already stripped.

        A column of measurements written to full precision has about one
        distinct cell per row, and `parse_number` costs a microsecond or more
        per cell. The text cells that are plain numbers (the regular
        expression `_to_float` uses) are found and converted by Arrow's
        kernels instead: its RE2 matches a subset of what Python's ``re``
        matches here (``\\d`` is ASCII only), and its string-to-double cast
        rounds correctly, as ``float`` does (a test compares them bit for
        bit). Every other cell (blank, 'NA', 'unable', '<3.2', typing
        errors, non-ASCII digits) goes through `parse_number`.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        from sarcostat.io import _arrow

        if cells is None:
            n = len(arrow)
            text = np.ones(n, dtype=bool)
            at = np.arange(n)
        else:
            n = len(cells)
            text = np.fromiter((type(c) is str for c in cells), dtype=bool, count=n)
            at = np.flatnonzero(text)
            arrow = pc.utf8_trim_whitespace(_arrow.strings(cells[at].tolist()))
        kinds = np.full(n, BAD, dtype=np.int8)
        values = np.full(n, math.nan)
        pattern = (_NUM_COMMA if self.decimal == "," else _NUM_DOT).pattern
        if cells is None:
            quick = self._cast_all(arrow)
            if quick is not None:
                return quick
        matched = pc.match_substring_regex(arrow, pattern)
        number = _arrow.bools(matched)
        if number.any():
            picked = arrow.filter(matched)
            if self.decimal == ",":
                picked = pc.replace_substring(picked, ",", ".")
            x = _arrow.floats(pc.cast(picked, pa.float64()))
            finite = np.isfinite(x)
            rows = at[number]
            kinds[rows] = np.where(finite, OK, BAD)
            values[rows] = np.where(finite, x, math.nan)
        loose = np.flatnonzero(~number)  # text cells that are not plain numbers
        if loose.size >= _WORDS_MIN:
            loose = self._classify_words(arrow, loose, at, kinds)
        rest = np.concatenate([np.flatnonzero(~text), at[loose]])
        if rest.size:
            given = cells if cells is not None else None
            for i in rest:
                c = given[i] if given is not None else arrow[int(i)].as_py()
                kinds[i], values[i] = self.parse_number(c)
        return kinds, values

    @staticmethod
    def _classify_words(
        arrow: Any, loose: np.ndarray, at: np.ndarray, kinds: np.ndarray
    ) -> np.ndarray:
        """`parse_number`'s kind of the stripped ASCII cells ``arrow[loose]``
        that are not plain numbers, written into ``kinds`` at rows
        ``at[loose]``: a missing-value, 'unable' or 'not detected' word, else
        not a number. Returns the positions left to `parse_number`: cells
        that may be censored ('<3.2') and non-ASCII cells (whose lower case
        Arrow and Python may disagree on). A text column (codes, comments)
        of a million cells takes milliseconds instead of seconds."""
        import pyarrow.compute as pc

        from sarcostat.io import _arrow

        sub = arrow.take(_arrow.indices(loose))
        simple = _arrow.bools(pc.and_(pc.string_is_ascii(sub), pc.invert(pc.starts_with(sub, "<"))))
        low = pc.ascii_lower(sub)
        kind = np.full(loose.size, BAD, dtype=np.int8)
        # parse_number's order: the first list a word is in decides
        for words, k in ((_NA_WORDS, MISSING), (_UNABLE_WORDS, UNABLE), (_ND_WORDS, ND)):
            hit = _arrow.bools(pc.is_in(low, value_set=_arrow.strings(sorted(words))))
            kind[hit & (kind == BAD)] = k
        kinds[at[loose[simple]]] = kind[simple]
        return loose[~simple]

    @staticmethod
    def _map_distinct(
        cells: np.ndarray,
        fn: Callable[[Any], tuple[Any, ...]],
        na: tuple[Any, ...],
        factorized: tuple[np.ndarray, np.ndarray] | None = None,
        dtypes: tuple[Any, ...] | None = None,
    ) -> tuple[np.ndarray, ...]:
        """Apply ``fn`` (cell -> tuple) to each distinct cell; one array per tuple item.

        ``factorized`` is ``(codes, uniques)`` with ``cells == uniques[codes]``
        (from the block reader); long text columns are factorized here.
        ``dtypes`` gives the arrays' types (object when None).
        """
        if factorized is None:
            factorized = _factorize_text(cells)
        if factorized is not None:
            codes, uniques = factorized
            table = [fn(u) for u in uniques] or [na]
            return tuple(_typed(col, dt)[codes] for col, dt in zip(zip(*table), dtypes or _OBJ))
        # A dict key treats True, 1 and 1.0 as one value, and nested values
        # (lists in a Parquet column) are unhashable: such columns, only
        # possible from typed files and DataFrames, go cell by cell.
        types = set(map(type, cells))
        index: dict = {}
        try:
            if types & {bool, np.bool_} and types - {bool, np.bool_}:
                raise TypeError
            codes = np.fromiter(
                (index.setdefault(c, len(index)) for c in cells), dtype=np.intp, count=len(cells)
            )
        except TypeError:
            index = {}
            codes = np.arange(len(cells))
            table = [fn(c) for c in cells] or [na]
        else:
            table = [fn(u) for u in index] or [na]
        return tuple(_typed(col, dt)[codes] for col, dt in zip(zip(*table), dtypes or _OBJ))

    def _cast_all(self, arrow: Any) -> tuple[np.ndarray, np.ndarray] | None:
        """(kinds, values) of stripped Arrow cells when Arrow's cast reads every
        one as a number, else None (the regular expression decides then).

        Arrow's string-to-double grammar, where it gives a finite number, is
        the reader's (`_NUM_DOT`; a test checks tens of thousands of odd
        strings) except that it refuses non-ASCII digits, so a column it
        casts whole needs no regular expression; what it reads as infinite
        or NaN ('inf', 'nan', '1e400') goes through `parse_number`.
        """
        import pyarrow as pa
        import pyarrow.compute as pc

        from sarcostat.io import _arrow

        given = arrow
        if self.decimal == ",":
            if _arrow.bools(pc.match_substring(arrow, ".")).any():
                return None  # '1.5' is not a number with a decimal comma
            arrow = pc.replace_substring(arrow, ",", ".")
        try:
            x = _arrow.floats(pc.cast(arrow, pa.float64()))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        finite = np.isfinite(x)
        kinds = np.full(len(x), OK, dtype=np.int8)
        for i in np.flatnonzero(~finite):
            kinds[i], x[i] = self.parse_number(given[int(i)].as_py())
        return kinds, x

    def _to_float(self, t: str) -> float | None:
        if self.decimal == "," and _NUM_COMMA.match(t):
            return float(t.replace(",", "."))
        if self.decimal == "." and _NUM_DOT.match(t):
            return float(t)
        return None

    def bad_hint(self, t: Any) -> str:
        if isinstance(t, str):
            s = t.strip()
            if self.decimal == "." and _NUM_COMMA.match(s) and "," in s:
                return " It looks like a decimal comma: use --decimal , (decimal=',')."
            if self.decimal == "," and _NUM_DOT.match(s) and "." in s:
                return " The decimal separator was declared as ','."
            if s.startswith("<"):
                return (
                    " A value below the detection limit is written '<limit' with a finite, "
                    "positive limit, e.g. '<3.2'."
                )
            if s.startswith(">"):
                return " Values above a limit are not supported; enter the measured value or leave it blank."
        return ""

    def labelled(self, header: str) -> np.ndarray:
        """The column with SPSS/Stata value labels applied (codes without a label kept)."""
        cells = self.raw.columns[header]
        labels = self.raw.labels.get(header)
        if not labels:
            return cells
        out = cells.astype(object)
        for code, text in labels.items():
            out[cells == code] = text
        return out

    def is_empty(self, header: str) -> bool:
        """Every cell blank or a missing-value word, judged as written ('unable' is not empty)."""
        cells = self.distinct_cells(header)
        return bool(len(self.raw.row_numbers)) and all(_is_na_cell(c) for c in cells)

    def distinct_cells(self, header: str) -> Iterator[Any]:
        """The column's cells, each distinct one at least once, as an iterator
        (for tests that stop at the first cell that settles them): the
        distinct cells of a column read in blocks, and a plain column's cells
        read from Arrow a few at a time, so that no million-string array is
        made to look at its first cells."""
        table: Any = self.raw.factorized
        arrow = table.arrow(header) if header in table and hasattr(table, "arrow") else None
        if arrow is not None:
            step = 64
            for start in range(0, len(arrow), step):
                yield from arrow.slice(start, step).to_pylist()
                step = min(step * 4, 1 << 16)
            return
        yield from (table[header][1] if header in table else self.raw.columns[header])


def _factorize_text(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """(codes, uniques) of a long column of text cells (pandas' hash table), else None."""
    if cells.dtype != object or len(cells) < _FACTORIZE_MIN:
        return None
    if set(map(type, cells)) != {str}:
        return None
    import pandas as pd

    codes, uniques = pd.factorize(cells)
    return codes, np.asarray(uniques, dtype=object)


def _object_array(items: Iterable[Any]) -> np.ndarray:
    # np.array(list) would build a 2-D array from nested sequences.
    values = list(items)
    arr: np.ndarray = np.empty(len(values), dtype=np.object_)
    arr[:] = values
    return arr


_OBJ = (object,) * 8


def _among(kinds: np.ndarray, *wanted: int) -> np.ndarray:
    """``np.isin(kinds, wanted)`` for cell kinds, by table look-up."""
    table = np.zeros(BAD + 1, dtype=bool)
    table[list(wanted)] = True
    return table[kinds]


def _typed(items: Iterable[Any], dtype: Any) -> np.ndarray:
    return _object_array(items) if dtype is object else np.array(list(items), dtype=dtype)


def _is_na_cell(c: Any) -> bool:
    return is_blank(c) or (isinstance(c, str) and c.strip().lower() in _NA_WORDS)


def _fmt(x: float) -> str:
    return repr(round(float(x), 10))


def _is_none(col: Sequence[Any] | np.ndarray) -> np.ndarray:
    """True where the cell is None (columns of text and None)."""
    if isinstance(col, np.ndarray) and col.dtype == object:
        try:
            hit = col == None  # noqa: E711 - elementwise, in C
        except (TypeError, ValueError):  # a cell whose == refuses None (pd.NA)
            hit = None
        if isinstance(hit, np.ndarray) and hit.dtype == bool:
            return hit
    # map() over a C function: no Python frame per cell
    return np.fromiter(map(operator.is_, col, repeat(None)), dtype=bool, count=len(col))


def _factor(canonical: str, unit: str | None) -> float:
    return UNIT_FACTORS[canonical].get(unit or canonical, 1.0)
