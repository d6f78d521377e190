"""CPU shortcuts of issue 20 that must not change a number beyond rounding.

The logistic core's column-ordered scaled copy and its last-step shortcut,
the restricted cubic spline basis computed in blocks without ``pow``, and
the ROC thresholds taken from the two sorted groups.
"""

import numpy as np
import pandas as pd
import pytest

import sarcostat.stats.fitting as fitting
from sarcostat.stats.fitting import _scale_one, _scaled_columns, _state_one, logistic_fit
from sarcostat.stats.roc import _distinct_sorted, roc_analysis, roc_thresholds
from sarcostat.stats.splines import _RCS_ROWS, rcs_basis


def _design(n, seed=0):
    rng = np.random.default_rng(seed)
    age = rng.normal(75, 7, n)
    male = (rng.random(n) < 0.45).astype(float)
    bio = rng.lognormal(3.7, 0.35, n) + 0.05 * age
    eta = -9 + 0.08 * age - 0.6 * male + 0.03 * bio
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    return np.column_stack([np.ones(n), bio, age, male]), y


def test_scaled_copy_is_column_ordered_and_the_same_values():
    X, _ = _design(5000, seed=1)
    centre, scale, intercept, _ = _scale_one(X)
    Xs = _scaled_columns(X, centre, scale)
    assert intercept and Xs.flags.f_contiguous and not Xs.flags.c_contiguous
    # the same two roundings per value as a row-ordered (X - centre) / scale
    assert np.array_equal(Xs, (X - centre) / scale)
    # in place: the same values in the design's own memory (column order only)
    F = np.asfortranarray(X)
    assert _scaled_columns(F, centre, scale, overwrite=True) is not None
    assert np.array_equal(F, Xs)
    C = X.copy()
    assert np.array_equal(_scaled_columns(C, centre, scale, overwrite=True), Xs)
    assert np.array_equal(C, X)


def test_column_ordered_state_equals_the_row_ordered_state():
    X, y = _design(3000, seed=2)
    centre, scale, _, _ = _scale_one(X)
    Xs = _scaled_columns(X, centre, scale)
    rows = np.ascontiguousarray(Xs)
    beta = np.array([-1.5, 0.3, 0.4, -0.2])
    work = np.empty((5, 700))  # several blocks, the last one short
    a = _state_one(Xs, y, beta, work, np.empty((2, 3000)))
    b = _state_one(rows, y, beta, np.empty((5, 700)), np.empty((2, 3000)))
    for u, v in zip(a, b, strict=True):
        np.testing.assert_allclose(u, v, rtol=1e-13, atol=1e-13)
    # mu by row: exp(-|eta|) as before, eta summed in either order
    eta = rows @ beta
    np.testing.assert_allclose(a[0], 1 / (1 + np.exp(-eta)), rtol=1e-14)


@pytest.mark.parametrize("n", [2000, fitting.WARM_MIN_ROWS])
def test_settled_last_step_saves_a_pass_and_changes_nothing(monkeypatch, n):
    X, y = _design(n, seed=3)
    calls = []
    real = fitting._state_one

    def counted(X, *args):
        calls.append(len(X))
        return real(X, *args)

    monkeypatch.setattr(fitting, "_state_one", counted)
    fast = logistic_fit(X, y)
    short = calls.count(n)
    calls.clear()
    monkeypatch.setattr(fitting, "SETTLED_STEP", 0.0)  # every step's state evaluated
    full = logistic_fit(X, y)
    assert fast.converged and full.converged and fast.iterations == full.iterations
    assert short == calls.count(n) - 1  # one pass over every row fewer
    np.testing.assert_allclose(fast.coef, full.coef, rtol=1e-13)
    np.testing.assert_allclose(fast.cov, full.cov, rtol=1e-12)
    np.testing.assert_allclose(fast.loglik, full.loglik, rtol=1e-14)


