"""Renderers on a hand-built StudyResult: tables, DOCX, HTML, JSON, figures, directory."""

import dataclasses
import json
import os
import re
import stat
from html.parser import HTMLParser

import docx
import pandas as pd
import pytest

from sarcostat.exceptions import ParameterError
from sarcostat.report import tables
from sarcostat.report.export import results_dict, write_report
from sarcostat.report.html import render_html

_VOID = {"meta", "img", "br", "hr", "link", "input", "col", "source"}


def _unbalanced_tags(html):
    """Tags opened and not closed (or closed out of order), by stdlib HTMLParser."""
    stack, problems = [], []

    class P(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag not in _VOID:
                stack.append(tag)

        def handle_endtag(self, tag):
            if stack and stack[-1] == tag:
                stack.pop()
            else:
                problems.append(tag)

    P().feed(html)
    return problems + stack


def test_table1_rows_like_the_paper(result):
    t = tables.table1(result)
    assert t.header[0][1][0] == "Sarcopenia\n(n=20)"
    assert t.header[0][2][0] == "No sarcopenia\n(n=109)"
    cells = [r.cells for r in t.rows]
    # Two tests in the table: each P value carries its test's letter.
    assert cells[0] == ["Sex", "", "", "0.245\u1d43"]
    assert cells[1] == ["Men", "8 (40.0)", "56 (51.4)", ""]
    assert cells[2] == ["Women", "12 (60.0)", "53 (48.6)", ""]
    assert cells[3] == ["Age, yr", "72.4\u00b15.7", "69.0\u00b16.2", "0.026\u1d47"]
    assert cells[4] == ["Gait speed, m/s", "0.86\u00b10.27", "1.07\u00b10.36", "0.010\u1d47"]
    assert cells[5][3] == "<0.001\u1d47"
    assert "\u1d43Chi-square test; \u1d47Student's t test." in t.footnotes
    assert any("SPS, sarcopenia phenotype score" in n for n in t.footnotes)


def test_table1_with_one_test_names_it_without_letters(build):
    res = build()
    res.frames["table1"]["test"] = "Welch's t test"
    t = tables.table1(res)
    assert t.rows[0].cells[3] == "0.245"
    assert "P values by Welch's t test." in t.footnotes


def test_table2_and_table3_cells(result):
    t2 = tables.table2(result)
    assert [r.cells for r in t2.rows] == [
        ["SMI", "0.457", "<0.001", "0.198", "0.003"],
        ["Chair stand", "\u20130.068", "0.448", "\u20130.002", "0.979"],
    ]
    assert "\u1d43Adjusted for age, sex, and body mass index." in t2.footnotes
    t3 = tables.table3(result)
    assert t3.rows[0].cells == [
        "Sarcopenia",
        "0.27 (0.14\u20130.53)",
        "<0.001",
        "0.28 (0.13\u20130.61)",
        "0.001",
    ]
    # A model that could not be estimated says so instead of printing nan.
    assert t3.rows[1].cells[3:] == ["not estimable", ""]
    assert "1 SD = 15.90 pmol/L" in t3.footnotes[0]


def test_docx_reopens_with_three_tables(tmp_path, result):
    path = result.to_docx(tmp_path / "t.docx")
    doc = docx.Document(str(path))
    assert len(doc.tables) == 3
    first_col = [[row.cells[0].text.strip() for row in t.rows] for t in doc.tables]
    assert first_col[0][1:] == [
        "Sex",
        "Men",
        "Women",
        "Age, yr",
        "Gait speed, m/s",
        "SPS (range, 0\u201312)".replace("12", "3"),
    ]
    assert first_col[1][2:] == ["SMI", "Chair stand"]
    assert first_col[2][2:] == ["Sarcopenia", "Poor physical performance"]
    assert doc.tables[1].rows[2].cells[2].text == "<0.001"
    # Footnote letters are real superscripts, as a journal typesets them.
    age_p = doc.tables[0].rows[4].cells[3].paragraphs[0].runs
    assert [(r.text, bool(r.font.superscript)) for r in age_p] == [("0.026", False), ("b", True)]
    adj = doc.tables[1].rows[0].cells[3].paragraphs[0].runs
    assert [(r.text, bool(r.font.superscript)) for r in adj] == [("Adjusted", False), ("a", True)]
    # Category rows are indented by paragraph indent, not by spaces.
    men = doc.tables[0].rows[2].cells[0].paragraphs[0]
    assert men.text == "Men" and men.paragraph_format.left_indent > 0
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Adjusted for age, sex, and body mass index" in text
    assert "SYNTHETIC" not in text


def test_docx_without_a_path_returns_the_file_bytes(result):
    import io

    data = result.to_docx()
    assert data[:2] == b"PK"
    assert len(docx.Document(io.BytesIO(data)).tables) == 3


def test_docx_of_synthetic_data_says_so(tmp_path, build):
    doc = docx.Document(str(build(synthetic=True).to_docx(tmp_path / "t.docx")))
    assert "SYNTHETIC" in doc.paragraphs[0].text


_PNGS = (b"\x89PNG fig1", b"\x89PNG fig2")


def test_html_is_self_contained(result):
    html = render_html(result, figure_pngs=_PNGS)
    # No external resource of any kind: every src is a data URI, no <link>/<script src>.
    assert re.findall(r'\bsrc="(?!data:)', html) == []
    assert "<link" not in html and "<script" not in html
    assert not re.search(r"https?://", html)
    assert html.count("data:image/png;base64,") == 2
    assert '<meta name="viewport"' in html and "@media print" in html
    assert _unbalanced_tags(html) == []
    for needle in (
        "Table 1.",
        "Table 2.",
        "Table 3.",
        "Figure 1.",
        "Figure 2.",
        "Methods",
        "5.0 events per variable",
        "LOD/\u221a2",
        "&lt;0.001",
    ):
        assert needle in html
    assert "SYNTHETIC" not in html


def test_html_of_synthetic_data_says_so(build):
    assert "These data are SYNTHETIC" in render_html(build(synthetic=True), figure_pngs=_PNGS)


def test_methods_paragraph_states_every_choice(result):
    text = result.methods_text()
    for needle in (
        "AWGS 2019",
        "Student's t test",
        "age, sex, and body mass index",
        "held at their means",
        "equal weights",
        "NTILES(4)",
        "quartile number (1-4)",
        "Bonferroni",
        "LOD/\u221a2",
        "n=129",
        "listwise deletion",
        "Type III",
        "1 SD = 15.90 pmol/L",
        "P for trend, unadjusted and adjusted",
        "(Python 3.",
        "NumPy ",
    ):
        assert needle in text, needle


def test_methods_counts_indeterminate_classifications_per_status(build):
    import numpy as np

    res = build()
    data = pd.DataFrame(
        {"sarcopenia": [1.0, 0.0, np.nan, np.nan], "low_muscle_mass": [1.0, 0.0, 0.0, np.nan]}
    )
    res = dataclasses.replace(res, data=data)
    assert "(indeterminate: sarcopenia 2, low muscle mass 1" in res.methods_text()


def test_methods_name_the_tests_the_cohort_did_not_measure(build):
    res = build()
    assert "did not measure" not in res.methods_text()
    for left, named in [
        (["sppb_total"], "did not measure SPPB score;"),
        (["chair_stand_5x_s", "sppb_total"], "did not measure chair stand and SPPB score;"),
    ]:
        cohort = {**res.cohort, "tests_not_measured": left}
        text = dataclasses.replace(res, cohort=cohort).methods_text()
        assert f"The cohort {named} as the definition accepts any one" in text


def test_results_json_is_keyed_by_part_and_row(result):
    out = results_dict(result)
    assert out["table1"]["sex"]["male"]["count_with"] == 8
    assert out["table1"]["age_yr"]["mean_with"] == 72.44
    assert out["fig1"]["sarcopenia"]["adjusted"]["with"]["p_value"] == 0.0031
    assert out["table2"]["smi"]["adjusted"]["std_beta"] == 0.1984
    assert out["fig2"]["smi"]["adjusted"]["4"]["estimate"] == pytest.approx(7.2)
    assert out["table3"]["low_performance"]["adjusted"]["odds_ratio"] is None
    json.dumps(out, allow_nan=False)


def test_write_report_creates_every_file(tmp_path, result):
    out = write_report(result, tmp_path / "rep", command="sarcostat analyze x")
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "report.html",
            "tables.docx",
            "results.json",
            "manifest.json",
            "fig1.png",
            "fig1.svg",
            "fig2.png",
            "fig2.svg",
            "table1.csv",
            "fig1.csv",
            "table2.csv",
            "fig2.csv",
            "table3.csv",
        ]
    )
    man = json.loads((out / "manifest.json").read_text())
    assert man["command"] == "sarcostat analyze x"
    assert man["plan"]["model"]["covariates"] == ["age_yr", "sex", "bmi"]
    assert man["versions"]["sarcostat"] and man["versions"]["numpy"]
    assert man["warnings"] == list(result.warnings)
    assert (out / "fig1.svg").read_text().lstrip().startswith(("<?xml", "<svg"))
    assert (out / "fig2.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # No temporary directory is left next to the output.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rep"]
    # Rewriting replaces an earlier report directory.
    write_report(result, out, command="again")
    assert json.loads((out / "manifest.json").read_text())["command"] == "again"


