"""The thesis report: .docx read back with python-docx, and the same report as Markdown."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from test_export_support import build_project

from qualcode.export import export
from qualcode.export.report import ELLIPSIS, trim_quote

CITE_I2 = "(Informan 2, Pegawai Bagian Organisasi, wawancara, 14 Maret 2024)"
CITE_I1 = "(Informan 1, Kepala Bagian Organisasi, wawancara, 12 Maret 2024)"
CITE_OBS = "(Observasi, 13 Maret 2024)"
CITE_DOC = "(Dokumen LKjIP 2023, 28 Februari 2024)"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    built = build_project(tmp_path_factory.mktemp("studi"))
    yield built
    built["project"].close()


@pytest.fixture(scope="module")
def report(study: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("out") / "hasil.docx"
    info = export(study["project"], "docx", path)
    return docx.Document(str(path)), info


def _headings(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]


def _quotes(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Quote"]


def _table_after(document: Any, caption: str) -> Any:
    """The table that follows the caption paragraph starting with ``caption``."""
    body = document.element.body
    found = False
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p" and "".join(child.itertext()).startswith(caption):
            found = True
        elif tag == "tbl" and found:
            return docx.table.Table(child, document._body)
    raise AssertionError(f"no table after {caption!r}")


def _rows(table: Any) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_title_block_records_codebook_and_date(report: Any, study: dict[str, Any]) -> None:
    document, info = report
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Hasil Analisis Data Kualitatif"
    digest = study["project"].codebook.content_hash()
    assert f"Buku kode: Kinerja Organisasi (uji ekspor), versi 2.1 (hash {digest})" in texts
    assert any(t.startswith("Tanggal ekspor: ") and re.search(r"\d{4}", t) for t in texts)
    assert "Status pengodean: diterima, manual" in texts
    assert "Data: 12 pengodean pada 11 segmen dari 4 dokumen (2 informan)" in texts
    assert digest in document.core_properties.keywords
    assert info.codebook_hash == digest
    assert info.codebook_version == "2.1"


def test_sections_follow_the_codebook(report: Any) -> None:
    headings = _headings(report[0])
    expected = [
        "Ringkasan Temuan per Kode",
        "Indikator kinerja organisasi publik (Agus Dwiyanto)",
        "Produktivitas",
        "Kualitas layanan",
        "Responsivitas",
        "Responsibilitas",
        "Akuntabilitas",
        "Faktor yang memengaruhi kinerja (Mahmudi)",
        "Faktor personal/individu",
        "Faktor kepemimpinan",
        "Faktor tim",
        "Faktor sistem",
        "Faktor kontekstual/situasional",
        "Faktor Pendukung dan Penghambat",
        "Jaringan Ko-okurensi Kode",
        "Triangulasi",
        "Temuan",
        "Temuan 1",
        "Lampiran: Jejak Audit",
    ]
    assert headings == expected


def test_quotes_are_verbatim_with_their_citation(report: Any) -> None:
    quotes = _quotes(report[0])
    assert (
        f"\u201cData dari OPD selalu telat, jadi koordinasi kami ikut lambat.\u201d\n{CITE_I2} [K3]"
    ) in quotes
    assert any(
        q.startswith("\u201cRapat baru dimulai pukul 09.50") and CITE_OBS in q for q in quotes
    )
    assert any(
        q.startswith("\u201cCapaian kinerja Bagian Organisasi") and CITE_DOC in q for q in quotes
    )
    assert any(q.startswith("\u201cTarget PK kami tercapai") and CITE_I1 in q for q in quotes)
    quote_style = report[0].styles["Quote"].paragraph_format
    assert quote_style.left_indent is not None and quote_style.left_indent > 0


def test_supporting_quotes_come_before_inhibiting_ones(report: Any) -> None:
    texts = [p.text for p in report[0].paragraphs]
    start = texts.index("Faktor sistem")
    section = texts[start : texts.index("Faktor kontekstual/situasional")]
    assert section.index("Kutipan pendukung (1)") < section.index("Kutipan penghambat (2)")
    assert any(
        "Aplikasi SAKIP membantu" in t for t in section[: section.index("Kutipan penghambat (2)")]
    )


def test_code_table_counts(report: Any) -> None:
    rows = _rows(_table_after(report[0], "Tabel 6."))
    assert rows[0] == ["Jumlah segmen", "Informan", "Jenis sumber", "Pendukung", "Penghambat"]
    assert rows[1] == ["3", "1 (Informan 2)", "wawancara, observasi", "1", "2"]
    rows = _rows(_table_after(report[0], "Tabel 2."))
    assert rows[1] == ["2", "1 (Informan 1)", "wawancara, dokumentasi", "2", "0"]


def test_factor_table(report: Any) -> None:
    rows = _rows(_table_after(report[0], "Tabel 7."))
    assert rows[0][0] == "Faktor"
    by_factor = {r[0]: r for r in rows[1:]}
    assert [r[0] for r in rows[1:]] == [
        "Faktor personal/individu",
        "Faktor kepemimpinan",
        "Faktor tim",
        "Faktor sistem",
        "Faktor kontekstual/situasional",
    ]
    assert by_factor["Faktor kepemimpinan"][1] == "3"
    assert by_factor["Faktor kepemimpinan"][3] == "0"
    assert by_factor["Faktor sistem"][1:4:2] == ["1", "2"]
    assert by_factor["Faktor sistem"][2].startswith("\u201cAplikasi SAKIP")
    assert CITE_I2 in by_factor["Faktor sistem"][2]
    assert by_factor["Faktor personal/individu"][2] == "-"


def test_network_figure_with_caption(report: Any) -> None:
    document = report[0]
    assert len(document.inline_shapes) == 1
    texts = [p.text for p in document.paragraphs]
    assert "Gambar 1. Jaringan ko-okurensi kode" in texts
    pairs = _rows(_table_after(document, "Tabel 8."))
    assert pairs[1][:3] == ["Faktor kepemimpinan", "Faktor tim", "1"]


def test_triangulation_and_findings(report: Any) -> None:
    document = report[0]
    rows = {r[0]: r for r in _rows(_table_after(document, "Tabel 9."))}
    assert rows["Faktor sistem"][-1] == "terverifikasi (triangulasi)"
    assert rows["Faktor tim"][-1] == "satu sumber"
    assert rows["Akuntabilitas"][-1] == "tidak ada bukti"
    texts = [p.text for p in document.paragraphs]
    start = texts.index("Temuan 1")
    finding = texts[start : texts.index("Lampiran: Jejak Audit")]
    assert "E-office belum berjalan penuh karena server sering bermasalah." in finding
    assert "Bukti pendukung (2)" in finding
    assert any(CITE_OBS in t and "Server e-office tidak dapat diakses" in t for t in finding)


def test_audit_appendix(report: Any, study: dict[str, Any]) -> None:
    document = report[0]
    rows = dict(r[:2] for r in _rows(_table_after(document, "Tabel 10.")))
    assert rows["Pengodean dalam laporan"] == "12"
    assert rows["Status pengodean"] == "diterima, manual"
    assert rows["Pengodean di proyek"].startswith("14 (usulan 1, diterima 1, ditolak 1, manual 11)")
    assert study["project"].codebook.content_hash() in rows["Buku kode"]
    quotes = _rows(_table_after(document, "Tabel 12."))
    assert quotes[0] == [
        "No.",
        "Kode",
        "Valensi",
        "Dokumen",
        "Baris",
        "Segmen",
        "Status",
        "Koder",
    ]
    k3 = next(r for r in quotes if r[0] == "K3")
    assert k3[1:4] == ["Responsivitas", "penghambat", "wawancara_agus_pratama.txt"]
    assert k3[4] == "3"  # the passage is on line 3 of the transcript
    assert k3[7] == "peneliti"


def test_docx_to_a_stream(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    info = export(study["project"], "docx", buffer)
    data = buffer.getvalue()
    assert data[:2] == b"PK" and info.path is None
    assert info.bytes_written == len(data)
    document = docx.Document(io.BytesIO(data))
    assert len(_quotes(document)) == 14  # 12 codings on 11 segments + 2 for the finding


def test_filters_narrow_the_report(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    export(study["project"], "docx", buffer, codes=["sistem"], source_types=["observasi"])
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    quotes = _quotes(document)
    assert quotes[0] == (
        "\u201cServer e-office tidak dapat diakses sekitar dua jam; staf kembali ke surat "
        f"kertas.\u201d\n{CITE_OBS} [K1]"
    )
    # The finding on this code keeps all its evidence (K2, K3).
    assert len(quotes) == 3 and CITE_I2 in quotes[1]
    assert "Produktivitas" not in _headings(document)
    texts = [p.text for p in document.paragraphs]
    assert "Filter: kode: Faktor sistem; jenis sumber: observasi" in texts


def test_empty_selection_is_explained(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    info = export(study["project"], "docx", buffer, codes=["akuntabilitas"])
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Tidak ada data yang diekspor" in _headings(document)
    assert "Tidak ada pengodean yang memenuhi filter ini (status: diterima, manual)" in text
    assert "--status suggested" in text
    assert _quotes(document) == []
    assert "Lampiran: Jejak Audit" in _headings(document)
    assert any("tidak ada pengodean" in w for w in info.warnings)
    # With suggestions included the unreviewed coding is reported.
    buffer = io.BytesIO()
    export(study["project"], "docx", buffer, codes=["akuntabilitas"], statuses=["suggested"])
    quotes = _quotes(docx.Document(io.BytesIO(buffer.getvalue())))
    assert len(quotes) == 1 and quotes[0].startswith("\u201cRekomendasi evaluasi SAKIP")


def test_english_report(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    export(study["project"], "docx", buffer, language="en")
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    assert document.paragraphs[0].text == "Qualitative Data Analysis Results"
    assert "Supporting and Inhibiting Factors" in _headings(document)
    quotes = _quotes(document)
    assert any(
        "(Informan 2, Pegawai Bagian Organisasi, interview, 14 March 2024)" in q for q in quotes
    )
    assert any("(Document LKjIP 2023, 28 February 2024)" in q for q in quotes)


# --------------------------------------------------------------------------- long quotes


def test_short_quotes_are_kept_whole() -> None:
    assert trim_quote("Kinerja meningkat.\n\nPimpinan mendukung.") == (
        "Kinerja meningkat. Pimpinan mendukung.",
        False,
    )


def test_long_quotes_are_cut_at_sentences() -> None:
    sentences = [
        f"Kalimat nomor {i} membahas kinerja bagian organisasi dengan panjang." for i in range(20)
    ]
    text = " ".join(sentences)
    focus_at = text.index("Kalimat nomor 15")
    trimmed, cut = trim_quote(text, [(focus_at, focus_at + 7)], limit=600)
    assert cut
    assert len(trimmed) <= 620
    assert trimmed.startswith("Kalimat nomor 0 ")
    assert "Kalimat nomor 15 membahas" in trimmed
    assert ELLIPSIS in trimmed
    for piece in trimmed.split(ELLIPSIS):
        piece = piece.strip()
        if piece:
            assert piece.endswith("."), piece  # only whole sentences


def test_one_very_long_sentence_is_cut_at_words() -> None:
    text = "kata " * 300 + "penting " + "lagi " * 100
    start = text.index("penting")
    trimmed, cut = trim_quote(text.strip(), [(start, start + 7)], limit=600)
    assert cut and "penting" in trimmed and len(trimmed) <= 600
    assert trimmed.startswith(ELLIPSIS) and trimmed.endswith(ELLIPSIS)


def test_long_quote_in_the_report(tmp_path: Path) -> None:
    long_turn = " ".join(
        f"Kalimat ke-{i} tentang koordinasi yang lambat dengan OPD terkait." for i in range(30)
    )
    built = build_project(tmp_path, extra_text=f"\nI: {long_turn}\n")
    project = built["project"]
    text = project.document(built["documents"]["i1"]).text
    start = text.index(long_turn)
    project.add_coding(
        built["documents"]["i1"],
        start,
        start + len(long_turn),
        "responsivitas",
        valence="penghambat",
    )
    buffer = io.BytesIO()
    export(project, "docx", buffer, codes=["responsivitas"], informants=["Informan 1"])
    project.close()
    quotes = _quotes(docx.Document(io.BytesIO(buffer.getvalue())))
    assert len(quotes) == 1
    body = quotes[0].split("\n")[0]
    assert ELLIPSIS in body and len(body) < 700
    assert body.startswith("\u201cKalimat ke-0 tentang koordinasi")
    assert CITE_I1 in quotes[0]


# --------------------------------------------------------------------------- markdown


def test_markdown_to_a_path_saves_the_figure_beside_it(
    study: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "bab4.md"
    info = export(study["project"], "md", path)
    text = path.read_text(encoding="utf-8")
    figure = tmp_path / "bab4-gambar-1.png"
    assert info.files == [str(figure)]
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert text.startswith('---\ntitle: "Hasil Analisis Data Kualitatif"\n')
    assert f'codebook-hash: "{info.codebook_hash}"' in text
    assert "![Gambar 1. Jaringan ko-okurensi kode](bab4-gambar-1.png)" in text
    assert (
        "> \u201cData dari OPD selalu telat, jadi koordinasi kami ikut lambat.\u201d\\\n"
        f"> {CITE_I2} \\[K3\\]"
    ) in text
    assert "| Jumlah segmen | Informan | Jenis sumber | Pendukung | Penghambat |" in text
    assert "| 3 | 1 (Informan 2) | wawancara, observasi | 1 | 2 |" in text
    assert "# Faktor Pendukung dan Penghambat" in text
    assert ": Tabel 7. Faktor pendukung dan penghambat" in text


def test_markdown_to_a_stream_leaves_the_figure_out(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    info = export(study["project"], "md", buffer)
    text = buffer.getvalue().decode("utf-8")
    assert info.files == []
    assert "![" not in text
    assert "Gambar jaringan tidak disertakan" in text


def test_markdown_empty_selection(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    export(study["project"], "md", buffer, informants=["Informan 1"], codes=["sistem"])
    text = buffer.getvalue().decode("utf-8")
    assert "# Tidak ada data yang diekspor" in text
    assert "Tidak ada pengodean yang memenuhi filter ini" in text
    # No suggestion matches these filters, so none is offered.
    assert "--status suggested" not in text
    assert "qualcode code" in text
