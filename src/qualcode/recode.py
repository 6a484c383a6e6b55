"""Re-coding after a codebook edit: which documents and segments the edit can change.

Each document records the state it was auto-coded to (``documents.coding_state``):
the pipeline version, a hash per codable code of what changes its matches (terms and
cues, not its label, description or colour), a hash of the codebook-wide rules (the
cues and the order of the codable codes) and the hash of the codebook version. After
an edit ``Project.code()`` compares that state with the current codebook:

* nothing that matching depends on changed (a label, a colour): nothing is re-matched;
* only keywords or phrases were added or removed: a term matches only where all of
  its root words occur (terms are matched on roots, ``coder._scan``), so only the
  segments whose stored root words (``segment_roots``) contain every root of an added
  or removed term can change. The weights of other codes' terms that share it
  (``coder.SHARED_PENALTY``) change too, but those match the same roots. Every code of
  those segments is re-matched from the cached analyses, because the coder keeps only
  a segment's leading codes; all other segments keep their codings;
* anything else (cues, negators, codes added, removed or reordered, a new coder):
  every segment of the document is re-matched (``service._code_document``).

Building a coder means analysing every term and cue of the codebook, which costs more
than re-matching a few segments. So ``code()`` keeps the units of the last coder's
terms in ``project_info`` (``TERM_UNITS_KEY``, under the pipeline version and backend)
and the next coder analyses only the terms it does not find there.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import chain
from typing import TYPE_CHECKING, Any

from qualcode.coder import PIPELINE_VERSION, Coder, TermUnits, match_roots
from qualcode.model import Code, Codebook
from qualcode.nlp.analyze import DEFAULT_BACKEND, AnalysedText
from qualcode.store import Database
from qualcode.store import records as rec

if TYPE_CHECKING:
    from qualcode.service import _CodingJob

# Keys of a document's coding state besides the code ids (which cannot contain them).
PIPELINE_KEY = ""
RULES_KEY = "#"
CODEBOOK_KEY = "@"

# Segments decoded and matched at a time, so memory stays flat on a broad edit.
_BATCH = 500


def _digest(payload: Any) -> str:
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def code_match_hash(code: Code) -> str:
    """Hash of what changes a code's matches; its label, description, colour or
    parent do not."""
    return _digest(
        [code.id, code.keywords, code.phrases, code.supporting_cues, code.inhibiting_cues]
    )


def rules_hash(codebook: Codebook) -> str:
    """Hash of the codebook-wide rules: the cues and the codable codes in their order."""
    # ``asdict`` would copy every cue; the digest is the same.
    cues = {f.name: getattr(codebook.cues, f.name) for f in fields(codebook.cues)}
    return _digest([cues, [c.id for c in codebook.codes if c.codable]])


def coding_state(codebook: Codebook, codebook_hash: str, pipeline_version: str) -> dict[str, str]:
    """The state a document coded with ``codebook`` records."""
    state = {c.id: code_match_hash(c) for c in codebook.codes if c.codable}
    state[PIPELINE_KEY] = pipeline_version
    state[RULES_KEY] = rules_hash(codebook)
    state[CODEBOOK_KEY] = codebook_hash
    return state


def _matching(state: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in state.items() if k != CODEBOOK_KEY}


def same_matching(state: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    """True when a document coded to ``state`` needs no re-matching for ``wanted``."""
    return _matching(state) == _matching(wanted)


def changed_terms(old: Codebook, new: Codebook) -> tuple[str, ...] | None:
    """The keywords and phrases added to or removed from codable codes between two
    codebooks, or None when anything else that matching depends on changed."""
    if rules_hash(old) != rules_hash(new):
        return None
    before = {c.id: c for c in old.codes if c.codable}
    terms: set[str] = set()
    for code in new.codes:
        if not code.codable:
            continue
        was = before[code.id]
        if (was.supporting_cues, was.inhibiting_cues) != (
            code.supporting_cues,
            code.inhibiting_cues,
        ):
            return None
        for old_terms, new_terms in ((was.keywords, code.keywords), (was.phrases, code.phrases)):
            kept_old = [t for t in old_terms if t in new_terms]
            kept_new = [t for t in new_terms if t in old_terms]
            if kept_old != kept_new:
                # Reordered: of two terms with the same roots the first listed is kept.
                return None
            terms |= set(old_terms) ^ set(new_terms)
    return tuple(sorted(terms))


# ``project_info`` key of the compiled units of the last coder's terms (``Coder.term_units``).
TERM_UNITS_KEY = "term_units"


def term_units_version(backend: str = DEFAULT_BACKEND) -> str:
    """What kept units depend on: the analysis and matching code, and the backend."""
    return f"{PIPELINE_VERSION}/{backend}"


def dump_term_units(coder: Coder) -> str:
    """``coder.term_units`` as kept in the project."""
    payload = {"version": term_units_version(coder.backend), "terms": coder.term_units}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def load_term_units(text: str, version: str) -> dict[str, TermUnits]:
    """Units kept by ``dump_term_units`` for ``version``; nothing when they were kept
    for another version, or are not readable."""
    out: dict[str, TermUnits] = {}
    try:
        data = json.loads(text) if text else None
        if not isinstance(data, dict) or data.get("version") != version:
            return {}
        for term, (roots, loose, exact) in data["terms"].items():
            if not (
                type(roots) is list
                and type(loose) is list
                and type(exact) is list
                and len(roots) == len(loose) == len(exact)
            ):
                return {}
            out[term] = (tuple(roots), tuple(loose), tuple(exact))
    except (AttributeError, KeyError, TypeError, ValueError):
        return {}
    units = out.values()
    # One pass over every value: roots are words, forms are words or null.
    if not set(map(type, chain.from_iterable(u[0] for u in units))) <= {str}:
        return {}
    forms = chain.from_iterable(chain(u[1], u[2]) for u in units)
    if not set(map(type, forms)) <= {str, type(None)}:
        return {}
    return out


def encode_roots(roots: Iterable[str]) -> str:
    """A segment's root words as stored (no root contains a space: ``coder._units``)."""
    return " ".join(sorted(roots))


