"""The large-design path of `sarcostat.stats.fitting.logistic_fit` (issue 20).

One design is fitted in cache-sized blocks, ranked from its Gram matrix and,
from ``WARM_MIN_ROWS`` rows, started at the fit on a subsample; the
separation certificate sums the score pairwise and the linear programs run on
the distinct rows. None of this may change an estimate or a verdict.
"""

import numpy as np
import pytest
from scipy.optimize import linprog

import sarcostat.stats.fitting as fitting
from sarcostat.exceptions import ModelError
from sarcostat.stats.fitting import (
    SEPARATION_TOL,
    _no_separation,
    _scaling,
    _separation_scaled,
    detect_separation,
    least_squares,
    logistic_fit,
)


def _design(n, seed=0, rare=False):
    rng = np.random.default_rng(seed)
    age = rng.normal(75, 7, n)
    male = (rng.random(n) < 0.45).astype(float)
    bmi = rng.normal(26, 4, n)
    bio = rng.lognormal(3.7, 0.35, n) + 0.05 * age
    eta = -9 + 0.08 * age - 0.6 * male - 0.05 * bmi + 0.03 * bio
    if rare:
        eta -= 2.5
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return np.column_stack([np.ones(n), bio, age, male, bmi]), y


def _old_lp(A0, y):
    """The separation program over every row, as before the distinct rows."""
    scale = np.max(np.abs(A0), axis=0)
    scale[scale == 0] = 1.0
    A = (2 * y - 1)[:, None] * (A0 / scale)
    n, p = A.shape
    res = linprog(-A.sum(axis=0), A_ub=-A, b_ub=np.zeros(n), bounds=[(-1, 1)] * p, method="highs")
    return -res.fun


@pytest.mark.parametrize("rare", [False, True])
def test_warm_start_gives_the_estimates_of_the_iteration_from_zero(monkeypatch, rare):
    X, y = _design(fitting.WARM_MIN_ROWS, seed=3, rare=rare)
    warm = logistic_fit(X, y)
    monkeypatch.setattr(fitting, "WARM_MIN_ROWS", 10**12)
    cold = logistic_fit(X, y)
    assert warm.converged and cold.converged and warm.separation is None
    assert warm.iterations < cold.iterations  # fewer passes over every row
    np.testing.assert_allclose(warm.coef, cold.coef, rtol=1e-10, atol=0)
    np.testing.assert_allclose(warm.cov, cold.cov, rtol=1e-9, atol=0)
    np.testing.assert_allclose(warm.loglik, cold.loglik, rtol=1e-12)


@pytest.mark.slow
def test_large_design_equals_statsmodels_logit():
    sm = pytest.importorskip("statsmodels.api")
    X, y = _design(10**5, seed=11)
    fit = logistic_fit(X, y)
    ref = sm.Logit(y, X).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    np.testing.assert_allclose(fit.coef, ref.params, rtol=1e-8)
    np.testing.assert_allclose(np.sqrt(np.diag(fit.cov)), ref.bse, rtol=1e-8)
    np.testing.assert_allclose(fit.loglik, ref.llf, rtol=1e-10)


