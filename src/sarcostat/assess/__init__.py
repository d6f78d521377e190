"""Clinical assessment: SPPB scoring, sarcopenia definitions, prevalence, agreement.

Public API
----------
classify(data, definition="awgs2019")       one definition -> per-participant table
classify_many(data, definitions)            several -> dict name -> table
classify_cohort(cohort, definitions)        everything the CLI prints, with notes
prevalence(data, definitions=..., by="sex") prevalence table
agreement(data, definitions)                pairwise Cohen's kappa with 95% CI
list_definitions()                          names, titles, citations
cutoff_table(definition)                    the cut-off rows with source/verified
sarc_calf(data)                             SARC-CalF score per participant
sppb.score_sppb, sps.sarcopenia_phenotype_score
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.assess._engine import INDETERMINATE, Prepared, evaluate
from sarcostat.assess.agreement import kappa_table
from sarcostat.assess.definitions import REGISTRY
from sarcostat.exceptions import ParameterError, check_option

__all__ = [
    "ClassificationResult",
    "agreement",
    "classify",
    "classify_cohort",
    "classify_many",
    "cutoff_table",
    "definition_notes",
    "list_definitions",
    "prevalence",
    "protocol_notes",
    "sarc_calf",
]


def _definition(name: str, function: str):
    return REGISTRY[check_option(name, tuple(REGISTRY), parameter="definition", function=function)]


def _names(definitions, function: str) -> list[str]:
    if isinstance(definitions, str):
        definitions = (
            list(REGISTRY) if definitions == "all" else [d.strip() for d in definitions.split(",")]
        )
    names = list(dict.fromkeys(definitions))
    if not names:
        raise ParameterError(
            f"The 'definitions' parameter of {function} must name at least one definition."
        )
    for n in names:
        _definition(n, function)
    return names


def list_definitions() -> pd.DataFrame:
    """The available definitions.

    Returns
    -------
    pandas.DataFrame
        Columns ``definition`` (name to pass to :func:`classify`), ``title``,
        ``citation``, ``n_cutoffs``, ``n_unverified``, ``has_severity``.
    """
    return pd.DataFrame(
        [
            {
                "definition": d.name,
                "title": d.title,
                "citation": d.citation,
                "n_cutoffs": len(d.cutoffs),
                "n_unverified": sum(not c.verified for c in d.cutoffs),
                "has_severity": d.severe is not None,
            }
            for d in REGISTRY.values()
        ]
    )


def cutoff_table(definition: str = "all") -> pd.DataFrame:
    """Cut-off rows (measure, sex, device, operator, value, unit, verified, source).

    Parameters
    ----------
    definition : str, default "all"
        A definition name, a comma-separated list, or ``"all"``.
    """
    names = _names(definition, "cutoff_table")
    return pd.concat([REGISTRY[n].cutoff_table() for n in names], ignore_index=True)


def definition_notes(definition: str) -> tuple[str, ...]:
    """Notes a report must carry for ``definition``: caveats and unverified cut-offs."""
    d = _definition(definition, "definition_notes")
    return d.notes + d.unverified_notes()


def protocol_notes(
    data: pd.DataFrame | None = None, protocol: dict | None = None
) -> tuple[str, ...]:
    """Sentences saying what was measured (gait course and start, grip best-of-n).

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Used for the gait distances actually recorded (``gait_distance_m``).
    protocol : dict, optional
        ``Cohort.protocol``; keys read: ``gait_start`` (static/dynamic),
        ``gait_distance_m``, ``grip_best_of``, ``grip_device``, ``muscle_mass_device``,
        any other key is reported as ``key: value``.

    Returns
    -------
    tuple of str
        Gait course and start, grip best-of-n (else the ``grip_<n>_kg``
        trials found in ``data``), other protocol keys, and the muscle-mass
        methods with counts.
    """
    protocol = dict(protocol or {})
    out = []
    dist = None
    if data is not None and "gait_distance_m" in data.columns:
        d = pd.to_numeric(data["gait_distance_m"], errors="coerce").dropna().unique()
        dist = ", ".join(f"{v:g}" for v in sorted(d)) if len(d) else None
    dist = dist or (
        f"{protocol.pop('gait_distance_m'):g}" if "gait_distance_m" in protocol else None
    )
    protocol.pop("gait_distance_m", None)
    start = protocol.pop("gait_start", None)
    if dist or start:
        where = f"over {dist} m" if dist else "over an unrecorded distance (4 m assumed)"
        out.append(f"Gait speed measured {where}, {start or 'unrecorded'} start.")
    best = protocol.pop("grip_best_of", None)
    trials = []
    if data is not None:
        trials = [
            c
            for c in data.columns
            if c.startswith("grip_") and c.endswith("_kg") and c[5:-3].isdigit()
        ]
    if best is not None:
        out.append(f"Grip strength: best of {best} trial(s).")
    elif trials:
        out.append(f"Grip strength: maximum of the recorded trials ({', '.join(trials)}).")
    for k, v in protocol.items():
        out.append(f"Protocol {k}: {v}.")
    if data is not None and "muscle_mass_method" in data.columns:
        counts = data["muscle_mass_method"].astype("string").str.lower().value_counts()
        if len(counts):
            out.append(
                "Muscle mass by "
                + ", ".join(f"{k.upper()} (n={v})" for k, v in counts.items())
                + "."
            )
    return tuple(out)


def sarc_calf(data: pd.DataFrame) -> pd.Series:
    """SARC-CalF: the SARC-F total plus 10 points when calf circumference is low.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table: ``sarc_f_total`` (or the five ``sarc_f_*``
        items), ``calf_circumference_cm``, ``sex``.

    Returns
    -------
    pandas.Series
        Named ``sarc_calf``, float 0-20, same index as ``data``; NaN when the
        SARC-F total or the calf circumference is missing, or when sex is
        missing and the calf (33 to < 34 cm) is low for women only.

    Notes
    -----
    Low calf circumference is < 34 cm (men) / < 33 cm (women), the AWGS 2019
    calf cut-offs; AWGS 2019 screens positive at SARC-CalF >= 11
    (flag ``sarc_calf_positive`` of ``classify(data, "awgs2019")``).

    References
    ----------
    Barbosa-Silva TG, Menezes AMB, Bielemann RM, Malmstrom TK, Gonzalez MC.
    Enhancing SARC-F: improving sarcopenia screening in the clinical practice.
    J Am Med Dir Assoc 2016;17(12):1136-1141. doi:10.1016/j.jamda.2016.08.004
    Chen LK et al. J Am Med Dir Assoc 2020;21(3):300-307.e2. doi:10.1016/j.jamda.2019.12.012

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female", "male"], "sarc_f_total": [2.0, 2.0],
    ...                    "calf_circumference_cm": [32.5, 34.0]})
    >>> sarc_calf(df).tolist()
    [12.0, 2.0]
    """
    from sarcostat.assess._measures import check_frame
    from sarcostat.assess._measures import sarc_calf as _sarc_calf

    data = check_frame(data, "sarc_calf")
    return pd.Series(_sarc_calf(data), index=data.index, name="sarc_calf")


def classify(data: pd.DataFrame, definition: str = "awgs2019") -> pd.DataFrame:
    """Classify each participant by one consensus definition of sarcopenia.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table (see ``docs/dev/contracts.md``). Absent columns
        count as missing, never as normal.
    definition : str, default "awgs2019"
        One of ``awgs2019``, ``ewgsop2``, ``ewgsop1``, ``awgs2014``,
        ``fnih2014``, ``sdoc2020``, ``iwgs2011`` (see :func:`list_definitions`).

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``, one row per participant:

        - one nullable-boolean column per criterion flag of the definition
          (e.g. AWGS 2019: ``low_muscle_mass``, ``low_strength``,
          ``slow_gait``, ``slow_chair_stand``, ``low_sppb``, ``low_calf``,
          ``sarc_f_positive``, ``sarc_calf_positive``, then the derived
          ``low_performance`` and ``case_finding``); <NA> = cannot be decided.
        - ``category`` (string): the definition's stage, ``"no sarcopenia"``,
          ``"<stage> (severity indeterminate)"`` or ``"indeterminate"``.
        - ``sarcopenia`` (boolean): <NA> when missing inputs could change it.
        - ``severe`` (boolean): <NA> when unknown or when the definition has
          no severity grade.
        - ``missing_inputs`` (string): comma-separated inputs whose absence
          left a used criterion undecided (empty when none).
        - ``reason`` (string): the category and every comparison made, e.g.
          ``"SMI 5.40 < 5.7 kg/m² (woman, BIA)"``.

    Raises
    ------
    ParameterError
        Unknown definition.
    DataError
        ``sex`` or ``muscle_mass_method`` holds a value outside the canonical set.

    See Also
    --------
    classify_many, prevalence, agreement, cutoff_table, definition_notes

    Notes
    -----
    Each criterion is the Kleene OR of its cut-off rows; stages combine the
    flags with Kleene AND/OR, so a participant is classified only when the
    missing inputs could not change the result (low muscle mass False ⇒ not
    sarcopenic whatever else is missing). 'Unable' (``gait_unable``,
    ``chair_stand_unable``) counts as abnormal. Cut-offs are chosen by sex
    and, for muscle mass, by ``muscle_mass_method``; a definition without a
    cut-off for that device leaves the criterion undecided (DXA cut-offs are
    never applied to BIA data unless the paper states them device-free).

    References
    ----------
    See each module of :mod:`sarcostat.assess.definitions` (``CITATION``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sex": ["female"], "smi": [5.4], "muscle_mass_method": ["bia"],
    ...                    "grip_kg": [16.0], "gait_speed_m_s": [1.2],
    ...                    "chair_stand_5x_s": [10.0], "sppb_total": [11.0]})
    >>> out = classify(df, "awgs2019")
    >>> out.loc[0, "category"], bool(out.loc[0, "sarcopenia"])
    ('sarcopenia', True)
    """
    return evaluate(data, _definition(definition, "classify"))


def classify_many(
    data: pd.DataFrame, definitions: Iterable[str] | str = "all"
) -> dict[str, pd.DataFrame]:
    """:func:`classify` for several definitions; returns ``{name: table}`` in order given.

    ``definitions`` may be a list, a comma-separated string, or ``"all"``.
    """
    names = _names(definitions, "classify_many")
    prep = Prepared(data, "classify_many")  # measures derived and formatted once for all
    return {n: evaluate(None, REGISTRY[n], prep) for n in names}


def _wilson(k: int, n: int, confidence: float):
    if n == 0:
        return np.nan, np.nan
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    return float(lo), float(hi)


def _prevalence_from(
    results: dict[str, pd.DataFrame], groups: pd.Series | None, confidence: float
) -> pd.DataFrame:
    rows = []
    for name, res in results.items():
        parts = [("overall", np.ones(len(res), dtype=bool))]
        if groups is not None:
            g = groups.reindex(res.index).astype("string")
            for level in sorted(g.dropna().unique()):
                parts.append((str(level), (g == level).fillna(False).to_numpy()))
            if g.isna().any():
                parts.append(("missing", g.isna().to_numpy()))
        for label, mask in parts:
            sub = res.loc[mask]
            sarc = sub["sarcopenia"]
            n = len(sub)
            n_ind = int(sarc.isna().sum())
            n_cls = n - n_ind
            k = int(sarc.fillna(False).sum())
            graded = REGISTRY[name].severe is not None
            n_sev = int(sub["severe"].fillna(False).sum()) if graded else pd.NA
            lo, hi = _wilson(k, n_cls, confidence)
            rows.append(
                {
                    "definition": name,
                    "group": label,
                    "n": n,
                    "n_classified": n_cls,
                    "n_indeterminate": n_ind,
                    "n_sarcopenia": k,
                    "n_severe": n_sev,
                    "n_category_indeterminate": int((sub["category"] == INDETERMINATE).sum()),
                    "prevalence": k / n_cls if n_cls else np.nan,
                    "ci_lower": lo,
                    "ci_upper": hi,
                }
            )
    out = pd.DataFrame(rows)
    if len(out):
        out["n_severe"] = out["n_severe"].astype("Int64")
    return out


def prevalence(
    data: pd.DataFrame,
    definitions: Iterable[str] | str = "awgs2019",
    *,
    by: str | None = "sex",
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Prevalence of sarcopenia per definition, overall and by group.

    Parameters
    ----------
    data : pandas.DataFrame
        Canonical cohort table.
    definitions : str or list of str, default "awgs2019"
    by : str or None, default "sex"
        Column to stratify by (None: overall only).
    confidence : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per definition and group (``overall``, then each level of
        ``by``, then ``missing`` if any): ``definition``, ``group``, ``n``,
        ``n_classified`` (sarcopenia known), ``n_indeterminate`` (sarcopenia
        <NA>), ``n_sarcopenia``, ``n_severe``, ``n_category_indeterminate``,
        ``prevalence`` (= n_sarcopenia / n_classified), ``ci_lower``,
        ``ci_upper`` (Wilson score interval).

    Notes
    -----
    Indeterminate participants are excluded from the denominator and
    counted in ``n_indeterminate``; they are never counted as non-sarcopenic.
    R: ``prop.test(k, n, correct = FALSE)$conf.int`` gives the same Wilson interval.
    """
    if not 0 < confidence < 1:
        raise ParameterError(
            f"The 'confidence' parameter of prevalence must be in (0, 1). Got {confidence!r} instead."
        )
    if by is not None and by not in data.columns:
        raise ParameterError(
            f"The 'by' parameter of prevalence names column {by!r}, which the data lacks."
        )
    results = classify_many(data, definitions)
    groups = data[by] if by is not None else None
    return _prevalence_from(results, groups, confidence)


