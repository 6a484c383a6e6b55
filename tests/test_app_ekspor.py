"""The Ekspor page: every format offered, a file made and offered for download."""

from __future__ import annotations

import pytest
from app_fixtures import accept_all, no_exception, small_project, start_app

from qualcode.ui import exports


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    path = small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")
    accept_all(path, every=2)
    return path


def test_page_offers_every_export_format(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="ekspor")
    no_exception(at)
    formats = exports.formats()
    assert formats is not None
    assert list(at.selectbox(key="qc_x_fmt").options) == [v[0] for v in formats.values()]


@pytest.mark.parametrize("fmt", ["docx", "csv", "png"])
def test_a_file_is_made_for_download(project_path, monkeypatch, fmt):
    at = start_app(project_path, monkeypatch, page="ekspor")
    at.selectbox(key="qc_x_fmt").set_value(fmt).run()
    at.checkbox(key="qc_x_pseudo").check().run()
    next(b for b in at.button if b.label == "Buat berkas").click().run()
    no_exception(at)
    assert any("siap" in s.value for s in at.success), [e.value for e in at.error]
    downloads = at.get("download_button")
    assert len(downloads) == 1


def test_missing_export_module_gives_a_clear_message(project_path, monkeypatch):
    monkeypatch.setattr(exports, "formats", lambda: None)
    at = start_app(project_path, monkeypatch, page="ekspor")
    no_exception(at)
    assert any("belum terpasang" in w.value for w in at.warning)
