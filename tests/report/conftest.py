"""A StudyResult built by hand, so the renderers are tested without the stats layer."""

import math

import pandas as pd
import pytest

from sarcostat.report.study_report import StudyReport as StudyResult
from sarcostat.study.censor import CensoringSummary
from sarcostat.study.plan import Plan


def _table1():
    rows = [
        dict(
            variable="sex",
            level="male",
            kind="categorical",
            count_with=8,
            pct_with=40.0,
            count_without=56,
            pct_without=51.37614678899083,
            test="chi-square test",
            p_value=0.2451,
        ),
        dict(
            variable="sex",
            level="female",
            kind="categorical",
            count_with=12,
            pct_with=60.0,
            count_without=53,
            pct_without=48.62385321100917,
            test="chi-square test",
            p_value=0.2451,
        ),
        dict(
            variable="age_yr",
            level="",
            kind="continuous",
            mean_with=72.44,
            sd_with=5.71,
            mean_without=69.04,
            sd_without=6.2,
            test="Student's t test",
            p_value=0.02612,
        ),
        dict(
            variable="gait_speed_m_s",
            level="",
            kind="continuous",
            mean_with=0.8649,
            sd_with=0.2712,
            mean_without=1.0713,
            sd_without=0.3604,
            test="Student's t test",
            p_value=0.0098,
        ),
        dict(
            variable="sps",
            level="",
            kind="continuous",
            mean_with=2.05,
            sd_with=0.6863,
            mean_without=0.578,
            sd_without=0.63,
            test="Student's t test",
            p_value=1.2e-14,
        ),
    ]
    return pd.DataFrame(rows)


def _fig1():
    rows = []
    for status in ("sarcopenia", "low_muscle_mass"):
        for model in ("unadjusted", "adjusted"):
            for level, est in (("with", 30.7), ("without", 46.6)):
                rows.append(
                    dict(
                        status=status,
                        level=level,
                        model=model,
                        estimate=est,
                        se=3.0,
                        ci_lower=est - 5.9,
                        ci_upper=est + 5.9,
                        n=20 if level == "with" else 109,
                        mean=est,
                        sd=14.0,
                        p_value=0.0003 if model == "unadjusted" else 0.0031,
                    )
                )
    return pd.DataFrame(rows)


def _table2():
    rows = []
    for outcome, (bu, pu, ba, pa) in {
        "smi": (0.4571, 1e-8, 0.1984, 0.0031),
        "chair_stand_5x_s": (-0.0681, 0.448, -0.0021, 0.979),
    }.items():
        rows.append(dict(outcome=outcome, model="unadjusted", std_beta=bu, p_value=pu, n=129))
        rows.append(dict(outcome=outcome, model="adjusted", std_beta=ba, p_value=pa, n=127))
    return pd.DataFrame(rows)


def _fig2():
    rows = []
    for outcome in ("smi", "sps"):
        for model in ("unadjusted", "adjusted"):
            for q in (1, 2, 3, 4):
                est = 6 + 0.3 * q if outcome == "smi" else 1.3 - 0.2 * q
                rows.append(
                    dict(
                        outcome=outcome,
                        model=model,
                        quartile=q,
                        estimate=est,
                        se=0.1,
                        ci_lower=est - 0.2,
                        ci_upper=est + 0.2,
                        n=32,
                        p_trend=0.0029 if outcome == "smi" else 0.016,
                        p_overall=0.01,
                    )
                )
    return pd.DataFrame(rows)


def _table3():
    rows = []
    for outcome, vals in {
        "sarcopenia": [(0.27, 0.14, 0.53, 0.0002), (0.28, 0.13, 0.61, 0.0012)],
        "low_performance": [(0.76, 0.52, 1.08, 0.129), (math.nan, math.nan, math.nan, math.nan)],
    }.items():
        for model, (o, lo, hi, p) in zip(("unadjusted", "adjusted"), vals):
            rows.append(
                dict(
                    outcome=outcome,
                    model=model,
                    odds_ratio=o,
                    or_ci_lower=lo,
                    or_ci_upper=hi,
                    p_value=p,
                    n=129,
                    events=20,
                    epv=5.0,
                    sd=15.9,
                )
            )
    return pd.DataFrame(rows)


def make_result(
    *,
    synthetic=False,
    warnings=("Table 3, sarcopenia (adjusted): 5.0 events per variable is below 10.",),
):
    plan = Plan().replace(
        figure1={"statuses": ["sarcopenia", "low_muscle_mass"]},
        outcomes={
            "continuous": ["smi", "chair_stand_5x_s"],
            "binary": ["sarcopenia", "low_performance"],
        },
    )
    return StudyResult(
        plan=plan,
        biomarker="sclerostin",
        biomarker_label="serum sclerostin",
        biomarker_unit="pmol/L",
        frames={
            "table1": _table1(),
            "fig1": _fig1(),
            "table2": _table2(),
            "fig2": _fig2(),
            "table3": _table3(),
        },
        analyses={},
        cohort={
            "n": 129,
            "n_male": 64,
            "pct_male": 49.6,
            "age_mean": 69.6,
            "age_sd": 6.2,
            "n_group": 20,
            "n_nogroup": 109,
            "pct_group": 15.5,
            "n_indeterminate": 0,
            "definition": "awgs2019",
        },
        censoring=CensoringSummary("sclerostin", "lod_sqrt2", 2, 2, (3.2,)),
        warnings=tuple(warnings),
        source="cohort.csv",
        synthetic=synthetic,
        meta={"version": "0.1.0"},
    )


@pytest.fixture
def result():
    return make_result()


@pytest.fixture
def build():
    """The factory, for tests that need a variant (synthetic=True, ...)."""
    return make_result
