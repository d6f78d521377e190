"""Missing data: md.pattern, multiple imputation (impute, then derive) and
Rubin pooling against R mice (tests/study/r/ref_mice_pool.R on
tests/study/fixtures/mice_long.csv, sarcostat's own completed data sets)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import DataError, ParameterError, PlanError
from sarcostat.stats.mice import md_pattern, mice, rubin_pool
from sarcostat.study.plan import Plan

ROOT = Path(__file__).resolve().parents[2]
FIX = ROOT / "tests" / "study" / "fixtures"
EX = ROOT / "examples"
REF = json.loads((FIX / "ref_mice_pool.json").read_text())
REL = 1e-6


def close(a, b, rel=REL):
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=1e-12)


@pytest.fixture(scope="module")
def pooled():
    """The multiple_imputation step run on the fixture's completed data sets."""
    from sarcostat.study.registry import StepContext, StepLog
    from sarcostat.study.steps import get

    long = pd.read_csv(FIX / "mice_long.csv")
    plan = Plan.from_dict(
        {"study": {"steps": ["fig1", "table2", "table3"]}, "missing": {"method": "mice"}}
    )

    class Imp:
        analysis = [g.reset_index(drop=True) for k, g in long.groupby("imputation") if k > 0]
        m = 3

    ctx = StepContext(
        data=long[long["imputation"] == 0],
        plan=plan,
        biomarker="sclerostin",
        covariates=["age_yr", "sex_male", "bmi"],
        analyses={},
        log=StepLog(),
        imputation=Imp(),
    )
    return get("multiple_imputation").run(ctx).set_index(["table", "row", "model"])


KEYS = ("estimate", "se", "statistic", "df", "p_value", "ci_lower", "ci_upper")
POOL_KEYS = ("ubar", "b", "t", "dfcom", "riv", "lambda", "fmi")


@pytest.mark.parametrize("table", ["table2", "table3", "fig1"])
def test_pooling_equals_mice_pool(pooled, table):
    # R: pool(with(as.mids(long), lm/glm(...))), summary(conf.int = TRUE)
    n = 0
    for row, models in REF[table].items():
        for model, want in models.items():
            got = pooled.loc[(table, row, model)]
            for k in KEYS + POOL_KEYS:
                assert close(got[k], want[k]), (table, row, model, k, got[k], want[k])
            extra = {
                "table2": ("std_beta", "std_beta_se", "std_beta_df", "std_beta_p_value"),
                "table3": ("estimate_per_unit", "se_per_unit", "df_per_unit", "p_value_per_unit"),
                "fig1": (),
            }[table]
            for k in extra:
                assert close(got[k], want[k]), (table, row, model, k)
            n += 1
    assert n == {"table2": 14, "table3": 8, "fig1": 8}[table]


def test_logistic_complete_data_df_is_residual_df(pooled):
    # mice::pool takes glm's df.residual (n - p) for logistic models too.
    got = pooled.loc[("table3", "sarcopenia", "adjusted")]
    assert got["dfcom"] == got["n"] - 5 == REF["table3"]["sarcopenia"]["adjusted"]["dfcom"]


def test_md_pattern_equals_mice_md_pattern():
    long = pd.read_csv(FIX / "mice_long.csv")
    orig = long[long["imputation"] == 0]
    want = REF["md_pattern"]
    cols = ["sclerostin", "age_yr", "sex", "bmi", "asm_kg", "smi", "grip_kg"]
    cols += ["gait_speed_m_s", "chair_stand_5x_s", "sppb_total", "sps"]
    cols += ["sarcopenia", "low_muscle_mass", "low_strength", "low_performance"]
    got = md_pattern(orig[cols])
    vars_ = [c for c in got.columns if c not in ("count", "n_missing")]
    assert vars_ == want["columns"]
    assert got["count"].tolist() == want["counts"]
    assert got["n_missing"].tolist() == want["n_missing"]
    assert got[vars_].to_numpy().tolist() == want["patterns"]
    assert [int(((1 - got[v]) * got["count"]).sum()) for v in vars_] == want["totals"]


