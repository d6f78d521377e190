"""Readers: any supported file -> one raw table of cells plus row numbers.

Each reader returns a :class:`RawTable`: the user's headers as written, the
cells as read (text for delimited files, Python/NumPy scalars for binary
formats) and the row number a user would see in a spreadsheet. Turning cells
into numbers, codes and canonical names happens later, in one place, so every
format gets the same checks and messages. Files are only ever opened for
reading.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sarcostat.exceptions import ReadError, SchemaError
from sarcostat.io.findings import Finding

__all__ = ["RawTable", "read_table", "SUPPORTED_SUFFIXES"]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + (".xlsx", ".xlsm", ".sav", ".zsav", ".dta", ".parquet", ".pq")
_DELIMITERS = (",", ";", "\t", "|")


@dataclass
class RawTable:
    """Cells of one table before mapping.

    Attributes
    ----------
    headers : list of str
        Column headers as written (stripped of surrounding spaces).
    columns : dict of str -> list
        Cells per header, in file order.
    row_numbers : list of int
        For each data row, the row number shown in messages.
    row_word : str
        "row" for spreadsheet-like files (header = row 1), "case" for SPSS,
        Stata and Parquet records (first record = case 1).
    findings : list of Finding
        Notes made while reading (encoding fallback, unnamed columns).
    name : str
        File name used in messages.
    text_cells : bool
        True when cells are text (delimited files), so decimal separators and
        quoting matter.
    """

    headers: list[str]
    columns: dict[str, list[Any]]
    row_numbers: list[int]
    row_word: str = "row"
    findings: list[Finding] = field(default_factory=list)
    name: str = "<data>"
    text_cells: bool = False

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)


def read_table(path, *, sheet=None) -> RawTable:
    """Read ``path`` into a :class:`RawTable`, choosing the reader by suffix.

    Raises
    ------
    ReadError
        The file does not exist, has an unsupported type, is empty or cannot
        be parsed.
    SchemaError
        Two columns share a header.
    """
    p = Path(path)
    name = p.name
    if not p.exists():
        raise ReadError(f"No such file: '{path}'.")
    if p.is_dir():
        raise ReadError(f"'{path}' is a directory, not a data file.")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        if suffix == ".xls":
            raise ReadError(f"{name}: old Excel .xls files are not supported; save it as .xlsx.")
        raise ReadError(
            f"{name}: unsupported file type '{suffix or '(none)'}'; use one of "
            + ", ".join(SUPPORTED_SUFFIXES) + "."
        )
    if sheet is not None and suffix not in (".xlsx", ".xlsm"):
        raise ReadError(f"{name}: a sheet was given but only Excel files have sheets.")
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReadError(f"{name}: cannot be opened ({exc.strerror}).") from None
    if size == 0:
        raise ReadError(f"{name} is empty (0 bytes).")
    if suffix in TEXT_SUFFIXES:
        return _read_text(p, suffix)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(p, sheet)
    if suffix in (".sav", ".zsav", ".dta"):
        return _read_readstat(p, suffix)
    return _read_parquet(p)


# --------------------------------------------------------------------------- text

def _decode(raw: bytes, name: str) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export is UTF-16 with a byte-order mark.
        try:
            return raw.decode("utf-16"), findings
        except UnicodeDecodeError:
            raise ReadError(f"{name}: starts like UTF-16 text but cannot be decoded.") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        detail = ("the file is not valid UTF-8; it was read as Latin-1. Check accented "
                  "text, or save the file as UTF-8.")
        findings.append(Finding("warning", "encoding", f"{name}: {detail}", detail=detail))
    if "\x00" in text:
        raise ReadError(f"{name}: contains NUL bytes, so it is not a text table "
                        "(is it a binary or Excel file with the wrong suffix?).")
    return text, findings


def _sniff_delimiter(text: str, suffix: str) -> str:
    """Pick the delimiter that splits the header into most columns consistently.

    csv.Sniffer is not used: on short files it happily picks a letter or a
    space as the delimiter. Here only , ; tab | compete, scored by how many
    of the first 50 records have the header's field count.
    """
    preference = ("\t",) + tuple(d for d in _DELIMITERS if d != "\t") if suffix == ".tsv" else _DELIMITERS
    sample = "\n".join(text.splitlines()[:50])
    best, best_score = preference[0] if suffix == ".tsv" else ",", None
    for rank, delim in enumerate(preference):
        try:
            rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delim) if any(c.strip() for c in r)]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        n = len(rows[0])
        consistent = sum(len(r) == n for r in rows) / len(rows)
        score = (consistent, n, -rank)
        if best_score is None or score > best_score:
            best, best_score = delim, score
    return best


def _read_text(p: Path, suffix: str) -> RawTable:
    name = p.name
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"{name}: cannot be read ({exc.strerror}).") from None
    text, findings = _decode(raw, name)
    if not text.strip():
        raise ReadError(f"{name} is empty (no header, no data).")
    delim = _sniff_delimiter(text, suffix)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=False))
    except csv.Error as exc:
        raise ReadError(f"{name}: cannot be parsed as a delimited table ({exc}).") from None
    # Spreadsheet row numbers: record k (0-based) is row k+1; blank records
    # keep their number so that later messages point at the right row.
    numbered = [(k + 1, [c.strip() for c in rec]) for k, rec in enumerate(records)]
    numbered = [(k, rec) for k, rec in numbered if any(rec)]
    if not numbered:
        raise ReadError(f"{name} is empty (no header, no data).")
    (_, header), body = numbered[0], numbered[1:]
    n = len(header)
    rows: list[list[str]] = []
    row_numbers: list[int] = []
    for k, rec in body:
        if len(rec) > n:
            if any(rec[n:]):
                raise ReadError(
                    f"{name}, row {k}: has {len(rec)} values but the header (row "
                    f"{numbered[0][0]}) has {n} columns; check the delimiter "
                    f"({_delim_name(delim)} was detected) or quoting."
                )
            rec = rec[:n]
        elif len(rec) < n:
            rec = rec + [""] * (n - len(rec))
        rows.append(rec)
        row_numbers.append(k)
    columns = [[r[j] for r in rows] for j in range(n)]
    table = _assemble(name, header, columns, row_numbers, "row", findings)
    table.text_cells = True
    return table


def _delim_name(d: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(d, repr(d))


def _is_blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    try:
        return bool(v != v)  # NaN
    except (TypeError, ValueError):
        return False


def _assemble(name, header, columns, row_numbers, row_word, findings) -> RawTable:
    """Name blank headers, drop empty unnamed columns, refuse duplicate headers."""
    headers: list[str] = []
    data: dict[str, list[Any]] = {}
    seen: dict[str, int] = {}
    for j, (h, cells) in enumerate(zip(header, columns)):
        h = "" if _is_blank(h) else str(h).strip()
        if not h:
            if all(_is_blank(c) for c in cells):
                continue  # trailing separators / formatting-only columns
            h = f"unnamed_{j + 1}"
            detail = f"column {j + 1} has values but no header; kept as '{h}'."
            findings.append(Finding("warning", "unnamed_column", f"{name}: {detail}",
                                    column=h, detail=detail))
        if h in seen:
            raise SchemaError(
                f"{name}: columns {seen[h] + 1} and {j + 1} are both named '{h}'; "
                "rename one so that every header is unique."
            )
        seen[h] = j
        headers.append(h)
        data[h] = list(cells)
    if not headers:
        raise ReadError(f"{name}: has no named columns.")
    return RawTable(headers, data, list(row_numbers), row_word, findings, name)


# -------------------------------------------------------------------------- excel

def _read_excel(p: Path, sheet) -> RawTable:
    import openpyxl

    name = p.name
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ReadError(f"{name}: cannot be opened as an Excel workbook ({type(exc).__name__}: {exc}).") from None
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = wb[names[0]]
        elif str(sheet) in names:
            ws = wb[str(sheet)]
        elif str(sheet).strip().lstrip("-").isdigit():
            idx = int(str(sheet).strip())
            if not 0 <= idx < len(names):
                raise ReadError(f"{name}: sheet index {idx} does not exist; the workbook has "
                                f"{len(names)} sheet(s), numbered from 0: {names}.")
            ws = wb[names[idx]]
        else:
            raise ReadError(f"{name}: no sheet named '{sheet}'; sheets are {names}.")
        records = [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()
    numbered = [(k + 1, rec) for k, rec in enumerate(records) if any(not _is_blank(c) for c in rec)]
    if not numbered:
        raise ReadError(f"{name}: the sheet '{ws.title}' is empty.")
    (_, header), body = numbered[0], numbered[1:]
    n = max(len(header), max((len(r) for _, r in body), default=0))
    header = list(header) + [None] * (n - len(header))
    rows = [list(r) + [None] * (n - len(r)) for _, r in body]
    columns = [[r[j] for r in rows] for j in range(n)]
    header = [_excel_header(h) for h in header]
    label = name if sheet is None else f"{name} [{ws.title}]"
    return _assemble(label, header, columns, [k for k, _ in body], "row", [])


def _excel_header(h):
    if isinstance(h, float) and h.is_integer():
        return str(int(h))
    return h


# ----------------------------------------------------------------- SPSS / Stata

def _read_readstat(p: Path, suffix: str) -> RawTable:
    import pyreadstat

    name = p.name
    reader = pyreadstat.read_dta if suffix == ".dta" else pyreadstat.read_sav
    try:
        # Value labels are applied so that 1 = 'Male' arrives as 'Male'; user-
        # defined missing values (SPSS 99 = 'not done') arrive as NaN.
        frame, _meta = reader(str(p), apply_value_formats=True, formats_as_category=False)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise ReadError(f"{name}: cannot be read as {'Stata' if suffix == '.dta' else 'SPSS'} data "
                        f"({type(exc).__name__}: {exc}).") from None
    return _from_frame(frame, name, "case")


def _read_parquet(p: Path) -> RawTable:
    import pandas as pd

    name = p.name
    try:
        frame = pd.read_parquet(p)
    except Exception as exc:  # pyarrow errors have no common public base
        raise ReadError(f"{name}: cannot be read as Parquet ({type(exc).__name__}: {exc}).") from None
    return _from_frame(frame, name, "case")


def _from_frame(frame, name: str, row_word: str) -> RawTable:
    """Wrap an in-memory DataFrame (already typed) as a RawTable."""
    frame = frame.reset_index(drop=True)
    header = [str(c) for c in frame.columns]
    columns = []
    for j in range(frame.shape[1]):
        s = frame.iloc[:, j]
        if s.dtype.kind in "fiu":
            # na_value: nullable Int64/Float64 columns hold pd.NA, not NaN.
            columns.append(s.to_numpy(dtype=float, na_value=float("nan")).tolist())
        else:
            columns.append(s.astype(object).tolist())
    start = 1
    return _assemble(name, header, columns, list(range(start, start + len(frame))), row_word, [])


def frame_to_raw(frame, *, name: str = "<DataFrame>") -> RawTable:
    """Public-to-the-package wrapper used by :func:`sarcostat.io.cohort_from_frame`."""
    return _from_frame(frame, name, "record")
