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
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from concurrent.futures import ThreadPoolExecutor
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
    columns : mapping of str -> numpy.ndarray
        Cells per header, in file order: float arrays for typed numeric
        columns (SPSS, Stata, Parquet, DataFrames), object arrays otherwise.
        A file read in blocks builds a column's cells from ``factorized``
        when they are first asked for.
    row_numbers : list of int or numpy.ndarray
        For each data row, the row number shown in messages (an integer
        array for files read in blocks).
    row_word : str
        "row" for spreadsheet-like files (header = row 1), "case" for SPSS,
        Stata and Parquet records (first record = case 1).
    findings : list of Finding
        Notes made while reading (encoding fallback, unnamed columns).
    factorized : dict of str -> (codes, uniques)
        For columns read in blocks: ``columns[h]`` equals ``uniques[codes]``,
        so later steps classify each distinct cell once (``uniques`` may
        repeat a value).
    text_arrays : dict of str -> pyarrow.ChunkedArray
        For columns read in blocks with nearly one distinct cell per row
        (ids): the same stripped cells as ``columns[h]``, as Arrow strings,
        so that ids are checked with Arrow's string kernels.
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
    columns: MutableMapping[str, Any]
    row_numbers: list[int] | np.ndarray
    row_word: str = "row"
    findings: list[Finding] = field(default_factory=list)
    name: str = "<data>"
    text_cells: bool = False
    labels: dict[str, dict] = field(default_factory=dict)
    header_row: int | None = None
    units_row: int | None = None
    factorized: MutableMapping[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    text_arrays: dict[str, Any] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        return len(self.row_numbers)


def read_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    columns: Iterable[str] | None = None,
) -> RawTable:
    """Read ``path`` into a `RawTable`, choosing the reader by suffix.

    ``columns`` (headers as written) keeps only those columns: a Parquet file
    then reads just them from disk; other formats are read whole and cut.
    Headers not in the file are ignored.

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
    wanted = None if columns is None else [str(c) for c in columns]
    if suffix in TEXT_SUFFIXES:
        table = _read_text(p, suffix, encoding, sep)
    elif suffix in (".xlsx", ".xlsm"):
        table = _read_excel(p, sheet)
    elif suffix in (".sav", ".zsav", ".dta"):
        table = _read_readstat(p, suffix, encoding)
    else:
        return _read_parquet(p, wanted)
    return table if wanted is None else _keep_columns(table, wanted)


def _keep_columns(table: RawTable, wanted: list[str]) -> RawTable:
    keep = [h for h in table.headers if h in set(wanted)]
    table.headers = keep
    if isinstance(table.columns, _Columns):  # still lazy: nothing spread out here
        table.columns = _Columns({h: table.columns._data[h] for h in keep})
    else:
        table.columns = {h: table.columns[h] for h in keep}
    if isinstance(table.factorized, _Factorized):
        table.factorized = _Factorized(
            {h: table.factorized._data[h] for h in keep if h in table.factorized}
        )
    else:
        table.factorized = {h: v for h, v in table.factorized.items() if h in keep}
    table.text_arrays = {h: v for h, v in table.text_arrays.items() if h in keep}
    return table


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


#: Text files of at least this many bytes are read in blocks by
#: `_read_text_blocks`; smaller ones are parsed whole. Tests lower both
#: sizes to run the block reader on small files.
STREAM_MIN_BYTES = 4 << 20
#: Bytes per block of the block reader (cut at a line end).
BLOCK_BYTES = 8 << 20
#: A block's column with more distinct cells than this and than half its rows
#: (ids) is kept as plain strings, not codes into distinct cells.
DENSE_MIN = 1000
#: Rows of a long Parquet text column looked at to tell an id-like column
#: (kept as plain text) from a coded one (`_parquet_text`).
PLAIN_PROBE_ROWS = 65_536
#: Lines parsed whole at the top of a file read in blocks (title, header, units row).
_HEAD_LINES = 200


def _read_text(p: Path, suffix: str, encoding: str | None, sep: str | None) -> RawTable:
    name = p.name
    try:
        if p.stat().st_size >= STREAM_MIN_BYTES:
            return _read_text_blocks(p, suffix, encoding, sep)
    except _WholeText:
        pass  # a file the block reader does not handle exactly: parse it whole
    except OSError as exc:
        raise ReadError(f"{name}: cannot be read ({exc.strerror}).") from None
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


class _WholeText(Exception):
    """The block reader hands the file to the whole-text reader (`_read_text`)."""


# Bytes that may belong to a blank line: ASCII white space (str.strip's), the
# delimiter, quotes and any non-ASCII byte (possibly Unicode white space).
# Lines made only of these are checked one by one with the csv module.
_MAYBE_BLANK = np.zeros(256, dtype=bool)
_MAYBE_BLANK[[9, 11, 12, 13, 28, 29, 30, 31, 32, 34]] = True
_MAYBE_BLANK[128:] = True
_UNSURE = np.zeros(256, dtype=bool)  # of those, the bytes that may be text
_UNSURE[34] = True
_UNSURE[128:] = True


def _line_blocks(fh: Any, start: int, spare: int = 2) -> Iterable[tuple[int, memoryview]]:
    """(offset, view) of consecutive blocks of whole lines from ``start``.

    The blocks are read into ``spare`` buffers taken in turn, so a block's
    view stays valid until ``spare`` more blocks have been read (Arrow splits
    one block on the worker thread while the next is checked). A fresh
    buffer per block would cost a page fault per 4 KiB read: about 49,000
    faults and 0.15 s of system time for a 185 MB file.
    """
    fh.seek(start)
    buffers = [bytearray(BLOCK_BYTES) for _ in range(spare)]
    offset, k = start, 0
    carry: memoryview | bytes = b""
    while True:
        buf = buffers[k % spare]
        c = len(carry)
        if len(buf) < c + BLOCK_BYTES:  # a line longer than a block
            buf = buffers[k % spare] = bytearray(c + BLOCK_BYTES)
        view = memoryview(buf)
        view[:c] = carry  # the previous buffer's unfinished line
        got = fh.readinto(view[c : c + BLOCK_BYTES])
        total = c + got
        if not got:
            if c:
                yield offset, view[:c]
            return
        cut = buf.rfind(b"\n", 0, total) + 1
        if cut == 0:
            carry = bytes(view[:total])  # read on
            continue
        yield offset, view[:cut]
        offset += cut
        carry = view[cut:total]
        k += 1


def _decode_block(buf: bytes | memoryview, codec: str) -> bytes | memoryview:
    """The block as UTF-8 bytes; `_WholeText` when it is not valid in ``codec`` or holds NUL."""
    a = np.frombuffer(buf, dtype=np.uint8)
    if a.size and a.min() == 0:
        raise _WholeText
    if codec == "utf-8" and (not a.size or a.max() < 128):
        return buf  # ASCII is UTF-8: no text object to build just to check it
    try:
        text = str(buf, codec)
    except UnicodeDecodeError:
        raise _WholeText from None
    return buf if codec == "utf-8" else text.encode("utf-8")


def _scan_lines(
    a: np.ndarray, delim: int, count: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Line starts, line ends, lines with a cell, field counts and sorted
    separator positions of UTF-8 bytes.

    A line has a cell unless it is empty (or a lone carriage return). With
    ``count`` False the field counts and separator positions are None: they
    are the costliest part of the scan (every separator's position), and
    Arrow's parser checks the count of every line of a block against the
    width it is given anyway (see `_read_text_blocks`).

    The file has one record per line, as the csv module reads it, when every
    quote is where a strict CSV parser expects one (opening a field, closing
    it before a separator or the line end, or doubled inside it) and an even
    number of them stands on each line, and carriage returns come only before
    a line feed. Anything else (a cell over several lines, a stray or
    unclosed quote, old Mac line ends) raises `_WholeText`, and the
    whole-text reader gives its exact message.
    """
    size = a.size
    nl = np.flatnonzero(a == 10)
    ends = nl if (size == 0 or a[-1] == 10) else np.append(nl, size)
    starts = np.concatenate(([0], nl + 1))[: ends.size]
    cr = np.flatnonzero(a == 13)
    if cr.size and (cr[-1] + 1 >= size or (a[cr + 1] != 10).any()):
        raise _WholeText
    quote = a == 34
    q = np.flatnonzero(quote)
    length = ends - starts
    cells = (length > 0) & ~((length == 1) & (a[np.minimum(starts, max(size - 1, 0))] == 13))
    if q.size:
        if (np.diff(np.searchsorted(q, ends), prepend=0) & 1).any():
            raise _WholeText  # a line with an odd number of quotes
        # Every line holds an even number, so the quotes alternate opening and
        # closing across the whole block: q[0::2] must open a field (at a line
        # start, after a separator, or right after the quote before it: "")
        # and q[1::2] close one (before a separator or the line end, or right
        # before the next quote).
        qo, qc = q[0::2], q[1::2]
        doubled = qo[1:] == qc[:-1] + 1
        before = a[np.maximum(qo - 1, 0)]
        opens = (qo == 0) | (before == 10) | (before == delim)
        opens[1:] |= doubled
        after = a[np.minimum(qc + 1, size - 1)]
        closes = (qc + 1 == size) | (after == 10) | (after == delim) | (after == 13)
        closes[:-1] |= doubled
        if not (opens.all() and closes.all()):
            raise _WholeText
    if not count:
        return starts, ends, cells, None, None
    seps = np.flatnonzero(a == delim)
    if q.size:
        inside = np.cumsum(quote, dtype=np.uint8) & 1  # parity wraps, stays right
        seps = seps[inside[seps] == 0]
    upto = np.searchsorted(seps, ends)  # separators before each line end
    counts = np.diff(upto, prepend=0) + 1
    counts[~cells] = 0
    return starts, ends, cells, counts, seps


