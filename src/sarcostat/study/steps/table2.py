"""Table 2: linear regression of each continuous outcome on the biomarker (``[outcomes]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import MODELS, covariate_needs, model_covariates


class Table2(Step):
    name = "table2"
    heading = "Table 2"
    title = "Table 2 (standardized beta)"
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
        return (
            [Need("biomarker.column", biomarker)]
            + covariate_needs(plan)
            + [Need("outcomes.continuous", c, row=True) for c in plan.outcomes.continuous]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.regression import linear_regression

        rows = []
        for outcome in ctx.present(ctx.plan.outcomes.continuous):
            for model in MODELS:
                res = ctx.log.attempt(
                    f"Table 2, {in_text(outcome)} ({model})",
                    linear_regression,
                    ctx.data,
                    outcome=outcome,
                    predictor=ctx.biomarker,
                    covariates=model_covariates(model, ctx.covariates),
                    confidence=ctx.plan.ancova.confidence,
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
