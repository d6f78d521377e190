"""Cohen's kappa algebra and prevalence tables (SE/CI checked against vcd in test_assess_kappa_vcd.py)."""

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import agreement, prevalence
from sarcostat.assess.agreement import kappa_table


def test_kappa_2x2_closed_form():
    # 2x2: po = (a+d)/n, pe from margins; kappa = 2(ad-bc)/((a+b)(b+d)+(a+c)(c+d))
    a, b, c, d = 20, 5, 10, 15
    k = kappa_table([[a, b], [c, d]])
    assert k["kappa"] == pytest.approx(
        2 * (a * d - b * c) / ((a + b) * (b + d) + (a + c) * (c + d))
    )


def test_perfect_agreement_and_degenerate():
    assert kappa_table([[5, 0], [0, 5]])["kappa"] == pytest.approx(1.0)
    assert np.isnan(kappa_table([[5, 0], [0, 0]])["kappa"])
    assert np.isnan(kappa_table([[0, 0], [0, 0]])["kappa"])


def _cohort():
    return pd.DataFrame(
        {
            "sex": ["female", "female", "female", "male", "male", "male"],
            "muscle_mass_method": ["bia"] * 6,
            "smi": [5.0, 5.4, 6.5, 6.5, 7.5, np.nan],
            "asm_kg": [13.0, 14.0, 17.0, 19.0, 24.0, np.nan],
            "grip_kg": [15.0, 17.0, 25.0, 25.0, 40.0, 20.0],
            "gait_speed_m_s": [0.7, 1.1, 1.2, 0.9, 1.3, 0.7],
            "chair_stand_5x_s": [16.0, 10.0, 10.0, 13.0, 9.0, 20.0],
            "sppb_total": [6, 11, 12, 9, 12, 5],
            "tug_s": [15.0, 8.0, 8.0, 9.0, 7.0, 20.0],
        }
    )


def test_prevalence_counts_and_wilson_interval():
    tab = prevalence(_cohort(), ["awgs2019"]).set_index("group")
    # AWGS 2019: rows 0,1 (women) and 3 (man) sarcopenic; row 5 indeterminate (SMI missing)
    assert tab.loc[
        "overall", ["n", "n_classified", "n_indeterminate", "n_sarcopenia"]
    ].tolist() == [6, 5, 1, 3]
    assert tab.loc["female", "prevalence"] == pytest.approx(2 / 3)
    assert tab.loc["male", "n_indeterminate"] == 1
    # R 4.x: prop.test(3, 5, correct = FALSE)$conf.int -> 0.2307242813 0.8823792258
    assert tab.loc["overall", "ci_lower"] == pytest.approx(0.2307242813, rel=1e-6)
    assert tab.loc["overall", "ci_upper"] == pytest.approx(0.8823792258, rel=1e-6)


def test_agreement_pairs_skip_indeterminate():
    ag = agreement(_cohort(), ["awgs2019", "ewgsop2"])
    row = ag.iloc[0]
    assert (row["definition_a"], row["definition_b"]) == ("awgs2019", "ewgsop2")
    assert row["n"] == row["n_both"] + row["n_a_only"] + row["n_b_only"] + row["n_neither"]
    assert row["n"] == 5
    table = [[row["n_both"], row["n_a_only"]], [row["n_b_only"], row["n_neither"]]]
    assert row["kappa"] == pytest.approx(kappa_table(table)["kappa"])


def test_constant_rater_gives_no_interval():
    # one definition finds nobody: kappa is 0 but its SE is degenerate
    k = kappa_table([[0, 1], [0, 9]])
    assert k["kappa"] == pytest.approx(0.0)
    assert np.isnan(k["se"]) and np.isnan(k["ci_lower"])
