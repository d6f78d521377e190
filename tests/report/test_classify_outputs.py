"""`sarcostat classify -o`: the files (CSV set or one workbook), the chart, the console summary.

Run on the bundled clinic example (74 participants, muscle mass by BIA), where
EWGSOP1, FNIH 2014 and IWGS 2011 cannot diagnose anyone: their cut-offs for
muscle mass are DXA only.
"""

from pathlib import Path

import pandas as pd
import pytest

from sarcostat.assess.agreement import kappa_note
from sarcostat.cli import main

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "src" / "sarcostat" / "datasets" / "examples"
COHORT = EX / "clinic_baseline.xlsx"
MAP = EX / "clinic_map.toml"
BASE = ["classify", str(COHORT), "--map", str(MAP)]


def _run(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    import contextlib
    import io

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main([*BASE, "--definition", "all", "-o", str(folder / "status.csv")])
    assert rc == 0
    return folder, buf.getvalue()


def test_csv_set_is_written_beside_the_participant_table(csv_run):
    folder, text = csv_run
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        "status.csv",
        "status_agreement.csv",
        "status_notes.csv",
        "status_prevalence.csv",
        "status_prevalence.png",
    ]
    people = pd.read_csv(folder / "status.csv", dtype={"id": str})
    assert people.columns[0] == "id" and len(people) == 74  # a per-participant file keeps ids
    assert {"awgs2019_reason", "fnih2014_missing_inputs"} <= set(people.columns)
    assert "Wrote " in text and "status_prevalence.png" in text


def test_prevalence_table_has_denominators_and_never_a_false_zero(csv_run):
    folder, _ = csv_run
    prev = pd.read_csv(folder / "status_prevalence.csv", keep_default_na=False)
    overall = prev[prev["group"] == "overall"].set_index("definition")
    aw = overall.loc["awgs2019"]
    assert (aw["n"], aw["n_classifiable"], aw["n_cases"]) == (74, 74, 13)
    assert aw["result"] == "17.6% (10.6%–27.8%)" and aw["ci_method"] == "Wilson score"
    assert float(aw["prevalence"]) == pytest.approx(13 / 74)
    for name, title in (
        ("fnih2014", "FNIH 2014"),
        ("ewgsop1", "EWGSOP1"),
        ("iwgs2011", "IWGS 2011"),
    ):
        row = overall.loc[name]
        assert row["result"] == "not classifiable (n=0)"
        assert row["n_classifiable"] == 0 and row["n_not_classified"] == 74
        assert row["prevalence"] == "" and row["ci_lower"] == ""  # no 0.0%
        assert "could be assessed in no participant" in row["not_classified_reasons"]
        assert f"{title} has no BIA cut-off" in row["not_classified_reasons"]
        assert "ruled out by other criteria alone" in row["not_classified_reasons"]
    assert set(prev["group"]) == {"overall", "female", "male"}


def test_agreement_table_gives_kappa_with_ci_or_words(csv_run):
    folder, _ = csv_run
    ag = pd.read_csv(folder / "status_agreement.csv", keep_default_na=False)
    assert len(ag) == 21
    row = ag[(ag["definition_a"] == "awgs2019") & (ag["definition_b"] == "ewgsop2")].iloc[0]
    assert float(row["kappa"]) == pytest.approx(0.278283485045513, rel=1e-6)  # vcd::Kappa
    assert row["result"] == "0.28 (0.00 to 0.55)"
    blocked = ag[ag["definition_b"] == "fnih2014"]
    assert (blocked["kappa"] == "").all() and (blocked["ci_lower"] == "").all()
    assert blocked["result"].str.startswith("not estimable: ").all()
    assert blocked["result"].str.contains("FNIH 2014 could classify no participant").all()
    text = (folder / "status_agreement.csv").read_text()
    assert "NaN" not in text and "0.000" not in text


def test_chart_is_a_png_with_the_dpi(csv_run):
    from PIL import Image

    folder, _ = csv_run
    with Image.open(folder / "status_prevalence.png") as im:
        assert im.format == "PNG"
        assert im.size[0] > 1500 and im.size[1] > 800
        assert round(im.info["dpi"][0]) == 300


