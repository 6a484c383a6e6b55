"""Tests for qualcode.codebook: the default codebook, the format rules and the safe loader."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode import codebook as cbm
from qualcode.codebook import (
    CODE_KEYS,
    FORMAT,
    default_codebook_path,
    dump_codebook,
    load_codebook,
    normalize_term,
    parse_codebook,
    save_codebook,
    template_names,
    template_path,
    validate_code,
    with_code,
    without_code,
)
from qualcode.errors import CodebookError
from qualcode.model import Code, Codebook, Framework, ValenceCues

ROOT = Path(__file__).resolve().parents[1]

DWIYANTO = (
    "produktivitas",
    "kualitas_layanan",
    "responsivitas",
    "responsibilitas",
    "akuntabilitas",
)
MAHMUDI = (
    "faktor_individu",
    "faktor_kepemimpinan",
    "faktor_tim",
    "faktor_sistem",
    "faktor_kontekstual",
)

# Words too common in Indonesian office talk to mark a code on their own.
GENERIC_WORDS = {
    "kerja", "bekerja", "pekerjaan", "data", "pegawai", "kinerja", "hasil", "sesuai", "baik",
    "tugas", "bagian", "pemerintah", "pemerintahan", "daerah", "kegiatan", "program", "kantor",
    "masyarakat", "publik", "sistem", "kebijakan", "waktu", "salah", "tahu", "sama", "atas",
    "bawah", "guna", "lingkungan", "jabatan", "keluar", "minta", "harga", "tentu",
}  # fmt: skip

# Header lines 1-7 of the small documents below; the codes start on line 8.
HEADER = (
    "format: qualcode-codebook/1\n"
    "name: Studi kecil\n"
    'version: "1"\n'
    "frameworks:\n"
    "  - id: teori\n"
    "    name: Teori saya\n"
    "codes:\n"
)


def doc(codes: str) -> str:
    return HEADER + codes


def parse_error(text: str) -> CodebookError:
    with pytest.raises(CodebookError) as info:
        parse_codebook(text, source="codebook.yaml")
    return info.value


@pytest.fixture(scope="module")
def default() -> Codebook:
    return load_codebook()


# --------------------------------------------------------------------------- default codebook


def test_default_codebook_loads_from_the_package(default: Codebook) -> None:
    assert default.source_path == str(default_codebook_path())
    assert default.language == "id"
    assert default.name and default.version and default.description


def test_default_codebook_has_exactly_the_ten_codable_codes(default: Codebook) -> None:
    codable = tuple(c.id for c in default.codes if c.codable)
    assert sorted(codable) == sorted(DWIYANTO + MAHMUDI)
    assert len(codable) == 10
    grouping = {c.id for c in default.codes if not c.codable}
    assert grouping == {"indikator_kinerja", "faktor_kinerja"}


def test_default_codebook_frameworks_and_parents(default: Codebook) -> None:
    assert {f.id for f in default.frameworks} == {"dwiyanto", "mahmudi"}
    for code_id in DWIYANTO:
        code = default.code(code_id)
        assert (code.framework, code.parent) == ("dwiyanto", "indikator_kinerja")
    for code_id in MAHMUDI:
        code = default.code(code_id)
        assert (code.framework, code.parent) == ("mahmudi", "faktor_kinerja")
    assert {c.id for c in default.children(None)} == {"indikator_kinerja", "faktor_kinerja"}
    for framework in default.frameworks:
        assert framework.name and framework.author and framework.reference


@pytest.mark.parametrize("code_id", DWIYANTO + MAHMUDI)
def test_default_code_is_rich_and_documented(default: Codebook, code_id: str) -> None:
    code = default.code(code_id)
    assert len(code.keywords) + len(code.phrases) >= 30
    assert 30 <= len(code.keywords) <= 70, len(code.keywords)
    assert 10 <= len(code.phrases) <= 40, len(code.phrases)
    assert code.supporting_cues and code.inhibiting_cues
    for field in ("name_en", "definition", "when_to_use", "when_not_to_use", "example"):
        assert len(getattr(code, field)) > 20 or field == "name_en", field
        assert getattr(code, field), field
    assert all(" " not in k for k in code.keywords)
    assert all(" " in p for p in code.phrases)


@pytest.mark.parametrize("code_id", DWIYANTO + MAHMUDI)
def test_default_example_is_found_by_its_own_vocabulary(default: Codebook, code_id: str) -> None:
    code = default.code(code_id)
    example = normalize_term(code.example)
    words = set(re.findall(r"[\w-]+", example))
    assert words & set(code.keywords) or any(p in example for p in code.phrases)


def test_default_colours_are_distinct_and_not_the_fallback(default: Codebook) -> None:
    colours = [c.colour for c in default.codes]
    assert len(set(colours)) == len(colours)
    assert "#999999" not in colours


def test_default_keywords_avoid_generic_words_and_belong_to_one_code(default: Codebook) -> None:
    owner: dict[str, str] = {}
    for code in default.codes:
        for term in code.keywords + code.phrases:
            assert term not in GENERIC_WORDS, (code.id, term)
            assert term not in owner, (term, owner.get(term), code.id)
            owner[term] = code.id


def test_default_keyword_roots_are_not_generic_nor_shared() -> None:
    factory = pytest.importorskip("Sastrawi.Stemmer.StemmerFactory")
    stem = factory.StemmerFactory().create_stemmer().stem
    roots: dict[str, str] = {}
    for code in load_codebook().codes:
        for keyword in code.keywords:
            root = stem(keyword)
            assert root not in GENERIC_WORDS, (code.id, keyword, root)
            assert roots.setdefault(root, code.id) == code.id, (keyword, root, roots[root])


def test_default_cues(default: Codebook) -> None:
    cues = default.cues
    for word in ("mendukung", "meningkat", "baik", "efektif", "lancar", "harmonis", "tercapai"):
        assert word in cues.supporting
    for word in ("kendala", "hambatan", "kurang", "lemah", "lambat", "terbatas", "molor", "error"):
        assert word in cues.inhibiting
    for word in (
        "tidak",
        "tak",
        "bukan",
        "belum",
        "tanpa",
        "gak",
        "nggak",
        "ndak",
        "mboten",
        "ora",
    ):
        assert word in cues.negators
    for phrase in ("belum optimal", "belum maksimal", "masih kurang", "lumayan"):
        assert phrase in cues.hedges


@pytest.mark.parametrize("name", [None, *template_names()])
def test_keywords_and_code_cues_do_not_repeat_codebook_wide_cues(name: str | None) -> None:
    book = load_codebook(None if name is None else template_path(name))
    wide = set(book.cues.supporting + book.cues.inhibiting + book.cues.negators + book.cues.hedges)
    for code in book.codes:
        assert not wide & set(code.keywords), code.id
        assert not wide & set(code.supporting_cues + code.inhibiting_cues), code.id


def test_packaged_copy_is_identical_to_the_project_codebook() -> None:
    assert (ROOT / "codebook.yaml").read_bytes() == default_codebook_path().read_bytes()


def test_templates_load() -> None:
    assert {"edward_iii", "servqual", "van_meter_van_horn"} <= set(template_names())
    edward = load_codebook(template_path("edward_iii"))
    assert {c.id for c in edward.codes} == {
        "komunikasi",
        "sumber_daya",
        "disposisi",
        "struktur_birokrasi",
    }
    servqual = load_codebook(template_path("servqual"))
    assert len(servqual.codes) == 5
    for name in template_names():
        book = load_codebook(template_path(name))
        assert all(len(c.keywords) + len(c.phrases) >= 25 for c in book.codes), name
    with pytest.raises(CodebookError, match="no template codebook named 'nope'"):
        template_path("nope")


def test_content_hash_is_stable_and_tracks_vocabulary(default: Codebook) -> None:
    again = load_codebook(ROOT / "codebook.yaml")
    assert again.content_hash() == default.content_hash()
    code = default.code("produktivitas")
    changed = with_code(default, dataclasses.replace(code, keywords=(*code.keywords, "kuota")))
    assert changed.content_hash() != default.content_hash()


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("name", [None, *template_names()])
def test_dump_round_trip(name: str | None) -> None:
    book = load_codebook(None if name is None else template_path(name))
    text = dump_codebook(book)
    assert text.startswith(f"# qualcode codebook, format {FORMAT}")
    again = parse_codebook(text)
    assert again == dataclasses.replace(book, source_path=None)
    assert again.content_hash() == book.content_hash()


def test_save_and_load_round_trip(tmp_path: Path, default: Codebook) -> None:
    target = save_codebook(default, tmp_path / "codebook.yaml")
    again = load_codebook(target)
    assert again == dataclasses.replace(default, source_path=str(target))
    assert [p.name for p in tmp_path.iterdir()] == ["codebook.yaml"]


_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=120).map(
    str.strip
)
_word = st.from_regex(r"[a-z][a-z0-9\-]{0,12}", fullmatch=True)
_phrase = st.lists(_word, min_size=2, max_size=4).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts=st.lists(_text, min_size=6, max_size=6),
    multiline=st.text(alphabet="ab: #\n", max_size=40).map(str.strip),
    keywords=st.lists(_word, unique=True, max_size=8),
    phrases=st.lists(_phrase, unique=True, max_size=5),
)
def test_dump_round_trip_of_arbitrary_text(
    texts: list[str], multiline: str, keywords: list[str], phrases: list[str]
) -> None:
    name, name_en, definition, when, when_not, version = texts
    code = Code(
        id="kode",
        name=name or "Kode",
        name_en=name_en,
        framework="teori",
        definition=definition,
        when_to_use=when,
        when_not_to_use=when_not,
        example=multiline,
        keywords=tuple(keywords),
        phrases=tuple(phrases),
    )
    book = Codebook(
        name="Uji",
        version=version or "1",
        frameworks=(Framework(id="teori", name="Teori", description=definition),),
        codes=(code,),
        cues=ValenceCues(negators=("tidak",), hedges=tuple(phrases)),
    )
    assert parse_codebook(dump_codebook(book)) == book


def _all_terms(book: Codebook) -> set[str]:
    terms = {
        t
        for key in ("supporting", "inhibiting", "negators", "hedges")
        for t in getattr(book.cues, key)
    }
    for code in book.codes:
        terms |= {*code.keywords, *code.phrases, *code.supporting_cues, *code.inhibiting_cues}
    return terms


# Terms YAML would not write plain, or would read back as something else.
_AWKWARD_TERMS = (
    "yes", "No", "TRUE", "false", "on", "Off", "null", "NULL", "~", "y", "n", "", " a",
    "a ", "a  b", "2020", "2001-12-14", "1e5", "1.5", ".inf", "inf", "nan", ".NaN", "0x1f",
    "1:20", "1_000", "-", "- a", "a-", "-a", "a- b", "e-office", "covid-19", "jum'at",
    "a: b", "a:b", "#a", "a #b", "a,b", "[a]", "{a}", "a&b", "*a", "!a", "|a", ">a", "%a",
    "@a", "`a", '"a"', "'a'", "?a", "a?", "café", "kerja sama", "sp4n-lapor", "=", "<<",
)  # fmt: skip


@pytest.mark.parametrize("name", [None, *template_names()])
def test_flow_items_are_written_as_yaml_writes_them(name: str | None) -> None:
    book = load_codebook(None if name is None else template_path(name))
    for term in sorted(_all_terms(book)) + list(_AWKWARD_TERMS):
        item = cbm._flow_item(term)
        assert item == cbm._yaml_flow_item(term), term
        assert yaml.safe_load(f"[{item}]") == [term], term


@settings(max_examples=300, deadline=None)
@given(term=st.text(alphabet="abyesnoTruNL019 -_.:'", max_size=12))
def test_flow_item_fast_path_matches_yaml(term: str) -> None:
    assert cbm._flow_item(term) == cbm._yaml_flow_item(term)


@pytest.mark.parametrize(
    "path", [None, ROOT / "codebook.yaml", *map(template_path, template_names())]
)
def test_dump_is_byte_identical_to_dumping_every_term_with_yaml(
    path: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_codebook(path)
    fast = dump_codebook(book)
    monkeypatch.setattr(cbm, "_flow_item", cbm._yaml_flow_item)
    slow = dump_codebook(book)
    assert fast == slow
    assert yaml.safe_load(fast) == yaml.safe_load(slow)
    assert parse_codebook(fast) == dataclasses.replace(book, source_path=None)


# --------------------------------------------------------------------------- a researcher's own


def test_minimal_researcher_codebook_loads(tmp_path: Path) -> None:
    path = tmp_path / "kodeku.yaml"
    path.write_text(
        doc("  - id: koordinasi\n    name: Koordinasi\n    framework: teori\n"), encoding="utf-8"
    )
    book = load_codebook(path)
    assert book.source_path == str(path)
    assert book.frameworks == (Framework(id="teori", name="Teori saya"),)
    assert book.codes == (Code(id="koordinasi", name="Koordinasi", framework="teori"),)
    assert book.cues == ValenceCues()
    assert book.language == "id"


def test_terms_are_normalised_and_text_kept_as_written() -> None:
    book = parse_codebook(
        doc(
            "  - id: kode_a\n"
            "    name: Kode A\n"
            "    framework: teori\n"
            '    colour: "#1f77b4"\n'
            "    keywords: ['  IKU ', LKjIP]\n"
            "    phrases:\n"
            "      - Tepat   Waktu\n"
            "      - 'Indeks  Kepuasan\tMasyarakat'\n"
            "    definition: >-\n"
            "      Teks panjang\n"
            "      dua baris.\n"
        )
    )
    code = book.code("kode_a")
    assert code.keywords == ("iku", "lkjip")
    assert code.phrases == ("tepat waktu", "indeks kepuasan masyarakat")
    assert code.colour == "#1F77B4"
    assert code.definition == "Teks panjang dua baris."


def test_scalars_are_read_as_written_not_converted() -> None:
    text = doc(
        "  - id: kode_a\n    name: yes\n    framework: teori\n    keywords: [on, 2024, 1.10]\n"
    ).replace('version: "1"', "version: 1.10")
    book = parse_codebook(text)
    assert book.version == "1.10"
    assert book.code("kode_a").name == "yes"
    assert book.code("kode_a").keywords == ("on", "2024", "1.10")


def test_code_keys_match_the_model() -> None:
    assert set(CODE_KEYS) == {f.name for f in dataclasses.fields(Code)}


# --------------------------------------------------------------------------- malformed files

CODE = "  - id: kode_a\n    name: Kode A\n    framework: teori\n"  # lines 8-10
SECOND_FRAMEWORK = "    name: Teori saya\n  - id: teori\n    name: X\n"
CUES_BOTH_WAYS = "cues:\n  supporting: [lancar]\n  inhibiting: [lancar]\ncodes:\n"

MALFORMED = [
    pytest.param(
        doc(CODE + "    keyword: [target]\n"),
        11, 5, "kode_a", "unknown key 'keyword' (did you mean 'keywords'?)",
        id="unknown-code-key",
    ),
    pytest.param(
        doc(CODE + "    color: '#FF0000'\n"),
        11, 5, "kode_a", "unknown key 'color' (did you mean 'colour'?)",
        id="american-colour",
    ),
    pytest.param(
        doc(CODE + "    sinonim: [a]\n"),
        11, 5, "kode_a", "unknown key 'sinonim' in code #1; allowed keys: id, name,",
        id="unknown-key-without-suggestion",
    ),
    pytest.param(
        HEADER.replace("frameworks:", "descripton: x\nframeworks:") + CODE,
        4, 1, None, "unknown key 'descripton' (did you mean 'description'?)",
        id="unknown-top-level-key",
    ),
    pytest.param(
        doc("  - name: Tanpa id\n    framework: teori\n"),
        8, 5, None, "code #1 is missing the required key 'id'",
        id="missing-id",
    ),
    pytest.param(
        doc("  - id: kode_a\n    framework: teori\n"),
        8, 5, "kode_a", "code #1 is missing the required key 'name'",
        id="missing-name",
    ),
    pytest.param(
        doc(CODE + "  - id: kode_b\n    name: Kode B\n"),
        11, 5, "kode_b", "code #2 is missing the required key 'framework'",
        id="missing-framework",
    ),
    pytest.param(
        doc("  - id: kode_a\n    name:\n    framework: teori\n"),
        9, 10, "kode_a", "'name' must not be empty",
        id="empty-name",
    ),
    pytest.param(
        doc(CODE + "    keywords: target, capaian\n"),
        11, 15, "kode_a", "'keywords' must be a list of words or phrases, found the text 'target",
        id="keywords-as-string",
    ),
    pytest.param(
        doc(CODE + "    keywords: 5\n"),
        11, 15, "kode_a", "'keywords' must be a list of words or phrases, found a number (5)",
        id="keywords-as-number",
    ),
    pytest.param(
        doc(CODE + "    keywords: [target, [a, b]]\n"),
        11, 24, "kode_a", "each item of 'keywords' must be a word or phrase, found a list",
        id="keyword-item-is-a-list",
    ),
    pytest.param(
        doc(CODE + "    definition: [a, b]\n"),
        11, 17, "kode_a", "'definition' must be text, found a list",
        id="definition-as-list",
    ),
    pytest.param(
        doc(CODE + "    colour: red\n"),
        11, 13, "kode_a", "colour 'RED' is not of the form #RRGGBB",
        id="colour-name",
    ),
    pytest.param(
        doc(CODE + '    colour: "#12345"\n'),
        11, 13, "kode_a", "colour '#12345' is not of the form #RRGGBB",
        id="colour-short",
    ),
    pytest.param(
        doc(CODE + "    codable: ya\n"),
        11, 14, "kode_a", "'codable' must be true or false, found the text 'ya'",
        id="codable-not-bool",
    ),
    pytest.param(
        doc("  - id: Produktivitas\n    name: P\n    framework: teori\n"),
        8, 9, "Produktivitas", "id 'Produktivitas' is not valid",
        id="id-uppercase",
    ),
    pytest.param(
        doc("  - id: kode-a\n    name: P\n    framework: teori\n"),
        8, 9, "kode-a", "id 'kode-a' is not valid",
        id="id-hyphen",
    ),
    pytest.param(
        doc(CODE + "  - id: kode_a\n    name: Lagi\n    framework: teori\n"),
        11, 9, "kode_a", "code id 'kode_a' is used twice, at lines 8 and 11",
        id="duplicate-id",
    ),
    pytest.param(
        doc(CODE + "    parent: induk\n"),
        11, 13, "kode_a", "unknown parent 'induk'; a parent must be the id of another code",
        id="unknown-parent",
    ),
    pytest.param(
        doc(CODE + "    parent: kode_b\n  - id: kode_b\n    name: B\n    framework: teori\n"
            "    parent: kode_a\n"),
        11, 13, "kode_a", "parent cycle: kode_a -> kode_b -> kode_a",
        id="parent-cycle",
    ),
    pytest.param(
        doc(CODE + "    parent: kode_a\n"),
        11, 13, "kode_a", "a code cannot be its own parent",
        id="own-parent",
    ),
    pytest.param(
        doc("  - id: kode_a\n    name: A\n    framework: teory\n"),
        10, 16, "kode_a",
        "unknown framework 'teory' (did you mean 'teori'?); declared frameworks: teori",
        id="unknown-framework",
    ),
    pytest.param(
        HEADER.replace("codes:\n", "codes: []\n"),
        7, 8, None, "the codebook has no codes",
        id="empty-codes",
    ),
    pytest.param(
        HEADER,
        7, 7, None, "the codebook has no codes",
        id="null-codes",
    ),
    pytest.param(
        HEADER.replace("codes:\n", ""),
        1, 1, None, "the codebook is missing the required key 'codes'",
        id="missing-codes",
    ),
    pytest.param(
        doc("  - id: kode_a\n    name: A\n    framework: teori\n    codable: false\n"),
        8, 3, None, "at least one code must be codable",
        id="nothing-codable",
    ),
    pytest.param(
        doc("  - kode_a\n"),
        8, 5, None, "code #1 must be a mapping of 'key: value' lines",
        id="code-not-a-mapping",
    ),
    pytest.param(
        doc(CODE).replace("qualcode-codebook/1", "qualcode-codebook/2"),
        1, 9, None, "unsupported format 'qualcode-codebook/2': this version of qualcode reads",
        id="format-2",
    ),
    pytest.param(
        doc(CODE).replace("format: qualcode-codebook/1\n", ""),
        1, 1, None, "the codebook is missing the required key 'format'",
        id="format-missing",
    ),
    pytest.param(
        doc(CODE + "    keywords: [target, capaian, Target]\n"),
        11, 33, "kode_a", "'keywords' lists 'target' twice (first at line 11)",
        id="keyword-repeated",
    ),
    pytest.param(
        doc(CODE + "    keywords: [tepat waktu]\n"),
        11, 16, "kode_a", "keyword 'tepat waktu' has several words; list it under 'phrases'",
        id="keyword-with-space",
    ),
    pytest.param(
        doc(CODE + "    phrases:\n      - kinerja\n"),
        12, 9, "kode_a", "phrase 'kinerja' is a single word; list it under 'keywords'",
        id="phrase-one-word",
    ),
    pytest.param(
        doc(CODE + "    supporting_cues: [lancar]\n    inhibiting_cues: [lambat, lancar]\n"),
        12, 31, "kode_a", "cue 'lancar' is listed as both supporting and inhibiting",
        id="code-cue-both-ways",
    ),
    pytest.param(
        doc(CODE + "    name: Lagi\n"),
        11, 5, "kode_a", "key 'name' appears twice in code #1 (first at line 9)",
        id="duplicate-key",
    ),
    pytest.param(
        HEADER.replace("  - id: teori\n    name: Teori saya\n", "  []\n") + CODE,
        5, 3, None, "'frameworks' must list at least one framework",
        id="no-frameworks",
    ),
    pytest.param(
        HEADER.replace("    name: Teori saya\n", SECOND_FRAMEWORK) + CODE,
        7, 9, None, "framework id 'teori' is used twice, at lines 5 and 7",
        id="duplicate-framework",
    ),
    pytest.param(
        HEADER.replace("    name: Teori saya\n", "") + CODE,
        5, 5, None, "a framework is missing the required key 'name'",
        id="framework-without-name",
    ),
    pytest.param(
        HEADER.replace("codes:\n", CUES_BOTH_WAYS) + CODE,
        9, 16, None, "cue 'lancar' is listed as both supporting and inhibiting",
        id="global-cue-both-ways",
    ),
    pytest.param(
        HEADER.replace("codes:\n", "cues:\n  negators: [tidak ada]\ncodes:\n") + CODE,
        8, 14, None, "negator 'tidak ada' has several words",
        id="negator-phrase",
    ),
    pytest.param(
        HEADER.replace("codes:\n", "cues:\n  hedge: [lumayan]\ncodes:\n") + CODE,
        8, 3, None, "unknown key 'hedge' (did you mean 'hedges'?)",
        id="unknown-cue-key",
    ),
    pytest.param(
        "- produktivitas\n- kualitas_layanan\n",
        1, 1, None, "a codebook must be a mapping with the keys format, name, version",
        id="top-level-list",
    ),
    pytest.param(
        "just some text\n",
        1, 1, None, "found the text 'just some text' at the top level",
        id="top-level-text",
    ),
    pytest.param(
        "# hanya komentar\n",
        1, 1, None, "the codebook is empty",
        id="only-comments",
    ),
    pytest.param(
        doc(CODE + "    definition: Contoh: ini rusak\n"),
        11, 23, None, "YAML syntax error: mapping values are not allowed here; text that",
        id="syntax-colon",
    ),
    pytest.param(
        doc(CODE + "    keywords: [target, capaian\n  - id: kode_b\n"),
        12, 7, None, "YAML syntax error: expected ',' or ']', but got ':'",
        id="syntax-unclosed-list",
    ),
    pytest.param(
        doc("  - id: kode_a\n\tname: Kode A\n"),
        9, 1, None, "found character '\\t' that cannot start any token",
        id="syntax-tab",
    ),
    pytest.param(
        doc("  - id: kode_a\n    name: Kode \x07A\n    framework: teori\n"),
        9, 16, None, "control character YAML does not allow (U+0007)",
        id="control-character",
    ),
    pytest.param(
        doc(CODE + "---\nformat: x\n"),
        11, 1, None, "but found another document",
        id="two-documents",
    ),
    pytest.param(
        doc("  - id: kode_a\n    name: *nama\n    framework: teori\n"),
        9, 11, None, "found undefined alias 'nama'",
        id="undefined-alias",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("text", "line", "column", "code_id", "message"), MALFORMED)
def test_malformed_codebook_is_refused_with_its_position(
    text: str, line: int, column: int, code_id: str | None, message: str
) -> None:
    error = parse_error(text)
    assert message in error.message
    assert (error.path, error.line, error.column, error.code_id) == (
        "codebook.yaml",
        line,
        column,
        code_id,
    )


def test_error_reads_as_one_line_with_file_position_and_code() -> None:
    error = parse_error(doc(CODE + "    keyword: [target]\n"))
    assert str(error) == (
        "codebook.yaml:11:5, code 'kode_a': unknown key 'keyword' (did you mean 'keywords'?)"
    )


# --------------------------------------------------------------------------- unsafe files


@pytest.mark.parametrize(
    ("text", "line", "column", "tag"),
    [
        ("!!python/object/apply:os.system ['touch {marker}']\n", 1, 1, "!!python/object/apply"),
        (doc("  - id: kode_a\n    name: !!python/object/apply:os.system ['touch {marker}']\n"
             "    framework: teori\n"), 9, 11, "!!python/object/apply:os.system"),
        (doc(CODE + "    keywords: !!python/name:os.system\n"), 11, 15, "!!python/name:os.system"),
        (doc("  - id: kode_a\n    name: !foo Kode A\n    framework: teori\n"), 9, 11, "'!foo'"),
        (doc(CODE + "    keywords: !!set {a: null}\n"), 11, 15, "'!!set'"),
        (doc("  - id: kode_a\n    name: !!binary aGVsbG8=\n    framework: teori\n"), 9, 11,
         "'!!binary'"),
    ],
)  # fmt: skip
def test_non_standard_tags_are_refused_and_nothing_runs(
    tmp_path: Path, text: str, line: int, column: int, tag: str
) -> None:
    marker = tmp_path / "executed"
    error = parse_error(text.replace("{marker}", str(marker)))
    assert tag in error.message and "is not allowed" in error.message
    assert (error.line, error.column) == (line, column)
    assert not marker.exists()


def test_standard_tags_are_accepted() -> None:
    book = parse_codebook(doc("  - id: kode_a\n    name: !!str 123\n    framework: teori\n"))
    assert book.code("kode_a").name == "123"


def test_merge_keys_are_refused() -> None:
    error = parse_error(
        doc("  - &base\n    id: kode_a\n    name: A\n    framework: teori\n"
            "  - <<: *base\n    id: kode_b\n")
    )  # fmt: skip
    assert "merge keys ('<<') are not supported" in error.message
    assert (error.line, error.column) == (12, 5)


BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
)


def test_billion_laughs_is_refused_quickly() -> None:
    started = time.perf_counter()
    error = parse_error(BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0
    assert "expands to more than 100000 values" in error.message
    assert (error.line, error.column) == (6, 4)


def test_billion_laughs_inside_a_codebook_is_refused_quickly() -> None:
    text = (
        HEADER.replace("codes:\n", "description: x\n")
        + "x:\n"
        + "".join("  " + line + "\n" for line in BILLION_LAUGHS.splitlines())
    )
    started = time.perf_counter()
    error = parse_error(text)
    assert time.perf_counter() - started < 1.0
    assert "expands to more than" in error.message


def test_too_many_aliases_are_refused() -> None:
    error = parse_error("a: &x kata\nb: [" + ", ".join(["*x"] * 101) + "]\n")
    assert "too many aliases (more than 100)" in error.message
    assert (error.line, error.column) == (2, 405)


def test_a_few_aliases_are_allowed() -> None:
    text = doc(
        "  - id: kode_a\n    name: A\n    framework: teori\n    keywords: &kata [target, capaian]\n"
        "  - id: kode_b\n    name: B\n    framework: teori\n    supporting_cues: *kata\n"
    )
    book = parse_codebook(text)
    assert book.code("kode_b").supporting_cues == ("target", "capaian")


def test_recursive_alias_is_refused() -> None:
    error = parse_error(doc(CODE + "    keywords: &k [a, *k]\n"))
    assert "alias '*k' refers to a value that contains it" in error.message
    assert (error.line, error.column) == (11, 22)


def test_node_limit_is_a_parameter() -> None:
    text = doc(CODE + "    keywords: [" + ", ".join(f"kata{i}" for i in range(50)) + "]\n")
    with pytest.raises(CodebookError, match="expands to more than 40 values"):
        parse_codebook(text, max_nodes=40)
    assert len(parse_codebook(text).code("kode_a").keywords) == 50


def test_deep_nesting_is_refused_quickly() -> None:
    started = time.perf_counter()
    error = parse_error("a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert time.perf_counter() - started < 1.0
    assert "nested more than 32 levels deep" in error.message
    assert (error.line, error.column) == (1, 35)


def test_oversize_text_is_refused() -> None:
    text = doc(CODE) + "# " + "x" * (2 * 1024 * 1024) + "\n"
    with pytest.raises(CodebookError, match="over the 2.0 MB limit"):
        parse_codebook(text)


def test_oversize_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "besar.yaml"
    path.write_text(doc(CODE) + "# " + "x" * 500 + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="limit for a codebook") as info:
        load_codebook(path, max_bytes=400)
    assert info.value.path == str(path)
    assert load_codebook(path).code_ids == ("kode_a",)


def test_file_errors(tmp_path: Path) -> None:
    missing = tmp_path / "tidak-ada.yaml"
    with pytest.raises(CodebookError, match="codebook file not found") as info:
        load_codebook(missing)
    assert info.value.path == str(missing)
    with pytest.raises(CodebookError, match="is a folder"):
        load_codebook(tmp_path)
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(b"format: qualcode-codebook/1\nname: caf\xe9\n")
    with pytest.raises(CodebookError, match="not UTF-8 text") as info:
        load_codebook(latin)
    assert (info.value.line, info.value.column) == (2, 10)
    empty = tmp_path / "kosong.yaml"
    empty.write_bytes(b"")
    with pytest.raises(CodebookError, match="the codebook is empty"):
        load_codebook(empty)


def test_file_with_bom_and_crlf_loads(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + doc(CODE).replace("\n", "\r\n").encode("utf-8"))
    assert load_codebook(path).code_ids == ("kode_a",)


def test_errors_from_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(doc(CODE + "    keyword: [target]\n"), encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert str(info.value).startswith(f"{path}:11:5, code 'kode_a': unknown key 'keyword'")


# --------------------------------------------------------------------------- editing one code


@pytest.fixture()
def small() -> Codebook:
    return parse_codebook(
        doc(CODE + "  - id: kode_b\n    name: B\n    framework: teori\n    parent: kode_a\n")
    )


def test_with_code_adds_a_normalised_code(small: Codebook) -> None:
    new = Code(
        id="kode_c",
        name=" Kode C ",
        framework="teori",
        parent="kode_a",
        colour="#abcdef",
        keywords=["  IKU", "Capaian "],
        phrases=("Tepat  Waktu",),
    )
    book = with_code(small, new)
    assert book.code_ids == ("kode_a", "kode_b", "kode_c")
    added = book.code("kode_c")
    assert (added.name, added.colour) == ("Kode C", "#ABCDEF")
    assert added.keywords == ("iku", "capaian")
    assert added.phrases == ("tepat waktu",)
    assert small.code_ids == ("kode_a", "kode_b")  # the original is unchanged


def test_with_code_replaces_in_place(small: Codebook) -> None:
    edited = dataclasses.replace(small.code("kode_a"), name="Kode A baru")
    book = with_code(small, edited)
    assert book.code_ids == ("kode_a", "kode_b")
    assert book.code("kode_a").name == "Kode A baru"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"colour": "merah"}, "field 'colour': colour 'MERAH' is not of the form #RRGGBB"),
        ({"id": "Kode C"}, "field 'id': id 'Kode C' is not valid"),
        ({"name": "  "}, "field 'name': 'name' must not be empty"),
        ({"framework": "lain"}, "field 'framework': unknown framework 'lain'"),
        ({"parent": "induk"}, "field 'parent': unknown parent 'induk'"),
        ({"keywords": "target"}, "field 'keywords': must be a list of words or phrases, got str"),
        ({"keywords": ("target", 5)}, "field 'keywords': each item must be text, got int"),
        ({"keywords": ("tepat waktu",)}, "field 'keywords': keyword 'tepat waktu' has several"),
        ({"keywords": ("target", "Target")}, "field 'keywords': 'keywords' lists 'target' twice"),
        ({"phrases": ("kinerja",)}, "field 'phrases': phrase 'kinerja' is a single word"),
        ({"codable": "ya"}, "field 'codable': must be True or False"),
    ],
)
def test_validate_code_names_the_code_and_field(
    small: Codebook, changes: dict[str, object], message: str
) -> None:
    code = Code(id="kode_c", name="Kode C", framework="teori")
    bad = dataclasses.replace(code, **changes)
    with pytest.raises(CodebookError) as info:
        validate_code(small, bad)
    assert message in info.value.message
    assert info.value.code_id == bad.id


def test_validate_code_refuses_a_parent_cycle(small: Codebook) -> None:
    looped = dataclasses.replace(small.code("kode_a"), parent="kode_b")
    with pytest.raises(CodebookError) as info:
        with_code(small, looped)
    assert info.value.message == "field 'parent': parent cycle: kode_a -> kode_b -> kode_a"
    assert info.value.code_id == "kode_a"


def test_without_code(small: Codebook) -> None:
    with pytest.raises(CodebookError, match=r"has child codes \(kode_b\)"):
        without_code(small, "kode_a")
    assert without_code(small, "kode_b").code_ids == ("kode_a",)
    with pytest.raises(CodebookError, match="no such code"):
        without_code(small, "kode_z")
    with pytest.raises(CodebookError, match="at least one codable code"):
        without_code(without_code(small, "kode_b"), "kode_a")


def test_module_never_calls_unsafe_yaml_loading() -> None:
    source = Path(cbm.__file__).read_text(encoding="utf-8")
    assert "yaml.load(" not in source
    assert "unsafe_load" not in source
    assert "FullLoader" not in source and "UnsafeLoader" not in source


def test_documented_example_codebook_loads() -> None:
    text = (ROOT / "docs" / "codebook-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(format: qualcode-codebook/1\n.*?)```", text, re.DOTALL)
    assert example is not None
    book = parse_codebook(example.group(1), source="docs/codebook-format.md")
    assert book.code_ids == ("koordinasi_data", "koordinasi_data_aplikasi")
    assert book.code("koordinasi_data_aplikasi").parent == "koordinasi_data"
    assert book.cues.hedges == ("belum optimal", "masih kurang", "lumayan")


def test_validate_code_keeps_one_codable_code(small: Codebook) -> None:
    only = without_code(small, "kode_b")
    with pytest.raises(CodebookError, match="field 'codable': it is the only codable code"):
        with_code(only, dataclasses.replace(only.code("kode_a"), codable=False))
    grouped = with_code(small, dataclasses.replace(small.code("kode_a"), codable=False))
    assert not grouped.code("kode_a").codable


def test_save_keeps_the_permissions_of_an_existing_file(tmp_path: Path, small: Codebook) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("lama\n", encoding="utf-8")
    path.chmod(0o640)
    save_codebook(small, path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert load_codebook(path).code_ids == small.code_ids
