"""Biomarker quartiles: grouping, adjusted LS means per quartile, P for trend.

Quartiles are formed once, over every participant with a biomarker value,
before any model is fitted (as SPSS ``RANK`` does when its new variable is
then used in ``UNIANOVA``); each outcome model then uses its own complete
cases. The LS means, Type III test and pairwise comparisons come from
`sarcostat.stats.ancova`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sarcostat.exceptions import DataError, ModelError, ParameterError, SchemaError, check_option
from sarcostat.stats._data import check_confidence, require_columns, unadjusted_source
from sarcostat.stats.ancova import (
    _ADJUST,
    _BINARY,
    _UNADJUSTED,
    _WEIGHTS,
    LinearFit,
    _as_tuple,
    _excluded_note,
    _fit,
    _fmt,
    _split_covariates,
    _version,
    marginal_means,
    pairwise,
    reference_grid,
    type3_anova,
)
from sarcostat.stats.result import StatResult

__all__ = ["QuartileGrouping", "TrendResult", "quartiles", "quartile_trend"]

_METHODS = ("ntiles", "percentile")
_TRENDS = ("score", "median", "poly")


@dataclass(frozen=True, eq=False)
class QuartileGrouping(StatResult):
    """Quantile groups of one variable.

    ``table`` has one row per group: ``group`` (1..k), ``label`` (``"Q1"``),
    ``n``, ``min``, ``max``, ``median``, ``lower_cut``, ``upper_cut`` (group
    ``j`` holds ``lower_cut < x <= upper_cut``; NaN = unbounded).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per group (columns above).
    notes : tuple of str
    meta : dict
    groups : pandas.Series
        Int64 group numbers aligned to the input index, ``<NA>`` where the
        value is missing.
    cut_points : tuple of float
        The k-1 boundaries (upper limit of groups 1..k-1).
    sizes, medians : tuple
        Per group, over the participants grouped.
    method : str
    k : int
    """

    groups: pd.Series | None = None
    cut_points: tuple[float, ...] = ()
    sizes: tuple[int, ...] = ()
    medians: tuple[float, ...] = ()
    method: str = "ntiles"
    k: int = 4


def _ntiles(values: np.ndarray, k: int) -> np.ndarray:
    n = len(values)
    ranks = stats.rankdata(values, method="average")
    # Mean ranks are multiples of 1/2, so int(1 + r*k/(n+1)) is computed in
    # integers as 1 + (2r*k) // (2(n+1)): no rounding at exact boundaries
    # (e.g. r = 65, k = 4, n = 129 gives exactly 2, hence group 3).
    two_r = np.rint(2 * ranks).astype(np.int64)
    return 1 + (two_r * k) // (2 * (n + 1))


def _check_no_empty_group(
    vals: np.ndarray, g: np.ndarray, k: int, name: object, method: str, function: str
) -> None:
    """The stated rule for heavy ties: a group left empty is an error, never
    a silent gap (tied values share a group, so a value shared by many
    participants can take the place of a whole group)."""
    sizes = np.bincount(g, minlength=k + 1)[1:]
    empty = [j + 1 for j in range(k) if sizes[j] == 0]
    if not empty:
        return
    values, counts = np.unique(vals, return_counts=True)
    top = int(np.argmax(counts))
    labels = ", ".join((f"Q{j}" if k == 4 else f"G{j}") for j in empty)
    raise ModelError(
        f"{function}: group(s) {labels} of {name!r} would be empty, fewer than 2 participants "
        f"(the least a group needs): {int(counts[top])} of "
        f"{len(vals)} values equal {float(values[top]):g}, and tied values share a group "
        f"(method={method!r}). Use fewer groups (k), the other method, or a grouping of "
        "your own (groups=)."
    )


def _grouping(
    x: pd.Series, groups: pd.Series, method: str, k: int, cut_points: Sequence[float] | None
) -> QuartileGrouping:
    ok = groups.notna()
    vals = x[ok].astype(float)
    g = groups[ok].astype(int)
    recs, sizes, medians = [], [], []
    for j in range(1, k + 1):
        v = vals[g == j]
        sizes.append(int(len(v)))
        medians.append(float(v.median()) if len(v) else float("nan"))
        recs.append(
            {
                "group": j,
                "label": f"Q{j}" if k == 4 else f"G{j}",
                "n": int(len(v)),
                "min": float(v.min()) if len(v) else np.nan,
                "max": float(v.max()) if len(v) else np.nan,
                "median": medians[-1],
            }
        )
    if cut_points is None:
        cut_points = [float(r["max"]) for r in recs[:-1]]  # type: ignore[arg-type]
    cuts = [float(c) for c in cut_points]
    for j, r in enumerate(recs):
        r["lower_cut"] = cuts[j - 1] if j > 0 else np.nan
        r["upper_cut"] = cuts[j] if j < k - 1 else np.nan
    name = x.name if x.name is not None else "x"
    if method == "ntiles":
        how = (
            f"SPSS RANK /NTILES({k}) with TIES = MEAN: group = int(1 + r*{k}/(n+1)), r = mean rank"
        )
    elif method == "percentile":
        how = (
            f"cut at the {', '.join(f'{100 * j / k:g}' for j in range(1, k))}th percentiles "
            "(SPSS FREQUENCIES HAVERAGE = numpy method 'weibull'), x <= cut in the lower "
            "group"
        )
    else:
        how = "groups given by the caller"
    note = (
        f"{name} groups ({how}) over {int(ok.sum())} participants with a value: "
        f"sizes {'/'.join(map(str, sizes))}; cut points "
        f"{', '.join(_fmt(c) for c in cuts)}."
    )
    return QuartileGrouping(
        table=pd.DataFrame(recs),
        notes=(note,),
        meta={
            "method": method,
            "k": k,
            "n": int(ok.sum()),
            "n_missing": int((~ok).sum()),
            "variable": name,
        },
        groups=groups,
        cut_points=tuple(cuts),
        sizes=tuple(sizes),
        medians=tuple(medians),
        method=method,
        k=k,
    )


def quartiles(
    x: pd.Series | Sequence[float], *, method: str = "ntiles", k: int = 4
) -> QuartileGrouping:
    """Split a variable into k quantile groups (quartiles by default).

    Parameters
    ----------
    x : pandas.Series or array-like
        Numeric values; missing values get no group.
    method : {"ntiles", "percentile"}, default "ntiles"
        ``"ntiles"``: SPSS ``RANK /NTILES(k)`` with ``TIES = MEAN`` (the
        default of RANK): group ``int(1 + r k / (n + 1))`` with ``r`` the mean
        rank, so ties share a group (n = 129 gives 32/32/33/32).
        ``"percentile"``: cut points at the j/k percentiles, SPSS
        ``FREQUENCIES /PERCENTILES`` (HAVERAGE, ``numpy.percentile(...,
        method="weibull")``, R ``quantile(type = 6)``); a value equal to a cut
        point goes to the lower group (SPSS Visual Binning "upper endpoints
        included", ``RECODE LO THRU cut``).
    k : int, default 4
        Number of groups (>= 2).

    Returns
    -------
    QuartileGrouping
        ``groups`` (Int64 Series aligned to ``x``), ``cut_points``, ``sizes``,
        ``medians`` and a per-group ``table`` (``group``, ``label``, ``n``,
        ``min``, ``max``, ``median``, ``lower_cut``, ``upper_cut``).

    Raises
    ------
    SchemaError
        ``x`` is not numeric.
    ParameterError
        Unknown method or bad ``k``.
    DataError
        Fewer non-missing values than groups.
    ModelError
        A group left empty by ties
        (the stated rule: tied values share a group, so when one value is
        shared by more than a group's share of participants some group
        would be empty; that is an error naming the value, never a silent
        gap).

    See Also
    --------
    quartile_trend

    Notes
    -----
    With ``w`` non-missing values, NTILES gives group
    :math:`\\lfloor 1 + r k/(w+1) \\rfloor` (IBM SPSS Statistics Command Syntax
    Reference, RANK: NTILES(k)). SPSS syntax::

        RANK VARIABLES = sclerostin (A) /NTILES(4) INTO q_scl /TIES = MEAN.

    R: ``floor(1 + rank(x, ties.method = "average") * 4 / (sum(!is.na(x)) + 1))``.
    ``dplyr::ntile`` and SQL ``NTILE`` differ (they split ties).

    References
    ----------
    IBM Corp. IBM SPSS Statistics Command Syntax Reference: RANK (NTILES),
    FREQUENCIES (PERCENTILES). (No DOI.)

    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat
    1996;50(4):361-365. doi:10.1080/00031305.1996.10473566

    Examples
    --------
    >>> q = quartiles(pd.Series(range(1, 130), dtype=float))
    >>> q.sizes
    (32, 32, 33, 32)
    >>> quartiles(pd.Series([1., 2, 2, 3, 4, 5, None, 6, 7])).groups.tolist()
    [1, 2, 2, 2, 3, 3, <NA>, 4, 4]
    """
    function = "quartiles"
    check_option(method, _METHODS, parameter="method", function=function)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2:
        raise ParameterError(
            f"The 'k' parameter of {function} must be an int >= 2. Got {k!r} instead."
        )
    k = int(k)
    if isinstance(x, pd.Series):
        series = x
    else:
        try:
            series = pd.Series(np.asarray(x, dtype=float))
        except (TypeError, ValueError):
            raise SchemaError(f"{function}: 'x' must be numeric; got {x!r:.60}.") from None
    if not (pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)):
        raise SchemaError(
            f"{function}: {series.name or 'x'!r} must be numeric; got dtype {series.dtype}."
        )
    values = series.astype(float)
    ok = values.notna()
    vals = values[ok].to_numpy()
    if len(vals) < k:
        raise DataError(
            f"{function}: {len(vals)} non-missing value(s) of "
            f"{series.name or 'x'!r}; {k} groups need at least {k}."
        )
    if method == "ntiles":
        g = _ntiles(vals, k)
        cuts = None
    else:
        cuts = np.percentile(vals, [100 * j / k for j in range(1, k)], method="weibull")
        g = 1 + np.searchsorted(cuts, vals, side="left")
    _check_no_empty_group(vals, g, k, series.name or "x", method, function)
    groups = pd.Series(pd.NA, index=series.index, dtype="Int64", name=series.name)
    groups[ok] = g
    return _grouping(
        values.rename(series.name),  # type: ignore[call-overload]
        groups,
        method,
        k,
        None if cuts is None else list(cuts),
    )


@dataclass(frozen=True, eq=False)
class TrendResult(StatResult):
    """Outcome LS means across biomarker quartiles with P for trend.

    Attributes
    ----------
    table, means : pandas.DataFrame
        LS means per group (columns listed in `quartile_trend`).
    contrasts : pandas.DataFrame
        All pairwise comparisons, adjusted as ``adjust``.
    q1_vs_qk : pandas.DataFrame
        The lowest vs highest group row of ``contrasts``.
    trend : pandas.DataFrame
        One row: the trend test.
    p_trend : float
        P for trend.
    p_overall : float
        Type III F test of the group factor.
    anova : pandas.DataFrame
    grouping : QuartileGrouping
    unadjusted : TrendResult or None
        Same analysis without covariates.
    fit : LinearFit
    notes : tuple of str
    meta : dict
    """

    means: pd.DataFrame | None = None
    contrasts: pd.DataFrame | None = None
    q1_vs_qk: pd.DataFrame | None = None
    trend: pd.DataFrame | None = None
    p_trend: float = float("nan")
    p_overall: float = float("nan")
    anova: pd.DataFrame | None = None
    grouping: QuartileGrouping | None = None
    unadjusted: TrendResult | None = None
    fit: LinearFit | None = None

    def to_long_frame(self) -> pd.DataFrame:
        """Unadjusted and adjusted quartile means stacked, with ``model``,
        ``p_trend`` and ``p_overall`` per row (for Fig. 2)."""
        parts = []
        assert self.means is not None  # set by quartile_trend
        u = self.unadjusted
        if u is not None and u.means is not None:
            parts.append(
                u.means.assign(model="unadjusted", p_trend=u.p_trend, p_overall=u.p_overall)
            )
        parts.append(
            self.means.assign(
                model="adjusted" if self.meta.get("covariates") else "unadjusted",
                p_trend=self.p_trend,
                p_overall=self.p_overall,
            )
        )
        return pd.concat(parts, ignore_index=True)


def _poly_coefficients(k: int) -> np.ndarray:
    # emmeans "poly" linear contrast: integer orthogonal-polynomial weights.
    c = np.arange(1, k + 1) - (k + 1) / 2
    return c * 2 if k % 2 == 0 else c


def _grouping_from(groups: Any, data: pd.DataFrame, biomarker: str) -> QuartileGrouping:
    if isinstance(groups, QuartileGrouping):
        g = groups.groups
    elif isinstance(groups, pd.Series):
        g = groups
    else:
        raise ParameterError(
            "The 'groups' parameter of quartile_trend must be a "
            f"QuartileGrouping or a pandas Series; got {type(groups).__name__}."
        )
    assert g is not None  # a QuartileGrouping always has its groups
    if not g.index.equals(data.index):
        if not g.index.isin(data.index).all() or not data.index.isin(g.index).all():
            raise ParameterError(
                "quartile_trend: 'groups' must be aligned to the rows of 'data' (same index)."
            )
        g = g.reindex(data.index)
    if isinstance(groups, QuartileGrouping):
        return replace(groups, groups=g)
    g = pd.to_numeric(g, errors="coerce")
    gv = g.dropna()
    if len(gv) == 0 or not np.all(gv == np.round(gv)) or gv.min() < 1:
        raise ParameterError("quartile_trend: 'groups' must hold group numbers 1, 2, ..., k.")
    k = int(gv.max())
    x = data[biomarker].where(g.notna())
    return _grouping(x.rename(biomarker), g.astype("Int64"), "given", k, None)


def quartile_trend(
    data: pd.DataFrame,
    *,
    outcome: str,
    biomarker: str,
    covariates: str | Sequence[str] = (),
    method: str = "ntiles",
    trend: str = "score",
    adjust: str = "lsd",
    weights: str = "equal",
    binary_covariates: str = "proportion",
    groups: QuartileGrouping | pd.Series | None = None,
    confidence: float = 0.95,
    unadjusted: str = "own",
    posthoc: str | None = None,
) -> TrendResult:
    """Adjusted LS means of ``outcome`` across ``biomarker`` quartiles, P for trend.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Numeric outcome (SMI, grip strength, SPS...).
    biomarker : str
        Numeric column whose quartiles define the groups.
    covariates : str or sequence of str, default ()
        Adjustment variables, as in `ls_means`.
    method : {"ntiles", "percentile"}, default "ntiles"
        Grouping when ``groups`` is not given (see `quartiles`); formed
        over every row of ``data`` with a ``biomarker`` value.
    trend : {"score", "median", "poly"}, default "score"
        P for trend: the quartile number 1..4 as a continuous term in the
        (adjusted) regression (``"score"``); the quartile's biomarker median
        as that term (``"median"``); or the linear orthogonal-polynomial
        contrast of the quartile LS means in the ANCOVA (``"poly"``, SPSS
        ``/CONTRAST(q) = POLYNOMIAL``).
    adjust : {"lsd", "none", "bonferroni", "sidak"}, default "lsd"
        Adjustment of the post hoc pairwise comparisons (all 6 pairs; Q1 vs
        Q4 is one of them); same name, values and default as in
        `ls_means` (SPSS EMMEANS' LSD). The seed
        study's Fig. 2 used Bonferroni: its plan says so (``[trend] posthoc``).
    weights, binary_covariates, confidence
        As in `ls_means`.
    groups : QuartileGrouping or pandas.Series, optional
        Precomputed groups (1..k, aligned to ``data``), e.g. formed once for
        several outcomes; overrides ``method``.
    unadjusted : {"own", "same", "none"}, default "own"
        Also run the analysis without covariates (own complete cases, the
        adjusted sample, or not at all).
    posthoc : str, optional
        Former name of ``adjust``, still accepted; giving both with different
        values is an error.

    Returns
    -------
    TrendResult
        ``means`` (``table``): ``level`` (1..k), ``label`` (``"Q1"``...),
        ``estimate``, ``se``, ``df``, ``ci_lower``, ``ci_upper``, ``n``,
        ``x_min``, ``x_max``, ``x_median`` (biomarker range of the group);
        ``contrasts``: as `pairwise` with
        ``contrast`` labelled ``"Q1 - Q4"``; ``q1_vs_qk``: its lowest vs
        highest row; ``trend``: ``term``, ``method``, ``estimate``, ``se``,
        ``df``, ``statistic`` (t), ``p_value``; ``p_trend``; ``p_overall``;
        ``anova``; ``grouping``; ``unadjusted``.

    Raises
    ------
    SchemaError, ParameterError, ModelError, DataError
        Missing columns, bad options, an empty or single-member quartile, a
        degenerate design.

    See Also
    --------
    quartiles, sarcostat.stats.ancova.ls_means

    Notes
    -----
    Score trend: :math:`y = \\beta_0 + \\beta_1 q + \\sum_c \\gamma_c x_c + e`,
    P for trend = P of :math:`\\beta_1` (t on :math:`n-p` df). Poly trend:
    :math:`\\sum_j c_j \\hat\\mu_j` with :math:`c = (-3, -1, 1, 3)` for k = 4.
    Missing data: groups over all with a biomarker value; each model uses its
    complete cases. SPSS::

        RANK VARIABLES = sclerostin (A) /NTILES(4) INTO q /TIES = MEAN.
        UNIANOVA smi BY q WITH age sex bmi /METHOD = SSTYPE(3)
          /EMMEANS = TABLES(q) WITH(age=MEAN sex=MEAN bmi=MEAN) COMPARE ADJ(BONFERRONI).
        REGRESSION /DEPENDENT smi /METHOD = ENTER q age sex bmi.

    R::

        fit <- lm(smi ~ factor(q) + age + sex + bmi, d)
        emm <- emmeans(fit, "q", cov.keep = "1"); pairs(emm, adjust = "bonferroni")
        summary(lm(smi ~ q + age + sex + bmi, d))$coefficients["q", ]

    References
    ----------
    Lenth RV. Least-squares means: the R package lsmeans. J Stat Softw
    2016;69(1):1-33. doi:10.18637/jss.v069.i01

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"bm": rng.normal(50, 10, 40), "age": rng.normal(70, 5, 40)})
    >>> d["y"] = 0.1 * d["bm"] - 0.05 * d["age"] + rng.normal(0, 1, 40)
    >>> res = quartile_trend(d, outcome="y", biomarker="bm", covariates="age")
    >>> res.means["n"].tolist()
    [10, 10, 10, 10]
    >>> bool(res.p_trend < 0.001)
    True
    """
    function = "quartile_trend"
    covs = _as_tuple(covariates, "covariates", function)
    check_option(method, _METHODS, parameter="method", function=function)
    check_option(trend, _TRENDS, parameter="trend", function=function)
    if posthoc is not None:
        check_option(posthoc, _ADJUST, parameter="posthoc", function=function)
        if adjust not in ("lsd", posthoc):
            raise ParameterError(
                f"{function}: 'posthoc' ({posthoc!r}) is the former name of "
                f"'adjust' ({adjust!r}); give only 'adjust'."
            )
        adjust = posthoc
    check_option(adjust, _ADJUST, parameter="adjust", function=function)
    check_option(weights, _WEIGHTS, parameter="weights", function=function)
    check_option(binary_covariates, _BINARY, parameter="binary_covariates", function=function)
    check_option(unadjusted, _UNADJUSTED, parameter="unadjusted", function=function)
    confidence = check_confidence(confidence, function)
    for name, value in (("outcome", outcome), ("biomarker", biomarker)):
        if not isinstance(value, str):
            raise ParameterError(
                f"The {name!r} parameter of {function} must be a column name "
                f"(str). Got {value!r} instead."
            )
    require_columns(data, [outcome, biomarker, *covs], function=function)
    if outcome in covs or biomarker in covs or outcome == biomarker:
        raise ParameterError(f"{function}: outcome, biomarker and covariates must be distinct.")

    grouping = (
        quartiles(data[biomarker], method=method)
        if groups is None
        else _grouping_from(groups, data, biomarker)
    )
    empty = [j + 1 for j, s in enumerate(grouping.sizes) if s < 2]
    if empty:
        raise ModelError(
            f"{function}: {biomarker} group(s) {empty} have fewer than 2 participants "
            f"(sizes {'/'.join(map(str, grouping.sizes))}), usually from many tied values; "
            "use fewer groups or method='percentile'."
        )
    qcol = f"{biomarker}_group" if grouping.k != 4 else f"{biomarker}_quartile"
    while qcol in data.columns:
        qcol = "_" + qcol
    assert grouping.groups is not None  # a QuartileGrouping always has its groups
    # pandas 3: no copy of data's columns (each model takes its complete cases).
    frame = data.assign(**{qcol: grouping.groups.astype("float")})
    extra, numeric = _split_covariates(data, covs)

    result = _trend_one(
        frame,
        outcome=outcome,
        biomarker=biomarker,
        qcol=qcol,
        extra=extra,
        numeric=numeric,
        grouping=grouping,
        trend=trend,
        adjust=adjust,
        weights=weights,
        binary_covariates=binary_covariates,
        confidence=confidence,
    )
    if covs and unadjusted != "none":
        source = unadjusted_source(frame, [outcome, qcol, *covs], unadjusted)
        unadj = _trend_one(
            source,
            outcome=outcome,
            biomarker=biomarker,
            qcol=qcol,
            extra=[],
            numeric=[],
            grouping=grouping,
            trend=trend,
            adjust=adjust,
            weights=weights,
            binary_covariates=binary_covariates,
            confidence=confidence,
        )
        result = replace(result, unadjusted=unadj)
    return result


def _score_trend(fit: LinearFit, qcol: str, scores: np.ndarray) -> tuple[float, float, int]:
    """Slope, SE and residual df of the trend model ``y ~ score + other terms``
    (``score`` = ``scores[j]`` in group j), from the fit of ``y ~ factor(group)
    + other terms`` without refitting.

    The trend model is the group model with the group effects (sum-to-zero
    coding, alpha_j for the first k - 1 groups) restricted to a line in the
    score: alpha = b * v, v = score - mean(score). With V0 = (X'X)^-1 and the
    k - 2 restrictions C alpha = 0 (C spanning the complement of v),
    restricted least squares gives beta_r = beta - V0 C'(C V0 C')^-1 C beta,
    RSS_r = RSS + (C beta)'(C V0 C')^-1 C beta on df + k - 2 residual df and
    V0_r = V0 - V0 C'(C V0 C')^-1 C V0 (Searle 1971, sec. 3.6); the slope is
    b = v'alpha_r / v'v. The same numbers as fitting the trend model.
    """
    beta = fit.coef.to_numpy()
    V0 = fit.vcov.to_numpy() / fit.sigma**2
    idx = list(fit.terms[qcol])
    k = len(scores)
    v = (scores - scores.mean())[: k - 1]
    rss = fit.rss
    if k > 2:
        basis = np.linalg.svd(v[:, None])[0][:, 1:]  # orthonormal complement of v
        C = np.zeros((k - 2, len(beta)))
        C[:, idx] = basis.T
        VC = V0 @ C.T
        M = C @ VC
        cb = C @ beta
        lam = np.linalg.solve(M, cb)
        beta = beta - VC @ lam
        V0 = V0 - VC @ np.linalg.solve(M, VC.T)
        rss = rss + float(cb @ lam)
    df = fit.df_resid + k - 2
    w = v / (v @ v)
    est = float(w @ beta[idx])
    se = float(np.sqrt(rss / df * (w @ V0[np.ix_(idx, idx)] @ w)))
    return est, se, df


def _trend_one(
    frame: pd.DataFrame,
    *,
    outcome: str,
    biomarker: str,
    qcol: str,
    extra: Sequence[str],
    numeric: Sequence[str],
    grouping: QuartileGrouping,
    trend: str,
    adjust: str,
    weights: str,
    binary_covariates: str,
    confidence: float,
) -> TrendResult:
    k = grouping.k
    fit = _fit(
        frame,
        outcome=outcome,
        factors=[qcol, *extra],
        covariates=numeric,
        contrasts="sum",
        function="quartile_trend",
    )
    if len(fit.levels[qcol]) != k:
        raise ModelError(
            f"{'quartile_trend'}: only {len(fit.levels[qcol])} of {k} {biomarker} "
            f"groups are present among the complete cases of {outcome}."
        )
    grid = reference_grid(fit, binary_covariates=binary_covariates)
    mm = marginal_means(grid, qcol, weights=weights, confidence=confidence)
    pw = pairwise(mm, adjust=adjust, confidence=confidence)
    anova = type3_anova(fit)
    overall = anova.loc[anova["source"] == qcol].iloc[0]

    labels = {j: grouping.table.loc[j - 1, "label"] for j in range(1, k + 1)}
    means = mm.table.copy()
    means["level"] = means["level"].astype(int)
    means.insert(1, "label", means["level"].map(labels))
    gt = grouping.table.set_index("group")
    means["x_min"] = means["level"].map(gt["min"])
    means["x_max"] = means["level"].map(gt["max"])
    means["x_median"] = means["level"].map(gt["median"])
    contrasts = pw.table.copy()
    contrasts["level_1"] = contrasts["level_1"].astype(int)
    contrasts["level_2"] = contrasts["level_2"].astype(int)
    contrasts["contrast"] = (
        contrasts["level_1"].map(labels) + " - " + contrasts["level_2"].map(labels)
    )
    extreme = contrasts[(contrasts["level_1"] == 1) & (contrasts["level_2"] == k)]

    if trend == "poly":
        c = _poly_coefficients(k)
        L = c @ mm.linfct
        est = float(L @ fit.coef.to_numpy())
        se = float(np.sqrt(L @ fit.vcov.to_numpy() @ L))
        df = fit.df_resid
        term = "linear contrast (" + ", ".join(f"{v:g}" for v in c) + ")"
        trend_note = (
            "P for trend: linear polynomial contrast of the quartile LS means "
            f"({', '.join(f'{v:g}' for v in c)})."
        )
    else:
        score_col = f"{qcol}_score"
        levels = np.array([float(v) for v in fit.levels[qcol]])
        if trend == "score":
            scores = levels
            what = f"quartile score 1-{k}"
        else:
            scores = np.asarray(grouping.medians, dtype=float)[levels.astype(int) - 1]
            what = f"the {biomarker} median of each group"
        if np.all(scores == scores[0]):
            raise ModelError(
                f"quartile_trend: covariate {score_col!r} is constant ({scores[0]:g}) in the "
                f"analysis sample (n={fit.n}); it cannot be estimated. Remove it from the model."
            )
        est, se, df = _score_trend(fit, qcol, scores)
        term = score_col
        trend_note = (
            f"P for trend: {what} entered as a continuous term in the "
            f"{'adjusted ' if (extra or numeric) else ''}linear regression."
        )
    t = est / se
    p_trend = float(2 * stats.t.sf(abs(t), df))
    trend_tab = pd.DataFrame(
        [
            {
                "term": term,
                "method": trend,
                "estimate": est,
                "se": se,
                "df": df,
                "statistic": t,
                "p_value": p_trend,
            }
        ]
    )
    covs_all = [*extra, *numeric]
    notes = [
        grouping.notes[0],
        _excluded_note(fit),
        *mm.notes,
        trend_note,
        f"Overall P: Type III F test of the {biomarker} groups, "
        f"F({int(overall['df'])}, {fit.df_resid}) = {_fmt(overall['statistic'])}.",
        pw.notes[-1],
    ]
    if covs_all:
        notes.insert(2, f"Adjusted for {', '.join(covs_all)}.")
    meta = dict(
        mm.meta,
        outcome=outcome,
        biomarker=biomarker,
        covariates=tuple(covs_all),
        method=grouping.method,
        trend=trend,
        adjust=adjust,
        n_comparisons=pw.n_comparisons,
        group_sizes=grouping.sizes,
        cut_points=grouping.cut_points,
        missing=dict(fit.missing),
        sarcostat_version=_version(),
        reference='R lm + emmeans (cov.keep = "1") + car::Anova(type = 3); '
        "SPSS RANK /NTILES, UNIANOVA /EMMEANS, REGRESSION",
    )
    return TrendResult(
        table=means,
        notes=tuple(notes),
        meta=meta,
        means=means,
        contrasts=contrasts,
        q1_vs_qk=extreme.reset_index(drop=True),
        trend=trend_tab,
        p_trend=p_trend,
        p_overall=float(overall["p_value"]),
        anova=anova,
        grouping=grouping,
        fit=fit,
    )
