"""Descriptive statistics as journals ask for them (Table 1, supplementary).

SPSS percentiles (``HAVERAGE``), the SPSS skewness with its standard error,
a stated skewness rule for choosing median (IQR) over mean ± SD, and the exact
Clopper-Pearson interval of a proportion. No model is fitted here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import ParameterError
from sarcostat.stats._data import as_names, check_confidence, levels, require_columns
from sarcostat.stats.result import StatResult

__all__ = [
    "percentile_haverage",
    "skewness_spss",
    "clopper_pearson",
    "describe_continuous",
    "SKEW_RULE",
]

#: The skewness rule for showing median (IQR) instead of mean ± SD: the
#: absolute sample skewness (SPSS's G1) of the variable in all participants
#: analysed exceeds 1 (Bulmer MG. Principles of Statistics. Dover; 1979,
#: p. 63: "highly skewed" beyond ±1).
SKEW_RULE = 1.0


def percentile_haverage(values: Any, q: Any) -> np.ndarray | float:
    """Percentiles by SPSS's weighted average at (n + 1)p (``HAVERAGE``).

    Parameters
    ----------
    values : array-like
        Observations; NaN are ignored.
    q : float or sequence of float
        Percentiles in [0, 100].

    Returns
    -------
    float or numpy.ndarray
        One value per percentile (NaN when there is no observation).

    Raises
    ------
    ParameterError
        A percentile outside [0, 100].

    See Also
    --------
    describe_continuous : uses it for the median and quartiles.

    Notes
    -----
    With the ordered values :math:`x_{(1)} \\le \\dots \\le x_{(n)}`,
    :math:`w = (n + 1)p`, :math:`j = \\lfloor w \\rfloor`, :math:`g = w - j`:

    .. math:: P = (1 - g)\\,x_{(j)} + g\\,x_{(j+1)},

    with :math:`x_{(1)}` when :math:`w < 1` and :math:`x_{(n)}` when
    :math:`w \\ge n`. This is numpy's ``method="weibull"`` and R's
    ``quantile(x, p, type = 6)``.

    SPSS: ``FREQUENCIES VARIABLES=x /PERCENTILES=25 50 75`` (the default
    ``HAVERAGE`` definition; ``EXAMINE`` prints the same "Weighted Average").

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat.
    1996;50(4):361-365. doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> float(percentile_haverage([1, 2, 3, 4], 25))
    1.25
    """
    q_arr = np.atleast_1d(np.asarray(q, dtype=float))
    if np.any((q_arr < 0) | (q_arr > 100)) or not np.all(np.isfinite(q_arr)):
        raise ParameterError(
            f"The 'q' parameter of percentile_haverage must be in [0, 100]. Got {q!r} instead."
        )
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    if x.size == 0:
        out = np.full(q_arr.shape, np.nan)
    else:
        out = np.percentile(x, q_arr, method="weibull")
    return float(out[0]) if np.ndim(q) == 0 else out


def skewness_spss(values: Any) -> tuple[float, float]:
    """Sample skewness G1 and its standard error, as SPSS prints them.

    Parameters
    ----------
    values : array-like
        Observations; NaN are ignored.

    Returns
    -------
    (float, float)
        Skewness and its standard error (NaN below 3 observations or for a
        constant variable).

    Raises
    ------
    None

    See Also
    --------
    describe_continuous

    Notes
    -----
    .. math:: G_1 = \\frac{\\sqrt{n(n-1)}}{n-2}\\,\\frac{m_3}{m_2^{3/2}}, \\qquad
       SE = \\sqrt{\\frac{6n(n-1)}{(n-2)(n+1)(n+3)}}

    with :math:`m_k` the central moments (divisor n). R:
    ``e1071::skewness(x, type = 2)``; SPSS: ``DESCRIPTIVES x
    /STATISTICS=SKEWNESS``.

    References
    ----------
    Joanes DN, Gill CA. Comparing measures of sample skewness and kurtosis.
    J R Stat Soc Ser D. 1998;47(1):183-189. doi:10.1111/1467-9884.00122

    Examples
    --------
    >>> round(skewness_spss([1, 2, 3, 10])[0], 4)
    1.7636
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    if n < 3:
        return math.nan, math.nan
    d = x - x.mean()
    # Central moments as dot products: no temporary powers of the data.
    d2 = d * d
    m2 = float(d2.sum() / n)
    m3 = float(np.dot(d2, d) / n)
    se = math.sqrt(6.0 * n * (n - 1) / ((n - 2) * (n + 1) * (n + 3)))
    if m2 == 0:
        return math.nan, se
    g1 = m3 / m2**1.5
    return math.sqrt(n * (n - 1)) / (n - 2) * g1, se


