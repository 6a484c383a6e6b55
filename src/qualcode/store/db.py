"""Opening a project database: engine, SQLite pragmas, migrations, transactions.

A project is one SQLite file (``study.qualcode``) or, for teams, a PostgreSQL URL.
Every change goes through ``Database.write()``, one transaction that either lands
whole or not at all.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import DatabaseError, OperationalError

from qualcode.errors import ProjectError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# How long a writer waits for another writer (second app window, CLI) before failing.
BUSY_TIMEOUT_MS = int(os.environ.get("QUALCODE_BUSY_TIMEOUT_MS", "15000"))


def project_url(project: str | os.PathLike[str]) -> str:
    """Turn a project argument (file path or database URL) into an SQLAlchemy URL."""
    text = os.fspath(project)
    if "://" in text:
        if text.startswith("postgres://"):
            text = "postgresql://" + text[len("postgres://") :]
        if text.startswith("postgresql://"):
            text = "postgresql+psycopg://" + text[len("postgresql://") :]
        return text
    return "sqlite:///" + str(Path(text).expanduser().resolve())


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # NORMAL is crash-safe in WAL mode: a committed transaction survives a process kill.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    # A writer takes the lock at BEGIN, so two writers queue (busy_timeout) instead of
    # failing half-way; readers take a snapshot without blocking anyone.
    if connection.info.get("qualcode_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql("BEGIN")


def _is_busy(exc: OperationalError) -> bool:
    """True when SQLite gave up waiting for another connection's lock."""
    text = str(exc.orig).lower()
    return isinstance(exc.orig, sqlite3.OperationalError) and (
        "database is locked" in text or "database is busy" in text
    )


class Database:
    """A connection pool to one project database, migrated to the current schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"

    @classmethod
    def open(cls, project: str | os.PathLike[str], *, create: bool = False) -> Database:
        url = project_url(project)
        is_sqlite = url.startswith("sqlite")
        if is_sqlite:
            path = Path(url[len("sqlite:///") :])
            if not create and not path.exists():
                raise ProjectError(
                    "no project here; create one with `qualcode init --project "
                    f"{os.fspath(project)}`",
                    path=str(path),
                )
            if create:
                path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
            event.listen(engine, "connect", _on_sqlite_connect)
            event.listen(engine, "begin", _on_sqlite_begin)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        db = cls(engine)
        try:
            db._check_and_migrate(create=create, where=os.fspath(project))
        except (DatabaseError, OperationalError) as exc:
            engine.dispose()
            raise ProjectError(
                f"cannot open the project database ({exc.orig})", path=os.fspath(project)
            ) from exc
        except Exception:
            engine.dispose()
            raise
        return db

    def _check_and_migrate(self, *, create: bool, where: str) -> None:
        with self.write() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
            tables = set(inspect(connection).get_table_names())
            if current is None and tables - {"alembic_version"}:
                raise ProjectError("this database is not a qualcode project", path=where)
            if current is None and not create:
                raise ProjectError(
                    "this database is empty, not a qualcode project; create one with "
                    "`qualcode init`",
                    path=where,
                )
            script = ScriptDirectory.from_config(_alembic_config(connection))
            known = {rev.revision for rev in script.walk_revisions()}
            if current is not None and current not in known:
                raise ProjectError(
                    f"this project was made by a newer qualcode (schema {current}); "
                    "upgrade qualcode to open it",
                    path=where,
                )
            if current != script.get_current_head():
                command.upgrade(_alembic_config(connection), "head")

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction: committed when the block ends, rolled back on any error.

        A writer that waited longer than the busy timeout for another one gets a
        ``ProjectError`` saying so, not the driver's "database is locked".
        """
        try:
            with self.engine.connect() as connection:
                connection.info["qualcode_write"] = True
                try:
                    with connection.begin():
                        yield connection
                finally:
                    connection.info.pop("qualcode_write", None)
        except OperationalError as exc:
            if self.is_sqlite and _is_busy(exc):
                raise self._busy_error() from exc
            raise

    @contextmanager
    def read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except OperationalError as exc:
            if self.is_sqlite and _is_busy(exc):
                raise self._busy_error() from exc
            raise

    def _busy_error(self) -> ProjectError:
        return ProjectError(
            "the project is busy: another program (the app or another qualcode command) "
            f"kept it locked for more than {BUSY_TIMEOUT_MS / 1000:g} s; nothing was changed, "
            "try again when it has finished (QUALCODE_BUSY_TIMEOUT_MS sets how long to wait)",
            path=self.engine.url.database,
        )

    def close(self) -> None:
        self.engine.dispose()
