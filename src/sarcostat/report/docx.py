"""Every table and figure of the report in a Word document (python-docx).

Generic over the report's parts (`sarcostat.report.parts.step_parts`):
each step's display tables and its figure appear in report order, so a new
plan step's tables and figure reach the document without code here.
Tables are real, editable Word tables in journal style (three horizontal
rules: above and below the header and at the foot), numbered captions
("Table 1.", "Table S1.", "Figure 1.", "Figure S1.": the labels of
`sarcostat.report.parts.number_parts`, as in the HTML report), footnotes naming the tests and abbreviations.
Pages are A4 or US Letter, portrait; a table too wide for a portrait page
gets a landscape section of its own. Body text 11 pt, tables 10 pt.
"""

from __future__ import annotations

import re
from pathlib import Path

from sarcostat.report import tables
from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig, capitalized

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


#: Abbreviations explained under a table that uses them without a footnote.
ABBREVIATIONS = {
    "AUC": "area under the ROC curve",
    "BMI": "body mass index",
    "CI": "confidence interval",
    "IQR": "interquartile range",
    "LOD": "limit of detection",
    "LS": "least-squares",
    "OR": "odds ratio",
    "ROC": "receiver operating characteristic",
    "SD": "standard deviation",
    "SE": "standard error",
    "SMM": "skeletal muscle mass",
    "ASM": "appendicular skeletal muscle mass",
    "SPPB": "Short Physical Performance Battery",
    "TUG": "timed up-and-go",
}
_WORD = re.compile(r"[A-Za-z]+")
_CAPTION_PREFIX = re.compile(r"^\s*(supplementary\s+)?(table|figure|fig\.)\s*S?\d*[.:]?\s*", re.I)

#: Millimetres of page margin on every side.
MARGIN_MM = 25.0
TABLE_PT = 10
BODY_PT = 11


def _all_text(t: tables.DisplayTable) -> str:
    cells = [text for row in t.header for text, _ in row]
    cells += [c for r in t.rows for c in r.cells]
    return " ".join([t.title, *cells])


def _abbreviation_note(t: tables.DisplayTable) -> str | None:
    """``Abbreviations: CI, confidence interval; ...`` for those the table uses
    and its own footnotes do not already explain."""
    notes = " ".join(t.footnotes)
    used = set(_WORD.findall(_all_text(t)))
    found = [f"{ab}, {meaning}" for ab, meaning in ABBREVIATIONS.items() if ab in used]
    found = [f for f in found if f.split(",")[0] + "," not in notes]
    return "Abbreviations: " + "; ".join(found) + "." if found else None


def _width_pt(t: tables.DisplayTable) -> float:
    """Rough width the table needs at TABLE_PT: its longest cell per column."""
    ncols = sum(span for _, span in t.header[-1]) if t.header else 0
    widths = [0] * max(ncols, max((len(r.cells) for r in t.rows), default=0))
    for r in t.rows:
        for j, c in enumerate(r.cells):
            widths[j] = max(widths[j], len(c))
    col = 0
    for text, span in t.header[-1] if t.header else []:
        longest = max((len(w) for w in text.split()), default=0)
        if span == 1 and col < len(widths):
            widths[col] = max(widths[col], longest)
        col += span
    # An average character is about half the font size wide; 8 pt of padding a cell.
    return sum(w * TABLE_PT * 0.5 + 8 for w in widths)


