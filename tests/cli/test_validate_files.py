"""`sarcostat validate` on the awkward files users really have.

Each case: a clear message naming the file and, where it is about a value,
the row, participant id, column and value; the documented exit code; no
traceback; the input bytes unchanged.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pandas as pd
import pytest

from sarcostat.cli import main


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _in_order(words, tokens) -> bool:
    it = iter(tokens)
    return all(any(w == t for t in it) for w in words)


def _text(content, encoding="utf-8"):
    def write(path):
        path.write_bytes(content.encode(encoding))

    return write


def _spss(path):
    import pyreadstat

    df = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "sex": [1.0, 2.0, 1.0],
            "age": [70.0, 999.0, 80.0],
            "grip": [30.0, 20.0, 130.0],
        }
    )
    pyreadstat.write_sav(
        df,
        str(path),
        variable_value_labels={"sex": {1: "Male", 2: "Female"}},
        missing_ranges={"age": [999]},
    )


def _stata(path):
    import pyreadstat

    df = pd.DataFrame({"id": [1, 2], "sex": [1, 2], "age": [70, 17]})
    pyreadstat.write_dta(df, str(path), variable_value_labels={"sex": {1: "Male", 2: "Female"}})


def _excel(path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    ws = wb.create_sheet("Visit 1")
    ws["A1"] = "Visit 1 measurements"
    ws.merge_cells("A1:D1")
    ws.append(["Subject", "Gender", "Age", "Grip strength (kg)"])
    ws.append(["S1", "F", 70, 22])
    ws.append(["S2", "M", 71, "n.d"])
    wb.save(path)


def _docx(path):
    import docx

    docx.Document().save(str(path))


# name, writer, extra argv, exit code, expected output: a text, or a tuple of
# words that must appear in this order on one line of the findings table
# (severity, rule, row, id, column, value).
CASES = [
    (
        "redcap.csv",
        _text(
            "record_id,redcap_event_name,sex,age,hgs_1,hgs_2\n1,baseline_arm_1,1,70,30,32\n"
            "1,month_6_arm_1,,,28,\n2,baseline_arm_1,2,68,20,\n"
        ),
        [],
        1,
        [
            ("duplicate_id", "3", "1", "id", "1"),
            "the id (id=1) is repeated",
            "redcap_event_name",
            "sex is coded as numbers (1, 2)",
        ],
    ),
    (
        "visits.xlsx",
        _excel,
        ["--sheet", "Visit 1"],
        1,
        [
            "mapped 'Grip strength (kg)' -> grip_kg",
            "title",
            ("non_numeric", "4", "S2", "grip_kg", "n.d"),
            "'n.d' is not a number",
        ],
    ),
    (
        "cohort.sav",
        _spss,
        [],
        1,
        ["user-missing", "(999)", "130.0 is above the allowed maximum 100 kg"],
    ),
    (
        "cohort.dta",
        _stata,
        [],
        1,
        [("range", "2", "2", "age_yr"), "17.0 is below the allowed minimum 18 yr"],
    ),
    (
        "semicolon.csv",
        _text("id;age;height;grip\nA;70;160,5;22,5\n"),
        ["--decimal", ","],
        0,
        ["mapped 'height' -> height_cm", "0 errors"],
    ),
    (
        "semicolon_nodecimal.csv",
        _text("id;age;height\nA;70;160,5\n"),
        [],
        1,
        [("non_numeric", "2", "A", "height_cm", "160,5"), "'160,5' is not a number", "--decimal ,"],
    ),
    ("latin1.csv", _text("id;Größe;HGS\nA;160;30\n", "latin-1"), [], 0, ["Latin-1", "'Größe'"]),
    (
        "twogrip.csv",
        _text("id,HGS,Grip strength\nA,30,31\n"),
        [],
        1,
        ["'HGS', 'Grip strength' could all be grip_kg", "does not guess"],
    ),
    (
        "metres.csv",
        _text("id,height\nA,1.62\nB,1.75\n"),
        [],
        1,
        ["looks like metres", "unit = 'm'"],
    ),
    (
        "pounds.csv",
        _text("id,weight\nA,154\nB,180\nC,201\n"),
        [],
        1,
        ["looks like pounds", "unit = 'lb'"],
    ),
    (
        "trials.csv",
        _text("id,grip_1,grip_2,grip_3\nA,20,24.5,\nB,,,\n"),
        [],
        0,
        [
            "mapped 'grip_1' -> grip_1_kg",
            ("empty_column", "grip_3_kg"),
            "the column is entirely empty",
        ],
    ),
    (
        "biomarkers.csv",
        _text("id,Sclerostin (pmol/L)\nA,<3.2\nB,ND\nC,<LOD\nD,41\n"),
        [],
        1,
        [
            ("censored", "3", "B", "sclerostin", "ND"),
            ("censored", "4", "C", "sclerostin", "<LOD"),
            "'ND' means below the detection limit",
            "lod = 3.2",
            "left-censored",
        ],
    ),
    ("chair.csv", _text("id,chair_stand\nA,unable\nB,12.1\n"), [], 0, ["0 errors"]),
    (
        "ids.csv",
        _text("id,age\nA,70\nA,71\n,72\n"),
        [],
        1,
        [
            ("duplicate_id", "3", "A", "id", "A"),
            "the id (id=A) is repeated (first at row 2)",
            ("missing_id", "4", "id"),
            "the participant id is missing",
        ],
    ),
    ("emptycol.csv", _text("id,age,tandem\nA,70,\nB,71,\n"), [], 0, ["tandem_s", "entirely empty"]),
    ("header_only.csv", _text("id,age,grip\n"), [], 1, ["header but no data rows"]),
    ("zero.csv", _text(""), [], 1, ["zero.csv is empty (0 bytes)"]),
    ("letter.docx.csv", _docx, [], 1, ["letter.docx.csv is not a text table", "ZIP archive"]),
    ("sheet_on_csv.csv", _text("id\nA\n"), ["--sheet", "2"], 2, ["applies to Excel files only"]),
]


@pytest.mark.parametrize("name,write,argv,code,texts", CASES, ids=[c[0] for c in CASES])
def test_awkward_files(tmp_path, capsys, name, write, argv, code, texts):
    path = tmp_path / name
    write(path)
    before = _sha(path)
    assert main(["validate", str(path), *argv]) == code
    out = capsys.readouterr()
    both = out.out + out.err
    for text in texts:
        if isinstance(text, tuple):
            assert any(_in_order(text, line.split()) for line in both.splitlines()), (text, both)
        else:
            assert text in both, (text, both)
    assert "Traceback" not in both
    assert _sha(path) == before
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_directory_is_a_clear_error(tmp_path, capsys):
    folder = tmp_path / "data.csv"
    folder.mkdir()
    assert main(["validate", str(folder)]) == 1
    assert "is a directory, not a data file" in capsys.readouterr().err


def test_validate_on_csv_imports_no_format_or_analysis_library(tmp_path):
    # Cohort.data is built on first use, so validating a text file needs
    # NumPy only: pandas (which pulls in pyarrow) costs most of a second.
    path = tmp_path / "c.csv"
    path.write_text("id,age,HGS\nA,70,30\n")
    code = (
        "import sys, contextlib, io\n"
        "from sarcostat.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['validate', {str(path)!r}]) == 0\n"
        "heavy = ('pandas', 'pyarrow', 'scipy', 'statsmodels', 'matplotlib', 'docx', 'openpyxl',\n"
        "         'pyreadstat', 'jinja2', 'dask')\n"
        "print(','.join(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
