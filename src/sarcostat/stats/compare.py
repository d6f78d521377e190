"""Two-group comparisons for a descriptive Table 1.

Continuous variables: Student and Welch t tests with the SPSS reading rule
(Levene's test centred on the mean picks the row), Mann-Whitney on request,
and a t test from published summary statistics. Categorical variables:
Pearson chi-square (SPSS "Pearson Chi-Square"), Yates' continuity correction
and Fisher's exact test, chosen automatically by a stated expected-count rule.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import (
    DataError,
    ModelError,
    ParameterError,
    SmallCellWarning,
    check_option,
)
from sarcostat.stats._data import check_confidence, complete_cases, numeric_values, require_columns
from sarcostat.stats._data import levels as _levels
from sarcostat.stats.result import StatResult

__all__ = [
    "CrosstabResult",
    "chi2_from_counts",
    "crosstab_test",
    "fisher_exact_2x2",
    "levene_test",
    "mannwhitney_groups",
    "table1",
    "ttest_from_summary",
    "ttest_groups",
]

_ALTERNATIVES = ("two-sided", "less", "greater")
_SIDED = ("two-sided", "less", "greater", "observed")
#: Old name of "observed" (it was documented as the smaller tail, which is
#: not SPSS's definition on every table); still accepted.
_OLD_OBSERVED = "one-sided-smaller"
#: Largest number of tables enumerated by the exact r x 2 Fisher test.
_MAX_FISHER_TABLES = 2_000_000


def _two_groups(
    data: pd.DataFrame,
    outcome: str,
    group: str,
    levels: Sequence[Any] | None,
    *,
    function: str,
    min_size: int = 2,
) -> tuple[np.ndarray, np.ndarray, list[Any], int]:
    """Complete cases over outcome and group, split into exactly two groups."""
    for name, param in ((outcome, "outcome"), (group, "group")):
        if not isinstance(name, str):
            raise ParameterError(
                f"The {param!r} parameter of {function} must be a column "
                f"name. Got {name!r} instead."
            )
    sample, n_excl = complete_cases(data, [outcome, group], function=function)
    if not pd.api.types.is_numeric_dtype(sample[outcome]) or pd.api.types.is_bool_dtype(
        sample[outcome]
    ):
        raise DataError(f"{function}: {outcome!r} must be numeric (found {sample[outcome].dtype}).")
    values = numeric_values(
        sample[outcome],
        role="variable",
        function=function,
        ids=data["id"] if "id" in data.columns else None,
    )
    if levels is None:
        found = _levels(sample[group])
        if len(found) != 2:
            raise DataError(
                f"{function}: {group!r} has {len(found)} level(s) in the analysis sample "
                f"({', '.join(map(repr, found[:10]))}); a two-group comparison needs exactly "
                f"2. Pass levels=(a, b) to pick two."
            )
        levels = found
    else:
        if not isinstance(levels, Sequence) or isinstance(levels, str) or len(levels) != 2:
            raise ParameterError(
                f"The 'levels' parameter of {function} must be a pair of "
                f"group values. Got {levels!r} instead."
            )
    groups = sample[group]
    numeric = pd.api.types.is_numeric_dtype(groups) and not pd.api.types.is_bool_dtype(groups)
    codes = groups.to_numpy(dtype=float) if numeric else None
    xs = []
    for lv in levels:
        # A number-coded group (the usual 0/1) is compared in NumPy: at 10**6
        # rows pandas' hashed isin and boolean .loc cost ~20 ms per call.
        if codes is not None and isinstance(lv, (int, float, np.integer, np.floating)):
            x = values[codes == lv]
        else:
            x = values[(groups == lv).to_numpy(dtype=bool)]
        if len(x) < min_size:
            raise ModelError(
                f"{function}: group {group}={lv!r} has {len(x)} participant(s) with a value of "
                f"{outcome!r}; at least {min_size} are needed."
            )
        xs.append(x)
    return xs[0], xs[1], list(levels), n_excl


def _welch_df(v1: float, n1: float, v2: float, n2: float) -> float:
    a, b = v1 / n1, v2 / n2
    return (a + b) ** 2 / (a * a / (n1 - 1) + b * b / (n2 - 1))


def _t_parts(
    m1: float,
    v1: float,
    n1: float,
    m2: float,
    v2: float,
    n2: float,
    equal_var: bool,
    confidence: float,
    alternative: str = "two-sided",
) -> tuple[float, ...]:
    """t, df, p, se and CI of m1 - m2 (shared by the raw and summary tests).

    One-sided alternatives give R's one-sided interval (an infinite bound)."""
    from scipy import stats

    if equal_var:
        df = n1 + n2 - 2.0
        sp2 = ((n1 - 1) * v1 + (n2 - 1) * v2) / df
        se = math.sqrt(sp2 * (1 / n1 + 1 / n2))
    else:
        df = _welch_df(v1, n1, v2, n2)
        se = math.sqrt(v1 / n1 + v2 / n2)
    diff = m1 - m2
    t = diff / se
    if alternative == "less":
        q = stats.t.ppf(confidence, df)
        return t, df, stats.t.cdf(t, df), diff, se, -math.inf, diff + q * se
    if alternative == "greater":
        q = stats.t.ppf(confidence, df)
        return t, df, stats.t.sf(t, df), diff, se, diff - q * se, math.inf
    p = 2 * stats.t.sf(abs(t), df)
    q = stats.t.ppf(0.5 + confidence / 2, df)
    return t, df, p, diff, se, diff - q * se, diff + q * se


def levene_test(
    data: pd.DataFrame, *, outcome: str, group: str, levels: Sequence[Any] | None = None
) -> StatResult:
    """Levene's test of equal variances, centred on the group means (SPSS).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Numeric variable.
    group : str
        Grouping column with exactly two levels in the analysis sample
        (or pick two with ``levels``).
    levels : pair, optional
        The two group values to compare, in this order.

    Returns
    -------
    StatResult
        One-row ``table``: ``variable, statistic`` (F)``, df1, df2, p_value, n``.

    Raises
    ------
    SchemaError, DataError, ModelError
        Missing column, not two groups, or a group with fewer than 2 values.

    See Also
    --------
    ttest_groups : uses this test to choose the Student or Welch row.

    Notes
    -----
    One-way ANOVA of :math:`|x_{ij} - \\bar x_j|` (mean-centred, Levene 1960),
    which is what SPSS ``T-TEST`` prints as "Levene's Test for Equality of
    Variances". scipy ``levene(center="mean")``; R
    ``car::leveneTest(y ~ g, center = mean)``. Complete cases over outcome and
    group.

    References
    ----------
    Levene H. Robust tests for equality of variances. In: Olkin I, ed.
    Contributions to Probability and Statistics. Stanford University Press;
    1960:278-292. (No DOI.) See also Brown MB, Forsythe AB. Robust tests for
    the equality of variances. J Am Stat Assoc. 1974;69(346):364-367.
    doi:10.1080/01621459.1974.10482955

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"g": [0] * 5 + [1] * 5,
    ...                   "x": [1., 2, 3, 4, 5, 2, 4, 6, 8, 10]})
    >>> print(f"{levene_test(d, outcome='x', group='g').table['p_value'].iloc[0]:.4f}")
    0.1894
    """
    from scipy import stats

    fn = "levene_test"
    x1, x2, lv, n_excl = _two_groups(data, outcome, group, levels, function=fn)
    res = stats.levene(x1, x2, center="mean")
    n = len(x1) + len(x2)
    table = pd.DataFrame(
        [
            {
                "variable": outcome,
                "statistic": float(res.statistic),
                "df1": 1.0,
                "df2": float(n - 2),
                "p_value": float(res.pvalue),
                "n": n,
            }
        ]
    )
    return StatResult(
        table=table,
        notes=("Levene's test centred on the group means (SPSS T-TEST).",),
        meta={"method": "levene-mean", "levels": lv, "n_excluded": n_excl},
    )


