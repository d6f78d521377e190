"""Table 3: odds ratio per SD of the biomarker for each binary outcome (``[table3]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import (
    MODELS,
    association_needs,
    fit_or_per_sd,
    model_covariates,
)


class Table3(Step):
    name = "table3"
    heading = "Table 3"
    title = "Table 3 (odds ratio per SD)"
    reads = ()
    shared_fits = ("or_per_sd",)
    cost = 0.7
    section = "table3"
    result_type = "sarcostat.stats.logistic.LogisticResult"
    template = "steps/table3.html.j2"
    keys = ("outcome", "model")
    columns = (
        "outcome",
        "model",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "p_value",
        "estimate",
        "se",
        "n",
        "events",
        "epv",
        "sd",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "outcomes.binary")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        rows = []
        for outcome in ctx.present(ctx.plan.outcomes.binary):
            for model in MODELS:
                res = fit_or_per_sd(
                    ctx,
                    f"Table 3, {in_text(outcome)} ({model})",
                    outcome,
                    model_covariates(model, ctx.covariates),
                )
                if res is None:
                    rows.append({"outcome": outcome, "model": model, "n": 0, "events": 0})
                    continue
                ctx.analyses[f"table3/{outcome}/{model}"] = res
                rows.append(
                    {
                        "outcome": outcome,
                        "model": model,
                        "odds_ratio": res.odds_ratio,
                        "or_ci_lower": res.or_ci_lower,
                        "or_ci_upper": res.or_ci_upper,
                        "p_value": res.p_value,
                        "estimate": res.coef,
                        "se": res.se,
                        "n": int(res.n),
                        "events": int(res.events),
                        "epv": float(res.epv),
                        "sd": float(res.sd_predictor),
                    }
                )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Table3()
