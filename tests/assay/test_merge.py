"""`sarcostat elisa --merge`: the concentrations into a copy of the cohort, per format.

The merged file must be read back by the cohort reader the way `analyze`
reads it (the plan names the biomarker column), with censored values kept as
censored; ids are matched by the io.ids rule; unmatched ids are reported on
both sides; a clash is refused; the input is never changed.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import pandas as pd
import pytest
from simulate import write_plate

from sarcostat.cli import main
from sarcostat.exceptions import SchemaError
from sarcostat.io import read_cohort
from sarcostat.report.cohort_merge import merge_concentrations

# what elisa's to_cohort_frame gives: numbers at full precision, censored text
CONC = pd.DataFrame(
    {
        "id": ["101", "102", "103", "P9"],
        "dkk1": [41.23456789012345, "<1.5", np.nan, 7.25],
    }
).astype({"dkk1": object})
# the plan's declaration, as analyze passes it to the reader
PLAN_BIOMARKER = {"dkk1": {"unit": "pmol/L", "column": "dkk1"}}


def _cohort():
    # 101 is stored as a float by the spreadsheet (101.0): the same id by the io.ids rule;
    # 104 and 105 were not assayed; P9 (assayed) is not in the cohort
    return pd.DataFrame(
        {
            "id": ["101", "102", "103", "104", "105"],
            "sex": ["male", "female", "female", "male", "female"],
            "age_yr": [70.5, 66.0, 81.0, 74.0, 69.0],
        }
    )


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(frame, path):
    suffix = path.suffix
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".xlsx":
        with pd.ExcelWriter(path) as xw:
            frame.to_excel(xw, sheet_name="Baseline", index=False)
            pd.DataFrame({"note": ["kept"]}).to_excel(xw, sheet_name="Notes", index=False)
    elif suffix == ".sav":
        import pyreadstat

        f = frame.copy()
        f["id"] = [float(i) for i in f["id"]]  # SPSS: a numeric id (101.0)
        f["sexc"] = [1.0 if s == "male" else 2.0 for s in f["sex"]]
        f = f.drop(columns="sex").rename(columns={"sexc": "sex"})
        pyreadstat.write_sav(
            f,
            path,
            column_labels=["Participant", "Age (years)", "Sex"],
            variable_value_labels={"sex": {1.0: "male", 2.0: "female"}},
        )
    elif suffix == ".dta":
        import pyreadstat

        pyreadstat.write_dta(frame, path)
    else:
        frame.to_parquet(path)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".sav", ".dta", ".parquet"])
def test_merge_adds_the_analyte_by_id_in_the_cohort_format(tmp_path, suffix):
    src = _write(_cohort(), tmp_path / f"clinic{suffix}")
    before = _sha(src)
    m = merge_concentrations(src, CONC, analyte="dkk1", unit="pmol/L")
    assert m.name == f"clinic_with_dkk1{suffix}"
    out = tmp_path / "out" / m.name
    out.parent.mkdir()
    m.write(out)
    assert _sha(src) == before  # the input is only read
    # both sides of the unmatched ids
    assert m.cohort_only == ["104", "105"] and m.plates_only == ["P9"]
    assert (m.n_rows, m.n_matched, m.n_values, m.n_censored) == (5, 3, 2, 1)
    # read back as analyze reads it: censored stays censored, values at full precision
    c = read_cohort(out, biomarkers=PLAN_BIOMARKER)
    assert not c.has_errors, c.summary()
    d = c.data.set_index("id")
    assert d.loc["101", "dkk1"] == pytest.approx(41.23456789012345, rel=1e-15)
    assert math.isnan(d.loc["102", "dkk1"]) and d.loc["102", "dkk1_lod"] == 1.5
    for sid in ("103", "104", "105"):  # no value (above the ULOQ) / not assayed: missing
        assert math.isnan(d.loc[sid, "dkk1"]) and math.isnan(d.loc[sid, "dkk1_lod"])
    assert c.units["dkk1"] == "pmol/L"
    # every other column as it was
    orig = read_cohort(src).data.set_index("id")
    for col in ("age_yr", "sex"):
        assert d[col].tolist() == orig[col].tolist()


def test_merged_files_keep_what_the_format_holds(tmp_path):
    # XLSX: the other sheet stays; the column is added after the last one
    import openpyxl
    import pyreadstat

    x = _write(_cohort(), tmp_path / "c.xlsx")
    m = merge_concentrations(x, CONC, analyte="dkk1")
    m.write(tmp_path / "m.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "m.xlsx")
    assert wb.sheetnames == ["Baseline", "Notes"]
    rows = list(wb["Baseline"].iter_rows(values_only=True))
    assert rows[0] == ("id", "sex", "age_yr", "dkk1")
    assert rows[1][3] == pytest.approx(41.23456789012345) and rows[2][3] == "<1.5"
    # SAV: labels kept, two numeric columns
    s = _write(_cohort(), tmp_path / "c.sav")
    m = merge_concentrations(s, CONC, analyte="dkk1", unit="pmol/L")
    assert m.columns == ["dkk1", "dkk1_lod"]
    m.write(tmp_path / "m.sav")
    frame, meta = pyreadstat.read_sav(tmp_path / "m.sav")
    assert meta.variable_value_labels["sex"] == {1.0: "male", 2.0: "female"}
    labels = dict(zip(meta.column_names, meta.column_labels))
    assert labels["age_yr"] == "Age (years)" and labels["dkk1"].startswith("dkk1 (pmol/L)")
    assert frame["dkk1_lod"].tolist()[1] == 1.5 and math.isnan(frame["dkk1"].tolist()[1])


def test_csv_keeps_separator_decimal_mark_and_cells(tmp_path):
    src = tmp_path / "c.csv"
    src.write_bytes(
        'Participant;Age (yr);Note\r\n007;70,5;"a; b"\r\n102;66,0;Ünïcode\r\n'.encode("cp1252")
    )
    conc = pd.DataFrame({"id": ["007", "7", "102"], "dkk1": [12.5, 3.0, "<1.5"]})
    m = merge_concentrations(
        src, conc, analyte="dkk1", mapping={"columns": {"Participant": "id"}}, decimal=","
    )
    m.write(tmp_path / "m.csv")
    text = (tmp_path / "m.csv").read_bytes().decode("cp1252")
    # '007' is not '7' (io.ids); decimal comma, quoting, encoding and CRLF kept
    assert text == (
        'Participant;Age (yr);Note;dkk1\r\n007;70,5;"a; b";12,5\r\n102;66,0;Ünïcode;<1,5\r\n'
    )
    c = read_cohort(
        tmp_path / "m.csv",
        {"columns": {"Participant": "id"}},
        decimal=",",
        encoding="cp1252",
        biomarkers=PLAN_BIOMARKER,
    )
    d = c.data.set_index("id")
    assert d.loc["007", "dkk1"] == 12.5 and d.loc["102", "dkk1_lod"] == 1.5
    assert m.plates_only == ["7"]


def test_a_name_clash_is_refused_or_replaced_on_request(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("id,DKK1 (pmol/L),age_yr\n101,5,70\n102,6,71\n")
    with pytest.raises(SchemaError, match="already has a column 'DKK1 \\(pmol/L\\)'"):
        merge_concentrations(src, CONC, analyte="dkk1")
    m = merge_concentrations(src, CONC, analyte="dkk1", replace=True)
    m.write(tmp_path / "m.csv")
    assert m.replaced and (tmp_path / "m.csv").read_text() == (
        "id,DKK1 (pmol/L),age_yr\n101,41.23456789012345,70\n102,<1.5,71\n"
    )
    # the column the map reads as that biomarker clashes too
    src2 = tmp_path / "c2.csv"
    src2.write_text("id,SOST,age_yr\n101,5,70\n")
    with pytest.raises(SchemaError, match="'SOST'"):
        merge_concentrations(
            src2,
            CONC,
            analyte="dkk1",
            mapping={"biomarkers": {"dkk1": {"unit": "pmol/L", "column": "SOST"}}},
        )


def test_no_id_column_is_an_error_naming_the_columns(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("Subject code,age_yr\nA,70\n")
    with pytest.raises(SchemaError, match="no participant id column.*--map"):
        merge_concentrations(src, CONC, analyte="dkk1")


def _run(tmp_path, *extra):
    rd, lay, _ = write_plate(tmp_path, "p1", "competitive", [0.0, 20.0, 60.0], seed=1, cv=0)
    out = tmp_path / "out"
    return out, main(
        ["elisa", str(rd), "--layout", str(lay), "-o", str(out), "--lod", "3.2", *extra]
    )


def test_cli_merge_reports_unmatched_ids_and_never_touches_the_input(tmp_path, capsys):
    cohort = tmp_path / "cohort.xlsx"
    pd.DataFrame({"ID": ["S001", "S002", "S099"], "age_yr": [70, 71, 72]}).to_excel(
        cohort, index=False
    )
    before = _sha(cohort)
    out, rc = _run(tmp_path, "--merge", str(cohort), "--figure-format", "svg")
    assert rc == 0
    printed = capsys.readouterr().out
    assert "2 of 3 cohort rows got a value (1 censored below the limit)" in printed
    assert "1 in the cohort but not on the plates; 1 on the plates but not in the cohort" in (
        printed
    )
    assert "S099" not in printed and "S003" not in printed  # ids only in the files
    assert _sha(cohort) == before
    unmatched = pd.read_csv(out / "merge_unmatched.csv", dtype=str)
    assert unmatched.values.tolist() == [["S099", "cohort only"], ["S003", "plates only"]]
    merged = pd.read_excel(out / "cohort_with_sclerostin.xlsx", dtype={"sclerostin": object})
    assert merged["sclerostin"].tolist()[0] == "<3.2"
    c = read_cohort(
        out / "cohort_with_sclerostin.xlsx",
        biomarkers={"sclerostin": {"unit": "pmol/L", "column": "sclerostin"}},
    )
    assert c.data.set_index("id").loc["S001", "sclerostin_lod"] == 3.2
    # the input cohort is refused as the output folder's file, and a clash exits 1
    rc = main(
        [
            "elisa",
            str(tmp_path / "p1.csv"),
            "--layout",
            str(tmp_path / "p1_layout.csv"),
            "-o",
            str(tmp_path / "o2"),
            "--merge",
            str(cohort),
            "--analyte",
            "age_yr",
        ]
    )
    err = capsys.readouterr().err
    assert rc != 0 and "already has a column 'age_yr'" in err and "Traceback" not in err
    assert not (tmp_path / "o2").exists()
    # --map without --merge is a usage error
    rc = main(["elisa", str(tmp_path / "p1.csv"), "--layout", "x", "-o", "o3", "--map", "m"])
    assert rc != 0 and "--merge" in capsys.readouterr().err
