"""Spreadsheets: an .xlsx workbook of the coded segments and every data display, and
a .csv of the coded segments (UTF-8 with BOM, so that Excel reads Indonesian text
right)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

import pandas as pd

from qualcode.analysis import (
    code_by_document,
    code_by_informant,
    code_by_source_type,
    code_summary_table,
    cooccurrence,
    factor_by_valence,
    framework_matrix,
    label,
    triangulate_codes,
    triangulate_conclusion,
    triangulation_label,
)
from qualcode.export.labels import format_datetime, t
from qualcode.export.report import factor_codes, generator
from qualcode.export.selection import ExportData, clean, unique_units

# Columns of the coded segments table, in order: (frame column, label key).
CODING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("coding_id", "coding_id"),
    ("document", "document"),
    ("title", "title_col"),
    ("source_type", "source_type"),
    ("informant", "informant"),
    ("role", "role"),
    ("date", "date"),
    ("segment_id", "segment_id"),
    ("segment_index", "segment_index"),
    ("line", "line"),
    ("start", "start"),
    ("end", "end"),
    ("code_id", "code_id"),
    ("code_name", "code_name"),
    ("framework", "framework"),
    ("parent", "parent"),
    ("valence", "valence"),
    ("score", "score"),
    ("status", "status"),
    ("origin", "origin"),
    ("coder", "coder"),
    ("text", "text"),
    ("citation", "citation"),
    ("evidence", "evidence"),
    ("updated_at", "updated_at"),
)

_WIDE = 70  # width of long text columns
_MAX_WIDTH = 50
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def codings_table(data: ExportData) -> pd.DataFrame:
    """The selected codings, one row each, with readable labels and headers."""
    lang = data.language
    frame = data.codings.reset_index(drop=True)
    frameworks = {f.id: f.name for f in data.codebook.frameworks}
    columns: dict[str, Any] = {}
    for column, key in CODING_COLUMNS:
        values = frame[column] if column in frame.columns else pd.Series([""] * len(frame))
        if column in ("source_type", "valence", "status", "origin"):
            values = pd.Series([label(column, str(v), lang) for v in values], dtype=object)
        elif column == "framework":
            values = pd.Series([frameworks.get(str(v), str(v)) for v in values], dtype=object)
        elif column in ("segment_id", "segment_index"):
            values = pd.to_numeric(values, errors="coerce").astype("Int64")
        elif column == "score":
            values = pd.to_numeric(values, errors="coerce").round(3)
        columns[t(lang, key)] = values.reset_index(drop=True)
    return _safe(pd.DataFrame(columns))


# --------------------------------------------------------------------------- xlsx


def write_xlsx(data: ExportData, out: IO[bytes]) -> None:
    """The workbook: "Segmen terkode", the matrices, triangulation, co-occurrence,
    findings and "Info" (codebook version/hash, export date, filters, counts)."""
    lang = data.language
    sheets: list[tuple[str, pd.DataFrame, int]] = [
        (t(lang, "sheet_codings"), codings_table(data), 1),
        (t(lang, "sheet_summary"), _summary(data), 2),
        (t(lang, "sheet_informant"), _matrix(data, code_by_informant), 2),
        (t(lang, "sheet_source"), _matrix(data, code_by_source_type, "source_type"), 2),
        (t(lang, "sheet_document"), _matrix(data, code_by_document), 2),
        (t(lang, "sheet_factor"), _factors(data), 2),
        (t(lang, "sheet_framework"), _framework_matrix(data), 2),
        (t(lang, "sheet_triangulation"), _triangulation(data), 2),
        (t(lang, "sheet_cooccurrence"), _cooccurrence(data), 2),
        (t(lang, "sheet_conclusions"), _conclusions(data), 1),
        (t(lang, "sheet_info"), _info(data), 1),
    ]
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame, _ in sheets:
            frame.to_excel(writer, sheet_name=name, index=False)
        for name, frame, frozen in sheets:
            _format_sheet(writer.book[name], frame, frozen, name == t(lang, "sheet_codings"))
        writer.book.properties.title = t(lang, "title")
        writer.book.properties.subject = clean(data.project_name)
        writer.book.properties.keywords = (
            f"{clean(data.codebook.name)}; {data.codebook.version}; {data.codebook_hash}"
        )
        writer.book.properties.creator = "qualcode"
    out.write(buffer.getvalue())


def _names(data: ExportData) -> dict[str, str]:
    return {c.id: c.name for c in data.codebook.codes}


def _shown(data: ExportData, ids: list[str]) -> list[str]:
    """Rows a display shows: the filtered codes, or codable codes and any code used."""
    used = set(data.codings["code_id"])
    if data.filters.codes is not None:
        wanted = set(data.filters.codes)
    else:
        wanted = {c.id for c in data.codebook.codes if c.codable}
    return [c for c in ids if c in wanted or c in used]


def _with_code_columns(data: ExportData, table: pd.DataFrame) -> pd.DataFrame:
    lang = data.language
    ids = _shown(data, [str(i) for i in table.index])
    table = table.loc[ids]
    names = _names(data)
    out = table.reset_index(drop=True)
    out.insert(0, t(lang, "code"), [names.get(i, i) for i in ids])
    out.insert(0, t(lang, "code_id"), ids)
    out.columns = [str(c) for c in out.columns]
    return out


def _matrix(
    data: ExportData, function: Callable[..., pd.DataFrame], kind: str = ""
) -> pd.DataFrame:
    table = function(data.codings, data.codebook, count="segments")
    if kind:
        table = table.rename(columns=lambda c: label(kind, str(c), data.language))
    return _with_code_columns(data, table)


def _summary(data: ExportData) -> pd.DataFrame:
    lang = data.language
    table = code_summary_table(data.codings, data.codebook).set_index("code_id")
    frameworks = {f.id: f.name for f in data.codebook.frameworks}
    out = pd.DataFrame(
        {
            t(lang, "framework"): [frameworks.get(str(v), str(v)) for v in table["framework"]],
            t(lang, "segments"): table["segments"],
            t(lang, "informants"): table["informants"],
            t(lang, "documents"): table["documents"],
            t(lang, "source_types"): [
                ", ".join(label("source_type", s, lang) for s in v) for v in table["source_types"]
            ],
            t(lang, "pendukung"): table["pendukung"],
            t(lang, "penghambat"): table["penghambat"],
            t(lang, "netral"): table["netral"],
        },
        index=table.index,
    )
    return _with_code_columns(data, out)


def _factors(data: ExportData) -> pd.DataFrame:
    lang = data.language
    codes, framework = factor_codes(data.codebook)
    if data.filters.codes is not None:
        codes = [c for c in codes if c in data.filters.codes]
    if framework:
        table = factor_by_valence(data.codings, data.codebook, framework, count="segments")
        table = table.loc[[c for c in table.index if c in codes]]
    else:
        frame = data.codings
        table = pd.DataFrame(
            {
                v: [
                    len(unique_units(frame.loc[(frame["code_id"] == c) & (frame["valence"] == v)]))
                    for c in codes
                ]
                for v in ("pendukung", "penghambat", "netral")
            },
            index=codes,
        )
        table["total"] = [len(unique_units(frame.loc[frame["code_id"] == c])) for c in codes]
    table = table.rename(
        columns=lambda c: t(lang, "total") if c == "total" else label("valence", str(c), lang)
    )
    names = _names(data)
    out = table.reset_index(drop=True)
    ids = [str(i) for i in table.index]
    out.insert(0, t(lang, "factor"), [names.get(i, i) for i in ids])
    out.insert(0, t(lang, "code_id"), ids)
    return out


def _framework_matrix(data: ExportData) -> pd.DataFrame:
    table = framework_matrix(
        data.codings, data.codebook, rows="code", cols="informant", lang=data.language
    )
    return _safe(_with_code_columns(data, table))


def _triangulation(data: ExportData) -> pd.DataFrame:
    lang = data.language
    table = triangulate_codes(data.codings, data.codebook).set_index("code_id")
    out = pd.DataFrame(
        {
            t(lang, "source_types"): [
                ", ".join(label("source_type", s, lang) for s in v) for v in table["source_types"]
            ],
            t(lang, "informants"): [", ".join(v) for v in table["informants"]],
            "n " + t(lang, "informants").lower(): table["n_informants"],
            t(lang, "documents"): table["n_documents"],
            t(lang, "segments"): table["n_segments"],
            t(lang, "pendukung"): table["pendukung"],
            t(lang, "penghambat"): table["penghambat"],
            t(lang, "netral"): table["netral"],
            t(lang, "status"): [triangulation_label(str(s), lang) for s in table["status"]],
        },
        index=table.index,
    )
    return _safe(_with_code_columns(data, out))


def _cooccurrence(data: ExportData) -> pd.DataFrame:
    lang = data.language
    pairs = cooccurrence(data.codings, window=data.filters.window)
    names = _names(data)
    return _safe(
        pd.DataFrame(
            {
                t(lang, "code_a"): [names.get(a, a) for a in pairs["code_a"]],
                t(lang, "code_b"): [names.get(b, b) for b in pairs["code_b"]],
                t(lang, "count"): pairs["count"].astype("int64"),
                t(lang, "jaccard"): pairs["jaccard"].astype("float64").round(3),
                t(lang, "segment_ids"): [", ".join(str(s) for s in v) for v in pairs["segments"]],
                f"{t(lang, 'code_id')} A": pairs["code_a"],
                f"{t(lang, 'code_id')} B": pairs["code_b"],
            }
        )
    )


def _conclusions(data: ExportData) -> pd.DataFrame:
    lang = data.language
    names = _names(data)
    segments = data.segments.set_index("segment_id", drop=False)
    rows = []
    for number, conclusion in enumerate(data.conclusions, start=1):
        result = triangulate_conclusion(conclusion, data.segments)
        evidence = {}
        for key, ids in (
            ("supporting_evidence", conclusion.supporting_segment_ids),
            ("contradicting_evidence", conclusion.contradicting_segment_ids),
        ):
            quotes = []
            for segment_id in ids:
                if int(segment_id) not in segments.index:
                    continue
                seg = segments.loc[int(segment_id)]
                info = data.documents.get(int(seg["document_id"]))
                cite = info.citation if info else ""
                quotes.append(f"\u201c{seg['text']}\u201d {cite} [seg {int(segment_id)}]")
            evidence[t(lang, key)] = "\n".join(quotes)
        rows.append(
            {
                t(lang, "quote_no"): number,
                t(lang, "conclusion_text"): conclusion.text,
                t(lang, "conclusion_status"): triangulation_label(str(result["status"]), lang),
                t(lang, "conclusion_codes"): ", ".join(
                    names.get(c, c) for c in conclusion.code_ids
                ),
                **evidence,
            }
        )
    columns = [
        t(lang, "quote_no"),
        t(lang, "conclusion_text"),
        t(lang, "conclusion_status"),
        t(lang, "conclusion_codes"),
        t(lang, "supporting_evidence"),
        t(lang, "contradicting_evidence"),
    ]
    return _safe(pd.DataFrame(rows, columns=columns))


def info_rows(data: ExportData) -> list[tuple[str, str]]:
    """Traceability facts shared by the workbook and the network files."""
    lang = data.language
    counts = data.counts()
    rows = [
        (t(lang, "project"), data.project_name),
        (t(lang, "codebook"), data.codebook.name),
        ("versi" if lang == "id" else "version", data.codebook.version),
        ("hash", data.codebook_hash),
        (t(lang, "exported_at"), format_datetime(data.exported_at, lang)),
        ("ISO", data.exported_at.isoformat(timespec="seconds")),
        (t(lang, "statuses"), data.statuses_text()),
        (t(lang, "filters"), data.filters_text()),
        (t(lang, "pseudonymised"), t(lang, "yes") if data.filters.pseudonymise else t(lang, "no")),
        (t(lang, "window"), str(data.filters.window)),
        (t(lang, "codings_total"), str(counts["codings_in_project"])),
        (t(lang, "codings_included"), str(counts["codings"])),
        (t(lang, "segments_included"), str(counts["segments"])),
        (t(lang, "documents_included"), str(counts["documents"])),
        (t(lang, "informants_included"), str(counts["informants"])),
        (t(lang, "generator"), generator()),
    ]
    if not counts["codings"]:
        rows.append((t(lang, "empty_title"), t(lang, "empty", statuses=data.statuses_text())))
    return rows


def _info(data: ExportData) -> pd.DataFrame:
    lang = data.language
    rows = info_rows(data)
    return _safe(pd.DataFrame(rows, columns=[t(lang, "item"), t(lang, "value")]))


# --------------------------------------------------------------------------- formatting


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """String cells without XML-illegal characters."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.map(lambda v: clean(v) if isinstance(v, str) else v).astype(object)
    return out


