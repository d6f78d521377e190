"""Concentrations into the cohort file: ``sarcostat elisa ... --merge COHORT``.

The cohort is read by the cohort reader (same suffixes and the same
``encoding`` / ``sep`` / ``decimal`` / ``sheet`` options as every other
command); its id column is the one the column map (or the automatic
mapping) assigns to ``id``. Ids are matched by the one rule of
`sarcostat.io.ids`. The merged cohort is a copy in the same format
with the analyte added; the input is only ever read.

How a value below the detection limit is written, so that ``sarcostat
analyze`` (and `sarcostat.io.read_cohort`) read it back as
left-censored:

* text and Excel files (CSV/TSV/TXT, XLSX/XLSM): one column ``<analyte>``
  holding numbers and censored text ``<3.2``, as ``concentrations.csv``;
  a CSV keeps its encoding, field separator, line endings and decimal mark
  (``--decimal ,`` writes ``41,5`` and ``<3,2``); every other cell is
  copied as written; an Excel workbook keeps its other sheets, formulas and
  formatting;
* typed formats (SPSS ``.sav``/``.zsav``, Stata ``.dta``, Parquet): two
  numeric columns, ``<analyte>`` (the value, empty when censored) and
  ``<analyte>_lod`` (the limit of a censored value, empty otherwise), the
  layout the cohort reader reads as censored (``docs/dev/contracts.md``);
  SPSS/Stata variable labels, value labels and missing-value declarations
  of the other variables are kept.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sarcostat.exceptions import ParameterError, ReadError, SchemaError

TEXT = (".csv", ".tsv", ".txt")
EXCEL = (".xlsx", ".xlsm")
TYPED = (".sav", ".zsav", ".dta", ".parquet", ".pq")


@dataclass
class MergeResult:
    """A merge ready to be written (`write`) and what it matched.

    Attributes
    ----------
    name : str
        File name of the merged cohort (``<cohort stem>_with_<analyte><suffix>``).
    columns : list of str
        Columns added (or replaced).
    n_rows : int
        Data rows of the cohort.
    n_matched : int
        Cohort rows whose id is among the assayed samples.
    n_values : int
        Cohort rows that got a value (a number or a censored value).
    n_censored : int
        Of those, censored (below the LOD/LLOQ).
    n_no_id : int
        Cohort rows without an id (left empty).
    cohort_only : list of str
        Cohort ids with no assayed sample, in cohort order.
    plates_only : list of str
        Assayed sample ids not in the cohort, in sample order.
    replaced : bool
        True when existing columns were replaced (``replace=True``).
    """

    name: str
    columns: list[str]
    n_rows: int
    n_matched: int
    n_values: int
    n_censored: int
    n_no_id: int
    cohort_only: list[str]
    plates_only: list[str]
    replaced: bool = False
    _writer: Any = field(default=None, repr=False)

    def write(self, path) -> None:
        """Write the merged cohort to ``path`` (a staged temporary file)."""
        self._writer(Path(path))

    def summary(self) -> dict:
        return {
            "file": self.name,
            "columns": list(self.columns),
            "cohort_rows": self.n_rows,
            "matched_rows": self.n_matched,
            "rows_with_value": self.n_values,
            "rows_censored": self.n_censored,
            "rows_without_id": self.n_no_id,
            "cohort_ids_not_assayed": len(self.cohort_only),
            "assayed_ids_not_in_cohort": len(self.plates_only),
            "replaced": self.replaced,
        }


def _values(conc, analyte: str) -> dict[str, Any]:
    """id key -> value (float or '<x'/'>x' text) of ``concentrations`` (id, analyte)."""
    from sarcostat.io.ids import id_key

    out: dict[str, Any] = {}
    for sid, v in zip(conc["id"], conc[analyte]):
        k = id_key(sid)
        if k is not None and k not in out:
            out[k] = v
    return out


def _split(v) -> tuple[float, float]:
    """(value, limit) of one concentration: '<3.2' -> (nan, 3.2); 41.5 -> (41.5, nan)."""
    if isinstance(v, str):
        t = v.strip()
        if t.startswith("<"):
            return math.nan, float(t[1:])
        if t.startswith(">") or not t:
            return math.nan, math.nan
        return float(t), math.nan
    try:
        f = float(v)
    except (TypeError, ValueError):
        return math.nan, math.nan
    return (f, math.nan) if math.isfinite(f) else (math.nan, math.nan)


def _same_name(header: str, name: str) -> bool:
    from sarcostat.io.mapping import match_biomarker_header
    from sarcostat.io.variables import normalize_header

    key = normalize_header(name)
    if normalize_header(header) == key:
        return True
    bio = match_biomarker_header(header)
    return bio is not None and bio[0] == key


def _id_header(raw, mapping, *, encoding) -> tuple[str, dict[str, str]]:
    """The id column's header, and canonical name -> header of every mapped column."""
    from sarcostat.io.mapping import load_mapping, resolve_columns

    cmap = load_mapping(mapping, encoding=encoding)
    res = resolve_columns(list(raw.headers), cmap, file=raw.name)
    owners = {canonical: h for h, (canonical, _unit) in res.columns.items()}
    owners.update({name: spec.column for name, spec in res.biomarkers.items() if spec.column})
    for h, (canonical, _unit) in res.columns.items():
        if canonical == "id":
            return h, owners
    raise SchemaError(
        f"{raw.name}: no participant id column was found, so the concentrations cannot be "
        f"matched to its rows; its columns are {list(raw.headers)}. Name the id column in a "
        'column map ([columns] "Subject No" = "id") and give it with --map.'
    )


