"""The synthetic corpus generator: deterministic, sized as asked, readable, segmentable."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.cli_generate import generate
from qualcode.corpus import iter_documents, read_document
from qualcode.generate import generate_corpus, iter_corpus, iter_generated, source_type_of
from qualcode.segmentation import detect_turns, segment_document


def _digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _words(text: str) -> int:
    return len(text.split())


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    generate_corpus(tmp_path / "a", 12, 400, seed=5)
    generate_corpus(tmp_path / "b", 12, 400, seed=5)
    generate_corpus(tmp_path / "c", 12, 400, seed=6)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert len(_digest(tmp_path / "a")) == 12
    assert _digest(tmp_path / "a") != _digest(tmp_path / "c")


def test_a_document_does_not_depend_on_the_corpus_size() -> None:
    small = [g.body for g in iter_generated(10, 300, seed=1)]
    large = [g.body for g in iter_generated(25, 300, seed=1)]
    assert large[:10] == small


@pytest.mark.parametrize("words", [50, 800, 3000])
def test_sizes_as_asked(tmp_path: Path, words: int) -> None:
    paths = generate_corpus(tmp_path, 10, words, seed=2)
    assert len(paths) == 10
    for path in paths:
        n = _words(read_document(path).text)
        # Reached to within one sentence (sample sentences are at most ~80 words).
        assert words <= n <= words + 90, (path.name, n)


def test_source_type_mix() -> None:
    kinds = Counter(source_type_of(i) for i in range(1000))
    assert kinds == {"interview": 800, "observation": 100, "document": 100}
    assert set(source_type_of(i) for i in range(5)) == {"interview", "observation", "document"}


def test_files_read_back_as_the_in_memory_documents(tmp_path: Path) -> None:
    paths = generate_corpus(tmp_path, 10, 500, seed=3)
    in_memory = list(iter_corpus(10, 500, seed=3))
    for path, source in zip(paths, in_memory, strict=True):
        read = read_document(path)
        assert read.text == source.text
        assert read.sha256 == source.sha256
        for name in ("name", "source_type", "informant", "role", "date", "place", "title"):
            assert getattr(read, name) == getattr(source, name), name
        assert {k: v for k, v in read.metadata.items() if k != "encoding"} == source.metadata
    # The folder reads as a study: nothing skipped, nothing in error.
    found = list(iter_documents([tmp_path]))
    assert len(found) == 10
    assert all(not isinstance(item, Exception) for _, item in found)


def test_front_matter_like_the_sample(tmp_path: Path) -> None:
    docs = list(iter_corpus(10, 300, seed=4))
    interviews = [d for d in docs if d.source_type == "interview"]
    assert [d.informant for d in interviews] == [f"Informan {i}" for i in range(1, 9)]
    for doc in interviews:
        assert doc.role and doc.date and doc.metadata["name"] and doc.metadata["interviewer"]
    for doc in docs:
        assert len(doc.date) == 10 and doc.date.startswith("2024-")
    observation = next(d for d in docs if d.source_type == "observation")
    assert observation.metadata["observer"] == "Peneliti"
    document = next(d for d in docs if d.source_type == "document")
    assert document.metadata["doc_type"]


def test_texts_are_not_copies_of_the_sample() -> None:
    sample = Path(__file__).resolve().parents[1] / "transcripts"
    originals = {read_document(p).text for p in sample.rglob("*.md")}
    originals |= {read_document(p).text for p in sample.rglob("*.txt")}
    for doc in iter_corpus(10, 2000, seed=0):
        assert doc.text not in originals
    names = Counter(d.metadata.get("name") for d in iter_corpus(40, 100, seed=0))
    assert len(names) > 20


def test_interviews_segment_into_speaker_turns() -> None:
    labels_seen: set[str] = set()
    for doc in iter_corpus(30, 1000, seed=7):
        segments = segment_document(
            doc.text, doc.source_type, interviewer_labels=[doc.metadata.get("interviewer", "")]
        )
        assert segments
        if doc.source_type != "interview":
            continue
        turns = detect_turns(doc.text, interviewer_labels=[doc.metadata["interviewer"]])
        roles = Counter(t.speaker_role for t in turns)
        assert roles["interviewer"] >= 5 and roles["informant"] >= 5, doc.name
        assert roles["other"] == 0, doc.name
        assert any(s.codable for s in segments) and any(not s.codable for s in segments)
        labels_seen |= {t.speaker for t in turns if t.speaker_role == "informant"}
    # Several labelling conventions of the sample study are used.
    assert len({label.split()[0] for label in labels_seen}) >= 3


def test_cli(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    result = CliRunner().invoke(
        generate, [str(out), "--documents", "6", "--words", "200", "--seed", "9"]
    )
    assert result.exit_code == 0, result.output
    assert "6 documents" in result.output
    assert _digest(out) == _digest_of_api(tmp_path / "api", 6, 200, 9)


def _digest_of_api(root: Path, n: int, words: int, seed: int) -> dict[str, str]:
    generate_corpus(root, n, words, seed)
    return _digest(root)


def test_rejects_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        generate_corpus(tmp_path, 3, 0)
    with pytest.raises(ValueError):
        generate_corpus(tmp_path, -1, 10)
    assert generate_corpus(tmp_path, 0, 10) == []


def _codings(project_path: Path) -> list[tuple]:
    from qualcode.service import Project

    with Project.open(project_path) as project:
        frame = project.codings_frame()
    columns = ["document", "segment_index", "code_id", "valence", "score", "evidence_json"]
    return sorted(tuple(row) for row in frame[columns].itertuples(index=False))


def test_a_generated_study_codes_the_same_in_one_or_two_processes(tmp_path: Path) -> None:
    from dataclasses import replace

    from qualcode import codebook as codebook_io
    from qualcode.service import Project

    results = []
    for workers in (1, 2):
        path = tmp_path / f"w{workers}.qualcode"
        with Project.create(path) as project:
            for source in iter_corpus(8, 600, seed=12):
                project.add_source(source)
            first = project.code(workers=workers)
            codebook = project.codebook
            code = next(c for c in codebook.codes if c.codable)
            changed = replace(code, keywords=(*code.keywords, "jaringan"))
            project.set_codebook(codebook_io.with_code(codebook, changed))
            second = project.code(workers=workers)
        assert first.documents == 8 and first.analysed == first.segments
        # Only segments holding the new keyword are re-matched, from cached analyses.
        assert second.documents + second.skipped == 8 and second.analysed == 0
        # Every code of a re-matched segment is re-matched: codes depend on each other.
        assert second.codes_in_scope == sorted(c.id for c in codebook.codes if c.codable)
        results.append((first, second, _codings(path)))
    (one, one_again, one_codings), (two, two_again, two_codings) = results
    assert one_codings and one_codings == two_codings
    for key in ("segments", "added", "updated", "removed", "kept"):
        assert getattr(one, key) == getattr(two, key), key
        assert getattr(one_again, key) == getattr(two_again, key), key


def test_a_missing_sample_study_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no sample study"):
        list(iter_corpus(1, 10, sample_dir=tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no usable"):
        list(iter_corpus(1, 10, sample_dir=tmp_path / "empty"))
