"""Missing data: n and % missing per analysed variable, overall and by group."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext


class MissingData(Step):
    name = "missing_data"
    heading = "Missing data by variable"
    title = "Missing data (n and % missing per variable, by group)"
    reads = ()
    section = "missing"
    result_type = "pandas.DataFrame"
    template = "steps/supplementary.html.j2"
    keys = ("variable",)
    columns = (
        "variable",
        "n",
        "n_missing",
        "pct_missing",
        "n_with",
        "n_missing_with",
        "pct_missing_with",
        "n_without",
        "n_missing_without",
        "pct_missing_without",
    )

    def needs(self, plan, biomarker):
        return [Need("biomarker.column", biomarker)]

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.study.missing import analysis_columns, missing_table

        data, plan = ctx.data, ctx.plan
        cols = analysis_columns(plan, ctx.biomarker, data)
        table = missing_table(data, cols, plan.table1.group)
        # The participants a complete-case analysis of the adjusted models loses.
        n = len(data)
        model_cols = [ctx.biomarker] + [c for c in ctx.covariates if c in data.columns]
        worst = None
        for outcome in [c for c in cols if c not in model_cols]:
            kept = int(data[model_cols + [outcome]].notna().all(axis=1).sum())
            if worst is None or kept < worst[1]:
                worst = (outcome, kept)
        if worst is not None and n:
            lost = n - worst[1]
            share = lost / n
            if share > plan.missing.warn_share:
                ctx.log.add(
                    f"Missing data: complete-case analysis drops up to {lost} of {n} "
                    f"participants ({100 * share:.1f}%, more than "
                    f"{100 * plan.missing.warn_share:g}%) from an adjusted model "
                    f"({in_text(worst[0])}); "
                    + (
                        "the multiply imputed results are shown beside the complete cases."
                        if plan.missing.method == "mice"
                        else 'consider [missing] method = "mice" (multiple imputation).'
                    )
                )
        return table.reindex(columns=list(self.columns))


STEP = MissingData()
