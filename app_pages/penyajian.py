"""Penyajian: matrices, the code co-occurrence network, frequencies and the
keyword-in-context concordance (Miles & Huberman's data display)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from qualcode import analysis
from qualcode.model import SOURCE_TYPES
from qualcode.ui import display, review, state, widgets
from qualcode.ui.i18n import t
from qualcode.ui.safe_html import md_escape, quote, render_html

widgets.header("display.title", "display.caption")
data = widgets.require_data()
project = data.project
codebook = data.codebook
lang = widgets.lang()
documents = data.documents()
SUMMARY_PREFIX = "ringkasan: "

with st.container(border=True):
    cols = st.columns([3, 2, 3])
    statuses = cols[0].multiselect(
        t("filter.statuses"),
        ["accepted", "manual", "suggested", "rejected"],
        default=["accepted", "manual"],
        format_func=widgets.status_label,
        key=widgets.lkey("qc_d_status"),
        placeholder=t("common.all"),
        help=t("display.status_help"),
    )
    sources = cols[1].multiselect(
        t("filter.source_types"),
        list(SOURCE_TYPES),
        format_func=widgets.source_label,
        key=widgets.lkey("qc_d_src"),
        placeholder=t("common.all"),
    )
    informants = cols[2].multiselect(
        t("filter.informants"),
        review.informants(documents),
        key="qc_d_inf",
        placeholder=t("common.all"),
    )
filters = review.Filters(
    statuses=tuple(statuses), source_types=tuple(sources), informants=tuple(informants)
)
codings = data.cached("filtered", review.filtered, filters)
if codings.empty:
    st.info(t("display.no_codings"))

VIEWS = {
    "matrix": "display.view_matrix",
    "network": "display.view_network",
    "frequency": "display.view_frequency",
    "kwic": "display.view_kwic",
}
view = widgets.view_switcher("display.view", VIEWS, default="matrix", key="qc_d_view")


def code_label(code_id: str) -> str:
    return widgets.code_name(codebook, code_id)


def quotes(rows: pd.DataFrame, limit: int = 30) -> None:
    """The passages behind a selection, each with its source."""
    for r in rows.head(limit).to_dict("records"):
        caption = " · ".join(
            x
            for x in (
                str(r.get("informant") or ""),
                widgets.source_label(str(r.get("source_type") or "")),
                str(r.get("document") or ""),
                f"#{int(r['segment_index']) + 1}" if not pd.isna(r.get("segment_index")) else "",
            )
            if x
        )
        render_html(quote(str(r.get("text", "")), caption, r.get("colour")))
    if len(rows) > limit:
        st.caption(t("display.more", n=len(rows) - limit))


# --------------------------------------------------------------------------- matrices

MATRICES = {
    "code_informant": "display.m_code_informant",
    "code_source": "display.m_code_source",
    "factor_valence": "display.m_factor_valence",
    "framework": "display.m_framework",
}
COUNTS = {
    "codings": "display.count_codings",
    "segments": "display.count_segments",
    "informants": "display.count_informants",
}


def summaries(frames: state.Data) -> dict[tuple[str, str], str]:
    """Written summaries of framework-matrix cells: memos on a code titled
    "ringkasan: <informant>"."""
    out: dict[tuple[str, str], str] = {}
    for memo in frames.memos():
        if memo.target_type == "code" and memo.title.lower().startswith(SUMMARY_PREFIX):
            out[(memo.target_id, memo.title[len(SUMMARY_PREFIX) :].strip())] = memo.text
    return out


def matrix(
    frames: state.Data, filters_: review.Filters, kind: str, count: str, lang_: str
) -> tuple[pd.DataFrame, list[str]]:
    """The labelled matrix and the code id of each of its rows."""
    chosen = review.filtered(frames, filters_)
    book = frames.codebook
    if kind == "code_informant":
        table = analysis.code_by_informant(chosen, book, count=count)  # type: ignore[arg-type]
        column_kind, labels, title = None, None, t("col.code")
    elif kind == "code_source":
        table = analysis.code_by_source_type(chosen, book, count=count)  # type: ignore[arg-type]
        column_kind, labels, title = "source_type", None, t("col.code")
    elif kind == "factor_valence":
        table = analysis.factor_by_valence(chosen, book, "mahmudi", count=count)  # type: ignore[arg-type]
        column_kind, labels, title = "valence", {"total": t("display.total")}, t("display.factor")
    else:
        table = analysis.framework_matrix(
            chosen,
            book,
            rows="code",
            cols="informant",
            max_quotes=3,
            summaries=summaries(frames),
            lang=lang_,
        )
        column_kind, labels, title = None, None, t("col.code")
    labelled = display.label_matrix(
        table, book, lang_, column_kind=column_kind, index_title=title, column_labels=labels
    )
    return labelled, display.matrix_codes(table, book)


def show_matrices() -> None:
    cols = st.columns([3, 3])
    kind = cols[0].selectbox(
        t("display.matrix"),
        list(MATRICES),
        format_func=lambda m: t(MATRICES[m]),
        key=widgets.lkey("qc_d_matrix"),
    )
    count = "codings"
    if kind != "framework":
        count = str(
            cols[1].radio(
                t("display.count"),
                list(COUNTS),
                format_func=lambda c: t(COUNTS[c]),
                horizontal=True,
                key=widgets.lkey("qc_d_count"),
            )
        )
    table, row_codes = data.cached("matrix", matrix, filters, kind, count, lang)
    st.caption(t(f"{MATRICES[kind]}_help"))
    if kind != "framework":
        st.dataframe(table, width="stretch")
        return
    picked = st.dataframe(
        table,
        width="stretch",
        height=600,
        row_height=96,
        on_select="rerun",
        selection_mode="single-cell",
        key="qc_d_fw",
        column_config={c: st.column_config.TextColumn(c, width="large") for c in table.columns},
    )
    cells = picked.selection.cells if hasattr(picked, "selection") else []
    if not cells:
        st.caption(t("display.fw_pick"))
        return
    row_pos, informant = cells[0]
    code_id = row_codes[int(row_pos)]
    st.subheader(f"{md_escape(code_label(code_id))} · {md_escape(informant)}")
    cell = data.cached(
        "filtered",
        review.filtered,
        review.Filters(
            statuses=filters.statuses,
            source_types=filters.source_types,
            codes=(code_id,),
            informants=(str(informant),),
        ),
    )
    quotes(cell)
    existing = summaries(data).get((code_id, str(informant)), "")
    memo_id = next(
        (
            m.id
            for m in data.memos()
            if m.target_type == "code"
            and m.target_id == code_id
            and m.title.lower() == f"{SUMMARY_PREFIX}{informant}".lower()
        ),
        None,
    )
    with st.form(f"qc_summary_{code_id}_{informant}"):
        text = st.text_area(t("display.summary"), existing, help=t("display.summary_help"))
        if st.form_submit_button(t("common.save"), type="primary"):
            with widgets.reporting(project):
                project.save_memo(
                    "code",
                    code_id,
                    text,
                    title=f"{SUMMARY_PREFIX}{informant}",
                    memo_id=memo_id,
                    actor=state.actor(),
                )
                state.flash("success", t("display.summary_saved"))
            st.rerun()


# --------------------------------------------------------------------------- network


def network(
    frames: state.Data, filters_: review.Filters, window: int, min_count: int
) -> dict[str, Any]:
    graph = analysis.cooccurrence_graph(
        review.filtered(frames, filters_), frames.codebook, window=window, min_count=min_count
    )
    positions = analysis.graph_to_plot_positions(graph, seed=0)
    nodes, edges = display.network_frames(graph, positions)
    edge_list: list[dict[str, Any]] = [
        {"a": str(a), "b": str(b), "weight": int(d["weight"]), "segments": list(d["segment_ids"])}
        for a, b, d in graph.edges(data=True)
    ]
    edge_list.sort(key=lambda e: -int(e["weight"]))
    return {"nodes": nodes, "edges": edges, "edge_list": edge_list}


def show_network() -> None:
    pick_key = widgets.lkey("qc_d_net_pick")
    cols = st.columns(2)
    window = cols[0].slider(
        t("display.window"), 0, 3, 0, key="qc_d_window", help=t("display.window_help")
    )
    min_count = cols[1].slider(t("display.min_count"), 1, 10, 1, key="qc_d_min_count")
    net = data.cached("network", network, filters, int(window), int(min_count))
    nodes: pd.DataFrame = net["nodes"]
    if nodes.empty:
        st.info(t("display.network_empty"))
        return
    titles = {
        "code": t("col.code"),
        "weight": t("display.weight"),
        "frequency": t("display.frequency"),
        "informants": t("col.informants"),
    }
    options: list[str] = [f"node:{c}" for c in nodes["code_id"]] + [
        f"edge:{e['a']}|{e['b']}" for e in net["edge_list"]
    ]
    weights = {f"edge:{e['a']}|{e['b']}": e["weight"] for e in net["edge_list"]}

    def option_label(option: str) -> str:
        kind, value = option.split(":", 1)
        if kind == "node":
            return code_label(value)
        a, b = value.split("|")
        return f"{code_label(a)} ↔ {code_label(b)} ({weights[option]})"

    chosen = st.session_state.get(pick_key)
    selected = set()
    if chosen and chosen.startswith("node:"):
        selected = {chosen[5:]}
    elif chosen and chosen.startswith("edge:"):
        selected = set(chosen[5:].split("|"))
    event = st.altair_chart(
        display.network_chart(nodes, net["edges"], selected=selected, titles=titles),
        on_select="rerun",
        selection_mode="node",
        key="qc_d_net_chart",
        width="stretch",
    )
    points = event.selection.get("node", []) if event else []
    clicked = str(points[0].get("code_id") or "") if points else ""
    if clicked != st.session_state.get("qc_d_net_click", ""):
        st.session_state["qc_d_net_click"] = clicked
        if clicked:
            st.session_state[pick_key] = f"node:{clicked}"
            st.rerun()
    st.caption(t("display.network_help"))
    pick = st.selectbox(
        t("display.explore"),
        [None, *options],
        format_func=lambda o: t("display.explore_none") if o is None else option_label(o),
        key=pick_key,
    )
    if not pick:
        return
    kind, value = pick.split(":", 1)
    if kind == "node":
        rows = codings.loc[codings["code_id"] == value].drop_duplicates("segment_id")
        st.subheader(t("display.node_segments", code=md_escape(code_label(value)), n=len(rows)))
    else:
        a, b = value.split("|")
        edge = next(e for e in net["edge_list"] if e["a"] == a and e["b"] == b)
        segments = data.segments_of(i for i in edge["segments"] if not pd.isna(i))
        rows = segments.loc[segments["segment_id"].isin(edge["segments"])]
        st.subheader(
            t(
                "display.edge_segments",
                a=md_escape(code_label(a)),
                b=md_escape(code_label(b)),
                n=len(rows),
            )
        )
    quotes(rows)


# --------------------------------------------------------------------------- frequency


def show_frequency() -> None:
    if codings.empty:
        return
    titles = {
        "count": t("display.count_codings"),
        "valence": t("col.valence"),
        "name": t("col.name"),
    }
    left, right = st.columns(2)
    with left:
        st.subheader(t("display.by_code"))
        st.altair_chart(
            display.frequency_chart(
                codings,
                "code_id",
                names=code_label,
                valence_label=widgets.valence_label,
                titles=titles,
                order=[c.id for c in codebook.codes if c.codable],
            ),
            width="stretch",
        )
    with right:
        st.subheader(t("display.by_informant"))
        st.altair_chart(
            display.frequency_chart(
                codings,
                "informant",
                names=str,
                valence_label=widgets.valence_label,
                titles=titles,
                order=review.informants(documents),
            ),
            width="stretch",
        )


# --------------------------------------------------------------------------- concordance


def concordance(
    frames: state.Data,
    word: str,
    width: int,
    sources_: tuple[str, ...],
    informants_: tuple[str, ...],
) -> pd.DataFrame:
    segments = frames.segments()
    if sources_:
        segments = segments.loc[segments["source_type"].isin(sources_)]
    if informants_:
        segments = segments.loc[segments["informant"].isin(informants_)]
    return analysis.kwic(segments, word, root=state.root_function(), width=width)


def show_kwic() -> None:
    cols = st.columns([3, 1])
    word = cols[0].text_input(t("display.word"), key="qc_d_word", help=t("display.word_help"))
    width = cols[1].number_input(t("display.context"), 20, 200, 60, 10, key="qc_d_width")
    if not word.strip():
        st.caption(t("display.kwic_intro"))
        return
    rows = data.cached(
        "kwic", concordance, word.strip(), int(width), tuple(sources), tuple(informants)
    )
    st.caption(t("display.kwic_found", n=len(rows), word=word.strip()))
    if rows.empty:
        return
    st.dataframe(
        widgets.labelled(
            rows,
            {
                "left": "display.left",
                "match": "display.match",
                "right": "display.right",
                "informant": "col.informant",
                "document": "col.document",
            },
        ),
        hide_index=True,
        width="stretch",
        height=520,
        column_config={
            t("display.left"): st.column_config.TextColumn(width="medium", alignment="right"),
            t("display.match"): st.column_config.TextColumn(width="small", alignment="center"),
            t("display.right"): st.column_config.TextColumn(width="medium"),
        },
    )


if view == "matrix":
    show_matrices()
elif view == "network":
    show_network()
elif view == "frequency":
    show_frequency()
else:
    show_kwic()
