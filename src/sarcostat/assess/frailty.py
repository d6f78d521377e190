"""Frailty (Fried, FRAIL, frailty index) and osteosarcopenia, beside sarcopenia.

Public API
----------
classify_frailty(data, definition="fried2001", ...)   one definition -> per-participant table
frailty_index(data, deficits, ...)                    Rockwood/Searle deficit accumulation
osteosarcopenia(data, sarcopenia="awgs2019")          sarcopenia x WHO bone status
frailty_cohort(cohort, definitions, ...)              tables + prevalence + agreement + notes
FRAILTY_DEFINITIONS                                   the names accepted

Every definition is data (``assess/definitions/fried2001.py``,
``fried2001_asian.py``, ``frail_scale.py``, ``frailty_index.py``,
``osteosarcopenia.py``); this module only applies it. Missing inputs follow
three-valued logic: a category is given only when the missing inputs could
not change it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from sarcostat.assess._measures import _num, _text, check_frame
from sarcostat.assess._phenotype import (
    INDETERMINATE,
    concat_texts,
    each_text,
    evaluate_criteria,
    evaluate_phenotype,
    int_text,
    names_where,
)
from sarcostat.assess.agreement import wilson_interval
from sarcostat.assess.definitions import frail_scale, fried2001, fried2001_asian
from sarcostat.assess.definitions import frailty_index as fi_def
from sarcostat.assess.definitions import osteosarcopenia as osteo_def
from sarcostat.assess.definitions.registry import REGISTRY
from sarcostat.exceptions import DataError, ParameterError
from sarcostat.io.privacy import mention_ids
from sarcostat.results import StatResult

__all__ = [
    "FRAILTY_DEFINITIONS",
    "PHENOTYPES",
    "FrailtyResult",
    "classify_frailty",
    "frailty_cohort",
    "frailty_cutoff_table",
    "frailty_cutoffs_markdown",
    "frailty_index",
    "frailty_notes",
    "osteosarcopenia",
]

#: Count-based phenotypes by name.
PHENOTYPES = {
    d.name: d for d in (fried2001.DEFINITION, fried2001_asian.DEFINITION, frail_scale.DEFINITION)
}
#: Every name `classify_frailty` accepts.
FRAILTY_DEFINITIONS = (*PHENOTYPES, "frailty_index", "osteosarcopenia")
_STRING = pd.StringDtype("pyarrow")  # as the phenotypes' and definitions' texts
#: The binary status of each definition that prevalence and agreement use.
STATUS = {
    **{n: "frail" for n in PHENOTYPES},
    "frailty_index": "frail",
    "osteosarcopenia": "osteosarcopenia",
}


def _check_name(definition: str, function: str) -> str:
    if definition not in FRAILTY_DEFINITIONS:
        raise ParameterError(
            f"The 'definition' parameter of {function} must be one of "
            f"{{{', '.join(FRAILTY_DEFINITIONS)}}}. Got {definition!r} instead."
        )
    return definition


def classify_frailty(
    data: pd.DataFrame,
    definition: str = "fried2001",
    *,
    deficits: Any = None,
    cutoffs: Any = fi_def.DEFAULT_CUTOFFS,
    sarcopenia: str = "awgs2019",
) -> pd.DataFrame:
    """Classify each participant by a frailty definition or by osteosarcopenia.

    Parameters
    ----------
    data : pandas.DataFrame or Cohort
        Canonical cohort table. Absent columns count as missing, never normal.
    definition : str, default "fried2001"
        ``fried2001``, ``fried2001_asian``, ``frail_scale``, ``frailty_index``
        (needs ``deficits``) or ``osteosarcopenia``.
    deficits : list, optional
        The frailty index's declared deficits (see `frailty_index`).
    cutoffs : (float, float), default (0.08, 0.25)
        Frailty index category cut-offs.
    sarcopenia : str, default "awgs2019"
        Sarcopenia definition of ``osteosarcopenia``.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``. For the phenotypes (Fried, FRAIL): one
        nullable-boolean column per criterion, ``n_criteria_met``,
        ``n_criteria_unknown`` (Int64), ``category`` (``robust``,
        ``pre-frail``, ``frail`` or ``indeterminate``), ``frailty_level``
        (Int64 0/1/2, <NA> when indeterminate), ``frail`` and
        ``prefrail_or_frail`` (nullable boolean), ``missing_inputs`` and
        ``reason``. The frailty index and osteosarcopenia: see
        `frailty_index` and `osteosarcopenia`.

    Notes
    -----
    Phenotypes: 3 or more criteria met is frail, 1-2 pre-frail, 0 robust
    (Fried 2001; Morley 2012). A participant with 2 criteria met and one
    unknown may be pre-frail or frail: ``category`` is ``indeterminate``,
    ``frail`` is <NA> and ``prefrail_or_frail`` is True.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female"], "height_cm": [155.0], "bmi": [22.0],
    ...     "weight_loss_kg": [0.0], "cesd_effort": [3], "cesd_going": [0],
    ...     "activity_kcal_wk": [100.0], "walk_15ft_s": [7.5], "grip_kg": [20.0]})
    >>> classify_frailty(df, "fried2001").loc[0, "category"]
    'frail'
    """
    _check_name(definition, "classify_frailty")
    if definition == "frailty_index":
        if deficits is None:
            raise ParameterError(
                "classify_frailty(definition='frailty_index') needs 'deficits': the declared "
                "deficit columns and how each is scored 0-1."
            )
        return frailty_index(data, deficits, cutoffs=cutoffs)
    if definition == "osteosarcopenia":
        return osteosarcopenia(data, sarcopenia=sarcopenia)
    return evaluate_phenotype(data, PHENOTYPES[definition], "classify_frailty")


def _ids(data: pd.DataFrame) -> Any:
    """The participants' ids as text, made only when a message needs one."""

    def ids() -> np.ndarray:
        if "id" in data.columns:
            return data["id"].astype(str).to_numpy()
        return np.array([str(i) for i in data.index])

    return ids


