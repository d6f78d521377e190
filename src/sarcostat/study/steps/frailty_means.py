"""Biomarker LS means by three-level frailty status, with P for trend (``[frailty]``).

Robust / pre-frail / frail by ``[frailty] definition``; LS means as Figure 1
(ANCOVA, covariates at their means, SPSS EMMEANS), unadjusted and adjusted,
the overall Type III F test, and the P for trend across the three levels:
the status coded 0/1/2 as one continuous term in the same regression.
"""

from __future__ import annotations

import math

import pandas as pd

from sarcostat.study.frailty import LEVELS, FrailtyPlan
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import (
    MODELS,
    covariate_needs,
    fit_ls_means,
    model_covariates,
    model_fits,
)


class FrailtyMeans(Step):
    name = "frailty_means"
    heading = "Biomarker by frailty status"
    title = "Biomarker LS means by frailty status (P for trend)"
    reads = ()
    large_results = True
    section = "frailty"
    options = FrailtyPlan
    section_comment = (
        "Frailty and osteosarcopenia as outcomes: frailty_status, frail, prefrail_or_frail, "
        "frailty_index, osteosarcopenia (usable in any outcome list)."
    )
    result_type = "sarcostat.stats.ancova.LSMeansResult"
    keys = ("model", "level")
    columns = (
        "definition",
        "model",
        "level",
        "code",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "n",
        "mean",
        "sd",
        "p_value",
        "p_trend",
        "trend_estimate",
    )

    def needs(self, plan, biomarker):
        return (
            [Need("biomarker.column", biomarker)]
            + covariate_needs(plan)
            + [Need("frailty.definition", "frailty_status")]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.regression import linear_regression

        plan, data, bm, covs = ctx.plan, ctx.data, ctx.biomarker, ctx.covariates
        status = "frailty_status"
        res = fit_ls_means(ctx, "Frailty LS means", status)
        if res is None:
            return self.empty()
        fits = model_fits(res, covs)
        rows = []
        for model in MODELS:
            r = fits[model]
            ctx.analyses[f"frailty_means/{status}/{model}"] = r
            trend = ctx.log.attempt(
                f"Frailty P for trend ({model})",
                linear_regression,
                data,
                outcome=bm,
                predictor=status,
                covariates=model_covariates(model, covs),
                confidence=plan.ancova.confidence,
            )
            if trend is not None:
                ctx.analyses[f"frailty_means/trend/{model}"] = trend
                t = trend.predictor_row()
                p_trend, slope = float(t["p_value"]), float(t["estimate"])
            else:
                p_trend = slope = math.nan
            sample = data.loc[r.fit.sample_index, [status, bm]]  # the two columns read
            raw = sample.groupby(status)[bm].agg(["mean", "std"])
            for m in r.means.to_dict("records"):
                code = int(float(m["level"]))
                rows.append(
                    {
                        "definition": plan.frailty.definition,
                        "model": model,
                        "level": LEVELS[code],
                        "code": code,
                        "estimate": float(m["estimate"]),
                        "se": float(m["se"]),
                        "ci_lower": float(m["ci_lower"]),
                        "ci_upper": float(m["ci_upper"]),
                        "n": int(m["n"]),
                        "mean": float(raw.at[float(code), "mean"]),
                        "sd": float(raw.at[float(code), "std"]),
                        "p_value": float(r.p_value),
                        "p_trend": p_trend,
                        "trend_estimate": slope,
                    }
                )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = FrailtyMeans()
