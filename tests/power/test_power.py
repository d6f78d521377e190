"""Simulated power: the null keeps alpha, batched fits equal statsmodels,
seeds reproduce, effects map to the generative model."""

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from sarcostat.cli import main
from sarcostat.exceptions import ParameterError
from sarcostat.study.power import (
    OUTCOMES,
    STATUSES,
    TESTS,
    _n_for,
    _simulate_sets,
    effect_curve,
    main_test_pvalues,
    simulate_power,
)


@pytest.fixture(scope="module")
def small_curve():
    # Cached by effect_curve; the same call as test_effect_curve_maps_or_and_beta_to_theta.
    return effect_curve(n_calibration=8000, seed=1)


@pytest.fixture(scope="module")
def sets():
    return _simulate_sets(129, 4, 0.55, np.random.default_rng(5))


def test_null_effect_keeps_alpha_within_monte_carlo_error():
    # 400 null studies: MC SE of a 0.05 rejection rate is sqrt(.05*.95/400) = 0.011.
    # 3.5 SE (0.038) bounds each of the 23 tests with probability 0.9995, so
    # all of them with > 98.9 %; their mean is within 0.02 of alpha.
    res = simulate_power(129, odds_ratio=1, sims=400, seed=11, search=False)
    t = res.table.set_index("test")
    assert res.meta["theta"] == 0.0
    assert list(t.index) == list(TESTS) and len(TESTS) == 23
    for test in TESTS:
        assert abs(t.loc[test, "power"] - 0.05) < 3.5 * math.sqrt(
            0.05 * 0.95 / t.loc[test, "valid"]
        ), test
        assert t.loc[test, "valid"] >= 390
    assert abs(t["power"].mean() - 0.05) < 0.02


def test_beta_zero_is_the_same_null():
    a = simulate_power(
        60, beta=0.0, sims=50, seed=3, search=False, tests=("ttest", "or:sarcopenia")
    )
    b = simulate_power(
        60, odds_ratio=1.0, sims=50, seed=3, search=False, tests=("ttest", "or:sarcopenia")
    )
    pd.testing.assert_frame_equal(a.table, b.table)


def test_same_seed_same_power_other_seed_differs(small_curve):
    a = simulate_power(
        80,
        sims=60,
        seed=4,
        search=False,
        tests=("ttest", "beta:smi", "or:sarcopenia"),
        curve=small_curve,
    )
    b = simulate_power(
        80,
        sims=60,
        seed=4,
        search=False,
        tests=("ttest", "beta:smi", "or:sarcopenia"),
        curve=small_curve,
    )
    c = simulate_power(
        80,
        sims=60,
        seed=5,
        search=False,
        tests=("ttest", "beta:smi", "or:sarcopenia"),
        curve=small_curve,
    )
    pd.testing.assert_frame_equal(a.table, b.table)
    assert not a.table["power"].equals(c.table["power"])


def test_calibrated_effect_has_power_and_more_n_more_power(small_curve):
    res = simulate_power(129, sims=100, seed=2, tests=("beta:smi",), curve=small_curve)
    cur = res.curve.set_index("n")["power"]
    assert cur.loc[516] > cur.loc[64]
    assert res.table.loc[0, "power"] > 0.5
    row = res.table.loc[0]
    assert 20 < row["n_80"] < 516 and not row["n_80_extrapolated"]
    assert row["n_80_lower"] <= row["n_80"] <= row["n_80_upper"]


def _frame(sets, i):
    return pd.DataFrame({k: v[i] for k, v in sets.items()})


def test_batched_fits_equal_statsmodels(sets):
    from scipy.stats import ttest_ind

    p = main_test_pvalues(sets)
    for i in range(2):
        d = _frame(sets, i)
        cov = ["age", "male", "bmi"]
        d["z"] = (d["scl"] - d["scl"].mean()) / d["scl"].std(ddof=1)
        d["q"] = np.floor(d["scl"].rank(method="first").sub(1) * 4 / len(d)) + 1
        # R: t.test(scl ~ sarcopenia, var.equal = TRUE)
        ok = d["sarcopenia"].notna()
        ref = ttest_ind(
            d.loc[ok & (d.sarcopenia == 1), "scl"], d.loc[ok & (d.sarcopenia == 0), "scl"]
        ).pvalue
        assert p.loc[i, "ttest"] == pytest.approx(ref, rel=1e-8)

        def ols(y, x):
            # R: lm(y ~ x + age + male + bmi), complete cases
            dd = d[[y, x, *cov]].dropna()
            return sm.OLS(dd[y], sm.add_constant(dd[[x, *cov]])).fit().pvalues[x]

        for status in STATUSES:
            assert p.loc[i, f"ancova:{status}"] == pytest.approx(ols("scl", status), rel=1e-8), (
                status
            )
            dd = d[[status, "z", *cov]].dropna()
            # R: glm(status ~ z + age + male + bmi, family = binomial)
            lg = sm.Logit(dd[status], sm.add_constant(dd[["z", *cov]])).fit(disp=0)
            assert p.loc[i, f"or:{status}"] == pytest.approx(lg.pvalues["z"], rel=1e-6), status
        for outcome in OUTCOMES:
            assert p.loc[i, f"beta:{outcome}"] == pytest.approx(ols(outcome, "z"), rel=1e-8), (
                outcome
            )
            assert p.loc[i, f"trend:{outcome}"] == pytest.approx(ols(outcome, "q"), rel=1e-8), (
                outcome
            )


