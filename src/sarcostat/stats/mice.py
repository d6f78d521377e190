"""Multiple imputation by chained equations and Rubin's rules (as R ``mice``).

`mice` imputes the gaps of a numeric table ``m`` times: predictive
mean matching (PMM) for continuous variables, a logistic model for binary
ones (mice's ``"pmm"`` and ``"logreg"``), each variable in turn from all
the others, ``iterations`` rounds per chain, one independent random stream
per chain derived from ``seed`` (same seed, same imputations).
`rubin_pool` pools one coefficient over the completed data sets
exactly as ``mice::pool`` does (Rubin 1987 with the Barnard-Rubin degrees
of freedom), and `md_pattern` is ``mice::md.pattern``.

Why not ``statsmodels.imputation.mice``: its ``MICEData`` draws from
numpy's global random state (no per-analysis seed, so "same seed, same
imputations" would depend on everything else the process did), imputes a
binary variable by matching on a linear prediction instead of drawing it
from a logistic model, and has no notion of cells that must stay missing
(a timed test recorded as "unable to perform" is a value, not a gap).
Its ``MICE`` pooling uses the large-sample degrees of freedom, not
Barnard-Rubin. The models here are fitted by the one numerical core
(`sarcostat.stats.fitting`).

References
----------
van Buuren S, Groothuis-Oudshoorn K. mice: Multivariate Imputation by
Chained Equations in R. J Stat Softw. 2011;45(3):1-67. doi:10.18637/jss.v045.i03

Rubin DB. Multiple Imputation for Nonresponse in Surveys. Wiley; 1987.
doi:10.1002/9780470316696

Barnard J, Rubin DB. Small-sample degrees of freedom with multiple
imputation. Biometrika. 1999;86(4):948-955. doi:10.1093/biomet/86.4.948
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ModelError, ParameterError
from sarcostat.stats.fitting import least_squares, logistic_fit, rank_deficient_columns

__all__ = ["MiceResult", "PooledEstimate", "mice", "rubin_pool", "md_pattern"]

#: Donors per missing value in predictive mean matching (mice's default ``donors = 5``).
DONORS = 5
#: Ridge added to X'X before drawing the regression parameters (mice's ``ridge = 1e-05``).
RIDGE = 1e-5


# --------------------------------------------------------------- pooling
@dataclass(frozen=True)
class PooledEstimate:
    """One coefficient pooled over ``m`` completed data sets (``mice::pool``).

    Attributes
    ----------
    estimate : float
        Mean of the ``m`` estimates (qbar).
    se : float
        sqrt(t), the total standard error.
    statistic : float
        estimate / se (referred to a t distribution with ``df``).
    df : float
        Barnard-Rubin degrees of freedom.
    p_value : float
        Two-sided, ``2 * pt(-|statistic|, df)``.
    ci_lower, ci_upper : float
        estimate ± qt(1 - (1 - confidence)/2, df) × se.
    m : int
        Number of completed data sets.
    ubar, b, t : float
        Within-, between- and total variance.
    dfcom : float
        Complete-data degrees of freedom (the model's residual df).
    riv, lambda_, fmi : float
        Relative increase in variance, proportion of variance due to
        missingness, fraction of missing information.
    """

    estimate: float
    se: float
    statistic: float
    df: float
    p_value: float
    ci_lower: float
    ci_upper: float
    m: int
    ubar: float
    b: float
    t: float
    dfcom: float
    riv: float
    lambda_: float
    fmi: float

    def to_dict(self) -> dict[str, float]:
        """The fields as a dict (``lambda_`` as ``lambda``)."""
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["lambda"] = out.pop("lambda_")
        return out


def barnard_rubin_df(m: int, b: float, t: float, dfcom: float) -> float:
    """Barnard-Rubin (1999) degrees of freedom, as ``mice:::barnard.rubin``
    (lambda floored at 1e-4; ``dfcom = inf`` gives the large-sample df)."""
    lam = (1 + 1 / m) * b / t if t > 0 else 0.0
    lam = max(lam, 1e-4)
    dfold = (m - 1) / lam**2
    if math.isinf(dfcom):
        return dfold
    dfobs = (dfcom + 1) / (dfcom + 3) * dfcom * (1 - lam)
    return dfold * dfobs / (dfold + dfobs)


def rubin_pool(
    estimates: Sequence[float] | np.ndarray,
    se: Sequence[float] | np.ndarray,
    *,
    dfcom: float,
    confidence: float = 0.95,
) -> PooledEstimate:
    """Pool one coefficient by Rubin's rules with Barnard-Rubin df.

    Parameters
    ----------
    estimates, se : sequence of float
        The coefficient and its standard error in each completed data set.
    dfcom : float
        Complete-data degrees of freedom: the residual df (n - p) of the
        model, as ``mice::pool`` takes it from the first fit's
        ``df.residual`` (for ``lm`` and for ``glm`` alike); ``inf`` for the
        large-sample rule.
    confidence : float, default 0.95

    Returns
    -------
    PooledEstimate

    Notes
    -----
    qbar = mean(q); ubar = mean(se²); b = var(q) (n - 1); t = ubar + (1 + 1/m) b;
    riv = (1 + 1/m) b / ubar; lambda = (1 + 1/m) b / t; df from
    `barnard_rubin_df`; fmi = (riv + 2/(df + 3)) / (riv + 1); P from
    t(max(df, 0.001)). Tested against ``mice::pool`` and ``summary(pool,
    conf.int = TRUE)`` (``tests/stats/r/ref_mice_pool.R``).

    Examples
    --------
    >>> p = rubin_pool([1.0, 1.2, 0.9], [0.3, 0.3, 0.35], dfcom=50)
    >>> round(p.estimate, 4), round(p.se, 4)
    (1.0333, 0.3594)
    """
    from scipy import stats as st

    q = np.asarray(estimates, dtype=float)
    u = np.asarray(se, dtype=float) ** 2
    m = int(q.size)
    if m < 2 or u.size != m:
        raise ParameterError(
            f"rubin_pool: needs at least 2 estimates with one SE each, got {m} and {u.size}."
        )
    if not (0 < confidence < 1):
        raise ParameterError(f"rubin_pool: confidence must be in (0, 1), got {confidence!r}.")
    qbar = float(q.mean())
    ubar = float(u.mean())
    b = float(q.var(ddof=1))
    t = ubar + (1 + 1 / m) * b
    df = barnard_rubin_df(m, b, t, dfcom)
    riv = (1 + 1 / m) * b / ubar if ubar > 0 else math.inf
    lam = (1 + 1 / m) * b / t if t > 0 else 0.0
    fmi = (riv + 2 / (df + 3)) / (riv + 1)
    se_t = math.sqrt(t)
    stat = qbar / se_t if se_t > 0 else math.nan
    dfp = max(df, 0.001)
    p = float(2 * st.t.sf(abs(stat), dfp))
    half = float(st.t.ppf(1 - (1 - confidence) / 2, dfp)) * se_t
    return PooledEstimate(
        estimate=qbar,
        se=se_t,
        statistic=stat,
        df=df,
        p_value=p,
        ci_lower=qbar - half,
        ci_upper=qbar + half,
        m=m,
        ubar=ubar,
        b=b,
        t=t,
        dfcom=float(dfcom),
        riv=riv,
        lambda_=lam,
        fmi=fmi,
    )


# --------------------------------------------------------------- md.pattern
def md_pattern(data: pd.DataFrame) -> pd.DataFrame:
    """The missing-data patterns of ``data``, as ``mice::md.pattern(plot = FALSE)``.

    Returns
    -------
    pandas.DataFrame
        One row per pattern, most frequent first as mice orders them
        (complete rows first, then by the number of missing values): a
        column per variable (1 observed, 0 missing; variables ordered by
        their number of missing values, fewest first), ``count`` (rows with
        that pattern) and ``n_missing`` (variables missing in it). The
        totals row of ``md.pattern`` (missing per variable) is the column
        sums of ``(1 - pattern) * count``.
    """
    if data.shape[1] == 0:
        raise ParameterError("md_pattern: data has no columns.")
    miss = data.isna()
    # mice orders the columns by their count of missing values (stable), then
    # the patterns by their string of missing indicators ("0010"), as
    # order(pat) and table(pat) do.
    cols = list(miss.sum(axis=0).sort_values(kind="mergesort").index)
    keys = miss[cols].astype(int).astype(str).agg("".join, axis=1)
    counts = keys.value_counts().sort_index()
    pats = np.array([[int(ch) for ch in k] for k in counts.index], dtype=int).reshape(-1, len(cols))
    out = pd.DataFrame(1 - pats, columns=cols)
    out["count"] = counts.to_numpy()
    out["n_missing"] = pats.sum(axis=1)
    return out[cols + ["count", "n_missing"]]


# --------------------------------------------------------------- imputation
@dataclass(frozen=True)
class MiceResult:
    """The completed data sets of `mice` and its chain diagnostics.

    Attributes
    ----------
    completed : list of pandas.DataFrame
        ``m`` copies of the imputed columns with every gap filled (cells in
        ``keep_missing`` stay NaN); the input's index.
    where : pandas.DataFrame
        True for the cells that were imputed.
    methods : dict of str to str
        ``"pmm"`` or ``"logreg"`` per imputed variable (``""`` when complete).
    chains : pandas.DataFrame
        ``variable, imputation, iteration, mean, sd``: mean and SD of the
        imputed values after each iteration (mice's ``chainMean`` and
        ``chainVar``), for trace plots.
    m, iterations, seed : int
    """

    completed: list[pd.DataFrame]
    where: pd.DataFrame
    methods: dict[str, str]
    chains: pd.DataFrame
    m: int
    iterations: int
    seed: int
    binary: tuple[str, ...] = field(default=())


def _draw_linear(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(beta_hat, beta_star): least squares and a draw from its posterior
    (mice's ``.norm.draw``: sigma* = sqrt(RSS / chi2(df)), beta* = beta +
    chol((X'X + ridge)^-1) z sigma*)."""
    fit = least_squares(X, y, function="mice")
    p = X.shape[1]
    xtx = X.T @ X
    xtx = xtx + np.diag(np.diag(xtx)) * RIDGE
    v = np.linalg.inv(xtx)
    v = (v + v.T) / 2
    df = max(int(fit.df_resid), 1)
    sigma = math.sqrt(float(fit.rss) / rng.chisquare(df))
    chol = np.linalg.cholesky(v)
    beta_star = fit.coef + (chol @ rng.standard_normal(p)) * sigma
    return np.asarray(fit.coef), beta_star


def _match(
    yhat_obs: np.ndarray, yhat_mis: np.ndarray, donors: int, rng: np.random.Generator
) -> np.ndarray:
    """Index (into the observed rows) of one donor per missing row: a random
    one of the ``donors`` observed rows whose predictions are closest
    (mice's ``matchindex``). Sorted search, so memory stays O(n)."""
    n_obs = yhat_obs.size
    d = min(donors, n_obs)
    # Random tie-breaking among equal predictions, as mice shuffles first.
    perm = rng.permutation(n_obs)
    order = perm[np.argsort(yhat_obs[perm], kind="stable")]
    sorted_obs = yhat_obs[order]
    pos = np.searchsorted(sorted_obs, yhat_mis)
    lo = np.clip(pos - d, 0, n_obs - 1)
    window = lo[:, None] + np.arange(2 * d)[None, :]
    valid = window < n_obs
    window = np.minimum(window, n_obs - 1)
    dist = np.abs(sorted_obs[window] - yhat_mis[:, None])
    dist = np.where(valid, dist, np.inf)
    nearest = np.argsort(dist, axis=1, kind="stable")[:, :d]
    pick = nearest[np.arange(yhat_mis.size), rng.integers(0, d, size=yhat_mis.size)]
    return np.asarray(order[window[np.arange(yhat_mis.size), pick]])


def _usable(X: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Columns of ``X`` (intercept first) that vary on ``rows`` and are not
    collinear with the others there."""
    keep = [0] + [j for j in range(1, X.shape[1]) if np.ptp(X[rows, j]) > 0]
    Xr = X[rows]
    bad = set(rank_deficient_columns(Xr[:, keep])) - {0}
    while bad:
        keep = [k for i, k in enumerate(keep) if i != max(bad)]
        bad = set(rank_deficient_columns(Xr[:, keep])) - {0}
    return np.asarray(keep, dtype=int)


def _impute_pmm(
    X: np.ndarray, y: np.ndarray, obs: np.ndarray, mis: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    cols = _usable(X, obs)
    Xo, Xm = X[np.ix_(obs, cols)], X[np.ix_(mis, cols)]
    beta, beta_star = _draw_linear(Xo, y[obs], rng)
    # Type-1 matching (mice's default): observed rows predicted with the
    # estimate, missing rows with the draw.
    idx = _match(Xo @ beta, Xm @ beta_star, DONORS, rng)
    return np.asarray(y[obs][idx])


def _impute_logreg(
    X: np.ndarray, y: np.ndarray, obs: np.ndarray, mis: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    from scipy.special import expit

    cols = _usable(X, obs)
    Xo, Xm = X[np.ix_(obs, cols)], X[np.ix_(mis, cols)]
    yo = y[obs]
    fit = logistic_fit(Xo, yo, check_separation=False, function="mice")
    if not (np.all(np.isfinite(fit.coef)) and fit.converged):
        # Perfect prediction: Firth's penalised fit is always finite (mice
        # augments the data instead, to the same end).
        fit = logistic_fit(Xo, yo, firth=True, check_separation=False, function="mice")
    cov = (fit.cov + fit.cov.T) / 2
    try:
        chol = np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        chol = np.diag(np.sqrt(np.clip(np.diag(cov), 0, None)))
    beta_star = fit.coef + chol @ rng.standard_normal(Xo.shape[1])
    prob = expit(Xm @ beta_star)
    return (rng.uniform(size=mis.sum()) <= prob).astype(float)


def mice(
    data: pd.DataFrame,
    *,
    binary: Iterable[str] = (),
    m: int = 20,
    iterations: int = 10,
    seed: int = 1,
    keep_missing: pd.DataFrame | Mapping[str, np.ndarray] | None = None,
    predictors: Mapping[str, np.ndarray] | None = None,
) -> MiceResult:
    """Multiple imputation by chained equations (PMM and logistic), as R ``mice``.

    Parameters
    ----------
    data : pandas.DataFrame
        Numeric columns to impute (binary ones coded 0/1); NaN marks a gap.
        Every column is imputed from all the others.
    binary : iterable of str
        Columns imputed by logistic regression (mice's ``logreg``); the
        others by predictive mean matching (``pmm``, 5 donors, type-1
        matching), which imputes only values seen in the data.
    m : int, default 20
        Number of completed data sets (imputations).
    iterations : int, default 10
        Rounds of the chained equations per imputation (mice's ``maxit``).
    seed : int, default 1
        Seed of the random streams (one per imputation, from
        `numpy.random.SeedSequence`); the same seed gives the same
        imputations.
    keep_missing : DataFrame or mapping of column to bool array, optional
        Cells that are missing by design and stay missing (a test the
        participant was unable to perform). As predictors of other
        columns they are filled with the column's largest observed value
        and flagged by an extra 0/1 predictor.
    predictors : mapping of str to array, optional
        Complete auxiliary predictors (not imputed), e.g. an 'unable' flag.

    Returns
    -------
    MiceResult

    Raises
    ------
    DataError
        A column to impute has no observed value, or fewer than two.
    ParameterError
        ``m`` < 2 or ``iterations`` < 1.

    Notes
    -----
    Each imputation starts by filling every gap with a random draw of the
    column's observed values, then visits the columns in order
    ``iterations`` times. PMM: least squares of the column on the others
    (observed rows), parameters drawn from their posterior (sigma² from
    RSS/chi², beta from N(b, sigma² (X'X)^-1), mice's ``.norm.draw``), a
    missing value's prediction with the draw matched to the 5 observed
    rows whose prediction (with b) is closest, one taken at random.
    Logistic: maximum likelihood (Firth's when the data are separated),
    beta drawn from N(b, V), the value drawn from Bernoulli(expit(x'beta)).
    R equivalent: ``mice(data, m, maxit = iterations, method = c("pmm",
    "logreg"))``; the random streams differ from R's, the models are the same.
    """
    if m < 2:
        raise ParameterError(f"mice: m (imputations) must be at least 2, got {m}.")
    if iterations < 1:
        raise ParameterError(f"mice: iterations must be at least 1, got {iterations}.")
    binary = tuple(binary)
    cols = list(data.columns)
    Y = data.astype(float).to_numpy(copy=True)
    n, k = Y.shape
    fixed = np.zeros((n, k), bool)
    if keep_missing is not None:
        for j, c in enumerate(cols):
            if c in keep_missing:
                fixed[:, j] = np.asarray(keep_missing[c], bool) & np.isnan(Y[:, j])
    gaps = np.isnan(Y) & ~fixed
    aux = (
        np.column_stack([np.asarray(v, float) for v in predictors.values()])
        if predictors
        else np.empty((n, 0))
    )
    # Structural gaps as predictors: the largest observed value plus a flag.
    flag_cols = [j for j in range(k) if fixed[:, j].any()]
    fill_fixed = {j: float(np.nanmax(Y[:, j])) for j in flag_cols}
    flags = fixed[:, flag_cols].astype(float) if flag_cols else np.empty((n, 0))
    methods: dict[str, str] = {}
    for j, c in enumerate(cols):
        obs = ~np.isnan(Y[:, j])
        if not gaps[:, j].any():
            methods[c] = ""
            continue
        if obs.sum() < 2:
            raise DataError(
                f"mice: column {c!r} has {int(obs.sum())} observed value(s); at least 2 are "
                f"needed to impute it. Leave it out of the analysis or of the imputation."
            )
        if c in binary and not np.all(np.isin(Y[obs, j], (0.0, 1.0))):
            raise DataError(f"mice: binary column {c!r} must be coded 0/1.")
        methods[c] = "logreg" if c in binary else "pmm"
    visit = [j for j, c in enumerate(cols) if methods[c]]

    seeds = np.random.SeedSequence(int(seed)).spawn(m)
    completed: list[pd.DataFrame] = []
    chain_rows: list[tuple[str, int, int, float, float]] = []
    from sarcostat.progress import track

    for i in track(range(m), desc="multiple imputation", unit="imputation"):
        rng = np.random.default_rng(seeds[i])
        cur = Y.copy()
        for j in visit:  # mice's initialisation: random draws of observed values
            obs_vals = Y[~np.isnan(Y[:, j]), j]
            cur[gaps[:, j], j] = rng.choice(obs_vals, size=int(gaps[:, j].sum()), replace=True)
        for j, v in fill_fixed.items():
            cur[fixed[:, j], j] = v
        for it in range(iterations):
            for j in visit:
                others = [q for q in range(k) if q != j]
                X = np.column_stack([np.ones(n), cur[:, others], flags, aux])
                obs = ~gaps[:, j] & ~fixed[:, j]
                mis = gaps[:, j]
                try:
                    if methods[cols[j]] == "logreg":
                        cur[mis, j] = _impute_logreg(X, Y[:, j], obs, mis, rng)
                    else:
                        cur[mis, j] = _impute_pmm(X, Y[:, j], obs, mis, rng)
                except ModelError as exc:  # pragma: no cover - guarded by _usable
                    raise DataError(f"mice: cannot impute {cols[j]!r}: {exc}") from None
                vals = cur[mis, j]
                sd = float(np.std(vals, ddof=1)) if vals.size > 1 else math.nan
                chain_rows.append((cols[j], i + 1, it + 1, float(np.mean(vals)), sd))
        out = cur.copy()
        out[fixed] = np.nan
        completed.append(pd.DataFrame(out, index=data.index, columns=cols))
    chains = pd.DataFrame(chain_rows, columns=["variable", "imputation", "iteration", "mean", "sd"])
    return MiceResult(
        completed=completed,
        where=pd.DataFrame(gaps, index=data.index, columns=cols),
        methods=methods,
        chains=chains,
        m=m,
        iterations=iterations,
        seed=int(seed),
        binary=binary,
    )
