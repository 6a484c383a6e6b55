"""Keyword in context (KWIC): every occurrence of a word's root in the segments.

The root function is injected by the caller (e.g. the Indonesian stemmer of the NLP
layer), so this module stays free of language tooling.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from qualcode.analysis.filters import prepare_segments

KWIC_COLUMNS: tuple[str, ...] = (
    "left",
    "match",
    "right",
    "document",
    "informant",
    "segment_id",
    "start",
    "end",
)

TOKEN = re.compile(r"\w+(?:-\w+)*")
_NEWLINES = re.compile(r"[\r\n\t]")


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            col: pd.Series([], dtype="int64" if col in ("segment_id", "start", "end") else object)
            for col in KWIC_COLUMNS
        }
    )


def kwic(
    segments: pd.DataFrame,
    word: str,
    *,
    root: Callable[[str], str],
    width: int = 60,
    max_rows: int = 500,
) -> pd.DataFrame:
    """Concordance of ``word``: one row per token whose root equals the root of
    ``word`` (both lower-cased before ``root`` is applied).

    Tokens are ``\\w+(?:-\\w+)*`` (so reduplications such as "kinerja-kinerja" are
    one token). ``left``/``right`` hold up to ``width`` characters of the segment
    text on each side, with line breaks and tabs shown as spaces; ``match`` is the
    token as written; ``start``/``end`` are offsets into the document text. Rows
    follow document, segment and position order; at most ``max_rows`` rows.
    """
    wanted_text = word.strip().lower()
    frame = prepare_segments(segments)
    if not wanted_text or frame.empty or max_rows <= 0:
        return _empty()
    wanted = root(wanted_text)
    frame = frame.sort_values(["document_id", "segment_index", "start"], kind="stable")
    roots: dict[str, bool] = {}
    rows: list[dict[str, object]] = []
    for text, document, informant, segment_id, offset in zip(
        frame["text"],
        frame["document"],
        frame["informant"],
        frame["segment_id"],
        frame["start"],
        strict=True,
    ):
        for match in TOKEN.finditer(text):
            token = match.group(0).lower()
            hit = roots.get(token)
            if hit is None:
                hit = roots[token] = token == wanted_text or root(token) == wanted
            if not hit:
                continue
            s, e = match.span()
            rows.append(
                {
                    "left": _NEWLINES.sub(" ", text[max(0, s - width) : s]),
                    "match": match.group(0),
                    "right": _NEWLINES.sub(" ", text[e : e + width]),
                    "document": document,
                    "informant": informant,
                    "segment_id": int(segment_id),
                    "start": int(offset) + s,
                    "end": int(offset) + e,
                }
            )
            if len(rows) >= max_rows:
                return _frame(rows)
    return _frame(rows) if rows else _empty()


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    out = pd.DataFrame.from_records(rows, columns=list(KWIC_COLUMNS))
    for col in ("left", "match", "right", "document", "informant"):
        out[col] = out[col].astype(object)
    return out
