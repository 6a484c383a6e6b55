"""Bring a cached codings frame up to date from the audit log, without reading every
coding again.

Reading the whole codings frame of a large project takes about a second, and a
reviewer decides every few seconds. Every decision is in the audit log with the
coding's state before and after it, so the app keeps the frame it read and replays
the decisions made since: ``decide`` and its ``undo`` set the decision fields and
bump the row's version (as the store does), ``delete`` and the undo of an ``add``
drop the row. An entry that needs more than the log holds (a new coding, a deleted
coding brought back) returns None, and the caller reads the frame again.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from qualcode.model import Codebook

DECISION_FIELDS = ("code_id", "valence", "status", "coder", "start", "end")


class NeedsReload(Exception):
    """The change cannot be replayed from the audit log."""


def _state(text: object) -> dict[str, Any] | None:
    if not isinstance(text, str) or not text:
        return None
    value = json.loads(text)
    return value if isinstance(value, dict) else None


def _changes(entries: pd.DataFrame) -> tuple[dict[int, dict[str, Any]], dict[int, int], set[int]]:
    """Per coding: the latest decision state, how many changes, and the dropped ones."""
    states: dict[int, dict[str, Any]] = {}
    bumps: dict[int, int] = {}
    dropped: set[int] = set()
    ordered = entries.sort_values("id")
    for action, entity_id, after_json in zip(
        ordered["action"], ordered["entity_id"], ordered["after_json"], strict=True
    ):
        coding_id = int(entity_id)
        after = _state(after_json)
        if action == "decide" and after is not None:
            states[coding_id] = after
            bumps[coding_id] = bumps.get(coding_id, 0) + 1
        elif action == "delete" or (action == "undo" and after is None):
            dropped.add(coding_id)  # deleted, or an added coding taken back
        elif action == "undo" and after is not None and "document_id" not in after:
            # a decision taken back
            if coding_id in dropped:
                raise NeedsReload
            states[coding_id] = after
            bumps[coding_id] = bumps.get(coding_id, 0) + 1
        else:  # a new coding, or a deleted one restored: the log lacks its row
            raise NeedsReload
    return states, bumps, dropped


def apply_coding_changes(
    frame: pd.DataFrame, entries: pd.DataFrame, codebook: Codebook
) -> pd.DataFrame | None:
    """``frame`` (a codings frame) after the audit ``entries`` of entity "coding"
    newer than it, or None when they cannot be replayed."""
    if entries.empty:
        return frame
    try:
        states, bumps, dropped = _changes(entries)
    except (NeedsReload, ValueError, TypeError):
        return None
    out = frame.loc[~frame["coding_id"].isin(dropped)].copy()
    if not states:
        return out.reset_index(drop=True)
    position = pd.Series(range(len(out)), index=out["coding_id"].to_numpy())
    missing = [cid for cid in states if cid not in position.index]
    if missing:
        return None
    codes = {c.id: c for c in codebook.codes}
    rows = [int(position[cid]) for cid in states]
    columns = {name: out.columns.get_loc(name) for name in out.columns}
    for row, (coding_id, state) in zip(rows, states.items(), strict=True):
        for field in DECISION_FIELDS:
            if field in state:
                out.iat[row, columns[field]] = state[field]
        code = codes.get(str(state.get("code_id", "")))
        if "code_name" in columns:
            out.iat[row, columns["code_name"]] = code.name if code else state.get("code_id", "")
        if "framework" in columns:
            out.iat[row, columns["framework"]] = code.framework if code else ""
        if "parent" in columns:
            out.iat[row, columns["parent"]] = (code.parent or "") if code else ""
        if "version" in columns:
            out.iat[row, columns["version"]] = (
                int(out.iat[row, columns["version"]]) + bumps[coding_id]
            )
    return out.reset_index(drop=True)
