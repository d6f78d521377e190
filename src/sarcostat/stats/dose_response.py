"""Odds ratios by biomarker quartile and effects of a log-transformed biomarker.

Both are compositions of the stats layer's logistic and linear models (no
fitting code of their own): quartile dummies with Q1 as the reference plus a
trend term, and the biomarker on the log scale expressed per doubling and per
SD of the log.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ParameterError, check_option
from sarcostat.stats._data import as_names, check_confidence, complete_cases, locate
from sarcostat.stats.result import StatResult

__all__ = ["QuartileOddsResult", "quartile_odds_ratios", "log_effects"]


def _renamed_warnings(name: str, model: Any, *args: Any, **kwargs: Any) -> Any:
    """``model(*args, **kwargs)``; its warnings re-issued under ``name``, the
    function the caller called (a report names the analysis, not the model)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = model(*args, **kwargs)
    prefix = f"{model.__name__}: "
    for w in caught:
        msg = str(w.message)
        if msg.startswith(prefix):
            msg = f"{name}: {msg[len(prefix) :]}"
        warnings.warn(msg, w.category, stacklevel=3)
    return out


_Q_COLUMNS = [
    "quartile",
    "label",
    "n",
    "events",
    "biomarker_min",
    "biomarker_max",
    "biomarker_median",
    "odds_ratio",
    "or_ci_lower",
    "or_ci_upper",
    "p_value",
]


@dataclass(frozen=True, eq=False)
class QuartileOddsResult(StatResult):
    """Result of `quartile_odds_ratios`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per quartile: ``quartile`` (1..k), ``label`` (Q1..), ``n,
        events, biomarker_min, biomarker_max, biomarker_median`` (analysis
        sample), ``odds_ratio, or_ci_lower, or_ci_upper, p_value`` (1 and NaN
        for the reference Q1).
    outcome, biomarker : str
    covariates : tuple of str
    p_trend : float
        Wald P of the trend term.
    trend : str
        ``"score"`` (quartile number) or ``"median"`` (quartile medians).
    n, n_excluded, events : int
    separation : str or None
        Separation found in the quartile model (estimates are then NaN).
    """

    outcome: str = ""
    biomarker: str = ""
    covariates: tuple[str, ...] = ()
    p_trend: float = math.nan
    trend: str = "score"
    n: int = 0
    n_excluded: int = 0
    events: int = 0
    separation: str | None = None


