"""The Proyek page: overview, upload with metadata, metadata edits, auto-coding, and
the shared sidebar (language switch, reviewer)."""

from __future__ import annotations

import pandas as pd
import pytest
from app_fixtures import APP, no_exception, small_project, start_app
from streamlit.testing.v1 import AppTest

from qualcode.service import Project
from qualcode.ui.importing import metadata_changes, upload_metadata

UPLOAD = (
    b"Peneliti: Bagaimana pelayanan e-office?\n\n"
    b"Informan 7: Pelayanan sudah cepat, tetapi server sering lambat saat akhir bulan.\n"
)


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    return small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")


def _documents(path):
    with Project.open(path) as project:
        return project.documents_frame()


def test_page_loads_with_counts_and_codebook(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch)
    no_exception(at)
    assert at.title[0].value == "Proyek"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Wawancara"] == "3"
    assert metrics["Observasi"] == "1"
    assert any("Buku kode:" in c.value for c in at.caption)


def test_upload_adds_a_document(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch)
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("wawancara-baru.txt", UPLOAD, "text/plain")).run()
    no_exception(at)
    next(b for b in at.button if b.label.startswith("Impor 1")).click().run()
    no_exception(at)
    documents = _documents(project_path)
    assert "wawancara-baru.txt" in set(documents["name"])
    assert any("1 dari 1 berkas diimpor" in s.value for s in at.success)
    result = at.dataframe[0].value
    assert list(result.iloc[:, 1]) == ["diimpor"]


def test_a_broken_upload_is_reported_not_raised(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch)
    before = len(_documents(project_path))
    uploader = at.get("file_uploader")[0]
    uploader.set_value(("rusak.docx", b"this is not a zip file", "application/octet-stream"))
    at.run()
    next(b for b in at.button if b.label.startswith("Impor 1")).click().run()
    no_exception(at)
    assert len(_documents(project_path)) == before
    assert any("0 dari 1 berkas diimpor, 1 gagal" in w.value for w in at.warning)
    assert list(at.dataframe[0].value.iloc[:, 1]) == ["gagal"]


def test_auto_coding_runs_and_reports(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch)
    at.checkbox[0].check()
    next(b for b in at.button if b.label == "Jalankan pengodean otomatis").click().run()
    no_exception(at)
    assert any("dokumen dikode" in s.value for s in at.success)


def test_language_switch_gives_english_labels(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch)
    at.segmented_control(key="qc_lang").set_value("en").run()
    no_exception(at)
    assert at.title[0].value == "Project"
    assert "Interview" in {m.label for m in at.metric}
    assert any(b.label == "Reload data" for b in at.sidebar.button)
    at.switch_page("app_pages/kondensasi.py")
    at.run()
    assert at.button(key="qc_accept").label == "Accept"


def test_opening_a_missing_project_explains_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_PROJECT", str(tmp_path / "tidak-ada.qualcode"))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    no_exception(at)
    assert any("tidak dapat dibuka" in e.value for e in at.error)
    at.switch_page("app_pages/kondensasi.py")
    at.run()
    no_exception(at)
    assert any("halaman Proyek" in i.value for i in at.info)


def test_create_a_project_from_the_page(tmp_path, monkeypatch):
    monkeypatch.delenv("QUALCODE_PROJECT", raising=False)
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    target = tmp_path / "baru.qualcode"
    at.text_input[0].input(str(target))
    at.text_input[1].input("Studi baru")
    next(b for b in at.button if b.label == "Buat proyek baru").click().run()
    no_exception(at)
    assert target.exists()
    with Project.open(target) as project:
        assert project.name == "Studi baru"
    assert any("dibuka" in s.value for s in at.success)


def test_upload_metadata_keeps_only_what_was_typed():
    row = {"file": "a.txt", "informant": " Informan 3 ", "role": "", "source_type": None}
    assert upload_metadata(row) == {"informant": "Informan 3"}
    dated = {**row, "date": pd.Timestamp("2024-03-14")}
    assert upload_metadata(dated)["date"] == "2024-03-14"


def test_metadata_changes_are_per_document_with_the_version_read():
    before = pd.DataFrame(
        {
            "document_id": [1, 2],
            "name": ["a.txt", "b.txt"],
            "informant": ["Informan 1", ""],
            "version": [3, 1],
        }
    )
    after = before.copy()
    after.loc[1, "informant"] = "Informan 2 "
    assert metadata_changes(before, after, ("name", "informant")) == [
        (2, {"informant": "Informan 2"}, 1)
    ]
