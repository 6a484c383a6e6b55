"""Small pieces every page uses: the shared sidebar, the page header, errors shown the
same way everywhere, and labels for codes, sources and statuses."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pandas as pd
import streamlit as st

from qualcode.analysis.filters import label as category_label
from qualcode.errors import ConflictError, QualcodeError
from qualcode.model import Codebook
from qualcode.service import Project, default_actor
from qualcode.ui import state
from qualcode.ui.i18n import LANGUAGES, current_language, t
from qualcode.ui.safe_html import STYLE, render_html, tag


def sidebar() -> None:
    """Project, language, reviewer and counts; drawn by app.py on every page."""
    with st.sidebar:
        st.segmented_control(
            t("sidebar.language"),
            options=list(LANGUAGES),
            format_func=lambda code: LANGUAGES[code],
            key=state.KEY_LANG,
            default="id",
            required=True,
            width="stretch",
        )
        if state.KEY_ACTOR not in st.session_state:
            st.session_state[state.KEY_ACTOR] = default_actor()
        st.text_input(t("sidebar.reviewer"), key=state.KEY_ACTOR, help=t("sidebar.reviewer_help"))
        project = state.current_project()
        if project is None:
            st.info(t("sidebar.no_project"))
        else:
            data = state.Data(project)
            st.markdown(f"**{t('sidebar.project')}**")
            st.text(project.name)
            render_html(tag("div", project.location, cls="qc-muted qc-path"))
            numbers = data.cached("sidebar_counts", counts)
            left, right = st.columns(2)
            left.metric(t("sidebar.documents"), numbers["documents"])
            right.metric(t("sidebar.informants"), numbers["informants"])
            left.metric(t("sidebar.suggested"), numbers["suggested"])
            right.metric(t("sidebar.decided"), numbers["decided"])
            if st.button(t("sidebar.reload"), help=t("sidebar.reload_help"), width="stretch"):
                state.bump_epoch(project)
                st.rerun()
        render_html(STYLE)


def counts(data: state.Data) -> dict[str, int]:
    """The sidebar's numbers, counted by the database (no frame is read for them)."""
    found = data.project.review_counts()
    return {
        "documents": found["documents"],
        "informants": found["informants"],
        "suggested": found.get("suggested", 0),
        "decided": sum(found.get(s, 0) for s in ("accepted", "rejected", "manual")),
    }


def header(title_key: str, caption_key: str) -> None:
    st.title(t(title_key))
    st.caption(t(caption_key))
    for kind, message in state.pop_flashes():
        getattr(st, kind if kind in ("success", "info", "warning", "error") else "info")(message)


def require_data() -> state.Data:
    """The open project's data; otherwise explain how to open one and stop the page."""
    project = state.current_project()
    if project is None:
        error = st.session_state.get("qc_open_error")
        if error:
            st.error(t("project.open_failed", error=error))
        st.info(t("project.none_open"))
        st.page_link(
            "app_pages/proyek.py", label=t("nav.go_project"), icon=":material/folder_open:"
        )
        st.stop()
    return state.Data(project)


@contextlib.contextmanager
def reporting(project: Project | None = None) -> Iterator[None]:
    """Show a refused change as one clear message instead of a traceback. A conflict
    (someone else changed the record) is a warning, and the page reloads its data."""
    try:
        yield
    except ConflictError as exc:
        state.flash("warning", t("common.conflict", error=str(exc)))
        if project is not None:
            state.bump_epoch(project)
    except QualcodeError as exc:
        state.flash("error", t("common.refused", error=str(exc)))


# --------------------------------------------------------------------------- labels


def lang() -> str:
    return current_language()


def lkey(name: str) -> str:
    """The key of a widget whose options are shown in the session's language.

    Streamlit keeps a widget's choice as the text it showed, so after a language
    switch the old words no longer match any option. A key per language gives the
    widget a fresh start instead (Indonesian keeps the plain key).
    """
    language = lang()
    return name if language == "id" else f"{name}.{language}"


def source_label(value: str) -> str:
    return category_label("source_type", value, lang())


def valence_label(value: str) -> str:
    return category_label("valence", value, lang())


def status_label(value: str) -> str:
    return category_label("status", value, lang())


def code_name(codebook: Codebook, code_id: str) -> str:
    try:
        code = codebook.code(code_id)
    except KeyError:
        return code_id
    if lang() == "en" and code.name_en:
        return code.name_en
    return code.name


def code_colour(codebook: Codebook, code_id: str) -> str:
    try:
        return codebook.code(code_id).colour
    except KeyError:
        return "#999999"


def codable_ids(codebook: Codebook) -> list[str]:
    return [c.id for c in codebook.codes if c.codable]


def document_option(row: pd.Series | dict[str, Any]) -> str:
    who = str(row.get("informant") or "")
    kind = source_label(str(row.get("source_type") or ""))
    detail = " · ".join(x for x in (who, kind) if x)
    return f"{row.get('name', '')}" + (f" ({detail})" if detail else "")


def labelled(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """The frame with only ``columns`` (in that order), renamed to their labels."""
    keep = [c for c in columns if c in frame.columns]
    return frame.loc[:, keep].rename(columns={c: t(columns[c]) for c in keep})


def view_switcher(label_key: str, views: dict[str, str], *, default: str, key: str) -> str:
    """A row of buttons choosing one view of a page (labels are i18n keys)."""
    choice = st.segmented_control(
        t(label_key),
        list(views),
        format_func=lambda v: t(views[v]),
        default=default,
        required=True,
        key=lkey(key),
        label_visibility="collapsed",
    )
    return str(choice)
