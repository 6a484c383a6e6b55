"""Check REFI-QDA files against the official schemas and what the schemas cannot see.

``validate_qdpx`` runs the project XSD twice, with lxml (libxml2) and with the
``xmlschema`` package (they disagree on some inputs, e.g. libxml2 accepts the colour
``#FFFFFF00``), then checks references, GUID uniqueness, selection bounds and the
files inside the archive. It returns a list of human-readable problems; an empty list
means the file is valid.

Schemas are looked up in ``schema_dir``, then in the folder named by the environment
variable ``QUALCODE_REFI_SCHEMAS``, then in ``../shared/refi-qda`` beside the project
root. When none holds them, the first problem says so and only the other checks run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from lxml import etree

from qualcode.errors import ExchangeError
from qualcode.exchange.refi_common import (
    DEFAULT_LIMITS,
    PathOrFile,
    SafeZip,
    ZipLimits,
    child,
    decode_text,
    local_name,
    normalise_guid,
    parse_xml,
    read_limited,
)

log = logging.getLogger(__name__)

SCHEMA_ENV = "QUALCODE_REFI_SCHEMAS"
PROJECT_XSD_NAMES = ("Project-mrt2019.xsd", "Project.xsd")
CODEBOOK_XSD_NAMES = ("Codebook-mrt2019.xsd", "Codebook.xsd")

SOURCE_TAGS = {"TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource"}
SELECTION_TAGS = {
    "PlainTextSelection",
    "PDFSelection",
    "PictureSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
}
USER_ATTRS = ("creatingUser", "modifyingUser", "creatingUserGUID", "modifyingUserGUID")
# element -> (attribute, allowed target tags or None for any element with a guid)
REFERENCES: dict[str, tuple[tuple[str, set[str] | None], ...]] = {
    "CodeRef": (("targetGUID", {"Code"}),),
    "MemberCode": (("targetGUID", {"Code"}),),
    "NoteRef": (("targetGUID", {"Note"}),),
    "MemberNote": (("targetGUID", {"Note"}),),
    "SourceRef": (("targetGUID", SOURCE_TAGS),),
    "MemberSource": (("targetGUID", SOURCE_TAGS),),
    "SelectionRef": (("targetGUID", SELECTION_TAGS),),
    "VariableRef": (("targetGUID", {"Variable"}),),
    "Link": (("originGUID", None), ("targetGUID", None)),
    "Vertex": (("representedGUID", None),),
    "Edge": (("representedGUID", None), ("sourceVertex", {"Vertex"}), ("targetVertex", {"Vertex"})),
    "TranscriptSelection": (("fromSyncPoint", {"SyncPoint"}), ("toSyncPoint", {"SyncPoint"})),
}


def _project_root() -> Path:
    # src/qualcode/exchange/validate.py -> the folder holding src/
    return Path(__file__).resolve().parents[3]


def schema_search_path(schema_dir: str | Path | None = None) -> list[Path]:
    candidates: list[Path] = []
    if schema_dir is not None:
        candidates.append(Path(schema_dir))
    env = os.environ.get(SCHEMA_ENV)
    if env:
        candidates.append(Path(env))
    candidates.append(_project_root().parent / "shared" / "refi-qda")
    return candidates


def find_schema(names: Iterable[str], schema_dir: str | Path | None = None) -> Path | None:
    """The first schema file called one of ``names`` in the search path, or None."""
    for folder in schema_search_path(schema_dir):
        for name in names:
            path = folder / name
            if path.is_file():
                return path
    return None


def _missing_message(kind: str, names: Iterable[str], schema_dir: str | Path | None) -> str:
    where = ", ".join(str(p) for p in schema_search_path(schema_dir))
    return (
        f"schema: the REFI-QDA {kind} schema ({' or '.join(names)}) was not found in "
        f"{where}; set {SCHEMA_ENV} to the folder holding it. Schema validation skipped."
    )


@lru_cache(maxsize=8)
def _lxml_schema(path: str) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.XMLSchema(etree.parse(path, parser))


@lru_cache(maxsize=8)
def _xmlschema_schema(path: str) -> Any:
    import xmlschema

    return xmlschema.XMLSchema(path, allow="local")


def _schema_problems(root: Any, xsd: Path, max_problems: int = 200) -> list[str]:
    problems: list[str] = []
    schema = _lxml_schema(str(xsd))
    if not schema.validate(root):
        for err in list(schema.error_log)[:max_problems]:
            problems.append(f"XSD (lxml): line {err.line}: {err.message}")
    try:
        xs = _xmlschema_schema(str(xsd))
    except ImportError:
        log.info("xmlschema is not installed; only lxml validated %s", xsd.name)
        return problems
    for i, verr in enumerate(xs.iter_errors(root)):
        if i >= max_problems:
            break
        line = getattr(verr, "sourceline", None)
        where = f"line {line}: " if line else ""
        problems.append(f"XSD (xmlschema): {where}{verr.path}: {verr.reason}")
    return problems


def _guid_problems(root: Any) -> tuple[list[str], dict[str, list[str]]]:
    """Duplicate GUIDs, and guid -> tags of the elements that carry it."""
    owners: dict[str, list[str]] = {}
    for el in root.iter():
        # in a .qdc, MemberCode/@guid is a reference, not an identity
        g = el.get("guid") if isinstance(el.tag, str) and local_name(el) != "MemberCode" else None
        if g:
            owners.setdefault(normalise_guid(g), []).append(local_name(el))
    problems = [
        f"GUID {g} is used by {len(tags)} elements ({', '.join(tags)})"
        for g, tags in owners.items()
        if len(tags) > 1
    ]
    return problems, owners


def _reference_problems(root: Any, owners: dict[str, list[str]]) -> list[str]:
    problems: list[str] = []
    users = {g for g, tags in owners.items() if "User" in tags}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = local_name(el)
        for attr, allowed in REFERENCES.get(tag, ()):
            value = el.get(attr)
            if value is None and tag == "MemberCode":
                value = el.get("guid")
            if value is None:
                continue
            target = owners.get(normalise_guid(value))
            if target is None:
                problems.append(f'reference: <{tag} {attr}="{value}"> points to no element')
            elif allowed is not None and not set(target) & allowed:
                problems.append(
                    f'reference: <{tag} {attr}="{value}"> points to '
                    f"<{target[0]}>, expected {' or '.join(sorted(allowed))}"
                )
        for attr in USER_ATTRS:
            value = el.get(attr)
            if value and normalise_guid(value) not in users:
                problems.append(f'reference: <{tag} {attr}="{value}"> is not a <User>')
    return problems


def _internal_member(z: SafeZip, value: str) -> str | None:
    rel = value[len("internal://") :]
    for folder in ("sources/", "Sources/"):
        if f"{folder}{rel}" in z.infos:
            return f"{folder}{rel}"
    return None


def _text_length(z: SafeZip, el: Any, cache: dict[Any, int | None]) -> int | None:
    """Length in code points of an element's plain text, as the file holds it."""
    if el not in cache:
        cache[el] = _measure(z, el)
    return cache[el]


