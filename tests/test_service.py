"""The service: import, incremental coding after a codebook edit, decisions kept."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from qualcode import codebook as codebook_io
from qualcode.service import Project

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"


def _machine_codings(project: Project) -> set[tuple[int, str, str, str]]:
    frame = project.codings_frame()
    frame = frame[frame["origin"] == "auto"]
    return {(int(r.segment_id), r.code_id, r.valence, r.status) for r in frame.itertuples()}


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("svc")
    path = folder / "studi.qualcode"
    with Project.create(path) as project:
        report = project.import_paths([TRANSCRIPTS / "wawancara"])
        assert len(report.imported) == 6 and not report.errors
        project.code(workers=1)
    return path


def test_service_second_run_codes_nothing(coded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.qualcode"
    shutil.copy(coded, copy)
    with Project.open(copy) as project:
        report = project.code(workers=1)
    assert report.documents == 0 and report.skipped == 6


def test_service_recode_after_edit_equals_a_full_recode(coded: Path, tmp_path: Path) -> None:
    incremental, full = tmp_path / "inc.qualcode", tmp_path / "full.qualcode"
    shutil.copy(coded, incremental)
    with Project.open(incremental) as project:
        first = project.codings_frame()
        keep = int(first["coding_id"].iloc[0])
        project.reject(keep, actor="rina")
        code = project.codebook.code("produktivitas")
        edited = codebook_io.with_code(
            project.codebook, replace(code, keywords=(*code.keywords, "jaringan"))
        )
        project.set_codebook(edited, actor="rina")
    shutil.copy(incremental, full)
    with Project.open(incremental) as project:
        report = project.code(workers=1)
        assert report.analysed == 0  # language analysis came from the cache
        got = _machine_codings(project)
        assert project.codings_frame().set_index("coding_id").loc[keep, "status"] == "rejected"
    with Project.open(full) as project:
        project.code(workers=1, force=True)
        expected = _machine_codings(project)
    assert got == expected


def test_service_summary_finds_every_code_in_the_interviews(coded: Path) -> None:
    with Project.open(coded) as project:
        summary = project.summary()
    assert summary["documents"]["by_source_type"]["interview"] == 6
    assert summary["codes_not_found"] == []
    assert summary["codings"]["by_valence"]["penghambat"] > 0
    assert summary["codings"]["by_valence"]["pendukung"] > 0
