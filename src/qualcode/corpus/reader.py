"""Entry points: read a file, uploaded bytes, or a set of files and folders."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from qualcode.corpus.base import Extracted
from qualcode.corpus.fields import (
    FIELD_NAMES,
    MetadataLayer,
    folder_source_type,
    parse_layer,
)
from qualcode.corpus.limits import ReadLimits, check_chars, check_size
from qualcode.corpus.manifest import Manifest, load_manifest
from qualcode.corpus.office import read_docx, read_odt, read_rtf
from qualcode.corpus.pdf import read_pdf
from qualcode.corpus.subtitles import read_subtitles
from qualcode.corpus.text import normalise_text, read_text
from qualcode.errors import ReadError
from qualcode.model import SourceDocument, SourceType

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".txt", ".md", ".markdown", ".docx", ".odt", ".pdf", ".rtf", ".srt", ".vtt"}
)

_DEFAULT_LIMITS = ReadLimits()
_IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png"})

_CONVERT_HINTS = {
    ".doc": "open it in Word or LibreOffice and save it as .docx",
    ".docm": "save it as .docx",
    ".dotx": "save it as .docx",
    ".pages": "export it from Pages as .docx",
    ".gdoc": "download it from Google Docs as .docx (File > Download)",
    ".odp": "export the text as .odt or .pdf",
    ".ppt": "export the text as .pdf",
    ".pptx": "export the text as .pdf",
    ".html": "save the page as .txt, or print it to .pdf",
    ".htm": "save the page as .txt, or print it to .pdf",
    ".jpg": "run OCR on the image and import the text",
    ".jpeg": "run OCR on the image and import the text",
    ".png": "run OCR on the image and import the text",
    ".mp3": "transcribe the recording first (to .txt, .docx, .srt or .vtt)",
    ".m4a": "transcribe the recording first (to .txt, .docx, .srt or .vtt)",
    ".wav": "transcribe the recording first (to .txt, .docx, .srt or .vtt)",
    ".mp4": "transcribe the recording first (to .txt, .docx, .srt or .vtt)",
}


# --------------------------------------------------------------------------- public API


def read_document(
    path: str | os.PathLike[str],
    *,
    limits: ReadLimits = _DEFAULT_LIMITS,
    defaults: Mapping[str, Any] | None = None,
) -> SourceDocument:
    """Read one file into a :class:`SourceDocument`.

    Metadata comes, key by key, from the file's front matter (.txt/.md), else the
    folder's manifest (``metadata.yaml``, ``manifest.yaml`` or ``manifest.csv``), else
    ``defaults``, else (for ``source_type``) the folder name, else "interview".
    Raises :class:`~qualcode.errors.ReadError` for anything that stops the file from
    being read.
    """
    return _read_path(
        Path(path), given=str(path), limits=limits, defaults=defaults, manifest=None, root=None
    )


def read_bytes(
    data: bytes,
    name: str,
    *,
    limits: ReadLimits = _DEFAULT_LIMITS,
    defaults: Mapping[str, Any] | None = None,
) -> SourceDocument:
    """Read an uploaded file. ``name`` (as sent by the browser) is cleaned with
    :func:`safe_file_name`; the cleaned name decides the format, is used in errors and
    becomes ``SourceDocument.name``. ``SourceDocument.path`` is empty."""
    safe = safe_file_name(name)
    ext = _extension(safe)
    if ext not in SUPPORTED_EXTENSIONS:
        raise _unsupported(ext, safe)
    blob = bytes(data)
    check_size(len(blob), limits, safe)
    extracted = _extract(blob, ext, where=safe, limits=limits)
    return _build(
        extracted,
        name=safe,
        ext=ext,
        path="",
        where=safe,
        limits=limits,
        defaults=defaults,
        manifest_layers=[],
        folder_hint=None,
    )


def iter_documents(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    recursive: bool = True,
    limits: ReadLimits = _DEFAULT_LIMITS,
    defaults: Mapping[str, Any] | None = None,
) -> Iterator[tuple[Path, SourceDocument | ReadError]]:
    """Read files and folders, yielding ``(path, document or error)`` for each file.

    A folder is walked in natural sorted order ("informan-2" before "informan-10"),
    its own files before its subfolders (only with ``recursive``), skipping hidden
    files and folders, README files, Office lock files (``~$...``), manifests and files
    of unsupported types. A file named explicitly is always read, so an unsupported
    one yields a :class:`ReadError`. A file reached twice is read once. One bad file
    never stops the others.
    """
    reader = FileReader(limits=limits, defaults=defaults)
    for path, root, error in list_files(paths, recursive=recursive):
        if error is not None:
            yield path, error
            continue
        try:
            document = reader.read(path, root)
        except ReadError as exc:
            yield path, exc
        else:
            yield path, document


def list_files(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    recursive: bool = True,
) -> Iterator[tuple[Path, Path | None, ReadError | None]]:
    """The files :func:`iter_documents` reads, in its order, without reading them:
    ``(path, the folder it was found by walking or None, error or None)``.

    Read each one with :meth:`FileReader.read` (in any process: the files are
    independent); an error here is a file that must not be read.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    seen: set[Path] = set()

    def one(path: Path, root: Path | None) -> Iterator[tuple[Path, Path | None, None]]:
        key = _identity(path)
        if key in seen:
            return
        seen.add(key)
        yield path, root, None

    for given in paths:
        path = Path(given)
        if path.is_dir():
            for found, error in _walk(path, recursive=recursive):
                if error is not None:
                    yield found, None, error
                else:
                    yield from one(found, root=path)
        else:
            yield from one(path, root=None)


