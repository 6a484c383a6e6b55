"""Kondensasi: read documents with their coded passages, review the machine's
suggestions one at a time, code passages by hand, write memos."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from qualcode.model import STATUSES, VALENCES
from qualcode.ui import review, state, widgets
from qualcode.ui.i18n import t
from qualcode.ui.safe_html import (
    Block,
    Span,
    document_html,
    evidence_html,
    legend,
    md_escape,
    render_html,
    tag,
)
from qualcode.ui.text import locate_phrase, segment_option

widgets.header("condense.title", "condense.caption")
data = widgets.require_data()
project = data.project
codebook = data.codebook
documents = data.documents()

if documents.empty:
    st.info(t("condense.no_documents"))
    st.stop()

# --------------------------------------------------------------------------- filters

ALL = -1
doc_ids = [int(i) for i in documents["document_id"]]
doc_rows = {int(r["document_id"]): r for r in documents.to_dict("records")}

with st.container(border=True):
    top = st.columns([3, 2, 2])
    document_id = top[0].selectbox(
        t("condense.document"),
        [ALL, *doc_ids],
        index=1,
        format_func=lambda i: (
            t("condense.all_documents") if i == ALL else widgets.document_option(doc_rows[i])
        ),
        key=widgets.lkey("qc_f_doc"),
    )
    code_filter = top[1].multiselect(
        t("filter.codes"),
        widgets.codable_ids(codebook),
        format_func=lambda c: widgets.code_name(codebook, c),
        key=widgets.lkey("qc_f_codes"),
        placeholder=t("common.all"),
    )
    informant_filter = top[2].multiselect(
        t("filter.informants"),
        review.informants(documents),
        key="qc_f_inf",
        placeholder=t("common.all"),
    )
    bottom = st.columns([2, 2, 3, 2])
    source_filter = bottom[0].multiselect(
        t("filter.source_types"),
        ["interview", "observation", "document"],
        format_func=widgets.source_label,
        key=widgets.lkey("qc_f_src"),
        placeholder=t("common.all"),
    )
    valence_filter = bottom[1].multiselect(
        t("filter.valences"),
        list(VALENCES),
        format_func=widgets.valence_label,
        key=widgets.lkey("qc_f_val"),
        placeholder=t("common.all"),
    )
    status_filter = bottom[2].multiselect(
        t("filter.statuses"),
        list(STATUSES),
        default=["suggested", "accepted", "manual"],
        format_func=widgets.status_label,
        key=widgets.lkey("qc_f_status"),
        placeholder=t("common.all"),
        help=t("condense.status_help"),
    )
    min_score = bottom[3].slider(
        t("filter.min_score"), 0.0, 1.0, 0.0, 0.05, key="qc_f_min", help=t("filter.min_score_help")
    )

filters = review.Filters(
    document_id=None if document_id == ALL else int(document_id),
    codes=tuple(code_filter),
    informants=tuple(informant_filter),
    source_types=tuple(source_filter),
    valences=tuple(valence_filter),
    statuses=tuple(status_filter),
    min_score=float(min_score),
)

MODES = {
    "queue": "condense.mode_queue",
    "read": "condense.mode_read",
    "manual": "condense.mode_manual",
    "memo": "condense.mode_memo",
}
mode = widgets.view_switcher("condense.mode", MODES, default="queue", key="qc_mode")


def need_document() -> int:
    if filters.document_id is None:
        st.info(t("condense.pick_document"))
        st.stop()
    return filters.document_id


def code_picker(label: str, key: str, default: str | None = None) -> str:
    ids = widgets.codable_ids(codebook)
    index = ids.index(default) if default in ids else 0
    return str(
        st.selectbox(
            label,
            ids,
            index=index,
            format_func=lambda c: widgets.code_name(codebook, c),
            key=widgets.lkey(key),
        )
    )


def valence_picker(label: str, key: str, default: str = "netral") -> str:
    value = st.segmented_control(
        label,
        list(VALENCES),
        default=default,
        required=True,
        format_func=widgets.valence_label,
        key=widgets.lkey(key),
    )
    return str(value or default)


# --------------------------------------------------------------------------- review queue


def _decide(coding_id: int, version: int, **changes: Any) -> None:
    with widgets.reporting(project):
        project.decide(coding_id, actor=state.actor(), expected_version=version, **changes)


def _move(step: int) -> None:
    st.session_state["qc_pos"] = max(0, int(st.session_state.get("qc_pos", 0)) + step)


def _undo() -> None:
    with widgets.reporting(project):
        done = project.undo(actor=state.actor())
        if done is None:
            state.flash("info", t("condense.nothing_to_undo"))
        else:
            state.flash("info", t("condense.undone", coding=done["coding_id"]))
            st.session_state["qc_goto"] = int(done["coding_id"])


@st.fragment
def review_queue() -> None:
    """One suggestion at a time; a decision reruns only this part of the page."""
    for kind, message in state.pop_flashes():
        getattr(st, kind)(message)
    fresh = state.Data(project)
    queue = fresh.cached("queue", review.queue, filters)
    total = len(queue)
    goto = st.session_state.pop("qc_goto", None)
    if goto is not None and goto in set(queue["coding_id"]):
        st.session_state["qc_pos"] = int(queue.index[queue["coding_id"] == goto][0])
    pos = min(int(st.session_state.get("qc_pos", 0)), max(total - 1, 0))
    st.session_state["qc_pos"] = pos
    if total == 0:
        st.success(t("condense.queue_empty"))
        st.button(t("condense.undo"), on_click=_undo, icon=":material/undo:", shortcut="U")
        return
    row = queue.iloc[pos]
    coding_id = int(row["coding_id"])
    version = int(row["version"])
    st.progress((pos + 1) / total, text=t("condense.position", n=pos + 1, total=total))
    with st.container(border=True):
        source = " · ".join(
            x
            for x in (
                str(row["document"]),
                str(row["informant"]),
                str(row["role"]),
                widgets.source_label(str(row["source_type"])),
                str(row["date"]),
                t("condense.segment_no", n=int(row["segment_index"]) + 1)
                if not pd.isna(row["segment_index"])
                else "",
            )
            if x
        )
        render_html(tag("div", source, cls="qc-muted"))
        code_id = str(row["code_id"])
        head = st.columns([3, 1, 1])
        with head[0]:
            render_html(
                tag(
                    "div",
                    tag("span", "", cls="qc-dot", style=f"background:{_colour(code_id)}"),
                    widgets.code_name(codebook, code_id),
                    cls="qc-code-title",
                )
            )
        head[1].metric(t("condense.score"), f"{float(row['score']):.2f}")
        head[2].metric(t("condense.valence"), widgets.valence_label(str(row["valence"])))
        st.markdown(f"**{t('condense.why')}**")
        evidence = review.evidence(project.coding_evidence(coding_id))
        render_html(
            evidence_html(
                str(row["text"]),
                int(row["start"]),
                evidence,
                kind_labels={k: t(f"evidence.{k}") for k in review.EVIDENCE_KINDS},
            )
        )
        if not evidence:
            st.caption(t("condense.no_evidence"))
        if not pd.isna(row["segment_index"]):
            with st.expander(t("condense.context")):
                context(int(row["document_id"]), int(row["segment_index"]))
        buttons = st.columns(5)
        buttons[0].button(
            t("condense.accept"),
            type="primary",
            icon=":material/check:",
            shortcut="A",
            width="stretch",
            on_click=_decide,
            args=(coding_id, version),
            kwargs={"status": "accepted"},
            key="qc_accept",
        )
        buttons[1].button(
            t("condense.reject"),
            icon=":material/close:",
            shortcut="X",
            width="stretch",
            on_click=_decide,
            args=(coding_id, version),
            kwargs={"status": "rejected"},
            key="qc_reject",
        )
        buttons[2].button(
            t("condense.previous"),
            icon=":material/arrow_back:",
            shortcut="Left",
            width="stretch",
            disabled=pos == 0,
            on_click=_move,
            args=(-1,),
        )
        buttons[3].button(
            t("condense.skip"),
            icon=":material/arrow_forward:",
            shortcut="Right",
            width="stretch",
            disabled=pos >= total - 1,
            on_click=_move,
            args=(1,),
        )
        buttons[4].button(
            t("condense.undo"),
            icon=":material/undo:",
            shortcut="U",
            width="stretch",
            on_click=_undo,
        )
        change = st.columns(2)
        with change[0]:
            new_code = code_picker(t("condense.change_code"), f"qc_new_code_{coding_id}", code_id)
            st.button(
                t("condense.apply_code"),
                disabled=new_code == code_id,
                on_click=_decide,
                args=(coding_id, version),
                kwargs={"code_id": new_code},
                key="qc_apply_code",
            )
        with change[1]:
            new_valence = valence_picker(
                t("condense.change_valence"), f"qc_new_val_{coding_id}", str(row["valence"])
            )
            st.button(
                t("condense.apply_valence"),
                disabled=new_valence == str(row["valence"]),
                on_click=_decide,
                args=(coding_id, version),
                kwargs={"valence": new_valence},
                key="qc_apply_valence",
            )
    st.caption(t("condense.shortcuts"))


def context(document_id: int, index: int) -> None:
    """The paragraphs before and after a segment, e.g. the question it answers."""
    segs = data.document_segments(document_id)
    near = segs.loc[(segs["segment_index"] >= index - 2) & (segs["segment_index"] <= index + 1)]
    text = data.document_text(document_id)
    blocks = [
        Block(
            int(s["start"]),
            int(s["end"]),
            review.segment_head(s),
            muted=int(s["segment_index"]) != index,
        )
        for s in near.to_dict("records")
    ]
    if blocks:
        render_html(document_html(text, blocks, [], start=blocks[0].start))


def _colour(code_id: str) -> str:
    from qualcode.ui.safe_html import safe_colour

    return safe_colour(widgets.code_colour(codebook, code_id))


# --------------------------------------------------------------------------- reading


def reading() -> None:
    doc_id = need_document()
    text = data.document_text(doc_id)
    segs = data.document_segments(doc_id)
    shown = data.cached("filtered", review.filtered, filters)
    blocks = [
        Block(
            start=int(s["start"]),
            end=int(s["end"]),
            head=review.segment_head(s),
            muted=not bool(s["codable"]),
            anchor=f"seg-{int(s['segment_id'])}",
        )
        for s in segs.to_dict("records")
    ]
    spans = [
        Span(
            start=int(c["start"]),
            end=int(c["end"]),
            code_id=str(c["code_id"]),
            label=widgets.code_name(codebook, str(c["code_id"])),
            colour=widgets.code_colour(codebook, str(c["code_id"])),
            detail=f"{widgets.valence_label(str(c['valence']))} · "
            f"{widgets.status_label(str(c['status']))}",
            tentative=c["status"] == "suggested",
        )
        for c in shown.to_dict("records")
    ]
    used = list(dict.fromkeys(s.code_id for s in spans))
    st.caption(t("condense.read_summary", n=len(spans), codes=len(used)))
    if used:
        render_html(legend((widgets.code_name(codebook, c), _colour(c)) for c in used))
    render_html(document_html(text, blocks, spans))


# --------------------------------------------------------------------------- manual coding


def manual() -> None:
    doc_id = need_document()
    text = data.document_text(doc_id)
    segs = data.document_segments(doc_id)
    segs = segs.loc[segs["codable"]]
    if segs.empty:
        st.info(t("condense.no_segments"))
        return
    rows = {int(r["segment_id"]): r for r in segs.to_dict("records")}
    segment_id = st.selectbox(
        t("condense.segment"),
        list(rows),
        format_func=lambda i: segment_option(rows[i]),
        key="qc_manual_segment",
    )
    seg = rows[int(segment_id)]
    seg_start, seg_end = int(seg["start"]), int(seg["end"])
    seg_text = text[seg_start:seg_end]
    passage = st.empty()
    how = st.radio(
        t("condense.select_how"),
        ["phrase", "range"],
        format_func=lambda h: t(f"condense.select_{h}"),
        horizontal=True,
        key=widgets.lkey("qc_manual_how"),
    )
    local: tuple[int, int] | None = None
    if how == "phrase":
        phrase = st.text_input(
            t("condense.phrase"), key=f"qc_phrase_{segment_id}", help=t("condense.phrase_help")
        )
        if phrase.strip():
            found = locate_phrase(seg_text, phrase)
            if not found:
                st.warning(t("condense.phrase_not_found"))
            elif len(found) == 1:
                local = found[0]
            else:
                which = st.selectbox(
                    t("condense.occurrence", n=len(found)),
                    range(len(found)),
                    format_func=lambda i: (
                        f"{i + 1}: …{seg_text[max(0, found[i][0] - 30) : found[i][1] + 30]}…"
                    ),
                    key=f"qc_occ_{segment_id}",
                )
                local = found[int(which)]
    else:
        a, b = st.slider(
            t("condense.range"),
            0,
            len(seg_text),
            (0, len(seg_text)),
            key=f"qc_range_{segment_id}",
            help=t("condense.range_help"),
        )
        if b > a:
            local = (int(a), int(b))
    span = (seg_start + local[0], seg_start + local[1]) if local else None
    selection = [Span(span[0], span[1], "_", t("condense.selection"), "#F59E0B")] if span else []
    render_html(
        document_html(
            text, [Block(seg_start, seg_end, review.segment_head(seg))], selection, start=seg_start
        ),
        passage,
    )
    if span is None:
        st.caption(t("condense.select_first"))
        return
    st.caption(t("condense.offsets", start=span[0], end=span[1], n=span[1] - span[0]))
    cols = st.columns([2, 2, 1])
    with cols[0]:
        code_id = code_picker(t("condense.code"), "qc_manual_code")
    with cols[1]:
        valence = valence_picker(t("condense.valence"), "qc_manual_valence")
    with cols[2]:
        st.write("")
        if st.button(t("condense.add_coding"), type="primary", width="stretch"):
            with widgets.reporting(project):
                project.add_coding(
                    doc_id, span[0], span[1], code_id, valence=valence, actor=state.actor()
                )
                state.flash(
                    "success",
                    t("condense.coding_added", code=widgets.code_name(codebook, code_id)),
                )
            st.rerun()
    mine = data.cached("manual_in", review.manual_codings_in, doc_id, seg_start, seg_end)
    if not mine.empty:
        st.markdown(f"**{t('condense.manual_here')}**")
        for c in mine.to_dict("records"):
            line = st.columns([6, 1])
            with line[0]:
                render_html(
                    tag(
                        "div",
                        f"{widgets.code_name(codebook, str(c['code_id']))} · "
                        f"{widgets.valence_label(str(c['valence']))}: “{c['text']}”",
                        cls="qc-muted",
                    )
                )
            if line[1].button(t("common.delete"), key=f"qc_del_coding_{c['coding_id']}"):
                with widgets.reporting(project):
                    project.delete_coding(int(c["coding_id"]), actor=state.actor())
                st.rerun()


# --------------------------------------------------------------------------- memos


def memos() -> None:
    doc_id = need_document()
    kinds = {"segment": "memo.on_segment", "code": "memo.on_code", "document": "memo.on_document"}
    kind = st.segmented_control(
        t("memo.target"),
        list(kinds),
        format_func=lambda k: t(kinds[k]),
        default="segment",
        required=True,
        key=widgets.lkey("qc_memo_kind"),
    )
    target: str
    if kind == "segment":
        segs = data.document_segments(doc_id)
        rows = {int(r["segment_id"]): r for r in segs.to_dict("records")}
        chosen = st.selectbox(
            t("condense.segment"),
            list(rows),
            format_func=lambda i: segment_option(rows[i]),
            key="qc_memo_segment",
        )
        target = str(chosen)
        render_html(tag("div", str(rows[int(chosen)]["text"]), cls="qc-passage"))
    elif kind == "code":
        target = code_picker(t("condense.code"), "qc_memo_code")
        definition = codebook.code(target).definition
        if definition:
            render_html(tag("div", definition, cls="qc-muted"))
    else:
        target = str(doc_id)
        render_html(tag("div", str(doc_rows[doc_id]["name"]), cls="qc-muted"))
    existing = [m for m in data.memos() if m.target_type == kind and m.target_id == target]
    for memo in existing:
        with st.container(border=True):
            title = st.text_input(t("memo.title"), memo.title, key=f"qc_memo_t_{memo.id}")
            body = st.text_area(t("memo.text"), memo.text, key=f"qc_memo_b_{memo.id}")
            st.caption(t("memo.by", author=md_escape(memo.author), when=memo.updated_at[:16]))
            left, right, _ = st.columns([1, 1, 4])
            if left.button(t("common.save"), key=f"qc_memo_s_{memo.id}"):
                with widgets.reporting(project):
                    project.save_memo(
                        kind, target, body, title=title, memo_id=memo.id, actor=state.actor()
                    )
                    state.flash("success", t("memo.saved"))
                st.rerun()
            if right.button(t("common.delete"), key=f"qc_memo_d_{memo.id}"):
                with widgets.reporting(project):
                    project.delete_memo(memo.id, actor=state.actor())
                st.rerun()
    with st.form(f"qc_new_memo_{kind}_{target}", clear_on_submit=True):
        st.markdown(f"**{t('memo.new')}**")
        title = st.text_input(t("memo.title"), key="qc_memo_new_title")
        body = st.text_area(t("memo.text"), key="qc_memo_new_text")
        if st.form_submit_button(t("memo.add"), type="primary"):
            if not body.strip():
                st.warning(t("memo.empty"))
            else:
                with widgets.reporting(project):
                    project.save_memo(kind, target, body, title=title, actor=state.actor())
                    state.flash("success", t("memo.saved"))
                st.rerun()


def memo_overview() -> None:
    """Every memo of the project, to find one again."""
    memos_ = data.memos()
    if not memos_:
        return
    cited = [
        int(m.target_id) for m in memos_ if m.target_type == "segment" and m.target_id.isdigit()
    ]
    segments = data.segments_of(cited).set_index("segment_id")

    def target_of(kind: str, target: str) -> str:
        if kind == "segment" and target.isdigit() and int(target) in segments.index:
            row = segments.loc[int(target)]
            return f"{row['document']} #{int(row['segment_index']) + 1}"
        if kind == "document" and target.isdigit() and int(target) in doc_rows:
            return str(doc_rows[int(target)]["name"])
        if kind == "code":
            return widgets.code_name(codebook, target)
        return target

    table = pd.DataFrame(
        [
            {
                "kind": t(f"memo.on_{m.target_type}")
                if m.target_type in MEMO_KINDS
                else m.target_type,
                "target": target_of(m.target_type, m.target_id),
                "title": m.title,
                "text": m.text,
                "author": m.author,
                "when": m.updated_at[:16].replace("T", " "),
            }
            for m in memos_
        ]
    )
    with st.expander(t("memo.all", n=len(table))):
        st.dataframe(
            widgets.labelled(
                table,
                {
                    "kind": "memo.target",
                    "target": "memo.about",
                    "title": "memo.title",
                    "text": "memo.text",
                    "author": "col.author",
                    "when": "col.when",
                },
            ),
            hide_index=True,
            width="stretch",
        )


MEMO_KINDS = ("segment", "code", "document")

if mode == "queue":
    review_queue()
elif mode == "read":
    reading()
elif mode == "manual":
    manual()
else:
    memos()
    memo_overview()
