"""Table 2: linear regression of each continuous outcome on the biomarker (``[outcomes]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import (
    MODELS,
    association_needs,
    fit_linear,
    model_covariates,
)


class Table2(Step):
    name = "table2"
    heading = "Table 2"
    title = "Table 2 (standardized beta)"
    reads = ()
    shared_fits = ("linear_regression",)
    cost = 0.55
    section = "outcomes"
    result_type = "sarcostat.stats.regression.RegressionResult"
    template = "steps/table2.html.j2"
    keys = ("outcome", "model")
    columns = (
        "outcome",
        "model",
        "estimate",
        "se",
        "std_beta",
        "statistic",
        "df",
        "p_value",
        "ci_lower",
        "ci_upper",
        "n",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "outcomes.continuous")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        rows = []
        for outcome in ctx.present(ctx.plan.outcomes.continuous):
            for model in MODELS:
                res = fit_linear(
                    ctx,
                    f"Table 2, {in_text(outcome)} ({model})",
                    outcome,
                    model_covariates(model, ctx.covariates),
                )
                if res is None:
                    rows.append({"outcome": outcome, "model": model, "n": 0})
                    continue
                ctx.analyses[f"table2/{outcome}/{model}"] = res
                r = res.predictor_row()
                rows.append(
                    {
                        "outcome": outcome,
                        "model": model,
                        "estimate": float(r["estimate"]),
                        "se": float(r["se"]),
                        "std_beta": float(r["std_beta"]),
                        "statistic": float(r["statistic"]),
                        "df": float(r["df"]),
                        "p_value": float(r["p_value"]),
                        "ci_lower": float(r["ci_lower"]),
                        "ci_upper": float(r["ci_upper"]),
                        "n": int(res.n),
                    }
                )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Table2()
