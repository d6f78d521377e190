"""Prevalence per definition and pairwise agreement (Cohen's kappa)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from sarcostat.exceptions import ParameterError


def wilson_interval(k: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion of ``k`` events in ``n``.

    Parameters
    ----------
    k : int
        Events (participants with the condition).
    n : int
        Participants counted (the denominator).
    confidence : float, default 0.95

    Returns
    -------
    (float, float)
        Lower and upper limit (exactly 0 when ``k`` is 0, exactly 1 when
        ``k`` is ``n``); (NaN, NaN) when ``n`` is 0.

    Notes
    -----
    .. math:: \\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}
       {1 + z^2/n}, \\qquad \\hat p = k/n,\\ z = \\Phi^{-1}(1/2 + \\mathrm{confidence}/2)

    The interval of R ``prop.test(k, n, correct = FALSE)$conf.int`` and of
    statsmodels ``proportion_confint(k, n, method="wilson")`` (tests compare
    both). Written out rather than taken from statsmodels because importing
    it (with scipy.stats) for this one formula cost ``classify`` 0.5 s and
    about 50 MB of peak memory, whatever the cohort's size.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical
    inference. J Am Stat Assoc 1927;22:209-212.

    Newcombe RG. Two-sided confidence intervals for the single proportion:
    comparison of seven methods. Stat Med 1998;17:857-872.

    Examples
    --------
    >>> lo, hi = wilson_interval(27, 129)
    >>> round(lo, 4), round(hi, 4)
    (0.148, 0.2874)
    """
    if n == 0:
        return np.nan, np.nan
    from scipy.special import ndtri

    z = float(-ndtri((1 - confidence) / 2))
    p = k / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At k = 0 and k = n the limit is exactly 0 and 1 (the formula then
    # reduces to it): no rounding leaves an interval that misses p = 1.
    lo = 0.0 if k == 0 else float(centre - half)
    hi = 1.0 if k == n else float(centre + half)
    return lo, hi


def kappa_table(table: ArrayLike, *, confidence: float = 0.95) -> dict:
    """Cohen's kappa for a square contingency table with its asymptotic SE.

    Parameters
    ----------
    table : array-like, shape (k, k)
        Counts; rows = rater A, columns = rater B.
    confidence : float, default 0.95

    Returns
    -------
    dict
        ``n``, ``observed_agreement``, ``expected_agreement``, ``kappa``,
        ``se`` (Fleiss-Cohen-Everitt large-sample SE under the alternative,
        not the SE under H0: kappa = 0), ``ci_lower``, ``ci_upper`` (Wald
        interval kappa ± z·se clipped to [-1, 1], as ``confint()`` of
        ``vcd::Kappa`` gives it). ``se`` and the CI are NaN when a rater never
        uses one of the categories (degenerate margins: the large-sample SE
        collapses to 0 there, and ``vcd::Kappa`` then reports ASE 0 and a
        zero-width interval; we report no interval rather than a falsely
        exact one).

    Notes
    -----
    .. math::

        \\kappa = (p_o - p_e)/(1 - p_e), \\quad
        \\widehat{var}(\\kappa) = \\frac{\\sum_{ij} p_{ij}[\\delta_{ij} -
        (1 - \\kappa)(p_{.i} + p_{j.})]^2 - [\\kappa - p_e(1 - \\kappa)]^2}{n (1 - p_e)^2}

    (Fleiss, Cohen & Everitt 1969, unweighted case: the diagonal
    terms are :math:`p_{ii}[1 - (p_{i.} + p_{.i})(1 - \\kappa)]^2`, the
    off-diagonal ones :math:`(1-\\kappa)^2 p_{ij}(p_{.i} + p_{j.})^2`).
    This is the ``ASE`` of R's ``vcd::Kappa``.
    R: ``k <- vcd::Kappa(table); k$Unweighted; confint(k, level = 0.95)``.
    Checked to 1e-6 relative against vcd 1.4.11 on 2×2, 3×3, 4×4 and 5×5
    tables (``tests/assess/r/ref_kappa.R``). Computed by statsmodels'
    ``cohens_kappa`` (its ``std_kappa``); this function adds the degenerate-
    margin rule and the clipped interval.

    References
    ----------
    Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas
    1960;20:37-46. doi:10.1177/001316446002000104
    Fleiss JL, Cohen J, Everitt BS. Large sample standard errors of kappa and
    weighted kappa. Psychol Bull 1969;72(5):323-327. doi:10.1037/h0028106
    """
    t = np.asarray(table, dtype=float)
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ParameterError(f"kappa needs a square table; got shape {t.shape}.")
    n = t.sum()
    nan = dict(
        n=int(n),
        observed_agreement=np.nan,
        expected_agreement=np.nan,
        kappa=np.nan,
        se=np.nan,
        ci_lower=np.nan,
        ci_upper=np.nan,
    )
    if n == 0:
        return nan
    p = t / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    po = np.trace(p)
    pe = float(row @ col)
    if pe >= 1.0:  # both raters constant and identical: kappa undefined
        nan.update(observed_agreement=po, expected_agreement=pe)
        return nan
    # imported where used: scipy.stats (48 MB, 0.4 s) is otherwise loaded
    # by `classify` before the cohort is read, adding to its peak memory
    from scipy import stats
    from statsmodels.stats.inter_rater import cohens_kappa

    with np.errstate(all="ignore"):  # its z test divides by a zero SE on degenerate margins
        res = cohens_kappa(t)
    k = float(res.kappa)
    se = float(res.std_kappa)
    if (row == 0).any() or (col == 0).any():
        # A rater that never uses a category makes the large-sample SE
        # degenerate (it collapses to 0); report no interval rather than a
        # falsely exact one.
        se = np.nan
    z = stats.norm.ppf(0.5 + confidence / 2)
    # kappa lies in [-1, 1]; vcd's confint.Kappa clips the Wald limits there too
    return dict(
        n=int(n),
        observed_agreement=float(po),
        expected_agreement=pe,
        kappa=float(k),
        se=se,
        ci_lower=float(np.clip(k - z * se, -1.0, 1.0)),
        ci_upper=float(np.clip(k + z * se, -1.0, 1.0)),
    )


def kappa_note(table: ArrayLike, name_a: str, name_b: str, *, unusable: str = "") -> str:
    """Why Cohen's kappa of a 2×2 table says nothing, in words ('' when it is estimable).

    Parameters
    ----------
    table : array-like, shape (2, 2)
        ``[[both positive, a only], [b only, neither]]`` over the participants
        classified by both definitions.
    name_a, name_b : str
        How the two definitions are named in the sentence.
    unusable : str, optional
        A reason one definition could not classify the cohort at all
        (e.g. "FNIH 2014 could classify no participant"); it is given first.

    Returns
    -------
    str
        ``""`` when kappa and its CI are estimable. Otherwise one sentence:
        no participant classified by both; both definitions constant (kappa
        is 0/0); or one definition giving every participant the same status
        (kappa is 0 by construction, whatever the other says, and its
        large-sample SE degenerate, so it is not reported).
    """
    t = np.asarray(table, dtype=float)
    n = int(t.sum())
    if unusable:
        return f"not estimable: {unusable}."
    if n == 0:
        return "undefined: no participant was classified by both definitions."
    a_pos, b_pos = t[0].sum(), t[:, 0].sum()
    a_const = a_pos in (0, n)
    b_const = b_pos in (0, n)

    def status(pos: float) -> str:
        return "positive" if pos == n else "negative"

    if a_const and b_const:
        same = "the same status" if a_pos == b_pos else "a status each"
        return (
            f"undefined: both definitions give {same} to all {n} participants classified by "
            f"both ({name_a} {status(a_pos)}, {name_b} {status(b_pos)}); chance agreement is "
            "then complete and kappa is 0/0."
        )
    if a_const or b_const:
        name, pos = (name_a, a_pos) if a_const else (name_b, b_pos)
        return (
            f"undefined: {name} is {status(pos)} for all {n} participants classified by both, "
            "so kappa is 0 whatever the other definition says and has no confidence interval."
        )
    return ""


#: Columns of an agreement table (one row per pair of definitions).
AGREEMENT_COLUMNS = [
    "definition_a",
    "definition_b",
    "n",
    "n_both",
    "n_a_only",
    "n_b_only",
    "n_neither",
    "observed_agreement",
    "kappa",
    "se",
    "ci_lower",
    "ci_upper",
    "note",
]


def pair_agreement(
    a: str,
    b: str,
    x: pd.Series,
    y: pd.Series,
    *,
    confidence: float = 0.95,
    title_a: str | None = None,
    title_b: str | None = None,
    unusable: str = "",
) -> dict:
    """One row of an agreement table: the 2x2 table of two yes/no statuses on
    the participants classified by both, Cohen's kappa with its CI
    (`kappa_table`) and the reason in words when kappa is undefined
    (`kappa_note`, with ``title_a``/``title_b`` as the names shown)."""
    both = (x.notna() & y.notna()).to_numpy()
    xa = x[both].astype(bool).to_numpy()
    yb = y[both].astype(bool).to_numpy()
    t = np.array([[np.sum(xa & yb), np.sum(xa & ~yb)], [np.sum(~xa & yb), np.sum(~xa & ~yb)]])
    k = kappa_table(t, confidence=confidence)
    return {
        "definition_a": a,
        "definition_b": b,
        "n": k["n"],
        "n_both": int(t[0, 0]),
        "n_a_only": int(t[0, 1]),
        "n_b_only": int(t[1, 0]),
        "n_neither": int(t[1, 1]),
        "observed_agreement": k["observed_agreement"],
        "kappa": k["kappa"],
        "se": k["se"],
        "ci_lower": k["ci_lower"],
        "ci_upper": k["ci_upper"],
        "note": kappa_note(t, title_a or a, title_b or b, unusable=unusable),
    }
