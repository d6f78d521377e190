"""ANCOVA least-square (estimated marginal) means in emmeans' three stages.

``fit_linear`` fits the linear model once; ``reference_grid`` lays out the
factor combinations with every covariate at its reduced value; and
``marginal_means`` averages the grid's predictions (``linfct @ coef``). Pairwise
comparisons and Type III tests are linear functions of the same fit.
``ls_means`` bundles the whole Fig. 1 analysis (adjusted and unadjusted).

The defaults reproduce SPSS ``UNIANOVA ... /EMMEANS`` (covariates, including a
0/1 covariate such as sex, at their sample mean; equal weights over other
factors) and R ``emmeans`` with ``cov.keep = "1"``.

The design matrix is built here with numpy rather than through a formula
library: the sum-to-zero coding, the level order and the mapping from a grid
row to a design row must be identical between fitting and prediction, and
building both from one function keeps that exact.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from sarcostat.exceptions import ModelError, ParameterError, SchemaError, check_option
from sarcostat.stats._data import UNADJUSTED as _UNADJUSTED
from sarcostat.stats._data import (
    as_interactions,
    as_names,
    check_confidence,
    check_not_constant,
    complete_case_rows,
    factor_codes,
    factor_columns,
    interaction_columns,
    plain_values,
    require_columns,
    stack_columns,
    unadjusted_source,
)
from sarcostat.stats._data import is_numeric as _is_numeric
from sarcostat.stats._data import levels as _levels
from sarcostat.stats._data import plain as _plain
from sarcostat.stats.fitting import LeastSquaresFit, least_squares
from sarcostat.stats.result import StatResult

__all__ = [
    "LinearFit",
    "ReferenceGrid",
    "MarginalMeans",
    "PairwiseResult",
    "LSMeansResult",
    "fit_linear",
    "reference_grid",
    "marginal_means",
    "pairwise",
    "type3_anova",
    "ls_means",
]

_CONTRASTS = ("sum", "treatment")
_COV_REDUCE = ("mean", "median")
_BINARY = ("proportion", "factor")
_WEIGHTS = ("equal", "proportional", "outer", "cells", "flat")
_ADJUST = ("lsd", "none", "bonferroni", "sidak")


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------
def _as_tuple(names: object, parameter: str, function: str) -> tuple[str, ...]:
    return tuple(as_names(names, parameter, function))


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _label(value: Any) -> str:
    return str(_plain(value))


def _formula(
    outcome: str,
    factors: Sequence[str],
    covariates: Sequence[str],
    interactions: Sequence[tuple[str, ...]] = (),
) -> str:
    rhs = " + ".join([*factors, *covariates, *(":".join(i) for i in interactions)]) or "1"
    return f"{outcome} ~ {rhs}"


def _missing_summary(data: pd.DataFrame, columns: Sequence[str]) -> dict[str, int]:
    counts = {c: int(data[c].isna().sum()) for c in dict.fromkeys(columns)}
    return {c: k for c, k in counts.items() if k}


def _two_values(series: pd.Series) -> bool:
    """``series.nunique() == 2`` for a complete float column, from its minimum
    and maximum (no hashing of every value)."""
    v = series.to_numpy(dtype=float)
    if v.size == 0:
        return False
    lo, hi = v.min(), v.max()
    return bool(lo != hi and np.all((v == lo) | (v == hi)))


def _ols(
    X: np.ndarray, y: np.ndarray, names: list[str], *, outcome: str, function: str
) -> LeastSquaresFit:
    """`least_squares` of a linear model, refusing an exact fit (no error left
    to estimate a standard error from)."""
    ls = least_squares(X, y, names=names, function=function)
    if float(ls.rss) <= 1e-24 * max(1.0, float(y @ y)):
        raise ModelError(
            f"{function}: the model fits {outcome!r} exactly (residual sum of squares "
            "0), so no standard error or test exists; check for a covariate "
            "that is a copy of the outcome."
        )
    return ls


# --------------------------------------------------------------------------
# stage 1: the fit
# --------------------------------------------------------------------------
class _SampleRecipe:
    """What rebuilds a fit's analysis sample (`LinearFit.release_sample`):
    the input's columns it was taken from (pandas copies on write, so they
    keep the values of fitting time while sharing the input's memory), the
    positions of the rows kept (None: every row), the input's index, and the
    sample's own values of the columns the fit recoded (their dtype differs
    from the input's: 0/1 coding, int to float, flags)."""

    __slots__ = ("columns", "index", "own", "rows", "source")

    def __init__(self, data: pd.DataFrame, sample: pd.DataFrame, rows: np.ndarray | None):
        self.columns = list(sample.columns)
        self.index = data.index
        # int32 positions: half the memory of the int64 that flatnonzero gives
        if rows is not None and len(data) < np.iinfo(np.int32).max:
            rows = rows.astype(np.int32)
        self.rows = rows
        self.source: dict[str, pd.Series] = {}
        self.own: dict[str, Any] = {}
        for c in self.columns:
            if sample[c].dtype == data[c].dtype:
                self.source[c] = data[c]
            else:
                self.own[c] = sample[c].array

    @staticmethod
    def of(
        data: pd.DataFrame, sample: pd.DataFrame, rows: np.ndarray | None
    ) -> _SampleRecipe | None:
        """The recipe, or None where the input's columns are not one each."""
        if data.columns.has_duplicates or sample.columns.has_duplicates:
            return None
        return _SampleRecipe(data, sample, rows)

    def sample_index(self) -> pd.Index:
        return self.index if self.rows is None else self.index[self.rows]

    def frame(self) -> pd.DataFrame:
        cols = {}
        for c in self.columns:
            if c in self.own:
                cols[c] = self.own[c]
            else:
                values = self.source[c].array
                cols[c] = values if self.rows is None else values.take(self.rows)
        return pd.DataFrame(cols, index=self.sample_index(), copy=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _SampleRecipe):
            return NotImplemented
        return self.frame().equals(other.frame())

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class LinearFit:
    """A least-squares fit with the information needed to predict on a grid.

    Attributes
    ----------
    outcome : str
        Dependent variable.
    factors, covariates : tuple of str
        Categorical terms (coded by ``contrasts``) and numeric terms.
    contrasts : {"sum", "treatment"}
        Factor coding used in the design matrix.
    coef : pandas.Series
        Coefficients, indexed by design column name (``Intercept``,
        ``group[A]``, ..., ``age_yr``).
    vcov : pandas.DataFrame
        Covariance matrix of ``coef`` (``sigma**2 * (X'X)^-1``).
    df_resid : int
        Residual degrees of freedom ``n - p``.
    rss, sigma : float
        Residual sum of squares and residual standard deviation.
    terms : dict
        Term name -> tuple of design column positions (``Intercept`` first).
    levels : dict
        Factor -> tuple of levels in coding order.
    covariate_means : dict
        Covariate -> mean over the analysis sample.
    binary : tuple of str
        Covariates with exactly two distinct values in the analysis sample.
    covariate_coding : dict
        Non-numeric two-level covariates -> ``(reference, coded_as_1)``; such a
        covariate enters the model (and ``data``) as 0/1.
    data : pandas.DataFrame
        Analysis sample (complete cases; original index); covariates numeric.
        After `release_sample` it is rebuilt on each access from the columns
        it was taken from.
    sample_index : pandas.Index
        The analysis sample's index (its rows' labels in the input).
    n, n_excluded : int
        Rows used and rows left out for missing values.
    missing : dict
        Column -> number of missing values among the input rows.
    formula : str
        R-style formula of the model.
    interactions : tuple of tuples of str
        Interaction terms (e.g. ``(("group", "sex_male"),)``), design
        columns named ``group[A]:sex_male``.
    """

    outcome: str
    factors: tuple[str, ...]
    covariates: tuple[str, ...]
    contrasts: str
    coef: pd.Series
    vcov: pd.DataFrame
    df_resid: int
    rss: float
    sigma: float
    terms: dict[str, tuple[int, ...]]
    levels: dict[str, tuple]
    covariate_means: dict[str, float]
    binary: tuple[str, ...]
    covariate_coding: dict[str, tuple]
    _data: pd.DataFrame | None
    n: int
    n_excluded: int
    missing: dict[str, int]
    formula: str
    interactions: tuple[tuple[str, ...], ...] = ()
    _recipe: _SampleRecipe | None = field(default=None, repr=False)
    #: Each factor's level (position in ``levels``) for each row of the
    #: sample, kept from fitting for the reference grid's counts.
    _level_codes: dict[str, np.ndarray] | None = field(default=None, repr=False)

    @property
    def data(self) -> pd.DataFrame:
        if self._data is not None:
            return self._data
        assert self._recipe is not None  # released only where there is one
        return self._recipe.frame()

    @property
    def sample_index(self) -> pd.Index:
        if self._data is not None:
            return self._data.index
        assert self._recipe is not None
        return self._recipe.sample_index()

    def release_sample(self) -> None:
        """Keep the analysis sample only as what rebuilds it (`data` then
        builds it on each access): the positions of its rows in the input
        and the columns they come from, which pandas shares with the input
        (copy on write) instead of a copy of each. A study run keeps every
        fit; at 10**6 participants with missing values each held 40-60 MB
        of its own sample (tens of fits: over a gigabyte)."""
        if self._recipe is not None:
            object.__setattr__(self, "_data", None)
        object.__setattr__(self, "_level_codes", None)

    def _codes(self, name: str) -> np.ndarray | None:
        """Factor ``name``'s level positions per sample row, if kept."""
        return (self._level_codes or {}).get(name)

    def __repr__(self) -> str:
        return (
            f"<LinearFit {self.formula}: n={self.n}, df_resid={self.df_resid}, "
            f"sigma={self.sigma:.6g}, {len(self.coef)} coefficients>"
        )

    def design_matrix(self, frame: pd.DataFrame) -> np.ndarray:
        """Design rows for ``frame`` (factor levels and numeric covariates)."""
        X, _, _ = _design(
            frame, self.factors, self.levels, self.covariates, self.contrasts, self.interactions
        )
        return X


