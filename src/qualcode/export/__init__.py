"""Everything that leaves the tool: the thesis report (docx, md), spreadsheets
(xlsx, csv), the code network (graphml, gexf, png, svg) and REFI-QDA exchange
(qdpx, qdc).

The one entry point is :func:`export`; the app's Ekspor page, the CLI and the
notebooks call it. Every export records the codebook name, version and hash and
the export date, applies the same filters (default: codings the researcher
accepted or made by hand) and, when asked, replaces informants' real names with
their pseudonyms in metadata and in the text of every format.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from qualcode.errors import QualcodeError
from qualcode.export.pseudonym import apply_pseudonyms, build_pseudonyms, find_names
from qualcode.export.selection import DEFAULT_STATUSES, ExportData, collect

if TYPE_CHECKING:
    from qualcode.model import ProjectData
    from qualcode.service import Project

__all__ = [
    "DEFAULT_STATUSES",
    "FORMATS",
    "ExportInfo",
    "apply_pseudonyms",
    "build_pseudonyms",
    "export",
    "export_bytes",
]

# format -> (Indonesian label, MIME type, file extension with its dot)
FORMATS: dict[str, tuple[str, str, str]] = {
    "docx": (
        "Laporan hasil analisis (Word)",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "md": ("Laporan hasil analisis (Markdown)", "text/markdown", ".md"),
    "xlsx": (
        "Tabel dan matriks (Excel)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "csv": ("Segmen terkode (CSV)", "text/csv", ".csv"),
    "graphml": ("Jaringan kode (GraphML)", "application/graphml+xml", ".graphml"),
    "gexf": ("Jaringan kode untuk Gephi (GEXF)", "application/gexf+xml", ".gexf"),
    "png": ("Gambar jaringan kode (PNG)", "image/png", ".png"),
    "svg": ("Gambar jaringan kode (SVG)", "image/svg+xml", ".svg"),
    "qdpx": ("Proyek REFI-QDA (NVivo, ATLAS.ti, MAXQDA)", "application/zip", ".qdpx"),
    "qdc": ("Buku kode REFI-QDA", "application/xml", ".qdc"),
}

_WARNINGS: dict[str, dict[str, str]] = {
    "id": {
        "empty": (
            "tidak ada pengodean yang memenuhi filter (status: {statuses}); "
            "hasil ekspor menjelaskannya"
        ),
        "suggested": (
            "{n} pengodean usulan yang belum ditinjau tidak disertakan; tambahkan "
            "--status suggested untuk menyertakannya"
        ),
        "names": "nama asli masih ditemukan setelah pseudonimisasi: {names}",
        "no_network": "tidak ada kode yang dapat digambar sebagai jaringan; gambar kosong",
        "no_names": (
            "pseudonimisasi diminta, tetapi tidak ada dokumen yang mencatat nama asli informan "
            "(metadata 'name'); teks dibiarkan apa adanya"
        ),
    },
    "en": {
        "empty": "no coding matches the filters (status: {statuses}); the export says so",
        "suggested": (
            "{n} suggested codings nobody reviewed are left out; add --status suggested "
            "to include them"
        ),
        "names": "real names still found after pseudonymisation: {names}",
        "no_network": "no code to draw as a network; the picture is empty",
        "no_names": (
            "pseudonymisation asked, but no document records a real informant name "
            "(metadata 'name'); texts were left as they are"
        ),
    },
}


@dataclass
class ExportInfo:
    """What an export wrote, for the user and the audit trail."""

    format: str
    path: str | None  # the file written, or None for a stream
    bytes_written: int
    codebook_name: str
    codebook_version: str
    codebook_hash: str
    exported_at: str  # ISO 8601 with time zone
    counts: dict[str, int] = field(default_factory=dict)
    filters: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # other files written beside it

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line: what was written where."""
        where = self.path or "stream"
        counts = self.counts
        return (
            f"{self.format}: {where} ({self.bytes_written:,} bytes; "
            f"{counts.get('codings', 0)} codings, {counts.get('segments', 0)} segments, "
            f"{counts.get('documents', 0)} documents; codebook {self.codebook_name} "
            f"{self.codebook_version}, hash {self.codebook_hash}; {self.exported_at})"
        )


