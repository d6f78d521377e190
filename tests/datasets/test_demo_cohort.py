"""The bundled synthetic demo cohort meets every calibration target of issue 6.

Targets and tolerances come from ``calibration_targets()`` (the seed paper's
printed numbers, bundled as ``seed_tables.json``): means and SDs within half
the last printed digit, correlations within ± 0.05 of Table 2's unadjusted
betas, counts exact. Sarcopenia is derived by ``sarcostat.assess.classify``.
"""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify
from sarcostat.datasets import demo_cohort_path, load_demo
from sarcostat.datasets.simulate import (
    RAW_COLUMNS,
    calibration_targets,
    check_calibration,
    derive,
    max_mean_asm,
)


@pytest.fixture(scope="module")
def raw():
    return pd.read_csv(demo_cohort_path(), dtype={"chair_stand_5x_s": str})


@pytest.fixture(scope="module")
def report(raw):
    return check_calibration(raw)


def test_demo_file_has_the_canonical_raw_columns(raw):
    assert tuple(raw.columns) == RAW_COLUMNS
    assert len(raw) == 129
    assert raw["id"].is_unique
    assert set(raw["muscle_mass_method"]) == {"bia"}


_TARGETS = calibration_targets()


@pytest.mark.parametrize("target", _TARGETS.loc[_TARGETS["reachable"], "target"].tolist())
def test_calibration_target_met(report, target):
    row = report.set_index("target").loc[target]
    assert abs(row["observed"] - row["value"]) < row["tolerance"] or (
        row["tolerance"] == 0 and row["observed"] == row["value"]
    ), row.to_dict()


def test_headline_targets_explicitly(report):
    r = report.set_index("target")["observed"]
    assert r["n sarcopenia"] == 20 and r["n no sarcopenia"] == 109
    assert r["n men"] == 64 and r["men with sarcopenia"] == 8
    assert (
        round(r["sclerostin mean, sarc"], 1) == 30.7 and round(r["sclerostin SD, sarc"], 1) == 13.3
    )
    assert (
        round(r["sclerostin mean, nosarc"], 1) == 46.6
        and round(r["sclerostin SD, nosarc"], 1) == 15.0
    )
    assert round(r["mean age, all"], 1) == 69.6
    # Integer scores: exact sums the printed means imply.
    assert r["sps mean, sarc"] * 20 == pytest.approx(41)
    assert r["sps mean, nosarc"] * 109 == pytest.approx(63)
    assert r["sppb_total mean, sarc"] * 20 == pytest.approx(188)
    for key, beta in [
        ("asm", 0.436),
        ("smi", 0.457),
        ("grip", 0.405),
        ("gait_speed", 0.105),
        ("chair_stand", -0.068),
        ("sppb", 0.052),
        ("sps", -0.325),
    ]:
        assert abs(r[f"r(sclerostin, {key})"] - beta) < 0.05


def test_only_the_printed_asm_moments_are_unreachable(report):
    # The printed ASM contradicts the printed SMI and height (ASM = SMI x h^2):
    # the coherent cohort keeps SMI and documents the gap.
    un = report[~report["reachable"]]
    assert set(un["column"]) == {"asm_kg"} and set(un["kind"]) == {"mean", "sd"}
    # The bound of max_mean_asm: mean(SMI h^2) <= 14.0 kg with sarcopenia.
    assert un.set_index("target").loc["asm_kg mean, sarc", "observed"] < max_mean_asm(
        [156.3, 5.3], [5.6, 0.8]
    )


def test_sarcopenia_is_derived_by_the_awgs2019_module(raw):
    # Through the reader, exactly as a user gets it, and through derive().
    data = load_demo()
    out = classify(data, definition="awgs2019")
    assert out["sarcopenia"].isna().sum() == 0
    assert int(out["sarcopenia"].sum()) == 20
    d = derive(raw)
    assert (
        d["sarcopenia"].astype(bool).to_numpy() == out["sarcopenia"].astype(bool).to_numpy()
    ).all()


def test_physiological_coherence(raw):
    d = derive(raw)
    h2 = (d["height_cm"] / 100) ** 2
    assert np.allclose(d["bmi"], d["weight_kg"] / h2)
    assert np.allclose(d["smi"], d["asm_kg"] / h2)
    assert np.allclose(d["gait_speed_m_s"], 4 / d["gait_time_4m_s"])
    assert (d[["grip_1_kg", "grip_2_kg"]].max(axis=1) == d["grip_kg"]).all()
    men, women = d[d["sex"] == "male"], d[d["sex"] == "female"]
    for col in ("height_cm", "weight_kg", "asm_kg", "smi", "grip_kg"):
        assert men[col].mean() > women[col].mean(), col
    # SPPB from its components, in 0..12; 'unable' chair stand present and scored 0.
    assert d["sppb_total"].between(0, 12).all()
    unable = d["chair_stand_unable"]
    assert unable.any() and (d.loc[unable, "sppb_chair"] == 0).all()
    assert (d["sclerostin"] > 3.2).all()


def test_reader_sees_sclerostin_as_a_biomarker_in_pmol_per_l():
    c = load_demo(as_cohort=True)
    assert not c.has_errors
    assert c.biomarkers == ["sclerostin"]
    assert c.units["sclerostin"] == "pmol/L"
    assert c.protocol["muscle_mass_method"] == "bia"


def test_data_dictionary_says_synthetic():
    text = demo_cohort_path().with_suffix(".md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    for col in RAW_COLUMNS:
        assert f"`{col}`" in text, col


def test_max_mean_asm_bound_is_sharp_and_below_the_printed_asm():
    # The seed's printed values: the bound is far below the printed 18.4 / 23.9 kg.
    assert max_mean_asm([156.3, 5.3], [5.6, 0.8]) == pytest.approx(13.99, abs=0.01)
    assert max_mean_asm([160.8, 9.1], [7.2, 1.3]) == pytest.approx(19.26, abs=0.01)
    # A sample built to push mean(SMI h^2) up: SMI perfectly correlated with
    # h^2, moments at the top of their rounding windows. It stays below the
    # bound and comes within 0.1 kg of it (the bound is nearly sharp).
    rng = np.random.default_rng(0)
    h = rng.standard_normal(20)
    h = 156.35 + 5.35 * (h - h.mean()) / h.std(ddof=0)
    h2 = (h / 100) ** 2
    smi = 5.65 + 0.85 * (h2 - h2.mean()) / h2.std(ddof=0)
    asm = smi * h2
    assert asm.mean() <= max_mean_asm([156.3, 5.3], [5.6, 0.8])
    assert asm.mean() > max_mean_asm([156.3, 5.3], [5.6, 0.8]) - 0.1
    # A printed ASM mean under the bound would be a target like any other.
    assert max_mean_asm([156.3, 5.3], [7.5, 0.8]) > 18.4
