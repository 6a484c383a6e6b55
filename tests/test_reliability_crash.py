"""Crash safety: real processes killed with SIGKILL at random points.

Three jobs run as the `qualcode` command line in child processes (see
tests/crash_worker.py) and are killed at a random moment, many times: an import of
a folder of many files, an auto-coding run and a REFI-QDA export; a few more kills
hit a fresh ``python -m qualcode.cli run`` (the whole job from an empty folder).
Before each job the researcher has already made decisions (accepted, rejected,
recoded and hand-made codings, memos, a finding).

After every kill: the project opens; ``PRAGMA integrity_check`` is ok and
``PRAGMA foreign_key_check`` is empty; every document has exactly its segments;
a document's machine codings are all there or none; nothing is duplicated; every
decision, memo and audit entry made before the job is unchanged. Then the same
command is run again, and the project must equal the one a run that was never
interrupted produced (all counts, every span, every coding).

QUALCODE_KILL_CYCLES (default 32) sets the number of kills, QUALCODE_KILL_SEED
the random seed (default 20240330), for a longer soak:
``QUALCODE_KILL_CYCLES=500 .venv/bin/pytest tests/test_reliability_crash.py -s``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from qualcode.exchange import read_qdpx
from qualcode.service import Project

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "transcripts"
WORKER = Path(__file__).with_name("crash_worker.py")
KILL_CYCLES = int(os.environ.get("QUALCODE_KILL_CYCLES", "32"))
SEED = int(os.environ.get("QUALCODE_KILL_SEED", "20240330"))
MACHINE_ORIGINS = ("auto", "suggester")

# How the kills are shared out: import, coding, export, fresh `qualcode run`.
SHARES = {"import": 0.4, "code": 0.37, "export": 0.2}


def _cycles(job: str) -> int:
    if job == "run":
        return max(1, KILL_CYCLES - sum(_cycles(j) for j in SHARES))
    return max(1, round(KILL_CYCLES * SHARES[job]))


# --------------------------------------------------------------------------- the corpus


def _sample_files() -> list[Path]:
    return sorted(
        p
        for p in SAMPLES.rglob("*")
        if p.suffix in (".md", ".txt") and p.name.lower() != "readme.md"
    )


def _write_variants(folder: Path, variants: range, tag: str) -> None:
    for k in variants:
        for path in _sample_files():
            target = folder / path.parent.name / f"{path.stem}-{tag}{k}{path.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8")
            target.write_text(f"{text.rstrip()}\n\nCatatan peneliti {tag}{k}.\n", encoding="utf-8")


@dataclass
class Study:
    """The folders and the three projects every job starts from."""

    root: Path
    import_dir: Path  # many files, two of them broken
    code_dir: Path  # the files imported, not yet coded, before the coding job
    base: Path  # a few documents, coded, with decisions: the import job starts here
    uncoded: Path  # base + code_dir imported: the coding job starts here
    coded: Path  # uncoded after coding: the export job starts here


def _decide(project: Project) -> None:
    """What a researcher has done before the job: every kind of decision."""
    frame = project.codings_frame().sort_values("coding_id")
    ids = [int(i) for i in frame["coding_id"]]
    codes = [c.id for c in project.codebook.codes if c.codable]
    for cid in ids[0:12:2]:
        project.accept(cid, actor="rina")
    for cid in ids[1:12:2]:
        project.reject(cid, actor="agus")
    # Recode to a code the machine did not also suggest on that segment.
    segment = frame.set_index("coding_id").loc[ids[12], "segment_id"]
    taken = set(frame.loc[frame["segment_id"] == segment, "code_id"])
    project.decide(ids[12], code_id=next(c for c in codes if c not in taken), actor="rina")
    project.decide(ids[13], valence="penghambat", actor="rina")
    document = project.document(int(frame["document_id"].iloc[0]))
    manual = project.add_coding(document.id, 0, 40, codes[0], valence="pendukung", actor="rina")
    project.save_memo("coding", manual, "Kutipan penting untuk bab 4.", actor="rina")
    project.save_memo("document", document.id, "Informan tampak ragu.", actor="agus")
    segments = project.segments_frame()
    project.save_conclusion(
        "Koordinasi dengan OPD belum optimal.",
        code_ids=[codes[2]],
        supporting=[int(segments["segment_id"].iloc[3])],
        actor="rina",
    )


def _copy_project(source: Path, target: Path) -> Path:
    """A self-contained copy (no -wal beside it) of a closed project."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    root = tmp_path_factory.mktemp("crash")
    import_dir = root / "masuk"
    _write_variants(import_dir, range(3), "v")
    (import_dir / "wawancara" / "kosong.txt").write_bytes(b"")
    (import_dir / "wawancara" / "rusak.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(300))
    code_dir = root / "kode"
    _write_variants(code_dir, range(1), "k")
    base_dir = root / "awal"
    for name in (
        "wawancara/informan-01-kabag-organisasi.md",
        "wawancara/informan-02-analis-kelembagaan.md",
        "observasi/observasi-02-layanan-eoffice.md",
        "dokumen/dokumen-01-lkjip-2023.md",
    ):
        (base_dir / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SAMPLES / name, base_dir / name)

    base = root / "base.qualcode"
    with Project.create(base, name="Studi kinerja", actor="rina") as project:
        project.import_paths([base_dir])
        project.code()
        _decide(project)
    uncoded = _copy_project(base, root / "uncoded.qualcode")
    with Project.open(uncoded) as project:
        project.import_paths([code_dir])
    coded = _copy_project(uncoded, root / "coded.qualcode")
    with Project.open(coded) as project:
        project.code()
    return Study(root, import_dir, code_dir, base, uncoded, coded)


# --------------------------------------------------------------------------- the worker


class Worker:
    """The fork server of tests/crash_worker.py."""

    def __init__(self) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert self._read() == {"ready": True}

    def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the crash worker stopped")
        return dict(json.loads(line))

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return self._read()

    def start(self, args: list[str], log: Path) -> int:
        return int(self._ask({"run": [str(a) for a in args], "log": str(log)})["pid"])

    def wait(self, pid: int) -> int:
        return int(self._ask({"wait": pid})["status"])

    def run(self, args: list[str], log: Path) -> tuple[int, float]:
        began = time.monotonic()
        status = self.wait(self.start(args, log))
        return status, time.monotonic() - began

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module")
def worker() -> Iterator[Worker]:
    server = Worker()
    yield server
    server.close()


# --------------------------------------------------------------------------- what a project holds


@dataclass
class Snapshot:
    documents: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # sha -> fields
    coding_state: dict[str, str] = field(default_factory=dict)  # sha -> json
    segments: dict[str, tuple[tuple[Any, ...], ...]] = field(default_factory=dict)
    machine: dict[str, Counter[tuple[Any, ...]]] = field(default_factory=dict)  # per sha
    analyses: Counter[str] = field(default_factory=Counter)  # cached analyses per sha
    decided: dict[int, tuple[Any, ...]] = field(default_factory=dict)  # id -> fields
    memos: list[tuple[Any, ...]] = field(default_factory=list)
    conclusions: list[tuple[Any, ...]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)  # without timestamps
    info: dict[str, str] = field(default_factory=dict)
    duplicate_documents: int = 0
    duplicate_machine: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "segments": sum(len(s) for s in self.segments.values()),
            "machine_codings": sum(sum(c.values()) for c in self.machine.values()),
            "decided_codings": len(self.decided),
            "memos": len(self.memos),
            "audit": len(self.audit),
        }

    def comparable(self) -> dict[str, Any]:
        """Everything but the audit entries' ids (and what run order may change)."""
        return {
            "documents": self.documents,
            "coding_state": self.coding_state,
            "segments": self.segments,
            "machine": self.machine,
            "analyses": self.analyses,
            "decided": self.decided,
            "memos": self.memos,
            "conclusions": self.conclusions,
            "audit": Counter((a[1], a[2], a[3]) for a in self.audit),
            # The project's name is its file name and created_at the time of `init`.
            "info": {k: v for k, v in self.info.items() if k not in ("created_at", "name")},
        }


