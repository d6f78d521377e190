"""Supplementary: participant flow (STROBE): read, excluded with each reason,
analysed per model."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import MODELS, covariate_needs, model_covariates
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan


class Flow(Step):
    name = "flow"
    heading = "Supplementary: Participant flow (STROBE)"
    title = "Supplementary: participant flow diagram"
    reads = ()
    cost = 0.1
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "pandas.DataFrame"
    template = "steps/supplementary.html.j2"
    keys = ("stage", "item")
    columns = ("stage", "item", "n", "n_remaining")

    def needs(self, plan, biomarker):
        return [
            Need("biomarker.column", biomarker),
            Need("table1.group", plan.table1.group),
        ] + covariate_needs(plan)

    def run(self, ctx: StepContext) -> pd.DataFrame:
        plan, data, bm = ctx.plan, ctx.data, ctx.biomarker
        group = plan.table1.group
        covs = list(ctx.covariates)
        lod = data.get(f"{bm}_lod")
        censored = lod.notna() if lod is not None else pd.Series(False, index=data.index)
        no_value = data[bm].isna() & ~censored
        below_lod = data[bm].isna() & censored
        indeterminate = data[group].isna() if group in data else pd.Series(False, index=data.index)
        miss_cov = data[covs].isna().any(axis=1) if covs else pd.Series(False, index=data.index)
        rows = [{"stage": "read", "item": "participants read", "n": len(data)}]
        remaining = pd.Series(True, index=data.index)
        # STROBE: each participant is counted once, under the first reason.
        for item, mask in (
            ("no biomarker value", no_value),
            ("below the detection limit and excluded", below_lod),
            (f"{in_text(group)} indeterminate", indeterminate),
            (
                "missing covariate (" + ", ".join(plan.model.covariates) + ")",
                miss_cov,
            ),
        ):
            hit = remaining & mask
            remaining = remaining & ~mask
            rows.append(
                {
                    "stage": "excluded",
                    "item": item,
                    "n": int(hit.sum()),
                    "n_remaining": int(remaining.sum()),
                }
            )
        n_sub = int((censored & data[bm].notna()).sum())
        if n_sub:
            rows.append(
                {
                    "stage": "note",
                    "item": "below the detection limit, value substituted",
                    "n": n_sub,
                }
            )
        rows.append(
            {"stage": "analysed", "item": "main adjusted analysis", "n": int(remaining.sum())}
        )
        outcomes = [*ctx.present(plan.outcomes.continuous), *ctx.present(plan.outcomes.binary)]
        for outcome in outcomes:
            for model in MODELS:
                cols = [outcome, bm, *model_covariates(model, covs)]
                n = int(data[cols].notna().all(axis=1).sum())
                rows.append({"stage": "analysed", "item": f"{outcome} ({model})", "n": n})
        out = pd.DataFrame(rows, columns=list(self.columns)).astype({"n": int})
        # No model is fitted: the counts themselves are the step's result.
        ctx.analyses["flow/counts"] = out.copy()
        return out


STEP = Flow()
