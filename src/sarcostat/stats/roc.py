"""Receiver operating characteristic analysis of a biomarker for a binary status.

The empirical ROC curve, its area with DeLong's confidence interval and the
Youden-optimal threshold with exact intervals for sensitivity and
specificity, computed as R's pROC computes them (thresholds midway between
adjacent observed values, direction from the group medians).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import ModelError, ParameterError, check_option
from sarcostat.stats._data import check_confidence, complete_cases, numeric_values
from sarcostat.stats.describe import clopper_pearson
from sarcostat.stats.result import StatResult

__all__ = ["RocResult", "roc_analysis", "roc_thresholds"]

_DIRECTIONS = ("auto", "<", ">")


@dataclass(frozen=True, eq=False)
class RocResult(StatResult):
    """Result of `roc_analysis`.

    Attributes
    ----------
    table : pandas.DataFrame
        The ROC curve, one row per threshold in order of increasing
        specificity: ``threshold, sensitivity, specificity, tp, fp, tn, fn,
        youden`` (sensitivity + specificity - 1).
    outcome, marker : str
        The 0/1 status and the biomarker.
    direction : str
        ``"<"``: values above the threshold are called positive (cases have
        higher values); ``">"``: values below it are (cases have lower
        values, e.g. sclerostin in sarcopenia).
    direction_text : str
        The direction in words.
    n_cases, n_controls, n_excluded : int
        Status 1 and 0 counts, rows without both values.
    median_cases, median_controls : float
        Group medians that chose the direction.
    auc, auc_se, auc_ci_lower, auc_ci_upper : float
        Area under the curve, DeLong standard error and interval.
    threshold, sensitivity, specificity, youden : float
        The Youden-optimal threshold (the first in the curve's order when
        several tie) and its coordinates.
    sensitivity_ci_lower, sensitivity_ci_upper, specificity_ci_lower, specificity_ci_upper : float
        Clopper-Pearson limits.
    tp, fp, tn, fn : int
        Counts at the optimal threshold.
    tied_thresholds : tuple of float
        Every threshold with the maximal Youden index (length 1 without ties).
    """

    outcome: str = ""
    marker: str = ""
    direction: str = "<"
    direction_text: str = ""
    n_cases: int = 0
    n_controls: int = 0
    n_excluded: int = 0
    median_cases: float = math.nan
    median_controls: float = math.nan
    auc: float = math.nan
    auc_se: float = math.nan
    auc_ci_lower: float = math.nan
    auc_ci_upper: float = math.nan
    threshold: float = math.nan
    sensitivity: float = math.nan
    sensitivity_ci_lower: float = math.nan
    sensitivity_ci_upper: float = math.nan
    specificity: float = math.nan
    specificity_ci_lower: float = math.nan
    specificity_ci_upper: float = math.nan
    youden: float = math.nan
    tp: int = 0
    fp: int = 0
    tn: int = 0
    fn: int = 0
    tied_thresholds: tuple[float, ...] = ()

    def thinned(self, resolution: int = 10_000) -> RocResult:
        """This result with its curve (`table`) kept at the rows `curve_vertices`
        keeps, and every row of maximal Youden index; the summary numbers
        are unchanged. A curve over a million distinct values has a million
        rows (64 MB); kept this way it has at most ``2 * resolution + 2``
        plus the ties, each row left out within ``1/resolution`` of a kept
        one in sensitivity and in specificity.
        """
        curve = self.table
        if len(curve) <= resolution:
            return self
        keep = curve_vertices(1 - curve["specificity"], curve["sensitivity"], resolution)
        youden = curve["youden"].to_numpy()
        keep |= youden == np.nanmax(youden)
        return dataclasses.replace(self, table=curve[keep].reset_index(drop=True))

    def to_row(self) -> dict:
        """The summary numbers as one flat dict (a row of the ROC table)."""
        keys = (
            "outcome marker direction n_cases n_controls median_cases median_controls auc "
            "auc_se auc_ci_lower auc_ci_upper threshold sensitivity sensitivity_ci_lower "
            "sensitivity_ci_upper specificity specificity_ci_lower specificity_ci_upper "
            "youden tp fp tn fn"
        ).split()
        row = {k: getattr(self, k) for k in keys}
        row["n_tied_thresholds"] = len(self.tied_thresholds)
        return row


def curve_vertices(x: Any, y: Any, resolution: int) -> np.ndarray:
    """Which vertices of a monotone curve in the unit square (an ROC curve) to keep.

    Up to ``resolution`` vertices, all. Above, the path is cut into
    stretches of length ``1/resolution`` (distance travelled in x plus y)
    and the first vertex of each stretch is kept, with the last. Every
    vertex left out lies within ``1/resolution`` of a kept one on each axis,
    and a monotone curve travels at most 2, so at most ``2 * resolution +
    2`` are kept whatever the number of thresholds.

    >>> x = np.linspace(0, 1, 10**6)
    >>> keep = curve_vertices(x, x**0.5, 1000)
    >>> int(keep.sum()) <= 2002, bool(keep[0]), bool(keep[-1])
    (True, True, True)
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    keep = np.ones(len(x), dtype=bool)
    if len(x) <= resolution:
        return keep
    travel = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(x)) + np.abs(np.diff(y)))])
    bucket = np.floor(travel / (1.0 / resolution))
    keep[1:-1] = bucket[1:-1] != bucket[:-2]
    return keep


