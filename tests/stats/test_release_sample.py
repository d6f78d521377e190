"""A fit that keeps its analysis sample only as what rebuilds it
(`LinearFit.release_sample`, `release_samples`) gives the same sample, grid
and LS means as one that keeps a copy, and a study run releases its fits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sarcostat.results import values_equal
from sarcostat.stats.ancova import (
    fit_linear,
    ls_means,
    marginal_means,
    reference_grid,
    release_samples,
)


def _data(n: int = 300, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = pd.DataFrame(
        {
            "y": rng.normal(50, 10, n),
            "group": rng.choice(["A", "B", "C"], n),
            "age": rng.integers(60, 90, n),  # int: the fit makes it float (its own values)
            "sex": rng.choice(["female", "male"], n),  # text: coded 0/1 by the fit
            "bmi": rng.normal(24, 3, n),
        },
        index=pd.Index([f"P{k:04d}" for k in range(n)], name="id"),
    )
    d.loc[d.index[::7], "y"] = np.nan
    d.loc[d.index[::11], "bmi"] = np.nan
    d.loc[d.index[::13], "sex"] = None
    return d


@pytest.mark.parametrize("missing", [True, False])
def test_a_released_fit_rebuilds_the_same_sample_and_means(missing):
    d = _data()
    if not missing:
        d = d.dropna()
    kept = fit_linear(d, outcome="y", factors="group", covariates=["age", "sex", "bmi"])
    released = fit_linear(d, outcome="y", factors="group", covariates=["age", "sex", "bmi"])
    copy = released.data
    released.release_sample()
    assert released._data is None
    rebuilt = released.data
    assert rebuilt is not copy
    pd.testing.assert_frame_equal(rebuilt, copy)
    assert released.sample_index.equals(copy.index)
    assert list(rebuilt.dtypes) == list(copy.dtypes)
    # the numbers that need the sample after the fit: the grid's counts and
    # covariate values, and the LS means over it
    a = marginal_means(reference_grid(kept, cov_reduce="median"), "group")
    b = marginal_means(reference_grid(released, cov_reduce="median"), "group")
    pd.testing.assert_frame_equal(a.table, b.table)
    other = fit_linear(d, outcome="y", factors="group", covariates=["age", "sex", "bmi"])
    other.release_sample()
    assert values_equal(released, other)


def test_the_released_sample_keeps_the_values_of_fitting_time():
    d = _data()
    fit = fit_linear(d, outcome="y", factors="group", covariates=["age", "bmi"])
    before = fit.data.copy()
    fit.release_sample()
    d.loc[d.index[0], "bmi"] = 99.0  # the caller changes its frame afterwards
    d["age"] = 0
    pd.testing.assert_frame_equal(fit.data, before)


def test_release_samples_reaches_nested_results():
    res = ls_means(_data(), outcome="y", group="group", covariates=["age", "bmi"])
    fits = [res.fit, res.unadjusted.fit if res.unadjusted is not None else res.fit]
    tables = [f.data.copy() for f in fits]
    assert release_samples({"x": [res]}) == {"x": [res]}
    for f, t in zip(fits, tables, strict=True):
        assert f._data is None
        pd.testing.assert_frame_equal(f.data, t)


def test_a_study_run_keeps_its_linear_fits_released():
    from pathlib import Path

    from sarcostat import analyze
    from sarcostat.stats.ancova import LinearFit

    examples = Path(__file__).resolve().parents[2] / "examples"
    plan = {"study": {"steps": ["fig1", "fig2"]}}
    res = analyze(
        examples / "missing_cohort.csv", plan, mapping=examples / "missing_map.toml", threads=1
    )
    fits = []
    for r in res.analyses.values():
        fits += [f for f in (getattr(r, "fit", None),) if isinstance(f, LinearFit)]
        u = getattr(r, "unadjusted", None)
        fits += [f for f in (getattr(u, "fit", None),) if isinstance(f, LinearFit)]
    assert len(fits) >= 8
    assert any(f.n_excluded for f in fits)  # samples that were copies of their rows
    for f in fits:
        assert f._data is None
        assert len(f.data) == f.n and f.data.index.equals(f.sample_index)
        assert not f.data[list(f.data.columns)].isna().any().any()


def test_a_stats_call_finishing_while_another_thread_imports_ancova(monkeypatch):
    # Two step threads: one is still importing sarcostat.stats.ancova (in
    # sys.modules, release_samples not yet defined) when the other's call
    # returns; that call must not fail (an AttributeError, once in CI).
    import sys
    import types

    from sarcostat.study.registry import StepLog

    half = types.ModuleType("sarcostat.stats.ancova")
    monkeypatch.setitem(sys.modules, "sarcostat.stats.ancova", half)
    assert StepLog.capture(lambda: 42) == (42, [])
