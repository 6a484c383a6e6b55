"""The qualcode workbench: `qualcode app --project study.qualcode`, or
`QUALCODE_PROJECT=study.qualcode streamlit run app.py`.

One page a step of Miles & Huberman's interactive model, around a shared sidebar.
Pages only show and ask; every read and change goes through ``qualcode.service``.
"""

from __future__ import annotations

import streamlit as st

from qualcode.ui import widgets

st.set_page_config(page_title="qualcode", page_icon=":material/format_quote:", layout="wide")

PAGES = [
    st.Page("app_pages/proyek.py", title="Proyek", icon=":material/folder_open:", default=True),
    st.Page("app_pages/buku_kode.py", title="Buku kode", icon=":material/account_tree:"),
    st.Page("app_pages/kondensasi.py", title="Kondensasi", icon=":material/rate_review:"),
    st.Page("app_pages/penyajian.py", title="Penyajian", icon=":material/table_chart:"),
    st.Page("app_pages/kesimpulan.py", title="Kesimpulan", icon=":material/fact_check:"),
    st.Page("app_pages/ekspor.py", title="Ekspor", icon=":material/download:"),
]

page = st.navigation(PAGES)
widgets.sidebar()
page.run()
