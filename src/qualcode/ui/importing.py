"""What the Proyek page sends to the service: the metadata typed for an upload, and
the changes made in the table of documents. No Streamlit here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

UPLOAD_FIELDS = ("informant", "role", "source_type")
DOCUMENT_FIELDS = ("name", "source_type", "informant", "role", "date", "place", "title")


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value).strip()


def upload_metadata(row: Mapping[str, Any]) -> dict[str, str]:
    """The metadata typed for one uploaded file: only what was filled in, the date as
    an ISO date. What is left empty the reader takes from the file itself."""
    metadata = {key: _text(row.get(key)) for key in UPLOAD_FIELDS if _text(row.get(key))}
    date = row.get("date")
    if _text(date):
        metadata["date"] = pd.Timestamp(date).date().isoformat()
    return metadata


def metadata_changes(
    before: pd.DataFrame, after: pd.DataFrame, fields: Sequence[str] = DOCUMENT_FIELDS
) -> list[tuple[int, dict[str, str], int]]:
    """(document id, changed fields, version as read) for every edited document of
    the table; ``version`` is what ``Project.update_document`` checks against."""
    old = before.set_index("document_id")
    out: list[tuple[int, dict[str, str], int]] = []
    for document_id, row in after.set_index("document_id").iterrows():
        key = int(str(document_id))
        if key not in old.index:
            continue
        was = old.loc[key]
        changes = {
            field: _text(row[field]) for field in fields if _text(row[field]) != _text(was[field])
        }
        if changes:
            out.append((key, changes, int(was["version"])))
    return out