def _column_index(records, raw, wanted: str) -> int:
    """0-based position in the file of the column the reader calls ``wanted``."""
    from sarcostat.io.readers import _header_text, is_blank

    header = records[raw.header_row - 1]
    units = records[raw.units_row - 1] if raw.units_row is not None else []
    for j, h in enumerate(header):
        if is_blank(h):
            continue
        name = _header_text(h.strip() if isinstance(h, str) else h)
        u = units[j] if j < len(units) else None
        if not is_blank(u):
            name = f"{name} ({str(u).strip()})"
        if name == wanted:
            return j
    raise SchemaError(f"{raw.name}: column {wanted!r} could not be located for merging.")


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._") or "analyte"


def merge_concentrations(
    cohort_path,
    concentrations,
    *,
    analyte: str,
    unit: str = "",
    mapping=None,
    sheet=None,
    encoding=None,
    sep=None,
    decimal=None,
    replace: bool = False,
) -> MergeResult:
    """Plan the merge of ``concentrations`` (columns ``id`` and ``analyte``,
    from `AssayResult.to_cohort_frame`) into the cohort file.

    Parameters
    ----------
    cohort_path : str or path-like
        The cohort (any format the cohort reader takes); only read.
    concentrations : pandas.DataFrame
        ``id`` and ``analyte``: numbers, censored text ``<3.2`` or missing.
    analyte : str
        Name of the column added.
    unit : str, optional
        Unit, for the SPSS/Stata variable label.
    mapping : str, path-like or dict, optional
        Column map of the cohort (to find its id column), as ``read_cohort``.
    sheet, encoding, sep, decimal
        Reading options, as ``read_cohort``; a CSV is written back with the
        same encoding, separator and decimal mark.
    replace : bool, default False
        Replace a column that already has the analyte's name (else an error).

    Returns
    -------
    MergeResult
        The counts, the unmatched ids of both sides, and ``write(path)``.

    Examples
    --------
    >>> m = merge_concentrations("clinic.xlsx", res.to_cohort_frame("dkk1"),
    ...                          analyte="dkk1", mapping="clinic_map.toml")  # doctest: +SKIP
    >>> m.cohort_only, m.plates_only  # doctest: +SKIP
    >>> m.write("clinic_with_dkk1.xlsx")  # doctest: +SKIP

    Raises
    ------
    ReadError, SchemaError, ParameterError
        The cohort cannot be read, has no id column, or already has a column
        named like the analyte (``replace=False``).
    """
    from sarcostat.io.readers import SUPPORTED_SUFFIXES, check_encoding, check_sep, read_table

    p = Path(cohort_path)
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        read_table(p)  # the reader's own message for a missing file or an unknown type
    if decimal not in (None, ".", ","):
        raise ParameterError(f"The 'decimal' option must be '.' or ','. Got {decimal!r} instead.")
    enc = check_encoding(encoding, function="elisa --merge")
    delim = check_sep(sep, function="elisa --merge")
    values = _values(concentrations, analyte)
    typed = suffix in TYPED
    names = [analyte, f"{analyte}_lod"] if typed else [analyte]
    out_name = f"{p.stem}_with_{_safe(analyte)}{p.suffix}"
    if suffix in TEXT:
        return _merge_text(p, values, names, out_name, enc, delim, decimal or ".", mapping, replace)
    if sheet is not None and suffix not in EXCEL:
        read_table(p, sheet=sheet)  # the reader's message
    raw = read_table(p, sheet=sheet, encoding=enc, sep=delim)
    if suffix in EXCEL:
        return _merge_excel(p, raw, values, names, out_name, mapping, enc, replace)
    return _merge_typed(p, raw, values, names, out_name, unit, mapping, enc, replace)


