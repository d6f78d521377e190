"""Tables 1-3 as journal tables in a Word document (python-docx).

Three-line tables (rules above and below the header and at the foot),
numbers formatted by :mod:`sarcostat.report.format`, footnotes for
abbreviations and adjustment, one table per page section.
"""

from __future__ import annotations

import re
from pathlib import Path

from sarcostat.report import tables
from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig


def _set_borders(cell, **edges):
    """Set cell borders, e.g. top="single"; python-docx has no API for it."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    for edge, style in edges.items():
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), style)
        el.set(qn("w:sz"), "8" if style != "nil" else "0")
        el.set(qn("w:space"), "0")
        el.set(qn("w:color"), "000000")
        borders.append(el)


#: Unicode superscript letters of the display tables -> the plain letter, which
#: Word gets as a real superscript run (what journals typeset).
_SUPERSCRIPT = dict(zip(tables.SUPERSCRIPTS, "abcdefgh"))


#: Characters XML 1.0 forbids (Word files are XML): from user labels, they
#: would stop python-docx; they are written escaped, as text.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with XML-invalid control characters written as ``\\xNN``."""
    return _XML_INVALID.sub(lambda m: f"\\x{ord(m.group(0)):02x}", str(text))


def _write(paragraph, text: str, *, bold: bool = False, size=None):
    """Add ``text`` to ``paragraph``, footnote letters as superscript runs."""
    text = xml_text(text)
    chunk = ""

    def flush(t, sup=False):
        if t:
            run = paragraph.add_run(t)
            run.bold = bold or None
            run.font.superscript = sup or None
            if size is not None:
                run.font.size = size

    for ch in text:
        if ch in _SUPERSCRIPT:
            flush(chunk)
            chunk = ""
            flush(_SUPERSCRIPT[ch], sup=True)
        else:
            chunk += ch
    flush(chunk)


def _add_table(doc, t: tables.DisplayTable):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    title = doc.add_paragraph()
    run = title.add_run(xml_text(t.title))
    run.bold = True
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
            _write(p, text.replace("\n", " "), bold=True)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if col == 0 else WD_ALIGN_PARAGRAPH.CENTER
            col += span
        for cell in table.rows[-1].cells:
            edges = {}
            if h == 0:
                edges["top"] = "single"
            if h == len(t.header) - 1:
                edges["bottom"] = "single"
            if edges:
                _set_borders(cell, **edges)
    for i, row in enumerate(t.rows):
        cells = table.add_row().cells
        for j, text in enumerate(row.cells):
            p = cells[j].paragraphs[0]
            _write(p, text)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if j == 0 else WD_ALIGN_PARAGRAPH.CENTER
            if j == 0 and row.indent:
                p.paragraph_format.left_indent = Pt(10)
        if i == len(t.rows) - 1:
            for cell in cells:
                _set_borders(cell, bottom="single")
    for row in table.rows:
        for cell in row.cells:
            for p in cell.paragraphs:
                p.paragraph_format.space_after = Pt(0)
                for r in p.runs:
                    r.font.size = Pt(9)
    for note in t.footnotes:
        p = doc.add_paragraph()
        _write(p, note, size=Pt(8))
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    return table


def build_docx(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """A python-docx Document holding Tables 1-3 of ``result``."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.shared import Pt

    doc = docx.Document()
    style = doc.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    sec = doc.sections[0]
    # Landscape gives Table 3's long headers room.
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = sec.page_height, sec.page_width
    if result.synthetic:
        p = doc.add_paragraph()
        r = p.add_run("SYNTHETIC DEMO DATA: simulated participants; do not interpret or cite.")
        r.bold = True
    from sarcostat.report.parts import docx_tables

    for t in docx_tables(result, fmt):
        _add_table(doc, t)
    doc.core_properties.title = "sarcostat tables"
    doc.core_properties.author = "sarcostat"
    return doc


def write_docx(result, path, fmt: FormatConfig = DEFAULT_FORMAT) -> Path:
    """Write Tables 1-3 of ``result`` to ``path`` (a .docx file)."""
    path = Path(path)
    build_docx(result, fmt).save(str(path))
    return path
