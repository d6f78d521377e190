"""Biomarker quartiles and quartile trend against R (emmeans, lm) fixtures.

Reference values: tests/stats/fixtures/ref_ancova_trend.json from
tests/stats/r/ref_ancova_trend.R. The R script implements SPSS RANK NTILES
from IBM's documented formula, group = int(1 + r*k/(w+1)) with mean ranks
(IBM SPSS Statistics Command Syntax Reference, RANK, function subcommands),
and percentile groups with quantile(type = 6) (SPSS HAVERAGE).
"""

from __future__ import annotations

import doctest
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sarcostat.stats.trend as trend_module
from sarcostat.exceptions import DataError, ModelError, ParameterError, SchemaError
from sarcostat.stats.trend import quartile_trend, quartiles

FIX = Path(__file__).parent / "fixtures"
REF = json.loads((FIX / "ref_ancova_trend.json").read_text())


def trend_bonf(*args, **kwargs):
    """quartile_trend with the R fixtures' pairwise adjustment (Bonferroni, as Fig. 2)."""
    return quartile_trend(*args, adjust="bonferroni", **kwargs)


RTOL = 1e-6
ADJ = ["age_yr", "bmi", "sex_male"]


@pytest.fixture(scope="module")
def sim():
    return pd.read_csv(FIX / "sim_cohort.csv")


def close(actual, expected, rtol=RTOL):
    np.testing.assert_allclose(
        np.asarray(actual, dtype=float), np.asarray(expected, dtype=float), rtol=rtol
    )


def as_groups(values):
    return [pd.NA if v is None else v for v in values]


# ------------------------------------------------------------------ quartiles
def test_ntiles_n129_split():
    ref = REF["quartiles"]["n129"]
    x = pd.Series(ref["x"], dtype=float)
    q = quartiles(x)
    # SPSS RANK /NTILES(4), n = 129: 32/32/33/32
    assert q.sizes == (32, 32, 33, 32)
    assert q.groups.tolist() == as_groups(ref["ntiles4"])
    assert str(q.groups.dtype) == "Int64"
    # boundaries: rank 32 -> Q1, 33 -> Q2; rank 65 (exactly 1 + 65*4/130 = 3) -> Q3
    xs = x.dropna().sort_values()
    assert q.groups[xs.index[31]] == 1 and q.groups[xs.index[32]] == 2
    assert q.groups[xs.index[63]] == 2 and q.groups[xs.index[64]] == 3
    assert q.groups[xs.index[96]] == 3 and q.groups[xs.index[97]] == 4


def test_ntiles_ties_share_a_group():
    ref = REF["quartiles"]["ties"]
    x = pd.Series(ref["x"], dtype=float, name="sclerostin")
    q4 = quartiles(x)
    assert q4.groups.tolist() == as_groups(ref["ntiles4"])
    assert quartiles(x, k=3).groups.tolist() == as_groups(ref["ntiles3"])
    for value in x.dropna().unique():
        assert q4.groups[x == value].nunique() == 1
    # the four 7s have mean rank 11.5: int(1 + 11.5*4/18) = 3, all in Q3
    assert set(q4.groups[x == 7]) == {3}
    assert q4.groups[x.isna()].isna().all()


def test_percentile_groups_and_cut_points():
    ref = REF["quartiles"]["ties"]
    x = pd.Series(ref["x"], dtype=float)
    q = quartiles(x, method="percentile")
    # R: quantile(x, type = 6); x <= cut goes to the lower group
    close(q.cut_points, ref["pct4_cuts"])
    close(q.cut_points, np.percentile(x.dropna(), [25, 50, 75], method="weibull"))
    assert q.groups.tolist() == as_groups(ref["pct4"])
    assert set(q.groups[x == 3.0]) == {1}  # equal to the 25th percentile (3)


def test_sim_cohort_groups(sim):
    ref = REF["quartiles"]["sim"]
    q = quartiles(sim["biomarker"])
    assert q.groups.tolist() == as_groups(ref["ntiles4"])
    assert q.meta["n"] == 151 and q.meta["n_missing"] == 6
    assert sum(q.sizes) == 151
    qp = quartiles(sim["biomarker"], method="percentile")
    assert qp.groups.tolist() == as_groups(ref["pct4"])
    close(qp.cut_points, ref["pct4_cuts"])
    assert quartiles(sim["biomarker"], k=5).groups.tolist() == as_groups(ref["ntiles5"])
    # table: ranges and cut points are consistent
    t = q.table
    assert t["n"].tolist() == list(q.sizes)
    assert (t["max"].iloc[:-1].to_numpy() == np.array(q.cut_points)).all()
    assert (t["min"].iloc[1:].to_numpy() > np.array(q.cut_points)).all()
    assert "sizes 37/38/38/38" in q.notes[0]


