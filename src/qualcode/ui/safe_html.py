"""HTML for the workbench, built so that outside text can never become markup.

Transcripts, file names, code names and memos are untrusted: a transcript may hold
``<script>`` or ``<img onerror=...>``. Every piece of such text goes through
:func:`esc` (``html.escape``); the builders below return :class:`Markup`, and
:func:`render_html` is the only place in the app that passes HTML to Streamlit with
``unsafe_allow_html=True``; it refuses anything that is not ``Markup``.

The HTML is written on a single line with ``<br>`` for line breaks, so Streamlit's
Markdown parser treats it as one raw HTML block and never reads transcript text as
Markdown (``*``, ``#``, ``$`` or indented lines).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
_TAGS = frozenset({"div", "span", "mark", "b", "i", "small", "blockquote", "p", "s"})
FALLBACK_COLOUR = "#999999"


class Markup(str):
    """HTML built by this module: all outside text in it went through :func:`esc`."""

    __slots__ = ()


def esc(value: object) -> Markup:
    """The one escape helper: ``html.escape`` (quotes too), and ``$`` as an entity so
    that no text is ever read as a formula."""
    return Markup(html.escape(str(value), quote=True).replace("$", "&#36;"))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md_escape(value: object) -> str:
    """Outside text made inert inside Streamlit Markdown (st.caption, st.subheader...):
    every Markdown character is backslash-escaped, so a name like ``![x](http://...)``
    shows as written and never becomes an image, a link or a formula."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))


def esc_text(value: object) -> Markup:
    """Escaped text whose line breaks show as ``<br>``."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return Markup("<br>".join(esc(line) for line in text.split("\n")))


def safe_colour(value: object) -> str:
    """A ``#RRGGBB`` colour, or grey for anything else (colours end up in CSS)."""
    text = str(value or "")
    return text.upper() if _COLOUR.fullmatch(text) else FALLBACK_COLOUR


def tint(colour: object, alpha: str = "33") -> str:
    """The colour with a hex alpha, for a light background."""
    return safe_colour(colour) + alpha


def tag(
    name: str,
    *children: Markup | str,
    cls: str | None = None,
    style: str | None = None,
    title: str | None = None,
    anchor: str | None = None,
) -> Markup:
    """``<name ...>children</name>``: plain-``str`` children and every attribute are
    escaped; ``Markup`` children are kept as they are."""
    if name not in _TAGS:
        raise ValueError(f"tag {name!r} is not allowed")
    attrs = ""
    for key, value in (("class", cls), ("style", style), ("title", title), ("id", anchor)):
        if value:
            attrs += f' {key}="{esc(value)}"'
    body = "".join(c if isinstance(c, Markup) else esc_text(c) for c in children)
    return Markup(f"<{name}{attrs}>{body}</{name}>")


def join(parts: Iterable[Markup], sep: str = "") -> Markup:
    items = list(parts)
    for part in items:
        if not isinstance(part, Markup):
            raise TypeError("join() takes Markup only; escape text with esc()")
    return Markup(sep.join(items))


def render_html(markup: Markup, container: Any = None) -> None:
    """Show ``markup`` in ``container`` (default: the page); the only HTML sink."""
    if not isinstance(markup, Markup):
        raise TypeError("render_html() takes Markup built by qualcode.ui.safe_html")
    if container is None:
        import streamlit as st

        container = st
    container.markdown(markup, unsafe_allow_html=True)


# --------------------------------------------------------------------------- pieces


def chip(label: str, colour: object, detail: str = "", *, tentative: bool = False) -> Markup:
    """A small label in a code's colour, e.g. a code name with its valence; a dashed
    border marks a suggestion nobody has reviewed yet."""
    c = safe_colour(colour)
    parts: list[Markup | str] = [tag("span", "", cls="qc-dot", style=f"background:{c}"), label]
    if detail:
        parts.append(tag("small", f" · {detail}"))
    style = f"border-color:{c};background:{tint(c, '0F' if tentative else '1A')}"
    if tentative:
        style += ";border-style:dashed"
    return tag("span", *parts, cls="qc-chip", style=style)


def legend(items: Iterable[tuple[str, object]]) -> Markup:
    return tag("div", join(chip(name, colour) for name, colour in items), cls="qc-legend")


def quote(text: str, caption: str, colour: object = None) -> Markup:
    """A quoted passage with where it comes from, for lists of evidence."""
    style = f"border-left-color:{safe_colour(colour)}" if colour else None
    return tag(
        "blockquote",
        tag("div", text, cls="qc-quote-text"),
        tag("div", caption, cls="qc-caption"),
        cls="qc-quote",
        style=style,
    )


# --------------------------------------------------------------------------- a document


@dataclass(frozen=True)
class Block:
    """A stretch of the document shown as one paragraph: a segment, usually."""

    start: int
    end: int
    head: str = ""  # "#12 · Informan 2 · 00:12:31"
    muted: bool = False  # interviewer turns, not codable
    anchor: str = ""


@dataclass(frozen=True)
class Span:
    """A coded passage: document offsets, the code's name and colour, and a chip text."""

    start: int
    end: int
    code_id: str
    label: str
    colour: str
    detail: str = ""  # e.g. "pendukung · diterima"
    tentative: bool = False  # a suggestion not yet reviewed


def _pieces(text: str, start: int, end: int, spans: Sequence[Span]) -> Markup:
    """The text of [start, end) with the spans in it marked; overlapping spans stack
    their colours as underlines."""
    cuts = {start, end}
    for s in spans:
        cuts.update(p for p in (s.start, s.end) if start < p < end)
    points = sorted(cuts)
    out: list[Markup] = []
    for a, b in zip(points, points[1:], strict=False):
        piece = text[a:b]
        active = [s for s in spans if s.start <= a and s.end >= b]
        if not active:
            out.append(esc_text(piece))
            continue
        colours = list(dict.fromkeys(safe_colour(s.colour) for s in active))
        shadow = ",".join(f"inset 0 -{2 * (i + 1)}px 0 {c}" for i, c in enumerate(colours[:4]))
        style = f"background:{tint(colours[0], '38')};box-shadow:{shadow}"
        names = ", ".join(dict.fromkeys(s.label for s in active))
        out.append(tag("mark", esc_text(piece), cls="qc-hl", style=style, title=names))
    return join(out)


def _bar(colours: Sequence[str]) -> str:
    """A left border striped with every colour (one colour: a plain border)."""
    if not colours:
        return "border-left-color:transparent"
    if len(colours) == 1:
        return f"border-left-color:{colours[0]}"
    step = 100 / len(colours)
    stops = ",".join(f"{c} {i * step:.1f}% {(i + 1) * step:.1f}%" for i, c in enumerate(colours))
    return f"border-image:linear-gradient(to bottom,{stops}) 1"


_WORD = re.compile(r"\w+")


def _only_labels(gap: str, head: str) -> bool:
    """True when text between two paragraphs holds nothing but what the next
    paragraph's head already says (a speaker label, a timestamp) or markup."""
    return set(_WORD.findall(gap.lower())) <= set(_WORD.findall(head.lower()))


def document_html(
    text: str, blocks: Sequence[Block], spans: Sequence[Span], *, start: int = 0
) -> Markup:
    """The document as paragraphs, each headed by its number and speaker. A span that
    covers its whole paragraph colours the paragraph (a bar in every code's colour and
    a light tint); a shorter span is marked in the text. Each paragraph ends with the
    chips of its codes. Text between paragraphs other than speaker labels, timestamps
    and markup is shown muted, so nothing of the document is hidden. ``start``: where
    to begin (default: the document's start); the text after the last block is shown
    only when ``start`` is 0."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    out: list[Markup] = []
    pos = start
    for block in sorted(blocks, key=lambda b: b.start):
        gap = text[pos : block.start] if block.start > pos else ""
        if gap.strip() and not _only_labels(gap, block.head):
            out.append(tag("div", gap.strip("\n"), cls="qc-gap"))
        inside = [s for s in ordered if s.start < block.end and s.end > block.start]
        whole = [s for s in inside if s.start <= block.start and s.end >= block.end]
        partial = [s for s in inside if s not in whole]
        colours = list(dict.fromkeys(safe_colour(s.colour) for s in inside))
        style = _bar(colours)
        if whole:
            style += f";background:{tint(whole[0].colour, '1C')}"
        parts: list[Markup] = []
        if block.head:
            parts.append(tag("div", block.head, cls="qc-seg-head"))
        parts.append(
            tag(
                "div",
                _pieces(text, block.start, block.end, partial),
                cls="qc-seg-text qc-coded" if inside else "qc-seg-text",
                style=style,
            )
        )
        seen: dict[tuple[str, str], Span] = {}
        for s in inside:
            seen.setdefault((s.code_id, s.detail), s)
        if seen:
            parts.append(
                tag(
                    "div",
                    join(
                        chip(s.label, s.colour, s.detail, tentative=s.tentative)
                        for s in seen.values()
                    ),
                    cls="qc-chips",
                )
            )
        out.append(
            tag(
                "div",
                join(parts),
                cls="qc-seg qc-muted-seg" if block.muted else "qc-seg",
                anchor=block.anchor or None,
            )
        )
        pos = max(pos, block.end)
    if start == 0 and text[pos:].strip() and _WORD.search(text[pos:]):
        out.append(tag("div", text[pos:].strip("\n"), cls="qc-gap"))
    return tag("div", join(out), cls="qc-doc")


# --------------------------------------------------------------------------- evidence

_EVIDENCE_CLASS = {
    "keyword": "qc-ev-term",
    "phrase": "qc-ev-term",
    "model": "qc-ev-term",
    "supporting": "qc-ev-sup",
    "inhibiting": "qc-ev-inh",
    "hedge": "qc-ev-inh",
    "negation": "qc-ev-neg",
}


def evidence_html(
    segment_text: str,
    offset: int,
    evidence: Sequence[Mapping[str, Any]],
    *,
    kind_labels: Mapping[str, str],
) -> Markup:
    """The passage with the words that made the coder suggest the code marked, then
    one line per piece of evidence ("kata kunci: koordinasi → koordinasinya")."""
    marks: list[tuple[int, int, str, str]] = []
    for item in evidence:
        try:
            a = int(item.get("start", -1)) - offset
            b = int(item.get("end", -1)) - offset
        except (TypeError, ValueError):
            continue
        if 0 <= a < b <= len(segment_text):
            kind = str(item.get("kind", ""))
            marks.append((a, b, _EVIDENCE_CLASS.get(kind, "qc-ev-term"), kind))
    marks.sort()
    out: list[Markup] = []
    pos = 0
    for a, b, cls, kind in marks:
        if a < pos:  # overlapping evidence: the first one wins
            continue
        out.append(esc_text(segment_text[pos:a]))
        out.append(
            tag("mark", esc_text(segment_text[a:b]), cls=cls, title=kind_labels.get(kind, kind))
        )
        pos = b
    out.append(esc_text(segment_text[pos:]))
    lines: list[Markup] = []
    for item in evidence:
        kind = str(item.get("kind", ""))
        term = str(item.get("term", ""))
        matched = str(item.get("matched", ""))
        note = str(item.get("note", ""))
        words: list[Markup | str] = [tag("b", kind_labels.get(kind, kind)), f": {term}"]
        if matched and matched.lower() != term.lower():
            words.append(f" → {matched}")
        if note:
            words.append(tag("i", f" ({note})"))
        lines.append(tag("div", *words, cls=_EVIDENCE_CLASS.get(kind, "qc-ev-term") + "-line"))
    return join(
        [
            tag("div", join(out), cls="qc-passage"),
            tag("div", join(lines), cls="qc-evidence") if lines else Markup(""),
        ]
    )


# --------------------------------------------------------------------------- style

STYLE = Markup(
    "<style>"
    ".qc-doc{font-size:1.02rem;line-height:1.65;max-width:60rem}"
    ".qc-seg{margin:0 0 .9rem 0}"
    ".qc-seg-head{font-size:.78rem;color:#6b7280;margin-bottom:.1rem;letter-spacing:.01em}"
    ".qc-seg-text{border-left:5px solid transparent;padding:.15rem .5rem .15rem .7rem}"
    ".qc-coded{border-radius:0 .3rem .3rem 0}"
    ".qc-muted-seg .qc-seg-text{color:#6b7280;font-style:italic}"
    ".qc-gap{color:#6b7280;font-size:.9rem;margin:0 0 .9rem .7rem}"
    ".qc-hl{padding:0 .05rem;border-radius:2px;color:inherit}"
    ".qc-chips{margin:.25rem 0 0 .7rem}"
    ".qc-chip{display:inline-block;border:1px solid;border-radius:1rem;padding:0 .55rem;"
    "margin:0 .3rem .25rem 0;font-size:.8rem;line-height:1.5;color:#1f2937}"
    ".qc-dot{display:inline-block;width:.6rem;height:.6rem;border-radius:50%;"
    "margin-right:.3rem;vertical-align:baseline}"
    ".qc-legend{margin:.2rem 0 .8rem 0}"
    ".qc-passage{font-size:1.1rem;line-height:1.7;padding:.8rem 1rem;background:#f8fafc;"
    "border-radius:.5rem;border:1px solid #e5e7eb;margin-bottom:.8rem}"
    ".qc-ev-term{background:#fde68a;color:inherit;padding:0 .1rem}"
    ".qc-ev-sup{background:#bbf7d0;color:inherit;padding:0 .1rem}"
    ".qc-ev-inh{background:#fecaca;color:inherit;padding:0 .1rem}"
    ".qc-ev-neg{background:#e9d5ff;color:inherit;padding:0 .1rem;text-decoration:underline}"
    ".qc-evidence{font-size:.85rem;color:#374151;margin:.5rem 0 0 0}"
    ".qc-quote{border-left:4px solid #cbd5e1;margin:0 0 .7rem 0;padding:.2rem 0 .2rem .8rem;"
    "color:#1F2933}"
    ".qc-quote-text{line-height:1.55}"
    ".qc-caption{font-size:.78rem;color:#6b7280;margin-top:.15rem}"
    ".qc-muted{color:#6b7280;font-size:.9rem}"
    ".qc-path{font-size:.78rem;word-break:break-all;margin-bottom:.5rem}"
    ".qc-code-title{font-size:1.45rem;font-weight:600;line-height:1.3;margin:.2rem 0}"
    ".qc-code-title .qc-dot{width:.95rem;height:.95rem;margin-right:.5rem}"
    ".qc-evidence div{margin:.15rem 0}"
    ".st-key-qc_accept button,.st-key-qc_reject button{min-height:3.1rem;font-size:1.05rem}"
    ".qc-finding{font-size:1.1rem;line-height:1.55;font-weight:500}"
    ".qc-field-label{margin-top:.7rem}"
    ".qc-field{line-height:1.55}"
    ".qc-term{display:inline-block;background:#eef2f0;border:1px solid #d5dcd8;"
    "border-radius:.35rem;padding:0 .4rem;margin:0 .3rem .3rem 0;font-size:.88rem}"
    "</style>"
)
