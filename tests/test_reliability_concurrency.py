"""Concurrent use: two processes deciding on the same codings, a coding run while
someone decides, stale writes, and a writer that holds the lock for a while.

Every test runs on SQLite and, when the machine has them, on a throwaway PostgreSQL
server: ``pg_ctl``/``initdb`` (Debian's postgresql package) and the ``psycopg``
driver (``pip install 'qualcode[postgres]'``). The server is started in a temporary
folder on a free localhost port and stopped at the end; without them those cases
are skipped, saying what is missing.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode.cli_maintenance import undo_command
from qualcode.errors import ConflictError, ProjectError
from qualcode.model import SourceDocument
from qualcode.service import Project
from qualcode.store import db as store_db
from qualcode.store import records as rec

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "transcripts"

INTERVIEW = (
    "Peneliti: Bagaimana koordinasi dengan OPD?\n\n"
    "Informan 2: Koordinasi dengan OPD masih lambat, data selalu telat masuk. Server "
    "e-office sering error sehingga kami kembali ke kertas. Pimpinan mendorong tim untuk "
    "lembur dan saling membantu. Target kinerja tercapai, tapi capaian itu estimasi.\n\n"
    "Peneliti: Bagaimana dengan pelayanan?\n\n"
    "Informan 2: Pelayanan kepada masyarakat belum optimal karena SOP belum diperbarui. "
    "Pegawai kurang pelatihan. Akuntabilitas laporan kinerja masih lemah.\n"
)


# --------------------------------------------------------------------------- PostgreSQL


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    candidates = [found] if found else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)
    for candidate in candidates:
        folder = Path(candidate).resolve().parent
        if (folder / "initdb").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """A throwaway server: its own data folder, a free localhost port, trust login."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.run_as: dict[str, Any] = {}
        if os.geteuid() == 0:  # the server refuses to run as root
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                pytest.skip("PostgreSQL cannot run as root and there is no 'postgres' user")
            self.run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        self.folder = Path(tempfile.mkdtemp(prefix="qualcode-pg-"))
        if self.run_as:
            os.chown(self.folder, self.run_as["user"], self.run_as["group"])
        self.data = self.folder / "data"
        self.port = _free_port()
        self._pg(["initdb", "-D", str(self.data), "-A", "trust", "-U", "qualcode", "--no-sync"])
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
        )
        self._pg(
            ["pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log")]
            + ["-w", "-t", "60", "start"]
        )
        self.count = 0
        self.template = ""
        self.template_ids: list[int] = []

    def _pg(self, args: list[str]) -> None:
        done = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            cwd=self.folder,
            timeout=120,
            **self.run_as,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def new_database(self, template: str | None = None) -> str:
        import psycopg

        self.count += 1
        name = f"studi{self.count}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=qualcode dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return f"postgresql://qualcode@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._pg(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("the PostgreSQL driver is not installed: pip install 'qualcode[postgres]'")
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (pg_ctl, initdb) not found")
    server = PostgresServer(bindir)
    try:
        template = server.new_database()
        server.template_ids = _build_study(template)
        server.template = template.rsplit("/", 1)[1]
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[int]]:
    path = tmp_path_factory.mktemp("template") / "studi.qualcode"
    return path, _build_study(str(path))


@pytest.fixture(params=["sqlite", "postgresql"])
def study(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, list[int]]:
    """A coded project nobody decided on yet, on each backend: (location, coding ids)."""
    if request.param == "sqlite":
        return _sqlite_study(request, tmp_path)
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.new_database(server.template), list(server.template_ids)


@pytest.fixture()
def sqlite_study(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, list[int]]:
    return _sqlite_study(request, tmp_path)


