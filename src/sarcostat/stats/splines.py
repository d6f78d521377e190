"""Restricted cubic splines of a biomarker in adjusted linear and logistic models.

The knots and the basis are Harrell's (``rms::rcs``): 4 knots at the 5th,
35th, 65th and 95th percentiles, the outer ones moved to the 5th smallest and
5th largest values below 100 observations, and the non-linear terms scaled by
the squared distance between the outer knots. The Wald tests of overall
association and of non-linearity are those of ``rms::anova``. Fitting goes
through the stats layer's single least-squares and logistic routines.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import ModelError, ParameterError, check_option
from sarcostat.stats._data import (
    as_names,
    check_confidence,
    check_not_constant,
    complete_cases,
    numeric_values,
)
from sarcostat.stats.result import StatResult

__all__ = ["SplineResult", "rcs_knots", "rcs_basis", "spline_regression"]

#: Knot quantiles by number of knots (Harrell, Regression Modeling
#: Strategies, 2nd ed., Table 2.3; ``rms::rcs``).
_KNOT_QUANTILES = {
    3: (0.10, 0.50, 0.90),
    4: (0.05, 0.35, 0.65, 0.95),
    5: (0.05, 0.275, 0.50, 0.725, 0.95),
    6: (0.05, 0.23, 0.41, 0.59, 0.77, 0.95),
    7: (0.025, 0.1833, 0.3417, 0.50, 0.6583, 0.8167, 0.975),
}


def _quantile7(x: np.ndarray, p: Any) -> np.ndarray:
    """R's default quantile (type 7, linear interpolation at 1 + (n - 1)p)."""
    return np.quantile(x, p, method="linear")


