"""Read REFI-QDA projects (``.qdpx``) and codebooks (``.qdc``) into plain records.

Import is lenient where real exports differ from the standard (see GUIDE.md in the
REFI-QDA notes), strict where a file could be hostile:

- the project XML may be named other than ``project.qde``; source files may sit in
  ``sources/`` or ``Sources/``; ``plainTextPath`` may be ``internal://``, relative,
  absolute or a bare file name (only files inside the archive are ever read);
- namespaces ``urn:QDA-XML:project:1:0``, ``…:0:4`` or none are accepted;
- text may be embedded (``PlainTextContent``) or in a file, UTF-8 with or without a
  BOM, with CR LF or LF line breaks; we keep it with LF line breaks;
- positions are converted to our offsets (code points into that text) from the
  counting convention of the tool that wrote the file: NVivo counts UTF-16 code units
  with CR LF as two, ATLAS.ti counts CR LF as one; when ``origin`` is unknown or its
  convention does not fit, the convention that puts selections on word boundaries
  is used;
- PDF, picture, audio and video sources, selections outside their text, links,
  graphs and unknown references are skipped, each with a warning.

Every skipped or changed item is reported in the returned list of warnings.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, cast
from urllib.parse import unquote

from qualcode.errors import ExchangeError
from qualcode.exchange.refi_common import (
    ALL_CONVENTIONS,
    CODE_LABELS,
    CODE_POINTS,
    DEFAULT_LIMITS,
    FRAMEWORK_LABELS,
    PROJECT_NS,
    PathOrFile,
    PositionConvention,
    SafeZip,
    TextIndex,
    ZipLimits,
    child,
    child_text,
    children,
    clean_boundaries,
    decode_description,
    decode_text,
    default_convention,
    descendants,
    is_qda_namespace,
    local_name,
    namespace_of,
    normalise_guid,
    normalise_newlines,
    parse_colour,
    parse_xml,
    quote_matches,
    read_datetime,
    read_limited,
    short_quote,
    slugify,
    unique_id,
)
from qualcode.exchange.refi_write import (
    CONCLUSION_MARKER,
    METADATA_PREFIX,
    TRACE_CODEBOOK_PREFIX,
)
from qualcode.model import (
    SOURCE_TYPES,
    Code,
    Codebook,
    Conclusion,
    Framework,
    Memo,
    MemoTarget,
    ProjectData,
    SourceType,
    StoredCoding,
    StoredDocument,
)

# Variable names (lower case) read into document fields.
FIELD_ALIASES: dict[str, str] = {
    "role": "role",
    "peran": "role",
    "jabatan": "role",
    "source type": "source_type",
    "source_type": "source_type",
    "jenis sumber": "source_type",
    "date": "date",
    "tanggal": "date",
    "place": "place",
    "tempat": "place",
    "lokasi": "place",
    "location": "place",
    "title": "title",
    "judul": "title",
    "informant": "informant",
    "informan": "informant",
}

UNSUPPORTED_SOURCES = {
    "PDFSource": "PDF",
    "PictureSource": "picture",
    "AudioSource": "audio",
    "VideoSource": "video",
}
_ID_OK = re.compile(r"^[\w.\-:]+$")


# --------------------------------------------------------------------------- codes


@dataclass
class _CodeDraft:
    guid: str
    id: str
    name: str
    parent: str | None
    colour: str
    codable: bool
    definition: str
    fields: dict[str, str]
    element: Any
    framework: str = ""


def _read_codes(container: Any, warnings: list[str]) -> tuple[list[_CodeDraft], dict[str, str]]:
    """Codes nested under ``container`` (a ``<Codes>``), ids assigned, guid -> id."""
    flat: list[tuple[Any, Any | None]] = []  # (element, parent element)

    def walk(el: Any, parent: Any | None) -> None:
        for code_el in children(el, "Code"):
            flat.append((code_el, parent))
            walk(code_el, code_el)

    walk(container, None)
    parsed: list[tuple[str, dict[str, str]]] = []
    explicit: dict[int, str] = {}
    taken: set[str] = set()
    for i, (el, _) in enumerate(flat):
        free, fields = decode_description(child_text(el, "Description"), CODE_LABELS)
        parsed.append((free, fields))
        wanted = fields.get("id", "").strip()
        if wanted and _ID_OK.match(wanted) and wanted not in taken:
            explicit[i] = wanted
            taken.add(wanted)
    drafts: list[_CodeDraft] = []
    by_element: dict[Any, _CodeDraft] = {}
    guid_to_id: dict[str, str] = {}
    bad_colours: list[str] = []
    for i, (el, parent_el) in enumerate(flat):
        name = (el.get("name") or "").strip()
        if not name:
            name = "Unnamed code"
            warnings.append("a code without a name was imported as 'Unnamed code'")
        code_id = explicit.get(i) or unique_id(slugify(name), taken)
        colour, kept = parse_colour(el.get("color"))
        if not kept:
            bad_colours.append(name)
        free, fields = parsed[i]
        parent = by_element[parent_el].id if parent_el is not None else None
        codable = (el.get("isCodable") or "true").strip().lower() not in ("false", "0")
        draft = _CodeDraft(
            normalise_guid(el.get("guid")), code_id, name, parent, colour, codable, free, fields, el
        )
        drafts.append(draft)
        by_element[el] = draft
        if draft.guid:
            if draft.guid in guid_to_id:
                warnings.append(
                    f"code '{name}' repeats the GUID of another code; codings "
                    "referring to it go to the first one"
                )
            else:
                guid_to_id[draft.guid] = code_id
    if bad_colours:
        warnings.append(
            f"{len(bad_colours)} code colour(s) not understood, grey used instead: "
            + ", ".join(bad_colours[:10])
        )
    return drafts, guid_to_id


def _frameworks_from_sets(
    sets_el: Any | None,
    drafts: list[_CodeDraft],
    guid_to_id: Mapping[str, str],
    warnings: list[str],
) -> tuple[list[Framework], list[Any]]:
    """Code sets -> frameworks (the first set of a code becomes its framework).

    Returns the frameworks and the sets that hold sources (for document metadata).
    """
    if sets_el is None:
        return [], []
    frameworks: list[Framework] = []
    source_sets: list[Any] = []
    taken: set[str] = set()
    by_id = {d.id: d for d in drafts}
    multi = 0
    foreign: list[str] = []
    for set_el in children(sets_el, "Set"):
        name = (set_el.get("name") or "").strip()
        free, fields = decode_description(child_text(set_el, "Description"), FRAMEWORK_LABELS)
        members = [
            normalise_guid(m.get("targetGUID") or m.get("guid"))
            for m in children(set_el, "MemberCode")
        ]
        if children(set_el, "MemberSource"):
            source_sets.append(set_el)
        if not members and "id" not in fields:
            continue
        wanted = fields.get("id", "").strip()
        if wanted and _ID_OK.match(wanted) and wanted not in taken:
            taken.add(wanted)
            fw_id = wanted
        else:
            fw_id = unique_id(slugify(name, "framework"), taken)
            foreign.append(name or fw_id)
        frameworks.append(
            Framework(
                id=fw_id,
                name=name or fw_id,
                author=fields.get("author", ""),
                description=free,
                reference=fields.get("reference", ""),
            )
        )
        for guid in members:
            code_id = guid_to_id.get(guid)
            if code_id is None:
                continue
            draft = by_id[code_id]
            if draft.framework and draft.framework != fw_id:
                multi += 1
            elif not draft.framework:
                draft.framework = fw_id
    if foreign:
        warnings.append(
            f"{len(foreign)} code set(s) imported as frameworks: " + ", ".join(foreign[:10])
        )
    if multi:
        warnings.append(
            f"{multi} code(s) belong to more than one set; each keeps the first "
            "set as its framework"
        )
    return frameworks, source_sets


def _codes_from_drafts(drafts: list[_CodeDraft]) -> tuple[Code, ...]:
    return tuple(
        Code(
            id=d.id,
            name=d.name,
            name_en=d.fields.get("name_en", ""),
            framework=d.framework,
            parent=d.parent,
            definition=d.definition,
            when_to_use=d.fields.get("when_to_use", ""),
            when_not_to_use=d.fields.get("when_not_to_use", ""),
            example=d.fields.get("example", ""),
            colour=d.colour,
            codable=d.codable,
        )
        for d in drafts
    )


# --------------------------------------------------------------------------- sources


@dataclass
class _Selection:
    element: Any
    start: int
    end: int
    name: str


@dataclass
class _Source:
    element: Any
    guid: str
    name: str
    index: TextIndex
    selections: list[_Selection]
    doc_id: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)


class _Files:
    """Looks up the archive members a ``plainTextPath`` can mean."""

    def __init__(self, z: SafeZip) -> None:
        self.z = z
        self.lower = {name.lower(): name for name in z.names}
        self.by_base: dict[str, list[str]] = {}
        for name in z.names:
            self.by_base.setdefault(PurePosixPath(name).name.lower(), []).append(name)
        self.capital_sources = any(n.startswith("Sources/") for n in z.names)

    def resolve(self, path: str) -> tuple[str | None, str]:
        """The member for ``path`` and the kind of path it was ('' for internal://)."""
        value = path.strip().replace("\\", "/")
        low = value.lower()
        kind = ""
        if low.startswith("internal://"):
            rel = value[len("internal://") :]
        elif low.startswith(("relative://", "absolute://", "file://")):
            kind = low.split("://", 1)[0]
            rel = PurePosixPath(value.split("://", 1)[1]).name
        else:
            kind = "bare"
            rel = value
        rel = rel.lstrip("/")
        for candidate in (rel, unquote(rel)):
            for name in (f"sources/{candidate}", candidate):
                hit = self.lower.get(name.lower())
                if hit is not None:
                    return hit, kind
            base = PurePosixPath(candidate).name.lower()
            hits = self.by_base.get(base, [])
            if len(hits) == 1:
                return hits[0], kind
        return None, kind

    def read(self, member: str) -> bytes:
        return self.z.read(member)


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


# --------------------------------------------------------------------------- project reader


class _ProjectReader:
    def __init__(self, root: Any, files: _Files | None, label: str, warnings: list[str]) -> None:
        self.root = root
        self.files = files
        self.label = label
        self.warnings = warnings
        self.origin = (root.get("origin") or "").strip()
        self.users: dict[str, str] = {}
        self.variables: dict[str, tuple[str, str]] = {}
        # note guid -> targets (target_type, target_id, title hint)
        self.note_targets: dict[str, list[tuple[MemoTarget, str, str]]] = {}
        self.path_kinds: dict[str, list[str]] = {}

    def warn(self, message: str) -> None:
        self.warnings.append(message)

    def user_name(self, *guids: str | None) -> str:
        for g in guids:
            name = self.users.get(normalise_guid(g))
            if name:
                return name
        return ""

    def add_note_target(self, el: Any, target: tuple[MemoTarget, str, str]) -> None:
        for ref in children(el, "NoteRef"):
            g = normalise_guid(ref.get("targetGUID"))
            if g:
                self.note_targets.setdefault(g, []).append(target)

    # -- entry point

    def read(self) -> tuple[ProjectData, list[str]]:
        root = self.root
        self._check_root()
        for user in descendants(root, "User"):
            self.users[normalise_guid(user.get("guid"))] = (
                user.get("name") or user.get("id") or ""
            ).strip()
        for var in descendants(root, "Variable"):
            self.variables[normalise_guid(var.get("guid"))] = (
                (var.get("name") or "").strip(),
                (var.get("typeOfVariable") or "Text").strip(),
            )

        drafts: list[_CodeDraft] = []
        code_ids: dict[str, str] = {}
        codebook_el = child(root, "CodeBook")
        codes_el = child(codebook_el, "Codes") if codebook_el is not None else None
        if codes_el is not None:
            drafts, code_ids = _read_codes(codes_el, self.warnings)
        for d in drafts:
            self.add_note_target(d.element, ("code", d.id, ""))
        frameworks, source_sets = _frameworks_from_sets(
            child(root, "Sets"), drafts, code_ids, self.warnings
        )
        codebook = self._codebook(drafts, frameworks)
        codebook_hash = codebook.content_hash()

        sources = self._sources()
        conv = self._convention(sources)
        documents: list[StoredDocument] = []
        codings: list[StoredCoding] = []
        memos: list[Memo] = []
        self._place_documents(sources)
        for src in sources:
            self._codings(src, conv, code_ids, codebook_hash, codings, memos)
        self.add_note_target(root, ("project", "", ""))
        self._cases(sources)
        self._source_sets(source_sets, sources)
        for src in sources:
            documents.append(self._document(src))
        conclusions = self._notes(memos, set(code_ids.values()))
        for name in ("Links", "Graphs"):
            el = child(root, name)
            if el is not None and len(el):
                self.warn(
                    f"{len(el)} {name[:-1].lower()}(s) not imported (qualcode has no equivalent)"
                )
        project = ProjectData(
            name=(root.get("name") or "").strip() or "Imported project",
            codebook=codebook,
            documents=documents,
            codings=codings,
            memos=memos,
            conclusions=conclusions,
            created_at=read_datetime(root.get("creationDateTime")),
        )
        return project, self.warnings

    def _check_root(self) -> None:
        root = self.root
        name = local_name(root)
        if name == "CodeBook":
            raise ExchangeError(
                "this is a codebook (.qdc), not a project; import it as a codebook", path=self.label
            )
        if name != "Project":
            raise ExchangeError(
                f"not a REFI-QDA project: the root element is <{name}>", path=self.label
            )
        ns = namespace_of(root)
        if ns == PROJECT_NS:
            return
        if not ns:
            self.warn(
                "the project XML has no namespace (the standard asks for "
                f"{PROJECT_NS}); read anyway"
            )
        elif is_qda_namespace(ns, "project"):
            self.warn(f"the project XML uses namespace {ns} instead of {PROJECT_NS}; read anyway")
        else:
            self.warn(f"the project XML uses an unexpected namespace {ns}; read anyway")

    def _codebook(self, drafts: list[_CodeDraft], frameworks: list[Framework]) -> Codebook:
        description = child_text(self.root, "Description")
        name = (self.root.get("name") or "").strip() or "Imported codebook"
        version = "imported"
        traced_hash = ""
        m = re.search(
            rf"^{re.escape(TRACE_CODEBOOK_PREFIX)}(.*), version (.*), hash "
            r"([0-9a-f]+)\.\s*$",
            description,
            re.MULTILINE,
        )
        if m:
            name, version, traced_hash = m.group(1), m.group(2), m.group(3)
        about = f"Imported from {self.origin or 'an unnamed tool'}"
        if traced_hash:
            about += f"; exported from codebook hash {traced_hash}"
        return Codebook(
            name=name,
            version=version,
            description=about,
            frameworks=tuple(frameworks),
            codes=_codes_from_drafts(drafts),
        )

    # -- sources

    def _sources(self) -> list[_Source]:
        out: list[_Source] = []
        sources_el = child(self.root, "Sources")
        if sources_el is None:
            return out
        skipped: dict[str, list[str]] = {}
        for el in sources_el:
            kind = local_name(el)
            if kind == "TextSource":
                src = self._text_source(el, len(out) + 1)
                if src is not None:
                    out.append(src)
            elif kind in UNSUPPORTED_SOURCES:
                n_codings = sum(1 for _ in descendants(el, "Coding"))
                label = f"'{el.get('name') or el.get('path') or el.get('guid')}'"
                if n_codings:
                    label += f" ({n_codings} coding(s))"
                skipped.setdefault(UNSUPPORTED_SOURCES[kind], []).append(label)
            elif kind:
                self.warn(f"unknown source element <{kind}> skipped")
        for kind, names in skipped.items():
            self.warn(
                f"{len(names)} {kind} source(s) skipped, only text is imported: " + ", ".join(names)
            )
        if self.files is not None and self.files.capital_sources:
            self.warn(
                "source files are in 'Sources/' (capital S, as NVivo for Windows "
                "writes) rather than 'sources/'; read anyway"
            )
        for kind, names in self.path_kinds.items():
            what = {
                "bare": "a bare file name without internal://",
                "relative": "a relative:// path",
                "absolute": "an absolute:// path",
                "file": "a file:// path",
            }.get(kind, kind)
            self.warn(
                f"{len(names)} source(s) give {what} as plainTextPath "
                f"({', '.join(names[:5])}); the file was looked up inside the archive"
            )
        return out

    def _load_text(self, el: Any, label: str) -> tuple[str | None, str]:
        """The raw text of a TextSource or Note (BOM removed, line breaks as written),
        or None and why it could not be read."""
        path = (el.get("plainTextPath") or "").strip()
        content_el = child(el, "PlainTextContent")
        if path and self.files is not None:
            member, kind = self.files.resolve(path)
            if member is not None:
                if kind:
                    self.path_kinds.setdefault(kind, []).append(path)
                if content_el is not None:
                    self.warn(
                        f"{label} has both plainTextPath and PlainTextContent; the file was used"
                    )
                try:
                    data = self.files.read(member)
                except ExchangeError as exc:
                    return None, f"its text file could not be read ({exc.message})"
                raw, note = decode_text(data)
                if note:
                    self.warn(f"the text of {label} {note}")
                return raw, ""
        if content_el is not None:
            return content_el.text or "", ""
        if path:
            where = "in the archive" if self.files is not None else "(a bare .qde has no files)"
            return None, f"its text file {path} is not available {where}"
        return None, "it has neither plainTextPath nor PlainTextContent"

    def _text_source(self, el: Any, n: int) -> _Source | None:
        guid = normalise_guid(el.get("guid"))
        path = (el.get("plainTextPath") or "").strip()
        name = (el.get("name") or "").strip()
        if not name:
            name = PurePosixPath(path.replace("\\", "/").split("://")[-1]).name if path else ""
            name = name or f"Source {n}"
        label = f"source '{name}'"
        n_codings = sum(1 for _ in descendants(el, "Coding"))
        raw, why_not = self._load_text(el, label)
        if raw is None:
            self.warn(
                f"{label} skipped: {why_not}"
                + (f"; {n_codings} coding(s) lost" if n_codings else "")
            )
            return None
        text, crlf = normalise_newlines(raw)
        if not text.strip():
            rich = el.get("richTextPath") or ""
            why = (
                " (its content is only in the rich text file, as NVivo for Mac writes)"
                if rich
                else ""
            )
            self.warn(
                f"{label} skipped: its plain text is empty{why}"
                + (f"; {n_codings} coding(s) lost" if n_codings else "")
            )
            return None
        selections: list[_Selection] = []
        bad = 0
        for sel in children(el, "PlainTextSelection"):
            start, end = _int(sel.get("startPosition")), _int(sel.get("endPosition"))
            if start is None or end is None:
                bad += 1
                continue
            selections.append(_Selection(sel, start, end, sel.get("name") or ""))
        if bad:
            self.warn(f"{label}: {bad} selection(s) without readable positions skipped")
        return _Source(el, guid, name, TextIndex(text, crlf), selections)

    def _convention(self, sources: list[_Source]) -> PositionConvention:
        default, tool = default_convention(self.origin)
        if self.origin.lower().startswith("qualcode"):
            return CODE_POINTS
        relevant = [s for s in sources if s.index.crlf or s.index.astral]
        chosen = default
        n_sel = sum(len(s.selections) for s in relevant)
        if n_sel:
            scores = {conv: self._score(relevant, conv) for conv in ALL_CONVENTIONS}
            best = max(ALL_CONVENTIONS, key=lambda c: (scores[c], c == default))
            margin = max(2.0, 0.05 * n_sel)
            if scores[best] > scores[default] + margin:
                who = tool or (f"'{self.origin}'" if self.origin else "an unnamed tool")
                self.warn(
                    f"positions did not fit the usual convention of {who} "
                    f"({default.describe()}); they fit {best.describe()} much better, "
                    "so that was used"
                )
                chosen = best
        affected = [s.name for s in relevant if s.selections]
        if affected:
            like = f", as {tool} does" if tool and chosen == default else ""
            self.warn(
                f"positions in {len(affected)} source(s) with CR LF line breaks or characters "
                f"beyond the Basic Multilingual Plane were read as {chosen.describe()}{like}; "
                "converted to characters of the text with LF line breaks"
            )
        return chosen

    @staticmethod
    def _score(sources: list[_Source], conv: PositionConvention) -> float:
        score = 0.0
        for src in sources:
            idx = src.index
            for sel in src.selections:
                s, s_ok = idx.from_vendor(sel.start, conv, side="start")
                e, e_ok = idx.from_vendor(sel.end, conv, side="end")
                if not (s_ok and e_ok) or not (0 <= s < e <= len(idx.text)):
                    continue
                if clean_boundaries(idx.text, s, e):
                    score += 1
                if sel.name and quote_matches(sel.name, idx.text[s:e]):
                    score += 2
        return score

    def _place_documents(self, sources: list[_Source]) -> None:
        seen: dict[str, int] = {}
        renamed = []
        for i, src in enumerate(sources, start=1):
            src.doc_id = i
            if src.name in seen:
                seen[src.name] += 1
                new = f"{src.name} ({seen[src.name]})"
                renamed.append(f"'{src.name}' -> '{new}'")
                src.name = new
            else:
                seen[src.name] = 1
        if renamed:
            self.warn("sources with repeated names were renamed: " + ", ".join(renamed[:10]))
        for src in sources:
            self._apply_values(src, children(src.element, "VariableValue"), overwrite=True)
            description = child_text(src.element, "Description").strip()
            if description:
                src.metadata.setdefault("description", description)

    def _codings(
        self,
        src: _Source,
        conv: PositionConvention,
        code_ids: Mapping[str, str],
        codebook_hash: str,
        codings: list[StoredCoding],
        memos: list[Memo],
    ) -> None:
        idx = src.index
        text = idx.text
        outside = zero = split = unknown_code = not_clean = 0
        self.add_note_target(src.element, ("document", str(src.doc_id), ""))

        def coding_from(coding_el: Any, start: int, end: int, sel_el: Any | None) -> None:
            nonlocal unknown_code
            ref = child(coding_el, "CodeRef")
            code_id = (
                code_ids.get(normalise_guid(ref.get("targetGUID"))) if ref is not None else None
            )
            if code_id is None:
                unknown_code += 1
                return
            coding_id = len(codings) + 1
            sel_user = sel_el.get("creatingUser") if sel_el is not None else None
            sel_time = sel_el.get("creationDateTime") if sel_el is not None else None
            codings.append(
                StoredCoding(
                    id=coding_id,
                    document_id=src.doc_id,
                    code_id=code_id,
                    start=start,
                    end=end,
                    status="accepted",
                    origin="import",
                    coder=self.user_name(coding_el.get("creatingUser"), sel_user),
                    codebook_hash=codebook_hash,
                    created_at=read_datetime(coding_el.get("creationDateTime") or sel_time),
                )
            )
            self.add_note_target(coding_el, ("coding", str(coding_id), ""))

        for sel in src.selections:
            el = sel.element
            if sel.start < 0 or sel.end < sel.start:
                outside += 1
                continue
            s, s_ok = idx.from_vendor(sel.start, conv, side="start")
            e, e_ok = idx.from_vendor(sel.end, conv, side="end")
            if e > len(text) or s > len(text):
                outside += 1
                continue
            if s >= e:
                zero += 1
                continue
            if not (s_ok and e_ok):
                split += 1
            if not clean_boundaries(text, s, e):
                not_clean += 1
            for coding_el in children(el, "Coding"):
                coding_from(coding_el, s, e, el)
            quote = short_quote(text[s:e], 60)
            hint = f"Note on “{quote}” ({s}–{e})"
            self.add_note_target(el, ("document", str(src.doc_id), hint))
            description = child_text(el, "Description").strip()
            if description:
                memos.append(
                    Memo(
                        id=len(memos) + 1,
                        target_type="document",
                        target_id=str(src.doc_id),
                        text=description,
                        title=(
                            sel.name
                            if sel.name and not quote_matches(sel.name, text[s:e])
                            else hint
                        ),
                        author=self.user_name(el.get("creatingUser")),
                        created_at=read_datetime(el.get("creationDateTime")),
                        updated_at=read_datetime(el.get("modifiedDateTime")),
                    )
                )
        whole = children(src.element, "Coding")
        for coding_el in whole:
            coding_from(coding_el, 0, len(text), None)
        label = f"source '{src.name}'"
        if whole:
            self.warn(
                f"{label}: {len(whole)} coding(s) of the whole source imported as "
                "codings of the entire text"
            )
        if outside:
            self.warn(
                f"{label}: {outside} selection(s) fall outside its text "
                f"({len(text)} characters) and were skipped"
            )
        if zero:
            self.warn(f"{label}: {zero} empty selection(s) skipped")
        if split:
            self.warn(
                f"{label}: {split} selection(s) started or ended inside a character "
                "(half of a CR LF or of an emoji) and were moved to the nearest one"
            )
        if not_clean:
            self.warn(f"{label}: {not_clean} selection(s) start or end inside a word; check them")
        if unknown_code:
            self.warn(
                f"{label}: {unknown_code} coding(s) refer to a code that is not in the "
                "codebook and were skipped"
            )

    # -- variables and cases

    def _values(self, value_els: list[Any]) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        for vv in value_els:
            ref = child(vv, "VariableRef")
            var = (
                self.variables.get(normalise_guid(ref.get("targetGUID")))
                if ref is not None
                else None
            )
            value_el = next((c for c in vv if local_name(c).endswith("Value")), None)
            if var is None or value_el is None:
                continue
            name, _ = var
            kind = local_name(value_el)
            raw = (value_el.text or "").strip() if kind != "TextValue" else (value_el.text or "")
            value: Any = raw
            try:
                if kind == "BooleanValue":
                    value = raw.lower() in ("true", "1")
                elif kind == "IntegerValue":
                    value = int(raw)
                elif kind == "FloatValue":
                    value = float(raw)
            except ValueError:
                value = raw
            out.append((name, value))
        return out

    def _apply_values(self, src: _Source, value_els: list[Any], *, overwrite: bool) -> None:
        for name, value in self._values(value_els):
            if name.lower().startswith(METADATA_PREFIX):
                key = name[len(METADATA_PREFIX) :]
                if overwrite or key not in src.metadata:
                    src.metadata[key] = value
                continue
            fname = FIELD_ALIASES.get(name.strip().lower())
            if fname is None:
                if overwrite or name not in src.metadata:
                    src.metadata[name] = value
                continue
            text = str(value)
            if fname == "source_type" and text.strip().lower() not in SOURCE_TYPES:
                src.metadata.setdefault(name, value)
                continue
            if fname == "source_type":
                text = text.strip().lower()
            if overwrite or not src.fields.get(fname):
                src.fields[fname] = text

    def _cases(self, sources: list[_Source]) -> None:
        cases_el = child(self.root, "Cases")
        if cases_el is None:
            return
        by_guid = {s.guid: s for s in sources if s.guid}
        conflicts = no_sources = selection_refs = 0
        for case in children(cases_el, "Case"):
            name = (case.get("name") or "").strip()
            members = [
                by_guid[g]
                for g in (normalise_guid(r.get("targetGUID")) for r in children(case, "SourceRef"))
                if g in by_guid
            ]
            selection_refs += len(children(case, "SelectionRef"))
            if not members:
                no_sources += 1
                continue
            for src in members:
                if name:
                    current = src.fields.get("informant", "")
                    if not current:
                        src.fields["informant"] = name
                    elif current != name:
                        conflicts += 1
                self._apply_values(src, children(case, "VariableValue"), overwrite=False)
        if conflicts:
            self.warn(
                f"{conflicts} source(s) belong to more than one case; each keeps the "
                "first case as its informant"
            )
        if no_sources:
            self.warn(f"{no_sources} case(s) without imported sources were not imported")
        if selection_refs:
            self.warn(f"{selection_refs} case reference(s) to selections were not imported")

    def _source_sets(self, sets: list[Any], sources: list[_Source]) -> None:
        by_guid = {s.guid: s for s in sources if s.guid}
        used = 0
        for set_el in sets:
            name = (set_el.get("name") or "").strip()
            hit = False
            for ref in children(set_el, "MemberSource"):
                src = by_guid.get(normalise_guid(ref.get("targetGUID")))
                if src is not None and name:
                    hit = True
                    names = src.metadata.setdefault("sets", [])
                    if name not in names:
                        names.append(name)
            used += hit
        if used:
            self.warn(f"{used} source set(s) recorded in the documents' metadata under 'sets'")

    def _document(self, src: _Source) -> StoredDocument:
        f = src.fields
        text = src.index.text
        source_type = cast(SourceType, f.get("source_type") or "interview")
        return StoredDocument(
            id=src.doc_id,
            name=src.name,
            text=text,
            source_type=source_type,
            informant=f.get("informant", ""),
            role=f.get("role", ""),
            date=f.get("date", ""),
            place=f.get("place", ""),
            title=f.get("title", ""),
            format="qdpx",
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            metadata=src.metadata,
        )

    # -- notes

    def _notes(self, memos: list[Memo], code_ids: set[str]) -> list[Conclusion]:
        conclusions: list[Conclusion] = []
        notes_el = child(self.root, "Notes")
        if notes_el is None:
            return conclusions
        lost_segments = 0
        for note in children(notes_el, "Note"):
            g = normalise_guid(note.get("guid"))
            title = (note.get("name") or "").strip()
            raw, why_not = self._load_text(note, f"note '{title or g}'")
            if raw is None and note.get("plainTextPath"):
                self.warn(f"note '{title or g}': {why_not}; only its description was kept")
            raw = raw or ""
            content = normalise_newlines(raw)[0]
            description = child_text(note, "Description").strip()
            author = self.user_name(note.get("creatingUser"))
            created = read_datetime(note.get("creationDateTime"))
            updated = read_datetime(note.get("modifiedDateTime"))
            if description.startswith(CONCLUSION_MARKER):
                m = re.search(r"^Codes: (.*)$", description, re.MULTILINE)
                ids = tuple(c for c in (m.group(1).split("; ") if m else []) if c in code_ids)
                if re.search(r"^(Supporting|Contradicting): ", description, re.MULTILINE):
                    lost_segments += 1
                conclusions.append(
                    Conclusion(
                        id=len(conclusions) + 1,
                        text=content,
                        code_ids=ids,
                        author=author,
                        created_at=created,
                        updated_at=updated,
                    )
                )
                continue
            if content and description and description != content:
                text = f"{content}\n\n{description}"
            else:
                text = content or description
            targets = self.note_targets.get(g) or [("project", "", "")]
            seen: set[tuple[str, str]] = set()
            for target_type, target_id, hint in targets:
                if (target_type, target_id) in seen:
                    continue
                seen.add((target_type, target_id))
                memos.append(
                    Memo(
                        id=len(memos) + 1,
                        target_type=target_type,
                        target_id=target_id,
                        text=text,
                        title=title or hint,
                        author=author,
                        created_at=created,
                        updated_at=updated,
                    )
                )
        if lost_segments:
            self.warn(
                f"{lost_segments} conclusion(s) imported without their supporting and "
                "contradicting segments (listed in REFI-QDA as text only)"
            )
        return conclusions


# --------------------------------------------------------------------------- public API


def _find_project_file(z: SafeZip, warnings: list[str]) -> str:
    names = [n for n in z.names if not n.endswith("/")]
    top = [n for n in names if "/" not in n and n.lower().endswith(".qde")]
    if len(top) > 1:
        exact = [n for n in top if n.lower() == "project.qde"]
        if len(exact) != 1:
            raise ExchangeError(
                "the archive holds several project files: " + ", ".join(top), path=z.label
            )
        top = exact
    if not top:
        nested = [n for n in names if n.lower().endswith(".qde")]
        if len(nested) != 1:
            raise ExchangeError(
                "not a REFI-QDA project: no project.qde in the archive", path=z.label
            )
        warnings.append(
            f"the project file is '{nested[0]}', not at the top of the archive; read anyway"
        )
        return nested[0]
    name = top[0]
    if name != "project.qde":
        warnings.append(
            f"the project file is named '{name}' instead of 'project.qde' "
            "(as ATLAS.ti 26 does); read anyway"
        )
    return name


def read_qdpx(
    path_or_file: PathOrFile, *, limits: ZipLimits = DEFAULT_LIMITS
) -> tuple[ProjectData, list[str]]:
    """Read a REFI-QDA project archive; return the project and warnings about what was
    skipped or changed. Raises ``ExchangeError`` for unreadable or unsafe files."""
    z = SafeZip(path_or_file, limits=limits)
    try:
        warnings: list[str] = []
        qde = _find_project_file(z, warnings)
        root = parse_xml(z.read(qde), source=f"{z.label}:{qde}")
        return _ProjectReader(root, _Files(z), f"{z.label}:{qde}", warnings).read()
    finally:
        z.close()


def read_qde(path_or_file: PathOrFile) -> tuple[ProjectData, list[str]]:
    """Read a bare ``project.qde`` XML file (no archive). Only embedded texts
    (``PlainTextContent``) can be read; sources kept in files are skipped with a warning."""
    data, label = read_limited(path_or_file)
    root = parse_xml(data, source=label)
    return _ProjectReader(root, None, label, []).read()


_QDC_ORIGIN = re.compile(r'codebook "(.*)" version (\S+) \(hash ([0-9a-f]+)\)')


def read_qdc(
    path_or_file: PathOrFile, *, limits: ZipLimits = DEFAULT_LIMITS
) -> tuple[Codebook, list[str]]:
    """Read a REFI-QDA codebook (``.qdc``); return it and warnings."""
    warnings: list[str] = []
    data, label = read_limited(path_or_file)
    if data.startswith(b"PK\x03\x04"):
        z = SafeZip(data, limits=limits)
        try:
            inner = [n for n in z.names if n.lower().endswith((".qdc", ".xml"))]
            if len(inner) != 1:
                raise ExchangeError("a zipped codebook must hold exactly one .qdc file", path=label)
            warnings.append(f"the codebook was zipped; read '{inner[0]}' from the archive")
            data = z.read(inner[0])
        finally:
            z.close()
    root = parse_xml(data, source=label)
    name = local_name(root)
    if name == "Project":
        raise ExchangeError("this is a project (.qde), not a codebook", path=label)
    if name != "CodeBook":
        raise ExchangeError(f"not a REFI-QDA codebook: the root element is <{name}>", path=label)
    ns = namespace_of(root)
    if ns != "urn:QDA-XML:codebook:1.0":
        if not ns:
            warnings.append("the codebook has no namespace; read anyway")
        elif is_qda_namespace(ns, "codebook"):
            warnings.append(
                f"the codebook uses namespace {ns} instead of urn:QDA-XML:codebook:1.0; read anyway"
            )
        else:
            warnings.append(f"the codebook uses an unexpected namespace {ns}; read anyway")
    codes_el = child(root, "Codes")
    drafts: list[_CodeDraft] = []
    guid_to_id: dict[str, str] = {}
    if codes_el is not None:
        drafts, guid_to_id = _read_codes(codes_el, warnings)
    else:
        warnings.append("the codebook has no <Codes>")
    frameworks, _ = _frameworks_from_sets(child(root, "Sets"), drafts, guid_to_id, warnings)
    origin = (root.get("origin") or "").strip()
    m = _QDC_ORIGIN.search(origin)
    if m:
        cb_name, version = m.group(1), m.group(2)
    elif isinstance(path_or_file, str | Path):
        cb_name, version = Path(path_or_file).stem, "imported"
    else:
        cb_name, version = "Imported codebook", "imported"
    about = f"Imported from {origin or 'an unnamed tool'}"
    return Codebook(
        name=cb_name,
        version=version,
        description=about,
        frameworks=tuple(frameworks),
        codes=_codes_from_drafts(drafts),
    ), warnings
