"""Write a project as a REFI-QDA ``.qdpx`` and a codebook as a ``.qdc``.

Mapping (see GUIDE.md in the REFI-QDA notes for the format):

- each document -> ``<TextSource>`` with its exact text in ``sources/<guid>.txt``
  (UTF-8, no BOM, LF line breaks); positions are code points into that text, which
  are our offsets unchanged (or remapped when names are pseudonymised);
- codings -> ``<PlainTextSelection>`` (one per distinct span) holding one ``<Coding>``
  per code; only non-rejected codings unless asked;
- codebook -> nested ``<Code>``; definition, when to use / not, example and the
  qualcode id go in the ``<Description>`` as labelled lines; frameworks -> code
  ``<Set>``s;
- informants -> ``<Case>``s; role, source type, date, place, title and metadata ->
  ``<Variable>``s with values on each source;
- memos and conclusions -> ``<Note>``s, attached with ``<NoteRef>``.

GUIDs are uuid5 of the project name and the record id, so exporting the same
project twice gives the same GUIDs.
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from lxml import etree

from qualcode.errors import ExchangeError
from qualcode.exchange.refi_common import (
    CODE_LABELS,
    CODEBOOK_NS,
    CODEBOOK_SCHEMA_URL,
    FRAMEWORK_LABELS,
    PROJECT_NS,
    PROJECT_SCHEMA_URL,
    XSI_NS,
    OffsetRemap,
    Pseudonymiser,
    encode_description,
    format_datetime,
    is_iso_date,
    make_guid,
    now_utc,
    origin_string,
    short_quote,
    valid_colour,
    xml_safe,
)
from qualcode.model import Code, Codebook, ProjectData, StoredCoding, StoredDocument

# Document fields written as variables: (field, variable name). The reader accepts
# these names and a few Indonesian ones.
FIELD_VARIABLES: tuple[tuple[str, str], ...] = (
    ("role", "Role"),
    ("source_type", "Source type"),
    ("date", "Date"),
    ("place", "Place"),
    ("title", "Title"),
)
METADATA_PREFIX = "metadata: "
CONCLUSION_MARKER = "qualcode conclusion"
TRACE_CODEBOOK_PREFIX = "Codebook: "

OutTarget = IO[bytes] | str | Path


# --------------------------------------------------------------------------- helpers


def _el(
    parent: Any,
    tag: str,
    ns: str,
    attrs: Mapping[str, str | None] | None = None,
    text: str | None = None,
) -> Any:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    for key, value in (attrs or {}).items():
        if value is not None:
            element.set(key, xml_safe(value))
    if text is not None:
        element.text = xml_safe(text)
    return element


def _write_out(out: OutTarget, data: bytes) -> None:
    if isinstance(out, str | Path):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    else:
        out.write(data)


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _code_order(codebook: Codebook) -> tuple[list[Code], dict[str | None, list[Code]], list[str]]:
    """Roots, children by parent, and notes about broken parents (missing or cyclic)."""
    ids = {c.id for c in codebook.codes}
    notes: list[str] = []
    by_id = {c.id: c for c in codebook.codes}

    def effective_parent(code: Code) -> str | None:
        if code.parent is None:
            return None
        if code.parent not in ids:
            notes.append(
                f"code '{code.id}': parent '{code.parent}' does not exist; written at the top level"
            )
            return None
        seen = {code.id}
        cur: str | None = code.parent
        while cur is not None:
            if cur in seen:
                notes.append(
                    f"code '{code.id}': its parents form a cycle; written at the top level"
                )
                return None
            seen.add(cur)
            nxt = by_id[cur].parent
            cur = nxt if nxt in ids else None
        return code.parent

    kids: dict[str | None, list[Code]] = {}
    for code in codebook.codes:
        kids.setdefault(effective_parent(code), []).append(code)
    return kids.get(None, []), kids, notes


def _code_description(code: Code) -> str:
    fields = {
        "name_en": code.name_en,
        "when_to_use": code.when_to_use,
        "when_not_to_use": code.when_not_to_use,
        "example": code.example,
        "id": code.id,
    }
    return encode_description(code.definition, fields, CODE_LABELS)


def _add_codes(
    parent: Any,
    ns: str,
    codebook: Codebook,
    guid_of: Mapping[str, str],
    code_notes: Mapping[str, list[str]] | None,
) -> list[str]:
    roots, kids, notes = _code_order(codebook)
    codes_el = _el(parent, "Codes", ns)
    done: set[str] = set()

    def add(container: Any, code: Code) -> None:
        if code.id in done:
            return
        done.add(code.id)
        el = _el(
            container,
            "Code",
            ns,
            {
                "guid": guid_of[code.id],
                "name": code.name or code.id,
                "isCodable": "true" if code.codable else "false",
                "color": valid_colour(code.colour),
            },
        )
        description = _code_description(code)
        if description:
            _el(el, "Description", ns, text=description)
        for note_guid in (code_notes or {}).get(code.id, []):
            _el(el, "NoteRef", ns, {"targetGUID": note_guid})
        for kid in kids.get(code.id, []):
            add(el, kid)

    for root in roots:
        add(codes_el, root)
    if invalid := [c.id for c in codebook.codes if valid_colour(c.colour) is None]:
        notes.append(
            f"{len(invalid)} code colour(s) are not #RRGGBB and were left out: "
            + ", ".join(invalid[:10])
        )
    return notes


def _framework_description(codebook: Codebook, framework_id: str) -> str:
    fw = next(f for f in codebook.frameworks if f.id == framework_id)
    return encode_description(
        fw.description,
        {"author": fw.author, "reference": fw.reference, "id": fw.id},
        FRAMEWORK_LABELS,
    )


def codebook_trace(codebook: Codebook) -> str:
    return (
        f"{TRACE_CODEBOOK_PREFIX}{codebook.name}, version {codebook.version}, "
        f"hash {codebook.content_hash()}."
    )


# --------------------------------------------------------------------------- variables


@dataclass
class _Variable:
    name: str
    type: str  # Text, Boolean, Integer, Float, Date
    guid: str = ""
    values: dict[int, str] = field(default_factory=dict)  # document id -> lexical value


def _lexical(value: Any, kind: str) -> str:
    if kind == "Boolean":
        return "true" if value else "false"
    if kind == "Integer":
        return str(int(value))
    if kind == "Float":
        return format(Decimal(repr(float(value))), "f")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _metadata_kind(values: Iterable[Any]) -> str:
    vals = list(values)
    if all(isinstance(v, bool) for v in vals):
        return "Boolean"
    if all(isinstance(v, int) and not isinstance(v, bool) for v in vals):
        return "Integer"
    if all(
        isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in vals
    ):
        return "Float"
    return "Text"


# --------------------------------------------------------------------------- project export


@dataclass
class _Doc:
    record: StoredDocument
    guid: str
    text: str
    remap: OffsetRemap
    informant: str
    name: str


class _ProjectWriter:
    def __init__(
        self,
        project: ProjectData,
        *,
        pseudonyms: Mapping[str, str] | None,
        exported_by: str,
        include_rejected: bool,
        exported_at: datetime | None,
    ) -> None:
        self.project = project
        self.ps = Pseudonymiser(pseudonyms)
        self.exported_by = exported_by or "qualcode"
        self.include_rejected = include_rejected
        self.when = exported_at or now_utc()
        self.when_s = format_datetime(self.when) or ""
        self.name = self.ps.text(project.name) or "qualcode project"
        self.losses: list[str] = []
        self.users: dict[str, str] = {}  # name -> guid
        self.ns = PROJECT_NS

    # -- small helpers

    def guid(self, kind: str, ident: object) -> str:
        return make_guid(self.name, kind, ident)

    def user(self, name: str) -> str | None:
        if not name:
            return None
        if name not in self.users:
            self.users[name] = self.guid("user", name)
        return self.users[name]

    def el(
        self,
        parent: Any,
        tag: str,
        attrs: Mapping[str, str | None] | None = None,
        text: str | None = None,
    ) -> Any:
        return _el(parent, tag, self.ns, attrs, text)

    # -- build

    def build(self) -> tuple[bytes, dict[str, str]]:
        project = self.project
        codebook = project.codebook
        ps = self.ps
        self.user(self.exported_by)

        docs: dict[int, _Doc] = {}
        for d in project.documents:
            text, remap = ps.text_with_remap(d.text)
            if not text.strip():
                self.losses.append(f"document '{d.name}' has no text; importers skip it")
            if "\r" in text:
                self.losses.append(
                    f"document '{d.name}' contains CR characters; readers turn "
                    "them into line feeds, which may shift positions"
                )
            if text.startswith("\ufeff"):
                self.losses.append(
                    f"document '{d.name}' starts with U+FEFF, which readers "
                    "drop as a byte order mark; positions may shift by one"
                )
            docs[d.id] = _Doc(
                d,
                self.guid("document", d.id),
                text,
                remap,
                ps.text(d.informant),
                ps.text(d.name) or f"document {d.id}",
            )

        code_guid = {c.id: self.guid("code", c.id) for c in codebook.codes}

        # codings -> selections
        selections: dict[tuple[int, int, int], list[StoredCoding]] = {}
        coding_guid: dict[int, str] = {}
        left_out = 0
        for c in project.codings:
            if c.status == "rejected" and not self.include_rejected:
                left_out += 1
                continue
            doc = docs.get(c.document_id)
            if doc is None:
                self.losses.append(
                    f"coding {c.id}: document {c.document_id} is not in the project; left out"
                )
                continue
            if c.code_id not in code_guid:
                self.losses.append(
                    f"coding {c.id}: code '{c.code_id}' is not in the codebook; left out"
                )
                continue
            if not (0 <= c.start < c.end <= len(doc.record.text)):
                self.losses.append(
                    f"coding {c.id}: span {c.start}-{c.end} is empty or outside "
                    f"document '{doc.record.name}'; left out"
                )
                continue
            s = doc.remap.map(c.start, side="start")
            e = doc.remap.map(c.end, side="end")
            selections.setdefault((c.document_id, s, e), []).append(c)
            coding_guid[c.id] = self.guid("coding", c.id)
            self.user(c.coder)
        if left_out:
            self.losses.append(f"{left_out} rejected coding(s) left out")

        # memos
        segments = {s.id: s for s in project.segments}
        note_els: list[tuple[str, Any]] = []  # (guid, builder data)
        project_notes: list[str] = []
        code_notes: dict[str, list[str]] = {}
        doc_notes: dict[int, list[str]] = {}
        coding_notes: dict[int, list[str]] = {}
        selection_notes: dict[tuple[int, int, int], list[str]] = {}
        for m in project.memos:
            g = self.guid("memo", m.id)
            note_els.append((g, m))
            self.user(m.author)
            target = m.target_id
            if m.target_type == "project":
                project_notes.append(g)
            elif m.target_type == "code" and target in code_guid:
                code_notes.setdefault(target, []).append(g)
            elif m.target_type == "document" and target.isdigit() and int(target) in docs:
                doc_notes.setdefault(int(target), []).append(g)
            elif m.target_type == "coding" and target.isdigit() and int(target) in coding_guid:
                coding_notes.setdefault(int(target), []).append(g)
            elif (
                m.target_type == "segment"
                and target.isdigit()
                and int(target) in segments
                and segments[int(target)].document_id in docs
            ):
                seg = segments[int(target)]
                doc = docs[seg.document_id]
                key = (
                    seg.document_id,
                    doc.remap.map(seg.start, side="start"),
                    doc.remap.map(seg.end, side="end"),
                )
                if 0 <= key[1] <= key[2] <= len(doc.text):
                    selection_notes.setdefault(key, []).append(g)
                    selections.setdefault(key, [])
                else:
                    self.losses.append(
                        f"memo {m.id}: segment {target} lies outside its "
                        "document; written unattached"
                    )
            elif m.target_type == "conclusion":
                self.losses.append(
                    f"memo {m.id} is about conclusion {target}; REFI-QDA cannot "
                    "attach a note to a note, so it is written unattached"
                )
            else:
                self.losses.append(
                    f"memo {m.id}: {m.target_type} '{target}' is not exported; written unattached"
                )
        for conclusion in project.conclusions:
            self.user(conclusion.author)

        root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{PROJECT_NS} {PROJECT_SCHEMA_URL}")
        root.set("name", xml_safe(self.name))
        root.set("origin", origin_string())
        root.set("creatingUserGUID", self.users[self.exported_by])
        root.set("creationDateTime", format_datetime(project.created_at) or self.when_s)
        root.set("modifyingUserGUID", self.users[self.exported_by])
        root.set("modifiedDateTime", self.when_s)

        # Users
        users_el = self.el(root, "Users")
        for name, g in self.users.items():
            self.el(users_el, "User", {"guid": g, "name": name})

        # CodeBook
        if codebook.codes:
            cb_el = self.el(root, "CodeBook")
            self.losses.extend(_add_codes(cb_el, self.ns, codebook, code_guid, code_notes))

        # Variables
        variables = self._variables(docs)
        if variables:
            vars_el = self.el(root, "Variables")
            for var in variables:
                self.el(
                    vars_el,
                    "Variable",
                    {"guid": var.guid, "name": var.name, "typeOfVariable": var.type},
                )

        # Cases, one per informant
        informants: dict[str, list[_Doc]] = {}
        for doc in docs.values():
            if doc.informant:
                informants.setdefault(doc.informant, []).append(doc)
        role_var = next((v for v in variables if v.name == "Role"), None)
        if informants:
            cases_el = self.el(root, "Cases")
            for informant, members in informants.items():
                case_el = self.el(
                    cases_el, "Case", {"guid": self.guid("case", informant), "name": informant}
                )
                roles = {ps.text(member.record.role) for member in members}
                if role_var is not None and len(roles) == 1 and "" not in roles:
                    self._variable_value(case_el, role_var, roles.pop())
                for member in members:
                    self.el(case_el, "SourceRef", {"targetGUID": member.guid})

        # Sources
        files: dict[str, str] = {}
        if docs:
            sources_el = self.el(root, "Sources")
            for doc in docs.values():
                self._source(
                    sources_el,
                    doc,
                    selections,
                    coding_guid,
                    coding_notes,
                    selection_notes,
                    doc_notes,
                    variables,
                    code_guid,
                )
                files[f"sources/{doc.guid}.txt"] = doc.text

        # Notes: memos, then conclusions
        if note_els or project.conclusions:
            notes_el = self.el(root, "Notes")
            for g, m in note_els:
                note = self.el(
                    notes_el,
                    "Note",
                    {
                        "guid": g,
                        "name": ps.text(m.title) or None,
                        "creatingUser": self.user(m.author),
                        "creationDateTime": format_datetime(m.created_at),
                        "modifiedDateTime": format_datetime(m.updated_at),
                    },
                )
                self.el(note, "PlainTextContent", text=ps.text(m.text))
            for conclusion in project.conclusions:
                note = self.el(
                    notes_el,
                    "Note",
                    {
                        "guid": self.guid("conclusion", conclusion.id),
                        "name": f"Conclusion {conclusion.id}",
                        "creatingUser": self.user(conclusion.author),
                        "creationDateTime": format_datetime(conclusion.created_at),
                        "modifiedDateTime": format_datetime(conclusion.updated_at),
                    },
                )
                self.el(
                    note,
                    "Description",
                    text=self._conclusion_description(conclusion, segments, docs),
                )
                self.el(note, "PlainTextContent", text=ps.text(conclusion.text))
            if any(
                c.supporting_segment_ids or c.contradicting_segment_ids for c in project.conclusions
            ):
                self.losses.append(
                    f"{len(project.conclusions)} conclusion(s) written as notes; "
                    "their supporting and contradicting segments are listed as "
                    "text only"
                )

        # Sets: one code set per framework
        fw_members: dict[str, list[str]] = {}
        for code in codebook.codes:
            if code.framework:
                fw_members.setdefault(code.framework, []).append(code.id)
        frameworks = list(codebook.frameworks)
        if frameworks:
            sets_el = self.el(root, "Sets")
            for fw in frameworks:
                set_el = self.el(
                    sets_el,
                    "Set",
                    {"guid": self.guid("framework", fw.id), "name": fw.name or fw.id},
                )
                self.el(set_el, "Description", text=_framework_description(codebook, fw.id))
                for code_id in fw_members.get(fw.id, []):
                    self.el(set_el, "MemberCode", {"targetGUID": code_guid[code_id]})
        unknown_fw = sorted(set(fw_members) - {f.id for f in frameworks})
        if unknown_fw:
            self.losses.append(
                "framework(s) used by codes but not defined in the codebook: "
                + ", ".join(unknown_fw)
            )

        # Description: trace of what was exported
        self.el(root, "Description", text=self._trace(len(coding_guid), left_out))
        for g in project_notes:
            self.el(root, "NoteRef", {"targetGUID": g})

        self._note_losses()
        xml = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
        return xml, files

    def _note_losses(self) -> None:
        project = self.project
        if project.codings:
            self.losses.append(
                "valence, score, status, origin and evidence of codings have no "
                "place in REFI-QDA and are not exported"
            )
        if project.segments:
            self.losses.append(
                f"{len(project.segments)} segment(s) are not exported (REFI-QDA "
                "has no segmentation); only memos on segments become selections"
            )
        cb = project.codebook
        if (
            any(c.keywords or c.phrases or c.supporting_cues or c.inhibiting_cues for c in cb.codes)
            or cb.cues != type(cb.cues)()
        ):
            self.losses.append(
                "keywords, phrases and valence cues of the codebook are not "
                "exported; export the codebook YAML to keep them"
            )

    def _trace(self, n_codings: int, left_out: int) -> str:
        cb = self.project.codebook
        statuses = "all statuses" if self.include_rejected else "rejected codings left out"
        lines = [
            f"Exported by {origin_string()} on {self.when_s} (user: {self.exported_by}).",
            codebook_trace(cb),
            f"Codings: {n_codings} exported ({statuses}).",
            f"Pseudonymised: {'yes' if self.ps else 'no'}.",
        ]
        return "\n".join(lines)

    def _conclusion_description(
        self, conclusion: Any, segments: Mapping[int, Any], docs: Mapping[int, _Doc]
    ) -> str:
        lines = [CONCLUSION_MARKER]
        if conclusion.code_ids:
            lines.append("Codes: " + "; ".join(conclusion.code_ids))
        for label, seg_ids in (
            ("Supporting", conclusion.supporting_segment_ids),
            ("Contradicting", conclusion.contradicting_segment_ids),
        ):
            quotes = []
            for sid in seg_ids:
                seg = segments.get(sid)
                doc = docs.get(seg.document_id) if seg is not None else None
                if seg is None or doc is None:
                    quotes.append(f"segment {sid}")
                    continue
                s = doc.remap.map(seg.start, side="start")
                e = doc.remap.map(seg.end, side="end")
                quotes.append(f"“{short_quote(doc.text[s:e], 100)}” ({doc.name}, {s}–{e})")
            if quotes:
                lines.append(f"{label}: " + "; ".join(quotes))
        return "\n".join(lines)

    def _variables(self, docs: Mapping[int, _Doc]) -> list[_Variable]:
        ps = self.ps
        out: list[_Variable] = []
        for fname, vname in FIELD_VARIABLES:
            values = {
                d_id: ps.text(str(getattr(d.record, fname) or "")) for d_id, d in docs.items()
            }
            values = {k: v for k, v in values.items() if v}
            if not values:
                continue
            kind = "Text"
            if fname == "date" and all(is_iso_date(v) for v in values.values()):
                kind = "Date"
            out.append(_Variable(vname, kind, self.guid("variable", vname), values))
        reserved = {v.lower() for _, v in FIELD_VARIABLES} | {"informant"}
        keys: list[str] = []
        for d in docs.values():
            for key in d.record.metadata:
                if key not in keys:
                    keys.append(key)
        for key in keys:
            raw = {
                d_id: d.record.metadata[key]
                for d_id, d in docs.items()
                if key in d.record.metadata and d.record.metadata[key] is not None
            }
            if not raw:
                continue
            kind = _metadata_kind(raw.values())
            if kind == "Text" and any(not isinstance(v, str) for v in raw.values()):
                self.losses.append(
                    f"metadata '{key}' has mixed or structured values; written as text"
                )
            name = str(key)
            if name.lower() in reserved or name.lower().startswith(METADATA_PREFIX):
                name = METADATA_PREFIX + name
            values = {d_id: _lexical(ps.value(v), kind) for d_id, v in raw.items()}
            out.append(_Variable(name, kind, self.guid("variable", name), values))
        return out

    def _variable_value(self, parent: Any, var: _Variable, value: str) -> None:
        vv = self.el(parent, "VariableValue")
        self.el(vv, "VariableRef", {"targetGUID": var.guid})
        self.el(vv, f"{var.type}Value", text=value)

    def _source(
        self,
        sources_el: Any,
        doc: _Doc,
        selections: Mapping[tuple[int, int, int], list[StoredCoding]],
        coding_guid: Mapping[int, str],
        coding_notes: Mapping[int, list[str]],
        selection_notes: Mapping[tuple[int, int, int], list[str]],
        doc_notes: Mapping[int, list[str]],
        variables: list[_Variable],
        code_guid: Mapping[str, str],
    ) -> None:
        d = doc.record
        src = self.el(
            sources_el,
            "TextSource",
            {
                "guid": doc.guid,
                "name": doc.name,
                "plainTextPath": f"internal://{doc.guid}.txt",
                "creatingUser": self.users[self.exported_by],
                "creationDateTime": format_datetime(d.imported_at),
            },
        )
        keys = sorted(k for k in selections if k[0] == d.id)
        for key in keys:
            _, s, e = key
            sel = self.el(
                src,
                "PlainTextSelection",
                {
                    "guid": self.guid("selection", f"{d.id}:{s}:{e}"),
                    "name": short_quote(doc.text[s:e]) or None,
                    "startPosition": str(s),
                    "endPosition": str(e),
                },
            )
            for c in selections[key]:
                coding = self.el(
                    sel,
                    "Coding",
                    {
                        "guid": coding_guid[c.id],
                        "creatingUser": self.user(c.coder),
                        "creationDateTime": format_datetime(c.created_at),
                    },
                )
                self.el(coding, "CodeRef", {"targetGUID": code_guid[c.code_id]})
                for g in coding_notes.get(c.id, []):
                    self.el(coding, "NoteRef", {"targetGUID": g})
            for g in selection_notes.get(key, []):
                self.el(sel, "NoteRef", {"targetGUID": g})
        for g in doc_notes.get(d.id, []):
            self.el(src, "NoteRef", {"targetGUID": g})
        for var in variables:
            if d.id in var.values:
                self._variable_value(src, var, var.values[d.id])


def _zip(xml: bytes, files: Mapping[str, str], when: datetime) -> bytes:
    buf = io.BytesIO()
    stamp = _zip_time(when)
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [("project.qde", xml)] + [
            (n, t.encode("utf-8")) for n, t in files.items()
        ]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return buf.getvalue()


def build_qdpx(
    project: ProjectData,
    *,
    pseudonyms: Mapping[str, str] | None = None,
    exported_by: str = "qualcode",
    include_rejected: bool = False,
    exported_at: datetime | None = None,
) -> tuple[bytes, list[str]]:
    """The ``.qdpx`` bytes and the list of what the format could not carry."""
    writer = _ProjectWriter(
        project,
        pseudonyms=pseudonyms,
        exported_by=exported_by,
        include_rejected=include_rejected,
        exported_at=exported_at,
    )
    try:
        xml, files = writer.build()
    except (ValueError, TypeError) as exc:
        raise ExchangeError(f"cannot export project '{project.name}': {exc}") from exc
    return _zip(xml, files, writer.when), writer.losses


def write_qdpx(
    project: ProjectData,
    out: OutTarget,
    *,
    pseudonyms: Mapping[str, str] | None = None,
    exported_by: str = "qualcode",
    include_rejected: bool = False,
    exported_at: datetime | None = None,
) -> None:
    """Write ``project`` as a REFI-QDA project (``.qdpx``) to a path or binary stream.

    ``pseudonyms`` maps real names to pseudonyms; they are replaced (whole words) in
    the document texts, names, metadata, memos and conclusions, and coding offsets are
    moved to match. ``include_rejected`` also exports rejected codings.
    ``exported_at`` fixes the export time (default: now, UTC).
    """
    data, _ = build_qdpx(
        project,
        pseudonyms=pseudonyms,
        exported_by=exported_by,
        include_rejected=include_rejected,
        exported_at=exported_at,
    )
    _write_out(out, data)


def export_warnings(
    project: ProjectData,
    *,
    pseudonyms: Mapping[str, str] | None = None,
    include_rejected: bool = False,
) -> list[str]:
    """What a ``.qdpx`` export of ``project`` leaves out or changes, for the user to see."""
    _, losses = build_qdpx(project, pseudonyms=pseudonyms, include_rejected=include_rejected)
    return losses


# --------------------------------------------------------------------------- codebook export


def qdc_origin(codebook: Codebook) -> str:
    return (
        f'{origin_string()}; codebook "{codebook.name}" version {codebook.version} '
        f"(hash {codebook.content_hash()})"
    )


def write_qdc(codebook: Codebook, out: OutTarget) -> None:
    """Write ``codebook`` as a stand-alone REFI-QDA codebook (``.qdc``)."""
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS, "xsi": XSI_NS})
    root.set(f"{{{XSI_NS}}}schemaLocation", f"{CODEBOOK_NS} {CODEBOOK_SCHEMA_URL}")
    root.set("origin", xml_safe(qdc_origin(codebook)))
    if not codebook.codes:
        raise ExchangeError(f"codebook '{codebook.name}' has no codes; a .qdc needs at least one")
    guid_of = {c.id: make_guid(codebook.name, "code", c.id) for c in codebook.codes}
    _add_codes(root, CODEBOOK_NS, codebook, guid_of, None)
    if codebook.frameworks:
        sets_el = _el(root, "Sets", CODEBOOK_NS)
        for fw in codebook.frameworks:
            set_el = _el(
                sets_el,
                "Set",
                CODEBOOK_NS,
                {
                    "guid": make_guid(codebook.name, "framework", fw.id),
                    "name": fw.name or fw.id,
                },
            )
            _el(set_el, "Description", CODEBOOK_NS, text=_framework_description(codebook, fw.id))
            for code in codebook.codes:
                if code.framework == fw.id:
                    # in a .qdc, MemberCode uses @guid (a project uses @targetGUID)
                    _el(set_el, "MemberCode", CODEBOOK_NS, {"guid": guid_of[code.id]})
    data = etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
    _write_out(out, data)
