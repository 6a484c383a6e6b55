"""Small hand-made project frames for the analysis tests (and anyone else's).

A study of one Organisation Bureau: two interviews, one observation note and one
official document, twelve segments, fourteen codings. Every count the tests assert
can be checked by reading the tables below.

Codings (c = coding id; "seg" = segment id; unconfirmed ones marked *):

==  ===  =================  ==========  =========  =======  ==========
c   seg  code               valence     status     origin   score
==  ===  =================  ==========  =========  =======  ==========
1   10   produktivitas      pendukung   accepted   auto     0.8
2   10   kepemimpinan       pendukung   accepted   auto     0.7
3   11   sistem             penghambat  manual     human    1.0
4   12   produktivitas      penghambat  manual     human    1.0
5*  13   responsivitas      netral      suggested  auto     0.4
6   20   produktivitas      pendukung   accepted   auto     0.9
7   20   sistem             penghambat  accepted   auto     0.6
8   21   kepemimpinan       pendukung   manual     human    1.0
9*  22   kualitas_layanan   pendukung   rejected   auto     0.3
10  30   sistem             penghambat  manual     human    1.0
11  --   kepemimpinan       pendukung   manual     human    1.0   (span inside seg 31)
12  31   sistem             pendukung   manual     human    1.0
13  40   produktivitas      pendukung   manual     human    1.0
14  20   produktivitas      pendukung   manual     human    1.0   (second coder)
==  ===  =================  ==========  =========  =======  ==========

Documents: 1 = interview with Informan 1 (segments 10-14, 14 is the interviewer),
2 = interview with Informan 2 (20-22), 3 = observation note (30-31),
4 = the LKjIP report (40-41). Documents 3 and 4 have no informant.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from qualcode.model import Code, Codebook, Framework

CODEBOOK = Codebook(
    name="Kinerja Organisasi (uji)",
    version="1",
    frameworks=(
        Framework("dwiyanto", "Kinerja organisasi publik", "Agus Dwiyanto"),
        Framework("mahmudi", "Faktor yang memengaruhi kinerja", "Mahmudi"),
    ),
    codes=(
        Code("produktivitas", "Produktivitas", framework="dwiyanto", colour="#1f77b4"),
        Code("kualitas_layanan", "Kualitas layanan", framework="dwiyanto", colour="#ff7f0e"),
        Code("responsivitas", "Responsivitas", framework="dwiyanto", colour="#2ca02c"),
        Code("kepemimpinan", "Faktor kepemimpinan", framework="mahmudi", colour="#d62728"),
        Code("sistem", "Faktor sistem", framework="mahmudi", colour="#9467bd"),
        Code("tim", "Faktor tim", framework="mahmudi", colour="#8c564b"),
    ),
)

DOCUMENTS: tuple[dict[str, Any], ...] = (
    {
        "document_id": 1,
        "name": "wawancara_informan1.txt",
        "source_type": "interview",
        "informant": "Informan 1",
        "role": "Kepala Bagian Organisasi",
        "date": "2024-03-14",
    },
    {
        "document_id": 2,
        "name": "wawancara_informan2.txt",
        "source_type": "interview",
        "informant": "Informan 2",
        "role": "Pegawai Bagian Organisasi",
        "date": "2024-03-15",
    },
    {
        "document_id": 3,
        "name": "observasi_ruang_kerja.txt",
        "source_type": "observation",
        "informant": "",
        "role": "",
        "date": "2024-03-16",
    },
    {
        "document_id": 4,
        "name": "LKjIP_2023.pdf",
        "source_type": "document",
        "informant": "",
        "role": "",
        "date": "2024-01-31",
    },
)

# (segment_id, document_id, text, speaker_role); segments of a document are joined
# with "\n" to make the document text, in this order.
SEGMENT_TEXTS: tuple[tuple[int, int, str, str], ...] = (
    (10, 1, "Kinerja bagian kami meningkat karena pimpinan selalu mendukung.", "informant"),
    (11, 1, "Kendala utama adalah sistem e-office yang masih lambat.", "informant"),
    (12, 1, "Target IKU belum tercapai karena beban kerja tinggi.", "informant"),
    (13, 1, "Pengaduan masyarakat kami tanggapi dengan cepat.", "informant"),
    (14, 1, "Bagaimana kinerja bagian Bapak secara umum?", "interviewer"),
    (20, 2, "Kinerjanya baik, tetapi jaringan internet sering terputus.", "informant"),
    (21, 2, "Kepala bagian memberi arahan yang jelas dan pegawai berkinerja baik.", "informant"),
    (22, 2, "Layanan kepada OPD sudah cukup baik.", "informant"),
    (30, 3, "Komputer di ruang kerja terbatas dan sebagian rusak.", "other"),
    (31, 3, "Rapat koordinasi dipimpin kepala bagian; aplikasi SAKIP dipakai bersama.", "other"),
    (40, 4, "Capaian kinerja organisasi tahun 2023 sebesar 92 persen.", "other"),
    (41, 4, "Evaluasi SAKIP memperoleh nilai BB.", "other"),
)

# The hand-selected span of coding 11 (inside segment 31).
SPAN_TEXT = "dipimpin kepala bagian"

# (coding_id, segment_id or None, code_id, valence, status, origin, score, coder)
CODING_ROWS: tuple[tuple[int, int | None, str, str, str, str, float, str], ...] = (
    (1, 10, "produktivitas", "pendukung", "accepted", "auto", 0.8, "peneliti"),
    (2, 10, "kepemimpinan", "pendukung", "accepted", "auto", 0.7, "peneliti"),
    (3, 11, "sistem", "penghambat", "manual", "human", 1.0, "peneliti"),
    (4, 12, "produktivitas", "penghambat", "manual", "human", 1.0, "peneliti"),
    (5, 13, "responsivitas", "netral", "suggested", "auto", 0.4, "qualcode"),
    (6, 20, "produktivitas", "pendukung", "accepted", "auto", 0.9, "peneliti"),
    (7, 20, "sistem", "penghambat", "accepted", "auto", 0.6, "peneliti"),
    (8, 21, "kepemimpinan", "pendukung", "manual", "human", 1.0, "peneliti"),
    (9, 22, "kualitas_layanan", "pendukung", "rejected", "auto", 0.3, "peneliti"),
    (10, 30, "sistem", "penghambat", "manual", "human", 1.0, "peneliti"),
    (11, None, "kepemimpinan", "pendukung", "manual", "human", 1.0, "peneliti"),
    (12, 31, "sistem", "pendukung", "manual", "human", 1.0, "peneliti"),
    (13, 40, "produktivitas", "pendukung", "manual", "human", 1.0, "peneliti"),
    (14, 20, "produktivitas", "pendukung", "manual", "human", 1.0, "peneliti2"),
)


def document_texts() -> dict[int, str]:
    """Document id -> full text."""
    texts: dict[int, list[str]] = {}
    for _, doc, text, _ in SEGMENT_TEXTS:
        texts.setdefault(doc, []).append(text)
    return {doc: "\n".join(parts) for doc, parts in texts.items()}


def documents_frame() -> pd.DataFrame:
    texts = document_texts()
    rows = [{**d, "n_chars": len(texts[d["document_id"]])} for d in DOCUMENTS]
    return pd.DataFrame(rows)


def segments_frame() -> pd.DataFrame:
    docs = {d["document_id"]: d for d in DOCUMENTS}
    rows = []
    offset: dict[int, int] = {}
    index: dict[int, int] = {}
    for segment_id, doc_id, text, speaker_role in SEGMENT_TEXTS:
        start = offset.get(doc_id, 0)
        d = docs[doc_id]
        rows.append(
            {
                "segment_id": segment_id,
                "document_id": doc_id,
                "document": d["name"],
                "source_type": d["source_type"],
                "informant": d["informant"],
                "role": d["role"],
                "date": d["date"],
                "segment_index": index.get(doc_id, 0),
                "start": start,
                "end": start + len(text),
                "text": text,
                "speaker": {"informant": d["informant"], "interviewer": "P"}.get(speaker_role, ""),
                "speaker_role": speaker_role,
                "codable": speaker_role != "interviewer",
                "timestamp": "",
            }
        )
        offset[doc_id] = start + len(text) + 1
        index[doc_id] = index.get(doc_id, 0) + 1
    return pd.DataFrame(rows)


def codings_frame() -> pd.DataFrame:
    """All fourteen codings, with the dtypes the service produces."""
    segments = segments_frame().set_index("segment_id")
    texts = document_texts()
    names = {c.id: c.name for c in CODEBOOK.codes}
    frameworks = {c.id: c.framework for c in CODEBOOK.codes}
    rows = []
    for coding_id, segment_id, code, valence, status, origin, score, coder in CODING_ROWS:
        if segment_id is None:
            doc_id = 3
            start = texts[doc_id].index(SPAN_TEXT)
            end = start + len(SPAN_TEXT)
            seg_index = None
        else:
            seg = segments.loc[segment_id]
            doc_id = int(seg["document_id"])
            start, end = int(seg["start"]), int(seg["end"])
            seg_index = int(seg["segment_index"])
        d = next(x for x in DOCUMENTS if x["document_id"] == doc_id)
        rows.append(
            {
                "coding_id": coding_id,
                "document_id": doc_id,
                "document": d["name"],
                "source_type": d["source_type"],
                "informant": d["informant"],
                "role": d["role"],
                "date": d["date"],
                "segment_id": segment_id,
                "segment_index": seg_index,
                "start": start,
                "end": end,
                "text": texts[doc_id][start:end],
                "code_id": code,
                "code_name": names[code],
                "framework": frameworks[code],
                "parent": "",
                "valence": valence,
                "score": score,
                "status": status,
                "origin": origin,
                "coder": coder,
            }
        )
    frame = pd.DataFrame(rows)
    frame["segment_id"] = frame["segment_id"].astype("Int64")
    frame["segment_index"] = frame["segment_index"].astype("Int64")
    return frame


def confirmed_codings() -> pd.DataFrame:
    """The twelve accepted or manual codings (all but codings 5 and 9)."""
    frame = codings_frame()
    return frame.loc[frame["status"].isin(["accepted", "manual"])].reset_index(drop=True)


# --------------------------------------------------------------------------- builders

_CODING_DEFAULTS: dict[str, Any] = {
    "document_id": 1,
    "document": "dokumen1.txt",
    "source_type": "interview",
    "informant": "",
    "role": "",
    "date": "",
    "segment_id": None,
    "segment_index": None,
    "start": 0,
    "end": 0,
    "text": "",
    "code_id": "",
    "code_name": "",
    "framework": "",
    "parent": "",
    "valence": "netral",
    "score": 1.0,
    "status": "manual",
    "origin": "human",
    "coder": "peneliti",
}


def make_codings(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A codings frame from partial rows: missing fields take neutral defaults,
    ``coding_id`` counts from 1, ``segment_index`` defaults to the segment id and
    ``code_name`` to the code id."""
    records = []
    for number, row in enumerate(rows, start=1):
        record = {"coding_id": number, **_CODING_DEFAULTS, **row}
        if record["segment_index"] is None and record["segment_id"] is not None:
            record["segment_index"] = record["segment_id"]
        if not record["code_name"]:
            record["code_name"] = record["code_id"]
        records.append(record)
    frame = pd.DataFrame(records, columns=["coding_id", *_CODING_DEFAULTS])
    frame["segment_id"] = frame["segment_id"].astype("Int64")
    frame["segment_index"] = frame["segment_index"].astype("Int64")
    return frame


def tiny_codebook(*code_ids: str, framework: str = "") -> Codebook:
    """A codebook of the given codes, in that order."""
    return Codebook(
        name="uji",
        version="1",
        codes=tuple(Code(c, c.title(), framework=framework) for c in code_ids),
    )
