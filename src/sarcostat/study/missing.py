"""Missing data: the plan's ``[missing]`` section, the report of what is
missing, and multiple imputation of a cohort ("impute, then derive").

``[missing] method = "complete_case"`` (the default) analyses every model on
its own complete cases, as SPSS's listwise deletion. ``method = "mice"``
also imputes the raw measurements ``imputations`` times
(`sarcostat.stats.mice.mice`: predictive mean matching for continuous
variables, logistic regression for binary ones) and derives every measure
from the completed raw values afterwards (BMI, SMI, SPPB total, sarcopenia
status and its components, SPS): "impute, then derive". The steps
``missing_data``, ``missing_patterns``, ``multiple_imputation`` and
``imputation_diagnostics`` report the result (`sarcostat.study.steps`).

What is imputed
    The biomarker, the adjusted models' covariates (their raw inputs: BMI
    through weight and height) and every raw measurement the outcomes and
    statuses are derived from, each from all the others (so the imputation
    model holds the exposure, the outcomes and the covariates).
What is not
    A test recorded as "unable to perform" (``chair_stand_unable``,
    ``gait_unable``) stays as recorded: it is a value (scored 0 in the
    SPPB), not a gap. A biomarker value below the detection limit keeps the
    plan's ``[biomarker] censored`` rule (substituted before imputing; with
    ``exclude`` it stays out of the biomarker's analyses and is not imputed).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.exceptions import ParameterError
from sarcostat.study.options import option, records

#: Raw measurements the assessment derives from, imputed when the cohort has them.
RAW_MEASURES = (
    "age_yr",
    "sex",
    "height_cm",
    "weight_kg",
    "asm_kg",
    "grip_kg",
    "gait_speed_m_s",
    "chair_stand_5x_s",
    "side_by_side_s",
    "semi_tandem_s",
    "tandem_s",
)
#: Columns recomputed after imputation when their inputs are present (input -> derived).
_DERIVED_WHEN = {
    "bmi": ("weight_kg", "height_cm"),
    "smi": ("asm_kg", "height_cm"),
    "sppb_total": ("side_by_side_s",),
}
#: Derived columns that are never imputed (always recomputed).
_ALWAYS_DERIVED = (
    "sarcopenia",
    "low_muscle_mass",
    "low_strength",
    "low_performance",
    "sps",
    "sex_male",
)
#: 'Unable to perform' flags: the cell stays missing where the flag is set.
UNABLE_FLAGS = {"chair_stand_5x_s": "chair_stand_unable", "gait_speed_m_s": "gait_unable"}


def _int_at_least(low: int) -> Callable[[Any, str], int]:
    def check(value: Any, where: str) -> int:
        # A web form sends "20" or 20.0: a whole number written so is accepted.
        v = value
        if isinstance(v, str) and v.strip().isdigit():
            v = int(v.strip())
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise ParameterError(
                f"{where} must be a whole number of at least {low}, got {value!r}."
            )
        return int(v)

    return check


def _share(value: Any, where: str) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        raise ParameterError(
            f"{where} must be a number from 0 to below 1 (e.g. 0.05), got {value!r}."
        )
    return float(value)


@dataclass(frozen=True)
class MissingPlan:
    """``[missing]``: how missing values are handled."""

    method: str = option(
        "complete_case",
        ("complete_case", "mice"),
        comment=(
            "'complete_case': each model on its own complete cases (listwise deletion, "
            "as SPSS). 'mice': also multiple imputation by chained equations, pooled "
            "by Rubin's rules and reported beside the complete cases."
        ),
    )
    imputations: int = records(20, comment="Completed data sets (m).", validate=_int_at_least(2))
    iterations: int = records(
        10, comment="Iterations of the chained equations per data set.", validate=_int_at_least(1)
    )
    seed: int = records(
        20261204,
        comment="Random seed: the same seed gives the same imputations.",
        validate=_int_at_least(0),
    )
    warn_share: float = records(
        0.05,
        comment=(
            "The report says so when complete-case analysis drops more than this share "
            "of the participants read."
        ),
        validate=_share,
    )


# --------------------------------------------------------------- what is missing
def analysis_columns(plan: Any, biomarker: str, data: pd.DataFrame) -> list[str]:
    """The columns the plan's models use (biomarker, covariates, outcomes,
    statuses), as the analysis data names them, in a stable order."""
    cols = [biomarker]
    cols += list(plan.model.covariates)
    cols += list(plan.outcomes.continuous) + list(plan.outcomes.binary)
    cols += list(plan.figure1.statuses)
    out: list[str] = []
    for c in cols:
        if c in data.columns and c not in out:
            out.append(c)
    return out


def missing_table(data: pd.DataFrame, columns: list[str], group: str | None) -> pd.DataFrame:
    """Per variable: n and % missing overall and by ``group`` (1 = with, 0 = without).

    A participant whose group is unknown counts in the overall column only.
    """
    rows = []
    g = data[group] if group and group in data.columns else None
    for c in columns:
        miss = data[c].isna()
        row: dict[str, Any] = {
            "variable": c,
            "n": int(len(data)),
            "n_missing": int(miss.sum()),
            "pct_missing": 100.0 * float(miss.mean()) if len(data) else math.nan,
        }
        for code, tag in ((1, "with"), (0, "without")):
            if g is None:
                row[f"n_{tag}"], row[f"n_missing_{tag}"], row[f"pct_missing_{tag}"] = (
                    0,
                    0,
                    math.nan,
                )
                continue
            sel = g == code
            k = int(sel.sum())
            row[f"n_{tag}"] = k
            row[f"n_missing_{tag}"] = int(miss[sel].sum())
            row[f"pct_missing_{tag}"] = 100.0 * float(miss[sel].mean()) if k else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------- imputation
@dataclass
class Imputation:
    """A cohort imputed ``m`` times, and each completed data set derived.

    ``raw`` holds the imputed raw columns (``mice.completed``), ``analysis``
    the analysis data sets (assessment rerun on each), ``long`` the file
    written as ``imputations.csv``.
    """

    mice: Any  # sarcostat.stats.mice.MiceResult
    variables: list[str]
    analysis: list[pd.DataFrame]
    long: pd.DataFrame
    original: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def m(self) -> int:
        return int(self.mice.m)


def imputation_variables(raw: pd.DataFrame, plan: Any, biomarker: str) -> list[str]:
    """Raw columns to impute: the biomarker, the raw measurements the
    assessment uses, and the plan's covariates/outcomes that are not derived."""
    derived = set(_ALWAYS_DERIVED)
    for col, inputs in _DERIVED_WHEN.items():
        if all(c in raw.columns for c in inputs):
            derived.add(col)
    wanted = [biomarker, *RAW_MEASURES]
    wanted += list(plan.model.covariates) + list(plan.outcomes.continuous)
    out: list[str] = []
    for c in wanted:
        if c in derived or c in out or c not in raw.columns:
            continue
        if c != "sex" and not pd.api.types.is_numeric_dtype(raw[c]):
            continue
        if raw[c].notna().sum() == 0:
            continue
        out.append(c)
    return out


