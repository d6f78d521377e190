"""Column mapping: automatic recognition, TOML maps, ambiguity, biomarkers."""

from __future__ import annotations

import pytest
from _io_helpers import errors

from sarcostat.exceptions import ParameterError, ReadError, SchemaError
from sarcostat.io import read_cohort
from sarcostat.io.mapping import match_header


@pytest.mark.parametrize(
    "header,expected",
    [
        ("Height (cm)", ("height_cm", "cm")),
        ("Height [m]", ("height_cm", "m")),
        ("height_m", ("height_cm", "m")),
        ("HGS", ("grip_kg", None)),
        ("Grip strength (kg)", ("grip_kg", "kg")),
        ("Grip (dominant hand)", ("grip_kg", None)),
        ("HGS 2", ("grip_2_kg", None)),
        ("grip_trial_1", ("grip_1_kg", None)),
        ("ASM", ("asm_kg", None)),
        ("Sex", ("sex", None)),
        ("gender", ("sex", None)),
        ("M/F", ("sex", None)),
        ("Gait speed (m/s)", ("gait_speed_m_s", "m/s")),
        ("gait_speed_m_s", ("gait_speed_m_s", None)),
        ("5XSTS", ("chair_stand_5x_s", None)),
        ("SARC-F", ("sarc_f_total", None)),
        ("Calf circumference (cm)", ("calf_circumference_cm", "cm")),
    ],
)
def test_common_headers_are_recognised(header, expected):
    got = match_header(header)
    assert got is not None and got[:2] == expected


@pytest.mark.parametrize("header", ["Notes", "Visit date", "CRP", "Group", "weighting_factor"])
def test_other_headers_are_not_recognised(header):
    assert match_header(header) is None


def test_every_automatic_mapping_is_reported(write_csv):
    c = read_cohort(write_csv("Subject,HGS,Height (m)\nA,30,1.70\n"))
    details = [f.detail for f in c.issues if f.rule == "mapping"]
    assert details == [
        "mapped 'Subject' -> id",
        "mapped 'HGS' -> grip_kg",
        "mapped 'Height (m)' -> height_cm (converted from m to cm)",
    ]
    assert c.mapping == {"Subject": "id", "HGS": "grip_kg", "Height (m)": "height_cm"}
    assert c.data["height_cm"][0] == pytest.approx(170.0)
    # Canonical headers are used as they are, without a note.
    plain = read_cohort(write_csv("id,grip_kg\nA,30\n"))
    assert [f for f in plain.issues if f.rule == "mapping"] == []


def test_ambiguity_is_an_error_naming_the_candidates(write_csv):
    with pytest.raises(
        SchemaError, match=r"'HGS', 'Grip strength' could all be grip_kg; sarcostat does not guess"
    ):
        read_cohort(write_csv("id,HGS,Grip strength\nA,30,31\n"))


def test_a_map_resolves_the_ambiguity(write_csv, tmp_path):
    m = tmp_path / "map.toml"
    m.write_text('[columns]\n"Grip strength" = "grip_kg"\n')
    c = read_cohort(write_csv("id,HGS,Grip strength\nA,30,31\n"), mapping=m)
    assert c.data["grip_kg"][0] == 31
    assert c.data["HGS"][0] == 30  # kept under its own header, not lost
    assert any(f.rule == "mapping" and "kept unused" in f.message for f in c.issues)


def test_full_toml_map(write_csv, tmp_path):
    m = tmp_path / "study.toml"
    m.write_text(
        "[columns]\n"
        '"Pt" = "id"\n'
        '"Ht" = {name = "height_cm", unit = "m"}\n'
        '"Wt" = {name = "weight_kg", unit = "lb"}\n'
        '"Gender" = "sex"\n'
        '\n[codes]\nsex = {1 = "male", 2 = "female"}\n'
        '\n[biomarkers]\nsclerostin = {unit = "pmol/L", column = "SOST", lod = 3.2}\n'
        '\n[protocol]\nmuscle_mass_method = "bia"\ngait_distance_m = 6\ngait_start = "static"\n'
    )
    c = read_cohort(
        write_csv("Pt,Ht,Wt,Gender,SOST,CRP\nA,1.60,132.3,2,ND,1.1\nB,1.75,176.4,1,40.2,0.4\n"),
        mapping=m,
    )
    assert not c.has_errors, [f.message for f in c.issues]
    d = c.data
    assert d["height_cm"].tolist() == pytest.approx([160.0, 175.0])
    assert d["weight_kg"].tolist() == pytest.approx([132.3 * 0.45359237, 176.4 * 0.45359237])
    assert d["sex"].tolist() == ["female", "male"]
    assert d["sclerostin_lod"].tolist()[0] == 3.2 and d["sclerostin"].tolist()[1] == 40.2
    assert c.protocol["gait_start"] == "static" and c.protocol["muscle_mass_method"] == "bia"
    assert c.units["sclerostin"] == "pmol/L"
    # An unknown numeric column is kept, but is not turned into a biomarker.
    assert "CRP" in d.columns and c.biomarkers == ["sclerostin"]
    (extra,) = [f for f in c.issues if f.rule == "extra_columns"]
    assert "'CRP'" in extra.message


