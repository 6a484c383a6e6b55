"""Backing up and restoring a project file.

A backup is made with SQLite's online backup API (``sqlite3.Connection.backup``): it
copies one consistent snapshot of the project while the app or a command keeps
reading and writing it (in WAL mode readers never block the writer). The copy is
written beside its destination under a temporary name, switched to a single
self-contained file (no ``-wal``), checked with ``PRAGMA integrity_check`` and only
then renamed into place, so a backup file is either complete or absent.

A restore checks the backup first, on a temporary copy: it must open as a qualcode
project (a newer qualcode's project is refused, an older one is upgraded), pass
``integrity_check`` and ``foreign_key_check``. The project being replaced must not be
open in another program; it is kept beside it as ``<project>.before-restore-<time>``.

PostgreSQL projects are backed up with PostgreSQL's own tools (``pg_dump`` and
``pg_restore``); both functions say so.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from qualcode.errors import ProjectError
from qualcode.store.db import BUSY_TIMEOUT_MS, Database, project_url

SIDE_FILES = ("-wal", "-shm", "-journal")


@dataclass
class BackupInfo:
    """What ``backup_project`` wrote."""

    project: str
    path: str
    bytes_written: int
    counts: dict[str, int] = field(default_factory=dict)
    created_at: str = ""


@dataclass
class RestoreInfo:
    """What ``restore_project`` did."""

    project: str
    restored_from: str
    kept: str | None  # where the replaced project was moved, None if there was none
    counts: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------- backup


def backup_project(
    project: str | os.PathLike[str],
    out: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> BackupInfo:
    """Copy the project into ``out`` while it may be in use; see the module docstring."""
    source = _sqlite_path(project, "back up")
    target = Path(out).expanduser()
    if not source.exists():
        raise ProjectError("no project here", path=os.fspath(project))
    if target.is_dir():
        raise ProjectError("is a folder; give a file name for the backup", path=str(target))
    if _same_file(source, target):
        raise ProjectError("the backup cannot be written over the project itself", path=str(out))
    if target.exists() and not overwrite:
        raise ProjectError(
            "a file with this name exists already; choose another name or add --force "
            "to replace it",
            path=str(target),
        )
    if not target.parent.is_dir():
        raise ProjectError("the folder for the backup does not exist", path=str(target))
    _check_is_project(source, os.fspath(project))
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        with closing(_connect(source)) as src, closing(sqlite3.connect(tmp)) as dst:
            # pages=-1: all pages in one step, inside one read transaction, so the
            # copy is one consistent snapshot even while others write.
            src.backup(dst, pages=-1)
            mode = dst.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
            if str(mode).lower() != "delete":  # pragma: no cover - SQLite always can here
                raise ProjectError(f"cannot make the backup self-contained ({mode})")
            problems = _integrity_problems(dst)
            if problems:
                raise ProjectError(
                    "the backup copy failed SQLite's integrity check "
                    f"({problems[0]}); the project itself may be damaged",
                    path=os.fspath(project),
                )
            counts = _counts(dst)
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except sqlite3.Error as exc:
        raise ProjectError(f"the backup failed ({exc})", path=os.fspath(project)) from exc
    except OSError as exc:
        raise ProjectError(
            f"cannot write the backup: {exc.strerror or exc}", path=str(target)
        ) from exc
    finally:
        _remove(tmp)
    return BackupInfo(
        project=os.fspath(project),
        path=str(target),
        bytes_written=target.stat().st_size,
        counts=counts,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


# --------------------------------------------------------------------------- restore


def restore_project(
    project: str | os.PathLike[str],
    backup: str | os.PathLike[str],
    *,
    force: bool = False,
) -> RestoreInfo:
    """Replace the project by ``backup`` after checking it; see the module docstring."""
    target = _sqlite_path(project, "restore")
    source = Path(backup).expanduser()
    shown = os.fspath(backup)
    if not source.is_file():
        raise ProjectError("backup file not found", path=shown)
    if target.exists() and _same_file(source, target):
        raise ProjectError("this is the project itself, not a backup of it", path=shown)
    if not target.parent.is_dir():
        raise ProjectError("the folder of the project does not exist", path=os.fspath(project))
    tmp = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}.tmp")
    try:
        try:
            shutil.copyfile(source, tmp)
        except OSError as exc:
            raise ProjectError(
                f"cannot read the backup: {exc.strerror or exc}", path=shown
            ) from exc
        counts = _validate_copy(tmp, shown)
        kept: Path | None = None
        if target.exists() or any(_side(target, s).exists() for s in SIDE_FILES):
            if not force:
                raise ProjectError(
                    "the project exists already; add --force to replace it (it will be "
                    f"kept as {target.name}.before-restore-<time>)",
                    path=os.fspath(project),
                )
            if target.exists():
                _ensure_not_in_use(target, os.fspath(project))
            kept = _keep_aside(target)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    finally:
        _remove(tmp)
        for suffix in SIDE_FILES:
            _remove(_side(tmp, suffix))
    return RestoreInfo(
        project=os.fspath(project),
        restored_from=shown,
        kept=None if kept is None else str(kept),
        counts=counts,
    )


def check_project_file(path: str | os.PathLike[str]) -> dict[str, int]:
    """Check that a file is a readable qualcode project in good order, without
    changing it; returns its counts. Raises ``ProjectError`` saying what is wrong."""
    file = Path(path)
    shown = os.fspath(path)
    if not file.is_file():
        raise ProjectError("file not found", path=shown)
    _check_is_project(file, shown)
    try:
        with closing(_connect(file)) as conn:
            problems = _integrity_problems(conn)
            if problems:
                raise ProjectError(f"failed SQLite's integrity check ({problems[0]})", path=shown)
            return _counts(conn)
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"the file is damaged ({exc})", path=shown) from exc


# --------------------------------------------------------------------------- helpers


def _sqlite_path(project: str | os.PathLike[str], verb: str) -> Path:
    url = project_url(project)
    if not url.startswith("sqlite"):
        shown = make_url(url).render_as_string(hide_password=True)
        tool = "pg_dump --format=custom --file=BACKUP" if verb == "back up" else "pg_restore"
        raise ProjectError(
            f"a PostgreSQL project is not a file qualcode can {verb}: use PostgreSQL's own "
            f"tools, e.g. `{tool} '{shown}'` (pg_dump to back up, pg_restore to restore)"
        )
    return Path(url[len("sqlite:///") :])


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _check_is_project(path: Path, shown: str) -> None:
    """A quick look, changing nothing: an SQLite file with qualcode's tables."""
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise ProjectError(f"cannot read the file: {exc.strerror or exc}", path=shown) from exc
    if header != b"SQLite format 3\x00":
        raise ProjectError("not a qualcode project (not an SQLite database file)", path=shown)
    try:
        with closing(_connect(path)) as conn:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not {"alembic_version", "project_info", "documents", "codings"} <= tables:
                raise ProjectError(
                    "not a qualcode project (its tables are not qualcode's)", path=shown
                )
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"the file is damaged ({exc})", path=shown) from exc


