"""`<biomarker>_lod` and flag columns of Cohort.data, given back as input.

``Cohort.data`` stores a left-censored value as NaN with its limit in
``<biomarker>_lod`` (docs/dev/contracts.md). A DataFrame or file with those
columns (Cohort.data handed to ``cohort_from_frame``, or written out and read
again) must keep them, or censored values silently become missing ones.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _io_helpers import errors

from sarcostat.io import cohort_from_frame, read_cohort


def test_cohort_data_round_trips_its_censored_values(write_csv):
    c = read_cohort(write_csv("id,Sclerostin (pmol/L)\nA,<3.2\nB,41.5\nC,\n"))
    again = cohort_from_frame(c.data)
    assert again.biomarkers == ["sclerostin"] and not again.has_errors
    pd.testing.assert_frame_equal(
        again.data[["sclerostin", "sclerostin_lod"]], c.data[["sclerostin", "sclerostin_lod"]]
    )
    # C has neither value nor limit: missing, not censored.
    assert np.isnan(again.data["sclerostin_lod"][2])
    assert again.mapping["sclerostin_lod"] == "sclerostin_lod"
    assert not [f for f in again.issues if f.rule == "extra_columns"]


def test_an_undeclared_column_with_a_lod_beside_it_is_a_biomarker():
    frame = pd.DataFrame(
        {"id": ["a", "b", "c"], "il6": [2.0, np.nan, np.nan], "il6_lod": [np.nan, 1.5, np.nan]}
    )
    c = cohort_from_frame(frame)
    assert c.biomarkers == ["il6"]
    assert c.data["il6_lod"].tolist()[1] == 1.5
    assert np.isnan(c.data["il6_lod"][0]) and np.isnan(c.data["il6_lod"][2])
    (note,) = [f for f in c.issues if f.rule == "mapping" and f.column == "il6"]
    assert "'il6_lod' beside it" in note.message
    # Without the _lod column the same column is an unused extra, as before.
    assert cohort_from_frame(frame.drop(columns="il6_lod")).biomarkers == []


def test_a_declared_biomarker_takes_its_limits_from_the_lod_column(write_csv):
    path = write_csv("id,SOST,SOST_lod\nA,ND,3.2\nB,40,\nC,<2.5,\n")
    c = read_cohort(
        path, mapping={"biomarkers": {"sclerostin": {"unit": "pmol/L", "column": "SOST"}}}
    )
    # ND is explained by the row's limit; '<2.5' written in the value cell stays.
    assert not c.has_errors
    assert c.data["sclerostin_lod"].tolist()[0] == 3.2 and c.data["sclerostin_lod"][2] == 2.5
    assert c.data["sclerostin"].tolist()[1] == 40


def test_limits_beside_measured_values_are_not_used_and_said_so():
    frame = pd.DataFrame(
        {"id": ["a", "b"], "sclerostin": [40.0, np.nan], "sclerostin_lod": [3.2, 3.2]}
    )
    c = cohort_from_frame(frame)
    assert np.isnan(c.data["sclerostin_lod"][0]) and c.data["sclerostin_lod"][1] == 3.2
    (warn,) = [f for f in c.issues if f.severity == "warning" and f.rule == "censored"]
    assert "1 row with a measured sclerostin value" in warn.message


@pytest.mark.parametrize("bad", ["abc", -1.0, 0.0])
def test_a_limit_that_is_not_a_positive_number_is_an_error(bad):
    frame = pd.DataFrame(
        {
            "id": ["a", "b"],
            "sclerostin": [np.nan, 40.0],
            "sclerostin_lod": pd.Series([bad, np.nan], dtype=object),
        }
    )
    (err,) = errors(cohort_from_frame(frame))
    assert err.column == "sclerostin_lod" and err.participant_id == "a"


def test_unable_flags_given_as_columns_are_kept():
    frame = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "chair_stand_5x_s": [np.nan, 12.0, np.nan],
            "chair_stand_unable": [True, False, False],
        }
    )
    c = cohort_from_frame(frame)
    assert c.data["chair_stand_unable"].tolist() == [True, False, False]
    assert "chair_stand_unable_extra" not in c.data.columns
    # An 'unable' cell still sets the flag when the column says False.
    c2 = cohort_from_frame(frame.assign(chair_stand_5x_s=["unable", 12.0, "unable"]))
    assert c2.data["chair_stand_unable"].tolist() == [True, False, True]
    (err,) = errors(cohort_from_frame(frame.assign(chair_stand_unable=["maybe", False, False])))
    assert err.column == "chair_stand_unable" and "'maybe'" in err.message
