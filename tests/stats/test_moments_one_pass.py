"""Least squares of one large design from one pass over its rows
(`sarcostat.stats.fitting._moments_one`): the same fit as the two-pass
centring, and as statsmodels, including a column whose SD is tiny next to
its mean, and a first column that only looks like the intercept."""

import numpy as np
import pytest
import statsmodels.api as sm

from sarcostat.stats import fitting
from sarcostat.stats.fitting import least_squares

N = 3 * fitting._BLOCK + 123  # several blocks and a short last one


def _design(rng, offset=0.0, spread=1.0):
    x1 = rng.normal(50, 10, N)
    x2 = offset + spread * rng.normal(0, 1, N)
    sex = (rng.random(N) < 0.5).astype(float)
    X = np.column_stack([np.ones(N), x1, x2, sex])
    y = 3 + 0.2 * x1 + 0.7 * (x2 - offset) / spread - 1.5 * sex + rng.normal(0, 2, N)
    return X, y


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("offset, spread", [(0.0, 1.0), (1e6, 1e-3), (-250.0, 40.0)])
def test_one_pass_matches_two_passes_and_statsmodels(offset, spread, order, monkeypatch):
    X, y = _design(np.random.default_rng(3), offset, spread)
    X = np.asarray(X, order=order)  # rows, or columns as the model functions stack them
    one = least_squares(X, y)
    calls = []
    real = fitting._moments_one
    monkeypatch.setattr(fitting, "_moments_one", lambda *a: calls.append(1) or real(*a))
    least_squares(X, y)
    assert calls == [1]  # the one-pass path ran
    monkeypatch.setattr(fitting, "_moments_one", lambda *a: None)
    two = least_squares(X, y)
    np.testing.assert_allclose(one.coef, two.coef, rtol=1e-11, atol=0)
    np.testing.assert_allclose(one.xtx_inv, two.xtx_inv, rtol=1e-10)
    assert one.rss == pytest.approx(two.rss, rel=1e-12)
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(one.coef, ref.params, rtol=1e-8)
    np.testing.assert_allclose(
        np.sqrt(np.diag(one.xtx_inv) * one.rss / one.df_resid), ref.bse, rtol=1e-8
    )


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("where", [5, fitting._BLOCK + 7, N - 1])
def test_a_first_column_that_is_not_all_ones_is_not_the_intercept(where, order):
    X, y = _design(np.random.default_rng(4))
    X = np.asarray(X, order=order)
    X[where, 0] = 1.0 + 2.0**-52  # one value next to 1
    fit = least_squares(X, y)
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(fit.coef[1:], ref.params[1:], rtol=1e-7)
    assert fit.rss == pytest.approx(ref.ssr, rel=1e-9)
    # The one-pass path declines it: the design is fitted as it is (no intercept).
    assert fitting._moments_one(X, y) is None


def test_rows_and_columns_order_give_the_same_fit():
    X, y = _design(np.random.default_rng(5), 1e6, 1e-3)
    rows, columns = (
        least_squares(np.ascontiguousarray(X), y),
        least_squares(np.asfortranarray(X), y),
    )
    np.testing.assert_allclose(rows.coef, columns.coef, rtol=1e-11, atol=0)
    np.testing.assert_allclose(rows.xtx_inv, columns.xtx_inv, rtol=1e-10)
    assert rows.rss == pytest.approx(columns.rss, rel=1e-12)


def test_model_functions_hand_the_core_a_design_in_column_order(monkeypatch):
    import pandas as pd

    from sarcostat.stats.ancova import fit_linear
    from sarcostat.stats.regression import linear_regression
    from sarcostat.stats.splines import spline_regression

    X, y = _design(np.random.default_rng(6))
    d = pd.DataFrame({"x1": X[:, 1], "x2": X[:, 2], "sex": X[:, 3], "y": y})
    layouts = []
    real = fitting._moments_one

    def watched(X1, y1):
        layouts.append(X1.flags.f_contiguous and not X1.flags.c_contiguous)
        return real(X1, y1)

    monkeypatch.setattr(fitting, "_moments_one", watched)
    reg = linear_regression(d, outcome="y", predictor="x1", covariates=["x2", "sex"])
    anc = fit_linear(d, outcome="y", factors="sex", covariates=["x1", "x2"])
    spline_regression(d, outcome="y", predictor="x1", covariates=["x2"], kind="linear")
    assert layouts == [True, True, True]
    ref = sm.OLS(y, X).fit()
    np.testing.assert_allclose(reg.table["estimate"], ref.params, rtol=1e-9)
    assert anc.rss == pytest.approx(ref.ssr, rel=1e-10)
