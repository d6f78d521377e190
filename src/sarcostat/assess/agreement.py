"""Prevalence per definition and pairwise agreement (Cohen's kappa)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from sarcostat.exceptions import ParameterError


def kappa_table(table, *, confidence: float = 0.95) -> dict:
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
        ``se`` (Fleiss-Cohen-Everitt large-sample SE, not the SE under the
        null), ``ci_lower``, ``ci_upper`` (Wald: kappa ± z·se, not truncated
        to [-1, 1], as SAS reports it). ``se`` and the CI are NaN when a
        rater never uses one of the categories (degenerate margins).

    Notes
    -----
    .. math::

        \\kappa = (p_o - p_e)/(1 - p_e), \\quad
        \\widehat{var}(\\kappa) = \\frac{A + B - C}{n (1 - p_e)^2}

    with :math:`A = \\sum_i p_{ii}[1 - (p_{i.} + p_{.i})(1 - \\kappa)]^2`,
    :math:`B = (1-\\kappa)^2 \\sum_{i \\ne j} p_{ij}(p_{.i} + p_{j.})^2`,
    :math:`C = [\\kappa - p_e(1 - \\kappa)]^2` (Fleiss, Cohen & Everitt 1969),
    the ASE that SAS PROC FREQ (AGREE) reports. Written by hand because no
    installed library (statsmodels' ``cohens_kappa`` uses a different
    variance) gives this SE; it is checked against SAS's published worked
    example (skin-condition data: kappa 0.3449, ASE 0.0724) and the 2×2
    example output of the CRAN package Delta (``GetKappa``: 0.5 ± 0.09682458).

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
    nan = dict(n=int(n), observed_agreement=np.nan, expected_agreement=np.nan, kappa=np.nan,
               se=np.nan, ci_lower=np.nan, ci_upper=np.nan)
    if n == 0:
        return nan
    p = t / n
    row, col = p.sum(axis=1), p.sum(axis=0)
    po = np.trace(p)
    pe = float(row @ col)
    if pe >= 1.0:  # both raters constant and identical: kappa undefined
        nan.update(observed_agreement=po, expected_agreement=pe)
        return nan
    k = (po - pe) / (1 - pe)
    diag = np.diag(p)
    a = np.sum(diag * (1 - (row + col) * (1 - k)) ** 2)
    off = p.copy()
    np.fill_diagonal(off, 0.0)
    # p_ij (p_.i + p_j.)^2 : column margin of i plus row margin of j
    b = (1 - k) ** 2 * np.sum(off * (col[:, None] + row[None, :]) ** 2)
    c = (k - pe * (1 - k)) ** 2
    se = float(np.sqrt(max(a + b - c, 0.0) / (n * (1 - pe) ** 2)))
    if (row == 0).any() or (col == 0).any():
        # A rater that never uses a category makes the large-sample SE
        # degenerate (it collapses to 0); report no interval rather than a
        # falsely exact one.
        se = np.nan
    z = stats.norm.ppf(0.5 + confidence / 2)
    return dict(n=int(n), observed_agreement=float(po), expected_agreement=pe, kappa=float(k),
                se=se, ci_lower=float(k - z * se), ci_upper=float(k + z * se))
