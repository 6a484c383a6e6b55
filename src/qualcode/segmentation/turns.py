"""Speaker turns of an interview transcript.

A turn opens at a line that starts with a speaker label (see ``labels``),
optionally preceded by a timestamp: ``P: ...``, ``**Informan 2:** ...``,
``[00:12:31] Bu Rina: ...``, or a label alone on its line with the answer below.
Every following line without a label continues the turn (multi-paragraph
answers, subtitle cues ``[00:00:09] ...``), until the next label, a markdown
heading (``# ...``) or the end of the text.

Which label-like lines count:

* role labels (``P``, ``Informan 2``, ``Narasumber`` ...) and labels the caller
  names in ``interviewer_labels`` / ``informant_labels`` always;
* name labels (``Pak Yohanes``, ``Dedi``) only if the same name opens 2 or more
  lines, so a one-off "Kepala Dinas: ..." inside an answer stays text;
* never a "Key: value" line of a header block: before the first turn, a
  spelled-out role label with a short value (``Informan : Bapak Yohanes``) in the
  same block (no blank line between) as a metadata line such as ``Tanggal: ...``
  or ``Jabatan: ...`` is header text, not a turn.

Roles: role labels of the interviewer and ``interviewer_labels`` give
"interviewer"; every other speaker is "informant". ``I`` is the informant next to
``P``, but the interviewer when the transcript pairs it with ``R``/``Responden``
and has no other interviewer label. While no turn is open (before the first
label, or after a heading), a line that starts with a timestamp opens an
unlabelled turn (speaker "", role "other").

The timestamp of a turn is the first one met: on its opening line, on a
timestamp-only line just above it, or at the start of one of its lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from qualcode.model import SpeakerRole
from qualcode.segmentation.labels import LabelCandidate, classify_label, label_keys
from qualcode.segmentation.spans import (
    has_content,
    match_line_timestamp,
    skip_space,
    timestamp_value,
    trim_range,
)


@dataclass(frozen=True)
class Turn:
    """One speaker turn, with offsets into the transcript text.

    - ``start``: first character of the opening line (its timestamp or label).
    - ``label_start``/``label_end``: the speaker label as written (without bold
      markers, colon, parenthetical or degrees); both equal the position after
      the timestamp when the turn has no label.
    - ``body_start``/``end``: what was said, from its first to just past its last
      non-whitespace character; leading/trailing whitespace, note-only lines and a
      timestamp opening the first spoken line are left out. ``body_start == end``
      when nothing was said (``I: [tertawa]``).
    """

    index: int
    start: int
    end: int
    speaker: str
    speaker_role: SpeakerRole
    timestamp: str
    label_start: int
    label_end: int
    body_start: int


_LABEL_RE = re.compile(
    r"(?P<open>\*\*?|__?)?"
    r"(?P<name>[^\W\d_][^\n:：*_]{0,79}?)"
    r"[ \t]*(?:\*\*?|__?)?[ \t]*[:：](?:\*\*?|__?)?"
    r"(?=\s|$|[^\W\d_]|[\[(\"'“])"
)
# Lines that may hold a timestamp, a label or a heading: everything else continues.
_CANDIDATE = r"[ \t]*(?=[\[(\d#*_]|[^\W\d_][^\n:：]{0,100}[:：])"
_FIRST_LINE_RE = re.compile(_CANDIDATE)
_NEXT_LINE_RE = re.compile(r"\n" + _CANDIDATE)  # starts with a literal: fast to scan for
_MD_HEADING_RE = re.compile(r"#{1,6}(?:[ \t]|$)")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_RESPONDENT_RE = re.compile(r"r\s*\d*|respond[ae]n(?:\s*\d+)?")
_HEADER_VALUE_MAX = 80
_HEADER_REACH = 12  # how many label-like lines around a field are looked at


@dataclass(frozen=True)
class _Line:
    """A line that opens with a timestamp, a label candidate or a heading."""

    start: int  # first non-blank character
    end: int  # end of the line (its newline or the end of the text)
    timestamp: str
    after_timestamp: int  # first position after the timestamp and its spaces
    heading: bool
    label: LabelCandidate | None
    label_start: int
    body_from: int  # just past the label's colon (and closing bold)


@dataclass
class _Open:
    start: int
    speaker: str
    role: SpeakerRole
    timestamp: str
    label_start: int
    label_end: int
    body_from: int


def detect_turns(
    text: str,
    *,
    interviewer_labels: Iterable[str] = (),
    informant_labels: Iterable[str] = (),
) -> list[Turn]:
    """The speaker turns of ``text``, in order; text before the first turn is not in any.

    ``interviewer_labels`` and ``informant_labels`` are labels as the transcript
    writes them (e.g. "Peneliti", "Bu Rina"), matched case-insensitively; they are
    accepted even when used once, and they decide the role.
    """
    asked = label_keys(interviewer_labels)
    answered = label_keys(informant_labels)
    lines = _candidate_lines(text, asked | answered)
    accepted = _accepted_keys(lines, asked, answered)
    i_is_interviewer = _i_is_interviewer(accepted, asked)

    def role_of(label: LabelCandidate) -> SpeakerRole:
        if label.key in asked:
            return "interviewer"
        if label.key in answered:
            return "informant"
        if label.kind == "interviewer" or (label.key == "i" and i_is_interviewer):
            return "interviewer"
        return "informant"

    turns: list[Turn] = []
    cur: _Open | None = None
    started = False
    pending_ts = ""

    def close(boundary: int) -> None:
        if cur is None:
            return
        a, b = trim_range(text, cur.body_from, boundary, skip_line_timestamps=True)
        if a >= b:
            a = b = cur.body_from
        turns.append(
            Turn(
                len(turns),
                cur.start,
                b,
                cur.speaker,
                cur.role,
                cur.timestamp,
                cur.label_start,
                cur.label_end,
                a,
            )
        )

    def opening_label(i: int) -> LabelCandidate | None:
        line = lines[i]
        label = line.label
        if label is None or label.key not in accepted:
            return None
        if not started and _is_header_field(text, lines, i):
            return None
        return label

    for i, line in enumerate(lines):
        label = opening_label(i)
        if label is not None:
            close(line.start)
            cur = _Open(
                line.start,
                label.speaker,
                role_of(label),
                line.timestamp or pending_ts,
                line.label_start,
                line.label_start + label.length,
                line.body_from,
            )
            started, pending_ts = True, ""
            continue
        if line.heading:
            close(line.start)
            cur, pending_ts = None, ""
            continue
        if not line.timestamp:
            continue
        if not has_content(text, line.after_timestamp, line.end):
            # A timestamp alone on its line: it dates the turn that follows it, if any.
            nxt = skip_space(text, line.end, len(text))
            if i + 1 < len(lines) and lines[i + 1].start == nxt and opening_label(i + 1):
                pending_ts = line.timestamp
                continue
        if cur is None:
            cur = _Open(
                line.start,
                "",
                "other",
                line.timestamp,
                line.after_timestamp,
                line.after_timestamp,
                line.after_timestamp,
            )
            started = True
        elif not cur.timestamp:
            cur.timestamp = line.timestamp
    close(len(text))
    return turns


def _candidate_lines(text: str, named: frozenset[str]) -> list[_Line]:
    """Lines that open with a timestamp, a label candidate or a heading.

    ``named`` holds the keys of caller-given labels: text before a colon that
    matches one is a label even if it would not pass as one on its own.
    """
    out: list[_Line] = []
    n = len(text)
    starts = [m.start() + 1 for m in _NEXT_LINE_RE.finditer(text)]
    if _FIRST_LINE_RE.match(text):
        starts.insert(0, 0)
    for line_start in starts:
        line_end = text.find("\n", line_start)
        if line_end < 0:
            line_end = n
        pos = line_start
        while text[pos] in " \t":
            pos += 1
        if text[pos] == "#":
            if _MD_HEADING_RE.match(text, pos, line_end):
                out.append(_Line(pos, line_end, "", pos, True, None, pos, pos))
            continue
        timestamp = ""
        after = pos
        ts = match_line_timestamp(text, pos, line_end)
        if ts is not None:
            timestamp = timestamp_value(ts)
            after = ts.end()
            while after < line_end and text[after] in " \t":
                after += 1
        label: LabelCandidate | None = None
        label_start = body_from = after
        window = min(line_end, after + 110)
        if text.find(":", after, window) >= 0 or text.find("：", after, window) >= 0:
            lm = _LABEL_RE.match(text, after, line_end)
            if lm is not None:
                raw = lm.group("name")
                label = classify_label(raw)
                if named and (label is None or label.kind == "meta"):
                    label = _named_label(raw, named) or label
                if label is not None:
                    label_start, body_from = lm.start("name"), lm.end()
        if timestamp or label is not None:
            out.append(_Line(pos, line_end, timestamp, after, False, label, label_start, body_from))
    return out


def _named_label(raw: str, named: frozenset[str]) -> LabelCandidate | None:
    speaker = " ".join(raw.split())
    key = speaker.casefold()
    if key not in named:
        return None
    return LabelCandidate(speaker, key, "name", len(raw.rstrip()), True)


def _accepted_keys(
    lines: list[_Line], asked: frozenset[str], answered: frozenset[str]
) -> dict[str, str]:
    """Accepted label keys and their kinds ("interviewer", "informant", "name")."""
    counts: dict[str, int] = {}
    for line in lines:
        if line.label is not None and line.label.kind == "name":
            counts[line.label.key] = counts.get(line.label.key, 0) + 1
    accepted: dict[str, str] = {}
    for line in lines:
        label = line.label
        if label is None or label.kind == "meta":
            continue
        if (
            label.kind != "name"
            or label.key in asked
            or label.key in answered
            or counts.get(label.key, 0) >= 2
        ):
            accepted[label.key] = label.kind
    return accepted


def _i_is_interviewer(accepted: dict[str, str], asked: frozenset[str]) -> bool:
    """True if ``I`` stands for the interviewer: paired with ``R``, no other interviewer."""
    if "i" in asked:
        return True
    if "i" not in accepted:
        return False
    others = {key: kind for key, kind in accepted.items() if key != "i"}
    has_interviewer = any(key in asked or kind == "interviewer" for key, kind in others.items())
    has_respondent = any(_RESPONDENT_RE.fullmatch(key) for key in others)
    return has_respondent and not has_interviewer


def _is_header_field(text: str, lines: list[_Line], i: int) -> bool:
    """True if line ``i`` is a "Informan : Bapak Yohanes" field of a header block."""
    line = lines[i]
    label = line.label
    if label is None or not label.long_form or label.kind not in ("interviewer", "informant"):
        return False
    value_start = skip_space(text, line.body_from, line.end)
    value = text[value_start : line.end].rstrip()
    if not value or len(value) > _HEADER_VALUE_MAX or value.endswith("?"):
        return False
    for step in (-1, 1):
        near = line
        for j in range(i + step, i + step * (_HEADER_REACH + 1), step):
            if not 0 <= j < len(lines):
                break
            other = lines[j]
            a, b = (other.end, near.start) if step < 0 else (near.end, other.start)
            if _BLANK_LINE_RE.search(text, a, b):
                break
            if other.label is not None and other.label.kind == "meta":
                return True
            near = other
    return False
