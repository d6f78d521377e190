"""Missing data: the table of missingness patterns (as ``mice::md.pattern``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.registry import Need, Step, StepContext


class MissingPatterns(Step):
    name = "missing_patterns"
    heading = "Missing-data patterns"
    title = "Missing-data patterns (as mice::md.pattern)"
    reads = ()
    section = "missing"
    result_type = "pandas.DataFrame"
    template = "steps/supplementary.html.j2"
    keys = ("pattern",)
    # Then one column per variable (1 observed, 0 missing), fewest missing first.
    columns = ("pattern", "count", "n_missing")

    def needs(self, plan, biomarker):
        return [Need("biomarker.column", biomarker)]

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.mice import md_pattern
        from sarcostat.study.missing import analysis_columns

        cols = analysis_columns(ctx.plan, ctx.biomarker, ctx.data)
        pat = md_pattern(ctx.data[cols])
        pat.insert(0, "pattern", range(1, len(pat) + 1))
        rest = [c for c in pat.columns if c not in self.columns]
        return pat[list(self.columns) + rest]


STEP = MissingPatterns()
