"""The use cases: the only API the CLI, the app and notebooks call.

A ``Project`` wraps one project database. Reading files, segmenting, language
analysis and coding happen here in order; every change is one transaction, so a
crash leaves the project as it was after the last finished file or document.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import json
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from qualcode import codebook as codebook_io
from qualcode.analysis import filters as analysis_filters
from qualcode.corpus import (
    FileReader,
    ReadLimits,
    list_files,
    normalise_text,
    read_bytes,
    safe_file_name,
)
from qualcode.errors import ConflictError, ProjectError, QualcodeError, ReadError
from qualcode.limits import read_limits
from qualcode.model import (
    Codebook,
    CodeSuggestion,
    Conclusion,
    Memo,
    ProjectData,
    Segment,
    SourceDocument,
)
from qualcode.segmentation import segment_document
from qualcode.store import Database
from qualcode.store import records as rec

Progress = Callable[[int, int, str], None]


def default_actor() -> str:
    """Who is making decisions: QUALCODE_USER, else the login name."""
    name = os.environ.get("QUALCODE_USER", "").strip()
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "peneliti"


@dataclass
class FileResult:
    path: str
    status: str  # imported / duplicate / error
    document_id: int | None = None
    name: str = ""
    source_type: str = ""
    segments: int = 0
    message: str = ""


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)

    @property
    def imported(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "imported"]

    @property
    def errors(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "error"]

    @property
    def duplicates(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "duplicate"]


@dataclass
class CodingReport:
    documents: int = 0  # documents (re)coded in this run
    skipped: int = 0  # documents already up to date
    segments: int = 0  # segments matched in this run
    analysed: int = 0  # segments whose language analysis had to be computed
    added: int = 0
    updated: int = 0
    removed: int = 0
    kept: int = 0  # human-reviewed codings left untouched
    codes_in_scope: list[str] = field(default_factory=list)


class Project:
    """One research project: documents, segments, codings, memos, conclusions."""

    def __init__(self, db: Database, location: str) -> None:
        self.db = db
        self.location = location
        self._codebook: Codebook | None = None
        self._codebook_hash = ""

    # ----------------------------------------------------------------- lifecycle

    @classmethod
    def create(
        cls,
        location: str | os.PathLike[str],
        *,
        codebook_path: str | os.PathLike[str] | None = None,
        name: str | None = None,
        actor: str | None = None,
    ) -> Project:
        """Create a project, or open it if it already exists (then the codebook is kept)."""
        codebook = codebook_io.load_codebook(codebook_path)
        yaml_text = _codebook_text(codebook, codebook_path)
        db = Database.open(location, create=True)
        project = cls(db, os.fspath(location))
        with db.write() as conn:
            if not rec.get_info(conn, "created_at"):
                rec.set_info(conn, "created_at", rec.now())
                rec.set_info(conn, "name", name or Path(os.fspath(location)).stem)
                rec.save_codebook(conn, codebook, yaml_text, actor or default_actor())
        return project

    @classmethod
    def open(cls, location: str | os.PathLike[str]) -> Project:
        return cls(Database.open(location), os.fspath(location))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def name(self) -> str:
        with self.db.read() as conn:
            return rec.get_info(conn, "name", Path(self.location).stem)

    # ----------------------------------------------------------------- codebook

    @property
    def codebook(self) -> Codebook:
        with self.db.read() as conn:
            digest = rec.get_info(conn, "codebook_hash")
            if self._codebook is None or digest != self._codebook_hash:
                text = rec.current_codebook_yaml(conn)
                self._codebook = codebook_io.parse_codebook(text, source="project codebook")
                self._codebook_hash = digest
        return self._codebook

    def codebook_yaml(self) -> str:
        with self.db.read() as conn:
            return rec.current_codebook_yaml(conn)

    def set_codebook(self, codebook: Codebook, *, actor: str | None = None) -> str:
        """Make this the project's codebook (a new version); re-code with ``code()``.

        The codebook is checked by the same rules as a codebook file (unique ids, known
        parents and frameworks, no parent cycles...): a ``CodebookError`` leaves the
        project as it was."""
        yaml_text = codebook_io.dump_codebook(codebook)
        if not _one_checked_edit(self._codebook, codebook):
            codebook = codebook_io.parse_codebook(yaml_text, source="the new codebook")
        if self._codebook is not None:
            _remember_codebook(self._codebook_hash, self._codebook)
        with self.db.write() as conn:
            digest = rec.save_codebook(conn, codebook, yaml_text, actor or default_actor())
        # Kept parsed: the next code() compares it with the version documents were
        # coded with, and parsing a large codebook costs more than the re-match.
        _remember_codebook(digest, codebook)
        self._codebook, self._codebook_hash = codebook, digest
        return digest

    def codebook_history(self) -> list[dict[str, Any]]:
        with self.db.read() as conn:
            return rec.codebook_history(conn)

    # ----------------------------------------------------------------- import

    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        limits: ReadLimits | None = None,
        progress: Progress | None = None,
    ) -> ImportReport:
        """Read, segment and store files and folders; one bad file never stops the rest.

        A large import reads and segments its files in forked worker processes (see
        ``_prepared_files``; ``QUALCODE_WORKERS=1`` keeps it in this process) and
        stores them from this one, in order, one transaction per file."""
        from qualcode.merge import is_exchange_file

        report = ImportReport()
        paths = list(paths)
        exchange = [p for p in paths if Path(p).is_file() and is_exchange_file(p)]
        for path in exchange:
            report.files.append(self.import_exchange(path))
        plain = [p for p in paths if p not in exchange]
        listed = list(list_files(plain)) if plain else []
        prepared = _prepared_files(self, listed, limits or read_limits())
        for done, (path, item, segments) in enumerate(prepared, start=1):
            if isinstance(item, ReadError):
                report.files.append(FileResult(str(path), "error", message=str(item)))
            else:
                report.files.append(self._store_document(item, str(path), segments))
            if progress:
                progress(done, len(listed), Path(path).name)
        return report

    def import_exchange(
        self, path: str | os.PathLike[str], *, actor: str | None = None
    ) -> FileResult:
        """Import another tool's REFI-QDA project (.qdpx) or codebook (.qdc)."""
        from qualcode.merge import merge_into

        try:
            merged = merge_into(self, path, actor=actor or default_actor())
        except QualcodeError as exc:
            return FileResult(os.fspath(path), "error", name=Path(path).name, message=str(exc))
        parts = [
            f"{merged.documents_added} documents",
            f"{len(merged.codes_added)} new codes",
            f"{merged.codings_added} codings",
            f"{merged.memos_added} memos",
        ]
        if merged.documents_present:
            parts.append(f"{merged.documents_present} documents already present")
        message = ", ".join(parts)
        if merged.warnings:
            message += "; warnings: " + " | ".join(merged.warnings)
        return FileResult(
            os.fspath(path),
            "imported",
            name=Path(path).name,
            source_type="qdpx",
            message=message,
        )

    def import_upload(
        self,
        data: bytes,
        file_name: str,
        *,
        metadata: Mapping[str, str] | None = None,
        limits: ReadLimits | None = None,
    ) -> FileResult:
        """Import an uploaded file (the app); metadata fills what the file does not say.

        The browser's file name is untrusted: only its cleaned form (``safe_file_name``:
        no folders, control or invisible characters) is stored, shown and logged."""
        safe_name = safe_file_name(file_name)
        try:
            source = read_bytes(
                data, file_name, limits=limits or read_limits(), defaults=dict(metadata or {})
            )
        except ReadError as exc:
            return FileResult(safe_name, "error", name=safe_name, message=str(exc))
        return self._store_document(source, safe_name)

    def add_source(self, source: SourceDocument) -> FileResult:
        """Store an already-read document (used by importers of other formats).

        The text goes through the same normalisation as a file read from disk (no
        BOM, ``\n`` line endings, no control characters, NFC), so every stored text
        obeys one rule; callers' offsets refer to the normalised text."""
        text = normalise_text(source.text)
        if text != source.text:
            source = replace(source, text=text)
        return self._store_document(source, source.path or source.name)

    def _store_document(
        self,
        source: SourceDocument,
        path: str,
        segments: list[Segment] | QualcodeError | None = None,
    ) -> FileResult:
        """Segment (unless ``segments`` comes from ``_segment_source``) and store."""
        result = FileResult(path, "imported", name=source.name, source_type=source.source_type)
        try:
            if segments is None:
                segments = _segment_source(source)
            if isinstance(segments, QualcodeError):
                raise segments
            sha256 = source.sha256
            with self.db.write() as conn:
                existing = rec.find_document_by_sha(conn, sha256)
                if existing is not None:
                    result.status = "duplicate"
                    result.document_id = existing
                    result.message = "already in the project (same text)"
                    return result
                document_id = rec.insert_document(conn, source)
                rec.insert_segments(conn, document_id, segments)
                rec.audit(
                    conn,
                    actor=default_actor(),
                    action="import",
                    entity="document",
                    entity_id=document_id,
                    after={"name": source.name, "sha256": sha256, "path": path},
                )
        except QualcodeError as exc:
            return FileResult(path, "error", name=source.name, message=str(exc))
        result.document_id = document_id
        result.segments = len(segments)
        return result

    def update_document(
        self,
        document_id: int,
        changes: Mapping[str, str],
        *,
        actor: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        if "source_type" in changes and changes["source_type"] not in (
            "interview",
            "observation",
            "document",
        ):
            raise ProjectError(f"unknown source type '{changes['source_type']}'")
        with self.db.write() as conn:
            rec.update_document_metadata(
                conn,
                document_id,
                changes,
                actor=actor or default_actor(),
                expected_version=expected_version,
            )

    def delete_document(self, document_id: int, *, actor: str | None = None) -> None:
        with self.db.write() as conn:
            rec.delete_document(conn, document_id, actor=actor or default_actor())

    # ----------------------------------------------------------------- auto-coding

    def code(
        self,
        *,
        progress: Progress | None = None,
        force: bool = False,
        workers: int | None = None,
    ) -> CodingReport:
        """Auto-code every document whose coding is out of date with the codebook.

        An edit that cannot change matches (a label, a description, a colour) re-codes
        nothing; one that only adds or removes keywords or phrases re-matches only the
        segments holding a root of such a term (``qualcode.recode``); anything else
        re-matches every segment. Language analysis is reused from the cache, and
        codings a human reviewed are never touched.

        Each document is read, analysed and matched outside any transaction, then
        written in one transaction of its own (the segments of a term edit, all in
        one). Large runs spread the documents over ``workers`` processes (default:
        ``coding_workers``) when this process can fork them safely (the CLI, scripts;
        not the app's multi-threaded server); the result is the same.
        """
        from qualcode import recode
        from qualcode.coder import PIPELINE_VERSION, Coder
        from qualcode.nlp.analyze import ANALYSIS_VERSION

        codebook = self.codebook
        report = CodingReport()
        with self.db.read() as conn:
            digest = rec.get_info(conn, "codebook_hash")
            hashes = rec.code_hashes(conn)
            states = rec.coding_states(conn)
            coded = rec.coded_code_ids(conn)
            kept_units = rec.get_info(conn, recode.TERM_UNITS_KEY)
        codable_ids = [c.id for c in codebook.codes if c.codable]
        wanted = recode.coding_state(codebook, digest, PIPELINE_VERSION)
        if not coded <= set(codable_ids):
            with self.db.write() as conn:
                rec.remove_codings_for_unknown_codes(conn, codable_ids)
        doc_ids = sorted(states)
        done = 0

        def tick(name: str = "") -> None:
            nonlocal done
            done += 1
            if progress:
                progress(done, len(doc_ids), name)

        full: list[int] = []
        by_version: dict[str, dict[int, dict[str, str]]] = {}
        for document_id in doc_ids:
            state = states[document_id]
            if force or state.get(recode.PIPELINE_KEY) != PIPELINE_VERSION:
                full.append(document_id)
            elif recode.same_matching(state, wanted):
                report.skipped += 1
                tick()
            else:
                old_digest = state.get(recode.CODEBOOK_KEY, "")
                by_version.setdefault(old_digest, {})[document_id] = state
        # The coder keeps only each segment's leading codes, so one code's result
        # depends on the others: every code of a re-matched segment is re-matched.
        partial: dict[int, dict[str, str]] = {}
        terms: set[str] = set()
        for old_digest, group in by_version.items():
            old = self._codebook_version(old_digest)
            changed = None if old is None else recode.changed_terms(old, codebook)
            before = None if old is None else recode.coding_state(old, old_digest, PIPELINE_VERSION)
            for document_id, state in group.items():
                if changed is None or state != before:
                    full.append(document_id)
                else:
                    partial[document_id] = state
            terms |= set(changed or ())
        report.codes_in_scope = sorted(codable_ids) if full or partial else []
        if not full and not partial:
            return report
        job = _CodingJob(digest, hashes, wanted, PIPELINE_VERSION, ANALYSIS_VERSION)
        known = recode.load_term_units(kept_units, recode.term_units_version())
        coder = Coder(codebook, known_units=known)
        if coder.term_units.keys() != known.keys():
            # Kept for the next run: analysing the terms is most of building a coder.
            with self.db.write() as conn:
                rec.set_info(conn, recode.TERM_UNITS_KEY, recode.dump_term_units(coder))
        if partial:
            rematched = recode.rematch(
                self.db, coder, job, partial, sorted(terms), progress=lambda _d: tick()
            )
            report.documents += len(rematched.counts)
            report.skipped += len(rematched.unchanged)
            report.segments += rematched.segments
            for counts in rematched.counts.values():
                for key in ("added", "updated", "removed", "kept"):
                    setattr(report, key, getattr(report, key) + counts[key])
            full.extend(rematched.fallback)
        scope = tuple(sorted(codable_ids))
        tasks = [(document_id, scope) for document_id in sorted(full)]
        if not tasks:
            return report
        with self.db.read() as conn:
            sizes = {int(r["document_id"]): int(r["n_chars"]) for r in rec.document_rows(conn)}
        n_workers = coding_workers(sum(sizes.get(d, 0) for d, _ in tasks), workers)
        if n_workers > 1 and len(tasks) > 1 and _can_fork():
            results = _code_in_processes(self, coder, job, tasks, n_workers)
        else:
            results = (_code_document(self.db, coder, job, task) for task in tasks)
        for result in results:
            if result is not None:
                report.documents += 1
                report.segments += result["segments"]
                report.analysed += result["analysed"]
                for key in ("added", "updated", "removed", "kept"):
                    setattr(report, key, getattr(report, key) + result[key])
            tick(result["name"] if result else "")
        return report

    def _codebook_version(self, digest: str) -> Codebook | None:
        """The project's codebook version with this hash, or None when unknown."""
        if not digest:
            return None
        known = _PARSED_CODEBOOKS.get(digest)
        if known is not None:
            return known
        with self.db.read() as conn:
            text = rec.codebook_version_yaml(conn, digest)
        if text is None:
            return None
        try:
            codebook = codebook_io.parse_codebook(text, source=f"codebook version {digest}")
        except QualcodeError:
            return None
        _remember_codebook(digest, codebook)
        return codebook

    def save_suggestions(
        self,
        spans: Mapping[int, tuple[int, int, int]],
        suggestions: Mapping[int, Sequence[CodeSuggestion]],
        *,
        origin: str = "suggester",
        pipeline_version: str = "",
    ) -> dict[str, int]:
        """Store machine suggestions of ``origin`` for the segments in ``spans``.

        ``spans`` maps segment id -> (document id, start, end). Pending suggestions
        of this origin are updated or removed; reviewed ones stay as they are.
        """
        by_document: dict[int, list[int]] = {}
        for segment_id, (document_id, _start, _end) in spans.items():
            by_document.setdefault(document_id, []).append(segment_id)
        totals = {"added": 0, "updated": 0, "removed": 0, "kept": 0}
        with self.db.write() as conn:
            digest = rec.get_info(conn, "codebook_hash")
            hashes = rec.code_hashes(conn)
            for document_id, segment_ids in sorted(by_document.items()):
                counts = rec.replace_machine_codings(
                    conn,
                    document_id=document_id,
                    segment_ids=segment_ids,
                    suggestions=suggestions,
                    spans={sid: spans[sid][1:] for sid in segment_ids},
                    codebook_hash=digest,
                    code_hashes=hashes,
                    pipeline_version=pipeline_version,
                    origin=origin,
                )
                for key in totals:
                    totals[key] += counts[key]
        return totals

    # ----------------------------------------------------------------- decisions

    def accept(
        self, coding_id: int, *, actor: str | None = None, expected_version: int | None = None
    ) -> None:
        self.decide(coding_id, status="accepted", actor=actor, expected_version=expected_version)

    def reject(
        self, coding_id: int, *, actor: str | None = None, expected_version: int | None = None
    ) -> None:
        self.decide(coding_id, status="rejected", actor=actor, expected_version=expected_version)

    def decide(
        self,
        coding_id: int,
        *,
        status: str | None = None,
        code_id: str | None = None,
        valence: str | None = None,
        actor: str | None = None,
        expected_version: int | None = None,
    ) -> dict[str, Any]:
        if status is not None and status not in ("accepted", "rejected", "suggested", "manual"):
            raise ProjectError(f"unknown status '{status}'")
        if valence is not None and valence not in ("pendukung", "penghambat", "netral"):
            raise ProjectError(f"unknown valence '{valence}'")
        with self.db.write() as conn:
            return rec.decide(
                conn,
                coding_id,
                actor=actor or default_actor(),
                status=status,
                code_id=code_id,
                valence=valence,
                expected_version=expected_version,
            )

    def add_coding(
        self,
        document_id: int,
        start: int,
        end: int,
        code_id: str,
        *,
        valence: str = "netral",
        actor: str | None = None,
        origin: str = "human",
        status: str = "manual",
        coder: str | None = None,
    ) -> int:
        """Code a span by hand (or record a coding imported from another tool)."""
        if valence not in ("pendukung", "penghambat", "netral"):
            raise ProjectError(f"unknown valence '{valence}'")
        with self.db.write() as conn:
            return rec.add_manual_coding(
                conn,
                document_id=document_id,
                start=start,
                end=end,
                code_id=code_id,
                valence=valence,
                actor=actor or default_actor(),
                codebook_hash=rec.get_info(conn, "codebook_hash"),
                origin=origin,
                status=status,
                coder=coder,
            )

    def delete_coding(self, coding_id: int, *, actor: str | None = None) -> None:
        with self.db.write() as conn:
            rec.delete_coding(conn, coding_id, actor=actor or default_actor())

    def undo(self, *, actor: str | None = None) -> dict[str, Any] | None:
        """Undo this actor's last coding decision; None when there is nothing to undo.

        Raises ``ConflictError`` (naming the coding and who changed it) when someone
        changed that coding since: their work is kept, the refusal is logged, and the
        next undo moves on to the decision before."""
        with self.db.write() as conn:
            result = rec.undo_last(conn, actor=actor or default_actor())
        if result is not None and result.get("conflict"):
            raise ConflictError(
                f"{result['conflict']}; nothing was undone (undo again for your decision before it)"
            )
        return result

    def audit_log(self, *, entity: str | None = None, limit: int = 500) -> pd.DataFrame:
        with self.db.read() as conn:
            return pd.DataFrame(rec.audit_entries(conn, entity=entity, limit=limit))

    # ----------------------------------------------------------------- memos & conclusions

    def save_memo(
        self,
        target_type: str,
        target_id: str | int,
        text: str,
        *,
        title: str = "",
        memo_id: int | None = None,
        actor: str | None = None,
    ) -> int:
        with self.db.write() as conn:
            return rec.save_memo(
                conn,
                target_type=target_type,
                target_id=str(target_id),
                text=text,
                title=title,
                memo_id=memo_id,
                actor=actor or default_actor(),
            )

    def delete_memo(self, memo_id: int, *, actor: str | None = None) -> None:
        with self.db.write() as conn:
            rec.delete_memo(conn, memo_id, actor=actor or default_actor())

    def memos(
        self, target_type: str | None = None, target_id: str | int | None = None
    ) -> list[Memo]:
        with self.db.read() as conn:
            return rec.list_memos(
                conn,
                target_type=target_type,
                target_id=None if target_id is None else str(target_id),
            )

    def save_conclusion(
        self,
        text: str,
        *,
        code_ids: Sequence[str] = (),
        supporting: Sequence[int] = (),
        contradicting: Sequence[int] = (),
        conclusion_id: int | None = None,
        actor: str | None = None,
    ) -> int:
        if not text.strip():
            raise ProjectError("a conclusion needs a text")
        with self.db.write() as conn:
            return rec.save_conclusion(
                conn,
                text=text,
                code_ids=code_ids,
                supporting=supporting,
                contradicting=contradicting,
                conclusion_id=conclusion_id,
                actor=actor or default_actor(),
            )

    def delete_conclusion(self, conclusion_id: int, *, actor: str | None = None) -> None:
        with self.db.write() as conn:
            rec.delete_conclusion(conn, conclusion_id, actor=actor or default_actor())

    def conclusions(self) -> list[Conclusion]:
        with self.db.read() as conn:
            return rec.list_conclusions(conn)

    # ----------------------------------------------------------------- reading

    def documents_frame(self) -> pd.DataFrame:
        with self.db.read() as conn:
            rows = rec.document_rows(conn)
        return _frame(rows, DOCUMENT_COLUMNS)

    def document(self, document_id: int) -> Any:
        with self.db.read() as conn:
            return rec.get_document(conn, document_id)

    def segments_frame(
        self, document_id: int | None = None, *, segment_ids: Iterable[int] | None = None
    ) -> pd.DataFrame:
        """Every segment with its document and text (docs/FRAMES.md); only one
        document's, or only ``segment_ids`` (those found), when given."""
        with _bulk_read():
            with self.db.read() as conn:
                rows = rec.segment_rows(conn, document_id, segment_ids)
                if document_id is None and segment_ids is None:
                    documents = rec.document_rows(conn)
                    texts = rec.document_texts(conn) if rows["segment_id"] else {}
                else:  # only the documents these segments belong to
                    documents = rec.document_rows(conn, set(rows["document_id"]))
                    texts = rec.document_texts(conn, set(rows["document_id"]))
            frame = _spans_frame(rows, documents, texts, SEGMENT_COLUMNS)
        frame["codable"] = frame["codable"].astype(bool)
        return frame

    def codings_frame(self, *, evidence: bool = True) -> pd.DataFrame:
        """Every coding with its document, segment and code (docs/FRAMES.md), plus
        ``evidence_json``, ``version`` and ``updated_at``. ``evidence=False`` leaves
        out ``evidence_json`` (the largest column; ``coding_evidence`` reads one)."""
        columns = [c for c in CODING_COLUMNS if evidence or c != "evidence_json"]
        with _bulk_read():
            with self.db.read() as conn:
                rows = rec.coding_rows(conn, evidence=evidence)
                documents = rec.document_rows(conn)
                texts = rec.document_texts(conn) if rows["coding_id"] else {}
            frame = _spans_frame(rows, documents, texts, columns)
        for column in ("segment_id", "segment_index"):
            frame[column] = frame[column].astype("Int64")
        return frame

    def data_version(self) -> int:
        """The newest audit entry's id: it changes with every recorded change."""
        with self.db.read() as conn:
            return rec.last_audit_id(conn)

    def entity_versions(self) -> dict[str, int]:
        """The newest audit entry's id of each entity (document, coding, memo, ...)."""
        with self.db.read() as conn:
            return rec.last_audit_ids(conn)

    def coded_units(self) -> list[tuple[str, str]]:
        """(code id, unit) for every coding not rejected, each pair once; the unit is
        the segment id, or "document id:start" for a coding outside any segment."""
        with self.db.read() as conn:
            rows = rec.coded_units(conn)
        pairs = (
            (code_id, str(segment_id) if segment_id is not None else f"{document_id}:{start}")
            for code_id, segment_id, document_id, start in rows
        )
        return list(dict.fromkeys(pairs))

    def coding_evidence(self, coding_id: int) -> str:
        """A coding's stored evidence (JSON; "[]" when the coding is gone)."""
        with self.db.read() as conn:
            found = rec.coding_evidence(conn, int(coding_id))
        return "[]" if found is None else found

    def review_counts(self) -> dict[str, int]:
        """Documents, informants and codings per status, counted by the database
        (``store.records.review_counts``) instead of from the frames."""
        with self.db.read() as conn:
            return rec.review_counts(conn)

    def project_data(self) -> ProjectData:
        """The whole project as plain records, for exports and exchange."""
        with self.db.read() as conn:
            return ProjectData(
                name=rec.get_info(conn, "name"),
                codebook=self.codebook,
                documents=rec.list_documents(conn),
                segments=rec.list_segments(conn),
                codings=rec.list_codings(conn),
                memos=rec.list_memos(conn),
                conclusions=rec.list_conclusions(conn),
                created_at=rec.get_info(conn, "created_at"),
            )

    def summary(self) -> dict[str, Any]:
        """Counts a researcher checks after a run (JSON-ready)."""
        codings = self.codings_frame()
        documents = self.documents_frame()
        codebook = self.codebook
        codable = [c for c in codebook.codes if c.codable]
        with self.db.read() as conn:
            totals = rec.counts(conn)
            digest = rec.get_info(conn, "codebook_hash")
        segments = self.segments_frame()
        live = codings[codings["status"] != "rejected"]
        per_code = {
            c.id: {
                "name": c.name,
                "codings": int((live["code_id"] == c.id).sum()),
                "pendukung": int(
                    ((live["code_id"] == c.id) & (live["valence"] == "pendukung")).sum()
                ),
                "penghambat": int(
                    ((live["code_id"] == c.id) & (live["valence"] == "penghambat")).sum()
                ),
            }
            for c in codable
        }
        return {
            "project": self.name,
            "codebook": {"name": codebook.name, "version": codebook.version, "hash": digest},
            "documents": {
                "total": totals["documents"],
                "by_source_type": {
                    st: int((documents["source_type"] == st).sum())
                    for st in ("interview", "observation", "document")
                },
            },
            "informants": sorted(i for i in documents["informant"].unique() if i),
            "segments": {
                "total": totals["segments"],
                "codable": int(segments["codable"].sum()) if len(segments) else 0,
                "coded": int(live["segment_id"].nunique()) if len(live) else 0,
            },
            "codings": {
                "total": int(len(live)),
                "by_code": per_code,
                "by_valence": {
                    v: int((live["valence"] == v).sum())
                    for v in ("pendukung", "penghambat", "netral")
                },
                "by_status": {
                    s: int((codings["status"] == s).sum())
                    for s in ("suggested", "accepted", "rejected", "manual")
                },
            },
            "codes_not_found": [cid for cid, v in per_code.items() if v["codings"] == 0],
            "memos": totals["memos"],
        }


DOCUMENT_COLUMNS = [
    "document_id",
    "name",
    "source_type",
    "informant",
    "role",
    "date",
    "place",
    "title",
    "format",
    "n_chars",
    "imported_at",
    "version",
]
# The frames' contract lives with the analyses that read them (docs/FRAMES.md); the
# service adds what the app needs to show evidence and detect conflicts.
SEGMENT_COLUMNS = list(analysis_filters.SEGMENT_COLUMNS)
CODING_COLUMNS = [*analysis_filters.CODING_COLUMNS, "evidence_json", "version", "updated_at"]


# --------------------------------------------------------------------------- import runs

# A file to import: (path, folder it was found in, error); read and segmented.
Listed = tuple[Path, Path | None, ReadError | None]
Prepared = tuple[Path, SourceDocument | ReadError, list[Segment] | QualcodeError | None]


def _segment_source(source: SourceDocument) -> list[Segment] | QualcodeError:
    """The document's segments, or the error that stops it from being stored."""
    interviewer = [str(source.metadata.get("interviewer", "")).strip()]
    try:
        return segment_document(
            source.text,
            source.source_type,
            interviewer_labels=[label for label in interviewer if label],
        )
    except QualcodeError as exc:
        return exc


def _prepare_file(reader: FileReader, item: Listed) -> Prepared:
    """Read and segment one listed file (no database work)."""
    path, root, error = item
    if error is not None:
        return path, error, None
    try:
        source = reader.read(path, root)
    except ReadError as exc:
        return path, exc, None
    return path, source, _segment_source(source)


# The file reader of an import worker process.
_IMPORT_WORKER: dict[str, FileReader] = {}


def _init_import_worker(limits: ReadLimits) -> None:
    _IMPORT_WORKER["reader"] = FileReader(limits=limits)


def _prepare_file_in_worker(item: Listed) -> Prepared:
    return _prepare_file(_IMPORT_WORKER["reader"], item)


def _prepared_files(
    project: Project, listed: Sequence[Listed], limits: ReadLimits
) -> Iterator[Prepared]:
    """Read and segment ``listed`` files, in order.

    Reading and segmenting a large import is spread over forked processes (as
    ``code()`` does, same worker count); this process keeps the database writes,
    in the files' order, so documents get the same ids either way.
    """
    size = 0
    for path, _, error in listed:
        if error is None:
            with contextlib.suppress(OSError):
                size += path.stat().st_size
    n_workers = min(coding_workers(size), len(listed))
    if n_workers <= 1 or not _can_fork():
        reader = FileReader(limits=limits)
        for item in listed:
            yield _prepare_file(reader, item)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    project.db.engine.dispose()  # no database connection crosses the fork
    with ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=context,
        initializer=_init_import_worker,
        initargs=(limits,),
    ) as executor:
        yield from executor.map(_prepare_file_in_worker, listed, chunksize=4)


