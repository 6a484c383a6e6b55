"""Spreadsheets: the .xlsx workbook read back with openpyxl, the .csv with pandas."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pandas as pd
import pytest
from test_export_support import build_project

from qualcode.export import export

SHEETS = [
    "Segmen terkode",
    "Ringkasan kode",
    "Kode × informan",
    "Kode × jenis sumber",
    "Kode × dokumen",
    "Faktor × valensi",
    "Matriks kerangka",
    "Triangulasi",
    "Ko-okurensi",
    "Temuan",
    "Info",
]


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    built = build_project(tmp_path_factory.mktemp("studi"))
    yield built
    built["project"].close()


@pytest.fixture(scope="module")
def workbook(study: dict[str, Any]) -> Any:
    buffer = io.BytesIO()
    info = export(study["project"], "xlsx", buffer)
    return openpyxl.load_workbook(io.BytesIO(buffer.getvalue())), info


def _records(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _by_code(sheet: Any) -> dict[str, dict[str, Any]]:
    return {row["ID kode"]: row for row in _records(sheet)}


def test_sheets_and_header(workbook: Any) -> None:
    book, _ = workbook
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert all(cell.font.bold for cell in sheet[1] if cell.value is not None), sheet.title
        assert sheet.freeze_panes in ("A2", "C2"), sheet.title
    assert book["Segmen terkode"].freeze_panes == "A2"
    assert book["Kode × informan"].freeze_panes == "C2"
    assert book["Segmen terkode"].auto_filter.ref


def test_coded_segments_sheet(workbook: Any, study: dict[str, Any]) -> None:
    book, info = workbook
    sheet = book["Segmen terkode"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == [
        "ID pengodean",
        "Dokumen",
        "Judul",
        "Jenis sumber",
        "Informan",
        "Peran",
        "Tanggal",
        "ID segmen",
    ]
    for column in ("Teks", "Sitasi", "Bukti", "ID kode", "Nama kode", "Valensi", "Status"):
        assert column in header
    rows = _records(sheet)
    assert len(rows) == 12 == info.counts["codings"]
    frame = study["project"].codings_frame()
    confirmed = frame.loc[frame["status"].isin(["accepted", "manual"])]
    assert sorted(r["ID pengodean"] for r in rows) == sorted(confirmed["coding_id"].tolist())
    accepted = next(r for r in rows if r["Status"] == "diterima")
    assert accepted["Bukti"] == 'kata kunci "tercapai"'
    assert accepted["Asal"] == "otomatis (aturan kata kunci)"
    assert accepted["Skor"] == pytest.approx(0.9)
    i2 = next(r for r in rows if str(r["Teks"]).startswith("Data dari OPD"))
    assert i2["Sitasi"] == "(Informan 2, Pegawai Bagian Organisasi, wawancara, 14 Maret 2024)"
    assert i2["Jenis sumber"] == "wawancara" and i2["Valensi"] == "penghambat"
    assert i2["Baris"] == 3
    assert sheet.column_dimensions["V"].width >= 40  # the text column is wide


def test_matrices(workbook: Any) -> None:
    book, _ = workbook
    informant = _by_code(book["Kode × informan"])
    assert informant["sistem"]["Informan 2"] == 2
    assert informant["kepemimpinan"]["Informan 1"] == 2
    assert informant["kepemimpinan"]["Kode"] == "Faktor kepemimpinan"
    assert list(informant) == [
        "produktivitas",
        "kualitas_layanan",
        "responsivitas",
        "responsibilitas",
        "akuntabilitas",
        "individu",
        "kepemimpinan",
        "tim",
        "sistem",
        "kontekstual",
    ]
    source = _by_code(book["Kode × jenis sumber"])
    assert (source["sistem"]["wawancara"], source["sistem"]["observasi"]) == (2, 1)
    assert source["produktivitas"]["dokumentasi"] == 1
    documents = _by_code(book["Kode × dokumen"])
    assert documents["responsivitas"]["observasi-rapat.txt"] == 1
    factors = _by_code(book["Faktor × valensi"])
    assert list(factors) == ["individu", "kepemimpinan", "tim", "sistem", "kontekstual"]
    assert (factors["sistem"]["pendukung"], factors["sistem"]["penghambat"]) == (1, 2)
    assert factors["sistem"]["Total"] == 3
    framework = _by_code(book["Matriks kerangka"])
    assert "Server e-office sering mati" in framework["sistem"]["Informan 2"]
    triangulation = _by_code(book["Triangulasi"])
    assert triangulation["sistem"]["Status"] == "terverifikasi (triangulasi)"
    assert triangulation["sistem"]["Jenis sumber"] == "wawancara, observasi"
    pairs = _records(book["Ko-okurensi"])
    assert pairs == [
        {
            "Kode A": "Faktor kepemimpinan",
            "Kode B": "Faktor tim",
            "Jumlah": 1,
            "Jaccard": pytest.approx(0.25),
            "ID segmen": pairs[0]["ID segmen"],
            "ID kode A": "kepemimpinan",
            "ID kode B": "tim",
        }
    ]
    findings = _records(book["Temuan"])
    assert findings[0]["Status verifikasi"] == "terverifikasi (triangulasi)"
    assert "(Observasi, 13 Maret 2024)" in findings[0]["Bukti pendukung"]


def test_info_sheet_traces_the_export(workbook: Any, study: dict[str, Any]) -> None:
    book, info = workbook
    facts = {row[0]: row[1] for row in book["Info"].iter_rows(min_row=2, values_only=True)}
    assert facts["hash"] == study["project"].codebook.content_hash() == info.codebook_hash
    assert facts["versi"] == "2.1"
    assert facts["Buku kode"] == "Kinerja Organisasi (uji ekspor)"
    assert facts["ISO"] == info.exported_at
    assert facts["Status pengodean"] == "diterima, manual"
    assert facts["Pengodean dalam laporan"] == "12"


def test_empty_workbook_keeps_its_sheets(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    export(study["project"], "xlsx", buffer, codes=["individu"])
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book.sheetnames == SHEETS
    assert book["Segmen terkode"].max_row == 1
    facts = {row[0]: row[1] for row in book["Info"].iter_rows(min_row=2, values_only=True)}
    assert facts["Tidak ada data yang diekspor"].startswith("Tidak ada pengodean")


def test_csv_reads_back(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    info = export(study["project"], "csv", buffer)
    data = buffer.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(frame) == 12 == info.counts["codings"]
    assert list(frame.columns[:3]) == ["ID pengodean", "Dokumen", "Judul"]
    assert set(frame["Status"]) == {"diterima", "manual"}
    assert "(Observasi, 13 Maret 2024)" in set(frame["Sitasi"])
    row = frame.loc[frame["Teks"].str.startswith("Bu Rina mendukung")].iloc[0]
    assert row["Informan"] == "Informan 2"
    # A CSV has no header block: every row names the codebook and the export time.
    assert set(frame["Hash buku kode"]) == {info.codebook_hash}
    assert set(frame["Versi buku kode"].astype(str)) == {"2.1"}
    assert set(frame["Diekspor"]) == {info.exported_at}


def test_csv_filters_and_english_headers(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    export(study["project"], "csv", buffer, source_types=["observation"], language="en")
    frame = pd.read_csv(io.BytesIO(buffer.getvalue()), encoding="utf-8-sig")
    assert len(frame) == 2
    assert set(frame["Source type"]) == {"observation"}
    assert "Citation" in frame.columns
