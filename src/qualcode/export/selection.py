"""What an export contains: the codings that pass the filters, with citations,
pseudonymised when asked, and the facts that make the export traceable.

Every format reads an :class:`ExportData` built once by :func:`collect`, so the
filters, the pseudonyms and the citations are the same in the report, the
spreadsheets and the network files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from qualcode.analysis.filters import (
    filter_codings,
    label,
    natural_sorted,
    prepare_codings,
    prepare_segments,
)
from qualcode.errors import QualcodeError
from qualcode.exchange.refi_common import xml_safe
from qualcode.export.labels import EVIDENCE_KINDS, check_language, format_date, t
from qualcode.export.pseudonym import NameReplacer, build_pseudonyms
from qualcode.model import STATUSES, Codebook, Conclusion, Memo, ProjectData

if TYPE_CHECKING:
    from qualcode.service import Project

DEFAULT_STATUSES: tuple[str, ...] = ("accepted", "manual")

STATUS_ALIASES: dict[str, str] = {
    "usulan": "suggested",
    "diterima": "accepted",
    "ditolak": "rejected",
    "manual": "manual",
    "suggested": "suggested",
    "accepted": "accepted",
    "rejected": "rejected",
}
ALL_WORDS = frozenset({"all", "semua", "*"})

SOURCE_TYPE_ALIASES: dict[str, str] = {
    "interview": "interview",
    "wawancara": "interview",
    "observation": "observation",
    "observasi": "observation",
    "pengamatan": "observation",
    "document": "document",
    "dokumen": "document",
    "dokumentasi": "document",
}

DOC_TYPE_KEYS: tuple[str, ...] = ("doc_type", "jenis_dokumen", "document_type", "tipe_dokumen")

# Columns of the codings and segments frames that can carry a name: metadata
# fields, and running text.
_FIELD_COLUMNS = ("informant", "role", "title", "place", "speaker")
_TEXT_COLUMNS = ("text",)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_ACRONYM = re.compile(r"\(([A-Za-z][A-Za-z0-9/\-]{1,14})\)")


@dataclass(frozen=True)
class Filters:
    """The selection an export was made with (``None`` = not filtered)."""

    codes: tuple[str, ...] | None = None
    informants: tuple[str, ...] | None = None
    source_types: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = DEFAULT_STATUSES
    pseudonymise: bool = False
    language: str = "id"
    window: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "codes": list(self.codes) if self.codes is not None else None,
            "informants": list(self.informants) if self.informants is not None else None,
            "source_types": list(self.source_types) if self.source_types is not None else None,
            "statuses": list(self.statuses) if self.statuses is not None else None,
            "pseudonymise": self.pseudonymise,
            "language": self.language,
            "window": self.window,
        }


@dataclass
class DocumentInfo:
    """A document as the exports show it (pseudonymised when asked)."""

    id: int
    name: str
    title: str
    source_type: str
    informant: str
    role: str
    date: str
    place: str
    doc_type: str
    citation: str = ""


@dataclass
class ExportData:
    project_name: str
    codebook: Codebook
    codebook_hash: str
    exported_at: datetime
    filters: Filters
    codings: pd.DataFrame  # the selected codings, with citation, line, title, evidence
    all_codings: pd.DataFrame  # every coding of the project (for the audit counts)
    segments: pd.DataFrame
    documents: dict[int, DocumentInfo]
    conclusions: list[Conclusion]
    memos: list[Memo]
    pseudonyms: dict[str, str]
    project_data: ProjectData
    warnings: list[str] = field(default_factory=list)
    suggested_matching: int = 0  # suggestions left out only because of their status

    @property
    def language(self) -> str:
        return self.filters.language

    @property
    def replacer(self) -> NameReplacer:
        return NameReplacer(self.pseudonyms)

    def counts(self) -> dict[str, int]:
        frame = self.codings
        return {
            "codings": int(len(frame)),
            "segments": int(len(unique_units(frame))),
            "documents": int(frame["document_id"].nunique()) if len(frame) else 0,
            "informants": int(frame.loc[frame["informant"] != "", "informant"].nunique()),
            "codes": int(frame["code_id"].nunique()) if len(frame) else 0,
            "codings_in_project": int(len(self.all_codings)),
            "suggested_in_project": int((self.all_codings["status"] == "suggested").sum()),
            "suggested_left_out": int(self.suggested_matching),
        }

    def statuses_text(self) -> str:
        statuses = self.filters.statuses
        if statuses is None:
            return t(self.language, "all")
        return ", ".join(label("status", s, self.language) for s in statuses)

    def filters_text(self) -> str:
        lang = self.language
        parts: list[str] = []
        if self.filters.codes is not None:
            names = {c.id: c.name for c in self.codebook.codes}
            parts.append(
                f"{t(lang, 'code').lower()}: "
                + ", ".join(names.get(c, c) for c in self.filters.codes)
            )
        if self.filters.informants is not None:
            shown = [self.replacer.field(i) for i in self.filters.informants]
            parts.append(f"{t(lang, 'informant').lower()}: " + ", ".join(shown))
        if self.filters.source_types is not None:
            parts.append(
                f"{t(lang, 'source_type').lower()}: "
                + ", ".join(label("source_type", s, lang) for s in self.filters.source_types)
            )
        return "; ".join(parts) if parts else t(lang, "no_filter")


def collect(
    project: Project,
    *,
    codes: Iterable[str] | str | None = None,
    informants: Iterable[str] | str | None = None,
    source_types: Iterable[str] | str | None = None,
    statuses: Iterable[str] | str | None = DEFAULT_STATUSES,
    pseudonymise: bool = False,
    language: str = "id",
    window: int = 0,
    exported_at: datetime | None = None,
) -> ExportData:
    """Read the project once and select what the export shows.

    Raises QualcodeError for an unknown code, informant, source type, status or
    language, naming the ones that exist.
    """
    check_language(language)
    if window < 0:
        raise QualcodeError("the co-occurrence window must be 0 or more")
    data = project.project_data()
    codebook = data.codebook
    all_codings = prepare_codings(project.codings_frame())
    documents_raw = {d.id: d for d in data.documents}

    filters = Filters(
        codes=_resolve_codes(codes, codebook, all_codings),
        informants=_resolve_informants(informants, data),
        source_types=_resolve_source_types(source_types),
        statuses=_resolve_statuses(statuses),
        pseudonymise=bool(pseudonymise),
        language=language,
        window=int(window),
    )
    selected = filter_codings(
        all_codings,
        codes=filters.codes,
        informants=filters.informants,
        source_types=filters.source_types,
        statuses=filters.statuses,
    )
    suggested = 0
    if filters.statuses is not None and "suggested" not in filters.statuses:
        suggested = len(
            filter_codings(
                all_codings,
                codes=filters.codes,
                informants=filters.informants,
                source_types=filters.source_types,
                statuses=("suggested",),
            )
        )
    pseudonyms = build_pseudonyms(data) if pseudonymise else {}
    replacer = NameReplacer(pseudonyms)
    warnings: list[str] = []

    documents = {
        doc_id: _document_info(doc, replacer, language) for doc_id, doc in documents_raw.items()
    }
    lines = [
        documents_raw[d].text.count("\n", 0, s) + 1 if d in documents_raw else 0
        for d, s in zip(selected["document_id"], selected["start"], strict=True)
    ]
    selected = selected.assign(
        text=_spans(selected, documents_raw),
        line=pd.Series(lines, index=selected.index, dtype="int64"),
        title=[documents[d].title if d in documents else "" for d in selected["document_id"]],
        place=[documents[d].place if d in documents else "" for d in selected["document_id"]],
        citation=[documents[d].citation if d in documents else "" for d in selected["document_id"]],
        evidence=[
            evidence_text(v, language, replacer)
            for v in selected.get("evidence_json", pd.Series([""] * len(selected)))
        ],
    )
    selected = _pseudonymise_frame(selected, replacer)
    selected["document"] = [
        documents[d].name if d in documents else n
        for d, n in zip(selected["document_id"], selected["document"], strict=True)
    ]
    segments = prepare_segments(project.segments_frame())
    segments = _pseudonymise_frame(segments.assign(text=_spans(segments, documents_raw)), replacer)
    segments["document"] = [
        documents[d].name if d in documents else n
        for d, n in zip(segments["document_id"], segments["document"], strict=True)
    ]

    conclusions = [
        replace(c, text=replacer.text(c.text))
        for c in data.conclusions
        if filters.codes is None or not c.code_ids or set(c.code_ids) & set(filters.codes)
    ]
    memos = [
        replace(m, text=replacer.text(m.text), title=replacer.text(m.title)) for m in data.memos
    ]
    return ExportData(
        project_name=replacer.field(data.name or project.name),
        codebook=codebook,
        codebook_hash=codebook.content_hash(),
        exported_at=exported_at or datetime.now().astimezone(),
        filters=filters,
        codings=selected.reset_index(drop=True),
        all_codings=all_codings,
        segments=segments,
        documents=documents,
        conclusions=conclusions,
        memos=memos,
        pseudonyms=pseudonyms,
        project_data=data,
        warnings=warnings,
        suggested_matching=suggested,
    )


# --------------------------------------------------------------------------- filters


def _as_list(values: Iterable[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = [str(v).strip() for v in values if str(v).strip()]
    return out or None


def _resolve_codes(
    values: Iterable[str] | str | None, codebook: Codebook, codings: pd.DataFrame
) -> tuple[str, ...] | None:
    wanted = _as_list(values)
    if wanted is None:
        return None
    known = list(codebook.code_ids) + natural_sorted(
        c for c in codings["code_id"].unique() if c and c not in codebook.code_ids
    )
    by_name = {c.name.casefold(): c.id for c in codebook.codes}
    out: list[str] = []
    for value in wanted:
        code_id = value if value in known else by_name.get(value.casefold())
        if code_id is None:
            raise QualcodeError(
                f"unknown code '{value}'; codes of this codebook: {', '.join(known)}"
            )
        for item in [code_id, *_descendants(codebook, code_id)]:
            if item not in out:
                out.append(item)
    return tuple(out)


def _descendants(codebook: Codebook, code_id: str) -> list[str]:
    out: list[str] = []
    todo = [code_id]
    while todo:
        current = todo.pop()
        for child in codebook.children(current):
            if child.id not in out and child.id != code_id:
                out.append(child.id)
                todo.append(child.id)
    return out


def _resolve_informants(
    values: Iterable[str] | str | None, data: ProjectData
) -> tuple[str, ...] | None:
    """Informant labels as stored; a real name (metadata ``name``) stands for the
    label of its document."""
    wanted = _as_list(values)
    if wanted is None:
        return None
    from qualcode.export.pseudonym import real_name_of

    labels = natural_sorted(d.informant for d in data.documents if d.informant)
    by_fold = {label.casefold(): label for label in labels}
    by_name = {
        real_name_of(d.metadata).casefold(): d.informant
        for d in data.documents
        if d.informant and real_name_of(d.metadata)
    }
    out: list[str] = []
    for value in wanted:
        folded = value.casefold()
        found = by_fold.get(folded) or by_name.get(folded)
        if found is None:
            shown = ", ".join(labels) if labels else "none"
            raise QualcodeError(f"unknown informant '{value}'; informants: {shown}")
        if found not in out:
            out.append(found)
    return tuple(out)


def _resolve_source_types(values: Iterable[str] | str | None) -> tuple[str, ...] | None:
    wanted = _as_list(values)
    if wanted is None:
        return None
    out: list[str] = []
    for value in wanted:
        canonical = SOURCE_TYPE_ALIASES.get(value.casefold())
        if canonical is None:
            raise QualcodeError(
                f"unknown source type '{value}'; use interview, observation or document "
                "(or wawancara, observasi, dokumentasi)"
            )
        if canonical not in out:
            out.append(canonical)
    return tuple(out)


def _resolve_statuses(values: Iterable[str] | str | None) -> tuple[str, ...] | None:
    wanted = _as_list(values)
    if wanted is None or any(v.casefold() in ALL_WORDS for v in wanted):
        return None
    out: list[str] = []
    for value in wanted:
        status = STATUS_ALIASES.get(value.casefold())
        if status is None:
            raise QualcodeError(f"unknown status '{value}'; use {', '.join(STATUSES)} (or all)")
        if status not in out:
            out.append(status)
    return tuple(out)


# --------------------------------------------------------------------------- documents


def _document_info(doc: Any, replacer: NameReplacer, language: str) -> DocumentInfo:
    metadata = doc.metadata or {}
    doc_type = next(
        (str(metadata[k]).strip() for k in DOC_TYPE_KEYS if str(metadata.get(k) or "").strip()),
        "",
    )
    info = DocumentInfo(
        id=int(doc.id),
        name=clean(replacer.identifier(doc.name)),
        title=clean(replacer.field(doc.title)),
        source_type=doc.source_type,
        informant=clean(replacer.field(doc.informant)),
        role=clean(replacer.field(doc.role)),
        date=doc.date,
        place=clean(replacer.field(doc.place)),
        doc_type=clean(replacer.field(doc_type)),
    )
    info.citation = citation(info, language)
    return info


def document_label(info: DocumentInfo, language: str = "id") -> str:
    """How a document is named in a citation: "Dokumen LKjIP 2023" from its
    document type and the year in its title, else from its title or file name."""
    prefix = t(language, "document_prefix")
    title = re.sub(r"\s*\((kutipan|excerpt|ringkasan)\)\s*$", "", info.title, flags=re.I)
    years = _YEAR.findall(title)
    year = years[-1] if years else ""
    kind = info.doc_type
    if not kind:
        acronym = _ACRONYM.search(title)
        if acronym:
            kind = acronym.group(1)
    if kind:
        if year and year not in kind:
            kind = f"{kind} {year}"
        return f"{prefix} {kind}"
    if title:
        short = title if len(title) <= 60 else title[:57].rsplit(" ", 1)[0] + "…"
        return f"{prefix} {short}"
    return f"{prefix} {Path(info.name).stem}" if info.name else prefix


def citation(info: DocumentInfo, language: str = "id") -> str:
    """The reference written after a quote, e.g. "(Informan 2, Pegawai Bagian
    Organisasi, wawancara, 14 Maret 2024)", "(Observasi, 13 Maret 2024)" or
    "(Dokumen LKjIP 2023, 28 Februari 2024)"."""
    date = format_date(info.date, language)
    if info.source_type == "observation":
        parts = [t(language, "observation"), date]
    elif info.source_type == "document":
        parts = [document_label(info, language), date]
    else:
        parts = [
            info.informant or t(language, "informant_unknown"),
            info.role,
            label("source_type", info.source_type or "interview", language),
            date,
        ]
    return "(" + ", ".join(p for p in parts if p) + ")"


# --------------------------------------------------------------------------- text helpers


def clean(value: Any) -> str:
    """Text safe for XML 1.0 (docx, xlsx, GraphML, GEXF): control characters and
    lone surrogates removed."""
    if value is None:
        return ""
    return xml_safe(str(value))


def evidence_text(evidence_json: Any, language: str, replacer: NameReplacer) -> str:
    """A coding's evidence as one readable line: ``kata kunci "koordinasi":
    “koordinasinya”; isyarat penghambat "lambat": “lambat” (negated ...)``."""
    from qualcode.service import evidence_of

    items = evidence_of(str(evidence_json or ""))
    kinds = EVIDENCE_KINDS.get(language, EVIDENCE_KINDS["id"])
    parts: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        kind = kinds.get(str(item.get("kind", "")), str(item.get("kind", "")))
        term = str(item.get("term", ""))
        matched = replacer.text(str(item.get("matched", "")))
        text = f'{kind} "{term}"'
        if matched and matched != term:
            text += f": \u201c{matched}\u201d"
        note = replacer.text(str(item.get("note", "")))
        if note:
            text += f" ({note})"
        parts.append(text)
    return "; ".join(parts)


def _spans(frame: pd.DataFrame, documents: dict[int, Any]) -> list[str]:
    """The text of each row's span, cut from the document text (the exact quote,
    whatever characters it holds)."""
    out = []
    for doc_id, start, end, text in zip(
        frame["document_id"], frame["start"], frame["end"], frame["text"], strict=True
    ):
        doc = documents.get(int(doc_id))
        out.append(doc.text[int(start) : int(end)] if doc is not None else str(text))
    return out


def _pseudonymise_frame(frame: pd.DataFrame, replacer: NameReplacer) -> pd.DataFrame:
    frame = frame.copy()
    for column in _FIELD_COLUMNS:
        if column in frame.columns:
            frame[column] = [clean(replacer.field(str(v))) for v in frame[column]]
    for column in _TEXT_COLUMNS:
        if column in frame.columns:
            frame[column] = [clean(replacer.text(str(v))) for v in frame[column]]
    return frame


def sort_quotes(frame: pd.DataFrame) -> pd.DataFrame:
    """Codings in reading order: interviews, observations, documents; informants in
    natural order; then document and position."""
    if frame.empty:
        return frame
    type_rank = {"interview": 0, "observation": 1, "document": 2}
    informant_order = {v: i for i, v in enumerate(natural_sorted(frame["informant"].unique()))}
    keyed = frame.assign(
        _type=[type_rank.get(s, 3) for s in frame["source_type"]],
        _inf=[informant_order.get(v, 0) if v else len(informant_order) for v in frame["informant"]],
    )
    keyed = keyed.sort_values(["_type", "_inf", "document_id", "start", "coding_id"], kind="stable")
    return keyed.drop(columns=["_type", "_inf"])


def unique_units(frame: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per coded unit (segment, or hand-selected span), per ``by`` group."""
    if frame.empty:
        return frame
    unit = [
        f"s{int(s)}" if pd.notna(s) else f"d{d}:{a}-{b}"
        for s, d, a, b in zip(
            frame["segment_id"], frame["document_id"], frame["start"], frame["end"], strict=True
        )
    ]
    return frame.assign(_unit=unit).drop_duplicates([*by, "_unit"]).drop(columns=["_unit"])
