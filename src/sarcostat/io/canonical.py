"""Mapping: a RawTable's columns -> the canonical columns of ``Cohort.data``.

Ids, categories, numbers (with unit conversion), flags and biomarkers with
their detection limits are built here from the cells classified by
`sarcostat.io.cells`; derived measures come from
`sarcostat.io.derive` and value checks from `sarcostat.io.checks`.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from sarcostat.io.cells import (
    _FACTORIZE_MIN,
    LT,
    MISSING,
    ND,
    OK,
    UNABLE,
    _among,
    _Builder,
    _factor,
    _factorize_text,
    _fmt,
    _is_none,
    _object_array,
)
from sarcostat.io.checks import _check_consistency, _check_numbers
from sarcostat.io.derive import _derive
from sarcostat.io.findings import plural
from sarcostat.io.flags import is_boolean_column, read_flags
from sarcostat.io.ids import (
    MAX_EXACT_FLOAT_ID,
    arrow_ids,
    first_rows,
    id_key,
    id_text,
    imprecise_float_id,
    text_ids,
)
from sarcostat.io.mapping import (
    CATEGORY_VALUES,
    BiomarkerSpec,
    ColumnMap,
    Resolution,
    _code_key,
    resolve_columns,
)
from sarcostat.io.privacy import mention_ids
from sarcostat.io.readers import RawTable, is_blank
from sarcostat.io.variables import GRIP_TRIAL, VARIABLES, get_variable
from sarcostat.progress import progress_bar

_SEX_WORDS = {
    "m": "male",
    "male": "male",
    "man": "male",
    "men": "male",
    "f": "female",
    "female": "female",
    "woman": "female",
    "women": "female",
    # Korean value labels and cells (cp949 / EUC-KR exports)
    "남": "male",
    "남자": "male",
    "남성": "male",
    "여": "female",
    "여자": "female",
    "여성": "female",
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
_UNABLE_FLAG = {
    "chair_stand_5x_s": "chair_stand_unable",
    "gait_time_4m_s": "gait_unable",
    "gait_speed_m_s": "gait_unable",
}
_BALANCE = ("side_by_side_s", "semi_tandem_s", "tandem_s")


def build(
    raw: RawTable,
    cmap: ColumnMap,
    extra_bio: dict[str, BiomarkerSpec],
    decimal: str,
    source: str | None,
) -> dict[str, Any]:
    """The canonical columns, findings, units and map of a RawTable (a bar per column read)."""
    with progress_bar(total=len(raw.headers), desc="validate", unit="columns") as bar:
        return _build(raw, cmap, extra_bio, decimal, source, bar)


def _build(
    raw: RawTable,
    cmap: ColumnMap,
    extra_bio: dict[str, BiomarkerSpec],
    decimal: str,
    source: str | None,
    bar: Any,
) -> dict[str, Any]:
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

    # Number columns written to full precision are parsed on a second thread
    # while the ids are checked (`_Builder.prefetch`).
    bio_specs, lod_headers, extras = _lod_companions(res)
    numeric = [h for t, h in by_target.items() if getattr(get_variable(t), "kind", "") == "number"]
    numeric += [spec.column or name for name, spec in bio_specs.items()]
    # and unknown columns that start with numbers (a text column is left alone)
    numeric += [h for h in extras if b.plain_arrow(h) is not None and not b.surely_text(h)]
    b.prefetch(numeric)

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
        targets.sort(key=_trial_number)
        for target in targets:
            if var.kind == "category":
                out[target] = _category(b, target, cmap.codes.get(target, {}))
            elif var.kind == "number":
                unit = units_given.get(target)
                vals = _numbers(b, target, out, unit, var.unit)
                out[target] = vals
                units[target] = var.unit
                converted[target] = (vals, unit)
            bar.update(1)

    for name, spec in bio_specs.items():
        if spec.column not in res.columns:
            detail = (
                f"read as a biomarker (unit not stated) because '{lod_headers[name]}' "
                f"beside it holds its detection limits."
            )
            b.add("info", "mapping", detail, column=name)
        bar.update(1)
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
    grip_trials = sorted((c for c in out if GRIP_TRIAL.match(c)), key=_trial_number)
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

    b.summarize()
    mapping = {h: t for h, (t, _u) in res.columns.items()}
    for name, spec in bio_specs.items():
        mapping.setdefault(spec.column or name, name)
        if name in lod_headers:
            mapping[lod_headers[name]] = f"{name}_lod"
    return {
        "issues": b.findings,
        "mapping": mapping,
        "units": units,
        "biomarkers": list(bio_specs),
        "protocol": protocol,
        "source": source,
        "_columns": columns,
        "_n_rows": n,
    }


def _ids(b: _Builder, header: str) -> Any:
    """Ids as text exactly as written (`sarcostat.io.ids`); duplicates by its matching rule."""
    from sarcostat.io import _arrow

    arrow = b.raw.text_arrays.get(header)
    # a text file's cells are stripped already; other Arrow cells are stripped by arrow_ids
    cells = b.raw.columns[header] if (arrow is None or b.raw.text_cells) else None

    first: np.ndarray | None = None
    if arrow is None and cells is not None and cells.dtype == object:
        if len(cells) >= _FACTORIZE_MIN:
            arrow = _as_arrow_text(cells)
    if arrow is not None:
        # ids of a text file or a long text column: Arrow's string kernels,
        # and the ids stay in Arrow (the frame's id column without a Python
        # string per participant; messages read the few they name)
        in_arrow, first = arrow_ids(arrow, stripped=b.raw.text_cells, as_arrow=True)
        ids: Any = _ArrowCells(in_arrow)
        keys: Any = ids
        imprecise = np.zeros(len(ids), dtype=bool)
        b.ids = ids
    else:
        ids, keys, imprecise = _cell_ids(b, header, b.raw.columns[header])
        b.ids = ids.tolist()
    if cells is not None and (cells.dtype.kind == "f" or cells.dtype == object):
        lossy = np.flatnonzero(imprecise)
        if lossy.size:
            b.add(
                "warning",
                "id_precision",
                f"{plural(lossy.size, 'id')} {'is' if lossy.size == 1 else 'are'} stored in the "
                f"file as a number with more than 15 significant digits, e.g. "
                f"{mention_ids(ids[lossy[0]])}, "
                "which a floating-point number cannot hold exactly: the last digits may already "
                "be wrong in the file. Store ids as text.",
                column="id",
            )
    if first is None:
        missing, first = _first_of_each(keys)
    else:
        missing = first < 0
    repeated = np.flatnonzero(~missing & (first != np.arange(len(keys))))
    shown = np.union1d(
        b.limit(np.flatnonzero(missing), "error", "missing_id", "id"),
        b.limit(repeated, "error", "duplicate_id", "id"),
    )
    for i in shown:
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
                f"the id {mention_ids(pid)} is repeated (first at {b.raw.row_word} "
                f"{b.raw.row_numbers[first[i]]}).{hint}",
                i=i,
                column="id",
                value=pid,
            )
    return _arrow.Texts(ids.arrow) if isinstance(ids, _ArrowCells) else ids


class _ArrowCells:
    """An Arrow string array read cell by cell as Python values (None for
    null): the ids where a message names a participant."""

    __slots__ = ("arrow",)

    def __init__(self, arrow: Any) -> None:
        self.arrow = arrow

    def __len__(self) -> int:
        return len(self.arrow)

    def __getitem__(self, i: Any) -> Any:
        return self.arrow[int(i)].as_py()


def _as_arrow_text(cells: np.ndarray) -> Any:
    """An Arrow string array of a column of str cells (None if any cell is not a str)."""
    import pyarrow as pa

    try:
        arrow = pa.array(cells, type=pa.string(), from_pandas=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    return arrow if arrow.null_count == 0 else None


def _cell_ids(
    b: _Builder, header: str, cells: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(ids, keys, imprecise) of an id column by the Python rules of `sarcostat.io.ids`."""

    def one(c: Any) -> tuple[Any, Any, bool]:
        text = id_text(c)
        return text, id_key(text), imprecise_float_id(c)

    if cells.dtype.kind == "f":
        (ids,) = b._map_distinct(cells, lambda c: (id_text(c),), (None,))
        keys = ids  # a float id's text is its key
        imprecise = np.isfinite(cells) & (np.abs(cells) > MAX_EXACT_FLOAT_ID)
    elif (distinct := b.raw.factorized.get(header) or _factorize_text(cells)) is not None:
        # text ids (a text file, or a long text column): the rules in C
        codes, uniques = distinct
        texts, ukeys = text_ids(uniques)
        ids, keys = _object_array(texts)[codes], _object_array(ukeys)[codes]
        imprecise = np.zeros(len(cells), dtype=bool)
    else:
        ids, keys, imprecise = b._map_distinct(cells, one, (None, None, False))
        imprecise = imprecise.astype(bool)
    return ids, keys, imprecise