def test_quartiles_errors():
    with pytest.raises(ParameterError, match="'k' parameter of quartiles"):
        quartiles([1.0, 2.0, 3.0], k=1)
    with pytest.raises(ParameterError, match="'method' parameter of quartiles"):
        quartiles([1.0, 2.0, 3.0], method="dplyr")
    with pytest.raises(SchemaError, match="must be numeric"):
        quartiles(pd.Series(["a", "b", "c", "d"], name="grade"))
    with pytest.raises(DataError, match="3 non-missing value"):
        quartiles([1.0, 2.0, None, 3.0])


# -------------------------------------------------------------- quartile trend
def check_trend(res, ref, *, means_key="means_proportion"):
    assert res.fit.n == ref["n"]
    # R: emmeans(ref_grid(lm(y ~ factor(q) + covs), cov.keep = "1"), "qf")
    m = ref[means_key]
    close(res.means["estimate"], m["emmean"])
    close(res.means["se"], m["SE"])
    close(res.means["ci_lower"], m["lower.CL"])
    close(res.means["ci_upper"], m["upper.CL"])
    assert res.means["label"].tolist() == ["Q1", "Q2", "Q3", "Q4"]
    close(res.means["x_median"], ref["medians"])
    # R: summary(pairs(emm, adjust = "bonferroni"), infer = TRUE)
    p = ref["pairs_bonferroni"]
    assert [re.sub(r"\D", "", c) for c in res.contrasts["contrast"]] == [
        re.sub(r"\D", "", c) for c in p["contrast"]
    ]
    close(res.contrasts["estimate"], p["estimate"])
    close(res.contrasts["p_value"], p["p.value"])
    close(res.contrasts["ci_lower"], p["lower.CL"])
    close(res.contrasts["ci_upper"], p["upper.CL"])
    q14 = res.q1_vs_qk.iloc[0]
    assert q14["contrast"] == "Q1 - Q4"
    close(q14["p_value"], p["p.value"][2])
    # R: car::Anova(type = 3), row of the quartile factor
    close(res.p_overall, ref["anova"]["p"][1])


@pytest.mark.parametrize("trend", ["score", "median", "poly"])
def test_trend_smi_adjusted(sim, trend):
    ref = REF["trend"]["smi_adjusted"]
    res = trend_bonf(sim, outcome="smi", biomarker="biomarker", covariates=ADJ, trend=trend)
    check_trend(res, ref)
    # score/median: summary(lm(smi ~ qscore + covs))$coefficients; poly: contrast(emm, "poly")
    t = res.trend.iloc[0]
    close(
        [t["estimate"], t["se"], t["statistic"], t["p_value"], t["df"]],
        [ref[trend][k] for k in ("estimate", "se", "t", "p", "df")],
    )
    close(res.p_trend, ref[trend]["p"])
    assert res.grouping.meta["n"] == 151  # grouped over all with a biomarker value
    assert res.fit.n < 151


@pytest.mark.parametrize("name", ["grip_adjusted", "sps_adjusted"])
def test_trend_other_outcomes(sim, name):
    ref = REF["trend"][name]
    outcome = {"grip_adjusted": "grip_kg", "sps_adjusted": "sps"}[name]
    res = trend_bonf(sim, outcome=outcome, biomarker="biomarker", covariates=ADJ)
    check_trend(res, ref)
    close(res.p_trend, ref["score"]["p"])


def test_trend_unadjusted_bundle(sim):
    res = trend_bonf(sim, outcome="sps", biomarker="biomarker", covariates=ADJ)
    check_trend(res.unadjusted, REF["trend"]["sps_unadjusted"])
    close(res.unadjusted.p_trend, REF["trend"]["sps_unadjusted"]["score"]["p"])
    long = res.to_long_frame()
    assert long["model"].value_counts().to_dict() == {"unadjusted": 4, "adjusted": 4}
    direct = trend_bonf(sim, outcome="smi", biomarker="biomarker")
    check_trend(direct, REF["trend"]["smi_unadjusted"])
    assert direct.unadjusted is None


def test_trend_factor_mode(sim):
    res = trend_bonf(
        sim, outcome="smi", biomarker="biomarker", covariates=ADJ, binary_covariates="factor"
    )
    check_trend(res, REF["trend"]["smi_adjusted"], means_key="means_factor")


