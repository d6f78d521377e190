"""Figure 2: LS means of each continuous outcome by biomarker quartile (``[trend]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import (
    MODELS,
    NAN,
    association_needs,
    fit_quartile_trend,
    model_fits,
)


class Figure2(Step):
    name = "fig2"
    heading = "Figure 2"
    title = "Figure 2 (quartiles, P for trend)"
    reads = ()
    large_results = True
    cost = 1.8
    section = "trend"
    result_type = "sarcostat.stats.trend.TrendResult"
    template = "steps/fig2.html.j2"
    keys = ("outcome", "model", "quartile")
    columns = (
        "outcome",
        "model",
        "quartile",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "n",
        "biomarker_min",
        "biomarker_max",
        "biomarker_median",
        "p_trend",
        "p_overall",
        "p_q1_vs_q4",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "outcomes.continuous")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.trend import quartiles

        plan, data, bm, covs = ctx.plan, ctx.data, ctx.biomarker, ctx.covariates
        # Quartiles are formed once, over everyone with a biomarker value, so
        # every panel uses the same cut-points (as the paper's Fig. 2).
        grouping = quartiles(data[bm], method=plan.trend.quartile_method)
        ctx.analyses["fig2/quartiles"] = grouping
        rows = []
        for outcome in ctx.present(plan.outcomes.continuous):
            res = fit_quartile_trend(ctx, f"Figure 2, {in_text(outcome)}", outcome, grouping)
            if res is None:
                continue
            fits = model_fits(res, covs)
            for model in MODELS:
                r = fits[model]
                ctx.analyses[f"fig2/{outcome}/{model}"] = r
                q1qk = (
                    r.q1_vs_qk["p_value"].iloc[0]
                    if r.q1_vs_qk is not None and len(r.q1_vs_qk)
                    else NAN
                )
                for m in r.means.to_dict("records"):
                    rows.append(
                        {
                            "outcome": outcome,
                            "model": model,
                            "quartile": int(m["level"]),
                            "estimate": float(m["estimate"]),
                            "se": float(m["se"]),
                            "ci_lower": float(m["ci_lower"]),
                            "ci_upper": float(m["ci_upper"]),
                            "n": int(m["n"]),
                            "biomarker_min": float(m["x_min"]),
                            "biomarker_max": float(m["x_max"]),
                            "biomarker_median": float(m["x_median"]),
                            "p_trend": float(r.p_trend),
                            "p_overall": float(r.p_overall),
                            "p_q1_vs_q4": float(q1qk),
                        }
                    )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Figure2()
