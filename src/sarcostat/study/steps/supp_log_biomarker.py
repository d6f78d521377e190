"""Supplementary: the biomarker analysed log-transformed, effects back-transformed
per doubling and per SD of the log (Tables 2 and 3)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import MODELS, association_needs, model_covariates
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan


class LogBiomarker(Step):
    name = "log_biomarker"
    heading = "Supplementary: Log-transformed biomarker (per doubling, per SD of the log)"
    title = "Supplementary: log-transformed biomarker, back-transformed effects"
    reads = ()
    cost = 1.4
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.result.StatResult"
    template = "steps/supplementary.html.j2"
    keys = ("table", "outcome", "model", "scale")
    columns = (
        "table",
        "outcome",
        "model",
        "scale",
        "estimate",
        "ci_lower",
        "ci_upper",
        "p_value",
        "unit",
        "sd_log",
        "n",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "outcomes.continuous", "outcomes.binary")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.dose_response import log_effects

        plan = ctx.plan
        jobs = [("Table 2", o, "linear") for o in ctx.present(plan.outcomes.continuous)] + [
            ("Table 3", o, "logistic") for o in ctx.present(plan.outcomes.binary)
        ]
        rows = []
        for table, outcome, kind in jobs:
            for model in MODELS:
                res = ctx.log.attempt(
                    f"Supplementary log biomarker, {in_text(outcome)} ({model})",
                    log_effects,
                    ctx.data,
                    outcome=outcome,
                    biomarker=ctx.biomarker,
                    covariates=model_covariates(model, ctx.covariates),
                    kind=kind,
                    firth=plan.table3.firth,
                    confidence=plan.ancova.confidence,
                )
                if res is None:
                    continue
                ctx.analyses[f"log_biomarker/{outcome}/{model}"] = res
                for rec in res.table.to_dict("records"):
                    rows.append(
                        {
                            "table": table,
                            "outcome": outcome,
                            "model": model,
                            **rec,
                            "sd_log": res.meta["sd_log"],
                            "n": res.meta["n"],
                        }
                    )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = LogBiomarker()