def integrity(path: Path) -> tuple[list[str], list[Any]]:
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA busy_timeout = 5000")
        checks = [str(r[0]) for r in con.execute("PRAGMA integrity_check")]
        links = con.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        con.close()
    return checks, links


def snapshot(path: Path) -> Snapshot:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        snap = Snapshot()
        sha_of: dict[int, str] = {}
        rows = con.execute("SELECT * FROM documents ORDER BY id").fetchall()
        for r in rows:
            sha_of[r["id"]] = r["sha256"]
            snap.documents[r["sha256"]] = (
                r["name"],
                r["source_type"],
                r["informant"],
                r["n_chars"],
                r["path"],
                r["version"],
            )
            snap.coding_state[r["sha256"]] = r["coding_state"]
        snap.duplicate_documents = len(rows) - len(snap.documents)
        segs: dict[str, list[tuple[Any, ...]]] = {}
        seg_index: dict[int, int] = {}
        for r in con.execute("SELECT * FROM segments ORDER BY document_id, idx"):
            seg_index[r["id"]] = r["idx"]
            segs.setdefault(sha_of[r["document_id"]], []).append(
                (
                    r["idx"],
                    r["start"],
                    r["end"],
                    r["kind"],
                    r["speaker"],
                    r["speaker_role"],
                    r["codable"],
                    r["timestamp"],
                    r["turn"],
                )
            )
        snap.segments = {sha: tuple(items) for sha, items in segs.items()}
        for r in con.execute(
            "SELECT s.document_id FROM segment_analysis a JOIN segments s ON s.id = a.segment_id"
        ):
            snap.analyses[sha_of[r["document_id"]]] += 1
        seen: Counter[tuple[Any, ...]] = Counter()
        for r in con.execute("SELECT * FROM codings ORDER BY id"):
            sha = sha_of[r["document_id"]]
            fields = (
                seg_index.get(r["segment_id"]),
                r["code_id"],
                r["start"],
                r["end"],
                r["valence"],
                r["score"],
                r["status"],
                r["origin"],
                r["coder"],
                r["evidence_json"],
                r["codebook_hash"],
                r["version"],
            )
            if r["status"] == "suggested" and r["origin"] in MACHINE_ORIGINS:
                snap.machine.setdefault(sha, Counter())[fields] += 1
            else:
                snap.decided[r["id"]] = (sha, *fields)
            if r["origin"] in MACHINE_ORIGINS:
                seen[(r["segment_id"], r["code_id"], r["origin"])] += 1
        snap.duplicate_machine = sum(n - 1 for n in seen.values() if n > 1)
        snap.memos = [
            (r["id"], r["target_type"], r["target_id"], r["title"], r["text"], r["author"])
            for r in con.execute("SELECT * FROM memos ORDER BY id")
        ]
        snap.conclusions = [
            (r["id"], r["text"], r["code_ids_json"], r["author"])
            for r in con.execute("SELECT * FROM conclusions ORDER BY id")
        ] + [
            (r["conclusion_id"], r["segment_id"], r["stance"])
            for r in con.execute("SELECT * FROM conclusion_evidence ORDER BY 1, 2, 3")
        ]
        snap.audit = [
            (
                r["id"],
                r["actor"],
                r["action"],
                r["entity"],
                r["entity_id"],
                r["before_json"],
                r["after_json"],
                r["undoes"],
            )
            for r in con.execute("SELECT * FROM audit_log ORDER BY id")
        ]
        snap.info = {r["key"]: r["value"] for r in con.execute("SELECT * FROM project_info")}
        return snap
    finally:
        con.close()


