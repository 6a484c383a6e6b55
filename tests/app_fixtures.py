"""Projects for the app's tests: the sample study, a hostile transcript, and a large
study of any size made by varying the sample texts."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from qualcode.corpus import read_document
from qualcode.model import SourceDocument
from qualcode.service import Project

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "transcripts"
APP = ROOT / "app.py"

HOSTILE_NAME = "<img src=x onerror=alert(1)>.txt"
HOSTILE_TEXT = (
    "Peneliti: Bagaimana koordinasi dengan OPD?\n\n"
    "Informan 9: Koordinasi <script>alert(1)</script> masih lambat karena data "
    "<img src=x onerror=alert(1)> dari OPD belum masuk tepat waktu. Kendala utamanya "
    "sistem e-office sering error.\n"
)

SMALL = (
    "wawancara/informan-01-kabag-organisasi.md",
    "wawancara/informan-02-analis-kelembagaan.md",
    "observasi/observasi-01-rapat-koordinasi.md",
)


def sample_sources() -> list[SourceDocument]:
    """Every document of the sample study, read as the importer reads it."""
    files = sorted(p for p in SAMPLE.rglob("*") if p.suffix in (".md", ".txt"))
    return [read_document(p) for p in files if p.name != "README.md"]


def hostile_source() -> SourceDocument:
    return SourceDocument(
        name=HOSTILE_NAME,
        text=HOSTILE_TEXT,
        source_type="interview",
        informant="Informan <b>9</b>",
        role="Staf <i>OPD</i>",
        date="2024-03-30",
        metadata={"interviewer": "Peneliti"},
    )


def build_small(path: Path) -> Path:
    """Three sample documents and the hostile one, auto-coded."""
    with Project.create(path, name="Studi uji") as project:
        for name in SMALL:
            project.add_source(read_document(SAMPLE / name))
        project.add_source(hostile_source())
        project.code()
    return path


_INFORMANT = re.compile(r"Informan (\d+)")


def variant(source: SourceDocument, copy: int) -> SourceDocument:
    """The document as if told by another informant on another day: informant
    numbers shifted, a line of field notes added, a few words changed."""
    if copy == 0:
        return source
    shift = 6 * copy

    def renumber(match: re.Match[str]) -> str:
        return f"Informan {int(match.group(1)) + shift}"

    text = _INFORMANT.sub(renumber, source.text)
    text = text.replace("Mas.", "Mbak.", copy % 2).replace("kendala", "hambatan", copy % 3)
    text += f"\n\nCatatan lapangan salinan {copy}: wawancara lanjutan.\n"
    return SourceDocument(
        name=f"{Path(source.name).stem}-{copy:02d}{Path(source.name).suffix}",
        text=text,
        source_type=source.source_type,
        informant=_INFORMANT.sub(renumber, source.informant),
        role=source.role,
        date=source.date,
        place=source.place,
        title=source.title,
        format=source.format,
        metadata=dict(source.metadata),
    )


def build_large(path: Path, n_documents: int = 200) -> Path:
    """``n_documents`` documents made from the sample study, auto-coded."""
    sources = sample_sources()
    with Project.create(path, name="Studi besar") as project:
        for i in range(n_documents):
            project.add_source(variant(sources[i % len(sources)], i // len(sources)))
        project.code()
    return path


def copy_project(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target


_TEMPLATES: dict[str, Path] = {}


def small_project(base: Path, target: Path) -> Path:
    """A fresh copy of the small project; the project itself is built once per
    ``base`` folder (pytest's session temporary folder)."""
    key = str(base)
    if key not in _TEMPLATES:
        folder = base / "app-template"
        folder.mkdir(exist_ok=True)
        _TEMPLATES[key] = build_small(folder / "template.qualcode")
    return copy_project(_TEMPLATES[key], target)


def start_app(project: Path, monkeypatch: Any, *, page: str | None = None) -> AppTest:
    """The app on ``project``, run once (on ``page`` when given)."""
    monkeypatch.setenv("QUALCODE_PROJECT", str(project))
    monkeypatch.setenv("QUALCODE_USER", "penguji")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py")
        at.run()
    return at


def markdown_text(at: AppTest) -> str:
    """Everything the app rendered as Markdown/HTML, joined."""
    return "\n".join(str(m.value) for m in at.markdown)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def accept_all(path: Path, *, every: int = 1) -> int:
    """Accept every ``every``-th suggestion (as a reviewer would); returns how many."""
    with Project.open(path) as project:
        codings = project.codings_frame()
        chosen = codings.loc[codings["status"] == "suggested"].iloc[::every]
        for row in chosen.itertuples():
            project.accept(int(row.coding_id), actor="penguji", expected_version=int(row.version))
    return len(chosen)