def _measure(z: SafeZip, el: Any) -> int | None:
    content = child(el, "PlainTextContent")
    path = el.get("plainTextPath") or ""
    if path.lower().startswith("internal://"):
        member = _internal_member(z, path)
        if member is None:
            return None
        try:
            text, _ = decode_text(z.read(member))
        except ExchangeError:
            return None
        return len(text)
    if content is not None:
        return len(content.text or "")
    return None


def _file_problems(z: SafeZip, root: Any) -> list[str]:
    problems: list[str] = []
    lengths: dict[Any, int | None] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = local_name(el)
        for attr in ("plainTextPath", "richTextPath", "path"):
            value = el.get(attr)
            if not value:
                continue
            if value.lower().startswith("internal://"):
                if _internal_member(z, value) is None:
                    problems.append(
                        f'file: <{tag} {attr}="{value}"> is not in the archive '
                        "(expected under sources/)"
                    )
            elif attr == "plainTextPath":
                problems.append(
                    f'file: <{tag} plainTextPath="{value}"> is not an internal:// '
                    "path (REFI-QDA 1.5 section 8.3)"
                )
        if tag in ("TextSource", "Note", "Transcript", "Representation"):
            has_path = bool(el.get("plainTextPath"))
            has_content = child(el, "PlainTextContent") is not None
            if has_path and has_content:
                problems.append(
                    f'text: <{tag} guid="{el.get("guid")}"> has both '
                    "plainTextPath and PlainTextContent"
                )
            elif tag == "TextSource" and not has_path and not has_content:
                problems.append(
                    f'text: <TextSource guid="{el.get("guid")}"> has neither '
                    "plainTextPath nor PlainTextContent"
                )
        if tag == "PlainTextSelection":
            parent = el.getparent()
            try:
                start = int(el.get("startPosition", ""))
                end = int(el.get("endPosition", ""))
            except ValueError:
                continue  # the schema reports it
            if start < 0 or start > end:
                problems.append(
                    f'selection: <PlainTextSelection guid="{el.get("guid")}"> '
                    f"has start {start} > end {end} or a negative start"
                )
                continue
            length = _text_length(z, parent, lengths) if parent is not None else None
            if length is not None and end > length:
                problems.append(
                    f'selection: <PlainTextSelection guid="{el.get("guid")}"> '
                    f"ends at {end}, beyond its text ({length} characters)"
                )
    for name in z.names:
        parts = PurePosixPath(name).parts
        if len(parts) > 2 and parts[0].lower() == "sources":
            problems.append(f"file: '{name}' is in a subfolder of sources/, which must be flat")
    return problems


