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


@pytest.mark.parametrize("confidence", [0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize(
    "k,n", [(0, 1), (0, 10), (1, 3), (27, 129), (10, 10), (499_999, 1_000_000)]
)
def test_wilson_interval_matches_statsmodels(k, n, confidence):
    # statsmodels is the independent implementation; the R fixtures of
    # test_assess_prevalence_r.py check the same interval against prop.test.
    from statsmodels.stats.proportion import proportion_confint

    from sarcostat.assess.agreement import wilson_interval

    lo, hi = wilson_interval(k, n, confidence)
    want = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert lo == pytest.approx(want[0], rel=1e-12, abs=1e-15)
    assert hi == pytest.approx(want[1], rel=1e-12, abs=1e-15)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


def test_wilson_interval_without_participants_is_nan():
    from sarcostat.assess.agreement import wilson_interval

    assert all(np.isnan(wilson_interval(0, 0)))


def test_classify_loads_neither_statsmodels_nor_scipy_stats(tmp_path):
    # Each costs classify about 0.5 s and 50 MB of peak memory at any size
    # (a bare pandas reader's whole budget on a narrow cohort).
    import subprocess
    import sys

    from sarcostat.datasets import example_cohort_path

    code = (
        "import sys\n"
        "from sarcostat.cli import main\n"
        f"try: main(['classify', {str(example_cohort_path())!r}, '-o', "
        f"{str(tmp_path / 'c.csv')!r}, '-q'])\n"
        "except SystemExit as e: assert not e.code, e.code\n"
        "print(sorted(m for m in sys.modules if m in ('statsmodels', 'scipy.stats')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
