"""Microplate layouts and readings: files in, one tidy well table per plate out.

A `Plate` is plain data: one row per well with its role (blank,
standard, control, sample), nominal concentration, dilution, mask and
reading. Problems that make one plate unusable (a missing or non-numeric
reading in a used well, a saturated one in a standard, blank or control
well, an unreadable file) are stored on the plate as
``errors`` so that the other plates of a run still process; a layout that
cannot be read is an error for the whole run and raises.

File formats
------------
Grid (as plate readers export): blocks of 8 rows ``A``-``H`` by 12 columns
``1``-``12``, each block optionally under a header row ``,1,2,...,12`` whose
first cell (or the line above) is the block's label; metadata lines above or
between blocks and a trailing column after column 12 (Gen5 writes the
wavelength there) are ignored. SoftMax Pro's plate format (a
``Temperature(C),1,...,12`` header, unlabelled rows, the wavelengths of one
read side by side, labelled from its ``Plate:`` line) is read too. Several
blocks in one file are several plates, or, with ``reference=``, the primary
and reference wavelength reads (labelled e.g. ``450`` and ``620``), paired in
order; blocks labelled with two or more wavelengths and neither
``wavelength=`` nor ``reference=`` are an error for that file rather than two
plates. Comma, semicolon and tab separators are detected (decimal commas are
accepted with ``;`` and tab); UTF-8, UTF-16 (with BOM) and Latin-1 text.

Long: one row per well, with a ``well`` column (``A1`` or ``A01``); for
readings, the value column(s) (``signal``, or named wavelengths such as
``OD450``/``OD620``); optional ``plate`` column for several plates.

Layout cells in a grid (case-insensitive)::

    blank | blk                         blank well
    std:<conc>                          standard of nominal concentration <conc>
    anchor:<conc>                       anchor point: a standard outside the
                                        quantifiable range, fitted but never
                                        judged (ICH M10 ligand binding assays)
    ctrl:<id>:<nominal>[:<low>-<high>]  control with target and optional range
    <sample id>[@<dilution>]            unknown sample, e.g. P017@2
    !<any of the above>                 masked well (kept, not used)
    empty | -                           unused well

A long layout has columns ``well,type,sample_id,nominal_conc,dilution`` and
optionally ``target_low,target_high,masked,plate``; ``type`` is one of
``blank, standard, anchor, control, sample``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sarcostat.exceptions import ReadError, SarcostatError, SchemaError
from sarcostat.io.privacy import mention_ids

ROWS = "ABCDEFGH"
COLS = range(1, 13)
WELLS = [f"{r}{c}" for r in ROWS for c in COLS]
WELL_TYPES = ("blank", "standard", "control", "sample")
_TYPE_ALIASES = {
    "blank": "blank",
    "blk": "blank",
    "standard": "standard",
    "std": "standard",
    "calibrator": "standard",
    "control": "control",
    "ctrl": "control",
    "qc": "control",
    "sample": "sample",
    "unknown": "sample",
    "unk": "sample",
}
#: Tokens plate readers write for a reading above their range.
SATURATED = (
    "OVRFLW",
    "OVERFLOW",
    "OVER",
    "OVRFL",
    "SAT",
    "SATURATED",
    "*",
    "***",
    "#SAT",
    "RANGE?",
)
_TRUE = {"1", "true", "yes", "y", "x", "masked"}

WELL_COLUMNS = [
    "plate",
    "well",
    "row",
    "col",
    "type",
    "sample_id",
    "nominal_conc",
    "dilution",
    "target_low",
    "target_high",
    "masked",
    "anchor",
    "raw",
    "signal",
    "reading_problem",
]


@dataclass(frozen=True)
class Plate:
    """One plate: layout joined to readings.

    Attributes
    ----------
    name : str
        Plate name (file stem, or ``stem#label`` when a file holds several).
    source : str
        Readings file.
    wells : pandas.DataFrame
        One row per used well: ``plate, well, row, col, type, sample_id,
        nominal_conc, dilution, target_low, target_high, masked, anchor, raw,
        signal, reading_problem`` (``""``, ``"missing"``, ``"saturated"``,
        ``"non-numeric"``).
    errors : tuple of str
        Why the plate cannot be processed (empty when it can).
    """

    name: str
    source: str
    wells: pd.DataFrame
    errors: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------- low-level parsing
def _read_rows(path: Path, encoding: str | None = None) -> tuple[list[list[str]], str]:
    from sarcostat.io.readers import decode_text

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"{path}: cannot be read ({exc.strerror or exc}).") from None
    # The cohort reader's decoding: UTF-16/UTF-8 BOMs, --encoding, binary files
    # refused by name; SoftMax Pro writes ANSI ("Temperature(\xa1C)"), which is
    # detected as cp1252/Latin-1 when no encoding is given.
    text, _notes = decode_text(data, path.name, encoding)
    sample = "\n".join(text.splitlines()[:40])
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    delim = max(counts, key=counts.get) if any(counts.values()) else ","
    try:
        rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(text), delimiter=delim)]
    except csv.Error as exc:
        raise ReadError(f"{path.name}: cannot be parsed as a delimited table ({exc}).") from None
    return rows, delim


def _long_frame(rows):
    """A long table from the parsed rows (whatever the file's encoding), all cells as
    text; the index is the spreadsheet row number (header = row 1), blank lines skipped."""
    header = rows[0]
    body = {
        k + 1: (r + [""] * len(header))[: len(header)]
        for k, r in enumerate(rows[1:], start=1)
        if any(c.strip() for c in r)
    }
    return pd.DataFrame(list(body.values()), columns=header, index=list(body), dtype=str)


_HEADER = [str(i) for i in COLS]
_WAVELENGTH = re.compile(r"(?:^|\D)([2-9]\d\d|1000)\s*(?:nm)?\s*$", re.I)


def _header_starts(row):
    """Columns where a run ``1 .. 12`` starts (after a row-label column). SoftMax Pro's
    plate format puts the wavelengths of one read side by side in one header row."""
    starts, k = [], 1
    while k + 12 <= len(row):
        if row[k : k + 12] == _HEADER:
            starts.append(k)
            k += 12
        else:
            k += 1
    return starts


def _softmax_labels(rows, i, n):
    """Labels ``'<plate> <wavelength>'`` of the n side-by-side groups of a SoftMax Pro
    block, from the nearest ``Plate:`` line above row i (its wavelengths cell, e.g. '450 620')."""
    for j in range(i - 1, -1, -1):
        if rows[j] and rows[j][0].rstrip(":").lower() == "plate":
            waves = next(
                (c.split() for c in rows[j][2:] if re.fullmatch(r"\d{3}(\s+\d{3})*", c)), []
            )
            name = rows[j][1] if len(rows[j]) > 1 else ""
            if len(waves) == n:
                return [f"{name} {w}".strip() for w in waves]
            break
    return [str(g + 1) if n > 1 else "" for g in range(n)]


def _grid_blocks(rows):
    """Find 8 x 12 blocks; returns list of (label, 8x12 list of strings).

    Two header styles: rows ``A``-``H`` under ``<label>,1,...,12`` (Gen5, most
    CSV exports; a trailing wavelength column is ignored), and SoftMax Pro's
    plate format, ``<blank>,Temperature(C),1,...,12[,,1,...,12]`` with 8 unlabelled
    rows under it (the first holds the temperature) and one group per wavelength.
    """
    blocks = []
    i = 0
    while i < len(rows):
        row = rows[i]
        starts = _header_starts(row)
        body = rows[i + 1 : i + 9]
        if starts and len(body) == 8:
            k0 = starts[0]
            if row[k0 - 1].lower().startswith("temp") and all(
                len(b) >= starts[-1] + 12 for b in body
            ):
                labels = _softmax_labels(rows, i, len(starts))
                for k, label in zip(starts, labels):
                    blocks.append((label, [b[k : k + 12] for b in body]))
                i += 9
                continue
            if all(b and len(b) > k0 - 1 and b[k0 - 1].upper() == r for b, r in zip(body, ROWS)):
                label = row[k0 - 1].strip()
                if not label:
                    j = i - 1
                    while j >= 0 and not any(rows[j]):
                        j -= 1
                    if (
                        j >= 0
                        and not _header_starts(rows[j])
                        and (rows[j][0] not in ROWS or len(rows[j][0]) != 1)
                    ):
                        label = next((c for c in rows[j] if c), "")
                blocks.append((label, [(b[k0 : k0 + 12] + [""] * 12)[:12] for b in body]))
                i += 9
                continue
        i += 1
    if blocks:
        return blocks
    # bare blocks: rows labelled A..H without a header, or a plain 8 x 12 block
    data = [r for r in rows if any(r)]
    if (
        len(data) == 8
        and all(r and r[0].upper() == x for r, x in zip(data, ROWS))
        and all(len(r) >= 13 for r in data)
    ):
        return [("", [r[1:13] for r in data])]
    if len(data) == 8 and all(len(r) >= 12 for r in data):
        return [("", [r[:12] for r in data])]
    return []


def _norm_well(w, *, where):
    m = re.fullmatch(r"\s*([A-Ha-h])\s*0?(\d{1,2})\s*", str(w))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise SchemaError(f"{where}: {w!r} is not a well of a 96-well plate (A1-H12).")
    return f"{m.group(1).upper()}{int(m.group(2))}"


def _parse_reading(raw, decimal_comma=False):
    s = str(raw).strip()
    if s == "" or s.lower() in ("nan", "na"):
        return np.nan, "missing"
    if s.upper() in SATURATED or s.startswith(">"):
        return np.nan, "saturated"
    if decimal_comma:
        s = s.replace(",", ".")
    try:
        v = float(s)
    except ValueError:
        return np.nan, "non-numeric"
    if not np.isfinite(v):
        return np.nan, "non-numeric"
    return v, ""


def _num(value, *, where, column):
    if value is None or (isinstance(value, float) and np.isnan(value)) or str(value).strip() == "":
        return np.nan
    try:
        return float(str(value).strip())
    except ValueError:
        raise SchemaError(f"{where}, column {column!r}: {value!r} is not a number.") from None


# ---------------------------------------------------------------- layouts
def _checked(rec, *, where, cols):
    """Type-specific checks and defaults shared by grid and long layouts.

    ``cols`` names, per field, how the message should point at it (a long
    layout's column, or the grid cell)."""
    typ = rec["type"]
    if typ == "standard":
        c = rec["nominal_conc"]
        if not np.isfinite(c) or c < 0:
            raise SchemaError(
                f"{where}{cols['nominal_conc']}: a standard needs a concentration "
                f">= 0{cols['std_hint']}."
            )
        rec["sample_id"] = rec["sample_id"] or f"{'anchor' if rec['anchor'] else 'std'}_{c:g}"
    elif typ == "blank":
        rec["sample_id"] = rec["sample_id"] or "blank"
    else:
        if not rec["sample_id"]:
            raise SchemaError(f"{where}{cols['sample_id']}: a {typ} well needs an id.")
        if not np.isfinite(rec["dilution"]) or rec["dilution"] <= 0:
            raise SchemaError(
                f"{where}{cols['dilution']}: the dilution must be a positive "
                f"number; got {rec['dilution']!r}."
            )
    if typ == "control":
        lo, hi = rec["target_low"], rec["target_high"]
        if np.isfinite(lo) != np.isfinite(hi) or (np.isfinite(lo) and lo > hi):
            raise SchemaError(
                f"{where}{cols['target']}: control {rec['sample_id']} needs a target "
                f"range low <= high; got {lo:g} to {hi:g}."
            )
        if not np.isfinite(rec["nominal_conc"]) and not np.isfinite(lo):
            raise SchemaError(
                f"{where}{cols['nominal_conc']}: control {rec['sample_id']} needs "
                "a nominal concentration or a target range to be judged."
            )
    return rec


_GRID_COLS = {
    "nominal_conc": "",
    "sample_id": "",
    "dilution": "",
    "target": "",
    "std_hint": ", as 'std:12.5'",
}
_LONG_COLS = {
    "nominal_conc": ", column 'nominal_conc'",
    "sample_id": ", column 'sample_id'",
    "dilution": ", column 'dilution'",
    "target": ", columns 'target_low'/'target_high'",
    "std_hint": "",
}


def _layout_token(tok, *, where):
    t = tok.strip()
    rec = {
        "type": None,
        "sample_id": "",
        "nominal_conc": np.nan,
        "dilution": 1.0,
        "target_low": np.nan,
        "target_high": np.nan,
        "masked": False,
        "anchor": False,
    }
    if t.startswith("!"):
        rec["masked"] = True
        t = t[1:].strip()
    low = t.lower()
    if low in ("", "-", "empty", "none"):
        return None
    if low in ("blank", "blk"):
        rec.update(type="blank", sample_id="blank")
        return rec
    if low.startswith(("std:", "anchor:")):
        kind, _, conc = t.partition(":")
        rec.update(
            type="standard",
            anchor=kind.lower() == "anchor",
            nominal_conc=_num(conc, where=where, column=kind.lower()),
        )
        return _checked(rec, where=where, cols=_GRID_COLS)
    if low.startswith("ctrl:"):
        parts = t.split(":")
        if len(parts) < 3:
            raise SchemaError(
                f"{where}: control {tok!r} must read 'ctrl:<id>:<nominal>[:<low>-<high>]'."
            )
        rec.update(
            type="control",
            sample_id=parts[1],
            nominal_conc=_num(parts[2], where=where, column="ctrl"),
        )
        if len(parts) > 3 and parts[3]:
            rng = parts[3].split("-")
            if len(rng) != 2:
                raise SchemaError(f"{where}: control range {parts[3]!r} must read '<low>-<high>'.")
            rec.update(
                target_low=_num(rng[0], where=where, column="ctrl"),
                target_high=_num(rng[1], where=where, column="ctrl"),
            )
        return _checked(rec, where=where, cols=_GRID_COLS)
    sid, _, dil = t.partition("@")
    rec.update(type="sample", sample_id=sid.strip())
    if dil:
        rec["dilution"] = _num(dil, where=where, column="dilution")
    return _checked(rec, where=where, cols=_GRID_COLS)


def read_layout(path, *, encoding: str | None = None) -> dict[str, pd.DataFrame]:
    """Read a plate layout (grid or long) into ``{plate label: layout table}``.

    The label ``""`` is the layout shared by every plate without its own.
    Columns: ``well, row, col, type, sample_id, nominal_conc, dilution,
    target_low, target_high, masked, anchor``.

    Raises
    ------
    ReadError, SchemaError
        The file cannot be read, holds no layout, or a cell/row is invalid
        (the message names file, well or row, column and value).
    """
    path = Path(path)
    rows, delim = _read_rows(path, encoding)
    header = [c.strip().lower() for c in rows[0]] if rows else []
    out: dict[str, list] = {}
    if "well" in header and "type" in header:
        df = _long_frame(rows)
        df.columns = [c.strip().lower() for c in df.columns]
        for i, r in df.iterrows():
            where = f"{path.name}, row {i}"
            well = _norm_well(r["well"], where=where)
            anchor = str(r["type"]).strip().lower() in ("anchor", "anchor point")
            typ = "standard" if anchor else _TYPE_ALIASES.get(str(r["type"]).strip().lower())
            if typ is None:
                if str(r["type"]).strip() in ("", "-", "empty"):
                    continue
                raise SchemaError(
                    f"{where}, column 'type': {r['type']!r} is not one of "
                    f"{', '.join(WELL_TYPES)}, anchor."
                )
            rec = {
                "well": well,
                "type": typ,
                "sample_id": str(r.get("sample_id", "")).strip(),
                "nominal_conc": _num(r.get("nominal_conc"), where=where, column="nominal_conc"),
                "dilution": _num(r.get("dilution"), where=where, column="dilution"),
                "target_low": _num(r.get("target_low"), where=where, column="target_low"),
                "target_high": _num(r.get("target_high"), where=where, column="target_high"),
                "masked": str(r.get("masked", "")).strip().lower() in _TRUE,
                "anchor": anchor,
            }
            if np.isnan(rec["dilution"]):
                rec["dilution"] = 1.0
            _checked(rec, where=where, cols=_LONG_COLS)
            out.setdefault(str(r.get("plate", "")).strip(), []).append(rec)
    else:
        blocks = _grid_blocks(rows)
        if not blocks:
            raise ReadError(
                f"{path}: no plate layout found; expected an 8 x 12 grid (rows A-H, "
                "columns 1-12) or a long table with columns well,type,..."
            )
        for label, grid in blocks:
            recs = []
            for r, cells in zip(ROWS, grid):
                for c, tok in zip(COLS, cells):
                    rec = _layout_token(tok, where=f"{path.name}, well {r}{c}")
                    if rec is not None:
                        rec["well"] = f"{r}{c}"
                        recs.append(rec)
            out[label if len(blocks) > 1 else ""] = recs
    tables = {}
    for label, recs in out.items():
        df = pd.DataFrame(recs)
        dup = df["well"][df["well"].duplicated()]
        if len(dup):
            raise SchemaError(
                f"{path.name}: well {dup.iloc[0]} appears twice in layout {label or '(shared)'}."
            )
        df["row"] = df["well"].str[0]
        df["col"] = df["well"].str[1:].astype(int)
        tables[label] = df[
            [
                "well",
                "row",
                "col",
                "type",
                "sample_id",
                "nominal_conc",
                "dilution",
                "target_low",
                "target_high",
                "masked",
                "anchor",
            ]
        ]
    return tables


# ---------------------------------------------------------------- readings
def _read_readings(path: Path, *, wavelength, reference, encoding=None):
    """Return list of (plate name, {well: raw string}, reference {well: raw} or None)."""
    rows, delim = _read_rows(path, encoding)
    header = [c.strip() for c in rows[0]] if rows else []
    low = [h.lower() for h in header]
    # ';'- and tab-separated exports from European locales write decimal commas
    decimal_comma = delim != ","
    if "well" in low:
        df = _long_frame(rows)
        cols = {c.strip().lower(): c for c in df.columns}
        value_cols = [c for c in df.columns if c.strip().lower() not in ("well", "plate")]

        def pick(name, role):
            if name is not None:
                key = str(name).strip().lower()
                hits = [c for c in value_cols if c.strip().lower() == key] or [
                    c for c in value_cols if key in c.strip().lower()
                ]
                if not hits:
                    raise SchemaError(
                        f"{path.name}: no column for the {role} wavelength {name!r}; "
                        f"columns are {', '.join(map(str, df.columns))}."
                    )
                return hits[0]
            return None

        ref_col = pick(reference, "reference")
        sig_col = pick(wavelength, "primary")
        if sig_col is None:
            cand = [c for c in value_cols if c != ref_col]
            named = [
                c for c in cand if c.strip().lower() in ("signal", "od", "value", "absorbance")
            ]
            if named:
                sig_col = named[0]
            elif len(cand) == 1:
                sig_col = cand[0]
            else:
                raise SchemaError(
                    f"{path.name}: several reading columns ({', '.join(cand)}); "
                    "name the primary one with wavelength=... (CLI --wavelength)."
                )
        groups = (
            df.groupby(df[cols["plate"]].str.strip(), sort=False)
            if "plate" in cols
            else [(path.stem, df)]
        )
        out = []
        for name, g in groups:
            name = str(name) if "plate" in cols else path.stem
            wells = {}
            refs = {} if ref_col else None
            for i, r in g.iterrows():
                w = _norm_well(r[cols["well"]], where=f"{path.name}, row {i}")
                wells[w] = r[sig_col]
                if ref_col:
                    refs[w] = r[ref_col]
            out.append((name, wells, refs, decimal_comma))
        return out
    blocks = _grid_blocks(rows)
    if not blocks:
        raise ReadError(
            f"{path}: no readings found; expected 8 x 12 grid block(s) (rows A-H, "
            "columns 1-12) or a long table with a 'well' column."
        )

    def as_dict(grid):
        return {f"{r}{c}": grid[i][j] for i, r in enumerate(ROWS) for j, c in enumerate(COLS)}

    if reference is not None:
        ref = str(reference).strip().lower()
        refb = [b for b in blocks if ref in b[0].lower()]
        prim = [b for b in blocks if ref not in b[0].lower()]
        if wavelength is not None:
            prim = [b for b in prim if str(wavelength).strip().lower() in b[0].lower()]
        if not refb or len(refb) != len(prim):
            raise SchemaError(
                f"{path.name}: reference wavelength {reference!r} needs one block "
                f"labelled with it per primary block; found {len(refb)} reference "
                f"and {len(prim)} primary block(s) (labels: "
                f"{', '.join(repr(b[0]) for b in blocks)})."
            )
        pairs = list(zip(prim, refb))
    else:
        prim = blocks
        if wavelength is not None:
            prim = [b for b in blocks if str(wavelength).strip().lower() in b[0].lower()] or blocks
        else:
            waves = [_WAVELENGTH.search(b[0]) for b in blocks]
            found = sorted({m.group(1) for m in waves if m}, key=int)
            if len(blocks) > 1 and all(waves) and len(found) > 1:
                # a dual-wavelength read is one plate, not two: make the user choose
                raise SchemaError(
                    f"{path.name}: the readings are at several wavelengths "
                    f"({', '.join(found)} nm); name the primary one with "
                    f"wavelength=... (CLI --wavelength {found[0]}) and the "
                    f"reference to subtract with reference=... (CLI --reference "
                    f"{found[-1]})."
                )
        pairs = [(b, None) for b in prim]
    out = []
    for k, (b, r) in enumerate(pairs):
        if len(pairs) == 1:
            name = path.stem
        else:
            labels = [p[0][0] for p in pairs]
            name = (
                f"{path.stem}#{b[0]}"
                if b[0] and labels.count(b[0]) == 1
                else f"{path.stem}#{k + 1}"
            )
        out.append((name, as_dict(b[1]), as_dict(r[1]) if r else None, decimal_comma))
    return out


def _layout_for(name, label_candidates, layouts):
    for key in label_candidates:
        if key in layouts:
            return layouts[key]
    return layouts.get("")


#: Wells named one by one in a message about a kind of bad reading; the
#: rest are counted ("and 23 more").
WELLS_NAMED = 5


def _reading_errors(bad, where: str) -> list[str]:
    """One message per kind of bad reading among the used wells ``bad``
    (missing, saturated, not a number): the first `WELLS_NAMED` wells
    named, the others counted, so a wrong file (a layout given as
    readings: every well "not a number") gives one line, not 96."""
    errors = []
    kinds = (
        # problem, one well's (after its reading), several wells'
        ("missing", "has no reading", "have no reading"),
        (
            "saturated",
            "is saturated (above the reader's range)",
            "have a saturated reading (above the reader's range)",
        ),
        ("non-numeric", "is not a number", "have a reading that is not a number"),
    )
    for problem, one, several in kinds:
        rows = bad[bad["reading_problem"] == problem]
        if rows.empty:
            continue
        named = []
        for r in rows.head(WELLS_NAMED).itertuples(index=False):
            # A sample's id is a participant's: named through the one
            # marker, so the report and qc.csv can withhold it.
            who = mention_ids(r.sample_id) if r.type == "sample" else r.sample_id
            reading = "" if problem == "missing" else f" reading {r.raw!r}"
            named.append(f"well {r.well} ({r.type} {who}){reading}")
        if len(rows) == 1:
            errors.append(
                f"{where}, {named[0]} {one}; mask the well in the layout (prefix '!' or "
                "masked=1) to process the plate without it."
            )
            continue
        more = len(rows) - len(named)
        listed = "; ".join(named) + (f"; and {more} more" if more else "")
        hint = (
            ", or check that this file holds the plate's readings"
            if problem == "non-numeric"
            else ""
        )
        errors.append(
            f"{where}, {len(rows)} wells {several} ({listed}); mask those wells in the "
            f"layout (prefix '!' or masked=1) to process the plate without them{hint}."
        )
    return errors


def read_plates(
    paths, *, layout, wavelength=None, reference=None, encoding: str | None = None
) -> list[Plate]:
    """Read plate readings and join them to a layout.

    Parameters
    ----------
    paths : path or sequence of paths
        Reading files (grid or long; one or several plates each).
    layout : path or sequence of paths
        One layout for every plate, or one per readings file. A layout file
        may hold several layouts, matched to plates by label / ``plate``
        column (plate name, block label or file stem); an unlabelled layout
        applies to the rest.
    wavelength : str, optional
        Primary reading column (long) or block label (grid), e.g. ``"450"``.
    reference : str, optional
        Reference wavelength (e.g. ``"620"``) subtracted from the primary:
        signal = OD450 - OD620.
    encoding : str, optional
        Text encoding of the readings and layout files (default: detected).

    Returns
    -------
    list of Plate
        One per plate found, in file order. A plate that cannot be used has
        ``errors`` set (the file cannot be read, a used well has a missing,
        saturated (standard, blank, control) or non-numeric reading, no
        layout for it); the others are
        unaffected.

    Raises
    ------
    ReadError, SchemaError
        The layout itself cannot be read or is invalid.
    """
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    layouts_in = [layout] if isinstance(layout, (str, Path)) else list(layout)
    if len(layouts_in) not in (1, len(paths)):
        raise SchemaError(
            f"read_plates: give one layout or one per readings file; got "
            f"{len(layouts_in)} layouts for {len(paths)} files."
        )
    parsed_layouts = [read_layout(p, encoding=encoding) for p in layouts_in]
    plates = []
    for k, p in enumerate(paths):
        p = Path(p)
        layouts = parsed_layouts[k if len(parsed_layouts) > 1 else 0]
        try:
            found = _read_readings(p, wavelength=wavelength, reference=reference, encoding=encoding)
        except (SarcostatError, ValueError, LookupError, IndexError, csv.Error) as exc:
            # One unreadable file (a binary file given by mistake, a damaged
            # export) is reported as a failed plate; the other plates go on.
            why = (
                str(exc)
                if isinstance(exc, SarcostatError)
                else (f"{p.name}: cannot be read as a plate ({type(exc).__name__}: {exc}).")
            )
            plates.append(
                Plate(
                    name=p.stem,
                    source=str(p),
                    wells=pd.DataFrame(columns=WELL_COLUMNS),
                    errors=(why,),
                )
            )
            continue
        for name, readings, refs, dec in found:
            label = name.split("#", 1)[1] if "#" in name else ""
            lay = _layout_for(name, [name, label, p.stem, p.name], layouts)
            if lay is None:
                plates.append(
                    Plate(
                        name=name,
                        source=str(p),
                        wells=pd.DataFrame(columns=WELL_COLUMNS),
                        errors=(
                            f"{p.name}, plate {name}: no layout matches this plate "
                            f"(layout labels: {', '.join(map(repr, layouts))}).",
                        ),
                    )
                )
                continue
            wells = lay.copy()
            wells.insert(0, "plate", name)
            raws, sigs, probs = [], [], []
            for w in wells["well"]:
                raw = readings.get(w, "")
                v, prob = _parse_reading(raw, dec)
                if refs is not None and not prob:
                    rv, rprob = _parse_reading(refs.get(w, ""), dec)
                    if rprob:
                        v, prob = np.nan, rprob
                        raw = f"{raw} - {refs.get(w, '')}"
                    else:
                        v = v - rv
                raws.append(str(raw))
                sigs.append(v)
                probs.append(prob)
            wells["raw"] = raws
            wells["signal"] = sigs
            wells["reading_problem"] = probs
            errors = []
            # an off-scale sample well is a result (flagged 'saturated' by quantify), not a
            # broken plate; in a standard, blank or control it would bias the curve or the QC
            bad = wells[
                (wells["reading_problem"] != "")
                & ~wells["masked"]
                & ~((wells["reading_problem"] == "saturated") & (wells["type"] == "sample"))
            ]
            errors = _reading_errors(bad, f"{p.name}, plate {name}")
            plates.append(
                Plate(
                    name=name,
                    source=str(p),
                    wells=wells[WELL_COLUMNS].reset_index(drop=True),
                    errors=tuple(errors),
                )
            )
    return plates
