"""Figure 1: biomarker LS means with / without each status (``[figure1]``, ``[ancova]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Step, StepContext
from sarcostat.study.steps._common import MODELS, association_needs, fit_ls_means, model_fits


class Figure1(Step):
    name = "fig1"
    heading = "Figure 1"
    title = "Figure 1 (biomarker LS means by status)"
    reads = ()
    large_results = True
    cost = 1.3
    section = "figure1"
    result_type = "sarcostat.stats.ancova.LSMeansResult"
    template = "steps/fig1.html.j2"
    keys = ("status", "model", "level")
    columns = (
        "status",
        "level",
        "model",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "n",
        "mean",
        "sd",
        "p_value",
    )

    def needs(self, plan, biomarker):
        return association_needs(plan, biomarker, "figure1.statuses")

    def run(self, ctx: StepContext) -> pd.DataFrame:
        plan, data, bm, covs = ctx.plan, ctx.data, ctx.biomarker, ctx.covariates
        rows = []
        for status in ctx.present(plan.figure1.statuses):
            # One call fits the adjusted model and, on its own complete cases,
            # the unadjusted one (two separate SPSS UNIANOVA runs).
            res = fit_ls_means(ctx, f"Figure 1, {in_text(status)}", status)
            if res is None:
                continue
            fits = model_fits(res, covs)
            for model in MODELS:
                r = fits[model]
                ctx.analyses[f"fig1/{status}/{model}"] = r
                sample = data.loc[r.fit.sample_index, [status, bm]]  # the two columns read
                raw = sample.groupby(status)[bm].agg(["mean", "std"])
                # "with" (1) first, as in the paper's figure.
                for m in sorted(r.means.to_dict("records"), key=lambda m: -float(m["level"])):
                    code = float(m["level"])
                    rows.append(
                        {
                            "status": status,
                            "level": "with" if code == 1 else "without",
                            "model": model,
                            "estimate": float(m["estimate"]),
                            "se": float(m["se"]),
                            "ci_lower": float(m["ci_lower"]),
                            "ci_upper": float(m["ci_upper"]),
                            "n": int(m["n"]),
                            "mean": float(raw.at[code, "mean"]),
                            "sd": float(raw.at[code, "std"]),
                            "p_value": float(r.p_value),
                        }
                    )
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Figure1()
