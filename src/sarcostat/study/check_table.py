"""Consistency check of a published results table (recompute every printed P).

Given the numbers a paper prints (group means, SDs and sizes; counts; odds
ratios with confidence intervals; standardized betas), each printed P value
is recomputed with every test the paper could have used, over the whole box
of inputs that round to the printed digits, and each printed P gets a
verdict: which tests it fits, or that it fits none, or only a one-sided one.
Means of integer scores are checked against n with the GRIM test.

The input is a JSON file in the format of the bundled
``sarcostat/datasets/seed_tables.json`` (the worked example): ``table1``
(``groups`` sizes, ``categorical`` counts ``[n, pct]``, ``continuous``
``[mean, sd]`` per group and ``p``), optionally
``figure1_unadjusted_sclerostin_by_sarcopenia``,
``table2_standardized_beta`` (``unadj: [beta, p]``, with ``n_total``) and
``table3_or_per_sd`` (``unadj``/``adj``: ``[or, lower, upper, p]``).
Printed values keep their printed form: numbers as in the paper, ``"<0.001"``
as a string.
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ReadError
from sarcostat.stats._result import StatResult

#: Table 1 rows whose values are integer scores (GRIM applies).
INTEGER_SCORES = ("sps", "sppb_total")

_CANDIDATE_COLUMNS = ["section", "item", "printed", "test", "sided", "p_value", "p_min", "p_max",
                      "fits"]
_SUMMARY_COLUMNS = ["section", "item", "printed", "fits", "verdict"]


@dataclass(frozen=True)
class CheckTableResult(StatResult):
    """Result of :func:`check_published_tables`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (printed P, candidate test): ``section``, ``item``,
        ``printed`` (as printed; pass a file, or Decimals, to keep trailing
        zeros), ``test``, ``sided`` ("two-sided" or
        "one-sided"), ``p_value`` (at the printed inputs), ``p_min``,
        ``p_max`` (over every input that rounds to the printed digits) and
        ``fits`` (the printed P's rounding interval meets [p_min, p_max]).
    summary : pandas.DataFrame
        One row per printed P: ``section``, ``item``, ``printed``, ``fits``
        (the tests it fits, comma-separated) and ``verdict``.
    grim : pandas.DataFrame
        One row per mean of an integer score: ``item``, ``group``, ``n``,
        ``printed_mean``, ``decimals``, ``nearest_sum`` (integer k with k/n
        closest to the mean), ``nearest_mean`` (k/n) and ``consistent``.
    """

    summary: pd.DataFrame = None  # type: ignore[assignment]
    grim: pd.DataFrame = None  # type: ignore[assignment]

    def flags(self) -> pd.DataFrame:
        """Printed values that fit no test, or only a one-sided one, and GRIM failures."""
        fine = ["fits", "fits Welch only (not Student)", "fits only with fewer participants (missing values)"]
        bad = self.summary[~self.summary["verdict"].isin(fine)]
        return bad.reset_index(drop=True)


# ----------------------------------------------------------- printed values
def _decimals(x: Any) -> int:
    s = str(x)
    return len(s.split(".")[1]) if "." in s else 0


def _half(x: Any) -> float:
    return 0.5 * 10.0 ** (-_decimals(x))


def _p_interval(printed: Any) -> tuple[float, float]:
    """The P values that print as ``printed`` ("<0.001" -> [0, 0.001))."""
    if isinstance(printed, str):
        s = printed.strip().replace(" ", "")
        if s.startswith("<"):
            return 0.0, float(s[1:])
        if s.startswith(">"):
            return float(s[1:]), 1.0
        printed = float(s)
    h = _half(printed)
    return max(float(printed) - h, 0.0), min(float(printed) + h, 1.0)


def _fits(printed, p_min, p_max) -> bool:
    lo, hi = _p_interval(printed)
    return bool(p_min < hi and p_max >= lo)


def _box(values):
    """Every corner of the rounding box of the printed numbers."""
    ranges = [(float(v) - _half(v), float(v), float(v) + _half(v)) for v in values]
    return itertools.product(*ranges)


# ------------------------------------------------------------- candidates
def _ttests(section, item, printed, a, b, n1, n2, rows):
    from sarcostat.stats.compare import ttest_from_summary

    for name, equal_var in (("Student t", True), ("Welch t", False)):
        def p(m1, s1, m2, s2):
            return float(ttest_from_summary(m1, s1, n1, m2, s2, n2, equal_var=equal_var)
                         .table["p_value"].iloc[0])

        center = p(float(a[0]), float(a[1]), float(b[0]), float(b[1]))
        corners = [p(m1, s1, m2, s2) for m1, s1, m2, s2 in _box([a[0], a[1], b[0], b[1]])
                   if s1 > 0 and s2 > 0]
        lo, hi = min(corners + [center]), max(corners + [center])
        rows.append((section, item, printed, name, "two-sided", center, lo, hi, _fits(printed, lo, hi)))


def _count_tests(section, item, printed, table, rows):
    from sarcostat.stats.compare import chi2_from_counts, fisher_exact_2x2

    cands = [
        ("Pearson chi-square", "two-sided", chi2_from_counts(table, correction=False)),
        ("Yates chi-square", "two-sided", chi2_from_counts(table, correction=True)),
        ("Fisher exact", "two-sided", fisher_exact_2x2(table, alternative="two-sided")),
        ("Fisher exact (less)", "one-sided", fisher_exact_2x2(table, alternative="less")),
        ("Fisher exact (greater)", "one-sided", fisher_exact_2x2(table, alternative="greater")),
    ]
    for name, sided, res in cands:
        p = float(res.table["p_value"].iloc[0])
        rows.append((section, item, printed, name, sided, p, p, p, _fits(printed, p, p)))


def _wald_p(or_, lower, upper, z_crit):
    from scipy.stats import norm

    se = (math.log(upper) - math.log(lower)) / (2 * z_crit)
    return float(2 * norm.sf(abs(math.log(or_) / se)))


def _wald(section, item, printed, values, rows, confidence=0.95):
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + confidence / 2))
    center = _wald_p(*[float(v) for v in values], z)
    corners = [_wald_p(o, lo, up, z) for o, lo, up in _box(values) if min(o, lo, up) > 0 and up > lo]
    lo, hi = min(corners + [center]), max(corners + [center])
    rows.append((section, item, printed, "Wald z from OR and CI", "two-sided", center, lo, hi,
                 _fits(printed, lo, hi)))


def _beta_p(section, item, printed, beta, n, rows):
    from scipy.stats import t as tdist

    def p(r):
        r = min(max(r, -0.999999), 0.999999)
        return float(2 * tdist.sf(abs(r) * math.sqrt((n - 2) / (1 - r * r)), n - 2))

    def add(test):
        corners = [p(float(beta) - _half(beta)), p(float(beta) + _half(beta))]
        center = p(float(beta))
        lo, hi = min(corners + [center]), max(corners + [center])
        rows.append((section, item, printed, test, "two-sided", center, lo, hi, _fits(printed, lo, hi)))

    add("t test of a simple regression beta (df = n - 2)")
    # A variable with missing values (e.g. 'unable' chair stands) has fewer
    # participants than the table's n; up to 5 missing are tried.
    n_all = n
    for k in range(1, 6):
        n = n_all - k
        add(f"t test of beta with n = {n} (missing values)")


def grim_check(mean: float, n: int) -> dict[str, Any]:
    """GRIM test: can ``n`` integers have a mean that prints as ``mean``?

    Parameters
    ----------
    mean : float
        The printed mean (its printed decimals set the rounding window).
    n : int
        Number of values.

    Returns
    -------
    dict
        ``nearest_sum`` (integer k whose k/n is closest to ``mean``),
        ``nearest_mean`` (k/n), ``decimals`` and ``consistent`` (some k/n
        lies in [mean - h, mean + h], h = half the last printed digit).

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test: a simple technique detects
    numerous anomalies in the reporting of results in psychology. Soc
    Psychol Personal Sci 2017;8(4):363-369. doi:10.1177/1948550616673876
    """
    h = _half(mean)
    k = round(float(mean) * n)
    cands = [kk for kk in (k - 1, k, k + 1) if abs(kk / n - float(mean)) <= h + 1e-12]
    best = min((k - 1, k, k + 1), key=lambda kk: abs(kk / n - float(mean)))
    return {"nearest_sum": int(best), "nearest_mean": best / n, "decimals": _decimals(mean),
            "consistent": bool(cands)}


# --------------------------------------------------------------- verdicts
def _verdict(cands: pd.DataFrame) -> tuple[str, str]:
    fit = cands[cands["fits"]]
    missing = fit["test"].str.endswith("(missing values)")
    parts = list(fit.loc[~missing, "test"])
    if missing.any():
        ns = sorted(int(t.split("n = ")[1].split(" ")[0]) for t in fit.loc[missing, "test"])
        span = f"{ns[0]}" if len(ns) == 1 else f"{ns[0]}-{ns[-1]}"
        parts.append(f"t test of beta with n = {span} (missing values)")
    names = ", ".join(parts)
    if fit.empty:
        return names, "fits no test"
    if (fit["sided"] == "one-sided").all():
        return names, "fits only a one-sided test"
    if missing.all():
        return names, "fits only with fewer participants (missing values)"
    if set(fit["test"]) == {"Welch t"}:
        return names, "fits Welch only (not Student)"
    return names, "fits"


def load_published(path) -> dict[str, Any]:
    """Read a published-tables JSON file (format of ``seed_tables.json``).

    Numbers are read as :class:`decimal.Decimal` so that printed trailing
    zeros survive: ``0.010`` keeps three decimals (P in [0.0095, 0.0105)),
    where a float would become 0.01 (P in [0.005, 0.015)).
    """
    from decimal import Decimal

    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise ReadError(f"{p}: file not found.") from None
    except json.JSONDecodeError as exc:
        raise ReadError(f"{p}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None


def check_published_tables(published: dict[str, Any] | str | Path, *,
                           confidence: float = 0.95) -> CheckTableResult:
    """Recompute every printed P of a published results table.

    Parameters
    ----------
    published : dict or path
        The printed numbers, in the format of
        ``sarcostat/datasets/seed_tables.json`` (module docstring).
    confidence : float, default 0.95
        Confidence level of the printed odds-ratio intervals.

    Returns
    -------
    CheckTableResult
        ``table`` (every candidate test of every printed P), ``summary``
        (one verdict per printed P), ``grim`` (means of integer scores)
        and ``notes``.

    Raises
    ------
    DataError
        A required entry is missing or malformed (named by its JSON path).
    ReadError
        The file cannot be read.

    See Also
    --------
    sarcostat.stats.compare.ttest_from_summary, sarcostat.stats.compare.chi2_from_counts,
    sarcostat.stats.compare.fisher_exact_2x2, grim_check

    Notes
    -----
    Continuous rows: Student's and Welch's two-sample t tests from the
    printed means, SDs and group sizes (R: ``tsum.test``; SPSS prints both
    lines of "Independent Samples Test"). Count rows: Pearson chi-square,
    Yates-corrected chi-square, Fisher's exact test two-sided and one-sided
    in both directions (R: ``chisq.test(x, correct = FALSE/TRUE)``,
    ``fisher.test(x, alternative = ...)``). Odds ratios: the Wald P implied
    by the printed interval,

    .. math::

        SE = \\frac{\\ln U - \\ln L}{2 z_{0.975}}, \\qquad z = \\ln(OR)/SE,
        \\qquad P = 2\\,(1 - \\Phi(|z|)).

    Standardized betas of one-predictor models (unadjusted): the t test of
    r with n - 2 df, with the table's n and with 1-5 fewer participants (a
    variable with missing values); a P that fits only the latter gets the
    verdict "fits only with fewer participants (missing values)". Each P is evaluated at every corner of the box of
    inputs that round to the printed digits (± half the last digit), and a
    test *fits* when that range meets the interval of P values that print
    as the printed P (e.g. 0.003 -> [0.0025, 0.0035); "<0.001" -> [0,
    0.001)). A printed P fitting only Welch means the paper's "t test" was
    Welch's (SPSS's "equal variances not assumed" line) for that row.

    References
    ----------
    Brown NJL, Heathers JAJ. The GRIM test. Soc Psychol Personal Sci
    2017;8(4):363-369. doi:10.1177/1948550616673876

    Altman DG, Bland JM. How to obtain the P value from a confidence
    interval. BMJ 2011;343:d2304. doi:10.1136/bmj.d2304

    Examples
    --------
    >>> from sarcostat.datasets import seed_tables_path
    >>> res = check_published_tables(seed_tables_path())
    >>> res.summary.set_index("item").loc["sex", "verdict"]
    'fits only a one-sided test'
    """
    doc = load_published(published) if not isinstance(published, dict) else published
    rows: list[tuple] = []
    grim_rows = []

    def need(obj, key, where):
        if not isinstance(obj, dict) or key not in obj:
            raise DataError(f"published tables: missing entry '{where}{key}'.")
        return obj[key]

    t1 = need(doc, "table1", "")
    groups = need(t1, "groups", "table1.")
    names = list(groups)
    if len(names) != 2:
        raise DataError(f"published tables: table1.groups must name two groups; got {names}.")
    g1, g2 = names
    n1, n2 = int(groups[g1]), int(groups[g2])
    for item, spec in dict(t1.get("categorical", {})).items():
        levels = [k for k in spec[g1] if k != "p"]
        table = [[int(spec[g1][lv][0]) for lv in levels], [int(spec[g2][lv][0]) for lv in levels]]
        if len(levels) == 2:
            _count_tests("Table 1", item, spec["p"], table, rows)
    for item, spec in dict(t1.get("continuous", {})).items():
        try:
            a, b = [float(v) for v in spec[g1]], [float(v) for v in spec[g2]]
            a_print, b_print = spec[g1], spec[g2]
        except (KeyError, TypeError, ValueError):
            raise DataError(f"published tables: table1.continuous.{item} needs "
                            f"'{g1}' and '{g2}' as [mean, sd].") from None
        _ttests("Table 1", item, spec["p"], a_print, b_print, n1, n2, rows)
        del a, b
        if item in INTEGER_SCORES:
            for g, vals, n in ((g1, a_print, n1), (g2, b_print, n2)):
                gr = grim_check(vals[0], n)
                grim_rows.append({"item": item, "group": g, "n": n, "printed_mean": vals[0], **gr})
    fig = doc.get("figure1_unadjusted_sclerostin_by_sarcopenia")
    if fig:
        _ttests("Figure 1", "sclerostin", fig["p"], fig[g1], fig[g2], n1, n2, rows)
    n_total = int(doc.get("n_total", n1 + n2))
    for item, spec in dict(doc.get("table2_standardized_beta", {})).items():
        if item.startswith("_"):
            continue
        beta, p = spec["unadj"]
        _beta_p("Table 2 (unadjusted)", item, p, beta, n_total, rows)
    for item, spec in dict(doc.get("table3_or_per_sd", {})).items():
        if item.startswith("_"):
            continue
        for model in ("unadj", "adj"):
            if model in spec:
                o, lo, up, p = spec[model]
                _wald(f"Table 3 ({'unadjusted' if model == 'unadj' else 'adjusted'})", item, p,
                      [o, lo, up], rows, confidence)
    cand = pd.DataFrame(rows, columns=_CANDIDATE_COLUMNS)
    cand["printed"] = cand["printed"].astype(str)
    summary = []
    for (section, item, printed), c in cand.groupby(["section", "item", "printed"], sort=False):
        fits, verdict = _verdict(c)
        summary.append((section, item, printed, fits, verdict))
    summary = pd.DataFrame(summary, columns=_SUMMARY_COLUMNS)
    grim = pd.DataFrame(grim_rows, columns=["item", "group", "n", "printed_mean", "decimals",
                                            "nearest_sum", "nearest_mean", "consistent"])
    grim["printed_mean"] = grim["printed_mean"].astype(str)
    for r in grim.itertuples():
        verdict = "GRIM consistent" if r.consistent else "GRIM inconsistent"
        summary.loc[len(summary)] = ("GRIM", f"{r.item} ({r.group})", str(r.printed_mean),
                                     f"{r.nearest_sum}/{r.n} = {r.nearest_mean:.4f}",
                                     "fits" if r.consistent else verdict)
    notes = (
        "P ranges cover every input that rounds to the printed digits.",
        "A test fits when its P range meets the interval of P values that print as the printed P.",
        "Fits only a one-sided test: the paper probably reported a one-sided P (e.g. SPSS's "
        "'Exact Sig. (1-sided)' column).",
    )
    return CheckTableResult(table=cand, summary=summary, grim=grim, notes=notes,
                            meta={"n_groups": (n1, n2), "groups": (g1, g2), "confidence": confidence})
