"""Apply a `Definition` to a cohort table with three-valued logic.

Each cut-off row yields True (abnormal), False (normal) or <NA> (the input,
the sex, or the body-composition method is missing, or the definition has no
cut-off for that device). Rows of one criterion combine with Kleene OR and
stages with Kleene AND/OR (pandas' nullable boolean implements Kleene logic),
so "low muscle mass is False, hence not sarcopenic whatever else is missing"
needs no special case, and missing is never read as normal.

Everything is computed column-wise: participants are grouped by the few
(sex, body-composition method) combinations, each group is compared with its
cut-off in one numpy operation, and the human ``reason`` strings are joined
from per-group templates and the measured values formatted once per call
(`Prepared` caches them, so `classify_many` formats each
measure once for all definitions).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sarcostat.assess._cutoffs import NEGATED, OPERATORS, SHOWN, Definition
from sarcostat.assess._measures import (
    CODED,
    MEASURES,
    SARC_F_ITEMS,
    _flag,
    _num,
    body_measures_of,
    coded_frame,
    gait_speed,
    grip_kg,
    sarc_calf,
    sarc_f_total,
)
from sarcostat.assess.sppb import sppb_total

INDETERMINATE = "indeterminate"
NO_SARCOPENIA = "no sarcopenia"
_SEX_WORD = {"male": "man", "female": "woman"}
_SEXES = CODED["sex"]
_DEVICES = CODED["muscle_mass_method"]
# The text columns (category, missing_inputs, reason): pandas' "string" dtype,
# Arrow-backed, so that texts joined by Arrow need no Python object per row.
_STRING = pd.StringDtype("pyarrow")
_TEXT = pa.large_string()
# Arrow's own pool (mimalloc) keeps what the intermediate texts free; the
# system allocator gives it back, which keeps the peak memory of `classify`
# with reasons near the size of its output.
_POOL = pa.system_memory_pool()


def measure_table(data: pd.DataFrame, sex: np.ndarray | None = None) -> _Measures:
    """Every measure as ``(values, unable)``; ``unable`` rows have NaN values.

    A mapping that derives each measure on first use (a definition that
    needs no TUG derives none). ``sex``: the codes of
    `sarcostat.assess._measures.coded`, when already read.
    """
    return _Measures(data, sex)


class _Measures(Mapping[str, tuple[np.ndarray, np.ndarray]]):
    """`measure_table`: the measures of `MEASURES`, each derived once when first asked for."""

    def __init__(self, data: pd.DataFrame, sex: np.ndarray | None) -> None:
        self._data = data
        self._sex = sex
        n = len(data)
        self._none = np.zeros(n, dtype=bool)
        self._nan = np.full(n, np.nan)  # shared by the measures the table lacks (read-only)
        self._none.flags.writeable = False
        self._nan.flags.writeable = False
        self._done: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._body: dict[str, np.ndarray] | None = None

    def __iter__(self) -> Iterator[str]:
        return iter(MEASURES)

    def __len__(self) -> int:
        return len(MEASURES)

    def __getitem__(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        got = self._done.get(name)
        if got is None:
            if name not in MEASURES:
                raise KeyError(name)
            got = self._done[name] = self._derive(name)
        return got

    def _num(self, col: str) -> np.ndarray:
        return _num(self._data, col) if col in self._data.columns else self._nan

    def _derive(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        data, none, nan = self._data, self._none, self._nan
        if name in ("smi", "asm_kg", "alm_bmi"):
            if self._body is None:
                self._body = body_measures_of(data)
            body = self._body
            if name != "alm_bmi":
                return body.get(name, nan), none
            with np.errstate(divide="ignore", invalid="ignore"):
                return body.get("asm_kg", nan) / body.get("bmi", nan), none
        # A measure the table cannot give (its inputs absent) is the shared
        # NaN column, not a NaN column of its own per measure (8 MB each at
        # 10**6 rows, the most of classify's peak a narrow cohort could lose).
        has = data.columns.__contains__
        sarc_f = has("sarc_f_total") or all(map(has, SARC_F_ITEMS))
        if name == "gait_speed_m_s":
            unable = _flag(data, "gait_unable")
            speed = gait_speed(data)
            return (np.where(unable, np.nan, speed) if unable.any() else speed), unable
        if name == "chair_stand_5x_s":
            unable = _flag(data, "chair_stand_unable")
            if not has(name):
                return nan, unable
            return np.where(unable, np.nan, self._num("chair_stand_5x_s")), unable
        if name == "grip_kg":
            return grip_kg(data), none
        if name == "sppb_total":
            # no side-by-side stance, no balance points: no total is scored
            # from components, and the given total is the measure
            if not has("side_by_side_s"):
                return self._num("sppb_total"), none
            return sppb_total(data), none
        if name == "sarc_f_total":
            return (sarc_f_total(data) if sarc_f else nan), none
        if name == "sarc_calf":
            if not (sarc_f and has("calf_circumference_cm")):
                return nan, none
            return sarc_calf(data, self._sex), none
        return self._num(name), none  # tug_s, calf_circumference_cm


def _formatted(values: np.ndarray, digits: int) -> tuple[np.ndarray, pa.Array]:
    """``(codes, texts)``: each value as ``f"{v:.{digits}f}"`` by code (-1 where NaN).

    Each distinct value is formatted once; values that round to the same
    text share a code, so a continuous measure (SMI from ASM and height)
    formats a few thousand numbers, not one per participant. The rounding is
    Python's own: only values whose scaled fraction is clear of one half are
    grouped by the scaled integer; the rest are formatted one by one.
    """
    scale = 10.0**digits
    with np.errstate(invalid="ignore", over="ignore"):
        t = values * scale
        m = np.rint(t)
        frac = np.abs(t - np.trunc(t))
        tie = np.abs(frac - 0.5) < 1e-6 * np.maximum(1.0, np.abs(t))
    # grouped by the scaled integer where that is safe; each tie and each value
    # that rounds to (minus) zero, and anything past 2**52, by itself
    single = tie | ~(np.abs(t) < 2.0**52) | ((m == 0) & np.signbit(values))
    key = np.where(single, np.nan, m)
    codes, uniq = pd.factorize(key, use_na_sentinel=True)
    texts = [f"{u / scale:.{digits}f}" for u in uniq.tolist()]
    rows = np.flatnonzero(single & ~np.isnan(values))
    if rows.size:
        own, own_uniq = pd.factorize(values[rows])
        codes[rows] = own + len(texts)
        texts += [f"{v:.{digits}f}" for v in own_uniq.tolist()]
    small = np.int32 if len(texts) < 2**31 else np.int64
    return codes.astype(small, copy=False), pa.array(texts, _TEXT)


class Prepared:
    """Measures, sex and device of one cohort table, shared by every definition."""

    def __init__(self, data: Any, function: str = "classify") -> None:
        self.data, codes = coded_frame(data, function)
        self.n = len(self.data)
        sex, device = codes["sex"], codes["muscle_mass_method"]
        self.measures = measure_table(self.data, sex)
        self.sex_is: dict[str | None, np.ndarray] = {s: sex == i for i, s in enumerate(_SEXES)}
        self.sex_is[None] = sex < 0
        self.device_is: dict[str | None, np.ndarray] = {
            d: device == i for i, d in enumerate(_DEVICES)
        }
        self.device_is[None] = device < 0
        self._shown: dict[str, tuple[np.ndarray, pa.Array]] = {}

    def shown(self, measure: str) -> tuple[np.ndarray, pa.Array]:
        """The measure's values formatted for reasons: ``(codes, texts)`` (code -1 = missing)."""
        out = self._shown.get(measure)
        if out is None:
            out = _formatted(self.measures[measure][0], MEASURES[measure].digits)
            self._shown[measure] = out
        return out


