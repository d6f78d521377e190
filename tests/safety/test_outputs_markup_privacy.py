"""Issue 13, points 3, 4 and 5 (output side): markup and formulas from user
data are inert, participant ids stay out of default outputs, and labels that
used to crash the writers (broken mathtext, a vertical tab) do not.
"""

from __future__ import annotations

import re
import zipfile

import pandas as pd
import pytest
from corpus_outputs import (
    assert_clean_failure,
    assert_unchanged,
    snapshot,
    temporaries,
    workspace,
)
from simulate import write_plate

from sarcostat.cli import main

XSS = ("<script>alert(", "<img src=x", "<svg onload", 'onerror="', "<iframe")


def cli(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


def assert_inert(html: str):
    low = html.lower()
    for bad in XSS:
        assert bad not in low, bad


def text_of(path) -> str:
    """All text of a written file (a .docx is read as its XML parts)."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    if path.suffix == ".png":
        return ""
    return path.read_text(encoding="utf-8")


# ----------------------------------------------------------------- ELISA QC report


@pytest.fixture
def elisa_markup(tmp_path):
    root = tmp_path / "plates"
    root.mkdir()
    name = "p<svg onload=alert(1)>"
    plate, layout, _ = write_plate(
        root, name, "competitive", [1.0, 20.0, 60.0], seed=5, prefix="<img src=x onerror=alert(1)>S"
    )
    return root, plate, layout


def test_elisa_report_shows_markup_as_text(elisa_markup, capsys):
    root, plate, layout = elisa_markup
    snap = snapshot([plate, layout])
    out = root / "out"
    # markup cannot be an analyte name (it names columns and files): refused
    rc, stdout, err = cli(
        capsys, "elisa", plate, "--layout", layout, "-o", out, "--analyte", "<script>x</script>"
    )
    assert rc == 2 and "--analyte" in err and not out.exists()
    rc, stdout, err = cli(capsys, "elisa", plate, "--layout", layout, "-o", out, "--include-ids")
    assert rc == 0, err
    html = (out / "qc_report.html").read_text()
    assert_inert(html)
    # Shown, escaped: the plate name and (asked for) the sample ids.
    assert "p&lt;svg onload=alert(1)&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;S" in html
    assert_unchanged(snap)


def test_elisa_report_has_no_sample_ids_by_default(tmp_path, capsys):
    ws = workspace(tmp_path / "study")
    out = ws.root / "out"
    snap = snapshot(ws.inputs)
    rc, stdout, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", out)
    assert rc == 0, err
    conc = pd.read_csv(out / "concentrations.csv", dtype=str)
    ids = list(conc["id"])
    assert ids and all(re.fullmatch(r"S\d+", i) for i in ids)
    html = (out / "qc_report.html").read_text()
    for i in ids:
        assert not re.search(rf"\b{i}\b", html), i
    # Participant-level files keep them.
    assert set(ids) <= set(pd.read_csv(out / "samples.csv", dtype=str)["id"])
    assert_unchanged(snap)


# ----------------------------------------------------------------- analyze: labels, privacy


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    ws = workspace(tmp_path_factory.mktemp("hostile") / "study")
    plan = ws.root / "hostile_plan.toml"
    plan.write_text(
        "[biomarker]\n"
        'column = "sclerostin"\n'
        'label = "<script>alert(1)</script> $x^{ \\u000b =cmd"\n',
        encoding="utf-8",
    )
    out = ws.root / "report"
    snap = snapshot([*ws.inputs, plan])
    rc = main(
        [
            "analyze",
            str(ws.cohort),
            "--map",
            str(ws.mapping),
            "--plan",
            str(plan),
            "-o",
            str(out),
            "-q",
        ]
    )
    return ws, out, rc, snap


def test_broken_mathtext_and_vertical_tab_labels_do_not_crash(hostile_report):
    ws, out, rc, snap = hostile_report
    assert rc == 0
    assert (out / "tables.docx").is_file() and (out / "fig1.png").is_file()
    assert_unchanged(snap)
    assert temporaries(ws.root) == []


def test_report_html_keeps_markup_inert(hostile_report):
    ws, out, rc, snap = hostile_report
    html = (out / "report.html").read_text()
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_participant_id_in_any_report_file(hostile_report):
    ws, out, rc, snap = hostile_report
    ids = set(pd.read_csv(ws.cohort, dtype=str)["id"])
    for path in out.iterdir():
        text = text_of(path)
        found = {i for i in ids if re.search(rf"(?<![\w]){re.escape(i)}(?![\w])", text)}
        assert not found, (path.name, sorted(found)[:5])


def test_csv_cells_of_the_report_are_neutralized(hostile_report):
    ws, out, rc, snap = hostile_report
    for path in out.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for col in frame.columns:
            assert not str(col).startswith(("=", "+", "@")), (path.name, col)
            for v in frame[col]:
                if v.startswith(("=", "+", "@")):
                    pytest.fail(f"{path.name}: {v!r}")
                if v.startswith("-"):
                    float(v)  # a genuine negative number, still a number


def test_plan_cannot_put_the_id_column_in_table1(tmp_path, capsys):
    ws = workspace(tmp_path / "study")
    plan = ws.root / "ids_plan.toml"
    plan.write_text('[table1]\ncontinuous = ["id", "age_yr"]\n', encoding="utf-8")
    snap = snapshot([*ws.inputs, plan])
    rc, stdout, err = cli(
        capsys, "analyze", ws.cohort, "--map", ws.mapping, "--plan", plan, "-o", ws.root / "r"
    )
    assert_clean_failure(rc, err, expect_rc=2, words=["'id'", "table1"])
    assert "D001" not in stdout + err
    assert not (ws.root / "r").exists()
    assert_unchanged(snap)


# ----------------------------------------------------------------- screen


@pytest.fixture
def hostile_panel(tmp_path):
    ws = workspace(tmp_path / "study")
    ids = list(pd.read_csv(ws.cohort, dtype=str)["id"])
    import numpy as np

    rng = np.random.default_rng(3)
    names = [
        "<script>alert(1)</script>",
        '=HYPERLINK("http://evil","x")',
        "@SUM(A1)",
        "+1+1",
        "-2+3",
        "plain",
    ]
    frame = pd.DataFrame({"id": ids + ["ZZ901", "ZZ902"]})
    for n in names:
        frame[n] = np.round(rng.normal(0, 1, len(frame)), 3)
    panel = ws.root / "hostile_panel.csv"
    frame.to_csv(panel, index=False)
    return ws, panel


def test_screen_outputs_are_inert_and_private(hostile_panel, capsys):
    ws, panel = hostile_panel
    snap = snapshot([*ws.inputs, panel])
    out = ws.root / "screen.csv"
    rc, stdout, err = cli(
        capsys,
        "screen",
        ws.cohort,
        panel,
        "--map",
        ws.mapping,
        "-o",
        out,
        "--outcomes",
        "smi",
        "--quiet",
    )
    assert rc == 0, err
    html = out.with_suffix(".html").read_text()
    assert_inert(html)
    assert "&lt;script&gt;" in html
    res = pd.read_csv(out, dtype=str, keep_default_na=False)
    names = set(res["biomarker"])
    assert '\'=HYPERLINK("http://evil","x")' in names
    assert "'@SUM(A1)" in names and "'+1+1" in names and "'-2+3" in names
    assert "plain" in names
    # Genuine negative numbers stay numbers.
    est = pd.to_numeric(res["estimate"])
    assert (est < 0).any() and res.loc[est < 0, "estimate"].str.startswith("-").all()
    # Unmatched panel ids are not named (stdout, HTML) unless asked.
    for text in (stdout, html):
        assert "ZZ901" not in text and "ZZ902" not in text
    assert "2 biomarker row id(s) are not in the cohort" in stdout
    assert_unchanged(snap)


def test_screen_include_ids_names_the_unmatched_ids(hostile_panel, capsys):
    ws, panel = hostile_panel
    out = ws.root / "screen2.csv"
    rc, stdout, err = cli(
        capsys,
        "screen",
        ws.cohort,
        panel,
        "--map",
        ws.mapping,
        "-o",
        out,
        "--outcomes",
        "smi",
        "--quiet",
        "--include-ids",
    )
    assert rc == 0, err
    assert "ZZ901" in stdout and "ZZ901" in out.with_suffix(".html").read_text()


@pytest.mark.parametrize("shape", ["header_only", "id_only"])
def test_screen_with_an_empty_panel_is_a_clean_error(tmp_path, capsys, shape):
    ws = workspace(tmp_path / "study")
    panel = ws.root / "empty_panel.csv"
    panel.write_text("id,a,b\n" if shape == "header_only" else "id\nD001\nD002\n")
    snap = snapshot([*ws.inputs, panel])
    out = ws.root / "s.csv"
    rc, stdout, err = cli(
        capsys, "screen", ws.cohort, panel, "--map", ws.mapping, "-o", out, "--quiet"
    )
    assert_clean_failure(rc, err, expect_rc=1, words=[str(panel)])
    assert not out.exists()
    assert_unchanged(snap)


# ----------------------------------------------------------------- terminal and CSV ids


def test_control_characters_in_names_are_escaped_on_the_terminal(tmp_path, capsys):
    ws = workspace(tmp_path / "study")
    evil = ws.root / "red\x1b[31mALERT\x07.csv"
    rc, stdout, err = cli(capsys, "classify", evil, "--map", ws.mapping)
    assert_clean_failure(rc, err)
    assert "\x1b" not in err and "\x07" not in err
    assert "\\x1b[31mALERT\\x07" in err
    rc, stdout, err = cli(
        capsys, "classify", ws.cohort, "--map", ws.mapping, "-o", ws.root / "no\x1bdir" / "x.csv"
    )
    assert_clean_failure(rc, err, expect_rc=1)
    assert "\x1b" not in err and "\\x1b" in err


def test_classify_keeps_ids_but_neutralizes_formula_ids(tmp_path, capsys):
    ws = workspace(tmp_path / "study")
    cohort = pd.read_csv(ws.cohort, dtype=str)
    cohort.loc[0, "id"] = "=1+2"
    cohort.loc[1, "id"] = "-17"
    cohort.loc[2, "id"] = "@me"
    path = ws.root / "formula_ids.csv"
    cohort.to_csv(path, index=False)
    snap = snapshot([*ws.inputs, path])
    out = ws.root / "classes.csv"
    rc, stdout, err = cli(capsys, "classify", path, "--map", ws.mapping, "-o", out)
    assert rc == 0, err
    ids = list(pd.read_csv(out, dtype=str)["id"])
    assert ids[:3] == ["'=1+2", "-17", "'@me"]
    assert ids[3:] == list(cohort["id"][3:])
    assert_unchanged(snap)
