"""The project store: schema, migrations, transactions, decisions, audit, undo."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from qualcode.errors import ConflictError, ProjectError
from qualcode.model import (
    Code,
    Codebook,
    CodeSuggestion,
    Evidence,
    Framework,
    Segment,
    SourceDocument,
)
from qualcode.store import Database
from qualcode.store import records as rec
from qualcode.store.schema import metadata

CODEBOOK = Codebook(
    name="Uji",
    version="1",
    frameworks=(Framework(id="f", name="F"),),
    codes=(
        Code(id="a", name="Kode A", framework="f", keywords=("koordinasi",)),
        Code(id="b", name="Kode B", framework="f", keywords=("server",)),
    ),
)
TEXT = "P: Bagaimana koordinasinya?\nI: Koordinasi lancar. Server kadang down."


@pytest.fixture()
def db(tmp_path):
    database = Database.open(tmp_path / "uji.qualcode", create=True)
    with database.write() as conn:
        rec.save_codebook(conn, CODEBOOK, "name: Uji", "tester")
    yield database
    database.close()


def _add_document(db: Database) -> tuple[int, list[int]]:
    source = SourceDocument(name="w1.txt", text=TEXT, informant="Informan 1")
    segs = [
        Segment(
            index=0,
            start=3,
            end=27,
            kind="turn",
            speaker="P",
            speaker_role="interviewer",
            codable=False,
        ),
        Segment(
            index=1, start=31, end=len(TEXT), kind="turn", speaker="I", speaker_role="informant"
        ),
    ]
    with db.write() as conn:
        doc_id = rec.insert_document(conn, source)
        rec.insert_segments(conn, doc_id, segs)
    with db.read() as conn:
        ids = [s.id for s in rec.list_segments(conn, doc_id)]
    return doc_id, ids


def _suggest(db: Database, doc_id: int, seg_id: int, codes: list[str]) -> dict[str, int]:
    suggestions = {
        seg_id: [
            CodeSuggestion(
                code_id=c,
                score=0.8,
                valence="pendukung",
                evidence=(Evidence("koordinasi", "Koordinasi", 31, 41, "keyword"),),
            )
            for c in codes
        ]
    }
    with db.write() as conn:
        return rec.replace_machine_codings(
            conn,
            document_id=doc_id,
            segment_ids=[seg_id],
            suggestions=suggestions,
            spans={seg_id: (31, len(TEXT))},
            codebook_hash="h",
            code_hashes={},
            pipeline_version="p",
        )


def test_store_creates_schema_matching_the_tables(tmp_path):
    database = Database.open(tmp_path / "p.qualcode", create=True)
    with database.read() as conn:
        tables = set(inspect(conn).get_table_names())
        columns = {t: {c["name"] for c in inspect(conn).get_columns(t)} for t in tables}
    # The Alembic migration and the schema module describe the same tables and columns.
    for table in metadata.sorted_tables:
        assert table.name in tables
        assert columns[table.name] == {c.name for c in table.columns}, table.name
    assert database.schema_revision() == "0002"
    database.close()


def test_store_sqlite_pragmas(db):
    with db.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_store_refuses_missing_and_foreign_files(tmp_path):
    with pytest.raises(ProjectError, match="no project here"):
        Database.open(tmp_path / "missing.qualcode")
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE x (y)")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="not a qualcode project"):
        Database.open(other)
    junk = tmp_path / "junk.qualcode"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ProjectError, match="cannot open"):
        Database.open(junk)


def test_store_refuses_project_from_newer_version(tmp_path):
    path = tmp_path / "p.qualcode"
    Database.open(path, create=True).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="newer qualcode"):
        Database.open(path)


def test_store_write_is_all_or_nothing(db):
    with pytest.raises(RuntimeError), db.write() as conn:
        rec.insert_document(conn, SourceDocument(name="x.txt", text="satu dua"))
        raise RuntimeError("crash in the middle")
    with db.read() as conn:
        assert rec.counts(conn)["documents"] == 0


def test_store_duplicate_document_refused_by_hash(db):
    _add_document(db)
    with db.read() as conn:
        assert rec.find_document_by_sha(conn, SourceDocument("x", TEXT).sha256) is not None
    with pytest.raises(IntegrityError), db.write() as conn:
        rec.insert_document(conn, SourceDocument(name="copy.txt", text=TEXT))


def test_store_machine_codings_are_idempotent_and_keep_decisions(db):
    doc_id, (_, seg) = _add_document(db)
    assert _suggest(db, doc_id, seg, ["a", "b"])["added"] == 2
    again = _suggest(db, doc_id, seg, ["a", "b"])
    assert again["added"] == 0 and again["updated"] == 2
    with db.read() as conn:
        codings = {c.code_id: c for c in rec.list_codings(conn)}
    assert len(codings) == 2
    with db.write() as conn:
        rec.decide(conn, codings["a"].id, actor="rina", status="accepted")
        rec.decide(conn, codings["b"].id, actor="rina", status="rejected")
    # The codebook changed and neither code matches any more: decisions stay.
    result = _suggest(db, doc_id, seg, [])
    assert result["removed"] == 0 and result["kept"] == 2
    with db.read() as conn:
        statuses = {c.code_id: c.status for c in rec.list_codings(conn)}
    assert statuses == {"a": "accepted", "b": "rejected"}


def test_store_unreviewed_suggestion_removed_when_no_longer_matched(db):
    doc_id, (_, seg) = _add_document(db)
    _suggest(db, doc_id, seg, ["a", "b"])
    result = _suggest(db, doc_id, seg, ["a"])
    assert result["removed"] == 1
    with db.read() as conn:
        assert [c.code_id for c in rec.list_codings(conn)] == ["a"]


def test_store_unique_machine_coding_per_segment_and_code(db):
    doc_id, (_, seg) = _add_document(db)
    _suggest(db, doc_id, seg, ["a"])
    with pytest.raises(IntegrityError), db.write() as conn:
        conn.execute(
            text(
                'INSERT INTO codings (document_id, segment_id, code_id, start, "end", status, '
                "origin, created_at, updated_at) VALUES (:d, :s, 'a', 31, 40, 'suggested', 'auto', "
                "'t', 't')"
            ),
            {"d": doc_id, "s": seg},
        )


def test_store_decision_audit_and_undo(db):
    doc_id, (_, seg) = _add_document(db)
    _suggest(db, doc_id, seg, ["a"])
    with db.read() as conn:
        coding = rec.list_codings(conn)[0]
    with db.write() as conn:
        rec.decide(conn, coding.id, actor="rina", status="accepted")
        rec.decide(conn, coding.id, actor="rina", valence="penghambat")
    with db.read() as conn:
        entries = rec.audit_entries(conn, entity="coding")
    assert [e["action"] for e in entries] == ["decide", "decide"]
    assert entries[1]["actor"] == "rina"
    with db.write() as conn:
        undone = rec.undo_last(conn, actor="rina")
    assert undone is not None and undone["restored"]["valence"] == "pendukung"
    with db.write() as conn:
        rec.undo_last(conn, actor="rina")
    with db.read() as conn:
        back = rec.get_coding(conn, coding.id)
    assert (back.status, back.valence) == ("suggested", "pendukung")
    with db.write() as conn:
        assert rec.undo_last(conn, actor="rina") is None
        # Another person's decisions are not undone by me.
        assert rec.undo_last(conn, actor="agus") is None


def test_store_manual_coding_add_delete_undo(db):
    doc_id, _ = _add_document(db)
    with db.write() as conn:
        cid = rec.add_manual_coding(
            conn,
            document_id=doc_id,
            start=31,
            end=41,
            code_id="a",
            valence="pendukung",
            actor="rina",
        )
    with db.read() as conn:
        row = rec.get_coding(conn, cid)
    assert row.segment_id is not None  # placed in the segment that holds it
    assert TEXT[row.start : row.end] == "Koordinasi"
    with db.write() as conn:
        rec.delete_coding(conn, cid, actor="rina")
        rec.undo_last(conn, actor="rina")
    with db.read() as conn:
        assert rec.get_coding(conn, cid).code_id == "a"
    with pytest.raises(ProjectError, match="outside"), db.write() as conn:
        rec.add_manual_coding(
            conn,
            document_id=doc_id,
            start=5,
            end=10_000,
            code_id="a",
            valence="netral",
            actor="rina",
        )
    with pytest.raises(ProjectError, match="unknown code"), db.write() as conn:
        rec.add_manual_coding(
            conn, document_id=doc_id, start=5, end=10, code_id="zzz", valence="netral", actor="rina"
        )


def test_store_stale_write_is_a_conflict(db):
    doc_id, (_, seg) = _add_document(db)
    _suggest(db, doc_id, seg, ["a"])
    with db.read() as conn:
        row = rec.get_coding(conn, rec.list_codings(conn)[0].id)
    seen_version = row.version
    with db.write() as conn:
        rec.decide(conn, row.id, actor="window-1", status="accepted", expected_version=seen_version)
    with pytest.raises(ConflictError, match="changed elsewhere"), db.write() as conn:
        rec.decide(conn, row.id, actor="window-2", status="rejected", expected_version=seen_version)
    with db.read() as conn:
        assert rec.get_coding(conn, row.id).status == "accepted"


def test_store_audit_log_is_append_only(db):
    doc_id, (_, seg) = _add_document(db)
    _suggest(db, doc_id, seg, ["a"])
    with db.read() as conn:
        coding_id = rec.list_codings(conn)[0].id
    with db.write() as conn:
        rec.decide(conn, coding_id, actor="rina", status="accepted")
    with pytest.raises(DBAPIError, match="append-only"), db.write() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'someone else'"))
    with pytest.raises(DBAPIError, match="append-only"), db.write() as conn:
        conn.execute(text("DELETE FROM audit_log"))


def test_store_two_writers_queue_instead_of_failing(db, tmp_path):
    doc_id, (_, seg) = _add_document(db)
    _suggest(db, doc_id, seg, ["a", "b"])
    with db.read() as conn:
        ids = [c.id for c in rec.list_codings(conn)]
    other = Database.open(tmp_path / "uji.qualcode")
    errors: list[Exception] = []

    def worker(database: Database, actor: str) -> None:
        try:
            for _ in range(20):
                for cid in ids:
                    with database.write() as conn:
                        rec.decide(conn, cid, actor=actor, status="accepted")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(d, a)) for d, a in ((db, "w1"), (other, "w2"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    other.close()
    assert errors == []
    with db.read() as conn:
        assert len(rec.audit_entries(conn, entity="coding", limit=1000)) == 80


def test_store_memos_and_conclusions(db):
    doc_id, (_, seg) = _add_document(db)
    with db.write() as conn:
        memo = rec.save_memo(
            conn,
            target_type="segment",
            target_id=str(seg),
            text="Menarik: <b>kontras</b>",
            actor="rina",
        )
        rec.save_memo(
            conn,
            target_type="segment",
            target_id=str(seg),
            text="diubah",
            actor="rina",
            memo_id=memo,
        )
        cid = rec.save_conclusion(
            conn,
            text="Koordinasi belum optimal",
            code_ids=["a"],
            supporting=[seg],
            contradicting=[],
            actor="rina",
        )
    with db.read() as conn:
        memos = rec.list_memos(conn, target_type="segment", target_id=str(seg))
        conclusions = rec.list_conclusions(conn)
    assert [m.text for m in memos] == ["diubah"]
    assert conclusions[0].id == cid and conclusions[0].supporting_segment_ids == (seg,)
    # Deleting the document cascades to its segments and so to the evidence links.
    with db.write() as conn:
        rec.delete_document(conn, doc_id, actor="rina")
    with db.read() as conn:
        assert rec.list_conclusions(conn)[0].supporting_segment_ids == ()
        assert rec.counts(conn)["segments"] == 0


def test_store_codebook_versions_are_kept(db):
    changed = Codebook(
        name="Uji", version="2", frameworks=CODEBOOK.frameworks, codes=CODEBOOK.codes[:1]
    )
    with db.write() as conn:
        rec.save_codebook(conn, changed, "name: Uji v2", "rina")
    with db.read() as conn:
        history = rec.codebook_history(conn)
        assert [c.id for c in rec.current_codes(conn)] == ["a"]
        assert rec.current_codebook_yaml(conn) == "name: Uji v2"
    assert [h["version"] for h in history] == ["1", "2"]
