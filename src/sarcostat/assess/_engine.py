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

from typing import Any

import numpy as np
import pandas as pd

from sarcostat.assess._cutoffs import NEGATED, OPERATORS, SHOWN, Definition
from sarcostat.assess._measures import (
    MEASURES,
    _flag,
    _num,
    body_measures_of,
    check_frame,
    gait_speed,
    grip_kg,
    sarc_calf,
    sarc_f_total,
    sex_and_device,
)
from sarcostat.assess.sppb import score_sppb

INDETERMINATE = "indeterminate"
NO_SARCOPENIA = "no sarcopenia"
_SEX_WORD = {"male": "man", "female": "woman"}
_SEXES = ("male", "female")
_DEVICES = ("bia", "dxa")
# nullable string dtype ("string"); python storage builds from Python str objects
# far faster than pyarrow storage does
_STRING = pd.StringDtype("python")


def measure_table(data: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Every measure as ``(values, unable)``; ``unable`` rows have NaN values."""
    # Here, not in _measures: the SPPB scorer itself reads _measures.
    n = len(data)
    none = np.zeros(n, dtype=bool)
    gait_unable = _flag(data, "gait_unable")
    chair_unable = _flag(data, "chair_stand_unable")
    body = body_measures_of(data)
    nan = np.full(n, np.nan)
    asm = body.get("asm_kg", nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        alm_bmi = asm / body.get("bmi", nan)
    sppb = score_sppb(data)["sppb_total"].to_numpy(dtype=float, na_value=np.nan)
    chair = _num(data, "chair_stand_5x_s")
    gait = gait_speed(data)
    return {
        "smi": (body.get("smi", nan), none),
        "asm_kg": (asm, none),
        "alm_bmi": (alm_bmi, none),
        "grip_kg": (grip_kg(data), none),
        "gait_speed_m_s": (np.where(gait_unable, np.nan, gait), gait_unable),
        "chair_stand_5x_s": (np.where(chair_unable, np.nan, chair), chair_unable),
        "sppb_total": (sppb, none),
        "tug_s": (_num(data, "tug_s"), none),
        "calf_circumference_cm": (_num(data, "calf_circumference_cm"), none),
        "sarc_f_total": (sarc_f_total(data), none),
        "sarc_calf": (sarc_calf(data), none),
    }


class Prepared:
    """Measures, sex and device of one cohort table, shared by every definition."""

    def __init__(self, data: Any, function: str = "classify") -> None:
        self.data = check_frame(data, function)
        self.n = len(self.data)
        self.measures = measure_table(self.data)
        sex, device = sex_and_device(self.data)
        self.sex = sex
        self.device = device
        self.sex_is: dict[str | None, np.ndarray] = {s: sex == s for s in _SEXES}
        self.sex_is[None] = ~(self.sex_is["male"] | self.sex_is["female"])
        self.device_is: dict[str | None, np.ndarray] = {d: device == d for d in _DEVICES}
        self.device_is[None] = ~(self.device_is["bia"] | self.device_is["dxa"])
        self._shown: dict[str, np.ndarray] = {}

    def shown(self, measure: str) -> np.ndarray:
        """The measure's values formatted for reasons (object array; '' where missing)."""
        out = self._shown.get(measure)
        if out is None:
            digits = MEASURES[measure].digits
            vals = self.measures[measure][0]
            # each distinct value formatted once (measurements repeat)
            uniq, inverse = np.unique(vals, return_inverse=True)
            text = np.array(
                ["" if v != v else f"{v:.{digits}f}" for v in uniq.tolist()], dtype=object
            )
            out = text[inverse.reshape(-1)]
            self._shown[measure] = out
        return out


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
    shown: np.ndarray,
    reasons: np.ndarray,
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
        reasons[rows] = (
            f"{info.label} " + shown[rows] + f" {info.unit} but {' and '.join(names)} missing{why}"
        )
        if not complete:
            quiet[rows] = True
    rest = undecided & ~named
    if rest.any():  # no value of the missing sex/method would give a cut-off
        rows = idx[rest]
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        where = _where(cutoffs, *known)
        add_missing(f"{measure} ({title} has no {where} cut-off)", mask)
        reasons[rows] = f"{info.label}: {title} has no cut-off for {where}"


def _evaluate_measure(
    prep: Prepared, definition: Definition, criterion: str, measure: str
) -> tuple[pd.arrays.BooleanArray, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Return (flags, reasons, missing, quiet) for one measure of one criterion.

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
    reasons = np.full(n, "", dtype=object)
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
            r = ([r for r in rows if r.sex in ("any", s)] or rows)[0]
            text = f"{info.label} unable (counts as {SHOWN[r.operator]} {r.value:g} {r.unit})"
            reasons[unable & sex_is[s]] = text
    if nan.any():
        reasons[nan] = f"{info.label} missing"
        _missing(info.inputs, nan)

    shown = prep.shown(measure)
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
                    shown=shown,
                    reasons=reasons,
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
            reasons[ok] = f"{info.label} " + shown[ok] + np.where(hit, low, high).astype(object)
    flags = pd.arrays.BooleanArray(flag, ~known)
    return flags, reasons, missing, quiet


def evaluate(
    data: pd.DataFrame | None, definition: Definition, prepared: Prepared | None = None
) -> pd.DataFrame:
    """Classify every row of ``data`` by ``definition`` (see ``classify``)."""
    prep = prepared if prepared is not None else Prepared(data)
    if definition.adapt is not None:
        definition = definition.adapt(definition, prep.measures)
    n = prep.n
    flags: dict[str, Any] = {}
    parts: list[np.ndarray] = []
    missing_by_flag: dict[str, dict[str, np.ndarray]] = {}
    for crit, _label in definition.criteria:
        acc: Any = None
        miss: dict[str, np.ndarray] = {}
        for measure in dict.fromkeys(c.measure for c in definition.cutoffs if c.criterion == crit):
            f, reasons, missing, quiet = _evaluate_measure(prep, definition, crit, measure)
            acc = f if acc is None else (acc | f)
            if crit in definition.auxiliary:
                reasons = np.where(quiet, "", reasons)
            parts.append(reasons)
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
        if crit in definition.auxiliary:
            continue
        undecided = _decisive(definition, flags, crit)
        for name, mask in missing_by_flag[crit].items():
            hit = mask & undecided
            names[name] = names[name] | hit if name in names else hit
    order = sorted(names)
    missing_inputs = np.full(n, "", dtype=object)
    if order:
        masks = np.column_stack([names[k] for k in order])
        rows = np.flatnonzero(masks.any(axis=1))
        missing_inputs[rows] = [
            ", ".join(k for k, m in zip(order, row) if m) for row in masks[rows]
        ]
    # The reason is one text per participant, so one string is built per row;
    # a comprehension of plain joins is the fastest way found (element-wise
    # concatenation of object arrays, or Arrow's join, took 2-4x as long).
    reason = [f"{c}: " + "; ".join(filter(None, t)) for c, t in zip(category, zip(*parts))]

    out = pd.DataFrame({name: flags[name] for name in definition.flag_names}, index=prep.data.index)
    out["category"] = pd.array(category, dtype=_STRING)
    out["sarcopenia"] = sarc
    out["severe"] = severe
    out["missing_inputs"] = pd.array(missing_inputs, dtype=_STRING)
    out["reason"] = pd.array(reason, dtype=_STRING)
    return out


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
        cat = _categories(definition, f, rows.size)
        sarc = pd.array(definition.sarcopenia(f), dtype="boolean")
        outs.append((cat, sarc.to_numpy(dtype=object, na_value=None)))
    differ = (outs[0][0] != outs[1][0]) | (outs[0][1] != outs[1][1])
    out = np.zeros(len(undecided), dtype=bool)
    out[rows[differ]] = True
    return out


def _categories(definition: Definition, flags: dict[str, Any], n: int) -> np.ndarray:
    """First True stage, most severe first, in Kleene logic (vectorised).

    An unknown severity grade (a stage that ``refines`` another) is held as
    pending: if the stage it refines turns out True the category is
    "<stage> (severity indeterminate)"; any other unknown stage makes the
    category indeterminate.
    """
    cat = np.full(n, None, dtype=object)
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
        cat[ind] = INDETERMINATE
        open_ &= ~ind
        pos = open_ & true
        if pos.any():
            cat[pos & (pending < 0)] = st.label
            refined = pos & (pending >= 0)
            for j in np.unique(pending[refined]):
                rows = refined & (pending == j)
                ok = definition.stages[j].refines == st.label
                cat[rows] = f"{st.label} (severity indeterminate)" if ok else INDETERMINATE
            open_ &= ~pos
    cat[open_ & (pending >= 0)] = INDETERMINATE
    cat[open_ & (pending < 0)] = NO_SARCOPENIA
    return cat
