"""ClassificationResult shares the one result base of sarcostat.results."""

import pandas as pd

from sarcostat.assess import ClassificationResult, classify_cohort
from sarcostat.results import StatResult
from sarcostat.stats.result import StatResult as StatsStatResult


def _cohort():
    return pd.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "sex": ["female", "male", "female", "male"],
            "smi": [5.2, 7.5, 6.1, 6.8],
            "muscle_mass_method": ["bia"] * 4,
            "grip_kg": [15.0, 30.0, 20.0, 25.0],
            "gait_speed_m_s": [0.8, 1.2, 1.1, 0.9],
        }
    )


def test_classification_result_is_a_stat_result_with_working_equality():
    assert StatsStatResult is StatResult
    a = classify_cohort(_cohort(), "awgs2019,ewgsop2")
    b = classify_cohort(_cohort(), "awgs2019,ewgsop2")
    assert isinstance(a, ClassificationResult) and isinstance(a, StatResult)
    assert a == b  # DataFrame fields compared by value, no exception
    assert a != classify_cohort(_cohort(), "awgs2019")
    assert len(repr(a).splitlines()) <= 20
    d = a.to_dict()
    assert d["type"] == "ClassificationResult" and len(d["table"]) == 4
    assert "Prevalence of sarcopenia" in a.summary()