def rcs_knots(values: Any, nk: int = 4, *, fractied: float = 0.05) -> tuple[np.ndarray, list[str]]:
    """Knot locations of a restricted cubic spline as ``rms::rcs(x, nk)`` places them.

    Parameters
    ----------
    values : array-like
        The variable; NaN are ignored.
    nk : int, default 4
        Number of knots requested (3 to 7).
    fractied : float, default 0.05
        When the smallest (largest) value holds at least this share of the
        observations and no interior value does, that end's knot goes to the
        next distinct value and the other knots are placed on the rest
        (Hmisc ``rcspline.eval``'s rule for a mass of ties at an end).

    Returns
    -------
    (numpy.ndarray, list of str)
        The sorted distinct knots (possibly fewer than ``nk``) and notes
        describing any departure from the default placement.

    Raises
    ------
    ModelError
        Fewer than 6 observations, or fewer than 3 distinct knots can be placed
        (the variable has too few distinct values for a spline).
    ParameterError
        ``nk`` not an integer in 3-7.

    See Also
    --------
    rcs_basis, spline_regression

    Notes
    -----
    Quantiles are R's type 7, :math:`x_{(1 + (n-1)p)}` interpolated
    linearly. Below 100 observations the outer knots are the
    5th smallest and 5th largest values. With at most ``nk + 2`` distinct
    values, the knots are the distinct values without the smallest and the
    largest (fewer knots than requested). R: ``attr(Hmisc::rcspline.eval(x,
    nk = 4, inclx = TRUE), "knots")``. SPSS has no spline procedure; the
    knots would be computed with ``FREQUENCIES /PERCENTILES``.

    References
    ----------
    Harrell FE. Regression Modeling Strategies. 2nd ed. Springer; 2015.
    Section 2.4.6. doi:10.1007/978-3-319-19425-7

    Examples
    --------
    >>> import numpy as np
    >>> knots, _ = rcs_knots(np.arange(1.0, 201.0), 4)
    >>> knots.round(2).tolist()
    [10.95, 70.65, 130.35, 190.05]
    """
    if not isinstance(nk, (int, np.integer)) or isinstance(nk, bool) or nk not in _KNOT_QUANTILES:
        raise ParameterError(
            f"The 'nk' parameter of rcs_knots must be an integer from 3 to 7. Got {nk!r} instead."
        )
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = x.size
    notes: list[str] = []
    if n < 6:
        raise ModelError(
            f"rcs_knots: {n} observation(s); a restricted cubic spline needs at least 6."
        )
    # One sort: the distinct values and their counts serve every rule below.
    xu, counts = np.unique(x, return_counts=True)
    nxu = xu.size
    if nxu - 2 <= nk:
        knots = xu[1:-1]
        notes.append(
            f"{nk} knots requested with {nxu} distinct values; the knots are the "
            f"{nxu - 2} interior distinct values."
        )
    else:
        outer = 0.05 if nk > 3 else 0.10
        if nk > 6:
            outer = 0.025
        nke = nk
        first: list[float] = []
        last: list[float] = []
        xx = x
        override_first = override_last = False
        if 0 < fractied < 1:
            f = counts / n
            if f[1:-1].max() < fractied:
                if f[0] >= fractied:
                    first = [float(xx[xx > xx.min()].min())]
                    xx = xx[xx > first[0]]
                    nke -= 1
                    override_first = True
                if f[-1] >= fractied:
                    last = [float(xx[xx < xx.max()].max())]
                    xx = xx[xx < last[0]]
                    nke -= 1
                    override_last = True
                if first or last:
                    notes.append(
                        "A mass of tied values at an end of the range: that end's knot is "
                        "the next distinct value (rms 'fractied' rule)."
                    )
        if nke == 1:
            inner = np.array([np.median(xx)])
        else:
            xxu = xu if xx is x else np.unique(xx)
            if xxu.size <= nke:
                inner = xxu
            else:
                p = (
                    np.linspace(0.5, 1 - outer, nke)
                    if nke == 2
                    else np.linspace(outer, 1 - outer, nke)
                )
                inner = _quantile7(xx, p)
                if np.unique(inner).size < min(nke, 3):
                    inner = _quantile7(xx, np.linspace(outer, 1 - outer, 2 * nke))
                    if first and np.unique(inner).size < 3:
                        mid = (first[0] + last[0]) / 2 if last else float(np.median(xx))
                        inner = np.sort(
                            np.r_[first[0], mid, last[0] if last else _quantile7(xx, 1 - outer)]
                        )
                    if np.unique(inner).size < 3:
                        raise ModelError(
                            "rcs_knots: fewer than 3 distinct knots can be placed; the "
                            "variable has too few distinct values for a spline."
                        )
                    notes.append(
                        f"Could not place {nke} knots at the default quantiles; used "
                        f"{np.unique(inner).size} knots from finer quantiles."
                    )
            inner = np.array(inner, dtype=float)
            if xx.size < 100:
                xs = np.sort(xx)
                if not override_first:
                    inner[0] = xs[4]
                if not override_last:
                    inner[nke - 1] = xs[xs.size - 5]
        knots = np.r_[first, inner, last]
    knots = np.unique(knots)
    if knots.size < 3:
        raise ModelError(
            f"rcs_knots: {nxu} distinct value(s) give {knots.size} knot(s); a restricted "
            f"cubic spline needs at least 3 (at least 5 distinct values)."
        )
    if knots.size < nk and not notes:
        notes.append(f"{knots.size} distinct knots instead of {nk}.")
    return knots, notes


def rcs_basis(values: Any, knots: Any) -> np.ndarray:
    """Restricted cubic spline basis (linear term plus k - 2 non-linear terms).

    Parameters
    ----------
    values : array-like
        Points at which to evaluate the basis.
    knots : array-like
        At least 3 increasing knots.

    Returns
    -------
    numpy.ndarray
        Shape (n, k - 1): x itself, then one column per knot but the last two.

    Raises
    ------
    ParameterError
        Fewer than 3 knots or knots not strictly increasing.

    See Also
    --------
    rcs_knots

    Notes
    -----
    With knots :math:`t_1 < \\dots < t_k`, :math:`u_+ = \\max(u, 0)` and
    :math:`\\tau = (t_k - t_1)^{2/3}`, term j (j = 1 .. k - 2) is

    .. math:: \\left(\\tfrac{x - t_j}{\\tau}\\right)_+^3
       - \\frac{t_k - t_j}{t_k - t_{k-1}}\\left(\\tfrac{x - t_{k-1}}{\\tau}\\right)_+^3
       + \\frac{t_{k-1} - t_j}{t_k - t_{k-1}}\\left(\\tfrac{x - t_k}{\\tau}\\right)_+^3,

    linear beyond the outer knots. R: ``Hmisc::rcspline.eval(x, knots,
    inclx = TRUE)`` with its default ``norm = 2``, the basis ``rms::rcs``
    puts in a model. SPSS: ``COMPUTE`` statements of the same formula.

    References
    ----------
    Durrleman S, Simon R. Flexible regression models with cubic splines. Stat
    Med. 1989;8(5):551-561. doi:10.1002/sim.4780080504

    Examples
    --------
    >>> rcs_basis([0.0, 5.0, 10.0], [1.0, 4.0, 9.0]).round(4).tolist()
    [[0.0, 0.0], [5.0, 0.975], [10.0, 6.0]]
    """
    t = np.asarray(knots, dtype=float)
    if t.ndim != 1 or t.size < 3 or np.any(np.diff(t) <= 0):
        raise ParameterError(
            f"rcs_basis: knots must be at least 3 strictly increasing values. Got {knots!r}."
        )
    x = np.asarray(values, dtype=float)
    out = np.empty((x.size, t.size - 1))
    _rcs_into(x.ravel(), t, out)
    return out