def _agreement_from(results: dict[str, pd.DataFrame], confidence: float) -> pd.DataFrame:
    rows = []
    for a, b in combinations(results, 2):
        x, y = results[a]["sarcopenia"], results[b]["sarcopenia"]
        both = x.notna() & y.notna()
        xa = x[both].astype(bool).to_numpy()
        yb = y[both].astype(bool).to_numpy()
        table = np.array(
            [[np.sum(xa & yb), np.sum(xa & ~yb)], [np.sum(~xa & yb), np.sum(~xa & ~yb)]]
        )
        k = kappa_table(table, confidence=confidence)
        rows.append(
            {
                "definition_a": a,
                "definition_b": b,
                "n": k["n"],
                "n_both": int(table[0, 0]),
                "n_a_only": int(table[0, 1]),
                "n_b_only": int(table[1, 0]),
                "n_neither": int(table[1, 1]),
                "observed_agreement": k["observed_agreement"],
                "kappa": k["kappa"],
                "se": k["se"],
                "ci_lower": k["ci_lower"],
                "ci_upper": k["ci_upper"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "definition_a",
            "definition_b",
            "n",
            "n_both",
            "n_a_only",
            "n_b_only",
            "n_neither",
            "observed_agreement",
            "kappa",
            "se",
            "ci_lower",
            "ci_upper",
        ],
    )


def agreement(
    data: pd.DataFrame, definitions: Iterable[str] | str = "all", *, confidence: float = 0.95
) -> pd.DataFrame:
    """Pairwise agreement of sarcopenia status between definitions (Cohen's kappa).

    Parameters
    ----------
    data : pandas.DataFrame
    definitions : str or list of str, default "all"
    confidence : float, default 0.95

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``definition_a``, ``definition_b``, ``n`` (both
        classified), ``n_both``, ``n_a_only``, ``n_b_only``, ``n_neither``,
        ``observed_agreement``, ``kappa``, ``se``, ``ci_lower``, ``ci_upper``.

    Notes
    -----
    Participants indeterminate under either definition are left out of
    that pair. Kappa and its large-sample SE (under the alternative) follow
    Cohen (1960) and Fleiss, Cohen & Everitt (1969); the CI is kappa ± z·SE
    clipped to [-1, 1]. R: ``k <- vcd::Kappa(table(a, b)); confint(k)``
    (checked to 1e-6 against vcd). See :func:`sarcostat.assess.agreement.kappa_table`.

    References
    ----------
    Cohen J. Educ Psychol Meas 1960;20:37-46. doi:10.1177/001316446002000104
    Fleiss JL, Cohen J, Everitt BS. Psychol Bull 1969;72:323-327. doi:10.1037/h0028106
    """
    if not 0 < confidence < 1:
        raise ParameterError(
            f"The 'confidence' parameter of agreement must be in (0, 1). Got {confidence!r} instead."
        )
    return _agreement_from(classify_many(data, definitions), confidence)


@dataclass(frozen=True)
class ClassificationResult:
    """Classification of a cohort by several definitions, with what a report needs.

    Attributes
    ----------
    table : pandas.DataFrame
        ``id`` and ``gait_distance_m`` (when present) then, per definition,
        every output column of :func:`classify` prefixed ``<definition>_``.
    results : dict
        ``{definition: classify() table}``.
    prevalence, agreement : pandas.DataFrame
        As :func:`prevalence` (by sex) and :func:`agreement` (empty when one
        definition).
    notes : tuple of str
        Protocol (what was measured) and definition caveats, unverified
        cut-offs included.
    meta : dict
        ``definitions``, ``protocol``, ``n``, ``confidence``.
    """

    table: pd.DataFrame
    results: dict
    prevalence: pd.DataFrame
    agreement: pd.DataFrame
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self, digits: int = 3) -> str:
        lines = []
        prev = self.prevalence.copy()
        for col in ("prevalence", "ci_lower", "ci_upper"):
            prev[col] = prev[col].map(lambda v: "" if pd.isna(v) else f"{100 * v:.1f}%")
        with pd.option_context("display.width", 160, "display.max_columns", 50):
            lines.append("Prevalence of sarcopenia (indeterminate excluded from the denominator):")
            lines.append(prev.drop(columns=["n_category_indeterminate"]).to_string(index=False))
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
                lines.append("")
                lines.append(
                    f"Agreement (Cohen's kappa, {100 * self.meta.get('confidence', 0.95):g}% CI):"
                )
                lines.append(ag.to_string(index=False, float_format=lambda v: f"{v:.{digits}f}"))
        if self.notes:
            lines.append("")
            lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)