def quartile_odds_ratios(
    data: pd.DataFrame,
    *,
    outcome: str,
    biomarker: str,
    covariates: Sequence[str] | str = (),
    groups: Any = None,
    trend: str = "score",
    firth: bool = False,
    confidence: float = 0.95,
) -> QuartileOddsResult:
    """Adjusted odds ratios of each biomarker quartile against Q1, with P for trend.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 status.
    biomarker : str
        Numeric biomarker.
    covariates : str or sequence of str, default ()
        Adjustment columns.
    groups : QuartileGrouping, optional
        Quartiles formed beforehand (`sarcostat.stats.trend.quartiles`
        over every participant with a value, as Figure 2); default: SPSS
        ``RANK /NTILES(4)`` over the analysis sample.
    trend : {"score", "median"}, default "score"
        Trend term: the quartile number (1-4) or each quartile's median,
        entered as one continuous term.
    firth : bool, default False
        Firth's penalised likelihood (finite estimates under separation).
    confidence : float, default 0.95
        Level of the Wald intervals.

    Returns
    -------
    QuartileOddsResult
        See `QuartileOddsResult`.

    Raises
    ------
    SchemaError, DataError, ModelError, ParameterError
        As `sarcostat.stats.logistic.logistic_regression`.

    Warns
    -----
    SeparationWarning, LowEventsWarning
        From the logistic models (a quartile without events separates).

    See Also
    --------
    sarcostat.stats.trend.quartile_trend : the continuous-outcome counterpart.

    Notes
    -----
    Complete cases over outcome, biomarker, covariates and quartile. Model
    :math:`\\mathrm{logit}\\,P(y=1) = \\beta_0 + \\sum_{j\\ge2}\\beta_j Q_j +
    \\gamma' z` with Wald intervals :math:`\\exp(\\beta_j \\pm z\\,SE)`; the
    P for trend is the Wald P of :math:`\\delta` in
    :math:`\\beta_0 + \\delta s + \\gamma' z` with s the quartile score or
    median.

    R: ``glm(y ~ factor(q) + age_yr + sex_male + bmi, binomial, d)`` and
    ``glm(y ~ q + age_yr + sex_male + bmi, binomial, d)`` (q numeric).
    SPSS: ``LOGISTIC REGRESSION VARIABLES y /METHOD=ENTER q age_yr sex_male
    bmi /CONTRAST (q)=Indicator(1) /PRINT=CI(95).``

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed.
    Wiley; 2013. doi:10.1002/9781118548387

    Examples
    --------
    >>> from sarcostat.stats.dose_response import quartile_odds_ratios
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(3)
    >>> d = pd.DataFrame({"bm": rng.normal(40, 10, 200)})
    >>> d["y"] = (rng.random(200) < 1 / (1 + np.exp((d["bm"] - 35) / 5))).astype(int)
    >>> res = quartile_odds_ratios(d, outcome="y", biomarker="bm")
    >>> float(res.table["odds_ratio"].iloc[0]), bool(res.p_trend < 0.001)
    (1.0, True)
    """
    from sarcostat.stats.logistic import logistic_regression
    from sarcostat.stats.trend import QuartileGrouping, quartiles

    fn = "quartile_odds_ratios"
    conf = check_confidence(confidence, fn)
    check_option(trend, ("score", "median"), parameter="trend", function=fn)
    covs = as_names(covariates, "covariates", fn)
    sample, _ = complete_cases(data, [outcome, biomarker, *covs], function=fn)
    if groups is None:
        groups = quartiles(sample[biomarker], method="ntiles")
    if not isinstance(groups, QuartileGrouping):
        raise ParameterError(
            f"The 'groups' parameter of {fn} must be a QuartileGrouping. Got {groups!r} instead."
        )
    assert groups.groups is not None  # a QuartileGrouping always has its groups
    q = groups.groups.reindex(data.index)
    frame = data.assign(_quartile=q)  # pandas 3: no copy of the other columns
    sample, n_excl = complete_cases(frame, [outcome, biomarker, *covs, "_quartile"], function=fn)
    k = int(groups.k)
    qv = sample["_quartile"].astype(int)
    dummies = []
    for j in range(2, k + 1):
        name = f"Q{j}"
        while name in sample.columns:
            name = "_" + name
        sample[name] = (qv == j).astype(float)
        dummies.append(name)
    medians = dict(zip(range(1, k + 1), groups.medians))
    score = "_trend_score"
    sample[score] = qv.astype(float) if trend == "score" else qv.map(medians).astype(float)
    fit = _renamed_warnings(
        fn,
        logistic_regression,
        sample,
        outcome=outcome,
        predictor=dummies,
        covariates=covs,
        firth=firth,
        confidence=conf,
    )
    with warnings.catch_warnings():
        # The trend model's warnings repeat the quartile model's.
        warnings.simplefilter("ignore")
        tr = logistic_regression(
            sample,
            outcome=outcome,
            predictor=score,
            covariates=covs,
            firth=firth,
            confidence=conf,
        )
    y = sample[outcome].astype(float)
    rows = []
    terms = fit.table.set_index("term")
    for j in range(1, k + 1):
        in_q = qv == j
        xq = sample.loc[in_q, biomarker].astype(float)
        row = {
            "quartile": j,
            "label": f"Q{j}",
            "n": int(in_q.sum()),
            "events": int(y[in_q].sum()),
            "biomarker_min": float(xq.min()) if len(xq) else math.nan,
            "biomarker_max": float(xq.max()) if len(xq) else math.nan,
            "biomarker_median": float(xq.median()) if len(xq) else math.nan,
        }
        if j == 1:
            row.update(odds_ratio=1.0, or_ci_lower=1.0, or_ci_upper=1.0, p_value=math.nan)
        else:
            t: Any = terms.loc[dummies[j - 2]]
            row.update(
                odds_ratio=float(t["odds_ratio"]),
                or_ci_lower=float(t["or_ci_lower"]),
                or_ci_upper=float(t["or_ci_upper"]),
                p_value=float(t["p_value"]),
            )
        rows.append(row)
    table = pd.DataFrame(rows, columns=_Q_COLUMNS)
    adj = f" adjusted for {', '.join(covs)}" if covs else ""
    notes = [
        f"Odds ratios of {outcome} by {biomarker} quartile (Q1 reference){adj}; Wald "
        f"{conf:.0%} CI.",
        f"P for trend: the quartile {'number (1-' + str(k) + ')' if trend == 'score' else 'median'}"
        f" as one continuous term (Wald test); P = {tr.p_value:.4g}.",
        *[n for n in fit.notes if n.startswith(("Complete", "Events", "complete", "quasi"))],
        *[n for n in fit.notes if "separation" in n],
    ]
    return QuartileOddsResult(
        table=table,
        notes=tuple(dict.fromkeys(notes)),
        meta={
            "n": fit.n,
            "n_excluded": n_excl,
            "trend": trend,
            "confidence": conf,
            "method": fit.method,
            "reference": "R glm(y ~ factor(q) + covariates, binomial); SPSS LOGISTIC "
            "REGRESSION /CONTRAST Indicator(1)",
        },
        outcome=outcome,
        biomarker=biomarker,
        covariates=tuple(covs),
        p_trend=float(tr.p_value),
        trend=trend,
        n=int(fit.n),
        n_excluded=n_excl,
        events=int(fit.events),
        separation=fit.separation,
    )


_LOG_COLUMNS = ["scale", "estimate", "ci_lower", "ci_upper", "p_value", "unit"]


