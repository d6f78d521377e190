"""True/False columns with blanks are three-valued everywhere, never rejected or misread."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sarcostat.assess import classify
from sarcostat.exceptions import DataError
from sarcostat.io import cohort_from_frame
from sarcostat.stats import linear_regression

FLAGS = np.array([True, None, False, True, False, True, None, False], dtype=object)


def test_object_flags_with_blanks_in_models_equal_the_nullable_boolean():
    y = [1.0, 2, 3, 4, 5, 6, 7, 8]
    obj = linear_regression(pd.DataFrame({"y": y, "x": FLAGS}), outcome="y", predictor="x")
    typed = linear_regression(
        pd.DataFrame({"y": y, "x": pd.array(FLAGS, dtype="boolean")}), outcome="y", predictor="x"
    )
    pd.testing.assert_frame_equal(obj.to_frame(), typed.to_frame())
    assert obj.to_frame()["n"].iloc[-1] == 6  # the two blanks are missing, not False


def test_cohort_keeps_flags_three_valued():
    c = cohort_from_frame(
        pd.DataFrame({"id": list("abcdefgh"), "age": 70.0, "diabetes": FLAGS, "gait_unable": FLAGS})
    )
    assert str(c.data["diabetes"].dtype) == "boolean"
    assert c.data["diabetes"].isna().sum() == 2
    assert str(c.data["gait_unable"].dtype) == "boolean" and not c.has_errors


def test_assess_reads_flag_words_not_truthiness():
    base = {
        "id": ["a", "b"],
        "sex": ["male", "male"],
        "gait_speed_m_s": [np.nan, np.nan],
    }
    words = classify(pd.DataFrame({**base, "gait_unable": ["False", "True"]}), "awgs2019")
    typed = classify(pd.DataFrame({**base, "gait_unable": [False, True]}), "awgs2019")
    pd.testing.assert_series_equal(words["slow_gait"], typed["slow_gait"])
    with pytest.raises(
        DataError, match=r"participant \(id=b\) .*'gait_unable': 'maybe' is not True or False"
    ):
        classify(pd.DataFrame({**base, "gait_unable": ["False", "maybe"]}), "awgs2019")
