"""Odds ratios of frailty by biomarker quartile (Q2-Q4 vs Q1), with P for trend.

For each binary outcome of ``[frailty] binary`` (``frail`` by default; any
0/1 column, e.g. ``osteosarcopenia``): logistic regression on the quartile
dummies, unadjusted and adjusted, with the P for trend of the quartile
score (or median) as one continuous term. Quartiles are formed once over
everyone with a biomarker value (as Figure 2). The OR per SD is Table 3's
(put ``frail`` in ``[outcomes] binary``).
"""

from __future__ import annotations

import math

import pandas as pd

from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import MODELS, covariate_needs, model_covariates


class FrailtyQuartiles(Step):
    name = "frailty_quartiles"
    heading = "Frailty by biomarker quartile"
    title = "Odds ratios by biomarker quartile (frailty outcomes)"
    reads = ()
    large_results = True
    section = "frailty"
    result_type = "sarcostat.stats.dose_response.QuartileOddsResult"
    keys = ("outcome", "model", "quartile")
    columns = (
        "outcome",
        "model",
        "quartile",
        "n",
        "events",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "p_value",
        "biomarker_min",
        "biomarker_max",
        "p_trend",
    )

    def needs(self, plan, biomarker):
        return (
            [Need("biomarker.column", biomarker)]
            + covariate_needs(plan)
            + [Need("frailty.binary", c, row=True) for c in plan.frailty.binary]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.dose_response import quartile_odds_ratios
        from sarcostat.stats.trend import quartiles

        plan, data, bm = ctx.plan, ctx.data, ctx.biomarker
        grouping = quartiles(data[bm], method=plan.trend.quartile_method)
        ctx.analyses["frailty_quartiles/quartiles"] = grouping
        rows = []
        for outcome in ctx.present(plan.frailty.binary):
            for model in MODELS:
                res = ctx.log.attempt(
                    f"Quartile odds ratios, {outcome} ({model})",
                    quartile_odds_ratios,
                    data,
                    outcome=outcome,
                    biomarker=bm,
                    covariates=model_covariates(model, ctx.covariates),
                    groups=grouping,
                    trend=plan.frailty.trend,
                    firth=plan.table3.firth,
                    confidence=plan.ancova.confidence,
                )
                if res is None:
                    continue
                ctx.analyses[f"frailty_quartiles/{outcome}/{model}"] = res
                for q in res.table.to_dict("records"):
                    rows.append(
                        {
                            "outcome": outcome,
                            "model": model,
                            "quartile": int(q["quartile"]),
                            "n": int(q["n"]),
                            "events": int(q["events"]),
                            "odds_ratio": float(q["odds_ratio"]),
                            "or_ci_lower": float(q["or_ci_lower"]),
                            "or_ci_upper": float(q["or_ci_upper"]),
                            "p_value": float(q["p_value"]),
                            "biomarker_min": float(q["biomarker_min"]),
                            "biomarker_max": float(q["biomarker_max"]),
                            "p_trend": float(res.p_trend)
                            if res.p_trend == res.p_trend
                            else math.nan,
                        }
                    )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = FrailtyQuartiles()
