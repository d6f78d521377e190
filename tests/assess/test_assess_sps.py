"""Sarcopenia phenotype score (seed study): count of 3 AWGS 2019 items."""

import numpy as np
import pandas as pd

from sarcostat.assess.sps import sarcopenia_phenotype_score


def test_counts_and_unknowns():
    df = pd.DataFrame(
        {
            "sex": ["female", "female", "male", "male", "male"],
            "muscle_mass_method": ["bia"] * 5,
            "smi": [5.4, 6.0, 7.5, 6.5, 6.5],
            "grip_kg": [17.0, 20.0, 30.0, np.nan, 25.0],
            "gait_speed_m_s": [0.9, 1.2, 1.0, 0.8, np.nan],
            "gait_unable": [False, False, False, False, True],
            # chair stand is not an SPS item: a slow chair stand must not count
            "chair_stand_5x_s": [20.0, 20.0, 20.0, 20.0, 20.0],
        }
    )
    sps = sarcopenia_phenotype_score(df)
    assert sps.dtype == "Int64" and sps.name == "sps"
    assert sps.tolist() == [3, 0, 0, pd.NA, 3]
