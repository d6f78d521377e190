"""Supplementary: Table 2 with 95% CIs of the unstandardized B and the standardized β."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import (
    MODELS,
    association_needs,
    fit_linear,
    linear_ci_row,
    model_covariates,
)
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan


class Table2CI(Step):
    name = "table2_ci"
    heading = "Supplementary: Linear regression with 95% confidence intervals"
    title = "Supplementary: Table 2 with confidence intervals of B and beta"
    reads = ("table2",)
    shared_fits = ("linear_regression",)
    cost = 0.05
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.regression.RegressionResult"
    template = "steps/supplementary.html.j2"
    keys = ("outcome", "model")
    columns = (
        "outcome",
        "model",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "std_beta",
        "std_beta_ci_lower",
        "std_beta_ci_upper",
        "p_value",
        "n",
    )

    def needs(self, plan, biomarker):
        # Table 2's models again (reused when Table 2 ran), with CIs of B and beta.
        return association_needs(plan, biomarker, "outcomes.continuous")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        rows = []
        for outcome in ctx.present(ctx.plan.outcomes.continuous):
            for model in MODELS:
                res = ctx.analyses.get(f"table2/{outcome}/{model}") or fit_linear(
                    ctx,
                    f"Supplementary regression CIs, {in_text(outcome)} ({model})",
                    outcome,
                    model_covariates(model, ctx.covariates),
                )
                if res is None:
                    rows.append({"outcome": outcome, "model": model, "n": 0})
                    continue
                ctx.analyses[f"table2_ci/{outcome}/{model}"] = res
                rows.append({"outcome": outcome, "model": model, **linear_ci_row(res)})
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Table2CI()