class CandidateTest:
    """Whether a segment holds every root of at least one of ``terms``."""

    def __init__(self, coder: Coder, terms: Iterable[str]) -> None:
        wanted = {frozenset(coder.term_roots(term)) for term in terms}
        # A term without roots is never compiled, so it changes nothing.
        self.root_sets = [s for s in wanted if s]
        # One root of each term for the database's prefilter: the longest, likely rarest.
        self.probes = sorted({max(s, key=lambda r: (len(r), r)) for s in self.root_sets})

    def __call__(self, roots: str) -> bool:
        words: set[str] | None = None
        for needed in self.root_sets:
            # A substring test first: most segments hold none of the roots.
            if all(r in roots for r in needed):
                if words is None:
                    words = set(roots.split(" "))
                if needed <= words:
                    return True
        return False


@dataclass
class Rematched:
    """What ``rematch`` did."""

    counts: dict[int, dict[str, int]] = field(default_factory=dict)  # per re-coded document
    unchanged: list[int] = field(default_factory=list)  # no segment could change
    fallback: list[int] = field(default_factory=list)  # need a full re-match
    segments: int = 0


def rematch(
    db: Database,
    coder: Coder,
    job: _CodingJob,
    states: Mapping[int, Mapping[str, str]],
    terms: Sequence[str],
    progress: Callable[[int], None] | None = None,
) -> Rematched:
    """Re-match the segments of documents ``states`` (their coding state at planning)
    that hold an added or removed term, and bring those documents to
    ``job.wanted_state``, in one transaction.

    Segments without stored root words get them from their cached analysis. A document
    with a segment whose analysis is not cached (or not readable) is left for a full
    re-match (``Rematched.fallback``); one deleted or re-coded meanwhile is skipped.
    """
    result = Rematched()
    test = CandidateTest(coder, terms)
    codable = set(coder.codes)
    spans: dict[int, tuple[int, int]] = {}
    doc_of: dict[int, int] = {}
    candidates: list[int] = []
    unknown: list[int] = []
    with db.read() as conn:
        rows = rec.codable_segment_roots(conn, job.analysis_version, containing=test.probes)
    for segment_id, document_id, start, end, roots in rows:
        if document_id not in states:
            continue
        spans[segment_id] = (start, end)
        doc_of[segment_id] = document_id
        if roots is None:
            unknown.append(segment_id)
        elif test(roots):
            candidates.append(segment_id)
    suggestions: dict[int, list[Any]] = {}
    new_roots: dict[int, str] = {}
    fallback: set[int] = set()
    unknown_set = set(unknown)
    todo = unknown + candidates
    for i in range(0, len(todo), _BATCH):
        chunk = [sid for sid in todo[i : i + _BATCH] if doc_of[sid] not in fallback]
        with db.read() as conn:
            blobs = rec.get_analyses(conn, chunk, job.analysis_version)
        for segment_id in chunk:
            document_id = doc_of[segment_id]
            if document_id in fallback:
                continue
            analysed = _decode(blobs.get(segment_id))
            if analysed is None:
                fallback.add(document_id)
                continue
            if segment_id in unknown_set:
                new_roots[segment_id] = encode_roots(match_roots(analysed))
                if not test(new_roots[segment_id]):
                    continue
            suggestions[segment_id] = coder.code_analysed(analysed, offset=spans[segment_id][0])
    result.fallback = sorted(fallback)
    with db.write() as conn:
        current = rec.coding_states(conn)
        # Not a document deleted, or coded by another run, meanwhile.
        done = [
            document_id
            for document_id, planned in states.items()
            if document_id not in fallback and current.get(document_id) == planned
        ]
        kept = set(done)
        rematched = {sid: (doc_of[sid], *spans[sid]) for sid in suggestions if doc_of[sid] in kept}
        result.counts = rec.update_segment_codings(
            conn,
            spans=rematched,
            suggestions=suggestions,
            codebook_hash=job.codebook_hash,
            code_hashes=job.code_hashes,
            pipeline_version=job.pipeline_version,
            only_codes=codable,
        )
        result.segments = len(rematched)
        result.unchanged = [d for d in done if d not in result.counts]
        rec.put_segment_roots(
            conn,
            {sid: r for sid, r in new_roots.items() if doc_of[sid] in kept},
            job.analysis_version,
        )
        rec.set_coding_state(conn, done, job.wanted_state)
    if progress:
        for document_id in done:
            progress(document_id)
    return result


def _decode(blob: bytes | None) -> AnalysedText | None:
    """A cached analysis, or None when there is none or it cannot be read (damaged,
    or written in another format under the same version): the segment is then
    analysed again rather than stopping the coding run."""
    if blob is None:
        return None
    try:
        return AnalysedText.from_bytes(blob)
    except ValueError:
        return None


def readable_analyses(blobs: Mapping[int, bytes]) -> dict[int, AnalysedText]:
    """The cached analyses of these segments that can still be read (see ``_decode``)."""
    decoded = ((segment_id, _decode(blob)) for segment_id, blob in blobs.items())
    return {segment_id: a for segment_id, a in decoded if a is not None}
