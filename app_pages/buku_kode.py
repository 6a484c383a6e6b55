"""Buku kode: browse the codebook as a tree, edit or add a code (validated as the
YAML loader validates), add words from a passage, preview what a change would catch,
save a new codebook version, see the versions."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st

from qualcode import codebook as codebook_io
from qualcode.errors import CodebookError, QualcodeError
from qualcode.model import Code, Codebook
from qualcode.ui import preview, state, widgets
from qualcode.ui.i18n import t
from qualcode.ui.safe_html import Markup, chip, join, render_html, tag
from qualcode.ui.text import code_tree, locate_phrase, segment_option, split_terms

widgets.header("codebook.title", "codebook.caption")
data = widgets.require_data()
project = data.project
codebook = data.codebook
NEW = "__new__"

TEXT_FIELDS = ("definition", "when_to_use", "when_not_to_use", "example")
TERM_FIELDS = ("keywords", "phrases", "supporting_cues", "inhibiting_cues")


FRAMEWORK = "framework:"


def _tree_frame(book: Codebook, counts: dict[str, int]) -> pd.DataFrame:
    """One row a framework, then its codes indented under their parents."""
    rows: list[dict[str, Any]] = []
    for framework, items in code_tree(book):
        key = FRAMEWORK + (framework.id if framework else "")
        title = framework.name if framework else t("codebook.no_framework")
        if framework and framework.author:
            title += f" ({framework.author})"
        rows.append({"code_id": key, "name": title, "colour": "", "codings": counts.get(key, 0)})
        for item in items:
            code = item.code
            rows.append(
                {
                    "code_id": code.id,
                    "name": "\u2003" * item.depth + "└ " + widgets.code_name(book, code.id),
                    "colour": code.colour,
                    "codings": counts.get(code.id, 0),
                }
            )
    return pd.DataFrame(rows)


def _code_counts(frames: state.Data) -> dict[str, int]:
    """Segments per code (suggested, accepted or manual); a grouping code counts the
    segments of all its sub-codes."""
    sets: dict[str, set[str]] = {}
    for code_id, unit in frames.project.coded_units():
        sets.setdefault(code_id, set()).add(unit)
    book = frames.codebook
    for code in book.codes:
        if not code.codable:
            for child in book.children(code.id):
                sets.setdefault(code.id, set()).update(sets.get(child.id, set()))
    for code in book.codes:
        sets.setdefault(FRAMEWORK + code.framework, set()).update(sets.get(code.id, set()))
    return {code_id: len(members) for code_id, members in sets.items()}


counts = data.cached("code_counts", _code_counts)
tree = _tree_frame(codebook, counts)

left, right = st.columns([11, 12], gap="large")

# --------------------------------------------------------------------------- the tree

with left:
    st.subheader(t("codebook.tree"))
    styled = tree.style.map(lambda c: f"background-color: {c}; color: {c}", subset=["colour"])
    picked = st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=min(35 * (len(tree) + 1) + 3, 640),
        on_select="rerun",
        selection_mode="single-row",
        key="qc_cb_tree",
        column_order=["colour", "name", "codings"],
        column_config={
            "colour": st.column_config.TextColumn("", width=24),
            "name": st.column_config.TextColumn(t("col.code"), width=280),
            "codings": st.column_config.NumberColumn(
                t("codebook.n_segments"),
                help=t("codebook.n_segments_help"),
                format="%d",
                width=80,
            ),
        },
    )
    rows = picked.selection.rows if hasattr(picked, "selection") else []
    ids = [NEW, *(c for c in tree["code_id"] if not c.startswith(FRAMEWORK))]
    selected_framework: str | None = None
    if rows:
        chosen = str(tree["code_id"].iloc[rows[0]])
        if chosen.startswith(FRAMEWORK):
            selected_framework = chosen[len(FRAMEWORK) :]
        else:
            st.session_state["qc_cb_code"] = chosen
    first = next((c.id for c in codebook.codes if c.codable), tree["code_id"].iloc[0])
    default_id = st.session_state.get("qc_cb_code", first)
    code_id = st.selectbox(
        t("codebook.pick"),
        ids,
        index=ids.index(default_id) if default_id in ids else 1,
        format_func=lambda c: (
            t("codebook.new_code") if c == NEW else widgets.code_name(codebook, c)
        ),
    )
    st.session_state["qc_cb_code"] = code_id

current: Code | None = None if code_id == NEW else codebook.code(code_id)


# --------------------------------------------------------------------------- details


def show_code(code: Code) -> None:
    parts: list[Markup] = [tag("div", chip(code.name, code.colour, code.name_en), cls="qc-legend")]
    for field in TEXT_FIELDS:
        value = getattr(code, field)
        if value:
            parts.append(tag("div", tag("b", t(f"field.{field}")), cls="qc-field-label"))
            parts.append(tag("div", value, cls="qc-field"))
    for field in TERM_FIELDS:
        terms = getattr(code, field)
        if terms:
            parts.append(tag("div", tag("b", t(f"field.{field}")), cls="qc-field-label"))
            parts.append(
                tag("div", join(tag("span", term, cls="qc-term") for term in terms), cls="qc-field")
            )
    if not code.codable:
        parts.append(tag("div", t("codebook.grouping_only"), cls="qc-muted"))
    render_html(join(parts))


def show_framework(framework_id: str) -> None:
    framework = next((f for f in codebook.frameworks if f.id == framework_id), None)
    if framework is None:
        return
    parts: list[Markup] = [tag("div", framework.name, cls="qc-code-title")]
    for label, value in (
        ("codebook.author", framework.author),
        ("codebook.description", framework.description),
        ("codebook.reference", framework.reference),
    ):
        if value:
            parts.append(tag("div", tag("b", t(label)), cls="qc-field-label"))
            parts.append(tag("div", value, cls="qc-field"))
    codes = [c for c in codebook.codes if c.framework == framework_id and c.codable]
    parts.append(tag("div", tag("b", t("codebook.codes_here")), cls="qc-field-label"))
    parts.append(tag("div", join(chip(widgets.code_name(codebook, c.id), c.colour) for c in codes)))
    render_html(join(parts))


# --------------------------------------------------------------------------- editing


def key(field: str) -> str:
    return widgets.lkey(f"qc_cb_{field}_{code_id}")


def _init_fields(code: Code | None) -> None:
    if key("loaded") in st.session_state:
        return
    base = code or Code(
        id="", name="", framework=codebook.frameworks[0].id if codebook.frameworks else ""
    )
    st.session_state[key("id")] = base.id
    st.session_state[key("name")] = base.name
    st.session_state[key("name_en")] = base.name_en
    st.session_state[key("framework")] = base.framework
    st.session_state[key("parent")] = base.parent or ""
    for field in TEXT_FIELDS:
        st.session_state[key(field)] = getattr(base, field)
    for field in TERM_FIELDS:
        st.session_state[key(field)] = "\n".join(getattr(base, field))
    st.session_state[key("colour")] = base.colour if code else "#1F77B4"
    st.session_state[key("codable")] = base.codable
    st.session_state[key("loaded")] = True


def draft() -> Code:
    """The code as the form currently holds it."""
    values: dict[str, Any] = {f: str(st.session_state[key(f)]) for f in TEXT_FIELDS}
    values.update({f: split_terms(str(st.session_state[key(f)])) for f in TERM_FIELDS})
    return Code(
        id=str(st.session_state[key("id")]).strip(),
        name=str(st.session_state[key("name")]),
        name_en=str(st.session_state[key("name_en")]),
        framework=str(st.session_state[key("framework")]),
        parent=str(st.session_state[key("parent")]) or None,
        colour=str(st.session_state[key("colour")]),
        codable=bool(st.session_state[key("codable")]),
        **values,
    )


_FIELD = re.compile(r"field '(\w+)'")


def explain(exc: CodebookError) -> str:
    match = _FIELD.search(exc.message)
    field = t(f"field.{match.group(1)}") if match else ""
    return t("codebook.invalid", field=field or "-", error=exc.message)


def add_term(phrase: str) -> None:
    term = codebook_io.normalize_term(phrase)
    field = "phrases" if " " in term else "keywords"
    existing = split_terms(str(st.session_state.get(key(field), "")))
    if term and term not in existing:
        st.session_state[key(field)] = "\n".join([*existing, term])
        state.flash("success", t("codebook.term_added", term=term, field=t(f"field.{field}")))


def bump(version: str) -> str:
    match = re.search(r"(\d+)$", version.strip())
    if not match:
        return f"{version.strip() or '1'}.1"
    return version.strip()[: match.start()] + str(int(match.group(1)) + 1)


with right:
    for kind, message in state.pop_flashes():
        getattr(st, kind)(message)
    tab_detail, tab_edit, tab_words = st.tabs(
        [t("codebook.tab_detail"), t("codebook.tab_edit"), t("codebook.tab_words")]
    )
    with tab_detail:
        if selected_framework is not None:
            show_framework(selected_framework)
        elif current is None:
            st.info(t("codebook.new_intro"))
        else:
            show_code(current)

    _init_fields(current)
    with tab_edit:
        st.text_input(
            t("field.id"), key=key("id"), disabled=current is not None, help=t("codebook.id_help")
        )
        cols = st.columns(2)
        cols[0].text_input(t("field.name"), key=key("name"))
        cols[1].text_input(t("field.name_en"), key=key("name_en"))
        frameworks = [f.id for f in codebook.frameworks]
        names = {f.id: f.name for f in codebook.frameworks}
        cols[0].selectbox(
            t("field.framework"),
            frameworks,
            key=key("framework"),
            format_func=lambda f: names.get(f, f),
        )
        parents = ["", *[c.id for c in codebook.codes if c.id != (current.id if current else "")]]
        cols[1].selectbox(
            t("field.parent"),
            parents,
            key=key("parent"),
            format_func=lambda p: (
                t("codebook.no_parent") if not p else widgets.code_name(codebook, p)
            ),
        )
        for field in TEXT_FIELDS:
            st.text_area(t(f"field.{field}"), key=key(field), height=80)
        cols = st.columns(2)
        for i, field in enumerate(TERM_FIELDS):
            cols[i % 2].text_area(
                t(f"field.{field}"), key=key(field), height=110, help=t("codebook.terms_help")
            )
        cols = st.columns(2)
        cols[0].color_picker(t("field.colour"), key=key("colour"))
        cols[1].checkbox(t("field.codable"), key=key("codable"), help=t("codebook.codable_help"))

        candidate: Codebook | None = None
        try:
            candidate = codebook_io.with_code(codebook, draft())
        except CodebookError as exc:
            st.error(explain(exc))
        st.divider()
        version = st.text_input(
            t("codebook.version"),
            value=bump(codebook.version),
            key=f"qc_cb_version_{data.v.codebook}",
        )
        buttons = st.columns(2)
        do_preview = buttons[0].button(
            t("codebook.preview"), disabled=candidate is None, width="stretch"
        )
        do_save = buttons[1].button(
            t("codebook.save"), type="primary", disabled=candidate is None, width="stretch"
        )
        if candidate is not None and do_preview:
            edited = candidate.code(draft().id)
            with st.spinner(t("codebook.previewing")):
                after = preview.preview(data, candidate, edited)
                before = preview.preview(data, codebook, current) if current is not None else []
            st.session_state["qc_cb_preview"] = (code_id, before, after)
        shown = st.session_state.get("qc_cb_preview")
        if shown and shown[0] == code_id:
            _, before, after = shown
            diff = preview.difference(before, after, data.segments())
            st.info(
                t(
                    "codebook.preview_result",
                    after=len(after),
                    before=len(before),
                    gained=len(diff["gained"]),
                    lost=len(diff["lost"]),
                )
            )
            for which in ("gained", "lost"):
                rows_ = diff[which]
                if len(rows_):
                    with st.expander(t(f"codebook.preview_{which}", n=len(rows_))):
                        for r in rows_.head(20).to_dict("records"):
                            render_html(tag("div", segment_option(r, 200), cls="qc-quote"))
        if candidate is not None and do_save:
            try:
                project.set_codebook(
                    replace(candidate, version=version.strip() or candidate.version),
                    actor=state.actor(),
                )
            except QualcodeError as exc:
                st.error(t("common.refused", error=str(exc)))
            else:
                saved = draft().id
                for k in [
                    k for k in st.session_state if str(k).startswith("qc_cb_") and k != "qc_cb_tree"
                ]:
                    del st.session_state[k]
                st.session_state["qc_cb_code"] = saved
                state.flash("success", t("codebook.saved", version=version))
                st.rerun()

    with tab_words:
        st.caption(t("codebook.words_intro"))
        documents = data.documents()
        if documents.empty:
            st.info(t("project.no_documents"))
        else:
            doc_rows = {int(r["document_id"]): r for r in documents.to_dict("records")}
            doc_id = st.selectbox(
                t("condense.document"),
                list(doc_rows),
                format_func=lambda i: widgets.document_option(doc_rows[i]),
                key=widgets.lkey("qc_cb_words_doc"),
            )
            segs = data.document_segments(int(doc_id))
            segs = segs.loc[segs["codable"]]
            seg_rows = {int(r["segment_id"]): r for r in segs.to_dict("records")}
            if seg_rows:
                seg_id = st.selectbox(
                    t("condense.segment"),
                    list(seg_rows),
                    format_func=lambda i: segment_option(seg_rows[i]),
                    key="qc_cb_words_seg",
                )
                passage = str(seg_rows[int(seg_id)]["text"])
                render_html(tag("div", passage, cls="qc-passage"))
                words = st.text_input(
                    t("codebook.words"), key="qc_cb_words", help=t("codebook.words_help")
                )
                found = bool(words.strip()) and bool(locate_phrase(passage, words))
                if words.strip() and not found:
                    st.warning(t("condense.phrase_not_found"))
                st.button(
                    t("codebook.add_term"),
                    disabled=not found,
                    on_click=add_term,
                    args=(words,),
                    type="primary",
                )

# --------------------------------------------------------------------------- versions

with st.expander(t("codebook.history")):
    history = pd.DataFrame(data.codebook_history())
    if history.empty:
        st.caption(t("codebook.no_history"))
    else:
        digest = codebook.content_hash()
        history["current"] = history["hash"] == digest
        history = history.iloc[::-1]
        st.dataframe(
            widgets.labelled(
                history,
                {
                    "created_at": "col.when",
                    "name": "col.name",
                    "version": "col.version",
                    "author": "col.author",
                    "hash": "col.hash",
                    "current": "col.current",
                },
            ),
            hide_index=True,
            width="stretch",
        )
