"""Bad transcripts through the import path: `qualcode import FOLDER` and the app's
``Project.import_upload``. Each bad file gets one line that names it and says what is
wrong; the other files of the folder are imported; nothing else in the project
changes. The reader's own tests (tests/test_corpus_*.py) cover the formats in detail.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qualcode.cli import main
from qualcode.corpus import safe_file_name
from qualcode.errors import QualcodeError
from qualcode.limits import read_limits
from qualcode.model import SourceDocument
from qualcode.service import Project

GOOD = "Informan 1: Koordinasi dengan OPD masih lambat. Server e-office sering error.\n"
QUOTE = "Informan 2: Saya bilang “koordinasi” sudah baik, tapi datanya terlambat."
MB = 1024 * 1024


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "studi.qualcode"
    with Project.create(path) as created:
        created.add_source(SourceDocument(name="lama.txt", text="I: Data lama sudah ada."))
        created.save_memo("project", "1", "Memo awal", actor="rina")
    return path


@pytest.fixture()
def project(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "studi.qualcode"
    shutil.copyfile(template, path)
    return path


def _state(path: Path) -> dict[str, Any]:
    with Project.open(path) as opened:
        docs = opened.documents_frame()
        return {
            "documents": sorted(docs["name"]),
            "segments": len(opened.segments_frame()),
            "memos": [m.text for m in opened.memos()],
            "codebook": opened.codebook.content_hash(),
        }


def _import(project: Path, folder: Path, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["import", "-q", str(folder), "-p", str(project)], env=env)


def _folder(tmp_path: Path, name: str, data: bytes) -> tuple[Path, Path]:
    folder = tmp_path / "masuk"
    folder.mkdir(exist_ok=True)
    (folder / "baik.txt").write_text(GOOD, encoding="utf-8")
    bad = folder / name
    bad.write_bytes(data)
    return folder, bad


def _error_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("  ! ")]


def _after(line: str, path: Path) -> str:
    """The message that follows the file name in an error line."""
    assert f"  ! {path}" in line, line
    return line.split(str(path), 1)[1]


# name -> (file name, bytes, words of the message)
REFUSED: dict[str, tuple[str, bytes, str]] = {
    "empty": ("kosong.txt", b"", "the file is empty (0 bytes)"),
    "blank": ("spasi.txt", b"  \n\r\n\t\n", "no text"),
    "binary": ("foto.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG image"),
    "nul-byte": ("nul.txt", GOOD.encode() * 20 + b"\x00" + GOOD.encode(), "NUL"),
    "control-chars": ("kendali.txt", bytes(range(1, 9)) * 200, "binary"),
    "front-matter-only": ("meta.md", b"---\ntitle: Hanya metadata\n---\n", "no text after it"),
    "bad-front-matter": (
        "rusak.md",
        b"---\ntitle: [tidak ditutup\nsource_type: interview\n---\nI: Teks.\n",
        ":3: malformed front matter",
    ),
    "unclosed-front-matter": ("buka.md", b"---\ntitle: Judul\nI: Teks.\n", "no closing '---'"),
    "docx-not-zip": ("palsu.docx", b"ini bukan dokumen Word", "not a valid Word"),
    "odt-not-zip": ("palsu.odt", b"ini bukan dokumen", "not a valid"),
    "pdf-broken": ("rusak.pdf", b"%PDF-1.4\n1 0 obj\n<<", "pdf"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_transcript_is_one_clear_line_and_the_rest_is_imported(
    project: Path, tmp_path: Path, case: str
) -> None:
    name, data, words = REFUSED[case]
    folder, bad = _folder(tmp_path, name, data)
    before = _state(project)
    result = _import(project, folder)
    assert result.exit_code == 0, result.output
    errors = _error_lines(result)
    assert len(errors) == 1, result.output
    assert words.lower() in _after(errors[0], bad).lower(), errors[0]
    assert "1 imported, 0 already present, 1 with errors." in result.output
    after = _state(project)
    assert after["documents"] == sorted([*before["documents"], "baik.txt"])
    assert after["memos"] == before["memos"] and after["codebook"] == before["codebook"]


OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)


def test_an_old_word_file_named_explicitly_gets_advice(project: Path, tmp_path: Path) -> None:
    folder, bad = _folder(tmp_path, "lama.doc", OLD_WORD)
    result = CliRunner().invoke(
        main, ["import", "-q", str(folder / "baik.txt"), str(bad), "-p", str(project)]
    )
    (line,) = _error_lines(result)
    assert "save it as .docx" in _after(line, bad)


def test_an_old_word_file_in_a_folder_is_not_skipped_silently(
    project: Path, tmp_path: Path
) -> None:
    folder, bad = _folder(tmp_path, "lama.doc", OLD_WORD)
    (line,) = _error_lines(_import(project, folder))
    assert "save it as .docx" in _after(line, bad)


def test_only_bad_files_exit_non_zero_and_change_nothing(project: Path, tmp_path: Path) -> None:
    folder = tmp_path / "buruk"
    folder.mkdir()
    (folder / "kosong.txt").write_bytes(b"")
    before = _state(project)
    result = _import(project, folder)
    assert result.exit_code == 1
    assert _state(project) == before


# name -> (bytes, what the stored text must be)
READ_WELL: dict[str, tuple[bytes, str]] = {
    "utf16-without-bom": (QUOTE.encode("utf-16-le"), QUOTE),
    "utf16-with-bom": (codecs.BOM_UTF16_BE + QUOTE.encode("utf-16-be"), QUOTE),
    "mixed-line-endings": (
        b"Peneliti: Apa kendalanya?\r\nInforman 1: Server.\rPeneliti: Lalu?\nInforman 1: Data.",
        "Peneliti: Apa kendalanya?\nInforman 1: Server.\nPeneliti: Lalu?\nInforman 1: Data.",
    ),
    "cp1252": (QUOTE.encode("cp1252"), QUOTE),
}


@pytest.mark.parametrize("case", list(READ_WELL))
def test_odd_but_valid_text_is_read_exactly(project: Path, tmp_path: Path, case: str) -> None:
    data, expected = READ_WELL[case]
    folder, _ = _folder(tmp_path, "aneh.txt", data)
    result = _import(project, folder)
    assert result.exit_code == 0 and _error_lines(result) == []
    with Project.open(project) as opened:
        docs = opened.documents_frame().set_index("name")
        text = opened.document(int(docs.loc["aneh.txt", "document_id"])).text
        segments = opened.segments_frame()
    assert text == expected
    mine = segments[segments["document"] == "aneh.txt"]
    assert len(mine) > 0
    assert all(
        text[s:e] == t for s, e, t in zip(mine["start"], mine["end"], mine["text"], strict=True)
    )


def test_utf8_cut_inside_the_last_character_keeps_the_rest_of_the_text(
    project: Path, tmp_path: Path
) -> None:
    data = QUOTE.encode("utf-8") + "“".encode()[:2]  # the copy stopped mid-character
    folder, _ = _folder(tmp_path, "terpotong.txt", data)
    _import(project, folder)
    with Project.open(project) as opened:
        docs = opened.documents_frame().set_index("name")
        text = opened.document(int(docs.loc["terpotong.txt", "document_id"])).text
    assert text.startswith(QUOTE)


# --------------------------------------------------------------------------- size limits


def test_a_60_mb_file_is_refused_by_the_default_limit(project: Path, tmp_path: Path) -> None:
    folder, bad = _folder(tmp_path, "besar.txt", b"")
    with bad.open("wb") as handle:  # sparse: no 60 MB written to disk
        handle.truncate(60 * MB)
    before = _state(project)
    result = _import(project, folder, env={"QUALCODE_MAX_FILE_MB": ""})
    (line,) = _error_lines(result)
    assert "60.0 MB, larger than the limit of 50.0 MB" in _after(line, bad)
    assert _state(project)["documents"] == sorted([*before["documents"], "baik.txt"])


def test_the_file_size_limit_is_set_by_qualcode_max_file_mb(project: Path, tmp_path: Path) -> None:
    folder, bad = _folder(tmp_path, "besar.txt", (GOOD * (60 * MB // len(GOOD))).encode())
    result = _import(project, folder, env={"QUALCODE_MAX_FILE_MB": "70"})
    (line,) = _error_lines(result)
    # Past the byte limit now; the text limit is next, with its own variable.
    assert "more than the limit of 5,000,000" in _after(line, bad)
    (folder / "baik.txt").unlink()
    bad.write_text(GOOD * 50, encoding="utf-8")  # 4 KB
    result = _import(project, folder, env={"QUALCODE_MAX_FILE_MB": "0.001"})
    (line,) = _error_lines(result)
    assert "larger than the limit of 1.0 KB" in line
    result = _import(project, folder, env={"QUALCODE_MAX_TEXT_CHARS": "100"})
    (line,) = _error_lines(result)
    assert "more than the limit of 100" in line


@pytest.mark.parametrize("value", ["lima", "-1", "0", "nan", "inf"])
def test_a_bad_limit_value_is_a_clear_error(project: Path, tmp_path: Path, value: str) -> None:
    folder, _ = _folder(tmp_path, "lain.txt", GOOD.encode())
    before = _state(project)
    result = _import(project, folder, env={"QUALCODE_MAX_FILE_MB": value})
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"Error: QUALCODE_MAX_FILE_MB must be a positive number, got '{value}'"
    )
    assert _state(project) == before
    with pytest.raises(QualcodeError, match="QUALCODE_MAX_TEXT_CHARS"):
        read_limits({"QUALCODE_MAX_TEXT_CHARS": value})


def test_read_limits_defaults_and_overrides() -> None:
    assert read_limits({}).max_bytes == 50 * MB
    assert read_limits({"QUALCODE_MAX_FILE_MB": "1,5"}).max_bytes == int(1.5 * MB)
    assert read_limits({"QUALCODE_MAX_TEXT_CHARS": "1000"}).max_chars == 1000


# --------------------------------------------------------------------------- uploads

HOSTILE_NAMES = [
    "../../etc/cron.d/wawancara.txt",
    "..\\..\\Windows\\wawancara.txt",
    "C:\\Users\\rina\\Desktop\\wawancara.txt",
    "/tmp/mutlak.txt",
    "nama\x00tersembunyi.txt",
    "\x1b[31mmerah\x1b[0m.txt",
    "baris\nbaru\r.txt",
    "\u202etxt.exe.txt",
    "CON.txt",
    ".txt",
    "....txt",
    "<script>alert(1)</script>.txt",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_upload_names_are_cleaned_and_nothing_lands_outside(
    project: Path, tmp_path: Path, name: str
) -> None:
    listing = sorted(str(p) for p in tmp_path.rglob("*"))
    with Project.open(project) as opened:
        result = opened.import_upload(f"I: Unggahan {name!r}.\n".encode(), name)
        log = opened.audit_log(entity="document")
    assert result.status == "imported", result.message
    safe = safe_file_name(name)
    assert result.name == safe and result.path == safe
    for text in (safe, json.loads(log["after_json"].iloc[0])["path"]):
        assert "/" not in text and "\\" not in text
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text)
    assert safe in _state(project)["documents"]
    # An upload is read in memory and stored in the project: no file is written.
    assert sorted(str(p) for p in tmp_path.rglob("*") if "studi.qualcode" not in p.name) == [
        p for p in listing if "studi.qualcode" not in Path(p).name
    ]


def test_refused_upload_reports_the_clean_name_in_one_line(project: Path) -> None:
    before = _state(project)
    with Project.open(project) as opened:
        result = opened.import_upload(b"MZ\x90\x00program", "../../\x1b[2Jvirus.exe")
    assert result.status == "error"
    assert result.path == result.name == "[2Jvirus.exe"
    assert result.message.startswith("[2Jvirus.exe: unsupported file type .exe")
    assert "\n" not in result.message and "\x1b" not in result.message
    assert _state(project) == before


def test_uploads_respect_the_size_limit_variable(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUALCODE_MAX_FILE_MB", "0.001")
    with Project.open(project) as opened:
        result = opened.import_upload((GOOD * 50).encode(), "besar.txt")
    assert result.status == "error" and "larger than the limit of 1.0 KB" in result.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_unreadable_file(project: Path, tmp_path: Path) -> None:
    folder, bad = _folder(tmp_path, "rahasia.txt", GOOD.encode())
    bad.chmod(0)
    (line,) = _error_lines(_import(project, folder))
    assert "permission denied" in line