def _score(data: pd.DataFrame, d: fi_def.Deficit, ids: Any) -> np.ndarray:
    """The 0-1 scores of one deficit (NaN where missing)."""
    col = data[d.column]
    n = len(data)
    if d.scoring == "levels":
        table = dict(d.levels)
        raw = col.to_numpy(dtype=object)
        # Each distinct cell is looked up once (a few levels, not a million rows).
        codes, uniq = pd.factorize(raw, use_na_sentinel=True)
        scores = np.full(len(uniq) + 1, np.nan)  # the last one: missing (code -1)
        for j, v in enumerate(uniq.tolist()):
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
                continue
            if isinstance(v, str) and not v.strip():
                continue
            key = fi_def.level_key(v)
            if key not in table:
                i = int(np.flatnonzero(codes == j)[0])
                raise DataError(
                    f"participant {mention_ids(ids()[i])}, column {d.column!r}: {v!r} is not one of the declared "
                    f"levels ({', '.join(table)}) of this frailty-index deficit."
                )
            scores[j] = table[key]
        return scores[codes]
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = col.notna().to_numpy() & np.isnan(values)
    if col.dtype == object or str(col.dtype).startswith("string"):
        text = col.astype("string").str.strip()
        bad &= (text != "").fillna(False).to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"participant {mention_ids(ids()[i])}, column {d.column!r}: {col.iloc[i]!r} is not a number; "
            "declare 'levels' for a text-coded frailty-index deficit."
        )
    if d.scoring == "as_is":
        out_of = ~np.isnan(values) & ((values < 0) | (values > 1))
        if out_of.any():
            i = int(np.flatnonzero(out_of)[0])
            raise DataError(
                f"participant {mention_ids(ids()[i])}, column {d.column!r}: {values[i]:g} is not a deficit score "
                "between 0 and 1; declare 'levels' or an 'operator' and 'value' to score it."
            )
        return values
    from sarcostat.assess._phenotype import _OPS

    op = _OPS[str(d.operator)]
    if d.value is not None:
        cut = np.full(n, d.value)
    else:
        male, female = float(d.male or 0.0), float(d.female or 0.0)
        sex = _text(data, "sex")
        cut = np.where(sex == "male", male, np.where(sex == "female", female, np.nan))
    with np.errstate(invalid="ignore"):
        hit = op(values, cut).astype(float)
    out = np.where(np.isnan(values), np.nan, hit)
    if d.value is None:
        # sex unknown: scored only when both cut-offs agree
        both = op(values, male) == op(values, female)
        unknown = np.isnan(cut) & ~np.isnan(values)
        out = np.where(unknown, np.where(both, op(values, male), np.nan), out)
    return np.asarray(out, dtype=float)


