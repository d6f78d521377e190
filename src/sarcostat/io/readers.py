"""Readers: any supported file -> one raw table of cells plus row numbers.

Each reader returns a `RawTable`: the user's headers as written, the
cells as read (text for delimited files, Python/NumPy scalars for binary
formats) and the row number a user would see in a spreadsheet. Turning cells
into numbers, codes and canonical names happens later, in one place, so every
format gets the same checks and messages. Files are only ever opened for
reading.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sarcostat.exceptions import ParameterError, ReadError, SarcostatError, SchemaError
from sarcostat.io.findings import Finding, plural

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RawTable", "read_table", "frame_to_raw", "is_blank", "SUPPORTED_SUFFIXES"]

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
    columns : dict of str -> numpy.ndarray
        Cells per header, in file order: float arrays for typed numeric
        columns (SPSS, Stata, Parquet, DataFrames), object arrays otherwise.
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
    labels : dict of str -> dict
        SPSS/Stata value labels per header (code -> label). They are applied
        to category and unrecognised columns only: a labelled score (SARC-F
        0 = 'None') keeps its numeric code.
    header_row, units_row : int or None
        Spreadsheet-like files: the record number (1-based, as in
        ``row_numbers``) of the header and of a units row under it (None when
        there is none); None for SPSS, Stata and Parquet.
    """

    headers: list[str]
    columns: dict[str, Any]
    row_numbers: list[int]
    row_word: str = "row"
    findings: list[Finding] = field(default_factory=list)
    name: str = "<data>"
    text_cells: bool = False
    labels: dict[str, dict] = field(default_factory=dict)
    header_row: int | None = None
    units_row: int | None = None

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
) -> RawTable:
    """Read ``path`` into a `RawTable`, choosing the reader by suffix.

    Raises
    ------
    ReadError
        The file does not exist, has an unsupported type, is empty or cannot
        be parsed.
    SchemaError
        Two columns share a header.
    ParameterError
        A sheet was given for a file that is not an Excel workbook, a
        separator for a file that is not text, or an unknown encoding.
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
            + ", ".join(SUPPORTED_SUFFIXES)
            + "."
        )
    encoding = check_encoding(encoding)
    sep = check_sep(sep)
    if sep is not None and suffix not in TEXT_SUFFIXES:
        raise ParameterError(
            f"The 'sep' parameter applies to text files (.csv, .tsv, .txt) only; {name} is a "
            f"'{suffix}' file. Got sep={sep!r}."
        )
    if sheet is not None and suffix not in (".xlsx", ".xlsm"):
        raise ParameterError(
            f"The 'sheet' parameter applies to Excel files only; {name} is a "
            f"'{suffix}' file. Got sheet={sheet!r}."
        )
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise ReadError(f"{name}: cannot be opened ({exc.strerror}).") from None
    if size == 0:
        raise ReadError(f"{name} is empty (0 bytes).")
    if suffix in TEXT_SUFFIXES:
        return _read_text(p, suffix, encoding, sep)
    if suffix in (".xlsx", ".xlsm"):
        return _read_excel(p, sheet)
    if suffix in (".sav", ".zsav", ".dta"):
        return _read_readstat(p, suffix, encoding)
    return _read_parquet(p)


def is_blank(v: Any) -> bool:
    """True for None, NaN/NA and text that is only spaces."""
    if v is None:
        return True
    if isinstance(v, str):
        return not v.strip()
    try:
        return bool(v != v)  # NaN, NaT
    except TypeError:  # pd.NA refuses bool()
        return True
    except ValueError:  # an array held in one cell (nested Parquet data) is a value
        return False


# --------------------------------------------------------------------------- text


def read_text_file(
    path: str | Path,
    *,
    what: str,
    encoding: str | None = None,
    error: type[SarcostatError] = ReadError,
) -> str:
    """The text of a small UTF-8 file the user wrote (map, plan, published tables).

    TOML and JSON are UTF-8 by definition, so without ``encoding`` the file
    must be UTF-8 (a byte-order mark is accepted); otherwise the error
    names the line and the likely encoding. ``what`` names the file's role
    in messages ("map file", "plan file"); ``error`` is the exception class.
    """
    p = Path(path)
    if not p.exists():
        raise error(f"{p}: {what} not found.")
    if p.is_dir():
        raise error(f"{p}: is a directory, not a {what}.")
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise error(f"{p}: cannot read the {what} ({exc.strerror}).") from None
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            raise error(f"{p}: is not a text {what}: it is {kind}.")
    # UTF-8 first even when --encoding names another: the map or plan is
    # usually typed in an editor (UTF-8) while the data came from Windows.
    enc = check_encoding(encoding)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if enc is not None and enc != "utf-8-sig":
            try:
                return raw.decode(enc)
            except UnicodeDecodeError:
                pass
        line = raw[: exc.start].count(b"\n") + 1
        likely = guess_encoding(raw, exclude="utf-8-sig")
        raise error(
            f"{p}, line {line}: byte 0x{raw[exc.start]:02x} is not valid UTF-8"
            + (f" nor {_label(enc)}" if enc not in (None, "utf-8-sig") else "")
            + f" text; it looks like {_label(likely)}. Save the {what} as UTF-8, or give "
            f"--encoding {likely}."
        ) from None
    if "\x00" in text:
        raise error(f"{p}: contains NUL bytes, so it is not a text {what}.")
    return text


def parse_toml(text: str, *, where: str, error: type[Exception] = ReadError) -> dict[str, Any]:
    """The one way sarcostat parses a TOML file the user gave (map, plan,
    deficits, a web upload): any way the text is not a TOML document --
    a syntax error, nesting too deep for the parser, a number too large
    to hold -- is ``error`` naming ``where``, never a traceback."""
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{where}: not a valid TOML file ({exc}).") from None
    except RecursionError:
        raise error(
            f"{where}: not a valid TOML file (arrays or tables nested too deeply)."
        ) from None
    except (ValueError, OverflowError, MemoryError):
        # tomllib raises these for numbers it cannot hold (thousands of digits)
        raise error(f"{where}: not a valid TOML file (a number is too large).") from None


# File signatures of formats that users rename to .csv by mistake.
_MAGIC = (
    (b"PK\x03\x04", "a ZIP archive (an Office file such as .xlsx or .docx?)"),
    (b"\xd0\xcf\x11\xe0", "an old Office file (.xls or .doc?)"),
    (b"%PDF", "a PDF document"),
    (b"$FL2", "an SPSS .sav file"),
    (b"$FL3", "an SPSS .zsav file"),
    (b"PAR1", "a Parquet file"),
    (b"{\\rtf", "an RTF document"),
)


def check_encoding(encoding: str | None, *, function: str = "read_cohort") -> str | None:
    """The codec name Python uses for ``encoding`` (None stays None), or ParameterError."""
    if encoding is None:
        return None
    import codecs

    try:
        info = codecs.lookup(str(encoding))
        # A codec that does not turn bytes into text (rot13, base64, zlib)
        # is no file encoding (bytes.decode refuses it).
        if not getattr(info, "_is_text_encoding", True):
            raise LookupError(encoding)
        name = info.name
    except LookupError:
        raise ParameterError(
            f"The 'encoding' parameter of {function} must be a text encoding such as "
            f"'utf-8', 'cp949' (Korean), 'euc-kr', 'latin-1' or 'cp1252'. Got {encoding!r} instead."
        ) from None
    return "utf-8-sig" if name in ("utf-8", "utf-8-sig") else name


def check_sep(sep: str | None, *, function: str = "read_cohort") -> str | None:
    """A single-character field separator ('tab' and '\\t' mean a tab), or ParameterError."""
    if sep is None:
        return None
    text = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}.get(
        str(sep).lower(), str(sep)
    )
    if len(text) != 1 or text in '"\r\n' or text.isalnum() or text == ".":
        raise ParameterError(
            f"The 'sep' parameter of {function} must be one character such as ',', ';', "
            f"'|' or 'tab' (not a quote, letter, digit or '.'). Got {sep!r} instead."
        )
    return text


_ENC_LABEL = {
    "latin-1": "Latin-1",
    "latin_1": "Latin-1",
    "cp1252": "Windows Latin-1 (cp1252)",
    "cp949": "Korean cp949",
    "euc_kr": "Korean EUC-KR",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
}


def _label(enc: str) -> str:
    return _ENC_LABEL.get(enc, enc)


def _looks_korean(text: str) -> bool:
    """Most non-ASCII characters are common Hangul syllables (the 2,350 of EUC-KR).

    Latin-1 bytes also decode as cp949 ('Åsa' -> a rare UHC syllable + 'a',
    'éè' -> a Hanja), but real Korean text is almost all common syllables.
    Two adjacent capital accented letters ('ÀÀ') remain ambiguous: hence the
    warning, and --encoding.
    """
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return False
    common = 0
    for ch in wide:
        if "\uac00" <= ch <= "\ud7a3":
            try:
                # two bytes: one of the 2,350; Python also spells the rest as
                # 8-byte jamo sequences, which real files do not use
                common += len(ch.encode("euc_kr")) == 2
            except UnicodeEncodeError:
                pass
    return common >= 0.9 * len(wide)


def guess_encoding(raw: bytes, *, exclude: str | None = None) -> str:
    """The likeliest encoding of bytes that are not (all) UTF-8.

    Korean text files from Windows are cp949 (a superset of EUC-KR): they
    decode strictly as cp949 and hold Hangul syllables. Western files are
    Latin-1 when they use no byte 0x80-0x9F, else Windows cp1252 (curly
    quotes, the euro sign). Latin-1 decodes any bytes, so it comes last.
    """
    candidates = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates.append("utf-16")
    candidates.append("utf-8-sig")
    try:
        if _looks_korean(raw.decode("cp949")):
            candidates.append("cp949")
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in raw):
        candidates.append("cp1252")
    candidates.append("latin-1")
    for enc in candidates:
        if enc == exclude:
            continue
        try:
            raw.decode(enc)
        except UnicodeDecodeError:
            continue
        return enc
    return "latin-1"


def _refuse_binary(raw: bytes, name: str) -> None:
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise ReadError(
                f"{name} is not a text table: it is {what}. Give the file its real "
                "suffix, or export the data as CSV."
            )


def decode_text(raw: bytes, name: str, encoding: str | None = None) -> tuple[str, list[Finding]]:
    """Bytes of a text file -> text, by ``encoding`` or detected; never a silent guess.

    With ``encoding`` given, bytes that are not valid in it are a ReadError
    naming the line and suggesting the likely encoding. Without it: UTF-16
    with a byte-order mark, UTF-8 (BOM or not), else the likeliest of cp949
    / cp1252 / Latin-1 with a warning saying which was used.
    """
    _refuse_binary(raw, name)
    findings: list[Finding] = []
    if encoding is not None:
        enc = check_encoding(encoding) or "utf-8-sig"
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            likely = guess_encoding(raw, exclude=enc)
            raise ReadError(
                f"{name}, line {line}: byte 0x{raw[exc.start]:02x} is not valid {_label(enc)} text, so the "
                f"file is not in that encoding; it looks like {_label(likely)}: try --encoding {likely} "
                f"(encoding='{likely}')."
            ) from None
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export is UTF-16 with a byte-order mark.
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ReadError(f"{name}: starts like UTF-16 text but cannot be decoded.") from None
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            enc = guess_encoding(raw, exclude="utf-8-sig")
            text = raw.decode(enc)
            detail = (
                f"the file is not valid UTF-8; it was read as {_label(enc)}. Check accented or "
                f"non-Latin text, and give the encoding with --encoding (encoding=...) if "
                f"{_label(enc)} is wrong."
            )
            findings.append(Finding("warning", "encoding", f"{name}: {detail}", detail=detail))
    if "\x00" in text:
        raise ReadError(
            f"{name}: contains NUL bytes, so it is not a text table "
            "(is it a binary or Excel file with the wrong suffix, or UTF-16 without a "
            "byte-order mark?)."
        )
    return text, findings


def _sniff_delimiter(text: str, suffix: str) -> str:
    """Pick the delimiter that splits the header into most columns consistently.

    csv.Sniffer is not used: on short files it happily picks a letter or a
    space as the delimiter. Here only , ; tab | compete, scored by how many
    of the first 50 records have the most common field count.
    """
    preference = (
        ("\t",) + tuple(d for d in _DELIMITERS if d != "\t") if suffix == ".tsv" else _DELIMITERS
    )
    sample = "\n".join(text.splitlines()[:50])
    best, best_score = preference[0], None
    for rank, delim in enumerate(preference):
        try:
            rows = [
                r
                for r in csv.reader(io.StringIO(sample), delimiter=delim)
                if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        widths = [len(r) for r in rows]
        if not widths or max(widths) < 2:
            continue
        # The most common width, not the first row's: a title line above the
        # header has one field whatever the delimiter.
        n = max(set(widths), key=lambda w: (widths.count(w), w))
        consistent = widths.count(n) / len(widths)
        score = (consistent, n, -rank)
        if best_score is None or score > best_score:
            best, best_score = delim, score
    return best


def _read_text(p: Path, suffix: str, encoding: str | None, sep: str | None) -> RawTable:
    name = p.name
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"{name}: cannot be read ({exc.strerror}).") from None
    text, findings = decode_text(raw, name, encoding)
    if not text.strip():
        raise ReadError(f"{name} is empty (no header, no data).")
    delim = sep or _sniff_delimiter(text, suffix)
    records, lines = parse_delimited(text, name, delim)
    strip = str.strip
    records = [list(map(strip, rec)) for rec in records]
    how = f"{_delim_name(delim)} was {'given' if sep else 'detected'}"
    table = _from_records(name, records, findings, ragged=how, lines=lines)
    table.text_cells = True
    return table


def parse_delimited(text: str, name: str, delim: str) -> tuple[list[list[str]], list[int]]:
    """Every record of a delimited text, with the line each starts on.

    Quoting is strict, so that no line is lost inside a cell: a quote that
    is never closed (which would swallow the rest of the file into one cell)
    or text after a closing quote is a ReadError naming the line. A quoted
    cell may hold line breaks (notes typed with Alt+Enter), but not a line
    that looks like a whole record: that is a quote left open that happens
    to close further down, and the lines between would be lost.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    records: list[list[str]] = []
    starts: list[int] = []
    ends: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "end of data" in str(exc) or reader.line_num > start:
                problem = (
                    f'a quote (") opened here is not closed before line {reader.line_num}; '
                    "the lines after it would be read as one cell. Close the quote or remove it"
                )
            else:
                problem = (
                    'text follows a closing quote ("); a cell that starts with a quote must '
                    "end with one. Remove the stray quote, or quote the whole cell and double "
                    'the quotes inside it ("")'
                )
            raise ReadError(f"{name}, line {start}: {problem}.") from None
        records.append(rec)
        starts.append(start)
        ends.append(reader.line_num)
    if records:
        for rec, start, end in zip(records, starts, ends):
            if end == start:
                continue
            for cell in rec:
                # A quote left open swallows the lines up to the next quote into
                # one cell; the record keeps its width only if the swallowed text
                # holds separators. So a cell with a line break and a separator
                # is refused (a genuine note with both is rare, and is better
                # fixed than guessed), and a width change is refused as ragged.
                if ("\n" in cell or "\r" in cell) and delim in cell:
                    raise ReadError(
                        f"{name}, line {start}: a quoted cell runs over lines {start}-{end} and "
                        f"holds the separator ({_delim_name(delim)}) after a line break, so a "
                        "quote is probably not closed and the lines after it would be lost. "
                        "Close the quote or remove the stray one (or remove the line breaks "
                        "inside the cell)."
                    )
    return records, starts


