"""Frailty beside sarcopenia in `sarcostat classify`, the [frailty] plan section,
the frailty index's rules, and the simulator's frailty inputs."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess.definitions.frailty_index import parse_deficits
from sarcostat.assess.frailty import frailty_index
from sarcostat.cli import main
from sarcostat.exceptions import DataError, ParameterError, PlanError

ROOT = Path(__file__).resolve().parents[2]
COHORT = ROOT / "tests" / "study" / "fixtures" / "frailty_cohort.csv"
MAP = ROOT / "src" / "sarcostat" / "datasets" / "demo_cohort.toml"
FI = [f"fi_{j:02d}" for j in range(1, 37)]


def _deficit_file(tmp_path):
    p = tmp_path / "fi.toml"
    p.write_text("deficits = [" + ", ".join(f'"{c}"' for c in FI) + "]\ncutoffs = [0.1, 0.21]\n")
    return p


def test_classify_reports_frailty_beside_sarcopenia(tmp_path, capsys):
    out = tmp_path / "cls.csv"
    defs = "awgs2019,fried2001,frail_scale,frailty_index,osteosarcopenia"
    argv = ["classify", str(COHORT), "--map", str(MAP), "--definition", defs]
    assert main([*argv, "--deficits", str(_deficit_file(tmp_path)), "-o", str(out)]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Prevalence (overall; cases / participants classifiable" in text
    assert "AWGS 2019 " in text and "Fried 2001 " in text and "Frailty index frail: " in text
    assert "Fried 2001 vs Frailty index" in text  # a kappa row
    assert "Osteosarcopenia vs AWGS 2019" in text  # frailty vs sarcopenia agreement
    notes = pd.read_csv(tmp_path / "cls_notes.csv")
    assert notes["note"].str.contains("robust FI <= 0.1, frail FI >= 0.21", regex=False).any()
    table = pd.read_csv(out)
    assert list(table.columns).count("id") == 1
    assert {"fried2001_category", "frailty_index_frailty_index", "osteosarcopenia_category"} <= set(
        table.columns
    )


def test_classify_frailty_index_needs_deficits(capsys):
    argv = ["classify", str(COHORT), "--map", str(MAP), "--definition", "frailty_index"]
    assert main(argv) == 2
    assert "--deficits" in capsys.readouterr().err


def test_classify_rejects_too_few_deficits(tmp_path, capsys):
    p = tmp_path / "fi.toml"
    p.write_text('deficits = ["fi_01", "fi_02"]\n')
    argv = ["classify", str(COHORT), "--map", str(MAP), "--definition", "frailty_index"]
    assert main([*argv, "--deficits", str(p)]) == 2
    assert "at least 30 deficits" in capsys.readouterr().err


def test_plan_frailty_section_round_trips_with_tables():
    from sarcostat.study.plan import Plan, load_plan

    spec = [{"column": "adl", "levels": {"none": 0, "some": 0.5, "severe": 1}}] + FI[:29]
    plan = Plan().replace(frailty={"deficits": spec, "definition": "frailty_index"})
    text = plan.to_toml()
    assert "[frailty]" in text and '"levels" = {"none" = 0,' in text
    import tomllib

    again = Plan.from_dict(tomllib.loads(text))
    assert again.frailty == plan.frailty
    with pytest.raises(PlanError, match=r"frailty\.deficits.*at least 30"):
        Plan().replace(frailty={"deficits": FI[:5]})
    with pytest.raises(PlanError, match="fi_cutoffs"):
        Plan().replace(frailty={"fi_cutoffs": [0.3, 0.1]})
    assert load_plan(ROOT / "src" / "sarcostat" / "study" / "frailty_plan.toml").frailty.deficits


def _fi_frame(n_missing):
    rng = np.random.default_rng(0)
    d = pd.DataFrame(rng.integers(0, 2, (len(n_missing), 30)).astype(float), columns=FI[:30])
    for i, k in enumerate(n_missing):
        d.iloc[i, :k] = np.nan
    return d


def test_fi_missing_at_and_beyond_twenty_percent():
    # Searle 2008: more than 20% missing is excluded; 6 of 30 is exactly 20%
    d = _fi_frame([0, 5, 6, 7, 30])
    out = frailty_index(d, FI[:30])
    assert out["fi_excluded"].tolist() == [False, False, False, True, True]
    assert out["category"].tolist()[3:] == ["excluded", "excluded"]
    kept = d.iloc[2, 6:]
    assert out.loc[2, "frailty_index"] == pytest.approx(kept.sum() / 24)
    assert out.loc[3, "reason"].startswith("excluded: 7 of 30 deficits missing (23.3% > 20%)")
    assert out.loc[3, "missing_inputs"] == ", ".join(FI[:7])


def test_fi_cutoffs_boundaries():
    d = pd.DataFrame(np.zeros((3, 100)), columns=[f"x{i}" for i in range(100)])
    d.iloc[1, :8] = 1.0  # FI 0.08: robust (<= 0.08)
    d.iloc[2, :25] = 1.0  # FI 0.25: frail (>= 0.25)
    out = frailty_index(d, list(d.columns))
    assert out["category"].tolist() == ["robust", "robust", "frail"]
    d.iloc[1, 8] = 1.0  # 0.09
    d.iloc[2, 24] = 0.0  # 0.24
    assert frailty_index(d, list(d.columns))["category"].tolist()[1:] == ["pre-frail", "pre-frail"]


def test_fi_bad_values_name_the_participant():
    d = _fi_frame([0, 0])
    d.insert(0, "id", ["P1", "P2"])
    d.loc[1, "fi_03"] = 2.0
    with pytest.raises(
        DataError, match=r"participant \(id=P2\), column 'fi_03': 2 is not a deficit score"
    ):
        frailty_index(d, FI[:30])
    with pytest.raises(DataError, match="lacks 1 declared deficit column"):
        frailty_index(d.drop(columns="fi_04"), FI[:30])
    with pytest.raises(ParameterError, match="twice"):
        parse_deficits(FI[:30] + ["fi_01"])


def test_fi_sex_specific_threshold_and_levels():
    spec = (
        [{"column": "grip_kg", "operator": "<", "male": 28, "female": 18}]
        + [{"column": "adl", "levels": {"no": 0, "yes": 1}}]
        + [f"z{i}" for i in range(28)]
    )
    d = pd.DataFrame({"sex": ["male", "female", None, None], "grip_kg": [27.9, 18.0, 10.0, 20.0]})
    d["adl"] = ["no", "YES", "no", "no"]
    for i in range(28):
        d[f"z{i}"] = 0.0
    out = frailty_index(d, spec)
    assert out["fi_sum"].tolist()[:3] == [1.0, 1.0, 1.0]
    assert out.loc[3, "fi_n_missing"] == 1  # 20 kg: low for men only, sex unknown


def test_simulated_frailty_inputs_leave_the_base_cohort_unchanged():
    from sarcostat.datasets.simulate import RAW_COLUMNS, simulate_cohort

    base = simulate_cohort(150, seed=9)
    with_f = simulate_cohort(150, seed=9, frailty=True)
    pd.testing.assert_frame_equal(with_f[list(RAW_COLUMNS)], base)
    assert "t_score_total_hip" in with_f and "fi_36" in with_f
    from sarcostat.assess.frailty import classify_frailty

    cats = classify_frailty(
        with_f.assign(bmi=with_f.weight_kg / (with_f.height_cm / 100) ** 2).assign(
            grip_kg=with_f[["grip_1_kg", "grip_2_kg"]].max(axis=1),
            gait_speed_m_s=4 / with_f.gait_time_4m_s,
        ),
        "fried2001",
    )
    share = cats["category"].value_counts(normalize=True)
    assert 0.03 < share.get("frail", 0) < 0.35 and 0.3 < share.get("pre-frail", 0) < 0.7
