"""Mann-Whitney from each group sorted once (issue 20): the numbers of
``scipy.stats.mannwhitneyu`` (U, asymptotic P with ties and continuity
corrections) and ``np.median``, bit for bit."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sarcostat.stats.compare import mannwhitney_groups


@pytest.mark.parametrize("alternative", ["two-sided", "less", "greater"])
@pytest.mark.parametrize("continuity", [False, True])
@pytest.mark.parametrize("ties", [False, True])
def test_equals_scipy_and_numpy(alternative, continuity, ties):
    rng = np.random.default_rng(7)
    n1, n2 = 1234, 2001
    x1 = rng.normal(0.1, 1, n1)
    x2 = rng.normal(0.0, 1, n2)
    if ties:  # rounded measurements, ties within and across the groups
        x1, x2 = np.round(x1, 1), np.round(x2, 1)
        x2[:5] = x1[:5]
    d = pd.DataFrame({"g": [0] * n1 + [1] * n2, "x": np.r_[x1, x2]})
    row = mannwhitney_groups(
        d, outcome="x", group="g", alternative=alternative, continuity=continuity
    ).table.iloc[0]
    ref = stats.mannwhitneyu(
        x1, x2, alternative=alternative, use_continuity=continuity, method="asymptotic"
    )
    assert row["statistic"] == float(ref.statistic)
    assert row["p_value"] == float(ref.pvalue)
    two = stats.mannwhitneyu(x1, x2, use_continuity=continuity, method="asymptotic").pvalue
    assert row["z"] == pytest.approx(
        np.copysign(stats.norm.isf(two / 2), ref.statistic - n1 * n2 / 2), rel=1e-15
    )
    assert (row["median1"], row["median2"]) == (np.median(x1), np.median(x2))
    r = stats.rankdata(np.r_[x1, x2])
    assert row["mean_rank1"] == r[:n1].mean() and row["mean_rank2"] == r[n1:].mean()


def test_odd_and_tiny_groups():
    d = pd.DataFrame({"g": [0, 0, 0, 1], "x": [3.0, 1.0, 2.0, 2.0]})
    row = mannwhitney_groups(d, outcome="x", group="g").table.iloc[0]
    ref = stats.mannwhitneyu([3.0, 1.0, 2.0], [2.0], method="asymptotic", use_continuity=False)
    assert (row["statistic"], row["p_value"]) == (ref.statistic, ref.pvalue)
    assert (row["median1"], row["median2"]) == (2.0, 2.0)
