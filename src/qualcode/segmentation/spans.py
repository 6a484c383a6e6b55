"""Low-level span helpers shared by the segmenters: timestamps, notes, trimming.

A *markup-only* stretch of text holds no letter or digit once bracketed
transcription notes (``[tertawa]``, ``(jeda)``), timestamps and whitespace are
removed: ``[tidak jelas]``, ``(00:12:31)``, ``...``, ``-----``. Segments never start
or end with a markup-only line, and a markup-only line is never a segment alone.
"""

from __future__ import annotations

import re

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_HMS = r"\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?"
_RANGE = r"[ \t]*(?:-->|->|-|–|—)[ \t]*"

# A timestamp as transcribers write it at the start of a line: ``[00:12:31]``,
# ``(00:12:31)``, ``[12:31]``, ``00:12:31`` (bare only with hours), optionally a range
# such as ``[00:00:05 --> 00:00:08]``. The first time is in group t1, t2 or t3.
TIMESTAMP_RE = re.compile(
    rf"\[[ \t]*(?P<t1>{_TIME})(?:{_RANGE}{_TIME})?[ \t]*\]"
    rf"|\([ \t]*(?P<t2>{_TIME})(?:{_RANGE}{_TIME})?[ \t]*\)"
    rf"|(?P<t3>{_HMS})(?:{_RANGE}{_HMS})?(?![\w:])"
)

# Bracketed notes and timestamps, removed before asking whether a span says anything.
MARKUP_RE = re.compile(r"\[[^\[\]\n]*\]|\([^()\n]*\)|\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?")
ALNUM_RE = re.compile(r"[^\W_]")
NON_WS_RE = re.compile(r"\S")


def word_set(words: str) -> frozenset[str]:
    """A frozen set of the whitespace-separated words of ``words``."""
    return frozenset(words.split())


def timestamp_value(match: re.Match[str]) -> str:
    """The first time of a TIMESTAMP_RE match, without brackets."""
    return match.group("t1") or match.group("t2") or match.group("t3") or ""


def match_line_timestamp(text: str, pos: int, line_end: int) -> re.Match[str] | None:
    """A timestamp starting exactly at ``pos``, standing apart from what follows it.

    A bare ``00:12:31`` must be followed by whitespace or the end of the line;
    a bracketed one may touch the text (``[00:12:31]P: ...``).
    """
    if pos >= line_end:
        return None
    first = text[pos]
    if first not in "[(" and not first.isdigit():
        return None
    m = TIMESTAMP_RE.match(text, pos, line_end)
    if m is None:
        return None
    if m.group("t3") is not None and m.end() < line_end and not text[m.end()].isspace():
        return None
    return m


def has_content(text: str, start: int, end: int) -> bool:
    """True if ``text[start:end]`` holds a letter or digit outside notes and timestamps."""
    chunk = text[start:end]
    if "[" not in chunk and "(" not in chunk and ":" not in chunk:
        return ALNUM_RE.search(chunk) is not None
    return ALNUM_RE.search(MARKUP_RE.sub(" ", chunk)) is not None


def skip_space(text: str, pos: int, end: int) -> int:
    """The first non-whitespace position in ``[pos, end)``, or ``end``."""
    m = NON_WS_RE.search(text, pos, end)
    return m.start() if m else end


def rstrip_pos(text: str, start: int, end: int) -> int:
    """``end`` moved left past trailing whitespace, not before ``start``."""
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def at_line_start(text: str, pos: int) -> bool:
    """True if only spaces or tabs stand between the previous newline and ``pos``."""
    i = pos
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    return i == 0 or text[i - 1] == "\n"


def trim_range(
    text: str, start: int, end: int, *, skip_line_timestamps: bool = False
) -> tuple[int, int]:
    """Shrink ``[start, end)`` to the part that says something.

    Drops surrounding whitespace and whole markup-only lines at both edges. With
    ``skip_line_timestamps``, a timestamp that opens the first remaining line is
    dropped too (what was said starts after it). Returns an empty range
    ``(p, p)`` when nothing is left.
    """
    a = start
    while a < end:
        a = skip_space(text, a, end)
        if a >= end:
            break
        line_end = text.find("\n", a, end)
        if line_end < 0:
            line_end = end
        if not has_content(text, a, line_end):
            a = line_end
            continue
        if skip_line_timestamps and at_line_start(text, a):
            m = match_line_timestamp(text, a, line_end)
            if m is not None:
                a = m.end()
                skip_line_timestamps = False
                continue
        break
    if a >= end:
        return end, end
    b = end
    while b > a:
        b = rstrip_pos(text, a, b)
        line_start = max(text.rfind("\n", a, b) + 1, a)
        if line_start > a and not has_content(text, line_start, b):
            b = line_start
            continue
        break
    return a, b