def _delim_name(d: str) -> str:
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(d, repr(d))


def _is_units_row(rec: list[Any]) -> bool:
    from sarcostat.io.unit_names import normalize_unit

    filled = [c for c in rec if not is_blank(c)]
    # One-letter units ('m', 's', 'g') alone could be a data row of codes.
    return (
        len(filled) >= 2
        and all(isinstance(c, str) and normalize_unit(c) for c in filled)
        and any(len(c.strip()) > 1 for c in filled)
    )


def _n_filled(rec: list[Any]) -> int:
    return sum(not is_blank(c) for c in rec)


def _from_records(
    name: str,
    records: list[list[Any]],
    findings: list[Finding],
    *,
    ragged: str | None,
    lines: list[int] | None = None,
) -> RawTable:
    """Header and body of a spreadsheet-like list of records (text or Excel).

    Blank records are skipped but keep their number, so that messages point at
    the spreadsheet row. Title lines above the header (a record with a single
    filled cell, e.g. an Excel title merged across the columns) are skipped
    with a note. ``ragged`` names the detected delimiter of a text file: a
    record longer than its header (with values beyond it) or shorter than
    it is then an error naming the line, so no value lands in another
    column; in Excel such cells become unnamed columns. ``lines`` gives the
    line each text record starts on (they differ from record numbers when
    a quoted cell holds a line break).
    """
    # Text records hold stripped strings, so any() finds a filled cell; Excel
    # records hold typed cells (0 is a value), so each is tested.
    filled = any if ragged is not None else _n_filled
    numbered = [(k + 1, rec) for k, rec in enumerate(records) if filled(rec)]
    if not numbered:
        raise ReadError(f"{name} is empty (no header, no data).")
    head = next((j for j, (_k, rec) in enumerate(numbered[:20]) if _n_filled(rec) >= 2), 0)
    if head:
        skipped = [k for k, _rec in numbered[:head]]
        shown = f"row {skipped[0]}" if len(skipped) == 1 else f"rows {skipped[0]}–{skipped[-1]}"
        detail = (
            f"{shown} above the header look{'s' * (len(skipped) == 1)} like a title and "
            f"{'was' if len(skipped) == 1 else 'were'} skipped; the header is row "
            f"{numbered[head][0]}."
        )
        findings.append(Finding("info", "title_rows", f"{name}: {detail}", detail=detail))
    (header_row, header), body = numbered[head], numbered[head + 1 :]
    units_row = None
    if body and _is_units_row(body[0][1]):
        # A row of units under the header ('cm', 'kg', 'lb'): joined to the
        # headers as 'Weight (lb)', so the units are read, never dropped.
        k_units, units = body.pop(0)
        units_row = k_units
        width = max(len(header), len(units))
        header = list(header) + [None] * (width - len(header))
        units = list(units) + [None] * (width - len(units))
        header = [
            h if is_blank(u) or is_blank(h) else f"{str(h).strip()} ({str(u).strip()})"
            for h, u in zip(header, units)
        ]
        detail = (
            f"row {k_units} under the header holds units; they were joined to the "
            f"headers: {[h for h, u in zip(header, units) if not is_blank(u)]}."
        )
        findings.append(Finding("info", "units_row", f"{name}: {detail}", detail=detail))
    n = len(header)
    if ragged is not None:
        while n > 1 and is_blank(header[n - 1]):
            n -= 1  # trailing separators after the last header
        header = header[:n]
    if ragged is None:
        n = max(n, max((len(r) for _k, r in body), default=0))
        header = list(header) + [None] * (n - len(header))
    rows = []
    for k, rec in body:
        spans = ragged is not None and any(isinstance(c, str) and "\n" in c for c in rec)
        if ragged is not None and (
            len(rec) < n or (len(rec) > n and (spans or any(not is_blank(c) for c in rec[n:])))
        ):
            line = lines[k - 1] if lines is not None else k
            where = f"row {k}" + (f" (line {line})" if line != k else "")
            raise ReadError(
                f"{name}, {where}: has {len(rec)} values but the header (row "
                f"{header_row}) has {n} columns, so values would shift into other columns; "
                f"check the delimiter ({ragged}; "
                "choose it with --sep), quoting, or a missing or extra separator on that line."
            )
        if len(rec) > n:
            rec = rec[:n]
        elif len(rec) < n:
            rec = list(rec) + [None] * (n - len(rec))
        rows.append(rec)
    if rows:
        cells = np.empty((len(rows), n), dtype=object)
        cells[:] = rows
        columns = [cells[:, j] for j in range(n)]
    else:
        columns = [np.empty(0, dtype=object) for _ in range(n)]
    table = _assemble(name, header, columns, [k for k, _r in body], "row", findings)
    table.header_row, table.units_row = header_row, units_row
    return table


