"""Import spread over worker processes gives the project one process gives."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from qualcode.corpus import FileReader, iter_documents, list_files
from qualcode.errors import ReadError
from qualcode.model import CodeSuggestion, Evidence
from qualcode.service import Project

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"


def _contents(project: Project) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    documents = [
        (d.id, d.name, d.text, d.source_type, d.informant, d.metadata)
        for d in project.project_data().documents
    ]
    segments = [
        (s.id, s.document_id, s.index, s.start, s.end, s.kind, s.speaker, s.codable)
        for s in project.project_data().segments
    ]
    return documents, segments


def _import(folder: Path, path: Path, workers: str, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.setenv("QUALCODE_WORKERS", workers)
    project = Project.create(path)
    report = project.import_paths([folder, folder / "missing.txt"])
    assert [f.status for f in report.files].count("error") == 2  # the broken file, the missing one
    return project


def test_parallel_import_equals_one_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "studi"
    folder.mkdir()
    for source in sorted((TRANSCRIPTS / "wawancara").iterdir()):
        if source.suffix in (".md", ".txt"):
            (folder / source.name).write_bytes(source.read_bytes())
    (folder / "rusak.md").write_text("---\njudul: [tidak ditutup\n---\nTeks.", encoding="utf-8")
    (folder / "kembar.md").write_bytes(next(folder.glob("*.md")).read_bytes())  # a duplicate
    with (
        _import(folder, tmp_path / "one.qualcode", "1", monkeypatch) as one,
        _import(folder, tmp_path / "two.qualcode", "2", monkeypatch) as two,
    ):
        assert _contents(one) == _contents(two)
        assert len(_contents(one)[0]) >= 6


def test_list_files_then_read_equals_iter_documents(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.txt").write_text("Informan: Koordinasi lancar.", encoding="utf-8")
    (tmp_path / "b" / "c.md").write_text("Catatan lapangan.", encoding="utf-8")
    (tmp_path / "rekaman.mp3").write_bytes(b"\0")
    paths = [tmp_path, tmp_path / "a.txt"]  # a file reached twice is read once
    reader = FileReader()
    listed = []
    for path, root, error in list_files(paths):
        listed.append((path, error if error is not None else reader.read(path, root)))
    expected = list(iter_documents(paths))
    assert [p for p, _ in listed] == [p for p, _ in expected]
    for (_, got), (_, want) in zip(listed, expected, strict=True):
        if isinstance(want, ReadError):
            assert isinstance(got, ReadError) and str(got) == str(want)
        else:
            assert got == want


def test_evidence_json_is_what_asdict_gives() -> None:
    evidence = (
        Evidence("kerja sama", "bekerja sama", 3, 15, "phrase", 0.7),
        Evidence("tidak", "tdk", 0, 3, "negation", note="dinegasikan oleh 'tidak'"),
    )
    suggestion = CodeSuggestion("faktor_tim", 0.8, "penghambat", evidence)
    expected = json.dumps([asdict(e) for e in evidence], ensure_ascii=False)
    assert suggestion.evidence_json() == expected
    assert CodeSuggestion("x", 0.1, "netral").evidence_json() == "[]"
