"""Each report figure is drawn once per output format, and tables.docx's
tables come out as python-docx's own API would make them (issue 20: the fixed
costs of every report)."""

import base64
import io
import re

import docx as python_docx
import numpy as np
import pytest
from PIL import Image

from sarcostat.report import docx as docx_mod
from sarcostat.report.export import write_report
from sarcostat.report.options import DEFAULT_OPTIONS, ReportOptions
from sarcostat.report.tables import DisplayRow, DisplayTable


@pytest.fixture
def savefig_calls(monkeypatch):
    from matplotlib.figure import Figure

    # Every figure drawn in this process (a forked copy's calls are not
    # counted here).
    monkeypatch.setenv("SARCOSTAT_THREADS", "1")

    calls = []
    real = Figure.savefig

    def counted(self, fname, *args, **kwargs):
        calls.append(kwargs.get("format"))
        return real(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", counted)
    return calls


def _embedded_pngs(html: str) -> list[bytes]:
    return [
        base64.b64decode(b) for b in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)
    ]


def test_each_figure_is_drawn_once_per_format(tmp_path, result, savefig_calls):
    out = write_report(result, tmp_path / "rep", command="x")
    # fig1 and fig2, PNG + SVG by default: one raster (PNG file, Word picture
    # and HTML embed) and one SVG each.
    assert sorted(savefig_calls) == ["raw", "raw", "svg", "svg"]
    assert (out / "fig1.png").exists() and (out / "fig2.svg").exists()
    # The Word pictures are the PNG files' very bytes (300 dpi).
    doc = python_docx.Document(str(out / "tables.docx"))
    word = {r.target_part.blob for r in doc.part.rels.values() if "image" in r.reltype}
    assert word == {(out / "fig1.png").read_bytes(), (out / "fig2.png").read_bytes()}
    # The HTML embeds are the files' pixels averaged 2 x 2 (300 -> 150 dpi).
    html = _embedded_pngs((out / "report.html").read_text())
    assert len(html) == 2
    for embedded, name in zip(html, ("fig1", "fig2")):
        with Image.open(out / f"{name}.png") as im:
            assert im.info["dpi"][0] == pytest.approx(DEFAULT_OPTIONS.dpi, abs=0.01)
            assert im.mode == "RGB"
            full = im.copy()
        with Image.open(io.BytesIO(embedded)) as im:
            assert im.info["dpi"][0] == pytest.approx(150, abs=0.05)
            small = np.asarray(im)
        assert np.array_equal(small, np.asarray(full.reduce(2)))


def test_at_150_dpi_the_html_embed_is_the_png_file():
    from sarcostat.report import figures

    fig = figures._new_figure((2.0, 1.5))
    fig.subplots().plot([0, 1], [1, 0])
    files, html, word = figures.figure_outputs(fig, ("png",), dpi=150)
    buf = io.BytesIO()
    files["png"](buf)
    assert html == word == buf.getvalue()
    with Image.open(buf) as im:
        assert im.size == (300, 225)