def check_after_kill(path: Path, before: Snapshot | None, reference: Snapshot) -> Snapshot:
    """Every invariant a killed job must leave in place; returns the snapshot."""
    if before is None and not path.exists():
        return Snapshot()  # killed before `init` created the file
    checks, links = integrity(path)
    assert checks == ["ok"], checks
    assert links == [], links
    snap = snapshot(path)
    if snap.info.get("codebook_hash"):
        with Project.open(path) as project:  # opens as qualcode opens it
            assert project.codebook.code_ids
    assert snap.duplicate_documents == 0
    assert snap.duplicate_machine == 0
    for sha, fields in snap.documents.items():
        assert reference.documents.get(sha) == fields, f"unexpected document {fields}"
        # Every document has all its segments (a document without any is not "all").
        assert snap.segments.get(sha) == reference.segments[sha], f"segments of {fields[0]}"
        # Machine codings, their analyses and the coding state land together, per document.
        machine = snap.machine.get(sha, Counter())
        state = snap.coding_state[sha]
        if machine or state != "{}":
            assert machine == reference.machine.get(sha, Counter()), f"codings of {fields[0]}"
            assert state == reference.coding_state[sha]
            assert snap.analyses[sha] == reference.analyses[sha]
    if before is not None:
        # Decisions, memos, findings and the audit trail made before the job: unchanged.
        assert snap.decided == before.decided
        assert snap.memos == before.memos
        assert snap.conclusions == before.conclusions
        assert snap.audit[: len(before.audit)] == before.audit
        assert set(before.documents) <= set(snap.documents)
    return snap


