"""Reading and writing project records. Every function takes an open Connection.

Callers decide the transaction (``Database.write()``), so several calls can land
together or not at all. Nothing outside ``qualcode.store`` writes SQL.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from qualcode.errors import ConflictError, ProjectError
from qualcode.model import (
    Code,
    Codebook,
    CodeSuggestion,
    Conclusion,
    Evidence,
    Memo,
    Segment,
    SourceDocument,
    StoredCoding,
    StoredDocument,
    StoredSegment,
)
from qualcode.store.schema import (
    audit_log,
    codebook_versions,
    codes,
    codings,
    conclusion_evidence,
    conclusions,
    documents,
    memos,
    project_info,
    segment_analysis,
    segment_roots,
    segments,
)

MACHINE = "qualcode"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- project info


def get_info(conn: Connection, key: str, default: str = "") -> str:
    value = conn.execute(select(project_info.c.value).where(project_info.c.key == key)).scalar()
    return default if value is None else str(value)


def set_info(conn: Connection, key: str, value: str) -> None:
    if conn.execute(select(project_info.c.key).where(project_info.c.key == key)).first():
        conn.execute(update(project_info).where(project_info.c.key == key).values(value=value))
    else:
        conn.execute(insert(project_info).values(key=key, value=value))


# --------------------------------------------------------------------------- audit


def audit(
    conn: Connection,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    undoes: int | None = None,
) -> int:
    # Parameters of one shared statement, as in ``insert_document``.
    result = conn.execute(
        _INSERT_AUDIT,
        {
            "ts": now(),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": str(entity_id),
            "before_json": None if before is None else json.dumps(before, ensure_ascii=False),
            "after_json": None if after is None else json.dumps(after, ensure_ascii=False),
            "undoes": undoes,
        },
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


_INSERT_AUDIT = insert(audit_log)


def audit_entries(
    conn: Connection, *, entity: str | None = None, limit: int = 500
) -> list[dict[str, Any]]:
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if entity:
        query = query.where(audit_log.c.entity == entity)
    return [dict(row._mapping) for row in conn.execute(query)]


def last_audit_id(conn: Connection) -> int:
    """The newest audit entry's id, 0 when there is none."""
    return int(conn.execute(select(func.max(audit_log.c.id))).scalar() or 0)


def last_audit_ids(conn: Connection) -> dict[str, int]:
    """The newest audit entry's id of each entity that has one (one pass over the log)."""
    query = select(audit_log.c.entity, func.max(audit_log.c.id)).group_by(audit_log.c.entity)
    return {str(entity): int(newest) for entity, newest in conn.execute(query)}


# --------------------------------------------------------------------------- codebook


def save_codebook(conn: Connection, codebook: Codebook, yaml_text: str, author: str) -> str:
    """Record this codebook version and make its codes the project's current codes."""
    digest = codebook.content_hash()
    exists = conn.execute(
        select(codebook_versions.c.hash).where(codebook_versions.c.hash == digest)
    ).first()
    if not exists:
        conn.execute(
            insert(codebook_versions).values(
                hash=digest,
                name=codebook.name,
                version=codebook.version,
                yaml=yaml_text,
                author=author,
                created_at=now(),
            )
        )
    conn.execute(delete(codes))
    conn.execute(
        insert(codes),
        [
            {
                "id": code.id,
                "position": position,
                "name": code.name,
                "name_en": code.name_en,
                "framework": code.framework,
                "parent": code.parent,
                "colour": code.colour,
                "codable": int(code.codable),
                "content_hash": code.content_hash(),
            }
            for position, code in enumerate(codebook.codes)
        ],
    )
    previous = get_info(conn, "codebook_hash")
    set_info(conn, "codebook_hash", digest)
    if previous != digest:
        audit(
            conn,
            actor=author,
            action="codebook",
            entity="codebook",
            entity_id=digest,
            before={"hash": previous} if previous else None,
            after={"hash": digest, "name": codebook.name, "version": codebook.version},
        )
    return digest


def current_codebook_yaml(conn: Connection) -> str:
    digest = get_info(conn, "codebook_hash")
    row = conn.execute(
        select(codebook_versions.c.yaml).where(codebook_versions.c.hash == digest)
    ).first()
    if row is None:
        raise ProjectError("the project has no codebook; run `qualcode init` again")
    return str(row.yaml)


def codebook_version_yaml(conn: Connection, digest: str) -> str | None:
    """The YAML of the codebook version with this hash, or None when there is none."""
    row = conn.execute(
        select(codebook_versions.c.yaml).where(codebook_versions.c.hash == digest)
    ).first()
    return None if row is None else str(row.yaml)


def codebook_history(conn: Connection) -> list[dict[str, Any]]:
    query = select(
        codebook_versions.c.hash,
        codebook_versions.c.name,
        codebook_versions.c.version,
        codebook_versions.c.author,
        codebook_versions.c.created_at,
    ).order_by(codebook_versions.c.created_at)
    return [dict(row._mapping) for row in conn.execute(query)]


def code_hashes(conn: Connection) -> dict[str, str]:
    return {
        row.id: row.content_hash for row in conn.execute(select(codes.c.id, codes.c.content_hash))
    }


# --------------------------------------------------------------------------- documents


def find_document_by_sha(conn: Connection, sha256: str) -> int | None:
    value = conn.execute(_DOCUMENT_BY_SHA, {"sha256": sha256}).scalar()
    return None if value is None else int(value)


# Shared statements: building one per call cost more than running it.
_DOCUMENT_BY_SHA = select(documents.c.id).where(documents.c.sha256 == bindparam("sha256"))
_DOCUMENT_BY_ID = select(documents).where(documents.c.id == bindparam("document_id"))
_DOCUMENT_ID = select(documents.c.id).where(documents.c.id == bindparam("document_id"))


