"""The frames the app reads, and how it keeps them: the same rows as a plain SQL join,
the sidebar's counts from the database equal to counts from the frames, and every
write shown on the next run (the cached frames are keyed by the project's data
version)."""

from __future__ import annotations

import pandas as pd
import pytest
from app_fixtures import accept_all, no_exception, small_project, start_app
from sqlalchemy import text

from qualcode.service import CODING_COLUMNS, SEGMENT_COLUMNS, Project
from qualcode.store import records as rec

# The frames as one SQL join computes them (each span cut from its document's text).
JOINED_SEGMENTS = """
SELECT s.id AS segment_id, s.document_id, d.name AS document, d.source_type, d.informant,
       d.role, d.date, s.idx AS segment_index, s.start, s."end",
       substr(d.text, s.start + 1, s."end" - s.start) AS text,
       s.speaker, s.speaker_role, s.codable, s.timestamp
FROM segments s JOIN documents d ON d.id = s.document_id
ORDER BY s.document_id, s.idx
"""
JOINED_CODINGS = """
SELECT c.id AS coding_id, c.document_id, d.name AS document, d.source_type, d.informant,
       d.role, d.date, c.segment_id, s.idx AS segment_index, c.start, c."end",
       substr(d.text, c.start + 1, c."end" - c.start) AS text, c.code_id,
       coalesce(k.name, c.code_id) AS code_name, coalesce(k.framework, '') AS framework,
       coalesce(k.parent, '') AS parent, c.valence, c.score, c.status, c.origin, c.coder,
       c.evidence_json, c.version, c.updated_at
FROM codings c JOIN documents d ON d.id = c.document_id
LEFT JOIN segments s ON s.id = c.segment_id
LEFT JOIN codes k ON k.id = c.code_id
ORDER BY c.document_id, c.start, c.id
"""


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    return small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")


@pytest.fixture()
def reviewed(project_path):
    """The small project with decisions of every kind: accepted, rejected, a code
    changed, a coding made by hand (outside the segments' own spans)."""
    with Project.open(project_path) as project:
        codings = project.codings_frame()
        suggested = codings.loc[codings["status"] == "suggested"]
        first, second, third = (int(i) for i in suggested["coding_id"].iloc[:3])
        project.accept(first, actor="penguji")
        project.reject(second, actor="penguji")
        other = next(c.id for c in project.codebook.codes if c.codable)
        project.decide(third, actor="penguji", code_id=other)
        row = codings.iloc[0]
        project.add_coding(int(row["document_id"]), int(row["start"]), int(row["start"]) + 5, other)
    return project_path


def _joined(project: Project, sql: str, columns: list[str]) -> pd.DataFrame:
    with project.db.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(text(sql))]
    return pd.DataFrame(rows, columns=columns)


def test_frames_equal_the_sql_join(reviewed):
    with Project.open(reviewed) as project:
        segments = _joined(project, JOINED_SEGMENTS, SEGMENT_COLUMNS)
        segments["codable"] = segments["codable"].astype(bool)
        pd.testing.assert_frame_equal(project.segments_frame(), segments, check_exact=True)

        codings = _joined(project, JOINED_CODINGS, CODING_COLUMNS)
        for column in ("segment_id", "segment_index"):
            codings[column] = codings[column].astype("Int64")
        frame = project.codings_frame()
        assert (frame["origin"] == "human").any()
        pd.testing.assert_frame_equal(frame, codings, check_exact=True)


def test_frames_of_an_empty_project(tmp_path):
    with Project.create(tmp_path / "kosong.qualcode") as project:
        assert list(project.segments_frame().columns) == SEGMENT_COLUMNS
        assert list(project.codings_frame().columns) == CODING_COLUMNS
        assert project.segments_frame(document_id=1).empty
        assert project.coded_units() == []
        assert project.review_counts() == {"documents": 0, "informants": 0}


def test_codings_without_evidence_and_the_evidence_of_one(reviewed):
    with Project.open(reviewed) as project:
        full = project.codings_frame()
        light = project.codings_frame(evidence=False)
        pd.testing.assert_frame_equal(light, full.drop(columns=["evidence_json"]))
        for row in full.head(5).itertuples():
            assert project.coding_evidence(int(row.coding_id)) == row.evidence_json
        assert project.coding_evidence(10**9) == "[]"


def test_one_documents_segments_equal_its_rows_of_the_whole_frame(reviewed):
    with Project.open(reviewed) as project:
        every = project.segments_frame()
        for document_id in every["document_id"].unique():
            own = project.segments_frame(document_id=int(document_id))
            expected = every.loc[every["document_id"] == document_id].reset_index(drop=True)
            pd.testing.assert_frame_equal(own, expected)