def classify_cohort(
    cohort,
    definitions: Iterable[str] | str = "awgs2019",
    *,
    protocol: dict | None = None,
    confidence: float = 0.95,
) -> ClassificationResult:
    """Classify a cohort by several definitions and collect prevalence, agreement and notes.

    Parameters
    ----------
    cohort : sarcostat.io.Cohort or pandas.DataFrame
        A ``Cohort`` (its ``data`` and ``protocol`` are used) or a canonical table.
    definitions : str or list of str, default "awgs2019"
    protocol : dict, optional
        Overrides/extends ``cohort.protocol``.
    confidence : float, default 0.95

    Returns
    -------
    ClassificationResult
    """
    data = getattr(cohort, "data", cohort)
    proto = dict(getattr(cohort, "protocol", None) or {})
    proto.update(protocol or {})
    names = _names(definitions, "classify_cohort")
    results = classify_many(data, names)
    # the course length can differ per participant: keep it beside the id so
    # the per-participant file says what was measured
    keep = [c for c in ("id", "gait_distance_m") if c in data.columns]
    parts = [data[keep].copy()] if keep else []
    for n, res in results.items():
        parts.append(res.add_prefix(f"{n}_"))
    table = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)
    groups = data["sex"] if "sex" in data.columns else None
    notes = list(protocol_notes(data, proto))
    from sarcostat.assess.sppb import score_sppb

    sppb = score_sppb(data)
    bad = sppb["sppb_check"].fillna(False).to_numpy(dtype=bool)
    if bad.any():
        who = data["id"].astype(str) if "id" in data.columns else pd.Series(data.index.astype(str))
        who = who.to_numpy()[bad]
        shown = ", ".join(
            f"{i} (given {int(g)}, scored {int(c)})"
            for i, g, c in zip(
                who[:10],
                pd.to_numeric(data["sppb_total"]).to_numpy()[bad][:10],
                sppb["sppb_total"].to_numpy()[bad][:10],
            )
        )
        more = f" and {bad.sum() - 10} more" if bad.sum() > 10 else ""
        notes.append(
            f"SPPB: the given sppb_total disagrees with the total scored from its components "
            f"for {int(bad.sum())} participant(s): {shown}{more}; the component score is used."
        )
    for n in names:
        notes.extend(definition_notes(n))
    return ClassificationResult(
        table=table,
        results=results,
        prevalence=_prevalence_from(results, groups, confidence),
        agreement=_agreement_from(results, confidence),
        notes=tuple(notes),
        meta={"definitions": names, "protocol": proto, "n": len(data), "confidence": confidence},
    )


def _cutoffs_markdown() -> str:
    """The cut-off tables as Markdown (kept in ``docs/definitions.md``; a test checks they match)."""
    from sarcostat.assess._cutoffs import SHOWN

    lines = []
    for d in REGISTRY.values():
        lines.append(f"### {d.title} (`{d.name}`)\n")
        lines.append(f"{d.citation}\n")
        lines.append("| criterion | measure | sex | device | rule | verified | source |")
        lines.append("|---|---|---|---|---|---|---|")
        for c in d.cutoffs:
            lines.append(
                f"| {c.criterion} | {c.measure} | {c.sex} | {c.device} | "
                f"{SHOWN[c.operator]} {c.value:g} {c.unit} | {'yes' if c.verified else '**no**'} | "
                f"{c.source} |"
            )
        lines.append("")
    return "\n".join(lines)