def _read_text_blocks(p: Path, suffix: str, encoding: str | None, sep: str | None) -> RawTable:
    """Read a large delimited file block by block, with the whole-text reader's rules.

    The file's first lines (title rows, header, units row) are parsed by the
    csv module exactly as `_read_text` does. The rest is checked with
    NumPy over the bytes of each block (line ends, quotes, blank lines;
    `_scan_lines`; the values per line in the first block, and in a block
    that Arrow's parser refuses at the width of the blocks before it),
    split into cells by Arrow's CSV parser, stripped, and kept per column
    as distinct cells plus codes. Every line is
    accounted for: blank lines keep their number, a line with too few or too
    many values is the same error, and any file whose quoting is not plain
    (a cell over several lines, a stray quote), whose encoding must be
    guessed, or that holds NUL bytes raises `_WholeText` so that the
    whole-text reader reads it or gives its message. Cells, row numbers and
    findings are those of `_read_text`.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from sarcostat.io import _arrow
    from sarcostat.progress import progress_bar

    name = p.name
    size = p.stat().st_size
    enc = check_encoding(encoding)
    codec = "utf-8" if enc in (None, "utf-8-sig") else enc
    probe = '\n\r,;\t|" '
    if codec.startswith(("utf_16", "utf_32", "utf_7", "utf-16", "utf-32")):
        raise _WholeText
    try:
        if probe.encode(codec) != probe.encode("ascii"):
            raise _WholeText
    except UnicodeEncodeError:
        raise _WholeText from None
    with open(p, "rb") as fh:
        first = fh.read(8)
        if first.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise _WholeText
        _refuse_binary(first, name)
        bom = 3 if codec == "utf-8" and first.startswith(b"\xef\xbb\xbf") else 0
        fh.seek(bom)
        head_lines = [fh.readline() for _ in range(_HEAD_LINES)]
        head_lines = [ln for ln in head_lines if ln]
        head_bytes = b"".join(head_lines)
        whole = bom + len(head_bytes) >= size
        head = _decode_block(head_bytes, codec)
        text = str(head, "utf-8")
        if not text.strip():
            raise _WholeText
        delim = sep or _sniff_delimiter(text, suffix)
        if not delim.isascii():
            raise _WholeText  # the byte scan looks for a one-byte separator
        dbyte = ord(delim)
        _scan_lines(np.frombuffer(head, dtype=np.uint8), dbyte, False)  # quotes, line ends
        records, _lines = parse_delimited(text, name, delim)
        records = [list(map(str.strip, rec)) for rec in records]
        numbered = [(k + 1, rec) for k, rec in enumerate(records) if any(rec)]
        if len(numbered) < 22 and not whole:
            raise _WholeText
        how = f"{_delim_name(delim)} was {'given' if sep else 'detected'}"
        findings: list[Finding] = []
        header_row, units_row, header, n, body = _head(name, numbered, findings, ragged=how)
        body_line = body[0][0] - 1 if body else len(records)  # first body line, 0-based
        start = bom + sum(len(ln) for ln in head_lines[:body_line])
        # each block's codes into the column's distinct cells; a plain block: its first code
        codes: list[list[Any]] = [[] for _ in range(n)]
        uniques: list[list[Any]] = [[] for _ in range(n)]
        texts: list[list[Any]] = [[] for _ in range(n)]  # Arrow cells of id-like columns
        offsets = [0] * n
        row_numbers: list[np.ndarray] = []
        ragged: tuple[int, int] | None = None  # (row, values) of the first ragged line
        plain: set[int] = set()  # columns not worth dictionary-encoding
        line0 = body_line  # 0-based number of the block's first line
        width = 0  # values per line of the last block parsed (0: none yet)

        def take(parsing: Any, rows: int) -> None:
            """Add a parsed block's cells to the columns."""
            cols = _arrow_columns(pa, parsing.result(), n)
            if (len(cols[0][2]) if cols[0][0] is None else cols[0][0].size) != rows:
                raise _WholeText
            for j, (idx, vals, arrow) in enumerate(cols):
                if idx is None:  # plain: codes only if a later block is coded
                    codes[j].append(offsets[j])
                    offsets[j] += len(arrow)
                    plain.add(j)  # ids: nearly one distinct cell per row
                else:
                    codes[j].append(idx + offsets[j])
                    offsets[j] += len(vals)
                uniques[j].append(vals)
                texts[j].append(arrow)

        def first_ragged(
            a: np.ndarray, ends: np.ndarray, kept: np.ndarray, line0: int, counts: Any, seps: Any
        ) -> tuple[tuple[int, int] | None, int]:
            """((row, values) of the block's first ragged line or None, the
            width of its kept lines); `_WholeText` for lines of several widths.
            ``counts`` and ``seps`` (`_scan_lines`) are found when None."""
            if counts is None or seps is None:
                _s, _e, _c, counts, seps = _scan_lines(a, dbyte)
            bad = kept & (counts < n)
            wide = np.flatnonzero(kept & (counts > n))
            if wide.size:
                tails = _blank_tails(a, dbyte, wide, ends, seps, n, delim)
                bad[wide[~tails]] = True
            if bad.any():
                j = int(np.argmax(bad))
                return (line0 + j + 1, int(counts[j])), 0
            width = np.unique(counts[kept])
            if width.size > 1:
                raise _WholeText  # rows of several widths (blank tails on some)
            return None, int(width[0]) if width.size else 0

        def kept_bytes(buf: Any, a: np.ndarray, starts: np.ndarray, kept: np.ndarray) -> Any:
            if kept.all():
                return buf
            length = np.diff(np.append(starts, a.size))
            return a[np.repeat(kept, length)].tobytes()

        def settle(block: tuple) -> None:
            """`take` a submitted block. A block submitted at the width of the
            blocks before it without its field counts (``block[2]`` holds its
            lines) that Arrow refuses (a line with another number of values)
            is counted here, while its buffer is still valid: its first
            ragged line is kept, or it is parsed again at its own width."""
            nonlocal ragged, width
            parsing, rows, unchecked = block
            try:
                take(parsing, rows)
                return
            except pa.ArrowInvalid:
                if unchecked is None:
                    raise
                if ragged is not None:
                    return  # an earlier line is the error
            buf, a, starts, ends, kept, at = unchecked
            found, own = first_ragged(a, ends, kept, at, None, None)
            if found is not None:
                ragged = ragged or found
                return
            width = own
            data = kept_bytes(buf, a, starts, kept)
            done = pool.submit(_arrow_parse, pa, pacsv, data, delim, own, n, frozenset(plain))
            take(done, rows)

        pending: tuple | None = None
        with (
            progress_bar(total=size, desc=f"read {name}", unit="B") as bar,
            ThreadPoolExecutor(max_workers=1) as pool,
        ):
            bar.update(start)
            for _offset, raw in _line_blocks(fh, start):
                bar.update(len(raw))
                buf = _decode_block(raw, codec)
                a = np.frombuffer(buf, dtype=np.uint8)
                # Once a block's lines are known to hold one value per column
                # (no blank values beyond the header's, whose tails must be
                # looked at), Arrow checks each later block's lines against
                # that width: their separators need not be found here (the
                # costliest part of the scan: 1.2 s for a 280 MB file of 55
                # columns). A block Arrow refuses is counted in `settle`.
                trust = width == n and ragged is None
                count = width != n and ragged is None  # after a ragged line: quotes only
                starts, ends, cells, counts, seps = _scan_lines(a, dbyte, count)
                n_lines = ends.size
                kept = _filled_lines(a, dbyte, starts, ends, cells, delim)
                unchecked = None
                if ragged is None and kept.any():
                    if trust:
                        unchecked = (buf, a, starts, ends, kept, line0)
                    else:
                        found, width = first_ragged(a, ends, kept, line0, counts, seps)
                        ragged = ragged or found
                if ragged is None and kept.any():
                    # Arrow splits this block into cells on the second core while
                    # the next block is checked here (both release the GIL).
                    parsing = pool.submit(
                        _arrow_parse,
                        pa,
                        pacsv,
                        kept_bytes(buf, a, starts, kept),
                        delim,
                        width,
                        n,
                        frozenset(plain),
                    )
                    if pending is not None:
                        settle(pending)
                    pending = (parsing, int(kept.sum()), unchecked)
                    if not row_numbers:  # the first block decides which columns are plain
                        settle(pending)
                        pending = None
                    row_numbers.append(np.flatnonzero(kept) + line0 + 1)
                elif pending is not None:
                    # the next block is read into the buffer Arrow may be reading
                    settle(pending)
                    pending = None
                line0 += n_lines
            if pending is not None:
                settle(pending)
    if ragged is not None:
        raise _ragged_error(name, ragged[0], ragged[0], ragged[1], header_row, n, how)
    factorized: list[tuple[np.ndarray, Any]] = []
    columns: list[Any] = []
    text_arrays = {}
    counting: np.ndarray | None = None  # the codes of every plain column (read-only)
    for j in range(n):
        if uniques[j] and all(v is None for v in uniques[j]):
            # plain in every block: its cells stay in Arrow until a step asks
            arrow = pa.chunked_array([c for t in texts[j] for c in t.chunks], pa.string())
            text_arrays[j] = arrow
            if counting is None or counting.size != len(arrow):
                counting = np.arange(len(arrow), dtype=np.int32)
                counting.flags.writeable = False
            lazy = _LazyTexts(arrow)
            factorized.append((counting, lazy))
            columns.append(_Spread(counting, lazy))
            continue
        for k, vals in enumerate(uniques[j]):  # plain blocks of a column coded elsewhere
            if vals is None:
                uniques[j][k] = texts[j][k]
                start = codes[j][k]
                codes[j][k] = np.arange(start, start + len(texts[j][k]), dtype=np.int32)
        c = np.concatenate(codes[j]) if codes[j] else np.empty(0, dtype=np.int32)
        pieces = [
            x for v in uniques[j] for x in (v.chunks if isinstance(v, pa.ChunkedArray) else (v,))
        ]
        whole = pa.concat_arrays(pieces) if pieces else _arrow.strings([])
        if len(uniques[j]) > 1 and j not in plain:
            # one entry per distinct cell of the whole column, not per block,
            # numbered in order of first appearance; merged in Arrow, so that
            # only the column's distinct cells become Python strings (a
            # 63-column file: 1.1 million per-block cells through a dict took
            # 0.5 s)
            merged = whole.dictionary_encode()
            c = _arrow.ints(merged.indices)[c]
            whole = merged.dictionary
        u = _arrow.texts(whole)
        factorized.append((c, u))
        columns.append(_Spread(c, u))
    rows = np.concatenate(row_numbers) if row_numbers else np.empty(0, dtype=np.int64)
    table = _assemble(name, header, columns, rows, "row", findings, factorized, text_arrays)
    table.header_row, table.units_row = header_row, units_row
    table.text_cells = True
    return table