def test_rubin_pool_by_hand():
    # m = 3: qbar 1.0333, ubar 0.09750, b 0.02333, t = ubar + 4/3 b
    p = rubin_pool([1.0, 1.2, 0.9], [0.3, 0.3, 0.35], dfcom=50)
    assert p.estimate == pytest.approx(31 / 30)
    assert p.ubar == pytest.approx((0.09 + 0.09 + 0.1225) / 3)
    assert p.b == pytest.approx(np.var([1.0, 1.2, 0.9], ddof=1))
    assert p.t == pytest.approx(p.ubar + 4 / 3 * p.b)
    lam = 4 / 3 * p.b / p.t
    dfold = 2 / lam**2
    dfobs = 51 / 53 * 50 * (1 - lam)
    assert p.df == pytest.approx(dfold * dfobs / (dfold + dfobs))
    with pytest.raises(ParameterError):
        rubin_pool([1.0], [0.1], dfcom=10)


def _toy(n=80, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    z = (rng.uniform(size=n) < 1 / (1 + np.exp(-x))).astype(float)
    y = 1 + 0.5 * x + 0.3 * z + rng.normal(size=n)
    d = pd.DataFrame({"x": x, "z": z, "y": y})
    d.loc[rng.uniform(size=n) < 0.2, "x"] = np.nan
    d.loc[rng.uniform(size=n) < 0.15, "z"] = np.nan
    return d


def test_same_seed_same_imputations():
    d = _toy()
    a = mice(d, binary=["z"], m=3, iterations=3, seed=42)
    b = mice(d, binary=["z"], m=3, iterations=3, seed=42)
    c = mice(d, binary=["z"], m=3, iterations=3, seed=43)
    for u, v in zip(a.completed, b.completed):
        pd.testing.assert_frame_equal(u, v)
    assert not all(u.equals(v) for u, v in zip(a.completed, c.completed))
    pd.testing.assert_frame_equal(a.chains, b.chains)


def test_pmm_imputes_observed_values_and_logistic_imputes_0_1():
    d = _toy()
    res = mice(d, binary=["z"], m=2, iterations=2, seed=1)
    assert res.methods == {"x": "pmm", "z": "logreg", "y": ""}
    observed = set(d["x"].dropna())
    for done in res.completed:
        assert done.notna().all().all()
        assert set(done.loc[res.where["x"], "x"]) <= observed  # PMM: donors' values only
        assert set(done["z"]) <= {0.0, 1.0}
        # observed cells are never changed
        pd.testing.assert_frame_equal(done[~res.where["x"]][["x"]], d[~res.where["x"]][["x"]])
    assert len(res.chains) == 2 * 2 * 2  # variables x imputations x iterations


def test_cells_kept_missing_stay_missing():
    d = _toy()
    keep = {"x": np.zeros(len(d), bool)}
    gap = int(np.flatnonzero(d["x"].isna())[0])
    keep["x"][gap] = True  # 'unable to perform': a value, not a gap
    res = mice(d, binary=["z"], m=2, iterations=1, seed=1, keep_missing=keep)
    assert all(np.isnan(c["x"].iloc[gap]) for c in res.completed)
    assert not res.where["x"].iloc[gap]


def test_mice_refuses_a_column_without_values():
    d = _toy()
    d["x"] = np.nan
    with pytest.raises(DataError, match="'x' has 0 observed"):
        mice(d, m=2, iterations=1)
    with pytest.raises(ParameterError):
        mice(_toy(), m=1)


def test_missing_plan_section_is_validated():
    assert Plan().missing.method == "complete_case"
    p = Plan.from_dict({"missing": {"method": "mice", "imputations": 5, "seed": 7}})
    assert (p.missing.imputations, p.missing.iterations, p.missing.seed) == (5, 10, 7)
    with pytest.raises(PlanError, match="imputations must be a whole number of at least 2"):
        Plan.from_dict({"missing": {"imputations": 1}})
    with pytest.raises(PlanError, match="allowed values: complete_case, mice"):
        Plan.from_dict({"missing": {"method": "em"}})
    with pytest.raises(PlanError, match="seed"):
        Plan.from_dict({"missing": {"seed": "x"}})


SMALL = {
    "study": {"steps": ["table2", "table3"]},
    "outcomes": {"continuous": ["smi", "chair_stand_5x_s"], "binary": ["sarcopenia"]},
    "missing": {"method": "mice", "imputations": 2, "iterations": 2, "seed": 9},
}


@pytest.fixture(scope="module")
def small_runs():
    from sarcostat import analyze

    cc_plan = {**SMALL, "missing": {"method": "complete_case"}}
    args = (EX / "missing_cohort.csv",)
    kw = {"mapping": EX / "missing_map.toml"}
    return analyze(*args, SMALL, **kw), analyze(*args, cc_plan, **kw)


def test_complete_case_numbers_unchanged_by_mice(small_runs):
    mi, cc = small_runs
    for name in ("table2", "table3"):
        pd.testing.assert_frame_equal(mi.frames[name], cc.frames[name])
    assert "multiple_imputation" not in cc.frames and cc.imputations is None
    assert set(mi.frames) == {
        "table2",
        "table3",
        "missing_data",
        "missing_patterns",
        "multiple_imputation",
        "imputation_diagnostics",
    }


def test_impute_then_derive(small_runs):
    mi, _ = small_runs
    long = mi.imputations
    n = 129
    assert len(long) == 3 * n and list(long.columns[:2]) == ["imputation", "id"]
    assert sorted(long["imputation"].unique()) == [0, 1, 2]
    orig = long[long["imputation"] == 0].set_index("id")
    for k in (1, 2):
        d = long[long["imputation"] == k].set_index("id")
        assert d.index.equals(orig.index)  # every participant read, once per imputation
        # derived after imputation from the imputed raw components
        assert np.allclose(d["bmi"], d["weight_kg"] / (d["height_cm"] / 100) ** 2)
        assert np.allclose(d["smi"], d["asm_kg"] / (d["height_cm"] / 100) ** 2)
        assert d["sclerostin"].notna().all() and d["grip_kg"].notna().all()
        assert d["sarcopenia"].notna().all() and set(d["sarcopenia"]) <= {0.0, 1.0}
        # 'unable to perform' stays a value: not imputed, scored 0 in the SPPB chair item
        unable = d["chair_stand_unable"] == 1
        assert unable.sum() == 1 and d.loc[unable, "chair_stand_5x_s"].isna().all()
        assert d.loc[~unable, "chair_stand_5x_s"].notna().all()
        # observed values are kept
        seen = orig["weight_kg"].notna()
        assert (d.loc[seen, "weight_kg"] == orig.loc[seen, "weight_kg"]).all()
    # a below-LOD value keeps the plan's substitution (LOD/sqrt 2), never imputed
    lod = orig["sclerostin_lod"].notna()
    if lod.any():
        assert np.allclose(orig.loc[lod, "sclerostin"], 3.2 / math.sqrt(2))


def test_report_of_mice(small_runs, tmp_path):
    mi, _ = small_runs
    pooled = mi.frames["multiple_imputation"].set_index(["table", "row", "model"])
    row = pooled.loc[("table2", "smi", "adjusted")]
    assert row["m"] == 2 and 0 <= row["fmi"] <= 1 and row["n"] == 129
    assert row["cc_n"] < 129 and math.isfinite(row["cc_estimate"])
    assert any(
        w.startswith("Missing data: complete-case analysis drops up to") for w in mi.warnings
    )
    # the command line on the example cohort with gaps and a [missing] plan
    from sarcostat.cli import main
    from sarcostat.study.plan import Plan as P

    plan_file = tmp_path / "mice_plan.toml"
    plan_file.write_text(P.from_dict(SMALL).to_toml() + "\n", encoding="utf-8")
    out = tmp_path / "report"
    argv = ["analyze", str(EX / "missing_cohort.csv"), "--map", str(EX / "missing_map.toml")]
    assert main([*argv, "--plan", str(plan_file), "-o", str(out), "-q"]) == 0
    data = json.loads((out / "results.json").read_text())
    assert data["multiple_imputation"]["table3"]["sarcopenia"]["adjusted"]["m"] == 2
    assert (out / "imputations.csv").is_file()
    html = (out / "report.html").read_text()
    assert "imputations.csv" in html and "participant-level data" in html
    assert "Barnard-Rubin" in data["methods"] and "impute, then derive" in data["methods"]
    back = pd.read_csv(out / "imputations.csv")
    # the same seed gives the same imputations (API and command line)
    pd.testing.assert_frame_equal(back, mi.imputations, check_dtype=False)
    assert data["multiple_imputation"]["table2"]["smi"]["adjusted"]["estimate"] == pytest.approx(
        row["estimate"], rel=1e-12
    )


def test_missing_data_step_in_a_complete_case_plan():
    from sarcostat import analyze

    plan = {"study": {"steps": ["missing_data", "missing_patterns"]}}
    res = analyze(EX / "missing_cohort.csv", plan, mapping=EX / "missing_map.toml")
    md = res.frames["missing_data"].set_index("variable")
    assert md.loc["sclerostin", "n_missing"] == 7
    assert md.loc["age_yr", "n_missing"] == 0
    pat = res.frames["missing_patterns"]
    assert pat["count"].sum() == 129 and pat["n_missing"].iloc[0] == 0
    assert any("consider [missing] method" in w for w in res.warnings)


@pytest.mark.rcheck
def test_repool_script_finds_every_pooled_number(small_runs, tmp_path):
    # docs/r/repool_mice.R: as.mids(imputations.csv) + with(lm/glm) + pool vs results.json
    import shutil
    import subprocess

    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    out = small_runs[0].write(tmp_path / "report")
    proc = subprocess.run(
        ["Rscript", str(ROOT / "docs" / "r" / "repool_mice.R"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if "there is no package called" in proc.stderr:
        pytest.skip("R package mice missing")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "largest relative difference from mice::pool" in proc.stdout


@pytest.mark.slow
def test_coverage_of_pooled_intervals():
    """Data missing at random (x more often missing when y is high), known
    truth b = 0.5: over 200 data sets the pooled 95% CIs cover b at a rate
    consistent with 95% (binomial 99.9% band around 0.95 for 200: 0.89-0.99)."""
    from sarcostat.stats.fitting import least_squares

    rng = np.random.default_rng(2024)
    hits, reps = 0, 200
    for _ in range(reps):
        n = 150
        z = rng.normal(size=n)
        x = 0.6 * z + 0.8 * rng.normal(size=n)
        y = 1 + 0.5 * x + 0.4 * z + rng.normal(size=n)
        miss = rng.uniform(size=n) < 1 / (1 + np.exp(-(y - 1.5)))  # MAR given y
        d = pd.DataFrame({"x": np.where(miss, np.nan, x), "z": z, "y": y})
        res = mice(d, m=10, iterations=5, seed=int(rng.integers(1 << 30)))
        est, se = [], []
        for c in res.completed:
            X = np.column_stack([np.ones(n), c["x"], c["z"]])
            fit = least_squares(X, c["y"].to_numpy())
            s2 = fit.rss / fit.df_resid
            est.append(fit.coef[1])
            se.append(math.sqrt(s2 * fit.xtx_inv[1, 1]))
        p = rubin_pool(est, se, dfcom=n - 3)
        hits += p.ci_lower <= 0.5 <= p.ci_upper
    assert 0.89 <= hits / reps <= 0.99, hits / reps
