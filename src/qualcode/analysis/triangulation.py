"""Triangulation: is a code, or a conclusion, backed by several kinds of source?

Terms used below:

* a **source** is an informant, or, for evidence without an informant (official
  documents, observation notes), the document itself;
* a **source type** is interview, observation or document;
* counts of evidence are counts of distinct coded segments (a hand-selected span
  counts as one segment), so two coders coding the same segment do not double it.

The rule for a code (:func:`triangulate_codes`), applied in this order:

1. **absent**: no coding of the code.
2. **contested**: there is pendukung and penghambat evidence, and one of the two
   valences, taken as the minority side (the one with fewer segments; on a tie,
   either side), holds at least ``contest_share`` (25 %) of the valenced segments
   *and* comes from at least ``min(contest_min_sources, sources of the other
   side)`` distinct sources: two sources by default, or as many as the other side
   when that side rests on a single source. So one informant's repeated dissent
   against a broad majority is a negative case, not a contest, while two informants
   who contradict each other one-to-one do contest the code.
3. **triangulated**: not contested, and the evidence comes from at least
   ``min_source_types`` (2) source types or from at least ``min_informants`` (2)
   distinct informants.
4. **single-source**: any other code with evidence.

The rule for a conclusion (:func:`triangulate_conclusion`) is the same with
"supporting segments" for the evidence and "contradicting segments" for the side
that may contest it (whatever its share above ``contest_share``): **unsupported**
when no supporting segment is found, then contested, triangulated, single-source.
Neutral codings count as evidence for a code but never for either side of a contest.
"""

from __future__ import annotations

from typing import Any, Literal

import pandas as pd

from qualcode.analysis.filters import (
    natural_sorted,
    ordered_codes,
    prepare_codings,
    prepare_segments,
    source_type_order,
    unit_keys,
)
from qualcode.model import VALENCES, Codebook, Conclusion

TriangulationStatus = Literal["triangulated", "single-source", "contested", "absent"]
ConclusionStatus = Literal["triangulated", "single-source", "contested", "unsupported"]

TRIANGULATION_STATUSES: tuple[str, ...] = ("triangulated", "single-source", "contested", "absent")
CONCLUSION_STATUSES: tuple[str, ...] = (
    "triangulated",
    "single-source",
    "contested",
    "unsupported",
)

TRIANGULATION_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "triangulated": "terverifikasi (triangulasi)",
        "single-source": "satu sumber",
        "contested": "diperdebatkan",
        "absent": "tidak ada bukti",
        "unsupported": "tidak ada bukti",
    },
    "en": {
        "triangulated": "verified (triangulated)",
        "single-source": "single source",
        "contested": "contested",
        "absent": "no evidence",
        "unsupported": "no evidence",
    },
}

TRIANGULATION_COLUMNS: tuple[str, ...] = (
    "code_id",
    "code_name",
    "framework",
    "source_types",
    "n_source_types",
    "informants",
    "n_informants",
    "n_documents",
    "n_segments",
    "pendukung",
    "penghambat",
    "netral",
    "status",
)


def triangulation_label(status: str, lang: str = "id") -> str:
    """Display label of a triangulation status; unknown statuses come back as is."""
    return TRIANGULATION_LABELS.get(lang, TRIANGULATION_LABELS["id"]).get(status, status)


def is_contested(
    n_a: int,
    n_b: int,
    sources_a: int,
    sources_b: int,
    *,
    contest_share: float = 0.25,
    contest_min_sources: int = 2,
) -> bool:
    """The contest rule for two opposed bodies of evidence (segment counts ``n_a``,
    ``n_b`` from ``sources_a``, ``sources_b`` distinct sources); see the module
    docstring."""
    total = n_a + n_b
    if n_a == 0 or n_b == 0:
        return False
    for n, own, other in ((n_a, sources_a, sources_b), (n_b, sources_b, sources_a)):
        if n > total - n:  # the majority side cannot be the dissenting one
            continue
        if n / total >= contest_share and own >= min(contest_min_sources, other):
            return True
    return False


def _source_keys(frame: pd.DataFrame) -> pd.Series:
    return frame["informant"].where(
        frame["informant"] != "", "document:" + frame["document_id"].astype(str)
    )


