"""Session state and cached loaders: one ``Project`` handle per path, frames keyed by
what changed.

Every change a researcher makes goes through ``Project`` and writes an audit entry,
so the audit log tells what changed: the newest entry per entity (document, coding,
memo, conclusion, codebook) is that entity's version. A decision on a coding bumps
only the coding version: the documents and segments stay cached, the cached codings
frame is brought up to date by replaying the decision (``qualcode.ui.frames``), and
what is computed from it (matrices, queue, counts) is computed again. Auto-coding
writes no audit entry, so the app bumps a local epoch after running it (and the
sidebar's reload button does the same for changes made outside the app).

A page reads only what it shows: the sidebar's numbers are counted by the database,
one document's segments or the segments a finding cites are read without the
others, and the codings frame leaves out the evidence (read for the one coding the
review queue shows). Every run costs one query for the newest audit id; the
entities' versions are read again (in one query) only when it changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from qualcode.errors import QualcodeError
from qualcode.model import Codebook, Conclusion, Memo
from qualcode.service import Project, default_actor
from qualcode.ui.frames import apply_coding_changes
from qualcode.ui.i18n import LANG_KEY

PROJECT_ENV = "QUALCODE_PROJECT"
KEY_PROJECT = "qc_project"
KEY_LANG = LANG_KEY
KEY_ACTOR = "qc_actor"
KEY_FLASH = "qc_flash"

ENTITIES = ("document", "coding", "memo", "conclusion", "codebook")

T = TypeVar("T")


# --------------------------------------------------------------------------- session


def project_path() -> str:
    """The project this session works on: chosen on the Proyek page, else the
    QUALCODE_PROJECT environment variable ("" when neither)."""
    return str(st.session_state.get(KEY_PROJECT) or os.environ.get(PROJECT_ENV, "")).strip()


def set_project_path(path: str) -> None:
    st.session_state[KEY_PROJECT] = path


def actor() -> str:
    """The reviewer's name as typed in the sidebar (QUALCODE_USER or login by default)."""
    name = str(st.session_state.get(KEY_ACTOR) or "").strip()
    return name or default_actor()


def flash(kind: str, message: str) -> None:
    """A message to show at the top of the page after the next rerun."""
    st.session_state.setdefault(KEY_FLASH, []).append((kind, message))


def pop_flashes() -> list[tuple[str, str]]:
    return list(st.session_state.pop(KEY_FLASH, []))


# --------------------------------------------------------------------------- project


@st.cache_resource(show_spinner=False, max_entries=8)
def open_project(path: str) -> Project:
    """One handle per project path, shared by every session (its engine is thread-safe)."""
    return Project.open(path)


def current_project() -> Project | None:
    """The open project, or None when none is chosen or it cannot be opened (the error
    is kept in the session for the page to show)."""
    path = project_path()
    st.session_state.pop("qc_open_error", None)
    if not path:
        return None
    try:
        return open_project(path)
    except QualcodeError as exc:
        st.session_state["qc_open_error"] = str(exc)
        return None


@st.cache_resource(show_spinner=False)
def _epochs() -> dict[str, int]:
    return {}


def bump_epoch(project: Project) -> None:
    """Invalidate every cached frame of ``project`` (after auto-coding, or on reload)."""
    epochs = _epochs()
    epochs[project.location] = epochs.get(project.location, 0) + 1


@dataclass(frozen=True)
class Versions:
    document: int
    coding: int
    memo: int
    conclusion: int
    codebook: int
    epoch: int

    @property
    def codings_key(self) -> tuple[int, ...]:
        return (self.document, self.coding, self.codebook, self.epoch)

    @property
    def documents_key(self) -> tuple[int, ...]:
        return (self.document, self.epoch)

    @property
    def all_key(self) -> tuple[int, ...]:
        return (*self.codings_key, self.memo, self.conclusion)


@st.cache_data(show_spinner=False, max_entries=256)
def _entity_versions(_project: Project, location: str, newest: int) -> dict[str, int]:
    found = _project.entity_versions()
    return {entity: found.get(entity, 0) for entity in ENTITIES}


def versions(project: Project) -> Versions:
    """What changed since the frames were cached: one small query when nothing did."""
    newest = project.data_version()
    per = _entity_versions(project, project.location, newest)
    return Versions(
        document=per["document"],
        coding=per["coding"],
        memo=per["memo"],
        conclusion=per["conclusion"],
        codebook=per["codebook"],
        epoch=_epochs().get(project.location, 0),
    )


# --------------------------------------------------------------------------- frames


@st.cache_data(show_spinner=False, max_entries=16)
def _documents(_project: Project, location: str, key: tuple[int, ...]) -> pd.DataFrame:
    return _project.documents_frame()


@st.cache_data(show_spinner=False, max_entries=16)
def _segments(_project: Project, location: str, key: tuple[int, ...]) -> pd.DataFrame:
    return _project.segments_frame()


# The codings frame is read whole once, then kept up to date by replaying the
# decisions of the audit log (see qualcode.ui.frames); it is read whole again after
# PATCH_WINDOW audit entries, so a replay never grows long.
PATCH_WINDOW = 500