def _match(raw, id_header, owners, values, names, replace, *, file):
    """(per data row: value or None, result counts) and the clash check: a header
    named like the new column, or the column the map (or the automatic mapping)
    reads as the variable or biomarker of that name."""
    from sarcostat.io.ids import id_key, id_text
    from sarcostat.io.variables import normalize_header

    clash = [h for h in raw.headers for n in names if _same_name(h, n)]
    for n in names:
        owner = owners.get(normalize_header(n)) or owners.get(n)
        if owner is not None and owner not in clash:
            clash.append(owner)
    if id_header in clash:
        raise SchemaError(
            f"{file}: the concentrations would be named like the id column {id_header!r}; "
            "choose another name with --analyte."
        )
    if clash and not replace:
        raise SchemaError(
            f"{file} already has a column {clash[0]!r} that reads as {names[0]} (by its "
            f"name or the column map), the column the concentrations would be added as; "
            "nothing was merged. Choose another name with "
            "--analyte, or give --merge-replace to replace that column in the merged copy "
            "(the input file is never changed)."
        )
    ids = raw.columns[id_header]
    per_row = []
    cohort_keys: dict[str, str] = {}
    n_no_id = 0
    for cell in ids:
        k = id_key(cell)
        if k is None:
            n_no_id += 1
            per_row.append(None)
            continue
        cohort_keys.setdefault(k, id_text(cell) or k)
        per_row.append(values.get(k))
    matched = [v for v, c in zip(per_row, ids) if id_key(c) in values]
    got = [v for v in matched if not (isinstance(v, float) and math.isnan(v)) and v is not None]
    counts = {
        "n_rows": len(ids),
        "n_matched": len(matched),
        "n_values": len([v for v in got if not math.isnan(_split(v)[0]) or _split(v)[1] > 0]),
        "n_censored": len([v for v in got if isinstance(v, str) and v.startswith("<")]),
        "n_no_id": n_no_id,
        "cohort_only": [t for k, t in cohort_keys.items() if k not in values],
        "plates_only": [k for k in values if k not in cohort_keys],
    }
    return per_row, counts, clash


# ------------------------------------------------------------------------ text


def _text_encoding(raw_bytes: bytes, encoding: str | None) -> str:
    from sarcostat.io.readers import guess_encoding

    if encoding is not None:
        return encoding
    if raw_bytes.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if raw_bytes.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        raw_bytes.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return guess_encoding(raw_bytes, exclude="utf-8-sig")