#: Rows per block of `_rcs_into` (its temporaries stay in cache).
_RCS_ROWS = 1 << 13


def _cube_pos(v: np.ndarray) -> np.ndarray:
    """``max(v, 0) ** 3`` in place (two products, not ``pow``: 10x faster,
    within 2 units of roundoff of it)."""
    np.maximum(v, 0.0, out=v)
    c = v * v
    c *= v
    return c


def _rcs_into(x: np.ndarray, t: np.ndarray, out: np.ndarray) -> None:
    """`rcs_basis` of ``x`` written into the (n, k - 1) array ``out`` (a
    slice of a design matrix): no column list, no stacking copy; one
    cache-sized block of rows at a time."""
    k = t.size
    tau = (t[-1] - t[0]) ** (2.0 / 3.0)
    tk, tk1 = t[-1], t[-2]
    for a in range(0, x.size, _RCS_ROWS):
        xb = x[a : a + _RCS_ROWS]
        ob = out[a : a + _RCS_ROWS]
        ob[:, 0] = xb
        # The two outer-knot terms are the same for every column.
        last = _cube_pos((xb - tk) / tau)
        second = _cube_pos((xb - tk1) / tau)
        for j in range(k - 2):
            ob[:, j + 1] = _cube_pos((xb - t[j]) / tau) + (
                (tk1 - t[j]) * last - (tk - t[j]) * second
            ) / (tk - tk1)


_TEST_COLUMNS = ["test", "statistic", "df", "df_resid", "distribution", "p_value"]
_CURVE_COLUMNS = ["x", "estimate", "se", "ci_lower", "ci_upper"]


@dataclass(frozen=True, eq=False)
class SplineResult(StatResult):
    """Result of `spline_regression`.

    Attributes
    ----------
    table : pandas.DataFrame
        Coefficients: ``term, estimate, se`` (the spline terms are named
        ``x``, ``x'``, ``x''``; covariates by column; the intercept first).
    tests : pandas.DataFrame
        Wald tests as ``rms::anova`` prints them: rows ``"overall"`` (every
        spline term) and ``"nonlinear"`` (the terms after the linear one);
        columns ``test, statistic`` (F for linear models, chi-square for
        logistic), ``df, df_resid`` (NaN for logistic), ``distribution,
        p_value``.
    curve : pandas.DataFrame
        ``x`` over the observed range and the estimated difference from the
        reference: ``estimate`` (outcome units for linear models, log odds
        ratio for logistic), ``se, ci_lower, ci_upper``; logistic curves add
        ``odds_ratio, or_ci_lower, or_ci_upper``.
    outcome, predictor, kind : str
        ``kind`` is ``"linear"`` or ``"logistic"``.
    covariates : tuple of str
    knots : tuple of float
    reference : float
        The predictor value the curve is relative to (the median).
    estimable : bool
        False when the spline could not be formed or fitted (see ``notes``);
        the tables are then empty.
    n, n_excluded, events : int
    p_overall, p_nonlinear : float
    """

    tests: pd.DataFrame = field(default_factory=pd.DataFrame)
    curve: pd.DataFrame = field(default_factory=pd.DataFrame)
    outcome: str = ""
    predictor: str = ""
    kind: str = "linear"
    covariates: tuple[str, ...] = ()
    knots: tuple[float, ...] = ()
    reference: float = math.nan
    estimable: bool = True
    n: int = 0
    n_excluded: int = 0
    events: int = 0
    p_overall: float = math.nan
    p_nonlinear: float = math.nan