class _Part:
    """One measure's reason per row, as a template code (-1 = no text).

    A template is ``(head, with_value, tail)``: ``head + value + tail`` or,
    without the value, ``head + tail``. Texts are joined by Arrow at the end
    (`_texts`), so no Python string is made per participant.
    """

    def __init__(self, n: int, measure: str) -> None:
        self.measure = measure
        # int8 while the templates fit (a code per participant per measure:
        # 4 MB each at 10**6 rows as int32), widened when they do not
        self.code = np.full(n, -1, dtype=np.int8)
        self.templates: list[tuple[str, bool, str]] = []
        self._index: dict[tuple[str, bool, str], int] = {}

    def set(self, rows: Any, head: str, tail: str = "", *, value: bool = False) -> None:
        key = (head, value, tail)
        k = self._index.get(key)
        if k is None:
            k = self._index[key] = len(self.templates)
            self.templates.append(key)
            if k > np.iinfo(self.code.dtype).max:
                self.code = self.code.astype(np.int32)
        self.code[rows] = k

    def set_each(self, rows: np.ndarray, head: str, tails: list[str], pick: np.ndarray) -> None:
        """``head + value + tails[pick]`` on ``rows`` (``pick`` indexes ``tails``)."""
        ks = []
        for tail in tails:
            self.set(np.zeros(0, dtype=np.intp), head, tail, value=True)
            ks.append(self._index[(head, True, tail)])
        self.code[rows] = np.asarray(ks, dtype=np.int32)[pick]

    def arrow(self, prep: Prepared, rows: slice) -> pa.Array:
        """The texts of ``rows``, null where there is none.

        Each distinct (template, value) pair is written once in Python and
        then taken for its rows.
        """
        code = self.code[rows]
        if not self.templates:
            return pa.nulls(len(code), _TEXT)
        vals, texts = prep.shown(self.measure)
        with_value = np.array([t[1] for t in self.templates] + [False])[code]
        vidx = np.where(with_value, vals[rows], -1).astype(np.int64)
        key = np.where(code < 0, -1, code.astype(np.int64) * (len(texts) + 1) + (vidx + 1))
        pair, kinds = pd.factorize(key, use_na_sentinel=True)
        shown = texts.to_pylist()
        words: list[str | None] = []
        for k in kinds.tolist():
            if k < 0:
                words.append(None)
                continue
            head, _, tail = self.templates[k // (len(texts) + 1)]
            v = k % (len(texts) + 1) - 1
            words.append(head + (shown[v] if v >= 0 else "") + tail)
        return pc.take(pa.array(words, _TEXT, memory_pool=_POOL), pair, memory_pool=_POOL)


def _who(sex: str | None, device: str | None) -> str:
    """'BIA', 'women', 'women (BIA)': a sex and/or device in words ('any'/None left out)."""
    parts = [{"male": "men", "female": "women"}[sex]] if sex in _SEXES else []
    if device in _DEVICES:
        parts.append(str(device).upper())
    return " ".join(parts[:1] + [f"({parts[1]})"]) if len(parts) == 2 else "".join(parts)


def _where(cutoffs: list, sex: str | None, device: str | None) -> str:
    """What a known sex/device has no cut-off for, as coarse as true: 'BIA' when the
    definition has no cut-off for that device at all, 'women' when none for that sex."""
    if device in _DEVICES and not any(r.device in ("any", device) for r in cutoffs):
        return str(device).upper()
    if sex in _SEXES and not any(r.sex in ("any", sex) for r in cutoffs):
        return _who(sex, None)
    return _who(sex, device) or "this participant"


def _lacking(outcomes: list) -> str:
    """The possibilities without a cut-off in words: a device or sex all of whose
    combinations lack one ('BIA'), else each combination ('women (BIA)')."""
    none = [(so, do) for so, do, r in outcomes if r is None]
    for pos in (1, 0):  # a whole device first, then a whole sex
        vals = {c[pos] for c in none}
        if all(all(r is None for *sd, r in outcomes if sd[pos] == val) for val in vals):
            return " or ".join(_who(*((None, val) if pos else (val, None))) for val in sorted(vals))
    return " or ".join(_who(so, do) for so, do in none)


def _name_undecided(
    *,
    undecided: np.ndarray,
    idx: np.ndarray,
    outcomes: list,
    hits: list,
    unknown: list[str],
    known: tuple,
    cutoffs: list,
    measure: str,
    definition: Definition,
    part: _Part | None,
    quiet: np.ndarray,
    add_missing: Any,
    n: int,
) -> None:
    """Reasons and missing inputs for the rows of one sex/method group left undecided.

    The true reason is named: a missing sex or method only where knowing it
    could decide the flag (some value of it leaves possibilities that all have
    a cut-off and agree), both only where neither alone can but the two
    together can, and the definition's lack of a cut-off where no value of the
    missing sex or method would help (a BIA row under a DXA-only definition is
    undecided because of the device, whether or not its sex is known).
    """
    info = MEASURES[measure]
    title = definition.title

    def decided(sel: list[int]) -> np.ndarray:
        hs = [hits[i] for i in sel]
        if not hs or any(h is None for h in hs):
            return np.zeros(len(undecided), dtype=bool)
        return np.logical_or.reduce(hs) == np.logical_and.reduce(hs)

    pos = {"sex": 0, "muscle_mass_method": 1}
    alone = {}
    for name in unknown:
        p = pos[name]
        can = np.zeros(len(undecided), dtype=bool)
        for val in dict.fromkeys(o[p] for o in outcomes):
            can |= decided([i for i, o in enumerate(outcomes) if o[p] == val])
        alone[name] = can & undecided
    some_cut = any(r is not None for _, _, r in outcomes)
    complete = all(r is not None for _, _, r in outcomes)
    why = (
        " (the cut-offs disagree)"
        if complete
        else f" ({title} has no {info.label} cut-off for {_lacking(outcomes)})"
    )
    named = np.zeros(len(undecided), dtype=bool)
    combos: list[tuple[list[str], np.ndarray]] = []
    for name in unknown:  # one missing value alone would decide
        others = [o for o in unknown if o != name]
        only = alone[name] & ~np.logical_or.reduce([alone[o] for o in others] or [named])
        combos.append(([name], only))
    if len(unknown) > 1:
        every = np.logical_and.reduce([alone[u] for u in unknown])
        neither = undecided & ~np.logical_or.reduce([alone[u] for u in unknown])
        combos.append((unknown, every | (neither if some_cut else np.zeros_like(neither))))
    for names, local in combos:
        if not local.any():
            continue
        rows = idx[local]
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        named |= local
        for name in names:
            add_missing(name, mask)
        if part is not None:
            tail = f" {info.unit} but {' and '.join(names)} missing{why}"
            part.set(rows, f"{info.label} ", tail, value=True)
        if not complete:
            quiet[rows] = True
    rest = undecided & ~named
    if rest.any():  # no value of the missing sex/method would give a cut-off
        rows = idx[rest]
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        where = _where(cutoffs, *known)
        add_missing(f"{measure} ({title} has no {where} cut-off)", mask)
        if part is not None:
            part.set(rows, f"{info.label}: {title} has no cut-off for {where}")


def _evaluate_measure(
    prep: Prepared, definition: Definition, criterion: str, measure: str, reasons: bool = True
) -> tuple[pd.arrays.BooleanArray, _Part | None, dict[str, np.ndarray], np.ndarray]:
    """Return (flags, part, missing, quiet) for one measure of one criterion.

    ``part`` holds the reason of each row (None when ``reasons`` is False);
    ``missing`` maps an input name to the rows where its absence left the
    flag undecided; ``quiet`` marks reasons that only say something is
    missing (left out of the reasons of auxiliary flags).

    A missing sex or body-composition method does not by itself make the
    flag unknown: the value is compared with the cut-off of every possible
    sex/method, and the flag is decided when they all agree (a grip of 10 kg
    is low for men and women alike). It stays <NA> when they disagree or when
    one of the possibilities has no cut-off in this definition.
    """
    rows = [c for c in definition.cutoffs if c.criterion == criterion and c.measure == measure]
    info = MEASURES[measure]
    n = prep.n
    values, unable = prep.measures[measure]
    nan = np.isnan(values) & ~unable
    flag = np.zeros(n, dtype=bool)
    known = np.zeros(n, dtype=bool)
    part = _Part(n, measure) if reasons else None
    quiet = nan.copy()
    missing: dict[str, np.ndarray] = {}

    def _missing(name: str, mask: np.ndarray) -> None:
        missing[name] = missing[name] | mask if name in missing else mask

    needs_sex = any(r.sex != "any" for r in rows)
    needs_dev = any(r.device != "any" for r in rows)
    sex_is, dev_is = prep.sex_is, prep.device_is

    # 'unable' sits at the abnormal extreme of every cut-off.
    if unable.any():
        flag[unable] = True
        known[unable] = True
        for s in (*_SEXES, None):
            if part is None:
                break
            r = ([r for r in rows if r.sex in ("any", s)] or rows)[0]
            text = f"{info.label} unable (counts as {SHOWN[r.operator]} {r.value:g} {r.unit})"
            part.set(unable & sex_is[s], text)
    if nan.any():
        if part is not None:
            part.set(nan, f"{info.label} missing")
        _missing(info.inputs, nan)

    measured = ~nan & ~unable
    sex_groups: list[tuple[str | None, np.ndarray | None]] = (
        [(s, sex_is[s]) for s in (*_SEXES, None)] if needs_sex else [("any", None)]
    )
    dev_groups: list[tuple[str | None, np.ndarray | None]] = (
        [(d, dev_is[d]) for d in (*_DEVICES, None)] if needs_dev else [("any", None)]
    )
    for s, s_mask in sex_groups:
        for d, d_mask in dev_groups:
            g = measured
            if s_mask is not None:
                g = g & s_mask
            if d_mask is not None:
                g = g & d_mask
            if not g.any():
                continue
            sex_opts = _SEXES if s is None else (s,)
            dev_opts = _DEVICES if d is None else (d,)
            outcomes = []
            for so in sex_opts:
                for do in dev_opts:
                    match = [r for r in rows if r.sex in ("any", so) and r.device in ("any", do)]
                    outcomes.append((so, do, match[0] if match else None))
            unknown = [name for name, val in (("sex", s), ("muscle_mass_method", d)) if val is None]
            v = values[g]
            hits = [
                None if r is None else OPERATORS[r.operator](v, r.value) for _, _, r in outcomes
            ]
            complete = all(h is not None for h in hits)
            if complete:
                given = [h for h in hits if h is not None]
                any_hit = np.logical_or.reduce(given)
                all_hit = np.logical_and.reduce(given)
                agree = any_hit == all_hit
            else:  # a possibility without a cut-off: the flag cannot be decided
                any_hit = np.zeros(len(v), dtype=bool)
                agree = np.zeros(len(v), dtype=bool)
            idx = np.flatnonzero(g)
            if not agree.all():
                _name_undecided(
                    undecided=~agree,
                    idx=idx,
                    outcomes=outcomes,
                    hits=hits,
                    unknown=unknown,
                    known=(s, d),
                    cutoffs=rows,
                    measure=measure,
                    definition=definition,
                    part=part,
                    quiet=quiet,
                    add_missing=_missing,
                    n=n,
                )
            if not complete:
                continue
            # Every possibility has a cut-off from here on.
            cut_rows = [(so, do, r) for so, do, r in outcomes if r is not None]
            ok = idx[agree]
            hit = any_hit[agree]
            flag[ok] = hit
            known[ok] = True
            if part is None:
                continue
            star = "" if all(r.verified for _, _, r in cut_rows) else " [unverified cut-off]"
            if len(cut_rows) == 1:
                so, do, r = cut_rows[0]
                who = ([_SEX_WORD[so]] if r.sex != "any" else []) + (
                    [do.upper()] if r.device != "any" else []
                )
                tail = f" ({', '.join(who)}){star}" if who else star
                low = f" {SHOWN[r.operator]} {r.value:g} {r.unit}{tail}"
                high = f" {NEGATED[r.operator]} {r.value:g} {r.unit}{tail}"
            else:
                cuts = "/".join(f"{r.value:g}" for _, _, r in cut_rows)
                why = f" by every possible cut-off ({cuts}; {' and '.join(unknown)} missing){star}"
                low = f" {info.unit} is abnormal{why}"
                high = f" {info.unit} is normal{why}"
            part.set_each(ok, f"{info.label} ", [high, low], hit.astype(np.intp))
    flags = pd.arrays.BooleanArray(flag, ~known)
    return flags, part, missing, quiet


def evaluate(
    data: pd.DataFrame | None,
    definition: Definition,
    prepared: Prepared | None = None,
    *,
    reasons: bool = True,
) -> pd.DataFrame:
    """Classify every row of ``data`` by ``definition`` (see ``classify``).

    ``reasons=False`` leaves out the ``reason`` column (every other column is
    the same), the costly part at biobank scale.
    """
    prep = prepared if prepared is not None else Prepared(data)
    if definition.adapt is not None:
        definition = definition.adapt(definition, prep.measures)
    n = prep.n
    flags: dict[str, Any] = {}
    parts: list[_Part] = []
    missing_by_flag: dict[str, dict[str, np.ndarray]] = {}
    for crit, _label in definition.criteria:
        acc: Any = None
        miss: dict[str, np.ndarray] = {}
        for measure in definition.tests(crit):
            # A test the cohort never measured, left out by `definition.adapt`:
            # its flag stays unknown, without a "missing" reason for everyone.
            told = reasons and measure not in definition.left_out
            f, part, missing, quiet = _evaluate_measure(prep, definition, crit, measure, told)
            acc = f if acc is None else (acc | f)
            if part is not None:
                if crit in definition.auxiliary:
                    part.code[quiet] = -1
                parts.append(part)
            for name, mask in missing.items():
                miss[name] = miss[name] | mask if name in miss else mask
        flags[crit] = acc
        missing_by_flag[crit] = miss
    for name, _label, rule in definition.derived:
        flags[name] = pd.array(rule(flags), dtype="boolean")

    sarc = pd.array(definition.sarcopenia(flags), dtype="boolean")
    severe = (
        pd.array(definition.severe(flags), dtype="boolean")
        if definition.severe
        else pd.array(np.full(n, pd.NA), dtype="boolean")
    )
    category = _categories(definition, flags, n)

    # an input is named only where it left a used criterion undecided and
    # that criterion could change the participant's category or status
    names: dict[str, np.ndarray] = {}
    for crit, _ in definition.criteria:
        if crit in definition.auxiliary or set(definition.tests(crit)) <= set(definition.left_out):
            continue  # a left-out test is in no rule: it decides nothing
        undecided = _decisive(definition, flags, crit)
        for name, mask in missing_by_flag[crit].items():
            hit = mask & undecided
            names[name] = names[name] | hit if name in names else hit
    order = sorted(names)
    # each distinct set of missing inputs is written once: the sets as bit codes
    bits = np.zeros(n, dtype=np.int64)
    for k, name in enumerate(order):
        bits |= names[name].astype(np.int64) << k
    del names
    which: np.ndarray  # each row's set of missing inputs, as an index into ``kinds``
    if len(order) <= 16:  # np.unique(bits, return_inverse=True) without sorting n codes
        present = np.bincount(bits, minlength=1) > 0
        kinds = np.flatnonzero(present)
        lookup = (np.cumsum(present) - 1).astype(np.int32)
        which = lookup[bits]
    else:
        kinds, which = np.unique(bits, return_inverse=True)
    del bits  # freed before the reasons are built, as ``which`` below
    missing_text = [", ".join(o for k, o in enumerate(order) if b >> k & 1) for b in kinds.tolist()]
    missing_inputs = pc.take(pa.array(missing_text, _TEXT), which.reshape(-1), memory_pool=_POOL)
    del which

    # copy=False: the flags are this call's own arrays (a copy of each was
    # 20 MB at 10**6 rows while the reasons are built)
    out = pd.DataFrame(
        {name: flags[name] for name in definition.flag_names}, index=prep.data.index, copy=False
    )
    out["category"] = _text_column(category.labels, category.codes)
    out["sarcopenia"] = sarc
    out["severe"] = severe
    out["missing_inputs"] = pd.array(missing_inputs, dtype=_STRING)
    if reasons:
        # '<category>: ' then the non-empty reasons joined by '; ' (Arrow skips the nulls)
        out["reason"] = pd.array(_reason(prep, category, parts), dtype=_STRING)
    return out


#: Rows per slice of the reason texts: a slice's intermediate texts are
#: freed before the next is built, so the peak memory stays near the output.
_REASON_ROWS = 1 << 15


def _reason(prep: Prepared, category: _Categories, parts: list[_Part]) -> pa.ChunkedArray:
    """``f"{category}: "`` then the rows' non-empty reasons joined by ``"; "``.

    Built slice by slice; within one, the parts are appended one at a time
    (each row's separator is ``""`` until it has a first reason).
    """
    labels = pa.array([f"{c}: " for c in category.labels], _TEXT, memory_pool=_POOL)
    seps = pa.array(["", "; "], _TEXT, memory_pool=_POOL)
    chunks = []
    for start in range(0, max(prep.n, 1), _REASON_ROWS):
        rows = slice(start, start + _REASON_ROWS)
        text = pc.take(labels, category.codes[rows], memory_pool=_POOL)
        has = np.zeros(len(text), dtype=bool)
        for part in parts:
            got = part.code[rows] >= 0
            if not got.any():
                continue
            sep = pc.take(seps, has.view(np.int8), memory_pool=_POOL)
            # 'skip' keeps the text as it is where the piece is null (the text never is)
            text = pc.binary_join_element_wise(
                text, part.arrow(prep, rows), sep, null_handling="skip", memory_pool=_POOL
            )
            has |= got
        chunks.append(text)
    return pa.chunked_array(chunks, _TEXT)


def _text_column(labels: list[str], codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``labels[codes]`` as a "string" array (built without a Python object per row)."""
    return pd.array(pc.take(pa.array(labels, _TEXT), codes, memory_pool=_POOL), dtype=_STRING)


def _decisive(definition: Definition, flags: dict[str, Any], crit: str) -> np.ndarray:
    """Rows where ``crit`` is undecided and deciding it could change the outcome.

    The criterion is set True and then False on its undecided rows (every
    other flag as it is, unknowns kept unknown); where the category or the
    sarcopenia status differs, the criterion matters. A 5× chair stand left
    missing beside a slow gait changes nothing (low performance is already
    True), so its absence is not given as a reason.
    """
    undecided = np.asarray(flags[crit].isna())
    rows = np.flatnonzero(undecided)
    if not rows.size:
        return undecided
    base = {c: flags[c][rows] for c, _ in definition.criteria}
    outs = []
    for value in (True, False):
        f = dict(base)
        f[crit] = pd.array(np.full(rows.size, value), dtype="boolean")
        for name, _label, rule in definition.derived:
            f[name] = pd.array(rule(f), dtype="boolean")
        cat = _categories(definition, f, rows.size).codes
        sarc = pd.array(definition.sarcopenia(f), dtype="boolean")
        # 1 True, 0 False, -1 unknown
        state = np.where(sarc.isna(), -1, sarc.fillna(False).to_numpy(dtype=bool).astype(int))
        outs.append((cat, state))
    differ = (outs[0][0] != outs[1][0]) | (outs[0][1] != outs[1][1])
    out = np.zeros(len(undecided), dtype=bool)
    out[rows[differ]] = True
    return out


class _Categories(NamedTuple):
    """A category per row as ``labels[codes]`` (labels fixed per definition)."""

    labels: list[str]
    codes: np.ndarray


def _category_labels(definition: Definition) -> list[str]:
    stages = [st.label for st in definition.stages]
    graded = [f"{label} (severity indeterminate)" for label in stages]
    return list(dict.fromkeys([INDETERMINATE, NO_SARCOPENIA, *stages, *graded]))


def _categories(definition: Definition, flags: dict[str, Any], n: int) -> _Categories:
    """First True stage, most severe first, in Kleene logic (vectorised).

    An unknown severity grade (a stage that ``refines`` another) is held as
    pending: if the stage it refines turns out True the category is
    "<stage> (severity indeterminate)"; any other unknown stage makes the
    category indeterminate.
    """
    labels = _category_labels(definition)
    code = {label: np.int16(k) for k, label in enumerate(labels)}
    cat = np.full(n, -1, dtype=np.int16)
    open_ = np.ones(n, dtype=bool)  # no category yet
    pending = np.full(n, -1)  # index of a pending severity stage
    for k, st in enumerate(definition.stages):
        res = pd.array(st.rule(flags), dtype="boolean")
        na = np.asarray(res.isna())
        true = np.asarray(res.fillna(False), dtype=bool)
        if st.refines:
            hold = open_ & na & (pending < 0)
            pending[hold] = k
            na = na & ~hold
        ind = open_ & na
        cat[ind] = code[INDETERMINATE]
        open_ &= ~ind
        pos = open_ & true
        if pos.any():
            cat[pos & (pending < 0)] = code[st.label]
            refined = pos & (pending >= 0)
            for j in np.unique(pending[refined]):
                rows = refined & (pending == j)
                ok = definition.stages[j].refines == st.label
                cat[rows] = code[f"{st.label} (severity indeterminate)" if ok else INDETERMINATE]
            open_ &= ~pos
    cat[open_ & (pending >= 0)] = code[INDETERMINATE]
    cat[open_ & (pending < 0)] = code[NO_SARCOPENIA]
    return _Categories(labels, cat)
