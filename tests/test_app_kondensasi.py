"""The Kondensasi page: review queue, reading, manual coding, memos, hostile text."""

from __future__ import annotations

import pytest
from app_fixtures import (
    HOSTILE_NAME,
    markdown_text,
    no_exception,
    small_project,
    start_app,
)

from qualcode.service import Project


@pytest.fixture()
def project_path(tmp_path_factory, tmp_path):
    return small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")


def _codings(path):
    with Project.open(path) as project:
        return project.codings_frame()


def _document_id(path, name):
    with Project.open(path) as project:
        frame = project.documents_frame()
    return int(frame.loc[frame["name"] == name, "document_id"].iloc[0])


def test_page_loads_with_the_queue(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    no_exception(at)
    assert at.button(key="qc_accept")
    assert "Usulan 1 dari" in "\n".join(str(p.proto.text) for p in at.get("progress"))


def test_accept_saves_the_decision_and_moves_on(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    document_id = at.selectbox(key="qc_f_doc").value
    before = _codings(project_path)
    queue = before.loc[
        (before["status"] == "suggested") & (before["document_id"] == document_id)
    ].sort_values(["start", "end", "coding_id"])
    first, second = (int(i) for i in queue["coding_id"].iloc[:2])

    at.button(key="qc_accept").click().run()
    no_exception(at)

    after = _codings(project_path).set_index("coding_id")
    assert after.loc[first, "status"] == "accepted"
    assert after.loc[first, "coder"] == "penguji"
    assert after.loc[second, "status"] == "suggested"
    # the queue now shows the next suggestion: one fewer to go
    text = "\n".join(str(p.proto.text) for p in at.get("progress"))
    assert f"dari {len(queue) - 1}" in text


def test_reject_then_undo_restores_the_suggestion(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    document_id = at.selectbox(key="qc_f_doc").value
    codings = _codings(project_path)
    first = int(
        codings.loc[(codings["status"] == "suggested") & (codings["document_id"] == document_id)]
        .sort_values(["start", "end", "coding_id"])["coding_id"]
        .iloc[0]
    )
    at.button(key="qc_reject").click().run()
    assert _codings(project_path).set_index("coding_id").loc[first, "status"] == "rejected"

    undo = next(b for b in at.button if b.label == "Urungkan")
    undo.click().run()
    no_exception(at)
    assert _codings(project_path).set_index("coding_id").loc[first, "status"] == "suggested"


def test_change_code_and_valence(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    document_id = at.selectbox(key="qc_f_doc").value
    codings = _codings(project_path)
    row = (
        codings.loc[(codings["status"] == "suggested") & (codings["document_id"] == document_id)]
        .sort_values(["start", "end", "coding_id"])
        .iloc[0]
    )
    coding_id = int(row["coding_id"])
    other = "faktor_tim" if row["code_id"] != "faktor_tim" else "faktor_sistem"
    at.selectbox(key=f"qc_new_code_{coding_id}").set_value(other).run()
    at.button(key="qc_apply_code").click().run()
    no_exception(at)
    changed = _codings(project_path).set_index("coding_id").loc[coding_id]
    assert changed["code_id"] == other
    assert changed["status"] == "accepted"

    # the next one: change its valence
    nxt = int(
        _codings(project_path)
        .loc[lambda f: (f["status"] == "suggested") & (f["document_id"] == document_id)]
        .sort_values(["start", "end", "coding_id"])["coding_id"]
        .iloc[0]
    )
    current = _codings(project_path).set_index("coding_id").loc[nxt, "valence"]
    wanted = "penghambat" if current != "penghambat" else "pendukung"
    at.segmented_control(key=f"qc_new_val_{nxt}").set_value(wanted).run()
    at.button(key="qc_apply_valence").click().run()
    no_exception(at)
    assert _codings(project_path).set_index("coding_id").loc[nxt, "valence"] == wanted


def test_a_conflicting_change_is_a_warning_not_an_error(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    document_id = at.selectbox(key="qc_f_doc").value
    codings = _codings(project_path)
    row = (
        codings.loc[(codings["status"] == "suggested") & (codings["document_id"] == document_id)]
        .sort_values(["start", "end", "coding_id"])
        .iloc[0]
    )
    # someone else rejects it after the page was drawn
    with Project.open(project_path) as other:
        other.reject(int(row["coding_id"]), actor="rekan", expected_version=int(row["version"]))
    at.button(key="qc_accept").click().run()
    no_exception(at)
    assert any("diubah orang lain" in w.value for w in at.warning)
    final = _codings(project_path).set_index("coding_id").loc[int(row["coding_id"])]
    assert final["status"] == "rejected" and final["coder"] == "rekan"


def test_reading_view_escapes_hostile_transcripts(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    hostile = _document_id(project_path, HOSTILE_NAME)
    at.selectbox(key="qc_f_doc").set_value(hostile).run()
    at.segmented_control(key="qc_mode").set_value("read").run()
    no_exception(at)
    html = markdown_text(at)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html
    assert "<img" not in html
    # the queue card and the memo view escape it too
    at.segmented_control(key="qc_mode").set_value("queue").run()
    html = markdown_text(at)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_manual_coding_by_phrase_uses_exact_offsets(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    hostile = _document_id(project_path, HOSTILE_NAME)
    at.selectbox(key="qc_f_doc").set_value(hostile).run()
    at.segmented_control(key="qc_mode").set_value("manual").run()
    segment_id = at.selectbox(key="qc_manual_segment").value
    at.text_input(key=f"qc_phrase_{segment_id}").input("lambat  karena data").run()
    no_exception(at)
    at.selectbox(key="qc_manual_code").set_value("faktor_sistem").run()
    at.segmented_control(key="qc_manual_valence").set_value("penghambat").run()
    next(b for b in at.button if b.label == "Kodekan").click().run()
    no_exception(at)

    with Project.open(project_path) as project:
        text = project.document(hostile).text
    manual = _codings(project_path).loc[lambda f: f["origin"] == "human"]
    assert len(manual) == 1
    row = manual.iloc[0]
    # the typed phrase had two spaces; the stored span is the exact text of the document
    assert text[int(row["start"]) : int(row["end"])] == "lambat karena data"
    assert row["code_id"] == "faktor_sistem" and row["valence"] == "penghambat"
    assert int(row["segment_id"]) == int(segment_id)


def test_manual_coding_by_range(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    at.segmented_control(key="qc_mode").set_value("manual").run()
    document_id = at.selectbox(key="qc_f_doc").value
    segment_id = at.selectbox(key="qc_manual_segment").value
    at.radio(key="qc_manual_how").set_value("range").run()
    at.slider(key=f"qc_range_{segment_id}").set_range(5, 25).run()
    next(b for b in at.button if b.label == "Kodekan").click().run()
    no_exception(at)
    with Project.open(project_path) as project:
        segments = project.segments_frame().set_index("segment_id")
        start = int(segments.loc[int(segment_id), "start"])
        coding = project.codings_frame().loc[lambda f: f["origin"] == "human"].iloc[0]
    assert int(coding["document_id"]) == int(document_id)
    assert (int(coding["start"]), int(coding["end"])) == (start + 5, start + 25)


def test_memo_on_a_segment_is_saved_and_listed(project_path, monkeypatch):
    at = start_app(project_path, monkeypatch, page="kondensasi")
    at.segmented_control(key="qc_mode").set_value("memo").run()
    segment_id = at.selectbox(key="qc_memo_segment").value
    at.text_input(key="qc_memo_new_title").input("Catatan awal")
    at.text_area(key="qc_memo_new_text").input("Informan menyebut <b>lembur</b> berkali-kali.")
    next(b for b in at.button if b.label == "Tambahkan memo").click().run()
    no_exception(at)
    with Project.open(project_path) as project:
        memos = project.memos("segment", segment_id)
    assert [m.title for m in memos] == ["Catatan awal"]
    assert memos[0].author == "penguji"
    # listed for editing, and in the overview of every memo
    assert any(a.value == "Informan menyebut <b>lembur</b> berkali-kali." for a in at.text_area)
    assert "<b>lembur</b>" not in markdown_text(at)