def _firm_bytes(a: np.ndarray, dbyte: int) -> np.ndarray:
    """Running count of bytes that are surely text (not blank, quote or separator), from 0."""
    maybe = _MAYBE_BLANK.copy()
    maybe[dbyte] = True
    firm = np.zeros(a.size + 1, dtype=np.int32)
    np.cumsum(~maybe[a], dtype=np.int32, out=firm[1:])
    return firm


def _soft_bytes(a: np.ndarray) -> np.ndarray:
    soft = np.zeros(a.size + 1, dtype=np.int32)
    np.cumsum(_UNSURE[a], dtype=np.int32, out=soft[1:])
    return soft


#: Lines `_filled_lines` looks at one by one at most (more: whole-block passes).
_FEW_LINES = 1000


def _is_text(b: np.ndarray, dbyte: int) -> np.ndarray:
    """True for the bytes that are surely text: ASCII from '0' up, not the separator."""
    text = (b >= 48) & (b < 128)
    if 48 <= dbyte < 128:
        text &= b != dbyte  # ';' or '|' separates, it is not text
    return text


def _filled_lines(
    a: np.ndarray,
    dbyte: int,
    starts: np.ndarray,
    ends: np.ndarray,
    cells: np.ndarray,
    delim: str,
) -> np.ndarray:
    """True for each line with a cell that is not blank after stripping (csv
    module's reading); ``cells``: the lines with a cell (`_scan_lines`)."""
    if not starts.size:
        return np.zeros(0, dtype=bool)
    maybe = _MAYBE_BLANK.copy()
    maybe[[dbyte, 10]] = True
    # A line that opens with a digit or letter, or with a quote and then one,
    # has a first cell that is not blank: that settles nearly every line of
    # a cohort (an id first; R's quoted row names) by one or two bytes each,
    # instead of comparisons over every byte (0.2 s for a 430 MB file).
    last = a.size - 1
    first = a[np.minimum(starts, last)]
    second = a[np.minimum(starts + 1, last)]
    kept = cells & (_is_text(first, dbyte) | ((first == 34) & _is_text(second, dbyte)))
    rest = np.flatnonzero(~kept & cells)
    if rest.size > _FEW_LINES:
        # Many lines open otherwise (a blank or spaced first cell): a digit
        # or letter anywhere settles most with two comparisons per byte; the
        # byte table (a gather, five times slower) is looked up for the rest.
        kept = np.logical_or.reduceat(_is_text(a, dbyte), starts)
        if np.count_nonzero(~kept & cells) > _FEW_LINES:
            kept = np.logical_or.reduceat(~maybe[a], starts)
            rest = rest[:0]
        else:
            rest = np.flatnonzero(~kept & cells)
    for i in rest:
        kept[i] = bool((~maybe[a[starts[i] : ends[i]]]).any())
    unsure = np.flatnonzero(~kept & cells)
    if unsure.size:
        soft = _soft_bytes(a)
        for i in unsure[(soft[ends[unsure]] - soft[starts[unsure]]) > 0]:
            line = a[starts[i] : ends[i]].tobytes().decode("utf-8")
            rec = next(csv.reader([line], delimiter=delim, strict=True), [])
            kept[i] = any(c.strip() for c in rec)
    return kept


