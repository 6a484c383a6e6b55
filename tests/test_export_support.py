"""A small study built through the service, shared by the export tests.

Two interviews (Informan 1 "Rina Wulandari", Informan 2 "Agus Pratama"), one
observation note and one LKjIP document, coded by hand and by machine suggestions
(some accepted, one rejected, one left unreviewed), with a memo and a finding.

Confirmed codings (accepted or manual), by code and valence:

=================  ==========  ===================================================
code               valence     passage
=================  ==========  ===================================================
produktivitas      pendukung   I1 "Target PK kami tercapai ..." (accepted machine)
produktivitas      pendukung   LKjIP "Capaian kinerja ... 100 persen" (manual)
responsivitas      penghambat  I2 "Data dari OPD selalu telat ..." (manual)
responsivitas      penghambat  observation "Rapat baru dimulai ..." (manual)
kepemimpinan       pendukung   I1 "Bu Kabag selalu ..." / I2 "Bu Rina ..." (manual x2)
sistem             penghambat  I2 "Server e-office ..." (manual)
sistem             penghambat  observation "Server e-office tidak ..." (manual)
sistem             pendukung   I2 "Aplikasi SAKIP membantu ..." (manual)
tim                pendukung   I1 "Pak Agus dan teman-teman ..." (manual)
kepemimpinan, tim  pendukung   I1 "Pimpinan mendorong kami ..." (manual, both codes)
=================  ==========  ===================================================

That is 12 confirmed codings on 11 segments; kepemimpinan and tim co-occur once.
Not confirmed: one suggested (akuntabilitas on the LKjIP document) and one
rejected (kualitas_layanan on I1).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from qualcode.codebook import dump_codebook
from qualcode.model import (
    Code,
    Codebook,
    CodeSuggestion,
    Evidence,
    Framework,
    SourceDocument,
)

REAL_NAMES = ("Rina Wulandari", "Agus Pratama")
NAME_WORDS = ("Rina", "Wulandari", "Agus", "Pratama")

CODEBOOK = Codebook(
    name="Kinerja Organisasi (uji ekspor)",
    version="2.1",
    frameworks=(
        Framework("dwiyanto", "Indikator kinerja organisasi publik", "Agus Dwiyanto"),
        Framework("mahmudi", "Faktor yang memengaruhi kinerja", "Mahmudi"),
    ),
    codes=(
        Code(
            "produktivitas",
            "Produktivitas",
            framework="dwiyanto",
            definition="Rasio masukan dan keluaran; target kinerja tercapai.",
            colour="#1F77B4",
        ),
        Code(
            "kualitas_layanan",
            "Kualitas layanan",
            framework="dwiyanto",
            definition="Kepuasan pengguna layanan.",
            colour="#FF7F0E",
        ),
        Code(
            "responsivitas",
            "Responsivitas",
            framework="dwiyanto",
            definition="Kemampuan mengenali kebutuhan dan menanggapinya dengan cepat.",
            colour="#2CA02C",
        ),
        Code(
            "responsibilitas",
            "Responsibilitas",
            framework="dwiyanto",
            definition="Kesesuaian kegiatan dengan prinsip administrasi yang benar.",
            colour="#17BECF",
        ),
        Code(
            "akuntabilitas",
            "Akuntabilitas",
            framework="dwiyanto",
            definition="Pertanggungjawaban kinerja kepada publik.",
            colour="#BCBD22",
        ),
        Code(
            "individu",
            "Faktor personal/individu",
            framework="mahmudi",
            definition="Pengetahuan, keterampilan dan motivasi pegawai.",
            colour="#E377C2",
        ),
        Code(
            "kepemimpinan",
            "Faktor kepemimpinan",
            framework="mahmudi",
            definition="Dorongan, bimbingan dan dukungan pimpinan.",
            colour="#D62728",
        ),
        Code(
            "tim",
            "Faktor tim",
            framework="mahmudi",
            definition="Kerja sama dan kekompakan rekan kerja.",
            colour="#8C564B",
        ),
        Code(
            "sistem",
            "Faktor sistem",
            framework="mahmudi",
            definition="Sistem kerja, sarana prasarana dan teknologi.",
            colour="#9467BD",
        ),
        Code(
            "kontekstual",
            "Faktor kontekstual/situasional",
            framework="mahmudi",
            definition="Tekanan dan perubahan lingkungan internal dan eksternal.",
            colour="#7F7F7F",
        ),
    ),
)

INTERVIEW_1 = (
    "P: Bagaimana capaian kinerja bagian Ibu?\n\n"
    "I: Target PK kami tercapai semua, seratus persen.\n\n"
    "P: Bagaimana peran pimpinan?\n\n"
    "I: Bu Kabag selalu mendorong kami dan memberi arahan yang jelas.\n\n"
    "P: Kalau kerja samanya?\n\n"
    "I: Pak Agus dan teman-teman saling membantu kalau ada tenggat.\n\n"
    "P: Apa yang membuat tim kompak?\n\n"
    "I: Pimpinan mendorong kami sehingga kami saling membantu.\n\n"
    "P: Layanannya bagaimana?\n\n"
    "I: Layanan kepada OPD sudah baik, kata Rina Wulandari sendiri.\n"
)
INTERVIEW_2 = (
    "Peneliti: Bagaimana koordinasi dengan OPD?\n\n"
    "Informan 2: Data dari OPD selalu telat, jadi koordinasi kami ikut lambat.\n\n"
    "Peneliti: Soal aplikasinya?\n\n"
    "Informan 2: Server e-office sering mati, jadi kami kembali ke kertas.\n\n"
    "Peneliti: Ada aplikasi yang membantu?\n\n"
    "Informan 2: Aplikasi SAKIP membantu kami menyusun laporan tepat waktu.\n\n"
    "Peneliti: Pimpinannya?\n\n"
    "Informan 2: Bu Rina mendukung penuh; RINA WULANDARI itu pimpinan yang demokratis.\n"
)
OBSERVATION = (
    "Rapat baru dimulai pukul 09.50, terlambat hampir satu jam dari jadwal.\n\n"
    "Server e-office tidak dapat diakses sekitar dua jam; staf kembali ke surat kertas.\n"
)
DOCUMENT = (
    "Capaian kinerja Bagian Organisasi tahun 2023 mencapai 100 persen dari target.\n\n"
    "Rekomendasi evaluasi SAKIP tahun lalu telah ditindaklanjuti seluruhnya.\n"
)


def codebook_file(folder: Path, codebook: Codebook = CODEBOOK) -> Path:
    path = folder / "codebook.yaml"
    path.write_text(dump_codebook(codebook), encoding="utf-8")
    return path


def _span(text: str, passage: str) -> tuple[int, int]:
    start = text.index(passage)
    return start, start + len(passage)


def _segment_of(project: Any, document_id: int, passage: str) -> int:
    frame = project.segments_frame()
    rows = frame.loc[
        (frame["document_id"] == document_id) & frame["text"].str.contains(re.escape(passage))
    ]
    assert len(rows) == 1, passage
    return int(rows.iloc[0]["segment_id"])


def build_project(folder: Path, *, extra_text: str = "") -> dict[str, Any]:
    """Create the study in ``folder``; returns the project and useful ids."""
    from qualcode.service import Project
    from qualcode.store import records as rec

    project = Project.create(
        folder / "studi.qualcode", codebook_path=codebook_file(folder), name="Studi Sukamaju"
    )
    docs = {
        "i1": project.add_source(
            SourceDocument(
                name="wawancara-informan-1.txt",
                text=INTERVIEW_1 + extra_text,
                source_type="interview",
                informant="Informan 1",
                role="Kepala Bagian Organisasi",
                date="2024-03-12",
                title="Wawancara dengan Kepala Bagian Organisasi",
                metadata={"name": "Rina Wulandari", "interviewer": "Peneliti"},
            )
        ).document_id,
        "i2": project.add_source(
            SourceDocument(
                name="wawancara_agus_pratama.txt",
                text=INTERVIEW_2,
                source_type="interview",
                informant="Informan 2",
                role="Pegawai Bagian Organisasi",
                date="2024-03-14",
                metadata={"name": "Agus Pratama"},
            )
        ).document_id,
        "obs": project.add_source(
            SourceDocument(
                name="observasi-rapat.txt",
                text=OBSERVATION,
                source_type="observation",
                date="2024-03-13",
                title="Observasi rapat koordinasi",
            )
        ).document_id,
        "doc": project.add_source(
            SourceDocument(
                name="dokumen-lkjip-2023.txt",
                text=DOCUMENT,
                source_type="document",
                date="2024-02-28",
                title=(
                    "Laporan Kinerja Instansi Pemerintah (LKjIP) Bagian Organisasi "
                    "Tahun 2023 (kutipan)"
                ),
                metadata={"doc_type": "LKjIP"},
            )
        ).document_id,
    }
    texts = {
        "i1": INTERVIEW_1 + extra_text,
        "i2": INTERVIEW_2,
        "obs": OBSERVATION,
        "doc": DOCUMENT,
    }

    def code(doc: str, passage: str, code_id: str, valence: str) -> int:
        start, end = _span(texts[doc], passage)
        return project.add_coding(docs[doc], start, end, code_id, valence=valence, actor="peneliti")

    manual = [
        code(
            "doc",
            "Capaian kinerja Bagian Organisasi tahun 2023 mencapai 100 persen dari target.",
            "produktivitas",
            "pendukung",
        ),
        code(
            "i2",
            "Data dari OPD selalu telat, jadi koordinasi kami ikut lambat.",
            "responsivitas",
            "penghambat",
        ),
        code(
            "obs",
            "Rapat baru dimulai pukul 09.50, terlambat hampir satu jam dari jadwal.",
            "responsivitas",
            "penghambat",
        ),
        code(
            "i1",
            "Bu Kabag selalu mendorong kami dan memberi arahan yang jelas.",
            "kepemimpinan",
            "pendukung",
        ),
        code(
            "i2",
            "Bu Rina mendukung penuh; RINA WULANDARI itu pimpinan yang demokratis.",
            "kepemimpinan",
            "pendukung",
        ),
        code(
            "i2",
            "Server e-office sering mati, jadi kami kembali ke kertas.",
            "sistem",
            "penghambat",
        ),
        code(
            "obs",
            "Server e-office tidak dapat diakses sekitar dua jam; staf kembali ke surat kertas.",
            "sistem",
            "penghambat",
        ),
        code(
            "i2",
            "Aplikasi SAKIP membantu kami menyusun laporan tepat waktu.",
            "sistem",
            "pendukung",
        ),
        code(
            "i1", "Pak Agus dan teman-teman saling membantu kalau ada tenggat.", "tim", "pendukung"
        ),
        code(
            "i1",
            "Pimpinan mendorong kami sehingga kami saling membantu.",
            "kepemimpinan",
            "pendukung",
        ),
        code("i1", "Pimpinan mendorong kami sehingga kami saling membantu.", "tim", "pendukung"),
    ]

    # Machine suggestions: accepted, rejected, left unreviewed.
    machine = [
        (
            "i1",
            "Target PK kami tercapai semua, seratus persen.",
            "produktivitas",
            "pendukung",
            0.9,
            "tercapai",
        ),
        (
            "i1",
            "Layanan kepada OPD sudah baik, kata Rina Wulandari sendiri.",
            "kualitas_layanan",
            "pendukung",
            0.4,
            "Layanan",
        ),
        (
            "doc",
            "Rekomendasi evaluasi SAKIP tahun lalu telah ditindaklanjuti seluruhnya.",
            "akuntabilitas",
            "pendukung",
            0.7,
            "evaluasi",
        ),
    ]
    with project.db.write() as conn:
        digest = rec.get_info(conn, "codebook_hash")
        for doc, passage, code_id, valence, score, term in machine:
            segment_id = _segment_of(project, docs[doc], passage)
            seg = project.segments_frame().set_index("segment_id").loc[segment_id]
            start = texts[doc].index(term, int(seg["start"]))
            suggestion = CodeSuggestion(
                code_id,
                score,
                valence,  # type: ignore[arg-type]
                evidence=(Evidence(term.lower(), term, start, start + len(term), "keyword"),),
            )
            rec.replace_machine_codings(
                conn,
                document_id=docs[doc],
                segment_ids=[segment_id],
                suggestions={segment_id: [suggestion]},
                spans={segment_id: (int(seg["start"]), int(seg["end"]))},
                codebook_hash=digest,
                code_hashes={},
                pipeline_version="test",
                only_codes=[code_id],
            )
    frame = project.codings_frame()
    machine_ids = {
        row.code_id: int(row.coding_id) for row in frame.itertuples() if row.origin == "auto"
    }
    project.accept(machine_ids["produktivitas"], actor="peneliti")
    project.reject(machine_ids["kualitas_layanan"], actor="peneliti")

    supporting = [
        _segment_of(project, docs["i2"], "Server e-office sering mati"),
        _segment_of(project, docs["obs"], "Server e-office tidak dapat diakses"),
    ]
    project.save_memo(
        "code", "sistem", "Gangguan e-office disebut Agus Pratama dan terlihat saat observasi."
    )
    project.save_conclusion(
        "E-office belum berjalan penuh karena server sering bermasalah.",
        code_ids=["sistem"],
        supporting=supporting,
    )
    return {"project": project, "documents": docs, "manual": manual, "machine": machine_ids}


@pytest.fixture()
def study(tmp_path: Path) -> Any:
    built = build_project(tmp_path)
    yield built
    built["project"].close()


def test_the_study_has_the_documented_codings(study: dict[str, Any]) -> None:
    frame = study["project"].codings_frame()
    confirmed = frame.loc[frame["status"].isin(["accepted", "manual"])]
    assert len(confirmed) == 12
    assert confirmed["segment_id"].nunique() == 11
    assert sorted(frame["status"].value_counts().items()) == [
        ("accepted", 1),
        ("manual", 11),
        ("rejected", 1),
        ("suggested", 1),
    ]
