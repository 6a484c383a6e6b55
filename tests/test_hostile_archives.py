"""Hostile zip and XML files through `qualcode import`: Word and OpenDocument files,
and REFI-QDA projects (.qdpx) and codebooks (.qdc) from other tools.

Zip bombs at their real size (the default limits, nothing patched), members named
to escape the folder, XML with external entities pointing at a secret file on this
machine, entity expansion, external DTDs and XInclude. Each must end in one line
naming the file; the secret must never reach the project; nothing is written
outside the project; and the project is unchanged (the good files beside it are
still imported). tests/test_corpus_office.py and tests/test_refi_read.py test the
readers themselves.
"""

from __future__ import annotations

import io
import re
import struct
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner, Result

from qualcode.cli import main
from qualcode.exchange import write_qdpx
from qualcode.model import SourceDocument
from qualcode.service import Project

SECRET = "RAHASIA-8c1f0e"  # written to a file the attacks point at
LAUGHS_DTD = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
    for i in range(1, 10)
)


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "rahasia" / "kunci.txt"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "studi.qualcode"
    with Project.create(path) as created:
        created.add_source(
            SourceDocument(name="lama.txt", text="I: Koordinasi dengan OPD masih lambat.")
        )
        created.code()
    return path


@pytest.fixture()
def project(template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "studi.qualcode"
    path.write_bytes(template.read_bytes())
    return path


def _fingerprint(path: Path) -> dict[str, Any]:
    with Project.open(path) as opened:
        return {
            "documents": sorted(opened.documents_frame()["name"]),
            "codings": len(opened.codings_frame()),
            "codebook": opened.codebook.content_hash(),
            "memos": len(opened.memos()),
        }


def _dump(path: Path) -> str:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return "\n".join(con.iterdump())
    finally:
        con.close()


def _import(project: Path, *paths: Path) -> Result:
    return CliRunner().invoke(main, ["import", "-q", *map(str, paths), "-p", str(project)])


def _error_lines(result: Result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("  ! ")]


def _after(line: str, path: Path) -> str:
    """The message that follows the file name in an error line."""
    assert f"  ! {path}" in line, line
    return line.split(str(path), 1)[1]


# --------------------------------------------------------------------------- Word / OpenDocument


def _docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Informan 1: Koordinasi dengan OPD masih lambat.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: Any = None) -> bytes:
    replace = replace or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            blob = replace.get(info.filename, src.read(info.filename))
            dst.writestr(info.filename, blob, compress_type=zipfile.ZIP_DEFLATED)
        for name, blob in (add or {}).items():
            dst.writestr(name, blob, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _claims_size(data: bytes, member: str, size: int) -> bytes:
    """The archive with ``member`` claiming ``size`` bytes uncompressed."""
    patched = bytearray(data)
    header = patched.rfind(b"PK\x01\x02", 0, patched.rfind(member.encode()))
    struct.pack_into("<I", patched, header + 24, size)
    return bytes(patched)


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _word_xml(doctype: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<w:document {W}><w:body>'
        f"<w:p><w:r><w:t>{body}</w:t></w:r></w:p></w:body></w:document>"
    ).encode()


def _odt(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _office_case(secret: Path, case: str) -> tuple[str, bytes, str]:
    """(file name, content, words of the message); only the asked case is built."""
    good = _docx()
    xxe = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    odt_xxe = (
        f'<?xml version="1.0"?><!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM '
        f'"file://{secret}">]><office:document-content {ns}><office:body><office:text>'
        "<text:p>&xxe;</text:p></office:text></office:body></office:document-content>"
    ).encode()
    laughs = _word_xml(f"<!DOCTYPE w [{LAUGHS_DTD}]>", "&lol9;")
    small = _rezip(good, add={"word/media/x.bin": b"x" * 1000})
    cases: dict[str, tuple[str, Any, str]] = {
        "docx-ratio-bomb": (
            "bom.docx",
            lambda: _rezip(good, add={"word/media/nol.bin": b"\x00" * (16 * 1024 * 1024)}),
            "refused as a possible zip bomb",
        ),
        "docx-claims-3-gb": (
            "besar.docx",
            lambda: _claims_size(small, "word/media/x.bin", 3_000_000_000),
            "zip bomb",
        ),
        "docx-many-members": (
            "banyak.docx",
            lambda: _rezip(good, add={f"word/media/{i}.bin": b"x" for i in range(2100)}),
            "more than the limit of 2,000",
        ),
        "docx-xxe": (
            "xxe.docx",
            lambda: _rezip(good, replace={"word/document.xml": _word_xml(xxe, "&xxe;")}),
            "DOCTYPE",
        ),
        "docx-billion-laughs": (
            "tawa.docx",
            lambda: _rezip(good, replace={"word/document.xml": laughs}),
            "DOCTYPE",
        ),
        "docx-truncated": ("potong.docx", lambda: good[: len(good) // 2], "damaged or truncated"),
        "odt-xxe": ("xxe.odt", lambda: _odt(odt_xxe), "DOCTYPE"),
        "odt-ratio-bomb": (
            "bom.odt",
            lambda: _odt(b"<x>" + b" " * (16 * 1024 * 1024) + b"</x>"),
            "zip bomb",
        ),
    }
    name, make, words = cases[case]
    return name, make(), words


CASE_NAMES = [
    "docx-ratio-bomb",
    "docx-claims-3-gb",
    "docx-many-members",
    "docx-xxe",
    "docx-billion-laughs",
    "docx-truncated",
    "odt-xxe",
    "odt-ratio-bomb",
]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_hostile_office_file_is_refused_and_the_rest_imported(
    project: Path, tmp_path: Path, secret: Path, case: str
) -> None:
    name, data, words = _office_case(secret, case)
    folder = tmp_path / "masuk"
    folder.mkdir()
    (folder / "baik.docx").write_bytes(_docx())
    bad = folder / name
    bad.write_bytes(data)
    before = _fingerprint(project)
    started = time.perf_counter()
    result = _import(project, folder)
    assert time.perf_counter() - started < 20
    (line,) = _error_lines(result)
    assert words in _after(line, bad), line
    after = _fingerprint(project)
    assert after["documents"] == sorted([*before["documents"], "baik.docx"])
    assert SECRET not in _dump(project)


def test_member_names_that_climb_out_are_never_written(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    evil = {
        "../../jahat.txt": b"x",
        "/tmp/qualcode-jahat-mutlak.txt": b"x",
        "..\\..\\jahat-win.txt": b"x",
    }
    bad = tmp_path / "panjat.docx"
    bad.write_bytes(_rezip(_docx(), add=evil))
    before = sorted(tmp_path.rglob("*"))
    result = _import(project, bad)
    assert result.exit_code == 0, result.output
    assert sorted(p for p in tmp_path.rglob("*") if "studi.qualcode" not in p.name) == [
        p for p in before if "studi.qualcode" not in p.name
    ]
    assert not Path("/tmp/qualcode-jahat-mutlak.txt").exists()


# --------------------------------------------------------------------------- REFI-QDA


@pytest.fixture(scope="module")
def qdpx_parts(template: Path) -> dict[str, bytes]:
    """A real export of the template project, member by member."""
    with Project.open(template) as opened:
        buffer = io.BytesIO()
        write_qdpx(opened.project_data(), buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _qdpx(parts: dict[str, bytes], **changes: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in {**parts, **changes}.items():
            archive.writestr(name, blob)
    return out.getvalue()


def _with_doctype(xml: bytes, doctype: str, name_value: str | None = None) -> bytes:
    text = xml.decode("utf-8")
    head, _, rest = text.partition("?>")
    if name_value is not None:
        rest = rest.replace('name="', f'name="{name_value}', 1)
    return (head + "?>" + doctype + rest).encode("utf-8")


def _qdpx_case(parts: dict[str, bytes], secret: Path, case: str) -> tuple[bytes, str]:
    """(content, words of the message); only the asked case is built."""
    xml = parts["project.qde"]
    xxe = f'<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    parameter = f'<!DOCTYPE Project [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>'
    external = f'<!DOCTYPE Project SYSTEM "file://{secret}">'

    def qde(content: bytes) -> bytes:
        return _qdpx(parts, **{"project.qde": content})

    def utf32() -> bytes:
        text = _with_doctype(xml, xxe, "&xxe;").decode("utf-8")
        return text.replace('encoding="utf-8"', 'encoding="UTF-32"').encode("utf-32")

    cases: dict[str, tuple[Any, str]] = {
        "xxe": (lambda: qde(_with_doctype(xml, xxe, "&xxe;")), "DOCTYPE"),
        # Past the quick check for a DOCTYPE (not written in UTF-8/16); the parser
        # still resolves nothing, so the reference is an error or the DOCTYPE refused.
        "xxe-utf32": (lambda: qde(utf32()), "external entity|DOCTYPE"),
        "parameter-entity": (lambda: qde(_with_doctype(xml, parameter)), "DOCTYPE"),
        "external-dtd": (lambda: qde(_with_doctype(xml, external)), "DOCTYPE"),
        "billion-laughs": (
            lambda: qde(_with_doctype(xml, f"<!DOCTYPE Project [{LAUGHS_DTD}]>", "&lol9;")),
            "DOCTYPE",
        ),
        "zip-bomb": (
            lambda: _qdpx(parts, **{"sources/nol.txt": b"\x00" * (64 * 1024 * 1024)}),
            "zip bomb",
        ),
        "climbing-member": (lambda: _qdpx(parts, **{"../../jahat.txt": b"x"}), "unsafe member"),
        "absolute-member": (lambda: _qdpx(parts, **{"/etc/cron.d/jahat": b"x"}), "unsafe member"),
        "not-a-zip": (lambda: b"ini bukan arsip", "not a zip"),
        "broken-xml": (lambda: qde(xml[: len(xml) // 2]), "not well-formed"),
        "no-project-file": (lambda: _qdpx({"sources/a.txt": b"teks"}), "no project.qde"),
    }
    make, words = cases[case]
    return make(), words


QDPX_CASES = [
    "xxe",
    "xxe-utf32",
    "parameter-entity",
    "external-dtd",
    "billion-laughs",
    "zip-bomb",
    "climbing-member",
    "absolute-member",
    "not-a-zip",
    "broken-xml",
    "no-project-file",
]


@pytest.mark.parametrize("case", QDPX_CASES)
def test_hostile_qdpx_is_refused_and_changes_nothing(
    project: Path, tmp_path: Path, secret: Path, qdpx_parts: dict[str, bytes], case: str
) -> None:
    data, words = _qdpx_case(qdpx_parts, secret, case)
    bad = tmp_path / f"{case}.qdpx"
    bad.write_bytes(data)
    before = _fingerprint(project)
    started = time.perf_counter()
    result = _import(project, bad)
    assert time.perf_counter() - started < 20
    assert result.exit_code == 1, result.output
    (line,) = _error_lines(result)
    assert re.search(words, _after(line, bad)), line
    assert _fingerprint(project) == before
    assert SECRET not in _dump(project) and SECRET not in result.output
    assert not (tmp_path.parent / "jahat.txt").exists()


def test_xinclude_is_never_followed(
    project: Path, tmp_path: Path, secret: Path, qdpx_parts: dict[str, bytes]
) -> None:
    """XInclude needs no DOCTYPE; the reader must simply never process it."""
    xml = qdpx_parts["project.qde"].decode("utf-8")
    include = (
        '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'href="file://{secret}" parse="text"/>'
    )
    xml = xml.replace("<Sources>", "<Sources>" + include, 1).replace(
        "</Description>", include + "</Description>", 1
    )
    bad = tmp_path / "xinclude.qdpx"
    bad.write_bytes(_qdpx(qdpx_parts, **{"project.qde": xml.encode("utf-8")}))
    result = _import(project, bad)
    assert SECRET not in _dump(project) and SECRET not in result.output


def test_hostile_qdc_codebook_is_refused(project: Path, tmp_path: Path, secret: Path) -> None:
    bad = tmp_path / "buku.qdc"
    bad.write_bytes(
        (
            f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE CodeBook [<!ENTITY xxe SYSTEM '
            f'"file://{secret}">]><CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
            '<Code guid="00000000-0000-4000-8000-000000000001" name="&xxe;" isCodable="true"/>'
            "</Codes></CodeBook>"
        ).encode()
    )
    before = _fingerprint(project)
    result = _import(project, bad)
    (line,) = _error_lines(result)
    assert "DOCTYPE" in _after(line, bad)
    assert _fingerprint(project) == before and SECRET not in _dump(project)


def test_a_real_export_imports_cleanly(
    project: Path, tmp_path: Path, qdpx_parts: dict[str, bytes]
) -> None:
    """The hostile files above are this one with one attack added."""
    good = tmp_path / "baik.qdpx"
    good.write_bytes(_qdpx(qdpx_parts))
    result = _import(project, good)
    assert result.exit_code == 0 and _error_lines(result) == [], result.output


def test_qdpx_text_in_another_unicode_form_keeps_its_coded_spans(tmp_path: Path) -> None:
    """A macOS tool writes 'é' as 'e' + a combining accent; a PDF copy brings a form feed."""
    from qualcode.model import Code, Codebook, ProjectData, StoredCoding, StoredDocument

    text = "Informan: Cafe\u0301 dan koordinasi\u000c lambat sekali."
    spans = [(text.index(w), text.index(w) + len(w)) for w in ("koordinasi", "lambat")]
    data = ProjectData(
        name="lain",
        codebook=Codebook(name="cb", version="1", codes=(Code("koordinasi_x", "Koordinasi"),)),
        documents=[StoredDocument(id=1, name="d.txt", text=text)],
        codings=[
            StoredCoding(id=i, document_id=1, code_id="koordinasi_x", start=s, end=e)
            for i, (s, e) in enumerate(spans, start=1)
        ],
    )
    path = tmp_path / "lain.qdpx"
    write_qdpx(data, path)
    with Project.create(tmp_path / "studi.qualcode") as project:
        project.import_paths([path])
        coded = sorted(project.codings_frame()["text"])
    assert coded == ["koordinasi", "lambat"]