def _caption(doc, label: str, text: str, *, before: bool):
    """A numbered caption paragraph (style Caption when the template has it)."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    try:
        p.style = doc.styles["Caption"]
    except KeyError:
        pass
    lead = p.add_run(label + " ")
    lead.bold = True
    _write(p, _CAPTION_PREFIX.sub("", text, count=1))
    for r in p.runs:
        r.font.size = Pt(BODY_PT - 1 if not before else BODY_PT)
        r.italic = False
        r.font.color.rgb = None
    p.paragraph_format.keep_with_next = before
    return p


def _add_table(doc, t: tables.DisplayTable, label: str = ""):
    """``t`` as a Word table in journal style, with its caption and footnotes.

    The table's XML is written as one string and parsed once (python-docx's
    cell-by-cell API costs about a millisecond per property set, most of a
    report's Word time): the same elements python-docx would make (column
    grid over the page's text width, ``tcW`` per cell, ``gridSpan`` for
    spanned header cells, ``cantSplit`` on every row, ``tblHeader`` on the
    header rows, 10 pt runs, footnote letters as superscript runs).
    """
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Emu, Pt
    from docx.table import Table

    if label:
        _caption(doc, label, t.title, before=True)
    else:
        title = doc.add_paragraph()
        run = title.add_run(xml_text(t.title))
        run.bold = True
    ncols = sum(span for _, span in t.header[0])
    col_w = Emu(doc._block_width // ncols).twips if ncols > 0 else 0
    size = f'<w:sz w:val="{int(Pt(TABLE_PT).pt * 2)}"/>'
    indent = f'<w:ind w:left="{Pt(10).twips}"/>'
    nrows = len(t.header) + len(t.rows)
    parts = [
        f"<w:tbl {nsdecls('w')}><w:tblPr>"
        '<w:tblW w:type="auto" w:w="0"/><w:tblLayout w:type="autofit"/>'
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        f'<w:gridCol w:w="{col_w}"/>' * ncols,
        "</w:tblGrid>",
    ]

    def row(cells, k, *, header):
        # cells: (text, span, align, indent) for each cell, left to right.
        edges = []
        if header and k == 0:
            edges.append("top")
        if k == nrows - 1 or (header and k == len(t.header) - 1):
            edges.append("bottom")
        borders = ""
        if edges:
            borders = (
                "<w:tcBorders>"
                + "".join(
                    f'<w:{e} w:val="single" w:sz="8" w:space="0" w:color="000000"/>' for e in edges
                )
                + "</w:tcBorders>"
            )
        parts.append(
            "<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"
        )
        col = 0
        for text, span, align, ind in cells:
            span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
            jc = f'<w:jc w:val="{align}"/>' if align else ""
            parts.append(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{col_w * span}"/>{span_xml}{borders}'
                f'</w:tcPr><w:p><w:pPr><w:keepNext/><w:spacing w:after="0"/>'
                f"{indent if ind else ''}{jc}</w:pPr>"
            )
            parts.extend(_runs_xml(text, bold=header, size=size))
            parts.append("</w:p></w:tc>")
            col += span
        parts.append("</w:tr>")

    for k, hrow in enumerate(t.header):
        cells, col = [], 0
        for text, span in hrow:
            cells.append((text.replace("\n", " "), span, "left" if col == 0 else "center", False))
            col += span
        cells += [("", 1, None, False)] * max(0, ncols - col)
        row(cells, k, header=True)
    for i, r in enumerate(t.rows):
        texts = list(r.cells[:ncols])
        cells = [
            (text, 1, "left" if j == 0 else "center", j == 0 and bool(r.indent))
            for j, text in enumerate(texts)
        ]
        cells += [("", 1, None, False)] * (ncols - len(texts))
        row(cells, len(t.header) + i, header=False)
    parts.append("</w:tbl>")
    tbl = parse_xml("".join(parts))
    doc.element.body._insert_tbl(tbl)
    notes = list(t.footnotes)
    extra = _abbreviation_note(t)
    if extra:
        notes.append(extra)
    for note in notes:
        p = doc.add_paragraph()
        _write(p, note, size=Pt(TABLE_PT))
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()
    return Table(tbl, doc._body)


def _escape(text: str) -> str:
    """``text`` as XML character data (xml.sax.saxutils.escape without its
    import of urllib)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _runs_xml(text: str, *, bold: bool, size: str) -> list[str]:
    """The ``w:r`` elements `_write` makes for ``text`` (footnote letters as
    superscript runs; tabs and line breaks as ``w:tab`` / ``w:br``), as XML."""
    out: list[str] = []
    b = "<w:b/>" if bold else ""

    def run(chunk: str, sup: bool) -> None:
        if not chunk:
            return
        body = []
        for piece in re.split(r"(\t|\r|\n)", chunk):
            if piece == "\t":
                body.append("<w:tab/>")
            elif piece in ("\r", "\n"):
                body.append("<w:br/>")
            elif piece:
                keep = ' xml:space="preserve"' if len(piece.strip()) < len(piece) else ""
                body.append(f"<w:t{keep}>{_escape(piece)}</w:t>")
        va = '<w:vertAlign w:val="superscript"/>' if sup else ""
        out.append(f"<w:r><w:rPr>{b}{size}{va}</w:rPr>{''.join(body)}</w:r>")

    chunk = ""
    for ch in xml_text(text):
        if ch in _SUPERSCRIPT:
            run(chunk, False)
            chunk = ""
            run(_SUPERSCRIPT[ch], True)
        else:
            chunk += ch
    run(chunk, False)
    return out


def _page(section, paper: str, landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    from sarcostat.report.options import PAPERS

    w, h = PAPERS[paper]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(h), Mm(w)) if landscape else (Mm(w), Mm(h))
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(MARGIN_MM))


