"""Re-coding after a codebook edit: only the segments a term edit can change are
re-matched, and the result is exactly that of a full re-code."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from alembic import command

from qualcode import codebook as codebook_io
from qualcode import recode
from qualcode.coder import (
    PIPELINE_VERSION,
    Coder,
    _drop_contained,
    _scan,
    _units,
    match_roots,
)
from qualcode.model import Codebook, ValenceCues
from qualcode.nlp.analyze import ANALYSIS_VERSION, AnalysedText
from qualcode.recode import CandidateTest, changed_terms, encode_roots
from qualcode.service import Project
from qualcode.store import records as rec
from qualcode.store.db import Database, _alembic_config

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"

Edit = Callable[[Codebook, random.Random, list[str]], Codebook]


def _table(path: Path) -> list[tuple[object, ...]]:
    """Every coding as a full re-code writes it (not its id, version or timestamps)."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute(
            'SELECT document_id, segment_id, code_id, start, "end", valence, score, status, '
            "origin, coder, evidence_json FROM codings"
        ).fetchall()
    finally:
        con.close()
    return sorted(rows, key=repr)


def _n_codable(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM segments WHERE codable = 1").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("recode") / "studi.qualcode"
    with Project.create(path) as project:
        project.import_paths([TRANSCRIPTS / "wawancara", TRANSCRIPTS / "observasi"])
        project.code(workers=1)
    return path


@pytest.fixture(scope="module")
def words(coded: Path) -> list[str]:
    """Words and word pairs of the transcripts, to add as keywords and phrases."""
    with Project.open(coded) as project:
        frame = project.segments_frame()
    out: list[str] = []
    for text in frame["text"]:
        tokens = [t.strip(".,;:!?\"'()[]").lower() for t in str(text).split()]
        tokens = [t for t in tokens if t.isalpha() and len(t) > 3]
        out += tokens
        out += [f"{a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    return sorted(set(out))


def _codable(book: Codebook) -> list[str]:
    return [c.id for c in book.codes if c.codable]


def _change(book: Codebook, code_id: str, **fields: tuple[str, ...]) -> Codebook:
    return codebook_io.with_code(book, replace(book.code(code_id), **fields))


def add_keyword(book: Codebook, rnd: random.Random, words: list[str]) -> Codebook:
    code = book.code(rnd.choice(_codable(book)))
    word = rnd.choice([w for w in words if " " not in w and w not in code.keywords])
    return _change(book, code.id, keywords=(*code.keywords, word))


def remove_keyword(book: Codebook, rnd: random.Random, _words: list[str]) -> Codebook:
    code = book.code(rnd.choice([c for c in _codable(book) if book.code(c).keywords]))
    gone = rnd.choice(code.keywords)
    return _change(book, code.id, keywords=tuple(k for k in code.keywords if k != gone))


def add_phrase(book: Codebook, rnd: random.Random, words: list[str]) -> Codebook:
    code = book.code(rnd.choice(_codable(book)))
    phrase = rnd.choice([w for w in words if " " in w and w not in code.phrases])
    return _change(book, code.id, phrases=(*code.phrases, phrase))


def remove_phrase(book: Codebook, rnd: random.Random, _words: list[str]) -> Codebook:
    code = book.code(rnd.choice([c for c in _codable(book) if book.code(c).phrases]))
    gone = rnd.choice(code.phrases)
    return _change(book, code.id, phrases=tuple(p for p in code.phrases if p != gone))


def share_term(book: Codebook, rnd: random.Random, _words: list[str]) -> Codebook:
    """A term another code already has: both codes' weights for it change."""
    ids = _codable(book)
    source, target = rnd.sample(ids, 2)
    target_code = book.code(target)
    term = rnd.choice([k for k in book.code(source).keywords if k not in target_code.keywords])
    return _change(book, target, keywords=(*target_code.keywords, term))


def strong_terms(book: Codebook, rnd: random.Random, words: list[str]) -> Codebook:
    """Several common words for one code, so that it leads where others did."""
    code = book.code(rnd.choice(_codable(book)))
    common = ["kinerja", "pegawai", "kegiatan", "pelayanan", "data", "laporan", "koordinasi"]
    extra = [w for w in common if w not in code.keywords][:3]
    return _change(book, code.id, keywords=(*code.keywords, *extra))


EDITS: list[Edit] = [
    add_keyword,
    remove_keyword,
    add_phrase,
    remove_phrase,
    share_term,
    strong_terms,
]


def _edit_and_compare(
    coded: Path, tmp_path: Path, edits: list[Edit], seed: int, words: list[str]
) -> None:
    incremental, full = tmp_path / "inc.qualcode", tmp_path / "full.qualcode"
    shutil.copy(coded, incremental)
    rnd = random.Random(seed)
    total = _n_codable(coded)
    with Project.open(incremental) as project:
        # Human decisions on suggestions, which no re-code may change.
        ids = [int(i) for i in project.codings_frame()["coding_id"]]
        decided = {i: "accepted" for i in ids[::9]} | {i: "rejected" for i in ids[4::13]}
        for coding_id, status in decided.items():
            project.decide(coding_id, status=status, actor="rina")
        for edit in edits:
            before = project.codebook
            after = edit(before, rnd, words)
            assert changed_terms(before, after), edit.__name__
            project.set_codebook(after, actor="rina")
            report = project.code(workers=1)
            assert report.analysed == 0
            assert report.segments < total, edit.__name__  # not a full re-match
    shutil.copy(incremental, full)
    with Project.open(full) as project:
        project.code(workers=1, force=True)
    with Project.open(incremental) as project:
        statuses = project.codings_frame().set_index("coding_id")["status"]
        assert {i: statuses[i] for i in decided} == decided
    assert _table(incremental) == _table(full)


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__ for e in EDITS])
def test_recode_term_edit_equals_a_full_recode(
    coded: Path, tmp_path: Path, words: list[str], edit: Edit
) -> None:
    _edit_and_compare(coded, tmp_path, [edit], seed=len(edit.__name__), words=words)


