"""Ekspor: download what the exports produce (thesis document, tables, networks,
REFI-QDA), for the codes, informants, sources and statuses chosen."""

from __future__ import annotations

import io
from typing import Any

import streamlit as st

from qualcode.errors import QualcodeError
from qualcode.model import SOURCE_TYPES
from qualcode.ui import exports, review, widgets
from qualcode.ui.i18n import t

widgets.header("export.title", "export.caption")
data = widgets.require_data()
project = data.project
codebook = data.codebook

formats = exports.formats() or {}
if not formats:
    st.warning(t("export.missing"))
    st.stop()

fmt: str = st.selectbox(
    t("export.format"),
    list(formats),
    format_func=lambda f: formats[f][0],
    key="qc_x_fmt",
)
accepted = exports.options_of(fmt)

with st.container(border=True):
    st.markdown(f"**{t('export.options')}**")
    options: dict[str, Any] = {}
    cols = st.columns(2)
    if "codes" in accepted:
        chosen = cols[0].multiselect(
            t("filter.codes"),
            widgets.codable_ids(codebook),
            format_func=lambda c: widgets.code_name(codebook, c),
            key=widgets.lkey("qc_x_codes"),
            placeholder=t("common.all"),
        )
        if chosen:
            options["codes"] = chosen
    if "informants" in accepted:
        chosen = cols[1].multiselect(
            t("filter.informants"),
            review.informants(data.documents()),
            key="qc_x_inf",
            placeholder=t("common.all"),
        )
        if chosen:
            options["informants"] = chosen
    if "source_types" in accepted:
        chosen = cols[0].multiselect(
            t("filter.source_types"),
            list(SOURCE_TYPES),
            format_func=widgets.source_label,
            key=widgets.lkey("qc_x_src"),
            placeholder=t("common.all"),
        )
        if chosen:
            options["source_types"] = chosen
    if "statuses" in accepted:
        options["statuses"] = (
            cols[1].multiselect(
                t("filter.statuses"),
                ["accepted", "manual", "suggested", "rejected"],
                default=["accepted", "manual"],
                format_func=widgets.status_label,
                key=widgets.lkey("qc_x_status"),
                help=t("export.statuses_help"),
            )
            or None
        )
    if "pseudonymise" in accepted:
        options["pseudonymise"] = st.checkbox(
            t("export.pseudonymise"), key="qc_x_pseudo", help=t("export.pseudonymise_help")
        )
    if "window" in accepted:
        options["window"] = st.slider(
            t("display.window"), 0, 3, 0, key="qc_x_window", help=t("display.window_help")
        )
    options["language"] = widgets.lang()

label, mime, extension = formats[fmt]
request = (fmt, repr(sorted(options.items())), data.v.codings_key, data.v.memo, data.v.conclusion)
if st.button(t("export.make"), type="primary"):
    buffer = io.BytesIO()
    with st.spinner(t("export.making")):
        try:
            info = exports.run(project, fmt, buffer, options)
        except QualcodeError as exc:
            st.error(t("export.failed", error=str(exc)))
        else:
            warnings = [str(w) for w in getattr(info, "warnings", [])]
            counts = dict(getattr(info, "counts", {}) or {})
            st.session_state["qc_x_result"] = (request, buffer.getvalue(), warnings, counts)
result = st.session_state.get("qc_x_result")
if result and result[0] == request:
    payload: bytes = result[1]
    name = f"{project.name}.{extension.lstrip('.')}"
    st.success(
        t(
            "export.ready",
            name=name,
            size=f"{len(payload) / 1024:.0f} kB",
            codings=result[3].get("codings", 0),
            documents=result[3].get("documents", 0),
        )
    )
    for warning in result[2]:
        st.warning(warning)
    st.download_button(
        t("export.download", name=name),
        payload,
        file_name=name,
        mime=mime,
        icon=":material/download:",
        on_click="ignore",
    )
    if fmt in ("png", "svg"):
        st.image(payload if fmt == "png" else payload.decode("utf-8"), width="stretch")
elif result:
    st.caption(t("export.stale"))
