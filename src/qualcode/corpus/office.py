"""Word (.docx), OpenDocument (.odt) and RTF files.

Text conventions (the same for .docx and .odt):

* every paragraph or heading is one line; paragraphs are joined by ``"\\n"`` (an empty
  paragraph gives an empty line); a line break inside a paragraph is ``"\\n"``, a tab
  ``"\\t"``;
* list items are their paragraphs, without the bullet or number (those come from
  styles, not from the text);
* a table is written row by row, one line per row, the non-empty cells of a row joined
  by ``"\\t"`` (a cell with several paragraphs keeps its ``"\\n"`` between them, but
  not empty lines at its start or end; merged cells appear once; a nested table is
  written inside its cell);
* text boxes follow the paragraph they are anchored in;
* deleted tracked changes, comments, footnotes, headers and footers are left out.

RTF is converted by striprtf: ``\\par`` gives ``"\\n"``, table cells are separated by
``"|"`` and rows end with ``"\\n"``.
"""

from __future__ import annotations

import io
import re
from typing import Any

import docx
from striprtf.striprtf import rtf_to_text

from qualcode.corpus.archive import open_zip, parse_xml, read_member
from qualcode.corpus.base import Extracted, looks_like
from qualcode.corpus.limits import ReadLimits
from qualcode.errors import ReadError

# --------------------------------------------------------------------------- .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

_DOCX_SKIP = frozenset(
    _W + name
    for name in (
        "pPr",
        "rPr",
        "tblPr",
        "trPr",
        "tcPr",
        "sectPr",
        "del",
        "delText",
        "moveFrom",
        "instrText",
        "delInstrText",
        "fldData",
        "footnoteReference",
        "endnoteReference",
        "commentReference",
        "annotationRef",
        "softHyphen",
        "lastRenderedPageBreak",
    )
) | {_MC + "Fallback"}

_DOCX = "Word (.docx)"


def read_docx(data: bytes, *, where: str, limits: ReadLimits) -> Extracted:
    with open_zip(data, where=where, kind=_DOCX, limits=limits) as archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names:
            raise ReadError(
                "the file is a zip archive but not a Word document (it has no "
                "[Content_Types].xml part)",
                path=where,
            )
        for name in names:
            if name.lower().endswith((".xml", ".rels")):
                blob = read_member(archive, name, where=where, kind=_DOCX)
                parse_xml(blob, member=name, where=where, kind=_DOCX)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError as exc:
        raise ReadError(f"the file is not a Word document ({exc})", path=where) from exc
    except Exception as exc:  # python-docx raises many kinds on broken packages
        raise ReadError(
            f"the Word (.docx) file is damaged ({type(exc).__name__}: {exc})", path=where
        ) from exc
    try:
        lines = _docx_blocks(document.element.body)
    except RecursionError as exc:
        raise ReadError("the Word (.docx) file is nested too deeply", path=where) from exc
    return Extracted(
        text="\n".join(lines),
        properties=_docx_properties(document),
        no_text_message="the Word document contains no text",
    )


