"""Plain-text reading: encodings, normalisation, binary and size checks, front matter."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from qualcode.corpus import ReadLimits, decode_bytes, normalise_text, read_bytes, read_document
from qualcode.errors import ReadError

KUTIPAN = "Koordinasi antarbidang masih sering terlambat karena data dari OPD belum masuk."
CURLY = "Kata Bu Andr\u00e9: \u2018kami sudah berusaha\u2019 \u2014 \u201cnilai SAKIP naik\u201d."


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (f"{KUTIPAN}\n{CURLY}\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + f"{KUTIPAN}\n{CURLY}\n".encode(), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + f"{KUTIPAN}\n{CURLY}\n".encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + f"{KUTIPAN}\n{CURLY}\n".encode("utf-16-be"), "utf-16-be"),
        (f"{KUTIPAN}\n{CURLY}\n".encode("cp1252"), "cp1252"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings_decode_to_the_same_text(tmp_path: Path, data: bytes, encoding: str) -> None:
    doc = read_document(write(tmp_path, "informan-1.txt", data))
    assert doc.text == f"{KUTIPAN}\n{CURLY}"
    assert doc.metadata["encoding"] == encoding
    assert not doc.text.startswith("\ufeff")


def test_python_utf16_with_native_bom(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.txt", f"{KUTIPAN}\n".encode("utf-16")))
    assert doc.text == KUTIPAN
    assert doc.metadata["encoding"].startswith("utf-16")


def test_cp1252_curly_quotes(tmp_path: Path) -> None:
    raw = "Pegawai bilang \u2018cukup baik\u2019, kata Andr\u00e9.".encode("cp1252")
    assert b"\x91" in raw and b"\x92" in raw and b"\xe9" in raw
    doc = read_document(write(tmp_path, "cp.txt", raw))
    assert doc.text == "Pegawai bilang \u2018cukup baik\u2019, kata Andr\u00e9."
    assert doc.metadata["encoding"] == "cp1252"


def test_latin1(tmp_path: Path) -> None:
    text = "Caf\u00e9 di depan kantor Setda; pelayanan \u00abcukup\u00bb baik, na\u00efve."
    doc = read_document(write(tmp_path, "latin.txt", text.encode("latin-1")))
    assert doc.text == text
    assert doc.metadata["encoding"] in {"cp1252", "latin-1"}


def test_utf16_without_bom(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "nobom.txt", KUTIPAN.encode("utf-16-le")))
    assert doc.text == KUTIPAN
    assert doc.metadata["encoding"] == "utf-16-le"


def test_bytes_cp1252_leaves_undefined_falls_back_to_latin1() -> None:
    decoded = decode_bytes(b"Kinerja \x81 baik \xe9", where="x.txt")
    assert decoded.encoding == "latin-1"
    assert decoded.text.endswith("\xe9")


def test_utf8_bom_with_a_bad_byte_is_read_with_a_count(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + b"Kinerja baik \xe9 sekali\n"
    doc = read_document(write(tmp_path, "rusak.txt", data))
    assert doc.text == "Kinerja baik \ufffd sekali"
    assert doc.metadata["decode_errors"] == 1


# --------------------------------------------------------------------------- normalisation


def test_mixed_line_endings_are_normalised(tmp_path: Path) -> None:
    data = b"Peneliti: Apa kendalanya?\r\nInforman 1: Data terlambat.\rInforman 1: Lagi.\n\r\nAkhir"
    doc = read_document(write(tmp_path, "crlf.txt", data))
    assert doc.text == (
        "Peneliti: Apa kendalanya?\nInforman 1: Data terlambat.\nInforman 1: Lagi.\n\nAkhir"
    )
    assert "\r" not in doc.text


def test_blank_lines_and_spacing_are_kept_only_the_end_is_stripped(tmp_path: Path) -> None:
    text = "\n\n  Peneliti:  Bagaimana?\n\n\n\tInforman 2:   Baik.  \n   \n\n"
    doc = read_document(write(tmp_path, "spasi.txt", text.encode()))
    assert doc.text == "\n\n  Peneliti:  Bagaimana?\n\n\n\tInforman 2:   Baik."


def test_control_characters_removed_nfc_applied(tmp_path: Path) -> None:
    decomposed = "Kafe\u0301 OPD"  # e + combining acute
    text = f"Baris\x07 satu\x1b\n{decomposed}\x0cHalaman baru\u2028baris\tdengan tab\x7f"
    doc = read_document(write(tmp_path, "kontrol.txt", text.encode()))
    assert doc.text == "Baris satu\nKaf\u00e9 OPD\nHalaman baru\nbaris\tdengan tab"


def test_normalise_is_idempotent() -> None:
    text = "\ufeffA\r\nB\rC\x00\u2029D \u0065\u0301  \n\n"
    once = normalise_text(text)
    assert once == "A\nB\nC\nD \u00e9"
    assert normalise_text(once) == once


def test_lone_surrogates_do_not_survive() -> None:
    assert normalise_text("a\ud83d\ude00b\ud800c") == "a\U0001f600b\ufffdc"


# --------------------------------------------------------------------------- refusals


def test_nul_byte_is_binary(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="binary"):
        read_document(write(tmp_path, "biner.txt", b"Koordinasi\x00\x01\x02\x03 antarbidang\xff"))


def test_png_renamed_txt_says_what_it_is(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    with pytest.raises(ReadError, match="PNG image"):
        read_document(write(tmp_path, "foto.txt", data))


def test_mostly_control_characters_is_binary(tmp_path: Path) -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 17]) * 50 + b"teks"
    with pytest.raises(ReadError, match="binary"):
        read_document(write(tmp_path, "kontrol.txt", data))


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="empty") as info:
        read_document(write(tmp_path, "kosong.txt", b""))
    assert info.value.path == str(tmp_path / "kosong.txt")


@pytest.mark.parametrize("data", [b"   \n\n\t \r\n", codecs.BOM_UTF8, b"\x07\x07\n"])
def test_whitespace_only_has_no_text(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ReadError, match="no text"):
        read_document(write(tmp_path, "spasi.txt", data))


def test_oversize_says_size_and_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "besar.txt", (KUTIPAN + "\n").encode() * 40)
    with pytest.raises(ReadError, match=r"3\.1 KB, larger than the limit of 1000 bytes"):
        read_document(path, limits=ReadLimits(max_bytes=1000))


def test_too_many_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "panjang.txt", b"a" * 500)
    with pytest.raises(ReadError, match="500 characters, more than the limit of 100"):
        read_document(path, limits=ReadLimits(max_chars=100))


def test_read_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        ReadLimits(max_bytes=0)


# --------------------------------------------------------------------------- front matter

FRONT = """---
title: Wawancara Kepala Bagian Organisasi
source_type: wawancara
informant: Informan 1
role: Kepala Bagian Organisasi
date: 2024-03-14
place: Setda Kabupaten Sleman
name: Transkrip 1
pewawancara: Peneliti
durasi_menit: 45
---