def _design(
    frame: pd.DataFrame,
    factors: Sequence[str],
    levels: Mapping[str, tuple],
    covariates: Sequence[str],
    contrasts: str,
    interactions: Sequence[tuple[str, ...]] = (),
    level_codes: Mapping[str, np.ndarray] | None = None,
) -> tuple[np.ndarray, list[str], dict[str, tuple[int, ...]]]:
    n = len(frame)
    level_codes = level_codes or {}
    cols: list[np.ndarray] = [np.ones(n)]
    names = ["Intercept"]
    terms: dict[str, tuple[int, ...]] = {"Intercept": (0,)}
    blocks: dict[str, tuple[list[np.ndarray], list[str]]] = {}
    for f in factors:
        blocks[f] = factor_columns(
            frame[f], levels[f], contrasts=contrasts, name=f, codes=level_codes.get(f)
        )
    for c in covariates:
        blocks[c] = ([frame[c].to_numpy(dtype=float)], [c])
    for term in (*factors, *covariates):
        block, block_names = blocks[term]
        start = len(cols)
        cols.extend(block)
        names.extend(block_names)
        terms[term] = tuple(range(start, len(cols)))
    for parts in interactions:
        block, block_names = interaction_columns(blocks, parts)
        start = len(cols)
        cols.extend(block)
        names.extend(block_names)
        terms[":".join(parts)] = tuple(range(start, len(cols)))
    # Column order: least squares reads each block's columns in long runs
    # (`sarcostat.stats.fitting._moments_one`), and stacking writes each
    # column in one run.
    return stack_columns(cols, columns_first=True), names, terms


