"""The Buku kode page: the tree, editing with the loader's validation, words from a
passage, preview, new versions."""

from __future__ import annotations

import re

import pytest
from app_fixtures import markdown_text, no_exception, small_project, start_app

from qualcode.service import Project


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    return small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _history(path):
    with Project.open(path) as project:
        return project.codebook_history(), project.codebook


def test_page_shows_the_tree_and_the_first_code(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="buku_kode")
    no_exception(at)
    tree = at.dataframe[0].value
    assert "produktivitas" in set(tree["code_id"])
    html = markdown_text(at)
    assert "Produktivitas" in html and "Definisi" in html and "Kata kunci" in html


def test_editing_a_code_saves_a_new_codebook_version(project_path, monkeypatch):
    before, _ = _history(project_path)
    at = start_app(project_path, monkeypatch, page="buku_kode")
    area = at.text_area(key="qc_cb_keywords_produktivitas")
    area.input(area.value + "\nlemburan").run()
    no_exception(at)
    assert not at.error
    _button(at, "Simpan sebagai versi baru").click().run()
    no_exception(at)
    after, codebook = _history(project_path)
    assert len(after) == len(before) + 1
    assert "lemburan" in codebook.code("produktivitas").keywords
    assert any("disimpan" in s.value for s in at.success)


def test_invalid_input_names_the_field_and_blocks_saving(project_path, monkeypatch):
    before, _ = _history(project_path)
    at = start_app(project_path, monkeypatch, page="buku_kode")
    area = at.text_area(key="qc_cb_keywords_produktivitas")
    area.input(area.value + "\nkerja keras").run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any("Kolom Kata kunci" in e and "kerja keras" in e for e in errors), errors
    assert _button(at, "Simpan sebagai versi baru").disabled
    after, _ = _history(project_path)
    assert len(after) == len(before)


def test_a_new_code_is_added(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="buku_kode")
    picker = next(s for s in at.selectbox if s.label == "Kode yang dibuka")
    picker.set_value("__new__").run()
    at.text_input(key="qc_cb_id___new__").input("kepuasan_opd").run()
    at.text_input(key="qc_cb_name___new__").input("Kepuasan OPD").run()
    at.text_area(key="qc_cb_keywords___new__").input("puas\nkepuasan").run()
    no_exception(at)
    _button(at, "Simpan sebagai versi baru").click().run()
    no_exception(at)
    _, codebook = _history(project_path)
    assert codebook.code("kepuasan_opd").name == "Kepuasan OPD"


def test_preview_counts_segments_before_saving(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="buku_kode")
    area = at.text_area(key="qc_cb_keywords_produktivitas")
    area.input(area.value + "\nkoordinasi").run()
    _button(at, "Pratinjau").click().run()
    no_exception(at)
    info = [i.value for i in at.info if "menangkap" in i.value]
    assert info, [i.value for i in at.info]
    assert "baru" in info[0]
    before, _ = _history(project_path)
    assert len(before) == 1  # nothing saved


def test_words_from_a_passage_become_a_keyword(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="buku_kode")
    segment_id = at.selectbox(key="qc_cb_words_seg").value
    with Project.open(project_path) as project:
        text = project.segments_frame().set_index("segment_id").loc[segment_id, "text"]
        keywords = set(project.codebook.code("produktivitas").keywords)
    word = next(w for w in re.findall(r"[A-Za-z]{5,}", text) if w.lower() not in keywords)
    at.text_input(key="qc_cb_words").input(word).run()
    _button(at, "Tambahkan ke kode ini").click().run()
    no_exception(at)
    assert word.lower() in at.text_area(key="qc_cb_keywords_produktivitas").value.split("\n")
    at.text_input(key="qc_cb_words").input("kata yang tidak ada di sini").run()
    assert _button(at, "Tambahkan ke kode ini").disabled
    assert any("tidak ditemukan" in w.value for w in at.warning)


def test_the_version_history_lists_every_version(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="buku_kode")
    history = at.dataframe[-1].value
    assert len(history) == 1
    assert bool(history.iloc[0, -1]) is True  # the current version is marked
