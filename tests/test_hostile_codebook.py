"""Bad and hostile codebooks, through the paths a researcher uses: `qualcode init
--codebook`, the loader a notebook or the app calls, and ``Project.set_codebook``.

tests/test_codebook.py checks the parser's messages and positions in detail; here
each kind of bad codebook must end in one line that names the file (and line, or
code), and leave the project exactly as it was (or not create it at all).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from qualcode.cli import main
from qualcode.codebook import load_codebook, parse_codebook
from qualcode.errors import CodebookError
from qualcode.model import SourceDocument
from qualcode.service import Project

GOOD = """\
format: qualcode-codebook/1
name: Buku kode uji
version: "1"
frameworks:
  - id: teori
    name: Teori
codes:
  - id: kode_a
    name: Kode A
    framework: teori
    keywords: [koordinasi]
  - id: kode_b
    name: Kode B
    framework: teori
    keywords: [server]
"""

LAUGHS = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    if i
    else 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(9)
)

# name -> (file content, words the message must hold, line it must name or None)
CASES: dict[str, tuple[bytes | str, str, int | None]] = {
    "syntax-error": (GOOD.replace("    name: Kode B", "   name: Kode B"), "YAML syntax error", 13),
    "wrong-type": (GOOD.replace("keywords: [server]", "keywords: 5"), "must be a list", 15),
    "missing-field": (GOOD.replace("    name: Kode B\n", ""), "missing the required key", 12),
    "duplicate-id": (GOOD.replace("id: kode_b", "id: kode_a"), "used twice", 12),
    "parent-cycle": (
        GOOD.replace("    keywords: [koordinasi]", "    parent: kode_b\n    keywords: [k]").replace(
            "    keywords: [server]", "    parent: kode_a\n    keywords: [s]"
        ),
        "parent cycle",
        None,
    ),
    "unknown-parent": (
        GOOD.replace("    keywords: [server]", "    parent: kode_z\n    keywords: [s]"),
        "kode_z",
        15,
    ),
    "python-tag": (
        GOOD.replace("name: Kode B", "name: !!python/object/apply:os.system ['touch {canary}']"),
        "is not allowed",
        13,
    ),
    "python-tag-top": ("!!python/object/apply:os.system ['touch {canary}']\n", "not allowed", 1),
    "billion-laughs": (LAUGHS, "expands to more than", 6),
    "five-megabytes": (GOOD + "# " + "x" * (5 * 1024 * 1024) + "\n", "limit for a codebook", None),
    "binary": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "not UTF-8", 1),
    "empty": (b"", "the codebook is empty", None),
    "not-a-mapping": ("- just\n- a list\n", "", 1),
}


def _write(tmp_path: Path, name: str) -> tuple[Path, Path, str, int | None]:
    content, words, line = CASES[name]
    canary = tmp_path / "CANARY"
    path = tmp_path / f"{name}.yaml"
    if isinstance(content, str):
        path.write_text(content.replace("{canary}", str(canary)), encoding="utf-8")
    else:
        path.write_bytes(content)
    return path, canary, words, line


def _check_message(text: str, path: Path, words: str, line: int | None) -> None:
    assert "\n" not in text.strip(), text
    assert str(path) in text
    assert words in text
    if line is not None:
        assert f"{path}:{line}" in text, text


def _fingerprint(project: Path) -> tuple[str, dict[str, Any]]:
    digest = hashlib.sha256(project.read_bytes()).hexdigest()
    with Project.open(project) as opened:
        summary = {
            "codebook": opened.codebook.content_hash(),
            "history": len(opened.codebook_history()),
            "documents": len(opened.documents_frame()),
            "codings": len(opened.codings_frame()),
            "log": len(opened.audit_log()),
        }
    return digest, summary


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("codebook")
    good = folder / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    path = folder / "studi.qualcode"
    with Project.create(path, codebook_path=good) as project:
        project.add_source(
            SourceDocument(name="w.txt", text="I: Koordinasi lancar tapi server sering mati.")
        )
        project.code()
    return path


@pytest.fixture()
def existing(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "studi.qualcode"
    path.write_bytes(template.read_bytes())
    return path


@pytest.mark.parametrize("name", list(CASES))
def test_bad_codebook_through_qualcode_init_creates_nothing(tmp_path: Path, name: str) -> None:
    path, canary, words, line = _write(tmp_path, name)
    project = tmp_path / "baru.qualcode"
    started = time.perf_counter()
    result = CliRunner().invoke(main, ["init", "--codebook", str(path), "-p", str(project)])
    assert time.perf_counter() - started < 10
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ")
    _check_message(result.output, path, words, line)
    assert not project.exists() and not canary.exists()


@pytest.mark.parametrize("name", list(CASES))
def test_bad_codebook_leaves_an_existing_project_unchanged(
    existing: Path, tmp_path: Path, name: str
) -> None:
    path, canary, words, line = _write(tmp_path, name)
    before = _fingerprint(existing)
    result = CliRunner().invoke(main, ["init", "--codebook", str(path), "-p", str(existing)])
    assert result.exit_code == 1
    _check_message(result.output, path, words, line)
    # The loader a notebook or the app would call says the same.
    with pytest.raises(CodebookError) as caught:
        load_codebook(path)
    _check_message(str(caught.value), path, words, line)
    assert _fingerprint(existing) == before and not canary.exists()


def test_codebook_that_is_a_folder_or_missing(tmp_path: Path) -> None:
    for target, words in ((tmp_path, "is a directory"), (tmp_path / "x.yaml", "not found")):
        result = CliRunner().invoke(
            main, ["init", "--codebook", str(target), "-p", str(tmp_path / "p.qualcode")]
        )
        assert result.exit_code != 0 and words in result.output
        assert not (tmp_path / "p.qualcode").exists()


def _codebook_with(**changes: Any) -> Any:
    book = parse_codebook(GOOD)
    a, b = book.codes
    if "codes" in changes:
        return replace(book, codes=changes["codes"](a, b))
    return replace(book, **changes)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: _codebook_with(codes=lambda a, b: (a, replace(b, id=a.id))), "used twice"),
        (
            lambda: _codebook_with(
                codes=lambda a, b: (replace(a, parent=b.id), replace(b, parent=a.id))
            ),
            "parent cycle",
        ),
        (lambda: _codebook_with(codes=lambda a, b: (a, replace(b, parent="hilang"))), "hilang"),
        (lambda: _codebook_with(codes=lambda a, b: (a, replace(b, framework="x"))), "'x'"),
        (lambda: _codebook_with(codes=lambda a, b: (a, replace(b, name=""))), "name"),
        (lambda: _codebook_with(codes=lambda a, b: (a, replace(b, colour="red"))), "colour"),
        (lambda: _codebook_with(codes=lambda a, b: (a, replace(b, id="Kode B!"))), "Kode B!"),
        (lambda: _codebook_with(codes=lambda a, b: ()), "code"),
    ],
    ids=[
        "duplicate-id",
        "parent-cycle",
        "unknown-parent",
        "unknown-framework",
        "empty-name",
        "bad-colour",
        "bad-id",
        "no-codes",
    ],
)
def test_project_set_codebook_refuses_an_invalid_codebook(
    existing: Path, make: Any, words: str
) -> None:
    """Before: a duplicate id failed with a raw database error and a parent cycle was
    stored (and broke every later export of the code tree)."""
    before = _fingerprint(existing)
    with Project.open(existing) as project, pytest.raises(CodebookError) as caught:
        project.set_codebook(make(), actor="rina")
    message = str(caught.value)
    assert words in message and "\n" not in message
    assert message.startswith("the new codebook")
    assert _fingerprint(existing) == before


def test_project_set_codebook_accepts_a_valid_change(existing: Path) -> None:
    book = parse_codebook(GOOD)
    changed = replace(book, version="2", codes=(book.codes[0],))
    with Project.open(existing) as project:
        project.set_codebook(changed, actor="rina")
        assert project.codebook.code_ids == ("kode_a",)
        assert len(project.codebook_history()) == 2