def _blank_tails(
    a: np.ndarray,
    dbyte: int,
    lines: np.ndarray,
    ends: np.ndarray,
    seps: np.ndarray,
    n: int,
    delim: str,
) -> np.ndarray:
    """For lines with more than ``n`` values: True where the values beyond ``n`` are all blank."""
    line_of = np.searchsorted(ends, seps)
    first = np.searchsorted(line_of, lines)
    cut = seps[first + n - 1] + 1  # the first byte after the n-th value
    firm = _firm_bytes(a, dbyte)
    soft = _soft_bytes(a)
    blank = (firm[ends[lines]] - firm[cut]) == 0
    for k in np.flatnonzero(blank & ((soft[ends[lines]] - soft[cut]) > 0)):
        tail = a[cut[k] : ends[lines[k]]].tobytes().decode("utf-8")
        rec = next(csv.reader([tail], delimiter=delim, strict=True), [])
        blank[k] = not any(c.strip() for c in rec)
    return blank


def _arrow_parse(
    pa: Any,
    pacsv: Any,
    data: bytes | memoryview,
    delim: str,
    width: int,
    n: int,
    plain: frozenset[int],
) -> Any:
    """The first ``n`` of ``width`` columns of a checked block, split into cells by Arrow.

    Columns are dictionary-encoded (the parser builds each column's distinct
    cells as it goes), except those in ``plain`` (ids: every cell distinct).
    """
    names = [f"c{j}" for j in range(width)]
    coded = pa.dictionary(pa.int32(), pa.string())
    return pacsv.read_csv(
        pa.BufferReader(pa.py_buffer(data)),
        read_options=pacsv.ReadOptions(column_names=names, block_size=max(1 << 20, len(data) + 1)),
        parse_options=pacsv.ParseOptions(
            delimiter=delim,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=False,
            ignore_empty_lines=False,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={c: pa.string() if j in plain else coded for j, c in enumerate(names)},
            include_columns=names[:n],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            # `_decode_block` has checked (ASCII) or made (decoded, encoded
            # again) every block valid UTF-8, and cutting at line ends keeps
            # it so: Arrow's own check of every cell was 13% of the CPU of
            # `validate` on a 430 MB file
            check_utf8=False,
        ),
    )