class FileReader:
    """Reads the files :func:`list_files` names, loading each folder's manifest once."""

    def __init__(
        self, *, limits: ReadLimits = _DEFAULT_LIMITS, defaults: Mapping[str, Any] | None = None
    ) -> None:
        self.limits = limits
        self.defaults = defaults
        self._manifests: dict[Path, Manifest | ReadError] = {}

    def read(self, path: Path, root: Path | None = None) -> SourceDocument:
        """Read one file; raises :class:`~qualcode.errors.ReadError`."""
        manifest = self._manifests.get(path.parent)
        if manifest is None:
            try:
                manifest = load_manifest(path.parent, limits=self.limits)
            except ReadError as exc:
                manifest = exc
            self._manifests[path.parent] = manifest
        return _read_path(
            path,
            given=str(path),
            limits=self.limits,
            defaults=self.defaults,
            manifest=manifest,
            root=root,
        )


_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)
_UNSAFE_CHARS = re.compile(r'[<>:"|?*]')
_MAX_STEM = 200


def safe_file_name(name: str) -> str:
    """A file name safe to show and store: no folders, path separators, control or
    invisible formatting characters (e.g. right-to-left overrides), or characters
    Windows forbids; the extension is kept. ``"../../etc/passwd.txt"`` ->
    ``"passwd.txt"``, ``"C:\\\\x\\\\y.docx"`` -> ``"y.docx"``; an empty result is
    ``"document"``."""
    cleaned = "".join(
        ch
        for ch in unicodedata.normalize("NFC", str(name))
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp")
    )
    base = re.split(r"[\\/]", cleaned)[-1]
    base = _UNSAFE_CHARS.sub("_", base)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = stem.strip().strip(".").strip()
    ext = ext.strip()
    if not stem:
        stem = "document"
    if stem.split(".")[0].casefold() in _WINDOWS_RESERVED:
        stem = "_" + stem
    stem = stem[:_MAX_STEM].rstrip(". ")
    return f"{stem}.{ext}" if ext else stem


# --------------------------------------------------------------------------- internals


def _extension(name: str) -> str:
    return Path(name).suffix.lower()


def _unsupported(ext: str, where: str) -> ReadError:
    shown = ext if ext else "(no extension)"
    supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
    hint = _CONVERT_HINTS.get(ext)
    message = f"unsupported file type {shown}; supported types: {supported}"
    if hint:
        message += f" ({hint})"
    return ReadError(message, path=where)


def _read_path(
    path: Path,
    *,
    given: str,
    limits: ReadLimits,
    defaults: Mapping[str, Any] | None,
    manifest: Manifest | ReadError | None,
    root: Path | None,
) -> SourceDocument:
    where = given
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise ReadError("file not found", path=where) from exc
    except PermissionError as exc:
        raise ReadError("the file cannot be read: permission denied", path=where) from exc
    except OSError as exc:
        raise ReadError(f"the file cannot be read: {exc.strerror or exc}", path=where) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ReadError("this is a folder, not a file", path=where)
    if not stat.S_ISREG(info.st_mode):
        raise ReadError("this is not a regular file", path=where)
    ext = _extension(path.name)
    if ext not in SUPPORTED_EXTENSIONS:
        raise _unsupported(ext, where)
    check_size(info.st_size, limits, where)

    if manifest is None:
        try:
            manifest = load_manifest(path.parent, limits=limits)
        except ReadError as exc:
            manifest = exc
    if isinstance(manifest, ReadError):
        raise ReadError(
            f"{path.name} was not read because the folder's metadata file is invalid: "
            f"{manifest.message}",
            path=manifest.path,
            line=manifest.line,
        )
    manifest_layers = manifest.layers_for(path.name)

    try:
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except PermissionError as exc:
        raise ReadError("the file cannot be read: permission denied", path=where) from exc
    except OSError as exc:
        raise ReadError(f"the file cannot be read: {exc.strerror or exc}", path=where) from exc
    check_size(len(data), limits, where)  # the file may have changed since stat()

    extracted = _extract(data, ext, where=where, limits=limits)
    return _build(
        extracted,
        name=path.name,
        ext=ext,
        path=given,
        where=where,
        limits=limits,
        defaults=defaults,
        manifest_layers=manifest_layers,
        folder_hint=folder_source_type(path, root),
    )


