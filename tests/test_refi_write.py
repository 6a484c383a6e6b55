"""Writing REFI-QDA projects (.qdpx) and codebooks (.qdc)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from qualcode.exchange import (
    build_qdpx,
    export_warnings,
    validate_qdc,
    validate_qdpx,
    write_qdc,
    write_qdpx,
)
from qualcode.exchange.refi_common import OffsetRemap, Pseudonymiser, make_guid
from qualcode.exchange.validate import CODEBOOK_XSD_NAMES, PROJECT_XSD_NAMES, find_schema
from qualcode.model import (
    Code,
    Codebook,
    Conclusion,
    Framework,
    Memo,
    ProjectData,
    StoredCoding,
    StoredDocument,
    StoredSegment,
)

NS = {"q": "urn:QDA-XML:project:1.0"}
CB_NS = {"c": "urn:QDA-XML:codebook:1.0"}
WHEN = datetime(2024, 4, 1, 10, 30, tzinfo=UTC)

needs_schemas = pytest.mark.skipif(
    find_schema(PROJECT_XSD_NAMES) is None or find_schema(CODEBOOK_XSD_NAMES) is None,
    reason="REFI-QDA schemas not available (set QUALCODE_REFI_SCHEMAS)",
)

TEXT_1 = (
    "P: Selamat pagi, Pak Budi Santoso. Bagaimana pelayanan di kantor kecamatan?\n"
    "I: Warga sering mengeluh soal antrean yang panjang 😟. Kami membuka café kecil "
    "di ruang tunggu supaya warga nyaman.\n"
    "P: Apakah informasi biaya terbuka untuk umum?\n"
    "I: Ya, jadwal dan biaya diumumkan di papan 📋 depan kantor. Bu Siti Rahayu yang "
    "mengurus pengumuman itu.\n"
)
TEXT_2 = (
    "Catatan observasi loket, 15 Maret 2024.\n"
    "Petugas menjelaskan prosedur dengan ramah; antrean 𝟏𝟐 orang.\n"
    "Pak Budi Santoso memeriksa berkas satu per satu di Sukamaju.\n"
)
PSEUDONYMS = {"Budi Santoso": "Informan Satu", "Siti Rahayu": "Staf A", "Sukamaju": "Mawar"}
REAL_NAMES = ("Budi", "Santoso", "Siti", "Rahayu", "Sukamaju")


def span(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def build_codebook() -> Codebook:
    return Codebook(
        name="Kinerja Pelayanan Publik",
        version="1.2",
        frameworks=(
            Framework(
                id="dwiyanto",
                name="Kinerja birokrasi publik",
                author="Agus Dwiyanto",
                description="Lima indikator kinerja birokrasi.",
                reference="Dwiyanto (2006)",
            ),
        ),
        codes=(
            Code(
                id="kinerja",
                name="Kinerja",
                framework="dwiyanto",
                definition="Indikator kinerja birokrasi publik.",
                colour="#336699",
                codable=False,
            ),
            Code(
                id="responsivitas",
                name="Responsivitas",
                name_en="Responsiveness",
                framework="dwiyanto",
                parent="kinerja",
                definition="Kemampuan organisasi mengenali kebutuhan masyarakat.",
                when_to_use="Informan menyebut keluhan atau aspirasi warga.",
                when_not_to_use="Hanya menjelaskan prosedur.",
                example="warga mengeluh soal antrean",
                colour="#E69F00",
                keywords=("keluhan", "aspirasi"),
            ),
            Code(
                id="akuntabilitas",
                name="Akuntabilitas",
                framework="dwiyanto",
                parent="kinerja",
                definition="Kesesuaian kegiatan dengan nilai dan norma masyarakat.",
                colour="#56B4E9",
            ),
            Code(
                id="transparansi",
                name="Transparansi",
                parent="akuntabilitas",
                definition="Keterbukaan informasi layanan.",
                when_to_use="Informasi biaya, jadwal atau prosedur diumumkan.",
                colour="#009E73",
            ),
            Code(id="sdm", name="Sumber daya manusia", colour="#D55E00"),
        ),
    )


def build_project() -> ProjectData:
    """Two informants, nested codes, emoji and 'é', memos on every kind of target."""
    docs = [
        StoredDocument(
            id=1,
            name="Wawancara Budi Santoso.txt",
            text=TEXT_1,
            informant="Informan 1",
            role="Kepala Seksi Pelayanan",
            date="2024-03-14",
            place="Kantor Kecamatan Sukamaju",
            title="Wawancara 1",
            metadata={
                "durasi_menit": 45,
                "pewawancara": "Siti Rahayu",
                "rekaman": True,
                "skor": 3.5,
            },
            imported_at="2024-03-16T08:00:00Z",
        ),
        StoredDocument(
            id=2,
            name="Observasi loket.txt",
            text=TEXT_2,
            source_type="observation",
            informant="Informan 2",
            role="Petugas loket",
            date="2024-03-15",
            place="Kecamatan Sukamaju",
            metadata={"durasi_menit": 30, "rekaman": False},
        ),
    ]

    def coding(cid: int, doc: int, code: str, phrase: str, **kw: Any) -> StoredCoding:
        s, e = span(TEXT_1 if doc == 1 else TEXT_2, phrase)
        return StoredCoding(id=cid, document_id=doc, code_id=code, start=s, end=e, **kw)

    complaint = "Warga sering mengeluh soal antrean yang panjang 😟"
    codings = [
        coding(
            1,
            1,
            "responsivitas",
            complaint,
            coder="Rina Wulandari",
            created_at="2024-03-20T09:15:00Z",
        ),
        coding(
            2,
            1,
            "sdm",
            complaint,
            status="accepted",
            origin="auto",
            coder="Rina Wulandari",
            created_at="2024-03-20T09:16:00Z",
        ),
        coding(
            3,
            1,
            "transparansi",
            "jadwal dan biaya diumumkan di papan 📋 depan kantor",
            status="accepted",
            coder="Dedi",
            created_at="2024-03-20T10:00:00Z",
        ),
        coding(
            4, 1, "responsivitas", "café kecil", status="suggested", origin="auto", coder="qualcode"
        ),
        coding(5, 1, "sdm", "Pak Budi Santoso", status="rejected", coder="Dedi"),
        coding(
            6,
            2,
            "responsivitas",
            "Petugas menjelaskan prosedur dengan ramah",
            coder="Dedi",
            created_at="2024-03-21T11:00:00Z",
        ),
        coding(7, 2, "akuntabilitas", "antrean 𝟏𝟐 orang", coder="Rina Wulandari"),
        coding(8, 2, "sdm", "Budi Santoso memeriksa berkas", coder="Rina Wulandari"),
    ]
    s1, e1 = span(TEXT_1, "I: Warga sering mengeluh soal antrean yang panjang 😟. Kami")
    s2, e2 = span(TEXT_2, "Petugas menjelaskan prosedur dengan ramah; antrean 𝟏𝟐 orang.")
    segments = [
        StoredSegment(id=1, document_id=1, index=1, start=s1, end=e1),
        StoredSegment(id=2, document_id=2, index=1, start=s2, end=e2),
    ]
    memos = [
        Memo(
            1,
            "project",
            "",
            "Fokus pada pelayanan loket di Sukamaju.",
            title="Catatan umum",
            author="Rina Wulandari",
            created_at="2024-03-21T08:00:00Z",
        ),
        Memo(
            2,
            "document",
            "1",
            "Wawancara dilakukan di ruang rapat; Budi Santoso terbuka.",
            author="Dedi",
            created_at="2024-03-14T13:00:00Z",
            updated_at="2024-03-15T13:00:00Z",
        ),
        Memo(3, "code", "responsivitas", "Perlu dibedakan dari akuntabilitas.", title="Batas"),
        Memo(4, "coding", "3", "Papan pengumuman difoto sebagai bukti.", author="Dedi"),
        Memo(5, "segment", "1", "Keluhan antrean muncul berulang."),
    ]
    conclusions = [
        Conclusion(
            1,
            "Responsivitas kecamatan masih terhambat antrean.",
            code_ids=("responsivitas",),
            supporting_segment_ids=(1,),
            contradicting_segment_ids=(2,),
            author="Rina Wulandari",
            created_at="2024-03-22T08:00:00Z",
        )
    ]
    return ProjectData(
        name="Kinerja Kecamatan Sukamaju",
        codebook=build_codebook(),
        documents=docs,
        segments=segments,
        codings=codings,
        memos=memos,
        conclusions=conclusions,
        created_at="2024-03-01T00:00:00Z",
    )


def export(
    project: ProjectData,
    *,
    pseudonyms: dict[str, str] | None = None,
    include_rejected: bool = False,
) -> bytes:
    buf = io.BytesIO()
    write_qdpx(
        project, buf, exported_at=WHEN, pseudonyms=pseudonyms, include_rejected=include_rejected
    )
    return buf.getvalue()


def qde(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read("project.qde"))


# --------------------------------------------------------------------------- structure


def test_archive_holds_project_qde_and_one_text_per_document():
    data = export(build_project())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert names[0] == "project.qde"
        assert not zf.read("project.qde").startswith(b"\xef\xbb\xbf")
        root = etree.fromstring(zf.read("project.qde"))
        sources = root.findall("q:Sources/q:TextSource", NS)
        assert len(sources) == 2
        texts = {}
        for src in sources:
            guid = src.get("guid")
            assert src.get("plainTextPath") == f"internal://{guid}.txt"
            raw = zf.read(f"sources/{guid}.txt")
            assert not raw.startswith(b"\xef\xbb\xbf")
            texts[src.get("name")] = raw.decode("utf-8")
    assert sorted(names[1:]) == sorted(f"sources/{s.get('guid')}.txt" for s in sources)
    assert texts == {"Wawancara Budi Santoso.txt": TEXT_1, "Observasi loket.txt": TEXT_2}


def test_project_children_follow_schema_order_and_header():
    root = qde(export(build_project()))
    assert root.tag == "{urn:QDA-XML:project:1.0}Project"
    assert root.get("name") == "Kinerja Kecamatan Sukamaju"
    assert root.get("origin", "").startswith("qualcode")
    assert root.get("creationDateTime") == "2024-03-01T00:00:00Z"
    order = [etree.QName(c).localname for c in root]
    assert order == [
        "Users",
        "CodeBook",
        "Variables",
        "Cases",
        "Sources",
        "Notes",
        "Sets",
        "Description",
        "NoteRef",
    ]
    users = {u.get("name") for u in root.findall("q:Users/q:User", NS)}
    assert users == {"qualcode", "Rina Wulandari", "Dedi"}


def test_codes_are_nested_with_colours_and_descriptions():
    root = qde(export(build_project()))
    top = root.findall("q:CodeBook/q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == ["Kinerja", "Sumber daya manusia"]
    kinerja = top[0]
    assert kinerja.get("isCodable") == "false"
    assert kinerja.get("color") == "#336699"
    assert [c.get("name") for c in kinerja.findall("q:Code", NS)] == [
        "Responsivitas",
        "Akuntabilitas",
    ]
    transparansi = kinerja.find("q:Code[@name='Akuntabilitas']/q:Code", NS)
    assert transparansi is not None and transparansi.get("name") == "Transparansi"
    assert transparansi.get("color") == "#009E73"
    description = kinerja.find("q:Code[@name='Responsivitas']/q:Description", NS).text
    assert description.startswith("Kemampuan organisasi mengenali kebutuhan masyarakat.")
    assert "When to use: Informan menyebut keluhan atau aspirasi warga." in description
    assert "When not to use: Hanya menjelaskan prosedur." in description
    assert "qualcode id: responsivitas" in description


def test_selections_use_our_code_point_offsets_and_one_coding_per_code():
    project = build_project()
    data = export(project)
    root = qde(data)
    src = root.find("q:Sources/q:TextSource[@name='Wawancara Budi Santoso.txt']", NS)
    sels = src.findall("q:PlainTextSelection", NS)
    s, e = span(TEXT_1, "Warga sering mengeluh soal antrean yang panjang 😟")
    first = next(x for x in sels if x.get("startPosition") == str(s))
    assert first.get("endPosition") == str(e)
    assert len(first.findall("q:Coding", NS)) == 2  # responsivitas and sdm on one span
    for coding in first.findall("q:Coding", NS):
        assert len(coding.findall("q:CodeRef", NS)) == 1
    # the emoji counts as one character: the text file slice is the quoted words
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        text = zf.read(f"sources/{src.get('guid')}.txt").decode("utf-8")
    assert text[s:e] == "Warga sering mengeluh soal antrean yang panjang 😟"
    user_guid = {u.get("name"): u.get("guid") for u in root.findall("q:Users/q:User", NS)}
    assert first.find("q:Coding", NS).get("creatingUser") == user_guid["Rina Wulandari"]


def test_rejected_codings_are_left_out_unless_asked():
    project = build_project()
    default = qde(export(project))
    everything = qde(export(project, include_rejected=True))
    assert len(default.findall(".//q:Coding", NS)) == 7
    assert len(everything.findall(".//q:Coding", NS)) == 8
    assert "rejected codings left out" in default.find("q:Description", NS).text


def test_cases_and_variables_carry_informants_and_metadata():
    root = qde(export(build_project()))
    cases = root.findall("q:Cases/q:Case", NS)
    assert [c.get("name") for c in cases] == ["Informan 1", "Informan 2"]
    src_guid = {s.get("name"): s.get("guid") for s in root.findall(".//q:TextSource", NS)}
    assert (
        cases[0].find("q:SourceRef", NS).get("targetGUID") == src_guid["Wawancara Budi Santoso.txt"]
    )
    variables = {
        v.get("name"): v.get("typeOfVariable") for v in root.findall("q:Variables/q:Variable", NS)
    }
    assert variables == {
        "Role": "Text",
        "Source type": "Text",
        "Date": "Date",
        "Place": "Text",
        "Title": "Text",
        "durasi_menit": "Integer",
        "pewawancara": "Text",
        "rekaman": "Boolean",
        "skor": "Float",
    }
    obs = root.find("q:Sources/q:TextSource[@name='Observasi loket.txt']", NS)
    values = {
        vv.find("q:VariableRef", NS).get("targetGUID"): vv[1].text
        for vv in obs.findall("q:VariableValue", NS)
    }
    guid = {v.get("name"): v.get("guid") for v in root.findall("q:Variables/q:Variable", NS)}
    assert values[guid["Date"]] == "2024-03-15"
    assert values[guid["Source type"]] == "observation"
    assert values[guid["rekaman"]] == "false"


def test_memos_and_conclusions_become_attached_notes():
    root = qde(export(build_project()))
    notes = root.findall("q:Notes/q:Note", NS)
    assert len(notes) == 6  # five memos and one conclusion
    by_text = {n.find("q:PlainTextContent", NS).text: n.get("guid") for n in notes}
    project_ref = root.find("q:NoteRef", NS).get("targetGUID")
    assert project_ref == by_text["Fokus pada pelayanan loket di Sukamaju."]
    code_ref = root.find(".//q:Code[@name='Responsivitas']/q:NoteRef", NS).get("targetGUID")
    assert code_ref == by_text["Perlu dibedakan dari akuntabilitas."]
    coding_refs = [r.get("targetGUID") for r in root.findall(".//q:Coding/q:NoteRef", NS)]
    assert coding_refs == [by_text["Papan pengumuman difoto sebagai bukti."]]
    selection_refs = [
        r.get("targetGUID") for r in root.findall(".//q:PlainTextSelection/q:NoteRef", NS)
    ]
    assert selection_refs == [by_text["Keluhan antrean muncul berulang."]]
    conclusion = next(n for n in notes if n.get("name") == "Conclusion 1")
    description = conclusion.find("q:Description", NS).text
    assert description.startswith("qualcode conclusion\nCodes: responsivitas")
    assert "Supporting: “I: Warga sering mengeluh" in description


def test_description_traces_codebook_and_export_date():
    project = build_project()
    text = qde(export(project)).find("q:Description", NS).text
    cb = project.codebook
    assert f"Codebook: {cb.name}, version {cb.version}, hash {cb.content_hash()}." in text
    assert "2024-04-01T10:30:00Z" in text


def test_guids_are_stable_across_exports():
    project = build_project()
    first, second = export(project), export(project)
    assert first == second  # same time given: byte for byte
    later = io.BytesIO()
    write_qdpx(project, later)
    guids = sorted(el.get("guid") for el in qde(first).iter() if el.get("guid"))
    assert guids == sorted(el.get("guid") for el in qde(later.getvalue()).iter() if el.get("guid"))
    assert len(guids) == len(set(guids))
    code = qde(first).find(".//q:Code[@name='Kinerja']", NS)
    assert code.get("guid") == make_guid("Kinerja Kecamatan Sukamaju", "code", "kinerja")
    project.name = "Another project"
    assert qde(export(project)).find(".//q:Code[@name='Kinerja']", NS).get("guid") != code.get(
        "guid"
    )


def test_writes_to_a_path(tmp_path: Path):
    target = tmp_path / "out" / "proyek.qdpx"
    write_qdpx(build_project(), target)
    assert zipfile.is_zipfile(target)
    assert list(target.parent.iterdir()) == [target]


def test_invalid_colour_is_left_out_and_reported():
    project = build_project()
    codes = list(project.codebook.codes)
    codes[-1] = Code(id="sdm", name="Sumber daya manusia", colour="rgb(1,2,3)")
    project.codebook = Codebook(name="x", version="1", codes=tuple(codes))
    data, losses = build_qdpx(project)
    assert qde(data).find(".//q:Code[@name='Sumber daya manusia']", NS).get("color") is None
    assert any("colour" in loss for loss in losses)


def test_export_warnings_name_what_is_lost():
    warnings = export_warnings(build_project())
    text = "\n".join(warnings)
    assert "1 rejected coding(s) left out" in text
    assert "valence" in text
    assert "keywords" in text


@needs_schemas
def test_project_validates_with_lxml_and_xmlschema(tmp_path: Path):
    path = tmp_path / "proyek.qdpx"
    write_qdpx(build_project(), path)
    assert validate_qdpx(path) == []
    write_qdpx(build_project(), path, pseudonyms=PSEUDONYMS, include_rejected=True)
    assert validate_qdpx(path) == []


@needs_schemas
def test_minimal_project_validates(tmp_path: Path):
    path = tmp_path / "empty.qdpx"
    write_qdpx(ProjectData(name="kosong", codebook=Codebook(name="cb", version="0")), path)
    assert validate_qdpx(path) == []


# --------------------------------------------------------------------------- pseudonyms


def test_pseudonyms_replace_names_in_text_and_metadata_everywhere():
    data = export(build_project(), pseudonyms=PSEUDONYMS)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in zf.namelist():
            content = zf.read(name).decode("utf-8")
            for real in REAL_NAMES:
                assert real not in content, (real, name)
        root = etree.fromstring(zf.read("project.qde"))
        src = root.find("q:Sources/q:TextSource", NS)
        text = zf.read(f"sources/{src.get('guid')}.txt").decode("utf-8")
    assert src.get("name") == "Wawancara Informan Satu.txt"
    assert "Pak Informan Satu." in text and "Bu Staf A yang" in text
    assert root.get("name") == "Kinerja Kecamatan Mawar"


def test_pseudonymised_offsets_point_at_the_same_words():
    project = build_project()
    ps = Pseudonymiser(PSEUDONYMS)
    data = export(project, pseudonyms=PSEUDONYMS)
    root = qde(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        texts = {
            s.get("name"): zf.read(f"sources/{s.get('guid')}.txt").decode("utf-8")
            for s in root.findall(".//q:TextSource", NS)
        }
    doc2 = texts["Observasi loket.txt"]
    sels = root.findall(
        "q:Sources/q:TextSource[@name='Observasi loket.txt']/q:PlainTextSelection", NS
    )
    quotes = sorted(doc2[int(s.get("startPosition")) : int(s.get("endPosition"))] for s in sels)
    assert quotes == sorted(
        [
            "Petugas menjelaskan prosedur dengan ramah",
            "antrean 𝟏𝟐 orang",
            ps.text("Budi Santoso memeriksa berkas"),
        ]
    )


def test_offset_remap_keeps_spans_on_whole_names():
    ps = Pseudonymiser({"Budi Santoso": "B", "Ani": "Informan Dua"})
    text = "Pak Budi Santoso dan Ani bertemu."
    new, remap = ps.text_with_remap(text)
    assert new == "Pak B dan Informan Dua bertemu."
    for phrase in ("Pak Budi Santoso", "dan Ani", "bertemu.", "Pak", "Ani bertemu"):
        s, e = span(text, phrase)
        assert new[remap.map(s, side="start") : remap.map(e, side="end")] == ps.text(phrase)
    # a span starting or ending inside a name grows to the whole pseudonym
    s, e = span(text, "Santoso dan An")
    assert new[remap.map(s, side="start") : remap.map(e, side="end")] == "B dan Informan Dua"
    assert OffsetRemap().map(7, side="end") == 7


def test_pseudonyms_match_whole_words_only():
    ps = Pseudonymiser({"Ani": "X"})
    assert ps.text("Ani, Tani dan Anita") == "X, Tani dan Anita"


# --------------------------------------------------------------------------- codebook


def test_write_qdc_structure(tmp_path: Path):
    path = tmp_path / "kinerja.qdc"
    cb = build_codebook()
    write_qdc(cb, path)
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert f'codebook "{cb.name}" version 1.2 (hash {cb.content_hash()})' in root.get("origin")
    top = root.findall("c:Codes/c:Code", CB_NS)
    assert [c.get("name") for c in top] == ["Kinerja", "Sumber daya manusia"]
    members = root.findall("c:Sets/c:Set/c:MemberCode", CB_NS)
    assert len(members) == 3 and all(m.get("guid") and not m.get("targetGUID") for m in members)
    assert not root.findall(".//c:NoteRef", CB_NS)


@needs_schemas
def test_qdc_validates_with_lxml_and_xmlschema(tmp_path: Path):
    path = tmp_path / "kinerja.qdc"
    write_qdc(build_codebook(), path)
    assert validate_qdc(path) == []


def test_schemas_missing_gives_a_clear_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import qualcode.exchange.validate as validate

    monkeypatch.setattr(validate, "schema_search_path", lambda schema_dir=None: [tmp_path])
    path = tmp_path / "p.qdpx"
    write_qdpx(build_project(), path)
    problems = validate.validate_qdpx(path)
    assert len(problems) == 1
    assert "was not found" in problems[0] and "QUALCODE_REFI_SCHEMAS" in problems[0]
