"""The Kesimpulan page: findings with supporting and contradicting segments, and
triangulation per finding and per code."""

from __future__ import annotations

import pytest
from app_fixtures import accept_all, markdown_text, no_exception, small_project, start_app

from qualcode.service import Project


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    path = small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")
    accept_all(path)
    return path


def _conclusions(path):
    with Project.open(path) as project:
        return project.conclusions()


def test_page_loads_with_the_code_triangulation(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kesimpulan")
    no_exception(at)
    table = at.dataframe[0].value
    assert "Triangulasi" in table.columns
    statuses = set(table["Triangulasi"])
    labels = ("terverifikasi", "satu sumber", "diperdebatkan", "tidak ada bukti")
    assert all(any(label in s for label in labels) for s in statuses), statuses


def test_save_a_conclusion_with_evidence(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kesimpulan")
    at.text_area(key="qc_c_text_new").input("Sistem e-office menghambat koordinasi.").run()
    at.multiselect(key="qc_c_codes_new").set_value(["faktor_sistem"]).run()
    with Project.open(project_path) as project:
        codings = project.codings_frame()
    coded = codings.loc[codings["code_id"] == "faktor_sistem", "segment_id"].dropna()
    ids = [int(i) for i in coded.unique()[:3]]
    assert len(ids) == 3
    supporting = at.multiselect(key="qc_c_sup_new")
    assert len(supporting.options) >= 3
    supporting.select(ids[0]).select(ids[1]).run()
    at.multiselect(key="qc_c_con_new").select(ids[2]).run()
    next(b for b in at.button if b.label == "Simpan").click().run()
    no_exception(at)

    saved = _conclusions(project_path)
    assert len(saved) == 1
    conclusion = saved[0]
    assert conclusion.text == "Sistem e-office menghambat koordinasi."
    assert conclusion.code_ids == ("faktor_sistem",)
    assert set(conclusion.supporting_segment_ids) == set(ids[:2])
    assert conclusion.contradicting_segment_ids == (ids[2],)
    html = markdown_text(at)
    assert "Sistem e-office menghambat koordinasi." in html
    assert any("Didukung: 2 segmen" in c.value for c in at.caption)


def test_edit_and_delete_a_conclusion(project_path, monkeypatch):
    with Project.open(project_path) as project:
        segments = project.segments_frame()
        first = int(segments.loc[segments["codable"], "segment_id"].iloc[0])
        project.save_conclusion("Temuan <i>awal</i>", supporting=[first], actor="penguji")
    at = start_app(project_path, monkeypatch, page="kesimpulan")
    html = markdown_text(at)
    assert "Temuan &lt;i&gt;awal&lt;/i&gt;" in html and "<i>awal" not in html
    conclusion_id = _conclusions(project_path)[0].id
    at.button(key=f"qc_c_e_{conclusion_id}").click().run()
    area = at.text_area(key=f"qc_c_text_{conclusion_id}")
    assert area.value == "Temuan <i>awal</i>"
    area.input("Temuan yang diperbaiki").run()
    next(b for b in at.button if b.label == "Simpan").click().run()
    no_exception(at)
    saved = _conclusions(project_path)
    assert [c.text for c in saved] == ["Temuan yang diperbaiki"]
    assert saved[0].supporting_segment_ids == (first,)

    at.button(key=f"qc_c_d_{conclusion_id}").click().run()
    no_exception(at)
    assert _conclusions(project_path) == []
