"""The simulator's split units and the cut-offs they read from assess/ (issue 14 points 1 and 6)."""

import math
from pathlib import Path

from sarcostat.assess.definitions import awgs2019
from sarcostat.datasets import _sim_model


def test_bins_are_the_nia_bins_as_half_open_intervals():
    # the literal bins the simulator used before it read them from assess.sppb
    assert _sim_model._GAIT_BINS == (
        (4, 0.0, 4.82),
        (3, 4.82, 6.21),
        (2, 6.21, 8.71),
        (1, 8.71, math.inf),
    )
    assert _sim_model._CHAIR_BINS == (
        (4, 0.0, 11.20),
        (3, 11.20, 13.70),
        (2, 13.70, 16.70),
        (1, 16.70, 60.0),
    )


def test_cutoffs_come_from_the_awgs2019_table():
    rows = {(c.measure, c.sex, c.device): c.value for c in awgs2019.CUTOFFS}
    assert _sim_model._SMI_CUT == {
        True: rows["smi", "male", "bia"],
        False: rows["smi", "female", "bia"],
    }
    assert _sim_model._GRIP_CUT == {
        True: rows["grip_kg", "male", "any"],
        False: rows["grip_kg", "female", "any"],
    }
    assert _sim_model._GAIT_CUT == rows["gait_speed_m_s", "any", "any"]
    assert _sim_model._CHAIR_CUT == rows["chair_stand_5x_s", "any", "any"]
    assert _sim_model._SPPB_CUT == rows["sppb_total", "any", "any"]


def test_no_clinical_number_restated_in_datasets():
    src = Path(_sim_model.__file__).parent
    text = "".join(p.read_text() for p in src.glob("*.py"))
    for literal in ("7.0, False: 5.7", "28.0, False: 18.0", "_GAIT_CUT = 1.0", "(3, 4.82, 6.21)"):
        assert literal not in text