def ttest_groups(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    method: str = "levene",
    levene_alpha: float = 0.05,
    alternative: str = "two-sided",
    confidence: float = 0.95,
    levels: Sequence[Any] | None = None,
) -> StatResult:
    """Independent two-sample t test (Student, Welch or the SPSS Levene rule).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Numeric variable compared.
    group : str
        Grouping column with exactly two levels in the analysis sample.
        Level order: pandas ``category`` order, else sorted; the difference is
        first minus second.
    method : {"levene", "student", "welch"}, default "levene"
        ``"levene"`` reads the row SPSS users read: Student ("Equal variances
        assumed") when Levene's p >= ``levene_alpha``, else Welch ("Equal
        variances not assumed").
    levene_alpha : float, default 0.05
        Threshold of the Levene rule.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"``: mean1 < mean2 (R ``t.test(alternative=)``, SciPy); a
        one-sided test has a one-sided interval with an infinite bound.
    confidence : float, default 0.95
        Level of the interval for the mean difference.
    levels : pair, optional
        The two group values to compare, in this order.

    Returns
    -------
    StatResult
        One-row ``table`` with columns ``variable, level1, level2, n1, n2,
        mean1, mean2, sd1, sd2`` (sample SD, n - 1), ``estimate`` (mean1 -
        mean2), ``se, statistic`` (t)``, df, p_value, ci_lower, ci_upper`` (of
        the difference, from the row used), ``levene_f, levene_p, p_student,
        p_welch, method_used`` ("student" / "welch")``, n``.

    Raises
    ------
    SchemaError, DataError, ModelError, ParameterError
        Missing column; not two groups or non-numeric outcome; a group with fewer
        than 2 values; an invalid option.

    See Also
    --------
    mannwhitney_groups, ttest_from_summary, levene_test, table1

    Notes
    -----
    .. math:: t = \\frac{\\bar x_1 - \\bar x_2}{SE}, \\quad
       SE_{Student} = s_p\\sqrt{1/n_1 + 1/n_2}, \\quad
       SE_{Welch} = \\sqrt{s_1^2/n_1 + s_2^2/n_2}

    with Welch-Satterthwaite df for Welch. Complete cases over outcome and group.
    R: ``t.test(x1, x2, var.equal = TRUE)`` / ``t.test(x1, x2)``;
    ``car::leveneTest(y ~ g, center = mean)``. SPSS: ``T-TEST GROUPS=g(0 1)
    /VARIABLES=y /CRITERIA=CI(.95).`` (both rows printed; the rule picks one).

    References
    ----------
    Welch BL. The generalization of 'Student's' problem when several different
    population variances are involved. Biometrika. 1947;34(1-2):28-35.
    doi:10.1093/biomet/34.1-2.28

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"sarc": [1] * 4 + [0] * 6,
    ...                   "grip": [20., 22, 19, 25, 30, 28, 33, 26, 31, 29]})
    >>> row = ttest_groups(d, outcome="grip", group="sarc").table.iloc[0]
    >>> print(row["method_used"], f"{row['estimate']:.3f} p={row['p_value']:.4f}")
    student 8.000 p=0.0011
    """
    from scipy import stats

    fn = "ttest_groups"
    check_option(method, ("levene", "student", "welch"), parameter="method", function=fn)
    check_option(alternative, _ALTERNATIVES, parameter="alternative", function=fn)
    confidence = check_confidence(confidence, fn)
    if (
        isinstance(levene_alpha, bool)
        or not isinstance(levene_alpha, (int, float))
        or not 0 < levene_alpha < 1
    ):
        raise ParameterError(
            f"The 'levene_alpha' parameter of {fn} must be a float in the "
            f"range (0, 1). Got {levene_alpha!r} instead."
        )
    x1, x2, lv, n_excl = _two_groups(data, outcome, group, levels, function=fn)
    n1, n2 = len(x1), len(x2)
    m1, m2 = float(x1.mean()), float(x2.mean())
    v1, v2 = float(x1.var(ddof=1)), float(x2.var(ddof=1))
    if v1 == 0 and v2 == 0:
        raise ModelError(
            f"{fn}: {outcome!r} is constant within both groups of {group!r}; "
            f"the t statistic is undefined."
        )
    lev = stats.levene(x1, x2, center="mean")
    lev_f, lev_p = float(lev.statistic), float(lev.pvalue)
    student = _t_parts(m1, v1, n1, m2, v2, n2, True, confidence, alternative)
    welch = _t_parts(m1, v1, n1, m2, v2, n2, False, confidence, alternative)
    if method == "levene":
        used = "welch" if (not math.isnan(lev_p) and lev_p < levene_alpha) else "student"
    else:
        used = method
    t, df, p, diff, se, lo, hi = student if used == "student" else welch
    table = pd.DataFrame(
        [
            {
                "variable": outcome,
                "level1": lv[0],
                "level2": lv[1],
                "n1": n1,
                "n2": n2,
                "mean1": m1,
                "mean2": m2,
                "sd1": math.sqrt(v1),
                "sd2": math.sqrt(v2),
                "estimate": diff,
                "se": se,
                "statistic": t,
                "df": df,
                "p_value": p,
                "ci_lower": lo,
                "ci_upper": hi,
                "levene_f": lev_f,
                "levene_p": lev_p,
                "p_student": student[2],
                "p_welch": welch[2],
                "method_used": used,
                "n": n1 + n2,
            }
        ]
    )
    label = {
        "student": "Student t test (equal variances assumed)",
        "welch": "Welch t test (equal variances not assumed)",
    }[used]
    why = (
        f"; chosen because Levene's p = {lev_p:.3g} "
        f"{'<' if used == 'welch' else '>='} {levene_alpha}"
        if method == "levene"
        else ""
    )
    notes = [
        label + why + ".",
        f"Difference = {group}={lv[0]!r} minus {group}={lv[1]!r}; n = {n1 + n2}"
        + (f" ({n_excl} excluded for missing values)." if n_excl else "."),
    ]
    if alternative != "two-sided":
        notes.append(
            f"One-sided test ({alternative}: mean1 {'<' if alternative == 'less' else '>'}"
            f" mean2) with a one-sided {confidence:g} interval."
        )
    return StatResult(
        table=table,
        notes=tuple(notes),
        meta={
            "method": used,
            "rule": method,
            "levene_alpha": levene_alpha,
            "levels": lv,
            "n_excluded": n_excl,
            "confidence": confidence,
            "alternative": alternative,
            "reference": "R t.test, car::leveneTest(center=mean); SPSS T-TEST",
        },
    )