# --------------------------------------------------------------------------- coding runs

# Below this much text to (re)code, starting worker processes costs more than it saves.
PARALLEL_MIN_CHARS = 400_000
MAX_WORKERS = 8


def coding_workers(total_chars: int, requested: int | None = None) -> int:
    """How many processes ``Project.code()`` uses for ``total_chars`` of text.

    ``requested`` (or the environment variable ``QUALCODE_WORKERS``) decides when
    given; otherwise every usable CPU (at most ``MAX_WORKERS``) for a run of at
    least ``PARALLEL_MIN_CHARS`` characters, and one process below that.
    """
    if requested is None:
        value = os.environ.get("QUALCODE_WORKERS", "").strip()
        requested = int(value) if value.isdigit() else None
    if requested is not None:
        return max(1, requested)
    if total_chars < PARALLEL_MIN_CHARS:
        return 1
    affinity = getattr(os, "sched_getaffinity", None)
    cpus = len(affinity(0)) if affinity is not None else (os.cpu_count() or 1)
    return max(1, min(cpus, MAX_WORKERS))


def _one_checked_edit(current: Codebook | None, new: Codebook) -> bool:
    """True when ``new`` is the valid ``current`` with one code changed exactly as
    ``codebook.with_code`` checks and writes it, so that it obeys the rules of a
    codebook file without parsing its YAML again (the app's code editor)."""
    if current is None or len(current.codes) != len(new.codes):
        return False
    changed = [n for o, n in zip(current.codes, new.codes, strict=True) if o != n]
    if len(changed) != 1:
        return False
    try:
        return codebook_io.with_code(current, changed[0]) == new
    except QualcodeError:
        return False


