"""One failing and one passing case for every validation rule."""

from __future__ import annotations

import numpy as np
import pytest
from _io_helpers import errors, rules
from hypothesis import given, settings
from hypothesis import strategies as st

from sarcostat.exceptions import DataError
from sarcostat.io import cohort_from_frame, findings_to_frame, read_cohort


def read(write_csv, text, **kw):
    return read_cohort(write_csv(text), **kw)


# ----------------------------------------------------------------- ids


def test_missing_and_duplicate_ids(write_csv):
    c = read(write_csv, "id,age\nP1,70\n,71\nP1,72\nP2,73\n")
    (miss,) = errors(c, "missing_id")
    assert miss.row == 3
    (dup,) = errors(c, "duplicate_id")
    assert dup.row == 4 and dup.value == "P1" and "first at row 2" in dup.message
    ok = read(write_csv, "id,age\nP1,70\nP2,71\n")
    assert not ok.has_errors


def test_no_id_column_is_an_error(write_csv):
    c = read(write_csv, "age,sex\n70,F\n")
    (err,) = errors(c, "missing_id")
    assert "no participant id column" in err.message


# ----------------------------------------------------------- non-numeric


def test_non_numeric_value_names_id_column_and_value(write_csv):
    c = read(write_csv, "id,height\nS0123,170\nS0124,1 70\n")
    (err,) = errors(c, "non_numeric")
    assert (
        err.message == "cohort.csv, row 3 (id=S0124), column 'height_cm': '1 70' is not a number."
    )
    assert (err.participant_id, err.column, err.value) == ("S0124", "height_cm", "1 70")
    assert np.isnan(c.data["height_cm"][1])
    assert not read(write_csv, "id,height\nS0123,170\nS0124,171\n").has_errors


def test_missing_value_words_are_missing_not_errors(write_csv):
    c = read(write_csv, "id,grip\nP1,NA\nP2,not done\nP3,.\nP4,30\n")
    assert not c.has_errors
    assert c.data["grip_kg"].isna().tolist() == [True, True, True, False]


# ----------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    "header,column,low,high,unit",
    [
        ("height", "height_cm", 100, 220, "cm"),
        ("age", "age_yr", 18, 120, "yr"),
        ("grip", "grip_kg", 0, 100, "kg"),
        ("gait_speed", "gait_speed_m_s", 0.05, 3, "m/s"),
        ("smi", "smi", 2, 15, "kg/m²"),
    ],
)
def test_plausible_range_boundaries(write_csv, header, column, low, high, unit):
    eps = 0.01 if high <= 3 else 0.5
    c = read(write_csv, f"id,{header}\nA,{low}\nB,{high}\nC,{low - eps}\nD,{high + eps}\n")
    errs = errors(c, "range")
    assert [e.participant_id for e in errs] == ["C", "D"]
    assert f"below the allowed minimum {low:g} {unit}." in errs[0].message
    assert f"above the allowed maximum {high:g} {unit}." in errs[1].message
    assert errs[0].message.startswith(f"cohort.csv, row 4 (id=C), column '{column}': ")


def test_range_message_matches_the_documented_template(write_csv):
    c = read(write_csv, "id,grip_kg\nS0123,-3\n")
    (err,) = errors(c)
    assert (
        err.message
        == "cohort.csv, row 2 (id=S0123), column 'grip_kg': -3.0 is below the allowed minimum 0 kg."
    )


def test_scores_must_be_whole_numbers(write_csv):
    c = read(write_csv, "id,sppb\nA,7.5\nB,12\n")
    (err,) = errors(c, "range")
    assert err.participant_id == "A" and "whole number" in err.message


# ------------------------------------------------------------------ units


def test_height_in_metres_is_flagged(write_csv):
    one = read(write_csv, "id,height\nA,1.62\nB,170\n")
    (err,) = errors(one)
    assert err.rule == "unit" and err.participant_id == "A" and "looks like metres" in err.message
    every = read(write_csv, "id,height\nA,1.62\nB,1.70\n")
    (err,) = errors(every)
    assert err.rule == "unit" and err.row is None and "declare unit = 'm'" in err.message