def _assemble(
    name: str,
    header: list[Any],
    columns: list[np.ndarray],
    row_numbers: Iterable[int],
    row_word: str,
    findings: list[Finding],
) -> RawTable:
    """Name blank headers, drop empty unnamed columns, refuse duplicate headers."""
    headers: list[str] = []
    data: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for j, (h, cells) in enumerate(zip(header, columns)):
        h = "" if is_blank(h) else _header_text(h)
        if not h:
            if all(is_blank(c) for c in cells):
                continue  # trailing separators / formatting-only columns
            h = f"unnamed_{j + 1}"
            detail = f"column {j + 1} has values but no header; kept as '{h}'."
            findings.append(
                Finding("warning", "unnamed_column", f"{name}: {detail}", column=h, detail=detail)
            )
        if h in seen:
            raise SchemaError(
                f"{name}: columns {seen[h] + 1} and {j + 1} are both named '{h}'; "
                "rename one so that every header is unique."
            )
        seen[h] = j
        headers.append(h)
        data[h] = cells
    if not headers:
        raise ReadError(f"{name}: has no named columns.")
    return RawTable(headers, data, list(row_numbers), row_word, findings, name)


def _header_text(h: Any) -> str:
    if isinstance(h, float) and h.is_integer():
        return str(int(h))  # Excel stores a header 2019 as 2019.0
    return " ".join(str(h).split())  # line breaks inside Excel header cells