@st.cache_data(show_spinner=False, max_entries=4)
def _codings_base(
    _project: Project, location: str, key: tuple[int, ...]
) -> tuple[int, pd.DataFrame]:
    """The codings frame and the newest audit entry it includes."""
    for _ in range(3):
        mark = _project.data_version()
        frame = _project.codings_frame(evidence=False)
        if _project.data_version() == mark:
            break
    return mark, frame


@st.cache_data(show_spinner=False, max_entries=8)
def _codings(
    _project: Project, location: str, key: tuple[int, ...], coding: int, mark: int, _frame: Any
) -> pd.DataFrame:
    """``_frame`` (read at audit entry ``mark``) after the decisions made since."""
    frame: pd.DataFrame = _frame
    entries = _project.audit_log(entity="coding", limit=2 * PATCH_WINDOW)
    newer = entries.loc[entries["id"] > mark]
    if len(newer) < len(entries) or len(entries) < 2 * PATCH_WINDOW:
        patched = apply_coding_changes(frame, newer, _project.codebook)
        if patched is not None:
            return patched
    return _project.codings_frame(evidence=False)


@st.cache_data(show_spinner=False, max_entries=16)
def _memos(_project: Project, location: str, key: tuple[int, int]) -> list[Memo]:
    return _project.memos()


@st.cache_data(show_spinner=False, max_entries=16)
def _conclusions(_project: Project, location: str, key: tuple[int, int]) -> list[Conclusion]:
    return _project.conclusions()


@st.cache_data(show_spinner=False, max_entries=16)
def _segments_of(
    _project: Project, location: str, segment_ids: tuple[int, ...], key: tuple[int, ...]
) -> pd.DataFrame:
    return _project.segments_frame(segment_ids=segment_ids)


@st.cache_data(show_spinner=False, max_entries=64)
def _document_segments(
    _project: Project, location: str, document_id: int, key: tuple[int, ...]
) -> pd.DataFrame:
    frame = _project.segments_frame(document_id)
    return frame.sort_values("segment_index", kind="stable").reset_index(drop=True)


@st.cache_data(show_spinner=False, max_entries=64)
def _document_text(_project: Project, location: str, document_id: int, key: tuple[int, ...]) -> str:
    return str(_project.document(document_id).text)


@st.cache_data(show_spinner=False, max_entries=16)
def _history(_project: Project, location: str, key: int) -> list[dict[str, Any]]:
    return _project.codebook_history()


class Data:
    """The project's frames for one page run, loaded lazily and cached across runs."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.v = versions(project)
        self._codebook: Codebook | None = None

    @property
    def codebook(self) -> Codebook:
        if self._codebook is None:
            self._codebook = self.project.codebook
        return self._codebook

    def documents(self) -> pd.DataFrame:
        return _documents(self.project, self.project.location, self.v.documents_key)

    def segments(self) -> pd.DataFrame:
        return _segments(self.project, self.project.location, self.v.documents_key)

    def codings(self) -> pd.DataFrame:
        """The codings frame without ``evidence_json`` (``Project.coding_evidence``
        reads the evidence of the coding shown)."""
        v, location = self.v, self.project.location
        key = (v.document, v.codebook, v.epoch)
        mark, frame = _codings_base(self.project, location, (*key, v.coding // PATCH_WINDOW))
        if v.coding <= mark:
            return frame
        return _codings(self.project, location, key, v.coding, mark, frame)

    def memos(self) -> list[Memo]:
        return _memos(self.project, self.project.location, (self.v.memo, self.v.epoch))

    def conclusions(self) -> list[Conclusion]:
        return _conclusions(self.project, self.project.location, (self.v.conclusion, self.v.epoch))

    def segments_of(self, segment_ids: Iterable[int]) -> pd.DataFrame:
        """The segments of ``segment_ids`` (those that exist), in reading order, read
        without the others."""
        wanted = tuple(sorted({int(i) for i in segment_ids}))
        return _segments_of(self.project, self.project.location, wanted, self.v.documents_key)

    def document_segments(self, document_id: int) -> pd.DataFrame:
        """One document's segments in reading order, read without the others."""
        return _document_segments(
            self.project, self.project.location, int(document_id), self.v.documents_key
        )

    def document_text(self, document_id: int) -> str:
        return _document_text(
            self.project, self.project.location, int(document_id), self.v.documents_key
        )

    def codebook_history(self) -> list[dict[str, Any]]:
        return _history(self.project, self.project.location, self.v.codebook)

    def cached(self, name: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``func(self, *args, **kwargs)`` computed once per version of the project's
        data (and per arguments): a decision, a memo or a finding computes it again,
        rerunning the page does not."""
        return _derived(self, self.project.location, self.v.all_key, name, func, args, kwargs)


@st.cache_data(show_spinner=False, max_entries=64)
def _derived(
    _data: Data,
    location: str,
    key: tuple[int, ...],
    name: str,
    _func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    return _func(_data, *args, **kwargs)


# --------------------------------------------------------------------------- language tools


@st.cache_resource(show_spinner=False)
def root_function() -> Callable[[str], str]:
    """The Indonesian root of a word (``qualcode.nlp.normalize.root``), for concordances."""
    from qualcode.nlp.normalize import root

    return root
