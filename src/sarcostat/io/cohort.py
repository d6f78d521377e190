"""read_cohort: a user's file -> the canonical cohort table plus its findings."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sarcostat.exceptions import DataError, check_option
from sarcostat.io.findings import Finding, findings_to_frame, plural

if TYPE_CHECKING:
    import pandas as pd
from sarcostat.io.mapping import (
    CATEGORY_VALUES,
    BiomarkerSpec,
    ColumnMap,
    _code_key,
    declared_biomarkers,
    load_mapping,
    resolve_columns,
)
from sarcostat.io.readers import RawTable, frame_to_raw, is_blank, read_table
from sarcostat.io.variables import GRIP_TRIAL, UNIT_FACTORS, VARIABLES, get_variable

__all__ = ["Cohort", "read_cohort", "cohort_from_frame"]

DEFAULT_GAIT_DISTANCE_M = 4.0
BMI_TOLERANCE = 0.5
SMI_TOLERANCE = 0.2
GRIP_TOLERANCE = 0.05
GAIT_SPEED_TOLERANCE = 0.05

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
_SEX_WORDS = {
    "m": "male",
    "male": "male",
    "man": "male",
    "men": "male",
    "f": "female",
    "female": "female",
    "woman": "female",
    "women": "female",
}
_METHOD_WORDS = {
    "bia": "bia",
    "bioimpedance": "bia",
    "bioelectrical impedance": "bia",
    "bioelectrical impedance analysis": "bia",
    "inbody": "bia",
    "dxa": "dxa",
    "dexa": "dxa",
}
_SCORES = (
    "sppb_total",
    "sarc_f_strength",
    "sarc_f_walking",
    "sarc_f_chair",
    "sarc_f_stairs",
    "sarc_f_falls",
    "sarc_f_total",
)
SARC_F_ITEMS = (
    "sarc_f_strength",
    "sarc_f_walking",
    "sarc_f_chair",
    "sarc_f_stairs",
    "sarc_f_falls",
)
_UNABLE_FLAG = {
    "chair_stand_5x_s": "chair_stand_unable",
    "gait_time_4m_s": "gait_unable",
    "gait_speed_m_s": "gait_unable",
}
_BALANCE = ("side_by_side_s", "semi_tandem_s", "tandem_s")


@dataclass(frozen=True)
class Cohort:
    """A cohort read into canonical columns, with everything found on the way.

    Attributes
    ----------
    data : pandas.DataFrame
        One row per participant; canonical columns (``docs/variables.md``),
        then biomarkers and their ``<name>_lod`` columns, then the user's
        unrecognised columns under their own headers. Built on first use,
        so that ``sarcostat validate`` never imports pandas for a text file.
    issues : list of Finding
        Errors, warnings and notes, in the order found.
    mapping : dict
        User header -> canonical column.
    units : dict
        Column -> unit ("" for scores), biomarkers included.
    biomarkers : list of str
        Biomarker column names.
    protocol : dict
        Protocol settings from the map (``muscle_mass_method``,
        ``gait_distance_m``, ``gait_start``, ``grip_best_of`` ...).
    source : str or None
        Path of the file read.
    """

    issues: list[Finding] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    biomarkers: list[str] = field(default_factory=list)
    protocol: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    _columns: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _n_rows: int = 0

    @cached_property
    def data(self) -> pd.DataFrame:  # noqa: F821
        import pandas as pd

        # Text columns (object arrays holding str or None) use pandas' string dtype.
        return pd.DataFrame(
            {
                name: pd.Series(col, dtype="str") if col.dtype == object else col
                for name, col in self._columns.items()
            },
            index=pd.RangeIndex(self._n_rows),
        )

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.issues if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.issues if f.severity == "warning"]

    @property
    def has_errors(self) -> bool:
        """True when any finding is an error (later analyses refuse to run)."""
        return any(f.severity == "error" for f in self.issues)

    def issues_frame(self) -> pd.DataFrame:  # noqa: F821
        """The findings as a DataFrame (see :func:`sarcostat.io.findings_to_frame`)."""
        return findings_to_frame(self.issues)

    def summary(self) -> str:
        """One line: rows, columns and counts of errors, warnings and notes."""
        n_err = len(self.errors)
        n_warn = len(self.warnings)
        n_info = len(self.issues) - n_err - n_warn
        name = Path(self.source).name if self.source else "data"
        return (
            f"{name}: {plural(self._n_rows, 'participant')}, "
            f"{plural(len(self._columns), 'column')}; {plural(n_err, 'error')}, "
            f"{plural(n_warn, 'warning')}, {plural(n_info, 'note')}."
        )

    def raise_for_errors(self, max_listed: int = 20) -> None:
        """Raise :class:`~sarcostat.exceptions.DataError` listing the errors, if any."""
        errs = self.errors
        if not errs:
            return
        shown = "\n".join(f"  - {f.message}" for f in errs[:max_listed])
        more = f"\n  ... and {len(errs) - max_listed} more" if len(errs) > max_listed else ""
        raise DataError(
            f"the data has {plural(len(errs), 'error')}; fix them and run "
            f"'sarcostat validate' again:\n{shown}{more}"
        )


def read_cohort(path, mapping=None, *, sheet=None, decimal=None, biomarkers=None) -> Cohort:
    """Read a cohort file into canonical columns and validate it.

    Parameters
    ----------
    path : str or path-like
        ``.csv``/``.tsv``/``.txt`` (delimiter detected; UTF-8 with or without
        BOM, Latin-1 fallback with a warning), ``.xlsx``, SPSS ``.sav``, Stata
        ``.dta`` (value labels applied) or ``.parquet``. Never written to.
    mapping : str, path-like, dict or ColumnMap, optional
        A TOML column map (see ``docs/variables.md``). Without one, common
        headers are recognised and each automatic mapping is reported as an
        ``info`` finding ``mapped 'HGS' -> grip_kg``.
    sheet : str or int, optional
        Excel sheet name or 0-based index; default the first sheet.
    decimal : {None, ".", ","}, optional
        Decimal separator of text files; default ".".
    biomarkers : dict, optional
        Extra biomarker declarations, ``{"sclerostin": "pmol/L"}`` or
        ``{"sclerostin": {"unit": "pmol/L", "column": "SOST", "lod": 3.2}}``.

    Returns
    -------
    Cohort
        ``data`` (canonical DataFrame), ``issues`` (findings), ``mapping``,
        ``units``, ``biomarkers``, ``protocol``, ``source``. Data problems are
        findings, not exceptions: check ``cohort.has_errors`` or call
        ``cohort.raise_for_errors()``.

    Raises
    ------
    ReadError
        The file is missing, empty, of an unsupported type or unparsable.
    SchemaError
        Duplicate headers, an invalid map, or an ambiguous automatic mapping.
    ParameterError
        ``decimal`` is not "." or ",".

    See Also
    --------
    cohort_from_frame : the same for a DataFrame already in memory.

    Notes
    -----
    Derived columns: ``bmi = weight_kg / (height_cm/100)^2`` and
    ``smi = asm_kg / (height_cm/100)^2`` where absent; ``grip_kg`` is the
    maximum of ``grip_<n>_kg`` trials; ``gait_speed_m_s = gait_distance_m /
    gait_time_4m_s``; ``sarc_f_total`` is the sum of the five items when all
    are present.

    Examples
    --------
    >>> from sarcostat.datasets import example_cohort_path
    >>> cohort = read_cohort(example_cohort_path())
    >>> cohort.has_errors
    False
    >>> cohort.mapping["HGS"]
    'grip_kg'
    """
    check_option(decimal, (None, ".", ","), parameter="decimal", function="read_cohort")
    cmap = load_mapping(mapping)
    raw = read_table(path, sheet=sheet)
    return _build(raw, cmap, declared_biomarkers(biomarkers), decimal or ".", str(path))


def cohort_from_frame(
    frame: pd.DataFrame, mapping=None, *, biomarkers=None, name: str = "<DataFrame>"
) -> Cohort:
    """Map and validate a DataFrame already in memory, as :func:`read_cohort` does for files.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant, user or canonical headers. Not modified.
    mapping : str, path-like, dict or ColumnMap, optional
        Column map, as for :func:`read_cohort`.
    biomarkers : dict, optional
        Biomarker declarations, as for :func:`read_cohort`.
    name : str, default "<DataFrame>"
        Name used in messages in place of a file name.

    Returns
    -------
    Cohort
        As :func:`read_cohort`; ``source`` is None. Rows are numbered from 1
        in messages ("record 3" is ``frame.iloc[2]``).

    Raises
    ------
    SchemaError
        Duplicate headers, an invalid map, or an ambiguous automatic mapping.
    ParameterError
        ``frame`` is not a DataFrame.

    Notes
    -----
    ``Cohort.data`` itself is valid input: its ``<biomarker>_lod`` columns
    are read as the detection limits of their biomarker (a value is
    left-censored where it is empty and the row has a limit; a column ``X``
    with an ``X_lod`` beside it is a biomarker even without a declared
    unit), and its ``gait_unable`` / ``chair_stand_unable`` columns are kept.
    So ``analyze(cohort.data)`` gives the same results as ``analyze(cohort)``.
    The same holds for a file with those columns read by :func:`read_cohort`.

    Examples
    --------
    >>> import pandas as pd
    >>> c = cohort_from_frame(pd.DataFrame({"id": ["a"], "HGS": [31.0]}))
    >>> float(c.data.loc[0, "grip_kg"])
    31.0
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        from sarcostat.exceptions import ParameterError

        raise ParameterError(
            "The 'frame' parameter of cohort_from_frame must be a pandas "
            f"DataFrame. Got {type(frame).__name__} instead."
        )
    cmap = load_mapping(mapping)
    raw = frame_to_raw(frame, name=name)
    return _build(raw, cmap, declared_biomarkers(biomarkers), ".", None)


