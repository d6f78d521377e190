"""Supplementary: Table 2 with 95% CIs of the unstandardized B and the standardized β."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import MODELS, covariate_needs, model_covariates
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan


class Table2CI(Step):
    name = "table2_ci"
    heading = "Supplementary: Linear regression with 95% confidence intervals"
    title = "Supplementary: Table 2 with confidence intervals of B and beta"
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
                res = ctx.analyses.get(f"table2/{outcome}/{model}") or ctx.log.attempt(
                    f"Supplementary regression CIs, {in_text(outcome)} ({model})",
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
                ctx.analyses[f"table2_ci/{outcome}/{model}"] = res
                r = res.predictor_row()
                # beta = B * SD(x) / SD(y): its interval is B's scaled by the
                # same constant (R: confint(lm(scale(y) ~ scale(x) + covs))).
                scale = res.sd_predictor / res.sd_outcome
                rows.append(
                    {
                        "outcome": outcome,
                        "model": model,
                        "estimate": float(r["estimate"]),
                        "se": float(r["se"]),
                        "ci_lower": float(r["ci_lower"]),
                        "ci_upper": float(r["ci_upper"]),
                        "std_beta": float(r["std_beta"]),
                        "std_beta_ci_lower": float(r["ci_lower"]) * scale,
                        "std_beta_ci_upper": float(r["ci_upper"]) * scale,
                        "p_value": float(r["p_value"]),
                        "n": int(res.n),
                    }
                )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Table2CI()