@pytest.mark.parametrize("seed", range(4))
def test_recode_random_edit_sequences_equal_a_full_recode(
    coded: Path, tmp_path: Path, words: list[str], seed: int
) -> None:
    rnd = random.Random(1000 + seed)
    edits = [rnd.choice(EDITS) for _ in range(3)]
    _edit_and_compare(coded, tmp_path, edits, seed=seed, words=words)


def test_recode_label_edit_rematches_nothing(coded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.qualcode"
    shutil.copy(coded, copy)
    con = sqlite3.connect(copy)
    before = con.execute("SELECT * FROM codings ORDER BY id").fetchall()
    con.close()
    with Project.open(copy) as project:
        book = project.codebook
        code = book.code("produktivitas")
        project.set_codebook(
            codebook_io.with_code(book, replace(code, name="Produktif", colour="#123456"))
        )
        report = project.code(workers=1)
    assert report.documents == 0 and report.segments == 0
    con = sqlite3.connect(copy)
    assert con.execute("SELECT * FROM codings ORDER BY id").fetchall() == before
    con.close()


def test_recode_cue_edit_rematches_every_segment(coded: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.qualcode"
    shutil.copy(coded, copy)
    with Project.open(copy) as project:
        book = project.codebook
        cues = ValenceCues(**{**book.cues.__dict__, "supporting": (*book.cues.supporting, "rapi")})
        project.set_codebook(replace(book, cues=cues))
        report = project.code(workers=1)
    assert report.segments == _n_codable(copy) and report.analysed == 0


def test_recode_candidates_hold_every_segment_a_term_matches(coded: Path, words: list[str]) -> None:
    """The candidate test is a superset: checked against the coder's own matching."""
    with Project.open(coded) as project:
        book = project.codebook
        with project.db.read() as conn:
            rows = rec.codable_segment_roots(conn, ANALYSIS_VERSION)
            blobs = rec.get_analyses(conn, [r[0] for r in rows], ANALYSIS_VERSION)
    analyses = [AnalysedText.from_bytes(blobs[r[0]]) for r in rows]
    stored = [r[4] for r in rows]
    assert stored == [encode_roots(match_roots(a)) for a in analyses]
    rnd = random.Random(7)
    derived = ["terkoordinasi", "koordinasinya", "bekerjasama", "pelayanannya", "kerja sama"]
    terms = rnd.sample(words, 150) + derived
    code = book.code(_codable(book)[0])
    keywords = tuple(t for t in terms if " " not in t)
    phrases = tuple(t for t in terms if " " in t)
    coder = Coder(codebook_io.with_code(book, replace(code, keywords=keywords, phrases=phrases)))
    singles = {term: CandidateTest(coder, [term]) for term in terms}
    whole = CandidateTest(coder, terms)
    matched = candidates = 0
    for analysed, roots in zip(analyses, stored, strict=True):
        assert roots is not None
        found = {f[0].term for f in _drop_contained(_scan(_units(analysed), coder._term_index))}
        candidates += sum(test(roots) for test in singles.values())
        for term in found & set(terms):
            matched += 1
            assert singles[term](roots) and whole(roots), (term, analysed.text[:80])
    # Matches were found, and the candidates are far from "every segment".
    assert matched > 50 and candidates < len(terms) * len(stored) / 10


def _downgrade_to_0001(path: Path) -> None:
    db = Database.open(path)
    with db.write() as conn:
        command.downgrade(_alembic_config(conn), "0001")
    db.close()


def test_recode_upgrades_a_project_coded_before_segment_roots(coded: Path, tmp_path: Path) -> None:
    """A 0001 project (analyses keyed by the pipeline version, no root words, states
    without the codebook hash) opens, keeps its analyses and re-codes correctly."""
    old = tmp_path / "old.qualcode"
    shutil.copy(coded, old)
    _downgrade_to_0001(old)
    con = sqlite3.connect(old)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "segment_roots" not in tables
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
    # What the previous version wrote: analyses under the pipeline version, and per
    # document the full content hash of each code.
    con.execute("UPDATE segment_analysis SET pipeline_version = ?", (PIPELINE_VERSION,))
    with Project.open(coded) as project:
        book = project.codebook
    state = {c.id: c.content_hash() for c in book.codes if c.codable}
    state[""] = PIPELINE_VERSION
    con.execute("UPDATE documents SET coding_state = ?", (json.dumps(state, sort_keys=True),))
    con.commit()
    con.close()

    full = tmp_path / "full.qualcode"
    with Project.open(old) as project:
        assert project.db.schema_revision() == "0002"
        with project.db.read() as conn:
            keys = {
                r[0] for r in conn.exec_driver_sql("SELECT pipeline_version FROM segment_analysis")
            }
        assert keys == {ANALYSIS_VERSION}
        code = book.code("produktivitas")
        project.set_codebook(_change(book, code.id, keywords=(*code.keywords, "jaringan")))
        report = project.code(workers=1)
        assert report.analysed == 0  # the analyses were kept
        with project.db.read() as conn:
            assert all(r[4] is not None for r in rec.codable_segment_roots(conn, ANALYSIS_VERSION))
        # The next edit is incremental.
        book = project.codebook
        code = book.code("akuntabilitas")
        project.set_codebook(_change(book, code.id, keywords=(*code.keywords, "tertib")))
        report = project.code(workers=1)
        assert report.analysed == 0 and report.segments < _n_codable(old)
    shutil.copy(old, full)
    with Project.open(full) as project:
        project.code(workers=1, force=True)
    assert _table(old) == _table(full)


def test_recode_changed_terms_names_only_term_edits(coded: Path) -> None:
    with Project.open(coded) as project:
        book = project.codebook
    code = book.code("produktivitas")
    other = book.code("akuntabilitas")
    assert changed_terms(book, _change(book, code.id, keywords=(*code.keywords, "kopdar"))) == (
        "kopdar",
    )
    removed = code.keywords[0]
    assert changed_terms(book, _change(book, code.id, keywords=code.keywords[1:])) == (removed,)
    relabelled = codebook_io.with_code(book, replace(code, name="Lain", definition="baru"))
    assert changed_terms(book, relabelled) == ()
    # Anything else is re-matched in full.
    cue = _change(book, code.id, supporting_cues=(*code.supporting_cues, "rapi"))
    assert changed_terms(book, cue) is None
    reordered = _change(book, other.id, keywords=tuple(reversed(other.keywords)))
    assert changed_terms(book, reordered) is None
    ungrouped = codebook_io.with_code(book, replace(code, codable=False))
    assert changed_terms(book, ungrouped) is None
    negators = replace(book, cues=replace(book.cues, negators=(*book.cues.negators, "negasiuji")))
    assert changed_terms(book, negators) is None


def test_recode_set_codebook_stores_a_codebook_that_reads_back_equal(
    coded: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.qualcode"
    shutil.copy(coded, copy)
    with Project.open(copy) as project:
        book = project.codebook
        code = book.code("faktor_tim")
        edited = _change(book, code.id, phrases=(*code.phrases, "Kompak Sekali"))
        digest = project.set_codebook(edited, actor="rina")
        assert project.codebook == edited and edited.content_hash() == digest
        stored = codebook_io.parse_codebook(project.codebook_yaml())
    assert stored == edited and edited.code(code.id).phrases[-1] == "kompak sekali"
    with Project.open(copy) as project:
        assert project.codebook == edited


def test_recode_a_term_that_changes_the_leading_codes(coded: Path, tmp_path: Path) -> None:
    """Other codes of a re-matched segment can lose their place (``coder._keep_main``)."""
    incremental, full = tmp_path / "inc.qualcode", tmp_path / "full.qualcode"
    shutil.copy(coded, incremental)
    with Project.open(incremental) as project:
        before = {(r.segment_id, r.code_id) for r in project.codings_frame().itertuples()}
        book = project.codebook
        edited = strong_terms(book, random.Random(0), [])
        code_id = next(c.id for c in edited.codes if c != book.code(c.id))
        project.set_codebook(edited)
        project.code(workers=1)
        after = {(r.segment_id, r.code_id) for r in project.codings_frame().itertuples()}
    assert any(code != code_id for _, code in before - after)
    shutil.copy(incremental, full)
    with Project.open(full) as project:
        project.code(workers=1, force=True)
    assert _table(incremental) == _table(full)


def _kept_units(project: Project) -> dict[str, object]:
    with project.db.read() as conn:
        text = rec.get_info(conn, recode.TERM_UNITS_KEY)
    return dict(recode.load_term_units(text, recode.term_units_version()))


def test_recode_keeps_the_term_units_of_the_last_coder(coded: Path, tmp_path: Path) -> None:
    incremental, fresh = tmp_path / "inc.qualcode", tmp_path / "fresh.qualcode"
    shutil.copy(coded, incremental)
    with Project.open(incremental) as project:
        assert _kept_units(project) == Coder(project.codebook).term_units
        book = project.codebook
        code = book.code("produktivitas")
        project.set_codebook(_change(book, code.id, keywords=(*code.keywords, "kopdar")))
        project.code(workers=1)
        kept = _kept_units(project)
        assert "kopdar" in kept and kept == Coder(project.codebook).term_units
        book = project.codebook
        gone = book.code("akuntabilitas").keywords[0]
        edited = _change(book, "akuntabilitas", keywords=book.code("akuntabilitas").keywords[1:])
        project.set_codebook(edited)
        project.code(workers=1)
        kept = _kept_units(project)
        assert gone not in kept and kept == Coder(project.codebook).term_units
    # The same codings as a coder that analyses every term again.
    shutil.copy(incremental, fresh)
    with Project.open(fresh) as project:
        with project.db.write() as conn:
            rec.set_info(conn, recode.TERM_UNITS_KEY, "")
        project.code(workers=1, force=True)
        assert _kept_units(project) == Coder(project.codebook).term_units
    assert _table(incremental) == _table(fresh)


@pytest.mark.parametrize("kept", ["other version", "not json"])
def test_recode_ignores_term_units_it_cannot_trust(coded: Path, tmp_path: Path, kept: str) -> None:
    copy = tmp_path / "copy.qualcode"
    shutil.copy(coded, copy)
    with Project.open(copy) as project:
        coder = Coder(project.codebook)
        wrong = {t: (("zzz",), (None,), (None,)) for t in coder.term_units}
        if kept == "not json":
            text = "{not json"
        else:
            text = json.dumps({"version": "qualcode-coder.0+a0.n0/sastrawi", "terms": wrong})
        with project.db.write() as conn:
            rec.set_info(conn, recode.TERM_UNITS_KEY, text)
        project.code(workers=1, force=True)
        assert _kept_units(project) == coder.term_units
    assert _table(copy) == _table(coded)


def test_recode_term_units_depend_on_the_analysis_version(
    coded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Project.open(coded) as project, project.db.read() as conn:
        text = rec.get_info(conn, recode.TERM_UNITS_KEY)
    assert recode.load_term_units(text, recode.term_units_version())
    assert ANALYSIS_VERSION in recode.term_units_version()
    monkeypatch.setattr(recode, "PIPELINE_VERSION", "qualcode-coder.3+a1.n2")
    assert recode.load_term_units(text, recode.term_units_version()) == {}
    assert recode.load_term_units(text, recode.term_units_version("stanza")) == {}


@pytest.mark.parametrize(
    "terms",
    [
        [],
        {"a": [["a"], [None]]},
        {"a": [["a"], [None], [None, None]]},
        {"a": ["a", [None], [None]]},
        {"a": [[1], [None], [None]]},
        {"a": [[None], [None], [None]]},
        {"a": [["a"], [2], [None]]},
        {"a": [["a"], [None], [["b"]]]},
        {"a": None},
    ],
)
def test_recode_load_term_units_refuses_malformed_units(terms: object) -> None:
    version = recode.term_units_version()
    good = json.dumps({"version": version, "terms": {"a": [["a"], [None], ["ab"]]}})
    assert recode.load_term_units(good, version) == {"a": (("a",), (None,), ("ab",))}
    text = json.dumps({"version": version, "terms": terms})
    assert recode.load_term_units(text, version) == {}
    assert recode.load_term_units(json.dumps([1]), version) == {}
    assert recode.load_term_units("", version) == {}


@pytest.mark.parametrize("name", [None, *codebook_io.template_names()])
def test_recode_rules_hash_is_the_hash_documents_were_coded_with(name: str | None) -> None:
    from dataclasses import asdict

    book = codebook_io.load_codebook(None if name is None else codebook_io.template_path(name))
    codable = [c.id for c in book.codes if c.codable]
    assert recode.rules_hash(book) == recode._digest([asdict(book.cues), codable])
