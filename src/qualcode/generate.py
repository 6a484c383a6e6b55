"""Synthetic study corpora of any size, for benchmarks and load tests.

The generator learns from a sample study (by default the repository's
``transcripts/``): the speaker labels and turn layout of each interview, what
interviewers ask and how informants answer (paragraphs of sentences), the
sections and comments of observation notes, and the headings, paragraphs, lists
and tables of official documents. It then writes new studies by recombining
those sentences with light variation: colleagues' names, numbers, the regency,
the served OPD, informant numbers and fillers change, so no text is a verbatim
copy of the sample, while the vocabulary (and so the auto-coding density) stays
that of a real study.

Every document carries YAML front matter like the sample's (informant
pseudonym, name, role, date, place, ...). About 80 % of the documents are
interviews, 10 % observation notes and 10 % documents; ``words_per_document``
is the size of every document's text (after the front matter), reached to
within one sentence. Output is deterministic: the same seed, sizes and sample
give the same bytes, and document ``i`` does not depend on how many documents
are asked for (apart from the width of the number in its file name).

- ``generate_corpus(out_dir, n_documents, words_per_document=2000, seed=0)``
  writes ``wawancara/``, ``observasi/`` and ``dokumen/`` files;
- ``iter_corpus(...)`` yields the same documents as ``SourceDocument``s, as
  ``qualcode.corpus.read_document`` would read them, without touching the disk.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from qualcode.corpus import normalise_text
from qualcode.model import SourceDocument, SourceType

DEFAULT_SAMPLE = Path(__file__).resolve().parents[2] / "transcripts"

FOLDERS: dict[str, str] = {
    "interview": "wawancara",
    "observation": "observasi",
    "document": "dokumen",
}
# Source type of each position in a block of ten documents: 8 interviews, 1
# observation, 1 document; a prefix of five already holds one of each.
_BLOCK: tuple[SourceType, ...] = (
    "interview",
    "observation",
    "interview",
    "interview",
    "document",
    "interview",
    "interview",
    "interview",
    "interview",
    "interview",
)

# --------------------------------------------------------------------------- vocabulary
# Fictional people, places and units used for variation.


def _wordlist(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _wordlist(
    "Agus Budi Dedi Hendra Bayu Fajar Yohanes Rudi Joko Slamet Andi Rizky Wahyu Eko Bambang "
    "Teguh Arif Hasan Imam Dimas Yusuf Gilang Rahmat Sigit Taufik Heru Iwan Darmawan Samuel "
    "Made Ketut Ilham Irfan Yoga Hadi Bagus Anton Stefanus Markus"
)
FEMALE_NAMES = _wordlist(
    "Rina Siti Maria Lestari Nanda Dewi Sri Ratna Wulan Fitri Yuni Indah Ayu Nur Sari Dian "
    "Retno Endah Kartika Putri Anisa Lina Wati Novi Rahma Melati Ningsih Kadek Agnes Yohana "
    "Citra Hesti Vivi Tuti Mega Susi Ratih Nia Tari Elisabet"
)
FAMILY_NAMES = _wordlist(
    "Wulandari Pratama Nurhaliza Kurniawan Manurung Ulfa Santoso Siregar Hidayat Saputra "
    "Lubis Wijaya Rahayu Setiawan Nasution Permana Susanto Harahap Purnomo Simanjuntak "
    "Halim Gunawan Anggraini Lestari Maharani Putra Syahputra Tambunan Sitompul Pohan"
)
REGENCIES = _wordlist(
    "Sukamaju Sukamakmur Tirtamulya Bumiasih Sindangjaya Wanasari Cahayabaru Rantaujaya "
    "Lembahhijau Talagasari Sumberasri Karangwangi"
)
# Served units: (full name, short name).
OPDS: tuple[tuple[str, str], ...] = (
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Pendidikan", "Disdik"),
    ("Dinas Sosial", "Dinsos"),
    ("Dinas Perhubungan", "Dishub"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Pertanian", "Distan"),
    ("Dinas Tenaga Kerja", "Disnaker"),
    ("Badan Penanggulangan Bencana Daerah", "BPBD"),
    ("Badan Pendapatan Daerah", "Bapenda"),
)
ROLES = (
    "Kepala Bagian Organisasi",
    "Analis Kelembagaan (Pegawai Bagian Organisasi)",
    "Kepala Subbagian Reformasi Birokrasi dan Akuntabilitas Kinerja",
    "Kepala Subbagian Kelembagaan dan Analisis Jabatan",
    "Kepala Subbagian Pelayanan Publik dan Tata Laksana",
    "Pranata Komputer Bagian Organisasi",
    "Analis Kebijakan Bagian Organisasi",
    "Analis Sumber Daya Manusia Aparatur",
    "Pengelola Data Kinerja Bagian Organisasi",
    "Kepala Bagian Perencanaan dan Keuangan Setda",
    "Kepala Bagian Umum Setda",
    "Asisten Administrasi Umum",
    "Inspektur Pembantu Wilayah II",
    "Auditor Ahli Muda Inspektorat",
    "Sekretaris {opd}",
    "Kepala Subbagian Umum dan Kepegawaian {opd}",
    "Kepala Subbagian Perencanaan {opd}",
    "Operator SIPD {opd}",
    "Camat (pengguna layanan Bagian Organisasi)",
    "Staf Pelaksana Bagian Organisasi",
)
MONTHS = _wordlist(
    "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
)
WEEKDAYS = _wordlist("Senin Selasa Rabu Kamis Jumat Sabtu Minggu")
FILLERS_MID = ("eh,", "ya,", "apa namanya,", "gimana ya,", "nah,", "jadi,")
FILLERS_END = (", gitu", " lah", " sih", ", ya", " kok")
_MALE_HONORIFICS = frozenset({"Pak", "Bapak", "Mas"})
_FEMALE_HONORIFICS = frozenset({"Bu", "Ibu", "Mbak"})
_NOT_NAMES = frozenset(
    _wordlist(
        "Asisten Sekda Kabag Kasubbag Kadis Kepala Bupati Camat Lurah Sekretaris Inspektur "
        "Wakil Plt Pj Kabid Direktur Menteri Gubernur Dirjen Ketua Kasi Kasubag"
    )
)

# --------------------------------------------------------------------------- the learned model

_SENTENCE_SPLIT = re.compile(
    r"(?<=[.!?…])(?<!\bPak\.)(?<!\bBu\.)(?<!\bNo\.)(?<!\bDr\.)(?<!\bDrs\.)\s+(?=[\"“(\[]?[A-Z0-9])"
)
_TIMESTAMP = r"\[(\d{1,2}:\d{2}(?::\d{2})?)\]"
_TURN_LINE = re.compile(rf"^(?:{_TIMESTAMP}[ \t]*)?([^\W\d_][^:\n\[\]]{{0,39}}?):[ \t]*(.*)$")
_LEADING_TIMESTAMP = re.compile(rf"^{_TIMESTAMP}\s*")
_NOTE = re.compile(r"^\[[^\]\n]{1,80}\]$")
_INFORMANT_NO = re.compile(r"\bInforman (\d+)\b")
_HONORIFIC_NAME = re.compile(r"\b(Pak|Bu|Mas|Mbak|Dik|Bapak|Ibu) ([A-Z][a-z]+)\b")
_BARE_ADDRESS = re.compile(r"\b(Bu|Pak|Ibu|Bapak)\b(?! [A-Z])")
_NUMBER = re.compile(r"(?<![\d.,:/-])(\d{1,3})(?:,(\d{1,2}))?(?![\d.:/-])")
_NUMBER_KEEP_BEFORE = re.compile(
    r"(?:Tahun|Nomor|No\.?|Nomer|Pasal|ayat|pukul|jam|Perpres|PP|UU|Triwulan|tanggal|Tabel|"
    r"U|IV/|III/|II/)\s*$",
    re.IGNORECASE,
)
_INTERVIEWER_WORDS = frozenset({"p", "q", "peneliti", "pewawancara", "interviewer", "t"})


@dataclass(frozen=True)
class InterviewStyle:
    """How one sample interview writes its turns."""

    interviewer: str  # label as written, e.g. "Peneliti"
    informant: str  # "Informan {n}", "{address}" or a fixed label ("Narasumber")
    timestamps: bool
    label_alone: float  # share of informant turns whose label stands on its own line
    extension: str


@dataclass(frozen=True)
class DocumentKind:
    doc_type: str
    title: str
    author: str
    title_blocks: tuple[str, ...]
    chapters: tuple[str, ...]  # chapter names in order


@dataclass
class SampleModel:
    """What the generator learned from the sample study (sentence pools and layouts)."""

    styles: list[InterviewStyle] = field(default_factory=list)
    openings: list[str] = field(default_factory=list)
    first_answers: list[list[str]] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)
    answers: list[list[str]] = field(default_factory=list)  # paragraphs as sentences
    paragraphs_per_answer: list[int] = field(default_factory=list)
    closings: list[str] = field(default_factory=list)
    last_answers: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interview_places: list[str] = field(default_factory=list)
    obs_titles: list[tuple[str, str, str]] = field(default_factory=list)  # title, topic, place
    obs_headings: list[str] = field(default_factory=list)
    obs_paragraphs: list[list[str]] = field(default_factory=list)
    obs_comments: list[list[str]] = field(default_factory=list)
    doc_kinds: list[DocumentKind] = field(default_factory=list)
    doc_chapters: dict[str, list[str]] = field(default_factory=dict)  # name -> headings
    doc_paragraphs: list[list[str]] = field(default_factory=list)
    doc_list_intros: list[str] = field(default_factory=list)
    doc_list_items: list[str] = field(default_factory=list)
    doc_tables: list[tuple[str, list[str]]] = field(default_factory=list)  # caption, lines
    informant_names: frozenset[str] = frozenset()


def _sentences(paragraph: str) -> list[str]:
    text = " ".join(paragraph.split())
    return [s for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def _front_matter(raw: str) -> tuple[dict[str, str], str]:
    if not raw.startswith("---\n"):
        return {}, raw
    end = raw.find("\n---", 4)
    if end < 0:
        return {}, raw
    meta = yaml.safe_load(raw[4:end]) or {}
    body = raw[end + 4 :].lstrip("\n")
    return {str(k): "" if v is None else str(v) for k, v in meta.items()}, body


def _blocks(body: str) -> list[str]:
    return [b.strip("\n") for b in re.split(r"\n[ \t]*\n", body) if b.strip()]


def _learn_interview(model: SampleModel, meta: dict[str, str], body: str, ext: str) -> None:
    lines = body.split("\n")
    starts: dict[str, int] = {}
    for line in lines:
        m = _TURN_LINE.match(line)
        if m:
            starts[m.group(2).strip()] = starts.get(m.group(2).strip(), 0) + 1
    labels = {label for label, n in starts.items() if n >= 2}
    if len(labels) < 2:
        return
    wanted = meta.get("interviewer", "").strip()
    interviewer = next((label for label in labels if label == wanted), None)
    if interviewer is None:
        interviewer = next((lb for lb in labels if lb.casefold() in _INTERVIEWER_WORDS), None)
    if interviewer is None:
        return
    # Turns: (speaker is interviewer, list of paragraphs).
    turns: list[tuple[bool, list[str], bool]] = []
    timestamps = False
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph and turns:
            turns[-1][1].append(" ".join(paragraph))
        paragraph.clear()

    informant_labels: list[str] = []
    for line in lines:
        m = _TURN_LINE.match(line)
        if m and m.group(2).strip() in labels:
            flush()
            label = m.group(2).strip()
            timestamps = timestamps or bool(m.group(1))
            rest = m.group(3).strip()
            if label != interviewer:
                informant_labels.append(label)
            turns.append((label == interviewer, [], not rest))
            if rest:
                paragraph.append(rest)
        elif not line.strip():
            flush()
        elif turns:
            paragraph.append(_LEADING_TIMESTAMP.sub("", line.strip()))
    flush()
    if not informant_labels:
        return
    informant = informant_labels[0]
    number = _INFORMANT_NO.fullmatch(informant)
    address = _HONORIFIC_NAME.fullmatch(informant)
    template = "Informan {n}" if number else "{address}" if address else informant
    alone = [a for is_q, _, a in turns if not is_q]
    model.styles.append(
        InterviewStyle(interviewer, template, timestamps, sum(alone) / max(1, len(alone)), ext)
    )
    if meta.get("place"):
        model.interview_places.append(meta["place"])
    told = [t for t in turns if not t[0]]
    for k, (is_q, paragraphs, _) in enumerate(turns):
        if not paragraphs:
            continue
        if is_q:
            text = " ".join(paragraphs)
            pool = model.openings if k == 0 else model.closings if k >= len(turns) - 2 else None
            (pool if pool is not None else model.questions).append(text)
            continue
        spoken = []
        for p in paragraphs:
            if _NOTE.fullmatch(p):
                if not re.fullmatch(_TIMESTAMP, p):
                    model.notes.append(p)
            else:
                spoken.append(_sentences(p))
        if not spoken:
            continue
        if told and paragraphs is told[0][1]:
            model.first_answers.append([s for p in spoken for s in p])
        elif told and paragraphs is told[-1][1]:
            model.last_answers.append([s for p in spoken for s in p])
        else:
            model.answers.extend(spoken)
            model.paragraphs_per_answer.append(len(spoken))


def _learn_observation(model: SampleModel, meta: dict[str, str], body: str) -> None:
    topic = ""
    for block in _blocks(body):
        if block.startswith("## "):
            m = re.match(r"##\s+[^:]*:\s*(.+?),\s*\w+ \d", block)
            topic = m.group(1) if m else topic
        elif block.startswith("### "):
            model.obs_headings.append(block.rsplit(" - ", 1)[-1].strip())
        elif block.startswith("Komentar peneliti:"):
            model.obs_comments.append(_sentences(block))
        elif not block.startswith("#"):
            model.obs_paragraphs.append(_sentences(block))
    model.obs_titles.append((meta.get("title", "Observasi"), topic, meta.get("place", "")))


_LIST_ITEM = re.compile(r"^(?:[a-z]\.|\d+\)|\d+\.|-)\s+(.+)$")


def _learn_document(model: SampleModel, meta: dict[str, str], body: str) -> None:
    title_blocks: list[str] = []
    chapters: list[str] = []
    tables: list[tuple[str, list[str]]] = []
    for block in _blocks(body):
        lines = block.split("\n")
        first = lines[0]
        if m := re.fullmatch(r"BAB [IVX]+ (.+)", first):
            chapters.append(m.group(1))
            model.doc_chapters.setdefault(m.group(1), [])
        elif not chapters:
            title_blocks.append(block)
        elif all(ln.startswith("|") for ln in lines):
            if tables and not tables[-1][1]:
                tables[-1] = (tables[-1][0], lines)
            else:
                tables.append(("Rekapitulasi Data", lines))
        elif re.fullmatch(r"Tabel [\d.]+ .+", first) and len(lines) == 1:
            tables.append((first.split(" ", 2)[2], []))
        elif re.fullmatch(r"\d+(?:\.\d+)+ [^.]+", first) and len(lines) == 1:
            model.doc_chapters[chapters[-1]].append(first.split(" ", 1)[1])
        elif any(_LIST_ITEM.match(ln) for ln in lines):
            for ln in lines:
                item = _LIST_ITEM.match(ln)
                if item:
                    model.doc_list_items.append(item.group(1).rstrip(";.").strip())
                elif ln.rstrip().endswith(":"):
                    model.doc_list_intros.append(ln.strip())
        elif len(block) > 80 and block.rstrip().endswith((".", ":")):
            model.doc_paragraphs.append(_sentences(block))
    model.doc_tables.extend(t for t in tables if t[1])
    model.doc_kinds.append(
        DocumentKind(
            meta.get("doc_type", "Laporan"),
            meta.get("title", "Laporan"),
            meta.get("author", "Sekretariat Daerah Kabupaten Sukamaju"),
            tuple(title_blocks),
            tuple(chapters),
        )
    )


@lru_cache(maxsize=4)
def learn_sample(sample_dir: str | None = None) -> SampleModel:
    """Learn labels, layouts and sentence pools from a sample study folder.

    Files are read in sorted order, so the model (and every corpus made from it)
    is the same on every run.
    """
    root = Path(sample_dir) if sample_dir else DEFAULT_SAMPLE
    if not root.is_dir():
        raise ValueError(
            f"no sample study at {root}: pass the folder of a study to learn from "
            "(sample_dir=, or --sample), such as the repository's transcripts/"
        )
    files = sorted(p for p in root.rglob("*") if p.suffix in (".md", ".txt") and p.is_file())
    model = SampleModel()
    names: set[str] = set()
    for path in files:
        if path.name.lower().startswith("readme"):
            continue
        meta, body = _front_matter(path.read_text(encoding="utf-8").replace("\r\n", "\n"))
        kind = meta.get("source_type", "")
        if meta.get("name"):
            names.add(meta["name"].split()[0])
        if kind == "interview":
            _learn_interview(model, meta, body, path.suffix)
        elif kind == "observation":
            _learn_observation(model, meta, body)
        elif kind == "document":
            _learn_document(model, meta, body)
    model.informant_names = frozenset(names)
    missing = [
        what
        for what, pool in (
            ("interviews", model.answers),
            ("interview questions", model.questions),
            ("observation notes", model.obs_paragraphs),
            ("documents", model.doc_paragraphs),
        )
        if not pool
    ]
    if missing:
        raise ValueError(
            f"the sample study in {root} has no usable {', '.join(missing)}: it needs "
            "interviews, observation notes and documents with YAML front matter"
        )
    if not model.openings:
        model.openings = model.questions[:1]
    if not model.closings:
        model.closings = model.questions[-1:]
    for pool in (model.first_answers, model.last_answers):
        if not pool:
            pool.append(model.answers[0])
    if not model.notes:
        model.notes = ["[tertawa]"]
    if not model.obs_comments:
        model.obs_comments = model.obs_paragraphs[:1]
    if not model.paragraphs_per_answer:
        model.paragraphs_per_answer = [1]
    return model


# --------------------------------------------------------------------------- variation


@dataclass
class _Context:
    """One document's choices, so its variations are consistent within it."""

    rng: random.Random
    model: SampleModel
    regency: str
    opd: tuple[str, str]
    informant_male: bool = True
    informant_first: str = ""
    n_informants: int = 1
    names: dict[str, str] = field(default_factory=dict)
    informant_numbers: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"{'Pak' if self.informant_male else 'Bu'} {self.informant_first}"

    def colleague(self, honorific: str, name: str) -> str:
        new = self.names.get(name)
        if new is None:
            female = honorific in _FEMALE_HONORIFICS or (
                honorific not in _MALE_HONORIFICS and name in FEMALE_NAMES
            )
            pool = FEMALE_NAMES if female else MALE_NAMES
            new = self.rng.choice(pool)
            while new == self.informant_first:
                new = self.rng.choice(pool)
            self.names[name] = new
        return new

    def vary(self, text: str, *, speech: bool = False, asking: bool = False) -> str:
        """``text`` with names, numbers, places and (in speech) fillers varied."""
        rng = self.rng

        def person(m: re.Match[str]) -> str:
            honorific, name = m.group(1), m.group(2)
            if name in _NOT_NAMES:
                return m.group(0)
            if asking and name in self.model.informant_names:
                return self.address
            return f"{honorific} {self.colleague(honorific, name)}"

        text = _HONORIFIC_NAME.sub(person, text)
        if asking:
            text = _BARE_ADDRESS.sub(lambda m: _address_word(m.group(1), self.informant_male), text)
        text = _INFORMANT_NO.sub(self._informant, text)
        text = text.replace("Sukamaju", self.regency).replace("SUKAMAJU", self.regency.upper())
        for long, short in (OPDS[0], ("Dinas Sosial", "Dinsos")):
            text = text.replace(long, self.opd[0]).replace(short, self.opd[1])
        text = _NUMBER.sub(lambda m: self._number(m, text), text)
        if speech and rng.random() < 0.25:
            text = _add_filler(text, rng)
        return text

    def _informant(self, m: re.Match[str]) -> str:
        key = m.group(1)
        new = self.informant_numbers.get(key)
        if new is None:
            new = str(self.rng.randint(1, max(1, self.n_informants)))
            self.informant_numbers[key] = new
        return f"Informan {new}"

    def _number(self, m: re.Match[str], text: str) -> str:
        if self.rng.random() < 0.5 or _NUMBER_KEEP_BEFORE.search(text, 0, m.start()):
            return m.group(0)
        whole = int(m.group(1))
        if whole < 2:
            return m.group(0)
        new = self.rng.randint(max(2, whole * 2 // 3), whole * 3 // 2 + 1)
        if m.group(2) is None:
            return str(new)
        return f"{new},{self.rng.randint(0, 10 ** len(m.group(2)) - 1):0{len(m.group(2))}d}"


def _address_word(word: str, male: bool) -> str:
    long = word in ("Ibu", "Bapak")
    if male:
        return "Bapak" if long else "Pak"
    return "Ibu" if long else "Bu"


def _add_filler(sentence: str, rng: random.Random) -> str:
    choice = rng.random()
    comma = sentence.find(", ")
    if choice < 0.5 and comma > 0:
        return f"{sentence[: comma + 2]}{rng.choice(FILLERS_MID)} {sentence[comma + 2 :]}"
    if choice < 0.8 and sentence.endswith(".") and not sentence.endswith(".."):
        return sentence[:-1] + rng.choice(FILLERS_END) + "."
    return sentence.replace("eh, ", "", 1)


def _words(text: str) -> int:
    return len(text.split())


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class GeneratedDocument:
    """One generated file: where it goes, its front matter and its text."""

    relative_path: str
    front_matter: dict[str, str]
    body: str

    def file_text(self) -> str:
        header = yaml.safe_dump(self.front_matter, allow_unicode=True, sort_keys=False, width=1000)
        return f"---\n{header}---\n\n{self.body}\n"

    def source(self) -> SourceDocument:
        """The document as ``read_document`` reads the written file."""
        meta = self.front_matter
        known = ("title", "source_type", "informant", "role", "date", "place")
        return SourceDocument(
            name=Path(self.relative_path).name,
            text=normalise_text(self.body),
            source_type=meta["source_type"],  # type: ignore[arg-type]
            informant=meta.get("informant", ""),
            role=meta.get("role", ""),
            date=meta.get("date", ""),
            place=meta.get("place", ""),
            title=meta.get("title", ""),
            format=Path(self.relative_path).suffix.lstrip("."),
            metadata={k: v for k, v in meta.items() if k not in known},
        )


def source_type_of(index: int) -> SourceType:
    """The source type of document ``index`` (8 in 10 interviews)."""
    return _BLOCK[index % len(_BLOCK)]


def _fill(budget: int, make: Callable[[int], str]) -> list[str]:
    """Pieces from ``make(remaining)`` until ``budget`` words are reached."""
    out: list[str] = []
    used = 0
    while used < budget:
        piece = make(budget - used)
        n = _words(piece)
        if n == 0:
            break
        out.append(piece)
        used += n
    return out


def _take(rng: random.Random, pool: list[list[str]], budget: int, most: int = 6) -> list[str]:
    """A contiguous run of sentences from a random paragraph, within ``budget`` words."""
    paragraph = rng.choice(pool)
    start = rng.randrange(max(1, len(paragraph) - 1))
    length = min(rng.randint(2, max(2, most)), len(paragraph) - start)
    out: list[str] = []
    used = 0
    for sentence in paragraph[start : start + length]:
        if used >= budget:
            break
        out.append(sentence)
        used += _words(sentence)
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "dokumen"


class _Writer:
    def __init__(self, model: SampleModel, seed: int, n_documents: int) -> None:
        self.model = model
        self.seed = seed
        self.n = n_documents
        self.width = max(4, len(str(n_documents)))

    def context(self, index: int) -> _Context:
        rng = random.Random(f"qualcode-generate:{self.seed}:{index}")
        return _Context(
            rng=rng,
            model=self.model,
            regency=rng.choice(REGENCIES),
            opd=rng.choice(OPDS),
            # Other informants a text mentions: those of this block of ten and before.
            n_informants=(index // len(_BLOCK) + 1) * 8,
        )

    def date(self, ctx: _Context, index: int) -> dt.date:
        return dt.date(2024, 1, 8) + dt.timedelta(days=(index * 3 + ctx.rng.randint(0, 40)) % 300)

    def document(self, index: int, words: int) -> GeneratedDocument:
        kind = source_type_of(index)
        ctx = self.context(index)
        if kind == "interview":
            return self.interview(ctx, index, words)
        if kind == "observation":
            return self.observation(ctx, index, words)
        return self.official(ctx, index, words)

    # ----------------------------------------------------------------- interviews

    def interview(self, ctx: _Context, index: int, words: int) -> GeneratedDocument:
        rng, model = ctx.rng, self.model
        number = (
            index // len(_BLOCK) * 8
            + sum(source_type_of(i) == "interview" for i in range(index % len(_BLOCK)))
            + 1
        )
        ctx.informant_male = rng.random() < 0.5
        ctx.informant_first = rng.choice(MALE_NAMES if ctx.informant_male else FEMALE_NAMES)
        full_name = f"{ctx.informant_first} {rng.choice(FAMILY_NAMES)}"
        role = rng.choice(ROLES).format(opd=ctx.opd[1])
        style = rng.choice(model.styles)
        label = style.informant.format(n=number, address=ctx.address)
        clock = rng.randint(3, 20)

        def turn(speaker: str, paragraphs: list[str], alone: bool = False) -> str:
            nonlocal clock
            stamp = ""
            if style.timestamps:
                h, rest = divmod(clock, 3600)
                stamp = f"[{h:02d}:{rest // 60:02d}:{rest % 60:02d}] "
                clock += 4 + sum(_words(p) for p in paragraphs) * 2 // 5
            sep = "\n" if alone else " "
            return f"{stamp}{speaker}:{sep}" + "\n\n".join(paragraphs)

        def question(text: str) -> str:
            return turn(style.interviewer, [ctx.vary(text, asking=True)])

        def answer(sentences_of: list[list[str]]) -> str:
            paragraphs = []
            for sentences in sentences_of:
                said = " ".join(ctx.vary(s, speech=True) for s in sentences)
                if rng.random() < 0.12:
                    said += " " + rng.choice(model.notes)
                paragraphs.append(said)
            return turn(label, paragraphs, alone=rng.random() < style.label_alone)

        closing = [question(rng.choice(model.closings)), answer([rng.choice(model.last_answers)])]
        opening = [question(rng.choice(model.openings)), answer([rng.choice(model.first_answers)])]
        budget = words - sum(_words(t) for t in closing + opening)

        def pair(remaining: int) -> str:
            q = question(rng.choice(model.questions))
            left = max(1, remaining - _words(q))
            paragraphs: list[list[str]] = []
            for _ in range(rng.choice(model.paragraphs_per_answer)):
                if left <= 0:
                    break
                sentences = _take(rng, model.answers, left)
                if rng.random() < 0.3 and left > 40:
                    sentences += _take(rng, model.answers, left - 20, most=3)
                left -= sum(_words(s) for s in sentences)
                paragraphs.append(sentences)
            parts = [q, answer(paragraphs)]
            if rng.random() < 0.04:
                parts.insert(1, rng.choice(model.notes))
            return "\n\n".join(parts)

        turns = opening + _fill(budget, pair) + closing
        place = ctx.vary(rng.choice(model.interview_places or ["Kantor Setda"]))
        meta = {
            "title": f"Wawancara dengan {role}",
            "source_type": "interview",
            "informant": f"Informan {number}",
            "name": full_name,
            "role": role,
            "date": self.date(ctx, index).isoformat(),
            "place": place,
            "interviewer": style.interviewer,
        }
        path = f"{FOLDERS['interview']}/informan-{index + 1:0{self.width}d}-{_slug(role)}"
        return GeneratedDocument(path + style.extension, meta, "\n\n".join(turns))

    # ----------------------------------------------------------------- observation notes

    def observation(self, ctx: _Context, index: int, words: int) -> GeneratedDocument:
        rng, model = ctx.rng, self.model
        title, topic, place = rng.choice(model.obs_titles)
        day = self.date(ctx, index)
        header = (
            f"## Catatan lapangan: {topic or 'kegiatan'}, {WEEKDAYS[day.weekday()]} "
            f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        )
        minute = rng.randint(7 * 60, 10 * 60)

        def section(remaining: int) -> str:
            nonlocal minute
            minute = min(minute + rng.randint(20, 70), 23 * 60 + 59)
            parts = [f"### {minute // 60:02d}.{minute % 60:02d} - {rng.choice(model.obs_headings)}"]
            left = remaining
            for _ in range(rng.randint(1, 3)):
                if left <= 0:
                    break
                sentences = _take(rng, model.obs_paragraphs, left)
                left -= sum(_words(s) for s in sentences)
                parts.append(" ".join(ctx.vary(s) for s in sentences))
            if left > 0 and rng.random() < 0.6:
                comment = [ctx.vary(s) for s in _take(rng, model.obs_comments, left, most=4)]
                if not comment[0].startswith("Komentar peneliti:"):
                    comment[0] = "Komentar peneliti: " + comment[0]
                parts.append(" ".join(comment))
            return "\n\n".join(parts)

        body = "\n\n".join([header, *_fill(words - _words(header), section)])
        meta = {
            "title": ctx.vary(title),
            "source_type": "observation",
            "informant": "",
            "role": "",
            "date": day.isoformat(),
            "place": ctx.vary(place),
            "observer": "Peneliti",
        }
        path = f"{FOLDERS['observation']}/observasi-{index + 1:0{self.width}d}-{_slug(topic)}.md"
        return GeneratedDocument(path, meta, body)

    # ----------------------------------------------------------------- documents

    def official(self, ctx: _Context, index: int, words: int) -> GeneratedDocument:
        rng, model = ctx.rng, self.model
        kind = rng.choice(model.doc_kinds)
        day = self.date(ctx, index)
        head = "\n\n".join(ctx.vary(t) for t in kind.title_blocks) or kind.title.upper()
        signature = "\n".join(
            [
                f"{ctx.regency}, {day.day} {MONTHS[day.month - 1]} {day.year}",
                ctx.vary(kind.author.split(" Sekretariat")[0]),
                "",
                f"{rng.choice(MALE_NAMES + FEMALE_NAMES)} {rng.choice(FAMILY_NAMES)}".upper()
                + ", S.Sos., M.Si.",
            ]
        )
        middle = sorted(c for c in model.doc_chapters if c not in kind.chapters[:1])
        chapter = 0

        def chapter_block(remaining: int) -> str:
            nonlocal chapter
            name = kind.chapters[chapter] if chapter < len(kind.chapters) else rng.choice(middle)
            chapter += 1
            headings = list(dict.fromkeys(model.doc_chapters.get(name) or ["Uraian"]))
            rng.shuffle(headings)
            parts = [f"BAB {_roman(chapter)} {name}"]
            left = remaining - _words(parts[0])
            for sub in range(1, rng.randint(2, 4) + 1):
                if left <= 0:
                    break
                parts.append(f"{chapter}.{sub} {headings[(sub - 1) % len(headings)]}")
                left -= _words(parts[-1])
                roll = rng.random()
                if roll < 0.2 and model.doc_list_items and left > 0:
                    intro = ctx.vary(rng.choice(model.doc_list_intros or ["Rinciannya:"]))
                    items = []
                    for k in range(rng.randint(3, 6)):
                        if left <= 0:
                            break
                        item = ctx.vary(rng.choice(model.doc_list_items))
                        items.append(f"{chr(ord('a') + k)}. {item};")
                        left -= _words(items[-1])
                    if items:
                        items[-1] = items[-1][:-1] + "."
                    parts.append("\n".join([intro, *items]))
                    left -= _words(intro)
                elif roll < 0.3 and model.doc_tables and left > 0:
                    caption, lines = rng.choice(model.doc_tables)
                    parts.append(f"Tabel {chapter}.{sub} {ctx.vary(caption)}")
                    parts.append("\n".join(ctx.vary(line) for line in lines))
                    left -= _words(parts[-1]) + _words(parts[-2])
                for _ in range(rng.randint(1, 2)):
                    if left <= 0:
                        break
                    sentences = _take(rng, model.doc_paragraphs, left)
                    left -= sum(_words(s) for s in sentences)
                    parts.append(" ".join(ctx.vary(s) for s in sentences))
            return "\n\n".join(parts)

        budget = words - _words(head) - _words(signature)
        body = "\n\n".join([head, *_fill(budget, chapter_block), signature])
        meta = {
            "title": ctx.vary(kind.title),
            "source_type": "document",
            "informant": "",
            "role": "",
            "date": day.isoformat(),
            "place": "",
            "author": ctx.vary(kind.author),
            "doc_type": kind.doc_type,
        }
        name = f"dokumen-{index + 1:0{self.width}d}-{_slug(kind.doc_type)}.md"
        return GeneratedDocument(f"{FOLDERS['document']}/{name}", meta, body)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                           (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                           (4, "IV"), (1, "I")):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


# --------------------------------------------------------------------------- public API


def iter_generated(
    n_documents: int,
    words_per_document: int = 2000,
    seed: int = 0,
    *,
    sample_dir: str | os.PathLike[str] | None = None,
    start: int = 0,
) -> Iterator[GeneratedDocument]:
    """Documents ``start .. n_documents - 1`` of the corpus, as ``GeneratedDocument``s."""
    if n_documents < 0:
        raise ValueError(f"n_documents must not be negative, got {n_documents}")
    if words_per_document < 1:
        raise ValueError(f"words_per_document must be at least 1, got {words_per_document}")
    model = learn_sample(os.fspath(sample_dir) if sample_dir is not None else None)
    writer = _Writer(model, seed, n_documents)
    for index in range(start, n_documents):
        yield writer.document(index, words_per_document)


def iter_corpus(
    n_documents: int,
    words_per_document: int = 2000,
    seed: int = 0,
    *,
    sample_dir: str | os.PathLike[str] | None = None,
) -> Iterator[SourceDocument]:
    """The corpus of ``generate_corpus`` as ``SourceDocument``s, without writing files."""
    for generated in iter_generated(n_documents, words_per_document, seed, sample_dir=sample_dir):
        yield generated.source()


def generate_corpus(
    out_dir: str | os.PathLike[str],
    n_documents: int,
    words_per_document: int = 2000,
    seed: int = 0,
    *,
    sample_dir: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Write ``n_documents`` files under ``out_dir`` (in ``wawancara/``,
    ``observasi/`` and ``dokumen/``); returns their paths in order."""
    root = Path(out_dir)
    paths: list[Path] = []
    for generated in iter_generated(n_documents, words_per_document, seed, sample_dir=sample_dir):
        path = root / generated.relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(generated.file_text().encode("utf-8"))
        paths.append(path)
    return paths