# Parsed codebooks by content hash (which names their content, in any project).
_PARSED_CODEBOOKS: dict[str, Codebook] = {}
_PARSED_LOCK = threading.Lock()  # the app's server runs sessions in threads


def _remember_codebook(digest: str, codebook: Codebook) -> None:
    if not digest:
        return
    with _PARSED_LOCK:
        _PARSED_CODEBOOKS.pop(digest, None)
        if len(_PARSED_CODEBOOKS) >= 8:
            _PARSED_CODEBOOKS.pop(next(iter(_PARSED_CODEBOOKS)))
        _PARSED_CODEBOOKS[digest] = codebook


@dataclass(frozen=True)
class _CodingJob:
    """What every document of one ``code()`` run shares."""

    codebook_hash: str
    code_hashes: dict[str, str]  # full content hashes, recorded with each coding
    wanted_state: dict[str, str]  # see qualcode.recode.coding_state
    pipeline_version: str
    analysis_version: str  # the cache key of segment analyses and root words


def _code_document(
    db: Database,
    coder: Any,
    job: _CodingJob,
    task: tuple[int, tuple[str, ...]],
    write_lock: Any = None,
) -> dict[str, Any] | None:
    """Analyse and match one document, then store the result in one transaction.

    ``write_lock`` (shared by the workers of one run) makes them take turns to
    write: SQLite lets one writer in at a time, and a writer that finds the
    database busy sleeps for up to 100 ms before it tries again.
    Returns the counts, or None when the document was deleted meanwhile.
    """
    from qualcode.coder import match_roots
    from qualcode.nlp.analyze import analyse_many
    from qualcode.recode import encode_roots, readable_analyses

    document_id, scope = task
    try:
        with db.read() as conn:
            document = rec.get_document(conn, document_id)
            segs = [s for s in rec.list_segments(conn, document_id) if s.codable]
            ids = [s.id for s in segs]
            blobs = rec.get_analyses(conn, ids, job.analysis_version)
            # Only a segment with a cached analysis can have roots stored already.
            with_roots = rec.segments_with_roots(conn, list(blobs), job.analysis_version)
    except ProjectError:
        return None
    cached = readable_analyses(blobs)
    missing = [s for s in segs if s.id not in cached]
    fresh = list(analyse_many([document.text[s.start : s.end] for s in missing]))
    new_blobs = {s.id: a.to_bytes() for s, a in zip(missing, fresh, strict=True)}
    analysed = {s.id: a for s, a in zip(missing, fresh, strict=True)}
    analysed.update((sid, a) for sid, a in cached.items() if sid not in analysed)
    wanted = set(scope)
    suggestions = {}
    for seg in segs:
        analysis = analysed[seg.id]
        suggestions[seg.id] = coder.code_analysed(analysis, offset=seg.start, only_codes=wanted)
    # Root words for the segments that have none yet (new, or from before they were kept).
    roots = {
        s.id: encode_roots(match_roots(analysed[s.id]))
        for s in segs
        if s.id not in with_roots or s.id in new_blobs
    }
    with write_lock if write_lock is not None else contextlib.nullcontext(), db.write() as conn:
        if not rec.document_exists(conn, document_id):
            return None  # deleted while it was being analysed
        rec.put_analyses(conn, new_blobs, job.analysis_version)
        rec.put_segment_roots(conn, roots, job.analysis_version)
        counts = rec.replace_machine_codings(
            conn,
            document_id=document_id,
            segment_ids=ids,
            suggestions=suggestions,
            spans={s.id: (s.start, s.end) for s in segs},
            codebook_hash=job.codebook_hash,
            code_hashes=job.code_hashes,
            pipeline_version=job.pipeline_version,
            only_codes=wanted,
        )
        rec.set_coding_state(conn, document_id, job.wanted_state)
    return {"name": document.name, "segments": len(segs), "analysed": len(missing), **counts}