def _arrow_columns(pa: Any, table: Any, n: int) -> list[tuple[np.ndarray | None, Any, Any]]:
    """(codes, stripped distinct cells, Arrow cells) of each of the ``n`` columns of `_arrow_parse`.

    A column with nearly one distinct cell per row (ids, measurements written
    to full precision) is plain: no codes (None: they would count up), its cells stay in
    Arrow (stripped; the distinct cells are None, made only when asked for,
    see `_LazyTexts`). Other columns come as codes into their stripped distinct
    cells, and no Arrow cells (None).
    """
    from sarcostat.io import _arrow

    out: list[tuple[np.ndarray | None, Any, Any]] = []
    for j in range(n):
        parts: list[tuple[np.ndarray | None, Any, Any]] = []
        for chunk in table.column(j).chunks:
            if pa.types.is_dictionary(chunk.type):
                idx = _arrow.ints(chunk.indices)
                if len(chunk.dictionary) <= max(len(idx) // 2, DENSE_MIN):
                    # stripped in Arrow: Python strings are made once per
                    # column, after the blocks' cells are merged
                    parts.append((idx, _arrow.stripped(chunk.dictionary), None))
                    continue
                chunk = chunk.cast(pa.string())  # dense: plain from here on
            parts.append((None, None, _arrow.stripped(chunk)))
        if not parts:
            out.append((np.empty(0, dtype=np.int32), np.empty(0, dtype=object), None))
        elif all(v is None for _i, v, _a in parts):
            whole = pa.chunked_array([a for _i, _v, a in parts], type=pa.string())
            out.append((None, None, whole))
        else:  # plain and coded chunks in one block: cells for all
            idx_parts, val_parts, offset = [], [], 0
            for got, given, arrow in parts:
                cells = arrow if given is None else given
                idx = np.arange(len(cells), dtype=np.int32) if got is None else got
                idx_parts.append(idx + offset)
                val_parts.append(cells)
                offset += len(cells)
            out.append((np.concatenate(idx_parts), pa.concat_arrays(val_parts), None))
    return out


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


def _head(
    name: str,
    numbered: list[tuple[int, list[Any]]],
    findings: list[Finding],
    *,
    ragged: str | None,
) -> tuple[int, int | None, list[Any], int, list[tuple[int, list[Any]]]]:
    """The header row, the units row (None), the header, its width and the body of the
    numbered filled records.

    Skips title rows above the header (with a note) and joins a row of units
    under it to the headers. Only the first 21 filled records are looked at,
    so the block reader (`_read_text_blocks`) calls it on the file's
    first lines alone.
    """
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
    return header_row, units_row, list(header), n, body


def _ragged_error(
    name: str, k: int, line: int, width: int, header_row: int, n: int, how: str
) -> ReadError:
    where = f"row {k}" + (f" (line {line})" if line != k else "")
    return ReadError(
        f"{name}, {where}: has {width} values but the header (row "
        f"{header_row}) has {n} columns, so values would shift into other columns; "
        f"check the delimiter ({how}; "
        "choose it with --sep), quoting, or a missing or extra separator on that line."
    )


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
    header_row, units_row, header, n, body = _head(name, numbered, findings, ragged=ragged)
    rows = []
    for k, rec in body:
        spans = ragged is not None and any(isinstance(c, str) and "\n" in c for c in rec)
        if ragged is not None and (
            len(rec) < n or (len(rec) > n and (spans or any(not is_blank(c) for c in rec[n:])))
        ):
            line = lines[k - 1] if lines is not None else k
            raise _ragged_error(name, k, line, len(rec), header_row, n, ragged)
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
    columns: list[Any],
    row_numbers: Iterable[int] | np.ndarray,
    row_word: str,
    findings: list[Finding],
    factorized: Sequence[tuple[np.ndarray, Any] | None] | None = None,
    text_arrays: dict[int, Any] | None = None,
) -> RawTable:
    """Name blank headers, drop empty unnamed columns, refuse duplicate headers."""
    headers: list[str] = []
    data: dict[str, Any] = {}
    distinct: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    arrows: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for j, (h, cells) in enumerate(zip(header, columns)):
        h = "" if is_blank(h) else _header_text(h)
        if not h:
            distinct_cells = factorized[j] if factorized is not None else None
            if distinct_cells is None:
                given = cells
            elif isinstance(distinct_cells[1], _LazyTexts):
                given = distinct_cells[1].cells()
            else:
                given = distinct_cells[1]
            if all(is_blank(c) for c in given):
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
        coded = factorized[j] if factorized is not None else None
        if coded is not None:
            distinct[h] = coded
        if text_arrays and j in text_arrays:
            arrows[h] = text_arrays[j]
    if not headers:
        raise ReadError(f"{name}: has no named columns.")
    rows = row_numbers if isinstance(row_numbers, np.ndarray) else list(row_numbers)
    table = RawTable(headers, _Columns(data), rows, row_word, findings, name)
    table.factorized = _Factorized(distinct)
    table.text_arrays = arrows
    return table