# --------------------------------------------------------------------------- kill cycles


@dataclass
class Tally:
    killed: int = 0  # SIGKILL landed while the job ran
    finished_first: int = 0  # the job was done before the kill came
    checked: int = 0
    seconds: float = 0.0
    delays: list[float] = field(default_factory=list)


TALLIES: dict[str, Tally] = {}


def _kill_after(worker: Worker, args: list[str], log: Path, delay: float) -> int:
    pid = worker.start(args, log)
    time.sleep(delay)
    with contextlib.suppress(ProcessLookupError):  # already ended: wait() reaps it
        os.kill(pid, signal.SIGKILL)
    return worker.wait(pid)


def _job_args(job: str, study: Study, project: Path, out: Path) -> list[str]:
    if job == "import":
        return ["import", "-q", str(study.import_dir), "-p", str(project)]
    if job == "code":
        return ["code", "-q", "-p", str(project)]
    return ["export", "-p", str(project), "-o", str(out), "-f", "qdpx", "--status", "all"]


def _start_of(job: str, study: Study) -> Path:
    return {"import": study.base, "code": study.uncoded, "export": study.coded}[job]


def _export_codings(path: Path) -> Counter[tuple[Any, ...]]:
    data, _warnings = read_qdpx(path)
    texts = {d.id: d.text for d in data.documents}
    codes = {c.id: c.name for c in data.codebook.codes}
    return Counter(
        (codes.get(c.code_id, c.code_id), texts[c.document_id][c.start : c.end])
        for c in data.codings
    )