Peneliti: Bagaimana capaian IKU tahun ini?
Informan 1: Sebagian besar target tercapai.
"""


@pytest.mark.parametrize("ext", [".txt", ".md", ".markdown"])
def test_front_matter_fills_fields(tmp_path: Path, ext: str) -> None:
    doc = read_document(write(tmp_path, "informan-1" + ext, FRONT.encode()))
    assert doc.text == (
        "Peneliti: Bagaimana capaian IKU tahun ini?\nInforman 1: Sebagian besar target tercapai."
    )
    assert doc.title == "Wawancara Kepala Bagian Organisasi"
    assert doc.source_type == "interview"
    assert doc.informant == "Informan 1"
    assert doc.role == "Kepala Bagian Organisasi"
    assert doc.date == "2024-03-14"
    assert doc.place == "Setda Kabupaten Sleman"
    assert doc.metadata["name"] == "Transkrip 1"
    assert doc.metadata["pewawancara"] == "Peneliti"
    assert doc.metadata["durasi_menit"] == 45
    assert doc.name == "informan-1" + ext
    assert doc.format == ext[1:]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("interview", "interview"),
        ("Wawancara", "interview"),
        ("observation", "observation"),
        ("observasi", "observation"),
        ("document", "document"),
        ("dokumen", "document"),
        ("DOKUMENTASI", "document"),
    ],
)
def test_source_type_words(tmp_path: Path, word: str, expected: str) -> None:
    text = f"---\nsource_type: {word}\n---\nCatatan lapangan di ruang rapat.\n"
    assert read_document(write(tmp_path, "a.md", text.encode())).source_type == expected


def test_bad_source_type_names_the_value_and_line(tmp_path: Path) -> None:
    text = "---\ntitle: Catatan\nsource_type: kuesioner\n---\nIsi.\n"
    with pytest.raises(ReadError, match="'kuesioner'") as info:
        read_document(write(tmp_path, "a.txt", text.encode()))
    assert info.value.line == 3
    assert "wawancara" in info.value.message


def test_malformed_front_matter_gives_the_line(tmp_path: Path) -> None:
    text = "---\ntitle: Wawancara\ninformant: [Informan 1\nrole: Staf\n---\nIsi.\n"
    path = write(tmp_path, "rusak.md", text.encode())
    with pytest.raises(ReadError, match="malformed front matter") as info:
        read_document(path)
    assert info.value.path == str(path)
    assert info.value.line in (3, 4, 5)
    assert str(info.value).startswith(f"{path}:{info.value.line}: ")


def test_malformed_front_matter_bad_indentation_line(tmp_path: Path) -> None:
    text = "---\ntitle: Wawancara\n  informant: Informan 1\n---\nIsi.\n"
    with pytest.raises(ReadError) as info:
        read_document(write(tmp_path, "rusak.md", text.encode()))
    assert info.value.line == 3


def test_front_matter_not_a_mapping(tmp_path: Path) -> None:
    text = "---\n- satu\n- dua\n---\nIsi.\n"
    with pytest.raises(ReadError, match="key: value"):
        read_document(write(tmp_path, "a.md", text.encode()))


def test_front_matter_without_closing_line_is_an_error(tmp_path: Path) -> None:
    text = "---\ntitle: Wawancara\nsource_type: wawancara\nPeneliti: Apa?\n"
    with pytest.raises(ReadError, match="no closing") as info:
        read_document(write(tmp_path, "a.md", text.encode()))
    assert info.value.line == 1


def test_leading_rule_without_front_matter_is_text(tmp_path: Path) -> None:
    text = "---\n\nPeneliti: Apa kendalanya?\n"
    doc = read_document(write(tmp_path, "a.txt", text.encode()))
    assert doc.text == "---\n\nPeneliti: Apa kendalanya?"


def test_front_matter_with_crlf_and_bom(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + FRONT.replace("\n", "\r\n").encode()
    doc = read_document(write(tmp_path, "a.txt", data))
    assert doc.informant == "Informan 1"
    assert doc.text.startswith("Peneliti:")


def test_front_matter_only_is_no_text(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="no text after it"):
        read_document(write(tmp_path, "a.md", b"---\ntitle: Kosong\n---\n\n"))


def test_front_matter_indonesian_aliases_and_dates(tmp_path: Path) -> None:
    text = (
        "---\njudul: Observasi Rapat\njenis_sumber: observasi\ninforman: Informan 3\n"
        "jabatan: Staf Bagian Organisasi\ntanggal: Kamis, 14 Maret 2024\ntempat: Ruang Rapat\n"
        "---\nRapat dimulai terlambat.\n"
    )
    doc = read_document(write(tmp_path, "obs.md", text.encode()))
    assert (doc.title, doc.source_type, doc.informant) == (
        "Observasi Rapat",
        "observation",
        "Informan 3",
    )
    assert (doc.role, doc.date, doc.place) == (
        "Staf Bagian Organisasi",
        "2024-03-14",
        "Ruang Rapat",
    )


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("14/03/2024", "2024-03-14"),
        ("14-3-2024", "2024-03-14"),
        ("2 Agustus 2023", "2023-08-02"),
        ("March 14, 2024", "2024-03-14"),
        ("2024-03-14 09:30:00", "2024-03-14"),
        ("awal Maret 2024", "awal Maret 2024"),
        ("31/02/2024", "31/02/2024"),
    ],
)
def test_dates(tmp_path: Path, written: str, iso: str) -> None:
    text = f"---\ndate: {written}\n---\nIsi wawancara.\n"
    assert read_document(write(tmp_path, "a.md", text.encode())).date == iso


def test_front_matter_list_for_a_field_is_an_error(tmp_path: Path) -> None:
    text = "---\ninformant: [Informan 1, Informan 2]\n---\nIsi.\n"
    with pytest.raises(ReadError, match="single value") as info:
        read_document(write(tmp_path, "a.md", text.encode()))
    assert info.value.line == 2


def test_front_matter_uses_safe_load(tmp_path: Path) -> None:
    text = "---\ntitle: !!python/object/apply:os.system ['echo x']\n---\nIsi.\n"
    with pytest.raises(ReadError, match="malformed front matter"):
        read_document(write(tmp_path, "a.md", text.encode()))


def test_front_matter_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["---", "a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 10)}]")
    lines += ["---", "Isi."]
    with pytest.raises(ReadError, match="too large"):
        read_document(write(tmp_path, "bom.md", "\n".join(lines).encode()))


def test_front_matter_metadata_is_json_ready(tmp_path: Path) -> None:
    text = "---\ndicatat: 2024-03-14\ndaftar: [1, 2]\n---\nIsi.\n"
    doc = read_document(write(tmp_path, "a.md", text.encode()))
    assert doc.metadata["dicatat"] == "2024-03-14"
    assert doc.metadata["daftar"] == [1, 2]


def test_read_bytes_text_front_matter() -> None:
    doc = read_bytes(FRONT.encode("cp1252"), "informan-1.md")
    assert doc.informant == "Informan 1"
    assert doc.path == ""
    assert doc.metadata["encoding"] in {"utf-8", "cp1252"}


def test_leading_rule_then_dialogue_without_closing_is_text(tmp_path: Path) -> None:
    text = "---\nPeneliti: Apa kendalanya?\nInforman 1: Data terlambat.\n"
    doc = read_document(write(tmp_path, "a.txt", text.encode()))
    assert doc.text == text.rstrip()
