"""The two paths of `least_squares` (issue 20): normal equations of the scaled
design (Cholesky) when its Gram matrix is well conditioned, QR otherwise.

The Cholesky path must give the QR path's numbers to 1e-10; a design past
``GRAM_COND_MAX`` (nearly collinear columns, a spline basis) must take QR and
match statsmodels; the rank rule's verdicts must not depend on the path."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

from sarcostat.exceptions import ModelError
from sarcostat.stats import fitting
from sarcostat.stats.fitting import GRAM_COND_MAX, least_squares, rank_deficient_columns
from sarcostat.stats.splines import rcs_basis, rcs_knots


def _qr(monkeypatch, X, y, **kw):
    """The QR path forced (no design qualifies for Cholesky)."""
    with monkeypatch.context() as m:
        m.setattr(fitting, "GRAM_COND_MAX", 0.0)
        return least_squares(X, y, **kw)


def _design(rng, n, *, mean=50.0, sd=10.0):
    X = np.column_stack(
        [np.ones(n), rng.normal(mean, sd, n), rng.normal(size=n), rng.integers(0, 2, n)]
    ).astype(float)
    X[:, 2] += 0.5 * (X[:, 1] - mean) / sd  # correlated, still well conditioned
    y = X @ np.array([2.0, 0.03, -1.5, 0.7]) + rng.normal(size=n)
    return X, y


def _agree(a, b, tol=1e-10):
    for field in ("coef", "xtx_inv", "rss"):
        va, vb = np.asarray(getattr(a, field)), np.asarray(getattr(b, field))
        np.testing.assert_allclose(va, vb, rtol=tol, atol=tol * np.max(np.abs(vb)), err_msg=field)


@pytest.mark.parametrize("mean, sd", [(50.0, 10.0), (1e6, 1e-3), (0.0, 1e-8)])
def test_cholesky_path_equals_qr_path(monkeypatch, mean, sd):
    # A biomarker of 1,000,000 +- 0.001 or of 1e-8 units is fitted as well as a
    # standardised one: the Gram matrix is formed from the centred columns.
    rng = np.random.default_rng(20)
    X, y = _design(rng, 3000, mean=mean, sd=sd)
    fast, exact = least_squares(X, y), _qr(monkeypatch, X, y)
    assert (fast.path, exact.path) == ("cholesky", "qr")
    _agree(fast, exact)
    assert fast.df_resid == exact.df_resid == 3000 - 4 and fast.ok


def test_cholesky_path_matches_statsmodels_and_blocks_of_rows():
    # More rows than one block of the one-pass sums; an outcome far from 0.
    rng = np.random.default_rng(21)
    n = 2 * fitting._BLOCK + 123
    X, y = _design(rng, n)
    y = y + 1e5
    fit = least_squares(X, y)
    ref = sm.OLS(y, X).fit()
    assert fit.path == "cholesky"
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-10)
    np.testing.assert_allclose(fit.rss, ref.ssr, rtol=1e-10)
    np.testing.assert_allclose(
        np.sqrt(np.diag(fit.xtx_inv) * fit.rss / fit.df_resid), ref.bse, rtol=1e-10
    )


def test_stack_with_weights_mixes_paths_and_equals_single_fits(monkeypatch):
    rng = np.random.default_rng(22)
    n = fitting._BLOCK + 500
    X = np.stack([_design(rng, n)[0] for _ in range(3)])
    X[1, :, 3] = X[1, :, 2] + 1e-5 * rng.normal(size=n)  # data set 1: ill conditioned
    y = rng.normal(size=(3, n)) + X[:, :, 1]
    w = np.ones((3, n))
    w[0, :700] = 0
    X[0, :700] = np.nan  # rows left out may hold NaN
    w[2, fitting._BLOCK - 5 : fitting._BLOCK + 5] = 0
    batch = least_squares(X, y, weights=w)
    assert batch.path.tolist() == ["cholesky", "qr", "cholesky"]
    assert batch.ok.all()
    for s in range(3):
        keep = w[s] > 0
        one = _qr(monkeypatch, X[s][keep], y[s][keep])
        np.testing.assert_allclose(batch.coef[s], one.coef, rtol=1e-9)
        np.testing.assert_allclose(batch.rss[s], one.rss, rtol=1e-10)
        assert batch.df_resid[s] == keep.sum() - 4


def test_ill_conditioned_design_takes_qr_and_matches_statsmodels():
    rng = np.random.default_rng(23)
    n = 2000
    x = rng.normal(40, 8, n)
    X = np.column_stack([np.ones(n), x, x + 1e-4 * rng.normal(size=n), rng.normal(size=n)])
    y = 0.1 * x + rng.normal(size=n)
    fit = least_squares(X, y)
    assert fit.path == "qr" and fit.ok
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(fit.rss, ref.ssr, rtol=1e-9)
    # The two nearly equal columns are only determined to cond * eps.
    np.testing.assert_allclose(fit.coef[[0, 3]], ref.params[[0, 3]], rtol=1e-6)
    np.testing.assert_allclose(fit.coef[1] + fit.coef[2], ref.params[1] + ref.params[2], rtol=1e-6)


def test_spline_basis_takes_qr_and_matches_statsmodels():
    rng = np.random.default_rng(24)
    n = 1500
    x = rng.lognormal(3.5, 0.4, n)
    B = rcs_basis(x, rcs_knots(x, 5)[0])
    X = np.column_stack([np.ones(n), B, rng.normal(70, 6, n)])
    y = np.log(x) + 0.01 * X[:, -1] + rng.normal(scale=0.3, size=n)
    C = np.corrcoef(X[:, 1:].T)
    ev = np.linalg.eigvalsh(C)
    assert ev[-1] / ev[0] > GRAM_COND_MAX  # the reason it takes QR
    fit = least_squares(X, y)
    assert fit.path == "qr"
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-7)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.xtx_inv) * fit.rss / fit.df_resid), ref.bse)


def test_four_knot_spline_basis_takes_cholesky_and_equals_qr(monkeypatch):
    # The report's spline models (4 knots): scaled Gram condition ~2e3, below
    # GRAM_COND_MAX; Cholesky's error there is ~1e-12 (measured), far within 1e-10.
    rng = np.random.default_rng(27)
    n = 5000
    x = rng.lognormal(3.5, 0.35, n)
    X = np.column_stack([np.ones(n), rcs_basis(x, rcs_knots(x, 4)[0]), rng.normal(70, 6, n)])
    y = np.log(x) + 0.01 * X[:, -1] + rng.normal(scale=0.3, size=n)
    ev = np.linalg.eigvalsh(np.corrcoef(X[:, 1:].T))
    assert 1e3 < ev[-1] / ev[0] < GRAM_COND_MAX
    fast, exact = least_squares(X, y), _qr(monkeypatch, X, y)
    assert (fast.path, exact.path) == ("cholesky", "qr")
    _agree(fast, exact)
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(fast.coef, ref.params, rtol=1e-9)
    np.testing.assert_allclose(fast.rss, ref.ssr, rtol=1e-12)


@pytest.mark.parametrize("noise", [3.0, 0.1, 1e-4])
def test_rss_from_the_factor_equals_the_sum_of_squared_residuals(monkeypatch, noise):
    # R^2 ~0.1, ~0.99 and ~1 - 1e-9: the last is past RSS_FROM_FACTOR (the
    # subtraction would lose 7 digits there) and is summed from the residuals.
    rng = np.random.default_rng(28)
    X, _ = _design(rng, 4000)
    y = X @ np.array([2.0, 0.03, -1.5, 0.7]) + noise * rng.normal(size=4000)
    with monkeypatch.context() as m:
        m.setattr(fitting, "RSS_FROM_FACTOR", np.inf)  # always the second pass
        summed = least_squares(X, y).rss
    fit, exact = least_squares(X, y), _qr(monkeypatch, X, y)
    np.testing.assert_allclose(fit.rss, summed, rtol=1e-13)
    np.testing.assert_allclose(exact.rss, summed, rtol=1e-12 if noise > 1e-3 else 1e-7)


@pytest.mark.parametrize("rel, full", [(0.0, False), (1e-9, False), (3e-7, True), (1e-3, True)])
def test_rank_verdicts_do_not_depend_on_the_path(monkeypatch, rel, full):
    rng = np.random.default_rng(25)
    n = 400
    z1, z2 = rng.normal(50, 10, n), rng.normal(size=n)
    e = rng.normal(size=n)
    x = 2 * z1 - 3 * z2 + 7 + rel * e * (2 * z1 - 3 * z2).std() / e.std()
    X = np.column_stack([np.ones(n), z1, z2, x])
    y = rng.normal(size=n)
    for bound in (GRAM_COND_MAX, np.inf, 0.0):
        with monkeypatch.context() as m:
            m.setattr(fitting, "GRAM_COND_MAX", bound)
            if full:
                assert least_squares(X, y).ok
            else:
                with pytest.raises(ModelError, match=r"collinear.*involved: b, c, d"):
                    least_squares(X, y, names=["a", "b", "c", "d"])
    assert (rank_deficient_columns(X) == []) == full
    # In a stack the collinear data set is flagged, the others are fitted.
    stack = np.stack([X, np.column_stack([X[:, :3], rng.normal(size=n)])])
    batch = least_squares(stack, np.stack([y, y]))
    assert batch.ok.tolist() == [full, True]
    assert np.isnan(batch.coef[0]).all() != full


def test_constant_column_and_too_few_rows_are_rank_deficient():
    rng = np.random.default_rng(26)
    X = np.column_stack([np.ones(50), np.full(50, 3.0), rng.normal(size=50)])
    with pytest.raises(ModelError, match="collinear"):
        least_squares(X, rng.normal(size=50))
    X = np.column_stack([np.ones(3), rng.normal(size=(3, 3))])
    with pytest.raises(ModelError, match="collinear"):
        least_squares(X, rng.normal(size=3))
