"""Each reader round-trips a small cohort the test writes itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from _io_helpers import errors, small_cohort

from sarcostat.exceptions import ParameterError, ReadError, SchemaError
from sarcostat.io import read_cohort

EXPECTED_SEX = ["male", "female", "female", "male"]


def _check_round_trip(cohort):
    assert list(cohort.data["id"]) == ["P1", "P2", "P3", "P4"]
    assert list(cohort.data["sex"]) == EXPECTED_SEX
    np.testing.assert_allclose(cohort.data["height_cm"], [170, 155, 150, 165])
    np.testing.assert_allclose(cohort.data["grip_kg"], [35, 20, 15, 28])
    np.testing.assert_allclose(
        cohort.data["bmi"], np.array([70, 55, 48, 60]) / (np.array([170, 155, 150, 165]) / 100) ** 2
    )
    assert not cohort.has_errors, [f.message for f in cohort.issues]


@pytest.mark.parametrize(
    "sep,suffix", [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("\t", ".txt"), ("|", ".txt")]
)
def test_delimited_text_round_trip_with_sniffed_delimiter(tmp_path, sep, suffix):
    path = tmp_path / f"cohort{suffix}"
    small_cohort().to_csv(path, sep=sep, index=False)
    _check_round_trip(read_cohort(path))


def test_decimal_comma_needs_the_option(tmp_path):
    path = tmp_path / "comma.csv"
    small_cohort().to_csv(path, sep=";", decimal=",", index=False, float_format="%.1f")
    cohort = read_cohort(path, decimal=",")
    _check_round_trip(cohort)
    # Without the option the values are not silently misread: each is an
    # error, with a hint to use the option.
    plain = read_cohort(path)
    errs = errors(plain, "non_numeric")
    assert errs and "decimal comma" in errs[0].message


def test_utf8_with_bom_and_latin1_fallback(write_csv):
    text = "id,sex,age,height,weight,note\nP1,F,70,160,60,Müller\n"
    bom = write_csv(text, "bom.csv", "utf-8-sig")
    c = read_cohort(bom)
    assert list(c.data.columns[:2]) == ["id", "sex"]  # the BOM is not part of the first header
    assert c.data["note"][0] == "Müller"
    assert "encoding" not in [f.rule for f in c.issues]

    latin = write_csv(text, "latin.csv", "latin-1")
    c = read_cohort(latin)
    assert c.data["note"][0] == "Müller"
    enc = [f for f in c.issues if f.rule == "encoding"]
    assert len(enc) == 1 and enc[0].severity == "warning" and "Latin-1" in enc[0].message


def test_xlsx_sheet_by_name_and_index(tmp_path):
    path = tmp_path / "cohort.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        pd.DataFrame({"x": [1]}).to_excel(xw, sheet_name="Notes", index=False)
        small_cohort().to_excel(xw, sheet_name="Baseline", index=False)
    _check_round_trip(read_cohort(path, sheet="Baseline"))
    _check_round_trip(read_cohort(path, sheet=1))
    _check_round_trip(read_cohort(path, sheet="1"))
    with pytest.raises(ReadError, match=r"no sheet named 'Visit2'.*Notes.*Baseline"):
        read_cohort(path, sheet="Visit2")
    with pytest.raises(ReadError, match="sheet index 5"):
        read_cohort(path, sheet=5)


def test_xlsx_numeric_ids_become_text_and_rows_are_spreadsheet_rows(tmp_path):
    path = tmp_path / "ids.xlsx"
    df = small_cohort()
    df["ID"] = [101, 102, 103, 104]
    df.loc[2, "HGS"] = -3.0
    df.to_excel(path, index=False)
    c = read_cohort(path)
    assert list(c.data["id"]) == ["101", "102", "103", "104"]
    (err,) = errors(c, "range")
    assert err.row == 4 and err.participant_id == "103"
    assert err.message == (
        "ids.xlsx, row 4 (id=103), column 'grip_kg': -3.0 is below the allowed minimum 0 kg."
    )


def _labelled(df):
    df = small_cohort().copy()
    df.columns = ["id", "sex", "age", "height", "weight", "hgs"]
    df["sex"] = [1.0, 2.0, 2.0, 1.0]
    return df


def test_spss_sav_value_labels_are_applied(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "cohort.sav"
    pyreadstat.write_sav(
        _labelled(None), str(path), variable_value_labels={"sex": {1: "Male", 2: "Female"}}
    )
    c = read_cohort(path)
    _check_round_trip(c)
    assert c.mapping["hgs"] == "grip_kg"


def test_stata_dta_value_labels_are_applied(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "cohort.dta"
    df = _labelled(None)
    df["sex"] = df["sex"].astype(int)
    pyreadstat.write_dta(df, str(path), variable_value_labels={"sex": {1: "Male", 2: "Female"}})
    _check_round_trip(read_cohort(path))


def test_sav_codes_without_labels_are_an_error_not_a_guess(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "nolabels.sav"
    pyreadstat.write_sav(_labelled(None), str(path))
    c = read_cohort(path)
    (err,) = errors(c, "code")
    assert "without value labels" in err.message and '1 = "male"' in err.message
    assert c.data["sex"].isna().all()


def test_parquet_round_trip(tmp_path):
    path = tmp_path / "cohort.parquet"
    small_cohort().to_parquet(path)
    _check_round_trip(read_cohort(path))


def test_unsupported_missing_and_empty_files(tmp_path, write_csv):
    with pytest.raises(ReadError, match="No such file"):
        read_cohort(tmp_path / "absent.csv")
    with pytest.raises(ReadError, match="unsupported file type '.json'"):
        read_cohort(write_csv("{}", "x.json"))
    with pytest.raises(ReadError, match="empty"):
        read_cohort(write_csv("", "empty.csv"))
    with pytest.raises(ReadError, match="empty"):
        read_cohort(write_csv("\n \n\n", "blank.csv"))
    with pytest.raises(ReadError, match="NUL"):
        read_cohort(write_csv("id\x00,x\n", "bin.csv"))
    with pytest.raises(ReadError, match="Excel workbook"):
        read_cohort(write_csv("id,sex\n", "fake.xlsx"))


def test_ragged_row_and_duplicate_headers(write_csv):
    with pytest.raises(ReadError, match=r"row 3: has 4 values but the header \(row 1\) has 3"):
        read_cohort(write_csv("id,age,sex\nP1,70,F\nP2,71,M,oops\n"))
    with pytest.raises(SchemaError, match="columns 2 and 3 are both named 'age'"):
        read_cohort(write_csv("id,age,age\nP1,70,71\n"))
    # A short row is an error too (its values could belong to other columns);
    # trailing empty separators are not values and are ignored.
    with pytest.raises(ReadError, match=r"row 2: has 2 values but the header \(row 1\) has 3"):
        read_cohort(write_csv("id,age,sex,,\nP1,70\nP2,71,M,,\n"))
    c = read_cohort(write_csv("id,age,sex,,\nP1,70,\nP2,71,M,,\n"))
    assert list(c.data.columns) == ["id", "sex", "age_yr"]
    assert c.data["sex"].isna().tolist() == [True, False]


def test_blank_lines_keep_spreadsheet_row_numbers(write_csv):
    c = read_cohort(write_csv("id,age\nP1,70\n\nP2,999\n"))
    (err,) = errors(c, "range")
    assert err.row == 4 and err.participant_id == "P2"


def test_parquet_nullable_integers_and_categories(tmp_path):
    path = tmp_path / "typed.parquet"
    df = small_cohort()
    df["Age"] = pd.array([70, None, 80, 75], dtype="Int64")
    df["Sex"] = df["Sex"].astype("category")
    df.to_parquet(path)
    c = read_cohort(path)
    assert c.data["age_yr"].isna().tolist() == [False, True, False, False]
    assert list(c.data["sex"]) == EXPECTED_SEX and not c.has_errors


def test_spss_labels_do_not_replace_numeric_scores_and_user_missing_is_missing(tmp_path):
    # SARC-F items carry labels 0 = 'None', 1 = 'Some'; applying them would turn
    # the score 0 into the missing-value word 'None'. The 999 code is declared
    # user-missing in SPSS, so it is missing, not an implausible age.
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "labelled.sav"
    df = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "sex": [1.0, 2.0, 1.0],
            "sarc_f_strength": [0.0, 1.0, 2.0],
            "age": [70.0, 999.0, 80.0],
            "group": [1.0, 2.0, 1.0],
        }
    )
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={
            "sex": {1: "Male", 2: "Female"},
            "sarc_f_strength": {0: "None", 1: "Some", 2: "A lot or unable"},
            "group": {1: "control", 2: "case"},
        },
        missing_ranges={"age": [999]},
    )
    c = read_cohort(path)
    assert not c.has_errors, [f.message for f in c.issues]
    assert c.data["sarc_f_strength"].tolist() == [0.0, 1.0, 2.0]
    assert c.data["sex"].tolist() == ["male", "female", "male"]
    assert c.data["age_yr"].isna().tolist() == [False, True, False]
    assert c.data["group"].tolist() == ["control", "case", "control"]  # labels applied to extras
    (note,) = [f for f in c.issues if f.rule == "user_missing"]
    assert note.severity == "info" and note.column == "age" and "(999)" in note.message


def test_sav_label_without_a_sex_word_is_named(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "odd.sav"
    pyreadstat.write_sav(
        pd.DataFrame({"id": ["a", "b"], "sex": [1.0, 9.0]}),
        str(path),
        variable_value_labels={"sex": {1: "Male", 9: "Other"}},
    )
    c = read_cohort(path)
    (err,) = errors(c, "code")
    assert err.participant_id == "b" and err.value == "Other"
    assert c.data["sex"].tolist()[0] == "male"


def test_sav_label_saying_unknown_is_missing_with_a_note(tmp_path):
    pyreadstat = pytest.importorskip("pyreadstat")
    path = tmp_path / "odd.sav"
    pyreadstat.write_sav(
        pd.DataFrame({"id": ["a", "b"], "sex": [1.0, 9.0]}),
        str(path),
        variable_value_labels={"sex": {1: "Male", 9: "Unknown"}},
    )
    c = read_cohort(path)
    assert not c.has_errors
    (note,) = [f for f in c.issues if f.rule == "labelled_missing"]
    assert note.severity == "warning" and note.column == "sex" and "9 ('Unknown')" in note.message
    assert c.data["sex"].isna().tolist() == [False, True]


def test_excel_title_rows_and_other_sheets_are_reported(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    path = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "README"
    wb.active["A1"] = "Data dictionary"
    ws = wb.create_sheet("Data")
    ws["A1"] = "Baseline visit, exported 2024-01-05"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["ID", "Sex", "Age", "Height (cm)", "HGS"])
    ws.append(["P1", "M", 70, 170, 30])
    ws.append(["P2", "F", 65, 155, -2])
    wb.save(path)
    first = read_cohort(path)
    (note,) = [f for f in first.issues if f.rule == "sheet"]
    assert "'README'" in note.message and "['Data']" in note.message
    c = read_cohort(path, sheet="Data")
    (title,) = [f for f in c.issues if f.rule == "title_rows"]
    assert "row 1 above the header" in title.message and "header is row 3" in title.message
    assert list(c.data["id"]) == ["P1", "P2"]
    (err,) = errors(c, "range")
    assert err.row == 5 and err.message.startswith(
        "export.xlsx [Data], row 5 (id=P2), column 'grip_kg'"
    )


def test_text_title_line_above_the_header(write_csv):
    c = read_cohort(write_csv("Study X export\n\nid;age;grip\nA;70;30\nB;71;-1\n"))
    assert [f.rule for f in c.issues if f.rule == "title_rows"] == ["title_rows"]
    (err,) = errors(c)
    assert err.row == 5 and err.participant_id == "B"
    # A one-column file has no title to skip.
    single = read_cohort(write_csv("id\nA\nB\n"))
    assert list(single.data["id"]) == ["A", "B"]


@pytest.mark.parametrize(
    "magic,what",
    [
        (b"PK\x03\x04rest-of-a-zip", "ZIP archive"),
        (b"%PDF-1.7\n", "PDF document"),
        (b"$FL2@(#) IBM SPSS", "SPSS .sav"),
        (b"PAR1\x15\x04", "Parquet"),
    ],
)
def test_binary_files_with_a_csv_name_are_named(tmp_path, magic, what):
    path = tmp_path / "renamed.csv"
    path.write_bytes(magic + b"\x00" * 20)
    with pytest.raises(ReadError, match=f"renamed.csv is not a text table: it is .*{what}"):
        read_cohort(path)


def test_docx_renamed_csv_directory_and_sheet_on_csv(tmp_path, write_csv):
    docx = pytest.importorskip("docx")
    path = tmp_path / "notes.csv"
    docx.Document().save(str(path))
    with pytest.raises(ReadError, match=r"notes.csv is not a text table: it is a ZIP archive"):
        read_cohort(path)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ReadError, match="is a directory"):
        read_cohort(folder)
    with pytest.raises(ParameterError, match="'sheet' parameter applies to Excel files only"):
        read_cohort(write_csv("id\nA\n"), sheet="Data")


def test_latin1_header_is_decoded(write_csv):
    c = read_cohort(write_csv("id;Größe;Gewicht\nA;160;60\n", "de.csv", "latin-1"))
    assert "Größe" in c.data.columns
    assert [f.rule for f in c.issues if f.severity == "warning"] == ["encoding"]


def test_redcap_longitudinal_duplicates_explain_the_event_column(write_csv):
    c = read_cohort(
        write_csv(
            "record_id,redcap_event_name,age\n1,baseline_arm_1,70\n"
            "1,followup_arm_1,71\n2,baseline_arm_1,68\n"
        )
    )
    (dup,) = errors(c, "duplicate_id")
    assert dup.participant_id == "1" and "redcap_event_name" in dup.message
    assert c.mapping["record_id"] == "id"


def test_booleans_are_not_merged_with_ones():
    # factorize hashes True like 1.0; such a column must still be read cell by cell.
    from sarcostat.io import cohort_from_frame

    c = cohort_from_frame(
        pd.DataFrame({"id": ["a", "b", "c"], "grip": [1.0, True, 30.0]}, dtype=object)
    )
    (err,) = errors(c, "non_numeric")
    assert err.participant_id == "b"
    assert c.data["grip_kg"].tolist()[0] == 1.0 and np.isnan(c.data["grip_kg"][1])


def test_top_level_read_cohort_is_the_io_function(write_csv):
    import sarcostat

    c = sarcostat.read_cohort(write_csv("id,HGS\nA,30\n"))
    assert c.mapping == {"id": "id", "HGS": "grip_kg"} and c.data["grip_kg"][0] == 30


def test_nested_parquet_cells_are_kept_as_text(tmp_path):
    path = tmp_path / "nested.parquet"
    pd.DataFrame({"id": ["a", "b"], "grip": [30.0, 31.0], "tags": [[1, 2], [3]]}).to_parquet(path)
    c = read_cohort(path)
    assert not c.has_errors
    assert c.data["tags"].tolist() == ["[1 2]", "[3]"]


def test_a_units_row_under_the_header_is_read_as_units(write_csv):
    c = read_cohort(
        write_csv(
            "ID,Age,Height,Weight,HGS,Sclerostin\n,years,m,lb,kg,pmol/L\n"
            "A,70,1.70,154,30,<3.2\nB,71,1.60,130,-1,40\n"
        )
    )
    assert c.data["height_cm"].tolist() == pytest.approx([170.0, 160.0])
    assert c.data["weight_kg"].tolist() == pytest.approx([154 * 0.45359237, 130 * 0.45359237])
    assert c.units["sclerostin"] == "pmol/L" and c.data["sclerostin_lod"][0] == 3.2
    (note,) = [f for f in c.issues if f.rule == "units_row"]
    assert "'Weight (lb)'" in note.message
    (err,) = errors(c)
    assert err.row == 4 and err.participant_id == "B"  # rows keep the file's numbers
    # A units row shorter than the header keeps every column.
    short = read_cohort(write_csv("id,Height,Weight,age,grip\n,cm,kg\nA,170,70,71,30\n"))
    assert short.data["grip_kg"][0] == 30 and short.data["age_yr"][0] == 71
    # A first data row of one-letter codes is data, not units.
    codes = read_cohort(write_csv("id,sex\nm,f\ns,m\n"))
    assert codes.data["id"].tolist() == ["m", "s"] and "units_row" not in [
        f.rule for f in codes.issues
    ]
