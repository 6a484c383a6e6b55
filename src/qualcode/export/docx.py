"""The report as a Word document (python-docx): A4, thesis margins, Times New Roman,
quotes as indented blocks with their citation, tables with a repeated header row."""

from __future__ import annotations

import io
from datetime import datetime
from typing import IO, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from qualcode.export.report import Figure, Heading, Paragraph, Quote, Report, Table
from qualcode.export.selection import clean

FONT = "Times New Roman"
TEXT_WIDTH_CM = 14.0  # A4 with the usual thesis margins: 4 cm left, 3 cm right
BLACK = RGBColor(0, 0, 0)
GREY = RGBColor(0x80, 0x80, 0x80)
LANG_TAGS = {"id": "id-ID", "en": "en-GB"}


def write_docx(report: Report, out: IO[bytes]) -> None:
    """Render ``report`` as .docx into the binary stream ``out``."""
    document = Document()
    _setup(document, report)
    for block in report.blocks:
        if isinstance(block, Heading):
            document.add_heading(clean(block.text), level=max(1, min(block.level, 4)))
        elif isinstance(block, Paragraph):
            _paragraph(document, block)
        elif isinstance(block, Quote):
            _quote(document, block)
        elif isinstance(block, Table):
            _table(document, report, block)
        elif isinstance(block, Figure):
            _figure(document, report, block)
    document.save(out)