def _sqlite_study(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[str, list[int]]:
    template, ids = request.getfixturevalue("sqlite_template")
    path = tmp_path / "studi.qualcode"
    shutil.copyfile(template, path)
    return str(path), list(ids)


# --------------------------------------------------------------------------- helpers


def _build_study(location: str, copies: int = 3) -> list[int]:
    """A coded project; returns the coding ids."""
    with Project.create(location, name="Studi") as project:
        for i in range(copies):
            project.add_source(
                SourceDocument(
                    name=f"informan-{i}.txt",
                    text=INTERVIEW + f"\nCatatan {i}.",
                    informant=f"Informan {i}",
                    metadata={"interviewer": "Peneliti"},
                )
            )
        project.code()
        ids = sorted(int(i) for i in project.codings_frame()["coding_id"])
    assert len(ids) >= 4
    return ids


def _state(location: str) -> tuple[dict[int, Any], list[dict[str, Any]]]:
    with Project.open(location) as project, project.db.read() as conn:
        rows = {c.id: rec.get_coding(conn, c.id) for c in rec.list_codings(conn)}
        log = rec.audit_entries(conn, entity="coding", limit=1_000_000)
    return rows, sorted(log, key=lambda e: e["id"])


def _python(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


def _finish(proc: subprocess.Popen[str], timeout: float = 240) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return out


# Decides on every coding, many times, with the version it just read; a conflict
# is counted and the next coding is taken. Waits for GO so both start together.
DECIDER = """
    import json, os, random, sys, time
    from qualcode.errors import ConflictError
    from qualcode.service import Project
    from qualcode.store import records as rec

    location, actor, rounds, seed, go = sys.argv[1:6]
    rng = random.Random(int(seed))
    done, conflicts, bad = [], 0, []
    with Project.open(location) as project:
        with project.db.read() as conn:
            ids = sorted(c.id for c in rec.list_codings(conn))
        open(go + "." + actor, "w").close()
        while not os.path.exists(go):
            time.sleep(0.005)
        for _ in range(int(rounds)):
            for cid in ids:
                status = rng.choice(["accepted", "rejected"])
                valence = rng.choice(["pendukung", "penghambat", "netral"])
                with project.db.read() as conn:
                    version = rec.get_coding(conn, cid).version
                try:
                    project.decide(cid, status=status, valence=valence, actor=actor,
                                   expected_version=version)
                    done.append(cid)
                except ConflictError as exc:
                    conflicts += 1
                    if f"coding {cid} " not in str(exc):
                        bad.append(str(exc))
    print(json.dumps({"done": done, "conflicts": conflicts, "bad": bad}))
"""


def _start_together(go: Path, names: list[str], procs: list[subprocess.Popen[str]]) -> None:
    """Release the processes at once, when each is ready (imports take seconds)."""
    deadline = time.monotonic() + 180
    while not all(go.with_name(f"{go.name}.{n}").exists() for n in names):
        for proc in procs:
            if proc.poll() is not None:
                raise AssertionError(proc.communicate()[1])
        assert time.monotonic() < deadline, "the processes never got ready"
        time.sleep(0.02)
    go.touch()


def _check_no_decision_lost(location: str, decided: dict[str, list[int]]) -> None:
    rows, log = _state(location)
    decides = [e for e in log if e["action"] == "decide"]
    for actor, ids in decided.items():
        assert len([e for e in decides if e["actor"] == actor]) == len(ids), actor
    last: dict[int, dict[str, Any]] = {}
    count: dict[int, int] = {}
    for entry in decides:
        cid = int(entry["entity_id"])
        if cid in last:
            # Each decision was made on the state the one before it left: none was
            # written over another it had not seen.
            assert json.loads(entry["before_json"]) == last[cid], (cid, entry["actor"])
        last[cid] = json.loads(entry["after_json"])
        count[cid] = count.get(cid, 0) + 1
    for cid, row in rows.items():
        # Every decision bumped the version once: none was written over unseen.
        assert row.version == 1 + count.get(cid, 0), cid
        if cid in last:
            state = last[cid]
            assert (row.status, row.valence, row.coder) == (
                state["status"],
                state["valence"],
                state["coder"],
            ), cid


# --------------------------------------------------------------------------- tests


def test_two_processes_deciding_on_the_same_codings_lose_no_decision(
    study: tuple[str, list[int]], tmp_path: Path
) -> None:
    location, _ = study
    go = tmp_path / "go"
    procs = {
        actor: _python(DECIDER, location, actor, "4", str(seed), str(go))
        for seed, actor in enumerate(("rina", "agus"))
    }
    _start_together(go, list(procs), list(procs.values()))
    results = {actor: json.loads(_finish(proc)) for actor, proc in procs.items()}
    for result in results.values():
        assert result["bad"] == []  # every conflict named its coding
    _check_no_decision_lost(location, {a: r["done"] for a, r in results.items()})
    total = sum(len(r["done"]) for r in results.values())
    conflicts = sum(r["conflicts"] for r in results.values())
    assert total > 0
    backend = "postgresql" if "://" in location else "sqlite"
    print(f"\n{backend}: {total} decisions kept, {conflicts} stale writes refused")


RECODER = """
    import os, sys, time
    from qualcode.service import Project
    location, go, times = sys.argv[1:4]
    with Project.open(location) as project:
        open(go + ".recoder", "w").close()
        while not os.path.exists(go):
            time.sleep(0.005)
        for _ in range(int(times)):
            project.code(force=True)
"""


@pytest.mark.slow  # the exact interleaving is tested below in a second
def test_coding_run_while_someone_decides_never_overwrites_a_decision(
    study: tuple[str, list[int]], tmp_path: Path
) -> None:
    """`code --force` rewrites unreviewed suggestions only, even mid-decision."""
    location, _ = study
    go = tmp_path / "go"
    decider = _python(DECIDER, location, "rina", "3", "7", str(go))
    recoder = _python(RECODER, location, str(go), "4")
    _start_together(go, ["rina", "recoder"], [decider, recoder])
    result = json.loads(_finish(decider))
    _finish(recoder)
    assert result["bad"] == []
    rows, log = _state(location)
    last: dict[int, dict[str, Any]] = {}
    for entry in log:
        if entry["action"] == "decide":
            last[int(entry["entity_id"])] = json.loads(entry["after_json"])
    assert last, "no decision was made"
    for cid, state in last.items():
        row = rows.get(cid)
        assert row is not None, f"decided coding {cid} was deleted by the coding run"
        assert (row.status, row.valence, row.code_id) == (
            state["status"],
            state["valence"],
            state["code_id"],
        ), cid
    for cid, row in rows.items():
        if cid not in last:
            assert row.status == "suggested"


def test_stale_write_is_refused_naming_the_coding_and_who_changed_it(
    study: tuple[str, list[int]],
) -> None:
    location, ids = study
    target = ids[3]
    with Project.open(location) as mine:
        with mine.db.read() as conn:
            seen = rec.get_coding(conn, target).version
        # Someone else, in another process, decides first.
        other = _python(
            """
            import sys
            from qualcode.service import Project
            with Project.open(sys.argv[1]) as p:
                p.reject(int(sys.argv[2]), actor="agus")
            """,
            location,
            str(target),
        )
        _finish(other)
        with pytest.raises(ConflictError) as caught:
            mine.accept(target, actor="rina", expected_version=seen)
        message = str(caught.value)
        assert f"coding {target} " in message and "agus" in message and "rejected" in message
        assert "\n" not in message
        with mine.db.read() as conn:
            row = rec.get_coding(conn, target)
        assert (row.status, row.coder) == ("rejected", "agus")  # their decision stands


def test_undo_never_overwrites_a_later_decision_of_someone_else(
    study: tuple[str, list[int]],
) -> None:
    location, ids = study
    first, second = ids[0], ids[1]
    with Project.open(location) as rina, Project.open(location) as agus:
        rina.accept(first, actor="rina")
        rina.accept(second, actor="rina")
        agus.decide(second, valence="penghambat", status="rejected", actor="agus")
        with pytest.raises(ConflictError) as caught:
            rina.undo(actor="rina")
        message = str(caught.value)
        assert f"coding {second} " in message and "agus" in message
        rows, log = _state(location)
        assert (rows[second].status, rows[second].coder) == ("rejected", "agus")
        assert log[-1]["action"] == "undo-refused"
        # The next undo moves on to rina's decision before it.
        undone = rina.undo(actor="rina")
        assert undone is not None and undone["coding_id"] == first
        rows, _ = _state(location)
        assert rows[first].status == "suggested"
        assert rina.undo(actor="rina") is None


# ---------------------------------------------------------------- a writer holding the lock

HOLDER = """
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
    con.execute("ROLLBACK")
"""


def _hold_lock(path: str, seconds: float) -> subprocess.Popen[str]:
    holder = _python(HOLDER, path, str(seconds))
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    return holder


def test_a_writer_waits_for_another_that_holds_the_lock(
    sqlite_study: tuple[str, list[int]],
) -> None:
    path, ids = sqlite_study
    with Project.open(path) as project:
        holder = _hold_lock(path, 1.5)
        began = time.monotonic()
        project.accept(ids[0], actor="rina")  # queues behind the holder, then lands
        waited = time.monotonic() - began
        _finish(holder)
        rows, _ = _state(path)
    assert rows[ids[0]].status == "accepted"
    assert waited >= 1.0


def test_busy_timeout_ends_in_a_clear_error_and_changes_nothing(
    sqlite_study: tuple[str, list[int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, ids = sqlite_study
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 300)
    with Project.open(path) as project:
        holder = _hold_lock(path, 3.0)
        began = time.monotonic()
        with pytest.raises(ProjectError) as caught:
            project.accept(ids[0], actor="rina")
        assert time.monotonic() - began < 2.5
        message = str(caught.value)
        assert "the project is busy" in message and "0.3 s" in message
        assert "studi.qualcode" in message and "\n" not in message
        # The command line says the same in one line and exits 1.
        result = CliRunner().invoke(undo_command, ["--project", path, "--user", "rina"])
        assert result.exit_code == 1
        assert result.output.count("\n") == 1 and "the project is busy" in result.output
        _finish(holder)
        rows, log = _state(path)
    assert rows[ids[0]].status == "suggested" and log == []


def test_sqlite_reader_is_never_blocked_by_a_writer(sqlite_study: tuple[str, list[int]]) -> None:
    """WAL: the app keeps showing the project while a long write is under way."""
    path, _ = sqlite_study
    with Project.open(path) as project:
        holder = _hold_lock(path, 2.0)
        began = time.monotonic()
        frame = project.codings_frame()
        assert time.monotonic() - began < 1.0 and len(frame) > 0
        _finish(holder)
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_decision_committed_while_a_coding_run_waits_for_it_wins(
    study: tuple[str, list[int]],
) -> None:
    """The exact interleaving: a decision holds its row (or, on SQLite, the database);
    the coding run has read the coding as an unreviewed suggestion and waits; the
    decision commits. The run must then neither rewrite nor delete that coding."""
    import threading

    from qualcode.model import CodeSuggestion
    from qualcode.store import Database

    location, _ = study
    db = Database.open(location)
    try:
        with db.read() as conn:
            codings = rec.list_codings(conn)
        document_id = codings[0].document_id
        mine = [c for c in codings if c.document_id == document_id and c.segment_id]
        kept, dropped = mine[0], mine[1]
        with db.read() as conn:
            segment_ids = [s.id for s in rec.list_segments(conn, document_id) if s.codable]
            spans = {s.id: (s.start, s.end) for s in rec.list_segments(conn, document_id)}
        # The run's view: `kept` suggested again with another valence, `dropped` no longer.
        suggestions = {
            kept.segment_id: [CodeSuggestion(code_id=kept.code_id, score=0.99, valence="pendukung")]
        }
        decider = db.engine.connect()
        decider.info["qualcode_write"] = True
        transaction = decider.begin()
        rec.decide(decider, kept.id, actor="rina", status="accepted", valence="penghambat")
        rec.decide(decider, dropped.id, actor="rina", status="accepted")
        errors: list[BaseException] = []

        def coding_run() -> None:
            try:
                with db.write() as conn:
                    rec.replace_machine_codings(
                        conn,
                        document_id=document_id,
                        segment_ids=segment_ids,
                        suggestions=suggestions,
                        spans=spans,
                        codebook_hash="h",
                        code_hashes={},
                        pipeline_version="p",
                        only_codes={kept.code_id, dropped.code_id},
                    )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        run = threading.Thread(target=coding_run)
        run.start()
        time.sleep(1.0)  # the run is now waiting for the decision's lock
        transaction.commit()
        decider.close()
        run.join(timeout=60)
        assert not run.is_alive() and errors == []
        with db.read() as conn:
            after_kept = rec.get_coding(conn, kept.id)
            after_dropped = rec.get_coding(conn, dropped.id)  # still there
        assert (after_kept.status, after_kept.valence) == ("accepted", "penghambat")
        assert after_dropped.status == "accepted"
    finally:
        db.close()