def roc_thresholds(values: Any, direction: str) -> np.ndarray:
    """Candidate thresholds: -inf, midpoints between adjacent distinct values, +inf.

    Parameters
    ----------
    values : array-like
        All marker values (cases and controls).
    direction : {"<", ">"}
        Which side is positive; decides which neighbour a midpoint that
        rounds onto an observed value is moved to.

    Returns
    -------
    numpy.ndarray
        Increasing thresholds (length: distinct values + 1).

    Raises
    ------
    ParameterError
        ``direction`` not ``"<"`` or ``">"``.

    See Also
    --------
    roc_analysis

    Notes
    -----
    .. math:: c_0 = -\\infty,\\quad c_k = (u_k + u_{k+1})/2,\\quad c_m = +\\infty

    over the sorted distinct values :math:`u`. When two values are adjacent
    doubles their midpoint rounds onto one of them; it is then set to the
    value that keeps the classification of both sides (R pROC 1.18
    ``roc.utils.thresholds`` does the same). SPSS ``ROC`` lists the same
    midpoints as "Positive if Greater Than or Equal To".

    References
    ----------
    Robin X, Turck N, Hainard A, et al. pROC: an open-source package for R and
    S+ to analyze and compare ROC curves. BMC Bioinformatics. 2011;12:77.
    doi:10.1186/1471-2105-12-77

    Examples
    --------
    >>> roc_thresholds([1.0, 2.0, 2.0, 4.0], "<").tolist()
    [-inf, 1.5, 3.0, inf]
    """
    check_option(direction, ("<", ">"), parameter="direction", function="roc_thresholds")
    return _thresholds(np.unique(np.asarray(values, dtype=float)), direction)


