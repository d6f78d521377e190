"""The engine's batched sums equal the same sums written out per biomarker.

These pin the pieces the speed depends on, each against a direct NumPy
computation over the biomarker's own rows (no shared code path):

- the third-derivative sums T = sum w(1 - 2 mu) v_a v_b v_c of the logistic
  warm-start pass and of the exact Newton passes;
- the linear sums shared by outcomes with different missing rows (shared
  sums minus per-pattern corrections) against one outcome at a time;
- the information moved to the end of the last Newton step, against the
  information evaluated there.
"""

import numpy as np
from scipy import special

from sarcostat.stats import screen_engine as eng


def _problem(seed=0, n=400, c=6, k=3):
    rng = np.random.default_rng(seed)
    Z = np.column_stack([np.ones(n), rng.standard_normal((n, k - 1))])
    X = rng.standard_normal((n, c))
    X[rng.random((n, c)) < 0.1] = np.nan
    y = (rng.random(n) < special.expit(-0.5 + 0.4 * np.nan_to_num(X[:, 0]))).astype(float)
    r = (rng.random(n) > 0.05).astype(float)
    y *= r
    return Z, X, y, r


def _direct_T(Z, x, w3):
    """T[a, b, c] = sum over rows of w3 * v_a v_b v_c, v = [z, x]."""
    V = np.column_stack([Z, x])
    return np.einsum("i,ia,ib,ic->abc", w3, V, V, V)


def test_warm_start_third_derivative_sums():
    Z, X, y, r = _problem()
    g0 = eng.fit_null_logistic(Z, y, r)
    *_, info0, U0, T0 = eng._ml_prepass(X, eng.logistic_prepare(Z, y, r, g0))
    mu0 = special.expit(Z @ g0)
    for j in range(X.shape[1]):
        rows = ~np.isnan(X[:, j]) & (r > 0)
        Zj, xj, m = Z[rows], X[rows, j], mu0[rows]
        w = m * (1 - m)
        V = np.column_stack([Zj, xj])
        np.testing.assert_allclose(
            T0[j], _direct_T(Zj, xj, w * (1 - 2 * m)), rtol=1e-10, atol=1e-10
        )
        np.testing.assert_allclose(info0[j], (V * w[:, None]).T @ V, rtol=1e-12)
        np.testing.assert_allclose(U0[j], V.T @ (y[rows] - m), rtol=1e-10, atol=1e-10)


