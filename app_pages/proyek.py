"""Proyek: open or create a project, import files with their metadata, edit the
metadata, run auto-coding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from qualcode.corpus import SUPPORTED_EXTENSIONS
from qualcode.errors import QualcodeError
from qualcode.model import SOURCE_TYPES
from qualcode.service import Project
from qualcode.ui import importing, state, widgets
from qualcode.ui.i18n import t
from qualcode.ui.safe_html import md_escape

widgets.header("project.title", "project.caption")

# --------------------------------------------------------------------------- open / create

project = state.current_project()
with st.expander(t("project.open_or_create"), expanded=project is None):
    with st.form("qc_open_form", border=False):
        path = st.text_input(
            t("project.path"), value=state.project_path(), placeholder="studi.qualcode"
        )
        name = st.text_input(t("project.name_new"), help=t("project.name_new_help"))
        left, right = st.columns(2)
        do_open = left.form_submit_button(t("project.open"), width="stretch")
        do_create = right.form_submit_button(t("project.create"), width="stretch")
    if do_open or do_create:
        target = path.strip()
        if not target:
            st.error(t("project.path_required"))
        else:
            try:
                if do_create:
                    Project.create(target, name=name.strip() or None, actor=state.actor()).close()
                state.open_project(target)
            except QualcodeError as exc:
                st.error(t("project.open_failed", error=str(exc)))
            else:
                state.set_project_path(target)
                state.flash("success", t("project.opened", path=target))
                st.rerun()

data = widgets.require_data()
project = data.project
codebook = data.codebook

# --------------------------------------------------------------------------- overview

documents = data.documents()
by_type = documents["source_type"].value_counts()
cols = st.columns(4)
for col, kind in zip(cols, SOURCE_TYPES, strict=False):
    col.metric(widgets.source_label(kind).capitalize(), int(by_type.get(kind, 0)))
cols[3].metric(t("project.informants"), data.cached("sidebar_counts", widgets.counts)["informants"])
st.caption(
    t(
        "project.codebook_line",
        name=md_escape(codebook.name),
        version=md_escape(codebook.version),
        n=sum(c.codable for c in codebook.codes),
    )
)

tab_import, tab_meta, tab_code = st.tabs(
    [t("project.tab_import"), t("project.tab_metadata"), t("project.tab_code")]
)

# --------------------------------------------------------------------------- import

with tab_import:
    st.write(t("project.import_intro"))
    uploads = st.file_uploader(
        t("project.files"),
        type=sorted(ext.lstrip(".") for ext in SUPPORTED_EXTENSIONS),
        accept_multiple_files=True,
        key=f"qc_uploads_{st.session_state.get('qc_upload_round', 0)}",
    )
    if uploads:
        st.caption(t("project.metadata_intro"))
        rows = pd.DataFrame(
            {
                "file": [u.name for u in uploads],
                "informant": [""] * len(uploads),
                "role": [""] * len(uploads),
                "source_type": [""] * len(uploads),
                "date": [None] * len(uploads),
            }
        )
        edited = st.data_editor(
            rows,
            hide_index=True,
            width="stretch",
            disabled=["file"],
            key="qc_upload_meta",
            column_config={
                "file": st.column_config.TextColumn(t("col.file")),
                "informant": st.column_config.TextColumn(
                    t("col.informant"), help=t("project.informant_help")
                ),
                "role": st.column_config.TextColumn(t("col.role")),
                "source_type": st.column_config.SelectboxColumn(
                    t("col.source_type"),
                    options=["", *SOURCE_TYPES],
                    format_func=lambda v: (
                        widgets.source_label(str(v)) if v else t("project.from_file")
                    ),
                    help=t("project.source_type_help"),
                ),
                "date": st.column_config.DateColumn(t("col.date"), format="YYYY-MM-DD"),
            },
        )
        if st.button(t("project.import", n=len(uploads)), type="primary"):
            imported = []
            import_bar = st.progress(0.0)
            for i, (upload, meta) in enumerate(
                zip(uploads, edited.to_dict("records"), strict=True), start=1
            ):
                result = project.import_upload(
                    upload.getvalue(), upload.name, metadata=importing.upload_metadata(meta)
                )
                imported.append(vars(result))
                import_bar.progress(i / len(uploads), text=upload.name)
            st.session_state["qc_import_results"] = imported
            st.session_state["qc_upload_round"] = st.session_state.get("qc_upload_round", 0) + 1
            st.rerun()
    results: list[dict[str, Any]] | None = st.session_state.get("qc_import_results")
    if results:
        st.subheader(t("project.import_result"))
        frame = pd.DataFrame(results)
        frame["status"] = frame["status"].map(lambda s: t(f"import.{s}"))
        frame["source_type"] = frame["source_type"].map(
            lambda s: widgets.source_label(s) if s else ""
        )
        frame["path"] = frame["path"].map(lambda p: Path(str(p)).name)
        n_ok = sum(r["status"] == "imported" for r in results)
        n_err = sum(r["status"] == "error" for r in results)
        (st.success if not n_err else st.warning)(
            t("project.import_summary", ok=n_ok, errors=n_err, total=len(results))
        )
        st.dataframe(
            widgets.labelled(
                frame,
                {
                    "path": "col.file",
                    "status": "col.status",
                    "source_type": "col.source_type",
                    "segments": "col.segments",
                    "message": "col.message",
                },
            ),
            hide_index=True,
            width="stretch",
        )
        if n_ok:
            st.info(t("project.now_code"))

# --------------------------------------------------------------------------- metadata

with tab_meta:
    if documents.empty:
        st.info(t("project.no_documents"))
    else:
        st.caption(t("project.metadata_edit_intro"))
        editable = list(importing.DOCUMENT_FIELDS)
        shown = documents.loc[:, ["document_id", *editable, "n_chars", "version"]].copy()
        edited_docs = st.data_editor(
            shown,
            hide_index=True,
            width="stretch",
            height=min(35 * (len(shown) + 1) + 3, 640),
            disabled=["document_id", "n_chars", "version"],
            column_order=["document_id", *editable, "n_chars"],
            key=f"qc_doc_editor_{data.v.document}",
            column_config={
                "document_id": st.column_config.NumberColumn("ID", width="small"),
                "name": st.column_config.TextColumn(t("col.document")),
                "source_type": st.column_config.SelectboxColumn(
                    t("col.source_type"),
                    options=list(SOURCE_TYPES),
                    format_func=lambda v: widgets.source_label(str(v)),
                    required=True,
                ),
                "informant": st.column_config.TextColumn(t("col.informant")),
                "role": st.column_config.TextColumn(t("col.role")),
                "date": st.column_config.TextColumn(t("col.date"), help="YYYY-MM-DD"),
                "place": st.column_config.TextColumn(t("col.place")),
                "title": st.column_config.TextColumn(t("col.title")),
                "n_chars": st.column_config.NumberColumn(t("col.chars"), format="%d"),
            },
        )
        if st.button(t("project.save_metadata"), type="primary"):
            changed = 0
            for document_id, changes, version in importing.metadata_changes(shown, edited_docs):
                with widgets.reporting(project):
                    project.update_document(
                        document_id, changes, actor=state.actor(), expected_version=version
                    )
                    changed += 1
            if changed:
                state.flash("success", t("project.metadata_saved", n=changed))
            st.rerun()

# --------------------------------------------------------------------------- auto-coding

with tab_code:
    st.write(t("project.code_intro"))
    force = st.checkbox(t("project.force"), help=t("project.force_help"))
    if st.button(t("project.run_coding"), type="primary", disabled=documents.empty):
        bar = st.progress(0.0, text=t("project.coding_start"))

        def progress(done: int, total: int, name: str) -> None:
            bar.progress(done / max(total, 1), text=t("project.coding_at", done=done, total=total))

        try:
            coding = project.code(progress=progress, force=force)
        except QualcodeError as exc:
            st.error(t("common.refused", error=str(exc)))
        else:
            state.bump_epoch(project)
            st.session_state["qc_coding_report"] = vars(coding)
            st.rerun()
    report: dict[str, Any] | None = st.session_state.get("qc_coding_report")
    if report:
        st.success(
            t(
                "project.coding_report",
                documents=report["documents"],
                skipped=report["skipped"],
                segments=report["segments"],
                added=report["added"],
                updated=report["updated"],
                removed=report["removed"],
                kept=report["kept"],
            )
        )
        if report["codes_in_scope"]:
            st.caption(
                t(
                    "project.codes_in_scope",
                    codes=", ".join(
                        md_escape(widgets.code_name(codebook, c)) for c in report["codes_in_scope"]
                    ),
                )
            )
        st.page_link(
            "app_pages/kondensasi.py", label=t("project.go_review"), icon=":material/rate_review:"
        )