def frailty_index(
    data: pd.DataFrame,
    deficits: Any,
    *,
    cutoffs: Any = fi_def.DEFAULT_CUTOFFS,
    max_missing: float = fi_def.MAX_MISSING,
) -> pd.DataFrame:
    """Frailty index (deficit accumulation) per participant, as Searle 2008 describe.

    Parameters
    ----------
    data : pandas.DataFrame or Cohort
    deficits : list
        At least 30 declared deficits: column names (already scored 0-1),
        `Deficit` objects
        or mappings ``{"column": ..., "levels": {...}}`` /
        ``{"column": ..., "operator": "<", "value": ...}`` (see
        `parse_deficits`).
    cutoffs : (float, float), default (0.08, 0.25)
        Robust FI <= cutoffs[0]; pre-frail in between; frail FI >= cutoffs[1].
    max_missing : float, default 0.2
        Participants missing more than this share of the deficits are excluded.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``: ``frailty_index`` (float; NaN when excluded),
        ``fi_n_deficits``, ``fi_n_measured``, ``fi_n_missing``, ``fi_sum``,
        ``fi_excluded`` (bool), ``category`` (``robust``, ``pre-frail``,
        ``frail`` or ``excluded``), ``frailty_level`` (Int64 0/1/2),
        ``frail`` and ``prefrail_or_frail`` (nullable boolean),
        ``missing_inputs`` (the deficits missing, for excluded participants)
        and ``reason``.

    Raises
    ------
    ParameterError
        Fewer than 30 deficits, a malformed declaration or bad cut-offs.
    DataError
        A declared column the data lacks (all listed), a value that is not a
        declared level or a 0-1 score.

    Notes
    -----
    FI = (sum of deficit scores) / (number of deficits measured). Exactly 20%
    missing is kept; more is excluded ("more than 20%"). R:
    ``rowSums(S, na.rm = TRUE) / rowSums(!is.na(S))`` on the 0-1 score matrix
    ``S`` (``tests/assess/r/ref_frailty.R``).

    References
    ----------
    Searle SD et al. BMC Geriatr 2008;8:24. doi:10.1186/1471-2318-8-24
    Song X, Mitnitski A, Rockwood K. J Am Geriatr Soc 2010;58:681-687.
    doi:10.1111/j.1532-5415.2010.02764.x
    """
    data = check_frame(data, "frailty_index")
    defs = fi_def.parse_deficits(deficits)
    lo, hi = fi_def.check_cutoffs(cutoffs)
    if not 0 <= max_missing < 1:
        raise ParameterError(
            f"The 'max_missing' parameter of frailty_index must be in [0, 1). Got {max_missing!r}."
        )
    absent = [d.column for d in defs if d.column not in data.columns]
    if absent:
        raise DataError(
            f"frailty_index: the cohort lacks {len(absent)} declared deficit column(s): "
            + ", ".join(absent)
            + "."
        )
    ids = _ids(data)
    n, k = len(data), len(defs)
    scores = np.column_stack([_score(data, d, ids) for d in defs]) if n else np.zeros((0, k))
    miss = np.isnan(scores)
    n_missing = miss.sum(axis=1)
    n_measured = k - n_missing
    total = np.where(miss, 0.0, scores).sum(axis=1)
    # "more than 20%" excluded: compare counts, not a rounded share
    excluded = n_missing > max_missing * k + 1e-9
    with np.errstate(invalid="ignore", divide="ignore"):
        fi = np.where(excluded | (n_measured == 0), np.nan, total / n_measured)
    excluded |= n_measured == 0
    cat = np.where(fi <= lo, "robust", np.where(fi >= hi, "frail", "pre-frail")).astype(object)
    cat[excluded] = "excluded"
    level = np.where(fi <= lo, 0, np.where(fi >= hi, 2, 1))
    frail = pd.arrays.BooleanArray(fi >= hi, excluded.copy())
    anyf = pd.arrays.BooleanArray(fi > lo, excluded.copy())
    names = [d.column for d in defs]
    ex = np.flatnonzero(excluded)  # only excluded participants list what is missing
    missing_text = names_where(names, list(miss.T), ex, n)
    # Texts of numbers made once per distinct value (a few hundred), then taken per row.
    missing_n, measured_n = int_text(n_missing), int_text(n_measured)
    share = each_text(100 * n_missing / k, lambda v: f"{v:.1f}")
    some = np.full(n, "", dtype=object)
    some[n_missing > 0] = " (" + missing_n[n_missing > 0] + " missing)"
    reason = np.empty(n, dtype=object)
    kept = np.flatnonzero(~excluded)
    if ex.size:
        reason[ex] = concat_texts(
            "excluded: ",
            missing_n[ex],
            f" of {k} deficits missing (",
            share[ex],
            f"% > {100 * max_missing:g}%)",
        )
    if kept.size:
        reason[kept] = concat_texts(
            cat[kept],
            ": FI ",
            each_text(fi[kept], lambda v: f"{v:.3f}"),
            " = ",
            each_text(total[kept], lambda v: f"{v:g}"),
            " / ",
            measured_n[kept],
            " deficits measured",
            some[kept],
            f"; cut-offs robust <= {lo:g}, frail >= {hi:g}",
        )
    out = pd.DataFrame(index=data.index)
    out["frailty_index"] = fi
    out["fi_n_deficits"] = pd.array(np.full(n, k), dtype="Int64")
    out["fi_n_measured"] = pd.array(n_measured, dtype="Int64")
    out["fi_n_missing"] = pd.array(n_missing, dtype="Int64")
    out["fi_sum"] = np.where(excluded, np.nan, total)
    out["fi_excluded"] = excluded
    out["category"] = pd.array(cat, dtype=_STRING)
    out["frailty_level"] = pd.arrays.IntegerArray(level.astype("int64"), excluded.copy())
    out["frail"] = frail
    out["prefrail_or_frail"] = anyf
    out["missing_inputs"] = pd.array(missing_text, dtype=_STRING)
    out["reason"] = pd.array(reason, dtype=_STRING)
    return out


