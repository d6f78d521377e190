"""Supplementary: effect modification by sex (product-term P values) and
sex-stratified Tables 2 and 3."""

from __future__ import annotations

import math

import pandas as pd

from sarcostat.study.labels import in_text
from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._common import covariate_needs, fit_or_per_sd, odds_ratio_row
from sarcostat.study.steps._supp import (
    NAN,
    SECTION,
    SECTION_COMMENT,
    SupplementaryPlan,
    sex_strata,
)


class SexInteraction(Step):
    name = "sex_interaction"
    heading = "Supplementary: Effect modification by sex and sex-stratified estimates"
    title = "Supplementary: biomarker x sex interaction, sex-stratified Tables 2 and 3"
    reads = ()
    shared_fits = ("or_per_sd",)
    cost = 1.7
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.result.StatResult"
    template = "steps/supplementary.html.j2"
    keys = ("table", "outcome", "stratum")
    columns = (
        "table",
        "outcome",
        "stratum",
        "covariates",
        "estimate",
        "se",
        "ci_lower",
        "ci_upper",
        "std_beta",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "p_value",
        "n",
        "events",
        "p_interaction_wald",
        "p_interaction_lr",
        "lr_statistic",
    )

    def needs(self, plan, biomarker):
        return (
            [Need("biomarker.column", biomarker), Need("effect modifier", "sex")]
            + covariate_needs(plan)
            + [Need("outcomes.continuous", c, row=True) for c in plan.outcomes.continuous]
            + [Need("outcomes.binary", c, row=True) for c in plan.outcomes.binary]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from scipy import stats as sps

        from sarcostat.stats.logistic import logistic_regression, or_per_sd
        from sarcostat.stats.regression import linear_regression

        plan, bm = ctx.plan, ctx.biomarker
        covs = list(ctx.covariates)
        full_covs = covs if "sex_male" in covs else [*covs, "sex_male"]
        strat_covs = [c for c in covs if c != "sex_male"]
        # The product term as the stats layer names it (R: y ~ x * sex_male).
        product = f"{bm}:sex_male"
        data = ctx.data
        conf = plan.ancova.confidence
        rows = []
        for outcome in ctx.present(plan.outcomes.continuous):
            where = f"Supplementary sex interaction, {in_text(outcome)}"
            res = ctx.log.attempt(
                f"{where} (interaction)",
                linear_regression,
                data,
                outcome=outcome,
                predictor=bm,
                covariates=full_covs,
                interactions=[product],
                confidence=conf,
            )
            p_wald = NAN
            if res is not None:
                ctx.analyses[f"sex_interaction/{outcome}/interaction"] = res
                p_wald = float(res.table.set_index("term").at[product, "p_value"])
            rows.append(
                {
                    "table": "Table 2",
                    "outcome": outcome,
                    "stratum": "interaction",
                    "covariates": ", ".join([*full_covs, f"{bm} x sex"]),
                    "estimate": (
                        float(res.table.set_index("term").at[product, "estimate"])
                        if res is not None
                        else NAN
                    ),
                    "p_interaction_wald": p_wald,
                    "n": int(res.n) if res is not None else 0,
                }
            )
            for label, mask in sex_strata(data):
                r = ctx.log.attempt(
                    f"{where} ({label})",
                    linear_regression,
                    data.loc[mask, _columns(data, outcome, bm, strat_covs)],
                    outcome=outcome,
                    predictor=bm,
                    covariates=strat_covs,
                    confidence=conf,
                )
                base = {
                    "table": "Table 2",
                    "outcome": outcome,
                    "stratum": label,
                    "covariates": ", ".join(strat_covs) or "none",
                    "p_interaction_wald": p_wald,
                }
                if r is None:
                    rows.append({**base, "n": 0})
                    continue
                ctx.analyses[f"sex_interaction/{outcome}/{label}"] = r
                row = r.predictor_row()
                rows.append(
                    {
                        **base,
                        "estimate": float(row["estimate"]),
                        "se": float(row["se"]),
                        "ci_lower": float(row["ci_lower"]),
                        "ci_upper": float(row["ci_upper"]),
                        "std_beta": float(row["std_beta"]),
                        "p_value": float(row["p_value"]),
                        "n": int(r.n),
                    }
                )
        for outcome in ctx.present(plan.outcomes.binary):
            where = f"Supplementary sex interaction, {in_text(outcome)}"
            full = ctx.log.attempt(
                f"{where} (interaction)",
                logistic_regression,
                data,
                outcome=outcome,
                predictors=[bm],
                covariates=full_covs,
                interactions=[product],
                firth=plan.table3.firth,
                confidence=conf,
            )
            p_wald = p_lr = lr = NAN
            n_full = 0
            if full is not None and not math.isnan(full.coef):
                ctx.analyses[f"sex_interaction/{outcome}/interaction"] = full
                n_full = int(full.n)
                p_wald = float(full.table.set_index("term").at[product, "p_value"])
                # Likelihood ratio against the model without the product term
                # on the same participants (the product adds no missing
                # values): Table 3's adjusted model when the covariates are
                # the plan's own (fitted once per run and shared), whose
                # likelihood z-scoring the biomarker does not change.
                reduced = fit_or_per_sd(
                    ctx, f"{where} (interaction, reduced model)", outcome, full_covs
                )
                if reduced is not None and not plan.table3.firth and reduced.n == n_full:
                    lr = 2.0 * (full.loglik - reduced.loglik)
                    p_lr = float(sps.chi2.sf(lr, 1))
            rows.append(
                {
                    "table": "Table 3",
                    "outcome": outcome,
                    "stratum": "interaction",
                    "covariates": ", ".join([*full_covs, f"{bm} x sex"]),
                    "estimate": (
                        float(full.table.set_index("term").at[product, "estimate"])
                        if n_full
                        else NAN
                    ),
                    "p_interaction_wald": p_wald,
                    "p_interaction_lr": p_lr,
                    "lr_statistic": lr,
                    "n": n_full,
                    "events": int(full.events) if n_full else 0,
                }
            )
            for label, mask in sex_strata(data):
                r = ctx.log.attempt(
                    f"{where} ({label})",
                    or_per_sd,
                    data.loc[mask, _columns(data, outcome, bm, strat_covs)],
                    outcome=outcome,
                    predictor=bm,
                    covariates=strat_covs,
                    firth=plan.table3.firth,
                    confidence=conf,
                )
                base = {
                    "table": "Table 3",
                    "outcome": outcome,
                    "stratum": label,
                    "covariates": ", ".join(strat_covs) or "none",
                    "p_interaction_wald": p_wald,
                    "p_interaction_lr": p_lr,
                }
                if r is None:
                    rows.append({**base, "n": 0, "events": 0})
                    continue
                ctx.analyses[f"sex_interaction/{outcome}/{label}"] = r
                rows.append({**base, **odds_ratio_row(r)})
        return pd.DataFrame(rows, columns=list(self.columns))


def _columns(data, outcome: str, biomarker: str, covariates) -> list[str]:
    """The columns of one stratum's model (and ids, for messages): a stratum
    is a copy of these, never of the whole cohort."""
    cols = ["id", outcome, biomarker, *covariates]
    return [c for c in dict.fromkeys(cols) if c in data.columns]


STEP = SexInteraction()
