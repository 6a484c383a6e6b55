"""Pseudonymisation: the name mapping, its use in text, and no real name surviving in
any export format."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_export_support import NAME_WORDS, REAL_NAMES, build_project

from qualcode.export import FORMATS, apply_pseudonyms, build_pseudonyms, export
from qualcode.export.pseudonym import NameReplacer, find_names, name_parts
from qualcode.model import Codebook, Framework, ProjectData, StoredDocument


def _project(*documents: StoredDocument, author: str = "") -> ProjectData:
    frameworks = (Framework("dwiyanto", "Kinerja", author),) if author else ()
    return ProjectData(
        "uji", Codebook("uji", "1", frameworks=frameworks), documents=list(documents)
    )


def _doc(doc_id: int, text: str, informant: str, name: str, file: str = "") -> StoredDocument:
    return StoredDocument(
        doc_id, file or f"w{doc_id}.txt", text, informant=informant, metadata={"name": name}
    )


# --------------------------------------------------------------------------- the mapping


def test_mapping_covers_names_parts_and_honorifics() -> None:
    mapping = build_pseudonyms(
        _project(
            _doc(1, "Bu Rina dan RINA WULANDARI.", "Informan 1", "Rina Wulandari"),
            _doc(2, "pak agus datang.", "Informan 2", "Agus Pratama"),
        )
    )
    assert mapping["Rina Wulandari"] == "Informan 1"
    assert mapping["Rina"] == "Informan 1"
    assert mapping["Wulandari"] == "Informan 1"
    assert mapping["Bu Rina"] == "Informan 1"
    assert mapping["Ibu Rina Wulandari"] == "Informan 1"
    assert mapping["Pak Agus"] == "Informan 2"
    assert mapping["RINA WULANDARI"] == "Informan 1"  # found in the text
    assert mapping["pak agus"] == "Informan 2"


def test_text_replacements_are_bracketed_and_whole_words() -> None:
    mapping = build_pseudonyms(_project(_doc(1, "", "Informan 1", "Rina Wulandari")))
    text = "Bu Rina bilang, Rina Wulandari setuju; Rinaldi dan Marina tidak."
    assert apply_pseudonyms(text, mapping) == (
        "[Informan 1] bilang, [Informan 1] setuju; Rinaldi dan Marina tidak."
    )
    mapping = build_pseudonyms(_project(_doc(1, "", "Informan 2", "Agus Pratama")))
    assert apply_pseudonyms("Bulan Agustus, Pak Agus cuti.", mapping) == (
        "Bulan Agustus, [Informan 2] cuti."
    )


def test_metadata_values_get_the_bare_label() -> None:
    mapping = build_pseudonyms(_project(_doc(1, "", "Informan 1", "Rina Wulandari")))
    names = NameReplacer(mapping)
    assert names.field("Rina Wulandari") == "Informan 1"
    assert names.value({"name": "Rina Wulandari", "note": "kata Bu Rina"}) == {
        "name": "Informan 1",
        "note": "kata [Informan 1]",
    }
    assert names.identifier("wawancara_rina_wulandari.txt") == "wawancara_Informan_1.txt"
    assert apply_pseudonyms("WAWANCARA-RINA.docx", mapping, ignore_case=True) == (
        "WAWANCARA-Informan_1.docx"
    )


def test_missing_or_real_labels_get_a_new_one() -> None:
    mapping = build_pseudonyms(
        _project(
            _doc(1, "", "Informan 1", "Rina Wulandari"),
            _doc(2, "", "", "Agus Pratama"),
            _doc(3, "", "Siti Nurhaliza", "Siti Nurhaliza"),
        )
    )
    assert mapping["Rina Wulandari"] == "Informan 1"
    assert mapping["Agus Pratama"] == "Informan 2"
    assert mapping["Siti Nurhaliza"] == "Informan 3"


def test_titles_and_shared_parts() -> None:
    assert name_parts("Drs. Agus Salim, M.Si.") == ["Agus", "Salim"]
    mapping = build_pseudonyms(
        _project(
            _doc(1, "", "Informan 1", "Drs. Agus Salim, M.Si."),
            _doc(2, "", "Informan 2", "Agus Pratama"),
        )
    )
    assert mapping["Agus Salim"] == "Informan 1"
    assert mapping["Agus"] == "nama disamarkan"
    assert apply_pseudonyms("Pak Agus Salim dan Pak Agus.", mapping) == (
        "[Informan 1] dan [nama disamarkan]."
    )


def test_a_theorist_sharing_a_name_is_left_alone() -> None:
    mapping = build_pseudonyms(
        _project(_doc(1, "", "Informan 2", "Agus Pratama"), author="Agus Dwiyanto")
    )
    text = "Menurut Agus Dwiyanto, kata Pak Agus, kinerja baik."
    assert apply_pseudonyms(text, mapping) == (
        "Menurut Agus Dwiyanto, kata [Informan 2], kinerja baik."
    )
    assert find_names(text, mapping) == ["Agus"]
    assert find_names("Menurut Agus Dwiyanto.", mapping) == []


def test_no_real_name_no_mapping() -> None:
    assert (
        build_pseudonyms(_project(StoredDocument(1, "w.txt", "teks", informant="Informan 1"))) == {}
    )


# --------------------------------------------------------------------------- every format


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    built = build_project(tmp_path_factory.mktemp("studi"))
    yield built
    built["project"].close()


def _readable_text(data: bytes) -> str:
    """Everything a reader could search in a file: zip members unpacked, markup
    and character references decoded."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()]
        text = "\n".join(parts)
    else:
        text = data.decode("utf-8", errors="replace")
    return html.unescape(re.sub(r"<[^>]+>", " ", text)) + "\n" + text


