"""Binary logistic regression and odds ratios per 1-SD increment (Table 3).

Maximum likelihood (Newton-Raphson) by default, Firth's penalised
likelihood on request. Complete and quasi-complete separation are detected
before fitting by a linear program, so a separated design never produces an
absurd odds ratio or a crash: it yields a `SeparationWarning`, NaN
estimates and a note suggesting ``firth=True``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sarcostat.exceptions import (
    DataError,
    LowEventsWarning,
    ModelError,
    ParameterError,
    SeparationWarning,
    check_option,
)
from sarcostat.stats._data import (
    UNADJUSTED,
    as_interactions,
    as_names,
    check_confidence,
    check_not_constant,
    complete_cases,
    is_numeric,
    locate,
    numeric_values,
    plain,
    unadjusted_source,
)
from sarcostat.stats.fitting import FIRTH_MAX_ITER, FIRTH_TOL, detect_separation, logistic_fit
from sarcostat.stats.regression import INTERCEPT, build_design, focal_row
from sarcostat.stats.result import StatResult

__all__ = ["LogisticResult", "logistic_regression", "or_per_sd", "detect_separation", "firth_logit"]

#: Events per variable below which a LowEventsWarning is issued
#: (Peduzzi et al. 1996, doi:10.1016/S0895-4356(96)00236-3).
EPV_WARN = 10

_COLUMNS = [
    "term",
    "estimate",
    "se",
    "statistic",
    "p_value",
    "ci_lower",
    "ci_upper",
    "odds_ratio",
    "or_ci_lower",
    "or_ci_upper",
    "n",
]


@dataclass(frozen=True, eq=False)
class LogisticResult(StatResult):
    """Result of `logistic_regression` and `or_per_sd`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per term (intercept first): ``term, estimate`` (log odds
        coefficient B)``, se, statistic`` (Wald z)``, p_value, ci_lower,
        ci_upper`` (Wald limits of B)``, odds_ratio, or_ci_lower, or_ci_upper,
        n``.
    outcome, predictor : str
        The 0/1 outcome and the focal predictor (first of ``predictor``).
    odds_ratio, or_ci_lower, or_ci_upper, coef, se, statistic, p_value : float
        The focal predictor's row; NaN when the model is separated and fitted
        by maximum likelihood. For `or_per_sd` these are per 1 SD.
    sd_predictor : float
        SD (n - 1) of the focal predictor in the analysis sample, the unit of
        the OR in `or_per_sd`; NaN for `logistic_regression`.
    n, n_excluded, events, non_events : int
        Analysis n, rows dropped for missing values, outcome = 1 count and
        outcome = 0 count.
    epv : float
        Events per variable: min(events, non_events) / number of
        coefficients other than the intercept.
    method : str
        ``"ml"`` or ``"firth"``.
    separation : str or None
        ``"complete"``, ``"quasi-complete"`` or None.
    converged : bool
        Whether the iterations converged.
    loglik : float
        Log likelihood at the estimate, sum of y log(p) + (1 - y) log(1 - p)
        over the analysis sample (R ``logLik(glm(...))``); with ``firth=True``
        the penalised log likelihood, plus log|I|/2 (R ``logistf``'s
        ``loglik``); NaN when the model is separated and fitted by maximum
        likelihood. Two nested models on the same rows give the likelihood
        ratio statistic 2 (loglik1 - loglik0) (R ``anova(f0, f1, test =
        "LRT")``). The same for `or_per_sd` and `logistic_regression`: z-scoring
        a predictor does not change the likelihood.
    unadjusted : LogisticResult or None
        The model without covariates, when asked for with ``unadjusted=``.
    """

    outcome: str = ""
    predictor: str = ""
    covariates: tuple[str, ...] = ()
    odds_ratio: float = math.nan
    or_ci_lower: float = math.nan
    or_ci_upper: float = math.nan
    coef: float = math.nan
    se: float = math.nan
    statistic: float = math.nan
    p_value: float = math.nan
    sd_predictor: float = math.nan
    n: int = 0
    n_excluded: int = 0
    events: int = 0
    non_events: int = 0
    epv: float = math.nan
    method: str = "ml"
    separation: str | None = None
    converged: bool = True
    loglik: float = math.nan
    unadjusted: LogisticResult | None = None

    def predictor_row(self) -> pd.Series:
        """The table row of the focal predictor."""
        return focal_row(self.table, self.predictor)

    def to_long_frame(self) -> pd.DataFrame:
        """The focal predictor's row of the unadjusted (if fitted) and this
        model, stacked with ``model`` (``"unadjusted"`` / ``"adjusted"``),
        ``events`` and ``epv``: the two columns of Table 3."""
        parts = []
        fits = ([(self.unadjusted, "unadjusted")] if self.unadjusted is not None else []) + [
            (self, "adjusted" if self.covariates else "unadjusted")
        ]
        for res, model in fits:
            parts.append(
                res.predictor_row().to_frame().T.assign(model=model, events=res.events, epv=res.epv)
            )
        return pd.concat(parts, ignore_index=True).infer_objects()


def _binary_outcome(
    series: pd.Series, *, function: str, ids: pd.Series | None = None
) -> np.ndarray:
    """0/1 (or boolean) outcome as float, else DataError naming a bad value."""
    if pd.api.types.is_bool_dtype(series):
        return series.astype(float).to_numpy()
    if pd.api.types.is_numeric_dtype(series):
        values = series.astype(float).to_numpy()
        # Two comparisons, not Series.isin (a hash table of every value).
        bad = pd.Series(~((values == 0.0) | (values == 1.0)), index=series.index)
        if not bad.any():
            return values
    else:
        bad = pd.Series(True, index=series.index)
    first = series.index[bad.to_numpy()][0]
    raise DataError(
        f"{function}: the outcome {series.name!r} must be coded 0/1 or True/False; "
        f"{locate(first, ids)} has {plain(series.loc[first])!r} "
        f"({int(bad.sum())} such value(s))."
    )


def _exp(values: np.ndarray) -> np.ndarray:
    """exp() of log odds; an intercept of a badly scaled model may overflow to inf."""
    with np.errstate(over="ignore"):
        return np.exp(values)


def firth_logit(
    X: np.ndarray, y: np.ndarray, *, max_iter: int = FIRTH_MAX_ITER, tol: float = FIRTH_TOL
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Firth's bias-reduced logistic regression (penalised likelihood).

    Parameters
    ----------
    X : array-like (n, p)
        Design matrix including the intercept column (full column rank).
    y : array-like (n,)
        0/1 outcome.
    max_iter : int, default `FIRTH_MAX_ITER`
        Iterations at most.
    tol : float, default `FIRTH_TOL`
        Convergence when the largest full step (scaled coefficients) is below it.

    Returns
    -------
    beta : ndarray (p,)
        Penalised maximum likelihood estimates.
    cov : ndarray (p, p)
        Their covariance, the inverse Fisher information :math:`I(\\beta)^{-1}`.
    converged : bool
    iterations : int

    Raises
    ------
    ParameterError
        X not 2-D, y not 0/1, or lengths that differ.
    ModelError
        The design is rank deficient (collinear X).

    See Also
    --------
    logistic_regression, or_per_sd : ``firth=True`` uses this.
    sarcostat.stats.fitting.logistic_fit : the routine (rules and tolerances).

    Notes
    -----
    Maximises :math:`\\ell(\\beta) + \\tfrac12 \\log|I(\\beta)|` by
    Newton-Raphson on the modified score
    :math:`U^*(\\beta) = X' (y - \\pi + h(\\tfrac12 - \\pi))`, with ``h`` the
    diagonal of the weighted hat matrix, step halving on the penalised
    log-likelihood and capped steps, on the scaled design of
    `sarcostat.stats.fitting`. R: ``logistf::logistf(y ~ x, pl = FALSE)``
    (same estimates; Wald SE). SPSS has no Firth option (the ``STATS
    FIRTHLOG`` extension calls R's logistf).

    References
    ----------
    Firth D. Bias reduction of maximum likelihood estimates. Biometrika.
    1993;80(1):27-38. doi:10.1093/biomet/80.1.27

    Heinze G, Schemper M. A solution to the problem of separation in logistic
    regression. Stat Med. 2002;21(16):2409-2419. doi:10.1002/sim.1047

    Examples
    --------
    Completely separated data still give finite estimates:

    >>> import numpy as np
    >>> X = np.column_stack([np.ones(6), [1., 2, 3, 4, 5, 6]])
    >>> beta, cov, converged, _ = firth_logit(X, [0, 0, 0, 1, 1, 1])
    >>> beta.round(4).tolist(), converged
    ([-3.9512, 1.1289], True)
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if X.ndim != 2 or y.ndim != 1 or len(y) != X.shape[0]:
        raise ParameterError(
            f"firth_logit: X must be 2-D (n, p) and y 1-D of length n. "
            f"Got X {X.shape} and y {y.shape} instead."
        )
    if not (np.all(np.isfinite(X)) and np.all(np.isin(y, (0.0, 1.0)))):
        raise ParameterError("firth_logit: X must be finite and y coded 0/1.")
    fit = logistic_fit(
        X, y, firth=True, check_separation=False, max_iter=max_iter, tol=tol, function="firth_logit"
    )
    return fit.coef, fit.cov, bool(fit.converged), int(fit.iterations)


def _fit(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictors: Sequence[str] | str,
    covariates: Sequence[str] | str,
    firth: bool,
    confidence: float,
    per_sd: bool,
    fn: str,
    unadjusted: str = "none",
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> LogisticResult:
    from scipy import stats as sps

    confidence = check_confidence(confidence, fn)
    check_option(unadjusted, UNADJUSTED, parameter="unadjusted", function=fn)
    if not isinstance(firth, bool):
        raise ParameterError(
            f"The 'firth' parameter of {fn} must be True or False. Got {firth!r} instead."
        )
    if not isinstance(outcome, str):
        raise ParameterError(
            f"The 'outcome' parameter of {fn} must be a column name. Got {outcome!r} instead."
        )
    preds = as_names(predictors, "predictor", fn)
    if not preds:
        raise ParameterError(f"{fn}: at least one predictor is needed.")
    covs = as_names(covariates, "covariates", fn)
    inter = as_interactions(interactions, [*preds, *covs], function=fn)
    used = [outcome, *preds, *covs]
    if len(set(used)) != len(used):
        raise ParameterError(
            f"{fn}: a column appears twice among outcome, predictors and covariates: {used}."
        )
    sample, n_excl = complete_cases(data, used, function=fn)
    if len(sample) == 0:
        raise ModelError(f"{fn}: no complete cases over {used}.")
    ids = data["id"] if "id" in data.columns else None
    y = _binary_outcome(sample[outcome], function=fn, ids=ids)
    check_not_constant(
        sample,
        used,
        function=fn,
        outcome=outcome,
        roles={
            outcome: "the outcome",
            **dict.fromkeys(preds, "predictor"),
            **dict.fromkeys(covs, "covariate"),
        },
    )
    focal = preds[0]
    sd_pred = math.nan
    if per_sd:
        if not is_numeric(sample[focal]):
            raise DataError(
                f"{fn}: the predictor {focal!r} must be numeric to be expressed "
                f"per SD (found {sample[focal].dtype})."
            )
        x = pd.Series(
            numeric_values(sample[focal], role="predictor", function=fn, ids=ids),
            index=sample.index,
        )
        sd_pred = float(x.std(ddof=1))
        sample[focal] = (x - x.mean()) / sd_pred
    X, names, _ = build_design(
        sample, [*preds, *covs], function=fn, ids=ids, interactions=inter, columns_first=True
    )
    n, p = X.shape
    if n <= p:
        raise ModelError(
            f"{fn}: {n} complete case(s) for {p} coefficients; at least {p + 1} are needed."
        )
    events = int(y.sum())
    non_events = n - events
    k = p - 1
    epv = min(events, non_events) / k
    notes = []
    formula = f"logit P({outcome}=1) ~ " + " + ".join(
        [*preds, *covs, *(":".join(i) for i in inter)]
    )
    if per_sd:
        notes.append(
            f"Odds ratio per 1 SD of {focal} (SD = {sd_pred:.6g}, n - 1 divisor, "
            f"analysis sample); {focal} was z-scored before fitting."
        )
    notes.append(
        f"Complete cases: n = {n}, events = {events}"
        + (f" ({n_excl} row(s) excluded for missing values)." if n_excl else ".")
    )
    if epv < EPV_WARN:
        msg = (
            f"{fn}: {epv:.1f} events per variable (min({events}, {non_events}) / {k}) "
            f"is below {EPV_WARN}; estimates may be biased and unstable."
        )
        warnings.warn(msg, LowEventsWarning, stacklevel=3)
        notes.append(f"Events per variable {epv:.1f} < {EPV_WARN}.")

    # X was built here for this fit alone: the core may scale it in place.
    fit = logistic_fit(X, y, firth=firth, names=names, function=fn, overwrite_x=True)
    kind = fit.separation
    involved = [names[j] for j in fit.separation_columns if names[j] != INTERCEPT]
    converged = bool(fit.converged) or (kind is not None and not firth)
    if kind is not None:
        msg = (
            f"{fn}: {kind} separation of {outcome!r} by {', '.join(involved) or 'the design'} "
            f"(n = {n}, events = {events}); maximum likelihood estimates do not exist."
        )
        if firth:
            notes.append(
                msg.split(": ", 1)[1] + " Firth's penalised likelihood gives finite estimates."
            )
        else:
            warnings.warn(msg + " Use firth=True.", SeparationWarning, stacklevel=3)
            notes.append(
                msg.split(": ", 1)[1] + " Estimates set to NaN; refit with firth=True "
                "(Firth penalised likelihood)."
            )

    z = float(sps.norm.ppf(0.5 + confidence / 2))
    beta = fit.coef
    se = np.sqrt(np.diag(fit.cov))
    if not converged:
        notes.append("Iterations did not converge; interpret with caution.")
    stat = beta / se
    pval = 2 * sps.norm.sf(np.abs(stat))
    lo, hi = beta - z * se, beta + z * se
    table = pd.DataFrame(
        {
            "term": names,
            "estimate": beta,
            "se": se,
            "statistic": stat,
            "p_value": pval,
            "ci_lower": lo,
            "ci_upper": hi,
            "odds_ratio": _exp(beta),
            "or_ci_lower": _exp(lo),
            "or_ci_upper": _exp(hi),
            "n": n,
        },
        columns=_COLUMNS,
    )
    method = "firth" if firth else "ml"
    notes.insert(
        0,
        ("Firth penalised-likelihood" if firth else "Maximum-likelihood")
        + f" logistic regression {formula}; Wald {confidence:.0%} CI "
        f"exp(B ± {z:.4f}·SE) and Wald z test.",
    )
    row = table.iloc[1]
    result = LogisticResult(
        table=table,
        notes=tuple(notes),
        meta={
            "method": method,
            "formula": formula,
            "n": n,
            "n_excluded": n_excl,
            "events": events,
            "confidence": confidence,
            "terms": names,
            "interactions": [":".join(i) for i in inter],
            "per_sd": per_sd,
            "separation": kind,
            "separation_terms": involved,
            "reference": "R glm(family = binomial), Wald CI; SPSS LOGISTIC REGRESSION",
        },
        outcome=outcome,
        predictor=focal,
        covariates=tuple(covs),
        odds_ratio=float(row["odds_ratio"]),
        or_ci_lower=float(row["or_ci_lower"]),
        or_ci_upper=float(row["or_ci_upper"]),
        coef=float(row["estimate"]),
        se=float(row["se"]),
        statistic=float(row["statistic"]),
        p_value=float(row["p_value"]),
        sd_predictor=sd_pred,
        n=n,
        n_excluded=n_excl,
        events=events,
        non_events=non_events,
        epv=float(epv),
        method=method,
        separation=kind,
        converged=converged,
        loglik=float(fit.loglik),
    )
    if covs and unadjusted != "none":
        source = unadjusted_source(data, used, unadjusted)
        result = replace(
            result,
            unadjusted=_fit(
                source,
                outcome=outcome,
                predictors=preds,
                covariates=(),
                firth=firth,
                confidence=confidence,
                per_sd=per_sd,
                fn=fn,
            ),
        )
    return result


_NOTES = """Complete cases over outcome, predictors and covariates (SPSS listwise
    deletion). Maximum likelihood by Newton-Raphson (for the logit link the same
    iteration as R ``glm``'s IRLS), SE from the inverse information at the
    estimate. The
    Wald interval is

    .. math:: \\exp(B \\pm z_{1-\\alpha/2}\\,SE), \\quad z = B/SE,

    as SPSS prints (``Exp(B)``, ``95% C.I. for EXP(B)``, ``Sig.``) and as R's
    ``exp(coef(fit) + c(-1, 1) * qnorm(.975) * se)`` gives (R's
    ``confint()`` profiles the likelihood instead: not what SPSS reports).
    With ``firth=True`` the estimates maximise Firth's penalised likelihood
    and the SE come from the inverse Fisher information at those estimates;
    CI and p stay Wald (R ``logistf`` defaults to profile penalised
    likelihood intervals and tests, which differ in small samples).
    Separation is checked by a linear program before fitting (see
    `detect_separation`). Events per variable = min(events,
    non-events) / coefficients other than the intercept.

    Tested against R 4 ``glm(family = binomial)``
    (tests/stats/r/ref_compare_regression_logistic.R); Firth against the
    closed form for a single binary covariate (log OR of the table with 0.5
    added to each cell) and a zero penalised score."""

_REFERENCES = """Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed.
    Wiley; 2013. doi:10.1002/9781118548387
    Firth D. Bias reduction of maximum likelihood estimates. Biometrika.
    1993;80(1):27-38. doi:10.1093/biomet/80.1.27
    Heinze G, Schemper M. A solution to the problem of separation in logistic
    regression. Stat Med. 2002;21(16):2409-2419. doi:10.1002/sim.1047
    Albert A, Anderson JA. On the existence of maximum likelihood estimates in
    logistic regression models. Biometrika. 1984;71(1):1-10.
    doi:10.1093/biomet/71.1.1"""


def logistic_regression(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictor: Sequence[str] | str | None = None,
    covariates: Sequence[str] | str = (),
    firth: bool = False,
    confidence: float = 0.95,
    unadjusted: str = "none",
    interactions: str | Sequence[str | tuple[str, ...]] = (),
    predictors: Sequence[str] | str | None = None,
) -> LogisticResult:
    """Binary logistic regression with Wald odds ratios for every term.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 (or boolean) outcome column; 1 is the event modelled.
    predictor : str or sequence of str
        The focal predictor in raw units, whose row fills the result's
        scalar fields (the same name as in `or_per_sd` and
        `linear_regression`); a list adds the others
        as further terms.
    covariates : str or sequence of str, default ()
        Adjustment columns. Text / ``category`` columns are dummy-coded with
        their first level as reference (``column[level]`` terms).
    firth : bool, default False
        Fit by Firth's penalised likelihood instead of maximum likelihood.
    confidence : float, default 0.95
        Level of the Wald intervals.
    unadjusted : {"none", "own", "same"}, default "none"
        Also fit the model without covariates, into the result's
        ``unadjusted`` field: on its own complete cases (``"own"``), on this
        model's complete cases (``"same"``), or not at all (one model per
        call, as SPSS ``LOGISTIC REGRESSION``). With ``"own"`` the
        unadjusted OR per SD uses the SD of its own sample.
    interactions : str or sequence, default ()
        Product terms among predictors and covariates, ``"biomarker:sex_male"``
        or ``("biomarker", "sex_male")`` (R ``glm(y ~ biomarker * sex_male)``;
        both main effects must be in the model), in rows named
        ``biomarker:sex_male``. The unadjusted model has none.
    predictors : str or sequence of str, optional
        Former name of ``predictor``, still accepted.

    Returns
    -------
    LogisticResult
        ``table`` columns: ``term``; ``estimate`` (B, log odds); ``se``;
        ``statistic`` (Wald z); ``p_value``; ``ci_lower``, ``ci_upper`` (for
        B); ``odds_ratio`` = exp(B); ``or_ci_lower``, ``or_ci_upper``; ``n``.
        Fields as documented on `LogisticResult`.

    Raises
    ------
    SchemaError
        A named column is absent.
    DataError
        The outcome is not 0/1 or boolean.
    ModelError
        A column (or the outcome) is constant in the analysis sample, the
        design is collinear, or there are too few rows.
    ParameterError
        An invalid option.

    Warns
    -----
    SeparationWarning
        Separation with ``firth=False`` (estimates are then NaN).
    LowEventsWarning
        Fewer than 10 events per variable.

    See Also
    --------
    or_per_sd : the same model with the focal predictor per 1 SD.

    Notes
    -----
    @NOTES@

    R: ``fit <- glm(y ~ x + age_yr + sex_male + bmi, binomial, d)``;
    ``exp(cbind(coef(fit), coef(fit) + outer(sqrt(diag(vcov(fit))), c(-1, 1) * qnorm(.975))))``.

    SPSS: ``LOGISTIC REGRESSION VARIABLES y /METHOD=ENTER x age_yr sex_male bmi
    /PRINT=CI(95).``

    References
    ----------
    @REFERENCES@

    Examples
    --------
    >>> import pandas as pd
    >>> from sarcostat.stats import logistic_regression
    >>> d = pd.DataFrame({"sarcopenia": [1, 1, 0, 1, 0, 0, 0, 1, 0, 0],
    ...                   "biomarker": [20., 31., 25., 40., 45., 52., 38., 22., 61., 35.]})
    >>> res = logistic_regression(d, outcome="sarcopenia", predictor="biomarker")
    >>> print(f"OR per unit {res.odds_ratio:.3f}, n={res.n}, events={res.events}")
    OR per unit 0.872, n=10, events=4
    """
    if predictors is not None:  # the former name, still accepted
        if predictor is not None:
            raise ParameterError(
                "logistic_regression: give 'predictor' (or its former name 'predictors'), not both."
            )
        predictor = predictors
    if predictor is None:
        raise ParameterError("logistic_regression: 'predictor' is required.")
    return _fit(
        data,
        outcome=outcome,
        predictors=predictor,
        covariates=covariates,
        firth=firth,
        confidence=confidence,
        per_sd=False,
        fn="logistic_regression",
        unadjusted=unadjusted,
        interactions=interactions,
    )


def or_per_sd(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictor: str,
    covariates: Sequence[str] | str = (),
    firth: bool = False,
    confidence: float = 0.95,
    unadjusted: str = "none",
    interactions: str | Sequence[str | tuple[str, ...]] = (),
) -> LogisticResult:
    """Odds ratio of a binary outcome per 1-SD increment of a predictor (Table 3).

    The predictor is z-scored with the mean and SD (n - 1) of the analysis
    sample (complete cases over outcome, predictor and covariates), then
    entered in a logistic model with the covariates.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 (or boolean) outcome column, e.g. ``"sarcopenia"``.
    predictor : str
        Numeric predictor, e.g. the biomarker.
    covariates : str or sequence of str, default ()
        Adjustment columns (e.g. ``["age_yr", "sex_male", "bmi"]``).
    firth : bool, default False
        Fit by Firth's penalised likelihood instead of maximum likelihood.
    confidence : float, default 0.95
        Level of the Wald intervals.
    unadjusted : {"none", "own", "same"}, default "none"
        Also fit the model without covariates, into the result's
        ``unadjusted`` field: on its own complete cases (``"own"``), on this
        model's complete cases (``"same"``), or not at all (one model per
        call, as SPSS ``LOGISTIC REGRESSION``). With ``"own"`` the
        unadjusted OR per SD uses the SD of its own sample.
    interactions : str or sequence, default ()
        Product terms among predictors and covariates, ``"biomarker:sex_male"``
        or ``("biomarker", "sex_male")`` (R ``glm(y ~ biomarker * sex_male)``;
        both main effects must be in the model), in rows named
        ``biomarker:sex_male``. The unadjusted model has none. With
        `or_per_sd` the focal predictor enters the product z-scored.

    Returns
    -------
    LogisticResult
        Fields ``odds_ratio, or_ci_lower, or_ci_upper, coef, se, statistic,
        p_value`` for the predictor per SD, ``sd_predictor`` (the SD used),
        ``n, n_excluded, events, non_events, epv, method, separation,
        converged``; ``table`` as in `logistic_regression` (the
        predictor's row is per SD, covariates in raw units).

    Raises
    ------
    SchemaError, DataError, ModelError, ParameterError
        As `logistic_regression`; DataError also when the predictor is
        not numeric.

    Warns
    -----
    SeparationWarning, LowEventsWarning
        As `logistic_regression`.

    See Also
    --------
    logistic_regression : raw-unit coefficients for several predictors.
    linear_regression : the continuous-outcome counterpart (Table 2).

    Notes
    -----
    @NOTES@

    R: ``d$z <- (d$x - mean(d$x)) / sd(d$x)`` on the complete cases;
    ``fit <- glm(y ~ z + age_yr + sex_male + bmi, binomial, d)``;
    ``exp(coef(fit)["z"] + c(0, -1, 1) * qnorm(.975) * sqrt(vcov(fit)["z", "z"]))``.

    SPSS: ``DESCRIPTIVES biomarker /SAVE.`` (creates Zbiomarker, on the
    listwise sample) then ``LOGISTIC REGRESSION VARIABLES sarcopenia
    /METHOD=ENTER Zbiomarker age_yr sex_male bmi /PRINT=CI(95).``

    References
    ----------
    @REFERENCES@

    Examples
    --------
    >>> import pandas as pd
    >>> from sarcostat.stats import or_per_sd
    >>> d = pd.DataFrame({"sarcopenia": [1, 1, 0, 1, 0, 0, 0, 1, 0, 0],
    ...                   "biomarker": [20., 31., 25., 40., 45., 52., 38., 22., 61., 35.]})
    >>> res = or_per_sd(d, outcome="sarcopenia", predictor="biomarker")
    >>> print(f"OR per SD {res.odds_ratio:.3f} (SD {res.sd_predictor:.2f})")
    OR per SD 0.164 (SD 13.22)
    """
    return _fit(
        data,
        outcome=outcome,
        predictors=predictor,
        covariates=covariates,
        firth=firth,
        confidence=confidence,
        per_sd=True,
        fn="or_per_sd",
        unadjusted=unadjusted,
        interactions=interactions,
    )


for _f in (logistic_regression, or_per_sd):
    _f.__doc__ = (_f.__doc__ or "").replace("@NOTES@", _NOTES).replace("@REFERENCES@", _REFERENCES)
del _f
