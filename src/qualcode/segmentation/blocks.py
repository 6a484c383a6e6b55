"""Paragraph segmentation of observation notes, documents and interview preambles.

A region of text is cut into blocks at blank lines. Inside a block:

* a heading line is a segment of its own, not codable: a markdown heading
  (``# ...``), ``BAB I ...``, a numbered heading (``1.1 Latar Belakang``) or a line
  of at most 120 characters in (nearly all) capitals (``HASIL OBSERVASI``), without
  a colon or a sentence-final mark;
* consecutive table rows (lines starting with ``|``) form one segment, whatever
  their length;
* the other lines form a paragraph; one longer than ``max_chars`` is split into
  greedy groups of whole sentences (kind "sentence").

In a *preamble* (interview text outside any turn: title, header fields) a
paragraph is codable unless it looks like a header: at most 300 characters whose
lines are "Key: value" fields or short lines without a sentence-final mark.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from qualcode.segmentation.sentences import group_sentences, split_sentences
from qualcode.segmentation.spans import rstrip_pos, skip_space, trim_range

SegmentKind = Literal["turn", "sentence", "paragraph", "cue"]
RegionMode = Literal["document", "preamble"]

_MD_HEADING_RE = re.compile(r"#{1,6}(?:[ \t]|$)")
_BAB_RE = re.compile(r"(?i:bab)[ \t]+(?:[IVXLC]+|\d{1,2})\b")
_NUMBERED_RE = re.compile(r"\d{1,2}(?:\.\d{1,2})+\.?[ \t]+(?P<first>[^\W\d_])")
_KEY_VALUE_RE = re.compile(r"[^:：\n]{1,40}[:：]")
_SENTENCE_END = ".!?…"
_CLOSERS = "\"'”’»)]}"
_HEADING_MAX = 120
_CAPS_HEADING_MIN_LETTERS = 4
_CAPS_HEADING_RATIO = 0.85
_HEADER_MAX = 300
_HEADER_LINE_MAX = 100


class Piece(NamedTuple):
    """A segment before it gets its place in the document."""

    start: int
    end: int
    kind: SegmentKind
    codable: bool


def is_heading(text: str, start: int, end: int) -> bool:
    """True if the line content ``text[start:end]`` is a heading."""
    if _MD_HEADING_RE.match(text, start, end):
        return True
    if end - start > _HEADING_MAX:
        return False
    line = text[start:end]
    if line[-1] in _SENTENCE_END + ",;:":
        return False
    if _BAB_RE.match(line):
        return True
    m = _NUMBERED_RE.match(line)
    if m is not None:
        return m.group("first").isupper()
    if ":" in line:
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < _CAPS_HEADING_MIN_LETTERS:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper >= _CAPS_HEADING_RATIO * len(letters)


def segment_region(
    text: str, start: int, end: int, *, mode: RegionMode, max_chars: int
) -> list[Piece]:
    """Paragraph, heading and table segments of ``text[start:end]``."""
    pieces: list[Piece] = []
    block_kind = ""  # "", "para" or "table"
    block_start = block_end = start

    def flush() -> None:
        if block_kind:
            _emit_block(text, block_start, block_end, block_kind, mode, max_chars, pieces)

    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        line_end = end if nl < 0 else nl
        cs = skip_space(text, pos, line_end)
        pos = line_end + 1
        if cs >= line_end:
            flush()
            block_kind = ""
            continue
        ce = rstrip_pos(text, cs, line_end)
        if text[cs] == "|":
            if block_kind != "table":
                flush()
                block_kind, block_start = "table", cs
            block_end = ce
        elif is_heading(text, cs, ce):
            flush()
            block_kind = ""
            _emit_block(text, cs, ce, "heading", mode, max_chars, pieces)
        else:
            if block_kind != "para":
                flush()
                block_kind, block_start = "para", cs
            block_end = ce
    flush()
    return pieces


def _emit_block(
    text: str,
    start: int,
    end: int,
    block_kind: str,
    mode: RegionMode,
    max_chars: int,
    out: list[Piece],
) -> None:
    s, e = trim_range(text, start, end)
    if s >= e:
        return
    if block_kind == "heading":
        out.append(Piece(s, e, "paragraph", False))
        return
    if block_kind == "table":
        out.append(Piece(s, e, "paragraph", True))
        return
    codable = not (mode == "preamble" and _header_like(text, s, e))
    if e - s <= max_chars:
        out.append(Piece(s, e, "paragraph", codable))
        return
    groups = group_sentences(text, split_sentences(text, s, e), max_chars)
    kind: SegmentKind = "sentence" if len(groups) > 1 else "paragraph"
    out.extend(Piece(a, b, kind, codable) for a, b in groups)


def _header_like(text: str, start: int, end: int) -> bool:
    """True for a title or header block: short lines, fields, no sentence ends."""
    if end - start > _HEADER_MAX:
        return False
    for raw in text[start:end].split("\n"):
        line = raw.strip()
        if not line or _KEY_VALUE_RE.match(line):
            continue
        if len(line) > _HEADER_LINE_MAX or line.rstrip(_CLOSERS)[-1:] in tuple(_SENTENCE_END):
            return False
    return True
