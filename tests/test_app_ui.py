"""The workbench's helpers: safe HTML, phrase location, the code tree, and keeping
the cached codings frame up to date from the audit log."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from app_fixtures import HOSTILE_TEXT, small_project

from qualcode.codebook import load_codebook
from qualcode.service import Project
from qualcode.ui.frames import apply_coding_changes
from qualcode.ui.safe_html import (
    Block,
    Markup,
    Span,
    chip,
    document_html,
    esc,
    esc_text,
    evidence_html,
    render_html,
    safe_colour,
    tag,
)
from qualcode.ui.text import code_tree, locate_phrase, split_terms

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- safe HTML


def test_esc_neutralises_markup_and_formulas():
    assert esc("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert esc('<img src=x onerror="alert(1)">') == (
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    )
    assert esc("Rp $5 & $x$") == "Rp &#36;5 &amp; &#36;x&#36;"
    assert esc_text("a\nb\r\nc") == "a<br>b<br>c"


def test_tag_escapes_text_children_and_attributes_but_keeps_markup():
    html = tag("div", "<b>x</b>", tag("b", "y"), title='"><script>', cls="a")
    assert html == (
        '<div class="a" title="&quot;&gt;&lt;script&gt;">&lt;b&gt;x&lt;/b&gt;<b>y</b></div>'
    )
    with pytest.raises(ValueError):
        tag("script", "x")


def test_render_html_takes_only_markup():
    with pytest.raises(TypeError):
        render_html("<b>not built here</b>")


def test_only_the_helper_renders_raw_html():
    files = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]
    files += (ROOT / "src" / "qualcode" / "ui").glob("*.py")
    users = sorted(p.name for p in files if "unsafe_allow_html" in p.read_text(encoding="utf-8"))
    assert users == ["safe_html.py"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "st.html(" not in text and "components.html" not in text, path.name


def test_colours_cannot_inject_css():
    assert safe_colour("#1f77b4") == "#1F77B4"
    assert safe_colour("red;background:url(x)") == "#999999"
    assert "url(" not in chip("Kode", "red;background:url(x)")


def test_document_html_escapes_every_piece_of_text():
    text = HOSTILE_TEXT
    start = text.index("Koordinasi")
    end = len(text.rstrip("\n"))
    blocks = [Block(text.index("Bagaimana"), text.index("?") + 1, "#1 · Peneliti", muted=True)]
    blocks.append(Block(start, end, "#2 · <b>Informan 9</b>"))
    inner = text.index("masih")
    spans = [
        Span(start, end, "a", "<i>Kode</i>", "#2CA02C", "penghambat · usulan", tentative=True),
        Span(inner, inner + 12, "b", "Faktor Sistem", "#BCBD22"),
    ]
    html = document_html(text, blocks, spans)
    assert isinstance(html, Markup)
    assert "<script" not in html and "<img" not in html and "<i>Kode" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b&gt;Informan 9&lt;/b&gt;" in html
    assert "\n" not in html  # one line: Markdown never reads the transcript
    assert html.count('<mark class="qc-hl"') == 1  # the partial span; the whole one tints
    assert "border-style:dashed" in html  # the suggestion's chip
    assert "Peneliti:" not in html  # speaker labels between paragraphs are in the heads


def test_text_between_paragraphs_that_is_not_a_label_is_kept():
    text = "JUDUL LAPORAN\n\nIsi paragraf pertama."
    html = document_html(text, [Block(15, len(text), "#1")], [])
    assert "JUDUL LAPORAN" in html


def test_evidence_marks_the_matched_words():
    segment = "Koordinasi <b>tidak</b> lancar"
    evidence = [
        {
            "kind": "keyword",
            "term": "koordinasi",
            "matched": "Koordinasi",
            "start": 100,
            "end": 110,
        },
        {"kind": "negation", "term": "tidak", "matched": "tidak", "start": 114, "end": 119},
        {"kind": "keyword", "term": "x", "matched": "x", "start": 5, "end": 9},  # elsewhere
    ]
    html = evidence_html(segment, 100, evidence, kind_labels={"keyword": "kata kunci"})
    assert '<mark class="qc-ev-term" title="kata kunci">Koordinasi</mark>' in html
    assert '<mark class="qc-ev-neg" title="negation">tidak</mark>' in html
    assert "&lt;b&gt;" in html and "<b>tidak" not in html


# --------------------------------------------------------------------------- text


def test_locate_phrase_exact_then_flexible():
    text = "Data dari OPD\nbelum masuk; data dari opd lain juga."
    second = text.index("data dari")
    assert locate_phrase(text, "data dari") == [(second, second + 9)]  # exact case first
    assert locate_phrase(text, "OPD belum") == [(10, 19)]  # across the line break
    assert locate_phrase(text, "DATA DARI OPD") == [(0, 13), (second, second + 13)]
    assert locate_phrase(text, "tidak ada") == []
    assert locate_phrase(text, "   ") == []


def test_code_tree_follows_frameworks_and_parents():
    codebook = load_codebook()
    tree = code_tree(codebook)
    assert [f.id for f, _ in tree if f] == [f.id for f in codebook.frameworks]
    placed = [item.code.id for _, items in tree for item in items]
    assert sorted(placed) == sorted(codebook.code_ids)
    for _, items in tree:
        for item in items:
            assert item.depth == (0 if item.code.parent is None else 1)


def test_split_terms():
    assert split_terms("lembur, beban kerja\n\nlembur;target ") == (
        "lembur",
        "beban kerja",
        "target",
    )


# --------------------------------------------------------------------------- frames


@pytest.fixture()
def project(tmp_path_factory, tmp_path):
    path = small_project(tmp_path_factory.getbasetemp(), tmp_path / "studi.qualcode")
    with Project.open(path) as opened:
        yield opened


def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["updated_at"]).sort_values("coding_id").reset_index(drop=True)


def _since(project: Project, mark: int) -> pd.DataFrame:
    log = project.audit_log(entity="coding", limit=1000)
    return log.loc[log["id"] > mark]


def test_replayed_decisions_match_a_fresh_read(project):
    mark = int(project.audit_log(limit=1)["id"].iloc[0])
    base = project.codings_frame()
    rows = base.loc[base["status"] == "suggested"].head(4).itertuples()
    a, b, c, d = (r for r in rows)
    project.accept(a.coding_id, actor="x", expected_version=a.version)
    project.reject(b.coding_id, actor="x", expected_version=b.version)
    project.decide(c.coding_id, code_id="faktor_tim", actor="x", expected_version=c.version)
    project.decide(d.coding_id, valence="penghambat", actor="x", expected_version=d.version)
    project.undo(actor="x")  # takes back the valence change
    project.accept(d.coding_id, actor="x", expected_version=d.version + 2)

    patched = apply_coding_changes(base, _since(project, mark), project.codebook)
    assert patched is not None
    pd.testing.assert_frame_equal(_comparable(patched), _comparable(project.codings_frame()))


def test_added_codings_ask_for_a_fresh_read_and_their_undo_drops_them(project):
    base = project.codings_frame()
    mark = int(project.audit_log(limit=1)["id"].iloc[0])
    document_id = int(base["document_id"].iloc[0])
    project.add_coding(document_id, 0, 5, "faktor_tim", actor="x")
    assert apply_coding_changes(base, _since(project, mark), project.codebook) is None

    with_added = project.codings_frame()
    mark = int(project.audit_log(limit=1)["id"].iloc[0])
    project.undo(actor="x")
    patched = apply_coding_changes(with_added, _since(project, mark), project.codebook)
    assert patched is not None
    pd.testing.assert_frame_equal(_comparable(patched), _comparable(project.codings_frame()))
