"""The Penyajian page: matrices, the code network, frequencies and the concordance."""

from __future__ import annotations

import pytest
from app_fixtures import accept_all, markdown_text, no_exception, small_project, start_app

from qualcode.service import Project


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    path = small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")
    accept_all(path)
    return path


def test_code_by_informant_matrix_uses_code_names(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="penyajian")
    no_exception(at)
    table = at.dataframe[0].value
    assert "Produktivitas" in list(table.index)
    assert "Informan 1" in table.columns and "Informan 2" in table.columns
    with Project.open(project_path) as project:
        codings = project.codings_frame()
    expected = int(
        ((codings["code_id"] == "produktivitas") & (codings["informant"] == "Informan 1")).sum()
    )
    assert int(table.loc["Produktivitas", "Informan 1"]) == expected


@pytest.mark.parametrize(
    ("matrix", "column"),
    [
        ("code_source", "wawancara"),
        ("factor_valence", "penghambat"),
        ("framework", "Informan 1"),
    ],
)
def test_other_matrices_have_indonesian_labels(project_path, monkeypatch, matrix, column):
    at = start_app(project_path, monkeypatch, page="penyajian")
    at.selectbox(key="qc_d_matrix").set_value(matrix).run()
    no_exception(at)
    table = at.dataframe[0].value
    assert column in table.columns
    if matrix == "factor_valence":
        assert "Faktor Sistem" in list(table.index)
        assert "Produktivitas" not in list(table.index)


def test_network_and_the_segments_behind_a_node(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="penyajian")
    at.segmented_control(key="qc_d_view").set_value("network").run()
    no_exception(at)
    pick = at.selectbox(key="qc_d_net_pick")
    options = [o for o in pick.options if o != "(pilih)"]
    assert options
    pick.set_value(options[0]).run()
    no_exception(at)
    assert any(": " in s.value and "segmen" in s.value for s in at.subheader)
    html = markdown_text(at)
    assert "qc-quote" in html and "<script>" not in html


def test_frequency_charts(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="penyajian")
    at.segmented_control(key="qc_d_view").set_value("frequency").run()
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 2


def test_concordance_finds_derived_forms(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="penyajian")
    at.segmented_control(key="qc_d_view").set_value("kwic").run()
    at.text_input(key="qc_d_word").input("koordinasi").run()
    no_exception(at)
    rows = at.dataframe[0].value
    assert len(rows) > 0
    words = {w.lower() for w in rows.iloc[:, 1]}
    assert "koordinasi" in words
    assert len(words) >= 2  # e.g. koordinasinya, berkoordinasi


def test_a_framework_cell_summary_is_saved_as_a_memo(project_path, monkeypatch):
    with Project.open(project_path) as project:
        project.save_memo(
            "code",
            "produktivitas",
            "Target tercapai dengan lembur.",
            title="ringkasan: Informan 1",
            actor="penguji",
        )
    at = start_app(project_path, monkeypatch, page="penyajian")
    at.selectbox(key="qc_d_matrix").set_value("framework").run()
    no_exception(at)
    table = at.dataframe[0].value
    assert table.loc["Produktivitas", "Informan 1"] == "Target tercapai dengan lembur."
