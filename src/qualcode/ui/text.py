"""Plain helpers the pages share: finding a typed phrase in a passage, short labels,
the codebook as a tree. No Streamlit here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qualcode.analysis.matrices import condense
from qualcode.model import Code, Codebook, Framework


def locate_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Every place where ``phrase`` occurs in ``text``, as (start, end) offsets into
    ``text``. Exact matches first; when there is none, the words of the phrase are
    matched with any whitespace between them (a phrase copied from the page may have
    lost a line break), then the same ignoring case."""
    wanted = phrase.strip()
    if not wanted:
        return []
    exact = [(m.start(), m.end()) for m in re.finditer(re.escape(wanted), text)]
    if exact:
        return exact
    pattern = r"\s+".join(re.escape(word) for word in wanted.split())
    for flags in (0, re.IGNORECASE):
        found = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags)]
        if found:
            return found
    return []


def snippet(text: object, limit: int = 90) -> str:
    """The text on one line, cut at a word boundary to ``limit`` characters."""
    return condense(str(text), limit)


def segment_option(row: Mapping[str, Any], limit: int = 80) -> str:
    """How a segment is listed in a picker: "#12 Informan 2: Koordinasi antar…"."""
    who = str(row.get("speaker") or row.get("informant") or "")
    number = int(row.get("segment_index", 0)) + 1
    head = f"#{number}" + (f" {who}" if who else "")
    return f"{head}: {snippet(row.get('text', ''), limit)}"


@dataclass(frozen=True)
class TreeItem:
    code: Code
    depth: int  # 0 for a code without parent


def code_tree(codebook: Codebook) -> list[tuple[Framework | None, list[TreeItem]]]:
    """The codebook as framework -> parent -> code, in codebook order. Codes whose
    framework is not declared come last under ``None``."""
    by_parent: dict[str | None, list[Code]] = {}
    for code in codebook.codes:
        by_parent.setdefault(code.parent, []).append(code)

    def walk(code: Code, depth: int, out: list[TreeItem], seen: set[str]) -> None:
        if code.id in seen:
            return
        seen.add(code.id)
        out.append(TreeItem(code, depth))
        for child in by_parent.get(code.id, []):
            walk(child, depth + 1, out, seen)

    result: list[tuple[Framework | None, list[TreeItem]]] = []
    placed: set[str] = set()
    known = {f.id for f in codebook.frameworks}
    for framework in codebook.frameworks:
        items: list[TreeItem] = []
        for code in codebook.codes:
            if code.framework == framework.id and (
                code.parent is None or codebook_parent_framework(codebook, code) != framework.id
            ):
                walk(code, 0, items, placed)
        result.append((framework, items))
    rest: list[TreeItem] = []
    for code in codebook.codes:
        if code.id not in placed and code.framework not in known:
            walk(code, 0, rest, placed)
    for code in codebook.codes:  # children of codes in another framework, or cycles
        if code.id not in placed:
            walk(code, 0, rest, placed)
    if rest:
        result.append((None, rest))
    return result


def codebook_parent_framework(codebook: Codebook, code: Code) -> str | None:
    if code.parent is None:
        return None
    try:
        return codebook.code(code.parent).framework
    except KeyError:
        return None


def split_terms(text: str) -> tuple[str, ...]:
    """Terms typed one a line or separated by commas, blanks dropped, order kept."""
    parts = re.split(r"[,\n;]", text)
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))