def test_report_directory_follows_the_umask(tmp_path, result):
    # Like a folder made by mkdir, not a 0700 temp dir (0o027 gives 0750).
    umask = 0o027
    old = os.umask(umask)
    try:
        out = write_report(result, tmp_path / "rep")
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask


def test_write_report_refuses_a_foreign_directory(tmp_path, result):
    target = tmp_path / "mine"
    target.mkdir()
    (target / "thesis.docx").write_text("precious")
    with pytest.raises(ParameterError, match="not an earlier output of .sarcostat analyze."):
        write_report(result, target)
    assert [p.name for p in target.iterdir()] == ["thesis.docx"]


def test_failure_while_writing_leaves_nothing(tmp_path, result, monkeypatch):
    import sarcostat.report.html as rhtml

    def boom(*a, **k):
        raise RuntimeError("disk full")

    # Fails at the last file: everything before it was already written.
    monkeypatch.setattr(rhtml, "render_html", boom)
    with pytest.raises(RuntimeError):
        write_report(result, tmp_path / "rep")
    assert list(tmp_path.iterdir()) == []


def test_figure_values_tables(result):
    f1 = tables.figure1_values(result)
    assert f1.rows[0].cells == [
        "Sarcopenia",
        "30.7 (24.8\u201336.6), n=20",
        "46.6 (40.7\u201352.5), n=109",
        "<0.001",
        "30.7 (24.8\u201336.6), n=20",
        "46.6 (40.7\u201352.5), n=109",
        "0.003",
    ]
    f2 = tables.figure2_values(result)
    assert f2.rows[0].cells[:3] == ["SMI", "0.003", "0.003"]
    assert f2.rows[1].cells[:3] == ["SPS", "0.016", "0.016"]
    assert "\u1d47Pairwise comparison of the LS means, Bonferroni-adjusted." in f2.footnotes


def test_sample_table_gives_the_n_of_each_model_side_by_side(result):
    from sarcostat.report.html import sample_sizes

    rows = {a: (u, adj) for a, u, adj in sample_sizes(result)}
    assert rows["Table 1"] == ("129 classified", "")
    # Table 2's adjusted models lost two participants without a covariate.
    assert rows["Table 2: SMI"] == ("129", "127")
    assert rows["Table 3: Sarcopenia"] == ("129 (20 events)", "129 (20 events)")
    assert "n, adjusted" in render_html(result, figure_pngs=(b"", b""))