def test_spline_basis_in_blocks_equals_the_formula():
    rng = np.random.default_rng(4)
    x = rng.normal(45, 16, 2 * _RCS_ROWS + 123)  # two blocks and a short one
    t = np.quantile(x, [0.05, 0.35, 0.65, 0.95])
    tau = (t[-1] - t[0]) ** (2 / 3)

    def pos3(v):
        return np.maximum(v / tau, 0) ** 3

    ref = [x] + [
        pos3(x - t[j])
        + ((t[2] - t[j]) * pos3(x - t[3]) - (t[3] - t[j]) * pos3(x - t[2])) / (t[3] - t[2])
        for j in range(2)
    ]
    got = rcs_basis(x, t)
    np.testing.assert_allclose(got, np.column_stack(ref), rtol=1e-14, atol=1e-12)
    assert rcs_basis([0.0, 5.0, 10.0], [1.0, 4.0, 9.0]).round(4).tolist() == [
        [0.0, 0.0],
        [5.0, 0.975],
        [10.0, 6.0],
    ]


def test_roc_thresholds_from_the_sorted_groups():
    rng = np.random.default_rng(5)
    for _ in range(60):
        n = int(rng.integers(2, 60))
        x = np.round(rng.normal(size=n), int(rng.integers(0, 3)))
        x[rng.random(n) < 0.1] = -0.0  # equal to 0.0
        case = np.arange(n) % 3 == 0  # both groups present
        assert np.array_equal(_distinct_sorted(np.sort(x[case]), np.sort(x[~case])), np.unique(x))
        res = roc_analysis(pd.DataFrame({"y": case.astype(int), "m": x}), outcome="y", marker="m")
        assert np.array_equal(np.sort(res.table["threshold"]), roc_thresholds(x, res.direction))


def test_scaling_sums_by_blas_agree_with_the_plain_sums():
    # Three blocks of rows; the cross products about the first block's means
    # by gemm on a copy (`_cross`), the column sums by gemv.
    X, _ = _design(3 * fitting._block_rows(4) + 17, seed=3)
    centre, scale, intercept, gram = _scale_one(X)
    assert intercept
    np.testing.assert_allclose(centre[1:], X[:, 1:].mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(scale[1:], X[:, 1:].std(axis=0), rtol=1e-11)
    assert np.array_equal(gram, gram.T)  # symmetrised exactly
    shift = X[: fitting._block_rows(4)].mean(axis=0)
    d = X - shift
    np.testing.assert_allclose(gram[1:, 1:], (d.T @ d)[1:, 1:], rtol=1e-12)
    np.testing.assert_allclose(gram[0, 1:], d[:, 1:].sum(axis=0), rtol=1e-9, atol=1e-6)
    assert gram[0, 0] == len(X)
    B = np.random.default_rng(4).normal(size=(1000, 5))
    for cols in (2, fitting._GEMM_COLS, fitting._GEMM_COLS + 1):
        C = B[:, :cols].copy()
        np.testing.assert_allclose(
            fitting._cross(C, np.empty(C.size)), C.T @ C, rtol=1e-14, atol=1e-12
        )


@pytest.mark.parametrize(
    "first, intercept",
    [
        (np.ones(40_000), True),
        # one value a unit of rounding away from 1, in a later block
        (np.r_[np.ones(30_000), 1 + 2.0**-52, np.ones(9_999)], False),
        (np.r_[np.ones(30_000), 1 - 2.0**-53, np.ones(9_999)], False),
        # the first block's mean exactly 1, the values not all 1
        (np.tile([0.0, 2.0], 20_000), False),
        (np.r_[np.ones(39_999), np.nan], False),
    ],
)
def test_intercept_found_from_the_sums_exactly_when_the_first_column_is_all_ones(first, intercept):
    rng = np.random.default_rng(5)
    X = np.column_stack([first, rng.normal(size=len(first)), rng.normal(size=len(first))])
    assert _scale_one(X)[2] is intercept
    assert _scale_one(np.asfortranarray(X))[2] is intercept  # the non-contiguous path


def test_a_design_in_column_order_gives_the_same_fit():
    # logistic_regression builds its design in column order; a row-ordered
    # one takes the other path of the scaling pass: the same fit to rounding.
    X, y = _design(fitting.WARM_MIN_ROWS + 10, seed=7)
    a = logistic_fit(X, y)
    b = logistic_fit(np.asfortranarray(X), y)
    assert a.converged and b.converged and a.separation is None is b.separation
    np.testing.assert_allclose(b.coef, a.coef, rtol=1e-11)
    np.testing.assert_allclose(b.cov, a.cov, rtol=1e-10)
    assert b.loglik == pytest.approx(a.loglik, rel=1e-13)
