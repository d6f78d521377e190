"""Frailty and osteosarcopenia as study outcomes: the ``[frailty]`` plan section.

When a plan names a frailty column (as an outcome of Table 2/3, Figure 1/2,
or through the frailty steps), `add_frailty_columns` derives it from
the cohort with `sarcostat.assess.frailty`:

- ``frailty_status``: 0 robust, 1 pre-frail, 2 frail by ``[frailty]
  definition`` (NaN when indeterminate or excluded);
- ``frail`` (0/1: frail vs not) and ``prefrail_or_frail`` (0/1);
- ``frailty_index`` (continuous, when ``[frailty] deficits`` are declared);
- ``osteosarcopenia`` (sarcopenia by ``[assessment] definition`` with
  osteoporosis), ``osteosarcopenia_broad`` (with osteopenia or
  osteoporosis) and ``osteoporosis`` (0/1), when T-scores are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sarcostat.study.options import column_list, option, records

#: Frailty definitions a plan may choose for ``frailty_status`` / ``frail``.
FRAILTY_OPTIONS = ("fried2001", "fried2001_asian", "frail_scale", "frailty_index")
#: Columns `add_frailty_columns` derives (valid in any plan list).
FRAILTY_COLUMNS = (
    "frailty_status",
    "frail",
    "prefrail_or_frail",
    "frailty_index",
    "osteosarcopenia",
    "osteosarcopenia_broad",
    "osteoporosis",
)
#: Binary frailty columns (0/1 outcomes).
FRAILTY_BINARY = (
    "frail",
    "prefrail_or_frail",
    "osteosarcopenia",
    "osteosarcopenia_broad",
    "osteoporosis",
)
#: Inputs of each derived column, for the notes of skipped steps.
FRAILTY_FROM = {
    "frailty_status": "the inputs of [frailty] definition",
    "frail": "the inputs of [frailty] definition",
    "prefrail_or_frail": "the inputs of [frailty] definition",
    "frailty_index": "the deficits declared in [frailty] deficits",
    "osteosarcopenia": "t_score_lumbar, t_score_femoral_neck, t_score_total_hip and sarcopenia",
    "osteosarcopenia_broad": "the T-scores and sarcopenia",
    "osteoporosis": "t_score_lumbar, t_score_femoral_neck and t_score_total_hip",
}
LEVELS = {0: "robust", 1: "pre-frail", 2: "frail"}


def _deficits(value: Any, where: str) -> tuple:
    from sarcostat.assess.definitions.frailty_index import parse_deficits

    if isinstance(value, (list, tuple)) and not value:
        return ()
    parse_deficits(value, where=where)  # raises ParameterError naming the item
    return tuple(dict(v) if isinstance(v, dict) else v for v in value)


def _cutoffs(value: Any, where: str) -> tuple:
    from sarcostat.assess.definitions.frailty_index import check_cutoffs

    return tuple(check_cutoffs(value, where=where))


@dataclass(frozen=True)
class FrailtyPlan:
    """``[frailty]``: frailty and osteosarcopenia as outcomes."""

    definition: str = option(
        "fried2001",
        FRAILTY_OPTIONS,
        comment=(
            "Definition behind frailty_status (0 robust, 1 pre-frail, 2 frail), frail and "
            "prefrail_or_frail: Fried 2001, Fried with AWGS 2019 grip/gait, the FRAIL scale, "
            "or the frailty index categorized by fi_cutoffs."
        ),
    )
    deficits: tuple = records(
        (),
        comment=(
            "Frailty-index deficits (at least 30): column names already scored 0-1, or tables "
            '{column = "adl", levels = {none = 0, some = 0.5, severe = 1}} / '
            '{column = "grip_kg", operator = "<", male = 28, female = 18}. Participants '
            "missing more than 20% are excluded (Searle 2008)."
        ),
        validate=_deficits,
    )
    fi_cutoffs: tuple = records(
        (0.08, 0.25),
        comment="Frailty index categories: robust <= first, frail >= second (Song 2010).",
        validate=_cutoffs,
    )
    binary: tuple = column_list(
        ("frail",),
        comment="Binary outcomes of the quartile odds ratios (frailty_quartiles step).",
    )
    trend: str = option(
        "score",
        ("score", "median"),
        comment="P for trend of the quartile odds ratios: quartile number or quartile median.",
    )


def frailty_columns_needed(columns: Any) -> list[str]:
    """The frailty columns among ``columns``."""
    return [c for c in dict.fromkeys(columns) if c in FRAILTY_COLUMNS]


def _as01(values: Any) -> np.ndarray:
    return (
        pd.array(values, dtype="boolean").astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    )


def add_frailty_columns(data: pd.DataFrame, plan: Any, log: Any, needed: list[str]) -> pd.DataFrame:
    """``data`` with the ``needed`` frailty columns derived (see the module docstring)."""
    from sarcostat.assess.frailty import classify_frailty, frailty_index, osteosarcopenia

    sec = plan.frailty
    # A new frame over the same columns (pandas copies on write): the derived
    # columns are added to it, the cohort's own are not copied (at 10**6
    # rows of a frailty cohort a deep copy was 1 GB).
    out = data.copy(deep=False)
    status = {"frailty_status", "frail", "prefrail_or_frail"} & set(needed)
    if status:
        if sec.definition == "frailty_index" and not sec.deficits:
            log.add(
                "Frailty: [frailty] definition is frailty_index but no deficits are declared; "
                "frailty status is not derived."
            )
        else:
            res = log.run(
                "Frailty",
                classify_frailty,
                out,
                sec.definition,
                deficits=sec.deficits or None,
                cutoffs=sec.fi_cutoffs,
            )
            out["frailty_status"] = (
                res["frailty_level"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
            )
            out["frail"] = _as01(res["frail"])
            out["prefrail_or_frail"] = _as01(res["prefrail_or_frail"])
            n_ind = int(np.isnan(out["frailty_status"].to_numpy()).sum())
            n_frail = int(np.isnan(out["frail"].to_numpy()).sum())
            if n_ind:
                log.add(
                    f"Frailty ({sec.definition}): the three-level status is indeterminate (or "
                    f"excluded) for {n_ind} participant(s) and frail vs not for {n_frail}, "
                    "because a needed input is missing; they are left out of those analyses."
                )
    if "frailty_index" in needed and sec.deficits:
        fi = log.run("Frailty index", frailty_index, out, sec.deficits, cutoffs=sec.fi_cutoffs)
        out["frailty_index"] = fi["frailty_index"].to_numpy(dtype=float)
        n_ex = int(fi["fi_excluded"].sum())
        if n_ex:
            log.add(
                f"Frailty index: {n_ex} participant(s) missing more than 20% of the "
                f"{len(sec.deficits)} deficits are excluded (Searle 2008)."
            )
    bone = {"osteosarcopenia", "osteosarcopenia_broad", "osteoporosis"} & set(needed)
    sites = ("t_score_lumbar", "t_score_femoral_neck", "t_score_total_hip")
    if bone and any(s in out.columns for s in sites):
        os_ = log.run(
            "Osteosarcopenia", osteosarcopenia, out, sarcopenia=plan.assessment.definition
        )
        for col in ("osteosarcopenia", "osteosarcopenia_broad", "osteoporosis"):
            out[col] = _as01(os_[col])
    return out
