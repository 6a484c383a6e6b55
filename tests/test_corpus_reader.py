"""Entry points: read_document, read_bytes, iter_documents, manifests and precedence."""

from __future__ import annotations

import io
import os
from pathlib import Path

import docx
import pytest

from qualcode.corpus import (
    SUPPORTED_EXTENSIONS,
    iter_documents,
    load_manifest,
    read_bytes,
    read_document,
    safe_file_name,
)
from qualcode.errors import ReadError
from qualcode.model import SourceDocument

TEKS = "Peneliti: Apa kendala pelaporan?\nInforman 1: Data dari OPD sering terlambat.\n"


def make_docx(text: str) -> bytes:
    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_supported_extensions() -> None:
    assert (
        frozenset({".txt", ".md", ".markdown", ".docx", ".odt", ".pdf", ".rtf", ".srt", ".vtt"})
        == SUPPORTED_EXTENSIONS
    )


# --------------------------------------------------------------------------- read_document


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="file not found") as info:
        read_document(tmp_path / "tidak-ada.txt")
    assert info.value.path == str(tmp_path / "tidak-ada.txt")


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="folder, not a file"):
        read_document(tmp_path)


def test_unsupported_extension_lists_supported(tmp_path: Path) -> None:
    path = tmp_path / "lama.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(ReadError, match="unsupported file type .doc") as info:
        read_document(path)
    for ext in SUPPORTED_EXTENSIONS:
        assert ext in info.value.message
    assert "save it as .docx" in info.value.message


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "terkunci.txt"
    path.write_text(TEKS)
    path.chmod(0)
    try:
        with pytest.raises(ReadError, match="permission denied"):
            read_document(path)
    finally:
        path.chmod(0o600)


def test_uppercase_extension_and_str_path(tmp_path: Path) -> None:
    path = tmp_path / "INFORMAN.TXT"
    path.write_text(TEKS)
    doc = read_document(str(path))
    assert doc.format == "txt"
    assert doc.path == str(path)
    assert doc.source_type == "interview"


# --------------------------------------------------------------------------- read_bytes


@pytest.mark.parametrize(
    ("given", "safe"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("a\x00b.txt", "ab.txt"),
        ("C:\\x\\y.docx", "y.docx"),
        ("  wawancara informan 2 .md ", "wawancara informan 2.md"),
        ("laporan\u202etxt.pdf", "laporantxt.pdf"),
        ('tanya?"jawab".txt', "tanya__jawab_.txt"),
        ("..", "document"),
        (".txt", "document.txt"),
        ("", "document"),
        ("CON.txt", "_CON.txt"),
        ("/", "document"),
    ],
)
def test_safe_file_name(given: str, safe: str) -> None:
    assert safe_file_name(given) == safe


@pytest.mark.parametrize(
    ("name", "safe"),
    [("../../etc/passwd.txt", "passwd.txt"), ("a\x00b.txt", "ab.txt")],
)
def test_read_bytes_uses_the_safe_name(name: str, safe: str) -> None:
    doc = read_bytes(TEKS.encode(), name)
    assert doc.name == safe
    assert doc.path == ""
    assert doc.text == TEKS.rstrip()


def test_read_bytes_windows_path_docx() -> None:
    doc = read_bytes(make_docx(TEKS), "C:\\x\\y.docx")
    assert doc.name == "y.docx"
    assert doc.format == "docx"
    assert doc.text == TEKS.rstrip()


def test_read_bytes_errors_name_the_safe_name() -> None:
    with pytest.raises(ReadError) as info:
        read_bytes(b"", "../rahasia/kosong.txt")
    assert info.value.path == "kosong.txt"
    with pytest.raises(ReadError, match="unsupported file type .exe"):
        read_bytes(b"MZ", "program.exe")