def test_trend_percentile_grouping(sim):
    ref = REF["trend"]["grip_adjusted_pct"]
    res = trend_bonf(
        sim, outcome="grip_kg", biomarker="biomarker", covariates=ADJ, method="percentile"
    )
    check_trend(res, ref)
    close(res.p_trend, ref["score"]["p"])
    assert res.meta["method"] == "percentile"


def test_precomputed_groups(sim):
    q = quartiles(sim["biomarker"])
    a = trend_bonf(sim, outcome="smi", biomarker="biomarker", covariates=ADJ)
    b = trend_bonf(sim, outcome="smi", biomarker="biomarker", covariates=ADJ, groups=q)
    c = quartile_trend(
        sim, outcome="smi", biomarker="biomarker", covariates=ADJ, groups=q.groups, trend="median"
    )
    close(b.means["estimate"], a.means["estimate"])
    close(b.p_trend, a.p_trend)
    close(c.p_trend, REF["trend"]["smi_adjusted"]["median"]["p"])


def test_trend_notes_and_input_untouched(sim):
    before = sim.copy()
    res = trend_bonf(sim, outcome="smi", biomarker="biomarker", covariates=ADJ)
    pd.testing.assert_frame_equal(sim, before)
    text = " ".join(res.notes)
    assert "NTILES(4)" in text and "sizes 37/38/38/38" in text
    assert "quartile score 1-4" in text
    assert "Bonferroni-adjusted for 6 comparisons" in text


def test_trend_errors(sim):
    with pytest.raises(ParameterError, match="'trend' parameter of quartile_trend"):
        trend_bonf(sim, outcome="smi", biomarker="biomarker", trend="linear")
    with pytest.raises(ParameterError, match="distinct"):
        trend_bonf(sim, outcome="smi", biomarker="biomarker", covariates=["biomarker"])
    tied = sim.assign(biomarker=np.where(sim["biomarker"] > 30, 50.0, sim["biomarker"]))
    with pytest.raises(ModelError, match="fewer than 2 participants"):
        quartile_trend(tied, outcome="smi", biomarker="biomarker")
    with pytest.raises(ParameterError, match="aligned"):
        quartile_trend(
            sim,
            outcome="smi",
            biomarker="biomarker",
            groups=pd.Series([1, 2, 3, 4], index=[1000, 1001, 1002, 1003]),
        )


def test_docstring_examples():
    failures, attempted = doctest.testmod(trend_module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert attempted > 5 and failures == 0


def test_unadjusted_same_sample_even_with_duplicate_index(sim):
    # Index labels repeat (e.g. a frame built by concatenation): the unadjusted
    # model must still use exactly the adjusted model's rows.
    d = sim.set_axis(np.arange(len(sim)) // 2)
    res = trend_bonf(d, outcome="smi", biomarker="biomarker", covariates=ADJ, unadjusted="same")
    assert res.unadjusted.fit.n == res.fit.n == REF["trend"]["smi_adjusted"]["n"]
    own = trend_bonf(d, outcome="smi", biomarker="biomarker", covariates=ADJ)
    assert own.unadjusted.fit.n == REF["trend"]["smi_unadjusted"]["n"] > own.fit.n


def test_adjust_option_and_former_posthoc_name(sim):
    ref = REF["trend"]["smi_adjusted"]["pairs_bonferroni"]
    a = quartile_trend(
        sim, outcome="smi", biomarker="biomarker", covariates=ADJ, adjust="none", unadjusted="none"
    )
    # unadjusted pairwise p times 6 comparisons is R's Bonferroni p (capped at 1)
    close(np.minimum(1, a.contrasts["p_value"] * 6), ref["p.value"])
    b = quartile_trend(
        sim, outcome="smi", biomarker="biomarker", covariates=ADJ, posthoc="none", unadjusted="none"
    )
    close(b.contrasts["p_value"], a.contrasts["p_value"])
    assert b.meta["adjust"] == "none"
    # The default is the same as ls_means': SPSS EMMEANS' LSD (no adjustment).
    d = quartile_trend(sim, outcome="smi", biomarker="biomarker", covariates=ADJ, unadjusted="none")
    assert d.meta["adjust"] == "lsd"
    close(d.contrasts["p_value"], a.contrasts["p_value"])
    with pytest.raises(ParameterError, match="former name of 'adjust'"):
        quartile_trend(sim, outcome="smi", biomarker="biomarker", adjust="sidak", posthoc="none")
    with pytest.raises(ParameterError, match="'adjust' parameter of quartile_trend"):
        quartile_trend(sim, outcome="smi", biomarker="biomarker", adjust="holm")