def test_declared_metres_are_converted_and_checked(write_csv, tmp_path):
    m = tmp_path / "map.toml"
    m.write_text('[columns]\nheight = {name = "height_cm", unit = "m"}\n')
    c = read(write_csv, "id,height\nA,1.62\nB,170\n", mapping=m)
    assert c.data["height_cm"][0] == pytest.approx(162.0)
    (err,) = errors(c)
    assert (
        err.rule == "unit" and err.participant_id == "B" and "looks like centimetres" in err.message
    )


def test_pounds_in_header_are_converted(write_csv):
    c = read(write_csv, "id,Weight (lb),HGS_lb\nA,154.3,66\n")
    assert c.data["weight_kg"][0] == pytest.approx(154.3 * 0.45359237)
    assert c.data["grip_kg"][0] == pytest.approx(66 * 0.45359237)
    assert not c.has_errors


# -------------------------------------------------------------- consistency


def test_bmi_checked_against_weight_and_height(write_csv):
    # 70 / 1.7^2 = 24.22
    ok = read(write_csv, "id,height,weight,bmi\nA,170,70,24.7\n")
    assert not ok.has_errors and ok.data["bmi"][0] == 24.7
    bad = read(write_csv, "id,height,weight,bmi\nA,170,70,24.8\n")
    (err,) = errors(bad)
    assert err.rule == "bmi" and "24.22" in err.message


def test_bmi_derived_when_absent(write_csv):
    c = read(write_csv, "id,height,weight\nA,170,70\n")
    assert c.data["bmi"][0] == pytest.approx(70 / 1.7**2)


def test_smi_derived_and_checked(write_csv):
    c = read(
        write_csv,
        "id,height,asm,smi\nA,160,17.92,7.0\nB,160,17.92,7.3\n",
        mapping={"protocol": {"muscle_mass_method": "dxa"}},
    )
    assert c.data["smi"][0] == 7.0
    (err,) = errors(c)
    assert err.rule == "smi" and err.participant_id == "B"
    d = read(
        write_csv,
        "id,height,asm\nA,160,17.92\n",
        mapping={"protocol": {"muscle_mass_method": "bia"}},
    )
    assert d.data["smi"][0] == pytest.approx(7.0)
    assert d.data["muscle_mass_method"][0] == "bia"


def test_sarc_f_total_derived_and_checked(write_csv):
    head = "id,sarc_f_strength,sarc_f_walking,sarc_f_chair,sarc_f_stairs,sarc_f_falls"
    c = read(write_csv, head + "\nA,1,0,2,1,0\nB,1,,2,1,0\n")
    assert c.data["sarc_f_total"][0] == 4
    assert np.isnan(c.data["sarc_f_total"][1])  # not all items: no total
    bad = read(write_csv, head + ",sarc_f_total\nA,1,0,2,1,0,5\nB,1,0,2,1,0,4\n")
    (err,) = errors(bad)
    assert err.rule == "sarc_f_total" and err.participant_id == "A"


def test_grip_is_best_of_trials_and_given_best_is_checked(write_csv):
    c = read(write_csv, "id,grip_1,grip_2,grip_3\nA,20,24.5,\nB,,,\n")
    assert c.data["grip_kg"][0] == 24.5 and np.isnan(c.data["grip_kg"][1])
    assert list(c.data.columns[:4]) == ["id", "grip_1_kg", "grip_2_kg", "grip_3_kg"]
    w = read(write_csv, "id,grip_1,grip_2,grip_kg\nA,20,24.5,24.5\nB,20,24.5,20\n")
    assert [f.participant_id for f in w.issues if f.rule == "grip"] == ["B"]
    assert not w.has_errors  # a warning: the given value is kept