def log_effects(
    data: pd.DataFrame,
    *,
    outcome: str,
    biomarker: str,
    covariates: Sequence[str] | str = (),
    kind: str = "logistic",
    firth: bool = False,
    confidence: float = 0.95,
) -> StatResult:
    """Effect of a log-transformed biomarker, back-transformed per doubling and per SD.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 status (``kind="logistic"``) or continuous outcome (``"linear"``).
    biomarker : str
        Positive numeric biomarker, analysed as :math:`\\ln x`.
    covariates : str or sequence of str, default ()
        Adjustment columns.
    kind : {"logistic", "linear"}, default "logistic"
        Model.
    firth : bool, default False
        Firth logistic regression (logistic only).
    confidence : float, default 0.95
        Interval level.

    Returns
    -------
    StatResult
        ``table`` rows ``"per doubling"`` and ``"per SD of log"``: columns
        ``scale, estimate`` (odds ratio for logistic models; change in the
        outcome for linear ones)``, ci_lower, ci_upper, p_value, unit``.
        ``meta["sd_log"]`` is the SD of :math:`\\ln x` in the analysis sample.

    Raises
    ------
    DataError
        A biomarker value is zero or negative (the log is undefined).
    SchemaError, ModelError, ParameterError
        As the underlying models.

    See Also
    --------
    sarcostat.stats.logistic.or_per_sd, sarcostat.stats.regression.linear_regression

    Notes
    -----
    With :math:`b` the coefficient of :math:`\\ln x`: per doubling
    :math:`b\\ln 2` and per SD of the log :math:`b\\,s_{\\ln x}` (exponentiated
    for odds ratios); the intervals and the P are those of :math:`b` (scaling
    by a constant). R: ``glm(y ~ log(x) + ..., binomial)`` then
    ``exp(coef * log(2))``. SPSS: ``COMPUTE lx = LN(x).`` then
    ``LOGISTIC REGRESSION`` / ``REGRESSION``.

    References
    ----------
    Bland JM, Altman DG. Transforming data. BMJ. 1996;312(7033):770.
    doi:10.1136/bmj.312.7033.770

    Examples
    --------
    >>> import pandas as pd
    >>> from sarcostat.stats.dose_response import log_effects
    >>> d = pd.DataFrame({"y": [5.1, 6.0, 6.8, 7.4, 5.9, 7.9],
    ...                   "bm": [20.0, 35.0, 41.0, 60.0, 30.0, 66.0]})
    >>> t = log_effects(d, outcome="y", biomarker="bm", kind="linear").table
    >>> round(float(t["estimate"].iloc[0]), 4)
    1.5987
    """
    from sarcostat.stats.logistic import logistic_regression
    from sarcostat.stats.regression import linear_regression

    fn = "log_effects"
    conf = check_confidence(confidence, fn)
    check_option(kind, ("logistic", "linear"), parameter="kind", function=fn)
    covs = as_names(covariates, "covariates", fn)
    sample, _ = complete_cases(data, [outcome, biomarker, *covs], function=fn)
    x = pd.to_numeric(sample[biomarker], errors="coerce")
    bad = ~(x > 0)
    if bad.any():
        label = x.index[bad.to_numpy()][0]
        ids = data["id"] if "id" in data.columns else None
        raise DataError(
            f"{fn}: the biomarker {biomarker!r} must be positive to be log-transformed; "
            f"{locate(label, ids)} has {sample[biomarker].loc[label]!r}."
        )
    lname = f"ln_{biomarker}"
    values = pd.to_numeric(data[biomarker], errors="coerce")
    frame = data.assign(**{lname: np.log(values.where(values > 0))})
    res: Any
    if kind == "logistic":
        res = _renamed_warnings(
            fn,
            logistic_regression,
            frame,
            outcome=outcome,
            predictor=lname,
            covariates=covs,
            firth=firth,
            confidence=conf,
        )
    else:
        res = _renamed_warnings(
            fn,
            linear_regression,
            frame,
            outcome=outcome,
            predictor=lname,
            covariates=covs,
            confidence=conf,
        )
    row = res.predictor_row()
    sd_log = float(np.log(x.astype(float)).std(ddof=1))
    rows = []
    for scale, factor in (("per doubling", math.log(2.0)), ("per SD of log", sd_log)):
        b, lo, hi = (float(row[c]) * factor for c in ("estimate", "ci_lower", "ci_upper"))
        if kind == "logistic":
            b, lo, hi = math.exp(b), math.exp(lo), math.exp(hi)
        rows.append(
            {
                "scale": scale,
                "estimate": b,
                "ci_lower": lo,
                "ci_upper": hi,
                "p_value": float(row["p_value"]),
                "unit": "odds ratio" if kind == "logistic" else f"change in {outcome}",
            }
        )
    return StatResult(
        table=pd.DataFrame(rows, columns=_LOG_COLUMNS),
        notes=(
            f"{biomarker} analysed as ln({biomarker}); effects back-transformed per doubling "
            f"(x ln 2) and per SD of ln({biomarker}) (SD = {sd_log:.6g}).",
            *res.notes[1:],
        ),
        meta={
            "kind": kind,
            "sd_log": sd_log,
            "coef_log": float(row["estimate"]),
            "se_log": float(row["se"]),
            "n": int(res.n),
            "confidence": conf,
        },
    )