def export(
    project: Project,
    fmt: str,
    out: IO[bytes] | str | os.PathLike[str],
    *,
    codes: Iterable[str] | str | None = None,
    informants: Iterable[str] | str | None = None,
    source_types: Iterable[str] | str | None = None,
    statuses: Iterable[str] | str | None = DEFAULT_STATUSES,
    pseudonymise: bool = False,
    language: str = "id",
    window: int = 0,
) -> ExportInfo:
    """Export ``project`` as ``fmt`` (a key of :data:`FORMATS`) to a file path or a
    binary stream.

    Filters: ``codes`` (ids or names; a grouping code includes its children),
    ``informants`` (labels such as "Informan 2", or the real name recorded in a
    document's metadata), ``source_types`` (interview/observation/document or
    wawancara/observasi/dokumentasi), ``statuses`` (default accepted + manual;
    ``None`` or "all" for every status). ``pseudonymise`` replaces real informant
    names everywhere; ``language`` is "id" or "en"; ``window`` is the co-occurrence
    window in segments. A Markdown report written to a path saves its figure beside
    it (``<name>-gambar-1.png``). Raises QualcodeError for an unknown format,
    filter value or an output that cannot be written.
    """
    fmt = _check_format(fmt)
    target = _target(out)
    data = collect(
        project,
        codes=codes,
        informants=informants,
        source_types=source_types,
        statuses=statuses,
        pseudonymise=pseudonymise,
        language=language,
        window=window,
    )
    extra: dict[str, bytes] = {}
    payload = _render(data, fmt, target, extra)
    warnings = list(data.warnings) + _warnings(data, fmt, payload, extra)
    written: list[str] = []
    if target is None:
        assert not isinstance(out, str | os.PathLike)
        out.write(payload)
    else:
        for name, content in extra.items():
            sibling = target.with_name(name)
            _write_file(sibling, content)
            written.append(str(sibling))
        _write_file(target, payload)
    return ExportInfo(
        format=fmt,
        path=str(target) if target is not None else None,
        bytes_written=len(payload),
        codebook_name=data.codebook.name,
        codebook_version=data.codebook.version,
        codebook_hash=data.codebook_hash,
        exported_at=data.exported_at.isoformat(timespec="seconds"),
        counts=data.counts(),
        filters=data.filters.as_dict(),
        warnings=warnings,
        files=written,
    )


def export_bytes(project: Project, fmt: str, **options: Any) -> tuple[bytes, ExportInfo]:
    """:func:`export` into memory: the file's bytes and what was written (for a
    download button)."""
    buffer = io.BytesIO()
    info = export(project, fmt, buffer, **options)
    return buffer.getvalue(), info


# --------------------------------------------------------------------------- rendering


