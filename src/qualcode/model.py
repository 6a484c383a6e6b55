"""Plain data shared by every layer: codebooks, documents, segments and codings.

These classes carry no behaviour beyond small conveniences, so that the reader,
the NLP pipeline, the store, the analyses and the UI can pass them around without
importing each other.

Offsets: every ``start``/``end`` is a Python ``str`` index (Unicode code point)
into ``Document.text``, the text as stored in the project (decoded, BOM removed,
line endings normalised to ``\\n``). ``text[start:end]`` is always the quoted span.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SourceType = Literal["interview", "observation", "document"]
SOURCE_TYPES: tuple[SourceType, ...] = ("interview", "observation", "document")

Valence = Literal["pendukung", "penghambat", "netral"]
VALENCES: tuple[Valence, ...] = ("pendukung", "penghambat", "netral")

# suggested: proposed by the machine, not yet reviewed; accepted/rejected: a human
# reviewed a suggestion; manual: a human coded it directly.
Status = Literal["suggested", "accepted", "rejected", "manual"]
STATUSES: tuple[Status, ...] = ("suggested", "accepted", "rejected", "manual")

# auto: keyword rules; suggester: model trained on the researcher's decisions;
# human: coded by hand; import: read from another tool's project.
Origin = Literal["auto", "suggester", "human", "import"]
ORIGINS: tuple[Origin, ...] = ("auto", "suggester", "human", "import")

SpeakerRole = Literal["interviewer", "informant", "other"]


# --------------------------------------------------------------------------- codebook


@dataclass(frozen=True)
class Framework:
    """A theory the codebook encodes, e.g. Dwiyanto's performance indicators."""

    id: str
    name: str
    author: str = ""
    description: str = ""
    reference: str = ""


@dataclass(frozen=True)
class Code:
    """One code of the codebook. ``parent`` is another code id or None."""

    id: str
    name: str  # Indonesian name, shown by default
    name_en: str = ""
    framework: str = ""
    parent: str | None = None
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    colour: str = "#999999"
    keywords: tuple[str, ...] = ()  # single words, matched on their root form
    phrases: tuple[str, ...] = ()  # multi-word expressions, matched in order
    supporting_cues: tuple[str, ...] = ()  # code-specific pendukung cues
    inhibiting_cues: tuple[str, ...] = ()  # code-specific penghambat cues
    codable: bool = True  # False for grouping nodes that only hold children

    def content_hash(self) -> str:
        """Hash of everything that changes what this code matches."""
        return _hash(asdict(self))


@dataclass(frozen=True)
class ValenceCues:
    """Codebook-wide cues that decide pendukung / penghambat and negation."""

    supporting: tuple[str, ...] = ()
    inhibiting: tuple[str, ...] = ()
    negators: tuple[str, ...] = ()
    # Phrases whose meaning is already negated, e.g. "belum optimal" -> inhibiting.
    hedges: tuple[str, ...] = ()


@dataclass(frozen=True)
class Codebook:
    name: str
    version: str
    language: str = "id"
    description: str = ""
    frameworks: tuple[Framework, ...] = ()
    codes: tuple[Code, ...] = ()
    cues: ValenceCues = field(default_factory=ValenceCues)
    source_path: str | None = None

    def code(self, code_id: str) -> Code:
        for c in self.codes:
            if c.id == code_id:
                return c
        raise KeyError(code_id)

    @property
    def code_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.codes)

    def children(self, parent_id: str | None) -> tuple[Code, ...]:
        return tuple(c for c in self.codes if c.parent == parent_id)

    def content_hash(self) -> str:
        """Short, stable hash of the codebook's meaning (not its file formatting)."""
        payload = asdict(self)
        payload.pop("source_path", None)
        return _hash(payload)[:12]


# --------------------------------------------------------------------------- documents


