"""Selecting codings, the labels shown for their categories, and frame helpers.

Every analysis reads the frames described in ``docs/FRAMES.md``. The helpers at the
end of this module (:func:`prepare_codings`, :func:`prepare_segments`,
:func:`unit_keys`, :func:`ordered_codes`, :func:`natural_key`) make those frames
safe to compute on: missing columns are added, text columns never hold NA, and the
nullable segment columns become ``Int64``.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import Any

import numpy as np
import pandas as pd

from qualcode.model import Codebook

# --------------------------------------------------------------------------- columns

CODING_COLUMNS: tuple[str, ...] = (
    "coding_id",
    "document_id",
    "document",
    "source_type",
    "informant",
    "role",
    "date",
    "segment_id",
    "segment_index",
    "start",
    "end",
    "text",
    "code_id",
    "code_name",
    "framework",
    "parent",
    "valence",
    "score",
    "status",
    "origin",
    "coder",
)

SEGMENT_COLUMNS: tuple[str, ...] = (
    "segment_id",
    "document_id",
    "document",
    "source_type",
    "informant",
    "role",
    "date",
    "segment_index",
    "start",
    "end",
    "text",
    "speaker",
    "speaker_role",
    "codable",
    "timestamp",
)

DOCUMENT_COLUMNS: tuple[str, ...] = (
    "document_id",
    "name",
    "source_type",
    "informant",
    "role",
    "date",
    "n_chars",
)

# Statuses that stand for a researcher's decision to keep a coding.
CONFIRMED_STATUSES: tuple[str, ...] = ("accepted", "manual")
# Statuses that show a researcher looked at a coding (kept it, removed it, or made it).
DECIDED_STATUSES: tuple[str, ...] = ("accepted", "rejected", "manual")

# --------------------------------------------------------------------------- labels

SOURCE_TYPE_LABELS: dict[str, dict[str, str]] = {
    "id": {"interview": "wawancara", "observation": "observasi", "document": "dokumentasi"},
    "en": {"interview": "interview", "observation": "observation", "document": "documentation"},
}

VALENCE_LABELS: dict[str, dict[str, str]] = {
    "id": {"pendukung": "pendukung", "penghambat": "penghambat", "netral": "netral"},
    "en": {"pendukung": "supporting", "penghambat": "inhibiting", "netral": "neutral"},
}

STATUS_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "suggested": "usulan",
        "accepted": "diterima",
        "rejected": "ditolak",
        "manual": "manual",
    },
    "en": {
        "suggested": "suggested",
        "accepted": "accepted",
        "rejected": "rejected",
        "manual": "manual",
    },
}

ORIGIN_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "auto": "otomatis (aturan kata kunci)",
        "suggester": "otomatis (model)",
        "human": "peneliti",
        "import": "impor",
    },
    "en": {
        "auto": "automatic (keyword rules)",
        "suggester": "automatic (model)",
        "human": "researcher",
        "import": "imported",
    },
}

LABELS: dict[str, dict[str, dict[str, str]]] = {
    "source_type": SOURCE_TYPE_LABELS,
    "valence": VALENCE_LABELS,
    "status": STATUS_LABELS,
    "origin": ORIGIN_LABELS,
}


def label(kind: str, value: str, lang: str = "id") -> str:
    """The display label of ``value`` of category ``kind`` ("source_type", "valence",
    "status" or "origin") in language ``lang`` ("id" or "en").

    Unknown kinds, languages or values give ``value`` back unchanged.
    """
    table = LABELS.get(kind, {})
    return table.get(lang, table.get("id", {})).get(value, value)


# --------------------------------------------------------------------------- filter


def filter_codings(
    codings: pd.DataFrame,
    *,
    codes: Iterable[str] | str | None = None,
    informants: Iterable[str] | str | None = None,
    source_types: Iterable[str] | str | None = None,
    statuses: Iterable[str] | str | None = CONFIRMED_STATUSES,
    valences: Iterable[str] | str | None = None,
    min_score: float | None = None,
    documents: Iterable[int | str] | int | str | None = None,
) -> pd.DataFrame:
    """The codings that pass every given filter; ``None`` means "do not filter".

    ``statuses`` defaults to what a researcher has confirmed (accepted and manual);
    pass ``None`` to keep suggestions and rejections too. ``documents`` takes
    document ids (int) or document names (str), mixed if needed. ``min_score`` keeps
    codings whose score is at least the value. A single string is one value, not a
    sequence of characters. The result has every coding column and a fresh index.
    """
    frame = prepare_codings(codings)
    mask = np.ones(len(frame), dtype=bool)
    if codes is not None:
        mask &= frame["code_id"].isin(_as_list(codes)).to_numpy()
    if informants is not None:
        mask &= frame["informant"].isin(_as_list(informants)).to_numpy()
    if source_types is not None:
        mask &= frame["source_type"].isin(_as_list(source_types)).to_numpy()
    if statuses is not None:
        mask &= frame["status"].isin(_as_list(statuses)).to_numpy()
    if valences is not None:
        mask &= frame["valence"].isin(_as_list(valences)).to_numpy()
    if min_score is not None:
        mask &= (frame["score"] >= min_score).fillna(False).to_numpy(dtype=bool)
    if documents is not None:
        wanted = _as_list(documents)
        ids = [
            int(v) for v in wanted if isinstance(v, int | np.integer) and not isinstance(v, bool)
        ]
        names = [str(v) for v in wanted if isinstance(v, str)]
        by_id = frame["document_id"].isin(ids).to_numpy()
        by_name = frame["document"].isin(names).to_numpy()
        mask &= by_id | by_name
    return frame.loc[mask].reset_index(drop=True)


def _as_list(values: Any) -> list[Any]:
    if isinstance(values, str | int | np.integer):
        return [values]
    return list(values)


# --------------------------------------------------------------------------- frame helpers

_CODING_TEXT = (
    "document",
    "source_type",
    "informant",
    "role",
    "date",
    "text",
    "code_id",
    "code_name",
    "framework",
    "parent",
    "valence",
    "status",
    "origin",
    "coder",
)
_SEGMENT_TEXT = (
    "document",
    "source_type",
    "informant",
    "role",
    "date",
    "text",
    "speaker",
    "speaker_role",
    "timestamp",
)
_DOCUMENT_TEXT = ("name", "source_type", "informant", "role", "date")


def prepare_codings(codings: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of a codings frame with every column of ``CODING_COLUMNS`` (first, in
    that order), text columns
    as strings without NA, ``segment_id``/``segment_index`` as nullable ``Int64``,
    ``document_id``/``start``/``end`` as ``int64`` and ``score`` as ``float64``.
    Extra columns are kept. The index is reset.
    """
    frame = _base(codings)
    frame = _text_columns(frame, _CODING_TEXT)
    frame = _nullable_int_columns(frame, ("segment_id", "segment_index"))
    frame = _int_columns(frame, ("coding_id", "document_id", "start", "end"))
    if "score" not in frame.columns:
        frame["score"] = 1.0
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce").astype("float64")
    return _in_order(frame, CODING_COLUMNS)