def _cell_text(v, decimal: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    text = v if isinstance(v, str) else repr(float(v))
    return text.replace(".", ",") if decimal == "," else text


def _merge_text(p, values, names, out_name, enc, delim, decimal, mapping, replace):
    from sarcostat.io.readers import (
        _delim_name,
        _from_records,
        _sniff_delimiter,
        decode_text,
        parse_delimited,
    )

    data = p.read_bytes() if p.exists() else b""
    if not p.exists() or p.is_dir() or not data:
        from sarcostat.io.readers import read_table

        read_table(p)  # the reader's message
    text, findings = decode_text(data, p.name, enc)
    given = delim is not None
    delim = delim or _sniff_delimiter(text, p.suffix.lower())
    how = f"{_delim_name(delim)} was {'given' if given else 'detected'}"
    records, lines = parse_delimited(text, p.name, delim)
    raw = _from_records(
        p.name, [[c.strip() for c in r] for r in records], findings, ragged=how, lines=lines
    )
    id_header, owners = _id_header(raw, mapping, encoding=enc)
    per_row, counts, clash = _match(raw, id_header, owners, values, names, replace, file=p.name)
    header = records[raw.header_row - 1]
    n = len(header)
    while n > 1 and not header[n - 1].strip():
        n -= 1
    if clash:
        col = _column_index(records, raw, clash[0])
        insert = False
    else:
        col, insert = n, True
    cells = {k: _cell_text(v, decimal) for k, v in zip(raw.row_numbers, per_row)}
    cells[raw.header_row] = names[0] if insert else header[col]
    if raw.units_row is not None:
        cells[raw.units_row] = "" if insert else records[raw.units_row - 1][col]
    out_enc = _text_encoding(data, enc)
    newline = "\r\n" if "\r\n" in text[:100000] else "\n"

    def writer(path: Path) -> None:
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=delim, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
        for k, rec in enumerate(records, start=1):
            rec = list(rec)
            if k in cells:
                rec += [""] * (col - len(rec)) if len(rec) < col else []
                if insert:
                    rec.insert(col, cells[k])
                else:
                    rec[col] = cells[k]
                w.writerow(rec)
            elif not any(c.strip() for c in rec):
                buf.write(delim.join(rec) + newline)
            else:
                w.writerow(rec)
        out = buf.getvalue()
        if not text.endswith(("\n", "\r")):
            out = out[: -len(newline)] if out.endswith(newline) else out
        try:
            path.write_bytes(out.encode(out_enc))
        except UnicodeEncodeError as exc:
            raise ParameterError(
                f"The analyte name {names[0]!r} cannot be written in the encoding of "
                f"{p.name} ({out_enc}): {exc.reason}. Choose an ASCII name with --analyte."
            ) from None

    return MergeResult(
        out_name,
        [names[0] if insert else header[col]],
        replaced=bool(clash),
        _writer=writer,
        **counts,
    )


# ----------------------------------------------------------------------- excel


def _merge_excel(p, raw, values, names, out_name, mapping, enc, replace):
    import openpyxl

    id_header, owners = _id_header(raw, mapping, encoding=enc)
    per_row, counts, clash = _match(raw, id_header, owners, values, names, replace, file=raw.name)
    sheet_title = raw.name[len(p.name) + 2 : -1] if raw.name != p.name else None
    keep_vba = p.suffix.lower() == ".xlsm"
    # values (formulas evaluated) to place the header and the rows exactly as the reader
    try:
        wb_values = openpyxl.load_workbook(p, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a bad file
        raise ReadError(f"{p.name}: cannot be opened as an Excel workbook ({exc}).") from None
    ws_v = wb_values[sheet_title] if sheet_title else wb_values.worksheets[0]
    records = [list(r) for r in ws_v.iter_rows(min_row=1, min_col=1, values_only=True)]
    wb_values.close()
    from sarcostat.io.readers import _from_records, _n_filled

    again = _from_records(raw.name, records, [], ragged=None)
    # the reader (read-only mode) and this full load must see the same rows
    if list(again.row_numbers) != list(raw.row_numbers) or again.headers != raw.headers:
        raise ReadError(
            f"{raw.name}: the sheet's rows could not be lined up for merging; save the "
            "sheet again in Excel (or export it as CSV) and retry."
        )
    width = max((len(r) for r in records if _n_filled(r)), default=0)
    last = 0
    for r in records:
        for j, c in enumerate(r[:width]):
            if c is not None and str(c).strip():
                last = max(last, j + 1)
    if clash:
        col = _column_index(records, raw, clash[0]) + 1
        name = clash[0]
    else:
        col, name = last + 1, names[0]

    def writer(path: Path) -> None:
        wb = openpyxl.load_workbook(p, keep_vba=keep_vba)
        ws = wb[sheet_title] if sheet_title else wb.worksheets[0]
        if not clash:
            ws.cell(row=raw.header_row, column=col, value=name)
        for k, v in zip(raw.row_numbers, per_row):
            if isinstance(v, float) and math.isnan(v):
                v = None
            ws.cell(row=k, column=col, value=v)
        wb.save(path)
        wb.close()

    return MergeResult(out_name, [name], replaced=bool(clash), _writer=writer, **counts)


# ----------------------------------------------------------------------- typed


def _merge_typed(p, raw, values, names, out_name, unit, mapping, enc, replace):
    import numpy as np
    import pandas as pd

    id_header, owners = _id_header(raw, mapping, encoding=enc)
    per_row, counts, clash = _match(raw, id_header, owners, values, names, replace, file=raw.name)
    split = [_split(v) if v is not None else (math.nan, math.nan) for v in per_row]
    val = np.array([a for a, _b in split], float)
    lod = np.array([b for _a, b in split], float)
    targets = list(names)
    for c in clash:  # replace keeps the user's spelling of the column
        targets[0 if not c.lower().endswith("_lod") else 1] = c
    suffix = p.suffix.lower()
    label = f"{names[0]}" + (f" ({unit})" if unit else "") + ", sarcostat elisa"
    lod_label = f"detection limit of a censored {names[0]} value" + (f" ({unit})" if unit else "")

    if suffix == ".dta":
        bad = [t for t in targets if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", t)]
        if bad:
            raise ParameterError(
                f"{bad[0]!r} is not a valid Stata variable name (letters, digits and _, "
                "at most 32 characters, not starting with a digit); choose another with "
                "--analyte."
            )

    def writer(path: Path) -> None:
        if suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(p)
            frame[targets[0]] = val
            frame[targets[1]] = lod
            frame.to_parquet(path)
            return
        import pyreadstat

        spss = suffix != ".dta"
        kw = {} if enc is None else {"encoding": enc.upper().replace("_", "-")}
        if spss:
            frame, meta = pyreadstat.read_sav(str(p), user_missing=True, **kw)
        else:
            frame, meta = pyreadstat.read_dta(str(p), **kw)
        labels = dict(zip(meta.column_names, meta.column_labels or [None] * len(frame.columns)))
        frame[targets[0]] = val
        frame[targets[1]] = lod
        labels[targets[0]] = label
        labels[targets[1]] = lod_label
        column_labels = [labels.get(c) or "" for c in frame.columns]
        value_labels = dict(getattr(meta, "variable_value_labels", None) or {})
        if spss:
            pyreadstat.write_sav(
                frame,
                str(path),
                file_label=meta.file_label or None,
                column_labels=column_labels,
                compress=suffix == ".zsav",
                variable_value_labels=value_labels,
                missing_ranges=dict(getattr(meta, "missing_ranges", None) or {}),
                variable_measure={
                    k: v
                    for k, v in (getattr(meta, "variable_measure", None) or {}).items()
                    if v in ("nominal", "ordinal", "scale")
                }
                | {targets[0]: "scale", targets[1]: "scale"},
            )
        else:
            pyreadstat.write_dta(
                frame,
                str(path),
                file_label=meta.file_label or None,
                column_labels=column_labels,
                variable_value_labels=value_labels,
            )

    return MergeResult(out_name, targets, replaced=bool(clash), _writer=writer, **counts)
