"""Multiple imputation: the chains' means and SDs per iteration (trace plots)."""

from __future__ import annotations

import pandas as pd

from sarcostat.exceptions import DataError
from sarcostat.study.registry import Need, Step, StepContext


class ImputationDiagnostics(Step):
    name = "imputation_diagnostics"
    heading = "Multiple imputation diagnostics"
    title = "Multiple imputation diagnostics (trace plots, imputed vs observed)"
    reads = ()
    large_results = True  # its analysis is the imputation itself
    section = "missing"
    result_type = "sarcostat.stats.mice.MiceResult"
    template = "steps/supplementary.html.j2"
    keys = ("variable", "imputation", "iteration")
    columns = ("variable", "imputation", "iteration", "mean", "sd")

    def needs(self, plan, biomarker):
        return [Need("biomarker.column", biomarker)]

    def run(self, ctx: StepContext) -> pd.DataFrame:
        if ctx.imputation is None:
            raise DataError('needs [missing] method = "mice" in the plan.')
        ctx.analyses["imputation_diagnostics/mice"] = ctx.imputation.mice
        return ctx.imputation.mice.chains.reindex(columns=list(self.columns))


STEP = ImputationDiagnostics()
