"""Auto-coding: term matching, scores, valence and offsets (qualcode.coder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode import coder as coder_module
from qualcode.coder import PIPELINE_VERSION, Coder, CodeSuggestion
from qualcode.model import Code, Codebook, Segment, ValenceCues
from qualcode.nlp.analyze import ANALYSIS_VERSION, analyse

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"


def make_codebook() -> Codebook:
    """A small codebook in the style of the default one (Dwiyanto + Mahmudi)."""
    codes = (
        Code("dwiyanto", "Indikator Kinerja", codable=False, keywords=("kinerja",)),
        Code(
            "produktivitas",
            "Produktivitas",
            parent="dwiyanto",
            keywords=("produktivitas", "target", "capaian", "lembur"),
            phrases=("beban kerja", "pembagian tugas", "tepat waktu", "perjanjian kinerja"),
            inhibiting_cues=("lembur", "menumpuk"),
        ),
        Code(
            "kualitas_layanan",
            "Kualitas Layanan",
            parent="dwiyanto",
            keywords=("pelayanan", "kepuasan", "IKM", "fasilitas"),
            phrases=("kualitas layanan", "indeks kepuasan masyarakat"),
        ),
        Code(
            "responsivitas",
            "Responsivitas",
            parent="dwiyanto",
            keywords=("responsif", "koordinasi", "tanggap", "pengaduan", "komunikasi"),
            phrases=("cepat tanggap", "rapat koordinasi"),
        ),
        Code(
            "responsibilitas",
            "Responsibilitas",
            parent="dwiyanto",
            keywords=("aturan", "prosedur", "kepatuhan"),
            phrases=("sesuai ketentuan", "tanggung jawab"),
        ),
        Code(
            "akuntabilitas",
            "Akuntabilitas",
            parent="dwiyanto",
            keywords=("akuntabilitas", "LKjIP", "SAKIP", "pelaporan", "evaluasi"),
            phrases=("laporan kinerja", "monitoring dan evaluasi"),
        ),
        Code(
            "faktor_individu",
            "Faktor Individu",
            keywords=("kompetensi", "motivasi", "kemampuan", "komitmen"),
        ),
        Code(
            "faktor_kepemimpinan",
            "Faktor Kepemimpinan",
            keywords=("pimpinan", "kepemimpinan", "atasan", "arahan", "otoriter"),
            phrases=("kepala bagian", "mengambil keputusan"),
            supporting_cues=("mengayomi",),
            inhibiting_cues=("otoriter",),
        ),
        Code(
            "faktor_tim",
            "Faktor Tim",
            keywords=("kerjasama", "kekompakan", "rekan", "komunikasi"),
            phrases=("kerja sama", "saling membantu"),
        ),
        Code(
            "faktor_sistem",
            "Faktor Sistem",
            keywords=("e-office", "server", "aplikasi", "anggaran", "SOP"),
            phrases=("sumber daya manusia",),
        ),
        Code(
            "faktor_kontekstual",
            "Faktor Kontekstual",
            keywords=("mutasi", "pandemi", "BerAKHLAK"),
            phrases=("perubahan kebijakan",),
        ),
    )
    cues = ValenceCues(
        supporting=(
            "mendukung", "dukungan", "didukung", "lancar", "baik", "optimal", "cepat",
            "tepat waktu", "efektif", "harmonis", "meningkat", "tercapai", "jelas",
        ),
        inhibiting=(
            "kendala", "terkendala", "hambatan", "menghambat", "kurang", "lambat", "terlambat",
            "keterlambatan", "terbatas", "masalah", "lemah",
        ),
        negators=("tidak", "tak", "bukan", "belum", "tanpa", "gak"),
        hedges=(
            "belum optimal", "belum maksimal", "masih kurang", "kurang optimal",
            "belum sepenuhnya", "masih terbatas", "lumayan",
        ),
    )  # fmt: skip
    return Codebook("uji", "1", codes=codes, cues=cues)


@pytest.fixture(scope="module")
def coder() -> Coder:
    return Coder(make_codebook())


def by_code(suggestions: list[CodeSuggestion]) -> dict[str, CodeSuggestion]:
    return {s.code_id: s for s in suggestions}


# --------------------------------------------------------------------------- valence

VALENCE_CASES = [
    ("Tidak ada kendala dalam koordinasi.", "responsivitas", "pendukung"),
    ("Koordinasi masih belum optimal.", "responsivitas", "penghambat"),
    ("Pimpinan sangat mendukung.", "faktor_kepemimpinan", "pendukung"),
    ("Server e-office sering down.", "faktor_sistem", "penghambat"),
    (
        "Keterlambatan itu bukan karena pimpinannya, tetapi karena aplikasinya.",
        "faktor_sistem",
        "penghambat",
    ),
    ("Koordinasinya tidak lancar.", "responsivitas", "penghambat"),
    ("Pegawai di sini kurang koordinasi.", "responsivitas", "penghambat"),
    ("Bagian ini tidak responsif terhadap pengaduan.", "responsivitas", "penghambat"),
    ("Kalau kendala koordinasi, tidak ada.", "responsivitas", "pendukung"),
    ("Koordinasi berjalan lancar, tetapi anggaran masih terbatas.", "responsivitas", "pendukung"),
    ("Koordinasi berjalan lancar, tetapi anggaran masih terbatas.", "faktor_sistem", "penghambat"),
    ("Untuk koordinasi, kami sering terkendala data.", "responsivitas", "penghambat"),
    ("Kami bekerja sama dengan baik dan saling membantu.", "faktor_tim", "pendukung"),
    ("Kendala aplikasi itu sudah teratasi.", "faktor_sistem", "pendukung"),
    ("Kami berupaya mengurangi keterlambatan koordinasi.", "responsivitas", "pendukung"),
    ("Tidak ada kendala dan hambatan dalam koordinasi.", "responsivitas", "pendukung"),
    (
        "Kepala bagian tidak hanya cepat tetapi juga tepat dalam mengambil keputusan.",
        "faktor_kepemimpinan",
        "pendukung",
    ),
    ("Motivasi pegawai di sini tinggi.", "faktor_individu", "netral"),
    ("Gak ada masalah sama pimpinan.", "faktor_kepemimpinan", "pendukung"),
    ("Koordinasi belum sepenuhnya lancar.", "responsivitas", "penghambat"),
    ("Penggunaan aplikasi berjalan tanpa hambatan.", "faktor_sistem", "pendukung"),
    ("Koordinasinya tidak ada.", "responsivitas", "penghambat"),
    ("Arahan pimpinan kurang jelas.", "faktor_kepemimpinan", "penghambat"),
    ("Pimpinan kami selalu mengayomi.", "faktor_kepemimpinan", "pendukung"),
    ("Tahun lalu teman-teman sering lembur.", "produktivitas", "penghambat"),
    ("Pelaporan LKjIP tidak pernah terlambat.", "akuntabilitas", "pendukung"),
    ("Pelaporan LKjIP selalu tepat waktu.", "akuntabilitas", "pendukung"),
    ("Pelaporan LKjIP belum tepat waktu.", "akuntabilitas", "penghambat"),
    # "sebelum(nya)" and "setidaknya" have negator roots but negate nothing.
    ("Evaluasi tahun sebelumnya masih lemah.", "akuntabilitas", "penghambat"),
    ("Sebelum rapat koordinasi lancar.", "responsivitas", "pendukung"),
    ("Setidaknya koordinasi lancar.", "responsivitas", "pendukung"),
    # A negated term that is itself a cue: the flipped cue decides.
    ("Atasan kami gak otoriter.", "faktor_kepemimpinan", "pendukung"),
    ("Koordinasi nggak lancar-lancar amat.", "responsivitas", "penghambat"),
    ("Kalau koordinasi mah lumayan lah.", "responsivitas", "penghambat"),
]


@pytest.mark.parametrize(("text", "code_id", "valence"), VALENCE_CASES)
def test_valence(coder: Coder, text: str, code_id: str, valence: str) -> None:
    found = by_code(coder.code_text(text))
    assert code_id in found, f"{code_id} not suggested for {text!r}: {list(found)}"
    assert found[code_id].valence == valence, found[code_id].evidence


@pytest.mark.parametrize(
    "text",
    [
        "Keterlambatan itu bukan karena pimpinannya, tetapi karena aplikasinya.",
        "Hambatan itu bukan dari pimpinan kami.",
        "Masalahnya bukan pimpinan.",
    ],
)
def test_denied_attribution_is_not_inhibiting(coder: Coder, text: str) -> None:
    found = by_code(coder.code_text(text))
    leader = found.get("faktor_kepemimpinan")
    assert leader is None or leader.valence == "netral"
    # With other evidence the code is suggested, and the denial is on record.
    (suggestion,) = [
        s
        for s in coder.code_text(text + " Atasan kami baik.")
        if s.code_id == "faktor_kepemimpinan"
    ]
    denied = [e for e in suggestion.evidence if e.note.startswith("disangkal")]
    assert denied and all(e.kind == "keyword" for e in denied)


def test_negation_is_recorded_in_the_note(coder: Coder) -> None:
    (suggestion,) = coder.code_text("Tidak ada kendala dalam koordinasi.")
    cue = next(e for e in suggestion.evidence if e.term == "kendala")
    assert cue.kind == "supporting"
    assert cue.note == "dinegasikan oleh 'tidak'"


def test_negated_keyword_gives_negation_evidence(coder: Coder) -> None:
    (suggestion,) = coder.code_text("Bagian ini tidak responsif.")
    kinds = {e.kind for e in suggestion.evidence}
    assert "negation" in kinds
    keyword = next(e for e in suggestion.evidence if e.kind == "keyword")
    assert keyword.note == "dinegasikan oleh 'tidak'"


def test_hedge_is_not_flipped_again(coder: Coder) -> None:
    (suggestion,) = coder.code_text("Koordinasi belum optimal.")
    kinds = [e.kind for e in suggestion.evidence]
    assert "hedge" in kinds
    assert "supporting" not in kinds  # "optimal" inside the hedge is not a cue of its own
    assert suggestion.valence == "penghambat"


def test_cues_in_another_clause_do_not_count(coder: Coder) -> None:
    found = by_code(coder.code_text("Anggaran terbatas, namun koordinasi lancar."))
    assert found["faktor_sistem"].valence == "penghambat"
    assert found["responsivitas"].valence == "pendukung"


def test_no_cue_means_netral(coder: Coder) -> None:
    (suggestion,) = coder.code_text("Kami membahas koordinasi kemarin.")
    assert suggestion.valence == "netral"
    assert all(e.kind == "keyword" for e in suggestion.evidence)


def test_tie_is_netral(coder: Coder) -> None:
    (suggestion,) = coder.code_text("Koordinasi lancar dan lambat.")
    assert suggestion.valence == "netral"


def test_code_specific_cues_only_count_for_their_code(coder: Coder) -> None:
    found = by_code(coder.code_text("Pimpinan mengayomi, koordinasi juga."))
    assert found["faktor_kepemimpinan"].valence == "pendukung"
    assert all(e.term != "mengayomi" for e in found["responsivitas"].evidence)


# --------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    "text",
    [
        "Kerja sama di bagian kami bagus.",
        "KERJA SAMA di bagian kami bagus.",
        "Kerja samanya di bagian kami bagus.",
        "Kami bekerja sama dengan bagian lain.",
        "Kami bekerjasama dengan bagian lain.",
        "Kami bekerja-sama dengan bagian lain.",
        "Kerja [tertawa] sama di bagian kami bagus.",
    ],
)
def test_phrase_matches_across_forms(coder: Coder, text: str) -> None:
    found = by_code(coder.code_text(text))
    assert "faktor_tim" in found
    assert any(e.kind == "phrase" for e in found["faktor_tim"].evidence)


def test_phrase_allows_one_filler_word_only(coder: Coder) -> None:
    assert "produktivitas" in by_code(coder.code_text("Soal pembagian ya tugas."))
    assert "produktivitas" not in by_code(coder.code_text("Soal pembagian ya sih tugas."))
    assert "produktivitas" not in by_code(coder.code_text("Soal pembagian semua tugas."))
    assert "produktivitas" not in by_code(coder.code_text("Soal pembagian, tugas."))


def test_keyword_matches_derived_and_informal_forms(coder: Coder) -> None:
    for text in ("Sudah terkoordinasi.", "Kami berkoordinasi.", "Dikoordinir kabag."):
        assert "responsivitas" in by_code(coder.code_text(text)), text


def test_compound_keyword_matches_its_parts(coder: Coder) -> None:
    found = by_code(coder.code_text("Itu tanggungjawab kami, pertanggungjawabannya jelas."))
    evidence = found["responsibilitas"].evidence
    assert {e.matched for e in evidence if e.kind == "phrase"} == {
        "tanggungjawab",
        "pertanggungjawabannya",
    }


def test_term_inside_a_longer_term_is_not_counted(coder: Coder) -> None:
    # "koordinasi" (responsivitas) lies inside the phrase "rapat koordinasi" (also
    # responsivitas); "kerja" would lie inside "kerja sama".
    (suggestion,) = [
        s for s in coder.code_text("Rapat koordinasi kemarin.") if s.code_id == "responsivitas"
    ]
    assert [e.term for e in suggestion.evidence] == ["rapat koordinasi"]


def test_bracketed_notes_are_ignored(coder: Coder) -> None:
    assert coder.code_text("Ya begitu [koordinasi] saja.") == []
    assert coder.code_text("[tertawa] [00:12:31]") == []


def test_non_codable_codes_are_never_suggested(coder: Coder) -> None:
    assert "dwiyanto" not in by_code(coder.code_text("Kinerja kami meningkat."))


def test_empty_text(coder: Coder) -> None:
    assert coder.code_text("") == []
    assert coder.code_text("   \n ") == []


# --------------------------------------------------------------------------- scores


def test_scores_phrase_beats_keyword_and_shared_terms_weigh_less(coder: Coder) -> None:
    phrase = by_code(coder.code_text("Soal beban kerja."))["produktivitas"].score
    keyword = by_code(coder.code_text("Soal target."))["produktivitas"].score
    assert 0.0 < keyword < phrase <= 1.0
    # "komunikasi" is a keyword of two codes: each gets less from it.
    shared = by_code(coder.code_text("Soal komunikasi dan target."))
    assert "responsivitas" not in shared and "faktor_tim" not in shared
    more = by_code(coder.code_text("Koordinasi responsif dan cepat tanggap."))
    assert more["responsivitas"].score > keyword


def test_more_evidence_raises_the_score(coder: Coder) -> None:
    one = by_code(coder.code_text("Target kami."))["produktivitas"].score
    two = by_code(coder.code_text("Target kami, capaian kami."))["produktivitas"].score
    again = by_code(coder.code_text("Target kami, target lagi."))["produktivitas"].score
    assert one < again < two <= 1.0


def test_threshold_per_code(coder: Coder, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "produktivitas" in by_code(coder.code_text("Soal target."))
    monkeypatch.setitem(coder_module.THRESHOLDS, "produktivitas", 0.9)
    assert "produktivitas" not in by_code(coder.code_text("Soal target."))


def test_term_weight_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(coder_module.TERM_WEIGHTS, "target", 0.1)
    assert "produktivitas" not in by_code(Coder(make_codebook()).code_text("Soal target."))


# --------------------------------------------------------------------------- offsets


DOCUMENT = (
    "Peneliti: Bagaimana koordinasi dengan OPD?\n\n"
    "Informan 2: Koordinasi antarbidang masih sering terlambat karena data dari OPD "
    "belum masuk tepat waktu. [tertawa] Kalau pimpinan sih sangat mendukung.\n\n"
    "Peneliti: Lalu e-office?\n\n"
    "Informan 2: E-office itu sering down, servernya lemot banget.\n"
)


def _segments(text: str) -> list[Segment]:
    segments = []
    start = 0
    for index, block in enumerate(text.split("\n\n")):
        label, _, body = block.partition(": ")
        begin = text.index(body, start)
        end = begin + len(body.rstrip())
        role = "interviewer" if label == "Peneliti" else "informant"
        segments.append(
            Segment(index, begin, end, "turn", label, role, codable=role == "informant", turn=index)
        )
        start = end
    return segments


def test_code_segments_uses_document_offsets(coder: Coder) -> None:
    segments = _segments(DOCUMENT)
    results = coder.code_segments(DOCUMENT, segments)
    assert len(results) == len(segments)
    seen = 0
    for segment, suggestions in zip(segments, results, strict=True):
        for suggestion in suggestions:
            for evidence in suggestion.evidence:
                assert DOCUMENT[evidence.start : evidence.end] == evidence.matched
                assert segment.start <= evidence.start < evidence.end <= segment.end
                seen += 1
    assert seen > 5


def test_uncodable_segments_get_nothing(coder: Coder) -> None:
    segments = _segments(DOCUMENT)
    results = coder.code_segments(DOCUMENT, segments)
    for segment, suggestions in zip(segments, results, strict=True):
        if not segment.codable:
            assert suggestions == []
    # The interviewer's question mentions "koordinasi" but is not coded.
    assert results[0] == []
    assert by_code(results[1])["responsivitas"].valence == "penghambat"
    assert by_code(results[1])["faktor_kepemimpinan"].valence == "pendukung"
    assert by_code(results[3])["faktor_sistem"].valence == "penghambat"


def test_code_text_offsets_are_relative(coder: Coder) -> None:
    text = "  Koordinasinya tidak lancar."
    (suggestion,) = coder.code_text(text)
    for evidence in suggestion.evidence:
        assert text[evidence.start : evidence.end] == evidence.matched


def test_code_analysed_offset_and_only_codes(coder: Coder) -> None:
    text = "Pimpinan mendukung, tetapi server sering down."
    analysed = analyse(text)
    everything = by_code(coder.code_analysed(analysed))
    assert set(everything) == {"faktor_kepemimpinan", "faktor_sistem"}
    only = coder.code_analysed(analysed, offset=100, only_codes={"faktor_sistem", "unknown"})
    assert [s.code_id for s in only] == ["faktor_sistem"]
    shifted = only[0].evidence
    original = everything["faktor_sistem"].evidence
    assert [(e.start - 100, e.end - 100) for e in shifted] == [(e.start, e.end) for e in original]
    assert coder.code_analysed(analysed, only_codes=()) == []


def test_recoding_after_a_codebook_edit_reuses_the_analysis() -> None:
    codebook = make_codebook()
    analysed = analyse("Rekan-rekan di sini saling percaya.")
    assert "faktor_tim" in by_code(Coder(codebook).code_analysed(analysed))
    edited = Codebook(
        codebook.name,
        "2",
        codes=tuple(
            Code(c.id, c.name, keywords=c.keywords + ("percaya",), codable=c.codable)
            if c.id == "faktor_individu"
            else c
            for c in codebook.codes
        ),
        cues=codebook.cues,
    )
    assert "faktor_individu" in by_code(Coder(edited).code_analysed(analysed))


def test_analysis_from_another_backend_is_refused(coder: Coder) -> None:
    analysed = analyse("Koordinasi.", root_fn=str.lower, backend="other")
    with pytest.raises(ValueError, match="backend"):
        coder.code_analysed(analysed)


def test_pipeline_version_names_the_analysis() -> None:
    assert ANALYSIS_VERSION in PIPELINE_VERSION


def test_suggestions_are_deterministic(coder: Coder) -> None:
    text = DOCUMENT
    assert coder.code_text(text) == coder.code_text(text)
    assert Coder(make_codebook()).code_text(text) == coder.code_text(text)


# --------------------------------------------------------------------------- sample study


@pytest.mark.skipif(not TRANSCRIPTS.is_dir(), reason="sample study not present")
def test_sample_study_finds_every_code() -> None:
    codebook_module = pytest.importorskip("qualcode.codebook")
    segmentation = pytest.importorskip("qualcode.segmentation")
    corpus = pytest.importorskip("qualcode.corpus")
    codebook = codebook_module.load_codebook()
    coder = Coder(codebook)
    found: dict[str, set[str]] = {}
    for _, doc in corpus.iter_documents(TRANSCRIPTS):
        if isinstance(doc, Exception):
            continue
        segments = segmentation.segment_document(doc.text, doc.source_type)
        for segment, suggestions in zip(
            segments, coder.code_segments(doc.text, segments), strict=True
        ):
            for suggestion in suggestions:
                assert segment.codable
                for evidence in suggestion.evidence:
                    assert doc.text[evidence.start : evidence.end] == evidence.matched
                found.setdefault(suggestion.code_id, set()).add(suggestion.valence)
    codable = {c.id for c in codebook.codes if c.codable}
    assert codable <= set(found)
    for code_id in ("faktor_sistem", "produktivitas", "responsivitas"):
        assert {"pendukung", "penghambat"} <= found[code_id]


# --------------------------------------------------------------------------- selection


@pytest.fixture(scope="module")
def default_coder() -> Coder:
    from qualcode import codebook as codebook_io

    return Coder(codebook_io.load_codebook())


def test_tim_as_a_name_is_not_team_talk(default_coder: Coder) -> None:
    text = "Saya juga sering dimintain tolong sama Tim Penggerak PKK."
    assert "faktor_tim" not in by_code(default_coder.code_text(text))
    found = by_code(default_coder.code_text("Tim kami kompak dan saling membantu."))
    assert found["faktor_tim"].valence == "pendukung"


def test_clause_after_tapi_carries_the_point(default_coder: Coder) -> None:
    found = by_code(default_coder.code_text("Timnya kompak, tapi komunikasinya kurang."))
    assert found["faktor_tim"].valence == "penghambat"


def test_lumayan_before_a_positive_word_is_weakly_supporting(default_coder: Coder) -> None:
    good = by_code(default_coder.code_text("Aplikasinya lumayan bagus."))
    assert good["faktor_sistem"].valence == "pendukung"
    hedged = by_code(default_coder.code_text("Aplikasinya lumayan."))
    assert hedged["faktor_sistem"].valence == "penghambat"


def test_codes_far_below_the_best_are_dropped(
    default_coder: Coder, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Koordinasi dengan OPD lancar, tapi server sering down dan anggaran terbatas."
    monkeypatch.setattr(coder_module, "SCORE_MARGIN", 1.0)
    everything = default_coder.code_text(text)
    assert len(everything) >= 2
    monkeypatch.setattr(coder_module, "SCORE_MARGIN", 0.0)
    monkeypatch.setattr(coder_module, "STRONG_SCORE", 1.01)
    kept = default_coder.code_text(text)
    best = max(s.score for s in everything)
    assert kept and all(s.score == best for s in kept)
    monkeypatch.setattr(coder_module, "SCORE_MARGIN", 1.0)
    monkeypatch.setattr(coder_module, "MAX_CODES", 1)
    assert len(default_coder.code_text(text)) == 1


def test_a_list_of_the_bureaus_work_products_is_left_uncoded(default_coder: Coder) -> None:
    # Topic words without a judgement describe the bureau's duties (gold rule 2).
    assert default_coder.code_text("Subbagian kami mengurus Anjab, ABK, SOP dan kelembagaan.") == []
    judged = by_code(default_coder.code_text("Pelaporan LKjIP tidak pernah terlambat."))
    assert judged["akuntabilitas"].valence == "pendukung"


def test_duties_staffing_and_deadlines_are_not_cues(default_coder: Coder) -> None:
    duty = "Bagian Organisasi mempunyai tugas membantu Sekda dalam penyiapan bahan kebijakan."
    staff = "Bagian Organisasi didukung 13 orang ASN."
    deadline = "LKjIP harus disampaikan paling lambat 31 Maret."
    for text in (duty, staff, deadline):
        for suggestion in default_coder.code_text(text):
            assert suggestion.valence == "netral", (text, suggestion)


def test_hedge_matches_its_written_form_only(default_coder: Coder) -> None:
    wish = by_code(default_coder.code_text("Harusnya servernya diganti."))
    assert wish["faktor_sistem"].valence == "penghambat"
    must = by_code(default_coder.code_text("Server harus dingin."))
    assert all(e.kind != "hedge" for e in must["faktor_sistem"].evidence)


def test_cue_in_an_if_clause_weighs_less(default_coder: Coder) -> None:
    plain = by_code(default_coder.code_text("Servernya sudah beres, e-office jalan penuh."))
    iffy = by_code(default_coder.code_text("Kalau servernya sudah beres, e-office jalan penuh."))
    weight = {e.term: e for e in iffy["faktor_sistem"].evidence}["beres"]
    assert "bersyarat" in weight.note
    assert weight.weight < {e.term: e for e in plain["faktor_sistem"].evidence}["beres"].weight


def test_own_cue_counts_for_its_code(default_coder: Coder) -> None:
    # "ramah" is a keyword and a cue of kualitas_layanan: both raise the score.
    found = by_code(default_coder.code_text("Pegawainya ramah."))
    assert found["kualitas_layanan"].score > coder_module.KEYWORD_WEIGHT
    assert found["kualitas_layanan"].valence == "pendukung"


def test_no_complaints_is_supporting(default_coder: Coder) -> None:
    text = "Kemarin kita kerja sampai malam, nggak ada yang ngeluh."
    assert by_code(default_coder.code_text(text))["responsivitas"].valence == "pendukung"


# --------------------------------------------------------------------------- compiling


def _codebooks() -> list[Codebook]:
    from qualcode import codebook as codebook_io

    books = [make_codebook(), codebook_io.load_codebook()]
    return books + [
        codebook_io.load_codebook(codebook_io.template_path(n))
        for n in codebook_io.template_names()
    ]


def _written_units(term: str, exact: bool) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """A cue's roots and forms computed straight from its analysis (the coder's rule)."""
    analysed = analyse(term)
    units = coder_module._units(analysed)
    roots: list[str] = []
    surfaces: list[str | None] = []
    for r, tok, key in zip(units.roots, units.toks, units.keys, strict=True):
        if r is None:
            continue
        roots.append(r)
        derived = (
            " " not in analysed.roots[tok]
            and key != r
            and (exact or coder_module._strip_clitic(key) != r)
        )
        surfaces.append(key if derived else None)
    return tuple(roots), tuple(surfaces)


def _compiled(coder: Coder) -> tuple[object, ...]:
    return (
        coder.terms,
        coder.cues,
        coder.negators,
        coder._term_index,
        coder._cue_index,
        coder._negator_index,
        coder._negator_roots,
    )


@pytest.mark.parametrize("book", _codebooks(), ids=lambda b: b.name)
def test_term_units_are_the_terms_analysed(book: Codebook) -> None:
    coder = Coder(book)
    assert coder.term_units
    for term, (roots, loose, exact) in coder.term_units.items():
        assert (roots, loose) == _written_units(term, exact=False), term
        assert (roots, exact) == _written_units(term, exact=True), term
        assert coder._root_terms(term) == roots
        assert frozenset(roots) == coder_module.match_roots(analyse(term))


@pytest.mark.parametrize("extra_cues", [True, False])
@pytest.mark.parametrize("book", _codebooks(), ids=lambda b: b.name)
def test_coder_from_known_units_equals_one_built_from_scratch(
    book: Codebook, extra_cues: bool
) -> None:
    scratch = Coder(book, extra_cues=extra_cues)
    known = Coder(book, extra_cues=extra_cues, known_units=scratch.term_units)
    assert _compiled(known) == _compiled(scratch)
    assert known.term_units == scratch.term_units
    # Some terms known, the others analysed (a codebook edit).
    half = dict(list(scratch.term_units.items())[::2])
    partly = Coder(book, extra_cues=extra_cues, known_units=half)
    assert _compiled(partly) == _compiled(scratch)
    assert partly.term_units == scratch.term_units
    # Units of terms no longer in the codebook are not carried on.
    stale = {"istilah lama": (("istilah", "lama"), (None, None), (None, None))}
    assert "istilah lama" not in Coder(book, known_units=stale).term_units


def test_known_units_are_used_as_given() -> None:
    book = make_codebook()
    scratch = Coder(book)
    term = scratch.terms[0].term
    fake = {term: (("zzz",), (None,), (None,))}
    assert Coder(book, known_units=fake).terms[0].units == ("zzz",)


def test_term_roots_of_a_term_outside_the_codebook() -> None:
    coder = Coder(make_codebook())
    assert coder.term_roots("pertanggungjawaban") == ("tanggung", "jawab")
    assert coder.term_roots("koordinasi") == coder._root_terms("koordinasi")
    assert "pertanggungjawaban" not in coder.term_units


# --------------------------------------------------------------------------- scanning


def _scan_every_position(units: coder_module._Units, index: dict) -> list[tuple]:
    """``_scan`` the plain way: every position, every item of its root, in index order."""
    found = []
    for p, r in enumerate(units.roots):
        for item in index.get(r, []) if r is not None else []:
            positions = coder_module._match_at(units.roots, p, item.units)
            if positions is None:
                continue
            surfaces = getattr(item, "surfaces", None)
            if surfaces and not coder_module._surface_ok(units.keys, positions, surfaces):
                continue
            found.append((item, p, positions[-1]))
    return found


def test_scan_finds_what_every_position_finds(default_coder: Coder) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(TRANSCRIPTS.rglob("*.md"))]
    texts += [
        "kerja yang sama, kerja sama nya, bekerja sama sih, kurang lebih baik",
        "tidak ada kendala dan hambatan; belum semuanya tuntas. [tertawa] Covid-19",
        "pertanggungjawaban itu tanggung jawab kita",
        "",
    ]
    assert len(texts) > 4
    indexes = (
        default_coder._term_index,
        default_coder._cue_index,
        default_coder._negator_index,
    )
    for text in texts:
        units = coder_module._units(analyse(text))
        for index in indexes:
            assert coder_module._scan(units, index) == _scan_every_position(units, index)


def test_scope_and_late_evidence_keep_the_suggestions(default_coder: Coder) -> None:
    # The same text coded twice gives equal suggestions (evidence is built only for the
    # codes kept, from the hits grouped once per segment).
    text = (
        "Koordinasi dengan OPD sudah baik, tetapi pelayanan masih lambat. "
        "Kalau ada kendala, kami lembur; target tercapai tepat waktu."
    )
    first = default_coder.code_text(text)
    assert first
    assert default_coder.code_text(text) == first
    for suggestion in first:
        assert suggestion.evidence
        assert all(e.start < e.end for e in suggestion.evidence)