# One coder and one database handle per worker process.
_WORKER: dict[str, Any] = {}


def _init_coding_worker(location: str, job: _CodingJob, lock: Any) -> None:
    _WORKER["db"] = Database.open(location)
    _WORKER["job"] = job
    _WORKER["lock"] = lock


def _code_document_in_worker(task: tuple[int, tuple[str, ...]]) -> dict[str, Any] | None:
    return _code_document(_WORKER["db"], _WORKER["coder"], _WORKER["job"], task, _WORKER["lock"])


def _can_fork() -> bool:
    """Worker processes are forked, and only from a process with a single thread.

    Forking a multi-threaded process can deadlock the child, and the other start
    methods re-run the caller's main module, which a script or notebook may not
    guard with ``if __name__ == "__main__"``.
    """
    import multiprocessing
    import threading

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


def _code_in_processes(
    project: Project,
    coder: Any,
    job: _CodingJob,
    tasks: Sequence[tuple[int, tuple[str, ...]]],
    n_workers: int,
) -> Iterator[dict[str, Any] | None]:
    """Code ``tasks`` in ``n_workers`` forked processes, yielding results as they finish.

    The workers inherit the compiled coder and the loaded language tools; each
    opens its own database handle (no connection crosses the fork).
    """
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    _WORKER["coder"] = coder
    context = multiprocessing.get_context("fork")
    project.db.engine.dispose()
    executor = ProcessPoolExecutor(
        max_workers=min(n_workers, len(tasks)),
        mp_context=context,
        initializer=_init_coding_worker,
        initargs=(project.location, job, context.Lock()),
    )
    pending: set[Future[dict[str, Any] | None]] = set()
    queue = list(reversed(tasks))
    try:
        # Keep a few documents queued per worker, not all of them, so memory stays flat.
        while queue or pending:
            while queue and len(pending) < 4 * n_workers:
                pending.add(executor.submit(_code_document_in_worker, queue.pop()))
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        _WORKER.clear()


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


