"""The thesis report as plain blocks, rendered by :mod:`~qualcode.export.docx` and
:mod:`~qualcode.export.markdown`.

Order of the report ("Hasil Analisis Data Kualitatif"):

1. a title block: project, codebook name/version/hash, export date, status and
   filters used, pseudonymisation, data counts (traceability);
2. a summary table per code;
3. per framework (Dwiyanto's indicators, Mahmudi's factors ...) and code, in
   codebook order: heading, definition, a small table (segments, informants, source
   types, pendukung, penghambat), then the quotes verbatim, grouped pendukung,
   penghambat, netral, each followed by its citation and a quote number [K..];
4. the "Faktor Pendukung dan Penghambat" table;
5. the code co-occurrence network (Gambar 1) and its most frequent pairs;
6. the triangulation table per code;
7. the findings (temuan) with their supporting and contradicting evidence;
8. the appendix "Jejak audit": filters and counts, documents, and every quote's
   document, line, segment, status and coder.

When no coding passes the filters, the report says so plainly and tells how to
include unreviewed suggestions, instead of being an empty document.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from importlib import metadata as importlib_metadata
from typing import Literal

import networkx as nx
import pandas as pd

from qualcode.analysis import (
    cooccurrence,
    cooccurrence_graph,
    draw_network,
    factor_by_valence,
    label,
    triangulate_codes,
    triangulate_conclusion,
    triangulation_label,
)
from qualcode.analysis.matrices import condense
from qualcode.export.labels import format_date, format_datetime, t
from qualcode.export.selection import ExportData, clean, sort_quotes, unique_units
from qualcode.model import VALENCES, Code, Codebook

QUOTE_LIMIT = 600
ELLIPSIS = "[...]"
EXAMPLE_LIMIT = 160
MAX_PAIRS = 15

ParagraphStyle = Literal["body", "meta", "note", "definition", "subheading", "memo", "notice"]


# --------------------------------------------------------------------------- blocks


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    style: ParagraphStyle = "body"
    label: str = ""  # bold lead-in, e.g. "Definisi"


@dataclass
class Quote:
    text: str  # the excerpt, verbatim (or trimmed with [...]), without quotation marks
    citation: str  # "(Informan 2, Pegawai Bagian Organisasi, wawancara, 14 Maret 2024)"
    ref: str = ""  # "K12": the row of the audit appendix
    trimmed: bool = False

    @property
    def quoted(self) -> str:
        return f"\u201c{self.text}\u201d"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    number: int = 0
    numeric: tuple[int, ...] = ()  # columns aligned right
    widths: tuple[float, ...] = ()  # relative column widths


@dataclass
class Figure:
    png: bytes
    caption: str
    number: int = 0
    note: str = ""


Block = Heading | Paragraph | Quote | Table | Figure


@dataclass
class Report:
    title: str
    language: str
    blocks: list[Block] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)  # title, subject, keywords ...
    empty: bool = False
    quotes: int = 0
    tables: int = 0
    figures: int = 0

    def add(self, block: Block) -> None:
        if isinstance(block, Table) and block.caption:
            self.tables += 1
            block.number = self.tables
        if isinstance(block, Figure):
            self.figures += 1
            block.number = self.figures
        self.blocks.append(block)

    def caption(self, block: Table | Figure) -> str:
        word = t(self.language, "table" if isinstance(block, Table) else "figure")
        return f"{word} {block.number}. {block.caption}"


# --------------------------------------------------------------------------- quotes


def trim_quote(
    text: str, focus: list[tuple[int, int]] | None = None, limit: int = QUOTE_LIMIT
) -> tuple[str, bool]:
    """``text`` on one line, shortened to about ``limit`` characters at sentence
    boundaries when longer: the sentences holding the ``focus`` spans (offsets into
    ``text``, e.g. the matched keywords) are kept first, then the others in order,
    and every gap is marked ``[...]``. Returns the text and whether it was cut."""
    if len(_flat(text)) <= limit:
        return _flat(text), False
    from qualcode.segmentation import split_sentences

    try:
        sentences = split_sentences(text) or [(0, len(text))]
    except Exception:  # the splitter is best effort here; never lose the quote
        sentences = [(0, len(text))]
    focus = [(a, b) for a, b in (focus or []) if 0 <= a < b <= len(text)]
    first = [i for i, (a, b) in enumerate(sentences) if any(a < fe and fs < b for fs, fe in focus)]
    order = first + [i for i in range(len(sentences)) if i not in first]
    chosen: list[int] = []
    used = 0
    for i in order:
        a, b = sentences[i]
        size = len(_flat(text[a:b])) + len(ELLIPSIS) + 2
        if chosen and used + size > limit:
            continue
        chosen.append(i)
        used += size
    chosen.sort()
    if len(chosen) == 1 and len(_flat(text[slice(*sentences[chosen[0]])])) > limit:
        a, b = sentences[chosen[0]]
        anchor = next(((fs, fe) for fs, fe in focus if a <= fs < b), (a, a))
        return _window(text, a, b, anchor, limit), True
    parts: list[str] = []
    previous = -1
    for i in chosen:
        if i != previous + 1:
            parts.append(ELLIPSIS)
        parts.append(_flat(text[slice(*sentences[i])]))
        previous = i
    if previous != len(sentences) - 1:
        parts.append(ELLIPSIS)
    return " ".join(parts), True


def _window(text: str, a: int, b: int, anchor: tuple[int, int], limit: int) -> str:
    """About ``limit`` characters of ``text[a:b]`` around ``anchor``, cut at spaces."""
    budget = max(limit - 2 * (len(ELLIPSIS) + 1), 40)
    start = max(a, min(anchor[0] - budget // 3, b - budget))
    end = min(b, start + budget)
    if start > a:
        space = text.find(" ", start, end)
        start = space + 1 if space != -1 else start
    if end < b:
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    out = _flat(text[start:end])
    if start > a:
        out = f"{ELLIPSIS} {out}"
    if end < b:
        out = f"{out} {ELLIPSIS}"
    return out


_SPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _focus(evidence_json: str, start: int, end: int) -> list[tuple[int, int]]:
    from qualcode.service import evidence_of

    spans = []
    for item in evidence_of(evidence_json):
        if isinstance(item, dict):
            try:
                a, b = int(item.get("start", -1)), int(item.get("end", -1))
            except (TypeError, ValueError):
                continue
            if start <= a < b <= end:
                spans.append((a - start, b - start))
    return spans


# --------------------------------------------------------------------------- builder


class _Builder:
    def __init__(self, data: ExportData, *, figure: bool) -> None:
        self.data = data
        self.lang = data.language
        self.codebook: Codebook = data.codebook
        self.replacer = data.replacer
        self.texts = {d.id: d.text for d in data.project_data.documents}
        self.codings = data.codings
        self.with_figure = figure
        self.report = Report(title=t(self.lang, "title"), language=self.lang)
        self.audit_rows: list[list[str]] = []
        self.names = {c.id: c.name for c in self.codebook.codes}

    def tr(self, key: str, **values: object) -> str:
        return t(self.lang, key, **values)

    # -- pieces

    def quote(self, row: pd.Series, code_label: str) -> Quote:
        doc_id = int(row["document_id"])
        start, end = int(row["start"]), int(row["end"])
        raw = self.texts.get(doc_id, "")[start:end] or str(row["text"])
        text, trimmed = trim_quote(raw, _focus(str(row.get("evidence_json", "") or ""), start, end))
        text = clean(self.replacer.text(text))
        ref = f"K{len(self.audit_rows) + 1}"
        segment = row["segment_id"]
        self.audit_rows.append(
            [
                ref,
                code_label,
                label("valence", str(row["valence"]), self.lang),
                str(row["document"]),
                str(row.get("line", "")),
                "" if pd.isna(segment) else str(int(segment)),
                label("status", str(row["status"]), self.lang),
                str(row["coder"]),
            ]
        )
        return Quote(text=text, citation=str(row["citation"]), ref=ref, trimmed=trimmed)

    def source_types_text(self, values: list[str]) -> str:
        return ", ".join(label("source_type", v, self.lang) for v in values)

    # -- sections

    def build(self) -> Report:
        self.title_block()
        if self.codings.empty:
            self.empty()
        else:
            self.summary()
            self.codes()
            self.factors()
            self.network()
            self.triangulation()
            self.conclusions()
        self.audit()
        return self.report

    def title_block(self) -> None:
        data, report = self.data, self.report
        counts = data.counts()
        meta = [
            (self.tr("project"), data.project_name),
            (
                self.tr("codebook"),
                self.tr(
                    "codebook_line",
                    name=self.codebook.name,
                    version=self.codebook.version,
                    hash=data.codebook_hash,
                ),
            ),
            (self.tr("exported_at"), format_datetime(data.exported_at, self.lang)),
            (self.tr("statuses"), data.statuses_text()),
            (self.tr("filters"), data.filters_text()),
            (
                self.tr("pseudonymised"),
                self.tr("yes") if data.filters.pseudonymise else self.tr("no"),
            ),
            (
                self.tr("data"),
                self.tr(
                    "data_line",
                    codings=counts["codings"],
                    segments=counts["segments"],
                    documents=counts["documents"],
                    informants=counts["informants"],
                ),
            ),
        ]
        for key, value in meta:
            report.add(Paragraph(clean(value), style="meta", label=key))
        report.properties = {
            "title": report.title,
            "subject": data.project_name,
            "keywords": "; ".join(
                [self.codebook.name, f"versi {self.codebook.version}", data.codebook_hash]
            ),
            "comments": (
                f"{self.tr('codebook')}: "
                + self.tr(
                    "codebook_line",
                    name=self.codebook.name,
                    version=self.codebook.version,
                    hash=data.codebook_hash,
                )
                + f"; {self.tr('exported_at')}: {data.exported_at.isoformat(timespec='seconds')}"
            ),
            "date": data.exported_at.isoformat(timespec="seconds"),
            "codebook_hash": data.codebook_hash,
        }

    def empty(self) -> None:
        report, data = self.report, self.data
        report.empty = True
        report.add(Heading(self.tr("empty_title"), 1))
        report.add(Paragraph(self.tr("empty", statuses=data.statuses_text()), style="notice"))
        suggested = data.counts()["suggested_left_out"]
        if suggested:
            report.add(Paragraph(self.tr("empty_suggested", n=suggested), style="notice"))
        else:
            report.add(Paragraph(self.tr("empty_none"), style="notice"))

    def shown_codes(self) -> list[Code]:
        """Codes with a section: every codable code (or the filtered ones), and the
        grouping codes above them."""
        wanted = set(self.data.filters.codes or [c.id for c in self.codebook.codes if c.codable])
        wanted |= set(self.codings["code_id"])
        keep: set[str] = set()
        by_id = {c.id: c for c in self.codebook.codes}
        for code_id in wanted:
            current: str | None = code_id
            seen: set[str] = set()
            while current and current in by_id and current not in seen:
                keep.add(current)
                seen.add(current)
                current = by_id[current].parent
        return [c for c in self.codebook.codes if c.id in keep]

    def summary(self) -> None:
        from qualcode.analysis import code_summary_table

        table = code_summary_table(self.codings, self.codebook)
        shown = {c.id for c in self.shown_codes() if c.codable}
        frameworks = {f.id: f.name for f in self.codebook.frameworks}
        rows = []
        for row in table.itertuples(index=False):
            if row.code_id not in shown:
                continue
            rows.append(
                [
                    str(row.code_name),
                    frameworks.get(str(row.framework), str(row.framework)),
                    str(row.segments),
                    str(row.informants),
                    str(row.documents),
                    str(row.pendukung),
                    str(row.penghambat),
                    str(row.netral),
                ]
            )
        self.report.add(Heading(self.tr("summary"), 1))
        self.report.add(Paragraph(self.tr("summary_intro")))
        self.report.add(
            Table(
                [
                    self.tr("code"),
                    self.tr("framework"),
                    self.tr("segments"),
                    self.tr("informants"),
                    self.tr("documents"),
                    self.tr("pendukung"),
                    self.tr("penghambat"),
                    self.tr("netral"),
                ],
                rows,
                caption=self.tr("summary_caption"),
                numeric=(2, 3, 4, 5, 6, 7),
                widths=(3.0, 3.0, 1.2, 1.2, 1.2, 1.3, 1.4, 1.1),
            )
        )

    def codes(self) -> None:
        """A heading per framework (with its description), then a section per code.
        A framework's single grouping code ("Indikator Kinerja" holding the five
        indicators) adds nothing to the framework heading and is left out."""
        codes = self.shown_codes()
        by_id = {c.id: c for c in self.codebook.codes}
        groups: list[tuple[str, str, list[Code]]] = []
        for fw in self.codebook.frameworks:
            members = [c for c in codes if c.framework == fw.id]
            if members:
                title = f"{fw.name} ({fw.author})" if fw.author else fw.name
                groups.append((title, fw.description, members))
        declared = {f.id for f in self.codebook.frameworks}
        others = [c for c in codes if c.framework not in declared]
        if others:
            groups.append(("Kode lainnya" if self.lang == "id" else "Other codes", "", others))
        for title, description, members in groups:
            self.report.add(Heading(clean(title), 1))
            if description:
                self.report.add(Paragraph(clean(description)))
            roots = [c for c in members if c.parent not in by_id]
            container = roots[0] if len(roots) == 1 and not roots[0].codable else None
            for code in members:
                if code is container:
                    continue
                depth = 0
                parent = code.parent
                while parent in by_id and depth < 3:
                    if container is None or parent != container.id:
                        depth += 1
                    parent = by_id[parent].parent if parent else None
                self.code_section(code, level=min(2 + depth, 4))

    def code_section(self, code: Code, level: int) -> None:
        report = self.report
        report.add(Heading(clean(code.name), level))
        if code.definition:
            report.add(
                Paragraph(clean(code.definition), style="definition", label=self.tr("definition"))
            )
        for memo in self.data.memos:
            if memo.target_type == "code" and memo.target_id == code.id and memo.text.strip():
                report.add(Paragraph(clean(memo.text.strip()), style="memo", label=self.tr("memo")))
        frame = self.codings.loc[self.codings["code_id"] == code.id]
        if not code.codable and frame.empty:
            return
        if frame.empty:
            report.add(Paragraph(self.tr("no_codings"), style="note"))
            return
        units = unique_units(frame)
        informants = sorted({v for v in frame["informant"] if v}, key=lambda v: _natural(v))
        types = [
            s for s in ("interview", "observation", "document") if s in set(frame["source_type"])
        ]
        per_valence = {v: len(unique_units(frame.loc[frame["valence"] == v])) for v in VALENCES}
        informant_text = str(len(informants))
        if informants:
            informant_text += " (" + ", ".join(informants) + ")"
        report.add(
            Table(
                [
                    self.tr("segments"),
                    self.tr("informants"),
                    self.tr("source_types"),
                    self.tr("pendukung"),
                    self.tr("penghambat"),
                ],
                [
                    [
                        str(len(units)),
                        informant_text,
                        self.source_types_text(types),
                        str(per_valence["pendukung"]),
                        str(per_valence["penghambat"]),
                    ]
                ],
                caption=self.tr("code_caption", name=clean(code.name)),
                numeric=(0, 3, 4),
                widths=(1.3, 3.5, 2.5, 1.3, 1.4),
            )
        )
        for valence in VALENCES:
            group = sort_quotes(unique_units(frame.loc[frame["valence"] == valence]))
            if group.empty:
                continue
            report.add(
                Paragraph(f"{self.tr('quotes_' + valence)} ({len(group)})", style="subheading")
            )
            for _, row in group.iterrows():
                report.add(self.quote(row, clean(code.name)))

    def factors(self) -> None:
        codes, framework = factor_codes(self.codebook)
        if self.data.filters.codes is not None:
            codes = [c for c in codes if c in self.data.filters.codes]
        if not codes:
            return
        frame = self.codings.loc[self.codings["code_id"].isin(codes)]
        if framework:
            counts = factor_by_valence(frame, self.codebook, framework, count="segments")
        else:
            counts = pd.DataFrame(
                {
                    v: [
                        len(
                            unique_units(
                                frame.loc[(frame["code_id"] == c) & (frame["valence"] == v)]
                            )
                        )
                        for c in codes
                    ]
                    for v in VALENCES
                },
                index=codes,
            )
        rows = []
        for code_id in codes:
            row = [self.names.get(code_id, code_id)]
            for valence in ("pendukung", "penghambat"):
                n = int(counts.at[code_id, valence]) if code_id in counts.index else 0
                row += [str(n), self.example(frame, code_id, valence)]
            rows.append(row)
        self.report.add(Heading(self.tr("factors"), 1))
        self.report.add(Paragraph(self.tr("factors_intro")))
        self.report.add(
            Table(
                [
                    self.tr("factor"),
                    self.tr("pendukung"),
                    f"{self.tr('example')} ({self.tr('pendukung').lower()})",
                    self.tr("penghambat"),
                    f"{self.tr('example')} ({self.tr('penghambat').lower()})",
                ],
                rows,
                caption=self.tr("factors_caption"),
                numeric=(1, 3),
                widths=(2.2, 1.3, 4.5, 1.4, 4.5),
            )
        )

    def example(self, frame: pd.DataFrame, code_id: str, valence: str) -> str:
        group = frame.loc[(frame["code_id"] == code_id) & (frame["valence"] == valence)]
        if group.empty:
            return "-"
        best = sort_quotes(group).sort_values("score", ascending=False, kind="stable").iloc[0]
        return f"\u201c{condense(str(best['text']), EXAMPLE_LIMIT)}\u201d {best['citation']}"

    def network(self) -> None:
        data = self.data
        graph = cooccurrence_graph(self.codings, self.codebook, window=data.filters.window)
        report = self.report
        report.add(Heading(self.tr("network"), 1))
        window = self.tr("network_window", n=data.filters.window) if data.filters.window else ""
        report.add(Paragraph(self.tr("network_intro", window=window)))
        if graph.number_of_nodes() and self.with_figure:
            report.add(Figure(network_png(graph), self.tr("network_caption")))
        elif graph.number_of_nodes():
            report.add(Paragraph(self.tr("figure_omitted"), style="note"))
        pairs = cooccurrence(self.codings, window=data.filters.window)
        if pairs.empty:
            report.add(Paragraph(self.tr("network_empty"), style="note"))
            return
        rows = [
            [self.names.get(a, a), self.names.get(b, b), str(int(n)), f"{float(j):.2f}"]
            for a, b, n, j in pairs[["code_a", "code_b", "count", "jaccard"]]
            .head(MAX_PAIRS)
            .itertuples(index=False, name=None)
        ]
        report.add(
            Table(
                [self.tr("code_a"), self.tr("code_b"), self.tr("count"), self.tr("jaccard")],
                rows,
                caption=self.tr("pairs_caption"),
                numeric=(2, 3),
                widths=(3.0, 3.0, 1.0, 1.0),
            )
        )

    def triangulation(self) -> None:
        table = triangulate_codes(self.codings, self.codebook)
        shown = {c.id for c in self.shown_codes() if c.codable}
        rows = []
        for row in table.itertuples(index=False):
            if row.code_id not in shown:
                continue
            informants = str(row.n_informants)
            if row.informants:
                informants += " (" + ", ".join(row.informants) + ")"
            rows.append(
                [
                    str(row.code_name),
                    self.source_types_text(list(row.source_types)) or "-",
                    informants,
                    str(row.n_documents),
                    str(row.n_segments),
                    str(row.pendukung),
                    str(row.penghambat),
                    triangulation_label(str(row.status), self.lang),
                ]
            )
        report = self.report
        report.add(Heading(self.tr("triangulation"), 1))
        report.add(Paragraph(self.tr("triangulation_intro")))
        report.add(
            Table(
                [
                    self.tr("code"),
                    self.tr("source_types"),
                    self.tr("informants"),
                    self.tr("documents"),
                    self.tr("segments"),
                    self.tr("pendukung"),
                    self.tr("penghambat"),
                    self.tr("status"),
                ],
                rows,
                caption=self.tr("triangulation_caption"),
                numeric=(3, 4, 5, 6),
                widths=(2.4, 2.4, 3.2, 1.1, 1.1, 1.3, 1.4, 2.0),
            )
        )

    def conclusions(self) -> None:
        report, data = self.report, self.data
        report.add(Heading(self.tr("conclusions"), 1))
        if not data.conclusions:
            report.add(Paragraph(self.tr("no_conclusions"), style="note"))
            return
        segments = data.segments.set_index("segment_id", drop=False)
        for number, conclusion in enumerate(data.conclusions, start=1):
            result = triangulate_conclusion(conclusion, data.segments)
            report.add(Heading(self.tr("conclusion", n=number), 2))
            report.add(Paragraph(clean(conclusion.text)))
            report.add(
                Paragraph(
                    triangulation_label(str(result["status"]), self.lang),
                    style="meta",
                    label=self.tr("conclusion_status"),
                )
            )
            if conclusion.code_ids:
                report.add(
                    Paragraph(
                        ", ".join(self.names.get(c, c) for c in conclusion.code_ids),
                        style="meta",
                        label=self.tr("conclusion_codes"),
                    )
                )
            tag = self.tr("conclusion", n=number)
            for key, ids in (
                ("supporting_evidence", conclusion.supporting_segment_ids),
                ("contradicting_evidence", conclusion.contradicting_segment_ids),
            ):
                found = [int(i) for i in ids if int(i) in segments.index]
                report.add(
                    Paragraph(
                        f"{self.tr(key)} ({len(found)})"
                        + ("" if found else f": {self.tr('no_evidence')}"),
                        style="subheading",
                    )
                )
                for segment_id in found:
                    report.add(self.segment_quote(segments.loc[segment_id], tag))
            if result["missing_segment_ids"]:
                ids_text = ", ".join(str(i) for i in result["missing_segment_ids"])
                report.add(Paragraph(self.tr("missing_segments", ids=ids_text), style="note"))

    def segment_quote(self, seg: pd.Series, tag: str) -> Quote:
        doc_id = int(seg["document_id"])
        info = self.data.documents.get(doc_id)
        raw = self.texts.get(doc_id, "")
        start, end = int(seg["start"]), int(seg["end"])
        row = pd.Series(
            {
                "document_id": doc_id,
                "start": start,
                "end": end,
                "text": raw[start:end],
                "segment_id": int(seg["segment_id"]),
                "valence": "",
                "document": info.name if info else str(seg["document"]),
                "line": raw.count("\n", 0, start) + 1,
                "status": "",
                "coder": "",
                "citation": info.citation if info else "",
            }
        )
        return self.quote(row, tag)

    def audit(self) -> None:
        data, report = self.data, self.report
        counts = data.counts()
        by_status = data.all_codings["status"].value_counts()
        status_text = ", ".join(
            f"{label('status', s, self.lang)} {int(by_status.get(s, 0))}"
            for s in ("suggested", "accepted", "rejected", "manual")
        )
        report.add(Heading(self.tr("audit"), 1))
        report.add(Paragraph(self.tr("audit_intro")))
        rows = [
            [self.tr("project"), data.project_name],
            [
                self.tr("codebook"),
                self.tr(
                    "codebook_line",
                    name=self.codebook.name,
                    version=self.codebook.version,
                    hash=data.codebook_hash,
                ),
            ],
            [self.tr("exported_at"), format_datetime(data.exported_at, self.lang)],
            [self.tr("statuses"), data.statuses_text()],
            [self.tr("filters"), data.filters_text()],
            [
                self.tr("pseudonymised"),
                self.tr("yes") if data.filters.pseudonymise else self.tr("no"),
            ],
            [self.tr("window"), str(data.filters.window)],
            [self.tr("codings_total"), f"{counts['codings_in_project']} ({status_text})"],
            [self.tr("codings_included"), str(counts["codings"])],
            [self.tr("segments_included"), str(counts["segments"])],
            [self.tr("documents_included"), str(counts["documents"])],
            [self.tr("informants_included"), str(counts["informants"])],
            [self.tr("generator"), generator()],
        ]
        report.add(
            Table(
                [self.tr("item"), self.tr("value")],
                [[clean(a), clean(b)] for a, b in rows],
                caption=self.tr("audit_filters"),
                widths=(2.0, 6.0),
            )
        )
        doc_ids = sorted(set(int(d) for d in self.codings["document_id"]))
        if doc_ids:
            doc_rows = []
            for doc_id in doc_ids:
                info = data.documents.get(doc_id)
                if info is None:
                    continue
                doc_rows.append(
                    [
                        info.name,
                        label("source_type", info.source_type, self.lang),
                        info.informant or "-",
                        info.role or "-",
                        format_date(info.date, self.lang) or "-",
                    ]
                )
            report.add(
                Table(
                    [
                        self.tr("document"),
                        self.tr("source_type"),
                        self.tr("informant"),
                        self.tr("role"),
                        self.tr("date"),
                    ],
                    doc_rows,
                    caption=self.tr("audit_documents"),
                    widths=(3.5, 1.6, 1.6, 3.0, 1.8),
                )
            )
        if self.audit_rows:
            if any(isinstance(b, Quote) and b.trimmed for b in report.blocks):
                report.add(Paragraph(self.tr("trimmed_note"), style="note"))
            report.add(
                Table(
                    [
                        self.tr("quote_no"),
                        self.tr("code"),
                        self.tr("valence"),
                        self.tr("document"),
                        self.tr("line"),
                        self.tr("segment"),
                        self.tr("status"),
                        self.tr("coder"),
                    ],
                    self.audit_rows,
                    caption=self.tr("audit_quotes"),
                    numeric=(4, 5),
                    widths=(0.9, 2.4, 1.5, 3.2, 0.9, 1.0, 1.3, 1.4),
                )
            )
        report.quotes = len(self.audit_rows)


def factor_codes(codebook: Codebook) -> tuple[list[str], str]:
    """The codes of the "Faktor Pendukung dan Penghambat" table and their framework:
    Mahmudi's factors (framework id ``mahmudi``, or a framework named "faktor" /
    "factor"), else the last of several frameworks, else every codable code ("")."""
    frameworks = codebook.frameworks
    chosen = next(
        (
            f
            for f in frameworks
            if f.id.casefold() == "mahmudi"
            or "faktor" in f.name.casefold()
            or "factor" in f.name.casefold()
        ),
        None,
    )
    if chosen is None and len(frameworks) >= 2:
        chosen = frameworks[-1]
    if chosen is None:
        return [c.id for c in codebook.codes if c.codable], ""
    return [c.id for c in codebook.codes if c.framework == chosen.id and c.codable], chosen.id


def _natural(value: str) -> tuple[object, ...]:
    from qualcode.analysis import natural_key

    return natural_key(value)


def generator() -> str:
    try:
        return f"qualcode {importlib_metadata.version('qualcode')}"
    except importlib_metadata.PackageNotFoundError:
        return "qualcode"


def network_png(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    draw_network(graph, buffer, "png", figsize=(9.0, 7.0), dpi=150)
    return buffer.getvalue()


def build_report(data: ExportData, *, figure: bool = True) -> Report:
    """The report of ``data``; ``figure=False`` leaves the network picture out
    (with a note saying so)."""
    return _Builder(data, figure=figure).build()
