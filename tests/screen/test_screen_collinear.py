"""The batched screen decides collinearity by the core's rank rule (issue 14).

A biomarker that is (nearly) a linear combination of the covariates is
"collinear" in the screen exactly when the single-model core
(:func:`sarcostat.stats.fitting.least_squares` / ``logistic_fit``: QR of the
scaled design, diagonal of R below ``RANK_TOL`` = 1e-7 times the largest)
rejects the design, and exactly when R ``lm`` (QR tolerance 1e-7) reports an
NA coefficient (``tests/screen/r/make_screen_collinear.R``).
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import ModelError
from sarcostat.stats import screen_engine as eng
from sarcostat.stats.fitting import RANK_TOL, gram_rank_ok, least_squares, logistic_fit
from sarcostat.stats.screen import screen

FIX = Path(__file__).parent / "fixtures"
COVS = ["age_yr", "sex_male", "bmi"]
CASES = ["x_exact", "x_1e-9", "x_1e-5", "x_1e-3"]


@pytest.fixture(scope="module")
def case():
    cohort = pd.read_csv(FIX / "screen_cohort.csv")
    w = np.sin(np.arange(1, len(cohort) + 1))
    bio = pd.DataFrame({"id": cohort["id"]})
    bio["x_exact"] = 2 * cohort["age_yr"] + 0.5 * cohort["bmi"] + 3
    for e in ("1e-9", "1e-5", "1e-3"):
        bio[f"x_{e}"] = bio["x_exact"] + float(e) * 10 * w
    res = screen(cohort, bio, outcomes=["smi", "grip_kg", "sarcopenia"], covariates=COVS)
    return cohort, bio, res


def _row(res, outcome, x):
    t = res.table
    return t[(t["outcome"] == outcome) & (t["biomarker"] == x)].iloc[0]


def _design(cohort, bio, outcome, x):
    d = cohort.merge(bio, on="id")[[outcome, *COVS, x]].dropna()
    X = np.column_stack([np.ones(len(d)), d[COVS].to_numpy(), d[x].to_numpy()])
    return X, d[outcome].to_numpy()


def test_engine_imports_the_core_rule():
    # no private threshold of its own any more
    assert not hasattr(eng, "_COND_MAX")
    assert RANK_TOL == 1e-7


def test_collinear_exactly_as_r_lm(case):
    cohort, bio, res = case
    ref = json.loads((FIX / "screen_collinear_reference.json").read_text())["rows"]
    assert len(ref) == 8
    for r in ref:
        row = _row(res, r["outcome"], r["biomarker"])
        assert row["n"] == r["n"]
        if r["aliased"]:
            assert "collinear with the covariates" in row["message"], r
            assert np.isnan(row["estimate"]) and np.isnan(row["p_value"])
        else:
            assert row["message"] == "", r
            # x_1e-5 is a design with condition ~1e6 (1e12 in the normal
            # equations the engine solves): its estimate is good to ~1e-5.
            rtol = 1e-6 if r["biomarker"] == "x_1e-3" else 1e-4
            np.testing.assert_allclose(
                [row["estimate"], row["se"], row["p_value"]],
                [r["estimate"], r["se"], r["p_value"]],
                rtol=rtol,
            )


@pytest.mark.parametrize("x", CASES)
@pytest.mark.parametrize("outcome", ["smi", "grip_kg", "sarcopenia"])
def test_collinear_exactly_as_the_core(case, outcome, x):
    cohort, bio, res = case
    X, y = _design(cohort, bio, outcome, x)
    fit = logistic_fit if outcome == "sarcopenia" else least_squares
    try:
        core = fit(X, y)
        core_collinear = False
    except ModelError as exc:
        assert "collinear" in str(exc)
        core_collinear = True
    row = _row(res, outcome, x)
    assert core_collinear == (x in ("x_exact", "x_1e-9"))
    assert ("collinear with the covariates" in row["message"]) == core_collinear
    if not core_collinear:
        # Fitted by both; the logistic on x_1e-5 (information condition
        # ~1e15) fails to converge in the core and in the screen alike.
        fitted = bool(getattr(core, "converged", True))
        assert np.isfinite(row["estimate"]) == fitted
        assert (row["message"] == "") == fitted


def test_covariate_collinear_among_complete_cases_is_cov_singular(case):
    cohort, bio, _ = case
    cohort = cohort.assign(bmi2=cohort["bmi"] * 3 - 1)
    res = screen(cohort, bio[["id", "x_1e-3"]], outcomes=["smi"], covariates=[*COVS, "bmi2"])
    assert "covariates are collinear" in res.table["message"].iloc[0]


def test_gram_rule_equals_qr_rule():
    """gram_rank_ok on X'X gives the verdict of the core's QR on X, on both
    sides of the tolerance, for columns centred about roughly their mean (as
    the screen centres every column before its sums)."""
    rng = np.random.default_rng(3)
    n = 300
    for rel, expected in ((0.0, False), (1e-9, False), (3e-8, False), (3e-7, True), (1e-3, True)):
        z1, z2 = rng.normal(50, 10, n), rng.normal(size=n)
        base = 2 * z1 - 3 * z2 + 7
        e = rng.normal(size=n)
        e -= (
            np.column_stack([np.ones(n), z1, z2])
            @ np.linalg.lstsq(np.column_stack([np.ones(n), z1, z2]), e, rcond=None)[0]
        )
        x = base + rel * e / e.std() * base.std()
        X = np.column_stack([np.ones(n), z1, z2, x])
        Xc = X - np.r_[0.0, np.round(X[:, 1:].mean(axis=0), 1)]
        ok = gram_rank_ok((Xc.T @ Xc)[None])[0]
        assert ok[:3].all() and ok[3] == expected, rel
        try:
            least_squares(X, rng.normal(size=n))
            assert expected
        except ModelError:
            assert not expected
    # a constant covariate fails its own column
    X = np.column_stack([np.ones(n), np.full(n, 4.0), rng.normal(size=n)])
    assert gram_rank_ok((X.T @ X)[None])[0].tolist() == [True, False, True]


def test_gram_rule_batched_equals_one_design_at_a_time():
    """The batched rule (entry by entry over the designs) gives each design
    the verdict it gets alone, for collinear, constant, near-constant,
    empty and non-finite Gram matrices mixed in one batch."""
    rng = np.random.default_rng(5)
    n, p = 60, 5
    X = rng.normal(size=(40, n, p))
    X[:, :, 0] = 1.0
    X[1, :, 3] = 2 * X[1, :, 1] - X[1, :, 2]  # collinear
    X[2, :, 4] = 3.0  # constant
    X[3, :, 2] *= 1e-9  # small units: scaled to unit SD, still full rank
    X[4] = 0.0  # no rows
    X[5, :, 4] = X[5, :, 1] + 1e-12 * rng.normal(size=n)  # collinear to rounding
    G = np.einsum("sni,snj->sij", X, X)
    G[6, 2, 3] = G[6, 3, 2] = np.nan
    batched = gram_rank_ok(G)
    alone = np.array([gram_rank_ok(G[i : i + 1])[0] for i in range(len(G))])
    np.testing.assert_array_equal(batched, alone)
    assert not batched[1, 3] and not batched[2, 4] and not batched[5, 4]
    assert not batched[4].any() and not batched[6].any() and batched[0].all()
