"""Hostile text: markup, XML-illegal control characters and formula-like cells never
break an export and never run."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import networkx as nx
import openpyxl
import pandas as pd
import pytest
from lxml import etree
from test_export_support import codebook_file

from qualcode.corpus import normalise_text
from qualcode.export import export_bytes
from qualcode.model import SourceDocument

SCRIPT = "<script>alert('x')</script>"
PASSAGES = (
    f"Kinerja {SCRIPT} & baik\x00\x07\x1b\x0b sekali.",
    "=SUM(A1:A9) dan +62 812 adalah nomor.",
    "Data ]]> <![CDATA[ x]] \ufffe selesai; pakai $x$ dan *bintang* _miring_ | pipa.",
)
TEXT = "".join(f"I: {p}\n\n" for p in PASSAGES)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from qualcode.service import Project

    folder = tmp_path_factory.mktemp("hostile")
    project = Project.create(folder / "p.qualcode", codebook_path=codebook_file(folder))
    document_id = project.add_source(
        SourceDocument(
            name="wawancara <1>.txt",
            text=TEXT,
            informant="Informan <1> & \x07",
            role='Staf "<b>" \x1b',
            date="2024-03-14",
            metadata={"name": "Rina Wulandari"},
        )
    ).document_id
    stored = project.document(document_id).text
    codes = ("responsivitas", "sistem", "tim")
    for passage, code in zip(PASSAGES, codes, strict=True):
        kept = normalise_text(passage)  # stored text is normalised like a read file
        start = stored.index(kept)
        project.add_coding(document_id, start, start + len(kept), code, valence="penghambat")
    project.add_coding(document_id, *_span(stored, PASSAGES[0]), "sistem", valence="penghambat")
    yield project
    project.close()


def _span(text: str, passage: str) -> tuple[int, int]:
    kept = normalise_text(passage)
    start = text.index(kept)
    return start, start + len(kept)


def _no_illegal(text: str) -> bool:
    return not any(ord(c) < 32 and c not in "\t\n\r" for c in text) and "\ufffe" not in text


def test_docx(hostile: Any) -> None:
    data, _ = export_bytes(hostile, "docx")
    document = docx.Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert SCRIPT in text
    assert "Kinerja <script>alert('x')</script> & baik sekali." in text
    assert "=SUM(A1:A9)" in text and "]]> <![CDATA[" in text
    assert _no_illegal(text)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        etree.fromstring(archive.read("word/document.xml"))  # well-formed
        assert b"<script>" not in archive.read("word/document.xml")


def test_xlsx_keeps_text_as_text(hostile: Any) -> None:
    data, _ = export_bytes(hostile, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Segmen terkode"]
    header = [c.value for c in sheet[1]]
    column = header.index("Teks") + 1
    cells = [sheet.cell(row=r, column=column) for r in range(2, sheet.max_row + 1)]
    values = [c.value for c in cells]
    assert "=SUM(A1:A9) dan +62 812 adalah nomor." in values
    assert all(c.data_type == "s" for c in cells)
    assert any(SCRIPT in v for v in values)
    assert all(_no_illegal(v) for v in values)
    informants = {sheet.cell(row=r, column=5).value for r in range(2, sheet.max_row + 1)}
    assert informants == {"Informan <1> & "}


def test_csv_defuses_formulas(hostile: Any) -> None:
    data, _ = export_bytes(hostile, "csv")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert "'=SUM(A1:A9) dan +62 812 adalah nomor." in set(frame["Teks"])
    assert any(SCRIPT in v for v in frame["Teks"])


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_are_well_formed(hostile: Any, fmt: str) -> None:
    data, _ = export_bytes(hostile, fmt)
    etree.fromstring(data)
    reader = nx.read_graphml if fmt == "graphml" else nx.read_gexf
    graph = reader(io.BytesIO(data))
    assert graph.has_edge("responsivitas", "sistem")
    assert graph.nodes["sistem"]["informant_list"] == "Informan <1> & "


def test_markdown_escapes_markup(hostile: Any) -> None:
    data, _ = export_bytes(hostile, "md")
    text = data.decode("utf-8")
    assert "<script>" not in text
    assert "\\<script\\>alert('x')\\</script\\>" in text
    assert "\\$x\\$ dan \\*bintang\\* \\_miring\\_ \\| pipa" in text
    assert _no_illegal(text)


def test_qdpx_is_well_formed(hostile: Any, tmp_path: Path) -> None:
    data, _ = export_bytes(hostile, "qdpx", pseudonymise=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        etree.fromstring(archive.read("project.qde"))