# -------------------------------------------------------------------------- excel


def _read_excel(p: Path, sheet: str | int | None) -> RawTable:
    import openpyxl

    name = p.name
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ReadError(
            f"{name}: cannot be opened as an Excel workbook ({type(exc).__name__}: {exc})."
        ) from None
    findings: list[Finding] = []
    try:
        names = wb.sheetnames
        if sheet is None:
            ws = wb[names[0]]
            if len(names) > 1:
                detail = (
                    f"read the first of {len(names)} sheets, '{names[0]}'; the others are "
                    f"{names[1:]}. Choose one with --sheet NAME (sheet=...)."
                )
                findings.append(Finding("info", "sheet", f"{name}: {detail}", detail=detail))
        elif str(sheet) in names:
            ws = wb[str(sheet)]
        elif str(sheet).strip().lstrip("-").isdigit():
            idx = int(str(sheet).strip())
            if not 0 <= idx < len(names):
                raise ReadError(
                    f"{name}: sheet index {idx} does not exist; the workbook has "
                    f"{len(names)} sheet(s), numbered from 0: {names}."
                )
            ws = wb[names[idx]]
        else:
            raise ReadError(f"{name}: no sheet named '{sheet}'; sheets are {names}.")
        records = [list(r) for r in ws.iter_rows(values_only=True)]
    except SarcostatError:
        raise
    except Exception as exc:  # a damaged sheet part inside a valid zip
        raise ReadError(
            f"{name}: cannot be read as an Excel workbook ({type(exc).__name__}: {exc})."
        ) from None
    finally:
        wb.close()
    label = name if sheet is None else f"{name} [{ws.title}]"
    if not any(_n_filled(r) for r in records):
        raise ReadError(f"{label}: the sheet '{ws.title}' is empty.")
    return _from_records(label, records, findings, ragged=None)