# ---------------------------------------------------------------------------

# Cell kinds, as small integers so whole columns are classified at once.
MISSING, OK, UNABLE, ND, LT, BAD = range(6)


class _Builder:
    """Turns one RawTable into canonical columns, collecting findings."""

    def __init__(self, raw: RawTable, decimal: str):
        self.raw = raw
        self.decimal = decimal
        self.findings: list[Finding] = list(raw.findings)
        self.ids: list[str | None] = [None] * raw.n_rows
        self.headers: dict[str, str] = {}
        self._parsed: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.derived: dict[str, np.ndarray] = {}  # column -> rows computed, not given

    # -- messages -----------------------------------------------------------
    def where(self, i: int | None) -> str:
        if i is None:
            return self.raw.name
        pid = self.ids[i]
        who = f" (id={pid})" if pid is not None else ""
        return f"{self.raw.name}, {self.raw.row_word} {self.raw.row_numbers[i]}{who}"

    def add(self, severity, rule, detail, *, i=None, column=None, value=None):
        loc = self.where(i)
        if column is not None:
            loc += f", column '{column}'"
        self.findings.append(
            Finding(
                severity,
                rule,
                f"{loc}: {detail}",
                row=None if i is None else self.raw.row_numbers[i],
                participant_id=None if i is None else self.ids[i],
                column=column,
                value=value,
                detail=detail,
            )
        )

    def cell(self, header: str, i: int):
        """The cell as written in the file (a Python scalar, for messages)."""
        c = self.raw.columns[header][i]
        return c.item() if isinstance(c, np.generic) else c

    # -- cells ----------------------------------------------------------------
    def parse_number(self, cell) -> tuple[int, float]:
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
        x = self._to_float(t)
        if x is not None:
            return (OK, x) if math.isfinite(x) else (BAD, math.nan)
        m = _CENSORED.match(t)
        if m:
            lim = self._to_float(m["num"])
            if lim is not None and math.isfinite(lim):
                return LT, lim
        return BAD, math.nan

    def parse(self, header: str) -> tuple[np.ndarray, np.ndarray]:
        """Classify every cell of a column: (kinds, values), cached per header.

        Cohort columns repeat few distinct values (heights to 0.1 cm, codes,
        'unable'), so each distinct cell is classified once by
        :meth:`parse_number` and the result spread back with NumPy; a typed
        float column needs no classification at all. A 50,000-row column
        takes milliseconds instead of a fifth of a second, with the same
        per-cell rules.
        """
        if header in self._parsed:
            return self._parsed[header]
        cells = self.raw.columns[header]
        if cells.dtype.kind == "f":
            kinds = np.where(np.isnan(cells), MISSING, np.where(np.isfinite(cells), OK, BAD))
            values = np.where(kinds == OK, cells, np.nan)
        else:
            kinds, values = self._map_distinct(cells, self.parse_number, (MISSING, math.nan))
            kinds = kinds.astype(np.int8)
            values = values.astype(float)
        self._parsed[header] = (kinds, values)
        return kinds, values

    @staticmethod
    def _map_distinct(cells: np.ndarray, fn, na) -> tuple[np.ndarray, ...]:
        """Apply ``fn`` (cell -> tuple) to each distinct cell; one array per tuple item."""
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
        return tuple(_object_array(col)[codes] for col in zip(*table))

    def _to_float(self, t: str) -> float | None:
        if self.decimal == "," and _NUM_COMMA.match(t):
            return float(t.replace(",", "."))
        if self.decimal == "." and _NUM_DOT.match(t):
            return float(t)
        return None

    def bad_hint(self, t) -> str:
        if isinstance(t, str):
            s = t.strip()
            if self.decimal == "." and _NUM_COMMA.match(s) and "," in s:
                return " It looks like a decimal comma: use --decimal , (decimal=',')."
            if self.decimal == "," and _NUM_DOT.match(s) and "." in s:
                return " The decimal separator was declared as ','."
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
        cells = self.raw.columns[header]
        return bool(len(cells)) and all(_is_na_cell(c) for c in cells)  # stops at the first value


