"""The logistic screen of a panel held row by row: its warm-start pass in
one sweep over the rows (``screen_engine.logistic_rows``, compiled
``logistic_row_sums``) instead of one strided read per chunk. The same sums
as the chunked pass (to rounding), and the same results to 1e-10 (issue 20
point 6: "results unchanged to 1e-10")."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.stats import _screen_kernels as kern
from sarcostat.stats import screen_engine as eng
from sarcostat.stats.screen import screen

COVS = ["age_yr", "sex_male", "bmi"]
NUM = ["estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper", "odds_ratio", "n"]


@pytest.mark.parametrize("rb", [1, 4, 7])
def test_logistic_row_sums_against_numpy(rb):
    """Values, squares and cubes against their factors (any count of them,
    rows not a multiple of four, columns past one 256-column tile, a column
    with no value) and the mask sums through the missing entries."""
    rng = np.random.default_rng(11)
    rows, c = 203, 300
    X = rng.normal(50, 10, (rows, c))
    X[rng.random((rows, c)) < 0.07] = np.nan
    X[:, 3] = np.nan
    center, scale = rng.normal(50, 1, c), rng.uniform(0.05, 0.2, c)
    L, B = rng.normal(size=(rows, 5)), rng.normal(size=(rows, rb))
    C, D = rng.normal(size=(rows, 3)), rng.normal(size=(rows, 1))
    outT, KX, QX, GX = np.zeros((c, 5)), np.zeros((rb, c)), np.zeros((3, c)), np.zeros((1, c))
    kern.logistic_row_sums(
        X, 2, rows, center, scale, L, B, C, D, outT, KX, QX, GX, np.empty((12, 256))
    )
    miss = np.isnan(X[2:])
    x0 = np.where(miss, 0.0, (X[2:] - center) * scale)
    np.testing.assert_allclose(KX, B[2:].T @ x0, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(QX, C[2:].T @ x0**2, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(GX, D[2:].T @ x0**3, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(outT, miss.astype(float).T @ L[2:], rtol=1e-12, atol=1e-12)


def test_logistic_rows_equal_the_chunked_prepass(monkeypatch):
    """The sweep's sums (rows not usable for the outcome included, parts of
    a few rows, one and two threads) equal `_masked_sums`, which the chunked
    warm-start pass uses, to 1e-12; the thread count changes no bit."""
    rng = np.random.default_rng(5)
    n, p = 1000, 40
    Z = np.column_stack([np.ones(n), rng.normal(size=n), rng.integers(0, 2, n), rng.normal(size=n)])
    y = (rng.random(n) < 0.3).astype(float)
    r = (rng.random(n) > 0.05).astype(float)
    X = rng.normal(5, 2, (n, p))
    X[rng.random((n, p)) < 0.05] = np.nan
    g0 = eng.fit_null_logistic(Z, y, r)
    prep = eng.logistic_prepare(Z, y, r, g0)
    center, scale = rng.normal(5, 0.1, p), rng.uniform(0.4, 0.6, p)
    ref = eng.logistic_sums(X, prep, center, scale)
    monkeypatch.setattr(eng, "_ROW_PART", 37)
    one = eng.logistic_rows(X, prep, center, scale, threads=1)
    two = eng.logistic_rows(X, prep, center, scale, threads=2)
    for a, b, c in zip(one, two, ref):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12 * np.abs(c).max())


def test_binary_screen_by_rows_equals_chunks(panels, monkeypatch):
    cohort, rows, cols = panels
    swept = []
    real = eng.logistic_rows
    monkeypatch.setattr(
        eng, "logistic_rows", lambda X, *a, **k: swept.append(X.shape) or real(X, *a, **k)
    )
    kw = {"outcomes": ["sarcopenia"], "covariates": COVS, "chunk_size": 4}
    by_rows = screen(cohort, rows, threads=1, **kw)
    assert swept == [(len(rows), rows.shape[1] - 1)]  # one sweep for the outcome
    two = screen(cohort, rows, threads=2, **kw)
    by_cols = screen(cohort, cols, threads=1, **kw)
    assert len(swept) == 2  # columns stored one by one: the chunked path
    pd.testing.assert_frame_equal(by_rows.table, two.table, check_exact=True)
    a, b = by_rows.table, by_cols.table
    assert (a["message"] == b["message"]).all() and (a["biomarker"] == b["biomarker"]).all()
    assert (a["message"] == "").sum() >= 5
    for col in NUM:
        np.testing.assert_allclose(a[col], b[col], rtol=1e-10, atol=0, equal_nan=True)


def test_firth_and_prescreen_keep_the_chunked_pass(panels, monkeypatch):
    cohort, rows, _ = panels
    monkeypatch.setattr(eng, "logistic_rows", lambda *a, **k: pytest.fail("row sweep"))
    kw = {"outcomes": ["sarcopenia"], "covariates": COVS, "threads": 1}
    assert len(screen(cohort, rows, firth=True, **kw).table)
    assert len(screen(cohort, rows, prescreen=0.5, **kw).table)


def test_centres_of_a_wide_stride_row_major_view_equal_the_chunks():
    """A row-major view whose rows are wider than its columns (other columns
    beside it in the block): the centres read in place equal those of its
    chunks, bit for bit."""
    from sarcostat.stats.screen import _centres

    rng = np.random.default_rng(3)
    block = rng.normal(7, 2, (25_000, 30))
    block[rng.random(block.shape) < 0.1] = np.nan
    view = block[:, 5:25]
    assert not view.flags.c_contiguous and view.strides[1] == 8
    mx, sx = _centres(view, contiguous=True)
    for c0 in (0, 8, 16):
        m, s = _centres(view[:, c0 : c0 + 8])
        np.testing.assert_array_equal(mx[c0 : c0 + 8], m)
        np.testing.assert_array_equal(sx[c0 : c0 + 8], s)


def test_panel_centres_on_two_threads_equal_one():
    """The logistic row sweep's centres and scales, half the columns on each
    of two threads, equal those computed on one, bit for bit."""
    from concurrent.futures import ThreadPoolExecutor

    from sarcostat.stats.screen import _centres, _panel_centres

    rng = np.random.default_rng(4)
    block = rng.normal(3, 2, (25_003, 21))  # sample: every second row
    block[rng.random(block.shape) < 0.1] = np.nan
    block[:, 4] = np.nan
    block[::2, 6] = np.nan  # missed by the sample: all rows used
    block[1::2, 6] = rng.normal(9, 1, 12_501)
    view = block[:, 1:20]
    one = _panel_centres(view, None)()
    with ThreadPoolExecutor(max_workers=2) as pool:
        two = _panel_centres(view, pool)()
    for a, b, c in zip(one, two, _centres(view, contiguous=True)):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    assert one[0][3] == 0.0 and one[1][3] == 1.0  # an empty column
    assert abs(one[0][5] - 9) < 0.1  # from all its rows
