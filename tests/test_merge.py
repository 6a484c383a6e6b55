"""Importing REFI-QDA projects into a qualcode project, and the export-import round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.exchange import write_qdc, write_qdpx
from qualcode.merge import merge_codebook
from qualcode.model import Code, SourceDocument
from qualcode.service import Project

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "samples"

TEXT = (
    "P: Bagaimana koordinasi dengan OPD?\n"
    "I: Koordinasi antarbidang masih sering terlambat karena data dari OPD belum masuk "
    "tepat waktu. Server e-office juga sering down, jadi layanan terhambat.\n"
    "P: Bagaimana dukungan pimpinan?\n"
    "I: Pimpinan sangat mendukung dan terbuka, beliau sering turun langsung.\n"
)


@pytest.fixture()
def coded(tmp_path: Path) -> Project:
    project = Project.create(tmp_path / "a.qualcode", actor="rina")
    project.add_source(
        SourceDocument(
            name="w1.txt",
            text=TEXT,
            informant="Informan 1",
            role="Kepala Bagian",
            date="2024-03-12",
        )
    )
    project.code()
    codings = project.codings_frame()
    assert len(codings) >= 2
    first, second = codings["coding_id"].iloc[0], codings["coding_id"].iloc[1]
    project.accept(int(first), actor="rina")
    project.decide(int(second), valence="penghambat", actor="rina")
    start = TEXT.index("Pimpinan sangat")
    project.add_coding(
        1,
        start,
        start + len("Pimpinan sangat mendukung"),
        "faktor_kepemimpinan",
        valence="pendukung",
        actor="rina",
    )
    yield project
    project.close()


def _kept(project: Project) -> set[tuple[str, int, int, str]]:
    frame = project.codings_frame()
    frame = frame[frame["status"] != "rejected"]
    return {(r.text, int(r.start), int(r.end), r.code_id) for r in frame.itertuples()}


def test_merge_qdpx_round_trip_gives_the_same_codings(coded: Project, tmp_path: Path):
    archive = tmp_path / "a.qdpx"
    write_qdpx(coded.project_data(), archive)
    other = Project.create(tmp_path / "b.qualcode", actor="agus")
    result = other.import_exchange(archive)
    assert result.status == "imported", result.message
    assert _kept(other) == _kept(coded)
    doc = other.documents_frame().iloc[0]
    assert (doc["informant"], doc["role"]) == ("Informan 1", "Kepala Bagian")
    # Imported codings are marked as such and keep the coder's name.
    frame = other.codings_frame()
    assert set(frame["origin"]) == {"import"}
    assert "rina" in set(frame["coder"])
    # Importing the same archive again adds nothing.
    again = other.import_exchange(archive)
    assert "0 codings" in again.message and "1 documents already present" in again.message
    assert len(other.codings_frame()) == len(frame)
    other.close()


def test_merge_qdc_adds_unknown_codes_as_a_new_codebook_version(tmp_path: Path):
    project = Project.create(tmp_path / "c.qualcode")
    source = project.codebook
    extra = Code(
        id="komunikasi",
        name="Komunikasi",
        framework=source.frameworks[0].id,
        keywords=("sosialisasi",),
    )
    from qualcode import codebook as codebook_io

    archive = tmp_path / "cb.qdc"
    write_qdc(codebook_io.with_code(source, extra), archive)
    before = len(project.codebook_history())
    result = project.import_exchange(archive)
    assert result.status == "imported"
    assert "1 new codes" in result.message
    assert "komunikasi" in project.codebook.code_ids
    assert len(project.codebook_history()) == before + 1
    project.close()


def test_merge_codebook_matches_by_name_and_keeps_hierarchy(tmp_path: Path):
    project = Project.create(tmp_path / "d.qualcode")
    current = project.codebook
    parent = Code(id="induk", name="Induk baru", framework=current.frameworks[0].id, codable=False)
    child = Code(id="anak", name="Anak", framework="", parent="induk")
    same_name = Code(id="productivity", name=current.code("produktivitas").name)
    from dataclasses import replace

    incoming = replace(current, codes=(child, same_name, parent))
    merged, mapping = merge_codebook(current, incoming)
    assert mapping["productivity"] == "produktivitas"
    assert merged.code("anak").parent == "induk"
    project.close()


def test_merge_bad_file_is_one_clear_error(tmp_path: Path):
    project = Project.create(tmp_path / "e.qualcode")
    bad = tmp_path / "rusak.qdpx"
    bad.write_bytes(b"not a zip at all")
    report = project.import_paths([bad])
    assert [f.status for f in report.files] == ["error"]
    assert "rusak.qdpx" in report.files[0].message or "zip" in report.files[0].message
    assert project.documents_frame().empty
    project.close()


@pytest.mark.skipif(
    not (SAMPLES / "qc-1.3.2-demo" / "demo.qdpx").exists(),
    reason="REFI-QDA samples not beside the project",
)
def test_merge_real_qualcoder_export(tmp_path: Path):
    project = Project.create(tmp_path / "f.qualcode")
    result = project.import_exchange(SAMPLES / "qc-1.3.2-demo" / "demo.qdpx")
    assert result.status == "imported"
    assert len(project.documents_frame()) == 2
    frame = project.codings_frame()
    assert len(frame) == 205
    # Every imported span is inside its text and segments exist for later auto-coding.
    assert (frame["end"] > frame["start"]).all()
    assert not project.segments_frame().empty
    project.close()
