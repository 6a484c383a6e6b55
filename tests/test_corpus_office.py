"""Word, OpenDocument and RTF files, including damaged and hostile ones."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import docx
import pytest

from qualcode.corpus import ReadLimits, read_bytes, read_document
from qualcode.errors import ReadError

P1 = "Peneliti: Bagaimana koordinasi antarbidang di Bagian Organisasi?"
P2 = "Informan 2: Koordinasi antarbidang masih sering terlambat karena data OPD belum masuk."
P3 = "Informan 2: Namun nilai SAKIP naik menjadi \u201cBB\u201d \u2014 cukup baik."


def make_docx(*, table: bool = True) -> bytes:
    document = docx.Document()
    document.core_properties.title = "Transkrip Wawancara Informan 2"
    document.core_properties.author = "Peneliti"
    document.add_heading("Transkrip Wawancara", level=1)
    document.add_paragraph(P1)
    document.add_paragraph("")
    paragraph = document.add_paragraph("Informan 2: Koordinasi antarbidang ")
    paragraph.add_run("masih sering terlambat").bold = True
    paragraph.add_run(" karena data OPD belum masuk.")
    if table:
        grid = document.add_table(rows=2, cols=2)
        grid.cell(0, 0).text = "Indikator"
        grid.cell(0, 1).text = "Temuan"
        grid.cell(1, 0).text = "Responsivitas"
        grid.cell(1, 1).text = "Pengaduan ditangani lambat"
    document.add_paragraph(P3)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rezip(data: bytes, *, replace: dict[str, bytes] | None = None, add=None) -> bytes:
    """A copy of a zip archive with some members replaced or added."""
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = replace.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, blob, compress_type=zipfile.ZIP_DEFLATED)
        for name, blob in (add or {}).items():
            dst.writestr(name, blob, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --------------------------------------------------------------------------- .docx


def test_docx_paragraphs_and_table_in_reading_order(tmp_path: Path) -> None:
    path = tmp_path / "informan-2.docx"
    path.write_bytes(make_docx())
    doc = read_document(path)
    assert doc.text == "\n".join(
        [
            "Transkrip Wawancara",
            P1,
            "",
            P2,
            "Indikator\tTemuan",
            "Responsivitas\tPengaduan ditangani lambat",
            P3,
        ]
    )
    assert doc.format == "docx"
    assert doc.name == "informan-2.docx"
    assert doc.path == str(path)
    assert doc.metadata["title"] == "Transkrip Wawancara Informan 2"
    assert doc.metadata["author"] == "Peneliti"
    assert doc.metadata["created"]
    assert doc.title == ""  # the file's own title stays in metadata


def test_docx_breaks_tabs_merged_and_nested_cells() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("Informan 1:\tbaris satu")
    paragraph.add_run().add_break()
    paragraph.add_run("baris dua")
    grid = document.add_table(rows=2, cols=3)
    merged = grid.cell(0, 0).merge(grid.cell(0, 1))
    merged.text = "Faktor sistem"
    grid.cell(0, 2).text = "e-office"
    grid.cell(1, 0).text = "Tim"
    inner = grid.cell(1, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "kerja sama"
    inner.cell(0, 1).text = "baik"
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_bytes(buffer.getvalue(), "tabel.docx")
    assert doc.text == (
        "Informan 1:\tbaris satu\nbaris dua\nFaktor sistem\te-office\nTim\tkerja sama\tbaik"
    )


def test_docx_vertical_merge_is_written_once() -> None:
    document = docx.Document()
    grid = document.add_table(rows=2, cols=2)
    grid.cell(0, 0).merge(grid.cell(1, 0)).text = "Kepemimpinan"
    grid.cell(0, 1).text = "demokratis"
    grid.cell(1, 1).text = "humanis"
    buffer = io.BytesIO()
    document.save(buffer)
    assert read_bytes(buffer.getvalue(), "v.docx").text == ("Kepemimpinan\tdemokratis\nhumanis")


def test_docx_tracked_deletions_are_left_out() -> None:
    document_xml = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:body><w:p><w:r><w:t xml:space="preserve">Target </w:t></w:r>'
        b"<w:del><w:r><w:delText>tidak </w:delText></w:r></w:del>"
        b"<w:ins><w:r><w:t>sudah </w:t></w:r></w:ins>"
        b"<w:r><w:t>tercapai.</w:t></w:r></w:p></w:body></w:document>"
    )
    data = rezip(make_docx(table=False), replace={"word/document.xml": document_xml})
    assert read_bytes(data, "revisi.docx").text == "Target sudah tercapai."


def test_docx_that_is_not_a_zip(tmp_path: Path) -> None:
    path = tmp_path / "bukan.docx"
    path.write_text("Ini sebenarnya teks biasa, bukan dokumen Word.", encoding="utf-8")
    with pytest.raises(ReadError, match=r"not a valid Word \(.docx\) file"):
        read_document(path)


def test_old_doc_renamed_docx_gets_advice(tmp_path: Path) -> None:
    path = tmp_path / "lama.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError, match="old Word .doc"):
        read_document(path)


def test_truncated_docx_is_corrupt(tmp_path: Path) -> None:
    data = make_docx()
    path = tmp_path / "terpotong.docx"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="damaged or truncated") as info:
        read_document(path)
    assert "Traceback" not in str(info.value)


def test_zip_without_word_parts() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("catatan.txt", "Ini arsip zip biasa.")
    with pytest.raises(ReadError, match="not a Word document"):
        read_bytes(buffer.getvalue(), "arsip.docx")


def test_xlsx_renamed_docx() -> None:
    data = rezip(
        make_docx(table=False),
        replace={
            "[Content_Types].xml": zipfile.ZipFile(io.BytesIO(make_docx(table=False)))
            .read("[Content_Types].xml")
            .replace(
                b"wordprocessingml.document.main+xml",
                b"spreadsheetml.sheet.main+xml",
            )
        },
    )
    with pytest.raises(ReadError, match="not a Word document"):
        read_bytes(data, "tabel.docx")


def test_docx_damaged_xml_part() -> None:
    data = rezip(make_docx(), replace={"word/document.xml": b"<w:document><w:body>"})
    with pytest.raises(ReadError, match="word/document.xml.*not well-formed"):
        read_bytes(data, "rusak.docx")


DOCTYPE_DOCUMENT = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE w:document [<!ENTITY rahasia SYSTEM "file:///etc/passwd">]>\n'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&rahasia;</w:t></w:r></w:p></w:body></w:document>"
)

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + ']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
).encode()


@pytest.mark.parametrize("payload", [DOCTYPE_DOCUMENT, BILLION_LAUGHS], ids=["xxe", "laughs"])
def test_docx_with_doctype_is_refused(payload: bytes) -> None:
    data = rezip(make_docx(), replace={"word/document.xml": payload})
    with pytest.raises(ReadError, match="refused.*DOCTYPE") as info:
        read_bytes(data, "jahat.docx")
    assert "word/document.xml" in info.value.message


def test_docx_with_doctype_in_another_part_is_refused() -> None:
    payload = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    data = rezip(make_docx(), replace={"docProps/core.xml": payload})
    with pytest.raises(ReadError, match="docProps/core.xml"):
        read_bytes(data, "jahat.docx")


def test_zip_bomb_ratio_is_refused_before_decompressing(monkeypatch: pytest.MonkeyPatch) -> None:
    zeros = b"\x00" * (8 * 1024 * 1024)
    data = rezip(make_docx(), add={"word/media/kosong.bin": zeros})
    assert len(data) < 100_000

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(ReadError, match="expands .* times.*zip bomb"):
        read_bytes(data, "bom.docx")


def test_zip_bomb_total_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = rezip(make_docx(), add={"word/media/a.bin": b"\x00" * 300_000})
    with pytest.raises(ReadError, match="expands to .*more than the limit of 100.0 KB"):
        read_bytes(
            data,
            "bom.docx",
            limits=ReadLimits(max_uncompressed_bytes=100 * 1024, max_compression_ratio=10_000),
        )


def test_zip_member_that_claims_a_huge_size(monkeypatch: pytest.MonkeyPatch) -> None:
    data = bytearray(rezip(make_docx(), add={"word/media/besar.bin": b"\x00" * 1000}))
    # Patch the central directory so that the member claims 3 GB uncompressed.
    name_at = data.rfind(b"word/media/besar.bin")  # its central directory record
    header = data.rfind(b"PK\x01\x02", 0, name_at)
    struct.pack_into("<I", data, header + 24, 3_000_000_000)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/media/besar.bin").file_size == (
        3_000_000_000
    )

    def no_reading(*args: object, **kwargs: object) -> None:
        raise AssertionError("a member was decompressed")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(ReadError, match="zip bomb"):
        read_bytes(bytes(data), "bom.docx")


def test_too_many_zip_members() -> None:
    data = rezip(make_docx(), add={f"word/media/{i}.txt": b"x" for i in range(30)})
    with pytest.raises(ReadError, match="parts, more than the limit of 10"):
        read_bytes(data, "banyak.docx", limits=ReadLimits(max_zip_members=10))


def test_path_traversal_member_is_never_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "kerja" / "dalam"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)

    def no_extracting(*args: object, **kwargs: object) -> None:
        raise AssertionError("something was extracted")

    monkeypatch.setattr(zipfile.ZipFile, "extract", no_extracting)
    monkeypatch.setattr(zipfile.ZipFile, "extractall", no_extracting)
    data = rezip(
        make_docx(),
        add={"../../jahat.txt": b"ditulis", "../../jahat.xml": b"<x>ditulis</x>"},
    )
    source = tmp_path / "informan.docx"
    source.write_bytes(data)
    before = sorted(p for p in tmp_path.rglob("*"))
    doc = read_document(source)
    assert P1 in doc.text
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not (tmp_path / "jahat.txt").exists()


# --------------------------------------------------------------------------- .odt

ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"'
)

ODT_BODY = """
<text:sequence-decls/>
<text:h text:outline-level="1">Catatan Observasi</text:h>
<text:p>Rapat   koordinasi
   dimulai <text:span>pukul 09.00</text:span>.</text:p>