def test_gait_speed_from_time_and_distance(write_csv):
    c = read(write_csv, "id,gait_time\nA,4\nB,5\n")
    assert c.data["gait_speed_m_s"].tolist() == [1.0, 0.8]
    c6 = read(write_csv, "id,gait_time\nA,6\n", mapping={"protocol": {"gait_distance_m": 6}})
    assert c6.data["gait_speed_m_s"][0] == 1.0
    row = read(write_csv, "id,gait_time,gait_distance\nA,3,3\nB,4,\n")
    assert row.data["gait_speed_m_s"].tolist() == [1.0, 1.0]
    disagree = read(write_csv, "id,gait_time,gait_speed\nA,4,1.0\nB,4,1.5\n")
    assert [f.participant_id for f in disagree.issues if f.rule == "gait"] == ["B"]


def test_a_gait_speed_alone_gets_no_made_up_course(write_csv):
    # A speed without a walk time (a biobank extract) says nothing of the
    # course: no 4 m is assumed, and the protocol notes claim none.
    from sarcostat.assess.protocol import protocol_notes

    c = read(write_csv, "id,gait_speed\nA,0.9\nB,1.2\n")
    assert c.data["gait_speed_m_s"].tolist() == [0.9, 1.2]
    assert "gait_distance_m" not in c.data.columns
    assert "gait_distance_m" not in c.protocol
    assert not [n for n in protocol_notes(c.data, c.protocol) if "Gait speed measured" in n]
    # a course the map states is kept and reported
    c6 = read(write_csv, "id,gait_speed\nA,0.9\n", mapping={"protocol": {"gait_distance_m": 6}})
    assert c6.data["gait_distance_m"].tolist() == [6.0]
    assert "Gait speed measured over 6 m, unrecorded start." in protocol_notes(c6.data, c6.protocol)


# --------------------------------------------------- unable / not done


def test_unable_chair_stand_gait_and_balance(write_csv):
    c = read(
        write_csv,
        "id,chair_stand,gait_time,tandem\nA,unable,Unable,unable\nB,not done,,5\nC,11.2,4.1,10\n",
    )
    assert not c.has_errors
    d = c.data
    assert d["chair_stand_unable"].tolist() == [True, False, False]
    assert np.isnan(d["chair_stand_5x_s"][0]) and np.isnan(d["chair_stand_5x_s"][1])
    assert d["gait_unable"].tolist() == [True, False, False]
    assert d["tandem_s"].tolist() == [0.0, 5.0, 10.0]


def test_unable_is_not_accepted_for_grip(write_csv):
    c = read(write_csv, "id,grip\nA,unable\n")
    (err,) = errors(c, "non_numeric")
    assert "only accepted for chair stand" in err.message


# ----------------------------------------------------------- censoring


def test_below_detection_limit_is_kept_left_censored(write_csv):
    c = read(write_csv, "id,Sclerostin (pmol/L)\nA,<3.2\nB,41.5\n")
    assert not c.has_errors
    assert np.isnan(c.data["sclerostin"][0]) and c.data["sclerostin_lod"][0] == 3.2
    assert c.data["sclerostin"][1] == 41.5 and np.isnan(c.data["sclerostin_lod"][1])
    assert c.units["sclerostin"] == "pmol/L" and c.biomarkers == ["sclerostin"]
    (note,) = [f for f in c.issues if f.rule == "censored"]
    assert note.severity == "info" and "left-censored" in note.message


def test_nd_needs_a_declared_limit(write_csv):
    c = read(write_csv, "id,Sclerostin (pmol/L)\nA,ND\nB,<LOD\n")
    errs = errors(c, "censored")
    assert [(e.participant_id, e.value) for e in errs] == [("A", "ND"), ("B", "<LOD")]
    assert "lod = ..." in errs[0].message
    declared = read(
        write_csv,
        "id,Sclerostin (pmol/L)\nA,ND\nB,<LOD\n",
        mapping={"biomarkers": {"sclerostin": {"unit": "pmol/L", "lod": 3.2}}},
    )
    assert not declared.has_errors
    assert declared.data["sclerostin_lod"].tolist() == [3.2, 3.2]