@dataclass
class SourceDocument:
    """A file as read from disk, before it enters a project."""

    name: str  # file name, or a title for uploaded text
    text: str
    source_type: SourceType = "interview"
    informant: str = ""  # pseudonym, e.g. "Informan 2"
    role: str = ""  # e.g. "Pegawai Bagian Organisasi"
    date: str = ""  # ISO date when known, e.g. "2024-03-14"
    place: str = ""
    title: str = ""
    format: str = "txt"  # txt, md, docx, odt, pdf, rtf, srt, vtt, qdpx
    path: str = ""  # where it was read from
    metadata: dict[str, Any] = field(default_factory=dict)  # everything else

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Segment:
    """A span of a document that can be coded: a speaker turn, a sentence or a paragraph."""

    index: int  # position within the document, from 0
    start: int
    end: int
    kind: Literal["turn", "sentence", "paragraph", "cue"] = "paragraph"
    speaker: str = ""  # the label as written, e.g. "Informan 2" or "P"
    speaker_role: SpeakerRole = "other"
    codable: bool = True  # interviewer turns are kept for context, not coded
    timestamp: str = ""  # e.g. "00:12:31" from a transcriber
    turn: int = -1  # index of the speaker turn this segment belongs to, -1 if none

    def text_of(self, document_text: str) -> str:
        return document_text[self.start : self.end]


# --------------------------------------------------------------------------- codings


@dataclass(frozen=True)
class Evidence:
    """Why a code was suggested: a matched term and where it sits in the document."""

    term: str  # the codebook keyword/phrase/cue that matched
    matched: str  # the text as it appears in the document
    start: int
    end: int
    kind: Literal["keyword", "phrase", "supporting", "inhibiting", "negation", "hedge", "model"]
    weight: float = 1.0
    note: str = ""  # e.g. "negated by 'tidak'"


@dataclass(frozen=True)
class CodeSuggestion:
    """The coder's output for one code on one segment."""

    code_id: str
    score: float  # 0..1
    valence: Valence
    evidence: tuple[Evidence, ...] = ()
    origin: Origin = "auto"

    def evidence_json(self) -> str:
        # An Evidence's __dict__ holds its fields in declaration order, as asdict()
        # gives them, without asdict's recursive deep copy (a fifth of storing codings).
        return json.dumps([vars(e) for e in self.evidence], ensure_ascii=False)


def _hash(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- project contents
# What a project holds, as plain records. The store reads and writes these; the
# REFI-QDA exchange and the exports work on them without touching the database.


@dataclass
class StoredDocument:
    id: int
    name: str
    text: str
    source_type: SourceType = "interview"
    informant: str = ""
    role: str = ""
    date: str = ""
    place: str = ""
    title: str = ""
    format: str = "txt"
    sha256: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    imported_at: str = ""  # ISO timestamp, UTC


@dataclass
class StoredSegment:
    id: int
    document_id: int
    index: int
    start: int
    end: int
    kind: str = "paragraph"
    speaker: str = ""
    speaker_role: SpeakerRole = "other"
    codable: bool = True
    timestamp: str = ""


@dataclass
class StoredCoding:
    id: int
    document_id: int
    code_id: str
    start: int
    end: int
    segment_id: int | None = None  # None for a hand-selected span that is not a segment
    valence: Valence = "netral"
    score: float = 1.0
    status: Status = "manual"
    origin: Origin = "human"
    coder: str = ""  # who decided (a user name), or "qualcode" for machine codings
    evidence: tuple[Evidence, ...] = ()
    codebook_hash: str = ""
    pipeline_version: str = ""
    created_at: str = ""
    updated_at: str = ""


MemoTarget = Literal["project", "document", "segment", "code", "coding", "conclusion"]


@dataclass
class Memo:
    id: int
    target_type: MemoTarget
    target_id: str  # the document/segment/coding id as text, or the code id
    text: str
    title: str = ""
    author: str = ""
    created_at: str = ""
    updated_at: str = ""


@dataclass
class Conclusion:
    """A finding (temuan) with the segments that support and contradict it."""

    id: int
    text: str
    code_ids: tuple[str, ...] = ()
    supporting_segment_ids: tuple[int, ...] = ()
    contradicting_segment_ids: tuple[int, ...] = ()
    author: str = ""
    created_at: str = ""
    updated_at: str = ""


@dataclass
class ProjectData:
    """A whole project as plain records, for exchange and export."""

    name: str
    codebook: Codebook
    documents: list[StoredDocument] = field(default_factory=list)
    segments: list[StoredSegment] = field(default_factory=list)
    codings: list[StoredCoding] = field(default_factory=list)
    memos: list[Memo] = field(default_factory=list)
    conclusions: list[Conclusion] = field(default_factory=list)
    created_at: str = ""