def _object_array(items) -> np.ndarray:
    # np.array(list) would build a 2-D array from nested sequences.
    arr = np.empty(len(items), dtype=object)
    arr[:] = list(items)
    return arr


def _is_na_cell(c) -> bool:
    return is_blank(c) or (isinstance(c, str) and c.strip().lower() in _NA_WORDS)


def _fmt(x: float) -> str:
    return repr(round(float(x), 10))


def _build(
    raw: RawTable,
    cmap: ColumnMap,
    extra_bio: dict[str, BiomarkerSpec],
    decimal: str,
    source: str | None,
) -> Cohort:
    if extra_bio:
        cmap = ColumnMap(
            dict(cmap.columns),
            dict(cmap.codes),
            {**cmap.biomarkers, **extra_bio},
            dict(cmap.protocol),
            cmap.source,
        )
    res = resolve_columns(raw.headers, cmap, file=raw.name)
    b = _Builder(raw, decimal)
    b.findings.extend(res.findings)
    n = raw.n_rows
    by_target = {t: h for h, (t, _u) in res.columns.items()}
    b.headers = by_target
    units_given = {t: u for _h, (t, u) in res.columns.items()}
    out: dict[str, Any] = {}
    units: dict[str, str] = {}

    # ids first: every later message names the participant.
    if "id" in by_target:
        out["id"] = _ids(b, by_target["id"])
    else:
        b.add(
            "error",
            "missing_id",
            "no participant id column found (looked for headers such as "
            "'id', 'subject_id', 'participant_id'); add one or map it: [columns] \"...\" = \"id\".",
        )

    if n == 0:
        b.add("error", "empty", "the file has a header but no data rows.")

    bio_specs, lod_headers, extras = _lod_companions(res)
    # Flags given as columns (Cohort.data handed back as a DataFrame) are
    # kept; the 'unable' cells of the timed tests are OR-ed into them below.
    for name in [h for h in extras if getattr(get_variable(h), "kind", None) == "flag"]:
        out[name] = _flag(b, name)
        extras.remove(name)

    converted: dict[str, tuple[np.ndarray, str | None]] = {}
    for var in VARIABLES:
        targets = (
            [t for t in by_target if GRIP_TRIAL.match(t)]
            if var.name == "grip_<n>_kg"
            else [var.name]
            if var.name in by_target
            else []
        )
        targets.sort(key=lambda t: int(GRIP_TRIAL.match(t).group(1)) if GRIP_TRIAL.match(t) else 0)
        for target in targets:
            if var.kind == "category":
                out[target] = _category(b, target, cmap.codes.get(target, {}))
            elif var.kind == "number":
                unit = units_given.get(target)
                vals = _numbers(b, target, out, unit, var.unit)
                out[target] = vals
                units[target] = var.unit
                converted[target] = (vals, unit)

    for name, spec in bio_specs.items():
        if spec.column not in res.columns:
            detail = (
                f"read as a biomarker (unit not stated) because '{lod_headers[name]}' "
                f"beside it holds its detection limits."
            )
            b.add("info", "mapping", detail, column=name)
        vals, lods = _biomarker(b, name, spec, lod_headers.get(name))
        out[name] = vals
        out[f"{name}_lod"] = lods
        units[name] = spec.unit
        units[f"{name}_lod"] = spec.unit

    protocol = dict(cmap.protocol)
    _derive(b, out, units, protocol, n)
    _check_numbers(b, out, converted, res.declared)
    _check_consistency(b, out)

    order = [v.name for v in VARIABLES]
    grip_trials = sorted(
        (c for c in out if GRIP_TRIAL.match(c)), key=lambda c: int(GRIP_TRIAL.match(c).group(1))
    )
    ordered = []
    for name in order:
        if name == "grip_<n>_kg":
            ordered += grip_trials
        elif name in out:
            ordered.append(name)
    for name in bio_specs:
        ordered += [name, f"{name}_lod"]
    columns = {col: out[col] for col in ordered}
    for h in extras:
        columns[h if h not in columns else f"{h}_extra"] = _extra(b, h)
        if b.is_empty(h):
            b.add("warning", "empty_column", "the column is entirely empty.", column=h)
    for col in ordered:
        if col in by_target and b.is_empty(by_target[col]):
            b.add("warning", "empty_column", "the column is entirely empty.", column=col)
    if extras:
        listed = ", ".join(f"'{h}'" for h in extras)
        b.add(
            "info",
            "extra_columns",
            f"kept but not used by sarcostat: {listed}. Declare biomarkers "
            "under [biomarkers] in a map to analyse them.",
        )

    mapping = {h: t for h, (t, _u) in res.columns.items()}
    for name, spec in bio_specs.items():
        mapping.setdefault(spec.column, name)
        if name in lod_headers:
            mapping[lod_headers[name]] = f"{name}_lod"
    return Cohort(
        issues=b.findings,
        mapping=mapping,
        units=units,
        biomarkers=list(bio_specs),
        protocol=protocol,
        source=source,
        _columns=columns,
        _n_rows=n,
    )


