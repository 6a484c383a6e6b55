"""Nothing in a project can make the workbench run code or reach outside.

Every page is rendered (Streamlit's AppTest) on a project where every piece of text
that comes from outside is hostile: the transcript, the file name, the informant,
a code's and a framework's name (from a codebook YAML), memos, a finding and the
reviewer's name. Each HTML block the app sends must contain only the tags and
attributes of qualcode.ui.safe_html (so no script, image, link or event handler),
with the hostile text shown escaped. Then: the server listens on 127.0.0.1 only,
and no source file loads data in a way that can run code (eval, exec, pickle,
unsafe YAML).

tests/test_app_ui.py checks that only the helper passes ``unsafe_allow_html``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from app_fixtures import hostile_source, sample_sources
from click.testing import CliRunner
from streamlit.testing.v1 import AppTest

from qualcode.cli import main
from qualcode.service import Project

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"

TRACKER = "http://127.0.0.1:9/jejak.png"
HOSTILE_CODE = f'<img src=x onerror=alert("kode")>Koordinasi ![x]({TRACKER})'
HOSTILE_FRAMEWORK = "<svg onload=alert('teori')>Teori"
HOSTILE_MEMO = f"<script>alert('memo')</script> [klik](javascript:alert(1)) ![x]({TRACKER})"
HOSTILE_ACTOR = f"<b onmouseover=alert('rina')>rina</b> ![x]({TRACKER})"
HOSTILE_FINDING = "<iframe src=javascript:alert('temuan')></iframe> Koordinasi lemah"

SAFE_TAGS = {"div", "span", "mark", "b", "i", "small", "blockquote", "p", "s", "style", "br"}
SAFE_ATTRIBUTES = {"class", "style", "title", "id"}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SAFE_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name not in SAFE_ATTRIBUTES:
                self.bad.append(f"<{tag} {name}=...>")
            if value and re.search(r"(javascript|expression\(|url\()", value, re.I):
                self.bad.append(f"<{tag} {name}={value!r}>")


def _unsafe_parts(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser.bad


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile-app") / "studi.qualcode"
    with Project.create(path, name="<script>alert('proyek')</script>") as project:
        book = project.codebook
        first = next(c for c in book.codes if c.codable)
        codes = tuple(replace(c, name=HOSTILE_CODE) if c is first else c for c in book.codes)
        frameworks = tuple(
            replace(f, name=HOSTILE_FRAMEWORK) if f.id == first.framework else f
            for f in book.frameworks
        )
        project.set_codebook(replace(book, codes=codes, frameworks=frameworks), actor="rina")
        project.add_source(hostile_source())
        project.add_source(sample_sources()[3])
        project.code()
        frame = project.codings_frame()
        hostile_doc = int(
            frame.loc[frame["document"].str.contains("onerror"), "document_id"].iloc[0]
        )
        for coding_id in frame["coding_id"].iloc[:3]:
            project.accept(int(coding_id), actor=HOSTILE_ACTOR)
        project.add_coding(hostile_doc, 0, 20, first.id, actor=HOSTILE_ACTOR)
        segment = int(project.segments_frame()["segment_id"].iloc[0])
        project.save_memo("segment", segment, HOSTILE_MEMO, title=HOSTILE_MEMO, actor=HOSTILE_ACTOR)
        project.save_memo("document", hostile_doc, HOSTILE_MEMO, actor=HOSTILE_ACTOR)
        project.save_memo("code", first.id, HOSTILE_MEMO, actor=HOSTILE_ACTOR)
        project.save_conclusion(
            HOSTILE_FINDING, code_ids=[first.id], supporting=[segment], actor=HOSTILE_ACTOR
        )
    return path


PAGES = ["proyek", "buku_kode", "kondensasi", "penyajian", "kesimpulan", "ekspor"]


def _render(project: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("QUALCODE_PROJECT", str(project))
    monkeypatch.setenv("QUALCODE_USER", HOSTILE_ACTOR)
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _check_html_blocks(at: AppTest) -> list[str]:
    """Every block sent as HTML holds only safe tags; returns all the HTML."""
    shown = []
    for element in at.markdown:
        if element.proto.allow_html:
            body = str(element.value)
            assert _unsafe_parts(body) == [], body[:500]
            shown.append(body)
    return shown


def _document_id(project: Path, marker: str) -> int:
    with Project.open(project) as opened:
        frame = opened.documents_frame()
    return int(frame.loc[frame["name"].str.contains(marker, regex=False), "document_id"].iloc[0])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_hostile_text_only_as_text(
    hostile_project: Path, page: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _render(hostile_project, page, monkeypatch)
    shown = _check_html_blocks(at)
    if page == "kondensasi":
        at.selectbox(key="qc_f_doc").set_value(_document_id(hostile_project, "onerror")).run()
        for mode in ("queue", "read", "manual", "memo"):
            at.segmented_control(key="qc_mode").set_value(mode).run()
            assert not at.exception, (mode, [e.value for e in at.exception])
            shown += _check_html_blocks(at)
        html = "\n".join(shown)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the transcript, escaped
        assert "&lt;img src=x onerror=alert(&quot;kode&quot;)&gt;" in html  # the code name


def _memo_view(project: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    at = _render(project, "kondensasi", monkeypatch)
    at.selectbox(key="qc_f_doc").set_value(_document_id(project, "onerror")).run()
    at.segmented_control(key="qc_mode").set_value("memo").run()
    at.segmented_control(key="qc_memo_kind").set_value("document").run()
    assert not at.exception
    return at


def test_memos_are_listed_with_their_text_escaped(
    hostile_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _memo_view(hostile_project, monkeypatch)
    _check_html_blocks(at)
    assert any(area.value == HOSTILE_MEMO for area in at.text_area)  # shown as plain text


def test_markdown_in_a_name_is_never_rendered_as_markdown(
    hostile_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _memo_view(hostile_project, monkeypatch)
    live = [str(e.value) for e in at.markdown if not e.proto.allow_html]
    live += [str(e.value) for e in at.caption]
    assert [text for text in live if f"]({TRACKER})" in text] == []


# --------------------------------------------------------------------------- the server


def test_the_server_listens_on_this_machine_only() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    server = config["server"]
    assert server["address"] == "127.0.0.1"
    assert server.get("enableXsrfProtection", True) is True
    assert server.get("enableCORS", True) is True


def test_qualcode_app_defaults_to_127_0_0_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import subprocess

    project = tmp_path / "studi.qualcode"
    Project.create(project).close()
    calls: list[list[str]] = []

    def fake_call(command: list[str], **kwargs: Any) -> int:
        calls.append(command)
        return 0

    monkeypatch.setattr(subprocess, "call", fake_call)
    result = CliRunner().invoke(main, ["app", "-p", str(project), "--no-browser"])
    assert result.exit_code == 0, result.output
    (command,) = calls
    assert command[command.index("--server.address") + 1] == "127.0.0.1"
    assert "http://127.0.0.1:" in result.output
    option = next(p for p in main.commands["app"].params if p.name == "address")
    assert option.default == "127.0.0.1"


# --------------------------------------------------------------------------- no code from data

FORBIDDEN = {
    r"\byaml\.load\(": "yaml.load (use the safe composer in qualcode.codebook)",
    r"\byaml\.(unsafe_load|full_load|load_all)\(": "unsafe YAML loading",
    r"Loader\s*=\s*yaml\.(Loader|UnsafeLoader|FullLoader)": "unsafe YAML loader",
    r"\bpickle\.(load|loads)\(": "pickle",
    r"\b(cPickle|dill|shelve|marshal)\b": "pickle-like deserialisation",
    r"(?<![\w.])eval\(": "eval",
    r"(?<![\w.])exec\(": "exec",
    r"\b__import__\(": "__import__",
    r"shell\s*=\s*True": "a shell command",
    r"\bos\.system\(": "os.system",
    r"\bresolve_entities\s*=\s*True": "XML entity resolution",
    r"\bextractall\(": "extracting an archive to disk",
}


def _sources() -> list[Path]:
    files = [APP, *(ROOT / "app_pages").glob("*.py"), *(ROOT / "src" / "qualcode").rglob("*.py")]
    files += (ROOT / "scripts").glob("*.py")
    return sorted(f for f in files if "migrations/versions" not in f.as_posix())


def test_no_source_file_can_run_code_from_data() -> None:
    found = []
    for path in _sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            for pattern, what in FORBIDDEN.items():
                if re.search(pattern, code):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    assert found == []


def test_the_scan_finds_what_it_looks_for() -> None:
    for sample in (
        "yaml.load(text)",
        "pickle.loads(blob)",
        "eval(expr)",
        "exec(code)",
        "subprocess.run(cmd, shell=True)",
        "archive.extractall(folder)",
    ):
        assert any(re.search(p, sample) for p in FORBIDDEN), sample
    for harmless in ("ast.literal_eval(x)", "conn.exec_driver_sql(q)", "yaml.safe_dump(x)"):
        assert not any(re.search(p, harmless) for p in FORBIDDEN), harmless
