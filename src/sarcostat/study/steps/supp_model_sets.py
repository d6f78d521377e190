"""Supplementary: Tables 2 and 3 under several adjustment sets, side by side."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import (
    fit_linear,
    fit_or_per_sd,
    linear_ci_row,
    odds_ratio_row,
)
from sarcostat.study.steps._supp import (
    SECTION,
    SECTION_COMMENT,
    SupplementaryPlan,
    model_columns,
    parse_model,
)


def model_label(k: int) -> str:
    return f"Model {k + 1}"


class ModelSets(Step):
    name = "model_sets"
    heading = "Supplementary: Associations under three adjustment sets"
    title = "Supplementary: Tables 2 and 3 under Models 1-3"
    reads = ()
    shared_fits = ("linear_regression", "or_per_sd")
    cost = 0.65
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.result.StatResult"
    template = "steps/supplementary.html.j2"
    keys = ("table", "outcome", "model")
    columns = (
        "table",
        "outcome",
        "model",
        "covariates",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "std_beta",
        "std_beta_ci_lower",
        "std_beta_ci_upper",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "p_value",
        "n",
        "events",
    )

    def needs(self, plan, biomarker):
        return (
            [Need("biomarker.column", biomarker)]
            + [Need("supplementary.models", c) for c in model_columns(plan)]
            + [Need("outcomes.continuous", c, row=True) for c in plan.outcomes.continuous]
            + [Need("outcomes.binary", c, row=True) for c in plan.outcomes.binary]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        plan = ctx.plan
        sets = [parse_model(s, ctx.covariates) for s in plan.supplementary.models]
        rows = []
        for outcome in ctx.present(plan.outcomes.continuous):
            for k, covs in enumerate(sets):
                res = fit_linear(
                    ctx,
                    f"Supplementary adjustment sets, {in_text(outcome)} ({model_label(k)})",
                    outcome,
                    covs,
                )
                base = {
                    "table": "Table 2",
                    "outcome": outcome,
                    "model": model_label(k),
                    "covariates": ", ".join(covs) or "none",
                }
                if res is None:
                    rows.append({**base, "n": 0})
                    continue
                ctx.analyses[f"model_sets/{outcome}/{model_label(k)}"] = res
                rows.append({**base, **linear_ci_row(res)})
        for outcome in ctx.present(plan.outcomes.binary):
            for k, covs in enumerate(sets):
                res = fit_or_per_sd(
                    ctx,
                    f"Supplementary adjustment sets, {in_text(outcome)} ({model_label(k)})",
                    outcome,
                    covs,
                )
                base = {
                    "table": "Table 3",
                    "outcome": outcome,
                    "model": model_label(k),
                    "covariates": ", ".join(covs) or "none",
                }
                if res is None:
                    rows.append({**base, "n": 0, "events": 0})
                    continue
                ctx.analyses[f"model_sets/{outcome}/{model_label(k)}"] = res
                rows.append({**base, **odds_ratio_row(res)})
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = ModelSets()