def _ids(b: _Builder, header: str) -> np.ndarray:
    def as_id(c):
        if _is_na_cell(c):
            return (None,)
        if isinstance(c, (float, np.floating)) and float(c).is_integer():
            return (str(int(c)),)  # Excel/SPSS store 101 as 101.0
        return (str(c).strip(),)

    (ids,) = b._map_distinct(b.raw.columns[header], as_id, (None,))
    b.ids = ids.tolist()
    first: dict[str, int] = {}
    for i, pid in enumerate(b.ids):
        if pid is not None:
            first.setdefault(pid, i)
    for i in (i for i, pid in enumerate(b.ids) if pid is None or first[pid] != i):
        pid = ids[i]
        if pid is None:
            b.add("error", "missing_id", "the participant id is missing.", i=i, column="id")
        else:
            hint = ""
            if "redcap_event_name" in b.raw.columns:
                hint = (
                    " The file has 'redcap_event_name': a longitudinal REDCap export has one "
                    "row per event; export or keep one event."
                )
            b.add(
                "error",
                "duplicate_id",
                f"id '{pid}' is repeated (first at {b.raw.row_word} "
                f"{b.raw.row_numbers[first[pid]]}).{hint}",
                i=i,
                column="id",
                value=pid,
            )
    return ids


def _category(b: _Builder, target: str, codes: dict[str, str]) -> np.ndarray:
    header = b.headers[target]
    words = _SEX_WORDS if target == "sex" else _METHOD_WORDS
    labels = b.raw.labels.get(header) or {}

    def classify(code):
        key = _code_key(code)
        if codes and key in codes:
            return codes[key], code
        # SPSS/Stata value labels: 1 -> 'Male'; a code without a label stays as written.
        shown = labels.get(code, code) if labels and not isinstance(code, str) else code
        return words.get(str(shown).strip().lower(), _BAD_CODE), shown

    kinds, _v = b.parse(header)
    values, shown = b._map_distinct(b.raw.columns[header], classify, (None, None))
    values[kinds == MISSING] = None
    bad = np.flatnonzero(values == _BAD_CODE)
    values[bad] = None
    allowed = " / ".join(CATEGORY_VALUES[target])
    bad_codes = {_code_key(b.cell(header, i)) for i in bad}
    numeric = bool(bad.size) and all(re.fullmatch(r"-?\d+(\.0+)?", c) for c in bad_codes)
    if numeric and not codes and not labels and bad.size == int((kinds != MISSING).sum()):
        listed = ", ".join(sorted(bad_codes, key=float))
        b.add(
            "error",
            "code",
            f"{target} is coded as numbers ({listed}) without value labels; "
            f"declare the codes in a map, e.g. [codes] {target} = "
            + ('{1 = "male", 2 = "female"}' if target == "sex" else '{1 = "bia", 2 = "dxa"}')
            + ".",
            column=target,
        )
    else:
        for i in bad:
            c = shown[i].item() if isinstance(shown[i], np.generic) else shown[i]
            b.add(
                "error",
                "code",
                f"'{c}' is not a recognised value; use {allowed}"
                + (
                    " or one of the codes declared in the map"
                    if codes
                    else " (or declare codes in a map)"
                )
                + ".",
                i=i,
                column=target,
                value=c,
            )
    return values