# ----------------------------------------------------------------- SPSS / Stata


def _iconv_name(encoding: str) -> str:
    """Python codec name -> the iconv name ReadStat expects."""
    return {"utf-8-sig": "UTF-8", "latin_1": "ISO-8859-1", "iso8859-1": "ISO-8859-1"}.get(
        encoding, encoding.upper().replace("_", "-")
    )


def _read_readstat(p: Path, suffix: str, encoding: str | None = None) -> RawTable:
    import pyreadstat

    name = p.name
    spss = suffix != ".dta"
    reader = pyreadstat.read_sav if spss else pyreadstat.read_dta
    try:
        # Codes are read as numbers and the labels kept aside: labels are for
        # categories (1 = 'Male'), not for scores (SARC-F 0 = 'None', which
        # would otherwise read as a missing-value word). SPSS user-missing
        # codes are read as values and set missing below, so they can be
        # counted; Stata's .a-.z arrive as NaN.
        if encoding is None:
            frame, meta = reader(str(p), user_missing=spss)
        else:
            frame, meta = reader(str(p), user_missing=spss, encoding=_iconv_name(encoding))
    except Exception as exc:  # pyreadstat raises its own ReadstatError and others
        raise ReadError(
            f"{name}: cannot be read as {'SPSS' if spss else 'Stata'} data "
            f"({type(exc).__name__}: {exc})."
        ) from None
    findings: list[Finding] = []
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        if col not in frame.columns or not ranges:
            continue
        s = frame[col]
        hit = np.zeros(len(s), dtype=bool)
        for r in ranges:
            lo, hi = r.get("lo"), r.get("hi")
            if isinstance(lo, str) or s.dtype.kind not in "fiu":
                hit |= (s.astype(object) == lo).to_numpy(dtype=bool, na_value=False)
            else:
                hit |= ((s >= lo) & (s <= hi)).to_numpy(dtype=bool, na_value=False)
        if hit.any():
            frame[col] = s.mask(hit)
            codes = sorted({_num_text(v) for v in s[hit]})
            detail = (
                f"{plural(int(hit.sum()), 'value')} declared user-missing in SPSS "
                f"({', '.join(codes)}) read as missing."
            )
            findings.append(
                Finding(
                    "info",
                    "user_missing",
                    f"{name}, column '{col}': {detail}",
                    column=str(col),
                    value=", ".join(codes),
                    detail=detail,
                )
            )
    labels = getattr(meta, "variable_value_labels", None) or {}
    _mask_labelled_missing(frame, labels, name, findings)
    table = _from_frame(frame, name, "case", findings)
    table.labels = {
        str(c): {_label_key(k): str(v) for k, v in lab.items()}
        for c, lab in labels.items()
        if str(c) in table.columns
    }
    return table