def fit_linear(
    data: pd.DataFrame,
    *,
    outcome: str,
    factors: str | Sequence[str] = (),
    covariates: str | Sequence[str] = (),
    contrasts: str = "sum",
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> LinearFit:
    """Fit a linear model (ANOVA/ANCOVA) by least squares, ready for LS means.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Numeric dependent variable.
    factors : str or sequence of str, default ()
        Categorical columns (strings, categories or numeric codes such as 0/1).
        Levels are ordered as the categories of a categorical column, else
        sorted.
    covariates : str or sequence of str, default ()
        Numeric columns (a bool column counts as 0/1). A non-numeric column
        with two levels is coded 0/1 (1 = second level in sorted order).
    contrasts : {"sum", "treatment"}, default "sum"
        Factor coding. ``"sum"`` (sum-to-zero, ``contr.sum``) is what SPSS GLM
        and ``car::Anova(type = 3)`` need for Type III tests; LS means do not
        depend on the coding.
    interactions : str or sequence, default ()
        Interaction terms among the factors and covariates, ``"group:sex_male"``
        or ``("group", "sex_male")`` (R's ``group:sex_male``; both main
        effects must be in the model). Their design columns are the products
        of the terms' columns, named ``group[A]:sex_male``.

    Returns
    -------
    LinearFit
        Coefficients, covariance, residual df, levels, covariate means and the
        analysis sample.

    Raises
    ------
    SchemaError
        A column is absent or ``outcome`` is not numeric.
    ParameterError
        Bad option, or a column used twice, or a covariate with more than two
        non-numeric levels (pass it in ``factors``).
    ModelError
        No complete case, a factor level with fewer than 2 participants, a
        constant covariate, a collinear design or no residual df.

    See Also
    --------
    reference_grid, marginal_means, type3_anova, ls_means

    Notes
    -----
    :math:`\\hat\\beta = (X'X)^{-1}X'y`, computed by
    `sarcostat.stats.fitting.least_squares` (Cholesky or QR of the scaled design);
    :math:`\\hat\\sigma^2 = RSS/(n-p)` and
    :math:`\\widehat{V}(\\hat\\beta) = \\hat\\sigma^2 (X'X)^{-1}`.
    Missing data: complete cases over ``outcome``, ``factors`` and ``covariates``
    (SPSS listwise deletion, R ``na.omit``). R equivalent::

        options(contrasts = c("contr.sum", "contr.poly"))
        fit <- lm(outcome ~ factor1 + covariate1, data = d)

    SPSS: ``UNIANOVA outcome BY factor1 WITH covariate1 /METHOD = SSTYPE(3)
    /PRINT = PARAMETER.`` (SPSS sets the last level's parameter to 0 instead
    of sum-to-zero; fitted values, LS means and Type III tests are the same.)

    References
    ----------
    Searle SR. Linear Models for Unbalanced Data. Wiley; 1987.
    doi:10.1002/9781118165737

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1., 2, 3, 5, 6, 8, 9, 11], "g": list("aabbaabb"),
    ...                   "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> fit = fit_linear(d, outcome="y", factors="g", covariates="x")
    >>> fit.coef.round(4).to_dict()
    {'Intercept': -0.9265, 'g[a]': 0.0809, 'x': 1.4559}
    >>> fit.n, fit.df_resid
    (8, 5)
    """
    return _fit(
        data,
        outcome=outcome,
        factors=factors,
        covariates=covariates,
        contrasts=contrasts,
        function="fit_linear",
        interactions=interactions,
    )


def _fit(
    data: pd.DataFrame,
    *,
    outcome: str,
    factors: str | Sequence[str],
    covariates: str | Sequence[str],
    contrasts: str,
    function: str,
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> LinearFit:
    """fit_linear with the caller's name in messages (ls_means, quartile_trend...)."""
    factors_t = _as_tuple(factors, "factors", function)
    covs_t = _as_tuple(covariates, "covariates", function)
    check_option(contrasts, _CONTRASTS, parameter="contrasts", function=function)
    inter = as_interactions(interactions, [*factors_t, *covs_t], function=function)
    if not isinstance(outcome, str):
        raise ParameterError(
            f"The 'outcome' parameter of {function} must be a column name (str). "
            f"Got {outcome!r} instead."
        )
    used = [outcome, *factors_t, *covs_t]
    dupes = sorted({c for c in used if used.count(c) > 1})
    if dupes:
        raise ParameterError(
            f"{function}: column(s) {', '.join(map(repr, dupes))} used more "
            "than once (outcome, factors and covariates must be distinct)."
        )
    require_columns(data, used, function=function)
    if not _is_numeric(data[outcome]):
        raise SchemaError(
            f"{function}: the dependent variable {outcome!r} must be numeric; "
            f"got dtype {data[outcome].dtype}."
        )

    sample, n_excluded, rows = complete_case_rows(data, used, function=function)
    missing = _missing_summary(data, used)
    if len(sample) == 0:
        raise ModelError(
            f"{function}: no complete case for {', '.join(used)} (missing values: {missing})."
        )

    levels: dict[str, tuple] = {}
    level_codes: dict[str, np.ndarray] = {}
    for f in factors_t:
        # Levels come from every non-missing value of the factor, so a level
        # emptied by listwise deletion is reported rather than silently dropped.
        levs, codes = factor_codes(data[f])
        level_codes[f] = codes = codes if rows is None else codes[rows]
        counts = np.bincount(codes, minlength=len(levs))
        for lv, k in zip(levs, counts, strict=True):
            k = int(k)
            if k < 2:
                raise ModelError(
                    f"{function}: level {lv!r} of {f!r} has {k} participant(s) in the analysis "
                    f"sample (n={len(sample):,} complete cases of {', '.join(used)}); each level "
                    "needs at least 2. Merge or drop that level."
                )
        if len(levs) < 2:
            raise ModelError(
                f"{function}: factor {f!r} has a single level ({levs[0]!r}) in the "
                f"analysis sample (n={len(sample):,}); nothing to compare."
            )
        levels[f] = levs

    # Checked on the values as given (before 0/1 coding), so messages show them.
    check_not_constant(sample, covs_t, function=function, roles=dict.fromkeys(covs_t, "covariate"))
    check_not_constant(
        sample,
        [outcome],
        function=function,
        roles={outcome: "the dependent variable"},
        outcome=outcome,
    )
    coding: dict[str, tuple] = {}
    for c in covs_t:
        col = sample[c]
        if _is_numeric(col):
            sample[c] = col.astype(float)
            continue
        levs = _levels(col)
        if len(levs) > 2:
            raise ParameterError(
                f"{function}: covariate {c!r} is categorical with {len(levs)} levels "
                f"({', '.join(map(repr, levs[:5]))}...); pass it in 'factors' instead."
            )
        if len(levs) == 2:
            coding[c] = levs
        sample[c] = (plain_values(col) == levs[-1]).astype(float)

    binary = [c for c in covs_t if _two_values(sample[c])]
    y = sample[outcome].to_numpy(dtype=float)
    X, names, terms = _design(sample, factors_t, levels, covs_t, contrasts, inter, level_codes)
    n, p = X.shape
    df_resid = n - p
    if df_resid < 1:
        raise ModelError(
            f"{function}: {n} complete cases for {p} parameters leave no residual "
            "degrees of freedom; use fewer covariates or more data."
        )

    ls = _ols(X, y, names, outcome=outcome, function=function)
    coef, xtx_inv, rss = ls.coef, ls.xtx_inv, float(ls.rss)
    sigma2 = rss / df_resid
    return LinearFit(
        outcome=outcome,
        factors=factors_t,
        covariates=covs_t,
        contrasts=contrasts,
        coef=pd.Series(coef, index=names, name="coef"),
        vcov=pd.DataFrame(sigma2 * xtx_inv, index=names, columns=names),
        df_resid=int(df_resid),
        rss=rss,
        sigma=math.sqrt(sigma2),
        terms=terms,
        levels=levels,
        covariate_means={c: float(sample[c].mean()) for c in covs_t},
        binary=tuple(binary),
        covariate_coding=coding,
        _data=sample,
        _recipe=_SampleRecipe.of(data, sample, rows),
        _level_codes=level_codes,
        n=int(n),
        n_excluded=int(n_excluded),
        missing=missing,
        formula=_formula(outcome, factors_t, covs_t, inter),
        interactions=tuple(inter),
    )


# --------------------------------------------------------------------------
# Type III tests
# --------------------------------------------------------------------------
def type3_anova(fit: LinearFit) -> pd.DataFrame:
    """Type III sums of squares and F tests for every term of a fit.

    Parameters
    ----------
    fit : LinearFit
        From `fit_linear` (use ``contrasts="sum"`` for tests that match
        SPSS GLM and ``car::Anova(type = 3)``).

    Returns
    -------
    pandas.DataFrame
        One row per term plus ``Residual``; columns ``source``, ``ss``, ``df``,
        ``ms``, ``statistic`` (F), ``p_value``, ``partial_eta_sq``
        (``SS / (SS + RSS)``, SPSS "Partial Eta Squared"). The residual row has
        NaN in the test columns.

    Raises
    ------
    ParameterError
        ``fit`` is not a LinearFit.

    See Also
    --------
    fit_linear, ls_means

    Notes
    -----
    For term :math:`T` with coefficient block :math:`b_T` and covariance block
    :math:`V_T`, :math:`F = b_T' V_T^{-1} b_T / q` on :math:`(q, n-p)` df and
    :math:`SS_T = F\\,q\\,\\hat\\sigma^2` (the extra sum of squares of dropping the
    block, each term adjusted for all others). R:
    ``car::Anova(lm(..., contrasts = contr.sum), type = 3)``; SPSS:
    ``UNIANOVA ... /METHOD = SSTYPE(3)``.

    References
    ----------
    Shaw RG, Mitchell-Olds T. ANOVA for unbalanced data: an overview.
    Ecology 1993;74(6):1638-1645. doi:10.2307/1939922

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1., 2, 3, 5, 6, 8, 9, 11], "g": list("aabbaabb"),
    ...                   "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> type3_anova(fit_linear(d, outcome="y", factors="g", covariates="x"))["source"].tolist()
    ['Intercept', 'g', 'x', 'Residual']
    """
    if not isinstance(fit, LinearFit):
        raise ParameterError(
            f"type3_anova needs a LinearFit from fit_linear; got {type(fit).__name__}."
        )
    b = fit.coef.to_numpy()
    V = fit.vcov.to_numpy()
    sigma2 = fit.sigma**2
    rows = []
    for term, idx in fit.terms.items():
        ix = np.array(idx)
        bt = b[ix]
        wald = float(bt @ np.linalg.solve(V[np.ix_(ix, ix)], bt))
        q = len(ix)
        f_stat = wald / q
        ss = f_stat * q * sigma2
        rows.append(
            {
                "source": term,
                "ss": ss,
                "df": q,
                "ms": ss / q,
                "statistic": f_stat,
                "p_value": float(stats.f.sf(f_stat, q, fit.df_resid)),
                "partial_eta_sq": ss / (ss + fit.rss),
            }
        )
    rows.append(
        {
            "source": "Residual",
            "ss": fit.rss,
            "df": fit.df_resid,
            "ms": sigma2,
            "statistic": np.nan,
            "p_value": np.nan,
            "partial_eta_sq": np.nan,
        }
    )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------
# stage 2: the reference grid
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class ReferenceGrid:
    """The combinations at which the model is evaluated (emmeans ``ref_grid``).

    Attributes
    ----------
    fit : LinearFit
    grid : pandas.DataFrame
        One row per combination: one column per dimension, the covariates at
        their fixed value, and ``.wgt.`` (participants in the analysis sample
        with that combination of factor / kept-binary values, as emmeans).
    linfct : numpy.ndarray
        Design row of each grid row; predictions are ``linfct @ fit.coef``.
    dims : tuple of str
        Grid variables that take several values (factors, binary covariates in
        ``"factor"`` mode, covariates given several values in ``at``).
    fixed : dict
        Covariate -> the single value it is evaluated at.
    binary_covariates, cov_reduce : str
        Options used.
    notes : tuple of str
    """

    fit: LinearFit
    grid: pd.DataFrame
    linfct: np.ndarray
    dims: tuple[str, ...]
    fixed: dict[str, float]
    binary_covariates: str
    cov_reduce: str
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return (
            f"<ReferenceGrid of {self.fit.formula}: {len(self.grid)} row(s), "
            f"dims={self.dims}, fixed={ {k: round(v, 6) for k, v in self.fixed.items()} }>"
        )

    @property
    def predictions(self) -> np.ndarray:
        """Model prediction at each grid row."""
        return self.linfct @ self.fit.coef.to_numpy()


def reference_grid(
    fit: LinearFit,
    *,
    at: Mapping[str, Any] | None = None,
    cov_reduce: str = "mean",
    binary_covariates: str = "proportion",
) -> ReferenceGrid:
    """Reference grid of a fit: factor levels crossed, covariates reduced.

    Parameters
    ----------
    fit : LinearFit
        From `fit_linear`.
    at : dict, optional
        Column -> value or list of values. A factor is restricted to the given
        levels; a covariate is evaluated at the value(s) given (several values
        make it a grid dimension) instead of its reduced value.
    cov_reduce : {"mean", "median"}, default "mean"
        How a numeric covariate is reduced (over the analysis sample). SPSS
        EMMEANS and emmeans use the mean.
    binary_covariates : {"proportion", "factor"}, default "proportion"
        A covariate with exactly two values (e.g. ``sex_male`` 0/1):
        ``"proportion"`` evaluates it at its mean, i.e. the proportion coded 1
        (SPSS covariate; emmeans ``cov.keep = "1"``); ``"factor"`` keeps both
        values as a grid dimension to be averaged over with the ``weights`` of
        `marginal_means` (emmeans >= 1.4.2 default, ``cov.keep = "2"``).

    Returns
    -------
    ReferenceGrid

    Raises
    ------
    ParameterError
        Unknown option, ``at`` naming a column not in the model, a level not in
        the factor or a non-numeric covariate value.

    See Also
    --------
    fit_linear, marginal_means

    Notes
    -----
    Each grid row :math:`g` gives a design row :math:`l_g` and prediction
    :math:`l_g'\\hat\\beta`. R: ``emmeans::ref_grid(fit, cov.keep = "1")``
    (proportion) or ``ref_grid(fit)`` (factor); ``at = list(age_yr = 70)``.
    SPSS: ``/EMMEANS = TABLES(group) WITH(age_yr = 70)``.

    References
    ----------
    Lenth RV. Least-squares means: the R package lsmeans. J Stat Softw
    2016;69(1):1-33. doi:10.18637/jss.v069.i01

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1., 2, 3, 5, 6, 8, 9, 11], "g": list("aabbaabb"),
    ...                   "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> rg = reference_grid(fit_linear(d, outcome="y", factors="g", covariates="x"))
    >>> rg.grid
       g    x  .wgt.
    0  a  4.5      4
    1  b  4.5      4
    """
    function = "reference_grid"
    if not isinstance(fit, LinearFit):
        raise ParameterError(
            f"{function} needs a LinearFit from fit_linear; got {type(fit).__name__}."
        )
    check_option(cov_reduce, _COV_REDUCE, parameter="cov_reduce", function=function)
    check_option(binary_covariates, _BINARY, parameter="binary_covariates", function=function)
    at = dict(at or {})
    for key in at:
        if key not in fit.factors and key not in fit.covariates:
            raise ParameterError(
                f"{function}: 'at' names {key!r}, which is not a factor or covariate of the "
                f"model ({', '.join([*fit.factors, *fit.covariates])})."
            )

    dim_values: dict[str, tuple] = {}
    count_dims: list[str] = []
    fixed: dict[str, float] = {}
    notes: list[str] = []
    for f in fit.factors:
        levs = fit.levels[f]
        if f in at:
            wanted = at[f] if isinstance(at[f], (list, tuple)) else [at[f]]
            wanted = [_plain(v) for v in wanted]
            bad = [v for v in wanted if v not in levs]
            if bad:
                raise ParameterError(
                    f"{function}: 'at' gives level(s) {bad!r} for {f!r}; "
                    f"its levels are {list(levs)!r}."
                )
            levs = tuple(wanted)
        dim_values[f] = levs
        count_dims.append(f)
    covariate_text = []
    for c in fit.covariates:
        values = fit.data[c]
        if c in at:
            given = at[c] if isinstance(at[c], (list, tuple, np.ndarray)) else [at[c]]
            try:
                given = [float(v) for v in given]
            except (TypeError, ValueError):
                raise ParameterError(
                    f"{function}: 'at' value(s) for covariate {c!r} must be numeric; got {at[c]!r}."
                ) from None
            if len(given) == 1:
                fixed[c] = given[0]
                covariate_text.append(f"{c} = {_fmt(given[0])} (given)")
            else:
                dim_values[c] = tuple(given)
            continue
        if c in fit.binary and binary_covariates == "factor":
            dim_values[c] = tuple(float(v) for v in sorted(values.unique()))
            count_dims.append(c)
            continue
        value = float(values.mean() if cov_reduce == "mean" or c in fit.binary else values.median())
        fixed[c] = value
        if c in fit.binary:
            what = "proportion"
            if c in fit.covariate_coding:
                what = f"proportion {fit.covariate_coding[c][-1]!r}"
            covariate_text.append(f"{c} = {_fmt(value)} ({what})")
        else:
            covariate_text.append(
                f"{c} = {_fmt(value)}" + (" (median)" if cov_reduce == "median" else "")
            )
    if covariate_text:
        notes.append("Covariates evaluated at: " + ", ".join(covariate_text) + ".")

    dims = tuple(dim_values)
    rows = list(product(*dim_values.values())) if dims else [()]
    grid = pd.DataFrame(rows, columns=list(dims))
    for c, v in fixed.items():
        grid[c] = v
    # Participants per grid cell over the factor-like dimensions (emmeans .wgt.).
    dim_codes = [fit._codes(d) for d in count_dims]
    if count_dims and all(c is not None for c in dim_codes):
        # The factors' codes from fitting: one count per cell of their levels.
        dims_levels = [fit.levels[d] for d in count_dims]
        cell = np.ravel_multi_index(
            tuple(np.asarray(c) for c in dim_codes), [len(lv) for lv in dims_levels]
        )
        sizes = np.bincount(cell, minlength=math.prod(len(lv) for lv in dims_levels))
        lookup = {key: int(n) for key, n in zip(product(*dims_levels), sizes, strict=True) if n}
    elif count_dims:
        keys = [plain_values(fit.data[d]) for d in count_dims]
        counts = fit.data.groupby(keys, sort=False).size()
        if len(count_dims) == 1:
            counts.index = pd.MultiIndex.from_arrays([counts.index])
        lookup = {tuple(_plain(v) for v in k): int(n) for k, n in counts.items()}  # type: ignore[attr-defined]
    if count_dims:
        grid[".wgt."] = [
            lookup.get(tuple(_plain(v) for v in key), 0)
            for key in grid[count_dims].itertuples(index=False, name=None)
        ]
    else:
        grid[".wgt."] = fit.n
    design_frame = grid.copy()
    linfct = fit.design_matrix(design_frame)
    return ReferenceGrid(
        fit=fit,
        grid=grid,
        linfct=linfct,
        dims=dims,
        fixed=fixed,
        binary_covariates=binary_covariates,
        cov_reduce=cov_reduce,
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------
# stage 3: marginal means
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class MarginalMeans(StatResult):
    """Estimated marginal (least-square) means; ``table`` has one row per level.

    Attributes
    ----------
    table : pandas.DataFrame
        Columns as listed in `marginal_means`.
    notes : tuple of str
    meta : dict
    linfct : numpy.ndarray
        One row per mean: the averaged design row (``estimate = linfct @ coef``).
    levels : tuple
        Level of each row (a tuple when several specs).
    specs : tuple of str
    fit : LinearFit
    confidence : float
    """

    linfct: np.ndarray | None = None
    levels: tuple = ()
    specs: tuple[str, ...] = ()
    fit: LinearFit | None = None
    confidence: float = 0.95


def _weights_for(
    grid: ReferenceGrid, rows: np.ndarray, spec_dims: Sequence[str], weights: str
) -> np.ndarray:
    g = grid.grid
    wgt = g[".wgt."].to_numpy(dtype=float)
    avg_dims = [d for d in grid.dims if d not in spec_dims and g[d].nunique() > 1]
    if weights == "equal" or not avg_dims:
        return np.ones(len(rows))
    if weights == "cells":
        return wgt[rows]
    if weights == "flat":
        return (wgt[rows] > 0).astype(float)
    keys = [tuple(_plain(v) for v in r) for r in g[avg_dims].itertuples(index=False, name=None)]
    if weights == "proportional":
        # Frequency of each combination of the averaged-over dimensions in the
        # whole analysis sample (summed over the levels of the specs).
        total: dict[tuple, float] = {}
        for k, w in zip(keys, wgt):
            total[k] = total.get(k, 0.0) + w
        return np.array([total[keys[i]] for i in rows], dtype=float)
    # outer: product of the one-way marginal proportions of each averaged dim
    out = np.ones(len(rows))
    n_total = wgt.sum()
    for pos in range(len(avg_dims)):
        marg: dict[Any, float] = {}
        for k, w in zip(keys, wgt):
            marg[k[pos]] = marg.get(k[pos], 0.0) + w
        out *= np.array([marg[keys[i][pos]] / n_total for i in rows], dtype=float)
    return out


def marginal_means(
    grid: ReferenceGrid,
    specs: str | Sequence[str],
    *,
    weights: str = "equal",
    confidence: float = 0.95,
) -> MarginalMeans:
    """Average the reference-grid predictions for each level of ``specs``.

    Parameters
    ----------
    grid : ReferenceGrid
        From `reference_grid`.
    specs : str or sequence of str
        Grid dimension(s) whose levels get a mean.
    weights : {"equal", "proportional", "outer", "cells", "flat"}, default "equal"
        How the other dimensions are averaged over (emmeans ``weights``).
        ``"equal"``: each combination alike (SPSS EMMEANS, emmeans default);
        ``"proportional"``: in proportion to the frequency of the combination in
        the analysis sample; ``"outer"``: product of the one-way marginal
        frequencies; ``"cells"``: the frequencies within each level of
        ``specs`` (gives the ordinary mean of the fitted values);
        ``"flat"``: equal over non-empty cells only.
    confidence : float, default 0.95
        Confidence level of the t-based intervals.

    Returns
    -------
    MarginalMeans
        ``table`` columns: ``level`` (with several specs, one column per spec
        first and ``level`` as ``"a:b"``), ``estimate``, ``se``, ``df``,
        ``ci_lower``, ``ci_upper``, ``n`` (participants at that level in the
        analysis sample).

    Raises
    ------
    ParameterError
        Unknown option or a spec that is not a grid dimension.
    ModelError
        Every cell of a level is empty under ``"cells"`` / ``"flat"`` weights.

    See Also
    --------
    reference_grid, pairwise, ls_means

    Notes
    -----
    For level :math:`j` with grid rows :math:`G_j` and weights :math:`w_g`,
    :math:`L_j = \\sum_{g \\in G_j} w_g l_g / \\sum w_g`, estimate
    :math:`L_j\\hat\\beta`, :math:`SE = \\sqrt{L_j \\widehat V L_j'}`, CI
    :math:`\\pm t_{1-\\alpha/2,\\,n-p}\\,SE`. R:
    ``emmeans(ref_grid(fit, cov.keep = "1"), "group", weights = "equal")``;
    SPSS: ``/EMMEANS = TABLES(group) WITH(sex_male = MEAN)``.

    References
    ----------
    Searle SR, Speed FM, Milliken GA. Population marginal means in the linear
    model: an alternative to least squares means. Am Stat 1980;34(4):216-221.
    doi:10.1080/00031305.1980.10483031

    Lenth RV. Least-squares means: the R package lsmeans. J Stat Softw
    2016;69(1):1-33. doi:10.18637/jss.v069.i01

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1., 2, 3, 5, 6, 8, 9, 11], "g": list("aabbaabb"),
    ...                   "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> rg = reference_grid(fit_linear(d, outcome="y", factors="g", covariates="x"))
    >>> marginal_means(rg, "g").table[["level", "estimate", "n"]].round(4)
      level  estimate  n
    0     a    5.7059  4
    1     b    5.5441  4
    """
    function = "marginal_means"
    if not isinstance(grid, ReferenceGrid):
        raise ParameterError(
            f"{function} needs a ReferenceGrid from reference_grid; got {type(grid).__name__}."
        )
    spec_t = _as_tuple(specs, "specs", function)
    if not spec_t:
        raise ParameterError(
            f"The 'specs' parameter of {function} must name at least one "
            f"grid dimension ({', '.join(grid.dims)})."
        )
    for s in spec_t:
        if s not in grid.dims:
            raise ParameterError(
                f"{function}: {s!r} is not a dimension of the reference grid "
                f"(dimensions: {', '.join(grid.dims) or 'none'})."
            )
    check_option(weights, _WEIGHTS, parameter="weights", function=function)
    confidence = check_confidence(confidence, function)
    fit = grid.fit
    g = grid.grid
    keys = list(g[list(spec_t)].itertuples(index=False, name=None))
    order = list(dict.fromkeys(keys))
    coef = fit.coef.to_numpy()
    V = fit.vcov.to_numpy()
    tcrit = stats.t.ppf(0.5 + confidence / 2, fit.df_resid)
    L_rows, recs = [], []
    sample_cols = None
    count_specs = [s for s in spec_t if s in fit.factors or s in fit.binary]
    if count_specs:
        # Participants per level: one vectorized comparison per dimension, on
        # a factor's level positions kept from fitting where there are some.
        sample_cols = [
            (fit._codes(c), {lv: i for i, lv in enumerate(fit.levels[c])})
            if fit._codes(c) is not None
            else (plain_values(fit.data[c]).to_numpy(), None)
            for c in count_specs
        ]
    for key in order:
        rows = np.array([i for i, k in enumerate(keys) if k == key])
        w = _weights_for(grid, rows, spec_t, weights)
        if w.sum() <= 0:
            raise ModelError(
                f"{function}: no participant in the cells of {key!r}; "
                f"'{weights}' weights are undefined there."
            )
        L = (w[:, None] * grid.linfct[rows]).sum(axis=0) / w.sum()
        est = float(L @ coef)
        se = float(math.sqrt(L @ V @ L))
        if sample_cols is not None:
            want = tuple(_plain(key[spec_t.index(s)]) for s in count_specs)
            hit = np.ones(len(fit.data), dtype=bool)
            for (col, position), value in zip(sample_cols, want, strict=True):
                if position is not None:
                    value = position.get(value, -1)
                hit &= np.asarray(col == value, dtype=bool)
            n_lev = int(hit.sum())
        else:
            n_lev = fit.n
        rec = {s: key[i] for i, s in enumerate(spec_t)} if len(spec_t) > 1 else {}
        rec["level"] = key[0] if len(spec_t) == 1 else ":".join(_label(v) for v in key)
        rec.update(
            estimate=est,
            se=se,
            df=fit.df_resid,
            ci_lower=est - tcrit * se,
            ci_upper=est + tcrit * se,
            n=n_lev,
        )
        recs.append(rec)
        L_rows.append(L)
    notes = list(grid.notes)
    averaged = [d for d in grid.dims if d not in spec_t and g[d].nunique() > 1]
    if averaged:
        shown = ", ".join(
            f"{d} ({', '.join(_label(v) for v in dict.fromkeys(g[d]))})" for d in averaged
        )
        notes.append(f"Averaged with {weights} weights over: {shown}.")
    notes.append(f"Confidence level used: {confidence:g} (t on {fit.df_resid} df).")
    table = pd.DataFrame(recs)
    meta = {
        "specs": spec_t,
        "weights": weights,
        "confidence": confidence,
        "binary_covariates": grid.binary_covariates,
        "cov_reduce": grid.cov_reduce,
        "covariates_at": dict(grid.fixed),
        "n": fit.n,
        "n_excluded": fit.n_excluded,
        "formula": fit.formula,
        "df": fit.df_resid,
    }
    return MarginalMeans(
        table=table,
        notes=tuple(notes),
        meta=meta,
        linfct=np.vstack(L_rows),
        levels=tuple(order if len(spec_t) > 1 else [k[0] for k in order]),
        specs=spec_t,
        fit=fit,
        confidence=confidence,
    )


# --------------------------------------------------------------------------
# pairwise comparisons
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PairwiseResult(StatResult):
    """Pairwise differences of marginal means (`pairwise`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per pair; columns as listed in `pairwise`.
    notes : tuple of str
    meta : dict
    adjust : str
        Multiplicity adjustment used.
    n_comparisons : int
        Number of pairs, :math:`k(k-1)/2`.
    """

    adjust: str = "lsd"
    n_comparisons: int = 0


def _adjust(p: np.ndarray, alpha: float, m: int, adjust: str) -> tuple[np.ndarray, float]:
    """Adjusted p values and the per-comparison two-sided alpha for the CIs."""
    if adjust == "bonferroni":
        return np.minimum(1.0, p * m), alpha / m
    if adjust == "sidak":
        # 1 - (1 - p)^m and 1 - (1 - alpha)^(1/m), in log space for small p.
        return -np.expm1(m * np.log1p(-p)), float(-np.expm1(np.log1p(-alpha) / m))
    return p.copy(), alpha


def pairwise(
    means: MarginalMeans | ReferenceGrid,
    *,
    adjust: str = "lsd",
    confidence: float = 0.95,
    specs: str | Sequence[str] | None = None,
    weights: str = "equal",
) -> PairwiseResult:
    """All pairwise differences of marginal means with adjusted p values and CIs.

    Parameters
    ----------
    means : MarginalMeans or ReferenceGrid
        Means from `marginal_means`, or a grid (then ``specs`` and
        ``weights`` are passed to `marginal_means`; ``specs`` may be
        left out when the grid has one dimension).
    adjust : {"lsd", "none", "bonferroni", "sidak"}, default "lsd"
        Multiplicity adjustment over the :math:`m = k(k-1)/2` comparisons.
        ``"lsd"`` (SPSS default) and ``"none"`` are the same: no adjustment.
    confidence : float, default 0.95
        Family confidence level of the (adjusted) intervals.
    specs, weights
        Used only when ``means`` is a ReferenceGrid.

    Returns
    -------
    PairwiseResult
        ``table`` columns: ``contrast`` (``"A - B"``), ``level_1``,
        ``level_2``, ``estimate`` (mean of level_1 minus mean of level_2),
        ``se``, ``df``, ``statistic`` (t), ``p_value`` (adjusted),
        ``p_unadjusted``, ``ci_lower``, ``ci_upper`` (adjusted).

    Raises
    ------
    ParameterError
        Unknown option, or fewer than two levels.

    See Also
    --------
    marginal_means, ls_means

    Notes
    -----
    :math:`t = (L_i - L_j)\\hat\\beta / SE` on the residual df.
    Bonferroni: :math:`p_{adj} = \\min(1, m p)`, CI with
    :math:`t_{1-\\alpha/(2m)}`. Sidak: :math:`p_{adj} = 1-(1-p)^m`, CI with
    :math:`\\alpha_s = 1-(1-\\alpha)^{1/m}`. R:
    ``confint(pairs(emm, adjust = "bonferroni"))`` (p values:
    ``summary(pairs(...), infer = TRUE)``); SPSS:
    ``/EMMEANS = TABLES(group) COMPARE ADJ(BONFERRONI)``, which lists each pair
    in both directions.

    References
    ----------
    Dunn OJ. Multiple comparisons among means. J Am Stat Assoc
    1961;56(293):52-64. doi:10.1080/01621459.1961.10482090

    Sidak Z. Rectangular confidence regions for the means of multivariate
    normal distributions. J Am Stat Assoc 1967;62(318):626-633.
    doi:10.1080/01621459.1967.10482935

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1., 2, 3, 5, 6, 8, 9, 11], "g": list("aabbaabb"),
    ...                   "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> rg = reference_grid(fit_linear(d, outcome="y", factors="g", covariates="x"))
    >>> pairwise(rg).table[["contrast", "estimate"]].round(4)
      contrast  estimate
    0    a - b    0.1618
    """
    function = "pairwise"
    check_option(adjust, _ADJUST, parameter="adjust", function=function)
    confidence = check_confidence(confidence, function)
    if isinstance(means, ReferenceGrid):
        if specs is None:
            if len(means.dims) != 1:
                raise ParameterError(
                    f"{function}: the grid has dimensions "
                    f"{', '.join(means.dims) or 'none'}; name one in 'specs'."
                )
            specs = means.dims[0]
        means = marginal_means(means, specs, weights=weights, confidence=confidence)
    if not isinstance(means, MarginalMeans):
        raise ParameterError(
            f"{function} needs MarginalMeans or a ReferenceGrid; got {type(means).__name__}."
        )
    fit = means.fit
    assert fit is not None and means.linfct is not None  # set by marginal_means
    k = len(means.levels)
    if k < 2:
        raise ParameterError(f"{function}: {k} level(s); pairwise comparisons need 2 or more.")
    m = k * (k - 1) // 2
    coef = fit.coef.to_numpy()
    V = fit.vcov.to_numpy()
    recs = []
    for i in range(k):
        for j in range(i + 1, k):
            L = means.linfct[i] - means.linfct[j]
            est = float(L @ coef)
            se = float(math.sqrt(L @ V @ L))
            li, lj = means.levels[i], means.levels[j]
            name_i = ":".join(map(_label, li)) if isinstance(li, tuple) else _label(li)
            name_j = ":".join(map(_label, lj)) if isinstance(lj, tuple) else _label(lj)
            recs.append(
                {
                    "contrast": f"{name_i} - {name_j}",
                    "level_1": li,
                    "level_2": lj,
                    "estimate": est,
                    "se": se,
                    "df": fit.df_resid,
                    "statistic": est / se,
                }
            )
    table = pd.DataFrame(recs)
    p_raw = 2 * stats.t.sf(np.abs(table["statistic"].to_numpy()), fit.df_resid)
    alpha = 1 - confidence
    p_adj, alpha_each = _adjust(p_raw, alpha, m, adjust)
    tcrit = stats.t.ppf(1 - alpha_each / 2, fit.df_resid)
    table["p_value"] = p_adj
    table["p_unadjusted"] = p_raw
    table["ci_lower"] = table["estimate"] - tcrit * table["se"]
    table["ci_upper"] = table["estimate"] + tcrit * table["se"]
    if adjust in ("lsd", "none"):
        adj_note = "No adjustment for multiple comparisons (LSD)."
    else:
        adj_note = (
            f"P values and {confidence:g} confidence intervals "
            f"{'Bonferroni' if adjust == 'bonferroni' else 'Sidak'}-adjusted "
            f"for {m} comparison{'s' if m > 1 else ''}."
        )
    meta = dict(means.meta, adjust=adjust, n_comparisons=m, confidence=confidence)
    return PairwiseResult(
        table=table, notes=(*means.notes[:-1], adj_note), meta=meta, adjust=adjust, n_comparisons=m
    )


# --------------------------------------------------------------------------
# the Fig. 1 bundle
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class LSMeansResult(StatResult):
    """LS means of one factor with Type III test and pairwise comparisons.

    Attributes
    ----------
    table, means : pandas.DataFrame
        The LS means (``level, estimate, se, df, ci_lower, ci_upper, n``).
    contrasts : pandas.DataFrame
        Pairwise comparisons (see `pairwise`).
    anova : pandas.DataFrame
        Type III table (see `type3_anova`).
    p_value, statistic : float
        Type III F test of the grouping factor.
    unadjusted : LSMeansResult or None
        The same analysis without covariates (None when there are none or
        when not asked for).
    fit : LinearFit
    grid : ReferenceGrid
    notes : tuple of str
    meta : dict
    """

    means: pd.DataFrame | None = None
    contrasts: pd.DataFrame | None = None
    anova: pd.DataFrame | None = None
    p_value: float = float("nan")
    statistic: float = float("nan")
    unadjusted: LSMeansResult | None = None
    fit: LinearFit | None = None
    grid: ReferenceGrid | None = None

    def to_long_frame(self) -> pd.DataFrame:
        """Means of the unadjusted and the adjusted model stacked, with ``model``
        (``"unadjusted"`` / ``"adjusted"``) and the group ``p_value`` per row."""
        parts = []
        assert self.means is not None  # set by ls_means
        if self.unadjusted is not None and self.unadjusted.means is not None:
            parts.append(
                self.unadjusted.means.assign(model="unadjusted", p_value=self.unadjusted.p_value)
            )
        parts.append(
            self.means.assign(
                model="adjusted" if self.meta.get("covariates") else "unadjusted",
                p_value=self.p_value,
            )
        )
        return pd.concat(parts, ignore_index=True)


def _split_covariates(data: pd.DataFrame, covariates: Sequence[str]) -> tuple[list[str], list[str]]:
    """Categorical covariates with more than two levels become averaged-over factors."""
    factors, numeric = [], []
    for c in covariates:
        col = data[c]
        if not _is_numeric(col) and len(_levels(col)) > 2:
            factors.append(c)
        else:
            numeric.append(c)
    return factors, numeric


def _version() -> str:
    from sarcostat._version import __version__

    return __version__


def _excluded_note(fit: LinearFit) -> str:
    if not fit.n_excluded:
        return f"n = {fit.n} (no missing values)."
    miss = ", ".join(f"{c} ({k})" for c, k in fit.missing.items())
    return (
        f"n = {fit.n} complete cases; {fit.n_excluded} excluded for missing values "
        f"(missing: {miss})."
    )


def ls_means(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    covariates: str | Sequence[str] = (),
    weights: str = "equal",
    binary_covariates: str = "proportion",
    adjust: str = "lsd",
    confidence: float = 0.95,
    unadjusted: str = "own",
    at: Mapping[str, Any] | None = None,
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> LSMeansResult:
    """ANCOVA least-square means of ``outcome`` by ``group``, adjusted and unadjusted.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Numeric outcome (e.g. the biomarker in Fig. 1).
    group : str
        Grouping factor (string, category or numeric codes such as
        ``sarcopenia`` 0/1).
    covariates : str or sequence of str, default ()
        Adjustment variables. Numeric columns enter as covariates (a 0/1
        column such as ``sex_male`` is a binary covariate, see
        ``binary_covariates``); a non-numeric two-level column is coded 0/1; a
        non-numeric column with more levels enters as a factor and is averaged
        over with ``weights``.
    weights : {"equal", "proportional", "outer", "cells", "flat"}, default "equal"
        Averaging over other factors (see `marginal_means`).
    binary_covariates : {"proportion", "factor"}, default "proportion"
        Two-valued covariates at their proportion (SPSS) or averaged over as a
        factor (emmeans >= 1.4.2 default); see `reference_grid`.
    adjust : {"lsd", "none", "bonferroni", "sidak"}, default "lsd"
        Pairwise-comparison adjustment (see `pairwise`).
    confidence : float, default 0.95
    unadjusted : {"own", "same", "none"}, default "own"
        Also fit ``outcome ~ group`` when there are covariates: on its own
        complete cases (``"own"``, as a separate SPSS run), on the adjusted
        model's sample (``"same"``), or not at all.
    at : dict, optional
        Covariate -> value(s) at which the means are evaluated instead of
        the covariate's mean, or group -> level(s) to keep (emmeans ``at``;
        SPSS ``/EMMEANS = TABLES(group) WITH(age_yr = 70)``); several values
        of a covariate are averaged over with ``weights``. See
        `reference_grid`. The unadjusted model uses only the group's
        entry.
    interactions : str or sequence, default ()
        Interaction terms of the adjusted model, e.g. ``"sarcopenia:sex_male"``
        (see `fit_linear`); with ``at={"sex_male": 1}`` the means are
        those of men. The unadjusted model has none.

    Returns
    -------
    LSMeansResult
        ``means`` (``table``): ``level``, ``estimate``, ``se``, ``df``,
        ``ci_lower``, ``ci_upper``, ``n``; ``contrasts``: see
        `pairwise`; ``anova``: see `type3_anova`; ``p_value`` and
        ``statistic``: Type III F test of ``group``; ``unadjusted``: an
        LSMeansResult of the model without covariates (None if none).

    Raises
    ------
    SchemaError, ParameterError, ModelError
        As `fit_linear`, `marginal_means` and `pairwise`.

    See Also
    --------
    fit_linear, reference_grid, marginal_means, pairwise, type3_anova,
    sarcostat.stats.trend.quartile_trend

    Notes
    -----
    Model :math:`y = \\mu + \\alpha_{group} + \\sum_c \\beta_c x_c + e` with
    sum-to-zero :math:`\\alpha`; LS mean of group :math:`j` =
    :math:`\\hat\\mu + \\hat\\alpha_j + \\sum_c \\hat\\beta_c \\bar x_c`.
    Missing data: complete cases per model (n reported in ``meta`` and
    ``notes``). SPSS (defaults reproduced)::

        UNIANOVA biomarker BY sarcopenia WITH age_yr sex_male bmi
          /METHOD = SSTYPE(3)
          /EMMEANS = TABLES(sarcopenia) WITH(age_yr=MEAN sex_male=MEAN bmi=MEAN)
                     COMPARE ADJ(LSD)
          /DESIGN = age_yr sex_male bmi sarcopenia.

    R::

        options(contrasts = c("contr.sum", "contr.poly"))
        fit <- lm(biomarker ~ factor(sarcopenia) + age_yr + sex_male + bmi, d)
        car::Anova(fit, type = 3)
        emm <- emmeans(fit, "sarcopenia", cov.keep = "1")
        confint(pairs(emm, adjust = "none"))

    References
    ----------
    Searle SR, Speed FM, Milliken GA. Population marginal means in the linear
    model: an alternative to least squares means. Am Stat 1980;34(4):216-221.
    doi:10.1080/00031305.1980.10483031

    Lenth RV. Least-squares means: the R package lsmeans. J Stat Softw
    2016;69(1):1-33. doi:10.18637/jss.v069.i01

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"y": [1., 2, 3, 5, 6, 8, 9, 11], "g": list("aabbaabb"),
    ...                   "x": [1., 2, 3, 4, 5, 6, 7, 8]})
    >>> res = ls_means(d, outcome="y", group="g", covariates="x")
    >>> res.means[["level", "estimate"]].round(4)
      level  estimate
    0     a    5.7059
    1     b    5.5441
    >>> round(res.p_value, 4), round(res.unadjusted.p_value, 4)
    (0.6018, 0.3068)
    """
    function = "ls_means"
    covs = _as_tuple(covariates, "covariates", function)
    check_option(unadjusted, _UNADJUSTED, parameter="unadjusted", function=function)
    check_option(weights, _WEIGHTS, parameter="weights", function=function)
    check_option(binary_covariates, _BINARY, parameter="binary_covariates", function=function)
    check_option(adjust, _ADJUST, parameter="adjust", function=function)
    confidence = check_confidence(confidence, function)
    if not isinstance(group, str):
        raise ParameterError(
            f"The 'group' parameter of {function} must be a column name "
            f"(str). Got {group!r} instead."
        )
    if group in covs:
        raise ParameterError(f"{function}: {group!r} is both 'group' and a covariate.")
    require_columns(data, [outcome, group, *covs], function=function)
    extra_factors, numeric_covs = _split_covariates(data, covs)

    result = _ls_means_one(
        data,
        outcome=outcome,
        group=group,
        extra_factors=extra_factors,
        covariates=numeric_covs,
        weights=weights,
        binary_covariates=binary_covariates,
        adjust=adjust,
        confidence=confidence,
        at=at,
        interactions=interactions,
    )
    if covs and unadjusted != "none":
        source = unadjusted_source(data, [outcome, group, *covs], unadjusted)
        unadj = _ls_means_one(
            source,
            outcome=outcome,
            group=group,
            extra_factors=[],
            covariates=[],
            weights=weights,
            binary_covariates=binary_covariates,
            adjust=adjust,
            confidence=confidence,
            at={k: v for k, v in (at or {}).items() if k == group},
        )
        result = replace(result, unadjusted=unadj)
    return result


def _ls_means_one(
    data: pd.DataFrame,
    *,
    outcome: str,
    group: str,
    extra_factors: Sequence[str],
    covariates: Sequence[str],
    weights: str,
    binary_covariates: str,
    adjust: str,
    confidence: float,
    at: Mapping[str, Any] | None = None,
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> LSMeansResult:
    fit = _fit(
        data,
        outcome=outcome,
        factors=[group, *extra_factors],
        covariates=covariates,
        contrasts="sum",
        function="ls_means",
        interactions=interactions,
    )
    grid = reference_grid(fit, at=at, binary_covariates=binary_covariates)
    means = marginal_means(grid, group, weights=weights, confidence=confidence)
    pairs = pairwise(means, adjust=adjust, confidence=confidence)
    anova = type3_anova(fit)
    row = anova.loc[anova["source"] == group].iloc[0]
    covs_all = [*extra_factors, *covariates]
    notes = [
        _excluded_note(fit),
        *means.notes,
        f"{group} P value: Type III F test (sum-to-zero contrasts), "
        f"F({int(row['df'])}, {fit.df_resid}) = {_fmt(row['statistic'])}.",
        pairs.notes[-1],
    ]
    if covs_all:
        notes.insert(1, f"Adjusted for {', '.join(covs_all)}.")
    meta = dict(
        means.meta,
        outcome=outcome,
        group=group,
        covariates=tuple(covs_all),
        adjust=adjust,
        n_comparisons=pairs.n_comparisons,
        contrasts="sum",
        missing=dict(fit.missing),
        sarcostat_version=_version(),
        reference="R emmeans (cov.keep) + car::Anova(type = 3); "
        "SPSS UNIANOVA /METHOD=SSTYPE(3) /EMMEANS",
    )
    return LSMeansResult(
        table=means.table,
        notes=tuple(notes),
        meta=meta,
        means=means.table,
        contrasts=pairs.table,
        anova=anova,
        p_value=float(row["p_value"]),
        statistic=float(row["statistic"]),
        fit=fit,
        grid=grid,
    )


def release_samples(result: Any) -> Any:
    """Call `LinearFit.release_sample` on every fit held by ``result`` (a
    stats result, or lists, tuples and dicts of them); returns ``result``.

    For callers that keep many results, as a study run does: each fit's
    analysis sample then costs the positions of its rows instead of a copy
    of its columns, and is rebuilt when asked for (``fit.data``). Numbers
    already computed are untouched.
    """
    seen: set[int] = set()
    todo = [result]
    while todo:
        obj = todo.pop()
        if id(obj) in seen or isinstance(obj, (str, bytes, int, float, pd.DataFrame, pd.Series)):
            continue
        seen.add(id(obj))
        if isinstance(obj, LinearFit):
            obj.release_sample()
        elif isinstance(obj, dict):
            todo.extend(obj.values())
        elif isinstance(obj, (list, tuple)):
            todo.extend(obj)
        elif is_dataclass(obj) and not isinstance(obj, type):
            todo.extend(getattr(obj, f.name) for f in fields(obj))
    return result