_BAD_CODE = "\x00bad"  # marker for an unrecognised category value


def _numbers(b: _Builder, target: str, out, unit: str | None, canonical: str) -> np.ndarray:
    header = b.headers[target]
    kinds, values = b.parse(header)
    vals = np.where(kinds == OK, values, np.nan)
    flag_name = _UNABLE_FLAG.get(target)
    unable = kinds == UNABLE
    if target in _BALANCE:
        vals[unable] = 0.0  # SPPB convention: a stand not attempted/held scores as 0 s
    if flag_name:
        prev = out.get(flag_name)
        out[flag_name] = unable.copy() if prev is None else (np.asarray(prev) | unable)
    allowed = (OK, MISSING, UNABLE) if (flag_name or target in _BALANCE) else (OK, MISSING)
    for i in np.flatnonzero(~np.isin(kinds, allowed)):
        c = b.cell(header, i)
        extra = ""
        if kinds[i] == UNABLE:
            extra = " 'unable' is only accepted for chair stand, gait and balance tests; leave it blank."
        elif kinds[i] in (LT, ND):
            extra = " Censored values ('<x', 'ND') are only accepted in biomarker columns."
        b.add(
            "error",
            "non_numeric",
            f"'{c}' is not a number.{extra}{b.bad_hint(c)}",
            i=i,
            column=target,
            value=c,
        )
    return vals * _factor(canonical, unit)


def _factor(canonical: str, unit: str | None) -> float:
    return UNIT_FACTORS[canonical].get(unit or canonical, 1.0)


_FLAG_WORDS = {
    "true": True,
    "yes": True,
    "1": True,
    "1.0": True,
    "false": False,
    "no": False,
    "0": False,
    "0.0": False,
}


def _flag(b: _Builder, name: str) -> np.ndarray:
    """A canonical True/False column as given; blank is False (nothing recorded)."""

    def classify(cell):
        if isinstance(cell, (bool, np.bool_)):
            return (bool(cell),)
        if _is_na_cell(cell):
            return (False,)
        return (_FLAG_WORDS.get(str(cell).strip().lower(), None),)

    (values,) = b._map_distinct(b.raw.columns[name], classify, (False,))
    for i in np.flatnonzero(np.equal(values, None)):
        c = b.cell(name, i)
        b.add(
            "error",
            "code",
            f"'{c}' is not a recognised value; use True / False.",
            i=i,
            column=name,
            value=c,
        )
    return np.array([bool(v) for v in values], dtype=bool)


def _lod_companions(res) -> tuple[dict[str, BiomarkerSpec], dict[str, str], list[str]]:
    """Biomarkers, their ``<name>_lod`` headers, and the extras left over.

    ``<biomarker>_lod`` is the canonical censoring column of ``Cohort.data``
    (NaN in ``<biomarker>``, the limit in ``<biomarker>_lod``). A table that
    carries it (``Cohort.data`` handed back as a DataFrame, or written out
    and read again) must keep its censored values, so the column is read as
    the limits of its biomarker instead of an unused extra; and an
    undeclared column ``X`` with an ``X_lod`` beside it is a biomarker,
    since nothing but a concentration has a detection limit.
    """
    specs = dict(res.biomarkers)
    extras = list(res.extras)
    free = set(extras)
    for h in list(extras):
        base = h[:-4] if h.endswith("_lod") else None
        if base and base in free and base not in specs and get_variable(base) is None:
            specs[base] = BiomarkerSpec(base, "", base, None)
    lod_headers: dict[str, str] = {}
    for name, spec in specs.items():
        for cand in (f"{name}_lod", f"{spec.column}_lod"):
            if cand in free and cand not in lod_headers.values():
                lod_headers[name] = cand
                break
    used = set(lod_headers.values()) | {
        s.column for n, s in specs.items() if n not in res.biomarkers
    }
    return specs, lod_headers, [h for h in extras if h not in used]