def _format_sheet(sheet: Any, frame: pd.DataFrame, frozen_columns: int, autofilter: bool) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = sheet.cell(row=2, column=frozen_columns + 1 if frozen_columns > 1 else 1)
    # A text that starts with "=" is text, not a formula.
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
    wrap = Alignment(vertical="top", wrap_text=True)
    for index, column in enumerate(frame.columns, start=1):
        values = [str(column)] + [
            "" if v is None or (isinstance(v, float) and v != v) else str(v)
            for v in frame[column].head(500).tolist()
        ]
        longest = max(max((len(line) for line in v.split("\n")), default=0) for v in values)
        width = min(max(longest + 2, 8), _MAX_WIDTH)
        if longest > _MAX_WIDTH:
            width = _WIDE
            for cells in sheet.iter_cols(min_col=index, max_col=index, min_row=2):
                for cell in cells:
                    cell.alignment = wrap
        sheet.column_dimensions[get_column_letter(index)].width = width
    if autofilter and sheet.max_row >= 1 and sheet.max_column >= 1:
        sheet.auto_filter.ref = sheet.dimensions


# --------------------------------------------------------------------------- csv


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(data: ExportData, out: IO[bytes]) -> None:
    """The coded segments table as CSV, UTF-8 with a byte order mark. Every row
    carries the codebook (name and version), its hash and the export time, since a
    CSV has no other place for them. Cells that a spreadsheet would run as a formula
    (starting with = + - @) get a leading '."""
    lang = data.language
    table = codings_table(data)
    table[t(lang, "codebook")] = clean(data.codebook.name)
    table[t(lang, "codebook_version")] = clean(data.codebook.version)
    table[t(lang, "codebook_hash")] = data.codebook_hash
    table[t(lang, "exported_iso")] = data.exported_at.isoformat(timespec="seconds")
    for column in table.columns:
        if table[column].dtype == object:
            table[column] = table[column].map(_csv_cell)
    text = table.to_csv(index=False, lineterminator="\r\n")
    out.write(("\ufeff" + text).encode("utf-8"))