def _docx_properties(document: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    try:
        core = document.core_properties
        if core.title and core.title.strip():
            found["title"] = core.title.strip()
        if core.author and core.author.strip():
            found["author"] = core.author.strip()
        if core.created is not None:
            found["created"] = core.created.isoformat()
    except Exception:  # properties are a courtesy: a broken core.xml must not stop reading
        return found
    return found


def _docx_blocks(container: Any) -> list[str]:
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if not isinstance(tag, str):  # comments and processing instructions
            continue
        if tag == _W + "p":
            floating: list[str] = []
            parts: list[str] = []
            _docx_inline(child, parts, floating)
            lines.append("".join(parts))
            lines.extend(floating)
        elif tag == _W + "tbl":
            table = _docx_table(child)
            if table is not None:
                lines.append(table)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                lines.extend(_docx_blocks(content))
        elif tag in (_W + "customXml", _W + "ins", _W + "moveTo", _W + "smartTag"):
            lines.extend(_docx_blocks(child))
        elif tag == _MC + "AlternateContent":
            choice = child.find(_MC + "Choice")
            if choice is not None:
                lines.extend(_docx_blocks(choice))
    return lines


def _docx_inline(element: Any, parts: list[str], floating: list[str]) -> None:
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in _DOCX_SKIP:
            continue
        if tag == _W + "t":
            parts.append(child.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "txbxContent":
            floating.extend(_docx_blocks(child))
        elif tag == _MC + "AlternateContent":
            choice = child.find(_MC + "Choice")
            if choice is not None:
                _docx_inline(choice, parts, floating)
        else:
            _docx_inline(child, parts, floating)


def _docx_children(element: Any, tag: str) -> list[Any]:
    """Children named ``tag``, looking through content controls and custom XML."""
    found: list[Any] = []
    for child in element:
        if child.tag == tag:
            found.append(child)
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml"):
            found.extend(_docx_children(child, tag))
    return found


def _docx_table(table: Any) -> str | None:
    rows: list[str] = []
    for row in _docx_children(table, _W + "tr"):
        cells: list[str] = []
        for cell in _docx_children(row, _W + "tc"):
            merge = cell.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val", "continue") == "continue":
                continue  # the lower part of a vertically merged cell
            text = "\n".join(_docx_blocks(cell)).strip("\n")
            if text.strip():
                cells.append(text)
        rows.append("\t".join(cells))
    return "\n".join(rows) if rows else None


# --------------------------------------------------------------------------- .odt

_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"

_ODT = "OpenDocument text (.odt)"
_ODT_MIMETYPES = (
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.text-template",
)
_ODF_KINDS = {
    "spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "presentation": "an OpenDocument presentation (.odp)",
    "graphics": "an OpenDocument drawing (.odg)",
}

# Block elements whose content is not running text.
_ODT_SKIP_BLOCKS = frozenset(
    {
        _TEXT + "tracked-changes",
        _TEXT + "table-of-content",
        _TEXT + "illustration-index",
        _TEXT + "table-index",
        _TEXT + "object-index",
        _TEXT + "user-index",
        _TEXT + "alphabetical-index",
        _TEXT + "bibliography",
        _TEXT + "sequence-decls",
        _TEXT + "variable-decls",
        _TEXT + "user-field-decls",
        _TEXT + "soft-page-break",
        _OFFICE + "forms",
        _OFFICE + "annotation",
        _TABLE + "table-columns",
        _TABLE + "table-column",
        _TABLE + "table-header-columns",
        _TABLE + "covered-table-cell",
    }
)
# Inline elements whose content is not part of the paragraph's text.
_ODT_SKIP_INLINE = frozenset(
    {
        _TEXT + "note",
        _TEXT + "ruby-text",
        _OFFICE + "annotation",
        _OFFICE + "annotation-end",
        _TEXT + "tracked-changes",
    }
)
_ODF_SPACE = " \t\r\n"


def read_odt(data: bytes, *, where: str, limits: ReadLimits) -> Extracted:
    with open_zip(data, where=where, kind=_ODT, limits=limits) as archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            mimetype = read_member(archive, "mimetype", where=where, kind=_ODT)
            mime = mimetype.decode("ascii", "replace").strip()
            if mime not in _ODT_MIMETYPES:
                kind = next(
                    (v for k, v in _ODF_KINDS.items() if mime.endswith("." + k)),
                    f"a file of type {mime!r}",
                )
                raise ReadError(f"the file is {kind}, not a text document", path=where)
        if "META-INF/manifest.xml" in names:
            manifest = parse_xml(
                read_member(archive, "META-INF/manifest.xml", where=where, kind=_ODT),
                member="META-INF/manifest.xml",
                where=where,
                kind=_ODT,
            )
            if manifest.find(f".//{_MANIFEST}encryption-data") is not None:
                raise ReadError(
                    "the OpenDocument file is password-protected; save it again without a password",
                    path=where,
                )
        if "content.xml" not in names:
            raise ReadError(
                "the file is a zip archive but not an OpenDocument text (it has no "
                "content.xml part)",
                path=where,
            )
        content = parse_xml(
            read_member(archive, "content.xml", where=where, kind=_ODT),
            member="content.xml",
            where=where,
            kind=_ODT,
        )
        meta = None
        if "meta.xml" in names:
            meta = parse_xml(
                read_member(archive, "meta.xml", where=where, kind=_ODT),
                member="meta.xml",
                where=where,
                kind=_ODT,
            )
    body = content.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise ReadError(
            "the OpenDocument file has no text body (is it a spreadsheet or a drawing?)",
            path=where,
        )
    try:
        lines = _odt_blocks(body)
    except RecursionError as exc:
        raise ReadError("the OpenDocument file is nested too deeply", path=where) from exc
    return Extracted(
        text="\n".join(lines),
        properties=_odt_properties(meta),
        no_text_message="the OpenDocument file contains no text",
    )


def _odt_properties(meta: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if meta is None:
        return found
    for key, paths in (
        ("title", (f".//{_DC}title",)),
        ("author", (f".//{_META}initial-creator", f".//{_DC}creator")),
        ("created", (f".//{_META}creation-date",)),
    ):
        for path in paths:
            element = meta.find(path)
            if element is not None and element.text and element.text.strip():
                found[key] = element.text.strip()
                break
    return found


def _odt_blocks(container: Any) -> list[str]:
    lines: list[str] = []
    for child in container:
        tag = child.tag
        if not isinstance(tag, str) or tag in _ODT_SKIP_BLOCKS:
            continue
        if tag in (_TEXT + "p", _TEXT + "h"):
            paragraph = _OdtParagraph()
            paragraph.walk(child)
            lines.append("".join(paragraph.parts))
            lines.extend(paragraph.floating)
        elif tag == _TABLE + "table":
            lines.extend(_odt_table(child))
        else:  # lists, list items, sections, and anything unknown that may hold text
            lines.extend(_odt_blocks(child))
    return lines


def _odt_rows(element: Any) -> list[Any]:
    rows: list[Any] = []
    for child in element:
        if child.tag == _TABLE + "table-row":
            rows.append(child)
        elif child.tag in (
            _TABLE + "table-header-rows",
            _TABLE + "table-rows",
            _TABLE + "table-row-group",
        ):
            rows.extend(_odt_rows(child))
    return rows


def _odt_table(table: Any) -> list[str]:
    rows: list[str] = []
    for row in _odt_rows(table):
        cells: list[str] = []
        for cell in row:
            if cell.tag != _TABLE + "table-cell":
                continue  # covered cells are the hidden parts of merged cells
            text = "\n".join(_odt_blocks(cell)).strip("\n")
            if text.strip():
                cells.append(text)
        rows.append("\t".join(cells))
    return rows


class _OdtParagraph:
    """The text of a text:p or text:h, applying ODF white-space rules: runs of spaces,
    tabs and newlines in the XML collapse to one space and leading ones are dropped;
    text:s, text:tab and text:line-break give literal spaces, tabs and newlines."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.floating: list[str] = []
        self._after_space = True  # at the start of the paragraph

    def characters(self, text: str | None) -> None:
        if not text:
            return
        out: list[str] = []
        for ch in text:
            if ch in _ODF_SPACE:
                if not self._after_space:
                    out.append(" ")
                    self._after_space = True
            else:
                out.append(ch)
                self._after_space = False
        self.parts.append("".join(out))

    def literal(self, text: str) -> None:
        self.parts.append(text)
        self._after_space = False

    def walk(self, element: Any) -> None:
        self.characters(element.text)
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag not in _ODT_SKIP_INLINE:
                if tag == _TEXT + "s":
                    try:
                        count = int(child.get(_TEXT + "c", "1"))
                    except ValueError:
                        count = 1
                    self.literal(" " * max(1, min(count, 10_000)))
                elif tag == _TEXT + "tab":
                    self.literal("\t")
                elif tag == _TEXT + "line-break":
                    self.literal("\n")
                elif tag == _DRAW + "text-box":
                    self.floating.extend(_odt_blocks(child))
                elif tag in (_TEXT + "list", _TABLE + "table"):
                    self.floating.extend(_odt_blocks([child]))
                else:  # spans, links, fields, frames (which may hold a text box)
                    self.walk(child)
            self.characters(child.tail)


# --------------------------------------------------------------------------- .rtf

_RTF_CODE_PAGE = re.compile(r"\\ansicpg(\d+)")


def read_rtf(data: bytes, *, where: str, limits: ReadLimits) -> Extracted:
    if data.removeprefix(b"\xef\xbb\xbf").lstrip()[:5] != b"{\\rtf":
        raise ReadError(
            "the file is not an RTF document (it does not start with '{\\rtf')" + looks_like(data),
            path=where,
        )
    # RTF is 7-bit text: other characters are escaped and decoded by striprtf with the
    # code page the file declares. Raw 8-bit bytes are non-standard; take them as cp1252.
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source = data.decode("cp1252", errors="replace")
    try:
        text = rtf_to_text(source, errors="replace")
    except Exception as exc:  # striprtf is a best-effort parser
        raise ReadError(
            f"the RTF file is damaged ({type(exc).__name__}: {exc})", path=where
        ) from exc
    code_page = _RTF_CODE_PAGE.search(source[:4096])
    return Extracted(
        text=text,
        facts={"encoding": f"cp{code_page.group(1)}" if code_page else "cp1252"},
        no_text_message="the RTF file contains no text",
    )
