"""Analysis of texts and the spaCy pipeline (qualcode.nlp.analyze, qualcode.nlp.components)."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from test_coder import DOCUMENT, make_codebook

from qualcode.coder import CODER_VERSION, Coder
from qualcode.nlp import analyze
from qualcode.nlp.analyze import (
    ANALYSIS_VERSION,
    MAJOR_CLAUSE,
    MINOR_CLAUSE,
    SENTENCE,
    AnalysedText,
    analyse,
    analyse_many,
    get_tokenizer,
)
from qualcode.nlp.components import (
    CODER_FACTORY,
    NORMALIZER_FACTORY,
    SPAN_KEY,
    TOKENIZER,
    CodebookMatcher,
    build_pipeline,
)
from qualcode.nlp.normalize import NORMALIZER_VERSION, root

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"

TEXT = (
    "Koordinasi antar-OPD masih belum optimal, tapi kerja-kerja kami bekerja-sama dgn "
    "e-office [tertawa] ya kan? Server e-office sering down... pelaksanaannya (LKjIP) "
    "tgl 14/3/2024 nilai SAKIP 'BB' 85,5% Pak.\nInforman 2: Tidak ada kendala—semuanya lancar."
)


def words(analysed: AnalysedText) -> list[str]:
    return [analysed.text[t.start : t.end] for t in analysed]


# --------------------------------------------------------------------------- analysis


def test_tokens_have_offsets_lowercase_and_roots() -> None:
    analysed = analyse(TEXT)
    assert len(analysed) > 30
    for token in analysed:
        assert TEXT[token.start : token.end].lower() == token.lower
        assert token.root
        assert token.start < token.end
    by_word = {analysed.text[t.start : t.end]: t for t in analysed}
    assert by_word["pelaksanaannya"].root == "laksana"
    assert by_word["dgn"].root == "dengan"
    assert by_word["antar-OPD"].root == "antar opd"
    assert by_word["SAKIP"].root == "sakip"
    assert by_word["Koordinasi"].is_alpha and not by_word["Koordinasi"].is_punct
    assert by_word[","].is_punct


def test_hyphenated_words_stay_one_token() -> None:
    tokens = words(analyse("Data-data di-update, antar-OPD pakai e-office dan bekerja-sama."))
    for word in ("Data-data", "di-update", "antar-OPD", "e-office", "bekerja-sama"):
        assert word in tokens
    # Numbers and dashes are still split.
    assert words(analyse("Covid-19 — selesai")) == ["Covid", "-", "19", "—", "selesai"]


def test_whitespace_is_dropped_and_notes_are_flagged() -> None:
    analysed = analyse("Ya  [tertawa]\n\nbegitu [00:12:31] saja.")
    assert all(analysed.text[t.start : t.end].strip() for t in analysed)
    notes = [analysed.text[t.start : t.end] for t in analysed if t.is_note]
    assert notes == ["[", "tertawa", "]", "[", "00:12:31", "]"]


def test_unclosed_bracket_is_not_a_note() -> None:
    analysed = analyse("Nilai [ kurang dari target.")
    assert not any(t.is_note for t in analysed)


def test_sentences_and_clauses() -> None:
    text = "Koordinasi lancar, tetapi anggaran terbatas. Pimpinan mendukung!\nBaru"
    analysed = analyse(text)
    sentences = [text[a:b] for a, b in analysed.sentences()]
    assert sentences == [
        "Koordinasi lancar, tetapi anggaran terbatas.",
        "Pimpinan mendukung!",
        "Baru",
    ]
    major = [text[a:b] for a, b in analysed.clauses(MAJOR_CLAUSE)]
    assert major[:2] == ["Koordinasi lancar,", "tetapi anggaran terbatas."]
    minor = [text[a:b] for a, b in analysed.clauses(MINOR_CLAUSE)]
    assert minor[:2] == ["Koordinasi lancar,", "tetapi anggaran terbatas."]
    ids = analysed.unit_ids(SENTENCE)
    assert ids[0] == ids[1] and ids[-1] == 2


def test_full_stop_before_lowercase_does_not_end_the_sentence() -> None:
    text = "Ada SOP, SK, dll. dan itu cukup. Lalu selesai."
    analysed = analyse(text)
    assert [text[a:b] for a, b in analysed.sentences()] == [
        "Ada SOP, SK, dll. dan itu cukup.",
        "Lalu selesai.",
    ]


def test_informal_contrast_opens_a_major_clause() -> None:
    analysed = analyse("Lancar tapi lambat")
    assert analysed.bounds == [SENTENCE, MAJOR_CLAUSE, 0]


def test_empty_text() -> None:
    analysed = analyse("")
    assert len(analysed) == 0
    assert analysed.sentences() == []
    assert AnalysedText.from_bytes(analysed.to_bytes()) == analysed


def test_bytes_round_trip() -> None:
    analysed = analyse(TEXT)
    data = analysed.to_bytes()
    assert isinstance(data, bytes)
    assert len(analysed.to_bytes(include_text=False)) < len(TEXT.encode())
    again = AnalysedText.from_bytes(data)
    assert again == analysed
    assert again.tokens == analysed.tokens
    assert again.bounds == analysed.bounds
    assert again.version == ANALYSIS_VERSION and again.is_current


def test_bytes_without_text() -> None:
    analysed = analyse(TEXT)
    data = analysed.to_bytes(include_text=False)
    assert len(data) < len(analysed.to_bytes())
    assert AnalysedText.from_bytes(data, TEXT) == analysed
    with pytest.raises(ValueError, match="without its text"):
        AnalysedText.from_bytes(data)
    with pytest.raises(ValueError, match="does not match"):
        AnalysedText.from_bytes(data, TEXT + " ")
    with pytest.raises(ValueError, match="not a serialised analysis"):
        AnalysedText.from_bytes(b"garbage")


def test_tuples_round_trip() -> None:
    analysed = analyse(TEXT)
    rows = analysed.to_tuples()
    assert all(len(row) == 4 for row in rows)
    assert AnalysedText.from_tuples(TEXT, rows) == analysed


def test_old_version_is_not_current() -> None:
    analysed = analyse("Koordinasi.")
    old = AnalysedText.from_tuples(analysed.text, analysed.to_tuples(), version="a0.n0")
    assert not old.is_current


def test_analyse_many_matches_analyse() -> None:
    texts = [TEXT, "", "Koordinasi lancar.", DOCUMENT]
    assert list(analyse_many(texts, batch_size=2)) == [analyse(t) for t in texts]


def test_custom_root_function() -> None:
    analysed = analyse("Koordinasinya", root_fn=str.upper, backend="upper")
    assert analysed.roots == ["KOORDINASINYA"] and analysed.backend == "upper"


def test_tokenizer_is_shared_and_matches_spacy_on_plain_text() -> None:
    assert get_tokenizer() is get_tokenizer()
    stock = spacy.blank("id").tokenizer
    text = "Pegawai Bagian Organisasi (Setda) menyusun LKjIP tahun 2023, dll. Selesai!"
    assert [t.text for t in get_tokenizer()(text)] == [t.text for t in stock(text)]


# --------------------------------------------------------------------------- pipeline


@pytest.fixture(scope="module")
def nlp() -> spacy.language.Language:
    return build_pipeline(make_codebook())


def test_pipeline_components_and_versions(nlp: spacy.language.Language) -> None:
    assert nlp.pipe_names == [NORMALIZER_FACTORY, CODER_FACTORY]
    assert nlp.config["components"][NORMALIZER_FACTORY]["version"] == NORMALIZER_VERSION
    assert nlp.config["components"][CODER_FACTORY]["version"] == CODER_VERSION
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == TOKENIZER


def test_pipeline_sets_roots_spans_and_suggestions(nlp: spacy.language.Language) -> None:
    doc = nlp("Koordinasinya tidak lancar, tetapi pimpinan sangat mendukung.")
    assert doc[0]._.root == "koordinasi"
    labels = {(span.text, span.label_) for span in doc.spans[SPAN_KEY]}
    assert labels == {("Koordinasinya", "responsivitas"), ("pimpinan", "faktor_kepemimpinan")}
    valences = {s.code_id: s.valence for s in doc._.qualcode_suggestions}
    assert valences == {"responsivitas": "penghambat", "faktor_kepemimpinan": "pendukung"}


def _sample_texts() -> list[str]:
    texts = [TEXT, DOCUMENT, "", "Tidak ada kendala dalam koordinasi."]
    if TRANSCRIPTS.is_dir():
        for path in sorted(TRANSCRIPTS.rglob("*.md"))[:4]:
            texts.extend(p for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip())
    return texts


def test_pipeline_and_coder_give_the_same_answer(nlp: spacy.language.Language) -> None:
    coder = Coder(make_codebook())
    texts = _sample_texts()
    assert len(texts) > 4
    for doc, text in zip(nlp.pipe(texts), texts, strict=True):
        assert doc._.qualcode_suggestions == coder.code_text(text), text


def test_pipeline_tokens_match_the_coder_tokens(nlp: spacy.language.Language) -> None:
    for text in _sample_texts()[:20]:
        assert [t.text for t in nlp.make_doc(text)] == [t.text for t in get_tokenizer()(text)]


def test_pipeline_on_the_real_codebook_matches_the_coder() -> None:
    codebook_module = pytest.importorskip("qualcode.codebook")
    codebook = codebook_module.load_codebook()
    nlp = build_pipeline(codebook)
    coder = Coder(codebook)
    for text in _sample_texts():
        assert nlp(text)._.qualcode_suggestions == coder.code_text(text)


def _blank() -> spacy.language.Language:
    """A blank Indonesian pipeline with the qualcode tokenizer (fast to build)."""
    return spacy.blank("id", config={"nlp": {"tokenizer": {"@tokenizers": TOKENIZER}}})


def test_matcher_without_codebook_refuses() -> None:
    nlp = _blank()
    nlp.add_pipe(NORMALIZER_FACTORY)
    nlp.add_pipe(CODER_FACTORY)
    with pytest.raises(ValueError, match="no codebook"):
        nlp("Koordinasi.")


def test_component_version_mismatch_is_refused() -> None:
    nlp = _blank()
    with pytest.raises(ValueError, match="version"):
        nlp.add_pipe(NORMALIZER_FACTORY, config={"version": "0"})


def test_matcher_can_swap_codebooks(nlp: spacy.language.Language) -> None:
    matcher = nlp.get_pipe(CODER_FACTORY)
    assert isinstance(matcher, CodebookMatcher)
    other = build_pipeline(make_codebook())
    assert [s.code_id for s in other("Pimpinan.")._.qualcode_suggestions] == ["faktor_kepemimpinan"]


def test_root_of_pipeline_equals_normalize(nlp: spacy.language.Language) -> None:
    doc = nlp("Pertanggungjawaban ketidakhadiran antarpegawai")
    assert [t._.root for t in doc] == [root(t.text) for t in doc]


def test_lexeme_cache_is_bounded() -> None:
    assert analyze._LEXEME_CACHE_MAX >= 10_000