def test_read_bytes_defaults() -> None:
    doc = read_bytes(
        TEKS.encode(),
        "catatan.txt",
        defaults={"source_type": "observasi", "place": "Ruang Rapat", "peneliti": "Ani"},
    )
    assert doc.source_type == "observation"
    assert doc.place == "Ruang Rapat"
    assert doc.metadata["peneliti"] == "Ani"


def test_bad_default_source_type() -> None:
    with pytest.raises(ReadError, match="'survei'.*default metadata"):
        read_bytes(TEKS.encode(), "a.txt", defaults={"source_type": "survei"})


# --------------------------------------------------------------------------- precedence


def test_precedence_front_matter_manifest_defaults_folder(tmp_path: Path) -> None:
    folder = tmp_path / "observasi"
    folder.mkdir()
    (folder / "metadata.yaml").write_text(
        "'*':\n"
        "  place: Setda Sleman\n"
        "  proyek: Tesis\n"
        "catatan-1.md:\n"
        "  informant: Dari Manifest\n"
        "  role: Staf\n"
        "  date: 14 Maret 2024\n"
        "  kode_lokal: M1\n"
        "rapat.docx:\n"
        "  source_type: dokumen\n"
        "  title: Notulen Rapat\n",
        encoding="utf-8",
    )
    (folder / "catatan-1.md").write_text(
        "---\ninformant: Dari Front Matter\nkode_lokal: F1\n---\nRapat dimulai terlambat.\n",
        encoding="utf-8",
    )
    (folder / "rapat.docx").write_bytes(make_docx("Notulen rapat koordinasi."))
    (folder / "lain.txt").write_text("Catatan tanpa entri.\n", encoding="utf-8")
    defaults = {"role": "Dari Defaults", "title": "Judul Default", "kode_lokal": "D1"}

    note = read_document(folder / "catatan-1.md", defaults=defaults)
    assert note.informant == "Dari Front Matter"  # front matter > manifest
    assert note.role == "Staf"  # manifest > defaults
    assert note.title == "Judul Default"  # defaults fill what is left
    assert note.date == "2024-03-14"
    assert note.place == "Setda Sleman"  # the "*" entry
    assert note.source_type == "observation"  # folder name hint
    assert note.metadata["kode_lokal"] == "F1"
    assert note.metadata["proyek"] == "Tesis"

    minutes = read_document(folder / "rapat.docx", defaults=defaults)
    assert minutes.source_type == "document"  # manifest > folder hint
    assert minutes.title == "Notulen Rapat"

    other = read_document(folder / "lain.txt", defaults={"source_type": "interview"})
    assert other.source_type == "interview"  # defaults > folder hint
    assert other.place == "Setda Sleman"


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("wawancara", "interview"),
        ("Interviews", "interview"),
        ("02_Observasi", "observation"),
        ("dokumentasi", "document"),
        ("documents", "document"),
        ("lain-lain", "interview"),
    ],
)
def test_folder_name_hint(tmp_path: Path, folder: str, expected: str) -> None:
    path = tmp_path / folder / "a.txt"
    path.parent.mkdir()
    path.write_text(TEKS)
    assert read_document(path).source_type == expected


