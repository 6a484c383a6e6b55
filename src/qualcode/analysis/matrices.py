"""Data displays (Miles & Huberman): code x informant / document / source-type
matrices, factor x valence tables, framework matrices of quotes, and the per-code
summary table of a thesis chapter.

Every function analyses exactly the codings it receives: filter them first with
:func:`qualcode.analysis.filters.filter_codings` (whose default keeps what the
researcher confirmed). Rows follow the codebook order and list every code of the
codebook, with zeros for codes nobody used; codes that appear in the codings but
not in the codebook follow in natural order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from qualcode.analysis.filters import (
    natural_sorted,
    ordered_codes,
    prepare_codings,
    source_type_order,
    unit_keys,
)
from qualcode.model import SOURCE_TYPES, VALENCES, Codebook

CountKind = Literal["codings", "segments", "informants"]
Dimension = Literal["code", "informant", "document", "source_type"]

_DIMENSION_COLUMNS: dict[str, str] = {
    "code": "code_id",
    "informant": "informant",
    "document": "document",
    "source_type": "source_type",
}

SUMMARY_COLUMNS: tuple[str, ...] = (
    "code_id",
    "code_name",
    "framework",
    "codings",
    "segments",
    "informants",
    "documents",
    "source_types",
    "pendukung",
    "penghambat",
    "netral",
)

MORE_QUOTES: dict[str, str] = {"id": "(+{n} kutipan lain)", "en": "(+{n} more quotes)"}


# --------------------------------------------------------------------------- counting


def _check_count(count: str) -> None:
    if count not in ("codings", "segments", "informants"):
        raise ValueError(f"count must be 'codings', 'segments' or 'informants', not {count!r}")


def _cell_counts(frame: pd.DataFrame, row_col: str, col_col: str, count: str) -> pd.Series:
    """Counts per (row value, column value): codings, distinct units, or distinct
    named informants. ``frame`` must be prepared."""
    if count == "informants":
        frame = frame.loc[frame["informant"] != ""]
    if frame.empty:
        return pd.Series(
            [],
            index=pd.MultiIndex.from_arrays([[], []], names=[row_col, col_col]),
            dtype="int64",
        )
    grouped = frame.groupby([row_col, col_col], sort=False)
    if count == "codings":
        return grouped.size()
    if count == "segments":
        return (
            frame.assign(_unit=unit_keys(frame))
            .groupby([row_col, col_col], sort=False)["_unit"]
            .nunique()
        )
    return grouped["informant"].nunique()


def _to_table(
    counts: pd.Series, rows: list[str], cols: list[str], row_name: str, col_name: str
) -> pd.DataFrame:
    table = counts.unstack(fill_value=0) if len(counts) else pd.DataFrame()
    table = table.reindex(index=rows, columns=cols, fill_value=0).fillna(0).astype("int64")
    table.index = pd.Index(rows, name=row_name, dtype=object)
    table.columns = pd.Index(cols, name=col_name, dtype=object)
    return table


def _code_by(codings: pd.DataFrame, codebook: Codebook, column: str, count: str) -> pd.DataFrame:
    _check_count(count)
    frame = prepare_codings(codings)
    if column == "informant":
        frame = frame.loc[frame["informant"] != ""]
    counts = _cell_counts(frame, "code_id", column, count)
    rows = ordered_codes(codebook, frame["code_id"].unique())
    if column == "source_type":
        cols = source_type_order([*SOURCE_TYPES, *frame["source_type"].unique()])
    else:
        cols = natural_sorted(v for v in frame[column].unique() if v != "")
    return _to_table(counts, rows, cols, "code", column)


def code_by_informant(
    codings: pd.DataFrame, codebook: Codebook, *, count: CountKind = "codings"
) -> pd.DataFrame:
    """Code x informant matrix of counts.

    Rows: every code, codebook order. Columns: the informants in natural order
    ("Informan 2" before "Informan 10"). Codings without an informant (documents,
    observation notes) are left out: see :func:`code_by_document` or
    :func:`code_by_source_type` for them. ``count`` is "codings" (rows of the
    frame), "segments" (distinct coded segments or hand-selected spans) or
    "informants" (distinct informants, so 0 or 1 in this matrix).
    """
    return _code_by(codings, codebook, "informant", count)


def code_by_document(
    codings: pd.DataFrame, codebook: Codebook, *, count: CountKind = "codings"
) -> pd.DataFrame:
    """Code x document (name) matrix of counts; columns in natural order.
    See :func:`code_by_informant` for ``count``."""
    return _code_by(codings, codebook, "document", count)


def code_by_source_type(
    codings: pd.DataFrame, codebook: Codebook, *, count: CountKind = "codings"
) -> pd.DataFrame:
    """Code x source type matrix of counts. Columns: interview, observation,
    document (always all three, in that order), then any other source type.
    See :func:`code_by_informant` for ``count``."""
    return _code_by(codings, codebook, "source_type", count)


def factor_by_valence(
    codings: pd.DataFrame,
    codebook: Codebook,
    framework: str = "mahmudi",
    *,
    count: CountKind = "codings",
) -> pd.DataFrame:
    """Factor x valence table: rows are the codes of ``framework`` (codebook order,
    then codes the codings attach to that framework but the codebook lacks),
    columns pendukung, penghambat, netral and total.

    ``total`` counts the same thing over all valences: for "codings" it is the sum
    of the three columns; for "segments" and "informants" a segment or informant
    that appears with two valences is counted once in ``total``.
    """
    _check_count(count)
    frame = prepare_codings(codings)
    frame = frame.loc[frame["framework"] == framework]
    in_framework = [c.id for c in codebook.codes if c.framework == framework]
    rows = in_framework + [
        c for c in ordered_codes(None, frame["code_id"].unique()) if c not in set(in_framework)
    ]
    counts = _cell_counts(frame, "code_id", "valence", count)
    table = _to_table(counts, rows, list(VALENCES), "code", "valence")
    if count == "codings":
        total = table.sum(axis=1)
    else:
        frame = frame.assign(_all="total")
        total = _cell_counts(frame, "code_id", "_all", count).droplevel(1)
        total = total.reindex(rows, fill_value=0)
    table["total"] = np.asarray(total, dtype="int64")
    return table


# --------------------------------------------------------------------------- framework matrix


def framework_matrix(
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    rows: Dimension = "code",
    cols: Dimension = "informant",
    max_quotes: int = 3,
    summaries: Mapping[tuple[str, str], str] | None = None,
    max_chars: int = 160,
    lang: str = "id",
) -> pd.DataFrame:
    """A framework matrix: one cell of text per (row, column), e.g. per code and
    informant.

    A cell holds the written summary ``summaries[(row, column)]`` when one is given
    and not blank; otherwise up to ``max_quotes`` condensed quotes, one a line, each
    followed by its reference: ``[seg 12]`` for a segment, ``[document start-end]``
    for a hand-selected span. Quotes are chosen by score (highest first), then by
    position in the document; a segment coded twice appears once. Quotes longer than
    ``max_chars`` are cut at a word boundary and end with "…". When a cell has more
    quotes than shown, a last line says how many are left ("(+2 kutipan lain)").
    Empty cells are "". ``rows``/``cols`` are "code", "informant", "document" or
    "source_type"; codings with an empty value for either dimension (e.g. no
    informant when "informant" is a dimension) are left out.
    """
    if rows not in _DIMENSION_COLUMNS or cols not in _DIMENSION_COLUMNS or rows == cols:
        raise ValueError(f"rows and cols must be two different dimensions, not {rows!r}, {cols!r}")
    rcol, ccol = _DIMENSION_COLUMNS[rows], _DIMENSION_COLUMNS[cols]
    frame = prepare_codings(codings)
    frame = frame.loc[(frame[rcol] != "") & (frame[ccol] != "")]
    frame = frame.assign(_unit=unit_keys(frame))
    row_keys = _dimension_values(rows, frame, codebook)
    col_keys = _dimension_values(cols, frame, codebook)

    table = pd.DataFrame("", index=pd.Index(row_keys, dtype=object), columns=col_keys, dtype=object)
    if not frame.empty:
        ordered = frame.sort_values(
            ["score", "document_id", "segment_index", "start", "coding_id"],
            ascending=[False, True, True, True, True],
            na_position="last",
            kind="stable",
        ).drop_duplicates([rcol, ccol, "_unit"])
        rank = ordered.groupby([rcol, ccol], sort=False).cumcount()
        totals = ordered.groupby([rcol, ccol], sort=False).size()
        top = ordered.loc[rank < max_quotes]
        refs = np.where(
            top["segment_id"].isna(),
            top["document"] + " " + top["start"].astype(str) + "-" + top["end"].astype(str),
            "seg " + top["segment_id"].astype(str),
        )
        quotes = (
            "\u201c" + top["text"].map(lambda t: condense(t, max_chars)) + "\u201d [" + refs + "]"
        )
        cells = quotes.groupby([top[rcol], top[ccol]], sort=False).agg("\n".join)
        more = MORE_QUOTES.get(lang, MORE_QUOTES["en"])
        for key, total in totals.items():
            rest = int(total) - max_quotes
            text = cells.get(key, "")
            if rest > 0:
                text = f"{text}\n{more.format(n=rest)}" if text else more.format(n=rest)
            table.loc[key[0], key[1]] = text
    for (r, c), summary in (summaries or {}).items():
        if r in table.index and c in table.columns and str(summary).strip():
            table.loc[r, c] = str(summary).strip()
    table.index.name = rows
    table.columns = pd.Index(col_keys, name=cols, dtype=object)
    return table


def _dimension_values(dimension: str, frame: pd.DataFrame, codebook: Codebook) -> list[str]:
    column = _DIMENSION_COLUMNS[dimension]
    present = frame[column].unique()
    if dimension == "code":
        return ordered_codes(codebook, present)
    if dimension == "source_type":
        return source_type_order([*SOURCE_TYPES, *present])
    return natural_sorted(v for v in present if v != "")


def condense(text: str, max_chars: int = 160) -> str:
    """``text`` on one line, cut at a word boundary to at most ``max_chars``
    characters (the ellipsis included) when longer."""
    flat = " ".join(str(text).split())  # whitespace runs as one space, ends trimmed
    if len(flat) <= max_chars:
        return flat
    cut = flat[: max(max_chars - 1, 0)]
    space = cut.rfind(" ")
    if space > max_chars // 2:
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "\u2026"


# --------------------------------------------------------------------------- summary table


def code_summary_table(codings: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """One row per code (codebook order, every code): the table a thesis chapter uses.

    Columns: code_id, code_name, framework, codings (rows of the frame), segments
    (distinct coded segments or spans), informants (distinct named informants),
    documents (distinct documents), source_types (list, canonical order), and
    pendukung / penghambat / netral: the number of distinct segments coded with that
    valence (a segment coded with two valences counts in both).
    """
    frame = prepare_codings(codings)
    frame = frame.assign(_unit=unit_keys(frame))
    ids = ordered_codes(codebook, frame["code_id"].unique())
    names = {c.id: c.name for c in codebook.codes}
    frameworks = {c.id: c.framework for c in codebook.codes}
    if not frame.empty:
        first = frame.drop_duplicates("code_id").set_index("code_id")
        for code in ids:
            if code not in names and code in first.index:
                names[code] = str(first.at[code, "code_name"])
                frameworks[code] = str(first.at[code, "framework"])

    grouped = frame.groupby("code_id", sort=False)
    n_codings = grouped.size()
    n_units = grouped["_unit"].nunique()
    n_informants = frame.loc[frame["informant"] != ""].groupby("code_id")["informant"].nunique()
    n_documents = grouped["document_id"].nunique()
    types = frame.loc[frame["source_type"] != ""].groupby("code_id")["source_type"].unique()
    valence = _cell_counts(frame, "code_id", "valence", "segments")

    out = pd.DataFrame(
        {
            "code_id": pd.Series(ids, dtype=object),
            "code_name": [names.get(c, c) for c in ids],
            "framework": [frameworks.get(c, "") for c in ids],
            "codings": n_codings.reindex(ids, fill_value=0).to_numpy(dtype="int64"),
            "segments": n_units.reindex(ids, fill_value=0).to_numpy(dtype="int64"),
            "informants": n_informants.reindex(ids, fill_value=0).to_numpy(dtype="int64"),
            "documents": n_documents.reindex(ids, fill_value=0).to_numpy(dtype="int64"),
            "source_types": [source_type_order(types[c]) if c in types.index else [] for c in ids],
        }
    )
    for v in VALENCES:
        out[v] = np.array([int(valence.get((c, v), 0)) for c in ids], dtype="int64")
    return out.loc[:, list(SUMMARY_COLUMNS)]