def _first_of_each(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which keys are missing (None), and for each row the row where its key first occurs."""
    n = len(keys)
    missing = _is_none(keys)
    if n >= _FACTORIZE_MIN:
        import pandas as pd

        codes, _u = pd.factorize(keys)  # None -> -1; codes in order of first appearance
        seen_max = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
        first_pos = np.flatnonzero(codes > seen_max)  # first_pos[c]: where code c first occurs
        first = np.where(codes >= 0, first_pos[np.maximum(codes, 0)], -1)
        return missing, first
    return missing, first_rows(keys)


def _trial_number(column: str) -> int:
    """1 for grip_1_kg; 0 for any other column (sorts first)."""
    m = GRIP_TRIAL.match(column)
    return int(m.group(1)) if m else 0


def label_of(labels: dict[Any, str], code: Any) -> str | None:
    """The SPSS/Stata value label of ``code`` (label keys are floats for numeric codes)."""
    if not labels or code is None:
        return None
    hit = labels.get(code)
    if hit is None and isinstance(code, str):
        try:
            hit = labels.get(float(code))
        except ValueError:
            hit = None
    return hit


def _category(b: _Builder, target: str, codes: dict[str, str]) -> np.ndarray:
    header = b.headers[target]
    words = _SEX_WORDS if target == "sex" else _METHOD_WORDS
    labels = b.raw.labels.get(header) or {}
    if codes and labels:
        _labels_against_map(b, target, header, codes, labels, words)

    def classify(code: Any) -> tuple[Any, Any]:
        # SPSS/Stata value labels are the file's own statement of what a code
        # means, so they come first; the map's codes fill in where there is
        # no label or the label is a word sarcostat does not know.
        label = label_of(labels, code)
        if label is not None and str(label).strip().lower() in words:
            return words[str(label).strip().lower()], label
        key = _code_key(code)
        if codes and key in codes:
            return codes[key], code
        shown = label if label is not None else code
        return words.get(str(shown).strip().lower(), _BAD_CODE), shown

    distinct = b.parse_distinct(header)
    if distinct is not None:
        # a column read in blocks: each distinct cell once; rows only when one is unrecognised
        at, kinds_u, _v = distinct
        values_u = _object_array(classify(c)[0] for c in b.raw.factorized[header][1])
        values_u[kinds_u == MISSING] = None
        if not (values_u == _BAD_CODE).any():
            return values_u[at]
    kinds, _v = b.parse(header)
    values, shown, keys = b._map_distinct(
        b.raw.columns[header],
        lambda c: (*classify(c), _code_key(c)),
        (None, None, None),
        b.raw.factorized.get(header),
    )
    values[kinds == MISSING] = None
    bad = np.flatnonzero(values == _BAD_CODE)
    values[bad] = None
    allowed = " / ".join(CATEGORY_VALUES[target])
    bad_codes = set(keys[bad].tolist())
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
        for i in b.limit(bad, "error", "code", target):
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


def _labels_against_map(
    b: _Builder,
    target: str,
    header: str,
    codes: dict[str, str],
    labels: dict[Any, str],
    words: dict[str, str],
) -> None:
    """An error for each map code whose value contradicts the file's own value label."""
    for code, label in labels.items():
        meant = words.get(str(label).strip().lower())
        mapped = codes.get(_code_key(code))
        if meant is None or mapped is None or meant == mapped:
            continue
        shown = _code_key(code)
        b.add(
            "error",
            "code",
            f"the map says code {shown} is {mapped}, but the file's value label for "
            f"{shown} is '{label}' ({meant}); the file's labels are used as the truth. "
            f"Correct or remove [codes] {target} in the map.",
            column=target,
            value=shown,
        )


def _merge_unable(out: dict[str, Any], flag_name: str, unable: np.ndarray) -> None:
    """The 'unable' flag of a timed test: its 'unable' cells, OR-ed into a flag column given too."""
    prev = out.get(flag_name)
    if prev is None:
        out[flag_name] = unable.copy()
    else:  # a flag column given too (True/False/None): 'unable' cells set it
        merged = np.asarray(prev, dtype=object).copy()
        merged[unable] = True
        out[flag_name] = merged


def _numbers(
    b: _Builder, target: str, out: dict[str, Any], unit: str | None, canonical: str
) -> np.ndarray:
    header = b.headers[target]
    flag_name = _UNABLE_FLAG.get(target)
    allowed = (OK, MISSING, UNABLE) if (flag_name or target in _BALANCE) else (OK, MISSING)
    cells = None if header in b.raw.factorized else b.raw.columns[header]
    if cells is not None and cells.dtype.kind == "f" and not np.isinf(cells).any():
        # a typed column (Parquet, SPSS, Stata) of numbers and blanks: nothing to classify
        if flag_name:
            _merge_unable(out, flag_name, np.zeros(len(cells), dtype=bool))
        return cells * _factor(canonical, unit)
    distinct = b.parse_distinct(header)
    if distinct is not None and _among(distinct[1], *allowed).all():
        # every distinct cell is a number, blank or an accepted 'unable': the
        # canonical value per distinct cell, spread back with one take
        codes, kinds_u, values_u = distinct
        vals_u = np.where(kinds_u == OK, values_u, np.nan)
        unable_u = kinds_u == UNABLE
        if target in _BALANCE:
            vals_u[unable_u] = 0.0  # SPPB convention: a stand not attempted/held scores as 0 s
        unable = unable_u[codes] if unable_u.any() else np.zeros(len(codes), dtype=bool)
        if flag_name:
            _merge_unable(out, flag_name, unable)
        return (vals_u * _factor(canonical, unit))[codes]
    kinds, values = b.parse(header)
    vals = np.where(kinds == OK, values, np.nan)
    unable = kinds == UNABLE
    if target in _BALANCE:
        vals[unable] = 0.0  # SPPB convention: a stand not attempted/held scores as 0 s
    if flag_name:
        _merge_unable(out, flag_name, unable)
    for i in b.limit(np.flatnonzero(~_among(kinds, *allowed)), "error", "non_numeric", target):
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


def _flag(b: _Builder, name: str) -> np.ndarray:
    """A canonical True/False column as given; blank is unknown (None), never False."""
    values, bad = read_flags(b.raw.columns[name])
    for i in b.limit(np.asarray(bad, dtype=np.intp), "error", "code", name):
        c = b.cell(name, i)
        b.add(
            "error",
            "code",
            f"'{c}' is not a recognised value; use True / False (or leave it blank).",
            i=i,
            column=name,
            value=c,
        )
    return values


def _lod_companions(
    res: Resolution,
) -> tuple[dict[str, BiomarkerSpec], dict[str, str], list[str]]:
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


def _biomarker(
    b: _Builder, name: str, spec: BiomarkerSpec, lod_header: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    header = spec.column or name
    kinds, values = b.parse(header)
    ok = kinds == OK
    vals = np.where(ok & (values >= 0), values, np.nan)
    lods = np.where(kinds == LT, values, np.nan)
    if spec.lod is not None:
        lods[kinds == ND] = spec.lod
    written = sorted(set(values[kinds == LT].tolist()))
    if lod_header is not None:
        kinds = _apply_lod_column(b, name, lod_header, kinds, lods)
    negative = ok & (values < 0)
    no_limit = (kinds == ND) & (spec.lod is None)
    not_number = ~_among(kinds, OK, MISSING, LT, ND)
    shown = np.union1d(
        np.union1d(
            b.limit(np.flatnonzero(negative), "error", "range", name),
            b.limit(np.flatnonzero(no_limit), "error", "censored", name),
        ),
        b.limit(np.flatnonzero(not_number), "error", "non_numeric", name),
    )
    for i in shown:
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
    shown = np.union1d(
        b.limit(np.flatnonzero((lk == OK) & ~(lv > 0)), "error", "range", f"{name}_lod"),
        b.limit(np.flatnonzero(~_among(lk, OK, MISSING)), "error", "non_numeric", f"{name}_lod"),
    )
    for i in shown:
        c = b.cell(header, i)
        rule = "range" if lk[i] == OK else "non_numeric"
        why = "is not positive; a detection limit must be" if lk[i] == OK else "is not a number"
        b.add("error", rule, f"'{c}' {why}.", i=i, column=f"{name}_lod", value=c)
    limit = (lk == OK) & (lv > 0)
    empty = _among(kinds, MISSING, ND) & np.isnan(lods)
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


def _plain_text(arrow: Any) -> Any:
    """A plain column's stripped cells kept as text, blank as missing, left
    in Arrow (`sarcostat.io._arrow.Texts`)."""
    from sarcostat.io import _arrow

    return _arrow.Texts(_arrow.blank_as_null(arrow))


def _extra(b: _Builder, header: str) -> Any:
    """Keep an unrecognised column: numbers when every cell is a number, True/False
    (three-valued: blank is unknown) when every filled cell is one, else text."""
    # the test stops at the first cell that is not True/False: a column of
    # numbers is settled by its first cells, without spreading it out
    if header not in b.raw.labels and is_boolean_column(b.distinct_cells(header)):
        return read_flags(b.raw.columns[header])[0]
    arrow = b.plain_arrow(header) if header not in b.raw.labels else None
    if arrow is not None and b.surely_text(header):
        return _plain_text(arrow)
    distinct = b.parse_distinct(header) if header not in b.raw.labels else None
    if distinct is not None:  # numbers decided per distinct cell, one take
        codes, kinds_u, values_u = distinct
        if kinds_u.size and _among(kinds_u, OK, MISSING).all() and (kinds_u == OK).any():
            return values_u[codes]
    if arrow is not None:  # a plain text column (codes, comments)
        return _plain_text(arrow)
    kinds, values = b.parse(header)
    if (
        header not in b.raw.labels
        and kinds.size
        and _among(kinds, OK, MISSING).all()
        and (kinds == OK).any()
    ):
        return values
    (text,) = b._map_distinct(
        b.labelled(header),
        lambda c: (None if is_blank(c) else c if isinstance(c, str) else str(c),),
        (None,),
        None if header in b.raw.labels else b.raw.factorized.get(header),
    )
    return text