def test_censored_text_outside_biomarkers_and_negative_concentrations(write_csv):
    c = read(write_csv, "id,grip,IL6_pg_mL\nA,<3,-1\nB,30,2.5\n")
    kinds = sorted((e.rule, e.column) for e in errors(c))
    assert kinds == [("non_numeric", "grip_kg"), ("range", "il6")]


# --------------------------------------------------------------- empty


def test_header_only_and_empty_columns(write_csv):
    c = read(write_csv, "id,age,grip\n")
    assert rules(c, "error") == ["empty"]
    assert len(c.data) == 0
    e = read(write_csv, "id,age,grip,comment\nA,70,,\nB,71,,\n")
    assert not e.has_errors
    assert sorted(f.column for f in e.issues if f.rule == "empty_column") == ["comment", "grip_kg"]
    full = read(write_csv, "id,age,grip\nA,70,30\n")
    assert "empty_column" not in rules(full)
    # A column of 'unable' or censored values is not empty, although it is all NaN.
    unable = read(write_csv, "id,chair_stand,Sclerostin (pmol/L)\nA,unable,<3.2\nB,unable,<3.2\n")
    assert "empty_column" not in rules(unable)


# ------------------------------------------------------------ categories


def test_sex_values_and_codes(write_csv):
    c = read(write_csv, "id,gender\nA,Male\nB,f\nC,x\n")
    (err,) = errors(c, "code")
    assert err.participant_id == "C" and err.value == "x"
    assert c.data["sex"].tolist()[:2] == ["male", "female"]
    coded = read(write_csv, "id,sex\nA,1\nB,2\n")
    (err,) = errors(coded, "code")
    assert err.row is None and "without value labels" in err.message
    mapped = read(
        write_csv, "id,sex\nA,1\nB,2\n", mapping={"codes": {"sex": {"1": "male", "2": "female"}}}
    )
    assert not mapped.has_errors and mapped.data["sex"].tolist() == ["male", "female"]
    mixed = read(
        write_csv,
        "id,sex\nA,1\nB,F\nC,3\n",
        mapping={"codes": {"sex": {"1": "male", "2": "female"}}},
    )
    assert mixed.data["sex"].tolist()[:2] == ["male", "female"]
    (err,) = errors(mixed, "code")
    assert err.participant_id == "C" and "declared in the map" in err.message


def test_muscle_mass_method_warning_when_unknown(write_csv):
    c = read(write_csv, "id,height,asm\nA,160,15\n")
    (w,) = [f for f in c.issues if f.rule == "method"]
    assert w.severity == "warning" and not c.has_errors
    assert c.data["muscle_mass_method"].isna().all()
    col = read(write_csv, "id,height,asm,asm_method\nA,160,15,DEXA\n")
    assert "method" not in rules(col) and col.data["muscle_mass_method"][0] == "dxa"


# ------------------------------------------------------------- API


def test_raise_for_errors_and_findings_frame(write_csv):
    c = read(write_csv, "id,grip\nA,-3\nB,30\n")
    with pytest.raises(DataError, match=r"(?s)1 error.*row 2 \(id=A\)"):
        c.raise_for_errors()
    frame = findings_to_frame(c.issues)
    assert list(frame.columns) == [
        "severity",
        "rule",
        "row",
        "participant_id",
        "column",
        "value",
        "message",
    ]
    assert frame["severity"].iloc[0] == "error" and frame["row"].iloc[0] == 2
    read(write_csv, "id,grip\nA,3\n").raise_for_errors()  # no errors: no exception


def test_cohort_from_frame_uses_the_same_rules():
    import pandas as pd

    c = cohort_from_frame(pd.DataFrame({"Subject": ["a", "b"], "HGS": [30.0, 130.0]}))
    (err,) = errors(c)
    assert err.message.startswith("<DataFrame>, record 2 (id=b), column 'grip_kg'")