class _LazyTexts:
    """The stripped cells of a plain column, kept in Arrow: the object array of
    Python strings (a tenth of a second per million cells) is made when a
    step first asks for the distinct cells, and then once."""

    __slots__ = ("arrow", "_cells")

    def __init__(self, arrow: Any) -> None:
        self.arrow = arrow
        self._cells: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.arrow)

    def cells(self) -> np.ndarray:
        if self._cells is None:
            from sarcostat.io import _arrow

            self._cells = _arrow.texts(self.arrow)
        return self._cells


class _Held(MutableMapping):
    """A dict behind a mapping whose reads may build what they return."""

    def __init__(self, data: dict[str, Any]) -> None:
        self._data = data

    def __setitem__(self, header: str, value: Any) -> None:
        self._data[header] = value

    def __delitem__(self, header: str) -> None:
        del self._data[header]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)


class _Factorized(_Held):
    """``RawTable.factorized`` of a file read in blocks: ``(codes, distinct
    cells)`` per column, the distinct cells of a plain column made from Arrow
    only when asked for (`codes` and `arrow` do not make them)."""

    def __getitem__(self, header: str) -> tuple[np.ndarray, np.ndarray]:
        codes, cells = self._data[header]
        return codes, (cells.cells() if isinstance(cells, _LazyTexts) else cells)

    def __contains__(self, header: object) -> bool:
        return header in self._data

    def codes(self, header: str) -> np.ndarray:
        return self._data[header][0]

    def arrow(self, header: str) -> Any:
        """The Arrow array of the distinct cells (in their order), or None."""
        cells = self._data[header][1]
        return cells.arrow if isinstance(cells, _LazyTexts) else None