def osteosarcopenia(data: pd.DataFrame, *, sarcopenia: str = "awgs2019") -> pd.DataFrame:
    """Osteosarcopenia: sarcopenia by a chosen definition with WHO bone status.

    Parameters
    ----------
    data : pandas.DataFrame or Cohort
        Canonical cohort table with ``t_score_lumbar``,
        ``t_score_femoral_neck``, ``t_score_total_hip`` and the inputs of the
        sarcopenia definition.
    sarcopenia : str, default "awgs2019"
        Any name of `sarcostat.assess.list_definitions`.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``: ``sarcopenia``, ``osteoporosis`` (lowest
        T-score <= -2.5), ``low_bone_mass`` (<= -1.0), ``osteopenia``
        (low bone mass, not osteoporosis), ``lowest_t_score`` (float; NaN
        unless all three sites are measured), ``osteosarcopenia``
        (sarcopenia and osteoporosis), ``osteosarcopenia_broad`` (sarcopenia
        and low bone mass), ``category`` (``osteosarcopenia``, ``sarcopenia
        with osteopenia``, ``sarcopenia only``, ``osteoporosis only``,
        ``osteopenia only``, ``neither`` or ``indeterminate``),
        ``missing_inputs``, ``reason``. Booleans are nullable (<NA> when
        missing inputs could change them).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female"], "smi": [5.0], "muscle_mass_method": ["bia"],
    ...     "grip_kg": [15.0], "gait_speed_m_s": [0.7], "t_score_lumbar": [-2.7],
    ...     "t_score_femoral_neck": [None], "t_score_total_hip": [None]})
    >>> osteosarcopenia(df).loc[0, "category"]
    'osteosarcopenia'
    """
    from sarcostat.assess._engine import evaluate

    if sarcopenia not in REGISTRY:
        raise ParameterError(
            f"The 'sarcopenia' parameter of osteosarcopenia must be one of "
            f"{{{', '.join(REGISTRY)}}}. Got {sarcopenia!r} instead."
        )
    data, flags, reasons, missing = evaluate_criteria(
        data, osteo_def.THRESHOLDS, osteo_def.CRITERIA, "osteosarcopenia"
    )
    n = len(data)
    sarc_tab = evaluate(data, REGISTRY[sarcopenia])
    sarc = sarc_tab["sarcopenia"].astype("boolean").array
    por, low = flags["osteoporosis"], flags["low_bone_mass"]
    # osteoporosis implies low bone mass, whatever the other sites say
    low = low | por
    osteopenia = low & ~por
    strict = sarc & por
    broad = sarc & low
    sites = np.column_stack([_num(data, s) for s in osteo_def.SITES]) if n else np.zeros((0, 3))
    lowest = np.where(np.isnan(sites).any(axis=1), np.nan, sites.min(axis=1) if n else 0.0)
    s = np.asarray(sarc.fillna(False), bool)
    s_na = np.asarray(sarc.isna())
    p = np.asarray(por.fillna(False), bool)
    p_na = np.asarray(por.isna())
    lb = np.asarray(low.fillna(False), bool)
    lb_na = np.asarray(low.isna())
    bone = np.where(p, "osteoporosis", np.where(lb & ~p_na, "osteopenia", "normal"))
    bone_na = np.where(p, False, lb_na | p_na)
    known = ~s_na & ~bone_na
    # The category of each (sarcopenia, bone status) pair, where both are known.
    cat = np.select(
        [known & s & (bone == "osteoporosis"), known & s & (bone == "osteopenia"), known & s]
        + [known & (bone == "osteoporosis"), known & (bone == "osteopenia"), known],
        ["osteosarcopenia", "sarcopenia with osteopenia", "sarcopenia only"]
        + ["osteoporosis only", "osteopenia only", "neither"],
        INDETERMINATE,
    ).astype(object)
    miss_names: dict[str, np.ndarray] = {}
    for crit in ("osteoporosis", "low_bone_mass"):
        for k, v in missing[crit].items():
            miss_names[k] = miss_names.get(k, np.zeros(n, bool)) | (v & bone_na)
    sarc_missing = sarc_tab["missing_inputs"].fillna("").to_numpy(dtype=object)
    order = sorted(miss_names)
    missing_text = names_where(  # only undecided participants list what is missing
        [*order, sarc_missing],
        [*(miss_names[k] for k in order), s_na],
        np.flatnonzero(cat == INDETERMINATE),
        n,
    )
    sarc_reason = pa.array(sarc_tab["reason"])  # its Arrow texts, not a str per row
    reason = concat_texts(
        cat,
        ": bone ",
        reasons["osteoporosis"],
        "; ",
        reasons["low_bone_mass"],
        f" | sarcopenia ({sarcopenia}) ",
        sarc_reason,
        arrow=True,
    )
    out = pd.DataFrame(index=data.index)
    out["sarcopenia"] = sarc
    out["osteoporosis"] = por
    out["low_bone_mass"] = low
    out["osteopenia"] = osteopenia
    out["lowest_t_score"] = lowest
    out["osteosarcopenia"] = strict
    out["osteosarcopenia_broad"] = broad
    out["category"] = pd.array(cat, dtype=_STRING)
    out["missing_inputs"] = pd.array(missing_text, dtype=_STRING)
    out["reason"] = pd.array(reason, dtype=_STRING)
    return out