@pytest.mark.parametrize("job", ["import", "code", "export"])
def test_killed_job_leaves_a_sound_project_and_finishes_on_rerun(
    job: str, study: Study, worker: Worker, tmp_path: Path
) -> None:
    rng = random.Random(f"{SEED}-{job}")
    start = _start_of(job, study)
    before = snapshot(start)

    # The run nobody interrupts: what every resumed run must end up equal to.
    clean = _copy_project(start, tmp_path / "clean.qualcode")
    clean_out = tmp_path / "clean.qdpx"
    status, duration = worker.run(_job_args(job, study, clean, clean_out), tmp_path / "clean.log")
    assert status == 0, (tmp_path / "clean.log").read_text()
    reference = snapshot(clean)
    if job == "export":
        assert reference.comparable() == before.comparable()
        expected_export = _export_codings(clean_out)
        assert expected_export
    else:
        assert reference.counts() != before.counts()

    tally = TALLIES.setdefault(job, Tally())
    began = time.monotonic()
    work = tmp_path / "work.qualcode"
    out = tmp_path / "work.qdpx"
    for cycle in range(_cycles(job)):
        _copy_project(start, work)
        out.unlink(missing_ok=True)
        log = tmp_path / f"kill-{cycle}.log"
        delay = rng.uniform(0.0, duration * 0.95)
        tally.delays.append(delay)
        status = _kill_after(worker, _job_args(job, study, work, out), log, delay)
        if status == -signal.SIGKILL:
            tally.killed += 1
        else:
            assert status == 0, log.read_text()
            tally.finished_first += 1
        where = f"{job} cycle {cycle}, killed after {delay:.3f} s (seed {SEED})"

        try:
            check_after_kill(work, before, reference)
            if job == "export":
                assert snapshot(work).comparable() == before.comparable()
                if out.exists():  # the file is whole or absent, never half-written
                    assert _export_codings(out) == expected_export
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc

        # The same command again finishes the job: equal to the clean run.
        status, _ = worker.run(_job_args(job, study, work, out), tmp_path / "rerun.log")
        assert status == 0, f"{where}: " + (tmp_path / "rerun.log").read_text()
        after = snapshot(work)
        assert after.counts() == reference.counts(), where
        assert after.comparable() == reference.comparable(), where
        if job == "export":
            assert _export_codings(out) == expected_export, where
        tally.checked += 1
    tally.seconds += time.monotonic() - began
    # A killed export cannot remove its temporary file; it is hidden and never the target.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".work.qdpx.")]
    print(
        f"\n{job}: {tally.killed} killed mid-job, {tally.finished_first} finished before the "
        f"kill, {tally.checked} reopened, checked and resumed in {tally.seconds:.1f} s "
        f"(job takes {duration:.2f} s; seed {SEED})"
        + (f"; {len(leftovers)} temporary export files left behind" if leftovers else "")
    )
    # Nearly every kill must land inside the job, or the test tests nothing.
    assert tally.killed >= max(1, int(0.6 * _cycles(job)))


def test_killed_whole_run_from_an_empty_folder(study: Study, tmp_path: Path) -> None:
    """`python -m qualcode.cli run` as a brand-new process, killed, then run again."""
    rng = random.Random(f"{SEED}-run")
    folder = study.code_dir
    env = {**os.environ, "QUALCODE_USER": "rina"}
    command = [sys.executable, "-m", "qualcode.cli", "run", str(folder), "-q", "-p"]

    clean = tmp_path / "clean.qualcode"
    began = time.monotonic()
    done = subprocess.run([*command, str(clean)], env=env, capture_output=True, text=True)
    duration = time.monotonic() - began
    assert done.returncode == 0, done.stderr
    reference = snapshot(clean)

    tally = TALLIES.setdefault("run", Tally())
    began = time.monotonic()
    for cycle in range(_cycles("run")):
        work = tmp_path / f"run-{cycle}.qualcode"
        # The first second is the interpreter starting: aim the kills at the work.
        delay = rng.uniform(min(1.0, duration / 3), duration * 0.95)
        proc = subprocess.Popen(
            [*command, str(work)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        if proc.returncode == -signal.SIGKILL:
            tally.killed += 1
        else:
            tally.finished_first += 1
        where = f"run cycle {cycle}, killed after {delay:.3f} s (seed {SEED})"
        try:
            check_after_kill(work, None, reference)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from exc
        again = subprocess.run([*command, str(work)], env=env, capture_output=True, text=True)
        assert again.returncode == 0, f"{where}: {again.stderr}"
        after = snapshot(work)
        assert after.counts() == reference.counts(), where
        assert after.comparable() == reference.comparable(), where
        tally.checked += 1
    tally.seconds += time.monotonic() - began
    print(
        f"\nrun: {tally.killed} killed mid-job, {tally.finished_first} finished before the "
        f"kill, {tally.checked} checked and resumed in {tally.seconds:.1f} s"
    )


def test_kill_cycles_add_up(request: pytest.FixtureRequest) -> None:
    """The total, printed for the soak log (runs after the other tests of this file)."""
    if not TALLIES:
        pytest.skip("the kill tests did not run")
    total = sum(t.killed for t in TALLIES.values())
    checked = sum(t.checked for t in TALLIES.values())
    print(f"\nkill cycles: {total} SIGKILLs landed, {checked} kill-reopen-resume cycles passed")
    assert checked >= sum(_cycles(j) for j in TALLIES)
