"""Prevalence of sarcopenia per definition, and agreement between definitions."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

import numpy as np
import pandas as pd

from sarcostat.assess._engine import INDETERMINATE
from sarcostat.assess.agreement import kappa_table
from sarcostat.assess.classification import classify_many
from sarcostat.assess.definitions import REGISTRY
from sarcostat.exceptions import ParameterError


def _wilson(k: int, n: int, confidence: float) -> tuple[float, float]:
    if n == 0:
        return np.nan, np.nan
    from statsmodels.stats.proportion import proportion_confint

    lo, hi = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    return float(lo), float(hi)


def prevalence_from(
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
    return prevalence_from(results, groups, confidence)


def agreement_from(results: dict[str, pd.DataFrame], confidence: float) -> pd.DataFrame:
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
    return agreement_from(classify_many(data, definitions), confidence)