def test_console_is_short_with_one_line_per_kind_of_note(csv_run):
    _, text = csv_run
    lines = text.splitlines()
    assert "AWGS 2019 13/74 = 17.6% (10.6%–27.8%)" in " ".join(text.split())
    assert any(
        line.startswith("  FNIH 2014 ") and "not classifiable (n=0)" in line for line in lines
    )
    notes = lines[
        lines.index("Notes (one line per kind; each note in full in the notes table of -o):") + 1 :
    ]
    kinds = [line.split(" (")[0].strip() for line in notes if line.startswith("  ")]
    assert kinds == [
        "protocol",
        "tests left out",
        "definition caveat",
        "unverified cut-off",
        "no severity grade",
    ]
    # the demo cohort has no TUG: EWGSOP2 decides performance without it, in full on screen
    assert (
        "  tests left out (1): EWGSOP2: TUG not measured in this cohort (no participant has a "
        "value); EWGSOP2 accepts any one of its listed tests" in text
    )
    assert "  unverified cut-off (16): " in text  # 5 EWGSOP1 + 7 AWGS 2014 + 1 FNIH + 3 IWGS
    assert "Note:" not in text and "NaN" not in text and "0.000" not in text
    assert "kappa not reported for 15 pairs (not estimable 15;" in text
    assert len(lines) < 30


def test_notes_table_keeps_every_note(csv_run):
    folder, _ = csv_run
    notes = pd.read_csv(folder / "status_notes.csv")
    assert list(notes.columns) == ["kind", "definition", "note"]
    assert (notes["kind"] == "unverified cut-off").sum() == 16


def test_xlsx_is_one_workbook_with_the_chart_inside(tmp_path, capsys):
    import openpyxl

    out = tmp_path / "status.xlsx"
    rc, text, err = _run(capsys, *BASE, "--definition", "awgs2019,ewgsop2,fnih2014", "-o", out)
    assert rc == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status.xlsx"]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["participants", "prevalence", "agreement", "notes", "chart"]
    assert len(wb["chart"]._images) == 1
    assert wb["participants"]["A1"].value == "id" and wb["participants"].max_row == 75
    prev = pd.read_excel(out, sheet_name="prevalence")
    fnih = prev[(prev["definition"] == "fnih2014") & (prev["group"] == "overall")].iloc[0]
    assert fnih["result"] == "not classifiable (n=0)" and pd.isna(fnih["prevalence"])
    ag = pd.read_excel(out, sheet_name="agreement")
    assert ag["result"].tolist()[0] == "0.28 (0.00 to 0.55)"


def test_kappa_undefined_cases_are_explained_in_words():
    assert kappa_note([[0, 0], [0, 0]], "A", "B") == (
        "undefined: no participant was classified by both definitions."
    )
    one = kappa_note([[0, 0], [5, 37]], "EWGSOP1", "AWGS 2019")
    assert one.startswith("undefined: EWGSOP1 is negative for all 42 participants")
    assert "kappa is 0 whatever the other definition says" in one
    both = kappa_note([[0, 0], [0, 42]], "A", "B")
    assert "both definitions give the same status to all 42" in both and "0/0" in both
    assert kappa_note([[5, 8], [7, 54]], "A", "B") == ""
    assert kappa_note([[5, 8], [7, 54]], "A", "B", unusable="B could classify no one") == (
        "not estimable: B could classify no one."
    )


def test_output_equal_to_the_input_is_refused(tmp_path, capsys):
    src = tmp_path / "c.csv"
    pd.read_excel(COHORT).to_csv(src, index=False)
    before = src.read_bytes()
    rc, _, err = _run(capsys, "classify", src, "--map", MAP, "-o", src)
    assert rc == 2 and "never writes over its inputs" in err
    assert src.read_bytes() == before


def test_a_file_beside_that_is_an_input_is_refused(tmp_path, capsys):
    src = tmp_path / "c_prevalence.csv"
    pd.read_excel(COHORT).to_csv(src, index=False)
    before = src.read_bytes()
    rc, _, err = _run(
        capsys, "classify", src, "--map", MAP, "-o", tmp_path / "c.csv", "--overwrite"
    )
    assert rc == 2 and "never writes over its inputs" in err
    assert src.read_bytes() == before and not (tmp_path / "c.csv").exists()


def test_an_existing_file_beside_is_not_replaced_and_nothing_is_written(tmp_path, capsys):
    foreign = tmp_path / "status_agreement.csv"
    foreign.write_text("someone else's file\n")
    rc, _, err = _run(capsys, *BASE, "-o", tmp_path / "status.csv")
    assert rc == 2 and "already exists" in err and "--overwrite" in err
    assert foreign.read_text() == "someone else's file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["status_agreement.csv"]
    rc, _, err = _run(capsys, *BASE, "-o", tmp_path / "status.csv", "--overwrite")
    assert rc == 0, err
    assert foreign.read_text().startswith("definition_a,definition_b")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporaries


def test_other_extensions_are_refused(tmp_path, capsys):
    rc, _, err = _run(capsys, *BASE, "-o", tmp_path / "status.txt")
    assert rc == 2 and ".csv file" in err and ".xlsx workbook" in err
    assert not list(tmp_path.iterdir())