def test_chosen_segments_equal_their_rows_of_the_whole_frame(reviewed):
    with Project.open(reviewed) as project:
        every = project.segments_frame()
        chosen = [int(i) for i in every["segment_id"].iloc[::3]]
        some = project.segments_frame(segment_ids=[*reversed(chosen), 10**9])
        expected = every.loc[every["segment_id"].isin(chosen)].reset_index(drop=True)
        pd.testing.assert_frame_equal(some, expected)
        assert project.segments_frame(segment_ids=[]).empty


def test_data_versions_follow_the_audit_log(reviewed):
    with Project.open(reviewed) as project:
        log = project.audit_log(limit=10_000)
        assert project.data_version() == int(log["id"].max())
        newest = log.groupby("entity")["id"].max()
        assert project.entity_versions() == {str(k): int(v) for k, v in newest.items()}


def test_counts_by_sql_equal_counts_from_the_frames(reviewed):
    with Project.open(reviewed) as project:
        found = project.review_counts()
        documents = project.documents_frame()
        codings = project.codings_frame()
        with project.db.read() as conn:
            assert rec.review_counts(conn) == found
    assert found["documents"] == len(documents)
    assert found["informants"] == documents.loc[documents["informant"] != "", "informant"].nunique()
    by_status = codings["status"].value_counts()
    assert {k: v for k, v in found.items() if k not in ("documents", "informants")} == {
        str(k): int(v) for k, v in by_status.items()
    }
    assert found["accepted"] >= 1 and found["rejected"] == 1 and found["manual"] == 1


def test_coded_units_equal_the_units_of_the_frame(reviewed):
    with Project.open(reviewed) as project:
        codings = project.codings_frame()
        units = project.coded_units()
    live = codings.loc[codings["status"] != "rejected"]
    expected = {
        (str(row.code_id), str(row.segment_id))
        if not pd.isna(row.segment_id)
        else (str(row.code_id), f"{row.document_id}:{row.start}")
        for row in live.itertuples()
    }
    assert len(units) == len(set(units))
    assert set(units) == expected


def _sidebar(at) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.sidebar.get("metric")}


def _no_codings(at) -> bool:
    return any(str(i.value).startswith("Tidak ada kode dengan saringan ini") for i in at.info)


def test_a_decision_shows_on_the_next_run(project_path, monkeypatch):
    # Penyajian first: its frames are cached with no accepted coding to show
    at = start_app(project_path, monkeypatch, page="penyajian")
    assert _no_codings(at)
    at.switch_page("app_pages/kondensasi.py")
    at.run()
    before = _sidebar(at)
    queue = "\n".join(str(p.proto.text) for p in at.get("progress"))

    at.button(key="qc_accept").click().run()
    no_exception(at)
    after = _sidebar(at)
    assert int(after["Usulan"]) == int(before["Usulan"]) - 1
    assert int(after["Ditinjau"]) == int(before["Ditinjau"]) + 1
    assert "\n".join(str(p.proto.text) for p in at.get("progress")) != queue

    # back on Penyajian the accepted coding is there
    at.switch_page("app_pages/penyajian.py")
    at.run()
    no_exception(at)
    assert _sidebar(at) == after
    assert not _no_codings(at)


def test_a_change_made_outside_the_app_shows_on_the_next_run(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="buku_kode")
    before = _sidebar(at)
    with Project.open(project_path) as project:
        codings = project.codings_frame()
        first = int(codings.loc[codings["status"] == "suggested", "coding_id"].iloc[0])
        project.reject(first, actor="lain")
    at.run()
    no_exception(at)
    after = _sidebar(at)
    assert int(after["Usulan"]) == int(before["Usulan"]) - 1
    assert int(after["Ditinjau"]) == int(before["Ditinjau"]) + 1


def test_the_passages_of_a_network_edge(project_path, monkeypatch):
    accept_all(project_path)
    at = start_app(project_path, monkeypatch, page="penyajian")
    at.segmented_control(key="qc_d_view").set_value("network").run()
    no_exception(at)
    pick = at.selectbox(key="qc_d_net_pick")
    edges = [i for i, label in enumerate(pick.options) if "↔" in label]
    assert edges, pick.options
    pick.select_index(edges[0]).run()
    no_exception(at)
    assert str(at.selectbox(key="qc_d_net_pick").value).startswith("edge:")
    # the edge's passages are read (only those segments) and quoted
    assert 'class="qc-quote"' in "\n".join(str(m.value) for m in at.markdown)
