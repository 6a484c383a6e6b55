"""Every format from the sample study (transcripts/), imported and auto-coded, with
the high-confidence suggestions accepted as a researcher would after review."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import docx
import networkx as nx
import openpyxl
import pandas as pd
import pytest

from qualcode.export import FORMATS, export

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "transcripts"
INFORMANTS = {
    "Rina Wulandari": "Informan 1",
    "Agus Pratama": "Informan 2",
    "Siti Nurhaliza": "Informan 3",
    "Dedi Kurniawan": "Informan 4",
    "Yohanes Manurung": "Informan 5",
    "Maria Ulfa": "Informan 6",
}
ACCEPT_FROM = 0.6

# Runs in every test run: the thesis exports of the real sample study.


def _coder_available() -> bool:
    try:
        import qualcode.coder  # noqa: F401
        from qualcode.codebook import default_codebook_path
    except ImportError:
        return False
    return default_codebook_path().exists() and TRANSCRIPTS.is_dir()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if not _coder_available():
        pytest.skip("the sample study or the coder is not available")
    from qualcode.service import Project

    project = Project.create(tmp_path_factory.mktemp("sampel") / "studi.qualcode")
    report = project.import_paths([TRANSCRIPTS])
    assert len(report.imported) == 12, [f.message for f in report.errors]
    project.code()
    frame = project.codings_frame()
    for coding_id in frame.loc[frame["score"] >= ACCEPT_FROM, "coding_id"]:
        project.accept(int(coding_id), actor="peneliti")
    yield project
    project.close()


def _accepted(project: Any) -> int:
    return int((project.codings_frame()["status"] == "accepted").sum())


def _text_of(data: bytes) -> str:
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8", errors="replace") for n in archive.namelist()
            )
    return data.decode("utf-8", errors="replace")


def test_report_quotes_the_informants_as_a_thesis_does(sample: Any) -> None:
    buffer = io.BytesIO()
    info = export(sample, "docx", buffer)
    assert info.counts["codings"] == _accepted(sample) > 0
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote"]
    assert len(quotes) >= 10
    citation = re.compile(
        r"^\((Informan [1-6], .+, wawancara, \d{1,2} Maret 2024"
        r"|Observasi, \d{1,2} Maret 2024"
        r"|Dokumen [^,]+, \d{1,2} \w+ 20\d\d)\)( \[K\d+\])?$"
    )
    for quote in quotes:
        body, cite = quote.split("\n")
        assert body.startswith("\u201c") and body.endswith("\u201d")
        assert citation.match(cite), cite
    assert any(
        "(Informan 1, Kepala Bagian Organisasi, wawancara, 12 Maret 2024)" in q for q in quotes
    )
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Faktor Pendukung dan Penghambat" in headings
    assert len(document.inline_shapes) == 1


def test_every_format_pseudonymised(sample: Any, tmp_path: Path) -> None:
    for fmt in FORMATS:
        path = tmp_path / f"hasil{FORMATS[fmt][2]}"
        info = export(sample, fmt, path, pseudonymise=True)
        assert not any("nama asli" in w for w in info.warnings), (fmt, info.warnings)
        text = _text_of(path.read_bytes()).replace("Agus Dwiyanto", "")
        for name in INFORMANTS:
            for word in name.split():
                assert not re.search(rf"(?<![^\W_]){word}(?![^\W_])", text), (fmt, word)


def test_tables_match_the_project(sample: Any) -> None:
    buffer = io.BytesIO()
    export(sample, "xlsx", buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    assert book["Segmen terkode"].max_row - 1 == _accepted(sample)
    buffer = io.BytesIO()
    export(sample, "csv", buffer, statuses="all")
    frame = pd.read_csv(io.BytesIO(buffer.getvalue()), encoding="utf-8-sig")
    assert len(frame) == len(sample.codings_frame())


def test_network_of_the_sample(sample: Any) -> None:
    buffer = io.BytesIO()
    export(sample, "graphml", buffer)
    graph = nx.read_graphml(io.BytesIO(buffer.getvalue()))
    assert graph.number_of_nodes() >= 5 and graph.number_of_edges() >= 1