def frailty_cutoff_table(definition: str = "all") -> pd.DataFrame:
    """Threshold rows of the frailty phenotypes and osteosarcopenia (with source, verified)."""
    from sarcostat.assess._phenotype import Phenotype

    names = list(PHENOTYPES) + ["osteosarcopenia"] if definition == "all" else [definition]
    frames = []
    for name in names:
        _check_name(name, "frailty_cutoff_table")
        if name == "osteosarcopenia":
            ph = Phenotype(
                name,
                "Osteosarcopenia",
                osteo_def.CITATION,
                osteo_def.THRESHOLDS,
                osteo_def.CRITERIA,
            )
        elif name == "frailty_index":
            continue
        else:
            ph = PHENOTYPES[name]
        frames.append(ph.cutoff_table())
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def frailty_notes(
    definition: str, *, cutoffs: Any = fi_def.DEFAULT_CUTOFFS, sarcopenia: str = "awgs2019"
) -> tuple[str, ...]:
    """Notes a report must carry for ``definition``: caveats and unverified cut-offs."""
    _check_name(definition, "frailty_notes")
    if definition in PHENOTYPES:
        d = PHENOTYPES[definition]
        return d.notes + d.unverified_notes()
    if definition == "frailty_index":
        lo, hi = fi_def.check_cutoffs(cutoffs)
        text = (
            f"Frailty index (Searle 2008): FI = sum of deficit scores / deficits measured; "
            f"participants missing more than {100 * fi_def.MAX_MISSING:g}% of the deficits are "
            f"excluded; robust FI <= {lo:g}, frail FI >= {hi:g}."
        )
        if (lo, hi) == fi_def.DEFAULT_CUTOFFS:
            text += (
                f" The default cut-offs follow Song 2010 ({fi_def.CUTOFF_CITATION}) and are NOT "
                "verified against that paper's text."
            )
        return (text,)
    return osteo_def.NOTES + (f"Osteosarcopenia: sarcopenia by {sarcopenia}.",)


