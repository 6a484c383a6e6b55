"""Recognising speaker labels such as ``P:``, ``Informan 2:`` or ``Bu Rina:``.

A label is at most four words before a colon, optionally in bold markdown, at the
start of a line (after an optional timestamp). It is one of:

* a *role label*: ``P``/``Q``/``T``, ``Peneliti``, ``Pewawancara``, ``Interviewer``,
  ``Penanya``, ``Pertanyaan`` (interviewer); ``I``/``A``/``J``/``R``/``N``,
  ``R1``, ``Informan``, ``Informan 2``, ``Narasumber``, ``Responden``, ``Jawaban``
  (informant); single letters only in upper case;
* a *name label*: honorific and/or capitalised words (``Pak Yohanes``,
  ``Ibu Siti Nurhaliza``, ``Dedi``); trailing degrees after a comma
  (``Drs. Ahmad, M.Si.``) and a trailing parenthetical (``Informan 1 (Kabag)``) are
  allowed and left out of the speaker name;
* a *metadata key* such as ``Tanggal``, ``Jabatan`` or ``Waktu``: never a speaker,
  but it marks header blocks (see ``turns``).

Words that commonly precede a colon in speech or notes (``Catatan``, ``Contoh``,
``Pertama``, ``Kendala`` ...) and phrases with function words (``yang``, ``dan``)
are never labels.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from qualcode.segmentation.spans import word_set

LabelKind = Literal["interviewer", "informant", "name", "meta"]

_INTERVIEWER_ROLE_RE = re.compile(
    r"[pqt]|(?:peneliti|pewawancara|interviewer|penanya|tanya|pertanyaan|moderator"
    r"|fasilitator|penulis|researcher)(?:\s*\d{1,3}|\s+[a-z])?"
)
_INFORMANT_ROLE_RE = re.compile(
    r"[iajrn]|[rin]\s*\d{1,3}"
    r"|(?:informan|informant|narasumber|nara sumber|responden|respondent|interviewee"
    r"|partisipan|participant|subjek|jawab|jawaban|answer|key informant"
    r"|informan (?:kunci|utama|pendukung|tambahan))(?:\s*\d{1,3}|\s+[a-z])?"
)
_CODE_RE = re.compile(r"[a-z]\s*\d*")

# First words of "Key: value" lines in transcript headers.
METADATA_KEYS: frozenset[str] = word_set(
    """
    nama jabatan tanggal tgl hari waktu jam pukul tempat lokasi durasi instansi unit
    bagian alamat usia umur pendidikan topik judul kode pangkat golongan nip masa lama
    media metode jenis status perihal file berkas rekaman transkrip transkriptor
    date time place location duration title name position
    """
)

# First words that make a "Word: ..." line content, not a speaker label.
NON_SPEAKER_WORDS: frozenset[str] = word_set(
    """
    catatan keterangan ket note notes nb ps sumber lampiran contoh contohnya misal
    misalnya yaitu yakni antara kesimpulan kesimpulannya ringkasan hasil tujuan memo
    hal nomor no pasal ayat bab tabel gambar grafik diagram tahun bulan minggu periode
    triwulan semester pertama kedua ketiga keempat kelima terakhir selanjutnya
    kemudian lalu jadi nah intinya artinya maksudnya pokoknya kendala hambatan solusi
    saran masalah permasalahan faktor pendukung penghambat indikator dimensi aspek
    variabel fokus subfokus sasaran target program kegiatan capaian realisasi jumlah
    total nilai skor temuan rekomendasi poin langkah tahap tahapan referensi link
    email telp telepon hp wa website url ya iya tidak oke ok baik begini begitu yang
    dan atau tapi tetapi karena kalau menurut sebagai dalam untuk dengan dari pada di
    ke ini itu saya kami kita mereka beliau dia anda tema subtema kategori definisi
    pengertian penjelasan uraian deskripsi analisis pembahasan interpretasi refleksi
    observasi wawancara dokumentasi dokumen pesan kata ucapan sesi segmen
    """
)

_FUNCTION_WORDS: frozenset[str] = word_set(
    """
    yang dan di ke dari untuk dengan adalah ini itu atau pada dalam bahwa akan sudah
    tidak belum juga saya kami kita mereka karena jadi kalau seperti oleh bisa ada
    harus menjadi sebagai
    """
)

# Lowercase words allowed inside a name label.
_NAME_PARTICLES: frozenset[str] = word_set(
    "pak bu ibu bapak mas mbak bang kak dik bin binti van der de al el da dos"
)

_WORD_RE = re.compile(r"[^\W\d_]+")
_LABEL_WORD_RE = re.compile(r"[^\W_][\w.'’\-]*")
_DEGREE_RE = re.compile(r"[A-Za-z]{1,5}\.(?:[ ]?[A-Za-z]{1,5}\.)*(?:[ ]?[A-Za-z]{1,5})?")
_PAREN_TAIL_RE = re.compile(r"(?P<head>[^()]*?)\s*\([^()]*\)\s*")


@dataclass(frozen=True)
class LabelCandidate:
    """A label-like text before a colon, classified.

    ``speaker`` is the label as written with whitespace collapsed, without a
    trailing parenthetical or degrees; ``length`` is how many characters of the
    raw text it spans; ``key`` is its case-folded form, used to count and match.
    """

    speaker: str
    key: str
    kind: LabelKind
    length: int
    long_form: bool  # a role word such as "Informan", not a letter or code like "R1"


@lru_cache(maxsize=4096)
def classify_label(raw: str) -> LabelCandidate | None:
    """Classify the text before a colon, or None if it cannot be a label."""
    first = _WORD_RE.match(raw)
    if first is None:
        return None
    first_word = first.group().casefold()
    if first_word in METADATA_KEYS:
        return LabelCandidate(raw.strip(), raw.strip().casefold(), "meta", len(raw), False)
    if first_word in NON_SPEAKER_WORDS:
        return None
    head = raw
    paren = _PAREN_TAIL_RE.fullmatch(head)
    if paren is not None and paren.group("head").strip():
        head = paren.group("head")
    if "(" in head or ")" in head:
        return None
    if "," in head:
        head, tail = head.split(",", 1)
        if not all(_DEGREE_RE.fullmatch(part.strip()) for part in tail.split(",")):
            return None
    head = head.rstrip()
    words = head.split()
    if not 1 <= len(words) <= 4 or not all(_LABEL_WORD_RE.fullmatch(w) for w in words):
        return None
    speaker = " ".join(words)
    key = speaker.casefold()
    single_letter = len(speaker) == 1 or (speaker[0].isalpha() and speaker[1:].strip().isdigit())
    if single_letter and not speaker[0].isupper():
        return None
    long_form = _CODE_RE.fullmatch(key) is None
    if _INTERVIEWER_ROLE_RE.fullmatch(key):
        return LabelCandidate(speaker, key, "interviewer", len(head), long_form)
    if _INFORMANT_ROLE_RE.fullmatch(key):
        return LabelCandidate(speaker, key, "informant", len(head), long_form)
    if _is_name(words):
        return LabelCandidate(speaker, key, "name", len(head), long_form)
    return None


def _is_name(words: list[str]) -> bool:
    has_capital = False
    for word in words:
        low = word.casefold()
        if low in _FUNCTION_WORDS:
            return False
        if word[0].isupper():
            has_capital = True
        elif not (word[0].isdigit() or low in _NAME_PARTICLES):
            return False
    return has_capital


def label_keys(labels: Iterable[str]) -> frozenset[str]:
    """Keys of caller-given labels: as written, and as a label would be keyed.

    "Drs. Ahmad, M.Si." gives both "drs. ahmad, m.si." and "drs. ahmad", so it
    matches the label however the transcript writes the degrees.
    """
    keys = set()
    for label in labels:
        cleaned = " ".join(label.strip().strip("*_").rstrip(":：").strip().split())
        if not cleaned:
            continue
        keys.add(cleaned.casefold())
        candidate = classify_label(cleaned)
        if candidate is not None and candidate.kind != "meta":
            keys.add(candidate.key)
    return frozenset(keys)
