"""Shared pieces of the "Supplementary analyses" plan steps.

Every supplementary step reads its options from one plan section,
``[supplementary]`` (`SupplementaryPlan`), and runs only when named in
``[study] steps`` (the default plan names all of them after the seed steps,
`sarcostat.study.plan.SUPPLEMENTARY_STEPS`; the seed plan, run by
``sarcostat reproduce``, names none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sarcostat.study.options import column_list, option

NAN = math.nan

#: Tests EWGSOP2 lists as alternatives for each criterion (Cruz-Jentoft 2019,
#: Table 3; the 400-m walk has no column in the canonical cohort table).
EWGSOP2_ALTERNATIVES = {
    "low_strength": ("grip_kg", "chair_stand_5x_s"),
    "low_muscle_mass": ("asm_kg", "smi"),
    "low_performance": ("gait_speed_m_s", "sppb_total", "tug_s"),
}


@dataclass(frozen=True)
class SupplementaryPlan:
    """``[supplementary]``: options of the supplementary analyses."""

    models: tuple = column_list(
        ("unadjusted", "age_yr + sex", "covariates"),
        comment=(
            "Adjustment sets shown side by side (Model 1, Model 2, ...): 'unadjusted', "
            "'covariates' (the [model] covariates) or columns joined by '+'."
        ),
    )
    median_iqr: str = option(
        "skewed",
        ("skewed", "all", "none"),
        comment=(
            "Table 1 (journal layout): continuous rows shown as median (IQR) with the "
            "Mann-Whitney P when skewed (|skewness| > 1), always, or never."
        ),
    )
    median_variables: tuple = column_list(
        (), comment="Continuous Table 1 rows always shown as median (IQR)."
    )
    definitions: tuple = column_list(
        ("awgs2019", "awgs2014", "ewgsop2", "ewgsop1", "fnih2014", "sdoc2020", "iwgs2011"),
        comment="Definitions compared in the sensitivity analysis.",
    )
    ewgsop2_strength: tuple = column_list(
        EWGSOP2_ALTERNATIVES["low_strength"],
        comment="EWGSOP2 tests of low strength to use (grip strength, chair stand).",
        options=EWGSOP2_ALTERNATIVES["low_strength"],
    )
    ewgsop2_muscle: tuple = column_list(
        EWGSOP2_ALTERNATIVES["low_muscle_mass"],
        comment="EWGSOP2 measures of low muscle quantity to use (ASM, ASM/height²).",
        options=EWGSOP2_ALTERNATIVES["low_muscle_mass"],
    )
    ewgsop2_performance: tuple = column_list(
        EWGSOP2_ALTERNATIVES["low_performance"],
        comment="EWGSOP2 tests of low physical performance to use (gait speed, SPPB, TUG).",
        options=EWGSOP2_ALTERNATIVES["low_performance"],
    )


SECTION = "supplementary"
SECTION_COMMENT = "Supplementary analyses (each is a step of [study] steps)."


def parse_model(spec: str, covariates) -> list[str]:
    """Covariate columns of one adjustment set of ``[supplementary] models``."""
    s = spec.strip()
    if s in ("", "unadjusted", "none"):
        return []
    if s in ("covariates", "model.covariates"):
        return list(covariates)
    parts = [p.strip() for p in s.replace(",", "+").split("+") if p.strip()]
    return ["sex_male" if p == "sex" else p for p in parts]


def model_columns(plan) -> list[str]:
    """Every column named by the adjustment sets (as the plan names them)."""
    out = []
    for spec in plan.supplementary.models:
        for c in parse_model(spec, plan.model.covariates):
            col = "sex" if c == "sex_male" else c
            if col not in out:
                out.append(col)
    return out


def sex_strata(data: pd.DataFrame):
    """(label, mask) for men and women (from ``sex_male``)."""
    sm = data["sex_male"] if "sex_male" in data else pd.Series(np.nan, index=data.index)
    return [("male", sm == 1), ("female", sm == 0)]


def first_value(series: pd.Series):
    s = series.dropna()
    return s.iloc[0] if len(s) else NAN
