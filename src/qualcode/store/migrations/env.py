"""Alembic environment: runs migrations on the connection qualcode hands it."""

from __future__ import annotations

from alembic import context

from qualcode.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - qualcode always passes a connection
    raise RuntimeError("qualcode migrations must be run through qualcode.store")

# render_as_batch lets later migrations alter tables on SQLite (copy-and-move).
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
