"""initial schema

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27 21:14:43.670818
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ts", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Text(), nullable=False),
        sa.Column("before_json", sa.Text(), nullable=True),
        sa.Column("after_json", sa.Text(), nullable=True),
        sa.Column("undoes", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "codebook_versions",
        sa.Column("hash", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("version", sa.Text(), nullable=False),
        sa.Column("yaml", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("hash"),
    )
    op.create_table(
        "codes",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), server_default="", nullable=False),
        sa.Column("framework", sa.Text(), server_default="", nullable=False),
        sa.Column("parent", sa.String(length=100), nullable=True),
        sa.Column("colour", sa.String(length=16), server_default="#999999", nullable=False),
        sa.Column("codable", sa.Integer(), server_default="1", nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "conclusions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code_ids_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("author", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("n_chars", sa.Integer(), nullable=False),
        sa.Column("source_type", sa.String(length=16), nullable=False),
        sa.Column("informant", sa.Text(), server_default="", nullable=False),
        sa.Column("role", sa.Text(), server_default="", nullable=False),
        sa.Column("date", sa.String(length=32), server_default="", nullable=False),
        sa.Column("place", sa.Text(), server_default="", nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("format", sa.String(length=16), server_default="txt", nullable=False),
        sa.Column("path", sa.Text(), server_default="", nullable=False),
        sa.Column("metadata_json", sa.Text(), server_default="{}", nullable=False),
        sa.Column("imported_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("coding_state", sa.Text(), server_default="{}", nullable=False),
        sa.CheckConstraint(
            "source_type IN ('interview', 'observation', 'document')",
            name="ck_documents_source_type",
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("target_type", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "target_type IN ('project', 'document', 'segment', 'code', 'coding', 'conclusion')",
            name="ck_memos_target",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.create_index("ix_memos_target", ["target_type", "target_id"], unique=False)

    op.create_table(
        "project_info",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "segments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("speaker", sa.Text(), server_default="", nullable=False),
        sa.Column("speaker_role", sa.String(length=16), server_default="other", nullable=False),
        sa.Column("codable", sa.Integer(), server_default="1", nullable=False),
        sa.Column("timestamp", sa.String(length=16), server_default="", nullable=False),
        sa.Column("turn", sa.Integer(), server_default="-1", nullable=False),
        sa.CheckConstraint('start >= 0 AND "end" > start', name="ck_segments_span"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("document_id", "idx", name="uq_segments_document_idx"),
    )
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.create_index("ix_segments_document", ["document_id"], unique=False)

    op.create_table(
        "codings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=True),
        sa.Column("code_id", sa.String(length=100), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("valence", sa.String(length=16), server_default="netral", nullable=False),
        sa.Column("score", sa.Float(), server_default="1.0", nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("coder", sa.Text(), server_default="", nullable=False),
        sa.Column("evidence_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("codebook_hash", sa.String(length=32), server_default="", nullable=False),
        sa.Column("code_hash", sa.String(length=64), server_default="", nullable=False),
        sa.Column("pipeline_version", sa.String(length=32), server_default="", nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.CheckConstraint(
            "origin IN ('auto', 'suggester', 'human', 'import')", name="ck_codings_origin"
        ),
        sa.CheckConstraint(
            "status IN ('suggested', 'accepted', 'rejected', 'manual')", name="ck_codings_status"
        ),
        sa.CheckConstraint(
            "valence IN ('pendukung', 'penghambat', 'netral')", name="ck_codings_valence"
        ),
        sa.CheckConstraint('start >= 0 AND "end" > start', name="ck_codings_span"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.create_index("ix_codings_code", ["code_id"], unique=False)
        batch_op.create_index("ix_codings_document", ["document_id"], unique=False)
        batch_op.create_index(
            "ux_codings_machine",
            ["segment_id", "code_id", "origin"],
            unique=True,
            sqlite_where=sa.text("origin IN ('auto', 'suggester')"),
            postgresql_where=sa.text("origin IN ('auto', 'suggester')"),
        )

    op.create_table(
        "conclusion_evidence",
        sa.Column("conclusion_id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("stance", sa.String(length=16), nullable=False),
        sa.CheckConstraint("stance IN ('supports', 'contradicts')", name="ck_evidence_stance"),
        sa.ForeignKeyConstraint(["conclusion_id"], ["conclusions.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("conclusion_id", "segment_id", "stance"),
    )
    op.create_table(
        "segment_analysis",
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("pipeline_version", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["segment_id"], ["segments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("segment_id"),
    )
    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    """The audit log is evidence for an examiner: refuse UPDATE and DELETE on it."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION qualcode_audit_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION qualcode_audit_append_only()"
        )


def downgrade() -> None:
    op.drop_table("segment_analysis")
    op.drop_table("conclusion_evidence")
    with op.batch_alter_table("codings", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_codings_machine",
            sqlite_where=sa.text("origin IN ('auto', 'suggester')"),
            postgresql_where=sa.text("origin IN ('auto', 'suggester')"),
        )
        batch_op.drop_index("ix_codings_document")
        batch_op.drop_index("ix_codings_code")

    op.drop_table("codings")
    with op.batch_alter_table("segments", schema=None) as batch_op:
        batch_op.drop_index("ix_segments_document")

    op.drop_table("segments")
    op.drop_table("project_info")
    with op.batch_alter_table("memos", schema=None) as batch_op:
        batch_op.drop_index("ix_memos_target")

    op.drop_table("memos")
    op.drop_table("documents")
    op.drop_table("conclusions")
    op.drop_table("codes")
    op.drop_table("codebook_versions")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entity")

    op.drop_table("audit_log")
