"""A JSON-ready overview of a project: what was collected and how it is coded."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from qualcode.analysis.filters import (
    CONFIRMED_STATUSES,
    natural_sorted,
    ordered_codes,
    prepare_codings,
    prepare_documents,
    prepare_segments,
    source_type_order,
)
from qualcode.model import ORIGINS, SOURCE_TYPES, STATUSES, VALENCES, Codebook


def project_summary(
    documents: pd.DataFrame,
    segments: pd.DataFrame,
    codings: pd.DataFrame,
    codebook: Codebook,
    *,
    statuses: Iterable[str] | None = CONFIRMED_STATUSES,
) -> dict[str, Any]:
    """Counts that describe a project, as plain ``dict``/``list``/``int``/``str``.

    Keys:

    * ``codebook``: name, version, content hash, number of codes;
    * ``documents``: total, and ``by_source_type`` (interview, observation,
      document always present, then any other type);
    * ``informants``: total and ``names`` (distinct, natural order) of the
      documents' informants;
    * ``segments``: total and ``codable``;
    * ``codings``: ``total`` and ``by_status`` / ``by_origin`` over every coding,
      then ``counted_statuses`` and, over the codings with those statuses
      (default: accepted and manual, i.e. confirmed by the researcher),
      ``counted``, ``by_code`` (every code in codebook order, zeros included) and
      ``by_valence``. Pass ``statuses=None`` to count every coding.
    """
    docs = prepare_documents(documents)
    segs = prepare_segments(segments)
    frame = prepare_codings(codings)

    by_type = docs["source_type"].value_counts()
    type_order = source_type_order([*SOURCE_TYPES, *by_type.index])
    informants = natural_sorted(v for v in docs["informant"] if v)

    kept = frame if statuses is None else frame.loc[frame["status"].isin(list(statuses))]
    by_code = kept["code_id"].value_counts()
    by_valence = kept["valence"].value_counts()
    by_status = frame["status"].value_counts()
    by_origin = frame["origin"].value_counts()

    return {
        "codebook": {
            "name": codebook.name,
            "version": codebook.version,
            "hash": codebook.content_hash(),
            "n_codes": len(codebook.codes),
        },
        "documents": {
            "total": len(docs),
            "by_source_type": {t: int(by_type.get(t, 0)) for t in type_order},
        },
        "informants": {"total": len(informants), "names": informants},
        "segments": {"total": len(segs), "codable": int(segs["codable"].sum())},
        "codings": {
            "total": len(frame),
            "by_status": _counts(by_status, STATUSES),
            "by_origin": _counts(by_origin, ORIGINS),
            "counted_statuses": list(statuses) if statuses is not None else list(STATUSES),
            "counted": len(kept),
            "by_code": {c: int(by_code.get(c, 0)) for c in ordered_codes(codebook, by_code.index)},
            "by_valence": _counts(by_valence, VALENCES),
        },
    }


def _counts(counts: pd.Series, canonical: Iterable[str]) -> dict[str, int]:
    keys = list(canonical)
    keys += natural_sorted(str(k) for k in counts.index if k and k not in keys)
    return {k: int(counts.get(k, 0)) for k in keys}