# ------------------------------------------------- whole-column unit mistakes


@pytest.mark.parametrize(
    "header,values,likely",
    [
        ("weight", [154, 180, 200, 132], "lb"),
        ("Weight (kg)", [154, 180, 200, 132], "lb"),  # a unit in a header is not proof
        ("grip", [66, 80, 95, 72], "lb"),
        ("grip_1", [66, 80, 95, 72], "lb"),
        ("height", [1.62, 1.70, 1.55], "m"),
        ("height", [64, 70, 62, 68], "in"),
        ("height", [1620, 1750, 1580], "mm"),
        ("gait_speed", [95, 110, 80, 1.1], "cm/s"),
    ],
)
def test_columns_mostly_in_another_unit_are_errors(write_csv, header, values, likely):
    rows = "".join(f"P{k},{v}\n" for k, v in enumerate(values))
    c = read(write_csv, f"id,{header}\n{rows}")
    (err,) = errors(c)
    assert err.rule == "unit" and err.row is None
    assert f"declare unit = '{likely}'" in err.message and f'"{header}"' in err.message


@pytest.mark.parametrize(
    "header,values",
    [
        ("weight", [154, 80, 70, 65]),  # one heavy participant: a plausible value, no finding
        ("weight", [121, 95, 130, 88]),  # exactly half above 120: not "most"
        ("grip", [45, 52, 38, 61]),
    ],
)
def test_plausible_columns_are_not_unit_mistakes(write_csv, header, values):
    rows = "".join(f"P{k},{v}\n" for k, v in enumerate(values))
    assert not read(write_csv, f"id,{header}\n{rows}").has_errors


def test_a_unit_declared_in_the_map_confirms_or_converts(write_csv, tmp_path):
    text = "id,weight\nA,154\nB,180\nC,200\n"
    kg = tmp_path / "kg.toml"
    kg.write_text('[columns]\nweight = {name = "weight_kg", unit = "kg"}\n')
    assert not read(write_csv, text, mapping=kg).has_errors  # a bariatric cohort, confirmed
    lb = tmp_path / "lb.toml"
    lb.write_text('[columns]\nweight = {name = "weight_kg", unit = "lb"}\n')
    c = read(write_csv, text, mapping=lb)
    assert not c.has_errors
    assert c.data["weight_kg"].tolist() == pytest.approx(
        [154 * 0.45359237, 180 * 0.45359237, 200 * 0.45359237]
    )


def test_nd_suggests_the_limit_written_elsewhere_in_the_column(write_csv):
    c = read(write_csv, "id,Sclerostin (pmol/L)\nA,<3.2\nB,ND\nC,40\n")
    (err,) = errors(c)
    assert (
        err.participant_id == "B"
        and "lod = 3.2" in err.message
        and "'<3.2' elsewhere" in err.message
    )
    two = read(write_csv, "id,Sclerostin (pmol/L)\nA,<3.2\nB,ND\nC,<2.5\n")
    assert "lod = ..." in errors(two)[0].message  # two different limits: nothing suggested


def test_censored_values_are_kept_not_dropped_or_replaced(write_csv):
    c = read(
        write_csv,
        "id,IL6_pg_mL\nA,<3.2\nB,< 1.5\nC,4.0\nD,\n",
        biomarkers={"il6": {"unit": "pg/mL", "lod": 3.2}},
    )
    d = c.data
    assert d["il6"].isna().tolist() == [True, True, False, True]
    assert (
        d["il6_lod"].tolist()[:2] == [3.2, 1.5]
        and np.isnan(d["il6_lod"][2])
        and np.isnan(d["il6_lod"][3])
    )


# ------------------------------------- vectorised parsing == cell-by-cell rules

