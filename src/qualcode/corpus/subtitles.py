"""Subtitle files from automatic transcribers: .srt and .vtt.

Text convention: one line per cue, ``[HH:MM:SS] text``, where the time is the cue's
start without milliseconds and the cue's lines are joined by a space. Cue numbers and
identifiers, the WEBVTT header and NOTE, STYLE and REGION blocks are dropped. A VTT
voice tag ``<v Name>`` becomes ``[HH:MM:SS] Name: text`` (a cue whose lines change
voice gives one line per voice, all with the cue's time); other tags (``<i>``,
``<c.x>``, ``{\\an8}``...) are removed and VTT character references (``&amp;``) are
decoded. A speaker prefix already written in the cue text ("Informan 2: ...") stays.
``metadata["format"]`` is "srt" or "vtt" and ``metadata["cues"]`` the number of cues.
"""

from __future__ import annotations

import html
import re
from typing import Any

from qualcode.corpus.base import Extracted
from qualcode.corpus.limits import ReadLimits, check_chars
from qualcode.corpus.text import decode_bytes, normalise_text

_TIME = r"(?:\d+:)?\d{1,2}:\d{2}(?:[.,]\d+)?"
_TIMING = re.compile(rf"\s*({_TIME})\s*-->\s*({_TIME})(?:\s.*)?")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[\d:.]*>")
_ASS_TAG = re.compile(r"\{\\[^}]*\}")
_VTT_SKIP = re.compile(r"(?:NOTE|STYLE|REGION)(?:[ \t].*)?")


def read_subtitles(data: bytes, *, where: str, limits: ReadLimits, kind: str) -> Extracted:
    """``kind`` is "srt" or "vtt"."""
    decoded = decode_bytes(data, where=where)
    check_chars(len(decoded.text), limits, where)
    text = normalise_text(decoded.text)
    cues: list[tuple[str, list[str]]] = []  # (timestamp, the cue's text lines)
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if kind == "vtt" and (lines[0].startswith("WEBVTT") or _VTT_SKIP.fullmatch(lines[0])):
            continue
        match = next((m for m in map(_TIMING.fullmatch, lines[:2]) if m), None)
        if match is None:
            if cues:  # a blank line inside a cue's text: the text goes on
                cues[-1][1].extend(lines)
            continue
        timing_at = 0 if _TIMING.fullmatch(lines[0]) else 1
        cues.append((_timestamp(match.group(1)), lines[timing_at + 1 :]))
    lines_out: list[str] = []
    n_cues = 0
    for stamp, cue_text in cues:
        written = _cue_lines(cue_text, stamp, vtt=kind == "vtt")
        if written:
            n_cues += 1
            lines_out.extend(written)
    facts: dict[str, Any] = {"encoding": decoded.encoding, "format": kind, "cues": n_cues}
    if decoded.replaced:
        facts["decode_errors"] = decoded.replaced
    return Extracted(
        text="\n".join(lines_out),
        facts=facts,
        no_text_message=(
            f"the .{kind} file contains no subtitle cues (no lines such as "
            f"'00:00:01{',' if kind == 'srt' else '.'}000 --> 00:00:04"
            f"{',' if kind == 'srt' else '.'}000' followed by text)"
        ),
    )


def _timestamp(value: str) -> str:
    """``"1:02:03,456"`` -> ``"01:02:03"``; ``"02:03.456"`` -> ``"00:02:03"``."""
    parts = [int(p) for p in re.split(r"[.,]", value)[0].split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    hours, minutes, seconds = parts[-3:]
    return f"[{hours:02d}:{minutes:02d}:{seconds:02d}]"


def _cue_lines(lines: list[str], stamp: str, *, vtt: bool) -> list[str]:
    groups: list[tuple[str, list[str]]] = []  # (voice, pieces of text)
    voice = ""
    for raw in lines:
        line = raw
        if vtt:
            found = _VOICE.search(line)
            if found:
                voice = (found.group(1) or "").strip()
        line = _ASS_TAG.sub("", _TAG.sub("", line))
        if vtt:
            line = html.unescape(line)
        line = " ".join(line.split())
        if not line:
            continue
        if groups and groups[-1][0] == voice:
            groups[-1][1].append(line)
        else:
            groups.append((voice, [line]))
    return [
        f"{stamp} {name}: {' '.join(pieces)}" if name else f"{stamp} {' '.join(pieces)}"
        for name, pieces in groups
    ]
