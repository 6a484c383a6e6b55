"""Undo, the change log, backups and restores: `qualcode undo`, `log`, `backup`,
`restore` (src/qualcode/cli_maintenance.py, src/qualcode/store/backup.py)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qualcode.cli_maintenance import backup_command, log_command, restore_command, undo_command
from qualcode.errors import ProjectError
from qualcode.model import SourceDocument
from qualcode.service import Project
from qualcode.store import records as rec
from qualcode.store.backup import backup_project, check_project_file, restore_project

ROOT = Path(__file__).resolve().parents[1]
TEXT = (
    "Peneliti: Bagaimana koordinasi dengan OPD?\n\n"
    "Informan 1: Koordinasi dengan OPD masih lambat, data selalu telat. Server e-office "
    "sering error. Pimpinan mendorong tim untuk saling membantu. Target kinerja tercapai.\n\n"
    "Peneliti: Bagaimana pelayanan?\n\n"
    "Informan 1: Pelayanan belum optimal karena SOP belum diperbarui dan pegawai kurang "
    "pelatihan. Laporan akuntabilitas kinerja masih lemah.\n"
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("history") / "studi.qualcode"
    with Project.create(path, name="Studi", actor="rina") as project:
        for i in range(2):
            project.add_source(
                SourceDocument(
                    name=f"informan-{i}.txt",
                    text=TEXT + f"\nCatatan {i}.",
                    informant=f"Informan {i}",
                    metadata={"interviewer": "Peneliti"},
                )
            )
        project.code()
    return path


@pytest.fixture()
def project_path(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "studi.qualcode"
    shutil.copyfile(template, path)
    return path


def _ids(path: Path) -> list[int]:
    with Project.open(path) as project:
        return sorted(int(i) for i in project.codings_frame()["coding_id"])


def _coding(path: Path, coding_id: int) -> Any:
    with Project.open(path) as project, project.db.read() as conn:
        return rec.get_coding(conn, coding_id)


def _counts(path: Path) -> dict[str, int]:
    with Project.open(path) as project, project.db.read() as conn:
        counts = rec.counts(conn)
        counts["audit"] = len(rec.audit_entries(conn, limit=1_000_000))
        return counts


def _invoke(command: Any, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(command, [str(a) for a in args], env=env)


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


# --------------------------------------------------------------------------- undo


def test_undo_command_reverts_the_users_last_decision(project_path: Path) -> None:
    ids = _ids(project_path)
    with Project.open(project_path) as project:
        current = project.codings_frame().set_index("coding_id").loc[ids[1], "valence"]
        other = "penghambat" if current != "penghambat" else "pendukung"
        project.accept(ids[0], actor="rina")
        project.decide(ids[1], valence=other, actor="rina")
        project.reject(ids[2], actor="agus")
    result = _invoke(undo_command, "--project", project_path, "--user", "rina")
    assert result.exit_code == 0, result.output
    assert f"Undone: rina's decide on coding {ids[1]}" in result.output
    assert f"valence {other} → {current}; status accepted → suggested." in result.output
    assert _coding(project_path, ids[1]).status == "suggested"
    assert _coding(project_path, ids[2]).status == "rejected"  # agus's is not mine
    # The default user is QUALCODE_USER.
    result = _invoke(undo_command, "--project", project_path, env={"QUALCODE_USER": "agus"})
    assert f"Undone: agus's decide on coding {ids[2]}" in result.output
    assert _coding(project_path, ids[2]).status == "suggested"
    result = _invoke(undo_command, "--project", project_path, env={"QUALCODE_USER": "agus"})
    assert result.exit_code == 0 and result.output.strip() == "Nothing to undo for agus."


def test_undo_of_a_hand_made_coding_and_of_a_deletion(project_path: Path) -> None:
    with Project.open(project_path) as project:
        added = project.add_coding(1, 0, 20, "faktor_sistem", actor="rina")
        before = _counts(project_path)["codings"]
        project.delete_coding(added, actor="rina")
    assert _invoke(undo_command, "-p", project_path, "--user", "rina").exit_code == 0
    assert _coding(project_path, added).code_id == "faktor_sistem"  # deletion undone
    assert _invoke(undo_command, "-p", project_path, "--user", "rina").exit_code == 0
    assert _counts(project_path)["codings"] == before - 1  # the addition undone


def test_undo_refuses_to_overwrite_someone_elses_later_decision(project_path: Path) -> None:
    ids = _ids(project_path)
    with Project.open(project_path) as project:
        project.accept(ids[0], actor="rina")
        project.reject(ids[0], actor="agus")
    line = _one_line_error(_invoke(undo_command, "-p", project_path, "--user", "rina"))
    assert f"coding {ids[0]} " in line and "agus" in line and "nothing was undone" in line
    assert _coding(project_path, ids[0]).status == "rejected"
    result = _invoke(undo_command, "-p", project_path, "--user", "rina")
    assert result.output.strip() == "Nothing to undo for rina."


def test_undo_on_a_missing_project_is_one_clear_line(tmp_path: Path) -> None:
    line = _one_line_error(_invoke(undo_command, "-p", tmp_path / "tidak-ada.qualcode"))
    assert "tidak-ada.qualcode" in line and "no project here" in line


# --------------------------------------------------------------------------- log


def test_log_tells_who_changed_what_and_when(project_path: Path) -> None:
    ids = _ids(project_path)
    with Project.open(project_path) as project:
        project.accept(ids[0], actor="rina")
        current = project.codings_frame().set_index("coding_id").loc[ids[1], "valence"]
        other = "penghambat" if current != "penghambat" else "pendukung"
        project.decide(ids[1], valence=other, actor="agus")
        project.save_memo("coding", ids[0], "Kutipan kunci.", actor="rina")
        project.undo(actor="rina")
    result = _invoke(log_command, "-p", project_path)
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert f"decided coding {ids[0]}: status suggested → accepted" in result.output
    assert f"decided coding {ids[1]}: valence {current} → {other}" in result.output
    assert "added memo" in result.output and "Kutipan kunci." in result.output
    assert "imported document 1: informan-0.txt" in result.output
    assert " UTC " in lines[0] and "rina" in lines[0] and "undo" in lines[0]  # newest first

    only_codings = _invoke(log_command, "-p", project_path, "--entity", "coding", "--limit", "2")
    assert len(only_codings.output.strip().splitlines()) == 2
    assert "memo" not in only_codings.output and "document" not in only_codings.output

    data = json.loads(_invoke(log_command, "-p", project_path, "--format", "json").output)
    decided = [e for e in data if e["action"] == "decide"]
    assert decided[-1]["actor"] == "rina" and decided[-1]["after"]["status"] == "accepted"
    assert decided[-1]["before"]["status"] == "suggested"
    assert data[0]["action"] == "undo" and data[0]["undoes"] == decided[-1]["id"]
    assert set(data[0]) == {
        "id",
        "ts",
        "actor",
        "action",
        "entity",
        "entity_id",
        "before",
        "after",
        "undoes",
    }


def test_log_never_prints_terminal_escapes_from_project_text(project_path: Path) -> None:
    hostile = "\x1b]0;pwned\x07\x1b[2J\u202eevil\r\nline"
    with Project.open(project_path) as project:
        project.save_memo("project", "1", hostile, title=hostile, actor=f"rina{hostile}")
    for fmt in ("text", "json"):
        output = _invoke(log_command, "-p", project_path, "--format", fmt).output
        assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
        assert "\r" not in output
    text = _invoke(log_command, "-p", project_path).output
    assert "\\u001b]0;pwned" in text
    assert len(text.strip().splitlines()) == _counts(project_path)["audit"]


def test_log_of_an_empty_project(tmp_path: Path) -> None:
    path = tmp_path / "kosong.qualcode"
    Project.create(path).close()
    result = _invoke(log_command, "-p", path, "--entity", "coding")
    assert result.output.strip() == "No changes recorded for coding records."
    assert (
        json.loads(_invoke(log_command, "-p", path, "--entity", "memo", "--format", "json").output)
        == []
    )


# --------------------------------------------------------------------------- backup


def test_backup_while_a_writer_keeps_deciding(project_path: Path, tmp_path: Path) -> None:
    ids = _ids(project_path)
    stop = threading.Event()
    made: list[int] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            with Project.open(project_path) as project:
                n = 0
                while not stop.is_set():
                    status = "accepted" if n % 2 else "rejected"
                    project.decide(ids[n % len(ids)], status=status, actor="rina")
                    n += 1
                    made.append(n)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(made) < 5:
            time.sleep(0.01)
        backups = []
        for i in range(4):
            out = tmp_path / f"cadangan-{i}.qualcode"
            if i % 2:
                result = _invoke(backup_command, "-p", project_path, "--out", out)
                assert result.exit_code == 0, result.output
                assert "Backup written" in result.output and "qualcode restore" in result.output
            else:
                backup_project(project_path, out)
            backups.append(out)
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(made) > 10
    for out in backups:
        assert not Path(f"{out}-wal").exists()  # one self-contained file
        counts = check_project_file(out)  # integrity_check, without changing it
        assert counts["codings"] == len(ids)
        con = sqlite3.connect(out)
        try:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert con.execute("PRAGMA foreign_key_check").fetchall() == []
            # One consistent snapshot: every coding's version matches its decisions.
            versions = dict(con.execute("SELECT id, version FROM codings"))
            decided: dict[int, int] = {}
            for (entity_id,) in con.execute(
                "SELECT entity_id FROM audit_log WHERE action = 'decide'"
            ):
                decided[int(entity_id)] = decided.get(int(entity_id), 0) + 1
            assert all(versions[c] == 1 + decided.get(c, 0) for c in versions)
        finally:
            con.close()
        with Project.open(out) as copy:
            assert len(copy.codings_frame()) == len(ids)


def test_backup_refuses_what_it_should(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "cadangan.qualcode"
    backup_project(project_path, out)
    line = _one_line_error(_invoke(backup_command, "-p", project_path, "-o", out))
    assert "exists already" in line and "--force" in line
    assert _invoke(backup_command, "-p", project_path, "-o", out, "--force").exit_code == 0
    line = _one_line_error(_invoke(backup_command, "-p", project_path, "-o", project_path))
    assert "over the project itself" in line
    line = _one_line_error(
        _invoke(backup_command, "-p", project_path, "-o", tmp_path / "tidak" / "ada.qualcode")
    )
    assert "does not exist" in line
    line = _one_line_error(_invoke(backup_command, "-p", tmp_path / "x.qualcode", "-o", out))
    assert "no project here" in line
    not_project = tmp_path / "catatan.txt"
    not_project.write_text("bukan proyek")
    line = _one_line_error(_invoke(backup_command, "-p", not_project, "-o", tmp_path / "b"))
    assert "not a qualcode project" in line
    assert not (tmp_path / "b").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_backup_and_restore_of_postgresql_point_to_pg_dump() -> None:
    url = "postgresql://peneliti:rahasia@127.0.0.1:5432/studi"
    line = _one_line_error(_invoke(backup_command, "-p", url, "-o", "cadangan.dump"))
    assert "pg_dump" in line and "rahasia" not in line
    line = _one_line_error(_invoke(restore_command, "-p", url, "--from", "cadangan.dump"))
    assert "pg_restore" in line and "rahasia" not in line


# --------------------------------------------------------------------------- restore


def test_restore_replaces_with_force_and_keeps_the_old_project(
    project_path: Path, tmp_path: Path
) -> None:
    ids = _ids(project_path)
    out = tmp_path / "cadangan.qualcode"
    with Project.open(project_path) as project:
        project.accept(ids[0], actor="rina")
    backup_project(project_path, out)
    with Project.open(project_path) as project:
        project.reject(ids[1], actor="rina")  # made after the backup
    changed = _counts(project_path)

    line = _one_line_error(_invoke(restore_command, "-p", project_path, "--from", out))
    assert "exists already" in line and "--force" in line
    assert _counts(project_path) == changed  # nothing happened

    result = _invoke(restore_command, "-p", project_path, "--from", out, "--force")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "before-restore-" in result.output
    assert _coding(project_path, ids[0]).status == "accepted"
    assert _coding(project_path, ids[1]).status == "suggested"
    kept = [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    assert len(kept) == 1
    assert _coding(kept[0], ids[1]).status == "rejected"  # the replaced one, intact
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_restore_into_a_new_place_needs_no_force(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "cadangan.qualcode"
    backup_project(project_path, out)
    target = tmp_path / "baru.qualcode"
    info = restore_project(target, out)
    assert info.kept is None
    assert info.counts["codings"] == _counts(project_path)["codings"]
    assert _counts(target) == _counts(project_path)


def _corrupt(path: Path) -> None:
    """Overwrite parts of the last pages (document text and codings), as a failing
    disk or an interrupted copy would."""
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(len(data) - 6 * page + 200, len(data), page):
        data[offset : offset + 300] = b"\xa5" * 300
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("bukan cadangan"), "not a qualcode project"),
        (lambda p: p.write_bytes(b""), "not a qualcode project"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE x (y)").connection.commit(),
            "not a qualcode project",
        ),
        ("truncate", "damaged"),
        ("corrupt", "damaged"),
        ("newer", "newer qualcode"),
    ],
    ids=["text", "empty", "other-sqlite", "truncated", "corrupt", "newer-schema"],
)
def test_restore_refuses_a_bad_backup_and_changes_nothing(
    project_path: Path, tmp_path: Path, make: Any, message: str
) -> None:
    bad = tmp_path / "cadangan.qualcode"
    if isinstance(make, str):
        backup_project(project_path, bad)
        if make == "truncate":
            with bad.open("r+b") as handle:
                handle.truncate(bad.stat().st_size // 3)
        elif make == "corrupt":
            _corrupt(bad)
        else:
            con = sqlite3.connect(bad)
            con.execute("UPDATE alembic_version SET version_num = '9999'")
            con.commit()
            con.close()
    else:
        make(bad)
    before = _counts(project_path)
    original = project_path.read_bytes()
    line = _one_line_error(_invoke(restore_command, "-p", project_path, "--from", bad, "--force"))
    assert message in line and "cadangan.qualcode" in line
    assert project_path.read_bytes() == original and _counts(project_path) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".") or "before" in p.name]
    assert leftovers == []


def test_restore_refuses_while_the_project_is_open_elsewhere(
    project_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "cadangan.qualcode"
    backup_project(project_path, out)
    app = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from qualcode.service import Project
                p = Project.open(sys.argv[1])
                p.codings_frame()   # the app keeps its connection open
                print("open", flush=True)
                time.sleep(30)
                """
            ),
            str(project_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert app.stdout is not None and app.stdout.readline().strip() == "open"
        line = _one_line_error(
            _invoke(restore_command, "-p", project_path, "--from", out, "--force")
        )
        assert "open in another program" in line and "Nothing was changed" in line
        assert not [p for p in tmp_path.iterdir() if "before-restore" in p.name]
    finally:
        app.kill()
        app.wait()


def test_restore_never_mixes_an_old_write_ahead_log_into_the_backup(
    project_path: Path, tmp_path: Path
) -> None:
    """A crashed program left committed changes in studi.qualcode-wal: they belong to
    the replaced project, never to the restored one."""
    out = tmp_path / "cadangan.qualcode"
    backup_project(project_path, out)
    expected = _counts(out)
    crash = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import os, sqlite3, sys
                con = sqlite3.connect(sys.argv[1], isolation_level=None)
                con.execute("PRAGMA wal_autocheckpoint = 0")
                con.execute("BEGIN IMMEDIATE")
                con.execute("INSERT INTO memos (target_type, target_id, text, created_at, "
                            "updated_at) VALUES ('project', '1', 'dari WAL', 'x', 'x')")
                con.execute("COMMIT")
                os._exit(0)  # no close, no checkpoint: the WAL stays
                """
            ),
            str(project_path),
        ],
        capture_output=True,
        text=True,
    )
    assert crash.returncode == 0, crash.stderr
    assert Path(f"{project_path}-wal").stat().st_size > 0
    info = restore_project(project_path, out, force=True)
    assert _counts(project_path) == expected  # the backup, exactly
    assert info.kept is not None
    with Project.open(info.kept) as kept:
        assert [m.text for m in kept.memos()] == ["dari WAL"]  # kept with the old project


def test_restore_replaces_a_damaged_project(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "cadangan.qualcode"
    backup_project(project_path, out)
    project_path.write_bytes(b"\x00" * 8192)  # the project file was destroyed
    with pytest.raises(ProjectError):
        Project.open(project_path)
    info = restore_project(project_path, out, force=True)
    assert _counts(project_path) == _counts(out)
    assert info.kept and Path(info.kept).read_bytes() == b"\x00" * 8192


def test_maintenance_commands_run_on_their_own(project_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qualcode.cli_maintenance", "log", "-p", str(project_path)],
        capture_output=True,
        text=True,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    assert "imported document" in done.stdout


def test_changing_a_suggestion_to_a_code_already_suggested_there_is_a_clear_error(
    project_path: Path,
) -> None:
    """The segment already has a suggestion of that code: say which one to decide on
    (before: a raw UNIQUE constraint error from the database)."""
    with Project.open(project_path) as project:
        frame = project.codings_frame()
        per_segment = frame.groupby("segment_id")["coding_id"].apply(list)
        pair = next(ids for ids in per_segment if len(ids) >= 2)
        first, second = (frame.set_index("coding_id").loc[i] for i in pair[:2])
        before = _counts(project_path)
        with pytest.raises(ProjectError) as caught:
            project.decide(pair[0], code_id=second["code_id"], actor="rina")
    message = str(caught.value)
    assert f"coding {pair[0]} " in message and f"coding {pair[1]} " in message
    assert second["code_id"] in message and "\n" not in message
    assert _coding(project_path, pair[0]).code_id == first["code_id"]
    assert _counts(project_path) == before