<text:p/>
<text:p>Kolom:<text:tab/>nilai<text:s text:c="3"/>IKM<text:line-break/>baris kedua</text:p>
<text:list>
  <text:list-item><text:p>Data OPD belum masuk</text:p></text:list-item>
  <text:list-item><text:p>Aplikasi e-office lambat</text:p>
    <text:list><text:list-item><text:p>server sering mati</text:p></text:list-item></text:list>
  </text:list-item>
</text:list>
<table:table>
  <table:table-column table:number-columns-repeated="2"/>
  <table:table-header-rows>
    <table:table-row>
      <table:table-cell><text:p>Indikator</text:p></table:table-cell>
      <table:table-cell><text:p>Catatan</text:p></table:table-cell>
    </table:table-row>
  </table:table-header-rows>
  <table:table-row>
    <table:table-cell><text:p>Akuntabilitas</text:p></table:table-cell>
    <table:table-cell><text:p>LKjIP terlambat</text:p><text:p>dua minggu</text:p></table:table-cell>
  </table:table-row>
</table:table>
<text:p>Catatan<text:note><text:note-citation>1</text:note-citation>
<text:note-body><text:p>catatan kaki</text:p></text:note-body></text:note> selesai.</text:p>
"""


def make_odt(
    body: str = ODT_BODY,
    *,
    mimetype: str = "application/vnd.oasis.opendocument.text",
    prolog: str = "",
    meta: bool = True,
) -> bytes:
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        f'<office:document-content {ODT_NS} office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            "<manifest:manifest "
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="'
            + mimetype
            + '"/><manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        if meta:
            archive.writestr(
                "meta.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><office:document-meta {ODT_NS}>'
                "<office:meta><dc:title>Observasi Rapat Koordinasi</dc:title>"
                "<meta:initial-creator>Peneliti</meta:initial-creator>"
                "<meta:creation-date>2024-03-14T09:00:00</meta:creation-date>"
                "</office:meta></office:document-meta>",
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()


def test_odt_text_conventions(tmp_path: Path) -> None:
    path = tmp_path / "observasi-1.odt"
    path.write_bytes(make_odt())
    doc = read_document(path)
    assert doc.text == "\n".join(
        [
            "Catatan Observasi",
            "Rapat koordinasi dimulai pukul 09.00.",
            "",
            "Kolom:\tnilai   IKM\nbaris kedua",
            "Data OPD belum masuk",
            "Aplikasi e-office lambat",
            "server sering mati",
            "Indikator\tCatatan",
            "Akuntabilitas\tLKjIP terlambat\ndua minggu",
            "Catatan selesai.",
        ]
    )
    assert doc.format == "odt"
    assert doc.metadata["title"] == "Observasi Rapat Koordinasi"
    assert doc.metadata["author"] == "Peneliti"
    assert doc.metadata["created"] == "2024-03-14T09:00:00"


def test_odt_with_doctype_is_refused() -> None:
    prolog = '<!DOCTYPE office:document-content [<!ENTITY x "Rahasia">]>'
    data = make_odt("<text:p>&x;</text:p>", prolog=prolog)
    with pytest.raises(ReadError, match="refused.*content.xml.*DOCTYPE"):
        read_bytes(data, "jahat.odt")


def test_odt_spreadsheet_is_not_text() -> None:
    data = make_odt(mimetype="application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ReadError, match="spreadsheet"):
        read_bytes(data, "tabel.odt")


def test_odt_without_content() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(ReadError, match="no content.xml"):
        read_bytes(buffer.getvalue(), "kosong.odt")


def test_odt_empty_body_has_no_text() -> None:
    with pytest.raises(ReadError, match="contains no text"):
        read_bytes(make_odt("<text:p/><text:p>   </text:p>"), "kosong.odt")


def test_odt_not_a_zip() -> None:
    with pytest.raises(ReadError, match=r"not a valid OpenDocument text \(.odt\) file"):
        read_bytes(b"Catatan lapangan biasa", "catatan.odt")


def test_odt_zip_bomb() -> None:
    data = rezip(make_odt(), add={"Pictures/kosong.bmp": b"\x00" * (2 * 1024 * 1024)})
    with pytest.raises(ReadError, match="zip bomb"):
        read_bytes(data, "bom.odt")


# --------------------------------------------------------------------------- .rtf

RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}"
    r"{\info{\title Judul RTF}}"
    "\n"
    r"\f0\fs24 Peneliti: Bagaimana pelayanan \'e9 di sini?\par"
    "\n"
    r"Informan 3: Pelayanan \u8220?cukup baik\u8221? \endash  kata beliau.\par"
    "\n"
    r"\par Selesai.\par}"
)


def test_rtf(tmp_path: Path) -> None:
    path = tmp_path / "informan-3.rtf"
    path.write_bytes(RTF.encode("ascii"))
    doc = read_document(path)
    assert doc.text == (
        "Peneliti: Bagaimana pelayanan \u00e9 di sini?\n"
        "Informan 3: Pelayanan \u201ccukup baik\u201d \u2013 kata beliau.\n"
        "\n"
        "Selesai."
    )
    assert doc.format == "rtf"
    assert doc.metadata["encoding"] == "cp1252"


def test_not_rtf() -> None:
    with pytest.raises(ReadError, match="not an RTF document"):
        read_bytes(b"Teks biasa dengan nama .rtf", "salah.rtf")


def test_rtf_without_text() -> None:
    with pytest.raises(ReadError, match="RTF file contains no text"):
        read_bytes(rb"{\rtf1\ansi{\fonttbl{\f0 Arial;}}\par\par}", "kosong.rtf")