def clopper_pearson(x: int, n: int, *, confidence: float = 0.95) -> tuple[float, float]:
    """Exact (Clopper-Pearson) confidence interval of a binomial proportion.

    Parameters
    ----------
    x : int
        Number of successes, 0 <= x <= n.
    n : int
        Number of trials (> 0).
    confidence : float, default 0.95
        Interval level.

    Returns
    -------
    (float, float)
        Lower and upper limits of x / n.

    Raises
    ------
    ParameterError
        x or n not integers with 0 <= x <= n and n > 0, or confidence outside (0, 1).

    See Also
    --------
    sarcostat.stats.roc.roc_analysis : sensitivity and specificity intervals.

    Notes
    -----
    With :math:`\\alpha = 1 - ` confidence, the limits are beta quantiles

    .. math:: \\left[B_{\\alpha/2}(x, n - x + 1),\\; B_{1-\\alpha/2}(x + 1, n - x)\\right],

    0 when x = 0 and 1 when x = n. R: ``binom.test(x, n)$conf.int``. SPSS
    has no direct command; ``COMPUTE lo = IDF.BETA(0.025, x, n - x + 1).``
    gives the lower limit.

    References
    ----------
    Clopper CJ, Pearson ES. The use of confidence or fiducial limits illustrated
    in the case of the binomial. Biometrika. 1934;26(4):404-413.
    doi:10.1093/biomet/26.4.404

    Examples
    --------
    >>> lo, hi = clopper_pearson(7, 10)
    >>> print(f"{lo:.4f} {hi:.4f}")
    0.3475 0.9333
    """
    from scipy import stats as sps

    conf = check_confidence(confidence, "clopper_pearson")
    ok = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (x, n)) and (
        0 <= x <= n and n > 0
    )
    if not ok:
        raise ParameterError(
            f"clopper_pearson: x and n must be integers with 0 <= x <= n and n > 0. "
            f"Got x={x!r}, n={n!r} instead."
        )
    alpha = 1.0 - conf
    lo = 0.0 if x == 0 else float(sps.beta.ppf(alpha / 2, x, n - x + 1))
    hi = 1.0 if x == n else float(sps.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lo, hi


_DESCRIBE_COLUMNS = [
    "variable",
    "group",
    "n",
    "missing",
    "mean",
    "sd",
    "median",
    "q1",
    "q3",
    "iqr",
    "min",
    "max",
    "skewness",
    "skewness_se",
]


def _describe_one(values: pd.Series, variable: str, group: Any) -> dict:
    x = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = x[~np.isnan(x)]
    n = int(ok.size)
    q1, med, q3 = (
        percentile_haverage(ok, [25, 50, 75]) if n else (math.nan, math.nan, math.nan)  # type: ignore[misc]
    )
    skew, skew_se = skewness_spss(ok)
    return {
        "variable": variable,
        "group": group,
        "n": n,
        "missing": int(len(x) - n),
        "mean": float(ok.mean()) if n else math.nan,
        "sd": float(ok.std(ddof=1)) if n > 1 else math.nan,
        "median": float(med),
        "q1": float(q1),
        "q3": float(q3),
        "iqr": float(q3 - q1),
        "min": float(ok.min()) if n else math.nan,
        "max": float(ok.max()) if n else math.nan,
        "skewness": skew,
        "skewness_se": skew_se,
    }


def describe_continuous(
    data: pd.DataFrame,
    *,
    variables: Sequence[str] | str,
    group: str | None = None,
    skew_rule: float = SKEW_RULE,
) -> StatResult:
    """n, missing, mean, SD, median, quartiles and skewness per variable.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant (all participants analysed).
    variables : str or sequence of str
        Numeric columns to describe.
    group : str, optional
        A grouping column: rows for ``"overall"`` and then each level.
    skew_rule : float, default `SKEW_RULE` (1.0)
        A variable is flagged ``skewed`` when the absolute skewness of its
        overall values exceeds this.

    Returns
    -------
    StatResult
        ``table`` columns: ``variable, group`` (``"overall"`` or the level),
        ``n, missing, mean, sd`` (n - 1), ``median, q1, q3, iqr`` (SPSS
        HAVERAGE), ``min, max, skewness, skewness_se, skewed`` (the rule,
        taken from the overall row and repeated on the group rows).

    Raises
    ------
    SchemaError
        A named column is absent.
    ParameterError
        ``skew_rule`` not a positive number.

    See Also
    --------
    percentile_haverage, skewness_spss

    Notes
    -----
    Missing values are counted per variable (and group) and left out of that
    variable only. Quartiles by `percentile_haverage` (:math:`(n+1)p`).
    R: ``quantile(x, c(.25, .5, .75), type = 6)``, ``sd(x)``. SPSS:
    ``EXAMINE VARIABLES=x BY g /PLOT NONE /PERCENTILES(25,50,75) HAVERAGE
    /STATISTICS DESCRIPTIVES``.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat.
    1996;50(4):361-365. doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, None]})
    >>> row = describe_continuous(d, variables="x").table.iloc[0]
    >>> print(row["n"], row["missing"], row["q1"], row["median"])
    4 1 1.25 2.5
    """
    fn = "describe_continuous"
    names = as_names(variables, "variables", fn)
    if not isinstance(skew_rule, (int, float)) or isinstance(skew_rule, bool) or not skew_rule > 0:
        raise ParameterError(
            f"The 'skew_rule' parameter of {fn} must be a positive number. "
            f"Got {skew_rule!r} instead."
        )
    require_columns(data, names + ([group] if group else []), function=fn)
    rows = []
    for v in names:
        overall = _describe_one(data[v], v, "overall")
        skewed = (
            bool(abs(overall["skewness"]) > skew_rule)
            if not math.isnan(overall["skewness"])
            else False
        )
        rows.append({**overall, "skewed": skewed})
        if group:
            for lv in levels(data[group]):
                sub = data.loc[data[group] == lv, v]
                rows.append({**_describe_one(sub, v, lv), "skewed": skewed})
    table = pd.DataFrame(rows, columns=[*_DESCRIBE_COLUMNS, "skewed"])
    return StatResult(
        table=table,
        notes=(
            "Percentiles by SPSS's weighted average at (n + 1)p (HAVERAGE).",
            f"Skewness rule: median (IQR) when |skewness| > {skew_rule:g} "
            "(SPSS skewness G1 over all participants analysed).",
        ),
        meta={"skew_rule": float(skew_rule), "group": group, "percentiles": "haverage"},
    )
