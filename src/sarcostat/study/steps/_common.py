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