class _Spread:
    """A column kept as codes into its distinct cells until its cells are asked for."""

    __slots__ = ("codes", "uniques")

    def __init__(self, codes: np.ndarray, uniques: Any) -> None:
        self.codes, self.uniques = codes, uniques

    def __len__(self) -> int:
        return len(self.codes)


class _Columns(_Held):
    """``RawTable.columns`` of a file read in blocks: a column read in blocks is
    spread out of its distinct cells (``uniques[codes]``, an object array of a
    million pointers) only when a step asks for its cells, and then once.
    Most steps work on the distinct cells (``RawTable.factorized``)."""

    def __getitem__(self, header: str) -> Any:
        cells = self._data[header]
        if isinstance(cells, _Spread):
            if isinstance(cells.uniques, _LazyTexts):  # plain: the distinct cells are the rows
                cells = self._data[header] = cells.uniques.cells()
            else:
                cells = self._data[header] = cells.uniques[cells.codes]
        return cells


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


def _read_parquet(p: Path, columns: list[str] | None = None) -> RawTable:
    """A Parquet file column by column (only ``columns`` when given).

    Each column goes from Arrow to NumPy on its own and its Arrow copy is
    dropped before the next is read, so the peak is the table plus one
    column, not two copies of the table.
    """
    import pyarrow.parquet as pq

    from sarcostat.io import _arrow
    from sarcostat.progress import progress_bar

    name = p.name
    try:
        pf = pq.ParquetFile(p)
        names = [f.name for f in pf.schema_arrow]
        if columns is not None:
            names = [c for c in names if c in set(columns)]
        parts: list[tuple[str, Any]] = []
        coded: dict[int, tuple[np.ndarray, Any]] = {}
        arrows: dict[int, Any] = {}
        numbers: dict[int, np.ndarray] = {}
        with progress_bar(total=len(names), desc=f"read {name}", unit="columns") as bar:
            for j, c in enumerate(names):
                table = pf.read(columns=[c], use_threads=True)
                text = _parquet_text(table.column(0))
                if text is not None:
                    coded[j], arrow = text
                    if arrow is not None:
                        arrows[j] = arrow
                    parts.append((c, None))
                elif _is_float(table.column(0).type):
                    # floats straight from Arrow's buffers: no pandas (0.2 s to import)
                    numbers[j] = _arrow.floats(table.column(0))
                    parts.append((c, None))
                else:
                    frame = table.to_pandas()
                    parts.append((c, frame[c] if c in frame.columns else frame.iloc[:, 0]))
                bar.update(1)
        nrows = pf.metadata.num_rows
    except Exception as exc:  # pyarrow errors have no common public base
        raise ReadError(
            f"{name}: cannot be read as Parquet ({type(exc).__name__}: {exc})."
        ) from None
    return _from_series(parts, nrows, name, "case", [], coded, arrows, numbers)


