"""Helpers shared by the built-in steps."""

from __future__ import annotations

import math

#: The two models of every association step, in report order.
MODELS = ("unadjusted", "adjusted")
NAN = math.nan


def model_covariates(model: str, covariates) -> list[str]:
    """The covariates of ``model``: none for the unadjusted one."""
    return list(covariates) if model == "adjusted" else []


def covariate_needs(plan):
    """Needs for the adjusted models' covariates (``sex`` as itself: the
    assessment step derives ``sex_male`` from it)."""
    from sarcostat.study.registry import Need

    return [Need("model.covariates", c) for c in plan.model.covariates]


def association_needs(plan, biomarker, *row_keys: str):
    """Needs of a biomarker association step: the biomarker, the adjusted
    models' covariates, then one row need per column of each plan key in
    ``row_keys`` (``"outcomes.continuous"``, ``"figure1.statuses"``)."""
    from sarcostat.study.registry import Need

    needs = [Need("biomarker.column", biomarker)] + covariate_needs(plan)
    for key in row_keys:
        section, field = key.split(".")
        needs += [Need(key, c, row=True) for c in getattr(getattr(plan, section), field)]
    return needs


def model_fits(res, covariates) -> dict:
    """The adjusted and unadjusted fits of a result fitted with
    ``unadjusted="own"`` (without covariates both are the one fit)."""
    return {"adjusted": res, "unadjusted": res.unadjusted if covariates else res}


def fit_ls_means(ctx, where: str, status: str):
    """Figure 1's ANCOVA of the biomarker by ``status`` (adjusted, and
    unadjusted on its own complete cases), logged as ``where``; None when it
    cannot be estimated."""
    from sarcostat.stats.ancova import ls_means

    plan = ctx.plan
    return ctx.log.attempt(
        where,
        ls_means,
        ctx.data,
        outcome=ctx.biomarker,
        group=status,
        covariates=list(ctx.covariates),
        weights=plan.ancova.weights,
        binary_covariates=plan.ancova.binary_covariates,
        adjust=plan.ancova.adjust,
        confidence=plan.ancova.confidence,
        unadjusted="own",
    )


def fit_quartile_trend(ctx, where: str, outcome: str, grouping):
    """Figure 2's LS means of ``outcome`` by biomarker quartile (``grouping``)
    with P for trend, adjusted and unadjusted, logged as ``where``."""
    from sarcostat.stats.trend import quartile_trend

    plan = ctx.plan
    return ctx.log.attempt(
        where,
        quartile_trend,
        ctx.data,
        outcome=outcome,
        biomarker=ctx.biomarker,
        covariates=list(ctx.covariates),
        trend=plan.trend.trend,
        adjust=plan.trend.posthoc,
        weights=plan.ancova.weights,
        binary_covariates=plan.ancova.binary_covariates,
        groups=grouping,
        confidence=plan.ancova.confidence,
        unadjusted="own",
    )


def fit_linear(ctx, where: str, outcome: str, covariates):
    """Table 2's linear regression of ``outcome`` on the biomarker, logged as
    ``where``; None when it cannot be estimated. Shared by every step that
    asks for the same model (`StepContext.fit`)."""
    from sarcostat.stats.regression import linear_regression

    # Fitted once per run (Table 2's models are also Models 1 and 3 of the
    # adjustment sets).
    return _biomarker_model(ctx, where, linear_regression, outcome, covariates)


def _biomarker_model(ctx, where: str, function, outcome: str, covariates, **options):
    """``function`` (a stats model of the outcome on the biomarker) through
    the run's shared fits, with the plan's confidence level."""
    return ctx.fit(
        where,
        function,
        outcome=outcome,
        predictor=ctx.biomarker,
        covariates=list(covariates),
        confidence=ctx.plan.ancova.confidence,
        **options,
    )


def linear_ci_row(res) -> dict:
    """B and the standardized beta with their CIs, P and n of a linear fit.

    beta = B * SD(x) / SD(y): its interval is B's scaled by the same constant
    (R: ``confint(lm(scale(y) ~ scale(x) + covs))``)."""
    r = res.predictor_row()
    scale = res.sd_predictor / res.sd_outcome
    return {
        "estimate": float(r["estimate"]),
        "se": float(r["se"]),
        "ci_lower": float(r["ci_lower"]),
        "ci_upper": float(r["ci_upper"]),
        "std_beta": float(r["std_beta"]),
        "std_beta_ci_lower": float(r["ci_lower"]) * scale,
        "std_beta_ci_upper": float(r["ci_upper"]) * scale,
        "p_value": float(r["p_value"]),
        "n": int(res.n),
    }


def fit_or_per_sd(ctx, where: str, outcome: str, covariates):
    """Table 3's odds ratio per SD of the biomarker for ``outcome``, logged as
    ``where``; None when it cannot be estimated. Shared by every step that
    asks for the same model (`StepContext.fit`)."""
    from sarcostat.stats.logistic import or_per_sd

    return _biomarker_model(ctx, where, or_per_sd, outcome, covariates, firth=ctx.plan.table3.firth)


def odds_ratio_row(res) -> dict:
    """The coefficient, OR per SD with CIs, P, n and events of a logistic fit."""
    row = res.predictor_row()
    return {
        "estimate": res.coef,
        "se": res.se,
        "ci_lower": float(row["ci_lower"]),
        "ci_upper": float(row["ci_upper"]),
        "odds_ratio": res.odds_ratio,
        "or_ci_lower": res.or_ci_lower,
        "or_ci_upper": res.or_ci_upper,
        "p_value": res.p_value,
        "n": int(res.n),
        "events": int(res.events),
    }
