"""The linear screen of a panel held row by row (one sweep over its rows,
``screen_engine.linear_rows``) equals the chunked path and the single-model
core (issue 20 point 6: "results unchanged to 1e-10")."""

import numpy as np
import pandas as pd

from sarcostat.stats import screen_engine as eng
from sarcostat.stats.fitting import least_squares
from sarcostat.stats.screen import screen
from sarcostat.stats.screen_source import FrameSource

COVS = ["age_yr", "sex_male", "bmi"]
OUT = ["smi", "grip_kg"]
NUM = ["estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper", "std_beta", "df", "n"]


def test_row_major_view_only_when_held_row_by_row(panels):
    cohort, rows, cols = panels
    X = FrameSource(rows, cohort["id"]).row_major()
    assert X is not None and X.strides[1] == 8
    assert np.shares_memory(X, rows[rows.columns[1]].to_numpy())
    assert FrameSource(cols, cohort["id"]).row_major() is None
    # rows to reorder: the chunked path
    assert FrameSource(rows.iloc[::-1], cohort["id"]).row_major() is None


def test_rows_equal_chunks_and_threads_bit_for_bit(panels, monkeypatch):
    cohort, rows, cols = panels
    swept = []
    real = eng.linear_rows
    monkeypatch.setattr(
        eng, "linear_rows", lambda X, *a, **k: swept.append(X.shape) or real(X, *a, **k)
    )
    by_rows = screen(cohort, rows, outcomes=OUT, covariates=COVS, threads=1, chunk_size=4)
    assert swept == [(len(rows), rows.shape[1] - 1)]  # the row sweep, once
    by_cols = screen(cohort, cols, outcomes=OUT, covariates=COVS, threads=1, chunk_size=4)
    assert len(swept) == 1  # columns stored one by one: the chunked path
    a, b = by_rows.table, by_cols.table
    assert (a["message"] == b["message"]).all() and (a["biomarker"] == b["biomarker"]).all()
    for col in NUM:
        np.testing.assert_allclose(a[col], b[col], rtol=1e-10, atol=0, equal_nan=True)
    # row parts of a few rows: many partial sums, added in a fixed order
    monkeypatch.setattr(eng, "_ROW_PART", 37)
    one = screen(cohort, rows, outcomes=OUT, covariates=COVS, threads=1)
    two = screen(cohort, rows, outcomes=OUT, covariates=COVS, threads=2)
    pd.testing.assert_frame_equal(one.table, two.table, check_exact=True)
    for col in NUM:
        np.testing.assert_allclose(one.table[col], b[col], rtol=1e-10, atol=0, equal_nan=True)


def test_rows_equal_the_core_fit(panels):
    cohort, rows, _ = panels
    res = screen(cohort, rows, outcomes=["smi"], covariates=COVS)
    d = cohort.merge(rows, on="id")
    t = res.table.set_index("biomarker")
    for x in rows.columns[1:4]:
        s = d[["smi", *COVS, x]].dropna()
        X = np.column_stack([np.ones(len(s)), s[COVS].to_numpy(), s[x].to_numpy()])
        fit = least_squares(X, s["smi"].to_numpy())
        se = np.sqrt(fit.rss / fit.df_resid * fit.xtx_inv[-1, -1])
        np.testing.assert_allclose(
            [t.loc[x, "estimate"], t.loc[x, "se"], t.loc[x, "n"]],
            [fit.coef[-1], se, len(s)],
            rtol=1e-10,
        )


def test_rows_with_binary_outcomes_and_progress(panels):
    cohort, rows, cols = panels
    calls = []
    res = screen(
        cohort,
        rows,
        outcomes=["smi", "sarcopenia"],
        covariates=COVS,
        chunk_size=5,
        threads=1,
        progress=lambda d, t: calls.append((d, t)),
    )
    ref = screen(cohort, cols, outcomes=["smi", "sarcopenia"], covariates=COVS, chunk_size=5)
    for col in NUM:
        np.testing.assert_allclose(res.table[col], ref.table[col], rtol=1e-10, equal_nan=True)
    p = rows.shape[1] - 1
    assert calls[-1] == (p, p) and [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_row_centres_same_sample_any_thread_count():
    """The row sweep's centres: the means of `_centres`' sample rows, summed
    in two halves (on two threads beside the left factors, or one after
    the other), the same bit for bit either way; a column the sample
    misses is centred on its mean over all rows, one without values on 0."""
    from concurrent.futures import ThreadPoolExecutor

    from sarcostat.stats.screen import _row_centres

    rng = np.random.default_rng(4)
    for n in (7, 20_001, 30_000):
        X = rng.normal(40, 3, (n, 5))
        step = max(1, n // 10_000)
        X[rng.random((n, 5)) < 0.2] = np.nan
        X[:, 3] = np.nan
        X[1, 3] = 7.0  # off every sample row when step > 1
        X[:, 4] = np.nan  # no value at all
        alone = _row_centres(X, None)()
        with ThreadPoolExecutor(max_workers=2) as pool:
            pooled = _row_centres(X, pool)()
        np.testing.assert_array_equal(alone, pooled)
        np.testing.assert_allclose(alone[:3], np.nanmean(X[::step, :3], axis=0), rtol=1e-13)
        assert alone[3] == 7.0 and alone[4] == 0.0
