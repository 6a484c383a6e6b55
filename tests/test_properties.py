"""Properties that must hold for any input (Hypothesis).

- Offsets: every stored segment slices the stored text exactly, through the whole
  import path (SourceDocument -> Project.add_source -> the database -> the frames).
- REFI-QDA: a project exported as .qdpx and imported into a new project has the same
  codings: the same codes on the same spans of the same texts.
- Robustness: no input makes the codebook loader or the file reader hang or fail
  with anything but a QualcodeError (CodebookError / ReadError).

QUALCODE_HYPOTHESIS_EXAMPLES scales the number of examples (default 1: the
numbers below; 10 for a long run).
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import timedelta

import docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from qualcode.codebook import dump_codebook, load_codebook, parse_codebook
from qualcode.corpus import SUPPORTED_EXTENSIONS, normalise_text, read_bytes
from qualcode.errors import CodebookError, ReadError
from qualcode.export import export
from qualcode.model import SourceDocument
from qualcode.segmentation import segment_document
from qualcode.service import Project

SCALE = max(1, int(os.environ.get("QUALCODE_HYPOTHESIS_EXAMPLES", "1")))
SLOW_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large]

# --------------------------------------------------------------------------- texts

LABELS = ["P: ", "I: ", "Peneliti: ", "Informan 2: ", "**P:** ", "[00:12:31] Narasumber: ", ""]
PIECES = [
    "Koordinasi dengan OPD masih lambat.",
    "Server e-office sering error!",
    "Bu Kabag selalu mendorong tim.",
    "[tertawa]",
    "(00:01:02)",
    "...",
    "Capaian 100 persen, Rp1.500.000,-",
    "café naïve 😀 𝟏𝟐 𠀋",
    "dll. dst. S.Sos. M.Si.",
    "—",
    "   ",
    "\t",
    "Ya.",
]
SEPARATORS = ["\n", "\n\n", " ", "\r\n", "\u2028", ""]


@st.composite
def transcripts(draw: st.DrawFn) -> str:
    """Interview-like text: speaker labels, notes, timestamps, odd Unicode, and noise."""
    lines = draw(
        st.lists(
            st.tuples(
                st.sampled_from(LABELS),
                st.lists(
                    st.one_of(st.sampled_from(PIECES), st.text(min_size=1, max_size=30)),
                    min_size=1,
                    max_size=6,
                ),
                st.sampled_from(SEPARATORS),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return "".join(label + " ".join(words) + sep for label, words, sep in lines)


@pytest.fixture(scope="module")
def offsets_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project.create(tmp_path_factory.mktemp("props") / "offsets.qualcode")
    yield project
    project.close()


@settings(
    max_examples=60 * SCALE,
    deadline=timedelta(seconds=5),
    suppress_health_check=SLOW_OK,
)
@given(text=transcripts(), source_type=st.sampled_from(["interview", "observation", "document"]))
@example(text="P: Apa?\r\nI: Ya.\u2028Tidak 😀.", source_type="interview")
@example(text="\x00I: nol\x00 byte", source_type="interview")
def test_stored_segments_slice_the_stored_text_exactly(
    offsets_project: Project, text: str, source_type: str
) -> None:
    source = SourceDocument(name="acak.txt", text=text, source_type=source_type)  # type: ignore[arg-type]
    result = offsets_project.add_source(source)
    assert result.status in ("imported", "duplicate"), result.message
    assert result.document_id is not None
    stored = offsets_project.document(result.document_id)
    text = normalise_text(text)
    assert stored.text == text  # stored as every reader's text is: normalised, nothing else
    expected = [(s.start, s.end) for s in segment_document(text, stored.source_type)]
    frame = offsets_project.segments_frame()
    mine = frame[frame["document_id"] == result.document_id].sort_values("segment_index")
    assert list(zip(mine["start"], mine["end"], strict=True)) == expected
    for start, end, sliced in zip(mine["start"], mine["end"], mine["text"], strict=True):
        assert 0 <= start < end <= len(text)
        # The database's substring (what exports and the app read) is Python's slice.
        assert sliced == text[start:end]
        assert sliced.strip() == sliced and sliced


# --------------------------------------------------------------------------- qdpx round trip


@st.composite
def coded_documents(draw: st.DrawFn) -> list[tuple[str, list[tuple[int, int, int]]]]:
    documents = []
    for i in range(draw(st.integers(1, 3))):
        body = draw(
            st.text(
                alphabet=st.one_of(
                    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\ufeff"),
                    st.sampled_from(["😀", "𝟏", "\n", "é", " "]),
                ),
                min_size=5,
                max_size=120,
            ).filter(lambda t: t.strip() != "")
        )
        text = f"Informan {i}: {body}".strip()
        n = len(text)
        spans = draw(
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(1, n), st.integers(0, 9)).map(
                    lambda t: (min(t[0], t[1] - 1), max(t[0] + 1, t[1]), t[2])
                ),
                min_size=1,
                max_size=5,
                unique_by=lambda t: (t[0], t[1], t[2]),
            )
        )
        documents.append((text, spans))
    return documents


@settings(max_examples=8 * SCALE, deadline=None, suppress_health_check=SLOW_OK)
@given(documents=coded_documents())
def test_qdpx_export_then_import_keeps_every_coding(
    tmp_path_factory: pytest.TempPathFactory,
    documents: list[tuple[str, list[tuple[int, int, int]]]],
) -> None:
    folder = tmp_path_factory.mktemp("roundtrip")
    source = Project.create(folder / "asal.qualcode")
    try:
        codes = [c.id for c in source.codebook.codes if c.codable]
        expected = set()
        for i, (text, spans) in enumerate(documents):
            stored = source.add_source(SourceDocument(name=f"d{i}.txt", text=text))
            if stored.status == "duplicate" or stored.document_id is None:
                continue
            for start, end, code in spans:
                source.add_coding(stored.document_id, start, end, codes[code], actor="rina")
                expected.add((text, start, end, codes[code]))
        export(source, "qdpx", folder / "asal.qdpx", statuses=None)
    finally:
        source.close()
    with Project.create(folder / "tujuan.qualcode") as target:
        report = target.import_paths([folder / "asal.qdpx"])
        assert report.errors == [], report.errors[0].message if report.errors else ""
        texts = {
            int(r.document_id): target.document(int(r.document_id)).text
            for r in target.documents_frame().itertuples()
        }
        got = {
            (texts[int(r.document_id)], int(r.start), int(r.end), r.code_id)
            for r in target.codings_frame().itertuples()
        }
    assert got == expected


# --------------------------------------------------------------------------- robustness

VALID_CODEBOOK = dump_codebook(load_codebook())
YAML_NOISE = [
    "&a ", "*a", "!!str ", "!!python/name:os.system ", "- ", ": ", "{", "[", "'", '"', "\t",
    "<<: ", "? ", "%YAML 1.1\n", "---\n", "...\n", "#", "|\n", ">-\n", "\\",
]  # fmt: skip


@st.composite
def damaged_codebooks(draw: st.DrawFn) -> str:
    lines = VALID_CODEBOOK.splitlines(keepends=True)[:80]
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "insert", "indent", "dedent", "duplicate"]))
        if action == "drop":
            lines.pop(i)
        elif action == "insert":
            lines.insert(i, draw(st.sampled_from(YAML_NOISE)) + draw(st.text(max_size=10)) + "\n")
        elif action == "indent":
            lines[i] = " " * draw(st.integers(1, 5)) + lines[i]
        elif action == "dedent":
            lines[i] = lines[i].lstrip()
        else:
            lines.insert(i, lines[i])
        if not lines:
            break
    return "".join(lines)


@settings(max_examples=150 * SCALE, deadline=timedelta(seconds=2), suppress_health_check=SLOW_OK)
@given(text=st.one_of(st.text(max_size=400), damaged_codebooks()))
def test_codebook_loader_never_hangs_or_fails_unexpectedly(text: str) -> None:
    try:
        book = parse_codebook(text, source="acak.yaml")
    except CodebookError as exc:
        assert str(exc).startswith("acak.yaml") and "\n" not in str(exc)
    else:
        assert book.codes


@settings(max_examples=40 * SCALE, deadline=timedelta(seconds=2), suppress_health_check=SLOW_OK)
@given(data=st.binary(max_size=600))
def test_codebook_file_of_any_bytes(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("cb") / "buku.yaml"
    path.write_bytes(data)
    try:
        load_codebook(path)
    except CodebookError as exc:
        assert str(path) in str(exc)


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("Informan 1: Koordinasi dengan OPD masih lambat.")
    document.add_paragraph("Peneliti: Mengapa?")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
            'office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
            "<office:body><office:text><text:p>Informan 1: Data telat.</text:p>"
            "</office:text></office:body></office:document-content>",
        )
    return buffer.getvalue()


def _pdf_bytes() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Informan 1: Data OPD telat masuk.")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


SAMPLES: dict[str, bytes] = {
    ".docx": _docx_bytes(),
    ".odt": _odt_bytes(),
    ".rtf": rb"{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Informan 1: Data telat.\par}",
    ".srt": b"1\n00:00:01,000 --> 00:00:02,000\nInforman 1: Data telat.\n\n",
    ".vtt": b"WEBVTT\n\n00:00.000 --> 00:02.000\nInforman 1: Data telat.\n",
    ".md": b"---\ntitle: Uji\nsource_type: interview\n---\n\nI: Data telat.\n",
    ".txt": "P: Apa?\r\nI: Koordinasi “lambat”.\n".encode("cp1252"),
    ".pdf": _pdf_bytes(),
}


@st.composite
def damaged_files(draw: st.DrawFn) -> tuple[str, bytes]:
    ext = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[ext])
    for _ in range(draw(st.integers(0, 8))):
        if not data:
            break
        action = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        i = draw(st.integers(0, len(data) - 1))
        if action == "flip":
            data[i] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[i:]
        elif action == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=16))
        else:
            data[i : i + 32] = bytes(min(32, len(data) - i))
    return ext, bytes(data)


@settings(max_examples=150 * SCALE, deadline=timedelta(seconds=3), suppress_health_check=SLOW_OK)
@given(
    case=st.one_of(
        damaged_files(),
        st.tuples(st.sampled_from(sorted(SUPPORTED_EXTENSIONS)), st.binary(max_size=400)),
    )
)
def test_file_reader_never_hangs_or_fails_unexpectedly(case: tuple[str, bytes]) -> None:
    ext, data = case
    try:
        document = read_bytes(data, f"acak{ext}")
    except ReadError as exc:
        assert str(exc).startswith(f"acak{ext}") and "\n" not in str(exc)
    else:
        assert document.text.strip()
        assert "\r" not in document.text and "\x00" not in document.text