def impute_cohort(
    raw: pd.DataFrame,
    plan: Any,
    biomarker: str,
    derive: Callable[[pd.DataFrame], pd.DataFrame],
    *,
    progress: Callable[[str], None] | None = None,
) -> Imputation:
    """Impute ``raw`` (the cohort as read, censored biomarker values already
    substituted) ``plan.missing.imputations`` times and derive each completed
    data set with ``derive`` (the study's assessment)."""
    from sarcostat.stats.mice import mice

    opts = plan.missing
    variables = imputation_variables(raw, plan, biomarker)
    table = pd.DataFrame(index=raw.index)
    binary = []
    for c in variables:
        if c == "sex":
            sex = raw["sex"].astype("string").str.lower()
            table[c] = np.where(sex.isna(), np.nan, (sex == "male").astype(float))
            binary.append(c)
        else:
            table[c] = pd.to_numeric(raw[c], errors="coerce").astype(float)
            vals = table[c].dropna().unique()
            if len(vals) <= 2 and set(vals) <= {0.0, 1.0} and len(vals) == 2:
                binary.append(c)
    keep: dict[str, np.ndarray] = {}
    for c, flag in UNABLE_FLAGS.items():
        if c in table.columns and flag in raw.columns:
            keep[c] = raw[flag].fillna(False).astype(bool).to_numpy()
    lod = f"{biomarker}_lod"
    if plan.biomarker.censored == "exclude" and lod in raw.columns:
        # Excluded below-LOD values stay out of the biomarker's analyses.
        keep[biomarker] = pd.to_numeric(raw[lod], errors="coerce").notna().to_numpy()
    if progress:
        progress(
            f"multiple imputation: {opts.imputations} data sets x {opts.iterations} iterations"
        )
    res = mice(
        table,
        binary=binary,
        m=opts.imputations,
        iterations=opts.iterations,
        seed=opts.seed,
        keep_missing=keep or None,
    )
    # Impute, then derive: BMI and SMI of a participant whose inputs were
    # imputed are derived from the imputed inputs (a value the file gives,
    # or derived from observed inputs, is kept, as io never replaces one).
    stale = [c for c in ("bmi", "smi") if c in raw and all(x in raw for x in _DERIVED_WHEN[c])]
    analysis = []
    parts = []
    for i, done in enumerate(res.completed, start=1):
        filled = raw.copy()
        for c in variables:
            if c == "sex":
                filled[c] = np.where(done[c] == 1, "male", "female")
                filled.loc[done[c].isna(), c] = None
            else:
                filled[c] = done[c]
        if stale:
            from sarcostat.io.derive import body_measures

            fresh = body_measures(
                height_cm=filled["height_cm"].to_numpy(float),
                weight_kg=filled["weight_kg"].to_numpy(float) if "weight_kg" in filled else None,
                asm_kg=filled["asm_kg"].to_numpy(float) if "asm_kg" in filled else None,
            )
            for c in stale:
                filled[c] = raw[c].where(raw[c].notna(), pd.Series(fresh[c], index=raw.index))
        derived = derive(filled)
        analysis.append(derived)
        parts.append(_export_frame(derived, raw, i))
    original = derive(raw.copy())
    long = pd.concat([_export_frame(original, raw, 0)] + parts, ignore_index=True)
    return Imputation(
        mice=res, variables=variables, analysis=analysis, long=long, original=original
    )


def _export_frame(derived: pd.DataFrame, raw: pd.DataFrame, k: int) -> pd.DataFrame:
    """One block of ``imputations.csv``: ``imputation``, ``id`` and the
    cohort's canonical columns with the derived ones (statuses 0/1)."""
    out = derived.copy()
    for c in out.columns:
        if str(out[c].dtype) in ("boolean", "bool"):
            out[c] = out[c].astype("Float64").astype(float)
    lead = ["imputation"] + (["id"] if "id" in out.columns else [])
    out.insert(0, "imputation", k)
    return out[lead + [c for c in out.columns if c not in lead]]


#: The report steps a plan with ``[missing] method = "mice"`` adds after its own.
MICE_STEPS = ("missing_data", "missing_patterns", "multiple_imputation", "imputation_diagnostics")
#: Steps whose models are pooled over the imputations (when the plan runs them).
POOLED_STEPS = ("table2", "table3", "fig1", "model_sets")
