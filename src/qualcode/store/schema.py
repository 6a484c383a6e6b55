"""The project database: SQLAlchemy Core tables.

This module is the single description of the schema. Alembic migrations in
``store/migrations/versions`` create and change it; tests compare the two so they
cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# key/value facts about the project: name, created_at, codebook_hash ...
project_info = Table(
    "project_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# Every codebook the project has used, so any coding can be traced to its codebook.
codebook_versions = Table(
    "codebook_versions",
    metadata,
    Column("hash", String(32), primary_key=True),
    Column("name", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("yaml", Text, nullable=False),
    Column("author", Text, nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
)

# The current codebook's codes, denormalised so that queries can join on them.
codes = Table(
    "codes",
    metadata,
    Column("id", String(100), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("name_en", Text, nullable=False, server_default=""),
    Column("framework", Text, nullable=False, server_default=""),
    Column("parent", String(100), nullable=True),
    Column("colour", String(16), nullable=False, server_default="#999999"),
    Column("codable", Integer, nullable=False, server_default="1"),
    Column("content_hash", String(64), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("n_chars", Integer, nullable=False),
    Column("source_type", String(16), nullable=False),
    Column("informant", Text, nullable=False, server_default=""),
    Column("role", Text, nullable=False, server_default=""),
    Column("date", String(32), nullable=False, server_default=""),
    Column("place", Text, nullable=False, server_default=""),
    Column("title", Text, nullable=False, server_default=""),
    Column("format", String(16), nullable=False, server_default="txt"),
    Column("path", Text, nullable=False, server_default=""),
    Column("metadata_json", Text, nullable=False, server_default="{}"),
    Column("imported_at", String(32), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    # JSON {code_id: code content hash, "": pipeline version} of the last auto-coding
    # run, so a codebook edit re-codes only the codes that changed.
    Column("coding_state", Text, nullable=False, server_default="{}"),
    CheckConstraint(
        "source_type IN ('interview', 'observation', 'document')", name="ck_documents_source_type"
    ),
)

segments = Table(
    "segments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("speaker", Text, nullable=False, server_default=""),
    Column("speaker_role", String(16), nullable=False, server_default="other"),
    Column("codable", Integer, nullable=False, server_default="1"),
    Column("timestamp", String(16), nullable=False, server_default=""),
    Column("turn", Integer, nullable=False, server_default="-1"),
    UniqueConstraint("document_id", "idx", name="uq_segments_document_idx"),
    CheckConstraint('start >= 0 AND "end" > start', name="ck_segments_span"),
)

# Language analysis of a segment (tokens and root forms), kept so that a codebook
# edit re-matches without re-running the NLP pipeline. ``pipeline_version`` holds the
# analysis version (``nlp.analyze.ANALYSIS_VERSION``): a new coder keeps the cache.
segment_analysis = Table(
    "segment_analysis",
    metadata,
    Column("segment_id", Integer, ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True),
    Column("pipeline_version", String(32), nullable=False),
    Column("data", LargeBinary, nullable=False),
)

# The distinct root words of each analysed codable segment (space-separated), so that
# after a keyword edit the segments the term can match are found without decoding
# every analysis. Apart from the blob table: SQLite reads a row's columns in order.
segment_roots = Table(
    "segment_roots",
    metadata,
    Column("segment_id", Integer, ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True),
    Column("analysis_version", String(32), nullable=False),
    Column("roots", Text, nullable=False),
)

codings = Table(
    "codings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("segment_id", Integer, ForeignKey("segments.id", ondelete="CASCADE"), nullable=True),
    Column("code_id", String(100), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("valence", String(16), nullable=False, server_default="netral"),
    Column("score", Float, nullable=False, server_default="1.0"),
    Column("status", String(16), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("coder", Text, nullable=False, server_default=""),
    Column("evidence_json", Text, nullable=False, server_default="[]"),
    Column("codebook_hash", String(32), nullable=False, server_default=""),
    Column("code_hash", String(64), nullable=False, server_default=""),
    Column("pipeline_version", String(32), nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    # Incremented on every change; a writer that read an older version gets a conflict.
    Column("version", Integer, nullable=False, server_default="1"),
    CheckConstraint(
        "status IN ('suggested', 'accepted', 'rejected', 'manual')", name="ck_codings_status"
    ),
    CheckConstraint("origin IN ('auto', 'suggester', 'human', 'import')", name="ck_codings_origin"),
    CheckConstraint("valence IN ('pendukung', 'penghambat', 'netral')", name="ck_codings_valence"),
    CheckConstraint('start >= 0 AND "end" > start', name="ck_codings_span"),
)
# One machine suggestion per segment, code and origin: re-running never duplicates.
Index(
    "ux_codings_machine",
    codings.c.segment_id,
    codings.c.code_id,
    codings.c.origin,
    unique=True,
    sqlite_where=text("origin IN ('auto', 'suggester')"),
    postgresql_where=text("origin IN ('auto', 'suggester')"),
)
Index("ix_codings_document", codings.c.document_id)
Index("ix_codings_code", codings.c.code_id)
Index("ix_segments_document", segments.c.document_id)

memos = Table(
    "memos",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("target_type", String(16), nullable=False),
    Column("target_id", Text, nullable=False),
    Column("title", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False),
    Column("author", Text, nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
    CheckConstraint(
        "target_type IN ('project', 'document', 'segment', 'code', 'coding', 'conclusion')",
        name="ck_memos_target",
    ),
)
Index("ix_memos_target", memos.c.target_type, memos.c.target_id)

conclusions = Table(
    "conclusions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("text", Text, nullable=False),
    Column("code_ids_json", Text, nullable=False, server_default="[]"),
    Column("author", Text, nullable=False, server_default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("version", Integer, nullable=False, server_default="1"),
)

conclusion_evidence = Table(
    "conclusion_evidence",
    metadata,
    Column(
        "conclusion_id",
        Integer,
        ForeignKey("conclusions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("segment_id", Integer, ForeignKey("segments.id", ondelete="CASCADE"), primary_key=True),
    Column("stance", String(16), primary_key=True),
    CheckConstraint("stance IN ('supports', 'contradicts')", name="ck_evidence_stance"),
)

# Append-only record of every decision: who changed what, when, from what to what.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", String(32), nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", String(32), nullable=False),
    Column("entity", String(16), nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("before_json", Text, nullable=True),
    Column("after_json", Text, nullable=True),
    # The audit row this one reverts, for undo.
    Column("undoes", Integer, nullable=True),
)
Index("ix_audit_entity", audit_log.c.entity, audit_log.c.entity_id)
