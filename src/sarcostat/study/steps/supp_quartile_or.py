"""Supplementary: odds ratios by biomarker quartile (Q1 reference) with P for trend."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import association_needs
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan


class QuartileOR(Step):
    name = "quartile_or"
    heading = "Supplementary: Odds ratios by biomarker quartile"
    title = "Supplementary: odds ratios by quartile, P for trend"
    reads = ("fig2",)
    cost = 1.35
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.dose_response.QuartileOddsResult"
    template = "steps/supplementary.html.j2"
    keys = ("outcome", "quartile")
    columns = (
        "outcome",
        "quartile",
        "n",
        "events",
        "biomarker_min",
        "biomarker_max",
        "biomarker_median",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "p_value",
        "p_trend",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "outcomes.binary")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.dose_response import quartile_odds_ratios
        from sarcostat.stats.trend import quartiles

        plan, data, bm = ctx.plan, ctx.data, ctx.biomarker
        # The quartiles of Figure 2: formed once over everyone with a value.
        grouping = ctx.analyses.get("fig2/quartiles") or quartiles(
            data[bm], method=plan.trend.quartile_method
        )
        # The quartile medians as the trend term when the plan says so;
        # the polynomial contrast of Figure 2 has no logistic analogue, so
        # it falls back to the quartile number.
        trend = "median" if plan.trend.trend == "median" else "score"
        rows = []
        for outcome in ctx.present(plan.outcomes.binary):
            res = ctx.log.attempt(
                f"Supplementary quartile ORs, {in_text(outcome)}",
                quartile_odds_ratios,
                data,
                outcome=outcome,
                biomarker=bm,
                covariates=list(ctx.covariates),
                groups=grouping,
                trend=trend,
                firth=plan.table3.firth,
                confidence=plan.ancova.confidence,
            )
            if res is None:
                continue
            ctx.analyses[f"quartile_or/{outcome}"] = res
            for rec in res.table.to_dict("records"):
                rows.append(
                    {
                        "outcome": outcome,
                        **{k: rec[k] for k in self.columns if k in rec and k != "outcome"},
                        "p_trend": res.p_trend,
                    }
                )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = QuartileOR()
