"""A cohort classified by several definitions, with prevalence, agreement and notes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.assess.catalog import definition_names
from sarcostat.assess.classification import (
    Prepared,
    classify_many,
    prepare,
    unmeasured_note,
    unmeasured_tests,
)
from sarcostat.assess.definitions.registry import REGISTRY
from sarcostat.assess.protocol import protocol_notes
from sarcostat.assess.summary import agreement_from, prevalence_from
from sarcostat.results import StatResult


@dataclass(frozen=True, eq=False, kw_only=True)
class ClassificationResult(StatResult):
    """Classification of a cohort by several definitions, with what a report needs.

    A `sarcostat.results.StatResult` (short repr, ``to_frame()``,
    ``to_dict()``, equality by value); ``summary()`` prints the prevalence
    and agreement tables.

    Attributes
    ----------
    table : pandas.DataFrame
        ``id`` and ``gait_distance_m`` (when present) then, per definition,
        every output column of `classify` prefixed ``<definition>_``.
    results : dict
        ``{definition: classify() table}``.
    prevalence, agreement : pandas.DataFrame
        As `prevalence` (by sex) and `agreement` (empty when one
        definition).
    notes : tuple of str
        Protocol (what was measured) and definition caveats, unverified
        cut-offs included.
    meta : dict
        ``definitions``, ``protocol``, ``n``, ``confidence``, ``note_kinds``
        (``(kind, definition)`` of each note: ``protocol``, ``SPPB total``,
        ``definition caveat``, ``no severity grade``, ``unverified cut-off``).
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
        lines = []
        prev = self.prevalence.copy()
        for col in ("prevalence", "ci_lower", "ci_upper"):
            prev[col] = prev[col].map(lambda v: "" if pd.isna(v) else f"{100 * v:.1f}%")
        with pd.option_context("display.width", 160, "display.max_columns", 50):
            lines.append("Prevalence of sarcopenia (indeterminate excluded from the denominator):")
            shown = prev.drop(
                columns=["n_category_indeterminate", "classifiable", "not_classified_reasons"],
                errors="ignore",
            )
            lines.append(shown.to_string(index=False))
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
    cohort: Any,
    definitions: Iterable[str] | str = "awgs2019",
    *,
    protocol: dict | None = None,
    confidence: float = 0.95,
    reasons: bool = True,
    prepared: Prepared | None = None,
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
    reasons : bool, default True
        False leaves out each definition's ``reason`` column, as `classify`
        does (`sarcostat.assess.classification.reason_texts` gives it a
        slice of rows at a time).
    prepared : optional
        `sarcostat.assess.classification.prepare` of the same table: its
        measures are then not derived again (a caller that also asks
        `reason_texts`).

    Returns
    -------
    ClassificationResult
    """
    data = getattr(cohort, "data", cohort)
    proto = dict(getattr(cohort, "protocol", None) or {})
    proto.update(protocol or {})
    names = definition_names(definitions, "classify_cohort")
    prep = prepare(data, "classify_cohort") if prepared is None else prepared
    results = classify_many(data, names, prepared=prep, reasons=reasons)
    # the course length can differ per participant: keep it beside the id so
    # the per-participant file says what was measured
    keep = [c for c in ("id", "gait_distance_m") if c in data.columns]
    parts = [data[keep].copy()] if keep else []
    for n, res in results.items():
        parts.append(res.add_prefix(f"{n}_"))
    table = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=data.index)
    groups = data["sex"] if "sex" in data.columns else None
    notes = list(protocol_notes(data, proto))
    kinds = [("protocol", "")] * len(notes)
    from sarcostat.assess._measures import _num
    from sarcostat.assess.sppb import sppb_from_components

    # score_sppb's sppb_check (a given total that disagrees with the scored one)
    scored, given = sppb_from_components(data), _num(data, "sppb_total")
    bad = ~np.isnan(scored) & ~np.isnan(given) & (scored != given)
    if bad.any():
        who = data["id"].astype(str) if "id" in data.columns else pd.Series(data.index.astype(str))
        who = who.to_numpy()[bad]
        shown = ", ".join(
            f"{i} (given {int(g)}, scored {int(c)})"
            for i, g, c in zip(
                who[:10],
                pd.to_numeric(data["sppb_total"]).to_numpy()[bad][:10],
                scored[bad][:10],
            )
        )
        more = f" and {bad.sum() - 10} more" if bad.sum() > 10 else ""
        notes.append(
            f"SPPB: the given sppb_total disagrees with the total scored from its components "
            f"for {int(bad.sum())} participant(s): {shown}{more}; the component score is used."
        )
        kinds.append(("SPPB total", ""))
    for n in names:  # what this cohort did not measure, before the general caveats
        left = unmeasured_note(n, unmeasured_tests(data, n, prepared=prep))
        if left:
            notes.append(left)
            kinds.append(("tests left out", n))
    for n in names:
        d = REGISTRY[n]
        no_grade = f"{d.title} defines no severity grade: 'severe' is <NA>."
        for text in d.notes:
            notes.append(text)
            kinds.append(("no severity grade" if text == no_grade else "definition caveat", n))
        for text in d.unverified_notes():
            notes.append(text)
            kinds.append(("unverified cut-off", n))
    return ClassificationResult(
        table=table,
        results=results,
        prevalence=prevalence_from(results, groups, confidence),
        agreement=agreement_from(results, confidence),
        notes=tuple(notes),
        meta={
            "definitions": names,
            "protocol": proto,
            "n": len(data),
            "confidence": confidence,
            "note_kinds": tuple(kinds),
        },
    )
