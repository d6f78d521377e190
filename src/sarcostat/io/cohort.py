"""read_cohort: a user's file -> the canonical cohort table plus its findings."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sarcostat.exceptions import DataError, check_option
from sarcostat.io.canonical import build
from sarcostat.io.findings import Finding, count_findings, findings_to_frame, plural
from sarcostat.io.mapping import ColumnMap, declared_biomarkers, load_mapping
from sarcostat.io.readers import frame_to_raw, read_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Cohort", "read_cohort", "cohort_from_frame"]

#: What ``mapping=`` accepts: a TOML path, the same structure as a dict, or a parsed map.
MappingLike = str | Path | dict[str, Any] | ColumnMap | None


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
    _columns: dict[str, Any] = field(default_factory=dict, repr=False)
    _n_rows: int = 0

    @cached_property
    def data(self) -> pd.DataFrame:  # noqa: F821
        import pandas as pd

        # Text columns (object arrays holding str or None) use pandas' string
        # dtype; True/False columns are bool, or pandas' nullable "boolean"
        # when some are unknown (three-valued, never read as False).
        # copy=False: each column keeps its own array instead of being copied
        # into one 2-D block (140 MB and a second of page faults at 10^6 rows).
        # The arrays serve this one cached frame and nothing else reads them,
        # so a change made through the frame cannot reach anything else;
        # frames derived from it are kept apart by pandas' copy-on-write.
        return pd.DataFrame(
            {name: _series(col) for name, col in self._columns.items()},
            index=pd.RangeIndex(self._n_rows),
            copy=False,
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
        """The findings as a DataFrame (see `sarcostat.io.findings_to_frame`)."""
        return findings_to_frame(self.issues)

    def summary(self) -> str:
        """One line: rows, columns and counts of errors, warnings and notes."""
        n_err = count_findings(self.errors)
        n_warn = count_findings(self.warnings)
        n_info = count_findings(self.issues) - n_err - n_warn
        name = Path(self.source).name if self.source else "data"
        return (
            f"{name}: {plural(self._n_rows, 'participant')}, "
            f"{plural(len(self._columns), 'column')}; {plural(n_err, 'error')}, "
            f"{plural(n_warn, 'warning')}, {plural(n_info, 'note')}."
        )

    def raise_for_errors(self, max_listed: int = 20) -> None:
        """Raise `DataError` listing the errors, if any."""
        errs = self.errors
        if not errs:
            return
        shown = "\n".join(f"  - {f.message}" for f in errs[:max_listed])
        more = f"\n  ... and {len(errs) - max_listed} more" if len(errs) > max_listed else ""
        raise DataError(
            f"the data has {plural(count_findings(errs), 'error')}; fix them and run "
            f"'sarcostat validate' again:\n{shown}{more}"
        )


def _series(col: Any) -> Any:
    import pandas as pd

    from sarcostat.io import _arrow

    if isinstance(col, _arrow.Texts):  # the same dtype as "str" below, no copy of the cells
        return pd.array(col.arrow, dtype=pd.api.types.pandas_dtype("str"))
    if col.dtype != object:
        return col
    kinds = set(map(type, col))
    if kinds and kinds <= {bool, type(None)} and bool in kinds:
        return col.astype(bool) if type(None) not in kinds else pd.array(col, dtype="boolean")
    return pd.Series(col, dtype="str")


def read_cohort(
    path: str | Path,
    mapping: MappingLike = None,
    *,
    sheet: str | int | None = None,
    decimal: str | None = None,
    biomarkers: dict[str, Any] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    columns: Iterable[str] | None = None,
) -> Cohort:
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
    encoding : str, optional
        Encoding of a text file (``"utf-8"``, ``"cp949"``, ``"euc-kr"``,
        ``"latin-1"``, ...; a UTF-8 byte-order mark is always accepted) or
        of an old SPSS/Stata file without one. Default: detected, with a
        warning when the file is not UTF-8. Bytes invalid in the given
        encoding are a ReadError naming the line and the likely encoding.
    sep : str, optional
        Field separator of a text file (``","``, ``";"``, ``"tab"``, ``"|"``);
        default: detected from the first lines.
    biomarkers : dict, optional
        Extra biomarker declarations, ``{"sclerostin": "pmol/L"}`` or
        ``{"sclerostin": {"unit": "pmol/L", "column": "SOST", "lod": 3.2}}``.
    columns : iterable of str, optional
        Read only these columns (headers as written in the file; default
        all). A Parquet file then reads just these columns from disk.

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
        ``decimal`` is not "." or ",", ``encoding`` is unknown, ``sep`` is not
        one character, or an option does not apply to the file type.

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
    cmap = load_mapping(mapping, encoding=encoding)
    raw = read_table(path, sheet=sheet, encoding=encoding, sep=sep, columns=columns)
    parts = build(raw, cmap, declared_biomarkers(biomarkers), decimal or ".", str(path))
    big = raw.n_rows >= _TRIM_ROWS
    del raw
    if big:
        _give_back_memory()
    return Cohort(**parts)


#: Cohorts at least this long give freed heap memory back after reading.
_TRIM_ROWS = 100_000


def _give_back_memory() -> None:
    """Return the reader's freed temporaries to the operating system (Linux, glibc).

    glibc keeps freed blocks of a few MB in the process heap (its mmap
    threshold grows after each large free), so a million-row read would
    leave ~400 MB of freed memory counted in the process's size through
    every later step. ``malloc_trim`` hands it back; elsewhere this does
    nothing.
    """
    import sys

    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim
        pass


def cohort_from_frame(
    frame: pd.DataFrame,
    mapping: MappingLike = None,
    *,
    biomarkers: dict[str, Any] | None = None,
    name: str = "<DataFrame>",
) -> Cohort:
    """Map and validate a DataFrame already in memory, as `read_cohort` does for files.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per participant, user or canonical headers. Not modified.
    mapping : str, path-like, dict or ColumnMap, optional
        Column map, as for `read_cohort`.
    biomarkers : dict, optional
        Biomarker declarations, as for `read_cohort`.
    name : str, default "<DataFrame>"
        Name used in messages in place of a file name.

    Returns
    -------
    Cohort
        As `read_cohort`; ``source`` is None. Rows are numbered from 1
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
    The same holds for a file with those columns read by `read_cohort`.

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
    return Cohort(**build(raw, cmap, declared_biomarkers(biomarkers), ".", None))
