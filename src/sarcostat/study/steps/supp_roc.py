"""Supplementary: diagnostic value of the biomarker (ROC), overall and by sex."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._supp import SECTION, SECTION_COMMENT, SupplementaryPlan, sex_strata

_ROW = (
    "direction",
    "n_cases",
    "n_controls",
    "median_cases",
    "median_controls",
    "auc",
    "auc_se",
    "auc_ci_lower",
    "auc_ci_upper",
    "threshold",
    "sensitivity",
    "sensitivity_ci_lower",
    "sensitivity_ci_upper",
    "specificity",
    "specificity_ci_lower",
    "specificity_ci_upper",
    "youden",
    "tp",
    "fp",
    "tn",
    "fn",
    "n_tied_thresholds",
)


class Roc(Step):
    name = "roc"
    heading = "Supplementary: Diagnostic value of the biomarker (ROC analysis)"
    title = "Supplementary: ROC curves, AUC (DeLong CI), Youden threshold"
    reads = ()
    cost = 0.9
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.roc.RocResult"
    template = "steps/supplementary.html.j2"
    keys = ("outcome", "stratum")
    columns = ("outcome", "stratum", *_ROW)

    def needs(self, plan, biomarker):
        return [Need("biomarker.column", biomarker)] + [
            Need("outcomes.binary", c, row=True) for c in plan.outcomes.binary
        ]

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.roc import roc_analysis

        outcomes = ctx.present(ctx.plan.outcomes.binary)
        # Only the columns the curves use (and ids, for messages): a stratum
        # is a copy of these, never of the whole cohort.
        cols = ["id", ctx.biomarker, *outcomes, "sex_male"]
        data = ctx.data[[c for c in dict.fromkeys(cols) if c in ctx.data.columns]]
        strata = [("all", None)]
        if "sex_male" in data and data["sex_male"].notna().any():
            strata += sex_strata(data)
        rows = []
        for outcome in outcomes:
            for label, mask in strata:
                res = ctx.log.attempt(
                    f"Supplementary ROC, {in_text(outcome)} ({label})",
                    roc_analysis,
                    data if mask is None else data.loc[mask],
                    outcome=outcome,
                    marker=ctx.biomarker,
                    confidence=ctx.plan.ancova.confidence,
                )
                if res is None:
                    rows.append({"outcome": outcome, "stratum": label})
                    continue
                # the curve kept for the figure: a few thousand of its rows, not
                # one per distinct value (64 MB each at 10**6; roc_analysis gives all)
                ctx.analyses[f"roc/{outcome}/{label}"] = res.thinned()
                row = res.to_row()
                rows.append({"outcome": outcome, "stratum": label, **{k: row[k] for k in _ROW}})
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Roc()