def prepare_segments(segments: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of a segments frame with every column of ``SEGMENT_COLUMNS`` and
    safe dtypes (see :func:`prepare_codings`); ``codable`` defaults to True."""
    frame = _base(segments)
    frame = _text_columns(frame, _SEGMENT_TEXT)
    frame = _int_columns(frame, ("segment_id", "document_id", "segment_index", "start", "end"))
    if "codable" not in frame.columns:
        frame["codable"] = True
    frame["codable"] = frame["codable"].fillna(True).astype(bool)
    return _in_order(frame, SEGMENT_COLUMNS)


def prepare_documents(documents: pd.DataFrame | None) -> pd.DataFrame:
    """A copy of a documents frame with every column of ``DOCUMENT_COLUMNS``."""
    frame = _base(documents)
    frame = _text_columns(frame, _DOCUMENT_TEXT)
    frame = _int_columns(frame, ("document_id", "n_chars"))
    return _in_order(frame, DOCUMENT_COLUMNS)


def _in_order(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """The known columns first, in their documented order, then any others."""
    return frame.loc[:, [*columns, *(c for c in frame.columns if c not in columns)]]


def _base(frame: pd.DataFrame | None) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame()
    return frame.reset_index(drop=True).copy()


def _text_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for col in columns:
        if col not in frame.columns:
            frame[col] = pd.Series([""] * len(frame), index=frame.index, dtype=object)
            continue
        series = frame[col]
        if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
            series = series.fillna("")
        elif pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
            series = series.fillna("").astype(object)
        else:
            series = series.map(lambda v: "" if _is_missing(v) else str(v)).astype(object)
        frame[col] = series
    return frame


def _nullable_int_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for col in columns:
        if col not in frame.columns:
            frame[col] = pd.array([pd.NA] * len(frame), dtype="Int64")
        else:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    return frame


def _int_columns(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    for col in columns:
        if col not in frame.columns:
            frame[col] = np.zeros(len(frame), dtype="int64")
        else:
            values = pd.to_numeric(frame[col], errors="coerce")
            frame[col] = values.fillna(-1).astype("int64")
    return frame


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and value != value


def is_missing(value: Any) -> bool:
    """True for None, NaN, ``pd.NA`` and ``pd.NaT``; False for any other value."""
    return _is_missing(value)


def unit_keys(codings: pd.DataFrame) -> pd.Series:
    """An integer id per coded unit: the segment when the coding has one, else the
    span (document, start, end) of a hand-selected passage. Two codings on the same
    segment, or on the same span, get the same id. ``codings`` must be prepared."""
    if codings.empty:
        return pd.Series(np.zeros(0, dtype="int64"), index=codings.index)
    seg = codings["segment_id"]
    span = seg.isna().to_numpy()
    keys = pd.DataFrame(
        {
            "s": seg.fillna(-1).astype("int64").to_numpy(),
            "d": np.where(span, codings["document_id"].to_numpy(), -1),
            "a": np.where(span, codings["start"].to_numpy(), -1),
            "b": np.where(span, codings["end"].to_numpy(), -1),
        },
        index=codings.index,
    )
    return keys.groupby(["s", "d", "a", "b"], sort=True).ngroup().astype("int64")


_DIGITS = re.compile(r"(\d+)")


def natural_key(value: Any) -> tuple[Any, ...]:
    """Sort key that puts "Informan 2" before "Informan 10"."""
    text = str(value)
    parts = _DIGITS.split(text.lower())
    return (tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text)


def natural_sorted(values: Iterable[Any]) -> list[Any]:
    """``values`` without duplicates, in natural order."""
    return sorted(set(values), key=natural_key)


def ordered_codes(codebook: Codebook | None, present: Iterable[Hashable] = ()) -> list[str]:
    """The codebook's code ids in codebook order, then any other ids in ``present``
    (codes the codings use that the codebook lacks) in natural order."""
    ids = list(codebook.code_ids) if codebook is not None else []
    known = set(ids)
    extra = natural_sorted(str(c) for c in present if str(c) and str(c) not in known)
    return ids + extra


def source_type_order(values: Iterable[str]) -> list[str]:
    """The given source types in the canonical order interview, observation,
    document, then unknown ones in natural order."""
    canonical = ("interview", "observation", "document")
    seen = set(values)
    return [s for s in canonical if s in seen] + natural_sorted(
        v for v in seen if v not in canonical and v
    )


def code_names(codebook: Codebook | None, codings: pd.DataFrame | None = None) -> dict[str, str]:
    """Code id -> Indonesian name, from the codebook, else from the codings frame."""
    names: dict[str, str] = {}
    if codings is not None and not codings.empty and "code_name" in codings.columns:
        pairs = codings[["code_id", "code_name"]].drop_duplicates("code_id")
        names.update(
            {str(k): str(v) for k, v in zip(pairs["code_id"], pairs["code_name"], strict=True)}
        )
    if codebook is not None:
        names.update({c.id: c.name for c in codebook.codes})
    return names