@pytest.mark.parametrize(
    "toml,match",
    [
        (
            '[columns]\n"Ht" = "height"\n',
            r"'height' is not a canonical column.*Did you mean 'height_cm'",
        ),
        (
            '[columns]\n"Nope" = "height_cm"\n',
            r"names column 'Nope', which cohort.csv does not have",
        ),
        (
            '[columns]\n"Ht" = {name = "height_cm", unit = "furlong"}\n',
            r"unit 'furlong' is not accepted for height_cm",
        ),
        ("[colums]\n", r"unknown section \[colums\].*Did you mean 'columns'"),
        ('[codes]\nsex = {1 = "man"}\n', r"'man' is not one of \['male', 'female'\]"),
        ('[protocol]\nmuscle_mass_method = "mri"\n', r"must be 'bia' or 'dxa'"),
        ("[biomarkers]\nsclerostin = {lod = 3.2}\n", r"needs a unit"),
        ("[columns\n", r"not a valid TOML file"),
    ],
)
def test_bad_maps_are_schema_errors(write_csv, tmp_path, toml, match):
    m = tmp_path / "bad.toml"
    m.write_text(toml)
    with pytest.raises(SchemaError, match=match):
        read_cohort(write_csv("id,Ht\nA,1.6\n"), mapping=m)


def test_missing_map_file(write_csv, tmp_path):
    with pytest.raises(ReadError, match="No such map file"):
        read_cohort(write_csv("id\nA\n"), mapping=tmp_path / "absent.toml")


def test_unconvertible_unit_in_header_is_refused(write_csv):
    with pytest.raises(SchemaError, match=r"'Grip \(N\)' looks like grip_kg, but its unit 'N'"):
        read_cohort(write_csv("id,Grip (N)\nA,300\n"))


def test_biomarkers_from_header_units_and_argument(write_csv):
    c = read_cohort(
        write_csv("id,IL6_pg_mL,Sclerostin (pmol/L),SOST2\nA,2.5,40,33\n"),
        biomarkers={"sost2": {"unit": "ng/mL", "lod": 0.1}},
    )
    assert c.biomarkers == ["sost2", "il6", "sclerostin"]  # declared first, then recognised
    assert (
        c.units["il6"] == "pg/mL"
        and c.units["sclerostin"] == "pmol/L"
        and c.units["sost2"] == "ng/mL"
    )
    assert c.data["sost2"][0] == 33
    with pytest.raises(ParameterError, match="'biomarkers' parameter of read_cohort"):
        read_cohort(write_csv("id\nA\n"), biomarkers=["il6"])


def test_decimal_option_is_checked(write_csv):
    with pytest.raises(ParameterError, match=r"'decimal' parameter of read_cohort must be one of"):
        read_cohort(write_csv("id\nA\n"), decimal=";")


def test_sex_coded_one_two_in_sav_without_labels_but_map_codes_work(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    import pandas as pd

    path = tmp_path / "c.sav"
    pyreadstat.write_sav(pd.DataFrame({"id": ["a", "b"], "sex": [1.0, 2.0]}), str(path))
    c = read_cohort(path, mapping={"codes": {"sex": {"1": "male", "2": "female"}}})
    assert c.data["sex"].tolist() == ["male", "female"] and not errors(c)


def test_declared_biomarker_name_is_kept_as_given(write_csv):
    c = read_cohort(write_csv("id,SOST,Notes\nA,<3.2,x\nB,40,\n"), biomarkers={"SOST": "pmol/L"})
    assert c.biomarkers == ["SOST"] and c.data["SOST_lod"][0] == 3.2
    with pytest.raises(SchemaError, match="clashes with the canonical column 'grip_kg'"):
        read_cohort(write_csv("id,HGS\nA,3\n"), biomarkers={"HGS": "pmol/L"})


def test_a_header_named_as_the_canonical_column_beats_an_alias(write_csv):
    c = read_cohort(write_csv("id,code,grip_kg,HGS\nA,X1,30,31\n"))
    assert c.mapping["id"] == "id" and c.mapping["grip_kg"] == "grip_kg"
    assert c.data["code"][0] == "X1" and c.data["HGS"][0] == 31  # kept under their own headers
    notes = [f.detail for f in c.issues if f.rule == "mapping"]
    assert "column 'code' also looks like id, but 'id' is named id; 'code' is kept unused." in notes
    # Two aliases and no canonical header: still an error, never a guess.
    with pytest.raises(SchemaError, match="'HGS', 'Handgrip' could all be grip_kg"):
        read_cohort(write_csv("id,HGS,Handgrip\nA,30,31\n"))