def test_other_formats_are_drawn_only_when_asked(tmp_path, result, savefig_calls):
    opts = ReportOptions(figure_formats=("tiff", "pdf"), dpi=600)
    out = write_report(result, tmp_path / "rep", command="x", report_options=opts)
    # The 600-dpi raster gives the TIFF, the 300-dpi Word picture and the
    # 150-dpi HTML embed; the PDF is drawn on its own; no PNG or SVG.
    assert sorted(savefig_calls) == ["pdf", "pdf", "raw", "raw"]
    assert sorted(p.suffix for p in out.glob("fig*.*") if p.suffix != ".csv") == [
        ".pdf",
        ".pdf",
        ".tiff",
        ".tiff",
    ]
    with Image.open(out / "fig1.tiff") as im:
        assert im.info["dpi"] == pytest.approx((600, 600))
        assert im.info["compression"] == "tiff_lzw"
        tiff = np.asarray(im.convert("RGB"))
    docx = python_docx.Document(str(out / "tables.docx"))
    word = [r.target_part.blob for r in docx.part.rels.values() if "image" in r.reltype]
    with Image.open(io.BytesIO(word[0])) as im:
        assert im.info["dpi"][0] == pytest.approx(300, abs=0.01)
        # Half the TIFF's pixels each way: the same raster, resampled.
        assert im.size == (tiff.shape[1] // 2, tiff.shape[0] // 2)


def test_a_narrowed_figure_keeps_the_drawn_size_in_the_html(tmp_path, result, savefig_calls):
    opts = ReportOptions(figure_width_mm=85.0)
    out = write_report(result, tmp_path / "rep", command="x", report_options=opts)
    # The HTML image (drawn size) is drawn on its own, once; then the
    # narrowed figure's raster (PNG file and Word) and its SVG.
    assert sorted(savefig_calls) == ["raw"] * 4 + ["svg"] * 2
    html = _embedded_pngs((out / "report.html").read_text())
    with Image.open(io.BytesIO(html[0])) as im:
        # For an 85 mm print Figure 1 is drawn with panel B under panel A,
        # 4.5 in wide (9 in side by side), and the HTML keeps that size.
        assert im.size[0] == 4.5 * 150 and im.size[1] > im.size[0]
    with Image.open(out / "fig1.png") as im:
        assert im.size[0] / im.info["dpi"][0] * 25.4 == pytest.approx(85, abs=0.5)


def test_raster_follows_a_tight_bbox_setting():
    """A user's matplotlibrc may crop every savefig (savefig.bbox: tight): the
    raster is then the cropped PNG matplotlib writes, pixel for pixel."""
    import matplotlib

    from sarcostat.report import figures

    fig = figures._new_figure((3.0, 2.0))
    fig.subplots().plot([0, 1], [1, 0])
    assert figures.raster(fig, 50).size == (150, 100)
    with matplotlib.rc_context({"savefig.bbox": "tight"}):
        image = figures.raster(fig, 50)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=50)
    with Image.open(buf) as png:
        assert image.size == png.size != (150, 100)
        assert np.array_equal(np.asarray(image), np.asarray(png.convert("RGB")))


# -- tables.docx: the XML-string table builder against python-docx's API ----


