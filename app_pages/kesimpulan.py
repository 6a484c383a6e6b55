"""Kesimpulan: write findings tied to the segments that support and contradict them,
and check each finding and each code for triangulation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from qualcode import analysis
from qualcode.model import SOURCE_TYPES, Conclusion
from qualcode.ui import review, state, widgets
from qualcode.ui.i18n import t
from qualcode.ui.safe_html import chip, join, quote, render_html, tag
from qualcode.ui.text import snippet

widgets.header("conclude.title", "conclude.caption")
data = widgets.require_data()
project = data.project
codebook = data.codebook
lang = widgets.lang()
conclusions = data.conclusions()
cited = {i for c in conclusions for i in (*c.supporting_segment_ids, *c.contradicting_segment_ids)}
segments = data.segments_of(cited)  # the segments the findings cite, not every segment
labels: dict[int, str] = {}
STATUS_SYMBOLS = {"triangulated": "✓", "single-source": "①", "contested": "⚖", "absent": "–"}
STATUS_ICONS = {
    "triangulated": ":material/verified:",
    "single-source": ":material/filter_1:",
    "contested": ":material/balance:",
    "unsupported": ":material/help:",
    "absent": ":material/remove:",
}


def status_text(status: str) -> str:
    return analysis.triangulation_label(status, lang)


def segment_labels(segments: pd.DataFrame) -> dict[int, str]:
    """Each segment as listed in a picker: "#12 Informan 2 · wawancara: Koordinasi…"."""
    sources = {kind: widgets.source_label(kind) for kind in SOURCE_TYPES}
    known = segments.loc[segments["segment_index"].notna()]
    out: dict[int, str] = {}
    for segment_id, index, informant, source, text in zip(
        known["segment_id"].tolist(),
        known["segment_index"].tolist(),
        known["informant"].astype(str).tolist(),
        known["source_type"].astype(str).tolist(),
        known["text"].tolist(),
        strict=True,
    ):
        who = " · ".join(x for x in (informant, sources.get(source, source)) if x)
        out[int(segment_id)] = f"#{int(index) + 1} {who}: {snippet(text, 90)}"
    return out


def choices_with_labels(
    frames: state.Data, codes: tuple[str, ...], statuses: tuple[str, ...], lang_: str
) -> tuple[pd.DataFrame, dict[int, str]]:
    """The segments to choose evidence from and the label of each, made once per
    version of the data (a label a segment, not a frame lookup a segment a run)."""
    choices = review.segment_choices(frames, codes, statuses)
    return choices, ({} if choices.empty else segment_labels(choices))


def segment_label(segment_id: int) -> str:
    if segment_id in labels:
        return labels[segment_id]
    return t("conclude.missing_segment", id=segment_id)


def evidence_line(side: dict[str, Any]) -> str:
    kinds = ", ".join(widgets.source_label(s) for s in side["source_types"]) or "-"
    return t(
        "conclude.evidence_line",
        n=side["n_segments"],
        kinds=kinds,
        informants=len(side["informants"]),
        documents=len(side["documents"]),
    )


def _triangulate(frames: state.Data, conclusion: Conclusion) -> dict[str, Any]:
    # the segments every finding cites: this finding's and others', read once
    return analysis.triangulate_conclusion(conclusion, frames.segments_of(cited))


tab_findings, tab_codes = st.tabs([t("conclude.tab_findings"), t("conclude.tab_codes")])

# --------------------------------------------------------------------------- findings

with tab_findings:
    editing: int | None = st.session_state.get("qc_c_edit")
    current = next((c for c in conclusions if c.id == editing), None)
    suffix = str(editing or "new")
    with st.expander(
        t("conclude.edit") if current else t("conclude.new"),
        expanded=current is not None or not conclusions,
        icon=":material/edit_note:",
    ):
        text = st.text_area(
            t("conclude.text"),
            value=current.text if current else "",
            key=f"qc_c_text_{suffix}",
            placeholder=t("conclude.text_placeholder"),
        )
        codable = widgets.codable_ids(codebook)
        codes = st.multiselect(
            t("conclude.codes"),
            codable,
            default=[c for c in (current.code_ids if current else ()) if c in codable],
            format_func=lambda c: widgets.code_name(codebook, c),
            key=widgets.lkey(f"qc_c_codes_{suffix}"),
            help=t("conclude.codes_help"),
            placeholder=t("conclude.choose_codes"),
        )
        cols = st.columns([3, 2])
        pick_codes = cols[0].multiselect(
            t("conclude.filter_codes"),
            codable,
            default=codes,
            format_func=lambda c: widgets.code_name(codebook, c),
            key=widgets.lkey(f"qc_c_pick_codes_{suffix}_{'-'.join(codes)}"),
            placeholder=t("common.all"),
        )
        pick_status = cols[1].multiselect(
            t("filter.statuses"),
            ["accepted", "manual", "suggested"],
            default=["accepted", "manual"],
            format_func=widgets.status_label,
            key=widgets.lkey(f"qc_c_status_{suffix}"),
            placeholder=t("common.all"),
        )
        choices, labels = data.cached(
            "segment_choices", choices_with_labels, tuple(pick_codes), tuple(pick_status), lang
        )
        supporting_now = list(current.supporting_segment_ids) if current else []
        contradicting_now = list(current.contradicting_segment_ids) if current else []
        options = list(
            dict.fromkeys(
                [*supporting_now, *contradicting_now, *(int(i) for i in choices["segment_id"])]
            )
        )
        unlabelled = [i for i in options if i not in labels]  # cited, not among the choices
        if unlabelled:
            labels = {**labels, **segment_labels(data.segments_of(unlabelled))}
        st.caption(t("conclude.choices", n=len(choices)))
        supporting = st.multiselect(
            t("conclude.supporting"),
            options,
            default=supporting_now,
            format_func=segment_label,
            key=widgets.lkey(f"qc_c_sup_{suffix}"),
            placeholder=t("conclude.choose_segments"),
        )
        contradicting = st.multiselect(
            t("conclude.contradicting"),
            [o for o in options if o not in supporting],
            default=[c for c in contradicting_now if c not in supporting],
            format_func=segment_label,
            key=widgets.lkey(f"qc_c_con_{suffix}"),
            placeholder=t("conclude.choose_segments"),
            help=t("conclude.contradicting_help"),
        )
        buttons = st.columns([1, 1, 4])
        if buttons[0].button(t("common.save"), type="primary", width="stretch"):
            if not text.strip():
                st.warning(t("conclude.text_required"))
            else:
                with widgets.reporting(project):
                    project.save_conclusion(
                        text.strip(),
                        code_ids=codes,
                        supporting=supporting,
                        contradicting=contradicting,
                        conclusion_id=current.id if current else None,
                        actor=state.actor(),
                    )
                    state.flash("success", t("conclude.saved"))
                    st.session_state.pop("qc_c_edit", None)
                st.rerun()
        if current and buttons[1].button(t("common.cancel"), width="stretch"):
            st.session_state.pop("qc_c_edit", None)
            st.rerun()

    if not conclusions:
        st.info(t("conclude.none"))
    for conclusion in conclusions:
        result = data.cached("triangulate", _triangulate, conclusion)
        status = str(result["status"])
        with st.container(border=True):
            head = st.columns([6, 2])
            with head[0]:
                render_html(tag("div", conclusion.text, cls="qc-finding"))
                if conclusion.code_ids:
                    render_html(
                        tag(
                            "div",
                            join(
                                chip(
                                    widgets.code_name(codebook, c), widgets.code_colour(codebook, c)
                                )
                                for c in conclusion.code_ids
                            ),
                            cls="qc-chips",
                        )
                    )
            head[1].badge(
                status_text(status),
                icon=STATUS_ICONS.get(status),
                color=(
                    "green"
                    if status == "triangulated"
                    else "orange"
                    if status == "contested"
                    else "gray"
                ),
            )
            st.caption(
                t("conclude.supported_by", line=evidence_line(result["supporting"]))
                + "  \n"
                + t("conclude.contradicted_by", line=evidence_line(result["contradicting"]))
            )
            with st.expander(t("conclude.evidence")):
                for side, ids in (
                    ("supporting", conclusion.supporting_segment_ids),
                    ("contradicting", conclusion.contradicting_segment_ids),
                ):
                    if ids:
                        st.markdown(f"**{t('conclude.' + side)}**")
                        rows = segments.loc[segments["segment_id"].isin(ids)]
                        for r in rows.to_dict("records"):
                            caption = " · ".join(
                                x
                                for x in (
                                    str(r["informant"]),
                                    widgets.source_label(str(r["source_type"])),
                                    str(r["document"]),
                                    f"#{int(r['segment_index']) + 1}",
                                )
                                if x
                            )
                            render_html(quote(str(r["text"]), caption))
                if result["missing_segment_ids"]:
                    st.warning(
                        t(
                            "conclude.missing",
                            ids=", ".join(str(i) for i in result["missing_segment_ids"]),
                        )
                    )
            actions = st.columns([1, 1, 6])
            if actions[0].button(t("common.edit"), key=f"qc_c_e_{conclusion.id}"):
                st.session_state["qc_c_edit"] = conclusion.id
                st.rerun()
            if actions[1].button(t("common.delete"), key=f"qc_c_d_{conclusion.id}"):
                with widgets.reporting(project):
                    project.delete_conclusion(conclusion.id, actor=state.actor())
                st.rerun()

# --------------------------------------------------------------------------- per code


def code_triangulation(frames: state.Data, statuses: tuple[str, ...], lang_: str) -> pd.DataFrame:
    chosen = review.filtered(frames, review.Filters(statuses=statuses))
    table = analysis.triangulate_codes(chosen, frames.codebook)
    codable = {c.id for c in frames.codebook.codes if c.codable}
    table = table.loc[
        table["code_id"].isin(codable) | ~table["code_id"].isin(frames.codebook.code_ids)
    ].copy()
    table["code_name"] = [widgets.code_name(frames.codebook, c) for c in table["code_id"]]
    table["status"] = table["status"].map(
        lambda s: f"{STATUS_SYMBOLS.get(s, '')} {analysis.triangulation_label(s, lang_)}".strip()
    )
    table["source_types"] = table["source_types"].map(
        lambda kinds: ", ".join(widgets.source_label(k) for k in kinds)
    )
    table["informants"] = table["informants"].map(", ".join)
    return table


with tab_codes:
    st.caption(t("conclude.codes_intro"))
    statuses = st.multiselect(
        t("filter.statuses"),
        ["accepted", "manual", "suggested"],
        default=["accepted", "manual"],
        format_func=widgets.status_label,
        key=widgets.lkey("qc_c_tri_status"),
        placeholder=t("common.all"),
    )
    table = data.cached("code_triangulation", code_triangulation, tuple(statuses), lang)
    st.dataframe(
        widgets.labelled(
            table,
            {
                "code_name": "col.code",
                "status": "conclude.status",
                "source_types": "col.source_types",
                "n_informants": "col.n_informants",
                "n_documents": "col.n_documents",
                "n_segments": "col.segments",
                "pendukung": "valence.pendukung",
                "penghambat": "valence.penghambat",
                "netral": "valence.netral",
                "informants": "col.informants",
            },
        ),
        hide_index=True,
        width="stretch",
    )
