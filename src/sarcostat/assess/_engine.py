"""Apply a :class:`Definition` to a cohort table with three-valued logic.

Each cut-off row yields True (abnormal), False (normal) or <NA> (the input,
the sex, or the body-composition method is missing, or the definition has no
cut-off for that device). Rows of one criterion combine with Kleene OR and
stages with Kleene AND/OR (pandas' nullable boolean implements Kleene logic),
so "low muscle mass is False, hence not sarcopenic whatever else is missing"
needs no special case, and missing is never read as normal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sarcostat.assess._cutoffs import NEGATED, OPERATORS, SHOWN, Definition
from sarcostat.assess._measures import MEASURES, check_frame, measure_table, sex_and_device

INDETERMINATE = "indeterminate"
NO_SARCOPENIA = "no sarcopenia"
_SEX_WORD = {"male": "man", "female": "woman"}


def _fmt(value: float, digits: int) -> str:
    return f"{value:.{digits}f}"


def _evaluate_measure(definition, criterion, measure, values, unable, sex, device):
    """Return (flags, reasons, missing) for one measure of one criterion.

    A missing sex or body-composition method does not by itself make the
    flag unknown: the value is compared with the cut-off of every possible
    sex/method, and the flag is decided when they all agree (a grip of 10 kg
    is low for men and women alike). It stays <NA> when they disagree or when
    one of the possibilities has no cut-off in this definition.
    """
    rows = [c for c in definition.cutoffs if c.criterion == criterion and c.measure == measure]
    info = MEASURES[measure]
    n = len(values)
    flags = np.full(n, None, dtype=object)
    reasons = [""] * n
    missing = [None] * n
    sexes_used = sorted({r.sex for r in rows} - {"any"}) or ["any"]
    devices_used = sorted({r.device for r in rows} - {"any"}) or ["any"]
    needs_sex = sexes_used != ["any"]
    needs_device = devices_used != ["any"]
    cache: dict = {}  # (sex, device) -> applicable rows; a cohort has few combinations
    for i in range(n):
        s, d = sex[i], device[i]
        if unable[i]:
            # 'unable' sits at the abnormal extreme of every cut-off.
            flags[i] = True
            r = ([r for r in rows if r.sex in ("any", s)] or rows)[0]
            reasons[i] = f"{info.label} unable (counts as {SHOWN[r.operator]} {r.value:g} {r.unit})"
            continue
        v = values[i]
        if np.isnan(v):
            missing[i] = info.inputs
            reasons[i] = f"{info.label} missing"
            continue
        key = (s, d)
        outcomes = cache.get(key)
        if outcomes is None:
            sex_options = [s] if (s is not None or not needs_sex) else ["male", "female"]
            dev_options = [d] if (d is not None or not needs_device) else ["bia", "dxa"]
            outcomes = []
            for so in sex_options:
                for do in dev_options:
                    match = [r for r in rows if r.sex in ("any", so) and r.device in ("any", do)]
                    outcomes.append((so, do, match[0] if match else None))
            cache[key] = outcomes
        shown = _fmt(v, info.digits)
        unknown = [name for name, val, need in (("sex", s, needs_sex), ("muscle_mass_method", d, needs_device))
                   if need and val is None]
        if any(r is None for _, _, r in outcomes):
            if len(outcomes) == 1:
                missing[i] = f"{measure} ({definition.title} has no {d.upper()} cut-off)"
                reasons[i] = f"{info.label}: {definition.title} has no cut-off for {d.upper()}"
            else:
                missing[i] = ", ".join(unknown)
                reasons[i] = f"{info.label} {shown} {info.unit} but {' and '.join(unknown)} missing"
            continue
        hits = {bool(OPERATORS[r.operator](v, r.value)) for _, _, r in outcomes}
        if len(hits) > 1:
            missing[i] = ", ".join(unknown)
            reasons[i] = (f"{info.label} {shown} {info.unit} but {' and '.join(unknown)} missing "
                          f"(the cut-offs disagree)")
            continue
        hit = hits.pop()
        flags[i] = hit
        star = "" if all(r.verified for _, _, r in outcomes) else " [unverified cut-off]"
        if len(outcomes) == 1:
            so, do, r = outcomes[0]
            op = SHOWN[r.operator] if hit else NEGATED[r.operator]
            who = ([_SEX_WORD[so]] if r.sex != "any" else []) + ([do.upper()] if r.device != "any" else [])
            tail = f" ({', '.join(who)})" if who else ""
            reasons[i] = f"{info.label} {shown} {op} {r.value:g} {r.unit}{tail}{star}"
        else:
            word = "abnormal" if hit else "normal"
            cuts = "/".join(f"{r.value:g}" for _, _, r in outcomes)
            reasons[i] = (f"{info.label} {shown} {info.unit} is {word} by every possible cut-off "
                          f"({cuts}; {' and '.join(unknown)} missing){star}")
    return pd.array(flags, dtype="boolean"), reasons, missing


def evaluate(data: pd.DataFrame, definition: Definition) -> pd.DataFrame:
    """Classify every row of ``data`` by ``definition`` (see ``classify``)."""
    data = check_frame(data, "classify")
    n = len(data)
    measures = measure_table(data)
    sex, device = sex_and_device(data)
    flags: dict[str, pd.arrays.BooleanArray] = {}
    reason_parts: list[list[str]] = [[] for _ in range(n)]
    missing_by_flag: dict[str, list[set]] = {}
    for crit, _label in definition.criteria:
        acc = None
        miss = [set() for _ in range(n)]
        for measure in dict.fromkeys(c.measure for c in definition.cutoffs if c.criterion == crit):
            vals, unable = measures[measure]
            f, reasons, missing = _evaluate_measure(definition, crit, measure, vals, unable, sex, device)
            acc = f if acc is None else (acc | f)
            for i in range(n):
                if crit not in definition.auxiliary or reasons[i] and not reasons[i].endswith("missing"):
                    reason_parts[i].append(reasons[i])
                if missing[i]:
                    miss[i].add(missing[i])
        flags[crit] = acc
        missing_by_flag[crit] = miss
    for name, _label, rule in definition.derived:
        flags[name] = pd.array(rule(flags), dtype="boolean")

    sarc = pd.array(definition.sarcopenia(flags), dtype="boolean")
    severe = (pd.array(definition.severe(flags), dtype="boolean") if definition.severe
              else pd.array([pd.NA] * n, dtype="boolean"))
    category = _categories(definition, flags, n)

    unknown = {crit: np.asarray(flags[crit].isna()) for crit, _ in definition.criteria
               if crit not in definition.auxiliary}
    missing_inputs = []
    for i in range(n):
        names = set()
        for crit, isna in unknown.items():
            if isna[i]:
                names |= missing_by_flag[crit][i]
        missing_inputs.append(", ".join(sorted(names)))

    out = pd.DataFrame({name: flags[name] for name in definition.flag_names}, index=data.index)
    out["category"] = pd.array(category, dtype="string")
    out["sarcopenia"] = sarc
    out["severe"] = severe
    out["missing_inputs"] = pd.array(missing_inputs, dtype="string")
    out["reason"] = pd.array(
        [f"{category[i]}: " + "; ".join(p for p in reason_parts[i] if p) for i in range(n)],
        dtype="string",
    )
    return out


def _categories(definition: Definition, flags, n: int) -> list[str]:
    # plain object arrays: indexing a masked array element by element is slow
    results = [np.asarray(pd.array(st.rule(flags), dtype="boolean").astype(object))
               for st in definition.stages]
    out = []
    for i in range(n):
        pending = None  # a severity stage that is unknown
        cat = None
        for st, res in zip(definition.stages, results):
            v = res[i]
            if v is pd.NA:
                if st.refines and pending is None:
                    pending = st
                    continue
                cat = INDETERMINATE
                break
            if v:
                if pending is None:
                    cat = st.label
                elif pending.refines == st.label:
                    cat = f"{st.label} (severity indeterminate)"
                else:
                    cat = INDETERMINATE
                break
        if cat is None:
            cat = INDETERMINATE if pending is not None else NO_SARCOPENIA
        out.append(cat)
    return out