def _reference_table(doc, t, label=""):
    """The table as python-docx's cell API builds it (the writer before issue 20)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    def borders(cell, **edges):
        tc_pr = cell._tc.get_or_add_tcPr()
        el = tc_pr.find(qn("w:tcBorders"))
        if el is None:
            el = OxmlElement("w:tcBorders")
            tc_pr.append(el)
        for edge, style in edges.items():
            if el.find(qn(f"w:{edge}")) is not None:
                continue  # a spanned cell is listed once per column
            b = OxmlElement(f"w:{edge}")
            b.set(qn("w:val"), style)
            b.set(qn("w:sz"), "8")
            b.set(qn("w:space"), "0")
            b.set(qn("w:color"), "000000")
            el.append(b)

    def flag(parent, tag):
        if parent.find(qn(tag)) is None:
            parent.append(OxmlElement(tag))

    if label:
        docx_mod._caption(doc, label, t.title, before=True)
    else:
        doc.add_paragraph().add_run(docx_mod.xml_text(t.title)).bold = True
    ncols = sum(span for _, span in t.header[0])
    table = doc.add_table(rows=0, cols=ncols)
    table.autofit = True
    for h, hrow in enumerate(t.header):
        cells = table.add_row().cells
        col = 0
        for text, span in hrow:
            cell = cells[col]
            if span > 1:
                cell = cell.merge(cells[col + span - 1])
            p = cell.paragraphs[0]
            docx_mod._write(p, text.replace("\n", " "), bold=True)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if col == 0 else WD_ALIGN_PARAGRAPH.CENTER
            col += span
        for cell in table.rows[-1].cells:
            edges = {}
            if h == 0:
                edges["top"] = "single"
            if h == len(t.header) - 1:
                edges["bottom"] = "single"
            if edges:
                borders(cell, **edges)
    for i, row in enumerate(t.rows):
        cells = table.add_row().cells
        for j, text in enumerate(row.cells[:ncols]):
            p = cells[j].paragraphs[0]
            docx_mod._write(p, text)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
            if j == 0 and row.indent:
                p.paragraph_format.left_indent = Pt(10)
        if i == len(t.rows) - 1:
            for cell in cells:
                borders(cell, bottom="single")
    for row in table.rows:
        flag(row._tr.get_or_add_trPr(), "w:cantSplit")
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                p.paragraph_format.keep_with_next = True
                for r in p.runs:
                    r.font.size = Pt(docx_mod.TABLE_PT)
    for k in range(len(t.header)):
        flag(table.rows[k]._tr.get_or_add_trPr(), "w:tblHeader")
    notes = list(t.footnotes)
    extra = docx_mod._abbreviation_note(t)
    if extra:
        notes.append(extra)
    for note in notes:
        p = doc.add_paragraph()
        docx_mod._write(p, note, size=Pt(docx_mod.TABLE_PT))
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    return table


_TABLES = [
    DisplayTable(
        title="Two header rows & <spans>",
        header=[
            [("Variable", 1), ("Unadjusted", 2), ("Adjusted\u1d43", 2)],
            [("", 1)]
            + [
                ("β", 1),
                ("P value", 1),
            ]
            * 2,
        ],
        rows=[
            DisplayRow(["SMI, kg/m²", "0.12", "<0.001\u1d47", " lead", "tail "]),
            DisplayRow(["Men", "a\tb", "c\nd"], indent=True),  # a short row
            DisplayRow(["Women", "1", "2", "3", "4", "5 (beyond the grid)"], indent=True),
        ],
        footnotes=["\u1d43Adjusted for age, sex and BMI.", "OR, odds ratio."],
        label="Table 2",
    ),
    DisplayTable(title="Header only, CI and SD", header=[[("A", 1), ("B", 1)]], rows=[]),
    DisplayTable(
        title="Bad \x01 characters", header=[[("x\x0b", 1)]], rows=[DisplayRow(["\x02y"])]
    ),
]


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_docx_table_xml_is_what_python_docx_makes(paper):
    import docx
    from lxml import etree

    def body_xml(add):
        doc = docx.Document()
        docx_mod._page(doc.sections[0], paper, landscape=False)
        for t in _TABLES:
            add(doc, t, f"{t.label}." if t.label else "")
        parser = etree.XMLParser(remove_blank_text=True)
        return etree.tostring(etree.fromstring(doc.element.body.xml.encode(), parser))

    fast = body_xml(docx_mod._add_table)
    assert fast == body_xml(_reference_table)
    assert fast.count(b"<w:tbl>") == 3 and b"&lt;0.001" in fast


def test_the_tiff_is_not_saved_from_the_image_the_encoder_thread_saves(monkeypatch):
    # PIL keeps a save's settings on the image object: a TIFF saved from
    # the raster while the encoder thread saves it as PNG could take the
    # PNG's settings (found as an uncompressed TIFF, now and then).
    from concurrent.futures import ThreadPoolExecutor

    from sarcostat.report import figures

    saved = {"png": [], "tiff": []}
    real_png, real_tiff = figures.encode_png, figures.encode_tiff
    monkeypatch.setattr(figures, "encode_png", lambda im: saved["png"].append(im) or real_png(im))
    monkeypatch.setattr(
        figures, "encode_tiff", lambda im, p: saved["tiff"].append(im) or real_tiff(im, p)
    )
    fig = figures._new_figure((2.0, 1.5))
    fig.subplots().plot([0, 1], [1, 0])
    with ThreadPoolExecutor(max_workers=1) as encoder:
        files, html, word = figures.figure_outputs(fig, ("tiff",), dpi=300, encoder=encoder)
        data = figures.output_bytes(files["tiff"])
        word.result()
    assert saved["png"] and saved["tiff"]
    assert not {id(im) for im in saved["png"]} & {id(im) for im in saved["tiff"]}
    with Image.open(io.BytesIO(data)) as im:
        assert im.info["compression"] == "tiff_lzw"
    # Without an encoder thread nothing is copied.
    saved["png"].clear()
    saved["tiff"].clear()
    files, html, word = figures.figure_outputs(fig, ("tiff",), dpi=300)
    figures.output_bytes(files["tiff"])
    assert {id(im) for im in saved["png"]} & {id(im) for im in saved["tiff"]}
