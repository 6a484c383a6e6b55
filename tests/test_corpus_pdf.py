"""PDF files: text layer, pages, scans, encryption, damage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib import pdfencrypt
from reportlab.pdfgen import canvas

from qualcode.corpus import ReadLimits, read_bytes, read_document
from qualcode.errors import ReadError

PAGE_1 = ["Laporan Kinerja Instansi Pemerintah (LKjIP) 2023", "Nilai SAKIP: BB"]
PAGE_2 = ["Capaian IKU Bagian Organisasi 92 persen", "Kendala: data OPD terlambat"]


def make_pdf(pages: list[list[str]], *, encrypt: object = None, title: str = "") -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    if title:
        pdf.setTitle(title)
        pdf.setAuthor("Bagian Organisasi")
    for lines in pages:
        if lines:
            y = 720
            for line in lines:
                pdf.drawString(72, y, line)
                y -= 20
        else:  # a "scanned" page: only graphics
            pdf.rect(72, 72, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_pdf_pages_joined_by_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "lkjip-2023.pdf"
    path.write_bytes(make_pdf([PAGE_1, PAGE_2], title="LKjIP Setda 2023"))
    doc = read_document(path)
    assert doc.text == "\n".join(PAGE_1) + "\n\n" + "\n".join(PAGE_2)
    assert doc.format == "pdf"
    assert doc.metadata["pages"] == 2
    starts = doc.metadata["page_starts"]
    assert starts == [0, doc.text.index(PAGE_2[0])]
    assert doc.metadata["title"] == "LKjIP Setda 2023"
    assert doc.metadata["author"] == "Bagian Organisasi"


def test_pdf_empty_page_keeps_its_place() -> None:
    doc = read_bytes(make_pdf([PAGE_1, [], PAGE_2]), "dokumen.pdf")
    assert doc.metadata["pages"] == 3
    first, second, third = doc.metadata["page_starts"]
    assert doc.text[third:].startswith(PAGE_2[0])
    assert doc.text[second:third] == "\n\n"


def test_scanned_pdf_says_so() -> None:
    with pytest.raises(ReadError, match="no text layer.*scanned.*OCR"):
        read_bytes(make_pdf([[], []]), "scan.pdf")


def test_password_protected_pdf_is_refused() -> None:
    with pytest.raises(ReadError, match="password-protected"):
        read_bytes(make_pdf([PAGE_1], encrypt="rahasia"), "rahasia.pdf")


def test_pdf_with_only_owner_restrictions_opens_like_in_a_viewer() -> None:
    encryption = pdfencrypt.StandardEncryption("", ownerPassword="pemilik", canCopy=0)
    doc = read_bytes(make_pdf([PAGE_1], encrypt=encryption), "terbatas.pdf")
    assert doc.text == "\n".join(PAGE_1)


def test_truncated_pdf_is_damaged() -> None:
    data = make_pdf([PAGE_1, PAGE_2])
    with pytest.raises(ReadError, match="damaged") as info:
        read_bytes(data[:200], "rusak.pdf")
    assert "Traceback" not in str(info.value)


def test_not_a_pdf() -> None:
    with pytest.raises(ReadError, match="not a PDF.*ZIP archive"):
        read_bytes(b"PK\x03\x04" + b"\x00" * 100, "salah.pdf")


def test_pdf_char_limit() -> None:
    with pytest.raises(ReadError, match="more than the limit of 20"):
        read_bytes(make_pdf([PAGE_1]), "a.pdf", limits=ReadLimits(max_chars=20))