def ttest_from_summary(
    mean1: float,
    sd1: float,
    n1: int,
    mean2: float,
    sd2: float,
    n2: int,
    *,
    equal_var: bool = False,
    alternative: str = "two-sided",
    confidence: float = 0.95,
) -> StatResult:
    """Two-sample t test from group means, SDs and sizes (checking published tables).

    Parameters
    ----------
    mean1, sd1, n1, mean2, sd2, n2 : float, float, int
        Summary statistics of the two groups (sample SDs).
    equal_var : bool, default False
        Student (pooled variance) when True, Welch when False.
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        ``"less"``: mean1 < mean2 (R ``t.test(alternative=)``, SciPy); a
        one-sided test has a one-sided interval with an infinite bound.
    confidence : float, default 0.95
        Level of the interval for mean1 - mean2.

    Returns
    -------
    StatResult
        One-row ``table``: ``estimate`` (mean1 - mean2)``, se, statistic, df, p_value, ci_lower,
        ci_upper, method_used, n``.

    Raises
    ------
    ParameterError
        Non-positive SD, n < 2, or non-finite input.

    See Also
    --------
    ttest_groups : the same test on raw data.

    Notes
    -----
    .. math:: t = \\frac{m_1 - m_2}{SE}, \\quad
       \\nu_{Welch} = \\frac{(s_1^2/n_1 + s_2^2/n_2)^2}
       {\\frac{(s_1^2/n_1)^2}{n_1 - 1} + \\frac{(s_2^2/n_2)^2}{n_2 - 1}}

    with the SE of `ttest_groups` (Student: pooled SD, n1 + n2 - 2
    df). Published means and SDs are
    rounded, so a recomputed p differs slightly from the printed one. R:
    ``tsum.test`` of BSDA, or by hand with ``pt``; SPSS has no dialog for it
    (``MATRIX`` syntax). scipy ``ttest_ind_from_stats`` gives the same t and p.

    References
    ----------
    Welch BL. Biometrika. 1947;34(1-2):28-35. doi:10.1093/biomet/34.1-2.28

    Examples
    --------
    Height in the seed study, sarcopenia (n = 20) vs none (n = 109):

    >>> r = ttest_from_summary(156.3, 5.3, 20, 160.8, 9.1, 109)
    >>> print(f"{r.table['p_value'].iloc[0]:.4f}")
    0.0038
    """
    fn = "ttest_from_summary"
    check_option(alternative, _ALTERNATIVES, parameter="alternative", function=fn)
    confidence = check_confidence(confidence, fn)
    values = {"mean1": mean1, "sd1": sd1, "n1": n1, "mean2": mean2, "sd2": sd2, "n2": n2}
    for k, v in values.items():
        if (
            isinstance(v, bool)
            or not isinstance(v, (int, float, np.integer, np.floating))
            or not math.isfinite(v)
        ):
            raise ParameterError(
                f"The {k!r} parameter of {fn} must be a finite number. Got {v!r} instead."
            )
    for k in ("sd1", "sd2"):
        if values[k] <= 0:
            raise ParameterError(
                f"The {k!r} parameter of {fn} must be > 0. Got {values[k]!r} instead."
            )
    for k in ("n1", "n2"):
        if values[k] < 2 or values[k] != int(values[k]):
            raise ParameterError(
                f"The {k!r} parameter of {fn} must be a whole number >= 2. "
                f"Got {values[k]!r} instead."
            )
    if not isinstance(equal_var, bool):
        raise ParameterError(
            f"The 'equal_var' parameter of {fn} must be True or False. Got {equal_var!r} instead."
        )
    t, df, p, diff, se, lo, hi = _t_parts(
        float(mean1),
        float(sd1) ** 2,
        n1,
        float(mean2),
        float(sd2) ** 2,
        n2,
        equal_var,
        confidence,
        alternative,
    )
    used = "student" if equal_var else "welch"
    table = pd.DataFrame(
        [
            {
                "estimate": diff,
                "se": se,
                "statistic": t,
                "df": df,
                "p_value": p,
                "ci_lower": lo,
                "ci_upper": hi,
                "method_used": used,
                "n": int(n1 + n2),
            }
        ]
    )
    return StatResult(
        table=table,
        notes=(
            f"{'Student' if equal_var else 'Welch'} t test from summary statistics (mean, SD, n).",
        ),
        meta={
            "method": used,
            "confidence": confidence,
            "alternative": alternative,
            "inputs": values,
        },
    )


#: Largest work (items x group size x support) of the exact rank-sum distribution.
_MAX_EXACT_WORK = 3e9


def _exact_rank_sum_p(ranks: np.ndarray, n1: int, alternative: str, function: str) -> float:
    """Exact conditional p of the rank sum of group 1 given the (mid-)ranks.

    Under the null every choice of n1 of the N observed ranks is equally
    likely, ties included: the distribution of the sum of mid-ranks is
    counted exactly (StatXact, SAS ``EXACT WILCOXON``, R
    ``coin::wilcox_test(distribution = "exact")``). Mid-ranks are halves at
    worst, so doubled ranks are integers and the count is a sum over an
    integer support. Two-sided: P(|W - E W| >= |w - E W|), as coin.
    """
    doubled = np.rint(2 * ranks).astype(np.int64)
    N = len(doubled)
    total = int(doubled.sum())
    k = min(n1, N - n1)
    if float(N) * k * total > _MAX_EXACT_WORK or N > 1000:
        raise ParameterError(
            f"{function}: the exact distribution of {N} observations is too large to count; "
            "use method='asymptotic' (normal approximation with ties correction)."
        )
    # ways[j, s]: number of ways to pick j of the ranks seen so far with
    # doubled sum s (float counts: C(1000, 500) < 1e300).
    ways = np.zeros((k + 1, total + 1))
    ways[0, 0] = 1.0
    for r in doubled:
        ways[1:, r:] += ways[:-1, : total + 1 - r].copy()
    dist = ways[k] / ways[k].sum()
    support = np.arange(total + 1)
    w_obs = int(doubled[:n1].sum())
    if k != n1:  # counted the other group: its sum is total - w
        w_obs = total - w_obs
        alternative = {"less": "greater", "greater": "less"}.get(alternative, alternative)
    if alternative == "less":
        return float(min(1.0, dist[: w_obs + 1].sum()))
    if alternative == "greater":
        return float(min(1.0, dist[w_obs:].sum()))
    centre2 = k * total / N  # E(W) in doubled units
    dev = np.abs(support - centre2)
    return float(min(1.0, dist[dev >= abs(w_obs - centre2) - 1e-9].sum()))


