"""qualcode -> REFI-QDA -> qualcode gives back the same project."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_refi_write import PSEUDONYMS, WHEN, build_codebook, build_project

from qualcode.exchange import read_qdc, read_qdpx, write_qdc, write_qdpx
from qualcode.exchange.refi_common import Pseudonymiser
from qualcode.model import (
    Code,
    Codebook,
    Memo,
    ProjectData,
    StoredCoding,
    StoredDocument,
)


def roundtrip(
    project: ProjectData, pseudonyms: dict[str, str] | None = None
) -> tuple[ProjectData, list[str]]:
    buf = io.BytesIO()
    write_qdpx(project, buf, exported_at=WHEN, pseudonyms=pseudonyms)
    return read_qdpx(buf.getvalue())


def without_matching_terms(code: Code) -> Code:
    """What REFI-QDA carries of a code: everything but the matching vocabulary."""
    return replace(code, keywords=(), phrases=(), supporting_cues=(), inhibiting_cues=())


def doc_fields(d: StoredDocument) -> tuple[object, ...]:
    return (
        d.id,
        d.name,
        d.text,
        d.source_type,
        d.informant,
        d.role,
        d.date,
        d.place,
        d.title,
        d.metadata,
    )


def coding_key(c: StoredCoding) -> tuple[object, ...]:
    return (c.document_id, c.start, c.end, c.code_id, c.coder, c.created_at)


def test_project_roundtrip_keeps_everything_refi_can_carry():
    original = build_project()
    imported, warnings = roundtrip(original)

    assert imported.name == original.name
    assert imported.created_at == original.created_at
    cb = imported.codebook
    assert (cb.name, cb.version) == (original.codebook.name, original.codebook.version)
    assert cb.codes == tuple(without_matching_terms(c) for c in original.codebook.codes)
    assert cb.frameworks == original.codebook.frameworks
    assert cb.children("kinerja") == (cb.code("responsivitas"), cb.code("akuntabilitas"))
    assert cb.code("transparansi").parent == "akuntabilitas"

    assert [doc_fields(d) for d in imported.documents] == [
        doc_fields(d) for d in original.documents
    ]
    assert all(d.format == "qdpx" for d in imported.documents)

    kept = [c for c in original.codings if c.status != "rejected"]
    assert sorted(map(coding_key, imported.codings)) == sorted(map(coding_key, kept))
    assert all(c.status == "accepted" and c.origin == "import" for c in imported.codings)
    texts = {d.id: d.text for d in imported.documents}
    assert "Warga sering mengeluh soal antrean yang panjang 😟" in [
        texts[c.document_id][c.start : c.end] for c in imported.codings
    ]

    def memo_key(project: ProjectData, m: Memo) -> tuple[object, ...]:
        target: object = m.target_id
        if m.target_type == "coding":
            target = coding_key(next(c for c in project.codings if str(c.id) == m.target_id))
        return (m.target_type, target, m.text, m.title, m.author, m.created_at, m.updated_at)

    segment_text = "Keluhan antrean muncul berulang."
    expected = [memo_key(original, m) for m in original.memos if m.target_type != "segment"]
    got = [memo_key(imported, m) for m in imported.memos if m.text != segment_text]
    assert sorted(got, key=repr) == sorted(expected, key=repr)
    # the memo on a segment comes back as a memo on its document, titled with the span
    segment_memo = next(m for m in imported.memos if m.text == segment_text)
    assert segment_memo.target_type == "document" and segment_memo.target_id == "1"
    assert segment_memo.title.startswith("Note on “I: Warga sering mengeluh")
    assert len(imported.memos) == len(original.memos)

    [conclusion] = imported.conclusions
    original_conclusion = original.conclusions[0]
    assert (conclusion.text, conclusion.code_ids, conclusion.author, conclusion.created_at) == (
        original_conclusion.text,
        original_conclusion.code_ids,
        original_conclusion.author,
        original_conclusion.created_at,
    )
    assert any("supporting and contradicting segments" in w for w in warnings)


def test_reexport_of_an_import_is_a_fixed_point():
    first, _ = roundtrip(build_project())
    second, _ = roundtrip(first)
    # the description names the hash of the codebook exported, which lost its keywords
    assert replace(second.codebook, description="") == replace(first.codebook, description="")
    assert [doc_fields(d) for d in second.documents] == [doc_fields(d) for d in first.documents]
    assert [coding_key(c) for c in second.codings] == [coding_key(c) for c in first.codings]
    assert [(m.target_type, m.target_id, m.text) for m in second.memos] == [
        (m.target_type, m.target_id, m.text) for m in first.memos
    ]


def test_pseudonymised_roundtrip_points_at_the_same_words():
    original = build_project()
    ps = Pseudonymiser(PSEUDONYMS)
    imported, _ = roundtrip(original, pseudonyms=PSEUDONYMS)
    docs = {d.id: d for d in imported.documents}
    for before in original.documents:
        after = docs[before.id]
        assert after.text == ps.text(before.text)
        assert after.name == ps.text(before.name)
        assert after.place == ps.text(before.place)
        for real in ("Budi", "Siti", "Sukamaju"):
            assert real not in after.text + after.name + after.place
    assert docs[1].metadata["pewawancara"] == "Staf A"
    originals = {d.id: d.text for d in original.documents}
    expected = sorted(
        (c.document_id, c.code_id, ps.text(originals[c.document_id][c.start : c.end]))
        for c in original.codings
        if c.status != "rejected"
    )
    got = sorted(
        (c.document_id, c.code_id, docs[c.document_id].text[c.start : c.end])
        for c in imported.codings
    )
    assert got == expected
    assert (2, "sdm", "Informan Satu memeriksa berkas") in got
    assert imported.name == "Kinerja Kecamatan Mawar"


def test_codebook_roundtrip(tmp_path: Path):
    original = build_codebook()
    path = tmp_path / "kinerja.qdc"
    write_qdc(original, path)
    codebook, warnings = read_qdc(path)
    assert (codebook.name, codebook.version) == (original.name, original.version)
    assert codebook.codes == tuple(without_matching_terms(c) for c in original.codes)
    assert codebook.frameworks == original.frameworks
    assert warnings == []


# --------------------------------------------------------------------------- properties

ASTRAL = ["😀", "😟", "📋", "𝟏", "🇮", "🇩", "𠀋"]
text_strategy = st.text(
    alphabet=st.one_of(
        st.characters(exclude_categories=["Cs"], exclude_characters="\r\ufeff"),
        st.sampled_from(ASTRAL),
    ),
    min_size=1,
    max_size=200,
).filter(lambda t: t.strip() != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=text_strategy, data=st.data())
def test_random_text_and_selections_survive_the_roundtrip(text: str, data: st.DataObject):
    n = len(text)
    spans = data.draw(
        st.lists(
            st.integers(0, n - 1).flatmap(lambda s: st.tuples(st.just(s), st.integers(s + 1, n))),
            min_size=1,
            max_size=8,
        )
    )
    codebook = Codebook(name="cb", version="1", codes=(Code("a", "A"), Code("b", "B", parent="a")))
    codings = [
        StoredCoding(id=i + 1, document_id=1, code_id="ab"[i % 2], start=s, end=e)
        for i, (s, e) in enumerate(spans)
    ]
    project = ProjectData(
        name="acak",
        codebook=codebook,
        documents=[StoredDocument(id=1, name="acak.txt", text=text)],
        codings=codings,
    )
    imported, _ = roundtrip(project)
    assert imported.documents[0].text == text
    assert sorted((c.start, c.end, c.code_id) for c in imported.codings) == sorted(
        (c.start, c.end, c.code_id) for c in codings
    )


WORDS = ["Budi", "Siti", "Sukamaju", "warga", "café", "😀", "antrean", "𝟏𝟐", ",", "."]
PS = {"Budi": "Informan Satu", "Siti": "S", "Sukamaju": "Mawar"}


@settings(max_examples=60, deadline=None)
@given(
    tokens=st.lists(st.sampled_from(WORDS), min_size=1, max_size=40),
    seps=st.lists(st.sampled_from([" ", "\n", "  "]), min_size=40, max_size=40),
    data=st.data(),
)
def test_pseudonymised_offsets_follow_their_words(
    tokens: list[str], seps: list[str], data: st.DataObject
):
    text = ""
    bounds = []  # (start, end) of each token
    for token, sep in zip(tokens, seps, strict=False):
        bounds.append((len(text), len(text) + len(token)))
        text += token + sep
    picks = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(bounds) - 1), st.integers(0, len(bounds) - 1)),
            min_size=1,
            max_size=6,
        )
    )
    spans = [(bounds[min(a, b)][0], bounds[max(a, b)][1]) for a, b in picks]
    codings = [
        StoredCoding(id=i + 1, document_id=1, code_id="a", start=s, end=e)
        for i, (s, e) in enumerate(spans)
    ]
    project = ProjectData(
        name="p",
        codebook=Codebook(name="cb", version="1", codes=(Code("a", "A"),)),
        documents=[StoredDocument(id=1, name="d.txt", text=text)],
        codings=codings,
    )
    imported, _ = roundtrip(project, pseudonyms=PS)
    ps = Pseudonymiser(PS)
    new_text = imported.documents[0].text
    assert new_text == ps.text(text)
    assert sorted(new_text[c.start : c.end] for c in imported.codings) == sorted(
        ps.text(text[s:e]) for s, e in spans
    )