def validate_qdpx(
    path: PathOrFile, *, schema_dir: str | Path | None = None, limits: ZipLimits = DEFAULT_LIMITS
) -> list[str]:
    """Problems found in a ``.qdpx``; an empty list means valid."""
    problems: list[str] = []
    try:
        z = SafeZip(path, limits=limits)
    except ExchangeError as exc:
        return [str(exc)]
    try:
        if "project.qde" not in z.infos:
            qde = [n for n in z.names if n.lower().endswith(".qde")]
            problems.append(
                "container: no 'project.qde' at the top of the archive"
                + (f" (found {', '.join(qde)})" if qde else "")
            )
            if len(qde) != 1:
                return problems
            name = qde[0]
        else:
            name = "project.qde"
        try:
            data = z.read(name)
            if data.startswith(b"\xef\xbb\xbf"):
                problems.append("container: project.qde starts with a byte order mark")
            root = parse_xml(data, source=name)
        except ExchangeError as exc:
            return [*problems, str(exc)]
        xsd = find_schema(PROJECT_XSD_NAMES, schema_dir)
        if xsd is None:
            problems.append(_missing_message("project", PROJECT_XSD_NAMES, schema_dir))
        else:
            problems.extend(_schema_problems(root, xsd))
        guid_problems, owners = _guid_problems(root)
        problems.extend(guid_problems)
        problems.extend(_reference_problems(root, owners))
        problems.extend(_file_problems(z, root))
    finally:
        z.close()
    return problems


def validate_qdc(path: PathOrFile, *, schema_dir: str | Path | None = None) -> list[str]:
    """Problems found in a ``.qdc`` codebook; an empty list means valid."""
    try:
        data, label = read_limited(path)
        root = parse_xml(data, source=label)
    except ExchangeError as exc:
        return [str(exc)]
    problems: list[str] = []
    xsd = find_schema(CODEBOOK_XSD_NAMES, schema_dir)
    if xsd is None:
        problems.append(_missing_message("codebook", CODEBOOK_XSD_NAMES, schema_dir))
    else:
        problems.extend(_schema_problems(root, xsd))
    guid_problems, owners = _guid_problems(root)
    problems.extend(guid_problems)
    for el in root.iter():
        if isinstance(el.tag, str) and local_name(el) == "MemberCode":
            value = el.get("guid") or el.get("targetGUID") or ""
            if "Code" not in owners.get(normalise_guid(value), []):
                problems.append(f'reference: <MemberCode guid="{value}"> is not a <Code>')
    return problems