def _sorted_median(x: np.ndarray) -> float:
    """``np.median`` of sorted values (the middle one, or the mean of the two)."""
    n = len(x)
    if n % 2:
        return float(x[n // 2])
    return float(np.mean(x[n // 2 - 1 : n // 2 + 1]))


def _mannwhitney_sorted(
    x1: np.ndarray, x2: np.ndarray, alternative: str, continuity: bool
) -> tuple[float, float]:
    """U of group 1 and the asymptotic P of ``scipy.stats.mannwhitneyu`` (its
    formulas, ties-corrected normal approximation) from each group's values
    sorted, without scipy's stable argsort of the pooled sample: the pooled
    sorted sample is merged from the two (binary searches with sorted keys),
    its mid-ranks and tie counts taken as scipy's ``_rankdata`` takes them.
    The same numbers: the rank sum is a sum of half-integers (exact in any
    order) and the tie counts sit at the same places of the same array, so
    their sum of t^3 - t is scipy's."""
    from scipy import special

    n1, n2 = len(x1), len(x2)
    n = n1 + n2
    at1 = np.arange(n1) + np.searchsorted(x2, x1, side="left")  # x1's places in the merge
    at2 = np.arange(n2) + np.searchsorted(x1, x2, side="right")
    y = np.empty(n)
    y[at1] = x1
    y[at2] = x2
    first = np.empty(n, dtype=bool)  # the first of each distinct value
    first[:1] = True
    np.not_equal(y[:-1], y[1:], out=first[1:])
    starts = np.flatnonzero(first)
    counts = np.diff(starts, append=n)
    mid = (starts + 1).astype(float) + (counts.astype(float) - 1) / 2
    r1 = float(np.repeat(mid, counts)[at1].sum())
    u1 = r1 - n1 * (n1 + 1) / 2
    u2 = n1 * n2 - u1
    if alternative == "greater":
        u, f = u1, 1
    elif alternative == "less":
        u, f = u2, 1
    else:
        u, f = max(u1, u2), 2
    t = np.zeros(n)
    t[starts] = counts
    tie_term = np.sum(t**3 - t)
    sd = np.sqrt(n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1))))
    num = np.float64(u) - n1 * n2 / 2
    if continuity:
        num -= 0.5
    with np.errstate(divide="ignore", invalid="ignore"):
        z = num / sd
    p = float(np.clip(special.ndtr(-z) * f, 0.0, 1.0))
    return u1, p


def mannwhitney_groups(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    alternative: str = "two-sided",
    continuity: bool = False,
    method: str = "asymptotic",
    levels: Sequence[Any] | None = None,
) -> StatResult:
    """Mann-Whitney U (Wilcoxon rank-sum) test between two groups.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Numeric (or ordinal coded numerically) variable.
    group : str
        Grouping column with exactly two levels (or pick two with ``levels``).
    alternative : {"two-sided", "less", "greater"}, default "two-sided"
        Direction for group 1 vs group 2.
    continuity : bool, default False
        Continuity correction of the normal approximation. SPSS's "Asymp.
        Sig." has none (default); R's ``wilcox.test`` default has it.
    method : {"asymptotic", "exact"}, default "asymptotic"
        ``"asymptotic"``: normal approximation with ties correction, as
        SPSS's "Asymp. Sig." (default). ``"exact"``: the exact conditional
        distribution of the rank sum given the observed mid-ranks, so exact
        also under ties (StatXact, SAS ``EXACT WILCOXON``, R
        ``coin::wilcox_test(distribution = "exact")``; without ties the
        classical exact test). Counted in full; very large samples raise
        ParameterError.
    levels : pair, optional
        The two group values, in order.

    Returns
    -------
    StatResult
        One-row ``table``: ``variable, level1, level2, n1, n2, median1,
        median2, mean_rank1, mean_rank2, statistic`` (U of group 1 = R's
        W)``, z`` (normal deviate of the test, sign of U - n1·n2/2; NaN for
        exact)``, p_value, method_used, n``.

    Raises
    ------
    SchemaError, DataError, ModelError, ParameterError
        As `ttest_groups`.

    See Also
    --------
    ttest_groups

    Notes
    -----
    .. math:: z = \\frac{U - n_1 n_2 / 2}{\\sqrt{\\frac{n_1 n_2}{12}\\left(N + 1 -
       \\frac{\\sum (t^3 - t)}{N(N - 1)}\\right)}}

    (ties-corrected). ``method="exact"`` counts the distribution of the
    rank sum :math:`W = U + n_1(n_1+1)/2` over every split of the observed
    mid-ranks (exact conditional test). With the defaults this matches SPSS ``NPAR TESTS
    /M-W= y BY g(0 1)`` ("Asymp. Sig. (2-tailed)") and R ``wilcox.test(x1,
    x2, exact = FALSE, correct = FALSE)``; ``continuity=True`` matches R's
    ``correct = TRUE``; ``method="exact"`` matches R
    ``coin::wilcox_test(y ~ g, distribution = "exact")`` (tested under ties,
    tests/stats/r/ref_core_edge.R). scipy ``mannwhitneyu``'s formulas (the
    same numbers, from each group sorted once) give U and the
    normal approximation.

    References
    ----------
    Mann HB, Whitney DR. On a test of whether one of two random variables is
    stochastically larger than the other. Ann Math Stat. 1947;18(1):50-60.
    doi:10.1214/aoms/1177730491

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"g": [0] * 5 + [1] * 5, "x": [1., 2, 3, 4, 5, 4, 6, 7, 8, 9]})
    >>> row = mannwhitney_groups(d, outcome="x", group="g").table.iloc[0]
    >>> print(row["statistic"], f"{row['p_value']:.4f}")
    1.5 0.0212
    """
    from scipy import stats

    fn = "mannwhitney_groups"
    check_option(alternative, _ALTERNATIVES, parameter="alternative", function=fn)
    check_option(method, ("asymptotic", "exact"), parameter="method", function=fn)
    if not isinstance(continuity, bool):
        raise ParameterError(
            f"The 'continuity' parameter of {fn} must be True or False. Got {continuity!r} instead."
        )
    x1, x2, lv, n_excl = _two_groups(data, outcome, group, levels, function=fn, min_size=1)
    if np.ptp(np.r_[x1, x2]) == 0:
        raise ModelError(
            f"{fn}: {outcome!r} has the same value ({float(x1[0])!r}) for every "
            f"participant in both groups of {group!r}; the rank test is "
            f"undefined."
        )
    x1, x2 = np.sort(np.asarray(x1, dtype=float)), np.sort(np.asarray(x2, dtype=float))
    u, p_asym = _mannwhitney_sorted(x1, x2, alternative, continuity)
    n1, n2 = len(x1), len(x2)
    # The mean ranks from U (scipy ranked once already): R1 = U + n1(n1+1)/2,
    # and the ranks sum to N(N+1)/2. Sums of half-integers: exact in doubles.
    n = n1 + n2
    r1 = u + n1 * (n1 + 1) / 2
    mean_ranks = (r1 / n1, (n * (n + 1) / 2 - r1) / n2)
    p_value = p_asym
    ties = False
    if method == "exact":
        ranks = stats.rankdata(np.r_[x1, x2])
        ties = len(np.unique(ranks)) < len(ranks)
        p_value = _exact_rank_sum_p(ranks, n1, alternative, fn)
    if method == "asymptotic":
        p_two = p_asym
        if alternative != "two-sided":
            p_two = _mannwhitney_sorted(x1, x2, "two-sided", continuity)[1]
        z = math.copysign(float(stats.norm.isf(p_two / 2)), u - n1 * n2 / 2)
    else:
        z = math.nan
    table = pd.DataFrame(
        [
            {
                "variable": outcome,
                "level1": lv[0],
                "level2": lv[1],
                "n1": n1,
                "n2": n2,
                "median1": _sorted_median(x1),
                "median2": _sorted_median(x2),
                "mean_rank1": float(mean_ranks[0]),
                "mean_rank2": float(mean_ranks[1]),
                "statistic": u,
                "z": z,
                "p_value": p_value,
                "method_used": "mannwhitney",
                "n": n1 + n2,
            }
        ]
    )
    how = (
        "normal approximation with ties correction"
        + (" and continuity correction" if continuity else ", no continuity correction")
        if method == "asymptotic"
        else "exact conditional distribution of the mid-rank sum"
        + (", ties included" if ties else "")
    )
    return StatResult(
        table=table,
        notes=(f"Mann-Whitney U test ({how}).",),
        meta={
            "method": "mannwhitney",
            "approximation": method,
            "continuity": continuity,
            "alternative": alternative,
            "levels": lv,
            "n_excluded": n_excl,
        },
    )


# --- categorical ----------------------------------------------------------------------


def _count_matrix(table: Any) -> np.ndarray:
    arr = np.asarray(table.to_numpy() if isinstance(table, pd.DataFrame) else table, dtype=float)
    if arr.ndim != 2 or min(arr.shape) < 2:
        raise ParameterError(
            f"A contingency table needs at least 2 rows and 2 columns. "
            f"Got shape {arr.shape} instead."
        )
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr != np.round(arr)):
        raise DataError("A contingency table must hold non-negative whole counts.")
    if np.any(arr.sum(axis=0) == 0) or np.any(arr.sum(axis=1) == 0):
        raise ModelError("A contingency table has an empty row or column; drop that level.")
    return arr


def chi2_from_counts(table: Any, *, correction: bool = False) -> StatResult:
    """Pearson chi-square test of independence on a table of counts.

    Parameters
    ----------
    table : array-like or DataFrame of int
        Counts (rows = categories, columns = groups).
    correction : bool, default False
        Yates' continuity correction (2 x 2 only; SPSS "Continuity
        Correction"). The default is SPSS "Pearson Chi-Square".

    Returns
    -------
    StatResult
        One-row ``table``: ``test`` ("pearson" / "yates")``, statistic, df,
        p_value, min_expected, n``.

    Raises
    ------
    DataError, ModelError, ParameterError
        Negative/non-integer counts, an empty row or column, a bad shape.

    See Also
    --------
    crosstab_test, fisher_exact_2x2

    Notes
    -----
    :math:`X^2 = \\sum (O - E)^2 / E`, Yates: :math:`\\sum (|O - E| -
    \\min(0.5, |O - E|))^2 / E`, as R ``chisq.test(tab, correct = FALSE /
    TRUE)``. SPSS: ``CROSSTABS /TABLES=row BY g /STATISTICS=CHISQ.``
    Computed with scipy ``chi2_contingency``.

    References
    ----------
    Yates F. Contingency tables involving small numbers and the chi-squared
    test. Suppl J R Stat Soc. 1934;1(2):217-235. doi:10.2307/2983604

    Examples
    --------
    >>> r = chi2_from_counts([[8, 56], [12, 53]])
    >>> print(f"{r.table['p_value'].iloc[0]:.3f}")
    0.350
    """
    from scipy import stats

    fn = "chi2_from_counts"
    if not isinstance(correction, bool):
        raise ParameterError(
            f"The 'correction' parameter of {fn} must be True or False. Got {correction!r} instead."
        )
    arr = _count_matrix(table)
    if correction and arr.shape != (2, 2):
        raise ParameterError(
            f"{fn}: Yates' correction applies to 2 x 2 tables only "
            f"(got {arr.shape[0]} x {arr.shape[1]})."
        )
    res = stats.chi2_contingency(arr, correction=correction)
    out = pd.DataFrame(
        [
            {
                "test": "yates" if correction else "pearson",
                "statistic": float(res.statistic),
                "df": float(res.dof),
                "p_value": float(res.pvalue),
                "min_expected": float(res.expected_freq.min()),
                "n": int(arr.sum()),
            }
        ]
    )
    return StatResult(
        table=out,
        notes=(("Yates-corrected" if correction else "Pearson") + " chi-square test.",),
        meta={"method": out["test"].iloc[0]},
    )


def _fisher_rx2(arr: np.ndarray) -> float:
    """Exact two-sided Fisher p for an r x 2 table (R ``fisher.test``).

    Hand-written because scipy's r x c Fisher test is a resampling
    approximation. Enumerates every table with the observed margins
    (multivariate hypergeometric) and sums those no more probable than the
    observed, with R's relative tolerance 1e-7.
    """
    from scipy.special import gammaln

    rows = arr.sum(axis=1).astype(int)
    c1 = int(arr[:, 0].sum())
    n = int(arr.sum())
    n_tables = np.prod(rows[:-1] + 1.0)
    if n_tables > _MAX_FISHER_TABLES:
        raise ModelError(
            f"exact Fisher test: {n_tables:.0f} tables to enumerate "
            f"(limit {_MAX_FISHER_TABLES}); use the chi-square test."
        )
    # Log-probability of each first-column vector, built row by row.
    grids = np.meshgrid(*[np.arange(r + 1) for r in rows[:-1]], indexing="ij")
    firsts = [g.ravel() for g in grids]
    last = c1 - np.sum(firsts, axis=0)
    ok = (last >= 0) & (last <= rows[-1])
    cols = [f[ok] for f in firsts] + [last[ok]]

    def lchoose(a: Any, b: Any) -> Any:
        return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

    logp = sum(lchoose(rows[i], cols[i]) for i in range(len(rows))) - lchoose(n, c1)
    obs = sum(lchoose(rows[i], arr[i, 0]) for i in range(len(rows))) - lchoose(n, c1)
    keep = logp <= obs + math.log1p(1e-7)
    return float(min(1.0, np.exp(logp[keep]).sum()))


def _spss_one_sided(a: int, b: int, c: int, d: int) -> float:
    """SPSS's "Exact Sig. (1-sided)" of Fisher's test on [[a, b], [c, d]].

    The tail in the direction of the observed table (SPSS Statistical
    Algorithms, CROSSTABS, Fisher's exact test; the same steps as PSPP's
    crosstabs): the table is turned (rows and/or columns swapped, which
    leaves the hypergeometric law of the table unchanged) until its first
    cell is the one below its expected count (a·d <= b·c), then P sums the
    tables whose first cell is that small or smaller. That is R's
    ``alternative = "less"`` when a·d < b·c and ``"greater"`` when
    a·d > b·c; it can exceed 0.5, unlike the smaller of the two tails. On a
    table exactly at independence (a·d = b·c), the steps pick the tail
    through the smallest cell.
    """
    from scipy import stats

    if min(c, d) < min(a, b):
        a, b, c, d = c, d, a, b
    if min(b, d) < min(a, c):
        a, b, c, d = b, a, d, c
    if b * c < a * d:
        if b < c:
            a, b, c, d = b, a, d, c
        else:
            a, b, c, d = c, d, a, b
    n = a + b + c + d
    return float(stats.hypergeom.cdf(a, n, a + c, a + b))


def _fisher_alternative(alternative: str, parameter: str, function: str) -> str:
    if alternative == _OLD_OBSERVED:
        return "observed"
    check_option(alternative, _SIDED, parameter=parameter, function=function)
    return alternative


def fisher_exact_2x2(table: Any, *, alternative: str = "two-sided") -> StatResult:
    """Fisher's exact test on a 2 x 2 table of counts (r x 2 for two-sided).

    Parameters
    ----------
    table : array-like or DataFrame of int
        Counts; for 2 x 2 the odds ratio is ``(t[0,0] t[1,1]) / (t[0,1]
        t[1,0])``.
    alternative : {"two-sided", "less", "greater", "observed"}, default "two-sided"
        ``"less"`` / ``"greater"``: odds ratio below / above 1 (R
        ``fisher.test(alternative=)``). ``"observed"``: the one-sided tail in
        the direction of the observed table, which is what SPSS prints as
        "Exact Sig. (1-sided)" (``"less"`` when a·d < b·c, ``"greater"``
        when a·d > b·c; it can exceed 0.5). The old name
        ``"one-sided-smaller"`` is still accepted for ``"observed"``. Tables
        with more than 2 rows (and 2 columns) accept only ``"two-sided"``.

    Returns
    -------
    StatResult
        One-row ``table``: ``test`` ("fisher")``, sided, odds_ratio``
        (sample OR, NaN unless 2 x 2)``, p_value, n``.

    Raises
    ------
    DataError, ModelError, ParameterError
        Bad counts or shape; an r x 2 table too large to enumerate.

    See Also
    --------
    crosstab_test, chi2_from_counts

    Notes
    -----
    .. math:: P(a) = \\binom{r_1}{a}\\binom{r_2}{c_1 - a} \\Big/ \\binom{n}{c_1}

    (hypergeometric probability of the table with ``a`` in the first cell,
    given both margins). Two-sided p sums the
    tables no more probable than the observed (R's definition, relative
    tolerance 1e-7). 2 x 2 via scipy ``fisher_exact``; r x 2 by exact
    enumeration. R: ``fisher.test(tab, alternative = "two.sided" / "less" /
    "greater")``. SPSS: ``CROSSTABS /TABLES=row BY g /STATISTICS=CHISQ``
    ("Fisher's Exact Test", 2 x 2; /METHOD=EXACT for larger tables).

    References
    ----------
    Fisher RA. On the interpretation of chi-square from contingency tables,
    and the calculation of P. J R Stat Soc. 1922;85(1):87-94.
    doi:10.2307/2340521

    Examples
    --------
    Sex by sarcopenia in the seed study (rows men, women):

    >>> t = [[8, 56], [12, 53]]
    >>> print(f"{fisher_exact_2x2(t, alternative='observed').table['p_value'].iloc[0]:.3f}")
    0.245
    """
    from scipy import stats

    fn = "fisher_exact_2x2"
    alternative = _fisher_alternative(alternative, "alternative", fn)
    arr = _count_matrix(table)
    if arr.shape[1] != 2 and arr.shape[0] == 2:
        arr = arr.T
    if arr.shape[1] != 2:
        raise ParameterError(
            f"{fn}: needs a table with 2 columns or 2 rows (got {arr.shape[0]} x {arr.shape[1]})."
        )
    if arr.shape == (2, 2):
        ints = arr.astype(int)
        if alternative == "observed":
            p = _spss_one_sided(*(int(v) for v in ints.ravel()))
        else:
            p = stats.fisher_exact(ints, alternative=alternative).pvalue
        a, b, c, d = ints.ravel()
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = float(np.float64(a * d) / np.float64(b * c))
    else:
        if alternative != "two-sided":
            raise ParameterError(
                f"{fn}: one-sided tests need a 2 x 2 table (got {arr.shape[0]} x 2)."
            )
        p = _fisher_rx2(arr)
        odds = math.nan
    out = pd.DataFrame(
        [
            {
                "test": "fisher",
                "sided": alternative,
                "odds_ratio": odds,
                "p_value": float(p),
                "n": int(arr.sum()),
            }
        ]
    )
    return StatResult(
        table=out,
        notes=(f"Fisher's exact test ({alternative}).",),
        meta={"method": "fisher", "alternative": alternative},
    )


@dataclass(frozen=True, eq=False)
class CrosstabResult(StatResult):
    """Result of `crosstab_test`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per test computed: ``test`` ("pearson", "yates" (2 x 2),
        "fisher" (tables with 2 columns))``, statistic, df, sided, p_value,
        used`` (True for the test reported).
    counts : pandas.DataFrame
        Crosstab: rows = levels of the row variable, columns = groups.
    percent : pandas.DataFrame
        Column percentages (within each group), as Table 1 prints them.
    expected : pandas.DataFrame
        Expected counts under independence.
    test_used : str
        The reported test.
    statistic, df, p_value : float
        The reported test's values (statistic and df NaN for Fisher).
    min_expected : float
        Smallest expected count.
    n, n_excluded : int
        Participants counted and rows dropped for a missing value.
    """

    counts: pd.DataFrame = field(default_factory=pd.DataFrame)
    percent: pd.DataFrame = field(default_factory=pd.DataFrame)
    expected: pd.DataFrame = field(default_factory=pd.DataFrame)
    test_used: str = ""
    statistic: float = math.nan
    df: float = math.nan
    p_value: float = math.nan
    min_expected: float = math.nan
    n: int = 0
    n_excluded: int = 0


def crosstab_test(
    data: pd.DataFrame,
    *,
    row: str,
    group: str,
    test: str = "auto",
    alternative: str = "two-sided",
    min_expected: float = 5,
    sided: str | None = None,
) -> CrosstabResult:
    """Counts, column percentages and an independence test for a categorical variable.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    row : str
        Categorical variable (e.g. ``"sex"`` or a 0/1 flag).
    group : str
        Grouping column (the table's columns).
    test : {"auto", "pearson", "yates", "fisher"}, default "auto"
        ``"auto"``: Fisher's exact test when any expected count is below
        ``min_expected`` (the usual rule, stated in the notes), else Pearson
        chi-square without continuity correction (SPSS "Pearson
        Chi-Square"). Fisher needs 2 rows or 2 columns; a larger table whose
        expected counts are small keeps Pearson with a note.
    alternative : {"two-sided", "less", "greater", "observed"}, default "two-sided"
        Direction of Fisher's test (2 x 2); see `fisher_exact_2x2`.
        The seed study's sex p (0.245) is the SPSS one-sided value,
        ``"observed"``.
    min_expected : float, default 5
        Threshold of the automatic rule.
    sided : str, optional
        Deprecated name of ``alternative``.

    Returns
    -------
    CrosstabResult
        ``table`` lists every applicable test with ``used`` marking the
        reported one; ``counts``, ``percent``, ``expected`` hold the crosstab;
        fields ``test_used, statistic, df, p_value, min_expected, n,
        n_excluded``.

    Raises
    ------
    SchemaError, ModelError, ParameterError
        Missing column; a single row level or group; an invalid option.

    Warns
    -----
    SmallCellWarning
        ``test="auto"`` found expected counts below ``min_expected`` in a
        table without an exact test (more than 2 rows and columns, or too
        large to enumerate); Pearson is reported.

    See Also
    --------
    chi2_from_counts, fisher_exact_2x2, table1

    Notes
    -----
    .. math:: X^2 = \\sum_{ij} \\frac{(O_{ij} - E_{ij})^2}{E_{ij}}, \\quad
       E_{ij} = \\frac{r_i c_j}{n}, \\quad \\%_{ij} = 100\\, O_{ij} / c_j

    on (rows - 1)(columns - 1) df; the automatic rule looks at
    :math:`\\min E_{ij}`. Complete cases over row and group. Levels in ``category`` order, else
    sorted. R: ``chisq.test(table(x, g), correct = FALSE)``,
    ``fisher.test(table(x, g), alternative = ...)``. SPSS: ``CROSSTABS
    /TABLES=x BY g /STATISTICS=CHISQ /CELLS=COUNT COLUMN EXPECTED.``

    References
    ----------
    Cochran WG. Some methods for strengthening the common chi-square tests.
    Biometrics. 1954;10(4):417-451. doi:10.2307/3001616

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"sex": ["m"] * 8 + ["f"] * 12 + ["m"] * 56 + ["f"] * 53,
    ...                   "sarc": [1] * 20 + [0] * 109})
    >>> r = crosstab_test(d, row="sex", group="sarc", alternative="observed", test="fisher")
    >>> print(r.test_used, f"{r.p_value:.3f}")
    fisher 0.245
    """
    from scipy import stats

    fn = "crosstab_test"
    check_option(test, ("auto", "pearson", "yates", "fisher"), parameter="test", function=fn)
    if sided is not None:  # the old name, still accepted
        sided = _fisher_alternative(sided, "sided", fn)
    else:
        sided = _fisher_alternative(alternative, "alternative", fn)
    if (
        isinstance(min_expected, bool)
        or not isinstance(min_expected, (int, float))
        or min_expected < 0
    ):
        raise ParameterError(
            f"The 'min_expected' parameter of {fn} must be a number >= 0. "
            f"Got {min_expected!r} instead."
        )
    for name, param in ((row, "row"), (group, "group")):
        if not isinstance(name, str):
            raise ParameterError(
                f"The {param!r} parameter of {fn} must be a column name. Got {name!r} instead."
            )
    sample, n_excl = complete_cases(data, [row, group], function=fn)
    rlev, glev = _levels(sample[row]), _levels(sample[group])
    for col, lev in ((row, rlev), (group, glev)):
        if len(lev) < 2:
            raise ModelError(
                f"{fn}: {col!r} has {len(lev)} level(s) in the analysis sample "
                f"(n={len(sample):,}); a crosstab test needs at least 2."
            )
    counts = pd.crosstab(sample[row], sample[group]).reindex(index=rlev, columns=glev, fill_value=0)
    arr = counts.to_numpy(dtype=float)
    pct = counts / counts.sum(axis=0) * 100
    pear = stats.chi2_contingency(arr, correction=False)
    expected = pd.DataFrame(pear.expected_freq, index=counts.index, columns=counts.columns)
    min_exp = float(pear.expected_freq.min())
    is2x2 = arr.shape == (2, 2)
    fisher_ok = 2 in arr.shape
    rows = [
        {
            "test": "pearson",
            "statistic": float(pear.statistic),
            "df": float(pear.dof),
            "sided": "two-sided",
            "p_value": float(pear.pvalue),
        }
    ]
    if is2x2:
        yat = stats.chi2_contingency(arr, correction=True)
        rows.append(
            {
                "test": "yates",
                "statistic": float(yat.statistic),
                "df": float(yat.dof),
                "sided": "two-sided",
                "p_value": float(yat.pvalue),
            }
        )
    notes = []
    fisher_err = None
    if fisher_ok:
        fsided = sided if is2x2 else "two-sided"
        try:
            fp = fisher_exact_2x2(arr, alternative=fsided).table["p_value"].iloc[0]
            rows.append(
                {
                    "test": "fisher",
                    "statistic": math.nan,
                    "df": math.nan,
                    "sided": fsided,
                    "p_value": float(fp),
                }
            )
        except ModelError as exc:
            fisher_err = str(exc)
    if test == "yates" and not is2x2:
        raise ParameterError(
            f"{fn}: Yates' correction applies to 2 x 2 tables only "
            f"({row!r} x {group!r} is {arr.shape[0]} x {arr.shape[1]})."
        )
    if test == "fisher" and not any(r["test"] == "fisher" for r in rows):
        raise ModelError(
            f"{fn}: Fisher's exact test is not available for this "
            f"{arr.shape[0]} x {arr.shape[1]} table"
            + (f" ({fisher_err})." if fisher_err else " (needs 2 rows or 2 columns).")
        )
    if test == "auto":
        small = min_exp < min_expected
        have_fisher = any(r["test"] == "fisher" for r in rows)
        used = "fisher" if small and have_fisher else "pearson"
        rule = (
            f"Rule: Fisher's exact test when any expected count < {min_expected:g}, "
            f"else Pearson chi-square (smallest expected count {min_exp:.3g})."
        )
        notes.append(rule)
        if small and not have_fisher:
            msg = (
                f"{fn}: expected counts below {min_expected:g} in {row!r} by {group!r} but "
                f"Fisher's exact test is not available for this "
                f"{arr.shape[0]} x {arr.shape[1]} table; Pearson chi-square reported."
            )
            warnings.warn(msg, SmallCellWarning, stacklevel=2)
            notes.append(msg.split(": ", 1)[1])
    else:
        used = test
    n_small = int((pear.expected_freq < 5).sum())
    if n_small and used != "fisher":
        # The footnote SPSS prints under "Chi-Square Tests".
        notes.append(
            f"{n_small} cell(s) ({n_small / arr.size:.1%}) have expected count less "
            f"than 5. The minimum expected count is {min_exp:.2f}."
        )
    if sided != "two-sided" and used != "fisher":
        notes.append(
            f"alternative={sided!r} applies to Fisher's exact test only; the {used} test is "
            "two-sided."
        )
    for r in rows:
        r["used"] = r["test"] == used
    out = pd.DataFrame(rows, columns=["test", "statistic", "df", "sided", "p_value", "used"])
    chosen = out.loc[out["used"]].iloc[0]
    label = {
        "pearson": "Pearson chi-square (no continuity correction)",
        "yates": "Chi-square with Yates' continuity correction",
        "fisher": f"Fisher's exact test ({chosen['sided']})",
    }[used]
    notes.insert(
        0,
        f"{label}; {row!r} by {group!r}, n = {int(arr.sum())}"
        + (f" ({n_excl} excluded for missing values)." if n_excl else "."),
    )
    return CrosstabResult(
        table=out,
        notes=tuple(notes),
        meta={
            "method": used,
            "rule": test,
            "min_expected_rule": min_expected,
            "sided": sided,
            "row_levels": rlev,
            "group_levels": glev,
            "n_excluded": n_excl,
            "reference": "R chisq.test / fisher.test; SPSS CROSSTABS",
        },
        counts=counts,
        percent=pct,
        expected=expected,
        test_used=used,
        statistic=float(chosen["statistic"]),
        df=float(chosen["df"]),
        p_value=float(chosen["p_value"]),
        min_expected=min_exp,
        n=int(arr.sum()),
        n_excluded=n_excl,
    )


_T1_COLUMNS = [
    "variable",
    "kind",
    "level",
    "group1",
    "group2",
    "n1",
    "n2",
    "mean1",
    "sd1",
    "mean2",
    "sd2",
    "count1",
    "pct1",
    "count2",
    "pct2",
    "statistic",
    "df",
    "p_value",
    "test",
    "levene_f",
    "levene_p",
    "n",
]


def _per_variable(option: Any, variable: str, default: str) -> Any:
    if isinstance(option, Mapping):
        return option.get(variable, default)
    return option


def _table1_continuous(
    data: pd.DataFrame, var: str, group: str, levels: list, how: str, levene_alpha: float
) -> tuple[dict, str]:
    """Table 1 row of a continuous variable (mean, SD, test) and its note."""
    tt = ttest_groups(
        data,
        outcome=var,
        group=group,
        levels=levels,
        method="levene" if how == "mannwhitney" else how,
        levene_alpha=levene_alpha,
    ).table.iloc[0]
    row = {
        "variable": var,
        "kind": "continuous",
        "level": None,
        "group1": levels[0],
        "group2": levels[1],
        "n1": tt["n1"],
        "n2": tt["n2"],
        "mean1": tt["mean1"],
        "sd1": tt["sd1"],
        "mean2": tt["mean2"],
        "sd2": tt["sd2"],
        "n": tt["n"],
    }
    if how == "mannwhitney":
        mw = mannwhitney_groups(data, outcome=var, group=group, levels=levels).table.iloc[0]
        row.update(
            statistic=mw["statistic"], df=math.nan, p_value=mw["p_value"], test="mannwhitney"
        )
        return row, (
            f"{var}: Mann-Whitney U test (normal approximation with ties "
            f"correction, no continuity correction; SPSS Asymp. Sig.)."
        )
    row.update(
        statistic=tt["statistic"],
        df=tt["df"],
        p_value=tt["p_value"],
        test=tt["method_used"],
        levene_f=tt["levene_f"],
        levene_p=tt["levene_p"],
    )
    note = f"{var}: {tt['method_used']} t test" + (
        f" (Levene p = {tt['levene_p']:.3g})." if how == "levene" else "."
    )
    return row, note


def _table1_categorical(
    data: pd.DataFrame,
    var: str,
    group: str,
    levels: list,
    how: str,
    alternative: str,
    min_expected: float,
) -> tuple[list[dict], str]:
    """Table 1 rows of a categorical variable (count and column % per level,
    the variable's test on each row) and its note."""
    sub = data.loc[data[group].isin(levels)]
    if isinstance(sub[group].dtype, pd.CategoricalDtype):
        sub = sub.assign(**{group: sub[group].cat.remove_unused_categories()})
    ct = crosstab_test(
        sub, row=var, group=group, test=how, alternative=alternative, min_expected=min_expected
    )
    counts = ct.counts.reindex(columns=levels, fill_value=0)
    pct = ct.percent.reindex(columns=levels, fill_value=0.0)
    n1, n2 = (int(v) for v in counts.sum(axis=0))
    rows = [
        {
            "variable": var,
            "kind": "categorical",
            "level": lv,
            "group1": levels[0],
            "group2": levels[1],
            "n1": n1,
            "n2": n2,
            "count1": int(counts.loc[lv, levels[0]]),
            "pct1": float(pct.loc[lv, levels[0]]),
            "count2": int(counts.loc[lv, levels[1]]),
            "pct2": float(pct.loc[lv, levels[1]]),
            "statistic": ct.statistic,
            "df": ct.df,
            "p_value": ct.p_value,
            "test": ct.test_used,
            "n": ct.n,
        }
        for lv in counts.index
    ]
    return rows, f"{var}: {ct.notes[0]}" + (f" {ct.notes[1]}" if len(ct.notes) > 1 else "")


def table1(
    data: pd.DataFrame,
    *,
    group: str,
    continuous: Sequence[str] = (),
    categorical: Sequence[str] = (),
    continuous_test: str | Mapping[str, str] = "levene",
    categorical_test: str | Mapping[str, str] = "auto",
    alternative: str | Mapping[str, str] = "two-sided",
    min_expected: float = 5,
    levene_alpha: float = 0.05,
    levels: Sequence[Any] | None = None,
    fisher_sided: str | None = None,
) -> StatResult:
    """Descriptive two-group comparison table (Table 1), one row per variable/level.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    group : str
        Grouping column with two levels (or pick two with ``levels``).
    continuous : sequence of str
        Numeric variables: mean and SD per group and a t (or Mann-Whitney) test.
    categorical : sequence of str
        Categorical variables: n and column % per group, one row per level.
    continuous_test : {"levene", "student", "welch", "mannwhitney"} or mapping, default "levene"
        Test for continuous variables; a mapping variable -> test overrides
        per variable (others use "levene").
    categorical_test : {"auto", "pearson", "yates", "fisher"} or mapping, default "auto"
        Test for categorical variables (see `crosstab_test`); a mapping
        overrides per variable (others use "auto").
    alternative : {"two-sided", "less", "greater", "observed"} or mapping, default "two-sided"
        Direction of Fisher's exact tests (see `fisher_exact_2x2`;
        ``"observed"`` is SPSS's "Exact Sig. (1-sided)"); a mapping sets it
        per categorical variable. t tests and Mann-Whitney tests in Table 1
        are two-sided.
    min_expected : float, default 5
        Expected-count threshold of the automatic Fisher rule.
    levene_alpha : float, default 0.05
        Threshold of the Levene rule.
    fisher_sided : str, optional
        Deprecated name of ``alternative``.
    levels : pair, optional
        The two group values, in column order.

    Returns
    -------
    StatResult
        ``table`` columns: ``variable, kind`` ("continuous"/"categorical")``,
        level`` (missing for continuous)``, group1, group2`` (group labels)``,
        n1, n2`` (non-missing per group)``, mean1, sd1, mean2, sd2``
        (continuous)``, count1, pct1, count2, pct2`` (categorical, column %)
        ``, statistic, df, p_value, test`` (test used: student, welch,
        mannwhitney, pearson, yates, fisher)``, levene_f, levene_p`` (Levene's
        test centred on the mean, printed by SPSS beside every t test; it
        picks the row under the "levene" rule; NaN for other tests)``, n``
        (used for that variable).
        Numbers only; the report layer formats "mean ± SD" and "n (%)".

    Raises
    ------
    SchemaError, DataError, ModelError, ParameterError
        As the underlying tests.

    See Also
    --------
    ttest_groups, mannwhitney_groups, crosstab_test

    Notes
    -----
    Column percentages :math:`100\\, n_{ij} / n_{\\cdot j}` (within each
    group); tests and their formulas as in the underlying functions.
    Each variable uses its own complete cases (variable and group), so n may
    differ between rows. The per-variable notes (which test and why) are
    collected in ``notes``. R / SPSS equivalents as in the underlying
    functions (SPSS: ``T-TEST`` and ``CROSSTABS`` per variable).

    References
    ----------
    Hayes-Larson E, Kezios KL, Mooney SJ, Lovasi G. Who is in this study,
    anyway? Guidelines for a useful Table 1. J Clin Epidemiol.
    2019;114:125-132. doi:10.1016/j.jclinepi.2019.06.011

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"sarc": [1] * 4 + [0] * 6,
    ...                   "sex": ["f", "f", "m", "f", "m", "m", "f", "m", "m", "f"],
    ...                   "grip": [20., 22, 19, 25, 30, 28, 33, 26, 31, 29]})
    >>> t = table1(d, group="sarc", continuous=["grip"], categorical=["sex"]).table
    >>> print(t[["variable", "level", "test"]].to_string(index=False))
    variable level    test
        grip   NaN student
         sex     f  fisher
         sex     m  fisher
    """
    fn = "table1"
    if fisher_sided is not None:
        alternative = fisher_sided
    cont = [continuous] if isinstance(continuous, str) else list(continuous)
    cats = [categorical] if isinstance(categorical, str) else list(categorical)
    if not cont and not cats:
        raise ParameterError(f"{fn}: name at least one continuous or categorical variable.")
    require_columns(data, [group, *cont, *cats], function=fn)
    if levels is None:
        glev = _levels(data[group].dropna())
        if len(glev) != 2:
            raise DataError(
                f"{fn}: {group!r} has {len(glev)} level(s) "
                f"({', '.join(map(repr, glev[:10]))}); Table 1 compares exactly "
                f"2 groups. Pass levels=(a, b) to pick two."
            )
        levels = glev
    levels = list(levels)
    rows, notes = [], []
    for var in cont:
        how = _per_variable(continuous_test, var, "levene")
        check_option(
            how,
            ("levene", "student", "welch", "mannwhitney"),
            parameter="continuous_test",
            function=fn,
        )
        row, note = _table1_continuous(data, var, group, levels, how, levene_alpha)
        rows.append(row)
        notes.append(note)
    for var in cats:
        how = _per_variable(categorical_test, var, "auto")
        alt = _per_variable(alternative, var, "two-sided")
        cat_rows, note = _table1_categorical(data, var, group, levels, how, alt, min_expected)
        rows.extend(cat_rows)
        notes.append(note)
    table = pd.DataFrame(rows, columns=_T1_COLUMNS)
    return StatResult(
        table=table,
        notes=tuple(notes),
        meta={
            "group": group,
            "levels": levels,
            "continuous_test": continuous_test,
            "categorical_test": categorical_test,
            "alternative": alternative,
            "min_expected": min_expected,
            "levene_alpha": levene_alpha,
        },
    )