def test_newton_pass_sums_and_moved_information():
    Z, X, y, r = _problem(seed=3)
    k = Z.shape[1]
    rng = np.random.default_rng(1)
    th = rng.normal(0, 0.3, (X.shape[1], k + 1))
    cols = np.arange(X.shape[1])
    prep = eng.logistic_prepare(Z, y, r, np.zeros(k))
    info, U, T = eng._ml_pass(th, cols, X, prep)
    for j in cols:
        rows = ~np.isnan(X[:, j]) & (r > 0)
        V = np.column_stack([Z[rows], X[rows, j]])

        def at(t):
            m = special.expit(V @ t)
            return m, m * (1 - m)

        m, w = at(th[j])
        np.testing.assert_allclose(info[j], (V * w[:, None]).T @ V, rtol=1e-12)
        np.testing.assert_allclose(U[j], V.T @ (y[rows] - m), rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(
            T[j], _direct_T(Z[rows], X[rows, j], w * (1 - 2 * m)), rtol=1e-10, atol=1e-10
        )
        # I(θ + s) = I(θ) + T[s] + O(|s|²): with |s| = 1e-6 the moved
        # information matches the one evaluated at θ + s to ~1e-12.
        s = rng.normal(0, 1e-6, k + 1)
        _, w2 = at(th[j] + s)
        direct = (V * w2[:, None]).T @ V
        moved = info[j] + np.einsum("abc,c->ab", T[j], s)
        np.testing.assert_allclose(moved, direct, rtol=1e-10)
        # Without the update the error is O(|s|), far above that.
        assert np.max(np.abs(info[j] - direct) / np.abs(direct)) > 1e-9


def test_linear_sums_shared_across_missing_patterns():
    rng = np.random.default_rng(7)
    n, c, k = 500, 5, 3
    Z = np.column_stack([np.ones(n), rng.standard_normal((n, k - 1))])
    X = rng.standard_normal((n, c)) + 3.0
    X[rng.random((n, c)) < 0.1] = np.nan
    R = (rng.random((n, 3)) > np.array([0.0, 0.05, 0.2])).astype(float)
    R[:, 2] *= R[:, 1]  # nested and overlapping patterns
    Y = rng.standard_normal((n, 3)) * R
    together = eng.linear_block(X, Z, Y, R, center=np.full(c, 3.0))
    assert len(eng.linear_prepare(Z, Y, R)["S"]) > 0  # corrections in play
    for o in range(3):
        alone = eng.linear_block(X, Z, Y[:, [o]], R[:, [o]], center=np.full(c, 3.0))[0]
        np.testing.assert_allclose(together[o], alone, rtol=1e-10, equal_nan=True)


def test_row_sweep_corrections_pattern_by_pattern_equal_the_stacked_ones(monkeypatch):
    """`linear_rows` takes each outcome pattern's correction over only the
    rows that pattern leaves out (read in place); the chunked path's
    stacked form weights every corrected row by 0 or 1 per pattern. Both
    give the same sums, and the models from them agree; two threads give
    the row sweep's sums bit for bit."""
    rng = np.random.default_rng(8)
    n, c, k = 700, 9, 3
    Z = np.column_stack([np.ones(n), rng.standard_normal((n, k - 1))])
    X = rng.standard_normal((n, c)) * 2 + 10.0
    X[rng.random((n, c)) < 0.1] = np.nan
    X[5] = np.nan
    R = (rng.random((n, 4)) > np.array([0.0, 0.05, 0.2, 0.05])).astype(float)
    R[:, 2] *= R[:, 1]  # nested: a row left out by two patterns
    R[:, 3] = R[:, 1]  # the same pattern twice: one correction
    R[:3] = 0.0  # rows no outcome uses
    Y = rng.standard_normal((n, 4)) * R
    prep = eng.linear_prepare(Z, Y, R)
    assert prep["g"] == 3 and prep["pat_of"] == [0, 1, 2, 1]
    assert prep["A"].shape[1] % 8 == 0
    center = np.full(c, 10.0)
    monkeypatch.setattr(eng, "_ROW_PART", 64)  # many parts for the threads to share
    swept = eng.linear_rows(X, prep, center, threads=1)
    again = eng.linear_rows(X, prep, center, threads=2)
    for a, b in zip(swept, again):
        np.testing.assert_array_equal(a, b)
    # The stacked form (as `linear_block` computes it).
    AM, BX, CX, _ = eng._masked_sums(
        X, prep["A"], prep["B"], prep["u"][:, None], center=center, total_m=prep["A_total"]
    )
    S = prep["S"]
    AMc, BXc, CXc, _ = eng._masked_sums(X[S], prep["Ac"], prep["Bc"], prep["Cc"], center=center)
    q = prep["q"]
    stacked = (AM, BX, CX[0], AMc, BXc, CXc)
    for got, ref in zip(swept, stacked):
        if got.shape[0] != ref.shape[0]:  # AM: padded columns, zero, never read
            assert not got[ref.shape[0] :].any()
            got = got[: ref.shape[0]]
        np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-10)
    assert swept[3].shape == (3 * q, c)
    by_rows = eng.linear_results(swept, prep)
    by_chunk = eng.linear_block(X, Z, Y, R, center=center)
    for a, b in zip(by_rows, by_chunk):
        np.testing.assert_allclose(a, b, rtol=1e-10, equal_nan=True)