def _biomarker(b: _Builder, name: str, spec: BiomarkerSpec, lod_header: str | None = None):
    header = spec.column
    kinds, values = b.parse(header)
    ok = kinds == OK
    vals = np.where(ok & (values >= 0), values, np.nan)
    lods = np.where(kinds == LT, values, np.nan)
    if spec.lod is not None:
        lods[kinds == ND] = spec.lod
    written = sorted(set(values[kinds == LT].tolist()))
    if lod_header is not None:
        kinds = _apply_lod_column(b, name, lod_header, kinds, lods)
    for i in np.flatnonzero(~np.isin(kinds, (OK, MISSING, LT)) | (ok & (values < 0))):
        c = b.cell(header, i)
        if kinds[i] == OK:
            b.add(
                "error",
                "range",
                f"{_fmt(values[i])} is negative; a concentration cannot be.",
                i=i,
                column=name,
                value=c,
            )
        elif kinds[i] == ND and spec.lod is None:
            seen = (
                f" (this column writes '<{_num(written[0])}' elsewhere)"
                if len(written) == 1
                else ""
            )
            lod = _num(written[0]) if len(written) == 1 else "..."
            b.add(
                "error",
                "censored",
                f"'{c}' means below the detection limit, but no limit is "
                f'declared{seen}; add it to the map: [biomarkers] {name} = {{unit = "{spec.unit}", '
                f"lod = {lod}}}, or write the value as '<limit'.",
                i=i,
                column=name,
                value=c,
            )
        elif kinds[i] != ND:
            b.add(
                "error",
                "non_numeric",
                f"'{c}' is not a number.{b.bad_hint(c)}",
                i=i,
                column=name,
                value=c,
            )
    n_cens = int((~np.isnan(lods)).sum())
    if n_cens:
        b.add(
            "info",
            "censored",
            f"{plural(n_cens, 'value')} below the detection limit kept as "
            f"left-censored: {name} is NaN there and {name}_lod holds the limit.",
            column=name,
        )
    return vals, lods


def _apply_lod_column(
    b: _Builder, name: str, header: str, kinds: np.ndarray, lods: np.ndarray
) -> np.ndarray:
    """Read the limits of ``header`` into ``lods`` where ``name`` is censored.

    As in ``Cohort.data``, a value is censored where it is empty (or ``ND``)
    and the row has a limit. Returns the value kinds with the rows that the
    limit explains turned from ND into LT, so they are not reported as
    limits missing. Modifies ``lods`` in place.
    """
    lk, lv = b.parse(header)
    for i in np.flatnonzero(~np.isin(lk, (OK, MISSING)) | ((lk == OK) & ~(lv > 0))):
        c = b.cell(header, i)
        rule = "range" if lk[i] == OK else "non_numeric"
        why = "is not positive; a detection limit must be" if lk[i] == OK else "is not a number"
        b.add("error", rule, f"'{c}' {why}.", i=i, column=f"{name}_lod", value=c)
    limit = (lk == OK) & (lv > 0)
    empty = np.isin(kinds, (MISSING, ND)) & np.isnan(lods)
    lods[limit & empty] = lv[limit & empty]
    measured = limit & (kinds == OK)
    if measured.any():
        b.add(
            "warning",
            "censored",
            f"{plural(int(measured.sum()), 'row')} with a measured {name} "
            f"value also give a limit in '{header}'; a limit marks a value as below the "
            f"detection limit only where {name} is empty, so these limits are not used.",
            column=f"{name}_lod",
        )
    kinds = kinds.copy()
    kinds[limit & (kinds == ND)] = LT
    return kinds


def _num(x: float) -> str:
    return f"{x:g}"