def _wald(beta: np.ndarray, vcov: np.ndarray, idx: Sequence[int]) -> float:
    b = beta[list(idx)]
    v = vcov[np.ix_(list(idx), list(idx))]
    return float(b @ np.linalg.solve(v, b))


def spline_regression(
    data: pd.DataFrame,
    *,
    outcome: str,
    predictor: str,
    covariates: Sequence[str] | str = (),
    kind: str = "logistic",
    nk: int = 4,
    knots: Sequence[float] | None = None,
    reference: float | None = None,
    grid: int = 101,
    confidence: float = 0.95,
) -> SplineResult:
    """Adjusted model with a restricted cubic spline of the predictor.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        Continuous outcome (``kind="linear"``) or 0/1 status (``"logistic"``).
    predictor : str
        Numeric predictor modelled by the spline (the biomarker).
    covariates : str or sequence of str, default ()
        Adjustment columns, numeric or 0/1 (as in the adjusted Table 2/3 models).
    kind : {"logistic", "linear"}, default "logistic"
        Maximum-likelihood logistic or least-squares model.
    nk : int, default 4
        Number of knots (Harrell's default placement, `rcs_knots`).
    knots : sequence of float, optional
        Knots to use instead; default: placed on the analysis sample's
        predictor values. (Pass the knots of every participant with a value
        to get R's behaviour when ``rcs()`` sees a data frame with missing
        covariates: ``model.frame`` evaluates the basis before dropping rows.)
    reference : float, optional
        Predictor value the curve is relative to; default the median of the
        analysis sample.
    grid : int, default 101
        Number of curve points, evenly spaced between the smallest and the
        largest value.
    confidence : float, default 0.95
        Level of the curve's band.

    Returns
    -------
    SplineResult
        Coefficients, the two Wald tests and the curve (see
        `SplineResult`). When the predictor has too few distinct
        values for the spline (or the model cannot be fitted: separation,
        collinearity), ``estimable`` is False and a note says why; nothing
        is raised.

    Raises
    ------
    SchemaError
        A named column is absent.
    DataError
        A model column is not numeric, or a logistic outcome is not 0/1.
    ParameterError
        An invalid option.

    See Also
    --------
    rcs_knots, rcs_basis
    sarcostat.stats.logistic.logistic_regression : the linear-in-x model.

    Notes
    -----
    Complete cases over outcome, predictor and covariates. The design is
    intercept, `rcs_basis` (k - 1 columns) and the covariates; the
    fit uses `sarcostat.stats.ancova.fit_linear` (least squares) or
    the logistic module's Newton-Raphson (maximum likelihood), after its
    separation check. With :math:`b` the spline coefficients and :math:`V`
    their covariance, the Wald statistic of a set of coefficients is
    :math:`W = b'V^{-1}b`; linear models report :math:`F = W/q` on
    (q, n - p) df, logistic models :math:`\\chi^2 = W` on q df, for the
    overall association (q = k - 1) and non-linearity (q = k - 2). The curve
    is :math:`(B(x) - B(x_{ref}))b` with variance
    :math:`d'Vd`, :math:`d = B(x) - B(x_{ref})`; an odds ratio for logistic
    models.

    R: ``dd <- datadist(d); options(datadist = "dd")``;
    ``fit <- lrm(y ~ rcs(x, 4) + age_yr + sex_male + bmi, data = d)`` (or
    ``ols``); ``anova(fit)`` (rows "x" and " Nonlinear");
    ``Predict(fit, x, ref.zero = TRUE, fun = exp)``. Tested against rms 6.5
    (tests/stats/r/ref_roc_spline.R).

    SPSS: no spline procedure; compute the basis with ``COMPUTE`` and use
    ``LOGISTIC REGRESSION`` / ``REGRESSION`` with a block test of the
    non-linear terms.

    References
    ----------
    Harrell FE. Regression Modeling Strategies. 2nd ed. Springer; 2015.
    doi:10.1007/978-3-319-19425-7

    Durrleman S, Simon R. Flexible regression models with cubic splines. Stat
    Med. 1989;8(5):551-561. doi:10.1002/sim.4780080504

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = pd.DataFrame({"x": rng.normal(50, 10, 200)})
    >>> d["y"] = 0.002 * (d["x"] - 50) ** 2 + rng.normal(0, 0.5, 200)
    >>> res = spline_regression(d, outcome="y", predictor="x", kind="linear")
    >>> len(res.knots), res.p_nonlinear < 0.05
    (4, True)
    """
    from scipy import stats as sps

    fn = "spline_regression"
    conf = check_confidence(confidence, fn)
    check_option(kind, ("logistic", "linear"), parameter="kind", function=fn)
    covs = as_names(covariates, "covariates", fn)
    if not isinstance(grid, (int, np.integer)) or isinstance(grid, bool) or grid < 2:
        raise ParameterError(
            f"The 'grid' parameter of {fn} must be an integer >= 2. Got {grid!r} instead."
        )
    used = [outcome, predictor, *covs]
    if len(set(used)) != len(used):
        raise ParameterError(
            f"{fn}: a column appears twice among outcome, predictor and covariates."
        )
    sample, n_excl = complete_cases(data, used, function=fn)
    ids = data["id"] if "id" in data.columns else None
    base: dict[str, Any] = {
        "outcome": outcome,
        "predictor": predictor,
        "kind": kind,
        "covariates": tuple(covs),
        "n": len(sample),
        "n_excluded": n_excl,
    }

    def not_estimable(reason: str | ModelError) -> SplineResult:
        if isinstance(reason, ModelError):  # its message less the function's name
            reason = str(reason).split(": ", 1)[-1]
        return SplineResult(
            table=pd.DataFrame(columns=["term", "estimate", "se"]),
            tests=pd.DataFrame(columns=_TEST_COLUMNS),
            curve=pd.DataFrame(columns=_CURVE_COLUMNS),
            notes=(f"Spline of {predictor} for {outcome} not estimated: {reason}",),
            meta={"kind": kind, "estimable": False, "reason": reason},
            estimable=False,
            **base,
        )

    x = numeric_values(sample[predictor], role="predictor", function=fn, ids=ids)
    knot_notes: list[str] = []
    try:
        if knots is None:
            t, knot_notes = rcs_knots(x, nk)
        else:
            t = np.unique(np.asarray(knots, dtype=float))
            if t.size < 3:
                raise ModelError("fewer than 3 distinct knots were given.")
    except ModelError as exc:
        return not_estimable(exc)
    # The design, built once: intercept, the spline basis, the covariates.
    nb = t.size - 1
    shape = (len(sample), 1 + nb + len(covs))
    # In column order, the layout both cores read in long runs (the logistic
    # core then scales it in place, see below).
    X = np.empty(shape[::-1]).T
    X[:, 0] = 1.0
    _rcs_into(x, t, X[:, 1 : 1 + nb])
    for i, c in enumerate(covs):
        X[:, 1 + nb + i] = numeric_values(sample[c], role="covariate", function=fn, ids=ids)
    spline_names = [predictor + "'" * j for j in range(nb)]
    names = ["(Intercept)", *spline_names, *covs]
    try:
        check_not_constant(sample, used, function=fn, outcome=outcome)
        if len(X) <= X.shape[1]:
            raise ModelError(f"{fn}: {len(X)} complete case(s) for {X.shape[1]} coefficients.")
    except ModelError as exc:
        return not_estimable(exc)
    # The rank rule is the fit's own (least squares and the logistic fit
    # both refuse a collinear design, naming its columns), not a pass of
    # its own over the design first (25 ms at 10**6 rows).

    idx_all = list(range(1, 1 + nb))
    idx_nl = idx_all[1:]
    events = 0
    if kind == "linear":
        from sarcostat.stats.ancova import _ols

        y = numeric_values(sample[outcome], role="outcome", function=fn, ids=ids)
        try:
            ls = _ols(X, y, names, outcome=outcome, function=fn)
        except ModelError as exc:
            return not_estimable(exc)
        beta = ls.coef
        vcov = float(ls.rss) / ls.df_resid * ls.xtx_inv
        df_resid = float(ls.df_resid)
        rows = []
        for label, idx in (("overall", idx_all), ("nonlinear", idx_nl)):
            f_stat = _wald(beta, vcov, idx) / len(idx)
            rows.append(
                {
                    "test": label,
                    "statistic": f_stat,
                    "df": float(len(idx)),
                    "df_resid": df_resid,
                    "distribution": "F",
                    "p_value": float(sps.f.sf(f_stat, len(idx), df_resid)),
                }
            )
    else:
        from sarcostat.stats.fitting import logistic_fit
        from sarcostat.stats.logistic import _binary_outcome

        y = _binary_outcome(sample[outcome], function=fn, ids=ids)
        events = int(y.sum())
        try:  # overwrite_x: X is not read again
            lfit = logistic_fit(X, y, names=names, function=fn, overwrite_x=True)
        except ModelError as exc:
            return not_estimable(exc)
        sep = lfit.separation
        if sep is not None:
            return not_estimable(
                f"{sep} separation of {outcome!r} in the spline model; maximum likelihood "
                "estimates do not exist."
            )
        beta, vcov = lfit.coef, lfit.cov
        if not lfit.converged:
            return not_estimable("the logistic iterations did not converge.")
        rows = []
        for label, idx in (("overall", idx_all), ("nonlinear", idx_nl)):
            chi2 = _wald(beta, vcov, idx)
            rows.append(
                {
                    "test": label,
                    "statistic": chi2,
                    "df": float(len(idx)),
                    "df_resid": math.nan,
                    "distribution": "chi-square",
                    "p_value": float(sps.chi2.sf(chi2, len(idx))),
                }
            )
    tests = pd.DataFrame(rows, columns=_TEST_COLUMNS)
    table = pd.DataFrame({"term": names, "estimate": beta, "se": np.sqrt(np.diag(vcov))})

    ref = float(np.median(x)) if reference is None else float(reference)
    xs = np.linspace(float(x.min()), float(x.max()), int(grid))
    d = rcs_basis(xs, t) - rcs_basis([ref], t)
    b = beta[idx_all]
    v = vcov[np.ix_(idx_all, idx_all)]
    est = d @ b
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, v, d), 0.0))
    if kind == "linear":
        q = float(sps.t.ppf(0.5 + conf / 2, df_resid))
    else:
        q = float(sps.norm.ppf(0.5 + conf / 2))
    curve = pd.DataFrame(
        {"x": xs, "estimate": est, "se": se, "ci_lower": est - q * se, "ci_upper": est + q * se}
    )
    if kind == "logistic":
        curve["odds_ratio"] = np.exp(curve["estimate"])
        curve["or_ci_lower"] = np.exp(curve["ci_lower"])
        curve["or_ci_upper"] = np.exp(curve["ci_upper"])
    p_overall = float(tests["p_value"].iloc[0])
    p_nl = float(tests["p_value"].iloc[1])
    model = "linear regression (least squares)" if kind == "linear" else "logistic regression"
    notes = [
        f"Restricted cubic spline of {predictor} with {t.size} knots at "
        f"{', '.join(f'{k:.6g}' for k in t)} (Harrell's placement, rms::rcs) in a {model} "
        f"of {outcome}" + (f" adjusted for {', '.join(covs)}" if covs else "") + ".",
        f"Wald tests (rms::anova): overall P = {p_overall:.4g}, non-linearity P = {p_nl:.4g}.",
        f"Curve relative to {predictor} = {ref:.6g} ("
        + ("the median" if reference is None else "given")
        + f"), {conf:.0%} pointwise band.",
        *knot_notes,
    ]
    return SplineResult(
        table=table,
        tests=tests,
        curve=curve,
        notes=tuple(notes),
        meta={
            "kind": kind,
            "estimable": True,
            "knots": [float(k) for k in t],
            "reference": ref,
            "confidence": conf,
            "terms": names,
            "reference_software": "R rms::rcs, rms::anova, rms::Predict(ref.zero = TRUE)",
        },
        knots=tuple(float(k) for k in t),
        reference=ref,
        events=events,
        p_overall=p_overall,
        p_nonlinear=p_nl,
        **base,
    )
