"""Prevalence of sarcopenia per definition, and agreement between definitions."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

from sarcostat.assess._cutoffs import Definition
from sarcostat.assess._engine import INDETERMINATE
from sarcostat.assess.agreement import AGREEMENT_COLUMNS, pair_agreement, wilson_interval
from sarcostat.assess.classification import classify_many
from sarcostat.assess.definitions.registry import REGISTRY
from sarcostat.exceptions import ParameterError


def necessary_criteria(definition: Definition) -> tuple[str, ...]:
    """Criteria without which the definition never diagnoses sarcopenia.

    A criterion is necessary when the sarcopenia rule is False with that
    criterion False and every other criterion True (low muscle mass for
    every definition that measures it; low grip for FNIH 2014 and SDOC 2020).
    Read from the rule itself, so a new definition needs no list here.
    """
    names = [c for c, _ in definition.criteria]
    out = []
    for crit in names:
        if crit in definition.auxiliary:
            continue
        flags: dict = {c: pd.array([c != crit], dtype="boolean") for c in names}
        for name, _label, rule in definition.derived:
            flags[name] = pd.array(rule(flags), dtype="boolean")
        if not bool(pd.array(definition.sarcopenia(flags), dtype="boolean").fillna(True)[0]):
            out.append(crit)
    return tuple(out)


def missing_reasons(missing_inputs: pd.Series) -> str:
    """Counts of the inputs that left participants unclassified, in words.

    ``missing_inputs`` is the column of `classify` for the participants
    concerned; each comma-separated name is counted once per participant,
    most frequent first, e.g. ``"smi missing (n=3); alm_bmi: FNIH 2014 has
    no BIA cut-off (n=9)"``. Participants with no input named are counted as
    "no single missing input decides".
    """
    mi = missing_inputs.astype("string").fillna("")
    # counted per distinct text, then split: a list per participant (split,
    # explode) made 200,000 Python strings for 100,000 unclassified rows
    counts: dict[str, int] = {}
    for text, k in mi[mi != ""].value_counts(sort=False).items():
        for key in str(text).split(", "):
            counts[key] = counts.get(key, 0) + int(k)
    parts = []
    for key, count in sorted(counts.items(), key=lambda kc: (-kc[1], kc[0])):
        if " (" in key and key.endswith(")"):
            measure, _, why = key[:-1].partition(" (")
            parts.append(f"{measure}: {why} (n={count})")
        else:
            parts.append(f"{key} missing (n={count})")
    rest = int((mi == "").sum())
    if rest:
        parts.append(f"no single missing input decides (n={rest})")
    return "; ".join(parts)


def prevalence_from(
    results: dict[str, pd.DataFrame], groups: pd.Series | None, confidence: float
) -> pd.DataFrame:
    rows = []
    for name, res in results.items():
        definition = REGISTRY[name]
        needed = necessary_criteria(definition)
        labels = dict(definition.criteria)
        parts = [("overall", np.ones(len(res), dtype=bool))]
        if groups is not None:
            # groups named by their values' text, as astype("string") names
            # them, from the distinct values: a Python string per row (a
            # "string" copy of the column) was 50 MB at 10^6 rows
            codes, uniques = pd.factorize(groups.reindex(res.index))
            names = [str(u) for u in uniques]
            known = codes >= 0
            for level in sorted(set(names)):
                hit = np.array([name == level for name in names])
                parts.append((level, hit[codes] & known))
            if not known.all():
                parts.append(("missing", ~known))
        # only the columns counted here (not the reasons: a copy per group at 10^6 rows)
        cols = [*needed, "sarcopenia", "severe", "missing_inputs", "category"]
        counted = res[list(dict.fromkeys(c for c in cols if c in res.columns))]
        for label, mask in parts:
            sub = counted if label == "overall" else counted.loc[mask]
            sarc = sub["sarcopenia"]
            n = len(sub)
            # a criterion every diagnosis needs, assessed in nobody: no one could
            # be found positive, and those ruled out by other criteria alone
            # would make a prevalence of 0% out of a selected denominator
            blocked = [c for c in needed if n and bool(sub[c].isna().all())]
            n_ind = n if blocked else int(sarc.isna().sum())
            n_cls = n - n_ind
            k = int(sarc.fillna(False).sum())
            graded = definition.severe is not None
            n_sev = int(sub["severe"].fillna(False).sum()) if graded else pd.NA
            lo, hi = wilson_interval(k, n_cls, confidence)
            if blocked:
                undecided = sarc.isna().to_numpy()
                crits = " and ".join(labels[c].split(" (")[0].lower() for c in blocked)
                why = f"{crits} could be assessed in no participant"
                if undecided.any():
                    why += "; " + missing_reasons(sub["missing_inputs"][undecided])
                if (~undecided).any():
                    why += (
                        f"; {int((~undecided).sum())} ruled out by other criteria alone "
                        "(not counted: no one could be found positive)"
                    )
            else:
                undecided = sarc.isna().to_numpy()
                why = missing_reasons(sub["missing_inputs"][undecided]) if undecided.any() else ""
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
                    "classifiable": not blocked and n_cls > 0,
                    "not_classified_reasons": why,
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
        ``ci_upper`` (Wilson score interval), ``classifiable`` (False when
        nobody could be classified: the prevalence is then NaN, never 0%),
        ``not_classified_reasons`` (the inputs that left participants
        unclassified, with counts; see `missing_reasons`).

    Notes
    -----
    Indeterminate participants are excluded from the denominator and
    counted in ``n_indeterminate``; they are never counted as non-sarcopenic.
    When a criterion every diagnosis needs (see `necessary_criteria`)
    could be assessed in no participant of a group (FNIH 2014's DXA-only
    ALM/BMI cut-off in a BIA cohort), no one there could be found
    sarcopenic, so the group is not classifiable (``n_classified`` 0, all
    counted in ``n_indeterminate``) rather than 0% of those ruled out by
    other criteria alone.
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
    results = classify_many(data, definitions, reasons=False)  # counts need no texts
    groups = data[by] if by is not None else None
    return prevalence_from(results, groups, confidence)


def unclassifiable(results: dict[str, pd.DataFrame]) -> dict[str, str]:
    """``{definition: sentence}`` for each definition that can classify nobody
    (a criterion every diagnosis needs assessed in no participant)."""
    out = {}
    for name, res in results.items():
        definition = REGISTRY[name]
        labels = dict(definition.criteria)
        blocked = [c for c in necessary_criteria(definition) if len(res) and res[c].isna().all()]
        if blocked:
            crits = " and ".join(labels[c].split(" (")[0].lower() for c in blocked)
            out[name] = (
                f"{definition.title} could classify no participant ({crits} assessed in none)"
            )
    return out


def agreement_from(results: dict[str, pd.DataFrame], confidence: float) -> pd.DataFrame:
    blocked = unclassifiable(results)
    rows = [
        pair_agreement(
            a,
            b,
            results[a]["sarcopenia"],
            results[b]["sarcopenia"],
            confidence=confidence,
            title_a=REGISTRY[a].title,
            title_b=REGISTRY[b].title,
            unusable="; ".join(blocked[d] for d in (a, b) if d in blocked),
        )
        for a, b in combinations(results, 2)
    ]
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


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
        ``observed_agreement``, ``kappa``, ``se``, ``ci_lower``, ``ci_upper``,
        ``note``: why kappa says nothing, in words (``""`` when it is
        estimable; see `sarcostat.assess.agreement.kappa_note`). ``kappa``
        stays what R's ``vcd::Kappa`` gives (0 when one definition is constant);
        the files and console of ``sarcostat classify`` show the note instead.

    Notes
    -----
    Participants indeterminate under either definition are left out of
    that pair. Kappa and its large-sample SE (under the alternative) follow
    Cohen (1960) and Fleiss, Cohen & Everitt (1969); the CI is kappa ± z·SE
    clipped to [-1, 1]. R: ``k <- vcd::Kappa(table(a, b)); confint(k)``
    (checked to 1e-6 against vcd). See `sarcostat.assess.agreement.kappa_table`.

    References
    ----------
    Cohen J. Educ Psychol Meas 1960;20:37-46. doi:10.1177/001316446002000104
    Fleiss JL, Cohen J, Everitt BS. Psychol Bull 1969;72:323-327. doi:10.1037/h0028106
    """
    if not 0 < confidence < 1:
        raise ParameterError(
            f"The 'confidence' parameter of agreement must be in (0, 1). Got {confidence!r} instead."
        )
    return agreement_from(classify_many(data, definitions, reasons=False), confidence)