#: Value labels that say a code is a missing answer, not a value (English and
#: Korean survey wording). "None" is not among them: SARC-F 0 = "None" is a score.
MISSING_LABEL = re.compile(
    r"\b(refus\w*|declin\w*|don'?t know|do not know|not known|unknown|"
    r"not applicable|inapplicable|n/a|not asked|no answer|no response|non-response|"
    r"missing|sysmis|not stated|prefer not to (?:say|answer)|skipped|legitimate skip)\b"
    r"|모름|무응답|해당\s*없음|거절|결측",
    re.IGNORECASE,
)


def _mask_labelled_missing(
    frame: Any, labels: dict[str, dict[Any, Any]], name: str, findings: list[Finding]
) -> None:
    """Set to missing the codes whose value label says 'refused', 'unknown', 'not applicable'...

    SPSS and Stata files often mark such answers only by a label (99 =
    'Refused') without declaring the code missing; read as numbers they would
    be 99 kg of grip. Each masked column gets one warning listing the codes.
    """
    for col, lab in labels.items():
        if col not in frame.columns or not lab:
            continue
        missing_codes = [k for k, v in lab.items() if MISSING_LABEL.search(str(v))]
        if not missing_codes:
            continue
        s = frame[col]
        hit = np.zeros(len(s), dtype=bool)
        for code in missing_codes:
            hit |= (s.astype(object) == code).to_numpy(dtype=bool, na_value=False)
            if isinstance(code, str) and s.dtype.kind in "fiu":
                try:
                    hit |= (s == float(code)).to_numpy(dtype=bool, na_value=False)
                except ValueError:
                    pass
        if not hit.any():
            continue
        found = sorted({_num_text(v) for v in s[hit]})
        shown = ", ".join(f"{c} ('{lab.get(_raw_code(c, lab), '')}')" for c in found)
        frame[col] = s.astype(object).mask(hit) if s.dtype.kind not in "fiu" else s.mask(hit)
        detail = (
            f"{plural(int(hit.sum()), 'value')} coded {shown} read as missing: the value label "
            "says the code is a missing answer, but the file does not declare it missing. "
            "Declare it as a missing value in SPSS/Stata to confirm."
        )
        findings.append(
            Finding(
                "warning",
                "labelled_missing",
                f"{name}, column '{col}': {detail}",
                column=str(col),
                value=", ".join(found),
                detail=detail,
            )
        )