def insert_document(conn: Connection, source: SourceDocument) -> int:
    # Values as parameters of one shared statement: ``.values(...)`` builds and
    # coerces a new statement per document, which cost more than the insert.
    result = conn.execute(
        _INSERT_DOCUMENT,
        {
            "name": source.name,
            "sha256": source.sha256,
            "text": source.text,
            "n_chars": len(source.text),
            "source_type": source.source_type,
            "informant": source.informant,
            "role": source.role,
            "date": source.date,
            "place": source.place,
            "title": source.title,
            "format": source.format,
            "path": source.path,
            "metadata_json": json.dumps(source.metadata, ensure_ascii=False, default=str),
            "imported_at": now(),
        },
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


_INSERT_DOCUMENT = insert(documents)


_DOCUMENT_FIELDS = ("name", "source_type", "informant", "role", "date", "place", "title")


def update_document_metadata(
    conn: Connection,
    document_id: int,
    changes: Mapping[str, str],
    *,
    actor: str,
    expected_version: int | None = None,
) -> None:
    unknown = set(changes) - set(_DOCUMENT_FIELDS)
    if unknown:
        raise ProjectError(f"cannot change document field(s) {sorted(unknown)}")
    row = conn.execute(
        select(documents).where(documents.c.id == document_id).with_for_update()
    ).first()
    if row is None:
        raise ProjectError(f"no document {document_id}")
    if expected_version is not None and row.version != expected_version:
        raise ConflictError(
            f"document {document_id} was changed elsewhere since you opened it; reload"
        )
    before = {key: getattr(row, key) for key in changes}
    conn.execute(
        update(documents)
        .where(documents.c.id == document_id)
        .values(**changes, version=documents.c.version + 1)
    )
    audit(
        conn,
        actor=actor,
        action="edit",
        entity="document",
        entity_id=document_id,
        before=before,
        after=dict(changes),
    )


def _document(row: Any) -> StoredDocument:
    return StoredDocument(
        id=row.id,
        name=row.name,
        text=row.text,
        source_type=row.source_type,
        informant=row.informant,
        role=row.role,
        date=row.date,
        place=row.place,
        title=row.title,
        format=row.format,
        sha256=row.sha256,
        metadata=json.loads(row.metadata_json or "{}"),
        imported_at=row.imported_at,
    )


def list_documents(conn: Connection, *, with_text: bool = True) -> list[StoredDocument]:
    columns = [c for c in documents.c if with_text or c.name != "text"]
    rows = conn.execute(select(*columns).order_by(documents.c.id))
    if with_text:
        return [_document(row) for row in rows]
    return [_document(_WithText(row)) for row in rows]


class _WithText:
    """A row without its text column, read as if the text were empty."""

    def __init__(self, row: Any) -> None:
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return "" if name == "text" else getattr(self._row, name)


def document_rows(
    conn: Connection, document_ids: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """Every document's metadata (or that of ``document_ids``), one dict a document."""
    query = select(
        documents.c.id.label("document_id"),
        documents.c.name,
        documents.c.source_type,
        documents.c.informant,
        documents.c.role,
        documents.c.date,
        documents.c.place,
        documents.c.title,
        documents.c.format,
        documents.c.n_chars,
        documents.c.imported_at,
        documents.c.version,
    ).order_by(documents.c.id)
    if document_ids is None:
        return [dict(row._mapping) for row in conn.execute(query)]
    wanted = sorted({int(i) for i in document_ids})
    return [
        dict(row._mapping)
        for chunk in _chunks(wanted, 900)
        for row in conn.execute(query.where(documents.c.id.in_(chunk)))
    ]


def get_document(conn: Connection, document_id: int) -> StoredDocument:
    row = conn.execute(_DOCUMENT_BY_ID, {"document_id": document_id}).first()
    if row is None:
        raise ProjectError(f"no document {document_id} in this project")
    return _document(row)


def document_exists(conn: Connection, document_id: int) -> bool:
    """True when the project holds document ``document_id`` (reads only its id)."""
    return conn.execute(_DOCUMENT_ID, {"document_id": document_id}).first() is not None


def delete_document(conn: Connection, document_id: int, *, actor: str) -> None:
    doc = get_document(conn, document_id)
    conn.execute(delete(documents).where(documents.c.id == document_id))
    audit(
        conn,
        actor=actor,
        action="delete",
        entity="document",
        entity_id=document_id,
        before={"name": doc.name, "sha256": doc.sha256},
    )


# --------------------------------------------------------------------------- segments


def _insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, in the same order) in one executemany.

    On SQLite the values go to the driver as tuples: SQLAlchemy's processing of each
    row's parameters took longer than SQLite's insert (no column of these tables has
    a client-side default or type conversion).
    """
    if not rows:
        return
    if conn.dialect.name != "sqlite" or conn.dialect.paramstyle != "qmark":
        conn.execute(insert(table), rows)
        return
    key = (table.name, tuple(rows[0]))
    compiled = _COMPILED_INSERTS.get(key)
    if compiled is None:
        statement = insert(table).values({k: bindparam(k) for k in key[1]})
        compiled = statement.compile(dialect=conn.dialect)
        _COMPILED_INSERTS[key] = compiled
    order = list(compiled.positiontup or ())
    pick = operator.itemgetter(*order)
    params = [pick(row) for row in rows] if len(order) > 1 else [(pick(row),) for row in rows]
    conn.exec_driver_sql(str(compiled), params)


# (table, column names) -> the INSERT compiled for SQLite, for ``_insert_many``.
_COMPILED_INSERTS: dict[tuple[str, tuple[str, ...]], Any] = {}


def insert_segments(conn: Connection, document_id: int, items: Sequence[Segment]) -> None:
    if not items:
        return
    _insert_many(
        conn,
        segments,
        [
            {
                "document_id": document_id,
                "idx": seg.index,
                "start": seg.start,
                "end": seg.end,
                "kind": seg.kind,
                "speaker": seg.speaker,
                "speaker_role": seg.speaker_role,
                "codable": int(seg.codable),
                "timestamp": seg.timestamp,
                "turn": seg.turn,
            }
            for seg in items
        ],
    )


def _segment(row: Any) -> StoredSegment:
    return StoredSegment(
        id=row.id,
        document_id=row.document_id,
        index=row.idx,
        start=row.start,
        end=row.end,
        kind=row.kind,
        speaker=row.speaker,
        speaker_role=row.speaker_role,
        codable=bool(row.codable),
        timestamp=row.timestamp,
    )


def list_segments(conn: Connection, document_id: int | None = None) -> list[StoredSegment]:
    query = select(segments).order_by(segments.c.document_id, segments.c.idx)
    if document_id is not None:
        query = query.where(segments.c.document_id == document_id)
    return [_segment(row) for row in conn.execute(query)]


def segment_rows(
    conn: Connection,
    document_id: int | None = None,
    segment_ids: Iterable[int] | None = None,
) -> dict[str, list[Any]]:
    """The segments' own columns (all, one document's, or those of ``segment_ids``)
    in reading order, column by column. No document metadata and no text: a join
    would read the document row (whose metadata sits after the long ``text`` column)
    once a segment. The service adds both from ``document_rows`` and
    ``document_texts``."""
    query = select(
        segments.c.id.label("segment_id"),
        segments.c.document_id,
        segments.c.idx.label("segment_index"),
        segments.c.start,
        segments.c.end,
        segments.c.speaker,
        segments.c.speaker_role,
        segments.c.codable,
        segments.c.timestamp,
    ).order_by(segments.c.document_id, segments.c.idx)
    if document_id is not None:
        query = query.where(segments.c.document_id == document_id)
    if segment_ids is None:
        return _columns(conn.execute(query))
    wanted = sorted({int(i) for i in segment_ids})
    names = [c.name for c in query.selected_columns]
    rows = [
        tuple(row)
        for chunk in _chunks(wanted, 900)
        for row in conn.execute(query.where(segments.c.id.in_(chunk)))
    ]
    rows.sort(key=lambda row: (row[1], row[2]))  # document_id, segment_index
    return _columns_of(names, rows)


def _columns(result: Any) -> dict[str, list[Any]]:
    return _columns_of(list(result.keys()), result.all())


def _columns_of(names: list[str], rows: Sequence[Sequence[Any]]) -> dict[str, list[Any]]:
    if not rows:
        return {name: [] for name in names}
    return dict(zip(names, (list(c) for c in zip(*rows, strict=True)), strict=True))


def documents_without_segments(conn: Connection) -> list[int]:
    has_segments = select(segments.c.document_id).distinct()
    query = select(documents.c.id).where(documents.c.id.not_in(has_segments))
    return [int(v) for v in conn.execute(query).scalars()]


# --------------------------------------------------------------------------- analysis cache


def get_analyses(
    conn: Connection, segment_ids: Sequence[int], analysis_version: str
) -> dict[int, bytes]:
    """The cached analyses of these segments made by ``analysis_version``."""
    out: dict[int, bytes] = {}
    for chunk in _chunks(segment_ids, 900):
        query = select(segment_analysis.c.segment_id, segment_analysis.c.data).where(
            and_(
                segment_analysis.c.segment_id.in_(chunk),
                segment_analysis.c.pipeline_version == analysis_version,
            )
        )
        out.update({int(r.segment_id): bytes(r.data) for r in conn.execute(query)})
    return out


def put_analyses(conn: Connection, items: Mapping[int, bytes], analysis_version: str) -> None:
    _replace_segment_rows(
        conn,
        segment_analysis,
        [
            {"segment_id": sid, "pipeline_version": analysis_version, "data": data}
            for sid, data in items.items()
        ],
    )


def segments_with_roots(
    conn: Connection, segment_ids: Sequence[int], analysis_version: str
) -> set[int]:
    """Which of these segments have their root words stored for ``analysis_version``."""
    out: set[int] = set()
    for chunk in _chunks(segment_ids, 900):
        query = select(segment_roots.c.segment_id).where(
            and_(
                segment_roots.c.segment_id.in_(chunk),
                segment_roots.c.analysis_version == analysis_version,
            )
        )
        out.update(int(v) for v in conn.execute(query).scalars())
    return out


def put_segment_roots(conn: Connection, items: Mapping[int, str], analysis_version: str) -> None:
    """Store each segment's root words (space-separated), replacing older ones."""
    _replace_segment_rows(
        conn,
        segment_roots,
        [
            {"segment_id": sid, "analysis_version": analysis_version, "roots": roots}
            for sid, roots in items.items()
        ],
    )