def _distinct_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distinct values of two sorted arrays, sorted: ``np.unique`` of
    their union, from a merge (a stable sort of two sorted runs is one
    merge) instead of a full sort."""
    both = np.sort(np.concatenate([a, b]), kind="stable")
    keep = np.empty(len(both), dtype=bool)
    keep[:1] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    return both[keep]


def _thresholds(u: np.ndarray, direction: str) -> np.ndarray:
    """`roc_thresholds` from the sorted distinct values ``u``."""
    lo = np.r_[-np.inf, u]
    hi = np.r_[u, np.inf]
    with np.errstate(invalid="ignore", over="ignore"):
        mid = (lo + hi) / 2
        # Halve first where the sum would overflow (huge values).
        big = ~np.isfinite(mid) | (np.abs(mid) > 1e100)
        mid[big] = lo[big] / 2 + hi[big] / 2
    for k in np.flatnonzero(np.isin(mid, u)):
        # A midpoint equal to its lower neighbour u[k-1] or upper u[k].
        if direction == "<" and mid[k] == u[k - 1]:
            mid[k] = u[k]
        elif direction == ">" and mid[k] == u[k]:
            mid[k] = u[k - 1]
    return mid


def _placements(
    cases: np.ndarray,
    controls: np.ndarray,
    sc: np.ndarray | None = None,
    sx: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """DeLong placement values for direction "<" (cases above controls).

    V10[i]: share of controls below case i (ties count 1/2); V01[j]: share of
    cases above control j. Computed from sorted arrays (n log n); ``sc`` and
    ``sx``, the controls and cases sorted, when the caller has them.
    """
    sc = np.sort(controls) if sc is None else sc
    below = np.searchsorted(sc, cases, side="left")
    at_or_below = np.searchsorted(sc, cases, side="right")
    v10 = (below + 0.5 * (at_or_below - below)) / len(controls)
    sx = np.sort(cases) if sx is None else sx
    above = len(cases) - np.searchsorted(sx, controls, side="right")
    at_or_above = len(cases) - np.searchsorted(sx, controls, side="left")
    v01 = (above + 0.5 * (at_or_above - above)) / len(cases)
    return v10, v01


def roc_analysis(
    data: pd.DataFrame,
    *,
    outcome: str,
    marker: str,
    direction: str = "auto",
    confidence: float = 0.95,
) -> RocResult:
    """Empirical ROC curve, AUC with DeLong CI and the Youden-optimal threshold.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per participant.
    outcome : str
        0/1 (or boolean) status; 1 = case (e.g. sarcopenia).
    marker : str
        Numeric biomarker.
    direction : {"auto", "<", ">"}, default "auto"
        ``"<"``: cases are expected to have higher values (positive above
        the threshold); ``">"``: lower values. ``"auto"`` compares the group
        medians (``">"`` when the controls' median is higher), as pROC does,
        and the note states the choice.
    confidence : float, default 0.95
        Level of every interval.

    Returns
    -------
    RocResult
        The curve in ``table`` and the summary numbers as fields (see
        `RocResult`).

    Raises
    ------
    SchemaError
        A named column is absent.
    DataError
        A marker value is not numeric, or the status is not 0/1.
    ModelError
        No case or no control among the complete rows.
    ParameterError
        An invalid option.

    See Also
    --------
    sarcostat.stats.describe.clopper_pearson

    Notes
    -----
    Complete cases over status and marker. For direction ``"<"`` (``">"``
    mirrors it) with cases :math:`X_i` (m) and controls :math:`Y_j` (n),

    .. math:: \\hat\\theta = \\frac{1}{mn}\\sum_i\\sum_j \\psi(X_i, Y_j),\\quad
       \\psi = 1 \\text{ if } X > Y,\\ \\tfrac12 \\text{ if } X = Y,\\ 0 \\text{ else};

    DeLong's variance :math:`S = S_{10}/m + S_{01}/n` from the placement
    values :math:`V_{10}(X_i) = \\frac1n\\sum_j\\psi(X_i, Y_j)`,
    :math:`V_{01}(Y_j) = \\frac1m\\sum_i\\psi(X_i, Y_j)` (sample variances),
    and the interval :math:`\\hat\\theta \\pm z\\sqrt S` cut to [0, 1].
    Thresholds are midpoints between adjacent distinct values
    (`roc_thresholds`); the Youden index
    :math:`J = Se + Sp - 1` is maximised over them, ties listed in
    ``tied_thresholds`` (the reported one is the first in order of
    increasing specificity, i.e. the most sensitive). Sensitivity and
    specificity get exact Clopper-Pearson intervals.

    R: ``r <- pROC::roc(d$status, d$marker, direction = "auto")``;
    ``pROC::auc(r)``; ``pROC::ci.auc(r, method = "delong")``;
    ``pROC::coords(r, x = "best", best.method = "youden")``;
    ``binom.test(tp, n_cases)$conf.int``. Tested against pROC 1.18
    (tests/stats/r/ref_roc_spline.R).

    SPSS: ``ROC marker BY status (1) /CRITERIA=CUTOFF(INCLUDE) TESTPOS(SMALL)
    DISTRIBUTION(FREE) CI(95) /PRINT=SE COORDINATES.`` (SPSS's AUC standard
    error is Hanley-McNeil's under its default, not DeLong's.)

    References
    ----------
    DeLong ER, DeLong DM, Clarke-Pearson DL. Comparing the areas under two or
    more correlated receiver operating characteristic curves: a nonparametric
    approach. Biometrics. 1988;44(3):837-845. doi:10.2307/2531595

    Youden WJ. Index for rating diagnostic tests. Cancer. 1950;3(1):32-35.
    doi:10.1002/1097-0142(1950)3:1<32::AID-CNCR2820030106>3.0.CO;2-3

    Robin X, Turck N, Hainard A, et al. pROC: an open-source package for R and
    S+ to analyze and compare ROC curves. BMC Bioinformatics. 2011;12:77.
    doi:10.1186/1471-2105-12-77

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"case": [1, 1, 1, 0, 0, 0, 0],
    ...                   "bm": [20.0, 25.0, 41.0, 30.0, 38.0, 45.0, 52.0]})
    >>> r = roc_analysis(d, outcome="case", marker="bm")
    >>> print(r.direction, f"{r.auc:.4f}", r.threshold)
    > 0.8333 27.5
    """
    from scipy import stats as sps

    fn = "roc_analysis"
    conf = check_confidence(confidence, fn)
    check_option(direction, _DIRECTIONS, parameter="direction", function=fn)
    for name, param in ((outcome, "outcome"), (marker, "marker")):
        if not isinstance(name, str):
            raise ParameterError(
                f"The {param!r} parameter of {fn} must be a column name. Got {name!r} instead."
            )
    sample, n_excl = complete_cases(data, [outcome, marker], function=fn)
    ids = data["id"] if "id" in data.columns else None
    # The 0/1 check is the logistic model's (one message for a bad status).
    from sarcostat.stats.logistic import _binary_outcome

    y = _binary_outcome(sample[outcome], function=fn, ids=ids)
    x = numeric_values(sample[marker], role="marker", function=fn, ids=ids)
    cases, controls = x[y == 1], x[y == 0]
    m, n = len(cases), len(controls)
    if m == 0 or n == 0:
        raise ModelError(
            f"{fn}: {outcome!r} has {m} case(s) and {n} control(s) among the {len(x)} "
            f"participants with {marker!r}; an ROC curve needs both."
        )
    # Each group sorted once: the medians, the placements and the counts at
    # every threshold all read these.
    sc, sx = np.sort(controls), np.sort(cases)
    med_cases, med_controls = float(np.median(sx)), float(np.median(sc))
    chosen = direction
    if direction == "auto":
        chosen = ">" if med_controls > med_cases else "<"
    # Work on the "<" scale: cases higher. For ">" flip the sign of the values
    # (the sorted negated values are the sorted values negated, reversed).
    # Only the mean and variance of the placements are used, so they are taken
    # in sorted order: binary searches of sorted values walk memory in order
    # (random order costs a cache miss per step at biobank size).
    if chosen == "<":
        v10, v01 = _placements(sx, sc, sc, sx)
    else:
        nsc, nsx = -sc[::-1], -sx[::-1]
        v10, v01 = _placements(nsx, nsc, nsc, nsx)
    auc = float(v10.mean())
    s10 = float(np.var(v10, ddof=1)) if m > 1 else math.nan
    s01 = float(np.var(v01, ddof=1)) if n > 1 else math.nan
    var = s10 / m + s01 / n
    z = float(sps.norm.ppf(0.5 + conf / 2))
    se = math.sqrt(var) if var == var else math.nan
    auc_lo = min(1.0, max(0.0, auc - z * se)) if se == se else math.nan
    auc_hi = min(1.0, max(0.0, auc + z * se)) if se == se else math.nan

    thr = _thresholds(_distinct_sorted(sx, sc), chosen)  # = roc_thresholds(x, chosen)
    # Counts of positives at each threshold (positive: x > c for "<", x < c for ">").
    if chosen == "<":
        tp = m - np.searchsorted(sx, thr, side="right")
        fp = n - np.searchsorted(sc, thr, side="right")
        order = np.arange(len(thr))  # specificity increases with the threshold
    else:
        tp = np.searchsorted(sx, thr, side="left")
        fp = np.searchsorted(sc, thr, side="left")
        order = np.arange(len(thr))[::-1]
    thr, tp, fp = thr[order], tp[order], fp[order]
    tn, fn_ = n - fp, m - tp
    # Same floating-point operations as pROC (tp/m + tn/n), so ties of the
    # Youden index are ties exactly when they are ties there.
    sens = tp / m
    spec = (n - fp) / n
    crit = sens + spec
    best = np.flatnonzero(crit == crit.max())
    k = int(best[0])
    sens_ci = clopper_pearson(int(tp[k]), m, confidence=conf)
    spec_ci = clopper_pearson(int(tn[k]), n, confidence=conf)
    table = pd.DataFrame(
        {
            "threshold": thr,
            "sensitivity": sens,
            "specificity": spec,
            "tp": tp.astype(int),
            "fp": fp.astype(int),
            "tn": tn.astype(int),
            "fn": fn_.astype(int),
            "youden": crit - 1.0,
        }
    )
    text = (
        f"higher {marker} indicates {outcome} (positive when {marker} > threshold)"
        if chosen == "<"
        else f"lower {marker} indicates {outcome} (positive when {marker} < threshold)"
    )
    how = (
        f"chosen by the group medians ({med_cases:.6g} in cases, {med_controls:.6g} in controls)"
        if direction == "auto"
        else "as given"
    )
    notes = [
        f"ROC of {marker} for {outcome}: {m} case(s), {n} control(s)"
        + (f", {n_excl} row(s) without both values." if n_excl else "."),
        f"Direction: {text}; {how}.",
        f"AUC with DeLong {conf:.0%} CI; Youden-optimal threshold (midpoints between adjacent "
        f"observed values) with Clopper-Pearson {conf:.0%} CIs of sensitivity and specificity.",
    ]
    if len(best) > 1:
        notes.append(
            f"{len(best)} thresholds share the maximal Youden index "
            f"({', '.join(f'{t:.6g}' for t in thr[best])}); the most sensitive is reported."
        )
    if auc in (0.0, 1.0):
        notes.append(f"{marker} separates {outcome} perfectly; the DeLong variance is 0.")
    return RocResult(
        table=table,
        notes=tuple(notes),
        meta={
            "n": m + n,
            "n_excluded": n_excl,
            "direction": chosen,
            "direction_given": direction,
            "confidence": conf,
            "reference": 'R pROC roc(), ci.auc(method = "delong"), coords(x = "best", '
            'best.method = "youden"); binom.test',
        },
        outcome=outcome,
        marker=marker,
        direction=chosen,
        direction_text=text,
        n_cases=m,
        n_controls=n,
        n_excluded=n_excl,
        median_cases=med_cases,
        median_controls=med_controls,
        auc=auc,
        auc_se=se,
        auc_ci_lower=auc_lo,
        auc_ci_upper=auc_hi,
        threshold=float(thr[k]),
        sensitivity=float(sens[k]),
        sensitivity_ci_lower=sens_ci[0],
        sensitivity_ci_upper=sens_ci[1],
        specificity=float(spec[k]),
        specificity_ci_lower=spec_ci[0],
        specificity_ci_upper=spec_ci[1],
        youden=float(crit[k] - 1.0),
        tp=int(tp[k]),
        fp=int(fp[k]),
        tn=int(tn[k]),
        fn=int(fn_[k]),
        tied_thresholds=tuple(float(t) for t in thr[best]),
    )
