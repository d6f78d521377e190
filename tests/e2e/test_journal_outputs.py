"""Journal-ready outputs (issue 17): figure files, the Word file, paths, P style.

One run of the acceptance command
``analyze cohort.csv --figure-format tiff,pdf --dpi 600 --paper a4`` is
shared by the tests; options that change one writer are checked on the
writer through the Python API.
"""

import contextlib
import io
import json
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.shared import Mm
from PIL import Image, ImageChops

from sarcostat.cli import main
from sarcostat.report.parts import DISPLAY, DOCX_PARTS, FIGURES


def _run(args):
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(args)
    return code, so.getvalue(), se.getvalue()


@pytest.fixture(scope="module")
def journal(cohort_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("journal") / "report"
    args = ["analyze", str(cohort_csv), "-o", str(out), "-q"]
    args += ["--figure-format", "tiff,pdf", "--dpi", "600", "--paper", "a4"]
    code, stdout, stderr = _run(args)
    assert code == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text())
    results = json.loads((out / "results.json").read_text())
    return out, manifest, results


def _figures(out, results):
    skipped = results.get("skipped", {})
    names = [n for n in FIGURES if n in results and n not in skipped]
    assert {"fig1", "fig2"} <= set(names)
    return names


def test_every_figure_is_a_600_dpi_lzw_tiff_and_a_pdf(journal):
    out, manifest, results = journal
    for name in _figures(out, results):
        with Image.open(out / f"{name}.tiff") as im:
            assert im.info["dpi"] == pytest.approx((600, 600))
            assert im.info["compression"] == "tiff_lzw"
            assert im.size[0] > 1500  # a print-size figure, not a thumbnail
        pdf = (out / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF")
        # Fonts embedded as TrueType (Type 42), so text stays selectable and exact.
        assert b"/FontFile2" in pdf
        assert not (out / f"{name}.png").exists() and not (out / f"{name}.svg").exists()
    assert {f"{n}.tiff" for n in _figures(out, results)} <= set(manifest["files"])


def test_docx_is_a4_and_holds_every_table_and_figure(journal):
    out, manifest, results = journal
    doc = docx.Document(str(out / "tables.docx"))
    first = doc.sections[0]
    assert first.page_width == pytest.approx(Mm(210), abs=Mm(0.5))
    assert first.page_height == pytest.approx(Mm(297), abs=Mm(0.5))
    skipped = results.get("skipped", {})
    steps = [n for n in manifest["plan"]["study"]["steps"] if n not in skipped]
    # Tables: those of the seed tables, every supplementary table, every step's own.
    expected_tables = sum(
        len(DISPLAY.get(n, (None,))) for n in steps if n in DOCX_PARTS or n not in DISPLAY
    )
    assert len(doc.tables) == expected_tables
    assert len(doc.inline_shapes) == len(_figures(out, results))
    captions = [p.text for p in doc.paragraphs if re.match(r"(Table|Figure) S?\d+\. ", p.text)]
    labels = [re.match(r"(Table|Figure) (S?)(\d+)\.", c).groups() for c in captions]
    main_t = [int(n) for kind, s, n in labels if kind == "Table" and not s]
    supp_t = [int(n) for kind, s, n in labels if kind == "Table" and s]
    main_f = [int(n) for kind, s, n in labels if kind == "Figure" and not s]
    supp_f = [int(n) for kind, s, n in labels if kind == "Figure" and s]
    # Two series each, numbered without gaps: main (1, 2, ...) and supplementary (S1, S2, ...).
    assert main_t == [1, 2, 3] and supp_t == list(range(1, len(supp_t) + 1))
    assert len(main_t) + len(supp_t) == len(doc.tables)
    assert main_f == [1, 2] and supp_f == list(range(1, len(supp_f) + 1))
    assert len(main_f) + len(supp_f) == len(doc.inline_shapes)
    # Real Word tables with the journal's three rules, text in 10-12 pt.
    t1 = doc.tables[0]
    assert "Age" in "".join(c.text for c in t1.columns[0].cells)
    xml = t1._tbl.xml
    assert xml.count('w:top w:val="single"') >= 1 and xml.count('w:bottom w:val="single"') >= 2
    sizes = {
        r.font.size.pt
        for p in doc.paragraphs
        for r in p.runs
        if r.font.size is not None and p.text.strip()
    }
    assert sizes and min(sizes) >= 10 and max(sizes) <= 14
    assert doc.styles["Normal"].font.size.pt == 11
    # Footnotes name the abbreviations and tests.
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "confidence interval" in text
    assert re.search(r"ANCOVA|regression|t test|chi-square|χ2", text, re.I)


def _html_captions(html: str) -> list[str]:
    """Numbered table and figure captions of report.html, as plain text."""
    import html as htmllib

    from sarcostat.report.tables import SUPERSCRIPTS

    out = []
    for m in re.finditer(r"<(?:caption|figcaption)>(.*?)</(?:caption|figcaption)>", html, re.S):
        text = htmllib.unescape(re.sub(r"<[^>]+>", "", m.group(1))).strip()
        if re.match(r"(Table|Figure) S?\d+\. ", text):
            # Word gets footnote letters as superscript runs of plain letters.
            out.append(text.translate(str.maketrans(SUPERSCRIPTS, "abcdefgh")))
    return out


def test_docx_captions_are_the_html_reports_captions(journal):
    """One numbering: every numbered caption of tables.docx is the HTML
    report's, label and text (supplementary tables S1, S2, ..., not Table 4)."""
    out, _, _ = journal
    doc = docx.Document(str(out / "tables.docx"))
    in_docx = [p.text for p in doc.paragraphs if re.match(r"(Table|Figure) S?\d+\. ", p.text)]
    in_html = _html_captions((out / "report.html").read_text())
    for kind in ("Table", "Figure"):
        d = [c for c in in_docx if c.startswith(kind)]
        h = [c for c in in_html if c.startswith(kind)]
        assert d == h, kind
    assert any(c.startswith("Table S1. ") for c in in_docx)
    assert not any(c.startswith("Table 4.") for c in in_docx)
    assert any(c.startswith("Figure S1. ") for c in in_docx)


def test_wide_tables_get_landscape_sections_and_portrait_returns(journal):
    out, _, _ = journal
    doc = docx.Document(str(out / "tables.docx"))
    wide = [s for s in doc.sections if s.page_width > s.page_height]
    assert doc.sections[0].page_width < doc.sections[0].page_height
    for s in wide:
        assert s.page_width == pytest.approx(Mm(297), abs=Mm(0.5))


def test_no_absolute_path_in_any_output(journal, cohort_csv):
    out, manifest, _ = journal
    needles = {str(cohort_csv.parent), str(out.parent), str(out)}
    for path in out.iterdir():
        data = path.read_bytes()
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        text = data.decode("latin-1")
        for needle in needles:
            assert needle not in text, (path.name, needle)
    assert manifest["input"]["path"] == "cohort.csv"
    assert "cohort.csv" in manifest["command"] and "/" not in manifest["command"]
    assert "--figure-format tiff,pdf" in manifest["command"]


def test_letter_paper_and_font(tmp_path, cohort_csv):
    import sarcostat
    from sarcostat.report.docx import write_docx
    from sarcostat.report.options import ReportOptions

    result = sarcostat.analyze(cohort_csv)
    path = write_docx(
        result,
        tmp_path / "t.docx",
        options=ReportOptions(paper="letter", font="Times New Roman"),
        figure_pngs={},
    )
    doc = docx.Document(str(path))
    assert doc.sections[0].page_width == pytest.approx(Mm(215.9), abs=Mm(0.5))
    assert doc.sections[0].page_height == pytest.approx(Mm(279.4), abs=Mm(0.5))
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert len(doc.inline_shapes) >= 2


def test_figure_width_and_greyscale_png(tmp_path, cohort_csv):
    out = tmp_path / "r"
    code, _, err = _run(
        [
            "analyze",
            str(cohort_csv),
            "-o",
            str(out),
            "-q",
            "--figure-format",
            "png,svg,eps",
            "--dpi",
            "300",
            "--figure-width",
            "single",
            "--greyscale",
        ]
    )
    assert code == 0, err
    with Image.open(out / "fig1.png") as im:
        dpi = im.info["dpi"][0]
        assert dpi == pytest.approx(300, abs=0.01)
        assert im.size[0] / dpi * 25.4 == pytest.approx(85, abs=0.5)
        r, g, b = im.convert("RGB").split()
        # Grey everywhere: the three channels are the same image.
        assert ImageChops.difference(r, g).getbbox() is None
        assert ImageChops.difference(g, b).getbbox() is None
    svg = (out / "fig1.svg").read_text()
    assert "<text" in svg  # text kept as text, editable in Illustrator/Inkscape
    assert (out / "fig1.eps").read_bytes().startswith(b"%!PS-Adobe")


@pytest.mark.parametrize(
    ("args", "word"),
    [
        (["--figure-format", "tiff,gif"], "--figure-format"),
        (["--dpi", "2400"], "--dpi"),
        (["--dpi", "high"], "--dpi"),
        (["--figure-width", "wide"], "--figure-width"),
        (["--paper", "a5"], "--paper"),
    ],
)
def test_bad_report_options_are_usage_errors(tmp_path, cohort_csv, args, word, capsys):
    out = tmp_path / "r"
    code = main(["analyze", str(cohort_csv), "-o", str(out), "-q", *args])
    assert code == 2
    err = capsys.readouterr().err
    assert word in err and "Traceback" not in err
    assert not out.exists()


def test_p_style_in_report_and_full_precision_in_json(tmp_path, cohort_csv):
    out = tmp_path / "r"
    code, _, err = _run(["analyze", str(cohort_csv), "-o", str(out), "-q", "--p-style", "apa"])
    assert code == 0, err
    html = (out / "report.html").read_text()
    assert "&lt;.001" in html or re.search(r">\.\d{3}<", html)
    results = json.loads((out / "results.json").read_text())
    p = next(iter(results["table2"].values()))
    values = [v for v in json.dumps(p).split() if re.match(r"0\.\d{6,}", v)]
    assert values  # P values and estimates keep full precision


@pytest.mark.chromium
def test_printed_report_first_page_has_content(journal, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or shutil.which("pdftotext") is None:
        pytest.skip("chromium or pdftotext (poppler-utils) is not installed")
    out, _, _ = journal
    pdf = tmp_path / "report.pdf"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--print-to-pdf={pdf}",
            (out / "report.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "study report" in first and "Cohort" in first
    pages = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    # No blank page anywhere (the last split piece is what follows the final form feed).
    assert all(page.strip() for page in pages[:-1])
