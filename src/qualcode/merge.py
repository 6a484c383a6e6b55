"""Bringing another tool's project (REFI-QDA .qdpx / .qdc) into a qualcode project.

The exchange package reads the file into plain records; this module decides how
they join what the project already has: codes are matched by id (then by name) and
unknown ones are added to the codebook as a new version; documents are stored like
any imported file (same text twice is not duplicated); codings keep their exact
spans, marked ``origin="import"`` and accepted, under the other tool's user name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from qualcode import codebook as codebook_io
from qualcode.corpus import normalise_text
from qualcode.errors import QualcodeError
from qualcode.model import Code, Codebook, ProjectData, SourceDocument

if TYPE_CHECKING:
    from qualcode.service import Project

EXCHANGE_SUFFIXES = (".qdpx", ".qdc", ".qde")


@dataclass
class MergeResult:
    documents_added: int = 0
    documents_present: int = 0
    codes_added: list[str] = field(default_factory=list)
    codings_added: int = 0
    memos_added: int = 0
    warnings: list[str] = field(default_factory=list)


def is_exchange_file(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in EXCHANGE_SUFFIXES


def read_exchange(path: str | os.PathLike[str]) -> tuple[ProjectData | None, Codebook, list[str]]:
    """Read a .qdpx/.qde (project) or .qdc (codebook only)."""
    from qualcode.exchange import read_qdc, read_qde, read_qdpx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".qdc":
        codebook, warnings = read_qdc(path)
        return None, codebook, warnings
    data, warnings = (read_qde if suffix == ".qde" else read_qdpx)(path)
    return data, data.codebook, warnings


def merge_codebook(current: Codebook, incoming: Codebook) -> tuple[Codebook, dict[str, str]]:
    """Add incoming codes the project lacks; map each incoming id to a project id."""
    by_id = {c.id: c for c in current.codes}
    by_name = {c.name.casefold(): c for c in current.codes}
    mapping: dict[str, str] = {}
    merged = current
    frameworks = {f.id for f in current.frameworks}
    new_frameworks = [f for f in incoming.frameworks if f.id not in frameworks]
    if new_frameworks:
        merged = replace(merged, frameworks=merged.frameworks + tuple(new_frameworks))
    fallback_framework = merged.frameworks[0].id if merged.frameworks else ""
    new_codes: list[Code] = []
    # Parents before children, so a child's parent already exists when it is added.
    for code in _parents_first(incoming.codes):
        match = by_id.get(code.id) or by_name.get(code.name.casefold())
        if match is not None:
            mapping[code.id] = match.id
            continue
        framework = code.framework or fallback_framework
        known = {f.id for f in merged.frameworks}
        if framework not in known:
            framework = fallback_framework
        parent = mapping.get(code.parent) if code.parent else None
        added = replace(code, framework=framework, parent=parent)
        new_codes.append(added)
        mapping[code.id] = added.id
        by_id[added.id] = added
    if new_codes:
        merged = replace(merged, codes=merged.codes + tuple(new_codes))
        # Validated once, as a whole, by the same rules as a codebook file.
        merged = codebook_io.parse_codebook(
            codebook_io.dump_codebook(merged), source="the merged codebook"
        )
    return merged, mapping


def _parents_first(codes: tuple[Code, ...]) -> list[Code]:
    ids = {c.id for c in codes}
    placed: set[str] = set()
    ordered: list[Code] = []
    pending = list(codes)
    while pending:
        progress = False
        for code in list(pending):
            if code.parent is None or code.parent not in ids or code.parent in placed:
                ordered.append(code)
                placed.add(code.id)
                pending.remove(code)
                progress = True
        if not progress:  # a cycle in the other tool's hierarchy: keep the rest flat
            ordered.extend(replace(c, parent=None) for c in pending)
            break
    return ordered


def merge_into(project: Project, path: str | os.PathLike[str], *, actor: str) -> MergeResult:
    """Import a REFI-QDA file into ``project``; every step is its own transaction."""
    data, incoming, warnings = read_exchange(path)
    result = MergeResult(warnings=list(warnings))
    current = project.codebook
    merged, mapping = merge_codebook(current, incoming)
    if merged != current:
        project.set_codebook(merged, actor=actor)
        known = {c.id for c in current.codes}
        result.codes_added = [c.id for c in merged.codes if c.id not in known]
    if data is None:
        return result
    doc_ids: dict[int, int] = {}
    remaps: dict[int, list[int]] = {}
    for doc in data.documents:
        text = normalise_text(doc.text)
        if text != doc.text:
            # Stored text is normalised like any read file; move the other tool's
            # offsets with it so every coding still covers the same words.
            remaps[doc.id] = offset_map(doc.text, text)
        source = SourceDocument(
            name=doc.name,
            text=text,
            source_type=doc.source_type,
            informant=doc.informant,
            role=doc.role,
            date=doc.date,
            place=doc.place,
            title=doc.title,
            format=doc.format or "qdpx",
            path=str(path),
            metadata=dict(doc.metadata),
        )
        stored = project.add_source(source)
        if stored.document_id is None:
            result.warnings.append(f"{doc.name}: {stored.message}")
            continue
        doc_ids[doc.id] = stored.document_id
        if stored.status == "duplicate":
            result.documents_present += 1
        else:
            result.documents_added += 1
    existing = {
        (row.document_id, row.start, row.end, row.code_id)
        for row in project.codings_frame().itertuples()
    }
    for coding in data.codings:
        document_id = doc_ids.get(coding.document_id)
        code_id = mapping.get(coding.code_id, coding.code_id)
        if document_id is None:
            continue
        start, end = coding.start, coding.end
        if coding.document_id in remaps:
            moved = remaps[coding.document_id]
            start, end = moved[start], moved[end]
            if end <= start:
                result.warnings.append(
                    f"coding of '{code_id}' skipped: its text was only control characters"
                )
                continue
        key = (document_id, start, end, code_id)
        if key in existing:  # importing the same project again adds nothing
            continue
        try:
            project.add_coding(
                document_id,
                start,
                end,
                code_id,
                valence=coding.valence,
                actor=actor,
                origin="import",
                status="accepted" if coding.status != "rejected" else "rejected",
                coder=coding.coder or actor,
            )
        except QualcodeError as exc:
            result.warnings.append(f"coding of '{code_id}' skipped: {exc}")
            continue
        existing.add(key)
        result.codings_added += 1
    present_memos = {(m.target_type, m.target_id, m.text) for m in project.memos()}
    for memo in data.memos:
        target_id = memo.target_id
        if memo.target_type == "document" and target_id.isdigit():
            target_id = str(doc_ids.get(int(target_id), target_id))
        if memo.target_type == "code":
            target_id = mapping.get(target_id, target_id)
        if (memo.target_type, target_id, memo.text) in present_memos:
            continue
        project.save_memo(
            memo.target_type, target_id, memo.text, title=memo.title, actor=memo.author or actor
        )
        result.memos_added += 1
    return result


def offset_map(old: str, new: str, *, reach: int = 8) -> list[int]:
    """For every offset 0..len(old) in ``old``, the matching offset in ``new``.

    Normalisation changes short, scattered runs (CRLF, a control character, a base
    letter and its combining accent), so the two texts are walked side by side and
    re-aligned after each difference on the next few equal characters; this stays
    linear in the text's length. A changed run maps to where its replacement
    starts, so a span never loses a kept character.
    """
    n, m = len(old), len(new)
    mapping = [0] * (n + 1)
    i = j = 0
    while i < n:
        if j < m and old[i] == new[j]:
            mapping[i] = j
            i += 1
            j += 1
            continue
        skip = _realign(old, new, i, j, 8, reach) or _realign(old, new, i, j, 3, reach)
        if skip is None:  # too different to align locally: keep the rest in place
            for k in range(i, n):
                mapping[k] = min(j, m)
            break
        a, b = skip
        for k in range(i, i + a):
            mapping[k] = j
        i += a
        j += b
    mapping[n] = m
    return mapping


def _realign(old: str, new: str, i: int, j: int, window: int, reach: int) -> tuple[int, int] | None:
    """The smallest (a, b) such that old[i+a:] and new[j+b:] start alike again."""
    for total in range(1, 2 * reach + 1):
        for a in range(min(total, reach) + 1):
            b = total - a
            if b > reach:
                continue
            if old[i + a : i + a + window] == new[j + b : j + b + window]:
                return a, b
    return None