def _validate_copy(tmp: Path, shown: str) -> dict[str, int]:
    """Open the copy as qualcode does (refusing foreign or newer files, upgrading an
    older schema), then check it; leave it as one file in rollback-journal mode."""
    _check_is_project(tmp, shown)
    try:
        Database.open(tmp).close()
    except ProjectError as exc:
        raise ProjectError(f"not a usable backup: {exc.message}", path=shown) from exc
    try:
        with closing(_connect(tmp)) as conn:
            problems = _integrity_problems(conn)
            if problems:
                raise ProjectError(
                    "not a usable backup: the file is damaged (SQLite's integrity check "
                    f"found {len(problems)} problem(s), first: {problems[0]})",
                    path=shown,
                )
            bad_links = conn.execute("PRAGMA foreign_key_check").fetchall()
            if bad_links:
                raise ProjectError(
                    f"not a usable backup: {len(bad_links)} record(s) point at records "
                    f"that do not exist (first in table {bad_links[0][0]})",
                    path=shown,
                )
            counts = _counts(conn)
            conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.DatabaseError as exc:
        raise ProjectError(f"not a usable backup: the file is damaged ({exc})", path=shown) from exc
    _fsync(tmp)
    return counts


def _ensure_not_in_use(target: Path, shown: str) -> None:
    """Make sure no other program has the project open, and fold its write-ahead log
    into the file: switching out of WAL mode needs every other connection closed."""
    try:
        conn = sqlite3.connect(target, timeout=2.0, isolation_level=None)
    except sqlite3.Error:  # a damaged project: nothing in it to protect
        return
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        conn.execute("PRAGMA journal_mode = DELETE").fetchone()
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise ProjectError(
                "the project is open in another program (the app, or another qualcode "
                "command); close it and run restore again. Nothing was changed",
                path=shown,
            ) from exc
    except sqlite3.DatabaseError:  # damaged: it is kept aside as it is
        pass
    finally:
        conn.close()


def _keep_aside(target: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.before-restore-{stamp}")
    number = 2
    while kept.exists() or any(_side(kept, s).exists() for s in SIDE_FILES):
        kept = target.with_name(f"{target.name}.before-restore-{stamp}-{number}")
        number += 1
    # The write-ahead log and index move first, so the restored file never meets them.
    for suffix in SIDE_FILES:
        if _side(target, suffix).exists():
            os.replace(_side(target, suffix), _side(kept, suffix))
    if target.exists():
        os.replace(target, kept)
    return kept


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _integrity_problems(conn: sqlite3.Connection) -> list[str]:
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        table: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608
        for table in ("documents", "segments", "codings", "memos", "audit_log")
    }


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