def triangulate_codes(
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    min_source_types: int = 2,
    min_informants: int = 2,
    contest_share: float = 0.25,
    contest_min_sources: int = 2,
) -> pd.DataFrame:
    """Per code (every code of the codebook, codebook order): the evidence behind it
    and its triangulation status (see the module docstring for the rule).

    Columns: code_id, code_name, framework, source_types (list, canonical order),
    n_source_types, informants (list, natural order), n_informants, n_documents,
    n_segments, pendukung, penghambat, netral (distinct segments per valence), and
    status (one of ``TRIANGULATION_STATUSES``; labels in ``TRIANGULATION_LABELS``).
    Analyses the codings given: filter them first (e.g. confirmed codings only).
    """
    frame = prepare_codings(codings)
    frame = frame.loc[frame["code_id"] != ""]
    frame = frame.assign(_unit=unit_keys(frame), _source=_source_keys(frame))
    ids = ordered_codes(codebook, frame["code_id"].unique())
    known = {c.id: c for c in codebook.codes}
    first = frame.drop_duplicates("code_id").set_index("code_id")

    grouped = frame.groupby("code_id", sort=False)
    types = frame.loc[frame["source_type"] != ""].groupby("code_id")["source_type"].unique()
    named = frame.loc[frame["informant"] != ""].groupby("code_id")["informant"].unique()
    n_documents = grouped["document_id"].nunique()
    n_units = grouped["_unit"].nunique()
    valenced = frame.groupby(["code_id", "valence"], sort=False)
    units_by_valence = valenced["_unit"].nunique()
    sources_by_valence = valenced["_source"].nunique()

    records: list[dict[str, Any]] = []
    for code in ids:
        entry = known.get(code)
        source_types = source_type_order(types[code]) if code in types.index else []
        informants = natural_sorted(named[code]) if code in named.index else []
        counts: dict[str, int] = {v: int(units_by_valence.get((code, v), 0)) for v in VALENCES}
        n_segments = int(n_units.get(code, 0))
        if n_segments == 0:
            status = "absent"
        elif is_contested(
            counts["pendukung"],
            counts["penghambat"],
            int(sources_by_valence.get((code, "pendukung"), 0)),
            int(sources_by_valence.get((code, "penghambat"), 0)),
            contest_share=contest_share,
            contest_min_sources=contest_min_sources,
        ):
            status = "contested"
        elif len(source_types) >= min_source_types or len(informants) >= min_informants:
            status = "triangulated"
        else:
            status = "single-source"
        records.append(
            {
                "code_id": code,
                "code_name": entry.name if entry else str(first.at[code, "code_name"]),
                "framework": entry.framework if entry else str(first.at[code, "framework"]),
                "source_types": source_types,
                "n_source_types": len(source_types),
                "informants": informants,
                "n_informants": len(informants),
                "n_documents": int(n_documents.get(code, 0)),
                "n_segments": n_segments,
                **counts,
                "status": status,
            }
        )
    out = pd.DataFrame.from_records(records, columns=list(TRIANGULATION_COLUMNS))
    for col in ("n_source_types", "n_informants", "n_documents", "n_segments", *VALENCES):
        out[col] = out[col].astype("int64")
    for col in ("code_id", "code_name", "framework", "source_types", "informants", "status"):
        out[col] = out[col].astype(object)
    return out


def _evidence(
    segments: pd.DataFrame, ids: tuple[int, ...]
) -> tuple[dict[str, Any], int, list[int]]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    rows = segments.loc[segments["segment_id"].isin(wanted)].drop_duplicates("segment_id")
    found = set(rows["segment_id"].tolist())
    missing = [i for i in wanted if i not in found]
    informants = natural_sorted(v for v in rows["informant"] if v)
    documents = natural_sorted(v for v in rows["document"] if v)
    n_sources = int(_source_keys(rows).nunique()) if not rows.empty else 0
    summary = {
        "segment_ids": [i for i in wanted if i in found],
        "n_segments": len(found),
        "source_types": source_type_order(rows["source_type"].tolist()),
        "informants": informants,
        "documents": documents,
        "n_sources": n_sources,
    }
    return summary, n_sources, missing


def triangulate_conclusion(
    conclusion: Conclusion,
    segments: pd.DataFrame,
    *,
    min_source_types: int = 2,
    min_informants: int = 2,
    contest_share: float = 0.25,
    contest_min_sources: int = 2,
) -> dict[str, Any]:
    """The evidence of a conclusion (temuan) and its status, JSON-ready.

    Returns ``{"conclusion_id", "status", "supporting", "contradicting",
    "missing_segment_ids"}`` where supporting/contradicting each hold
    ``segment_ids``, ``n_segments``, ``source_types``, ``informants``,
    ``documents`` and ``n_sources`` of the segments found in ``segments``, and
    ``missing_segment_ids`` lists the ids the conclusion cites that ``segments``
    does not hold. Status: "unsupported", "contested", "triangulated" or
    "single-source" (rule in the module docstring).
    """
    frame = prepare_segments(segments)
    supporting, n_support_sources, missing_s = _evidence(
        frame, tuple(conclusion.supporting_segment_ids)
    )
    contradicting, n_contra_sources, missing_c = _evidence(
        frame, tuple(conclusion.contradicting_segment_ids)
    )
    n_support = int(supporting["n_segments"])
    n_contra = int(contradicting["n_segments"])
    total = n_support + n_contra
    status: ConclusionStatus
    if n_support == 0:
        status = "unsupported"
    elif (
        n_contra > 0
        and n_contra / total >= contest_share
        and n_contra_sources >= min(contest_min_sources, n_support_sources)
    ):
        status = "contested"
    elif (
        len(supporting["source_types"]) >= min_source_types
        or len(supporting["informants"]) >= min_informants
    ):
        status = "triangulated"
    else:
        status = "single-source"
    return {
        "conclusion_id": conclusion.id,
        "status": status,
        "supporting": supporting,
        "contradicting": contradicting,
        "missing_segment_ids": list(dict.fromkeys(missing_s + missing_c)),
    }