def _derive(b: _Builder, out: dict, units: dict, protocol: dict, n: int) -> None:
    def have(c):
        return c in out

    # grip: best of the available trials (EWGSOP2/AWGS use the maximum).
    trials = [c for c in out if GRIP_TRIAL.match(c)]
    if trials:
        best = np.full(n, np.nan)
        mat = np.column_stack([out[c] for c in trials])
        ok = ~np.isnan(mat).all(axis=1)
        best[ok] = np.nanmax(mat[ok], axis=1)
        _given_or_derived(
            b,
            out,
            units,
            "grip_kg",
            best,
            unit="kg",
            tol=GRIP_TOLERANCE,
            severity="warning",
            rule="grip",
            explain=lambda g, c: (
                f"{_fmt(g)} is not the best of the trials ({_fmt(c)}); the given grip_kg is kept."
            ),
        )
        protocol.setdefault("grip_trials", len(trials))

    # gait: distance per row, else protocol, else 4 m.
    if have("gait_time_4m_s") or have("gait_speed_m_s"):
        default_d = float(protocol.get("gait_distance_m", DEFAULT_GAIT_DISTANCE_M))
        protocol.setdefault("gait_distance_m", default_d)
        if have("gait_distance_m"):
            dist = np.where(np.isnan(out["gait_distance_m"]), default_d, out["gait_distance_m"])
        else:
            dist = np.full(n, default_d)
        out["gait_distance_m"] = dist
        units["gait_distance_m"] = "m"
        if have("gait_time_4m_s"):
            t = out["gait_time_4m_s"]
            with np.errstate(divide="ignore", invalid="ignore"):
                speed = np.where(t > 0, dist / t, np.nan)
            _given_or_derived(
                b,
                out,
                units,
                "gait_speed_m_s",
                speed,
                unit="m/s",
                tol=GAIT_SPEED_TOLERANCE,
                severity="warning",
                rule="gait",
                explain=lambda g, c: (
                    f"{_fmt(g)} m/s disagrees with gait_distance_m / "
                    f"gait_time_4m_s = {c:.2f} m/s; the given speed is kept."
                ),
            )
        out.setdefault("gait_unable", np.zeros(n, dtype=bool))

    h_m = out["height_cm"] / 100 if have("height_cm") else None
    if h_m is not None:
        plausible_h = (out["height_cm"] >= 100) & (out["height_cm"] <= 220)
        with np.errstate(divide="ignore", invalid="ignore"):
            if have("weight_kg"):
                bmi = np.where(plausible_h, out["weight_kg"] / h_m**2, np.nan)
                _given_or_derived(
                    b,
                    out,
                    units,
                    "bmi",
                    bmi,
                    unit="kg/m²",
                    tol=BMI_TOLERANCE,
                    explain=_disagrees("weight_kg / (height_cm/100)²", BMI_TOLERANCE),
                )
            if have("asm_kg"):
                smi = np.where(plausible_h, out["asm_kg"] / h_m**2, np.nan)
                _given_or_derived(
                    b,
                    out,
                    units,
                    "smi",
                    smi,
                    unit="kg/m²",
                    tol=SMI_TOLERANCE,
                    explain=_disagrees("asm_kg / (height_cm/100)²", SMI_TOLERANCE),
                )

    # muscle-mass device: per row, else the protocol; never guessed.
    if have("asm_kg") or have("smi") or have("muscle_mass_method"):
        method = protocol.get("muscle_mass_method")
        col = out.get("muscle_mass_method")
        if col is None:
            col = np.full(n, method, dtype=object)
        elif method is not None:
            col = np.where(_is_none(col), method, col)
        out["muscle_mass_method"] = col
        mass = np.zeros(n, dtype=bool)
        for c in ("asm_kg", "smi"):
            if have(c):
                mass |= ~np.isnan(out[c])
        unknown = int((_is_none(col) & mass).sum())
        if unknown:
            b.add(
                "warning",
                "method",
                f"the muscle-mass device (bia or dxa) is unknown for "
                f"{plural(unknown, 'participant')} with ASM; declare it in a map "
                '([protocol] muscle_mass_method = "bia" or "dxa") or add a muscle_mass_method '
                "column. Classification needs it: the cut-offs differ by device.",
                column="muscle_mass_method",
            )

    if all(have(c) for c in SARC_F_ITEMS):
        total = np.sum([out[c] for c in SARC_F_ITEMS], axis=0)  # NaN when any item is missing
        _given_or_derived(
            b,
            out,
            units,
            "sarc_f_total",
            total,
            unit="",
            tol=0,
            explain=lambda g, c: f"{_fmt(g)} is not the sum of the five SARC-F items ({_fmt(c)}).",
        )


def _given_or_derived(
    b: _Builder,
    out: dict,
    units: dict,
    name: str,
    computed: np.ndarray,
    *,
    unit: str,
    tol: float,
    explain,
    severity: str = "error",
    rule: str | None = None,
):
    """Use the file's ``name`` where given, ``computed`` elsewhere; report given values off by more than ``tol``."""
    if name in out:
        given = out[name]
        b.derived[name] = np.isnan(given) & ~np.isnan(computed)
        for i in np.flatnonzero(
            ~np.isnan(given) & ~np.isnan(computed) & (np.abs(given - computed) > tol)
        ):
            b.add(
                severity,
                rule or name,
                explain(given[i], computed[i]),
                i=i,
                column=name,
                value=b.cell(b.headers[name], i),
            )
        out[name] = np.where(np.isnan(given), computed, given)
    else:
        out[name] = computed
        b.derived[name] = ~np.isnan(computed)
    units[name] = unit


def _disagrees(formula: str, tol: float):
    return lambda g, c: (
        f"{_fmt(g)} disagrees with {formula} = {c:.2f} (allowed difference {tol:g})."
    )


_UNIT_WORDS = {
    "m": "metres",
    "in": "inches",
    "mm": "millimetres",
    "lb": "pounds",
    "cm/s": "centimetres per second",
}