@dataclass(frozen=True, eq=False, kw_only=True)
class FrailtyResult(StatResult):
    """Frailty and osteosarcopenia classification of a cohort by several definitions.

    A `sarcostat.results.StatResult` (short repr, ``to_frame()``,
    ``to_dict()``, equality by value), like ``ClassificationResult``.

    Attributes
    ----------
    table : pandas.DataFrame
        ``id`` then, per definition, every output column prefixed ``<definition>_``.
    results : dict
        ``{definition: table}``.
    prevalence : pandas.DataFrame
        Per definition and group (overall, each sex): ``n``, ``n_classified``,
        ``n_indeterminate``, ``n_robust``, ``n_prefrail``, ``n_frail``
        (osteosarcopenia: ``n_frail`` counts osteosarcopenia), ``prevalence``
        of the binary status, ``ci_lower``, ``ci_upper`` (Wilson).
    agreement : pandas.DataFrame
        Cohen's kappa between the binary statuses of each pair (as
        `sarcostat.assess.agreement`, ``note`` included).
    notes : tuple of str
    meta : dict
    """

    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    prevalence: pd.DataFrame = field(default_factory=pd.DataFrame)
    agreement: pd.DataFrame = field(default_factory=pd.DataFrame)

    def note_table(self) -> pd.DataFrame:
        """Every note with its kind and definition: columns ``kind``, ``definition``, ``note``."""
        kinds = self.meta.get("note_kinds") or (("note", ""),) * len(self.notes)
        return pd.DataFrame(
            [(k, d, t) for (k, d), t in zip(kinds, self.notes)],
            columns=["kind", "definition", "note"],
        )

    def summary(self, digits: int = 3) -> str:
        prev = self.prevalence.copy()
        for col in ("prevalence", "ci_lower", "ci_upper"):
            prev[col] = prev[col].map(lambda v: "" if pd.isna(v) else f"{100 * v:.1f}%")
        lines = [
            "Prevalence of frailty / osteosarcopenia (indeterminate excluded from the denominator; "
            "'status' is the binary status counted):"
        ]
        with pd.option_context("display.width", 160, "display.max_columns", 50):
            lines.append(prev.to_string(index=False))
            if len(self.agreement):
                ag = self.agreement[
                    [
                        "definition_a",
                        "definition_b",
                        "n",
                        "observed_agreement",
                        "kappa",
                        "ci_lower",
                        "ci_upper",
                    ]
                ]
                lines += ["", "Agreement (Cohen's kappa on the binary statuses):"]
                lines.append(ag.to_string(index=False, float_format=lambda v: f"{v:.{digits}f}"))
        if self.notes:
            lines.append("")
            lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)


def _status(name: str, res: pd.DataFrame) -> pd.Series:
    return res[STATUS[name]]