def _replace_segment_rows(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Store one row per segment in a per-segment cache table, replacing any older one."""
    if not rows:
        return
    for chunk in _chunks([r["segment_id"] for r in rows], 900):
        conn.execute(delete(table).where(table.c.segment_id.in_(chunk)))
    conn.execute(insert(table), rows)


def codable_segment_roots(
    conn: Connection, analysis_version: str, containing: Sequence[str] | None = None
) -> list[tuple[int, int, int, int, str | None]]:
    """(segment id, document id, start, end, root words or None) of every codable
    segment; None when no roots of ``analysis_version`` are stored. With
    ``containing``, only the segments whose root words contain one of these strings
    (a prefilter: as substrings, ignoring ASCII case) and those without roots."""
    query = (
        select(
            segments.c.id,
            segments.c.document_id,
            segments.c.start,
            segments.c.end,
            segment_roots.c.roots,
        )
        .outerjoin(
            segment_roots,
            and_(
                segment_roots.c.segment_id == segments.c.id,
                segment_roots.c.analysis_version == analysis_version,
            ),
        )
        .where(segments.c.codable == 1)
        .order_by(segments.c.document_id, segments.c.idx)
    )
    if containing is not None:
        query = query.where(
            or_(
                segment_roots.c.roots.is_(None),
                *(segment_roots.c.roots.contains(text, autoescape=True) for text in containing),
            )
        )
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3]), r[4]) for r in conn.execute(query)]


def _suggestion_row(
    document_id: int,
    segment_id: int,
    span: tuple[int, int],
    code_id: str,
    *,
    origin: str,
    stamp: str,
    values: Mapping[str, Any],
) -> dict[str, Any]:
    """A new machine suggestion, not yet reviewed; ``values`` holds what the coder found."""
    return {
        "document_id": document_id,
        "segment_id": segment_id,
        "code_id": code_id,
        "start": span[0],
        "end": span[1],
        "status": "suggested",
        "origin": origin,
        "coder": MACHINE,
        "created_at": stamp,
        "updated_at": stamp,
        **values,
    }


def update_segment_codings(
    conn: Connection,
    *,
    spans: Mapping[int, tuple[int, int, int]],
    suggestions: Mapping[int, Sequence[CodeSuggestion]],
    codebook_hash: str,
    code_hashes: Mapping[str, str],
    pipeline_version: str,
    only_codes: Iterable[str],
    origin: str = "auto",
) -> dict[int, dict[str, int]]:
    """``replace_machine_codings`` for some segments of any documents at once, writing
    only what changed; the counts per document.

    ``spans`` maps segment id -> (document id, start, end). For each of those segments
    and each code of ``only_codes``: a new suggestion is added; a pending one is
    updated when its valence, score or evidence changed (else left as it is, version
    included) and removed when no longer suggested; one a human accepted or rejected
    is kept exactly as it is.
    """
    scope = set(only_codes)
    existing: dict[tuple[int, str], Any] = {}
    for chunk in _chunks(list(spans), 900):
        query = select(
            codings.c.id,
            codings.c.segment_id,
            codings.c.code_id,
            codings.c.status,
            codings.c.valence,
            codings.c.score,
            codings.c.evidence_json,
        ).where(and_(codings.c.segment_id.in_(chunk), codings.c.origin == origin))
        for row in conn.execute(query):
            if row.code_id in scope:
                existing[(int(row.segment_id), row.code_id)] = row
    stamp = now()
    counts: dict[int, dict[str, int]] = {
        document_id: {"added": 0, "updated": 0, "removed": 0, "kept": 0}
        for document_id, _, _ in spans.values()
    }
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    fresh: set[tuple[int, str]] = set()
    for segment_id, (document_id, start, end) in spans.items():
        for suggestion in suggestions.get(segment_id, ()):
            if suggestion.code_id not in scope:
                continue
            key = (segment_id, suggestion.code_id)
            fresh.add(key)
            values = {
                "valence": suggestion.valence,
                "score": round(float(suggestion.score), 4),
                "evidence_json": suggestion.evidence_json(),
            }
            current = existing.get(key)
            if current is None:
                inserts.append(
                    _suggestion_row(
                        document_id,
                        segment_id,
                        (start, end),
                        suggestion.code_id,
                        origin=origin,
                        stamp=stamp,
                        values={
                            "codebook_hash": codebook_hash,
                            "code_hash": code_hashes.get(suggestion.code_id, ""),
                            "pipeline_version": pipeline_version,
                            **values,
                        },
                    )
                )
                counts[document_id]["added"] += 1
            elif current.status != "suggested":
                counts[document_id]["kept"] += 1
            elif any(getattr(current, k) != v for k, v in values.items()):
                updates.append(
                    {
                        "row_id": current.id,
                        "new_codebook_hash": codebook_hash,
                        "new_code_hash": code_hashes.get(suggestion.code_id, ""),
                        "new_pipeline_version": pipeline_version,
                        "new_updated_at": stamp,
                        **{f"new_{k}": v for k, v in values.items()},
                    }
                )
                counts[document_id]["updated"] += 1
    stale: list[int] = []
    for key, row in existing.items():
        if key in fresh:
            continue
        document_id = spans[key[0]][0]
        if row.status == "suggested":
            stale.append(int(row.id))
            counts[document_id]["removed"] += 1
        else:
            counts[document_id]["kept"] += 1
    if inserts:
        conn.execute(insert(codings), inserts)
    if updates:
        # The status test is repeated in the statements: on PostgreSQL a decision
        # committed since the read above must win over the machine's change.
        conn.execute(
            update(codings)
            .where(and_(codings.c.id == bindparam("row_id"), codings.c.status == "suggested"))
            .values(
                valence=bindparam("new_valence"),
                score=bindparam("new_score"),
                evidence_json=bindparam("new_evidence_json"),
                codebook_hash=bindparam("new_codebook_hash"),
                code_hash=bindparam("new_code_hash"),
                pipeline_version=bindparam("new_pipeline_version"),
                updated_at=bindparam("new_updated_at"),
                version=codings.c.version + 1,
            ),
            updates,
        )
    for chunk in _chunks(stale, 900):
        conn.execute(
            delete(codings).where(and_(codings.c.id.in_(chunk), codings.c.status == "suggested"))
        )
    return counts


def _chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# --------------------------------------------------------------------------- codings


def _evidence_from_json(text: str) -> tuple[Evidence, ...]:
    try:
        return tuple(Evidence(**item) for item in json.loads(text or "[]"))
    except (TypeError, ValueError):
        return ()


def _coding(row: Any) -> StoredCoding:
    return StoredCoding(
        id=row.id,
        document_id=row.document_id,
        segment_id=row.segment_id,
        code_id=row.code_id,
        start=row.start,
        end=row.end,
        valence=row.valence,
        score=row.score,
        status=row.status,
        origin=row.origin,
        coder=row.coder,
        evidence=_evidence_from_json(row.evidence_json),
        codebook_hash=row.codebook_hash,
        pipeline_version=row.pipeline_version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def list_codings(conn: Connection, document_id: int | None = None) -> list[StoredCoding]:
    query = select(codings).order_by(codings.c.document_id, codings.c.start, codings.c.id)
    if document_id is not None:
        query = query.where(codings.c.document_id == document_id)
    return [_coding(row) for row in conn.execute(query)]


def coding_rows(conn: Connection, *, evidence: bool = True) -> dict[str, list[Any]]:
    """Codings in reading order, column by column, with their segment's index
    (``segment_index``, None without a segment) and their code's ``code_name``,
    ``framework`` and ``parent`` (the code id and "" for a code not in the codebook).
    Like ``segment_rows`` it leaves the document's metadata and text to the service;
    the codes are looked up from one small query instead of a join.
    ``evidence=False`` leaves out ``evidence_json``, the largest column."""
    columns = [
        codings.c.id.label("coding_id"),
        codings.c.document_id,
        codings.c.segment_id,
        segments.c.idx.label("segment_index"),
        codings.c.start,
        codings.c.end,
        codings.c.code_id,
        codings.c.valence,
        codings.c.score,
        codings.c.status,
        codings.c.origin,
        codings.c.coder,
        codings.c.evidence_json,
        codings.c.version,
        codings.c.updated_at,
    ]
    if not evidence:
        columns = [c for c in columns if c is not codings.c.evidence_json]
    query = (
        select(*columns)
        .outerjoin(segments, segments.c.id == codings.c.segment_id)
        .order_by(codings.c.document_id, codings.c.start, codings.c.id)
    )
    out = _columns(conn.execute(query))
    known = {
        row.id: (row.name, row.framework or "", row.parent or "")
        for row in conn.execute(select(codes.c.id, codes.c.name, codes.c.framework, codes.c.parent))
    }
    about = [known.get(c) or (c, "", "") for c in out["code_id"]]
    for at, name in enumerate(("code_name", "framework", "parent")):
        out[name] = [a[at] for a in about]
    return out


def coded_units(conn: Connection) -> list[tuple[str, int | None, int, int]]:
    """(code id, segment id, document id, start) of every coding not rejected, each
    combination once: what a code covers, without reading the codings' text."""
    query = (
        select(codings.c.code_id, codings.c.segment_id, codings.c.document_id, codings.c.start)
        .where(codings.c.status != "rejected")
        .distinct()
    )
    return [(str(c), s, int(d), int(b)) for c, s, d, b in conn.execute(query)]


def coding_evidence(conn: Connection, coding_id: int) -> str | None:
    """A coding's ``evidence_json``, None when there is no such coding."""
    query = select(codings.c.evidence_json).where(codings.c.id == coding_id)
    value = conn.execute(query).scalar()
    return None if value is None else str(value)


def document_texts(conn: Connection, document_ids: Iterable[int] | None = None) -> dict[int, str]:
    """Every document's text (or those of ``document_ids``) by id, to cut the text of
    segments and codings from."""
    query = select(documents.c.id, documents.c.text)
    if document_ids is None:
        return {int(i): str(text) for i, text in conn.execute(query)}
    wanted = sorted({int(i) for i in document_ids})
    return {
        int(i): str(text)
        for chunk in _chunks(wanted, 900)
        for i, text in conn.execute(query.where(documents.c.id.in_(chunk)))
    }


def get_coding(conn: Connection, coding_id: int, *, for_update: bool = False) -> Any:
    """The coding's row. ``for_update`` locks it until the transaction ends (PostgreSQL;
    SQLite writers already hold the whole database), so that a version check and the
    update that follows it cannot interleave with another writer's."""
    query = select(codings).where(codings.c.id == coding_id)
    if for_update:
        query = query.with_for_update()
    row = conn.execute(query).first()
    if row is None:
        raise ProjectError(f"no coding {coding_id} in this project")
    return row


_DECISION_FIELDS = ("code_id", "valence", "status", "coder", "start", "end")


def _decision_state(row: Any) -> dict[str, Any]:
    return {key: getattr(row, key) for key in _DECISION_FIELDS}


def replace_machine_codings(
    conn: Connection,
    *,
    document_id: int,
    segment_ids: Sequence[int],
    suggestions: Mapping[int, Sequence[CodeSuggestion]],
    spans: Mapping[int, tuple[int, int]],
    codebook_hash: str,
    code_hashes: Mapping[str, str],
    pipeline_version: str,
    only_codes: Iterable[str] | None = None,
    origin: str = "auto",
) -> dict[str, int]:
    """Bring a document's machine suggestions up to date, leaving human decisions alone.

    For each (segment, code) in scope: an unreviewed suggestion is updated or
    removed; one a human accepted or rejected is kept exactly as it is.
    """
    scope = None if only_codes is None else set(only_codes)
    existing: dict[tuple[int, str], Any] = {}
    query = select(codings).where(
        and_(codings.c.document_id == document_id, codings.c.origin == origin)
    )
    for row in conn.execute(query):
        if scope is None or row.code_id in scope:
            existing[(row.segment_id, row.code_id)] = row
    stamp = now()
    counts = {"added": 0, "updated": 0, "removed": 0, "kept": 0}
    fresh: set[tuple[int, str]] = set()
    inserts: list[dict[str, Any]] = []
    for segment_id in segment_ids:
        start, end = spans[segment_id]
        for suggestion in suggestions.get(segment_id, ()):
            if scope is not None and suggestion.code_id not in scope:
                continue
            key = (segment_id, suggestion.code_id)
            fresh.add(key)
            values = {
                "valence": suggestion.valence,
                "score": round(float(suggestion.score), 4),
                "evidence_json": suggestion.evidence_json(),
                "codebook_hash": codebook_hash,
                "code_hash": code_hashes.get(suggestion.code_id, ""),
                "pipeline_version": pipeline_version,
            }
            current = existing.get(key)
            if current is None:
                inserts.append(
                    _suggestion_row(
                        document_id,
                        segment_id,
                        (start, end),
                        suggestion.code_id,
                        origin=origin,
                        stamp=stamp,
                        values=values,
                    )
                )
            elif current.status == "suggested":
                # The status test is repeated in the statement: on PostgreSQL a decision
                # committed since the read above must win over the machine's update.
                conn.execute(
                    update(codings)
                    .where(and_(codings.c.id == current.id, codings.c.status == "suggested"))
                    .values(**values, updated_at=stamp, version=codings.c.version + 1)
                )
                counts["updated"] += 1
            else:
                counts["kept"] += 1
    if inserts:
        _insert_many(conn, codings, inserts)
        counts["added"] = len(inserts)
    in_scope = set(segment_ids)
    stale = [
        row.id
        for key, row in existing.items()
        if key not in fresh and key[0] in in_scope and row.status == "suggested"
    ]
    for chunk in _chunks(stale, 900):
        conn.execute(
            delete(codings).where(and_(codings.c.id.in_(chunk), codings.c.status == "suggested"))
        )
    counts["removed"] = len(stale)
    counts["kept"] += sum(
        1 for key, row in existing.items() if key not in fresh and row.status != "suggested"
    )
    return counts


def _check_version(row: Any, expected_version: int | None) -> None:
    if expected_version is not None and row.version != expected_version:
        raise _conflict(row)


def _conflict(row: Any) -> ConflictError:
    return ConflictError(
        f"coding {row.id} was changed elsewhere (now {row.status}, "
        f"code '{row.code_id}', by {row.coder or 'unknown'} at {row.updated_at}); "
        "reload to see it"
    )


def decide(
    conn: Connection,
    coding_id: int,
    *,
    actor: str,
    status: str | None = None,
    code_id: str | None = None,
    valence: str | None = None,
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Record a human decision on a coding: accept, reject, change code or valence."""
    row = get_coding(conn, coding_id, for_update=True)
    _check_version(row, expected_version)
    before = _decision_state(row)
    changes: dict[str, Any] = {"coder": actor}
    if status is not None:
        changes["status"] = status
    if code_id is not None and code_id != row.code_id:
        _require_code(conn, code_id)
        _require_no_twin(conn, row, code_id)
        changes["code_id"] = code_id
        # A corrected code is the researcher's own judgement.
        changes.setdefault("status", "accepted" if row.status == "suggested" else row.status)
    if valence is not None:
        changes["valence"] = valence
        if row.status == "suggested" and status is None:
            changes["status"] = "accepted"
    done = conn.execute(
        update(codings)
        .where(and_(codings.c.id == coding_id, codings.c.version == row.version))
        .values(**changes, updated_at=now(), version=codings.c.version + 1)
    )
    if done.rowcount != 1:  # changed between the read and this update
        raise _conflict(get_coding(conn, coding_id))
    after = {**before, **changes}
    audit(
        conn,
        actor=actor,
        action="decide",
        entity="coding",
        entity_id=coding_id,
        before=before,
        after=after,
    )
    return after


def _require_no_twin(conn: Connection, row: Any, code_id: str) -> None:
    """A machine coding cannot take a code the machine already gave the same segment
    (one suggestion per segment, code and origin): say which coding to decide on."""
    if row.origin not in ("auto", "suggester") or row.segment_id is None:
        return
    twin = conn.execute(
        select(codings.c.id, codings.c.status).where(
            and_(
                codings.c.segment_id == row.segment_id,
                codings.c.code_id == code_id,
                codings.c.origin == row.origin,
            )
        )
    ).first()
    if twin is not None:
        raise ProjectError(
            f"cannot change coding {row.id} to code '{code_id}': the same segment already "
            f"has coding {twin.id} with that code ({twin.status}); accept coding {twin.id} "
            f"and reject coding {row.id} instead"
        )


def _require_code(conn: Connection, code_id: str) -> None:
    if not conn.execute(select(codes.c.id).where(codes.c.id == code_id)).first():
        raise ProjectError(f"unknown code '{code_id}'", code_id=code_id)


def add_manual_coding(
    conn: Connection,
    *,
    document_id: int,
    start: int,
    end: int,
    code_id: str,
    valence: str,
    actor: str,
    segment_id: int | None = None,
    codebook_hash: str = "",
    origin: str = "human",
    status: str = "manual",
    coder: str | None = None,
) -> int:
    """A human coding of any span (or one imported from another tool's project)."""
    doc = conn.execute(select(documents.c.n_chars).where(documents.c.id == document_id)).first()
    if doc is None:
        raise ProjectError(f"no document {document_id} in this project")
    if not (0 <= start < end <= doc.n_chars):
        raise ProjectError(
            f"span {start}-{end} is outside document {document_id} (0-{doc.n_chars})"
        )
    _require_code(conn, code_id)
    if segment_id is None:
        segment_id = _segment_containing(conn, document_id, start, end)
    stamp = now()
    result = conn.execute(
        insert(codings).values(
            document_id=document_id,
            segment_id=segment_id,
            code_id=code_id,
            start=start,
            end=end,
            valence=valence,
            score=1.0,
            status=status,
            origin=origin,
            coder=coder or actor,
            codebook_hash=codebook_hash,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    coding_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    state = _decision_state(get_coding(conn, coding_id))
    audit(conn, actor=actor, action="add", entity="coding", entity_id=coding_id, after=state)
    return coding_id


def _segment_containing(conn: Connection, document_id: int, start: int, end: int) -> int | None:
    query = (
        select(segments.c.id)
        .where(
            and_(
                segments.c.document_id == document_id,
                segments.c.start <= start,
                segments.c.end >= end,
            )
        )
        .limit(1)
    )
    value = conn.execute(query).scalar()
    return None if value is None else int(value)


def delete_coding(conn: Connection, coding_id: int, *, actor: str) -> None:
    row = get_coding(conn, coding_id, for_update=True)
    if row.origin not in ("human", "import"):
        raise ProjectError(
            f"coding {coding_id} is a machine suggestion: reject it rather than delete it"
        )
    before = {
        **_decision_state(row),
        "document_id": row.document_id,
        "segment_id": row.segment_id,
        "origin": row.origin,
        "created_at": row.created_at,
    }
    conn.execute(delete(codings).where(codings.c.id == coding_id))
    audit(conn, actor=actor, action="delete", entity="coding", entity_id=coding_id, before=before)


def undo_last(conn: Connection, *, actor: str) -> dict[str, Any] | None:
    """Revert the actor's most recent coding decision that is not yet undone.

    When someone changed the coding after that decision, undoing it would overwrite
    their work: the decision is then left as it is, the refusal is written to the
    audit log (action ``undo-refused``, so the next undo moves on to the decision
    before it) and the result carries a ``conflict`` message instead of ``restored``.
    """
    undone = select(audit_log.c.undoes).where(audit_log.c.undoes.is_not(None))
    query = (
        select(audit_log)
        .where(
            and_(
                audit_log.c.actor == actor,
                audit_log.c.entity == "coding",
                audit_log.c.action.in_(("decide", "add", "delete")),
                audit_log.c.id.not_in(undone),
            )
        )
        .order_by(audit_log.c.id.desc())
        .limit(1)
    )
    entry = conn.execute(query).first()
    if entry is None:
        return None
    coding_id = int(entry.entity_id)
    before = json.loads(entry.before_json) if entry.before_json else None
    after = json.loads(entry.after_json) if entry.after_json else None
    result: dict[str, Any] = {
        "coding_id": coding_id,
        "action": entry.action,
        "entry_id": int(entry.id),
        "ts": entry.ts,
        "undone": after,
        "restored": before,
    }
    current = conn.execute(
        select(codings).where(codings.c.id == coding_id).with_for_update()
    ).first()
    conflict = _undo_conflict(conn, entry.action, coding_id, current, before, after)
    if conflict is not None:
        audit(
            conn,
            actor=actor,
            action="undo-refused",
            entity="coding",
            entity_id=coding_id,
            before=after,
            after=None if current is None else _decision_state(current),
            undoes=int(entry.id),
        )
        return {**result, "restored": None, "conflict": conflict}
    if entry.action == "add":
        conn.execute(delete(codings).where(codings.c.id == coding_id))
    elif entry.action == "delete" and before is not None:
        conn.execute(
            insert(codings).values(
                id=coding_id,
                updated_at=now(),
                score=1.0,
                **{k: v for k, v in before.items()},
            )
        )
    elif before is not None:
        conn.execute(
            update(codings)
            .where(codings.c.id == coding_id)
            .values(**before, updated_at=now(), version=codings.c.version + 1)
        )
    audit(
        conn,
        actor=actor,
        action="undo",
        entity="coding",
        entity_id=coding_id,
        before=after,
        after=before,
        undoes=int(entry.id),
    )
    return result


def _undo_conflict(
    conn: Connection,
    action: str,
    coding_id: int,
    current: Any,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> str | None:
    """Why undoing this entry would lose someone's later work, or None."""
    if action == "delete":
        if current is not None:
            return (
                f"coding {coding_id} exists again (by {current.coder or 'unknown'} at "
                f"{current.updated_at}); your deletion was not undone"
            )
        document_id = (before or {}).get("document_id")
        exists = conn.execute(select(documents.c.id).where(documents.c.id == document_id)).first()
        if exists is None:
            return (
                f"the document of coding {coding_id} was deleted since; "
                "your deletion was not undone"
            )
        return None
    if current is None:
        return f"coding {coding_id} was deleted since; your {action} was not undone"
    state = _decision_state(current)
    if after is not None and any(
        key in after and after[key] != state[key] for key in _DECISION_FIELDS
    ):
        return (
            f"coding {coding_id} was changed by {current.coder or 'unknown'} at "
            f"{current.updated_at} after your {action} (now {current.status}, code "
            f"'{current.code_id}', {current.valence}); undoing would overwrite it, so it "
            "was left as it is"
        )
    return None


# --------------------------------------------------------------------------- memos


def _memo(row: Any) -> Memo:
    return Memo(
        id=row.id,
        target_type=row.target_type,
        target_id=row.target_id,
        text=row.text,
        title=row.title,
        author=row.author,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def save_memo(
    conn: Connection,
    *,
    target_type: str,
    target_id: str,
    text: str,
    actor: str,
    title: str = "",
    memo_id: int | None = None,
) -> int:
    stamp = now()
    if memo_id is None:
        result = conn.execute(
            insert(memos).values(
                target_type=target_type,
                target_id=str(target_id),
                title=title,
                text=text,
                author=actor,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        memo_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        audit(
            conn,
            actor=actor,
            action="add",
            entity="memo",
            entity_id=memo_id,
            after={"title": title, "text": text},
        )
        return memo_id
    row = conn.execute(select(memos).where(memos.c.id == memo_id)).first()
    if row is None:
        raise ProjectError(f"no memo {memo_id}")
    conn.execute(
        update(memos)
        .where(memos.c.id == memo_id)
        .values(text=text, title=title, updated_at=stamp, version=memos.c.version + 1)
    )
    audit(
        conn,
        actor=actor,
        action="edit",
        entity="memo",
        entity_id=memo_id,
        before={"title": row.title, "text": row.text},
        after={"title": title, "text": text},
    )
    return memo_id


def delete_memo(conn: Connection, memo_id: int, *, actor: str) -> None:
    row = conn.execute(select(memos).where(memos.c.id == memo_id)).first()
    if row is None:
        raise ProjectError(f"no memo {memo_id}")
    conn.execute(delete(memos).where(memos.c.id == memo_id))
    audit(
        conn,
        actor=actor,
        action="delete",
        entity="memo",
        entity_id=memo_id,
        before={
            "target_type": row.target_type,
            "target_id": row.target_id,
            "title": row.title,
            "text": row.text,
        },
    )


def list_memos(
    conn: Connection, *, target_type: str | None = None, target_id: str | None = None
) -> list[Memo]:
    query = select(memos).order_by(memos.c.id)
    if target_type is not None:
        query = query.where(memos.c.target_type == target_type)
    if target_id is not None:
        query = query.where(memos.c.target_id == str(target_id))
    return [_memo(row) for row in conn.execute(query)]


# --------------------------------------------------------------------------- conclusions


def save_conclusion(
    conn: Connection,
    *,
    text: str,
    code_ids: Sequence[str],
    supporting: Sequence[int],
    contradicting: Sequence[int],
    actor: str,
    conclusion_id: int | None = None,
) -> int:
    stamp = now()
    if conclusion_id is None:
        result = conn.execute(
            insert(conclusions).values(
                text=text,
                code_ids_json=json.dumps(list(code_ids)),
                author=actor,
                created_at=stamp,
                updated_at=stamp,
            )
        )
        conclusion_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        action = "add"
    else:
        found = conn.execute(
            update(conclusions)
            .where(conclusions.c.id == conclusion_id)
            .values(
                text=text,
                code_ids_json=json.dumps(list(code_ids)),
                updated_at=stamp,
                version=conclusions.c.version + 1,
            )
        )
        if found.rowcount == 0:
            raise ProjectError(f"no conclusion {conclusion_id}")
        conn.execute(
            delete(conclusion_evidence).where(conclusion_evidence.c.conclusion_id == conclusion_id)
        )
        action = "edit"
    rows = [
        {"conclusion_id": conclusion_id, "segment_id": sid, "stance": "supports"}
        for sid in dict.fromkeys(supporting)
    ] + [
        {"conclusion_id": conclusion_id, "segment_id": sid, "stance": "contradicts"}
        for sid in dict.fromkeys(contradicting)
    ]
    if rows:
        conn.execute(insert(conclusion_evidence), rows)
    audit(
        conn,
        actor=actor,
        action=action,
        entity="conclusion",
        entity_id=conclusion_id,
        after={
            "text": text,
            "codes": list(code_ids),
            "supports": list(supporting),
            "contradicts": list(contradicting),
        },
    )
    return conclusion_id


def delete_conclusion(conn: Connection, conclusion_id: int, *, actor: str) -> None:
    conn.execute(delete(conclusions).where(conclusions.c.id == conclusion_id))
    audit(conn, actor=actor, action="delete", entity="conclusion", entity_id=conclusion_id)


def list_conclusions(conn: Connection) -> list[Conclusion]:
    evidence: dict[int, dict[str, list[int]]] = {}
    for row in conn.execute(select(conclusion_evidence)):
        evidence.setdefault(row.conclusion_id, {"supports": [], "contradicts": []})[
            row.stance
        ].append(int(row.segment_id))
    out = []
    for row in conn.execute(select(conclusions).order_by(conclusions.c.id)):
        ev = evidence.get(row.id, {"supports": [], "contradicts": []})
        out.append(
            Conclusion(
                id=row.id,
                text=row.text,
                code_ids=tuple(json.loads(row.code_ids_json or "[]")),
                supporting_segment_ids=tuple(sorted(ev["supports"])),
                contradicting_segment_ids=tuple(sorted(ev["contradicts"])),
                author=row.author,
                created_at=row.created_at,
                updated_at=row.updated_at,
            )
        )
    return out


# --------------------------------------------------------------------------- counts


def counts(conn: Connection) -> dict[str, int]:
    return {
        "documents": int(conn.execute(select(func.count()).select_from(documents)).scalar() or 0),
        "segments": int(conn.execute(select(func.count()).select_from(segments)).scalar() or 0),
        "codings": int(conn.execute(select(func.count()).select_from(codings)).scalar() or 0),
        "memos": int(conn.execute(select(func.count()).select_from(memos)).scalar() or 0),
    }


def review_counts(conn: Connection) -> dict[str, int]:
    """What the app's sidebar shows, counted by the database: documents, informants
    (distinct, non-empty) and, under each status that has codings, their number."""
    n_documents = conn.execute(select(func.count()).select_from(documents)).scalar()
    n_informants = conn.execute(
        select(func.count(documents.c.informant.distinct())).where(documents.c.informant != "")
    ).scalar()
    out = {"documents": int(n_documents or 0), "informants": int(n_informants or 0)}
    by_status = select(codings.c.status, func.count()).group_by(codings.c.status)
    for status, n in conn.execute(by_status):
        out[str(status)] = int(n)
    return out


def current_codes(conn: Connection) -> list[Code]:
    rows = conn.execute(select(codes).order_by(codes.c.position))
    return [
        Code(
            id=row.id,
            name=row.name,
            name_en=row.name_en,
            framework=row.framework,
            parent=row.parent,
            colour=row.colour,
            codable=bool(row.codable),
        )
        for row in rows
    ]


# --------------------------------------------------------------------------- coding state


def coded_code_ids(conn: Connection) -> set[str]:
    """The code ids that have codings (read from their index)."""
    return {str(v) for v in conn.execute(select(codings.c.code_id).distinct()).scalars()}


def coding_states(conn: Connection) -> dict[int, dict[str, str]]:
    rows = conn.execute(select(documents.c.id, documents.c.coding_state))
    return {int(r.id): json.loads(r.coding_state or "{}") for r in rows}


def set_coding_state(
    conn: Connection, document_id: int | Sequence[int], state: Mapping[str, str]
) -> None:
    """Record the state a document (or several, in one statement) was coded to."""
    ids = [document_id] if isinstance(document_id, int) else list(document_id)
    value = json.dumps(dict(state), sort_keys=True)
    for chunk in _chunks(ids, 900):
        conn.execute(update(documents).where(documents.c.id.in_(chunk)).values(coding_state=value))


def remove_codings_for_unknown_codes(conn: Connection, known: Iterable[str]) -> int:
    """Drop unreviewed suggestions of codes no longer in the codebook."""
    result = conn.execute(
        delete(codings).where(
            and_(
                codings.c.code_id.not_in(list(known)),
                codings.c.status == "suggested",
            )
        )
    )
    return int(result.rowcount or 0)