def _set_font(doc, family: str, size_pt: int) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for name in ("Normal", "Caption"):
        try:
            style = doc.styles[name]
        except KeyError:
            continue
        style.font.name = family
        style.font.size = Pt(size_pt)
        # East Asian text (Korean labels) uses the same family, not the theme's.
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is not None:
            rfonts.set(qn("w:eastAsia"), family)


def build_docx(
    result, fmt: FormatConfig = DEFAULT_FORMAT, *, options=None, figure_pngs=None, parts=None
):
    """A python-docx Document with every table and figure of ``result``.

    ``options`` (`ReportOptions`) choose
    the paper, font and figure width; ``figure_pngs`` maps step names to
    PNG bytes already drawn (a figure not given is drawn here); ``parts``
    the `step_parts` of the report when already built (the HTML's: the
    tables are the same, the pictures come from ``figure_pngs``).
    """
    import io

    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    from sarcostat.report import figures as figmod
    from sarcostat.report.options import DEFAULT_OPTIONS, PAPERS
    from sarcostat.report.parts import FIGURES, step_parts

    opts = options or DEFAULT_OPTIONS
    doc = docx.Document()
    _set_font(doc, opts.font, BODY_PT)
    _page(doc.sections[0], opts.paper, landscape=False)
    portrait_text_pt = (PAPERS[opts.paper][0] - 2 * MARGIN_MM) / 25.4 * 72
    if result.synthetic:
        p = doc.add_paragraph()
        r = p.add_run("SYNTHETIC DEMO DATA: simulated participants; do not interpret or cite.")
        r.bold = True
    head = doc.add_paragraph()
    r = head.add_run(
        xml_text(f"{capitalized(result.biomarker_label)} and sarcopenia: tables and figures")
    )
    r.bold = True
    r.font.size = Pt(BODY_PT + 3)
    pngs = dict(figure_pngs or {})
    skipped = getattr(result, "skipped", {}) or {}
    for name in result.frames:
        if name in FIGURES and name not in skipped and name not in pngs:
            with figmod.style_context(opts):
                fig = FIGURES[name](result, fmt=fmt, width_mm=opts.figure_width_mm)
                if opts.greyscale:
                    figmod.to_greyscale(fig)
                if opts.figure_width_mm is not None:
                    figmod.set_width(fig, opts.figure_width_mm)
                pngs[name] = figmod.png_bytes(fig, dpi=min(opts.dpi, 300))
    landscape = False
    # Labels ("Table 2", "Table S3", "Figure S1") come from parts.number_parts,
    # the numbering the HTML report shows too.
    for part in parts if parts is not None else step_parts(result, fmt, pngs):
        if part.skipped is not None:
            continue
        for t in part.tables if part.in_docx else []:
            wide = _width_pt(t) > portrait_text_pt
            if wide != landscape:
                _page(doc.add_section(WD_SECTION.NEW_PAGE), opts.paper, landscape=wide)
                landscape = wide
            _add_table(doc, t, f"{t.label}." if t.label else "")
        if part.name in FIGURES and part.figure is not None:
            if landscape:
                _page(doc.add_section(WD_SECTION.NEW_PAGE), opts.paper, landscape=False)
                landscape = False
            png = pngs[part.name]
            width_mm = min(
                opts.figure_width_mm or PAPERS[opts.paper][0] - 2 * MARGIN_MM,
                PAPERS[opts.paper][0] - 2 * MARGIN_MM,
            )
            pic = doc.add_paragraph()
            pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
            pic.paragraph_format.keep_with_next = True
            pic.add_run().add_picture(io.BytesIO(png), width=Mm(width_mm))
            _caption(doc, f"{part.figure_label}.", part.caption or part.heading, before=False)
            doc.add_paragraph()
    doc.core_properties.title = "sarcostat tables and figures"
    doc.core_properties.author = "sarcostat"
    return doc


def write_docx(
    result,
    path,
    fmt: FormatConfig = DEFAULT_FORMAT,
    *,
    options=None,
    figure_pngs=None,
    parts=None,
) -> Path:
    """Write every table and figure of ``result`` to ``path`` (a .docx file).

    The zip entries carry `sarcostat.report.output.report_time` (not the
    moment of writing), so with ``SOURCE_DATE_EPOCH`` set the file is
    byte-identical from run to run."""
    import io
    import zipfile

    from sarcostat.report.output import report_time

    path = Path(path)
    buf = io.BytesIO()
    build_docx(result, fmt, options=options, figure_pngs=figure_pngs, parts=parts).save(buf)
    stamp = report_time().timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = info.external_attr
                dst.writestr(entry, src.read(info.filename))
    return path
