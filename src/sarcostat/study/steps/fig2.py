"""Figure 2: LS means of each continuous outcome by biomarker quartile (``[trend]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import MODELS, NAN, covariate_needs


class Figure2(Step):
    name = "fig2"
    heading = "Figure 2"
    title = "Figure 2 (quartiles, P for trend)"
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
        return (
            [Need("biomarker.column", biomarker)]
            + covariate_needs(plan)
            + [Need("outcomes.continuous", c, row=True) for c in plan.outcomes.continuous]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.trend import quartile_trend, quartiles

        plan, data, bm, covs = ctx.plan, ctx.data, ctx.biomarker, ctx.covariates
        # Quartiles are formed once, over everyone with a biomarker value, so
        # every panel uses the same cut-points (as the paper's Fig. 2).
        grouping = quartiles(data[bm], method=plan.trend.quartile_method)
        ctx.analyses["fig2/quartiles"] = grouping
        rows = []
        for outcome in ctx.present(plan.outcomes.continuous):
            res = ctx.log.attempt(
                f"Figure 2, {in_text(outcome)}",
                quartile_trend,
                data,
                outcome=outcome,
                biomarker=bm,
                covariates=list(covs),
                trend=plan.trend.trend,
                adjust=plan.trend.posthoc,
                weights=plan.ancova.weights,
                binary_covariates=plan.ancova.binary_covariates,
                groups=grouping,
                confidence=plan.ancova.confidence,
                unadjusted="own",
            )
            if res is None:
                continue
            fits = {"adjusted": res, "unadjusted": res.unadjusted if covs else res}
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