def test_manifest_csv_semicolon_cp1252_case_insensitive(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_bytes(
        "file;informan;jabatan;tanggal;catatan\n"
        "Informan-2.DOCX;Informan 2;Pegawai Bagian Organisasi;14/03/2024;"
        "caf\u00e9 \u2018pagi\u2019\n"
        ";kosong;;;\n".encode("cp1252")
    )
    path = tmp_path / "informan-2.docx"
    path.write_bytes(make_docx(TEKS))
    doc = read_document(path)
    assert doc.informant == "Informan 2"
    assert doc.role == "Pegawai Bagian Organisasi"
    assert doc.date == "2024-03-14"
    assert doc.metadata["catatan"] == "caf\u00e9 \u2018pagi\u2019"


def test_manifest_yaml_list_form(tmp_path: Path) -> None:
    (tmp_path / "manifest.yaml").write_text(
        "- file: a.txt\n  informant: Informan 5\n  source_type: observation\n",
        encoding="utf-8",
    )
    (tmp_path / "a.txt").write_text(TEKS)
    doc = read_document(tmp_path / "a.txt")
    assert (doc.informant, doc.source_type) == ("Informan 5", "observation")


def test_metadata_yaml_wins_over_manifest_csv(tmp_path: Path) -> None:
    (tmp_path / "metadata.yaml").write_text("a.txt:\n  informant: Dari YAML\n")
    (tmp_path / "manifest.csv").write_text("file,informant,role\na.txt,Dari CSV,Staf\n")
    (tmp_path / "a.txt").write_text(TEKS)
    doc = read_document(tmp_path / "a.txt")
    assert (doc.informant, doc.role) == ("Dari YAML", "Staf")
    assert [p.name for p in load_manifest(tmp_path).sources] == ["metadata.yaml", "manifest.csv"]


def test_bad_source_type_in_manifest_names_value_and_line(tmp_path: Path) -> None:
    (tmp_path / "metadata.yaml").write_text(
        "a.txt:\n  informant: Informan 1\n  source_type: angket\nb.txt:\n  informant: X\n"
    )
    (tmp_path / "a.txt").write_text(TEKS)
    (tmp_path / "b.txt").write_text(TEKS)
    with pytest.raises(ReadError, match="'angket'") as info:
        read_document(tmp_path / "a.txt")
    assert info.value.path == str(tmp_path / "metadata.yaml")
    assert info.value.line == 3
    assert read_document(tmp_path / "b.txt").informant == "X"


def test_malformed_manifest(tmp_path: Path) -> None:
    (tmp_path / "metadata.yaml").write_text("a.txt:\n  informant: [Informan\n")
    (tmp_path / "a.txt").write_text(TEKS)
    with pytest.raises(ReadError, match="a.txt was not read.*malformed metadata.yaml") as info:
        read_document(tmp_path / "a.txt")
    assert info.value.path == str(tmp_path / "metadata.yaml")
    assert info.value.line is not None


def test_manifest_with_flat_mapping_is_explained(tmp_path: Path) -> None:
    (tmp_path / "metadata.yaml").write_text("source_type: interview\n")
    with pytest.raises(ReadError, match="map each file name"):
        load_manifest(tmp_path)


def test_manifest_csv_needs_file_column(tmp_path: Path) -> None:
    (tmp_path / "manifest.csv").write_text("nama,informant\na.txt,X\n")
    with pytest.raises(ReadError, match="'file' column"):
        load_manifest(tmp_path)


# --------------------------------------------------------------------------- iter_documents


def make_corpus(root: Path) -> None:
    (root / "wawancara").mkdir()
    (root / "wawancara" / "informan-10.txt").write_text("Informan 10: Baik.\n")
    (root / "wawancara" / "informan-2.docx").write_bytes(make_docx(TEKS))
    (root / "wawancara" / "informan-3.txt").write_bytes(b"\x00\x01rusak\x00")  # bad
    (root / "wawancara" / "informan-4.md").write_text("---\ntitle: [\n---\nIsi.\n")  # bad
    (root / "wawancara" / "informan-5.txt").write_text("Informan 5: Cukup.\n")
    (root / "wawancara" / "README.md").write_text("# Tentang folder ini\n")
    (root / "wawancara" / ".rahasia.txt").write_text("tersembunyi\n")
    (root / "wawancara" / "~$forman-2.docx").write_bytes(b"kunci")
    (root / "wawancara" / "rekaman.mp3").write_bytes(b"ID3")
    (root / "wawancara" / "metadata.yaml").write_text("informan-5.txt:\n  informant: Informan 5\n")
    (root / "observasi" / "hari-1").mkdir(parents=True)
    (root / "observasi" / "hari-1" / "catatan.txt").write_text("Rapat molor.\n")
    (root / ".git").mkdir()
    (root / ".git" / "config.txt").write_text("bukan data\n")
    (root / "kosong.txt").write_bytes(b"")


def test_iter_documents_walks_sorted_and_continues_after_bad_files(tmp_path: Path) -> None:
    make_corpus(tmp_path)
    results = list(iter_documents([tmp_path]))
    names = [path.relative_to(tmp_path).as_posix() for path, _ in results]
    assert names == [
        "kosong.txt",
        "observasi/hari-1/catatan.txt",
        "wawancara/informan-2.docx",
        "wawancara/informan-3.txt",
        "wawancara/informan-4.md",
        "wawancara/informan-5.txt",
        "wawancara/informan-10.txt",
        "wawancara/rekaman.mp3",  # a recording is reported, not skipped silently
    ]
    outcome = {path.name: result for path, result in results}
    assert isinstance(outcome["rekaman.mp3"], ReadError)
    assert "transcribe the recording first" in str(outcome["rekaman.mp3"])
    assert isinstance(outcome["kosong.txt"], ReadError)
    assert isinstance(outcome["informan-3.txt"], ReadError)
    assert isinstance(outcome["informan-4.md"], ReadError)
    assert outcome["informan-4.md"].line == 2
    good = {n: r for n, r in outcome.items() if isinstance(r, SourceDocument)}
    assert sorted(good) == ["catatan.txt", "informan-10.txt", "informan-2.docx", "informan-5.txt"]
    assert good["catatan.txt"].source_type == "observation"  # hint from an ancestor folder
    assert good["informan-2.docx"].source_type == "interview"
    assert good["informan-5.txt"].informant == "Informan 5"  # manifest
    assert good["informan-10.txt"].path == str(tmp_path / "wawancara" / "informan-10.txt")


def test_iter_documents_not_recursive(tmp_path: Path) -> None:
    make_corpus(tmp_path)
    names = [p.name for p, _ in iter_documents([tmp_path], recursive=False)]
    assert names == ["kosong.txt"]


def test_iter_documents_explicit_files(tmp_path: Path) -> None:
    make_corpus(tmp_path)
    wawancara = tmp_path / "wawancara"
    results = list(
        iter_documents(
            [
                wawancara / "rekaman.mp3",
                wawancara / "informan-5.txt",
                wawancara,  # informan-5.txt is not read twice
                tmp_path / "hilang.txt",
            ]
        )
    )
    first, second = results[0], results[1]
    assert isinstance(first[1], ReadError) and "unsupported" in first[1].message
    assert isinstance(second[1], SourceDocument) and second[1].informant == "Informan 5"
    names = [p.name for p, _ in results]
    assert names.count("informan-5.txt") == 1
    assert names[-1] == "hilang.txt"
    assert isinstance(results[-1][1], ReadError)


def test_iter_documents_single_path_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEKS)
    results = list(iter_documents(tmp_path, defaults={"informant": "Informan 9"}))
    assert len(results) == 1
    doc = results[0][1]
    assert isinstance(doc, SourceDocument) and doc.informant == "Informan 9"


def test_iter_documents_with_broken_manifest_reports_each_file(tmp_path: Path) -> None:
    (tmp_path / "manifest.yaml").write_text("a.txt: [\n")
    (tmp_path / "a.txt").write_text(TEKS)
    (tmp_path / "b.txt").write_text(TEKS)
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "c.txt").write_text(TEKS)
    results = {p.name: r for p, r in iter_documents([tmp_path])}
    assert isinstance(results["a.txt"], ReadError)
    assert isinstance(results["b.txt"], ReadError)
    assert "b.txt was not read" in results["b.txt"].message
    assert isinstance(results["c.txt"], SourceDocument)


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_iter_documents_does_not_follow_folder_links(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEKS)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert [p.name for p, _ in iter_documents([tmp_path])] == ["a.txt"]