_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "NA",
            "n/a",
            ".",
            "unable",
            "Unable",
            "ND",
            "<LOD",
            "<3.2",
            "< 1,5",
            "1,5",
            "1.5",
            " 12 ",
            "1e3",
            "inf",
            "-0",
            "abc",
            ">5",
            "1 70",
            "<x",
            "nan",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-10, 300),
    st.none(),
    st.text(max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(_CELLS, max_size=40), decimal=st.sampled_from([".", ","]))
def test_column_parsing_equals_the_cell_rule(cells, decimal):
    from sarcostat.io.cells import _Builder
    from sarcostat.io.readers import RawTable

    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    raw = RawTable(["x"], {"x": column}, list(range(2, len(cells) + 2)))
    b = _Builder(raw, decimal)
    kinds, values = b.parse("x")
    expected = [b.parse_number(c) for c in cells]
    assert kinds.tolist() == [k for k, _x in expected]
    np.testing.assert_array_equal(values, np.array([x for _k, x in expected], dtype=float))


@pytest.mark.slow
def test_fifty_thousand_rows_validate_in_a_few_seconds(tmp_path):
    import time

    import pandas as pd

    rng = np.random.default_rng(0)
    n = 50_000
    frame = pd.DataFrame(
        {
            "id": [f"P{i:06d}" for i in range(n)],
            "sex": rng.choice(["M", "F"], n),
            "age": rng.integers(60, 90, n),
            "height": rng.normal(165, 8, n).round(1),
            "weight": rng.normal(65, 10, n).round(1),
            "grip_1": rng.normal(28, 7, n).round(1),
            "grip_2": rng.normal(28, 7, n).round(1),
            "gait_speed": rng.normal(1, 0.2, n).round(2),
            "chair_stand": rng.normal(11, 2, n).round(1).astype(object),
            "Sclerostin (pmol/L)": rng.lognormal(3, 0.5, n).round(2).astype(object),
        }
    )
    frame.loc[::97, "chair_stand"] = "unable"
    frame.loc[::101, "Sclerostin (pmol/L)"] = "<3.2"
    frame.loc[123, "grip_1"] = -4.0
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    start = time.process_time()
    c = read_cohort(path)
    elapsed = time.process_time() - start
    assert len(c.data) == n and elapsed < 5.0, elapsed
    assert any(e.row == 125 and e.column == "grip_1_kg" for e in errors(c, "range"))
    assert int(c.data["chair_stand_unable"].sum()) == len(range(0, n, 97))


def test_data_is_built_once_with_the_documented_dtypes(write_csv):
    c = read(write_csv, "id,sex,age,chair_stand,notes,code\nA,F,70,unable,x,1\nB,M,71,12,,2\n")
    d = c.data
    assert c.data is d  # built on first use, then kept
    assert d["id"].dtype == "str" and d["sex"].dtype == "str" and d["notes"].dtype == "str"
    assert d["age_yr"].dtype == float and d["code"].dtype == float
    assert d["chair_stand_unable"].dtype == bool
    assert d["notes"].isna().tolist() == [False, True]
    assert c.summary() == "cohort.csv: 2 participants, 7 columns; 0 errors, 0 warnings, 4 notes."


def test_derived_values_are_range_checked_once_and_given_ones_not_called_derived(write_csv):
    # 25 / 2.0² = 6.25 kg/m², below the BMI minimum 10 although both parts are plausible.
    c = read(write_csv, "id,height,weight,bmi\nA,200,25,\nB,170,70,8\nC,170,70,24.2\n")
    errs = [(e.participant_id, e.rule) for e in errors(c)]
    assert ("A", "range") in errs and sum(p == "A" for p, _r in errs) == 1
    (a,) = [e for e in errors(c) if e.participant_id == "A"]
    assert "6.25 (derived) is below the allowed minimum 10" in a.message
    b_errs = [e for e in errors(c) if e.participant_id == "B"]
    assert (
        all("(derived)" not in e.message for e in b_errs) and len(b_errs) == 2
    )  # range + bmi mismatch
    assert not [e for e in errors(c) if e.participant_id == "C"]
