"""Supplementary: dose-response by a restricted cubic spline of the biomarker
(4 knots, Harrell) in the fully adjusted linear and logistic models."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import association_needs
from sarcostat.study.steps._supp import NAN, SECTION, SECTION_COMMENT, SupplementaryPlan


class Spline(Step):
    name = "spline"
    heading = "Supplementary: Dose-response: restricted cubic spline of the biomarker"
    title = "Supplementary: restricted cubic spline (overall and non-linearity P)"
    reads = ()
    cost = 1.8
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.splines.SplineResult"
    template = "steps/supplementary.html.j2"
    keys = ("outcome",)
    columns = (
        "outcome",
        "kind",
        "n",
        "events",
        "knots",
        "reference",
        "test",
        "statistic_overall",
        "df_overall",
        "p_overall",
        "statistic_nonlinear",
        "df_nonlinear",
        "p_nonlinear",
        "df_resid",
        "note",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "outcomes.continuous", "outcomes.binary")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.exceptions import ModelError
        from sarcostat.stats.splines import rcs_knots, spline_regression

        data, bm = ctx.data, ctx.biomarker
        # Knots over every participant with a biomarker value (as rms::rcs
        # places them on the data frame it is given): the same knots, and the
        # same reference (the median), for every outcome.
        try:
            knots, _ = rcs_knots(data[bm].dropna(), 4)
        except ModelError:
            knots = None
        ref = float(data[bm].median())
        jobs = [(o, "linear") for o in ctx.present(ctx.plan.outcomes.continuous)] + [
            (o, "logistic") for o in ctx.present(ctx.plan.outcomes.binary)
        ]
        rows = []
        for outcome, kind in jobs:
            res = ctx.log.attempt(
                f"Supplementary spline, {in_text(outcome)}",
                spline_regression,
                data,
                outcome=outcome,
                predictor=bm,
                covariates=list(ctx.covariates),
                kind=kind,
                knots=knots,
                reference=ref,
                confidence=ctx.plan.ancova.confidence,
            )
            if res is None:
                rows.append({"outcome": outcome, "kind": kind, "n": 0})
                continue
            ctx.analyses[f"spline/{outcome}"] = res
            if not res.estimable:
                ctx.log.add(f"Supplementary spline, {in_text(outcome)}: {res.notes[0]}")
                rows.append({"outcome": outcome, "kind": kind, "n": res.n, "note": res.notes[0]})
                continue
            t = res.tests.set_index("test")
            rows.append(
                {
                    "outcome": outcome,
                    "kind": kind,
                    "n": int(res.n),
                    "events": int(res.events) if kind == "logistic" else NAN,
                    "knots": "; ".join(f"{k:.10g}" for k in res.knots),
                    "reference": res.reference,
                    "test": "F" if kind == "linear" else "chi-square",
                    "statistic_overall": float(t.at["overall", "statistic"]),
                    "df_overall": float(t.at["overall", "df"]),
                    "p_overall": float(t.at["overall", "p_value"]),
                    "statistic_nonlinear": float(t.at["nonlinear", "statistic"]),
                    "df_nonlinear": float(t.at["nonlinear", "df"]),
                    "p_nonlinear": float(t.at["nonlinear", "p_value"]),
                    "df_resid": float(t.at["overall", "df_resid"]),
                    "note": "",
                }
            )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Spline()
