"""Supplementary: every LS-mean difference of Figures 1 and 2 with its 95% CI."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import (
    MODELS,
    association_needs,
    fit_ls_means,
    fit_quartile_trend,
    model_fits,
)
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan


class LSMeanDifferences(Step):
    name = "lsmean_differences"
    heading = "Supplementary: Differences in least-squares means with 95% CIs"
    title = "Supplementary: LS-mean differences with confidence intervals"
    reads = ("fig1", "fig2")
    cost = 0.05
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.result.StatResult"
    template = "steps/supplementary.html.j2"
    keys = ("figure", "variable", "model", "contrast")
    columns = (
        "figure",
        "variable",
        "model",
        "contrast",
        "estimate",
        "se",
        "df",
        "ci_lower",
        "ci_upper",
        "p_value",
        "adjustment",
    )

    def needs(self, plan, biomarker):
        # The models of Figures 1 and 2 (reused when those steps ran).
        return association_needs(plan, biomarker, "figure1.statuses", "outcomes.continuous")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.trend import quartiles

        plan, data, bm, covs = ctx.plan, ctx.data, ctx.biomarker, ctx.covariates
        rows = []
        for status in ctx.present(plan.figure1.statuses):
            res = ctx.analyses.get(f"fig1/{status}/adjusted")
            if res is None:
                res = fit_ls_means(
                    ctx, f"Supplementary LS-mean differences, {in_text(status)}", status
                )
                if res is None:
                    continue
                fits = model_fits(res, covs)
            else:
                fits = {m: ctx.analyses[f"fig1/{status}/{m}"] for m in MODELS}
            for model in MODELS:
                ctx.analyses[f"lsmean_differences/{status}/{model}"] = fits[model]
                for c in fits[model].contrasts.to_dict("records"):
                    # "with - without" (status 1 minus 0), the direction a reader expects.
                    sign = -1.0 if float(c["level_1"]) == 0 else 1.0
                    lo, hi = sign * float(c["ci_lower"]), sign * float(c["ci_upper"])
                    rows.append(
                        {
                            "figure": "Figure 1",
                            "variable": status,
                            "model": model,
                            "contrast": "with - without",
                            "estimate": sign * float(c["estimate"]),
                            "se": float(c["se"]),
                            "df": float(c["df"]),
                            "ci_lower": min(lo, hi),
                            "ci_upper": max(lo, hi),
                            "p_value": float(c["p_value"]),
                            "adjustment": plan.ancova.adjust,
                        }
                    )
        grouping = ctx.analyses.get("fig2/quartiles") or quartiles(
            data[bm], method=plan.trend.quartile_method
        )
        for outcome in ctx.present(plan.outcomes.continuous):
            fits = {m: ctx.analyses.get(f"fig2/{outcome}/{m}") for m in MODELS}
            if fits["adjusted"] is None:
                res = fit_quartile_trend(
                    ctx, f"Supplementary LS-mean differences, {in_text(outcome)}", outcome, grouping
                )
                if res is None:
                    continue
                fits = model_fits(res, covs)
            for model in MODELS:
                ctx.analyses[f"lsmean_differences/{outcome}/{model}"] = fits[model]
                for c in fits[model].contrasts.to_dict("records"):
                    # Higher quartile minus lower (Q4 - Q1), as Figure 2 reads.
                    rows.append(
                        {
                            "figure": "Figure 2",
                            "variable": outcome,
                            "model": model,
                            "contrast": f"Q{int(c['level_2'])} - Q{int(c['level_1'])}",
                            "estimate": -float(c["estimate"]),
                            "se": float(c["se"]),
                            "df": float(c["df"]),
                            "ci_lower": -float(c["ci_upper"]),
                            "ci_upper": -float(c["ci_lower"]),
                            "p_value": float(c["p_value"]),
                            "adjustment": plan.trend.posthoc,
                        }
                    )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = LSMeanDifferences()