def _names_in(text: str) -> list[str]:
    text = text.replace("Agus Dwiyanto", "")  # the theorist, in the codebook
    found = [n for n in REAL_NAMES if n.casefold() in text.casefold()]
    found += [w for w in NAME_WORDS if re.search(rf"(?<![^\W_]){w}(?![^\W_])", text, re.I)]
    return found


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_no_real_name_survives(study: dict[str, Any], fmt: str, tmp_path: Path) -> None:
    path = tmp_path / f"hasil{FORMATS[fmt][2]}"
    info = export(study["project"], fmt, path, pseudonymise=True)
    outputs = [path.read_bytes()] + [Path(f).read_bytes() for f in info.files]
    for data in outputs:
        assert _names_in(_readable_text(data)) == []
    assert not any("nama asli" in w for w in info.warnings)


@pytest.mark.parametrize("fmt", ["docx", "md", "xlsx", "csv", "qdpx"])
def test_names_are_there_without_pseudonymisation(study: dict[str, Any], fmt: str) -> None:
    """The check above can see names: without pseudonymising, they are found."""
    buffer = io.BytesIO()
    export(study["project"], fmt, buffer, pseudonymise=False)
    assert _names_in(_readable_text(buffer.getvalue()))


def test_pseudonyms_are_consistent_across_formats(study: dict[str, Any]) -> None:
    texts = {}
    for fmt in ("docx", "md", "xlsx", "csv", "qdpx"):
        buffer = io.BytesIO()
        export(study["project"], fmt, buffer, pseudonymise=True)
        text = _readable_text(buffer.getvalue())
        texts[fmt] = text.replace("\\", "") if fmt == "md" else text
    for fmt, text in texts.items():
        assert "[Informan 1] mendukung penuh; [Informan 1] itu pimpinan" in text, fmt
        assert "[Informan 2] dan teman-teman saling membantu" in text, fmt
    assert "wawancara_Informan_2.txt" in texts["xlsx"]
    assert "wawancara_Informan_2.txt" in texts["qdpx"]


def test_qdpx_positions_follow_the_new_text(study: dict[str, Any]) -> None:
    buffer = io.BytesIO()
    export(study["project"], "qdpx", buffer, pseudonymise=True)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        xml = archive.read("project.qde").decode("utf-8")
        sources = {
            n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".txt")
        }
    assert "Pseudonymised: yes" in xml
    quote = "[Informan 1] mendukung penuh; [Informan 1] itu pimpinan yang demokratis."
    text = next(t for t in sources.values() if quote in t)
    start = text.index(quote)
    assert f'startPosition="{start}" endPosition="{start + len(quote)}"' in xml