def test_blocked_state_equals_the_stacked_state():
    X, y = _design(3000, seed=4)
    _, _, Xs, _ = _scaling(X[None], np.ones((1, len(y))))
    beta = np.array([[-1.5, 0.3, 0.4, -0.2, -0.1]])
    work = np.empty((6, 700))  # several blocks, the last one short
    one = fitting._logit_state(Xs, y[None], None, beta, False, work, np.empty((2, 3000)))
    two = fitting._logit_state(
        np.repeat(Xs, 2, axis=0), np.repeat(y[None], 2, 0), None, np.repeat(beta, 2, axis=0), False
    )
    for a, b in zip(one, two, strict=True):
        np.testing.assert_allclose(a[0], b[0], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("order", ["F", "C"])
def test_log_likelihood_pass_equals_the_state_s_to_the_bit(order):
    X, y = _design(3000, seed=4)
    _, _, Xs, _ = _scaling(X[None], np.ones((1, len(y))))
    Xs = np.asarray(Xs[0], order=order)
    beta = np.array([-1.5, 0.3, 0.4, -0.2, -0.1])
    work = np.empty((6, 700))  # several blocks, the last one short
    *_, ll, _ = fitting._state_one(Xs, y, beta, work, np.empty((2, 3000)))
    *_, skipped, _ = fitting._state_one(Xs, y, beta, work, np.empty((2, 3000)), loglik=False)
    eta = Xs @ beta
    assert np.isnan(skipped)
    assert fitting._loglik_one(Xs, y, beta, 700) == ll
    np.testing.assert_allclose(ll, np.sum(y * eta - np.logaddexp(0.0, eta)), rtol=1e-13)


def _always_loglik(monkeypatch):
    """Every state forms its log likelihood (the iteration before it was lazy)."""
    state = fitting._state_one

    def eager(X, y, beta, work, out, loglik=True):
        return state(X, y, beta, work, out, True)

    monkeypatch.setattr(fitting, "_state_one", eager)


@pytest.mark.parametrize(
    ("n", "slope"),
    [(fitting.WARM_MIN_ROWS, 0.03), (400, 0.03), (60, 3.0), (40, 12.0)],
)
def test_lazy_log_likelihood_changes_no_iterate(monkeypatch, n, slope):
    # From zero, strong effects overshoot: steps that the halving rule
    # judges (the score at the trial point points back) alternate with
    # steps accepted on the score's sign alone; warm-started, every state
    # but the last skips the log likelihood.
    rng = np.random.default_rng(8)
    X, _ = _design(n, seed=8)
    y = (rng.random(n) < 1 / (1 + np.exp(-(X[:, 1] - 45) * slope))).astype(float)
    lazy = logistic_fit(X, y, check_separation=False)
    _always_loglik(monkeypatch)
    eager = logistic_fit(X, y, check_separation=False)
    assert lazy.iterations == eager.iterations and lazy.converged == eager.converged
    np.testing.assert_array_equal(lazy.coef, eager.coef)
    np.testing.assert_array_equal(lazy.cov, eager.cov)
    assert lazy.loglik == eager.loglik
    eta = X @ lazy.coef
    np.testing.assert_allclose(lazy.loglik, np.sum(y * eta - np.logaddexp(0.0, eta)), rtol=1e-9)


def test_warm_started_fit_forms_its_log_likelihood_once(monkeypatch):
    n = fitting.WARM_MIN_ROWS
    X, y = _design(n, seed=3)
    formed, skipped, passes = [], [], []
    state_one, loglik_one = fitting._state_one, fitting._loglik_one

    def watched(X1, y1, beta, work, out, loglik=True):
        if len(X1) == n:
            (formed if loglik else skipped).append(1)
        return state_one(X1, y1, beta, work, out, loglik)

    def counted(X1, *args):
        if len(X1) == n:
            passes.append(1)
        return loglik_one(X1, *args)

    monkeypatch.setattr(fitting, "_state_one", watched)
    monkeypatch.setattr(fitting, "_loglik_one", counted)
    fit = logistic_fit(X, y)
    assert fit.converged
    # Every pass over the n rows but the last skips the log likelihood (the
    # converging step is taken without a pass: `iterations` passes in all).
    assert len(formed) == 1 and not passes and len(skipped) == fit.iterations - 1


@pytest.mark.parametrize("n", [500, fitting.WARM_MIN_ROWS])
def test_a_step_that_lowers_the_log_likelihood_is_still_halved(monkeypatch, n):
    # Newton steps tripled overshoot (and no longer converge): the score at
    # the trial point points back, so both log likelihoods are formed and
    # the halving rule judges the step, with the same iterates as when
    # every state forms its own.
    cap_step = fitting.cap_step
    monkeypatch.setattr(fitting, "cap_step", lambda step: 3.0 * cap_step(step))
    states, passes = [], []
    logit_state, loglik_one = fitting._logit_state, fitting._loglik_one

    def counted_state(*args, **kwargs):
        states.append(1)
        return logit_state(*args, **kwargs)

    def counted_pass(*args):
        passes.append(1)
        return loglik_one(*args)

    monkeypatch.setattr(fitting, "_logit_state", counted_state)
    monkeypatch.setattr(fitting, "_loglik_one", counted_pass)
    X, y = _design(n, seed=2)
    monkeypatch.setattr(fitting, "WARM_MIN_ROWS", 10**12)  # from zero: large steps
    lazy = logistic_fit(X, y, check_separation=False, max_iter=30)
    assert len(states) > lazy.iterations + 1  # halved trial points
    assert passes  # log likelihoods formed for the rule
    _always_loglik(monkeypatch)
    eager = logistic_fit(X, y, check_separation=False, max_iter=30)
    assert lazy.iterations == eager.iterations
    np.testing.assert_array_equal(lazy.coef, eager.coef)
    np.testing.assert_array_equal(lazy.cov, eager.cov)
    assert lazy.loglik == eager.loglik


def test_rows_left_out_of_one_design_are_its_subset():
    X, y = _design(2000, seed=5)
    keep = np.random.default_rng(5).random(2000) < 0.7
    Xn = X.copy()
    Xn[~keep, 1] = np.nan  # rows left out may hold NaN
    a = logistic_fit(Xn, y, weights=keep.astype(float))
    b = logistic_fit(X[keep], y[keep])
    np.testing.assert_allclose(a.coef, b.coef, rtol=1e-12)
    np.testing.assert_allclose(a.cov, b.cov, rtol=1e-10)


@pytest.mark.parametrize(("rel", "ok"), [(0.0, False), (1e-9, False), (3e-7, True), (1e-3, True)])
def test_rank_rule_of_one_design_is_the_least_squares_verdict(rel, ok):
    rng = np.random.default_rng(7)
    n = 500
    z1, z2 = rng.normal(50, 10, n), rng.normal(size=n)
    base = 2 * z1 - 3 * z2 + 7
    x = base + rel * rng.normal(size=n) * base.std()
    X = np.column_stack([np.ones(n), z1, z2, x])
    y = (rng.random(n) < 0.4).astype(float)
    for fit in (least_squares, logistic_fit):
        if ok:
            fit(X, y)
        else:
            with pytest.raises(ModelError, match="collinear"):
                fit(X, y)


def test_certificate_holds_for_a_well_fitted_model_with_extreme_probabilities():
    # A strong, unseparated predictor: fitted probabilities down to ~1e-5
    # (the old rounding allowance, 1e-12 n p, sent such fits to the LP).
    rng = np.random.default_rng(2)
    n = 5000
    x = rng.normal(size=n)
    y = (rng.random(n) < 1 / (1 + np.exp(-(-1 + 3 * x)))).astype(float)
    X = np.column_stack([np.ones(n), x])
    fit = logistic_fit(X, y, check_separation=False)
    _, _, Xs, _ = _scaling(X[None], np.ones((1, n)))
    mu = 1 / (1 + np.exp(-(X @ fit.coef)))
    lam = np.where(y > 0.5, 1 - mu, mu)
    assert lam.min() < 2e-5  # the old allowance needed about 2e-5 p
    beta_scaled = np.linalg.lstsq(Xs[0], X @ fit.coef, rcond=None)[0]
    assert _no_separation(Xs[0], y, beta_scaled)
    # far from the estimate the score is not small: no certificate
    assert not _no_separation(Xs[0], y, beta_scaled + 0.5)
    assert _separation_scaled(Xs[0], y)[0] is None
    assert _old_lp(Xs[0], y) <= SEPARATION_TOL * n


def _categorical(n, rng):
    f = rng.integers(0, 4, n)  # a factor: dummies for levels 1 and 3
    return np.column_stack(
        [np.ones(n), f == 3, f == 1, rng.integers(0, 2, n), rng.integers(60, 70, n)]
    ).astype(float)


@pytest.mark.parametrize("case", ["none", "quasi", "complete"])
def test_distinct_row_program_gives_the_all_row_answer(case):
    rng = np.random.default_rng(9)
    n = 3000
    X = _categorical(n, rng)  # 60 distinct design rows
    if case == "none":
        y = (rng.random(n) < 0.3).astype(float)
    elif case == "quasi":  # level 3 of the first factor always has the event
        y = np.where(X[:, 1] == 1, 1.0, (rng.random(n) < 0.3).astype(float))
    else:
        y = (X[:, 4] >= 65).astype(float)
    _, _, Xs, _ = _scaling(X[None], np.ones((1, n)))
    A = (2 * y - 1)[:, None] * Xs[0]
    rows, counts = fitting._distinct_rows(A)
    assert len(rows) <= 120 and counts.sum() == n
    kind, direction = detect_separation(X, y)
    old = _old_lp(Xs[0], y)
    expected = {"none": None, "quasi": "quasi-complete", "complete": "complete"}[case]
    assert kind == expected
    assert (old > SEPARATION_TOL * n) == (kind is not None)
    if kind is not None:
        assert direction[1 if case == "quasi" else 4] != 0
    # the optimum itself is the same on the distinct rows
    scale = np.max(np.abs(Xs[0]), axis=0)
    scale[scale == 0] = 1.0
    Ad, cnt = fitting._distinct_rows((2 * y - 1)[:, None] * (Xs[0] / scale))
    res = linprog(
        -(cnt @ Ad), A_ub=-Ad, b_ub=np.zeros(len(Ad)), bounds=[(-1, 1)] * 5, method="highs"
    )
    np.testing.assert_allclose(-res.fun, old, rtol=1e-9, atol=1e-9)
    fit = logistic_fit(X, y)
    assert fit.separation == expected


def test_firth_fit_skips_the_programs_when_the_ml_certificate_holds(monkeypatch):
    X, y = _design(4000, seed=8)
    before = logistic_fit(X, y, firth=True)

    def no_lp(*args):
        raise AssertionError("linear program run")

    monkeypatch.setattr(fitting, "_separation_scaled", no_lp)
    fit = logistic_fit(X, y, firth=True)
    assert fit.separation is None and fit.converged
    np.testing.assert_array_equal(fit.coef, before.coef)
    # separated data still go to the programs
    Xs = np.column_stack([np.ones(6), [1.0, 2, 3, 4, 5, 6]])
    with pytest.raises(AssertionError, match="linear program"):
        logistic_fit(Xs, np.array([0, 0, 0, 1, 1, 1.0]), firth=True)


@pytest.mark.parametrize("intercept", [True, False])
def test_overwrite_x_scales_the_design_in_place_with_the_same_fit(intercept):
    X, y = _design(3000, seed=4)
    if not intercept:
        X = X[:, 1:]
    kept = logistic_fit(np.asfortranarray(X), y)
    F = np.asfortranarray(X)
    fit = logistic_fit(F, y, overwrite_x=True)
    np.testing.assert_array_equal(fit.coef, kept.coef)
    np.testing.assert_array_equal(fit.cov, kept.cov)
    # Overwritten only with an intercept (without one the rank rule reads the
    # scaled copy, and an error must name the columns of the design as given).
    assert np.array_equal(F, X) != intercept
    C = X.copy()  # a row-ordered design is never overwritten
    logistic_fit(C, y, overwrite_x=True)
    assert np.array_equal(C, X)


def test_overwrite_x_leaves_a_collinear_design_as_given_for_its_message():
    X, y = _design(800, seed=5)
    X = np.column_stack([X, 2 * X[:, 2] - X[:, 4]])  # age, bmi and the new column
    F = np.asfortranarray(X)
    with pytest.raises(ModelError, match="collinear") as err:
        logistic_fit(
            F, y, names=["(Intercept)", "bio", "age", "male", "bmi", "x"], overwrite_x=True
        )
    assert np.array_equal(F, X)
    with pytest.raises(ModelError) as ref:
        logistic_fit(X, y, names=["(Intercept)", "bio", "age", "male", "bmi", "x"])
    assert str(err.value) == str(ref.value)
