"""Words of the exports in Indonesian (default) and English, and date formatting."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from qualcode.errors import QualcodeError

LANGUAGES: tuple[str, ...] = ("id", "en")

MONTHS: dict[str, tuple[str, ...]] = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        # report
        "title": "Hasil Analisis Data Kualitatif",
        "project": "Proyek",
        "codebook": "Buku kode",
        "codebook_line": "{name}, versi {version} (hash {hash})",
        "exported_at": "Tanggal ekspor",
        "statuses": "Status pengodean",
        "filters": "Filter",
        "no_filter": "tidak ada (semua kode, informan dan jenis sumber)",
        "pseudonymised": "Pseudonimisasi",
        "yes": "ya",
        "no": "tidak",
        "data_line": (
            "{codings} pengodean pada {segments} segmen dari {documents} dokumen "
            "({informants} informan)"
        ),
        "data": "Data",
        "empty_title": "Tidak ada data yang diekspor",
        "empty": (
            "Tidak ada pengodean yang memenuhi filter ini (status: {statuses}). "
            "Laporan ini sengaja tidak berisi tabel dan kutipan."
        ),
        "empty_suggested": (
            "Ada {n} pengodean berstatus usulan yang cocok dengan filter ini tetapi belum "
            "ditinjau. "
            "Tinjau usulan itu di meja kerja (terima atau tolak), atau ekspor ulang dengan "
            "--status suggested (beserta --status accepted --status manual) untuk "
            "menyertakannya."
        ),
        "empty_none": (
            "Proyek ini belum memiliki pengodean yang cocok. Jalankan 'qualcode code' untuk "
            "pengodean otomatis, atau longgarkan filter kode, informan dan jenis sumber."
        ),
        "summary": "Ringkasan Temuan per Kode",
        "summary_intro": (
            "Tabel berikut merangkum jumlah segmen terkode untuk setiap indikator dan faktor, "
            "berikut jumlah informan, dokumen dan valensinya."
        ),
        "summary_caption": "Ringkasan pengodean per kode",
        "table": "Tabel",
        "figure": "Gambar",
        "code": "Kode",
        "framework": "Kerangka",
        "definition": "Definisi",
        "segments": "Jumlah segmen",
        "informants": "Informan",
        "documents": "Dokumen",
        "source_types": "Jenis sumber",
        "pendukung": "Pendukung",
        "penghambat": "Penghambat",
        "netral": "Netral",
        "quotes_pendukung": "Kutipan pendukung",
        "quotes_penghambat": "Kutipan penghambat",
        "quotes_netral": "Kutipan netral",
        "no_codings": "Tidak ada segmen terkode untuk kode ini dengan filter yang dipakai.",
        "code_caption": "Ringkasan kode {name}",
        "memo": "Memo peneliti",
        "factors": "Faktor Pendukung dan Penghambat",
        "factors_intro": (
            "Jumlah segmen per faktor menurut valensinya, dengan satu contoh singkat untuk "
            "masing-masing."
        ),
        "factor": "Faktor",
        "example": "Contoh",
        "factors_caption": "Faktor pendukung dan penghambat",
        "network": "Jaringan Ko-okurensi Kode",
        "network_intro": (
            "Dua kode terhubung bila keduanya diberikan pada segmen yang sama{window}. Ukuran "
            "simpul menunjukkan jumlah segmen, tebal garis menunjukkan jumlah ko-okurensi."
        ),
        "network_window": " atau pada segmen yang berjarak paling jauh {n} segmen",
        "network_caption": "Jaringan ko-okurensi kode",
        "network_empty": "Tidak ada pasangan kode yang muncul bersama dengan filter ini.",
        "pairs_caption": "Pasangan kode yang paling sering muncul bersama",
        "code_a": "Kode A",
        "code_b": "Kode B",
        "count": "Jumlah",
        "triangulation": "Triangulasi",
        "triangulation_intro": (
            "Sebuah kode dianggap terverifikasi bila buktinya berasal dari sedikitnya dua jenis "
            "sumber atau dua informan, dan diperdebatkan bila bukti pendukung dan penghambat "
            "sama-sama kuat."
        ),
        "triangulation_caption": "Triangulasi sumber per kode",
        "status": "Status",
        "conclusions": "Temuan",
        "conclusion": "Temuan {n}",
        "conclusion_status": "Status verifikasi",
        "conclusion_codes": "Kode terkait",
        "supporting_evidence": "Bukti pendukung",
        "contradicting_evidence": "Bukti yang bertentangan",
        "no_evidence": "tidak ada segmen yang dirujuk",
        "missing_segments": "Segmen yang dirujuk tetapi tidak ditemukan lagi: {ids}",
        "no_conclusions": "Belum ada temuan yang dicatat di proyek ini.",
        "audit": "Lampiran: Jejak Audit",
        "audit_intro": (
            "Lampiran ini memungkinkan pembimbing atau penguji menelusuri setiap kutipan kembali "
            "ke transkripnya: nomor kutipan [K..] di badan laporan merujuk ke baris tabel di "
            "bawah."
        ),
        "audit_filters": "Filter dan jumlah",
        "audit_quotes": "Daftar kutipan",
        "audit_documents": "Dokumen",
        "quote_no": "No.",
        "document": "Dokumen",
        "line": "Baris",
        "segment": "Segmen",
        "coder": "Koder",
        "origin": "Asal",
        "score": "Skor",
        "informant": "Informan",
        "role": "Peran",
        "date": "Tanggal",
        "title_col": "Judul",
        "source_type": "Jenis sumber",
        "item": "Butir",
        "value": "Nilai",
        "codings_total": "Pengodean di proyek",
        "codings_included": "Pengodean dalam laporan",
        "segments_included": "Segmen dalam laporan",
        "documents_included": "Dokumen dalam laporan",
        "informants_included": "Informan dalam laporan",
        "window": "Jendela ko-okurensi",
        "generator": "Dibuat dengan",
        "all": "semua",
        "figure_omitted": (
            "Gambar jaringan tidak disertakan karena laporan ditulis ke aliran data, bukan ke "
            "berkas; ekspor ke berkas .md atau pakai format png untuk mendapatkannya."
        ),
        "trimmed_note": "Kutipan yang panjang dipangkas pada batas kalimat dan ditandai [...].",
        # citations
        "informant_unknown": "Narasumber",
        "observation": "Observasi",
        "document_prefix": "Dokumen",
        # tables
        "sheet_codings": "Segmen terkode",
        "sheet_summary": "Ringkasan kode",
        "sheet_informant": "Kode × informan",
        "sheet_source": "Kode × jenis sumber",
        "sheet_document": "Kode × dokumen",
        "sheet_factor": "Faktor × valensi",
        "sheet_framework": "Matriks kerangka",
        "sheet_triangulation": "Triangulasi",
        "sheet_cooccurrence": "Ko-okurensi",
        "sheet_conclusions": "Temuan",
        "sheet_info": "Info",
        "coding_id": "ID pengodean",
        "document_id": "ID dokumen",
        "segment_id": "ID segmen",
        "segment_index": "Urutan segmen",
        "start": "Awal",
        "end": "Akhir",
        "text": "Teks",
        "code_id": "ID kode",
        "code_name": "Nama kode",
        "parent": "Induk",
        "valence": "Valensi",
        "citation": "Sitasi",
        "evidence": "Bukti",
        "updated_at": "Diperbarui",
        "place": "Tempat",
        "total": "Total",
        "jaccard": "Jaccard",
        "segment_ids": "ID segmen",
        "conclusion_text": "Temuan",
        "info_exported_by": "Diekspor oleh",
        "codebook_version": "Versi buku kode",
        "codebook_hash": "Hash buku kode",
        "exported_iso": "Diekspor",
    },
    "en": {
        "title": "Qualitative Data Analysis Results",
        "project": "Project",
        "codebook": "Codebook",
        "codebook_line": "{name}, version {version} (hash {hash})",
        "exported_at": "Export date",
        "statuses": "Coding status",
        "filters": "Filters",
        "no_filter": "none (all codes, informants and source types)",
        "pseudonymised": "Pseudonymised",
        "yes": "yes",
        "no": "no",
        "data_line": (
            "{codings} codings on {segments} segments from {documents} documents "
            "({informants} informants)"
        ),
        "data": "Data",
        "empty_title": "Nothing to export",
        "empty": (
            "No coding matches these filters (status: {statuses}). This report therefore has "
            "no tables and no quotes."
        ),
        "empty_suggested": (
            "{n} suggested codings match these filters but nobody has reviewed them yet. "
            "Review them "
            "in the workbench (accept or reject), or export again with --status suggested "
            "(together with --status accepted --status manual) to include them."
        ),
        "empty_none": (
            "The project has no matching codings yet. Run 'qualcode code' to auto-code, or "
            "widen the code, informant and source type filters."
        ),
        "summary": "Findings per Code",
        "summary_intro": (
            "The table summarises the coded segments for each indicator and factor, with the "
            "number of informants, documents and their valence."
        ),
        "summary_caption": "Codings per code",
        "table": "Table",
        "figure": "Figure",
        "code": "Code",
        "framework": "Framework",
        "definition": "Definition",
        "segments": "Segments",
        "informants": "Informants",
        "documents": "Documents",
        "source_types": "Source types",
        "pendukung": "Supporting",
        "penghambat": "Inhibiting",
        "netral": "Neutral",
        "quotes_pendukung": "Supporting quotes",
        "quotes_penghambat": "Inhibiting quotes",
        "quotes_netral": "Neutral quotes",
        "no_codings": "No segment is coded with this code under the filters used.",
        "code_caption": "Summary of {name}",
        "memo": "Researcher's memo",
        "factors": "Supporting and Inhibiting Factors",
        "factors_intro": "Segments per factor by valence, with one short example of each.",
        "factor": "Factor",
        "example": "Example",
        "factors_caption": "Supporting and inhibiting factors",
        "network": "Code Co-occurrence Network",
        "network_intro": (
            "Two codes are linked when both are given to the same segment{window}. Node size "
            "shows the number of segments, line width the number of co-occurrences."
        ),
        "network_window": " or to segments at most {n} segments apart",
        "network_caption": "Code co-occurrence network",
        "network_empty": "No two codes occur together under these filters.",
        "pairs_caption": "Code pairs that occur together most often",
        "code_a": "Code A",
        "code_b": "Code B",
        "count": "Count",
        "triangulation": "Triangulation",
        "triangulation_intro": (
            "A code is verified when its evidence comes from at least two source types or two "
            "informants, and contested when supporting and inhibiting evidence are both strong."
        ),
        "triangulation_caption": "Source triangulation per code",
        "status": "Status",
        "conclusions": "Findings",
        "conclusion": "Finding {n}",
        "conclusion_status": "Verification status",
        "conclusion_codes": "Related codes",
        "supporting_evidence": "Supporting evidence",
        "contradicting_evidence": "Contradicting evidence",
        "no_evidence": "no segment cited",
        "missing_segments": "Cited segments no longer found: {ids}",
        "no_conclusions": "No finding has been recorded in this project yet.",
        "audit": "Appendix: Audit Trail",
        "audit_intro": (
            "This appendix lets a supervisor or examiner follow every quote back to its "
            "transcript: the quote numbers [K..] in the report refer to the rows below."
        ),
        "audit_filters": "Filters and counts",
        "audit_quotes": "Quotes",
        "audit_documents": "Documents",
        "quote_no": "No.",
        "document": "Document",
        "line": "Line",
        "segment": "Segment",
        "coder": "Coder",
        "origin": "Origin",
        "score": "Score",
        "informant": "Informant",
        "role": "Role",
        "date": "Date",
        "title_col": "Title",
        "source_type": "Source type",
        "item": "Item",
        "value": "Value",
        "codings_total": "Codings in the project",
        "codings_included": "Codings in this report",
        "segments_included": "Segments in this report",
        "documents_included": "Documents in this report",
        "informants_included": "Informants in this report",
        "window": "Co-occurrence window",
        "generator": "Made with",
        "all": "all",
        "figure_omitted": (
            "The network figure is left out because the report was written to a stream, not "
            "a file; export to a .md file, or use the png format, to get it."
        ),
        "trimmed_note": "Long quotes are shortened at sentence boundaries, marked [...].",
        "informant_unknown": "Interviewee",
        "observation": "Observation",
        "document_prefix": "Document",
        "sheet_codings": "Coded segments",
        "sheet_summary": "Code summary",
        "sheet_informant": "Code × informant",
        "sheet_source": "Code × source type",
        "sheet_document": "Code × document",
        "sheet_factor": "Factor × valence",
        "sheet_framework": "Framework matrix",
        "sheet_triangulation": "Triangulation",
        "sheet_cooccurrence": "Co-occurrence",
        "sheet_conclusions": "Findings",
        "sheet_info": "Info",
        "coding_id": "Coding ID",
        "document_id": "Document ID",
        "segment_id": "Segment ID",
        "segment_index": "Segment position",
        "start": "Start",
        "end": "End",
        "text": "Text",
        "code_id": "Code ID",
        "code_name": "Code name",
        "parent": "Parent",
        "valence": "Valence",
        "citation": "Citation",
        "evidence": "Evidence",
        "updated_at": "Updated",
        "place": "Place",
        "total": "Total",
        "jaccard": "Jaccard",
        "segment_ids": "Segment IDs",
        "conclusion_text": "Finding",
        "info_exported_by": "Exported by",
        "codebook_version": "Codebook version",
        "codebook_hash": "Codebook hash",
        "exported_iso": "Exported",
    },
}

EVIDENCE_KINDS: dict[str, dict[str, str]] = {
    "id": {
        "keyword": "kata kunci",
        "phrase": "frasa",
        "supporting": "isyarat pendukung",
        "inhibiting": "isyarat penghambat",
        "negation": "negasi",
        "hedge": "ungkapan berpagar",
        "model": "model",
    },
    "en": {
        "keyword": "keyword",
        "phrase": "phrase",
        "supporting": "supporting cue",
        "inhibiting": "inhibiting cue",
        "negation": "negation",
        "hedge": "hedge",
        "model": "model",
    },
}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise QualcodeError(f"unknown language '{language}'; use one of: {', '.join(LANGUAGES)}")
    return language


def t(language: str, key: str, **values: Any) -> str:
    """The text ``key`` in ``language`` (Indonesian when missing), formatted."""
    text = TEXTS.get(language, TEXTS["id"]).get(key) or TEXTS["id"][key]
    return text.format(**values) if values else text


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


def format_date(value: str, language: str = "id") -> str:
    """``2024-03-14`` -> ``14 Maret 2024`` (``14 March 2024``); ``2024-03`` ->
    ``Maret 2024``; anything else comes back as written."""
    text = (value or "").strip()
    match = _ISO_DATE.match(text)
    if not match:
        return text
    year, month, day = match.group(1), int(match.group(2)), match.group(3)
    if not 1 <= month <= 12:
        return text
    name = MONTHS.get(language, MONTHS["id"])[month - 1]
    return f"{int(day)} {name} {year}" if day else f"{name} {year}"


def format_datetime(value: datetime, language: str = "id") -> str:
    """``27 November 2026 21.25 UTC+07:00`` (Indonesian time uses a dot)."""
    date = format_date(value.date().isoformat(), language)
    separator = "." if language == "id" else ":"
    offset = value.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
    clock = f"{value.hour:02d}{separator}{value.minute:02d}"
    return " ".join(p for p in (date, clock, zone) if p)