def _render(data: ExportData, fmt: str, target: Path | None, extra: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    if fmt in ("docx", "md"):
        from qualcode.export.report import build_report

        with_figure = fmt == "docx" or target is not None
        report = build_report(data, figure=with_figure)
        if fmt == "docx":
            from qualcode.export.docx import write_docx

            write_docx(report, buffer)
        else:
            from qualcode.export.markdown import render_markdown
            from qualcode.export.report import Figure

            names: list[str] | None = None
            if target is not None:
                names = []
                figures = [b for b in report.blocks if isinstance(b, Figure)]
                for number, figure in enumerate(figures, start=1):
                    name = f"{target.stem}-gambar-{number}.png"
                    names.append(name)
                    extra[name] = figure.png
            buffer.write(render_markdown(report, names).encode("utf-8"))
    elif fmt == "xlsx":
        from qualcode.export.tables import write_xlsx

        write_xlsx(data, buffer)
    elif fmt == "csv":
        from qualcode.export.tables import write_csv

        write_csv(data, buffer)
    elif fmt in ("graphml", "gexf", "png", "svg"):
        from qualcode.export import graph

        if fmt == "graphml":
            graph.write_graphml(data, buffer)
        elif fmt == "gexf":
            graph.write_gexf(data, buffer)
        else:
            graph.write_image(data, buffer, fmt)
    elif fmt == "qdpx":
        from qualcode.exchange.refi_write import build_qdpx

        statuses = data.filters.statuses
        content, losses = build_qdpx(
            qdpx_project(data),
            pseudonyms=data.replacer.text_mapping() or None,
            include_rejected=statuses is None or "rejected" in statuses,
            exported_at=data.exported_at,
        )
        buffer.write(content)
        data.warnings.extend(losses)
    elif fmt == "qdc":
        from qualcode.exchange.refi_write import write_qdc

        write_qdc(data.codebook, buffer)
    return buffer.getvalue()


def qdpx_project(data: ExportData) -> ProjectData:
    """The project as the .qdpx carries it: the selected codings, the documents the
    informant and source type filters keep, and, when pseudonymising, names,
    titles, metadata, memos and findings with real names replaced (the texts are
    replaced by the REFI-QDA writer, which also moves the coding positions)."""
    raw = data.project_data
    keep = set(int(i) for i in data.codings["coding_id"])
    filters = data.filters
    documents = [
        d
        for d in raw.documents
        if (filters.informants is None or d.informant in filters.informants)
        and (filters.source_types is None or d.source_type in filters.source_types)
    ]
    doc_ids = {d.id for d in documents}
    project = replace(
        raw,
        documents=documents,
        segments=[s for s in raw.segments if s.document_id in doc_ids],
        codings=[c for c in raw.codings if c.id in keep],
        conclusions=data.conclusions,
    )
    if not data.pseudonyms:
        return project
    names = data.replacer
    return replace(
        project,
        name=names.field(project.name),
        documents=[
            replace(
                d,
                name=names.identifier(d.name),
                title=names.field(d.title),
                informant=names.field(d.informant),
                role=names.field(d.role),
                place=names.field(d.place),
                metadata=names.value(dict(d.metadata)),
            )
            for d in project.documents
        ],
        memos=data.memos,
    )


# --------------------------------------------------------------------------- checks and output


def _warnings(data: ExportData, fmt: str, payload: bytes, extra: dict[str, bytes]) -> list[str]:
    lang = data.language if data.language in _WARNINGS else "id"
    words = _WARNINGS[lang]
    out: list[str] = []
    counts = data.counts()
    if fmt != "qdc" and counts["codings"] == 0:
        out.append(words["empty"].format(statuses=data.statuses_text()))
    if fmt != "qdc" and counts["suggested_left_out"]:
        out.append(words["suggested"].format(n=counts["suggested_left_out"]))
    if fmt in ("graphml", "gexf", "png", "svg") and counts["codings"] == 0:
        out.append(words["no_network"])
    if data.filters.pseudonymise and not data.pseudonyms:
        out.append(words["no_names"])
    if data.pseudonyms:
        leaks = find_names(_searchable_text(fmt, payload), data.pseudonyms)
        for content in extra.values():
            leaks += find_names(_searchable_text("png", content), data.pseudonyms)
        if leaks:
            out.append(words["names"].format(names=", ".join(dict.fromkeys(leaks))))
    return out


def _searchable_text(fmt: str, payload: bytes) -> str:
    """The text of an export as a reader would search it (zip members unpacked)."""
    if payload[:2] == b"PK":
        parts: list[str] = []
        try:
            with zipfile.ZipFile(io.BytesIO(payload)) as archive:
                for info in archive.infolist():
                    if info.file_size > 200_000_000:
                        continue
                    data = archive.read(info)
                    if info.filename.endswith((".xml", ".rels", ".txt", ".qde")):
                        parts.append(_xml_text(data.decode("utf-8", errors="replace")))
        except zipfile.BadZipFile:
            return ""
        return "\n".join(parts)
    if fmt == "png":
        return payload.decode("latin-1", errors="replace")
    return _xml_text(payload.decode("utf-8", errors="replace"))


def _xml_text(text: str) -> str:
    """Markup removed and entities decoded, so that a name split by tags or
    written with character references is still found."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def _check_format(fmt: str) -> str:
    key = str(fmt or "").strip().lower().lstrip(".")
    if key not in FORMATS:
        raise QualcodeError(f"unknown export format '{fmt}'; use one of: {', '.join(FORMATS)}")
    return key


def _target(out: IO[bytes] | str | os.PathLike[str]) -> Path | None:
    if isinstance(out, str | os.PathLike):
        path = Path(out)
        if str(out) == "" or path.is_dir():
            raise QualcodeError(f"'{out}' is a folder; give a file name to export to")
        return path
    if not hasattr(out, "write"):
        raise QualcodeError("export needs a file path or a binary stream to write to")
    return None


def _write_file(path: Path, content: bytes) -> None:
    """Write atomically: a reader never sees half a file, and a failed export
    leaves an existing file as it was."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise QualcodeError(f"cannot write here: {exc.strerror}", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise QualcodeError(f"cannot write the file: {exc.strerror}", path=str(path)) from None