def frailty_cohort(
    cohort: Any,
    definitions: Iterable[str] | str = "fried2001",
    *,
    deficits: Any = None,
    cutoffs: Any = fi_def.DEFAULT_CUTOFFS,
    sarcopenia: str = "awgs2019",
    extra_statuses: dict[str, pd.Series] | None = None,
    confidence: float = 0.95,
) -> FrailtyResult:
    """Classify a cohort by several frailty definitions; prevalence, agreement, notes.

    ``extra_statuses`` (name -> nullable boolean Series, e.g. sarcopenia by
    AWGS 2019) join the agreement table, so frailty and sarcopenia are
    compared in one place.
    """
    from sarcostat.assess.agreement import AGREEMENT_COLUMNS, pair_agreement

    data = check_frame(cohort, "frailty_cohort")
    if isinstance(definitions, str):
        definitions = (
            list(FRAILTY_DEFINITIONS)
            if definitions == "all"
            else [d.strip() for d in definitions.split(",") if d.strip()]
        )
    names = list(dict.fromkeys(definitions))
    for nme in names:
        _check_name(nme, "frailty_cohort")
    results = {
        n: classify_frailty(data, n, deficits=deficits, cutoffs=cutoffs, sarcopenia=sarcopenia)
        for n in names
    }
    keep = [c for c in ("id",) if c in data.columns]
    parts = [data[keep].copy()] if keep else []
    parts += [res.add_prefix(f"{n}_") for n, res in results.items()]
    table = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)

    sex = data["sex"].astype("string").str.lower() if "sex" in data.columns else None
    rows = []
    for n, res in results.items():
        groups = [("overall", np.ones(len(res), bool))]
        if sex is not None:
            for lv in sorted(sex.dropna().unique()):
                groups.append((str(lv), (sex == lv).fillna(False).to_numpy()))
        # the two columns counted, masked per group: not the whole table,
        # whose reason texts are most of its size
        status, category = _status(n, res), res["category"]
        for label, mask in groups:
            st = status[mask]
            n_ind = int(st.isna().sum())
            n_cls = len(st) - n_ind
            k = int(st.fillna(False).sum())
            lo, hi = wilson_interval(k, n_cls, confidence)
            cat = category[mask]
            rows.append(
                {
                    "definition": n,
                    "status": STATUS[n],
                    "group": label,
                    "n": len(st),
                    "n_classified": n_cls,
                    "n_indeterminate": n_ind,
                    "n_robust": int((cat == "robust").sum()) if n != "osteosarcopenia" else pd.NA,
                    "n_prefrail": int((cat == "pre-frail").sum())
                    if n != "osteosarcopenia"
                    else pd.NA,
                    "n_frail": k,
                    "prevalence": k / n_cls if n_cls else np.nan,
                    "ci_lower": float(lo),
                    "ci_upper": float(hi),
                }
            )
    prevalence = pd.DataFrame(rows)
    statuses = {n: _status(n, res) for n, res in results.items()}
    for k_, v in (extra_statuses or {}).items():
        statuses[k_] = v.reindex(data.index)
    agreement = pd.DataFrame(
        [
            pair_agreement(
                a,
                b,
                statuses[a].astype("boolean"),
                statuses[b].astype("boolean"),
                confidence=confidence,
            )
            for a, b in combinations(statuses, 2)
        ],
        columns=AGREEMENT_COLUMNS,
    )
    notes: list[str] = []
    kinds: list[tuple[str, str]] = []
    for n in names:
        for text in frailty_notes(n, cutoffs=cutoffs, sarcopenia=sarcopenia):
            notes.append(text)
            unverified = "is NOT verified against the primary paper" in text
            kinds.append(("unverified cut-off" if unverified else "definition caveat", n))
    return FrailtyResult(
        table=table,
        results=results,
        prevalence=prevalence,
        agreement=agreement,
        notes=tuple(notes),
        meta={
            "definitions": names,
            "n": len(data),
            "confidence": confidence,
            "sarcopenia": sarcopenia,
            "note_kinds": tuple(kinds),
        },
    )


def frailty_cutoffs_markdown() -> str:
    """The frailty and bone threshold tables as Markdown (kept in ``docs/definitions.md``)."""
    from sarcostat.assess._phenotype import _SHOWN

    lines = []
    blocks = [(d.title, d.name, d.citation, d.thresholds) for d in PHENOTYPES.values()]
    blocks.append(("Osteosarcopenia", "osteosarcopenia", osteo_def.CITATION, osteo_def.THRESHOLDS))
    for title, name, citation, rows in blocks:
        lines.append(f"### {title} (`{name}`)\n")
        lines.append(f"{citation}\n")
        lines.append("| criterion | measure | sex | stratum | rule | verified | source |")
        lines.append("|---|---|---|---|---|---|---|")
        for t in rows:
            unit = f" {t.unit}" if t.unit else ""
            lines.append(
                f"| {t.criterion} | {t.measure} | {t.sex} | {t.stratum_text or '-'} | "
                f"{_SHOWN[t.operator]} {t.value:g}{unit} | {'yes' if t.verified else '**no**'} | "
                f"{t.source} |"
            )
        lines.append("")
    return "\n".join(lines)
