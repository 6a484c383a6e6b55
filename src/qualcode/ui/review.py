"""What the Kondensasi and Kesimpulan pages show, computed from the project's frames:
the review queue, the filtered codings, a document's segments. No Streamlit here:
each function takes an object with the frame methods of ``qualcode.ui.state.Data``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from qualcode.analysis.filters import filter_codings, natural_sorted
from qualcode.service import evidence_of

EVIDENCE_KINDS = ("keyword", "phrase", "supporting", "inhibiting", "negation", "hedge", "model")


class Frames(Protocol):
    def codings(self) -> pd.DataFrame: ...

    def segments(self) -> pd.DataFrame: ...

    def segments_of(self, segment_ids: Iterable[int]) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Filters:
    """The researcher's selection; an empty tuple means "no filter"."""

    document_id: int | None = None
    codes: tuple[str, ...] = ()
    informants: tuple[str, ...] = ()
    source_types: tuple[str, ...] = ()
    valences: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    min_score: float = 0.0

    def apply(
        self, codings: pd.DataFrame, *, statuses: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        chosen = self.statuses if statuses is None else statuses
        return filter_codings(
            codings,
            codes=self.codes or None,
            informants=self.informants or None,
            source_types=self.source_types or None,
            statuses=chosen or None,
            valences=self.valences or None,
            min_score=self.min_score or None,
            documents=None if self.document_id is None else [int(self.document_id)],
        )


def queue(data: Frames, filters: Filters) -> pd.DataFrame:
    """The suggestions still to review under ``filters``, in reading order."""
    frame = filters.apply(data.codings(), statuses=("suggested",))
    frame = frame.sort_values(["document_id", "start", "end", "coding_id"], kind="stable")
    return frame.reset_index(drop=True)


def filtered(data: Frames, filters: Filters) -> pd.DataFrame:
    return filters.apply(data.codings())


def document_segments(data: Frames, document_id: int) -> pd.DataFrame:
    segments = data.segments()
    rows = segments.loc[segments["document_id"] == int(document_id)]
    return rows.sort_values("segment_index", kind="stable").reset_index(drop=True)


def informants(documents: pd.DataFrame) -> list[str]:
    return natural_sorted(str(v) for v in documents["informant"] if str(v or "").strip())


def segment_head(row: Mapping[str, Any]) -> str:
    """The line above a paragraph: "#12 · Informan 2 · 00:12:31"."""
    parts = [f"#{int(row.get('segment_index', 0)) + 1}"]
    for key in ("speaker", "timestamp"):
        value = str(row.get(key) or "").strip()
        if value:
            parts.append(value)
    return " · ".join(parts)


def evidence(evidence_json: str) -> list[dict[str, Any]]:
    return [e for e in evidence_of(evidence_json) if isinstance(e, dict)]


def manual_codings_in(data: Frames, document_id: int, start: int, end: int) -> pd.DataFrame:
    """Codings made by hand inside [start, end) of a document (the ones you may delete)."""
    codings = data.codings()
    mask = (
        (codings["document_id"] == int(document_id))
        & (codings["origin"] == "human")
        & (codings["start"] >= start)
        & (codings["end"] <= end)
    )
    return codings.loc[mask]


def segment_choices(
    data: Frames, codes: tuple[str, ...], statuses: tuple[str, ...]
) -> pd.DataFrame:
    """Segments coded with any of ``codes`` (all coded segments when empty), one row
    a segment with its codes, for choosing a conclusion's evidence."""
    codings = filter_codings(data.codings(), codes=codes or None, statuses=statuses or None)
    codings = codings.loc[codings["segment_id"].notna()]
    if codings.empty:
        return pd.DataFrame(columns=["segment_id", "informant", "source_type", "document", "text"])
    firsts = codings.drop_duplicates("segment_id")
    grouped = firsts.loc[:, ["informant", "source_type", "document", "document_id"]]
    grouped.index = pd.Index(firsts["segment_id"], name="segment_id")
    pairs = codings.drop_duplicates(["segment_id", "code_id"])
    code_ids: dict[Any, list[str]] = {}
    for segment_id, code_id in zip(pairs["segment_id"], pairs["code_id"], strict=True):
        code_ids.setdefault(segment_id, []).append(code_id)
    grouped["code_ids"] = [tuple(code_ids[i]) for i in grouped.index]
    segments = data.segments_of(grouped.index).set_index("segment_id")
    grouped["text"] = segments["text"].reindex(grouped.index.astype("int64")).to_numpy()
    grouped["segment_index"] = (
        segments["segment_index"].reindex(grouped.index.astype("int64")).to_numpy()
    )
    out = grouped.reset_index()
    out["segment_id"] = out["segment_id"].astype("int64")
    return out.sort_values(["document_id", "segment_index"], kind="stable").reset_index(drop=True)
