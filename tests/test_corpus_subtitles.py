"""Subtitle files written by automatic transcribers."""

from __future__ import annotations

from pathlib import Path

import pytest

from qualcode.corpus import read_bytes, read_document
from qualcode.errors import ReadError

SRT = """1
00:00:01,000 --> 00:00:04,500
Selamat pagi, Pak. Bagaimana koordinasi
antarbidang selama ini?

2
00:00:05,250 --> 00:00:09,000
<i>Informan 2:</i> Masih sering terlambat.

3
01:02:03,999 --> 01:02:08,000
{\\an8}Data dari OPD belum masuk tepat waktu.
"""


def test_srt(tmp_path: Path) -> None:
    path = tmp_path / "wawancara.srt"
    path.write_bytes(SRT.replace("\n", "\r\n").encode("utf-8-sig"))
    doc = read_document(path)
    assert doc.text == (
        "[00:00:01] Selamat pagi, Pak. Bagaimana koordinasi antarbidang selama ini?\n"
        "[00:00:05] Informan 2: Masih sering terlambat.\n"
        "[01:02:03] Data dari OPD belum masuk tepat waktu."
    )
    assert doc.format == "srt"
    assert doc.metadata["format"] == "srt"
    assert doc.metadata["cues"] == 3
    assert doc.metadata["encoding"] == "utf-8-sig"


VTT = """WEBVTT
Kind: captions
Language: id

NOTE Ditranskrip otomatis,
diperiksa peneliti.

STYLE
::cue { color: yellow }

intro
00:00:01.000 --> 00:00:04.000 align:start position:10%
<v Peneliti>Apa kendala utama dalam pelaporan LKjIP?</v>

00:00:04.500 --> 00:00:09.000
<v.loud Informan 1>Kendalanya SDM &amp; waktu,
<c.kuning>sangat</c> terbatas.</v>

00:10.000 --> 00:12.000
<v Peneliti>Baik.</v>
<v Informan 1>Ya, begitu.</v>

00:00:13.000 --> 00:00:15.000
Informan 1: Sudah ada <00:00:14.000>perbaikan.
"""


def test_vtt(tmp_path: Path) -> None:
    path = tmp_path / "informan-1.vtt"
    path.write_text(VTT, encoding="utf-8")
    doc = read_document(path)
    assert doc.text == (
        "[00:00:01] Peneliti: Apa kendala utama dalam pelaporan LKjIP?\n"
        "[00:00:04] Informan 1: Kendalanya SDM & waktu, sangat terbatas.\n"
        "[00:00:10] Peneliti: Baik.\n"
        "[00:00:10] Informan 1: Ya, begitu.\n"
        "[00:00:13] Informan 1: Sudah ada perbaikan."
    )
    assert doc.format == "vtt"
    assert doc.metadata["format"] == "vtt"
    assert doc.metadata["cues"] == 4


def test_srt_with_blank_line_inside_a_cue() -> None:
    data = (
        b"1\n00:00:01,000 --> 00:00:02,000\nBaris satu\n\nbaris dua\n\n"
        b"2\n00:00:03,000 --> 00:00:04,000\nBaris tiga\n"
    )
    doc = read_bytes(data, "a.srt")
    assert doc.text == "[00:00:01] Baris satu baris dua\n[00:00:03] Baris tiga"


def test_cues_without_text_are_dropped() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n\n2\n00:00:03,000 --> 00:00:04,000\nAda.\n"
    doc = read_bytes(data, "a.srt")
    assert doc.text == "[00:00:03] Ada."
    assert doc.metadata["cues"] == 1


@pytest.mark.parametrize("name", ["kosong.srt", "kosong.vtt"])
def test_subtitles_without_cues(name: str) -> None:
    with pytest.raises(ReadError, match="no subtitle cues"):
        read_bytes(b"WEBVTT\n\nHanya teks tanpa waktu.\n", name)


def test_binary_subtitles() -> None:
    with pytest.raises(ReadError, match="binary"):
        read_bytes(b"\x00\x01\x02\x03" * 100, "audio.srt")