def test_unable_chair_stands_are_left_out_per_model(sets):
    # The fixture's data sets contain 'unable' chair stands (NaN) somewhere,
    # or the complete-case code path is not exercised.
    assert np.isnan(sets["chair_stand_5x_s"]).any()
    assert np.isfinite(main_test_pvalues(sets)["beta:chair_stand_5x_s"]).all()


def test_effect_curve_maps_or_and_beta_to_theta():
    curve = effect_curve(n_calibration=8000, seed=1)
    th = curve.theta_for(odds_ratio=0.5)
    o, b = curve.effects_at(th)
    assert o == pytest.approx(0.5, rel=1e-6)
    assert 0.3 < th < 0.9
    th_b = curve.theta_for(beta=0.2)
    assert curve.effects_at(th_b)[1] == pytest.approx(0.2, rel=1e-6)
    # Stronger protective OR needs a larger theta.
    assert curve.theta_for(odds_ratio=0.3) > th
    with pytest.raises(ParameterError, match="--or"):
        curve.theta_for(odds_ratio=0.01)


def test_n_for_80_from_probit_sqrt_n():
    from scipy.stats import norm

    n = np.array([50, 100, 200, 400])
    true = ((norm.ppf(0.8) + 1.96) / 0.2) ** 2  # 196.2
    power = norm.cdf(-1.96 + 0.2 * np.sqrt(n))
    # Nearly exact powers (10^7 studies each): the GLM recovers the curve.
    n80, lo, hi = _n_for(pd.DataFrame({"n": n, "power": power, "valid": 10**7}), 0.8)
    assert n80 == math.ceil(true)
    assert lo <= math.ceil(true) <= hi and hi - lo < 3  # integer n
    # 400 studies each: the interval is wider and still covers the truth
    # (R: glm(cbind(k, 400 - k) ~ sqrt(n), family = binomial("probit"))).
    k = np.random.default_rng(1).binomial(400, power)
    n80, lo, hi = _n_for(pd.DataFrame({"n": n, "power": k / 400, "valid": 400}), 0.8)
    assert lo < true < hi and lo < n80 < hi and 10 < hi - lo < 120
    # Never reached: NaN; monotone fit cannot invent it.
    out = _n_for(pd.DataFrame({"n": n, "power": [0.05, 0.06, 0.05, 0.07], "valid": 400}), 0.8)
    assert math.isnan(out[0]) and math.isnan(out[2])
    # Jump from 0 % to 100 %: no fit, the bracket of simulated n.
    out = _n_for(pd.DataFrame({"n": n, "power": [0.0, 1.0, 1.0, 1.0], "valid": 400}), 0.8)
    assert math.isnan(out[0]) and out[1:] == (50.0, 100.0)


def test_cli_quiet_and_same_seed_same_output(tmp_path, capsys):
    args = ["power", "--n", "40", "--or", "0.5", "--sims", "20", "--seed", "9"]
    assert main(args + ["-q", "-o", str(tmp_path / "a.json")]) == 0
    first = capsys.readouterr()
    assert first.err == ""  # -q: no progress bar
    assert main(args + ["-o", str(tmp_path / "b.json")]) == 0
    second = capsys.readouterr()
    assert "simulating [" in second.err
    strip = [ln for ln in first.out.splitlines() if not ln.startswith("wrote")]
    assert strip == [ln for ln in second.out.splitlines() if not ln.startswith("wrote")]
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n": 10},
        {"n": 100, "sims": 2},
        {"n": 100, "alpha": 1.5},
        {"n": 100, "odds_ratio": 0.5, "beta": 0.2},
        {"n": 100, "odds_ratio": -1},
        {"n": 100, "tests": ("nope",)},
    ],
)
def test_bad_options(kwargs):
    with pytest.raises(ParameterError):
        simulate_power(**kwargs)


def test_cli_progress_bar_and_output(tmp_path, capsys):
    out = tmp_path / "p.csv"
    assert (
        main(["power", "--n", "60", "--or", "1", "--sims", "20", "--no-search", "-o", str(out)])
        == 0
    )
    cap = capsys.readouterr()
    assert "simulating [" in cap.err and "100.0%" in cap.err
    assert "Table 3 OR per SD, sarcopenia (adjusted)" in cap.out
    assert list(pd.read_csv(out)["test"]) == list(TESTS)
    out2 = tmp_path / "q.csv"
    assert (
        main(
            [
                "power",
                "--n",
                "60",
                "--or",
                "1",
                "--sims",
                "20",
                "--no-search",
                "-q",
                "--tests",
                "ttest,beta",
                "-o",
                str(out2),
            ]
        )
        == 0
    )
    assert list(pd.read_csv(out2)["test"]) == ["ttest"] + [f"beta:{k}" for k in OUTCOMES]
    assert main(["power", "--n", "60", "--sims", "20", "-q", "--tests", "beta:nope"]) == 2
    assert main(["power", "--n", "60", "--or", "0.5", "--beta", "0.2"]) == 2
    assert main(["power", "--n", "60", "--sims", "20", "-o", str(tmp_path / "p.txt")]) == 2