def _raw_code(text: str, lab: dict[Any, Any]) -> Any:
    """The label key whose printed form is ``text``."""
    for k in lab:
        if _num_text(k) == text:
            return k
    return text


def _label_key(code: Any) -> Any:
    """Label codes compare as floats, the way numeric cells are stored."""
    try:
        return float(code)
    except (TypeError, ValueError):
        return code


def _num_text(v: Any) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def _read_parquet(p: Path) -> RawTable:
    import pandas as pd

    name = p.name
    try:
        frame = pd.read_parquet(p)
    except Exception as exc:  # pyarrow errors have no common public base
        raise ReadError(
            f"{name}: cannot be read as Parquet ({type(exc).__name__}: {exc})."
        ) from None
    return _from_frame(frame, name, "case", [])


_INT_DTYPES = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}


def _from_frame(frame: pd.DataFrame, name: str, row_word: str, findings: list[Finding]) -> RawTable:
    """Wrap an in-memory DataFrame (already typed) as a RawTable."""
    header = [str(c) for c in frame.columns]
    columns = []
    for j in range(frame.shape[1]):
        s = frame.iloc[:, j]
        if s.dtype.kind in "iu" or str(s.dtype) in _INT_DTYPES:
            # Integers stay exact: an 18-digit id does not fit a float64. They
            # become floats only when every value fits one exactly.
            vals = [None if is_blank(v) else v for v in s.astype(object).tolist()]
            if all(v is None or abs(int(v)) <= 2**53 for v in vals):
                columns.append(s.to_numpy(dtype=float, na_value=math.nan))
            else:
                columns.append(
                    np.array([None if v is None else int(v) for v in vals], dtype=object)
                )
        elif s.dtype.kind == "f":
            # na_value: nullable Float64 columns hold pd.NA, not NaN.
            columns.append(s.to_numpy(dtype=float, na_value=math.nan))
        else:
            columns.append(s.to_numpy(dtype=object))
    return _assemble(name, header, columns, range(1, len(frame) + 1), row_word, findings)


def frame_to_raw(frame: pd.DataFrame, *, name: str = "<DataFrame>") -> RawTable:
    """Public-to-the-package wrapper used by `sarcostat.io.cohort_from_frame`."""
    return _from_frame(frame, name, "record", [])