def docx_bytes(report: Report) -> bytes:
    buffer = io.BytesIO()
    write_docx(report, buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- setup


def _setup(document: Any, report: Report) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin, section.right_margin = Cm(4.0), Cm(3.0)
    section.top_margin, section.bottom_margin = Cm(3.0), Cm(3.0)

    styles = document.styles
    normal = styles["Normal"]
    _font(normal, size=12)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    _language(normal, LANG_TAGS.get(report.language, "id-ID"))
    for level, size in ((1, 14), (2, 13), (3, 12), (4, 12)):
        style = styles[f"Heading {level}"]
        _font(style, size=size, bold=True, italic=level == 4)
        style.paragraph_format.space_before = Pt(12 if level <= 2 else 8)
        style.paragraph_format.space_after = Pt(6)
    title = styles["Title"]
    _font(title, size=16, bold=True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _no_border(title)
    quote = styles["Quote"]
    _font(quote, size=11, italic=True)
    quote.paragraph_format.left_indent = Cm(1.0)
    quote.paragraph_format.right_indent = Cm(1.0)
    quote.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    quote.paragraph_format.line_spacing = 1.0
    quote.paragraph_format.space_after = Pt(8)
    quote.paragraph_format.keep_together = True
    caption = styles["Caption"]
    _font(caption, size=11, bold=False, italic=False)
    caption.paragraph_format.space_before = Pt(6)
    caption.paragraph_format.space_after = Pt(4)
    _add_styles(styles)

    props = document.core_properties
    props.title = clean(report.properties.get("title", report.title))
    props.subject = clean(report.properties.get("subject", ""))
    props.keywords = clean(report.properties.get("keywords", ""))
    props.comments = clean(report.properties.get("comments", ""))
    props.author = "qualcode"
    props.last_modified_by = "qualcode"
    props.language = LANG_TAGS.get(report.language, "id-ID")
    date = report.properties.get("date")
    if date:
        when = datetime.fromisoformat(date)
        props.created = when
        props.modified = when
    _page_number_footer(section)
    document.add_heading(clean(report.title), level=0)


# Styles of our own (names a researcher sees in Word), applied by id: python-docx
# looks styles up by name slowly. An id is the name without spaces.
STYLE_NAMES = {
    "SitasiKutipan": "Sitasi Kutipan",
    "RujukanKutipan": "Rujukan Kutipan",
    "SelTabel": "Sel Tabel",
    "JudulKolomTabel": "Judul Kolom Tabel",
    "CatatanLaporan": "Catatan Laporan",
}
CITATION, REFERENCE, CELL, HEADER_CELL, NOTE = STYLE_NAMES


def _add_styles(styles: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    citation = styles.add_style(STYLE_NAMES[CITATION], WD_STYLE_TYPE.CHARACTER)
    citation.font.italic = False
    reference = styles.add_style(STYLE_NAMES[REFERENCE], WD_STYLE_TYPE.CHARACTER)
    reference.font.italic = False
    reference.font.size = Pt(8)
    reference.font.color.rgb = GREY
    for style_id, bold in ((CELL, False), (HEADER_CELL, True)):
        cell = styles.add_style(STYLE_NAMES[style_id], WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = styles["Normal"]
        cell.font.size = Pt(10)
        cell.font.bold = bold
        cell.paragraph_format.space_after = Pt(0)
        cell.paragraph_format.line_spacing = 1.0
    note = styles.add_style(STYLE_NAMES[NOTE], WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.size = Pt(10)
    note.font.italic = True
    for style_id, name in STYLE_NAMES.items():
        assert styles[name].style_id == style_id


def _styled(document: Any, style_id: str) -> Any:
    paragraph = document.add_paragraph()
    paragraph._p.style = style_id
    return paragraph


def _run(paragraph: Any, text: str, style_id: str = "") -> Any:
    """A run of plain text (no tabs or line breaks), added without python-docx's
    character-by-character text setter."""
    run = paragraph.add_run()
    if text:
        run._r.add_t(text)
    if style_id:
        run._r.style = style_id
    return run


def _font(style: Any, *, size: float, bold: bool | None = None, italic: bool | None = None) -> None:
    font = style.font
    font.name = FONT
    font.size = Pt(size)
    font.color.rgb = BLACK
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _language(style: Any, tag: str) -> None:
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    lang.set(qn("w:val"), tag)


def _no_border(style: Any) -> None:
    ppr = style.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)


def _page_number_footer(section: Any) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --------------------------------------------------------------------------- blocks


def _paragraph(document: Any, block: Paragraph) -> None:
    paragraph = _styled(document, NOTE) if block.style == "note" else document.add_paragraph()
    if block.label:
        paragraph.add_run(f"{clean(block.label)}: ").bold = True
    run = paragraph.add_run(clean(block.text))
    if block.style == "meta":
        paragraph.paragraph_format.space_after = Pt(2)
    elif block.style == "definition":
        run.italic = True
    elif block.style == "subheading":
        run.bold = True
        paragraph.paragraph_format.space_before = Pt(6)
        paragraph.paragraph_format.keep_with_next = True
    elif block.style == "notice":
        run.bold = True
    elif block.style == "memo":
        paragraph.paragraph_format.left_indent = Cm(0.5)


def _quote(document: Any, block: Quote) -> None:
    paragraph = _styled(document, "Quote")
    _run(paragraph, clean(block.quoted))
    paragraph.add_run().add_break()
    _run(paragraph, clean(block.citation), CITATION)
    if block.ref:
        _run(paragraph, f" [{block.ref}]", REFERENCE)


def _caption(document: Any, text: str, *, keep_with_next: bool) -> None:
    paragraph = _styled(document, "Caption")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number, _, rest = text.partition(". ")
    paragraph.add_run(f"{number}. ").bold = True
    paragraph.add_run(clean(rest))
    paragraph.paragraph_format.keep_with_next = keep_with_next


def _table(document: Any, report: Report, block: Table) -> None:
    if block.caption:
        _caption(document, report.caption(block), keep_with_next=True)
    n_cols = len(block.columns)
    table = document.add_table(rows=len(block.rows) + 1, cols=n_cols)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _repeat_header(table.rows[0])
    cells = table._cells  # every cell, row by row, computed once
    values = [list(block.columns)] + [(list(row) + [""] * n_cols)[:n_cols] for row in block.rows]
    for index, cell in enumerate(cells):
        row, column = divmod(index, n_cols)
        paragraph = cell.paragraphs[0]
        paragraph._p.style = HEADER_CELL if row == 0 else CELL
        if row and column in block.numeric:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        text = clean(values[row][column])
        if "\n" in text or "\t" in text:
            paragraph.add_run(text)
        else:
            _run(paragraph, text)
    if block.widths and len(block.widths) == n_cols:
        _column_widths(table, block.widths)
    document.add_paragraph().paragraph_format.space_after = Pt(2)


def _column_widths(table: Any, weights: tuple[float, ...]) -> None:
    """Fixed column widths (the grid), so that Word and LibreOffice lay the table
    out the same without a width on every cell."""
    total = sum(weights)
    for column, weight in zip(table.columns, weights, strict=True):
        column.width = Cm(TEXT_WIDTH_CM * weight / total)
    table.autofit = False  # w:tblLayout type="fixed"


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.insert_element_before(
        flag, "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange"
    )


def _figure(document: Any, report: Report, block: Figure) -> None:
    document.add_picture(io.BytesIO(block.png), width=Cm(TEXT_WIDTH_CM))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    _caption(document, report.caption(block), keep_with_next=False)
    if block.note:
        document.add_paragraph(clean(block.note))