def _check_numbers(b: _Builder, out: dict, converted: dict, declared: set) -> None:
    for target, (vals, unit) in converted.items():
        var = get_variable(target)
        header = b.headers[target]
        factor = _factor(var.unit, unit)
        present = ~np.isnan(vals)
        if _unit_hint(b, target, var, vals[present], unit, declared):
            continue  # the whole column is in another unit: one finding, not one per row
        is_height = target == "height_cm"
        metres = (
            present & (vals <= 3) if is_height and unit in (None, "cm") else np.zeros_like(present)
        )
        centimetres = (
            present & (vals > 300) & ~metres
            if is_height and unit == "m"
            else np.zeros_like(present)
        )
        rest = present & ~metres & ~centimetres
        below = rest & (vals < var.low) if var.low is not None else np.zeros_like(present)
        above = rest & (vals > var.high) if var.high is not None else np.zeros_like(present)
        fraction = (
            rest & ~below & ~above & (vals % 1 != 0)
            if target in _SCORES
            else np.zeros_like(present)
        )
        shown_unit = var.unit or "points"
        for i in np.flatnonzero(metres | centimetres | below | above | fraction):
            x = vals[i]
            orig = b.cell(header, i)  # reported as written in the file
            if metres[i]:
                b.add(
                    "error",
                    "unit",
                    f"{_fmt(x)} looks like metres, not cm; correct it, or declare "
                    "unit = 'm' if the whole column is in metres.",
                    i=i,
                    column=target,
                    value=orig,
                )
                continue
            if centimetres[i]:
                b.add(
                    "error",
                    "unit",
                    f"{_fmt(x / factor)} m looks like centimetres; the map declares unit = 'm'.",
                    i=i,
                    column=target,
                    value=orig,
                )
                continue
            if fraction[i]:
                b.add(
                    "error",
                    "range",
                    f"{_fmt(x)} is not a whole number of points.",
                    i=i,
                    column=target,
                    value=orig,
                )
                continue
            shown = _fmt(x) + (
                f" {var.unit} (from {_fmt(x / factor)} {unit})" if unit and factor != 1 else ""
            )
            if below[i]:
                b.add(
                    "error",
                    "range",
                    f"{shown} is below the allowed minimum {var.low:g} {shown_unit}.",
                    i=i,
                    column=target,
                    value=orig,
                )
            else:
                b.add(
                    "error",
                    "range",
                    f"{shown} is above the allowed maximum {var.high:g} {shown_unit}.",
                    i=i,
                    column=target,
                    value=orig,
                )


def _unit_hint(b: _Builder, target: str, var, present: np.ndarray, unit, declared: set) -> bool:
    """Report a column that is mostly in another unit (Variable.unit_hints); True if reported.

    A unit written in the map is taken as the user's word; a unit read from
    a header ("Weight (kg)") is not, because the values may still be pounds.
    """
    if target in declared or unit not in (None, var.unit) or not present.size:
        return False
    for low, high, likely in var.unit_hints:
        inside = int(((present >= low) & (present <= high)).sum())
        if inside * 2 <= present.size:
            continue
        header = _header(b, target)
        word = _UNIT_WORDS.get(likely, likely)
        b.add(
            "error",
            "unit",
            f"{inside} of {present.size} values (median {np.median(present):g}) lie between {low:g} "
            f"and {high:g}, which looks like {word}, not {var.unit}; declare unit = '{likely}' for this "
            f'column in a map ([columns] "{header}" = {{name = "{target}", unit = "{likely}"}}), '
            f"or unit = '{var.unit}' if the values really are in {var.unit}.",
            column=target,
        )
        return True
    return False


def _header(b: _Builder, target: str) -> str:
    return b.headers.get(target, target)


def _check_consistency(b: _Builder, out: dict) -> None:
    # Ranges of derived columns (bmi/smi/gait speed computed from plausible
    # parts can still be implausible, e.g. weight 20 kg at 2 m).
    for name in ("bmi", "smi", "gait_speed_m_s"):
        if name not in out:
            continue
        var = get_variable(name)
        vals = np.asarray(out[name], dtype=float)
        # Given values were range-checked as read; only computed ones are left.
        derived = b.derived.get(name, np.zeros(len(vals), dtype=bool))
        for i in np.flatnonzero(derived & ((vals < var.low) | (vals > var.high))):
            side = "below the allowed minimum" if vals[i] < var.low else "above the allowed maximum"
            lim = var.low if vals[i] < var.low else var.high
            b.add(
                "error",
                "range",
                f"{vals[i]:.2f} (derived) is {side} {lim:g} {var.unit}.",
                i=i,
                column=name,
            )


def _is_none(col: np.ndarray) -> np.ndarray:
    return np.fromiter((v is None for v in col), dtype=bool, count=len(col))


def _extra(b: _Builder, header: str) -> np.ndarray:
    """Keep an unrecognised column: numbers when every cell is a number, else text."""
    kinds, values = b.parse(header)
    if (
        header not in b.raw.labels
        and kinds.size
        and np.isin(kinds, (OK, MISSING)).all()
        and (kinds == OK).any()
    ):
        return values
    (text,) = b._map_distinct(
        b.labelled(header),
        lambda c: (None if is_blank(c) else c if isinstance(c, str) else str(c),),
        (None,),
    )
    return text