def _is_float(kind: Any) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_float32(kind) or pa.types.is_float64(kind))


def _parquet_text(col: Any) -> tuple[tuple[np.ndarray, Any], Any] | None:
    """A Parquet text column as (codes, distinct cells) and, for an id-like column
    (nearly one distinct cell per row, no nulls), its Arrow cells; None for other types.

    Arrow's hash table finds the distinct cells (a blank cell is None), so the
    checks classify each once, as for a CSV file read in blocks.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    from sarcostat.io import _arrow

    if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
        return None
    col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if col.null_count == 0 and len(col) >= PLAIN_PROBE_ROWS:
        # Mostly distinct in its first rows (ids): kept as plain text, as a
        # CSV file's id-like columns are (`_LazyTexts`, the rows as their own
        # distinct cells), without hashing every cell here: for 10**6 ids
        # that took 0.6 s, a third of `validate` of the file, and the id
        # checks hash them anyway (`arrow_ids`). Right for any column; the
        # first rows only decide which way is cheaper.
        head = col.slice(0, PLAIN_PROBE_ROWS)
        if pc.count_distinct(head).as_py() > PLAIN_PROBE_ROWS // 2:
            text = _arrow.stripped(col.cast(pa.string()))
            counting = np.arange(len(text), dtype=np.int32)
            return (counting, _LazyTexts(text)), text
    enc = pc.dictionary_encode(col, null_encoding="encode")
    codes = _arrow.ints(enc.indices).copy()
    uniques = np.empty(len(enc.dictionary), dtype=object)
    uniques[:] = enc.dictionary.to_pylist()
    dense = len(uniques) > max(len(codes) // 2, DENSE_MIN) and col.null_count == 0
    return (codes, uniques), (col.cast(pa.string()) if dense else None)


_INT_DTYPES = {"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64"}


def _from_frame(frame: pd.DataFrame, name: str, row_word: str, findings: list[Finding]) -> RawTable:
    """Wrap an in-memory DataFrame (already typed) as a RawTable."""
    parts = [(frame.columns[j], frame.iloc[:, j]) for j in range(frame.shape[1])]
    return _from_series(parts, len(frame), name, row_word, findings)


def _from_series(
    parts: list[tuple[Any, Any]],
    nrows: int,
    name: str,
    row_word: str,
    findings: list[Finding],
    coded: dict[int, tuple[np.ndarray, np.ndarray]] | None = None,
    text_arrays: dict[int, Any] | None = None,
    numbers: dict[int, np.ndarray] | None = None,
) -> RawTable:
    """Typed columns (pandas Series, in order) as a RawTable; each part is released once used.

    ``coded`` holds the text columns already given as (codes, distinct cells)
    and ``numbers`` the float columns already converted (their parts are
    None); ``text_arrays`` the Arrow cells of some text columns.
    """
    coded = coded or {}
    numbers = numbers or {}
    header = [str(c) for c, _s in parts]
    columns: list[Any] = []
    for j in range(len(parts)):
        if j in coded:
            columns.append(_Spread(*coded[j]))
            continue
        if j in numbers:
            columns.append(numbers.pop(j))
            continue
        s = parts[j][1]
        parts[j] = (parts[j][0], None)  # the Series' memory goes as soon as it is converted
        columns.append(_typed_cells(s))
        del s
    factorized = [coded.get(j) for j in range(len(parts))] if coded else None
    rows = range(1, nrows + 1)
    return _assemble(name, header, columns, rows, row_word, findings, factorized, text_arrays)


def _typed_cells(s: pd.Series) -> np.ndarray:
    if s.dtype.kind in "iu" or str(s.dtype) in _INT_DTYPES:
        # Integers stay exact: an 18-digit id does not fit a float64. They
        # become floats only when every value fits one exactly.
        na = s.isna().to_numpy()
        unsigned = s.dtype.kind == "u" or str(s.dtype).startswith("UInt")
        ints = s.to_numpy(dtype=np.uint64 if unsigned else np.int64, na_value=0)
        big = ints > 2**53 if unsigned else (ints > 2**53) | (ints < -(2**53))
        if not (big & ~na).any():
            return s.to_numpy(dtype=float, na_value=math.nan)
        out: np.ndarray = np.empty(len(s), dtype=object)
        out[:] = [None if missing else int(v) for v, missing in zip(ints.tolist(), na)]
        return out
    if s.dtype.kind == "f":
        # na_value: nullable Float64 columns hold pd.NA, not NaN.
        return s.to_numpy(dtype=float, na_value=math.nan)
    return s.to_numpy(dtype=object)


def frame_to_raw(frame: pd.DataFrame, *, name: str = "<DataFrame>") -> RawTable:
    """Public-to-the-package wrapper used by `sarcostat.io.cohort_from_frame`."""
    return _from_frame(frame, name, "record", [])