def _extract(data: bytes, ext: str, *, where: str, limits: ReadLimits) -> Extracted:
    try:
        if ext in (".txt", ".md", ".markdown"):
            return read_text(data, where=where, limits=limits)
        if ext == ".docx":
            return read_docx(data, where=where, limits=limits)
        if ext == ".odt":
            return read_odt(data, where=where, limits=limits)
        if ext == ".pdf":
            return read_pdf(data, where=where, limits=limits)
        if ext == ".rtf":
            return read_rtf(data, where=where, limits=limits)
        if ext in (".srt", ".vtt"):
            return read_subtitles(data, where=where, limits=limits, kind=ext[1:])
    except ReadError:
        raise
    except MemoryError as exc:
        raise ReadError("not enough memory to read the file", path=where) from exc
    except Exception as exc:  # a file must never end in a traceback for the user
        raise ReadError(
            f"the file could not be read ({type(exc).__name__}: {exc})", path=where
        ) from exc
    raise _unsupported(ext, where)


def _build(
    extracted: Extracted,
    *,
    name: str,
    ext: str,
    path: str,
    where: str,
    limits: ReadLimits,
    defaults: Mapping[str, Any] | None,
    manifest_layers: list[MetadataLayer],
    folder_hint: SourceType | None,
) -> SourceDocument:
    text = normalise_text(extracted.text)
    check_chars(len(text), limits, where)
    if not text.strip():
        raise ReadError(extracted.no_text_message, path=where)

    layers: list[MetadataLayer] = []
    if extracted.front_matter is not None:
        layers.append(
            parse_layer(
                extracted.front_matter,
                where=where,
                what="the front matter",
                lines=extracted.front_matter_lines,
                default_line=1,
            )
        )
    layers.extend(manifest_layers)
    if defaults:
        layers.append(parse_layer(defaults, where=where, what="the default metadata"))

    values: dict[str, str] = {}
    for key in FIELD_NAMES:
        for layer in layers:
            if key in layer.fields:
                values[key] = layer.fields[key]
                break
    source_type: SourceType = folder_hint or "interview"
    if "source_type" in values:
        source_type = _as_source_type(values["source_type"])

    metadata: dict[str, Any] = dict(extracted.properties)
    for layer in reversed(layers):
        metadata.update(layer.extra)
    metadata.update(extracted.facts)

    return SourceDocument(
        name=name,
        text=text,
        source_type=source_type,
        informant=values.get("informant", ""),
        role=values.get("role", ""),
        date=values.get("date", ""),
        place=values.get("place", ""),
        title=values.get("title", ""),
        format=ext[1:],
        path=path,
        metadata=metadata,
    )


def _as_source_type(value: str) -> SourceType:
    if value == "observation":
        return "observation"
    if value == "document":
        return "document"
    return "interview"


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


_README = frozenset({"readme.md", "readme.markdown", "readme.txt"})
_DIGITS = re.compile(r"(\d+)")


def _natural(name: str) -> tuple[tuple[Any, ...], str]:
    parts = _DIGITS.split(name.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name


def _walk(folder: Path, *, recursive: bool) -> Iterator[tuple[Path, ReadError | None]]:
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError as exc:
        yield (
            folder,
            ReadError(f"the folder cannot be read: {exc.strerror or exc}", path=str(folder)),
        )
        return
    files: list[str] = []
    folders: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.name)
            elif entry.is_file():
                files.append(entry.name)
        except OSError:
            continue
    for name in sorted(files, key=_natural):
        if name.casefold() in _README or name.startswith("~$"):
            continue
        ext = _extension(name)
        if ext not in SUPPORTED_EXTENSIONS:
            # A transcript saved as .doc or a recording in the folder must not vanish
            # silently; photos and spreadsheets beside the transcripts are left alone.
            if ext in _CONVERT_HINTS and ext not in _IMAGE_EXTENSIONS:
                yield folder / name, _unsupported(ext, str(folder / name))
            continue
        yield folder / name, None
    if recursive:
        for name in sorted(folders, key=_natural):
            yield from _walk(folder / name, recursive=True)
