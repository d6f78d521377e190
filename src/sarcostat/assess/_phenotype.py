"""Count-based phenotypes (Fried, FRAIL) as data, and the engine that applies them.

A frailty phenotype is a handful of criteria, each met or not, and a
category read from how many are met (0 robust, 1-2 pre-frail, >= 3 frail).
Its thresholds are typed `Threshold` rows like the sarcopenia
``Cutoff`` rows, with one addition: a row may hold only within a *stratum*
of another measure (Fried's grip cut-off depends on BMI, his walk-time
cut-off on height), written ``lower < stratum <= upper``.

Missing data follow three-valued logic, as for sarcopenia: a criterion is
True, False or unknown; the category is decided only when the unknown
criteria could not change it (three criteria met is frail whatever else is
missing; two met and one unknown could be pre-frail or frail, hence
indeterminate). A participant whose sex or stratum is missing is compared
with every row that could apply and decided when they all agree.
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sarcostat.assess._measures import _num, _text, check_frame, grip_kg

_OPS: dict[str, Callable] = {"<": _op.lt, "<=": _op.le, ">": _op.gt, ">=": _op.ge}
_SHOWN = {"<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_NEGATED = {"<": "≥", "<=": ">", ">": "≤", ">=": "<"}
_SEX_WORD = {"male": "man", "female": "woman"}
# The text columns: pandas' "string" dtype, Arrow-backed, as the sarcopenia
# definitions' (`sarcostat.assess._engine`): texts joined by Arrow need no
# Python object per row.
_STRING = pd.StringDtype("pyarrow")
_TEXT = pa.large_string()

#: 15 feet in metres (Fried's walk course), used to convert a gait speed
#: measured over another course into a 15-ft time.
FEET_15_M = 15 * 0.3048

INDETERMINATE = "indeterminate"


@dataclass(frozen=True)
class Measure:
    label: str
    unit: str
    digits: int
    inputs: str


#: Measures the frailty thresholds compare (values derived in `frailty_measures`).
MEASURES = {
    "weight_loss_kg": Measure("weight loss", "kg", 1, "weight_loss_kg"),
    "weight_loss_pct": Measure("weight loss", "%", 1, "weight_loss_pct"),
    "cesd_effort": Measure("CES-D 'everything an effort'", "", 0, "cesd_effort"),
    "cesd_going": Measure("CES-D 'could not get going'", "", 0, "cesd_going"),
    "activity_kcal_wk": Measure("activity", "kcal/wk", 0, "activity_kcal_wk"),
    "walk_15ft_s": Measure("15-ft walk", "s", 2, "walk_15ft_s (or gait_speed_m_s)"),
    "gait_speed_m_s": Measure("gait speed", "m/s", 2, "gait_speed_m_s"),
    "grip_kg": Measure("grip", "kg", 1, "grip_kg"),
    "bmi": Measure("BMI", "kg/m²", 1, "bmi (or weight_kg and height_cm)"),
    "height_cm": Measure("height", "cm", 1, "height_cm"),
    "frail_fatigue": Measure("fatigue item", "", 0, "frail_fatigue"),
    "frail_resistance": Measure("resistance item", "", 0, "frail_resistance"),
    "frail_ambulation": Measure("ambulation item", "", 0, "frail_ambulation"),
    "illness_count": Measure("illnesses", "", 0, "illness_count"),
    "t_score_lumbar": Measure("lumbar spine T-score", "SD", 1, "t_score_lumbar"),
    "t_score_femoral_neck": Measure("femoral neck T-score", "SD", 1, "t_score_femoral_neck"),
    "t_score_total_hip": Measure("total hip T-score", "SD", 1, "t_score_total_hip"),
}


def frailty_measures(data: pd.DataFrame) -> dict[str, np.ndarray]:
    """Every frailty measure as a float array (NaN = not known).

    ``walk_15ft_s`` is the recorded 15-ft walk time, else 4.572 m divided by
    the gait speed (recorded, or distance / time over the course walked).
    ``gait_unable`` counts as the slowest possible walk (infinite time, zero
    speed), as for sarcopenia. ``bmi`` is recorded or weight / height².
    """
    from sarcostat.assess._measures import _flag, bmi, gait_speed

    speed = gait_speed(data)
    unable = _flag(data, "gait_unable")
    speed = np.where(unable, 0.0, speed)
    with np.errstate(divide="ignore", invalid="ignore"):
        from_speed = np.where(speed > 0, FEET_15_M / speed, np.where(speed == 0, np.inf, np.nan))
    walk = _num(data, "walk_15ft_s")
    walk = np.where(unable & np.isnan(walk), np.inf, walk)
    out = {name: _num(data, name) for name in MEASURES}
    out["walk_15ft_s"] = np.where(np.isnan(walk), from_speed, walk)
    # a recorded 15-ft time gives a speed where none is recorded
    with np.errstate(divide="ignore", invalid="ignore"):
        from_walk = np.where(walk > 0, FEET_15_M / walk, np.nan)
    out["gait_speed_m_s"] = np.where(np.isnan(speed), from_walk, speed)
    out["grip_kg"] = grip_kg(data)
    out["bmi"] = bmi(data)
    return out


@dataclass(frozen=True)
class Threshold:
    """One threshold of a count-based phenotype.

    Attributes
    ----------
    criterion : str
        Criterion flag it feeds (rows of one criterion combine with Kleene OR
        across measures; rows of one measure are alternatives by sex/stratum).
    measure : str
        Measure compared (see `MEASURES`).
    sex : {"male", "female", "any"}
    operator : {"<", "<=", ">", ">="}
        The abnormal side: ``value <operator> threshold`` meets the criterion.
    value : float
    unit : str
    source : str
        Where the number comes from and how it was checked.
    verified : bool
        True only when value and operator were read in the primary paper.
    stratum : str or None
        Measure defining the stratum the row applies to (e.g. ``"bmi"``).
    lower, upper : float or None
        The stratum is ``lower < stratum <= upper`` (None = unbounded).
    """

    criterion: str
    measure: str
    sex: str
    operator: str
    value: float
    unit: str
    source: str
    verified: bool
    stratum: str | None = None
    lower: float | None = None
    upper: float | None = None

    def __post_init__(self) -> None:
        if self.operator not in _OPS:
            raise ValueError(f"unknown operator {self.operator!r} in {self}")
        if self.sex not in ("male", "female", "any"):
            raise ValueError(f"unknown sex {self.sex!r} in {self}")
        if self.measure not in MEASURES or (self.stratum and self.stratum not in MEASURES):
            raise ValueError(f"unknown measure in {self}")

    @property
    def rule(self) -> str:
        """The row as text, e.g. ``grip ≤ 29 kg (man, BMI ≤ 24)``."""
        who = [] if self.sex == "any" else [_SEX_WORD[self.sex]]
        who += [self.stratum_text] if self.stratum else []
        tail = f" ({', '.join(who)})" if who else ""
        unit = f" {self.unit}" if self.unit else ""
        return f"{_SHOWN[self.operator]} {self.value:g}{unit}{tail}"

    @property
    def stratum_text(self) -> str:
        if not self.stratum:
            return ""
        m = MEASURES[self.stratum]
        if self.lower is None:
            return f"{m.label} ≤ {self.upper:g}"
        if self.upper is None:
            return f"{m.label} > {self.lower:g}"
        return f"{self.lower:g} < {m.label} ≤ {self.upper:g}"


@dataclass(frozen=True)
class Phenotype:
    """A count-based frailty definition: thresholds plus category rule.

    ``frail_at`` criteria met or more is frail; 1 to ``frail_at - 1`` is
    pre-frail; none is robust (Fried 2001; Morley 2012).
    """

    name: str
    title: str
    citation: str
    thresholds: tuple[Threshold, ...]
    criteria: tuple[tuple[str, str], ...]
    frail_at: int = 3
    notes: tuple[str, ...] = field(default_factory=tuple)

    def cutoff_table(self) -> pd.DataFrame:
        """The threshold rows as a DataFrame (one row per threshold)."""
        return pd.DataFrame(
            [
                {
                    "definition": self.name,
                    "criterion": t.criterion,
                    "measure": t.measure,
                    "sex": t.sex,
                    "stratum": t.stratum_text,
                    "operator": t.operator,
                    "value": t.value,
                    "unit": t.unit,
                    "verified": t.verified,
                    "source": t.source,
                }
                for t in self.thresholds
            ]
        )

    def unverified_notes(self) -> tuple[str, ...]:
        out = []
        for t in self.thresholds:
            if not t.verified:
                out.append(
                    f"{self.title}: {t.criterion} cut-off {MEASURES[t.measure].label} {t.rule} "
                    f"is NOT verified against the primary paper ({t.source})."
                )
        return tuple(out)


def _stratum_mask(t: Threshold, s: np.ndarray) -> np.ndarray:
    """Rows whose stratum value lies in the row's stratum (False where unknown)."""
    ok = np.ones(s.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        if t.lower is not None:
            ok &= s > t.lower
        if t.upper is not None:
            ok &= s <= t.upper
    return ok & ~np.isnan(s)


class CodedTexts:
    """One text per row as codes into distinct texts: ``texts[codes]``.

    The reasons of a criterion repeat a few hundred texts (a measure's
    formatted value and the cut-off it was compared with) over every
    participant: each distinct text is made once in Python, and only the
    final per-row reason is built, by Arrow (`concat_texts`)."""

    __slots__ = ("codes", "texts")

    def __init__(self, codes: np.ndarray, texts: np.ndarray) -> None:
        self.codes = codes
        self.texts = texts

    def __len__(self) -> int:
        return len(self.codes)

    def expand(self) -> np.ndarray:
        """The texts row by row (an object array)."""
        return self.texts[self.codes]


def _dense(key: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(codes, distinct keys in increasing order) of non-negative integer keys
    below ``size``: by counting when ``size`` is small, else by sorting."""
    if size <= 4 * len(key) + 1024:
        present = np.bincount(key, minlength=size) > 0
        keys = np.flatnonzero(present)
        remap = np.cumsum(present) - 1
        return remap[key], keys
    keys, codes = np.unique(key, return_inverse=True)
    return codes.reshape(-1), keys


def _fmt(values: np.ndarray, digits: int) -> tuple[np.ndarray, list[str]]:
    """(codes, texts): each value as ``f"{v:.{digits}f}"`` ("" where missing,
    "unable" for +inf) by code; each distinct text is made once
    (`sarcostat.assess._engine._formatted`), not once per participant."""
    from sarcostat.assess._engine import _formatted

    codes, texts = _formatted(values, digits)
    table = [*texts.to_pylist(), "", "unable"]
    shown = np.where(codes < 0, len(table) - 2, codes).astype(np.int64)
    shown[values == np.inf] = len(table) - 1
    return shown, table


#: Rows per slice of `join_nonempty` and `concat_texts`: a slice's Arrow
#: copies of its texts are freed before the next is built, so the peak
#: memory stays near that of the output (as `sarcostat.assess._engine`).
_TEXT_ROWS = 1 << 13


def join_nonempty(parts: Sequence[np.ndarray], sep: str) -> np.ndarray:
    """Row by row, the non-empty texts of ``parts`` (object arrays of str of
    one length) joined by ``sep``: ``sep.join(filter(None, row))``, joined
    by Arrow in C++, a slice of rows at a time (a Python loop, or NumPy's
    element-wise ``+`` on objects, would copy each row's growing text once
    per part)."""
    import pyarrow.compute as pc

    pool = pa.system_memory_pool()  # see concat_texts
    n = len(parts[0])
    out = np.empty(n, dtype=object)
    seps = pa.array(["", sep], _TEXT, memory_pool=pool)
    for a in range(0, n, _TEXT_ROWS):
        rows = slice(a, a + _TEXT_ROWS)
        text = pa.array(parts[0][rows], _TEXT, memory_pool=pool)
        has = np.asarray(parts[0][rows] != "", dtype=bool)
        for part in parts[1:]:
            got = np.asarray(part[rows] != "", dtype=bool)
            between = pc.take(seps, pa.array((has & got).view(np.int8)), memory_pool=pool)
            piece = pa.array(part[rows], _TEXT, memory_pool=pool)
            text = pc.binary_join_element_wise(text, piece, between, memory_pool=pool)
            has |= got
        out[rows] = text.to_numpy(zero_copy_only=False)
    return out


def join_coded(parts: Sequence[CodedTexts], sep: str) -> CodedTexts:
    """`join_nonempty` of coded texts, as coded texts: each distinct
    combination of the parts' texts is joined once."""
    code, texts = parts[0].codes, [[t] for t in parts[0].texts.tolist()]
    for part in parts[1:]:
        width = len(part.texts)
        code, keys = _dense(code.astype(np.int64) * width + part.codes, len(texts) * width)
        more = part.texts.tolist()
        texts = [texts[k // width] + [more[k % width]] for k in keys.tolist()]
    joined = np.array([sep.join(filter(None, t)) for t in texts], dtype=object)
    return CodedTexts(code, joined)


def names_where(
    names: Sequence[Any], masks: Sequence[np.ndarray], rows: np.ndarray, n: int
) -> np.ndarray:
    """On each of ``rows``, the ``names`` whose mask (n,) is True there,
    joined by ", "; "" on every other of the n rows (an object array). A
    name is a str, or an object array (n,) of each row's own text."""
    out = np.full(n, "", dtype=object)
    if rows.size:
        out[rows] = join_nonempty(
            [np.full(rows.size, "", dtype=object)]
            + [
                np.where(m[rows], name[rows] if isinstance(name, np.ndarray) else name, "").astype(
                    object
                )
                for name, m in zip(names, masks, strict=True)
            ],
            ", ",
        )
    return out


def concat_texts(*pieces: Any, arrow: bool = False) -> Any:
    """Row by row, the concatenation of ``pieces`` (object arrays of str of one
    length, at least one, `CodedTexts` or Arrow string arrays of that
    length, or str, the same on every row), by Arrow, a slice of rows at a
    time: an object array, or with ``arrow`` an Arrow array (no Python
    object per row, for a "string[pyarrow]" column)."""
    import pyarrow.compute as pc

    # The system allocator, as `sarcostat.assess._engine`: Arrow's own pool
    # would keep these short-lived texts' memory after they are freed.
    pool = pa.system_memory_pool()
    n = next(len(p) for p in pieces if not isinstance(p, str))
    # A coded piece's distinct texts in Arrow once, taken slice by slice; an
    # Arrow piece (a column of the sarcopenia engine) sliced as it is, with
    # no Python string per row in between.
    table = {
        i: pa.array(p.texts, _TEXT, memory_pool=pool)
        for i, p in enumerate(pieces)
        if isinstance(p, CodedTexts)
    }
    given = {
        i: (p.combine_chunks() if isinstance(p, pa.ChunkedArray) else p).cast(_TEXT)
        for i, p in enumerate(pieces)
        if isinstance(p, (pa.Array, pa.ChunkedArray))
    }

    def piece(i: int, p: Any, rows: slice) -> Any:
        if isinstance(p, str):
            return pa.scalar(p, _TEXT)
        if i in table:
            return pc.take(table[i], pa.array(p.codes[rows]), memory_pool=pool)
        if i in given:
            return given[i].slice(rows.start, rows.stop - rows.start)
        return pa.array(p[rows], _TEXT, memory_pool=pool)

    out = np.empty(n, dtype=object)
    chunks = []
    for a in range(0, n, _TEXT_ROWS):
        rows = slice(a, a + _TEXT_ROWS)
        args = [piece(i, p, rows) for i, p in enumerate(pieces)]
        text = pc.binary_join_element_wise(*args, pa.scalar("", _TEXT), memory_pool=pool)
        if arrow:
            chunks.append(text)
        else:
            out[rows] = text.to_numpy(zero_copy_only=False)
    return pa.chunked_array(chunks, _TEXT) if arrow else out


def each_text(values: np.ndarray, fmt: Callable[[Any], str]) -> np.ndarray:
    """``fmt(v)`` for each value (an object array), each distinct value
    formatted once (a few hundred, not one per participant)."""
    uniq, inverse = np.unique(values, return_inverse=True)
    return np.array([fmt(u) for u in uniq.tolist()], dtype=object)[inverse.reshape(-1)]


def int_text(values: np.ndarray) -> np.ndarray:
    """Whole numbers as text (an object array), each distinct one written once."""
    return each_text(values, lambda u: str(int(u)))


def _evaluate_measure(
    rows: Sequence[Threshold],
    values: np.ndarray,
    sex: np.ndarray,
    strata: dict[str, np.ndarray],
    n: int,
) -> tuple[np.ndarray, np.ndarray, CodedTexts, dict[str, np.ndarray]]:
    """(flag, known, reasons, missing) of one measure of one criterion."""
    m = MEASURES[rows[0].measure]
    shown, table = _fmt(values, m.digits)
    nan = np.isnan(values)
    any_hit = np.zeros(n, dtype=bool)
    all_hit = np.ones(n, dtype=bool)
    n_cand = np.zeros(n, dtype=int)
    first = np.full(n, -1)
    sex_unknown = ~np.isin(sex, ["male", "female"])
    for k, t in enumerate(rows):
        cand = np.ones(n, dtype=bool)
        if t.sex != "any":
            cand &= (sex == t.sex) | sex_unknown
        if t.stratum:
            s = strata[t.stratum]
            cand &= _stratum_mask(t, s) | np.isnan(s)
        with np.errstate(invalid="ignore"):
            hit = _OPS[t.operator](values, t.value)
        any_hit |= cand & hit
        all_hit &= ~cand | hit
        first = np.where((first < 0) & cand, k, first)
        n_cand += cand
    decided = ~nan & (n_cand > 0) & (any_hit == all_hit)
    flag = decided & any_hit
    missing: dict[str, np.ndarray] = {}
    missing[m.inputs] = nan.copy()
    undecided = ~nan & ~decided
    if undecided.any():
        who = []
        if any(t.sex != "any" for t in rows):
            who.append(("sex", sex_unknown))
        for st in dict.fromkeys(t.stratum for t in rows if t.stratum):
            who.append((MEASURES[st].inputs, np.isnan(strata[st])))
        for name, mask in who:
            missing[name] = missing.get(name, np.zeros(n, dtype=bool)) | (undecided & mask)
    # Each row's reason is one of a few forms (missing; cut-off unknown;
    # abnormal or normal by every cut-off that could apply; by the one row k
    # that applies) around its value's text: the form and the value's code
    # make a key, and each distinct key's text is written once.
    form = np.zeros(n, dtype=np.int64)  # 0: missing (NaN)
    form[undecided] = 1
    multi = decided & (n_cand > 1)
    form[multi] = 2 + flag[multi]
    single = decided & (n_cand == 1)
    form[single] = 4 + 2 * first[single] + flag[single]
    width = len(table)
    code, keys = _dense(form * width + shown, (4 + 2 * len(rows)) * width)
    unit = _u(m.unit)
    texts = []
    for key in keys.tolist():
        f, value = divmod(key, width)
        v = table[value]
        if f == 0:
            texts.append(f"{m.label} missing")
        elif f == 1:
            texts.append(f"{m.label} {v}{unit} but the applicable cut-off is unknown")
        elif f < 4:
            word = "abnormal" if f == 3 else "normal"
            texts.append(
                f"{m.label} {v}{unit} is {word} by every cut-off that could apply "
                "(sex or stratum missing)"
            )
        else:
            k, hit = divmod(f - 4, 2)
            t = rows[k]
            side = _SHOWN[t.operator] if hit else _NEGATED[t.operator]
            texts.append(
                f"{m.label} {v}{unit} {side} {t.value:g}{_u(t.unit)}"
                + (f" ({', '.join(_who(t))})" if _who(t) else "")
                + ("" if t.verified else " [unverified cut-off]")
            )
    reasons = CodedTexts(code, np.array(texts, dtype=object))
    return flag, decided, reasons, missing


def _u(unit: str) -> str:
    return f" {unit}" if unit else ""


def _who(t: Threshold) -> list[str]:
    return ([_SEX_WORD[t.sex]] if t.sex != "any" else []) + ([t.stratum_text] if t.stratum else [])


Criteria = Sequence[tuple[str, str]]


def evaluate_criteria(
    data: Any,
    thresholds: Sequence[Threshold],
    criteria: Criteria,
    function: str = "classify",
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, CodedTexts], dict[str, dict[str, np.ndarray]]]:
    """Evaluate threshold rows criterion by criterion.

    Returns ``(flags, reasons, missing)``: ``flags`` maps each criterion to a
    nullable BooleanArray, ``reasons`` to its texts (`CodedTexts`), ``missing``
    to {input: rows where its absence left the criterion undecided}.
    """
    data = check_frame(data, function)
    n = len(data)
    values = frailty_measures(data)
    sex = _text(data, "sex")
    flags: dict[str, Any] = {}
    reasons: dict[str, CodedTexts] = {}
    missing: dict[str, dict[str, np.ndarray]] = {}
    for crit, _label in criteria:
        acc: Any = None
        texts: list[CodedTexts] = []
        miss: dict[str, np.ndarray] = {}
        rows_c = [t for t in thresholds if t.criterion == crit]
        for measure in dict.fromkeys(t.measure for t in rows_c):
            rows = [t for t in rows_c if t.measure == measure]
            flag, known, text, mis = _evaluate_measure(rows, values[measure], sex, values, n)
            arr = pd.arrays.BooleanArray(flag, ~known)
            acc = arr if acc is None else (acc | arr)
            texts.append(text)
            for k, v in mis.items():
                miss[k] = miss.get(k, np.zeros(n, dtype=bool)) | v
        undecided = np.asarray(acc.isna())
        flags[crit] = acc
        reasons[crit] = join_coded(texts, "; ")
        missing[crit] = {k: v & undecided for k, v in miss.items()}
    return data, flags, reasons, missing


def count_categories(flags: Sequence[Any], frail_at: int, n: int) -> tuple[Any, ...]:
    """Categories from criterion flags in Kleene logic.

    Returns ``(met, unknown, category, frail, any_met, level)``.
    """
    stack_true = np.column_stack([np.asarray(f.fillna(False), dtype=bool) for f in flags])
    stack_na = np.column_stack([np.asarray(f.isna()) for f in flags])
    met = stack_true.sum(axis=1) if n else np.zeros(0, dtype=int)
    unknown = stack_na.sum(axis=1) if n else np.zeros(0, dtype=int)
    most = met + unknown
    frail_known = (met >= frail_at) | (most < frail_at)
    frail = pd.arrays.BooleanArray(met >= frail_at, ~frail_known)
    any_known = (met > 0) | (most == 0)
    any_met = pd.arrays.BooleanArray(met > 0, ~any_known)
    cat = np.empty(n, dtype=object)
    cat.fill(INDETERMINATE)  # one shared str (np.full makes one per row)
    level = np.full(n, -1)
    cat[met >= frail_at] = "frail"
    level[met >= frail_at] = 2
    pre = (met > 0) & (most < frail_at)
    cat[pre] = "pre-frail"
    level[pre] = 1
    rob = most == 0
    cat[rob] = "robust"
    level[rob] = 0
    level_arr = pd.arrays.IntegerArray(np.where(level < 0, 0, level), level < 0)
    return met, unknown, cat, frail, any_met, level_arr


def evaluate_phenotype(data: Any, phenotype: Phenotype, function: str = "classify") -> pd.DataFrame:
    """Classify every row of ``data`` by a count-based phenotype (see ``classify_frailty``)."""
    data, flags, reasons, missing = evaluate_criteria(
        data, phenotype.thresholds, phenotype.criteria, function
    )
    n = len(data)
    names = [c for c, _ in phenotype.criteria]
    met, unknown, cat, frail, any_met, level = count_categories(
        [flags[c] for c in names], phenotype.frail_at, n
    )
    all_missing: dict[str, np.ndarray] = {}
    for c in names:
        for k, v in missing[c].items():
            all_missing[k] = all_missing.get(k, np.zeros(n, dtype=bool)) | v
    decided = cat != INDETERMINATE
    order = sorted(all_missing)
    # only undecided participants list what is missing
    miss_text = names_where(order, [all_missing[k] for k in order], np.flatnonzero(~decided), n)
    labels = dict(phenotype.criteria)
    # "<category>: <met> of <k> criteria met[, <u> unknown]; <label> <yes|no|?> (<reasons>); ..."
    unknown_text = np.full(n, "", dtype=object)
    some = unknown > 0
    unknown_text[some] = ", " + int_text(unknown[some]) + " unknown"
    pieces: list[Any] = [cat, ": ", int_text(met), f" of {len(names)} criteria met", unknown_text]
    for c in names:
        f = flags[c]
        yes = np.asarray(f.fillna(False), dtype=bool)
        state = np.where(np.asarray(f.isna(), dtype=bool), "?", np.where(yes, "yes", "no"))
        pieces += [f"; {labels[c]} ", state.astype(object), " (", reasons[c], ")"]
    reason = concat_texts(*pieces, arrow=True)
    out = pd.DataFrame({c: flags[c] for c in names}, index=data.index)
    out["n_criteria_met"] = pd.array(met, dtype="Int64")
    out["n_criteria_unknown"] = pd.array(unknown, dtype="Int64")
    out["category"] = pd.array(cat, dtype=_STRING)
    out["frailty_level"] = level
    out["frail"] = frail
    out["prefrail_or_frail"] = any_met
    out["missing_inputs"] = pd.array(miss_text, dtype=_STRING)
    out["reason"] = pd.array(reason, dtype=_STRING)
    return out
