"""Shortcuts of the linear analyses at biobank scale (issue 20) give the
numbers of the long way: the P for trend from the quartile ANCOVA without a
second fit, the standardized beta from the fit's column scales, the spline
design built once, and the analysis-sample helpers without pandas nunique
or extra copies."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import ModelError
from sarcostat.stats import linear_regression
from sarcostat.stats._data import _at_most_one_value, check_not_constant, complete_cases
from sarcostat.stats.ancova import fit_linear
from sarcostat.stats.splines import rcs_basis, rcs_knots, spline_regression
from sarcostat.stats.trend import quartile_trend


@pytest.fixture(scope="module")
def cohort():
    rng = np.random.default_rng(7)
    n = 600
    d = pd.DataFrame(
        {
            "bm": rng.lognormal(3.6, 0.4, n),
            "age": rng.normal(72, 6, n),
            "male": rng.integers(0, 2, n).astype(float),
            "site": rng.choice(["north", "south", "west"], n),
        }
    )
    d["y"] = 0.02 * d["bm"] - 0.05 * d["age"] + 0.8 * d["male"] + rng.normal(0, 1, n)
    d.loc[rng.choice(n, 25, replace=False), "age"] = np.nan
    return d


def _refit_trend(d, res, covariates, factors=()):
    """The trend model fitted the long way: the group's score as a covariate."""
    fit = res.fit
    qcol = fit.factors[0]
    sample = fit.data.copy()
    levels = [float(v) for v in fit.levels[qcol]]
    if res.trend["method"].iloc[0] == "median":
        med = dict(zip(levels, res.grouping.medians))
        sample["score"] = sample[qcol].astype(float).map(med)
    else:
        sample["score"] = sample[qcol].astype(float)
    return fit_linear(
        sample, outcome=fit.outcome, factors=list(factors), covariates=["score", *covariates]
    )


@pytest.mark.parametrize("trend", ["score", "median"])
@pytest.mark.parametrize("k", [2, 4, 5])
def test_trend_from_the_ancova_equals_the_refitted_trend_model(cohort, trend, k):
    from sarcostat.stats.trend import quartiles

    groups = quartiles(cohort["bm"], k=k) if k != 4 else None
    res = quartile_trend(
        cohort,
        outcome="y",
        biomarker="bm",
        covariates=["age", "male", "site"],
        trend=trend,
        groups=groups,
        unadjusted="none",
    )
    ref = _refit_trend(cohort, res, ["age", "male"], factors=["site"])
    row = res.trend.iloc[0]
    assert row["estimate"] == pytest.approx(ref.coef["score"], rel=1e-10)
    assert row["se"] == pytest.approx(np.sqrt(ref.vcov.loc["score", "score"]), rel=1e-10)
    assert row["df"] == ref.df_resid


def test_standardized_beta_uses_sample_sds(cohort):
    res = linear_regression(cohort, outcome="y", predictor="bm", covariates=["age", "male"])
    cc = cohort.dropna(subset=["age"])
    t = res.table.set_index("term")
    for col in ("bm", "age", "male"):
        expected = t.at[col, "estimate"] * cc[col].std() / cc["y"].std()
        assert t.at[col, "std_beta"] == pytest.approx(expected, rel=1e-12)
    assert res.sd_predictor == pytest.approx(cc["bm"].std(), rel=1e-12)


def test_linear_spline_equals_the_fit_of_its_design(cohort):
    res = spline_regression(
        cohort, outcome="y", predictor="bm", covariates=["age", "male"], kind="linear"
    )
    cc = cohort.dropna(subset=["age"])
    knots, _ = rcs_knots(cc["bm"], 4)
    B = rcs_basis(cc["bm"], knots)
    frame = pd.DataFrame(B, columns=["s0", "s1", "s2"]).assign(
        age=cc["age"].to_numpy(), male=cc["male"].to_numpy(), y=cc["y"].to_numpy()
    )
    ref = fit_linear(frame, outcome="y", covariates=["s0", "s1", "s2", "age", "male"])
    np.testing.assert_allclose(res.table["estimate"], ref.coef.to_numpy(), rtol=1e-10)
    np.testing.assert_allclose(res.table["se"], np.sqrt(np.diag(ref.vcov)), rtol=1e-10)
    assert res.tests["df_resid"].iloc[0] == ref.df_resid


