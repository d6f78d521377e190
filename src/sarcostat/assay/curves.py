"""Four- and five-parameter logistic standard curves.

One parameterisation is used throughout (the SoftMax Pro / Gen5 form):

.. math::

    y = D + \\frac{A - D}{\\left(1 + (x / C)^{B}\\right)^{E}}

``A`` is the signal at zero concentration, ``D`` the signal at infinite
concentration, ``C`` the inflection concentration (the EC50 of the 4PL),
``B > 0`` the slope and ``E > 0`` the asymmetry (``E = 1`` for the 4PL).
With ``B > 0`` the direction of the curve is read from the asymptotes:
``A > D`` is a falling curve (competitive assay), ``A < D`` a rising one
(sandwich assay). Nothing about the direction is assumed before fitting.

Conversions
-----------
* drc ``LL.4`` / ``LL.5``: ``f(x) = c + (d - c) / (1 + exp(b (log x - log e)))^f``
  is the same function with ``b = B, c = D, d = A, e = C, f = E``.
* R ``SSfpl(log x, A, B, xmid, scal)``: ``A = A``, ``B = D``, ``xmid = log C``,
  ``scal = 1 / B`` (4PL only).
* SoftMax Pro / Gen5 report ``A, B, C, D`` (and ``G`` or ``E`` for the 5PL)
  in exactly the form above.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError, ModelError, check_option

MODELS = ("4pl", "5pl")
WEIGHTS = ("none", "1/y2", "1/yhat2", "1/y")
PARAM_NAMES = {"4pl": ("A", "B", "C", "D"), "5pl": ("A", "B", "C", "D", "E")}

#: IRLS for 1/yhat^2 stops when no parameter moves by more than this (relative).
IRLS_TOL = 1e-10
IRLS_MAX_ITER = 100


def _logistic(x, A, B, C, D, E=1.0):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        u = np.where(x > 0, np.power(np.where(x > 0, x, 1.0) / C, B), 0.0)
        return D + (A - D) / np.power(1.0 + u, E)


def _jacobian(x, p, model):
    A, B, C, D = p[:4]
    E = p[4] if model == "5pl" else 1.0
    pos = x > 0
    xs = np.where(pos, x, 1.0)
    u = np.where(pos, np.power(xs / C, B), 0.0)
    lnr = np.where(pos, np.log(xs / C), 0.0)
    g = 1.0 + u
    gE = np.power(g, -E)
    dfdg = -(A - D) * E * np.power(g, -E - 1.0)
    cols = [gE, dfdg * u * lnr, dfdg * (-B * u / C), 1.0 - gE]
    if model == "5pl":
        cols.append(-(A - D) * gE * np.log(g))
    return np.column_stack(cols)


def _start_values(x, y):
    """Starting values from the data: asymptotes just beyond the extreme
    levels, B and C from a straight line on the logit scale."""
    levels = np.unique(x)
    lo = y[x == levels[0]].mean()
    hi = y[x == levels[-1]].mean()
    span = hi - lo
    if span == 0:
        span = np.ptp(y) or 1.0
    A0, D0 = lo - 0.02 * span, hi + 0.02 * span
    pos = x > 0
    frac = (y[pos] - D0) / (A0 - D0)
    inside = (frac > 0.02) & (frac < 0.98)
    B0, C0 = 1.0, float(np.exp(np.mean(np.log(x[pos])))) if pos.any() else 1.0
    if inside.sum() >= 2 and np.ptp(x[pos][inside]) > 0:
        # (A - y) / (y - D) = (x / C)^B  ->  log-odds linear in log x
        lx = np.log(x[pos][inside])
        lo_ = np.log((1 - frac[inside]) / frac[inside])
        slope, icpt = np.polyfit(lx, lo_, 1)
        if np.isfinite(slope) and slope > 0:
            B0 = float(slope)
            C0 = float(np.exp(-icpt / slope))
    return A0, B0, C0, D0


def _weights_from(kind, y, yhat):
    if kind == "1/y2":
        v = np.asarray(y, float)
        return 1.0 / v**2
    if kind == "1/y":
        return 1.0 / np.abs(np.asarray(y, float))
    if kind == "1/yhat2":
        return 1.0 / np.asarray(yhat, float) ** 2
    return np.ones_like(np.asarray(y, float))


def _solve(x, y, w, model, starts):
    from scipy.optimize import least_squares

    sw = np.sqrt(w)
    best = None
    npar = len(PARAM_NAMES[model])
    lower = [-np.inf, 1e-8, 1e-12 * max(x.max(), 1e-300), -np.inf] + (
        [1e-6] if model == "5pl" else []
    )
    upper = [np.inf] * npar
    for p0 in starts:
        p0 = np.array(p0[:npar], float)
        p0 = np.clip(p0, np.array(lower) + 1e-12, upper)

        def fun(p):
            return sw * (_logistic(x, *p) - y)

        def jac(p):
            return sw[:, None] * _jacobian(x, p, model)

        try:
            with np.errstate(all="ignore"):
                res = least_squares(
                    fun,
                    p0,
                    jac=jac,
                    bounds=(lower, upper),
                    method="trf",
                    x_scale="jac",
                    ftol=1e-15,
                    xtol=1e-15,
                    gtol=1e-15,
                    max_nfev=5000,
                )
        except (ValueError, np.linalg.LinAlgError, FloatingPointError):
            continue
        if not np.all(np.isfinite(res.x)) or not np.isfinite(res.cost):
            continue
        if res.status <= 0:
            continue
        if best is None or res.cost < best.cost * (1 - 1e-12):
            best = res
    return best


@dataclass(frozen=True)
class StandardCurve:
    """A fitted 4PL or 5PL standard curve (frozen result).

    Attributes
    ----------
    model : str
        ``"4pl"`` or ``"5pl"``.
    params : dict
        ``A, B, C, D`` (and ``E``) in the form of the module docstring.
    cov : numpy.ndarray
        Covariance of the parameters, :math:`s^2 (J^T W J)^{-1}` with
        :math:`s^2 = \\sum w_i r_i^2 / (n - p)` (what R ``vcov(nls)`` gives).
    weights : str
        ``"none"``, ``"1/y2"``, ``"1/yhat2"`` or ``"1/y"``.
    direction : str
        ``"falling"`` (competitive) or ``"rising"`` (sandwich).
    conc, signal, w : numpy.ndarray
        The points used in the fit and their final weights.
    n, df_resid : int
    rss : float
        Weighted residual sum of squares.
    sigma : float
        Residual standard error :math:`\\sqrt{\\mathrm{rss} / \\mathrm{df}}`
        (R ``summary(nls)$sigma``).
    r_squared : float
        :math:`1 - \\sum (y - \\hat y)^2 / \\sum (y - \\bar y)^2`, unweighted.
    iterations : int
        Reweighting passes (1 unless ``weights="1/yhat2"``).
    notes : tuple of str
    """

    model: str
    params: dict
    cov: np.ndarray
    weights: str
    direction: str
    conc: np.ndarray
    signal: np.ndarray
    w: np.ndarray
    n: int
    df_resid: int
    rss: float
    sigma: float
    r_squared: float
    iterations: int = 1
    notes: tuple[str, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def _p(self):
        return [self.params[k] for k in PARAM_NAMES[self.model]]

    @property
    def E(self) -> float:
        return self.params.get("E", 1.0)

    def predict(self, conc):
        """Signal at concentration(s) ``conc``."""
        return _logistic(np.asarray(conc, float), *self._p)

    def inverse(self, signal):
        """Concentration at signal(s) ``signal``; NaN where there is none.

        .. math:: x = C \\left[\\left(\\frac{A - D}{y - D}\\right)^{1/E} - 1\\right]^{1/B}

        A signal on or beyond an asymptote has no inverse (NaN); use
        `inverse_side` to learn on which side it lies.
        """
        y = np.asarray(signal, float)
        A, B, C, D = (self.params[k] for k in "ABCD")
        E = self.E
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ratio = (A - D) / (y - D)
            inner = np.power(ratio, 1.0 / E) - 1.0
            x = C * np.power(inner, 1.0 / B)
        ok = np.isfinite(ratio) & (ratio > 1.0) & np.isfinite(x)
        return np.where(ok, x, np.nan)

    def inverse_side(self, signal):
        """For each signal: ``"low"`` when it lies beyond the zero-concentration
        asymptote A (concentration below anything measurable), ``"high"`` when
        beyond D, ``""`` when invertible or missing."""
        y = np.asarray(signal, float)
        A, D = self.params["A"], self.params["D"]
        sgn = np.sign(D - A)  # +1 rising, -1 falling
        rel = (y - A) * sgn  # distance from A towards D
        span = abs(D - A)
        out = np.full(y.shape, "", dtype=object)
        out[np.isfinite(y) & (rel <= 0)] = "low"
        out[np.isfinite(y) & (rel >= span)] = "high"
        return out

    def as_drc(self) -> dict:
        """Parameters in drc's ``LL.4`` / ``LL.5`` form (``b, c, d, e[, f]``).

        ``c + (d - c) / (1 + exp(b (log x - log e)))^f`` with ``b = B``,
        ``c = D``, ``d = A``, ``e = C``, ``f = E``: the same function.
        """
        out = {
            "b": self.params["B"],
            "c": self.params["D"],
            "d": self.params["A"],
            "e": self.params["C"],
        }
        if self.model == "5pl":
            out["f"] = self.params["E"]
        return out

    def as_softmax(self) -> dict:
        """Parameters as SoftMax Pro / Gen5 report them (``A, B, C, D[, E]``)."""
        return dict(self.params)

    @property
    def se(self) -> dict:
        return dict(zip(PARAM_NAMES[self.model], np.sqrt(np.diag(self.cov))))

    def to_frame(self) -> pd.DataFrame:
        """Parameter table: ``term``, ``estimate``, ``se``."""
        names = PARAM_NAMES[self.model]
        return pd.DataFrame(
            {"term": list(names), "estimate": self._p, "se": [self.se[k] for k in names]}
        )

    def summary(self, digits: int = 5) -> str:
        rows = [
            f"{self.model.upper()} standard curve ({self.direction}), weights={self.weights}, "
            f"n={self.n}, R²={self.r_squared:.{digits}g}, residual SE={self.sigma:.{digits}g}"
        ]
        for t, e, s in self.to_frame().itertuples(index=False):
            rows.append(f"  {t} = {e:.{digits}g} (SE {s:.{digits}g})")
        rows += [f"Note: {n}" for n in self.notes]
        return "\n".join(rows)


def fit_curve(conc, signal, *, model="4pl", weights=None, start=None) -> StandardCurve:
    """Fit a 4PL or 5PL logistic standard curve by (weighted) least squares.

    Parameters
    ----------
    conc : array-like
        Nominal concentrations of the standards (>= 0; a zero standard is
        allowed: it enters the fit at the asymptote ``A``).
    signal : array-like
        Readings (one per well, or one per level when fitting to means).
    model : {"4pl", "5pl"}, default "4pl"
    weights : {None, "none", "1/y2", "1/yhat2", "1/y"}, default None
        ``None``/``"none"``: unweighted. ``"1/y2"`` and ``"1/y"``: fixed
        weights from the observed signal. ``"1/yhat2"``: weights from the
        fitted signal, by iteratively reweighted least squares (see Notes).
    start : sequence of float, optional
        Starting values ``A, B, C, D[, E]``; by default taken from the data.

    Returns
    -------
    StandardCurve
        Frozen result with ``params``, ``cov``, ``direction``, ``predict``,
        ``inverse``, ``as_drc``, ``as_softmax``, ``to_frame`` (columns
        ``term``, ``estimate``, ``se``).

    Raises
    ------
    DataError
        Fewer points than parameters + 1, negative or non-finite values,
        non-positive signal with a 1/y-type weight.
    ModelError
        The least-squares fit does not converge.

    See Also
    --------
    quantify : fits one curve per plate and back-calculates the unknowns.

    Notes
    -----
    The curve is :math:`y = D + (A - D) / (1 + (x/C)^B)^E` with ``B > 0``,
    ``C > 0`` (and ``E > 0``), fitted with ``scipy.optimize.least_squares``
    (trust-region reflective, analytic Jacobian) from several starting points;
    the lowest residual sum of squares wins. The direction (falling =
    competitive, rising = sandwich) is read from the fitted ``A`` and ``D``.

    ``"1/yhat2"`` is fitted by IRLS: an unweighted fit, then weights
    :math:`1/\\hat y_i^2` from the current fit held fixed while the parameters
    are re-estimated, repeated until no parameter changes by more than
    1e-10 (relative) or 100 passes. This converges to the fixed point that
    SoftMax Pro-style "1/Y^2 on fitted values" weighting and a loop of R
    ``nls(..., weights = 1/fitted(prev)^2)`` reach; it is not the maximum
    likelihood estimate of a power-of-the-mean variance model
    (``nlme::gnls(..., weights = varPower())``), which also differentiates
    the weights. drc's ``drm(weights = w)`` divides residuals by ``w`` in
    current versions (weights in the unit of the response), so 1/y² there is
    ``weights = y``.

    Reproduced in R (tests/assay/r/fit_reference.R)::

        nls(signal ~ SSfpl(log(conc), A, D, xmid, scal))          # 4PL
        nls(signal ~ D + (A - D)/(1 + (conc/C)^B)^E, start = ...)  # 5PL

    References
    ----------
    Ritz C, Baty F, Streibig JC, Gerhard D. Dose-response analysis using R.
    PLoS One 2015;10(12):e0146021. doi:10.1371/journal.pone.0146021

    Gottschalk PG, Dunn JR. The five-parameter logistic: a characterization
    and comparison with the four-parameter logistic. Anal Biochem
    2005;343(1):54-65. doi:10.1016/j.ab.2005.04.035

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([0.94, 1.88, 3.75, 7.5, 15, 30])
    >>> y = 0.5 + 7.3 / (1 + (x / 3.0) ** 3)
    >>> fit_curve(x, y).direction
    'falling'
    """
    model = check_option(model, MODELS, parameter="model", function="fit_curve")
    weights = "none" if weights is None else weights
    weights = check_option(weights, WEIGHTS, parameter="weights", function="fit_curve")
    x = np.asarray(conc, dtype=float).ravel()
    y = np.asarray(signal, dtype=float).ravel()
    if x.shape != y.shape:
        raise DataError(f"fit_curve: conc has {x.size} values but signal has {y.size}.")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise DataError("fit_curve: conc and signal must be finite numbers (found NaN or inf).")
    if np.any(x < 0):
        raise DataError(f"fit_curve: concentrations must be >= 0; got {x[x < 0][0]!r}.")
    npar = len(PARAM_NAMES[model])
    nlev = np.unique(x).size
    if x.size <= npar or nlev < npar:
        raise DataError(
            f"fit_curve: a {model.upper()} needs at least {npar} concentration levels "
            f"and {npar + 1} points; got {nlev} levels and {x.size} points."
        )
    if weights in ("1/y2", "1/y") and np.any(y <= 0):
        raise DataError(
            f"fit_curve: weights {weights!r} need positive signals; got {y[y <= 0][0]!r}."
        )

    if start is not None:
        starts = [list(start) + ([1.0] if model == "5pl" and len(start) == 4 else [])]
    else:
        A0, B0, C0, D0 = _start_values(x, y)
        starts = [(A0, b, C0, D0, 1.0) for b in (B0, 1.0, 0.5 * B0, 2.0 * B0)]

    def run(w, starts_):
        if model == "5pl" and start is None:
            res4 = _solve(x, y, w, "4pl", starts_)
            s5 = list(starts_)
            if res4 is not None:
                s5 = [tuple(res4.x) + (e,) for e in (1.0, 0.5, 2.0)] + s5
            return _solve(x, y, w, model, s5)
        return _solve(x, y, w, model, starts_)

    w = _weights_from(weights, y, None) if weights in ("1/y2", "1/y") else np.ones_like(y)
    res = run(w, starts)
    iterations = 1
    if res is not None and weights == "1/yhat2":
        for iterations in range(2, IRLS_MAX_ITER + 2):
            yhat = _logistic(x, *res.x)
            if np.any(yhat <= 0):
                raise ModelError(
                    "fit_curve: 1/yhat^2 weighting needs positive fitted signals; "
                    "a fitted value is <= 0."
                )
            w = 1.0 / yhat**2
            new = _solve(x, y, w, model, [tuple(res.x)])
            if new is None:
                res = None
                break
            moved = np.max(np.abs(new.x - res.x) / np.maximum(np.abs(res.x), 1e-300))
            res = new
            if moved < IRLS_TOL:
                break
        else:  # pragma: no cover - safety net
            raise ModelError(
                f"fit_curve: 1/yhat^2 reweighting did not settle in {IRLS_MAX_ITER} passes."
            )
    if res is None:
        raise ModelError(
            f"fit_curve: the {model.upper()} fit did not converge "
            f"(tried {len(starts)} starting points)."
        )

    p = res.x
    names = PARAM_NAMES[model]
    J = np.sqrt(w)[:, None] * _jacobian(x, p, model)
    resid = y - _logistic(x, *p)
    rss = float(np.sum(w * resid**2))
    df = x.size - npar
    sigma2 = rss / df
    try:
        JtJ = J.T @ J
        if not np.all(np.isfinite(JtJ)) or np.linalg.cond(JtJ) > 1e15:
            raise np.linalg.LinAlgError
        cov = sigma2 * np.linalg.inv(JtJ)
    except np.linalg.LinAlgError:
        raise ModelError(
            f"fit_curve: the {model.upper()} fit is degenerate (singular "
            "Jacobian: the standards do not define every parameter)."
        ) from None
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(resid**2)) / ss_tot if ss_tot > 0 else np.nan
    params = dict(zip(names, map(float, p)))
    direction = "falling" if params["A"] > params["D"] else "rising"
    notes = []
    if x.max() > 0 and (params["C"] > 100 * x.max() or params["C"] < x[x > 0].min() / 100):
        notes.append(
            f"Inflection C = {params['C']:.4g} lies far outside the standards' range; "
            "the curve may be poorly determined."
        )
    return StandardCurve(
        model=model,
        params=params,
        cov=cov,
        weights=weights,
        direction=direction,
        conc=x,
        signal=y,
        w=w,
        n=int(x.size),
        df_resid=int(df),
        rss=rss,
        sigma=float(np.sqrt(sigma2)),
        r_squared=r2,
        iterations=iterations,
        notes=tuple(notes),
    )
