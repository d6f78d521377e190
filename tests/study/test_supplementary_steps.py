"""Boundary behaviour of the supplementary plan steps (no crash, a note):
a stratum without events, a perfectly separating biomarker, fewer than 4
distinct biomarker values for the spline; the plan switches and edits them."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import sarcostat
from sarcostat.datasets import demo_cohort_path
from sarcostat.exceptions import PlanError
from sarcostat.study.plan import SEED_STEPS, SUPPLEMENTARY_STEPS, Plan, load_seed_plan
from sarcostat.study.registry import StepContext, StepLog
from sarcostat.study.steps import get


@pytest.fixture(scope="module")
def demo():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sarcostat.analyze(demo_cohort_path())


def _ctx(data, plan=None):
    return StepContext(
        data=data,
        plan=plan or Plan(),
        biomarker="sclerostin",
        covariates=["age_yr", "sex_male", "bmi"],
        analyses={},
        log=StepLog(),
    )


def test_default_plan_adds_the_supplementary_part_and_seed_plan_does_not():
    assert Plan().study.steps == SEED_STEPS + SUPPLEMENTARY_STEPS
    assert load_seed_plan().study.steps == SEED_STEPS


def test_a_stratum_without_events_gives_a_note_not_a_crash(demo):
    data = demo.data.copy()
    data.loc[data["sex_male"] == 1, "sarcopenia"] = 0.0
    ctx = _ctx(data)
    frame = get("sex_interaction").run(ctx)
    men = frame[(frame["outcome"] == "sarcopenia") & (frame["stratum"] == "male")].iloc[0]
    assert np.isnan(men["odds_ratio"]) and men["n"] == 0
    women = frame[(frame["outcome"] == "sarcopenia") & (frame["stratum"] == "female")].iloc[0]
    assert np.isfinite(women["odds_ratio"])
    assert any("sarcopenia (male): not estimable" in w for w in ctx.log.items)


def test_a_perfectly_separating_biomarker_in_roc(demo):
    data = demo.data.copy()
    data["sclerostin"] = np.where(data["sarcopenia"] == 1, 10.0, 60.0) + np.arange(len(data)) / 100
    frame = get("roc").run(_ctx(data))
    row = frame[(frame["outcome"] == "sarcopenia") & (frame["stratum"] == "all")].iloc[0]
    assert row["auc"] == 1.0 and row["auc_ci_lower"] == 1.0 and row["direction"] == ">"
    assert row["sensitivity"] == 1.0 and row["specificity"] == 1.0


def test_fewer_than_four_distinct_values_for_the_spline_is_a_note(demo):
    data = demo.data.copy()
    data["sclerostin"] = np.resize([20.0, 40.0, 60.0], len(data))
    ctx = _ctx(data)
    frame = get("spline").run(ctx)
    assert frame["p_overall"].isna().all()
    assert frame["note"].str.contains("distinct").all()
    assert any("Supplementary spline" in w and "not estimated" in w for w in ctx.log.items)


def test_steps_can_be_switched_off_and_models_edited(demo):
    plan = Plan().replace(
        study={"steps": [*SEED_STEPS, "model_sets"]},
        supplementary={"models": ["unadjusted", "age_yr"]},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = sarcostat.analyze(demo_cohort_path(), plan)
    assert list(res.frames) == [*SEED_STEPS, "model_sets"]
    models = res.frames["model_sets"]
    assert set(models["model"]) == {"Model 1", "Model 2"}
    assert set(models["covariates"]) == {"none", "age_yr"}
    # the seed's parts are the same numbers as in the default plan
    for name in SEED_STEPS:
        a, b = res.frames[name], demo.frames[name]
        assert a.equals(b), name


def test_bad_supplementary_options_are_plan_errors():
    with pytest.raises(PlanError, match="median_iqr"):
        Plan().replace(supplementary={"median_iqr": "sometimes"})
    with pytest.raises(PlanError, match="ewgsop2_performance"):
        Plan().replace(supplementary={"ewgsop2_performance": ["walk_400m"]})


def test_ewgsop2_tests_named_in_the_plan_are_used(demo):
    plan = Plan().replace(supplementary={"ewgsop2_performance": ["gait_speed_m_s"]})
    frame = get("definitions").run(_ctx(demo.data, plan))
    row = frame[frame["definition"] == "ewgsop2"].iloc[0]
    assert "low_performance: gait_speed_m_s" in row["tests_used"]
    assert "sppb_total" not in row["tests_used"]


def test_the_seed_plan_still_cites_the_founding_study(demo):
    # reproduce runs the seed plan (no supplementary steps): same Methods citation
    import dataclasses

    seed = dataclasses.replace(demo, plan=load_seed_plan())
    assert "founding study (Ahn SH" in seed.methods_text()
    assert "founding study (Ahn SH" in demo.methods_text()


def test_awgs2019_tests_used_are_stated(demo):
    frame = get("definitions").run(_ctx(demo.data, Plan()))
    row = frame[frame["definition"] == "awgs2019"].iloc[0]
    assert row["tests_used"] == (
        "low_performance: gait_speed_m_s, chair_stand_5x_s, sppb_total; "
        "possible sarcopenia: grip_kg, chair_stand_5x_s"
    )
    # a cohort without chair stand or SPPB: gait speed alone
    gone = [c for c in demo.data.columns if c.startswith(("chair_stand", "sppb"))]
    data = demo.data.drop(columns=gone)
    frame = get("definitions").run(_ctx(data, Plan()))
    row = frame[frame["definition"] == "awgs2019"].iloc[0]
    assert row["tests_used"] == "low_performance: gait_speed_m_s; possible sarcopenia: grip_kg"
    assert "chair_stand" not in row["lacking_inputs"]
