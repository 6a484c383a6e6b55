"""The export entry point: formats, filters, what ExportInfo records, and where it writes."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_export_support import build_project

from qualcode.errors import QualcodeError
from qualcode.export import FORMATS, export, export_bytes


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Any:
    built = build_project(tmp_path_factory.mktemp("studi"))
    yield built
    built["project"].close()


def _rows(study: dict[str, Any], **options: Any) -> pd.DataFrame:
    data, _ = export_bytes(study["project"], "csv", **options)
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")


def test_formats_table() -> None:
    assert list(FORMATS) == [
        "docx",
        "md",
        "xlsx",
        "csv",
        "graphml",
        "gexf",
        "png",
        "svg",
        "qdpx",
        "qdc",
    ]
    for fmt, (label, mime, extension) in FORMATS.items():
        assert label and "/" in mime and extension == f".{fmt}"


def test_export_info_records_the_trace(study: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "hasil.xlsx"
    info = export(study["project"], "xlsx", path)
    assert info.format == "xlsx"
    assert info.path == str(path)
    assert info.bytes_written == path.stat().st_size
    assert info.codebook_name == "Kinerja Organisasi (uji ekspor)"
    assert info.codebook_version == "2.1"
    assert info.codebook_hash == study["project"].codebook.content_hash()
    assert datetime.fromisoformat(info.exported_at).tzinfo is not None
    assert info.counts["codings"] == 12
    assert info.counts["segments"] == 11
    assert info.counts["documents"] == 4
    assert info.counts["informants"] == 2
    assert info.filters["statuses"] == ["accepted", "manual"]
    assert info.filters["pseudonymise"] is False
    assert any("1 pengodean usulan" in w for w in info.warnings)
    assert "hasil.xlsx" in info.describe() and info.codebook_hash in info.describe()
    assert info.as_dict()["codebook_hash"] == info.codebook_hash


def test_code_filter_by_id_or_name(study: dict[str, Any]) -> None:
    by_id = _rows(study, codes=["sistem"])
    by_name = _rows(study, codes="Faktor sistem")
    assert len(by_id) == 3 and set(by_id["ID kode"]) == {"sistem"}
    assert by_id.equals(by_name)


def test_informant_filter_by_label_or_real_name(study: dict[str, Any]) -> None:
    by_label = _rows(study, informants=["Informan 2"])
    by_name = _rows(study, informants=["Agus Pratama"])
    assert len(by_label) == 4 and set(by_label["Informan"]) == {"Informan 2"}
    assert by_label.equals(by_name)


def test_source_type_filter_accepts_indonesian_words(study: dict[str, Any]) -> None:
    rows = _rows(study, source_types=["observasi", "dokumentasi"])
    assert set(rows["Jenis sumber"]) == {"observasi", "dokumentasi"}
    assert len(rows) == 3


def test_status_filter(study: dict[str, Any]) -> None:
    assert len(_rows(study, statuses="all")) == 14
    assert len(_rows(study, statuses=None)) == 14
    suggested = _rows(study, statuses=["suggested"])
    assert list(suggested["Status"]) == ["usulan"]
    assert len(_rows(study, statuses=["diterima"])) == 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"codes": ["efisiensi"]},
            "unknown code 'efisiensi'; codes of this codebook: produktivitas",
        ),
        ({"informants": ["Informan 9"]}, "unknown informant 'Informan 9'; informants: Informan 1"),
        ({"source_types": ["survei"]}, "unknown source type 'survei'"),
        ({"statuses": ["selesai"]}, "unknown status 'selesai'"),
        ({"language": "jv"}, "unknown language 'jv'"),
        ({"window": -1}, "window must be 0 or more"),
    ],
)
def test_bad_filters_say_what_exists(
    study: dict[str, Any], options: dict[str, Any], message: str
) -> None:
    with pytest.raises(QualcodeError, match=message.replace("(", r"\(")):
        export(study["project"], "csv", io.BytesIO(), **options)


def test_bad_format_and_target(study: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(QualcodeError, match="unknown export format 'pdf'; use one of: docx"):
        export(study["project"], "pdf", tmp_path / "x.pdf")
    with pytest.raises(QualcodeError, match="is a folder"):
        export(study["project"], "csv", tmp_path)
    assert export(study["project"], ".CSV", tmp_path / "a.csv").format == "csv"


def test_writing_replaces_a_file_whole(study: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "sub" / "hasil.csv"
    export(study["project"], "csv", path)
    first = path.read_bytes()
    export(study["project"], "csv", path, codes=["tim"])
    assert path.read_bytes() != first and len(path.read_bytes()) < len(first)
    assert sorted(p.name for p in path.parent.iterdir()) == ["hasil.csv"]
    assert path.stat().st_mode & 0o044  # readable by others, like any file the user saves


def test_qdpx_and_qdc_delegate_to_refi(study: dict[str, Any]) -> None:
    import zipfile

    data, info = export_bytes(study["project"], "qdpx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("project.qde").decode("utf-8")
    assert "<CodeBook>" in xml
    assert info.codebook_hash in xml
    assert xml.count("<Coding ") == 12  # only accepted and manual codings
    assert any("REFI-QDA" in w for w in info.warnings)
    data, _ = export_bytes(study["project"], "qdc")
    assert b"urn:QDA-XML:codebook:1.0" in data and info.codebook_hash.encode() in data
