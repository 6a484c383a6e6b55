"""The report as Markdown for LaTeX/Quarto writers: YAML front matter, blockquotes
for excerpts, pipe tables with pandoc captions, and the network figure as a sibling
PNG file (left out, with a note, when writing to a stream)."""

from __future__ import annotations

import json
import re

from qualcode.export.report import Figure, Heading, Paragraph, Quote, Report, Table
from qualcode.export.selection import clean

_SPECIAL = re.compile(r"([\\`*_\[\]<>|$~])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")


def escape(text: str) -> str:
    """Text that Markdown (CommonMark, pandoc, Quarto) shows literally: markup
    characters, raw HTML (``<script>``) and TeX math (``$``) escaped."""
    flat = " ".join(clean(text).split())
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _LINE_START.sub(lambda m: m.group(1) + _escape_start(m.group(2)), escaped)


def _escape_start(token: str) -> str:
    if token[:1].isdigit():
        return token[:-1] + "\\" + token[-1]
    return "\\" + token


def _cell(text: str) -> str:
    return escape(text) or " "


def render_markdown(report: Report, image_names: list[str] | None = None) -> str:
    """Markdown text of ``report``. ``image_names`` are the file names the figures
    are saved under, in order; when None, figures are replaced by a note."""
    lines: list[str] = ["---"]
    lines.append(f"title: {json.dumps(clean(report.title), ensure_ascii=False)}")
    if report.properties.get("subject"):
        lines.append(
            f"subtitle: {json.dumps(clean(report.properties['subject']), ensure_ascii=False)}"
        )
    if report.properties.get("date"):
        lines.append(f"date: {json.dumps(report.properties['date'][:10])}")
    lines.append(f"lang: {'id' if report.language == 'id' else 'en'}")
    if report.properties.get("keywords"):
        lines.append(
            f"keywords: {json.dumps([clean(report.properties['keywords'])], ensure_ascii=False)}"
        )
    if report.properties.get("codebook_hash"):
        lines.append(f"codebook-hash: {json.dumps(report.properties['codebook_hash'])}")
    lines.append("---")
    lines.append("")
    figures = iter(image_names or [])
    for block in report.blocks:
        if isinstance(block, Heading):
            level = max(1, min(block.level, 6))
            lines += ["#" * level + " " + escape(block.text), ""]
        elif isinstance(block, Paragraph):
            lines += [_paragraph(block), ""]
        elif isinstance(block, Quote):
            lines += [_quote(block), ""]
        elif isinstance(block, Table):
            lines += _table(report, block)
        elif isinstance(block, Figure):
            name = next(figures, None) if image_names is not None else None
            lines += _figure(report, block, name)
    return "\n".join(lines).rstrip() + "\n"


def _paragraph(block: Paragraph) -> str:
    text = escape(block.text)
    if block.style in ("definition", "note"):
        text = f"*{text}*"
    elif block.style in ("subheading", "notice"):
        text = f"**{text}**"
    if block.label:
        text = f"**{escape(block.label)}:** {text}"
    return text


def _quote(block: Quote) -> str:
    ref = f" \\[{escape(block.ref)}\\]" if block.ref else ""
    return f"> {escape(block.quoted)}\\\n> {escape(block.citation)}{ref}"


def _table(report: Report, block: Table) -> list[str]:
    out: list[str] = []
    if block.caption:
        out += [f": {escape(report.caption(block))}", ""]
    out.append("| " + " | ".join(_cell(c) for c in block.columns) + " |")
    out.append(
        "|"
        + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.columns)))
        + "|"
    )
    for row in block.rows:
        cells = [_cell(v) for v in row[: len(block.columns)]]
        cells += [" "] * (len(block.columns) - len(cells))
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    return out


def _figure(report: Report, block: Figure, name: str | None) -> list[str]:
    caption = escape(report.caption(block))
    if name is None:
        from qualcode.export.labels import t

        return [f"*{caption}: {escape(t(report.language, 'figure_omitted'))}*", ""]
    out = [f"![{caption}]({name})", ""]
    if block.note:
        out += [escape(block.note), ""]
    return out
