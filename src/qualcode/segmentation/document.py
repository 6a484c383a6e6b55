"""``segment_document``: a stored document's text -> coding segments."""

from __future__ import annotations

from collections.abc import Iterable

from qualcode.model import SOURCE_TYPES, Segment
from qualcode.segmentation.blocks import Piece, SegmentKind, segment_region
from qualcode.segmentation.sentences import group_sentences, split_sentences
from qualcode.segmentation.turns import Turn, detect_turns


def segment_document(
    text: str,
    source_type: str = "interview",
    *,
    interviewer_labels: Iterable[str] = (),
    informant_labels: Iterable[str] = (),
    max_chars: int = 600,
) -> list[Segment]:
    """Cut a document's text into the segments that are coded.

    Interviews are cut into speaker turns (see ``detect_turns``): one segment of
    kind "turn" per turn of at most ``max_chars`` characters; a longer turn
    becomes greedy groups of whole sentences of kind "sentence" (kind "turn" if it
    stays one group, e.g. one long sentence), each with the turn's speaker, role,
    timestamp and ``turn`` index. Interviewer turns are not codable. Text outside
    any turn (title, header fields, text after a ``#`` heading) is cut like a
    document, with role "other", turn -1, and not codable if it looks like a
    header. Observation notes and documents are cut into paragraphs, headings and
    tables (see ``blocks``), all with role "other" and turn -1.

    ``interviewer_labels``/``informant_labels``: labels as written in the text
    (e.g. the front matter's ``interviewer: Peneliti``), see ``detect_turns``.

    Offsets index ``text``; ``text[s.start:s.end]`` is what was said or written,
    without surrounding whitespace, speaker label or opening timestamp. Raises
    ValueError for an unknown ``source_type`` or ``max_chars < 1``.
    """
    if source_type not in SOURCE_TYPES:
        raise ValueError(
            f"unknown source type {source_type!r}; expected one of {', '.join(SOURCE_TYPES)}"
        )
    if max_chars < 1:
        raise ValueError(f"max_chars must be at least 1, got {max_chars}")

    segments: list[Segment] = []

    def add(piece: Piece, turn: Turn | None = None) -> None:
        if turn is None:
            segments.append(
                Segment(
                    index=len(segments),
                    start=piece.start,
                    end=piece.end,
                    kind=piece.kind,
                    speaker_role="other",
                    codable=piece.codable,
                )
            )
            return
        segments.append(
            Segment(
                index=len(segments),
                start=piece.start,
                end=piece.end,
                kind=piece.kind,
                speaker=turn.speaker,
                speaker_role=turn.speaker_role,
                codable=piece.codable,
                timestamp=turn.timestamp,
                turn=turn.index,
            )
        )

    if source_type != "interview":
        for piece in segment_region(text, 0, len(text), mode="document", max_chars=max_chars):
            add(piece)
        return segments

    turns = detect_turns(
        text, interviewer_labels=interviewer_labels, informant_labels=informant_labels
    )
    pos = 0
    for turn in turns:
        if turn.start > pos:
            gap = segment_region(text, pos, turn.start, mode="preamble", max_chars=max_chars)
            for piece in gap:
                add(piece)
        for piece in _turn_pieces(text, turn, max_chars):
            add(piece, turn)
        pos = max(pos, turn.end)
    for piece in segment_region(text, pos, len(text), mode="preamble", max_chars=max_chars):
        add(piece)
    return segments


def _turn_pieces(text: str, turn: Turn, max_chars: int) -> list[Piece]:
    start, end = turn.body_start, turn.end
    if start >= end:
        return []
    codable = turn.speaker_role != "interviewer"
    if end - start <= max_chars:
        return [Piece(start, end, "turn", codable)]
    groups = group_sentences(text, split_sentences(text, start, end), max_chars)
    kind: SegmentKind = "sentence" if len(groups) > 1 else "turn"
    return [Piece(a, b, kind, codable) for a, b in groups]
