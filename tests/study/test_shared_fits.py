"""A model several steps ask for is fitted once per ``analyze`` run
(`StepContext.fit`), with the same numbers and the same notes as when each
step fits its own."""

from __future__ import annotations

import collections
import warnings

import pandas as pd
import pytest

import sarcostat
import sarcostat.stats.logistic as logistic
import sarcostat.stats.regression as regression
from sarcostat.datasets import demo_cohort_path
from sarcostat.exceptions import ModelError, SarcostatWarning
from sarcostat.study.plan import Plan
from sarcostat.study.registry import StepContext, StepLog

# The steps that share models (Tables 2 and 3, their CIs, the adjustment sets).
STEPS = ["table2", "table3", "table2_ci", "model_sets"]


def _analyze():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sarcostat.analyze(demo_cohort_path(), {"study": {"steps": STEPS}})


def _counting(monkeypatch, module, name):
    calls: collections.Counter = collections.Counter()
    real = getattr(module, name)

    def counted(data, **kw):
        if set(kw) <= {"outcome", "predictor", "covariates", "firth", "confidence"}:
            if kw["predictor"] == "sclerostin":
                calls[(kw["outcome"], tuple(kw.get("covariates") or ()))] += 1
        return real(data, **kw)

    counted.__name__ = real.__name__
    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.fixture(scope="module")
def runs():
    """The report with shared fits (counting the fits of each model), and
    with every step fitting its own models (the path before the sharing)."""
    with pytest.MonkeyPatch.context() as mp:
        ors = _counting(mp, logistic, "or_per_sd")
        linear = _counting(mp, regression, "linear_regression")
        shared = _analyze()
    with pytest.MonkeyPatch.context() as mp:

        def unshared(self, where, fn, **options):
            return self.log.attempt(where, fn, self.data, **options)

        mp.setattr(StepContext, "fit", unshared)
        own = _analyze()
    return shared, own, ors, linear


def test_each_model_is_fitted_once_per_run(runs):
    res, _, ors, linear = runs
    covs = tuple(res.meta["covariates_model"])
    # Table 3's models are Models 1 and 3 of the adjustment sets; Table 2's too.
    assert ors[("sarcopenia", covs)] == 1 and ors[("sarcopenia", ())] == 1
    assert linear[("grip_kg", covs)] == 1 and linear[("grip_kg", ())] == 1
    assert set(ors.values()) == {1} and set(linear.values()) == {1}
    a = res.analyses
    assert a["model_sets/sarcopenia/Model 3"] is a["table3/sarcopenia/adjusted"]
    assert a["model_sets/sarcopenia/Model 1"] is a["table3/sarcopenia/unadjusted"]
    assert a["model_sets/grip_kg/Model 3"] is a["table2/grip_kg/adjusted"]


def test_shared_fits_give_the_same_report_as_fitting_each(runs):
    shared, own, _, _ = runs
    assert list(shared.frames) == list(own.frames)
    for name in own.frames:
        pd.testing.assert_frame_equal(shared.frames[name], own.frames[name], check_exact=True)
    assert shared.warnings == own.warnings


def _ctx():
    data = pd.DataFrame({"y": [1.0, 2.0, 3.0]})
    return StepContext(
        data=data, plan=Plan(), biomarker="x", covariates=[], analyses={}, log=StepLog()
    )


def test_a_shared_fit_logs_its_warnings_under_each_step():
    calls = []

    def model(data, *, outcome, covariates):
        calls.append(outcome)
        warnings.warn("model: few events", SarcostatWarning, stacklevel=2)
        return len(data)

    ctx = _ctx()
    assert ctx.fit("Table 3, y", model, outcome="y", covariates=["a"]) == 3
    assert ctx.fit("Model sets, y", model, outcome="y", covariates=["a"]) == 3
    assert ctx.fit("Other, y", model, outcome="y", covariates=["b"]) == 3
    assert calls == ["y", "y"]  # the third differs in its covariates
    assert ctx.log.items == [
        "Table 3, y: few events",
        "Model sets, y: few events",
        "Other, y: few events",
    ]


def test_a_model_not_estimable_is_noted_under_each_step_and_not_refitted():
    calls = []

    def model(data, *, outcome):
        calls.append(outcome)
        raise ModelError("no events")

    ctx = _ctx()
    assert ctx.fit("Table 3, y", model, outcome="y") is None
    assert ctx.fit("Model sets, y", model, outcome="y") is None
    assert calls == ["y"]
    assert ctx.log.items == [
        "Table 3, y: not estimable: no events",
        "Model sets, y: not estimable: no events",
    ]


def test_options_that_cannot_be_compared_are_fitted_each_time():
    calls = []

    def model(data, *, groups):
        calls.append(1)
        return 0

    ctx = _ctx()
    ctx.fit("a", model, groups=object())
    ctx.fit("b", model, groups=object())
    # True and 1 are different options.
    ctx.fit("c", model, groups=True)
    ctx.fit("d", model, groups=1)
    assert len(calls) == 4


def test_the_plans_own_definition_shares_table3s_model():
    """The definitions step's row for the plan's own definition is Table 3's
    adjusted model (the same object), with the values of the model it fitted
    before: the same statuses as an outcome column of its own."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sarcostat.analyze(demo_cohort_path(), {"study": {"steps": ["table3", "definitions"]}})
    own = res.meta.get("definition") or Plan().assessment.definition
    a = res.analyses
    shared = a[f"definitions/{own}"]
    assert shared is a["table3/sarcopenia/adjusted"]
    # Every other definition classifies differently here: fitted on its own.
    others = [k for k in a if k.startswith("definitions/") and k != f"definitions/{own}"]
    assert others and all(a[k] is not shared for k in others)
    data = res.data
    frame = data[["id", "sclerostin", *res.meta["covariates_model"]]].assign(
        _own=data["sarcopenia"].astype("Float64").astype(float).to_numpy()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fresh = logistic.or_per_sd(
            frame,
            outcome="_own",
            predictor="sclerostin",
            covariates=list(res.meta["covariates_model"]),
            confidence=0.95,
        )
    for field in ("odds_ratio", "or_ci_lower", "or_ci_upper", "p_value", "coef", "se"):
        assert getattr(shared, field) == getattr(fresh, field)
    assert (shared.n, shared.events) == (fresh.n, fresh.events)
    row = res.frames["definitions"].set_index("definition").loc[own]
    assert row["odds_ratio"] == shared.odds_ratio and row["n_model"] == shared.n