def test_spline_basis_columns_are_the_formula():
    x = np.linspace(0, 12, 25)
    t = np.array([1.0, 4.0, 6.0, 9.0])
    tau = (t[-1] - t[0]) ** (2 / 3)

    def pos(u):
        return np.maximum(u / tau, 0) ** 3

    expected = np.column_stack(
        [x]
        + [
            pos(x - t[j])
            + ((t[2] - t[j]) * pos(x - t[3]) - (t[3] - t[j]) * pos(x - t[2])) / (t[3] - t[2])
            for j in range(2)
        ]
    )
    # The basis cubes by two products, not pow: within a few units of roundoff.
    np.testing.assert_allclose(rcs_basis(x, t), expected, rtol=1e-14, atol=1e-12)


@pytest.mark.parametrize(
    "values",
    [
        [1.0, 1.0, 1.0],
        [1.0, np.nan, 1.0],
        [np.nan, np.nan],
        [],
        [0.0, -0.0],
        [1.0, 2.0, np.nan],
        [-np.inf, np.inf],
        [3, 3, 3],
        [3, 4],
        [True, True],
        [True, False],
        ["a", "a", None],
        ["a", "b"],
    ],
)
def test_constant_rule_is_nunique_below_two(values):
    s = pd.Series(values, dtype=object if values and isinstance(values[0], str) else None)
    assert _at_most_one_value(s) == (s.nunique(dropna=True) < 2)
    for dtype in ("Int64", "boolean", "category"):
        if values and not isinstance(values[0], str) and not any(v != v for v in values):
            try:
                typed = s.astype(dtype)
            except (TypeError, ValueError, OverflowError):
                continue
            assert _at_most_one_value(typed) == (typed.nunique(dropna=True) < 2)


@pytest.mark.parametrize(
    "head, tail",
    [
        ([5.0], [5.0]),  # constant throughout
        ([5.0], [6.0]),  # a second value only after the first 1,024
        ([np.nan], [7.0]),  # missing at first, then one value
        ([np.nan], [np.nan]),
        ([0.0], [-0.0]),  # equal values
        ([1.0, 2.0], [1.0]),  # two values at once
        ([np.nan, 4.0], [4.0]),
    ],
)
def test_constant_rule_holds_beyond_the_first_values(head, tail):
    values = np.array((head * 2000)[:2000] + tail * 3000, dtype=float)
    s = pd.Series(values)
    assert _at_most_one_value(s) == (s.nunique(dropna=True) < 2)


def test_constant_message_names_value_and_role():
    d = pd.DataFrame({"x": [2.0] * 5, "y": np.arange(5.0)})
    with pytest.raises(ModelError, match=r"f: covariate 'x' is constant \(2\) .*n=5"):
        check_not_constant(d, ["y", "x"], function="f", roles={"x": "covariate"})


def test_complete_cases_keeps_index_order_and_counts_and_owns_its_frame():
    d = pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, 4.0],
            "b": ["x", "y", None, "z"],
            "flag": [True, None, False, True],
            "c": [1, 2, 3, 4],
        },
        index=[10, 11, 12, 13],
    )
    sample, excluded = complete_cases(d, ["flag", "a", "a", "b"], function="f")
    assert list(sample.columns) == ["flag", "a", "b"]
    assert list(sample.index) == [10, 13] and excluded == 2
    assert str(sample["flag"].dtype) == "boolean"
    sample.loc[10, "a"] = -1.0
    assert d.loc[10, "a"] == 1.0  # the input is untouched
    full, none = complete_cases(d, ["c"], function="f")
    assert none == 0 and list(full.index) == [10, 11, 12, 13]