@contextlib.contextmanager
def _bulk_read() -> Iterator[None]:
    """No cyclic garbage collection while a frame is built: its hundreds of thousands
    of new objects (none of them cyclic) would start a full collection again and
    again, a third of the time. Collection resumes as it was afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# A span's columns taken from its document: frame column -> document row key.
_DOCUMENT_FIELDS = {
    "document": "name",
    "source_type": "source_type",
    "informant": "informant",
    "role": "role",
    "date": "date",
}


def _spans_frame(
    data: dict[str, list[Any]],
    documents: list[dict[str, Any]],
    texts: Mapping[int, str],
    columns: list[str],
) -> pd.DataFrame:
    """Segments or codings (``data``: column -> values) with their document's metadata
    and the text of their span, as ``columns``. The documents are few and the spans
    many, so each document is read once, not once a span."""
    by_id = {int(d["document_id"]): d for d in documents}
    document_ids = data["document_id"]
    if not all(i in by_id for i in document_ids):  # only spans of stored documents
        keep = [i in by_id for i in document_ids]
        data = {
            k: [v for v, kept in zip(values, keep, strict=True) if kept]
            for k, values in data.items()
        }
        document_ids = data["document_id"]
    if not document_ids:
        return pd.DataFrame([], columns=columns)
    data = dict(data)
    for column, key in _DOCUMENT_FIELDS.items():
        values = {i: d[key] for i, d in by_id.items()}
        data[column] = [values[i] for i in document_ids]
    data["text"] = [
        texts[i][start:end]
        for i, start, end in zip(document_ids, data["start"], data["end"], strict=True)
    ]
    return pd.DataFrame({column: data[column] for column in columns}, columns=columns)


def _codebook_text(codebook: Codebook, path: str | os.PathLike[str] | None) -> str:
    """Keep the researcher's file as written (comments included) when there is one."""
    if path is None:
        return codebook_io.default_codebook_path().read_text(encoding="utf-8")
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return codebook_io.dump_codebook(codebook)


def evidence_of(evidence_json: str) -> list[dict[str, Any]]:
    """Parse a coding's stored evidence for display."""
    try:
        value = json.loads(evidence_json or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []
