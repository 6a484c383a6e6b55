"""Tests for qualcode.segmentation: turns, sentences, paragraphs and exact offsets."""

from __future__ import annotations

import random
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualcode.model import Segment
from qualcode.segmentation import (
    Turn,
    detect_turns,
    group_sentences,
    segment_document,
    split_sentences,
)

# --------------------------------------------------------------------------- helpers


def texts(text: str, segments: list[Segment]) -> list[str]:
    return [s.text_of(text) for s in segments]


def rows(text: str, segments: list[Segment]) -> list[tuple[str, str, bool, str]]:
    """(speaker, role, codable, text) of each segment."""
    return [(s.speaker, s.speaker_role, s.codable, s.text_of(text)) for s in segments]


def sentences(text: str, start: int = 0, end: int | None = None) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, start, end)]


# --------------------------------------------------------------------------- empty input


@pytest.mark.parametrize("source_type", ["interview", "observation", "document"])
@pytest.mark.parametrize("text", ["", " ", "\n\n\n", " \t\n  \n\t", "\u2028\u3000\n"])
def test_empty_or_whitespace_text_has_no_segments(text: str, source_type: str) -> None:
    assert segment_document(text, source_type) == []


def test_markup_only_text_has_no_segments() -> None:
    assert segment_document("[tertawa]\n\n(jeda)\n...\n-----\n", "interview") == []
    assert segment_document("P:\nI: [tertawa]\n", "interview") == []


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match="source type"):
        segment_document("Teks.", "wawancara")
    with pytest.raises(ValueError, match="max_chars"):
        segment_document("Teks.", "document", max_chars=0)


# --------------------------------------------------------------------------- interview labels


def test_p_i_labels() -> None:
    text = "P: Bagaimana koordinasi dengan OPD?\nI: Koordinasi masih sering terlambat.\n"
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("P", "interviewer", False, "Bagaimana koordinasi dengan OPD?"),
        ("I", "informant", True, "Koordinasi masih sering terlambat."),
    ]
    assert [s.kind for s in segs] == ["turn", "turn"]
    assert [s.turn for s in segs] == [0, 1]
    assert [s.index for s in segs] == [0, 1]


@pytest.mark.parametrize(("asker", "answerer"), [("Q", "A"), ("T", "J"), ("P", "J"), ("P", "R")])
def test_letter_label_pairs(asker: str, answerer: str) -> None:
    text = (
        f"{asker}: Apa kendalanya?\n{answerer}: Data terlambat.\n{asker}: Lalu?\n{answerer}: Rapat."
    )
    assert rows(text, segment_document(text)) == [
        (asker, "interviewer", False, "Apa kendalanya?"),
        (answerer, "informant", True, "Data terlambat."),
        (asker, "interviewer", False, "Lalu?"),
        (answerer, "informant", True, "Rapat."),
    ]


@pytest.mark.parametrize(
    ("label", "role"),
    [
        ("Peneliti", "interviewer"),
        ("Pewawancara", "interviewer"),
        ("Interviewer", "interviewer"),
        ("Penanya", "interviewer"),
        ("Informan", "informant"),
        ("Informan 2", "informant"),
        ("Informan A", "informant"),
        ("Narasumber", "informant"),
        ("Narasumber 1", "informant"),
        ("Responden", "informant"),
        ("R1", "informant"),
    ],
)
def test_role_labels_count_even_when_used_once(label: str, role: str) -> None:
    text = f"Judul\n\n{label}: Kalimat yang diucapkan."
    segs = segment_document(text)
    assert rows(text, segs)[-1] == (label, role, role != "interviewer", "Kalimat yang diucapkan.")
    assert segs[-1].kind == "turn"


@pytest.mark.parametrize("name", ["Pak Yohanes", "Bu Rina", "Ibu Siti Nurhaliza", "Dedi"])
def test_name_labels_used_on_two_lines(name: str) -> None:
    text = (
        "Peneliti: Bagaimana kualitas layanan?\n"
        f"{name}: Sudah baik.\n"
        "Peneliti: Ada keluhan?\n"
        f"{name}: Ada, soal waktu."
    )
    assert rows(text, segment_document(text)) == [
        ("Peneliti", "interviewer", False, "Bagaimana kualitas layanan?"),
        (name, "informant", True, "Sudah baik."),
        ("Peneliti", "interviewer", False, "Ada keluhan?"),
        (name, "informant", True, "Ada, soal waktu."),
    ]


def test_name_label_used_once_is_text_of_the_turn() -> None:
    text = (
        "P: Apa kata pimpinan?\nI: Beliau bilang begini.\nKepala Dinas: data harus masuk Jumat.\n"
    )
    assert rows(text, segment_document(text)) == [
        ("P", "interviewer", False, "Apa kata pimpinan?"),
        ("I", "informant", True, "Beliau bilang begini.\nKepala Dinas: data harus masuk Jumat."),
    ]


def test_name_with_degrees_and_parenthetical() -> None:
    text = (
        "Peneliti: Selamat pagi.\n"
        "Drs. Ahmad, M.Si.: Pagi.\n"
        "Peneliti: Mulai?\n"
        "Drs. Ahmad (Kabag): Silakan.\n"
    )
    segs = segment_document(text)
    assert rows(text, segs)[1] == ("Drs. Ahmad", "informant", True, "Pagi.")
    assert rows(text, segs)[3] == ("Drs. Ahmad", "informant", True, "Silakan.")


def test_caller_labels_decide_role_and_accept_single_use() -> None:
    text = "Rina: Bagaimana?\nDedi: Baik.\nRina: Oke.\nDedi: Ya.\nYohanes: Saya tambahkan."
    segs = segment_document(text, interviewer_labels=["rina"], informant_labels=["Yohanes"])
    assert rows(text, segs) == [
        ("Rina", "interviewer", False, "Bagaimana?"),
        ("Dedi", "informant", True, "Baik."),
        ("Rina", "interviewer", False, "Oke."),
        ("Dedi", "informant", True, "Ya."),
        ("Yohanes", "informant", True, "Saya tambahkan."),
    ]
    # Without the caller's help, names are informants and a single use is text.
    assert [s.speaker_role for s in segment_document(text)] == ["informant"] * 4


def test_caller_label_with_degrees_matches_the_bare_label() -> None:
    text = "Drs. Ahmad: Bagaimana?\nInforman: Baik."
    segs = segment_document(text, interviewer_labels=["Drs. Ahmad, M.Si."])
    assert [(s.speaker, s.speaker_role) for s in segs] == [
        ("Drs. Ahmad", "interviewer"),
        ("Informan", "informant"),
    ]


def test_caller_labels_need_not_look_like_names() -> None:
    text = "Kepala bagian: Silakan.\nPeneliti: Terima kasih.\nKepala bagian: Sama-sama."
    segs = segment_document(text, informant_labels=["kepala bagian:"])
    assert rows(text, segs) == [
        ("Kepala bagian", "informant", True, "Silakan."),
        ("Peneliti", "interviewer", False, "Terima kasih."),
        ("Kepala bagian", "informant", True, "Sama-sama."),
    ]
    assert [(s.speaker, s.text_of(text)) for s in segment_document(text)] == [
        ("", "Kepala bagian: Silakan."),
        ("Peneliti", "Terima kasih.\nKepala bagian: Sama-sama."),
    ]


def test_i_is_the_interviewer_when_paired_with_r() -> None:
    text = "I: Bagaimana menurut Anda?\nR: Baik sekali.\nI: Kenapa?\nR: Karena lancar."
    assert [(s.speaker, s.speaker_role) for s in segment_document(text)] == [
        ("I", "interviewer"),
        ("R", "informant"),
        ("I", "interviewer"),
        ("R", "informant"),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "**P:** Bagaimana?",
        "**P**: Bagaimana?",
        "__P:__ Bagaimana?",
        "P : Bagaimana?",
        "P:Bagaimana?",
    ],
)
def test_label_spellings(line: str) -> None:
    text = f"{line}\nI: Baik."
    assert rows(text, segment_document(text)) == [
        ("P", "interviewer", False, "Bagaimana?"),
        ("I", "informant", True, "Baik."),
    ]


def test_bold_role_label_with_number() -> None:
    text = "**Peneliti:** Apa kendalanya?\n\n**Informan 2:** Data OPD selalu telat."
    assert rows(text, segment_document(text)) == [
        ("Peneliti", "interviewer", False, "Apa kendalanya?"),
        ("Informan 2", "informant", True, "Data OPD selalu telat."),
    ]


@pytest.mark.parametrize(
    ("prefix", "timestamp"),
    [
        ("[00:12:31] ", "00:12:31"),
        ("(00:12:31) ", "00:12:31"),
        ("00:12:31 ", "00:12:31"),
        ("[12:31] ", "12:31"),
        ("[00:12:31]", "00:12:31"),
        ("[00:12:31.250 --> 00:12:35.000] ", "00:12:31.250"),
    ],
)
def test_timestamp_before_label(prefix: str, timestamp: str) -> None:
    text = f"{prefix}Peneliti: Apa kabar?\n{prefix}Narasumber: Baik, Mas."
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("Peneliti", "interviewer", False, "Apa kabar?"),
        ("Narasumber", "informant", True, "Baik, Mas."),
    ]
    assert [s.timestamp for s in segs] == [timestamp, timestamp]


def test_label_alone_on_its_line() -> None:
    text = (
        "Pewawancara:\nBagaimana layanan Bagian Organisasi?\n\n"
        "Narasumber:\n\nNggih, monggo. Layanannya lama.\n\n"
        "**Pewawancara:**\n   Kenapa lama?\n"
    )
    assert rows(text, segment_document(text)) == [
        ("Pewawancara", "interviewer", False, "Bagaimana layanan Bagian Organisasi?"),
        ("Narasumber", "informant", True, "Nggih, monggo. Layanannya lama."),
        ("Pewawancara", "interviewer", False, "Kenapa lama?"),
    ]


def test_multi_paragraph_answer_is_one_turn() -> None:
    text = (
        "P: Bagaimana e-office?\n\n"
        "I: Sudah berjalan penuh.\n\n"
        "Tapi servernya sering mati.\n\n"
        "[telepon berdering]\n\n"
        "Maaf, sebentar.\n\n"
        "[rekaman dijeda]\n\n"
        "P: Silakan lanjut."
    )
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("P", "interviewer", False, "Bagaimana e-office?"),
        (
            "I",
            "informant",
            True,
            "Sudah berjalan penuh.\n\nTapi servernya sering mati.\n\n"
            "[telepon berdering]\n\nMaaf, sebentar.",
        ),
        ("P", "interviewer", False, "Silakan lanjut."),
    ]
    assert [s.turn for s in segs] == [0, 1, 2]


@pytest.mark.parametrize(
    "line",
    [
        "Catatan: data ini belum final.",
        "Jam 10:30 rapat dimulai.",
        "Menurut saya yang paling penting itu adalah: komitmen.",
        "Kepala Bagian Organisasi bilang begini ke kami semua: kerjakan.",
        "http://sukamaju.go.id: situs resmi.",
        "Yang kedua: anggaran.",
    ],
)
def test_false_positive_label_lines_continue_the_turn(line: str) -> None:
    text = f"P: Lalu?\nI: Begini.\n{line}\nSelesai.\nP: Baik."
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("P", "interviewer", False, "Lalu?"),
        ("I", "informant", True, f"Begini.\n{line}\nSelesai."),
        ("P", "interviewer", False, "Baik."),
    ]


def test_repeated_non_speaker_words_are_not_labels() -> None:
    text = (
        "P: Apa saja kendalanya?\n"
        "I: Ada dua.\nPertama: anggaran.\nKedua: SDM.\nCatatan: belum final.\n"
        "Pertama: sekali lagi.\nCatatan: lagi.\nKendala: server.\nKendala: data.\n"
    )
    segs = segment_document(text)
    assert [s.speaker for s in segs] == ["P", "I"]
    assert segs[1].text_of(text).endswith("Kendala: data.")


def test_header_before_first_label() -> None:
    text = (
        "TRANSKRIP WAWANCARA\n"
        "Informan : Bapak Yohanes, S.Sos.\n"
        "Jabatan : Kepala Bagian Organisasi\n"
        "Tanggal: 14 Maret 2024\n\n"
        "Wawancara dilakukan di ruang kerja informan.\n\n"
        "P: Selamat pagi, Pak.\n"
        "I: Pagi."
    )
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("", "other", False, "TRANSKRIP WAWANCARA"),
        (
            "",
            "other",
            False,
            "Informan : Bapak Yohanes, S.Sos.\nJabatan : Kepala Bagian Organisasi\n"
            "Tanggal: 14 Maret 2024",
        ),
        ("", "other", True, "Wawancara dilakukan di ruang kerja informan."),
        ("P", "interviewer", False, "Selamat pagi, Pak."),
        ("I", "informant", True, "Pagi."),
    ]
    assert [s.kind for s in segs] == ["paragraph", "paragraph", "paragraph", "turn", "turn"]
    assert [s.turn for s in segs] == [-1, -1, -1, 0, 1]


def test_text_without_labels_is_paragraphs() -> None:
    text = "Judul Wawancara\n\nInforman bercerita panjang. Tidak ada label.\n\nAkhir."
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("", "other", False, "Judul Wawancara"),
        ("", "other", True, "Informan bercerita panjang. Tidak ada label."),
        ("", "other", True, "Akhir."),
    ]


def test_markdown_heading_ends_a_turn() -> None:
    text = "P: Mulai.\nI: Baik.\n\n## Sesi kedua\n\nCatatan pembuka sesi.\n\nP: Lanjut.\nI: Ya."
    segs = segment_document(text)
    assert rows(text, segs) == [
        ("P", "interviewer", False, "Mulai."),
        ("I", "informant", True, "Baik."),
        ("", "other", False, "## Sesi kedua"),
        ("", "other", True, "Catatan pembuka sesi."),
        ("P", "interviewer", False, "Lanjut."),
        ("I", "informant", True, "Ya."),
    ]
    assert [s.turn for s in segs] == [0, 1, -1, -1, 2, 3]


# --------------------------------------------------------------------------- long turns


def test_turn_up_to_max_chars_is_one_segment() -> None:
    body = "Satu dua tiga. Empat lima enam."
    text = f"I: {body}"
    segs = segment_document(text, max_chars=len(body))
    assert [(s.kind, s.text_of(text)) for s in segs] == [("turn", body)]


def test_long_turn_is_split_into_sentence_groups() -> None:
    s1 = "Koordinasi dengan OPD masih sering terlambat."  # 45
    s2 = "Data triwulan jarang masuk tepat waktu."  # 39
    s3 = "Kami sudah mengirim surat edaran berkali-kali kepada semua perangkat daerah."  # 76
    s4 = "Hasilnya belum optimal."  # 23
    text = f"[00:05:00] Informan 2: {s1} {s2}\n\n{s3} {s4}\nP: Baik."
    segs = segment_document(text, max_chars=90)
    assert [(s.kind, s.text_of(text)) for s in segs] == [
        ("sentence", f"{s1} {s2}"),
        ("sentence", s3),
        ("sentence", s4),
        ("turn", "Baik."),
    ]
    for seg in segs[:3]:
        assert (seg.speaker, seg.speaker_role, seg.codable) == ("Informan 2", "informant", True)
        assert (seg.timestamp, seg.turn) == ("00:05:00", 0)
    assert [s.index for s in segs] == [0, 1, 2, 3]
    assert segs[3].turn == 1


def test_single_sentence_longer_than_max_chars_stays_whole() -> None:
    long_sentence = "Ini satu kalimat yang sangat panjang " + "sekali " * 20 + "tanpa titik"
    text = f"I: Pendek. {long_sentence}. Akhir."
    segs = segment_document(text, max_chars=40)
    assert texts(text, segs) == ["Pendek.", long_sentence + ".", "Akhir."]
    assert {s.kind for s in segs} == {"sentence"}


def test_unpunctuated_long_sentence_splits_at_line_breaks() -> None:
    lines = [f"[00:00:{i:02d}] baris ucapan nomor {i} tanpa tanda baca" for i in range(10, 16)]
    text = "[00:00:05] Rina: mulai\n" + "\n".join(lines) + "\n[00:01:00] Rina: selesai"
    segs = segment_document(text, max_chars=100)
    assert all(s.end - s.start <= 100 for s in segs)
    assert texts(text, segs)[0] == "mulai\n" + lines[0]
    assert texts(text, segs)[-1] == "selesai"


def test_note_after_a_sentence_stays_with_it_when_splitting() -> None:
    text = "I: Kami lembur terus gitu. [tertawa] Belum jadi kebiasaan yang rutin."
    segs = segment_document(text, max_chars=30)
    assert texts(text, segs) == [
        "Kami lembur terus gitu. [tertawa]",
        "Belum jadi kebiasaan yang rutin.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ya. [tertawa] Jadi begitu.", ["Ya. [tertawa]", "Jadi begitu."]),
        ("Ya. [tertawa] [jeda] Jadi.", ["Ya. [tertawa] [jeda]", "Jadi."]),
        ("Ya. [tertawa]\n\nJadi.", ["Ya. [tertawa]", "Jadi."]),
        ("Ya. [tertawa]", ["Ya. [tertawa]"]),
        ("Ya. [tidak jelas] ...ya begitu.", ["Ya.", "[tidak jelas] ...ya begitu."]),
    ],
)
def test_notes_after_a_sentence_end(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_group_sentences_attaches_markup_only_pieces() -> None:
    text = "[jeda]. Satu. (...) Dua. (tertawa)"
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == ["[jeda].", "Satu.", "(...)", "Dua.", "(tertawa)"]
    assert [text[a:b] for a, b in group_sentences(text, spans, 5)] == [
        "[jeda]. Satu. (...)",
        "Dua. (tertawa)",
    ]


# --------------------------------------------------------------------------- notes


def test_notes_stay_inside_segments_with_exact_offsets() -> None:
    text = "P: Ada kendala?\nI: [diam sebentar] Ada, [tidak jelas] soal data. [tertawa]\n"
    segs = segment_document(text)
    assert texts(text, segs)[1] == "[diam sebentar] Ada, [tidak jelas] soal data. [tertawa]"


def test_note_only_lines_are_not_segments() -> None:
    text = "P: Mulai.\n\n[jeda]\n\nI: [tertawa]\n\n[telepon berdering]\n\nP: Lanjut.\n(00:10:00)\n"
    assert rows(text, segment_document(text)) == [
        ("P", "interviewer", False, "Mulai."),
        ("P", "interviewer", False, "Lanjut."),
    ]
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == ["P", "I", "P"]
    assert turns[1].body_start == turns[1].end


# --------------------------------------------------------------------------- subtitles


def test_subtitle_lines_continue_the_turn() -> None:
    text = (
        "[00:00:05] Rina: Halo semua.\n"
        "[00:00:09] Apa kabar hari ini.\n"
        "[00:00:12] Dedi: Baik.\n"
        "[00:00:15] Terima kasih.\n"
        "[00:00:20] Rina: Oke.\n"
        "[00:00:25] Dedi: Ya."
    )
    segs = segment_document(text, interviewer_labels=["Rina"])
    assert [(s.speaker, s.timestamp, s.text_of(text)) for s in segs] == [
        ("Rina", "00:00:05", "Halo semua.\n[00:00:09] Apa kabar hari ini."),
        ("Dedi", "00:00:12", "Baik.\n[00:00:15] Terima kasih."),
        ("Rina", "00:00:20", "Oke."),
        ("Dedi", "00:00:25", "Ya."),
    ]


def test_subtitle_lines_without_any_speaker() -> None:
    text = "Rekaman rapat\n\n[00:00:05] selamat pagi semua\n[00:00:09] kita mulai rapatnya\n"
    segs = segment_document(text)
    assert [(s.kind, s.speaker, s.speaker_role, s.codable, s.timestamp, s.turn) for s in segs] == [
        ("paragraph", "", "other", False, "", -1),
        ("turn", "", "other", True, "00:00:05", 0),
    ]
    assert texts(text, segs)[1] == "selamat pagi semua\n[00:00:09] kita mulai rapatnya"


def test_timestamp_on_its_own_line_dates_the_next_turn() -> None:
    text = "P: Mulai.\n[00:01:00]\nI: Jawaban.\nlanjutan\n[00:01:30]\nmasih jawaban"
    segs = segment_document(text)
    assert [(s.speaker, s.timestamp, s.text_of(text)) for s in segs] == [
        ("P", "", "Mulai."),
        ("I", "00:01:00", "Jawaban.\nlanjutan\n[00:01:30]\nmasih jawaban"),
    ]


def test_first_timestamp_inside_the_turn_is_used() -> None:
    text = "P: Mulai.\nI:\n[00:02:00] Jawaban pertama.\n[00:02:10] Jawaban kedua."
    segs = segment_document(text)
    assert [(s.speaker, s.timestamp, s.text_of(text)) for s in segs] == [
        ("P", "", "Mulai."),
        ("I", "00:02:00", "Jawaban pertama.\n[00:02:10] Jawaban kedua."),
    ]


# --------------------------------------------------------------------------- detect_turns


def test_detect_turns_offsets() -> None:
    text = "Judul\n\n[00:12:31] **Bu Rina:** Ya.\n\nBu Rina:\n  Betul sekali.  \n"
    turns = detect_turns(text)
    first = text.index("[00:12:31]")
    assert turns[0] == Turn(
        index=0,
        start=first,
        end=text.index("Ya.") + 3,
        speaker="Bu Rina",
        speaker_role="informant",
        timestamp="00:12:31",
        label_start=text.index("Bu Rina"),
        label_end=text.index("Bu Rina") + len("Bu Rina"),
        body_start=text.index("Ya."),
    )
    second = turns[1]
    assert text[second.start : second.label_end] == "Bu Rina"
    assert text[second.body_start : second.end] == "Betul sekali."
    assert second.timestamp == ""


# --------------------------------------------------------------------------- sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Satu. Dua! Tiga? Empat… Lima", ["Satu.", "Dua!", "Tiga?", "Empat…", "Lima"]),
        ("Apa?! Serius? Ya.", ["Apa?!", "Serius?", "Ya."]),
        ('Katanya "Selesai." Lalu pulang.', ['Katanya "Selesai."', "Lalu pulang."]),
        ("Ya (sudah). Kemudian rapat.", ["Ya (sudah).", "Kemudian rapat."]),
        ('Ya. "Betul," katanya.', ["Ya.", '"Betul," katanya.']),
        ("Ya. (Informan menunjuk) Itu.", ["Ya.", "(Informan menunjuk) Itu."]),
        ("Ada 2023. 15 orang hadir.", ["Ada 2023.", "15 orang hadir."]),
        ("Tidak pecah. kalau huruf kecil.", ["Tidak pecah. kalau huruf kecil."]),
        ("Jadi... saya kira begitu.", ["Jadi... saya kira begitu."]),
        ("Jadi... Saya kira begitu.", ["Jadi...", "Saya kira begitu."]),
        ("Baris satu\nbaris dua. Baris tiga", ["Baris satu\nbaris dua.", "Baris tiga"]),
        ("Paragraf satu\n\nparagraf dua", ["Paragraf satu", "paragraf dua"]),
        ("Daftar:\n- satu\n- dua", ["Daftar:", "- satu", "- dua"]),
        ("Baik, Pak. Jadi begini.", ["Baik, Pak.", "Jadi begini."]),
        ("Terima kasih Bu. Sama-sama.", ["Terima kasih Bu.", "Sama-sama."]),
        ("Saya lapor ke Ibu. Beliau setuju.", ["Saya lapor ke Ibu.", "Beliau setuju."]),
        ("Kertas, tinta, dll. Kemudian rapat.", ["Kertas, tinta, dll.", "Kemudian rapat."]),
        ("Kelas A. Kemudian kelas B.", ["Kelas A.", "Kemudian kelas B."]),
        ("Alamatnya No. 5. Kami datang.", ["Alamatnya No. 5.", "Kami datang."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


_ABBREVIATIONS = (
    "Bpk. Bp. Pak. Bu. Ibu. Dr. Drs. Dra. Ir. H. Hj. S.Sos. S.E. S.H. M.Si. M.M. M.Kom. "
    "S.Kom. S.AP. M.AP. No. Nomor. Kab. Kec. Kel. Prov. Jl. Tn. Ny. Sdr. Sdri. dll. dsb. "
    "dst. dkk. tsb. yth. Yth. a.n. u.p. s.d. vs. dr. drs. kab. jl. DLL. S.Kep. Rp."
)


@pytest.mark.parametrize("abbreviation", _ABBREVIATIONS.split())
def test_abbreviations_do_not_end_sentences(abbreviation: str) -> None:
    text = f"Surat dari {abbreviation} Ahmad Pratama sudah masuk. Kami membalasnya."
    assert sentences(text) == [
        f"Surat dari {abbreviation} Ahmad Pratama sudah masuk.",
        "Kami membalasnya.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Ditandatangani A. Pratama dan B. C. Susanto kemarin.",
        "Jumlahnya 1.500 orang dengan anggaran Rp 2.5 juta atau 3.2 persen.",
        "Anggaran Rp. 1.204.350.000 terserap 94,11 persen.",
        "Drs. H. Ahmad, M.Si. hadir bersama Ir. Hj. Siti, S.E., M.M. di ruang rapat.",
        "Lihat hlm. 5 s.d. 7 pada dokumen tsb. yang terlampir.",
        "Rapat pukul 10.30 WIB di Jl. Sudirman No. 5 Kec. Sukamaju.",
    ],
)
def test_sentences_that_must_not_split(text: str) -> None:
    assert sentences(text) == [text]


def test_list_numbering_does_not_split() -> None:
    text = "Ada tiga hal: 1. Pertama, data. 2. Kedua, SDM.\n3. Ketiga, anggaran.\na. Satu lagi."
    assert sentences(text) == [
        "Ada tiga hal: 1. Pertama, data.",
        "2. Kedua, SDM.",
        "3. Ketiga, anggaran.",
        "a. Satu lagi.",
    ]


def test_split_sentences_in_a_range() -> None:
    text = "Abaikan ini. Satu. Dua.  Abaikan juga."
    start = text.index("Satu")
    end = text.index("Abaikan juga")
    assert split_sentences(text, start, end) == [
        (start, start + 5),
        (start + 6, start + 10),
    ]
    assert split_sentences(text, 5, 5) == []
    assert split_sentences(text, 0, 10_000)[-1][1] == len(text)


# --------------------------------------------------------------------------- notes and documents


DOCUMENT = """\
# LAPORAN KINERJA

BAB I PENDAHULUAN

1.1 Latar Belakang
Kinerja Bagian Organisasi diukur dengan IKU. Capaian tahun ini baik.
[Gambar 1]

Tabel 3.1 Capaian IKU
| No | Indikator | Capaian |
|---|---|---|
| 1 | IKM | 101,50 |
Sumber: data olahan.

HASIL OBSERVASI
(foto terlampir)
"""


@pytest.mark.parametrize("source_type", ["document", "observation"])
def test_document_paragraphs_headings_and_tables(source_type: str) -> None:
    segs = segment_document(DOCUMENT, source_type)
    assert [(s.kind, s.codable, s.text_of(DOCUMENT)) for s in segs] == [
        ("paragraph", False, "# LAPORAN KINERJA"),
        ("paragraph", False, "BAB I PENDAHULUAN"),
        ("paragraph", False, "1.1 Latar Belakang"),
        (
            "paragraph",
            True,
            "Kinerja Bagian Organisasi diukur dengan IKU. Capaian tahun ini baik.",
        ),
        ("paragraph", True, "Tabel 3.1 Capaian IKU"),
        ("paragraph", True, "| No | Indikator | Capaian |\n|---|---|---|\n| 1 | IKM | 101,50 |"),
        ("paragraph", True, "Sumber: data olahan."),
        ("paragraph", False, "HASIL OBSERVASI"),
    ]
    assert {(s.speaker, s.speaker_role, s.turn, s.timestamp) for s in segs} == {
        ("", "other", -1, "")
    }


def test_document_label_like_lines_are_not_turns() -> None:
    text = "Komentar peneliti: rapat terlambat.\nP: bukan giliran.\n"
    segs = segment_document(text, "observation")
    assert texts(text, segs) == ["Komentar peneliti: rapat terlambat.\nP: bukan giliran."]


def test_long_document_paragraph_is_split_at_sentences() -> None:
    a = "Rapat baru dibuka pukul 09.50 oleh Kepala Bagian."
    b = "Tujuh OPD tidak hadir sampai rapat selesai."
    c = "Dua di antaranya tanpa kabar."
    text = f"## Catatan\n\n{a} {b} {c}\n"
    segs = segment_document(text, "observation", max_chars=len(a) + 1 + len(b))
    assert [(s.kind, s.codable, s.text_of(text)) for s in segs] == [
        ("paragraph", False, "## Catatan"),
        ("sentence", True, f"{a} {b}"),
        ("sentence", True, c),
    ]


def test_long_table_stays_one_segment() -> None:
    table = "\n".join(f"| {i} | baris tabel nomor {i} |" for i in range(40))
    segs = segment_document(table, "document", max_chars=50)
    assert texts(table, segs) == [table]


def test_lines_that_only_resemble_headings_are_codable() -> None:
    text = (
        "1.500 pegawai telah dilatih\n\n2.5 juta rupiah dianggarkan\n\n"
        "Bab II membahas hasil penelitian.\n\nSAKIP BB.\n\nIKM: 81,20"
    )
    assert [s.codable for s in segment_document(text, "document")] == [True] * 5


# --------------------------------------------------------------------------- property test

_MARKUP = re.compile(r"\[[^\[\]\n]*\]|\([^()\n]*\)|\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?")
# The opening prefix of a line: a timestamp and/or a label up to its colon.
_OPENING_PREFIX = re.compile(
    r"[ \t]*(?:(?:\[[^\]\n]*\]|\([^)\n]*\)|[\d:.,]+(?:[ \t]*(?:-->|->|-|–|—)[ \t]*[\d:.,]+)?)"
    r"[ \t]*)?(?:[*_]{0,2}[^\W\d_][^\n:：]{0,80}[:：][*_]{0,2})?"
)
_ALNUM = re.compile(r"[^\W_]")


def _markup_only(chunk: str) -> bool:
    return _ALNUM.search(_MARKUP.sub(" ", chunk)) is None


def assert_invariant(text: str, source_type: str, segs: list[Segment]) -> None:
    """The documented invariant of segment_document.

    Each segment: ``0 <= start < end <= len(text)``, no surrounding whitespace, a
    letter or digit in it; segments are ordered and do not overlap; ``index`` counts
    from 0. Every non-whitespace character outside all segments lies in the opening
    prefix of its line (interviews only: timestamp and/or label up to the colon), or
    in a rest of the line that is markup only (notes, timestamps, punctuation).
    """
    covered = bytearray(len(text))
    previous_end = 0
    for i, seg in enumerate(segs):
        assert seg.index == i
        assert 0 <= seg.start < seg.end <= len(text)
        chunk = text[seg.start : seg.end]
        assert chunk == chunk.strip()
        assert _ALNUM.search(chunk)
        assert seg.start >= previous_end
        previous_end = seg.end
        covered[seg.start : seg.end] = b"\x01" * (seg.end - seg.start)
        if source_type != "interview":
            assert seg.turn == -1 and seg.speaker == ""
    pos = 0
    while pos <= len(text):
        newline = text.find("\n", pos)
        line_end = len(text) if newline < 0 else newline
        uncovered = [k for k in range(pos, line_end) if not covered[k] and not text[k].isspace()]
        if uncovered:
            prefix = pos
            if source_type == "interview":
                m = _OPENING_PREFIX.match(text, pos, line_end)
                prefix = m.end() if m else pos
            if any(k >= prefix for k in uncovered):
                assert _markup_only(text[prefix:line_end]), repr(text[pos:line_end])
        pos = line_end + 1


_LINE_PARTS = st.one_of(
    st.sampled_from(
        [
            "P:",
            "I:",
            "**P:**",
            "Q: ",
            "Informan 2:",
            "Pak Yohanes:",
            "Bu Rina: ",
            "Dedi:",
            "[00:12:31]",
            "(00:12:31) ",
            "00:12:31 ",
            "[12:31] ",
            "Catatan:",
            "[tertawa]",
            "[tidak jelas]",
            "# Judul",
            "| a | b |",
            "BAB I",
            "1.1 Judul",
            "...",
            "Dr.",
            "Jam 10:30 ",
            "Tanggal: 1",
            "Informan : Pak X",
            "A. ",
            "1. ",
            "Kalimat biasa. ",
            "Ya? Tidak! ",
            "\u2028",
            "\u00a0",
        ]
    ),
    st.text(
        alphabet=st.sampled_from("aB .!?…:[]()\n\t\"'1.,*#|-ÄĞ\u2028\x1c\x85\r"),
        max_size=12,
    ),
    st.text(max_size=8),
)
_DOCUMENTS = st.lists(
    st.tuples(_LINE_PARTS, _LINE_PARTS, st.sampled_from(["\n", "\n\n", " ", "\n\n\n", ""])),
    max_size=14,
).map(lambda parts: "".join(a + b + sep for a, b, sep in parts))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _DOCUMENTS,
    st.sampled_from(["interview", "observation", "document"]),
    st.integers(min_value=1, max_value=200),
)
def test_segment_invariant_property(text: str, source_type: str, max_chars: int) -> None:
    segs = segment_document(text, source_type, max_chars=max_chars)
    assert_invariant(text, source_type, segs)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_DOCUMENTS, st.text()))
