"""Bad inputs give a per-biomarker message in the output (or one clear error
for the whole table), never a crash or a silently wrong number."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.exceptions import DataError, ParameterError, SchemaError
from sarcostat.stats.screen import adjust_pvalues, screen

COVS = ["age_yr", "sex_male", "bmi"]


def _msg(res, outcome, x):
    t = res.table
    return t[(t.outcome == outcome) & (t.biomarker == x)].iloc[0]


def test_non_numeric_and_constant_columns_get_messages(data):
    cohort, bio = data
    bio = bio.copy()
    bio["text"] = bio["x0"].astype(str)
    bio.loc[5, "text"] = "<3.2"
    bio["numeric_text"] = bio["x2"].map(lambda v: "" if np.isnan(v) else f"{v:.6f}")
    bio["const"] = 4.2
    bio["empty"] = np.nan
    res = screen(cohort, bio, outcomes=["smi", "sarcopenia"], covariates=COVS)
    for outcome in ("smi", "sarcopenia"):
        r = _msg(res, outcome, "text")
        assert (
            "not numeric" in r["message"]
            and "'<3.2'" in r["message"]
            and f"id={bio.loc[5, 'id']}" in r["message"]
        )
        assert np.isnan(r["estimate"]) and np.isnan(r["p_value"])
        assert "constant" in _msg(res, outcome, "const")["message"]
        assert "too few" in _msg(res, outcome, "empty")["message"]
        # numbers stored as text are numbers
        ok = _msg(res, outcome, "numeric_text")
        assert ok["message"] == "" and np.isfinite(ok["p_value"])
    # failed rows are not part of the BH family
    fam = res.families.set_index("outcome")["n_tests"]
    assert fam["smi"] == bio.shape[1] - 1 - 3


def test_biomarker_collinear_with_covariate(data):
    cohort, bio = data
    bio = bio.copy()
    bio["age_copy"] = cohort["age_yr"] * 2 + 1
    res = screen(cohort, bio, outcomes=["smi", "sarcopenia"], covariates=COVS)
    assert "collinear" in _msg(res, "smi", "age_copy")["message"]
    assert "collinear" in _msg(res, "sarcopenia", "age_copy")["message"]


def test_outcome_with_one_class_gives_message_per_biomarker(data):
    cohort, bio = data
    cohort = cohort.assign(never=0.0)
    res = screen(cohort, bio, outcomes=["never"], covariates=COVS)
    assert (res.table["message"].str.contains("single class")).all()
    assert res.table["p_value"].isna().all()


def test_separation_is_reported_not_estimated(data):
    cohort, bio = data
    cohort = cohort.copy()
    bio = bio.copy()
    # complete separation: every case above every non-case
    bio["sep"] = np.where(cohort["sarcopenia"] == 1, 1.0, 0.0) + np.linspace(0, 0.9, len(bio))
    res = screen(cohort, bio, outcomes="sarcopenia", covariates=COVS)
    r = _msg(res, "sarcopenia", "sep")
    assert "separation" in r["message"] and np.isnan(r["odds_ratio"])
    firth = screen(cohort, bio, outcomes="sarcopenia", covariates=COVS, firth=True)
    rf = _msg(firth, "sarcopenia", "sep")
    assert rf["message"] == "" and np.isfinite(rf["odds_ratio"]) and rf["odds_ratio"] > 1


def test_ids_that_do_not_match_give_messages_not_a_crash(data):
    cohort, bio = data
    other = bio.assign(id=[f"Q{i}" for i in range(len(bio))])
    res = screen(cohort, other, outcomes=["smi", "sarcopenia"], covariates=COVS)
    assert (res.table["message"] == "no biomarker row matches a cohort participant id").all()
    assert any("No biomarker id matches" in n for n in res.notes)


def test_partial_id_overlap_is_noted_and_uses_matched_rows(data):
    cohort, bio = data
    part = bio.iloc[20:].copy()
    part.loc[part.index[0], "id"] = "NOT-IN-COHORT"
    res = screen(cohort, part, outcomes="smi", covariates=COVS)
    assert any("21 cohort participant(s) have no biomarker row" in n for n in res.notes)
    assert any("NOT-IN-COHORT" in n for n in res.notes)
    d = cohort.merge(part, on="id")
    assert _msg(res, "smi", "x4")["n"] == d[["smi", "x4", *COVS]].dropna().shape[0]


def test_integer_ids_join_text_ids(data):
    cohort, bio = data
    c2 = cohort.assign(id=range(len(cohort)))
    b2 = bio.assign(id=[str(i) for i in range(len(bio))])
    a = screen(c2, b2, outcomes="smi", covariates=COVS).table
    b = screen(cohort, bio, outcomes="smi", covariates=COVS).table
    np.testing.assert_array_equal(a["p_value"], b["p_value"])


def test_duplicate_biomarker_ids_are_an_error(data):
    cohort, bio = data
    dup = pd.concat([bio, bio.iloc[[3]]])
    with pytest.raises(DataError, match="appears more than once"):
        screen(cohort, dup, outcomes="smi")


def test_missing_columns_and_bad_options(data):
    cohort, bio = data
    with pytest.raises(SchemaError, match="'nope'"):
        screen(cohort, bio, outcomes="nope")
    with pytest.raises(SchemaError, match="'id'"):
        screen(cohort, bio.rename(columns={"id": "pid"}), outcomes="smi")
    with pytest.raises(ParameterError, match="chunk_size"):
        screen(cohort, bio, outcomes="smi", chunk_size=0)
    with pytest.raises(ParameterError, match="confidence"):
        screen(cohort, bio, outcomes="smi", confidence=95)
    with pytest.raises(ParameterError, match="both as outcome and covariate"):
        screen(cohort, bio, outcomes="smi", covariates=["smi"])
    with pytest.raises(DataError, match="outcome 'sex'"):
        screen(cohort.assign(sex="male"), bio, outcomes="sex")


def test_text_covariate_is_dummy_coded_like_sex_male(data):
    cohort, bio = data
    text = cohort.assign(sex=np.where(cohort["sex_male"] == 1, "male", "female"))
    a = screen(text, bio, outcomes="smi", covariates=["age_yr", "sex", "bmi"]).table
    b = screen(cohort, bio, outcomes="smi", covariates=COVS).table
    np.testing.assert_allclose(a["p_value"], b["p_value"], rtol=1e-10)


def test_bh_and_bonferroni_adjustment(data):
    # R: p.adjust(c(0.01, 0.04, 0.03, NA, 0.2), "BH") -> 0.04 0.05333333 0.05333333 NA 0.2
    np.testing.assert_allclose(
        adjust_pvalues([0.01, 0.04, 0.03, np.nan, 0.2]), [0.04, 0.16 / 3, 0.16 / 3, np.nan, 0.2]
    )
    np.testing.assert_allclose(
        adjust_pvalues([0.01, 0.3, np.nan], method="bonferroni"), [0.02, 0.6, np.nan]
    )
    cohort, bio = data
    res = screen(cohort, bio, outcomes=["smi", "sarcopenia"], covariates=COVS, bonferroni=True)
    for outcome in ("smi", "sarcopenia"):
        t = res.table[res.table.outcome == outcome]
        np.testing.assert_allclose(t["q_value"], adjust_pvalues(t["p_value"]))
        np.testing.assert_allclose(
            t["p_bonferroni"], np.minimum(1, t["p_value"] * t["p_value"].notna().sum())
        )
        assert t["family"].iloc[0].startswith(f"{outcome} (")
    assert list(res.families["correction"]) == ["Benjamini-Hochberg + Bonferroni"] * 2


def test_text_columns_the_same_built_by_arrow_or_as_objects(data, monkeypatch):
    """The table's text columns (outcome, biomarker, model, family, a
    column's own message) are built by Arrow's take where pandas holds text
    in Arrow, else as object arrays: the same table either way."""
    import sarcostat.stats.screen as screen_mod

    cohort, bio = data
    bio = bio.copy()
    bio["text"] = bio["x0"].astype(str)
    bio.loc[5, "text"] = "<3.2"
    kw = dict(outcomes=["smi", "sarcopenia"], covariates=COVS, prescreen=0.5)
    fast = screen(cohort, bio, **kw).table
    assert screen_mod._text_dtype() == pd.DataFrame({"t": ["t"]})["t"].dtype
    monkeypatch.setattr(screen_mod, "_text_dtype", lambda: np.dtype(object))
    slow = screen(cohort, bio, **kw).table
    pd.testing.assert_frame_equal(fast.astype(object), slow.astype(object))
    assert set(fast["model"]) >= {"linear", "logistic", "score"}
    assert fast.loc[fast["biomarker"] == "text", "message"].str.contains("'<3.2'").all()