def test_split_sentences_property(text: str) -> None:
    spans = split_sentences(text)
    covered = bytearray(len(text))
    previous_end = 0
    for a, b in spans:
        assert previous_end <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        previous_end = b
        covered[a:b] = b"\x01" * (b - a)
    assert all(covered[k] or text[k].isspace() for k in range(len(text)))


@settings(max_examples=200, deadline=None)
@given(_DOCUMENTS)
def test_detect_turns_property(text: str) -> None:
    turns = detect_turns(text)
    previous_end = 0
    for i, turn in enumerate(turns):
        assert turn.index == i
        assert previous_end <= turn.start <= turn.label_start <= turn.label_end
        assert turn.label_end <= turn.body_start <= turn.end <= len(text)
        assert text[turn.body_start : turn.end] == text[turn.body_start : turn.end].strip()
        previous_end = turn.end


def test_invariant_checker_catches_a_lost_word() -> None:
    text = "P: Apa?\nI: Jawaban penting."
    segs = segment_document(text)
    with pytest.raises(AssertionError):
        assert_invariant(text, "interview", segs[:1])


# --------------------------------------------------------------------------- speed


def _synthetic_interview(size: int) -> str:
    rng = random.Random(7)
    vocabulary = (
        "koordinasi data OPD terlambat kinerja SAKIP LKjIP target tercapai pegawai layanan "
        "e-office server error kami sudah rapat dengan Bu Siti Pak Agus belum optimal anggaran"
    )
    words = vocabulary.split()
    parts: list[str] = []
    total = 0
    turn = 0
    while total < size:
        sentences_ = []
        for _ in range(rng.randint(1, 10)):
            ws = [rng.choice(words) for _ in range(rng.randint(5, 25))]
            sentences_.append(" ".join(ws).capitalize() + rng.choice([".", "?", ". [tertawa]"]))
        stamp = f"[00:{turn // 60 % 60:02d}:{turn % 60:02d}] " if turn % 3 == 0 else ""
        block = f"{stamp}{'P' if turn % 2 == 0 else 'I'}: {' '.join(sentences_)}\n\n"
        parts.append(block)
        total += len(block)
        turn += 1
    return "".join(parts)


def test_speed_report() -> None:
    text = _synthetic_interview(1_000_000)
    for source_type in ("interview", "document"):
        wall, cpu = time.perf_counter(), time.process_time()
        segs = segment_document(text, source_type)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"\n{source_type}: {len(text):,} chars, {len(segs):,} segments, "
            f"{len(text) / max(cpu, 1e-9) / 1e6:.1f} MB/s CPU, "
            f"{len(text) / max(wall, 1e-9) / 1e6:.1f} MB/s wall"
        )
        assert segs
